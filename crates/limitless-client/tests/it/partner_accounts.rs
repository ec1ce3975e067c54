//! `client.partner_accounts`: create, list, recover, allowances, withdrawal
//! addresses.

use limitless_client::{
    AddWithdrawalAddressInput, CreatePartnerAccountInput, EoaOwnershipProof, Error,
    ListPartnerAccountsParams,
};
use serde_json::json;
use wiremock::ResponseTemplate;
use wiremock::matchers::header;

use crate::support::{
    BodyIs, Harness, HeaderAbsent, IDENTITY, QueryIs, assert_invalid, hmac_mock, identity_mock,
};

const EOA: &str = "0x4e2b1d4a4f7c0b8d9e6a5c3b2a1f0e9d8c7b6a59";
const LIST_MESSAGE: &str = "Partner account listing requires HMAC-scoped API token auth; legacy API keys are not supported.";
const ALLOWANCE_MESSAGE: &str = "Partner account allowance recovery requires HMAC-scoped API token auth; legacy API keys are not supported.";

fn proof() -> EoaOwnershipProof {
    EoaOwnershipProof {
        account: EOA.to_owned(),
        signing_message: "0x1234".to_owned(),
        signature: "0xsignature-bytes".to_owned(),
    }
}

fn allowances_json() -> serde_json::Value {
    json!({
        "profileId": 326,
        "partnerProfileId": 77,
        "chainId": 8453,
        "walletAddress": "0x9f2c6f1e0d8b7a6c5d4e3f2a1b0c9d8e7f6a5b4c",
        "ready": false,
        "summary": {"total": 2, "confirmed": 1, "missing": 1, "submitted": 0, "failed": 0},
        "targets": [
            {"type": "USDC_ALLOWANCE", "tokenAddress": "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
             "spenderOrOperator": "0xa4409D988CA2218d956BeEFD3874100F444f0DC3", "label": "ctf-exchange",
             "requiredFor": "BUY", "confirmed": true, "status": "confirmed", "retryable": false},
            {"type": "CTF_APPROVAL", "tokenAddress": "0xC9c98965297Bc527861c898329Ee280632B76e18",
             "spenderOrOperator": "0xa4409D988CA2218d956BeEFD3874100F444f0DC3", "label": "ctf-exchange",
             "requiredFor": "SELL", "confirmed": false, "status": "missing", "retryable": true}
        ]
    })
}

#[tokio::test]
async fn create_server_wallet_account() {
    let h = Harness::hmac().await;
    hmac_mock("POST", "/profiles/partner-accounts")
        .and(BodyIs(
            r#"{"displayName":"Alice","createServerWallet":true}"#.to_owned(),
        ))
        .and(HeaderAbsent("x-account"))
        .and(HeaderAbsent("x-signing-message"))
        .and(HeaderAbsent("x-signature"))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"profileId": 326, "account": EOA})),
        )
        .expect(1)
        .mount(&h.server)
        .await;
    let account = h
        .client
        .partner_accounts
        .create_account(&CreatePartnerAccountInput::server_wallet("Alice"), None)
        .await
        .unwrap();
    assert_eq!(account.profile_id, 326);
    assert_eq!(account.account, EOA);
}

#[tokio::test]
async fn create_eoa_account_sends_the_ownership_headers() {
    let h = Harness::hmac().await;
    hmac_mock("POST", "/profiles/partner-accounts")
        .and(BodyIs(r#"{"displayName":"Bob"}"#.to_owned()))
        .and(header("x-account", EOA))
        .and(header("x-signing-message", "0x1234"))
        .and(header("x-signature", "0xsignature-bytes"))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"profileId": "327", "account": EOA})),
        )
        .expect(1)
        .mount(&h.server)
        .await;
    let account = h
        .client
        .partner_accounts
        .create_account(&CreatePartnerAccountInput::eoa("Bob"), Some(&proof()))
        .await
        .unwrap();
    assert_eq!(account.profile_id, 327);
}

#[tokio::test]
async fn create_account_validation() {
    let h = Harness::hmac().await;
    let accounts = &h.client.partner_accounts;
    let error = accounts
        .create_account(&CreatePartnerAccountInput::eoa("Bob"), None)
        .await
        .unwrap_err();
    assert_invalid(
        &error,
        "EOA headers are required when create_server_wallet is not true",
    );

    let error = accounts
        .create_account(
            &CreatePartnerAccountInput::server_wallet("x".repeat(45)),
            None,
        )
        .await
        .unwrap_err();
    assert_invalid(
        &error,
        "display_name: must be at most 44 characters, got 45",
    );

    let ok_length = CreatePartnerAccountInput::server_wallet("é".repeat(44));
    assert!(ok_length.validate().is_ok());

    let error = accounts
        .create_account(
            &CreatePartnerAccountInput::server_wallet("A"),
            Some(&proof()),
        )
        .await
        .unwrap_err();
    assert_invalid(&error, "server-wallet");

    let mut bad = proof();
    bad.account = "0x12".to_owned();
    let error = accounts
        .create_account(&CreatePartnerAccountInput::eoa("Bob"), Some(&bad))
        .await
        .unwrap_err();
    assert_invalid(&error, "eoa.account");

    let mut multiline = proof();
    multiline.signing_message = "Welcome!\n\nNonce: 1".to_owned();
    let error = accounts
        .create_account(&CreatePartnerAccountInput::eoa("Bob"), Some(&multiline))
        .await
        .unwrap_err();
    assert_invalid(&error, "eoa.signing_message");

    let error = Harness::anonymous()
        .await
        .client
        .partner_accounts
        .create_account(&CreatePartnerAccountInput::server_wallet("A"), None)
        .await
        .unwrap_err();
    assert!(matches!(
        error,
        limitless_client::Error::AuthenticationRequired {
            operation: "create_account"
        }
    ));
    h.assert_no_requests().await;
}

#[tokio::test]
async fn list_accounts_keeps_query_order_and_signs_it() {
    let h = Harness::hmac().await;
    hmac_mock("GET", "/profiles/partner-accounts")
        .and(QueryIs::some("account=0xAbC+1&limit=10&page=2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [{"profileId": 326, "account": EOA, "displayName": "Alice"}],
            "page": 2, "limit": 10, "hasMore": false
        })))
        .expect(1)
        .mount(&h.server)
        .await;
    let page = h
        .client
        .partner_accounts
        .list_accounts(&ListPartnerAccountsParams {
            account: Some(" 0xAbC 1 ".to_owned()),
            limit: Some(10),
            page: Some(2),
        })
        .await
        .unwrap();
    assert_eq!(page.data[0].display_name.as_deref(), Some("Alice"));
    assert_eq!((page.page, page.limit, page.has_more), (2, 10, false));
}

#[tokio::test]
async fn list_accounts_without_params_has_no_query() {
    let h = Harness::hmac().await;
    hmac_mock("GET", "/profiles/partner-accounts")
        .and(QueryIs::none())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [], "page": 1, "limit": 25, "hasMore": false
        })))
        .expect(1)
        .mount(&h.server)
        .await;
    let page = h
        .client
        .partner_accounts
        .list_accounts(&ListPartnerAccountsParams::default())
        .await
        .unwrap();
    assert!(page.data.is_empty());
}

#[tokio::test]
async fn list_accounts_validation_and_hmac_requirement() {
    let h = Harness::hmac().await;
    let cases = [
        (
            ListPartnerAccountsParams {
                limit: Some(26),
                ..Default::default()
            },
            "limit must be at most 25, got 26",
        ),
        (
            ListPartnerAccountsParams {
                limit: Some(0),
                ..Default::default()
            },
            "limit must be a positive integer",
        ),
        (
            ListPartnerAccountsParams {
                page: Some(0),
                ..Default::default()
            },
            "page must be a positive integer",
        ),
        (
            ListPartnerAccountsParams {
                account: Some("  ".into()),
                ..Default::default()
            },
            "account must not be blank",
        ),
    ];
    for (params, needle) in cases {
        let error = h
            .client
            .partner_accounts
            .list_accounts(&params)
            .await
            .unwrap_err();
        assert_invalid(&error, needle);
    }
    h.assert_no_requests().await;

    // A legacy key: the API's own words. No credentials at all:
    // authentication is required.
    let harness = Harness::api_key().await;
    let error = harness
        .client
        .partner_accounts
        .list_accounts(&ListPartnerAccountsParams::default())
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), format!("invalid input: {LIST_MESSAGE}"));
    let error = harness
        .client
        .partner_accounts
        .recover_account(EOA)
        .await
        .unwrap_err();
    assert_invalid(&error, LIST_MESSAGE);
    harness.assert_no_requests().await;
    let anonymous = Harness::anonymous().await;
    for (operation, error) in [
        (
            "list_accounts",
            anonymous
                .client
                .partner_accounts
                .list_accounts(&ListPartnerAccountsParams::default())
                .await
                .unwrap_err(),
        ),
        (
            "recover_account",
            anonymous
                .client
                .partner_accounts
                .recover_account(EOA)
                .await
                .unwrap_err(),
        ),
        (
            "check_allowances",
            anonymous
                .client
                .partner_accounts
                .check_allowances(326)
                .await
                .unwrap_err(),
        ),
        (
            "retry_allowances",
            anonymous
                .client
                .partner_accounts
                .retry_allowances(326)
                .await
                .unwrap_err(),
        ),
    ] {
        assert!(
            matches!(error, Error::AuthenticationRequired { operation: op } if op == operation),
            "{error:?}"
        );
    }
    anonymous.assert_no_requests().await;
}

#[tokio::test]
async fn recover_account_finds_the_matching_sub_account() {
    let h = Harness::hmac().await;
    let upper = EOA.to_uppercase().replace("0X", "0x");
    hmac_mock("GET", "/profiles/partner-accounts")
        .and(QueryIs::some(format!("account={upper}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [{"profileId": 326, "account": EOA, "displayName": null}],
            "page": 1, "limit": 25, "hasMore": false
        })))
        .expect(1)
        .mount(&h.server)
        .await;
    let found = h
        .client
        .partner_accounts
        .recover_account(&upper)
        .await
        .unwrap();
    assert_eq!(found.unwrap().profile_id, 326);

    let h = Harness::hmac().await;
    hmac_mock("GET", "/profiles/partner-accounts")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [], "page": 1, "limit": 25, "hasMore": false
        })))
        .expect(1)
        .mount(&h.server)
        .await;
    let response = h
        .client
        .partner_accounts
        .recover_account(EOA)
        .with_raw()
        .await
        .unwrap();
    assert_eq!(response.data, None);
    assert_eq!(response.raw.status, 200);
}

#[tokio::test]
async fn check_allowances() {
    let h = Harness::hmac().await;
    hmac_mock("GET", "/profiles/partner-accounts/326/allowances")
        .respond_with(ResponseTemplate::new(200).set_body_json(allowances_json()))
        .expect(1)
        .mount(&h.server)
        .await;
    let allowances = h
        .client
        .partner_accounts
        .check_allowances(326)
        .await
        .unwrap();
    assert_eq!(allowances.chain_id, 8453);
    assert!(!allowances.ready);
    assert_eq!(allowances.summary.missing, 1);
    assert_eq!(allowances.targets.len(), 2);
    assert!(allowances.targets[1].retryable);
}

#[tokio::test]
async fn retry_allowances_posts_an_empty_object() {
    let h = Harness::hmac().await;
    hmac_mock("POST", "/profiles/partner-accounts/326/allowances/retry")
        .and(BodyIs("{}".to_owned()))
        .respond_with(ResponseTemplate::new(200).set_body_json(allowances_json()))
        .expect(1)
        .mount(&h.server)
        .await;
    let allowances = h
        .client
        .partner_accounts
        .retry_allowances(326)
        .await
        .unwrap();
    assert_eq!(allowances.profile_id, 326);
}

#[tokio::test]
async fn allowances_validation_and_hmac_requirement() {
    let h = Harness::hmac().await;
    for id in [0, -5] {
        let error = h
            .client
            .partner_accounts
            .check_allowances(id)
            .await
            .unwrap_err();
        assert_invalid(&error, "profile_id must be a positive integer");
        let error = h
            .client
            .partner_accounts
            .retry_allowances(id)
            .await
            .unwrap_err();
        assert_invalid(&error, "profile_id must be a positive integer");
    }
    h.assert_no_requests().await;

    let h = Harness::api_key().await;
    let error = h
        .client
        .partner_accounts
        .check_allowances(326)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("invalid input: {ALLOWANCE_MESSAGE}")
    );
    let error = h
        .client
        .partner_accounts
        .retry_allowances(326)
        .await
        .unwrap_err();
    assert_invalid(&error, ALLOWANCE_MESSAGE);
    h.assert_no_requests().await;
}

fn withdrawal_address_json(label: Option<&str>) -> serde_json::Value {
    json!({
        "id": "6f1c2d3e-0000-4000-8000-1234567890ab",
        "profileId": 77,
        "destinationAddress": EOA,
        "label": label,
        "createdAt": "2026-03-23T12:34:56.789Z",
        "deletedAt": null
    })
}

#[tokio::test]
async fn add_withdrawal_address_uses_identity_and_omits_an_unset_label() {
    let h = Harness::hmac().await;
    identity_mock("POST", "/portfolio/withdrawal-addresses")
        .and(BodyIs(format!(r#"{{"address":"{EOA}"}}"#)))
        .respond_with(ResponseTemplate::new(201).set_body_json(withdrawal_address_json(None)))
        .expect(1)
        .mount(&h.server)
        .await;
    identity_mock("POST", "/portfolio/withdrawal-addresses")
        .and(BodyIs(format!(
            r#"{{"address":"{EOA}","label":"treasury"}}"#
        )))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(withdrawal_address_json(Some("treasury"))),
        )
        .expect(1)
        .mount(&h.server)
        .await;
    let accounts = &h.client.partner_accounts;
    let added = accounts
        .add_withdrawal_address(
            IDENTITY,
            &AddWithdrawalAddressInput {
                address: EOA.to_owned(),
                label: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(added.destination_address, EOA);
    assert_eq!(added.deleted_at, None);
    let labelled = accounts
        .add_withdrawal_address(
            IDENTITY,
            &AddWithdrawalAddressInput {
                address: EOA.to_owned(),
                label: Some("treasury".to_owned()),
            },
        )
        .await
        .unwrap();
    assert_eq!(labelled.label.as_deref(), Some("treasury"));
}

#[tokio::test]
async fn delete_withdrawal_address_uses_identity() {
    let h = Harness::api_key().await;
    identity_mock("DELETE", &format!("/portfolio/withdrawal-addresses/{EOA}"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&h.server)
        .await;
    let response = h
        .client
        .partner_accounts
        .delete_withdrawal_address(IDENTITY, EOA)
        .with_raw()
        .await
        .unwrap();
    assert_eq!(response.raw.status, 204);
}

#[tokio::test]
async fn withdrawal_address_validation() {
    let h = Harness::hmac().await;
    let accounts = &h.client.partner_accounts;
    let input = AddWithdrawalAddressInput {
        address: EOA.to_owned(),
        label: None,
    };
    let error = accounts
        .add_withdrawal_address(" ", &input)
        .await
        .unwrap_err();
    assert_invalid(
        &error,
        "identity token is required for add_withdrawal_address",
    );
    let error = accounts
        .delete_withdrawal_address("", EOA)
        .await
        .unwrap_err();
    assert_invalid(
        &error,
        "identity token is required for delete_withdrawal_address",
    );
    let error = accounts
        .add_withdrawal_address(
            IDENTITY,
            &AddWithdrawalAddressInput {
                address: "0xnope".into(),
                label: None,
            },
        )
        .await
        .unwrap_err();
    assert_invalid(&error, "address: expected an address");
    let error = accounts
        .delete_withdrawal_address(IDENTITY, " ")
        .await
        .unwrap_err();
    assert_invalid(&error, "address must not be blank");
    h.assert_no_requests().await;
}
