//! The API's documented per-token rate limits, enforced when switched on:
//! at most [`MAX_CONCURRENT_REQUESTS`] requests of one API token in flight
//! and at least [`MIN_REQUEST_SPACING`] between the arrivals of two of
//! them (docs, API introduction: "Rate limits are applied per API token";
//! "Max concurrent requests 2", "Min delay between calls 300ms"). Beyond
//! them the server answers 429 with the spec's body
//! `{message, retryAfterSeconds}` (the one 429 schema in the OpenAPI spec)
//! and a `Retry-After` header.
//!
//! A request counts against a token only once its signature verifies, so
//! forged headers cannot spend a real token's budget; requests without an
//! API token (public reads without credentials, identity-token calls) are
//! not limited here (the docs state the limits per API token). A refused
//! request does not count as a call: it neither occupies a place nor moves
//! the spacing.
//!
//! Off by default (existing tests and demos fire calls back to back);
//! switched on by [`SandboxBuilder::documented_rate_limits`](crate::SandboxBuilder::documented_rate_limits),
//! the binary's `--rate-limits`, or
//! [`SandboxHandle::set_documented_rate_limits`](crate::SandboxHandle::set_documented_rate_limits).

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use limitless_types::limits::{MAX_CONCURRENT_REQUESTS, MIN_REQUEST_SPACING};

/// The use one token makes of its limits.
#[derive(Debug, Default)]
struct TokenUse {
    in_flight: usize,
    last_arrival: Option<Instant>,
}

/// The limits' switch and every token's use.
#[derive(Default)]
pub(crate) struct DocumentedLimits {
    enabled: AtomicBool,
    by_token: Arc<Mutex<HashMap<String, TokenUse>>>,
    refused: AtomicU64,
}

impl fmt::Debug for DocumentedLimits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DocumentedLimits")
            .field("enabled", &self.is_enabled())
            .field("refused", &self.refused())
            .finish_non_exhaustive()
    }
}

impl DocumentedLimits {
    pub(crate) fn set_enabled(&self, enabled: bool) {
        self.enabled.store(enabled, Ordering::SeqCst);
    }

    pub(crate) fn is_enabled(&self) -> bool {
        self.enabled.load(Ordering::SeqCst)
    }

    /// How many requests were answered 429 by these limits.
    pub(crate) fn refused(&self) -> u64 {
        self.refused.load(Ordering::SeqCst)
    }

    /// Admits a request of `token` arriving `now` (its place is given
    /// back when the returned guard drops), or answers the 429 to send
    /// (boxed: a response is large).
    pub(crate) fn admit_or_refuse(
        &self,
        token: &str,
        now: Instant,
    ) -> Result<InFlight, Box<Response>> {
        self.admit(token, now).map_err(|wait| {
            self.refused.fetch_add(1, Ordering::SeqCst);
            Box::new(too_many_requests(wait))
        })
    }

    /// Admits a request of `token` arriving `now`, or says how long until
    /// it would have been admitted.
    fn admit(&self, token: &str, now: Instant) -> Result<InFlight, Duration> {
        let mut map = self.by_token.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = map.entry(token.to_owned()).or_default();
        let too_soon = entry
            .last_arrival
            .map(|last| (last + MIN_REQUEST_SPACING).saturating_duration_since(now))
            .filter(|wait| !wait.is_zero());
        if let Some(wait) = too_soon {
            return Err(wait);
        }
        if entry.in_flight >= MAX_CONCURRENT_REQUESTS {
            // No end time to promise: the spacing is the least wait.
            return Err(MIN_REQUEST_SPACING);
        }
        entry.in_flight += 1;
        entry.last_arrival = Some(now);
        Ok(InFlight {
            by_token: Arc::clone(&self.by_token),
            token: token.to_owned(),
        })
    }
}

/// A place among a token's requests in flight, given back when dropped
/// (also when the client goes away mid-request).
pub(crate) struct InFlight {
    by_token: Arc<Mutex<HashMap<String, TokenUse>>>,
    token: String,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut map = self.by_token.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(entry) = map.get_mut(&self.token) {
            entry.in_flight = entry.in_flight.saturating_sub(1);
        }
    }
}

/// 429 with the spec's body `{message, retryAfterSeconds}` (whole seconds,
/// rounded up) and a `Retry-After` header of the same value.
fn too_many_requests(wait: Duration) -> Response {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let body = serde_json::json!({
        "message": format!(
            "Too Many Requests: at most {MAX_CONCURRENT_REQUESTS} requests in flight and {} ms between calls per API token",
            MIN_REQUEST_SPACING.as_millis()
        ),
        "retryAfterSeconds": seconds,
    });
    (
        StatusCode::TOO_MANY_REQUESTS,
        [(axum::http::header::RETRY_AFTER, seconds.to_string())],
        axum::Json(body),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spacing_and_places_per_token() {
        let limits = DocumentedLimits::default();
        let t0 = Instant::now();
        let first = limits.admit("a", t0).unwrap();
        // Too soon, whatever is in flight.
        assert_eq!(
            limits.admit("a", t0 + Duration::from_millis(299)).err(),
            Some(Duration::from_millis(1))
        );
        // Another token is not held back.
        let _other = limits.admit("b", t0).unwrap();
        let second = limits.admit("a", t0 + MIN_REQUEST_SPACING).unwrap();
        // Two in flight: a third is refused even when spaced.
        assert!(limits.admit("a", t0 + 2 * MIN_REQUEST_SPACING).is_err());
        drop(first);
        let _third = limits.admit("a", t0 + 2 * MIN_REQUEST_SPACING).unwrap();
        drop(second);
    }

    #[test]
    fn the_429_body_is_the_specs() {
        let response = too_many_requests(Duration::from_millis(120));
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()["retry-after"], "1");
    }
}
