//! Payloads of the `/markets` Socket.IO namespace
//! (`wss://ws.limitless.exchange`), for the stream client to reuse.
//!
//! A Socket.IO event arrives as `42/markets,["<event>", <payload>]`; once
//! the prefix is stripped, [`EventFrame`] reads the `["<event>", <payload>]`
//! array (or a bare payload, as the docs print them). Book sizes are
//! [`MicroShares`](crate::MicroShares), as in REST. Every field is soft except what names an
//! event's subject and the book levels.

use std::fmt;
use std::marker::PhantomData;

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};

use crate::common::Loose;
use crate::markets::OrderBook;
use crate::orders::Side;
use crate::serde_util::{
    opt_decimal_number, opt_decimal_string, opt_display_string, soft, soft_objects,
    soft_or_default, soft_struct, soft_value, soft_vec,
};

/// Event names the server emits on `/markets`.
pub mod event {
    /// A market's order book ([`OrderBookUpdate`](super::OrderBookUpdate)).
    pub const ORDERBOOK_UPDATE: &str = "orderbookUpdate";
    /// AMM prices ([`NewPriceData`](super::NewPriceData)).
    pub const NEW_PRICE_DATA: &str = "newPriceData";
    /// An oracle price ([`OraclePriceData`](super::OraclePriceData)).
    pub const ORACLE_PRICE_DATA: &str = "oraclePriceData";
    /// An order's lifecycle ([`OrderEvent`](super::OrderEvent)).
    pub const ORDER_EVENT: &str = "orderEvent";
    /// A transaction ([`TxEvent`](super::TxEvent)).
    pub const TX: &str = "tx";
    /// A market was created ([`MarketCreated`](super::MarketCreated)).
    pub const MARKET_CREATED: &str = "marketCreated";
    /// A market resolved ([`MarketResolved`](super::MarketResolved)).
    pub const MARKET_RESOLVED: &str = "marketResolved";
    /// The subscribed user's positions (no documented shape).
    pub const POSITIONS: &str = "positions";
    /// A live sports score update (no documented shape).
    pub const LIVE_SPORTS_UPDATE: &str = "live_sports_update";
    /// A live esports score update (no documented shape).
    pub const LIVE_ESPORTS_UPDATE: &str = "live_esports_update";
    /// A server notice ([`SystemMessage`](super::SystemMessage)).
    pub const SYSTEM: &str = "system";
    /// An error notice ([`ExceptionNotice`](super::ExceptionNotice)), e.g.
    /// a subscription refused for want of authentication.
    pub const EXCEPTION: &str = "exception";
}

/// One Socket.IO event: `["<event>", <payload>]` with the `42/markets,`
/// prefix already stripped. A bare payload (no array) also decodes, with
/// `event` `None`. Encodes back to the form it came in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFrame<T> {
    /// The event name, e.g. `orderbookUpdate`; `None` for a bare payload.
    pub event: Option<String>,
    /// The payload.
    pub payload: T,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for EventFrame<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct FrameVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for FrameVisitor<T> {
            type Value = EventFrame<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("[\"<event>\", <payload>] or a payload object")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<EventFrame<T>, A::Error> {
                let event: String = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(0, &self))?;
                let payload: T = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(1, &self))?;
                // Socket.IO allows more arguments; none is defined here.
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(EventFrame {
                    event: Some(event),
                    payload,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<EventFrame<T>, A::Error> {
                let payload = T::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(EventFrame {
                    event: None,
                    payload,
                })
            }
        }
        d.deserialize_any(FrameVisitor(PhantomData))
    }
}

impl<T: Serialize> Serialize for EventFrame<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.event {
            Some(event) => {
                let mut seq = s.serialize_seq(Some(2))?;
                seq.serialize_element(event)?;
                seq.serialize_element(&self.payload)?;
                seq.end()
            }
            None => self.payload.serialize(s),
        }
    }
}

/// `orderbookUpdate`: a market's whole order book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderBookUpdate {
    /// The market.
    #[serde(default, deserialize_with = "soft")]
    pub market_slug: Option<String>,
    /// The book; sizes in [`MicroShares`](crate::MicroShares).
    pub orderbook: OrderBook,
    /// Book version, increasing.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "soft"
    )]
    pub version: Option<u64>,
    /// Time of the update (ISO-8601).
    #[serde(default, deserialize_with = "soft")]
    pub timestamp: Option<String>,
}

/// `newPriceData`: AMM prices of a market.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewPriceData {
    /// The market contract.
    #[serde(default, deserialize_with = "soft")]
    pub market_address: Option<String>,
    /// New prices. The TypeScript docs send an array of per-market prices;
    /// the Python quick-start shows one `{yes, no}` object, read here as a
    /// one-entry list.
    #[serde(default, deserialize_with = "updated_prices")]
    pub updated_prices: Vec<UpdatedPrice>,
    /// Block of the update.
    #[serde(default, deserialize_with = "soft")]
    pub block_number: Option<u64>,
    /// Time of the update (ISO-8601).
    #[serde(default, deserialize_with = "soft")]
    pub timestamp: Option<String>,
}

/// AMM prices of one market.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdatedPrice {
    /// Market id.
    #[serde(default, deserialize_with = "soft")]
    pub market_id: Option<i64>,
    /// Market contract.
    #[serde(default, deserialize_with = "soft")]
    pub market_address: Option<String>,
    /// YES price.
    #[serde(
        default,
        serialize_with = "opt_decimal_number",
        deserialize_with = "soft"
    )]
    pub yes_price: Option<Decimal>,
    /// NO price.
    #[serde(
        default,
        serialize_with = "opt_decimal_number",
        deserialize_with = "soft"
    )]
    pub no_price: Option<Decimal>,
}

fn updated_prices<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<UpdatedPrice>, D::Error> {
    #[derive(Deserialize)]
    struct YesNo {
        #[serde(default, deserialize_with = "soft")]
        yes: Option<Decimal>,
        #[serde(default, deserialize_with = "soft")]
        no: Option<Decimal>,
    }
    struct ListOrPair;
    impl<'de> Visitor<'de> for ListOrPair {
        type Value = Vec<UpdatedPrice>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            soft_objects(de::value::SeqAccessDeserializer::new(seq))
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            let pair = YesNo::deserialize(de::value::MapAccessDeserializer::new(map))?;
            Ok(vec![UpdatedPrice {
                yes_price: pair.yes,
                no_price: pair.no,
                ..UpdatedPrice::default()
            }])
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
    }
    d.deserialize_any(ListOrPair)
}

/// `oraclePriceData`: a price from the market's oracle.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OraclePriceData {
    /// The market contract, if any (often `null`).
    #[serde(default, deserialize_with = "soft")]
    pub market_address: Option<String>,
    /// The market.
    #[serde(default, deserialize_with = "soft")]
    pub market_slug: Option<String>,
    /// Oracle source, verbatim (e.g. `pyth-pro`).
    #[serde(default, deserialize_with = "soft")]
    pub source: Option<String>,
    /// Unix milliseconds.
    #[serde(default, deserialize_with = "soft")]
    pub timestamp: Option<i64>,
    /// The price, exactly as its shortest decimal text.
    #[serde(
        default,
        serialize_with = "opt_decimal_number",
        deserialize_with = "soft"
    )]
    pub value: Option<Decimal>,
}

/// `orderEvent`: a step in an order's life, from the matching engine
/// (`source` `OME`: placement, execution) or from settlement (`SETTLEMENT`:
/// matched, mined…). One flat type: `type` tells which fields are set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderEvent {
    /// Producer, verbatim (`OME`, `SETTLEMENT`).
    #[serde(default, deserialize_with = "soft")]
    pub source: Option<String>,
    /// Event type, verbatim (`PLACEMENT`, `EXECUTION`, `MATCHED`, `MINED`…).
    #[serde(rename = "type", default, deserialize_with = "soft")]
    pub kind: Option<String>,
    /// Status for execution events (`FILLED`, `PARTIALLY_FILLED`, `KILLED`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "soft"
    )]
    pub status: Option<String>,
    /// Event id: an integer or text, kept as sent.
    #[serde(default, deserialize_with = "soft")]
    pub event_id: Option<Loose>,
    /// The order.
    #[serde(default, deserialize_with = "soft")]
    pub order_id: Option<String>,
    /// The client's order id, if it set one.
    #[serde(default, deserialize_with = "soft")]
    pub client_order_id: Option<String>,
    /// The taker order of a match.
    #[serde(default, deserialize_with = "soft")]
    pub taker_order_id: Option<String>,
    /// Trade event id of a settlement.
    #[serde(default, deserialize_with = "soft")]
    pub trade_event_id: Option<String>,
    /// Owner's user id.
    #[serde(default, deserialize_with = "soft")]
    pub user_id: Option<i64>,
    /// Market id (a numeric string on the wire, and sent back as one).
    #[serde(
        default,
        serialize_with = "opt_display_string",
        deserialize_with = "soft"
    )]
    pub market_id: Option<i64>,
    /// The market.
    #[serde(default, deserialize_with = "soft")]
    pub market_slug: Option<String>,
    /// Position token id (`tokenId`).
    #[serde(default, deserialize_with = "soft")]
    pub token_id: Option<String>,
    /// Position token id as engine events name it (`token`).
    #[serde(default, deserialize_with = "soft")]
    pub token: Option<String>,
    /// Side (`"BUY"` or `"SELL"` on the socket, never `0`/`1`).
    #[serde(
        default,
        serialize_with = "opt_display_string",
        deserialize_with = "soft"
    )]
    pub side: Option<Side>,
    /// Price: a number from the engine (`OME`), a string from settlement.
    /// Encoded as a string, which every official SDK reads for every
    /// event type (the official Rust SDK requires one for `MATCHED`).
    #[serde(
        default,
        serialize_with = "opt_decimal_string",
        deserialize_with = "soft"
    )]
    pub price: Option<Decimal>,
    /// Size still open, as sent (the unit is not documented).
    #[serde(
        default,
        serialize_with = "opt_decimal_string",
        deserialize_with = "soft"
    )]
    pub remaining_size: Option<Decimal>,
    /// Contracts settled, in shares.
    #[serde(
        default,
        serialize_with = "opt_decimal_string",
        deserialize_with = "soft"
    )]
    pub amount_contracts: Option<Decimal>,
    /// Collateral settled, in collateral units.
    #[serde(
        default,
        serialize_with = "opt_decimal_string",
        deserialize_with = "soft"
    )]
    pub amount_collateral: Option<Decimal>,
    /// Fee taken in contracts, in shares.
    #[serde(
        default,
        serialize_with = "opt_decimal_string",
        deserialize_with = "soft"
    )]
    pub fee_amount_contracts: Option<Decimal>,
    /// Settlement transaction hash.
    #[serde(default, deserialize_with = "soft")]
    pub tx_hash: Option<String>,
    /// Why the order ended, when the engine says, e.g.
    /// `STP_MAKER_CANCELLED` on a cancellation by self-trade prevention.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "soft"
    )]
    pub reason: Option<String>,
    /// Time of the event (ISO-8601).
    #[serde(default, deserialize_with = "soft")]
    pub timestamp: Option<String>,
}

/// `tx`: a transaction of the subscribed user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TxEvent {
    /// User id.
    #[serde(default, deserialize_with = "soft")]
    pub user_id: Option<i64>,
    /// Transaction hash.
    #[serde(default, deserialize_with = "soft")]
    pub tx_hash: Option<String>,
    /// Status, verbatim (e.g. `CONFIRMED`).
    #[serde(default, deserialize_with = "soft")]
    pub status: Option<String>,
    /// Producer, verbatim (e.g. `clob`).
    #[serde(default, deserialize_with = "soft")]
    pub source: Option<String>,
    /// Time (ISO-8601).
    #[serde(default, deserialize_with = "soft")]
    pub timestamp: Option<String>,
    /// Market contract.
    #[serde(default, deserialize_with = "soft")]
    pub market_address: Option<String>,
    /// The market.
    #[serde(default, deserialize_with = "soft")]
    pub market_slug: Option<String>,
    /// Position token id.
    #[serde(default, deserialize_with = "soft")]
    pub token_id: Option<String>,
    /// The CTF condition id.
    #[serde(default, deserialize_with = "soft")]
    pub condition_id: Option<String>,
    /// Contracts moved, in shares.
    #[serde(
        default,
        serialize_with = "opt_decimal_string",
        deserialize_with = "soft"
    )]
    pub amount_contracts: Option<Decimal>,
    /// Collateral moved, in collateral units.
    #[serde(
        default,
        serialize_with = "opt_decimal_string",
        deserialize_with = "soft"
    )]
    pub amount_collateral: Option<Decimal>,
    /// Price.
    #[serde(
        default,
        serialize_with = "opt_decimal_string",
        deserialize_with = "soft"
    )]
    pub price: Option<Decimal>,
    /// Side (`"BUY"` or `"SELL"` on the socket, never `0`/`1`).
    #[serde(
        default,
        serialize_with = "opt_display_string",
        deserialize_with = "soft"
    )]
    pub side: Option<Side>,
}

/// `marketCreated`: a new market opened. No capture of it exists; the
/// fields are the ones the official SDKs name, all soft.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MarketCreated {
    /// The market (`slug`, as in `marketResolved`).
    #[serde(default, deserialize_with = "soft")]
    pub slug: Option<String>,
    /// Title.
    #[serde(default, deserialize_with = "soft")]
    pub title: Option<String>,
    /// Market kind, verbatim (`type`, e.g. `CLOB`).
    #[serde(rename = "type", default, deserialize_with = "soft")]
    pub kind: Option<String>,
    /// The group it belongs to, if any.
    #[serde(default, deserialize_with = "soft")]
    pub group_slug: Option<String>,
    /// Category ids.
    #[serde(default, deserialize_with = "soft_vec")]
    pub category_ids: Vec<i64>,
    /// Creation time (ISO-8601).
    #[serde(default, deserialize_with = "soft")]
    pub created_at: Option<String>,
}

/// `marketResolved`: a market has an outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MarketResolved {
    /// The market (`slug` here, not `marketSlug`).
    #[serde(default, deserialize_with = "soft")]
    pub slug: Option<String>,
    /// Market kind, verbatim (`type`, e.g. `CLOB`).
    #[serde(rename = "type", default, deserialize_with = "soft")]
    pub kind: Option<String>,
    /// Winning outcome name, e.g. `NO`.
    #[serde(default, deserialize_with = "soft")]
    pub winning_outcome: Option<String>,
    /// Winning outcome index.
    #[serde(default, deserialize_with = "soft")]
    pub winning_index: Option<u32>,
    /// Resolution time (ISO-8601).
    #[serde(default, deserialize_with = "soft")]
    pub resolution_date: Option<String>,
}

/// `system`: a server notice (registration, subscription confirmed).
///
/// The gateway confirms some subscriptions with one (the docs' WebSocket
/// events page): `Successfully subscribed to market price updates` with
/// `markets` a list of slugs (also in live captures),
/// `Successfully subscribed to position updates` with `markets` an object
/// `{addresses, slugs}`, and `Successfully subscribed to order event
/// updates` without markets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemMessage {
    /// The notice text (`""` if none).
    #[serde(default, deserialize_with = "soft_or_default")]
    pub message: String,
    /// Markets a subscription now covers (left out when there are none,
    /// as the registration notice is sent). The object form
    /// `{addresses, slugs}` of the positions notice reads as its slugs
    /// followed by its addresses; it is sent back as a list.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "notice_markets"
    )]
    pub markets: Vec<String>,
}

/// A list of markets, or `{addresses, slugs}` flattened (slugs first).
fn notice_markets<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let list = |value: Option<serde_json::Value>| -> Vec<String> {
        value.map_or_else(Vec::new, |v| soft_vec(v).unwrap_or_default())
    };
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Object(mut split) => {
            let mut markets = list(split.remove("slugs"));
            markets.extend(list(split.remove("addresses")));
            markets
        }
        other => list(Some(other)),
    })
}

/// `exception`: the gateway's error notice.
///
/// The docs' WebSocket events page says authentication failures of a
/// subscription (a missing, invalid or revoked key) arrive as a
/// `WsException` on the `exception` event. Its shape is NestJS's
/// `BaseWsExceptionFilter` default, `{status: "error", message, cause?:
/// {pattern, data}}`, where `cause.pattern` names the event refused (no
/// capture of a live one confirms the `cause`); every field is soft.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExceptionNotice {
    /// `"error"`, as sent.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "soft"
    )]
    pub status: Option<String>,
    /// What went wrong (`""` if the server sent no text).
    #[serde(default, deserialize_with = "soft_or_default")]
    pub message: String,
    /// The event that caused it, when the server says.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "soft_struct"
    )]
    pub cause: Option<ExceptionCause>,
}

impl ExceptionNotice {
    /// The client event the notice refuses (`cause.pattern`), e.g.
    /// `subscribe_order_events`.
    #[must_use]
    pub fn refused_event(&self) -> Option<&str> {
        self.cause.as_ref()?.pattern.as_deref()
    }
}

/// What caused an [`ExceptionNotice`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExceptionCause {
    /// The client event, e.g. `subscribe_order_events`.
    #[serde(default, deserialize_with = "soft")]
    pub pattern: Option<String>,
    /// Its payload, as sent.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "soft_value"
    )]
    pub data: Option<serde_json::Value>,
}

/// The Engine.IO `open` packet (`0{...}`) and the namespace connect ack
/// (`40/markets,{...}`), with the packet prefix stripped. The ack carries
/// only `sid`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Handshake {
    /// Session id.
    #[serde(default, deserialize_with = "soft_or_default")]
    pub sid: String,
    /// Transport upgrades offered.
    #[serde(default, deserialize_with = "soft_vec")]
    pub upgrades: Vec<String>,
    /// Server ping interval in milliseconds.
    #[serde(default, deserialize_with = "soft")]
    pub ping_interval: Option<u64>,
    /// How long the server waits for a pong, in milliseconds.
    #[serde(default, deserialize_with = "soft")]
    pub ping_timeout: Option<u64>,
    /// Largest payload the server accepts, in bytes.
    #[serde(default, deserialize_with = "soft")]
    pub max_payload: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_and_tx_events_encode_ids_sides_and_prices_as_the_wire_sends_them() {
        let event = OrderEvent {
            source: Some("SETTLEMENT".to_owned()),
            kind: Some("MATCHED".to_owned()),
            market_id: Some(17),
            price: Some(Decimal::new(47, 2)),
            side: Some(Side::Sell),
            ..OrderEvent::default()
        };
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(json["marketId"], "17");
        assert_eq!(json["price"], "0.47");
        assert_eq!(json["side"], "SELL");
        let back: OrderEvent = serde_json::from_value(json).unwrap();
        assert_eq!(back, event);

        let tx = TxEvent {
            side: Some(Side::Buy),
            price: Some(Decimal::new(65, 2)),
            ..TxEvent::default()
        };
        let json = serde_json::to_value(&tx).unwrap();
        assert_eq!(
            (&json["side"], &json["price"]),
            (&"BUY".into(), &"0.65".into())
        );
        assert_eq!(serde_json::from_value::<TxEvent>(json).unwrap(), tx);
    }

    #[test]
    fn engine_numbers_and_settlement_strings_decode_to_the_same_exact_values() {
        // The official TS and Python SDKs type an engine event's price and
        // remainingSize as numbers, a settlement event's as strings.
        let engine: OrderEvent = serde_json::from_str(
            r#"{"source":"OME","type":"PLACEMENT","price":0.53,"remainingSize":12.345678}"#,
        )
        .unwrap();
        let settlement: OrderEvent = serde_json::from_str(
            r#"{"source":"SETTLEMENT","type":"MATCHED","price":"0.53","remainingSize":"12.345678"}"#,
        )
        .unwrap();
        assert_eq!(engine.price, Some(Decimal::new(53, 2)));
        assert_eq!(engine.remaining_size, Some(Decimal::new(12_345_678, 6)));
        assert_eq!(
            (engine.price, engine.remaining_size),
            (settlement.price, settlement.remaining_size)
        );
    }

    #[test]
    fn exceptions_name_the_event_they_refuse_when_the_server_says() {
        let notice: ExceptionNotice = serde_json::from_str(
            r#"{"status":"error","message":"Unauthorized","cause":{"pattern":"subscribe_order_events","data":{}}}"#,
        )
        .unwrap();
        assert_eq!(notice.status.as_deref(), Some("error"));
        assert_eq!(notice.message, "Unauthorized");
        assert_eq!(notice.refused_event(), Some("subscribe_order_events"));
        assert_eq!(
            notice.cause.as_ref().unwrap().data,
            Some(serde_json::json!({}))
        );
        // Without a cause, or with odd fields, it still decodes.
        let bare: ExceptionNotice =
            serde_json::from_str(r#"{"message":{"code":4},"cause":"x","extra":1}"#).unwrap();
        assert_eq!((bare.message.as_str(), bare.refused_event()), ("", None));
    }

    #[test]
    fn the_positions_notice_lists_its_slugs_then_addresses() {
        let notice: SystemMessage = serde_json::from_str(
            r#"{"message":"Successfully subscribed to position updates","markets":{"addresses":["0xA"],"slugs":["m"]}}"#,
        )
        .unwrap();
        assert_eq!(notice.markets, ["m", "0xA"]);
        let odd: SystemMessage = serde_json::from_str(r#"{"message":"x","markets":7}"#).unwrap();
        assert!(odd.markets.is_empty());
        let list: SystemMessage =
            serde_json::from_str(r#"{"message":"x","markets":["a","b"]}"#).unwrap();
        assert_eq!(list.markets, ["a", "b"]);
    }

    #[test]
    fn a_notice_without_markets_leaves_the_key_out() {
        let registered = SystemMessage {
            message: "Successfully registered connection".to_owned(),
            markets: Vec::new(),
        };
        assert_eq!(
            serde_json::to_string(&registered).unwrap(),
            r#"{"message":"Successfully registered connection"}"#
        );
        let subscribed = SystemMessage {
            message: "Successfully subscribed to market price updates".to_owned(),
            markets: vec!["btc".to_owned()],
        };
        assert_eq!(
            serde_json::to_string(&subscribed).unwrap(),
            r#"{"message":"Successfully subscribed to market price updates","markets":["btc"]}"#
        );
    }
}
