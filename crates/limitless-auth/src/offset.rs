//! [`ClockOffset`]: how far one clock is from another, in milliseconds.

use std::fmt;
use std::time::{Duration, SystemTime};

/// How far a server's clock is from a reference clock: positive when the
/// server is ahead.
///
/// One type for both sides of the wire: the client learns the API's offset
/// from `Date` headers and signs with its clock plus the offset; the
/// sandbox runs on real time shifted by a configured offset, to test
/// clients against a server whose clock disagrees with theirs.
///
/// ```
/// use std::time::Duration;
/// use limitless_auth::ClockOffset;
///
/// let offset = ClockOffset::from_millis(-45_250);
/// assert_eq!(offset.as_millis(), -45_250);
/// assert_eq!(offset.magnitude().as_millis(), 45_250);
/// assert!(offset.is_behind());
/// assert_eq!(offset.to_string(), "-45.250 s");
/// assert_eq!(ClockOffset::ahead(Duration::from_secs(2)), ClockOffset::from(2_000));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClockOffset {
    millis: i64,
}

impl ClockOffset {
    /// No offset: the clocks agree.
    pub const ZERO: Self = Self { millis: 0 };

    /// An offset of `millis` milliseconds; negative when the server is behind.
    #[must_use]
    pub const fn from_millis(millis: i64) -> Self {
        Self { millis }
    }

    /// The server's clock runs `by` ahead.
    #[must_use]
    pub fn ahead(by: Duration) -> Self {
        Self::from_millis(i64::try_from(by.as_millis()).unwrap_or(i64::MAX))
    }

    /// The server's clock runs `by` behind.
    #[must_use]
    pub fn behind(by: Duration) -> Self {
        Self::from_millis(-i64::try_from(by.as_millis()).unwrap_or(i64::MAX))
    }

    /// `later - earlier` as a signed offset (saturating).
    #[must_use]
    pub fn between(earlier: SystemTime, later: SystemTime) -> Self {
        match later.duration_since(earlier) {
            Ok(ahead) => Self::ahead(ahead),
            Err(behind) => Self::behind(behind.duration()),
        }
    }

    /// The offset in milliseconds; negative when the server is behind.
    #[must_use]
    pub const fn as_millis(self) -> i64 {
        self.millis
    }

    /// The size of the offset, whichever way it goes.
    #[must_use]
    pub const fn magnitude(self) -> Duration {
        Duration::from_millis(self.millis.unsigned_abs())
    }

    /// Whether the server's clock is ahead.
    #[must_use]
    pub const fn is_ahead(self) -> bool {
        self.millis > 0
    }

    /// Whether the server's clock is behind.
    #[must_use]
    pub const fn is_behind(self) -> bool {
        self.millis < 0
    }

    /// `at` moved by this offset (saturating at the ends of `SystemTime`).
    #[must_use]
    pub fn apply(self, at: SystemTime) -> SystemTime {
        let shifted = if self.millis >= 0 {
            at.checked_add(self.magnitude())
        } else {
            at.checked_sub(self.magnitude())
        };
        shifted.unwrap_or(at)
    }
}

impl fmt::Display for ClockOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.millis < 0 { "-" } else { "+" };
        let magnitude = self.millis.unsigned_abs();
        write!(f, "{sign}{}.{:03} s", magnitude / 1000, magnitude % 1000)
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

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use super::*;

    #[test]
    fn offsets_shift_both_ways_and_measure() {
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
        assert_eq!(ClockOffset::ZERO.apply(at), at);
        let later = at + Duration::from_millis(1_250);
        assert_eq!(ClockOffset::between(at, later).as_millis(), 1_250);
        assert_eq!(ClockOffset::between(later, at).as_millis(), -1_250);
        assert_eq!(ClockOffset::from(1_250).to_string(), "+1.250 s");
    }
}
