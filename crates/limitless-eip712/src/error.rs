//! The crate's one error type.

use std::error::Error as StdError;
use std::fmt;

use thiserror::Error;

/// What went wrong, for callers that branch on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An address is not `0x` + 40 hex, or its mixed case fails EIP-55.
    InvalidAddress,
    /// A signature is not `0x` + 130 hex, has a bad `v`, a high `s`, or
    /// recovers no key.
    InvalidSignature,
    /// A private key is malformed or outside the curve order.
    InvalidKey,
    /// The private key's environment variable is unset or not UTF-8.
    MissingKey,
    /// An order field cannot be encoded (not a number, out of range, zero
    /// where the API needs a positive value).
    InvalidOrder,
    /// The EIP-712 domain is unusable: chain id 0, or a zero or malformed
    /// verifying contract.
    InvalidDomain,
    /// A signed message is malformed (e.g. `x-signing-message` not hex).
    InvalidMessage,
    /// A signature is valid but made by another key than the one the
    /// order or proof names.
    SignerMismatch,
    /// A signer backend (KMS, HSM, wallet) failed to sign.
    Backend,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::InvalidAddress => "invalid address",
            Self::InvalidSignature => "invalid signature",
            Self::InvalidKey => "invalid private key",
            Self::MissingKey => "missing private key",
            Self::InvalidOrder => "invalid order",
            Self::InvalidDomain => "invalid EIP-712 domain",
            Self::InvalidMessage => "invalid signed message",
            Self::SignerMismatch => "signer mismatch",
            Self::Backend => "signer backend failed",
        })
    }
}

/// An error from building, signing or verifying typed data.
///
/// Opaque: branch on [`kind`](Self::kind). The message says what to change;
/// it never contains key material.
#[derive(Debug, Error)]
#[error("{message}")]
pub struct Eip712Error {
    kind: ErrorKind,
    message: String,
    #[source]
    source: Option<Box<dyn StdError + Send + Sync + 'static>>,
}

impl Eip712Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// An error for a signer backend (KMS, HSM, browser wallet) that could
    /// not sign. `message` should say what the user can do (retry, unlock
    /// the wallet, check permissions); `source` keeps the backend's error.
    #[must_use]
    pub fn backend(
        message: impl Into<String>,
        source: impl Into<Box<dyn StdError + Send + Sync + 'static>>,
    ) -> Self {
        Self {
            kind: ErrorKind::Backend,
            message: message.into(),
            source: Some(source.into()),
        }
    }

    /// What went wrong.
    #[must_use]
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
}
