//! The verifier accepts exactly the requests the signer produced.

use std::collections::HashMap;
use std::time::Duration;

use limitless_auth::{
    HmacCredentials, Signer, SigningInput, Timestamp, VerificationRequest, Verifier, VerifyError,
};

use crate::at_millis;

const NOW: u64 = 1_795_000_000_000;
const BODY: &[u8] = br#"{"order":{"salt":1},"ownerId":42}"#;

struct Signed {
    token: String,
    timestamp: String,
    signature: String,
}

fn keys() -> HashMap<String, Signer> {
    let mut keys = HashMap::new();
    for (id, secret) in [("tok_a", "c2VjcmV0LWE="), ("tok_b", "c2VjcmV0LWI=")] {
        keys.insert(
            id.to_string(),
            Signer::new(&HmacCredentials::new(id, secret)).unwrap(),
        );
    }
    keys
}

fn sign_at(millis: u64) -> Signed {
    let keys = keys();
    let signer = &keys["tok_a"];
    let timestamp = Timestamp::from_system_time(at_millis(millis)).unwrap();
    let headers = signer.sign(&SigningInput {
        timestamp: &timestamp,
        method: "POST",
        path_and_query: "/orders?x=1",
        body: BODY,
    });
    Signed {
        token: headers.api_key().to_string(),
        timestamp: headers.timestamp().to_string(),
        signature: headers.signature().to_string(),
    }
}

fn verify(
    signed: &Signed,
    method: &str,
    path: &str,
    body: &[u8],
    now: u64,
) -> Result<String, VerifyError> {
    Verifier::default().verify(
        &VerificationRequest {
            api_key: Some(&signed.token),
            timestamp: Some(&signed.timestamp),
            signature: Some(&signed.signature),
            method,
            path_and_query: path,
            body,
        },
        &keys(),
        at_millis(now),
    )
}

#[test]
fn accepts_the_untouched_request() {
    let signed = sign_at(NOW);
    assert_eq!(
        verify(&signed, "POST", "/orders?x=1", BODY, NOW),
        Ok("tok_a".into())
    );
    // The method is case-insensitive on both sides.
    assert_eq!(
        verify(&signed, "post", "/orders?x=1", BODY, NOW),
        Ok("tok_a".into())
    );
}

#[test]
fn rejects_each_tampered_part() {
    let signed = sign_at(NOW);
    let bad = Err(VerifyError::BadSignature);
    assert_eq!(verify(&signed, "PUT", "/orders?x=1", BODY, NOW), bad);
    assert_eq!(verify(&signed, "POST", "/orderz?x=1", BODY, NOW), bad);
    assert_eq!(verify(&signed, "POST", "/orders?x=2", BODY, NOW), bad);
    assert_eq!(verify(&signed, "POST", "/orders", BODY, NOW), bad);
    assert_eq!(
        verify(
            &signed,
            "POST",
            "/orders?x=1",
            br#"{"order":{"salt":2},"ownerId":42}"#,
            NOW
        ),
        bad
    );
    assert_eq!(verify(&signed, "POST", "/orders?x=1", b"", NOW), bad);

    let mut other_time = sign_at(NOW);
    other_time.timestamp = Timestamp::from_system_time(at_millis(NOW + 1))
        .unwrap()
        .to_string();
    assert_eq!(verify(&other_time, "POST", "/orders?x=1", BODY, NOW), bad);

    // Another known token with this signature: wrong key.
    let mut other_token = sign_at(NOW);
    other_token.token = "tok_b".into();
    assert_eq!(verify(&other_token, "POST", "/orders?x=1", BODY, NOW), bad);

    let mut unknown = sign_at(NOW);
    unknown.token = "tok_c".into();
    assert_eq!(
        verify(&unknown, "POST", "/orders?x=1", BODY, NOW),
        Err(VerifyError::UnknownToken)
    );

    let mut flipped = sign_at(NOW);
    let first = if flipped.signature.starts_with('A') {
        "B"
    } else {
        "A"
    };
    flipped.signature.replace_range(0..1, first);
    assert_eq!(verify(&flipped, "POST", "/orders?x=1", BODY, NOW), bad);

    let mut garbage = sign_at(NOW);
    garbage.signature = "not base64!".into();
    assert_eq!(verify(&garbage, "POST", "/orders?x=1", BODY, NOW), bad);
    garbage.signature = "c2VjcmV0".into(); // valid base64, wrong length
    assert_eq!(verify(&garbage, "POST", "/orders?x=1", BODY, NOW), bad);
}

#[test]
fn window_is_thirty_seconds_either_way() {
    for (offset_ms, ok) in [
        (29_000i64, true),
        (30_000, true),
        (30_001, false),
        (31_000, false),
    ] {
        for sign in [1i64, -1] {
            let signed_at = (NOW as i64 + sign * offset_ms) as u64;
            let result = verify(&sign_at(signed_at), "POST", "/orders?x=1", BODY, NOW);
            if ok {
                assert_eq!(result, Ok("tok_a".into()), "offset {}", sign * offset_ms);
            } else {
                assert_eq!(
                    result,
                    Err(VerifyError::OutsideWindow {
                        skew: Duration::from_millis(offset_ms as u64),
                        ahead: sign > 0,
                        max_skew: Duration::from_secs(30),
                    }),
                    "offset {}",
                    sign * offset_ms
                );
            }
        }
    }
}

#[test]
fn custom_window() {
    let signed = sign_at(NOW - 5_000);
    let result = Verifier::new(Duration::from_secs(1)).verify(
        &VerificationRequest {
            api_key: Some(&signed.token),
            timestamp: Some(&signed.timestamp),
            signature: Some(&signed.signature),
            method: "POST",
            path_and_query: "/orders?x=1",
            body: BODY,
        },
        &keys(),
        at_millis(NOW),
    );
    assert!(matches!(
        result,
        Err(VerifyError::OutsideWindow { ahead: false, .. })
    ));
}

#[test]
fn missing_and_malformed_headers() {
    let signed = sign_at(NOW);
    let request = VerificationRequest {
        api_key: Some(&signed.token),
        timestamp: Some(&signed.timestamp),
        signature: Some(&signed.signature),
        method: "POST",
        path_and_query: "/orders?x=1",
        body: BODY,
    };
    let check = |request: VerificationRequest<'_>| {
        Verifier::default().verify(&request, &keys(), at_millis(NOW))
    };
    assert_eq!(
        check(VerificationRequest {
            api_key: None,
            ..request
        }),
        Err(VerifyError::MissingHeader {
            header: "lmts-api-key"
        })
    );
    assert_eq!(
        check(VerificationRequest {
            timestamp: Some(""),
            ..request
        }),
        Err(VerifyError::MissingHeader {
            header: "lmts-timestamp"
        })
    );
    assert_eq!(
        check(VerificationRequest {
            signature: None,
            ..request
        }),
        Err(VerifyError::MissingHeader {
            header: "lmts-signature"
        })
    );
    assert_eq!(
        check(VerificationRequest {
            timestamp: Some("2026-03-23T12:34:56Z"),
            ..request
        }),
        Err(VerifyError::MalformedTimestamp)
    );
}
