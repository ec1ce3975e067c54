//! Every validation rule of delegated orders and cancel-replaces, as one
//! table: what is wrong, the field the error blames and what its message
//! says. Each row is built as an operation with `ops::orders` (at the
//! harness's fixed time), and the rows that need no clock go through
//! `client.delegated_orders` too, failing the same way with no I/O.

use limitless_client::{
    CancelTarget, Client, CreateDelegatedOrderParams, Decimal, DelegatedCancelReplaceParams, Error,
    FixedClock, FokOrder, LimitOrder, OrderType, Side, ops,
};
use limitless_transport::test_util::MockTransport;
use serde_json::{Value, json};

use crate::support::{NOW_MS, assert_no_secrets, credentials, market_json, now};

/// 2^53, one more than the largest salt or nonce.
const TWO_POW_53: u64 = 9_007_199_254_740_992;
/// The second before `NOW_MS` (1_770_000_000_123).
const PAST: u64 = 1_769_999_999;
/// The current second: not in the future either.
const THIS_SECOND: u64 = 1_770_000_000;

/// A valid GTC order to vary.
fn gtc() -> CreateDelegatedOrderParams {
    CreateDelegatedOrderParams::gtc("btc", "123", Side::Buy, "0.5", "10", 326)
}

fn replace(replacement: CreateDelegatedOrderParams) -> DelegatedCancelReplaceParams {
    DelegatedCancelReplaceParams::new(CancelTarget::OrderId("ord-1".into()), replacement)
}

/// What a row checks.
#[derive(Debug)]
enum Input {
    Order(CreateDelegatedOrderParams),
    Replace(DelegatedCancelReplaceParams),
    Batch(Vec<DelegatedCancelReplaceParams>),
}

/// The rule is checked when the request is built at a time, not before:
/// through the service that is after the market's venue is read.
const AT_BUILD: bool = true;
const UP_FRONT: bool = false;

struct Case {
    what: &'static str,
    input: Input,
    field: &'static str,
    message: &'static str,
    when: bool,
}

fn order(
    what: &'static str,
    params: CreateDelegatedOrderParams,
    field: &'static str,
    message: &'static str,
) -> Case {
    Case {
        what,
        input: Input::Order(params),
        field,
        message,
        when: UP_FRONT,
    }
}

fn cancel_replace(
    what: &'static str,
    params: DelegatedCancelReplaceParams,
    field: &'static str,
    message: &'static str,
) -> Case {
    Case {
        what,
        input: Input::Replace(params),
        field,
        message,
        when: UP_FRONT,
    }
}

fn batch(
    what: &'static str,
    operations: Vec<DelegatedCancelReplaceParams>,
    field: &'static str,
    message: &'static str,
) -> Case {
    Case {
        what,
        input: Input::Batch(operations),
        field,
        message,
        when: UP_FRONT,
    }
}

impl Case {
    fn at_build(mut self) -> Self {
        self.when = AT_BUILD;
        self
    }
}

fn cases() -> Vec<Case> {
    let valid = || replace(gtc());
    vec![
        // --- the order's identity
        order(
            "blank market slug",
            CreateDelegatedOrderParams::gtc(" \t", "123", Side::Buy, "0.5", "10", 326),
            "market_slug",
            "market_slug must not be blank; pass the market's slug",
        ),
        order(
            "token id 0",
            CreateDelegatedOrderParams::gtc("btc", "0", Side::Buy, "0.5", "10", 326),
            "token_id",
            "token_id: must not be zero; use the market's `tokens.yes` or `tokens.no`",
        ),
        order(
            "token id abc",
            CreateDelegatedOrderParams::gtc("btc", "abc", Side::Buy, "0.5", "10", 326),
            "token_id",
            r#"token_id: expected the decimal digits of a position token id (see the market's `tokens`), got "abc""#,
        ),
        order(
            "on_behalf_of 0",
            CreateDelegatedOrderParams::gtc("btc", "123", Side::Buy, "0.5", "10", 0),
            "on_behalf_of",
            "on_behalf_of: must be a positive profile id, got 0",
        ),
        order(
            "on_behalf_of negative",
            CreateDelegatedOrderParams::gtc("btc", "123", Side::Buy, "0.5", "10", -7),
            "on_behalf_of",
            "on_behalf_of: must be a positive profile id, got -7",
        ),
        order(
            "the first rule broken is reported: blank slug before bad token id",
            CreateDelegatedOrderParams::gtc("", "abc", Side::Buy, "0.5", "10", 0),
            "market_slug",
            "market_slug must not be blank",
        ),
        order(
            "taker is no address",
            gtc().taker("0x12"),
            "taker",
            "taker: expected an address, 0x followed by 40 hex characters, but it has 2 hex characters after 0x",
        ),
        order(
            "taker without 0x",
            gtc().taker("4e2b1d4a4f7c0b8d9e6a5c3b2a1f0e9d8c7b6a59"),
            "taker",
            "taker: expected an address, 0x followed by 40 hex characters, but it does not start with 0x",
        ),
        // --- fee, salt, nonce, receive window
        order(
            "fee_rate_bps 0",
            gtc().fee_rate_bps(0),
            "fee_rate_bps",
            "fee_rate_bps must be 1 to 10000, got 0; leave it unset for the default 300",
        ),
        order(
            "fee_rate_bps 10001",
            gtc().fee_rate_bps(10_001),
            "fee_rate_bps",
            "fee_rate_bps must be 1 to 10000, got 10001",
        ),
        order(
            "salt 0",
            gtc().salt(0),
            "salt",
            "salt must be 1 to 9007199254740991 (2^53 - 1, the largest integer a JSON number carries exactly), got 0; leave it unset for a fresh one",
        ),
        order(
            "salt 2^53",
            gtc().salt(TWO_POW_53),
            "salt",
            "salt must be 1 to 9007199254740991 (2^53 - 1, the largest integer a JSON number carries exactly), got 9007199254740992",
        ),
        order(
            "nonce 2^53",
            gtc().nonce(TWO_POW_53),
            "nonce",
            "nonce must be 0 to 9007199254740991 (2^53 - 1, the largest integer a JSON number carries exactly), got 9007199254740992",
        ),
        order(
            "recv_window 0",
            gtc().recv_window(0),
            "recv_window",
            "recv_window must be 1 to 10000 milliseconds, got 0",
        ),
        order(
            "recv_window 10001",
            gtc().recv_window(10_001),
            "recv_window",
            "recv_window must be 1 to 10000 milliseconds, got 10001",
        ),
        order(
            "timestamp without a receive window",
            gtc().timestamp(5),
            "timestamp",
            "timestamp is sent only with a receive window",
        ),
        // --- amounts
        order(
            "price off the tick names both nearest prices",
            CreateDelegatedOrderParams::gtc("btc", "123", Side::Buy, 0.3815, 1, 326),
            "price",
            "order: price 0.3815 is not a multiple of the tick size 0.001; nearest valid prices: 0.381 or 0.382",
        ),
        order(
            "price off a coarser tick",
            CreateDelegatedOrderParams::gtc("btc", "123", Side::Buy, "0.55", 1, 326).tick_size("0.1"),
            "price",
            "order: price 0.55 is not a multiple of the tick size 0.1; nearest valid prices: 0.5 or 0.6",
        ),
        order(
            "price 0",
            CreateDelegatedOrderParams::gtc("btc", "123", Side::Buy, 0, 1, 326),
            "price",
            "order: price must be greater than 0 and at most 1, got 0",
        ),
        order(
            "price above 1",
            CreateDelegatedOrderParams::gtc("btc", "123", Side::Buy, "1.001", 1, 326),
            "price",
            "order: price must be greater than 0 and at most 1, got 1.001",
        ),
        order(
            "negative price",
            CreateDelegatedOrderParams::gtc("btc", "123", Side::Sell, -0.5, 1, 326),
            "price",
            "order: price must be greater than 0 and at most 1, got -0.5",
        ),
        order(
            "NaN price",
            CreateDelegatedOrderParams::gtc("btc", "123", Side::Buy, f64::NAN, 1, 326),
            "price",
            "price: NaN is not a finite number",
        ),
        order(
            "price that is no number",
            CreateDelegatedOrderParams::gtc("btc", "123", Side::Buy, "abc", 1, 326),
            "price",
            r#"price: "abc" is not a decimal number"#,
        ),
        order(
            "infinite size",
            CreateDelegatedOrderParams::gtc("btc", "123", Side::Buy, 0.5, f64::INFINITY, 326),
            "size",
            "size: inf is not a finite number",
        ),
        order(
            "size off the share step",
            CreateDelegatedOrderParams::gtc("btc", "123", Side::Buy, 0.5, 1.2345, 326),
            "size",
            "order: size 1.2345 is not a multiple of 0.001 shares; nearest valid sizes: 1.234 or 1.235",
        ),
        order(
            "size 0",
            CreateDelegatedOrderParams::gtc("btc", "123", Side::Buy, 0.5, 0, 326),
            "size",
            "order: size must be greater than 0, got 0",
        ),
        order(
            "tick size that does not divide 1 into millionths",
            gtc().tick_size("0.3"),
            "tick_size",
            "order: tick size 0.3 is invalid",
        ),
        order(
            "FOK amount with 7 decimals",
            CreateDelegatedOrderParams::fok("btc", "123", Side::Buy, "1.0000001", 326),
            "amount",
            "order: amount 1.0000001 has more than 6 decimal places; nearest valid values: 1 or 1.000001",
        ),
        order(
            "FOK amount 0",
            CreateDelegatedOrderParams::fok("btc", "123", Side::Buy, 0, 326),
            "amount",
            "order: amount must be greater than 0, got 0",
        ),
        order(
            "a LimitOrder with order type FOK",
            LimitOrder {
                order_type: OrderType::Fok,
                market_slug: "btc".into(),
                token_id: "123".into(),
                side: Side::Buy,
                price: Decimal::new(5, 1),
                size: Decimal::from(10),
                on_behalf_of: 326,
            }
            .into(),
            "order_type",
            "a limit order is GTC or FAK; describe a fill-or-kill order with FokOrder or CreateDelegatedOrderParams::fok",
        ),
        // --- post only
        order(
            "post_only on FAK",
            CreateDelegatedOrderParams::fak("btc", "123", Side::Buy, 0.5, 1, 326).post_only(true),
            "post_only",
            "post_only applies only to GTC orders, not FAK; remove post_only(true)",
        ),
        order(
            "post_only on FOK",
            CreateDelegatedOrderParams::fok("btc", "123", Side::Buy, 5, 326).post_only(true),
            "post_only",
            "post_only applies only to GTC orders, not FOK; remove post_only(true)",
        ),
        // --- expiration, against the time the order is built at
        order(
            "expiration in the past",
            gtc().expiration(PAST),
            "expiration",
            "expiration 1769999999 (Unix seconds) is not in the future (now is 1770000000); use a later time, or 0 for none",
        )
        .at_build(),
        order(
            "expiration in the current second",
            gtc().expiration(THIS_SECOND),
            "expiration",
            "expiration 1770000000 (Unix seconds) is not in the future",
        )
        .at_build(),
        // --- cancel-replace
        cancel_replace(
            "blank cancel order id",
            DelegatedCancelReplaceParams::new(CancelTarget::OrderId("  ".into()), gtc()),
            "cancel.order_id",
            "cancel.order_id must not be blank; pass the id of the order to cancel",
        ),
        cancel_replace(
            "blank cancel client order id",
            DelegatedCancelReplaceParams::new(CancelTarget::ClientOrderId(String::new()), gtc()),
            "cancel.client_order_id",
            "cancel.client_order_id must not be blank; pass the client order id of the order to cancel",
        ),
        cancel_replace(
            "cancel client order id of 129 characters",
            DelegatedCancelReplaceParams::new(CancelTarget::ClientOrderId("c".repeat(129)), gtc()),
            "cancel.client_order_id",
            "cancel.client_order_id must be at most 128 characters, got 129",
        ),
        cancel_replace(
            "client order id of 129 characters",
            valid().client_order_id("x".repeat(129)),
            "client_order_id",
            "client_order_id must be at most 128 characters, got 129",
        ),
        cancel_replace(
            "client order id of 129 multibyte characters",
            valid().client_order_id("é".repeat(129)),
            "client_order_id",
            "client_order_id must be at most 128 characters, got 129",
        ),
        cancel_replace(
            "blank client order id",
            valid().client_order_id(" "),
            "client_order_id",
            "client_order_id must not be blank; pass an id, or leave client_order_id unset",
        ),
        cancel_replace(
            "invalid replacement",
            replace(CreateDelegatedOrderParams::gtc("btc", "123", Side::Buy, 0.3815, 1, 326)),
            "replacement.price",
            "replacement: order: price 0.3815 is not a multiple of the tick size 0.001",
        ),
        cancel_replace(
            "replacement expired",
            replace(gtc().expiration(PAST)),
            "replacement.expiration",
            "replacement: expiration 1769999999 (Unix seconds) is not in the future",
        )
        .at_build(),
        // --- batches
        batch(
            "empty batch",
            Vec::new(),
            "operations",
            "a cancel-replace batch holds 1 to 20 operations, got 0",
        ),
        batch(
            "batch of 21",
            vec![valid(); 21],
            "operations",
            "a cancel-replace batch holds 1 to 20 operations, got 21",
        ),
        batch(
            "blank cancel id in the second operation",
            vec![valid(), DelegatedCancelReplaceParams::new(CancelTarget::OrderId(String::new()), gtc())],
            "operations[1].cancel.order_id",
            "operations[1]: cancel.order_id must not be blank",
        ),
        batch(
            "invalid replacement in the second operation",
            vec![valid(), replace(CreateDelegatedOrderParams::gtc("btc", "0", Side::Buy, 0.5, 1, 326))],
            "operations[1].replacement.token_id",
            "operations[1]: replacement: token_id: must not be zero",
        ),
        batch(
            "expired replacement in the second operation",
            vec![valid(), replace(gtc().expiration(PAST))],
            "operations[1].replacement.expiration",
            "operations[1]: replacement: expiration 1769999999 (Unix seconds) is not in the future",
        )
        .at_build(),
    ]
}

/// Builds the row's operation at the harness's time, on a legacy venue.
fn build(input: &Input) -> Result<(), Error> {
    match input {
        Input::Order(params) => ops::orders::create_order(params, Some(false), now()).map(drop),
        Input::Replace(params) => ops::orders::cancel_replace(params, Some(false), now()).map(drop),
        Input::Batch(operations) => {
            ops::orders::cancel_replace_batch(operations, &|_| Some(false), now()).map(drop)
        }
    }
}

/// Sends the row through `client.delegated_orders`.
async fn send(client: &Client, input: &Input) -> Result<(), Error> {
    let orders = &client.delegated_orders;
    match input {
        Input::Order(params) => orders.create_order(params).await.map(drop),
        Input::Replace(params) => orders.cancel_replace(params).await.map(drop),
        Input::Batch(operations) => orders.cancel_replace_batch(operations).await.map(drop),
    }
}

#[track_caller]
fn assert_refused(what: &str, result: Result<(), Error>, field: &str, needle: &str) -> Error {
    let error = match result {
        Ok(()) => panic!("{what}: accepted, expected a refusal of {field}"),
        Err(error) => error,
    };
    match &error {
        Error::InvalidInput { message, .. } => assert!(
            message.contains(needle),
            "{what}: message {message:?} lacks {needle:?}"
        ),
        other => panic!("{what}: expected InvalidInput, got {other:?}"),
    }
    assert_eq!(error.field(), Some(field), "{what}: field()");
    assert!(
        error.to_string().starts_with("invalid input: "),
        "{what}: {error}"
    );
    assert!(!error.is_outcome_unknown(), "{what}");
    assert!(error.sent_orders().is_empty(), "{what}");
    assert_no_secrets(&error);
    error
}

#[test]
fn every_rule_is_a_row() {
    let cases = cases();
    assert_eq!(cases.len(), 47, "update when adding rows");
    for case in &cases {
        assert_refused(case.what, build(&case.input), case.field, case.message);
    }
}

fn client(mock: &MockTransport) -> Client {
    Client::builder()
        .base_url("https://api.limitless.exchange")
        .hmac_credentials(credentials())
        .transport(mock.clone())
        .clock(FixedClock::from_unix_millis(NOW_MS))
        .no_retries()
        .build_client()
        .expect("the test client builds")
}

#[tokio::test]
async fn the_service_refuses_the_same_rows_with_no_io() {
    let mock = MockTransport::new();
    let client = client(&mock);
    let mut checked = 0;
    for case in cases().iter().filter(|case| case.when == UP_FRONT) {
        let built = build(&case.input).expect_err(case.what);
        let sent = assert_refused(
            case.what,
            send(&client, &case.input).await,
            case.field,
            case.message,
        );
        assert_eq!(
            sent.to_string(),
            built.to_string(),
            "{}: same error",
            case.what
        );
        assert_eq!(sent.field(), built.field(), "{}: same field", case.what);
        checked += 1;
    }
    assert_eq!(checked, 43);
    let requests: Vec<String> = mock
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path_and_query()))
        .collect();
    assert_eq!(requests, Vec::<String>::new(), "nothing was sent");
}

/// The expiration is checked against the client's clock when the call is
/// made, before anything is sent: not even the market's venue is read.
#[tokio::test]
async fn an_expired_order_through_the_service_is_refused_before_any_io() {
    let mock = MockTransport::new();
    mock.push_json(200, &market_json("btc", None));
    let client = client(&mock);
    let result = client
        .delegated_orders
        .create_order(&gtc().expiration(PAST))
        .await
        .map(drop);
    assert_refused(
        "expired order",
        result,
        "expiration",
        "expiration 1769999999 (Unix seconds) is not in the future (now is 1770000000)",
    );
    let requests: Vec<String> = mock
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path_and_query()))
        .collect();
    assert!(requests.is_empty(), "nothing is sent: {requests:?}");
}

/// The body of `params` built on a legacy venue at the harness's time.
fn body(what: &str, input: &Input) -> String {
    let body = match input {
        Input::Order(params) => ops::orders::create_order(params, Some(false), now())
            .map(|operation| operation.body().cloned()),
        Input::Replace(params) => ops::orders::cancel_replace(params, Some(false), now())
            .map(|operation| operation.body().cloned()),
        Input::Batch(operations) => {
            ops::orders::cancel_replace_batch(operations, &|_| Some(false), now())
                .map(|operation| operation.body().cloned())
        }
    };
    let body = body
        .unwrap_or_else(|error| panic!("{what}: refused: {error}"))
        .unwrap_or_else(|| panic!("{what}: no body"));
    String::from_utf8(body.to_vec()).expect("a JSON body is UTF-8")
}

#[test]
fn the_limits_themselves_are_accepted() {
    let max = TWO_POW_53 - 1;
    let cases: Vec<(&str, Input, String)> = vec![
        (
            "client order id of 128 characters",
            Input::Replace(replace(gtc()).client_order_id("x".repeat(128))),
            format!(r#""clientOrderId":"{}""#, "x".repeat(128)),
        ),
        (
            "client order id of 128 multibyte characters (256 bytes)",
            Input::Replace(replace(gtc()).client_order_id("é".repeat(128))),
            format!(r#""clientOrderId":"{}""#, "é".repeat(128)),
        ),
        (
            "cancel client order id of 128 multibyte characters",
            Input::Replace(DelegatedCancelReplaceParams::new(
                CancelTarget::ClientOrderId("é".repeat(128)),
                gtc(),
            )),
            format!(r#""cancel":{{"clientOrderId":"{}"}}"#, "é".repeat(128)),
        ),
        (
            "fee_rate_bps 10000",
            Input::Order(gtc().fee_rate_bps(10_000)),
            r#""feeRateBps":10000,"#.to_owned(),
        ),
        (
            "fee_rate_bps 1",
            Input::Order(gtc().fee_rate_bps(1)),
            r#""feeRateBps":1,"#.to_owned(),
        ),
        (
            "salt 1",
            Input::Order(gtc().salt(1)),
            r#"{"order":{"salt":1,"#.to_owned(),
        ),
        (
            "salt 2^53 - 1",
            Input::Order(gtc().salt(max)),
            format!(r#"{{"order":{{"salt":{max},"#),
        ),
        (
            "nonce 2^53 - 1",
            Input::Order(gtc().nonce(max)),
            format!(r#""nonce":{max},"#),
        ),
        (
            "recv_window 1",
            Input::Order(gtc().recv_window(1)),
            format!(r#""timestamp":{NOW_MS},"recvWindow":1}}"#),
        ),
        (
            "recv_window 10000",
            Input::Order(gtc().recv_window(10_000)),
            format!(r#""timestamp":{NOW_MS},"recvWindow":10000}}"#),
        ),
        (
            "price 1",
            Input::Order(CreateDelegatedOrderParams::gtc(
                "btc",
                "123",
                Side::Buy,
                1,
                1,
                326,
            )),
            r#""price":1},"#.to_owned(),
        ),
        (
            "price one tick",
            Input::Order(CreateDelegatedOrderParams::gtc(
                "btc",
                "123",
                Side::Buy,
                0.001,
                1,
                326,
            )),
            r#""makerAmount":1000,"takerAmount":1000000,"#.to_owned(),
        ),
        (
            "FOK amount with 6 decimals",
            Input::Order(CreateDelegatedOrderParams::fok(
                "btc",
                "123",
                Side::Buy,
                "1.000001",
                326,
            )),
            r#""makerAmount":1000001,"takerAmount":1,"#.to_owned(),
        ),
        (
            "expiration one second ahead",
            Input::Order(gtc().expiration(THIS_SECOND + 1)),
            r#""expiration":"1770000001","#.to_owned(),
        ),
        (
            "expiration 0 means none",
            Input::Order(gtc().expiration(0)),
            r#""expiration":"0","#.to_owned(),
        ),
        (
            "post_only on GTC",
            Input::Order(gtc().post_only(true)),
            r#""onBehalfOf":326,"postOnly":true,"clientOrderId":"lmts-"#.to_owned(),
        ),
        (
            "batch of 20",
            Input::Batch(vec![replace(gtc()); 20]),
            r#"{"operations":[{"cancel":{"orderId":"ord-1"},"#.to_owned(),
        ),
    ];
    assert_eq!(cases.len(), 17);
    for (what, input, fragment) in &cases {
        let body = body(what, input);
        assert!(
            body.contains(fragment.as_str()),
            "{what}: {body} lacks {fragment}"
        );
    }
}

#[test]
fn named_fields_and_positional_builders_send_the_same_bytes() {
    let decorate = |params: CreateDelegatedOrderParams| {
        params
            .salt(42)
            .expiration(1_770_003_600)
            .nonce(7)
            .client_order_id("same-1")
    };
    let pairs: [(&str, CreateDelegatedOrderParams, CreateDelegatedOrderParams); 3] = [
        (
            "GTC",
            LimitOrder {
                order_type: OrderType::Gtc,
                market_slug: "btc".into(),
                token_id: "123".into(),
                side: Side::Sell,
                price: Decimal::new(55, 2),
                size: Decimal::from(10),
                on_behalf_of: 326,
            }
            .into(),
            CreateDelegatedOrderParams::gtc("btc", "123", Side::Sell, 0.55, 10, 326),
        ),
        (
            "FAK",
            LimitOrder {
                order_type: OrderType::Fak,
                market_slug: "btc".into(),
                token_id: "123".into(),
                side: Side::Buy,
                price: Decimal::new(381, 3),
                size: Decimal::new(1234, 3),
                on_behalf_of: 326,
            }
            .into(),
            CreateDelegatedOrderParams::fak("btc", "123", Side::Buy, "0.381", "1.234", 326),
        ),
        (
            "FOK",
            FokOrder {
                market_slug: "btc".into(),
                token_id: "123".into(),
                side: Side::Buy,
                amount: Decimal::new(12_345_678, 6),
                on_behalf_of: 326,
            }
            .into(),
            CreateDelegatedOrderParams::fok("btc", "123", Side::Buy, 12.345678, 326),
        ),
    ];
    let zero = "0x0000000000000000000000000000000000000000";
    let expected = [
        format!(
            r#"{{"order":{{"salt":42,"maker":"{zero}","signer":"{zero}","taker":"{zero}","tokenId":"123","makerAmount":10000000,"takerAmount":5500000,"expiration":"1770003600","nonce":7,"feeRateBps":300,"side":1,"signatureType":0,"price":0.55}},"orderType":"GTC","marketSlug":"btc","ownerId":326,"onBehalfOf":326,"clientOrderId":"same-1"}}"#
        ),
        format!(
            r#"{{"order":{{"salt":42,"maker":"{zero}","signer":"{zero}","taker":"{zero}","tokenId":"123","makerAmount":470154,"takerAmount":1234000,"expiration":"1770003600","nonce":7,"feeRateBps":300,"side":0,"signatureType":0,"price":0.381}},"orderType":"FAK","marketSlug":"btc","ownerId":326,"onBehalfOf":326,"clientOrderId":"same-1"}}"#
        ),
        format!(
            r#"{{"order":{{"salt":42,"maker":"{zero}","signer":"{zero}","taker":"{zero}","tokenId":"123","makerAmount":12345678,"takerAmount":1,"expiration":"1770003600","nonce":7,"feeRateBps":300,"side":0,"signatureType":0}},"orderType":"FOK","marketSlug":"btc","ownerId":326,"onBehalfOf":326,"clientOrderId":"same-1"}}"#
        ),
    ];
    for ((what, named, positional), expected) in pairs.into_iter().zip(expected) {
        assert_eq!(named, positional.clone(), "{what}: the same params");
        let named = body(what, &Input::Order(decorate(named)));
        let positional = body(what, &Input::Order(decorate(positional)));
        assert_eq!(named, positional, "{what}: byte-identical bodies");
        assert_eq!(named, expected, "{what}: the body");
        // Expiration is a decimal string, the nonce a number.
        let value: Value = serde_json::from_str(&named).expect("a JSON body");
        assert_eq!(value["order"]["expiration"], json!("1770003600"), "{what}");
        assert_eq!(value["order"]["nonce"], json!(7), "{what}");
    }
}
