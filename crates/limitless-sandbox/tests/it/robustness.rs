//! Hostile order amounts and prices: the server always answers with JSON,
//! never drops the connection, and keeps serving its order books.

use limitless_sandbox::SeededMarket;
use limitless_types::{MAX_WIRE_AMOUNT, OrderType, Side};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Fixture, Token, now, raw_order};

/// Amounts around every edge: zero, the wire maximum, 2^53 ± 1, u64::MAX,
/// random u64s, on-step values, and things that are not u64s at all.
fn amount() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(vec![
            0,
            1,
            999,
            1_000,
            MAX_WIRE_AMOUNT / 1_000 * 1_000,
            MAX_WIRE_AMOUNT - 1,
            MAX_WIRE_AMOUNT,
            MAX_WIRE_AMOUNT + 1,
            MAX_WIRE_AMOUNT + 2,
            u64::MAX / 1_000 * 1_000,
            u64::MAX - 1,
            u64::MAX,
        ])
        .prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (0..=u64::MAX / 1_000).prop_map(|steps| Value::from(steps * 1_000)),
        prop::sample::select(vec![
            json!(-1),
            json!(1.5),
            json!(1e20),
            json!(9_007_199_254_740_993.0_f64),
            json!("5000"),
            json!("18446744073709551616"),
            json!(null),
        ]),
    ]
}

/// Prices on and off the grid, out of range, huge, tiny and malformed.
fn price() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        Just(None),
        (0..=1_001_u32).prop_map(|ticks| Some(json!(format!("{ticks}e-3")))),
        (0..=1_001_u32).prop_map(|ticks| Some(json!(f64::from(ticks) / 1000.0))),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| Some(json!(f))),
        prop::sample::select(vec![
            json!(0),
            json!(1),
            json!(-0.5),
            json!(1e300),
            json!(1e-30),
            json!("0.12345678901234567890123456789e0"),
            json!("1e-400"),
            json!(u64::MAX),
            json!("abc"),
        ])
        .prop_map(Some),
    ]
}

/// A limit order whose amounts agree with its price, so it can rest: this
/// is how huge sizes reach the book.
fn consistent() -> impl Strategy<Value = (OrderType, Side, Option<Value>, Value, Value)> {
    (
        prop::sample::select(vec![OrderType::Gtc, OrderType::Fak]),
        any::<bool>(),
        1..=1_000_u64,
        prop_oneof![
            1..=MAX_WIRE_AMOUNT / 1_000,
            Just(MAX_WIRE_AMOUNT / 1_000),
            MAX_WIRE_AMOUNT / 1_000..=u64::MAX / 1_000,
        ],
    )
        .prop_map(|(order_type, buy, ticks, steps)| {
            let (price, shares) = (ticks * 1_000, u128::from(steps) * 1_000);
            let notional = shares * u128::from(price);
            let collateral = if buy {
                notional.div_ceil(1_000_000)
            } else {
                notional / 1_000_000
            };
            let side = if buy { Side::Buy } else { Side::Sell };
            let (maker, taker) = if buy {
                (collateral, shares)
            } else {
                (shares, collateral)
            };
            let number =
                |v: u128| u64::try_from(v).map_or_else(|_| json!(v.to_string()), Value::from);
            (
                order_type,
                side,
                Some(json!(format!("{ticks}e-3"))),
                number(maker),
                number(taker),
            )
        })
}

fn any_order() -> impl Strategy<Value = (OrderType, Side, Option<Value>, Value, Value)> {
    prop_oneof![
        consistent(),
        (
            prop::sample::select(vec![OrderType::Gtc, OrderType::Fak, OrderType::Fok]),
            any::<bool>().prop_map(|buy| if buy { Side::Buy } else { Side::Sell }),
            price(),
            amount(),
            amount(),
        ),
    ]
}

/// Sends one request; fails the case unless the server answered with a
/// JSON body.
async fn answer_is_json(request: reqwest::RequestBuilder) -> Result<(u16, Value), TestCaseError> {
    let response = request
        .send()
        .await
        .map_err(|e| TestCaseError::fail(format!("no answer (connection dropped?): {e}")))?;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = response
        .bytes()
        .await
        .map_err(|e| TestCaseError::fail(format!("body cut short: {e}")))?;
    let body: Value = serde_json::from_slice(&bytes).map_err(|_| {
        TestCaseError::fail(format!(
            "status {status} with a non-JSON body: {}",
            String::from_utf8_lossy(&bytes)
        ))
    })?;
    prop_assert!(
        content_type.starts_with("application/json"),
        "status {} with content-type {:?}",
        status,
        content_type
    );
    Ok((status, body))
}

async fn books_are_readable(fx: &Fixture, markets: &[SeededMarket]) -> Result<(), TestCaseError> {
    for market in markets {
        let path = format!("/markets/{}/orderbook", market.slug);
        let (status, book) = answer_is_json(fx.http.get(fx.url(&path))).await?;
        prop_assert_eq!(status, 200, "{}: {}", path, book);
        let decoded = serde_json::from_value::<limitless_types::OrderBook>(book.clone());
        prop_assert!(decoded.is_ok(), "{}: {:?} {}", path, decoded.err(), book);
    }
    Ok(())
}

#[test]
fn hostile_orders_always_get_a_json_answer_and_books_stay_readable() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (fx, token, owner): (Fixture, Token, i64) = runtime.block_on(async {
        let fx = Fixture::start().await;
        let token = fx.partner_token().await;
        let owner = fx.sub_account(&token, "hostile").await;
        (fx, token, owner)
    });
    // The three venue kinds; the generated markets add nothing here.
    let markets = fx.sandbox.markets()[..3].to_vec();
    let mut runner = TestRunner::new(Config {
        cases: 256,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (prop::sample::select(markets.clone()), any_order());
    let result = runner.run(
        &strategy,
        |(market, (order_type, side, price, maker, taker))| {
            runtime.block_on(async {
                let mut body = raw_order(&market, order_type, side, price, maker, taker, owner);
                if market.venue.is_collateral_fee() {
                    body["order"]["feeRateBps"] = json!(0);
                }
                let request = fx.signed_request(
                    &token.signer,
                    now(),
                    Method::POST,
                    "/orders",
                    Some(&body),
                    &[],
                );
                let (status, reply) = answer_is_json(request).await?;
                prop_assert!(
                    matches!(status, 201 | 400 | 409),
                    "status {} for {}: {}",
                    status,
                    body,
                    reply
                );
                books_are_readable(&fx, &markets).await
            })
        },
    );
    if let Err(failure) = result {
        panic!("{failure}");
    }
    runtime.block_on(fx.sandbox.shutdown());
}
