//! `client.api_tokens`: capabilities, derive, list, revoke.

use limitless_client::{
    DeriveApiTokenInput, Error, SCOPE_ACCOUNT_CREATION, SCOPE_ADMIN, SCOPE_DELEGATED_SIGNING,
    SCOPE_TRADING,
};
use serde_json::json;
use wiremock::ResponseTemplate;

use crate::support::{
    BodyIs, Harness, IDENTITY, api_key_mock, assert_invalid, assert_no_secrets, hmac_mock,
    identity_mock,
};

fn derived_json() -> serde_json::Value {
    json!({
        "apiKey": "tok_new",
        "secret": "bmV3LXNlY3JldC1zZW50aW5lbA==",
        "tokenId": "tok_new",
        "createdAt": "2026-03-23T12:34:56.789Z",
        "scopes": ["trading", "account_creation", "delegated_signing"],
        "profile": {"id": 326, "account": "0x4e2b1d4a4f7c0b8d9e6a5c3b2a1f0e9d8c7b6a59"}
    })
}

#[tokio::test]
async fn get_capabilities_sends_only_the_identity_token() {
    // The client has HMAC credentials; the identity call must not use them.
    let h = Harness::hmac().await;
    identity_mock("GET", "/auth/api-tokens/capabilities")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "partnerProfileId": 77,
            "tokenManagementEnabled": true,
            "allowedScopes": ["trading", "account_creation", "delegated_signing"]
        })))
        .expect(1)
        .mount(&h.server)
        .await;
    let capabilities = h
        .client
        .api_tokens
        .get_capabilities(IDENTITY)
        .await
        .unwrap();
    assert_eq!(capabilities.partner_profile_id, 77);
    assert!(capabilities.token_management_enabled);
    assert_eq!(
        capabilities.allowed_scopes,
        ["trading", "account_creation", "delegated_signing"]
    );
}

#[tokio::test]
async fn identity_calls_ignore_a_configured_api_key() {
    let h = Harness::api_key().await;
    identity_mock("GET", "/auth/api-tokens/capabilities")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "partnerProfileId": 77, "tokenManagementEnabled": false, "allowedScopes": []
        })))
        .expect(1)
        .mount(&h.server)
        .await;
    let capabilities = h
        .client
        .api_tokens
        .get_capabilities(IDENTITY)
        .await
        .unwrap();
    assert!(!capabilities.token_management_enabled);
}

#[tokio::test]
async fn blank_identity_tokens_are_rejected_before_io() {
    let h = Harness::hmac().await;
    let error = h
        .client
        .api_tokens
        .get_capabilities("  ")
        .await
        .unwrap_err();
    assert_invalid(&error, "identity token is required for get_capabilities");
    let error = h
        .client
        .api_tokens
        .derive_token("", &DeriveApiTokenInput::default())
        .await
        .unwrap_err();
    assert_invalid(&error, "identity token is required for derive_token");
    h.assert_no_requests().await;
}

#[tokio::test]
async fn an_identity_token_given_with_its_scheme_is_sent_once() {
    let h = Harness::hmac().await;
    // identity_mock requires exactly `identity: Bearer <IDENTITY>`.
    identity_mock("GET", "/auth/api-tokens/capabilities")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "partnerProfileId": 326,
            "tokenManagementEnabled": true,
            "allowedScopes": ["trading"],
        })))
        .expect(3)
        .mount(&h.server)
        .await;
    for given in [
        format!("Bearer {IDENTITY}"),
        format!("  bearer  {IDENTITY} "),
        IDENTITY.to_owned(),
    ] {
        h.client.api_tokens.get_capabilities(&given).await.unwrap();
    }
    for request in h.requests().await {
        assert_eq!(
            request.headers["identity"],
            format!("Bearer {IDENTITY}").as_str()
        );
    }
    // The scheme alone is no token.
    let error = h
        .client
        .api_tokens
        .get_capabilities("Bearer ")
        .await
        .unwrap_err();
    assert_invalid(&error, "identity token is required for get_capabilities");
}

#[tokio::test]
async fn derive_token_sends_the_exact_body_with_identity() {
    let h = Harness::hmac().await;
    identity_mock("POST", "/auth/api-tokens/derive")
        .and(BodyIs(
            r#"{"label":"production-bot","scopes":["trading","account_creation","delegated_signing"]}"#
                .to_owned(),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(derived_json()))
        .expect(1)
        .mount(&h.server)
        .await;
    let derived = h
        .client
        .api_tokens
        .derive_token(
            IDENTITY,
            &DeriveApiTokenInput {
                label: Some("production-bot".to_string()),
                scopes: vec![
                    SCOPE_TRADING.to_string(),
                    SCOPE_ACCOUNT_CREATION.to_string(),
                    SCOPE_DELEGATED_SIGNING.to_string(),
                ],
            },
        )
        .await
        .unwrap();
    assert_eq!(derived.token_id, "tok_new");
    assert_eq!(derived.secret, "bmV3LXNlY3JldC1zZW50aW5lbA==");
    assert_eq!(derived.profile.id, 326);
    assert!(!format!("{derived:?}").contains("bmV3LXNlY3JldC1zZW50aW5lbA=="));
}

#[tokio::test]
async fn derive_token_with_no_input_sends_an_empty_object() {
    let h = Harness::anonymous().await;
    identity_mock("POST", "/auth/api-tokens/derive")
        .and(BodyIs("{}".to_owned()))
        .respond_with(ResponseTemplate::new(200).set_body_json(derived_json()))
        .expect(1)
        .mount(&h.server)
        .await;
    h.client
        .api_tokens
        .derive_token(IDENTITY, &DeriveApiTokenInput::default())
        .await
        .unwrap();
}

#[tokio::test]
async fn derive_token_rejects_scopes_no_partner_may_request() {
    let h = Harness::hmac().await;
    let cases = [
        (vec![SCOPE_DELEGATED_SIGNING], "delegated_signing"),
        (vec![SCOPE_TRADING, SCOPE_ADMIN], "admin"),
        (vec![SCOPE_TRADING, " "], "blank"),
    ];
    for (scopes, needle) in cases {
        let input = DeriveApiTokenInput {
            label: None,
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
        };
        let error = h
            .client
            .api_tokens
            .derive_token(IDENTITY, &input)
            .await
            .unwrap_err();
        assert_invalid(&error, needle);
    }
    h.assert_no_requests().await;
}

#[tokio::test]
async fn list_tokens_is_hmac_signed() {
    let h = Harness::hmac().await;
    hmac_mock("GET", "/auth/api-tokens")
        .and(crate::support::QueryIs::none())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"tokenId": "tok_1", "label": "bot", "scopes": ["trading"], "createdAt": "2026-03-01T00:00:00.000Z", "lastUsedAt": "2026-03-02T00:00:00.000Z"},
            {"tokenId": "tok_2", "label": null, "scopes": [], "createdAt": "2026-03-03T00:00:00.000Z", "lastUsedAt": null, "extra": 1}
        ])))
        .expect(1)
        .mount(&h.server)
        .await;
    let tokens = h.client.api_tokens.list_tokens().await.unwrap();
    assert_eq!(tokens.len(), 2);
    assert_eq!(
        tokens[0].last_used_at.as_deref(),
        Some("2026-03-02T00:00:00.000Z")
    );
    assert_eq!(tokens[1].label, None);
}

#[tokio::test]
async fn list_tokens_falls_back_to_the_api_key() {
    let h = Harness::api_key().await;
    api_key_mock("GET", "/auth/api-tokens")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&h.server)
        .await;
    assert!(h.client.api_tokens.list_tokens().await.unwrap().is_empty());
}

#[tokio::test]
async fn any_auth_operations_need_credentials() {
    let h = Harness::anonymous().await;
    let error = h.client.api_tokens.list_tokens().await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::AuthenticationRequired {
                operation: "list_tokens"
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "authentication is required for list_tokens; pass an API key or HMAC credentials when creating the client"
    );
    let error = h.client.api_tokens.revoke_token("tok_1").await.unwrap_err();
    assert!(matches!(
        error,
        Error::AuthenticationRequired {
            operation: "revoke_token"
        }
    ));
    assert_no_secrets(&error);
    h.assert_no_requests().await;
}

#[tokio::test]
async fn revoke_token_encodes_the_id_and_returns_the_message() {
    let h = Harness::hmac().await;
    hmac_mock("DELETE", "/auth/api-tokens/tok%2Fwith%20space")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"message": "Token revoked"})))
        .expect(1)
        .mount(&h.server)
        .await;
    let message = h
        .client
        .api_tokens
        .revoke_token("tok/with space")
        .await
        .unwrap();
    assert_eq!(message, "Token revoked");

    let error = h.client.api_tokens.revoke_token(" ").await.unwrap_err();
    assert_invalid(&error, "token_id must not be blank");
    assert_eq!(h.requests().await.len(), 1);
}
