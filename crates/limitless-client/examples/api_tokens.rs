//! API tokens: the partner's capabilities, a scoped token derived with a
//! Privy identity token (its secret is returned once), the list of tokens,
//! and revoking one, after which the API refuses it.
//!
//! Against a server it needs `LIMITLESS_IDENTITY_TOKEN`. Deriving and
//! revoking are writes: they are printed, not sent, unless
//! `LIMITLESS_EXAMPLES_LIVE=1`.
//!
//! ```text
//! cargo run -p limitless-client --example api_tokens
//! ```

mod common;

use std::process::ExitCode;

use common::{Outcome, Setup, section};
use limitless_client::http::StatusCode;
use limitless_client::{
    Client, DeriveApiTokenInput, Error, HmacCredentials, SCOPE_ADMIN, SCOPE_TRADING,
};

fn main() -> ExitCode {
    common::run(example)
}

async fn example(setup: &Setup) -> Outcome {
    let identity_token = setup.identity_token()?;
    let tokens = &setup.client.api_tokens;

    section("GET /auth/api-tokens/capabilities (identity token)");
    let capabilities = tokens.get_capabilities(identity_token).await?;
    println!("partner profile {}", capabilities.partner_profile_id);
    println!(
        "token management enabled: {}",
        capabilities.token_management_enabled
    );
    println!(
        "scopes it may request: {}",
        capabilities.allowed_scopes.join(", ")
    );

    section("a scope no partner may request is refused before sending");
    let admin = DeriveApiTokenInput {
        label: None,
        scopes: vec![SCOPE_ADMIN.to_owned()],
    };
    match tokens.derive_token(identity_token, &admin).await {
        Err(Error::InvalidInput { message, .. }) => println!("nothing sent: {message}"),
        other => return Err(format!("expected a refusal, got {other:?}").into()),
    }

    section("POST /auth/api-tokens/derive (identity token)");
    let input = DeriveApiTokenInput {
        label: Some("example-bot".to_owned()),
        scopes: vec![SCOPE_TRADING.to_owned()],
    };
    let Some(derived) = setup
        .send(tokens.derive_token(identity_token, &input))
        .await?
    else {
        return Ok(());
    };
    println!(
        "token {} with scopes [{}]",
        derived.token_id,
        derived.scopes.join(", ")
    );
    // `Debug` of the token redacts the secret; store it, never log it.
    println!("the secret is returned this once: keep it in a secret store");

    // A client signing every request with the new token.
    let bot = Client::builder()
        .base_url(setup.client.http().base_url())
        .hmac_credentials(HmacCredentials::from(&derived))
        .build_client()?;

    section("GET /auth/api-tokens (HMAC, the new token)");
    for token in bot.api_tokens.list_tokens().await? {
        let label = token.label.as_deref().unwrap_or("-");
        let used = token.last_used_at.as_deref().unwrap_or("never");
        println!(
            "  {} {label} [{}], last used {used}",
            token.token_id,
            token.scopes.join(", ")
        );
    }

    section("DELETE /auth/api-tokens/{tokenId}");
    let message = bot.api_tokens.revoke_token(&derived.token_id).await?;
    println!("{message}");

    section("the revoked token is refused");
    match bot.api_tokens.list_tokens().await {
        Err(error) if error.status() == Some(StatusCode::UNAUTHORIZED) => {
            println!("HTTP 401: {}", error.api_message().unwrap_or("-"));
        }
        Err(error) => return Err(error.into()),
        Ok(_) => return Err("the API still accepts the revoked token".into()),
    }
    Ok(())
}
