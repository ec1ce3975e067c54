//! Decoding what the socket delivers most: a whole frame, from its text to
//! a typed [`Event`], as the client's reader does for every event
//! ([`Event::from_frame`]: Engine.IO and Socket.IO framing, the event
//! name, the typed payload).
//!
//! - `orderbookUpdate`, 50 levels a side (sizes in micro-shares, prices
//!   and the book's decimals exact);
//! - `orderEvent`, a settlement (prices and amounts as strings).
//!
//! Each beside `two_pass` (the event name and raw payload read first, then
//! the payload decoded: what an unknown name costs, and what `from_frame`
//! saves for a known one) and a floor, `scan`: `serde_json` walking the
//! same frame's JSON into `IgnoredAny`, building nothing.
//!
//! ```text
//! cargo bench -p limitless-ws --bench decode
//! ```

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use limitless_ws::Event;
use limitless_ws::frame::EventArgs;
use serde::de::IgnoredAny;

mod frames;
use frames::orderbook_frame;

/// A settlement `orderEvent` frame, as in the captured order events.
const ORDER_EVENT_FRAME: &str = r#"42/markets,["orderEvent",{"source":"SETTLEMENT","type":"MINED","eventId":"settlement:1b3a:550e8400","tradeEventId":"1b3a","orderId":"550e8400-e29b-41d4-a716-446655440000","clientOrderId":"c-1","takerOrderId":"550e8400-e29b-41d4-a716-446655440000","marketSlug":"btc-up-or-down-daily-p-1791308105925","tokenId":"70247938366373245371875476852050312741984939645649004595595165572008042615343","side":"BUY","price":"0.47","amountContracts":"25","amountCollateral":"11.75","feeAmountContracts":"0.75","txHash":"0x8a3f0c5e9b1d2a4f6e7c8b9a0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e","timestamp":"2026-04-20T10:15:40.000Z","matchedAt":"2026-04-20T10:15:40.000Z"}]"#;

fn decode(c: &mut Criterion) {
    let book = orderbook_frame(50);
    assert!(
        matches!(Event::from_frame(&book), Ok(Event::OrderBook(b)) if b.orderbook.bids.len() == 50 && b.orderbook.asks.len() == 50)
    );
    assert!(matches!(
        Event::from_frame(ORDER_EVENT_FRAME),
        Ok(Event::Order(_))
    ));

    for (name, frame) in [
        ("orderbookUpdate_50_levels", book.as_str()),
        ("orderEvent", ORDER_EVENT_FRAME),
    ] {
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Bytes(frame.len() as u64));
        group.bench_function("from_frame", |b| {
            b.iter(|| Event::from_frame(black_box(frame)).unwrap());
        });
        let json = &frame["42/markets,".len()..];
        // What `from_frame` saves by decoding a known event in one pass:
        // the name and raw payload first, then the payload.
        group.bench_function("two_pass", |b| {
            b.iter(|| {
                let args = EventArgs::parse(black_box(json)).unwrap();
                Event::decode(&args.name(), args.payload)
            });
        });
        group.bench_function("scan", |b| {
            b.iter(|| serde_json::from_str::<IgnoredAny>(black_box(json)).unwrap());
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = decode
}
criterion_main!(benches);
