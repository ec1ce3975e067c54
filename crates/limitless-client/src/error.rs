//! The one error type of the client, and the API error-message rules.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use limitless_transport::{TransportError, TransportErrorKind};
use serde_json::Value;

/// Everything that can go wrong when building a client or making a call.
///
/// Errors that are produced before any I/O ([`InvalidInput`](Self::InvalidInput),
/// [`AuthenticationRequired`](Self::AuthenticationRequired),
/// [`Config`](Self::Config)) guarantee that nothing was sent. For the others,
/// [`may_have_been_sent`](Self::may_have_been_sent) says whether the server may
/// have acted on the request.
///
/// No variant ever shows an HMAC secret, a signature or an identity token in
/// its `Display` or `Debug`.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An argument was rejected before anything was sent. The message names
    /// the field, the problem and, where there is one, the nearest valid value.
    #[error("invalid input: {message}")]
    InvalidInput {
        /// What is wrong and how to fix it.
        message: String,
    },

    /// The operation needs credentials and the client has none.
    #[error(
        "authentication is required for {operation}; pass an API key or HMAC credentials when creating the client"
    )]
    AuthenticationRequired {
        /// The operation that was attempted, e.g. `list_tokens`.
        operation: &'static str,
    },

    /// The API answered with an error status.
    #[error(transparent)]
    Api(Box<ApiError>),

    /// The API rate-limited the request (HTTP 429) and the client did not
    /// (or no longer) wait: retries are off or used up, the request is not
    /// idempotent, or the wait the API asked for is longer than
    /// [`RetryConfig::max_rate_limit_wait`](crate::RetryConfig::max_rate_limit_wait).
    /// The request was not carried out; send it again after `retry_after`.
    #[error("rate limited by the API{}", RetryAfterText(*retry_after))]
    RateLimited {
        /// How long the API asked to wait: its `Retry-After` header
        /// (seconds or an HTTP date) or else the body's `retryAfterSeconds`.
        /// `None` when it said neither.
        retry_after: Option<Duration>,
        /// The 429 response.
        #[source]
        source: Box<ApiError>,
    },

    /// A request that is not idempotent (an order, a cancel-replace, a
    /// cancel-all, an account creation, a token derivation, a redeem, a
    /// withdrawal, an allowance retry) may have reached the server, but no usable answer came
    /// back: a timeout or a broken connection after sending, a 5xx status, or
    /// a success response that could not be read. The client never sends such
    /// a request again by itself. Look the effect up (for orders: by salt or
    /// client order id in [`orders`](Self::OutcomeUnknown::orders)) before
    /// deciding to send it again.
    #[error(
        "{operation} ({method} {path}): the outcome is unknown; check whether it took effect before sending it again"
    )]
    OutcomeUnknown {
        /// The operation, e.g. `create_order`.
        operation: &'static str,
        /// The request method.
        method: Method,
        /// The request path, without the query string.
        path: String,
        /// The orders the request carried (empty for non-order operations):
        /// what to look for when reconciling.
        orders: Vec<SentOrder>,
        /// What went wrong: a transport, API or decode error.
        #[source]
        source: Box<Error>,
    },

    /// The request could not be exchanged with the server. For an operation
    /// that is not idempotent, a failure after the request may have been
    /// sent comes back as [`OutcomeUnknown`](Self::OutcomeUnknown) instead;
    /// this variant then means nothing was sent.
    #[error("{method} {path}: the HTTP exchange failed")]
    Transport {
        /// The underlying failure; it says whether the request may have been sent.
        #[source]
        source: TransportError,
        /// The request method.
        method: Method,
        /// The request path, without the query string.
        path: String,
    },

    /// A successful response did not have the expected shape.
    #[error("{method} {path}: could not decode the HTTP {status} response body")]
    Decode {
        /// The JSON error (line, column, what was expected). For a
        /// [`sensitive`](Self::Decode::sensitive) response only its category
        /// and position are kept: serde's message may quote the body.
        #[source]
        source: serde_json::Error,
        /// The response status.
        status: StatusCode,
        /// The request method.
        method: Method,
        /// The request path, without the query string.
        path: String,
        /// The raw response body.
        body: Bytes,
        /// Whether the body may carry a secret (the answer to a token
        /// derivation): `Debug` then shows its length only.
        sensitive: bool,
    },

    /// The client configuration is invalid (base URL, header, missing transport).
    #[error("invalid client configuration: {message}")]
    Config {
        /// What is wrong and how to fix it.
        message: String,
        /// The underlying failure, when there is one (e.g. the default
        /// transport could not be created).
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
    },

    /// The HMAC credentials could not be used (for example the secret is not
    /// valid base64). The secret itself is never part of the error.
    #[error("invalid HMAC credentials")]
    Credentials {
        /// The reason, from `limitless-auth`.
        #[source]
        source: limitless_auth::AuthError,
    },

    /// The request could not be signed (for example the clock reads a time the
    /// timestamp format cannot express).
    #[error("could not sign the request")]
    Signing {
        /// The reason, from `limitless-auth`.
        #[source]
        source: limitless_auth::AuthError,
    },
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidInput { message } => f
                .debug_struct("InvalidInput")
                .field("message", message)
                .finish(),
            Self::AuthenticationRequired { operation } => f
                .debug_struct("AuthenticationRequired")
                .field("operation", operation)
                .finish(),
            Self::Api(api) => f.debug_tuple("Api").field(api).finish(),
            Self::RateLimited {
                retry_after,
                source,
            } => f
                .debug_struct("RateLimited")
                .field("retry_after", retry_after)
                .field("source", source)
                .finish(),
            Self::OutcomeUnknown {
                operation,
                method,
                path,
                orders,
                source,
            } => f
                .debug_struct("OutcomeUnknown")
                .field("operation", operation)
                .field("method", method)
                .field("path", path)
                .field("orders", orders)
                .field("source", source)
                .finish(),
            Self::Transport {
                source,
                method,
                path,
            } => f
                .debug_struct("Transport")
                .field("source", source)
                .field("method", method)
                .field("path", path)
                .finish(),
            Self::Decode {
                source,
                status,
                method,
                path,
                body,
                sensitive,
            } => f
                .debug_struct("Decode")
                .field("source", source)
                .field("status", status)
                .field("method", method)
                .field("path", path)
                .field("body", &BodyText::new(body, *sensitive))
                .field("sensitive", sensitive)
                .finish(),
            Self::Config { message, source } => f
                .debug_struct("Config")
                .field("message", message)
                .field("source", source)
                .finish(),
            Self::Credentials { source } => f
                .debug_struct("Credentials")
                .field("source", source)
                .finish(),
            Self::Signing { source } => f.debug_struct("Signing").field("source", source).finish(),
        }
    }
}

/// `Debug` of a response body: its text, or only its length when it may
/// carry a secret.
pub(crate) struct BodyText<'a> {
    body: &'a [u8],
    redacted: bool,
}

impl<'a> BodyText<'a> {
    pub(crate) fn new(body: &'a [u8], redacted: bool) -> Self {
        Self { body, redacted }
    }
}

impl fmt::Debug for BodyText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.redacted {
            write!(f, "<{} bytes, redacted>", self.body.len())
        } else {
            fmt::Debug::fmt(&String::from_utf8_lossy(self.body), f)
        }
    }
}

/// A stand-in for a JSON error about a body that may carry a secret: the
/// category and position survive, serde's text (which may quote the body)
/// does not.
pub(crate) fn withheld_decode_error(error: &serde_json::Error) -> serde_json::Error {
    let category = match error.classify() {
        serde_json::error::Category::Io => "I/O",
        serde_json::error::Category::Syntax => "syntax",
        serde_json::error::Category::Data => "data",
        serde_json::error::Category::Eof => "unexpected end of input",
    };
    <serde_json::Error as serde::de::Error>::custom(format_args!(
        "{category} error at line {} column {} (details withheld: the body may carry a secret)",
        error.line(),
        error.column()
    ))
}

impl Error {
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::InvalidInput {
            message: message.into(),
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Self::Config {
            message: message.into(),
            source: None,
        }
    }

    /// The HTTP status of an API error, a rate limit or an undecodable
    /// response (also when wrapped in [`OutcomeUnknown`](Self::OutcomeUnknown)).
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(api) => Some(api.status),
            Self::RateLimited { source, .. } => Some(source.status),
            Self::Decode { status, .. } => Some(*status),
            Self::OutcomeUnknown { source, .. } => source.status(),
            _ => None,
        }
    }

    /// The API's error message, for API errors and rate limits.
    pub fn api_message(&self) -> Option<&str> {
        self.as_api_error().map(|api| api.message.as_str())
    }

    /// The API error response behind this error, if there is one (also for
    /// [`RateLimited`](Self::RateLimited) and an
    /// [`OutcomeUnknown`](Self::OutcomeUnknown) caused by a 5xx).
    pub fn as_api_error(&self) -> Option<&ApiError> {
        match self {
            Self::Api(api) | Self::RateLimited { source: api, .. } => Some(api),
            Self::OutcomeUnknown { source, .. } => source.as_api_error(),
            _ => None,
        }
    }

    /// Whether this is [`OutcomeUnknown`](Self::OutcomeUnknown): a request
    /// that is not idempotent may have been carried out, and no usable
    /// answer says whether it was. Check before sending it again.
    pub fn is_outcome_unknown(&self) -> bool {
        matches!(self, Self::OutcomeUnknown { .. })
    }

    /// The orders an [`OutcomeUnknown`](Self::OutcomeUnknown) request
    /// carried (market, salt, client order id): what to look for when
    /// reconciling. Empty for every other error.
    pub fn sent_orders(&self) -> &[SentOrder] {
        match self {
            Self::OutcomeUnknown { orders, .. } => orders,
            _ => &[],
        }
    }

    /// How long the API asked to wait before sending again, for a
    /// [`RateLimited`](Self::RateLimited) error.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Whether the failure is transient: a transport failure (other than a
    /// request the transport refused as invalid), a rate limit (HTTP 429),
    /// or HTTP 502, 503 or 504.
    ///
    /// Transient does not mean safe to repeat: an order or account creation
    /// whose request [may have been sent](Self::may_have_been_sent) may have
    /// taken effect, so repeating it could act twice. Such failures come back
    /// as [`OutcomeUnknown`](Self::OutcomeUnknown), which is not retryable.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api(api) => is_retryable_status(api.status),
            Self::RateLimited { .. } => true,
            // A request the transport refused as invalid fails the same way again.
            Self::Transport { source, .. } => source.kind() != TransportErrorKind::Other,
            _ => false,
        }
    }

    /// Whether the server may have received (and acted on) the request.
    ///
    /// `false` for errors raised before any I/O and for transport failures
    /// that certainly happened before sending (e.g. connection refused);
    /// `true` once the server answered or the outcome is unknown.
    pub fn may_have_been_sent(&self) -> bool {
        match self {
            Self::Api(_)
            | Self::RateLimited { .. }
            | Self::Decode { .. }
            | Self::OutcomeUnknown { .. } => true,
            Self::Transport { source, .. } => source.may_have_been_sent(),
            _ => false,
        }
    }

    /// Whether this failure, for a request that is not idempotent, leaves
    /// its outcome unknown: the request may have been carried out and no
    /// usable answer says whether it was.
    pub(crate) fn leaves_outcome_unknown(&self) -> bool {
        match self {
            Self::Transport { source, .. } => source.may_have_been_sent(),
            Self::Api(api) => api.status.is_server_error(),
            Self::Decode { .. } => true,
            _ => false,
        }
    }
}

/// `Display` of a rate limit's wait: ` (retry after 2 s)`, or nothing.
struct RetryAfterText(Option<Duration>);

impl fmt::Display for RetryAfterText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(wait) if wait.subsec_millis() == 0 => {
                write!(f, "; retry after {} s", wait.as_secs())
            }
            Some(wait) => write!(f, "; retry after {} ms", wait.as_millis()),
            None => Ok(()),
        }
    }
}

/// Statuses that say "try again later": 429, 502, 503 and 504.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

/// One order carried by a request whose outcome is unknown: what to look for
/// (in the market's orders, or the sub-account's) to learn whether it was
/// placed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SentOrder {
    /// The market the order was for.
    pub market_slug: String,
    /// The order's salt, unique per sub-account; the API echoes it on the
    /// order it placed.
    pub salt: u64,
    /// The client order id given to a cancel-replace, if any.
    pub client_order_id: Option<String>,
}

impl SentOrder {
    pub(crate) fn new(market_slug: &str, salt: u64, client_order_id: Option<&str>) -> Self {
        Self {
            market_slug: market_slug.to_owned(),
            salt,
            client_order_id: client_order_id.map(str::to_owned),
        }
    }
}

impl From<ApiError> for Error {
    fn from(error: ApiError) -> Self {
        Self::Api(Box::new(error))
    }
}

/// An error status returned by the API.
#[derive(Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The message extracted from the body by [`parse_api_error_message`].
    pub message: String,
    /// The request method.
    pub method: Method,
    /// The request path, without the query string.
    pub path: String,
    /// The response headers (e.g. `Retry-After`).
    pub headers: HeaderMap,
    /// The raw response body.
    pub body: Bytes,
    /// Whether `Debug` shows the body's length only (it may carry a secret).
    pub(crate) body_redacted: bool,
}

impl ApiError {
    /// The response body parsed as JSON, if it is JSON (for fields such as
    /// `retryAfterSeconds` or an error `code`).
    pub fn data(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// Whether the status is 401 or 403.
    pub fn is_auth_error(&self) -> bool {
        matches!(self.status.as_u16(), 401 | 403)
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("message", &self.message)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("body", &BodyText::new(&self.body, self.body_redacted))
            .finish_non_exhaustive()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "API error {} {} {}: {}",
            self.status.as_u16(),
            self.method,
            self.path,
            self.message
        )
    }
}

impl std::error::Error for ApiError {}

/// Extracts a human-readable message from an API error body.
///
/// The body is read as JSON when it parses, else as trimmed UTF-8 text. The
/// first rule that applies wins:
///
/// 1. no body (or JSON `null`): `Request failed with status <code>`;
/// 2. a `message` string;
/// 3. a `message` array: each object item rendered as `key: value` pairs
///    (strings unquoted, other values as JSON) joined by `", "`, items joined
///    by `" | "`, non-object items skipped;
/// 4. an `error` string;
/// 5. a `msg` string;
/// 6. an `errors` value, as JSON text;
/// 7. a text body (or a JSON string), as is;
/// 8. the JSON body, as JSON text.
///
/// ```
/// use limitless_client::{parse_api_error_message, http::StatusCode};
///
/// let body = br#"{"message":[{"field":"price","reason":"off tick"}]}"#;
/// assert_eq!(
///     parse_api_error_message(StatusCode::BAD_REQUEST, body),
///     "field: price, reason: off tick"
/// );
/// ```
pub fn parse_api_error_message(status: StatusCode, body: &[u8]) -> String {
    let fallback = || format!("Request failed with status {}", status.as_u16());
    let data = match serde_json::from_slice::<Value>(body) {
        Ok(value) => value,
        Err(_) => {
            let text = String::from_utf8_lossy(body);
            let text = text.trim();
            return if text.is_empty() {
                fallback()
            } else {
                text.to_owned()
            };
        }
    };
    // A blank string says nothing: fall through to the next source, as the
    // official TypeScript and Python SDKs do.
    let non_blank = |value: Option<&Value>| match value {
        Some(Value::String(text)) if !text.trim().is_empty() => Some(text.clone()),
        _ => None,
    };
    match &data {
        Value::Null => fallback(),
        Value::String(text) if text.trim().is_empty() => fallback(),
        Value::String(text) => text.clone(),
        Value::Object(map) => {
            if let Some(message) = non_blank(map.get("message")) {
                return message;
            }
            if let Some(Value::Array(_)) = map.get("message") {
                let rendered = render_message_items(body);
                if !rendered.is_empty() {
                    return rendered;
                }
            }
            if let Some(message) = ["error", "msg"]
                .into_iter()
                .find_map(|key| non_blank(map.get(key)))
            {
                return message;
            }
            match map.get("errors") {
                Some(errors) if !errors.is_null() => errors.to_string(),
                _ => body_text(body),
            }
        }
        _ => body_text(body),
    }
}

/// The body as the server sent it (valid JSON here), so keys keep their order.
fn body_text(body: &[u8]) -> String {
    String::from_utf8_lossy(body).trim().to_owned()
}

/// Renders a `message` array, keeping each object's keys in body order.
fn render_message_items(body: &[u8]) -> String {
    let Ok(MessageArray { message }) = serde_json::from_slice::<MessageArray>(body) else {
        return String::new();
    };
    let rendered: Vec<String> = message
        .into_iter()
        .filter_map(|item| match item {
            MessageItem::Object(OrderedObject(pairs)) => Some(pairs),
            MessageItem::Other(_) => None,
        })
        .map(|pairs| {
            pairs
                .into_iter()
                .map(|(key, value)| match value {
                    Value::String(text) => format!("{key}: {text}"),
                    other => format!("{key}: {other}"),
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect();
    rendered.join(" | ")
}

#[derive(serde::Deserialize)]
struct MessageArray {
    message: Vec<MessageItem>,
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum MessageItem {
    Object(OrderedObject),
    Other(serde::de::IgnoredAny),
}

/// A JSON object's entries in the order they appear.
struct OrderedObject(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for OrderedObject {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> serde::de::Visitor<'de> for Entries {
            type Value = OrderedObject;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<OrderedObject, A::Error> {
                let mut pairs = Vec::new();
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    pairs.push(entry);
                }
                Ok(OrderedObject(pairs))
            }
        }
        deserializer.deserialize_map(Entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(status: u16, body: &str) -> String {
        parse_api_error_message(StatusCode::from_u16(status).unwrap(), body.as_bytes())
    }

    #[test]
    fn message_rules_in_order() {
        assert_eq!(parse(404, ""), "Request failed with status 404");
        assert_eq!(parse(404, "  \n"), "Request failed with status 404");
        assert_eq!(parse(500, "null"), "Request failed with status 500");
        assert_eq!(
            parse(400, r#"{"message":"bad price","error":"x"}"#),
            "bad price"
        );
        assert_eq!(
            parse(
                400,
                r#"{"message":[{"field":"price","code":7,"detail":{"z":1,"a":2}},"skipped",{"a":true}]}"#
            ),
            r#"field: price, code: 7, detail: {"a":2,"z":1} | a: true"#
        );
        assert_eq!(parse(400, r#"{"error":"nope","msg":"m"}"#), "nope");
        assert_eq!(parse(400, r#"{"msg":"short"}"#), "short");
        assert_eq!(
            parse(422, r#"{"errors":{"price":["too high"]}}"#),
            r#"{"price":["too high"]}"#
        );
        assert_eq!(parse(502, " Bad Gateway \n"), "Bad Gateway");
        assert_eq!(parse(400, r#""plain json string""#), "plain json string");
        assert_eq!(parse(400, r#"{"code":"X"}"#), r#"{"code":"X"}"#);
        assert_eq!(parse(400, "[1,2]"), "[1,2]");
    }

    #[test]
    fn blank_strings_fall_through_to_the_next_source() {
        let parse = |body: &str| parse_api_error_message(StatusCode::BAD_REQUEST, body.as_bytes());
        assert_eq!(parse(r#""""#), "Request failed with status 400");
        assert_eq!(parse(r#""  ""#), "Request failed with status 400");
        assert_eq!(
            parse(r#"{"message":"","error":"Bad Request"}"#),
            "Bad Request"
        );
        assert_eq!(
            parse(r#"{"message":" ","error":"","msg":"try again"}"#),
            "try again"
        );
        assert_eq!(
            parse(r#"{"message":"","error":"","msg":""}"#),
            r#"{"message":"","error":"","msg":""}"#
        );
    }

    #[test]
    fn message_array_without_objects_falls_through() {
        assert_eq!(
            parse(400, r#"{"message":["a"],"error":"fallback"}"#),
            "fallback"
        );
        assert_eq!(parse(400, r#"{"message":42}"#), r#"{"message":42}"#);
    }

    #[test]
    fn accessors() {
        let api = Error::from(ApiError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            message: "down".into(),
            method: Method::GET,
            path: "/markets/active".into(),
            headers: HeaderMap::new(),
            body: Bytes::from_static(b"{\"message\":\"down\"}"),
            body_redacted: false,
        });
        assert_eq!(api.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
        assert_eq!(api.api_message(), Some("down"));
        assert!(api.is_retryable());
        assert!(api.may_have_been_sent());
        assert_eq!(api.to_string(), "API error 503 GET /markets/active: down");
        assert_eq!(
            api.as_api_error().unwrap().data().unwrap()["message"],
            "down"
        );

        let invalid = Error::invalid("limit must be at most 25");
        assert_eq!(invalid.status(), None);
        assert!(!invalid.is_retryable());
        assert!(!invalid.may_have_been_sent());
    }
}
