//! Shared harness of the fuzz targets.
//!
//! Every response type of `limitless-types` is decoded from the fuzzer's
//! bytes exactly as the client decodes a body (`serde_json::from_slice`),
//! and again from the parsed `serde_json::Value` when the bytes are JSON
//! (the path nested outcomes take). A decoded value is then formatted with
//! `Debug` and re-encoded. None of this may panic; a re-encoded value must
//! decode again to the same value.

use std::fmt::Debug;

use limitless_types::{
    ActiveMarketsPage, AllowancesResponse, ApiToken, CancelReplaceBatchResponse,
    CancelReplaceResult, DerivedApiToken, Market, MessageResponse, OrderBook, OrderResponse,
    PartnerAccount, PartnerAccountsPage, PartnerCapabilities, RedeemResponse, UserOrder,
    WithdrawResponse, WithdrawalAddress,
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
    if let Ok(text) = serde_json::to_vec(value) {
        let again: T = serde_json::from_slice(&text).unwrap_or_else(|error| {
            panic!(
                "re-encoded value does not decode ({error}): {}",
                String::from_utf8_lossy(&text)
            )
        });
        assert_eq!(&again, value, "{}", String::from_utf8_lossy(&text));
    }
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
    "Vec<UserOrder>" => Vec<UserOrder>,
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
