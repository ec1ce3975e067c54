//! The Rust usage of the official API-token reference page
//! (`/work/shared/reference/003_5a7e1e83852bfd26.txt`), with the crate path
//! `limitless_client`, run against a local server. The only change: both
//! clients are pointed at the mock server's base URL instead of production.

use limitless_client::{
    Client, DeriveApiTokenInput, HmacCredentials, SCOPE_ACCOUNT_CREATION, SCOPE_DELEGATED_SIGNING,
    SCOPE_TRADING,
};
use serde_json::json;
use wiremock::ResponseTemplate;

use crate::support::{BodyIs, HmacSigned, IDENTITY, SECRET, TOKEN_ID, identity_mock};

async fn reference_usage(
    base_url: &str,
    identity_token: &str,
) -> Result<String, limitless_client::Error> {
    // `Client::new()?` on the page; here aimed at the mock server.
    let client = Client::from_http_client(Client::builder().base_url(base_url).build()?)?;

    let capabilities = client.api_tokens.get_capabilities(identity_token).await?;

    println!("{}", capabilities.token_management_enabled);
    println!("{:?}", capabilities.allowed_scopes);

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
    Ok(message)
}

/// Verifies HMAC at the real time: the reference clients use the system clock.
#[derive(Debug)]
struct SignedNow;

impl wiremock::Match for SignedNow {
    #[allow(clippy::disallowed_methods)] // the server side of the test reads the wall clock
    fn matches(&self, request: &wiremock::Request) -> bool {
        HmacSigned::at(std::time::SystemTime::now()).matches(request)
    }
}

#[tokio::test]
async fn the_reference_page_usage_works() {
    let server = wiremock::MockServer::start().await;
    identity_mock("GET", "/auth/api-tokens/capabilities")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "partnerProfileId": 77,
            "tokenManagementEnabled": true,
            "allowedScopes": ["trading", "account_creation", "delegated_signing", "withdrawal"]
        })))
        .expect(1)
        .mount(&server)
        .await;
    identity_mock("POST", "/auth/api-tokens/derive")
        .and(BodyIs(
            r#"{"label":"production-bot","scopes":["trading","account_creation","delegated_signing"]}"#
                .to_owned(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "apiKey": TOKEN_ID, "secret": SECRET, "tokenId": TOKEN_ID,
            "createdAt": "2026-03-23T12:34:56.789Z",
            "scopes": ["trading", "account_creation", "delegated_signing"],
            "profile": {"id": 77, "account": "0x4e2b1d4a4f7c0b8d9e6a5c3b2a1f0e9d8c7b6a59"}
        })))
        .expect(1)
        .mount(&server)
        .await;
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .and(wiremock::matchers::path("/auth/api-tokens"))
        .and(SignedNow)
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"tokenId": TOKEN_ID, "label": "production-bot", "scopes": ["trading"], "createdAt": "2026-03-23T12:34:56.789Z", "lastUsedAt": null}
        ])))
        .expect(1)
        .mount(&server)
        .await;
    wiremock::Mock::given(wiremock::matchers::method("DELETE"))
        .and(wiremock::matchers::path(format!(
            "/auth/api-tokens/{TOKEN_ID}"
        )))
        .and(SignedNow)
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"message": "API token revoked"})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let message = reference_usage(&server.uri(), IDENTITY).await.unwrap();
    assert_eq!(message, "API token revoked");
}
