//! Public market reads: markets, active markets, order books.
//!
//! Prices and sizes are [`Decimal`]s decoded from JSON numbers or strings
//! without float drift (`0.55` decodes to exactly `0.55`).

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::orders::DEFAULT_FEE_RATE_BPS;
use crate::serde_util::{
    lenient, lenient_opt, lenient_vec, null_default, opt_decimal_number, opt_decimal_string,
    vec_decimal_number,
};

/// `venue.feeModuleType` of markets that charge fees in collateral.
pub const COLLATERAL_FEE_MODULE_TYPE: &str = "COLLATERAL";

/// A market (`GET /markets/{slug}`, and each entry of the active list).
///
/// Only `id` and `slug` are required; everything else is optional so a
/// partial or newer payload still decodes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Market {
    /// Market id.
    #[serde(deserialize_with = "lenient")]
    pub id: i64,
    /// URL slug, used by order and order-book calls.
    pub slug: String,
    /// Title.
    #[serde(default)]
    pub title: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Status, verbatim (e.g. `FUNDED`, `RESOLVED`).
    #[serde(default)]
    pub status: Option<String>,
    /// Whether the market has expired.
    #[serde(default)]
    pub expired: Option<bool>,
    /// Expiry date as text.
    #[serde(default)]
    pub expiration_date: Option<String>,
    /// Expiry as Unix milliseconds.
    #[serde(default, deserialize_with = "lenient_opt")]
    pub expiration_timestamp: Option<i64>,
    /// Creation time.
    #[serde(default)]
    pub created_at: Option<String>,
    /// Last update time.
    #[serde(default)]
    pub updated_at: Option<String>,
    /// The collateral token.
    #[serde(default)]
    pub collateral_token: Option<CollateralToken>,
    /// Category names.
    #[serde(default, deserialize_with = "null_default")]
    pub categories: Vec<String>,
    /// Tags.
    #[serde(default, deserialize_with = "null_default")]
    pub tags: Vec<String>,
    /// Trade type, verbatim (e.g. `clob`, `amm`).
    #[serde(default)]
    pub trade_type: Option<String>,
    /// Market type, verbatim (e.g. `single`, `group`).
    #[serde(default)]
    pub market_type: Option<String>,
    /// The CTF condition id.
    #[serde(default)]
    pub condition_id: Option<String>,
    /// Position token ids for the two outcomes.
    #[serde(default)]
    pub tokens: Option<MarketTokens>,
    /// Outcome prices, YES first.
    #[serde(
        default,
        serialize_with = "vec_decimal_number",
        deserialize_with = "lenient_vec"
    )]
    pub prices: Vec<Decimal>,
    /// Trading settings.
    #[serde(default)]
    pub settings: Option<MarketSettings>,
    /// The exchange contracts that settle this market.
    #[serde(default)]
    pub venue: Option<Venue>,
    /// Child markets of a group market.
    #[serde(default, deserialize_with = "null_default")]
    pub markets: Vec<Market>,
}

/// The token a market settles in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollateralToken {
    /// Token contract address.
    pub address: String,
    /// Decimals (6 for USDC).
    #[serde(deserialize_with = "lenient")]
    pub decimals: u32,
    /// Symbol, e.g. `USDC`.
    #[serde(default, deserialize_with = "null_default")]
    pub symbol: String,
}

/// Position token ids of a binary market, as decimal strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketTokens {
    /// The YES token id.
    #[serde(deserialize_with = "lenient")]
    pub yes: String,
    /// The NO token id.
    #[serde(deserialize_with = "lenient")]
    pub no: String,
}

/// Trading settings of a market.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MarketSettings {
    /// Minimum order size for rewards.
    #[serde(
        default,
        serialize_with = "opt_decimal_string",
        deserialize_with = "lenient_opt"
    )]
    pub min_size: Option<Decimal>,
    /// Maximum spread for rewards.
    #[serde(
        default,
        serialize_with = "opt_decimal_number",
        deserialize_with = "lenient_opt"
    )]
    pub max_spread: Option<Decimal>,
    /// Daily reward pool.
    #[serde(
        default,
        serialize_with = "opt_decimal_string",
        deserialize_with = "lenient_opt"
    )]
    pub daily_reward: Option<Decimal>,
    /// Rewards epoch.
    #[serde(
        default,
        serialize_with = "opt_decimal_number",
        deserialize_with = "lenient_opt"
    )]
    pub rewards_epoch: Option<Decimal>,
    /// Reward curve parameter.
    #[serde(
        default,
        serialize_with = "opt_decimal_number",
        deserialize_with = "lenient_opt"
    )]
    pub c: Option<Decimal>,
    /// Maker rebate rate.
    #[serde(
        default,
        serialize_with = "opt_decimal_number",
        deserialize_with = "lenient_opt"
    )]
    pub rebate_rate: Option<Decimal>,
}

/// The exchange contracts that settle a market.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Venue {
    /// Exchange contract (the EIP-712 verifying contract).
    #[serde(default, deserialize_with = "null_default")]
    pub exchange: String,
    /// Adapter contract (neg-risk markets).
    #[serde(default)]
    pub adapter: Option<String>,
    /// Fee module contract.
    #[serde(default)]
    pub fee_module: Option<String>,
    /// Fee module type; [`COLLATERAL_FEE_MODULE_TYPE`] means fees in collateral.
    #[serde(default)]
    pub fee_module_type: Option<String>,
}

impl Venue {
    /// Whether the venue charges fees in collateral
    /// (`feeModuleType == "COLLATERAL"`).
    #[must_use]
    pub fn is_collateral_fee(&self) -> bool {
        self.fee_module_type.as_deref() == Some(COLLATERAL_FEE_MODULE_TYPE)
    }

    /// The `feeRateBps` an order on this venue carries: 0 on a
    /// collateral-fee venue (the API rejects anything else), otherwise
    /// [`DEFAULT_FEE_RATE_BPS`].
    #[must_use]
    pub fn fee_rate_bps(&self) -> u32 {
        if self.is_collateral_fee() {
            0
        } else {
            DEFAULT_FEE_RATE_BPS
        }
    }
}

/// Sort order of `GET /markets/active`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarketSort {
    /// Highest liquidity-provider rewards first.
    LpRewards,
    /// Soonest expiry first.
    EndingSoon,
    /// Newest first.
    Newest,
    /// Highest value first.
    HighValue,
    /// Most liquid first.
    Liquidity,
}

impl MarketSort {
    /// The wire string, e.g. `"lp_rewards"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::LpRewards => "lp_rewards",
            Self::EndingSoon => "ending_soon",
            Self::Newest => "newest",
            Self::HighValue => "high_value",
            Self::Liquidity => "liquidity",
        }
    }
}

impl fmt::Display for MarketSort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Query of `GET /markets/active`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActiveMarketsParams {
    /// Page size.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_opt"
    )]
    pub limit: Option<u32>,
    /// Page number, from 1.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_opt"
    )]
    pub page: Option<u32>,
    /// Sort order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_by: Option<MarketSort>,
}

impl ActiveMarketsParams {
    /// The set parameters as query pairs, in wire order `limit`, `page`,
    /// `sortBy`.
    #[must_use]
    pub fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::with_capacity(3);
        if let Some(limit) = self.limit {
            pairs.push(("limit", limit.to_string()));
        }
        if let Some(page) = self.page {
            pairs.push(("page", page.to_string()));
        }
        if let Some(sort) = self.sort_by {
            pairs.push(("sortBy", sort.as_str().to_owned()));
        }
        pairs
    }
}

/// Response of `GET /markets/active`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActiveMarketsPage {
    /// Markets on this page.
    #[serde(default, deserialize_with = "null_default")]
    pub data: Vec<Market>,
    /// Number of active markets across all pages.
    #[serde(default, deserialize_with = "lenient")]
    pub total_markets_count: i64,
}

/// Response of `GET /markets/{slug}/orderbook`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderBook {
    /// Bids, best first.
    #[serde(default, deserialize_with = "null_default")]
    pub bids: Vec<OrderBookLevel>,
    /// Asks, best first.
    #[serde(default, deserialize_with = "null_default")]
    pub asks: Vec<OrderBookLevel>,
    /// The YES token id the book is for.
    #[serde(default, deserialize_with = "crate::serde_util::string_or_empty")]
    pub token_id: String,
    /// Midpoint adjusted for rewards.
    #[serde(
        default,
        serialize_with = "opt_decimal_number",
        deserialize_with = "lenient_opt"
    )]
    pub adjusted_midpoint: Option<Decimal>,
    /// Maximum spread for rewards.
    #[serde(
        default,
        serialize_with = "opt_decimal_string",
        deserialize_with = "lenient_opt"
    )]
    pub max_spread: Option<Decimal>,
    /// Minimum size for rewards.
    #[serde(
        default,
        serialize_with = "opt_decimal_string",
        deserialize_with = "lenient_opt"
    )]
    pub min_size: Option<Decimal>,
    /// Last trade price, if any trade happened.
    #[serde(
        default,
        serialize_with = "opt_decimal_number",
        deserialize_with = "lenient_opt"
    )]
    pub last_trade_price: Option<Decimal>,
}

/// One price level of an order book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderBookLevel {
    /// Price in (0, 1].
    #[serde(
        serialize_with = "crate::serde_util::decimal_number",
        deserialize_with = "lenient"
    )]
    pub price: Decimal,
    /// Size in shares.
    #[serde(
        serialize_with = "crate::serde_util::decimal_number",
        deserialize_with = "lenient"
    )]
    pub size: Decimal,
    /// `BUY` or `SELL`, verbatim.
    #[serde(default, deserialize_with = "null_default")]
    pub side: String,
}
