//! Connecting: the signed upgrade as the server verifies it, and every way
//! the first connection fails, each a typed error, never retried.

use std::time::Duration;

use limitless_ws::{Channel, Error, HmacCredentials, SDK_ID, SubscribeOptions};
use tokio::net::TcpListener;

use crate::support::{Script, Server, TOKEN_ID};

#[tokio::test]
async fn the_server_verifies_the_signed_handshake() {
    let server = Server::start(Script {
        require_auth: true,
        ..Script::default()
    })
    .await;
    let ws = server.signed().await;
    let seen = server
        .wait(|r| r.connections == 1, |r| r.handshakes.clone())
        .await;
    assert_eq!(seen.len(), 1);
    let handshake = &seen[0];
    assert_eq!(
        handshake.path_and_query,
        "/socket.io/?EIO=4&transport=websocket"
    );
    assert_eq!(handshake.api_key.as_deref(), Some(TOKEN_ID));
    assert_eq!(
        handshake.timestamp.as_deref(),
        Some("2026-03-23T12:34:56.789Z")
    );
    assert_eq!(handshake.verified, Some(Ok(TOKEN_ID.to_owned())));
    assert_eq!(handshake.x_api_key, None);
    assert_eq!(handshake.user_agent.as_deref(), Some(SDK_ID));
    assert_eq!(handshake.sdk_version.as_deref(), Some(SDK_ID));
    assert!(SDK_ID.starts_with("limitless-ws/"));

    // An authenticated connection may open the private channels.
    let _orders = ws.subscribe_order_events().await.unwrap();
    ws.shutdown().await;
}

#[tokio::test]
async fn a_refused_signature_fails_the_first_connect_with_its_status_and_is_not_retried() {
    let server = Server::start(Script {
        require_auth: true,
        ..Script::default()
    })
    .await;
    // base64("another-secret"): a well-formed secret the server does not hold.
    let wrong = HmacCredentials::new(TOKEN_ID, "YW5vdGhlci1zZWNyZXQ=");
    let error = server
        .client()
        .hmac_credentials(wrong)
        .connect()
        .await
        .unwrap_err();
    let Error::HandshakeRefused { status, body } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(*status, 401);
    assert_eq!(
        body,
        r#"{"message":"signature does not match the request"}"#
    );
    assert!(
        error
            .to_string()
            .starts_with("the server refused the WebSocket handshake with HTTP 401: ")
    );
    assert_eq!(server.read(|r| r.handshakes.len()), 1);
    assert_eq!(server.read(|r| r.connections), 0);
}

#[tokio::test]
async fn missing_credentials_are_refused_by_a_server_that_requires_them() {
    let server = Server::start(Script {
        require_auth: true,
        ..Script::default()
    })
    .await;
    let error = server.client().connect().await.unwrap_err();
    assert!(
        matches!(&error, Error::HandshakeRefused { status: 401, body } if body == r#"{"message":"Authentication required"}"#),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_api_key_is_sent_as_x_api_key_without_hmac_headers() {
    let server = Server::start(Script::default()).await;
    let ws = server
        .client()
        .api_key("lmts_legacy")
        .connect()
        .await
        .unwrap();
    let handshake = server
        .wait(|r| r.connections == 1, |r| r.handshakes[0].clone())
        .await;
    assert_eq!(handshake.x_api_key.as_deref(), Some("lmts_legacy"));
    assert_eq!(handshake.api_key, None);
    assert_eq!(handshake.timestamp, None);
    assert!(ws.has_credentials());
    ws.shutdown().await;
}

#[tokio::test]
async fn a_refused_namespace_is_a_typed_error() {
    let server = Server::start(Script {
        refuse_namespace: Some("banned for the test"),
        ..Script::default()
    })
    .await;
    let error = server.client().connect().await.unwrap_err();
    let Error::ConnectRefused { namespace, message } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(namespace, "/markets");
    assert_eq!(message, "banned for the test");
}

#[tokio::test]
async fn a_server_that_never_answers_is_a_connect_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // Accepts the TCP connection and says nothing.
    let held = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        std::future::pending::<()>().await;
        drop(socket);
    });
    let error = limitless_ws::WsClient::builder()
        .url(format!("ws://{addr}"))
        .connect_timeout(Duration::from_millis(300))
        .connect()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::ConnectTimeout(d) if d == Duration::from_millis(300)),
        "{error:?}"
    );
    held.abort();
}

#[tokio::test]
async fn a_closed_port_is_a_websocket_error() {
    let refusing = limitless_testkit::RefusingPort::new();
    let error = limitless_ws::WsClient::builder()
        .url(refusing.url("ws"))
        .connect()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::WebSocket(_)), "{error:?}");
    assert_eq!(error.to_string(), "WebSocket error");
    assert!(std::error::Error::source(&error).is_some());
}

#[tokio::test]
async fn private_channels_without_credentials_are_refused_before_any_io() {
    let server = Server::start(Script::default()).await;
    let ws = server.client().connect().await.unwrap();
    assert!(!ws.has_credentials());
    for channel in [
        Channel::Positions,
        Channel::Transactions,
        Channel::OrderEvents,
    ] {
        let error = ws
            .subscribe(channel, SubscribeOptions::new())
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::AuthenticationRequired { channel: c } if c == channel),
            "{error:?}"
        );
        assert_eq!(
            error.to_string(),
            format!("{channel} needs HMAC credentials or an API key, and the client has neither")
        );
    }
    // A public channel goes through; it is the only thing the server saw.
    let _lifecycle = ws.subscribe_market_lifecycle().await.unwrap();
    let emitted = server
        .wait(
            |r| !r.emitted.is_empty(),
            |r| {
                r.emitted
                    .iter()
                    .map(|e| e.event.clone())
                    .collect::<Vec<_>>()
            },
        )
        .await;
    assert_eq!(emitted, ["subscribe_market_lifecycle"]);
    ws.shutdown().await;
}
