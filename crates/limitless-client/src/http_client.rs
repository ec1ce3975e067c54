//! [`HttpClient`]: configuration plus the single send path every operation
//! goes through (sign per attempt → transport → classify → decode).

use std::fmt;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use bytes::Bytes;
use http::header::{ACCEPT, CONTENT_TYPE, USER_AGENT};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Uri};
use limitless_auth::{
    HEADER_API_KEY, HEADER_SIGNATURE, HEADER_TIMESTAMP, Signer, SigningInput, Timestamp,
};
use limitless_transport::{SharedTransport, Transport};
use serde::de::DeserializeOwned;
use tracing::Instrument;
use tracing::field::Empty;

use crate::call::{ApiResponse, Call, RawResponse};
use crate::clock::Clock;
use crate::error::{ApiError, Error, parse_api_error_message};
use crate::request::{Auth, AuthClass, RequestSpec};
use crate::retry::{Attempt, RetryDecision, RetryPolicy, effective_decision};
use crate::venues::VenueCache;

/// `user-agent` and `x-sdk-version` of every request.
pub(crate) const SDK_ID: &str = concat!("limitless-rs/", env!("CARGO_PKG_VERSION"));

/// The legacy API key header.
pub(crate) const HEADER_X_API_KEY: &str = "x-api-key";
/// The Privy identity token header.
pub(crate) const HEADER_IDENTITY: &str = "identity";
const HEADER_SDK_VERSION: &str = "x-sdk-version";

/// A configured connection to the Limitless API: base URL, credentials,
/// transport, clock and retry policy.
///
/// Cheap to clone (one `Arc`); every service of a [`Client`](crate::Client)
/// shares the same one. Build it with [`Client::builder`](crate::Client::builder).
#[derive(Clone)]
pub struct HttpClient {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    /// `scheme://host[:port]`.
    pub(crate) origin: String,
    /// The base URL's path without a trailing `/` (empty for none).
    pub(crate) prefix: String,
    pub(crate) transport: SharedTransport,
    pub(crate) signer: Option<Signer>,
    /// Sensitive `X-API-Key` value.
    pub(crate) api_key: Option<HeaderValue>,
    pub(crate) default_headers: HeaderMap,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) retry: Arc<dyn RetryPolicy>,
    pub(crate) venues: VenueCache,
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("HttpClient")
            .field("base_url", &self.base_url())
            .field("hmac_token_id", &self.token_id())
            .field("api_key", &inner.api_key.as_ref().map(|_| "<redacted>"))
            .field("default_headers", &inner.default_headers)
            .field("transport", &inner.transport)
            .field("clock", &inner.clock)
            .field("retry", &inner.retry)
            .finish_non_exhaustive()
    }
}

impl HttpClient {
    pub(crate) fn from_inner(inner: Inner) -> Self {
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The base URL requests are sent to, without a trailing `/`.
    pub fn base_url(&self) -> String {
        format!("{}{}", self.inner.origin, self.inner.prefix)
    }

    /// The HMAC token id (`lmts-api-key`), when HMAC credentials are configured.
    pub fn token_id(&self) -> Option<&str> {
        self.inner.signer.as_ref().map(Signer::token_id)
    }

    /// Whether HMAC credentials are configured.
    pub fn has_hmac_credentials(&self) -> bool {
        self.inner.signer.is_some()
    }

    /// Whether a legacy API key is configured.
    pub fn has_api_key(&self) -> bool {
        self.inner.api_key.is_some()
    }

    /// The clock the client signs with.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }

    pub(crate) fn venues(&self) -> &VenueCache {
        &self.inner.venues
    }

    /// Checks that the client can make a call of `class` (before any I/O) and
    /// says how the request will authenticate.
    pub(crate) fn auth_for(
        &self,
        operation: &'static str,
        class: AuthClass<'_>,
    ) -> Result<Auth, Error> {
        match class {
            AuthClass::Identity(token) => {
                let token = token.trim();
                if token.is_empty() {
                    return Err(Error::invalid(format!(
                        "identity token is required for {operation}"
                    )));
                }
                let mut value = HeaderValue::try_from(format!("Bearer {token}")).map_err(|_| {
                    Error::invalid(format!(
                        "the identity token for {operation} contains characters that are not allowed in an HTTP header; pass the token exactly as Privy issued it"
                    ))
                })?;
                value.set_sensitive(true);
                Ok(Auth::Identity(value))
            }
            AuthClass::HmacOnly(message) => {
                if self.inner.signer.is_some() {
                    Ok(Auth::Configured)
                } else {
                    Err(Error::invalid(message))
                }
            }
            AuthClass::Any => {
                if self.inner.signer.is_some() || self.inner.api_key.is_some() {
                    Ok(Auth::Configured)
                } else {
                    Err(Error::AuthenticationRequired { operation })
                }
            }
            AuthClass::Public => Ok(Auth::Configured),
        }
    }

    /// The path (base URL prefix included) as it appears in errors and traces.
    fn full_path(&self, spec: &RequestSpec) -> String {
        format!("{}{}", self.inner.prefix, spec.path)
    }

    /// Builds one signed attempt of `spec` at time `now`. Pure: no I/O.
    pub(crate) fn build_request(
        &self,
        spec: &RequestSpec,
        now: SystemTime,
    ) -> Result<http::Request<Bytes>, Error> {
        let inner = &self.inner;
        let path_and_query = format!("{}{}", inner.prefix, spec.path_and_query());
        let uri = Uri::try_from(format!("{}{path_and_query}", inner.origin)).map_err(|_| {
            Error::invalid(format!(
                "{}: the request path is not a valid URI; check the identifiers passed",
                spec.operation
            ))
        })?;
        let body = spec.body.clone().unwrap_or_default();

        let mut headers = inner.default_headers.clone();
        headers.insert(USER_AGENT, HeaderValue::from_static(SDK_ID));
        headers.insert(HEADER_SDK_VERSION, HeaderValue::from_static(SDK_ID));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        if spec.body.is_some() && spec.method != Method::DELETE {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        for (name, value) in &spec.headers {
            headers.insert(name.clone(), value.clone());
        }
        match &spec.auth {
            Auth::Identity(value) => {
                headers.insert(HeaderName::from_static(HEADER_IDENTITY), value.clone());
            }
            Auth::Configured => {
                if let Some(signer) = &inner.signer {
                    let timestamp = Timestamp::from_system_time(now)
                        .map_err(|source| Error::Signing { source })?;
                    let signed = signer.sign(&SigningInput {
                        timestamp: &timestamp,
                        method: spec.method.as_str(),
                        path_and_query: &path_and_query,
                        body: &body,
                    });
                    let api_key = header_value(signed.api_key(), false)?;
                    let timestamp = header_value(signed.timestamp(), false)?;
                    let signature = header_value(signed.signature(), true)?;
                    headers.insert(HeaderName::from_static(HEADER_API_KEY), api_key);
                    headers.insert(HeaderName::from_static(HEADER_TIMESTAMP), timestamp);
                    headers.insert(HeaderName::from_static(HEADER_SIGNATURE), signature);
                } else if let Some(api_key) = &inner.api_key {
                    headers.insert(HeaderName::from_static(HEADER_X_API_KEY), api_key.clone());
                }
            }
        }

        let mut request = http::Request::new(body);
        *request.method_mut() = spec.method.clone();
        *request.uri_mut() = uri;
        *request.headers_mut() = headers;
        Ok(request)
    }

    /// The one send path: sign per attempt, send, classify, ask the retry
    /// policy. Returns the accepted raw response.
    pub(crate) async fn send(&self, spec: &RequestSpec) -> Result<RawResponse, Error> {
        let path = self.full_path(spec);
        let span = tracing::info_span!(
            "limitless_request",
            operation = spec.operation,
            method = %spec.method,
            path = %path,
            status = Empty,
            latency_ms = Empty,
            attempt = Empty,
        );
        async {
            let mut number = 0_u32;
            loop {
                number += 1;
                let started = Instant::now();
                let outcome = self.attempt(spec, &path).await;
                let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
                let span = tracing::Span::current();
                span.record("attempt", number);
                span.record("latency_ms", latency_ms);
                match &outcome {
                    Ok(raw) => {
                        span.record("status", raw.status.as_u16());
                    }
                    Err(error) => {
                        if let Some(status) = error.status() {
                            span.record("status", status.as_u16());
                        }
                        tracing::debug!(error = %error, "request failed");
                    }
                }
                let attempt = Attempt {
                    operation: spec.operation,
                    number,
                    idempotent: spec.idempotent,
                    outcome: outcome.as_ref(),
                };
                match effective_decision(&*self.inner.retry, &attempt) {
                    RetryDecision::RetryAfter(delay) => {
                        tracing::debug!(delay_ms = delay.as_millis() as u64, "retrying");
                        tokio::time::sleep(delay).await;
                    }
                    RetryDecision::Stop => return outcome,
                }
            }
        }
        .instrument(span)
        .await
    }

    async fn attempt(&self, spec: &RequestSpec, path: &str) -> Result<RawResponse, Error> {
        let request = self.build_request(spec, self.inner.clock.now())?;
        let response =
            self.inner
                .transport
                .send(request)
                .await
                .map_err(|source| Error::Transport {
                    source,
                    method: spec.method.clone(),
                    path: path.to_owned(),
                })?;
        let (parts, body) = response.into_parts();
        let raw = RawResponse {
            status: parts.status,
            headers: parts.headers,
            body,
        };
        if raw.status.is_success() || spec.accept.contains(&raw.status) {
            Ok(raw)
        } else {
            Err(ApiError {
                message: parse_api_error_message(raw.status, &raw.body),
                status: raw.status,
                method: spec.method.clone(),
                path: path.to_owned(),
                headers: raw.headers,
                body: raw.body,
            }
            .into())
        }
    }

    /// Sends `spec` and decodes the JSON body as `T`.
    pub(crate) fn call<'a, T>(&self, spec: Result<RequestSpec, Error>) -> Call<'a, T>
    where
        T: DeserializeOwned + Send + 'a,
    {
        self.call_map(spec, |value: T| value)
    }

    /// Sends `spec`, decodes the JSON body as `R` and maps it to `T`.
    pub(crate) fn call_map<'a, R, T>(
        &self,
        spec: Result<RequestSpec, Error>,
        map: fn(R) -> T,
    ) -> Call<'a, T>
    where
        R: DeserializeOwned + 'a,
        T: Send + 'a,
    {
        match spec {
            Err(error) => Call::fail(error),
            Ok(spec) => {
                let http = self.clone();
                Call::new(async move {
                    let raw = http.send(&spec).await?;
                    let data = decode::<R>(&raw)?;
                    Ok(ApiResponse {
                        data: map(data),
                        raw,
                    })
                })
            }
        }
    }

    /// Sends `spec` and ignores the response body.
    pub(crate) fn call_unit<'a>(&self, spec: Result<RequestSpec, Error>) -> Call<'a, ()> {
        match spec {
            Err(error) => Call::fail(error),
            Ok(spec) => {
                let http = self.clone();
                Call::new(async move {
                    let raw = http.send(&spec).await?;
                    Ok(ApiResponse { data: (), raw })
                })
            }
        }
    }
}

/// Decodes a JSON response body.
pub(crate) fn decode<T: DeserializeOwned>(raw: &RawResponse) -> Result<T, Error> {
    serde_json::from_slice(&raw.body).map_err(|source| Error::Decode {
        source,
        status: raw.status,
        body: raw.body.clone(),
    })
}

fn header_value(value: &str, sensitive: bool) -> Result<HeaderValue, Error> {
    let mut value = HeaderValue::from_str(value).map_err(|_| {
        Error::config(
            "the HMAC token id contains characters that are not allowed in an HTTP header",
        )
    })?;
    value.set_sensitive(sensitive);
    Ok(value)
}
