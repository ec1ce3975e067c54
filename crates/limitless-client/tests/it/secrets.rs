//! Sentinel tests: the HMAC secret (as given and decoded), every signature
//! the client computed, the identity token and the API key never appear in
//! `Debug` or `Display` of credentials, builder, client, the requests handed
//! to the transport, what a retry policy sees, or any error.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use limitless_client::http::Method;
use limitless_client::{
    Attempt, Client, DeriveApiTokenInput, Error, HmacCredentials, RequestContext, RetryConfig,
    RetryDecision, RetryPolicy, TransportError,
};
use limitless_transport::test_util::MockTransport;
use limitless_transport::{Bytes, transport_fn};
use serde_json::json;

use crate::faults::{order, tokens_json};
use crate::support::{API_KEY, IDENTITY, SECRET, credentials, market_json};

/// Everything that must never be printed, signatures added as they are made.
#[derive(Clone, Default)]
struct Sentinels(Arc<Mutex<Vec<String>>>);

impl Sentinels {
    fn new() -> Self {
        let sentinels = Self::default();
        for fixed in [SECRET, "sentinel-hmac-secret-value", IDENTITY, API_KEY] {
            sentinels.add(fixed);
        }
        sentinels
    }

    fn add(&self, secret: &str) {
        self.0.lock().unwrap().push(secret.to_owned());
    }

    #[track_caller]
    fn assert_absent(&self, what: &str, text: &str) {
        for secret in self.0.lock().unwrap().iter() {
            assert!(
                !text.contains(secret.as_str()),
                "{what} shows {secret}: {text}"
            );
        }
    }

    /// Display, Debug and every source's Display and Debug.
    #[track_caller]
    fn assert_error_clean(&self, error: &Error) {
        self.assert_absent("error", &error.to_string());
        self.assert_absent("error", &format!("{error:?}"));
        let mut source = std::error::Error::source(error);
        while let Some(inner) = source {
            self.assert_absent("error source", &inner.to_string());
            self.assert_absent("error source", &format!("{inner:?}"));
            source = inner.source();
        }
    }
}

/// A policy that prints every attempt it is shown, then retries per the
/// default rules.
#[derive(Debug, Default)]
struct Printing {
    seen: Arc<Mutex<Vec<String>>>,
    inner: RetryConfig,
}

impl RetryPolicy for Printing {
    fn decide(&self, attempt: &Attempt<'_>) -> RetryDecision {
        self.seen.lock().unwrap().push(format!("{attempt:?}"));
        self.inner.decide(attempt)
    }
}

#[tokio::test]
async fn no_secret_is_printed_anywhere_along_a_call() {
    let sentinels = Sentinels::new();
    let mock = MockTransport::new();
    let printed_requests = Arc::new(Mutex::new(Vec::new()));
    let transport = {
        let mock = mock.clone();
        let sentinels = sentinels.clone();
        let printed = Arc::clone(&printed_requests);
        transport_fn(move |request: limitless_client::http::Request<Bytes>| {
            if let Some(signature) = request.headers().get("lmts-signature") {
                sentinels.add(signature.to_str().unwrap());
            }
            printed.lock().unwrap().push(format!("{request:?}"));
            let mock = mock.clone();
            async move { limitless_client::Transport::send(&mock, request).await }
        })
    };
    let policy = Printing {
        inner: RetryConfig::new()
            .with_initial_backoff(Duration::from_millis(1))
            .with_max_backoff(Duration::from_millis(2)),
        ..Printing::default()
    };
    let seen = Arc::clone(&policy.seen);
    let builder = Client::builder()
        .transport(transport)
        .hmac_credentials(credentials())
        .api_key(API_KEY)
        .retry_policy(policy)
        // Many calls against a local double: the rate limit would only slow it.
        .no_rate_limit();
    sentinels.assert_absent("credentials", &format!("{:?}", credentials()));
    sentinels.assert_absent("builder", &format!("{builder:?}"));
    let http = builder.build().unwrap();
    let client = Client::from_http_client(http.clone()).unwrap();

    // A read that fails once and is retried, an identity call rejected by
    // the API, an order whose outcome is unknown, a rate limit.
    mock.push_json(503, &json!({"message": "busy"}));
    mock.push_json(200, &tokens_json());
    mock.push_json(401, &json!({"message": "identity expired"}));
    mock.push_json(200, &market_json("btc", None));
    mock.push_error(TransportError::timeout(
        true,
        std::io::Error::from(std::io::ErrorKind::TimedOut),
    ));
    mock.push_response(429, [("retry-after", "60")], "{}");
    mock.push_response(200, [("content-type", "application/json")], "{not json");
    client.api_tokens.list_tokens().await.unwrap();
    let mut errors = vec![
        client
            .api_tokens
            .get_capabilities(IDENTITY)
            .await
            .unwrap_err(),
        client
            .delegated_orders
            .create_order(&order())
            .await
            .unwrap_err(),
        client.api_tokens.list_tokens().await.unwrap_err(),
        client.api_tokens.list_tokens().await.unwrap_err(),
    ];
    assert!(matches!(errors[1], Error::OutcomeUnknown { .. }));
    assert!(matches!(errors[2], Error::RateLimited { .. }));
    assert!(matches!(errors[3], Error::Decode(_)));

    // Errors raised before any I/O, and at build time.
    errors.push(
        client
            .api_tokens
            .derive_token(&format!("{IDENTITY}\n"), &DeriveApiTokenInput::default())
            .await
            .unwrap_err(),
    );
    errors.push(
        unauthenticated()
            .api_tokens
            .list_tokens()
            .await
            .unwrap_err(),
    );
    errors.push(
        Client::builder()
            .transport(MockTransport::new())
            .hmac_credentials(HmacCredentials::new("tok", "sentinel-hmac-secret-value!!"))
            .build()
            .unwrap_err(),
    );
    sentinels.add("sentinel-hmac-secret-value!!");
    errors.push(
        Client::builder()
            .transport(MockTransport::new())
            .api_key(format!("{API_KEY}\u{7f}"))
            .build()
            .unwrap_err(),
    );
    errors.push(Error::Transport {
        context: RequestContext::new("list_tokens", Method::GET, "/auth/api-tokens"),
        source: TransportError::io(std::io::Error::from(std::io::ErrorKind::ConnectionReset)),
    });

    let signatures = mock
        .requests()
        .iter()
        .filter(|r| r.header("lmts-signature").is_some())
        .count();
    assert!(signatures >= 5, "only {signatures} signed requests");
    for error in &errors {
        sentinels.assert_error_clean(error);
    }
    let printed_requests = printed_requests.lock().unwrap();
    // The printed requests do show the auth headers, by name only.
    assert!(
        printed_requests
            .iter()
            .any(|p| p.contains("lmts-signature"))
    );
    assert!(printed_requests.iter().any(|p| p.contains("\"identity\"")));
    for printed in printed_requests.iter() {
        sentinels.assert_absent("request", printed);
    }
    for request in mock.requests() {
        sentinels.assert_absent("recorded request", &format!("{request:?}"));
    }
    let seen = seen.lock().unwrap();
    // 503, 401, 429 and the derive the exhausted script refuses as invalid.
    assert!(seen.len() >= 4, "{seen:#?}");
    for attempt in seen.iter() {
        sentinels.assert_absent("attempt", attempt);
    }
    sentinels.assert_absent("http client", &format!("{http:?}"));
    sentinels.assert_absent("client", &format!("{client:?}"));
}

/// A client without any credential.
fn unauthenticated() -> Client {
    let http = Client::builder()
        .transport(MockTransport::new())
        .build()
        .unwrap();
    Client::from_http_client(http).unwrap()
}

/// The one-time secret a derive response carries.
const DERIVED_SECRET: &str = "c2VudGluZWwtZGVyaXZlZC1zZWNyZXQtb25jZQ==";

fn derived_json(profile: serde_json::Value) -> serde_json::Value {
    json!({
        "apiKey": "tok_derived",
        "secret": DERIVED_SECRET,
        "tokenId": "tok_derived",
        "createdAt": "2026-02-02T00:00:00.000Z",
        "scopes": ["trading"],
        "profile": profile,
    })
}

/// A client whose only answers are `mock`'s.
fn client_on(mock: &MockTransport) -> Client {
    let http = Client::builder()
        .transport(mock.clone())
        .no_retries()
        .build()
        .unwrap();
    Client::from_http_client(http).unwrap()
}

#[tokio::test]
async fn a_derived_token_with_its_raw_response_prints_no_secret() {
    let sentinels = Sentinels::new();
    sentinels.add(DERIVED_SECRET);
    let mock = MockTransport::new();
    mock.push_json(200, &derived_json(json!({"id": 7, "account": "0xabc"})));
    let response = client_on(&mock)
        .api_tokens
        .derive_token(IDENTITY, &DeriveApiTokenInput::default())
        .with_raw()
        .await
        .unwrap();
    // The bytes stay readable; printing shows their length only.
    let body: &limitless_client::Bytes = &response.raw.body;
    assert!(
        String::from_utf8_lossy(body).contains(DERIVED_SECRET),
        "the raw body keeps the exact bytes"
    );
    assert_eq!(response.data.secret, DERIVED_SECRET);
    let printed = format!("{response:?}");
    assert!(
        printed.contains(&format!("<{} bytes>", response.raw.body.len())),
        "{printed}"
    );
    sentinels.assert_absent("ApiResponse", &printed);
    sentinels.assert_absent("RawResponse", &format!("{:?}", response.raw));
    sentinels.assert_absent("RawResponse", &format!("{:#?}", response.raw));
}

#[tokio::test]
async fn an_undecodable_derive_response_prints_no_secret() {
    let sentinels = Sentinels::new();
    sentinels.add(DERIVED_SECRET);
    // Bodies that carry the secret and fail to decode: one where serde's own
    // message would quote the secret (a string where an object belongs),
    // one cut short.
    let quoted = derived_json(json!(DERIVED_SECRET)).to_string();
    let cut = {
        let full = derived_json(json!({"id": 7, "account": "0xabc"})).to_string();
        full[..full.find(DERIVED_SECRET).unwrap() + DERIVED_SECRET.len()].to_owned()
    };
    for body in [quoted, cut] {
        let mock = MockTransport::new();
        mock.push_response(200, [("content-type", "application/json")], body.clone());
        let error = client_on(&mock)
            .api_tokens
            .derive_token(IDENTITY, &DeriveApiTokenInput::default())
            .await
            .unwrap_err();
        // Not idempotent and answered unreadably: outcome unknown, the
        // decode error inside, its body kept exactly.
        let Error::OutcomeUnknown { source, .. } = &error else {
            panic!("expected OutcomeUnknown, got {error:?}");
        };
        let Error::Decode(decode) = source.as_ref() else {
            panic!("expected Decode, got {source:?}");
        };
        let kept = &decode.body;
        assert!(kept.is_redacted());
        assert_eq!(kept.as_ref(), body.as_bytes());
        let debug = format!("{error:?}");
        assert!(
            debug.contains(&format!("<{} bytes, redacted>", body.len())),
            "{debug}"
        );
        sentinels.assert_error_clean(&error);
        sentinels.assert_error_clean(source);
        sentinels.assert_absent("error", &format!("{error:#?}"));
    }
}
