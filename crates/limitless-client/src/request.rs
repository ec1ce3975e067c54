//! Pure request building: each operation becomes a [`RequestSpec`] (method,
//! encoded path and query, body bytes serialized once, auth, idempotency)
//! with no I/O. The single send path in [`crate::HttpClient`] turns a spec
//! into signed HTTP attempts.

use std::fmt;

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Method, StatusCode};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

use crate::Error;
use crate::error::SentOrder;

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
        return Err(Error::invalid(format!(
            "{field} must not be `{segment}`: a URL reads it as a step up or across the path, not as an identifier; pass the real {field}"
        )));
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

/// How a request authenticates, decided when the spec is built.
#[derive(Clone)]
pub(crate) enum Auth {
    /// `identity: Bearer <token>` (already a sensitive header value); no
    /// `lmts-*` and no `X-API-Key` header.
    Identity(HeaderValue),
    /// The client's configured credentials: HMAC, else `X-API-Key`, else none.
    Configured,
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Identity(_) => f.write_str("Identity(<redacted>)"),
            Self::Configured => f.write_str("Configured"),
        }
    }
}

/// The authentication an operation requires (PROTOCOL §1.4).
#[derive(Clone, Copy, Debug)]
pub(crate) enum AuthClass<'a> {
    /// A Privy identity token passed with the call.
    Identity(&'a str),
    /// HMAC credentials; a legacy API key is not accepted. The message is the
    /// error returned when the client has only a legacy API key (with no
    /// credentials at all: [`Error::AuthenticationRequired`]).
    HmacOnly(&'static str),
    /// HMAC credentials or an API key.
    Any,
    /// No credentials needed; configured ones are still sent.
    Public,
}

/// One operation, fully prepared except for the time-dependent signature.
#[derive(Clone, Debug)]
pub(crate) struct RequestSpec {
    /// The operation name, for errors and tracing.
    pub(crate) operation: &'static str,
    pub(crate) method: Method,
    /// The encoded path below the base URL, starting with `/`.
    pub(crate) path: String,
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
}

impl RequestSpec {
    /// A request without body; GET and DELETE are idempotent, other methods are not.
    pub(crate) fn new(operation: &'static str, method: Method, path: String) -> Self {
        let idempotent = matches!(method, Method::GET | Method::DELETE | Method::HEAD);
        Self {
            operation,
            method,
            path,
            query: None,
            body: None,
            headers: Vec::new(),
            auth: Auth::Configured,
            idempotent,
            accept: &[],
            orders: Vec::new(),
            sensitive: false,
        }
    }

    pub(crate) fn get(operation: &'static str, path: String) -> Self {
        Self::new(operation, Method::GET, path)
    }

    pub(crate) fn post(operation: &'static str, path: String) -> Self {
        Self::new(operation, Method::POST, path)
    }

    pub(crate) fn delete(operation: &'static str, path: String) -> Self {
        Self::new(operation, Method::DELETE, path)
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

    pub(crate) fn auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
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
        let spec = RequestSpec::post("derive_token", "/auth/api-tokens/derive".into())
            .json(&serde_json::json!({}))
            .unwrap();
        assert!(!spec.idempotent);
        assert_eq!(spec.body.as_deref(), Some(&b"{}"[..]));
        assert_eq!(spec.path_and_query_below(""), "/auth/api-tokens/derive");

        let spec = RequestSpec::delete("cancel", "/orders/x".into())
            .query([("onBehalfOf", "42".to_owned())]);
        assert!(spec.idempotent);
        assert_eq!(spec.body, None);
        assert_eq!(spec.path_and_query_below(""), "/orders/x?onBehalfOf=42");
        assert_eq!(
            spec.path_and_query_below("/api/v1"),
            "/api/v1/orders/x?onBehalfOf=42"
        );
    }

    #[test]
    fn identity_is_redacted_in_debug() {
        let spec = RequestSpec::get("get_capabilities", "/x".into()).auth(Auth::Identity(
            HeaderValue::from_static("Bearer sentinel-identity"),
        ));
        let debug = format!("{spec:?}");
        assert!(!debug.contains("sentinel-identity"), "{debug}");
    }
}
