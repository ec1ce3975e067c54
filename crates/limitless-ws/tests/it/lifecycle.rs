//! Ending: a shutdown leaves the namespace and ends every stream; so does
//! dropping every handle.

use limitless_ws::Error;

use crate::support::{Script, Server, prices};

#[tokio::test]
async fn shutdown_leaves_the_namespace_and_ends_every_stream() {
    let server = Server::start(Script::default()).await;
    let ws = server.client().connect().await.unwrap();
    let mut prices = prices(&ws, &["m"]).await;
    let mut all = ws.events();
    let other_handle = ws.clone();

    ws.shutdown().await;
    assert!(futures_util::StreamExt::next(&mut prices).await.is_none());
    assert!(futures_util::StreamExt::next(&mut all).await.is_none());
    // The server saw the client leave the namespace.
    let reasons = server.disconnects().await;
    assert_eq!(reasons, ["ClientNSDisconnect"]);

    assert!(other_handle.is_closed());
    let error = other_handle.subscribe_market_lifecycle().await.unwrap_err();
    assert!(matches!(error, Error::Closed), "{error:?}");
    assert!(
        futures_util::StreamExt::next(&mut other_handle.events())
            .await
            .is_none()
    );
    // A second shutdown returns at once.
    other_handle.shutdown().await;
}

#[tokio::test]
async fn dropping_every_handle_shuts_down() {
    let server = Server::start(Script::default()).await;
    let ws = server.client().connect().await.unwrap();
    let mut prices = prices(&ws, &["m"]).await;
    drop(ws);
    assert!(futures_util::StreamExt::next(&mut prices).await.is_none());
    let reasons = server.disconnects().await;
    assert_eq!(reasons, ["ClientNSDisconnect"]);
}
