//! The streamed signer against HMAC over the canonical message.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use limitless_auth::{
    AuthError, HEADER_API_KEY, HEADER_SIGNATURE, HEADER_TIMESTAMP, HmacCredentials, Signer,
    SigningInput, Timestamp, VerificationRequest, Verifier, canonical_message,
    canonical_message_bytes,
};
use proptest::prelude::*;
use sha2::Sha256;

use crate::at_millis;

fn reference_signature(key: &[u8], message: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(message);
    STANDARD.encode(mac.finalize().into_bytes())
}

proptest! {
    #[test]
    fn streamed_signature_equals_hmac_over_canonical_message(
        key in proptest::collection::vec(any::<u8>(), 1..100),
        method in "[A-Za-z]{1,20}",
        path in "/[A-Za-z0-9/_.~%-]{0,40}",
        // Up to 200 characters: past the signer's stack buffer for the head.
        query in proptest::option::of("[A-Za-z0-9=&_.%+-]{0,200}"),
        body in proptest::collection::vec(any::<u8>(), 0..600),
        millis in 0u64..4_102_444_800_000,
    ) {
        let credentials = HmacCredentials::new("tok_prop", STANDARD.encode(&key));
        let signer = Signer::new(&credentials).unwrap();
        let timestamp = Timestamp::from_system_time(at_millis(millis)).unwrap();
        let path_and_query = match &query {
            Some(q) => format!("{path}?{q}"),
            None => path.clone(),
        };
        let headers = signer.sign(&SigningInput {
            timestamp: &timestamp,
            method: &method,
            path_and_query: &path_and_query,
            body: &body,
        });

        // Reference: the canonical message built byte by byte, then one HMAC call.
        let mut message = Vec::new();
        message.extend_from_slice(timestamp.as_str().as_bytes());
        message.push(b'\n');
        message.extend_from_slice(method.to_ascii_uppercase().as_bytes());
        message.push(b'\n');
        message.extend_from_slice(path_and_query.as_bytes());
        message.push(b'\n');
        message.extend_from_slice(&body);
        prop_assert_eq!(headers.signature(), reference_signature(&key, &message));
        let canonical = canonical_message_bytes(timestamp.as_str(), &method, &path_and_query, &body);
        prop_assert_eq!(&canonical, &message);
        prop_assert_eq!(reference_signature(&key, &canonical), headers.signature());
        if let Ok(text) = std::str::from_utf8(&body) {
            let canonical = canonical_message(timestamp.as_str(), &method, &path_and_query, text.as_bytes());
            prop_assert_eq!(canonical.as_bytes(), &message[..]);
        }

        let verified = Verifier::default().verify(
            &VerificationRequest {
                api_key: Some(headers.api_key()),
                timestamp: Some(headers.timestamp()),
                signature: Some(headers.signature()),
                method: &method,
                path_and_query: &path_and_query,
                body: &body,
            },
            &|id: &str| (id == "tok_prop").then(|| signer.clone()),
            at_millis(millis),
        );
        prop_assert_eq!(verified, Ok("tok_prop".to_string()));
    }
}

#[test]
fn headers_iterate_in_order_with_their_names() {
    let signer = Signer::new(&HmacCredentials::new("tok_1", "c2VjcmV0")).unwrap();
    let timestamp = Timestamp::parse("2026-03-30T12:00:00.000Z").unwrap();
    let headers = signer.sign(&SigningInput {
        timestamp: &timestamp,
        method: "POST",
        path_and_query: "/orders",
        body: br#"{"foo":"bar"}"#,
    });
    let pairs: Vec<_> = headers.iter().collect();
    assert_eq!(
        pairs,
        vec![
            (HEADER_API_KEY, "tok_1"),
            (HEADER_TIMESTAMP, "2026-03-30T12:00:00.000Z"),
            // PROTOCOL §1.3 case 4, computed independently.
            (
                HEADER_SIGNATURE,
                "lqUdGxW7CcqHKaX99McgZb/TddUNxiFaIm5OiM/GMI0="
            ),
        ]
    );
    assert_eq!((&headers).into_iter().len(), 3);
}

#[test]
fn websocket_handshake_vector() {
    let signer = Signer::new(&HmacCredentials::new("tok_1", "c2VjcmV0")).unwrap();
    let timestamp = Timestamp::parse("2026-03-30T12:00:00.000Z").unwrap();
    let headers = signer.sign(&SigningInput {
        timestamp: &timestamp,
        method: "GET",
        path_and_query: "/socket.io/?EIO=4&transport=websocket",
        body: b"",
    });
    assert_eq!(
        headers.signature(),
        "2tW5H7C6e1hrfD+qc17oIKqyPR/6KL2K96hHrZA8sMY="
    );
}

#[test]
fn bad_credentials_are_rejected_with_a_reason() {
    let err =
        |token: &str, secret: &str| Signer::new(&HmacCredentials::new(token, secret)).unwrap_err();
    assert_eq!(err("tok", ""), AuthError::EmptySecret);
    assert_eq!(err("tok", "   "), AuthError::EmptySecret);
    assert_eq!(err("", "c2VjcmV0"), AuthError::EmptyTokenId);
    assert_eq!(err("tok\nx", "c2VjcmV0"), AuthError::InvalidTokenId);
    assert_eq!(
        err("tok", "c2Vj*mV0"),
        AuthError::InvalidSecret {
            reason: "invalid character at offset 4".into()
        }
    );
    // URL-safe alphabet is not standard base64: other SDKs would derive another key.
    assert!(matches!(
        err("tok", "_-8="),
        AuthError::InvalidSecret { .. }
    ));
    assert!(matches!(
        err("tok", "c2VjcmV0c"),
        AuthError::InvalidSecret { .. }
    ));
    // Padding is required.
    assert!(matches!(
        err("tok", "c2VjcmV0LQ"),
        AuthError::InvalidSecret { .. }
    ));
}

#[test]
fn signer_key_state_is_wiped_on_drop() {
    fn assert_zeroize_on_drop<T: zeroize::ZeroizeOnDrop>() {}
    // The keyed HMAC state is the inner and outer SHA-256 cores after absorbing
    // the padded key; with the `zeroize` feature each wipes itself on drop.
    assert_zeroize_on_drop::<sha2::block_api::Sha256VarCore>();
    assert_zeroize_on_drop::<HmacCredentials>();
}
