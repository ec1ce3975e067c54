//! Responses decode from real-looking payloads: full, with nulls and
//! missing optional fields, with unknown fields and enum values, and with
//! numbers sent as strings. What the sandbox serializes decodes back to the
//! same value.

use limitless_types::{
    ActiveMarketsPage, AllowanceStatus, AllowanceTargetType, AllowancesResponse, ApiErrorDetail,
    ApiToken, CancelOutcome, CancelReplaceBatchResponse, CancelReplaceResult, Decimal,
    DerivedApiToken, EventFrame, Loose, Market, MarketCreated, MessageResponse, Order, OrderBook,
    OrderResponse, PartnerAccount, PartnerAccountsPage, PartnerCapabilities, RedeemResponse,
    ReplacementOutcome, SettlementStatus, Side, WithdrawResponse, WithdrawalAddress,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// Decodes `json`, then checks that re-encoding and decoding is stable.
fn decode<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(json: &str) -> T {
    let value: T = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    let again = serde_json::to_string(&value).unwrap();
    let back: T = serde_json::from_str(&again).unwrap_or_else(|e| panic!("{e}: {again}"));
    assert_eq!(back, value, "re-encoded as {again}");
    value
}

#[test]
fn message_response() {
    let m: MessageResponse = decode(r#"{"message":"Token revoked","statusCode":200}"#);
    assert_eq!(m.message, "Token revoked");
    assert_eq!(decode::<MessageResponse>("{}").message, "");
}

const DERIVED: &str = r#"{
  "apiKey": "tok_7f3a",
  "secret": "c3VwZXItc2VjcmV0LWtleQ==",
  "tokenId": "tok_7f3a",
  "createdAt": "2026-03-23T12:34:56.789Z",
  "scopes": ["trading", "delegated_signing"],
  "profile": {"id": 326, "account": "0xa00BCB04073B243E8A55f3B5899AefF596bF17C6", "rank": null},
  "expiresAt": null
}"#;

#[test]
fn derived_token_and_redacted_debug() {
    let t: DerivedApiToken = decode(DERIVED);
    assert_eq!(t.token_id, "tok_7f3a");
    assert_eq!(t.api_key, t.token_id);
    assert_eq!(t.secret, "c3VwZXItc2VjcmV0LWtleQ==");
    assert_eq!(t.scopes, ["trading", "delegated_signing"]);
    assert_eq!(t.profile.id, 326);
    let debug = format!("{t:?}");
    assert!(!debug.contains("c3VwZXItc2VjcmV0LWtleQ"), "{debug}");
    assert_eq!(
        debug,
        r#"DerivedApiToken { api_key: "tok_7f3a", secret: "<redacted>", token_id: "tok_7f3a", created_at: "2026-03-23T12:34:56.789Z", scopes: ["trading", "delegated_signing"], profile: TokenProfile { id: 326, account: "0xa00BCB04073B243E8A55f3B5899AefF596bF17C6" } }"#
    );
    // Profile id as a string, scopes null.
    let t: DerivedApiToken = decode(
        &DERIVED
            .replace(r#""id": 326"#, r#""id": "326""#)
            .replace(r#"["trading", "delegated_signing"]"#, "null"),
    );
    assert_eq!(t.profile.id, 326);
    assert!(t.scopes.is_empty());
}

#[test]
fn token_list() {
    let list: Vec<ApiToken> = decode(
        r#"[
      {"tokenId":"t1","label":"bot","scopes":["trading"],"createdAt":"2026-01-01T00:00:00.000Z","lastUsedAt":"2026-01-02T00:00:00.000Z","revokedAt":null},
      {"tokenId":"t2","label":null,"scopes":["trading","withdrawal"],"createdAt":"2026-01-03T00:00:00.000Z","lastUsedAt":null},
      {"tokenId":"t3","createdAt":"2026-01-04T00:00:00.000Z"}
    ]"#,
    );
    assert_eq!(list[0].label.as_deref(), Some("bot"));
    assert_eq!(
        list[0].last_used_at.as_deref(),
        Some("2026-01-02T00:00:00.000Z")
    );
    assert_eq!(list[1].label, None);
    assert_eq!(list[1].scopes, ["trading", "withdrawal"]);
    assert_eq!(list[2].last_used_at, None);
    assert!(list[2].scopes.is_empty());
}

#[test]
fn capabilities() {
    let c: PartnerCapabilities = decode(
        r#"{"partnerProfileId":"326","tokenManagementEnabled":true,"allowedScopes":["trading","account_creation","delegated_signing"],"tier":"gold"}"#,
    );
    assert_eq!(c.partner_profile_id, 326);
    assert!(c.token_management_enabled);
    assert_eq!(c.allowed_scopes.len(), 3);
    let c: PartnerCapabilities =
        decode(r#"{"partnerProfileId":1,"tokenManagementEnabled":null,"allowedScopes":null}"#);
    assert!(!c.token_management_enabled);
    assert!(c.allowed_scopes.is_empty());
}

#[test]
fn partner_accounts() {
    let a: PartnerAccount = decode(
        r#"{"profileId":"901","account":"0x1111111111111111111111111111111111111111","createdAt":"x"}"#,
    );
    assert_eq!(a.profile_id, 901);
    let page: PartnerAccountsPage = decode(
        r#"{"data":[
        {"profileId":901,"account":"0x1111111111111111111111111111111111111111","displayName":"user-alice"},
        {"profileId":902,"account":"0x2222222222222222222222222222222222222222","displayName":null},
        {"profileId":"903","account":"0x3333333333333333333333333333333333333333"}
      ],"page":1,"limit":"25","hasMore":true,"total":3}"#,
    );
    assert_eq!(page.data.len(), 3);
    assert_eq!(page.data[0].display_name.as_deref(), Some("user-alice"));
    assert_eq!(page.data[1].display_name, None);
    assert_eq!(page.data[2].profile_id, 903);
    assert_eq!((page.page, page.limit, page.has_more), (1, 25, true));
    let empty: PartnerAccountsPage = decode(r#"{"data":null,"page":2,"limit":10}"#);
    assert!(empty.data.is_empty() && !empty.has_more);
}

const ALLOWANCES: &str = r#"{
  "profileId": 901, "partnerProfileId": 326, "chainId": 8453,
  "walletAddress": "0x1111111111111111111111111111111111111111", "ready": false,
  "summary": {"total": 3, "confirmed": 1, "missing": 0, "submitted": 1, "failed": 1},
  "targets": [
    {"type": "CTF_APPROVAL", "tokenAddress": "0xC9c98965297Bc527861c898329Ee280632B76e18",
     "spenderOrOperator": "0xa4409D988CA2218d956BeEFD3874100F444f0DC3", "label": "ctf-exchange",
     "requiredFor": "SELL", "confirmed": true, "status": "confirmed", "retryable": false},
    {"type": "USDC_ALLOWANCE", "tokenAddress": "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
     "spenderOrOperator": "0xa4409D988CA2218d956BeEFD3874100F444f0DC3", "label": "ctf-exchange",
     "requiredFor": "BUY", "confirmed": false, "status": "submitted", "transactionId": "tx-1",
     "txHash": null, "userOperationHash": "0xuserop", "retryable": false},
    {"type": "FEE_MODULE_ALLOWANCE", "tokenAddress": "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
     "spenderOrOperator": "0x9999999999999999999999999999999999999999", "label": "fee-module",
     "requiredFor": "BUY", "confirmed": false, "status": "quarantined", "retryable": true,
     "errorCode": "RPC_READ_FAILED", "errorMessage": "rpc timeout", "attempts": 2}
  ]
}"#;

#[test]
fn allowances() {
    let a: AllowancesResponse = decode(ALLOWANCES);
    assert_eq!(
        (a.profile_id, a.partner_profile_id, a.chain_id),
        (901, 326, 8453)
    );
    assert!(!a.ready);
    assert_eq!((a.summary.total, a.summary.failed), (3, 1));
    assert_eq!(a.targets[0].target_type, AllowanceTargetType::CtfApproval);
    assert_eq!(a.targets[0].status, AllowanceStatus::Confirmed);
    assert_eq!(a.targets[1].target_type, AllowanceTargetType::UsdcAllowance);
    assert_eq!(a.targets[1].status, AllowanceStatus::Submitted);
    assert_eq!(a.targets[1].tx_hash, None);
    assert_eq!(
        a.targets[1].user_operation_hash.as_deref(),
        Some("0xuserop")
    );
    assert_eq!(
        a.targets[2].target_type,
        AllowanceTargetType::Other("FEE_MODULE_ALLOWANCE".into())
    );
    assert_eq!(
        a.targets[2].status,
        AllowanceStatus::Other("quarantined".into())
    );
    assert_eq!(a.targets[2].status.as_str(), "quarantined");
    assert_eq!(a.targets[2].error_code.as_deref(), Some("RPC_READ_FAILED"));
    assert!(a.targets[2].retryable);
    // Re-encoding keeps the unknown strings verbatim.
    let again = serde_json::to_string(&a).unwrap();
    assert!(
        again.contains(r#""type":"FEE_MODULE_ALLOWANCE""#)
            && again.contains(r#""status":"quarantined""#)
    );
    // Counts as strings; targets missing.
    let a: AllowancesResponse = decode(
        r#"{"profileId":"901","partnerProfileId":"326","chainId":"8453","walletAddress":"0x1","ready":true,
            "summary":{"total":"2","confirmed":"2","missing":0,"submitted":0,"failed":0}}"#,
    );
    assert_eq!((a.chain_id, a.summary.confirmed), (8453, 2));
    assert!(a.targets.is_empty() && a.ready);
}

#[test]
fn withdrawal_address() {
    let w: WithdrawalAddress = decode(
        r#"{"id":"5b7d3c1e-1111-4a2b-9c3d-222233334444","profileId":326,"destinationAddress":"0x1111111111111111111111111111111111111111","label":"cold","createdAt":"2026-02-01T00:00:00.000Z","deletedAt":null,"updatedAt":"x"}"#,
    );
    assert_eq!(w.profile_id, 326);
    assert_eq!(w.label.as_deref(), Some("cold"));
    assert_eq!(w.deleted_at, None);
    let w: WithdrawalAddress = decode(
        r#"{"id":"x","profileId":"1","destinationAddress":"0x1","createdAt":"t","deletedAt":"2026-02-02T00:00:00.000Z"}"#,
    );
    assert_eq!(w.label, None);
    assert_eq!(w.deleted_at.as_deref(), Some("2026-02-02T00:00:00.000Z"));
}

#[test]
fn redeem_and_withdraw() {
    let r: RedeemResponse = decode(
        r#"{"hash":"","userOperationHash":"0xuserop","transactionId":"tx-9","walletAddress":"0x1111111111111111111111111111111111111111","conditionId":"0xabc","marketId":"4242","gasUsed":"1"}"#,
    );
    assert_eq!(r.hash, "");
    assert_eq!(r.user_operation_hash, "0xuserop");
    assert_eq!(r.market_id, Some(4242));
    let r: RedeemResponse = decode(r#"{"hash":null,"walletAddress":"0x1","conditionId":"0xabc"}"#);
    assert_eq!(
        (r.hash.as_str(), r.transaction_id.as_str(), r.market_id),
        ("", "", None)
    );

    let w: WithdrawResponse = decode(
        r#"{"hash":"0xhash","userOperationHash":"","transactionId":"tx-1","walletAddress":"0x1","token":"0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913","destination":"0x2","amount":1000000}"#,
    );
    assert_eq!(w.amount, "1000000");
    assert_eq!(w.hash, "0xhash");
    let w: WithdrawResponse = decode(r#"{"amount":"5","userOperationHash":null}"#);
    assert_eq!(
        (w.amount.as_str(), w.user_operation_hash.as_str()),
        ("5", "")
    );
}

const MARKET: &str = r#"{
  "id": 4242, "slug": "btc-above-100k", "title": "BTC above 100k?", "description": "",
  "collateralToken": {"address": "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", "decimals": 6, "symbol": "USDC"},
  "expirationDate": "Dec 31, 2026", "expirationTimestamp": 1798675200000,
  "createdAt": "2026-01-01T00:00:00.000Z", "updatedAt": "2026-01-02T00:00:00.000Z",
  "categories": ["Crypto"], "status": "FUNDED", "creator": {"name": "Limitless", "imageURI": null},
  "tags": ["btc"], "tradeType": "clob", "marketType": "single", "priorityIndex": 0,
  "metadata": {"fee": true}, "conditionId": "0xabc",
  "tokens": {"yes": "11111111111111111111111111111111111111111111111111111111111111111111111111", "no": "22"},
  "prices": [0.55, 0.45], "volume": "123.4",
  "settings": {"minSize": "10", "maxSpread": 0.05, "dailyReward": "25", "rewardsEpoch": 0.1, "c": 3, "rebateRate": null},
  "venue": {"exchange": "0xa4409D988CA2218d956BeEFD3874100F444f0DC3", "adapter": null,
            "feeModule": "0x9999999999999999999999999999999999999999", "feeModuleType": "COLLATERAL"}
}"#;

#[test]
fn market_full() {
    let m: Market = decode(MARKET);
    assert_eq!(m.id, 4242);
    assert_eq!(m.slug, "btc-above-100k");
    assert_eq!(m.title.as_deref(), Some("BTC above 100k?"));
    assert_eq!(m.collateral_token.as_ref().unwrap().decimals, Some(6));
    assert_eq!(m.expiration_timestamp, Some(1_798_675_200_000));
    assert_eq!(m.prices, vec![d("0.55"), d("0.45")]);
    let tokens = m.tokens.as_ref().unwrap();
    assert_eq!(tokens.yes.len(), 74);
    assert_eq!(tokens.no, "22");
    let settings = m.settings.as_ref().unwrap();
    assert_eq!(settings.min_size, Some(d("10")));
    assert_eq!(
        settings.max_spread.as_ref().and_then(Loose::to_decimal),
        Some(d("0.05"))
    );
    assert_eq!(settings.c.as_ref().map(Loose::as_str), Some("3"));
    assert_eq!(settings.rebate_rate, None);
    let venue = m.venue.as_ref().unwrap();
    assert!(venue.is_collateral_fee());
    assert_eq!(venue.fee_rate_bps(), 0);
    assert_eq!(venue.adapter, None);
    // Re-encoded prices are numbers, settings strings stay strings.
    let again = serde_json::to_string(&m).unwrap();
    assert!(again.contains(r#""prices":[0.55,0.45]"#), "{again}");
    assert!(again.contains(r#""minSize":"10""#), "{again}");
}

#[test]
fn market_minimal_and_group() {
    let m: Market =
        decode(r#"{"id":"7","slug":"s","venue":{"exchange":"0xex"},"prices":null,"tokens":null}"#);
    assert_eq!(m.id, 7);
    assert_eq!(m.title, None);
    assert!(m.prices.is_empty());
    let venue = m.venue.unwrap();
    assert!(!venue.is_collateral_fee());
    assert_eq!(venue.fee_rate_bps(), 300);
    let group: Market = decode(
        r#"{"id":1,"slug":"group","marketType":"group","markets":[{"id":2,"slug":"child-a","prices":["0.3","0.7"]},{"id":3,"slug":"child-b"}]}"#,
    );
    assert_eq!(group.markets.len(), 2);
    assert_eq!(group.markets[0].prices, vec![d("0.3"), d("0.7")]);
}

#[test]
fn active_markets_page() {
    let page: ActiveMarketsPage = decode(&format!(
        r#"{{"data":[{MARKET},{{"id":5,"slug":"x"}}],"totalMarketsCount":"120"}}"#
    ));
    assert_eq!(page.data.len(), 2);
    assert_eq!(page.total_markets_count, 120);
}

#[test]
fn order_book() {
    let book: OrderBook = decode(
        r#"{"bids":[{"price":0.55,"size":100500000,"side":"BUY"},{"price":"0.54","size":"20000000","side":"BUY"}],
            "asks":[{"price":0.56,"size":3123456,"side":"SELL"}],
            "tokenId":"1111","adjustedMidpoint":0.555,"maxSpread":"0.05","minSize":"10","lastTradePrice":null,"priceHistory":[]}"#,
    );
    assert_eq!(book.bids[0].price, d("0.55"));
    assert_eq!(book.bids[0].price.to_string(), "0.55");
    assert_eq!(book.bids[0].size.to_shares(), d("100.5"));
    assert_eq!(book.bids[1].price, d("0.54"));
    assert_eq!(book.asks[0].size.as_micro(), 3_123_456);
    assert_eq!(book.adjusted_midpoint, Some(d("0.555")));
    assert_eq!(book.max_spread, Some(d("0.05")));
    assert_eq!(book.last_trade_price, None);
    let again = serde_json::to_string(&book).unwrap();
    assert!(
        again.starts_with(r#"{"bids":[{"price":0.55,"size":100500000,"side":"BUY"}"#),
        "{again}"
    );
    assert!(again.contains(r#""maxSpread":"0.05""#), "{again}");
    // Numbers as strings everywhere; empty sides.
    let book: OrderBook = decode(
        r#"{"bids":[],"asks":null,"tokenId":"1","adjustedMidpoint":"0.5","lastTradePrice":"0.51","minSize":1}"#,
    );
    assert_eq!(
        (book.adjusted_midpoint, book.last_trade_price, book.min_size),
        (Some(d("0.5")), Some(d("0.51")), Some(d("1")))
    );
    assert!(book.asks.is_empty());
}

const ORDER_RESPONSE: &str = r#"{
  "order": {
    "id": "34bd2f18-0d0e-4d7a-9b0e-1f2a3b4c5d6e", "createdAt": "2026-03-23T12:34:56.789Z",
    "makerAmount": "500000", "takerAmount": 1000000, "expiration": "0", "signatureType": 0,
    "salt": "1770000000000000", "maker": "0x1111111111111111111111111111111111111111",
    "signer": "0x1111111111111111111111111111111111111111", "taker": "0x0000000000000000000000000000000000000000",
    "tokenId": "123", "side": 0, "feeRateBps": 300, "nonce": 0, "signature": "0xsig",
    "orderType": "GTC", "price": 0.5, "marketId": 4242, "ownerId": 326, "status": "LIVE"
  },
  "makerMatches": [
    {"id": "m1", "createdAt": "2026-03-23T12:34:57.000Z", "matchedSize": "250000", "orderId": "o-9"},
    {"id": "m2", "createdAt": null, "matchedSize": 250000, "orderId": "o-10"}
  ],
  "execution": {
    "matched": true, "settlementStatus": "MATCHED", "tradeEventId": "te-1", "txHash": null,
    "clientOrderId": null, "reason": null, "stpMakerCancels": ["o-3"], "feeRateBps": 300,
    "effectiveFeeBps": 287.5,
    "totalsRaw": {"contractsGross": "500000", "contractsFee": "0", "contractsNet": "500000",
                  "usdGross": "250000", "usdFee": "7187", "usdNet": "242813"}
  }
}"#;

#[test]
fn order_response_full() {
    let r: OrderResponse = decode(ORDER_RESPONSE);
    let o = &r.order;
    assert_eq!(o.id, "34bd2f18-0d0e-4d7a-9b0e-1f2a3b4c5d6e");
    assert_eq!(
        (o.maker_amount, o.taker_amount),
        (Some(500_000), Some(1_000_000))
    );
    assert_eq!(o.salt, Some(1_770_000_000_000_000));
    assert_eq!(o.side, Some(Side::Buy));
    assert_eq!(o.price, Some(d("0.5")));
    assert_eq!(o.order_type.as_deref(), Some("GTC"));
    assert_eq!(o.market_id, Some(4242));
    assert_eq!(r.maker_matches.len(), 2);
    assert_eq!(r.maker_matches[1].matched_size, "250000");
    assert_eq!(r.maker_matches[1].created_at, None);
    let e = r.execution.as_ref().unwrap();
    assert!(e.matched);
    assert_eq!(e.settlement_status, SettlementStatus::Matched);
    assert_eq!(e.stp_maker_cancels, ["o-3"]);
    assert_eq!(e.effective_fee_bps, Some(d("287.5")));
    assert_eq!(e.totals_raw.as_ref().unwrap().usd_net, "242813");
}

#[test]
fn order_response_minimal_fok() {
    let r: OrderResponse = decode(
        r#"{"order":{"id":"o1","makerAmount":1000000,"takerAmount":"1","tokenId":123,"side":"1","price":null,"orderType":"FOK_PLUS"},"makerMatches":null}"#,
    );
    assert_eq!(r.order.side, Some(Side::Sell));
    assert_eq!(r.order.token_id, "123");
    assert_eq!(r.order.price, None);
    assert_eq!(r.order.order_type.as_deref(), Some("FOK_PLUS"));
    assert!(r.maker_matches.is_empty());
    assert_eq!(r.execution, None);
    let delayed: OrderResponse = decode(
        r#"{"order":{"id":"o2","makerAmount":1,"takerAmount":1,"tokenId":"1","side":0},
            "execution":{"matched":false,"settlementStatus":"DELAYED","eligibleAt":1770000000000,"feeRateBps":"300","effectiveFeeBps":"0"}}"#,
    );
    let e = delayed.execution.unwrap();
    assert_eq!(e.settlement_status, SettlementStatus::Delayed);
    assert_eq!(e.eligible_at.as_deref(), Some("1770000000000"));
    assert_eq!(e.fee_rate_bps, Some(300));
    let unknown: OrderResponse = decode(
        r#"{"order":{"id":"o3","makerAmount":1,"takerAmount":1,"tokenId":"1","side":0},"execution":{"matched":false,"settlementStatus":"QUEUED_FOR_L3"}}"#,
    );
    assert_eq!(
        unknown.execution.unwrap().settlement_status,
        SettlementStatus::Other("QUEUED_FOR_L3".into())
    );
}

#[test]
fn order_response_bare_order_of_the_older_api() {
    // The answer before the `{order, makerMatches}` wrapper: the order
    // itself, with its market inlined (`orders-create/` in the captures).
    let r: OrderResponse = decode(
        r#"{"id":"0b6c1f4e-3c2a-4f0e-9d1a-2b3c4d5e6f70","makerAmount":10000,"takerAmount":1,"salt":1443672609311,
            "side":0,"price":null,"feeRateBps":null,"expiration":null,"orderType":"FOK",
            "market":{"id":2608,"address":null,"category":{"id":2,"name":"Crypto"}},"owner":{"bio":""}}"#,
    );
    assert_eq!(r.order.id, "0b6c1f4e-3c2a-4f0e-9d1a-2b3c4d5e6f70");
    assert_eq!(
        (r.order.maker_amount, r.order.taker_amount),
        (Some(10_000), Some(1))
    );
    assert_eq!(r.order.side, Some(Side::Buy));
    assert_eq!(r.order.price, None);
    assert!(r.maker_matches.is_empty());
    assert_eq!(r.execution, None);
    // It encodes as today's wrapper.
    let again = serde_json::to_value(&r).unwrap();
    assert_eq!(again["order"]["id"], "0b6c1f4e-3c2a-4f0e-9d1a-2b3c4d5e6f70");
}

#[test]
fn order_response_without_an_order_fails() {
    // Neither shape: nothing identifies an order, so the answer is not one.
    for body in [
        r#"{}"#,
        r#"{"message":"Order created"}"#,
        r#"{"makerAmount":1,"takerAmount":1}"#,
        r#"{"id":null,"makerAmount":1}"#,
        r#"{"id":"","makerAmount":1}"#,
        r#"{"order":null,"makerMatches":[]}"#,
        r#"{"order":"o-1"}"#,
        r#"[]"#,
        r#""o-1""#,
    ] {
        assert!(
            serde_json::from_str::<OrderResponse>(body).is_err(),
            "{body} decoded"
        );
    }
    // What the operation needs stays strict in both shapes.
    for body in [
        r#"{"id":"o1","makerAmount":"ten","takerAmount":1}"#,
        r#"{"id":{"x":1},"makerAmount":1,"takerAmount":1}"#,
        r#"{"order":{"id":"o1","makerAmount":-5,"takerAmount":1}}"#,
    ] {
        assert!(
            serde_json::from_str::<OrderResponse>(body).is_err(),
            "{body} decoded"
        );
    }
}

#[test]
fn user_orders() {
    let orders: Vec<Order> = decode(
        r#"[{"id":"u1","createdAt":"t","makerAmount":"470154","takerAmount":"1234000","expiration":null,"signatureType":0,"salt":1,
             "maker":"0x1","signer":"0x1","taker":"0x0","tokenId":"12345","side":0,"feeRateBps":300,"nonce":0,"signature":"0xs",
             "orderType":"GTC","price":"0.381","marketId":1,"status":"LIVE","filledSize":"0.5"},
            {"id":"u2","makerAmount":1,"takerAmount":1,"tokenId":"1","side":"SELL"}]"#,
    );
    assert_eq!(orders[0].price, Some(d("0.381")));
    assert_eq!(orders[0].status.as_deref(), Some("LIVE"));
    assert_eq!(orders[0].filled_size.as_deref(), Some("0.5"));
    assert_eq!(orders[1].side, Some(Side::Sell));
}

#[test]
fn cancel_replace_outcomes() {
    let r: CancelReplaceResult = decode(&format!(
        r#"{{"cancel":{{"status":"SUCCESS","orderId":"o-1","clientOrderId":"c-1"}},"replacement":{{"status":"SUCCESS","data":{ORDER_RESPONSE}}}}}"#
    ));
    assert_eq!(
        r.cancel,
        CancelOutcome::Success {
            order_id: Some("o-1".into()),
            client_order_id: Some("c-1".into())
        }
    );
    assert!(r.cancel.is_success() && r.replacement.is_success());
    match &r.replacement {
        ReplacementOutcome::Success { data } => assert_eq!(data.order.maker_amount, Some(500_000)),
        other => panic!("{other:?}"),
    }

    let r: CancelReplaceResult = decode(
        r#"{"cancel":{"status":"FAILURE","error":{"code":"ORDER_NOT_FOUND","message":"Order not found","extra":1}},"replacement":{"status":"NOT_ATTEMPTED"}}"#,
    );
    assert_eq!(
        r.cancel,
        CancelOutcome::Failure {
            error: ApiErrorDetail {
                code: "ORDER_NOT_FOUND".into(),
                message: "Order not found".into()
            }
        }
    );
    assert_eq!(r.replacement, ReplacementOutcome::NotAttempted);

    let r: CancelReplaceResult = decode(
        r#"{"cancel":{"status":"UNKNOWN"},"replacement":{"status":"FAILURE","error":{"code":429,"message":"slow down"}}}"#,
    );
    assert_eq!(r.cancel, CancelOutcome::Unknown { error: None });
    match r.replacement {
        ReplacementOutcome::Failure { error } => assert_eq!(error.code, "429"),
        other => panic!("{other:?}"),
    }

    let r: CancelReplaceResult = decode(
        r#"{"cancel":{"status":"UNKNOWN","error":{"code":"TIMEOUT","message":"t"}},"replacement":{"status":"UNKNOWN","error":null}}"#,
    );
    assert_eq!(
        r.cancel,
        CancelOutcome::Unknown {
            error: Some(ApiErrorDetail {
                code: "TIMEOUT".into(),
                message: "t".into()
            })
        }
    );
    assert_eq!(r.replacement, ReplacementOutcome::Unknown { error: None });

    // Unknown statuses never fail and keep the raw object.
    let r: CancelReplaceResult = decode(
        r#"{"cancel":{"status":"PARTIAL","remaining":"5"},"replacement":{"state":"weird"}}"#,
    );
    assert_eq!(
        r.cancel,
        CancelOutcome::Unrecognized(serde_json::json!({"status":"PARTIAL","remaining":"5"}))
    );
    assert_eq!(
        r.replacement,
        ReplacementOutcome::Unrecognized(serde_json::json!({"state":"weird"}))
    );
    assert!(!r.cancel.is_success());

    // A known status whose required part is missing is a decode error.
    let bad = serde_json::from_str::<CancelReplaceResult>(
        r#"{"cancel":{"status":"FAILURE"},"replacement":{"status":"NOT_ATTEMPTED"}}"#,
    );
    assert!(bad.unwrap_err().to_string().contains("FAILURE outcome"));
}

#[test]
fn cancel_replace_outcomes_serialize_tagged() {
    let json = serde_json::to_string(&CancelReplaceResult {
        cancel: CancelOutcome::Success {
            order_id: Some("o-1".into()),
            client_order_id: None,
        },
        replacement: ReplacementOutcome::NotAttempted,
    })
    .unwrap();
    assert_eq!(
        json,
        r#"{"cancel":{"status":"SUCCESS","orderId":"o-1"},"replacement":{"status":"NOT_ATTEMPTED"}}"#
    );
    let json = serde_json::to_string(&CancelOutcome::Failure {
        error: ApiErrorDetail {
            code: "C".into(),
            message: "m".into(),
        },
    })
    .unwrap();
    assert_eq!(
        json,
        r#"{"status":"FAILURE","error":{"code":"C","message":"m"}}"#
    );
}

#[test]
fn cancel_replace_batch() {
    let r: CancelReplaceBatchResponse = decode(
        r#"{"results":[
          {"index":0,"cancel":{"status":"SUCCESS","orderId":"a"},"replacement":{"status":"FAILURE","error":{"code":"INSUFFICIENT_BALANCE","message":"no funds"}}},
          {"index":"1","cancel":{"status":"FAILURE","error":{"code":"X","message":"y"}},"replacement":{"status":"NOT_ATTEMPTED"}}
        ],"requestId":"r"}"#,
    );
    assert_eq!(r.results.len(), 2);
    assert_eq!(r.results[1].index, 1);
    assert_eq!(r.results[1].replacement, ReplacementOutcome::NotAttempted);
    let empty: CancelReplaceBatchResponse = decode(r#"{"results":null}"#);
    assert!(empty.results.is_empty());
}

#[test]
fn sandbox_built_responses_round_trip() {
    use limitless_types::{OrderBookLevel, Venue};
    let market = Market {
        id: 1,
        slug: "s".into(),
        prices: vec![d("0.5"), d("0.5")],
        venue: Some(Venue {
            exchange: "0xex".into(),
            fee_module_type: Some("COLLATERAL".into()),
            ..Venue::default()
        }),
        ..Market::default()
    };
    let json = serde_json::to_string(&market).unwrap();
    assert!(
        json.starts_with(r#"{"id":1,"slug":"s","title":null,"#),
        "{json}"
    );
    assert_eq!(decode::<Market>(&json), market);
    let book = OrderBook {
        bids: vec![OrderBookLevel {
            price: d("0.42"),
            size: limitless_types::MicroShares::from_micro(7_000_000),
            side: "BUY".into(),
        }],
        token_id: "1".into(),
        ..OrderBook::default()
    };
    let json = serde_json::to_string(&book).unwrap();
    assert_eq!(
        json,
        r#"{"bids":[{"price":0.42,"size":7000000,"side":"BUY"}],"asks":[],"tokenId":"1","adjustedMidpoint":null,"maxSpread":null,"minSize":null,"lastTradePrice":null}"#
    );
    assert_eq!(decode::<OrderBook>(&json), book);
}

#[test]
fn fields_no_operation_needs_never_fail_a_market() {
    // `rewardsEpoch` as a word, `c` as an object, `prices` with a null,
    // `collateralToken` as a string, `venue.feeModuleType` unknown.
    let json = r#"{"id":9,"slug":"m","settings":{"rewardsEpoch":"daily","c":{"x":1},"maxSpread":"0.035","minSize":[1]},
        "prices":[0.5,null],"collateralToken":"USDC","expired":"no",
        "venue":{"exchange":"0xex","adapter":null,"feeModuleType":"PER_SHARE_V2","feeModule":7}}"#;
    let market: Market = serde_json::from_str(json).unwrap();
    let settings = market.settings.as_ref().unwrap();
    assert_eq!(
        settings.rewards_epoch.as_ref().map(Loose::as_str),
        Some("daily")
    );
    assert_eq!(settings.c, None);
    assert_eq!(
        settings.max_spread.as_ref().and_then(Loose::to_decimal),
        Some(d("0.035"))
    );
    assert_eq!(settings.min_size, None);
    assert!(
        market.prices.is_empty(),
        "a positional list is all or nothing"
    );
    assert_eq!(market.collateral_token, None);
    assert_eq!(market.expired, None);
    let venue = market.venue.as_ref().unwrap();
    assert_eq!(venue.exchange, "0xex");
    assert_eq!(venue.fee_module.as_deref(), Some("7"));
    assert!(!venue.is_collateral_fee());
    // The venue lookup reads the same answer, and needs only the slug.
    let lookup: limitless_types::MarketVenue = serde_json::from_str(json).unwrap();
    assert_eq!(lookup.venue.as_ref(), Some(venue));
    let bare: limitless_types::MarketVenue = serde_json::from_str(r#"{"slug":"m"}"#).unwrap();
    assert_eq!(bare.venue, None);
    let only_exchange: limitless_types::Venue =
        serde_json::from_str(r#"{"exchange":"0xex"}"#).unwrap();
    assert_eq!(only_exchange.fee_rate_bps(), 300);
}

#[test]
fn essential_fields_still_fail_loudly() {
    // An order's amounts and a book level's price and size are what an
    // operation acts on: garbled, they fail the decode instead of reading
    // as nothing.
    for bad in [
        r#"{"id":"o","makerAmount":"1.5","takerAmount":1}"#,
        r#"{"id":"o","makerAmount":1,"takerAmount":{"v":1}}"#,
        r#"{"id":{"v":1},"makerAmount":1,"takerAmount":1}"#,
    ] {
        assert!(serde_json::from_str::<Order>(bad).is_err(), "{bad}");
    }
    for bad in [
        r#"{"bids":[{"price":"x","size":1}],"asks":[]}"#,
        r#"{"bids":[{"price":0.5,"size":0.5}],"asks":[]}"#,
        r#"{"bids":"none","asks":[]}"#,
    ] {
        assert!(serde_json::from_str::<OrderBook>(bad).is_err(), "{bad}");
    }
    // An envelope is an object, never an array of its fields.
    assert!(serde_json::from_str::<ActiveMarketsPage>("[[],0]").is_err());
}

#[test]
fn market_created_is_tolerant() {
    // The shape the official SDKs type (no capture exists).
    let frame: EventFrame<MarketCreated> = serde_json::from_str(
        r#"["marketCreated",{"slug":"btc-above-100k","title":"BTC above 100k?","type":"CLOB","groupSlug":null,"categoryIds":[2,"7"],"createdAt":"2026-09-01T13:00:00.000Z","extra":{"x":1}}]"#,
    )
    .unwrap();
    assert_eq!(frame.event.as_deref(), Some("marketCreated"));
    let created = frame.payload;
    assert_eq!(created.slug.as_deref(), Some("btc-above-100k"));
    assert_eq!(created.title.as_deref(), Some("BTC above 100k?"));
    assert_eq!(created.kind.as_deref(), Some("CLOB"));
    assert_eq!(created.group_slug, None);
    assert_eq!(created.category_ids, vec![2, 7]);
    assert_eq!(
        created.created_at.as_deref(),
        Some("2026-09-01T13:00:00.000Z")
    );
    assert_eq!(
        decode::<MarketCreated>(r#"{"slug":"m"}"#).slug.as_deref(),
        Some("m")
    );

    // Wrong types never fail it: every field is soft.
    let odd: MarketCreated =
        decode(r#"{"slug":7,"title":{},"type":[],"categoryIds":"x","createdAt":null}"#);
    assert_eq!(odd.slug.as_deref(), Some("7"));
    assert_eq!(odd.title, None);
    assert_eq!(odd.kind, None);
    assert!(odd.category_ids.is_empty());
}
