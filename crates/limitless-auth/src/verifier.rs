use std::collections::HashMap;
use std::fmt;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::{
    HEADER_API_KEY, HEADER_SIGNATURE, HEADER_TIMESTAMP, Signer, SigningInput, Timestamp,
    VerifyError,
};

/// The window the Limitless API allows between a request's timestamp and its
/// own clock.
pub const DEFAULT_MAX_SKEW: Duration = Duration::from_secs(30);

/// Finds the signer (the decoded secret) for a token id.
///
/// Implemented for `HashMap<String, Signer>` and for closures
/// `Fn(&str) -> Option<Signer>`, so a server can back it with any store.
pub trait KeyStore {
    /// The signer for `token_id`, or `None` if the token is unknown or revoked.
    fn signer(&self, token_id: &str) -> Option<Signer>;
}

impl KeyStore for HashMap<String, Signer> {
    fn signer(&self, token_id: &str) -> Option<Signer> {
        self.get(token_id).cloned()
    }
}

impl<F> KeyStore for F
where
    F: Fn(&str) -> Option<Signer>,
{
    fn signer(&self, token_id: &str) -> Option<Signer> {
        self(token_id)
    }
}

/// What arrived on the wire: the three headers (absent ones as `None`) and the
/// request's method, path with query, and exact body bytes.
///
/// `Debug` redacts the signature: inside its window it authenticates the
/// request.
#[derive(Clone, Copy)]
pub struct VerificationRequest<'a> {
    /// The `lmts-api-key` header.
    pub api_key: Option<&'a str>,
    /// The `lmts-timestamp` header.
    pub timestamp: Option<&'a str>,
    /// The `lmts-signature` header.
    pub signature: Option<&'a str>,
    /// The HTTP method.
    pub method: &'a str,
    /// The path with its query string exactly as received.
    pub path_and_query: &'a str,
    /// The exact body bytes received.
    pub body: &'a [u8],
}

impl fmt::Debug for VerificationRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerificationRequest")
            .field("api_key", &self.api_key)
            .field("timestamp", &self.timestamp)
            .field("signature", &self.signature.map(|_| "<redacted>"))
            .field("method", &self.method)
            .field("path_and_query", &self.path_and_query)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// Checks signed requests: the server side of [`Signer`].
///
/// The signature comparison is constant-time. Time is an argument, so tests
/// and servers with their own clocks control it.
#[derive(Debug, Clone, Copy)]
pub struct Verifier {
    max_skew: Duration,
}

impl Default for Verifier {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_SKEW)
    }
}

impl Verifier {
    /// A verifier that accepts timestamps within `max_skew` of its clock.
    pub fn new(max_skew: Duration) -> Self {
        Self { max_skew }
    }

    /// The allowed distance between a request's timestamp and `now`.
    pub fn max_skew(&self) -> Duration {
        self.max_skew
    }

    /// Verifies `request` at time `now`, returning the authenticated token id.
    ///
    /// Checks, in order: all three headers present, timestamp well formed,
    /// token known, timestamp within the window, signature correct.
    pub fn verify(
        &self,
        request: &VerificationRequest<'_>,
        keys: &impl KeyStore,
        now: SystemTime,
    ) -> Result<String, VerifyError> {
        let api_key = required(request.api_key, HEADER_API_KEY)?;
        let timestamp = required(request.timestamp, HEADER_TIMESTAMP)?;
        let signature = required(request.signature, HEADER_SIGNATURE)?;

        let timestamp = Timestamp::parse(timestamp).map_err(|_| VerifyError::MalformedTimestamp)?;
        let signer = keys.signer(api_key).ok_or(VerifyError::UnknownToken)?;

        let (skew, ahead) = match timestamp.to_system_time().duration_since(now) {
            Ok(ahead) => (ahead, true),
            Err(behind) => (behind.duration(), false),
        };
        if skew > self.max_skew {
            return Err(VerifyError::OutsideWindow {
                skew,
                ahead,
                max_skew: self.max_skew,
            });
        }

        // Room for the decoder's length estimate; a valid MAC is exactly 32 bytes.
        let mut mac = [0u8; 48];
        let mac = match STANDARD.decode_slice(signature, &mut mac) {
            Ok(32) => &mac[..32],
            _ => return Err(VerifyError::BadSignature),
        };
        let input = SigningInput {
            timestamp: &timestamp,
            method: request.method,
            path_and_query: request.path_and_query,
            body: request.body,
        };
        if signer.verify_mac(&input, mac) {
            Ok(signer.token_id().to_owned())
        } else {
            Err(VerifyError::BadSignature)
        }
    }
}

fn required<'a>(value: Option<&'a str>, header: &'static str) -> Result<&'a str, VerifyError> {
    match value {
        Some(value) if !value.is_empty() => Ok(value),
        _ => Err(VerifyError::MissingHeader { header }),
    }
}
