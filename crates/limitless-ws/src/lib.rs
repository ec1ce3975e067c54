//! The Limitless Exchange stream client: the `/markets` Socket.IO namespace
//! of `wss://ws.limitless.exchange`, as typed, bounded, reconnecting
//! streams.
//!
//! ```no_run
//! use futures_util::StreamExt;
//! use limitless_ws::{Event, HmacCredentials, StreamItem, SubscribeOptions, WsClient};
//!
//! # async fn demo(credentials: HmacCredentials) -> Result<(), limitless_ws::Error> {
//! let ws = WsClient::builder()
//!     .hmac_credentials(credentials)
//!     .connect()
//!     .await?;
//! let mut orders = ws.subscribe_order_events().await?;
//! let mut books = ws
//!     .subscribe_market_prices(SubscribeOptions::slugs(["btc-above-100k"]))
//!     .await?;
//! while let Some(item) = orders.next().await {
//!     match item {
//!         StreamItem::Event(Event::Order(order)) => println!("{:?} {:?}", order.kind, order.order_id),
//!         StreamItem::Lagged(missed) => println!("{missed} events missed"),
//!         StreamItem::Reconnected => println!("back: re-read what you track"),
//!         StreamItem::Closed(error) => println!("closed: {error}"),
//!         _ => {}
//!     }
//! }
//! # let _ = books.next().await;
//! ws.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Modules import downward only, bottom to top (`cargo xtask circles`
//! checks it): `frame` → `event` → `channel` → `error` → `tls` (the
//! credential-carrying socket), `stream` (streams and the commands they
//! send) → `config`, `book` → `connect` → `driver` (the connection's task)
//! → `client` (which also holds the builder's `connect`).
//!
//! # Connection
//!
//! One WebSocket (Engine.IO v4, Socket.IO v5, no HTTP polling) to
//! `<url>/socket.io/?EIO=4&transport=websocket`, namespace `/markets`. The
//! upgrade request carries `user-agent` and `x-sdk-version`
//! ([`SDK_ID`]) and, with [HMAC credentials](WsClientBuilder::hmac_credentials),
//! `lmts-api-key`, `lmts-timestamp` and `lmts-signature` over `GET` and
//! that exact path and query with an empty body, signed afresh for every
//! connection with the configured [`Clock`] (pass the REST client's to
//! share its learned server offset); or a legacy `X-API-Key`; or nothing,
//! for public channels only. [`WsClientBuilder::connect`] connects once and
//! returns the first failure as it is (a 401 is
//! [`Error::HandshakeRefused`] with the status and the start of the body).
//!
//! # Streams
//!
//! Each subscription is an [`EventStream`] of [`StreamItem`]s with its own
//! bounded buffer. Events go to the streams of the [`Channel`] that carries
//! them (`orderbookUpdate`, `newPriceData`, `oraclePriceData` to market
//! prices; `orderEvent` to order events; `tx` to transactions; `positions`
//! to positions; `marketCreated` and `marketResolved` to the market
//! lifecycle; live score updates to their channels) whose markets they
//! name: streams of one channel share the connection's subscription (a
//! subscribe replaces the previous one on the server, so the client always
//! sends the union of the channel's markets) and each sees only its own
//! markets, or everything when it named none. `system` notices and
//! [`Event::Unrecognized`] events (an unknown name, or a payload that does
//! not decode as its type, kept as sent) go to every stream.
//! [`WsClient::events`] is every event, whatever else receives it.
//!
//! A consumer that falls behind fills its own buffer only: the reader
//! never waits for it and other streams are unaffected. Events that do not
//! fit are counted, not queued, and reported as one
//! [`StreamItem::Lagged`]`(n)` where they fell: nothing is dropped
//! silently and no buffer grows without bound.
//!
//! # Subscribing
//!
//! By default ([`SubscribeMode::Notice`]) a subscribe is a plain emit
//! (`42/markets,["subscribe_…",{…}]`), as the docs show and every official
//! SDK sends it: the API's gateway does not acknowledge subscribes. It
//! confirms some with a `system` notice instead (the docs' WebSocket
//! events page: `Successfully subscribed to market price updates`, `…to
//! position updates`, `…to order event updates`), and reports an
//! authentication failure as an `exception` event. So a subscribe of
//! market prices, positions or order events settles on its notice
//! ([`Subscribed::Confirmed`]), fails with [`Error::Refused`] on an
//! `exception` that names it, and without either within the
//! [ack timeout](WsClientBuilder::ack_timeout) is kept as
//! [`Subscribed::Unconfirmed`]; any other channel is [`Subscribed::Sent`]
//! at once. [`EventStream::subscribed`] tells which. `exception` events are
//! [`Event::Exception`] on every stream.
//!
//! [`SubscribeMode::Ack`] asks for Socket.IO acknowledgements instead
//! (`42/markets,<id>[…]`, answered `43/markets,<id>[…]`), for servers that
//! give them: an ack whose first argument has a non-null `error` is
//! [`Error::Refused`]; no answer is [`Error::AckTimeout`] and the
//! subscription is not kept, unless
//! [`keep_unacknowledged`](WsClientBuilder::keep_unacknowledged).
//!
//! An unsubscribe always asks for an ack, as every official SDK does (5 s
//! by default; a reply with an `error` is [`Error::Refused`]).
//!
//! # Reconnects
//!
//! A socket error or close, the server leaving the session or namespace,
//! or silence (no Engine.IO ping within the `pingInterval + pingTimeout`
//! the server announced) loses the connection. Every stream then gets
//! [`StreamItem::Reconnecting`] for each attempt, made per the
//! [`ReconnectPolicy`] (exponential backoff with jitter, capped, optionally
//! limited) with a freshly signed handshake; once connected, every
//! channel with streams is subscribed again (as the mode emits subscribes)
//! and, when every renewal is settled (a renewal left unanswered is kept,
//! never taken for a dead connection), every stream gets
//! [`StreamItem::Reconnected`]:
//! events may have been missed, so state built from them (an order book,
//! open orders) should be read again. When the attempts run out, every
//! stream ends with [`StreamItem::Closed`].
//!
//! # Order books
//!
//! [`LocalOrderBook`] keeps a market's book from `orderbookUpdate`
//! snapshots (sizes in [`MicroShares`],
//! prices exact, older versions ignored); [`WsClient::order_book`] returns
//! a [`BookWatcher`] that keeps one from its own stream.
//!
//! # Why not a Socket.IO client crate
//!
//! The [`frame`] module is this crate's own, small and fully tested,
//! because of what the stream client must control. `rust_socketio` (0.6)
//! gets the protocol right (namespaced acks included) and can set fresh
//! upgrade headers on each reconnect through its `on_reconnect` callback,
//! but: its engine layer always builds with
//! `native-tls` and reqwest 0.12 (no rustls option, where this SDK
//! defaults to rustls); events are handed to callbacks the reader awaits
//! one after the other, so a slow consumer stalls the socket, with no
//! per-consumer bound; an ack that comes too late is dropped silently (the
//! emitter is never told it timed out); and reconnecting leaves
//! re-subscribing, and telling consumers their state is stale, to the
//! application. The official Rust SDK writes its own frames too, but puts
//! the ack id before the namespace (`42<id>/markets,[…]`, which Socket.IO
//! v5 reads as an event on `/` whose data is not JSON) and reads a
//! namespaced ack (`43/markets,<id>[…]`) as if it had no namespace, so its
//! acks never resolve.
//!
//! # Features
//!
//! TLS for `wss://`: `rustls-aws-lc-rs` (default) or `rustls-ring` (rustls
//! with the Mozilla roots; an application-installed rustls crypto provider
//! takes precedence), or `native-tls`.

mod book;
mod channel;
mod client;
mod config;
mod connect;
mod driver;
mod error;
mod event;
pub mod frame;
mod stream;
mod tls;

pub use book::{Applied, BookWatcher, Depth, Level, LocalOrderBook};
pub use channel::{Channel, SubscribeOptions, Subscribed};
pub use client::WsClient;
pub use config::{
    DEFAULT_ACK_TIMEOUT, DEFAULT_BUFFER_BYTES, DEFAULT_BUFFER_CAPACITY, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_HEALTHY_AFTER, DEFAULT_MAX_AUTH_REFUSALS, DEFAULT_MAX_FRAME_SIZE,
    DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_URL, ReconnectPolicy, SDK_ID, SOCKET_PATH, SubscribeMode,
    WsClientBuilder,
};
pub use error::{BODY_EXCERPT_BYTES, Error};
pub use event::Event;
pub use stream::{EventStream, StreamItem};

// What users pass in (credentials, the clock) and the units they get.
pub use limitless_auth::{Clock, HmacCredentials};
/// The payload types of [`Event`]'s variants.
pub use limitless_types::ws as types;
pub use limitless_types::{Decimal, MicroShares};
/// The WebSocket library, so users can match versions (its error is the
/// source of [`Error::WebSocket`]).
pub use tokio_tungstenite::tungstenite;
