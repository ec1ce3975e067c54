//! [`Event`]: what the server emits on `/markets`, typed.

use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::value::RawValue;

use limitless_types::ws::{
    MarketCreated, MarketResolved, NewPriceData, OraclePriceData, OrderBookUpdate, OrderEvent,
    SystemMessage, TxEvent, event,
};

use crate::frame::{EnginePacket, EventArgs, FrameError, PacketKind};

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
            EnginePacket::Message(packet) if packet.kind == PacketKind::Event => {
                Ok(Self::from_args(&packet.event_args()?))
            }
            _ => Err(FrameError::Unexpected {
                expected: "a Socket.IO event",
                got: crate::frame::excerpt(frame),
            }),
        }
    }

    pub(crate) fn from_args(args: &EventArgs<'_>) -> Self {
        Self::decode(&args.name(), args.payload)
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
        let event = Event::from_frame(r#"42/markets,["exception",{"message":"bad"}]"#).unwrap();
        assert_eq!(event.name(), "exception");
        let Event::Unrecognized { payload, .. } = event else {
            panic!()
        };
        assert_eq!(payload.get(), r#"{"message":"bad"}"#);
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
