//! The headers `RequestSigner` sets, checked against the signing vectors (`limitless-auth/tests/vectors`).

use std::time::SystemTime;

use http::{HeaderMap, HeaderValue, Method, Uri};
use limitless_auth::{HmacCredentials, Signer, Timestamp};
use limitless_middleware::{FixedClock, RequestSigner, SignErrorKind};
use serde_json::Value;

fn vectors() -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../limitless-auth/tests/vectors/hmac.json"
    );
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read signing vectors at {path}: {e}"));
    let vectors: Value = serde_json::from_str(&text).unwrap();
    vectors["cases"].as_array().unwrap().clone()
}

fn fixed(at: SystemTime) -> FixedClock {
    FixedClock::new(at)
}

#[test]
fn every_vector_signs_to_its_signature_through_an_absolute_uri() {
    let cases = vectors();
    assert!(cases.len() >= 7);
    for case in cases {
        let text = |key: &str| case[key].as_str().unwrap().to_owned();
        let signer = Signer::new(&HmacCredentials::new("tok_vec", text("secret"))).unwrap();
        let at = Timestamp::parse(&text("timestamp"))
            .unwrap()
            .to_system_time();
        let signer = RequestSigner::with_clock(signer, fixed(at));
        let uri: Uri = format!("https://api.example.test{}", text("path"))
            .parse()
            .unwrap();
        let method = Method::from_bytes(text("method").as_bytes()).unwrap();
        let mut headers = HeaderMap::new();

        signer
            .sign(&method, &uri, &mut headers, text("body").as_bytes())
            .unwrap();

        assert_eq!(headers.len(), 3, "{}", text("name"));
        assert_eq!(headers["lmts-api-key"], "tok_vec");
        assert_eq!(headers["lmts-timestamp"], text("timestamp").as_str());
        assert_eq!(
            headers["lmts-signature"],
            text("signature").as_str(),
            "{}",
            text("name")
        );
        assert!(headers["lmts-signature"].is_sensitive());
        assert!(!headers["lmts-api-key"].is_sensitive());
    }
}

#[test]
fn signing_again_replaces_the_previous_attempts_headers() {
    let signer = Signer::new(&HmacCredentials::new("tok", "c2VjcmV0")).unwrap();
    let first = Timestamp::parse("2026-01-01T00:00:00.000Z").unwrap();
    let second = Timestamp::parse("2026-01-01T00:00:01.000Z").unwrap();
    let uri: Uri = "/orders".parse().unwrap();
    let mut headers = HeaderMap::new();
    headers.insert("content-type", HeaderValue::from_static("application/json"));

    RequestSigner::with_clock(signer.clone(), fixed(first.to_system_time()))
        .sign(&Method::POST, &uri, &mut headers, b"{}")
        .unwrap();
    let first_signature = headers["lmts-signature"].clone();
    RequestSigner::with_clock(signer, fixed(second.to_system_time()))
        .sign(&Method::POST, &uri, &mut headers, b"{}")
        .unwrap();

    assert_eq!(headers.len(), 4);
    assert_eq!(headers.get_all("lmts-timestamp").iter().count(), 1);
    assert_eq!(headers["lmts-timestamp"], second.as_str());
    assert_ne!(headers["lmts-signature"], first_signature);
    assert_eq!(headers["content-type"], "application/json");
}

#[test]
fn a_clock_outside_four_digit_years_is_an_error_not_a_panic() {
    let signer = Signer::new(&HmacCredentials::new("tok", "c2VjcmV0")).unwrap();
    let far = std::time::UNIX_EPOCH + std::time::Duration::from_secs(300_000_000_000);
    let mut headers = HeaderMap::new();
    let err = RequestSigner::with_clock(signer, fixed(far))
        .sign(&Method::GET, &"/".parse().unwrap(), &mut headers, b"")
        .unwrap_err();
    assert_eq!(err.kind(), SignErrorKind::Clock);
    assert!(headers.is_empty());
}
