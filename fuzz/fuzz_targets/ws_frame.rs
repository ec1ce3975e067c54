//! One WebSocket text frame from the server, through everything the
//! stream client does with it: the Engine.IO/Socket.IO decoder
//! (`limitless_ws::frame`), the typed event decoder (`Event::from_frame`)
//! and, for a book update, a local order book. Never panics; a packet
//! that decodes re-encodes to a frame that decodes the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use limitless_ws::frame::EnginePacket;
use limitless_ws::{Event, LocalOrderBook};

fuzz_target!(|data: &[u8]| {
    // WebSocket text frames are UTF-8 by the protocol (tungstenite checks).
    let Ok(frame) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(packet) = EnginePacket::decode(frame) {
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
            let mut book = LocalOrderBook::new("btc");
            book.apply(update);
            let _ = (book.best_bid(), book.best_ask(), book.depth(5));
            let _ = (book.spread(), book.midpoint());
        }
    }
});
