//! Opening the WebSocket, with the TLS the crate's features choose.
//!
//! TCP and TLS are opened here and the WebSocket upgrade is left to
//! tungstenite on top of a [`Credentialed`] stream: tungstenite logs every
//! upgrade request it writes, headers included, at trace level (through
//! `log`, which cannot be turned off in it), so the credential headers are
//! never given to it. The stream adds them to the request's bytes on their
//! way to the server.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::handshake::client::Request;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::Error;

/// Credential header lines, kept out of every `Debug` and log (written by
/// the config's handshake, read only here, on their way to the server).
#[derive(Clone, Default)]
pub(crate) struct Secret(Vec<u8>);

impl Secret {
    /// Wraps header lines (`name: value\r\n` each) that carry credentials.
    pub(crate) fn from_lines(lines: Vec<u8>) -> Self {
        Self(lines)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    pub(crate) fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// The socket the client speaks over.
pub(crate) type Socket = WebSocketStream<Credentialed<MaybeTlsStream<TcpStream>>>;

#[cfg(any(feature = "rustls-aws-lc-rs", feature = "rustls-ring"))]
type Connector = Option<tokio_rustls::TlsConnector>;
#[cfg(all(
    feature = "native-tls",
    not(any(feature = "rustls-aws-lc-rs", feature = "rustls-ring"))
))]
type Connector = Option<tokio_native_tls::TlsConnector>;
#[cfg(not(any(
    feature = "rustls-aws-lc-rs",
    feature = "rustls-ring",
    feature = "native-tls"
)))]
type Connector = ();

/// How `wss://` connections are encrypted: rustls with the Mozilla roots
/// (the `rustls-*` features; the process-wide crypto provider if the
/// application installed one, else the one the feature names), or the
/// platform's library (`native-tls`). Built once, reused by every
/// reconnect.
pub(crate) struct Tls {
    connector: Connector,
}

impl Tls {
    /// The connector for a `ws://` (`secure` false: none) or `wss://`
    /// server.
    #[cfg_attr(
        not(any(
            feature = "rustls-aws-lc-rs",
            feature = "rustls-ring",
            feature = "native-tls"
        )),
        allow(clippy::unnecessary_wraps, unused_variables)
    )]
    pub(crate) fn new(secure: bool) -> Result<Self, Error> {
        #[cfg(any(feature = "rustls-aws-lc-rs", feature = "rustls-ring"))]
        let connector = if secure {
            Some(tokio_rustls::TlsConnector::from(rustls_config()?))
        } else {
            None
        };
        #[cfg(all(
            feature = "native-tls",
            not(any(feature = "rustls-aws-lc-rs", feature = "rustls-ring"))
        ))]
        let connector = if secure {
            let native = native_tls::TlsConnector::new()
                .map_err(|e| Error::Config(format!("the platform's TLS cannot be used: {e}")))?;
            Some(tokio_native_tls::TlsConnector::from(native))
        } else {
            None
        };
        #[cfg(not(any(
            feature = "rustls-aws-lc-rs",
            feature = "rustls-ring",
            feature = "native-tls"
        )))]
        let connector = ();
        Ok(Self { connector })
    }

    /// Opens TCP (without Nagle's delay), TLS when needed, and upgrades to
    /// a WebSocket with `request`'s headers plus `credentials` (header
    /// lines kept from tungstenite, see [`Credentialed`]), within the
    /// frame and message limits of `limits`.
    pub(crate) async fn connect(
        &self,
        request: Request,
        credentials: Secret,
        limits: WebSocketConfig,
    ) -> Result<Socket, Error> {
        let uri = request.uri();
        let secure = uri.scheme_str() == Some("wss");
        // URIs write IPv6 hosts in brackets; sockets and TLS take them
        // bare.
        let host = uri
            .host()
            .ok_or_else(|| Error::Config("the URL has no host".into()))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let port = uri.port_u16().unwrap_or(if secure { 443 } else { 80 });
        let tcp = TcpStream::connect((host.as_str(), port))
            .await
            .map_err(io_error)?;
        tcp.set_nodelay(true).map_err(io_error)?;
        let stream = self.encrypt(tcp, &host, secure).await?;
        let (socket, _response) = tokio_tungstenite::client_async_with_config(
            request,
            Credentialed::new(stream, credentials),
            Some(limits),
        )
        .await?;
        Ok(socket)
    }

    #[cfg(any(feature = "rustls-aws-lc-rs", feature = "rustls-ring"))]
    async fn encrypt(
        &self,
        tcp: TcpStream,
        host: &str,
        secure: bool,
    ) -> Result<MaybeTlsStream<TcpStream>, Error> {
        match (&self.connector, secure) {
            (Some(connector), true) => {
                let name = rustls::pki_types::ServerName::try_from(host.to_owned())
                    .map_err(|_| Error::Config(format!("{host:?} is not a TLS server name")))?;
                let tls = connector.connect(name, tcp).await.map_err(io_error)?;
                Ok(MaybeTlsStream::Rustls(tls))
            }
            _ => Ok(MaybeTlsStream::Plain(tcp)),
        }
    }

    #[cfg(all(
        feature = "native-tls",
        not(any(feature = "rustls-aws-lc-rs", feature = "rustls-ring"))
    ))]
    async fn encrypt(
        &self,
        tcp: TcpStream,
        host: &str,
        secure: bool,
    ) -> Result<MaybeTlsStream<TcpStream>, Error> {
        match (&self.connector, secure) {
            (Some(connector), true) => {
                let tls = connector
                    .connect(host, tcp)
                    .await
                    .map_err(|e| io_error(io::Error::other(e)))?;
                Ok(MaybeTlsStream::NativeTls(tls))
            }
            _ => Ok(MaybeTlsStream::Plain(tcp)),
        }
    }

    #[cfg(not(any(
        feature = "rustls-aws-lc-rs",
        feature = "rustls-ring",
        feature = "native-tls"
    )))]
    #[allow(clippy::unused_async)]
    async fn encrypt(
        &self,
        tcp: TcpStream,
        _host: &str,
        secure: bool,
    ) -> Result<MaybeTlsStream<TcpStream>, Error> {
        let () = self.connector;
        if secure {
            return Err(Error::Config(
                "wss:// needs a TLS feature (rustls-aws-lc-rs, rustls-ring or native-tls)".into(),
            ));
        }
        Ok(MaybeTlsStream::Plain(tcp))
    }
}

/// An I/O failure while connecting, as tungstenite reports its own.
fn io_error(error: io::Error) -> Error {
    Error::from(tokio_tungstenite::tungstenite::Error::Io(error))
}

/// The longest upgrade request head accepted before its blank line (the
/// request tungstenite writes is a few hundred bytes).
const MAX_REQUEST_HEAD: usize = 16 * 1024;

/// A stream that adds header lines to the first HTTP request written
/// through it, just before the blank line that ends its head, then passes
/// everything through unchanged.
///
/// tungstenite writes the upgrade request without the credential headers
/// (so its trace log never holds them); this adds them on the wire.
#[derive(Debug)]
pub(crate) struct Credentialed<S> {
    inner: S,
    /// Header lines still to add; `None` once added.
    credentials: Option<Secret>,
    /// The request head written so far, until its blank line.
    head: Vec<u8>,
    /// Bytes accepted from the writer, not yet passed to `inner`.
    out: Vec<u8>,
    /// How much of `out` `inner` has taken.
    sent: usize,
}

impl<S> Credentialed<S> {
    pub(crate) fn new(inner: S, credentials: Secret) -> Self {
        let credentials = (!credentials.is_empty()).then_some(credentials);
        Self {
            inner,
            credentials,
            head: Vec::new(),
            out: Vec::new(),
            sent: 0,
        }
    }
}

impl<S: AsyncWrite + Unpin> Credentialed<S> {
    /// Passes `out` to the inner stream.
    fn poll_drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.sent < self.out.len() {
            let written = ready!(Pin::new(&mut self.inner).poll_write(cx, &self.out[self.sent..]))?;
            if written == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.sent += written;
        }
        self.out = Vec::new();
        self.sent = 0;
        Poll::Ready(Ok(()))
    }

    /// Takes `buf` into the request head; once the head is complete, the
    /// head with the credential lines is queued for the inner stream.
    fn splice(&mut self, buf: &[u8]) -> io::Result<()> {
        self.head.extend_from_slice(buf);
        let Some(end) = self.head.windows(4).position(|w| w == b"\r\n\r\n") else {
            if self.head.len() > MAX_REQUEST_HEAD {
                return Err(io::Error::other("the upgrade request head is too long"));
            }
            return Ok(());
        };
        let Some(credentials) = self.credentials.take() else {
            return Ok(());
        };
        // After the last header line's CRLF, before the blank line's.
        let at = end + 2;
        let head = std::mem::take(&mut self.head);
        let mut out = Vec::with_capacity(head.len() + credentials.len());
        out.extend_from_slice(&head[..at]);
        out.extend_from_slice(credentials.expose());
        out.extend_from_slice(&head[at..]);
        self.out = out;
        Ok(())
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for Credentialed<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        // The request must be out before its answer can come.
        ready!(this.poll_drain(cx))?;
        Pin::new(&mut this.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Credentialed<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.credentials.is_some() {
            this.splice(buf)?;
            // Start sending what is queued; the rest goes on a flush or
            // the next read.
            if let Poll::Ready(Err(error)) = this.poll_drain(cx) {
                return Poll::Ready(Err(error));
            }
            return Poll::Ready(Ok(buf.len()));
        }
        ready!(this.poll_drain(cx))?;
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_drain(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_drain(cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

#[cfg(any(feature = "rustls-aws-lc-rs", feature = "rustls-ring"))]
fn rustls_config() -> Result<std::sync::Arc<rustls::ClientConfig>, Error> {
    use std::sync::Arc;

    let provider = rustls::crypto::CryptoProvider::get_default()
        .cloned()
        .or_else(feature_provider)
        .ok_or_else(|| {
            Error::Config("no rustls crypto provider: enable the rustls-aws-lc-rs or rustls-ring feature, or install one with CryptoProvider::install_default".into())
        })?;
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Config(format!("the rustls crypto provider cannot be used: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// The provider the enabled TLS feature names; aws-lc-rs when both are on.
#[cfg(any(feature = "rustls-aws-lc-rs", feature = "rustls-ring"))]
fn feature_provider() -> Option<std::sync::Arc<rustls::crypto::CryptoProvider>> {
    #[cfg(feature = "rustls-aws-lc-rs")]
    return Some(std::sync::Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ));
    #[cfg(all(feature = "rustls-ring", not(feature = "rustls-aws-lc-rs")))]
    return Some(std::sync::Arc::new(rustls::crypto::ring::default_provider()));
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tls").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    #[tokio::test]
    async fn credentials_are_added_before_the_blank_line_of_the_first_request_only() {
        let (client, mut server) = tokio::io::duplex(4096);
        let secret = Secret::from_lines(b"lmts-api-key: k\r\nlmts-signature: s\r\n".to_vec());
        let mut stream = Credentialed::new(client, secret);
        // The head arrives in pieces, its blank line split between two.
        for piece in [
            &b"GET /socket.io/ HTTP/1.1\r\nHost: h\r"[..],
            b"\n\r",
            b"\n",
        ] {
            stream.write_all(piece).await.unwrap();
        }
        stream.flush().await.unwrap();
        stream.write_all(b"frame\r\n\r\n").await.unwrap();
        stream.flush().await.unwrap();
        drop(stream);
        let mut wire = String::new();
        server.read_to_string(&mut wire).await.unwrap();
        assert_eq!(
            wire,
            "GET /socket.io/ HTTP/1.1\r\nHost: h\r\nlmts-api-key: k\r\nlmts-signature: s\r\n\r\nframe\r\n\r\n"
        );
    }

    #[tokio::test]
    async fn without_credentials_bytes_pass_unchanged() {
        let (client, mut server) = tokio::io::duplex(4096);
        let mut stream = Credentialed::new(client, Secret::default());
        stream.write_all(b"GET / HTTP/1.1\r\n\r\n").await.unwrap();
        stream.flush().await.unwrap();
        drop(stream);
        let mut wire = String::new();
        server.read_to_string(&mut wire).await.unwrap();
        assert_eq!(wire, "GET / HTTP/1.1\r\n\r\n");
    }
}
