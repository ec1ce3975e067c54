//! Opening the WebSocket, with the TLS the crate's features choose.

use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::handshake::client::Request;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::Error;

/// The socket the client speaks over.
pub(crate) type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

#[cfg(any(feature = "rustls-aws-lc-rs", feature = "rustls-ring"))]
type Connector = Option<tokio_tungstenite::Connector>;
#[cfg(not(any(feature = "rustls-aws-lc-rs", feature = "rustls-ring")))]
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
        not(any(feature = "rustls-aws-lc-rs", feature = "rustls-ring")),
        allow(clippy::unnecessary_wraps, unused_variables)
    )]
    pub(crate) fn new(secure: bool) -> Result<Self, Error> {
        #[cfg(any(feature = "rustls-aws-lc-rs", feature = "rustls-ring"))]
        let connector = if secure {
            Some(tokio_tungstenite::Connector::Rustls(rustls_config()?))
        } else {
            None
        };
        #[cfg(not(any(feature = "rustls-aws-lc-rs", feature = "rustls-ring")))]
        let connector = ();
        Ok(Self { connector })
    }

    /// Opens TCP (without Nagle's delay), TLS when needed, and upgrades to
    /// a WebSocket with `request`'s headers.
    pub(crate) async fn connect(&self, request: Request) -> Result<Socket, Error> {
        #[cfg(any(
            feature = "rustls-aws-lc-rs",
            feature = "rustls-ring",
            feature = "native-tls"
        ))]
        let connected =
            tokio_tungstenite::connect_async_tls_with_config(request, None, true, self.connector())
                .await;
        #[cfg(not(any(
            feature = "rustls-aws-lc-rs",
            feature = "rustls-ring",
            feature = "native-tls"
        )))]
        let connected = {
            let () = self.connector;
            tokio_tungstenite::connect_async_with_config(request, None, true).await
        };
        let (socket, _response) = connected?;
        Ok(socket)
    }

    #[cfg(any(feature = "rustls-aws-lc-rs", feature = "rustls-ring"))]
    fn connector(&self) -> Option<tokio_tungstenite::Connector> {
        self.connector.clone()
    }

    // With native-tls alone, tokio-tungstenite builds the platform
    // connector itself.
    #[cfg(all(
        feature = "native-tls",
        not(any(feature = "rustls-aws-lc-rs", feature = "rustls-ring"))
    ))]
    fn connector(&self) -> Option<tokio_tungstenite::Connector> {
        let () = self.connector;
        None
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
