//! The sandbox's one clock: real time shifted by a configurable offset.

use std::time::{Duration, SystemTime};

/// How far the sandbox's clock is from real time.
///
/// Positive offsets put the server ahead of real time, negative ones behind.
/// The offset moves both the HMAC timestamp window and the `Date` header of
/// every response, so a client can be tested against a server whose clock
/// disagrees with its own.
///
/// Build one from milliseconds (`ClockOffset::from(45_000)`), from a signed
/// [`time::Duration`], or with [`ClockOffset::ahead`] / [`ClockOffset::behind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ClockOffset {
    millis: i64,
}

impl ClockOffset {
    /// No offset: the sandbox runs on real time.
    pub const ZERO: Self = Self { millis: 0 };

    /// An offset of `millis` milliseconds; negative is behind real time.
    #[must_use]
    pub const fn from_millis(millis: i64) -> Self {
        Self { millis }
    }

    /// The server's clock runs `by` ahead of real time.
    #[must_use]
    pub fn ahead(by: Duration) -> Self {
        Self::from_millis(i64::try_from(by.as_millis()).unwrap_or(i64::MAX))
    }

    /// The server's clock runs `by` behind real time.
    #[must_use]
    pub fn behind(by: Duration) -> Self {
        Self::from_millis(-i64::try_from(by.as_millis()).unwrap_or(i64::MAX))
    }

    /// The offset in milliseconds; negative is behind real time.
    #[must_use]
    pub const fn as_millis(&self) -> i64 {
        self.millis
    }

    /// Shifts `at` by this offset (saturating at the ends of `SystemTime`).
    pub(crate) fn apply(&self, at: SystemTime) -> SystemTime {
        let magnitude = Duration::from_millis(self.millis.unsigned_abs());
        let shifted = if self.millis >= 0 {
            at.checked_add(magnitude)
        } else {
            at.checked_sub(magnitude)
        };
        shifted.unwrap_or(at)
    }
}

impl From<i64> for ClockOffset {
    fn from(millis: i64) -> Self {
        Self::from_millis(millis)
    }
}

impl From<time::Duration> for ClockOffset {
    fn from(offset: time::Duration) -> Self {
        let millis = offset.whole_milliseconds();
        let millis = i64::try_from(millis).unwrap_or(if millis < 0 { i64::MIN } else { i64::MAX });
        Self::from_millis(millis)
    }
}

/// Real time plus the configured offset. The only place the sandbox reads
/// the wall clock.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SandboxClock {
    offset: ClockOffset,
}

impl SandboxClock {
    pub(crate) fn new(offset: ClockOffset) -> Self {
        Self { offset }
    }

    /// The sandbox's current time.
    pub(crate) fn now(&self) -> SystemTime {
        // The sandbox's designated clock: every other part of the server takes
        // its time from here, so the configured offset applies everywhere.
        #[allow(clippy::disallowed_methods)]
        let real = SystemTime::now();
        self.offset.apply(real)
    }
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use super::*;

    #[test]
    fn offsets_shift_both_ways() {
        let at = UNIX_EPOCH + Duration::from_secs(1_000);
        assert_eq!(
            ClockOffset::from(45_000).apply(at),
            UNIX_EPOCH + Duration::from_secs(1_045)
        );
        assert_eq!(
            ClockOffset::behind(Duration::from_secs(45)).apply(at),
            UNIX_EPOCH + Duration::from_secs(955)
        );
        assert_eq!(
            ClockOffset::from(time::Duration::seconds(-45)).as_millis(),
            -45_000
        );
        assert_eq!(
            ClockOffset::ahead(Duration::from_millis(1_500)).as_millis(),
            1_500
        );
        assert_eq!(ClockOffset::ZERO.apply(at), at);
    }
}
