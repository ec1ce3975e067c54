//! Tracing: one span per request, no secrets in any span or event.

use std::sync::{Arc, OnceLock};

use limitless_client::{Client, FixedClock};
use serde_json::json;
use wiremock::ResponseTemplate;

use crate::support::{
    API_KEY, Auth, Captured, IDENTITY, SECRET, hmac_mock, http_client, now, tokens_json,
};

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
