//! Pure input checks shared by the client (before sending) and the sandbox
//! (when receiving). Each returns a [`ValidationError`] naming the field and
//! the expected shape. Hand-written; no regular expressions.

use crate::error::ValidationError;
use crate::limits::MAX_DISPLAY_NAME_LENGTH;

/// Whether `value` is `0x` followed by exactly `hex_len` hex digits (either
/// case): the shape of addresses (40), hashes and condition ids (64) and
/// ECDSA signatures (130).
///
/// ```
/// use limitless_types::is_hex_string;
///
/// assert!(is_hex_string("0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", 40));
/// assert!(!is_hex_string("833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", 40));
/// assert!(!is_hex_string("0x12", 40));
/// ```
#[must_use]
pub fn is_hex_string(value: &str, hex_len: usize) -> bool {
    value.len() == hex_len.saturating_add(2)
        && value.starts_with("0x")
        && value.bytes().skip(2).all(|b| b.is_ascii_hexdigit())
}

fn describe(value: &str) -> String {
    if !value.starts_with("0x") {
        "it does not start with 0x".to_owned()
    } else if value.bytes().skip(2).any(|b| !b.is_ascii_hexdigit()) {
        "it has a non-hex character after 0x".to_owned()
    } else {
        format!("it has {} hex characters after 0x", value.len() - 2)
    }
}

/// Checks a condition id: `0x` followed by exactly 64 hex characters.
///
/// # Errors
///
/// A [`ValidationError`] for `condition_id` saying what is wrong.
pub fn validate_condition_id(condition_id: &str) -> Result<(), ValidationError> {
    if is_hex_string(condition_id, 64) {
        Ok(())
    } else {
        Err(ValidationError::new(
            "condition_id",
            format!(
                "expected 0x followed by 64 hex characters, but {}",
                describe(condition_id)
            ),
        ))
    }
}

/// Checks an EVM address: `0x` followed by exactly 40 hex characters.
/// `field` names the input in the error (`token`, `destination`, ...).
///
/// # Errors
///
/// A [`ValidationError`] for `field` saying what is wrong.
pub fn validate_address(field: &'static str, address: &str) -> Result<(), ValidationError> {
    if is_hex_string(address, 40) {
        Ok(())
    } else {
        Err(ValidationError::new(
            field,
            format!(
                "expected an address, 0x followed by 40 hex characters, but {}",
                describe(address)
            ),
        ))
    }
}

/// Checks an amount in the token's smallest unit: ASCII digits only, not
/// zero (`"0"` and `"00"` are both refused).
///
/// # Errors
///
/// A [`ValidationError`] for `amount` saying what is wrong.
pub fn validate_amount(amount: &str) -> Result<(), ValidationError> {
    if amount.is_empty() || !amount.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ValidationError::new(
            "amount",
            format!(
                "expected a whole number of the token's smallest unit as digits only (e.g. \"1000000\" for 1 USDC), got {amount:?}"
            ),
        ));
    }
    if amount.bytes().all(|b| b == b'0') {
        return Err(ValidationError::new(
            "amount",
            "must be greater than zero (smallest valid amount: \"1\")",
        ));
    }
    Ok(())
}

/// Checks a position token id: ASCII digits only, not zero.
///
/// # Errors
///
/// A [`ValidationError`] for `token_id` saying what is wrong.
pub fn validate_token_id(token_id: &str) -> Result<(), ValidationError> {
    if token_id.is_empty() || !token_id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ValidationError::new(
            "token_id",
            format!(
                "expected the decimal digits of a position token id (see the market's `tokens`), got {token_id:?}"
            ),
        ));
    }
    if token_id.bytes().all(|b| b == b'0') {
        return Err(ValidationError::new(
            "token_id",
            "must not be zero; use the market's `tokens.yes` or `tokens.no`",
        ));
    }
    Ok(())
}

/// Checks a sub-account profile id given as `onBehalfOf`: must be positive.
///
/// # Errors
///
/// A [`ValidationError`] for `on_behalf_of`.
pub fn validate_on_behalf_of(on_behalf_of: i64) -> Result<(), ValidationError> {
    if on_behalf_of > 0 {
        Ok(())
    } else {
        Err(ValidationError::new(
            "on_behalf_of",
            format!("must be a positive profile id, got {on_behalf_of}"),
        ))
    }
}

/// Checks a sub-account display name: at most
/// [`MAX_DISPLAY_NAME_LENGTH`] characters (Unicode scalar
/// values).
///
/// # Errors
///
/// A [`ValidationError`] for `display_name` with its length.
pub fn validate_display_name(display_name: &str) -> Result<(), ValidationError> {
    let len = display_name.chars().count();
    if len <= MAX_DISPLAY_NAME_LENGTH {
        Ok(())
    } else {
        Err(ValidationError::new(
            "display_name",
            format!(
                "must be at most {MAX_DISPLAY_NAME_LENGTH} characters, got {len}; shorten it by {}",
                len - MAX_DISPLAY_NAME_LENGTH
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONDITION: &str = "0x4f5c0c2c8e8f1a7d9b3e6a2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e";

    #[test]
    fn hex_strings() {
        assert!(is_hex_string("0x", 0));
        assert!(is_hex_string("0xaBcD09", 6));
        assert!(!is_hex_string("0xaBcD09", 5));
        assert!(!is_hex_string("0xaBcD0g", 6));
        assert!(!is_hex_string("0XaBcD09", 6));
        assert!(!is_hex_string("00aBcD09", 6));
        // A multi-byte character never passes for hex digits.
        assert!(!is_hex_string("0xé1", 3));
        assert!(!is_hex_string("", usize::MAX));
    }

    #[test]
    fn condition_ids() {
        assert_eq!(validate_condition_id(CONDITION), Ok(()));
        assert_eq!(
            validate_condition_id(&CONDITION.to_uppercase().replace("0X", "0x")),
            Ok(())
        );
        let short = validate_condition_id(&CONDITION[..65]).unwrap_err();
        assert_eq!(short.field, "condition_id");
        assert_eq!(
            short.to_string(),
            "invalid condition_id: expected 0x followed by 64 hex characters, but it has 63 hex characters after 0x"
        );
        assert!(
            validate_condition_id(&CONDITION[2..])
                .unwrap_err()
                .message
                .contains("does not start with 0x")
        );
        assert!(
            validate_condition_id(&CONDITION.replace('f', "g"))
                .unwrap_err()
                .message
                .contains("non-hex")
        );
        assert!(validate_condition_id("").is_err());
    }

    #[test]
    fn addresses() {
        let addr = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913";
        assert_eq!(validate_address("token", addr), Ok(()));
        let err = validate_address("destination", &addr[..41]).unwrap_err();
        assert_eq!(err.field, "destination");
        assert!(err.message.contains("39 hex characters"));
        assert!(validate_address("token", &format!("{addr}0")).is_err());
        assert!(validate_address("token", "0x").is_err());
    }

    #[test]
    fn amounts() {
        assert_eq!(validate_amount("1"), Ok(()));
        assert_eq!(validate_amount("001000000"), Ok(()));
        for bad in ["0", "00", "", "1.5", "-1", " 1", "1e6", "+1"] {
            let err = validate_amount(bad).unwrap_err();
            assert_eq!(err.field, "amount", "{bad:?}");
        }
        assert!(
            validate_amount("00")
                .unwrap_err()
                .message
                .contains("greater than zero")
        );
    }

    #[test]
    fn token_ids() {
        assert_eq!(validate_token_id("123"), Ok(()));
        for bad in ["0", "000", "", "0x12", "12a", "-5"] {
            assert_eq!(
                validate_token_id(bad).unwrap_err().field,
                "token_id",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn profile_ids_and_names() {
        assert_eq!(validate_on_behalf_of(1), Ok(()));
        assert!(validate_on_behalf_of(0).is_err());
        assert!(
            validate_on_behalf_of(-4)
                .unwrap_err()
                .message
                .contains("-4")
        );
        assert_eq!(validate_display_name(&"é".repeat(44)), Ok(()));
        let err = validate_display_name(&"a".repeat(46)).unwrap_err();
        assert_eq!(
            err.message,
            "must be at most 44 characters, got 46; shorten it by 2"
        );
    }
}
