//! HMAC-SHA256 request signing for the Limitless Exchange API.
//!
//! Every scoped-token call to the API carries three headers:
//! `lmts-api-key` (the token id), `lmts-timestamp` (ISO-8601 UTC with
//! milliseconds) and `lmts-signature`: the standard, padded base64 of
//! HMAC-SHA256 over the canonical message
//!
//! ```text
//! {timestamp}\n{METHOD}\n{path?query}\n{body}
//! ```
//!
//! keyed with the base64-decoded token secret. This crate computes and checks
//! those headers and nothing else: no HTTP library, no async runtime. The
//! signer and verifier take the time as an argument; [`Clock`] is where the
//! SDK's clients read it ([`SystemClock`], or a [`FixedClock`] in tests), so
//! the REST and the stream client can share one skew-corrected clock. Use it
//! directly to sign requests sent with any HTTP stack, or on the server side
//! (a proxy, a test double) through [`Verifier`].
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use limitless_auth::{HmacCredentials, Signer, SigningInput, Timestamp};
//!
//! let credentials = HmacCredentials {
//!     token_id: "tok_123".to_string(),
//!     secret: "c3VwZXItc2VjcmV0LWtleQ==".to_string(),
//! };
//! let signer = Signer::new(&credentials)?;
//!
//! // The caller owns the clock; here a fixed instant.
//! let timestamp = Timestamp::from_system_time(UNIX_EPOCH + Duration::from_millis(1_774_269_296_789))?;
//! assert_eq!(timestamp.as_str(), "2026-03-23T12:34:56.789Z");
//!
//! let headers = signer.sign(&SigningInput {
//!     timestamp: &timestamp,
//!     method: "PATCH",
//!     path_and_query: "/orders?market=btc",
//!     body: br#"{"foo":"bar"}"#,
//! });
//! assert_eq!(headers.signature(), "mgMUpOd7FH4sOSti2MF30YKF9yDq+67VjFksPa5I5eE=");
//! for (name, value) in &headers {
//!     // request.header(name, value)
//!     # let _ = (name, value);
//! }
//! # Ok::<(), limitless_auth::AuthError>(())
//! ```

mod canonical;
mod clock;
mod credentials;
mod error;
mod headers;
mod offset;
mod signer;
mod timestamp;
mod verifier;

pub use canonical::{canonical_message, canonical_message_bytes};
pub use clock::{Clock, FixedClock, SystemClock};
pub use credentials::HmacCredentials;
pub use error::{AuthError, VerifyError};
pub use headers::{
    CREDENTIAL_HEADERS, HEADER_API_KEY, HEADER_IDENTITY, HEADER_SIGNATURE, HEADER_TIMESTAMP,
    HEADER_X_API_KEY, is_secret_header,
};
pub use offset::ClockOffset;
pub use signer::{SignedHeaders, SignedHeadersIter, Signer, SigningInput};
pub use timestamp::Timestamp;
pub use verifier::{DEFAULT_MAX_SKEW, KeyStore, VerificationRequest, Verifier};
