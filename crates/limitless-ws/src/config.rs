//! [`WsClientBuilder`] and [`ReconnectPolicy`]: what a connection is made
//! of, and how its handshake is signed.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use limitless_auth::{
    CREDENTIAL_HEADERS, Clock, HEADER_X_API_KEY, HmacCredentials, SignedHeaders, Signer,
    SigningInput, SystemClock, Timestamp, is_secret_header,
};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::handshake::client::Request;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::http::header::USER_AGENT;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

use crate::Error;
use crate::tls::{Secret, Tls};

/// The API's socket server.
pub const DEFAULT_URL: &str = "wss://ws.limitless.exchange";
/// The path and query of the Socket.IO endpoint (Engine.IO v4, WebSocket
/// only), as requested and as signed.
pub const SOCKET_PATH: &str = "/socket.io/?EIO=4&transport=websocket";
/// Default time to connect: TCP, TLS, upgrade, Engine.IO open and
/// namespace connect together.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time the server has to answer a subscribe or unsubscribe (5 s,
/// the official SDKs' unsubscribe ack timeout).
pub const DEFAULT_ACK_TIMEOUT: Duration = Duration::from_secs(5);
/// Default number of events each stream holds for its consumer.
pub const DEFAULT_BUFFER_CAPACITY: usize = 1024;
/// Default largest WebSocket message accepted: 1 MiB. The API's largest
/// socket payloads are order books of a few hundred levels (tens of KiB);
/// its gateway announces `maxPayload` 1,000,000 bytes in the Engine.IO
/// open packet (captured handshakes), and 1 MiB covers it. A larger
/// message ends the connection with [`Error::WebSocket`] (capacity).
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 1 << 20;
/// Default largest WebSocket frame accepted: as large as a message (the
/// gateway does not fragment).
pub const DEFAULT_MAX_FRAME_SIZE: usize = DEFAULT_MAX_MESSAGE_SIZE;
/// Default bytes of events each stream holds for its consumer, counted as
/// the size of the frames they arrived in: 16 MiB, sixteen messages of
/// the largest size, so a burst of full books cannot hold more memory per
/// stream than that however many events fit
/// [`DEFAULT_BUFFER_CAPACITY`].
pub const DEFAULT_BUFFER_BYTES: usize = 16 << 20;
/// Default time a connection must stay up before the reconnect backoff
/// starts again from its first wait.
pub const DEFAULT_HEALTHY_AFTER: Duration = Duration::from_secs(30);
/// Default number of reconnect handshakes refused for their credentials
/// (HTTP 401 or 403) in a row before the streams end: enough to ride out a
/// credential rotation, bounded so revoked credentials end the streams.
pub const DEFAULT_MAX_AUTH_REFUSALS: u32 = 3;
/// `user-agent` and `x-sdk-version` of the handshake.
pub const SDK_ID: &str = concat!("limitless-ws/", env!("CARGO_PKG_VERSION"));

const HEADER_SDK_VERSION: &str = "x-sdk-version";

/// When and how often the client reconnects after losing the connection.
///
/// The n-th attempt waits `initial_delay · 2ⁿ⁻¹`, at most `max_delay`;
/// with jitter (the default) each wait is drawn from that step to twice
/// it (backon's jitter), still at most `max_delay`. The defaults: 1 s,
/// doubling, 60 s at most, jitter, no limit on attempts.
///
/// Attempts are counted from the loss of a healthy connection: one that
/// comes back but drops again before it stayed up
/// [`healthy_after`](Self::healthy_after) (default 30 s) goes on with the
/// next, longer wait, so a gateway that accepts and drops connections is
/// not hit every second. Handshakes refused for their credentials (HTTP
/// 401 or 403) are counted apart: after
/// [`max_auth_refusals`](Self::max_auth_refusals) in a row (default 3)
/// every stream ends with [`Error::HandshakeRefused`] as its
/// [`StreamItem::Closed`](crate::StreamItem::Closed).
///
/// ```
/// use std::time::Duration;
/// use limitless_ws::ReconnectPolicy;
///
/// let policy = ReconnectPolicy::new().jitter(false).max_attempts(4);
/// let waits: Vec<_> = policy.delays().collect();
/// assert_eq!(waits, [1, 2, 4, 8].map(Duration::from_secs));
/// let capped = ReconnectPolicy::new().jitter(false).max_delay(Duration::from_secs(3));
/// assert_eq!(capped.delays().take(4).collect::<Vec<_>>(), [1, 2, 3, 3].map(Duration::from_secs));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReconnectPolicy {
    initial_delay: Duration,
    max_delay: Duration,
    max_attempts: Option<u32>,
    jitter: bool,
    healthy_after: Duration,
    max_auth_refusals: u32,
}

impl Default for ReconnectPolicy {
    fn default() -> Self {
        Self::new()
    }
}

impl ReconnectPolicy {
    /// 1 s, doubling, at most 60 s, with jitter, unlimited attempts.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            initial_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
            max_attempts: None,
            jitter: true,
            healthy_after: DEFAULT_HEALTHY_AFTER,
            max_auth_refusals: DEFAULT_MAX_AUTH_REFUSALS,
        }
    }

    /// Never reconnect: a lost connection closes every stream.
    #[must_use]
    pub const fn never() -> Self {
        Self::new().max_attempts(0)
    }

    /// The wait before the first attempt.
    #[must_use]
    pub const fn initial_delay(mut self, delay: Duration) -> Self {
        self.initial_delay = delay;
        self
    }

    /// The longest wait between attempts.
    #[must_use]
    pub const fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// At most this many attempts since the last healthy connection (see
    /// [`healthy_after`](Self::healthy_after)); then every stream gets
    /// [`StreamItem::Closed`](crate::StreamItem::Closed) and ends.
    #[must_use]
    pub const fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = Some(attempts);
        self
    }

    /// No limit on attempts (the default).
    #[must_use]
    pub const fn unlimited_attempts(mut self) -> Self {
        self.max_attempts = None;
        self
    }

    /// Whether waits are randomised (default `true`).
    #[must_use]
    pub const fn jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// How long a connection must stay up before the attempts (and the
    /// waits) count from the start again (default
    /// [`DEFAULT_HEALTHY_AFTER`]). A connection lost sooner goes on with
    /// the next attempt of the same reconnection.
    #[must_use]
    pub const fn healthy_after(mut self, period: Duration) -> Self {
        self.healthy_after = period;
        self
    }

    /// How many reconnect handshakes in a row the server may refuse for
    /// their credentials (HTTP 401 or 403) before every stream ends with
    /// that refusal (default [`DEFAULT_MAX_AUTH_REFUSALS`]; at least 1).
    /// Each attempt signs afresh, so a rotation that completes within
    /// these attempts is ridden out.
    #[must_use]
    pub const fn max_auth_refusals(mut self, refusals: u32) -> Self {
        self.max_auth_refusals = if refusals == 0 { 1 } else { refusals };
        self
    }

    /// The period after which a connection counts as healthy.
    #[must_use]
    pub const fn healthy_period(&self) -> Duration {
        self.healthy_after
    }

    /// The credential refusals in a row that end the streams.
    #[must_use]
    pub const fn auth_refusals_limit(&self) -> u32 {
        self.max_auth_refusals
    }

    /// The attempt limit, `None` for none.
    #[must_use]
    pub const fn attempts_limit(&self) -> Option<u32> {
        self.max_attempts
    }

    /// The waits before each attempt of one reconnection, in order; ends
    /// when the attempts are exhausted.
    pub fn delays(&self) -> impl Iterator<Item = Duration> + Send + 'static {
        let mut builder = ExponentialBuilder::default()
            .with_min_delay(self.initial_delay)
            .with_max_delay(self.max_delay)
            .with_factor(2.0);
        builder = match self.max_attempts {
            Some(attempts) => builder.with_max_times(attempts as usize),
            None => builder.without_max_times(),
        };
        if self.jitter {
            builder = builder.with_jitter();
        }
        let cap = self.max_delay;
        builder.build().map(move |delay| delay.min(cap))
    }
}

/// How a subscribe is emitted and what settles it
/// ([`WsClientBuilder::subscribe_mode`]). Unsubscribes always ask for an
/// ack, as every official SDK does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SubscribeMode {
    /// The API gateway's documented behaviour (the default): a plain emit
    /// (`42/markets,["subscribe_…",{…}]`, no ack id), as every official
    /// SDK and the docs subscribe. A channel the gateway confirms with a
    /// `system` notice (market prices, positions, order events) settles
    /// on it as [`Subscribed::Confirmed`](crate::Subscribed::Confirmed);
    /// an `exception` naming the subscribe refuses it
    /// ([`Error::Refused`]); neither within the
    /// [ack timeout](WsClientBuilder::ack_timeout) settles it as
    /// [`Subscribed::Unconfirmed`](crate::Subscribed::Unconfirmed), kept.
    /// Any other channel is [`Subscribed::Sent`](crate::Subscribed::Sent)
    /// at once.
    #[default]
    Notice,
    /// Socket.IO acknowledgements: every subscribe carries an ack id
    /// (`42/markets,<id>[…]`) and settles on the server's ack
    /// ([`Subscribed::Acknowledged`](crate::Subscribed::Acknowledged); an
    /// ack whose first argument has a non-null `error` is
    /// [`Error::Refused`]), on a confirming notice, or on a refusing
    /// `exception`. No answer within the ack timeout is
    /// [`Error::AckTimeout`] and the subscription is not kept, unless
    /// [`keep_unacknowledged`](WsClientBuilder::keep_unacknowledged). For
    /// servers that ack subscribes (the sandbox can); the API's gateway
    /// is not documented to.
    Ack,
}

/// Configures and connects a [`WsClient`](crate::WsClient).
///
/// ```no_run
/// use std::time::Duration;
/// use limitless_ws::{HmacCredentials, ReconnectPolicy, WsClient};
///
/// # async fn demo() -> Result<(), limitless_ws::Error> {
/// let ws = WsClient::builder()
///     .hmac_credentials(HmacCredentials::new("token-id", "c2VjcmV0"))
///     .reconnect(ReconnectPolicy::new().max_attempts(20))
///     .ack_timeout(Duration::from_secs(3))
///     .connect()
///     .await?;
/// # Ok(()) }
/// ```
#[must_use]
pub struct WsClientBuilder {
    url: String,
    hmac: Option<HmacCredentials>,
    api_key: Option<String>,
    clock: Arc<dyn Clock>,
    reconnect: ReconnectPolicy,
    connect_timeout: Duration,
    ack_timeout: Duration,
    subscribe_mode: SubscribeMode,
    keep_unacknowledged: bool,
    buffer_capacity: usize,
    buffer_bytes: usize,
    max_message_size: usize,
    max_frame_size: usize,
}

impl Default for WsClientBuilder {
    fn default() -> Self {
        Self {
            url: DEFAULT_URL.to_owned(),
            hmac: None,
            api_key: None,
            clock: Arc::new(SystemClock),
            reconnect: ReconnectPolicy::new(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            ack_timeout: DEFAULT_ACK_TIMEOUT,
            subscribe_mode: SubscribeMode::Notice,
            keep_unacknowledged: false,
            buffer_capacity: DEFAULT_BUFFER_CAPACITY,
            buffer_bytes: DEFAULT_BUFFER_BYTES,
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
            max_frame_size: DEFAULT_MAX_FRAME_SIZE,
        }
    }
}

impl WsClientBuilder {
    /// The server (default [`DEFAULT_URL`]): `ws(s)://host[:port][/prefix]`
    /// or the REST-style `http(s)://` form of it (`http` becomes `ws`,
    /// `https` becomes `wss`). [`SOCKET_PATH`] is appended.
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = url.into();
        self
    }

    /// Signs every handshake (`lmts-api-key`, `lmts-timestamp`,
    /// `lmts-signature` over `GET` and the exact path requested), freshly
    /// for each connection. Takes precedence over an API key.
    pub fn hmac_credentials(mut self, credentials: HmacCredentials) -> Self {
        self.hmac = Some(credentials);
        self
    }

    /// Sends a legacy API key (`X-API-Key`) when no HMAC credentials are
    /// set.
    pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
        self.api_key = Some(api_key.into());
        self
    }

    /// The clock handshakes are signed with (default the system clock).
    /// Pass the REST client's (`limitless_client::HttpClient::clock`) to
    /// sign with the server offset it learned.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// How to reconnect after the connection is lost (see
    /// [`ReconnectPolicy`]). The first connection is never retried: its
    /// failure is [`connect`](Self::connect)'s error.
    pub fn reconnect(mut self, policy: ReconnectPolicy) -> Self {
        self.reconnect = policy;
        self
    }

    /// Time to connect (default [`DEFAULT_CONNECT_TIMEOUT`]): TCP, TLS,
    /// upgrade, Engine.IO open and namespace connect together, for the
    /// first connection and each reconnect attempt.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time the server has to answer a subscribe or unsubscribe (default
    /// [`DEFAULT_ACK_TIMEOUT`]): an unsubscribe's ack, a subscribe's ack
    /// in [`SubscribeMode::Ack`], or the confirming `system` notice.
    pub fn ack_timeout(mut self, timeout: Duration) -> Self {
        self.ack_timeout = timeout;
        self
    }

    /// How subscribes are emitted and settled (default
    /// [`SubscribeMode::Notice`], the gateway's documented behaviour).
    pub fn subscribe_mode(mut self, mode: SubscribeMode) -> Self {
        self.subscribe_mode = mode;
        self
    }

    /// In [`SubscribeMode::Ack`], for a server that does not acknowledge
    /// every subscribe: one left unanswered within the
    /// [ack timeout](Self::ack_timeout) is kept as
    /// [`Subscribed::Unconfirmed`](crate::Subscribed::Unconfirmed), with
    /// a warning logged, instead of failing with [`Error::AckTimeout`]
    /// (default `false`). A refusal still fails as [`Error::Refused`].
    /// [`SubscribeMode::Notice`] always keeps an unconfirmed subscription,
    /// and a re-subscription after a reconnect is kept in either mode.
    pub fn keep_unacknowledged(mut self, keep: bool) -> Self {
        self.keep_unacknowledged = keep;
        self
    }

    /// Events each stream holds until its consumer reads them (default
    /// [`DEFAULT_BUFFER_CAPACITY`]); beyond it they are counted and
    /// reported as [`StreamItem::Lagged`](crate::StreamItem::Lagged).
    pub fn buffer_capacity(mut self, capacity: usize) -> Self {
        self.buffer_capacity = capacity;
        self
    }

    /// Bytes of events each stream holds until its consumer reads them
    /// (default [`DEFAULT_BUFFER_BYTES`]), each event counted as the size of
    /// the frame it arrived in. Beyond it, as beyond the
    /// [capacity](Self::buffer_capacity), events are counted and reported
    /// as [`StreamItem::Lagged`](crate::StreamItem::Lagged); an empty
    /// buffer always takes one event, so a stream never stalls.
    pub fn buffer_bytes(mut self, bytes: usize) -> Self {
        self.buffer_bytes = bytes;
        self
    }

    /// The largest WebSocket message the client accepts (default
    /// [`DEFAULT_MAX_MESSAGE_SIZE`]); a larger one ends the connection
    /// (and the client reconnects).
    pub fn max_message_size(mut self, bytes: usize) -> Self {
        self.max_message_size = bytes;
        self
    }

    /// The largest WebSocket frame the client accepts (default
    /// [`DEFAULT_MAX_FRAME_SIZE`]), at most the message size.
    pub fn max_frame_size(mut self, bytes: usize) -> Self {
        self.max_frame_size = bytes;
        self
    }

    pub(crate) fn build(self) -> Result<Config, Error> {
        let endpoint = Endpoint::parse(&self.url)?;
        let auth = match (self.hmac, self.api_key) {
            (Some(credentials), _) => {
                Auth::Hmac(Signer::new(&credentials).map_err(Error::Credentials)?)
            }
            (None, Some(key)) => {
                let key = key.trim();
                if key.is_empty() {
                    return Err(Error::Config("the API key is blank".into()));
                }
                let mut value = HeaderValue::from_str(key)
                    .map_err(|_| Error::Config("the API key is not a valid header value".into()))?;
                value.set_sensitive(is_secret_header(HEADER_X_API_KEY));
                Auth::ApiKey(value)
            }
            (None, None) => Auth::None,
        };
        if self.connect_timeout.is_zero() || self.ack_timeout.is_zero() {
            return Err(Error::Config("timeouts must be longer than zero".into()));
        }
        if self.buffer_capacity == 0 {
            return Err(Error::Config(
                "the buffer capacity must be at least 1".into(),
            ));
        }
        if self.buffer_bytes == 0 || self.max_message_size == 0 || self.max_frame_size == 0 {
            return Err(Error::Config(
                "byte limits (buffer, message, frame) must be at least 1".into(),
            ));
        }
        if self.max_frame_size > self.max_message_size {
            return Err(Error::Config(
                "the frame size limit cannot exceed the message size limit".into(),
            ));
        }
        Ok(Config {
            tls: Tls::new(endpoint.secure)?,
            endpoint,
            auth,
            clock: self.clock,
            reconnect: self.reconnect,
            connect_timeout: self.connect_timeout,
            ack_timeout: self.ack_timeout,
            subscribe_mode: self.subscribe_mode,
            keep_unacknowledged: self.keep_unacknowledged,
            buffer_capacity: self.buffer_capacity,
            buffer_bytes: self.buffer_bytes,
            max_message_size: self.max_message_size,
            max_frame_size: self.max_frame_size,
        })
    }
}

impl fmt::Debug for WsClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WsClientBuilder")
            .field("url", &self.url)
            .field("hmac_credentials", &self.hmac)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("clock", &self.clock)
            .field("reconnect", &self.reconnect)
            .field("connect_timeout", &self.connect_timeout)
            .field("ack_timeout", &self.ack_timeout)
            .field("subscribe_mode", &self.subscribe_mode)
            .field("keep_unacknowledged", &self.keep_unacknowledged)
            .field("buffer_capacity", &self.buffer_capacity)
            .field("buffer_bytes", &self.buffer_bytes)
            .field("max_message_size", &self.max_message_size)
            .field("max_frame_size", &self.max_frame_size)
            .finish()
    }
}

/// Where to connect: the full URL and the path and query it requests
/// (what the signature covers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Endpoint {
    pub(crate) url: String,
    pub(crate) path_and_query: String,
    pub(crate) secure: bool,
}

impl Endpoint {
    pub(crate) fn parse(base: &str) -> Result<Self, Error> {
        let mut url = url::Url::parse(base.trim())
            .map_err(|e| Error::Config(format!("the URL {base:?} does not parse: {e}")))?;
        let scheme = match url.scheme() {
            "ws" | "http" => "ws",
            "wss" | "https" => "wss",
            other => {
                return Err(Error::Config(format!(
                    "the URL scheme {other:?} is not ws, wss, http or https"
                )));
            }
        };
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::Config(format!(
                "the URL {base:?} has a query or fragment; give the server's base URL"
            )));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::Config("the URL must not carry credentials".into()));
        }
        if url.host_str().is_none() {
            return Err(Error::Config(format!("the URL {base:?} has no host")));
        }
        url.set_scheme(scheme)
            .map_err(|()| Error::Config(format!("cannot use {scheme} for {base:?}")))?;
        let prefix = url.path().trim_end_matches('/');
        let path_and_query = format!("{prefix}{SOCKET_PATH}");
        let full = format!("{}{path_and_query}", &url[..url::Position::BeforePath]);
        Ok(Self {
            url: full,
            path_and_query,
            secure: scheme == "wss",
        })
    }
}

/// How handshakes authenticate.
pub(crate) enum Auth {
    Hmac(Signer),
    ApiKey(HeaderValue),
    None,
}

/// A built configuration, shared by the client and its task.
pub(crate) struct Config {
    pub(crate) endpoint: Endpoint,
    pub(crate) auth: Auth,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) reconnect: ReconnectPolicy,
    pub(crate) connect_timeout: Duration,
    pub(crate) ack_timeout: Duration,
    pub(crate) subscribe_mode: SubscribeMode,
    pub(crate) keep_unacknowledged: bool,
    pub(crate) buffer_capacity: usize,
    pub(crate) buffer_bytes: usize,
    pub(crate) max_message_size: usize,
    pub(crate) max_frame_size: usize,
    pub(crate) tls: Tls,
}

impl Config {
    /// Whether the connection authenticates (HMAC or API key).
    pub(crate) fn has_credentials(&self) -> bool {
        !matches!(self.auth, Auth::None)
    }

    /// The upgrade request, signed now with the configured clock: each
    /// connection attempt calls this again for a fresh timestamp.
    pub(crate) fn handshake_request(&self) -> Result<Request, Error> {
        let mut request = self
            .endpoint
            .url
            .as_str()
            .into_client_request()
            .map_err(Error::from)?;
        let headers = request.headers_mut();
        headers.insert(USER_AGENT, HeaderValue::from_static(SDK_ID));
        headers.insert(HEADER_SDK_VERSION, HeaderValue::from_static(SDK_ID));
        match &self.auth {
            Auth::Hmac(signer) => {
                let timestamp =
                    Timestamp::from_system_time(self.clock.now()).map_err(Error::Credentials)?;
                let signed = signer.sign(&SigningInput {
                    timestamp: &timestamp,
                    method: "GET",
                    path_and_query: &self.endpoint.path_and_query,
                    body: b"",
                });
                for (name, value) in &signed {
                    // Token ids are visible ASCII (checked by Signer::new);
                    // timestamps and base64 signatures are too.
                    let mut value = HeaderValue::from_str(value)
                        .map_err(|_| Error::Config(format!("{name} is not a header value")))?;
                    value.set_sensitive(SignedHeaders::is_sensitive(name));
                    headers.insert(name, value);
                }
            }
            Auth::ApiKey(key) => {
                headers.insert(HEADER_X_API_KEY, key.clone());
            }
            Auth::None => {}
        }
        Ok(request)
    }

    /// The upgrade request without its credential headers (`lmts-*`,
    /// `x-api-key`, `identity`), and those headers apart, as the raw header lines the
    /// socket adds on the wire: tungstenite logs the request it writes at
    /// trace level, so it must never see them.
    pub(crate) fn handshake(&self) -> Result<(Request, Secret), Error> {
        let mut request = self.handshake_request()?;
        let headers = request.headers_mut();
        let names: Vec<_> = headers
            .keys()
            .filter(|name| is_credential(name.as_str()))
            .cloned()
            .collect();
        let mut lines = Vec::new();
        for name in names {
            let values: Vec<HeaderValue> = headers.get_all(&name).iter().cloned().collect();
            headers.remove(&name);
            for value in values {
                lines.extend_from_slice(name.as_str().as_bytes());
                lines.extend_from_slice(b": ");
                lines.extend_from_slice(value.as_bytes());
                lines.extend_from_slice(b"\r\n");
            }
        }
        Ok((request, Secret::from_lines(lines)))
    }

    /// The frame and message limits of the WebSocket.
    pub(crate) fn limits(&self) -> WebSocketConfig {
        WebSocketConfig::default()
            .max_frame_size(Some(self.max_frame_size))
            .max_message_size(Some(self.max_message_size))
    }
}

/// Whether a handshake header carries a credential: one the API names as
/// such ([`CREDENTIAL_HEADERS`]), or any other in its `lmts-` namespace.
fn is_credential(name: &str) -> bool {
    name.starts_with("lmts-")
        || CREDENTIAL_HEADERS
            .iter()
            .any(|credential| name.eq_ignore_ascii_case(credential))
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let auth = match &self.auth {
            Auth::Hmac(signer) => format!("hmac({})", signer.token_id()),
            Auth::ApiKey(_) => "api key <redacted>".into(),
            Auth::None => "none".into(),
        };
        f.debug_struct("Config")
            .field("url", &self.endpoint.url)
            .field("auth", &auth)
            .field("clock", &self.clock)
            .field("reconnect", &self.reconnect)
            .field("connect_timeout", &self.connect_timeout)
            .field("ack_timeout", &self.ack_timeout)
            .field("subscribe_mode", &self.subscribe_mode)
            .field("keep_unacknowledged", &self.keep_unacknowledged)
            .field("buffer_capacity", &self.buffer_capacity)
            .field("buffer_bytes", &self.buffer_bytes)
            .field("max_message_size", &self.max_message_size)
            .field("max_frame_size", &self.max_frame_size)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use limitless_auth::{FixedClock, VerificationRequest, Verifier};

    use super::*;

    fn endpoint(base: &str) -> Endpoint {
        Endpoint::parse(base).unwrap_or_else(|e| panic!("{base}: {e}"))
    }

    #[test]
    fn base_urls_become_the_socket_endpoint() {
        for (base, url, path) in [
            (
                "wss://ws.limitless.exchange",
                "wss://ws.limitless.exchange/socket.io/?EIO=4&transport=websocket",
                "/socket.io/?EIO=4&transport=websocket",
            ),
            (
                "https://ws.limitless.exchange/",
                "wss://ws.limitless.exchange/socket.io/?EIO=4&transport=websocket",
                "/socket.io/?EIO=4&transport=websocket",
            ),
            (
                "http://127.0.0.1:8080",
                "ws://127.0.0.1:8080/socket.io/?EIO=4&transport=websocket",
                "/socket.io/?EIO=4&transport=websocket",
            ),
            (
                "ws://localhost:9/api/",
                "ws://localhost:9/api/socket.io/?EIO=4&transport=websocket",
                "/api/socket.io/?EIO=4&transport=websocket",
            ),
        ] {
            let e = endpoint(base);
            assert_eq!(e.url, url, "{base}");
            assert_eq!(e.path_and_query, path, "{base}");
        }
        assert!(endpoint("https://x").secure && !endpoint("http://x").secure);
    }

    #[test]
    fn unusable_urls_are_refused() {
        for base in [
            "ftp://x",
            "not a url",
            "wss://x/?a=1",
            "wss://x/#f",
            "wss://user:pw@x",
        ] {
            assert!(
                matches!(Endpoint::parse(base), Err(Error::Config(_))),
                "{base}"
            );
        }
    }

    #[test]
    fn the_handshake_is_signed_over_get_and_the_requested_path() {
        let clock = Arc::new(FixedClock::from_unix_millis(1_774_269_296_789));
        let credentials = HmacCredentials::new("tok", "c3VwZXItc2VjcmV0LWtleQ==");
        let config = WsClientBuilder::default()
            .url("http://127.0.0.1:1")
            .hmac_credentials(credentials.clone())
            .api_key("ignored")
            .clock(clock.clone())
            .build()
            .unwrap();
        let request = config.handshake_request().unwrap();
        let header = |name: &str| {
            request
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
        };
        assert_eq!(header("lmts-api-key").as_deref(), Some("tok"));
        assert_eq!(
            header("lmts-timestamp").as_deref(),
            Some("2026-03-23T12:34:56.789Z")
        );
        assert!(request.headers()["lmts-signature"].is_sensitive());
        assert_eq!(header("x-api-key"), None);
        assert_eq!(header("user-agent").as_deref(), Some(SDK_ID));
        assert_eq!(header("x-sdk-version").as_deref(), Some(SDK_ID));
        assert_eq!(
            request.uri().to_string(),
            "ws://127.0.0.1:1/socket.io/?EIO=4&transport=websocket"
        );

        let keys = |id: &str| (id == "tok").then(|| Signer::new(&credentials).unwrap());
        let verify = |request: &Request| {
            Verifier::default().verify(
                &VerificationRequest {
                    api_key: request
                        .headers()
                        .get("lmts-api-key")
                        .and_then(|v| v.to_str().ok()),
                    timestamp: request
                        .headers()
                        .get("lmts-timestamp")
                        .and_then(|v| v.to_str().ok()),
                    signature: request
                        .headers()
                        .get("lmts-signature")
                        .and_then(|v| v.to_str().ok()),
                    method: "GET",
                    path_and_query: request.uri().path_and_query().unwrap().as_str(),
                    body: b"",
                },
                &keys,
                clock.now(),
            )
        };
        assert_eq!(verify(&request), Ok("tok".to_owned()));
        // A later connection is signed afresh.
        clock.advance(Duration::from_secs(7));
        let again = config.handshake_request().unwrap();
        assert_eq!(
            again.headers()["lmts-timestamp"],
            "2026-03-23T12:35:03.789Z"
        );
        assert_eq!(verify(&again), Ok("tok".to_owned()));
    }

    #[test]
    fn the_request_given_to_tungstenite_carries_no_credential() {
        let config = WsClientBuilder::default()
            .hmac_credentials(HmacCredentials::new("tok", "c2VjcmV0"))
            .build()
            .unwrap();
        let (request, secret) = config.handshake().unwrap();
        let names: Vec<&str> = request.headers().keys().map(|n| n.as_str()).collect();
        assert!(!names.iter().any(|n| n.starts_with("lmts-")), "{names:?}");
        assert!(names.contains(&"user-agent"));
        let lines = String::from_utf8(secret.expose().to_vec()).unwrap();
        assert!(lines.contains("lmts-api-key: tok\r\n"), "{lines}");
        assert!(lines.contains("lmts-signature: "));
        assert!(lines.contains("lmts-timestamp: "));
        assert_eq!(format!("{secret:?}"), "<redacted>");

        let config = WsClientBuilder::default().api_key("k-1").build().unwrap();
        let (request, secret) = config.handshake().unwrap();
        assert!(request.headers().get(HEADER_X_API_KEY).is_none());
        assert_eq!(secret.expose(), b"x-api-key: k-1\r\n");
    }

    #[test]
    fn an_api_key_without_hmac_is_sent_as_x_api_key() {
        let config = WsClientBuilder::default()
            .url("http://127.0.0.1:1")
            .api_key("lmts_key")
            .build()
            .unwrap();
        let request = config.handshake_request().unwrap();
        assert_eq!(request.headers()["x-api-key"], "lmts_key");
        assert!(request.headers()["x-api-key"].is_sensitive());
        assert!(request.headers().get("lmts-signature").is_none());
        let public = WsClientBuilder::default()
            .url("http://127.0.0.1:1")
            .build()
            .unwrap()
            .handshake_request()
            .unwrap();
        assert!(public.headers().get("x-api-key").is_none());
        assert!(public.headers().get("lmts-api-key").is_none());
    }

    #[test]
    fn settings_that_cannot_work_are_refused_before_connecting() {
        let bad_secret = WsClientBuilder::default()
            .hmac_credentials(HmacCredentials::new("tok", "not base64!"))
            .build();
        assert!(matches!(bad_secret, Err(Error::Credentials(_))));
        assert!(matches!(
            WsClientBuilder::default().api_key("  ").build(),
            Err(Error::Config(_))
        ));
        assert!(matches!(
            WsClientBuilder::default().buffer_capacity(0).build(),
            Err(Error::Config(_))
        ));
        assert!(matches!(
            WsClientBuilder::default()
                .ack_timeout(Duration::ZERO)
                .build(),
            Err(Error::Config(_))
        ));
    }

    #[test]
    fn debug_never_shows_secrets() {
        let builder = WsClientBuilder::default()
            .hmac_credentials(HmacCredentials::new("tok", "c3VwZXItc2VjcmV0LWtleQ=="))
            .api_key("lmts_key_secret");
        let shown = format!("{builder:?}");
        assert!(shown.contains("tok"), "{shown}");
        assert!(!shown.contains("c3VwZXItc2VjcmV0LWtleQ=="), "{shown}");
        assert!(!shown.contains("lmts_key_secret"), "{shown}");
        let config = builder.build().unwrap();
        let shown = format!("{config:?}");
        assert!(
            shown.contains("hmac(tok)") && !shown.contains("c3Vw"),
            "{shown}"
        );
    }

    #[test]
    fn jittered_waits_stay_between_the_step_and_the_cap() {
        let policy = ReconnectPolicy::new().max_delay(Duration::from_secs(5));
        let cap = Duration::from_secs(5);
        for (n, wait) in policy.delays().take(8).enumerate() {
            let step = Duration::from_secs(1 << n).min(cap);
            assert!(wait >= step && wait <= (step * 2).min(cap), "{n}: {wait:?}");
        }
        assert_eq!(ReconnectPolicy::never().delays().count(), 0);
    }
}
