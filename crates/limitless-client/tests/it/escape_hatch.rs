//! `Client::request`: endpoints the SDK does not wrap, signed and sent
//! through the same path as every operation.

use limitless_client::http::Method;
use limitless_client::{Client, Error, RetryConfig};
use limitless_transport::test_util::MockTransport;
use serde_json::{Value, json};
use wiremock::ResponseTemplate;
use wiremock::matchers::{body_string, query_param};

use crate::support::{
    BodyEmpty, Harness, IDENTITY, QueryIs, assert_invalid, assert_no_secrets, credentials,
    hmac_mock, identity_mock,
};

#[tokio::test]
async fn a_get_is_signed_over_its_path_and_query_and_decodes_any_json() {
    let h = Harness::hmac().await;
    hmac_mock("GET", "/portfolio/trades")
        .and(QueryIs::some("market=btc+usd&limit=10"))
        .and(BodyEmpty)
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"id": "t-1"}])))
        .expect(1)
        .mount(&h.server)
        .await;
    let trades = h
        .client
        .request(Method::GET, "/portfolio/trades?market=btc+usd")
        .query([("limit", "10")])
        .call_json()
        .with_raw()
        .await
        .unwrap();
    assert_eq!(trades.data, json!([{"id": "t-1"}]));
    assert_eq!(trades.raw.status, 200);
}

#[tokio::test]
async fn a_post_signs_the_exact_json_bytes_and_decodes_a_typed_answer() {
    #[derive(Debug, serde::Deserialize)]
    struct Split {
        accepted: bool,
    }
    let h = Harness::hmac().await;
    hmac_mock("POST", "/portfolio/split")
        .and(body_string(r#"{"amount":"1000000","conditionId":"0xab"}"#))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"accepted": true})))
        .expect(1)
        .mount(&h.server)
        .await;
    let split: Split = h
        .client
        .request(Method::POST, "/portfolio/split")
        .json(&json!({"conditionId": "0xab", "amount": "1000000"}))
        .header("x-on-behalf-of", "326")
        .call()
        .await
        .unwrap();
    assert!(split.accepted);
    let sent = &h.requests().await[0];
    assert_eq!(sent.headers["content-type"], "application/json");
    assert_eq!(sent.headers["x-on-behalf-of"], "326");
}

#[tokio::test]
async fn an_identity_token_replaces_the_configured_credentials() {
    let h = Harness::hmac().await;
    identity_mock("GET", "/auth/api-tokens/capabilities")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .expect(1)
        .mount(&h.server)
        .await;
    let answer = h
        .client
        .request(Method::GET, "/auth/api-tokens/capabilities")
        .identity_token(IDENTITY)
        .call_json()
        .await
        .unwrap();
    assert_eq!(answer["ok"], true);
}

#[tokio::test]
async fn a_full_url_below_the_base_url_is_accepted() {
    let h = Harness::hmac().await;
    hmac_mock("GET", "/markets/active")
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&h.server)
        .await;
    let url = format!("{}/markets/active?page=2", h.server.uri());
    h.client
        .request(Method::GET, &url)
        .call_json()
        .await
        .unwrap();
}

#[tokio::test]
async fn paths_that_would_go_elsewhere_are_refused_before_any_io() {
    let h = Harness::hmac().await;
    for (path, needle) in [
        ("/markets/../auth/api-tokens", "`..` segment"),
        ("/markets/%2e%2E/auth", "`%2e%2E` segment"),
        ("/markets/./x", "`.` segment"),
        (
            "https://evil.example/markets",
            "not below the client's base URL",
        ),
        (
            "http://127.0.0.1:1/markets",
            "not below the client's base URL",
        ),
        ("//evil.example/markets", "another host"),
        ("markets/active", "must start with `/`"),
        ("/markets/with space", "not a valid URI path"),
    ] {
        let error = h
            .client
            .request(Method::GET, path)
            .call_json()
            .await
            .unwrap_err();
        assert_invalid(&error, needle);
        assert_eq!(error.field(), Some("path"), "{path}");
    }
    // Same origin, but outside the base URL's path.
    let client = Client::builder()
        .base_url(format!("{}/api/v1", h.server.uri()))
        .hmac_credentials(credentials())
        .build_client()
        .unwrap();
    let outside = format!("{}/other", h.server.uri());
    let error = client
        .request(Method::GET, &outside)
        .call_json()
        .await
        .unwrap_err();
    assert_invalid(&error, "not below the client's base URL");
    h.assert_no_requests().await;
}

#[tokio::test]
async fn credential_and_sdk_headers_cannot_be_set() {
    let h = Harness::hmac().await;
    for name in [
        "lmts-signature",
        "X-API-Key",
        "identity",
        "authorization",
        "user-agent",
    ] {
        let error = h
            .client
            .request(Method::GET, "/x")
            .header(name, "forged")
            .call_json()
            .await
            .unwrap_err();
        assert_invalid(&error, "cannot be set on a request");
        assert_eq!(error.field(), Some("header"));
        assert_no_secrets(&error);
    }
    h.assert_no_requests().await;
}

/// Only GET and HEAD are sent again once they may have arrived, unless the
/// caller declares the request idempotent.
#[tokio::test]
async fn only_reads_or_requests_declared_idempotent_are_retried_after_sending() {
    let fast = RetryConfig::new()
        .with_initial_backoff(std::time::Duration::ZERO)
        .with_jitter(false);
    let client = |mock: &MockTransport| {
        Client::builder()
            .hmac_credentials(credentials())
            .transport(mock.clone())
            .retry_config(fast.clone())
            .build_client()
            .unwrap()
    };
    let cases = [
        (Method::GET, None, 2, false),
        (Method::HEAD, None, 2, false),
        (Method::POST, None, 1, true),
        (Method::DELETE, None, 1, true),
        (Method::PUT, None, 1, true),
        (Method::POST, Some(true), 2, false),
        (Method::GET, Some(false), 1, true),
    ];
    for (method, idempotent, attempts, unknown) in cases {
        let mock = MockTransport::new();
        mock.push_json(503, &json!({"message": "busy"}));
        mock.push_json(200, &json!({"ok": true}));
        let mut request = client(&mock).request(method.clone(), "/portfolio/split");
        if let Some(idempotent) = idempotent {
            request = request.idempotent(idempotent);
        }
        let result = request.call_json().await;
        assert_eq!(mock.requests().len(), attempts, "{method} {idempotent:?}");
        match result {
            Ok(value) => assert_eq!(value["ok"], true),
            Err(error) => {
                assert_eq!(error.is_outcome_unknown(), unknown, "{method}: {error:?}");
                assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
            }
        }
    }
}

#[tokio::test]
async fn a_refusal_is_an_api_error_with_the_request_named() {
    let h = Harness::hmac().await;
    hmac_mock("DELETE", "/portfolio/positions/7")
        .respond_with(
            ResponseTemplate::new(404).set_body_json(json!({"message": "no such position"})),
        )
        .expect(1)
        .mount(&h.server)
        .await;
    let error = h
        .client
        .request(Method::DELETE, "/portfolio/positions/7")
        .call::<Value>()
        .await
        .unwrap_err();
    assert_eq!(error.api_message(), Some("no such position"));
    let context = error.context().unwrap();
    assert_eq!(
        (
            context.operation,
            context.method.as_str(),
            context.path.as_str()
        ),
        ("request", "DELETE", "/portfolio/positions/7")
    );
    assert!(matches!(error, Error::Api(_)));
}
