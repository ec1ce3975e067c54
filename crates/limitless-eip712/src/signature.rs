//! 65-byte `r‖s‖v` ECDSA signatures and signer recovery.

use std::fmt;
use std::str::FromStr;

use k256::ecdsa::{RecoveryId, Signature as EcdsaSignature, VerifyingKey};

use crate::error::{Eip712Error, ErrorKind};
use crate::primitives::{Address, B256, hex0x};

/// Length of a signature in bytes: `r` (32), `s` (32), `v` (1).
pub const SIGNATURE_LEN: usize = 65;

/// A secp256k1 signature as Ethereum writes it: `r‖s‖v`, `v` = recovery
/// id + 27.
///
/// Parsing accepts `v` as 27/28 or 0/1 (some wallets send the bare
/// recovery id) and stores 27/28. A high `s` is refused (EIP-2): every
/// signature has exactly one accepted form. Displays as `0x` + 130
/// lower-case hex, the wire form; `Debug` shows only `v`, since the
/// project never logs signatures.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature {
    inner: EcdsaSignature,
    recovery: RecoveryId,
}

impl Signature {
    pub(crate) fn from_parts(inner: EcdsaSignature, recovery: RecoveryId) -> Self {
        Self { inner, recovery }
    }

    /// Parses 65 bytes `r‖s‖v`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidSignature`] for a wrong length, a `v` other than
    /// 0, 1, 27 or 28, a zero `r` or `s`, or a high `s`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Eip712Error> {
        let invalid = |why: String| Eip712Error::new(ErrorKind::InvalidSignature, why);
        if bytes.len() != SIGNATURE_LEN {
            return Err(invalid(format!(
                "a signature is {SIGNATURE_LEN} bytes (r, s, v), got {}",
                bytes.len()
            )));
        }
        let v = bytes[64];
        let recovery = match v {
            0 | 1 => v,
            27 | 28 => v - 27,
            _ => {
                return Err(invalid(format!(
                    "signature v must be 27 or 28 (or 0 or 1), got {v}"
                )));
            }
        };
        let recovery = RecoveryId::from_byte(recovery)
            .ok_or_else(|| invalid("signature v is out of range".to_owned()))?;
        let inner = EcdsaSignature::from_slice(&bytes[..64]).map_err(|_| {
            invalid("signature r and s must be non-zero and below the curve order".to_owned())
        })?;
        if inner.normalize_s() != inner {
            return Err(invalid(
                "signature s is in the upper half of the curve order; EIP-2 accepts only the low-s form".to_owned(),
            ));
        }
        Ok(Self { inner, recovery })
    }

    /// The 65 bytes `r‖s‖v`, `v` = 27 or 28.
    #[must_use]
    pub fn to_bytes(&self) -> [u8; SIGNATURE_LEN] {
        let mut out = [0u8; SIGNATURE_LEN];
        out[..64].copy_from_slice(&self.inner.to_bytes());
        out[64] = self.v();
        out
    }

    /// `v`: 27 or 28.
    #[must_use]
    pub fn v(&self) -> u8 {
        self.recovery.to_byte() + 27
    }

    /// The address whose key made this signature over `digest`.
    ///
    /// Any valid signature recovers *some* address; compare it with the one
    /// you expect (or use [`verify`](Self::verify)).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidSignature`] when no public key matches.
    pub fn recover(&self, digest: &B256) -> Result<Address, Eip712Error> {
        VerifyingKey::recover_from_prehash(digest.as_bytes(), &self.inner, self.recovery)
            .map(|key| Address::from_public_key(&key))
            .map_err(|_| {
                Eip712Error::new(
                    ErrorKind::InvalidSignature,
                    "the signature recovers no public key for this digest; it is corrupt or was made over other data",
                )
            })
    }

    /// Checks that `expected`'s key made this signature over `digest`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::SignerMismatch`] naming both addresses when another
    /// key signed; [`ErrorKind::InvalidSignature`] when none did.
    pub fn verify(&self, digest: &B256, expected: Address) -> Result<(), Eip712Error> {
        let recovered = self.recover(digest)?;
        if recovered == expected {
            Ok(())
        } else {
            Err(Eip712Error::new(
                ErrorKind::SignerMismatch,
                format!(
                    "the signature was made by {recovered}, not {expected}; sign with {expected}'s key, or check that the signed data (order fields, chain id, verifying contract) is what was sent"
                ),
            ))
        }
    }
}

impl FromStr for Signature {
    type Err = Eip712Error;

    /// Parses `0x` + 130 hex characters (either case).
    fn from_str(s: &str) -> Result<Self, Eip712Error> {
        let shape = || {
            let found = match s.strip_prefix("0x") {
                None => "it does not start with 0x".to_owned(),
                Some(rest) if rest.len() != 2 * SIGNATURE_LEN => {
                    format!("it has {} characters after 0x", rest.len())
                }
                Some(_) => "it has a non-hex character".to_owned(),
            };
            Eip712Error::new(
                ErrorKind::InvalidSignature,
                format!("a signature is 0x followed by 130 hex characters, but {found}"),
            )
        };
        let digits = s.strip_prefix("0x").ok_or_else(shape)?;
        let mut bytes = [0u8; SIGNATURE_LEN];
        if digits.len() != 2 * SIGNATURE_LEN {
            return Err(shape());
        }
        hex::decode_to_slice(digits, &mut bytes).map_err(|_| shape())?;
        Self::from_bytes(&bytes)
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex0x(&self.to_bytes()))
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signature")
            .field("v", &self.v())
            .finish_non_exhaustive()
    }
}
