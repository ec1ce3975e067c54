//! The Rust usage from the official API tokens page, run as written against
//! the sandbox: only the crate path differs (`limitless_exchange_rust_sdk` →
//! `limitless_client`). `Client::new()` reaches the sandbox because the page's
//! code runs in a child process whose `LIMITLESS_API_URL` points at it, so no
//! line of the page is changed and no process-wide variable is set here.

use std::process::Command;

use limitless_client as limitless_exchange_rust_sdk;

/// Where the child finds the identity token the page's `identity_token` is.
const IDENTITY_ENV: &str = "LIMITLESS_E2E_IDENTITY_TOKEN";

#[tokio::test(flavor = "multi_thread")]
async fn the_reference_page_runs_as_written_against_the_sandbox() {
    let sandbox = crate::support::sandbox().await;
    let before = sandbox.request_count();
    let base_url = sandbox.base_url();
    let identity = sandbox.partner_identity_token().to_owned();
    // The sandbox keeps serving on this runtime while a blocking thread waits.
    let output = tokio::task::spawn_blocking(move || {
        Command::new(std::env::current_exe().expect("test binary path"))
            .args([
                "reference::reference_page_verbatim",
                "--exact",
                "--ignored",
                "--nocapture",
            ])
            .env(limitless_client::ENV_API_URL, base_url)
            .env(IDENTITY_ENV, identity)
            .output()
            .expect("the test binary runs")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(
        stdout.contains("1 passed"),
        "the page's code ran:\n{stdout}"
    );
    // What the page prints: capabilities, the token, the list, the revoke message.
    assert!(stdout.contains("true\n"), "{stdout}");
    assert!(
        stdout.contains(r#"["trading", "account_creation", "delegated_signing"]"#),
        "{stdout}"
    );
    assert!(stdout.contains("revoked"), "{stdout}");
    // Capabilities, derive, list, revoke, and the refused list after it.
    assert!(sandbox.request_count() >= before + 5);
    sandbox.shutdown().await;
}

#[tokio::test]
#[ignore = "run in a child process by the_reference_page_runs_as_written_against_the_sandbox"]
async fn reference_page_verbatim() -> Result<(), Box<dyn std::error::Error>> {
    let identity_token = std::env::var(IDENTITY_ENV)?;
    let identity_token = identity_token.as_str();

    // From here to the end of the nested block: the page, line for line.
    use limitless_exchange_rust_sdk::Client;

    let client = Client::new()?;

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

    // The page imports `Client` again here; a block keeps that import legal.
    {
        use limitless_exchange_rust_sdk::{Client, HmacCredentials};

        let http = Client::builder()
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
    }
    Ok(())
}
