//! Sign → recover round trips over random orders and keys.

use limitless_eip712::{
    LocalSigner, OrderDomain, OrderSignerExt, Signature, attach_signature, order_digest,
    verify_signed_order,
};
use limitless_types::{Side, UnsignedOrder};
use proptest::prelude::*;

use crate::support::{block_on, vector_domain};

fn decimal_digits() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<u64>().prop_map(|n| n.to_string()),
        // Up to 77 digits: always below 2^256.
        "[1-9][0-9]{0,76}",
    ]
}

/// A random valid order whose maker and signer are a random key's address.
pub(crate) fn arb_order_for() -> impl Strategy<Value = (UnsignedOrder, LocalSigner)> {
    let key = any::<[u8; 32]>().prop_filter_map("not a secp256k1 scalar", |bytes| {
        LocalSigner::from_bytes(&bytes).ok()
    });
    (
        key,
        (1..=u64::MAX, 1..=u64::MAX, 1..=u64::MAX, any::<u64>()),
        (decimal_digits(), decimal_digits(), any::<[u8; 20]>()),
        (any::<u32>(), any::<bool>(), any::<u8>()),
    )
        .prop_map(
            |(
                signer,
                (salt, maker_amount, taker_amount, nonce),
                (token_id, expiration, taker),
                (fee, sell, signature_type),
            )| {
                let address = signer.address().to_string();
                let order = UnsignedOrder {
                    salt,
                    maker: address.clone(),
                    signer: address,
                    taker: limitless_eip712::Address::new(taker).to_string(),
                    token_id: if token_id.bytes().all(|b| b == b'0') {
                        "1".into()
                    } else {
                        token_id
                    },
                    maker_amount,
                    taker_amount,
                    expiration,
                    nonce,
                    fee_rate_bps: fee,
                    side: if sell { Side::Sell } else { Side::Buy },
                    signature_type,
                    price: None,
                };
                (order, signer)
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn signatures_recover_their_signer((order, signer) in arb_order_for(), chain_id in 1u64..100_000) {
        let domain = vector_domain().with_chain_id(chain_id).unwrap();
        let signed = block_on(signer.sign_order(&order, &domain)).unwrap();
        prop_assert_eq!(verify_signed_order(&signed, &domain).unwrap(), signer.address());

        // The wire string parses back to the same signature, and attaching
        // it to the unsigned order gives the same signed order.
        let parsed: Signature = signed.signature.parse().unwrap();
        prop_assert_eq!(parsed.to_string(), signed.signature.clone());
        prop_assert!(parsed.v() == 27 || parsed.v() == 28);
        let attached = attach_signature(&order, &domain, &signed.signature).unwrap();
        prop_assert_eq!(attached, signed);
    }

    #[test]
    fn another_key_never_verifies((order, signer) in arb_order_for(), other in any::<[u8; 32]>()) {
        let Ok(other) = LocalSigner::from_bytes(&other) else { return Ok(()) };
        prop_assume!(other.address() != signer.address());
        let domain = vector_domain();
        let digest = order_digest(&order, &domain).unwrap();
        let forged = other.sign_digest(&digest).to_string();
        let err = attach_signature(&order, &domain, &forged).unwrap_err();
        prop_assert_eq!(err.kind(), limitless_eip712::ErrorKind::SignerMismatch);
    }
}

#[test]
fn high_s_and_bad_v_are_refused() {
    let signer = LocalSigner::random();
    let domain: OrderDomain = vector_domain();
    let digest = order_digest(&crate::support::vector_order(), &domain).unwrap();
    let mut bytes = signer.sign_digest(&digest).to_bytes();
    // s' = n - s is the malleable twin of a valid signature.
    let n: [u8; 32] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36,
        0x41, 0x41,
    ];
    let mut twin = bytes;
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let diff = i16::from(n[i]) - i16::from(bytes[32 + i]) - borrow;
        twin[32 + i] = (diff & 0xff) as u8;
        borrow = i16::from(diff < 0);
    }
    twin[64] = 55 - twin[64]; // 27 <-> 28
    let err = Signature::from_bytes(&twin).unwrap_err();
    assert!(err.to_string().contains("EIP-2"), "{err}");

    bytes[64] = 29;
    let err = Signature::from_bytes(&bytes).unwrap_err();
    assert!(err.to_string().contains("27 or 28"), "{err}");

    // A bare recovery id is accepted and normalised to 27/28.
    bytes[64] = signer.sign_digest(&digest).v() - 27;
    let parsed = Signature::from_bytes(&bytes).unwrap();
    assert_eq!(parsed.recover(&digest).unwrap(), signer.address());
    assert!(parsed.v() >= 27);
}

#[test]
fn malformed_signature_strings_say_what_is_wrong() {
    for (text, needle) in [
        ("0x1234", "4 characters"),
        ("1234", "does not start with 0x"),
        (&format!("0x{}", "zz".repeat(65)), "non-hex"),
        (&format!("0x{}", "00".repeat(65)), "non-zero"),
    ] {
        let err = text.parse::<Signature>().unwrap_err();
        assert_eq!(err.kind(), limitless_eip712::ErrorKind::InvalidSignature);
        assert!(err.to_string().contains(needle), "{text}: {err}");
    }
}
