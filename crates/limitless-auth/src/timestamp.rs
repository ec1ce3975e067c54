use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use time::PrimitiveDateTime;
use time::format_description::FormatItem;
use time::macros::format_description;

use crate::AuthError;

const FORMAT: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

/// Length of a formatted timestamp, e.g. `2026-03-23T12:34:56.789Z`.
const LEN: usize = 24;

/// A request timestamp: ISO-8601 UTC with milliseconds and `Z`, as the API
/// expects in `lmts-timestamp` (`2026-03-23T12:34:56.789Z`).
///
/// Made from a [`SystemTime`] the caller provides (this crate never reads
/// the clock), truncated to the millisecond. The text is kept inline, so a
/// timestamp costs no allocation.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timestamp {
    text: [u8; LEN],
    at: SystemTime,
}

impl Timestamp {
    /// Formats `at`, truncated to the millisecond.
    ///
    /// Fails only for times whose year is not in `0000..=9999`.
    pub fn from_system_time(at: SystemTime) -> Result<Self, AuthError> {
        // Milliseconds fit an i64 for ±292 million years; 64-bit division is
        // much cheaper than 128-bit.
        let millis: i64 = match at.duration_since(UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_millis()),
            // Truncation goes towards the past: 0.5 ms before the epoch is -1 ms.
            Err(before) => {
                let before = before.duration();
                let whole = i64::try_from(before.as_millis());
                whole.map(|ms| -ms - i64::from(before.subsec_nanos() % 1_000_000 != 0))
            }
        }
        .map_err(|_| AuthError::TimestampOutOfRange)?;
        let days = millis.div_euclid(MILLIS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        if !(0..=9999).contains(&year) {
            return Err(AuthError::TimestampOutOfRange);
        }
        // In 0..86_400_000: fits u32.
        let of_day = millis.rem_euclid(MILLIS_PER_DAY) as u32;
        let mut text = *b"0000-00-00T00:00:00.000Z";
        // `year` is in 0..=9999, so it fits u32.
        write_digits(&mut text[0..4], year as u32);
        write_digits(&mut text[5..7], month);
        write_digits(&mut text[8..10], day);
        write_digits(&mut text[11..13], of_day / 3_600_000);
        write_digits(&mut text[14..16], of_day / 60_000 % 60);
        write_digits(&mut text[17..19], of_day / 1_000 % 60);
        write_digits(&mut text[20..23], of_day % 1_000);
        let at = if millis >= 0 {
            UNIX_EPOCH + Duration::from_millis(millis as u64)
        } else {
            UNIX_EPOCH - Duration::from_millis(millis.unsigned_abs())
        };
        Ok(Self { text, at })
    }

    /// Parses the exact wire form `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    pub fn parse(text: &str) -> Result<Self, AuthError> {
        let bytes: [u8; LEN] = text
            .as_bytes()
            .try_into()
            .map_err(|_| AuthError::MalformedTimestamp)?;
        let datetime = PrimitiveDateTime::parse(text, FORMAT)
            .map_err(|_| AuthError::MalformedTimestamp)?
            .assume_utc();
        Ok(Self {
            text: bytes,
            at: datetime.into(),
        })
    }

    /// The formatted timestamp.
    pub fn as_str(&self) -> &str {
        // Only ASCII digits and separators are ever written.
        std::str::from_utf8(&self.text).unwrap_or_default()
    }

    /// The formatted timestamp's bytes, without the UTF-8 check of
    /// [`as_str`](Self::as_str): what the signer hashes.
    pub(crate) fn as_bytes(&self) -> &[u8; LEN] {
        &self.text
    }

    /// The instant, truncated to the millisecond.
    pub fn to_system_time(&self) -> SystemTime {
        self.at
    }
}

const MILLIS_PER_DAY: i64 = 86_400_000;

/// The proleptic Gregorian `(year, month, day)` of a count of days since
/// 1970-01-01 (negative before it).
///
/// Counts in 400-year eras that start on 1 March, so the leap day is the
/// last day of an era's year: the year of the era follows from the day of
/// the era by integer division alone, and the month from the day of that
/// year by a linear formula over the months March..February.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    // Days from 0000-03-01 to 1970-01-01.
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097); // 0..=146_096
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365; // 0..=399
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100); // 0..=365
    let month_from_march = (5 * day_of_year + 2) / 153; // 0..=11
    // Both in small ranges: the casts cannot truncate.
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Writes `value` as decimal digits filling `out`, zero-padded on the left.
fn write_digits(out: &mut [u8], mut value: u32) {
    for digit in out.iter_mut().rev() {
        // A single decimal digit: the cast cannot truncate.
        *digit = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Timestamp").field(&self.as_str()).finish()
    }
}

impl AsRef<str> for Timestamp {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn formats_with_milliseconds_and_z() {
        let at = UNIX_EPOCH + Duration::from_nanos(1_774_269_296_789_999_999);
        let ts = Timestamp::from_system_time(at).unwrap();
        assert_eq!(ts.as_str(), "2026-03-23T12:34:56.789Z");
        assert_eq!(
            ts.to_system_time(),
            UNIX_EPOCH + Duration::from_millis(1_774_269_296_789)
        );
        assert_eq!(
            Timestamp::from_system_time(UNIX_EPOCH).unwrap().as_str(),
            "1970-01-01T00:00:00.000Z"
        );
    }

    #[test]
    fn parse_is_strict() {
        assert!(Timestamp::parse("2026-03-23T12:34:56.789Z").is_ok());
        for bad in [
            "",
            "2026-03-23T12:34:56Z",
            "2026-03-23T12:34:56.789",
            "2026-03-23T12:34:56.789+00:00",
            "2026-03-23 12:34:56.789Z",
            "2026-02-30T12:34:56.789Z",
            "2026-03-23T24:34:56.789Z",
        ] {
            assert_eq!(
                Timestamp::parse(bad),
                Err(AuthError::MalformedTimestamp),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn agrees_with_the_time_crate_from_year_0_to_9999() {
        fn reference(nanos: i128) -> String {
            let floored = nanos - nanos.rem_euclid(1_000_000);
            time::OffsetDateTime::from_unix_timestamp_nanos(floored)
                .unwrap()
                .format(FORMAT)
                .unwrap()
        }
        fn at(nanos: i128) -> SystemTime {
            let magnitude = nanos.unsigned_abs();
            let span = Duration::new(
                (magnitude / 1_000_000_000) as u64,
                (magnitude % 1_000_000_000) as u32,
            );
            if nanos >= 0 {
                UNIX_EPOCH + span
            } else {
                UNIX_EPOCH - span
            }
        }
        // 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z in nanoseconds.
        let first = -62_167_219_200_000_000_000_i128;
        let last = 253_402_300_799_999_999_999_i128;
        let mut nanos = vec![first, last, -1, 0, 1, -999_999, -1_000_000, -1_000_001];
        // Leap days, century years and the ends of months and years.
        for day in [
            "2000-02-29",
            "1900-02-28",
            "1900-03-01",
            "2024-02-29",
            "2100-03-01",
            "0004-02-29",
            "1969-12-31",
            "1970-01-01",
            "2026-12-31",
            "0400-02-29",
            "9999-02-28",
        ] {
            let date = time::Date::parse(
                day,
                time::macros::format_description!("[year]-[month]-[day]"),
            )
            .unwrap();
            let midnight = date.midnight().assume_utc().unix_timestamp_nanos();
            nanos.extend([midnight, midnight - 1, midnight + 86_399_999_999_999]);
        }
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            nanos.push(first + i128::from(state) % (last - first));
        }
        for nanos in nanos {
            let timestamp = Timestamp::from_system_time(at(nanos)).unwrap();
            assert_eq!(timestamp.as_str(), reference(nanos), "{nanos}");
            let floored = nanos - nanos.rem_euclid(1_000_000);
            assert_eq!(timestamp.to_system_time(), at(floored), "{nanos}");
            assert_eq!(Timestamp::parse(timestamp.as_str()), Ok(timestamp));
        }
    }

    #[test]
    fn rejects_years_beyond_four_digits() {
        let far = UNIX_EPOCH + Duration::from_secs(253_402_300_800); // 10000-01-01
        assert_eq!(
            Timestamp::from_system_time(far),
            Err(AuthError::TimestampOutOfRange)
        );
        // One millisecond before 0000-01-01.
        let early = UNIX_EPOCH - Duration::from_millis(62_167_219_200_001);
        assert_eq!(
            Timestamp::from_system_time(early),
            Err(AuthError::TimestampOutOfRange)
        );
    }
}
