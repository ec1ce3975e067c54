//! The Rust usage from the official API tokens page, run against the
//! sandbox. Only the crate path differs (`limitless_exchange_rust_sdk` →
//! `limitless_client`), and the clients are pointed at the sandbox instead of
//! production.

use limitless_client as limitless_exchange_rust_sdk;

async fn reference_page(
    base_url: &str,
    identity_token: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    use limitless_exchange_rust_sdk::Client;

    let client = Client::from_http_client(Client::builder().base_url(base_url).build()?)?;

    // Use client.api_tokens.*

    let capabilities = client.api_tokens.get_capabilities(identity_token).await?;

    println!("{}", capabilities.token_management_enabled);
    println!("{:?}", capabilities.allowed_scopes);

    use limitless_exchange_rust_sdk::{
        DeriveApiTokenInput, SCOPE_ACCOUNT_CREATION, SCOPE_DELEGATED_SIGNING, SCOPE_TRADING,
    };

    let derived = client
        .api_tokens
        .derive_token(
            identity_token,
            &DeriveApiTokenInput {
                label: Some("production-bot".to_string()),
                scopes: vec![
                    SCOPE_TRADING.to_string(),
                    SCOPE_ACCOUNT_CREATION.to_string(),
                    SCOPE_DELEGATED_SIGNING.to_string(),
                ],
            },
        )
        .await?;

    println!("{}", derived.token_id);
    println!("{:?}", derived.scopes);

    use limitless_exchange_rust_sdk::HmacCredentials;

    let http = Client::builder()
        .base_url(base_url)
        .hmac_credentials(HmacCredentials {
            token_id: derived.token_id.clone(),
            secret: derived.secret.clone(),
        })
        .build()?;

    let scoped_client = Client::from_http_client(http)?;

    let tokens = scoped_client.api_tokens.list_tokens().await?;

    for token in tokens {
        println!(
            "{} {:?} {:?} {:?}",
            token.token_id, token.label, token.scopes, token.last_used_at
        );
    }

    let message = scoped_client
        .api_tokens
        .revoke_token(&derived.token_id)
        .await?;
    println!("{}", message);

    // Beyond the page: the revoked token no longer authenticates.
    let refused = scoped_client.api_tokens.list_tokens().await.unwrap_err();
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(401));
    Ok(())
}

#[tokio::test]
async fn the_reference_page_usage_runs_against_the_sandbox() {
    let sandbox = crate::support::sandbox().await;
    reference_page(&sandbox.base_url(), sandbox.partner_identity_token())
        .await
        .unwrap();
    // Capabilities, derive, list, revoke, and the refused list all arrived.
    assert!(sandbox.request_count() >= 5);
    sandbox.shutdown().await;
}
