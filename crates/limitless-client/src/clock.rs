//! Where the client reads the time: request timestamps, order salts and
//! receive windows all come from a [`Clock`].

use std::fmt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A source of the current wall-clock time.
///
/// The client holds an `Arc<dyn Clock>` and reads it once per HTTP attempt
/// (for the HMAC timestamp) and once per order (for the salt and the receive
/// window). Implement it to correct for a skewed host clock or to control time
/// in tests.
pub trait Clock: fmt::Debug + Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> SystemTime;
}

impl<C: Clock + ?Sized> Clock for std::sync::Arc<C> {
    fn now(&self) -> SystemTime {
        (**self).now()
    }
}

/// The host's clock. The default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SystemClock;

impl Clock for SystemClock {
    // This is the one place in the client that reads the wall clock.
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock that reads a time you set: for tests and reproducible requests.
/// Share it through an `Arc` to move time while a client uses it.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use limitless_client::{Clock, FixedClock};
///
/// let clock = FixedClock::new(UNIX_EPOCH + Duration::from_secs(1_770_000_000));
/// clock.advance(Duration::from_millis(250));
/// assert_eq!(clock.now(), UNIX_EPOCH + Duration::from_millis(1_770_000_000_250));
/// ```
#[derive(Debug)]
pub struct FixedClock {
    time: Mutex<SystemTime>,
}

impl FixedClock {
    /// A clock that reads `time` until changed.
    pub fn new(time: SystemTime) -> Self {
        Self {
            time: Mutex::new(time),
        }
    }

    /// A clock that reads `millis` milliseconds after the Unix epoch.
    pub fn from_unix_millis(millis: u64) -> Self {
        Self::new(UNIX_EPOCH + Duration::from_millis(millis))
    }

    /// Sets the time.
    pub fn set(&self, time: SystemTime) {
        *self.lock() = time;
    }

    /// Moves the time forward by `by`.
    pub fn advance(&self, by: Duration) {
        let mut time = self.lock();
        *time += by;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, SystemTime> {
        // A poisoned lock still holds a valid time.
        self.time
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Clock for FixedClock {
    fn now(&self) -> SystemTime {
        *self.lock()
    }
}

/// Milliseconds since the Unix epoch (0 for times before it).
pub(crate) fn unix_millis(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

fn unix_micros(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// The last salt handed out in this process.
static LAST_SALT: AtomicU64 = AtomicU64::new(0);

/// A process-wide, strictly increasing order salt: the time in microseconds
/// since the Unix epoch, or one more than the previous salt if the clock has
/// not moved forward since (or moved back).
pub(crate) fn next_salt(now: SystemTime) -> u64 {
    let micros = unix_micros(now);
    let previous = LAST_SALT
        .fetch_update(Ordering::AcqRel, Ordering::Acquire, |last| {
            Some(salt_after(last, micros))
        })
        .unwrap_or_else(|last| last);
    salt_after(previous, micros)
}

fn salt_after(last: u64, micros: u64) -> u64 {
    micros.max(last.saturating_add(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn salt_is_strictly_increasing_even_with_a_fixed_or_backwards_clock() {
        let t = UNIX_EPOCH + Duration::from_micros(1_770_000_000_000_000);
        let first = next_salt(t);
        assert!(first >= 1_770_000_000_000_000);
        let second = next_salt(t);
        assert!(second > first);
        let earlier = next_salt(UNIX_EPOCH + Duration::from_secs(1));
        assert!(earlier > second);
    }

    #[test]
    fn salt_follows_the_clock_when_it_moves_ahead() {
        assert_eq!(salt_after(5, 1_770_000_000_000_000), 1_770_000_000_000_000);
        assert_eq!(
            salt_after(1_770_000_000_000_000, 1_770_000_000_000_000),
            1_770_000_000_000_001
        );
        assert_eq!(salt_after(1_770_000_000_000_009, 3), 1_770_000_000_000_010);
    }

    #[test]
    fn unix_millis_of_a_fixed_clock() {
        let clock = FixedClock::from_unix_millis(1_770_000_000_123);
        assert_eq!(unix_millis(clock.now()), 1_770_000_000_123);
        clock.set(UNIX_EPOCH);
        assert_eq!(unix_millis(clock.now()), 0);
    }

    #[test]
    fn system_clock_is_after_2020() {
        assert!(unix_millis(SystemClock.now()) > 1_577_836_800_000);
    }
}
