//! The API's documented per-token rate limits: 2 requests in flight and
//! 300 ms between calls, off by default.

use limitless_sandbox::Sandbox;
use reqwest::Method;

use crate::support::Fixture;

#[tokio::test]
async fn off_by_default() {
    let fx = Fixture::start().await;
    let token = fx.partner_token().await;
    for _ in 0..3 {
        fx.signed(&token, Method::GET, "/auth/api-tokens", None)
            .await
            .expect(200);
    }
    assert_eq!(fx.sandbox.rate_limited_count(), 0);
}

#[tokio::test]
async fn calls_closer_than_300_ms_get_429_with_retry_after_seconds() {
    let fx = Fixture::with(
        Sandbox::builder()
            .documented_rate_limits(true)
            .start()
            .await
            .unwrap(),
    );
    let token = fx.partner_token().await;
    fx.signed(&token, Method::GET, "/auth/api-tokens", None)
        .await
        .expect(200);
    // Back to back: far less than 300 ms after the first.
    let limited = fx
        .signed(&token, Method::GET, "/auth/api-tokens", None)
        .await
        .expect(429);
    assert_eq!(limited.body["retryAfterSeconds"], 1);
    assert!(
        limited.message().contains("300 ms"),
        "{}",
        limited.message()
    );
    assert_eq!(limited.headers["retry-after"], "1");
    assert_eq!(fx.sandbox.rate_limited_count(), 1);

    // Requests without an API token are not limited per token.
    for _ in 0..3 {
        fx.send(fx.http.get(fx.url("/markets/active")))
            .await
            .expect(200);
    }
    // Forged signatures spend nothing: the route refuses them itself.
    let forged = fx
        .send(
            fx.http
                .get(fx.url("/auth/api-tokens"))
                .header("lmts-api-key", token.token_id.as_str())
                .header("lmts-timestamp", "2026-01-01T00:00:00.000Z")
                .header("lmts-signature", "AAAA"),
        )
        .await;
    assert_eq!(forged.status, 401);

    // Switched off while running.
    fx.sandbox.set_documented_rate_limits(false);
    for _ in 0..3 {
        fx.signed(&token, Method::GET, "/auth/api-tokens", None)
            .await
            .expect(200);
    }
    assert_eq!(fx.sandbox.rate_limited_count(), 1);
}
