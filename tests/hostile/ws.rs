//! Socket frames and event payloads from a hostile server: the
//! Engine.IO/Socket.IO frame decoder (`limitless_ws::frame`), the typed
//! event decoder (`limitless_ws::Event`, payloads of
//! `limitless_types::ws`) and the local order book fed from it.
//!
//! Mirrors the `ws_frame` and `ws_event` cargo-fuzz targets.

use limitless_types::ws::OrderBookUpdate;
use limitless_ws::frame::{EnginePacket, EventArgs};
use limitless_ws::{Event, LocalOrderBook};
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::TestRunner;
use serde_json::value::RawValue;

use crate::support::{captured_frames, fixed};

/// Frames that stand in for the captures when `../shared` is absent.
const BUILT_IN_FRAMES: [&str; 6] = [
    r#"0{"sid":"s","upgrades":[],"pingInterval":25000,"pingTimeout":60000,"maxPayload":1000000}"#,
    r#"40/markets,{"sid":"n"}"#,
    r#"42/markets,["system",{"message":"Successfully registered connection"}]"#,
    r#"42/markets,["orderbookUpdate",{"marketSlug":"btc","orderbook":{"bids":[{"price":0.55,"size":100000000,"side":"BUY"}],"asks":[{"price":"0.56","size":"5","side":"SELL"}],"tokenId":"1","adjustedMidpoint":0.555,"maxSpread":0.05,"minSize":1},"version":7,"timestamp":"2026-01-01T00:00:00Z"}]"#,
    r#"431/markets,[{"ok":true}]"#,
    "2",
];

/// Every event name the decoder knows, and a few it does not.
const EVENT_NAMES: [&str; 14] = [
    "orderbookUpdate",
    "newPriceData",
    "oraclePriceData",
    "orderEvent",
    "tx",
    "positions",
    "marketCreated",
    "marketResolved",
    "live_sports_update",
    "live_esports_update",
    "system",
    "exception",
    "",
    "orderbook\\u0055pdate",
];

/// Prices and sizes past anything real: out of (0, 1], at `Decimal`'s
/// limits (±7.9e28) and past them, negative, and not numbers at all.
const HOSTILE_NUMBERS: [&str; 16] = [
    "5e28",
    "-5e28",
    "79228162514264337593543950335",
    "79228162514264337593543950336",
    "1e29",
    "1e308",
    "1e-28",
    "1e-29",
    "-0",
    "0",
    "-1",
    "18446744073709551616",
    "\"5e28\"",
    "\"-79228162514264337593543950335\"",
    "\"NaN\"",
    "null",
];

fn frames() -> Vec<String> {
    let mut frames = captured_frames();
    frames.extend(BUILT_IN_FRAMES.iter().map(|&f| f.to_owned()));
    frames
}

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        select(HOSTILE_NUMBERS.to_vec()).prop_map(str::to_owned),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        "-?[0-9]{1,32}(\\.[0-9]{1,32})?([eE][+-]?[0-9]{1,3})?",
        any::<f64>()
            .prop_filter_map("finite", serde_json::Number::from_f64)
            .prop_map(|n| n.to_string()),
    ]
}

/// An order book level with any price and size.
fn level() -> impl Strategy<Value = String> {
    (
        number(),
        number(),
        select(vec!["\"BUY\"", "\"SELL\"", "0", "null"]),
    )
        .prop_map(|(price, size, side)| {
            format!(r#"{{"price":{price},"size":{size},"side":{side}}}"#)
        })
}

/// An `orderbookUpdate` payload whose levels hold hostile numbers.
fn book_payload() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(level(), 0..8),
        prop::collection::vec(level(), 0..8),
        number(),
        prop::option::of(number()),
    )
        .prop_map(|(bids, asks, mid, version)| {
            let version = version.map_or_else(String::new, |v| format!(r#","version":{v}"#));
            format!(
                r#"{{"marketSlug":"btc","orderbook":{{"bids":[{}],"asks":[{}],"tokenId":"1","adjustedMidpoint":{mid},"maxSpread":{mid},"minSize":{mid}}}{version}}}"#,
                bids.join(","),
                asks.join(",")
            )
        })
}

/// Any JSON value of small depth.
fn json() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_owned()),
        any::<bool>().prop_map(|b| b.to_string()),
        number(),
        any::<String>().prop_map(|s| serde_json::to_string(&s).expect("strings encode")),
    ];
    leaf.prop_recursive(3, 32, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec(
                (
                    select(vec![
                        "price",
                        "size",
                        "orderbook",
                        "bids",
                        "asks",
                        "marketSlug",
                        "message",
                        "side",
                        "version"
                    ]),
                    inner
                ),
                0..5
            )
            .prop_map(|entries| {
                let entries: Vec<String> = entries
                    .into_iter()
                    .map(|(k, v)| format!("\"{k}\":{v}"))
                    .collect();
                format!("{{{}}}", entries.join(","))
            }),
        ]
    })
}

/// Frames: arbitrary text, well-formed packets around any data, and cuts
/// and edits of captured frames (whole ones included).
fn frame(frames: Vec<String>) -> impl Strategy<Value = String> {
    let data = prop_oneof![json(), book_payload()];
    let cut_from = frames.clone();
    let edit_from = frames.clone();
    prop_oneof![
        any::<String>(),
        "[0-6]{1,2}(/[a-z]{0,8},)?[0-9]{0,22}",
        (
            select(vec![
                "42", "43", "40", "41", "44", "45", "46", "4", "0", "2", "3"
            ]),
            select(vec!["", "/markets,", "/other,", "/markets"]),
            prop::option::of(any::<u64>()),
            select(EVENT_NAMES.to_vec()),
            data,
        )
            .prop_map(|(kind, ns, ack, name, payload)| {
                let ack = ack.map_or_else(String::new, |a| a.to_string());
                format!("{kind}{ns}{ack}[\"{name}\",{payload}]")
            }),
        select(frames),
        (select(cut_from), any::<Index>()).prop_map(|(frame, cut)| {
            let mut at = cut.index(frame.len() + 1);
            while !frame.is_char_boundary(at) {
                at -= 1;
            }
            frame[..at].to_owned()
        }),
        (select(edit_from), any::<Index>(), any::<char>()).prop_map(|(frame, at, c)| {
            let mut chars: Vec<char> = frame.chars().collect();
            if !chars.is_empty() {
                let at = at.index(chars.len());
                chars[at] = c;
            }
            chars.into_iter().collect()
        }),
    ]
}

/// Everything the client does with one received frame: decode it, decode
/// its event, and apply a book update to a local book.
fn receive(frame: &str) {
    if let Ok(packet) = EnginePacket::decode(frame) {
        // What decodes re-encodes to a frame that decodes the same.
        let encoded = packet.encode();
        assert_eq!(
            EnginePacket::decode(&encoded).as_ref(),
            Ok(&packet),
            "{frame:?} re-encoded as {encoded:?}"
        );
        if let EnginePacket::Message(socket) = packet
            && let Ok(args) = socket.event_args()
        {
            let _ = args.name();
        }
    }
    if let Ok(event) = Event::from_frame(frame) {
        let _ = (event.name(), event.market_slug(), format!("{event:?}"));
        if let Event::OrderBook(update) = &event {
            apply(update);
        }
    }
}

/// A book update applied to a fresh book, then read back.
///
/// Not its spread and midpoint: `LocalOrderBook::spread` and `midpoint`
/// overflow `Decimal` (and panic) on prices near its limits, e.g. a bid
/// and an ask both at 5e28; that case is
/// `spread_and_midpoint_of_a_book_at_decimal_limits`, ignored until the
/// book refuses or saturates such prices.
fn apply(update: &OrderBookUpdate) {
    let mut book = LocalOrderBook::new("btc");
    book.apply(update);
    let _ = (book.best_bid(), book.best_ask(), book.depth(5));
}

#[test]
fn hostile_frames_never_panic_the_decoders() {
    let mut runner = TestRunner::new(fixed(3000));
    runner
        .run(&frame(frames()), |frame| {
            receive(&frame);
            Ok(())
        })
        .unwrap();
}

#[test]
fn hostile_event_payloads_decode_or_are_kept_as_sent() {
    let payloads = prop_oneof![json(), book_payload()];
    let mut runner = TestRunner::new(fixed(2000));
    runner
        .run(
            &(select(EVENT_NAMES.to_vec()), payloads),
            |(name, payload)| {
                let Ok(raw) = serde_json::from_str::<Box<RawValue>>(&payload) else {
                    return Ok(());
                };
                let event = Event::decode(name, &raw);
                // An event that does not fit its type is kept, never dropped.
                if let Event::Unrecognized { event, payload } = &event {
                    prop_assert_eq!(event.as_str(), name);
                    prop_assert_eq!(payload.get(), raw.get());
                }
                // Each payload type on its own, as the stream's users may.
                let _ = serde_json::from_str::<OrderBookUpdate>(&payload);
                let _ = EventArgs::parse(&format!("[\"{name}\",{payload}]"));
                Ok(())
            },
        )
        .unwrap();
}

/// Book updates with prices outside (0, 1] (±5e28) and sizes past
/// `u64`, decoded and applied to a local book.
#[test]
fn out_of_range_book_numbers_are_decoded_or_refused_without_panicking() {
    let mut runner = TestRunner::new(fixed(1500));
    runner
        .run(&book_payload(), |payload| {
            let frame = format!("42/markets,[\"orderbookUpdate\",{payload}]");
            receive(&frame);
            if let Ok(update) = serde_json::from_str::<OrderBookUpdate>(&payload) {
                apply(&update);
            }
            Ok(())
        })
        .unwrap();
}

/// Frames at and past the server's 1,000,000-byte `maxPayload`: one
/// book with many levels, one long string, one deep nesting.
#[test]
fn frames_of_a_million_bytes_and_more_never_panic() {
    let level = r#"{"price":0.5,"size":1000000,"side":"BUY"},"#;
    for target in [999_999_usize, 1_000_000, 1_000_001] {
        let head = r#"42/markets,["orderbookUpdate",{"marketSlug":"btc","orderbook":{"bids":["#;
        let tail = r#"{"price":0.5,"size":1}],"asks":[],"tokenId":"1"}}]"#;
        let mut frame = String::with_capacity(target + level.len());
        frame.push_str(head);
        while frame.len() + level.len() + tail.len() <= target {
            frame.push_str(level);
        }
        frame.push_str(tail);
        receive(&frame);

        let text = format!(
            r#"42/markets,["system",{{"message":"{}"}}]"#,
            "x".repeat(target)
        );
        receive(&text);

        let depth = target / 2;
        let nested = format!(
            r#"42/markets,["positions",{}{}]"#,
            "[".repeat(depth),
            "]".repeat(depth)
        );
        receive(&nested);
    }
}

/// The probe's inputs, one by one.
#[test]
fn known_hostile_book_updates_never_panic() {
    for price in [
        "5e28",
        "-5e28",
        "79228162514264337593543950335",
        "1e29",
        "2",
        "0",
        "-0.5",
    ] {
        for size in [
            "1",
            "1e40",
            "18446744073709551616",
            "-1",
            "5e28",
            "0.0000001",
        ] {
            let frame = format!(
                r#"42/markets,["orderbookUpdate",{{"marketSlug":"btc","orderbook":{{"bids":[{{"price":{price},"size":{size}}}],"asks":[{{"price":{price},"size":{size}}}],"tokenId":"1"}},"version":1}}]"#
            );
            receive(&frame);
        }
    }
}

/// A regression found by `known_hostile_book_updates_never_panic` (and the
/// `ws_event` target): a book whose best bid and best ask were both `5e28`
/// (`{"bids":[{"price":5e28,"size":1}],"asks":[{"price":5e28,"size":1}]}`)
/// made `LocalOrderBook::midpoint` panic with "Addition overflowed", and bid
/// `5e28` against ask `-5e28` made `spread` panic with "Subtraction
/// overflowed". Such updates are now refused (prices outside (0, 1]) and the
/// book's arithmetic is checked.
#[test]
fn spread_and_midpoint_of_a_book_at_decimal_limits() {
    for (bid, ask) in [
        ("5e28", "5e28"),
        ("5e28", "-5e28"),
        ("-5e28", "5e28"),
        ("79228162514264337593543950335", "1"),
    ] {
        // A price beyond what a decimal holds is refused while decoding:
        // nothing to apply.
        let Ok(update) = serde_json::from_str::<OrderBookUpdate>(&format!(
            r#"{{"marketSlug":"btc","orderbook":{{"bids":[{{"price":{bid},"size":1}}],"asks":[{{"price":{ask},"size":1}}],"tokenId":"1"}}}}"#
        )) else {
            continue;
        };
        let mut book = LocalOrderBook::new("btc");
        book.apply(&update);
        let _ = (book.spread(), book.midpoint());
    }
}
