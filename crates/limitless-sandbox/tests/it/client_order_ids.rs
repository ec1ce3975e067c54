//! Orders by client order id: the per-owner index (409 on a duplicate),
//! `POST /orders/status/batch` (with `x-on-behalf-of`), `POST /orders/cancel`,
//! `POST /orders/batch-cancel` and `POST /orders/cancel-batch` (207 when
//! partial), with their scope and ownership checks.

use limitless_sandbox::{IdentitySeed, OrderStatus, Sandbox, SeededMarket};
use limitless_types::{OrderType, Side};
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Desk, Fixture, Reply, Token, limit_order, now};

fn market(desk: &Desk) -> SeededMarket {
    desk.fx
        .sandbox
        .markets()
        .iter()
        .find(|m| !m.venue.is_collateral_fee())
        .unwrap()
        .clone()
}

/// Places a resting GTC buy for `owner` with `client_order_id`.
async fn place(desk: &Desk, owner: i64, client_order_id: &str) -> Reply {
    let mut body = limit_order(
        OrderType::Gtc,
        &market(desk),
        Side::Buy,
        "0.4",
        "1",
        owner,
        300,
    );
    body["clientOrderId"] = json!(client_order_id);
    desk.post(&body).await
}

/// A status batch as `token`, for `on_behalf_of` (the header) if given.
async fn status_batch(
    desk: &Desk,
    token: &Token,
    on_behalf_of: Option<i64>,
    body: &Value,
) -> Reply {
    let header = on_behalf_of.map(|id| id.to_string());
    let extra: Vec<(&str, &str)> = header
        .as_deref()
        .map(|id| vec![("x-on-behalf-of", id)])
        .unwrap_or_default();
    desk.fx
        .signed_at(
            &token.signer,
            now(),
            Method::POST,
            "/orders/status/batch",
            Some(body),
            &extra,
        )
        .await
}

fn status(desk: &Desk, id: &str) -> OrderStatus {
    desk.fx
        .sandbox
        .orders()
        .into_iter()
        .find(|o| o.id == id)
        .unwrap()
        .status
}

#[tokio::test]
async fn a_client_order_id_is_unique_per_owner_and_echoed() {
    let desk = Desk::open().await;
    let placed = place(&desk, desk.maker, "c-1").await.expect(201);
    assert_eq!(placed.body["execution"]["clientOrderId"], "c-1");
    let duplicate = place(&desk, desk.maker, "c-1").await.expect(409);
    assert!(
        duplicate.message().contains("c-1"),
        "{}",
        duplicate.message()
    );
    // Another owner may use the same id.
    place(&desk, desk.taker, "c-1").await.expect(201);
    // Over 128 characters is refused.
    place(&desk, desk.maker, &"x".repeat(129)).await.expect(400);
    assert_eq!(desk.fx.sandbox.order_count(), 2);
}

#[tokio::test]
async fn the_status_batch_finds_orders_by_id_or_client_order_id() {
    let desk = Desk::open().await;
    let placed = place(&desk, desk.maker, "c-1").await.expect(201);
    let id = placed.body["order"]["id"].as_str().unwrap().to_owned();
    let body = json!({"items": [
        {"clientOrderId": "c-1"},
        {"orderId": id},
        {"clientOrderId": "c-2"},
        {"orderId": "c-1", "clientOrderId": "c-1"},
        {}
    ]});
    let reply = status_batch(&desk, &desk.token, Some(desk.maker), &body)
        .await
        .expect(200);
    let results = reply.body["results"].as_array().unwrap();
    assert_eq!(results.len(), 5);
    for (index, result) in results.iter().enumerate() {
        assert_eq!(result["index"], index);
    }
    for found in &results[..2] {
        assert_eq!(found["status"], "found");
        assert_eq!(found["orderId"], id.as_str());
        assert_eq!(found["clientOrderId"], "c-1");
        assert_eq!(found["data"]["order"]["id"], id.as_str());
        assert_eq!(found["data"]["order"]["status"], "LIVE");
        assert_eq!(found["data"]["order"]["salt"], placed.body["order"]["salt"]);
    }
    assert_eq!(results[2]["status"], "not_found");
    assert_eq!(results[2]["clientOrderId"], "c-2");
    for invalid in &results[3..] {
        assert_eq!(invalid["status"], "invalid");
        assert!(invalid["error"].as_str().unwrap().contains("Exactly one"));
    }

    // Without the header: the partner's own orders, where it is not found.
    let own = status_batch(
        &desk,
        &desk.token,
        None,
        &json!({"items": [{"clientOrderId": "c-1"}]}),
    )
    .await
    .expect(200);
    assert_eq!(own.body["results"][0]["status"], "not_found");
    // Another sub-account's view: not found either.
    let other = status_batch(
        &desk,
        &desk.token,
        Some(desk.taker),
        &json!({"items": [{"orderId": id}]}),
    )
    .await
    .expect(200);
    assert_eq!(other.body["results"][0]["status"], "not_found");
}

#[tokio::test]
async fn the_status_batch_checks_size_scopes_and_ownership() {
    let sandbox = Sandbox::builder()
        .identity(IdentitySeed::partner("second-partner"))
        .start()
        .await
        .unwrap();
    let desk = Desk::on(Fixture::with(sandbox)).await;
    let items = |n: usize| json!({"items": (0..n).map(|i| json!({"clientOrderId": format!("c-{i}")})).collect::<Vec<_>>()});
    status_batch(&desk, &desk.token, None, &items(0))
        .await
        .expect(400);
    status_batch(&desk, &desk.token, None, &items(51))
        .await
        .expect(400);
    status_batch(&desk, &desk.token, None, &items(50))
        .await
        .expect(200);

    let trading_only = desk
        .fx
        .derive(desk.fx.sandbox.partner_identity_token(), &["trading"])
        .await;
    status_batch(&desk, &trading_only, None, &items(1))
        .await
        .expect(200);
    let refused = status_batch(&desk, &trading_only, Some(desk.maker), &items(1))
        .await
        .expect(403);
    assert!(
        refused.message().contains("`delegated_signing`"),
        "{}",
        refused.message()
    );
    let creation_only = desk
        .fx
        .derive(
            desk.fx.sandbox.partner_identity_token(),
            &["account_creation"],
        )
        .await;
    status_batch(&desk, &creation_only, None, &items(1))
        .await
        .expect(403);

    let other = desk
        .fx
        .derive("second-partner", &["trading", "delegated_signing"])
        .await;
    status_batch(&desk, &other, Some(desk.maker), &items(1))
        .await
        .expect(404);
}

#[tokio::test]
async fn cancel_by_client_order_id_for_a_sub_account() {
    let desk = Desk::open().await;
    let placed = place(&desk, desk.maker, "c-1").await.expect(201);
    let id = placed.body["order"]["id"].as_str().unwrap().to_owned();
    let path = format!("/orders/cancel?onBehalfOf={}", desk.maker);

    // Without onBehalfOf: the partner's own orders, which do not hold it.
    desk.post_to("/orders/cancel", &json!({"clientOrderId": "c-1"}))
        .await
        .expect(404);
    desk.post_to(&path, &json!({"clientOrderId": "c-1", "orderId": id}))
        .await
        .expect(400);
    desk.post_to(&path, &json!({})).await.expect(400);
    let cancelled = desk
        .post_to(&path, &json!({"clientOrderId": "c-1"}))
        .await
        .expect(200);
    assert!(cancelled.body["message"].as_str().unwrap().contains(&id));
    assert_eq!(status(&desk, &id), OrderStatus::Cancelled);
    desk.post_to(&path, &json!({"orderId": id}))
        .await
        .expect(409);

    let trading_only = desk
        .fx
        .derive(desk.fx.sandbox.partner_identity_token(), &["trading"])
        .await;
    desk.fx
        .signed(
            &trading_only,
            Method::POST,
            &path,
            Some(&json!({"orderId": id})),
        )
        .await
        .expect(403);
}

#[tokio::test]
async fn a_batch_cancel_answers_207_when_some_orders_were_not_cancelled() {
    let desk = Desk::open().await;
    let first = place(&desk, desk.maker, "c-1").await.expect(201);
    let first = first.body["order"]["id"].as_str().unwrap().to_owned();
    place(&desk, desk.maker, "c-2").await.expect(201);
    let path = format!("/orders/batch-cancel?onBehalfOf={}", desk.maker);

    let partial = desk
        .post_to(&path, &json!({"clientOrderIds": ["c-1", "c-9"]}))
        .await
        .expect(207);
    assert_eq!(partial.body["canceled"], json!([first]));
    let failed = &partial.body["failed"][0];
    assert_eq!(failed["reason"], "ORDER_NOT_FOUND");
    assert_eq!(failed["clientOrderId"], "c-9");
    assert_eq!(status(&desk, &first), OrderStatus::Cancelled);

    let all = desk
        .post_to(&path, &json!({"clientOrderIds": ["c-2"]}))
        .await
        .expect(200);
    assert_eq!(all.body["failed"], json!([]));
    assert_eq!(all.body["canceled"].as_array().unwrap().len(), 1);

    // Already cancelled: a failure of the batch, not an error.
    let again = desk
        .post_to(
            &format!("/orders/cancel-batch?onBehalfOf={}", desk.maker),
            &json!({"orderIds": [first]}),
        )
        .await
        .expect(207);
    assert_eq!(again.body["canceled"], json!([]));
    assert_eq!(again.body["failed"][0]["orderId"], first.as_str());

    for refused in [
        json!({"orderIds": ["a"], "clientOrderIds": ["b"]}),
        json!({}),
        json!({"orderIds": []}),
        json!({"orderIds": (0..51).map(|i| i.to_string()).collect::<Vec<_>>()}),
        json!({"clientOrderIds": [""]}),
    ] {
        desk.post_to(&path, &refused).await.expect(400);
    }
    // cancel-batch takes order ids only.
    desk.post_to("/orders/cancel-batch", &json!({"clientOrderIds": ["c-1"]}))
        .await
        .expect(400);
}
