//! HMAC verification: secrets, timestamps, exact paths and bodies, clock
//! offset.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use limitless_auth::{HmacCredentials, Signer};
use limitless_sandbox::Sandbox;
use reqwest::Method;
use serde_json::json;

use crate::support::{Fixture, now};

#[tokio::test]
async fn wrong_secret_is_rejected_with_a_signature_error() {
    let fx = Fixture::start().await;
    let token = fx.partner_token().await;
    let mut key = STANDARD.decode(&token.secret).unwrap();
    key[0] ^= 1;
    let wrong = Signer::new(&HmacCredentials::new(
        token.token_id.clone(),
        STANDARD.encode(key),
    ))
    .unwrap();
    let reply = fx
        .signed_at(&wrong, now(), Method::GET, "/auth/api-tokens", None, &[])
        .await
        .expect(401);
    assert!(
        reply.message().contains("signature does not match"),
        "{}",
        reply.message()
    );
    assert!(
        reply.message().contains("GET\\n/auth/api-tokens"),
        "{}",
        reply.message()
    );
    assert!(!reply.message().contains(&token.secret));
    // The right secret works.
    fx.signed(&token, Method::GET, "/auth/api-tokens", None)
        .await
        .expect(200);
}

#[tokio::test]
async fn timestamps_outside_the_30_second_window_are_rejected() {
    let fx = Fixture::start().await;
    let token = fx.partner_token().await;
    let stale = fx
        .signed_at(
            &token.signer,
            now() - Duration::from_secs(31),
            Method::GET,
            "/auth/api-tokens",
            None,
            &[],
        )
        .await
        .expect(401);
    assert!(
        stale.message().contains("behind the server clock"),
        "{}",
        stale.message()
    );
    assert!(stale.message().contains("30000ms"), "{}", stale.message());
    let future = fx
        .signed_at(
            &token.signer,
            now() + Duration::from_secs(31),
            Method::GET,
            "/auth/api-tokens",
            None,
            &[],
        )
        .await
        .expect(401);
    assert!(
        future.message().contains("ahead of the server clock"),
        "{}",
        future.message()
    );
    fx.signed_at(
        &token.signer,
        now() - Duration::from_secs(20),
        Method::GET,
        "/auth/api-tokens",
        None,
        &[],
    )
    .await
    .expect(200);
}

#[tokio::test]
async fn missing_headers_legacy_keys_and_identity_tokens_are_refused() {
    let fx = Fixture::start().await;
    let bare = fx
        .send(fx.http.get(fx.url("/auth/api-tokens")))
        .await
        .expect(401);
    assert!(
        bare.message().contains("lmts-api-key"),
        "{}",
        bare.message()
    );
    let legacy = fx.legacy_key_refusal().await;
    assert!(
        legacy.message().contains("X-API-Key"),
        "{}",
        legacy.message()
    );
    let identity = fx
        .identity(
            fx.sandbox.partner_identity_token(),
            Method::GET,
            "/auth/api-tokens",
            None,
        )
        .await
        .expect(401);
    assert!(
        identity.message().contains("HMAC"),
        "{}",
        identity.message()
    );
    let unknown = Signer::new(&HmacCredentials::new(
        "no-such-token",
        STANDARD.encode([7u8; 32]),
    ))
    .unwrap();
    let reply = fx
        .signed_at(&unknown, now(), Method::GET, "/auth/api-tokens", None, &[])
        .await
        .expect(401);
    assert!(
        reply.message().contains("unknown or revoked"),
        "{}",
        reply.message()
    );
}

#[tokio::test]
async fn the_signature_covers_the_exact_body_and_encoded_path() {
    let fx = Fixture::start().await;
    let token = fx.partner_token().await;

    // Signed over one body, sent with another.
    let signed_body =
        serde_json::to_vec(&json!({ "displayName": "a", "createServerWallet": true })).unwrap();
    let timestamp = limitless_auth::Timestamp::from_system_time(now()).unwrap();
    let headers = token.signer.sign(&limitless_auth::SigningInput {
        timestamp: &timestamp,
        method: "POST",
        path_and_query: "/profiles/partner-accounts",
        body: &signed_body,
    });
    let mut request = fx.http.post(fx.url("/profiles/partner-accounts"));
    for (name, value) in &headers {
        request = request.header(name, value);
    }
    let tampered = fx
        .send(request.body(r#"{"displayName":"b","createServerWallet":true}"#))
        .await
        .expect(401);
    assert!(
        tampered.message().contains("signature"),
        "{}",
        tampered.message()
    );

    // A percent-encoded path segment and a query string are signed as sent.
    let path = "/auth/api-tokens/tok%2Fwith%20space";
    let reply = fx
        .signed(&token, Method::DELETE, path, None)
        .await
        .expect(404);
    assert!(
        reply.message().contains("tok/with space"),
        "{}",
        reply.message()
    );
    fx.signed(
        &token,
        Method::GET,
        "/profiles/partner-accounts?limit=10&page=2",
        None,
    )
    .await
    .expect(200);
}

#[tokio::test]
async fn a_server_clock_ahead_rejects_real_time_and_shows_its_date() {
    let sandbox = Sandbox::builder()
        .clock_offset(45_000)
        .start()
        .await
        .unwrap();
    let fx = Fixture::with(sandbox);
    let token = fx.partner_token().await;

    let rejected = fx
        .signed(&token, Method::GET, "/auth/api-tokens", None)
        .await
        .expect(401);
    assert!(
        rejected.message().contains("behind the server clock"),
        "{}",
        rejected.message()
    );

    // The Date header carries the server's clock: about 45 s ahead of ours.
    let date = rejected.headers.get("date").unwrap().to_str().unwrap();
    let server = httpdate::parse_http_date(date).unwrap();
    let ahead = server.duration_since(now()).unwrap_or_default();
    assert!(
        ahead >= Duration::from_secs(40) && ahead <= Duration::from_secs(46),
        "server Date {date} should be ~45 s ahead, is {ahead:?}"
    );

    // Signing with the server's time (as learned from Date) is accepted.
    fx.signed_at(
        &token.signer,
        server,
        Method::GET,
        "/auth/api-tokens",
        None,
        &[],
    )
    .await
    .expect(200);
}

#[tokio::test]
async fn a_server_clock_behind_rejects_real_time_too() {
    let sandbox = Sandbox::builder()
        .clock_offset(time::Duration::seconds(-45))
        .start()
        .await
        .unwrap();
    let fx = Fixture::with(sandbox);
    let token = fx.partner_token().await;
    let rejected = fx
        .signed(&token, Method::GET, "/auth/api-tokens", None)
        .await
        .expect(401);
    assert!(
        rejected.message().contains("ahead of the server clock"),
        "{}",
        rejected.message()
    );
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    let sandbox = Sandbox::builder().rate_limit(1).start().await.unwrap();
    let fx = Fixture::with(sandbox);
    let mut limited = None;
    for _ in 0..5 {
        let reply = fx.send(fx.http.get(fx.url("/markets/active"))).await;
        if reply.status == 429 {
            limited = Some(reply);
            break;
        }
        assert_eq!(reply.status, 200);
    }
    let limited = limited.expect("five back-to-back requests at 1 per second must hit the limit");
    let retry_after: u64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after >= 1);
    assert_eq!(limited.body["retryAfterSeconds"], retry_after);
    assert_eq!(limited.body["statusCode"], 429);
    assert!(limited.message().contains("rate limit"));
    assert!(limited.headers.contains_key("date"));
}

#[tokio::test]
async fn forged_requests_do_not_spend_a_real_tokens_rate_limit() {
    let sandbox = Sandbox::builder().rate_limit(1).start().await.unwrap();
    let fx = Fixture::with(sandbox);
    let token = fx.partner_token().await;
    // Someone who knows the token id but not its secret.
    let forger = Signer::new(&HmacCredentials::new(
        token.token_id.clone(),
        STANDARD.encode(b"not the real secret"),
    ))
    .unwrap();
    let mut limited = false;
    for _ in 0..5 {
        let reply = fx
            .signed_at(&forger, now(), Method::GET, "/auth/api-tokens", None, &[])
            .await;
        if reply.status == 429 {
            limited = true;
            break;
        }
        assert_eq!(reply.status, 401, "{}", reply.body);
    }
    assert!(
        limited,
        "forged requests share the anonymous bucket and hit its limit"
    );
    // The real token's bucket was never touched: its first request passes
    // however fast the forger was.
    let listed = fx
        .signed(&token, Method::GET, "/auth/api-tokens", None)
        .await
        .expect(200);
    assert_eq!(listed.body[0]["tokenId"], token.token_id.as_str());
}

#[tokio::test]
async fn public_reads_are_charged_to_a_verified_token() {
    let sandbox = Sandbox::builder().rate_limit(1).start().await.unwrap();
    let fx = Fixture::with(sandbox);
    let token = fx.partner_token().await;
    // Anonymous callers use up their shared bucket...
    let mut anonymous = Vec::new();
    for _ in 0..5 {
        anonymous.push(fx.send(fx.http.get(fx.url("/markets/active"))).await.status);
    }
    assert!(anonymous.contains(&429), "{anonymous:?}");
    // ...but a signed public read is the token's own.
    fx.signed(&token, Method::GET, "/markets/active", None)
        .await
        .expect(200);
}
