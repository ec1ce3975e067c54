//! Maintenance and rate limits end to end: the client with its default
//! rate limit against a sandbox enforcing the API's documented per-token
//! limits, through a maintenance window.

use std::time::Duration;

use limitless_client::MaintenanceTarget;
use limitless_client::types::maintenance::MaintenanceMode;
use limitless_client::{
    Client, CreateDelegatedOrderParams, Error, HmacCredentials, RateLimit, Side,
};
use limitless_sandbox::{MarketVenue, Sandbox};
use limitless_transport::ReqwestTransport;

use crate::support::{all_scopes, market, server_wallet};

/// The window the refusal meets: long enough that no load on the test
/// host lets it end before the order arrives.
const LONG_WINDOW: Duration = Duration::from_secs(3600);
/// The window whose end the client waits for.
const WINDOW: Duration = Duration::from_millis(1500);

#[tokio::test]
async fn an_order_refused_in_cancel_only_is_accepted_after_the_window() {
    let sandbox = Sandbox::builder()
        .documented_rate_limits(true)
        .start()
        .await
        .unwrap();
    // The client as a user builds it: the default rate limit on.
    let public = Client::builder()
        .base_url(sandbox.base_url())
        .transport(ReqwestTransport::new().unwrap())
        .build_client()
        .unwrap();
    assert_eq!(public.http().rate_limit(), Some(RateLimit::default()));
    let derived = public
        .api_tokens
        .derive_token(
            sandbox.partner_identity_token(),
            &limitless_client::DeriveApiTokenInput {
                label: Some("maintenance".into()),
                scopes: all_scopes(),
            },
        )
        .await
        .unwrap();
    public
        .http()
        .set_hmac_credentials(&HmacCredentials::new(derived.token_id, derived.secret))
        .unwrap();
    let client = public;
    let alice = server_wallet(&client, "alice").await;
    let m = market(&sandbox, MarketVenue::Legacy);
    let order = CreateDelegatedOrderParams::gtc(
        &m.slug,
        &m.yes_token_id,
        Side::Buy,
        "0.45",
        10,
        alice.profile_id,
    );

    sandbox
        .maintenance()
        .schedule(MaintenanceMode::CancelOnly, Duration::ZERO, LONG_WINDOW);
    let status = client
        .maintenance
        .get_status(Some(&MaintenanceTarget::Trading))
        .await
        .unwrap();
    assert_eq!(status.trading_mode(), Some(MaintenanceMode::CancelOnly));
    let resume_text = status.active[0].ends_at.clone().unwrap();

    let error = client
        .delegated_orders
        .create_order(&order)
        .await
        .unwrap_err();
    let Error::Maintenance {
        mode, resume_at, ..
    } = &error
    else {
        panic!("expected a maintenance refusal, got {error:?}");
    };
    assert_eq!(mode, &Some(MaintenanceMode::CancelOnly));
    assert!(resume_at.is_some(), "resumeAt {resume_text} is read");
    assert!(!error.is_outcome_unknown());
    assert_eq!(sandbox.order_count(), 0, "refused, not placed");

    // A short window replaces the long one. Wait for it to end as a client
    // would: read the status (a wait for a state, not a timed assertion).
    sandbox.maintenance().clear();
    sandbox
        .maintenance()
        .schedule(MaintenanceMode::CancelOnly, Duration::ZERO, WINDOW);
    let mut reads = 0;
    while client
        .maintenance
        .get_status(Some(&MaintenanceTarget::Trading))
        .await
        .unwrap()
        .trading_mode()
        .is_some()
    {
        reads += 1;
        assert!(reads < 200, "the window never ended");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let placed = client.delegated_orders.create_order(&order).await.unwrap();
    assert_eq!(placed.order.maker_amount, Some(4_500_000));
    assert_eq!(sandbox.order_count(), 1);
    // Every call went through the limiter: the sandbox refused none.
    assert_eq!(sandbox.rate_limited_count(), 0);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn without_the_limiter_the_sandbox_answers_429_and_the_client_types_it() {
    let sandbox = Sandbox::builder()
        .documented_rate_limits(true)
        .start()
        .await
        .unwrap();
    let (client, _) = crate::support::partner(&sandbox, crate::support::Backend::Reqwest).await;
    assert_eq!(client.http().rate_limit(), None);
    // Back-to-back reads of one token: the second arrives well within
    // 300 ms, is refused, and (a read) is retried after the second the
    // sandbox asked for.
    let first = client.api_tokens.list_tokens();
    let second = client.api_tokens.list_tokens();
    let (first, second) = tokio::join!(first, second);
    first.unwrap();
    second.unwrap();
    assert!(sandbox.rate_limited_count() >= 1);
    sandbox.shutdown().await;
}
