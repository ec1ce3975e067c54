//! The stream client against the sandbox's socket: order events caused by
//! REST calls, book updates, a dropped connection, a slow consumer and
//! refused handshakes, all over real WebSockets on 127.0.0.1.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures_util::StreamExt;
use limitless_auth::{Clock, SystemClock};
use limitless_client::types::api_tokens::DerivedApiToken;
use limitless_client::{CreateDelegatedOrderParams, HmacCredentials, Side};
use limitless_sandbox::{MarketVenue, Sandbox, SandboxHandle};
use limitless_types::ws::{OrderEvent, TxEvent};
use limitless_ws::{
    BookWatcher, Channel, Error, Event, EventStream, Level, MicroShares, ReconnectPolicy,
    StreamItem, SubscribeOptions, Subscribed, WsClient, WsClientBuilder,
};
use rust_decimal::Decimal;

use crate::support::{Backend, legacy_market, partner, sandbox, server_wallet};

/// Hang guard for events that must come: a missing event fails the test
/// instead of hanging it. Never part of what is asserted.
const PATIENCE: Duration = Duration::from_secs(20);

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn level(price: &str, micro: u64) -> Level {
    Level {
        price: dec(price),
        size: MicroShares::from_micro(micro),
    }
}

fn ws_builder(sandbox: &SandboxHandle, derived: &DerivedApiToken) -> WsClientBuilder {
    WsClient::builder()
        .url(sandbox.ws_url())
        .hmac_credentials(HmacCredentials::from(derived))
}

/// The next item of `stream` that is not a `system` notice.
async fn next_item(stream: &mut EventStream) -> StreamItem {
    loop {
        let item = tokio::time::timeout(PATIENCE, stream.next())
            .await
            .expect("an item arrives")
            .expect("the stream is open");
        if !matches!(item, StreamItem::Event(Event::System(_))) {
            return item;
        }
    }
}

async fn next_order(stream: &mut EventStream) -> OrderEvent {
    match next_item(stream).await {
        StreamItem::Event(Event::Order(order)) => *order,
        other => panic!("expected an orderEvent, got {other:?}"),
    }
}

async fn next_tx(stream: &mut EventStream) -> TxEvent {
    match next_item(stream).await {
        StreamItem::Event(Event::Tx(tx)) => *tx,
        other => panic!("expected a tx event, got {other:?}"),
    }
}

async fn book_changed(watcher: &mut BookWatcher) {
    tokio::time::timeout(PATIENCE, watcher.changed())
        .await
        .expect("a book update arrives")
        .expect("the book stream is open");
}

/// `(type, orderId)` of an order event, for comparing sequences.
fn kind_and_id(event: &OrderEvent) -> (&str, &str) {
    (
        event.kind.as_deref().unwrap_or(""),
        event.order_id.as_deref().unwrap_or(""),
    )
}

/// Place, cross, cancel over REST; every step arrives on the socket with
/// exact amounts, and the local book follows each change.
#[tokio::test]
async fn rest_orders_arrive_as_order_events_and_book_updates() {
    let sandbox = sandbox().await;
    let (rest, derived) = partner(&sandbox, Backend::Reqwest).await;
    let alice = server_wallet(&rest, "alice").await;
    let bob = server_wallet(&rest, "bob").await;
    let m = legacy_market(&sandbox);

    let ws = ws_builder(&sandbox, &derived).connect().await.unwrap();
    let mut orders = ws.subscribe_order_events().await.unwrap();
    let mut txs = ws.subscribe_transactions().await.unwrap();
    let mut book = ws.order_book(&m.slug).await.unwrap();
    // The subscription's snapshot: an empty book at the market's version.
    book_changed(&mut book).await;
    assert!(!book.is_stale());
    assert_eq!(book.book().bids(), []);
    assert_eq!(book.book().asks(), []);
    let v0 = book.book().version().expect("snapshots carry a version");

    // Alice's GTC BUY 10 @ 0.55 rests: PLACEMENT, then the book shows it.
    let gtc = CreateDelegatedOrderParams::gtc(
        &m.slug,
        &m.yes_token_id,
        Side::Buy,
        "0.55",
        10,
        alice.profile_id,
    );
    let resting = rest.delegated_orders.create_order(&gtc).await.unwrap();
    let placement = next_order(&mut orders).await;
    assert_eq!(
        kind_and_id(&placement),
        ("PLACEMENT", resting.order.id.as_str())
    );
    assert_eq!(placement.source.as_deref(), Some("OME"));
    assert_eq!(placement.user_id, Some(alice.profile_id));
    assert_eq!(placement.market_slug.as_deref(), Some(m.slug.as_str()));
    assert_eq!(placement.token_id.as_deref(), Some(m.yes_token_id.as_str()));
    assert_eq!(placement.side, Some(Side::Buy));
    assert_eq!(placement.price, Some(dec("0.55")));
    assert_eq!(placement.remaining_size, Some(dec("10")));
    book_changed(&mut book).await;
    assert_eq!(book.book().version(), Some(v0 + 1));
    assert_eq!(book.book().bids(), [level("0.55", 10_000_000)]);
    assert_eq!(book.book().best_ask(), None);

    // Bob's FOK SELL 4 crosses it: MATCHED for each side (taker first),
    // bob's EXECUTION, a tx per side; 6 shares stay on the bid.
    // (Bob holds the 4 shares, and the 3 he offers later.)
    sandbox.deposit_shares(bob.profile_id, &m.yes_token_id, 7_000_000);
    let fok =
        CreateDelegatedOrderParams::fok(&m.slug, &m.yes_token_id, Side::Sell, 4, bob.profile_id);
    let filled = rest.delegated_orders.create_order(&fok).await.unwrap();
    let taker_id = filled.order.id.clone();
    let events = [
        next_order(&mut orders).await,
        next_order(&mut orders).await,
        next_order(&mut orders).await,
    ];
    assert_eq!(
        events.iter().map(kind_and_id).collect::<Vec<_>>(),
        [
            ("MATCHED", taker_id.as_str()),
            ("MATCHED", resting.order.id.as_str()),
            ("EXECUTION", taker_id.as_str()),
        ]
    );
    for (matched, owner, side) in [
        (&events[0], bob.profile_id, Side::Sell),
        (&events[1], alice.profile_id, Side::Buy),
    ] {
        assert_eq!(matched.source.as_deref(), Some("SETTLEMENT"));
        assert_eq!(matched.user_id, Some(owner));
        assert_eq!(matched.side, Some(side));
        assert_eq!(matched.taker_order_id.as_deref(), Some(taker_id.as_str()));
        assert_eq!(matched.price, Some(dec("0.55")));
        assert_eq!(matched.amount_contracts, Some(dec("4")));
        assert_eq!(matched.amount_collateral, Some(dec("2.2")));
    }
    assert_eq!(events[2].status.as_deref(), Some("FILLED"));
    assert_eq!(events[2].remaining_size, Some(Decimal::ZERO));
    let mut tx_sides = Vec::new();
    for _ in 0..2 {
        let tx = next_tx(&mut txs).await;
        assert_eq!(tx.status.as_deref(), Some("CONFIRMED"));
        assert_eq!(tx.market_slug.as_deref(), Some(m.slug.as_str()));
        assert_eq!(tx.price, Some(dec("0.55")));
        assert_eq!(tx.amount_contracts, Some(dec("4")));
        assert_eq!(tx.amount_collateral, Some(dec("2.2")));
        tx_sides.push((tx.user_id, tx.side));
    }
    assert_eq!(
        tx_sides,
        [
            (Some(bob.profile_id), Some(Side::Sell)),
            (Some(alice.profile_id), Some(Side::Buy)),
        ]
    );
    book_changed(&mut book).await;
    assert_eq!(book.book().version(), Some(v0 + 2));
    assert_eq!(book.book().bids(), [level("0.55", 6_000_000)]);

    // An ask that does not cross, then the bid cancelled on alice's behalf.
    let ask = CreateDelegatedOrderParams::gtc(
        &m.slug,
        &m.yes_token_id,
        Side::Sell,
        "0.60",
        3,
        bob.profile_id,
    );
    let asking = rest.delegated_orders.create_order(&ask).await.unwrap();
    assert_eq!(
        kind_and_id(&next_order(&mut orders).await),
        ("PLACEMENT", asking.order.id.as_str())
    );
    book_changed(&mut book).await;
    let depth = book.book().depth(5);
    assert_eq!(depth.bids, [level("0.55", 6_000_000)]);
    assert_eq!(depth.asks, [level("0.60", 3_000_000)]);
    assert_eq!(book.book().spread(), Some(dec("0.05")));

    rest.delegated_orders
        .cancel_on_behalf_of(&resting.order.id, alice.profile_id)
        .await
        .unwrap();
    let cancelled = next_order(&mut orders).await;
    assert_eq!(
        kind_and_id(&cancelled),
        ("CANCELLATION", resting.order.id.as_str())
    );
    assert_eq!(cancelled.price, Some(dec("0.55")));
    assert_eq!(cancelled.remaining_size, Some(dec("6")));
    book_changed(&mut book).await;
    assert_eq!(book.book().version(), Some(v0 + 4));
    assert_eq!(book.book().best_bid(), None);
    assert_eq!(book.book().asks(), [level("0.60", 3_000_000)]);

    ws.shutdown().await;
    sandbox.shutdown().await;
}

/// Every channel against the default sandbox, which, like the gateway,
/// never acks a subscribe: the client's plain subscribes settle on the
/// documented notices (or at once where none is documented), the events
/// arrive with exact amounts, and each unsubscribe is acked and stops its
/// events on the server.
#[tokio::test]
async fn every_channel_subscribes_without_acks_gets_its_events_and_unsubscribes() {
    let sandbox = sandbox().await;
    assert!(!sandbox.socket().acks_subscribes());
    let (rest, derived) = partner(&sandbox, Backend::Reqwest).await;
    let alice = server_wallet(&rest, "alice").await;
    let bob = server_wallet(&rest, "bob").await;
    let m = legacy_market(&sandbox);

    let ws = ws_builder(&sandbox, &derived).connect().await.unwrap();
    let mut streams = Vec::new();
    for channel in Channel::ALL {
        let options = match channel {
            Channel::MarketPrices | Channel::Positions => SubscribeOptions::slugs([&m.slug]),
            _ => SubscribeOptions::new(),
        };
        streams.push(ws.subscribe(channel, options).await.unwrap());
    }
    let settled: Vec<_> = streams
        .iter()
        .map(|s| (s.channel().unwrap(), s.subscribed().unwrap()))
        .collect();
    assert_eq!(
        settled,
        [
            (Channel::MarketPrices, Subscribed::Confirmed),
            (Channel::Positions, Subscribed::Confirmed),
            (Channel::Transactions, Subscribed::Sent),
            (Channel::OrderEvents, Subscribed::Confirmed),
            (Channel::LiveSports, Subscribed::Sent),
            (Channel::LiveEsports, Subscribed::Sent),
            (Channel::MarketLifecycle, Subscribed::Sent),
        ]
    );
    let [
        mut prices,
        mut positions,
        mut txs,
        mut orders,
        sports,
        esports,
        lifecycle,
    ] = <[EventStream; 7]>::try_from(streams).unwrap();
    let StreamItem::Event(Event::OrderBook(snapshot)) = next_item(&mut prices).await else {
        panic!("expected the book's snapshot")
    };
    assert_eq!(snapshot.market_slug.as_deref(), Some(m.slug.as_str()));

    // Alice's bid rests (an engine event: number fields, read exactly),
    // bob's FOK crosses 4 of it.
    let gtc = CreateDelegatedOrderParams::gtc(
        &m.slug,
        &m.yes_token_id,
        Side::Buy,
        "0.55",
        10,
        alice.profile_id,
    );
    let resting = rest.delegated_orders.create_order(&gtc).await.unwrap();
    let placement = next_order(&mut orders).await;
    assert_eq!(
        kind_and_id(&placement),
        ("PLACEMENT", resting.order.id.as_str())
    );
    assert_eq!(
        (placement.price, placement.remaining_size),
        (Some(dec("0.55")), Some(dec("10")))
    );
    // Bob sells shares he holds (4 now, 3 resting later): the sandbox
    // refuses a sale beyond them.
    sandbox.deposit_shares(bob.profile_id, &m.yes_token_id, 7_000_000);
    let fok =
        CreateDelegatedOrderParams::fok(&m.slug, &m.yes_token_id, Side::Sell, 4, bob.profile_id);
    let filled = rest.delegated_orders.create_order(&fok).await.unwrap();
    let matched = next_order(&mut orders).await;
    assert_eq!(kind_and_id(&matched), ("MATCHED", filled.order.id.as_str()));
    assert_eq!(matched.price, Some(dec("0.55")));
    let tx = next_tx(&mut txs).await;
    assert_eq!(tx.amount_collateral, Some(dec("2.2")));
    let StreamItem::Event(Event::Positions(position)) = next_item(&mut positions).await else {
        panic!("expected a positions event")
    };
    assert_eq!(position["marketSlug"], m.slug.as_str());
    let StreamItem::Event(Event::OrderBook(update)) = next_item(&mut prices).await else {
        panic!("expected a book update")
    };
    assert_eq!(update.version, Some(snapshot.version.unwrap() + 1));

    // Every unsubscribe is acked.
    for stream in [orders, txs, positions, sports, esports, lifecycle] {
        let channel = stream.channel().unwrap();
        stream
            .unsubscribe()
            .await
            .unwrap_or_else(|e| panic!("{channel}: {e}"));
    }
    // The server stopped sending them: another order's book update comes
    // with nothing before it but notices.
    let mut all = ws.events();
    let ask = CreateDelegatedOrderParams::gtc(
        &m.slug,
        &m.yes_token_id,
        Side::Sell,
        "0.60",
        3,
        bob.profile_id,
    );
    rest.delegated_orders.create_order(&ask).await.unwrap();
    let StreamItem::Event(event) = next_item(&mut all).await else {
        panic!("expected an event")
    };
    assert_eq!(event.name(), "orderbookUpdate");
    prices.unsubscribe().await.unwrap();

    ws.shutdown().await;
    sandbox.shutdown().await;
}

/// The sandbox cuts the socket: the stream says so, the client signs a
/// new handshake, subscriptions come back, and events flow on the same
/// stream.
#[tokio::test]
async fn a_dropped_socket_reconnects_with_a_fresh_handshake_and_its_subscriptions() {
    let sandbox = sandbox().await;
    let (rest, derived) = partner(&sandbox, Backend::Reqwest).await;
    let alice = server_wallet(&rest, "alice").await;
    let m = legacy_market(&sandbox);
    let ws = ws_builder(&sandbox, &derived)
        .reconnect(
            ReconnectPolicy::new()
                .initial_delay(Duration::from_millis(50))
                .jitter(false),
        )
        .connect()
        .await
        .unwrap();
    let mut orders = ws.subscribe_order_events().await.unwrap();
    let socket = sandbox.socket();
    assert_eq!(socket.connections(), 1);
    let first = socket.handshakes();
    assert_eq!(first.len(), 1);

    assert_eq!(sandbox.faults().drop_sockets(), 1);
    match next_item(&mut orders).await {
        StreamItem::Reconnecting { attempt: 1, .. } => {}
        other => panic!("expected Reconnecting, got {other:?}"),
    }
    match next_item(&mut orders).await {
        StreamItem::Reconnected => {}
        other => panic!("expected Reconnected, got {other:?}"),
    }

    let handshakes = socket.handshakes();
    assert_eq!(handshakes.len(), 2, "{handshakes:?}");
    let (before, after) = (&handshakes[0], &handshakes[1]);
    assert_eq!(before, &first[0]);
    assert_eq!(after.api_key.as_deref(), Some(derived.token_id.as_str()));
    assert_eq!(after.profile_id, before.profile_id);
    assert_eq!(
        after.path_and_query,
        "/socket.io/?EIO=4&transport=websocket"
    );
    // ISO-8601 with milliseconds, UTC: text order is time order.
    let (t0, t1) = (
        before.timestamp.as_deref().unwrap(),
        after.timestamp.as_deref().unwrap(),
    );
    assert!(
        t1 > t0,
        "the second handshake is signed afresh: {t0} then {t1}"
    );
    // The old socket is gone, the new one stays.
    tokio::time::timeout(PATIENCE, socket.wait_for_connections(1))
        .await
        .expect("one socket connected");

    // The subscription was renewed: an order placed now arrives here.
    let gtc = CreateDelegatedOrderParams::gtc(
        &m.slug,
        &m.yes_token_id,
        Side::Buy,
        "0.30",
        2,
        alice.profile_id,
    );
    let placed = rest.delegated_orders.create_order(&gtc).await.unwrap();
    let event = next_order(&mut orders).await;
    assert_eq!(kind_and_id(&event), ("PLACEMENT", placed.order.id.as_str()));
    assert_eq!(event.price, Some(dec("0.30")));
    assert_eq!(event.remaining_size, Some(dec("2")));

    ws.shutdown().await;
    sandbox.shutdown().await;
}

/// The version of a book event.
fn version(item: &StreamItem) -> u64 {
    match item {
        StreamItem::Event(Event::OrderBook(update)) => update.version.expect("versioned"),
        other => panic!("expected a book update, got {other:?}"),
    }
}

/// A consumer that does not read while 200 updates arrive gets what its
/// buffer held, one gap with the exact count, then what came after.
#[tokio::test]
async fn a_slow_consumer_gets_its_buffer_then_one_exact_gap() {
    const BUFFER: usize = 8;
    const BURST: u32 = 200;
    let sandbox = sandbox().await;
    let (rest, derived) = partner(&sandbox, Backend::Reqwest).await;
    let alice = server_wallet(&rest, "alice").await;
    let markets: Vec<_> = sandbox
        .markets()
        .iter()
        .filter(|m| m.venue == MarketVenue::Legacy)
        .cloned()
        .collect();
    let (m, other) = (&markets[0], &markets[1]);
    let ws = ws_builder(&sandbox, &derived)
        .buffer_capacity(BUFFER)
        .connect()
        .await
        .unwrap();
    let mut prices = ws
        .subscribe_market_prices(SubscribeOptions::slugs([m.slug.as_str()]))
        .await
        .unwrap();
    let mut orders = ws.subscribe_order_events().await.unwrap();
    let v0 = version(&next_item(&mut prices).await);

    sandbox
        .socket()
        .emit_book_updates(&m.slug, BURST, 2_000)
        .await
        .unwrap();
    // A marker sent after the burst on the same socket: once it is read,
    // every update before it has been through the client.
    let marker = CreateDelegatedOrderParams::gtc(
        &other.slug,
        &other.yes_token_id,
        Side::Buy,
        "0.10",
        1,
        alice.profile_id,
    );
    let placed = rest.delegated_orders.create_order(&marker).await.unwrap();
    assert_eq!(
        kind_and_id(&next_order(&mut orders).await),
        ("PLACEMENT", placed.order.id.as_str())
    );

    let mut buffered = Vec::new();
    for _ in 0..BUFFER {
        buffered.push(version(&next_item(&mut prices).await));
    }
    let expected: Vec<u64> = (v0 + 1..=v0 + BUFFER as u64).collect();
    assert_eq!(buffered, expected);
    let dropped = u64::from(BURST) - BUFFER as u64;
    match next_item(&mut prices).await {
        StreamItem::Lagged(n) => assert_eq!(n, dropped),
        other => panic!("expected one Lagged, got {other:?}"),
    }

    // Later events follow the gap: the version jumps by exactly the count.
    sandbox
        .socket()
        .emit_book_updates(&m.slug, 3, 1_000)
        .await
        .unwrap();
    let after: Vec<u64> = [
        next_item(&mut prices).await,
        next_item(&mut prices).await,
        next_item(&mut prices).await,
    ]
    .iter()
    .map(version)
    .collect();
    let last_buffered = v0 + BUFFER as u64;
    assert_eq!(
        after,
        [1, 2, 3].map(|k| last_buffered + dropped + k),
        "after the gap of {dropped}"
    );

    ws.shutdown().await;
    sandbox.shutdown().await;
}

/// The system clock moved by a fixed amount.
#[derive(Debug)]
struct Shifted {
    behind: Duration,
}

impl Clock for Shifted {
    fn now(&self) -> SystemTime {
        SystemClock.now() - self.behind
    }
}

fn assert_refused_401(result: Result<WsClient, Error>) {
    match result {
        Err(Error::HandshakeRefused { status: 401, body }) => {
            assert!(body.contains("\"statusCode\":401"), "{body}");
        }
        Err(other) => panic!("expected a 401 handshake refusal, got {other:?}"),
        Ok(_) => panic!("the handshake was accepted"),
    }
}

/// A handshake signed 60 s in the past and one signed with the wrong
/// secret are refused before the upgrade; nothing connects.
#[tokio::test]
async fn stale_or_badly_signed_handshakes_are_refused_with_401() {
    let sandbox = sandbox().await;
    let (_, derived) = partner(&sandbox, Backend::Reqwest).await;
    let socket = sandbox.socket();

    let stale = ws_builder(&sandbox, &derived)
        .clock(Arc::new(Shifted {
            behind: Duration::from_secs(60),
        }))
        .connect()
        .await;
    assert_refused_401(stale);

    let wrong_secret = WsClient::builder()
        .url(sandbox.ws_url())
        .hmac_credentials(HmacCredentials::new(
            derived.token_id.clone(),
            "bm90LXRoZS1zZWNyZXQ=",
        ))
        .connect()
        .await;
    assert_refused_401(wrong_secret);

    assert_eq!(socket.connections(), 0);
    assert!(socket.handshakes().is_empty());

    // The same token with the right secret and clock is let in.
    let ws = ws_builder(&sandbox, &derived).connect().await.unwrap();
    assert_eq!(socket.connections(), 1);
    ws.shutdown().await;
    sandbox.shutdown().await;
}

/// Against a server whose clock runs 45 s ahead, the REST client learns
/// the offset; a stream client sharing its clock is let in, one on the
/// raw system clock is refused.
#[tokio::test]
async fn the_rest_clients_corrected_clock_signs_the_handshake() {
    let sandbox = Sandbox::builder()
        .clock_offset(45_000)
        .start()
        .await
        .unwrap();
    let (rest, derived) = partner(&sandbox, Backend::Reqwest).await;
    // A signed call: refused once, the offset learned, sent again.
    rest.api_tokens.list_tokens().await.unwrap();
    let learned = rest.http().clock_offset().as_millis();
    assert!((43_000..=47_000).contains(&learned), "learned {learned} ms");

    let raw = ws_builder(&sandbox, &derived).connect().await;
    assert_refused_401(raw);
    assert_eq!(sandbox.socket().connections(), 0);

    let ws = ws_builder(&sandbox, &derived)
        .clock(rest.http().clock().clone())
        .connect()
        .await
        .unwrap();
    let mut orders = ws.subscribe_order_events().await.unwrap();
    assert_eq!(sandbox.socket().connections(), 1);
    let alice = server_wallet(&rest, "alice").await;
    let m = legacy_market(&sandbox);
    sandbox.deposit_shares(alice.profile_id, &m.yes_token_id, 1_000_000);
    let gtc = CreateDelegatedOrderParams::gtc(
        &m.slug,
        &m.yes_token_id,
        Side::Sell,
        "0.70",
        1,
        alice.profile_id,
    );
    let placed = rest.delegated_orders.create_order(&gtc).await.unwrap();
    assert_eq!(
        kind_and_id(&next_order(&mut orders).await),
        ("PLACEMENT", placed.order.id.as_str())
    );
    ws.shutdown().await;
    sandbox.shutdown().await;
}
