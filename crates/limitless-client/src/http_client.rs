//! [`HttpClient`]: configuration plus the single send path every operation
//! goes through (sign per attempt → transport → classify → decode).

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use http::header::{ACCEPT, CONTENT_TYPE, DATE, USER_AGENT};
use http::uri::{Authority, PathAndQuery, Scheme};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use limitless_auth::{
    Clock, ClockOffset, DEFAULT_MAX_SKEW, HEADER_API_KEY, HEADER_IDENTITY, HEADER_SIGNATURE,
    HEADER_TIMESTAMP, HEADER_X_API_KEY, HmacCredentials, SignedHeaders, SigningInput, Timestamp,
};
use limitless_transport::{SharedTransport, Transport, TransportError};
use tracing::Instrument;
use tracing::field::Empty;

use crate::clock::SkewCorrectedClock;
use crate::credentials::{CredentialStore, Credentials, api_key_value, hmac_for};
use crate::error::{ApiError, Error, classify_refusal, excerpt, parse_api_error_message};
use crate::ops::finish::{Finisher, FullPath, api_error, contains, context};
use crate::ops::{Auth, Operation, RequestSpec};
use crate::pacer::{Pacers, RateLimit};
use crate::response::{ApiResponse, RawResponse};
use crate::retry::{
    Attempt, RetryDecision, RetryPolicy, effective_decision, response_date, retry_after,
};
use crate::venues::VenueCache;

/// `user-agent` and `x-sdk-version` of every request.
pub(crate) const SDK_ID: &str = concat!("limitless-rs/", env!("CARGO_PKG_VERSION"));

const HEADER_SDK_VERSION: &str = "x-sdk-version";

// Header names built at compile time, not parsed per request.
const SDK_VERSION: HeaderName = HeaderName::from_static(HEADER_SDK_VERSION);
const API_KEY: HeaderName = HeaderName::from_static(HEADER_API_KEY);
const TIMESTAMP: HeaderName = HeaderName::from_static(HEADER_TIMESTAMP);
const SIGNATURE: HeaderName = HeaderName::from_static(HEADER_SIGNATURE);
const X_API_KEY: HeaderName = HeaderName::from_static(HEADER_X_API_KEY);
const IDENTITY: HeaderName = HeaderName::from_static(HEADER_IDENTITY);
/// The headers the client sets on every request, besides authentication.
const SDK_HEADERS: usize = 4;

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
    /// `origin`'s scheme and authority, parsed once for every request URI.
    pub(crate) scheme: Scheme,
    pub(crate) authority: Authority,
    /// The base URL's path without a trailing `/` (empty for none).
    pub(crate) prefix: String,
    pub(crate) transport: SharedTransport,
    /// HMAC credentials and API key, replaceable while the client runs.
    pub(crate) credentials: CredentialStore,
    pub(crate) default_headers: HeaderMap,
    /// The configured clock, corrected by the learned server offset.
    pub(crate) skew: Arc<SkewCorrectedClock>,
    /// `skew` as the clock handed to users and services.
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) retry: Arc<dyn RetryPolicy>,
    pub(crate) venues: VenueCache,
    /// The last `Date` header read, to skip parsing the same text again.
    pub(crate) dates: DateCache,
    /// The client's deadline for each attempt, on any transport.
    pub(crate) timeout: Duration,
    /// The default transport's connect timeout (`None` for a custom transport).
    pub(crate) connect_timeout: Option<Duration>,
    /// Packs pacing, per credential, shared by every clone.
    pub(crate) pacers: Pacers,
    /// The rate limit of every request, per credential, shared by every
    /// clone; `None` when switched off.
    pub(crate) limiter: Option<(RateLimit, Pacers)>,
}

/// `Debug` of a header map by names only: values may be private.
struct HeaderNames<'a>(&'a HeaderMap);

impl fmt::Debug for HeaderNames<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.keys()).finish()
    }
}

/// The client's deadline for one attempt elapsed before the transport
/// finished: the source of the timeout error. The request may have been sent.
#[derive(Debug)]
struct DeadlineElapsed(Duration);

impl fmt::Display for DeadlineElapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no complete response within the client's {} ms deadline",
            self.0.as_millis()
        )
    }
}

impl std::error::Error for DeadlineElapsed {}

/// The connect and total timeouts of the default transport.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Timeouts {
    pub(crate) connect: Duration,
    pub(crate) total: Duration,
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("HttpClient")
            .field("base_url", &self.base_url())
            .field("credentials", &inner.credentials.snapshot())
            .field("default_headers", &HeaderNames(&inner.default_headers))
            .field("transport", &inner.transport)
            .field("clock", &inner.skew)
            .field("retry", &inner.retry)
            .field("timeout", &inner.timeout)
            .field("connect_timeout", &inner.connect_timeout)
            .field("rate_limit", &self.rate_limit())
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
    pub fn token_id(&self) -> Option<String> {
        let credentials = self.inner.credentials.snapshot();
        credentials
            .signer()
            .map(|signer| signer.token_id().to_owned())
    }

    /// Whether HMAC credentials are configured.
    pub fn has_hmac_credentials(&self) -> bool {
        self.inner.credentials.snapshot().hmac.is_some()
    }

    /// Whether a legacy API key is configured.
    pub fn has_api_key(&self) -> bool {
        self.inner.credentials.snapshot().api_key.is_some()
    }

    /// Replaces the HMAC credentials of this client and of every clone of
    /// it (every service of a [`Client`](crate::Client)), at once: a call
    /// that starts afterwards signs with the new ones; a call already
    /// running keeps signing every attempt with the credentials it started
    /// with. No lock is held across I/O. The API key, if any, stays.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] or [`Error::Credentials`], as
    /// [`ClientBuilder::hmac_credentials`](crate::ClientBuilder::hmac_credentials)
    /// would fail at build time; the current credentials then stay.
    pub fn set_hmac_credentials(&self, credentials: &HmacCredentials) -> Result<(), Error> {
        let hmac = hmac_for(credentials)?;
        self.inner.credentials.set_hmac(Some(hmac));
        Ok(())
    }

    /// Removes the HMAC credentials (calls then use the API key, if any).
    pub fn clear_hmac_credentials(&self) {
        self.inner.credentials.set_hmac(None);
    }

    /// Replaces (`Some`) or removes (`None`) the legacy API key, as
    /// [`set_hmac_credentials`](Self::set_hmac_credentials) replaces HMAC
    /// credentials.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for a blank key or one that is no valid header
    /// value; the current key then stays.
    pub fn set_api_key(&self, api_key: Option<&str>) -> Result<(), Error> {
        let value = api_key.map(api_key_value).transpose()?;
        self.inner.credentials.set_api_key(value);
        Ok(())
    }

    /// The clock the client signs with: the configured clock plus the
    /// learned [`clock_offset`](Self::clock_offset). Order salts and receive
    /// windows read it too. Hand a clone to the stream client
    /// (`limitless_ws::WsClientBuilder::clock`) so its socket handshakes
    /// are signed with the offset this client learned.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }

    /// How far the server's clock is ahead of the configured clock (negative:
    /// behind), as learned from the `Date` header of responses; zero before
    /// the first response and when skew correction is off.
    pub fn clock_offset(&self) -> ClockOffset {
        self.inner.skew.offset()
    }

    /// Whether the client learns the server's clock offset and signs with the
    /// corrected time (see
    /// [`ClientBuilder::clock_skew_correction`](crate::ClientBuilder::clock_skew_correction)).
    pub fn clock_skew_correction(&self) -> bool {
        self.inner.skew.is_enabled()
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &Arc<dyn RetryPolicy> {
        &self.inner.retry
    }

    /// The deadline of each attempt, enforced by the client whatever the
    /// transport (see [`ClientBuilder::timeout`](crate::ClientBuilder::timeout)).
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// The connect timeout of the default transport; `None` for a transport
    /// you passed (its own settings apply).
    pub fn connect_timeout(&self) -> Option<Duration> {
        self.inner.connect_timeout
    }

    /// The client-side rate limit, `None` when switched off (see
    /// [`ClientBuilder::rate_limit`](crate::ClientBuilder::rate_limit)).
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.inner.limiter.as_ref().map(|(limit, _)| *limit)
    }

    pub(crate) fn venues(&self) -> &VenueCache {
        &self.inner.venues
    }

    /// The exact request `operation` sends, signed at `now` with the
    /// current credentials, without sending it. Pass
    /// `self.clock().now()` to sign with the time the client would use.
    ///
    /// # Errors
    ///
    /// [`Error::AuthenticationRequired`] (or [`Error::InvalidInput`] for a
    /// legacy key where HMAC is required) when the credentials do not meet
    /// the operation's requirement; [`Error::Signing`] for a time the
    /// timestamp cannot express.
    pub fn sign<T>(
        &self,
        operation: &Operation<T>,
        now: SystemTime,
    ) -> Result<http::Request<Bytes>, Error> {
        let credentials = self.inner.credentials.snapshot();
        authorize(&operation.spec, &credentials)?;
        let target = self.target(&operation.spec)?;
        self.build_request(&operation.spec, &target, &credentials, now)
    }

    /// Checks, before any I/O, that the current credentials meet `auth`
    /// for an operation whose request is settled later (an order, whose
    /// market venue may have to be read first).
    pub(crate) fn authorize(&self, auth: &Auth, operation: &'static str) -> Result<(), Error> {
        authorize_auth(auth, operation, &self.inner.credentials.snapshot())
    }

    /// Sends `operation` through the one send path and finishes its
    /// answer (decoding, and what the operation does with it).
    pub(crate) async fn run<T>(&self, operation: Operation<T>) -> Result<ApiResponse<T>, Error> {
        let Operation { spec, finish, .. } = operation;
        let outcome = self.send(&spec).await;
        finish.apply(&self.finisher(), &spec, outcome)
    }

    /// The path and query a request of `spec` goes to (base URL prefix
    /// included), made once per call and shared by its attempts: a constant
    /// path under a base URL without a path takes no allocation.
    fn target(&self, spec: &RequestSpec) -> Result<PathAndQuery, Error> {
        let bytes = match (&spec.path, &spec.query) {
            (Cow::Borrowed(path), None) if self.inner.prefix.is_empty() => {
                Bytes::from_static(path.as_bytes())
            }
            _ => Bytes::from(spec.path_and_query_below(&self.inner.prefix)),
        };
        PathAndQuery::from_maybe_shared(bytes).map_err(|_| invalid_path(spec))
    }

    /// The path (base URL prefix included) as it appears in errors and
    /// traces, formatted only when shown.
    fn path_of<'a>(&'a self, spec: &'a RequestSpec) -> FullPath<'a> {
        self.finisher().path_of(spec)
    }

    /// What an operation's finish step may use of this client.
    fn finisher(&self) -> Finisher<'_> {
        Finisher {
            prefix: &self.inner.prefix,
            venues: &self.inner.venues,
        }
    }

    /// Builds one signed attempt of `spec` at time `now`. Pure: no I/O.
    ///
    /// Per request it allocates the path, the header map and the two
    /// time-dependent header values; everything else (scheme, authority,
    /// header names, the token id, default headers' values) is shared.
    pub(crate) fn build_request(
        &self,
        spec: &RequestSpec,
        target: &PathAndQuery,
        credentials: &Credentials,
        now: SystemTime,
    ) -> Result<http::Request<Bytes>, Error> {
        let inner = &self.inner;
        let path_and_query = target.clone();
        let mut uri = http::uri::Parts::default();
        uri.scheme = Some(inner.scheme.clone());
        uri.authority = Some(inner.authority.clone());
        uri.path_and_query = Some(path_and_query);
        let uri = Uri::from_parts(uri).map_err(|_| invalid_path(spec))?;
        let path_and_query = uri.path_and_query().map_or("/", PathAndQuery::as_str);
        let body = spec.body.clone().unwrap_or_default();

        let mut headers = HeaderMap::with_capacity(
            inner.default_headers.len() + spec.headers.len() + SDK_HEADERS + 3,
        );
        for (name, value) in &inner.default_headers {
            headers.append(name.clone(), value.clone());
        }
        headers.insert(USER_AGENT, HeaderValue::from_static(SDK_ID));
        headers.insert(SDK_VERSION, HeaderValue::from_static(SDK_ID));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        if spec.body.is_some() && spec.method != Method::DELETE {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        for (name, value) in &spec.headers {
            headers.insert(name.clone(), value.clone());
        }
        match &spec.auth {
            Auth::Identity(value) => {
                headers.insert(IDENTITY, value.clone());
            }
            Auth::Hmac(_) | Auth::Credentials | Auth::Public => {
                if let Some((signer, token_id)) = &credentials.hmac {
                    let timestamp = Timestamp::from_system_time(now)
                        .map_err(|source| Error::Signing { source })?;
                    let signed = signer.sign(&SigningInput {
                        timestamp: &timestamp,
                        method: spec.method.as_str(),
                        path_and_query,
                        body: &body,
                    });
                    let timestamp = header_value(HEADER_TIMESTAMP, signed.timestamp())?;
                    let signature = header_value(HEADER_SIGNATURE, signed.signature())?;
                    headers.insert(API_KEY, token_id.clone());
                    headers.insert(TIMESTAMP, timestamp);
                    headers.insert(SIGNATURE, signature);
                } else if let Some(api_key) = &credentials.api_key {
                    headers.insert(X_API_KEY, api_key.clone());
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
    ///
    /// A read rejected with 401 whose `Date` shows the signature's timestamp
    /// was outside the API's window is sent once more at once, signed with
    /// the offset just learned (when skew correction is on). A request that
    /// is not idempotent and may have been carried out ends in
    /// [`Error::OutcomeUnknown`].
    pub(crate) async fn send(&self, spec: &RequestSpec) -> Result<RawResponse, Error> {
        // One snapshot for every attempt: a rotation meanwhile applies to
        // the calls that start after it.
        let credentials = self.inner.credentials.snapshot();
        authorize(spec, &credentials)?;
        let target = self.target(spec)?;
        let path = self.path_of(spec);
        let span = tracing::info_span!(
            "limitless_request",
            operation = spec.operation,
            method = %spec.method,
            path = %path,
            status = Empty,
            latency_ms = Empty,
            attempt = Empty,
        );
        // The span's fields cost clock reads; skip them when nothing records them.
        let traced = !span.is_disabled();
        async {
            let started = Instant::now();
            let mut skew_retry_left = self.inner.skew.is_enabled() && spec.idempotent;
            let mut number = 0_u32;
            loop {
                number += 1;
                let attempt_started = if traced && number > 1 {
                    Instant::now()
                } else {
                    started
                };
                // Every attempt waits for its credential's turn: Packs calls
                // for the Packs spacing, then every call for the rate limit.
                // The token the request is signed with is the credential;
                // requests that carry none share one entry.
                let credential = match spec.auth {
                    Auth::Identity(_) => "",
                    _ => credentials.signer().map_or("", |s| s.token_id()),
                };
                let pacer = spec.paced.then(|| self.inner.pacers.get(credential));
                if let Some(pacer) = &pacer {
                    // The Packs pace bounds no calls in flight: no turn to keep.
                    let _ = pacer.acquire().await;
                }
                let limiter = self
                    .inner
                    .limiter
                    .as_ref()
                    .map(|(_, pacers)| pacers.get(credential));
                let turn = match &limiter {
                    Some(limiter) => Some(limiter.acquire().await),
                    None => None,
                };
                let exchange = self.attempt(spec, &target, &credentials, &path).await;
                drop(turn);
                let rate_limited = match &exchange.outcome {
                    Err(error) if error.status() == Some(StatusCode::TOO_MANY_REQUESTS) => {
                        Some(error.retry_after())
                    }
                    _ => None,
                };
                for pacer in [&pacer, &limiter].into_iter().flatten() {
                    pacer.finished(rate_limited);
                }
                if traced {
                    let latency_ms =
                        u64::try_from(attempt_started.elapsed().as_millis()).unwrap_or(u64::MAX);
                    let span = tracing::Span::current();
                    span.record("attempt", number);
                    span.record("latency_ms", latency_ms);
                    let status = match &exchange.outcome {
                        Ok(raw) => Some(raw.status),
                        Err(error) => error.status(),
                    };
                    if let Some(status) = status {
                        span.record("status", status.as_u16());
                    }
                }
                let error = match &exchange.outcome {
                    // An accepted response is final: no retry decision to make.
                    Ok(_) => return exchange.outcome,
                    Err(error) => error,
                };
                tracing::debug!(error = %error, "request failed");
                if skew_retry_left && exchange.rejected_for_skew() {
                    skew_retry_left = false;
                    tracing::debug!(
                        clock_offset = %self.clock_offset(),
                        "rejected for clock skew; retrying once with the corrected time"
                    );
                    continue;
                }
                let attempt = Attempt {
                    operation: spec.operation,
                    number,
                    idempotent: spec.idempotent,
                    elapsed: started.elapsed(),
                    outcome: exchange.outcome.as_ref(),
                };
                match effective_decision(&*self.inner.retry, &attempt) {
                    RetryDecision::RetryAfter(delay) => {
                        tracing::debug!(
                            delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                            "retrying"
                        );
                        tokio::time::sleep(delay).await;
                    }
                    RetryDecision::Stop => {
                        return exchange
                            .outcome
                            .map_err(|error| self.finisher().outcome_error(spec, error));
                    }
                }
            }
        }
        .instrument(span)
        .await
    }

    /// One signed attempt: reads the clock, signs, sends, learns the clock
    /// offset from the response's `Date`, classifies the status.
    async fn attempt(
        &self,
        spec: &RequestSpec,
        target: &PathAndQuery,
        credentials: &Credentials,
        path: &FullPath<'_>,
    ) -> Exchange {
        let skew = &*self.inner.skew;
        let sent = skew.base_now();
        let signed_at = skew.offset().apply(sent);
        let request = match self.build_request(spec, target, credentials, signed_at) {
            Ok(request) => request,
            Err(error) => return Exchange::failed(error),
        };
        // What `build_request` signs, without looking the header up.
        let hmac_signed = !matches!(spec.auth, Auth::Identity(_)) && credentials.hmac.is_some();
        // The client's own deadline, whatever the transport does.
        // (`SharedTransport` hands back the inner transport's own future.)
        let deadline = self.inner.timeout;
        let sending = self.inner.transport.send(request);
        let response = match tokio::time::timeout(deadline, sending).await {
            Ok(Ok(response)) => response,
            Ok(Err(source)) => {
                return Exchange::failed(Error::Transport {
                    context: context(spec, path),
                    source,
                });
            }
            Err(_) => {
                return Exchange::failed(Error::Transport {
                    context: context(spec, path),
                    source: TransportError::timeout(true, DeadlineElapsed(deadline)),
                });
            }
        };
        let (parts, body) = response.into_parts();
        // The Date header matters only when correcting for skew.
        let server_date = skew
            .is_enabled()
            .then(|| self.inner.dates.read(&parts.headers))
            .flatten();
        if let Some(date) = server_date
            && let Some(offset) = skew.observe(sent, skew.base_now(), date)
        {
            tracing::debug!(clock_offset = %offset, "learned the server's clock offset");
        }
        let raw = RawResponse {
            status: parts.status,
            headers: parts.headers,
            body,
        };
        let outcome = if raw.status.is_success() || spec.accept.contains(&raw.status) {
            Ok(raw)
        } else {
            let wait = (raw.status == StatusCode::TOO_MANY_REQUESTS)
                .then(|| retry_after(&raw.headers, &raw.body, skew.now()));
            let mut api = api_error(spec, path, raw);
            scrub(
                &mut api,
                spec,
                target,
                credentials,
                hmac_signed.then_some(signed_at),
            );
            Err(match wait {
                Some(retry_after) => Error::RateLimited {
                    retry_after,
                    source: Box::new(api),
                },
                None => classify_refusal(api),
            })
        };
        Exchange {
            outcome,
            signed_at: hmac_signed.then_some(signed_at),
            server_date,
        }
    }
}

/// What one attempt produced, with what the clock-skew check needs.
struct Exchange {
    outcome: Result<RawResponse, Error>,
    /// The (corrected) time the request was HMAC-signed with; `None` when it
    /// was not HMAC-signed.
    signed_at: Option<SystemTime>,
    /// The response's `Date`.
    server_date: Option<SystemTime>,
}

impl Exchange {
    fn failed(error: Error) -> Self {
        Self {
            outcome: Err(error),
            signed_at: None,
            server_date: None,
        }
    }

    /// A 401 to an HMAC-signed request whose timestamp, by the response's
    /// `Date`, was outside the API's window (less one second, the `Date`'s
    /// resolution).
    fn rejected_for_skew(&self) -> bool {
        let (Some(signed_at), Some(server_date)) = (self.signed_at, self.server_date) else {
            return false;
        };
        let unauthorized = matches!(
            &self.outcome,
            Err(error) if error.status() == Some(StatusCode::UNAUTHORIZED)
        );
        let skew = ClockOffset::between(signed_at, server_date).magnitude();
        unauthorized && skew >= DEFAULT_MAX_SKEW.saturating_sub(Duration::from_secs(1))
    }
}

/// Checks the client's credentials against what `spec` requires, before
/// any I/O.
fn authorize(spec: &RequestSpec, credentials: &Credentials) -> Result<(), Error> {
    authorize_auth(&spec.auth, spec.operation, credentials)
}

/// [`authorize`] for an operation whose request is not built yet.
pub(crate) fn authorize_auth(
    auth: &Auth,
    operation: &'static str,
    credentials: &Credentials,
) -> Result<(), Error> {
    let has_hmac = credentials.hmac.is_some();
    let has_key = credentials.api_key.is_some();
    match *auth {
        Auth::Identity(_) | Auth::Public => Ok(()),
        Auth::Hmac(_) if has_hmac => Ok(()),
        // A legacy key is a credential, just not one these accept.
        Auth::Hmac(message) if has_key => Err(Error::invalid(message)),
        Auth::Credentials if has_hmac || has_key => Ok(()),
        Auth::Hmac(_) | Auth::Credentials => Err(Error::AuthenticationRequired { operation }),
    }
}

/// The `lmts-signature` [`HttpClient::build_request`] computes for `spec`
/// at `at` (recomputed on the error path only, to recognise an echo).
fn signature_at(
    spec: &RequestSpec,
    target: &PathAndQuery,
    credentials: &Credentials,
    at: SystemTime,
) -> Option<String> {
    let signer = credentials.signer()?;
    let timestamp = Timestamp::from_system_time(at).ok()?;
    let signed = signer.sign(&SigningInput {
        timestamp: &timestamp,
        method: spec.method.as_str(),
        path_and_query: target.as_str(),
        body: spec.body.as_deref().unwrap_or_default(),
    });
    Some(signed.signature().to_owned())
}

/// Keeps the request's own secrets out of an error response that echoes
/// them: the identity token it carried and the signature of this attempt
/// (recomputed for `signed_at`: the error path pays for it, not every
/// request) are replaced in the message, and the body is then shown by
/// length only. The body's bytes stay as received.
fn scrub(
    api: &mut ApiError,
    spec: &RequestSpec,
    target: &PathAndQuery,
    credentials: &Credentials,
    signed_at: Option<SystemTime>,
) {
    let signature = signed_at.and_then(|at| signature_at(spec, target, credentials, at));
    let secrets = [spec.auth.identity_token(), signature.as_deref()];
    let mut echoed = false;
    for secret in secrets.into_iter().flatten().filter(|s| !s.is_empty()) {
        if contains(api.body.bytes(), secret.as_bytes()) {
            echoed = true;
            api.body.redact();
            // The message was taken from the body, whole or cut.
            api.message =
                parse_api_error_message(api.status, api.body.bytes()).replace(secret, "<redacted>");
        }
    }
    if echoed {
        for secret in secrets.into_iter().flatten().filter(|s| !s.is_empty()) {
            api.message = api.message.replace(secret, "<redacted>");
        }
        api.message = excerpt(&api.message);
    }
}

/// A path the URI rules refuse (a defect of the operation's encoding, or an
/// identifier that slipped through): reported against the path.
fn invalid_path(spec: &RequestSpec) -> Error {
    Error::invalid_field(
        "path",
        format!(
            "{}: the request path is not a valid URI; check the identifiers passed",
            spec.operation
        ),
    )
}

/// The value of the signed header `name`: base64 or the timestamp, so
/// always valid; sensitive as [`SignedHeaders::is_sensitive`] says.
fn header_value(name: &str, value: &str) -> Result<HeaderValue, Error> {
    let mut value = HeaderValue::from_str(value)
        .map_err(|_| Error::internal("the signed headers are not valid HTTP header values"))?;
    value.set_sensitive(SignedHeaders::is_sensitive(name));
    Ok(value)
}

/// The last `Date` header and its time. A server sends the same text for a
/// whole second, so most responses need no parsing: comparing 29 bytes
/// replaces an HTTP-date parse. Never waits: when another request holds the
/// entry, the header is simply parsed.
#[derive(Debug, Default)]
pub(crate) struct DateCache {
    last: Mutex<Option<([u8; IMF_FIXDATE_LEN], SystemTime)>>,
}

/// `Sun, 06 Nov 1994 08:49:37 GMT`: the form servers send.
const IMF_FIXDATE_LEN: usize = 29;

impl DateCache {
    /// The response's `Date`, as [`response_date`] reads it.
    pub(crate) fn read(&self, headers: &HeaderMap) -> Option<SystemTime> {
        let text = headers.get(DATE)?.as_bytes();
        let Ok(text) = <[u8; IMF_FIXDATE_LEN]>::try_from(text) else {
            return response_date(headers);
        };
        if let Ok(last) = self.last.try_lock()
            && let Some((seen, at)) = *last
            && seen == text
        {
            return Some(at);
        }
        let at = response_date(headers)?;
        if let Ok(mut last) = self.last.try_lock() {
            *last = Some((text, at));
        }
        Some(at)
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    fn with_date(text: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(DATE, HeaderValue::from_str(text).unwrap());
        headers
    }

    #[test]
    fn date_cache_reads_what_response_date_reads() {
        let cache = DateCache::default();
        let first = with_date("Sun, 06 Nov 1994 08:49:37 GMT");
        let at = UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(cache.read(&first), Some(at));
        // Served from the cache the second time, with the same answer.
        assert_eq!(cache.read(&first), Some(at));
        let next = with_date("Sun, 06 Nov 1994 08:49:38 GMT");
        assert_eq!(cache.read(&next), Some(at + Duration::from_secs(1)));
        assert_eq!(cache.read(&first), Some(at));
        // The obsolete forms are parsed every time.
        for obsolete in [
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            " Sun, 06 Nov 1994 08:49:37 GMT ",
        ] {
            let headers = with_date(obsolete);
            assert_eq!(cache.read(&headers), response_date(&headers), "{obsolete}");
            assert_eq!(cache.read(&headers), Some(at), "{obsolete}");
        }
        // Text of the right length that is no date is neither read nor kept.
        let garbage = with_date("Xyz, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(cache.read(&garbage), None);
        assert_eq!(cache.read(&garbage), None);
        assert_eq!(cache.read(&HeaderMap::new()), None);
        assert_eq!(cache.read(&first), Some(at));
    }
}
