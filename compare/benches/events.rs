//! Decoding a socket event: `limitless-ws` against the official Rust SDK
//! 1.3.0, on the same whole text frames, in one run.
//!
//! - `orderbookUpdate`, 50 levels a side (prices on the 0.001 grid, sizes
//!   in micro-shares: the frame of `crates/limitless-ws/benches/decode.rs`,
//!   built by the same code);
//! - `orderEvent`, a settlement fill (`MATCHED`, the captured settlement
//!   event's fields): the type the official SDK decodes into a struct
//!   (its `OrderEvent` turns `MINED` and the other lifecycle types into a
//!   fieldless `Unknown`).
//!
//! Sides:
//!
//! - `limitless-ws`: `Event::from_frame`, the frame parse and the typed
//!   event, as the stream client's reader runs it for every frame.
//! - `official`: the SDK's decode of an incoming frame is private, so
//!   [`official_decode`] mirrors it step by step with the SDK's public
//!   types: the Engine.IO `4` and Socket.IO `2` type characters; the ack-id
//!   digits and the `/markets,` namespace prefix (formatted per frame, as
//!   it does); the event array parsed as `Vec<serde_json::Value>`; the
//!   name copied out; the payload cloned out of the array; that clone
//!   cloned again for the one registered handler; `serde_json::from_value`
//!   into the typed event. Only the handler table's lock and lookup are
//!   left out.
//! - `official_no_copies`: the same parse without the two payload clones
//!   (the array's element 1 taken by value): what the SDK's
//!   `Value`-then-type design costs by itself.
//!
//! Both sides must decode both frames, to the same levels and the same
//! order id, before anything is timed.
//!
//! ```text
//! cd compare && cargo bench --bench events
//! ```

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

// The frame builder of limitless-ws' own decode bench.
#[path = "../../crates/limitless-ws/benches/frames/mod.rs"]
mod frames;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use limitless_exchange_rust_sdk as official;
use limitless_ws::Event;
use serde::de::DeserializeOwned;
use serde_json::Value;

const NAMESPACE: &str = "/markets";
const ORDER_ID: &str = "550e8400-e29b-41d4-a716-446655440000";

/// A settlement fill estimate, `orderEvent` type `MATCHED`.
const ORDER_EVENT_FRAME: &str = r#"42/markets,["orderEvent",{"source":"SETTLEMENT","type":"MATCHED","eventId":"settlement:1b3a:550e8400","tradeEventId":"1b3a","orderId":"550e8400-e29b-41d4-a716-446655440000","clientOrderId":"c-1","takerOrderId":"550e8400-e29b-41d4-a716-446655440000","marketSlug":"btc-up-or-down-daily-p-1791308105925","tokenId":"70247938366373245371875476852050312741984939645649004595595165572008042615343","side":"BUY","price":"0.47","amountContracts":"25","amountCollateral":"11.75","feeAmountContracts":"0.75","configuredFeeRateBps":300,"effectiveFeeBps":300,"isEstimate":true,"timestamp":"2026-04-20T10:15:40.000Z","matchedAt":"2026-04-20T10:15:40.000Z"}]"#;

/// The official SDK's path from a text frame to a typed event, mirrored
/// step by step (see the module documentation). `None` where it would log
/// and drop the frame.
fn official_decode<T: DeserializeOwned>(frame: &str) -> Option<T> {
    let packet = frame.strip_prefix('4')?.strip_prefix('2')?;
    let packet = packet.trim_start_matches(|c: char| c.is_ascii_digit());
    let data = packet
        .strip_prefix(&format!("{NAMESPACE},"))
        .unwrap_or(packet);
    let values: Vec<Value> = serde_json::from_str(data).ok()?;
    let name = values.first()?.as_str()?.to_owned();
    black_box(name);
    let payload = values.get(1).cloned().unwrap_or(Value::Null);
    let for_handler = payload.clone();
    serde_json::from_value(for_handler).ok()
}

/// [`official_decode`] without the payload's two clones.
fn official_no_copies<T: DeserializeOwned>(frame: &str) -> Option<T> {
    let data = frame.strip_prefix("42/markets,")?;
    let values: Vec<Value> = serde_json::from_str(data).ok()?;
    let payload = values.into_iter().nth(1)?;
    serde_json::from_value(payload).ok()
}

/// Both sides decode `book` to 50 bids and 50 asks with the same best
/// prices, and the order event to the same order id.
fn check(book: &str) {
    let Ok(Event::OrderBook(ours)) = Event::from_frame(book) else {
        panic!("limitless-ws decodes the book");
    };
    let theirs = official_decode::<official::OrderbookUpdate>(book).expect("official decodes");
    let (ob, tb) = (&ours.orderbook, &theirs.orderbook);
    assert_eq!((ob.bids.len(), ob.asks.len()), (50, 50));
    assert_eq!((tb.bids.len(), tb.asks.len()), (50, 50));
    assert_eq!(ob.bids[0].price.to_string(), tb.bids[0].price.to_string());
    assert_eq!(ob.asks[0].price.to_string(), tb.asks[0].price.to_string());
    assert_eq!(
        ours.market_slug.as_deref(),
        Some(theirs.market_slug.as_str())
    );
    let no_copies = official_no_copies::<official::OrderbookUpdate>(book).unwrap();
    assert_eq!(no_copies.orderbook.asks.len(), 50);

    let Ok(Event::Order(ours)) = Event::from_frame(ORDER_EVENT_FRAME) else {
        panic!("limitless-ws decodes the order event");
    };
    let Some(official::OrderEvent::Matched(theirs)) = official_decode(ORDER_EVENT_FRAME) else {
        panic!("official decodes the order event as MATCHED");
    };
    assert_eq!(ours.order_id.as_deref(), Some(ORDER_ID));
    assert_eq!(theirs.order_id.as_deref(), Some(ORDER_ID));
    assert!(matches!(
        official_no_copies(ORDER_EVENT_FRAME),
        Some(official::OrderEvent::Matched(_))
    ));
}

fn bench_frame<T: DeserializeOwned>(c: &mut Criterion, name: &str, frame: &str) {
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Bytes(frame.len() as u64));
    group.bench_function("limitless-ws", |b| {
        b.iter(|| Event::from_frame(black_box(frame)).unwrap());
    });
    group.bench_function("official", |b| {
        b.iter(|| official_decode::<T>(black_box(frame)).unwrap());
    });
    group.bench_function("official_no_copies", |b| {
        b.iter(|| official_no_copies::<T>(black_box(frame)).unwrap());
    });
    group.finish();
}

fn events(c: &mut Criterion) {
    let book = frames::orderbook_frame(50);
    check(&book);
    bench_frame::<official::OrderbookUpdate>(c, "orderbookUpdate_50_levels", &book);
    bench_frame::<official::OrderEvent>(c, "orderEvent", ORDER_EVENT_FRAME);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = events
}
criterion_main!(benches);
