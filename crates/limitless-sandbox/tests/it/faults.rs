//! The fault mode: an order placed for real whose answer never arrives.

use limitless_sandbox::{OrderStatus, Sandbox};
use limitless_types::{OrderType, Side};
use reqwest::Method;
use tokio::io::AsyncWriteExt as _;

use crate::support::{Fixture, limit_order, raw_signed_request, read_until_closed};

#[tokio::test]
async fn a_dropped_placement_closes_the_socket_without_a_response() {
    let fx = Fixture::start().await;
    let token = fx.partner_token().await;
    let owner = fx.sub_account(&token, "unknown outcome").await;
    let market = fx.sandbox.markets()[0].clone();
    fx.sandbox.faults().drop_after_placing(1);
    assert_eq!(fx.sandbox.faults().pending_placement_drops(), 1);

    let body = limit_order(OrderType::Gtc, &market, Side::Buy, "0.3", "2", owner, 300);
    let mut stream = tokio::net::TcpStream::connect(fx.sandbox.addr())
        .await
        .unwrap();
    stream
        .write_all(&raw_signed_request(
            &fx,
            &token,
            "POST",
            "/orders",
            Some(&body),
        ))
        .await
        .unwrap();
    let received = read_until_closed(&mut stream)
        .await
        .expect("the server must close the connection");
    assert!(
        received.is_empty(),
        "no HTTP response may be written, got {:?}",
        String::from_utf8_lossy(&received)
    );

    // The order was placed all the same.
    let orders = fx.sandbox.orders();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].owner_id, owner);
    assert_eq!(orders[0].status, OrderStatus::Live);
    assert_eq!(orders[0].salt, body["order"]["salt"].as_u64().unwrap());
    let owner_id = owner.to_string();
    let mine = fx
        .signed_at(
            &token.signer,
            crate::support::now(),
            Method::GET,
            &format!("/markets/{}/user-orders", market.slug),
            None,
            &[("x-on-behalf-of", &owner_id)],
        )
        .await
        .expect(200);
    assert_eq!(mine.body[0]["id"], orders[0].id.as_str());
    assert_eq!(mine.body[0]["status"], "LIVE");

    // The count is used up: the next placement is answered.
    assert_eq!(fx.sandbox.faults().pending_placement_drops(), 0);
    let body = limit_order(OrderType::Gtc, &market, Side::Buy, "0.3", "1", owner, 300);
    fx.signed(&token, Method::POST, "/orders", Some(&body))
        .await
        .expect(201);
    assert_eq!(fx.sandbox.order_count(), 2);
}

#[tokio::test]
async fn refused_orders_are_answered_and_do_not_use_up_a_drop() {
    let sandbox = Sandbox::builder()
        .drop_connection_after_placing(1)
        .start()
        .await
        .unwrap();
    let fx = Fixture::with(sandbox);
    let token = fx.partner_token().await;
    let owner = fx.sub_account(&token, "refused").await;
    let market = fx.sandbox.markets()[0].clone();
    // Fee below the base rate: refused, answered, the drop still pending.
    let bad = limit_order(OrderType::Gtc, &market, Side::Buy, "0.3", "1", owner, 0);
    fx.signed(&token, Method::POST, "/orders", Some(&bad))
        .await
        .expect(400);
    assert_eq!(fx.sandbox.faults().pending_placement_drops(), 1);

    let good = limit_order(OrderType::Gtc, &market, Side::Buy, "0.3", "1", owner, 300);
    let error = fx
        .signed_request(
            &token.signer,
            crate::support::now(),
            Method::POST,
            "/orders",
            Some(&good),
            &[],
        )
        .send()
        .await
        .expect_err("the client sees a broken connection");
    assert!(!error.is_status(), "{error}");
    assert_eq!(fx.sandbox.order_count(), 1);
}

#[tokio::test]
async fn every_placement_drops_while_switched_on() {
    let fx = Fixture::start().await;
    let token = fx.partner_token().await;
    let owner = fx.sub_account(&token, "always").await;
    let market = fx.sandbox.markets()[0].clone();
    // The sells need shares to offer: 1 + 2 + 3 + 4.
    fx.sandbox
        .deposit_shares(owner, &market.yes_token_id, 10_000_000);
    fx.sandbox.faults().drop_every_placement(true);
    for size in ["1", "2", "3"] {
        let body = limit_order(OrderType::Gtc, &market, Side::Sell, "0.9", size, owner, 300);
        let request = fx.signed_request(
            &token.signer,
            crate::support::now(),
            Method::POST,
            "/orders",
            Some(&body),
            &[],
        );
        assert!(request.send().await.is_err());
    }
    assert_eq!(fx.sandbox.order_count(), 3);
    // Other routes keep answering meanwhile.
    fx.signed(&token, Method::GET, "/profiles/me", None)
        .await
        .expect(200);
    fx.sandbox.faults().clear();
    let body = limit_order(OrderType::Gtc, &market, Side::Sell, "0.9", "4", owner, 300);
    fx.signed(&token, Method::POST, "/orders", Some(&body))
        .await
        .expect(201);
    assert_eq!(fx.sandbox.order_count(), 4);
}

/// Sends a raw signed request and returns what came back before the server
/// closed the connection (or ended the answer).
async fn raw_exchange(fx: &Fixture, request: &[u8]) -> Vec<u8> {
    let mut stream = tokio::net::TcpStream::connect(fx.sandbox.addr())
        .await
        .unwrap();
    stream.write_all(request).await.unwrap();
    read_until_closed(&mut stream)
        .await
        .expect("the server must close the connection")
}

#[tokio::test]
async fn a_reset_before_handling_carries_nothing_out_and_writes_nothing() {
    let fx = Fixture::start().await;
    let token = fx.partner_token().await;
    let owner = fx.sub_account(&token, "reset before").await;
    let market = fx.sandbox.markets()[0].clone();
    fx.sandbox.faults().reset_before_handling(1);

    let body = limit_order(OrderType::Gtc, &market, Side::Buy, "0.3", "2", owner, 300);
    let request = raw_signed_request(&fx, &token, "POST", "/orders", Some(&body));
    let received = raw_exchange(&fx, &request).await;
    assert!(
        received.is_empty(),
        "{:?}",
        String::from_utf8_lossy(&received)
    );
    assert_eq!(fx.sandbox.order_count(), 0, "nothing may be placed");

    // Used up: the very same order is placed now.
    fx.signed(&token, Method::POST, "/orders", Some(&body))
        .await
        .expect(201);
    assert_eq!(fx.sandbox.order_count(), 1);
}

#[tokio::test]
async fn a_reset_after_handling_carries_any_request_out_and_writes_nothing() {
    let fx = Fixture::start().await;
    let token = fx.partner_token().await;
    let owner = fx.sub_account(&token, "reset after").await;
    let market = fx.sandbox.markets()[0].clone();
    let body = limit_order(OrderType::Gtc, &market, Side::Buy, "0.3", "2", owner, 300);
    let placed = fx
        .signed(&token, Method::POST, "/orders", Some(&body))
        .await
        .expect(201);
    let id = placed.body["order"]["id"].as_str().unwrap().to_owned();

    // A cancel (not a placement) loses its answer but takes effect.
    fx.sandbox.faults().reset_after_handling(1);
    let path = format!("/orders/{id}?onBehalfOf={owner}");
    let received = raw_exchange(&fx, &raw_signed_request(&fx, &token, "DELETE", &path, None)).await;
    assert!(
        received.is_empty(),
        "{:?}",
        String::from_utf8_lossy(&received)
    );
    assert_eq!(fx.sandbox.orders()[0].status, OrderStatus::Cancelled);

    // Used up: the next request is answered.
    fx.signed(&token, Method::GET, "/auth/api-tokens", None)
        .await
        .expect(200);
}

#[tokio::test]
async fn bursts_of_503_and_429_carry_retry_after_seconds_and_handle_nothing() {
    let fx = Fixture::start().await;
    let token = fx.partner_token().await;
    let owner = fx.sub_account(&token, "bursts").await;
    let market = fx.sandbox.markets()[0].clone();
    let body = limit_order(OrderType::Gtc, &market, Side::Buy, "0.3", "2", owner, 300);

    fx.sandbox
        .faults()
        .retry_after_seconds(3)
        .unavailable_next(2)
        .throttle_next(1);
    for status in [503, 503, 429] {
        let reply = fx
            .signed(&token, Method::POST, "/orders", Some(&body))
            .await
            .expect(status);
        assert_eq!(reply.body["retryAfterSeconds"], 3, "{}", reply.body);
        assert_eq!(reply.body["statusCode"], status);
        assert!(reply.body.get("mode").is_none(), "not a maintenance window");
        assert_eq!(reply.headers["retry-after"], "3");
    }
    assert_eq!(fx.sandbox.order_count(), 0, "nothing may be placed");
    fx.signed(&token, Method::POST, "/orders", Some(&body))
        .await
        .expect(201);

    // `clear` switches a pending burst off.
    fx.sandbox.faults().unavailable_next(5).throttle_next(5);
    fx.sandbox.faults().clear();
    fx.signed(&token, Method::GET, "/auth/api-tokens", None)
        .await
        .expect(200);
}

#[tokio::test]
async fn the_engine_state_is_readable_fills_and_books() {
    let fx = Fixture::start().await;
    let token = fx.partner_token().await;
    let maker = fx.sub_account(&token, "maker").await;
    let taker = fx.sub_account(&token, "taker").await;
    let market = fx.sandbox.markets()[0].clone();
    let bid = fx
        .signed(
            &token,
            Method::POST,
            "/orders",
            Some(&limit_order(
                OrderType::Gtc,
                &market,
                Side::Buy,
                "0.4",
                "5",
                maker,
                300,
            )),
        )
        .await
        .expect(201);
    let book = fx.sandbox.order_book(&market.slug).unwrap();
    assert_eq!(book.bids.len(), 1);
    assert_eq!(book.bids[0].price.to_string(), "0.4");
    assert_eq!(book.bids[0].size.as_micro(), 5_000_000);
    assert!(book.asks.is_empty());
    assert!(fx.sandbox.order_book("no-such-market").is_none());

    fx.sandbox
        .deposit_shares(taker, &market.yes_token_id, 2_000_000);
    let sell = fx
        .signed(
            &token,
            Method::POST,
            "/orders",
            Some(&limit_order(
                OrderType::Fak,
                &market,
                Side::Sell,
                "0.4",
                "2",
                taker,
                300,
            )),
        )
        .await
        .expect(201);
    let fills = fx.sandbox.fills();
    assert_eq!(fills.len(), 1);
    assert_eq!(
        fills[0].taker_order_id,
        sell.body["order"]["id"].as_str().unwrap()
    );
    assert_eq!(
        fills[0].maker_order_id,
        bid.body["order"]["id"].as_str().unwrap()
    );
    assert_eq!(fills[0].token_id, market.yes_token_id);
    assert_eq!(fills[0].price.to_string(), "0.4");
    assert_eq!(fills[0].shares, 2_000_000);
    assert_eq!(fills[0].collateral, 800_000);
    let book = fx.sandbox.order_book(&market.slug).unwrap();
    assert_eq!(book.bids[0].size.as_micro(), 3_000_000);
}
