//! Client behaviour shared by every operation: headers, auth precedence,
//! base URL prefix, errors, raw responses, the retry hook, tracing, secrets.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use limitless_client::http::StatusCode;
use limitless_client::{
    Attempt, Client, Clock, CreateDelegatedOrderParams, Error, FixedClock, HmacCredentials,
    RetryDecision, RetryPolicy, Side, parse_api_error_message,
};
use limitless_transport::test_util::{FailingTransport, MockTransport};
use serde_json::json;
use wiremock::ResponseTemplate;
use wiremock::matchers::header;

use crate::support::{
    API_KEY, Auth, Captured, Harness, HeaderAbsent, IDENTITY, SECRET, TOKEN_ID, TickingClock,
    assert_no_secrets, credentials, hmac_mock, http_client, market_json, now,
};

fn tokens_json() -> serde_json::Value {
    json!([{"tokenId": "tok_1", "label": null, "scopes": ["trading"], "createdAt": "2026-03-01T00:00:00.000Z", "lastUsedAt": null}])
}

#[tokio::test]
async fn base_url_path_prefix_is_kept_and_signed() {
    let server = wiremock::MockServer::start().await;
    hmac_mock("GET", "/api/v1/auth/api-tokens")
        .respond_with(ResponseTemplate::new(200).set_body_json(tokens_json()))
        .expect(1)
        .mount(&server)
        .await;
    let clock = Arc::new(FixedClock::new(now()));
    let http = http_client(&format!("{}/api/v1/", server.uri()), Auth::Hmac, clock);
    assert_eq!(http.base_url(), format!("{}/api/v1", server.uri()));
    let client = Client::from_http_client(http).unwrap();
    let tokens = client.api_tokens.list_tokens().await.unwrap();
    assert_eq!(tokens[0].token_id, "tok_1");
}

#[tokio::test]
async fn default_headers_are_sent_but_never_replace_auth_headers() {
    let server = wiremock::MockServer::start().await;
    hmac_mock("GET", "/auth/api-tokens")
        .and(header("x-partner-app", "acme-bot"))
        .respond_with(ResponseTemplate::new(200).set_body_json(tokens_json()))
        .expect(1)
        .mount(&server)
        .await;
    let http = Client::builder()
        .base_url(server.uri())
        .transport(limitless_transport::ReqwestTransport::new().unwrap())
        .clock(FixedClock::new(now()))
        .hmac_credentials(credentials())
        .default_header("x-partner-app", "acme-bot")
        .build()
        .unwrap();
    let client = Client::from_http_client(http).unwrap();
    client.api_tokens.list_tokens().await.unwrap();

    for reserved in ["lmts-signature", "X-API-Key", "identity", "user-agent"] {
        let error = Client::builder()
            .transport(MockTransport::new())
            .default_header(reserved, "x")
            .build()
            .unwrap_err();
        assert!(
            matches!(error, Error::Config { .. }),
            "{reserved}: {error:?}"
        );
    }
}

#[tokio::test]
async fn hmac_wins_over_api_key() {
    let server = wiremock::MockServer::start().await;
    hmac_mock("GET", "/auth/api-tokens")
        .respond_with(ResponseTemplate::new(200).set_body_json(tokens_json()))
        .expect(1)
        .mount(&server)
        .await;
    let http = Client::builder()
        .base_url(server.uri())
        .transport(limitless_transport::ReqwestTransport::new().unwrap())
        .clock(FixedClock::new(now()))
        .api_key(API_KEY)
        .hmac_credentials(credentials())
        .build()
        .unwrap();
    let client = Client::from_http_client(http).unwrap();
    client.api_tokens.list_tokens().await.unwrap();
}

#[tokio::test]
async fn the_api_key_header_value_is_marked_sensitive() {
    let transport = MockTransport::new();
    transport.push_json(200, &tokens_json());
    let http = Client::builder()
        .transport(transport.clone())
        .api_key(API_KEY)
        .build()
        .unwrap();
    Client::from_http_client(http)
        .unwrap()
        .api_tokens
        .list_tokens()
        .await
        .unwrap();
    let request = transport.last_request().unwrap();
    assert!(request.headers["x-api-key"].is_sensitive());
    assert_eq!(
        request.uri.to_string(),
        "https://api.limitless.exchange/auth/api-tokens"
    );
}

#[tokio::test]
async fn the_identity_header_value_is_marked_sensitive() {
    let transport = MockTransport::new();
    transport.push_json(
        200,
        &json!({"partnerProfileId": 1, "tokenManagementEnabled": true, "allowedScopes": []}),
    );
    let http = Client::builder()
        .transport(transport.clone())
        .build()
        .unwrap();
    Client::from_http_client(http)
        .unwrap()
        .api_tokens
        .get_capabilities(IDENTITY)
        .await
        .unwrap();
    let request = transport.last_request().unwrap();
    assert!(request.headers["identity"].is_sensitive());
    assert!(!format!("{:?}", request.headers).contains(IDENTITY));
}

#[tokio::test]
async fn the_hmac_signature_header_is_sensitive_and_fresh_per_request() {
    let transport = MockTransport::new();
    transport.push_json(200, &tokens_json());
    transport.push_json(200, &tokens_json());
    let clock = Arc::new(FixedClock::new(now()));
    let http = Client::builder()
        .transport(transport.clone())
        .hmac_credentials(credentials())
        .clock(clock.clone())
        .build()
        .unwrap();
    let client = Client::from_http_client(http).unwrap();
    client.api_tokens.list_tokens().await.unwrap();
    clock.advance(Duration::from_millis(1_500));
    client.api_tokens.list_tokens().await.unwrap();

    let requests = transport.requests();
    assert!(requests[0].headers["lmts-signature"].is_sensitive());
    assert_eq!(
        requests[0].header("lmts-timestamp"),
        Some("2026-02-02T02:40:00.123Z")
    );
    assert_eq!(
        requests[1].header("lmts-timestamp"),
        Some("2026-02-02T02:40:01.623Z")
    );
    assert_ne!(
        requests[0].header("lmts-signature"),
        requests[1].header("lmts-signature")
    );
}

#[tokio::test]
async fn with_raw_returns_status_headers_and_body() {
    let h = Harness::hmac().await;
    let body = r#"[{"tokenId":"tok_1","label":"bot","scopes":["trading"],"createdAt":"2026-03-01T00:00:00.000Z","lastUsedAt":null}]"#;
    hmac_mock("GET", "/auth/api-tokens")
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "req-77")
                .set_body_raw(body, "application/json"),
        )
        .expect(1)
        .mount(&h.server)
        .await;
    let response = h.client.api_tokens.list_tokens().with_raw().await.unwrap();
    assert_eq!(response.raw.status, StatusCode::OK);
    assert_eq!(response.raw.headers["x-request-id"], "req-77");
    assert_eq!(response.raw.body, body.as_bytes());
    assert_eq!(response.data[0].label.as_deref(), Some("bot"));
}

/// Each error-body shape of PROTOCOL §4.1, through a real call.
#[tokio::test]
async fn api_error_bodies_are_parsed() {
    let cases: Vec<(u16, &str, &str)> = vec![
        (
            400,
            r#"{"message":"limit must be positive"}"#,
            "limit must be positive",
        ),
        (
            422,
            r#"{"message":[{"property":"price","constraint":"max 1"},{"property":"size","code":3}]}"#,
            "property: price, constraint: max 1 | property: size, code: 3",
        ),
        (403, r#"{"error":"Forbidden scope"}"#, "Forbidden scope"),
        (
            409,
            r#"{"msg":"retry already running"}"#,
            "retry already running",
        ),
        (400, r#"{"errors":["a","b"]}"#, r#"["a","b"]"#),
        (502, "upstream unavailable\n", "upstream unavailable"),
        (404, "", "Request failed with status 404"),
        (418, r#"{"code":"TEAPOT"}"#, r#"{"code":"TEAPOT"}"#),
    ];
    for (status, body, expected) in cases {
        let h = Harness::hmac().await;
        hmac_mock("GET", "/auth/api-tokens")
            .respond_with(ResponseTemplate::new(status).set_body_string(body))
            .expect(1)
            .mount(&h.server)
            .await;
        let error = h.client.api_tokens.list_tokens().await.unwrap_err();
        assert_eq!(error.status(), Some(StatusCode::from_u16(status).unwrap()));
        assert_eq!(error.api_message(), Some(expected), "body {body:?}");
        assert_eq!(
            parse_api_error_message(StatusCode::from_u16(status).unwrap(), body.as_bytes()),
            expected
        );
        let api = error.as_api_error().unwrap();
        assert_eq!(api.context.method, "GET");
        assert_eq!(api.context.path, "/auth/api-tokens");
        assert_eq!(api.context.operation, "list_tokens");
        assert_eq!(api.body, body.as_bytes());
        assert_eq!(
            error.to_string(),
            format!("API error {status} GET /auth/api-tokens: {expected}")
        );
        assert!(error.may_have_been_sent());
        assert_eq!(error.is_retryable(), status == 502);
        assert_no_secrets(&error);
    }
}

#[tokio::test]
async fn undecodable_success_is_a_decode_error_with_the_body() {
    let h = Harness::hmac().await;
    hmac_mock("GET", "/auth/api-tokens")
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"not":"a list"}"#))
        .expect(1)
        .mount(&h.server)
        .await;
    let error = h.client.api_tokens.list_tokens().await.unwrap_err();
    match &error {
        Error::Decode {
            context,
            status,
            headers,
            body,
            ..
        } => {
            assert_eq!(*status, StatusCode::OK);
            assert_eq!(
                (context.method.as_str(), context.path.as_str()),
                ("GET", "/auth/api-tokens")
            );
            assert_eq!(body.as_ref(), br#"{"not":"a list"}"#);
            assert!(!body.is_redacted());
            // The response headers are kept.
            assert!(headers.contains_key("content-length"), "{headers:?}");
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    assert_eq!(
        error.to_string(),
        "list_tokens (GET /auth/api-tokens): could not decode the HTTP 200 OK response body"
    );
    // Not a sensitive body: Debug shows it, and serde's reason.
    let debug = format!("{error:?}");
    assert!(debug.contains(r#"{\"not\":\"a list\"}"#), "{debug}");
    let source = std::error::Error::source(&error).unwrap().to_string();
    assert!(source.contains("expected a sequence"), "{source}");
}

#[tokio::test]
async fn transport_errors_keep_may_have_been_sent() {
    for (transport, sent) in [
        (FailingTransport::refused(), false),
        (FailingTransport::after_send(), true),
    ] {
        let http = Client::builder()
            .transport(transport.clone())
            .hmac_credentials(credentials())
            .no_retries()
            .build()
            .unwrap();
        let client = Client::from_http_client(http).unwrap();
        let error = client.api_tokens.list_tokens().await.unwrap_err();
        match &error {
            Error::Transport { context, source } => {
                assert_eq!(context.method, "GET");
                assert_eq!(context.path, "/auth/api-tokens");
                assert_eq!(source.may_have_been_sent(), sent);
            }
            other => panic!("expected Transport, got {other:?}"),
        }
        assert_eq!(error.may_have_been_sent(), sent);
        assert!(error.is_retryable());
        assert_eq!(transport.calls(), 1, "no_retries() never retries");
        assert_no_secrets(&error);
    }
}

/// Retries up to `max_attempts`, with no delay, whatever happened.
#[derive(Debug)]
struct AlwaysRetry {
    max_attempts: u32,
}

impl RetryPolicy for AlwaysRetry {
    fn decide(&self, attempt: &Attempt<'_>) -> RetryDecision {
        if attempt.number < self.max_attempts {
            RetryDecision::RetryAfter(Duration::ZERO)
        } else {
            RetryDecision::Stop
        }
    }
}

fn retrying_client(transport: impl limitless_client::Transport, clock: impl Clock) -> Client {
    let http = Client::builder()
        .transport(transport)
        .hmac_credentials(credentials())
        .clock(clock)
        .retry_policy(AlwaysRetry { max_attempts: 3 })
        .build()
        .unwrap();
    Client::from_http_client(http).unwrap()
}

#[tokio::test]
async fn idempotent_requests_follow_the_retry_policy() {
    let transport = FailingTransport::after_send();
    let client = retrying_client(transport.clone(), FixedClock::new(now()));
    let error = client.api_tokens.list_tokens().await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }));
    assert_eq!(transport.calls(), 3);
}

#[tokio::test]
async fn a_request_that_may_have_been_sent_is_never_repeated_unless_idempotent() {
    // A derive (POST) whose connection broke after sending: one attempt only.
    let transport = FailingTransport::after_send();
    let client = retrying_client(transport.clone(), FixedClock::new(now()));
    let input = limitless_client::DeriveApiTokenInput::default();
    client
        .api_tokens
        .derive_token(IDENTITY, &input)
        .await
        .unwrap_err();
    assert_eq!(transport.calls(), 1);

    // An order whose POST got a 503 reached the server: one attempt only.
    let mock = MockTransport::new();
    mock.push_json(200, &market_json("btc", None));
    mock.push_json(503, &json!({"message": "busy"}));
    mock.push_json(503, &json!({"message": "busy"}));
    let client = retrying_client(mock.clone(), FixedClock::new(now()));
    let order = CreateDelegatedOrderParams::gtc("btc", "123", Side::Buy, 0.5, 1, 326);
    let error = client
        .delegated_orders
        .create_order(&order)
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    let posts = mock
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(posts, 1);

    // A refused connection never reached the server: a POST may be retried.
    let transport = FailingTransport::refused();
    let client = retrying_client(transport.clone(), FixedClock::new(now()));
    client
        .api_tokens
        .derive_token(IDENTITY, &input)
        .await
        .unwrap_err();
    assert_eq!(transport.calls(), 3);
}

#[tokio::test]
async fn every_attempt_is_signed_again() {
    let mock = MockTransport::new();
    mock.push_json(503, &json!({"message": "busy"}));
    mock.push_json(200, &tokens_json());
    let client = retrying_client(mock.clone(), TickingClock::new());
    let tokens = client.api_tokens.list_tokens().await.unwrap();
    assert_eq!(tokens.len(), 1);
    let requests = mock.requests();
    assert_eq!(requests.len(), 2);
    assert_ne!(
        requests[0].header("lmts-timestamp"),
        requests[1].header("lmts-timestamp")
    );
    assert_ne!(
        requests[0].header("lmts-signature"),
        requests[1].header("lmts-signature")
    );
}

#[test]
fn build_rejects_bad_configuration_clearly() {
    let bad_urls = [
        "ftp://api.limitless.exchange",
        "https://api.limitless.exchange?x=1",
        "https://api.limitless.exchange#top",
        "not a url",
    ];
    for url in bad_urls {
        let error = Client::builder()
            .base_url(url)
            .transport(MockTransport::new())
            .build()
            .unwrap_err();
        assert!(matches!(error, Error::Config { .. }), "{url}: {error:?}");
    }

    let error = Client::builder()
        .transport(MockTransport::new())
        .hmac_credentials(HmacCredentials {
            token_id: TOKEN_ID.to_owned(),
            secret: "sentinel-hmac-secret-value!!".to_owned(),
        })
        .build()
        .unwrap_err();
    let Error::Credentials { source } = &error else {
        panic!("expected Credentials, got {error:?}");
    };
    let _: &limitless_client::AuthError = source;
    assert_no_secrets(&error);
    assert!(!format!("{error:?}").contains("sentinel-hmac-secret-value!!"));

    let error = Client::builder()
        .transport(MockTransport::new())
        .connect_timeout(Duration::from_secs(5))
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("connect_timeout"), "{error}");

    let error = Client::builder()
        .transport(MockTransport::new())
        .api_key("   ")
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("api_key"), "{error}");
}

#[cfg(any(feature = "reqwest", feature = "hyper"))]
#[test]
fn default_client_targets_production() {
    let client = Client::new().unwrap();
    assert_eq!(client.http().base_url(), "https://api.limitless.exchange");
    assert!(!client.http().has_hmac_credentials());
    let with_timeout = Client::builder().timeout(Duration::from_secs(3)).build();
    assert!(with_timeout.is_ok());
}

#[cfg(not(any(feature = "reqwest", feature = "hyper")))]
#[test]
fn without_a_backend_feature_a_transport_is_required() {
    let error = Client::new().unwrap_err();
    assert!(error.to_string().contains("no transport"), "{error}");
}

#[test]
fn debug_output_never_shows_secrets() {
    let builder = Client::builder()
        .transport(MockTransport::new())
        .hmac_credentials(credentials())
        .api_key(API_KEY);
    let builder_debug = format!("{builder:?}");
    let http = builder.build().unwrap();
    let client = Client::from_http_client(http.clone()).unwrap();
    // The services share one HttpClient: shown once.
    assert_eq!(format!("{client:?}").matches("HttpClient").count(), 1);
    for text in [builder_debug, format!("{http:?}"), format!("{client:?}")] {
        for secret in [SECRET, API_KEY, "sentinel-hmac-secret-value"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert!(
            text.contains(TOKEN_ID) || text.contains("ClientBuilder"),
            "{text}"
        );
    }
}

#[test]
fn default_headers_are_shown_by_name_and_credential_names_are_refused() {
    let http = Client::builder()
        .transport(MockTransport::new())
        .default_header("x-partner-session", "sentinel-session-value")
        .build()
        .unwrap();
    let client = Client::from_http_client(http.clone()).unwrap();
    for text in [format!("{http:?}"), format!("{client:?}")] {
        assert!(text.contains("x-partner-session"), "{text}");
        assert!(!text.contains("sentinel-session-value"), "{text}");
    }
    for name in [
        "authorization",
        "Cookie",
        "x-on-behalf-of",
        "lmts-extra",
        "x-signature",
    ] {
        let error = Client::builder()
            .transport(MockTransport::new())
            .default_header(name, "sentinel-session-value")
            .build()
            .unwrap_err();
        assert!(matches!(error, Error::Config { .. }), "{name}: {error:?}");
        assert!(!format!("{error:?}").contains("sentinel-session-value"));
    }
}

/// Every service method's call owns its data: spawned after the client
/// and the arguments are gone, it still runs.
#[tokio::test]
async fn calls_borrow_nothing_and_can_be_spawned() {
    // Answers by path, whatever order the spawned calls arrive in.
    let transport = limitless_transport::transport_fn(
        |request: limitless_client::http::Request<limitless_transport::Bytes>| async move {
            let body = match (request.method().as_str(), request.uri().path()) {
                ("GET", "/markets/btc") => market_json("btc", None),
                ("GET", "/auth/api-tokens") => tokens_json(),
                ("DELETE", "/orders/ord-1") => json!({"message": "Order cancelled"}),
                ("POST", "/orders") => crate::faults::order_json(),
                other => panic!("unexpected request {other:?}"),
            };
            Ok::<_, limitless_client::TransportError>(limitless_client::http::Response::new(
                limitless_transport::Bytes::from(body.to_string()),
            ))
        },
    );
    let (market, tokens, cancel, rejected, order) = {
        let http = Client::builder()
            .transport(transport)
            .hmac_credentials(credentials())
            .no_retries()
            .build()
            .unwrap();
        let client = Client::from_http_client(http).unwrap();
        let slug = String::from("btc");
        let order_id = String::from("ord-1");
        let market = tokio::spawn(client.markets.get_market(&slug).into_future());
        let tokens = tokio::spawn(client.api_tokens.list_tokens().into_future());
        let cancel = tokio::spawn(client.delegated_orders.cancel(&order_id).into_future());
        let params =
            CreateDelegatedOrderParams::gtc(slug.clone(), "123", Side::Buy, 0.5, 1, 326).salt(7);
        // Validated now; an invalid order fails when awaited, spawned too.
        let invalid = CreateDelegatedOrderParams::gtc(slug.clone(), "0", Side::Buy, 0.5, 1, 326);
        let rejected = tokio::spawn(client.delegated_orders.create_order(&invalid).into_future());
        let order = client.delegated_orders.create_order(&params).with_raw();
        drop((client, slug, order_id, params, invalid));
        (market, tokens, cancel, rejected, order)
    };
    assert_eq!(market.await.unwrap().unwrap().slug, "btc");
    assert_eq!(tokens.await.unwrap().unwrap().len(), 1);
    assert_eq!(cancel.await.unwrap().unwrap(), "Order cancelled");
    assert!(matches!(
        rejected.await.unwrap(),
        Err(Error::InvalidInput { .. })
    ));
    let placed = tokio::spawn(order.into_future()).await.unwrap().unwrap();
    assert_eq!(placed.data.order.id, "ord-1");
}

/// Installs, once per test process, a global subscriber writing every
/// `limitless_client` span and event into one buffer. (A scoped subscriber
/// would race with tests on other threads over callsite interest.)
fn global_capture() -> Captured {
    static CAPTURED: OnceLock<Captured> = OnceLock::new();
    CAPTURED
        .get_or_init(|| {
            let captured = Captured::default();
            let subscriber = tracing_subscriber::fmt()
                .with_env_filter("limitless_client=trace")
                .with_writer(captured.clone())
                .with_ansi(false)
                .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
                .finish();
            tracing::subscriber::set_global_default(subscriber).unwrap();
            captured
        })
        .clone()
}

#[tokio::test]
async fn traces_have_one_span_per_request_and_no_secrets() {
    let captured = global_capture();
    let server = wiremock::MockServer::start().await;
    hmac_mock("GET", "/traced/auth/api-tokens")
        .respond_with(ResponseTemplate::new(200).set_body_json(tokens_json()))
        .expect(1)
        .mount(&server)
        .await;
    crate::support::identity_mock("GET", "/traced/auth/api-tokens/capabilities")
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"message": "bad identity"})))
        .expect(1)
        .mount(&server)
        .await;
    let http = http_client(
        &format!("{}/traced", server.uri()),
        Auth::Hmac,
        Arc::new(FixedClock::new(now())),
    );
    let client = Client::from_http_client(http).unwrap();
    client.api_tokens.list_tokens().await.unwrap();
    client
        .api_tokens
        .get_capabilities(IDENTITY)
        .await
        .unwrap_err();

    let signature = server.received_requests().await.unwrap()[0]
        .headers
        .get("lmts-signature")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let output = captured.text();
    let spans: Vec<&str> = output
        .lines()
        .filter(|l| l.contains(" close ") && l.contains("path=/traced/"))
        .collect();
    assert_eq!(spans.len(), 2, "{output}");
    assert!(spans[0].contains("limitless_request"), "{output}");
    assert!(spans[0].contains("method=GET"), "{output}");
    assert!(
        spans[0].contains("path=/traced/auth/api-tokens "),
        "{output}"
    );
    assert!(spans[0].contains("status=200"), "{output}");
    assert!(spans[0].contains("latency_ms="), "{output}");
    assert!(
        spans[1].contains("path=/traced/auth/api-tokens/capabilities"),
        "{output}"
    );
    assert!(spans[1].contains("status=401"), "{output}");
    // Every test in this process logs here with the same sentinels.
    for secret in [
        SECRET,
        IDENTITY,
        API_KEY,
        signature.as_str(),
        "sentinel-hmac-secret-value",
    ] {
        assert!(!output.contains(secret), "{secret} in {output}");
    }
}

/// Answers with `status` and a body that quotes the request's credential
/// headers back, as a careless server might.
struct EchoCredentials(u16);

impl wiremock::Respond for EchoCredentials {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let header = |name: &str| {
            request
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        let identity = header("identity");
        let signature = header("lmts-signature");
        ResponseTemplate::new(self.0).set_body_json(json!({
            "message": format!("rejected: identity `{identity}` signature `{signature}`"),
            "identity": identity,
            "signature": signature,
        }))
    }
}

#[tokio::test]
async fn api_errors_never_echo_the_identity_token() {
    let h = Harness::hmac().await;
    crate::support::identity_mock("GET", "/auth/api-tokens/capabilities")
        .and(HeaderAbsent("x-api-key"))
        .respond_with(EchoCredentials(401))
        .expect(1)
        .mount(&h.server)
        .await;
    let error = h
        .client
        .api_tokens
        .get_capabilities(IDENTITY)
        .await
        .unwrap_err();
    let api = error.as_api_error().unwrap();
    assert!(api.is_auth_error());
    // The server did echo it: the raw bytes keep it, nothing printed does.
    assert!(String::from_utf8_lossy(&api.body).contains(IDENTITY));
    assert_eq!(
        error.api_message(),
        Some("rejected: identity `Bearer <redacted>` signature ``")
    );
    let debug = format!("{error:?}");
    assert!(
        debug.contains(&format!("<{} bytes, redacted>", api.body.len())),
        "{debug}"
    );
    assert_no_secrets(&error);
}

#[tokio::test]
async fn api_errors_never_echo_the_signature() {
    let h = Harness::hmac().await;
    hmac_mock("GET", "/auth/api-tokens")
        .respond_with(EchoCredentials(403))
        .expect(1)
        .mount(&h.server)
        .await;
    let error = h.client.api_tokens.list_tokens().await.unwrap_err();
    let signature = h.requests().await[0]
        .headers
        .get("lmts-signature")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let api = error.as_api_error().unwrap();
    assert!(String::from_utf8_lossy(&api.body).contains(&signature));
    assert_eq!(
        error.api_message(),
        Some("rejected: identity `` signature `<redacted>`")
    );
    for text in [
        error.to_string(),
        format!("{error:?}"),
        format!("{error:#?}"),
    ] {
        assert!(!text.contains(&signature), "{text}");
    }
    assert_no_secrets(&error);

    // An error that echoes nothing is shown in full.
    let plain = Harness::hmac().await;
    hmac_mock("GET", "/auth/api-tokens")
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"message": "no scope"})))
        .mount(&plain.server)
        .await;
    let error = plain.client.api_tokens.list_tokens().await.unwrap_err();
    assert!(format!("{error:?}").contains("no scope"));
}
