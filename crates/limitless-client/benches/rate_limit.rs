//! The client's default rate limit against the API's documented limits:
//! 300 calls (`RATE_LIMIT_CALLS` to change) of one token, all requested at
//! once, through the client's limiter (on by default) against the sandbox
//! enforcing the documented per-token limits (2 in flight, 300 ms between
//! arrivals; `Sandbox::builder().documented_rate_limits(true)`).
//!
//! It reports how many calls the sandbox answered 429 (the goal: none)
//! and the achieved rate against the allowed one: `(calls - 1)` gaps of
//! 300 ms is the least time the API allows for the calls, divided by the
//! time they took (the goal: at least 95 %). The default spacing is 310 ms
//! (`RateLimit::SPACING_MARGIN`), so the ideal is about 96.8 %.
//!
//! ```text
//! cargo bench -p limitless-client --bench rate_limit
//! ```

use std::time::Instant;

use limitless_client::limits::MIN_REQUEST_SPACING;
use limitless_client::{Client, DeriveApiTokenInput, Error, HmacCredentials, SCOPE_TRADING};
use limitless_sandbox::Sandbox;

fn main() {
    // `cargo bench` passes `--bench`; a filter that names another bench
    // skips this one.
    let filter = std::env::args().skip(1).find(|arg| !arg.starts_with('-'));
    if filter.is_some_and(|f| !"rate_limit".contains(f.as_str())) {
        return;
    }
    let calls: usize = std::env::var("RATE_LIMIT_CALLS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(300);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(run(calls));
}

async fn run(calls: usize) {
    let sandbox = Sandbox::builder()
        .documented_rate_limits(true)
        .start()
        .await
        .expect("the sandbox starts");
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .build_client()
        .expect("the client builds");
    let derived = client
        .api_tokens
        .derive_token(
            sandbox.partner_identity_token(),
            &DeriveApiTokenInput {
                label: Some("rate-limit bench".into()),
                scopes: vec![SCOPE_TRADING.to_owned()],
            },
        )
        .await
        .expect("a token");
    client
        .http()
        .set_hmac_credentials(&HmacCredentials::new(derived.token_id, derived.secret))
        .expect("credentials");
    let limit = client.http().rate_limit().expect("on by default");
    println!(
        "rate_limit: {calls} calls of one token, limiter {} in flight / {} ms; sandbox enforcing 2 in flight / {} ms",
        limit.max_in_flight(),
        limit.min_spacing().as_millis(),
        MIN_REQUEST_SPACING.as_millis()
    );

    let started = Instant::now();
    let tasks: Vec<_> = (0..calls)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.api_tokens.list_tokens().await.map(|_| ()) })
        })
        .collect();
    let mut client_429 = 0_usize;
    let mut failures = 0_usize;
    for task in tasks {
        match task.await.expect("the call task") {
            Ok(()) => {}
            Err(Error::RateLimited { .. }) => client_429 += 1,
            Err(error) => {
                failures += 1;
                eprintln!("call failed: {error}");
            }
        }
    }
    let elapsed = started.elapsed();
    let refused = sandbox.rate_limited_count();
    let least = MIN_REQUEST_SPACING * u32::try_from(calls.saturating_sub(1)).unwrap_or(u32::MAX);
    let ratio = least.as_secs_f64() / elapsed.as_secs_f64();
    println!(
        "rate_limit: {calls} calls in {:.2} s; 429 answers: {refused} (client saw {client_429}); other failures: {failures}",
        elapsed.as_secs_f64()
    );
    println!(
        "rate_limit: achieved {:.3} calls/s of the allowed {:.3} calls/s: {:.1} %",
        (calls.saturating_sub(1)) as f64 / elapsed.as_secs_f64(),
        1.0 / MIN_REQUEST_SPACING.as_secs_f64(),
        ratio * 100.0
    );
    sandbox.shutdown().await;
    assert_eq!(refused, 0, "the sandbox answered 429");
    assert_eq!(failures, 0, "calls failed");
    assert!(
        ratio >= 0.95,
        "achieved {:.1} % of the allowed rate",
        ratio * 100.0
    );
}
