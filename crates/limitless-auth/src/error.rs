use std::time::Duration;

/// Why credentials or a timestamp could not be used for signing.
///
/// Messages never contain the secret or any part of it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The secret is empty or only whitespace.
    #[error("the HMAC secret is empty: pass the base64 secret returned when the token was derived")]
    EmptySecret,
    /// The secret is not standard, padded base64.
    #[error(
        "the HMAC secret is not valid standard base64 ({reason}); pass the secret exactly as the API returned it"
    )]
    InvalidSecret {
        /// What is wrong, without the offending characters.
        reason: String,
    },
    /// The token id is empty.
    #[error("the token id is empty: pass the tokenId returned when the token was derived")]
    EmptyTokenId,
    /// The token id contains characters that cannot appear in an HTTP header.
    #[error("the token id contains characters that are not visible ASCII")]
    InvalidTokenId,
    /// The time cannot be written as a four-digit-year ISO-8601 timestamp.
    #[error("the time is outside the range of ISO-8601 timestamps with a four-digit year")]
    TimestampOutOfRange,
    /// A timestamp string is not of the form `2026-03-23T12:34:56.789Z`.
    #[error(
        "malformed timestamp: expected ISO-8601 UTC with milliseconds, like 2026-03-23T12:34:56.789Z"
    )]
    MalformedTimestamp,
}

/// Why [`Verifier`](crate::Verifier) rejected a request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// A required header is absent or empty.
    #[error("missing header {header}")]
    MissingHeader {
        /// The header's name.
        header: &'static str,
    },
    /// The timestamp header is not ISO-8601 UTC with milliseconds.
    #[error("malformed lmts-timestamp: expected ISO-8601 UTC with milliseconds")]
    MalformedTimestamp,
    /// The timestamp is further from the verifier's clock than allowed.
    #[error(
        "lmts-timestamp is {}ms {} the server clock, outside the allowed window of {}ms",
        .skew.as_millis(),
        if *.ahead { "ahead of" } else { "behind" },
        .max_skew.as_millis()
    )]
    OutsideWindow {
        /// The distance between the timestamp and the verifier's clock.
        skew: Duration,
        /// Whether the timestamp is ahead of (later than) the verifier's clock.
        ahead: bool,
        /// The allowed distance.
        max_skew: Duration,
    },
    /// No secret is known for the token id.
    #[error("unknown or revoked API token")]
    UnknownToken,
    /// The signature does not match the request.
    #[error("signature does not match the request")]
    BadSignature,
}
