//! `client.delegated_orders`: create (GTC/FAK/FOK), venue fee lookup and
//! cache, cancels, cancel-replace (409) and batch (207).

use limitless_client::types::orders::{
    CancelOutcome, Order, OrderExecution, OrderMatch, ReplacementOutcome,
};
use limitless_client::{
    CancelReplaceMode, CancelTarget, CreateDelegatedOrderParams, DelegatedCancelReplaceParams,
    Error, Side, StpPolicy,
};
use serde_json::{Value, json};
use wiremock::{Match, Request, ResponseTemplate};

use limitless_auth::{Signer, Timestamp, VerificationRequest, Verifier};

use crate::support::{
    Harness, NOW_MS, QueryIs, TOKEN_ID, api_key_mock, assert_invalid, credentials, hmac_mock,
    market_json, now,
};

const ZERO: &str = "0x0000000000000000000000000000000000000000";

/// Matches the exact body bytes after replacing every `"salt":<digits>`
/// with `"salt":SALT` (salts come from the clock and a process-wide counter)
/// and every generated client order id with `GENERATED` (they are random).
#[derive(Debug)]
struct BodyLike(String);

/// `body` with each generated client order id (`lmts-` and 32 hex digits)
/// replaced by `GENERATED`.
fn mask_generated_ids(body: &str) -> String {
    const KEY: &str = "\"clientOrderId\":\"lmts-";
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.find(KEY) {
        let (head, tail) = rest.split_at(at + KEY.len());
        let hex = tail.bytes().take_while(u8::is_ascii_hexdigit).count();
        if hex == 32 && tail[hex..].starts_with('"') {
            out.push_str(&head[..head.len() - "lmts-".len()]);
            out.push_str("GENERATED");
            rest = &tail[hex..];
        } else {
            out.push_str(head);
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

fn mask_salts(body: &str) -> String {
    let body = mask_generated_ids(body);
    let body = body.as_str();
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.find("\"salt\":") {
        let (head, tail) = rest.split_at(at + "\"salt\":".len());
        out.push_str(head);
        let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
        out.push_str(if digits > 0 { "SALT" } else { "" });
        rest = &tail[digits..];
    }
    out.push_str(rest);
    out
}

impl Match for BodyLike {
    fn matches(&self, request: &Request) -> bool {
        std::str::from_utf8(&request.body).is_ok_and(|body| mask_salts(body) == self.0)
    }
}

/// The inner order of a delegated request, salt masked.
fn order(maker: u64, taker: u64, fee: u32, side: u8, price: Option<&str>) -> String {
    let price = price
        .map(|p| format!(r#","price":{p}"#))
        .unwrap_or_default();
    format!(
        r#"{{"salt":SALT,"maker":"{ZERO}","signer":"{ZERO}","taker":"{ZERO}","tokenId":"123","makerAmount":{maker},"takerAmount":{taker},"expiration":"0","nonce":0,"feeRateBps":{fee},"side":{side},"signatureType":0{price}}}"#
    )
}

fn order_response(id: &str) -> Value {
    json!({
        "order": {
            "id": id, "createdAt": "2026-02-02T02:40:00.200Z", "makerAmount": 500000, "takerAmount": "1000000",
            "expiration": "0", "signatureType": 0, "salt": "1770000000123000", "maker": ZERO, "signer": ZERO,
            "taker": ZERO, "tokenId": "123", "side": 0, "feeRateBps": 300, "nonce": 0, "signature": "0xsig",
            "orderType": "GTC", "price": 0.5, "marketId": 4821
        },
        "makerMatches": [],
        "execution": {
            "matched": false, "settlementStatus": "UNMATCHED", "feeRateBps": 300, "effectiveFeeBps": 0,
            "totalsRaw": {"contractsGross": "0", "contractsFee": "0", "contractsNet": "0", "usdGross": "0", "usdFee": "0", "usdNet": "0"}
        }
    })
}

async fn mount_market(h: &Harness, slug: &str, fee_module_type: Option<&str>, times: u64) {
    hmac_mock("GET", &format!("/markets/{slug}"))
        .respond_with(ResponseTemplate::new(200).set_body_json(market_json(slug, fee_module_type)))
        .expect(times)
        .mount(&h.server)
        .await;
}

async fn mount_order(h: &Harness, body: String, times: u64) {
    hmac_mock("POST", "/orders")
        .and(BodyLike(body))
        .respond_with(ResponseTemplate::new(201).set_body_json(order_response("ord-1")))
        .expect(times)
        .mount(&h.server)
        .await;
}

fn salts(requests: &[Request]) -> Vec<u64> {
    requests
        .iter()
        .filter(|r| r.method == "POST")
        .map(|r| {
            r.body_json::<Value>().unwrap()["order"]["salt"]
                .as_u64()
                .unwrap()
        })
        .collect()
}

#[tokio::test]
async fn gtc_on_a_legacy_venue_matches_the_protocol_body() {
    let h = Harness::hmac().await;
    mount_market(&h, "market", None, 1).await;
    let expected = format!(
        r#"{{"order":{},"orderType":"GTC","marketSlug":"market","ownerId":326,"onBehalfOf":326,"clientOrderId":"GENERATED"}}"#,
        order(500_000, 1_000_000, 300, 0, Some("0.5"))
    );
    mount_order(&h, expected, 1).await;
    let params = CreateDelegatedOrderParams::gtc("market", "123", Side::Buy, 0.5, 1.0, 326);
    let placed = h
        .client
        .delegated_orders
        .create_order(&params)
        .await
        .unwrap();
    // The response types are named at the crate's top level.
    let created: &Order = &placed.order;
    assert_eq!(created.id, "ord-1");
    assert_eq!(created.taker_amount, Some(1_000_000));
    let matches: &[OrderMatch] = &placed.maker_matches;
    assert!(matches.is_empty());
    let execution: OrderExecution = placed.execution.unwrap();
    assert!(!execution.matched);

    let requests = h.requests().await;
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].method, "GET", "the venue is looked up first");
    let salt = salts(&requests)[0];
    assert!(salt >= NOW_MS * 1_000, "salt {salt} is a µs timestamp");
}

#[tokio::test]
async fn collateral_fee_venue_orders_carry_fee_zero() {
    let h = Harness::hmac().await;
    mount_market(&h, "market", Some("COLLATERAL"), 1).await;
    let expected = format!(
        r#"{{"order":{},"orderType":"GTC","marketSlug":"market","ownerId":326,"onBehalfOf":326,"clientOrderId":"GENERATED"}}"#,
        order(500_000, 1_000_000, 0, 0, Some("0.5"))
    );
    mount_order(&h, expected, 2).await;
    let orders = &h.client.delegated_orders;
    orders
        .create_order(&CreateDelegatedOrderParams::gtc(
            "market",
            "123",
            Side::Buy,
            "0.5",
            1,
            326,
        ))
        .await
        .unwrap();
    // A caller's fee is overridden too: the venue requires 0.
    orders
        .create_order(
            &CreateDelegatedOrderParams::gtc("market", "123", Side::Buy, "0.5", 1, 326)
                .fee_rate_bps(150),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn the_venue_is_fetched_once_per_market_and_shared_with_get_market() {
    let h = Harness::hmac().await;
    mount_market(&h, "btc", None, 1).await;
    mount_market(&h, "eth", Some("COLLATERAL"), 1).await;
    hmac_mock("POST", "/orders")
        .respond_with(ResponseTemplate::new(201).set_body_json(order_response("ord-x")))
        .expect(4)
        .mount(&h.server)
        .await;
    let orders = &h.client.delegated_orders;
    for _ in 0..3 {
        orders
            .create_order(&CreateDelegatedOrderParams::gtc(
                "btc",
                "123",
                Side::Buy,
                0.5,
                1,
                326,
            ))
            .await
            .unwrap();
    }
    // get_market fills the cache: the order after it needs no lookup.
    h.client.markets.get_market("eth").await.unwrap();
    orders
        .create_order(&CreateDelegatedOrderParams::fak(
            "eth",
            "123",
            Side::Sell,
            0.5,
            1,
            326,
        ))
        .await
        .unwrap();
    let requests = h.requests().await;
    let fees: Vec<u64> = requests
        .iter()
        .filter(|r| r.method == "POST")
        .map(|r| {
            r.body_json::<Value>().unwrap()["order"]["feeRateBps"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(fees, [300, 300, 300, 0]);
    let salts = salts(&requests);
    assert!(
        salts.windows(2).all(|w| w[0] < w[1]),
        "salts strictly increase: {salts:?}"
    );
}

#[tokio::test]
async fn gtc_post_only_and_custom_fee_and_taker() {
    let h = Harness::hmac().await;
    mount_market(&h, "market", None, 1).await;
    let taker = "0x4e2b1d4a4f7c0b8d9e6a5c3b2a1f0e9d8c7b6a59";
    let inner = order(10_000_000, 5_500_000, 150, 1, Some("0.55")).replace(
        &format!(r#""taker":"{ZERO}""#),
        &format!(r#""taker":"{taker}""#),
    );
    let expected = format!(
        r#"{{"order":{inner},"orderType":"GTC","marketSlug":"market","ownerId":42,"onBehalfOf":42,"postOnly":true,"clientOrderId":"GENERATED"}}"#
    );
    mount_order(&h, expected, 1).await;
    let params = CreateDelegatedOrderParams::gtc("market", "123", Side::Sell, "0.55", "10", 42)
        .post_only(true)
        .fee_rate_bps(150)
        .taker(taker);
    h.client
        .delegated_orders
        .create_order(&params)
        .await
        .unwrap();
}

#[tokio::test]
async fn fak_and_post_only_false_send_no_post_only_key() {
    let h = Harness::hmac().await;
    mount_market(&h, "market", None, 1).await;
    let expected = format!(
        r#"{{"order":{},"orderType":"FAK","marketSlug":"market","ownerId":326,"onBehalfOf":326,"clientOrderId":"GENERATED"}}"#,
        order(470_154, 1_234_000, 300, 0, Some("0.381"))
    );
    mount_order(&h, expected, 1).await;
    let gtc_false = format!(
        r#"{{"order":{},"orderType":"GTC","marketSlug":"market","ownerId":326,"onBehalfOf":326,"clientOrderId":"GENERATED"}}"#,
        order(470_154, 1_234_000, 300, 0, Some("0.381"))
    );
    mount_order(&h, gtc_false, 1).await;
    let orders = &h.client.delegated_orders;
    orders
        .create_order(&CreateDelegatedOrderParams::fak(
            "market",
            "123",
            Side::Buy,
            0.381,
            1.234,
            326,
        ))
        .await
        .unwrap();
    orders
        .create_order(
            &CreateDelegatedOrderParams::gtc("market", "123", Side::Buy, 0.381, 1.234, 326)
                .post_only(false),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn fok_has_no_price_key() {
    let h = Harness::hmac().await;
    mount_market(&h, "market", None, 1).await;
    let expected = format!(
        r#"{{"order":{},"orderType":"FOK","marketSlug":"market","ownerId":326,"onBehalfOf":326,"clientOrderId":"GENERATED"}}"#,
        order(12_345_678, 1, 300, 0, None)
    );
    mount_order(&h, expected, 1).await;
    let params = CreateDelegatedOrderParams::fok("market", "123", Side::Buy, 12.345678, 326);
    h.client
        .delegated_orders
        .create_order(&params)
        .await
        .unwrap();
    let body: Value = h.requests().await[1].body_json().unwrap();
    assert!(body["order"].get("price").is_none());
}

#[tokio::test]
async fn receive_window_uses_the_clock_for_the_timestamp() {
    let h = Harness::hmac().await;
    mount_market(&h, "market", None, 1).await;
    let expected = format!(
        r#"{{"order":{},"orderType":"GTC","marketSlug":"market","ownerId":326,"onBehalfOf":326,"clientOrderId":"GENERATED","timestamp":{NOW_MS},"recvWindow":1500}}"#,
        order(500_000, 1_000_000, 300, 0, Some("0.5"))
    );
    mount_order(&h, expected, 1).await;
    let explicit = format!(
        r#"{{"order":{},"orderType":"GTC","marketSlug":"market","ownerId":326,"onBehalfOf":326,"clientOrderId":"GENERATED","timestamp":1770000000000,"recvWindow":10000}}"#,
        order(500_000, 1_000_000, 300, 0, Some("0.5"))
    );
    mount_order(&h, explicit, 1).await;
    let orders = &h.client.delegated_orders;
    let base = CreateDelegatedOrderParams::gtc("market", "123", Side::Buy, 0.5, 1, 326);
    orders
        .create_order(&base.clone().recv_window(1_500))
        .await
        .unwrap();
    orders
        .create_order(&base.recv_window(10_000).timestamp(1_770_000_000_000))
        .await
        .unwrap();
}

#[tokio::test]
async fn invalid_orders_never_reach_the_network() {
    let h = Harness::hmac().await;
    let orders = &h.client.delegated_orders;
    let cases = [
        (
            CreateDelegatedOrderParams::gtc("m", "123", Side::Buy, 0.3815, 1, 326),
            "nearest valid prices: 0.381 or 0.382",
        ),
        (
            CreateDelegatedOrderParams::gtc("m", "123", Side::Buy, 0.5, 1.2345, 326),
            "size 1.2345",
        ),
        (
            CreateDelegatedOrderParams::gtc("m", "123", Side::Buy, 1.5, 1, 326),
            "price must be greater than 0 and at most 1",
        ),
        (
            CreateDelegatedOrderParams::gtc("m", "123", Side::Buy, 0, 1, 326),
            "price",
        ),
        (
            CreateDelegatedOrderParams::gtc("m", "123", Side::Buy, 0.5, 0, 326),
            "size must be greater than 0",
        ),
        (
            CreateDelegatedOrderParams::gtc("m", "123", Side::Buy, "abc", 1, 326),
            "price: \"abc\" is not a decimal number",
        ),
        (
            CreateDelegatedOrderParams::gtc("m", "0", Side::Buy, 0.5, 1, 326),
            "token_id",
        ),
        (
            CreateDelegatedOrderParams::gtc("m", "12a", Side::Buy, 0.5, 1, 326),
            "token_id",
        ),
        (
            CreateDelegatedOrderParams::gtc("m", "123", Side::Buy, 0.5, 1, 0),
            "on_behalf_of",
        ),
        (
            CreateDelegatedOrderParams::gtc("", "123", Side::Buy, 0.5, 1, 326),
            "market_slug",
        ),
        (
            CreateDelegatedOrderParams::gtc("m", "123", Side::Buy, 0.5, 1, 326).recv_window(0),
            "recv_window must be 1 to 10000",
        ),
        (
            CreateDelegatedOrderParams::gtc("m", "123", Side::Buy, 0.5, 1, 326).recv_window(10_001),
            "recv_window must be 1 to 10000",
        ),
        (
            CreateDelegatedOrderParams::gtc("m", "123", Side::Buy, 0.5, 1, 326).fee_rate_bps(0),
            "fee_rate_bps",
        ),
        (
            CreateDelegatedOrderParams::gtc("m", "123", Side::Buy, 0.5, 1, 326).taker("nope"),
            "taker",
        ),
        (
            CreateDelegatedOrderParams::gtc("m", "123", Side::Buy, 0.05, 1, 326).tick_size(0.1),
            "tick size 0.1",
        ),
        (
            CreateDelegatedOrderParams::fak("m", "123", Side::Buy, 0.5, 1, 326).post_only(true),
            "post_only applies only to GTC",
        ),
        (
            CreateDelegatedOrderParams::fok("m", "123", Side::Buy, 1.0000001, 326),
            "more than 6 decimal places",
        ),
        (
            CreateDelegatedOrderParams::fok("m", "123", Side::Buy, -1, 326),
            "amount must be greater than 0",
        ),
    ];
    for (params, needle) in cases {
        let error = orders.create_order(&params).await.unwrap_err();
        assert_invalid(&error, needle);
    }
    h.assert_no_requests().await;
}

#[tokio::test]
async fn a_coarser_tick_accepts_its_own_grid() {
    let h = Harness::hmac().await;
    mount_market(&h, "market", None, 1).await;
    let expected = format!(
        r#"{{"order":{},"orderType":"GTC","marketSlug":"market","ownerId":326,"onBehalfOf":326,"clientOrderId":"GENERATED"}}"#,
        order(5_000_000, 10_000_000, 300, 0, Some("0.5"))
    );
    mount_order(&h, expected, 1).await;
    let params =
        CreateDelegatedOrderParams::gtc("market", "123", Side::Buy, 0.5, 10, 326).tick_size("0.1");
    h.client
        .delegated_orders
        .create_order(&params)
        .await
        .unwrap();
}

#[tokio::test]
async fn orders_work_with_an_api_key_and_need_some_credential() {
    let h = Harness::api_key().await;
    api_key_mock("GET", "/markets/market")
        .respond_with(ResponseTemplate::new(200).set_body_json(market_json("market", None)))
        .expect(1)
        .mount(&h.server)
        .await;
    api_key_mock("POST", "/orders")
        .respond_with(ResponseTemplate::new(201).set_body_json(order_response("ord-k")))
        .expect(1)
        .mount(&h.server)
        .await;
    let params = CreateDelegatedOrderParams::gtc("market", "123", Side::Buy, 0.5, 1, 326);
    let placed = h
        .client
        .delegated_orders
        .create_order(&params)
        .await
        .unwrap();
    assert_eq!(placed.order.id, "ord-k");

    let h = Harness::anonymous().await;
    let error = h
        .client
        .delegated_orders
        .create_order(&params)
        .await
        .unwrap_err();
    assert!(matches!(
        error,
        Error::AuthenticationRequired {
            operation: "create_order"
        }
    ));
    let error = h.client.delegated_orders.cancel("ord-1").await.unwrap_err();
    assert!(matches!(
        error,
        Error::AuthenticationRequired {
            operation: "cancel"
        }
    ));
    h.assert_no_requests().await;
}

/// The `feeRateBps` of every order the server received, in order.
fn fees(requests: &[Request]) -> Vec<u64> {
    requests
        .iter()
        .filter(|r| r.method == "POST")
        .map(|r| {
            r.body_json::<Value>().unwrap()["order"]["feeRateBps"]
                .as_u64()
                .unwrap()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_orders_on_an_uncached_market_share_one_lookup() {
    const ORDERS: usize = 50;
    let h = Harness::hmac().await;
    // A slow answer: every order is waiting for the venue while it comes.
    hmac_mock("GET", "/markets/btc")
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(market_json("btc", Some("COLLATERAL")))
                .set_delay(std::time::Duration::from_millis(300)),
        )
        .expect(1)
        .mount(&h.server)
        .await;
    hmac_mock("POST", "/orders")
        .respond_with(ResponseTemplate::new(201).set_body_json(order_response("ord-x")))
        .expect(ORDERS as u64)
        .mount(&h.server)
        .await;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..ORDERS {
        let orders = h.client.delegated_orders.clone();
        tasks.spawn(async move {
            let params = CreateDelegatedOrderParams::gtc("btc", "123", Side::Buy, 0.5, 1, 326);
            orders.create_order(&params).await
        });
    }
    while let Some(result) = tasks.join_next().await {
        result.unwrap().unwrap();
    }
    let requests = h.requests().await;
    let lookups = requests.iter().filter(|r| r.method == "GET").count();
    assert_eq!(lookups, 1);
    // Every order used the venue that one lookup found.
    assert_eq!(fees(&requests), vec![0; ORDERS]);
}

#[tokio::test]
async fn a_market_without_a_venue_is_looked_up_again() {
    let h = Harness::hmac().await;
    let mut no_venue = market_json("new", None);
    no_venue["venue"] = Value::Null;
    hmac_mock("GET", "/markets/new")
        .respond_with(ResponseTemplate::new(200).set_body_json(no_venue))
        .up_to_n_times(2)
        .expect(2)
        .mount(&h.server)
        .await;
    // The venue appears later: the third order sees it.
    hmac_mock("GET", "/markets/new")
        .respond_with(
            ResponseTemplate::new(200).set_body_json(market_json("new", Some("COLLATERAL"))),
        )
        .expect(1)
        .mount(&h.server)
        .await;
    hmac_mock("POST", "/orders")
        .respond_with(ResponseTemplate::new(201).set_body_json(order_response("ord-x")))
        .expect(4)
        .mount(&h.server)
        .await;
    let params = CreateDelegatedOrderParams::gtc("new", "123", Side::Buy, 0.5, 1, 326);
    for _ in 0..4 {
        h.client
            .delegated_orders
            .create_order(&params)
            .await
            .unwrap();
    }
    let requests = h.requests().await;
    let lookups = requests.iter().filter(|r| r.method == "GET").count();
    assert_eq!(lookups, 3, "no venue: asked each time until one is there");
    assert_eq!(fees(&requests), [300, 300, 0, 0]);
}

#[tokio::test]
async fn a_fee_rate_mismatch_drops_the_cached_venue() {
    let h = Harness::hmac().await;
    // The market moved to a collateral-fee venue after it was cached.
    hmac_mock("GET", "/markets/btc")
        .respond_with(ResponseTemplate::new(200).set_body_json(market_json("btc", None)))
        .up_to_n_times(1)
        .expect(1)
        .mount(&h.server)
        .await;
    hmac_mock("GET", "/markets/btc")
        .respond_with(
            ResponseTemplate::new(200).set_body_json(market_json("btc", Some("COLLATERAL"))),
        )
        .expect(1)
        .mount(&h.server)
        .await;
    let mismatch = json!({
        "message": "feeRateBps must be 0",
        "error": "Bad Request",
        "statusCode": 400,
        "code": "FEE_RATE_MISMATCH",
    });
    hmac_mock("POST", "/orders")
        .and(BodyLike(format!(
            r#"{{"order":{},"orderType":"GTC","marketSlug":"btc","ownerId":326,"onBehalfOf":326,"clientOrderId":"GENERATED"}}"#,
            order(500_000, 1_000_000, 300, 0, Some("0.5"))
        )))
        .respond_with(ResponseTemplate::new(400).set_body_json(mismatch))
        .expect(1)
        .mount(&h.server)
        .await;
    hmac_mock("POST", "/orders")
        .respond_with(ResponseTemplate::new(201).set_body_json(order_response("ord-x")))
        .expect(1)
        .mount(&h.server)
        .await;
    let params = CreateDelegatedOrderParams::gtc("btc", "123", Side::Buy, 0.5, 1, 326);
    let orders = &h.client.delegated_orders;
    // Refused: the error goes to the caller, and the venue is forgotten.
    let error = orders.create_order(&params).await.unwrap_err();
    assert_eq!(error.status(), Some(http::StatusCode::BAD_REQUEST));
    assert_eq!(error.api_message(), Some("feeRateBps must be 0"));
    // The next order looks the venue up again and carries fee 0.
    orders.create_order(&params).await.unwrap();
    // Another 400 without that code keeps the venue: no third lookup.
    hmac_mock("POST", "/orders")
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"message": "bad"})))
        .expect(1)
        .with_priority(1)
        .mount(&h.server)
        .await;
    orders.create_order(&params).await.unwrap_err();
    let requests = h.requests().await;
    let lookups = requests.iter().filter(|r| r.method == "GET").count();
    assert_eq!(lookups, 2);
    assert_eq!(fees(&requests), [300, 0, 0]);
}

#[tokio::test]
async fn a_failed_venue_lookup_stops_the_order() {
    let h = Harness::hmac().await;
    hmac_mock("GET", "/markets/gone")
        .respond_with(
            ResponseTemplate::new(404).set_body_json(json!({"message": "Market not found"})),
        )
        .expect(1)
        .mount(&h.server)
        .await;
    let params = CreateDelegatedOrderParams::gtc("gone", "123", Side::Buy, 0.5, 1, 326);
    let error = h
        .client
        .delegated_orders
        .create_order(&params)
        .await
        .unwrap_err();
    assert_eq!(error.api_message(), Some("Market not found"));
    assert_eq!(error.as_api_error().unwrap().context.path, "/markets/gone");
    assert_eq!(h.requests().await.len(), 1);
}

#[tokio::test]
async fn cancels() {
    let h = Harness::hmac().await;
    let ok = |message: &str| ResponseTemplate::new(200).set_body_json(json!({"message": message}));
    hmac_mock("DELETE", "/orders/ord%2F1")
        .and(QueryIs::none())
        .respond_with(ok("Order cancelled"))
        .expect(1)
        .mount(&h.server)
        .await;
    hmac_mock("DELETE", "/orders/ord-2")
        .and(QueryIs::some("onBehalfOf=42"))
        .respond_with(ok("Order cancelled for 42"))
        .expect(1)
        .mount(&h.server)
        .await;
    hmac_mock("DELETE", "/orders/all/btc%20market")
        .and(QueryIs::none())
        .respond_with(ok("All orders cancelled"))
        .expect(1)
        .mount(&h.server)
        .await;
    hmac_mock("DELETE", "/orders/all/btc")
        .and(QueryIs::some("onBehalfOf=42"))
        .respond_with(ok("All orders cancelled for 42"))
        .expect(1)
        .mount(&h.server)
        .await;
    let orders = &h.client.delegated_orders;
    assert_eq!(orders.cancel("ord/1").await.unwrap(), "Order cancelled");
    assert_eq!(
        orders.cancel_on_behalf_of("ord-2", 42).await.unwrap(),
        "Order cancelled for 42"
    );
    assert_eq!(
        orders.cancel_all("btc market").await.unwrap().message,
        "All orders cancelled"
    );
    assert_eq!(
        orders
            .cancel_all_on_behalf_of("btc", 42)
            .await
            .unwrap()
            .message,
        "All orders cancelled for 42"
    );

    assert_invalid(
        &orders.cancel(" ").await.unwrap_err(),
        "order_id must not be blank",
    );
    assert_invalid(
        &orders.cancel_on_behalf_of("ord", 0).await.unwrap_err(),
        "on_behalf_of",
    );
    assert_invalid(
        &orders.cancel_all("").await.unwrap_err(),
        "market_slug must not be blank",
    );
    assert_invalid(
        &orders.cancel_all_on_behalf_of("btc", -3).await.unwrap_err(),
        "on_behalf_of",
    );
    assert_eq!(h.requests().await.len(), 4);
}

fn replacement() -> CreateDelegatedOrderParams {
    CreateDelegatedOrderParams::gtc("market", "123", Side::Buy, 0.5, 1, 326)
}

#[tokio::test]
async fn cancel_replace_body_and_conflict_result() {
    let h = Harness::hmac().await;
    mount_market(&h, "market", None, 1).await;
    let expected = format!(
        r#"{{"cancel":{{"orderId":"34bd2f18-aaaa"}},"replacement":{{"order":{},"orderType":"GTC","marketSlug":"market","ownerId":326,"clientOrderId":"replacement-1","timestamp":1770000000000,"recvWindow":1500,"stpPolicy":"cancel_maker"}},"mode":"ALLOW_FAILURE","onBehalfOf":326}}"#,
        order(500_000, 1_000_000, 300, 0, Some("0.5"))
    );
    hmac_mock("POST", "/orders/cancel-replace")
        .and(BodyLike(expected))
        .respond_with(ResponseTemplate::new(409).set_body_json(json!({
            "cancel": {"status": "FAILURE", "error": {"code": "ORDER_NOT_FOUND", "message": "Order not found"}},
            "replacement": {"status": "NOT_ATTEMPTED"}
        })))
        .expect(1)
        .mount(&h.server)
        .await;
    let params = DelegatedCancelReplaceParams::new(
        CancelTarget::OrderId("34bd2f18-aaaa".into()),
        replacement()
            .recv_window(1_500)
            .timestamp(1_770_000_000_000),
    )
    .mode(CancelReplaceMode::AllowFailure)
    .client_order_id("replacement-1")
    .stp_policy(StpPolicy::CancelMaker);
    let result = h
        .client
        .delegated_orders
        .cancel_replace(&params)
        .with_raw()
        .await
        .unwrap();
    assert_eq!(result.raw.status, 409);
    match &result.data.cancel {
        CancelOutcome::Failure { error } => assert_eq!(error.message, "Order not found"),
        other => panic!("unexpected cancel outcome {other:?}"),
    }
    assert_eq!(result.data.replacement, ReplacementOutcome::NotAttempted);
}

#[tokio::test]
async fn cancel_replace_by_client_order_id_with_defaults() {
    let h = Harness::hmac().await;
    mount_market(&h, "market", None, 1).await;
    let expected = format!(
        r#"{{"cancel":{{"clientOrderId":"mine-1"}},"replacement":{{"order":{},"orderType":"GTC","marketSlug":"market","ownerId":326}},"mode":"STOP_ON_FAILURE","onBehalfOf":326}}"#,
        order(500_000, 1_000_000, 300, 0, Some("0.5"))
    );
    hmac_mock("POST", "/orders/cancel-replace")
        .and(BodyLike(expected))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "cancel": {"status": "SUCCESS", "orderId": "ord-0", "clientOrderId": "mine-1"},
            "replacement": {"status": "SUCCESS", "data": order_response("ord-9")}
        })))
        .expect(1)
        .mount(&h.server)
        .await;
    let params = DelegatedCancelReplaceParams::new(
        CancelTarget::ClientOrderId("mine-1".into()),
        replacement(),
    );
    let result = h
        .client
        .delegated_orders
        .cancel_replace(&params)
        .await
        .unwrap();
    assert!(result.cancel.is_success());
    match result.replacement {
        ReplacementOutcome::Success { data } => assert_eq!(data.order.id, "ord-9"),
        other => panic!("unexpected replacement outcome {other:?}"),
    }
}

#[tokio::test]
async fn cancel_replace_errors_other_than_409_are_errors() {
    let h = Harness::hmac().await;
    mount_market(&h, "market", None, 1).await;
    hmac_mock("POST", "/orders/cancel-replace")
        .respond_with(
            ResponseTemplate::new(400).set_body_json(json!({"message": "bad replacement"})),
        )
        .expect(1)
        .mount(&h.server)
        .await;
    let params =
        DelegatedCancelReplaceParams::new(CancelTarget::OrderId("o".into()), replacement());
    let error = h
        .client
        .delegated_orders
        .cancel_replace(&params)
        .await
        .unwrap_err();
    assert_eq!(error.api_message(), Some("bad replacement"));
}

#[tokio::test]
async fn a_409_without_a_result_is_a_known_refusal() {
    let h = Harness::hmac().await;
    mount_market(&h, "market", None, 1).await;
    hmac_mock("POST", "/orders/cancel-replace")
        .respond_with(ResponseTemplate::new(409).set_body_json(json!({"message": "conflict"})))
        .expect(1)
        .mount(&h.server)
        .await;
    let params =
        DelegatedCancelReplaceParams::new(CancelTarget::OrderId("o".into()), replacement());
    let error = h
        .client
        .delegated_orders
        .cancel_replace(&params)
        .await
        .unwrap_err();
    // Not a decode failure with an unknown outcome: the API said no.
    let Error::Api(api) = &error else {
        panic!("expected Error::Api, got {error:?}");
    };
    assert_eq!(api.status, http::StatusCode::CONFLICT);
    assert_eq!(api.message, "conflict");
    assert_eq!(api.body.as_ref(), br#"{"message":"conflict"}"#);
    assert_eq!(api.context.path, "/orders/cancel-replace");
    assert!(!error.is_outcome_unknown());
    assert!(error.sent_orders().is_empty());
}

#[tokio::test]
async fn cancel_replace_batch_accepts_207() {
    let h = Harness::hmac().await;
    mount_market(&h, "market", None, 1).await;
    mount_market(&h, "other", Some("COLLATERAL"), 1).await;
    let first = format!(
        r#"{{"cancel":{{"orderId":"o-1"}},"replacement":{{"order":{},"orderType":"GTC","marketSlug":"market","ownerId":326}},"mode":"STOP_ON_FAILURE","onBehalfOf":326}}"#,
        order(500_000, 1_000_000, 300, 0, Some("0.5"))
    );
    let second = format!(
        r#"{{"cancel":{{"orderId":"o-2"}},"replacement":{{"order":{},"orderType":"FOK","marketSlug":"other","ownerId":327}},"mode":"STOP_ON_FAILURE","onBehalfOf":327}}"#,
        order(2_000_000, 1, 0, 0, None)
    );
    hmac_mock("POST", "/orders/cancel-replace/batch")
        .and(BodyLike(format!(r#"{{"operations":[{first},{second}]}}"#)))
        .respond_with(ResponseTemplate::new(207).set_body_json(json!({
            "results": [
                {"index": 0, "cancel": {"status": "SUCCESS", "orderId": "o-1"}, "replacement": {"status": "SUCCESS", "data": order_response("ord-a")}},
                {"index": 1, "cancel": {"status": "UNKNOWN"}, "replacement": {"status": "FAILURE", "error": {"code": "X", "message": "no liquidity"}}}
            ]
        })))
        .expect(1)
        .mount(&h.server)
        .await;
    let operations = [
        DelegatedCancelReplaceParams::new(CancelTarget::OrderId("o-1".into()), replacement()),
        DelegatedCancelReplaceParams::new(
            CancelTarget::OrderId("o-2".into()),
            CreateDelegatedOrderParams::fok("other", "123", Side::Buy, 2, 327),
        ),
    ];
    let response = h
        .client
        .delegated_orders
        .cancel_replace_batch(&operations)
        .with_raw()
        .await
        .unwrap();
    assert_eq!(response.raw.status, 207);
    assert_eq!(response.data.results.len(), 2);
    assert_eq!(response.data.results[1].index, 1);
    assert!(!response.data.results[1].replacement.is_success());
}

#[tokio::test]
async fn cancel_replace_validation() {
    let h = Harness::hmac().await;
    let orders = &h.client.delegated_orders;
    let error = orders.cancel_replace_batch(&[]).await.unwrap_err();
    assert_invalid(
        &error,
        "a cancel-replace batch holds 1 to 20 operations, got 0",
    );
    let cases = [
        (
            DelegatedCancelReplaceParams::new(CancelTarget::OrderId(" ".into()), replacement()),
            "cancel.order_id",
        ),
        (
            DelegatedCancelReplaceParams::new(
                CancelTarget::ClientOrderId("c".repeat(129)),
                replacement(),
            ),
            "cancel.client_order_id must be at most 128",
        ),
        (
            DelegatedCancelReplaceParams::new(CancelTarget::OrderId("o".into()), replacement())
                .client_order_id("x".repeat(129)),
            "client_order_id must be at most 128",
        ),
        (
            DelegatedCancelReplaceParams::new(
                CancelTarget::OrderId("o".into()),
                CreateDelegatedOrderParams::gtc("market", "123", Side::Buy, 0.5, 1, 0),
            ),
            "on_behalf_of",
        ),
    ];
    for (params, needle) in &cases {
        assert_invalid(&orders.cancel_replace(params).await.unwrap_err(), needle);
    }
    let batch = [
        DelegatedCancelReplaceParams::new(CancelTarget::OrderId("o".into()), replacement()),
        DelegatedCancelReplaceParams::new(CancelTarget::OrderId("".into()), replacement()),
    ];
    assert_invalid(
        &orders.cancel_replace_batch(&batch).await.unwrap_err(),
        "operations[1]: cancel.order_id",
    );
    h.assert_no_requests().await;
}

#[tokio::test]
async fn a_signed_order_request_is_built_without_sending_the_order() {
    let h = Harness::hmac().await;
    mount_market(&h, "market", None, 1).await;
    let params = CreateDelegatedOrderParams::gtc("market", "123", Side::Buy, 0.5, 1.0, 326);
    let build = |params: &CreateDelegatedOrderParams| {
        h.client
            .delegated_orders
            .create_order(params)
            .signed_request_at(now())
    };

    // The venue decides the fee: the market is read once, the order never sent.
    let built = build(&params).await.unwrap();
    let requests = h.requests().await;
    assert_eq!(
        requests.len(),
        1,
        "building sends nothing but the market read"
    );
    assert_eq!(requests[0].url.path(), "/markets/market");
    assert_eq!(built.operation, "create_order");
    assert!(!built.idempotent);
    let request = &built.request;
    // The order it carries, for reconciliation: the salt in the body.
    assert_eq!(built.orders[0].market_slug, "market");
    assert_eq!(
        Some(built.orders[0].salt),
        serde_json::from_slice::<Value>(request.body()).unwrap()["order"]["salt"].as_u64()
    );

    assert_eq!(request.method(), "POST");
    assert_eq!(
        request.uri().to_string(),
        format!("{}/orders", h.server.uri())
    );
    let headers = request.headers();
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(headers["lmts-api-key"], TOKEN_ID);
    assert_eq!(
        headers["lmts-timestamp"],
        Timestamp::from_system_time(now()).unwrap().as_str()
    );
    assert!(headers["lmts-signature"].is_sensitive());
    let body = std::str::from_utf8(request.body()).unwrap();
    assert_eq!(
        mask_salts(body),
        format!(
            r#"{{"order":{},"orderType":"GTC","marketSlug":"market","ownerId":326,"onBehalfOf":326,"clientOrderId":"GENERATED"}}"#,
            order(500_000, 1_000_000, 300, 0, Some("0.5"))
        )
    );
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let verified = Verifier::default().verify(
        &VerificationRequest {
            api_key: header("lmts-api-key"),
            timestamp: header("lmts-timestamp"),
            signature: header("lmts-signature"),
            method: "POST",
            path_and_query: "/orders",
            body: request.body(),
        },
        &|id: &str| (id == TOKEN_ID).then(|| Signer::new(&credentials()).unwrap()),
        now(),
    );
    assert_eq!(verified.as_deref(), Ok(TOKEN_ID));

    // Each build takes a fresh salt, as each create_order does.
    let again = build(&params).await.unwrap();
    assert!(again.orders[0].salt > built.orders[0].salt);

    // A salt you fix is the one used, every time.
    let fixed = params.clone().salt(42);
    for _ in 0..2 {
        let built = build(&fixed).await.unwrap();
        assert_eq!(built.orders[0].salt, 42);
        let body = serde_json::from_slice::<Value>(built.request.body()).unwrap();
        assert_eq!(body["order"]["salt"], 42);
    }
}

#[tokio::test]
async fn a_fixed_salt_is_sent_as_is_and_named_when_the_outcome_is_unknown() {
    let h = Harness::hmac().await;
    mount_market(&h, "btc", None, 1).await;
    // The first send gets no usable answer; the second is placed.
    hmac_mock("POST", "/orders")
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .expect(1)
        .mount(&h.server)
        .await;
    hmac_mock("POST", "/orders")
        .respond_with(ResponseTemplate::new(201).set_body_json(order_response("ord-1")))
        .expect(1)
        .mount(&h.server)
        .await;
    let salt = 9_007_199_254_740_991; // 2^53 - 1, the largest allowed
    // Salt and client order id both fixed: the same bytes can go again.
    let params = CreateDelegatedOrderParams::gtc("btc", "123", Side::Buy, 0.5, 1, 326)
        .salt(salt)
        .client_order_id("fixed-1");
    let error = h
        .client
        .delegated_orders
        .create_order(&params)
        .await
        .unwrap_err();
    assert!(error.is_outcome_unknown(), "{error:?}");
    assert_eq!(error.sent_orders().len(), 1);
    assert_eq!(error.sent_orders()[0].salt, salt);
    assert_eq!(error.sent_orders()[0].market_slug, "btc");
    // Checked and absent: the very same order goes again.
    h.client
        .delegated_orders
        .create_order(&params)
        .await
        .unwrap();
    let bodies: Vec<Vec<u8>> = h
        .requests()
        .await
        .into_iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.body)
        .collect();
    assert_eq!(bodies.len(), 2);
    assert_eq!(bodies[0], bodies[1], "byte for byte the same order");
    assert_eq!(
        serde_json::from_slice::<Value>(&bodies[0]).unwrap()["order"]["salt"],
        salt
    );
}

#[tokio::test]
async fn salts_out_of_range_are_refused_before_io() {
    let h = Harness::hmac().await;
    for salt in [0, 9_007_199_254_740_992, u64::MAX] {
        let params =
            CreateDelegatedOrderParams::gtc("btc", "123", Side::Buy, 0.5, 1, 326).salt(salt);
        let error = h
            .client
            .delegated_orders
            .create_order(&params)
            .await
            .unwrap_err();
        assert_invalid(&error, "salt must be 1 to 9007199254740991");
        assert!(error.sent_orders().is_empty());
        assert!(!error.is_outcome_unknown());
    }
    h.assert_no_requests().await;
}
