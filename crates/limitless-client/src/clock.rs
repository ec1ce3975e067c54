//! Where the client reads the time: request timestamps, order salts and
//! receive windows all come from a [`Clock`].

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use limitless_auth::{Clock, ClockOffset};

/// The `Date` header has one-second resolution: offsets that differ by less
/// than this are the same measurement.
const DATE_RESOLUTION_MS: i64 = 1_000;

/// The client's clock corrected by the server offset it learned.
///
/// The offset is one atomic integer: reading the time never waits on a lock,
/// and responses arriving concurrently simply keep the latest estimate.
pub(crate) struct SkewCorrectedClock {
    base: Arc<dyn Clock>,
    enabled: bool,
    offset_ms: AtomicI64,
}

impl SkewCorrectedClock {
    /// Corrects `base` when `enabled`; otherwise reads `base` as it is.
    pub(crate) fn new(base: Arc<dyn Clock>, enabled: bool) -> Self {
        Self {
            base,
            enabled,
            offset_ms: AtomicI64::new(0),
        }
    }

    /// Whether the offset is learned and applied.
    pub(crate) fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// The uncorrected time of the configured clock.
    pub(crate) fn base_now(&self) -> SystemTime {
        self.base.now()
    }

    /// The offset applied now.
    pub(crate) fn offset(&self) -> ClockOffset {
        ClockOffset::from_millis(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Learns the offset from one exchange: `sent` and `received` are read
    /// from the configured clock around it, `server_date` is the response's
    /// `Date`. The server's time is taken at the midpoint of the exchange,
    /// half a second into the `Date` second (its resolution). The estimate
    /// replaces the current offset only when it differs by more than that
    /// resolution, so a steady offset does not jitter. Returns the new offset
    /// when it changed.
    pub(crate) fn observe(
        &self,
        sent: SystemTime,
        received: SystemTime,
        server_date: SystemTime,
    ) -> Option<ClockOffset> {
        if !self.enabled {
            return None;
        }
        let exchange = received.duration_since(sent).unwrap_or_default();
        let midpoint = sent + exchange / 2;
        let server_time = server_date + Duration::from_millis(500);
        let estimate = ClockOffset::between(midpoint, server_time);
        let current = self.offset_ms.load(Ordering::Relaxed);
        if estimate.as_millis().abs_diff(current) <= DATE_RESOLUTION_MS.unsigned_abs() {
            return None;
        }
        self.offset_ms
            .store(estimate.as_millis(), Ordering::Relaxed);
        Some(estimate)
    }
}

impl fmt::Debug for SkewCorrectedClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SkewCorrectedClock")
            .field("base", &self.base)
            .field("enabled", &self.enabled)
            .field("offset", &self.offset())
            .finish()
    }
}

impl Clock for SkewCorrectedClock {
    fn now(&self) -> SystemTime {
        self.offset().apply(self.base.now())
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
    use limitless_auth::{FixedClock, SystemClock};

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

    fn at(millis: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(millis)
    }

    #[test]
    fn the_offset_is_learned_at_the_midpoint_and_applied() {
        let base = Arc::new(FixedClock::from_unix_millis(1_770_000_000_000));
        let clock = SkewCorrectedClock::new(base.clone(), true);
        assert_eq!(clock.now(), at(1_770_000_000_000));
        // Sent at .000, answered at .400: midpoint .200. The server's Date
        // says second 45 later, read as 45.5 s: offset 45.3 s.
        let learned = clock.observe(
            at(1_770_000_000_000),
            at(1_770_000_000_400),
            at(1_770_000_045_000),
        );
        assert_eq!(learned, Some(ClockOffset::from_millis(45_300)));
        assert_eq!(clock.offset().as_millis(), 45_300);
        assert_eq!(clock.now(), at(1_770_000_045_300));
        assert_eq!(clock.base_now(), at(1_770_000_000_000));

        // A later estimate within the Date's one-second resolution keeps it.
        assert_eq!(
            clock.observe(
                at(1_770_000_001_000),
                at(1_770_000_001_000),
                at(1_770_000_046_000),
            ),
            None
        );
        assert_eq!(clock.offset().as_millis(), 45_300);

        // A server behind by 45 s.
        let learned = clock.observe(
            at(1_770_000_100_000),
            at(1_770_000_100_000),
            at(1_770_000_055_000),
        );
        assert_eq!(learned, Some(ClockOffset::from_millis(-44_500)));
        assert_eq!(clock.now(), at(1_770_000_000_000 - 44_500));
    }

    #[test]
    fn a_synchronised_clock_keeps_a_zero_offset() {
        let clock = SkewCorrectedClock::new(Arc::new(FixedClock::from_unix_millis(5_300)), true);
        assert_eq!(clock.observe(at(5_300), at(5_300), at(5_000)), None);
        assert_eq!(clock.offset(), ClockOffset::ZERO);
    }

    #[test]
    fn a_disabled_correction_never_learns() {
        let clock = SkewCorrectedClock::new(Arc::new(FixedClock::from_unix_millis(0)), false);
        assert_eq!(clock.observe(at(0), at(0), at(90_000)), None);
        assert_eq!(clock.offset(), ClockOffset::ZERO);
        assert_eq!(clock.now(), at(0));
    }

    #[test]
    fn offsets_display_and_apply_both_ways() {
        assert_eq!(ClockOffset::from_millis(45_007).to_string(), "+45.007 s");
        assert_eq!(ClockOffset::ZERO.to_string(), "+0.000 s");
        assert_eq!(ClockOffset::from_millis(-1).to_string(), "-0.001 s");
        assert_eq!(
            ClockOffset::between(at(10_000), at(4_000)),
            ClockOffset::from_millis(-6_000)
        );
        assert_eq!(
            ClockOffset::from_millis(-6_000).apply(at(10_000)),
            at(4_000)
        );
        assert_eq!(ClockOffset::ZERO.apply(at(10_000)), at(10_000));
    }

    #[test]
    fn system_clock_is_after_2020() {
        assert!(unix_millis(SystemClock.now()) > 1_577_836_800_000);
    }
}
