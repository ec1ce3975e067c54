//! A book kept from a real stream.

use limitless_ws::{Level, MicroShares};
use serde_json::json;

use crate::support::{Script, Server};

fn level(price: &str, micro: u64) -> Level {
    Level {
        price: price.parse().unwrap(),
        size: MicroShares::from_micro(micro),
    }
}

#[tokio::test]
async fn a_book_watcher_applies_snapshots_and_ignores_older_versions() {
    let server = Server::start(Script::default()).await;
    let ws = server.client().connect().await.unwrap();
    let mut watcher = ws.order_book("btc-daily").await.unwrap();
    assert!(watcher.is_stale());
    let emitted = server
        .wait(|r| r.emitted.len() == 1, |r| r.emitted[0].data.clone())
        .await;
    assert_eq!(emitted, json!({"marketSlugs": ["btc-daily"]}));

    let snapshot = |version: u64, best_bid: f64| {
        json!({
            "marketSlug": "btc-daily",
            "version": version,
            "orderbook": {
                "bids": [{"price": 0.01, "size": 1_000_000}, {"price": best_bid, "size": 83_334_000}, {"price": 0.3, "size": 5_000_000}],
                "asks": [{"price": 0.99, "size": 1_000_000}, {"price": 0.52, "size": 550_000_000}],
                "tokenId": "7"
            }
        })
    };
    server.emit("orderbookUpdate", &snapshot(10, 0.45));
    server.emit("orderbookUpdate", &snapshot(9, 0.05));
    server.emit(
        "orderbookUpdate",
        &json!({"marketSlug": "other", "version": 99, "orderbook": {"bids": [], "asks": []}}),
    );
    server.emit("orderbookUpdate", &snapshot(11, 0.47));

    watcher.changed().await.unwrap();
    assert!(!watcher.is_stale());
    let book = watcher.book();
    assert_eq!(book.version(), Some(10));
    assert_eq!(book.best_bid(), Some(level("0.45", 83_334_000)));
    assert_eq!(book.best_ask(), Some(level("0.52", 550_000_000)));
    assert_eq!(
        book.depth(2).bids,
        [level("0.45", 83_334_000), level("0.3", 5_000_000)]
    );
    assert_eq!(
        book.depth(5).asks,
        [level("0.52", 550_000_000), level("0.99", 1_000_000)]
    );
    assert_eq!(book.spread(), Some("0.07".parse().unwrap()));
    assert_eq!(book.midpoint(), Some("0.485".parse().unwrap()));

    // Version 9 and the other market are skipped: the next change is 11.
    watcher.changed().await.unwrap();
    assert_eq!(watcher.book().version(), Some(11));
    assert_eq!(watcher.book().best_bid(), Some(level("0.47", 83_334_000)));
    watcher.unsubscribe().await.unwrap();
    ws.shutdown().await;
}
