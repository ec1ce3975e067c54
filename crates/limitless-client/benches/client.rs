//! What a partner's backend pays per request, against the floor of doing the
//! same thing by hand.
//!
//! - `build_create_order`: validating, pricing, serializing and signing a
//!   delegated order (`ops::orders::create_order`, signed by the client) against
//!   serializing a ready-made `CreateOrderRequest`, signing it with a
//!   ready-made `Signer` and assembling the `http::Request` with the same
//!   headers.
//! - `signed_get/{reqwest,hyper}/{sequential,64_in_flight}`: a full
//!   authenticated `GET /auth/api-tokens` against a local HTTP/1.1 server on
//!   127.0.0.1, `client.api_tokens.list_tokens()` against a bare request on
//!   the same backend: the same pooled `reqwest::Client` or hyper-util client
//!   (built by the same transport builder, so the same timeouts), the same
//!   headers with a precomputed signature, the body read and decoded into the
//!   same type. Sequential: one call at a time on a current-thread runtime.
//!   64 in flight: 64 tasks on a 2-worker runtime, each making calls back to
//!   back; the figure is wall time per call.
//!
//! The server runs as tasks on the same runtime as the callers: a call then
//! costs what the client and the server do, not how fast a sleeping thread
//! wakes up (tens of microseconds on a virtual machine, and varying with
//! load). The server's cost is in both sides of every ratio.
//!
//! - `signed_get/ready_transport`: the client's own work per call, through a
//!   transport that hands back a ready response at once, against decoding
//!   that response by hand.
//!
//! On a busy machine criterion's means wander by more than the 2 % being
//! judged. `CALLS_MIN=1` runs each pair instead as interleaved batches and
//! reports the fastest batch of each and their ratio: other processes only
//! ever slow a batch down, so the minimum is the stable figure.
//!
//! ```text
//! cargo bench -p limitless-client --bench client
//! CALLS_MIN=1 cargo bench -p limitless-client --bench client
//! ```

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

// Shared with `hot_path` and `compare/`, which use the parts this bench does not.
#[allow(dead_code)]
mod local_server;

use std::future::IntoFuture;
use std::hint::black_box;
use std::net::SocketAddr;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use criterion::{Criterion, criterion_group};
use http::header::{ACCEPT, CONTENT_TYPE, USER_AGENT};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Uri};
use http_body_util::{BodyExt, Full};
use limitless_auth::{HmacCredentials, SignedHeaders, Signer, SigningInput, Timestamp};
use limitless_client::types::api_tokens::ApiToken;
use limitless_client::types::orders::{CreateOrderRequest, UnsignedOrder};
use limitless_client::types::{DEFAULT_FEE_RATE_BPS, DEFAULT_TICK_SIZE, limit_order_amounts};
use limitless_client::{Client, CreateDelegatedOrderParams, OrderType, Side, ToDecimal, ops};
use limitless_transport::{HyperTransport, ReqwestTransport};
use tokio::runtime::Runtime;
use tokio::task::JoinSet;

const TOKEN_ID: &str = "tok_bench";
const SECRET: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4v";
const SDK_ID: &str = concat!("limitless-rs/", env!("CARGO_PKG_VERSION"));
const IN_FLIGHT: u64 = 64;
/// The position token of the benchmark's order.
const ORDER_TOKEN_ID: &str =
    "19633204485790857949828516737993423758628930235371629943999544859571820520010";
/// The total timeout the transports apply by default.
const TIMEOUT: Duration = Duration::from_secs(30);

fn credentials() -> HmacCredentials {
    HmacCredentials::new(TOKEN_ID, SECRET)
}

fn signed_at() -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(1_795_000_000_000)
}

/// The headers the client sends on a signed GET, signed once.
fn precomputed_get_headers() -> HeaderMap {
    let signer = Signer::new(&credentials()).unwrap();
    let timestamp = Timestamp::from_system_time(signed_at()).unwrap();
    let signed = signer.sign(&SigningInput {
        timestamp: &timestamp,
        method: "GET",
        path_and_query: "/auth/api-tokens",
        body: b"",
    });
    let mut headers = HeaderMap::new();
    headers.insert(USER_AGENT, HeaderValue::from_static(SDK_ID));
    headers.insert("x-sdk-version", HeaderValue::from_static(SDK_ID));
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    for (name, value) in &signed {
        headers.insert(name, HeaderValue::from_str(value).unwrap());
    }
    headers
}

fn client_on(transport: impl limitless_client::Transport, server: SocketAddr) -> Client {
    let http = Client::builder()
        .base_url(format!("http://{server}"))
        .hmac_credentials(credentials())
        .transport(transport)
        // The bench measures the client's own cost per call; the rate
        // limit (on by default) would measure its 310 ms spacing instead.
        .no_rate_limit()
        .build()
        .unwrap();
    Client::from_http_client(http).unwrap()
}

/// A client whose transport answers at once with a ready response: what is
/// left is the client's own work per call.
fn client_on_ready_transport() -> Client {
    let answer = limitless_transport::transport_fn(|_request| async {
        Ok::<_, limitless_client::TransportError>(http::Response::new(Bytes::from_static(
            local_server::TOKENS.as_bytes(),
        )))
    });
    client_on(answer, "127.0.0.1:1".parse().unwrap())
}

/// The floor of [`client_on_ready_transport`]: decoding the same body.
fn decode_ready_body() -> Vec<ApiToken> {
    serde_json::from_slice(black_box(local_server::TOKENS.as_bytes())).unwrap()
}

/// One way of making the signed GET, cheap to clone into tasks.
#[derive(Clone)]
// Few values, made once: their size does not matter.
#[allow(clippy::large_enum_variant)]
enum Caller {
    Client(Client),
    BareReqwest {
        client: reqwest::Client,
        url: reqwest::Url,
        headers: HeaderMap,
    },
    BareHyper {
        client: hyper_util::client::legacy::Client<
            limitless_transport::hyper_rustls::HttpsConnector<
                hyper_util::client::legacy::connect::HttpConnector,
            >,
            Full<Bytes>,
        >,
        uri: Uri,
        headers: HeaderMap,
    },
}

impl Caller {
    async fn call(&self) -> Vec<ApiToken> {
        match self {
            Self::Client(client) => client.api_tokens.list_tokens().await.unwrap(),
            Self::BareReqwest {
                client,
                url,
                headers,
            } => {
                let response = client
                    .get(url.clone())
                    .headers(headers.clone())
                    .send()
                    .await
                    .unwrap();
                assert!(response.status().is_success());
                let body = response.bytes().await.unwrap();
                serde_json::from_slice(&body).unwrap()
            }
            Self::BareHyper {
                client,
                uri,
                headers,
            } => {
                let mut request = http::Request::new(Full::new(Bytes::new()));
                *request.uri_mut() = uri.clone();
                *request.headers_mut() = headers.clone();
                let body = tokio::time::timeout(TIMEOUT, async {
                    let response = client.request(request).await.unwrap();
                    assert!(response.status().is_success());
                    response.into_body().collect().await.unwrap().to_bytes()
                })
                .await
                .unwrap();
                serde_json::from_slice(&body).unwrap()
            }
        }
    }

    /// `calls` calls one after the other.
    async fn sequential(&self, calls: u64) {
        for _ in 0..calls {
            black_box(self.call().await);
        }
    }

    /// About `calls` calls, [`IN_FLIGHT`] at a time; returns the wall time
    /// per call.
    async fn concurrent(&self, calls: u64) -> Duration {
        let per_task = calls.div_ceil(IN_FLIGHT).max(1);
        let started = Instant::now();
        let mut tasks = JoinSet::new();
        for _ in 0..IN_FLIGHT {
            let caller = self.clone();
            tasks.spawn(async move { caller.sequential(per_task).await });
        }
        while let Some(done) = tasks.join_next().await {
            done.unwrap();
        }
        started.elapsed() / u32::try_from(per_task * IN_FLIGHT).unwrap()
    }
}

/// The callers of one backend: the client and the bare request.
struct Backend {
    name: &'static str,
    client: Caller,
    bare: Caller,
}

fn backends(server: SocketAddr) -> Vec<Backend> {
    let headers = precomputed_get_headers();
    let url = format!("http://{server}/auth/api-tokens");
    vec![
        Backend {
            name: "reqwest",
            client: Caller::Client(client_on(ReqwestTransport::new().unwrap(), server)),
            bare: Caller::BareReqwest {
                client: ReqwestTransport::new().unwrap().client().clone(),
                url: reqwest::Url::parse(&url).unwrap(),
                headers: headers.clone(),
            },
        },
        Backend {
            name: "hyper",
            client: Caller::Client(client_on(HyperTransport::new().unwrap(), server)),
            bare: Caller::BareHyper {
                client: HyperTransport::new().unwrap().client().clone(),
                uri: url.parse().unwrap(),
                headers,
            },
        },
    ]
}

fn current_thread() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn two_workers() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// The order the build benchmark places: a GTC buy of 10 shares at 0.55.
fn order_params() -> CreateDelegatedOrderParams {
    CreateDelegatedOrderParams::gtc(
        "btc-above-100k",
        ORDER_TOKEN_ID,
        Side::Buy,
        "0.55",
        10,
        48213,
    )
}

/// The floor of building an order request: the body DTO is given, so only
/// serializing, signing and assembling the request remain.
fn build_by_hand(
    signer: &Signer,
    body: &CreateOrderRequest,
    uri: &Uri,
    now: SystemTime,
) -> http::Request<Bytes> {
    let bytes = Bytes::from(serde_json::to_vec(body).unwrap());
    let timestamp = Timestamp::from_system_time(now).unwrap();
    let signed = signer.sign(&SigningInput {
        timestamp: &timestamp,
        method: "POST",
        path_and_query: "/orders",
        body: &bytes,
    });
    let mut request = http::Request::new(bytes);
    *request.method_mut() = Method::POST;
    *request.uri_mut() = uri.clone();
    let headers = request.headers_mut();
    headers.insert(USER_AGENT, HeaderValue::from_static(SDK_ID));
    headers.insert("x-sdk-version", HeaderValue::from_static(SDK_ID));
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    for (name, value) in &signed {
        let mut value = HeaderValue::from_str(value).unwrap();
        value.set_sensitive(SignedHeaders::is_sensitive(name));
        headers.insert(HeaderName::from_static(name), value);
    }
    request
}

fn ready_order_body() -> CreateOrderRequest {
    let price = "0.55".to_decimal().unwrap();
    let amounts = limit_order_amounts(
        Side::Buy,
        price,
        10.to_decimal().unwrap(),
        DEFAULT_TICK_SIZE,
    )
    .unwrap();
    CreateOrderRequest {
        order: UnsignedOrder::delegated(
            1_795_000_000_000_001,
            ORDER_TOKEN_ID,
            Side::Buy,
            amounts,
            DEFAULT_FEE_RATE_BPS,
            Some(price),
        ),
        order_type: OrderType::Gtc,
        market_slug: "btc-above-100k".into(),
        owner_id: 48213,
        on_behalf_of: Some(48213),
        post_only: None,
        client_order_id: None,
        timestamp: None,
        recv_window: None,
        stp_policy: None,
    }
}

/// A client that knows the market's venue (fetched once from the server).
fn client_with_market(server: SocketAddr) -> Client {
    let client = client_on(ReqwestTransport::new().unwrap(), server);
    current_thread()
        .block_on(client.markets.get_market("btc-above-100k").into_future())
        .unwrap();
    client
}

/// The signed `POST /orders` for `params` on a legacy venue: the pure
/// operation, signed by the client (what `create_order` sends, without the
/// venue lookup and the I/O).
fn build_with_client(client: &Client, params: &CreateDelegatedOrderParams) -> http::Request<Bytes> {
    let operation = ops::orders::create_order(params, Some(false), signed_at()).unwrap();
    client.http().sign(&operation, signed_at()).unwrap()
}

fn build_order(c: &mut Criterion) {
    let server = local_server::start(1);
    let client = client_with_market(server);
    let params = order_params();
    let signer = Signer::new(&credentials()).unwrap();
    let body = ready_order_body();
    let uri: Uri = format!("http://{server}/orders").parse().unwrap();

    // Same request either way, but for the salt.
    let built = build_with_client(&client, &params);
    let by_hand = build_by_hand(&signer, &body, &uri, signed_at());
    assert_eq!(built.uri(), by_hand.uri());
    assert_eq!(built.body().len(), by_hand.body().len());
    for name in ["user-agent", "accept", "content-type", "lmts-api-key"] {
        assert_eq!(built.headers()[name], by_hand.headers()[name], "{name}");
    }

    let mut group = c.benchmark_group("build_create_order");
    group.bench_function("by_hand", |b| {
        b.iter(|| build_by_hand(&signer, black_box(&body), &uri, signed_at()))
    });
    group.bench_function("client", |b| {
        b.iter(|| build_with_client(&client, black_box(&params)))
    });
    group.finish();
}

fn ready_transport(c: &mut Criterion) {
    let client = client_on_ready_transport();
    let runtime = current_thread();
    let mut group = c.benchmark_group("signed_get/ready_transport");
    group.bench_function("decode", |b| b.iter(decode_ready_body));
    group.bench_function("client", |b| {
        // One runtime entry for the whole batch, as in a running service.
        b.iter_custom(|calls| {
            runtime.block_on(async {
                let started = Instant::now();
                for _ in 0..calls {
                    black_box(client.api_tokens.list_tokens().await.unwrap());
                }
                started.elapsed()
            })
        })
    });
    group.finish();
}

fn signed_get(c: &mut Criterion) {
    // Each runtime serves its own clients: pooled connections belong to the
    // runtime that opened them, and a server on the same runtime answers
    // without waking another thread.
    let sequential = current_thread();
    let concurrent = two_workers();
    let on_sequential = backends(sequential.block_on(local_server::serve()).unwrap());
    let on_concurrent = backends(concurrent.block_on(local_server::serve()).unwrap());
    for (backend, in_flight) in on_sequential.iter().zip(&on_concurrent) {
        // Connect and check the answer once.
        for caller in [&backend.client, &backend.bare] {
            let tokens = sequential.block_on(caller.call());
            assert_eq!(tokens[0].token_id, TOKEN_ID);
        }
        let mut group = c.benchmark_group(format!("signed_get/{}/sequential", backend.name));
        for (name, caller) in [("bare", &backend.bare), ("client", &backend.client)] {
            group.bench_function(name, |b| {
                b.iter_custom(|calls| {
                    sequential.block_on(async {
                        let started = Instant::now();
                        caller.sequential(calls).await;
                        started.elapsed()
                    })
                })
            });
        }
        group.finish();

        let mut group = c.benchmark_group(format!("signed_get/{}/64_in_flight", backend.name));
        for (name, caller) in [("bare", &in_flight.bare), ("client", &in_flight.client)] {
            group.bench_function(name, |b| {
                b.iter_custom(|calls| {
                    concurrent.block_on(caller.concurrent(calls)) * u32::try_from(calls).unwrap()
                })
            });
        }
        group.finish();
    }
}

/// Interleaved batches of each pair; the fastest batch of each, per call.
fn interleaved_minimum() {
    fn report(label: &str, floor: Duration, client: Duration) {
        println!(
            "{label:<40} floor {:>9.2} µs  client {:>9.2} µs  {:.3}x",
            floor.as_secs_f64() * 1e6,
            client.as_secs_f64() * 1e6,
            client.as_secs_f64() / floor.as_secs_f64()
        );
    }

    {
        let client = client_on_ready_transport();
        let runtime = current_thread();
        let mut best = [Duration::MAX; 2];
        for _ in 0..200 {
            let started = Instant::now();
            for _ in 0..200 {
                black_box(decode_ready_body());
            }
            best[0] = best[0].min(started.elapsed() / 200);
            let per_call = runtime.block_on(async {
                let started = Instant::now();
                for _ in 0..200 {
                    black_box(client.api_tokens.list_tokens().await.unwrap());
                }
                started.elapsed() / 200
            });
            best[1] = best[1].min(per_call);
        }
        report("signed_get/ready_transport", best[0], best[1]);
    }

    let server = local_server::start(1);
    {
        let client = client_with_market(server);
        let params = order_params();
        let signer = Signer::new(&credentials()).unwrap();
        let body = ready_order_body();
        let uri: Uri = format!("http://{server}/orders").parse().unwrap();
        let mut best = [Duration::MAX; 2];
        for _ in 0..200 {
            let started = Instant::now();
            for _ in 0..200 {
                black_box(build_by_hand(&signer, black_box(&body), &uri, signed_at()));
            }
            best[0] = best[0].min(started.elapsed() / 200);
            let started = Instant::now();
            for _ in 0..200 {
                black_box(build_with_client(&client, black_box(&params)));
            }
            best[1] = best[1].min(started.elapsed() / 200);
        }
        report("build_create_order", best[0], best[1]);
    }

    let sequential = current_thread();
    let concurrent = two_workers();
    let on_sequential = backends(sequential.block_on(local_server::serve()).unwrap());
    let on_concurrent = backends(concurrent.block_on(local_server::serve()).unwrap());
    for (backend, in_flight) in on_sequential.iter().zip(&on_concurrent) {
        let pair = [&backend.bare, &backend.client];
        let mut best = [Duration::MAX; 2];
        for round in 0..60 {
            for (which, caller) in pair.iter().enumerate() {
                let per_call = sequential.block_on(async {
                    let started = Instant::now();
                    caller.sequential(200).await;
                    started.elapsed() / 200
                });
                // The first round warms the connections up.
                if round > 0 {
                    best[which] = best[which].min(per_call);
                }
            }
        }
        report(
            &format!("signed_get/{}/sequential", backend.name),
            best[0],
            best[1],
        );

        let pair = [&in_flight.bare, &in_flight.client];
        let mut best = [Duration::MAX; 2];
        for round in 0..30 {
            for (which, caller) in pair.iter().enumerate() {
                let per_call = concurrent.block_on(caller.concurrent(IN_FLIGHT * 20));
                if round > 0 {
                    best[which] = best[which].min(per_call);
                }
            }
        }
        report(
            &format!("signed_get/{}/64_in_flight", backend.name),
            best[0],
            best[1],
        );
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = build_order, ready_transport, signed_get
}

/// `CALLS_LOOP=<backend>/<client|bare>[/<calls>]`: only that caller,
/// sequentially, for profiling (callgrind, perf).
fn profile_loop(spec: &str) {
    let mut parts = spec.split('/');
    let backend = parts.next().unwrap_or("reqwest");
    let which = parts.next().unwrap_or("client");
    let calls = parts.next().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let runtime = current_thread();
    if backend == "ready" {
        let client = client_on_ready_transport();
        runtime.block_on(async {
            for _ in 0..calls {
                black_box(client.api_tokens.list_tokens().await.unwrap());
            }
        });
        return;
    }
    let server = runtime.block_on(local_server::serve()).unwrap();
    let backend = backends(server)
        .into_iter()
        .find(|b| b.name == backend)
        .expect("backend: reqwest or hyper");
    let caller = if which == "bare" {
        backend.bare
    } else {
        backend.client
    };
    runtime.block_on(caller.sequential(calls));
}

fn main() {
    if let Ok(spec) = std::env::var("CALLS_LOOP") {
        profile_loop(&spec);
        return;
    }
    if std::env::var_os("CALLS_MIN").is_some() {
        interleaved_minimum();
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
