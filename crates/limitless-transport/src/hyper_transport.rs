//! The [`hyper`] backend: hyper 1 with hyper-util's pooled client and rustls.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Body as _;
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};

use crate::config::{Config, DEFAULT_MAX_RESPONSE_BYTES};
use crate::error::{ConfigError, ResponseTooLarge, chain_has_io_timeout, check_sendable};
use crate::{Transport, TransportError, TransportErrorKind};

type HyperClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// A [`Transport`] backed by hyper 1 and hyper-util's pooled client, with
/// rustls for `https` (Mozilla's root store; the process-wide rustls crypto
/// provider if the application installed one, aws-lc-rs otherwise).
///
/// It speaks HTTP/1.1, and HTTP/2 where TLS negotiates it; plain `http` is
/// allowed (for local servers). hyper never follows redirects. Timeouts are
/// finite: 10 s to connect, 30 s for the whole exchange including connecting
/// and the body; idle pooled connections are closed after 90 s. It reads at
/// most 16 MiB of a response body (see
/// [`HyperTransportBuilder::max_response_bytes`]). It does not read proxy
/// environment variables.
///
/// Requests must be sent from within a tokio runtime. Cloning is cheap and
/// shares the connection pool.
#[derive(Clone)]
pub struct HyperTransport {
    client: HyperClient,
    timeout: Duration,
    max_response_bytes: usize,
}

impl fmt::Debug for HyperTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperTransport")
            .field("timeout", &self.timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish_non_exhaustive()
    }
}

impl HyperTransport {
    /// A transport with the default settings.
    ///
    /// # Errors
    ///
    /// Fails only if rustls rejects the crypto provider's protocol versions.
    pub fn new() -> Result<Self, TransportError> {
        Self::builder().build()
    }

    /// A builder for custom timeouts and pool settings.
    pub fn builder() -> HyperTransportBuilder {
        HyperTransportBuilder::default()
    }

    /// Wraps a hyper-util client you built yourself, with the total
    /// `timeout` this transport puts around each exchange.
    ///
    /// You then own its connector, its connect timeout (keep it shorter
    /// than `timeout`, which covers connecting too) and its pool; hyper
    /// never follows redirects. Response bodies are limited to the default
    /// 16 MiB.
    pub fn from_client(
        client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
        timeout: Duration,
    ) -> Self {
        Self {
            client,
            timeout,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    /// The underlying client.
    pub fn client(&self) -> &Client<HttpsConnector<HttpConnector>, Full<Bytes>> {
        &self.client
    }
}

/// Builds a [`HyperTransport`]; from [`HyperTransport::builder`].
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct HyperTransportBuilder {
    config: Config,
}

impl HyperTransportBuilder {
    crate::config::config_setters!();

    /// Builds the transport. No runtime is needed to build it, only to send.
    ///
    /// # Errors
    ///
    /// A zero `connect_timeout`, `timeout` or `max_response_bytes`, or a
    /// `connect_timeout` not shorter than `timeout` (the total timeout
    /// covers connecting, so the connect timeout could never fire), is
    /// rejected (the error's source names the settings); so is a crypto
    /// provider rustls cannot use.
    pub fn build(self) -> Result<HyperTransport, TransportError> {
        let config = self.config;
        config.validate()?;

        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(Some(config.connect_timeout()));

        let provider = rustls::crypto::CryptoProvider::get_default()
            .cloned()
            .or_else(feature_provider)
            .ok_or_else(|| {
                TransportError::not_sent(ConfigError(
                    "no rustls crypto provider: enable the rustls-aws-lc-rs or rustls-ring feature, or install one with CryptoProvider::install_default".into(),
                ))
            })?;
        let https = HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(provider)
            .map_err(TransportError::not_sent)?
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .wrap_connector(http);

        let client = Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(config.pool_idle_timeout)
            .pool_max_idle_per_host(config.pool_max_idle_per_host)
            .build(https);
        Ok(HyperTransport {
            client,
            timeout: config.timeout,
            max_response_bytes: config.max_response_bytes,
        })
    }
}

/// The provider the enabled TLS feature names; aws-lc-rs when both are on.
fn feature_provider() -> Option<Arc<rustls::crypto::CryptoProvider>> {
    #[cfg(feature = "rustls-aws-lc-rs")]
    return Some(Arc::new(rustls::crypto::aws_lc_rs::default_provider()));
    #[cfg(all(feature = "rustls-ring", not(feature = "rustls-aws-lc-rs")))]
    return Some(Arc::new(rustls::crypto::ring::default_provider()));
    #[cfg(not(any(feature = "rustls-aws-lc-rs", feature = "rustls-ring")))]
    None
}

#[async_trait]
impl Transport for HyperTransport {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        check_sendable(request.uri(), request.version())?;
        let request = request.map(Full::new);
        let limit = self.max_response_bytes;
        let exchange = async {
            let response = self.client.request(request).await?;
            let (parts, body) = response.into_parts();
            ResponseTooLarge::check_declared(body.size_hint().exact(), limit)?;
            let body = Limited::new(body, limit)
                .collect()
                .await
                .map_err(|error| {
                    if error.is::<LengthLimitError>() {
                        TransportError::too_large(ResponseTooLarge { limit })
                    } else {
                        TransportError::body(error)
                    }
                })?
                .to_bytes();
            Ok(http::Response::from_parts(parts, body))
        };
        match tokio::time::timeout(self.timeout, exchange).await {
            Ok(result) => result,
            // The exchange may have been anywhere, even still connecting: the
            // request may have reached the server.
            Err(elapsed) => Err(TransportError::timeout(true, elapsed)),
        }
    }
}

impl From<hyper_util::client::legacy::Error> for TransportError {
    /// Classifies a hyper-util client error: a connection that could not be
    /// established (refused, DNS, TLS, connect timeout) was not sent;
    /// anything after that may have been.
    fn from(error: hyper_util::client::legacy::Error) -> Self {
        let timed_out = chain_has_io_timeout(&error)
            || source_chain_any(&error, |err| {
                err.downcast_ref::<hyper::Error>()
                    .is_some_and(hyper::Error::is_timeout)
            });
        let head_too_large = source_chain_any(&error, |err| {
            err.downcast_ref::<hyper::Error>()
                .is_some_and(crate::error::is_head_too_large)
        });
        if head_too_large {
            return TransportError::too_large(error);
        }
        let (kind, may_have_been_sent) = match (error.is_connect(), timed_out) {
            (true, true) => (TransportErrorKind::Timeout, false),
            (true, false) => (TransportErrorKind::Connect, false),
            (false, true) => (TransportErrorKind::Timeout, true),
            (false, false) => (TransportErrorKind::Io, true),
        };
        TransportError::new(kind, may_have_been_sent).with_source(error)
    }
}

fn source_chain_any(
    error: &(dyn std::error::Error + 'static),
    mut predicate: impl FnMut(&(dyn std::error::Error + 'static)) -> bool,
) -> bool {
    let mut next = Some(error);
    while let Some(err) = next {
        if predicate(err) {
            return true;
        }
        next = err.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[tokio::test]
    async fn a_relative_uri_is_refused_before_connecting() {
        let transport = HyperTransport::new().expect("builds");
        let request = http::Request::get("/markets")
            .body(Bytes::new())
            .expect("valid");
        let err = transport.send(request).await.expect_err("relative URI");
        assert_eq!(err.kind(), TransportErrorKind::Other);
        assert!(!err.may_have_been_sent());
        assert!(
            err.source()
                .expect("detail")
                .to_string()
                .contains("must be absolute")
        );
    }

    #[test]
    fn zero_connect_timeout_fails_to_build() {
        let err = HyperTransport::builder()
            .connect_timeout(Duration::ZERO)
            .build()
            .expect_err("zero connect timeout");
        assert_eq!(err.kind(), TransportErrorKind::Other);
        assert!(!err.may_have_been_sent());
    }

    #[test]
    fn debug_names_the_total_timeout() {
        let transport = HyperTransport::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .expect("builds");
        assert_eq!(
            format!("{transport:?}"),
            "HyperTransport { timeout: 5s, max_response_bytes: 16777216, .. }"
        );
    }

    #[test]
    fn a_connect_timeout_not_shorter_than_the_total_fails_to_build() {
        let err = HyperTransport::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(3))
            .build()
            .expect_err("connect > total");
        assert_eq!(err.kind(), TransportErrorKind::Other);
        assert!(!err.may_have_been_sent());
        let detail = err.source().expect("detail").to_string();
        assert!(
            detail.starts_with("connect_timeout (10s) must be shorter than timeout (3s)"),
            "{detail}"
        );
    }
}
