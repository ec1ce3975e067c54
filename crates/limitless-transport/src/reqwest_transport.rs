//! The [`reqwest`] backend.

use std::time::Duration;

use async_trait::async_trait;
use bytes::{Bytes, BytesMut};

use crate::config::{Config, DEFAULT_MAX_RESPONSE_BYTES};
use crate::error::{InvalidRequest, ResponseTooLarge, check_sendable};
use crate::{Transport, TransportError, TransportErrorKind};

/// A [`Transport`] backed by a [`reqwest::Client`] (rustls).
///
/// Built with [`new`](Self::new) or [`builder`](Self::builder), it never
/// follows redirects and has finite timeouts: 10 s to connect, 30 s for the
/// whole exchange including the body, idle pooled connections closed after
/// 90 s. It reads at most 16 MiB of a response body (see
/// [`ReqwestTransportBuilder::max_response_bytes`]). Connections are pooled
/// and reused. Like reqwest itself, it honours the
/// `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` environment variables.
///
/// Cloning is cheap and shares the connection pool.
#[derive(Clone, Debug)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    max_response_bytes: usize,
}

impl ReqwestTransport {
    /// A transport with the default settings.
    ///
    /// # Errors
    ///
    /// Fails only if reqwest cannot set up TLS on this system.
    pub fn new() -> Result<Self, TransportError> {
        Self::builder().build()
    }

    /// A builder for custom timeouts and pool settings.
    pub fn builder() -> ReqwestTransportBuilder {
        ReqwestTransportBuilder::default()
    }

    /// Wraps a client you configured yourself.
    ///
    /// You then own its redirect policy and timeouts: to keep the guarantees
    /// of [`new`](Self::new), build it with
    /// `redirect(reqwest::redirect::Policy::none())` and finite
    /// `connect_timeout` and `timeout` values. A client that follows
    /// redirects would re-send signed requests to another URL. Response
    /// bodies are still limited to the default 16 MiB.
    pub fn from_client(client: reqwest::Client) -> Self {
        Self {
            client,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    /// The underlying client.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }
}

impl From<reqwest::Client> for ReqwestTransport {
    fn from(client: reqwest::Client) -> Self {
        Self::from_client(client)
    }
}

/// Builds a [`ReqwestTransport`]; from [`ReqwestTransport::builder`].
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct ReqwestTransportBuilder {
    config: Config,
}

impl ReqwestTransportBuilder {
    /// How long to wait for the TCP connection and TLS handshake (default
    /// 10 s, or half of `timeout` if that is shorter). It must be shorter
    /// than `timeout`. A connect timeout means the request was not sent.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.config.connect_timeout = Some(timeout);
        self
    }

    /// How long the whole exchange may take, from connecting to the last
    /// byte of the response body (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.config.timeout = timeout;
        self
    }

    /// How long an idle pooled connection is kept open (default 90 s).
    pub fn pool_idle_timeout(mut self, timeout: Duration) -> Self {
        self.config.pool_idle_timeout = timeout;
        self
    }

    /// How many idle connections per host are kept (default 32); `0`
    /// disables connection reuse.
    pub fn pool_max_idle_per_host(mut self, max: usize) -> Self {
        self.config.pool_max_idle_per_host = max;
        self
    }

    /// The most response body bytes read (default 16 MiB). A longer body
    /// fails with a [`Body`](TransportErrorKind::Body) error (the request
    /// reached the server) as soon as it is declared or read past the limit.
    pub fn max_response_bytes(mut self, max: usize) -> Self {
        self.config.max_response_bytes = max;
        self
    }

    /// Builds the transport.
    ///
    /// # Errors
    ///
    /// A zero `connect_timeout`, `timeout` or `max_response_bytes`, or a
    /// `connect_timeout` not shorter than `timeout`, is rejected (the
    /// error's source names the settings); so is a system where reqwest
    /// cannot set up TLS.
    pub fn build(self) -> Result<ReqwestTransport, TransportError> {
        let config = self.config;
        config.validate()?;
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(config.connect_timeout())
            .timeout(config.timeout)
            .pool_idle_timeout(config.pool_idle_timeout)
            .pool_max_idle_per_host(config.pool_max_idle_per_host)
            .build()
            .map_err(TransportError::not_sent)?;
        Ok(ReqwestTransport {
            client,
            max_response_bytes: config.max_response_bytes,
        })
    }
}

#[async_trait]
impl Transport for ReqwestTransport {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let request = to_reqwest(request)?;
        let mut response = self.client.execute(request).await?;
        let status = response.status();
        let version = response.version();
        let headers = std::mem::take(response.headers_mut());
        let body = read_body(&mut response, &headers, self.max_response_bytes).await?;
        let mut converted = http::Response::new(body);
        *converted.status_mut() = status;
        *converted.version_mut() = version;
        *converted.headers_mut() = headers;
        Ok(converted)
    }
}

/// Reads the whole body, failing as soon as it is declared or read longer
/// than `limit` bytes.
async fn read_body(
    response: &mut reqwest::Response,
    headers: &http::HeaderMap,
    limit: usize,
) -> Result<Bytes, TransportError> {
    ResponseTooLarge::check_declared(headers, limit)?;
    let mut body = BytesMut::new();
    while let Some(chunk) = response.chunk().await? {
        if chunk.len() > limit - body.len() {
            return Err(TransportError::body(ResponseTooLarge { limit }));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Converts the request without changing what goes on the wire.
///
/// reqwest keeps URLs as [`reqwest::Url`], whose parser normalises some
/// paths and queries (dot segments, characters it percent-encodes). The
/// request was signed over its exact path and query, so a URI that would
/// be rewritten is refused rather than sent with a signature that cannot
/// match.
fn to_reqwest(request: http::Request<Bytes>) -> Result<reqwest::Request, TransportError> {
    let (parts, body) = request.into_parts();
    check_sendable(&parts.uri, parts.version)?;
    let url = reqwest::Url::parse(&parts.uri.to_string()).map_err(|source| {
        TransportError::not_sent(InvalidRequest(format!(
            "the request URI {} is not a valid URL: {source}",
            parts.uri
        )))
    })?;
    let wanted = (parts.uri.path(), parts.uri.query());
    if (url.path(), url.query()) != wanted {
        let sent = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        };
        return Err(TransportError::not_sent(InvalidRequest(format!(
            "reqwest would send the path and query of {} as {sent}; percent-encode the \
             request URI in that form before signing it",
            parts.uri
        ))));
    }
    let mut converted = reqwest::Request::new(parts.method, url);
    *converted.headers_mut() = parts.headers;
    *converted.body_mut() = Some(reqwest::Body::from(body));
    Ok(converted)
}

impl From<reqwest::Error> for TransportError {
    /// Classifies a reqwest error by whether the request may have reached
    /// the server: connection failures (also a connect timeout) were not
    /// sent; a total timeout, a body failure or anything else may have been.
    fn from(error: reqwest::Error) -> Self {
        let (kind, may_have_been_sent) = if error.is_connect() {
            if error.is_timeout() {
                (TransportErrorKind::Timeout, false)
            } else {
                (TransportErrorKind::Connect, false)
            }
        } else if error.is_timeout() {
            (TransportErrorKind::Timeout, true)
        } else if error.is_body() || error.is_decode() {
            (TransportErrorKind::Body, true)
        } else if error.is_builder() {
            (TransportErrorKind::Other, false)
        } else if error.is_request() {
            (TransportErrorKind::Io, true)
        } else {
            (TransportErrorKind::Other, true)
        };
        TransportError::new(kind, may_have_been_sent).with_source(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    fn request(uri: &str) -> http::Request<Bytes> {
        http::Request::post(uri)
            .header("x-dup", "1")
            .header("x-dup", "2")
            .body(Bytes::from_static(b"{\"a\":1}"))
            .expect("valid request")
    }

    #[test]
    fn conversion_keeps_method_uri_headers_and_body() {
        let converted =
            to_reqwest(request("https://example.test/orders?market=btc&x=%20")).expect("converts");
        assert_eq!(converted.method(), http::Method::POST);
        assert_eq!(
            converted.url().as_str(),
            "https://example.test/orders?market=btc&x=%20"
        );
        let dups: Vec<_> = converted.headers().get_all("x-dup").iter().collect();
        assert_eq!(dups, ["1", "2"]);
        let body = converted.body().and_then(reqwest::Body::as_bytes);
        assert_eq!(body, Some(&b"{\"a\":1}"[..]));
    }

    #[test]
    fn a_uri_reqwest_would_rewrite_is_refused_before_sending() {
        let err = to_reqwest(request("https://example.test/a/../orders")).expect_err("rewritten");
        assert_eq!(err.kind(), TransportErrorKind::Other);
        assert!(!err.may_have_been_sent());
        let detail = err.source().expect("detail").to_string();
        assert!(detail.contains("as /orders;"), "{detail}");
    }

    #[test]
    fn a_relative_uri_is_refused_before_sending() {
        let err = to_reqwest(request("/orders")).expect_err("relative");
        assert!(!err.may_have_been_sent());
        assert!(
            err.source()
                .expect("detail")
                .to_string()
                .contains("must be absolute")
        );
    }

    #[test]
    fn zero_timeout_fails_to_build() {
        let err = ReqwestTransport::builder()
            .timeout(Duration::ZERO)
            .build()
            .expect_err("zero timeout");
        assert_eq!(err.kind(), TransportErrorKind::Other);
    }

    #[test]
    fn a_connect_timeout_not_shorter_than_the_total_fails_to_build() {
        let err = ReqwestTransport::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(5))
            .build()
            .expect_err("connect = total");
        assert_eq!(err.kind(), TransportErrorKind::Other);
        assert!(!err.may_have_been_sent());
        let detail = err.source().expect("detail").to_string();
        assert!(
            detail.starts_with("connect_timeout (5s) must be shorter than timeout (5s)"),
            "{detail}"
        );
        let err = ReqwestTransport::builder()
            .max_response_bytes(0)
            .build()
            .expect_err("zero limit");
        assert!(
            err.source()
                .expect("detail")
                .to_string()
                .contains("max_response_bytes")
        );
    }
}
