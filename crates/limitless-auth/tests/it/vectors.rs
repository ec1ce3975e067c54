//! The shared signing vectors in `../shared/vectors/hmac.json`.

use limitless_auth::{HmacCredentials, Signer, SigningInput, Timestamp, canonical_message};
use serde::Deserialize;

#[derive(Deserialize)]
struct Vectors {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    secret: String,
    timestamp: String,
    method: String,
    path: String,
    body: String,
    canonical: String,
    signature: String,
}

fn load() -> Vec<Case> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/vectors/hmac.json"
    );
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read signing vectors at {path}: {e}"));
    let vectors: Vectors = serde_json::from_str(&text).expect("vectors are valid JSON");
    assert!(vectors.cases.len() >= 7, "expected every shared case");
    vectors.cases
}

#[test]
fn canonical_messages_match_every_vector() {
    for case in load() {
        assert_eq!(
            canonical_message(
                &case.timestamp,
                &case.method,
                &case.path,
                case.body.as_bytes()
            ),
            case.canonical,
            "{}",
            case.name
        );
    }
}

#[test]
fn signatures_match_every_vector() {
    for case in load() {
        let signer = Signer::new(&HmacCredentials::new("tok", case.secret.clone())).unwrap();
        let timestamp = Timestamp::parse(&case.timestamp).unwrap();
        let headers = signer.sign(&SigningInput {
            timestamp: &timestamp,
            method: &case.method,
            path_and_query: &case.path,
            body: case.body.as_bytes(),
        });
        assert_eq!(headers.signature(), case.signature, "{}", case.name);
        assert_eq!(headers.timestamp(), case.timestamp, "{}", case.name);
        assert_eq!(headers.api_key(), "tok");
    }
}
