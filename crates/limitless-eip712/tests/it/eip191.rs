//! EIP-191 `personal_sign` and the EOA ownership proof.

use std::sync::Arc;

use alloy_primitives::eip191_hash_message;
use limitless_eip712::{
    ErrorKind, LocalSigner, OWNERSHIP_MESSAGE_TEMPLATE, OrderSigner, OrderSignerExt, Signature,
    decode_signing_message, ownership_message, personal_message_hash, recover_personal,
    verify_ownership_proof,
};
use limitless_types::EoaOwnershipProof;
use proptest::prelude::*;

use crate::support::{VECTOR_ADDRESS, block_on, vector_signer};

#[test]
fn personal_message_hash_matches_published_values() {
    // ethers.js `hashMessage("Hello World")`.
    assert_eq!(
        personal_message_hash(b"Hello World").to_string(),
        "0xa1de988600a42c4b4ab089b619297c17d53cffae5d5120d82d8a92d0bb3b78f2"
    );
}

#[test]
fn web3_accounts_sign_vector_reproduces() {
    // web3.js `web3.eth.accounts.sign("Some data", key)` documentation.
    let signer =
        LocalSigner::from_hex("0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
            .unwrap();
    assert_eq!(
        signer.address().to_string(),
        "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"
    );
    assert_eq!(
        personal_message_hash(b"Some data").to_string(),
        "0x1da44b586eb0729ff70a73c326926f6ed5a25f5b056e7f47fbc6e58d86871655"
    );
    let signature = block_on(signer.sign_message(b"Some data")).unwrap();
    assert_eq!(
        signature.to_string(),
        "0xb91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a0291c"
    );
    assert_eq!(
        recover_personal(b"Some data", &signature).unwrap(),
        signer.address()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn personal_hash_matches_alloy(message in proptest::collection::vec(any::<u8>(), 0..300)) {
        prop_assert_eq!(personal_message_hash(&message).0, eip191_hash_message(&message).0);
    }

    #[test]
    fn personal_sign_round_trips(message in proptest::collection::vec(any::<u8>(), 0..200)) {
        let signer = LocalSigner::random();
        let signature = block_on(signer.sign_message(&message)).unwrap();
        prop_assert_eq!(recover_personal(&message, &signature).unwrap(), signer.address());
    }
}

#[test]
fn ownership_proof_carries_the_three_headers() {
    let signer = vector_signer();
    let proof = block_on(signer.ownership_proof(Some("42"))).unwrap();
    let message = "Welcome to Limitless.exchange! Please sign this message to verify your identity.\n\nNonce: 42";
    assert_eq!(ownership_message("42"), message);
    assert_eq!(OWNERSHIP_MESSAGE_TEMPLATE.replace("{NONCE}", "42"), message);
    assert_eq!(proof.account, VECTOR_ADDRESS);
    assert_eq!(
        proof.signing_message,
        format!("0x{}", hex_of(message.as_bytes()))
    );
    assert_eq!(
        decode_signing_message(&proof.signing_message).unwrap(),
        message.as_bytes()
    );
    // The signature is over the message text, as alloy hashes it.
    let signature: Signature = proof.signature.parse().unwrap();
    let hash = eip191_hash_message(message.as_bytes());
    assert_eq!(signature.recover(&hash.0.into()).unwrap(), signer.address());
    assert_eq!(verify_ownership_proof(&proof).unwrap(), signer.address());
    let names: Vec<&str> = proof.headers().iter().map(|(name, _)| *name).collect();
    assert_eq!(names, ["x-account", "x-signing-message", "x-signature"]);
}

#[test]
fn fresh_nonces_differ() {
    let signer = vector_signer();
    let a = block_on(signer.ownership_proof(None)).unwrap();
    let b = block_on(signer.ownership_proof(None)).unwrap();
    assert_ne!(a.signing_message, b.signing_message);
    assert!(verify_ownership_proof(&a).is_ok());
}

#[test]
fn bad_nonces_are_refused() {
    for nonce in ["", "has space", "line\nbreak"] {
        let err = block_on(vector_signer().ownership_proof(Some(nonce))).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidMessage);
    }
}

#[test]
fn a_proof_signed_by_another_key_is_refused() {
    let owner = vector_signer();
    let intruder = LocalSigner::random();
    let forged = block_on(intruder.ownership_proof(Some("7"))).unwrap();
    let claimed = EoaOwnershipProof {
        account: owner.address().to_string(),
        ..forged
    };
    let err = verify_ownership_proof(&claimed).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SignerMismatch);
    assert!(
        err.to_string().contains(&intruder.address().to_string()),
        "{err}"
    );
}

#[test]
fn malformed_proof_headers_are_refused() {
    let proof = block_on(vector_signer().ownership_proof(Some("1"))).unwrap();
    let cases = [
        (
            EoaOwnershipProof {
                signing_message: "Welcome".into(),
                ..proof.clone()
            },
            ErrorKind::InvalidMessage,
        ),
        (
            EoaOwnershipProof {
                signing_message: "0x".into(),
                ..proof.clone()
            },
            ErrorKind::InvalidMessage,
        ),
        (
            EoaOwnershipProof {
                account: "0x12".into(),
                ..proof.clone()
            },
            ErrorKind::InvalidAddress,
        ),
        (
            EoaOwnershipProof {
                signature: "0x1234".into(),
                ..proof.clone()
            },
            ErrorKind::InvalidSignature,
        ),
        (
            // The right signature over another message.
            EoaOwnershipProof {
                signing_message: "0x00".into(),
                ..proof
            },
            ErrorKind::SignerMismatch,
        ),
    ];
    for (proof, kind) in cases {
        assert_eq!(
            verify_ownership_proof(&proof).unwrap_err().kind(),
            kind,
            "{proof:?}"
        );
    }
}

/// A remote signer stand-in whose backend holds a different key than the
/// address it reports: the extension methods catch it.
#[derive(Debug)]
struct Misconfigured {
    reports: LocalSigner,
    signs_with: LocalSigner,
}

#[async_trait::async_trait]
impl OrderSigner for Misconfigured {
    fn address(&self) -> limitless_eip712::Address {
        self.reports.address()
    }
    async fn sign_hash(
        &self,
        hash: &limitless_eip712::B256,
    ) -> Result<Signature, limitless_eip712::Eip712Error> {
        Ok(self.signs_with.sign_digest(hash))
    }
}

#[test]
fn a_signer_backend_using_the_wrong_key_is_caught() {
    let signer: Arc<dyn OrderSigner> = Arc::new(Misconfigured {
        reports: vector_signer(),
        signs_with: LocalSigner::random(),
    });
    let err = block_on(signer.ownership_proof(None)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SignerMismatch);
    let err = block_on(signer.sign_order(
        &crate::support::vector_order(),
        &crate::support::vector_domain(),
    ))
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SignerMismatch);
}

#[test]
fn backend_errors_keep_their_source() {
    let err = limitless_eip712::Eip712Error::backend(
        "the wallet is locked; unlock it and retry",
        std::io::Error::other("locked"),
    );
    assert_eq!(err.kind(), ErrorKind::Backend);
    assert_eq!(err.to_string(), "the wallet is locked; unlock it and retry");
    assert_eq!(
        std::error::Error::source(&err).unwrap().to_string(),
        "locked"
    );
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
