//! PROTOCOL §2.7's signing vector, byte for byte.

use limitless_eip712::{
    Address, OrderSignerExt, Signature, attach_signature, order_digest, verify_signed_order,
};

use crate::support::{
    VECTOR_ADDRESS, VECTOR_SIGNATURE, block_on, vector_domain, vector_order, vector_signer,
};

#[test]
fn private_key_gives_the_vector_address() {
    let signer = vector_signer();
    assert_eq!(signer.address().to_string(), VECTOR_ADDRESS);
    assert_eq!(
        signer.address(),
        VECTOR_ADDRESS.to_lowercase().parse::<Address>().unwrap()
    );
}

#[test]
fn signing_reproduces_the_vector_signature() {
    let signer = vector_signer();
    let digest = order_digest(&vector_order(), &vector_domain()).unwrap();
    let signature = signer.sign_digest(&digest);
    assert_eq!(signature.to_string(), VECTOR_SIGNATURE);
    assert_eq!(signature.v(), 28);

    let signed = block_on(signer.sign_order(&vector_order(), &vector_domain())).unwrap();
    assert_eq!(signed.signature, VECTOR_SIGNATURE);
    assert_eq!(signed.order.maker, VECTOR_ADDRESS);
}

#[test]
fn the_vector_signature_recovers_the_vector_address() {
    let digest = order_digest(&vector_order(), &vector_domain()).unwrap();
    let signature: Signature = VECTOR_SIGNATURE.parse().unwrap();
    assert_eq!(
        signature.recover(&digest).unwrap().to_string(),
        VECTOR_ADDRESS
    );
    let signed = attach_signature(&vector_order(), &vector_domain(), VECTOR_SIGNATURE).unwrap();
    assert_eq!(
        verify_signed_order(&signed, &vector_domain())
            .unwrap()
            .to_string(),
        VECTOR_ADDRESS
    );
}

#[test]
fn the_digest_is_pinned() {
    // Agrees with alloy (`independent::`); pinned so a change to either
    // implementation shows here.
    let digest = order_digest(&vector_order(), &vector_domain()).unwrap();
    assert_eq!(
        digest.to_string(),
        "0xb432133030c7f620029aef8f9ce0442a21f5f3c526c4140279dd88ccfeabcfc4"
    );
    let alloy_digest = crate::independent::alloy_digest(&vector_order(), &vector_domain());
    assert_eq!(digest.0, alloy_digest);
}
