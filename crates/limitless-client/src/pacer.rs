//! Per-credential pacing of Packs calls (PROTOCOL §2.9): at least
//! [`PACK_SPACING`] between calls, at least [`PACK_RATE_LIMIT_PAUSE`]
//! after a 429.
//!
//! One [`Pacers`] lives in the client's shared state, so every clone of a
//! client (and every service of it) paces together; it holds one [`Pacer`]
//! per HMAC token id, the unit the API limits. A pacer keeps only the
//! earliest time the next call may start: a call reserves its start under
//! a short lock and sleeps without holding it, and no lock is held while a
//! request is in flight. When a call ends, the next may start no sooner
//! than the spacing after that end (so the server sees its requests at
//! least that far apart even when one took long to answer), or the pause
//! after a 429.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// The least time between the starts of two Packs calls of one credential.
pub(crate) const PACK_SPACING: Duration = Duration::from_millis(1100);
/// The least time between a 429 answer and the next Packs call.
pub(crate) const PACK_RATE_LIMIT_PAUSE: Duration = Duration::from_secs(10);

/// The pacers of one client, by credential.
#[derive(Default)]
pub(crate) struct Pacers {
    by_credential: Mutex<HashMap<String, Arc<Pacer>>>,
}

impl fmt::Debug for Pacers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pacers").finish_non_exhaustive()
    }
}

impl Pacers {
    /// The pacer of `credential` (an HMAC token id; empty for calls
    /// without one), made on first use.
    pub(crate) fn get(&self, credential: &str) -> Arc<Pacer> {
        let mut map = self
            .by_credential
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        Arc::clone(map.entry(credential.to_owned()).or_default())
    }
}

/// The pacing of one credential.
#[derive(Debug, Default)]
pub(crate) struct Pacer {
    /// The earliest time the next call may start; `None` before the first.
    next: Mutex<Option<Instant>>,
}

impl Pacer {
    /// Waits for this call's turn and reserves it: the next call may start
    /// no sooner than [`PACK_SPACING`] from now. Cancel-safe: a dropped
    /// wait reserves nothing.
    pub(crate) async fn acquire(&self) {
        loop {
            let wait_until = {
                let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
                let now = Instant::now();
                match *next {
                    Some(at) if at > now => at,
                    _ => {
                        *next = Some(now + PACK_SPACING);
                        return;
                    }
                }
            };
            // Another call may have moved the time meanwhile (a 429, or a
            // call that ended late): look again after waking.
            tokio::time::sleep_until(wait_until).await;
        }
    }

    /// Records the end of a call: the next may start no sooner than
    /// [`PACK_SPACING`] from now, or [`PACK_RATE_LIMIT_PAUSE`] from now when
    /// the API answered 429.
    pub(crate) fn finished(&self, rate_limited: bool) {
        let pause = if rate_limited {
            PACK_RATE_LIMIT_PAUSE
        } else {
            PACK_SPACING
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
    async fn spacing_and_pause() {
        let pacer = Pacer::default();
        let start = Instant::now();
        pacer.acquire().await;
        assert_eq!(Instant::now(), start);
        pacer.acquire().await;
        assert_eq!(Instant::now() - start, PACK_SPACING);
        // A call that ends later pushes the next one past its own end.
        tokio::time::advance(Duration::from_millis(500)).await;
        pacer.finished(false);
        let ended = Instant::now();
        pacer.acquire().await;
        assert_eq!(Instant::now() - ended, PACK_SPACING);
        pacer.finished(true);
        let limited = Instant::now();
        pacer.acquire().await;
        assert_eq!(Instant::now() - limited, PACK_RATE_LIMIT_PAUSE);
    }

    #[test]
    fn one_pacer_per_credential() {
        let pacers = Pacers::default();
        assert!(Arc::ptr_eq(&pacers.get("a"), &pacers.get("a")));
        assert!(!Arc::ptr_eq(&pacers.get("a"), &pacers.get("b")));
    }
}
