//! The announced `maxPayload`, enforced on the WebSocket transport.
//!
//! socketioxide 0.18.3 (engineioxide 0.17) checks `max_payload` on
//! long-polling bodies only; its WebSocket reader keeps tungstenite's
//! defaults (64 MiB messages, 16 MiB frames), so a client could send a
//! message 60 times the size the open packet announces and have it parsed.
//! [`MessageLimit`] follows the frame headers of what a client sends, as
//! the bytes arrive and before tungstenite buffers a payload, and reports a
//! message over [`MAX_PAYLOAD`](super::MAX_PAYLOAD) from its header alone.
//! The connection is then closed, as an Engine.IO server closes it (with
//! RFC 6455's 1009 "message too big" close frame, in the `ws` library under
//! Node's engine.io; no source confirms what the API's gateway sends). The
//! sandbox closes it without a close frame: a frame of its own could land
//! in the middle of one socketioxide is writing.

use std::io::Cursor;

use tungstenite::protocol::frame::FrameHeader;
use tungstenite::protocol::frame::coding::{Data, OpCode};

/// The longest frame header: 2 bytes, an 8-byte length, a 4-byte mask.
const MAX_HEADER: usize = 14;

/// Why a client's stream must be closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// A data message of `size` bytes (so far) over the limit.
    Oversized { size: u64 },
    /// A frame header tungstenite cannot read (it would close the
    /// connection too).
    Malformed,
}

/// Tracks the frames of one client-to-server WebSocket stream.
#[derive(Debug)]
pub(crate) struct MessageLimit {
    limit: u64,
    /// The start of a frame header not yet complete.
    header: Vec<u8>,
    /// Payload bytes of the current frame still to come.
    payload_left: u64,
    /// The payload size of the current data message, over its frames.
    message: u64,
    refused: Option<Refusal>,
}

impl MessageLimit {
    pub(crate) fn new(limit: u64) -> Self {
        Self {
            limit,
            header: Vec::with_capacity(MAX_HEADER),
            payload_left: 0,
            message: 0,
            refused: None,
        }
    }

    /// Follows `bytes`, the next bytes the client sent; an error once the
    /// stream breaks the limit (and on every call after).
    pub(crate) fn feed(&mut self, mut bytes: &[u8]) -> Result<(), Refusal> {
        if let Some(refusal) = self.refused {
            return Err(refusal);
        }
        while !bytes.is_empty() {
            if self.payload_left > 0 {
                let skip = usize::try_from(self.payload_left)
                    .unwrap_or(usize::MAX)
                    .min(bytes.len());
                self.payload_left -= skip as u64;
                bytes = &bytes[skip..];
                continue;
            }
            let before = self.header.len();
            let take = (MAX_HEADER - before).min(bytes.len());
            self.header.extend_from_slice(&bytes[..take]);
            let mut cursor = Cursor::new(&self.header[..]);
            match FrameHeader::parse(&mut cursor) {
                Ok(None) => {
                    // Everything taken is header; more is needed.
                    bytes = &bytes[take..];
                }
                Ok(Some((header, length))) => {
                    let used = usize::try_from(cursor.position()).unwrap_or(MAX_HEADER);
                    bytes = &bytes[used.saturating_sub(before)..];
                    self.header.clear();
                    self.payload_left = length;
                    self.frame(&header, length)?;
                }
                Err(_) => return Err(self.refuse(Refusal::Malformed)),
            }
        }
        Ok(())
    }

    fn frame(&mut self, header: &FrameHeader, length: u64) -> Result<(), Refusal> {
        match header.opcode {
            OpCode::Data(Data::Continue) => self.message = self.message.saturating_add(length),
            OpCode::Data(_) => self.message = length,
            // Control frames carry at most 125 bytes; tungstenite checks.
            OpCode::Control(_) => return Ok(()),
        }
        if self.message > self.limit {
            let size = self.message;
            return Err(self.refuse(Refusal::Oversized { size }));
        }
        Ok(())
    }

    fn refuse(&mut self, refusal: Refusal) -> Refusal {
        self.refused = Some(refusal);
        refusal
    }
}

#[cfg(test)]
mod tests {
    use tungstenite::protocol::frame::coding::Control;

    use super::*;

    /// A masked client frame header for a payload of `length` bytes.
    fn header(opcode: OpCode, is_final: bool, length: u64) -> Vec<u8> {
        let header = FrameHeader {
            is_final,
            opcode,
            mask: Some([1, 2, 3, 4]),
            ..FrameHeader::default()
        };
        let mut out = Vec::new();
        header.format(length, &mut out).unwrap();
        out
    }

    fn frame(opcode: OpCode, is_final: bool, length: usize) -> Vec<u8> {
        let mut out = header(opcode, is_final, length as u64);
        out.extend(std::iter::repeat_n(b'x', length));
        out
    }

    #[test]
    fn messages_up_to_the_limit_pass_even_split_byte_by_byte() {
        let mut limit = MessageLimit::new(1000);
        let mut stream = frame(OpCode::Data(Data::Text), true, 1000);
        stream.extend(frame(OpCode::Control(Control::Ping), true, 4));
        stream.extend(frame(OpCode::Data(Data::Text), false, 600));
        stream.extend(frame(OpCode::Data(Data::Continue), true, 400));
        stream.extend(frame(OpCode::Data(Data::Binary), true, 126));
        for byte in &stream {
            assert_eq!(limit.feed(std::slice::from_ref(byte)), Ok(()));
        }
        let mut whole = MessageLimit::new(1000);
        assert_eq!(whole.feed(&stream), Ok(()));
    }

    #[test]
    fn a_message_over_the_limit_is_refused_from_its_header() {
        let mut limit = MessageLimit::new(1_000_000);
        // 60 MiB announced: refused before any payload arrives.
        let announced = header(OpCode::Data(Data::Text), true, 60 << 20);
        assert_eq!(
            limit.feed(&announced),
            Err(Refusal::Oversized { size: 60 << 20 })
        );
        // And stays refused.
        assert!(limit.feed(b"x").is_err());
    }

    #[test]
    fn fragments_count_towards_one_message() {
        let mut limit = MessageLimit::new(1000);
        assert_eq!(
            limit.feed(&frame(OpCode::Data(Data::Text), false, 600)),
            Ok(())
        );
        // A ping between fragments does not reset the count.
        assert_eq!(
            limit.feed(&frame(OpCode::Control(Control::Ping), true, 2)),
            Ok(())
        );
        assert_eq!(
            limit.feed(&frame(OpCode::Data(Data::Continue), true, 401)),
            Err(Refusal::Oversized { size: 1001 })
        );
    }

    #[test]
    fn an_unreadable_header_is_refused() {
        let mut limit = MessageLimit::new(1000);
        // Opcode 3 is reserved: tungstenite refuses it.
        assert_eq!(
            limit.feed(&[0x83, 0x80, 0, 0, 0, 0]),
            Err(Refusal::Malformed)
        );
    }
}
