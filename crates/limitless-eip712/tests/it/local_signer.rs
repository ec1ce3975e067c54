//! `LocalSigner`: loading keys, and keeping them out of every output.

use limitless_eip712::{ErrorKind, LocalSigner, OrderSignerExt};
use zeroize::ZeroizeOnDrop;

use crate::support::{VECTOR_ADDRESS, VECTOR_KEY, block_on, vector_domain, vector_order};

#[test]
fn debug_shows_only_the_address() {
    let signer = LocalSigner::from_hex(VECTOR_KEY).unwrap();
    assert_eq!(
        format!("{signer:?}"),
        format!("LocalSigner {{ address: {VECTOR_ADDRESS}, .. }}")
    );
}

#[test]
fn keys_load_with_or_without_prefix_and_whitespace() {
    let bare = &VECTOR_KEY[2..];
    for text in [
        VECTOR_KEY.to_owned(),
        bare.to_owned(),
        format!("  {}\n", bare.to_uppercase()),
    ] {
        assert_eq!(
            LocalSigner::from_hex(&text).unwrap().address().to_string(),
            VECTOR_ADDRESS
        );
    }
}

/// Every 8-character window of the key's hex, both cases.
fn key_fragments() -> Vec<String> {
    let digits = &VECTOR_KEY[2..];
    (0..=digits.len() - 8)
        .flat_map(|i| [digits[i..i + 8].to_owned(), digits[i..i + 8].to_uppercase()])
        .collect()
}

fn assert_no_key_material(output: &str) {
    for fragment in key_fragments() {
        assert!(!output.contains(&fragment), "key material in {output:?}");
    }
}

#[test]
fn no_key_byte_appears_in_debug_display_or_errors() {
    let signer = LocalSigner::from_hex(VECTOR_KEY).unwrap();
    assert_no_key_material(&format!("{signer:?}"));
    assert_no_key_material(&format!("{:#?}", signer));
    let signed = block_on(signer.sign_order(&vector_order(), &vector_domain())).unwrap();
    assert_no_key_material(&format!("{signed:?}"));

    // Near-miss keys: the errors describe the shape, never the text.
    let digits = &VECTOR_KEY[2..];
    let near_misses = [
        format!("0x{}", &digits[..62]),
        format!("0x{}zz", &digits[..62]),
        format!("{digits}00"),
        format!("0x{}", "f".repeat(64)), // above the curve order
    ];
    for text in &near_misses {
        let err = LocalSigner::from_hex(text).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidKey);
        assert_no_key_material(&err.to_string());
        assert_no_key_material(&format!("{err:?}"));
    }
}

#[test]
fn an_unset_variable_is_named_in_the_error() {
    let var = "LIMITLESS_EIP712_TEST_KEY_THAT_IS_NEVER_SET_7f3a";
    assert!(std::env::var_os(var).is_none());
    let err = LocalSigner::from_env(var).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MissingKey);
    let text = err.to_string();
    assert!(text.contains(var) && text.contains("not set"), "{text}");
}

#[test]
fn a_variable_holding_no_key_is_named_but_its_value_never_shown() {
    // Cargo sets this for test processes; its value is a path, not a key.
    let var = "CARGO_MANIFEST_DIR";
    let Ok(value) = std::env::var(var) else {
        return;
    };
    let err = LocalSigner::from_env(var).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidKey);
    assert!(err.to_string().contains(var), "{err}");
    assert!(!err.to_string().contains(&value), "{err}");
    assert!(!format!("{err:?}").contains(&value), "{err:?}");
}

#[test]
fn signer_key_is_wiped_on_drop() {
    fn wipes<T: ZeroizeOnDrop>() {}
    wipes::<LocalSigner>();
    wipes::<k256::ecdsa::SigningKey>();
}

#[test]
fn random_signers_have_distinct_addresses() {
    assert_ne!(
        LocalSigner::random().address(),
        LocalSigner::random().address()
    );
}
