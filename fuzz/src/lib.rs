//! Shared harness of the fuzz targets.
//!
//! Every response type of `limitless-types` is decoded from the fuzzer's
//! bytes exactly as the client decodes a body (`serde_json::from_slice`),
//! and again from the parsed `serde_json::Value` when the bytes are JSON
//! (the path nested outcomes take). A decoded value is then formatted with
//! `Debug` and re-encoded. None of this may panic; a re-encoded value must
//! decode again to the same value wherever `serde_json` reads its numbers
//! exactly (see [`numbers_parse_exactly`]).

use std::fmt::Debug;

use limitless_types::{
    ActiveMarketsPage, AllowancesResponse, ApiToken, CancelReplaceBatchResponse,
    CancelReplaceResult, DerivedApiToken, Market, MessageResponse, Order, OrderBook, OrderResponse,
    PartnerAccount, PartnerAccountsPage, PartnerCapabilities, RedeemResponse, WithdrawResponse,
    WithdrawalAddress,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A decoder under test: its name and the function that exercises it.
pub type Decoder = (&'static str, fn(&[u8]));

/// Decodes `data` as a `T` from bytes and from a parsed `Value`, then
/// formats and re-encodes what decoded.
///
/// # Panics
///
/// When a re-encoded value does not decode back to itself: the only
/// failure this harness reports besides a panic inside the decoder.
pub fn exercise<T>(data: &[u8])
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    if let Ok(value) = serde_json::from_slice::<T>(data) {
        round_trip(&value);
    }
    if let Ok(json) = serde_json::from_slice::<serde_json::Value>(data)
        && let Ok(value) = serde_json::from_value::<T>(json)
    {
        round_trip(&value);
    }
}

fn round_trip<T>(value: &T)
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let _ = format!("{value:?}");
    // A decimal too precise for an exact JSON number refuses to encode;
    // that is an error, not a panic, and is allowed.
    let Ok(text) = serde_json::to_string(value) else {
        return;
    };
    let again = serde_json::from_str::<T>(&text);
    if numbers_parse_exactly(&text) {
        let again = again
            .unwrap_or_else(|error| panic!("re-encoded value does not decode ({error}): {text}"));
        assert_eq!(&again, value, "{text}");
    }
}

/// Whether `serde_json`'s default number parser reads every number in the
/// JSON text `json` exactly: integers within `u64`/`i64`, and other numbers
/// whose significand has at most 15 digits and whose power of ten is exact
/// (|exponent| <= 22). Beyond that it may land one ulp off (its
/// `float_roundtrip` feature trades speed for exactness), so such a value
/// need not re-decode identically. The same judge is in
/// `crates/limitless-types/tests/it/hostile.rs`, where it is tested.
pub fn numbers_parse_exactly(json: &str) -> bool {
    let bytes = json.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < bytes.len() && b"+-.eE0123456789".contains(&bytes[i]) {
                    i += 1;
                }
                if !number_parses_exactly(&json[start..i]) {
                    return false;
                }
            }
            _ => i += 1,
        }
    }
    true
}

fn number_parses_exactly(number: &str) -> bool {
    let (mantissa, exponent) = match number.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => match exponent.parse::<i32>() {
            Ok(exponent) => (mantissa, exponent),
            Err(_) => return false,
        },
        None => (number, 0),
    };
    if exponent == 0 && !mantissa.contains('.') {
        return number.parse::<u64>().is_ok() || number.parse::<i64>().is_ok();
    }
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits: String = format!("{whole}{fraction}")
        .chars()
        .filter(char::is_ascii_digit)
        .skip_while(|&c| c == '0')
        .collect();
    let fraction_digits = i32::try_from(fraction.len()).unwrap_or(i32::MAX);
    digits.is_empty()
        || (digits.len() <= 15 && exponent.saturating_sub(fraction_digits).abs() <= 22)
}

macro_rules! decoders {
    ($($name:literal => $ty:ty,)+) => {
        &[$(($name, exercise::<$ty> as fn(&[u8])),)+]
    };
}

/// API token responses.
pub const TOKENS: &[Decoder] = decoders! {
    "DerivedApiToken" => DerivedApiToken,
    "Vec<ApiToken>" => Vec<ApiToken>,
    "PartnerCapabilities" => PartnerCapabilities,
    "MessageResponse" => MessageResponse,
};

/// Partner account and server wallet responses.
pub const ACCOUNTS: &[Decoder] = decoders! {
    "PartnerAccount" => PartnerAccount,
    "PartnerAccountsPage" => PartnerAccountsPage,
    "AllowancesResponse" => AllowancesResponse,
    "WithdrawalAddress" => WithdrawalAddress,
    "RedeemResponse" => RedeemResponse,
    "WithdrawResponse" => WithdrawResponse,
};

/// Order responses.
pub const ORDERS: &[Decoder] = decoders! {
    "OrderResponse" => OrderResponse,
    "CancelReplaceResult" => CancelReplaceResult,
    "CancelReplaceBatchResponse" => CancelReplaceBatchResponse,
    "Vec<Order>" => Vec<Order>,
};

/// Market reads.
pub const MARKETS: &[Decoder] = decoders! {
    "Market" => Market,
    "ActiveMarketsPage" => ActiveMarketsPage,
    "OrderBook" => OrderBook,
};

/// Runs the decoder the first byte selects (modulo the family's size) on
/// the remaining bytes. Empty input does nothing.
pub fn dispatch(family: &[Decoder], data: &[u8]) {
    if let Some((&selector, body)) = data.split_first() {
        let (_, decode) = family[usize::from(selector) % family.len()];
        decode(body);
    }
}

/// Every response decoder, in one list: tokens, accounts, orders, markets.
pub fn all_decoders() -> Vec<Decoder> {
    [TOKENS, ACCOUNTS, ORDERS, MARKETS].concat()
}
