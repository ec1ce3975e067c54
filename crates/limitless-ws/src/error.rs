//! [`Error`]: everything the stream client can fail with.

use std::sync::Arc;
use std::time::Duration;

use limitless_auth::AuthError;
use tokio_tungstenite::tungstenite;

use crate::Channel;
use crate::frame::FrameError;

/// The most bytes of a refused handshake's body an error keeps.
pub const BODY_EXCERPT_BYTES: usize = 512;

/// Why connecting, subscribing or streaming failed.
///
/// Cheap to clone (streams each receive the error that closed them).
/// Never contains a secret, a signature or a header value.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A setting cannot work (a URL that is not `http(s)://` or
    /// `ws(s)://`, a zero timeout or capacity, a blank API key).
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The HMAC credentials cannot sign (checked when connecting).
    #[error("the HMAC credentials cannot sign")]
    Credentials(#[source] AuthError),
    /// The channel needs HMAC credentials or an API key and the client has
    /// neither; nothing was sent.
    #[error("{channel} needs HMAC credentials or an API key, and the client has neither")]
    AuthenticationRequired {
        /// The channel.
        channel: Channel,
    },
    /// An argument cannot be sent as it is; nothing was sent.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The server could not be reached, or the WebSocket failed (DNS,
    /// TCP, TLS, I/O, a malformed WebSocket frame).
    #[error("WebSocket error")]
    WebSocket(#[source] Arc<tungstenite::Error>),
    /// The server answered the WebSocket upgrade with an HTTP status (401
    /// for a signature it refused, for example).
    #[error("the server refused the WebSocket handshake with HTTP {status}: {body}")]
    HandshakeRefused {
        /// The HTTP status.
        status: u16,
        /// The start of the response body (at most
        /// [`BODY_EXCERPT_BYTES`], cut at a character boundary).
        body: String,
    },
    /// The server refused to connect the namespace (`44/markets,{…}`).
    #[error("the server refused the {namespace} namespace: {message}")]
    ConnectRefused {
        /// The namespace.
        namespace: String,
        /// The server's message.
        message: String,
    },
    /// Connecting (TCP, TLS, upgrade, Engine.IO open, namespace connect)
    /// took longer than the connect timeout.
    #[error("no connection within {0:?}")]
    ConnectTimeout(Duration),
    /// The server sent something that is not the Engine.IO / Socket.IO
    /// protocol at a point where the client needs it to be.
    #[error("protocol error")]
    Protocol(#[source] FrameError),
    /// The connection ended: the server closed the WebSocket, closed the
    /// Engine.IO session or left the namespace.
    #[error("connection lost: {0}")]
    ConnectionLost(&'static str),
    /// The server sent no Engine.IO ping within its announced
    /// `pingInterval + pingTimeout`.
    #[error("no heartbeat from the server for {0:?}")]
    HeartbeatTimeout(Duration),
    /// The server did not acknowledge an emitted event within the ack
    /// timeout: an unsubscribe, or a subscribe in
    /// [`SubscribeMode::Ack`](crate::SubscribeMode::Ack) (not kept). The
    /// event was sent; whether the server acted on it is unknown.
    #[error(
        "no acknowledgement of {event} within {timeout:?}: it was sent, and the server may have acted on it"
    )]
    AckTimeout {
        /// The event emitted.
        event: &'static str,
        /// The ack timeout.
        timeout: Duration,
    },
    /// The server refused an emitted event: an ack with an `error`, or an
    /// `exception` naming a subscribe still waiting to be settled.
    #[error("the server refused {event}: {message}")]
    Refused {
        /// The event emitted.
        event: &'static str,
        /// The server's message.
        message: String,
    },
    /// The reconnect policy's attempts are exhausted.
    #[error("gave up reconnecting after {attempts} attempts")]
    ReconnectFailed {
        /// Attempts made.
        attempts: u32,
        /// Why the last one failed.
        #[source]
        last: Box<Error>,
    },
    /// The client has shut down (or every handle was dropped).
    #[error("the stream client is closed")]
    Closed,
}

impl From<tungstenite::Error> for Error {
    fn from(error: tungstenite::Error) -> Self {
        match error {
            tungstenite::Error::Http(response) => {
                let status = response.status().as_u16();
                let body = response
                    .body()
                    .as_deref()
                    .map(body_excerpt)
                    .unwrap_or_default();
                Self::HandshakeRefused { status, body }
            }
            other => Self::WebSocket(Arc::new(other)),
        }
    }
}

/// The start of a body as text: at most [`BODY_EXCERPT_BYTES`], cut at a
/// character boundary, invalid UTF-8 replaced.
fn body_excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut end = text.len().min(BODY_EXCERPT_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_bounded() {
        assert_eq!(
            body_excerpt(br#"{"message":"Unauthorized"}"#),
            r#"{"message":"Unauthorized"}"#
        );
        let long = "é".repeat(BODY_EXCERPT_BYTES);
        let cut = body_excerpt(long.as_bytes());
        assert_eq!(cut.len(), BODY_EXCERPT_BYTES);
        assert_eq!(body_excerpt(&[0xff, b'a']), "\u{fffd}a");
    }

    #[test]
    fn an_http_answer_to_the_upgrade_is_a_refused_handshake() {
        let response = http_response(401, b"{\"message\":\"bad signature\"}");
        let error = Error::from(tungstenite::Error::Http(Box::new(response)));
        assert!(matches!(
            &error,
            Error::HandshakeRefused { status: 401, body } if body == r#"{"message":"bad signature"}"#
        ));
        assert_eq!(
            error.to_string(),
            r#"the server refused the WebSocket handshake with HTTP 401: {"message":"bad signature"}"#
        );
    }

    fn http_response(status: u16, body: &[u8]) -> tungstenite::http::Response<Option<Vec<u8>>> {
        tungstenite::http::Response::builder()
            .status(status)
            .body(Some(body.to_vec()))
            .unwrap()
    }
}
