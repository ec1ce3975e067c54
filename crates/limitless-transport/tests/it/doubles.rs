//! The test doubles behave as documented.

use std::error::Error as _;

use limitless_transport::test_util::{FailingTransport, MockTransport};
use limitless_transport::{Bytes, SharedTransport, Transport, TransportError, TransportErrorKind};
use serde_json::json;

fn post(path_and_query: &str, body: &'static str) -> http::Request<Bytes> {
    http::Request::post(format!("https://api.example.test{path_and_query}"))
        .header("lmts-api-key", "tok_1")
        .header("x-dup", "1")
        .header("x-dup", "2")
        .body(Bytes::from_static(body.as_bytes()))
        .expect("valid request")
}

#[tokio::test]
async fn mock_answers_in_script_order_and_records_every_request() {
    let mock = MockTransport::new();
    mock.push_json(201, &json!({ "tokenId": "t-1" }))
        .push_response(
            429,
            [("retry-after", "2"), ("x-dup", "a"), ("x-dup", "b")],
            "slow down",
        )
        .push_error(TransportError::connect(std::io::Error::from(
            std::io::ErrorKind::ConnectionRefused,
        )));
    assert_eq!(mock.remaining(), 3);

    // The code under test owns one handle; the test keeps the other.
    let client_side = SharedTransport::new(mock.clone());

    let first = client_side
        .send(post("/auth/api-tokens/derive?x=1", "{\"label\":\"bot\"}"))
        .await;
    let first = first.expect("scripted JSON");
    assert_eq!(first.status(), 201);
    assert_eq!(first.headers()["content-type"], "application/json");
    assert_eq!(first.body(), r#"{"tokenId":"t-1"}"#);

    let second = client_side
        .send(post("/orders", "{}"))
        .await
        .expect("scripted 429");
    assert_eq!(second.status(), 429);
    assert_eq!(second.headers()["retry-after"], "2");
    let dups: Vec<_> = second.headers().get_all("x-dup").iter().collect();
    assert_eq!(dups, ["a", "b"]);
    assert_eq!(second.body(), "slow down");

    let third = client_side
        .send(post("/orders", "{}"))
        .await
        .expect_err("scripted error");
    assert_eq!(third.kind(), TransportErrorKind::Connect);
    assert!(!third.may_have_been_sent());

    assert_eq!(mock.request_count(), 3);
    assert_eq!(mock.remaining(), 0);
    let recorded = mock.requests();
    assert_eq!(recorded[0].method, http::Method::POST);
    assert_eq!(
        recorded[0].uri,
        "https://api.example.test/auth/api-tokens/derive?x=1"
    );
    assert_eq!(recorded[0].path_and_query(), "/auth/api-tokens/derive?x=1");
    assert_eq!(recorded[0].header("lmts-api-key"), Some("tok_1"));
    let dups: Vec<_> = recorded[0].headers.get_all("x-dup").iter().collect();
    assert_eq!(dups, ["1", "2"]);
    assert_eq!(recorded[0].body, "{\"label\":\"bot\"}");
    assert_eq!(
        recorded[0].body_json().expect("JSON body"),
        json!({ "label": "bot" })
    );
    assert_eq!(
        mock.last_request().expect("recorded").path_and_query(),
        "/orders"
    );
}

#[tokio::test]
async fn mock_with_an_empty_script_fails_clearly_and_still_records() {
    let mock = MockTransport::new();
    mock.push_json(200, &json!([]));
    mock.send(post("/markets", "")).await.expect("scripted");

    let err = mock
        .send(post("/orders?market=btc", "{}"))
        .await
        .expect_err("script empty");
    assert_eq!(err.kind(), TransportErrorKind::Other);
    assert!(!err.may_have_been_sent());
    assert_eq!(
        err.source().expect("explanation").to_string(),
        "MockTransport received request #2 (POST /orders?market=btc) with nothing scripted; \
         queue an answer with push_response, push_json or push_error"
    );
    assert_eq!(mock.request_count(), 2);
}

#[test]
fn mock_debug_shows_counts_not_request_contents() {
    let mock = MockTransport::new();
    mock.push_json(200, &json!({}));
    assert_eq!(
        format!("{mock:?}"),
        "MockTransport { scripted: 1, recorded: 0 }"
    );
}

#[tokio::test]
async fn failing_transports_fail_as_named_and_count_calls() {
    let refused = FailingTransport::refused();
    let handle = refused.clone();
    for _ in 0..2 {
        let err = refused
            .send(post("/orders", "{}"))
            .await
            .expect_err("refused");
        assert_eq!(err.kind(), TransportErrorKind::Connect);
        assert!(!err.may_have_been_sent());
        let io = err
            .source()
            .and_then(|s| s.downcast_ref::<std::io::Error>());
        assert_eq!(
            io.map(std::io::Error::kind),
            Some(std::io::ErrorKind::ConnectionRefused)
        );
    }
    assert_eq!(handle.calls(), 2);

    let after_send = FailingTransport::after_send();
    let err = after_send
        .send(post("/orders", "{}"))
        .await
        .expect_err("after send");
    assert_eq!(err.kind(), TransportErrorKind::Io);
    assert!(err.may_have_been_sent());
    assert_eq!(after_send.calls(), 1);

    let timed_out = FailingTransport::timed_out();
    let err = timed_out
        .send(post("/orders", "{}"))
        .await
        .expect_err("timeout");
    assert!(err.is_timeout());
    assert!(err.may_have_been_sent());
}
