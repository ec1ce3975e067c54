//! tower: a retry layer outside, the signing layer inside, hyper-util's
//! client underneath with a recorder between it and the signer.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use limitless_middleware::{BoxError, RequestSigner, SignLayer};
use serde_json::json;
use tower::retry::{Policy, RetryLayer};
use tower::{ServiceBuilder, ServiceExt as _, service_fn};

use crate::support::{
    Attempts, Fixture, SteppingClock, assert_each_attempt_freshly_signed, attempt,
};

/// Retries a 503 up to `left` times.
#[derive(Clone)]
struct RetryUnavailable {
    left: usize,
}

impl<B: Clone> Policy<Request<B>, Response<Bytes>, BoxError> for RetryUnavailable {
    type Future = std::future::Ready<()>;

    fn retry(
        &mut self,
        _: &mut Request<B>,
        result: &mut Result<Response<Bytes>, BoxError>,
    ) -> Option<Self::Future> {
        match result {
            Ok(response) if response.status() == 503 && self.left > 0 => {
                self.left -= 1;
                Some(std::future::ready(()))
            }
            _ => None,
        }
    }

    fn clone_request(&mut self, request: &Request<B>) -> Option<Request<B>> {
        let mut copy = Request::new(request.body().clone());
        *copy.method_mut() = request.method().clone();
        *copy.uri_mut() = request.uri().clone();
        *copy.headers_mut() = request.headers().clone();
        Some(copy)
    }
}

/// Sends through hyper-util, recording each attempt and the sandbox's real
/// answer; answers 503 for the first `fail_first` attempts.
async fn send(
    client: Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>,
    attempts: Attempts,
    seen: Arc<AtomicUsize>,
    fail_first: usize,
    request: Request<Full<Bytes>>,
) -> Result<Response<Bytes>, BoxError> {
    let body = request.body().clone().collect().await?.to_bytes();
    let path = request.uri().path_and_query().unwrap().as_str().to_owned();
    let mut record = attempt(request.method().as_str(), &path, request.headers(), &body);
    let response = client.request(request).await?;
    let (parts, body) = response.into_parts();
    let body = body.collect().await?.to_bytes();
    record.status = parts.status.as_u16();
    attempts.lock().unwrap().push(record);
    if seen.fetch_add(1, Ordering::SeqCst) < fail_first {
        return Ok(Response::builder().status(503).body(Bytes::new())?);
    }
    Ok(Response::from_parts(parts, body))
}

async fn call(
    fixture: &Fixture,
    clock: &SteppingClock,
    attempts: &Attempts,
    fail_first: usize,
    request: Request<Full<Bytes>>,
) -> Response<Bytes> {
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let seen = Arc::new(AtomicUsize::new(0));
    let recorder = {
        let attempts = attempts.clone();
        service_fn(move |request| {
            send(
                client.clone(),
                attempts.clone(),
                seen.clone(),
                fail_first,
                request,
            )
        })
    };
    let stack = ServiceBuilder::new()
        .layer(RetryLayer::new(RetryUnavailable { left: 3 }))
        .layer(SignLayer::new(RequestSigner::with_clock(
            fixture.signer(),
            clock.clock(),
        )))
        .service(recorder);
    stack.oneshot(request).await.unwrap()
}

#[tokio::test]
async fn each_retry_is_signed_afresh_and_passes_the_sandbox() {
    let fixture = Fixture::start().await;
    let clock = SteppingClock::default();
    let attempts = Attempts::default();
    let request = Request::get(fixture.url("/profiles/partner-accounts?limit=5&page=1"))
        .body(Full::new(Bytes::new()))
        .unwrap();

    let response = call(&fixture, &clock, &attempts, 2, request).await;

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
    let body = serde_json::to_vec(&json!({
        "displayName": "usér-ålice ✓",
        "createServerWallet": true,
    }))
    .unwrap();
    let request = Request::post(fixture.url("/profiles/partner-accounts"))
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.clone())))
        .unwrap();

    let response = call(&fixture, &clock, &attempts, 0, request).await;

    assert_eq!(response.status(), 201, "{:?}", response.body());
    let attempts = attempts.lock().unwrap().clone();
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0].method, "POST");
    assert_eq!(attempts[0].body, body);
    assert_each_attempt_freshly_signed(&fixture, &attempts);
}
