//! Requests serialize to exactly the bytes the API expects: key order,
//! omitted unset fields, numbers where numbers belong.

use limitless_types::{
    ActiveMarketsParams, AddWithdrawalAddressInput, CancelReplaceBatchRequest, CancelReplaceMode,
    CancelReplaceRequest, CancelTarget, CreateOrderRequest, CreatePartnerAccountInput,
    DEFAULT_FEE_RATE_BPS, DEFAULT_TICK_SIZE, Decimal, DeriveApiTokenInput, EoaOwnershipProof,
    ListPartnerAccountsParams, MarketSort, OrderAmounts, OrderType, RedeemParams, ReplacementOrder,
    SCOPE_DELEGATED_SIGNING, SCOPE_TRADING, Side, StpPolicy, UnsignedOrder, WithdrawParams,
    ZERO_ADDRESS, fok_order_amounts, limit_order_amounts,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

const Z: &str = "0x0000000000000000000000000000000000000000";

/// Serializes `value`, checks the exact text, and checks that decoding the
/// text gives back the same value (the sandbox decodes what clients send).
fn assert_wire<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(
    value: &T,
    expected: &str,
) {
    let json = serde_json::to_string(value).unwrap();
    assert_eq!(json, expected);
    let back: T = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, value);
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn gtc_buy_half() -> UnsignedOrder {
    let amounts = limit_order_amounts(Side::Buy, d("0.5"), d("1.0"), DEFAULT_TICK_SIZE).unwrap();
    UnsignedOrder::delegated(
        1_770_000_000_000_000,
        "123",
        Side::Buy,
        amounts,
        DEFAULT_FEE_RATE_BPS,
        Some(d("0.5")),
    )
}

fn create(order: UnsignedOrder, order_type: OrderType) -> CreateOrderRequest {
    CreateOrderRequest {
        order,
        order_type,
        market_slug: "market".into(),
        owner_id: 326,
        on_behalf_of: Some(326),
        post_only: None,
        client_order_id: None,
        timestamp: None,
        recv_window: None,
        stp_policy: None,
    }
}

#[test]
fn zero_address_constant() {
    assert_eq!(ZERO_ADDRESS, Z);
}

#[test]
fn delegated_gtc_matches_protocol_example() {
    let expected = format!(
        r#"{{"order":{{"salt":1770000000000000,"maker":"{Z}","signer":"{Z}","taker":"{Z}","tokenId":"123","makerAmount":500000,"takerAmount":1000000,"expiration":"0","nonce":0,"feeRateBps":300,"side":0,"signatureType":0,"price":0.5}},"orderType":"GTC","marketSlug":"market","ownerId":326,"onBehalfOf":326}}"#
    );
    assert_wire(&create(gtc_buy_half(), OrderType::Gtc), &expected);
}

#[test]
fn delegated_fok_has_no_price_key() {
    let order = UnsignedOrder::delegated(
        1_770_000_000_000_001,
        "123",
        Side::Buy,
        fok_order_amounts(d("1.0")).unwrap(),
        DEFAULT_FEE_RATE_BPS,
        None,
    );
    let expected = format!(
        r#"{{"order":{{"salt":1770000000000001,"maker":"{Z}","signer":"{Z}","taker":"{Z}","tokenId":"123","makerAmount":1000000,"takerAmount":1,"expiration":"0","nonce":0,"feeRateBps":300,"side":0,"signatureType":0}},"orderType":"FOK","marketSlug":"market","ownerId":326,"onBehalfOf":326}}"#
    );
    assert_wire(&create(order, OrderType::Fok), &expected);
}

#[test]
fn sell_fak_with_post_only_and_receive_window() {
    let amounts = limit_order_amounts(Side::Sell, d("0.55"), d("10"), DEFAULT_TICK_SIZE).unwrap();
    assert_eq!(
        amounts,
        OrderAmounts {
            maker_amount: 10_000_000,
            taker_amount: 5_500_000
        }
    );
    let order = UnsignedOrder::delegated(42, "9876543210", Side::Sell, amounts, 0, Some(d("0.55")));
    let mut request = create(order, OrderType::Gtc);
    request.post_only = Some(true);
    let expected = format!(
        r#"{{"order":{{"salt":42,"maker":"{Z}","signer":"{Z}","taker":"{Z}","tokenId":"9876543210","makerAmount":10000000,"takerAmount":5500000,"expiration":"0","nonce":0,"feeRateBps":0,"side":1,"signatureType":0,"price":0.55}},"orderType":"GTC","marketSlug":"market","ownerId":326,"onBehalfOf":326,"postOnly":true}}"#
    );
    assert_wire(&request, &expected);

    request.post_only = None;
    request.order_type = OrderType::Fak;
    request.timestamp = Some(1_770_000_000_000);
    request.recv_window = Some(1500);
    let expected = expected.replace(r#""GTC""#, r#""FAK""#).replace(
        r#","postOnly":true}"#,
        r#","timestamp":1770000000000,"recvWindow":1500}"#,
    );
    assert_wire(&request, &expected);
}

#[test]
fn cancel_replace_matches_protocol_shape() {
    let request = CancelReplaceRequest {
        cancel: CancelTarget::OrderId("34bd2f18-0d0e-4d7a-9b0e-1f2a3b4c5d6e".into()),
        replacement: ReplacementOrder {
            order: gtc_buy_half(),
            order_type: OrderType::Gtc,
            market_slug: "market".into(),
            owner_id: 326,
            post_only: None,
            client_order_id: Some("replacement-1".into()),
            timestamp: Some(1_770_000_000_000),
            recv_window: Some(1500),
            stp_policy: Some(StpPolicy::CancelMaker),
        },
        mode: CancelReplaceMode::AllowFailure,
        on_behalf_of: Some(326),
    };
    let expected = format!(
        r#"{{"cancel":{{"orderId":"34bd2f18-0d0e-4d7a-9b0e-1f2a3b4c5d6e"}},"replacement":{{"order":{{"salt":1770000000000000,"maker":"{Z}","signer":"{Z}","taker":"{Z}","tokenId":"123","makerAmount":500000,"takerAmount":1000000,"expiration":"0","nonce":0,"feeRateBps":300,"side":0,"signatureType":0,"price":0.5}},"orderType":"GTC","marketSlug":"market","ownerId":326,"clientOrderId":"replacement-1","timestamp":1770000000000,"recvWindow":1500,"stpPolicy":"cancel_maker"}},"mode":"ALLOW_FAILURE","onBehalfOf":326}}"#
    );
    assert_wire(&request, &expected);
}

#[test]
fn cancel_replace_minimal_and_batch() {
    let op = CancelReplaceRequest {
        cancel: CancelTarget::ClientOrderId("c-1".into()),
        replacement: ReplacementOrder {
            order: gtc_buy_half(),
            order_type: OrderType::Gtc,
            market_slug: "m".into(),
            owner_id: 7,
            post_only: Some(true),
            client_order_id: None,
            timestamp: None,
            recv_window: None,
            stp_policy: None,
        },
        mode: CancelReplaceMode::default(),
        on_behalf_of: None,
    };
    let json = serde_json::to_string(&op).unwrap();
    assert!(
        json.starts_with(r#"{"cancel":{"clientOrderId":"c-1"},"replacement":{"order":{"#),
        "{json}"
    );
    assert!(json.ends_with(r#""price":0.5},"orderType":"GTC","marketSlug":"m","ownerId":7,"postOnly":true},"mode":"STOP_ON_FAILURE"}"#), "{json}");

    let batch = CancelReplaceBatchRequest {
        operations: vec![op.clone(), op],
    };
    let json = serde_json::to_string(&batch).unwrap();
    assert!(
        json.starts_with(r#"{"operations":[{"cancel":{"clientOrderId":"c-1"}"#),
        "{json}"
    );
    assert_eq!(
        serde_json::from_str::<CancelReplaceBatchRequest>(&json).unwrap(),
        batch
    );

    // A request without `mode` decodes with the default.
    let no_mode = json.replace(r#","mode":"STOP_ON_FAILURE""#, "");
    let decoded: CancelReplaceBatchRequest = serde_json::from_str(&no_mode).unwrap();
    assert_eq!(decoded.operations[1].mode, CancelReplaceMode::StopOnFailure);
}

#[test]
fn all_stp_policies_and_modes() {
    for (policy, text) in [
        (StpPolicy::CancelBoth, "\"cancel_both\""),
        (StpPolicy::CancelMaker, "\"cancel_maker\""),
        (StpPolicy::CancelTaker, "\"cancel_taker\""),
    ] {
        assert_wire(&policy, text);
        let bare = text.trim_matches('"');
        assert_eq!(policy.as_str(), bare);
        assert_eq!(policy.to_string(), bare);
        assert_eq!(bare.parse::<StpPolicy>(), Ok(policy));
    }
    for bad in [
        "",
        "CANCEL_MAKER",
        "cancel-maker",
        " cancel_maker",
        "cancel",
    ] {
        let error = bad.parse::<StpPolicy>().unwrap_err();
        assert_eq!(error.field, "stp_policy");
        assert_eq!(
            error.message,
            format!(
                "unknown self-trade prevention policy {bad:?}; use cancel_both, cancel_maker or cancel_taker"
            )
        );
    }
    assert_wire(&CancelReplaceMode::StopOnFailure, "\"STOP_ON_FAILURE\"");
    for (t, text) in [
        (OrderType::Gtc, "GTC"),
        (OrderType::Fok, "FOK"),
        (OrderType::Fak, "FAK"),
    ] {
        assert_wire(&t, &format!("\"{text}\""));
        assert_eq!(t.as_str(), text);
    }
    assert_wire(&Side::Buy, "0");
    assert_wire(&Side::Sell, "1");
    assert_eq!((Side::Buy.as_str(), Side::Sell.as_str()), ("BUY", "SELL"));
}

#[test]
fn derive_input_omits_unset_fields() {
    assert_wire(&DeriveApiTokenInput::default(), "{}");
    assert_wire(
        &DeriveApiTokenInput {
            label: Some("production-bot".into()),
            scopes: vec![],
        },
        r#"{"label":"production-bot"}"#,
    );
    assert_wire(
        &DeriveApiTokenInput {
            label: None,
            scopes: vec![
                SCOPE_TRADING.to_string(),
                SCOPE_DELEGATED_SIGNING.to_string(),
            ],
        },
        r#"{"scopes":["trading","delegated_signing"]}"#,
    );
    // Older clients send nulls; the sandbox must still read them.
    let legacy: DeriveApiTokenInput =
        serde_json::from_str(r#"{"label":null,"scopes":null}"#).unwrap();
    assert_eq!(legacy, DeriveApiTokenInput::default());
}

#[test]
fn partner_account_create_modes() {
    assert_wire(
        &CreatePartnerAccountInput::eoa("user-alice"),
        r#"{"displayName":"user-alice"}"#,
    );
    assert_wire(
        &CreatePartnerAccountInput::server_wallet("user-bob"),
        r#"{"displayName":"user-bob","createServerWallet":true}"#,
    );
    assert_wire(&CreatePartnerAccountInput::default(), "{}");
    assert!(CreatePartnerAccountInput::server_wallet("x").is_server_wallet());
    assert!(!CreatePartnerAccountInput::eoa("x").is_server_wallet());
    assert!(
        CreatePartnerAccountInput::eoa("a".repeat(45))
            .validate()
            .is_err()
    );
    assert!(
        CreatePartnerAccountInput::eoa("a".repeat(44))
            .validate()
            .is_ok()
    );
}

#[test]
fn eoa_proof_headers_and_redacted_debug() {
    let proof = EoaOwnershipProof {
        account: "0xabc".into(),
        signing_message: "0x1234".into(),
        signature: "0xdeadbeefsig".into(),
    };
    assert_eq!(
        proof.headers(),
        [
            ("x-account", "0xabc"),
            ("x-signing-message", "0x1234"),
            ("x-signature", "0xdeadbeefsig")
        ]
    );
    let debug = format!("{proof:?}");
    assert_eq!(
        debug,
        r#"EoaOwnershipProof { account: "0xabc", signing_message: "0x1234", signature: "<redacted>" }"#
    );
}

#[test]
fn withdraw_and_redeem_bodies() {
    let withdraw = WithdrawParams {
        amount: "1000000".into(),
        on_behalf_of: Some(326),
        token: None,
        destination: None,
    };
    assert_wire(&withdraw, r#"{"amount":"1000000","onBehalfOf":326}"#);
    assert_eq!(withdraw.validate(), Ok(()));
    let full = WithdrawParams {
        amount: "5".into(),
        on_behalf_of: None,
        token: Some("0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913".into()),
        destination: Some("0x1111111111111111111111111111111111111111".into()),
    };
    assert_wire(
        &full,
        r#"{"amount":"5","token":"0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913","destination":"0x1111111111111111111111111111111111111111"}"#,
    );
    assert_eq!(full.validate(), Ok(()));
    let neither = WithdrawParams {
        amount: "5".into(),
        ..WithdrawParams::default()
    };
    assert_eq!(neither.validate().unwrap_err().field, "on_behalf_of");
    let zero = WithdrawParams {
        amount: "00".into(),
        on_behalf_of: Some(1),
        ..WithdrawParams::default()
    };
    assert_eq!(zero.validate().unwrap_err().field, "amount");
    let bad_token = WithdrawParams {
        token: Some("0x12".into()),
        ..withdraw.clone()
    };
    assert_eq!(bad_token.validate().unwrap_err().field, "token");

    let condition = format!("0x{}", "ab".repeat(32));
    let redeem = RedeemParams {
        condition_id: condition.clone(),
        on_behalf_of: 326,
    };
    assert_wire(
        &redeem,
        &format!(r#"{{"conditionId":"{condition}","onBehalfOf":326}}"#),
    );
    assert_eq!(redeem.validate(), Ok(()));
    assert_eq!(
        RedeemParams {
            on_behalf_of: 0,
            ..redeem.clone()
        }
        .validate()
        .unwrap_err()
        .field,
        "on_behalf_of"
    );
    assert_eq!(
        RedeemParams {
            condition_id: "0x12".into(),
            ..redeem
        }
        .validate()
        .unwrap_err()
        .field,
        "condition_id"
    );
}

#[test]
fn withdrawal_address_body() {
    assert_wire(
        &AddWithdrawalAddressInput {
            address: "0xabc".into(),
            label: None,
        },
        r#"{"address":"0xabc"}"#,
    );
    assert_wire(
        &AddWithdrawalAddressInput {
            address: "0xabc".into(),
            label: Some("cold".into()),
        },
        r#"{"address":"0xabc","label":"cold"}"#,
    );
}

#[test]
fn query_pairs_keep_wire_order() {
    let params = ListPartnerAccountsParams {
        account: Some("0xabc def".into()),
        limit: Some(10),
        page: Some(2),
    };
    assert_eq!(
        params.query_pairs(),
        vec![
            ("account", "0xabc def".to_string()),
            ("limit", "10".into()),
            ("page", "2".into())
        ]
    );
    assert_eq!(
        ListPartnerAccountsParams {
            page: Some(3),
            ..Default::default()
        }
        .query_pairs(),
        vec![("page", "3".to_string())]
    );
    assert!(
        ListPartnerAccountsParams::default()
            .query_pairs()
            .is_empty()
    );

    let markets = ActiveMarketsParams {
        limit: Some(10),
        page: Some(1),
        sort_by: Some(MarketSort::LpRewards),
    };
    assert_eq!(
        markets.query_pairs(),
        vec![
            ("limit", "10".to_string()),
            ("page", "1".into()),
            ("sortBy", "lp_rewards".into())
        ]
    );
    for (sort, text) in [
        (MarketSort::LpRewards, "lp_rewards"),
        (MarketSort::EndingSoon, "ending_soon"),
        (MarketSort::Newest, "newest"),
        (MarketSort::HighValue, "high_value"),
        (MarketSort::Liquidity, "liquidity"),
    ] {
        assert_eq!(sort.as_str(), text);
        assert_wire(&sort, &format!("\"{text}\""));
    }
    // Query values arrive as strings on the server side.
    let decoded: ActiveMarketsParams =
        serde_json::from_str(r#"{"limit":"10","page":"1","sortBy":"ending_soon"}"#).unwrap();
    assert_eq!(
        decoded,
        ActiveMarketsParams {
            limit: Some(10),
            page: Some(1),
            sort_by: Some(MarketSort::EndingSoon)
        }
    );
}

#[test]
fn sandbox_reads_orders_with_string_numbers() {
    let json = format!(
        r#"{{"order":{{"salt":"17","maker":"{Z}","signer":"{Z}","taker":"{Z}","tokenId":123,"makerAmount":"500000","takerAmount":"1000000","expiration":0,"nonce":"0","feeRateBps":"300","side":"BUY","signatureType":"0","price":"0.5","extra":1}},"orderType":"GTC","marketSlug":"market","ownerId":"326","onBehalfOf":"326"}}"#
    );
    let request: CreateOrderRequest = serde_json::from_str(&json).unwrap();
    assert_eq!(request.order.salt, 17);
    assert_eq!(request.order.token_id, "123");
    assert_eq!(request.order.expiration, "0");
    assert_eq!(request.order.side, Side::Buy);
    assert_eq!(request.order.price, Some(d("0.5")));
    assert_eq!(request.owner_id, 326);
    assert_eq!(request.on_behalf_of, Some(326));
    // A side other than buy/sell is refused.
    assert!(serde_json::from_str::<Side>("2").is_err());
    assert!(serde_json::from_str::<Side>("\"HOLD\"").is_err());
    assert_eq!(
        serde_json::from_str::<Side>("\"sell\"").unwrap(),
        Side::Sell
    );
}
