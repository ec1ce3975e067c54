//! The project's signing vectors, `tests/vectors/hmac.json`.
//!
//! The file is generated, not hand-written: every case's canonical message
//! and signature are recomputed here with ring's HMAC-SHA256, an
//! implementation that shares no code with the signer's `hmac`/`sha2`, and
//! the file must match what that computes (`LIMITLESS_BLESS_VECTORS=1`
//! rewrites it after a case is added). The signer is then checked against
//! the file. The Python bindings' tests check the same file with Python's
//! own `hmac`, and the C ABI and middleware tests sign every case too.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use limitless_auth::{HmacCredentials, Signer, SigningInput, Timestamp, canonical_message};
use serde::{Deserialize, Serialize};

#[derive(Deserialize, Serialize)]
struct Vectors {
    about: String,
    cases: Vec<Case>,
}

#[derive(Clone, Deserialize, Serialize)]
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

fn vectors_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/hmac.json")
}

fn load() -> Vectors {
    let path = vectors_path();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read signing vectors at {}: {e}", path.display()));
    let vectors: Vectors = serde_json::from_str(&text).expect("vectors are valid JSON");
    assert!(vectors.cases.len() >= 8, "expected every case");
    vectors
}

/// The canonical message as the API defines it, written out independently
/// of `canonical_message`.
fn reference_canonical(case: &Case) -> String {
    format!(
        "{}\n{}\n{}\n{}",
        case.timestamp,
        case.method.to_ascii_uppercase(),
        case.path,
        case.body
    )
}

/// HMAC-SHA256 with ring, keyed with the base64-decoded secret.
fn reference_signature(secret: &str, canonical: &str) -> String {
    let key = STANDARD
        .decode(secret)
        .expect("the case's secret is base64");
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key);
    STANDARD.encode(ring::hmac::sign(&key, canonical.as_bytes()).as_ref())
}

#[test]
fn the_vectors_file_is_what_an_independent_hmac_computes() {
    let vectors = load();
    let regenerated: Vec<Case> = vectors
        .cases
        .iter()
        .map(|case| {
            let canonical = reference_canonical(case);
            Case {
                signature: reference_signature(&case.secret, &canonical),
                canonical,
                ..case.clone()
            }
        })
        .collect();
    if std::env::var_os("LIMITLESS_BLESS_VECTORS").is_some() {
        let blessed = Vectors {
            about: vectors.about,
            cases: regenerated,
        };
        let text = serde_json::to_string_pretty(&blessed).expect("vectors serialize") + "\n";
        std::fs::write(vectors_path(), text).expect("vectors file is writable");
        return;
    }
    for (case, expected) in vectors.cases.iter().zip(&regenerated) {
        assert_eq!(case.canonical, expected.canonical, "{}", case.name);
        assert_eq!(case.signature, expected.signature, "{}", case.name);
    }
}

#[test]
fn the_official_sdks_cases_keep_their_published_signatures() {
    // Quoted from the official TypeScript and Go SDKs' tests: a regenerated
    // file may never change these.
    let cases = load().cases;
    for (name, published) in [
        (
            "official-ts-vector",
            "mgMUpOd7FH4sOSti2MF30YKF9yDq+67VjFksPa5I5eE=",
        ),
        (
            "official-go-vector-lowercase-method",
            "oMeoGw/k9lOlgmdkx4Upqmm99pJ2pHBYkt1CRO5d6bk=",
        ),
    ] {
        let case = cases
            .iter()
            .find(|case| case.name == name)
            .unwrap_or_else(|| panic!("{name} is in the vectors"));
        assert_eq!(case.signature, published, "{name}");
    }
}

#[test]
fn canonical_messages_match_every_vector() {
    for case in load().cases {
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
    for case in load().cases {
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
