use std::fmt;
use std::time::SystemTime;

/// Where the signer reads the time for each attempt.
///
/// [`SystemClock`] is the wall clock; any `Fn() -> SystemTime` closure is a
/// clock too, for tests or for a clock corrected by a learned server offset.
pub trait Clock: Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> SystemTime;
}

/// The system's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        #[allow(
            clippy::disallowed_methods,
            reason = "the one place the adapters read the wall clock; everything else takes a Clock"
        )]
        SystemTime::now()
    }
}

impl<F> Clock for F
where
    F: Fn() -> SystemTime + Send + Sync + 'static,
{
    fn now(&self) -> SystemTime {
        self()
    }
}

/// Shows that a clock is there without requiring `Debug` of closures.
pub(crate) struct ClockName;

impl fmt::Debug for ClockName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<clock>")
    }
}
