//! A sentinel secret never shows up in `Debug` or `Display`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use limitless_auth::{
    HmacCredentials, SignedHeaders, Signer, SigningInput, Timestamp, VerificationRequest,
};

const SENTINEL: &str = "SENTINEL-SECRET-4f1c";

fn sentinel_secret() -> String {
    STANDARD.encode(SENTINEL)
}

fn assert_clean(text: &str) {
    let encoded = sentinel_secret();
    assert!(!text.contains(SENTINEL), "raw secret leaked: {text}");
    assert!(!text.contains(&encoded), "base64 secret leaked: {text}");
    // No fragment of the encoded secret either.
    assert!(
        !text.contains(&encoded[..8]),
        "secret fragment leaked: {text}"
    );
}

#[test]
fn credentials_debug_is_pinned_and_redacted() {
    let credentials = HmacCredentials::new("tok_debug", sentinel_secret());
    let debug = format!("{credentials:?}");
    assert_eq!(
        debug,
        r#"HmacCredentials { token_id: "tok_debug", secret: "<redacted>" }"#
    );
    assert_clean(&format!("{credentials:#?}"));
}

#[test]
fn signer_and_signed_headers_are_redacted() {
    let signer = Signer::new(&HmacCredentials::new("tok_debug", sentinel_secret())).unwrap();
    assert_eq!(
        format!("{signer:?}"),
        r#"Signer { token_id: "tok_debug", key: "<redacted>" }"#
    );
    let timestamp = Timestamp::parse("2026-11-22T00:00:00.000Z").unwrap();
    let headers = signer.sign(&SigningInput {
        timestamp: &timestamp,
        method: "GET",
        path_and_query: "/",
        body: b"",
    });
    let debug = format!("{headers:?}");
    assert!(
        !debug.contains(headers.signature()),
        "signature leaked: {debug}"
    );
    assert_eq!(
        debug,
        r#"SignedHeaders { lmts-api-key: "tok_debug", lmts-timestamp: "2026-11-22T00:00:00.000Z", lmts-signature: "<redacted>" }"#
    );
    assert_clean(&format!("{:?}", headers.iter()));
    let names: Vec<&str> = headers.iter().map(|(name, _)| name).collect();
    assert_eq!(names, SignedHeaders::NAMES);
}

/// One answer to "which signed header is a secret", for every stack that
/// applies the headers: the signature, by name in any case.
#[test]
fn only_the_signature_is_sensitive() {
    assert_eq!(
        SignedHeaders::NAMES,
        ["lmts-api-key", "lmts-timestamp", "lmts-signature"]
    );
    for (name, sensitive) in [
        ("lmts-api-key", false),
        ("lmts-timestamp", false),
        ("lmts-signature", true),
        ("LMTS-Signature", true),
        ("x-api-key", false),
        ("signature", false),
    ] {
        assert_eq!(SignedHeaders::is_sensitive(name), sensitive, "{name}");
    }
}

#[test]
fn errors_never_echo_the_secret() {
    // A secret with a non-base64 character in the middle of the sentinel text.
    let broken = format!("{}*{}", &sentinel_secret()[..12], &sentinel_secret()[12..]);
    let err = Signer::new(&HmacCredentials::new("tok", broken.clone())).unwrap_err();
    for text in [err.to_string(), format!("{err:?}")] {
        assert_clean(&text);
        assert!(
            !text.contains(&broken[..12]),
            "secret fragment leaked: {text}"
        );
        assert!(!text.contains('*'), "offending character echoed: {text}");
    }
}

#[test]
fn verification_request_debug_redacts_the_signature() {
    let request = VerificationRequest {
        api_key: Some("tok_debug"),
        timestamp: Some("2026-11-22T00:00:00.000Z"),
        signature: Some("mgMUpOd7FH4sOSti2MF30YKF9yDq+67VjFksPa5I5eE="),
        method: "GET",
        path_and_query: "/auth/api-tokens",
        body: b"",
    };
    let debug = format!("{request:?}");
    assert!(!debug.contains("mgMUpOd7"), "signature leaked: {debug}");
    assert!(
        debug.contains("<redacted>") && debug.contains("tok_debug"),
        "{debug}"
    );
}
