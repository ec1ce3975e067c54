//! `limitless_auth::Verifier` against arbitrary `lmts-api-key`,
//! `lmts-timestamp` and `lmts-signature` values: it never panics and
//! never accepts a request that the known key did not sign.
//!
//! Mirrors the `verifier_headers` cargo-fuzz target.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use limitless_auth::{
    HmacCredentials, Signer, SigningInput, Timestamp, VerificationRequest, Verifier,
};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestRunner;

use crate::support::fixed;

const TOKEN_ID: &str = "tok_hostile";
// base64 of "hostile-test-secret"
const SECRET: &str = "aG9zdGlsZS10ZXN0LXNlY3JldA==";
/// 2026-01-01T00:00:00Z: the verifier's clock.
const NOW_SECS: u64 = 1_767_225_600;

fn signer() -> Signer {
    Signer::new(&HmacCredentials {
        token_id: TOKEN_ID.to_owned(),
        secret: SECRET.to_owned(),
    })
    .expect("valid credentials")
}

fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(NOW_SECS)
}

/// A header value: absent, arbitrary, or close to a valid one.
fn value(near: Vec<String>) -> impl Strategy<Value = Option<String>> {
    prop::option::weighted(
        0.9,
        prop_oneof![
            2 => any::<String>(),
            2 => select(near),
            1 => "[A-Za-z0-9+/=_-]{0,64}",
            1 => Just(String::new()),
        ],
    )
}

/// Timestamps: well-formed ones around the clock and past any range, and
/// near misses.
fn timestamps() -> Vec<String> {
    let mut near: Vec<String> = [0_i64, -1, 1, -30, 30, -31, 31, -86_400, 10_000_000_000]
        .into_iter()
        .filter_map(|delta| {
            let at = if delta >= 0 {
                now().checked_add(Duration::from_secs(delta.unsigned_abs()))
            } else {
                now().checked_sub(Duration::from_secs(delta.unsigned_abs()))
            }?;
            Timestamp::from_system_time(at)
                .ok()
                .map(|t| t.as_str().to_owned())
        })
        .collect();
    near.extend(
        [
            "2026-01-01T00:00:00Z",
            "2026-01-01T00:00:00.000+00:00",
            "2026-02-30T00:00:00.000Z",
            "9999-12-31T23:59:59.999Z",
            "0000-01-01T00:00:00.000Z",
            "-2026-01-01T00:00:00.000Z",
            "2026-01-01T24:00:00.000Z",
            "2026-01-01T00:00:60.000Z",
            "1767225600",
            "1767225600000",
            "２０２６-01-01T00:00:00.000Z",
        ]
        .map(str::to_owned),
    );
    near
}

fn request_strategy() -> impl Strategy<
    Value = (
        Option<String>,
        Option<String>,
        Option<String>,
        String,
        String,
        Vec<u8>,
    ),
> {
    let signer = signer();
    let valid_stamp = Timestamp::from_system_time(now()).expect("a valid time");
    let signatures: Vec<String> = ["GET", "POST"]
        .into_iter()
        .map(|method| {
            signer
                .sign(&SigningInput {
                    timestamp: &valid_stamp,
                    method,
                    path_and_query: "/orders",
                    body: b"",
                })
                .signature()
                .to_owned()
        })
        .chain([
            "=".repeat(44),
            "A".repeat(43) + "=",
            "A".repeat(88),
            "AAAA".repeat(11),
        ])
        .collect();
    (
        value(vec![
            TOKEN_ID.to_owned(),
            format!(" {TOKEN_ID}"),
            TOKEN_ID.to_uppercase(),
        ]),
        value(timestamps()),
        value(signatures),
        select(vec![
            "GET".to_owned(),
            "POST".to_owned(),
            "get".to_owned(),
            "DELETE".to_owned(),
        ]),
        prop_oneof![Just("/orders".to_owned()), any::<String>()],
        prop_oneof![Just(Vec::new()), prop::collection::vec(any::<u8>(), 0..32)],
    )
}

#[test]
fn arbitrary_auth_headers_never_panic_and_never_authenticate_without_the_key() {
    let signer = signer();
    let keys: HashMap<String, Signer> = HashMap::from([(TOKEN_ID.to_owned(), signer.clone())]);
    let verifier = Verifier::default();
    let mut runner = TestRunner::new(fixed(3000));
    runner
        .run(
            &request_strategy(),
            |(api_key, timestamp, signature, method, path, body)| {
                let request = VerificationRequest {
                    api_key: api_key.as_deref(),
                    timestamp: timestamp.as_deref(),
                    signature: signature.as_deref(),
                    method: &method,
                    path_and_query: &path,
                    body: &body,
                };
                let _ = format!("{request:?}");
                let Ok(token) = verifier.verify(&request, &keys, now()) else {
                    return Ok(());
                };
                // Accepted: it must be exactly what the key signs.
                prop_assert_eq!(token.as_str(), TOKEN_ID);
                prop_assert_eq!(api_key.as_deref(), Some(TOKEN_ID));
                let stamp = Timestamp::parse(timestamp.as_deref().unwrap_or_default())
                    .expect("an accepted timestamp parses");
                let expected = signer.sign(&SigningInput {
                    timestamp: &stamp,
                    method: &method,
                    path_and_query: &path,
                    body: &body,
                });
                prop_assert_eq!(signature.as_deref(), Some(expected.signature()));
                Ok(())
            },
        )
        .unwrap();
}

/// The positive control: a signed request is accepted, and every
/// single-character change of any header refuses it.
#[test]
fn a_signed_request_is_accepted_and_any_edit_of_a_header_refuses_it() {
    let signer = signer();
    let keys: HashMap<String, Signer> = HashMap::from([(TOKEN_ID.to_owned(), signer.clone())]);
    let verifier = Verifier::default();
    let stamp = Timestamp::from_system_time(now()).expect("a valid time");
    let body = br#"{"order":1}"#;
    let signed = signer.sign(&SigningInput {
        timestamp: &stamp,
        method: "POST",
        path_and_query: "/orders",
        body,
    });
    let request = |api_key: &str, timestamp: &str, signature: &str| {
        let request = VerificationRequest {
            api_key: Some(api_key),
            timestamp: Some(timestamp),
            signature: Some(signature),
            method: "POST",
            path_and_query: "/orders",
            body,
        };
        verifier.verify(&request, &keys, now())
    };
    assert_eq!(
        request(TOKEN_ID, stamp.as_str(), signed.signature()).as_deref(),
        Ok(TOKEN_ID)
    );
    let edits = |text: &str| -> Vec<String> {
        (0..text.len())
            .filter(|&i| text.is_char_boundary(i))
            .flat_map(|i| {
                ['A', '0', '+', '=', ' '].into_iter().filter_map(move |c| {
                    let mut edited = text.to_owned();
                    edited.replace_range(i..=i, &c.to_string());
                    (edited != text).then_some(edited)
                })
            })
            .collect()
    };
    for key in edits(TOKEN_ID) {
        assert!(
            request(&key, stamp.as_str(), signed.signature()).is_err(),
            "key {key:?}"
        );
    }
    for time in edits(stamp.as_str()) {
        // An edit that names the same instant (none is expected) would
        // rightly still verify; every other must fail.
        if Timestamp::parse(&time).is_ok_and(|t| t.as_str() == stamp.as_str()) {
            continue;
        }
        assert!(
            request(TOKEN_ID, &time, signed.signature()).is_err(),
            "timestamp {time:?}"
        );
    }
    for signature in edits(signed.signature()) {
        assert!(
            request(TOKEN_ID, stamp.as_str(), &signature).is_err(),
            "signature {signature:?}"
        );
    }
}
