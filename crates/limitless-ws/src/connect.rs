//! One connection attempt: the signed upgrade, Engine.IO's open packet,
//! the `/markets` namespace connect.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use limitless_types::ws::Handshake;
use serde::Deserialize;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

use crate::Error;
use crate::config::Config;
use crate::frame::{EnginePacket, FrameError, NAMESPACE, PacketKind, SocketPacket, excerpt};
use crate::tls::Socket;

/// Engine.IO's defaults, for an open packet that omits them.
const DEFAULT_PING_INTERVAL_MS: u64 = 25_000;
const DEFAULT_PING_TIMEOUT_MS: u64 = 20_000;

/// A connected namespace.
#[derive(Debug)]
pub(crate) struct Live {
    pub(crate) socket: Socket,
    /// The longest the server may stay silent between pings:
    /// `pingInterval + pingTimeout`.
    pub(crate) heartbeat: Duration,
    /// When the connection is declared dead without a ping.
    pub(crate) deadline: Instant,
}

impl Live {
    /// A ping arrived: the server is alive for another period.
    pub(crate) fn pinged(&mut self) {
        self.deadline = Instant::now() + self.heartbeat;
    }
}

/// Connects, signs the handshake afresh, opens the session and the
/// namespace, all within the connect timeout.
pub(crate) async fn establish(config: &Config) -> Result<Live, Error> {
    tokio::time::timeout(config.connect_timeout, open(config))
        .await
        .map_err(|_| Error::ConnectTimeout(config.connect_timeout))?
}

async fn open(config: &Config) -> Result<Live, Error> {
    let (request, credentials) = config.handshake()?;
    let mut socket = config
        .tls
        .connect(request, credentials, config.limits())
        .await?;

    let handshake = loop {
        let text = next_text(&mut socket).await?;
        match EnginePacket::decode(&text).map_err(Error::Protocol)? {
            EnginePacket::Open(json) => {
                break serde_json::from_str::<Handshake>(json).map_err(|e| {
                    Error::Protocol(FrameError::MalformedData {
                        kind: "open",
                        reason: e.to_string(),
                    })
                })?;
            }
            EnginePacket::Noop => {}
            _ => {
                return Err(Error::Protocol(FrameError::Unexpected {
                    expected: "the Engine.IO open packet",
                    got: excerpt(&text),
                }));
            }
        }
    };
    let heartbeat = Duration::from_millis(
        handshake
            .ping_interval
            .unwrap_or(DEFAULT_PING_INTERVAL_MS)
            .saturating_add(handshake.ping_timeout.unwrap_or(DEFAULT_PING_TIMEOUT_MS)),
    );
    let mut live = Live {
        socket,
        heartbeat,
        deadline: Instant::now() + heartbeat,
    };

    send(
        &mut live.socket,
        EnginePacket::Message(SocketPacket::connect(NAMESPACE)),
    )
    .await?;
    loop {
        let text = next_text(&mut live.socket).await?;
        match EnginePacket::decode(&text).map_err(Error::Protocol)? {
            EnginePacket::Ping(data) => {
                live.pinged();
                send(&mut live.socket, EnginePacket::Pong(data)).await?;
            }
            EnginePacket::Close => {
                return Err(Error::ConnectionLost("the server closed the session"));
            }
            EnginePacket::Message(packet) if packet.namespace == NAMESPACE => match packet.kind {
                PacketKind::Connect => return Ok(live),
                PacketKind::ConnectError => {
                    return Err(Error::ConnectRefused {
                        namespace: NAMESPACE.to_owned(),
                        message: refusal_message(packet.data),
                    });
                }
                PacketKind::Disconnect => {
                    return Err(Error::ConnectionLost("the server left the namespace"));
                }
                // Nothing else is expected before the namespace is open.
                PacketKind::Event | PacketKind::Ack => {}
            },
            _ => {}
        }
    }
}

/// The message of a connect error: `{"message":…}` or a bare string.
fn refusal_message(data: Option<&str>) -> String {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Refusal {
        Object { message: String },
        Text(String),
    }
    match data.map(serde_json::from_str::<Refusal>) {
        Some(Ok(Refusal::Object { message } | Refusal::Text(message))) => message,
        Some(Err(_)) => data.map(excerpt).unwrap_or_default(),
        None => String::new(),
    }
}

/// The next text frame. WebSocket pings are answered by tungstenite.
pub(crate) async fn next_text(socket: &mut Socket) -> Result<String, Error> {
    loop {
        match socket.next().await {
            Some(Ok(Message::Text(text))) => return Ok(text.as_str().to_owned()),
            Some(Ok(Message::Close(_))) => {
                return Err(Error::ConnectionLost("the server closed the WebSocket"));
            }
            Some(Ok(_)) => {}
            Some(Err(error)) => return Err(error.into()),
            None => return Err(Error::ConnectionLost("the connection closed")),
        }
    }
}

/// Writes one packet.
pub(crate) async fn send(socket: &mut Socket, packet: EnginePacket<'_>) -> Result<(), Error> {
    socket
        .send(Message::text(packet.encode()))
        .await
        .map_err(Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusal_messages() {
        assert_eq!(
            refusal_message(Some(r#"{"message":"Unauthorized"}"#)),
            "Unauthorized"
        );
        assert_eq!(refusal_message(Some(r#""nope""#)), "nope");
        assert_eq!(refusal_message(Some(r#"{"code":1}"#)), r#"{"code":1}"#);
        assert_eq!(refusal_message(None), "");
    }
}
