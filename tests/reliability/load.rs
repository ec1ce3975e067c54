//! A thousand delegated orders sent at once from one `Client`: every one
//! completes, the sandbox holds each exactly once, and the market's venue
//! was looked up once for all of them.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use limitless_client::http::{Method, Request};
use limitless_client::{Client, CreateDelegatedOrderParams, Decimal, Side, Transport};
use limitless_sandbox::{OrderStatus, Sandbox};
use limitless_transport::{Bytes, ReqwestTransport, SharedTransport, transport_fn};

use crate::support::{builder, credentials, derive, legacy_market, sub_account};

const ORDERS: usize = 1_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_orders_from_one_client_are_each_placed_once() {
    crate::trace_capture::install();
    let sandbox = Sandbox::builder().start().await.unwrap();
    let derived = derive(&sandbox, "load").await;
    let market = legacy_market(&sandbox);
    // The client's requests go through reqwest, counting market lookups.
    let lookups = Arc::new(AtomicUsize::new(0));
    let transport = {
        let reqwest = SharedTransport::new(ReqwestTransport::new().unwrap());
        let lookups = Arc::clone(&lookups);
        let market_path = format!("/markets/{}", market.slug);
        transport_fn(move |request: Request<Bytes>| {
            if request.method() == Method::GET && request.uri().path() == market_path {
                lookups.fetch_add(1, Ordering::SeqCst);
            }
            let reqwest = reqwest.clone();
            async move { reqwest.send(request).await }
        })
    };
    let http = builder(&sandbox)
        .hmac_credentials(credentials(&derived))
        .transport(transport)
        .build()
        .unwrap();
    let client = Arc::new(Client::from_http_client(http).unwrap());
    let mut owners = Vec::new();
    for name in ["load-a", "load-b", "load-c", "load-d"] {
        owners.push(sub_account(&client, name).await);
    }

    // Bids from 0.001 to 0.250, one share each: nothing crosses, so every
    // order rests on the book.
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..ORDERS {
        let client = Arc::clone(&client);
        let price = Decimal::new(i64::try_from(i % 250).unwrap() + 1, 3);
        let order = CreateDelegatedOrderParams::gtc(
            &market.slug,
            &market.yes_token_id,
            Side::Buy,
            price,
            1,
            owners[i % owners.len()],
        );
        tasks.spawn(async move { client.delegated_orders.create_order(&order).await });
    }
    let all = async {
        let mut placed = Vec::with_capacity(ORDERS);
        while let Some(result) = tasks.join_next().await {
            let response = result.unwrap().expect("every order completes");
            placed.push(response.order);
        }
        placed
    };
    // A liveness guard only: a hang fails instead of blocking the suite.
    let placed = tokio::time::timeout(Duration::from_secs(120), all)
        .await
        .expect("the orders finish");

    let ids: HashSet<_> = placed.iter().map(|o| o.id.clone()).collect();
    let salts: HashSet<_> = placed
        .iter()
        .map(|o| o.salt.expect("salt echoed"))
        .collect();
    assert_eq!((ids.len(), salts.len()), (ORDERS, ORDERS));
    // A thousand orders on a market the client had not seen: one lookup of
    // its venue, shared by all.
    assert_eq!(lookups.load(Ordering::SeqCst), 1);

    let book = sandbox.orders();
    assert_eq!(book.len(), ORDERS);
    assert_eq!(sandbox.order_count(), ORDERS);
    let book_ids: HashSet<_> = book.iter().map(|o| o.id.clone()).collect();
    let book_salts: HashSet<_> = book.iter().map(|o| o.salt).collect();
    assert_eq!(book_ids, ids);
    assert_eq!(book_salts, salts);
    assert!(book.iter().all(|o| o.status == OrderStatus::Live));

    // The public book shows all thousand shares, at the 250 prices used.
    let levels = client.markets.get_order_book(&market.slug).await.unwrap();
    let shares: Decimal = levels.bids.iter().map(|l| l.size.to_shares()).sum();
    assert_eq!(shares, Decimal::from(ORDERS));
    let prices: BTreeSet<_> = levels.bids.iter().map(|l| l.price).collect();
    assert_eq!(prices.len(), 250);
    assert!(levels.asks.is_empty());
    sandbox.shutdown().await;
}
