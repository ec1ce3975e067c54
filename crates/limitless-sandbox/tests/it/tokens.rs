//! Token lifecycle: capabilities, derive rules, list, revoke.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use limitless_sandbox::{IdentitySeed, Sandbox};
use reqwest::Method;
use serde_json::json;

use crate::support::Fixture;

#[tokio::test]
async fn capabilities_reflect_the_seeds() {
    let fx = Fixture::start().await;
    let partner = fx
        .identity(
            fx.sandbox.partner_identity_token(),
            Method::GET,
            "/auth/api-tokens/capabilities",
            None,
        )
        .await
        .expect(200);
    assert_eq!(
        partner.body,
        json!({
            "partnerProfileId": fx.sandbox.identities()[0].profile_id,
            "tokenManagementEnabled": true,
            "allowedScopes": ["trading", "account_creation", "delegated_signing", "withdrawal"],
        })
    );
    let user = fx
        .identity(
            fx.sandbox.user_identity_token(),
            Method::GET,
            "/auth/api-tokens/capabilities",
            None,
        )
        .await
        .expect(200);
    assert_eq!(user.body["allowedScopes"], json!(["trading"]));
    assert_ne!(
        user.body["partnerProfileId"],
        partner.body["partnerProfileId"]
    );

    let unknown = fx
        .identity(
            "not-a-real-token",
            Method::GET,
            "/auth/api-tokens/capabilities",
            None,
        )
        .await
        .expect(401);
    assert_eq!(unknown.body["error"], "Unauthorized");
    assert_eq!(unknown.body["statusCode"], 401);
    let missing = fx
        .send(fx.http.get(fx.url("/auth/api-tokens/capabilities")))
        .await
        .expect(401);
    assert!(
        missing.message().contains("identity"),
        "{}",
        missing.message()
    );
}

#[tokio::test]
async fn derive_defaults_to_trading_and_returns_a_one_time_secret() {
    let fx = Fixture::start().await;
    let partner = fx.sandbox.partner_identity_token();
    let reply = fx
        .identity(
            partner,
            Method::POST,
            "/auth/api-tokens/derive",
            Some(json!({})),
        )
        .await
        .expect(201);
    let body = &reply.body;
    assert_eq!(body["scopes"], json!(["trading"]));
    assert_eq!(body["apiKey"], body["tokenId"]);
    assert_eq!(body["profile"]["id"], fx.sandbox.identities()[0].profile_id);
    assert_eq!(
        body["profile"]["account"],
        fx.sandbox.identities()[0].account.as_str()
    );
    let secret = STANDARD.decode(body["secret"].as_str().unwrap()).unwrap();
    assert_eq!(secret.len(), 32);
    assert!(body["createdAt"].as_str().unwrap().ends_with('Z'));

    // Each derive makes a new token with a new secret.
    let again = fx
        .identity(
            partner,
            Method::POST,
            "/auth/api-tokens/derive",
            Some(json!({})),
        )
        .await
        .expect(201);
    assert_ne!(again.body["tokenId"], body["tokenId"]);
    assert_ne!(again.body["secret"], body["secret"]);

    // An empty body is read as `{}`.
    let empty = fx
        .identity(partner, Method::POST, "/auth/api-tokens/derive", None)
        .await
        .expect(201);
    assert_eq!(empty.body["scopes"], json!(["trading"]));
}

#[tokio::test]
async fn derive_enforces_the_scope_rules() {
    let sandbox = Sandbox::builder()
        .identity(IdentitySeed::partner("locked-partner").token_management(false))
        .start()
        .await
        .unwrap();
    let fx = Fixture::with(sandbox);
    let partner = fx.sandbox.partner_identity_token().to_owned();
    let derive = |identity: String, scopes: serde_json::Value| {
        let fx = &fx;
        async move {
            fx.identity(
                &identity,
                Method::POST,
                "/auth/api-tokens/derive",
                Some(json!({ "scopes": scopes })),
            )
            .await
        }
    };

    let needs_trading = derive(partner.clone(), json!(["delegated_signing"]))
        .await
        .expect(400);
    assert!(
        needs_trading.message().contains("requires `trading`"),
        "{}",
        needs_trading.message()
    );

    let admin = derive(partner.clone(), json!(["trading", "admin"]))
        .await
        .expect(403);
    assert!(admin.message().contains("admin"), "{}", admin.message());

    let user = fx.sandbox.user_identity_token().to_owned();
    let not_allowed = derive(user.clone(), json!(["trading", "withdrawal"]))
        .await
        .expect(403);
    assert!(
        not_allowed.message().contains("`withdrawal`"),
        "{}",
        not_allowed.message()
    );
    assert!(
        not_allowed.message().contains("allowed scopes: trading"),
        "{}",
        not_allowed.message()
    );
    derive(user, json!(["trading"])).await.expect(201);

    let locked = derive("locked-partner".to_owned(), json!(["trading"]))
        .await
        .expect(403);
    assert!(
        locked.message().contains("not enabled"),
        "{}",
        locked.message()
    );
    let capabilities = fx
        .identity(
            "locked-partner",
            Method::GET,
            "/auth/api-tokens/capabilities",
            None,
        )
        .await
        .expect(200);
    assert_eq!(capabilities.body["tokenManagementEnabled"], false);

    let all = derive(
        partner,
        json!([
            "trading",
            "account_creation",
            "delegated_signing",
            "withdrawal"
        ]),
    )
    .await
    .expect(201);
    assert_eq!(
        all.body["scopes"],
        json!([
            "trading",
            "account_creation",
            "delegated_signing",
            "withdrawal"
        ])
    );
}

#[tokio::test]
async fn list_tracks_last_use_and_revoke_disables_the_token() {
    let fx = Fixture::start().await;
    let first = fx.partner_token().await;
    let second = fx.partner_token().await;
    let other_partner = fx
        .derive(fx.sandbox.user_identity_token(), &["trading"])
        .await;

    let listed = fx
        .signed(&first, Method::GET, "/auth/api-tokens", None)
        .await
        .expect(200);
    let tokens = listed.body.as_array().unwrap();
    assert_eq!(
        tokens.len(),
        2,
        "only this partner's tokens: {}",
        listed.body
    );
    assert_eq!(tokens[0]["tokenId"], first.token_id.as_str());
    assert_eq!(tokens[1]["tokenId"], second.token_id.as_str());
    assert_eq!(tokens[0]["label"], "test");
    assert!(
        tokens[0]["lastUsedAt"].is_string(),
        "the listing call itself used it"
    );
    assert!(tokens[1]["lastUsedAt"].is_null(), "never used yet");
    for token in tokens {
        assert!(token.get("secret").is_none(), "secrets are never listed");
    }

    // Another partner cannot revoke this partner's token.
    let foreign = fx
        .signed(
            &other_partner,
            Method::DELETE,
            &format!("/auth/api-tokens/{}", first.token_id),
            None,
        )
        .await
        .expect(404);
    assert!(foreign.message().contains(&first.token_id));

    let revoked = fx
        .signed(
            &second,
            Method::DELETE,
            &format!("/auth/api-tokens/{}", first.token_id),
            None,
        )
        .await
        .expect(200);
    assert!(
        revoked.body["message"]
            .as_str()
            .unwrap()
            .contains(&first.token_id)
    );

    let after = fx
        .signed(&first, Method::GET, "/auth/api-tokens", None)
        .await
        .expect(401);
    assert!(after.message().contains("revoked"), "{}", after.message());
    let remaining = fx
        .signed(&second, Method::GET, "/auth/api-tokens", None)
        .await
        .expect(200);
    let remaining = remaining.body.as_array().unwrap();
    assert_eq!(remaining.len(), 1);
    assert_eq!(remaining[0]["tokenId"], second.token_id.as_str());
    assert!(remaining[0]["lastUsedAt"].is_string());

    fx.signed(
        &second,
        Method::DELETE,
        &format!("/auth/api-tokens/{}", first.token_id),
        None,
    )
    .await
    .expect(404);
}
