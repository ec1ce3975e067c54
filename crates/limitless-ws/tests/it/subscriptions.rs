//! Subscribing and unsubscribing: payloads as the server receives them,
//! namespaced acks, refusals, timeouts, confirmation by notice.

use std::time::Duration;

use limitless_ws::{Channel, Error, Event, StreamItem, SubscribeOptions};
use serde_json::json;

use crate::support::{Answer, Script, Server, next, next_event, prices};

#[tokio::test]
async fn subscriptions_settle_on_namespaced_acks_with_sorted_deduplicated_payloads() {
    let server = Server::start(Script::default()).await;
    let ws = server.signed().await;
    let prices = ws
        .subscribe_market_prices(
            SubscribeOptions::slugs(["b-market", "a-market", "b-market"]).address("0xAmm"),
        )
        .await
        .unwrap();
    assert_eq!(prices.channel(), Some(Channel::MarketPrices));
    // Held: a dropped stream unsubscribes.
    let _orders = ws.subscribe_order_events().await.unwrap();
    let _sports = ws
        .subscribe_live_sports(SubscribeOptions::new().filter("sport", "nba"))
        .await
        .unwrap();
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
async fn an_ack_with_an_error_is_a_refusal_carrying_the_message() {
    let server = Server::start(Script::default().answer(
        "subscribe_positions",
        Answer::Refuse("Authentication required"),
    ))
    .await;
    let ws = server.signed().await;
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
async fn no_answer_is_an_ack_timeout_and_the_subscription_is_dropped() {
    let server =
        Server::start(Script::default().answer("subscribe_live_esports", Answer::Silent)).await;
    let ws = server
        .client()
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

/// For a gateway that never acks: kept as sent (the server is not asked
/// to forget it), and its events arrive.
#[tokio::test]
async fn an_unanswered_subscribe_is_kept_when_the_client_is_told_to() {
    let server =
        Server::start(Script::default().answer("subscribe_live_esports", Answer::Silent)).await;
    let ws = server
        .client()
        .ack_timeout(Duration::from_millis(300))
        .keep_unacknowledged(true)
        .connect()
        .await
        .unwrap();
    let mut esports = ws
        .subscribe_live_esports(SubscribeOptions::new())
        .await
        .unwrap();
    server.emit("live_esports_update", &json!({"matchId": 7}));
    let Event::LiveEsports(update) = next_event(&mut esports).await else {
        panic!()
    };
    assert_eq!(update, json!({"matchId": 7}));
    assert!(server.read(|r| r.events("unsubscribe").is_empty()));
    ws.shutdown().await;
}

#[tokio::test]
async fn a_system_notice_confirms_a_market_prices_subscription_without_an_ack() {
    let server = Server::start(Script::default().answer(
        "subscribe_market_prices",
        Answer::Confirm("Successfully subscribed to market price updates"),
    ))
    .await;
    let ws = server.client().connect().await.unwrap();
    let mut prices = prices(&ws, &["btc-daily"]).await;
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
