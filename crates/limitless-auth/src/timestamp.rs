use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

use crate::AuthError;

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
        let datetime = OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
            .map_err(|_| AuthError::TimestampOutOfRange)?;
        if !(0..=9999).contains(&datetime.year()) {
            return Err(AuthError::TimestampOutOfRange);
        }
        let text = format(&datetime);
        let at = if millis >= 0 {
            UNIX_EPOCH + Duration::from_millis(millis.unsigned_abs())
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
        let datetime = parse(&bytes).ok_or(AuthError::MalformedTimestamp)?;
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

// The wire form is fixed-width, so it is written and read by hand; `time`
// does the calendar arithmetic and checks (leap years, day of month).

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` for a year in `0..=9999`.
fn format(at: &OffsetDateTime) -> [u8; LEN] {
    let mut text = *b"0000-00-00T00:00:00.000Z";
    // The caller checked the year range, so it is never negative here.
    let year = u16::try_from(at.year()).unwrap_or_default();
    put_digits(&mut text[0..4], u32::from(year));
    put_digits(&mut text[5..7], u32::from(u8::from(at.month())));
    put_digits(&mut text[8..10], u32::from(at.day()));
    put_digits(&mut text[11..13], u32::from(at.hour()));
    put_digits(&mut text[14..16], u32::from(at.minute()));
    put_digits(&mut text[17..19], u32::from(at.second()));
    put_digits(&mut text[20..23], u32::from(at.millisecond()));
    text
}

/// Writes `value` as decimal digits filling `out`, zero-padded.
fn put_digits(out: &mut [u8], mut value: u32) {
    for slot in out.iter_mut().rev() {
        // `value % 10` is a single digit.
        *slot = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

/// Reads the exact wire form; `None` for anything else, including dates
/// that do not exist (February 30th) and out-of-range fields.
fn parse(text: &[u8; LEN]) -> Option<OffsetDateTime> {
    let separators = [
        (4, b'-'),
        (7, b'-'),
        (10, b'T'),
        (13, b':'),
        (16, b':'),
        (19, b'.'),
        (23, b'Z'),
    ];
    if separators.iter().any(|&(at, byte)| text[at] != byte) {
        return None;
    }
    let year = i32::try_from(digits(&text[0..4])?).ok()?;
    let month = Month::try_from(u8::try_from(digits(&text[5..7])?).ok()?).ok()?;
    let day = u8::try_from(digits(&text[8..10])?).ok()?;
    let hour = u8::try_from(digits(&text[11..13])?).ok()?;
    let minute = u8::try_from(digits(&text[14..16])?).ok()?;
    let second = u8::try_from(digits(&text[17..19])?).ok()?;
    let milli = u16::try_from(digits(&text[20..23])?).ok()?;
    let date = Date::from_calendar_date(year, month, day).ok()?;
    let time = Time::from_hms_milli(hour, minute, second, milli).ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_utc())
}

/// The value of a run of ASCII digits; `None` if any byte is not a digit.
fn digits(text: &[u8]) -> Option<u32> {
    text.iter().try_fold(0u32, |value, &byte| {
        byte.is_ascii_digit()
            .then(|| value * 10 + u32::from(byte - b'0'))
    })
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
    fn truncates_towards_the_past_before_the_epoch() {
        let half_ms_before = UNIX_EPOCH - Duration::from_micros(500);
        let ts = Timestamp::from_system_time(half_ms_before).unwrap();
        assert_eq!(ts.as_str(), "1969-12-31T23:59:59.999Z");
        assert_eq!(ts.to_system_time(), UNIX_EPOCH - Duration::from_millis(1));
        let leap = UNIX_EPOCH - Duration::from_millis(2_208_988_800_000 - 5_097_600_000); // 1900-03-01
        assert_eq!(
            Timestamp::from_system_time(leap).unwrap().as_str(),
            "1900-03-01T00:00:00.000Z"
        );
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
