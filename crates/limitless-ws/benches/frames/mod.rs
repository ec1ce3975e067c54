//! Frames for the decode benchmarks: this crate's `decode` and the
//! comparison with the official SDK in `compare/benches/events.rs`, which
//! includes this file by path so both time the same bytes.

use std::fmt::Write as _;

/// `42/markets,["orderbookUpdate",{…}]` with `levels` bids and asks, in
/// the shape of the captured frames.
pub(crate) fn orderbook_frame(levels: usize) -> String {
    let mut frame = String::from(
        r#"42/markets,["orderbookUpdate",{"marketSlug":"btc-up-or-down-daily-p-1791308105925","orderbook":{"bids":["#,
    );
    for i in 0..levels {
        if i > 0 {
            frame.push(',');
        }
        let price = 499 - i;
        write!(
            frame,
            r#"{{"price":0.{price:03},"size":{},"side":"BUY"}}"#,
            (i + 1) * 1_000_000
        )
        .unwrap();
    }
    frame.push_str(r#"],"asks":["#);
    for i in 0..levels {
        if i > 0 {
            frame.push(',');
        }
        let price = 501 + i;
        write!(
            frame,
            r#"{{"price":0.{price:03},"size":{},"side":"SELL"}}"#,
            (i + 1) * 550_000
        )
        .unwrap();
    }
    frame.push_str(
        r#"],"tokenId":"70247938366373245371875476852050312741984939645649004595595165572008042615343","adjustedMidpoint":0.5,"midpoint":0.5,"maxSpread":0.035,"minSize":100000000},"version":2162662,"timestamp":"2026-10-07T10:02:55.116Z"}]"#,
    );
    frame
}
