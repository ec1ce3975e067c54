//! Random identifiers, addresses, hashes and secrets the server hands out.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use limitless_eip712::LocalSigner;
use rand::Rng as _;
use zeroize::Zeroizing;

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    rand::rng().fill(&mut bytes[..]);
    bytes
}

/// A random version-4 UUID in its hyphenated lower-case form.
pub(crate) fn uuid() -> String {
    let mut bytes = random::<16>();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let h = hex(&bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// A random EVM address: `0x` and 40 hex characters.
pub(crate) fn address() -> String {
    format!("0x{}", hex(&random::<20>()))
}

/// A random 32-byte hash: `0x` and 64 hex characters.
pub(crate) fn hash32() -> String {
    format!("0x{}", hex(&random::<32>()))
}

/// A random 65-byte ECDSA-shaped signature: `0x` and 130 hex characters.
pub(crate) fn signature() -> String {
    format!("0x{}", hex(&random::<65>()))
}

/// A fresh HMAC secret: 32 random bytes, standard padded base64.
pub(crate) fn hmac_secret() -> String {
    STANDARD.encode(random::<32>())
}

/// A fresh secp256k1 key: its `0x` + 64 hex form (wiped on drop) and a
/// signer holding it.
pub(crate) fn private_key() -> (Zeroizing<String>, LocalSigner) {
    loop {
        let bytes = Zeroizing::new(random::<32>());
        // Fails only for zero or a value past the curve order, about one
        // draw in 2^128.
        if let Ok(signer) = LocalSigner::from_bytes(&bytes) {
            let mut text = Zeroizing::new(String::with_capacity(66));
            text.push_str("0x");
            for byte in bytes.iter() {
                text.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
                text.push(char::from(b"0123456789abcdef"[usize::from(byte & 0x0f)]));
            }
            return (text, signer);
        }
    }
}

/// A random opaque token for seeded identities.
pub(crate) fn identity_token(prefix: &str) -> String {
    format!("{prefix}-{}", hex(&random::<16>()))
}

#[cfg(test)]
mod tests {
    use limitless_types::is_hex_string;

    use super::*;

    #[test]
    fn shapes() {
        let id = uuid();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!(is_hex_string(&address(), 40));
        assert!(is_hex_string(&hash32(), 64));
        assert!(is_hex_string(&signature(), 130));
        assert_eq!(STANDARD.decode(hmac_secret()).unwrap().len(), 32);
        assert_ne!(hmac_secret(), hmac_secret());
        let (key, signer) = private_key();
        assert!(is_hex_string(&key, 64));
        assert_eq!(
            LocalSigner::from_hex(&key).unwrap().address(),
            signer.address()
        );
    }
}
