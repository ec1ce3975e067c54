//! Clock skew: the offset learned from `Date`, signing with the corrected
//! time, and the one retry of a read rejected for skew. Deterministic: the
//! client reads a fixed clock and the scripted server's `Date` is set
//! relative to it.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use limitless_auth::Timestamp;
use limitless_client::http::StatusCode;
use limitless_client::{
    Client, ClockOffset, CreatePartnerAccountInput, Error, FixedClock, HttpClient,
};
use limitless_transport::test_util::{MockTransport, RecordedRequest};
use serde_json::json;

use crate::faults::tokens_json;
use crate::support::{credentials, now};

fn date(offset_secs: i64) -> String {
    let magnitude = Duration::from_secs(offset_secs.unsigned_abs());
    let at = if offset_secs >= 0 {
        now() + magnitude
    } else {
        now() - magnitude
    };
    httpdate::fmt_http_date(at)
}

fn push(mock: &MockTransport, status: u16, server_offset_secs: i64, body: &serde_json::Value) {
    mock.push_response(
        status,
        [
            ("date", date(server_offset_secs).as_str()),
            ("content-type", "application/json"),
        ],
        body.to_string(),
    );
}

fn unauthorized() -> serde_json::Value {
    json!({"message": "timestamp is outside the allowed window"})
}

/// A client on a fixed clock at [`now`], with skew correction turned on and
/// retries off (the skew retry is separate from the retry policy).
fn corrected(mock: &MockTransport) -> (Client, HttpClient) {
    let http = Client::builder()
        .transport(mock.clone())
        .hmac_credentials(credentials())
        .clock(FixedClock::new(now()))
        .clock_skew_correction(true)
        .no_retries()
        .build()
        .unwrap();
    (Client::from_http_client(http.clone()).unwrap(), http)
}

fn signed_at(request: &RecordedRequest) -> SystemTime {
    Timestamp::parse(request.header("lmts-timestamp").unwrap())
        .unwrap()
        .to_system_time()
}

/// `later - earlier` in milliseconds, signed.
fn millis_between(earlier: SystemTime, later: SystemTime) -> i64 {
    match later.duration_since(earlier) {
        Ok(ahead) => i64::try_from(ahead.as_millis()).unwrap(),
        Err(behind) => -i64::try_from(behind.duration().as_millis()).unwrap(),
    }
}

/// `at` is within a second (the `Date` resolution) of `now() + offset`.
#[track_caller]
fn assert_near(at: SystemTime, offset_secs: i64) {
    let offset = millis_between(now(), at);
    assert!(
        (offset - offset_secs * 1000).abs() <= 1_000,
        "{offset} ms is not within 1 s of {offset_secs} s"
    );
}

#[tokio::test]
async fn the_offset_is_learned_from_date_and_used_for_signing() {
    for server_offset in [45, -45] {
        let mock = MockTransport::new();
        push(&mock, 200, server_offset, &tokens_json());
        push(&mock, 200, server_offset, &tokens_json());
        let (client, http) = corrected(&mock);
        assert_eq!(http.clock_offset(), ClockOffset::ZERO);

        client.api_tokens.list_tokens().await.unwrap();
        let learned = http.clock_offset();
        assert!(
            (learned.as_millis() - server_offset * 1000).abs() <= 1_000,
            "{learned}"
        );
        assert_eq!(learned.is_ahead(), server_offset > 0);
        assert_near(http.clock().now(), server_offset);

        client.api_tokens.list_tokens().await.unwrap();
        let requests = mock.requests();
        assert_near(signed_at(&requests[0]), 0);
        assert_near(signed_at(&requests[1]), server_offset);
    }
}

#[tokio::test]
async fn a_read_rejected_for_skew_is_sent_once_more_with_the_corrected_time() {
    for server_offset in [45, -45] {
        let mock = MockTransport::new();
        push(&mock, 401, server_offset, &unauthorized());
        push(&mock, 200, server_offset, &tokens_json());
        let (client, http) = corrected(&mock);
        let tokens = client.api_tokens.list_tokens().await.unwrap();
        assert_eq!(tokens.len(), 1);
        let requests = mock.requests();
        assert_eq!(requests.len(), 2);
        assert_near(signed_at(&requests[0]), 0);
        assert_near(signed_at(&requests[1]), server_offset);
        assert_eq!(requests[0].body, requests[1].body);
        assert_near(http.clock().now(), server_offset);
    }
}

#[tokio::test]
async fn the_skew_retry_happens_at_most_once() {
    let mock = MockTransport::new();
    push(&mock, 401, 45, &unauthorized());
    push(&mock, 401, 120, &unauthorized());
    push(&mock, 200, 120, &tokens_json());
    let (client, _) = corrected(&mock);
    let error = client.api_tokens.list_tokens().await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(mock.request_count(), 2);
}

#[tokio::test]
async fn a_401_inside_the_window_is_not_a_skew_problem() {
    let mock = MockTransport::new();
    push(
        &mock,
        401,
        5,
        &json!({"message": "unknown or revoked API token"}),
    );
    let (client, _) = corrected(&mock);
    let error = client.api_tokens.list_tokens().await.unwrap_err();
    assert_eq!(error.api_message(), Some("unknown or revoked API token"));
    assert_eq!(mock.request_count(), 1);
}

#[tokio::test]
async fn a_write_rejected_for_skew_is_not_resent_but_the_next_one_is_corrected() {
    let mock = MockTransport::new();
    push(&mock, 401, 45, &unauthorized());
    push(
        &mock,
        200,
        45,
        &json!({"profileId": 7, "account": "0x1111111111111111111111111111111111111111"}),
    );
    let (client, http) = corrected(&mock);
    let input = CreatePartnerAccountInput::server_wallet("desk");
    let error = client
        .partner_accounts
        .create_account(&input, None)
        .await
        .unwrap_err();
    // A 401 is a refusal: known, not carried out.
    assert!(matches!(&error, Error::Api(api) if api.status == StatusCode::UNAUTHORIZED));
    assert_eq!(mock.request_count(), 1);
    assert_near(http.clock().now(), 45);

    let account = client
        .partner_accounts
        .create_account(&input, None)
        .await
        .unwrap();
    assert_eq!(account.profile_id, 7);
    assert_near(signed_at(&mock.requests()[1]), 45);
}

#[tokio::test]
async fn correction_can_be_turned_off() {
    let mock = MockTransport::new();
    push(&mock, 401, 45, &unauthorized());
    let http = Client::builder()
        .transport(mock.clone())
        .hmac_credentials(credentials())
        .clock_skew_correction(false)
        .build()
        .unwrap();
    assert!(!http.clock_skew_correction());
    let client = Client::from_http_client(http.clone()).unwrap();
    let error = client.api_tokens.list_tokens().await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(mock.request_count(), 1);
    assert_eq!(http.clock_offset(), ClockOffset::ZERO);
}

#[test]
fn correction_defaults_to_on_for_the_system_clock_only() {
    let system = Client::builder()
        .transport(MockTransport::new())
        .build()
        .unwrap();
    assert!(system.clock_skew_correction());
    let fixed = Client::builder()
        .transport(MockTransport::new())
        .clock(Arc::new(FixedClock::new(now())))
        .build()
        .unwrap();
    assert!(!fixed.clock_skew_correction());
    assert_eq!(fixed.clock().now(), now());
}
