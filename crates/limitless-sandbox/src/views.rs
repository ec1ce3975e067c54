//! What the routes and the socket both answer, read from the state: a
//! market's order book as the socket carries it, a profile's holdings and
//! positions, and the exact number forms they are written in. Below both
//! the REST handlers and the socket's events, so neither names the other.

use std::collections::BTreeMap;
use std::time::UNIX_EPOCH;

use limitless_types::{Decimal, MAX_WIRE_AMOUNT, MicroShares, OrderBook, OrderBookLevel, Side};
use rust_decimal::prelude::ToPrimitive as _;
use serde_json::{Value, json};

use crate::engine::{Entry, MICRO, OrderStatus, mul_micro};
use crate::seed::USDC;
use crate::state::{FillRecord, MarketRecord, OrderData, State as SandboxState, iso};

/// Rewards settings every seeded book carries: the maximum spread, and the
/// minimum size in micro-shares (one 0.001-share step).
pub(crate) const BOOK_MAX_SPREAD: Decimal = Decimal::from_parts(5, 0, 0, false, 2);

pub(crate) const BOOK_MIN_SIZE: u64 = 1000;

/// Micro-units to a decimal (`550_000` → `0.55`).
pub(crate) fn micro_decimal(micro: u64) -> Decimal {
    Decimal::from_i128_with_scale(i128::from(micro), 6).normalize()
}

/// Micro-units as exact decimal text, for any `u128` (`4_500_000` →
/// `4.5`, `7_000_000` → `7`).
pub(crate) fn micro_text(micro: u128) -> String {
    let micro_per_unit = u128::from(crate::engine::MICRO);
    let (whole, fraction) = (micro / micro_per_unit, micro % micro_per_unit);
    if fraction == 0 {
        whole.to_string()
    } else {
        let digits = format!("{fraction:06}");
        format!("{whole}.{}", digits.trim_end_matches('0'))
    }
}

/// A non-negative decimal, given as its normalized text, as a JSON number
/// that carries exactly that value; if no JSON number does (a whole number
/// above [`MAX_WIRE_AMOUNT`], or more significant digits than an `f64`
/// holds), as a numeric string instead. Clients decode both forms, so the
/// value always arrives exactly and the response can always be encoded.
pub(crate) fn exact_number(text: &str) -> Value {
    if !text.contains('.') {
        return match text.parse::<u64>() {
            Ok(whole) if whole <= MAX_WIRE_AMOUNT => Value::from(whole),
            _ => Value::String(text.to_owned()),
        };
    }
    text.parse::<f64>()
        .ok()
        .filter(|f| f.to_string() == text)
        .and_then(serde_json::Number::from_f64)
        .map_or_else(|| Value::String(text.to_owned()), Value::Number)
}

/// The midpoint of a market's YES book: between the best bid and ask, the
/// one side's best, or the seeded price while the book is empty.
pub(crate) fn midpoint(state: &SandboxState, market: &MarketRecord) -> Decimal {
    let token = &market.yes_token_id;
    let best = |side: Side| state.engine.levels(token, side).first().map(|l| l.0);
    // Prices are at most 1 000 000 micro-units: the sum cannot overflow.
    match (best(Side::Buy), best(Side::Sell)) {
        (Some(bid), Some(ask)) => micro_decimal(bid + ask) / Decimal::TWO,
        (Some(only), None) | (None, Some(only)) => micro_decimal(only),
        (None, None) => market.yes_price,
    }
    .normalize()
}

/// A market's YES book as the socket's `orderbookUpdate` carries it: the
/// levels, midpoint and settings of `GET /markets/{slug}/orderbook`, sizes
/// in micro-shares.
pub(crate) fn socket_book(state: &SandboxState, market: &MarketRecord) -> OrderBook {
    let token = &market.yes_token_id;
    let levels = |side: Side, name: &str| -> Vec<OrderBookLevel> {
        state
            .engine
            .levels(token, side)
            .into_iter()
            .map(|(price, size)| OrderBookLevel {
                price: micro_decimal(price),
                // A level past u64::MAX micro-shares would take thousands
                // of maximum-size orders at one price; it reads as full.
                size: MicroShares::from_micro(u64::try_from(size).unwrap_or(u64::MAX)),
                side: name.to_owned(),
            })
            .collect()
    };
    let midpoint = midpoint(state, market);
    OrderBook {
        bids: levels(Side::Buy, "BUY"),
        asks: levels(Side::Sell, "SELL"),
        token_id: token.clone(),
        adjusted_midpoint: Some(midpoint),
        midpoint: Some(midpoint),
        max_spread: Some(BOOK_MAX_SPREAD),
        min_size: Some(Decimal::from(BOOK_MIN_SIZE)),
        last_trade_price: state.engine.last_trade(token).map(micro_decimal),
    }
}

/// The collateral token's id in the API's token table (USDC on Base).
pub(crate) const USDC_TOKEN_ID: i64 = 7;

/// A price in `[0, 1]` in micro-units; prices on the book are on the
/// 0.001 grid, so nothing is lost.
pub(crate) fn to_micro(price: rust_decimal::Decimal) -> u64 {
    (price * rust_decimal::Decimal::from(MICRO))
        .trunc()
        .to_u64()
        .unwrap_or_default()
}

pub(crate) fn price_number(micro: u64) -> Value {
    exact_number(&micro_text(u128::from(micro)))
}

/// Micro-units as a signed integer string.
pub(crate) fn signed_text(value: i128) -> String {
    value.to_string()
}

/// 0 for the YES token, 1 for NO.
pub(crate) fn outcome_index(market: &MarketRecord, token_id: &str) -> usize {
    usize::from(token_id != market.yes_token_id)
}

/// Shares and cost of one outcome token, folded from fills in order.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Holding {
    /// Micro-shares held: what fills bought less what they sold, plus
    /// what splits and deposits brought (at no cost) less what merges
    /// took. The ledger refuses a sale of shares not held, so it stays at
    /// or above zero.
    pub(crate) shares: i128,
    /// Cost basis of the shares held, micro-USDC (average cost).
    pub(crate) cost: i128,
    /// Proceeds of sales minus the cost basis they released.
    pub(crate) realised: i128,
    pub(crate) traded: bool,
}

impl Holding {
    pub(crate) fn buy(&mut self, shares: u64, collateral: u64) {
        self.shares += i128::from(shares);
        self.cost += i128::from(collateral);
        self.traded = true;
    }

    pub(crate) fn sell(&mut self, shares: u64, collateral: u64) {
        let sold = i128::from(shares);
        // Only shares actually held release cost, pro rata (floored).
        let released = if self.shares > 0 {
            self.cost * sold.min(self.shares) / self.shares
        } else {
            0
        };
        self.cost -= released;
        self.shares -= sold;
        self.realised += i128::from(collateral) - released;
        self.traded = true;
    }
}

/// The side of a fill a profile took: the incoming order's side for the
/// taker, the opposite for the maker.
pub(crate) fn participants(state: &SandboxState, fill: &FillRecord) -> [(i64, Side, usize); 2] {
    let entries = state.engine.entries();
    let taker = &entries[fill.taker];
    let maker = &entries[fill.maker];
    [
        (taker.data.owner_id, taker.side, fill.taker),
        (maker.data.owner_id, maker.side, fill.maker),
    ]
}

/// The price a token is marked at: its last trade, else the seeded price.
pub(crate) fn mark(state: &SandboxState, market: &MarketRecord, token_id: &str) -> u64 {
    if let Some(last) = state.engine.last_trade(token_id) {
        return last;
    }
    let yes = to_micro(market.yes_price);
    if token_id == market.yes_token_id {
        yes
    } else {
        MICRO - yes.min(MICRO)
    }
}

pub(crate) fn position_json(holding: Holding, mark: u64) -> Value {
    let (fill_price, market_value, unrealized) = if holding.shares > 0 {
        let value = holding.shares * i128::from(mark) / i128::from(MICRO);
        (
            holding.cost * i128::from(MICRO) / holding.shares,
            value,
            value - holding.cost,
        )
    } else {
        (0, 0, 0)
    };
    json!({
        "openedAt": null,
        "cost": signed_text(holding.cost),
        "fillPrice": signed_text(fill_price),
        "marketValue": signed_text(market_value),
        "realisedPnl": signed_text(holding.realised),
        "unrealizedPnl": signed_text(unrealized),
    })
}

pub(crate) fn position_market_json(market: &MarketRecord) -> Value {
    let venue = market.json["venue"].clone();
    json!({
        "slug": market.slug,
        "status": "FUNDED",
        "title": market.title,
        "conditionId": market.condition_id,
        "id": market.id,
        "address": null,
        "imageUrl": null,
        "closed": false,
        "expirationDate": iso(UNIX_EPOCH + std::time::Duration::from_millis(market.expiration_ms.unsigned_abs())),
        "deadline": iso(UNIX_EPOCH + std::time::Duration::from_millis(market.expiration_ms.unsigned_abs())),
        "negRiskRequestId": market.json["negRiskRequestId"],
        "winningOutcomeIndex": null,
        "payoutNumerators": null,
        "yesPositionId": market.yes_token_id,
        "noPositionId": market.no_token_id,
        "collateralToken": { "id": USDC_TOKEN_ID, "decimals": 6, "symbol": "USDC", "address": USDC },
        "venue": {
            "exchange": venue["exchange"],
            "adapter": venue["adapter"],
            "operator": null,
        },
        "group": { "imageUrl": null },
    })
}

/// A profile's holdings per (market id, outcome index), and each market's
/// last fill price, folded from the fills oldest first.
pub(crate) type Holdings = (BTreeMap<(i64, usize), Holding>, BTreeMap<i64, u64>);

pub(crate) fn holdings(state: &SandboxState, profile: i64) -> Holdings {
    let mut holdings: BTreeMap<(i64, usize), Holding> = BTreeMap::new();
    let mut last_fill: BTreeMap<i64, u64> = BTreeMap::new();
    for fill in &state.fills {
        let Some(market) = state.market_by_id(fill.market_id) else {
            continue;
        };
        let outcome = outcome_index(market, &fill.token_id);
        last_fill.insert(fill.market_id, fill.price);
        for (owner, side, _) in participants(state, fill) {
            if owner != profile {
                continue;
            }
            let holding = holdings.entry((fill.market_id, outcome)).or_default();
            match side {
                Side::Buy => holding.buy(fill.shares, fill.collateral),
                Side::Sell => holding.sell(fill.shares, fill.collateral),
            }
        }
    }
    // Shares that came other than by trading (splits, merges, deposits)
    // join at no cost.
    for market in &state.markets {
        for (outcome, token) in [&market.yes_token_id, &market.no_token_id]
            .into_iter()
            .enumerate()
        {
            let moved = state.funds.moved_shares(profile, token);
            if moved != 0 {
                let holding = holdings.entry((market.id, outcome)).or_default();
                holding.shares += moved;
                holding.traded = true;
            }
        }
    }
    (holdings, last_fill)
}

/// The wallet a profile trades from (a seeded identity or a sub-account).
pub(crate) fn account_of(state: &SandboxState, profile: i64) -> String {
    state
        .identity_by_profile(profile)
        .map(|i| i.account.clone())
        .or_else(|| state.accounts.get(&profile).map(|a| a.account.clone()))
        .unwrap_or_default()
}

/// One market's entry of `GET /portfolio/positions`' `clob` list; `None`
/// while the profile has neither live orders nor trades there.
pub(crate) fn clob_position(
    state: &SandboxState,
    profile: i64,
    market: &MarketRecord,
    (holdings, last_fill): &Holdings,
    account: &str,
) -> Option<Value> {
    let live: Vec<&Entry<OrderData>> = state
        .engine
        .entries()
        .iter()
        .filter(|e| {
            e.status == OrderStatus::Live
                && e.data.owner_id == profile
                && e.data.market_id == market.id
        })
        .collect();
    let yes = holdings.get(&(market.id, 0)).copied().unwrap_or_default();
    let no = holdings.get(&(market.id, 1)).copied().unwrap_or_default();
    if live.is_empty() && !yes.traded && !no.traded {
        return None;
    }
    // Collateral a live buy still ties up: its unfilled shares at its
    // limit price, rounded up as the order's own makerAmount is.
    let locked: u128 = live
        .iter()
        .filter(|e| e.side == Side::Buy)
        .map(|e| {
            let price = e.data.order.price.map_or(0, to_micro);
            u128::from(mul_micro(e.remaining, price, true))
        })
        .sum();
    let yes_mark = mark(state, market, &market.yes_token_id);
    let no_mark = mark(state, market, &market.no_token_id);
    Some(json!({
        "market": position_market_json(market),
        "latestTrade": {
            "outcomeTokenPrice": price_number(last_fill.get(&market.id).copied().unwrap_or(yes_mark)),
            "latestYesPrice": price_number(yes_mark),
            "latestNoPrice": price_number(no_mark),
        },
        "orders": {
            "liveOrders": live.iter().map(|e| user_order_json(e)).collect::<Vec<_>>(),
            "totalCollateralLocked": locked.to_string(),
        },
        "positions": {
            "yes": position_json(yes, yes_mark),
            "no": position_json(no, no_mark),
        },
        "tokensBalance": {
            "yes": signed_text(yes.shares),
            "no": signed_text(no.shares),
        },
        "rewards": { "isEarning": false, "epochs": [] },
        "makerAddress": account,
    }))
}

/// A profile's position in one market, in the shape of an entry of
/// `GET /portfolio/positions`' `clob` list (what the socket's `positions`
/// event carries); `None` while it has neither orders nor trades there.
pub(crate) fn market_position(
    state: &SandboxState,
    profile: i64,
    market: &MarketRecord,
) -> Option<Value> {
    let holdings = holdings(state, profile);
    clob_position(
        state,
        profile,
        market,
        &holdings,
        &account_of(state, profile),
    )
}

/// One order in the shape `GET /markets/{slug}/user-orders` sends.
pub(crate) fn user_order_json(entry: &Entry<OrderData>) -> Value {
    let data = &entry.data;
    let order = &data.order;
    let status = match entry.status {
        OrderStatus::Live => "LIVE",
        OrderStatus::Filled => "MATCHED",
        OrderStatus::Cancelled => "CANCELLED",
        _ => "KILLED",
    };
    let filled = entry.original - entry.remaining;
    let mut json = json!({
        "id": data.id,
        "createdAt": data.created_at,
        "makerAmount": order.maker_amount,
        "takerAmount": order.taker_amount,
        "expiration": order.expiration,
        "signatureType": order.signature_type,
        "salt": order.salt,
        "maker": order.maker,
        "signer": order.signer,
        "taker": order.taker,
        "tokenId": order.token_id,
        "side": if order.side == Side::Buy { 0 } else { 1 },
        "feeRateBps": order.fee_rate_bps,
        "nonce": order.nonce,
        "signature": data.signature,
        "orderType": data.order_type.as_str(),
        "marketId": data.market_id,
        "ownerId": data.owner_id,
        "status": status,
        // Micro-shares, like the amounts.
        "filledSize": filled,
        "originalSize": entry.original.to_string(),
        "remainingSize": entry.remaining.to_string(),
    });
    // FOK orders carry no price; the key is left out rather than null.
    if let (Some(price), Some(map)) = (order.price, json.as_object_mut()) {
        map.insert(
            "price".to_owned(),
            exact_number(&price.normalize().to_string()),
        );
    }
    json
}
