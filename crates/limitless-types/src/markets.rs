//! Public market reads: markets, active markets, order books.
//!
//! Prices are [`Decimal`]s decoded from JSON numbers or strings without
//! float drift (`0.55` decodes to exactly `0.55`); book sizes are
//! [`MicroShares`].

use std::fmt;

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::amounts::MicroShares;
use crate::common::Loose;
use crate::orders::{DEFAULT_FEE_RATE_BPS, Side};
use crate::serde_util::{
    lenient, lenient_opt, null_default, opt_decimal_number, opt_decimal_string, soft, soft_objects,
    soft_or_default, soft_struct, soft_value, soft_vec, vec_decimal_number,
};

/// `venue.feeModuleType` of markets that charge fees in collateral.
pub const COLLATERAL_FEE_MODULE_TYPE: &str = "COLLATERAL";

/// A market (`GET /markets/{slug}`, each entry of the active list, of a
/// search, of the bannered list, and each child of a group market).
///
/// Only `id` and `slug` are required (they name the market); every other
/// field is soft: missing, `null` or of an unexpected shape, it reads as
/// `None` or empty and never fails the market. The API adds fields often
/// (`metadata` differs by market family); unknown fields are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Market {
    /// Market id.
    #[serde(deserialize_with = "lenient")]
    pub id: i64,
    /// URL slug, used by order and order-book calls.
    #[serde(deserialize_with = "lenient")]
    pub slug: String,
    /// Title.
    #[serde(default, deserialize_with = "soft")]
    pub title: Option<String>,
    /// Description (may be truncated by the API).
    #[serde(default, deserialize_with = "soft")]
    pub description: Option<String>,
    /// Status, verbatim (e.g. `FUNDED`, `RESOLVED`).
    #[serde(default, deserialize_with = "soft")]
    pub status: Option<String>,
    /// Whether the market has expired.
    #[serde(default, deserialize_with = "soft")]
    pub expired: Option<bool>,
    /// Expiry date as text.
    #[serde(default, deserialize_with = "soft")]
    pub expiration_date: Option<String>,
    /// Expiry as Unix milliseconds.
    #[serde(default, deserialize_with = "soft")]
    pub expiration_timestamp: Option<i64>,
    /// Creation time.
    #[serde(default, deserialize_with = "soft")]
    pub created_at: Option<String>,
    /// Last update time.
    #[serde(default, deserialize_with = "soft")]
    pub updated_at: Option<String>,
    /// The collateral token.
    #[serde(default, deserialize_with = "soft_struct")]
    pub collateral_token: Option<CollateralToken>,
    /// Category names.
    #[serde(default, deserialize_with = "soft_vec")]
    pub categories: Vec<String>,
    /// Tags.
    #[serde(default, deserialize_with = "soft_vec")]
    pub tags: Vec<String>,
    /// Trade type, verbatim (e.g. `clob`, `amm`).
    #[serde(default, deserialize_with = "soft")]
    pub trade_type: Option<String>,
    /// Market type, verbatim (e.g. `single`, `group`).
    #[serde(default, deserialize_with = "soft")]
    pub market_type: Option<String>,
    /// The CTF condition id.
    #[serde(default, deserialize_with = "soft")]
    pub condition_id: Option<String>,
    /// Position token ids for the two outcomes.
    #[serde(default, deserialize_with = "soft_struct")]
    pub tokens: Option<MarketTokens>,
    /// Outcome prices, YES first; empty unless every entry is a number.
    #[serde(
        default,
        serialize_with = "vec_decimal_number",
        deserialize_with = "soft_vec"
    )]
    pub prices: Vec<Decimal>,
    /// Traded volume in collateral micro-units, as sent (`volume`).
    #[serde(
        default,
        serialize_with = "opt_decimal_string",
        deserialize_with = "soft"
    )]
    pub volume: Option<Decimal>,
    /// Index of the winning outcome, once resolved.
    #[serde(default, deserialize_with = "soft")]
    pub winning_outcome_index: Option<u32>,
    /// Trading settings.
    #[serde(default, deserialize_with = "soft_struct")]
    pub settings: Option<MarketSettings>,
    /// The exchange contracts that settle this market.
    #[serde(default, deserialize_with = "soft_struct")]
    pub venue: Option<Venue>,
    /// Free-form metadata; its keys differ by market family and no
    /// operation reads it, so it is kept as JSON.
    #[serde(default, deserialize_with = "soft_value")]
    pub metadata: Option<Value>,
    /// Child markets of a group market.
    #[serde(default, deserialize_with = "soft_objects")]
    pub markets: Vec<Market>,
}

/// Just the venue of a market: what an order needs from `GET /markets/{slug}`
/// (the EIP-712 verifying contract and the fee rule).
///
/// Decoding reads `slug` and `venue` and skips everything else unread, so
/// no other field of a market (loosely typed settings, new metadata) can
/// fail an order's venue lookup.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketVenue {
    /// URL slug.
    #[serde(deserialize_with = "lenient")]
    pub slug: String,
    /// The exchange contracts; `None` when the market has none (older
    /// markets).
    #[serde(default)]
    pub venue: Option<Venue>,
}

/// The token a market settles in. Every field is soft.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollateralToken {
    /// Token contract address (`""` if not sent).
    #[serde(default, deserialize_with = "soft_or_default")]
    pub address: String,
    /// Decimals (6 for USDC).
    #[serde(default, deserialize_with = "soft")]
    pub decimals: Option<u32>,
    /// Symbol, e.g. `USDC` (`""` if not sent).
    #[serde(default, deserialize_with = "soft_or_default")]
    pub symbol: String,
}

/// Position token ids of a binary market, as decimal strings (`""` if not
/// sent).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketTokens {
    /// The YES token id.
    #[serde(default, deserialize_with = "soft_or_default")]
    pub yes: String,
    /// The NO token id.
    #[serde(default, deserialize_with = "soft_or_default")]
    pub no: String,
}

/// Trading settings of a market. Every field is soft.
///
/// `rewardsEpoch`, `c` and `maxSpread` arrive as numbers or strings (and
/// `rewardsEpoch` has been seen as a word): the official SDKs type them
/// loosely and no operation computes with them, so they are [`Loose`]
/// text. The rest are decimals that read as `None` when unreadable.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MarketSettings {
    /// Minimum order size for rewards, as sent (micro-shares in real
    /// payloads, e.g. `"100000000"`).
    #[serde(
        default,
        serialize_with = "opt_decimal_string",
        deserialize_with = "soft"
    )]
    pub min_size: Option<Decimal>,
    /// Maximum spread for rewards.
    #[serde(default, deserialize_with = "soft")]
    pub max_spread: Option<Loose>,
    /// Daily reward pool.
    #[serde(
        default,
        serialize_with = "opt_decimal_string",
        deserialize_with = "soft"
    )]
    pub daily_reward: Option<Decimal>,
    /// Rewards epoch.
    #[serde(default, deserialize_with = "soft")]
    pub rewards_epoch: Option<Loose>,
    /// Reward curve parameter.
    #[serde(default, deserialize_with = "soft")]
    pub c: Option<Loose>,
    /// Maker rebate rate.
    #[serde(
        default,
        serialize_with = "opt_decimal_number",
        deserialize_with = "soft"
    )]
    pub rebate_rate: Option<Decimal>,
}

/// The exchange contracts that settle a market.
///
/// Decodes with only `exchange` present; `adapter: null` and fee module
/// types this version does not know are fine. Every field is soft, so an
/// unreadable `exchange` reads as `""`, which no signer accepts as a
/// verifying contract.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Venue {
    /// Exchange contract (the EIP-712 verifying contract); `""` if not sent.
    #[serde(default, deserialize_with = "soft_or_default")]
    pub exchange: String,
    /// Adapter contract (neg-risk markets).
    #[serde(default, deserialize_with = "soft")]
    pub adapter: Option<String>,
    /// Fee module contract.
    #[serde(default, deserialize_with = "soft")]
    pub fee_module: Option<String>,
    /// Fee module type, verbatim; [`COLLATERAL_FEE_MODULE_TYPE`] means fees
    /// in collateral, any other value (or none) the default fee.
    #[serde(default, deserialize_with = "soft")]
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
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
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

/// Query of `GET /markets/search` (the OpenAPI spec of 2026-04-30):
/// `query` (required), `limit` (API default 10), `page` (default 1) and
/// `similarityThreshold` (0 to 1, default 0.5). The answer is a
/// [`MarketSearchPage`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct MarketSearchParams {
    /// The text to search for (the API matches by meaning, not only by
    /// words).
    pub query: String,
    /// Page size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Page number, from 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// The least similarity a match must have, 0 to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub similarity_threshold: Option<Decimal>,
}

impl MarketSearchParams {
    /// A search for `query`, with the API's defaults for the rest.
    #[must_use]
    pub fn new(query: impl Into<String>) -> Self {
        Self {
            query: query.into(),
            ..Self::default()
        }
    }

    /// The parameters as query pairs, in the spec's order `query`,
    /// `limit`, `page`, `similarityThreshold`.
    #[must_use]
    pub fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = vec![("query", self.query.clone())];
        if let Some(limit) = self.limit {
            pairs.push(("limit", limit.to_string()));
        }
        if let Some(page) = self.page {
            pairs.push(("page", page.to_string()));
        }
        if let Some(threshold) = self.similarity_threshold {
            pairs.push(("similarityThreshold", threshold.normalize().to_string()));
        }
        pairs
    }
}

/// The spacing of a price history's points (`interval` of
/// `GET /markets/{slug}/historical-price`; the spec's enum).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub enum PriceInterval {
    /// One hour.
    #[serde(rename = "1h")]
    Hour,
    /// Six hours.
    #[serde(rename = "6h")]
    SixHours,
    /// One day.
    #[serde(rename = "1d")]
    Day,
    /// One week.
    #[serde(rename = "1w")]
    Week,
    /// One month.
    #[serde(rename = "1m")]
    Month,
    /// The whole history.
    #[serde(rename = "all")]
    All,
}

impl PriceInterval {
    /// The wire string, e.g. `"1h"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Hour => "1h",
            Self::SixHours => "6h",
            Self::Day => "1d",
            Self::Week => "1w",
            Self::Month => "1m",
            Self::All => "all",
        }
    }
}

/// Query of `GET /markets/{slug}/historical-price` (the OpenAPI spec of
/// 2026-04-30): an optional range, ISO-8601 instants
/// (`2024-01-01T00:00:00Z`), and the points' spacing. The answer is a
/// [`PriceHistory`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct PriceHistoryParams {
    /// The first instant (ISO-8601).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The last instant (ISO-8601).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// The spacing of the points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<PriceInterval>,
}

impl PriceHistoryParams {
    /// The set parameters as query pairs, in wire order `from`, `to`,
    /// `interval`.
    #[must_use]
    pub fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::with_capacity(3);
        if let Some(from) = &self.from {
            pairs.push(("from", from.clone()));
        }
        if let Some(to) = &self.to {
            pairs.push(("to", to.clone()));
        }
        if let Some(interval) = self.interval {
            pairs.push(("interval", interval.as_str().to_owned()));
        }
        pairs
    }
}

/// Response of `GET /markets/active`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", remote = "Self")]
pub struct ActiveMarketsPage {
    /// Markets on this page (entries that are not objects are skipped).
    #[serde(default, deserialize_with = "soft_objects")]
    pub data: Vec<Market>,
    /// Number of active markets across all pages (0 if not sent).
    #[serde(default, deserialize_with = "soft_or_default")]
    pub total_markets_count: i64,
}

/// Response of `GET /markets/search`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", remote = "Self")]
pub struct MarketSearchPage {
    /// Matching markets (entries that are not objects are skipped).
    #[serde(default, deserialize_with = "soft_objects")]
    pub markets: Vec<Market>,
    /// Number of matches the API reports (it may differ from
    /// `markets.len()`).
    #[serde(default, deserialize_with = "soft")]
    pub total_markets_count: Option<u64>,
    /// Whether nothing matched the query exactly.
    #[serde(default, deserialize_with = "soft")]
    pub no_exact_match: Option<bool>,
}

/// Response of `GET /markets/{slug}/orderbook`, and the `orderbook` of the
/// socket's `orderbookUpdate`.
///
/// The levels are what a reader needs: their prices and sizes are
/// required and exact. Everything else is soft.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderBook {
    /// Bids, best first.
    #[serde(default, deserialize_with = "null_default")]
    pub bids: Vec<OrderBookLevel>,
    /// Asks, best first.
    #[serde(default, deserialize_with = "null_default")]
    pub asks: Vec<OrderBookLevel>,
    /// The YES token id the book is for (`""` if not sent).
    #[serde(default, deserialize_with = "soft_or_default")]
    pub token_id: String,
    /// Midpoint adjusted for rewards.
    #[serde(
        default,
        serialize_with = "opt_decimal_number",
        deserialize_with = "soft"
    )]
    pub adjusted_midpoint: Option<Decimal>,
    /// Midpoint.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "opt_decimal_number",
        deserialize_with = "soft"
    )]
    pub midpoint: Option<Decimal>,
    /// Maximum spread for rewards (a string in REST, a number on the socket).
    #[serde(
        default,
        serialize_with = "opt_decimal_string",
        deserialize_with = "soft"
    )]
    pub max_spread: Option<Decimal>,
    /// Minimum size for rewards, as sent (micro-shares in real payloads,
    /// e.g. `"100000000"` for 100 shares).
    #[serde(
        default,
        serialize_with = "opt_decimal_string",
        deserialize_with = "soft"
    )]
    pub min_size: Option<Decimal>,
    /// Last trade price, if any trade happened.
    #[serde(
        default,
        serialize_with = "opt_decimal_number",
        deserialize_with = "soft"
    )]
    pub last_trade_price: Option<Decimal>,
}

/// One price level of an order book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderBookLevel {
    /// Price in (0, 1], exact.
    #[serde(
        serialize_with = "crate::serde_util::decimal_number",
        deserialize_with = "lenient"
    )]
    pub price: Decimal,
    /// Size in micro-shares (shares × 1e6): `10` shares are `10000000`.
    pub size: MicroShares,
    /// `BUY` or `SELL`, verbatim (`""` if not sent).
    #[serde(default, deserialize_with = "soft_or_default")]
    pub side: String,
}

impl OrderBook {
    /// Checks every level's price ([`validate_price`](crate::validate_price)):
    /// a server's book with a level outside (0, 1] is refused rather than
    /// read, so arithmetic on it (spread, midpoint) always stays in range.
    /// Sizes need no check: [`MicroShares`] is never negative.
    ///
    /// # Errors
    ///
    /// [`AmountError::PriceOutOfRange`](crate::AmountError::PriceOutOfRange)
    /// for the first level out of range, bids first.
    pub fn validate(&self) -> Result<(), crate::AmountError> {
        self.bids
            .iter()
            .chain(&self.asks)
            .try_for_each(OrderBookLevel::validate)
    }
}

impl OrderBookLevel {
    /// Checks the level's price is in (0, 1]
    /// ([`validate_price`](crate::validate_price)).
    ///
    /// # Errors
    ///
    /// [`AmountError::PriceOutOfRange`](crate::AmountError::PriceOutOfRange).
    pub fn validate(&self) -> Result<(), crate::AmountError> {
        crate::validate_price(self.price)
    }
}

/// Response of `GET /markets/{slug}/events`: trades on a market, a page
/// at a time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", remote = "Self")]
pub struct MarketEventsPage {
    /// Events on this page (entries that are not objects are skipped).
    #[serde(default, deserialize_with = "soft_objects")]
    pub events: Vec<MarketEvent>,
    /// Page size.
    #[serde(default, deserialize_with = "soft")]
    pub limit: Option<u32>,
    /// Page number, from 1.
    #[serde(default, deserialize_with = "soft")]
    pub page: Option<u32>,
    /// Number of pages.
    #[serde(default, deserialize_with = "soft")]
    pub total_pages: Option<u32>,
    /// Number of events across all pages.
    #[serde(default, deserialize_with = "soft")]
    pub total_rows: Option<u64>,
}

/// One trade on a market. Every field is soft.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MarketEvent {
    /// Time of the trade (ISO-8601).
    #[serde(default, deserialize_with = "soft")]
    pub created_at: Option<String>,
    /// Maker amount in micro-units.
    #[serde(default, deserialize_with = "soft")]
    pub maker_amount: Option<u64>,
    /// Taker amount in micro-units.
    #[serde(default, deserialize_with = "soft")]
    pub taker_amount: Option<u64>,
    /// Matched size in micro-shares.
    #[serde(default, deserialize_with = "soft")]
    pub matched_size: Option<MicroShares>,
    /// Trade price.
    #[serde(
        default,
        serialize_with = "opt_decimal_number",
        deserialize_with = "soft"
    )]
    pub price: Option<Decimal>,
    /// Side of the taker.
    #[serde(default, deserialize_with = "soft")]
    pub side: Option<Side>,
    /// Position token id.
    #[serde(default, deserialize_with = "soft")]
    pub token_id: Option<String>,
    /// Settlement transaction hash.
    #[serde(default, deserialize_with = "soft")]
    pub tx_hash: Option<String>,
    /// Title (often `""`).
    #[serde(default, deserialize_with = "soft")]
    pub title: Option<String>,
    /// The trader's public profile, when sent; kept as JSON (its fields
    /// vary and no operation reads them).
    #[serde(default, deserialize_with = "soft_value")]
    pub profile: Option<Value>,
}

/// Response of `GET /markets/{slug}/historical-price`: one price series
/// per market. A single market answers with one series object, a neg-risk
/// group with an array of them; both decode, into `series`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct PriceHistory {
    /// The series, one per (sub-)market.
    pub series: Vec<PriceSeries>,
}

impl<'de> Deserialize<'de> for PriceHistory {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct OneOrMany;
        impl<'de> Visitor<'de> for OneOrMany {
            type Value = PriceHistory;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a price series or an array of them")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<PriceHistory, A::Error> {
                let one = PriceSeries::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(PriceHistory { series: vec![one] })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<PriceHistory, A::Error> {
                let series: Vec<PriceSeries> =
                    crate::serde_util::soft_objects(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(PriceHistory { series })
            }
        }
        d.deserialize_any(OneOrMany)
    }
}

/// Prices of one market over time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PriceSeries {
    /// Market title.
    #[serde(default, deserialize_with = "soft")]
    pub title: Option<String>,
    /// The points, newest first as sent (entries that are not objects are
    /// skipped).
    #[serde(default, deserialize_with = "soft_objects")]
    pub prices: Vec<PricePoint>,
    /// Market status, when sent.
    #[serde(default, deserialize_with = "soft")]
    pub market_status: Option<String>,
}

/// One point of a price series.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PricePoint {
    /// Unix milliseconds (sent as a string of digits).
    #[serde(default, deserialize_with = "soft")]
    pub timestamp: Option<i64>,
    /// YES price.
    #[serde(
        default,
        serialize_with = "opt_decimal_number",
        deserialize_with = "soft"
    )]
    pub price: Option<Decimal>,
}

crate::macros::object_only!(ActiveMarketsPage, MarketSearchPage, MarketEventsPage);

#[cfg(test)]
mod book_tests {
    use super::*;
    use crate::AmountError;

    fn book(json: &str) -> OrderBook {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn levels_outside_zero_to_one_are_refused() {
        assert_eq!(
            book(r#"{"bids":[{"price":0.4,"size":1}],"asks":[{"price":1,"size":2}]}"#).validate(),
            Ok(())
        );
        for (price, shown) in [
            ("0", "0"),
            ("-0.5", "-0.5"),
            ("1.000001", "1.000001"),
            (
                "50000000000000000000000000000",
                "50000000000000000000000000000",
            ),
            (
                "-50000000000000000000000000000",
                "-50000000000000000000000000000",
            ),
        ] {
            let bad = book(&format!(
                r#"{{"bids":[{{"price":0.4,"size":1}}],"asks":[{{"price":0.6,"size":1}},{{"price":{price},"size":1}}]}}"#
            ));
            assert_eq!(
                bad.validate(),
                Err(AmountError::PriceOutOfRange {
                    price: shown.parse().unwrap()
                }),
                "{price}"
            );
        }
    }
}
