//! `Error::outcome` through real calls: the same failure on a read and on
//! a write, and what each means for the request. A read never ends
//! `Unknown`; a write that is not idempotent does whenever it may have been
//! carried out; a write whose preliminary read fails was never sent.

use limitless_client::{Client, CreateDelegatedOrderParams, Error, Outcome, Side};
use limitless_transport::test_util::FailingTransport;
use serde_json::json;
use wiremock::ResponseTemplate;

use crate::support::{Harness, credentials, hmac_mock, market_json};

/// A GTC buy on `market` for sub-account 326: reads the market, then
/// posts the order.
fn order() -> CreateDelegatedOrderParams {
    CreateDelegatedOrderParams::gtc("market", "123", Side::Buy, "0.5", 1, 326)
}

async fn mount_market(h: &Harness) {
    hmac_mock("GET", "/markets/market")
        .respond_with(ResponseTemplate::new(200).set_body_json(market_json("market", None)))
        .expect(1)
        .mount(&h.server)
        .await;
}

/// The outcome of `list_tokens` (a read) and of `create_order` (a write
/// that is not idempotent) when the server answers each with `answer`.
async fn read_and_write(answer: ResponseTemplate) -> (Error, Error) {
    let h = Harness::hmac().await;
    hmac_mock("GET", "/auth/api-tokens")
        .respond_with(answer.clone())
        .expect(1)
        .mount(&h.server)
        .await;
    let read = h.client.api_tokens.list_tokens().await.unwrap_err();

    let h = Harness::hmac().await;
    mount_market(&h).await;
    hmac_mock("POST", "/orders")
        .respond_with(answer)
        .expect(1)
        .mount(&h.server)
        .await;
    let write = h
        .client
        .delegated_orders
        .create_order(&order())
        .await
        .unwrap_err();
    (read, write)
}

#[tokio::test]
async fn a_server_error_fails_a_read_and_leaves_a_write_unknown() {
    let (read, write) = read_and_write(ResponseTemplate::new(500)).await;
    assert!(matches!(read, Error::Api(_)), "{read:?}");
    assert_eq!(read.outcome(), Outcome::Failed);
    assert!(write.is_outcome_unknown(), "{write:?}");
    assert_eq!(write.outcome(), Outcome::Unknown);
    assert_eq!(write.sent_orders().len(), 1);
}

#[tokio::test]
async fn an_unreadable_answer_fails_a_read_and_leaves_a_write_unknown() {
    let (read, write) =
        read_and_write(ResponseTemplate::new(200).set_body_string("<html>ok</html>")).await;
    assert!(matches!(read, Error::Decode(_)), "{read:?}");
    assert_eq!(read.outcome(), Outcome::Failed);
    assert_eq!(write.outcome(), Outcome::Unknown);
}

#[tokio::test]
async fn a_refusal_is_refused_for_both() {
    let refusal = ResponseTemplate::new(400).set_body_json(json!({"message": "no"}));
    let (read, write) = read_and_write(refusal).await;
    assert_eq!(read.outcome(), Outcome::Refused);
    assert_eq!(write.outcome(), Outcome::Refused);

    let limited = ResponseTemplate::new(429).insert_header("retry-after", "1");
    let (read, write) = read_and_write(limited).await;
    assert!(matches!(read, Error::RateLimited { .. }), "{read:?}");
    assert_eq!(read.outcome(), Outcome::Refused);
    assert_eq!(write.outcome(), Outcome::Refused);

    let maintenance = ResponseTemplate::new(503)
        .set_body_json(json!({"message": "maintenance", "mode": "cancel_only"}));
    let (read, write) = read_and_write(maintenance).await;
    assert!(read.is_maintenance(), "{read:?}");
    assert_eq!(read.outcome(), Outcome::Refused);
    assert!(write.is_maintenance(), "{write:?}");
    assert_eq!(write.outcome(), Outcome::Refused);
}

#[tokio::test]
async fn a_duplicate_client_order_id_is_refused() {
    let h = Harness::hmac().await;
    mount_market(&h).await;
    hmac_mock("POST", "/orders")
        .respond_with(ResponseTemplate::new(409).set_body_json(
            json!({"message": "Duplicate clientOrderId", "code": "DUPLICATE_CLIENT_ORDER_ID"}),
        ))
        .expect(1)
        .mount(&h.server)
        .await;
    let error = h
        .client
        .delegated_orders
        .create_order(&order().client_order_id("mine-1"))
        .await
        .unwrap_err();
    assert!(error.is_duplicate_client_order_id(), "{error:?}");
    assert_eq!(error.outcome(), Outcome::Refused);
}

/// An order reads its market before it posts: when that read fails, the
/// order was never sent, and the error says so.
#[tokio::test]
async fn a_write_whose_first_read_fails_was_not_sent() {
    let h = Harness::hmac().await;
    hmac_mock("GET", "/markets/market")
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&h.server)
        .await;
    let error = h
        .client
        .delegated_orders
        .create_order(&order())
        .await
        .unwrap_err();
    assert_eq!(error.outcome(), Outcome::Failed);
    assert!(error.sent_orders().is_empty());
    let posted = h.requests().await;
    assert!(posted.iter().all(|r| r.method == "GET"), "{posted:?}");
}

/// Cancelling one order is idempotent: a 5xx fails it, and sending it again
/// is harmless.
#[tokio::test]
async fn an_idempotent_write_that_fails_can_be_sent_again() {
    let h = Harness::hmac().await;
    hmac_mock("DELETE", "/orders/ord-1")
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&h.server)
        .await;
    let error = h.client.delegated_orders.cancel("ord-1").await.unwrap_err();
    assert_eq!(error.outcome(), Outcome::Failed);

    // Cancelling all of a market's orders is not idempotent.
    hmac_mock("DELETE", "/orders/all/market")
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&h.server)
        .await;
    let error = h
        .client
        .delegated_orders
        .cancel_all("market")
        .await
        .unwrap_err();
    assert_eq!(error.outcome(), Outcome::Unknown);
}

/// A connection that cannot be made sent nothing, read or write; one lost
/// after sending fails a read and leaves a write unknown.
#[tokio::test]
async fn transport_failures_before_and_after_sending() {
    let client = |transport: FailingTransport| {
        let http = Client::builder()
            .transport(transport)
            .hmac_credentials(credentials())
            .no_retries()
            .build()
            .unwrap();
        Client::from_http_client(http).unwrap()
    };
    let cancel = |client: Client| async move {
        client
            .delegated_orders
            .cancel_all("market")
            .await
            .unwrap_err()
    };

    let refused = client(FailingTransport::refused());
    let read = refused.api_tokens.list_tokens().await.unwrap_err();
    assert_eq!(read.outcome(), Outcome::NotSent);
    assert_eq!(cancel(refused).await.outcome(), Outcome::NotSent);

    let lost = client(FailingTransport::after_send());
    let read = lost.api_tokens.list_tokens().await.unwrap_err();
    assert!(matches!(read, Error::Transport { .. }), "{read:?}");
    assert_eq!(read.outcome(), Outcome::Failed);
    assert_eq!(cancel(lost).await.outcome(), Outcome::Unknown);
}

/// Errors raised before any I/O: nothing reached the server.
#[tokio::test]
async fn local_failures_send_nothing() {
    let h = Harness::hmac().await;
    let error = h
        .client
        .delegated_orders
        .create_order(&CreateDelegatedOrderParams::gtc(
            "market",
            "123",
            Side::Buy,
            "1.5",
            1,
            326,
        ))
        .await
        .unwrap_err();
    assert_eq!(error.outcome(), Outcome::Invalid);
    h.assert_no_requests().await;

    let h = Harness::anonymous().await;
    let read = h.client.api_tokens.list_tokens().await.unwrap_err();
    assert_eq!(read.outcome(), Outcome::Misconfigured);
    let write = h
        .client
        .delegated_orders
        .create_order(&order())
        .await
        .unwrap_err();
    assert_eq!(write.outcome(), Outcome::Misconfigured);
    h.assert_no_requests().await;

    let bad_secret = Client::builder()
        .hmac_credentials(limitless_client::HmacCredentials {
            token_id: "tok".into(),
            secret: "not base64!".into(),
        })
        .build()
        .unwrap_err();
    assert_eq!(bad_secret.outcome(), Outcome::Misconfigured);
}
