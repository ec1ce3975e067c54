//! Addresses, 32-byte hashes and the keccak-256 hash.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha3::{Digest as _, Keccak256};

use crate::error::{Eip712Error, ErrorKind};

/// Keccak-256 (Ethereum's hash, not NIST SHA3-256) of `data`.
#[must_use]
pub fn keccak256(data: impl AsRef<[u8]>) -> B256 {
    B256(Keccak256::digest(data.as_ref()).into())
}

/// A 32-byte hash: a digest, a struct hash or a domain separator.
/// Displays as `0x` + 64 lower-case hex.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct B256(pub [u8; 32]);

impl B256 {
    /// The bytes.
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for B256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{}", hex::encode(self.0))
    }
}

impl fmt::Debug for B256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl From<[u8; 32]> for B256 {
    fn from(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }
}

impl FromStr for B256 {
    type Err = Eip712Error;

    /// Parses `0x` + 64 hex characters (either case).
    fn from_str(s: &str) -> Result<Self, Eip712Error> {
        let mut out = [0u8; 32];
        match s.strip_prefix("0x") {
            Some(digits) if hex::decode_to_slice(digits, &mut out).is_ok() => Ok(Self(out)),
            _ => Err(Eip712Error::new(
                ErrorKind::InvalidMessage,
                "expected a 32-byte hash: 0x followed by 64 hex characters",
            )),
        }
    }
}

/// A 20-byte account or contract address.
///
/// Parses from `0x` + 40 hex in any case; a mixed-case address must carry
/// a valid EIP-55 checksum (all lower or all upper case skips the check).
/// Displays, serialises and debugs in EIP-55 checksummed form.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Address([u8; 20]);

impl Address {
    /// `0x0000000000000000000000000000000000000000`.
    pub const ZERO: Self = Self([0; 20]);

    /// The address with these bytes.
    #[must_use]
    pub const fn new(bytes: [u8; 20]) -> Self {
        Self(bytes)
    }

    /// The bytes.
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; 20] {
        &self.0
    }

    /// Whether this is the zero address.
    #[must_use]
    pub fn is_zero(&self) -> bool {
        self.0 == [0; 20]
    }

    /// The address as an ABI word: 12 zero bytes, then the 20 bytes.
    pub(crate) fn word(&self) -> [u8; 32] {
        let mut word = [0u8; 32];
        word[12..].copy_from_slice(&self.0);
        word
    }

    /// The address of an uncompressed secp256k1 public key: the last 20
    /// bytes of keccak-256 over its 64 coordinate bytes.
    pub(crate) fn from_public_key(key: &k256::ecdsa::VerifyingKey) -> Self {
        let point = key.to_sec1_point(false);
        // The SEC1 uncompressed form is 0x04 ‖ x ‖ y.
        let hash = keccak256(&point.as_bytes()[1..]);
        let mut bytes = [0u8; 20];
        bytes.copy_from_slice(&hash.0[12..]);
        Self(bytes)
    }

    /// The EIP-55 mixed-case checksummed form, `0x` + 40 hex.
    #[must_use]
    pub fn to_checksum(&self) -> String {
        let lower = hex::encode(self.0);
        let hash = keccak256(lower.as_bytes());
        let mut out = String::with_capacity(42);
        out.push_str("0x");
        for (i, c) in lower.chars().enumerate() {
            let nibble = (hash.0[i / 2] >> (if i % 2 == 0 { 4 } else { 0 })) & 0x0f;
            out.push(if c.is_ascii_alphabetic() && nibble >= 8 {
                c.to_ascii_uppercase()
            } else {
                c
            });
        }
        out
    }

    /// Parses an address, naming `field` in the error.
    pub(crate) fn parse_field(field: &str, value: &str) -> Result<Self, Eip712Error> {
        let invalid = |why: &str| {
            Eip712Error::new(
                ErrorKind::InvalidAddress,
                format!("{field} {value:?} is not an address: {why}"),
            )
        };
        let digits = value
            .strip_prefix("0x")
            .or_else(|| value.strip_prefix("0X"))
            .ok_or_else(|| invalid("it must start with 0x"))?;
        if digits.len() != 40 {
            return Err(invalid(&format!(
                "expected 40 hex characters after 0x, found {}",
                digits.len()
            )));
        }
        let mut bytes = [0u8; 20];
        hex::decode_to_slice(digits, &mut bytes)
            .map_err(|_| invalid("it has a non-hex character"))?;
        let address = Self(bytes);
        let has_lower = digits.bytes().any(|b| b.is_ascii_lowercase());
        let has_upper = digits.bytes().any(|b| b.is_ascii_uppercase());
        if has_lower && has_upper && address.to_checksum()[2..] != *digits {
            return Err(invalid(&format!(
                "its mixed case fails the EIP-55 checksum (expected {}); check it for a typo, or write it all in lower case to skip the check",
                address.to_checksum()
            )));
        }
        Ok(address)
    }
}

impl FromStr for Address {
    type Err = Eip712Error;

    fn from_str(s: &str) -> Result<Self, Eip712Error> {
        Self::parse_field("address", s)
    }
}

impl From<[u8; 20]> for Address {
    fn from(bytes: [u8; 20]) -> Self {
        Self(bytes)
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_checksum())
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_checksum())
    }
}

impl Serialize for Address {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_checksum())
    }
}

impl<'de> Deserialize<'de> for Address {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// An unsigned integer as an ABI `uint256` word (big-endian).
pub(crate) fn u64_word(value: u64) -> [u8; 32] {
    let mut word = [0u8; 32];
    word[24..].copy_from_slice(&value.to_be_bytes());
    word
}

/// Parses decimal digits into a `uint256` word, naming `field` in errors.
pub(crate) fn decimal_word(field: &str, digits: &str) -> Result<[u8; 32], Eip712Error> {
    let invalid = |why: &str| {
        Eip712Error::new(
            ErrorKind::InvalidOrder,
            format!("order {field} {digits:?} {why}"),
        )
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid("must be decimal digits only"));
    }
    let mut word = [0u8; 32];
    for digit in digits.bytes() {
        // word = word * 10 + digit, big-endian, failing on a carry out.
        let mut carry = u16::from(digit - b'0');
        for byte in word.iter_mut().rev() {
            let value = u16::from(*byte) * 10 + carry;
            *byte = (value & 0xff) as u8;
            carry = value >> 8;
        }
        if carry != 0 {
            return Err(invalid("does not fit in a uint256 (at most 2^256 - 1)"));
        }
    }
    Ok(word)
}

/// `0x` + lower-case hex of `bytes`.
pub(crate) fn hex0x(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(2 + bytes.len() * 2);
    out.push_str("0x");
    out.push_str(&hex::encode(bytes));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keccak_of_empty_input_is_the_known_constant() {
        assert_eq!(
            keccak256([]).to_string(),
            "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
        );
    }

    #[test]
    fn checksums_match_the_eip55_examples() {
        for expected in [
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
            "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
        ] {
            let lower: Address = expected.to_lowercase().parse().unwrap();
            assert_eq!(lower.to_string(), expected);
            let upper: Address = format!("0x{}", &expected[2..].to_uppercase())
                .parse()
                .unwrap();
            assert_eq!(upper, lower);
            assert_eq!(expected.parse::<Address>().unwrap(), lower);
        }
    }

    #[test]
    fn a_wrong_mixed_case_checksum_is_refused_with_the_right_one() {
        let err = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"
            .parse::<Address>()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidAddress);
        assert!(
            err.to_string()
                .contains("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"),
            "{err}"
        );
    }

    #[test]
    fn malformed_addresses_say_what_is_wrong() {
        for (input, why) in [
            ("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "start with 0x"),
            ("0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea", "found 38"),
            ("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaeg", "non-hex"),
        ] {
            let err = input.parse::<Address>().unwrap_err();
            assert!(err.to_string().contains(why), "{input}: {err}");
        }
    }

    #[test]
    fn decimal_words_are_exact_up_to_uint256_max() {
        assert_eq!(decimal_word("x", "0").unwrap(), [0; 32]);
        assert_eq!(decimal_word("x", "258").unwrap(), {
            let mut w = [0u8; 32];
            w[30] = 1;
            w[31] = 2;
            w
        });
        let max = "115792089237316195423570985008687907853269984665640564039457584007913129639935";
        assert_eq!(decimal_word("x", max).unwrap(), [0xff; 32]);
        let over = "115792089237316195423570985008687907853269984665640564039457584007913129639936";
        assert!(
            decimal_word("x", over)
                .unwrap_err()
                .to_string()
                .contains("uint256")
        );
        assert!(
            decimal_word("tokenId", "12a")
                .unwrap_err()
                .to_string()
                .contains("tokenId")
        );
        assert!(decimal_word("x", "").is_err());
        assert_eq!(
            decimal_word("x", &u64::MAX.to_string()).unwrap(),
            u64_word(u64::MAX)
        );
    }
}
