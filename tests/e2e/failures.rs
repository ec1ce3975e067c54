//! The failure paths a partner meets, end to end: each is refused by the
//! sandbox (or before the network) with a status and message that say why.

use std::time::{Duration, SystemTime};

use limitless_client::{
    Client, CreateDelegatedOrderParams, CreatePartnerAccountInput, Error, FixedClock,
    HmacCredentials, Side,
};
use limitless_sandbox::SandboxHandle;

use crate::support::{
    Backend, OTHER_PARTNER, all_scopes, client, partner, sandbox, scoped, server_wallet,
};

fn status(error: &Error) -> Option<u16> {
    error.status().map(|s| s.as_u16())
}

#[allow(clippy::disallowed_methods)] // a test stands in for the real clock here
fn real_now() -> SystemTime {
    SystemTime::now()
}

fn hmac_client(
    sandbox: &SandboxHandle,
    token_id: &str,
    secret: &str,
    clock: Option<FixedClock>,
) -> Client {
    let mut builder = Client::builder()
        .base_url(sandbox.base_url())
        .hmac_credentials(HmacCredentials::new(token_id, secret));
    if let Some(clock) = clock {
        builder = builder.clock(clock);
    }
    Client::from_http_client(builder.build().unwrap()).unwrap()
}

#[tokio::test]
async fn wrong_secret_is_refused() {
    let sandbox = sandbox().await;
    let (_, derived) = partner(&sandbox, Backend::Reqwest).await;
    // Right token id, another valid secret.
    let forged = hmac_client(
        &sandbox,
        &derived.token_id,
        "b3RoZXItc2VjcmV0LWtleQ==",
        None,
    );
    let error = forged.api_tokens.list_tokens().await.unwrap_err();
    assert_eq!(status(&error), Some(401), "{error}");
    assert!(
        error.api_message().unwrap().contains("signature"),
        "{error}"
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn stale_timestamp_is_refused() {
    let sandbox = sandbox().await;
    let (_, derived) = partner(&sandbox, Backend::Reqwest).await;
    let stale = FixedClock::new(real_now() - Duration::from_secs(31));
    let late = hmac_client(&sandbox, &derived.token_id, &derived.secret, Some(stale));
    // A write is never retried, so the first refusal is what the caller sees.
    let error = late
        .partner_accounts
        .create_account(&CreatePartnerAccountInput::server_wallet("late"), None)
        .await
        .unwrap_err();
    assert_eq!(status(&error), Some(401), "{error}");
    assert!(error.api_message().unwrap().contains("window"), "{error}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn missing_scope_is_refused() {
    let sandbox = sandbox().await;
    let (trading_only, _) = scoped(
        &sandbox,
        Backend::Reqwest,
        sandbox.partner_identity_token(),
        vec!["trading".into()],
    )
    .await;
    let error = trading_only
        .partner_accounts
        .create_account(&CreatePartnerAccountInput::server_wallet("nope"), None)
        .await
        .unwrap_err();
    assert_eq!(status(&error), Some(403), "{error}");
    assert!(
        error.api_message().unwrap().contains("account_creation"),
        "{error}"
    );

    // Delegated orders need delegated_signing too.
    let (full, _) = partner(&sandbox, Backend::Reqwest).await;
    let alice = server_wallet(&full, "alice").await;
    let m = &sandbox.markets()[0];
    let order = CreateDelegatedOrderParams::gtc(
        &m.slug,
        &m.yes_token_id,
        Side::Buy,
        "0.5",
        1,
        alice.profile_id,
    );
    let error = trading_only
        .delegated_orders
        .create_order(&order)
        .await
        .unwrap_err();
    assert_eq!(status(&error), Some(403), "{error}");
    assert!(
        error.api_message().unwrap().contains("delegated_signing"),
        "{error}"
    );
    assert_eq!(sandbox.order_count(), 0);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn revoked_token_is_refused_everywhere() {
    let sandbox = sandbox().await;
    let (scoped, derived) = partner(&sandbox, Backend::Hyper).await;
    let alice = server_wallet(&scoped, "alice").await;
    scoped
        .api_tokens
        .revoke_token(&derived.token_id)
        .await
        .unwrap();
    let m = &sandbox.markets()[0];
    let order = CreateDelegatedOrderParams::gtc(
        &m.slug,
        &m.yes_token_id,
        Side::Buy,
        "0.5",
        1,
        alice.profile_id,
    );
    let error = scoped
        .delegated_orders
        .create_order(&order)
        .await
        .unwrap_err();
    assert_eq!(status(&error), Some(401), "{error}");
    let error = scoped
        .partner_accounts
        .check_allowances(alice.profile_id)
        .await
        .unwrap_err();
    assert_eq!(status(&error), Some(401), "{error}");
    assert_eq!(sandbox.order_count(), 0);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn another_partners_sub_account_is_out_of_reach() {
    let sandbox = sandbox().await;
    let (mine, _) = partner(&sandbox, Backend::Reqwest).await;
    let (theirs, _) = scoped(&sandbox, Backend::Reqwest, OTHER_PARTNER, all_scopes()).await;
    let alice = server_wallet(&mine, "alice").await;

    let m = &sandbox.markets()[0];
    let order = CreateDelegatedOrderParams::gtc(
        &m.slug,
        &m.yes_token_id,
        Side::Buy,
        "0.5",
        1,
        alice.profile_id,
    );
    let error = theirs
        .delegated_orders
        .create_order(&order)
        .await
        .unwrap_err();
    assert_eq!(status(&error), Some(404), "{error}");
    let error = theirs
        .partner_accounts
        .check_allowances(alice.profile_id)
        .await
        .unwrap_err();
    assert_eq!(status(&error), Some(404), "{error}");
    assert!(
        theirs
            .partner_accounts
            .recover_account(&alice.account)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(sandbox.order_count(), 0);

    // The owner can still trade for alice.
    mine.delegated_orders.create_order(&order).await.unwrap();
    assert_eq!(sandbox.order_count(), 1);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn an_order_off_the_tick_never_leaves_the_client() {
    let sandbox = sandbox().await;
    let (scoped, _) = partner(&sandbox, Backend::Reqwest).await;
    let alice = server_wallet(&scoped, "alice").await;
    let m = &sandbox.markets()[0];
    let before = sandbox.request_count();
    for (price, size, names) in [
        ("0.5555", "10", ["0.555", "0.556"]),
        ("0.55", "1.2345", ["1.234", "1.235"]),
    ] {
        let order = CreateDelegatedOrderParams::gtc(
            &m.slug,
            &m.yes_token_id,
            Side::Buy,
            price,
            size,
            alice.profile_id,
        );
        let error = scoped
            .delegated_orders
            .create_order(&order)
            .await
            .unwrap_err();
        assert!(matches!(error, Error::InvalidInput { .. }), "{error:?}");
        let message = error.to_string();
        assert!(names.iter().all(|n| message.contains(n)), "{message}");
    }
    assert_eq!(sandbox.request_count(), before, "nothing was sent");
    assert_eq!(sandbox.order_count(), 0);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn identity_calls_need_a_known_identity() {
    let sandbox = sandbox().await;
    let public = client(&sandbox, Backend::Reqwest, None);
    let error = public
        .api_tokens
        .get_capabilities("not-a-real-identity")
        .await
        .unwrap_err();
    assert_eq!(status(&error), Some(401), "{error}");
    // A blank identity token is refused before the network.
    let before = sandbox.request_count();
    let error = public.api_tokens.get_capabilities("  ").await.unwrap_err();
    assert!(matches!(error, Error::InvalidInput { .. }), "{error:?}");
    assert_eq!(sandbox.request_count(), before);
    sandbox.shutdown().await;
}
