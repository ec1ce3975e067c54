//! Where signers read the time: [`Clock`], the host's [`SystemClock`] and
//! a [`FixedClock`] for tests.

use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A source of the current wall-clock time.
///
/// Signers take the time as an argument; whoever signs reads it from a
/// `Clock`. The REST client holds an `Arc<dyn Clock>` and reads it once per
/// HTTP attempt (for the HMAC timestamp) and once per order (for the salt
/// and the receive window); the stream client reads it once per handshake.
/// Implement it to correct for a skewed host clock or to control time in
/// tests.
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
    // The one place in the SDK's signing paths that reads the wall clock.
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
/// use limitless_auth::{Clock, FixedClock};
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
