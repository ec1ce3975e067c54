//! Orders by client order id (PROTOCOL §7.4): the generated id on every
//! order, the 409 for a duplicate, `POST /orders/status/batch`,
//! `POST /orders/cancel`, `POST /orders/batch-cancel` and
//! `DELETE /orders/all/{slug}` (207 as a result) and reconciliation through the status batch, one request per 50
//! orders.

use limitless_client::types::orders::OrderLookup;
use limitless_client::{
    BatchCancelRequest, CancelTarget, CreateDelegatedOrderParams, Error, SentOrder, Side,
    limits::MAX_ORDER_STATUS_BATCH, ops,
};
use serde_json::{Value, json};
use wiremock::{Request, Respond, ResponseTemplate};

use crate::support::{BodyIs, Harness, QueryIs, assert_invalid, hmac_mock, market_json, now};

/// A response capture of the shared fixtures, read in place; `None` in a
/// checkout without them, where the test that needs it passes without
/// running ([`limitless_testkit`] has the rule).
fn fixture(name: &str) -> Option<String> {
    let path = limitless_testkit::responses_dir()?.join(name);
    Some(std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

fn gtc() -> CreateDelegatedOrderParams {
    CreateDelegatedOrderParams::gtc("market", "123", Side::Buy, "0.5", 1, 326)
}

fn body_json(
    operation: &limitless_client::Operation<limitless_client::types::orders::OrderResponse>,
) -> Value {
    serde_json::from_slice(operation.body().expect("a body")).expect("JSON")
}

fn is_generated(id: &str) -> bool {
    id.len() == 37
        && id.starts_with("lmts-")
        && id[5..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[test]
fn every_order_carries_a_fresh_generated_client_order_id_unless_given_or_opted_out() {
    let first = ops::orders::create_order(&gtc(), Some(false), now()).unwrap();
    let second = ops::orders::create_order(&gtc(), Some(false), now()).unwrap();
    let (a, b) = (body_json(&first), body_json(&second));
    let (a, b) = (
        a["clientOrderId"].as_str().unwrap().to_owned(),
        b["clientOrderId"].as_str().unwrap().to_owned(),
    );
    assert!(is_generated(&a), "{a}");
    assert!(is_generated(&b), "{b}");
    assert_ne!(a, b, "each call draws its own id");
    // The id is what reconciliation looks for.
    assert_eq!(
        first.orders()[0].client_order_id.as_deref(),
        Some(a.as_str())
    );

    let given =
        ops::orders::create_order(&gtc().client_order_id(" mine-1 "), Some(false), now()).unwrap();
    assert_eq!(body_json(&given)["clientOrderId"], "mine-1");
    assert_eq!(given.orders()[0].client_order_id.as_deref(), Some("mine-1"));

    let without =
        ops::orders::create_order(&gtc().without_client_order_id(), Some(false), now()).unwrap();
    assert!(body_json(&without).get("clientOrderId").is_none());
    assert_eq!(without.orders()[0].client_order_id, None);
}

#[test]
fn a_replacement_gets_no_generated_id_but_keeps_one_it_was_given() {
    let replace = |replacement: CreateDelegatedOrderParams| {
        let params = limitless_client::DelegatedCancelReplaceParams::new(
            CancelTarget::OrderId("o-1".into()),
            replacement,
        );
        let operation = ops::orders::cancel_replace(&params, Some(false), now()).unwrap();
        let body: Value = serde_json::from_slice(operation.body().unwrap()).unwrap();
        body["replacement"].get("clientOrderId").cloned()
    };
    assert_eq!(replace(gtc()), None);
    assert_eq!(replace(gtc().client_order_id("r-1")), Some(json!("r-1")));
}

#[test]
fn client_order_ids_are_checked_before_the_network() {
    let long = "x".repeat(129);
    for (params, needle) in [
        (
            gtc().client_order_id("  "),
            "client_order_id must not be blank",
        ),
        (
            gtc().client_order_id(long.as_str()),
            "at most 128 characters, got 129",
        ),
    ] {
        let error = ops::orders::create_order(&params, Some(false), now()).expect_err("refused");
        assert_eq!(error.field(), Some("client_order_id"));
        assert_invalid(&error, needle);
    }
    // 128 characters (not bytes) is allowed.
    let at_limit = "é".repeat(128);
    assert!(
        ops::orders::create_order(&gtc().client_order_id(at_limit), Some(false), now()).is_ok()
    );

    let ids = |n: usize| -> Vec<CancelTarget> {
        (0..n)
            .map(|i| CancelTarget::ClientOrderId(format!("c-{i}")))
            .collect()
    };
    let refusals = [
        (
            ops::orders::order_status_batch(&[]).err(),
            "items",
            "1 to 50 orders, got 0",
        ),
        (
            ops::orders::order_status_batch(&ids(51)).err(),
            "items",
            "got 51",
        ),
        (
            ops::orders::order_status_batch(&[
                CancelTarget::OrderId("o".into()),
                CancelTarget::OrderId(" ".into()),
            ])
            .err(),
            "items[1].order_id",
            "must not be blank",
        ),
        (
            ops::orders::order_status_batch_on_behalf_of(
                &[CancelTarget::ClientOrderId(long.clone())],
                326,
            )
            .err(),
            "items[0].client_order_id",
            "at most 128",
        ),
        (
            ops::orders::order_status_batch_on_behalf_of(&ids(1), 0).err(),
            "on_behalf_of",
            "",
        ),
        (
            ops::orders::cancel_order(&CancelTarget::ClientOrderId(String::new())).err(),
            "client_order_id",
            "must not be blank",
        ),
        (
            ops::orders::batch_cancel(&BatchCancelRequest::OrderIds(Vec::new())).err(),
            "order_ids",
            "1 to 50 ids, got 0",
        ),
        (
            ops::orders::batch_cancel(&BatchCancelRequest::ClientOrderIds(
                (0..51).map(|i| i.to_string()).collect(),
            ))
            .err(),
            "client_order_ids",
            "got 51",
        ),
        (
            ops::orders::batch_cancel(&BatchCancelRequest::ClientOrderIds(vec![long.clone()]))
                .err(),
            "client_order_ids[0]",
            "at most 128",
        ),
        (
            ops::orders::cancel_order_on_behalf_of(&CancelTarget::OrderId("o".into()), -1).err(),
            "on_behalf_of",
            "",
        ),
        (
            ops::orders::batch_cancel_on_behalf_of(
                &BatchCancelRequest::OrderIds(vec!["o".into()]),
                0,
            )
            .err(),
            "on_behalf_of",
            "",
        ),
        (
            ops::orders::cancel_batch(&["a".to_owned(), String::new()]).err(),
            "order_ids[1]",
            "must not be blank",
        ),
    ];
    for (error, field, needle) in refusals {
        let error = error.expect("refused before the network");
        assert_eq!(error.field(), Some(field), "{error}");
        assert_invalid(&error, needle);
    }
}

#[tokio::test]
async fn a_409_to_an_order_with_a_client_order_id_is_its_own_error_and_is_not_resent() {
    let h = Harness::hmac().await;
    hmac_mock("GET", "/markets/market")
        .respond_with(ResponseTemplate::new(200).set_body_json(market_json("market", None)))
        .mount(&h.server)
        .await;
    hmac_mock("POST", "/orders")
        .respond_with(
            ResponseTemplate::new(409).set_body_json(json!({"message": "Duplicate clientOrderId"})),
        )
        .expect(2)
        .mount(&h.server)
        .await;
    let error = h
        .client
        .delegated_orders
        .create_order(&gtc().client_order_id("dup-1"))
        .await
        .expect_err("refused");
    match &error {
        Error::DuplicateClientOrderId {
            client_order_id, ..
        } => assert_eq!(client_order_id, "dup-1"),
        other => panic!("expected DuplicateClientOrderId, got {other:?}"),
    }
    assert!(error.is_duplicate_client_order_id());
    assert_eq!(
        error.status(),
        Some(limitless_client::http::StatusCode::CONFLICT)
    );
    assert_eq!(error.api_message(), Some("Duplicate clientOrderId"));
    assert!(!error.is_retryable());
    assert!(error.to_string().contains("already accepted"), "{error}");

    // Without a client order id, a 409 stays a plain API error.
    let error = h
        .client
        .delegated_orders
        .create_order(&gtc().without_client_order_id())
        .await
        .expect_err("refused");
    assert!(matches!(error, Error::Api(_)), "{error:?}");
}

#[tokio::test]
async fn the_status_batch_sends_its_items_and_x_on_behalf_of_and_types_each_result() {
    let h = Harness::hmac().await;
    let results = json!({"results": [
        {"index": 0, "status": "found", "orderId": "o-1", "clientOrderId": "c-1",
         "data": {"order": {"id": "o-1", "salt": "17", "status": "LIVE"}, "makerMatches": []}},
        {"index": 1, "status": "not_found", "orderId": "o-2"},
        {"index": 2, "status": "invalid", "error": "Exactly one of orderId or clientOrderId is required"},
        {"index": 3, "status": "archived", "unknownKey": [1, 2]}
    ]});
    hmac_mock("POST", "/orders/status/batch")
        .and(QueryIs::none())
        .and(wiremock::matchers::header("x-on-behalf-of", "326"))
        .and(BodyIs(
            r#"{"items":[{"clientOrderId":"c-1"},{"orderId":"o-2"},{"orderId":"o-3"},{"orderId":"o-4"}]}"#
                .to_owned(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(results))
        .expect(1)
        .mount(&h.server)
        .await;
    let batch = h
        .client
        .delegated_orders
        .order_status_batch(
            &[
                CancelTarget::ClientOrderId("c-1".into()),
                CancelTarget::OrderId("o-2".into()),
                CancelTarget::OrderId("o-3".into()),
                CancelTarget::OrderId("o-4".into()),
            ],
            326,
        )
        .await
        .unwrap();
    let lookups: Vec<OrderLookup<'_>> = batch.results.iter().map(|r| r.lookup()).collect();
    match &lookups[0] {
        OrderLookup::Found(Some(data)) => {
            assert_eq!(data.order.id, "o-1");
            assert_eq!(data.order.salt, Some(17));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(batch.results[0].client_order_id.as_deref(), Some("c-1"));
    assert_eq!(lookups[1], OrderLookup::NotFound);
    assert_eq!(
        lookups[2],
        OrderLookup::Invalid(Some("Exactly one of orderId or clientOrderId is required"))
    );
    assert_eq!(lookups[3], OrderLookup::Other(Some("archived")));
}

#[test]
fn the_captured_status_batch_decodes_as_found_with_its_order() {
    let Some(capture) = fixture("orders-status-batch/ccxt-comment-1.json") else {
        return;
    };
    let batch: limitless_client::types::orders::OrderStatusBatch =
        serde_json::from_str(&capture).unwrap();
    let OrderLookup::Found(Some(data)) = batch.results[0].lookup() else {
        panic!("{:?}", batch.results[0]);
    };
    assert_eq!(data.order.id, "ff0dcbf1-f7de-43f0-b6f1-16b972a17f49");
    assert_eq!(data.order.salt, Some(277_966_495_716));
    assert_eq!(data.order.maker_amount, Some(9_999_360));
}

#[tokio::test]
async fn cancel_by_client_order_id_signs_the_on_behalf_of_query() {
    let Some(capture) = fixture("orders-cancel/docs-1.json") else {
        return;
    };
    let h = Harness::hmac().await;
    hmac_mock("POST", "/orders/cancel")
        .and(QueryIs::some("onBehalfOf=326"))
        .and(BodyIs(r#"{"clientOrderId":"c-1"}"#.to_owned()))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(capture)
                .insert_header("content-type", "application/json"),
        )
        .expect(1)
        .mount(&h.server)
        .await;
    let message = h
        .client
        .delegated_orders
        .cancel_order(&CancelTarget::ClientOrderId("c-1".into()), 326)
        .await
        .unwrap();
    assert_eq!(message, "Order canceled successfully");
}

#[tokio::test]
async fn a_207_batch_cancel_is_a_partial_result_not_an_error() {
    let Some(capture) = fixture("orders-cancel-batch/docs-1.json") else {
        return;
    };
    let h = Harness::hmac().await;
    hmac_mock("POST", "/orders/batch-cancel")
        .and(QueryIs::some("onBehalfOf=326"))
        .and(BodyIs(
            r#"{"orderIds":["611badac-8dfc-48a0-b09e-59654adea1c5","b53f0e4b-1529-45cc-ad39-e27f4c6eab5a"]}"#
                .to_owned(),
        ))
        .respond_with(
            ResponseTemplate::new(207)
                .set_body_string(capture)
                .insert_header("content-type", "application/json"),
        )
        .expect(1)
        .mount(&h.server)
        .await;
    let answer = h
        .client
        .delegated_orders
        .batch_cancel(
            &BatchCancelRequest::OrderIds(vec![
                "611badac-8dfc-48a0-b09e-59654adea1c5".into(),
                "b53f0e4b-1529-45cc-ad39-e27f4c6eab5a".into(),
            ]),
            326,
        )
        .await
        .expect("a 207 is a result");
    assert!(answer.is_partial());
    assert_eq!(answer.canceled, ["611badac-8dfc-48a0-b09e-59654adea1c5"]);
    assert_eq!(
        answer.failed[0].order_id,
        "b53f0e4b-1529-45cc-ad39-e27f4c6eab5a"
    );
    assert_eq!(answer.failed[0].reason.as_deref(), Some("ORDER_NOT_FOUND"));
}

#[tokio::test]
async fn cancel_all_reads_the_bare_message_and_a_207_as_a_partial_result() {
    let Some(capture) = fixture("orders-cancel-all/ccxt-comment-1.json") else {
        return;
    };
    let h = Harness::hmac().await;
    // The published full-success answer: `{"message"}` alone.
    hmac_mock("DELETE", "/orders/all/btc")
        .and(QueryIs::none())
        .and(BodyIs(String::new()))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(capture)
                .insert_header("content-type", "application/json"),
        )
        .expect(1)
        .mount(&h.server)
        .await;
    // PROTOCOL §7.4's 207, with a key the client does not read.
    hmac_mock("DELETE", "/orders/all/eth")
        .and(QueryIs::some("onBehalfOf=326"))
        .and(BodyIs(String::new()))
        .respond_with(ResponseTemplate::new(207).set_body_json(json!({
            "message": "1 canceled, 1 failed",
            "canceled": ["o-1"],
            "failed": [{"orderId": "o-2", "reason": "UNKNOWN_ERROR", "message": "Failed"}],
            "market": {"slug": "eth"}
        })))
        .expect(1)
        .mount(&h.server)
        .await;
    let orders = &h.client.delegated_orders;

    let all = orders.cancel_all("btc").await.unwrap();
    assert_eq!(all.message, "Orders canceled successfully");
    assert!(all.canceled.is_empty() && !all.is_partial());

    let partial = orders
        .cancel_all_on_behalf_of("eth", 326)
        .await
        .expect("a 207 is a result");
    assert!(partial.is_partial());
    assert_eq!(partial.message, "1 canceled, 1 failed");
    assert_eq!(partial.canceled, ["o-1"]);
    assert_eq!(
        partial.failed,
        [limitless_client::types::orders::CancelFailure {
            order_id: "o-2".into(),
            reason: Some("UNKNOWN_ERROR".into()),
            message: Some("Failed".into()),
            client_order_id: None,
        }]
    );
}

/// Answers a status batch: `found` for client order ids whose number is
/// even (with an order carrying that number as its salt), `not_found`
/// for the others; and refuses a batch of more than 50.
struct StatusOracle;

impl Respond for StatusOracle {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let items = body["items"].as_array().unwrap();
        if items.len() > MAX_ORDER_STATUS_BATCH {
            return ResponseTemplate::new(400);
        }
        let results: Vec<Value> = items
            .iter()
            .enumerate()
            .map(|(index, item)| {
                let id = item["clientOrderId"].as_str().unwrap();
                let n: u64 = id.trim_start_matches("c-").parse().unwrap();
                if n.is_multiple_of(2) {
                    json!({"index": index, "status": "found", "clientOrderId": id,
                           "orderId": format!("o-{n}"),
                           "data": {"order": {"id": format!("o-{n}"), "salt": n}}})
                } else {
                    json!({"index": index, "status": "not_found", "clientOrderId": id})
                }
            })
            .collect();
        ResponseTemplate::new(200).set_body_json(json!({ "results": results }))
    }
}

#[tokio::test]
async fn reconciliation_asks_the_status_batch_once_per_50_orders_and_is_exact() {
    let h = Harness::hmac().await;
    hmac_mock("POST", "/orders/status/batch")
        .and(wiremock::matchers::header("x-on-behalf-of", "326"))
        .respond_with(StatusOracle)
        .expect(3)
        .mount(&h.server)
        .await;
    // The two orders without a client order id: one salt lookup.
    hmac_mock("GET", "/markets/market/user-orders")
        .and(QueryIs::none())
        .and(wiremock::matchers::header("x-on-behalf-of", "326"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!([{"id": "s-1", "salt": 5001}])),
        )
        .expect(1)
        .mount(&h.server)
        .await;
    let mut orders: Vec<SentOrder> = (0..120)
        .map(|n| SentOrder::new("market", 10_000 + n, Some(&format!("c-{n}")), 326))
        .collect();
    orders.push(SentOrder::new("market", 5001, None, 326));
    orders.push(SentOrder::new("market", 5002, None, 326));

    let found = h.client.delegated_orders.reconcile(&orders).await;
    assert_eq!(found.len(), 122);
    for (n, reconciliation) in found.iter().take(120).enumerate() {
        assert_eq!(reconciliation.order, orders[n]);
        if n.is_multiple_of(2) {
            let placed = reconciliation.placed().expect("placed");
            assert_eq!(placed.id, format!("o-{n}"));
        } else {
            assert!(reconciliation.is_not_placed(), "{n}: {reconciliation:?}");
        }
    }
    assert_eq!(found[120].placed().map(|o| o.id.as_str()), Some("s-1"));
    assert!(found[121].is_not_placed());

    let sizes: Vec<usize> = h
        .requests()
        .await
        .iter()
        .filter(|r| r.url.path() == "/orders/status/batch")
        .map(|r| {
            let body: Value = serde_json::from_slice(&r.body).unwrap();
            body["items"].as_array().unwrap().len()
        })
        .collect();
    assert_eq!(sizes, [50, 50, 20]);
}

#[tokio::test]
async fn a_failed_status_batch_leaves_its_orders_unknown() {
    let h = Harness::hmac().await;
    hmac_mock("POST", "/orders/status/batch")
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"message": "bad"})))
        .expect(1)
        .mount(&h.server)
        .await;
    let orders = [SentOrder::new("market", 1, Some("c-1"), 326)];
    let found = h.client.delegated_orders.reconcile(&orders).await;
    match &found[0].outcome {
        limitless_client::OrderOutcome::Unknown(error) => {
            assert_eq!(
                error.status(),
                Some(limitless_client::http::StatusCode::BAD_REQUEST)
            );
        }
        other => panic!("{other:?}"),
    }
}
