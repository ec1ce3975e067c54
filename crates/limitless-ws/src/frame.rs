//! Engine.IO v4 and Socket.IO v5 text packets, read and written without
//! copying: the one place that knows the wire's punctuation.
//!
//! A WebSocket text frame carries one Engine.IO packet: a type digit and
//! its data (`0{open}`, `2` ping, `3` pong, `4<socket.io packet>`…). A
//! Socket.IO packet is `<type>[<namespace>,][<ack id>][<JSON>]`: the
//! namespace comes first and ends at a comma (absent for `/`), then the ack
//! id's digits, then the JSON data. So an event emitted on `/markets` with
//! ack id 7 is `42/markets,7["subscribe_market_prices",{}]`, and its ack
//! is `43/markets,7[…]`.
//!
//! ```
//! use limitless_ws::frame::{EnginePacket, PacketKind, SocketPacket};
//!
//! let packet = EnginePacket::decode(r#"43/markets,7[{"ok":true}]"#)?;
//! let EnginePacket::Message(ack) = packet else { unreachable!() };
//! assert_eq!(ack.kind, PacketKind::Ack);
//! assert_eq!(ack.namespace, "/markets");
//! assert_eq!(ack.ack_id, Some(7));
//! assert_eq!(ack.data, Some(r#"[{"ok":true}]"#));
//!
//! let emit = SocketPacket::event("/markets", Some(8), r#"["unsubscribe",{}]"#);
//! assert_eq!(EnginePacket::Message(emit).encode(), r#"42/markets,8["unsubscribe",{}]"#);
//! # Ok::<(), limitless_ws::frame::FrameError>(())
//! ```
//!
//! Binary packets (Socket.IO types 5 and 6, which announce attachments) are
//! refused: the API sends none.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde_json::value::RawValue;

/// The namespace the API serves its market streams on.
pub const NAMESPACE: &str = "/markets";

/// Why a frame could not be read. Never carries more than a short excerpt
/// of the frame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// The frame is empty.
    #[error("empty frame")]
    Empty,
    /// The first character is not an Engine.IO packet type.
    #[error("unknown Engine.IO packet type {0:?}")]
    UnknownEngineType(char),
    /// The Engine.IO message carries no Socket.IO packet type, or an
    /// unknown one.
    #[error("unknown Socket.IO packet type {0:?}")]
    UnknownSocketType(Option<char>),
    /// Socket.IO binary packets (types 5 and 6) are not supported.
    #[error("binary Socket.IO packets are not supported")]
    Binary,
    /// The ack id does not fit a `u64`.
    #[error("ack id out of range")]
    AckIdOutOfRange,
    /// The data is not the JSON this packet type carries.
    #[error("malformed {kind} data: {reason}")]
    MalformedData {
        /// The packet type.
        kind: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The frame is a valid packet, but not the one expected here.
    #[error("expected {expected}, got {got}")]
    Unexpected {
        /// What was expected.
        expected: &'static str,
        /// A short excerpt of what came.
        got: String,
    },
}

/// The most characters of a frame an error repeats.
const EXCERPT_CHARS: usize = 80;

/// A short excerpt of `text` for an error message.
pub(crate) fn excerpt(text: &str) -> String {
    match text.char_indices().nth(EXCERPT_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// One Engine.IO packet, borrowing from the frame it was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnginePacket<'a> {
    /// `0{…}`: the session's parameters
    /// ([`Handshake`](limitless_types::ws::Handshake) JSON).
    Open(&'a str),
    /// `1`: the server closes the session.
    Close,
    /// `2`: the server's heartbeat; answer with a [`Pong`](Self::Pong)
    /// carrying the same data.
    Ping(&'a str),
    /// `3`: the answer to a ping.
    Pong(&'a str),
    /// `4…`: a Socket.IO packet.
    Message(SocketPacket<'a>),
    /// `5`: transport upgrade (unused over a plain WebSocket).
    Upgrade,
    /// `6`: no-op.
    Noop,
}

impl<'a> EnginePacket<'a> {
    /// Reads one text frame.
    ///
    /// # Errors
    ///
    /// [`FrameError`] for anything that is not a well-formed Engine.IO v4
    /// text packet (with a well-formed Socket.IO v5 packet inside a
    /// message). Never panics.
    pub fn decode(frame: &'a str) -> Result<Self, FrameError> {
        let mut chars = frame.chars();
        let kind = chars.next().ok_or(FrameError::Empty)?;
        let rest = chars.as_str();
        Ok(match kind {
            '0' => Self::Open(rest),
            '1' => Self::Close,
            '2' => Self::Ping(rest),
            '3' => Self::Pong(rest),
            '4' => Self::Message(SocketPacket::decode(rest)?),
            '5' => Self::Upgrade,
            '6' => Self::Noop,
            other => return Err(FrameError::UnknownEngineType(other)),
        })
    }

    /// The frame's text.
    #[must_use]
    pub fn encode(&self) -> String {
        let mut out = String::new();
        self.encode_into(&mut out);
        out
    }

    /// Appends the frame's text to `out`.
    pub fn encode_into(&self, out: &mut String) {
        match self {
            Self::Open(data) => {
                out.push('0');
                out.push_str(data);
            }
            Self::Close => out.push('1'),
            Self::Ping(data) => {
                out.push('2');
                out.push_str(data);
            }
            Self::Pong(data) => {
                out.push('3');
                out.push_str(data);
            }
            Self::Message(packet) => {
                out.push('4');
                packet.encode_into(out);
            }
            Self::Upgrade => out.push('5'),
            Self::Noop => out.push('6'),
        }
    }
}

/// The Socket.IO packet types this client reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PacketKind {
    /// `0`: connect to a namespace (client), or its acceptance (server,
    /// with `{"sid":…}`).
    Connect,
    /// `1`: leave a namespace.
    Disconnect,
    /// `2`: an event, `["<name>", <args>…]`.
    Event,
    /// `3`: the answer to an event emitted with an ack id, `[<args>…]`.
    Ack,
    /// `4`: the server refused the namespace connection, with
    /// `{"message":…}`.
    ConnectError,
}

impl PacketKind {
    fn digit(self) -> char {
        match self {
            Self::Connect => '0',
            Self::Disconnect => '1',
            Self::Event => '2',
            Self::Ack => '3',
            Self::ConnectError => '4',
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Connect => "connect",
            Self::Disconnect => "disconnect",
            Self::Event => "event",
            Self::Ack => "ack",
            Self::ConnectError => "connect error",
        }
    }
}

/// One Socket.IO packet, borrowing from the frame it was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SocketPacket<'a> {
    /// The packet type.
    pub kind: PacketKind,
    /// The namespace, `/` when the packet names none.
    pub namespace: &'a str,
    /// The ack id, for an event that asks for an answer and for the answer.
    pub ack_id: Option<u64>,
    /// The JSON data, exactly as sent.
    pub data: Option<&'a str>,
}

impl<'a> SocketPacket<'a> {
    /// A namespace connect request without auth data (`0/markets,`).
    #[must_use]
    pub fn connect(namespace: &'a str) -> Self {
        Self {
            kind: PacketKind::Connect,
            namespace,
            ack_id: None,
            data: None,
        }
    }

    /// A namespace disconnect (`1/markets,`).
    #[must_use]
    pub fn disconnect(namespace: &'a str) -> Self {
        Self {
            kind: PacketKind::Disconnect,
            namespace,
            ack_id: None,
            data: None,
        }
    }

    /// An event: `args` is the JSON array `["<name>", <payload>…]`.
    #[must_use]
    pub fn event(namespace: &'a str, ack_id: Option<u64>, args: &'a str) -> Self {
        Self {
            kind: PacketKind::Event,
            namespace,
            ack_id,
            data: Some(args),
        }
    }

    /// An ack: `args` is the JSON array of the answer's arguments.
    #[must_use]
    pub fn ack(namespace: &'a str, ack_id: u64, args: &'a str) -> Self {
        Self {
            kind: PacketKind::Ack,
            namespace,
            ack_id: Some(ack_id),
            data: Some(args),
        }
    }

    /// Reads a Socket.IO packet (the part after Engine.IO's `4`).
    ///
    /// # Errors
    ///
    /// [`FrameError`] for an unknown or binary type, an ack id beyond
    /// `u64`, or data whose first character does not open the JSON value
    /// the type carries (an object for connect, an array for events and
    /// acks). The JSON itself is parsed by whoever reads the data.
    pub fn decode(packet: &'a str) -> Result<Self, FrameError> {
        let mut chars = packet.chars();
        let first = chars.next();
        let kind = match first {
            Some('0') => PacketKind::Connect,
            Some('1') => PacketKind::Disconnect,
            Some('2') => PacketKind::Event,
            Some('3') => PacketKind::Ack,
            Some('4') => PacketKind::ConnectError,
            Some('5' | '6') => return Err(FrameError::Binary),
            other => return Err(FrameError::UnknownSocketType(other)),
        };
        let mut rest = chars.as_str();

        let namespace = if rest.starts_with('/') {
            // The namespace runs to the first comma, or to the end.
            match rest.find(',') {
                Some(comma) => {
                    let namespace = &rest[..comma];
                    rest = &rest[comma + 1..];
                    namespace
                }
                None => std::mem::take(&mut rest),
            }
        } else {
            "/"
        };

        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let ack_id = if digits == 0 {
            None
        } else {
            let id = rest[..digits]
                .parse::<u64>()
                .map_err(|_| FrameError::AckIdOutOfRange)?;
            rest = &rest[digits..];
            Some(id)
        };

        let data = (!rest.is_empty()).then_some(rest);
        if let Some(data) = data {
            let opener = data.trim_start().chars().next();
            let fits = match kind {
                PacketKind::Connect => opener == Some('{'),
                PacketKind::ConnectError => matches!(opener, Some('{' | '"')),
                PacketKind::Event | PacketKind::Ack => opener == Some('['),
                PacketKind::Disconnect => false,
            };
            if !fits {
                return Err(FrameError::MalformedData {
                    kind: kind.name(),
                    reason: format!("unexpected data {}", excerpt(data)),
                });
            }
        } else if matches!(kind, PacketKind::Event | PacketKind::Ack) {
            return Err(FrameError::MalformedData {
                kind: kind.name(),
                reason: "no data".into(),
            });
        }

        Ok(Self {
            kind,
            namespace,
            ack_id,
            data,
        })
    }

    /// The packet's text, without Engine.IO's `4`.
    #[must_use]
    pub fn encode(&self) -> String {
        let mut out = String::new();
        self.encode_into(&mut out);
        out
    }

    /// Appends the packet's text (without Engine.IO's `4`) to `out`.
    pub fn encode_into(&self, out: &mut String) {
        out.push(self.kind.digit());
        if self.namespace != "/" {
            out.push_str(self.namespace);
            out.push(',');
        }
        if let Some(id) = self.ack_id {
            out.push_str(&id.to_string());
        }
        if let Some(data) = self.data {
            out.push_str(data);
        }
    }

    /// An event's name and first argument (JSON `null` when it has none).
    ///
    /// # Errors
    ///
    /// [`FrameError::Unexpected`] if this is not an event packet,
    /// [`FrameError::MalformedData`] if its data is not a JSON array
    /// starting with a string.
    pub fn event_args(&self) -> Result<EventArgs<'a>, FrameError> {
        match (self.kind, self.data) {
            (PacketKind::Event, Some(data)) => EventArgs::parse(data),
            _ => Err(FrameError::Unexpected {
                expected: "an event",
                got: self.kind.name().into(),
            }),
        }
    }
}

impl fmt::Display for SocketPacket<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.encode())
    }
}

/// An event's name and its first argument, borrowed from the frame.
#[derive(Debug, Clone, Copy)]
pub struct EventArgs<'a> {
    name: &'a RawValue,
    /// The event's first argument, exactly as sent (JSON `null` when the
    /// event has none). Further arguments are ignored: the API sends one.
    pub payload: &'a RawValue,
}

impl<'a> EventArgs<'a> {
    /// Reads `["<name>", <payload>, …]`.
    ///
    /// # Errors
    ///
    /// [`FrameError::MalformedData`] if `data` is not a JSON array whose
    /// first element is a string.
    pub fn parse(data: &'a str) -> Result<Self, FrameError> {
        let args: Self = serde_json::from_str(data).map_err(|e| FrameError::MalformedData {
            kind: "event",
            reason: e.to_string(),
        })?;
        if !args.name.get().starts_with('"') {
            return Err(FrameError::MalformedData {
                kind: "event",
                reason: "the event name is not a string".into(),
            });
        }
        Ok(args)
    }

    /// The event name, unescaped.
    #[must_use]
    pub fn name(&self) -> Cow<'a, str> {
        let raw = self.name.get();
        // A name without escapes is the text between the quotes.
        if !raw.contains('\\') {
            return Cow::Borrowed(&raw[1..raw.len() - 1]);
        }
        serde_json::from_str::<String>(raw).map_or(Cow::Borrowed(""), Cow::Owned)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for EventArgs<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ArgsVisitor;
        impl<'de> Visitor<'de> for ArgsVisitor {
            type Value = EventArgs<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("[\"<event>\", <payload>…]")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<EventArgs<'de>, A::Error> {
                let name: &'de RawValue = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(0, &self))?;
                let payload: &'de RawValue = seq.next_element()?.unwrap_or(RawValue::NULL);
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(EventArgs { name, payload })
            }
        }
        d.deserialize_seq(ArgsVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(frame: &str) -> SocketPacket<'_> {
        match EnginePacket::decode(frame) {
            Ok(EnginePacket::Message(packet)) => packet,
            other => panic!("{frame}: {other:?}"),
        }
    }

    #[test]
    fn engine_packets_round_trip() {
        let open = r#"0{"sid":"a","upgrades":[],"pingInterval":25000,"pingTimeout":60000,"maxPayload":1000000}"#;
        for (frame, packet) in [
            (open, EnginePacket::Open(&open[1..])),
            ("1", EnginePacket::Close),
            ("2", EnginePacket::Ping("")),
            ("2probe", EnginePacket::Ping("probe")),
            ("3", EnginePacket::Pong("")),
            ("3probe", EnginePacket::Pong("probe")),
            ("5", EnginePacket::Upgrade),
            ("6", EnginePacket::Noop),
        ] {
            assert_eq!(EnginePacket::decode(frame), Ok(packet), "{frame}");
            assert_eq!(packet.encode(), frame);
        }
    }

    #[test]
    fn namespace_connect_accept_and_refusal() {
        let connect = SocketPacket::connect(NAMESPACE);
        assert_eq!(EnginePacket::Message(connect).encode(), "40/markets,");
        assert_eq!(message("40/markets,"), connect);

        let accepted = message(r#"40/markets,{"sid":"MMAldJrGGAwxnT4xAHum"}"#);
        assert_eq!(accepted.kind, PacketKind::Connect);
        assert_eq!(accepted.namespace, "/markets");
        assert_eq!(accepted.data, Some(r#"{"sid":"MMAldJrGGAwxnT4xAHum"}"#));

        let refused = message(r#"44/markets,{"message":"unauthorized"}"#);
        assert_eq!(refused.kind, PacketKind::ConnectError);
        assert_eq!(refused.data, Some(r#"{"message":"unauthorized"}"#));
        assert_eq!(message(r#"44/markets,"nope""#).data, Some(r#""nope""#));

        let root = message(r#"40{"sid":"x"}"#);
        assert_eq!(root.namespace, "/");
        assert_eq!(EnginePacket::Message(root).encode(), r#"40{"sid":"x"}"#);

        let close = SocketPacket::disconnect(NAMESPACE);
        assert_eq!(EnginePacket::Message(close).encode(), "41/markets,");
        assert_eq!(message("41/markets,"), close);
        // A namespace that is not followed by a comma runs to the end.
        assert_eq!(message("41/markets").namespace, "/markets");
    }

    #[test]
    fn events_with_and_without_ack_ids_and_namespaces() {
        let cases: [(&str, &str, Option<u64>, &str); 4] = [
            (
                r#"42/markets,["system",{"message":"hi"}]"#,
                "/markets",
                None,
                r#"["system",{"message":"hi"}]"#,
            ),
            (
                r#"42/markets,12["subscribe_market_prices",{}]"#,
                "/markets",
                Some(12),
                r#"["subscribe_market_prices",{}]"#,
            ),
            (r#"42["ping"]"#, "/", None, r#"["ping"]"#),
            (r#"427["ping",1]"#, "/", Some(7), r#"["ping",1]"#),
        ];
        for (frame, namespace, ack_id, data) in cases {
            let packet = message(frame);
            assert_eq!(packet.kind, PacketKind::Event);
            assert_eq!(packet.namespace, namespace, "{frame}");
            assert_eq!(packet.ack_id, ack_id, "{frame}");
            assert_eq!(packet.data, Some(data), "{frame}");
            assert_eq!(EnginePacket::Message(packet).encode(), frame);
        }
        // The constructor writes the namespace first, then the ack id.
        let emit = SocketPacket::event(NAMESPACE, Some(3), r#"["unsubscribe",{"channel":"x"}]"#);
        assert_eq!(
            EnginePacket::Message(emit).encode(),
            r#"42/markets,3["unsubscribe",{"channel":"x"}]"#
        );
    }

    #[test]
    fn acks_namespaced_and_not() {
        let namespaced = message(r#"43/markets,7[{"error":null}]"#);
        assert_eq!(
            namespaced,
            SocketPacket::ack(NAMESPACE, 7, r#"[{"error":null}]"#)
        );
        assert_eq!(
            EnginePacket::Message(namespaced).encode(),
            r#"43/markets,7[{"error":null}]"#
        );
        let root = message(r#"4319["ok"]"#);
        assert_eq!(root, SocketPacket::ack("/", 19, r#"["ok"]"#));
        assert_eq!(EnginePacket::Message(root).encode(), r#"4319["ok"]"#);
        assert_eq!(message("43/markets,0[]").ack_id, Some(0));
        assert_eq!(
            message(&format!("43/markets,{}[]", u64::MAX)).ack_id,
            Some(u64::MAX)
        );
    }

    #[test]
    fn malformed_frames_are_errors() {
        let cases: [(&str, FrameError); 14] = [
            ("", FrameError::Empty),
            ("7", FrameError::UnknownEngineType('7')),
            ("x", FrameError::UnknownEngineType('x')),
            ("é", FrameError::UnknownEngineType('é')),
            ("4", FrameError::UnknownSocketType(None)),
            ("49", FrameError::UnknownSocketType(Some('9'))),
            ("4é", FrameError::UnknownSocketType(Some('é'))),
            (
                "451-[\"e\",{\"_placeholder\":true,\"num\":0}]",
                FrameError::Binary,
            ),
            ("46/markets,1-3[]", FrameError::Binary),
            (
                "43/markets,99999999999999999999[]",
                FrameError::AckIdOutOfRange,
            ),
            (
                "42/markets,",
                FrameError::MalformedData {
                    kind: "event",
                    reason: "no data".into(),
                },
            ),
            (
                "43/markets,5",
                FrameError::MalformedData {
                    kind: "ack",
                    reason: "no data".into(),
                },
            ),
            (
                "42/markets,{\"a\":1}",
                FrameError::MalformedData {
                    kind: "event",
                    reason: "unexpected data {\"a\":1}".into(),
                },
            ),
            (
                "40/markets,[1]",
                FrameError::MalformedData {
                    kind: "connect",
                    reason: "unexpected data [1]".into(),
                },
            ),
        ];
        for (frame, error) in cases {
            assert_eq!(EnginePacket::decode(frame), Err(error), "{frame:?}");
        }
        assert!(matches!(
            EnginePacket::decode("41/markets,{}"),
            Err(FrameError::MalformedData {
                kind: "disconnect",
                ..
            })
        ));
    }

    #[test]
    fn event_args_read_name_and_payload() {
        let packet = message(r#"42/markets,["orderbookUpdate",{"marketSlug":"m"},"extra"]"#);
        let args = packet.event_args().unwrap();
        assert_eq!(args.name(), "orderbookUpdate");
        assert!(matches!(args.name(), Cow::Borrowed(_)));
        assert_eq!(args.payload.get(), r#"{"marketSlug":"m"}"#);

        let bare = message(r#"42/markets,["ping"]"#).event_args().unwrap();
        assert_eq!(bare.name(), "ping");
        assert_eq!(bare.payload.get(), "null");

        let escaped = EventArgs::parse(r#"["a\"b\u00e9",1]"#).unwrap();
        assert_eq!(escaped.name(), "a\"bé");
        assert_eq!(escaped.payload.get(), "1");
    }

    #[test]
    fn malformed_event_args_are_errors() {
        for data in [
            "[]",
            "[1,2]",
            "[{},2]",
            "[null]",
            "[\"unterminated",
            "[\"a\",{]",
            "[\"a\",1]]",
            "[\"a\" 1]",
        ] {
            assert!(
                matches!(
                    EventArgs::parse(data),
                    Err(FrameError::MalformedData { kind: "event", .. })
                ),
                "{data}"
            );
        }
        let ack = message("43/markets,1[]");
        assert_eq!(
            ack.event_args().unwrap_err(),
            FrameError::Unexpected {
                expected: "an event",
                got: "ack".into()
            }
        );
    }

    #[test]
    fn no_prefix_of_a_real_frame_panics() {
        let frame = r#"42/markets,["system",{"message":"Successfully subscribed to market price updates","markets":["btc-é"]}]"#;
        for (end, _) in frame.char_indices() {
            let prefix = &frame[..end];
            if let Ok(EnginePacket::Message(packet)) = EnginePacket::decode(prefix) {
                let _ = packet.event_args();
            }
        }
    }

    #[test]
    fn excerpts_are_bounded_on_char_boundaries() {
        let long = "é".repeat(200);
        let cut = excerpt(&long);
        assert_eq!(cut.chars().count(), EXCERPT_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(excerpt("short"), "short");
    }
}
