//! Public market reads: `/markets/active`, `/markets/search`,
//! `/markets/{slug}`, `/markets/{slug}/orderbook`,
//! `/markets/{slug}/historical-price`.

use std::cmp::Reverse;

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use limitless_types::{Decimal, Side};
use serde::Deserialize;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::macros::format_description;

use super::{positive, query};
use crate::amm::AMM_MARKETS;
use crate::auth::Metered;
use crate::error::{ApiError, ApiJson};
use crate::seed::{MarketSeed, MarketVenue, USDC};
use crate::state::{App, State as SandboxState};
use crate::views::{
    BOOK_MAX_SPREAD, BOOK_MIN_SIZE, exact_number, micro_decimal, micro_text, midpoint,
};

const DEFAULT_PAGE_LIMIT: i64 = 10;
/// The API returns at most 25 markets per page.
const MAX_PAGE_LIMIT: i64 = limitless_types::limits::MAX_PAGE_LIMIT as i64;
const SORTS: &[&str] = &[
    "lp_rewards",
    "ending_soon",
    "newest",
    "high_value",
    "liquidity",
];

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

/// Seeded markets were created an hour apart, in seeding order.
fn created_at(rank: i64) -> String {
    let base = time::macros::datetime!(2026-01-12 09:30 UTC);
    (base + time::Duration::hours(rank))
        .format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
        ))
        .unwrap_or_default()
}

fn number(d: Decimal) -> Value {
    // Display is exact; serde_json reads the text back as the nearest f64,
    // whose shortest form is the same text for prices of up to 15 digits.
    serde_json::from_str(&d.normalize().to_string()).unwrap_or(Value::Null)
}

/// A stable `0x` + 64 hex id for a neg-risk market: its condition id's
/// digits reversed, so it differs from the condition id.
fn neg_risk_request_id(condition_id: &str) -> String {
    let digits = condition_id.trim_start_matches("0x");
    format!("0x{}", digits.chars().rev().collect::<String>())
}

/// The full `Market` JSON the API would send for a seeded market.
pub(crate) fn market_json(id: i64, seed: &MarketSeed, condition_id: &str, rank: i64) -> Value {
    let yes = seed.yes_price;
    let no = Decimal::ONE - yes;
    let volume = 1_250_000_000_i64 * (4 - rank.min(3));
    let liquidity = 480_000_000_i64 * (rank + 1);
    let category = match seed.properties.iter().find(|(k, _)| k == "category") {
        Some((_, v)) if v == "crypto" => "Crypto",
        Some((_, v)) if v == "economics" => "Economics",
        _ => "Other",
    };
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
        "createdAt": created_at(rank),
        "updatedAt": created_at(rank),
        "categories": [category],
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
            // Micro-shares, as the API sends it: one 0.001-share step.
            "minSize": "1000",
            "maxSpread": 0.05,
            "dailyReward": "0",
            "rewardsEpoch": 0.04,
            "c": 1.5,
        },
        "venue": venue_json(seed.venue),
        // A neg-risk market carries its request id (0x + 64 hex in real
        // payloads); the sandbox derives one from the condition id.
        "negRiskRequestId": seed.venue.adapter().map(|_| neg_risk_request_id(condition_id)),
        "logo": null,
    })
}

/// The seeded AMM markets' expiry: 2027-06-30T00:00:00Z, in Unix ms.
const AMM_EXPIRATION_MS: i64 = 1_814_313_600_000;

/// The `Market` JSON of the seeded AMM market at `index` of
/// [`AMM_MARKETS`], numbered and ranked after the CLOB markets.
///
/// The shape follows the real `tradeType: "amm"` markets the API lists
/// (`fixtures/responses/markets-bannered/`): the FPMM `address`, prices,
/// `liquidity` and `openInterest`, and no `tokens`, `positionIds`,
/// `venue` or `settings` (an AMM market has no order book). `updatedAt`
/// and `metadata.fee` are not in that capture but both official SDKs'
/// `Market` models require them (Python `updated_at: str`,
/// `MarketMetadata.fee: bool`), and CLOB markets carry them, so they are
/// sent. The `conditionId` is a stable placeholder of the sandbox's own.
fn amm_market_json(state: &mut SandboxState, index: usize) -> Value {
    let (slug, address, .., title) = AMM_MARKETS[index];
    let first_id = state.markets.iter().map(|m| m.id).max().unwrap_or(0) + 1;
    let offset = i64::try_from(index).unwrap_or(i64::MAX);
    let rank = i64::try_from(state.markets.len()).unwrap_or(i64::MAX) + offset;
    let yes = state.amm.price(slug, 0).unwrap_or_default();
    let liquidity = state.amm.liquidity(slug).unwrap_or_default();
    let price = |micro: u128| number(micro_decimal(u64::try_from(micro).unwrap_or(0)));
    json!({
        "id": first_id + offset,
        "address": address,
        "conditionId": format!("0x{:064x}", index + 1),
        "slug": slug,
        "title": title,
        "proxyTitle": null,
        "description": format!("Resolves YES if: {title} Sandbox AMM market; nothing here settles on chain."),
        "collateralToken": { "address": USDC, "decimals": 6, "symbol": "USDC" },
        "expirationDate": expiration_date(AMM_EXPIRATION_MS),
        "expirationTimestamp": AMM_EXPIRATION_MS,
        "expired": false,
        "createdAt": created_at(rank),
        "updatedAt": created_at(rank),
        "categories": ["Crypto"],
        "status": "FUNDED",
        "creator": { "name": "Limitless Sandbox", "imageURI": null, "link": null },
        "tags": ["sandbox", "amm"],
        "tradeType": "amm",
        "marketType": "single",
        "priorityIndex": rank,
        "metadata": { "fee": false, "isBannered": false },
        "winningOutcomeIndex": null,
        "volume": "0",
        "volumeFormatted": "0",
        "openInterest": "0",
        "openInterestFormatted": "0",
        "liquidity": liquidity.to_string(),
        "liquidityFormatted": micro_text(liquidity),
        "prices": [price(yes), price(1_000_000 - yes.min(1_000_000))],
    })
}

/// Every AMM market's JSON, in seeding order.
fn amm_markets_json(state: &mut SandboxState) -> Vec<Value> {
    (0..AMM_MARKETS.len())
        .map(|i| amm_market_json(state, i))
        .collect()
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
    _: Metered,
) -> Result<ApiJson<Value>, ApiError> {
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
    let mut state = app.lock();
    // AMM markets are listed too, with `tradeType: "amm"` (PROTOCOL §7.5).
    let amm = amm_markets_json(&mut state);
    let mut markets: Vec<&Value> = state.markets.iter().map(|m| &m.json).collect();
    markets.extend(&amm);
    markets.sort_by_key(|m| sort_key(m, sort));
    let skip = usize::try_from((page - 1).saturating_mul(limit)).unwrap_or(usize::MAX);
    let data: Vec<Value> = markets
        .into_iter()
        .skip(skip)
        .take(usize::try_from(limit).unwrap_or_default())
        .cloned()
        .collect();
    Ok(ApiJson(
        json!({ "data": data, "totalMarketsCount": state.markets.len() + amm.len() }),
    ))
}

fn unknown_market(slug: &str) -> ApiError {
    ApiError::not_found(format!(
        "market {slug:?} not found; list markets with GET /markets/active"
    ))
}

pub(super) async fn market(
    State(app): State<App>,
    path: Result<Path<String>, PathRejection>,
    _: Metered,
) -> Result<ApiJson<Value>, ApiError> {
    let slug = super::path(path)?;
    let mut state = app.lock();
    if let Some(market) = state.market(&slug) {
        return Ok(ApiJson(market.json.clone()));
    }
    // An AMM market answers to its slug or its FPMM address, as the AMM
    // routes do.
    let amm = AMM_MARKETS
        .iter()
        .position(|(amm_slug, address, ..)| {
            *amm_slug == slug || address.eq_ignore_ascii_case(&slug)
        })
        .ok_or_else(|| unknown_market(&slug))?;
    Ok(ApiJson(amm_markets_json(&mut state).swap_remove(amm)))
}

pub(super) async fn orderbook(
    State(app): State<App>,
    path: Result<Path<String>, PathRejection>,
    _: Metered,
) -> Result<ApiJson<Value>, ApiError> {
    let slug = super::path(path)?;
    let state = app.lock();
    let market = state.market(&slug).ok_or_else(|| unknown_market(&slug))?;
    let token = &market.yes_token_id;
    let levels = |side: Side, name: &str| -> Vec<Value> {
        state
            .engine
            .levels(token, side)
            .into_iter()
            .map(|(price, size)| {
                json!({
                    "price": exact_number(&micro_text(u128::from(price))),
                    // Micro-shares, as the API sends them (PROTOCOL §6); a
                    // sum past 2^53 - 1 arrives as a numeric string.
                    "size": exact_number(&size.to_string()),
                    "side": name,
                })
            })
            .collect()
    };
    let bids = levels(Side::Buy, "BUY");
    let asks = levels(Side::Sell, "SELL");
    let midpoint = midpoint(&state, market);
    let last_trade = state.engine.last_trade(token);
    Ok(ApiJson(json!({
        "bids": bids,
        "asks": asks,
        "tokenId": token,
        "adjustedMidpoint": exact_number(&midpoint.to_string()),
        "maxSpread": BOOK_MAX_SPREAD.to_string(),
        "minSize": BOOK_MIN_SIZE.to_string(),
        "lastTradePrice": last_trade.map(|p| exact_number(&micro_text(u128::from(p)))),
    })))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SearchQuery {
    query: Option<String>,
    limit: Option<String>,
    page: Option<String>,
    similarity_threshold: Option<String>,
}

/// Whether `market` matches every word of `query` (in its title, slug or
/// description, any case): the sandbox's stand-in for the API's search by
/// meaning.
fn matches(market: &Value, words: &[String]) -> bool {
    let text = ["title", "slug", "description"]
        .iter()
        .filter_map(|field| market[*field].as_str())
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    words.iter().all(|word| text.contains(word.as_str()))
}

/// `GET /markets/search?query=&limit=&page=&similarityThreshold=`: the
/// CLOB markets whose title, slug or description hold every word of the
/// query, as `{markets, totalMarketsCount, noExactMatch}` (the shape of a
/// real answer, `fixtures/responses/markets-search/`). Parameters and
/// defaults (limit 10, page 1, threshold 0 to 1) from the OpenAPI spec of
/// 2026-04-30; the threshold is checked, not applied.
pub(super) async fn search(
    State(app): State<App>,
    params: Result<Query<SearchQuery>, QueryRejection>,
    _: Metered,
) -> Result<ApiJson<Value>, ApiError> {
    let params = query(params)?;
    let text = params.query.as_deref().map(str::trim).unwrap_or_default();
    if text.is_empty() {
        return Err(ApiError::bad_request("query must not be empty"));
    }
    let limit = positive("limit", params.limit.as_deref())?.unwrap_or(DEFAULT_PAGE_LIMIT);
    let page = positive("page", params.page.as_deref())?.unwrap_or(1);
    if let Some(threshold) = params.similarity_threshold.as_deref() {
        let valid = threshold
            .trim()
            .parse::<Decimal>()
            .is_ok_and(|t| (Decimal::ZERO..=Decimal::ONE).contains(&t));
        if !valid {
            return Err(ApiError::bad_request(format!(
                "similarityThreshold must be a number from 0 to 1, got {threshold:?}"
            )));
        }
    }
    let words: Vec<String> = text.split_whitespace().map(str::to_lowercase).collect();
    let state = app.lock();
    let found: Vec<&Value> = state
        .markets
        .iter()
        .map(|market| &market.json)
        .filter(|market| matches(market, &words))
        .collect();
    let whole = text.to_lowercase();
    let exact = found.iter().any(|market| {
        market["title"]
            .as_str()
            .is_some_and(|title| title.to_lowercase().contains(&whole))
    });
    let skip = usize::try_from((page - 1).saturating_mul(limit)).unwrap_or(usize::MAX);
    let markets: Vec<Value> = found
        .iter()
        .skip(skip)
        .take(usize::try_from(limit).unwrap_or_default())
        .map(|market| (*market).clone())
        .collect();
    Ok(ApiJson(json!({
        "markets": markets,
        "totalMarketsCount": found.len(),
        "noExactMatch": !exact,
    })))
}

/// The intervals of `GET /markets/{slug}/historical-price` (the OpenAPI
/// spec of 2026-04-30).
const INTERVALS: &[&str] = &["1h", "6h", "1d", "1w", "1m", "all"];

#[derive(Debug, Deserialize)]
pub(super) struct HistoryQuery {
    from: Option<String>,
    to: Option<String>,
    interval: Option<String>,
}

/// An ISO-8601 query instant, when given.
fn instant(name: &str, value: Option<&str>) -> Result<Option<OffsetDateTime>, ApiError> {
    value
        .map(|text| {
            OffsetDateTime::parse(text.trim(), &time::format_description::well_known::Rfc3339)
                .map_err(|_| {
                    ApiError::bad_request(format!("{name} must be an ISO-8601 date, got {text:?}"))
                })
        })
        .transpose()
}

/// `GET /markets/{slug}/historical-price?from=&to=&interval=`: one series,
/// `{title, prices: [{timestamp, price}], marketStatus}` as a real answer
/// has it (`fixtures/responses/market-historical-price/synpath-1.json`:
/// the timestamp a string of Unix milliseconds, the price a number). The
/// sandbox keeps no past prices: the series holds one point, the book's
/// midpoint now, when now is inside the range asked for.
pub(super) async fn price_history(
    State(app): State<App>,
    path: Result<Path<String>, PathRejection>,
    params: Result<Query<HistoryQuery>, QueryRejection>,
    _: Metered,
) -> Result<ApiJson<Value>, ApiError> {
    let slug = super::path(path)?;
    let params = query(params)?;
    if let Some(interval) = params.interval.as_deref()
        && !INTERVALS.contains(&interval)
    {
        return Err(ApiError::bad_request(format!(
            "interval must be one of {}, got {interval:?}",
            INTERVALS.join(", ")
        )));
    }
    let from = instant("from", params.from.as_deref())?;
    let to = instant("to", params.to.as_deref())?;
    let now = OffsetDateTime::from(app.now());
    let state = app.lock();
    let market = state.market(&slug).ok_or_else(|| unknown_market(&slug))?;
    let inside = from.is_none_or(|from| from <= now) && to.is_none_or(|to| now <= to);
    let millis = now.unix_timestamp_nanos() / 1_000_000;
    let prices: Vec<Value> = if inside {
        vec![json!({
            "timestamp": millis.to_string(),
            "price": exact_number(&midpoint(&state, market).to_string()),
        })]
    } else {
        Vec::new()
    };
    Ok(ApiJson(json!({
        "title": market.title,
        "prices": prices,
        "marketStatus": "FUNDED",
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn micro_text_is_exact_for_any_size() {
        assert_eq!(micro_text(0), "0");
        assert_eq!(micro_text(7_000_000), "7");
        assert_eq!(micro_text(4_500_000), "4.5");
        assert_eq!(micro_text(1), "0.000001");
        assert_eq!(micro_text(1_234_567), "1.234567");
        assert_eq!(
            micro_text(u128::MAX),
            "340282366920938463463374607431768.211455"
        );
    }

    #[test]
    fn exact_numbers_fall_back_to_strings() {
        assert_eq!(exact_number("4"), json!(4));
        assert_eq!(exact_number("0.55"), json!(0.55));
        assert_eq!(exact_number("0.000001"), json!(0.000001));
        assert_eq!(exact_number("9007199254.74"), json!(9_007_199_254.74));
        assert_eq!(
            exact_number("9007199254740991"),
            json!(9_007_199_254_740_991_u64)
        );
        // Past 2^53 − 1, and past an f64's digits: strings, digit for digit.
        assert_eq!(exact_number("9007199254740992"), json!("9007199254740992"));
        assert_eq!(
            exact_number("18446744073709.551615"),
            json!("18446744073709.551615")
        );
        assert_eq!(
            exact_number("340282366920938463463374607431768.211455"),
            json!("340282366920938463463374607431768.211455")
        );
    }
}
