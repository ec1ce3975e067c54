//! A `/markets` event payload: the first byte picks the event name, the
//! rest is the payload. `Event::decode` never panics, and a payload that
//! does not fit its type is kept exactly as sent; each payload type of
//! `limitless_types::ws` decodes on its own without panicking too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use limitless_types::ws::{
    MarketCreated, MarketResolved, NewPriceData, OraclePriceData, OrderBookUpdate, OrderEvent,
    SystemMessage, TxEvent,
};
use limitless_ws::Event;
use serde_json::value::RawValue;

const NAMES: [&str; 13] = [
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
];

fuzz_target!(|data: &[u8]| {
    let [pick, payload @ ..] = data else {
        return;
    };
    let name = NAMES[usize::from(*pick) % NAMES.len()];
    let _ = serde_json::from_slice::<OrderBookUpdate>(payload);
    let _ = serde_json::from_slice::<NewPriceData>(payload);
    let _ = serde_json::from_slice::<OraclePriceData>(payload);
    let _ = serde_json::from_slice::<OrderEvent>(payload);
    let _ = serde_json::from_slice::<TxEvent>(payload);
    let _ = serde_json::from_slice::<MarketCreated>(payload);
    let _ = serde_json::from_slice::<MarketResolved>(payload);
    let _ = serde_json::from_slice::<SystemMessage>(payload);
    let Ok(raw) = serde_json::from_slice::<Box<RawValue>>(payload) else {
        return;
    };
    let event = Event::decode(name, &raw);
    let _ = format!("{event:?}");
    if let Event::Unrecognized { event, payload } = &event {
        assert_eq!(event, name);
        assert_eq!(payload.get(), raw.get());
    }
});
