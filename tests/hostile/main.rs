//! Hostile responses through the client.
//!
//! * `parse_api_error_message` over arbitrary bytes and arbitrary JSON
//!   never panics and always returns a message.
//! * Through `Client` with a scripted `MockTransport`: a 2xx body that does
//!   not decode is `Error::Decode` carrying the exact bytes received (inside
//!   `Error::OutcomeUnknown` for an order, which may have been placed), and
//!   decodes exactly when `serde_json` alone would; a non-2xx body, however
//!   broken, is an API error carrying the exact bytes, the status and the
//!   parsed message.
//!
//! The same decoders are fuzzed by the cargo-fuzz targets in `fuzz/`.
//!
//! Each other cargo-fuzz target runs here too, as a bounded, fixed-seed
//! property test: socket frames and events (`ws`), the sandbox's router
//! (`sandbox_router`), the HMAC verifier's headers (`verifier`) and the
//! command line's prices, sizes and amounts (`amounts`).

mod amounts;
mod sandbox_router;
mod support;
mod verifier;
mod ws;

use std::fmt::Debug;
use std::future::Future;

use limitless_client::http::StatusCode;
use limitless_client::test_util::MockTransport;
use limitless_client::types::api_tokens::ApiToken;
use limitless_client::types::markets::{Market, OrderBook};
use limitless_client::types::orders::OrderResponse;
use limitless_client::{
    Client, CreateDelegatedOrderParams, Error, HmacCredentials, Side, parse_api_error_message,
};
use proptest::prelude::*;
use proptest::sample::{Index, select};
use serde::de::DeserializeOwned;

// ---------------------------------------------------------------------------
// Strategies.

/// Every status `http` accepts.
fn any_status() -> impl Strategy<Value = StatusCode> {
    (100_u16..=999).prop_map(|code| StatusCode::from_u16(code).expect("100..=999 is valid"))
}

/// Statuses the client treats as success.
fn success_status() -> impl Strategy<Value = StatusCode> {
    select(vec![
        StatusCode::OK,
        StatusCode::CREATED,
        StatusCode::MULTI_STATUS,
    ])
}

/// Statuses the client treats as failure.
fn failure_status() -> impl Strategy<Value = StatusCode> {
    (300_u16..=599).prop_map(|code| StatusCode::from_u16(code).expect("300..=599 is valid"))
}

fn number_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>()
            .prop_filter_map("finite", serde_json::Number::from_f64)
            .prop_map(|n| n.to_string()),
        "-?(0|[1-9][0-9]{0,30})(\\.[0-9]{1,20})?([eE][+-]?[0-9]{1,3})?",
        select(vec!["1e309", "-0", "18446744073709551616"]).prop_map(str::to_owned),
    ]
}

/// String contents: arbitrary, blank, and what error bodies carry.
fn string_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<String>(),
        1 => "[ \t\r\n]{0,3}",
        1 => number_text(),
        1 => select(vec!["Bad Request", "price must be a multiple of 0.001", "null", "{}"]).prop_map(str::to_owned),
    ]
}

/// JSON text. Objects mostly use the keys the message rules look at.
fn json_text() -> impl Strategy<Value = String> {
    let quoted = |s: String| serde_json::to_string(&s).expect("strings encode");
    let leaf = prop_oneof![
        Just("null".to_owned()),
        any::<bool>().prop_map(|b| b.to_string()),
        number_text(),
        string_text().prop_map(quoted),
    ];
    let key = prop_oneof![
        3 => select(vec!["message", "error", "msg", "errors", "code", "statusCode", "field", "reason"]).prop_map(str::to_owned),
        1 => any::<String>(),
    ]
    .prop_map(quoted);
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6)
                .prop_map(|items| format!("[{}]", items.join(","))),
            prop::collection::vec((key.clone(), inner), 0..6).prop_map(|entries| {
                let entries: Vec<String> = entries
                    .into_iter()
                    .map(|(k, v)| format!("{k}:{v}"))
                    .collect();
                format!("{{{}}}", entries.join(","))
            }),
        ]
    })
}

/// Bodies a broken or hostile server might send: arbitrary bytes, JSON of
/// any shape, and cuts and byte edits of a valid payload (the full payload
/// included).
fn body(valid: &'static str) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..256),
        json_text().prop_map(String::into_bytes),
        any::<Index>().prop_map(move |cut| {
            let bytes = valid.as_bytes();
            bytes[..cut.index(bytes.len() + 1)].to_vec()
        }),
        (any::<Index>(), any::<u8>()).prop_map(move |(at, byte)| {
            let mut bytes = valid.as_bytes().to_vec();
            let at = at.index(bytes.len());
            bytes[at] = byte;
            bytes
        }),
    ]
}

/// 256 cases per property (`PROPTEST_CASES` raises it for a deeper run);
/// no regression files written into the source tree.
fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------
// Harness.

const TOKENS: &str = r#"[{"tokenId":"tok_1","label":"bot","scopes":["trading"],"createdAt":"2026-01-01T00:00:00.000Z","lastUsedAt":null}]"#;
const MARKET: &str = r#"{"id":4821,"slug":"btc","title":"BTC?","tokens":{"yes":"123","no":"456"},"prices":[0.55,0.45],"venue":{"exchange":"0xa4409D988CA2218d956BeEFD3874100F444f0DC3"}}"#;
const ORDER_BOOK: &str = r#"{"bids":[{"price":0.55,"size":"100","side":"BUY"}],"asks":[{"price":"0.56","size":3.5,"side":"SELL"}],"tokenId":"123","adjustedMidpoint":0.555,"maxSpread":"0.05","minSize":"10","lastTradePrice":null}"#;
const ORDER: &str = r#"{"order":{"id":"o-1","makerAmount":"500000","takerAmount":1000000,"tokenId":"123","side":0,"price":0.5,"orderType":"GTC"},"makerMatches":[]}"#;

/// One client call under test.
#[derive(Debug, Clone, Copy)]
enum Call {
    ListTokens,
    GetMarket,
    GetOrderBook,
    CreateOrder,
}

impl Call {
    const ALL: [Self; 4] = [
        Self::ListTokens,
        Self::GetMarket,
        Self::GetOrderBook,
        Self::CreateOrder,
    ];

    /// Whether the API may have acted on a request whose answer is lost.
    fn places_an_order(self) -> bool {
        matches!(self, Self::CreateOrder)
    }

    /// Scripts `status` and `body` as the answer to this call (after the
    /// market lookup an order needs) and makes the call. Returns the call's
    /// result with its value as `Debug` text, and the mock.
    fn run(self, status: StatusCode, body: &[u8]) -> (Result<String, Error>, MockTransport) {
        let mock = MockTransport::new();
        if let Self::CreateOrder = self {
            mock.push_response(200, [("content-type", "application/json")], MARKET);
        }
        mock.push_response(
            status.as_u16(),
            [("content-type", "application/json")],
            body.to_vec(),
        );
        let client = client(&mock);
        let result = block_on(async {
            match self {
                Self::ListTokens => debug(client.api_tokens.list_tokens().await),
                Self::GetMarket => debug(client.markets.get_market("btc").await),
                Self::GetOrderBook => debug(client.markets.get_order_book("btc").await),
                Self::CreateOrder => {
                    let order =
                        CreateDelegatedOrderParams::gtc("btc", "123", Side::Buy, "0.5", "10", 326);
                    debug(client.delegated_orders.create_order(&order).await)
                }
            }
        });
        (result, mock)
    }

    /// What `serde_json` alone makes of `body` as this call's response type.
    fn decode_alone(self, body: &[u8]) -> Result<String, serde_json::Error> {
        match self {
            Self::ListTokens => decode_debug::<Vec<ApiToken>>(body),
            Self::GetMarket => decode_debug::<Market>(body),
            Self::GetOrderBook => decode_debug::<OrderBook>(body),
            Self::CreateOrder => decode_debug::<OrderResponse>(body),
        }
    }
}

fn debug<T: Debug>(result: Result<T, Error>) -> Result<String, Error> {
    result.map(|value| format!("{value:?}"))
}

fn decode_debug<T: DeserializeOwned + Debug>(body: &[u8]) -> Result<String, serde_json::Error> {
    serde_json::from_slice::<T>(body).map(|value| format!("{value:?}"))
}

/// A client with HMAC credentials, no retries and no skew correction, so
/// each scripted answer is used exactly once; no rate limiter, whose
/// documented 300 ms between calls would only make thousands of cases slow.
fn client(mock: &MockTransport) -> Client {
    let http = Client::builder()
        .transport(mock.clone())
        .hmac_credentials(HmacCredentials {
            token_id: "tok_hostile".to_owned(),
            // base64 of "hostile-test-secret"
            secret: "aG9zdGlsZS10ZXN0LXNlY3JldA==".to_owned(),
        })
        .no_retries()
        .no_rate_limit()
        .clock_skew_correction(false)
        .build()
        .expect("a valid configuration");
    Client::from_http_client(http).expect("a configured HTTP client")
}

fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(future)
}

/// The `Error::Decode` inside `error`: the error itself for a read, the
/// source of `Error::OutcomeUnknown` for an order.
fn decode_error(call: Call, error: &Error) -> (&[u8], StatusCode) {
    let inner = match error {
        Error::OutcomeUnknown {
            source,
            orders,
            context,
        } if call.places_an_order() => {
            assert_eq!(context.operation, "create_order");
            assert_eq!(orders.len(), 1, "the order to reconcile is named");
            assert_eq!(orders[0].market_slug, "btc");
            source.as_ref()
        }
        other => other,
    };
    match inner {
        Error::Decode(decode) => (&decode.body, decode.status),
        other => panic!("{call:?}: expected a decode error, got {other:?}"),
    }
}

/// Runs `check` on every call; a proptest body calls it once per case.
fn for_each_call(
    mut check: impl FnMut(Call) -> Result<(), TestCaseError>,
) -> Result<(), TestCaseError> {
    Call::ALL.into_iter().try_for_each(&mut check)
}

// ---------------------------------------------------------------------------
// parse_api_error_message.

proptest! {
    #![proptest_config(config())]

    #[test]
    fn error_messages_from_arbitrary_bytes_are_never_empty(
        status in any_status(),
        body in prop::collection::vec(any::<u8>(), 0..512),
    ) {
        let message = parse_api_error_message(status, &body);
        prop_assert!(!message.is_empty(), "status {} body {:?}", status, String::from_utf8_lossy(&body));
        if serde_json::from_slice::<serde_json::Value>(&body).is_err() {
            // Not JSON: the trimmed text, or the status when blank.
            let text = String::from_utf8_lossy(&body);
            let expected = match text.trim() {
                "" => format!("Request failed with status {}", status.as_u16()),
                trimmed => trimmed.to_owned(),
            };
            prop_assert_eq!(message, expected);
        }
    }

    #[test]
    fn error_messages_from_arbitrary_json_are_never_empty(
        status in any_status(),
        body in json_text(),
        padding in "[ \t\r\n]{0,2}",
    ) {
        let body = format!("{padding}{body}{padding}");
        let message = parse_api_error_message(status, body.as_bytes());
        prop_assert!(!message.is_empty(), "status {} body {}", status, body);
        // A `message` string with text in it wins over every other rule.
        if let Ok(serde_json::Value::Object(map)) = serde_json::from_str(&body)
            && let Some(serde_json::Value::String(text)) = map.get("message")
            && !text.trim().is_empty()
        {
            prop_assert_eq!(&message, text);
        }
    }

    #[test]
    fn error_messages_from_error_shaped_objects_are_never_empty(
        status in any_status(),
        message in prop::option::of(string_text()),
        error in prop::option::of(string_text()),
        msg in prop::option::of(string_text()),
    ) {
        let mut object = serde_json::Map::new();
        for (key, value) in [("message", message), ("error", error), ("msg", msg)] {
            if let Some(value) = value {
                object.insert(key.to_owned(), value.into());
            }
        }
        let body = serde_json::Value::Object(object).to_string();
        let parsed = parse_api_error_message(status, body.as_bytes());
        prop_assert!(!parsed.is_empty(), "status {} body {}", status, body);
    }
}

// ---------------------------------------------------------------------------
// Through the client.

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_success_body_that_does_not_decode_keeps_its_bytes(
        status in success_status(),
        tokens in body(TOKENS),
        market in body(MARKET),
        book in body(ORDER_BOOK),
        order in body(ORDER),
    ) {
        for (call, bytes) in Call::ALL.into_iter().zip([tokens, market, book, order]) {
            let (result, mock) = call.run(status, &bytes);
            prop_assert_eq!(mock.remaining(), 0);
            match (call.decode_alone(&bytes), result) {
                (Ok(expected), Ok(value)) => prop_assert_eq!(value, expected),
                (Err(_), Err(error)) => {
                    let (body, got_status) = decode_error(call, &error);
                    prop_assert_eq!(body, &bytes[..], "{:?}", call);
                    prop_assert_eq!(got_status, status);
                }
                (expected, got) => {
                    return Err(TestCaseError::fail(format!(
                        "{call:?} with {:?}: serde_json gives {expected:?}, the client {got:?}",
                        String::from_utf8_lossy(&bytes)
                    )));
                }
            }
        }
    }

    #[test]
    fn a_failure_body_is_kept_whatever_it_holds(
        status in failure_status(),
        bytes in prop_oneof![prop::collection::vec(any::<u8>(), 0..256), json_text().prop_map(String::into_bytes)],
    ) {
        for_each_call(|call| {
            let (result, mock) = call.run(status, &bytes);
            prop_assert_eq!(mock.remaining(), 0);
            let error = result.expect_err("a failure status is an error");
            let api = error
                .as_api_error()
                .unwrap_or_else(|| panic!("{call:?} {status}: not an API error: {error:?}"));
            prop_assert_eq!(&api.body[..], &bytes[..]);
            prop_assert_eq!(api.status, status);
            // The message is the parsed one, cut to a bounded excerpt.
            let full = parse_api_error_message(status, &bytes);
            if full.len() <= limitless_client::BODY_EXCERPT_BYTES {
                prop_assert_eq!(&api.message, &full);
            } else {
                let (kept, rest) = api.message.split_once('…').expect("marked as cut");
                prop_assert!(full.starts_with(kept));
                prop_assert_eq!(rest, format!(" ({} bytes in all)", full.len()));
            }
            let too_early = status.as_u16() == 425;
            // An order carries a generated client order id, so a 409 to it
            // names that id: the original was accepted.
            let duplicate = call.places_an_order() && status == StatusCode::CONFLICT;
            let variant_fits = match &error {
                Error::RateLimited { .. } => status == StatusCode::TOO_MANY_REQUESTS,
                Error::TooEarly { .. } => too_early,
                Error::DuplicateClientOrderId { .. } => duplicate,
                // A refusal whose body names a maintenance mode.
                Error::Maintenance { .. } => !status.is_success(),
                Error::OutcomeUnknown { .. } => call.places_an_order() && status.is_server_error(),
                Error::Api(_) => {
                    let has_its_own_kind = status == StatusCode::TOO_MANY_REQUESTS
                        || too_early
                        || duplicate
                        || (call.places_an_order() && status.is_server_error());
                    !has_its_own_kind
                }
                _ => false,
            };
            prop_assert!(variant_fits, "{:?} {}: {:?}", call, status, error);
            Ok(())
        })?;
    }
}

// ---------------------------------------------------------------------------
// Fixed cases.

#[test]
fn malformed_success_bodies_are_decode_errors_with_the_exact_bytes() {
    let cases: [(Call, &[u8]); 8] = [
        (Call::ListTokens, b"[{\"tokenId\":\"t\""),
        (Call::ListTokens, b"{\"tokens\":[]}"),
        (Call::GetMarket, b"<html>502 Bad Gateway</html>"),
        (
            Call::GetMarket,
            b"{\"id\":\"not a number\",\"slug\":\"btc\"}",
        ),
        (
            Call::GetOrderBook,
            b"{\"bids\":[{\"price\":1e309,\"size\":1}]}",
        ),
        (Call::GetOrderBook, b"\xff\xfe\x00{}"),
        (Call::CreateOrder, b""),
        // Garbled amounts (absent ones are tolerated; wrong ones are not).
        (
            Call::CreateOrder,
            b"{\"order\":{\"id\":\"o\",\"makerAmount\":\"abc\"}}",
        ),
    ];
    for (call, bytes) in cases {
        let (result, mock) = call.run(StatusCode::OK, bytes);
        assert_eq!(mock.remaining(), 0);
        let error = result.expect_err("a malformed body is an error");
        let (body, status) = decode_error(call, &error);
        assert_eq!(body, bytes, "{call:?}");
        assert_eq!(status, StatusCode::OK);
        assert!(error.may_have_been_sent());
        assert!(!error.is_retryable(), "{call:?}: {error:?}");
    }
}

#[test]
fn a_malformed_market_during_an_order_is_a_decode_error_and_nothing_is_posted() {
    let mock = MockTransport::new();
    mock.push_response(200, [("content-type", "text/html")], "<h1>maintenance</h1>");
    let client = client(&mock);
    let order = CreateDelegatedOrderParams::gtc("btc", "123", Side::Buy, "0.5", "10", 326);
    let error = block_on(async { client.delegated_orders.create_order(&order).await })
        .expect_err("the fee lookup failed");
    match &error {
        Error::Decode(decode) => {
            assert_eq!(&decode.body[..], b"<h1>maintenance</h1>");
            assert_eq!(decode.status, StatusCode::OK);
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    let requests = mock.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "GET");
    assert_eq!(requests[0].path_and_query(), "/markets/btc");
}

#[test]
fn garbage_error_bodies_are_api_errors_with_the_exact_bytes() {
    let cases: [(u16, &[u8], &str); 5] = [
        (400, b"\x00\x01garbage\xff", "\u{0}\u{1}garbage\u{fffd}"),
        (404, b"   ", "Request failed with status 404"),
        (
            422,
            b"{\"message\":[{\"field\":\"price\"},7]",
            "{\"message\":[{\"field\":\"price\"},7]",
        ),
        (503, b"{\"message\":\"down\"}", "down"),
        (418, b"[1,2", "[1,2"),
    ];
    for call in [Call::ListTokens, Call::GetOrderBook] {
        for (status, bytes, message) in cases {
            let status = StatusCode::from_u16(status).unwrap();
            let (result, _) = call.run(status, bytes);
            let error = result.expect_err("a failure status is an error");
            let Error::Api(api) = &error else {
                panic!("{call:?} {status}: expected Error::Api, got {error:?}");
            };
            assert_eq!(&api.body[..], bytes);
            assert_eq!(api.status, status);
            assert_eq!(api.message, message);
        }
    }
}

/// The inputs the fuzzer and the properties above found: an empty string
/// where the message is read from. The API's TypeScript and Python SDKs skip
/// empty strings (PROTOCOL §4.1); a message must never be empty.
#[test]
fn empty_message_strings_still_give_a_message() {
    for body in [
        r#""""#,
        r#"{"message":""}"#,
        r#"{"error":""}"#,
        r#"{"msg":""}"#,
        r#"{"message":"","error":"","msg":""}"#,
    ] {
        let message = parse_api_error_message(StatusCode::BAD_REQUEST, body.as_bytes());
        assert!(!message.is_empty(), "body {body}");
    }
}
