//! Delegated orders: `POST /orders`, cancels (by id, by client order id,
//! in batches), the status batch, cancel-replace (single and batch).

use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use limitless_eip712::{Address, BASE_CHAIN_ID, Eip712Error, OrderDomain, verify_signed_order};
use limitless_types::limits::{
    MAX_CANCEL_BATCH, MAX_CANCEL_REPLACE_BATCH, MAX_CLIENT_ORDER_ID_LENGTH, MAX_FEE_RATE_BPS,
    MAX_ORDER_STATUS_BATCH, MAX_RECV_WINDOW_MS, client_order_id_length,
};
use limitless_types::{
    ApiErrorDetail, CancelOutcome, CancelReplaceBatchItem, CancelReplaceBatchResponse,
    CancelReplaceMode, CancelReplaceRequest, CancelReplaceResult, CancelTarget, CreateOrderRequest,
    CreateSignedOrderRequest, DEFAULT_FEE_RATE_BPS, DEFAULT_TICK_SIZE, Decimal, ExecutionTotals,
    MAX_WIRE_AMOUNT, MessageResponse, Order, OrderExecution, OrderMatch, OrderResponse, OrderType,
    ReplacementOutcome, SCOPE_DELEGATED_SIGNING, SCOPE_TRADING, SettlementStatus, Side,
    SignedOrder, StpPolicy, UnsignedOrder, ZERO_ADDRESS, is_hex_string,
};
use rust_decimal::prelude::ToPrimitive as _;
use serde::Deserialize;
use serde_json::Value;

use super::accounts::not_own_account;
use super::{positive, query};
use crate::auth::{Caller, Signed};
use crate::engine::{Execution, Instruction, MICRO, OrderStatus, SelfTrade, mul_micro};
use crate::error::{ApiError, ApiJson};
use crate::ids;
use crate::maintenance::Action;
use crate::server::DropConnection;
use crate::socket::events;
use crate::state::{App, FillRecord, MarketRecord, OrderData, State as SandboxState, iso};
use crate::views::micro_decimal;

/// The price grid in micro-units: the SDKs' default tick (0.001 → 1000).
const TICK: u64 = tick_micro(DEFAULT_TICK_SIZE);
/// The size grid for that tick in micro-shares (0.001 shares for 0.001).
const SHARES_STEP: u64 = MICRO / TICK;
const _: () = assert!(
    MICRO.is_multiple_of(TICK),
    "the tick must divide 1 into whole steps"
);

/// A tick in (0, 1] with at most 6 decimals, in micro-units.
const fn tick_micro(tick: Decimal) -> u64 {
    let (mantissa, scale) = (tick.mantissa(), tick.scale());
    assert!(
        mantissa > 0 && scale <= 6,
        "tick must be positive, ≤ 6 decimals"
    );
    let micro = mantissa * 10_i128.pow(6 - scale);
    assert!(micro <= MICRO as i128, "tick must be at most 1");
    micro as u64
}

/// `execution.reason` of an order cancelled by self-trade prevention
/// where it met its owner's own resting order.
const STP_TAKER_REJECTED: &str = "STP_TAKER_REJECTED";
/// The `reason` of a resting order's `CANCELLATION` event when self-trade
/// prevention cancelled it.
const STP_MAKER_CANCELLED: &str = "STP_MAKER_CANCELLED";

/// Who vouches for an order.
enum Authority {
    /// The server signs for the partner's server-wallet sub-account.
    Delegated { on_behalf_of: i64 },
    /// The owner signed it (EIP-712) with its own key.
    SelfSigned { signature: String },
}

/// What a create or a replacement asks the server to place.
struct Placement {
    order: UnsignedOrder,
    order_type: OrderType,
    market_slug: String,
    owner_id: i64,
    authority: Authority,
    post_only: Option<bool>,
    client_order_id: Option<String>,
    timestamp: Option<u64>,
    recv_window: Option<u64>,
    /// Self-trade prevention; `None` keeps the engine's plain matching.
    stp_policy: Option<StpPolicy>,
}

/// Refuses an order object that carries a `signature`: delegated orders are
/// signed by the server.
fn reject_signature(order: &Value, at: &str) -> Result<(), ApiError> {
    match order.get("signature") {
        None | Some(Value::Null) => Ok(()),
        Some(_) => Err(ApiError::bad_request(format!(
            "{at}.signature must be omitted: the server signs delegated orders for the sub-account"
        ))),
    }
}

fn decode<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, ApiError> {
    serde_json::from_value(value)
        .map_err(|e| ApiError::bad_request(format!("invalid request body: {e}")))
}

fn require_on_behalf_of(on_behalf_of: Option<i64>) -> Result<i64, ApiError> {
    on_behalf_of.ok_or_else(|| {
        ApiError::bad_request(
            "onBehalfOf is required for a delegated order: set it to the server-wallet sub-account's profile id (a self-signed order carries order.signature instead)",
        )
    })
}

/// Checks that the caller may place delegated orders for `profile_id`: one
/// of its sub-accounts, with a server wallet. An EOA sub-account holds its
/// own key and signs its own orders (PROTOCOL §6).
fn check_delegated(state: &SandboxState, caller: &Caller, profile_id: i64) -> Result<(), ApiError> {
    check_sub_account(state, caller, profile_id)?;
    match state.accounts.get(&profile_id) {
        Some(account) if !account.server_wallet => Err(ApiError::bad_request(format!(
            "profile {profile_id} is an EOA sub-account: it signs its own orders. Send the order with its EIP-712 signature in order.signature, ownerId {profile_id} and no onBehalfOf"
        ))
        .with_code("DELEGATION_NOT_ALLOWED")),
        _ => Ok(()),
    }
}

/// The wallet address whose key must sign a self-signed order for
/// `owner_id`: the caller's own profile, or one of its EOA sub-accounts.
fn self_signed_owner(
    state: &SandboxState,
    caller: &Caller,
    owner_id: i64,
) -> Result<String, ApiError> {
    if owner_id == caller.profile_id {
        return state
            .identity_by_profile(owner_id)
            .map(|i| i.account.clone())
            .ok_or_else(|| not_own_account(owner_id));
    }
    match state.accounts.get(&owner_id) {
        Some(account) if account.partner_profile_id == caller.profile_id => {
            if account.server_wallet {
                Err(ApiError::bad_request(format!(
                    "profile {owner_id} is a server-wallet sub-account: its key is held by the server, so place its orders as delegated orders (onBehalfOf {owner_id}, no signature)"
                )))
            } else {
                Ok(account.account.clone())
            }
        }
        _ => Err(not_own_account(owner_id)),
    }
}

/// Verifies a self-signed order's EIP-712 signature under the market's
/// venue exchange on Base: it must recover to the order's maker and signer,
/// which must be `owner_account`.
fn verify_signature(
    order: &UnsignedOrder,
    signature: &str,
    market: &MarketRecord,
    owner_id: i64,
    owner_account: &str,
) -> Result<(), ApiError> {
    let invalid = |message: String| ApiError::bad_request(message).with_code("INVALID_SIGNATURE");
    let contract: Address = market.venue.exchange().parse().map_err(|e: Eip712Error| {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
    })?;
    let domain = OrderDomain::new(BASE_CHAIN_ID, contract)
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    let signed = SignedOrder {
        order: order.clone(),
        signature: signature.to_owned(),
    };
    let signer = verify_signed_order(&signed, &domain).map_err(|e| {
        invalid(format!(
            "order.signature does not verify for market {} (EIP-712 domain \"Limitless CTF Exchange\" v1, chain {BASE_CHAIN_ID}, verifying contract {contract}): {e}",
            market.slug
        ))
    })?;
    let owner: Address = owner_account.parse().map_err(|e: Eip712Error| {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
    })?;
    if signer != owner {
        return Err(invalid(format!(
            "order is signed by {signer}, but ownerId {owner_id} trades from {owner}; sign with that wallet's key and set maker and signer to it"
        )));
    }
    Ok(())
}

/// Checks that `profile_id` is one of the caller's sub-accounts: 404 when
/// it does not exist or belongs to another partner (the two are not told
/// apart, so no partner learns which profile ids exist).
fn check_sub_account(
    state: &SandboxState,
    caller: &Caller,
    profile_id: i64,
) -> Result<(), ApiError> {
    match state.accounts.get(&profile_id) {
        Some(account) if account.partner_profile_id == caller.profile_id => Ok(()),
        _ => Err(not_own_account(profile_id)),
    }
}

fn unix_millis(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or_default()
}

fn price_text(micro: u64) -> String {
    micro_decimal(micro).to_string()
}

/// Validates an order against its market and turns it into an engine
/// instruction.
fn instruction(
    order: &UnsignedOrder,
    order_type: OrderType,
    market: &MarketRecord,
    post_only: Option<bool>,
    delegated: bool,
) -> Result<Instruction, ApiError> {
    for (field, value) in [
        ("makerAmount", order.maker_amount),
        ("takerAmount", order.taker_amount),
    ] {
        if value > MAX_WIRE_AMOUNT {
            return Err(ApiError::bad_request(format!(
                "order.{field} {value} is too large: amounts must be at most {MAX_WIRE_AMOUNT} micro-units (2^53 - 1, the largest integer a JSON number carries exactly)"
            )));
        }
    }
    for (field, value) in [("maker", &order.maker), ("signer", &order.signer)] {
        // A self-signed order's maker and signer were checked against its
        // signature already.
        if delegated && !value.eq_ignore_ascii_case(ZERO_ADDRESS) {
            return Err(ApiError::bad_request(format!(
                "order.{field} must be the zero address {ZERO_ADDRESS} for delegated orders, got {value}"
            )));
        }
    }
    if !is_hex_string(&order.taker, 40) {
        return Err(ApiError::bad_request(format!(
            "order.taker must be an address (0x + 40 hex), usually {ZERO_ADDRESS}"
        )));
    }
    if order.token_id != market.yes_token_id && order.token_id != market.no_token_id {
        return Err(ApiError::bad_request(format!(
            "order.tokenId {} is not an outcome token of market {}; use tokens.yes ({}) or tokens.no ({})",
            order.token_id, market.slug, market.yes_token_id, market.no_token_id
        )));
    }
    if order.signature_type != 0 {
        return Err(ApiError::bad_request(format!(
            "order.signatureType must be 0 (EOA), got {}",
            order.signature_type
        )));
    }
    if order.expiration.is_empty() || !order.expiration.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::bad_request(format!(
            "order.expiration must be Unix seconds as digits (\"0\" for none), got {:?}",
            order.expiration
        )));
    }
    if order.salt == 0 {
        return Err(ApiError::bad_request(
            "order.salt must be a positive integer",
        ));
    }
    if market.venue.is_collateral_fee() {
        if order.fee_rate_bps != 0 {
            return Err(ApiError::bad_request(format!(
                "market {} trades on a collateral-fee venue (venue.feeModuleType COLLATERAL): order.feeRateBps must be 0, got {}",
                market.slug, order.fee_rate_bps
            ))
            .with_code("FEE_RATE_MISMATCH"));
        }
    } else if order.fee_rate_bps < DEFAULT_FEE_RATE_BPS {
        return Err(ApiError::bad_request(format!(
            "market {} charges the base fee: order.feeRateBps must be at least {DEFAULT_FEE_RATE_BPS}, got {}",
            market.slug, order.fee_rate_bps
        ))
        .with_code("FEE_RATE_MISMATCH"));
    }
    if order.fee_rate_bps > MAX_FEE_RATE_BPS {
        return Err(ApiError::bad_request(format!(
            "order.feeRateBps must be at most {MAX_FEE_RATE_BPS}, got {}",
            order.fee_rate_bps
        )));
    }
    if post_only == Some(true) && order_type != OrderType::Gtc {
        return Err(ApiError::bad_request(format!(
            "postOnly applies to GTC orders only, not {}",
            order_type.as_str()
        )));
    }
    match order_type {
        OrderType::Fok => fok_instruction(order),
        OrderType::Gtc | OrderType::Fak => limit_instruction(order, order_type == OrderType::Fak),
    }
}

fn fok_instruction(order: &UnsignedOrder) -> Result<Instruction, ApiError> {
    if let Some(price) = order.price {
        return Err(ApiError::bad_request(format!(
            "FOK orders carry no price (got {price}): makerAmount is the USDC to spend (BUY) or the shares to sell (SELL)"
        )));
    }
    if order.taker_amount != 1 {
        return Err(ApiError::bad_request(format!(
            "order.takerAmount must be 1 for FOK orders, got {}",
            order.taker_amount
        )));
    }
    if order.maker_amount == 0 {
        return Err(ApiError::bad_request(
            "order.makerAmount must be positive: micro-USDC to spend (BUY) or micro-shares to sell (SELL)",
        ));
    }
    Ok(match order.side {
        Side::Buy => Instruction::FokBuy {
            budget: order.maker_amount,
        },
        Side::Sell => Instruction::FokSell {
            shares: order.maker_amount,
        },
    })
}

fn limit_instruction(order: &UnsignedOrder, kill_remainder: bool) -> Result<Instruction, ApiError> {
    let price = order.price.ok_or_else(|| {
        ApiError::bad_request("order.price is required for GTC and FAK orders (a number in (0, 1])")
    })?;
    if price <= Decimal::ZERO || price > Decimal::ONE {
        return Err(ApiError::bad_request(format!(
            "order.price must be in (0, 1], got {price}"
        )));
    }
    let scaled = price * Decimal::from(MICRO);
    let on_grid = if scaled.fract().is_zero() {
        scaled.to_u64().filter(|p| p % TICK == 0)
    } else {
        None
    };
    let Some(price_micro) = on_grid else {
        let below = scaled.trunc().to_u64().unwrap_or_default() / TICK * TICK;
        let above = (below + TICK).min(MICRO);
        let nearest = if below == 0 {
            price_text(above)
        } else {
            format!("{} or {}", price_text(below), price_text(above))
        };
        return Err(ApiError::bad_request(format!(
            "order.price {price} is not on the market's {} tick; nearest valid prices: {nearest}",
            DEFAULT_TICK_SIZE.normalize()
        )));
    };
    let (shares, shares_field) = match order.side {
        Side::Buy => (order.taker_amount, "takerAmount"),
        Side::Sell => (order.maker_amount, "makerAmount"),
    };
    let step = price_text(SHARES_STEP);
    if shares < SHARES_STEP {
        return Err(ApiError::bad_request(format!(
            "order.{shares_field} {shares} micro-shares is below the minimum of {SHARES_STEP} ({step} shares)"
        )));
    }
    if !shares.is_multiple_of(SHARES_STEP) {
        // Amounts are at most MAX_WIRE_AMOUNT here, so `above` cannot
        // overflow; it is offered only while it stays within that limit.
        let below = shares / SHARES_STEP * SHARES_STEP;
        let nearest = match below.checked_add(SHARES_STEP) {
            Some(above) if above <= MAX_WIRE_AMOUNT => format!("{below} or {above}"),
            _ => below.to_string(),
        };
        return Err(ApiError::bad_request(format!(
            "order.{shares_field} {shares} micro-shares is not a multiple of {SHARES_STEP} ({step} shares); nearest valid: {nearest}"
        )));
    }
    let (field, given, expected, rule) = match order.side {
        Side::Buy => (
            "makerAmount",
            order.maker_amount,
            mul_micro(shares, price_micro, true),
            "ceil(takerAmount × price)",
        ),
        Side::Sell => (
            "takerAmount",
            order.taker_amount,
            mul_micro(shares, price_micro, false),
            "floor(makerAmount × price)",
        ),
    };
    if given != expected {
        return Err(ApiError::bad_request(format!(
            "order.{field} {given} does not match price {price} and {shares_field} {shares}: expected {expected} = {rule} in micro-units"
        )));
    }
    Ok(Instruction::Limit {
        side: order.side,
        price: price_micro,
        shares,
        kill_remainder,
    })
}

/// Validates and places one order; the caller holds the lock.
fn place(
    state: &mut SandboxState,
    caller: &Caller,
    placement: Placement,
    now: SystemTime,
) -> Result<OrderResponse, ApiError> {
    let owner_account = match &placement.authority {
        Authority::Delegated { on_behalf_of } => {
            check_delegated(state, caller, *on_behalf_of)?;
            if placement.owner_id != *on_behalf_of {
                return Err(ApiError::bad_request(format!(
                    "ownerId {} must equal onBehalfOf {on_behalf_of} for delegated orders",
                    placement.owner_id
                )));
            }
            None
        }
        Authority::SelfSigned { .. } => Some(self_signed_owner(state, caller, placement.owner_id)?),
    };
    if let Some(window) = placement.recv_window {
        if !(1..=MAX_RECV_WINDOW_MS).contains(&window) {
            return Err(ApiError::bad_request(format!(
                "recvWindow must be between 1 and {MAX_RECV_WINDOW_MS} ms, got {window}"
            )));
        }
        let sent = placement.timestamp.ok_or_else(|| {
            ApiError::bad_request("timestamp (Unix ms) is required with recvWindow")
        })?;
        let arrived = unix_millis(now);
        if arrived > sent.saturating_add(window) {
            return Err(ApiError::bad_request(format!(
                "order arrived {} ms after its timestamp, outside recvWindow {window} ms; check your clock",
                arrived - sent
            ))
            .with_code("RECV_WINDOW_EXPIRED"));
        }
    }
    let owner = placement.owner_id;
    if let Some(id) = &placement.client_order_id {
        if id.is_empty() || client_order_id_length(id) > MAX_CLIENT_ORDER_ID_LENGTH {
            return Err(ApiError::bad_request(format!(
                "clientOrderId must be 1 to {MAX_CLIENT_ORDER_ID_LENGTH} characters, got {}",
                client_order_id_length(id)
            )));
        }
        if state.client_order_ids.contains_key(&(owner, id.clone())) {
            return Err(ApiError::conflict(format!(
                "clientOrderId {id:?} is already used by profile {owner}"
            )));
        }
    }
    let market = state.market(&placement.market_slug).ok_or_else(|| {
        ApiError::not_found(format!(
            "market {:?} not found; list markets with GET /markets/active",
            placement.market_slug
        ))
    })?;
    if let (Authority::SelfSigned { signature }, Some(account)) =
        (&placement.authority, &owner_account)
    {
        verify_signature(&placement.order, signature, market, owner, account)?;
    }
    let instruction = instruction(
        &placement.order,
        placement.order_type,
        market,
        placement.post_only,
        owner_account.is_none(),
    )?;
    let market_id = market.id;
    let market_slug = market.slug.clone();
    let salt = placement.order.salt;
    if state.salts.contains(&(owner, salt)) {
        return Err(ApiError::conflict(format!(
            "an order with salt {salt} already exists for profile {owner}; every order needs a fresh salt"
        ))
        .with_code("DUPLICATE_ORDER"));
    }
    crate::funds::check_order(
        &state.funds,
        state.engine.entries(),
        |data: &OrderData| data.owner_id,
        owner,
        &placement.order,
    )?;
    if placement.post_only == Some(true)
        && let Instruction::Limit { side, price, .. } = instruction
        && let Some(cross) = state
            .engine
            .would_cross(&placement.order.token_id, side, price)
    {
        return Err(ApiError::bad_request(format!(
            "post-only order at {} would match the resting order at {}; lower a buy or raise a sell",
            price_text(price),
            price_text(cross.best)
        ))
        .with_code("POST_ONLY_WOULD_CROSS"));
    }

    let created_at = iso(now);
    let data = OrderData {
        id: ids::uuid(),
        created_at: created_at.clone(),
        market_id,
        market_slug,
        owner_id: owner,
        order_type: placement.order_type,
        order: placement.order,
        client_order_id: placement.client_order_id,
        signature: match placement.authority {
            Authority::Delegated { .. } => ids::signature(),
            Authority::SelfSigned { signature } => signature,
        },
    };
    let token_id = data.order.token_id.clone();
    let placement_side = data.order.side;
    // Without a policy the API's engine applies `cancel_maker`.
    let policy = placement.stp_policy.unwrap_or(StpPolicy::CancelMaker);
    let (execution, self_trade) =
        state
            .engine
            .submit_with_stp(&token_id, instruction, data, policy, |resting| {
                resting.owner_id == owner
            });
    let entry = state
        .engine
        .entry(execution.index)
        .ok_or_else(|| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "order vanished"))?;
    let id = entry.data.id.clone();
    let client_order_id = entry.data.client_order_id.clone();
    state.salts.insert((owner, salt));
    state.order_ids.insert(id, execution.index);
    if let Some(client_order_id) = client_order_id {
        state
            .client_order_ids
            .insert((owner, client_order_id), execution.index);
    }
    let trade_event_id = (!execution.fills.is_empty()).then(ids::uuid);
    let transaction_hash = ids::hash32();
    let mut fill_ids = Vec::with_capacity(execution.fills.len());
    for fill in &execution.fills {
        fill_ids.push(ids::uuid());
        let seq = u64::try_from(state.fills.len()).unwrap_or(u64::MAX);
        state.fills.push(FillRecord {
            seq,
            at: now,
            market_id,
            token_id: token_id.clone(),
            price: fill.price,
            shares: fill.shares,
            collateral: fill.collateral,
            taker: execution.index,
            maker: fill.maker,
            trade_event_id: trade_event_id.clone().unwrap_or_default(),
            transaction_hash: transaction_hash.clone(),
        });
        let maker_owner = state
            .engine
            .entry(fill.maker)
            .map_or(owner, |maker| maker.data.owner_id);
        state.funds.record_fill(&crate::funds::FillParties {
            token: &token_id,
            taker: owner,
            taker_side: placement_side,
            maker: maker_owner,
            shares: fill.shares,
            collateral: fill.collateral,
        });
    }
    events::placed(
        state,
        &events::Placed {
            index: execution.index,
            fills: &execution.fills,
            fill_ids: &fill_ids,
            trade_event_id: trade_event_id.as_deref(),
            tx_hash: &transaction_hash,
            now,
        },
    );
    for &maker in &self_trade.maker_cancels {
        events::cancelled_because(state, maker, now, Some(STP_MAKER_CANCELLED));
    }
    Ok(order_response(
        state,
        &execution,
        &self_trade,
        &created_at,
        trade_event_id,
        &fill_ids,
    ))
}

fn order_response(
    state: &SandboxState,
    execution: &Execution,
    self_trade: &SelfTrade,
    created_at: &str,
    trade_event_id: Option<String>,
    fill_ids: &[String],
) -> OrderResponse {
    let entries = state.engine.entries();
    let entry = &entries[execution.index];
    let data = &entry.data;
    let order = &data.order;
    let fee = order.fee_rate_bps;
    let matched = !execution.fills.is_empty();
    let contracts = execution.shares();
    let usd = execution.collateral();
    let effective = if matched { fee } else { 0 };
    // Totals are u128 sums of u64 fills; a fee of at most 10 000 bps never
    // exceeds the amount it is cut from.
    let cut = |amount: u128| amount.saturating_mul(u128::from(effective)) / 10_000;
    let (contracts_fee, usd_fee) = match entry.side {
        Side::Buy => (cut(contracts), 0),
        Side::Sell => (0, cut(usd)),
    };
    let reason = match (entry.status, data.order_type) {
        _ if self_trade.taker_cancelled => Some(STP_TAKER_REJECTED.to_owned()),
        (OrderStatus::Killed, OrderType::Fok) => {
            Some("FOK order killed: resting liquidity could not fill it entirely".to_owned())
        }
        (OrderStatus::Killed, _) => Some(format!(
            "FAK order: unfilled {} shares killed",
            micro_decimal(entry.remaining)
        )),
        _ => None,
    };
    OrderResponse {
        order: Order {
            id: data.id.clone(),
            created_at: Some(created_at.to_owned()),
            maker_amount: Some(order.maker_amount),
            taker_amount: Some(order.taker_amount),
            expiration: Some(order.expiration.clone()),
            signature_type: Some(order.signature_type),
            salt: Some(order.salt),
            maker: Some(order.maker.clone()),
            signer: Some(order.signer.clone()),
            taker: Some(order.taker.clone()),
            token_id: order.token_id.clone(),
            side: Some(order.side),
            fee_rate_bps: Some(fee),
            nonce: Some(order.nonce),
            signature: Some(data.signature.clone()),
            order_type: Some(data.order_type.as_str().to_owned()),
            price: order.price,
            market_id: Some(data.market_id),
            ..Order::default()
        },
        maker_matches: execution
            .fills
            .iter()
            .zip(fill_ids)
            .map(|(fill, id)| OrderMatch {
                id: id.clone(),
                created_at: Some(created_at.to_owned()),
                matched_size: fill.shares.to_string(),
                order_id: entries[fill.maker].data.id.clone(),
            })
            .collect(),
        execution: Some(OrderExecution {
            matched,
            settlement_status: if matched {
                SettlementStatus::Matched
            } else {
                SettlementStatus::Unmatched
            },
            trade_event_id,
            tx_hash: None,
            client_order_id: data.client_order_id.clone(),
            eligible_at: None,
            reason,
            stp_maker_cancels: self_trade
                .maker_cancels
                .iter()
                .map(|maker| entries[*maker].data.id.clone())
                .collect(),
            fee_rate_bps: Some(fee),
            effective_fee_bps: Some(Decimal::from(effective)),
            totals_raw: Some(ExecutionTotals {
                contracts_gross: contracts.to_string(),
                contracts_fee: contracts_fee.to_string(),
                contracts_net: (contracts - contracts_fee).to_string(),
                usd_gross: usd.to_string(),
                usd_fee: usd_fee.to_string(),
                usd_net: (usd - usd_fee).to_string(),
            }),
        }),
    }
}

pub(super) async fn create(State(app): State<App>, signed: Signed) -> Result<Response, ApiError> {
    let value: Value = signed.json()?;
    let delegated = value.get("onBehalfOf").is_some_and(|v| !v.is_null());
    let carries_signature = value
        .get("order")
        .and_then(|o| o.get("signature"))
        .is_some_and(|s| !s.is_null());
    let placement = if carries_signature && !delegated {
        let request: CreateSignedOrderRequest = decode(value)?;
        signed.caller.require(&[SCOPE_TRADING], "place orders")?;
        Placement {
            order: request.order.order,
            order_type: request.order_type,
            market_slug: request.market_slug,
            owner_id: request.owner_id,
            authority: Authority::SelfSigned {
                signature: request.order.signature,
            },
            post_only: request.post_only,
            client_order_id: request.client_order_id,
            timestamp: request.timestamp,
            recv_window: request.recv_window,
            stp_policy: request.stp_policy,
        }
    } else {
        if let Some(order) = value.get("order") {
            reject_signature(order, "order")?;
        }
        let request: CreateOrderRequest = decode(value)?;
        let on_behalf_of = require_on_behalf_of(request.on_behalf_of)?;
        signed.caller.require(
            &[SCOPE_TRADING, SCOPE_DELEGATED_SIGNING],
            "place delegated orders",
        )?;
        Placement {
            order: request.order,
            order_type: request.order_type,
            market_slug: request.market_slug,
            owner_id: request.owner_id,
            authority: Authority::Delegated { on_behalf_of },
            post_only: request.post_only,
            client_order_id: request.client_order_id,
            timestamp: request.timestamp,
            recv_window: request.recv_window,
            stp_policy: request.stp_policy,
        }
    };
    let now = app.now();
    app.maintenance().gate(
        now,
        Action::Place {
            post_only: placement.post_only == Some(true),
        },
    )?;
    let placed = {
        let mut state = app.lock();
        place(&mut state, &signed.caller, placement, now)?
    };
    // 201 Created: the only success the spec documents for POST /orders
    // (NestJS's default for a POST).
    let mut response = (StatusCode::CREATED, ApiJson(placed)).into_response();
    if app.faults().take_placement_drop() {
        response.extensions_mut().insert(DropConnection);
    }
    Ok(response)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct OnBehalfQuery {
    on_behalf_of: Option<String>,
}

/// The profile whose orders a cancel acts on, after scope and ownership
/// checks.
fn cancel_owner(
    state: &SandboxState,
    caller: &Caller,
    on_behalf_of: Option<i64>,
) -> Result<i64, ApiError> {
    match on_behalf_of {
        Some(profile_id) => {
            caller.require(
                &[SCOPE_TRADING, SCOPE_DELEGATED_SIGNING],
                "cancel delegated orders",
            )?;
            check_sub_account(state, caller, profile_id)?;
            Ok(profile_id)
        }
        None => {
            caller.require(&[SCOPE_TRADING], "cancel orders")?;
            Ok(caller.profile_id)
        }
    }
}

/// Why a cancel failed, as a cancel-replace error detail and an HTTP error.
struct CancelFailure {
    code: &'static str,
    message: String,
    status: StatusCode,
}

impl From<CancelFailure> for ApiError {
    fn from(failure: CancelFailure) -> Self {
        ApiError::new(failure.status, failure.message).with_code(failure.code)
    }
}

fn cancel_one(
    state: &mut SandboxState,
    owner: i64,
    target: &CancelTarget,
    now: SystemTime,
) -> Result<(String, Option<String>), CancelFailure> {
    let index = match target {
        CancelTarget::OrderId(id) => state.order_ids.get(id).copied(),
        CancelTarget::ClientOrderId(id) => {
            state.client_order_ids.get(&(owner, id.clone())).copied()
        }
    };
    let describe = || match target {
        CancelTarget::OrderId(id) => format!("order {id}"),
        CancelTarget::ClientOrderId(id) => format!("order with clientOrderId {id:?}"),
    };
    let Some(index) = index.filter(|i| {
        state
            .engine
            .entry(*i)
            .is_some_and(|e| e.data.owner_id == owner)
    }) else {
        return Err(CancelFailure {
            code: "ORDER_NOT_FOUND",
            message: format!("{} not found for profile {owner}", describe()),
            status: StatusCode::NOT_FOUND,
        });
    };
    state.engine.cancel(index).map_err(|status| CancelFailure {
        code: "ORDER_NOT_CANCELLABLE",
        message: format!(
            "{} is {} and can no longer be cancelled",
            describe(),
            match status {
                OrderStatus::Filled => "already filled",
                OrderStatus::Cancelled => "already cancelled",
                _ => "no longer open",
            }
        ),
        status: StatusCode::CONFLICT,
    })?;
    events::cancelled(state, index, now);
    let data = &state.engine.entries()[index].data;
    Ok((data.id.clone(), data.client_order_id.clone()))
}

pub(super) async fn cancel(
    State(app): State<App>,
    path: Result<Path<String>, PathRejection>,
    params: Result<Query<OnBehalfQuery>, QueryRejection>,
    signed: Signed,
) -> Result<ApiJson<MessageResponse>, ApiError> {
    let order_id = super::path(path)?;
    let params = query(params)?;
    let on_behalf_of = positive("onBehalfOf", params.on_behalf_of.as_deref())?;
    let now = app.now();
    app.maintenance().gate(now, Action::Cancel)?;
    let mut state = app.lock();
    let owner = cancel_owner(&state, &signed.caller, on_behalf_of)?;
    let (id, _) = cancel_one(&mut state, owner, &CancelTarget::OrderId(order_id), now)?;
    Ok(ApiJson(MessageResponse {
        message: format!("Order {id} canceled successfully"),
    }))
}

/// `DELETE /orders/all/{slug}`: 200 `{message, canceled}` when every live
/// order was cancelled, 207 with `failed` when some could not be (spec
/// `CancelAllOrdersResponseDto`, PROTOCOL §7.4); here only through
/// [`Faults::fail_next_cancels`](crate::Faults::fail_next_cancels).
pub(super) async fn cancel_all(
    State(app): State<App>,
    path: Result<Path<String>, PathRejection>,
    params: Result<Query<OnBehalfQuery>, QueryRejection>,
    signed: Signed,
) -> Result<Response, ApiError> {
    let slug = super::path(path)?;
    let params = query(params)?;
    let on_behalf_of = positive("onBehalfOf", params.on_behalf_of.as_deref())?;
    let now = app.now();
    app.maintenance().gate(now, Action::Cancel)?;
    let mut state = app.lock();
    let owner = cancel_owner(&state, &signed.caller, on_behalf_of)?;
    if state.market(&slug).is_none() {
        return Err(ApiError::not_found(format!(
            "market {slug:?} not found; list markets with GET /markets/active"
        )));
    }
    let live: Vec<usize> = state
        .engine
        .entries()
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            e.status == OrderStatus::Live && e.data.owner_id == owner && e.data.market_slug == slug
        })
        .map(|(i, _)| i)
        .collect();
    let mut answer = limitless_types::CancelBatchResponse::default();
    for index in live {
        let order_id = state.engine.entries()[index].data.id.clone();
        // Every index is live and the lock is held, so only the fault
        // keeps an order from being cancelled.
        if !app.faults().take_cancel_failure() && state.engine.cancel(index).is_ok() {
            events::cancelled(&mut state, index, now);
            answer.canceled.push(order_id);
        } else {
            answer.failed.push(limitless_types::CancelFailure {
                order_id,
                reason: Some("UNKNOWN_ERROR".to_owned()),
                message: Some("Failed to cancel order".to_owned()),
                client_order_id: None,
            });
        }
    }
    Ok(cancel_answer(answer, &format!(" in market {slug}")))
}

/// A cancel of several orders answered as the API does (PROTOCOL §7.4):
/// 200 with the published wording when every order was cancelled (ccxt's
/// capture of cancel-all), 207 listing what failed otherwise. `scope` ends
/// the partial message (` in market {slug}` for cancel-all).
fn cancel_answer(mut answer: limitless_types::CancelBatchResponse, scope: &str) -> Response {
    let status = if answer.is_partial() {
        answer.message = format!(
            "{} orders canceled, {} failed{scope}",
            answer.canceled.len(),
            answer.failed.len()
        );
        StatusCode::MULTI_STATUS
    } else {
        answer.message = "Orders canceled successfully".to_owned();
        StatusCode::OK
    };
    (status, ApiJson(answer)).into_response()
}

/// Error code for a replacement that could not be placed.
fn detail(error: &ApiError) -> ApiErrorDetail {
    let code = error.code.unwrap_or(match error.status {
        StatusCode::NOT_FOUND => "NOT_FOUND",
        StatusCode::FORBIDDEN => "FORBIDDEN",
        StatusCode::CONFLICT => "CONFLICT",
        _ => "VALIDATION_ERROR",
    });
    ApiErrorDetail {
        code: code.to_owned(),
        message: error.message.clone(),
    }
}

/// Runs one cancel-replace under the lock. `Err` is a request-level error
/// (bad body, wrong sub-account); outcome failures are in the result.
///
/// A replacement is delegated (`onBehalfOf`, no signature: the server signs
/// for a server-wallet sub-account) or self-signed (its EIP-712 signature
/// in `replacement.order.signature`, `ownerId` the signer's profile, no
/// `onBehalfOf`), exactly as `POST /orders` tells the two apart: the
/// official SDKs' `cancel_replace` always sends the self-signed form,
/// which an EOA sub-account needs (PROTOCOL §6).
fn cancel_replace_one(
    state: &mut SandboxState,
    caller: &Caller,
    value: Value,
    now: SystemTime,
) -> Result<CancelReplaceResult, ApiError> {
    let delegated = value.get("onBehalfOf").is_some_and(|v| !v.is_null());
    let replacement_order = value.get("replacement").and_then(|r| r.get("order"));
    let carries_signature = replacement_order
        .and_then(|o| o.get("signature"))
        .is_some_and(|s| !s.is_null());
    let (target, mode, owner, placement) = if carries_signature && !delegated {
        let request: CancelReplaceRequest<SignedOrder> = decode(value)?;
        caller.require(&[SCOPE_TRADING], "cancel-replace orders")?;
        let replacement = request.replacement;
        // Ownership before the cancel: only the caller's own orders or its
        // EOA sub-accounts' are touched.
        self_signed_owner(state, caller, replacement.owner_id)?;
        let placement = Placement {
            order: replacement.order.order,
            order_type: replacement.order_type,
            market_slug: replacement.market_slug,
            owner_id: replacement.owner_id,
            authority: Authority::SelfSigned {
                signature: replacement.order.signature,
            },
            post_only: replacement.post_only,
            client_order_id: replacement.client_order_id,
            timestamp: replacement.timestamp,
            recv_window: replacement.recv_window,
            stp_policy: replacement.stp_policy,
        };
        (
            request.cancel,
            request.mode,
            replacement.owner_id,
            placement,
        )
    } else {
        if let Some(order) = replacement_order {
            reject_signature(order, "replacement.order")?;
        }
        let request: CancelReplaceRequest = decode(value)?;
        let on_behalf_of = require_on_behalf_of(request.on_behalf_of)?;
        caller.require(
            &[SCOPE_TRADING, SCOPE_DELEGATED_SIGNING],
            "cancel-replace delegated orders",
        )?;
        check_sub_account(state, caller, on_behalf_of)?;
        let replacement = request.replacement;
        let placement = Placement {
            order: replacement.order,
            order_type: replacement.order_type,
            market_slug: replacement.market_slug,
            owner_id: replacement.owner_id,
            authority: Authority::Delegated { on_behalf_of },
            post_only: replacement.post_only,
            client_order_id: replacement.client_order_id,
            timestamp: replacement.timestamp,
            recv_window: replacement.recv_window,
            stp_policy: replacement.stp_policy,
        };
        (request.cancel, request.mode, on_behalf_of, placement)
    };

    let cancel = match cancel_one(state, owner, &target, now) {
        Ok((order_id, client_order_id)) => CancelOutcome::Success {
            order_id: Some(order_id),
            client_order_id,
        },
        Err(failure) => CancelOutcome::Failure {
            error: ApiErrorDetail {
                code: failure.code.to_owned(),
                message: failure.message,
            },
        },
    };
    if !cancel.is_success() && mode == CancelReplaceMode::StopOnFailure {
        return Ok(CancelReplaceResult {
            cancel,
            replacement: ReplacementOutcome::NotAttempted,
        });
    }
    let replacement = match place(state, caller, placement, now) {
        Ok(response) => ReplacementOutcome::Success {
            data: Box::new(response),
        },
        Err(error) => ReplacementOutcome::Failure {
            error: detail(&error),
        },
    };
    Ok(CancelReplaceResult {
        cancel,
        replacement,
    })
}

pub(super) async fn cancel_replace(
    State(app): State<App>,
    signed: Signed,
) -> Result<Response, ApiError> {
    let value: Value = signed.json()?;
    let now = app.now();
    app.maintenance().gate(
        now,
        Action::Place {
            post_only: replacement_post_only(&value),
        },
    )?;
    let result = {
        let mut state = app.lock();
        cancel_replace_one(&mut state, &signed.caller, value, now)?
    };
    let status = if matches!(result.replacement, ReplacementOutcome::NotAttempted) {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    Ok((status, ApiJson(result)).into_response())
}

/// Whether a cancel-replace's replacement is post-only (what maintenance
/// in `post_only` mode asks of it).
fn replacement_post_only(operation: &Value) -> bool {
    operation.pointer("/replacement/postOnly") == Some(&Value::Bool(true))
}

#[derive(Debug, Deserialize)]
pub(super) struct BatchBody {
    operations: Vec<Value>,
}

pub(super) async fn cancel_replace_batch(
    State(app): State<App>,
    signed: Signed,
) -> Result<Response, ApiError> {
    let body: BatchBody = signed.json()?;
    if body.operations.is_empty() || body.operations.len() > MAX_CANCEL_REPLACE_BATCH {
        return Err(ApiError::bad_request(format!(
            "operations must hold 1 to {MAX_CANCEL_REPLACE_BATCH} cancel-replace operations, got {}",
            body.operations.len()
        )));
    }
    let now = app.now();
    app.maintenance().gate(
        now,
        Action::Place {
            post_only: body.operations.iter().all(replacement_post_only),
        },
    )?;
    let mut results = Vec::with_capacity(body.operations.len());
    let mut state = app.lock();
    for (index, operation) in body.operations.into_iter().enumerate() {
        let item = match cancel_replace_one(&mut state, &signed.caller, operation, now) {
            Ok(result) => CancelReplaceBatchItem {
                index,
                cancel: result.cancel,
                replacement: result.replacement,
            },
            Err(error) => CancelReplaceBatchItem {
                index,
                cancel: CancelOutcome::Failure {
                    error: detail(&error),
                },
                replacement: ReplacementOutcome::NotAttempted,
            },
        };
        results.push(item);
    }
    drop(state);
    Ok((
        StatusCode::MULTI_STATUS,
        ApiJson(CancelReplaceBatchResponse { results }),
    )
        .into_response())
}

/// The profile whose orders a read names: the caller's own, or the
/// sub-account of the `x-on-behalf-of` header (PROTOCOL §7.5), which needs
/// `delegated_signing` and must be one of the caller's.
fn read_owner(state: &SandboxState, caller: &Caller, headers: &HeaderMap) -> Result<i64, ApiError> {
    caller.require(&[SCOPE_TRADING], "read order statuses")?;
    let Some(value) = headers.get("x-on-behalf-of") else {
        return Ok(caller.profile_id);
    };
    let text = value
        .to_str()
        .map_err(|_| ApiError::bad_request("x-on-behalf-of must be a sub-account's profile id"))?;
    let profile_id = positive("x-on-behalf-of", Some(text))?.unwrap_or_default();
    caller.require(
        &[SCOPE_TRADING, SCOPE_DELEGATED_SIGNING],
        "read a sub-account's order statuses",
    )?;
    check_sub_account(state, caller, profile_id)?;
    Ok(profile_id)
}

/// The one key of an item naming an order: `orderId` or `clientOrderId`,
/// a non-empty string (a client order id at most 128 characters).
fn order_key(item: &Value) -> Result<CancelTarget, String> {
    let text = |key: &str| item.get(key).filter(|v| !v.is_null());
    let target = match (text("orderId"), text("clientOrderId")) {
        (Some(Value::String(id)), None) if !id.is_empty() => CancelTarget::OrderId(id.clone()),
        (None, Some(Value::String(id))) if !id.is_empty() => {
            if client_order_id_length(id) > MAX_CLIENT_ORDER_ID_LENGTH {
                return Err(format!(
                    "clientOrderId must be at most {MAX_CLIENT_ORDER_ID_LENGTH} characters, got {}",
                    client_order_id_length(id)
                ));
            }
            CancelTarget::ClientOrderId(id.clone())
        }
        _ => {
            return Err(
                "Exactly one of orderId or clientOrderId is required, as a non-empty string"
                    .to_owned(),
            );
        }
    };
    Ok(target)
}

/// The engine index of `owner`'s order named by `target`, if it has one.
fn find_order(state: &SandboxState, owner: i64, target: &CancelTarget) -> Option<usize> {
    let index = match target {
        CancelTarget::OrderId(id) => state.order_ids.get(id).copied(),
        CancelTarget::ClientOrderId(id) => {
            state.client_order_ids.get(&(owner, id.clone())).copied()
        }
    }?;
    state
        .engine
        .entry(index)
        .is_some_and(|e| e.data.owner_id == owner)
        .then_some(index)
}

#[derive(Debug, Deserialize)]
pub(super) struct StatusBatchBody {
    items: Vec<Value>,
}

/// `POST /orders/status/batch`: 1 to 50 items, each by `orderId` or
/// `clientOrderId`; one result per item (`found` with the order,
/// `not_found`, or `invalid` with the reason).
pub(super) async fn status_batch(
    State(app): State<App>,
    headers: HeaderMap,
    signed: Signed,
) -> Result<ApiJson<limitless_types::OrderStatusBatch>, ApiError> {
    let body: StatusBatchBody = signed.json()?;
    if body.items.is_empty() || body.items.len() > MAX_ORDER_STATUS_BATCH {
        return Err(ApiError::bad_request(format!(
            "items must hold 1 to {MAX_ORDER_STATUS_BATCH} lookups, got {}",
            body.items.len()
        )));
    }
    let state = app.lock();
    let owner = read_owner(&state, &signed.caller, &headers)?;
    let results = body
        .items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let mut result = limitless_types::OrderStatus {
                index: Some(index),
                ..Default::default()
            };
            let target = match order_key(item) {
                Ok(target) => target,
                Err(error) => {
                    result.status = Some(limitless_types::OrderStatus::INVALID.to_owned());
                    result.error = Some(error);
                    return result;
                }
            };
            match &target {
                CancelTarget::OrderId(id) => result.order_id = Some(id.clone()),
                CancelTarget::ClientOrderId(id) => result.client_order_id = Some(id.clone()),
            }
            match find_order(&state, owner, &target) {
                Some(found) => {
                    let entry = &state.engine.entries()[found];
                    result.status = Some(limitless_types::OrderStatus::FOUND.to_owned());
                    result.order_id = Some(entry.data.id.clone());
                    result
                        .client_order_id
                        .clone_from(&entry.data.client_order_id);
                    // The order as user-orders lists it: its status and fill.
                    let order = serde_json::from_value(crate::views::user_order_json(entry))
                        .unwrap_or_default();
                    result.data = Some(OrderResponse {
                        order,
                        maker_matches: Vec::new(),
                        execution: Some(execution_summary(&state, found)),
                    });
                }
                None => {
                    result.status = Some(limitless_types::OrderStatus::NOT_FOUND.to_owned());
                }
            }
            result
        })
        .collect();
    Ok(ApiJson(limitless_types::OrderStatusBatch { results }))
}

/// The execution summary the status batch gives a found order (spec
/// `OrderExecutionSummary`; the real answer in
/// `fixtures/responses/orders-status-batch` carries one): its fills as
/// taker or maker so far, with the fee cut as `POST /orders` reports it.
fn execution_summary(state: &SandboxState, index: usize) -> OrderExecution {
    let entry = &state.engine.entries()[index];
    let fee = entry.data.order.fee_rate_bps;
    let fills: Vec<&FillRecord> = state
        .fills
        .iter()
        .filter(|fill| fill.taker == index || fill.maker == index)
        .collect();
    let matched = !fills.is_empty();
    let contracts: u128 = fills.iter().map(|fill| u128::from(fill.shares)).sum();
    let usd: u128 = fills.iter().map(|fill| u128::from(fill.collateral)).sum();
    let effective = if matched { fee } else { 0 };
    let cut = |amount: u128| amount.saturating_mul(u128::from(effective)) / 10_000;
    let (contracts_fee, usd_fee) = match entry.side {
        Side::Buy => (cut(contracts), 0),
        Side::Sell => (0, cut(usd)),
    };
    OrderExecution {
        matched,
        settlement_status: if matched {
            SettlementStatus::Matched
        } else {
            SettlementStatus::Unmatched
        },
        trade_event_id: fills.last().map(|fill| fill.trade_event_id.clone()),
        tx_hash: None,
        client_order_id: entry.data.client_order_id.clone(),
        eligible_at: None,
        reason: None,
        stp_maker_cancels: Vec::new(),
        fee_rate_bps: Some(fee),
        effective_fee_bps: Some(Decimal::from(effective)),
        totals_raw: Some(ExecutionTotals {
            contracts_gross: contracts.to_string(),
            contracts_fee: contracts_fee.to_string(),
            contracts_net: (contracts - contracts_fee).to_string(),
            usd_gross: usd.to_string(),
            usd_fee: usd_fee.to_string(),
            usd_net: (usd - usd_fee).to_string(),
        }),
    }
}

/// `POST /orders/cancel?onBehalfOf=`: cancels one order by `orderId` or
/// `clientOrderId` (exactly one).
pub(super) async fn cancel_by_key(
    State(app): State<App>,
    params: Result<Query<OnBehalfQuery>, QueryRejection>,
    signed: Signed,
) -> Result<ApiJson<MessageResponse>, ApiError> {
    let params = query(params)?;
    let on_behalf_of = positive("onBehalfOf", params.on_behalf_of.as_deref())?;
    let body: Value = signed.json()?;
    let target = order_key(&body).map_err(ApiError::bad_request)?;
    let now = app.now();
    let mut state = app.lock();
    let owner = cancel_owner(&state, &signed.caller, on_behalf_of)?;
    let (id, _) = cancel_one(&mut state, owner, &target, now)?;
    Ok(ApiJson(MessageResponse {
        message: format!("Order {id} canceled successfully"),
    }))
}

/// The ids a batch cancel names: `orderIds` or (when `client_ids` may be
/// given) `clientOrderIds`, exactly one, 1 to 50 non-empty strings.
fn batch_targets(body: &Value, client_ids: bool) -> Result<Vec<CancelTarget>, ApiError> {
    let list = |key: &str| body.get(key).filter(|v| !v.is_null());
    let (ids, by_client) = match (
        list("orderIds"),
        list("clientOrderIds").filter(|_| client_ids),
    ) {
        (Some(ids), None) => (ids, false),
        (None, Some(ids)) => (ids, true),
        _ if client_ids => {
            return Err(ApiError::bad_request(
                "exactly one of orderIds or clientOrderIds is required",
            ));
        }
        _ => return Err(ApiError::bad_request("orderIds is required")),
    };
    let ids = ids
        .as_array()
        .filter(|ids| !ids.is_empty() && ids.len() <= MAX_CANCEL_BATCH)
        .ok_or_else(|| {
            ApiError::bad_request(format!("a batch cancel takes 1 to {MAX_CANCEL_BATCH} ids"))
        })?;
    ids.iter()
        .map(|id| match id {
            Value::String(id) if !id.is_empty() && by_client => {
                Ok(CancelTarget::ClientOrderId(id.clone()))
            }
            Value::String(id) if !id.is_empty() => Ok(CancelTarget::OrderId(id.clone())),
            _ => Err(ApiError::bad_request("every id must be a non-empty string")),
        })
        .collect()
}

/// Cancels each order, in order: 200 when all were cancelled, 207 with
/// the failures otherwise (spec `CancelOrderBatchResponseDto`).
fn cancel_each(
    state: &mut SandboxState,
    owner: i64,
    targets: &[CancelTarget],
    now: SystemTime,
) -> Response {
    let mut answer = limitless_types::CancelBatchResponse::default();
    for target in targets {
        match cancel_one(state, owner, target, now) {
            Ok((id, _)) => answer.canceled.push(id),
            Err(failure) => {
                let (order_id, client_order_id) = match target {
                    CancelTarget::OrderId(id) => (id.clone(), None),
                    CancelTarget::ClientOrderId(id) => (
                        find_order(state, owner, target)
                            .map(|i| state.engine.entries()[i].data.id.clone())
                            .unwrap_or_default(),
                        Some(id.clone()),
                    ),
                };
                answer.failed.push(limitless_types::CancelFailure {
                    order_id,
                    // The spec knows ORDER_NOT_FOUND and UNKNOWN_ERROR only;
                    // its message for both cases is "Order not found or
                    // already canceled".
                    reason: Some("ORDER_NOT_FOUND".to_owned()),
                    message: Some(failure.message),
                    client_order_id,
                });
            }
        }
    }
    cancel_answer(answer, "")
}

/// `POST /orders/batch-cancel?onBehalfOf=`: by `orderIds` or
/// `clientOrderIds`.
pub(super) async fn batch_cancel(
    State(app): State<App>,
    params: Result<Query<OnBehalfQuery>, QueryRejection>,
    signed: Signed,
) -> Result<Response, ApiError> {
    batch_cancel_with(app, params, signed, true)
}

/// `POST /orders/cancel-batch`: by `orderIds` only.
pub(super) async fn cancel_batch(
    State(app): State<App>,
    params: Result<Query<OnBehalfQuery>, QueryRejection>,
    signed: Signed,
) -> Result<Response, ApiError> {
    batch_cancel_with(app, params, signed, false)
}

fn batch_cancel_with(
    app: App,
    params: Result<Query<OnBehalfQuery>, QueryRejection>,
    signed: Signed,
    client_ids: bool,
) -> Result<Response, ApiError> {
    let params = query(params)?;
    let on_behalf_of = positive("onBehalfOf", params.on_behalf_of.as_deref())?;
    let body: Value = signed.json()?;
    let targets = batch_targets(&body, client_ids)?;
    let now = app.now();
    let mut state = app.lock();
    let owner = cancel_owner(&state, &signed.caller, on_behalf_of)?;
    Ok(cancel_each(&mut state, owner, &targets, now))
}
