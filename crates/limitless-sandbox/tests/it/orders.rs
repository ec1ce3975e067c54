//! Delegated orders: validation, matching, cancels, cancel-replace, and
//! concurrency.

use std::sync::Arc;

use limitless_sandbox::{IdentitySeed, MarketVenue, OrderStatus, Sandbox, SeededMarket};
use limitless_types::{
    CancelOutcome, CancelReplaceBatchResponse, CancelReplaceMode, CancelReplaceRequest,
    CancelReplaceResult, CancelTarget, OrderResponse, OrderType, ReplacementOrder,
    ReplacementOutcome, Side, UnsignedOrder,
};
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Desk, Fixture, fok_order, limit_order, raw_order};

impl Desk {
    fn legacy(&self) -> &SeededMarket {
        self.fx
            .sandbox
            .markets()
            .iter()
            .find(|m| !m.venue.is_collateral_fee())
            .unwrap()
    }

    fn neg_risk(&self) -> &SeededMarket {
        self.fx
            .sandbox
            .markets()
            .iter()
            .find(|m| m.venue == MarketVenue::NegRisk)
            .unwrap()
    }

    fn collateral(&self) -> &SeededMarket {
        self.fx
            .sandbox
            .markets()
            .iter()
            .find(|m| m.venue.is_collateral_fee())
            .unwrap()
    }

    /// A GTC order on the legacy market's YES token, fee 300.
    async fn gtc(&self, owner: i64, side: Side, price: &str, size: &str) -> OrderResponse {
        let market = self.legacy();
        let body = limit_order(OrderType::Gtc, market, side, price, size, owner, 300);
        let reply = self.post(&body).await.expect(201);
        serde_json::from_value(reply.body).unwrap()
    }

    async fn book(&self) -> Value {
        let slug = &self.legacy().slug;
        self.fx
            .send(
                self.fx
                    .http
                    .get(self.fx.url(&format!("/markets/{slug}/orderbook"))),
            )
            .await
            .expect(200)
            .body
    }

    fn status(&self, id: &str) -> (OrderStatus, u64) {
        let order = self
            .fx
            .sandbox
            .orders()
            .into_iter()
            .find(|o| o.id == id)
            .unwrap();
        (order.status, order.remaining_shares)
    }
}

#[tokio::test]
async fn gtc_orders_rest_and_build_the_order_book() {
    let desk = Desk::open().await;
    let ask = desk.gtc(desk.maker, Side::Sell, "0.55", "10").await;
    desk.gtc(desk.maker, Side::Sell, "0.56", "5").await;
    desk.gtc(desk.maker, Side::Buy, "0.5", "4").await;
    desk.gtc(desk.maker, Side::Buy, "0.52", "2.5").await;

    let execution = ask.execution.as_ref().unwrap();
    assert!(!execution.matched);
    assert_eq!(execution.settlement_status.as_str(), "UNMATCHED");
    assert!(ask.maker_matches.is_empty());
    assert_eq!(ask.order.maker_amount, Some(10_000_000));
    assert_eq!(ask.order.taker_amount, Some(5_500_000));
    assert_eq!(ask.order.price, Some("0.55".parse().unwrap()));
    assert_eq!(ask.order.signature.as_deref().map(str::len), Some(132));
    assert_eq!(ask.order.market_id, Some(desk.legacy().id));

    let book = desk.book().await;
    assert_eq!(
        book["bids"],
        json!([
            { "price": 0.52, "size": 2_500_000, "side": "BUY" },
            { "price": 0.5, "size": 4_000_000, "side": "BUY" },
        ])
    );
    assert_eq!(
        book["asks"],
        json!([
            { "price": 0.55, "size": 10_000_000, "side": "SELL" },
            { "price": 0.56, "size": 5_000_000, "side": "SELL" },
        ])
    );
    assert_eq!(book["adjustedMidpoint"], json!(0.535));
    assert!(book["lastTradePrice"].is_null());
    assert_eq!(desk.fx.sandbox.order_count(), 4);
    assert_eq!(desk.status(&ask.order.id), (OrderStatus::Live, 10_000_000));
}

#[tokio::test]
async fn fok_fills_against_resting_liquidity_or_is_killed() {
    let desk = Desk::open().await;
    let market = desk.legacy().clone();
    let ask = desk.gtc(desk.maker, Side::Sell, "0.4", "10").await;

    // 2 USDC at 0.40 buys 5 shares.
    let body = fok_order(&market, Side::Buy, "2", desk.taker, 300);
    let filled: OrderResponse =
        serde_json::from_value(desk.post(&body).await.expect(201).body).unwrap();
    assert_eq!(filled.maker_matches.len(), 1);
    assert_eq!(filled.maker_matches[0].order_id, ask.order.id);
    assert_eq!(filled.maker_matches[0].matched_size, "5000000");
    let execution = filled.execution.unwrap();
    assert!(execution.matched);
    assert_eq!(execution.settlement_status.as_str(), "MATCHED");
    let totals = execution.totals_raw.unwrap();
    assert_eq!(totals.usd_gross, "2000000");
    assert_eq!(totals.contracts_gross, "5000000");
    assert_eq!(totals.contracts_fee, "150000", "3% of 5 shares");
    assert_eq!(totals.contracts_net, "4850000");
    assert_eq!(filled.order.price, None);
    assert_eq!(desk.status(&ask.order.id), (OrderStatus::Live, 5_000_000));
    assert_eq!(desk.book().await["lastTradePrice"], json!(0.4));

    // 3 USDC needs 7.5 shares; only 5 rest: killed, nothing changes.
    let body = fok_order(&market, Side::Buy, "3", desk.taker, 300);
    let killed: OrderResponse =
        serde_json::from_value(desk.post(&body).await.expect(201).body).unwrap();
    assert!(killed.maker_matches.is_empty());
    let execution = killed.execution.unwrap();
    assert!(!execution.matched);
    assert_eq!(execution.settlement_status.as_str(), "UNMATCHED");
    assert!(execution.reason.unwrap().contains("FOK"));
    assert_eq!(desk.status(&killed.order.id).0, OrderStatus::Killed);
    assert_eq!(desk.status(&ask.order.id), (OrderStatus::Live, 5_000_000));

    // FOK sells need bids for every share.
    let bid = desk.gtc(desk.maker, Side::Buy, "0.3", "2").await;
    let body = fok_order(&market, Side::Sell, "3", desk.taker, 300);
    let short: OrderResponse =
        serde_json::from_value(desk.post(&body).await.expect(201).body).unwrap();
    assert!(short.maker_matches.is_empty());
    let body = fok_order(&market, Side::Sell, "2", desk.taker, 300);
    let sold: OrderResponse =
        serde_json::from_value(desk.post(&body).await.expect(201).body).unwrap();
    let totals = sold.execution.unwrap().totals_raw.unwrap();
    assert_eq!(totals.usd_gross, "600000");
    assert_eq!(totals.usd_fee, "18000");
    assert_eq!(desk.status(&bid.order.id), (OrderStatus::Filled, 0));
}

#[tokio::test]
async fn fak_fills_what_it_can_and_kills_the_rest() {
    let desk = Desk::open().await;
    let market = desk.legacy().clone();
    let first = desk.gtc(desk.maker, Side::Sell, "0.6", "1").await;
    let second = desk.gtc(desk.maker, Side::Sell, "0.59", "0.5").await;
    let body = limit_order(
        OrderType::Fak,
        &market,
        Side::Buy,
        "0.6",
        "3",
        desk.taker,
        300,
    );
    let fak: OrderResponse =
        serde_json::from_value(desk.post(&body).await.expect(201).body).unwrap();
    let matched: Vec<_> = fak
        .maker_matches
        .iter()
        .map(|m| (m.order_id.as_str(), m.matched_size.as_str()))
        .collect();
    assert_eq!(
        matched,
        vec![
            (second.order.id.as_str(), "500000"),
            (first.order.id.as_str(), "1000000")
        ],
        "best price first"
    );
    let totals = fak.execution.unwrap().totals_raw.unwrap();
    assert_eq!(totals.usd_gross, "895000", "0.5 × 0.59 + 1 × 0.60");
    assert_eq!(desk.status(&fak.order.id), (OrderStatus::Killed, 1_500_000));
    let book = desk.book().await;
    assert_eq!(book["asks"], json!([]));
    assert_eq!(book["bids"], json!([]), "the unfilled rest does not rest");
}

#[tokio::test]
async fn collateral_fee_venues_require_a_zero_fee_rate() {
    let desk = Desk::open().await;
    let market = desk.collateral().clone();
    let body = limit_order(
        OrderType::Gtc,
        &market,
        Side::Buy,
        "0.3",
        "1",
        desk.maker,
        300,
    );
    let refused = desk.post(&body).await.expect(400);
    assert_eq!(refused.body["code"], "FEE_RATE_MISMATCH");
    assert!(
        refused.message().contains("feeRateBps must be 0"),
        "{}",
        refused.message()
    );
    let body = limit_order(
        OrderType::Gtc,
        &market,
        Side::Buy,
        "0.3",
        "1",
        desk.maker,
        0,
    );
    desk.post(&body).await.expect(201);
    // The legacy venue takes the SDKs' default 300.
    desk.gtc(desk.maker, Side::Buy, "0.3", "1").await;
}

#[tokio::test]
async fn base_fee_venues_require_at_least_the_base_fee() {
    let desk = Desk::open().await;
    for market in [desk.legacy().clone(), desk.neg_risk().clone()] {
        for fee in [0, 299] {
            let body = limit_order(
                OrderType::Gtc,
                &market,
                Side::Buy,
                "0.3",
                "1",
                desk.maker,
                fee,
            );
            let refused = desk.post(&body).await.expect(400);
            assert_eq!(refused.body["code"], "FEE_RATE_MISMATCH", "{}", market.slug);
            assert!(
                refused
                    .message()
                    .contains(&format!("feeRateBps must be at least 300, got {fee}")),
                "{}",
                refused.message()
            );
        }
        for fee in [300, 500] {
            let body = limit_order(
                OrderType::Gtc,
                &market,
                Side::Buy,
                "0.3",
                "1",
                desk.maker,
                fee,
            );
            desk.post(&body).await.expect(201);
        }
    }
    assert_eq!(desk.fx.sandbox.order_count(), 4);
}

#[tokio::test]
async fn amounts_above_the_wire_maximum_are_refused() {
    const MAX: u64 = 9_007_199_254_740_991;
    let desk = Desk::open().await;
    let market = desk.legacy().clone();
    let owner = desk.maker;
    let gtc = |side: Side, maker: u64, taker: u64| {
        raw_order(
            &market,
            OrderType::Gtc,
            side,
            Some(json!(0.001)),
            json!(maker),
            json!(taker),
            owner,
        )
    };
    for (body, field) in [
        // u64::MAX is off the share step: naming the neighbours once
        // overflowed and dropped the connection.
        (gtc(Side::Buy, 1, u64::MAX), "takerAmount"),
        // On the step and consistent with the price, but above 2^53 - 1:
        // two of these used to overflow every order book read.
        (
            gtc(
                Side::Buy,
                18_446_744_073_709_551,
                18_446_744_073_709_551_000,
            ),
            "makerAmount",
        ),
        (gtc(Side::Sell, MAX + 1, 9_007_199_254_741), "makerAmount"),
        (
            raw_order(
                &market,
                OrderType::Fok,
                Side::Buy,
                None,
                json!(MAX + 1),
                json!(1),
                owner,
            ),
            "makerAmount",
        ),
    ] {
        for _ in 0..2 {
            let refused = desk.post(&body).await.expect(400);
            assert!(
                refused.message().starts_with(&format!("order.{field} "))
                    && refused.message().contains("at most 9007199254740991"),
                "{}",
                refused.message()
            );
        }
    }
    assert_eq!(desk.fx.sandbox.order_count(), 0);
    let book = desk.book().await;
    assert_eq!(book["bids"], json!([]));

    // The largest amounts on the step grid rest, and the book stays exact.
    // Two such bids hold about 18 million USDC: more than the grant.
    let largest = MAX / 1_000 * 1_000;
    desk.fx.sandbox.fund(owner, 2 * (largest / 1_000));
    for _ in 0..2 {
        desk.post(&gtc(Side::Buy, largest / 1_000, largest))
            .await
            .expect(201);
    }
    let book = desk.book().await;
    assert_eq!(
        book["bids"],
        json!([{ "price": 0.001, "size": "18014398509480000", "side": "BUY" }])
    );
    // Two such bids sum to more micro-shares than a JSON number carries
    // exactly (2^53 - 1), so the level's size came as a numeric string
    // above. Selling 2^53 - 1 micro-shares leaves 9007199254739009, which
    // fits again. Another account sells: the engine never matches an
    // owner's orders with each other.
    let fok = raw_order(
        &market,
        OrderType::Fok,
        Side::Sell,
        None,
        json!(MAX),
        json!(1),
        desk.taker,
    );
    let sold: OrderResponse =
        serde_json::from_value(desk.post(&fok).await.expect(201).body).unwrap();
    assert_eq!(
        sold.execution.unwrap().totals_raw.unwrap().contracts_gross,
        MAX.to_string()
    );
    let book = desk.book().await;
    assert_eq!(
        book["bids"],
        json!([{ "price": 0.001, "size": 9_007_199_254_739_009_u64, "side": "BUY" }])
    );
    let decoded: limitless_types::OrderBook = serde_json::from_value(book).unwrap();
    assert_eq!(decoded.bids[0].size.as_micro(), 9_007_199_254_739_009);
}

#[tokio::test]
async fn share_amounts_below_one_step_name_the_minimum() {
    let desk = Desk::open().await;
    let market = desk.legacy().clone();
    for (side, maker, taker, field) in [
        (Side::Buy, 1, 500, "takerAmount"),
        (Side::Buy, 0, 0, "takerAmount"),
        (Side::Sell, 999, 1, "makerAmount"),
    ] {
        let body = raw_order(
            &market,
            OrderType::Gtc,
            side,
            Some(json!(0.5)),
            json!(maker),
            json!(taker),
            desk.maker,
        );
        let refused = desk.post(&body).await.expect(400);
        assert!(
            refused.message().starts_with(&format!("order.{field} "))
                && refused
                    .message()
                    .ends_with("is below the minimum of 1000 (0.001 shares)"),
            "{}",
            refused.message()
        );
    }
    let body = raw_order(
        &market,
        OrderType::Gtc,
        Side::Buy,
        Some(json!(0.5)),
        json!(617),
        json!(1_234_500),
        desk.maker,
    );
    let refused = desk.post(&body).await.expect(400);
    assert!(
        refused
            .message()
            .ends_with("nearest valid: 1234000 or 1235000"),
        "{}",
        refused.message()
    );
}

#[tokio::test]
async fn orders_are_validated_like_the_api() {
    let desk = Desk::open().await;
    let market = desk.legacy().clone();
    let base = limit_order(
        OrderType::Gtc,
        &market,
        Side::Buy,
        "0.381",
        "1.234",
        desk.maker,
        300,
    );
    assert_eq!(base["order"]["makerAmount"], 470_154);

    let check = |mut body: Value, edit: &dyn Fn(&mut Value), status: u16, needle: &'static str| {
        edit(&mut body);
        let desk = &desk;
        async move {
            let reply = desk.post(&body).await.expect(status);
            assert!(
                reply.message().contains(needle),
                "expected {needle:?} in {:?}",
                reply.message()
            );
        }
    };
    check(
        base.clone(),
        &|b| b["order"]["makerAmount"] = json!(470_000),
        400,
        "expected 470154",
    )
    .await;
    check(
        base.clone(),
        &|b| {
            b["order"]["price"] = json!(0.3815);
        },
        400,
        "nearest valid prices: 0.381 or 0.382",
    )
    .await;
    check(
        base.clone(),
        &|b| b["order"]["takerAmount"] = json!(1_234_500),
        400,
        "0.001 shares",
    )
    .await;
    check(
        base.clone(),
        &|b| b["order"]["tokenId"] = json!("12345"),
        400,
        "not an outcome token",
    )
    .await;
    check(
        base.clone(),
        &|b| b["order"]["signature"] = json!(format!("0x{}", "1".repeat(130))),
        400,
        "signature must be omitted",
    )
    .await;
    check(
        base.clone(),
        &|b| b["order"]["maker"] = json!("0x1111111111111111111111111111111111111111"),
        400,
        "zero address",
    )
    .await;
    check(base.clone(), &|b| b["ownerId"] = json!(1), 400, "ownerId").await;
    check(
        base.clone(),
        &|b| {
            b.as_object_mut().unwrap().remove("onBehalfOf");
        },
        400,
        "onBehalfOf is required",
    )
    .await;
    check(
        base.clone(),
        &|b| b["marketSlug"] = json!("no-such-market"),
        404,
        "not found",
    )
    .await;
    check(
        base.clone(),
        &|b| b["orderType"] = json!("FOK"),
        400,
        "FOK orders carry no price",
    )
    .await;
    check(
        base.clone(),
        &|b| b["order"]["price"] = json!(1.5),
        400,
        "(0, 1]",
    )
    .await;
    check(
        base.clone(),
        &|b| b["onBehalfOf"] = json!(999_999),
        404,
        "999999",
    )
    .await;
    check(
        base.clone(),
        &|b| b["order"] = json!({ "salt": 1 }),
        400,
        "invalid request body",
    )
    .await;

    desk.post(&base).await.expect(201);
    let duplicate = desk.post(&base).await.expect(409);
    assert!(
        duplicate.message().contains("salt"),
        "{}",
        duplicate.message()
    );

    let mut post_only = limit_order(
        OrderType::Gtc,
        &market,
        Side::Sell,
        "0.381",
        "1",
        desk.taker,
        300,
    );
    post_only["postOnly"] = json!(true);
    let crossed = desk.post(&post_only).await.expect(400);
    assert_eq!(crossed.body["code"], "POST_ONLY_WOULD_CROSS");
    assert_eq!(
        desk.fx.sandbox.order_count(),
        1,
        "refused orders are not stored"
    );
}

#[tokio::test]
async fn delegated_orders_need_scopes_and_own_sub_accounts() {
    let sandbox = Sandbox::builder()
        .identity(IdentitySeed::partner("second-partner"))
        .start()
        .await
        .unwrap();
    let desk = Desk::on(Fixture::with(sandbox)).await;
    let market = desk.legacy().clone();
    let body = limit_order(
        OrderType::Gtc,
        &market,
        Side::Buy,
        "0.5",
        "1",
        desk.maker,
        300,
    );

    let no_delegation = desk
        .fx
        .derive(
            desk.fx.sandbox.partner_identity_token(),
            &["trading", "account_creation"],
        )
        .await;
    let refused = desk
        .fx
        .signed(&no_delegation, Method::POST, "/orders", Some(&body))
        .await
        .expect(403);
    assert!(
        refused.message().contains("`delegated_signing`"),
        "{}",
        refused.message()
    );

    let other = desk
        .fx
        .derive("second-partner", &["trading", "delegated_signing"])
        .await;
    // Another partner's sub-account answers exactly like a missing one: 404,
    // so no partner learns which profile ids exist.
    let foreign = desk
        .fx
        .signed(&other, Method::POST, "/orders", Some(&body))
        .await
        .expect(404);
    let mut missing_body = body.clone();
    missing_body["ownerId"] = json!(999_999);
    missing_body["onBehalfOf"] = json!(999_999);
    let missing = desk
        .fx
        .signed(&other, Method::POST, "/orders", Some(&missing_body))
        .await
        .expect(404);
    assert_eq!(
        foreign.message().replace(&desk.maker.to_string(), "ID"),
        missing.message().replace("999999", "ID")
    );
    assert!(
        foreign.message().contains("no sub-account"),
        "{}",
        foreign.message()
    );
    // Cancels on its behalf too.
    desk.fx
        .signed(
            &other,
            Method::DELETE,
            &format!(
                "/orders/all/{}?onBehalfOf={}",
                desk.legacy().slug,
                desk.maker
            ),
            None,
        )
        .await
        .expect(404);
    assert_eq!(desk.fx.sandbox.order_count(), 0);
}

#[tokio::test]
async fn cancel_and_cancel_all() {
    let desk = Desk::open().await;
    let maker = desk.maker;
    let order = desk.gtc(maker, Side::Buy, "0.4", "1").await;
    let path = format!("/orders/{}?onBehalfOf={maker}", order.order.id);

    // Without onBehalfOf the partner acts for itself and does not own it.
    desk.fx
        .signed(
            &desk.token,
            Method::DELETE,
            &format!("/orders/{}", order.order.id),
            None,
        )
        .await
        .expect(404);
    let cancelled = desk
        .fx
        .signed(&desk.token, Method::DELETE, &path, None)
        .await
        .expect(200);
    assert!(
        cancelled.body["message"]
            .as_str()
            .unwrap()
            .contains(&order.order.id)
    );
    assert_eq!(desk.status(&order.order.id).0, OrderStatus::Cancelled);
    let again = desk
        .fx
        .signed(&desk.token, Method::DELETE, &path, None)
        .await
        .expect(409);
    assert!(
        again.message().contains("already cancelled"),
        "{}",
        again.message()
    );
    desk.fx
        .signed(
            &desk.token,
            Method::DELETE,
            &format!("/orders/nope?onBehalfOf={maker}"),
            None,
        )
        .await
        .expect(404);

    let slug = desk.legacy().slug.clone();
    let mut mine = Vec::new();
    for price in ["0.41", "0.42", "0.43"] {
        mine.push(desk.gtc(maker, Side::Buy, price, "1").await.order.id);
    }
    let theirs = desk.gtc(desk.taker, Side::Buy, "0.44", "1").await;
    let other_market = desk.collateral().clone();
    let elsewhere = limit_order(
        OrderType::Gtc,
        &other_market,
        Side::Buy,
        "0.2",
        "1",
        maker,
        0,
    );
    let elsewhere: OrderResponse =
        serde_json::from_value(desk.post(&elsewhere).await.expect(201).body).unwrap();

    let all = desk
        .fx
        .signed(
            &desk.token,
            Method::DELETE,
            &format!("/orders/all/{slug}?onBehalfOf={maker}"),
            None,
        )
        .await
        .expect(200);
    assert_eq!(
        all.body,
        json!({ "message": "Orders canceled successfully", "canceled": mine, "failed": [] })
    );
    assert_eq!(
        desk.book().await["bids"],
        json!([{ "price": 0.44, "size": 1_000_000, "side": "BUY" }]),
        "only the other sub-account's order remains"
    );
    assert_eq!(desk.status(&theirs.order.id).0, OrderStatus::Live);
    assert_eq!(desk.status(&elsewhere.order.id).0, OrderStatus::Live);
    desk.fx
        .signed(
            &desk.token,
            Method::DELETE,
            &format!("/orders/all/nope?onBehalfOf={maker}"),
            None,
        )
        .await
        .expect(404);
}

#[tokio::test]
async fn cancel_all_answers_207_with_the_orders_it_could_not_cancel() {
    let desk = Desk::open().await;
    let maker = desk.maker;
    let slug = desk.legacy().slug.clone();
    let mut mine = Vec::new();
    for price in ["0.41", "0.42", "0.43"] {
        mine.push(desk.gtc(maker, Side::Buy, price, "1").await.order.id);
    }
    desk.fx.sandbox.faults().fail_next_cancels(2);
    let path = format!("/orders/all/{slug}?onBehalfOf={maker}");
    let partial = desk
        .fx
        .signed(&desk.token, Method::DELETE, &path, None)
        .await
        .expect(207);
    let failure = |id: &str| json!({ "orderId": id, "reason": "UNKNOWN_ERROR", "message": "Failed to cancel order" });
    assert_eq!(partial.body["canceled"], json!([mine[2]]));
    assert_eq!(
        partial.body["failed"],
        json!([failure(&mine[0]), failure(&mine[1])])
    );
    assert!(
        partial.body["message"]
            .as_str()
            .unwrap()
            .contains("1 orders canceled, 2 failed"),
        "{}",
        partial.body
    );
    assert_eq!(desk.status(&mine[0]).0, OrderStatus::Live);
    assert_eq!(desk.status(&mine[1]).0, OrderStatus::Live);
    assert_eq!(desk.status(&mine[2]).0, OrderStatus::Cancelled);

    // The fault is used up: the orders left are cancelled by the next call.
    let rest = desk
        .fx
        .signed(&desk.token, Method::DELETE, &path, None)
        .await
        .expect(200);
    assert_eq!(rest.body["canceled"], json!([mine[0], mine[1]]));
    assert_eq!(rest.body["failed"], json!([]));
}

fn replacement(desk: &Desk, price: &str, client_order_id: Option<&str>) -> ReplacementOrder {
    let market = desk.legacy();
    let body = limit_order(
        OrderType::Gtc,
        market,
        Side::Buy,
        price,
        "1",
        desk.maker,
        300,
    );
    let order: UnsignedOrder = serde_json::from_value(body["order"].clone()).unwrap();
    ReplacementOrder {
        order,
        order_type: OrderType::Gtc,
        market_slug: market.slug.clone(),
        owner_id: desk.maker,
        post_only: None,
        client_order_id: client_order_id.map(str::to_owned),
        timestamp: None,
        recv_window: None,
        stp_policy: None,
    }
}

fn cancel_replace(
    desk: &Desk,
    cancel: CancelTarget,
    replacement: ReplacementOrder,
    mode: CancelReplaceMode,
) -> Value {
    serde_json::to_value(CancelReplaceRequest {
        cancel,
        replacement,
        mode,
        on_behalf_of: Some(desk.maker),
    })
    .unwrap()
}

#[tokio::test]
async fn cancel_replace_single_and_batch() {
    let desk = Desk::open().await;
    let original = desk.gtc(desk.maker, Side::Buy, "0.4", "1").await;

    let body = cancel_replace(
        &desk,
        CancelTarget::OrderId(original.order.id.clone()),
        replacement(&desk, "0.41", Some("replacement-1")),
        CancelReplaceMode::StopOnFailure,
    );
    let reply = desk
        .post_to("/orders/cancel-replace", &body)
        .await
        .expect(200);
    let result: CancelReplaceResult = serde_json::from_value(reply.body).unwrap();
    assert_eq!(
        result.cancel,
        CancelOutcome::Success {
            order_id: Some(original.order.id.clone()),
            client_order_id: None
        }
    );
    let ReplacementOutcome::Success { data } = result.replacement else {
        panic!("replacement not placed: {:?}", result.replacement);
    };
    assert_eq!(
        data.execution.unwrap().client_order_id.as_deref(),
        Some("replacement-1")
    );
    assert_eq!(desk.status(&original.order.id).0, OrderStatus::Cancelled);
    assert_eq!(desk.status(&data.order.id).0, OrderStatus::Live);

    // Cancelling the already-cancelled original fails: STOP_ON_FAILURE → 409.
    let body = cancel_replace(
        &desk,
        CancelTarget::OrderId(original.order.id.clone()),
        replacement(&desk, "0.42", None),
        CancelReplaceMode::StopOnFailure,
    );
    let reply = desk
        .post_to("/orders/cancel-replace", &body)
        .await
        .expect(409);
    let result: CancelReplaceResult = serde_json::from_value(reply.body).unwrap();
    let CancelOutcome::Failure { error } = &result.cancel else {
        panic!("cancel should fail: {:?}", result.cancel);
    };
    assert_eq!(error.code, "ORDER_NOT_CANCELLABLE");
    assert_eq!(result.replacement, ReplacementOutcome::NotAttempted);

    // ALLOW_FAILURE places the replacement anyway.
    let body = cancel_replace(
        &desk,
        CancelTarget::OrderId(original.order.id.clone()),
        replacement(&desk, "0.42", None),
        CancelReplaceMode::AllowFailure,
    );
    let reply = desk
        .post_to("/orders/cancel-replace", &body)
        .await
        .expect(200);
    let result: CancelReplaceResult = serde_json::from_value(reply.body).unwrap();
    assert!(!result.cancel.is_success());
    assert!(result.replacement.is_success());

    // Batch: by client order id, then an unknown order.
    let batch = json!({
        "operations": [
            cancel_replace(
                &desk,
                CancelTarget::ClientOrderId("replacement-1".into()),
                replacement(&desk, "0.43", None),
                CancelReplaceMode::StopOnFailure,
            ),
            cancel_replace(
                &desk,
                CancelTarget::OrderId("missing".into()),
                replacement(&desk, "0.44", None),
                CancelReplaceMode::StopOnFailure,
            ),
        ]
    });
    let reply = desk
        .post_to("/orders/cancel-replace/batch", &batch)
        .await
        .expect(207);
    let results: CancelReplaceBatchResponse = serde_json::from_value(reply.body).unwrap();
    assert_eq!(results.results.len(), 2);
    assert_eq!(results.results[0].index, 0);
    assert!(results.results[0].cancel.is_success());
    assert!(results.results[0].replacement.is_success());
    assert_eq!(results.results[1].index, 1);
    let CancelOutcome::Failure { error } = &results.results[1].cancel else {
        panic!("unknown order cannot be cancelled");
    };
    assert_eq!(error.code, "ORDER_NOT_FOUND");
    assert_eq!(
        results.results[1].replacement,
        ReplacementOutcome::NotAttempted
    );
    assert_eq!(desk.status(&data.order.id).0, OrderStatus::Cancelled);

    let empty = desk
        .post_to("/orders/cancel-replace/batch", &json!({ "operations": [] }))
        .await
        .expect(400);
    assert!(empty.message().contains("operations"));
}

#[tokio::test]
async fn a_thousand_concurrent_orders_conserve_shares() {
    let desk = Arc::new(Desk::open().await);
    let market = desk.legacy().clone();
    // The maker holds the 500 shares it offers (deposited once: the
    // desk's per-order top-up would race between concurrent posts).
    let sandbox = &desk.fx.sandbox;
    sandbox.deposit_shares(desk.maker, &market.yes_token_id, 500_000_000);
    let usdc = sandbox.usdc_balance(desk.taker);
    let permits = Arc::new(tokio::sync::Semaphore::new(64));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..1000 {
        let desk = Arc::clone(&desk);
        let permits = Arc::clone(&permits);
        let (owner, side) = if i % 2 == 0 {
            (desk.maker, Side::Sell)
        } else {
            (desk.taker, Side::Buy)
        };
        let body = limit_order(OrderType::Gtc, &market, side, "0.5", "1", owner, 300);
        tasks.spawn(async move {
            let _permit = permits.acquire().await.unwrap();
            let reply = desk.post_as_is(&body).await.expect(201);
            let response: OrderResponse = serde_json::from_value(reply.body).unwrap();
            response
                .maker_matches
                .iter()
                .map(|m| m.matched_size.parse::<u64>().unwrap())
                .sum::<u64>()
        });
    }
    let mut matched_by_takers = 0;
    while let Some(matched) = tasks.join_next().await {
        matched_by_takers += matched.unwrap();
    }
    let orders = desk.fx.sandbox.orders();
    assert_eq!(orders.len(), 1000);
    assert_eq!(desk.fx.sandbox.order_count(), 1000);
    // 500 one-share buys meet 500 one-share sells at one price: everything
    // fills, each share exactly once, and the book ends empty.
    assert!(
        orders
            .iter()
            .all(|o| o.status == OrderStatus::Filled && o.remaining_shares == 0)
    );
    assert_eq!(matched_by_takers, 500 * 1_000_000);
    let salts: std::collections::HashSet<_> = orders.iter().map(|o| o.salt).collect();
    assert_eq!(salts.len(), 1000);
    let book = desk.book().await;
    assert_eq!(
        (book["bids"].clone(), book["asks"].clone()),
        (json!([]), json!([]))
    );
    assert!(desk.fx.sandbox.request_count() >= 1000);
    // The ledger moved each share and each half-dollar exactly once.
    let token = &market.yes_token_id;
    assert_eq!(sandbox.shares_held(desk.maker, token), 0);
    assert_eq!(sandbox.shares_held(desk.taker, token), 500_000_000);
    assert_eq!(sandbox.usdc_balance(desk.taker), usdc - 250_000_000);
    assert_eq!(sandbox.usdc_balance(desk.maker), usdc + 250_000_000);
}
