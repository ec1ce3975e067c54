//! `client.server_wallets`: redeem and withdraw.

use limitless_client::{Error, RedeemParams, WithdrawParams};
use serde_json::json;
use wiremock::ResponseTemplate;

use crate::support::{BodyIs, Harness, assert_invalid, hmac_mock};

const CONDITION: &str = "0x4f5c0c2c8e8f1a7d9b3e6a2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e";
const USDC: &str = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913";
const DESTINATION: &str = "0x4e2b1d4a4f7c0b8d9e6a5c3b2a1f0e9d8c7b6a59";
const HMAC_MESSAGE: &str = "Server wallet redeem/withdraw require HMAC-scoped API token auth; legacy API keys are not supported.";

fn withdraw(amount: &str, on_behalf_of: Option<i64>, destination: Option<&str>) -> WithdrawParams {
    WithdrawParams {
        amount: amount.to_owned(),
        on_behalf_of,
        token: None,
        destination: destination.map(str::to_owned),
    }
}

#[tokio::test]
async fn redeem_positions() {
    let h = Harness::hmac().await;
    hmac_mock("POST", "/portfolio/redeem")
        .and(BodyIs(format!(
            r#"{{"conditionId":"{CONDITION}","onBehalfOf":326}}"#
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "hash": "", "userOperationHash": "0xuserop", "transactionId": "tx-1",
            "walletAddress": DESTINATION, "conditionId": CONDITION, "marketId": 4821
        })))
        .expect(1)
        .mount(&h.server)
        .await;
    let redeemed = h
        .client
        .server_wallets
        .redeem_positions(&RedeemParams {
            condition_id: CONDITION.to_owned(),
            on_behalf_of: 326,
        })
        .await
        .unwrap();
    assert_eq!(redeemed.hash, "");
    assert_eq!(redeemed.user_operation_hash, "0xuserop");
    assert_eq!(redeemed.market_id, Some(4821));
}

#[tokio::test]
async fn withdraw_omits_unset_fields() {
    let h = Harness::hmac().await;
    hmac_mock("POST", "/portfolio/withdraw")
        .and(BodyIs(r#"{"amount":"1000000","onBehalfOf":326}"#.to_owned()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "hash": "0xhash", "userOperationHash": "", "transactionId": "tx-2", "walletAddress": DESTINATION,
            "token": USDC, "destination": DESTINATION, "amount": "1000000"
        })))
        .expect(1)
        .mount(&h.server)
        .await;
    hmac_mock("POST", "/portfolio/withdraw")
        .and(BodyIs(format!(
            r#"{{"amount":"25","onBehalfOf":326,"token":"{USDC}","destination":"{DESTINATION}"}}"#
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "hash": "0xhash2", "token": USDC, "destination": DESTINATION, "amount": "25"
        })))
        .expect(1)
        .mount(&h.server)
        .await;
    let wallets = &h.client.server_wallets;
    let done = wallets
        .withdraw(&withdraw("1000000", Some(326), None))
        .await
        .unwrap();
    assert_eq!(done.amount, "1000000");
    let mut full = withdraw("25", Some(326), Some(DESTINATION));
    full.token = Some(USDC.to_owned());
    let done = wallets.withdraw(&full).await.unwrap();
    assert_eq!(done.hash, "0xhash2");
    assert_eq!(done.transaction_id, "");
}

#[tokio::test]
async fn server_wallet_validation() {
    let h = Harness::hmac().await;
    let wallets = &h.client.server_wallets;
    let redeem_cases = [
        (
            RedeemParams {
                condition_id: CONDITION[..65].to_owned(),
                on_behalf_of: 1,
            },
            "condition_id",
        ),
        (
            RedeemParams {
                condition_id: CONDITION.to_owned(),
                on_behalf_of: 0,
            },
            "on_behalf_of",
        ),
    ];
    for (params, needle) in redeem_cases {
        assert_invalid(
            &wallets.redeem_positions(&params).await.unwrap_err(),
            needle,
        );
    }
    let withdraw_cases = [
        (withdraw("0", Some(1), None), "amount"),
        (withdraw("00", Some(1), None), "amount"),
        (withdraw("1.5", Some(1), None), "amount"),
        (withdraw("10", Some(-1), None), "on_behalf_of"),
        (withdraw("10", None, Some("0x12")), "destination"),
        (withdraw("10", None, None), "on_behalf_of"),
    ];
    for (params, needle) in withdraw_cases {
        assert_invalid(&wallets.withdraw(&params).await.unwrap_err(), needle);
    }
    h.assert_no_requests().await;
}

#[tokio::test]
async fn server_wallets_require_hmac() {
    // No credentials at all: authentication is required.
    let anonymous = Harness::anonymous().await;
    let wallets = &anonymous.client.server_wallets;
    let redeem = RedeemParams {
        condition_id: CONDITION.to_owned(),
        on_behalf_of: 1,
    };
    let error = wallets.redeem_positions(&redeem).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::AuthenticationRequired {
                operation: "redeem_positions"
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "authentication is required for redeem_positions; pass an API key or HMAC credentials when creating the client"
    );
    let error = wallets
        .withdraw(&withdraw("1", Some(1), None))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::AuthenticationRequired {
                operation: "withdraw"
            }
        ),
        "{error:?}"
    );
    anonymous.assert_no_requests().await;
    // A legacy key: the API's own words.
    {
        let h = Harness::api_key().await;
        let wallets = &h.client.server_wallets;
        let error = wallets
            .redeem_positions(&RedeemParams {
                condition_id: CONDITION.to_owned(),
                on_behalf_of: 1,
            })
            .await
            .unwrap_err();
        assert_eq!(error.to_string(), format!("invalid input: {HMAC_MESSAGE}"));
        let error = wallets
            .withdraw(&withdraw("1", Some(1), None))
            .await
            .unwrap_err();
        assert_invalid(&error, HMAC_MESSAGE);
        h.assert_no_requests().await;
    }
}
