//! Every response captured by others (`shared/fixtures/responses/`, see its
//! `SOURCES.md`) decodes with the type of its folder, and reads back what
//! an operation needs from it.
//!
//! One table maps a folder to its check. A folder without an entry fails
//! the test, so a new capture is decoded as soon as its file is added, and
//! a new folder cannot be skipped by accident.

use limitless_types::{
    ActiveMarketsPage, AllowancesResponse, ApiToken, CancelBatchResponse, DerivedApiToken,
    ErrorBody, EventFrame, Handshake, HistoryEntry, HistoryPage, Market, MarketEventsPage,
    MarketResolved, MarketSearchPage, MarketVenue, MessageResponse, NewPriceData, OraclePriceData,
    Order, OrderBook, OrderBookUpdate, OrderEvent, OrderResponse, OrderStatusBatch, PartnerAccount,
    PartnerAccountsPage, PartnerCapabilities, PortfolioPositions, PriceHistory, SystemMessage,
    TxEvent, UserOrders, UserProfile,
};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Every `*.json` file of one folder, sorted: (file name, bytes); none
/// without the captures.
pub(crate) fn files(folder: &str) -> Vec<(String, Vec<u8>)> {
    let Some(dir) = limitless_testkit::responses_dir() else {
        return Vec::new();
    };
    let mut files: Vec<_> = std::fs::read_dir(dir.join(folder))
        .unwrap_or_else(|e| panic!("{folder}: {e}"))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).expect("fixture readable"))
        })
        .collect();
    files.sort();
    files
}

/// Decodes `bytes` as a `T` the way the client does.
fn decode<T: DeserializeOwned>(bytes: &[u8]) -> T {
    serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{}: {e}", std::any::type_name::<T>()))
}

/// A JSON integer or integer string, as the API sends amounts and sizes.
pub(crate) fn raw_u64(value: &Value) -> u64 {
    match value {
        Value::Number(n) => n.as_u64().expect("whole number"),
        Value::String(s) => s.parse().expect("integer text"),
        other => panic!("not an amount: {other}"),
    }
}

/// A JSON number or numeric string, as an exact decimal.
pub(crate) fn raw_decimal(value: &Value) -> limitless_types::Decimal {
    match value {
        Value::Number(n) => n.to_string().parse().expect("decimal"),
        Value::String(s) => s.parse().expect("decimal text"),
        other => panic!("not a decimal: {other}"),
    }
}

/// The raw JSON of a file, for comparing what was decoded with what was sent.
fn raw(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).expect("fixture is JSON")
}

/// Socket captures are `["<event>", payload]`; docs examples are the bare
/// payload.
fn socket_payload(raw: &Value) -> &Value {
    match raw {
        Value::Array(items) => &items[1],
        payload => payload,
    }
}

pub(crate) fn assert_book(book: &OrderBook, raw: &Value) {
    for side in ["bids", "asks"] {
        let levels = if side == "bids" {
            &book.bids
        } else {
            &book.asks
        };
        let sent = raw[side].as_array().expect("levels");
        assert_eq!(levels.len(), sent.len(), "{side}");
        for (level, sent) in levels.iter().zip(sent) {
            assert_eq!(level.price, raw_decimal(&sent["price"]), "{side} price");
            assert_eq!(level.size.as_micro(), raw_u64(&sent["size"]), "{side} size");
        }
    }
}

pub(crate) fn assert_order(order: &Order, raw: &Value) {
    assert_eq!(order.id, raw["id"].as_str().unwrap_or_default());
    assert_eq!(order.maker_amount, raw.get("makerAmount").map(raw_u64));
    assert_eq!(order.taker_amount, raw.get("takerAmount").map(raw_u64));
}

fn check_event<T: DeserializeOwned>(bytes: &[u8], event: &str) -> (EventFrame<T>, Value) {
    let frame: EventFrame<T> = decode(bytes);
    if let Some(name) = &frame.event {
        assert_eq!(name, event);
    }
    let raw = raw(bytes);
    (frame, socket_payload(&raw).clone())
}

fn markets_active(bytes: &[u8]) {
    // One capture kept only the `data` array of the page.
    let raw = raw(bytes);
    let (markets, sent) = if raw.is_array() {
        (decode::<Vec<Market>>(bytes), raw)
    } else {
        (decode::<ActiveMarketsPage>(bytes).data, raw["data"].clone())
    };
    assert_markets(&markets, &sent);
}

fn assert_markets(markets: &[Market], sent: &Value) {
    let sent = sent.as_array().expect("markets");
    assert!(!markets.is_empty());
    assert_eq!(markets.len(), sent.len());
    for (market, sent) in markets.iter().zip(sent) {
        assert_eq!(market.slug, sent["slug"].as_str().unwrap());
        assert_eq!(market.id, sent["id"].as_i64().unwrap());
        if let Some(children) = sent.get("markets").and_then(Value::as_array) {
            assert_eq!(market.markets.len(), children.len(), "{}", market.slug);
        }
    }
}

fn market_detail(bytes: &[u8]) {
    let raw = raw(bytes);
    let market: Market = decode(bytes);
    let venue: MarketVenue = decode(bytes);
    assert_eq!(market.slug, raw["slug"].as_str().unwrap());
    assert_eq!(venue.slug, market.slug);
    assert_eq!(
        venue.venue.as_ref().map(|v| v.exchange.as_str()),
        raw["venue"]["exchange"].as_str()
    );
    assert_eq!(venue.venue, market.venue);
    if let Some(settings) = raw.get("settings").filter(|s| s.is_object()) {
        let decoded = market.settings.expect("settings");
        let epoch = &settings["rewardsEpoch"];
        assert_eq!(
            decoded
                .rewards_epoch
                .as_ref()
                .map(|l| l.as_str().to_owned()),
            match epoch {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            }
        );
    }
}

fn ws_transcript(bytes: &[u8]) {
    #[derive(Deserialize)]
    struct Transcript {
        slug: String,
        frames: Vec<String>,
    }
    let transcript: Transcript = decode(bytes);
    let mut books = 0;
    for frame in &transcript.frames {
        if let Some(open) = frame.strip_prefix("40/markets,") {
            assert!(!decode::<Handshake>(open.as_bytes()).sid.is_empty());
        } else if let Some(event) = frame.strip_prefix("42/markets,") {
            let name: (String, Value) = decode(event.as_bytes());
            match name.0.as_str() {
                "system" => {
                    let (frame, _) = check_event::<SystemMessage>(event.as_bytes(), "system");
                    assert!(!frame.payload.message.is_empty());
                }
                "orderbookUpdate" => {
                    let (frame, raw) =
                        check_event::<OrderBookUpdate>(event.as_bytes(), "orderbookUpdate");
                    assert_eq!(
                        frame.payload.market_slug.as_deref(),
                        Some(&*transcript.slug)
                    );
                    assert_book(&frame.payload.orderbook, &raw["orderbook"]);
                    books += 1;
                }
                other => panic!("no type for socket event {other}"),
            }
        } else if let Some(open) = frame.strip_prefix('0') {
            assert!(decode::<Handshake>(open.as_bytes()).ping_interval.is_some());
        } else {
            panic!("unknown frame {frame}");
        }
    }
    assert!(books > 0);
}

/// A folder's check: decode every file with the folder's type and read what
/// an operation needs.
type Check = fn(&[u8]);

/// Folder → check. Every folder under `responses/` must be here.
const TABLE: &[(&str, Check)] = &[
    ("api-tokens-capabilities", |b| {
        assert!(!decode::<PartnerCapabilities>(b).allowed_scopes.is_empty());
    }),
    ("api-tokens-derive", |b| {
        let token: DerivedApiToken = decode(b);
        assert!(!token.token_id.is_empty() && !token.secret.is_empty());
    }),
    ("api-tokens-list", |b| {
        let tokens: Vec<ApiToken> = decode(b);
        assert!(!tokens.is_empty() && tokens.iter().all(|t| !t.token_id.is_empty()));
    }),
    ("errors", |b| {
        let error: ErrorBody = decode(b);
        assert_eq!(error.message, raw(b)["message"].as_str().unwrap());
        assert_eq!(
            error.retry_after_seconds,
            raw(b).get("retryAfterSeconds").map(raw_u64)
        );
    }),
    ("market-detail", market_detail),
    ("market-events", |b| {
        let page: MarketEventsPage = decode(b);
        let sent = &raw(b)["events"];
        assert_eq!(page.events.len(), sent.as_array().unwrap().len());
        for (event, sent) in page.events.iter().zip(sent.as_array().unwrap()) {
            assert_eq!(event.price, Some(raw_decimal(&sent["price"])));
            assert_eq!(
                event.matched_size.map(|s| s.as_micro()),
                Some(raw_u64(&sent["matchedSize"]))
            );
            assert!(event.side.is_some());
        }
        assert!(page.total_rows.is_some());
    }),
    ("market-historical-price", |b| {
        let history: PriceHistory = decode(b);
        let raw = raw(b);
        let series = raw.as_array().cloned().unwrap_or_else(|| vec![raw.clone()]);
        assert_eq!(history.series.len(), series.len());
        for (decoded, sent) in history.series.iter().zip(&series) {
            let first = &sent["prices"][0];
            assert_eq!(decoded.prices[0].price, Some(raw_decimal(&first["price"])));
            assert_eq!(
                decoded.prices[0].timestamp,
                Some(first["timestamp"].as_str().unwrap().parse().unwrap())
            );
        }
    }),
    ("market-orderbook", |b| {
        assert_book(&decode::<OrderBook>(b), &raw(b));
    }),
    ("market-user-orders", |b| {
        let orders: UserOrders = decode(b);
        let raw = raw(b);
        let sent = raw.get("orders").unwrap_or(&raw).as_array().unwrap();
        assert_eq!(orders.orders.len(), sent.len());
        for (order, sent) in orders.orders.iter().zip(sent) {
            assert_order(order, sent);
            assert!(!order.id.is_empty() && order.side.is_some());
        }
    }),
    ("markets-active", markets_active),
    ("markets-bannered", |b| {
        assert_markets(&decode::<Vec<Market>>(b), &raw(b));
    }),
    ("markets-search", |b| {
        let page: MarketSearchPage = decode(b);
        assert_markets(&page.markets, &raw(b)["markets"]);
    }),
    ("orders-cancel", |b| {
        assert!(!decode::<MessageResponse>(b).message.is_empty());
    }),
    ("orders-cancel-all", |b| {
        // The bare `{message}` of a full success reads as a result with
        // nothing listed.
        let all: CancelBatchResponse = decode(b);
        assert!(!all.message.is_empty() && !all.is_partial());
    }),
    ("orders-cancel-batch", |b| {
        let batch: CancelBatchResponse = decode(b);
        assert!(!batch.canceled.is_empty());
        assert!(batch.failed.iter().all(|f| f.reason.is_some()));
    }),
    ("orders-create", |b| {
        // Today's `{order, makerMatches}` wrapper, or the bare order the
        // API answered with before it.
        let response: OrderResponse = decode(b);
        let raw = raw(b);
        let sent = raw.get("order").unwrap_or(&raw);
        assert_order(&response.order, sent);
        assert!(response.order.maker_amount.is_some());
        if raw.get("order").is_none() {
            assert!(!response.order.id.is_empty());
            assert!(response.maker_matches.is_empty() && response.execution.is_none());
        }
    }),
    ("orders-status-batch", |b| {
        let batch: OrderStatusBatch = decode(b);
        let raw = raw(b);
        for (status, sent) in batch.results.iter().zip(raw["results"].as_array().unwrap()) {
            let data = status.data.as_ref().expect("found order");
            assert_order(&data.order, &sent["data"]["order"]);
            assert!(data.order.maker_amount.is_some() && !data.order.id.is_empty());
        }
        assert!(!batch.results.is_empty());
    }),
    ("partner-accounts-allowances", |b| {
        assert!(!decode::<AllowancesResponse>(b).targets.is_empty());
    }),
    ("partner-accounts-create", |b| {
        assert!(decode::<PartnerAccount>(b).profile_id > 0);
    }),
    ("partner-accounts-list", |b| {
        assert!(!decode::<PartnerAccountsPage>(b).data.is_empty());
    }),
    ("portfolio-history", |b| {
        let page: HistoryPage = decode(b);
        assert!(!page.data.is_empty());
        assert!(page.data.iter().all(|e| e.block_timestamp.is_some()));
        assert_eq!(page.next_cursor.as_deref(), raw(b)["nextCursor"].as_str());
    }),
    ("portfolio-positions", |b| {
        let positions: PortfolioPositions = decode(b);
        let raw = raw(b);
        assert_eq!(
            positions.clob.len(),
            raw["clob"].as_array().map_or(0, Vec::len)
        );
        assert_eq!(
            positions.amm.len(),
            raw["amm"].as_array().map_or(0, Vec::len)
        );
        for (clob, sent) in positions.clob.iter().zip(raw["clob"].as_array().unwrap()) {
            let yes = clob.positions.as_ref().and_then(|p| p.yes.as_ref());
            assert_eq!(
                yes.and_then(|y| y.cost),
                Some(raw_decimal(&sent["positions"]["yes"]["cost"]))
            );
        }
        for (amm, sent) in positions.amm.iter().zip(raw["amm"].as_array().unwrap()) {
            assert_eq!(
                amm.collateral_amount,
                Some(raw_decimal(&sent["collateralAmount"]))
            );
        }
    }),
    ("portfolio-trades", |b| {
        let trades: Vec<HistoryEntry> = decode(b);
        assert!(!trades.is_empty() && trades.iter().all(|t| t.outcome_token_price.is_some()));
    }),
    ("profiles-account", |b| {
        let profile: UserProfile = decode(b);
        assert_eq!(profile.id, raw(b)["id"].as_i64().unwrap());
        assert!(profile.rank.and_then(|r| r.fee_rate_bps).is_some());
    }),
    ("profiles-me", |b| {
        let profile: UserProfile = decode(b);
        assert_eq!(profile.id, raw(b)["id"].as_i64().unwrap());
        assert!(profile.rank.and_then(|r| r.fee_rate_bps).is_some());
    }),
    ("ws-handshake", |b| {
        assert!(!decode::<Handshake>(b).sid.is_empty());
    }),
    ("ws-market-resolved", |b| {
        let (frame, raw) = check_event::<MarketResolved>(b, "marketResolved");
        assert_eq!(frame.payload.slug.as_deref(), raw["slug"].as_str());
        assert!(frame.payload.winning_index.is_some());
    }),
    ("ws-new-price-data", |b| {
        let (frame, _) = check_event::<NewPriceData>(b, "newPriceData");
        assert!(
            frame
                .payload
                .updated_prices
                .iter()
                .all(|p| p.yes_price.is_some())
        );
        assert!(!frame.payload.updated_prices.is_empty());
    }),
    ("ws-oracle-price-data", |b| {
        let (frame, raw) = check_event::<OraclePriceData>(b, "oraclePriceData");
        assert_eq!(frame.payload.value, Some(raw_decimal(&raw["value"])));
    }),
    ("ws-order-event", |b| {
        let (frame, raw) = check_event::<OrderEvent>(b, "orderEvent");
        assert_eq!(frame.payload.order_id.as_deref(), raw["orderId"].as_str());
        assert!(frame.payload.price.is_some() && frame.payload.side.is_some());
    }),
    ("ws-orderbook-update", |b| {
        let (frame, raw) = check_event::<OrderBookUpdate>(b, "orderbookUpdate");
        assert_eq!(
            frame.payload.market_slug.as_deref(),
            raw["marketSlug"].as_str()
        );
        assert_book(&frame.payload.orderbook, &raw["orderbook"]);
    }),
    ("ws-system", |b| {
        let (frame, _) = check_event::<SystemMessage>(b, "system");
        assert!(frame.payload.message.starts_with("Successfully"));
    }),
    ("ws-transcript", ws_transcript),
    ("ws-tx", |b| {
        let (frame, _) = check_event::<TxEvent>(b, "tx");
        assert!(frame.payload.tx_hash.is_some() && frame.payload.amount_collateral.is_some());
    }),
];

#[test]
fn every_captured_response_decodes_with_its_folders_type() {
    let Some(dir) = limitless_testkit::responses_dir() else {
        return;
    };
    let mut folders: Vec<String> = std::fs::read_dir(dir)
        .expect("shared/fixtures/responses exists")
        .map(|entry| entry.expect("directory entry"))
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    assert!(folders.len() >= 30, "{folders:?}");
    let mut decoded = 0;
    let mut failures = Vec::new();
    for folder in &folders {
        let Some((_, check)) = TABLE.iter().find(|(name, _)| name == folder) else {
            failures.push(format!("{folder}: no entry in the table"));
            continue;
        };
        let files = files(folder);
        if files.is_empty() {
            failures.push(format!("{folder}: no *.json file"));
        }
        for (name, bytes) in files {
            let outcome = std::panic::catch_unwind(|| check(&bytes));
            match outcome {
                Ok(()) => decoded += 1,
                Err(panic) => failures.push(format!(
                    "{folder}/{name}: {}",
                    panic
                        .downcast_ref::<String>()
                        .map(String::as_str)
                        .or_else(|| panic.downcast_ref::<&str>().copied())
                        .unwrap_or("panicked")
                )),
            }
        }
    }
    for (name, _) in TABLE {
        if !folders.iter().any(|f| f == name) {
            failures.push(format!("{name}: in the table but not on disk"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(decoded >= 66, "only {decoded} files decoded");
}
