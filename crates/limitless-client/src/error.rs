//! The one error type of the client, and the API error-message rules.

use std::fmt;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use limitless_transport::{TransportError, TransportErrorKind};
use limitless_types::maintenance::{MaintenanceMode, MaintenanceRefusal};
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
/// its `Display` or `Debug`, and a response body appears in both only as a
/// bounded excerpt ([`ResponseBody`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An argument was rejected before anything was sent. The message names
    /// the field, the problem and, where there is one, the nearest valid value.
    #[error("invalid input: {message}")]
    InvalidInput {
        /// The argument at fault (`price`, `operations[2].client_order_id`…),
        /// when one is to blame; see [`Error::field`].
        field: Option<String>,
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
    /// withdrawal, an allowance retry) may have reached the server, but no
    /// usable answer came back: a timeout or a broken connection after
    /// sending, a 5xx status, a response refused for its size, or a success
    /// response that could not be read. The client never sends such a
    /// request again by itself. Look the effect up (for orders: by salt or
    /// client order id in [`orders`](Self::OutcomeUnknown::orders)) before
    /// deciding to send it again.
    #[error(
        "{context}: the outcome is unknown; check whether it took effect before sending it again"
    )]
    OutcomeUnknown {
        /// The request.
        context: RequestContext,
        /// The orders the request carried (empty for non-order operations):
        /// what to look for when reconciling.
        orders: Vec<SentOrder>,
        /// What went wrong: a transport, API or decode error.
        #[source]
        source: Box<Error>,
    },

    /// The API refused an order (HTTP 409) because its owner already has an
    /// order with this client order id: **the original was accepted**.
    /// Never send this order again as a new one; look the original up
    /// (`order_status_batch` with
    /// [`CancelTarget::ClientOrderId`](limitless_types::orders::CancelTarget))
    /// or pick a new id for a new order.
    #[error(
        "{}: an order with client order id {client_order_id:?} was already accepted; do not send it again as a new order",
        source.context
    )]
    DuplicateClientOrderId {
        /// The client order id the refused order carried.
        client_order_id: String,
        /// The 409 response.
        #[source]
        source: Box<ApiError>,
    },

    /// The request could not be exchanged with the server. For an operation
    /// that is not idempotent, a failure after the request may have been
    /// sent comes back as [`OutcomeUnknown`](Self::OutcomeUnknown) instead;
    /// this variant then means nothing was sent.
    #[error("{context}: the HTTP exchange failed")]
    Transport {
        /// The request.
        context: RequestContext,
        /// The underlying failure; it says whether the request may have been sent.
        #[source]
        source: TransportError,
    },

    /// A successful response did not have the expected shape.
    #[error(transparent)]
    Decode(Box<DecodeError>),

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

    /// An order or an ownership proof could not be signed: the signer's
    /// backend failed, signed with another key, or the market's venue gives
    /// no usable EIP-712 domain. Nothing was sent. Never carries key
    /// material.
    #[error("could not sign the order or proof")]
    OrderSigning {
        /// The reason, from `limitless-eip712`.
        #[source]
        source: limitless_eip712::Eip712Error,
    },

    /// A wait for a state (a sub-account's allowances ready) ran past its
    /// deadline. Nothing is wrong with the request; the state may still
    /// come.
    #[error("{operation}: not done within {} ms", waited.as_millis())]
    DeadlineExceeded {
        /// What was waited for, e.g. `wait_until_ready`.
        operation: &'static str,
        /// How long it waited.
        waited: Duration,
    },

    /// A wait (for a Pack position's mint, a claim) saw a status it
    /// cannot continue from, such as a position `VAULT_REVERTED`. The
    /// server answered; nothing more is sent.
    #[error("{operation}: {id} is {status}")]
    UnexpectedStatus {
        /// What was waited for, e.g. `wait_for_position`.
        operation: &'static str,
        /// The position (or other object) waited on.
        id: String,
        /// The status it reported, verbatim.
        status: String,
    },

    /// The client broke one of its own rules: a defect to report, never the
    /// caller's fault. Nothing was sent.
    #[error("internal error in limitless-client ({message}); please report it")]
    Internal {
        /// Which rule.
        message: String,
    },

    /// The API refused the request because of a maintenance window (see
    /// `GET /maintenance/status`): an HTTP 503 whose body names the
    /// window's `mode` or `resumeAt`, or any refusal whose body names a
    /// maintenance mode (a non-post-only order in `post_only` mode). The
    /// request was not carried out (an order was not placed), and the
    /// client never repeats it by itself: check the status, and send it
    /// again once trading resumes.
    #[error("refused during maintenance{}{}", ModeText(mode.as_ref()), ResumeText(*resume_at))]
    Maintenance {
        /// The mode in force (`post_only`, `cancel_only`, `disabled`), when
        /// the API named it.
        mode: Option<MaintenanceMode>,
        /// When the API expects to accept the action again (`resumeAt`),
        /// when it said so in a form this client reads (ISO-8601).
        resume_at: Option<SystemTime>,
        /// The refusal.
        #[source]
        source: Box<ApiError>,
    },

    /// The API answered `425 Too Early`: it will not process this request
    /// yet. The request was not carried out; the client never sends the
    /// same payload again (for an order: build a new one, with a new salt,
    /// when you want to try again).
    #[error("the API answered 425 Too Early; do not send the same payload again")]
    TooEarly {
        /// The refusal.
        #[source]
        source: Box<ApiError>,
    },
}

/// A success response whose body is not the expected JSON (see
/// [`Error::Decode`]).
#[derive(Debug, thiserror::Error)]
#[error("{context}: could not decode the HTTP {status} response body")]
#[non_exhaustive]
pub struct DecodeError {
    /// The request.
    pub context: RequestContext,
    /// The response status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The raw response body.
    pub body: ResponseBody,
    /// The JSON error (line, column, what was expected). For a body that
    /// may carry a secret only its category and position are kept:
    /// serde's message may quote the body.
    #[source]
    pub source: serde_json::Error,
}

/// The request an error is about: its operation, method and path.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestContext {
    /// The operation, e.g. `create_order` (`request` for the escape hatch,
    /// [`Client::request`](crate::Client::request)).
    pub operation: &'static str,
    /// The request method.
    pub method: Method,
    /// The request path below the host (the base URL's path included),
    /// without the query string.
    pub path: String,
    /// The `code`s with which a 409 says the operation's outcome is
    /// unknown, as the operation declared them (the Packs writes').
    pub(crate) unknown_codes: &'static [&'static str],
}

impl RequestContext {
    /// A context, for building errors in tests of your own code.
    pub fn new(operation: &'static str, method: Method, path: impl Into<String>) -> Self {
        Self {
            operation,
            method,
            path: path.into(),
            unknown_codes: &[],
        }
    }
}

impl fmt::Display for RequestContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} {})", self.operation, self.method, self.path)
    }
}

/// The most bytes of a response body that an error's message or `Debug`
/// shows; the whole body stays available through [`ResponseBody::bytes`].
pub const BODY_EXCERPT_BYTES: usize = 512;

/// A response body kept by an error: all its bytes, shown in `Debug` as a
/// bounded excerpt, or by length alone when it may carry a secret (the
/// answer to a token derivation, or an echo of the request's credentials).
#[derive(Clone, PartialEq, Eq)]
pub struct ResponseBody {
    bytes: Bytes,
    redacted: bool,
}

impl ResponseBody {
    pub(crate) fn new(bytes: Bytes, redacted: bool) -> Self {
        Self { bytes, redacted }
    }

    /// The body exactly as received.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// Whether `Debug` and messages keep the body out of view.
    pub fn is_redacted(&self) -> bool {
        self.redacted
    }

    /// The body as text, cut at [`BODY_EXCERPT_BYTES`] (on a character
    /// boundary, with `…` when cut); `None` when it is redacted.
    pub fn excerpt(&self) -> Option<String> {
        (!self.redacted).then(|| excerpt(&String::from_utf8_lossy(&self.bytes)))
    }

    pub(crate) fn redact(&mut self) {
        self.redacted = true;
    }
}

/// The bytes: `body.len()`, `&body[..]`, `String::from_utf8_lossy(&body)`.
impl std::ops::Deref for ResponseBody {
    type Target = Bytes;

    fn deref(&self) -> &Bytes {
        &self.bytes
    }
}

impl PartialEq<[u8]> for ResponseBody {
    fn eq(&self, other: &[u8]) -> bool {
        self.bytes == other
    }
}

impl PartialEq<&[u8]> for ResponseBody {
    fn eq(&self, other: &&[u8]) -> bool {
        self.bytes == *other
    }
}

impl fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.excerpt() {
            Some(text) => fmt::Debug::fmt(&text, f),
            None => write!(f, "<{} bytes, redacted>", self.bytes.len()),
        }
    }
}

/// `text` cut at [`BODY_EXCERPT_BYTES`] on a character boundary, marked
/// with `…` when cut.
pub(crate) fn excerpt(text: &str) -> String {
    if text.len() <= BODY_EXCERPT_BYTES {
        return text.to_owned();
    }
    let mut end = BODY_EXCERPT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes in all)", &text[..end], text.len())
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

/// What a failed attempt means for retrying and for the request's outcome:
/// the one classification behind [`Error::is_retryable`],
/// [`Error::may_have_been_sent`], the retry policy and the outcome-unknown
/// rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// Refused before any I/O (input, credentials, configuration, a defect).
    Local,
    /// Nothing reached the server (connection refused, connect timeout).
    NotSent,
    /// The transport refused the request itself: not sent, and it would
    /// fail the same way again.
    Unsendable,
    /// It may have reached the server and no answer came (timeout, reset),
    /// or the server said it is unavailable (502, 503, 504): worth repeating
    /// when repeating is harmless; the outcome is unknown.
    Transient,
    /// HTTP 429, with the wait the API asked for: not carried out.
    RateLimited(Option<Duration>),
    /// The server answered and refused (a 3xx or 4xx): not carried out.
    Refused,
    /// It reached the server and no usable answer says what happened, and
    /// repeating cannot help: HTTP 500 and other 5xx, an undecodable
    /// success, a response refused for its size.
    Unknown,
}

impl Failure {
    /// Whether the failure is transient: repeating may succeed.
    pub(crate) fn is_transient(self) -> bool {
        matches!(self, Self::NotSent | Self::Transient | Self::RateLimited(_))
    }

    /// Whether the server may have received the request.
    pub(crate) fn may_have_been_sent(self) -> bool {
        !matches!(self, Self::Local | Self::NotSent | Self::Unsendable)
    }

    /// Whether a request that is not idempotent may have been carried out,
    /// with no answer saying whether it was.
    pub(crate) fn leaves_outcome_unknown(self) -> bool {
        matches!(self, Self::Transient | Self::Unknown)
    }
}

impl Error {
    /// An input error with no single field to blame.
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::InvalidInput {
            field: None,
            message: message.into(),
        }
    }

    /// An input error about `field`; `message` is the whole sentence.
    pub(crate) fn invalid_field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::InvalidInput {
            field: Some(field.into()),
            message: message.into(),
        }
    }

    /// The same input error, about an item of a list: the field and the
    /// message get `prefix` (e.g. `operations[2]`).
    pub(crate) fn within(self, prefix: &str) -> Self {
        match self {
            Self::InvalidInput { field, message } => Self::InvalidInput {
                field: Some(match field {
                    Some(field) => format!("{prefix}.{field}"),
                    None => prefix.to_owned(),
                }),
                message: format!("{prefix}: {message}"),
            },
            other => other,
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Self::Config {
            message: message.into(),
            source: None,
        }
    }

    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self::Internal {
            message: message.into(),
        }
    }

    /// The one classification every other view derives from.
    pub(crate) fn failure(&self) -> Failure {
        match self {
            Self::Transport { source, .. } => match source.kind() {
                // The transport refused the request as invalid.
                TransportErrorKind::Other if !source.may_have_been_sent() => Failure::Unsendable,
                // Refused for its size: the same request gets the same answer.
                TransportErrorKind::TooLarge => Failure::Unknown,
                _ if !source.may_have_been_sent() => Failure::NotSent,
                _ => Failure::Transient,
            },
            Self::RateLimited { retry_after, .. } => Failure::RateLimited(*retry_after),
            // The API says it cannot tell whether the write went out.
            Self::Api(api) if api.is_submission_unknown() => Failure::Unknown,
            Self::Api(api) => match api.status.as_u16() {
                502..=504 => Failure::Transient,
                500..=599 => Failure::Unknown,
                _ => Failure::Refused,
            },
            Self::Decode(_) => Failure::Unknown,
            // Refused outright: nothing was carried out, and repeating at
            // once gets the same answer.
            Self::UnexpectedStatus { .. }
            | Self::DuplicateClientOrderId { .. }
            | Self::Maintenance { .. }
            | Self::TooEarly { .. } => Failure::Refused,
            Self::OutcomeUnknown { .. } => Failure::Unknown,
            Self::InvalidInput { .. }
            | Self::AuthenticationRequired { .. }
            | Self::Config { .. }
            | Self::Credentials { .. }
            | Self::Signing { .. }
            | Self::OrderSigning { .. }
            | Self::Internal { .. }
            | Self::DeadlineExceeded { .. } => Failure::Local,
        }
    }

    /// The argument an [`InvalidInput`](Self::InvalidInput) error is about,
    /// when one is to blame (`price`, `operations[0].replacement.size`…).
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::InvalidInput { field, .. } => field.as_deref(),
            _ => None,
        }
    }

    /// The request the error is about, for errors that reached the
    /// transport (also through [`OutcomeUnknown`](Self::OutcomeUnknown)).
    pub fn context(&self) -> Option<&RequestContext> {
        match self {
            Self::Api(api)
            | Self::RateLimited { source: api, .. }
            | Self::DuplicateClientOrderId { source: api, .. }
            | Self::Maintenance { source: api, .. }
            | Self::TooEarly { source: api } => Some(&api.context),
            Self::Decode(decode) => Some(&decode.context),
            Self::OutcomeUnknown { context, .. } | Self::Transport { context, .. } => Some(context),
            _ => None,
        }
    }

    /// The HTTP status of an API error, a rate limit or an undecodable
    /// response (also when wrapped in [`OutcomeUnknown`](Self::OutcomeUnknown)).
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(api) => Some(api.status),
            Self::RateLimited { source, .. }
            | Self::DuplicateClientOrderId { source, .. }
            | Self::Maintenance { source, .. }
            | Self::TooEarly { source } => Some(source.status),
            Self::Decode(decode) => Some(decode.status),
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
            Self::Api(api)
            | Self::RateLimited { source: api, .. }
            | Self::DuplicateClientOrderId { source: api, .. }
            | Self::Maintenance { source: api, .. }
            | Self::TooEarly { source: api } => Some(api),
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

    /// Whether this is [`DuplicateClientOrderId`](Self::DuplicateClientOrderId):
    /// an order with the same client order id was already accepted.
    pub fn is_duplicate_client_order_id(&self) -> bool {
        matches!(self, Self::DuplicateClientOrderId { .. })
    }

    /// How long the API asked to wait before sending again, for a
    /// [`RateLimited`](Self::RateLimited) error.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The maintenance mode that refused the request, for a
    /// [`Maintenance`](Self::Maintenance) error that named one.
    pub fn maintenance_mode(&self) -> Option<&MaintenanceMode> {
        match self {
            Self::Maintenance { mode, .. } => mode.as_ref(),
            _ => None,
        }
    }

    /// When trading is expected to resume, for a
    /// [`Maintenance`](Self::Maintenance) error that said so.
    pub fn resume_at(&self) -> Option<SystemTime> {
        match self {
            Self::Maintenance { resume_at, .. } => *resume_at,
            _ => None,
        }
    }

    /// Whether the API refused the request because of maintenance
    /// ([`Maintenance`](Self::Maintenance)).
    pub fn is_maintenance(&self) -> bool {
        matches!(self, Self::Maintenance { .. })
    }

    /// Whether the failure is transient: a transport failure (other than a
    /// request the transport refused as invalid, or a response refused for
    /// its size), a rate limit (HTTP 429), or HTTP 502, 503 or 504.
    ///
    /// Transient does not mean safe to repeat: an order or account creation
    /// whose request [may have been sent](Self::may_have_been_sent) may have
    /// taken effect, so repeating it could act twice. Such failures come back
    /// as [`OutcomeUnknown`](Self::OutcomeUnknown), which is not retryable.
    pub fn is_retryable(&self) -> bool {
        self.failure().is_transient()
    }

    /// Whether the server may have received (and acted on) the request.
    ///
    /// `false` for errors raised before any I/O and for transport failures
    /// that certainly happened before sending (e.g. connection refused);
    /// `true` once the server answered or the outcome is unknown.
    pub fn may_have_been_sent(&self) -> bool {
        self.failure().may_have_been_sent()
    }

    /// What the failure means for the request: whether it was sent, and
    /// whether it may have taken effect (see [`Outcome`] for the table).
    ///
    /// ```
    /// use limitless_client::{Error, Outcome};
    ///
    /// fn next_step(error: &Error) -> &'static str {
    ///     match error.outcome() {
    ///         Outcome::Unknown => "look the effect up before sending it again",
    ///         Outcome::Failed | Outcome::NotSent => "send it again later",
    ///         Outcome::Refused => "read the API's message; do not repeat as is",
    ///         _ => "fix the call or the configuration",
    ///     }
    /// }
    /// # assert_eq!(next_step(&Error::AuthenticationRequired { operation: "list_tokens" }),
    /// #     "fix the call or the configuration");
    /// ```
    pub fn outcome(&self) -> Outcome {
        match self {
            Self::InvalidInput { .. } => Outcome::Invalid,
            Self::AuthenticationRequired { .. }
            | Self::Config { .. }
            | Self::Credentials { .. }
            | Self::Signing { .. }
            | Self::OrderSigning { .. } => Outcome::Misconfigured,
            Self::Internal { .. } => Outcome::Internal,
            Self::DeadlineExceeded { .. } => Outcome::TimedOut,
            Self::OutcomeUnknown { .. } => Outcome::Unknown,
            // The rest reached the transport: the one classification says
            // what happened. The send path wraps every failure of a
            // request that is not idempotent and may have been carried out
            // in `OutcomeUnknown` (above), so a 5xx, an unreadable answer
            // or a lost one seen here is about an idempotent request.
            _ => match self.failure() {
                Failure::Local => Outcome::Internal,
                Failure::NotSent | Failure::Unsendable => Outcome::NotSent,
                Failure::RateLimited(_) | Failure::Refused => Outcome::Refused,
                Failure::Transient | Failure::Unknown => Outcome::Failed,
            },
        }
    }
}

/// What a failed call means for its request, from [`Error::outcome`]: was
/// it sent, may it have taken effect, what to do next. One view of the
/// same classification as [`Error::is_retryable`] and
/// [`Error::may_have_been_sent`].
///
/// | outcome | sent? | took effect? | the errors | what to do |
/// |---|---|---|---|---|
/// | [`Invalid`](Self::Invalid) | no | no | [`Error::InvalidInput`] | fix the argument the error names |
/// | [`Misconfigured`](Self::Misconfigured) | no | no | [`Error::AuthenticationRequired`], [`Error::Credentials`], [`Error::Config`], [`Error::Signing`], [`Error::OrderSigning`] | fix the credentials, the signer or the client's configuration |
/// | [`NotSent`](Self::NotSent) | no | no | [`Error::Transport`] before sending (connection refused, connect timeout, a request the transport refused) | send it again later |
/// | [`Refused`](Self::Refused) | yes | no | [`Error::Api`] 3xx/4xx, [`Error::RateLimited`], [`Error::Maintenance`], [`Error::TooEarly`], [`Error::DuplicateClientOrderId`], [`Error::UnexpectedStatus`] | read the API's answer; a rate limit or maintenance passes |
/// | [`Failed`](Self::Failed) | maybe | a read: no; an idempotent write: maybe, and repeating it is harmless | [`Error::Api`] 5xx, [`Error::Decode`], [`Error::Transport`] after sending, all of an idempotent request | send it again |
/// | [`Unknown`](Self::Unknown) | maybe | maybe | [`Error::OutcomeUnknown`]: a request that is not idempotent (an order, an account creation…) | look the effect up ([`Error::sent_orders`]) before sending it again |
/// | [`TimedOut`](Self::TimedOut) | yes | — | [`Error::DeadlineExceeded`]: a wait for a state ran out of time | wait longer; the state may still come |
/// | [`Internal`](Self::Internal) | no | no | [`Error::Internal`]: a defect of the client | report it |
///
/// A failure of a read is never [`Unknown`](Self::Unknown): a read changes
/// nothing, so whatever its answer it is [`Failed`](Self::Failed) at
/// worst. A call that reads before it writes (an order reads its market
/// first) is [`Failed`](Self::Failed) when the read fails: the write was
/// never sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Outcome {
    /// An argument was refused by the client's checks; nothing was sent.
    Invalid,
    /// Credentials or configuration missing or unusable (no credentials
    /// for an operation that needs them, a secret that is not base64, an
    /// invalid base URL, a signer that could not sign); nothing was sent.
    Misconfigured,
    /// The request never reached the server (the connection was refused
    /// or timed out, or the transport refused the request itself).
    NotSent,
    /// The server answered and refused: not carried out.
    Refused,
    /// The request may have reached the server and no usable answer came
    /// back (a 5xx, a timeout or broken connection after sending, an
    /// unreadable success), but it is idempotent: a read changed nothing,
    /// and an idempotent write (cancelling one order) may be sent again
    /// without acting twice.
    Failed,
    /// A request that is not idempotent may have been carried out and no
    /// usable answer says whether it was ([`Error::OutcomeUnknown`]).
    Unknown,
    /// A wait for a state ran past its deadline; the state may still come.
    TimedOut,
    /// The client broke one of its own rules; nothing was sent.
    Internal,
}

/// `Display` of a maintenance mode: ` (cancel_only)`, or nothing.
struct ModeText<'a>(Option<&'a MaintenanceMode>);

impl fmt::Display for ModeText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(mode) => write!(f, " ({mode})"),
            None => Ok(()),
        }
    }
}

/// `Display` of a maintenance's end: `; resumes at 2026-12-07T18:00:00Z`,
/// or nothing.
struct ResumeText(Option<SystemTime>);

impl fmt::Display for ResumeText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(at) = self.0 else {
            return Ok(());
        };
        let at = time::OffsetDateTime::from(at);
        match at.format(&time::format_description::well_known::Rfc3339) {
            Ok(text) => write!(f, "; resumes at {text}"),
            Err(_) => Ok(()),
        }
    }
}

/// The typed form of an API refusal: a maintenance refusal or a
/// `425 Too Early` become their own variants, anything else stays
/// [`Error::Api`]. (A 429 is typed by the send path, which reads its wait.)
pub(crate) fn classify_refusal(api: ApiError) -> Error {
    if api.status == StatusCode::TOO_EARLY {
        return Error::TooEarly {
            source: Box::new(api),
        };
    }
    match maintenance_refusal(&api) {
        Some((mode, resume_at)) => Error::Maintenance {
            mode,
            resume_at,
            source: Box::new(api),
        },
        None => api.into(),
    }
}

/// The mode and end a refusal names when it is a maintenance refusal: a
/// 503 whose JSON body carries `mode` or `resumeAt` (the body a
/// third-party client reports, `{code, message, mode, resumeAt}`;
/// unconfirmed by the docs), or any refusal whose body's `mode` is one of
/// the documented maintenance modes. A bare 503 stays a transient failure.
fn maintenance_refusal(api: &ApiError) -> Option<(Option<MaintenanceMode>, Option<SystemTime>)> {
    if !api.status.is_client_error() && api.status != StatusCode::SERVICE_UNAVAILABLE {
        return None;
    }
    let body: MaintenanceRefusal = serde_json::from_slice(api.body.bytes()).ok()?;
    let mode = body.mode.as_deref().map(MaintenanceMode::parse);
    let known_mode = mode
        .as_ref()
        .is_some_and(|mode| !matches!(mode, MaintenanceMode::Other(_)));
    let unavailable = api.status == StatusCode::SERVICE_UNAVAILABLE
        && (body.mode.is_some() || body.resume_at.is_some());
    if !(unavailable || known_mode) {
        return None;
    }
    let resume_at = body.resume_at.as_deref().and_then(|text| {
        time::OffsetDateTime::parse(text.trim(), &time::format_description::well_known::Rfc3339)
            .ok()
            .map(SystemTime::from)
    });
    Some((mode, resume_at))
}

/// `Display` of a rate limit's wait: `; retry after 2 s`, or nothing.
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
    /// The order's client order id, if it carried one: then
    /// reconciliation finds it exactly, through the status batch.
    pub client_order_id: Option<String>,
    /// The sub-account the order was placed for (`ownerId`).
    pub owner_id: i64,
}

impl SentOrder {
    /// An order to look for: on `market_slug`, with `salt`, owned by the
    /// sub-account `owner_id`.
    pub fn new(
        market_slug: impl Into<String>,
        salt: u64,
        client_order_id: Option<&str>,
        owner_id: i64,
    ) -> Self {
        Self {
            market_slug: market_slug.into(),
            salt,
            client_order_id: client_order_id.map(str::to_owned),
            owner_id,
        }
    }
}

impl From<limitless_eip712::Eip712Error> for Error {
    fn from(source: limitless_eip712::Eip712Error) -> Self {
        Self::OrderSigning { source }
    }
}

impl From<ApiError> for Error {
    fn from(error: ApiError) -> Self {
        Self::Api(Box::new(error))
    }
}

/// An error status returned by the API.
///
/// `Display` and `Debug` show the message and the body as bounded excerpts;
/// the whole body is in [`body`](Self::body).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ApiError {
    /// The request.
    pub context: RequestContext,
    /// The HTTP status.
    pub status: StatusCode,
    /// The message extracted from the body by [`parse_api_error_message`],
    /// cut to a bounded excerpt.
    pub message: String,
    /// The response headers (e.g. `Retry-After`).
    pub headers: HeaderMap,
    /// The raw response body.
    pub body: ResponseBody,
}

impl ApiError {
    /// The response body parsed as JSON, if it is JSON (for fields such as
    /// `retryAfterSeconds` or an error `code`).
    pub fn data(&self) -> Option<Value> {
        serde_json::from_slice(self.body.bytes()).ok()
    }

    /// Whether the status is 401 or 403.
    pub fn is_auth_error(&self) -> bool {
        matches!(self.status.as_u16(), 401 | 403)
    }

    /// Whether the API says it cannot tell whether the request was carried
    /// out: a 409 with one of the codes its operation declared for that
    /// (PROTOCOL §2.9's `PACK_SUBMISSION_UNKNOWN` for the Packs writes).
    pub(crate) fn is_submission_unknown(&self) -> bool {
        let codes = self.context.unknown_codes;
        self.status == StatusCode::CONFLICT
            && !codes.is_empty()
            && self.data().is_some_and(|data| {
                data.get("code")
                    .and_then(Value::as_str)
                    .is_some_and(|code| codes.contains(&code))
            })
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "API error {} {} {}: {}",
            self.status.as_u16(),
            self.context.method,
            self.context.path,
            self.message
        )?;
        if self.status.is_redirection() {
            // Redirects are never followed: the request reached the server,
            // which answered with a redirect instead of acting on it.
            f.write_str(" (a redirect, not followed: the request reached the server)")?;
        }
        Ok(())
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
            context: RequestContext {
                operation: "get_active_markets",
                method: Method::GET,
                path: "/markets/active".into(),
                unknown_codes: &[],
            },
            status: StatusCode::SERVICE_UNAVAILABLE,
            message: "down".into(),
            headers: HeaderMap::new(),
            body: ResponseBody::new(Bytes::from_static(b"{\"message\":\"down\"}"), false),
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

        let invalid = Error::invalid_field("limit", "limit must be at most 25");
        assert_eq!(invalid.field(), Some("limit"));
        assert_eq!(invalid.status(), None);
        assert!(!invalid.is_retryable());
        assert!(!invalid.may_have_been_sent());
    }

    #[test]
    fn bodies_show_bounded_excerpts() {
        let long = "é".repeat(BODY_EXCERPT_BYTES);
        let body = ResponseBody::new(Bytes::from(long.clone()), false);
        let shown = format!("{body:?}");
        assert!(shown.len() < BODY_EXCERPT_BYTES + 64, "{}", shown.len());
        assert!(shown.contains(&format!("({} bytes in all)", long.len())));
        assert_eq!(body.bytes().len(), long.len());
        let secret = ResponseBody::new(Bytes::from_static(b"sentinel-secret"), true);
        assert_eq!(format!("{secret:?}"), "<15 bytes, redacted>");
        assert_eq!(secret.excerpt(), None);
        assert_eq!(excerpt("short"), "short");
    }

    #[test]
    fn one_classification_behind_every_view() {
        let context = || RequestContext {
            operation: "create_order",
            method: Method::POST,
            path: "/orders".into(),
            unknown_codes: &[],
        };
        let api = |status: u16| {
            Error::from(ApiError {
                context: context(),
                status: StatusCode::from_u16(status).unwrap(),
                message: String::new(),
                headers: HeaderMap::new(),
                body: ResponseBody::new(Bytes::new(), false),
            })
        };
        let transport = |error: TransportError| Error::Transport {
            context: context(),
            source: error,
        };
        let cases = [
            (api(302), Failure::Refused),
            (api(400), Failure::Refused),
            (api(500), Failure::Unknown),
            (api(503), Failure::Transient),
            (
                transport(TransportError::connect(std::io::Error::other("x"))),
                Failure::NotSent,
            ),
            (
                transport(TransportError::io(std::io::Error::other("x"))),
                Failure::Transient,
            ),
            (
                transport(TransportError::too_large(std::io::Error::other("x"))),
                Failure::Unknown,
            ),
            (
                transport(TransportError::not_sent(std::io::Error::other("x"))),
                Failure::Unsendable,
            ),
            (Error::invalid("x"), Failure::Local),
        ];
        for (error, failure) in cases {
            assert_eq!(error.failure(), failure, "{error:?}");
            assert_eq!(error.is_retryable(), failure.is_transient(), "{error:?}");
            assert_eq!(
                error.may_have_been_sent(),
                failure.may_have_been_sent(),
                "{error:?}"
            );
        }
        let redirect = api(302).to_string();
        assert!(
            redirect.contains("the request reached the server"),
            "{redirect}"
        );
    }

    #[test]
    fn outcomes_of_the_errors_raised_without_an_answer() {
        let api = |status: u16| ApiError {
            context: RequestContext::new("list_tokens", Method::GET, "/auth/api-tokens"),
            status: StatusCode::from_u16(status).unwrap(),
            message: String::new(),
            headers: HeaderMap::new(),
            body: ResponseBody::new(Bytes::new(), false),
        };
        let cases = [
            (
                Error::DeadlineExceeded {
                    operation: "wait_until_ready",
                    waited: Duration::from_secs(1),
                },
                Outcome::TimedOut,
            ),
            (
                Error::UnexpectedStatus {
                    operation: "wait_for_position",
                    id: "p-1".into(),
                    status: "VAULT_REVERTED".into(),
                },
                Outcome::Refused,
            ),
            (Error::internal("x"), Outcome::Internal),
            (Error::config("x"), Outcome::Misconfigured),
            (
                Error::Signing {
                    source: limitless_auth::AuthError::EmptyTokenId,
                },
                Outcome::Misconfigured,
            ),
            (
                Error::TooEarly {
                    source: Box::new(api(425)),
                },
                Outcome::Refused,
            ),
            (
                Error::OutcomeUnknown {
                    context: RequestContext::new("create_order", Method::POST, "/orders"),
                    orders: Vec::new(),
                    source: Box::new(api(500).into()),
                },
                Outcome::Unknown,
            ),
            (api(302).into(), Outcome::Refused),
            (api(504).into(), Outcome::Failed),
        ];
        for (error, outcome) in cases {
            assert_eq!(error.outcome(), outcome, "{error:?}");
        }
    }
}
