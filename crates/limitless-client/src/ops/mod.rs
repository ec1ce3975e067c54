//! Operations as data: every endpoint is a named, pure function here that
//! validates its arguments and returns an [`Operation`] — method, encoded
//! path and query, body bytes serialized once, headers, idempotency,
//! sensitivity and the authentication it requires — with no I/O.
//!
//! A service method is that function handed to the client's one send path
//! ([`HttpClient::call`](crate::HttpClient::call)), which resolves the
//! authentication requirement against the configured credentials, signs
//! each attempt, sends, retries, learns the clock, classifies and decodes.
//! Holding an operation lets you look at exactly what would be sent, or
//! sign it without sending ([`HttpClient::sign`](crate::HttpClient::sign)):
//!
//! ```
//! use std::time::UNIX_EPOCH;
//! use limitless_client::{Client, HmacCredentials, http::Method, ops};
//!
//! let operation = ops::api_tokens::revoke_token("tok_1")?;
//! assert_eq!(operation.method(), Method::DELETE);
//! assert_eq!(operation.path(), "/auth/api-tokens/tok_1");
//!
//! let client = Client::builder()
//!     .hmac_credentials(HmacCredentials::new("tok_0", "c2VjcmV0"))
//!     .build_client()?;
//! let request = client.http().sign(&operation, UNIX_EPOCH)?;
//! assert_eq!(request.headers()["lmts-api-key"], "tok_0");
//! # Ok::<(), limitless_client::Error>(())
//! ```

pub mod amm;
pub mod api_tokens;
pub(crate) mod finish;
pub mod maintenance;
pub mod markets;
pub mod orders;
pub mod packs;
pub mod pages;
pub mod partner_accounts;
pub mod portfolio;
pub mod server_wallets;
pub mod signed_orders;

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Method, StatusCode};
use limitless_auth::{HEADER_IDENTITY, is_secret_header};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::Error;
use crate::error::SentOrder;
use crate::response::{ApiResponse, RawResponse};
use finish::Finisher;
/// The header naming the sub-account a partner read is for: the docs use
/// it on the Packs position reads and, for a partner token with
/// `delegated_signing`, on `GET /portfolio/history` (spec 2026-04-30), and
/// PROTOCOL §7.5 extends it to positions, trades and user orders.
pub const HEADER_ON_BEHALF_OF: &str = "x-on-behalf-of";

/// Adds the [`HEADER_ON_BEHALF_OF`] header for `on_behalf_of`, checked;
/// nothing for the caller's own read.
pub(crate) fn on_behalf_of_header(
    spec: RequestSpec,
    on_behalf_of: Option<i64>,
) -> Result<RequestSpec, Error> {
    match on_behalf_of {
        Some(id) => {
            limitless_types::validate_on_behalf_of(id)?;
            Ok(spec.header(
                HeaderName::from_static(HEADER_ON_BEHALF_OF),
                HeaderValue::from(id),
            ))
        }
        None => Ok(spec),
    }
}

/// Characters left as they are in a path segment: RFC 3986 unreserved.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes the path parameter `field` as one path segment
/// (`tok/with space` → `tok%2Fwith%20space`).
///
/// `.` and `..` are refused: URL parsers (the WHATWG rules reqwest follows)
/// read them, even percent-encoded, as steps within the path, so the request
/// would go to another resource than the one signed.
pub(crate) fn encode_segment(field: &str, segment: &str) -> Result<String, Error> {
    if matches!(segment, "." | "..") {
        return Err(Error::invalid_field(
            field,
            format!(
                "{field} must not be `{segment}`: a URL reads it as a step up or across the path, not as an identifier; pass the real {field}"
            ),
        ));
    }
    Ok(utf8_percent_encode(segment, SEGMENT).to_string())
}

/// Encodes query pairs in the given order with `application/x-www-form-urlencoded`
/// rules (space → `+`). `None` when there are no pairs.
pub(crate) fn encode_query<'a>(
    pairs: impl IntoIterator<Item = (&'a str, String)>,
) -> Option<String> {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    let mut any = false;
    for (key, value) in pairs {
        serializer.append_pair(key, &value);
        any = true;
    }
    any.then(|| serializer.finish())
}

/// The authentication an operation requires (PROTOCOL §1.4), resolved by
/// the client against its credentials before any I/O.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthRequirement {
    /// A Privy identity token given with the call (`identity: Bearer …`);
    /// no other credential is sent.
    IdentityToken,
    /// HMAC credentials; a legacy API key alone is refused.
    Hmac,
    /// HMAC credentials or a legacy API key.
    Credentials,
    /// None needed; the configured credentials are still sent.
    Public,
}

/// How a request authenticates, as carried by the request.
#[derive(Clone)]
pub(crate) enum Auth {
    /// `identity: Bearer <token>` (a sensitive header value).
    Identity(HeaderValue),
    /// HMAC only; the message is the error for a client that has only a
    /// legacy API key (with nothing at all: [`Error::AuthenticationRequired`]).
    Hmac(&'static str),
    /// HMAC credentials or an API key.
    Credentials,
    /// Whatever is configured, or nothing.
    Public,
}

impl Auth {
    fn requirement(&self) -> AuthRequirement {
        match self {
            Self::Identity(_) => AuthRequirement::IdentityToken,
            Self::Hmac(_) => AuthRequirement::Hmac,
            Self::Credentials => AuthRequirement::Credentials,
            Self::Public => AuthRequirement::Public,
        }
    }

    /// `identity: Bearer <token>` for `operation`; a blank token, or one
    /// that is no valid header value, is refused.
    pub(crate) fn identity(operation: &str, token: &str) -> Result<Self, Error> {
        let token = without_bearer(token.trim());
        if token.is_empty() {
            return Err(Error::invalid_field(
                "identity_token",
                format!("identity token is required for {operation}"),
            ));
        }
        let mut value = HeaderValue::try_from(format!("Bearer {token}")).map_err(|_| {
            Error::invalid_field(
                "identity_token",
                format!(
                    "the identity token for {operation} contains characters that are not allowed in an HTTP header; pass the token exactly as Privy issued it"
                ),
            )
        })?;
        value.set_sensitive(is_secret_header(HEADER_IDENTITY));
        Ok(Self::Identity(value))
    }

    /// The identity token the request carries, without `Bearer `.
    pub(crate) fn identity_token(&self) -> Option<&str> {
        match self {
            Self::Identity(value) => value.to_str().ok()?.strip_prefix("Bearer "),
            _ => None,
        }
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Identity(_) => f.write_str("Identity(<redacted>)"),
            other => fmt::Debug::fmt(&other.requirement(), f),
        }
    }
}

/// An identity token given with its scheme (`Bearer x`, any case) is the
/// token `x`: the client adds the scheme itself.
pub(crate) fn without_bearer(token: &str) -> &str {
    const SCHEME: &str = "bearer";
    match token.get(..SCHEME.len()) {
        Some(scheme) if scheme.eq_ignore_ascii_case(SCHEME) => {
            let rest = &token[SCHEME.len()..];
            if rest.is_empty() {
                // The scheme alone: no token.
                rest
            } else if rest.starts_with(|c: char| c.is_ascii_whitespace()) {
                rest.trim_start()
            } else {
                // A token that merely starts with the letters "bearer".
                token
            }
        }
        _ => token,
    }
}

/// One request, fully prepared except for the time-dependent signature.
#[derive(Clone, Debug)]
pub(crate) struct RequestSpec {
    /// The operation name, for errors and tracing.
    pub(crate) operation: &'static str,
    pub(crate) method: Method,
    /// The encoded path below the base URL, starting with `/`.
    pub(crate) path: Cow<'static, str>,
    /// The encoded query string, without `?`.
    pub(crate) query: Option<String>,
    /// The exact body bytes to sign and send.
    pub(crate) body: Option<Bytes>,
    /// Operation-specific headers (e.g. the EOA ownership proof).
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) auth: Auth,
    /// Whether sending the request twice has the same effect as once.
    pub(crate) idempotent: bool,
    /// Non-2xx statuses whose body is decoded as a result, not an error.
    pub(crate) accept: &'static [StatusCode],
    /// The orders in the body, reported if the outcome is unknown.
    pub(crate) orders: Vec<SentOrder>,
    /// Whether the response body may carry a secret (a derived token's
    /// one-time secret): errors then never show it.
    pub(crate) sensitive: bool,
    /// Whether the call waits for its credential's Packs pacing.
    pub(crate) paced: bool,
    /// The `code`s with which a 409 leaves the outcome unknown.
    pub(crate) unknown_codes: &'static [&'static str],
}

impl RequestSpec {
    /// A request without body. Only GET and HEAD are idempotent by default;
    /// an operation declares otherwise with [`idempotent`](Self::idempotent).
    pub(crate) fn new(
        operation: &'static str,
        method: Method,
        path: impl Into<Cow<'static, str>>,
        auth: Auth,
    ) -> Self {
        let idempotent = matches!(method, Method::GET | Method::HEAD);
        Self {
            operation,
            method,
            path: path.into(),
            query: None,
            body: None,
            headers: Vec::new(),
            auth,
            idempotent,
            accept: &[],
            orders: Vec::new(),
            sensitive: false,
            paced: false,
            unknown_codes: &[],
        }
    }

    pub(crate) fn get(
        operation: &'static str,
        path: impl Into<Cow<'static, str>>,
        auth: Auth,
    ) -> Self {
        Self::new(operation, Method::GET, path, auth)
    }

    pub(crate) fn post(
        operation: &'static str,
        path: impl Into<Cow<'static, str>>,
        auth: Auth,
    ) -> Self {
        Self::new(operation, Method::POST, path, auth)
    }

    pub(crate) fn delete(
        operation: &'static str,
        path: impl Into<Cow<'static, str>>,
        auth: Auth,
    ) -> Self {
        Self::new(operation, Method::DELETE, path, auth)
    }

    /// Sets the query from ordered pairs.
    pub(crate) fn query<'a>(mut self, pairs: impl IntoIterator<Item = (&'a str, String)>) -> Self {
        self.query = encode_query(pairs);
        self
    }

    /// Serializes `body` once, compactly, in struct field order.
    pub(crate) fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(body).map_err(|e| {
            Error::invalid(format!(
                "the {} request body could not be serialized: {e}",
                self.operation
            ))
        })?;
        self.body = Some(Bytes::from(bytes));
        Ok(self)
    }

    pub(crate) fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    /// Declares whether the operation may be repeated safely.
    pub(crate) fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = idempotent;
        self
    }

    /// Records the orders the body carries, for reconciliation.
    pub(crate) fn orders(mut self, orders: Vec<SentOrder>) -> Self {
        self.orders = orders;
        self
    }

    /// Marks the response as carrying a secret: no error shows its body.
    pub(crate) fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    /// Paces the call with the credential's other Packs calls.
    pub(crate) fn paced(mut self) -> Self {
        self.paced = true;
        self
    }

    /// Declares the `code`s with which a 409 says the outcome is unknown:
    /// such an answer is never taken for a refusal.
    pub(crate) fn unknown_on_conflict(mut self, codes: &'static [&'static str]) -> Self {
        self.unknown_codes = codes;
        self
    }

    pub(crate) fn accept(mut self, statuses: &'static [StatusCode]) -> Self {
        self.accept = statuses;
        self
    }

    /// `prefix`, then the path and query as sent and signed, built in one
    /// allocation.
    pub(crate) fn path_and_query_below(&self, prefix: &str) -> String {
        let query = self.query.as_deref();
        let mut text = String::with_capacity(
            prefix.len() + self.path.len() + query.map_or(0, |query| query.len() + 1),
        );
        text.push_str(prefix);
        text.push_str(&self.path);
        if let Some(query) = query {
            text.push('?');
            text.push_str(query);
        }
        text
    }

    /// Typed by its response, decoded as JSON.
    pub(crate) fn decode<T: DeserializeOwned>(self) -> Operation<T> {
        Operation::new(self, Finish::Fn(decode_json::<T>))
    }

    /// Typed by its response, finished by `finish`.
    pub(crate) fn finish<T>(self, finish: FinishFn<T>) -> Operation<T> {
        Operation::new(self, Finish::Fn(finish))
    }

    /// Typed by its response, finished by a step that captures what it
    /// needs of the caller's arguments (the slug a market read records its
    /// venue under, the address an account lookup looks for).
    pub(crate) fn finish_with<T>(
        self,
        finish: impl FnOnce(
            &Finisher<'_>,
            &RequestSpec,
            Result<RawResponse, Error>,
        ) -> Result<ApiResponse<T>, Error>
        + Send
        + 'static,
    ) -> Operation<T> {
        Operation::new(self, Finish::Boxed(Box::new(finish)))
    }
}

/// Turns the outcome of the send path into the operation's result: decodes,
/// maps, and lets the operation update client state (the venue cache).
pub(crate) type FinishFn<T> =
    fn(&Finisher<'_>, &RequestSpec, Result<RawResponse, Error>) -> Result<ApiResponse<T>, Error>;

/// A boxed finish: a [`FinishFn`] composed with a caller's mapping.
type BoxedFinish<T> = Box<
    dyn FnOnce(
            &Finisher<'_>,
            &RequestSpec,
            Result<RawResponse, Error>,
        ) -> Result<ApiResponse<T>, Error>
        + Send,
>;

pub(crate) enum Finish<T> {
    Fn(FinishFn<T>),
    Boxed(BoxedFinish<T>),
}

impl<T> Finish<T> {
    pub(crate) fn apply(
        self,
        http: &Finisher<'_>,
        spec: &RequestSpec,
        outcome: Result<RawResponse, Error>,
    ) -> Result<ApiResponse<T>, Error> {
        match self {
            Self::Fn(finish) => finish(http, spec, outcome),
            Self::Boxed(finish) => finish(http, spec, outcome),
        }
    }

    pub(crate) fn map<U>(self, f: impl FnOnce(T) -> U + Send + 'static) -> Finish<U>
    where
        T: 'static,
    {
        Finish::Boxed(Box::new(move |http, spec, outcome| {
            self.apply(http, spec, outcome).map(|response| ApiResponse {
                data: f(response.data),
                raw: response.raw,
            })
        }))
    }
}

/// The JSON decoding every operation without special needs uses.
pub(crate) fn decode_json<T: DeserializeOwned>(
    http: &Finisher<'_>,
    spec: &RequestSpec,
    outcome: Result<RawResponse, Error>,
) -> Result<ApiResponse<T>, Error> {
    http.decode(spec, outcome?)
}

/// One API operation as data: the request it sends and the type of its
/// answer. Built by the pure functions of [`ops`](crate::ops); sent by
/// [`HttpClient::call`](crate::HttpClient::call), signed without sending by
/// [`HttpClient::sign`](crate::HttpClient::sign).
#[must_use = "an Operation does nothing until it is called or signed"]
pub struct Operation<T> {
    pub(crate) spec: RequestSpec,
    pub(crate) finish: Finish<T>,
    _answer: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for Operation<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Operation")
            .field("name", &self.spec.operation)
            .field("method", &self.spec.method)
            .field("path", &self.spec.path)
            .field("query", &self.spec.query)
            .field("auth", &self.spec.auth)
            .field("idempotent", &self.spec.idempotent)
            .finish_non_exhaustive()
    }
}

impl<T> Operation<T> {
    pub(crate) fn new(spec: RequestSpec, finish: Finish<T>) -> Self {
        Self {
            spec,
            finish,
            _answer: PhantomData,
        }
    }

    /// The operation's name (`create_order`), as in errors and traces.
    pub fn name(&self) -> &'static str {
        self.spec.operation
    }

    /// The HTTP method.
    pub fn method(&self) -> Method {
        self.spec.method.clone()
    }

    /// The percent-encoded path below the base URL, starting with `/`.
    pub fn path(&self) -> &str {
        &self.spec.path
    }

    /// The encoded query string, without `?`.
    pub fn query(&self) -> Option<&str> {
        self.spec.query.as_deref()
    }

    /// The exact body bytes that are signed and sent.
    pub fn body(&self) -> Option<&Bytes> {
        self.spec.body.as_ref()
    }

    /// The operation's own headers (the EOA ownership proof, say); the
    /// client adds its SDK and authentication headers when signing.
    pub fn headers(&self) -> impl Iterator<Item = (&HeaderName, &HeaderValue)> {
        self.spec.headers.iter().map(|(name, value)| (name, value))
    }

    /// The authentication the operation requires.
    pub fn auth(&self) -> AuthRequirement {
        self.spec.auth.requirement()
    }

    /// Whether sending it twice has the same effect as once; only such an
    /// operation is sent again after it may have reached the server.
    pub fn is_idempotent(&self) -> bool {
        self.spec.idempotent
    }

    /// Whether the answer may carry a secret (errors then show no body).
    pub fn is_sensitive(&self) -> bool {
        self.spec.sensitive
    }

    /// The orders the request carries (market, salt, client order id).
    pub fn orders(&self) -> &[SentOrder] {
        &self.spec.orders
    }
}

impl<T> Operation<T> {
    /// The same request, its value mapped by `f`.
    pub(crate) fn map<U>(self, f: impl FnOnce(T) -> U + Send + 'static) -> Operation<U>
    where
        T: 'static,
    {
        Operation::new(self.spec, self.finish.map(f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_percent_encoded() {
        let encode = |segment| encode_segment("id", segment).unwrap();
        assert_eq!(encode("tok/with space"), "tok%2Fwith%20space");
        assert_eq!(encode("a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(encode("100%?#&é"), "100%25%3F%23%26%C3%A9");
        // Dots inside an identifier are fine; dot segments are not.
        assert_eq!(encode("..."), "...");
        assert_eq!(encode(".a"), ".a");
        assert_eq!(encode("%2E"), "%252E");
        for dots in [".", ".."] {
            let error = encode_segment("order_id", dots).unwrap_err();
            assert!(matches!(error, Error::InvalidInput { .. }), "{dots}");
            assert!(
                error.to_string().contains("order_id must not be"),
                "{error}"
            );
        }
    }

    #[test]
    fn query_keeps_order_and_form_encodes() {
        let query = encode_query([
            ("account", "0xAb c".to_owned()),
            ("limit", "10".to_owned()),
            ("page", "2".to_owned()),
        ]);
        assert_eq!(query.as_deref(), Some("account=0xAb+c&limit=10&page=2"));
        assert_eq!(encode_query(Vec::<(&str, String)>::new()), None);
    }

    #[test]
    fn spec_defaults_and_body_serialized_once() {
        let spec = RequestSpec::post("derive_token", "/auth/api-tokens/derive", Auth::Public)
            .json(&serde_json::json!({}))
            .unwrap();
        assert!(!spec.idempotent);
        assert_eq!(spec.body.as_deref(), Some(&b"{}"[..]));
        assert_eq!(spec.path_and_query_below(""), "/auth/api-tokens/derive");

        let spec = RequestSpec::delete("cancel", "/orders/x", Auth::Public)
            .query([("onBehalfOf", "42".to_owned())]);
        // A DELETE is idempotent only when its operation says so.
        assert!(!spec.idempotent);
        assert_eq!(spec.body, None);
        assert_eq!(spec.path_and_query_below(""), "/orders/x?onBehalfOf=42");
        assert_eq!(
            spec.path_and_query_below("/api/v1"),
            "/api/v1/orders/x?onBehalfOf=42"
        );
    }

    #[test]
    fn identity_is_redacted_in_debug() {
        let auth = Auth::identity("get_capabilities", "sentinel-identity").unwrap();
        assert_eq!(auth.identity_token(), Some("sentinel-identity"));
        let spec = RequestSpec::get("get_capabilities", "/x", auth);
        let debug = format!("{spec:?}");
        assert!(!debug.contains("sentinel-identity"), "{debug}");
        let operation = spec.decode::<serde_json::Value>();
        let debug = format!("{operation:?}");
        assert!(!debug.contains("sentinel-identity"), "{debug}");
        assert_eq!(operation.auth(), AuthRequirement::IdentityToken);
    }

    #[test]
    fn a_bearer_scheme_given_with_the_token_is_dropped() {
        assert_eq!(without_bearer("Bearer abc"), "abc");
        assert_eq!(without_bearer("bearer   abc"), "abc");
        assert_eq!(without_bearer("BEARER\tabc"), "abc");
        assert_eq!(without_bearer("Bearer"), "");
        assert_eq!(without_bearer("abc"), "abc");
        assert_eq!(without_bearer("bearerless-token"), "bearerless-token");
        assert_eq!(without_bearer("Bear"), "Bear");
        assert_eq!(without_bearer("Béarer x"), "Béarer x");
    }
}
