//! What an operation's finish step may use of the client: the decoding
//! rules, the shape of its errors and the venue cache. The send path hands
//! a [`Finisher`] down, so the operations never name the client above them.

use std::fmt;

use serde::de::DeserializeOwned;

use crate::Error;
use crate::error::{
    ApiError, DecodeError, RequestContext, ResponseBody, excerpt, parse_api_error_message,
    withheld_decode_error,
};
use crate::ops::RequestSpec;
use crate::response::{ApiResponse, RawResponse};
use crate::venues::VenueCache;

/// The client as an operation's finish step sees it.
#[derive(Clone, Copy)]
pub(crate) struct Finisher<'a> {
    /// The base URL's path prefix, shown in errors.
    pub(crate) prefix: &'a str,
    /// The market venues the client has learned.
    pub(crate) venues: &'a VenueCache,
}

impl<'a> Finisher<'a> {
    /// The venue cache a market read records into.
    pub(crate) fn venues(&self) -> &'a VenueCache {
        self.venues
    }

    /// The path (base URL prefix included) as it appears in errors.
    pub(crate) fn path_of<'s>(&self, spec: &'s RequestSpec) -> FullPath<'s>
    where
        'a: 's,
    {
        FullPath {
            prefix: self.prefix,
            path: &spec.path,
        }
    }

    /// Decodes an accepted answer to `spec` as JSON `T`. An undecodable
    /// success answer to a request that is not idempotent leaves its
    /// outcome unknown; an accepted refusal (see [`RequestSpec::accept`])
    /// whose body is not the expected result is an [`Error::Api`].
    pub(crate) fn decode<T: DeserializeOwned>(
        &self,
        spec: &RequestSpec,
        raw: RawResponse,
    ) -> Result<ApiResponse<T>, Error> {
        match serde_json::from_slice::<T>(&raw.body) {
            Ok(data) => Ok(ApiResponse { data, raw }),
            // A refusal the operation decodes as a result (a 409 to a
            // cancel-replace) whose body is not that result: still a known
            // refusal, nothing was carried out.
            Err(_) if !raw.status.is_success() => {
                Err(api_error(spec, &self.path_of(spec), raw).into())
            }
            Err(source) => {
                let error = decode_error(spec, &self.path_of(spec), source, raw);
                Err(self.outcome_error(spec, error))
            }
        }
    }

    /// The error to return for `spec`: a request that is not idempotent
    /// and may have been carried out becomes [`Error::OutcomeUnknown`].
    pub(crate) fn outcome_error(&self, spec: &RequestSpec, error: Error) -> Error {
        if spec.idempotent || !error.failure().leaves_outcome_unknown() {
            return error;
        }
        Error::OutcomeUnknown {
            context: context(spec, &self.path_of(spec)),
            orders: spec.orders.clone(),
            source: Box::new(error),
        }
    }
}

/// The request context of `spec` for errors.
pub(crate) fn context(spec: &RequestSpec, path: &FullPath<'_>) -> RequestContext {
    RequestContext {
        operation: spec.operation,
        method: spec.method.clone(),
        path: path.to_string(),
        unknown_codes: spec.unknown_codes,
    }
}

/// The API error for a refusal of `spec`; its message is a bounded excerpt.
pub(crate) fn api_error(spec: &RequestSpec, path: &FullPath<'_>, raw: RawResponse) -> ApiError {
    ApiError {
        context: context(spec, path),
        message: excerpt(&parse_api_error_message(raw.status, &raw.body)),
        status: raw.status,
        headers: raw.headers,
        body: ResponseBody::new(raw.body, spec.sensitive),
    }
}

/// The error for a success response to `spec` whose body is not the
/// expected JSON.
fn decode_error(
    spec: &RequestSpec,
    path: &FullPath<'_>,
    source: serde_json::Error,
    raw: RawResponse,
) -> Error {
    // A body that echoes the request's identity token is kept from view too.
    let sensitive = spec.sensitive
        || spec
            .auth
            .identity_token()
            .is_some_and(|token| contains(&raw.body, token.as_bytes()));
    let source = if sensitive {
        withheld_decode_error(&source)
    } else {
        source
    };
    Error::Decode(Box::new(DecodeError {
        context: context(spec, path),
        status: raw.status,
        headers: raw.headers,
        body: ResponseBody::new(raw.body, sensitive),
        source,
    }))
}

/// Whether `needle` occurs in `haystack`.
pub(crate) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty()
        && haystack
            .windows(needle.len())
            .any(|window| window == needle)
}

/// The base URL's path prefix followed by a request's path, shown in errors
/// and traces; formatted only when one of them needs it.
pub(crate) struct FullPath<'a> {
    prefix: &'a str,
    path: &'a str,
}

impl fmt::Display for FullPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.prefix)?;
        f.write_str(self.path)
    }
}
