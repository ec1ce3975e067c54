//! `client.server_wallets`: redeem, withdraw, split and merge; and the
//! funds reads beside them (locked balance, trading allowance).

use limitless_client::TradingAllowanceType;
use limitless_client::{Error, RedeemParams, SplitMergeParams, WithdrawParams};
use serde_json::json;
use wiremock::ResponseTemplate;

use crate::support::{BodyIs, Harness, QueryIs, assert_invalid, hmac_mock, market_json};

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

const EXCHANGE: &str = "0xa4409D988CA2218d956BeEFD3874100F444f0DC3";
const ADAPTER: &str = "0x48bbf33feff9243a8f506b40928b5b7a767c76fb";

fn split_merge(slug: &str, amount: &str, on_behalf_of: Option<i64>) -> SplitMergeParams {
    SplitMergeParams {
        market_slug: slug.to_owned(),
        condition_id: CONDITION.to_owned(),
        amount: amount.to_owned(),
        on_behalf_of,
    }
}

#[tokio::test]
async fn split_nests_the_venue_and_keeps_the_raw_answer() {
    let h = Harness::hmac().await;
    // The venue is read once, publicly, then cached for the merge.
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .and(wiremock::matchers::path("/markets/btc"))
        .respond_with(ResponseTemplate::new(200).set_body_json(market_json("btc", None)))
        .expect(1)
        .mount(&h.server)
        .await;
    let answer = r#"{"hash":"","userOperationHash":"0xuserop","transactionId":"tx-9","walletAddress":"0xwallet","conditionId":"CID","marketId":"4821","operation":"SPLIT","route":"server-wallet","extra":{"future":[1,2]}}"#
        .replace("CID", CONDITION);
    hmac_mock("POST", "/portfolio/split")
        .and(BodyIs(format!(
            r#"{{"conditionId":"{CONDITION}","amount":"2500000","venue":{{"exchange":"{EXCHANGE}"}},"onBehalfOf":326}}"#
        )))
        .respond_with(ResponseTemplate::new(201).set_body_raw(answer.clone(), "application/json"))
        .expect(1)
        .mount(&h.server)
        .await;
    hmac_mock("POST", "/portfolio/merge")
        .and(BodyIs(format!(
            r#"{{"conditionId":"{CONDITION}","amount":"1","venue":{{"exchange":"{EXCHANGE}"}}}}"#
        )))
        // An answer with nothing the client needs, and odd types, still
        // decodes.
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "operation": "MERGE", "route": {"kind": "unknown"}, "marketId": [1]
        })))
        .expect(1)
        .mount(&h.server)
        .await;
    let wallets = &h.client.server_wallets;
    let split = wallets
        .split_positions(&split_merge("btc", "2500000", Some(326)))
        .with_raw()
        .await
        .unwrap();
    assert_eq!(
        split.raw.body,
        answer.as_bytes(),
        "the exact bytes are kept"
    );
    assert_eq!(split.data.operation, "SPLIT");
    assert_eq!(split.data.route, "server-wallet");
    assert_eq!(split.data.market_id, Some(4821));
    assert_eq!(split.data.user_operation_hash, "0xuserop");
    // The caller's own server wallet: no onBehalfOf at all.
    let merged = wallets
        .merge_positions(&split_merge("btc", "1", None))
        .await
        .unwrap();
    assert_eq!(merged.operation, "MERGE");
    assert_eq!(merged.route, "");
    assert_eq!(merged.market_id, None);
}

#[tokio::test]
async fn a_neg_risk_split_sends_exchange_and_adapter_under_venue() {
    let h = Harness::hmac().await;
    let mut market = market_json("group-child", None);
    market["venue"]["adapter"] = json!(ADAPTER);
    market["negRiskRequestId"] = json!("0x01");
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .and(wiremock::matchers::path("/markets/group-child"))
        .respond_with(ResponseTemplate::new(200).set_body_json(market))
        .expect(1)
        .mount(&h.server)
        .await;
    hmac_mock("POST", "/portfolio/split")
        .and(BodyIs(format!(
            r#"{{"conditionId":"{CONDITION}","amount":"7","venue":{{"exchange":"{EXCHANGE}","adapter":"{ADAPTER}"}},"onBehalfOf":42}}"#
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"operation": "SPLIT"})))
        .expect(1)
        .mount(&h.server)
        .await;
    let split = h
        .client
        .server_wallets
        .split_positions(&split_merge("group-child", "7", Some(42)))
        .await
        .unwrap();
    assert_eq!(split.operation, "SPLIT");
}

#[tokio::test]
async fn split_merge_validation_fails_before_the_network() {
    let h = Harness::hmac().await;
    let wallets = &h.client.server_wallets;
    let cases = [
        (split_merge(" ", "1", Some(1)), "market_slug"),
        (split_merge("btc", "0", Some(1)), "amount"),
        (split_merge("btc", "1.5", None), "amount"),
        (split_merge("btc", "-1", None), "amount"),
        (split_merge("btc", "1", Some(0)), "on_behalf_of"),
        (split_merge("btc", "1", Some(-4)), "on_behalf_of"),
        (
            SplitMergeParams {
                condition_id: "0x12".into(),
                ..split_merge("btc", "1", None)
            },
            "condition_id",
        ),
    ];
    for (params, needle) in cases {
        assert_invalid(&wallets.split_positions(&params).await.unwrap_err(), needle);
        assert_invalid(&wallets.merge_positions(&params).await.unwrap_err(), needle);
    }
    h.assert_no_requests().await;
}

#[tokio::test]
async fn locked_balance_and_trading_allowance() {
    let h = Harness::hmac().await;
    hmac_mock("GET", "/markets/btc/locked-balance")
        .and(QueryIs::none())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "lockedBalance": "250.50", "lockedBalanceFormatted": "250.50 USDC",
            "currency": "USDC", "orderCount": 3, "unknown": null
        })))
        .expect(1)
        .mount(&h.server)
        .await;
    hmac_mock("GET", "/portfolio/trading/allowance")
        .and(QueryIs::some(format!("type=negrisk&spender={EXCHANGE}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "allowance": "115792089237316195423570985008687907853269984665640564039457584007913129639935",
            "hasMinimumAllowance": true, "type": "negrisk",
            "spender": EXCHANGE, "checkedAddress": DESTINATION
        })))
        .expect(1)
        .mount(&h.server)
        .await;
    let locked = h.client.markets.get_locked_balance("btc").await.unwrap();
    assert_eq!(
        locked.locked_balance,
        Some(limitless_client::Decimal::new(25050, 2)),
        "exact, not a float"
    );
    assert_eq!(locked.order_count, Some(3));
    assert_eq!(locked.currency.as_deref(), Some("USDC"));
    let allowance = h
        .client
        .portfolio
        .get_trading_allowance(TradingAllowanceType::NegRisk, Some(EXCHANGE))
        .await
        .unwrap();
    assert_eq!(
        allowance.allowance.as_deref(),
        Some("115792089237316195423570985008687907853269984665640564039457584007913129639935"),
        "an unlimited approval is kept digit for digit"
    );
    assert_eq!(allowance.has_minimum_allowance, Some(true));
    assert_eq!(allowance.allowance_type.as_deref(), Some("negrisk"));
    // Checked before the network.
    assert_invalid(
        &h.client
            .portfolio
            .get_trading_allowance(TradingAllowanceType::Clob, Some("0x12"))
            .await
            .unwrap_err(),
        "spender",
    );
    assert_invalid(
        &h.client.markets.get_locked_balance(" ").await.unwrap_err(),
        "market_slug",
    );
}

#[tokio::test]
async fn partner_reads_name_the_sub_account_in_x_on_behalf_of() {
    let h = Harness::hmac().await;
    for read in ["/portfolio/positions", "/portfolio/trades"] {
        hmac_mock("GET", read)
            .and(wiremock::matchers::header("x-on-behalf-of", "326"))
            .and(QueryIs::none())
            .respond_with(
                ResponseTemplate::new(200).set_body_json(if read.ends_with("trades") {
                    json!([])
                } else {
                    json!({"amm": [], "clob": [], "group": []})
                }),
            )
            .expect(1)
            .mount(&h.server)
            .await;
    }
    hmac_mock("GET", "/portfolio/history")
        .and(wiremock::matchers::header("x-on-behalf-of", "326"))
        .and(QueryIs::some("cursor=&limit=20"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": [], "nextCursor": null})),
        )
        .expect(1)
        .mount(&h.server)
        .await;
    hmac_mock("GET", "/markets/btc/user-orders")
        .and(wiremock::matchers::header("x-on-behalf-of", "326"))
        .and(QueryIs::none())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&h.server)
        .await;
    let portfolio = &h.client.portfolio;
    portfolio.get_positions(Some(326)).await.unwrap();
    portfolio.get_trades(Some(326)).await.unwrap();
    portfolio.get_history(None, None, Some(326)).await.unwrap();
    h.client
        .markets
        .get_user_orders("btc", Some(326))
        .await
        .unwrap();
    // An invalid sub-account id is refused before the network.
    assert_invalid(
        &portfolio.get_positions(Some(0)).await.unwrap_err(),
        "on_behalf_of",
    );
}
