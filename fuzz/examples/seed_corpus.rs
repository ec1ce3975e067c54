//! Writes a seed corpus for every fuzz target from the captured API
//! payloads in `../shared/fixtures/responses/` (beside the workspace) into
//! `fuzz/corpus/<target>/`, which git ignores: the captures are others'
//! data and are never committed.
//!
//! ```sh
//! cargo run --manifest-path fuzz/Cargo.toml --example seed_corpus [-- <responses dir>]
//! ```

use std::fs;
use std::path::{Path, PathBuf};

/// Event names in the order `fuzz_targets/ws_event.rs` picks them.
const EVENT_NAMES: [&str; 11] = [
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
];

/// Decoder families: target name and how many types its first byte picks
/// from (see `src/lib.rs`).
fn families() -> [(&'static str, usize); 3] {
    [
        ("decode_responses", limitless_fuzz::all_decoders().len()),
        ("decode_orders", limitless_fuzz::ORDERS.len()),
        ("decode_markets", limitless_fuzz::MARKETS.len()),
    ]
}

struct Corpus {
    root: PathBuf,
    written: usize,
}

impl Corpus {
    fn add(&mut self, target: &str, name: &str, bytes: &[u8]) {
        let dir = self.root.join(target);
        fs::create_dir_all(&dir).expect("corpus directory writable");
        fs::write(dir.join(name), bytes).expect("corpus file writable");
        self.written += 1;
    }
}

fn main() {
    let fuzz_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let responses = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| fuzz_dir.join("../../shared/fixtures/responses"));
    let mut corpus = Corpus {
        root: fuzz_dir.join("corpus"),
        written: 0,
    };
    let mut files: Vec<(String, String, Vec<u8>)> = Vec::new();
    for folder in
        fs::read_dir(&responses).unwrap_or_else(|e| panic!("{}: {e}", responses.display()))
    {
        let folder = folder.expect("directory entry").path();
        if !folder.is_dir() {
            continue;
        }
        let folder_name = folder.file_name().unwrap().to_string_lossy().into_owned();
        for file in fs::read_dir(&folder).expect("folder readable") {
            let file = file.expect("directory entry").path();
            if file.extension().is_some_and(|ext| ext == "json") {
                let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
                files.push((
                    folder_name.clone(),
                    stem,
                    fs::read(&file).expect("readable"),
                ));
            }
        }
    }
    files.sort();

    for (folder, stem, bytes) in &files {
        let name = format!("{folder}-{stem}");
        // Response decoders: every capture as every type of the family.
        for (target, types) in families() {
            for selector in 0..types {
                let selector = u8::try_from(selector).expect("fewer than 256 types");
                corpus.add(
                    target,
                    &format!("{name}-{selector}"),
                    &[&[selector], &bytes[..]].concat(),
                );
            }
        }
        if folder == "errors" {
            // 400 after the target's `% 900 + 100`.
            corpus.add(
                "api_error_message",
                &name,
                &[&300_u16.to_be_bytes()[..], bytes].concat(),
            );
        }
        if let Some(event) = folder.strip_prefix("ws-") {
            add_socket_seeds(&mut corpus, &name, event, bytes);
        }
        if folder.starts_with("orders-") {
            // A signed POST /orders (auth byte 2) with the capture as body.
            corpus.add(
                "sandbox_router",
                &name,
                &[&[1_u8, 2, b'/', 0, 0][..], bytes].concat(),
            );
        }
    }
    for (name, price, size, amount) in [
        ("typical", "0.55", "10", "12.5"),
        ("edge", "1", "0.001", "9007199254.740991"),
        ("exponent", "5e-1", "1e3", "1e-6"),
        ("huge", "5e28", "79228162514264337593543950335", "1e29"),
    ] {
        corpus.add(
            "order_amounts",
            name,
            format!("\0{price}\0{size}\00.001\0{amount}").as_bytes(),
        );
    }
    corpus.add(
        "verifier_headers",
        "empty",
        &[3, 0, 0, 0, b'G', b'E', b'T', 0, b'/'],
    );
    println!(
        "{} seeds written under {}",
        corpus.written,
        corpus.root.display()
    );
}

/// A socket capture as frames (`ws_frame`) and as an event payload
/// (`ws_event`).
fn add_socket_seeds(corpus: &mut Corpus, name: &str, event: &str, bytes: &[u8]) {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return;
    };
    if let Some(frames) = value.get("frames").and_then(|f| f.as_array()) {
        for (i, frame) in frames.iter().filter_map(|f| f.as_str()).enumerate() {
            corpus.add("ws_frame", &format!("{name}-{i}"), frame.as_bytes());
        }
        return;
    }
    if event == "handshake" {
        corpus.add("ws_frame", name, format!("0{value}").as_bytes());
        return;
    }
    // `["<name>", payload]` as captured, or the payload alone.
    let (event_name, payload) = match value.as_array().map(Vec::as_slice) {
        Some([serde_json::Value::String(n), payload, ..]) => (n.clone(), payload.clone()),
        _ => {
            let camel = match event {
                "orderbook-update" => "orderbookUpdate",
                "new-price-data" => "newPriceData",
                "oracle-price-data" => "oraclePriceData",
                "order-event" => "orderEvent",
                "market-resolved" => "marketResolved",
                other => other,
            };
            (camel.to_owned(), value.clone())
        }
    };
    let frame = serde_json::json!([event_name, payload]);
    corpus.add("ws_frame", name, format!("42/markets,{frame}").as_bytes());
    if let Some(index) = EVENT_NAMES.iter().position(|&n| n == event_name) {
        let index = u8::try_from(index).expect("few names");
        corpus.add(
            "ws_event",
            name,
            &[&[index], payload.to_string().as_bytes()].concat(),
        );
    }
}
