use std::fmt;
use std::time::Duration;

// Display and Error are written out rather than derived: a derive macro
// would pull a proc-macro toolchain (syn, quote) into every build of this
// crate, which FFI and Python users link on its own.

/// Why credentials or a timestamp could not be used for signing.
///
/// Messages never contain the secret or any part of it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthError {
    /// The secret is empty or only whitespace.
    EmptySecret,
    /// The secret is not standard, padded base64.
    InvalidSecret {
        /// What is wrong, without the offending characters.
        reason: String,
    },
    /// The token id is empty.
    EmptyTokenId,
    /// The token id contains characters that cannot appear in an HTTP header.
    InvalidTokenId,
    /// The time cannot be written as a four-digit-year ISO-8601 timestamp.
    TimestampOutOfRange,
    /// A timestamp string is not of the form `2026-03-23T12:34:56.789Z`.
    MalformedTimestamp,
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmptySecret => f.write_str(
                "the HMAC secret is empty: pass the base64 secret returned when the token was derived",
            ),
            Self::InvalidSecret { reason } => write!(
                f,
                "the HMAC secret is not valid standard base64 ({reason}); pass the secret exactly as the API returned it"
            ),
            Self::EmptyTokenId => f.write_str(
                "the token id is empty: pass the tokenId returned when the token was derived",
            ),
            Self::InvalidTokenId => {
                f.write_str("the token id contains characters that are not visible ASCII")
            }
            Self::TimestampOutOfRange => f.write_str(
                "the time is outside the range of ISO-8601 timestamps with a four-digit year",
            ),
            Self::MalformedTimestamp => f.write_str(
                "malformed timestamp: expected ISO-8601 UTC with milliseconds, like 2026-03-23T12:34:56.789Z",
            ),
        }
    }
}

impl std::error::Error for AuthError {}

/// Why [`Verifier`](crate::Verifier) rejected a request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// A required header is absent or empty.
    MissingHeader {
        /// The header's name.
        header: &'static str,
    },
    /// The timestamp header is not ISO-8601 UTC with milliseconds.
    MalformedTimestamp,
    /// The timestamp is further from the verifier's clock than allowed.
    OutsideWindow {
        /// The distance between the timestamp and the verifier's clock.
        skew: Duration,
        /// Whether the timestamp is ahead of (later than) the verifier's clock.
        ahead: bool,
        /// The allowed distance.
        max_skew: Duration,
    },
    /// No secret is known for the token id.
    UnknownToken,
    /// The signature does not match the request.
    BadSignature,
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingHeader { header } => write!(f, "missing header {header}"),
            Self::MalformedTimestamp => {
                f.write_str("malformed lmts-timestamp: expected ISO-8601 UTC with milliseconds")
            }
            Self::OutsideWindow {
                skew,
                ahead,
                max_skew,
            } => write!(
                f,
                "lmts-timestamp is {}ms {} the server clock, outside the allowed window of {}ms",
                skew.as_millis(),
                if *ahead { "ahead of" } else { "behind" },
                max_skew.as_millis()
            ),
            Self::UnknownToken => f.write_str("unknown or revoked API token"),
            Self::BadSignature => f.write_str("signature does not match the request"),
        }
    }
}

impl std::error::Error for VerifyError {}
