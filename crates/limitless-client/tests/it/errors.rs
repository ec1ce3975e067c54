//! Errors of a call: API error bodies, undecodable answers, transport
//! failures, and credentials a server echoes back kept out of view.

use std::time::Duration;

use limitless_client::http::StatusCode;
use limitless_client::{
    Client, CreateDelegatedOrderParams, DecodeError, Error, Side, parse_api_error_message,
};
use limitless_transport::test_util::{FailingTransport, MockTransport};
use serde_json::json;
use wiremock::ResponseTemplate;

use crate::support::{
    Harness, HeaderAbsent, IDENTITY, assert_no_secrets, credentials, hmac_mock, market_json,
    tokens_json,
};

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
        Error::Decode(decode) => {
            let DecodeError {
                context,
                status,
                headers,
                body,
                ..
            } = decode.as_ref();
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

fn retrying(mock: &MockTransport) -> Client {
    Client::builder()
        .hmac_credentials(credentials())
        .transport(mock.clone())
        .retry_config(
            limitless_client::RetryConfig::new()
                .with_initial_backoff(Duration::ZERO)
                .with_jitter(false),
        )
        .build_client()
        .unwrap()
}

/// A broken server's 16 MiB error body: the message and `Debug` show a
/// bounded excerpt; the bytes stay whole.
#[tokio::test]
async fn a_huge_error_body_is_shown_as_a_bounded_excerpt() {
    let mock = MockTransport::new();
    let huge = "x".repeat(16 * 1024 * 1024);
    mock.push_response(400, [("content-type", "text/plain")], huge.clone());
    let error = retrying(&mock).api_tokens.list_tokens().await.unwrap_err();
    let api = error.as_api_error().unwrap();
    assert_eq!(api.body.len(), huge.len(), "the raw bytes are kept");
    let limit = limitless_client::BODY_EXCERPT_BYTES + 128;
    assert!(
        api.message.len() < limit,
        "message of {} bytes",
        api.message.len()
    );
    assert!(
        api.message
            .ends_with(&format!("({} bytes in all)", huge.len()))
    );
    let shown = format!("{error} {error:?}");
    assert!(
        shown.len() < 3 * limit,
        "Display and Debug take {} bytes",
        shown.len()
    );
}

/// A response refused for its size fails the same way again: never
/// retried, even for a read; for a write, its outcome is unknown.
#[tokio::test]
async fn a_response_refused_for_its_size_is_not_retried() {
    let too_large = || {
        limitless_client::TransportError::too_large(std::io::Error::other(
            "the response body is larger than max_response_bytes",
        ))
    };
    let mock = MockTransport::new();
    mock.push_error(too_large());
    mock.push_json(200, &tokens_json());
    let error = retrying(&mock).api_tokens.list_tokens().await.unwrap_err();
    assert_eq!(mock.request_count(), 1, "not retried");
    assert!(!error.is_retryable());
    assert!(error.may_have_been_sent());

    let mock = MockTransport::new();
    mock.push_json(200, &market_json("btc", None));
    mock.push_error(too_large());
    let order = CreateDelegatedOrderParams::gtc("btc", "123", Side::Buy, 0.5, 1, 326);
    let error = retrying(&mock)
        .delegated_orders
        .create_order(&order)
        .await
        .unwrap_err();
    assert_eq!(mock.request_count(), 2, "one market read, one order");
    assert!(error.is_outcome_unknown(), "{error:?}");
}

/// Redirects are never followed; the error of a write answered with one
/// says that the request reached the server.
#[tokio::test]
async fn a_redirect_answer_to_a_write_says_it_reached_the_server() {
    let mock = MockTransport::new();
    mock.push_response(307, [("location", "https://elsewhere.example/orders")], "");
    let error = retrying(&mock)
        .api_tokens
        .revoke_token("tok_1")
        .await
        .unwrap_err();
    assert_eq!(mock.request_count(), 1);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(307));
    assert!(
        error.to_string().contains("the request reached the server"),
        "{error}"
    );
    assert!(!error.is_retryable());
}
