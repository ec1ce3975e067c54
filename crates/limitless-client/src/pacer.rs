//! Per-credential pacing, shared by every clone of a client: the API's
//! documented rate limits on every request ([`RateLimit`], PROTOCOL §7.6),
//! and the Packs spacing on Packs calls (PROTOCOL §2.9).
//!
//! One [`Pacers`] per purpose lives in the client's shared state, so every
//! clone of a client (and every service of it) paces together; it holds one
//! [`Pacer`] per credential: the HMAC token id a request is signed with
//! (the docs apply the limits "per API token"), or one shared entry for the
//! requests a client sends without a token (public reads without
//! credentials, identity-token calls), paced like a token so a client never
//! outruns the API from one address either.
//!
//! A pacer keeps the earliest time the next attempt may start and, for the
//! rate limit, a semaphore of the requests allowed in flight. An attempt
//! takes a permit, then reserves its start under a short lock and sleeps
//! without holding it; no lock is held while a request is in flight (the
//! permit is not a lock: it only counts). Sleeping uses tokio's clock, so
//! tests can pause time.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use limitless_types::limits::{MAX_CONCURRENT_REQUESTS, MIN_REQUEST_SPACING};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// The least time between the starts of two Packs calls of one credential.
pub(crate) const PACK_SPACING: Duration = Duration::from_millis(1100);
/// The least time between a 429 answer and the next Packs call.
pub(crate) const PACK_RATE_LIMIT_PAUSE: Duration = Duration::from_secs(10);

/// The client-side rate limit: at most [`max_in_flight`](Self::max_in_flight)
/// requests of one credential at once, and at least
/// [`min_spacing`](Self::min_spacing) between the starts of two of them.
///
/// On by default ([`RateLimit::default`]): the API's documented limits
/// ([`RateLimit::documented`]: 2 in flight, 300 ms apart, per API token)
/// with [`SPACING_MARGIN`](Self::SPACING_MARGIN) added to the spacing,
/// shared by every clone of a client, and applied to every attempt,
/// retries included. A 429 answer
/// also holds back the credential's next request for the wait the API asked
/// for. Turn it off with
/// [`ClientBuilder::no_rate_limit`](crate::ClientBuilder::no_rate_limit)
/// when something else paces the calls.
///
/// ```
/// use std::time::Duration;
/// use limitless_client::{Client, RateLimit};
///
/// let limit = RateLimit::documented().with_min_spacing(Duration::from_millis(500));
/// assert_eq!(limit.max_in_flight(), 2);
/// let builder = Client::builder().rate_limit(limit);
/// # let _ = builder;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
pub struct RateLimit {
    max_in_flight: usize,
    min_spacing: Duration,
}

impl Default for RateLimit {
    /// The documented limits, spaced [`SPACING_MARGIN`](Self::SPACING_MARGIN)
    /// wider.
    fn default() -> Self {
        Self::documented()
            .with_min_spacing(MIN_REQUEST_SPACING.saturating_add(Self::SPACING_MARGIN))
    }
}

impl RateLimit {
    /// Added to the documented spacing by default. The client reserves a
    /// start before it signs and sends; the server measures arrivals. A
    /// request that takes a little longer to leave than the one before it
    /// would arrive less than 300 ms after it. 10 ms absorbs that jitter
    /// on a loaded host and costs about 3 % of the allowed rate (the
    /// `rate_limit` bench, `cargo bench -p limitless-client --bench rate_limit`,
    /// measures both: no 429 and the achieved rate).
    pub const SPACING_MARGIN: Duration = Duration::from_millis(10);

    /// The limits the API documents per API token:
    /// [`MAX_CONCURRENT_REQUESTS`] in flight and [`MIN_REQUEST_SPACING`]
    /// between calls.
    pub const fn documented() -> Self {
        Self {
            max_in_flight: MAX_CONCURRENT_REQUESTS,
            min_spacing: MIN_REQUEST_SPACING,
        }
    }

    /// At most `max_in_flight` requests at once (at least 1: `0` is read as 1).
    pub const fn with_max_in_flight(mut self, max_in_flight: usize) -> Self {
        self.max_in_flight = if max_in_flight == 0 { 1 } else { max_in_flight };
        self
    }

    /// At least `spacing` between the starts of two requests.
    pub const fn with_min_spacing(mut self, spacing: Duration) -> Self {
        self.min_spacing = spacing;
        self
    }

    /// The most requests in flight at once, per credential.
    pub const fn max_in_flight(&self) -> usize {
        self.max_in_flight
    }

    /// The least time between the starts of two requests, per credential.
    pub const fn min_spacing(&self) -> Duration {
        self.min_spacing
    }
}

/// How a family of pacers spaces calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Pace {
    /// The least time between two starts.
    spacing: Duration,
    /// Whether the spacing also runs from the end of each call (Packs:
    /// the server sees its requests that far apart even when one took long).
    from_end: bool,
    /// The pause after a 429 that named no wait (or the least pause when
    /// it did).
    after_rate_limit: Duration,
    /// The most calls in flight; `None` for no bound.
    max_in_flight: Option<usize>,
}

impl Pace {
    /// The Packs pacing: [`PACK_SPACING`] from start and end, and
    /// [`PACK_RATE_LIMIT_PAUSE`] after a 429.
    pub(crate) const PACKS: Self = Self {
        spacing: PACK_SPACING,
        from_end: true,
        after_rate_limit: PACK_RATE_LIMIT_PAUSE,
        max_in_flight: None,
    };

    /// Pacing by a [`RateLimit`]: spacing between starts, a bound on calls
    /// in flight, and after a 429 the API's wait (at least the spacing).
    pub(crate) fn rate_limit(limit: RateLimit) -> Self {
        Self {
            spacing: limit.min_spacing,
            from_end: false,
            after_rate_limit: limit.min_spacing,
            max_in_flight: Some(limit.max_in_flight),
        }
    }
}

/// The pacers of one client, by credential.
pub(crate) struct Pacers {
    pace: Pace,
    by_credential: Mutex<HashMap<String, Arc<Pacer>>>,
}

impl fmt::Debug for Pacers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pacers")
            .field("pace", &self.pace)
            .finish_non_exhaustive()
    }
}

impl Pacers {
    /// Pacers that space calls by `pace`.
    pub(crate) fn new(pace: Pace) -> Self {
        Self {
            pace,
            by_credential: Mutex::default(),
        }
    }

    /// The pacer of `credential` (an HMAC token id; empty for calls
    /// without one), made on first use.
    pub(crate) fn get(&self, credential: &str) -> Arc<Pacer> {
        let mut map = self
            .by_credential
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(pacer) = map.get(credential) {
            return Arc::clone(pacer);
        }
        let pacer = Arc::new(Pacer::new(self.pace));
        map.insert(credential.to_owned(), Arc::clone(&pacer));
        pacer
    }
}

/// The pacing of one credential.
#[derive(Debug)]
pub(crate) struct Pacer {
    pace: Pace,
    /// The earliest time the next call may start; `None` before the first.
    next: Mutex<Option<Instant>>,
    /// Permits for the calls in flight, when they are bounded.
    in_flight: Option<Arc<Semaphore>>,
}

/// A call's turn: holds its place among the calls in flight until dropped.
#[derive(Debug)]
pub(crate) struct Turn {
    _permit: Option<OwnedSemaphorePermit>,
}

impl Pacer {
    fn new(pace: Pace) -> Self {
        Self {
            pace,
            next: Mutex::new(None),
            in_flight: pace.max_in_flight.map(|n| Arc::new(Semaphore::new(n))),
        }
    }

    /// Waits for this call's turn and reserves it: a place among the calls
    /// in flight (kept until the [`Turn`] is dropped), and a start no
    /// sooner than the spacing after the previous one. Cancel-safe: a
    /// dropped wait reserves nothing.
    pub(crate) async fn acquire(&self) -> Turn {
        let permit = match &self.in_flight {
            // The semaphore is never closed.
            Some(semaphore) => Arc::clone(semaphore).acquire_owned().await.ok(),
            None => None,
        };
        loop {
            let wait_until = {
                let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
                let now = Instant::now();
                match *next {
                    Some(at) if at > now => at,
                    _ => {
                        *next = Some(now + self.pace.spacing);
                        return Turn { _permit: permit };
                    }
                }
            };
            // Another call may have moved the time meanwhile (a 429, or a
            // call that ended late): look again after waking.
            tokio::time::sleep_until(wait_until).await;
        }
    }

    /// Records the end of a call. `rate_limited` is `None` unless the API
    /// answered 429, then the wait it asked for (if any): the next call
    /// starts no sooner than that wait (at least the pace's pause) from
    /// now. With a pace that runs from the end of calls, the next call also
    /// waits the spacing from now.
    pub(crate) fn finished(&self, rate_limited: Option<Option<Duration>>) {
        let pause = match rate_limited {
            Some(asked) => asked.map_or(self.pace.after_rate_limit, |wait| {
                wait.max(self.pace.after_rate_limit)
            }),
            None if self.pace.from_end => self.pace.spacing,
            None => return,
        };
        let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
        let after = Instant::now() + pause;
        *next = Some(next.map_or(after, |at| at.max(after)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn packs_spacing_and_pause() {
        let pacer = Pacer::new(Pace::PACKS);
        let start = Instant::now();
        let _turn = pacer.acquire().await;
        assert_eq!(Instant::now(), start);
        let _turn = pacer.acquire().await;
        assert_eq!(Instant::now() - start, PACK_SPACING);
        // A call that ends later pushes the next one past its own end.
        tokio::time::advance(Duration::from_millis(500)).await;
        pacer.finished(None);
        let ended = Instant::now();
        let _turn = pacer.acquire().await;
        assert_eq!(Instant::now() - ended, PACK_SPACING);
        pacer.finished(Some(None));
        let limited = Instant::now();
        let _turn = pacer.acquire().await;
        assert_eq!(Instant::now() - limited, PACK_RATE_LIMIT_PAUSE);
    }

    #[tokio::test(start_paused = true)]
    async fn rate_limit_spaces_starts_and_bounds_calls_in_flight() {
        let pacer = Arc::new(Pacer::new(Pace::rate_limit(RateLimit::documented())));
        let start = Instant::now();
        let first = pacer.acquire().await;
        let second = pacer.acquire().await;
        assert_eq!(Instant::now() - start, MIN_REQUEST_SPACING);
        // A third call waits for a place, not only for its spacing.
        let waiter = {
            let pacer = Arc::clone(&pacer);
            tokio::spawn(async move {
                let _turn = pacer.acquire().await;
                Instant::now()
            })
        };
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert!(!waiter.is_finished());
        let released = Instant::now();
        drop(first);
        assert_eq!(waiter.await.unwrap(), released);
        drop(second);
        tokio::time::advance(Duration::from_secs(1)).await;
        // The end of a call does not move the next start...
        pacer.finished(None);
        let now = Instant::now();
        let _turn = pacer.acquire().await;
        assert_eq!(Instant::now(), now);
        // ...a 429 does, by the wait the API asked for.
        pacer.finished(Some(Some(Duration::from_secs(2))));
        let limited = Instant::now();
        let _turn = pacer.acquire().await;
        assert_eq!(Instant::now() - limited, Duration::from_secs(2));
    }

    #[test]
    fn one_pacer_per_credential() {
        let pacers = Pacers::new(Pace::PACKS);
        assert!(Arc::ptr_eq(&pacers.get("a"), &pacers.get("a")));
        assert!(!Arc::ptr_eq(&pacers.get("a"), &pacers.get("b")));
    }

    #[test]
    fn rate_limit_settings() {
        assert_eq!(
            RateLimit::default(),
            RateLimit::documented().with_min_spacing(Duration::from_millis(310))
        );
        assert_eq!(RateLimit::documented().max_in_flight(), 2);
        assert_eq!(
            RateLimit::documented().min_spacing(),
            Duration::from_millis(300)
        );
        assert_eq!(
            RateLimit::documented()
                .with_max_in_flight(0)
                .max_in_flight(),
            1
        );
    }
}
