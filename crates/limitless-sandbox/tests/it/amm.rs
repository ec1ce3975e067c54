//! The AMM routes with the caller's own identity token, the official SDKs'
//! per-call identity variants, next to the HMAC-signed form.

use reqwest::Method;
use serde_json::json;

use crate::support::Fixture;

const MARKET: &str = "amm-eth-above-4k";

#[tokio::test]
async fn identity_tokens_check_approve_buy_and_sell_for_their_own_profile() {
    let fx = Fixture::start().await;
    let identity = fx.sandbox.partner_identity_token().to_owned();
    let partner = fx.sandbox.identities()[0].clone();
    let allowance = json!({ "market": MARKET, "side": "BUY" });

    let missing = fx
        .identity(
            &identity,
            Method::POST,
            "/amm/allowances/check",
            Some(allowance.clone()),
        )
        .await
        .expect(200);
    assert_eq!(missing.body["status"], "missing");
    assert_eq!(missing.body["walletAddress"], partner.smart_wallet.as_str());
    let submitted = fx
        .identity(
            &identity,
            Method::POST,
            "/amm/allowances/approve",
            Some(allowance.clone()),
        )
        .await
        .expect(202);
    assert_eq!(submitted.body["status"], "submitted");
    let confirmed = fx
        .identity(
            &identity,
            Method::POST,
            "/amm/allowances/check",
            Some(allowance.clone()),
        )
        .await
        .expect(200);
    assert_eq!(confirmed.body["confirmed"], true);
    // Approving a confirmed allowance submits nothing: a plain 200.
    let again = fx
        .identity(
            &identity,
            Method::POST,
            "/amm/allowances/approve",
            Some(allowance),
        )
        .await
        .expect(200);
    assert_eq!(again.body["status"], "confirmed");

    let buy = json!({
        "market": MARKET,
        "outcomeIndex": 0,
        "collateralAmount": "1000000",
        "idempotencyKey": "identity-buy-1",
    });
    let bought = fx
        .identity(&identity, Method::POST, "/amm/buy", Some(buy.clone()))
        .await
        .expect(200);
    assert_eq!(bought.body["status"], "SUBMITTED");
    let shares: u128 = bought.body["expectedShares"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(fx.sandbox.amm_shares(partner.profile_id, MARKET, 0), shares);
    // The same key and body answer the first result and trade nothing.
    let again = fx
        .identity(&identity, Method::POST, "/amm/buy", Some(buy))
        .await
        .expect(200);
    assert_eq!(again.body, bought.body);
    assert_eq!(fx.sandbox.amm_trade_count(), 1);

    // Selling needs its own (SELL) allowance, as with HMAC.
    let sell = json!({
        "market": MARKET,
        "outcomeIndex": 0,
        "collateralReturnAmount": "100000",
        "idempotencyKey": "identity-sell-1",
    });
    let refused = fx
        .identity(&identity, Method::POST, "/amm/sell", Some(sell))
        .await
        .expect(403);
    assert_eq!(refused.body["code"], "ALLOWANCE_REQUIRED");
}

#[tokio::test]
async fn identity_requests_are_verified_and_reach_only_their_own_sub_accounts() {
    let fx = Fixture::start().await;
    let token = fx.partner_token().await;
    let sub_account = fx.sub_account(&token, "amm").await;
    let check =
        |on_behalf_of: i64| json!({ "market": MARKET, "side": "BUY", "onBehalfOf": on_behalf_of });

    // The partner's identity acts for its own sub-account...
    let partner = fx.sandbox.partner_identity_token().to_owned();
    fx.identity(
        &partner,
        Method::POST,
        "/amm/allowances/check",
        Some(check(sub_account)),
    )
    .await
    .expect(200);
    // ...and another profile's identity cannot.
    let user = fx.sandbox.user_identity_token().to_owned();
    fx.identity(
        &user,
        Method::POST,
        "/amm/allowances/check",
        Some(check(sub_account)),
    )
    .await
    .expect(404);

    // An unknown or malformed identity token is refused, never treated as
    // anonymous or passed on to the HMAC check.
    let unknown = fx
        .identity(
            "not-a-token",
            Method::POST,
            "/amm/allowances/check",
            Some(check(sub_account)),
        )
        .await
        .expect(401);
    assert!(
        unknown.message().contains("identity"),
        "{}",
        unknown.message()
    );
    let malformed = fx
        .send(
            fx.http
                .post(fx.url("/amm/buy"))
                .header("identity", partner.as_str())
                .header("content-type", "application/json")
                .body("{}"),
        )
        .await
        .expect(401);
    assert!(
        malformed.message().contains("Bearer"),
        "{}",
        malformed.message()
    );
    // A legacy key is still refused.
    fx.send(
        fx.http
            .post(fx.url("/amm/allowances/check"))
            .header("X-API-Key", "lmts_legacy_key")
            .header("content-type", "application/json")
            .body(check(sub_account).to_string()),
    )
    .await
    .expect(401);
    assert_eq!(fx.sandbox.amm_trade_count(), 0);
}

#[tokio::test]
async fn api_tokens_still_need_their_scopes() {
    let fx = Fixture::start().await;
    let trading_only = fx
        .derive(fx.sandbox.partner_identity_token(), &["trading"])
        .await;
    let refused = fx
        .signed(
            &trading_only,
            Method::POST,
            "/amm/allowances/check",
            Some(&json!({ "market": MARKET, "side": "BUY" })),
        )
        .await
        .expect(403);
    assert!(
        refused.message().contains("delegated_signing"),
        "{}",
        refused.message()
    );
}
