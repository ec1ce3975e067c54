//! A changed field, another domain or another chain never verifies.

use limitless_eip712::{
    Address, ErrorKind, OrderDomain, OrderSignerExt, SignedOrder, verify_signed_order,
};
use limitless_types::Side;

use crate::support::{VECTOR_SIGNATURE, block_on, vector_domain, vector_order, vector_signer};

fn signed() -> SignedOrder {
    block_on(vector_signer().sign_order(&vector_order(), &vector_domain())).unwrap()
}

fn refused(order: &SignedOrder, domain: &OrderDomain) -> ErrorKind {
    verify_signed_order(order, domain)
        .expect_err("a tampered order must not verify")
        .kind()
}

#[test]
fn every_signed_field_is_covered() {
    let domain = vector_domain();
    type Tamper = fn(&mut SignedOrder);
    let tampers: [(&str, Tamper); 11] = [
        ("salt", |o| o.order.salt += 1),
        ("taker", |o| {
            o.order.taker = "0x1111111111111111111111111111111111111111".into()
        }),
        ("tokenId", |o| o.order.token_id = "12346".into()),
        ("makerAmount", |o| o.order.maker_amount += 1),
        ("takerAmount", |o| o.order.taker_amount -= 1),
        ("expiration", |o| o.order.expiration = "1".into()),
        ("nonce", |o| o.order.nonce = 1),
        ("feeRateBps", |o| o.order.fee_rate_bps = 0),
        ("side", |o| o.order.side = Side::Sell),
        ("signatureType", |o| o.order.signature_type = 1),
        ("signature", |o| {
            // Flip one bit of r.
            let mut bytes = hex_bytes(&o.signature);
            bytes[5] ^= 0x01;
            o.signature = format!("0x{}", hex_string(&bytes));
        }),
    ];
    for (field, tamper) in tampers {
        let mut order = signed();
        tamper(&mut order);
        let kind = refused(&order, &domain);
        assert!(
            matches!(
                kind,
                ErrorKind::SignerMismatch | ErrorKind::InvalidSignature
            ),
            "{field}: {kind:?}"
        );
    }
    // The untouched order verifies: the tampering above is what fails.
    assert!(verify_signed_order(&signed(), &domain).is_ok());
}

#[test]
fn maker_or_signer_changed_is_refused() {
    let domain = vector_domain();
    let other: Address = "0x1111111111111111111111111111111111111111"
        .parse()
        .unwrap();
    let mut order = signed();
    order.order.maker = other.to_string();
    order.order.signer = other.to_string();
    assert_eq!(refused(&order, &domain), ErrorKind::SignerMismatch);
    let mut order = signed();
    order.order.signer = other.to_string();
    let err = verify_signed_order(&order, &domain).unwrap_err();
    assert!(err.to_string().contains("differ"), "{err}");
}

#[test]
fn price_is_not_signed() {
    let mut order = signed();
    order.order.price = Some("0.381".parse().unwrap());
    assert!(verify_signed_order(&order, &vector_domain()).is_ok());
}

#[test]
fn another_contract_or_chain_is_refused() {
    let order = signed();
    let neg_risk = OrderDomain::new(
        8453,
        "0x770f58904dba41ecccc3fc1626e53a13043b026c"
            .parse()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(refused(&order, &neg_risk), ErrorKind::SignerMismatch);
    let sepolia = vector_domain().with_chain_id(84532).unwrap();
    assert_eq!(refused(&order, &sepolia), ErrorKind::SignerMismatch);
    let err = verify_signed_order(&order, &sepolia).unwrap_err();
    assert!(err.to_string().contains("84532"), "{err}");
    assert_eq!(order.signature, VECTOR_SIGNATURE);
}

fn hex_bytes(text: &str) -> Vec<u8> {
    (2..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn hex_string(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
