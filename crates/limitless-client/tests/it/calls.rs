//! `Call`: raw responses, and calls that own their data (spawnable).

use limitless_client::http::StatusCode;
use limitless_client::{Client, CreateDelegatedOrderParams, Error, Side};
use serde_json::json;
use wiremock::ResponseTemplate;

use crate::support::{Harness, credentials, hmac_mock, market_json, tokens_json};

#[tokio::test]
async fn with_raw_returns_status_headers_and_body() {
    let h = Harness::hmac().await;
    let body = r#"[{"tokenId":"tok_1","label":"bot","scopes":["trading"],"createdAt":"2026-03-01T00:00:00.000Z","lastUsedAt":null}]"#;
    hmac_mock("GET", "/auth/api-tokens")
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "req-77")
                .set_body_raw(body, "application/json"),
        )
        .expect(1)
        .mount(&h.server)
        .await;
    let response = h.client.api_tokens.list_tokens().with_raw().await.unwrap();
    assert_eq!(response.raw.status, StatusCode::OK);
    assert_eq!(response.raw.headers["x-request-id"], "req-77");
    assert_eq!(response.raw.body, body.as_bytes());
    assert_eq!(response.data[0].label.as_deref(), Some("bot"));
}

/// Every service method's call owns its data: spawned after the client
/// and the arguments are gone, it still runs.
#[tokio::test]
async fn calls_borrow_nothing_and_can_be_spawned() {
    // Answers by path, whatever order the spawned calls arrive in.
    let transport = limitless_transport::transport_fn(
        |request: limitless_client::http::Request<limitless_transport::Bytes>| async move {
            let body = match (request.method().as_str(), request.uri().path()) {
                ("GET", "/markets/btc") => market_json("btc", None),
                ("GET", "/auth/api-tokens") => tokens_json(),
                ("DELETE", "/orders/ord-1") => json!({"message": "Order cancelled"}),
                ("POST", "/orders") => crate::faults::order_json(),
                other => panic!("unexpected request {other:?}"),
            };
            Ok::<_, limitless_client::TransportError>(limitless_client::http::Response::new(
                limitless_transport::Bytes::from(body.to_string()),
            ))
        },
    );
    let (market, tokens, cancel, rejected, order) = {
        let http = Client::builder()
            .transport(transport)
            .hmac_credentials(credentials())
            .no_retries()
            .build()
            .unwrap();
        let client = Client::from_http_client(http).unwrap();
        let slug = String::from("btc");
        let order_id = String::from("ord-1");
        let market = tokio::spawn(client.markets.get_market(&slug));
        let tokens = tokio::spawn(client.api_tokens.list_tokens());
        let cancel = tokio::spawn(client.delegated_orders.cancel(&order_id));
        let params =
            CreateDelegatedOrderParams::gtc(slug.clone(), "123", Side::Buy, 0.5, 1, 326).salt(7);
        // Validated now; an invalid order fails when awaited, spawned too.
        let invalid = CreateDelegatedOrderParams::gtc(slug.clone(), "0", Side::Buy, 0.5, 1, 326);
        let rejected = tokio::spawn(client.delegated_orders.create_order(&invalid));
        let order = client.delegated_orders.create_order(&params).with_raw();
        drop((client, slug, order_id, params, invalid));
        (market, tokens, cancel, rejected, order)
    };
    assert_eq!(market.await.unwrap().unwrap().slug, "btc");
    assert_eq!(tokens.await.unwrap().unwrap().len(), 1);
    assert_eq!(cancel.await.unwrap().unwrap(), "Order cancelled");
    assert!(matches!(
        rejected.await.unwrap(),
        Err(Error::InvalidInput { .. })
    ));
    let placed = tokio::spawn(order).await.unwrap().unwrap();
    assert_eq!(placed.data.order.id, "ord-1");
}
