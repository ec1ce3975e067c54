//! Retry decisions, kept as data: what happened on an attempt ([`Attempt`])
//! is separate from what to do next ([`RetryDecision`]).
//!
//! After every attempt the client asks its [`RetryPolicy`] whether to try
//! again. The default, [`RetryConfig`], retries what is safe with exponential
//! backoff and jitter; [`NoRetry`] never retries. Whatever a policy answers,
//! the client itself overrules it where repeating would be wrong:
//!
//! * an accepted response is final;
//! * `425 Too Early` is never repeated with the same payload;
//! * a request that is not idempotent (an order, a cancel-replace, an account
//!   creation…) is never sent again once it may have reached the server. Only
//!   a failure that certainly happened before sending (connection refused)
//!   may be retried for such a request.

use std::fmt;
use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};
use rand::Rng;

use crate::error::Failure;
use crate::{Error, RawResponse};

/// Decides, after each attempt, whether the request is sent again.
///
/// Every attempt is signed afresh (new timestamp) over the same body bytes,
/// so a retried request is never a replay of a stale signature.
pub trait RetryPolicy: fmt::Debug + Send + Sync + 'static {
    /// What to do after `attempt`.
    fn decide(&self, attempt: &Attempt<'_>) -> RetryDecision;
}

/// What happened on one attempt, as seen by a [`RetryPolicy`].
#[derive(Debug)]
#[non_exhaustive]
pub struct Attempt<'a> {
    /// The operation, e.g. `create_order`.
    pub operation: &'static str,
    /// 1 for the first attempt.
    pub number: u32,
    /// Whether the operation declares that repeating it is harmless.
    pub idempotent: bool,
    /// Time since the first attempt started.
    pub elapsed: Duration,
    /// The response that will be decoded, or the error. A 429 arrives as
    /// [`Error::RateLimited`] with the wait the API asked for.
    pub outcome: Result<&'a RawResponse, &'a Error>,
}

/// The answer of a [`RetryPolicy`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryDecision {
    /// Return this attempt's outcome.
    Stop,
    /// Sleep for the duration, then send the request again (re-signed).
    RetryAfter(Duration),
}

/// A policy that never retries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NoRetry;

impl RetryPolicy for NoRetry {
    fn decide(&self, _attempt: &Attempt<'_>) -> RetryDecision {
        RetryDecision::Stop
    }
}

/// The default retry policy: bounded retries with exponential backoff and
/// jitter, for failures where repeating is safe.
///
/// * A failure before anything was sent (connection refused, connect
///   timeout) is retried for every operation; a request the transport
///   refused as invalid (kind [`Other`](crate::TransportErrorKind::Other))
///   is not, since it would fail the same way.
/// * An idempotent operation (reads, cancels, revokes) is also retried after
///   a transport failure once sent, on HTTP 502, 503 and 504, and on HTTP 429.
/// * A 429 waits what the API asked (`Retry-After` in seconds or as an HTTP
///   date, else the body's `retryAfterSeconds`), or the backoff when it said
///   nothing. A wait above [`max_rate_limit_wait`](Self::max_rate_limit_wait)
///   is not slept: the call fails at once with [`Error::RateLimited`]
///   carrying the wait.
/// * At most [`max_retries`](Self::max_retries) retries, and none that would
///   start later than [`max_elapsed`](Self::max_elapsed) after the first
///   attempt.
/// * Backoff: [`initial_backoff`](Self::initial_backoff) doubled per retry up
///   to [`max_backoff`](Self::max_backoff); with jitter (the default) each
///   wait is drawn uniformly from its upper half.
///
/// ```
/// use std::time::Duration;
/// use limitless_client::{Client, RetryConfig};
///
/// let policy = RetryConfig::new()
///     .with_max_retries(5)
///     .with_initial_backoff(Duration::from_millis(50))
///     .with_max_rate_limit_wait(Duration::from_secs(2));
/// assert_eq!(policy.max_retries(), 5);
/// let builder = Client::builder().retry_config(policy);
/// # let _ = builder;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
pub struct RetryConfig {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_elapsed: Duration,
    max_rate_limit_wait: Duration,
    jitter: bool,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            max_retries: Self::DEFAULT_MAX_RETRIES,
            initial_backoff: Self::DEFAULT_INITIAL_BACKOFF,
            max_backoff: Self::DEFAULT_MAX_BACKOFF,
            max_elapsed: Self::DEFAULT_MAX_ELAPSED,
            max_rate_limit_wait: Self::DEFAULT_MAX_RATE_LIMIT_WAIT,
            jitter: true,
        }
    }
}

impl RetryConfig {
    /// Retries after the first attempt, by default (so at most 4 attempts).
    pub const DEFAULT_MAX_RETRIES: u32 = 3;
    /// The wait before the first retry, by default.
    pub const DEFAULT_INITIAL_BACKOFF: Duration = Duration::from_millis(200);
    /// The longest backoff between two attempts, by default.
    pub const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(5);
    /// No retry starts later than this after the first attempt, by default.
    pub const DEFAULT_MAX_ELAPSED: Duration = Duration::from_secs(30);
    /// The longest `Retry-After` the client sleeps through, by default.
    pub const DEFAULT_MAX_RATE_LIMIT_WAIT: Duration = Duration::from_secs(10);

    /// The default policy.
    pub fn new() -> Self {
        Self::default()
    }

    /// At most `max_retries` retries after the first attempt (`0`: never retry).
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// The wait before the first retry; it doubles for each further one.
    pub fn with_initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest backoff between two attempts.
    pub fn with_max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The total time budget: no retry starts (after its wait) later than
    /// this after the first attempt. It does not cut an attempt short; the
    /// transport's timeouts do that.
    pub fn with_max_elapsed(mut self, max_elapsed: Duration) -> Self {
        self.max_elapsed = max_elapsed;
        self
    }

    /// The longest wait a 429 may ask for and still be slept through; a
    /// longer one fails the call at once with [`Error::RateLimited`].
    pub fn with_max_rate_limit_wait(mut self, max_wait: Duration) -> Self {
        self.max_rate_limit_wait = max_wait;
        self
    }

    /// Whether backoffs are randomised (default `true`): each wait is drawn
    /// uniformly between half the backoff and the backoff, so clients that
    /// failed together do not retry together.
    pub fn with_jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// The most retries after the first attempt.
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The wait before the first retry.
    pub fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// The longest backoff between two attempts.
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// The total time budget for starting retries.
    pub fn max_elapsed(&self) -> Duration {
        self.max_elapsed
    }

    /// The longest `Retry-After` slept through.
    pub fn max_rate_limit_wait(&self) -> Duration {
        self.max_rate_limit_wait
    }

    /// Whether backoffs are randomised.
    pub fn jitter(&self) -> bool {
        self.jitter
    }

    /// The backoff before retry number `retry` (1 for the first), before
    /// jitter: `initial_backoff · 2^(retry-1)`, at most `max_backoff`.
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = 2_u32.saturating_pow(retry.saturating_sub(1));
        self.initial_backoff
            .checked_mul(factor)
            .unwrap_or(Duration::MAX)
            .min(self.max_backoff)
    }

    fn jittered(&self, backoff: Duration) -> Duration {
        if !self.jitter || backoff.is_zero() {
            return backoff;
        }
        let high = u64::try_from(backoff.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(rand::rng().random_range(high / 2..=high))
    }
}

impl RetryPolicy for RetryConfig {
    fn decide(&self, attempt: &Attempt<'_>) -> RetryDecision {
        let Err(error) = attempt.outcome else {
            return RetryDecision::Stop;
        };
        if attempt.number > self.max_retries {
            return RetryDecision::Stop;
        }
        let backoff = || self.jittered(self.backoff(attempt.number));
        let wait = match error.failure() {
            Failure::NotSent => backoff(),
            Failure::Transient if attempt.idempotent => backoff(),
            Failure::RateLimited(Some(wait)) if attempt.idempotent => {
                if wait > self.max_rate_limit_wait {
                    return RetryDecision::Stop;
                }
                wait
            }
            Failure::RateLimited(None) if attempt.idempotent => backoff(),
            _ => return RetryDecision::Stop,
        };
        if attempt.elapsed.saturating_add(wait) > self.max_elapsed {
            return RetryDecision::Stop;
        }
        RetryDecision::RetryAfter(wait)
    }
}

/// The policy's decision, overruled where it would be wrong or unsafe: an
/// accepted response is final, `425 Too Early` is never repeated with the
/// same payload, and a request that is not idempotent is never repeated once
/// it may have reached the server.
pub(crate) fn effective_decision(policy: &dyn RetryPolicy, attempt: &Attempt<'_>) -> RetryDecision {
    match attempt.outcome {
        Ok(_) => RetryDecision::Stop,
        Err(error) if error.status() == Some(StatusCode::TOO_EARLY) => RetryDecision::Stop,
        Err(error) if !attempt.idempotent && error.may_have_been_sent() => RetryDecision::Stop,
        Err(_) => policy.decide(attempt),
    }
}

/// The wait a 429 response asks for: the `Retry-After` header (delta
/// seconds, or an HTTP date measured against the response's own `Date`, else
/// against `now`), else a `retryAfterSeconds` number in the JSON body.
pub(crate) fn retry_after(headers: &HeaderMap, body: &[u8], now: SystemTime) -> Option<Duration> {
    if let Some(value) = headers
        .get(http::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
    {
        if let Ok(seconds) = value.parse::<u64>() {
            return Some(Duration::from_secs(seconds));
        }
        if let Ok(at) = httpdate::parse_http_date(value) {
            let reference = response_date(headers).unwrap_or(now);
            return Some(at.duration_since(reference).unwrap_or_default());
        }
    }
    let body: serde_json::Value = serde_json::from_slice(body).ok()?;
    let seconds = body.get("retryAfterSeconds")?;
    if let Some(whole) = seconds.as_u64() {
        return Some(Duration::from_secs(whole));
    }
    seconds
        .as_str()
        .and_then(|text| text.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
        .or_else(|| {
            seconds
                .as_f64()
                .and_then(|s| Duration::try_from_secs_f64(s).ok())
        })
}

/// The response's `Date` header.
pub(crate) fn response_date(headers: &HeaderMap) -> Option<SystemTime> {
    headers
        .get(http::header::DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v.trim()).ok())
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use bytes::Bytes;
    use http::{HeaderValue, Method};
    use limitless_transport::TransportError;

    use super::*;
    use crate::ApiError;
    use crate::error::{RequestContext, ResponseBody};

    fn context() -> RequestContext {
        RequestContext {
            operation: "get_market",
            method: Method::GET,
            path: "/x".into(),
            unknown_codes: &[],
        }
    }

    fn api(status: u16) -> ApiError {
        ApiError {
            context: context(),
            status: StatusCode::from_u16(status).unwrap(),
            message: "m".into(),
            headers: HeaderMap::new(),
            body: ResponseBody::new(Bytes::new(), false),
        }
    }

    fn transport(sent: bool) -> Error {
        let source = if sent {
            TransportError::io(std::io::Error::from(std::io::ErrorKind::ConnectionReset))
        } else {
            TransportError::connect(std::io::Error::from(std::io::ErrorKind::ConnectionRefused))
        };
        Error::Transport {
            context: context(),
            source,
        }
    }

    fn invalid_request() -> Error {
        Error::Transport {
            context: context(),
            source: TransportError::not_sent(std::io::Error::from(
                std::io::ErrorKind::InvalidInput,
            )),
        }
    }

    fn rate_limited(wait: Option<u64>) -> Error {
        Error::RateLimited {
            retry_after: wait.map(Duration::from_secs),
            source: Box::new(api(429)),
        }
    }

    fn decide(
        policy: &dyn RetryPolicy,
        error: &Error,
        idempotent: bool,
        number: u32,
    ) -> RetryDecision {
        effective_decision(
            policy,
            &Attempt {
                operation: "op",
                number,
                idempotent,
                elapsed: Duration::ZERO,
                outcome: Err(error),
            },
        )
    }

    fn fixed() -> RetryConfig {
        RetryConfig::new()
            .with_jitter(false)
            .with_initial_backoff(Duration::from_millis(100))
            .with_max_backoff(Duration::from_millis(350))
    }

    const fn ms(millis: u64) -> RetryDecision {
        RetryDecision::RetryAfter(Duration::from_millis(millis))
    }

    #[test]
    fn defaults_are_bounded() {
        let config = RetryConfig::default();
        assert_eq!(config.max_retries(), 3);
        assert_eq!(config.initial_backoff(), Duration::from_millis(200));
        assert_eq!(config.max_backoff(), Duration::from_secs(5));
        assert_eq!(config.max_elapsed(), Duration::from_secs(30));
        assert_eq!(config.max_rate_limit_wait(), Duration::from_secs(10));
        assert!(config.jitter());
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let config = fixed();
        let waits: Vec<_> = (1..=4).map(|n| config.backoff(n)).collect();
        assert_eq!(
            waits,
            [100, 200, 350, 350].map(Duration::from_millis).to_vec()
        );
        assert_eq!(config.backoff(200), Duration::from_millis(350));
    }

    #[test]
    fn jitter_stays_in_the_upper_half() {
        let config = RetryConfig::new()
            .with_initial_backoff(Duration::from_millis(100))
            .with_max_retries(10);
        for _ in 0..200 {
            let RetryDecision::RetryAfter(wait) = decide(&config, &transport(true), true, 1) else {
                panic!("expected a retry");
            };
            assert!(
                wait >= Duration::from_millis(50) && wait <= Duration::from_millis(100),
                "{wait:?}"
            );
        }
    }

    #[test]
    fn the_decision_table() {
        let config = fixed();
        let cases: Vec<(Error, bool, RetryDecision)> = vec![
            // Nothing sent: safe for every operation.
            (transport(false), false, ms(100)),
            (transport(false), true, ms(100)),
            // Refused by the transport as invalid: it would fail again.
            (invalid_request(), true, RetryDecision::Stop),
            (invalid_request(), false, RetryDecision::Stop),
            // Sent: only idempotent operations.
            (transport(true), true, ms(100)),
            (transport(true), false, RetryDecision::Stop),
            (api(502).into(), true, ms(100)),
            (api(503).into(), true, ms(100)),
            (api(504).into(), true, ms(100)),
            (api(503).into(), false, RetryDecision::Stop),
            // Final answers.
            (api(500).into(), true, RetryDecision::Stop),
            (api(400).into(), true, RetryDecision::Stop),
            (api(401).into(), true, RetryDecision::Stop),
            (api(425).into(), true, RetryDecision::Stop),
            // 429: the API's wait, else the backoff; never above the cap.
            (rate_limited(Some(2)), true, ms(2_000)),
            (rate_limited(None), true, ms(100)),
            (rate_limited(Some(11)), true, RetryDecision::Stop),
            (rate_limited(Some(1)), false, RetryDecision::Stop),
        ];
        for (error, idempotent, expected) in cases {
            assert_eq!(
                decide(&config, &error, idempotent, 1),
                expected,
                "{error:?} idempotent={idempotent}"
            );
        }
    }

    #[test]
    fn attempts_and_time_are_bounded() {
        let config = fixed().with_max_retries(2);
        let error = transport(false);
        assert_eq!(decide(&config, &error, true, 2), ms(200));
        assert_eq!(decide(&config, &error, true, 3), RetryDecision::Stop);

        let config = fixed().with_max_elapsed(Duration::from_millis(1_000));
        let attempt = |elapsed| Attempt {
            operation: "op",
            number: 1,
            idempotent: true,
            elapsed,
            outcome: Err(&error),
        };
        assert_eq!(config.decide(&attempt(Duration::from_millis(900))), ms(100));
        assert_eq!(
            config.decide(&attempt(Duration::from_millis(901))),
            RetryDecision::Stop
        );
    }

    #[test]
    fn the_client_overrules_unsafe_or_pointless_policies() {
        #[derive(Debug)]
        struct Always;
        impl RetryPolicy for Always {
            fn decide(&self, _: &Attempt<'_>) -> RetryDecision {
                RetryDecision::RetryAfter(Duration::ZERO)
            }
        }
        let retry = RetryDecision::RetryAfter(Duration::ZERO);
        assert_eq!(
            decide(&Always, &api(503).into(), false, 1),
            RetryDecision::Stop
        );
        assert_eq!(
            decide(&Always, &transport(true), false, 1),
            RetryDecision::Stop
        );
        assert_eq!(
            decide(&Always, &api(425).into(), true, 1),
            RetryDecision::Stop
        );
        assert_eq!(decide(&Always, &transport(false), false, 1), retry);
        assert_eq!(decide(&Always, &api(503).into(), true, 1), retry);
        assert_eq!(
            decide(&NoRetry, &transport(false), false, 1),
            RetryDecision::Stop
        );
        let raw = RawResponse {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: Bytes::new(),
        };
        let ok = Attempt {
            operation: "op",
            number: 1,
            idempotent: true,
            elapsed: Duration::ZERO,
            outcome: Ok(&raw),
        };
        assert_eq!(effective_decision(&Always, &ok), RetryDecision::Stop);
    }

    #[test]
    fn retry_after_reads_seconds_dates_and_the_body() {
        let now = UNIX_EPOCH + Duration::from_secs(1_770_000_000);
        let headers = |pairs: &[(&'static str, &str)]| {
            let mut map = HeaderMap::new();
            for (name, value) in pairs {
                map.insert(*name, HeaderValue::from_str(value).unwrap());
            }
            map
        };
        let date = |secs: u64| httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(secs));

        assert_eq!(
            retry_after(&headers(&[("retry-after", "7")]), b"", now),
            Some(Duration::from_secs(7))
        );
        // An HTTP date, against the response's Date (server time)...
        assert_eq!(
            retry_after(
                &headers(&[
                    ("retry-after", &date(1_000_000_012)),
                    ("date", &date(1_000_000_000)),
                ]),
                b"",
                now
            ),
            Some(Duration::from_secs(12))
        );
        // ...else against now; a date in the past means no wait.
        assert_eq!(
            retry_after(&headers(&[("retry-after", &date(1_770_000_003))]), b"", now),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after", &date(1_769_999_000))]), b"", now),
            Some(Duration::ZERO)
        );
        // The body, when the header says nothing usable.
        assert_eq!(
            retry_after(
                &headers(&[("retry-after", "soon")]),
                br#"{"retryAfterSeconds":4}"#,
                now
            ),
            Some(Duration::from_secs(4))
        );
        assert_eq!(
            retry_after(&HeaderMap::new(), br#"{"retryAfterSeconds":1.5}"#, now),
            Some(Duration::from_millis(1_500))
        );
        assert_eq!(
            retry_after(&HeaderMap::new(), br#"{"retryAfterSeconds":"9"}"#, now),
            Some(Duration::from_secs(9))
        );
        // The header wins over the body.
        assert_eq!(
            retry_after(
                &headers(&[("retry-after", "1")]),
                br#"{"retryAfterSeconds":60}"#,
                now
            ),
            Some(Duration::from_secs(1))
        );
        for body in [&b""[..], b"{}", b"not json", br#"{"retryAfterSeconds":-1}"#] {
            assert_eq!(retry_after(&HeaderMap::new(), body, now), None, "{body:?}");
        }
    }
}
