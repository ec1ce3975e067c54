//! [`Event`]: what the server emits on `/markets`, typed.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use limitless_types::ws::{
    ExceptionNotice, MarketCreated, MarketResolved, NewPriceData, OraclePriceData, OrderBookUpdate,
    OrderEvent, SystemMessage, TxEvent, event,
};

use crate::frame::{EnginePacket, EventArgs, FrameError, PacketKind, SocketPacket};

/// One server event, decoded.
///
/// Payload types come from [`limitless_types::ws`]: tolerant of missing,
/// `null` and oddly typed fields, exact for prices and sizes (book sizes in
/// [`MicroShares`](crate::MicroShares)). An event whose name is
/// unknown, or whose payload does not decode as its type, is
/// [`Unrecognized`](Self::Unrecognized) with the payload kept as sent:
/// nothing the server emits is dropped.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Event {
    /// `orderbookUpdate`: a market's whole book.
    OrderBook(Box<OrderBookUpdate>),
    /// `newPriceData`: AMM prices.
    NewPriceData(NewPriceData),
    /// `oraclePriceData`: an oracle's price.
    OraclePriceData(OraclePriceData),
    /// `orderEvent`: a step in the life of one of the user's orders.
    Order(Box<OrderEvent>),
    /// `tx`: one of the user's transactions.
    Tx(Box<TxEvent>),
    /// `positions`: the user's positions (no documented shape; kept as
    /// JSON).
    Positions(Value),
    /// `marketCreated`.
    MarketCreated(MarketCreated),
    /// `marketResolved`.
    MarketResolved(MarketResolved),
    /// `live_sports_update` (no documented shape; kept as JSON).
    LiveSports(Value),
    /// `live_esports_update` (no documented shape; kept as JSON).
    LiveEsports(Value),
    /// `system`: a server notice, e.g. a subscription confirmed.
    System(SystemMessage),
    /// `exception`: a server error notice, e.g. a subscription refused
    /// for want of authentication. One that names a subscribe still
    /// waiting for its confirmation fails that call with
    /// [`Error::Refused`](crate::Error::Refused) instead.
    Exception(ExceptionNotice),
    /// Any other event, or one whose payload did not decode as its type.
    Unrecognized {
        /// The event name.
        event: String,
        /// The first argument, exactly as sent.
        payload: Box<RawValue>,
    },
}

impl Event {
    /// Decodes a `/markets` event from its name and first argument.
    #[must_use]
    pub fn decode(name: &str, payload: &RawValue) -> Self {
        match name {
            event::ORDERBOOK_UPDATE => typed(name, payload, |b| Self::OrderBook(Box::new(b))),
            event::NEW_PRICE_DATA => typed(name, payload, Self::NewPriceData),
            event::ORACLE_PRICE_DATA => typed(name, payload, Self::OraclePriceData),
            event::ORDER_EVENT => typed(name, payload, |o| Self::Order(Box::new(o))),
            event::TX => typed(name, payload, |t| Self::Tx(Box::new(t))),
            event::POSITIONS => typed(name, payload, Self::Positions),
            event::MARKET_CREATED => typed(name, payload, Self::MarketCreated),
            event::MARKET_RESOLVED => typed(name, payload, Self::MarketResolved),
            event::LIVE_SPORTS_UPDATE => typed(name, payload, Self::LiveSports),
            event::LIVE_ESPORTS_UPDATE => typed(name, payload, Self::LiveEsports),
            event::SYSTEM => typed(name, payload, Self::System),
            event::EXCEPTION => typed(name, payload, Self::Exception),
            _ => unrecognized(name, payload),
        }
    }

    /// Decodes one whole WebSocket text frame, `42/markets,["<name>",
    /// <payload>]`: the frame parse and the typed decode the client runs
    /// for every event (and what `benches/decode.rs` measures).
    ///
    /// ```
    /// use limitless_ws::Event;
    ///
    /// let event = Event::from_frame(r#"42/markets,["system",{"message":"Successfully registered connection"}]"#)?;
    /// let Event::System(notice) = event else { unreachable!() };
    /// assert_eq!(notice.message, "Successfully registered connection");
    /// # Ok::<(), limitless_ws::frame::FrameError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`FrameError`] if the frame is not a well-formed Socket.IO event
    /// (of any namespace). A well-formed event never fails: its payload
    /// decodes or it is [`Unrecognized`](Self::Unrecognized).
    pub fn from_frame(frame: &str) -> Result<Self, FrameError> {
        match EnginePacket::decode(frame)? {
            EnginePacket::Message(SocketPacket {
                kind: PacketKind::Event,
                data: Some(data),
                ..
            }) => Self::from_data(data),
            _ => Err(FrameError::Unexpected {
                expected: "a Socket.IO event",
                got: crate::frame::excerpt(frame),
            }),
        }
    }

    /// Decodes an event packet's data, `["<name>", <payload>, …]`.
    ///
    /// A known name is read off the front and the payload decoded straight
    /// from the data in one pass; only an unknown or escaped name, or a
    /// payload that does not fit its type, takes a second pass that keeps
    /// the payload as sent. (One pass instead of two: about 15% off the
    /// `orderEvent` case of `benches/decode.rs`, `two_pass` against
    /// `from_frame`; a book's time is its levels' decoding either way.)
    pub(crate) fn from_data(data: &str) -> Result<Self, FrameError> {
        if let Some(name) = plain_name(data) {
            let direct = match name {
                event::ORDERBOOK_UPDATE => direct(data, |b| Self::OrderBook(Box::new(b))),
                event::NEW_PRICE_DATA => direct(data, Self::NewPriceData),
                event::ORACLE_PRICE_DATA => direct(data, Self::OraclePriceData),
                event::ORDER_EVENT => direct(data, |o| Self::Order(Box::new(o))),
                event::TX => direct(data, |t| Self::Tx(Box::new(t))),
                event::POSITIONS => direct(data, Self::Positions),
                event::MARKET_CREATED => direct(data, Self::MarketCreated),
                event::MARKET_RESOLVED => direct(data, Self::MarketResolved),
                event::LIVE_SPORTS_UPDATE => direct(data, Self::LiveSports),
                event::LIVE_ESPORTS_UPDATE => direct(data, Self::LiveEsports),
                event::SYSTEM => direct(data, Self::System),
                event::EXCEPTION => direct(data, Self::Exception),
                _ => None,
            };
            if let Some(event) = direct {
                return Ok(event);
            }
        }
        let args = EventArgs::parse(data)?;
        Ok(Self::decode(&args.name(), args.payload))
    }

    /// The event's name on the wire.
    #[must_use]
    pub fn name(&self) -> &str {
        match self {
            Self::OrderBook(_) => event::ORDERBOOK_UPDATE,
            Self::NewPriceData(_) => event::NEW_PRICE_DATA,
            Self::OraclePriceData(_) => event::ORACLE_PRICE_DATA,
            Self::Order(_) => event::ORDER_EVENT,
            Self::Tx(_) => event::TX,
            Self::Positions(_) => event::POSITIONS,
            Self::MarketCreated(_) => event::MARKET_CREATED,
            Self::MarketResolved(_) => event::MARKET_RESOLVED,
            Self::LiveSports(_) => event::LIVE_SPORTS_UPDATE,
            Self::LiveEsports(_) => event::LIVE_ESPORTS_UPDATE,
            Self::System(_) => event::SYSTEM,
            Self::Exception(_) => event::EXCEPTION,
            Self::Unrecognized { event, .. } => event,
        }
    }

    /// The market slug the event is about, if it names one.
    #[must_use]
    pub fn market_slug(&self) -> Option<&str> {
        match self {
            Self::OrderBook(b) => b.market_slug.as_deref(),
            Self::OraclePriceData(p) => p.market_slug.as_deref(),
            Self::Order(o) => o.market_slug.as_deref(),
            Self::Tx(t) => t.market_slug.as_deref(),
            Self::MarketCreated(m) => m.slug.as_deref(),
            Self::MarketResolved(m) => m.slug.as_deref(),
            Self::Positions(v) => v.get("marketSlug").and_then(Value::as_str),
            _ => None,
        }
    }

    /// The market contract addresses the event is about (AMM markets).
    pub(crate) fn market_addresses(&self) -> Vec<&str> {
        match self {
            Self::NewPriceData(p) => p
                .market_address
                .as_deref()
                .into_iter()
                .chain(
                    p.updated_prices
                        .iter()
                        .filter_map(|u| u.market_address.as_deref()),
                )
                .collect(),
            Self::OraclePriceData(p) => p.market_address.as_deref().into_iter().collect(),
            Self::Tx(t) => t.market_address.as_deref().into_iter().collect(),
            Self::Positions(v) => v
                .get("marketAddress")
                .and_then(Value::as_str)
                .into_iter()
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// The event name at the front of `["<name>", …]`, when it has no escapes.
fn plain_name(data: &str) -> Option<&str> {
    let rest = data.strip_prefix('[')?.trim_start().strip_prefix('"')?;
    let end = rest.find(['"', '\\'])?;
    (rest.as_bytes()[end] == b'"').then(|| &rest[..end])
}

/// `["<name>", T, …]` decoded in one pass; `None` if it does not fit.
fn direct<T: DeserializeOwned>(data: &str, wrap: impl FnOnce(T) -> Event) -> Option<Event> {
    serde_json::from_str::<Second<T>>(data)
        .ok()
        .map(|second| wrap(second.0))
}

/// The second element of a JSON array (the first is skipped unread).
struct Second<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Second<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct SecondVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for SecondVisitor<T> {
            type Value = Second<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("[\"<event>\", <payload>…]")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Second<T>, A::Error> {
                seq.next_element::<IgnoredAny>()?
                    .ok_or_else(|| de::Error::invalid_length(0, &self))?;
                let payload = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(1, &self))?;
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Second(payload))
            }
        }
        d.deserialize_seq(SecondVisitor(PhantomData))
    }
}

fn typed<T: DeserializeOwned>(
    name: &str,
    payload: &RawValue,
    wrap: impl FnOnce(T) -> Event,
) -> Event {
    match serde_json::from_str::<T>(payload.get()) {
        Ok(value) => wrap(value),
        Err(error) => {
            tracing::debug!(event = name, %error, "event payload kept unrecognized");
            unrecognized(name, payload)
        }
    }
}

fn unrecognized(name: &str, payload: &RawValue) -> Event {
    Event::Unrecognized {
        event: name.to_owned(),
        payload: payload.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payload_that_does_not_fit_its_type_is_kept() {
        let event =
            Event::from_frame(r#"42/markets,["orderbookUpdate",{"marketSlug":"m","orderbook":7}]"#)
                .unwrap();
        let Event::Unrecognized { event, payload } = event else {
            panic!("{event:?}")
        };
        assert_eq!(event, "orderbookUpdate");
        assert_eq!(payload.get(), r#"{"marketSlug":"m","orderbook":7}"#);
    }

    #[test]
    fn unknown_events_are_kept_with_their_payload() {
        let event = Event::from_frame(r#"42/markets,["authenticated",{"message":"ok"}]"#).unwrap();
        assert_eq!(event.name(), "authenticated");
        let Event::Unrecognized { payload, .. } = event else {
            panic!()
        };
        assert_eq!(payload.get(), r#"{"message":"ok"}"#);
    }

    #[test]
    fn exceptions_are_typed() {
        let event = Event::from_frame(
            r#"42/markets,["exception",{"status":"error","message":"Unauthorized","cause":{"pattern":"subscribe_positions","data":{}}}]"#,
        )
        .unwrap();
        assert_eq!(event.name(), "exception");
        let Event::Exception(notice) = event else {
            panic!("{event:?}")
        };
        assert_eq!(notice.message, "Unauthorized");
        assert_eq!(notice.refused_event(), Some("subscribe_positions"));
    }

    #[test]
    fn frames_that_are_not_events_are_errors() {
        assert!(matches!(
            Event::from_frame("2"),
            Err(FrameError::Unexpected { .. })
        ));
        assert!(matches!(
            Event::from_frame("43/markets,1[]"),
            Err(FrameError::Unexpected { .. })
        ));
        assert!(matches!(
            Event::from_frame("42/markets,[1]"),
            Err(FrameError::MalformedData { .. })
        ));
    }

    #[test]
    fn names_are_read_off_the_front_unless_escaped() {
        assert_eq!(plain_name(r#"["tx",{}]"#), Some("tx"));
        assert_eq!(plain_name(r#"[ "tx" ,{}]"#), Some("tx"));
        assert_eq!(plain_name(r#"["a\"b",{}]"#), None);
        assert_eq!(plain_name(r#"["unterminated"#), None);
        assert_eq!(plain_name(r#"[1,{}]"#), None);
        assert_eq!(plain_name(r#"{"a":1}"#), None);
    }

    #[test]
    fn the_one_pass_and_the_fallback_agree() {
        let book = r#"{"marketSlug":"m","version":2,"orderbook":{"bids":[{"price":0.5,"size":1000000}],"asks":[]}}"#;
        let plain =
            Event::from_frame(&format!(r#"42/markets,["orderbookUpdate",{book}]"#)).unwrap();
        // An escaped name takes the fallback; the event is the same.
        let escaped = Event::from_frame(&format!(
            r#"42/markets,["orderbook\u0055pdate",{book},"extra"]"#
        ))
        .unwrap();
        assert_eq!(format!("{plain:?}"), format!("{escaped:?}"));
        let Event::OrderBook(update) = plain else {
            panic!()
        };
        assert_eq!(update.version, Some(2));
        // A name without a payload: its type reads `null`.
        let bare = Event::from_frame(r#"42/markets,["positions"]"#).unwrap();
        assert!(matches!(bare, Event::Positions(Value::Null)), "{bare:?}");
    }

    #[test]
    fn market_identifiers() {
        let event = Event::from_frame(
            r#"42/markets,["newPriceData",{"marketAddress":"0xA","updatedPrices":[{"marketAddress":"0xB","yesPrice":0.5}]}]"#,
        )
        .unwrap();
        assert_eq!(event.market_addresses(), ["0xA", "0xB"]);
        assert_eq!(event.market_slug(), None);
        let positions = Event::decode(
            "positions",
            RawValue::from_string(r#"{"marketSlug":"m","marketAddress":"0xC"}"#.into())
                .unwrap()
                .as_ref(),
        );
        assert_eq!(positions.market_slug(), Some("m"));
        assert_eq!(positions.market_addresses(), ["0xC"]);
    }
}
