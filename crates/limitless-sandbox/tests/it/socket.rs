//! The Socket.IO API on the REST port, driven by a plain WebSocket client
//! that speaks Engine.IO v4 / Socket.IO v5 frames by hand, as the official
//! Rust SDK does.

use std::future::Future;
use std::time::{Duration, SystemTime};

use futures_util::{SinkExt as _, StreamExt as _};
use limitless_auth::{SigningInput, Timestamp};
use limitless_sandbox::{Sandbox, SandboxError, SandboxHandle, SeededMarket};
use limitless_types::{
    CancelReplaceMode, CancelReplaceRequest, CancelTarget, EventFrame, Handshake, OrderBookUpdate,
    OrderEvent, OrderResponse, OrderType, ReplacementOrder, Side, SystemMessage, TxEvent,
    UnsignedOrder,
};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::http::{HeaderName, HeaderValue};
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

use crate::support::{Desk, Fixture, Token, limit_order, now};

/// How long any one step may take before the test is declared hung: a
/// guard against hangs, never an assertion about speed.
const GUARD: Duration = Duration::from_secs(30);

/// The handshake path as the official Rust and TypeScript SDKs sign it.
const PATH: &str = "/socket.io/?EIO=4&transport=websocket";
/// The same, in the order the official Python SDK signs it.
const PATH_PYTHON_ORDER: &str = "/socket.io/?transport=websocket&EIO=4";

async fn guard<F: Future>(what: &str, future: F) -> F::Output {
    tokio::time::timeout(GUARD, future)
        .await
        .unwrap_or_else(|_| panic!("no {what} within the guard time"))
}

/// What arrives on a socket.
#[derive(Debug, PartialEq, Eq)]
enum Frame {
    Text(String),
    /// A WebSocket close frame.
    Close,
    /// The connection ended without a close frame.
    End,
}

/// A raw Socket.IO client.
struct Sock {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    open: Handshake,
    /// Answer Engine.IO pings (`2`) with pongs (`3`) without showing them.
    answer_pings: bool,
}

/// The HMAC handshake headers for `path`, signed at `at`.
fn signed(token: &Token, path: &str, at: SystemTime) -> Vec<(String, String)> {
    let timestamp = Timestamp::from_system_time(at).unwrap();
    token
        .signer
        .sign(&SigningInput {
            timestamp: &timestamp,
            method: "GET",
            path_and_query: path,
            body: b"",
        })
        .iter()
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect()
}

/// Opens a WebSocket on `path` with `headers`: the socket after its open
/// packet, or the refusal's status and JSON body.
async fn open(
    sandbox: &SandboxHandle,
    path: &str,
    headers: &[(String, String)],
) -> Result<Sock, (u16, Value)> {
    let mut request = format!("{}{path}", sandbox.ws_url())
        .into_client_request()
        .unwrap();
    for (name, value) in headers {
        request.headers_mut().insert(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    match guard("handshake", connect_async(request)).await {
        Ok((ws, response)) => {
            assert_eq!(response.status().as_u16(), 101);
            let mut sock = Sock {
                ws,
                open: Handshake::default(),
                answer_pings: true,
            };
            let Frame::Text(open) = sock.next().await else {
                panic!("no open packet");
            };
            let open = open.strip_prefix('0').expect("an Engine.IO open packet");
            sock.open = serde_json::from_str(open).unwrap();
            Ok(sock)
        }
        Err(tungstenite::Error::Http(response)) => {
            let body = response.body().clone().unwrap_or_default();
            Err((
                response.status().as_u16(),
                serde_json::from_slice(&body).unwrap(),
            ))
        }
        Err(other) => panic!("handshake failed: {other}"),
    }
}

impl Sock {
    /// The next frame, answering pings unless told not to. The guard
    /// covers the whole wait: pings alone never keep a test waiting for a
    /// frame that is not coming.
    async fn next(&mut self) -> Frame {
        let deadline = tokio::time::Instant::now() + GUARD;
        loop {
            let frame = tokio::time::timeout_at(deadline, self.ws.next()).await;
            match frame.unwrap_or_else(|_| panic!("no frame within the guard time")) {
                Some(Ok(Message::Text(text))) => {
                    if text.as_str() == "2" && self.answer_pings {
                        self.send("3").await;
                        continue;
                    }
                    return Frame::Text(text.as_str().to_owned());
                }
                Some(Ok(Message::Close(_))) => return Frame::Close,
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return Frame::End,
            }
        }
    }

    /// The next text frame; panics on anything else.
    async fn text(&mut self) -> String {
        match self.next().await {
            Frame::Text(text) => text,
            other => panic!("expected a text frame, got {other:?}"),
        }
    }

    async fn send(&mut self, text: &str) {
        self.ws.send(Message::text(text)).await.unwrap();
    }

    /// Joins `/markets`: returns the namespace's socket id, and checks the
    /// registration notice that follows.
    async fn join(&mut self) -> String {
        self.send("40/markets,").await;
        let connected = self.text().await;
        let ack = connected
            .strip_prefix("40/markets,")
            .unwrap_or_else(|| panic!("expected the namespace connect ack, got {connected}"));
        let sid = serde_json::from_str::<Handshake>(ack).unwrap().sid;
        assert!(!sid.is_empty());
        let (event, notice) = self.event::<SystemMessage>().await;
        assert_eq!(event, "system");
        assert_eq!(notice.message, "Successfully registered connection");
        assert!(notice.markets.is_empty());
        sid
    }

    /// Emits `event` with `payload`, with an ack id or without.
    async fn emit(&mut self, ack: Option<u64>, event: &str, payload: &Value) {
        let id = ack.map(|id| id.to_string()).unwrap_or_default();
        let frame = json!([event, payload]);
        self.send(&format!("42/markets,{id}{frame}")).await;
    }

    /// The next frame as a raw ack (`43/markets,<id>[...]`).
    async fn ack(&mut self) -> String {
        let frame = self.text().await;
        assert!(
            frame.starts_with("43/markets,"),
            "expected an ack, got {frame}"
        );
        frame
    }

    /// The next event, decoded with the type the client uses.
    async fn event<T: DeserializeOwned>(&mut self) -> (String, T) {
        let frame = self.text().await;
        let body = frame
            .strip_prefix("42/markets,")
            .unwrap_or_else(|| panic!("expected an event, got {frame}"));
        let decoded: EventFrame<T> =
            serde_json::from_str(body).unwrap_or_else(|e| panic!("{body} does not decode: {e}"));
        (decoded.event.unwrap(), decoded.payload)
    }

    /// The next event's name and raw payload.
    async fn raw_event(&mut self) -> (String, Value) {
        self.event::<Value>().await
    }
}

impl Desk {
    /// The `i`-th market that charges the base fee (orders here use fee
    /// 300).
    fn market(&self, i: usize) -> SeededMarket {
        self.fx
            .sandbox
            .markets()
            .iter()
            .filter(|m| !m.venue.is_collateral_fee())
            .nth(i)
            .unwrap()
            .clone()
    }

    /// A signed socket, joined, on a sandbox that acks subscribes (these
    /// tests read the acks: what each channel covers).
    async fn socket(&self) -> Sock {
        self.fx.sandbox.socket().ack_subscribes(true);
        let headers = signed(&self.token, PATH, now());
        let mut sock = open(&self.fx.sandbox, PATH, &headers).await.unwrap();
        sock.join().await;
        sock
    }

    /// A socket subscribed to `market`'s book (snapshot read) and to order
    /// events (ack id 2).
    async fn book_and_orders_socket(&self, market: &SeededMarket) -> Sock {
        let mut sock = self.socket().await;
        subscribe_book(&mut sock, market).await;
        subscribe(&mut sock, 2, "subscribe_order_events", json!({}), &[]).await;
        sock
    }

    /// The maker's GTC order body on `market`'s YES token, fee 300.
    fn maker_gtc(&self, market: &SeededMarket, side: Side, price: &str, size: &str) -> Value {
        limit_order(OrderType::Gtc, market, side, price, size, self.maker, 300)
    }

    async fn place(&self, body: &Value) -> OrderResponse {
        serde_json::from_value(self.post(body).await.expect(201).body).unwrap()
    }

    async fn rest_book(&self, slug: &str) -> Value {
        let url = self.fx.url(&format!("/markets/{slug}/orderbook"));
        self.fx.send(self.fx.http.get(url)).await.expect(200).body
    }
}

/// Subscribes with an ack (the sandbox acking subscribes) and checks the
/// exact ack frame, then reads the channel's confirmation notice (market
/// prices' is read by the caller, before its snapshot).
async fn subscribe(sock: &mut Sock, id: u64, channel: &str, payload: Value, markets: &[&str]) {
    sock.emit(Some(id), channel, &payload).await;
    let expected = format!(
        "43/markets,{id}[{}]",
        json!({ "ok": true, "channel": channel, "markets": markets })
    );
    assert_eq!(sock.ack().await, expected);
    let confirmation = match channel {
        "subscribe_order_events" => "Successfully subscribed to order event updates",
        "subscribe_positions" => "Successfully subscribed to position updates",
        _ => return,
    };
    let (event, notice) = sock.event::<SystemMessage>().await;
    assert_eq!(
        (event.as_str(), notice.message.as_str()),
        ("system", confirmation)
    );
}

/// Subscribes (ack id 1) to `market`'s book: its snapshot, read after
/// the subscription notice.
async fn subscribe_book(sock: &mut Sock, market: &SeededMarket) -> OrderBookUpdate {
    subscribe(
        sock,
        1,
        "subscribe_market_prices",
        json!({ "marketSlug": market.slug }),
        &[&market.slug],
    )
    .await;
    sock.event::<SystemMessage>().await;
    sock.event::<OrderBookUpdate>().await.1
}

/// Reads events until an `orderbookUpdate` arrives; returns the events
/// before it and the update.
async fn until_book(sock: &mut Sock) -> (Vec<(String, Value)>, OrderBookUpdate) {
    let mut before = Vec::new();
    loop {
        let (event, payload) = sock.raw_event().await;
        if event == "orderbookUpdate" {
            return (before, serde_json::from_value(payload).unwrap());
        }
        before.push((event, payload));
    }
}

fn decode<T: DeserializeOwned>(payload: &Value) -> T {
    serde_json::from_value(payload.clone()).unwrap()
}

/// The order events of `kind` among `events`, decoded.
fn order_events(events: &[(String, Value)], kind: &str) -> Vec<OrderEvent> {
    events
        .iter()
        .filter(|(event, _)| event == "orderEvent")
        .map(|(_, payload)| decode::<OrderEvent>(payload))
        .filter(|e| e.kind.as_deref() == Some(kind))
        .collect()
}

/// Checks the JSON forms of PROTOCOL §7.2 and those the official Rust
/// SDK's typed handlers require (it drops an event that does not decode):
/// `side` as `BUY`/`SELL`; `price` (and `remainingSize`) a number in an
/// engine (`OME`) order event, a string in settlement events and `tx`;
/// and for `orderEvent` a string `eventId` and `marketId`.
fn assert_official_forms(events: &[(String, Value)]) {
    for (event, payload) in events {
        if event != "orderEvent" && event != "tx" {
            continue;
        }
        assert!(
            payload["side"] == "BUY" || payload["side"] == "SELL",
            "{payload}"
        );
        if payload["source"] == "OME" {
            assert!(payload["price"].is_number(), "{payload}");
            assert!(payload["remainingSize"].is_number(), "{payload}");
        } else {
            assert!(payload["price"].is_string(), "{payload}");
        }
        assert!(payload["timestamp"].is_string(), "{payload}");
        if event == "orderEvent" {
            assert!(payload["eventId"].is_string(), "{payload}");
            assert!(payload["marketId"].is_string(), "{payload}");
        }
    }
}

fn dec(text: &str) -> limitless_types::Decimal {
    text.parse().unwrap()
}

#[tokio::test]
async fn signed_handshakes_upgrade_in_either_query_order() {
    let fx = Fixture::start().await;
    let token = fx.partner_token().await;
    let partner = fx.sandbox.identities()[0].profile_id;
    for path in [PATH, PATH_PYTHON_ORDER] {
        let headers = signed(&token, path, now());
        let sock = open(&fx.sandbox, path, &headers).await.unwrap();
        assert!(!sock.open.sid.is_empty());
        assert_eq!(sock.open.upgrades, Vec::<String>::new());
        assert_eq!(sock.open.ping_interval, Some(25_000));
        assert_eq!(sock.open.ping_timeout, Some(60_000));
        assert_eq!(sock.open.max_payload, Some(1_000_000));
    }
    let handshakes = fx.sandbox.socket().handshakes();
    assert_eq!(handshakes.len(), 2);
    for (handshake, path) in handshakes.iter().zip([PATH, PATH_PYTHON_ORDER]) {
        assert_eq!(handshake.path_and_query, path);
        assert_eq!(handshake.api_key.as_deref(), Some(token.token_id.as_str()));
        assert_eq!(handshake.profile_id, Some(partner));
        assert!(handshake.timestamp.as_deref().unwrap().ends_with('Z'));
    }
}

#[tokio::test]
async fn bad_handshakes_are_refused_with_json_before_any_upgrade() {
    let fx = Fixture::start().await;
    let token = fx.partner_token().await;
    let other = fx.partner_token().await;

    let refused = |(status, body): (u16, Value)| {
        assert_eq!(status, 401, "{body}");
        assert_eq!(body["statusCode"], 401);
        assert_eq!(body["error"], "Unauthorized");
        body["message"].as_str().unwrap().to_owned()
    };
    let stale = signed(&token, PATH, now() - Duration::from_secs(31));
    let message = refused(open(&fx.sandbox, PATH, &stale).await.err().unwrap());
    assert!(message.contains("current time"), "{message}");

    // The key of one token with the signature of another.
    let mut wrong = signed(&other, PATH, now());
    for (name, value) in &mut wrong {
        if name == "lmts-api-key" {
            value.clone_from(&token.token_id);
        }
    }
    let message = refused(open(&fx.sandbox, PATH, &wrong).await.err().unwrap());
    assert!(message.starts_with("signature does not match"), "{message}");

    // Signed over one query order, sent with the other.
    let elsewhere = signed(&token, PATH, now());
    let message = refused(
        open(&fx.sandbox, PATH_PYTHON_ORDER, &elsewhere)
            .await
            .err()
            .unwrap(),
    );
    assert!(message.contains(PATH_PYTHON_ORDER), "{message}");

    // The legacy key is refused with REST's own message.
    let legacy = vec![("x-api-key".to_owned(), "lmts_legacy_key".to_owned())];
    let message = refused(open(&fx.sandbox, PATH, &legacy).await.err().unwrap());
    let rest = fx.legacy_key_refusal().await;
    assert_eq!(message, rest.message());

    assert!(fx.sandbox.socket().handshakes().is_empty());
    assert_eq!(fx.sandbox.socket().connections(), 0);
}

#[tokio::test]
async fn anonymous_sockets_get_public_channels_and_acks() {
    let fx = Fixture::start().await;
    fx.sandbox.socket().ack_subscribes(true);
    let market = fx.sandbox.markets()[0].clone();
    let mut sock = open(&fx.sandbox, PATH, &[]).await.unwrap();
    assert!(!sock.join().await.is_empty());
    guard(
        "connection count",
        fx.sandbox.socket().wait_for_connections(1),
    )
    .await;
    assert_eq!(fx.sandbox.socket().handshakes()[0].api_key, None);

    // Private channels need an authenticated handshake.
    sock.emit(Some(1), "subscribe_order_events", &json!({}))
        .await;
    assert_eq!(
        sock.ack().await,
        r#"43/markets,1[{"error":"subscribe_order_events needs an authenticated connection: open the socket with the lmts-api-key, lmts-timestamp and lmts-signature headers of a scoped API token"}]"#
    );
    // The gateway's own answer follows the ack.
    let (event, exception) = sock.raw_event().await;
    assert_eq!(event, "exception");
    assert_eq!(exception["cause"]["pattern"], "subscribe_order_events");
    sock.emit(
        Some(2),
        "subscribe_market_prices",
        &json!({ "marketSlug": "no-such-market" }),
    )
    .await;
    assert_eq!(
        sock.ack().await,
        r#"43/markets,2[{"error":"market \"no-such-market\" not found; list markets with GET /markets/active"}]"#
    );
    assert_eq!(sock.raw_event().await.0, "exception");

    subscribe(
        &mut sock,
        3,
        "subscribe_market_prices",
        json!({ "marketSlugs": [market.slug] }),
        &[&market.slug],
    )
    .await;
    let (event, notice) = sock.event::<SystemMessage>().await;
    assert_eq!(event, "system");
    assert_eq!(
        notice.message,
        "Successfully subscribed to market price updates"
    );
    assert_eq!(notice.markets, vec![market.slug.clone()]);
    let (event, snapshot) = sock.event::<OrderBookUpdate>().await;
    assert_eq!(event, "orderbookUpdate");
    assert_eq!(snapshot.market_slug.as_deref(), Some(market.slug.as_str()));
    assert_eq!(snapshot.orderbook.token_id, market.yes_token_id);
    assert!(snapshot.orderbook.bids.is_empty() && snapshot.orderbook.asks.is_empty());
    assert!(snapshot.version.is_some() && snapshot.timestamp.is_some());

    // Without an ack id (as the official SDKs subscribe) it works the
    // same, with nothing acked.
    let second = fx.sandbox.markets()[1].clone();
    sock.emit(
        None,
        "subscribe_market_prices",
        &json!({ "marketSlugs": [market.slug, second.slug] }),
    )
    .await;
    let (_, notice) = sock.event::<SystemMessage>().await;
    assert_eq!(
        notice.markets,
        vec![market.slug.clone(), second.slug.clone()]
    );
    let slugs = [
        sock.event::<OrderBookUpdate>().await.1.market_slug,
        sock.event::<OrderBookUpdate>().await.1.market_slug,
    ];
    assert_eq!(
        slugs,
        [Some(market.slug.clone()), Some(second.slug.clone())]
    );

    // Public channels without data are accepted; unknown events are not.
    subscribe(&mut sock, 4, "subscribe_market_lifecycle", json!({}), &[]).await;
    sock.emit(Some(5), "unsubscribe_market_lifecycle", &json!({}))
        .await;
    assert_eq!(
        sock.ack().await,
        r#"43/markets,5[{"channel":"subscribe_market_lifecycle","markets":[],"ok":true}]"#
    );
    sock.emit(Some(6), "subscribe_everything", &json!({})).await;
    assert!(
        sock.ack()
            .await
            .starts_with(r#"43/markets,6[{"error":"unknown event \"subscribe_everything\""#)
    );
}

/// As the docs describe the gateway (the default): no subscribe is acked,
/// even one that asks; market prices, positions and order events are
/// confirmed by their `system` notices, word for word; a refused
/// subscribe gets an `exception` naming it; unsubscribes are still acked.
#[tokio::test]
async fn by_default_subscribes_are_confirmed_by_notices_and_never_acked() {
    let desk = Desk::open().await;
    assert!(!desk.fx.sandbox.socket().acks_subscribes());
    let market = desk.market(0);
    let headers = signed(&desk.token, PATH, now());
    let mut sock = open(&desk.fx.sandbox, PATH, &headers).await.unwrap();
    sock.join().await;

    sock.emit(Some(1), "subscribe_order_events", &json!({}))
        .await;
    assert_eq!(
        sock.text().await,
        r#"42/markets,["system",{"message":"Successfully subscribed to order event updates"}]"#
    );
    sock.emit(
        None,
        "subscribe_positions",
        &json!({ "marketSlugs": [market.slug] }),
    )
    .await;
    assert_eq!(
        sock.raw_event().await,
        (
            "system".to_owned(),
            json!({
                "message": "Successfully subscribed to position updates",
                "markets": { "addresses": [], "slugs": [market.slug] },
            })
        )
    );
    sock.emit(
        Some(2),
        "subscribe_market_prices",
        &json!({ "marketSlugs": [market.slug] }),
    )
    .await;
    assert_eq!(
        sock.raw_event().await,
        (
            "system".to_owned(),
            json!({
                "message": "Successfully subscribed to market price updates",
                "markets": [market.slug],
            })
        )
    );
    assert_eq!(sock.raw_event().await.0, "orderbookUpdate");

    // Transactions have no confirmation: the next frame is the
    // unsubscribe's ack.
    sock.emit(Some(3), "subscribe_transactions", &json!({}))
        .await;
    sock.emit(
        Some(4),
        "unsubscribe",
        &json!({ "channel": "subscribe_transactions" }),
    )
    .await;
    assert_eq!(
        sock.ack().await,
        r#"43/markets,4[{"channel":"subscribe_transactions","markets":[],"ok":true}]"#
    );

    sock.emit(
        Some(5),
        "subscribe_market_prices",
        &json!({ "marketSlug": "no-such-market" }),
    )
    .await;
    assert_eq!(
        sock.raw_event().await,
        (
            "exception".to_owned(),
            json!({
                "status": "error",
                "message": "market \"no-such-market\" not found; list markets with GET /markets/active",
                "cause": {
                    "pattern": "subscribe_market_prices",
                    "data": { "marketSlug": "no-such-market" },
                },
            })
        )
    );

    // An anonymous socket asking for a private channel: the same.
    let mut anonymous = open(&desk.fx.sandbox, PATH, &[]).await.unwrap();
    anonymous.join().await;
    anonymous
        .emit(None, "subscribe_order_events", &json!({}))
        .await;
    let (event, exception) = anonymous.raw_event().await;
    assert_eq!(event, "exception");
    assert_eq!(exception["cause"]["pattern"], "subscribe_order_events");
    assert!(
        exception["message"]
            .as_str()
            .unwrap()
            .starts_with("subscribe_order_events needs an authenticated connection"),
        "{exception}"
    );
}

/// With confirmations off, a subscribe that succeeds is answered by
/// nothing, even asked for an ack; its events still flow.
#[tokio::test]
async fn unconfirmed_subscribes_are_answered_by_nothing_and_still_served() {
    let desk = Desk::open().await;
    let market = desk.market(0);
    let control = desk.fx.sandbox.socket();
    control.confirm_subscribes(false);
    control.ack_subscribes(true);
    let headers = signed(&desk.token, PATH, now());
    let mut sock = open(&desk.fx.sandbox, PATH, &headers).await.unwrap();
    sock.join().await;
    assert_eq!(control.subscribers("subscribe_order_events"), 0);
    sock.emit(Some(1), "subscribe_order_events", &json!({}))
        .await;
    // Nothing answers the subscribe: wait until the sandbox holds it, or
    // the order could be placed before it and its event never sent here.
    guard(
        "the subscription",
        control.wait_for_subscribers("subscribe_order_events", 1),
    )
    .await;
    let placed = desk
        .place(&desk.maker_gtc(&market, Side::Buy, "0.3", "1"))
        .await;
    let (event, placement) = sock.event::<OrderEvent>().await;
    assert_eq!(event, "orderEvent");
    assert_eq!(placement.order_id, Some(placed.order.id));
    assert_eq!(control.subscribers("subscribe_order_events"), 1);
    assert_eq!(control.subscribers("subscribe_market_prices"), 0);
}

#[tokio::test]
async fn order_book_and_order_events_follow_rest_orders() {
    let desk = Desk::open().await;
    let market = desk.market(0);
    let mut sock = desk.socket().await;
    let snapshot = subscribe_book(&mut sock, &market).await;
    let first_version = snapshot.version.unwrap();
    subscribe(&mut sock, 2, "subscribe_order_events", json!({}), &[]).await;
    subscribe(&mut sock, 3, "subscribe_transactions", json!({}), &[]).await;
    subscribe(
        &mut sock,
        4,
        "subscribe_positions",
        json!({ "marketSlug": market.slug }),
        &[&market.slug],
    )
    .await;

    // A bid rests: PLACEMENT to the partner (the owner's partner), then the
    // book, exactly as REST serves it.
    let bid_body = desk.maker_gtc(&market, Side::Buy, "0.4", "10");
    let bid = desk.place(&bid_body).await;
    let (events, book) = guard("the bid's book update", until_book(&mut sock)).await;
    assert_official_forms(&events);
    let placements = order_events(&events, "PLACEMENT");
    assert_eq!(events.len(), 1, "{events:?}");
    let placement = &placements[0];
    assert_eq!(placement.source.as_deref(), Some("OME"));
    assert_eq!(placement.order_id.as_deref(), Some(bid.order.id.as_str()));
    assert_eq!(placement.user_id, Some(desk.maker));
    assert_eq!(placement.market_slug.as_deref(), Some(market.slug.as_str()));
    assert_eq!(
        placement.token_id.as_deref(),
        Some(market.yes_token_id.as_str())
    );
    assert_eq!(placement.side, Some(Side::Buy));
    assert_eq!(placement.price, Some(dec("0.4")));
    assert_eq!(placement.remaining_size, Some(dec("10")));
    assert!(placement.event_id.is_some() && placement.timestamp.is_some());
    assert_eq!(book.market_slug.as_deref(), Some(market.slug.as_str()));
    assert_eq!(book.version, Some(first_version + 1));
    assert_eq!(book.orderbook.bids.len(), 1);
    assert_eq!(book.orderbook.bids[0].price, dec("0.4"));
    assert_eq!(book.orderbook.bids[0].size.as_micro(), 10_000_000);
    let rest = desk.rest_book(&market.slug).await;
    assert_eq!(rest["bids"][0]["size"], 10_000_000);
    assert_eq!(rest["bids"][0]["price"], 0.4);
    assert_eq!(
        book.orderbook.adjusted_midpoint,
        Some(dec(&rest["adjustedMidpoint"].to_string()))
    );

    // A FAK sell of 4 at 0.4 from the other sub-account: MATCHED and tx for
    // both sides, EXECUTION FILLED, positions for both owners, the book.
    let fak_body = limit_order(
        OrderType::Fak,
        &market,
        Side::Sell,
        "0.4",
        "4",
        desk.taker,
        300,
    );
    let fak = desk.place(&fak_body).await;
    let (events, book) = guard("the fill's book update", until_book(&mut sock)).await;
    assert_official_forms(&events);
    let matched = order_events(&events, "MATCHED");
    assert_eq!(matched.len(), 2, "{events:?}");
    for event in &matched {
        assert_eq!(event.source.as_deref(), Some("SETTLEMENT"));
        assert_eq!(event.price, Some(dec("0.4")));
        assert_eq!(event.amount_contracts, Some(dec("4")));
        assert_eq!(event.amount_collateral, Some(dec("1.6")));
        assert_eq!(event.taker_order_id.as_deref(), Some(fak.order.id.as_str()));
        assert_eq!(
            event.trade_event_id,
            fak.execution.as_ref().unwrap().trade_event_id
        );
    }
    let sides: Vec<_> = matched
        .iter()
        .map(|e| (e.order_id.clone().unwrap(), e.user_id, e.side))
        .collect();
    assert!(sides.contains(&(fak.order.id.clone(), Some(desk.taker), Some(Side::Sell))));
    assert!(sides.contains(&(bid.order.id.clone(), Some(desk.maker), Some(Side::Buy))));
    let executions = order_events(&events, "EXECUTION");
    assert_eq!(executions.len(), 1);
    assert_eq!(executions[0].status.as_deref(), Some("FILLED"));
    assert_eq!(
        executions[0].order_id.as_deref(),
        Some(fak.order.id.as_str())
    );
    assert_eq!(executions[0].remaining_size, Some(dec("0")));
    let txs: Vec<TxEvent> = events
        .iter()
        .filter(|(e, _)| e == "tx")
        .map(|(_, p)| decode(p))
        .collect();
    assert_eq!(txs.len(), 2);
    for tx in &txs {
        assert_eq!(tx.status.as_deref(), Some("CONFIRMED"));
        assert_eq!(tx.market_slug.as_deref(), Some(market.slug.as_str()));
        assert_eq!(tx.token_id.as_deref(), Some(market.yes_token_id.as_str()));
        assert_eq!(
            tx.condition_id.as_deref(),
            Some(market.condition_id.as_str())
        );
        assert_eq!(tx.amount_contracts, Some(dec("4")));
        assert_eq!(tx.amount_collateral, Some(dec("1.6")));
        assert_eq!(tx.price, Some(dec("0.4")));
        assert!(tx.tx_hash.as_deref().unwrap().starts_with("0x"));
    }
    let positions: Vec<&Value> = events
        .iter()
        .filter(|(e, _)| e == "positions")
        .map(|(_, p)| p)
        .collect();
    assert_eq!(positions.len(), 2);
    let maker_position = positions
        .iter()
        .find(|p| p["userId"] == desk.maker)
        .unwrap();
    assert_eq!(maker_position["marketSlug"], market.slug.as_str());
    assert_eq!(
        maker_position["position"]["tokensBalance"]["yes"],
        "4000000"
    );
    assert_eq!(book.version, Some(first_version + 2));
    assert_eq!(book.orderbook.bids[0].size.as_micro(), 6_000_000);
    assert_eq!(book.orderbook.last_trade_price, Some(dec("0.4")));

    // Cancel: CANCELLATION with what was left, and the empty book.
    desk.fx
        .signed(
            &desk.token,
            Method::DELETE,
            &format!("/orders/{}?onBehalfOf={}", bid.order.id, desk.maker),
            None,
        )
        .await
        .expect(200);
    let (events, book) = guard("the cancel's book update", until_book(&mut sock)).await;
    let cancels = order_events(&events, "CANCELLATION");
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(cancels[0].order_id.as_deref(), Some(bid.order.id.as_str()));
    assert_eq!(cancels[0].remaining_size, Some(dec("6")));
    assert_eq!(cancels[0].user_id, Some(desk.maker));
    assert!(book.orderbook.bids.is_empty());
    assert_eq!(book.version, Some(first_version + 3));

    // Cancel-all: one CANCELLATION per order, one book update. An order on
    // another market reaches the order channel but not this book.
    for price in ["0.1", "0.2"] {
        desk.place(&limit_order(
            OrderType::Gtc,
            &market,
            Side::Buy,
            price,
            "1",
            desk.maker,
            300,
        ))
        .await;
        until_book(&mut sock).await;
    }
    desk.fx
        .signed(
            &desk.token,
            Method::DELETE,
            &format!("/orders/all/{}?onBehalfOf={}", market.slug, desk.maker),
            None,
        )
        .await
        .expect(200);
    let (events, book) = guard("cancel-all's book update", until_book(&mut sock)).await;
    assert_eq!(order_events(&events, "CANCELLATION").len(), 2, "{events:?}");
    assert!(book.orderbook.bids.is_empty());
    assert_eq!(book.version, Some(first_version + 6));

    // An FOK that cannot fill is KILLED and leaves the book alone; its
    // event is the next thing on the socket.
    let fok = crate::support::fok_order(&market, Side::Buy, "5", desk.taker, 300);
    desk.place(&fok).await;
    let (event, killed) = sock.event::<OrderEvent>().await;
    assert_eq!(event, "orderEvent");
    assert_eq!(killed.kind.as_deref(), Some("EXECUTION"));
    assert_eq!(killed.status.as_deref(), Some("KILLED"));
    assert_eq!(killed.price, Some(dec("0")));
}

#[tokio::test]
async fn private_channels_filter_by_market_and_owner() {
    let desk = Desk::open().await;
    let (first, second) = (desk.market(0), desk.market(1));
    let mut sock = desk.socket().await;
    subscribe(
        &mut sock,
        1,
        "subscribe_order_events",
        json!({ "marketSlugs": [second.slug] }),
        &[&second.slug],
    )
    .await;

    // Events are sent in order: had the first market's placement reached
    // this socket, it would arrive before the second's.
    desk.place(&desk.maker_gtc(&first, Side::Buy, "0.3", "1"))
        .await;
    let placed = desk
        .place(&desk.maker_gtc(&second, Side::Buy, "0.3", "1"))
        .await;
    let (event, placement) = sock.event::<OrderEvent>().await;
    assert_eq!(event, "orderEvent");
    assert_eq!(
        placement.order_id.as_deref(),
        Some(placed.order.id.as_str())
    );
    assert_eq!(placement.market_slug.as_deref(), Some(second.slug.as_str()));

    // Another profile's socket hears nothing of the partner's sub-accounts:
    // its first order event is about its own order.
    let user = desk
        .fx
        .derive(desk.fx.sandbox.user_identity_token(), &["trading"])
        .await;
    let headers = signed(&user, PATH, now());
    let mut theirs = open(&desk.fx.sandbox, PATH, &headers).await.unwrap();
    theirs.join().await;
    subscribe(&mut theirs, 1, "subscribe_order_events", json!({}), &[]).await;
    desk.place(&desk.maker_gtc(&second, Side::Buy, "0.2", "1"))
        .await;
    let (_, mine) = sock.event::<OrderEvent>().await;
    assert_eq!(mine.user_id, Some(desk.maker));

    // Unsubscribing the filtered market ends the channel.
    sock.emit(
        Some(2),
        "unsubscribe",
        &json!({ "channel": "subscribe_order_events", "marketSlug": second.slug }),
    )
    .await;
    assert_eq!(
        sock.ack().await,
        r#"43/markets,2[{"channel":"subscribe_order_events","markets":[],"ok":true}]"#
    );
    drop(theirs);
}

#[tokio::test]
async fn unsubscribing_a_market_stops_its_updates() {
    let desk = Desk::open().await;
    let (first, second) = (desk.market(0), desk.market(1));
    let mut sock = desk.socket().await;
    sock.emit(
        None,
        "subscribe_market_prices",
        &json!({ "marketSlugs": [first.slug, second.slug] }),
    )
    .await;
    sock.event::<SystemMessage>().await;
    sock.event::<OrderBookUpdate>().await;
    sock.event::<OrderBookUpdate>().await;
    sock.emit(
        Some(7),
        "unsubscribe",
        &json!({ "channel": "subscribe_market_prices", "marketSlugs": [first.slug] }),
    )
    .await;
    assert_eq!(
        sock.ack().await,
        format!(
            "43/markets,7[{}]",
            json!({ "channel": "subscribe_market_prices", "markets": [second.slug], "ok": true })
        )
    );
    desk.place(&desk.maker_gtc(&first, Side::Buy, "0.3", "1"))
        .await;
    desk.place(&desk.maker_gtc(&second, Side::Buy, "0.3", "1"))
        .await;
    let (_, update) = sock.event::<OrderBookUpdate>().await;
    assert_eq!(update.market_slug.as_deref(), Some(second.slug.as_str()));

    sock.emit(Some(8), "unsubscribe", &json!({})).await;
    assert_eq!(
        sock.ack().await,
        r#"43/markets,8[{"error":"unsubscribe needs channel: the subscribe event to undo, e.g. subscribe_market_prices"}]"#
    );
}

#[tokio::test]
async fn dropped_sockets_see_their_connection_close_and_can_reconnect() {
    let desk = Desk::open().await;
    let mut first = desk.socket().await;
    let mut second = open(&desk.fx.sandbox, PATH, &[]).await.unwrap();
    second.join().await;
    let control = desk.fx.sandbox.socket();
    guard("two connections", control.wait_for_connections(2)).await;

    assert_eq!(desk.fx.sandbox.faults().drop_sockets(), 2);
    // The transport just ends: no Socket.IO disconnect, no close frame.
    assert_eq!(first.next().await, Frame::End);
    assert_eq!(second.next().await, Frame::End);
    guard("no connections", control.wait_for_connections(0)).await;

    // A reconnect signs a fresh handshake and is served as before.
    let mut again = desk.socket().await;
    guard("the reconnect", control.wait_for_connections(1)).await;
    let signed_handshakes: Vec<_> = control
        .handshakes()
        .into_iter()
        .filter(|h| h.api_key.is_some())
        .collect();
    assert_eq!(signed_handshakes.len(), 2);
    let market = desk.market(0);
    subscribe(
        &mut again,
        1,
        "subscribe_market_prices",
        json!({ "marketSlug": market.slug }),
        &[&market.slug],
    )
    .await;
    // Only the open connection is cut this time.
    assert_eq!(desk.fx.sandbox.faults().drop_sockets(), 1);
    assert_eq!(until_closed(&mut again).await, Frame::End);
}

/// Reads until the connection stops delivering text (what was in flight
/// may still arrive first).
async fn until_closed(sock: &mut Sock) -> Frame {
    loop {
        match sock.next().await {
            Frame::Text(_) => {}
            other => return other,
        }
    }
}

#[tokio::test]
async fn the_ping_settings_are_announced_and_enforced() {
    let sandbox = Sandbox::builder()
        .socket_ping(Duration::from_millis(50), Duration::from_millis(100))
        .start()
        .await
        .unwrap();
    let control = sandbox.socket();

    // A client that answers pings stays connected across several.
    let mut live = open(&sandbox, PATH, &[]).await.unwrap();
    assert_eq!(live.open.ping_interval, Some(50));
    assert_eq!(live.open.ping_timeout, Some(100));
    live.join().await;
    live.answer_pings = false;
    for _ in 0..3 {
        assert_eq!(live.next().await, Frame::Text("2".to_owned()));
        live.send("3").await;
    }
    assert_eq!(control.connections(), 1);

    // One that stops answering is closed by the server.
    while let Frame::Text(text) = live.next().await {
        assert_eq!(text, "2");
    }
    guard("the server to give up", control.wait_for_connections(0)).await;
}

#[tokio::test]
async fn stalled_sockets_go_silent_but_stay_open() {
    let fx = Fixture::with(
        Sandbox::builder()
            .socket_ping(Duration::from_millis(50), Duration::from_millis(100))
            .start()
            .await
            .unwrap(),
    );
    let token = fx.partner_token().await;
    let owner = fx.sub_account(&token, "stalled").await;
    let market = fx.sandbox.markets()[0].clone();
    fx.sandbox.socket().ack_subscribes(true);
    let mut sock = open(&fx.sandbox, PATH, &[]).await.unwrap();
    sock.join().await;
    subscribe_book(&mut sock, &market).await;

    assert_eq!(fx.sandbox.faults().stall_sockets(), 1);
    // A book change while stalled is never sent.
    fx.signed(
        &token,
        Method::POST,
        "/orders",
        Some(&limit_order(
            OrderType::Gtc,
            &market,
            Side::Buy,
            "0.3",
            "1",
            owner,
            300,
        )),
    )
    .await
    .expect(201);
    // The client's pongs no longer reach the server, which gives up on the
    // session and holds the TCP connection open.
    let control = fx.sandbox.socket();
    guard("the server to give up", control.wait_for_connections(0)).await;
    // No event marks the moment the server lets go of the connection.
    guard("the connection to be held", async {
        while fx.sandbox.faults().held_sockets() == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;

    fx.sandbox.faults().clear();
    assert_eq!(fx.sandbox.faults().held_sockets(), 0);
    // Whatever the client reads now was sent before the stall: pings, and
    // never the update.
    loop {
        match sock.next().await {
            Frame::Text(text) => assert_eq!(text, "2", "sent while stalled"),
            Frame::Close => panic!("a stalled connection sends no close frame"),
            Frame::End => break,
        }
    }
}

#[tokio::test]
async fn synthetic_book_updates_are_real_snapshots_with_rising_versions() {
    let desk = Desk::open().await;
    let market = desk.market(0);
    desk.place(&desk.maker_gtc(&market, Side::Sell, "0.6", "3"))
        .await;
    let mut sock = desk.socket().await;
    sock.emit(
        None,
        "subscribe_market_prices",
        &json!({ "marketSlug": market.slug }),
    )
    .await;
    sock.event::<SystemMessage>().await;
    let (_, snapshot) = sock.event::<OrderBookUpdate>().await;

    // A second of load, read while it is sent: none is lost.
    let control = desk.fx.sandbox.socket();
    let emitting = tokio::spawn({
        let (control, slug) = (control.clone(), market.slug.clone());
        async move { control.emit_book_updates(&slug, 1000, 1000).await }
    });
    let mut version = snapshot.version.unwrap();
    for _ in 0..1000 {
        let (event, update) = sock.event::<OrderBookUpdate>().await;
        assert_eq!(event, "orderbookUpdate");
        version += 1;
        assert_eq!(update.version, Some(version));
        assert_eq!(update.orderbook, snapshot.orderbook);
        assert_eq!(update.orderbook.asks[0].size.as_micro(), 3_000_000);
    }
    guard("the load to finish", emitting)
        .await
        .unwrap()
        .unwrap();

    assert!(matches!(
        control.emit_book_updates("no-such-market", 1, 10).await,
        Err(SandboxError::UnknownMarket { slug }) if slug == "no-such-market"
    ));
    assert!(matches!(
        control.emit_book_updates(&market.slug, 1, 0).await,
        Err(SandboxError::InvalidConfig {
            field: "per_second",
            ..
        })
    ));
}

#[tokio::test]
async fn rest_still_answers_on_the_socket_port_while_sockets_are_open() {
    let desk = Desk::open().await;
    let _sock = desk.socket().await;
    let book = desk.rest_book(&desk.market(0).slug).await;
    assert_eq!(book["tokenId"], desk.market(0).yes_token_id.as_str());
    // Not a WebSocket request: refused in the API's shape.
    let reply = desk
        .fx
        .send(desk.fx.http.get(desk.fx.url(PATH)))
        .await
        .expect(400);
    assert!(
        reply.message().contains("Engine.IO v4 WebSocket"),
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn a_cancel_replace_sends_both_order_events_and_one_book_update() {
    let desk = Desk::open().await;
    let market = desk.market(0);
    let mut sock = desk.book_and_orders_socket(&market).await;
    let original = desk
        .place(&desk.maker_gtc(&market, Side::Buy, "0.4", "1"))
        .await;
    let (_, before) = until_book(&mut sock).await;

    let replacement = desk.maker_gtc(&market, Side::Buy, "0.45", "2");
    let body = serde_json::to_value(CancelReplaceRequest {
        cancel: CancelTarget::OrderId(original.order.id.clone()),
        replacement: ReplacementOrder {
            order: serde_json::from_value::<UnsignedOrder>(replacement["order"].clone()).unwrap(),
            order_type: OrderType::Gtc,
            market_slug: market.slug.clone(),
            owner_id: desk.maker,
            post_only: None,
            client_order_id: Some("replaced-1".to_owned()),
            timestamp: None,
            recv_window: None,
            stp_policy: None,
        },
        mode: CancelReplaceMode::default(),
        on_behalf_of: Some(desk.maker),
    })
    .unwrap();
    desk.post_to("/orders/cancel-replace", &body)
        .await
        .expect(200);
    let (events, book) = guard("the replacement's book update", until_book(&mut sock)).await;
    let kinds: Vec<_> = events
        .iter()
        .map(|(_, p)| decode::<OrderEvent>(p))
        .map(|e| (e.kind.unwrap(), e.client_order_id))
        .collect();
    assert_eq!(
        kinds,
        [
            ("CANCELLATION".to_owned(), None),
            ("PLACEMENT".to_owned(), Some("replaced-1".to_owned())),
        ]
    );
    assert_eq!(book.version, Some(before.version.unwrap() + 1));
    assert_eq!(book.orderbook.bids.len(), 1);
    assert_eq!(book.orderbook.bids[0].price, dec("0.45"));
    assert_eq!(book.orderbook.bids[0].size.as_micro(), 2_000_000);
}

/// Self-trade prevention (the engine's default, `cancel_maker`): the
/// resting order of the same owner is cancelled with the engine's reason,
/// before the incoming order rests, and the book changes once.
#[tokio::test]
async fn a_self_trade_cancels_the_resting_order_with_its_reason() {
    let desk = Desk::open().await;
    let market = desk.market(0);
    let mut sock = desk.book_and_orders_socket(&market).await;
    let ask = desk
        .place(&limit_order(
            OrderType::Gtc,
            &market,
            Side::Sell,
            "0.6",
            "1",
            desk.maker,
            400,
        ))
        .await;
    until_book(&mut sock).await;

    desk.place(&limit_order(
        OrderType::Gtc,
        &market,
        Side::Buy,
        "0.6",
        "1",
        desk.maker,
        401,
    ))
    .await;
    let (events, book) = guard("the self-trade's book update", until_book(&mut sock)).await;
    let seen: Vec<_> = events
        .iter()
        .map(|(_, p)| decode::<OrderEvent>(p))
        .map(|e| (e.kind.unwrap(), e.order_id.unwrap(), e.reason))
        .collect();
    assert_eq!(seen.len(), 2, "{events:?}");
    assert_eq!(seen[0].0, "PLACEMENT");
    assert_eq!(
        seen[1],
        (
            "CANCELLATION".to_owned(),
            ask.order.id.clone(),
            Some("STP_MAKER_CANCELLED".to_owned())
        )
    );
    assert!(book.orderbook.asks.is_empty(), "{book:?}");
    assert_eq!(book.orderbook.bids.len(), 1);
}

#[tokio::test]
async fn a_gateway_without_pings_still_sends_events_until_the_server_gives_up() {
    let fx = Fixture::with(
        Sandbox::builder()
            .socket_ping(Duration::from_millis(300), Duration::from_secs(3))
            .start()
            .await
            .unwrap(),
    );
    let market = fx.sandbox.markets()[0].clone();
    let control = fx.sandbox.socket();
    control.ack_subscribes(true);
    // Stopped before the connection opens: no ping is ever written on it.
    fx.sandbox.faults().stop_pings(true);
    let mut sock = open(&fx.sandbox, PATH, &[]).await.unwrap();
    sock.answer_pings = false;
    sock.join().await;
    subscribe_book(&mut sock, &market).await;
    control
        .emit_book_updates(&market.slug, 3, 1_000)
        .await
        .unwrap();
    let mut updates = 0;
    let end = loop {
        match sock.next().await {
            Frame::Text(text) => {
                assert_ne!(text, "2", "a ping was sent while pings were stopped");
                updates += usize::from(text.contains("orderbookUpdate"));
            }
            other => break other,
        }
    };
    assert_eq!(updates, 3, "events still flow without pings");
    assert!(matches!(end, Frame::Close | Frame::End));
    // No pong ever came: the server ends the session.
    guard("the server to give up", control.wait_for_connections(0)).await;

    // Resumed: a new connection hears pings again.
    fx.sandbox.faults().stop_pings(false);
    let mut again = open(&fx.sandbox, PATH, &[]).await.unwrap();
    again.answer_pings = false;
    guard("a ping", async {
        while again.next().await != Frame::Text("2".to_owned()) {}
    })
    .await;
}
