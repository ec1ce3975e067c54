//! What a profile reads about itself: `GET /portfolio/positions`,
//! `/portfolio/history`, `/portfolio/trades` and
//! `/markets/{slug}/user-orders`. Everything follows from the sandbox's own
//! orders and fills, in exact integer micro-units.
//!
//! Each route reads the caller's own profile, or with the header
//! `x-on-behalf-of: {id}` one of the caller's sub-accounts (404 for any
//! other profile; the token needs `delegated_signing`, as the docs say of
//! `GET /portfolio/history`). A `?onBehalfOf=` query is refused with a 400
//! naming the header: the docs use the header on these reads.
//!
//! `GET /markets/{slug}/locked-balance` reports the USDC the caller's live
//! BUY orders on a market hold back, and `GET /portfolio/trading/allowance`
//! the allowance of its wallet (the sandbox approves without limit).

use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use limitless_types::{OrderType, SCOPE_DELEGATED_SIGNING, Side};
use serde::Deserialize;
use serde_json::{Value, json};

use super::accounts::not_own_account;
use super::{positive, query};
use crate::auth::Signed;
use crate::engine::Entry;
use crate::error::{ApiError, ApiJson};
use crate::state::{
    App, ConversionRecord, FillRecord, MarketRecord, OrderData, State as SandboxState, iso,
};
use crate::views::{
    USDC_TOKEN_ID, account_of, clob_position, holdings, micro_text, outcome_index, participants,
    price_number, user_order_json,
};

/// History entries per page when `limit` is not given (the SDKs' default).
const DEFAULT_HISTORY_LIMIT: i64 = 20;
/// The most entries a page holds: the API's page limit, shared with the
/// client through `limitless-types`.
const MAX_HISTORY_LIMIT: i64 = limitless_types::limits::MAX_PAGE_LIMIT as i64;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct WhoQuery {
    on_behalf_of: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct HistoryQuery {
    on_behalf_of: Option<String>,
    cursor: Option<String>,
    limit: Option<String>,
}

/// The header naming the sub-account a partner read is for.
const HEADER_ON_BEHALF_OF: &str = "x-on-behalf-of";

/// The profile a read is for: the caller, or the sub-account its
/// `x-on-behalf-of` header names.
fn subject(
    state: &SandboxState,
    signed: &Signed,
    headers: &HeaderMap,
    query_on_behalf_of: Option<&str>,
) -> Result<i64, ApiError> {
    if query_on_behalf_of.is_some() {
        return Err(ApiError::bad_request(format!(
            "onBehalfOf is not a query parameter of this read: name the sub-account in the {HEADER_ON_BEHALF_OF} header"
        ))
        .with_code("VALIDATION_ERROR"));
    }
    let value = match headers.get(HEADER_ON_BEHALF_OF) {
        None => return Ok(signed.caller.profile_id),
        Some(value) => value.to_str().map_err(|_| {
            ApiError::bad_request(format!(
                "{HEADER_ON_BEHALF_OF} must be a positive integer profile id"
            ))
        })?,
    };
    let profile_id = positive(HEADER_ON_BEHALF_OF, Some(value))?.unwrap_or_default();
    signed.caller.require(
        &[SCOPE_DELEGATED_SIGNING],
        "read a sub-account with x-on-behalf-of",
    )?;
    match state.accounts.get(&profile_id) {
        Some(account) if account.partner_profile_id == signed.caller.profile_id => Ok(profile_id),
        _ => Err(not_own_account(profile_id)),
    }
}

fn unix_seconds(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

pub(super) async fn user_orders(
    State(app): State<App>,
    path: Result<Path<String>, PathRejection>,
    params: Result<Query<WhoQuery>, QueryRejection>,
    headers: HeaderMap,
    signed: Signed,
) -> Result<ApiJson<Value>, ApiError> {
    let slug = super::path(path)?;
    let params = query(params)?;
    let state = app.lock();
    let profile = subject(&state, &signed, &headers, params.on_behalf_of.as_deref())?;
    if state.market(&slug).is_none() {
        return Err(ApiError::not_found(format!(
            "market {slug:?} not found; list markets with GET /markets/active"
        )));
    }
    let orders: Vec<Value> = state
        .engine
        .entries()
        .iter()
        .rev()
        .filter(|e| e.data.owner_id == profile && e.data.market_slug == slug)
        .map(user_order_json)
        .collect();
    Ok(ApiJson(Value::Array(orders)))
}

pub(super) async fn positions(
    State(app): State<App>,
    params: Result<Query<WhoQuery>, QueryRejection>,
    headers: HeaderMap,
    signed: Signed,
) -> Result<ApiJson<Value>, ApiError> {
    let params = query(params)?;
    let state = app.lock();
    let profile = subject(&state, &signed, &headers, params.on_behalf_of.as_deref())?;
    let account = account_of(&state, profile);
    let holdings = holdings(&state, profile);
    let clob: Vec<Value> = state
        .markets
        .iter()
        .filter_map(|market| clob_position(&state, profile, market, &holdings, &account))
        .collect();
    Ok(ApiJson(json!({
        "amm": [],
        "clob": clob,
        "group": [],
        "points": "0.00000000",
        "accumulativePoints": "0.00000000",
        // The API always answers its rewards summary (the spec requires it;
        // real captures carry it, amounts as strings): the sandbox pays none.
        "rewards": {
            "todaysRewards": "0",
            "totalUnpaidRewards": "0",
            "totalUserRewardsLastEpoch": "0",
            "rewardsChartData": [],
            "rewardsByEpoch": [],
        },
    })))
}

/// One history or trade row: a fill as one participant saw it.
struct Row<'a> {
    fill: &'a FillRecord,
    /// 0 for the taker's side of the fill, 1 for the maker's; orders rows
    /// of a self-trade.
    role: u8,
    side: Side,
    order: &'a Entry<OrderData>,
    market: &'a MarketRecord,
}

impl Row<'_> {
    fn outcome(&self) -> usize {
        outcome_index(self.market, &self.fill.token_id)
    }

    fn strategy(&self) -> String {
        let kind = match self.order.data.order_type {
            OrderType::Gtc => "Limit",
            _ => "Market",
        };
        let side = if self.side == Side::Buy {
            "Buy"
        } else {
            "Sell"
        };
        format!("{kind} {side}")
    }
}

/// Every fill `profile` took part in, newest first.
fn rows(state: &SandboxState, profile: i64) -> Vec<Row<'_>> {
    let entries = state.engine.entries();
    let mut rows = Vec::new();
    for fill in state.fills.iter().rev() {
        let Some(market) = state.market_by_id(fill.market_id) else {
            continue;
        };
        for (role, (owner, side, index)) in (0_u8..).zip(participants(state, fill)) {
            if owner == profile {
                rows.push(Row {
                    fill,
                    role,
                    side,
                    order: &entries[index],
                    market,
                });
            }
        }
    }
    rows
}

/// One history entry: a fill as one participant saw it, or a split or
/// merge.
enum Item<'a> {
    Fill(Row<'a>),
    Conversion(&'a ConversionRecord, &'a MarketRecord, u64),
}

/// Where an item stands, newest greatest: (fills before it, kind, index).
/// A conversion made after `k` fills sorts above fill `k - 1` and below
/// fill `k`, whose taker row comes before its maker row.
type Key = (u64, u8, u64);

impl Item<'_> {
    fn key(&self) -> Key {
        match self {
            Self::Fill(row) => (row.fill.seq, 2 - row.role, 0),
            Self::Conversion(record, _, index) => (record.after_fills, 0, *index),
        }
    }

    fn json(&self) -> Value {
        match self {
            Self::Fill(row) => history_json(row),
            Self::Conversion(record, market, _) => conversion_json(record, market),
        }
    }
}

/// The history of `profile`: its fills, splits and merges, newest first.
fn history_items(state: &SandboxState, profile: i64) -> Vec<Item<'_>> {
    let mut items: Vec<Item<'_>> = rows(state, profile).into_iter().map(Item::Fill).collect();
    for (index, record) in (0_u64..).zip(&state.conversions) {
        if record.profile_id != profile {
            continue;
        }
        if let Some(market) = state.market_by_id(record.market_id) {
            items.push(Item::Conversion(record, market, index));
        }
    }
    items.sort_by_key(|item| std::cmp::Reverse(item.key()));
    items
}

fn encode_cursor(key: Key) -> String {
    URL_SAFE_NO_PAD.encode(format!("h:{}:{}:{}", key.0, key.1, key.2))
}

fn decode_cursor(cursor: &str) -> Result<Key, ApiError> {
    let invalid = || {
        ApiError::bad_request(format!(
            "cursor {cursor:?} is not one this server issued; pass the nextCursor of the previous page, or an empty cursor for the first"
        ))
    };
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let mut parts = text.strip_prefix("h:").ok_or_else(invalid)?.split(':');
    let seq = parts
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or_else(invalid)?;
    let kind = parts
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or_else(invalid)?;
    let index = parts
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or_else(invalid)?;
    Ok((seq, kind, index))
}

pub(super) async fn history(
    State(app): State<App>,
    params: Result<Query<HistoryQuery>, QueryRejection>,
    headers: HeaderMap,
    signed: Signed,
) -> Result<ApiJson<Value>, ApiError> {
    let params = query(params)?;
    let limit = positive("limit", params.limit.as_deref())?.unwrap_or(DEFAULT_HISTORY_LIMIT);
    if limit > MAX_HISTORY_LIMIT {
        return Err(ApiError::bad_request(format!(
            "limit must be at most {MAX_HISTORY_LIMIT}, got {limit}; follow nextCursor for more"
        )));
    }
    let after = match params.cursor.as_deref() {
        None | Some("") => None,
        Some(cursor) => Some(decode_cursor(cursor)?),
    };
    let state = app.lock();
    let profile = subject(&state, &signed, &headers, params.on_behalf_of.as_deref())?;
    let items = history_items(&state, profile);
    let rest: Vec<&Item<'_>> = items
        .iter()
        .filter(|item| after.is_none_or(|after| item.key() < after))
        .collect();
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let page = &rest[..rest.len().min(limit)];
    let next_cursor = (rest.len() > limit)
        .then(|| page.last().map(|item| encode_cursor(item.key())))
        .flatten();
    let data: Vec<Value> = page.iter().map(|item| item.json()).collect();
    Ok(ApiJson(json!({ "data": data, "nextCursor": next_cursor })))
}

/// A split or merge as a history entry. The spec lists "splits/merges"
/// among the entries of `GET /portfolio/history` without their shape; the
/// sandbox sends a fill's fields with `strategy` `"Split"` or `"Merge"`,
/// both outcomes' amounts, and no outcome index or price. Unconfirmed.
fn conversion_json(record: &ConversionRecord, market: &MarketRecord) -> Value {
    let amount = micro_text(u128::from(record.amount));
    json!({
        "blockTimestamp": unix_seconds(record.at),
        "collateralAmount": amount,
        "market": history_market_json(market),
        "outcomeTokenAmount": amount,
        "outcomeTokenAmounts": [amount, amount],
        "outcomeIndex": null,
        "outcomeTokenPrice": null,
        "strategy": if record.merge { "Merge" } else { "Split" },
        "transactionHash": record.transaction_hash,
    })
}

/// The `market` of a history entry.
fn history_market_json(market: &MarketRecord) -> Value {
    json!({
            "closed": false,
            "collateral": { "symbol": "USDC", "id": USDC_TOKEN_ID.to_string(), "decimals": 6 },
            "group": null,
            "condition_id": market.condition_id,
            "conditionId": market.condition_id,
            "funding": "0",
            "id": market.id.to_string(),
            "imageUrl": null,
            "payoutNumerators": null,
            "status": "FUNDED",
            "winningOutcomeIndex": null,
            "slug": market.slug,
            "title": market.title,
            "expirationDate": iso(UNIX_EPOCH + std::time::Duration::from_millis(market.expiration_ms.unsigned_abs())),
    })
}

fn history_json(row: &Row<'_>) -> Value {
    let fill = row.fill;
    let outcome = row.outcome();
    let shares = micro_text(u128::from(fill.shares));
    let mut amounts = [Value::from("0"), Value::from("0")];
    amounts[outcome] = Value::from(shares.clone());
    json!({
        "blockTimestamp": unix_seconds(fill.at),
        // Human units here, as the API sends them on this route.
        "collateralAmount": micro_text(u128::from(fill.collateral)),
        "market": history_market_json(row.market),
        "outcomeTokenAmount": shares,
        "outcomeTokenAmounts": amounts,
        "outcomeIndex": outcome,
        "outcomeTokenPrice": price_number(fill.price),
        "orderId": row.order.data.id,
        "strategy": row.strategy(),
        "tradeEventId": fill.trade_event_id,
        "transactionHash": fill.transaction_hash,
    })
}

pub(super) async fn trades(
    State(app): State<App>,
    params: Result<Query<WhoQuery>, QueryRejection>,
    headers: HeaderMap,
    signed: Signed,
) -> Result<ApiJson<Value>, ApiError> {
    let params = query(params)?;
    let state = app.lock();
    let profile = subject(&state, &signed, &headers, params.on_behalf_of.as_deref())?;
    let data: Vec<Value> = rows(&state, profile)
        .iter()
        .map(|row| {
            let fill = row.fill;
            let outcome = row.outcome();
            let mut amounts = [Value::from("0"), Value::from("0")];
            amounts[outcome] = Value::from(fill.shares.to_string());
            // Raw micro-units on this route; net cost is negative for sells.
            let net_cost = match row.side {
                Side::Buy => i128::from(fill.collateral),
                Side::Sell => -i128::from(fill.collateral),
            };
            json!({
                "blockTimestamp": iso(fill.at),
                "market": {
                    "conditionId": row.market.condition_id,
                    "expirationDate": row.market.json["expirationDate"],
                    "id": row.market.id,
                    "slug": row.market.slug,
                    "title": row.market.title,
                },
                "outcomeIndex": outcome,
                "outcomeTokenAmounts": amounts,
                "outcomeTokenNetCost": net_cost.to_string(),
                "transactionHash": fill.transaction_hash,
                "collateralAmount": fill.collateral.to_string(),
                "outcomeTokenAmount": fill.shares.to_string(),
                "outcomeTokenPrice": micro_text(u128::from(fill.price)),
                "strategy": if row.side == Side::Buy { "Buy" } else { "Sell" },
                "orderId": row.order.data.id,
            })
        })
        .collect();
    Ok(ApiJson(Value::Array(data)))
}

/// `GET /markets/{slug}/locked-balance`: the USDC the caller's live BUY
/// orders on the market hold back, in USDC as the docs' example sends it
/// (`"250.5"`, with `"250.5 USDC"` formatted).
pub(super) async fn locked_balance(
    State(app): State<App>,
    path: Result<Path<String>, PathRejection>,
    signed: Signed,
) -> Result<ApiJson<Value>, ApiError> {
    let slug = super::path(path)?;
    let state = app.lock();
    if state.market(&slug).is_none() {
        return Err(ApiError::not_found(format!(
            "market {slug:?} not found; list markets with GET /markets/active"
        )));
    }
    let held = crate::funds::held(
        state.engine.entries(),
        |data: &OrderData| data.owner_id,
        signed.caller.profile_id,
        None,
        |data: &OrderData| data.market_slug == slug,
    );
    let usdc = micro_text(held.usdc);
    Ok(ApiJson(json!({
        "lockedBalance": usdc,
        "lockedBalanceFormatted": format!("{usdc} USDC"),
        "currency": "USDC",
        "orderCount": held.buy_orders,
    })))
}

#[derive(Debug, Deserialize)]
pub(super) struct AllowanceQuery {
    #[serde(rename = "type")]
    kind: Option<String>,
    spender: Option<String>,
}

/// `GET /portfolio/trading/allowance?type=clob|negrisk[&spender=]`: the
/// caller's wallet approved its trading contracts without limit (the
/// sandbox's sub-accounts are provisioned that way), so the allowance is
/// the largest uint256.
pub(super) async fn trading_allowance(
    State(app): State<App>,
    params: Result<Query<AllowanceQuery>, QueryRejection>,
    signed: Signed,
) -> Result<ApiJson<Value>, ApiError> {
    let params = query(params)?;
    let venue = match params.kind.as_deref() {
        Some("clob") => crate::seed::MarketVenue::Legacy,
        Some("negrisk") => crate::seed::MarketVenue::NegRisk,
        other => {
            return Err(ApiError::bad_request(format!(
                "type must be clob or negrisk, got {}",
                other.map_or_else(|| "nothing".to_owned(), |t| format!("{t:?}"))
            )));
        }
    };
    if let Some(spender) = &params.spender {
        limitless_types::validate_address("spender", spender).map_err(super::accounts::invalid)?;
    }
    let state = app.lock();
    let account = account_of(&state, signed.caller.profile_id);
    Ok(ApiJson(json!({
        "allowance": "115792089237316195423570985008687907853269984665640564039457584007913129639935",
        "hasMinimumAllowance": true,
        "type": params.kind,
        "spender": params.spender.unwrap_or_else(|| venue.exchange().to_owned()),
        "checkedAddress": account,
    })))
}
