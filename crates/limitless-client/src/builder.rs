//! [`ClientBuilder`]: validated client configuration.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::uri::{Authority, Scheme};
use http::{HeaderMap, HeaderName, HeaderValue, Uri};
use limitless_auth::{CREDENTIAL_HEADERS, HmacCredentials};
use limitless_transport::{SharedTransport, Transport, default_connect_timeout};
use url::Url;

use crate::clock::SkewCorrectedClock;
use crate::credentials::{CredentialStore, Credentials, api_key_value, hmac_for};
use crate::error::Error;
use crate::http_client::{DateCache, HttpClient, Inner, Timeouts};
use crate::pacer::{Pace, Pacers, RateLimit};
use crate::retry::{NoRetry, RetryConfig, RetryPolicy};
use crate::venues::VenueCache;
use limitless_auth::{Clock, SystemClock};

/// The production API.
pub const DEFAULT_BASE_URL: &str = "https://api.limitless.exchange";

/// Environment variable that, when set and not blank, replaces
/// [`DEFAULT_BASE_URL`] for builders (and [`Client::new`](crate::Client::new))
/// that are not given a [`base_url`](ClientBuilder::base_url), as the
/// official Python SDK does. Point it at a sandbox to run unchanged code
/// offline.
pub const ENV_API_URL: &str = "LIMITLESS_API_URL";

/// The base URL a builder starts from: `LIMITLESS_API_URL`, else production.
fn default_base_url() -> String {
    std::env::var(ENV_API_URL)
        .ok()
        .filter(|url| !url.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned())
}

/// Environment variable with the scoped API token's id (this SDK's name).
pub const ENV_TOKEN_ID: &str = "LIMITLESS_API_TOKEN_ID";
/// Environment variable with the scoped API token's base64 secret (this
/// SDK's name).
pub const ENV_TOKEN_SECRET: &str = "LIMITLESS_API_SECRET";
/// The token id under the name the official tutorials use (PROTOCOL §7.7).
pub const ENV_LMTS_TOKEN_ID: &str = "LMTS_TOKEN_ID";
/// The secret under the name the official tutorials use.
pub const ENV_LMTS_TOKEN_SECRET: &str = "LMTS_TOKEN_SECRET";

/// Where [`hmac_credentials_from_vars`] looks for the token, as (id,
/// secret) pairs in order of precedence: this SDK's names first, then the
/// official tutorials' `LMTS_TOKEN_ID` / `LMTS_TOKEN_SECRET`.
pub const ENV_TOKEN_PAIRS: [(&str, &str); 2] = [
    (ENV_TOKEN_ID, ENV_TOKEN_SECRET),
    (ENV_LMTS_TOKEN_ID, ENV_LMTS_TOKEN_SECRET),
];

/// Reads the scoped API token from variables looked up with `lookup`
/// (`std::env::var` for the process environment; a map for a config file
/// or a test).
///
/// The id and the secret are one pair and come from the same pair of
/// names: the first pair of [`ENV_TOKEN_PAIRS`] with either name set
/// (blank counts as unset) is used and the later ones are not read, so an
/// id from one convention is never signed with a secret from another.
/// `Ok(None)` when no pair is set.
///
/// # Errors
///
/// [`Error::Config`] when only half of the chosen pair is set; the message
/// names the variables, never a value.
pub fn hmac_credentials_from_vars(
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<Option<HmacCredentials>, Error> {
    let get = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
    for (id_name, secret_name) in ENV_TOKEN_PAIRS {
        match (get(id_name), get(secret_name)) {
            (None, None) => {}
            (Some(token_id), Some(secret)) => {
                return Ok(Some(HmacCredentials::new(token_id, secret)));
            }
            (token_id, _) => {
                let (set, unset) = if token_id.is_some() {
                    (id_name, secret_name)
                } else {
                    (secret_name, id_name)
                };
                return Err(Error::config(format!(
                    "{set} is set but {unset} is not: the token id and secret are one pair"
                )));
            }
        }
    }
    Ok(None)
}

// One home for the timeout defaults: the transport's are the client's. The
// connect timeout applies unless `ClientBuilder::connect_timeout` says
// otherwise (a total timeout under twice as long halves it); the attempt
// deadline, enforced by the client whatever the transport, unless
// `ClientBuilder::timeout` does.
pub use limitless_transport::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT};

/// Headers the client sets itself; a default header may not replace them.
const SDK_HEADERS: &[&str] = &[
    "user-agent",
    "x-sdk-version",
    "accept",
    "content-type",
    "content-length",
    "host",
];

/// Headers that carry another service's credentials: never sent to the API
/// at all. The API's own ([`CREDENTIAL_HEADERS`]) the client sends from
/// `hmac_credentials()`, `api_key()` or a call's identity token, never as
/// default headers; every `lmts-*` name is reserved too.
const FOREIGN_CREDENTIAL_HEADERS: &[&str] = &["authorization", "cookie"];

/// Whether `name` (lower case, as `HeaderName` keeps it) carries credentials.
fn is_credential(name: &str) -> bool {
    CREDENTIAL_HEADERS.contains(&name)
        || FOREIGN_CREDENTIAL_HEADERS.contains(&name)
        || name.starts_with("lmts-")
}

/// Headers that belong to one call (the EOA ownership proof of an account
/// creation, the sub-account a request acts for).
const PER_CALL_HEADERS: &[&str] = &["x-account", "x-signing-message", "x-signature"];

/// Why a header name is refused on a request of the escape hatch
/// ([`crate::RequestBuilder::header`]): credentials and the client's own
/// headers only; per-call headers are what it is for.
pub(crate) fn reserved_per_call(name: &HeaderName) -> Option<&'static str> {
    let name = name.as_str();
    if is_credential(name) {
        Some(
            "carries credentials; the client signs the request with its own, and an identity token goes to identity_token()",
        )
    } else if SDK_HEADERS.contains(&name) {
        Some("is set by the client itself")
    } else {
        None
    }
}

/// Why a default header name is refused, if it is.
fn reserved(name: &HeaderName) -> Option<&'static str> {
    let name = name.as_str();
    if is_credential(name) {
        Some(
            "carries credentials; pass them with hmac_credentials() or api_key(), and identity tokens to the calls that take one",
        )
    } else if PER_CALL_HEADERS.contains(&name) {
        Some("belongs to one call; pass an EoaOwnershipProof to partner_accounts.create_account")
    } else if name == "x-on-behalf-of" {
        Some(
            "selects a sub-account per call; pass on_behalf_of to the calls that act for one (the API refuses it on some routes)",
        )
    } else if SDK_HEADERS.contains(&name) {
        Some("is set by the client itself")
    } else {
        None
    }
}

/// Configures an [`HttpClient`].
///
/// ```no_run
/// use limitless_client::{Client, HmacCredentials};
///
/// # fn main() -> Result<(), limitless_client::Error> {
/// let http = Client::builder()
///     .base_url("https://api.limitless.exchange")
///     .hmac_credentials(HmacCredentials {
///         token_id: "tok_123".to_string(),
///         secret: "c3VwZXItc2VjcmV0LWtleQ==".to_string(),
///     })
///     .build()?;
/// let client = Client::from_http_client(http)?;
/// # let _ = client; Ok(()) }
/// ```
#[must_use = "a builder does nothing until build() is called"]
pub struct ClientBuilder {
    base_url: String,
    hmac: Option<HmacCredentials>,
    api_key: Option<String>,
    transport: Option<SharedTransport>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    default_headers: Vec<(String, String)>,
    /// `None`: the system clock.
    clock: Option<Arc<dyn Clock>>,
    /// `None`: on for the system clock, off for a clock you set.
    skew_correction: Option<bool>,
    retry: Arc<dyn RetryPolicy>,
    /// `None`: no client-side rate limit.
    rate_limit: Option<RateLimit>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: default_base_url(),
            hmac: None,
            api_key: None,
            transport: None,
            timeout: None,
            connect_timeout: None,
            default_headers: Vec::new(),
            clock: None,
            skew_correction: None,
            retry: Arc::new(RetryConfig::default()),
            rate_limit: Some(RateLimit::default()),
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("hmac", &self.hmac)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("transport", &self.transport)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field(
                "default_headers",
                &self
                    .default_headers
                    .iter()
                    .map(|(n, _)| n)
                    .collect::<Vec<_>>(),
            )
            .field("clock", &self.clock)
            .field("skew_correction", &self.skew_correction)
            .field("retry", &self.retry)
            .field("rate_limit", &self.rate_limit)
            .finish()
    }
}

impl ClientBuilder {
    /// A builder for the production API (or `LIMITLESS_API_URL`, see
    /// [`ENV_API_URL`]) with no credentials.
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder configured from the process environment: the base URL
    /// from [`ENV_API_URL`] (else production) and the scoped API token
    /// from [`hmac_credentials_from_vars`]: `LIMITLESS_API_TOKEN_ID` /
    /// `LIMITLESS_API_SECRET`, else the official tutorials'
    /// `LMTS_TOKEN_ID` / `LMTS_TOKEN_SECRET`, else none. Anything set on
    /// the builder afterwards replaces what the environment gave.
    ///
    /// # Errors
    ///
    /// As [`hmac_credentials_from_vars`].
    pub fn from_env() -> Result<Self, Error> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// As [`from_env`](Self::from_env), reading the variables with
    /// `lookup` instead of from the process environment.
    ///
    /// # Errors
    ///
    /// As [`hmac_credentials_from_vars`].
    pub fn from_vars(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let mut builder = Self::new();
        if let Some(url) = lookup(ENV_API_URL).filter(|url| !url.trim().is_empty()) {
            builder = builder.base_url(url);
        }
        if let Some(credentials) = hmac_credentials_from_vars(lookup)? {
            builder = builder.hmac_credentials(credentials);
        }
        Ok(builder)
    }

    /// The API base URL (default [`DEFAULT_BASE_URL`], or the
    /// [`ENV_API_URL`] variable when set). It must be `http` or
    /// `https` without query or fragment; a path prefix (`https://host/api`)
    /// is kept and is part of the signed path.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Signs every request (except identity-token calls) with a scoped API
    /// token. The secret is decoded once, in [`build`](Self::build).
    pub fn hmac_credentials(mut self, credentials: HmacCredentials) -> Self {
        self.hmac = Some(credentials);
        self
    }

    /// A legacy API key, sent as `X-API-Key` when no HMAC credentials are set.
    /// Operations that require HMAC reject it.
    pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
        self.api_key = Some(api_key.into());
        self
    }

    /// Sends requests through `transport` instead of the default one.
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.transport = Some(SharedTransport::new(transport));
        self
    }

    /// The deadline of each HTTP attempt, from handing the request to the
    /// transport to the last byte of the body (default [`DEFAULT_TIMEOUT`]).
    ///
    /// The client enforces it on every transport, yours included, so a call
    /// never hangs: a server that never answers, a body that stalls or a
    /// transport that never completes fails the attempt with a
    /// [`Timeout`](crate::TransportErrorKind::Timeout) transport error that
    /// counts as possibly sent (an order then ends in
    /// [`Error::OutcomeUnknown`]). The default transport also gets it as its
    /// own total timeout; a transport you pass keeps its own settings, and
    /// this is only the client's deadline around it.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The connect timeout of the default transport (default
    /// [`DEFAULT_CONNECT_TIMEOUT`], or half the [`timeout`](Self::timeout)
    /// when that is shorter). It must be shorter than the total timeout,
    /// which also covers connecting. A connect timeout means nothing was
    /// sent. With your own [`transport`](Self::transport), configure
    /// connecting there: [`build`](Self::build) rejects this setting.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// A header added to every request. [`build`](Self::build) rejects the
    /// names the client reserves: credentials (`authorization`, `cookie`,
    /// `identity`, `x-api-key`, every `lmts-*`), per-call headers
    /// (`x-account`, `x-signing-message`, `x-signature`, `x-on-behalf-of`)
    /// and the SDK's own (`user-agent`, `x-sdk-version`, `accept`,
    /// `content-type`, `content-length`, `host`). Values are never shown by
    /// `Debug`, only names.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// The clock used for HMAC timestamps, order salts and receive windows
    /// (default [`SystemClock`]). A clock you set is trusted as it is: skew
    /// correction stays off unless you turn it on with
    /// [`clock_skew_correction`](Self::clock_skew_correction).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Whether to correct for a difference between the local clock and the
    /// server's (default: on with the system clock, off with a clock set by
    /// [`clock`](Self::clock)).
    ///
    /// When on, the client learns the server's offset from the `Date` header
    /// of every response (taking the server's time at the midpoint between
    /// sending and receiving), signs with the corrected time, and a read
    /// rejected with 401 whose `Date` shows the signature's timestamp was
    /// outside the API's 30 s window is sent once more with the corrected
    /// time. The offset is [`HttpClient::clock_offset`].
    pub fn clock_skew_correction(mut self, enabled: bool) -> Self {
        self.skew_correction = Some(enabled);
        self
    }

    /// The retry policy (default [`RetryConfig::default`]). Whatever it
    /// decides, a request that is not idempotent is never sent again once it
    /// may have reached the server, and `425 Too Early` is never repeated.
    pub fn retry_policy(mut self, policy: impl RetryPolicy) -> Self {
        self.retry = Arc::new(policy);
        self
    }

    /// The default retry policy with your settings.
    pub fn retry_config(self, config: RetryConfig) -> Self {
        self.retry_policy(config)
    }

    /// Never retry ([`NoRetry`]). The clock-skew retry of
    /// [`clock_skew_correction`](Self::clock_skew_correction) is separate.
    pub fn no_retries(self) -> Self {
        self.retry_policy(NoRetry)
    }

    /// The client-side rate limit (default [`RateLimit::default`]: the
    /// API's 2 requests in flight and 300 ms between calls, per API token,
    /// with a 10 ms margin on the spacing).
    /// Every clone of the built client shares it; every attempt, retries
    /// included, waits for its turn.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// No client-side rate limit: requests start as soon as they are made.
    /// For a client whose calls something else paces, or a server without
    /// the API's limits (a test double). The API still answers 429 beyond
    /// its limits.
    pub fn no_rate_limit(mut self) -> Self {
        self.rate_limit = None;
        self
    }

    /// Validates the configuration and builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for a bad base URL, default header or API key, a
    /// connect timeout combined with a custom transport, a zero timeout, or
    /// no transport available;
    /// [`Error::Credentials`] when the HMAC secret cannot be decoded.
    pub fn build(self) -> Result<HttpClient, Error> {
        let (origin, prefix) = parse_base_url(&self.base_url)?;
        let credentials = Credentials {
            hmac: self.hmac.as_ref().map(hmac_for).transpose()?,
            api_key: self.api_key.as_deref().map(api_key_value).transpose()?,
        };
        let default_headers = default_headers(&self.default_headers)?;
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        if timeout.is_zero() {
            return Err(Error::config(format!(
                "timeout must be longer than zero; leave it unset for the default {} s",
                DEFAULT_TIMEOUT.as_secs()
            )));
        }
        let (transport, connect_timeout) = match self.transport {
            Some(transport) => {
                if self.connect_timeout.is_some() {
                    return Err(Error::config(
                        "connect_timeout applies only to the default transport; configure connecting on the transport you pass to transport() (timeout() still sets the client's deadline)",
                    ));
                }
                (transport, None)
            }
            None => {
                let timeouts = Timeouts {
                    connect: self
                        .connect_timeout
                        .unwrap_or_else(|| default_connect_timeout(timeout)),
                    total: timeout,
                };
                (default_transport(timeouts)?, Some(timeouts.connect))
            }
        };
        let skew_correction = self.skew_correction.unwrap_or(self.clock.is_none());
        let clock = self.clock.unwrap_or_else(|| Arc::new(SystemClock));
        let skew = Arc::new(SkewCorrectedClock::new(clock, skew_correction));
        let (scheme, authority) = origin_parts(&origin)?;
        Ok(HttpClient::from_inner(Inner {
            origin,
            scheme,
            authority,
            prefix,
            transport,
            credentials: CredentialStore::new(credentials),
            default_headers,
            clock: skew.clone(),
            skew,
            retry: self.retry,
            venues: VenueCache::default(),
            pacers: Pacers::new(Pace::PACKS),
            limiter: self
                .rate_limit
                .map(|limit| (limit, Pacers::new(Pace::rate_limit(limit)))),
            dates: DateCache::default(),
            timeout,
            connect_timeout,
        }))
    }
}

/// The scheme and authority of `scheme://host[:port]`, for building request
/// URIs without parsing them again.
fn origin_parts(origin: &str) -> Result<(Scheme, Authority), Error> {
    let unusable = || Error::config(format!("base_url's origin `{origin}` is not a valid URI"));
    let uri: Uri = origin.parse().map_err(|_| unusable())?;
    let parts = uri.into_parts();
    match (parts.scheme, parts.authority) {
        (Some(scheme), Some(authority)) => Ok((scheme, authority)),
        _ => Err(unusable()),
    }
}

fn parse_base_url(base_url: &str) -> Result<(String, String), Error> {
    let url = Url::parse(base_url.trim()).map_err(|e| {
        Error::config(format!(
            "base_url is not a valid absolute URL ({e}); expected e.g. {DEFAULT_BASE_URL}"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::config(format!(
            "base_url must use http or https, not `{}`",
            url.scheme()
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::config(
            "base_url must not contain a user name or password; pass credentials with hmac_credentials() or api_key()",
        ));
    }
    if url.query().is_some() {
        return Err(Error::config(
            "base_url must not have a query string; remove everything from `?`",
        ));
    }
    if url.fragment().is_some() {
        return Err(Error::config(
            "base_url must not have a fragment; remove everything from `#`",
        ));
    }
    let origin = url.origin().ascii_serialization();
    let prefix = url.path().trim_end_matches('/').to_owned();
    Ok((origin, prefix))
}

fn default_headers(pairs: &[(String, String)]) -> Result<HeaderMap, Error> {
    let mut headers = HeaderMap::new();
    for (name, value) in pairs {
        let header_name = HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| {
            Error::config(format!(
                "default header name `{name}` is not a valid HTTP header name"
            ))
        })?;
        if let Some(why) = reserved(&header_name) {
            return Err(Error::config(format!(
                "default header `{header_name}` is reserved: it {why}"
            )));
        }
        let header_value = HeaderValue::from_str(value).map_err(|_| {
            Error::config(format!(
                "the value of default header `{header_name}` contains characters that are not allowed in an HTTP header"
            ))
        })?;
        headers.append(header_name, header_value);
    }
    Ok(headers)
}

#[cfg(feature = "reqwest")]
fn default_transport(timeouts: Timeouts) -> Result<SharedTransport, Error> {
    let transport = limitless_transport::ReqwestTransport::builder()
        .connect_timeout(timeouts.connect)
        .timeout(timeouts.total)
        .build()
        .map_err(|source| Error::Config {
            message: "the default reqwest transport could not be created".to_owned(),
            source: Some(Box::new(source)),
        })?;
    Ok(SharedTransport::new(transport))
}

#[cfg(all(feature = "hyper", not(feature = "reqwest")))]
fn default_transport(timeouts: Timeouts) -> Result<SharedTransport, Error> {
    let transport = limitless_transport::HyperTransport::builder()
        .connect_timeout(timeouts.connect)
        .timeout(timeouts.total)
        .build()
        .map_err(|source| Error::Config {
            message: "the default hyper transport could not be created".to_owned(),
            source: Some(Box::new(source)),
        })?;
    Ok(SharedTransport::new(transport))
}

#[cfg(not(any(feature = "reqwest", feature = "hyper")))]
fn default_transport(_timeouts: Timeouts) -> Result<SharedTransport, Error> {
    Err(Error::config(
        "no transport: enable the `reqwest` or `hyper` feature of limitless-client, or pass one with ClientBuilder::transport()",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_rules() {
        assert_eq!(
            parse_base_url("https://api.limitless.exchange").unwrap(),
            ("https://api.limitless.exchange".to_owned(), String::new())
        );
        assert_eq!(
            parse_base_url("http://127.0.0.1:8080/api/v1/").unwrap(),
            ("http://127.0.0.1:8080".to_owned(), "/api/v1".to_owned())
        );
        assert_eq!(
            parse_base_url("https://api.limitless.exchange:443/").unwrap(),
            ("https://api.limitless.exchange".to_owned(), String::new())
        );
        for bad in [
            "ftp://api.limitless.exchange",
            "api.limitless.exchange",
            "https://api.limitless.exchange/?x=1",
            "https://api.limitless.exchange/#frag",
            "",
        ] {
            assert!(
                matches!(parse_base_url(bad), Err(Error::Config { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn base_url_with_credentials_is_rejected_without_echoing_them() {
        let error =
            parse_base_url("https://user:hunter2-sentinel@api.limitless.exchange").unwrap_err();
        assert!(!error.to_string().contains("hunter2-sentinel"));
        assert!(!format!("{error:?}").contains("hunter2-sentinel"));
    }

    #[test]
    fn reserved_default_headers_are_rejected() {
        for (name, why) in [
            ("lmts-signature", "credentials"),
            ("LMTS-Anything", "credentials"),
            ("X-API-Key", "credentials"),
            ("identity", "credentials"),
            ("Authorization", "credentials"),
            ("cookie", "credentials"),
            ("x-account", "EoaOwnershipProof"),
            ("x-signing-message", "EoaOwnershipProof"),
            ("X-Signature", "EoaOwnershipProof"),
            ("x-on-behalf-of", "on_behalf_of"),
            ("User-Agent", "client itself"),
            ("content-type", "client itself"),
        ] {
            let error = default_headers(&[(name.to_owned(), "v".to_owned())]).unwrap_err();
            assert!(matches!(error, Error::Config { .. }), "{name}");
            let text = error.to_string();
            assert!(
                text.contains(&name.to_ascii_lowercase()) && text.contains(why),
                "{text}"
            );
        }
        let headers = default_headers(&[("x-partner".to_owned(), "acme".to_owned())]).unwrap();
        assert_eq!(headers["x-partner"], "acme");
        assert!(default_headers(&[("bad name".to_owned(), "v".to_owned())]).is_err());
        assert!(default_headers(&[("x-ok".to_owned(), "line\nbreak".to_owned())]).is_err());
    }

    #[test]
    fn blank_api_key_is_rejected_and_value_is_sensitive() {
        assert!(api_key_value("  ").is_err());
        let value = api_key_value("key-123").unwrap();
        assert!(value.is_sensitive());
    }
}
