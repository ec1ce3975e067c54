//! [`Channel`]s the client can subscribe to and the [`SubscribeOptions`]
//! that narrow them.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use crate::Event;

/// A stream the server offers on `/markets`, named by its subscribe event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Channel {
    /// `subscribe_market_prices`: `orderbookUpdate` for CLOB markets (by
    /// slug), `newPriceData` for AMM markets (by address), and
    /// `oraclePriceData`.
    MarketPrices,
    /// `subscribe_positions`: `positions` (needs credentials).
    Positions,
    /// `subscribe_transactions`: `tx` (needs credentials).
    Transactions,
    /// `subscribe_order_events`: `orderEvent` (needs credentials).
    OrderEvents,
    /// `subscribe_live_sports`: `live_sports_update`.
    LiveSports,
    /// `subscribe_live_esports`: `live_esports_update`.
    LiveEsports,
    /// `subscribe_market_lifecycle`: `marketCreated` and `marketResolved`.
    MarketLifecycle,
}

impl Channel {
    /// Every channel.
    pub const ALL: [Self; 7] = [
        Self::MarketPrices,
        Self::Positions,
        Self::Transactions,
        Self::OrderEvents,
        Self::LiveSports,
        Self::LiveEsports,
        Self::MarketLifecycle,
    ];

    /// The event the client emits to subscribe, which also names the
    /// channel in an `unsubscribe`.
    #[must_use]
    pub const fn subscribe_event(self) -> &'static str {
        match self {
            Self::MarketPrices => "subscribe_market_prices",
            Self::Positions => "subscribe_positions",
            Self::Transactions => "subscribe_transactions",
            Self::OrderEvents => "subscribe_order_events",
            Self::LiveSports => "subscribe_live_sports",
            Self::LiveEsports => "subscribe_live_esports",
            Self::MarketLifecycle => "subscribe_market_lifecycle",
        }
    }

    /// The event the client emits to unsubscribe: `unsubscribe` (with the
    /// channel named in its payload), except `unsubscribe_market_lifecycle`.
    #[must_use]
    pub const fn unsubscribe_event(self) -> &'static str {
        match self {
            Self::MarketLifecycle => "unsubscribe_market_lifecycle",
            _ => "unsubscribe",
        }
    }

    /// Whether the server only serves this channel to an authenticated
    /// connection (HMAC credentials or an API key). The client refuses to
    /// subscribe without credentials, before any I/O.
    #[must_use]
    pub const fn requires_auth(self) -> bool {
        matches!(
            self,
            Self::Positions | Self::Transactions | Self::OrderEvents
        )
    }

    /// Whether `event` belongs to this channel.
    pub(crate) fn carries(self, event: &Event) -> bool {
        match event {
            Event::OrderBook(_) | Event::NewPriceData(_) | Event::OraclePriceData(_) => {
                self == Self::MarketPrices
            }
            Event::Order(_) => self == Self::OrderEvents,
            Event::Tx(_) => self == Self::Transactions,
            Event::Positions(_) => self == Self::Positions,
            Event::MarketCreated(_) | Event::MarketResolved(_) => self == Self::MarketLifecycle,
            Event::LiveSports(_) => self == Self::LiveSports,
            Event::LiveEsports(_) => self == Self::LiveEsports,
            // A subscription's confirmation goes to its channel's streams;
            // other notices and unknown events go to every stream.
            Event::System(notice) => Self::confirmed_by(&notice.message).is_none_or(|c| c == self),
            Event::Exception(_) | Event::Unrecognized { .. } => true,
        }
    }

    /// The start of the `system` notice that confirms a subscription, for
    /// the channels whose notice is documented: market prices (also in
    /// live captures), positions and order events (the docs' WebSocket
    /// events page). Lower case: notices are compared without regard to
    /// case.
    #[must_use]
    pub const fn confirmation(self) -> Option<&'static str> {
        match self {
            Self::MarketPrices => Some("successfully subscribed to market price updates"),
            Self::Positions => Some("successfully subscribed to position updates"),
            Self::OrderEvents => Some("successfully subscribed to order event updates"),
            _ => None,
        }
    }
}

/// How a subscription was settled ([`EventStream::subscribed`](crate::EventStream::subscribed)).
///
/// In every case the subscription is kept and its events are delivered:
/// a subscribe the server refused is an [`Error`](crate::Error) instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Subscribed {
    /// The server confirmed it with its `system` notice.
    Confirmed,
    /// The server acknowledged it
    /// ([`SubscribeMode::Ack`](crate::SubscribeMode::Ack)).
    Acknowledged,
    /// Emitted; the gateway documents no confirmation for this channel.
    Sent,
    /// Emitted; the confirmation expected (the channel's notice, or an
    /// ack) did not come within `timeout`. Kept: events that arrive are
    /// delivered, and an `exception` from the server reaches the stream as
    /// [`Event::Exception`](crate::Event::Exception).
    Unconfirmed {
        /// How long the client waited.
        timeout: Duration,
    },
}

impl Channel {
    /// The channel whose subscription a `system` notice confirms.
    pub(crate) fn confirmed_by(message: &str) -> Option<Self> {
        let message = message.trim_start().to_ascii_lowercase();
        Self::ALL.into_iter().find(|channel| {
            channel
                .confirmation()
                .is_some_and(|words| message.starts_with(words))
        })
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.subscribe_event())
    }
}

/// Which markets (and filters) a subscription covers.
///
/// Slugs name CLOB markets, addresses AMM markets; both are kept sorted and
/// deduplicated. No market at all means every event of the channel the
/// connection receives (order events, transactions and lifecycle events
/// need none).
///
/// ```
/// use limitless_ws::SubscribeOptions;
///
/// let options = SubscribeOptions::slugs(["eth-daily", "btc-daily", "eth-daily"])
///     .address("0xAbC");
/// assert_eq!(options.market_slugs().collect::<Vec<_>>(), ["btc-daily", "eth-daily"]);
/// assert_eq!(options.market_addresses().collect::<Vec<_>>(), ["0xAbC"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubscribeOptions {
    slugs: BTreeSet<String>,
    addresses: BTreeSet<String>,
    filters: BTreeMap<String, Value>,
}

impl SubscribeOptions {
    /// No market: everything the channel carries.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The CLOB markets with these slugs.
    #[must_use]
    pub fn slugs<I, S>(slugs: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::new().with_slugs(slugs)
    }

    /// The AMM markets with these contract addresses.
    #[must_use]
    pub fn addresses<I, S>(addresses: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::new().with_addresses(addresses)
    }

    /// Adds a CLOB market by slug.
    #[must_use]
    pub fn slug(mut self, slug: impl Into<String>) -> Self {
        self.slugs.insert(slug.into());
        self
    }

    /// Adds CLOB markets by slug.
    #[must_use]
    pub fn with_slugs<I, S>(mut self, slugs: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.slugs.extend(slugs.into_iter().map(Into::into));
        self
    }

    /// Adds an AMM market by contract address.
    #[must_use]
    pub fn address(mut self, address: impl Into<String>) -> Self {
        self.addresses.insert(address.into());
        self
    }

    /// Adds AMM markets by contract address.
    #[must_use]
    pub fn with_addresses<I, S>(mut self, addresses: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.addresses.extend(addresses.into_iter().map(Into::into));
        self
    }

    /// Adds a server-side filter (`filters.<key>`), sent as given. Streams
    /// of one channel share the connection's subscription, so they must
    /// agree on their filters.
    #[must_use]
    pub fn filter(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.filters.insert(key.into(), value.into());
        self
    }

    /// The market slugs, sorted.
    pub fn market_slugs(&self) -> impl Iterator<Item = &str> {
        self.slugs.iter().map(String::as_str)
    }

    /// The market addresses, sorted.
    pub fn market_addresses(&self) -> impl Iterator<Item = &str> {
        self.addresses.iter().map(String::as_str)
    }

    /// The filters.
    #[must_use]
    pub fn filters(&self) -> &BTreeMap<String, Value> {
        &self.filters
    }

    /// Whether no market is named.
    #[must_use]
    pub fn is_all_markets(&self) -> bool {
        self.slugs.is_empty() && self.addresses.is_empty()
    }

    /// Whether an event about these markets belongs to this subscription.
    /// Addresses compare without regard to hex case.
    pub(crate) fn matches(&self, event: &Event) -> bool {
        if self.is_all_markets() {
            return true;
        }
        let slug = event.market_slug();
        let addresses = event.market_addresses();
        if slug.is_none() && addresses.is_empty() {
            // The event names no market: it cannot be told apart.
            return true;
        }
        slug.is_some_and(|s| self.slugs.contains(s))
            || addresses.iter().any(|a| {
                self.addresses
                    .iter()
                    .any(|mine| mine.eq_ignore_ascii_case(a))
            })
    }

    /// Adds `other`'s markets to these.
    pub(crate) fn merge(&mut self, other: &Self) {
        self.slugs.extend(other.slugs.iter().cloned());
        self.addresses.extend(other.addresses.iter().cloned());
        self.filters
            .extend(other.filters.iter().map(|(k, v)| (k.clone(), v.clone())));
    }

    /// These markets without those `others` cover.
    pub(crate) fn without(&self, others: &Self) -> Self {
        Self {
            slugs: self.slugs.difference(&others.slugs).cloned().collect(),
            addresses: self
                .addresses
                .difference(&others.addresses)
                .cloned()
                .collect(),
            filters: self.filters.clone(),
        }
    }

    /// The subscribe payload, `{}` when empty.
    pub(crate) fn subscribe_payload(&self) -> String {
        serde_json::to_string(&Payload {
            channel: None,
            options: self,
        })
        .unwrap_or_else(|_| "{}".into())
    }

    /// The `unsubscribe` payload naming `channel`.
    pub(crate) fn unsubscribe_payload(&self, channel: Channel) -> String {
        serde_json::to_string(&Payload {
            channel: Some(channel.subscribe_event()),
            options: self,
        })
        .unwrap_or_else(|_| "{}".into())
    }
}

/// `{channel?, marketSlugs?, marketAddresses?, filters?}`: the array forms
/// the API documents (a set is one form, so the singular `marketSlug` and
/// `marketAddress` the official SDKs also accept are never sent).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Payload<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    channel: Option<&'static str>,
    #[serde(flatten)]
    options: &'a SubscribeOptions,
}

impl Serialize for SubscribeOptions {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        if !self.slugs.is_empty() {
            map.serialize_entry("marketSlugs", &self.slugs)?;
        }
        if !self.addresses.is_empty() {
            map.serialize_entry("marketAddresses", &self.addresses)?;
        }
        if !self.filters.is_empty() {
            map.serialize_entry("filters", &self.filters)?;
        }
        map.end()
    }
}

/// The one subscription a channel holds on the connection: the union of
/// its streams' markets.
pub(crate) fn union<'a>(
    options: impl IntoIterator<Item = &'a SubscribeOptions>,
) -> SubscribeOptions {
    let mut all = SubscribeOptions::new();
    for one in options {
        all.merge(one);
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_are_sorted_deduplicated_and_omit_what_is_unset() {
        assert_eq!(SubscribeOptions::new().subscribe_payload(), "{}");
        let options = SubscribeOptions::slugs(["b", "a", "b"])
            .with_addresses(["0x2", "0x1"])
            .filter("sport", "nba");
        assert_eq!(
            options.subscribe_payload(),
            r#"{"marketSlugs":["a","b"],"marketAddresses":["0x1","0x2"],"filters":{"sport":"nba"}}"#
        );
        assert_eq!(
            SubscribeOptions::slugs(["m"]).unsubscribe_payload(Channel::MarketPrices),
            r#"{"channel":"subscribe_market_prices","marketSlugs":["m"]}"#
        );
        assert_eq!(
            SubscribeOptions::new().unsubscribe_payload(Channel::OrderEvents),
            r#"{"channel":"subscribe_order_events"}"#
        );
    }

    #[test]
    fn the_documented_notices_name_their_channels() {
        for (message, channel) in [
            (
                "Successfully subscribed to market price updates",
                Some(Channel::MarketPrices),
            ),
            (
                "Successfully subscribed to position updates",
                Some(Channel::Positions),
            ),
            (
                "Successfully subscribed to order event updates",
                Some(Channel::OrderEvents),
            ),
            ("Successfully registered connection", None),
            ("", None),
        ] {
            assert_eq!(Channel::confirmed_by(message), channel, "{message}");
        }
        let notice = |message: &str| {
            Event::System(limitless_types::ws::SystemMessage {
                message: message.to_owned(),
                markets: Vec::new(),
            })
        };
        let confirmation = notice("Successfully subscribed to order event updates");
        assert!(Channel::OrderEvents.carries(&confirmation));
        assert!(!Channel::MarketPrices.carries(&confirmation));
        assert!(Channel::MarketPrices.carries(&notice("Successfully registered connection")));
    }

    #[test]
    fn channel_names_and_auth() {
        let names: Vec<_> = Channel::ALL.iter().map(|c| c.subscribe_event()).collect();
        assert_eq!(
            names,
            [
                "subscribe_market_prices",
                "subscribe_positions",
                "subscribe_transactions",
                "subscribe_order_events",
                "subscribe_live_sports",
                "subscribe_live_esports",
                "subscribe_market_lifecycle"
            ]
        );
        let auth: Vec<_> = Channel::ALL
            .into_iter()
            .filter(|c| c.requires_auth())
            .collect();
        assert_eq!(
            auth,
            [
                Channel::Positions,
                Channel::Transactions,
                Channel::OrderEvents
            ]
        );
        assert_eq!(
            Channel::MarketLifecycle.unsubscribe_event(),
            "unsubscribe_market_lifecycle"
        );
        assert_eq!(Channel::LiveSports.unsubscribe_event(), "unsubscribe");
    }

    #[test]
    fn unions_and_differences() {
        let a = SubscribeOptions::slugs(["x", "y"]);
        let b = SubscribeOptions::slugs(["y", "z"]).address("0x1");
        let all = union([&a, &b]);
        assert_eq!(all.market_slugs().collect::<Vec<_>>(), ["x", "y", "z"]);
        assert_eq!(all.market_addresses().collect::<Vec<_>>(), ["0x1"]);
        let only_a = a.without(&b);
        assert_eq!(only_a.market_slugs().collect::<Vec<_>>(), ["x"]);
        assert!(b.without(&all).is_all_markets());
    }
}
