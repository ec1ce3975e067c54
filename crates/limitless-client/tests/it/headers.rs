//! What every request carries: the base URL prefix, default headers, which
//! credential wins, sensitive header values, fresh signatures.

use std::sync::Arc;
use std::time::Duration;

use limitless_client::{Client, Error, FixedClock};
use limitless_transport::test_util::MockTransport;
use serde_json::json;
use wiremock::ResponseTemplate;
use wiremock::matchers::header;

use crate::support::{
    API_KEY, Auth, IDENTITY, credentials, hmac_mock, http_client, now, tokens_json,
};

#[tokio::test]
async fn base_url_path_prefix_is_kept_and_signed() {
    let server = wiremock::MockServer::start().await;
    hmac_mock("GET", "/api/v1/auth/api-tokens")
        .respond_with(ResponseTemplate::new(200).set_body_json(tokens_json()))
        .expect(1)
        .mount(&server)
        .await;
    let clock = Arc::new(FixedClock::new(now()));
    let http = http_client(&format!("{}/api/v1/", server.uri()), Auth::Hmac, clock);
    assert_eq!(http.base_url(), format!("{}/api/v1", server.uri()));
    let client = Client::from_http_client(http).unwrap();
    let tokens = client.api_tokens.list_tokens().await.unwrap();
    assert_eq!(tokens[0].token_id, "tok_1");
}

#[tokio::test]
async fn default_headers_are_sent_but_never_replace_auth_headers() {
    let server = wiremock::MockServer::start().await;
    hmac_mock("GET", "/auth/api-tokens")
        .and(header("x-partner-app", "acme-bot"))
        .respond_with(ResponseTemplate::new(200).set_body_json(tokens_json()))
        .expect(1)
        .mount(&server)
        .await;
    let http = Client::builder()
        .base_url(server.uri())
        .transport(limitless_transport::ReqwestTransport::new().unwrap())
        .clock(FixedClock::new(now()))
        .hmac_credentials(credentials())
        .default_header("x-partner-app", "acme-bot")
        .build()
        .unwrap();
    let client = Client::from_http_client(http).unwrap();
    client.api_tokens.list_tokens().await.unwrap();

    for reserved in ["lmts-signature", "X-API-Key", "identity", "user-agent"] {
        let error = Client::builder()
            .transport(MockTransport::new())
            .default_header(reserved, "x")
            .build()
            .unwrap_err();
        assert!(
            matches!(error, Error::Config { .. }),
            "{reserved}: {error:?}"
        );
    }
}

#[tokio::test]
async fn hmac_wins_over_api_key() {
    let server = wiremock::MockServer::start().await;
    hmac_mock("GET", "/auth/api-tokens")
        .respond_with(ResponseTemplate::new(200).set_body_json(tokens_json()))
        .expect(1)
        .mount(&server)
        .await;
    let http = Client::builder()
        .base_url(server.uri())
        .transport(limitless_transport::ReqwestTransport::new().unwrap())
        .clock(FixedClock::new(now()))
        .api_key(API_KEY)
        .hmac_credentials(credentials())
        .build()
        .unwrap();
    let client = Client::from_http_client(http).unwrap();
    client.api_tokens.list_tokens().await.unwrap();
}

#[tokio::test]
async fn the_api_key_header_value_is_marked_sensitive() {
    let transport = MockTransport::new();
    transport.push_json(200, &tokens_json());
    let http = Client::builder()
        .transport(transport.clone())
        .api_key(API_KEY)
        .build()
        .unwrap();
    Client::from_http_client(http)
        .unwrap()
        .api_tokens
        .list_tokens()
        .await
        .unwrap();
    let request = transport.last_request().unwrap();
    assert!(request.headers["x-api-key"].is_sensitive());
    assert_eq!(
        request.uri.to_string(),
        "https://api.limitless.exchange/auth/api-tokens"
    );
}

#[tokio::test]
async fn the_identity_header_value_is_marked_sensitive() {
    let transport = MockTransport::new();
    transport.push_json(
        200,
        &json!({"partnerProfileId": 1, "tokenManagementEnabled": true, "allowedScopes": []}),
    );
    let http = Client::builder()
        .transport(transport.clone())
        .build()
        .unwrap();
    Client::from_http_client(http)
        .unwrap()
        .api_tokens
        .get_capabilities(IDENTITY)
        .await
        .unwrap();
    let request = transport.last_request().unwrap();
    assert!(request.headers["identity"].is_sensitive());
    assert!(!format!("{:?}", request.headers).contains(IDENTITY));
}

#[tokio::test]
async fn the_hmac_signature_header_is_sensitive_and_fresh_per_request() {
    let transport = MockTransport::new();
    transport.push_json(200, &tokens_json());
    transport.push_json(200, &tokens_json());
    let clock = Arc::new(FixedClock::new(now()));
    let http = Client::builder()
        .transport(transport.clone())
        .hmac_credentials(credentials())
        .clock(clock.clone())
        .build()
        .unwrap();
    let client = Client::from_http_client(http).unwrap();
    client.api_tokens.list_tokens().await.unwrap();
    clock.advance(Duration::from_millis(1_500));
    client.api_tokens.list_tokens().await.unwrap();

    let requests = transport.requests();
    assert!(requests[0].headers["lmts-signature"].is_sensitive());
    assert_eq!(
        requests[0].header("lmts-timestamp"),
        Some("2026-02-02T02:40:00.123Z")
    );
    assert_eq!(
        requests[1].header("lmts-timestamp"),
        Some("2026-02-02T02:40:01.623Z")
    );
    assert_ne!(
        requests[0].header("lmts-signature"),
        requests[1].header("lmts-signature")
    );
}
