//! `limitless_auth::Verifier` with arbitrary `lmts-api-key`,
//! `lmts-timestamp` and `lmts-signature` values (and method, path and
//! body). The input is split on NUL bytes into those six fields; the first
//! byte's bits swap in the known token id or a valid timestamp, so the
//! checks behind them are reached. Never panics; never accepts a request
//! the known key did not sign.
#![no_main]

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use libfuzzer_sys::fuzz_target;
use limitless_auth::{
    HmacCredentials, Signer, SigningInput, Timestamp, VerificationRequest, Verifier,
};

const TOKEN_ID: &str = "tok_fuzz";
// base64 of "hostile-test-secret"
const SECRET: &str = "aG9zdGlsZS10ZXN0LXNlY3JldA==";

fuzz_target!(|data: &[u8]| {
    let [flags, rest @ ..] = data else {
        return;
    };
    let mut fields = rest.split(|&b| b == 0).map(String::from_utf8_lossy);
    let mut next = || fields.next().map(|f| f.into_owned());
    let (key, stamp, signature) = (next(), next(), next());
    let method = next().unwrap_or_default();
    let path = next().unwrap_or_default();
    let body = next().unwrap_or_default().into_bytes();

    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600);
    let valid_stamp = Timestamp::from_system_time(now).expect("a valid time");
    let key = if flags & 1 == 0 {
        key
    } else {
        Some(TOKEN_ID.to_owned())
    };
    let stamp = if flags & 2 == 0 {
        stamp
    } else {
        Some(valid_stamp.as_str().to_owned())
    };
    let signer = Signer::new(&HmacCredentials::new(
        TOKEN_ID.to_owned(),
        SECRET.to_owned(),
    ))
    .expect("valid credentials");
    let keys = HashMap::from([(TOKEN_ID.to_owned(), signer.clone())]);
    let request = VerificationRequest {
        api_key: key.as_deref(),
        timestamp: stamp.as_deref(),
        signature: signature.as_deref(),
        method: &method,
        path_and_query: &path,
        body: &body,
    };
    let _ = format!("{request:?}");
    let Ok(token) = Verifier::default().verify(&request, &keys, now) else {
        return;
    };
    assert_eq!(token, TOKEN_ID);
    assert_eq!(key.as_deref(), Some(TOKEN_ID));
    let stamp = Timestamp::parse(stamp.as_deref().unwrap_or_default()).expect("accepted");
    let expected = signer.sign(&SigningInput {
        timestamp: &stamp,
        method: &method,
        path_and_query: &path,
        body: &body,
    });
    assert_eq!(
        signature.as_deref(),
        Some(expected.signature()),
        "accepted a forged signature"
    );
});
