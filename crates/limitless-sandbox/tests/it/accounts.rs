//! Sub-accounts, allowances, withdrawal addresses, redeem and withdraw.

use limitless_eip712::{LocalSigner, OrderSignerExt};
use reqwest::Method;
use serde_json::json;

use crate::support::Fixture;

#[tokio::test]
async fn creating_sub_accounts_needs_the_account_creation_scope() {
    let fx = Fixture::start().await;
    let trading_only = fx
        .derive(fx.sandbox.partner_identity_token(), &["trading"])
        .await;
    let reply = fx
        .signed(
            &trading_only,
            Method::POST,
            "/profiles/partner-accounts",
            Some(&json!({ "displayName": "bot", "createServerWallet": true })),
        )
        .await
        .expect(403);
    assert!(
        reply.message().contains("`account_creation`"),
        "{}",
        reply.message()
    );
    assert_eq!(reply.body["error"], "Forbidden");
    let listing = fx
        .signed(
            &trading_only,
            Method::GET,
            "/profiles/partner-accounts",
            None,
        )
        .await
        .expect(403);
    assert!(listing.message().contains("`account_creation`"));
}

#[tokio::test]
async fn server_wallet_and_eoa_modes() {
    let fx = Fixture::start().await;
    let token = fx.partner_token().await;
    let created = fx
        .signed(
            &token,
            Method::POST,
            "/profiles/partner-accounts",
            Some(&json!({ "displayName": "wallet one", "createServerWallet": true })),
        )
        .await
        .expect(201);
    let wallet = created.body["account"].as_str().unwrap();
    assert!(wallet.starts_with("0x") && wallet.len() == 42, "{wallet}");
    assert!(created.body["profileId"].as_i64().unwrap() > 0);

    let create_eoa = |headers: Vec<(&'static str, String)>, name: &'static str| {
        let fx = &fx;
        let token = &token;
        async move {
            let extra: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            fx.signed_at(
                &token.signer,
                crate::support::now(),
                Method::POST,
                "/profiles/partner-accounts",
                Some(&json!({ "displayName": name })),
                &extra,
            )
            .await
        }
    };
    let wallet = LocalSigner::random();
    let proof = wallet.ownership_proof(None).await.unwrap();
    let full = || {
        proof
            .headers()
            .map(|(name, value)| (name, value.to_owned()))
            .to_vec()
    };

    // Each header is required without createServerWallet.
    for missing in ["x-account", "x-signing-message", "x-signature"] {
        let headers = full().into_iter().filter(|(k, _)| *k != missing).collect();
        let reply = create_eoa(headers, "eoa").await.expect(400);
        assert!(reply.message().contains(missing), "{}", reply.message());
    }
    let mut bad_account = full();
    bad_account[0].1 = "0x1234".to_owned();
    assert!(
        create_eoa(bad_account, "eoa")
            .await
            .expect(400)
            .message()
            .contains("x-account")
    );
    let mut bad_signature = full();
    bad_signature[2].1 = "0xdead".to_owned();
    assert!(
        create_eoa(bad_signature, "eoa")
            .await
            .expect(400)
            .message()
            .contains("x-signature")
    );

    let eoa = create_eoa(full(), "eoa").await.expect(201);
    let address = wallet.address().to_string();
    assert_eq!(eoa.body["account"], address.as_str());
    let duplicate = create_eoa(full(), "again").await.expect(409);
    assert!(
        duplicate.message().contains(&address),
        "{}",
        duplicate.message()
    );

    let long_name = "n".repeat(45);
    let reply = fx
        .signed(
            &token,
            Method::POST,
            "/profiles/partner-accounts",
            Some(&json!({ "displayName": long_name, "createServerWallet": true })),
        )
        .await
        .expect(400);
    assert!(
        reply.message().contains("displayName"),
        "{}",
        reply.message()
    );
    assert!(reply.message().contains("44"), "{}", reply.message());
    fx.signed(
        &token,
        Method::POST,
        "/profiles/partner-accounts",
        Some(&json!({ "displayName": "n".repeat(44), "createServerWallet": true })),
    )
    .await
    .expect(201);
}

#[tokio::test]
async fn listing_pages_filters_and_isolates_partners() {
    let fx = Fixture::start().await;
    let token = fx.partner_token().await;
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(fx.sub_account(&token, &format!("account {i}")).await);
    }
    let page = fx
        .signed(
            &token,
            Method::GET,
            "/profiles/partner-accounts?limit=2&page=2",
            None,
        )
        .await
        .expect(200);
    assert_eq!(page.body["page"], 2);
    assert_eq!(page.body["limit"], 2);
    assert_eq!(page.body["hasMore"], true);
    let data = page.body["data"].as_array().unwrap();
    assert_eq!(
        data.iter()
            .map(|a| a["profileId"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        ids[2..4]
    );
    assert_eq!(data[0]["displayName"], "account 2");
    let last = fx
        .signed(
            &token,
            Method::GET,
            "/profiles/partner-accounts?limit=2&page=3",
            None,
        )
        .await
        .expect(200);
    assert_eq!(last.body["hasMore"], false);
    assert_eq!(last.body["data"].as_array().unwrap().len(), 1);

    // Recover one account by address.
    let account = data[1]["account"]
        .as_str()
        .unwrap()
        .to_uppercase()
        .replace("0X", "0x");
    let found = fx
        .signed(
            &token,
            Method::GET,
            &format!("/profiles/partner-accounts?account={account}"),
            None,
        )
        .await
        .expect(200);
    assert_eq!(found.body["data"].as_array().unwrap().len(), 1);
    assert_eq!(found.body["data"][0]["profileId"], ids[3]);

    let bad = fx
        .signed(
            &token,
            Method::GET,
            "/profiles/partner-accounts?limit=0",
            None,
        )
        .await
        .expect(400);
    assert!(bad.message().contains("limit"), "{}", bad.message());
    let on_behalf = fx
        .signed_at(
            &token.signer,
            crate::support::now(),
            Method::GET,
            "/profiles/partner-accounts",
            None,
            &[("x-on-behalf-of", "2001")],
        )
        .await
        .expect(400);
    assert!(on_behalf.message().contains("x-on-behalf-of"));
}

#[tokio::test]
async fn another_partners_sub_account_is_not_found() {
    let sandbox = limitless_sandbox::Sandbox::builder()
        .identity(limitless_sandbox::IdentitySeed::partner("second-partner"))
        .start()
        .await
        .unwrap();
    let fx = Fixture::with(sandbox);
    let first = fx.partner_token().await;
    let second = fx
        .derive(
            "second-partner",
            &[
                "trading",
                "account_creation",
                "delegated_signing",
                "withdrawal",
            ],
        )
        .await;
    let mine = fx.sub_account(&first, "first's").await;

    for (method, path) in [
        (
            Method::GET,
            format!("/profiles/partner-accounts/{mine}/allowances"),
        ),
        (
            Method::POST,
            format!("/profiles/partner-accounts/{mine}/allowances/retry"),
        ),
    ] {
        let body = (method == Method::POST).then(|| json!({}));
        let reply = fx
            .signed(&second, method, &path, body.as_ref())
            .await
            .expect(404);
        assert!(
            reply.message().contains(&mine.to_string()),
            "{}",
            reply.message()
        );
    }
    let listing = fx
        .signed(&second, Method::GET, "/profiles/partner-accounts", None)
        .await
        .expect(200);
    assert_eq!(listing.body["data"], json!([]));
    let withdraw = fx
        .signed(
            &second,
            Method::POST,
            "/portfolio/withdraw",
            Some(&json!({ "amount": "1000000", "onBehalfOf": mine })),
        )
        .await
        .expect(404);
    assert!(withdraw.message().contains(&mine.to_string()));
}

#[tokio::test]
async fn allowances_progress_from_missing_to_confirmed() {
    let fx = Fixture::start().await;
    let token = fx.partner_token().await;
    let id = fx.sub_account(&token, "trader").await;
    let path = format!("/profiles/partner-accounts/{id}/allowances");

    let fresh = fx
        .signed(&token, Method::GET, &path, None)
        .await
        .expect(200);
    assert_eq!(fresh.body["profileId"], id);
    assert_eq!(fresh.body["chainId"], 8453);
    assert_eq!(fresh.body["ready"], false);
    let total = fresh.body["summary"]["total"].as_u64().unwrap();
    assert!(total >= 2);
    assert_eq!(fresh.body["summary"]["missing"], total);
    for target in fresh.body["targets"].as_array().unwrap() {
        assert_eq!(target["status"], "missing");
        assert_eq!(target["confirmed"], false);
        assert_eq!(target["retryable"], true);
    }

    let retry_path = format!("{path}/retry");
    let retried = fx
        .signed(&token, Method::POST, &retry_path, Some(&json!({})))
        .await
        .expect(200);
    assert_eq!(retried.body["summary"]["submitted"], total);
    for target in retried.body["targets"].as_array().unwrap() {
        assert_eq!(target["status"], "submitted");
        assert!(target["transactionId"].as_str().unwrap().len() == 36);
        assert!(
            target["userOperationHash"]
                .as_str()
                .unwrap()
                .starts_with("0x")
        );
    }
    // A second retry while submissions are pending conflicts.
    fx.signed(&token, Method::POST, &retry_path, Some(&json!({})))
        .await
        .expect(409);

    let confirmed = fx
        .signed(&token, Method::GET, &path, None)
        .await
        .expect(200);
    assert_eq!(confirmed.body["ready"], true);
    assert_eq!(confirmed.body["summary"]["confirmed"], total);
    for target in confirmed.body["targets"].as_array().unwrap() {
        assert_eq!(target["status"], "confirmed");
        assert_eq!(target["confirmed"], true);
        assert!(target["txHash"].as_str().unwrap().len() == 66);
    }
    let bad_id = fx
        .signed(
            &token,
            Method::GET,
            "/profiles/partner-accounts/abc/allowances",
            None,
        )
        .await
        .expect(400);
    assert!(bad_id.message().contains("profileId"));
}

#[tokio::test]
async fn withdrawal_addresses_use_the_identity_token() {
    let fx = Fixture::start().await;
    let partner = fx.sandbox.partner_identity_token();
    let address = "0x2222222222222222222222222222222222222222";
    let added = fx
        .identity(
            partner,
            Method::POST,
            "/portfolio/withdrawal-addresses",
            Some(json!({ "address": address, "label": "treasury" })),
        )
        .await
        .expect(200);
    assert_eq!(added.body["destinationAddress"], address);
    assert_eq!(added.body["label"], "treasury");
    assert_eq!(
        added.body["profileId"],
        fx.sandbox.identities()[0].profile_id
    );
    assert!(added.body["deletedAt"].is_null());
    fx.identity(
        partner,
        Method::POST,
        "/portfolio/withdrawal-addresses",
        Some(json!({ "address": address })),
    )
    .await
    .expect(409);
    let bad = fx
        .identity(
            partner,
            Method::POST,
            "/portfolio/withdrawal-addresses",
            Some(json!({ "address": "0x22" })),
        )
        .await
        .expect(400);
    assert!(bad.message().contains("address"));
    let path = format!("/portfolio/withdrawal-addresses/{address}");
    fx.identity(partner, Method::DELETE, &path, None)
        .await
        .expect(200);
    fx.identity(partner, Method::DELETE, &path, None)
        .await
        .expect(404);
    let token = fx.partner_token().await;
    fx.signed(&token, Method::DELETE, &path, None)
        .await
        .expect(401);
}

#[tokio::test]
async fn redeem_and_withdraw_check_scopes_and_formats() {
    let fx = Fixture::start().await;
    let token = fx.partner_token().await;
    let id = fx.sub_account(&token, "wallet").await;
    let market = &fx.sandbox.markets()[0];

    let redeemed = fx
        .signed(
            &token,
            Method::POST,
            "/portfolio/redeem",
            Some(&json!({ "conditionId": market.condition_id, "onBehalfOf": id })),
        )
        .await
        .expect(200);
    assert_eq!(redeemed.body["conditionId"], market.condition_id.as_str());
    assert_eq!(redeemed.body["marketId"], market.id);
    let bad_condition = fx
        .signed(
            &token,
            Method::POST,
            "/portfolio/redeem",
            Some(&json!({ "conditionId": "0x1234", "onBehalfOf": id })),
        )
        .await
        .expect(400);
    assert!(
        bad_condition.message().contains("conditionId"),
        "{}",
        bad_condition.message()
    );

    let withdrawn = fx
        .signed(
            &token,
            Method::POST,
            "/portfolio/withdraw",
            Some(&json!({ "amount": "2500000", "onBehalfOf": id })),
        )
        .await
        .expect(200);
    assert_eq!(withdrawn.body["amount"], "2500000");
    assert_eq!(
        withdrawn.body["token"],
        "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"
    );
    assert_eq!(
        withdrawn.body["destination"],
        fx.sandbox.identities()[0].smart_wallet.as_str(),
        "the API's default destination is the partner's smart wallet"
    );
    for bad in [
        json!({ "amount": "0", "onBehalfOf": id }),
        json!({ "amount": "1.5", "onBehalfOf": id }),
    ] {
        let reply = fx
            .signed(&token, Method::POST, "/portfolio/withdraw", Some(&bad))
            .await
            .expect(400);
        assert!(reply.message().contains("amount"), "{}", reply.message());
    }

    let no_withdrawal = fx
        .derive(
            fx.sandbox.partner_identity_token(),
            &["trading", "account_creation"],
        )
        .await;
    let refused = fx
        .signed(
            &no_withdrawal,
            Method::POST,
            "/portfolio/withdraw",
            Some(&json!({ "amount": "1", "onBehalfOf": id })),
        )
        .await
        .expect(403);
    assert!(
        refused.message().contains("`withdrawal`"),
        "{}",
        refused.message()
    );
    let no_trading = fx
        .derive(fx.sandbox.partner_identity_token(), &["account_creation"])
        .await;
    fx.signed(
        &no_trading,
        Method::POST,
        "/portfolio/redeem",
        Some(&json!({ "conditionId": market.condition_id, "onBehalfOf": id })),
    )
    .await
    .expect(403);
}

#[tokio::test]
async fn allowances_need_account_creation_and_delegated_signing() {
    let fx = Fixture::start().await;
    let full = fx.partner_token().await;
    let id = fx.sub_account(&full, "trader").await;
    let partner = fx.sandbox.partner_identity_token();
    let creation_only = fx.derive(partner, &["account_creation"]).await;
    let delegation_only = fx.derive(partner, &["trading", "delegated_signing"]).await;
    let check = format!("/profiles/partner-accounts/{id}/allowances");
    let retry = format!("{check}/retry");

    for (token, missing, present) in [
        (&creation_only, "`delegated_signing`", "account_creation"),
        (
            &delegation_only,
            "`account_creation`",
            "trading, delegated_signing",
        ),
    ] {
        for (method, path) in [(Method::GET, &check), (Method::POST, &retry)] {
            let body = (method == Method::POST).then(|| json!({}));
            let refused = fx
                .signed(token, method, path, body.as_ref())
                .await
                .expect(403);
            assert!(
                refused
                    .message()
                    .contains(&format!("lacks the {missing} scope "))
                    && refused.message().contains(&format!("it has [{present}]")),
                "{}",
                refused.message()
            );
        }
    }
    fx.signed(&full, Method::GET, &check, None)
        .await
        .expect(200);
    fx.signed(&full, Method::POST, &retry, Some(&json!({})))
        .await
        .expect(200);
}

#[tokio::test]
async fn partner_account_pages_hold_at_most_25() {
    let fx = Fixture::start().await;
    let token = fx.partner_token().await;
    fx.sub_account(&token, "one").await;
    let page = fx
        .signed(
            &token,
            Method::GET,
            "/profiles/partner-accounts?limit=25",
            None,
        )
        .await
        .expect(200);
    assert_eq!(page.body["limit"], 25);
    let default = fx
        .signed(&token, Method::GET, "/profiles/partner-accounts", None)
        .await
        .expect(200);
    assert_eq!(default.body["limit"], 25);
    for limit in [26, 100, 1000] {
        let refused = fx
            .signed(
                &token,
                Method::GET,
                &format!("/profiles/partner-accounts?limit={limit}"),
                None,
            )
            .await
            .expect(400);
        assert!(
            refused
                .message()
                .starts_with(&format!("limit must be at most 25, got {limit}")),
            "{}",
            refused.message()
        );
    }
}

#[tokio::test]
async fn explicit_withdraw_destinations_must_be_allowed() {
    let fx = Fixture::start().await;
    let token = fx.partner_token().await;
    let id = fx.sub_account(&token, "payer").await;
    let partner = fx.sandbox.identities()[0].clone();
    let listed = "0x3333333333333333333333333333333333333333";
    let stranger = "0x4444444444444444444444444444444444444444";
    let withdraw = |destination: &str| json!({ "amount": "1000000", "onBehalfOf": id, "destination": destination });

    let refused = fx
        .signed(
            &token,
            Method::POST,
            "/portfolio/withdraw",
            Some(&withdraw(listed)),
        )
        .await
        .expect(400);
    assert_eq!(refused.body["code"], "DESTINATION_NOT_ALLOWED");
    assert_eq!(refused.body["statusCode"], 400);
    assert!(refused.message().contains(listed), "{}", refused.message());

    fx.identity(
        fx.sandbox.partner_identity_token(),
        Method::POST,
        "/portfolio/withdrawal-addresses",
        Some(json!({ "address": listed })),
    )
    .await
    .expect(200);
    let lower_account = partner.account.to_lowercase();
    for allowed in [
        listed,
        partner.account.as_str(),
        lower_account.as_str(),
        partner.smart_wallet.as_str(),
    ] {
        let reply = fx
            .signed(
                &token,
                Method::POST,
                "/portfolio/withdraw",
                Some(&withdraw(allowed)),
            )
            .await
            .expect(200);
        assert_eq!(reply.body["destination"], allowed);
    }
    for refused in [stranger, fx.sandbox.identities()[1].account.as_str()] {
        let reply = fx
            .signed(
                &token,
                Method::POST,
                "/portfolio/withdraw",
                Some(&withdraw(refused)),
            )
            .await
            .expect(400);
        assert_eq!(reply.body["code"], "DESTINATION_NOT_ALLOWED");
    }
    // An address the user identity listed is not the partner's.
    let user = fx.sandbox.user_identity_token();
    fx.identity(
        user,
        Method::POST,
        "/portfolio/withdrawal-addresses",
        Some(json!({ "address": stranger })),
    )
    .await
    .expect(200);
    fx.signed(
        &token,
        Method::POST,
        "/portfolio/withdraw",
        Some(&withdraw(stranger)),
    )
    .await
    .expect(400);
}

#[tokio::test]
async fn optional_strings_are_empty_never_null() {
    let fx = Fixture::start().await;
    let token = fx.partner_token().await;
    fx.signed(
        &token,
        Method::POST,
        "/profiles/partner-accounts",
        Some(&json!({ "createServerWallet": true })),
    )
    .await
    .expect(201);
    let listing = fx
        .signed(&token, Method::GET, "/profiles/partner-accounts", None)
        .await
        .expect(200);
    assert_eq!(listing.body["data"][0]["displayName"], "");
    let added = fx
        .identity(
            fx.sandbox.partner_identity_token(),
            Method::POST,
            "/portfolio/withdrawal-addresses",
            Some(json!({ "address": "0x5555555555555555555555555555555555555555" })),
        )
        .await
        .expect(200);
    assert_eq!(added.body["label"], "");
    let me = fx
        .signed(&token, Method::GET, "/profiles/me", None)
        .await
        .expect(200);
    assert_eq!(me.body["displayName"], "");
    assert_eq!(
        me.body["smartWallet"],
        fx.sandbox.identities()[0].smart_wallet.as_str()
    );
}
