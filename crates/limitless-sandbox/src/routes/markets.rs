//! Public market reads: `/markets/active`, `/markets/{slug}`,
//! `/markets/{slug}/orderbook`.

use std::cmp::Reverse;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use limitless_types::{Decimal, OrderBook, OrderBookLevel, Side};
use serde::Deserialize;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::macros::format_description;

use super::{positive, query};
use crate::error::ApiError;
use crate::seed::{MarketSeed, MarketVenue, USDC};
use crate::state::App;

const DEFAULT_PAGE_LIMIT: i64 = 10;
/// The API returns at most 25 markets per page.
const MAX_PAGE_LIMIT: i64 = 25;
const SORTS: &[&str] = &[
    "lp_rewards",
    "ending_soon",
    "newest",
    "high_value",
    "liquidity",
];

/// Micro-units to a decimal (`550_000` → `0.55`).
pub(crate) fn micro_decimal(micro: u64) -> Decimal {
    Decimal::from_i128_with_scale(i128::from(micro), 6).normalize()
}

fn venue_json(venue: MarketVenue) -> Value {
    let mut value = json!({ "exchange": venue.exchange(), "adapter": venue.adapter() });
    if let Some(fee_module) = venue.fee_module() {
        value["feeModule"] = json!(fee_module);
        value["feeModuleType"] = json!("COLLATERAL");
    }
    value
}

fn expiration_date(unix_millis: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix_millis.div_euclid(1000))
        .ok()
        .and_then(|t| {
            t.format(format_description!(
                "[month repr:short] [day padding:none], [year]"
            ))
            .ok()
        })
        .unwrap_or_default()
}

fn number(d: Decimal) -> Value {
    // Display is exact; serde_json reads the text back as the nearest f64,
    // whose shortest form is the same text for prices of up to 15 digits.
    serde_json::from_str(&d.normalize().to_string()).unwrap_or(Value::Null)
}

/// The full `Market` JSON the API would send for a seeded market.
pub(crate) fn market_json(id: i64, seed: &MarketSeed, condition_id: &str, rank: i64) -> Value {
    let yes = seed.yes_price;
    let no = Decimal::ONE - yes;
    let volume = 1_250_000_000_i64 * (4 - rank.min(3));
    let liquidity = 480_000_000_i64 * (rank + 1);
    json!({
        "id": id,
        "slug": seed.slug,
        "title": seed.title,
        "proxyTitle": null,
        "description": format!("Resolves YES if: {} Sandbox market; nothing here settles on chain.", seed.title),
        "collateralToken": { "address": USDC, "decimals": 6, "symbol": "USDC" },
        "expirationDate": expiration_date(seed.expiration_ms),
        "expirationTimestamp": seed.expiration_ms,
        "expired": false,
        "createdAt": "2026-01-12T09:30:00.000Z",
        "updatedAt": "2026-01-12T09:30:00.000Z",
        "categories": ["Crypto"],
        "status": "FUNDED",
        "creator": { "name": "Limitless Sandbox", "imageURI": null, "link": null },
        "tags": ["sandbox"],
        "tradeType": "clob",
        "marketType": "single",
        "priorityIndex": rank,
        "metadata": { "fee": true, "isBannered": false, "isPolyArbitrage": false, "shouldMarketMake": false },
        "volume": volume.to_string(),
        "volumeFormatted": micro_decimal(volume.unsigned_abs()).to_string(),
        "openInterest": "0",
        "openInterestFormatted": "0",
        "liquidity": liquidity.to_string(),
        "liquidityFormatted": micro_decimal(liquidity.unsigned_abs()).to_string(),
        "positionIds": [seed.yes_token_id, seed.no_token_id],
        "conditionId": condition_id,
        "tokens": { "yes": seed.yes_token_id, "no": seed.no_token_id },
        "prices": [number(yes), number(no)],
        "isRewardable": rank == 0,
        "settings": {
            "minSize": "1",
            "maxSpread": 0.05,
            "dailyReward": "0",
            "rewardsEpoch": 0.04,
            "c": 1.5,
        },
        "venue": venue_json(seed.venue),
        "logo": null,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ActiveQuery {
    limit: Option<String>,
    page: Option<String>,
    sort_by: Option<String>,
}

fn sort_key(market: &Value, sort: &str) -> Reverse<i64> {
    let int = |field: &str| {
        market[field]
            .as_i64()
            .or_else(|| market[field].as_str().and_then(|s| s.parse().ok()))
            .unwrap_or_default()
    };
    match sort {
        "ending_soon" => Reverse(-int("expirationTimestamp")),
        "newest" => Reverse(int("id")),
        "high_value" => Reverse(int("volume")),
        "liquidity" => Reverse(int("liquidity")),
        "lp_rewards" => Reverse(i64::from(market["isRewardable"].as_bool().unwrap_or(false))),
        _ => Reverse(-int("priorityIndex")),
    }
}

pub(super) async fn active(
    State(app): State<App>,
    params: Result<Query<ActiveQuery>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let params = query(params)?;
    let limit = positive("limit", params.limit.as_deref())?.unwrap_or(DEFAULT_PAGE_LIMIT);
    if limit > MAX_PAGE_LIMIT {
        return Err(ApiError::bad_request(format!(
            "limit must be at most {MAX_PAGE_LIMIT}, got {limit}"
        )));
    }
    let page = positive("page", params.page.as_deref())?.unwrap_or(1);
    let sort = params.sort_by.as_deref().unwrap_or("");
    if !sort.is_empty() && !SORTS.contains(&sort) {
        return Err(ApiError::bad_request(format!(
            "sortBy must be one of {}, got {sort:?}",
            SORTS.join(", ")
        )));
    }
    let state = app.lock();
    let mut markets: Vec<&Value> = state.markets.iter().map(|m| &m.json).collect();
    markets.sort_by_key(|m| sort_key(m, sort));
    let skip = usize::try_from((page - 1).saturating_mul(limit)).unwrap_or(usize::MAX);
    let data: Vec<Value> = markets
        .into_iter()
        .skip(skip)
        .take(usize::try_from(limit).unwrap_or_default())
        .cloned()
        .collect();
    Ok(Json(
        json!({ "data": data, "totalMarketsCount": state.markets.len() }),
    ))
}

fn unknown_market(slug: &str) -> ApiError {
    ApiError::not_found(format!(
        "market {slug:?} not found; list markets with GET /markets/active"
    ))
}

pub(super) async fn market(
    State(app): State<App>,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let state = app.lock();
    state
        .market(&slug)
        .map(|m| Json(m.json.clone()))
        .ok_or_else(|| unknown_market(&slug))
}

pub(super) async fn orderbook(
    State(app): State<App>,
    Path(slug): Path<String>,
) -> Result<Json<OrderBook>, ApiError> {
    let state = app.lock();
    let market = state.market(&slug).ok_or_else(|| unknown_market(&slug))?;
    let token = &market.yes_token_id;
    fn level(side: &'static str) -> impl Fn((u64, u64)) -> OrderBookLevel {
        move |(price, size)| OrderBookLevel {
            price: micro_decimal(price),
            size: micro_decimal(size),
            side: side.to_owned(),
        }
    }
    let bids: Vec<_> = state
        .engine
        .levels(token, Side::Buy)
        .into_iter()
        .map(level("BUY"))
        .collect();
    let asks: Vec<_> = state
        .engine
        .levels(token, Side::Sell)
        .into_iter()
        .map(level("SELL"))
        .collect();
    let midpoint = match (bids.first(), asks.first()) {
        (Some(bid), Some(ask)) => (bid.price + ask.price) / Decimal::TWO,
        (Some(only), None) | (None, Some(only)) => only.price,
        (None, None) => market.yes_price,
    };
    Ok(Json(OrderBook {
        bids,
        asks,
        token_id: token.clone(),
        adjusted_midpoint: Some(midpoint.normalize()),
        max_spread: Some(Decimal::new(5, 2)),
        min_size: Some(Decimal::ONE),
        last_trade_price: state.engine.last_trade(token).map(micro_decimal),
    }))
}
