//! What changes to the order engine send on the socket, built with the
//! payload types of `limitless_types::ws` so the sandbox sends exactly what
//! clients decode.
//!
//! Units follow the wire: book sizes in micro-shares; `amountContracts`,
//! `amountCollateral` and `remainingSize` of order and transaction events
//! in shares and USDC. JSON forms follow PROTOCOL §7.2 (the official TS
//! and Python SDKs' payload types): an engine (`OME`) order event carries
//! `price` and `remainingSize` as numbers (`0.42`, `2.5`), settlement
//! events and `tx` carry strings (`"0.42"`).
//!
//! Who hears what: `orderbookUpdate` goes to the market's room
//! (`market:{slug}`); `orderEvent`, `tx` and `positions` about an order go
//! to its owner's rooms and, for a sub-account, to its partner's
//! (`orders:{profile}`, `tx:{profile}`, `positions:{profile}`, or
//! `…:{profile}:{slug}` for a subscription filtered to markets).

use std::mem;
use std::time::SystemTime;

use limitless_types::{Loose, OrderBookUpdate, OrderEvent, OrderType, TxEvent, ws};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;
use serde_json::{Value, json};

use crate::engine::{Fill, OrderStatus};
use crate::feed::{Outbound, SocketHub};
use crate::state::{State, iso};
use crate::views::{market_position, micro_decimal, socket_book};

/// Room prefix of `subscribe_order_events`.
pub(crate) const ORDERS: &str = "orders";
/// Room prefix of `subscribe_transactions`.
pub(crate) const TRANSACTIONS: &str = "tx";
/// Room prefix of `subscribe_positions`.
pub(crate) const POSITIONS: &str = "positions";

/// The room of a market's price subscribers.
pub(crate) fn market_room(slug: &str) -> String {
    format!("market:{slug}")
}

/// The room of a private channel for `profile`, whole or for one market.
pub(crate) fn private_room(prefix: &str, profile: i64, slug: Option<&str>) -> String {
    match slug {
        Some(slug) => format!("{prefix}:{profile}:{slug}"),
        None => format!("{prefix}:{profile}"),
    }
}

/// The rooms that hear about `owner`'s orders in market `slug` on one
/// private channel: the owner's and, for a sub-account, its partner's.
fn recipients(state: &State, prefix: &str, owner: i64, slug: &str) -> Vec<String> {
    let partner = state.accounts.get(&owner).map(|a| a.partner_profile_id);
    [Some(owner), partner]
        .into_iter()
        .flatten()
        .flat_map(|profile| {
            [
                private_room(prefix, profile, None),
                private_room(prefix, profile, Some(slug)),
            ]
        })
        .collect()
}

/// Encodes a payload; a payload that cannot be encoded is logged and
/// skipped rather than sent half-formed.
pub(crate) fn encode<T: Serialize>(event: &str, payload: &T) -> Option<Value> {
    serde_json::to_value(payload)
        .inspect_err(|error| tracing::warn!(%error, event, "socket payload not encodable"))
        .ok()
}

fn to_rooms<T: Serialize>(
    rooms: Vec<String>,
    event: &'static str,
    payload: &T,
) -> Option<Outbound> {
    Some(Outbound::Rooms {
        rooms,
        event,
        payload: encode(event, payload)?,
    })
}

/// An engine (`OME`) order event for `rooms`: `OrderEvent` encodes
/// `price` and `remainingSize` as strings (what settlement sends), the
/// engine sends them as JSON numbers.
fn engine_event(rooms: Vec<String>, event: &OrderEvent) -> Option<Outbound> {
    let mut payload = encode(ws::event::ORDER_EVENT, event)?;
    for key in ["price", "remainingSize"] {
        if let Some(field) = payload.get_mut(key)
            && let Some(number) = field.as_str().and_then(json_number)
        {
            *field = number;
        }
    }
    Some(Outbound::Rooms {
        rooms,
        event: ws::event::ORDER_EVENT,
        payload,
    })
}

/// A decimal's text as a JSON number carrying exactly its value: whole
/// values as integers, others as the `f64` whose shortest form reads back
/// as the same decimal (`None`, and the text is kept, if there is none).
fn json_number(text: &str) -> Option<Value> {
    let value: Decimal = text.parse().ok()?;
    if value.fract().is_zero() {
        return value.to_i64().map(Value::from);
    }
    let float = value.to_f64()?;
    let back: Decimal = float.to_string().parse().ok()?;
    (back == value).then(|| Value::from(float))
}

/// The `orderbookUpdate` for a market's current book. `bump` moves the
/// market's version on (a change); a snapshot for a new subscriber keeps
/// it.
pub(crate) fn book_update(
    state: &mut State,
    slug: &str,
    now: SystemTime,
    bump: bool,
) -> Option<Value> {
    let version = state.book_versions.entry(slug.to_owned()).or_insert(1);
    if bump {
        *version += 1;
    }
    let version = *version;
    let market = state.market(slug)?;
    let update = OrderBookUpdate {
        market_slug: Some(slug.to_owned()),
        orderbook: socket_book(state, market),
        version: Some(version),
        timestamp: Some(iso(now)),
    };
    encode(ws::event::ORDERBOOK_UPDATE, &update)
}

/// Hands the outbox to the send queue; called as the state lock is
/// released. With no socket open nothing is built.
pub(crate) fn flush(state: &mut State, now: SystemTime, hub: &SocketHub) {
    let outbox = mem::take(&mut state.outbox);
    if state.socket_sessions.is_empty() {
        return;
    }
    for outbound in outbox.events {
        hub.queue(outbound);
    }
    for slug in outbox.books {
        if let Some(payload) = book_update(state, &slug, now, true) {
            hub.queue(Outbound::Rooms {
                rooms: vec![market_room(&slug)],
                event: ws::event::ORDERBOOK_UPDATE,
                payload,
            });
        }
    }
}

/// The fields every `orderEvent` about order `index` carries.
fn order_event(state: &State, index: usize, now: SystemTime) -> Option<OrderEvent> {
    let entry = state.engine.entry(index)?;
    let data = &entry.data;
    Some(OrderEvent {
        order_id: Some(data.id.clone()),
        client_order_id: data.client_order_id.clone(),
        user_id: Some(data.owner_id),
        market_id: Some(data.market_id),
        market_slug: Some(data.market_slug.clone()),
        token_id: Some(entry.token_id.clone()),
        token: Some(entry.token_id.clone()),
        side: Some(entry.side),
        timestamp: Some(iso(now)),
        ..OrderEvent::default()
    })
}

/// The next id of an engine (`OME`) lifecycle event.
fn next_event_id(state: &mut State) -> Loose {
    state.event_seq += 1;
    Loose::from(state.event_seq.to_string().as_str())
}

/// Whether order `index` rests on (or left) its market's YES book, the
/// one `orderbookUpdate` carries.
fn on_market_book(state: &State, index: usize) -> Option<String> {
    let entry = state.engine.entry(index)?;
    let market = state.market(&entry.data.market_slug)?;
    (entry.token_id == market.yes_token_id).then(|| market.slug.clone())
}

/// One placement's result, as `place` recorded it.
pub(crate) struct Placed<'a> {
    pub(crate) index: usize,
    pub(crate) fills: &'a [Fill],
    pub(crate) fill_ids: &'a [String],
    pub(crate) trade_event_id: Option<&'a str>,
    pub(crate) tx_hash: &'a str,
    pub(crate) now: SystemTime,
}

/// The events of a placement: per fill, `orderEvent` `MATCHED` and `tx`
/// for both sides; `EXECUTION` for an FOK or FAK, `PLACEMENT` for an
/// order that rests; `positions` for each owner that traded; and the
/// book's update when it changed.
pub(crate) fn placed(state: &mut State, placed: &Placed<'_>) {
    let Some(entry) = state.engine.entry(placed.index) else {
        return;
    };
    let status = entry.status;
    let order_type = entry.data.order_type;
    let book_changed = status == OrderStatus::Live || !placed.fills.is_empty();
    if book_changed && let Some(slug) = on_market_book(state, placed.index) {
        state.outbox.book_changed(&slug);
    }
    if state.socket_sessions.is_empty() {
        return;
    }
    let mut out = Vec::new();
    let mut traders = Vec::new();
    for (fill, fill_id) in placed.fills.iter().zip(placed.fill_ids) {
        for index in [placed.index, fill.maker] {
            out.extend(matched(state, placed, fill, fill_id, index));
            if let Some(owner) = state.engine.entry(index).map(|e| e.data.owner_id)
                && !traders.contains(&owner)
            {
                traders.push(owner);
            }
        }
    }
    let (Some(taker), Some(entry)) = (
        order_event(state, placed.index, placed.now),
        state.engine.entry(placed.index),
    ) else {
        return;
    };
    let owner = entry.data.owner_id;
    let slug = entry.data.market_slug.clone();
    let order_id = entry.data.id.clone();
    let limit = entry.data.order.price;
    let filled = entry.original - entry.remaining;
    let remaining = Some(micro_decimal(entry.remaining));
    let event = match (order_type, status) {
        (OrderType::Fok | OrderType::Fak, _) => {
            let outcome = match status {
                OrderStatus::Filled => "FILLED",
                _ if filled > 0 => "PARTIALLY_FILLED",
                _ => "KILLED",
            };
            // An FOK has no limit: it reports the last level it reached
            // (0 when nothing traded).
            let price = limit.or_else(|| {
                Some(
                    placed
                        .fills
                        .last()
                        .map_or(Decimal::ZERO, |f| micro_decimal(f.price)),
                )
            });
            Some(OrderEvent {
                source: Some("OME".to_owned()),
                kind: Some("EXECUTION".to_owned()),
                status: Some(outcome.to_owned()),
                event_id: Some(Loose::from(format!("terminal:{order_id}").as_str())),
                price,
                remaining_size: remaining,
                ..taker
            })
        }
        (_, OrderStatus::Live) => Some(OrderEvent {
            source: Some("OME".to_owned()),
            kind: Some("PLACEMENT".to_owned()),
            event_id: Some(next_event_id(state)),
            price: limit,
            remaining_size: remaining,
            ..taker
        }),
        _ => None,
    };
    if let Some(event) = event {
        out.extend(engine_event(
            recipients(state, ORDERS, owner, &slug),
            &event,
        ));
    }
    for trader in traders {
        out.extend(position(state, trader, &slug));
    }
    state.outbox.events.extend(out);
}

/// `orderEvent` `MATCHED` and `tx` for one side (order `index`) of a fill.
fn matched(
    state: &State,
    placed: &Placed<'_>,
    fill: &Fill,
    fill_id: &str,
    index: usize,
) -> Vec<Outbound> {
    let (Some(base), Some(entry), Some(taker)) = (
        order_event(state, index, placed.now),
        state.engine.entry(index),
        state.engine.entry(placed.index),
    ) else {
        return Vec::new();
    };
    let owner = entry.data.owner_id;
    let slug = &entry.data.market_slug;
    let price = Some(micro_decimal(fill.price));
    let contracts = Some(micro_decimal(fill.shares));
    let collateral = Some(micro_decimal(fill.collateral));
    let event = OrderEvent {
        source: Some("SETTLEMENT".to_owned()),
        kind: Some("MATCHED".to_owned()),
        event_id: Some(Loose::from(
            format!("settlement:{fill_id}:{}", entry.data.id).as_str(),
        )),
        taker_order_id: Some(taker.data.id.clone()),
        trade_event_id: placed.trade_event_id.map(str::to_owned),
        price,
        amount_contracts: contracts,
        amount_collateral: collateral,
        ..base
    };
    let tx = TxEvent {
        user_id: Some(owner),
        tx_hash: Some(placed.tx_hash.to_owned()),
        status: Some("CONFIRMED".to_owned()),
        source: Some("clob".to_owned()),
        timestamp: Some(iso(placed.now)),
        market_address: None,
        market_slug: Some(slug.clone()),
        token_id: Some(entry.token_id.clone()),
        condition_id: state.market(slug).map(|m| m.condition_id.clone()),
        amount_contracts: contracts,
        amount_collateral: collateral,
        price,
        side: Some(entry.side),
    };
    [
        to_rooms(
            recipients(state, ORDERS, owner, slug),
            ws::event::ORDER_EVENT,
            &event,
        ),
        to_rooms(
            recipients(state, TRANSACTIONS, owner, slug),
            ws::event::TX,
            &tx,
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// `positions`: `owner`'s position in market `slug` after a trade, in the
/// shape of an entry of `GET /portfolio/positions`' `clob` list.
fn position(state: &State, owner: i64, slug: &str) -> Option<Outbound> {
    let market = state.market(slug)?;
    let payload = json!({
        "userId": owner,
        "marketSlug": slug,
        "position": market_position(state, owner, market),
    });
    to_rooms(
        recipients(state, POSITIONS, owner, slug),
        "positions",
        &payload,
    )
}

/// `orderEvent` `CANCELLATION` for order `index`, just cancelled, and its
/// book's update.
pub(crate) fn cancelled(state: &mut State, index: usize, now: SystemTime) {
    cancelled_because(state, index, now, None);
}

/// [`cancelled`] with the engine's `reason`, e.g. `STP_MAKER_CANCELLED`.
pub(crate) fn cancelled_because(
    state: &mut State,
    index: usize,
    now: SystemTime,
    reason: Option<&str>,
) {
    if let Some(slug) = on_market_book(state, index) {
        state.outbox.book_changed(&slug);
    }
    if state.socket_sessions.is_empty() {
        return;
    }
    let (Some(base), Some(entry)) = (order_event(state, index, now), state.engine.entry(index))
    else {
        return;
    };
    let owner = entry.data.owner_id;
    let slug = entry.data.market_slug.clone();
    let price = entry.data.order.price;
    let remaining = Some(micro_decimal(entry.remaining));
    let event = OrderEvent {
        source: Some("OME".to_owned()),
        kind: Some("CANCELLATION".to_owned()),
        event_id: Some(next_event_id(state)),
        price,
        remaining_size: remaining,
        reason: reason.map(str::to_owned),
        ..base
    };
    let out = engine_event(recipients(state, ORDERS, owner, &slug), &event);
    state.outbox.events.extend(out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_numbers_carry_the_decimal_exactly() {
        assert_eq!(json_number("0.42"), Some(json!(0.42)));
        assert_eq!(json_number("10"), Some(json!(10)));
        assert_eq!(json_number("2.500000"), Some(json!(2.5)));
        assert_eq!(json_number("0"), Some(json!(0)));
        // No f64 reads back as this one: it stays a string.
        assert_eq!(json_number("0.12345678901234567890123"), None);
        assert_eq!(json_number("not a number"), None);
        let event = OrderEvent {
            source: Some("OME".to_owned()),
            price: Some(Decimal::new(42, 2)),
            remaining_size: Some(Decimal::new(10_000_000, 6)),
            ..OrderEvent::default()
        };
        let Some(Outbound::Rooms { payload, .. }) = engine_event(vec!["r".to_owned()], &event)
        else {
            panic!()
        };
        assert_eq!(
            (&payload["price"], &payload["remainingSize"]),
            (&json!(0.42), &json!(10))
        );
    }
}
