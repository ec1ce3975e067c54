//! EIP-191 `personal_sign` messages and the EOA ownership proof sent when
//! creating an EOA sub-account.

use limitless_types::EoaOwnershipProof;
use sha3::{Digest as _, Keccak256};

use crate::error::{Eip712Error, ErrorKind};
use crate::primitives::{Address, B256, hex0x};
use crate::signature::Signature;

/// The message an EOA signs to prove it owns its address, with `{NONCE}`
/// standing for a one-time value.
pub const OWNERSHIP_MESSAGE_TEMPLATE: &str = "Welcome to Limitless.exchange! Please sign this message to verify your identity.\n\nNonce: {NONCE}";

/// The hash `personal_sign` signs: keccak-256 of
/// `"\x19Ethereum Signed Message:\n" ‖ len(message) ‖ message`, the length
/// in decimal.
#[must_use]
pub fn personal_message_hash(message: &[u8]) -> B256 {
    let mut hasher = Keccak256::new();
    hasher.update(b"\x19Ethereum Signed Message:\n");
    hasher.update(message.len().to_string().as_bytes());
    hasher.update(message);
    B256(hasher.finalize().into())
}

/// The address whose key `personal_sign`ed `message`.
///
/// # Errors
///
/// [`ErrorKind::InvalidSignature`] when no key matches.
pub fn recover_personal(message: &[u8], signature: &Signature) -> Result<Address, Eip712Error> {
    signature.recover(&personal_message_hash(message))
}

/// The ownership message for `nonce`, from [`OWNERSHIP_MESSAGE_TEMPLATE`].
#[must_use]
pub fn ownership_message(nonce: &str) -> String {
    OWNERSHIP_MESSAGE_TEMPLATE.replace("{NONCE}", nonce)
}

/// A fresh random nonce: 32 hex characters (128 bits) from the thread RNG.
#[must_use]
pub fn fresh_nonce() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// Checks a nonce a caller chose: non-empty, printable ASCII, so the
/// message stays one unambiguous line after the template's blank line.
pub(crate) fn check_nonce(nonce: &str) -> Result<(), Eip712Error> {
    if nonce.is_empty() || !nonce.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Eip712Error::new(
            ErrorKind::InvalidMessage,
            "the ownership nonce must be non-empty printable ASCII without spaces; leave it unset for a fresh random one",
        ));
    }
    Ok(())
}

/// The `x-signing-message` header value: the message's UTF-8 bytes as
/// `0x`-hex (header values cannot carry the template's line breaks).
#[must_use]
pub fn encode_signing_message(message: &str) -> String {
    hex0x(message.as_bytes())
}

/// Decodes an `x-signing-message` header value (`0x`-hex) to the signed
/// bytes.
///
/// # Errors
///
/// [`ErrorKind::InvalidMessage`] when it is not `0x` + an even number of
/// hex characters, or is empty.
pub fn decode_signing_message(header: &str) -> Result<Vec<u8>, Eip712Error> {
    let bytes = header
        .strip_prefix("0x")
        .and_then(|digits| hex::decode(digits).ok())
        .ok_or_else(|| {
            Eip712Error::new(
                ErrorKind::InvalidMessage,
                "x-signing-message must be the signed message's UTF-8 bytes as 0x-prefixed hex",
            )
        })?;
    if bytes.is_empty() {
        return Err(Eip712Error::new(
            ErrorKind::InvalidMessage,
            "x-signing-message is empty; sign the ownership message and send its hex",
        ));
    }
    Ok(bytes)
}

/// Builds the proof from its parts (the signature made over `message`).
pub(crate) fn proof(account: Address, message: &str, signature: &Signature) -> EoaOwnershipProof {
    EoaOwnershipProof {
        account: account.to_checksum(),
        signing_message: encode_signing_message(message),
        signature: signature.to_string(),
    }
}

/// Checks an EOA ownership proof as the server does: hex-decodes
/// `x-signing-message`, recovers the `personal_sign` signer from
/// `x-signature`, and requires it to be `x-account`. Returns the account.
///
/// # Errors
///
/// [`ErrorKind::InvalidAddress`], [`ErrorKind::InvalidMessage`] or
/// [`ErrorKind::InvalidSignature`] for malformed headers;
/// [`ErrorKind::SignerMismatch`] when another key signed.
pub fn verify_ownership_proof(proof: &EoaOwnershipProof) -> Result<Address, Eip712Error> {
    let account = Address::parse_field("x-account", proof.account.trim())?;
    let message = decode_signing_message(proof.signing_message.trim())?;
    let signature: Signature = proof.signature.trim().parse()?;
    let recovered = recover_personal(&message, &signature)?;
    if recovered != account {
        return Err(Eip712Error::new(
            ErrorKind::SignerMismatch,
            format!(
                "x-signature was made by {recovered}, not by x-account {account}; sign the message with the key of {account}"
            ),
        ));
    }
    Ok(account)
}
