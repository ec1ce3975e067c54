//! limitless-client against the floor and against the official Rust SDK.
//!
//! Three ways of making the same HMAC-signed `GET /auth/api-tokens` against
//! the same local HTTP/1.1 server on 127.0.0.1 (a fixed JSON body, no
//! signature check while timing):
//!
//! - `limitless-client`: `client.api_tokens.list_tokens()` on a client built
//!   with `Client::builder().base_url(..).hmac_credentials(..).build()`, so the
//!   default reqwest 0.13 transport with its default settings. It reads the
//!   clock, signs, sends and decodes into `limitless_client::types::api_tokens::ApiToken`.
//! - `bare`: the floor. The same `reqwest::Client` settings (built by the same
//!   `ReqwestTransport` builder with the client's default timeouts), the same
//!   headers (`user-agent`, `x-sdk-version`, `accept` and the three `lmts-*`),
//!   signed by hand with `limitless_auth::Signer` on every call over a
//!   timestamp made once beforehand (signing costs the same whatever the
//!   timestamp, so this is the cost of a timestamp precomputed per call),
//!   the body read and decoded into the same `limitless_client::types::api_tokens::ApiToken`.
//! - `official`: crates.io `limitless-exchange-rust-sdk` 1.3.0 through its
//!   public API only: `Client::builder().base_url(..).hmac_credentials(..)
//!   .build()`, `Client::from_http_client`, then
//!   `client.api_tokens.list_tokens()` (its `ApiTokenService`), which signs
//!   with the HMAC credentials and decodes into its own `ApiToken` (all
//!   strings). It sends on reqwest 0.12 with its own settings (30 s timeout,
//!   at most 50 idle connections per host).
//!
//! Before any timing, one request of each is recorded by the server and must
//! carry `lmts-api-key`, `lmts-timestamp` and `lmts-signature`, with a
//! signature that `limitless_auth::Verifier` accepts: all three really sign.
//!
//! Sequential: one call at a time on a current-thread runtime. 64 in flight:
//! 64 tasks on a 2-worker runtime, each making calls back to back; the figure
//! is wall time per call. As in `crates/limitless-client/benches/client.rs`,
//! the server runs as tasks on the same runtime as the callers, so a call
//! costs what the client and the server do rather than how fast a sleeping
//! thread wakes up; the server's cost is in every side of every ratio.
//!
//! `COMPARE_MIN=1` runs interleaved batches instead (the starting side turns
//! each round) and reports the fastest batch of each side: other processes
//! only ever slow a batch down, so the minimum is the stable figure on a busy
//! machine. It also prints each side's median batch (close to the fastest
//! when the machine was quiet) and how many connections the server accepted
//! per side while timing: reconnects are part of a client's cost. Between
//! batches every connection goes idle and each pool keeps only its
//! `pool_max_idle_per_host` (32 for limitless-rs' transport, 50 for the
//! official SDK), so each 64-in-flight batch opens some connections anew.
//!
//! ```text
//! cd compare && cargo bench --bench official
//! cd compare && COMPARE_MIN=1 cargo bench --bench official
//! ```

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

// The client bench's server, with its connection counter and recorder.
#[allow(dead_code)]
#[path = "../../crates/limitless-client/benches/local_server/mod.rs"]
mod local_server;

use std::collections::HashMap;
use std::hint::black_box;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use criterion::{Criterion, criterion_group};
use http::header::{ACCEPT, USER_AGENT};
use http::{HeaderMap, HeaderName, HeaderValue};
use limitless_auth::{
    HmacCredentials, Signer, SigningInput, Timestamp, VerificationRequest, Verifier,
};
use limitless_client::transport::ReqwestTransport;
use limitless_client::Client;
use limitless_client::types::api_tokens::ApiToken;
use limitless_exchange_rust_sdk as official;
use tokio::runtime::Runtime;
use tokio::task::JoinSet;

const TOKEN_ID: &str = "tok_bench";
const SECRET: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4v";
const PATH: &str = "/auth/api-tokens";
const IN_FLIGHT: u64 = 64;
/// The client's default timeouts, which the bare request copies.
const TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The three sides, in the order they are reported.
const SIDES: [&str; 3] = ["bare", "limitless-client", "official"];

fn credentials() -> HmacCredentials {
    HmacCredentials::new(TOKEN_ID, SECRET)
}

/// One way of making the signed GET, cheap to clone into tasks.
#[derive(Clone)]
enum Caller {
    Bare(Arc<Bare>),
    Client(Client),
    Official(Arc<official::Client>),
}

/// What the bare request needs: the pooled client, the URL, the signer, a
/// timestamp made beforehand and the headers other than the signing ones.
struct Bare {
    client: reqwest::Client,
    url: reqwest::Url,
    signer: Signer,
    timestamp: Timestamp,
    headers: HeaderMap,
}

impl Bare {
    fn new(server: SocketAddr) -> Self {
        let transport = ReqwestTransport::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(TIMEOUT)
            .build()
            .unwrap();
        // The client's own identification, so the requests are the same size
        // (checked against what the client sends in `check_signing`).
        let sdk_id = "limitless-rs/0.1.0";
        let mut headers = HeaderMap::new();
        headers.insert(USER_AGENT, HeaderValue::from_static(sdk_id));
        headers.insert("x-sdk-version", HeaderValue::from_static(sdk_id));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        Self {
            client: transport.client().clone(),
            url: reqwest::Url::parse(&format!("http://{server}{PATH}")).unwrap(),
            signer: Signer::new(&credentials()).unwrap(),
            timestamp: Timestamp::from_system_time(SystemTime::now()).unwrap(),
            headers,
        }
    }

    async fn call(&self) -> Vec<ApiToken> {
        let signed = self.signer.sign(&SigningInput {
            timestamp: &self.timestamp,
            method: "GET",
            path_and_query: PATH,
            body: b"",
        });
        let mut headers = self.headers.clone();
        for (name, value) in &signed {
            headers.insert(
                HeaderName::from_static(name),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        let response = self
            .client
            .get(self.url.clone())
            .headers(headers)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success());
        let body = response.bytes().await.unwrap();
        serde_json::from_slice(&body).unwrap()
    }
}

fn limitless_client(server: SocketAddr) -> Client {
    let http = Client::builder()
        .base_url(format!("http://{server}"))
        .hmac_credentials(credentials())
        // The official SDKs have no rate limiter: compare the send paths.
        .no_rate_limit()
        .build()
        .unwrap();
    Client::from_http_client(http).unwrap()
}

fn official_client(server: SocketAddr) -> official::Client {
    let http = official::Client::builder()
        .base_url(format!("http://{server}"))
        .hmac_credentials(official::HmacCredentials {
            token_id: TOKEN_ID.to_owned(),
            secret: SECRET.to_owned(),
        })
        .build()
        .unwrap();
    official::Client::from_http_client(http).unwrap()
}

/// The three callers against `server`, in the order of [`SIDES`].
fn callers(server: SocketAddr) -> [Caller; 3] {
    [
        Caller::Bare(Arc::new(Bare::new(server))),
        Caller::Client(limitless_client(server)),
        Caller::Official(Arc::new(official_client(server))),
    ]
}

impl Caller {
    /// One call; returns the number of tokens decoded.
    async fn call(&self) -> usize {
        match self {
            Self::Bare(bare) => black_box(bare.call().await).len(),
            Self::Client(client) => black_box(client.api_tokens.list_tokens().await.unwrap()).len(),
            Self::Official(client) => {
                black_box(client.api_tokens.list_tokens().await.unwrap()).len()
            }
        }
    }

    /// The first token's id, for the check before timing.
    async fn first_token_id(&self) -> String {
        match self {
            Self::Bare(bare) => bare.call().await.remove(0).token_id,
            Self::Client(client) => client.api_tokens.list_tokens().await.unwrap()[0]
                .token_id
                .clone(),
            Self::Official(client) => client.api_tokens.list_tokens().await.unwrap()[0]
                .token_id
                .clone(),
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

/// Both runtimes, each with its own server and its own three callers:
/// pooled connections belong to the runtime that opened them.
struct Setup {
    sequential: Runtime,
    concurrent: Runtime,
    on_sequential: [Caller; 3],
    on_concurrent: [Caller; 3],
}

impl Setup {
    fn new() -> Self {
        let sequential = current_thread();
        let concurrent = two_workers();
        let on_sequential = callers(sequential.block_on(local_server::serve()).unwrap());
        let on_concurrent = callers(concurrent.block_on(local_server::serve()).unwrap());
        let setup = Self {
            sequential,
            concurrent,
            on_sequential,
            on_concurrent,
        };
        setup.check_signing();
        setup
    }

    /// One call of each caller on each runtime, recorded by the server: the
    /// answer decodes, and the request carries the three signing headers
    /// with a signature the verifier accepts. This also opens a first
    /// connection for each.
    fn check_signing(&self) {
        let keys = HashMap::from([(TOKEN_ID.to_owned(), Signer::new(&credentials()).unwrap())]);
        let verifier = Verifier::default();
        let runtimes = [
            (&self.sequential, &self.on_sequential),
            (&self.concurrent, &self.on_concurrent),
        ];
        for (runtime, callers) in runtimes {
            let mut sent = Vec::new();
            for (side, caller) in SIDES.iter().zip(callers) {
                local_server::record(true);
                let token_id = runtime.block_on(caller.first_token_id());
                let recorded = local_server::record(false);
                assert_eq!(token_id, TOKEN_ID, "{side}: decoded answer");
                assert_eq!(recorded.len(), 1, "{side}: one request per call");
                let request = &recorded[0];
                for name in ["lmts-api-key", "lmts-timestamp", "lmts-signature"] {
                    assert!(request.header(name).is_some(), "{side}: no {name} header");
                }
                let verified = verifier.verify(
                    &VerificationRequest {
                        api_key: request.header("lmts-api-key"),
                        timestamp: request.header("lmts-timestamp"),
                        signature: request.header("lmts-signature"),
                        method: &request.method,
                        path_and_query: &request.path_and_query,
                        body: &request.body,
                    },
                    &keys,
                    SystemTime::now(),
                );
                match verified {
                    Ok(token) => assert_eq!(token, TOKEN_ID),
                    Err(error) => panic!("{side}: signature rejected: {error}"),
                }
                sent.push(request.clone());
                if std::ptr::eq(runtime, &self.sequential) {
                    let names: Vec<_> = request.headers.iter().map(|(n, _)| n.as_str()).collect();
                    eprintln!(
                        "{side:<17} {} {} signed, verified; headers: {}",
                        request.method,
                        request.path_and_query,
                        names.join(", ")
                    );
                }
            }
            // The floor sends what limitless-client sends.
            for name in ["user-agent", "x-sdk-version", "accept", "lmts-api-key"] {
                assert_eq!(sent[0].header(name), sent[1].header(name), "bare: {name}");
            }
        }
    }
}

fn compare(c: &mut Criterion) {
    let setup = Setup::new();
    let mut group = c.benchmark_group("list_tokens/sequential");
    for (side, caller) in SIDES.iter().zip(&setup.on_sequential) {
        group.bench_function(*side, |b| {
            b.iter_custom(|calls| {
                setup.sequential.block_on(async {
                    let started = Instant::now();
                    caller.sequential(calls).await;
                    started.elapsed()
                })
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("list_tokens/64_in_flight");
    for (side, caller) in SIDES.iter().zip(&setup.on_concurrent) {
        group.bench_function(*side, |b| {
            b.iter_custom(|calls| {
                setup.concurrent.block_on(caller.concurrent(calls)) * u32::try_from(calls).unwrap()
            })
        });
    }
    group.finish();
}

/// Every timed batch of each side (per call), and the connections the
/// server accepted while each side was being timed.
struct Batches {
    per_call: [Vec<Duration>; 3],
    connections: [u64; 3],
    calls: [u64; 3],
}

impl Batches {
    fn fastest(&self, side: usize) -> Duration {
        self.per_call[side].iter().copied().min().unwrap()
    }

    fn median(&self, side: usize) -> Duration {
        let mut sorted = self.per_call[side].clone();
        sorted.sort();
        sorted[sorted.len() / 2]
    }
}

/// `rounds` rounds of one batch per side, the starting side turning each
/// round; the first round only warms up.
fn interleave(rounds: usize, mut batch: impl FnMut(usize) -> (Duration, u64)) -> Batches {
    let mut batches = Batches {
        per_call: Default::default(),
        connections: [0; 3],
        calls: [0; 3],
    };
    for round in 0..rounds {
        for turn in 0..3 {
            let side = (round + turn) % 3;
            let before = local_server::accepted();
            let (per_call, calls) = batch(side);
            let opened = local_server::accepted() - before;
            if round > 0 {
                batches.per_call[side].push(per_call);
                batches.connections[side] += opened;
                batches.calls[side] += calls;
            }
        }
    }
    batches
}

fn report(label: &str, batches: &Batches) {
    let micros = |d: Duration| d.as_secs_f64() * 1e6;
    let fastest: [f64; 3] = std::array::from_fn(|side| micros(batches.fastest(side)));
    let [bare, client, official] = fastest;
    println!("{label}");
    for (i, side) in SIDES.iter().enumerate() {
        println!(
            "  {side:<17} {:>9.2} µs/call fastest batch  (median batch {:>9.2} µs; {} new connections in {} timed calls)",
            fastest[i],
            micros(batches.median(i)),
            batches.connections[i],
            batches.calls[i]
        );
    }
    let pairs = [
        ("limitless-client / bare", client, bare),
        ("official / bare", official, bare),
        ("official / limitless-client", official, client),
    ];
    for (name, numerator, denominator) in pairs {
        println!(
            "  time ratio {name:<28} {:>6.3}x   throughput ratio {name:<28} {:>6.3}x",
            numerator / denominator,
            denominator / numerator
        );
    }
}

/// Interleaved batches of the three sides; the fastest batch of each, per
/// call.
fn interleaved_minimum() {
    const SEQUENTIAL_BATCH: u64 = 200;
    const CONCURRENT_BATCH: u64 = IN_FLIGHT * 20;
    let setup = Setup::new();
    let batches = interleave(101, |side| {
        let caller = &setup.on_sequential[side];
        let per_call = setup.sequential.block_on(async {
            let started = Instant::now();
            caller.sequential(SEQUENTIAL_BATCH).await;
            started.elapsed() / u32::try_from(SEQUENTIAL_BATCH).unwrap()
        });
        (per_call, SEQUENTIAL_BATCH)
    });
    report(
        "list_tokens/sequential (fastest of 100 batches of 200 calls)",
        &batches,
    );

    let batches = interleave(101, |side| {
        let caller = &setup.on_concurrent[side];
        let per_call = setup
            .concurrent
            .block_on(caller.concurrent(CONCURRENT_BATCH));
        (per_call, CONCURRENT_BATCH)
    });
    report(
        "list_tokens/64_in_flight (fastest of 100 batches of 1280 calls, wall time per call)",
        &batches,
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = compare
}

fn main() {
    if std::env::var_os("COMPARE_MIN").is_some() {
        interleaved_minimum();
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
