//! Timestamps round-trip to the millisecond across the supported range.

use std::time::{Duration, UNIX_EPOCH};

use limitless_auth::Timestamp;
use proptest::prelude::*;

use crate::at_millis;

/// 2100-12-31T23:59:59.999Z
const MAX_MILLIS: u64 = 4_133_980_799_999;

proptest! {
    #[test]
    fn round_trips_to_the_millisecond(millis in 0u64..=MAX_MILLIS, sub_ms_nanos in 0u32..1_000_000) {
        let at = at_millis(millis) + Duration::from_nanos(u64::from(sub_ms_nanos));
        let ts = Timestamp::from_system_time(at).unwrap();
        prop_assert_eq!(ts.as_str().len(), 24);
        prop_assert!(ts.as_str().ends_with('Z'));
        prop_assert_eq!(ts.to_system_time(), at_millis(millis));
        let parsed = Timestamp::parse(ts.as_str()).unwrap();
        prop_assert_eq!(parsed, ts);
        prop_assert_eq!(parsed.to_system_time().duration_since(UNIX_EPOCH).unwrap().as_millis(), u128::from(millis));
    }
}

#[test]
fn leap_days_and_range_edges() {
    let cases = [
        (0, "1970-01-01T00:00:00.000Z"),
        (951_782_400_000, "2000-02-29T00:00:00.000Z"),
        (1_709_164_799_999, "2024-02-28T23:59:59.999Z"),
        (1_709_164_800_000, "2024-02-29T00:00:00.000Z"),
        (1_709_251_199_999, "2024-02-29T23:59:59.999Z"),
        (4_107_456_000_000, "2100-02-28T00:00:00.000Z"),
        (4_107_542_400_000, "2100-03-01T00:00:00.000Z"), // 2100 is not a leap year
        (MAX_MILLIS, "2100-12-31T23:59:59.999Z"),
    ];
    for (millis, text) in cases {
        let ts = Timestamp::from_system_time(at_millis(millis)).unwrap();
        assert_eq!(ts.as_str(), text);
        assert_eq!(
            Timestamp::parse(text).unwrap().to_system_time(),
            at_millis(millis)
        );
    }
    assert!(Timestamp::parse("2100-02-29T00:00:00.000Z").is_err());
    assert!(Timestamp::parse("2023-02-29T00:00:00.000Z").is_err());
}
