//! Losing the connection: every stream is told, the handshake is signed
//! afresh, subscriptions are renewed, and streams learn when it is over.

use std::time::Duration;

use limitless_ws::{
    Error, Event, EventStream, ReconnectPolicy, StreamItem, SubscribeMode, SubscribeOptions,
    WsClient,
};
use serde_json::json;

use crate::raw::SilentServer;
use crate::support::{
    Answer, Proxy, Script, Server, TOKEN_ID, credentials, next, next_event, prices,
};

fn quick() -> ReconnectPolicy {
    ReconnectPolicy::new()
        .initial_delay(Duration::from_millis(20))
        .max_delay(Duration::from_millis(100))
        .jitter(false)
}

/// A client signed with [`credentials`] that reaches `server` through
/// `proxy` and reconnects quickly.
async fn through(server: &Server, proxy: &Proxy) -> WsClient {
    server
        .client()
        .url(proxy.url())
        .hmac_credentials(credentials())
        .reconnect(quick())
        .connect()
        .await
        .unwrap()
}

/// Reads notices until `Reconnected`, returning the `Reconnecting` items
/// seen (events in between are skipped).
async fn until_reconnected(stream: &mut EventStream) -> Vec<(u32, Error)> {
    let mut attempts = Vec::new();
    loop {
        match next(stream).await {
            StreamItem::Reconnecting { attempt, reason } => attempts.push((attempt, reason)),
            StreamItem::Reconnected => return attempts,
            StreamItem::Event(_) => {}
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test]
async fn a_dropped_connection_is_renewed_with_a_fresh_signature_and_the_same_subscriptions() {
    let server = Server::start(Script {
        require_auth: true,
        ..Script::default()
    })
    .await;
    let proxy = Proxy::start(server.addr).await;
    let ws = through(&server, &proxy).await;
    let mut prices = prices(&ws, &["m"]).await;
    let mut orders = ws.subscribe_order_events().await.unwrap();
    server.wait(|r| r.emitted.len() == 2, |_| ()).await;

    server.clock.advance(Duration::from_secs(5));
    proxy.cut();

    for stream in [&mut prices, &mut orders] {
        let attempts = until_reconnected(stream).await;
        let (attempt, reason) = &attempts[0];
        assert_eq!(*attempt, 1);
        assert!(
            matches!(reason, Error::ConnectionLost(_) | Error::WebSocket(_)),
            "{reason:?}"
        );
    }
    let (handshakes, renewed) = server
        .wait(
            |r| r.emitted.iter().filter(|e| e.connection == 2).count() == 2,
            |r| {
                let renewed: Vec<_> = r
                    .emitted
                    .iter()
                    .filter(|e| e.connection == 2)
                    .map(|e| (e.event.clone(), e.data.clone()))
                    .collect();
                (r.handshakes.clone(), renewed)
            },
        )
        .await;
    // Signed afresh: two timestamps, both verified.
    let stamps: Vec<_> = handshakes
        .iter()
        .map(|h| h.timestamp.clone().unwrap())
        .collect();
    assert_eq!(
        stamps,
        ["2026-03-23T12:34:56.789Z", "2026-03-23T12:35:01.789Z"]
    );
    assert!(
        handshakes
            .iter()
            .all(|h| h.verified == Some(Ok(TOKEN_ID.to_owned())))
    );
    assert_eq!(
        renewed,
        [
            (
                "subscribe_market_prices".to_owned(),
                json!({"marketSlugs": ["m"]})
            ),
            ("subscribe_order_events".to_owned(), json!({})),
        ]
    );

    // The renewed subscriptions carry events again.
    server.emit(
        "orderEvent",
        &json!({"source": "OME", "type": "PLACEMENT", "orderId": "after"}),
    );
    let Event::Order(order) = next_event(&mut orders).await else {
        panic!()
    };
    assert_eq!(order.order_id.as_deref(), Some("after"));
    ws.shutdown().await;
}

#[tokio::test]
async fn the_server_leaving_the_namespace_is_a_lost_connection() {
    let server = Server::start(Script::default()).await;
    let ws = server.client().reconnect(quick()).connect().await.unwrap();
    let mut lifecycle = ws.subscribe_market_lifecycle().await.unwrap();
    server.kick();
    let attempts = until_reconnected(&mut lifecycle).await;
    assert!(
        matches!(
            attempts[0],
            (1, Error::ConnectionLost("the server left the namespace"))
        ),
        "{attempts:?}"
    );
    let renewed = server
        .wait(
            |r| r.events("subscribe_market_lifecycle").len() == 2,
            |r| r.events("subscribe_market_lifecycle")[1].connection,
        )
        .await;
    assert_eq!(renewed, 2);
    ws.shutdown().await;
}

#[tokio::test]
async fn a_server_that_stops_pinging_is_treated_as_dead() {
    let server = SilentServer::start().await;
    let ws = limitless_ws::WsClient::builder()
        .url(server.url())
        .reconnect(quick())
        .connect()
        .await
        .unwrap();
    let mut all = ws.events();
    // pingInterval 200 ms + pingTimeout 100 ms without a ping.
    let attempts = until_reconnected(&mut all).await;
    assert!(
        matches!(attempts[0], (1, Error::HeartbeatTimeout(d)) if d == Duration::from_millis(300)),
        "{attempts:?}"
    );
    let mut connections = server.connections.clone();
    connections.wait_for(|n| *n >= 2).await.unwrap();
    ws.shutdown().await;
}

#[tokio::test]
async fn when_attempts_run_out_every_stream_is_closed_with_the_reason() {
    let server = Server::start(Script::default()).await;
    let proxy = Proxy::start(server.addr).await;
    let ws = server
        .client()
        .url(proxy.url())
        .reconnect(quick().max_attempts(2))
        .connect()
        .await
        .unwrap();
    let mut lifecycle = ws.subscribe_market_lifecycle().await.unwrap();
    // The proxy goes away: the connection drops and nothing listens.
    proxy.stop().await;

    let mut attempts = Vec::new();
    let closed = loop {
        match next(&mut lifecycle).await {
            StreamItem::Reconnecting { attempt, .. } => attempts.push(attempt),
            StreamItem::Closed(error) => break error,
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(attempts, [1, 2]);
    let Error::ReconnectFailed { attempts, last } = &closed else {
        panic!("{closed:?}")
    };
    assert_eq!(*attempts, 2);
    assert!(matches!(**last, Error::WebSocket(_)), "{last:?}");
    assert!(
        futures_util::StreamExt::next(&mut lifecycle)
            .await
            .is_none()
    );
    assert!(ws.is_closed());
    assert!(matches!(
        ws.subscribe_market_lifecycle().await,
        Err(Error::Closed)
    ));
}

#[tokio::test]
async fn a_renewal_the_server_refuses_closes_that_channels_streams_only() {
    let server = Server::start(Script::default()).await;
    let proxy = Proxy::start(server.addr).await;
    let ws = through(&server, &proxy).await;
    let mut positions = ws
        .subscribe_positions(SubscribeOptions::slugs(["m"]))
        .await
        .unwrap();
    let mut prices = prices(&ws, &["m"]).await;

    server.set_script(
        Script::default().answer("subscribe_positions", Answer::Exception("token revoked")),
    );
    proxy.cut();

    until_reconnected(&mut prices).await;
    let closed = loop {
        match next(&mut positions).await {
            // The first connection's confirmation, then the attempts.
            StreamItem::Event(Event::System(_)) | StreamItem::Reconnecting { .. } => {}
            StreamItem::Closed(error) => break error,
            other => panic!("{other:?}"),
        }
    };
    assert!(
        matches!(&closed, Error::Refused { event: "subscribe_positions", message } if message == "token revoked"),
        "{closed:?}"
    );
    assert!(
        futures_util::StreamExt::next(&mut positions)
            .await
            .is_none()
    );
    ws.shutdown().await;
}

/// A re-subscription the server leaves unanswered (in either mode) is
/// kept: the streams learn the connection is back, and it is never taken
/// for a dead connection.
#[tokio::test]
async fn a_renewal_left_unanswered_is_kept_and_never_a_dead_connection() {
    for mode in [SubscribeMode::Notice, SubscribeMode::Ack] {
        let server = Server::start(Script::default()).await;
        let proxy = Proxy::start(server.addr).await;
        let ws = server
            .client()
            .url(proxy.url())
            .hmac_credentials(credentials())
            .reconnect(quick())
            .subscribe_mode(mode)
            .ack_timeout(Duration::from_millis(300))
            .connect()
            .await
            .unwrap();
        let mut orders = ws.subscribe_order_events().await.unwrap();
        server.set_script(Script::default().answer("subscribe_order_events", Answer::Silent));
        proxy.cut();
        let attempts = until_reconnected(&mut orders).await;
        assert_eq!(attempts.len(), 1, "{mode:?}: {attempts:?}");
        server.emit(
            "orderEvent",
            &json!({"source": "OME", "type": "PLACEMENT", "orderId": "after"}),
        );
        let Event::Order(order) = next_event(&mut orders).await else {
            panic!()
        };
        assert_eq!(order.order_id.as_deref(), Some("after"), "{mode:?}");
        // One reconnection only: the unanswered renewal did not drop it.
        assert_eq!(server.read(|r| r.connections), 2, "{mode:?}");
        let renewal = server.read(|r| r.events("subscribe_order_events")[1].asked_ack);
        assert_eq!(renewal, mode == SubscribeMode::Ack);
        ws.shutdown().await;
    }
}
