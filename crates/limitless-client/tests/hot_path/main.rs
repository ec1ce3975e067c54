//! The client's hot path: heap allocations per signed GET, counted by a
//! counting global allocator, and no lock held while a request is in the
//! transport.
//!
//! Its own test binary: the allocator counts every thread of the process,
//! so the tests here take turns (`SERIAL`), and everything the allocation
//! test measures runs on one current-thread runtime (client, transport and
//! the local server alike).
//!
//! Allocation figures (printed; run with `--nocapture` to see them):
//! - the client's own allocations per `list_tokens()` through a transport
//!   that hands back a ready response, next to those of decoding the same
//!   body by hand;
//! - whole calls against a local HTTP/1.1 server on 127.0.0.1, client
//!   against a bare request with precomputed headers, on reqwest and hyper.
//!
//! Only the first is asserted (an upper bound): it depends on nothing but
//! this workspace and serde, so it is the same on every run and machine.

// Shared with the benchmarks, which also start it on a thread of its own.
#[allow(dead_code)]
#[path = "../../benches/local_server/mod.rs"]
mod local_server;

use std::alloc::System;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use http::header::{ACCEPT, USER_AGENT};
use http::{HeaderMap, HeaderValue, Uri};
use http_body_util::{BodyExt, Full};
use limitless_auth::{Signer, SigningInput, Timestamp};
use limitless_client::types::api_tokens::ApiToken;
use limitless_client::{
    Client, CreateDelegatedOrderParams, FixedClock, HmacCredentials, Side, TransportError,
};
use limitless_transport::{HyperTransport, ReqwestTransport, transport_fn};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use tokio::runtime::Runtime;
use tokio::sync::Barrier;
use tokio::task::JoinSet;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Held by each test for its whole run: the allocation counts are global.
static SERIAL: Mutex<()> = Mutex::new(());

const TOKEN_ID: &str = "tok_bench";
const SECRET: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4v";
const SDK_ID: &str = concat!("limitless-rs/", env!("CARGO_PKG_VERSION"));
/// Calls per measurement; the figure is the mean.
const CALLS: u64 = 200;
/// Measurements per figure; the figure is the least.
const ROUNDS: usize = 5;

/// The most allocations the client itself may make for one signed GET
/// (decoding excluded). It makes 6 today: the boxed call future, the header
/// map's two tables, the timestamp and signature header values, and the
/// transport's boxed future (a constant path under a base URL without a
/// path is used as it is). The bound leaves room for a dependency's
/// internals to change, not for a new per-request copy of anything.
const MAX_CLIENT_ALLOCATIONS: u64 = 8;

fn credentials() -> HmacCredentials {
    HmacCredentials::new(TOKEN_ID, SECRET)
}

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Mean allocations of `call` over [`CALLS`] runs, after one warm-up run;
/// the least of [`ROUNDS`] such means. The count covers every thread, and
/// the test harness's own threads may allocate now and then (reporting the
/// other test, say): they can only add, so the least round is the call's.
fn allocations_per_call<F, Fut>(runtime: &Runtime, mut call: F) -> f64
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    runtime.block_on(call());
    (0..ROUNDS)
        .map(|_| {
            let region = Region::new(GLOBAL);
            runtime.block_on(async {
                for _ in 0..CALLS {
                    call().await;
                }
            });
            region.change().allocations as f64 / CALLS as f64
        })
        .fold(f64::INFINITY, f64::min)
}

fn client_with(transport: impl limitless_client::Transport, base_url: &str) -> Client {
    let http = Client::builder()
        .base_url(base_url)
        .hmac_credentials(credentials())
        .clock(FixedClock::from_unix_millis(1_795_000_000_000))
        .transport(transport)
        // Calls back to back: the rate limit's spacing would dominate.
        .no_rate_limit()
        .build()
        .unwrap();
    Client::from_http_client(http).unwrap()
}

/// The headers the client sends on this GET, signed once.
fn precomputed_headers() -> HeaderMap {
    let signer = Signer::new(&credentials()).unwrap();
    let timestamp = Timestamp::parse("2026-11-18T06:13:20.000Z").unwrap();
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

fn decode(body: &[u8]) -> Vec<ApiToken> {
    serde_json::from_slice(body).unwrap()
}

fn report(label: &str, client: f64, floor: f64) {
    println!(
        "{label:<34} client {client:>6.1}  floor {floor:>6.1}  extra {:>5.1}",
        client - floor
    );
}

/// The client's own work per call: a transport that answers at once with
/// a ready response, against decoding that response by hand.
fn client_allocations(runtime: &Runtime) -> f64 {
    let answer = transport_fn(|_request| async {
        Ok::<_, TransportError>(http::Response::new(Bytes::from_static(
            local_server::TOKENS.as_bytes(),
        )))
    });
    let client = client_with(answer, "https://api.limitless.exchange");
    let with_client = allocations_per_call(runtime, || async {
        let tokens = client.api_tokens.list_tokens().await.unwrap();
        assert_eq!(tokens[0].token_id, TOKEN_ID);
    });
    let decoding = allocations_per_call(runtime, || async {
        let tokens = decode(local_server::TOKENS.as_bytes());
        assert_eq!(tokens[0].token_id, TOKEN_ID);
    });
    report("list_tokens, ready response", with_client, decoding);
    with_client - decoding
}

/// Whole calls over loopback: the client against a bare reqwest request.
fn reqwest_calls(runtime: &Runtime, base_url: &str) {
    let client = client_with(ReqwestTransport::new().unwrap(), base_url);
    let bare = ReqwestTransport::new().unwrap().client().clone();
    let url = reqwest::Url::parse(&format!("{base_url}/auth/api-tokens")).unwrap();
    let headers = precomputed_headers();
    let with_client = allocations_per_call(runtime, || async {
        client.api_tokens.list_tokens().await.unwrap();
    });
    let floor = allocations_per_call(runtime, || async {
        let response = bare
            .get(url.clone())
            .headers(headers.clone())
            .send()
            .await
            .unwrap();
        decode(&response.bytes().await.unwrap());
    });
    report("list_tokens over reqwest", with_client, floor);
}

/// Whole calls over loopback: the client against a bare hyper request.
fn hyper_calls(runtime: &Runtime, base_url: &str) {
    let client = client_with(HyperTransport::new().unwrap(), base_url);
    let bare = HyperTransport::new().unwrap().client().clone();
    let uri: Uri = format!("{base_url}/auth/api-tokens").parse().unwrap();
    let headers = precomputed_headers();
    let with_client = allocations_per_call(runtime, || async {
        client.api_tokens.list_tokens().await.unwrap();
    });
    let floor = allocations_per_call(runtime, || async {
        let mut request = http::Request::new(Full::new(Bytes::new()));
        *request.uri_mut() = uri.clone();
        *request.headers_mut() = headers.clone();
        let response = bare.request(request).await.unwrap();
        decode(&response.into_body().collect().await.unwrap().to_bytes());
    });
    report("list_tokens over hyper", with_client, floor);
}

#[test]
fn allocations_per_signed_get() {
    let _serial = SERIAL.lock().unwrap_or_else(PoisonError::into_inner);
    let runtime = runtime();
    let extra = client_allocations(&runtime);

    let server = runtime.block_on(local_server::serve()).unwrap();
    let base_url = format!("http://{server}");
    reqwest_calls(&runtime, &base_url);
    hyper_calls(&runtime, &base_url);

    // Whole numbers: every call does the same work.
    assert_eq!(extra.fract(), 0.0, "{extra}");
    assert!(
        extra as u64 <= MAX_CLIENT_ALLOCATIONS,
        "the client made {extra} allocations per signed GET, more than {MAX_CLIENT_ALLOCATIONS}"
    );
    // A call cannot be free: signing alone needs header values.
    assert!(extra >= 3.0, "{extra}");
}

/// Calls made at once in [`no_lock_is_held_while_a_request_is_in_flight`].
const AT_ONCE: usize = 8;

/// Requests wait in the transport until others are there together. If the
/// client held a lock (its venue cache, its clock, its configuration) across
/// the transport call, the calls could not all arrive and none would finish.
///
/// Reads: [`AT_ONCE`] signed GETs meet. Orders on a market whose venue is not
/// cached yet: they share one `GET /markets/{slug}`, which is not answered
/// until [`AT_ONCE`] reads have joined it in the transport (the orders wait
/// for the venue without holding anything the reads need); then all the
/// orders meet there.
#[test]
fn no_lock_is_held_while_a_request_is_in_flight() {
    let _serial = SERIAL.lock().unwrap_or_else(PoisonError::into_inner);
    let reads_gate = Arc::new(Barrier::new(AT_ONCE));
    let lookup_gate = Arc::new(Barrier::new(AT_ONCE + 1));
    let orders_gate = Arc::new(Barrier::new(AT_ONCE));
    let ordering = Arc::new(AtomicBool::new(false));
    let lookups = Arc::new(AtomicUsize::new(0));
    let transport = {
        let ordering = Arc::clone(&ordering);
        let lookups = Arc::clone(&lookups);
        transport_fn(move |request: http::Request<Bytes>| {
            let (reads_gate, lookup_gate, orders_gate) =
                (reads_gate.clone(), lookup_gate.clone(), orders_gate.clone());
            let ordering = ordering.load(Ordering::SeqCst);
            let lookups = Arc::clone(&lookups);
            async move {
                let body = match (request.method().as_str(), request.uri().path()) {
                    ("GET", path) if path.starts_with("/markets/") => {
                        lookups.fetch_add(1, Ordering::SeqCst);
                        lookup_gate.wait().await;
                        local_server::MARKET
                    }
                    ("POST", "/orders") => {
                        orders_gate.wait().await;
                        local_server::ORDER
                    }
                    _ if ordering => {
                        lookup_gate.wait().await;
                        local_server::TOKENS
                    }
                    _ => {
                        reads_gate.wait().await;
                        local_server::TOKENS
                    }
                };
                Ok::<_, TransportError>(http::Response::new(Bytes::from_static(body.as_bytes())))
            }
        })
    };
    let client = client_with(transport, "https://api.limitless.exchange");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let read =
            |client: Client| async move { client.api_tokens.list_tokens().await.map(|t| t.len()) };
        // Reads: AT_ONCE signed GETs in the transport together.
        let mut reads = JoinSet::new();
        for _ in 0..AT_ONCE {
            reads.spawn(read(client.clone()));
        }
        assert_eq!(all_finish(reads).await, AT_ONCE);

        ordering.store(true, Ordering::SeqCst);
        let mut calls = JoinSet::new();
        for _ in 0..AT_ONCE {
            calls.spawn(read(client.clone()));
            let client = client.clone();
            calls.spawn(async move {
                let order = CreateDelegatedOrderParams::gtc(
                    "btc-above-100k",
                    "123",
                    Side::Buy,
                    "0.55",
                    10,
                    48213,
                );
                client
                    .delegated_orders
                    .create_order(&order)
                    .await
                    .map(|_| 1)
            });
        }
        assert_eq!(all_finish(calls).await, 2 * AT_ONCE);
    });
    assert_eq!(
        lookups.load(Ordering::SeqCst),
        1,
        "one venue lookup for all the orders"
    );
}

/// Waits for every call; each must succeed and return 1.
async fn all_finish(mut calls: JoinSet<Result<usize, limitless_client::Error>>) -> usize {
    let all = async {
        let mut finished = 0;
        while let Some(result) = calls.join_next().await {
            assert_eq!(result.unwrap().unwrap(), 1);
            finished += 1;
        }
        finished
    };
    // A deadlock guard, not a timing: the calls need microseconds.
    tokio::time::timeout(Duration::from_secs(30), all)
        .await
        .expect("calls blocked each other: a lock is held across the transport call")
}
