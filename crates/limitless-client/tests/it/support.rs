//! Shared test fixtures: a wiremock matcher that verifies the HMAC signature
//! with `limitless_auth::Verifier`, header matchers, and client harnesses.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use limitless_auth::{HmacCredentials, Signer, VerificationRequest, Verifier};
use limitless_client::{Client, Clock, FixedClock, HttpClient};
use limitless_transport::ReqwestTransport;
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Match, MockBuilder, MockServer, Request};

/// The token id of the test HMAC credentials.
pub(crate) const TOKEN_ID: &str = "tok_test_1";
/// A sentinel HMAC secret: base64 of `sentinel-hmac-secret-value`. It must
/// never appear in any error, `Debug` output or trace.
pub(crate) const SECRET: &str = "c2VudGluZWwtaG1hYy1zZWNyZXQtdmFsdWU=";
/// A sentinel Privy identity token.
pub(crate) const IDENTITY: &str = "sentinel-identity-token-9f2c";
/// A sentinel legacy API key.
pub(crate) const API_KEY: &str = "sentinel-legacy-api-key";
/// The SDK identity sent as `user-agent` and `x-sdk-version`.
pub(crate) const SDK_ID: &str = concat!("limitless-rs/", env!("CARGO_PKG_VERSION"));
/// The fixed time every harness client signs with.
pub(crate) const NOW_MS: u64 = 1_770_000_000_123;

pub(crate) fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(NOW_MS)
}

pub(crate) fn credentials() -> HmacCredentials {
    HmacCredentials {
        token_id: TOKEN_ID.to_owned(),
        secret: SECRET.to_owned(),
    }
}

/// Verifies `lmts-api-key` / `lmts-timestamp` / `lmts-signature` exactly as
/// a server would: over the method, the path and query as received, and the
/// body bytes received, at the harness's fixed time.
#[derive(Debug)]
pub(crate) struct HmacSigned {
    verifier: Verifier,
    keys: HashMap<String, Signer>,
    now: SystemTime,
}

impl HmacSigned {
    /// Verifies at the harness's fixed time.
    pub(crate) fn new() -> Self {
        Self::at(now())
    }

    /// Verifies at `now`.
    pub(crate) fn at(now: SystemTime) -> Self {
        let mut keys = HashMap::new();
        keys.insert(TOKEN_ID.to_owned(), Signer::new(&credentials()).unwrap());
        Self {
            verifier: Verifier::default(),
            keys,
            now,
        }
    }
}

pub(crate) fn path_and_query(request: &Request) -> String {
    match request.url.query() {
        Some(query) => format!("{}?{query}", request.url.path()),
        None => request.url.path().to_owned(),
    }
}

impl Match for HmacSigned {
    fn matches(&self, request: &Request) -> bool {
        let header = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok());
        let path_and_query = path_and_query(request);
        let verification = VerificationRequest {
            api_key: header("lmts-api-key"),
            timestamp: header("lmts-timestamp"),
            signature: header("lmts-signature"),
            method: request.method.as_str(),
            path_and_query: &path_and_query,
            body: &request.body,
        };
        self.verifier
            .verify(&verification, &self.keys, self.now)
            .is_ok_and(|token_id| token_id == TOKEN_ID)
    }
}

/// Matches when the request has no header `name`.
#[derive(Debug)]
pub(crate) struct HeaderAbsent(pub &'static str);

impl Match for HeaderAbsent {
    fn matches(&self, request: &Request) -> bool {
        !request.headers.contains_key(self.0)
    }
}

/// Matches the exact query string (`None`: no query at all).
#[derive(Debug)]
pub(crate) struct QueryIs(Option<String>);

impl QueryIs {
    pub(crate) fn some(query: impl Into<String>) -> Self {
        Self(Some(query.into()))
    }

    pub(crate) fn none() -> Self {
        Self(None)
    }
}

impl Match for QueryIs {
    fn matches(&self, request: &Request) -> bool {
        request.url.query() == self.0.as_deref()
    }
}

/// Matches the exact body bytes, parsed as JSON and compared as values too
/// (so a mismatch in key presence is caught either way).
#[derive(Debug)]
pub(crate) struct BodyIs(pub String);

impl Match for BodyIs {
    fn matches(&self, request: &Request) -> bool {
        request.body == self.0.as_bytes()
    }
}

/// The method, path, SDK headers and content type every request carries.
fn base(http_method: &'static str, request_path: &str) -> MockBuilder {
    let builder = wiremock::Mock::given(method(http_method))
        .and(path(request_path))
        .and(header("user-agent", SDK_ID))
        .and(header("x-sdk-version", SDK_ID))
        .and(header("accept", "application/json"));
    if http_method == "POST" {
        builder.and(header("content-type", "application/json"))
    } else {
        builder.and(HeaderAbsent("content-type")).and(BodyEmpty)
    }
}

/// GET and DELETE requests carry no body.
#[derive(Debug)]
pub(crate) struct BodyEmpty;

impl Match for BodyEmpty {
    fn matches(&self, request: &Request) -> bool {
        request.body.is_empty()
    }
}

/// A request signed with the test HMAC credentials, and no other credential.
pub(crate) fn hmac_mock(http_method: &'static str, request_path: &str) -> MockBuilder {
    base(http_method, request_path)
        .and(HmacSigned::new())
        .and(header("lmts-api-key", TOKEN_ID))
        .and(HeaderAbsent("x-api-key"))
        .and(HeaderAbsent("identity"))
}

/// A request authenticated only with the sentinel identity token.
pub(crate) fn identity_mock(http_method: &'static str, request_path: &str) -> MockBuilder {
    base(http_method, request_path)
        .and(header("identity", format!("Bearer {IDENTITY}").as_str()))
        .and(HeaderAbsent("lmts-api-key"))
        .and(HeaderAbsent("lmts-timestamp"))
        .and(HeaderAbsent("lmts-signature"))
        .and(HeaderAbsent("x-api-key"))
}

/// A request authenticated only with the legacy API key.
pub(crate) fn api_key_mock(http_method: &'static str, request_path: &str) -> MockBuilder {
    base(http_method, request_path)
        .and(header("x-api-key", API_KEY))
        .and(HeaderAbsent("lmts-api-key"))
        .and(HeaderAbsent("lmts-timestamp"))
        .and(HeaderAbsent("lmts-signature"))
        .and(HeaderAbsent("identity"))
}

/// A request with no credential at all.
pub(crate) fn anonymous_mock(http_method: &'static str, request_path: &str) -> MockBuilder {
    base(http_method, request_path)
        .and(HeaderAbsent("lmts-api-key"))
        .and(HeaderAbsent("lmts-timestamp"))
        .and(HeaderAbsent("lmts-signature"))
        .and(HeaderAbsent("identity"))
        .and(HeaderAbsent("x-api-key"))
}

/// A mock server and a client pointed at it, on the fixed clock [`now`].
pub(crate) struct Harness {
    pub(crate) server: MockServer,
    pub(crate) client: Client,
}

pub(crate) enum Auth {
    Hmac,
    ApiKey,
    None,
}

pub(crate) async fn harness(auth: Auth) -> Harness {
    let server = MockServer::start().await;
    let clock = Arc::new(FixedClock::new(now()));
    let http = http_client(&server.uri(), auth, clock);
    Harness {
        client: Client::from_http_client(http).unwrap(),
        server,
    }
}

/// Endpoint tests count exactly one request per call, so the harness does not
/// retry; the retry behaviour has its own tests (`retries.rs`, `faults.rs`).
/// The mock server has no rate limits, so neither has the harness (the
/// limiter has its own tests, `rate_limits.rs`).
pub(crate) fn http_client(base_url: &str, auth: Auth, clock: Arc<FixedClock>) -> HttpClient {
    let builder = Client::builder()
        .base_url(base_url)
        .transport(ReqwestTransport::new().unwrap())
        .clock(clock)
        .no_retries()
        .no_rate_limit();
    let builder = match auth {
        Auth::Hmac => builder.hmac_credentials(credentials()),
        Auth::ApiKey => builder.api_key(API_KEY),
        Auth::None => builder,
    };
    builder.build().unwrap()
}

impl Harness {
    pub(crate) async fn hmac() -> Self {
        harness(Auth::Hmac).await
    }

    pub(crate) async fn api_key() -> Self {
        harness(Auth::ApiKey).await
    }

    pub(crate) async fn anonymous() -> Self {
        harness(Auth::None).await
    }

    /// Asserts that nothing reached the server.
    pub(crate) async fn assert_no_requests(&self) {
        let received = self.server.received_requests().await.unwrap();
        assert!(
            received.is_empty(),
            "expected no requests, got {:?}",
            received
                .iter()
                .map(|r| format!("{} {}", r.method, r.url))
                .collect::<Vec<_>>()
        );
    }

    /// The requests received so far, as (method, path?query, body).
    pub(crate) async fn requests(&self) -> Vec<Request> {
        self.server.received_requests().await.unwrap()
    }
}

/// Asserts that an error is `InvalidInput` whose message contains `needle`.
#[track_caller]
pub(crate) fn assert_invalid(error: &limitless_client::Error, needle: &str) {
    match error {
        limitless_client::Error::InvalidInput { message, .. } => {
            assert!(
                message.contains(needle),
                "message {message:?} lacks {needle:?}"
            );
        }
        other => panic!("expected InvalidInput containing {needle:?}, got {other:?}"),
    }
    assert_no_secrets(error);
}

/// Asserts that no sentinel secret appears in an error's `Display`,
/// `Debug` or source chain.
#[track_caller]
pub(crate) fn assert_no_secrets(error: &limitless_client::Error) {
    let mut texts = vec![error.to_string(), format!("{error:?}")];
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        texts.push(inner.to_string());
        texts.push(format!("{inner:?}"));
        source = inner.source();
    }
    for text in texts {
        for secret in [SECRET, IDENTITY, API_KEY, "sentinel-hmac-secret-value"] {
            assert!(!text.contains(secret), "{secret} leaked in {text}");
        }
    }
}

/// A clock that moves one second forward on every read, from [`now`], so
/// each attempt has its own timestamp.
#[derive(Debug)]
pub(crate) struct TickingClock(Mutex<SystemTime>);

impl TickingClock {
    pub(crate) fn new() -> Self {
        Self(Mutex::new(now()))
    }
}

impl Clock for TickingClock {
    fn now(&self) -> SystemTime {
        let mut time = self.0.lock().unwrap();
        *time += Duration::from_secs(1);
        *time
    }
}

/// A `tracing_subscriber` writer collecting everything into one buffer.
#[derive(Clone, Default)]
pub(crate) struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    /// Everything written so far, as text.
    pub(crate) fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// A market payload as `GET /markets/{slug}` returns it.
/// One listed API token, as `GET /auth/api-tokens` answers.
pub(crate) fn tokens_json() -> Value {
    serde_json::json!([{"tokenId": "tok_1", "label": null, "scopes": ["trading"], "createdAt": "2026-03-01T00:00:00.000Z", "lastUsedAt": null}])
}

pub(crate) fn market_json(slug: &str, fee_module_type: Option<&str>) -> Value {
    let mut venue = json!({
        "exchange": "0xa4409D988CA2218d956BeEFD3874100F444f0DC3",
        "adapter": null,
    });
    if let Some(kind) = fee_module_type {
        venue["feeModule"] = json!("0x1111111111111111111111111111111111111111");
        venue["feeModuleType"] = json!(kind);
    }
    json!({
        "id": 4821,
        "slug": slug,
        "title": "Will BTC close above $100k?",
        "conditionId": "0x4f5c0c2c8e8f1a7d9b3e6a2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e",
        "collateralToken": {"address": "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", "decimals": 6, "symbol": "USDC"},
        "expirationDate": "2026-12-31",
        "expirationTimestamp": 1798675200000_i64,
        "status": "FUNDED",
        "tokens": {"yes": "123", "no": "456"},
        "prices": [0.55, 0.45],
        "venue": venue,
        "unknownField": {"ignored": true}
    })
}
