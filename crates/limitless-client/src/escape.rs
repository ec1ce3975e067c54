//! The signed escape hatch: [`Client::request`](crate::Client::request) for
//! endpoints the SDK does not wrap, through the same send path.

use bytes::Bytes;
use http::uri::PathAndQuery;
use http::{HeaderName, HeaderValue, Method};
use percent_encoding::percent_decode_str;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::builder::reserved_per_call;
use crate::ops::{Auth, Operation, RequestSpec, encode_query};
use crate::{Call, Error, HttpClient};

/// A request to any path of the API, signed, sent, retried, skew-corrected
/// and redacted exactly as the SDK's own operations are (see
/// [`Client::request`](crate::Client::request)).
///
/// Only `GET` and `HEAD` requests are sent again after they may have
/// reached the server, unless you declare the request
/// [`idempotent`](Self::idempotent); any request is retried when it
/// certainly was not sent. The configured credentials are sent (HMAC,
/// else the API key, else none) unless an
/// [`identity_token`](Self::identity_token) is given.
#[must_use = "a RequestBuilder does nothing until it is called"]
#[derive(Debug)]
pub struct RequestBuilder {
    http: HttpClient,
    spec: Result<RequestSpec, Error>,
}

impl RequestBuilder {
    pub(crate) fn new(http: HttpClient, method: Method, path: &str) -> Self {
        let spec = http.relative_path(path).map(|(path, query)| {
            let mut spec = RequestSpec::new("request", method, path, Auth::Public);
            spec.query = query;
            spec
        });
        Self { http, spec }
    }

    fn with(mut self, change: impl FnOnce(RequestSpec) -> Result<RequestSpec, Error>) -> Self {
        self.spec = self.spec.and_then(change);
        self
    }

    /// Appends query pairs (form-encoded, in order) to any query the path
    /// had.
    pub fn query<K: AsRef<str>, V: AsRef<str>>(
        self,
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let pairs: Vec<(String, String)> = pairs
            .into_iter()
            .map(|(k, v)| (k.as_ref().to_owned(), v.as_ref().to_owned()))
            .collect();
        self.with(|mut spec| {
            let added = encode_query(pairs.iter().map(|(k, v)| (k.as_str(), v.clone())));
            spec.query = match (spec.query.take(), added) {
                (Some(given), Some(added)) => Some(format!("{given}&{added}")),
                (given, added) => given.or(added),
            };
            Ok(spec)
        })
    }

    /// The JSON body, serialized once: those bytes are signed and sent.
    pub fn json<B: Serialize + ?Sized>(self, body: &B) -> Self {
        let bytes = serde_json::to_vec(body).map_err(|e| {
            Error::invalid_field(
                "body",
                format!("the request body could not be serialized: {e}"),
            )
        });
        self.with(move |mut spec| {
            spec.body = Some(Bytes::from(bytes?));
            Ok(spec)
        })
    }

    /// A body of exact bytes (sent as `application/json`).
    pub fn body(self, body: impl Into<Bytes>) -> Self {
        let body = body.into();
        self.with(move |mut spec| {
            spec.body = Some(body);
            Ok(spec)
        })
    }

    /// A header of this request (`x-on-behalf-of`, say). Credential headers
    /// and the client's own are refused: the client sets those.
    pub fn header(self, name: &str, value: &str) -> Self {
        let header = (|| {
            let name = HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| {
                Error::invalid_field(
                    "header",
                    format!("`{name}` is not a valid HTTP header name"),
                )
            })?;
            if let Some(why) = reserved_per_call(&name) {
                return Err(Error::invalid_field(
                    "header",
                    format!("header `{name}` cannot be set on a request: it {why}"),
                ));
            }
            let value = HeaderValue::from_str(value).map_err(|_| {
                Error::invalid_field(
                    "header",
                    format!("the value of header `{name}` contains characters that are not allowed in an HTTP header"),
                )
            })?;
            Ok((name, value))
        })();
        self.with(move |spec| {
            let (name, value) = header?;
            Ok(spec.header(name, value))
        })
    }

    /// Authenticates with a Privy identity token (`identity: Bearer …`)
    /// instead of the configured credentials.
    pub fn identity_token(self, identity_token: &str) -> Self {
        let auth = Auth::identity("request", identity_token);
        self.with(move |mut spec| {
            spec.auth = auth?;
            Ok(spec)
        })
    }

    /// Fails before sending unless the client has HMAC credentials (for an
    /// endpoint that refuses a legacy API key).
    pub fn require_hmac(self) -> Self {
        self.with(|mut spec| {
            spec.auth = Auth::Hmac(
                "this request requires HMAC-scoped API token auth; legacy API keys are not supported.",
            );
            Ok(spec)
        })
    }

    /// Declares whether sending the request twice has the same effect as
    /// once. Only then is it sent again after it may have reached the
    /// server (default: `true` for `GET` and `HEAD`, `false` otherwise).
    pub fn idempotent(self, idempotent: bool) -> Self {
        self.with(move |spec| Ok(spec.idempotent(idempotent)))
    }

    /// Declares that the answer may carry a secret: errors then never show
    /// its body.
    pub fn sensitive(self) -> Self {
        self.with(|spec| Ok(spec.sensitive()))
    }

    /// The request as an [`Operation`] answering `T`, to inspect or sign.
    ///
    /// # Errors
    ///
    /// The first invalid argument given to the builder.
    pub fn operation<T: DeserializeOwned>(self) -> Result<Operation<T>, Error> {
        Ok(self.spec?.decode())
    }

    /// The call, its answer decoded as `T`.
    pub fn call<T: DeserializeOwned + Send + 'static>(self) -> Call<T> {
        let http = self.http.clone();
        http.call(self.operation())
    }

    /// The call, its answer as any JSON value.
    pub fn call_json(self) -> Call<serde_json::Value> {
        self.call()
    }
}

impl HttpClient {
    /// A request to `path` (below the base URL, e.g. `/portfolio/trades`,
    /// or a full URL of the same origin and base path) through the client's
    /// send path: see [`RequestBuilder`].
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        RequestBuilder::new(self.clone(), method, path)
    }

    /// `path` as a path below the base URL and its query. A path with `.`
    /// or `..` segments (even percent-encoded) or a URL to another origin
    /// is refused: the request would go elsewhere than where it is signed
    /// for, or leak a signature to another host.
    fn relative_path(&self, given: &str) -> Result<(String, Option<String>), Error> {
        let invalid = |why: String| Error::invalid_field("path", why);
        let base = self.base_url();
        let path = if given.starts_with('/') {
            given
        } else if let Some(below) = given.strip_prefix(base.as_str()) {
            if !below.is_empty() && !below.starts_with('/') && !below.starts_with('?') {
                return Err(invalid(format!(
                    "`{given}` is not below the client's base URL {base}; pass a path such as /portfolio/trades"
                )));
            }
            below
        } else if given.contains("://") {
            return Err(invalid(format!(
                "`{given}` is not below the client's base URL {base}: the client signs only for its own API; pass a path such as /portfolio/trades"
            )));
        } else {
            return Err(invalid(format!(
                "`{given}` must start with `/` (a path below the base URL, such as /portfolio/trades)"
            )));
        };
        let path = if path.is_empty() || path.starts_with('?') {
            format!("/{path}")
        } else {
            path.to_owned()
        };
        let parsed = PathAndQuery::try_from(path.as_str()).map_err(|_| {
            invalid(format!(
                "`{given}` is not a valid URI path; percent-encode spaces and other reserved characters"
            ))
        })?;
        if parsed.path().starts_with("//") {
            return Err(invalid(format!(
                "`{given}` starts with `//`, which a URL reads as another host"
            )));
        }
        for segment in parsed.path().split('/') {
            let decoded = percent_decode_str(segment).decode_utf8_lossy();
            if matches!(decoded.as_ref(), "." | "..") {
                return Err(invalid(format!(
                    "`{given}` has a `{segment}` segment, which a URL reads as a step up or across the path; pass the path it means"
                )));
            }
        }
        Ok((
            parsed.path().to_owned(),
            parsed.query().filter(|q| !q.is_empty()).map(str::to_owned),
        ))
    }
}
