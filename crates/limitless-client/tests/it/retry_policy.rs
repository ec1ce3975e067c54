//! The retry hook: a custom policy decides, the client overrules what
//! would be unsafe, and every attempt is signed again.

use std::time::Duration;

use limitless_client::http::StatusCode;
use limitless_client::{
    Attempt, Client, Clock, CreateDelegatedOrderParams, Error, FixedClock, RetryDecision,
    RetryPolicy, Side,
};
use limitless_transport::test_util::{FailingTransport, MockTransport};
use serde_json::json;

use crate::support::{IDENTITY, TickingClock, credentials, market_json, now, tokens_json};

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
