//! Subscribing and unsubscribing: payloads as the server receives them,
//! plain emits settled by the gateway's notices (the default), namespaced
//! acks (on request), refusals by ack or `exception`, timeouts.

use std::time::Duration;

use limitless_ws::{
    Channel, Error, Event, StreamItem, SubscribeMode, SubscribeOptions, Subscribed,
};
use serde_json::json;

use crate::support::{Answer, Script, Server, credentials, next, next_event, notice, prices};

/// By default every subscribe is a plain emit (no ack id), as the
/// official SDKs send them; the channels the gateway confirms settle on
/// their notice, the others at once.
#[tokio::test]
async fn subscribes_are_plain_emits_settled_by_the_documented_notices() {
    let server = Server::start(Script::default()).await;
    let ws = server.signed().await;
    let mut prices = ws
        .subscribe_market_prices(SubscribeOptions::slugs(["m"]))
        .await
        .unwrap();
    let mut positions = ws
        .subscribe_positions(SubscribeOptions::slugs(["m"]).address("0xAmm"))
        .await
        .unwrap();
    let mut orders = ws.subscribe_order_events().await.unwrap();
    let transactions = ws.subscribe_transactions().await.unwrap();
    let lifecycle = ws.subscribe_market_lifecycle().await.unwrap();
    let settled: Vec<_> = [&prices, &positions, &orders, &transactions, &lifecycle]
        .iter()
        .map(|stream| stream.subscribed())
        .collect();
    assert_eq!(
        settled,
        [
            Some(Subscribed::Confirmed),
            Some(Subscribed::Confirmed),
            Some(Subscribed::Confirmed),
            Some(Subscribed::Sent),
            Some(Subscribed::Sent),
        ]
    );
    let asked: Vec<(String, bool)> = server
        .wait(
            |r| r.emitted.len() == 5,
            |r| {
                r.emitted
                    .iter()
                    .map(|e| (e.event.clone(), e.asked_ack))
                    .collect()
            },
        )
        .await;
    assert_eq!(
        asked,
        [
            ("subscribe_market_prices".to_owned(), false),
            ("subscribe_positions".to_owned(), false),
            ("subscribe_order_events".to_owned(), false),
            ("subscribe_transactions".to_owned(), false),
            ("subscribe_market_lifecycle".to_owned(), false),
        ]
    );
    // Each confirmation reaches its own channel's streams.
    assert_eq!(
        notice(&mut prices).await,
        "Successfully subscribed to market price updates"
    );
    let StreamItem::Event(Event::System(confirmed)) = next(&mut positions).await else {
        panic!()
    };
    assert_eq!(
        confirmed.message,
        "Successfully subscribed to position updates"
    );
    // The documented `{addresses, slugs}` form, slugs first.
    assert_eq!(confirmed.markets, ["m", "0xAmm"]);
    assert_eq!(
        notice(&mut orders).await,
        "Successfully subscribed to order event updates"
    );
    server.emit(
        "orderEvent",
        &json!({"source": "OME", "type": "PLACEMENT", "orderId": "o1", "price": 0.42, "remainingSize": 10}),
    );
    let Event::Order(order) = next_event(&mut orders).await else {
        panic!()
    };
    assert_eq!(order.price, Some("0.42".parse().unwrap()));
    // Unsubscribing still asks for an ack, and waits for it.
    lifecycle.unsubscribe().await.unwrap();
    transactions.unsubscribe().await.unwrap();
    let unsubscribes: Vec<(String, bool)> = server
        .wait(
            |r| r.emitted.len() == 7,
            |r| {
                r.emitted[5..]
                    .iter()
                    .map(|e| (e.event.clone(), e.asked_ack))
                    .collect()
            },
        )
        .await;
    assert_eq!(
        unsubscribes,
        [
            ("unsubscribe_market_lifecycle".to_owned(), true),
            ("unsubscribe".to_owned(), true),
        ]
    );
    ws.shutdown().await;
}

/// The docs: an authentication failure arrives as an `exception`. One that
/// names a waiting subscribe fails it as a refusal (never a network
/// failure), and every stream sees the exception.
#[tokio::test]
async fn an_exception_naming_a_waiting_subscribe_refuses_it() {
    let server = Server::start(
        Script::default().answer("subscribe_order_events", Answer::Exception("Unauthorized")),
    )
    .await;
    let ws = server.signed().await;
    let mut all = ws.events();
    let error = ws.subscribe_order_events().await.unwrap_err();
    assert!(
        matches!(&error, Error::Refused { event: "subscribe_order_events", message } if message == "Unauthorized"),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "the server refused subscribe_order_events: Unauthorized"
    );
    let Event::Exception(exception) = next_event(&mut all).await else {
        panic!()
    };
    assert_eq!(exception.refused_event(), Some("subscribe_order_events"));
    // The connection is fine: another channel still subscribes.
    let prices = ws
        .subscribe_market_prices(SubscribeOptions::slugs(["m"]))
        .await
        .unwrap();
    assert_eq!(prices.subscribed(), Some(Subscribed::Confirmed));
    assert_eq!(server.read(|r| r.connections), 1);
    ws.shutdown().await;
}

/// An `exception` that names no event refuses the waiting subscribe only
/// when exactly one waits: it cannot be about another.
#[tokio::test]
async fn an_exception_naming_nothing_refuses_the_only_waiting_subscribe() {
    let server = Server::start(
        Script::default().answer("subscribe_positions", Answer::BareException("Forbidden")),
    )
    .await;
    let ws = server.signed().await;
    let error = ws
        .subscribe_positions(SubscribeOptions::slugs(["m"]))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Refused { event: "subscribe_positions", message } if message == "Forbidden"),
        "{error:?}"
    );
    ws.shutdown().await;
}

/// A gateway that neither confirms nor refuses: the subscription is kept
/// as unconfirmed after the timeout, its events arrive, and the server is
/// not asked to forget it.
#[tokio::test]
async fn a_subscribe_left_unconfirmed_is_kept_and_says_so() {
    let server =
        Server::start(Script::default().answer("subscribe_order_events", Answer::Silent)).await;
    let ws = server
        .client()
        .hmac_credentials(credentials())
        .ack_timeout(Duration::from_millis(300))
        .connect()
        .await
        .unwrap();
    let mut orders = ws.subscribe_order_events().await.unwrap();
    assert_eq!(
        orders.subscribed(),
        Some(Subscribed::Unconfirmed {
            timeout: Duration::from_millis(300)
        })
    );
    server.emit(
        "orderEvent",
        &json!({"source": "OME", "type": "PLACEMENT", "orderId": "kept"}),
    );
    let Event::Order(order) = next_event(&mut orders).await else {
        panic!()
    };
    assert_eq!(order.order_id.as_deref(), Some("kept"));
    assert!(server.read(|r| r.events("unsubscribe").is_empty()));
    ws.shutdown().await;
}

#[tokio::test]
async fn in_ack_mode_subscriptions_settle_on_namespaced_acks_with_sorted_deduplicated_payloads() {
    let server = Server::start(Script::default()).await;
    let ws = server
        .client()
        .hmac_credentials(credentials())
        .subscribe_mode(SubscribeMode::Ack)
        .connect()
        .await
        .unwrap();
    let prices = ws
        .subscribe_market_prices(
            SubscribeOptions::slugs(["b-market", "a-market", "b-market"]).address("0xAmm"),
        )
        .await
        .unwrap();
    assert_eq!(prices.channel(), Some(Channel::MarketPrices));
    // The ack comes before the notice.
    assert_eq!(prices.subscribed(), Some(Subscribed::Acknowledged));
    // Held: a dropped stream unsubscribes.
    let _orders = ws.subscribe_order_events().await.unwrap();
    let sports = ws
        .subscribe_live_sports(SubscribeOptions::new().filter("sport", "nba"))
        .await
        .unwrap();
    assert_eq!(sports.subscribed(), Some(Subscribed::Acknowledged));
    assert!(server.read(|r| r.emitted.iter().all(|e| e.asked_ack)));
    let emitted = server.emitted(3).await;
    assert_eq!(
        emitted,
        [
            (
                "subscribe_market_prices".to_owned(),
                json!({"marketSlugs": ["a-market", "b-market"], "marketAddresses": ["0xAmm"]})
            ),
            ("subscribe_order_events".to_owned(), json!({})),
            (
                "subscribe_live_sports".to_owned(),
                json!({"filters": {"sport": "nba"}})
            ),
        ]
    );
    ws.shutdown().await;
}

#[tokio::test]
async fn in_ack_mode_an_ack_with_an_error_is_a_refusal_carrying_the_message() {
    let server = Server::start(Script::default().answer(
        "subscribe_positions",
        Answer::Refuse("Authentication required"),
    ))
    .await;
    let ws = server
        .client()
        .hmac_credentials(credentials())
        .subscribe_mode(SubscribeMode::Ack)
        .connect()
        .await
        .unwrap();
    let error = ws
        .subscribe_positions(SubscribeOptions::slugs(["m"]))
        .await
        .unwrap_err();
    let Error::Refused { event, message } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(*event, "subscribe_positions");
    assert_eq!(message, "Authentication required");
    assert_eq!(
        error.to_string(),
        "the server refused subscribe_positions: Authentication required"
    );
    ws.shutdown().await;
}

#[tokio::test]
async fn in_ack_mode_no_answer_is_an_ack_timeout_and_the_subscription_is_dropped() {
    let server =
        Server::start(Script::default().answer("subscribe_live_esports", Answer::Silent)).await;
    let ws = server
        .client()
        .subscribe_mode(SubscribeMode::Ack)
        .ack_timeout(Duration::from_millis(300))
        .connect()
        .await
        .unwrap();
    let error = ws
        .subscribe_live_esports(SubscribeOptions::new())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::AckTimeout {
                event: "subscribe_live_esports",
                timeout
            } if timeout == Duration::from_millis(300)
        ),
        "{error:?}"
    );
    // The server is asked to forget it.
    let unsubscribe = server
        .wait(
            |r| !r.events("unsubscribe").is_empty(),
            |r| r.events("unsubscribe")[0].data.clone(),
        )
        .await;
    assert_eq!(unsubscribe, json!({"channel": "subscribe_live_esports"}));
    ws.shutdown().await;
}

/// Ack mode against a server that does not ack: kept as unconfirmed (the
/// server is not asked to forget it), and its events arrive.
#[tokio::test]
async fn in_ack_mode_an_unanswered_subscribe_is_kept_when_the_client_is_told_to() {
    let server =
        Server::start(Script::default().answer("subscribe_live_esports", Answer::Silent)).await;
    let ws = server
        .client()
        .subscribe_mode(SubscribeMode::Ack)
        .ack_timeout(Duration::from_millis(300))
        .keep_unacknowledged(true)
        .connect()
        .await
        .unwrap();
    let mut esports = ws
        .subscribe_live_esports(SubscribeOptions::new())
        .await
        .unwrap();
    assert_eq!(
        esports.subscribed(),
        Some(Subscribed::Unconfirmed {
            timeout: Duration::from_millis(300)
        })
    );
    server.emit("live_esports_update", &json!({"matchId": 7}));
    let Event::LiveEsports(update) = next_event(&mut esports).await else {
        panic!()
    };
    assert_eq!(update, json!({"matchId": 7}));
    assert!(server.read(|r| r.events("unsubscribe").is_empty()));
    ws.shutdown().await;
}

#[tokio::test]
async fn in_ack_mode_a_system_notice_confirms_a_market_prices_subscription_without_an_ack() {
    let server = Server::start(Script::default().answer(
        "subscribe_market_prices",
        Answer::Confirm("Successfully subscribed to market price updates"),
    ))
    .await;
    let ws = server
        .client()
        .subscribe_mode(SubscribeMode::Ack)
        .connect()
        .await
        .unwrap();
    let mut prices = ws
        .subscribe_market_prices(SubscribeOptions::slugs(["btc-daily"]))
        .await
        .unwrap();
    assert_eq!(prices.subscribed(), Some(Subscribed::Confirmed));
    // The notice itself reaches the stream.
    let StreamItem::Event(Event::System(notice)) = next(&mut prices).await else {
        panic!()
    };
    assert_eq!(
        notice.message,
        "Successfully subscribed to market price updates"
    );
    assert_eq!(notice.markets, ["btc-daily"]);
    ws.shutdown().await;
}

#[tokio::test]
async fn unsubscribing_drops_only_the_markets_no_other_stream_wants() {
    let server = Server::start(Script::default()).await;
    let ws = server.client().connect().await.unwrap();
    let first = prices(&ws, &["x", "y"]).await;
    let second = prices(&ws, &["y", "z"]).await;
    let lifecycle = ws.subscribe_market_lifecycle().await.unwrap();
    first.unsubscribe().await.unwrap();
    second.unsubscribe().await.unwrap();
    lifecycle.unsubscribe().await.unwrap();
    let emitted = server.emitted(6).await;
    assert_eq!(
        emitted,
        [
            // The server keeps one subscription per channel: the union.
            (
                "subscribe_market_prices".to_owned(),
                json!({"marketSlugs": ["x", "y"]})
            ),
            (
                "subscribe_market_prices".to_owned(),
                json!({"marketSlugs": ["x", "y", "z"]})
            ),
            ("subscribe_market_lifecycle".to_owned(), json!({})),
            (
                "unsubscribe".to_owned(),
                json!({"channel": "subscribe_market_prices", "marketSlugs": ["x"]})
            ),
            (
                "unsubscribe".to_owned(),
                json!({"channel": "subscribe_market_prices", "marketSlugs": ["y", "z"]})
            ),
            ("unsubscribe_market_lifecycle".to_owned(), json!({})),
        ]
    );
    ws.shutdown().await;
}

#[tokio::test]
async fn a_refused_unsubscribe_is_reported_and_the_stream_is_gone() {
    let server =
        Server::start(Script::default().answer("unsubscribe", Answer::Refuse("not subscribed")))
            .await;
    let ws = server.signed().await;
    let orders = ws.subscribe_order_events().await.unwrap();
    let error = orders.unsubscribe().await.unwrap_err();
    assert!(
        matches!(&error, Error::Refused { event: "unsubscribe", message } if message == "not subscribed"),
        "{error:?}"
    );
    ws.shutdown().await;
}

#[tokio::test]
async fn streams_of_one_channel_must_agree_on_filters() {
    let server = Server::start(Script::default()).await;
    let ws = server.client().connect().await.unwrap();
    let _nba = ws
        .subscribe_live_sports(SubscribeOptions::new().filter("sport", "nba"))
        .await
        .unwrap();
    let error = ws
        .subscribe_live_sports(SubscribeOptions::new().filter("sport", "nfl"))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidInput(_)), "{error:?}");
    // Only the first reached the server.
    assert_eq!(server.read(|r| r.events("subscribe_live_sports").len()), 1);
    ws.shutdown().await;
}
