//! Decoding the two largest routine responses: a page of 100 orders
//! (`GET /markets/{slug}/user-orders`) and an order book with 500 price
//! levels (`GET /markets/{slug}/orderbook`).
//!
//! Each is measured against two floors on the same bytes:
//! - `scan`: `serde_json` walking the document into `IgnoredAny`, building
//!   nothing: the least any decoder can do;
//! - `plain`: a twin struct with plain `#[derive(Deserialize)]`, the same
//!   Rust types where plain serde can read the JSON as sent, and none of
//!   the SDK's lenient handling (numbers or strings, `null` lists, exact
//!   decimals from floats).
//!
//! Budget: the SDK's tolerant decoding (soft non-essential fields, exact
//! decimals, micro-share sizes, the user-orders envelope) should cost at
//! most 1.25× the plain twin on both documents.
//!
//! On a busy machine criterion's means wander by more than the differences
//! being judged. `DECODE_MIN=1` runs the three decoders of each document
//! instead as interleaved batches and reports the fastest batch of each and
//! their ratios: other processes only ever slow a batch down, so the
//! minimum is the stable figure.
//!
//! ```text
//! cargo bench -p limitless-types --bench decode
//! DECODE_MIN=1 cargo bench -p limitless-types --bench decode
//! ```

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use limitless_types::{MicroShares, OrderBook, Side, UserOrders};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::IgnoredAny;

/// A page of `count` orders as the API sends them: amounts and salts as JSON
/// numbers, prices as strings, a few optional fields `null`.
fn user_orders_json(count: usize) -> String {
    let mut json = String::from("[");
    for i in 0..count {
        if i > 0 {
            json.push(',');
        }
        let price = 100 + (i % 800);
        write!(
            json,
            r#"{{"id":"7f1c2a4e-0b6d-4c1e-9a53-{i:012}","createdAt":"2026-03-23T12:34:56.{ms:03}Z","#,
            ms = i % 1000
        )
        .unwrap();
        write!(
            json,
            r#""makerAmount":{maker},"takerAmount":{taker},"expiration":"0","signatureType":0,"salt":{salt},"#,
            maker = 470_000 + i * 13,
            taker = 1_000_000 + i * 1000,
            salt = 1_795_000_000_000_000_u64 + i as u64
        )
        .unwrap();
        json.push_str(r#""maker":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","signer":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","#);
        json.push_str(r#""taker":"0x0000000000000000000000000000000000000000","#);
        json.push_str(r#""tokenId":"19633204485790857949828516737993423758628930235371629943999544859571820520010","#);
        write!(
            json,
            r#""side":{side},"feeRateBps":300,"nonce":0,"signature":"0x{sig}","orderType":"GTC","price":"0.{price:03}","#,
            side = i % 2,
            sig = "ab".repeat(65)
        )
        .unwrap();
        write!(
            json,
            r#""marketId":4821,"status":"LIVE","filledSize":{filled}}}"#,
            filled = if i % 3 == 0 {
                "null".to_owned()
            } else {
                format!("\"{}.5\"", i % 7)
            }
        )
        .unwrap();
    }
    json.push(']');
    json
}

/// An order book with `levels` price levels, half bids and half asks, with
/// prices and sizes as JSON numbers (sizes in micro-shares, as the API
/// sends them).
fn order_book_json(levels: usize) -> String {
    let side = |json: &mut String, name: &str, base: usize, down: bool| {
        write!(json, r#""{name}":["#).unwrap();
        for i in 0..levels / 2 {
            if i > 0 {
                json.push(',');
            }
            let tick = if down { base - i } else { base + i };
            write!(
                json,
                r#"{{"price":0.{tick:03},"size":{}{}00000,"side":"{}"}}"#,
                100 + i * 37,
                i % 10,
                if down { "BUY" } else { "SELL" }
            )
            .unwrap();
        }
        json.push(']');
    };
    let mut json = String::from("{");
    side(&mut json, "bids", 499, true);
    json.push(',');
    side(&mut json, "asks", 500, false);
    json.push_str(r#","tokenId":"19633204485790857949828516737993423758628930235371629943999544859571820520010","adjustedMidpoint":0.4995,"maxSpread":"0.03","minSize":"100","lastTradePrice":0.5}"#);
    json
}

/// `Order` without the SDK's tolerant field handling: the same Rust types,
/// each read by its own plain `Deserialize`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct PlainUserOrder {
    id: String,
    created_at: Option<String>,
    maker_amount: Option<u64>,
    taker_amount: Option<u64>,
    expiration: Option<String>,
    signature_type: Option<u8>,
    salt: Option<u64>,
    maker: Option<String>,
    signer: Option<String>,
    taker: Option<String>,
    token_id: String,
    side: Option<Side>,
    fee_rate_bps: Option<u32>,
    nonce: Option<u64>,
    signature: Option<String>,
    order_type: Option<String>,
    price: Option<Decimal>,
    market_id: Option<i64>,
    status: Option<String>,
    filled_size: Option<String>,
}

/// `OrderBook` without the SDK's lenient field handling (`rust_decimal`'s
/// own `Deserialize` reads the float prices).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct PlainOrderBook {
    bids: Vec<PlainLevel>,
    asks: Vec<PlainLevel>,
    token_id: String,
    adjusted_midpoint: Option<Decimal>,
    max_spread: Option<Decimal>,
    min_size: Option<Decimal>,
    last_trade_price: Option<Decimal>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct PlainLevel {
    price: Decimal,
    size: u64,
    side: String,
}

fn decode(c: &mut Criterion) {
    let orders = user_orders_json(100);
    let book = order_book_json(500);

    // The fixtures decode, and to what they say.
    let decoded: UserOrders = serde_json::from_str(&orders).unwrap();
    assert_eq!(decoded.orders.len(), 100);
    assert_eq!(decoded.orders[42].price, Some(Decimal::new(142, 3)));
    let decoded: OrderBook = serde_json::from_str(&book).unwrap();
    assert_eq!(decoded.bids.len() + decoded.asks.len(), 500);
    assert_eq!(decoded.asks[0].price, Decimal::new(500, 3));
    assert_eq!(decoded.bids[1].size, MicroShares::from_micro(137_100_000));
    let plain: PlainOrderBook = serde_json::from_str(&book).unwrap();
    assert_eq!(plain.asks[0].price, decoded.asks[0].price);

    let mut group = c.benchmark_group("decode_user_orders");
    group.throughput(Throughput::Bytes(orders.len() as u64));
    group.bench_with_input(BenchmarkId::new("scan", 100), &orders, |b, json| {
        b.iter(|| serde_json::from_str::<IgnoredAny>(black_box(json)).unwrap())
    });
    group.bench_with_input(BenchmarkId::new("plain", 100), &orders, |b, json| {
        b.iter(|| serde_json::from_str::<Vec<PlainUserOrder>>(black_box(json)).unwrap())
    });
    group.bench_with_input(BenchmarkId::new("sdk", 100), &orders, |b, json| {
        b.iter(|| serde_json::from_str::<UserOrders>(black_box(json)).unwrap())
    });
    group.finish();

    let mut group = c.benchmark_group("decode_order_book");
    group.throughput(Throughput::Bytes(book.len() as u64));
    group.bench_with_input(BenchmarkId::new("scan", 500), &book, |b, json| {
        b.iter(|| serde_json::from_str::<IgnoredAny>(black_box(json)).unwrap())
    });
    group.bench_with_input(BenchmarkId::new("plain", 500), &book, |b, json| {
        b.iter(|| serde_json::from_str::<PlainOrderBook>(black_box(json)).unwrap())
    });
    group.bench_with_input(BenchmarkId::new("sdk", 500), &book, |b, json| {
        b.iter(|| serde_json::from_str::<OrderBook>(black_box(json)).unwrap())
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = decode
}

/// Most the SDK decoder may cost, relative to the plain twin.
const BUDGET: f64 = 1.25;

/// Interleaved batches of the three decoders of one document; the fastest
/// batch of each, per decode.
fn interleaved_minimum() {
    fn fastest(decoders: [&dyn Fn(); 3]) -> [Duration; 3] {
        const ROUNDS: usize = 100;
        const PER_BATCH: u32 = 20;
        let mut best = [Duration::MAX; 3];
        for _ in 0..ROUNDS {
            for (decode, best) in decoders.iter().zip(&mut best) {
                let started = Instant::now();
                for _ in 0..PER_BATCH {
                    decode();
                }
                *best = (*best).min(started.elapsed() / PER_BATCH);
            }
        }
        best
    }
    fn report(label: &str, [scan, plain, sdk]: [Duration; 3]) {
        let micros = |d: Duration| d.as_secs_f64() * 1e6;
        println!(
            "{label:<20} scan {:>8.2} µs  plain {:>8.2} µs  sdk {:>8.2} µs  \
             sdk/plain {:.3}x  sdk/scan {:.2}x",
            micros(scan),
            micros(plain),
            micros(sdk),
            sdk.as_secs_f64() / plain.as_secs_f64(),
            sdk.as_secs_f64() / scan.as_secs_f64(),
        );
        // Reported, never asserted: a figure from a shared machine.
        let ratio = sdk.as_secs_f64() / plain.as_secs_f64();
        if ratio > BUDGET {
            println!("{label:<20} over the {BUDGET}x budget of tolerant decoding");
        }
    }

    let orders = user_orders_json(100);
    report(
        "decode_user_orders",
        fastest([
            &|| {
                black_box(serde_json::from_str::<IgnoredAny>(black_box(&orders)).unwrap());
            },
            &|| {
                black_box(serde_json::from_str::<Vec<PlainUserOrder>>(black_box(&orders)).unwrap());
            },
            &|| {
                black_box(serde_json::from_str::<UserOrders>(black_box(&orders)).unwrap());
            },
        ]),
    );
    let book = order_book_json(500);
    report(
        "decode_order_book",
        fastest([
            &|| {
                black_box(serde_json::from_str::<IgnoredAny>(black_box(&book)).unwrap());
            },
            &|| {
                black_box(serde_json::from_str::<PlainOrderBook>(black_box(&book)).unwrap());
            },
            &|| {
                black_box(serde_json::from_str::<OrderBook>(black_box(&book)).unwrap());
            },
        ]),
    );
}

fn main() {
    if std::env::var_os("DECODE_MIN").is_some() {
        interleaved_minimum();
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
