//! The client's rate limit (the API's documented 2 requests in flight and
//! 300 ms between calls, per API token) and its handling of 429 answers.
//!
//! A transport that holds every request for a while on tokio's clock shows
//! what the server would see: when each request arrived, with which token,
//! and how many were in flight at once. The clock is paused, so the times
//! are exact (virtual), not measured.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use limitless_client::http::Method;
use limitless_client::{
    Bytes, Client, ClientBuilder, CreateDelegatedOrderParams, Error, HmacCredentials, RateLimit,
    RetryConfig, Side, Transport, TransportError,
};
use tokio::time::Instant;

use crate::support::{credentials, market_json};

/// How long the test server takes to answer each request.
const HOLD: Duration = Duration::from_secs(1);

/// A scripted answer: status, headers, body.
type Answer = (u16, Vec<(&'static str, String)>, String);

/// What the server saw.
#[derive(Debug, Default)]
struct Seen {
    in_flight: usize,
    max_in_flight: usize,
    /// Arrival time, token id and path of every request.
    arrivals: Vec<(Instant, String, String)>,
    /// Scripted answers, in order; then 200 `{}`.
    script: VecDeque<Answer>,
}

/// A transport that holds each request for [`HOLD`] and records it.
#[derive(Clone, Debug, Default)]
struct HoldingServer(Arc<Mutex<Seen>>);

impl HoldingServer {
    fn answer(&self, status: u16, headers: &[(&'static str, &str)], body: &str) {
        let headers = headers.iter().map(|(n, v)| (*n, (*v).to_owned())).collect();
        self.0
            .lock()
            .unwrap()
            .script
            .push_back((status, headers, body.to_owned()));
    }

    fn max_in_flight(&self) -> usize {
        self.0.lock().unwrap().max_in_flight
    }

    /// Arrival offsets from `start`, for requests of `token`.
    fn arrivals_of(&self, token: &str, start: Instant) -> Vec<Duration> {
        self.0
            .lock()
            .unwrap()
            .arrivals
            .iter()
            .filter(|(_, t, _)| t == token)
            .map(|(at, _, _)| *at - start)
            .collect()
    }

    fn paths(&self) -> Vec<String> {
        let seen = self.0.lock().unwrap();
        seen.arrivals.iter().map(|(_, _, p)| p.clone()).collect()
    }
}

#[async_trait]
impl Transport for HoldingServer {
    async fn send(
        &self,
        request: limitless_client::http::Request<Bytes>,
    ) -> Result<limitless_client::http::Response<Bytes>, TransportError> {
        let token = request
            .headers()
            .get("lmts-api-key")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let answer = {
            let mut seen = self.0.lock().unwrap();
            seen.in_flight += 1;
            seen.max_in_flight = seen.max_in_flight.max(seen.in_flight);
            seen.arrivals
                .push((Instant::now(), token, request.uri().path().to_owned()));
            seen.script.pop_front()
        };
        tokio::time::sleep(HOLD).await;
        self.0.lock().unwrap().in_flight -= 1;
        let (status, headers, body) = answer.unwrap_or((200, Vec::new(), "{}".to_owned()));
        let mut response = limitless_client::http::Response::builder()
            .status(status)
            .header("content-type", "application/json");
        for (name, value) in headers {
            response = response.header(name, value);
        }
        Ok(response.body(Bytes::from(body)).unwrap())
    }
}

fn builder(server: &HoldingServer) -> ClientBuilder {
    Client::builder()
        .base_url("https://api.limitless.exchange")
        .transport(server.clone())
        .hmac_credentials(credentials())
}

async fn ping(client: &Client) -> Result<serde_json::Value, Error> {
    client.request(Method::GET, "/ping").call_json().await
}

const fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

#[tokio::test(start_paused = true)]
async fn the_documented_limits_are_on_by_default_and_shared_by_clones() {
    let server = HoldingServer::default();
    let client = builder(&server).build_client().unwrap();
    assert_eq!(client.http().rate_limit(), Some(RateLimit::default()));
    assert_eq!(
        RateLimit::default(),
        RateLimit::documented().with_min_spacing(ms(300) + RateLimit::SPACING_MARGIN)
    );
    let clone = client.clone();
    let start = Instant::now();
    // Six calls at once, from a client and its clone.
    let calls = (0..6).map(|i| {
        let client = if i % 2 == 0 {
            client.clone()
        } else {
            clone.clone()
        };
        tokio::spawn(async move { ping(&client).await })
    });
    for call in calls.collect::<Vec<_>>() {
        call.await.unwrap().unwrap();
    }
    assert_eq!(server.max_in_flight(), 2);
    // Two start 310 ms apart (300 ms and the margin); each later one waits
    // for a place (a call takes HOLD), which is also at least that long
    // after the one before.
    assert_eq!(
        server.arrivals_of("tok_test_1", start),
        [0, 310, 1000, 1310, 2000, 2310].map(ms)
    );
}

#[tokio::test(start_paused = true)]
async fn each_token_has_its_own_limit() {
    let server = HoldingServer::default();
    let client = builder(&server)
        .rate_limit(RateLimit::documented().with_max_in_flight(1))
        .build_client()
        .unwrap();
    let start = Instant::now();
    let first = tokio::spawn({
        let client = client.clone();
        async move { ping(&client).await }
    });
    tokio::task::yield_now().await;
    // Another token, on the same client: not held back by the first.
    client
        .http()
        .set_hmac_credentials(&HmacCredentials::new(
            "tok_other",
            "c2VudGluZWwtaG1hYy1zZWNyZXQtdmFsdWU=",
        ))
        .unwrap();
    ping(&client).await.unwrap();
    first.await.unwrap().unwrap();
    assert_eq!(server.arrivals_of("tok_test_1", start), [ms(0)]);
    assert_eq!(server.arrivals_of("tok_other", start), [ms(0)]);
}

#[tokio::test(start_paused = true)]
async fn the_limit_is_configurable_and_can_be_switched_off() {
    let server = HoldingServer::default();
    let client = builder(&server)
        .rate_limit(
            RateLimit::documented()
                .with_max_in_flight(3)
                .with_min_spacing(ms(200)),
        )
        .build_client()
        .unwrap();
    let start = Instant::now();
    let calls: Vec<_> = (0..4)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { ping(&client).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(server.max_in_flight(), 3);
    assert_eq!(
        server.arrivals_of("tok_test_1", start),
        // The fourth waits for a place: the first ends at HOLD.
        [0, 200, 400, 1000].map(ms)
    );

    let server = HoldingServer::default();
    let client = builder(&server).no_rate_limit().build_client().unwrap();
    assert_eq!(client.http().rate_limit(), None);
    let start = Instant::now();
    let calls: Vec<_> = (0..4)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { ping(&client).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(server.max_in_flight(), 4);
    assert_eq!(server.arrivals_of("tok_test_1", start), [ms(0); 4]);
}

#[tokio::test(start_paused = true)]
async fn a_read_rate_limited_waits_what_the_api_asked_then_retries() {
    let server = HoldingServer::default();
    // The body's `retryAfterSeconds` (the spec's 429 body), then the header.
    server.answer(
        429,
        &[],
        r#"{"message":"Too Many Requests","retryAfterSeconds":3}"#,
    );
    server.answer(429, &[("retry-after", "2")], "{}");
    let client = builder(&server)
        .retry_config(RetryConfig::new().with_jitter(false))
        .build_client()
        .unwrap();
    let start = Instant::now();
    ping(&client).await.unwrap();
    // Each retry starts the asked wait after the 429 arrived back (HOLD
    // after the request).
    assert_eq!(
        server.arrivals_of("tok_test_1", start),
        [0, 1000 + 3000, 4000 + 1000 + 2000].map(ms)
    );
    // The next call of the token waits for the limit only.
    let before = Instant::now();
    ping(&client).await.unwrap();
    assert_eq!(
        *server.arrivals_of("tok_test_1", start).last().unwrap(),
        before - start
    );
}

#[tokio::test(start_paused = true)]
async fn a_429_holds_back_the_tokens_other_calls_too() {
    let server = HoldingServer::default();
    server.answer(429, &[("retry-after", "5")], "{}");
    let client = builder(&server).no_retries().build_client().unwrap();
    let start = Instant::now();
    let error = ping(&client).await.unwrap_err();
    assert_eq!(error.retry_after(), Some(Duration::from_secs(5)));
    assert!(matches!(error, Error::RateLimited { .. }));
    // Another call of the same token, by a clone: it starts 5 s after the
    // 429 came back.
    ping(&client.clone()).await.unwrap();
    assert_eq!(
        server.arrivals_of("tok_test_1", start),
        [0, 1000 + 5000].map(ms)
    );
}

#[tokio::test(start_paused = true)]
async fn a_rate_limited_order_is_refused_not_resent_and_not_unknown() {
    let server = HoldingServer::default();
    server.answer(200, &[], &market_json("btc", None).to_string());
    server.answer(
        429,
        &[],
        r#"{"message":"Too Many Requests","retryAfterSeconds":1}"#,
    );
    let client = builder(&server).build_client().unwrap();
    let error = client
        .delegated_orders
        .create_order(&CreateDelegatedOrderParams::gtc(
            "btc",
            "123",
            Side::Buy,
            0.5,
            1.0,
            326,
        ))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::RateLimited { .. }), "{error:?}");
    assert!(!error.is_outcome_unknown());
    assert_eq!(error.retry_after(), Some(Duration::from_secs(1)));
    assert_eq!(server.paths(), ["/markets/btc", "/orders"]);
}
