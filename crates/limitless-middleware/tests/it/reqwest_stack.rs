//! reqwest-middleware: reqwest-retry outside, the signer inside, a recorder
//! between the signer and the network that sees each attempt on the wire.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use http::Extensions;
use limitless_middleware::{RequestSigner, SignMiddleware};
use reqwest::{Request, Response};
use reqwest_middleware::{ClientBuilder, ClientWithMiddleware, Middleware, Next};
use reqwest_retry::RetryTransientMiddleware;
use reqwest_retry::policies::ExponentialBackoff;
use serde_json::json;

use crate::support::{
    Attempts, Fixture, SteppingClock, assert_each_attempt_freshly_signed, attempt,
};

/// Records each attempt and the sandbox's real answer, then answers 503 for
/// the first `fail_first` attempts as if a proxy lost the response.
struct Recorder {
    attempts: Attempts,
    fail_first: usize,
    seen: AtomicUsize,
}

#[async_trait::async_trait]
impl Middleware for Recorder {
    async fn handle(
        &self,
        request: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        let url = request.url();
        let path = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        };
        let body = request
            .body()
            .and_then(|b| b.as_bytes())
            .unwrap_or_default();
        let mut record = attempt(request.method().as_str(), &path, request.headers(), body);
        let response = next.run(request, extensions).await?;
        record.status = response.status().as_u16();
        self.attempts.lock().unwrap().push(record);
        if self.seen.fetch_add(1, Ordering::SeqCst) < self.fail_first {
            let unavailable = http::Response::builder().status(503).body("").unwrap();
            return Ok(Response::from(unavailable));
        }
        Ok(response)
    }
}

fn stack(
    fixture: &Fixture,
    clock: &SteppingClock,
    attempts: &Attempts,
    fail_first: usize,
) -> ClientWithMiddleware {
    let retry = ExponentialBackoff::builder()
        .retry_bounds(Duration::from_millis(1), Duration::from_millis(5))
        .build_with_max_retries(3);
    ClientBuilder::new(reqwest::Client::new())
        .with(RetryTransientMiddleware::new_with_policy(retry))
        .with(SignMiddleware::new(RequestSigner::with_clock(
            fixture.signer(),
            clock.clock(),
        )))
        .with(Recorder {
            attempts: attempts.clone(),
            fail_first,
            seen: AtomicUsize::new(0),
        })
        .build()
}

#[tokio::test]
async fn each_retry_is_signed_afresh_and_passes_the_sandbox() {
    let fixture = Fixture::start().await;
    let clock = SteppingClock::default();
    let attempts = Attempts::default();
    let client = stack(&fixture, &clock, &attempts, 2);

    let response = client
        .get(fixture.url("/profiles/partner-accounts?limit=5&page=1"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    let attempts = attempts.lock().unwrap().clone();
    assert_eq!(attempts.len(), 3, "two injected 503s, then success");
    assert_eq!(clock.readings(), 3, "one clock reading per attempt");
    for attempt in &attempts {
        assert_eq!(attempt.status, 200, "the sandbox verified every attempt");
        assert_eq!(
            attempt.path_and_query,
            "/profiles/partner-accounts?limit=5&page=1"
        );
    }
    assert_each_attempt_freshly_signed(&fixture, &attempts);
}

#[tokio::test]
async fn a_json_body_is_signed_as_sent() {
    let fixture = Fixture::start().await;
    let clock = SteppingClock::default();
    let attempts = Attempts::default();
    let client = stack(&fixture, &clock, &attempts, 0);
    let body = serde_json::to_vec(&json!({
        "displayName": "usér-ålice ✓",
        "createServerWallet": true,
    }))
    .unwrap();

    let response = client
        .post(fixture.url("/profiles/partner-accounts"))
        .header("content-type", "application/json")
        .body(body.clone())
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    let attempts = attempts.lock().unwrap().clone();
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0].method, "POST");
    assert_eq!(attempts[0].body, body);
    assert_each_attempt_freshly_signed(&fixture, &attempts);
}

#[tokio::test]
async fn a_request_without_the_signer_is_refused_by_the_sandbox() {
    // The control: the sandbox really checks, so the passes above mean something.
    let fixture = Fixture::start().await;
    let response = reqwest::Client::new()
        .get(fixture.url("/profiles/partner-accounts"))
        .header("lmts-api-key", &fixture.credentials.token_id)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}
