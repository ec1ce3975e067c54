//! Partner AMM trading (`/amm/*`): allowance checks and approvals, buys
//! and sells against a market's automated market maker.
//!
//! Amounts are exact integer strings in the collateral's smallest unit
//! (micro-USDC) or micro-shares; slippage is in basis points.

use serde::{Deserialize, Serialize};

use crate::error::ValidationError;
use crate::serde_util::{lenient_opt, string_or_empty};

/// The longest market reference (slug or FPMM address) the API takes.
pub const MAX_AMM_MARKET_LENGTH: usize = 255;
/// The largest slippage, in basis points (10 %).
pub const MAX_AMM_SLIPPAGE_BPS: u32 = 1_000;
/// The longest idempotency key.
pub const MAX_AMM_IDEMPOTENCY_KEY_LENGTH: usize = 128;
/// 2^256 − 1, the largest amount a contract counts.
const MAX_UINT256: &str =
    "115792089237316195423570985008687907853269984665640564039457584007913129639935";

/// Which way an allowance is for: spending collateral (BUY) or outcome
/// tokens (SELL).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum AmmSide {
    /// Collateral approved to the market maker.
    Buy,
    /// Outcome tokens approved to the market maker.
    Sell,
}

/// Body of `POST /amm/allowances/check` and `/amm/allowances/approve`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AmmAllowanceRequest {
    /// The market's slug or FPMM address.
    pub market: String,
    /// Buy or sell.
    pub side: AmmSide,
    /// The sub-account acting; the caller itself when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<i64>,
}

/// An allowance's state. Every field but `confirmed` is soft.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AmmAllowanceResponse {
    /// Transaction id of an approval, if one was submitted.
    #[serde(default, deserialize_with = "lenient_opt")]
    pub transaction_id: Option<String>,
    /// User-operation hash of an approval, if any.
    #[serde(default, deserialize_with = "lenient_opt")]
    pub user_operation_hash: Option<String>,
    /// Transaction hash of an approval, if any.
    #[serde(default, deserialize_with = "lenient_opt")]
    pub tx_hash: Option<String>,
    /// `missing`, `submitted` or `confirmed` (kept verbatim).
    #[serde(default, deserialize_with = "string_or_empty")]
    pub status: String,
    /// Whether the allowance is in place.
    #[serde(default)]
    pub confirmed: bool,
    /// The market as given.
    #[serde(default, deserialize_with = "string_or_empty")]
    pub market: String,
    /// The market maker's address.
    #[serde(default, deserialize_with = "string_or_empty")]
    pub market_address: String,
    /// `BUY` or `SELL`, verbatim.
    #[serde(default, deserialize_with = "string_or_empty")]
    pub side: String,
    /// The trading wallet.
    #[serde(default, deserialize_with = "string_or_empty")]
    pub wallet_address: String,
    /// The token approved.
    #[serde(default, deserialize_with = "string_or_empty")]
    pub token_address: String,
    /// The spender (BUY) or operator (SELL).
    #[serde(default, deserialize_with = "string_or_empty")]
    pub spender_or_operator: String,
    /// The current allowance in the token's smallest unit (BUY only).
    #[serde(default, deserialize_with = "lenient_opt")]
    pub current_allowance: Option<String>,
}

/// Body of `POST /amm/buy`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AmmBuyRequest {
    /// The market's slug or FPMM address.
    pub market: String,
    /// 0 (YES) or 1 (NO).
    pub outcome_index: u8,
    /// Micro-USDC to spend, as digits.
    pub collateral_amount: String,
    /// The largest price move accepted, in basis points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slippage_bps: Option<u32>,
    /// The key that makes a repeated request the same trade.
    pub idempotency_key: String,
    /// The sub-account trading; the caller itself when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<i64>,
}

/// Body of `POST /amm/sell`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AmmSellRequest {
    /// The market's slug or FPMM address.
    pub market: String,
    /// 0 (YES) or 1 (NO).
    pub outcome_index: u8,
    /// Micro-USDC to receive, as digits.
    pub collateral_return_amount: String,
    /// The largest price move accepted, in basis points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slippage_bps: Option<u32>,
    /// The key that makes a repeated request the same trade.
    pub idempotency_key: String,
    /// The sub-account trading; the caller itself when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<i64>,
}

/// Answer to `POST /amm/buy` and `POST /amm/sell`. The amounts are exact
/// integer strings: `collateral_amount` (buy) or `collateral_return_amount`
/// (sell) in micro-USDC; `expected_shares`, `min_shares` (buy) and
/// `max_shares` (sell) in micro-shares. Every field is soft.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AmmTradeResponse {
    /// Transaction id, if any.
    #[serde(default, deserialize_with = "lenient_opt")]
    pub transaction_id: Option<String>,
    /// User-operation hash, if any.
    #[serde(default, deserialize_with = "lenient_opt")]
    pub user_operation_hash: Option<String>,
    /// Transaction hash, if any.
    #[serde(default, deserialize_with = "lenient_opt")]
    pub tx_hash: Option<String>,
    /// `SUBMITTED` (verbatim).
    #[serde(default, deserialize_with = "string_or_empty")]
    pub status: String,
    /// The market as given.
    #[serde(default, deserialize_with = "string_or_empty")]
    pub market: String,
    /// The outcome traded.
    #[serde(default, deserialize_with = "lenient_opt")]
    pub outcome_index: Option<u8>,
    /// Micro-USDC spent (buy).
    #[serde(default, deserialize_with = "lenient_opt")]
    pub collateral_amount: Option<String>,
    /// Micro-USDC received (sell).
    #[serde(default, deserialize_with = "lenient_opt")]
    pub collateral_return_amount: Option<String>,
    /// Micro-shares expected at the current price.
    #[serde(default, deserialize_with = "string_or_empty")]
    pub expected_shares: String,
    /// The fewest micro-shares a buy accepts.
    #[serde(default, deserialize_with = "lenient_opt")]
    pub min_shares: Option<String>,
    /// The most micro-shares a sell gives.
    #[serde(default, deserialize_with = "lenient_opt")]
    pub max_shares: Option<String>,
}

/// Checks an AMM market reference: trimmed, not empty, at most
/// [`MAX_AMM_MARKET_LENGTH`] characters. Returns it trimmed.
///
/// # Errors
///
/// A [`ValidationError`] for `market`.
pub fn validate_amm_market(market: &str) -> Result<&str, ValidationError> {
    let market = market.trim();
    if market.is_empty() {
        return Err(ValidationError::new(
            "market",
            "pass the market's slug or FPMM address",
        ));
    }
    if market.chars().count() > MAX_AMM_MARKET_LENGTH {
        return Err(ValidationError::new(
            "market",
            format!("must be at most {MAX_AMM_MARKET_LENGTH} characters"),
        ));
    }
    Ok(market)
}

/// Checks an outcome index: 0 (YES) or 1 (NO).
///
/// # Errors
///
/// A [`ValidationError`] for `outcome_index`.
pub fn validate_outcome_index(outcome_index: u8) -> Result<(), ValidationError> {
    if outcome_index > 1 {
        return Err(ValidationError::new(
            "outcome_index",
            format!("must be 0 (YES) or 1 (NO), got {outcome_index}"),
        ));
    }
    Ok(())
}

/// Checks an AMM amount: a positive integer as digits without a leading
/// zero, at most 2^256 − 1.
///
/// # Errors
///
/// A [`ValidationError`] for `field`.
pub fn validate_amm_amount(field: &'static str, amount: &str) -> Result<(), ValidationError> {
    let digits = !amount.is_empty() && amount.bytes().all(|b| b.is_ascii_digit());
    if !digits || amount.starts_with('0') {
        return Err(ValidationError::new(
            field,
            format!(
                "expected a positive whole number of micro-units as digits without a leading zero (\"1000000\" = 1 USDC), got {amount:?}"
            ),
        ));
    }
    if amount.len() > MAX_UINT256.len()
        || (amount.len() == MAX_UINT256.len() && amount > MAX_UINT256)
    {
        return Err(ValidationError::new(field, "must be at most 2^256 - 1"));
    }
    Ok(())
}

/// Checks a slippage: 0 to [`MAX_AMM_SLIPPAGE_BPS`] basis points.
///
/// # Errors
///
/// A [`ValidationError`] for `slippage_bps`.
pub fn validate_slippage_bps(slippage_bps: u32) -> Result<(), ValidationError> {
    if slippage_bps > MAX_AMM_SLIPPAGE_BPS {
        return Err(ValidationError::new(
            "slippage_bps",
            format!("must be 0 to {MAX_AMM_SLIPPAGE_BPS} basis points (10 %), got {slippage_bps}"),
        ));
    }
    Ok(())
}

/// Checks an idempotency key: not blank, at most
/// [`MAX_AMM_IDEMPOTENCY_KEY_LENGTH`] characters.
///
/// # Errors
///
/// A [`ValidationError`] for `idempotency_key`.
pub fn validate_idempotency_key(key: &str) -> Result<(), ValidationError> {
    if key.trim().is_empty() {
        return Err(ValidationError::new(
            "idempotency_key",
            "must not be blank; leave it unset for a generated one",
        ));
    }
    if key.chars().count() > MAX_AMM_IDEMPOTENCY_KEY_LENGTH {
        return Err(ValidationError::new(
            "idempotency_key",
            format!("must be at most {MAX_AMM_IDEMPOTENCY_KEY_LENGTH} characters"),
        ));
    }
    Ok(())
}

/// Checks an AMM `onBehalfOf`: 1 to 2^31 − 1.
///
/// # Errors
///
/// A [`ValidationError`] for `on_behalf_of`.
pub fn validate_amm_on_behalf_of(on_behalf_of: i64) -> Result<(), ValidationError> {
    if !(1..=i64::from(i32::MAX)).contains(&on_behalf_of) {
        return Err(ValidationError::new(
            "on_behalf_of",
            format!(
                "must be a profile id from 1 to {}, got {on_behalf_of}",
                i32::MAX
            ),
        ));
    }
    Ok(())
}
