//! The fault matrix: each fault of [`FaultServer`] against a read (`GET
//! /auth/api-tokens`) and against an order (`POST /orders`), counting the
//! requests the server read.
//!
//! Reads are retried (re-signed, same body) and recover when the server
//! does; an order is sent exactly once, and a fault after it may have arrived
//! ends in `Error::OutcomeUnknown` carrying the order's salt.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};
use std::time::Duration;

use limitless_auth::{Signer, Timestamp, VerificationRequest, Verifier};
use limitless_client::Transport;
use limitless_client::http::{Method, StatusCode};
use limitless_client::{
    Client, CreateDelegatedOrderParams, Error, RetryConfig, SentOrder, Side, TransportErrorKind,
};
use limitless_transport::{Bytes, ReqwestTransport, SharedTransport, transport_fn};
use serde_json::{Value, json};

use crate::fault_server::{Fault, FaultServer, Received};
use crate::support::{TOKEN_ID, TickingClock, assert_no_secrets, credentials, market_json, now};

/// Three retries with millisecond backoffs: the matrix stays fast.
pub(crate) fn fast_retries() -> RetryConfig {
    RetryConfig::new()
        .with_max_retries(3)
        .with_initial_backoff(Duration::from_millis(1))
        .with_max_backoff(Duration::from_millis(4))
        .with_max_rate_limit_wait(Duration::from_secs(1))
}

/// The per-attempt timeout of the matrix's client: a server that never
/// answers fails within it.
pub(crate) const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(300);

/// An HMAC client for `server` on reqwest with a short timeout.
pub(crate) fn client_for(url: &str, retry: RetryConfig) -> Client {
    let transport = ReqwestTransport::builder()
        .timeout(ATTEMPT_TIMEOUT)
        .build()
        .unwrap();
    let http = Client::builder()
        .base_url(url)
        .transport(transport)
        .hmac_credentials(credentials())
        .clock(TickingClock::new())
        .retry_config(retry)
        // The fault server has no rate limits; retries are paced by the policy.
        .no_rate_limit()
        .build()
        .unwrap();
    Client::from_http_client(http).unwrap()
}

pub(crate) fn tokens_json() -> Value {
    json!([{"tokenId": TOKEN_ID, "label": "bot", "scopes": ["trading"], "createdAt": "2026-02-02T00:00:00.000Z", "lastUsedAt": null}])
}

pub(crate) fn order_json() -> Value {
    json!({"order": {"id": "ord-1", "makerAmount": 500000, "takerAmount": 1000000, "tokenId": "123", "side": 0}})
}

pub(crate) fn order() -> CreateDelegatedOrderParams {
    CreateDelegatedOrderParams::gtc("btc", "123", Side::Buy, "0.5", 1, 326)
}

/// Checks the HMAC signature of `request` at its own timestamp, exactly as
/// the API would, and returns that timestamp.
pub(crate) fn verify_signed(request: &Received) -> String {
    let timestamp = request.header("lmts-timestamp").expect("lmts-timestamp");
    let at = Timestamp::parse(timestamp).unwrap().to_system_time();
    let mut keys = HashMap::new();
    keys.insert(TOKEN_ID.to_owned(), Signer::new(&credentials()).unwrap());
    let verification = VerificationRequest {
        api_key: request.header("lmts-api-key"),
        timestamp: Some(timestamp),
        signature: request.header("lmts-signature"),
        method: &request.method,
        path_and_query: &request.path_and_query,
        body: &request.body,
    };
    assert_eq!(
        Verifier::default()
            .verify(&verification, &keys, at)
            .ok()
            .as_deref(),
        Some(TOKEN_ID),
        "bad signature on {} {}",
        request.method,
        request.path_and_query
    );
    timestamp.to_owned()
}

/// Asserts that `requests` are attempts of one request: same method, path
/// and body bytes, each validly signed with its own timestamp.
#[track_caller]
pub(crate) fn assert_fresh_attempts(requests: &[Received]) {
    let first = &requests[0];
    let mut stamps = Vec::new();
    for request in requests {
        assert_eq!(request.method, first.method);
        assert_eq!(request.path_and_query, first.path_and_query);
        assert_eq!(request.body, first.body, "the body bytes changed");
        stamps.push(verify_signed(request));
    }
    let distinct: std::collections::HashSet<_> = stamps.iter().collect();
    assert_eq!(
        distinct.len(),
        stamps.len(),
        "a timestamp was reused: {stamps:?}"
    );
}

const TOKENS: &str = "/auth/api-tokens";

/// The read meets `fault` twice, then the server answers: the read
/// succeeds on the third attempt.
async fn read_recovers_from(fault: Fault) {
    let server = FaultServer::start([fault.clone(), fault], Fault::json(200, &tokens_json())).await;
    let client = client_for(&server.url(), fast_retries());
    let tokens = client.api_tokens.list_tokens().await.unwrap();
    assert_eq!(tokens[0].token_id, TOKEN_ID);
    let received = server.received();
    assert_eq!(received.len(), 3, "{received:?}");
    assert_fresh_attempts(&received);
}

/// The read meets `fault` on every attempt: 1 + 3 retries, then the error.
async fn read_gives_up_on(fault: Fault) -> Error {
    let server = FaultServer::start([], fault).await;
    let client = client_for(&server.url(), fast_retries());
    let error = client.api_tokens.list_tokens().await.unwrap_err();
    assert_eq!(server.count("GET", TOKENS), 4, "{error:?}");
    assert_fresh_attempts(&server.received());
    assert_no_secrets(&error);
    error
}

/// The read meets `fault` once and is not retried.
async fn read_fails_at_once_on(fault: Fault) -> Error {
    let server = FaultServer::start([fault], Fault::json(200, &tokens_json())).await;
    let client = client_for(&server.url(), fast_retries());
    let error = client.api_tokens.list_tokens().await.unwrap_err();
    assert_eq!(server.count("GET", TOKENS), 1, "{error:?}");
    assert_no_secrets(&error);
    error
}

/// The order's market read succeeds, then the order `POST` meets `fault`.
/// Returns the error and the one `POST` the server read.
async fn order_meets(fault: Fault) -> (Error, Received) {
    let server = FaultServer::start(
        [Fault::json(200, &market_json("btc", None)), fault],
        Fault::status(500),
    )
    .await;
    let client = client_for(&server.url(), fast_retries());
    let error = client
        .delegated_orders
        .create_order(&order())
        .await
        .unwrap_err();
    assert_eq!(server.count("GET", "/markets/btc"), 1);
    assert_eq!(
        server.count("POST", "/orders"),
        1,
        "the order was sent again: {error:?}"
    );
    assert_no_secrets(&error);
    let post = server
        .received()
        .into_iter()
        .find(|r| r.method == "POST")
        .unwrap();
    verify_signed(&post);
    (error, post)
}

/// The order meets `fault` after it may have arrived: outcome unknown,
/// with the salt that was sent. Returns the underlying error.
async fn order_outcome_unknown_on(fault: Fault) -> Error {
    let (error, post) = order_meets(fault).await;
    let sent: Value = serde_json::from_slice(&post.body).unwrap();
    let salt = sent["order"]["salt"].as_u64().unwrap();
    assert!(error.may_have_been_sent());
    assert!(!error.is_retryable(), "{error:?}");
    assert!(error.to_string().contains("outcome is unknown"), "{error}");
    match error {
        Error::OutcomeUnknown {
            context,
            orders,
            source,
        } => {
            assert_eq!(context.operation, "create_order");
            assert_eq!(context.method, Method::POST);
            assert_eq!(context.path, "/orders");
            assert_eq!(orders.len(), 1);
            let SentOrder {
                market_slug,
                salt: reported,
                client_order_id,
                ..
            } = &orders[0];
            assert_eq!((market_slug.as_str(), *reported), ("btc", salt));
            // The generated client order id the body carried.
            assert!(client_order_id.is_some());
            assert_eq!(client_order_id.as_deref(), sent["clientOrderId"].as_str());
            *source
        }
        other => panic!("expected OutcomeUnknown, got {other:?}"),
    }
}

#[track_caller]
fn assert_transport(error: &Error, kinds: &[TransportErrorKind]) {
    match error {
        Error::Transport { source, .. } => {
            assert!(source.may_have_been_sent(), "{error:?}");
            assert!(kinds.contains(&source.kind()), "{:?}", source.kind());
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
}

/// A reset or a closed connection shows up as one of these kinds depending
/// on when the client notices it.
const BROKEN: &[TransportErrorKind] = &[
    TransportErrorKind::Io,
    TransportErrorKind::Body,
    TransportErrorKind::Other,
];

// Reset after the request.

#[tokio::test]
async fn read_reset_after_the_request_is_retried() {
    read_recovers_from(Fault::Reset).await;
    let error = read_gives_up_on(Fault::Reset).await;
    assert_transport(&error, BROKEN);
}

#[tokio::test]
async fn order_reset_after_the_request_is_outcome_unknown() {
    let source = order_outcome_unknown_on(Fault::Reset).await;
    assert_transport(&source, BROKEN);
}

// Truncated body.

#[tokio::test]
async fn read_truncated_body_is_retried() {
    read_recovers_from(Fault::Truncated).await;
    let error = read_gives_up_on(Fault::Truncated).await;
    assert_transport(&error, BROKEN);
}

#[tokio::test]
async fn order_truncated_body_is_outcome_unknown() {
    let source = order_outcome_unknown_on(Fault::Truncated).await;
    assert_transport(&source, BROKEN);
}

// Slow headers: the server reads the request and never answers.

#[tokio::test]
async fn read_without_an_answer_times_out_and_is_retried() {
    read_recovers_from(Fault::SlowHeaders).await;
}

#[tokio::test]
async fn order_without_an_answer_times_out_with_outcome_unknown() {
    let source = order_outcome_unknown_on(Fault::SlowHeaders).await;
    assert_transport(&source, &[TransportErrorKind::Timeout]);
}

// A body that stalls half-way.

#[tokio::test]
async fn read_with_a_stalled_body_times_out_and_is_retried() {
    read_recovers_from(Fault::StallBody).await;
}

#[tokio::test]
async fn order_with_a_stalled_body_times_out_with_outcome_unknown() {
    let source = order_outcome_unknown_on(Fault::StallBody).await;
    assert_transport(
        &source,
        &[TransportErrorKind::Timeout, TransportErrorKind::Body],
    );
}

// 500: a server error that retrying will not fix.

#[tokio::test]
async fn read_500_is_returned_at_once() {
    let error = read_fails_at_once_on(Fault::status(500)).await;
    assert!(matches!(&error, Error::Api(api) if api.status == StatusCode::INTERNAL_SERVER_ERROR));
    assert_eq!(error.api_message(), Some("status 500"));
}

#[tokio::test]
async fn order_500_is_outcome_unknown() {
    let source = order_outcome_unknown_on(Fault::status(500)).await;
    assert_eq!(source.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
}

// 502, 503, 504: transient.

#[tokio::test]
async fn read_502_503_504_are_retried_then_returned() {
    for status in [502, 503, 504] {
        read_recovers_from(Fault::status(status)).await;
        let error = read_gives_up_on(Fault::status(status)).await;
        assert_eq!(error.status(), Some(StatusCode::from_u16(status).unwrap()));
        assert!(matches!(error, Error::Api(_)), "{error:?}");
    }
}

#[tokio::test]
async fn order_502_503_504_are_outcome_unknown() {
    for status in [502, 503, 504] {
        let source = order_outcome_unknown_on(Fault::status(status)).await;
        assert_eq!(source.status(), Some(StatusCode::from_u16(status).unwrap()));
    }
}

// 429 bursts.

fn too_many(headers: &[(&str, &str)], body: &str) -> Fault {
    Fault::with_headers(429, headers, body)
}

#[tokio::test]
async fn read_429_burst_waits_as_told_and_recovers() {
    let server = FaultServer::start(
        [
            too_many(&[("retry-after", "0")], r#"{"message":"slow down"}"#),
            too_many(&[], r#"{"message":"slow down","retryAfterSeconds":0}"#),
            too_many(&[], "slow down"),
        ],
        Fault::json(200, &tokens_json()),
    )
    .await;
    let client = client_for(&server.url(), fast_retries());
    client.api_tokens.list_tokens().await.unwrap();
    let received = server.received();
    assert_eq!(received.len(), 4);
    assert_fresh_attempts(&received);
}

#[tokio::test]
async fn read_429_burst_that_never_ends_is_a_rate_limit_error() {
    let error = read_gives_up_on(too_many(&[("retry-after", "0")], "{}")).await;
    assert!(matches!(error, Error::RateLimited { .. }), "{error:?}");
    assert_eq!(error.retry_after(), Some(Duration::ZERO));
    assert_eq!(error.status(), Some(StatusCode::TOO_MANY_REQUESTS));
}

#[tokio::test]
async fn read_429_asking_for_a_long_wait_fails_at_once_with_the_wait() {
    // Delta seconds, above the 1 s cap of the test policy.
    let error = read_fails_at_once_on(too_many(&[("retry-after", "120")], "{}")).await;
    assert_eq!(error.retry_after(), Some(Duration::from_secs(120)));
    assert_eq!(
        error.to_string(),
        "rate limited by the API; retry after 120 s"
    );
    let Error::RateLimited { source, .. } = &error else {
        panic!("expected RateLimited, got {error:?}");
    };
    assert_eq!(source.context.path, TOKENS);
    assert!(std::error::Error::source(&error).is_some());

    // An HTTP date, measured against the response's own Date header.
    let date = httpdate::fmt_http_date(now());
    let later = httpdate::fmt_http_date(now() + Duration::from_secs(90));
    let error =
        read_fails_at_once_on(too_many(&[("retry-after", &later), ("date", &date)], "{}")).await;
    assert_eq!(error.retry_after(), Some(Duration::from_secs(90)));

    // The body's retryAfterSeconds when there is no header.
    let error = read_fails_at_once_on(too_many(
        &[],
        r#"{"message":"busy","retryAfterSeconds":30}"#,
    ))
    .await;
    assert_eq!(error.retry_after(), Some(Duration::from_secs(30)));
    assert_eq!(error.api_message(), Some("busy"));
}

#[tokio::test]
async fn order_429_is_a_rate_limit_error_and_is_not_resent() {
    let (error, _) = order_meets(too_many(&[("retry-after", "0")], r#"{"message":"slow"}"#)).await;
    // The API refused the order: its outcome is known (not placed).
    assert!(matches!(error, Error::RateLimited { .. }), "{error:?}");
    assert_eq!(error.retry_after(), Some(Duration::ZERO));
}

// Malformed JSON on 200.

#[tokio::test]
async fn read_malformed_json_is_a_decode_error_with_the_body() {
    let error = read_fails_at_once_on(Fault::malformed_json()).await;
    match &error {
        Error::Decode(decode) => {
            assert_eq!(decode.status, StatusCode::OK);
            assert_eq!(decode.body.as_ref(), br#"{"id":"ord-1","#);
        }
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn order_malformed_json_is_outcome_unknown_with_the_body() {
    let source = order_outcome_unknown_on(Fault::malformed_json()).await;
    match &source {
        Error::Decode(decode) => assert_eq!(decode.body.as_ref(), br#"{"id":"ord-1","#),
        other => panic!("expected Decode, got {other:?}"),
    }
}

// 425 Too Early: never repeated with the same payload.

#[tokio::test]
async fn read_425_is_not_retried() {
    let error = read_fails_at_once_on(Fault::status(425)).await;
    assert_eq!(error.status(), Some(StatusCode::TOO_EARLY));
    assert!(matches!(error, Error::TooEarly { .. }), "{error:?}");
}

#[tokio::test]
async fn order_425_is_not_resent() {
    let (error, _) = order_meets(Fault::status(425)).await;
    // A refusal: known, not placed.
    assert!(
        matches!(&error, Error::TooEarly { source } if source.status == StatusCode::TOO_EARLY),
        "{error:?}"
    );
}

// A 4xx answer to an order is known: not placed, not unknown.

#[tokio::test]
async fn order_rejected_with_400_is_an_api_error() {
    let (error, _) = order_meets(Fault::status(400)).await;
    assert!(
        matches!(&error, Error::Api(api) if api.status == StatusCode::BAD_REQUEST),
        "{error:?}"
    );
}

// Connection refused: nothing was sent.

#[tokio::test]
async fn refused_connections_are_retried_and_reported_as_not_sent() {
    let refusing = limitless_testkit::RefusingPort::new();
    let url = refusing.url("http");
    // Reqwest underneath, counting the attempts handed to it.
    let attempts = Arc::new(AtomicUsize::new(0));
    let transport = {
        let reqwest = SharedTransport::new(
            ReqwestTransport::builder()
                .timeout(ATTEMPT_TIMEOUT)
                .build()
                .unwrap(),
        );
        let attempts = Arc::clone(&attempts);
        transport_fn(move |request: limitless_client::http::Request<Bytes>| {
            attempts.fetch_add(1, AtomicOrdering::SeqCst);
            let reqwest = reqwest.clone();
            async move { reqwest.send(request).await }
        })
    };
    let http = Client::builder()
        .base_url(&url)
        .transport(transport)
        .hmac_credentials(credentials())
        .clock(TickingClock::new())
        .retry_config(fast_retries())
        .build()
        .unwrap();
    let client = Client::from_http_client(http).unwrap();
    let read = client.api_tokens.list_tokens().await.unwrap_err();
    // Nothing was sent: the first attempt and every retry, for a read...
    assert_eq!(attempts.swap(0, AtomicOrdering::SeqCst), 4);
    let derive = client
        .api_tokens
        .derive_token(crate::support::IDENTITY, &Default::default())
        .await
        .unwrap_err();
    // ...and for a POST that is not idempotent.
    assert_eq!(attempts.load(AtomicOrdering::SeqCst), 4);
    for error in [read, derive] {
        match &error {
            Error::Transport { source, .. } => {
                assert!(!source.may_have_been_sent(), "{error:?}");
                assert_eq!(source.kind(), TransportErrorKind::Connect);
            }
            other => panic!("expected a not-sent transport error, got {other:?}"),
        }
        assert!(!error.may_have_been_sent());
        assert_no_secrets(&error);
    }
}
