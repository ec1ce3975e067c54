//! Events through a real socket: every captured payload decodes as its
//! type, unknown ones are kept, routing follows channels and markets, and
//! a slow consumer learns exactly what it missed.

use limitless_ws::types::{MarketResolved, OrderBookUpdate};
use limitless_ws::{Decimal, Event, StreamItem};
use serde_json::{Value, json};

use crate::support::{Script, Server, fixture_payloads, next, next_event, notice, prices};

fn decimal(text: &str) -> Decimal {
    text.parse().unwrap()
}

#[tokio::test]
async fn every_captured_event_decodes_as_its_type_through_the_socket() {
    let server = Server::start(Script::default()).await;
    let ws = server.signed().await;
    let mut all = ws.events();
    let mut orders = ws.subscribe_order_events().await.unwrap();
    assert_eq!(
        notice(&mut all).await,
        "Successfully subscribed to order event updates"
    );

    // The captures, as the server sends them, folder by folder.
    let mut sent: Vec<(&str, Value)> = Vec::new();
    for (folder, event) in [
        ("ws-orderbook-update", "orderbookUpdate"),
        ("ws-new-price-data", "newPriceData"),
        ("ws-oracle-price-data", "oraclePriceData"),
        ("ws-order-event", "orderEvent"),
        ("ws-tx", "tx"),
        ("ws-market-resolved", "marketResolved"),
        ("ws-system", "system"),
    ] {
        for (_, payload) in fixture_payloads(folder) {
            sent.push((event, payload));
        }
    }
    // No capture exists of these: shapes the official SDKs describe.
    sent.push((
        "marketCreated",
        json!({"slug": "new-market", "title": "New?", "type": "CLOB", "categoryIds": [3], "createdAt": "2026-09-01T00:00:00.000Z"}),
    ));
    sent.push((
        "positions",
        json!({"account": "0xabc", "marketSlug": "m", "positions": [{"tokenId": "1", "balance": "5"}]}),
    ));
    sent.push(("live_sports_update", json!({"gameId": 7, "score": "1-0"})));
    sent.push(("live_esports_update", json!({"matchId": "x", "map": 2})));
    for (event, payload) in &sent {
        server.emit(event, payload);
    }

    for (event, payload) in &sent {
        let StreamItem::Event(received) = next(&mut all).await else {
            panic!("expected {event}")
        };
        assert_eq!(received.name(), *event);
        match &received {
            Event::OrderBook(update) => {
                let expected: OrderBookUpdate = serde_json::from_value(payload.clone()).unwrap();
                assert_eq!(**update, expected);
                let first_bid = &payload["orderbook"]["bids"][0];
                assert_eq!(
                    update.orderbook.bids[0].size.as_micro(),
                    first_bid["size"].as_u64().unwrap()
                );
                assert_eq!(
                    update.orderbook.bids[0].price,
                    decimal(&first_bid["price"].to_string())
                );
            }
            Event::NewPriceData(prices) => {
                assert_eq!(prices.updated_prices[0].yes_price, Some(decimal("0.65")));
                assert_eq!(prices.block_number, Some(12_345_678));
            }
            Event::OraclePriceData(oracle) => {
                assert_eq!(oracle.value, Some(decimal("2440.91810993")));
                assert_eq!(oracle.timestamp, Some(1_788_160_353_000));
                assert_eq!(oracle.market_address, None);
            }
            Event::Order(order) => {
                assert_eq!(order.order_id.as_deref(), Some("550e8400"));
                assert!(
                    order.price == Some(decimal("0.53")) || order.price == Some(decimal("0.47"))
                );
            }
            Event::Tx(tx) => {
                assert_eq!(tx.amount_collateral, Some(decimal("6.5")));
                assert_eq!(tx.tx_hash.as_deref(), Some("0xabc..."));
            }
            Event::MarketResolved(resolved) => {
                let expected: MarketResolved = serde_json::from_value(payload.clone()).unwrap();
                assert_eq!(*resolved, expected);
                assert_eq!(resolved.winning_index, Some(1));
            }
            Event::System(notice) => assert!(notice.message.starts_with("Successfully")),
            Event::MarketCreated(created) => {
                assert_eq!(created.slug.as_deref(), Some("new-market"));
                assert_eq!(created.category_ids, [3]);
            }
            Event::Positions(value) | Event::LiveSports(value) | Event::LiveEsports(value) => {
                assert_eq!(value, payload);
            }
            other => panic!("{event} came as {other:?}"),
        }
    }

    // The order events stream got the captured order events (and the
    // notices); a checkout without the captures sent none.
    let captured_orders = sent
        .iter()
        .filter(|(event, _)| *event == "orderEvent")
        .count();
    let mut order_ids = Vec::new();
    while order_ids.len() < captured_orders {
        match next(&mut orders).await {
            StreamItem::Event(Event::Order(order)) => order_ids.push(order.kind.clone()),
            StreamItem::Event(Event::System(_)) => {}
            other => panic!("{other:?}"),
        }
    }
    if captured_orders > 0 {
        assert_eq!(
            order_ids,
            [Some("PLACEMENT".to_owned()), Some("MINED".to_owned())]
        );
    }
    ws.shutdown().await;
}

#[tokio::test]
async fn unknown_events_and_payloads_that_do_not_fit_are_kept_as_sent() {
    let server = Server::start(Script::default()).await;
    let ws = server.client().connect().await.unwrap();
    let mut all = ws.events();
    server.emit("authenticated", &json!({"message": "welcome"}));
    server.emit(
        "orderbookUpdate",
        &json!({"marketSlug": "m", "orderbook": "not a book"}),
    );
    server.emit(
        "exception",
        &json!({"status": "error", "message": "rate limited"}),
    );
    let Event::Unrecognized { event, payload } = next_event(&mut all).await else {
        panic!()
    };
    assert_eq!(event, "authenticated");
    assert_eq!(payload.get(), r#"{"message":"welcome"}"#);
    let Event::Unrecognized { event, payload } = next_event(&mut all).await else {
        panic!()
    };
    assert_eq!(event, "orderbookUpdate");
    assert_eq!(
        payload.get(),
        r#"{"marketSlug":"m","orderbook":"not a book"}"#
    );
    // An exception that names no waiting subscribe is an event like any.
    let Event::Exception(exception) = next_event(&mut all).await else {
        panic!()
    };
    assert_eq!(
        (exception.status.as_deref(), exception.message.as_str()),
        (Some("error"), "rate limited")
    );
    ws.shutdown().await;
}

fn book(slug: &str, version: u64) -> Value {
    json!({
        "marketSlug": slug,
        "orderbook": {"bids": [{"price": 0.4, "size": 1_000_000}], "asks": [{"price": 0.6, "size": 2_000_000}], "tokenId": "1"},
        "version": version,
        "timestamp": "2026-10-07T10:02:55.116Z"
    })
}

fn book_of(event: &Event) -> (String, u64) {
    let Event::OrderBook(update) = event else {
        panic!("{event:?}")
    };
    (update.market_slug.clone().unwrap(), update.version.unwrap())
}

#[tokio::test]
async fn events_reach_the_streams_whose_markets_they_name() {
    let server = Server::start(Script::default()).await;
    let ws = server.client().connect().await.unwrap();
    let mut x = prices(&ws, &["x"]).await;
    let mut y = prices(&ws, &["y"]).await;
    let mut lifecycle = ws.subscribe_market_lifecycle().await.unwrap();
    server.emit("orderbookUpdate", &book("x", 1));
    server.emit("orderbookUpdate", &book("y", 2));
    server.emit("marketResolved", &json!({"slug": "x", "winningIndex": 0}));
    server.emit("orderbookUpdate", &book("x", 3));
    server.emit("system", &json!({"message": "maintenance soon"}));

    assert_eq!(book_of(&next_event(&mut x).await), ("x".into(), 1));
    assert_eq!(book_of(&next_event(&mut x).await), ("x".into(), 3));
    assert_eq!(book_of(&next_event(&mut y).await), ("y".into(), 2));
    let StreamItem::Event(Event::System(notice)) = next(&mut y).await else {
        panic!()
    };
    assert_eq!(notice.message, "maintenance soon");
    let Event::MarketResolved(resolved) = next_event(&mut lifecycle).await else {
        panic!()
    };
    assert_eq!(resolved.slug.as_deref(), Some("x"));
    // Notices go to every stream.
    let StreamItem::Event(Event::System(_)) = next(&mut lifecycle).await else {
        panic!()
    };
    ws.shutdown().await;
}

#[tokio::test]
async fn a_slow_consumer_gets_one_lagged_count_where_its_events_fell() {
    let server = Server::start(Script::default()).await;
    let ws = server.client().buffer_capacity(4).connect().await.unwrap();
    let mut slow = prices(&ws, &["slow"]).await;
    let mut fast = prices(&ws, &["sentinel"]).await;
    // The channel's second confirmation reached the first stream too.
    notice(&mut slow).await;

    // Ten books for the slow stream, then one for the other: once the
    // other stream has it, the reader has routed all ten.
    for version in 1..=10 {
        server.emit("orderbookUpdate", &book("slow", version));
    }
    server.emit("orderbookUpdate", &book("sentinel", 1));
    assert_eq!(
        book_of(&next_event(&mut fast).await),
        ("sentinel".into(), 1)
    );

    // The fast stream was never held up; the slow one kept four.
    let mut seen = Vec::new();
    for _ in 0..2 {
        seen.push(next(&mut slow).await);
    }
    for version in 11..=12 {
        server.emit("orderbookUpdate", &book("slow", version));
    }
    server.emit("orderbookUpdate", &book("sentinel", 2));
    assert_eq!(
        book_of(&next_event(&mut fast).await),
        ("sentinel".into(), 2)
    );
    for _ in 0..5 {
        seen.push(next(&mut slow).await);
    }
    let seen: Vec<String> = seen
        .iter()
        .map(|item| match item {
            StreamItem::Event(event) => format!("v{}", book_of(event).1),
            StreamItem::Lagged(n) => format!("lagged {n}"),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(seen, ["v1", "v2", "v3", "v4", "lagged 6", "v11", "v12"]);
    ws.shutdown().await;
}
