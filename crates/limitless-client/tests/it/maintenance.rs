//! `client.maintenance` (`GET /maintenance/status`) and the refusals a
//! maintenance window causes: a 503 naming its `mode` and `resumeAt`, a
//! `post_only` refusal, and `425 Too Early`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use limitless_client::MaintenanceTarget;
use limitless_client::types::maintenance::MaintenanceMode;
use limitless_client::{Client, CreateDelegatedOrderParams, Error, FixedClock, RetryConfig, Side};
use serde_json::json;
use wiremock::{MockServer, ResponseTemplate};

use crate::support::{
    Harness, QueryIs, anonymous_mock, assert_invalid, assert_no_secrets, credentials, hmac_mock,
    market_json, now,
};

/// `2026-12-07T18:00:00Z`.
fn resume_time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_796_666_400)
}

fn maintenance_body(mode: &str) -> serde_json::Value {
    json!({
        "code": "MAINTENANCE",
        "message": "Trading is temporarily restricted for maintenance",
        "mode": mode,
        "resumeAt": "2026-12-07T18:00:00Z",
    })
}

/// A client that retries (fast), so a test can show what is not retried.
async fn retrying() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(server.uri())
        .hmac_credentials(credentials())
        .clock(std::sync::Arc::new(FixedClock::new(now())))
        .retry_config(
            RetryConfig::new()
                .with_initial_backoff(Duration::from_millis(1))
                .with_jitter(false),
        )
        .no_rate_limit()
        .build_client()
        .unwrap();
    (server, client)
}

fn order() -> CreateDelegatedOrderParams {
    CreateDelegatedOrderParams::gtc("btc", "123", Side::Buy, 0.5, 1.0, 326)
}

#[tokio::test]
async fn get_status_is_a_public_read_that_sends_configured_credentials() {
    let h = Harness::hmac().await;
    hmac_mock("GET", "/maintenance/status")
        .and(QueryIs::some("target=trading"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "active": [{
                "id": "mw-1",
                "message": "Matching engine upgrade",
                "startsAt": "2026-12-07T17:00:00Z",
                "endsAt": "2026-12-07T18:00:00Z",
                "effects": [{"target": "trading", "mode": "cancel_only"}],
                "newField": {"nested": true}
            }],
            "scheduled": [{
                "startsAt": "2026-12-08T17:00:00Z",
                "effects": [{"target": "trading", "mode": "post_only"}]
            }]
        })))
        .expect(1)
        .mount(&h.server)
        .await;
    let status = h
        .client
        .maintenance
        .get_status(Some(&MaintenanceTarget::Trading))
        .await
        .unwrap();
    assert_eq!(status.trading_mode(), Some(MaintenanceMode::CancelOnly));
    assert_eq!(status.active[0].id.as_deref(), Some("mw-1"));
    assert_eq!(
        status.active[0].ends_at.as_deref(),
        Some("2026-12-07T18:00:00Z")
    );
    assert_eq!(
        status.scheduled[0].mode_for(&MaintenanceTarget::Trading),
        Some(MaintenanceMode::PostOnly)
    );
}

#[tokio::test]
async fn get_status_without_credentials_or_target() {
    let h = Harness::anonymous().await;
    anonymous_mock("GET", "/maintenance/status")
        .and(QueryIs::none())
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"active": [], "scheduled": []})),
        )
        .expect(1)
        .mount(&h.server)
        .await;
    let status = h.client.maintenance.get_status(None).await.unwrap();
    assert_eq!(status.trading_mode(), None);
    assert!(status.scheduled.is_empty());
}

#[tokio::test]
async fn a_blank_target_is_refused_before_the_network() {
    let h = Harness::anonymous().await;
    let error = h
        .client
        .maintenance
        .get_status(Some(&MaintenanceTarget::Other(" ".into())))
        .await
        .unwrap_err();
    assert_invalid(&error, "target must not be blank");
    assert_eq!(error.field(), Some("target"));
    h.assert_no_requests().await;
}

#[tokio::test]
async fn an_order_refused_for_maintenance_is_typed_refused_and_sent_once() {
    let (server, client) = retrying().await;
    hmac_mock("GET", "/markets/btc")
        .respond_with(ResponseTemplate::new(200).set_body_json(market_json("btc", None)))
        .mount(&server)
        .await;
    hmac_mock("POST", "/orders")
        .respond_with(ResponseTemplate::new(503).set_body_json(maintenance_body("cancel_only")))
        .expect(1)
        .mount(&server)
        .await;
    let error = client
        .delegated_orders
        .create_order(&order())
        .await
        .unwrap_err();
    let Error::Maintenance {
        mode,
        resume_at,
        source,
    } = &error
    else {
        panic!("expected Error::Maintenance, got {error:?}");
    };
    assert_eq!(mode, &Some(MaintenanceMode::CancelOnly));
    assert_eq!(*resume_at, Some(resume_time()));
    assert_eq!(source.status.as_u16(), 503);
    // Refused: not "outcome unknown", nothing to reconcile.
    assert!(!error.is_outcome_unknown());
    assert!(error.sent_orders().is_empty());
    assert!(!error.is_retryable());
    assert!(error.is_maintenance());
    assert_eq!(error.maintenance_mode(), Some(&MaintenanceMode::CancelOnly));
    assert_eq!(
        error.to_string(),
        "refused during maintenance (cancel_only); resumes at 2026-12-07T18:00:00Z"
    );
    assert_no_secrets(&error);
}

#[tokio::test]
async fn a_read_refused_for_maintenance_is_not_retried() {
    let (server, client) = retrying().await;
    hmac_mock("GET", "/portfolio/positions")
        .respond_with(ResponseTemplate::new(503).set_body_json(maintenance_body("disabled")))
        .expect(1)
        .mount(&server)
        .await;
    let error = client.portfolio.get_positions(None).await.unwrap_err();
    assert_eq!(error.maintenance_mode(), Some(&MaintenanceMode::Disabled));
    assert_eq!(error.resume_at(), Some(resume_time()));
}

#[tokio::test]
async fn a_bare_503_is_still_a_transient_failure() {
    let (server, client) = retrying().await;
    hmac_mock("GET", "/portfolio/positions")
        .respond_with(
            ResponseTemplate::new(503).set_body_json(json!({"message": "Service Unavailable"})),
        )
        .expect(4)
        .mount(&server)
        .await;
    let error = client.portfolio.get_positions(None).await.unwrap_err();
    assert!(matches!(error, Error::Api(_)), "{error:?}");
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_non_post_only_order_in_post_only_mode_is_a_maintenance_refusal() {
    let (server, client) = retrying().await;
    hmac_mock("GET", "/markets/btc")
        .respond_with(ResponseTemplate::new(200).set_body_json(market_json("btc", None)))
        .mount(&server)
        .await;
    hmac_mock("POST", "/orders")
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "message": "Only post-only orders are accepted during maintenance; set postOnly: true",
            "mode": "post_only",
            "resumeAt": null,
        })))
        .expect(1)
        .mount(&server)
        .await;
    let error = client
        .delegated_orders
        .create_order(&order())
        .await
        .unwrap_err();
    assert_eq!(error.maintenance_mode(), Some(&MaintenanceMode::PostOnly));
    assert_eq!(error.resume_at(), None);
    assert_eq!(error.to_string(), "refused during maintenance (post_only)");
    assert_eq!(
        error.api_message(),
        Some("Only post-only orders are accepted during maintenance; set postOnly: true")
    );
    assert!(!error.is_outcome_unknown());
}

#[tokio::test]
async fn too_early_is_typed_and_never_resent() {
    let (server, client) = retrying().await;
    hmac_mock("GET", "/markets/btc")
        .respond_with(ResponseTemplate::new(200).set_body_json(market_json("btc", None)))
        .mount(&server)
        .await;
    hmac_mock("POST", "/orders")
        .respond_with(ResponseTemplate::new(425).set_body_json(json!({"message": "Too Early"})))
        .expect(1)
        .mount(&server)
        .await;
    let error = client
        .delegated_orders
        .create_order(&order())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::TooEarly { .. }), "{error:?}");
    assert!(!error.is_outcome_unknown());
    assert_eq!(error.api_message(), Some("Too Early"));
}
