//! Portfolio reads: profiles, positions and history (`GET /profiles/...`,
//! `GET /portfolio/...`).
//!
//! Amounts stay exact: raw amounts (micro-units, as integer strings such
//! as `"995720"`) and human-unit amounts (`"13.379309"`) are both
//! [`Decimal`]s holding exactly the text sent; the field docs say which
//! unit each carries. Every field is soft (missing, `null` or unreadable
//! reads as `None`) except a profile's `id`, which names the account.
//! Parts whose shape varies between captures and that no operation reads
//! are kept as [`serde_json::Value`].

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::common::Loose;
use crate::markets::Venue;
use crate::serde_util::{
    lenient, lenient_opt, opt_decimal_string, soft, soft_objects, soft_or_default, soft_struct,
    soft_value, soft_vec,
};

/// A user's profile (`GET /profiles/me`, `GET /profiles/{address}`).
///
/// Self-signed order clients read `id` (the `ownerId` of their orders) and
/// `rank.feeRateBps` (their fee rate).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserProfile {
    /// Profile id.
    #[serde(deserialize_with = "lenient")]
    pub id: i64,
    /// Account (wallet) address (`""` if not sent).
    #[serde(default, deserialize_with = "soft_or_default")]
    pub account: String,
    /// Fee rank.
    #[serde(default, deserialize_with = "soft_struct")]
    pub rank: Option<ProfileRank>,
    /// Creation time.
    #[serde(default, deserialize_with = "soft")]
    pub created_at: Option<String>,
    /// Username.
    #[serde(default, deserialize_with = "soft")]
    pub username: Option<String>,
    /// Display name.
    #[serde(default, deserialize_with = "soft")]
    pub display_name: Option<String>,
    /// Profile picture URL.
    #[serde(default, deserialize_with = "soft")]
    pub pfp_url: Option<String>,
    /// Biography.
    #[serde(default, deserialize_with = "soft")]
    pub bio: Option<String>,
    /// Social link.
    #[serde(default, deserialize_with = "soft")]
    pub social_url: Option<String>,
    /// Wallet client kind, verbatim (e.g. `eoa`).
    #[serde(default, deserialize_with = "soft")]
    pub client: Option<String>,
    /// Smart wallet address, if any.
    #[serde(default, deserialize_with = "soft")]
    pub smart_wallet: Option<String>,
    /// Which wallet trades, verbatim (`eoa`, `smartWallet`).
    #[serde(default, deserialize_with = "soft")]
    pub trade_wallet_option: Option<String>,
    /// Embedded account address, if any.
    #[serde(default, deserialize_with = "soft")]
    pub embedded_account: Option<String>,
    /// Points (a number or a decimal string on the wire).
    #[serde(
        default,
        serialize_with = "opt_decimal_string",
        deserialize_with = "soft"
    )]
    pub points: Option<Decimal>,
    /// Points accumulated over all time.
    #[serde(
        default,
        serialize_with = "opt_decimal_string",
        deserialize_with = "soft"
    )]
    pub accumulative_points: Option<Decimal>,
    /// Whether the user is in the points programme.
    #[serde(default, deserialize_with = "soft")]
    pub enrolled_in_points_program: Option<bool>,
    /// Position on the leaderboard.
    #[serde(default, deserialize_with = "soft")]
    pub leaderboard_position: Option<u64>,
    /// Whether the user is in the top 100.
    #[serde(default, deserialize_with = "soft")]
    pub is_top100: Option<bool>,
    /// Whether the user is a captain.
    #[serde(default, deserialize_with = "soft")]
    pub is_captain: Option<bool>,
    /// Referral records, kept as JSON (no operation reads them).
    #[serde(default, deserialize_with = "soft_objects")]
    pub referral_data: Vec<Value>,
    /// Number of referred users.
    #[serde(default, deserialize_with = "soft")]
    pub referred_users_count: Option<u64>,
}

/// A profile's fee rank.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileRank {
    /// Rank id.
    #[serde(default, deserialize_with = "soft")]
    pub id: Option<i64>,
    /// Rank name, e.g. `Gold`.
    #[serde(default, deserialize_with = "soft")]
    pub name: Option<String>,
    /// Fee rate of the rank in basis points.
    #[serde(default, deserialize_with = "soft")]
    pub fee_rate_bps: Option<u32>,
}

/// Response of `GET /portfolio/positions`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", remote = "Self")]
pub struct PortfolioPositions {
    /// Positions in AMM markets.
    #[serde(default, deserialize_with = "soft_objects")]
    pub amm: Vec<AmmPosition>,
    /// Positions in order-book (CLOB) markets.
    #[serde(default, deserialize_with = "soft_objects")]
    pub clob: Vec<ClobPosition>,
    /// Group positions, kept as JSON (their shape varies: `{}` in captures).
    #[serde(default, deserialize_with = "soft_objects")]
    pub group: Vec<Value>,
    /// Points (a decimal string in real payloads, a number in the docs).
    #[serde(
        default,
        serialize_with = "opt_decimal_string",
        deserialize_with = "soft"
    )]
    pub points: Option<Decimal>,
    /// Points accumulated over all time.
    #[serde(
        default,
        serialize_with = "opt_decimal_string",
        deserialize_with = "soft"
    )]
    pub accumulative_points: Option<Decimal>,
    /// Liquidity rewards summary, kept as JSON.
    #[serde(default, deserialize_with = "soft_value")]
    pub rewards: Option<Value>,
}

/// A position in an order-book market.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClobPosition {
    /// The market.
    #[serde(default, deserialize_with = "soft_struct")]
    pub market: Option<PortfolioMarket>,
    /// Cost and value per outcome.
    #[serde(default, deserialize_with = "soft_struct")]
    pub positions: Option<OutcomePositions>,
    /// Token balances per outcome, in micro-shares as integer strings.
    #[serde(default, deserialize_with = "soft_struct")]
    pub tokens_balance: Option<OutcomeBalances>,
    /// Latest trade prices, kept as JSON (numbers or strings).
    #[serde(default, deserialize_with = "soft_value")]
    pub latest_trade: Option<Value>,
    /// Live orders and locked collateral, kept as JSON.
    #[serde(default, deserialize_with = "soft_value")]
    pub orders: Option<Value>,
    /// Rewards on this market, kept as JSON.
    #[serde(default, deserialize_with = "soft_value")]
    pub rewards: Option<Value>,
    /// The address holding the position.
    #[serde(default, deserialize_with = "soft")]
    pub maker_address: Option<String>,
}

/// Cost and value of a CLOB position, per outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomePositions {
    /// The YES side.
    #[serde(default, deserialize_with = "soft_struct")]
    pub yes: Option<PositionSide>,
    /// The NO side.
    #[serde(default, deserialize_with = "soft_struct")]
    pub no: Option<PositionSide>,
}

/// One outcome of a CLOB position. Amounts are raw micro-units, exact
/// (`fillPrice` too: `"991000"` is 0.991).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PositionSide {
    /// Cost in collateral micro-units.
    #[serde(
        default,
        serialize_with = "opt_decimal_string",
        deserialize_with = "soft"
    )]
    pub cost: Option<Decimal>,
    /// Average fill price in micro-units of collateral per share.
    #[serde(
        default,
        serialize_with = "opt_decimal_string",
        deserialize_with = "soft"
    )]
    pub fill_price: Option<Decimal>,
    /// Market value in collateral micro-units.
    #[serde(
        default,
        serialize_with = "opt_decimal_string",
        deserialize_with = "soft"
    )]
    pub market_value: Option<Decimal>,
    /// Realised profit and loss in collateral micro-units.
    #[serde(
        default,
        serialize_with = "opt_decimal_string",
        deserialize_with = "soft"
    )]
    pub realised_pnl: Option<Decimal>,
    /// Unrealised profit and loss in collateral micro-units.
    #[serde(
        default,
        serialize_with = "opt_decimal_string",
        deserialize_with = "soft"
    )]
    pub unrealized_pnl: Option<Decimal>,
    /// When the position was opened, if known.
    #[serde(default, deserialize_with = "soft")]
    pub opened_at: Option<String>,
}

/// Token balances per outcome, in micro-shares.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeBalances {
    /// YES balance.
    #[serde(default, deserialize_with = "soft")]
    pub yes: Option<crate::amounts::MicroShares>,
    /// NO balance.
    #[serde(default, deserialize_with = "soft")]
    pub no: Option<crate::amounts::MicroShares>,
}

/// A position in an AMM market. Amounts are in human units, exact.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AmmPosition {
    /// The market (its `id` is the market contract address).
    #[serde(default, deserialize_with = "soft_struct")]
    pub market: Option<PortfolioMarket>,
    /// Outcome held (0 = YES).
    #[serde(default, deserialize_with = "soft")]
    pub outcome_index: Option<u32>,
    /// Outcome tokens held, in shares.
    #[serde(
        default,
        serialize_with = "opt_decimal_string",
        deserialize_with = "soft"
    )]
    pub outcome_token_amount: Option<Decimal>,
    /// Collateral put in, in collateral units.
    #[serde(
        default,
        serialize_with = "opt_decimal_string",
        deserialize_with = "soft"
    )]
    pub collateral_amount: Option<Decimal>,
    /// Latest trade prices, kept as JSON.
    #[serde(default, deserialize_with = "soft_value")]
    pub latest_trade: Option<Value>,
    /// Account holding the position.
    #[serde(default, deserialize_with = "soft")]
    pub account: Option<String>,
}

/// The market of a position or history entry: a smaller shape than
/// [`Market`](crate::Market), with its own quirks (`id` is an integer, a
/// numeric string, or an AMM market's contract address, so it is [`Loose`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PortfolioMarket {
    /// Market id, as sent.
    #[serde(default, deserialize_with = "soft")]
    pub id: Option<Loose>,
    /// URL slug.
    #[serde(default, deserialize_with = "soft")]
    pub slug: Option<String>,
    /// Title.
    #[serde(default, deserialize_with = "soft")]
    pub title: Option<String>,
    /// Status, verbatim.
    #[serde(default, deserialize_with = "soft")]
    pub status: Option<String>,
    /// The CTF condition id.
    #[serde(default, deserialize_with = "soft")]
    pub condition_id: Option<String>,
    /// Whether the market is closed.
    #[serde(default, deserialize_with = "soft")]
    pub closed: Option<bool>,
    /// Expiry date as text.
    #[serde(default, deserialize_with = "soft")]
    pub expiration_date: Option<String>,
    /// Index of the winning outcome, once resolved.
    #[serde(default, deserialize_with = "soft")]
    pub winning_outcome_index: Option<u32>,
    /// YES position token id.
    #[serde(default, deserialize_with = "soft")]
    pub yes_position_id: Option<String>,
    /// NO position token id.
    #[serde(default, deserialize_with = "soft")]
    pub no_position_id: Option<String>,
    /// The exchange contracts.
    #[serde(default, deserialize_with = "soft_struct")]
    pub venue: Option<Venue>,
    /// Collateral token (`collateralToken` in positions, `collateral` in
    /// history), kept as JSON: its `id` is an integer, a string or an
    /// address depending on the endpoint.
    #[serde(default, deserialize_with = "soft_value")]
    pub collateral_token: Option<Value>,
    /// Collateral token as history names it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "soft_value"
    )]
    pub collateral: Option<Value>,
}

/// Response of `GET /portfolio/history`: one page, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", remote = "Self")]
pub struct HistoryPage {
    /// Entries on this page (entries that are not objects are skipped).
    #[serde(default, deserialize_with = "soft_objects")]
    pub data: Vec<HistoryEntry>,
    /// Opaque cursor of the next page; `None` on the last page.
    #[serde(default, deserialize_with = "soft")]
    pub next_cursor: Option<String>,
}

/// One entry of the portfolio history (a trade, a claim, a loss…), and
/// each item of `GET /portfolio/trades`, which has the same shape.
///
/// Units differ by field, as the API sends them: `collateralAmount` and
/// `outcomeTokenAmount` are human units (`"13.379309"`), `pnl` is raw
/// micro-units. All exact.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    /// Block time: epoch seconds in history, ISO-8601 text in trades, so
    /// kept as sent.
    #[serde(default, deserialize_with = "soft")]
    pub block_timestamp: Option<Loose>,
    /// What happened, verbatim (e.g. `Market Sell`, `Claim`).
    #[serde(default, deserialize_with = "soft")]
    pub strategy: Option<String>,
    /// Outcome-level action, verbatim (e.g. `loss`).
    #[serde(default, deserialize_with = "soft")]
    pub action: Option<String>,
    /// The market.
    #[serde(default, deserialize_with = "soft_struct")]
    pub market: Option<PortfolioMarket>,
    /// Outcome traded (0 = YES).
    #[serde(default, deserialize_with = "soft")]
    pub outcome_index: Option<u32>,
    /// Collateral moved, in collateral units.
    #[serde(
        default,
        serialize_with = "opt_decimal_string",
        deserialize_with = "soft"
    )]
    pub collateral_amount: Option<Decimal>,
    /// Outcome tokens moved, in shares.
    #[serde(
        default,
        serialize_with = "opt_decimal_string",
        deserialize_with = "soft"
    )]
    pub outcome_token_amount: Option<Decimal>,
    /// Outcome tokens moved per outcome; empty unless every entry reads.
    #[serde(default, deserialize_with = "soft_vec")]
    pub outcome_token_amounts: Vec<Decimal>,
    /// Price per outcome token (a number or a string on the wire).
    #[serde(
        default,
        serialize_with = "opt_decimal_string",
        deserialize_with = "soft"
    )]
    pub outcome_token_price: Option<Decimal>,
    /// Net cost in collateral micro-units (trades).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "opt_decimal_string",
        deserialize_with = "soft"
    )]
    pub outcome_token_net_cost: Option<Decimal>,
    /// Profit or loss in collateral micro-units.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "opt_decimal_string",
        deserialize_with = "soft"
    )]
    pub pnl: Option<Decimal>,
    /// Transaction hash.
    #[serde(default, deserialize_with = "soft")]
    pub transaction_hash: Option<String>,
    /// The order, for trades.
    #[serde(default, deserialize_with = "soft")]
    pub order_id: Option<String>,
    /// The trade event, for trades.
    #[serde(default, deserialize_with = "soft")]
    pub trade_event_id: Option<String>,
}

crate::macros::object_only!(PortfolioPositions, HistoryPage);

/// Response of `GET /markets/{slug}/locked-balance`: the collateral the
/// caller's (or, with `x-on-behalf-of`, a sub-account's) open orders on one
/// market hold back.
///
/// Shape from the official OpenAPI spec (2026-04-30) and its docs page,
/// whose example is `{"lockedBalance":"250.50","lockedBalanceFormatted":
/// "250.50 USDC","currency":"USDC","orderCount":3}`: the amount is in USDC,
/// not micro-USDC. No real capture confirms the unit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LockedBalance {
    /// USDC locked in open orders (a decimal string on the wire; a number
    /// is read too). `None` when the API sends none.
    #[serde(
        default,
        serialize_with = "opt_decimal_string",
        deserialize_with = "lenient_opt"
    )]
    pub locked_balance: Option<Decimal>,
    /// The same amount for display (`"250.50 USDC"`).
    #[serde(default, deserialize_with = "soft")]
    pub locked_balance_formatted: Option<String>,
    /// The currency (`"USDC"`).
    #[serde(default, deserialize_with = "soft")]
    pub currency: Option<String>,
    /// How many open orders hold the amount.
    #[serde(default, deserialize_with = "soft")]
    pub order_count: Option<u64>,
}

/// Which trading contracts `GET /portfolio/trading/allowance` checks the
/// USDC allowance of (its required `type` query parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TradingAllowanceType {
    /// The CLOB exchange (`clob`).
    #[serde(rename = "clob")]
    Clob,
    /// The negative-risk exchange and adapter (`negrisk`).
    #[serde(rename = "negrisk")]
    NegRisk,
}

impl TradingAllowanceType {
    /// The wire value: `clob` or `negrisk`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Clob => "clob",
            Self::NegRisk => "negrisk",
        }
    }
}

/// Response of `GET /portfolio/trading/allowance`: the USDC allowance the
/// profile's wallet granted a trading contract (shape from the official
/// OpenAPI spec, 2026-04-30, and its docs page).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TradingAllowance {
    /// The allowance in micro-USDC, as digits. Kept as text: an unlimited
    /// approval is 2^256 − 1, beyond any integer type here.
    #[serde(default, deserialize_with = "lenient_opt")]
    pub allowance: Option<String>,
    /// Whether the allowance covers the API's minimum for trading.
    #[serde(default, deserialize_with = "soft")]
    pub has_minimum_allowance: Option<bool>,
    /// The contracts checked (`clob` or `negrisk`), as sent.
    #[serde(default, rename = "type", deserialize_with = "soft")]
    pub allowance_type: Option<String>,
    /// The spender whose allowance was read.
    #[serde(default, deserialize_with = "soft")]
    pub spender: Option<String>,
    /// The wallet whose allowance was read.
    #[serde(default, deserialize_with = "soft")]
    pub checked_address: Option<String>,
}
