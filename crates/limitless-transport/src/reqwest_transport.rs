//! The [`reqwest`] backend.

use std::fmt;
use std::sync::{Arc, OnceLock};

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
#[derive(Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    max_response_bytes: usize,
    origins: Arc<Origins>,
}

impl fmt::Debug for ReqwestTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Not the cached origins: a URI's user info may hold a password.
        f.debug_struct("ReqwestTransport")
            .field("client", &self.client)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish_non_exhaustive()
    }
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
            origins: Arc::default(),
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
    crate::config::config_setters!();

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
        // reqwest without its own provider panics unless one is installed;
        // an application's own choice, installed earlier, wins.
        #[cfg(all(feature = "rustls-ring", not(feature = "rustls-aws-lc-rs")))]
        if rustls::crypto::CryptoProvider::get_default().is_none() {
            // Losing a race with another installer is fine: one is set.
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
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
            origins: Arc::default(),
        })
    }
}

#[async_trait]
impl Transport for ReqwestTransport {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let request = to_reqwest(request, &self.origins)?;
        let mut response = self.client.execute(request).await?;
        let status = response.status();
        let version = response.version();
        let headers = std::mem::take(response.headers_mut());
        let body = read_body(&mut response, self.max_response_bytes).await?;
        let mut converted = http::Response::new(body);
        *converted.status_mut() = status;
        *converted.version_mut() = version;
        *converted.headers_mut() = headers;
        Ok(converted)
    }
}

/// Reads the whole body, failing as soon as it is declared or read longer
/// than `limit` bytes. A body that arrives as one chunk, as most API
/// responses do, is returned as that chunk, not copied.
async fn read_body(
    response: &mut reqwest::Response,
    limit: usize,
) -> Result<Bytes, TransportError> {
    // The length hyper parsed, not another header lookup.
    ResponseTooLarge::check_declared(response.content_length(), limit)?;
    let too_large = || TransportError::too_large(ResponseTooLarge { limit });
    let Some(first) = response.chunk().await? else {
        return Ok(Bytes::new());
    };
    if first.len() > limit {
        return Err(too_large());
    }
    let Some(mut chunk) = response.chunk().await? else {
        return Ok(first);
    };
    let mut body = BytesMut::with_capacity(first.len() + chunk.len());
    body.extend_from_slice(&first);
    loop {
        if chunk.len() > limit - body.len() {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
        match response.chunk().await? {
            Some(next) => chunk = next,
            None => return Ok(body.freeze()),
        }
    }
}

/// How many origins (scheme and authority) a transport keeps parsed. A
/// client talks to one; a transport shared by a few clients to a few.
const CACHED_ORIGINS: usize = 4;

/// The first [`CACHED_ORIGINS`] origins a transport has sent to, each parsed
/// once as a [`reqwest::Url`]: a request's URL is then a copy of its origin's
/// with the path and query set, instead of its whole URI printed and parsed
/// again. Slots are filled once and never replaced, so reading them takes no
/// lock; a request to any further origin is parsed in full.
#[derive(Debug, Default)]
struct Origins([OnceLock<Origin>; CACHED_ORIGINS]);

/// A parsed origin and the exact text it was parsed from.
#[derive(Debug)]
struct Origin {
    scheme: Box<str>,
    authority: Box<str>,
    url: reqwest::Url,
}

impl Origins {
    /// The parsed URL of `uri`'s origin (path `/`, no query); `uri` is
    /// absolute (checked by [`check_sendable`]).
    fn url_of(&self, uri: &http::Uri) -> Result<reqwest::Url, TransportError> {
        let scheme = uri.scheme_str().unwrap_or_default();
        let authority = uri.authority().map_or("", http::uri::Authority::as_str);
        for slot in &self.0 {
            match slot.get() {
                // Compared byte for byte: user info is case-sensitive.
                Some(origin) if *origin.scheme == *scheme && *origin.authority == *authority => {
                    return Ok(origin.url.clone());
                }
                Some(_) => {}
                None => {
                    let url = parse_origin(scheme, authority, uri)?;
                    // Another request may have filled the slot meanwhile;
                    // this one has its URL either way.
                    let _ = slot.set(Origin {
                        scheme: scheme.into(),
                        authority: authority.into(),
                        url: url.clone(),
                    });
                    return Ok(url);
                }
            }
        }
        parse_origin(scheme, authority, uri)
    }
}

fn parse_origin(
    scheme: &str,
    authority: &str,
    uri: &http::Uri,
) -> Result<reqwest::Url, TransportError> {
    reqwest::Url::parse(&format!("{scheme}://{authority}")).map_err(|source| {
        TransportError::not_sent(InvalidRequest(format!(
            "the request URI {uri} is not a valid URL: {source}"
        )))
    })
}

/// Converts the request without changing what goes on the wire.
///
/// reqwest keeps URLs as [`reqwest::Url`], whose parser normalises some
/// paths and queries (dot segments, characters it percent-encodes). The
/// request was signed over its exact path and query, so a URI that would
/// be rewritten is refused rather than sent with a signature that cannot
/// match.
fn to_reqwest(
    request: http::Request<Bytes>,
    origins: &Origins,
) -> Result<reqwest::Request, TransportError> {
    let (parts, body) = request.into_parts();
    check_sendable(&parts.uri, parts.version)?;
    let wanted = (parts.uri.path(), parts.uri.query());
    let mut url = origins.url_of(&parts.uri)?;
    url.set_path(wanted.0);
    url.set_query(wanted.1);
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
        let head_too_large = {
            let mut next = std::error::Error::source(&error);
            let mut found = false;
            while let Some(err) = next {
                if err
                    .downcast_ref::<hyper::Error>()
                    .is_some_and(crate::error::is_head_too_large)
                {
                    found = true;
                    break;
                }
                next = err.source();
            }
            found
        };
        let (kind, may_have_been_sent) = if head_too_large {
            (TransportErrorKind::TooLarge, true)
        } else if error.is_connect() {
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
    use std::time::Duration;

    fn request(uri: &str) -> http::Request<Bytes> {
        http::Request::post(uri)
            .header("x-dup", "1")
            .header("x-dup", "2")
            .body(Bytes::from_static(b"{\"a\":1}"))
            .expect("valid request")
    }

    #[test]
    fn conversion_keeps_method_uri_headers_and_body() {
        let converted = to_reqwest(
            request("https://example.test/orders?market=btc&x=%20"),
            &Origins::default(),
        )
        .expect("converts");
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
        let err = to_reqwest(
            request("https://example.test/a/../orders"),
            &Origins::default(),
        )
        .expect_err("rewritten");
        assert_eq!(err.kind(), TransportErrorKind::Other);
        assert!(!err.may_have_been_sent());
        let detail = err.source().expect("detail").to_string();
        assert!(detail.contains("as /orders;"), "{detail}");
    }

    #[test]
    fn a_relative_uri_is_refused_before_sending() {
        let err = to_reqwest(request("/orders"), &Origins::default()).expect_err("relative");
        assert!(!err.may_have_been_sent());
        assert!(
            err.source()
                .expect("detail")
                .to_string()
                .contains("must be absolute")
        );
    }

    /// What the conversion did before origins were cached: print the whole
    /// URI, parse it, refuse it if the path or query changed.
    fn reparsed(uri: &http::Uri) -> Option<String> {
        let url = reqwest::Url::parse(&uri.to_string()).ok()?;
        ((url.path(), url.query()) == (uri.path(), uri.query())).then(|| url.to_string())
    }

    #[test]
    fn cached_origins_convert_as_a_full_parse_would() {
        let uris = [
            "http://127.0.0.1:4000/auth/api-tokens",
            "https://api.limitless.exchange/markets/active?page=2&limit=25",
            "https://api.limitless.exchange/",
            "https://api.limitless.exchange",
            "https://api.limitless.exchange?x=1",
            "https://api.limitless.exchange/a/../b",
            "https://api.limitless.exchange/a/%2e%2E/b",
            "https://api.limitless.exchange/./b",
            "https://api.limitless.exchange//double//slash",
            "https://api.limitless.exchange/q?a='b'&c=%zz",
            "https://api.limitless.exchange/q?",
            "https://api.limitless.exchange/p%7Bx%7D?k=%E2%82%AC",
            "https://api.limitless.exchange/p{x}?k={v}|w",
            "https://api.limitless.exchange/p\"q?r\"s",
            "https://api.limitless.exchange/p?q#fragment",
            "http://API.Limitless.Exchange:80/x",
            "http://api.limitless.exchange:8080/x",
            "http://User:Pa%20ss@api.limitless.exchange/x",
            "http://user:pa%20ss@api.limitless.exchange/x",
            "http://[::1]:4000/x?y",
            "http://[0:0::1]/x",
            "http://0x7f.1/x",
            "http://xn--nxasmq6b.example/x",
            "http://a..b/x",
            "http://host%41/x",
        ];
        let warm = Origins::default();
        let (mut accepted, mut refused) = (0, 0);
        for round in 0..2 {
            for text in uris {
                let Ok(uri) = text.parse::<http::Uri>() else {
                    continue;
                };
                let expected = reparsed(&uri);
                if expected.is_some() {
                    accepted += 1;
                } else {
                    refused += 1;
                }
                for (origins, which) in [(&Origins::default(), "cold"), (&warm, "warm")] {
                    let converted = to_reqwest(request(text), origins)
                        .ok()
                        .map(|r| r.url().to_string());
                    assert_eq!(converted, expected, "{text}, {which} cache, round {round}");
                }
            }
        }
        assert_eq!(
            (accepted, refused),
            (2 * 18, 2 * 5),
            "both outcomes compared"
        );
        // Origins past the first four are parsed in full, and still right.
        assert!(warm.0.iter().all(|slot| slot.get().is_some()));
    }

    #[test]
    fn origins_differing_only_in_user_info_case_are_kept_apart() {
        let origins = Origins::default();
        let upper = to_reqwest(request("http://User@example.test/a"), &origins).expect("upper");
        let lower = to_reqwest(request("http://user@example.test/b"), &origins).expect("lower");
        assert_eq!(upper.url().as_str(), "http://User@example.test/a");
        assert_eq!(lower.url().as_str(), "http://user@example.test/b");
        let again = to_reqwest(request("http://User@example.test/c?d"), &origins).expect("again");
        assert_eq!(again.url().as_str(), "http://User@example.test/c?d");
    }

    #[test]
    fn debug_does_not_show_cached_user_info() {
        let transport = ReqwestTransport::new().expect("builds");
        to_reqwest(
            request("http://user:hunter2@example.test/a"),
            &transport.origins,
        )
        .expect("converts");
        assert!(transport.origins.0[0].get().is_some());
        let shown = format!("{transport:?}");
        assert!(shown.starts_with("ReqwestTransport {"), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
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
