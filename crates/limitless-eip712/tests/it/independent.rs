//! The digest checked against alloy, an independent EIP-712
//! implementation: its compile-time `sol!` struct, and its dynamic
//! `TypedData` fed with this crate's `eth_signTypedData_v4` JSON (which
//! checks the export too).

use alloy_dyn_abi::TypedData;
use alloy_primitives::{Address as AlloyAddress, U256};
use alloy_sol_types::{SolStruct, eip712_domain, sol};
use limitless_eip712::{LocalSigner, OrderDomain, TypedOrder, order_digest, typed_data_v4};
use limitless_types::UnsignedOrder;
use proptest::prelude::*;

use crate::round_trip::arb_order_for;
use crate::support::{vector_domain, vector_order};

sol! {
    struct Order {
        uint256 salt;
        address maker;
        address signer;
        address taker;
        uint256 tokenId;
        uint256 makerAmount;
        uint256 takerAmount;
        uint256 expiration;
        uint256 nonce;
        uint256 feeRateBps;
        uint8 side;
        uint8 signatureType;
    }
}

fn address(text: &str) -> AlloyAddress {
    text.parse().unwrap()
}

/// The digest alloy computes for `order` under `domain`.
pub(crate) fn alloy_digest(order: &UnsignedOrder, domain: &OrderDomain) -> [u8; 32] {
    let domain = eip712_domain! {
        name: "Limitless CTF Exchange",
        version: "1",
        chain_id: domain.chain_id(),
        verifying_contract: AlloyAddress::from(*domain.verifying_contract().as_bytes()),
    };
    let order = Order {
        salt: U256::from(order.salt),
        maker: address(&order.maker),
        signer: address(&order.signer),
        taker: address(&order.taker),
        tokenId: order.token_id.parse().unwrap(),
        makerAmount: U256::from(order.maker_amount),
        takerAmount: U256::from(order.taker_amount),
        expiration: order.expiration.parse().unwrap(),
        nonce: U256::from(order.nonce),
        feeRateBps: U256::from(order.fee_rate_bps),
        side: order.side.as_u8(),
        signatureType: order.signature_type,
    };
    order.eip712_signing_hash(&domain).0
}

fn typed_data_digest(order: &UnsignedOrder, domain: &OrderDomain) -> [u8; 32] {
    let json = typed_data_v4(order, domain).unwrap();
    let typed: TypedData = serde_json::from_value(json).unwrap();
    typed.eip712_signing_hash().unwrap().0
}

#[test]
fn vector_digest_matches_alloy_both_ways() {
    let ours = order_digest(&vector_order(), &vector_domain()).unwrap().0;
    assert_eq!(ours, alloy_digest(&vector_order(), &vector_domain()));
    assert_eq!(ours, typed_data_digest(&vector_order(), &vector_domain()));
}

#[test]
fn typed_data_json_has_the_wallet_shape() {
    let json = typed_data_v4(&vector_order(), &vector_domain()).unwrap();
    assert_eq!(json["primaryType"], "Order");
    assert_eq!(json["domain"]["name"], "Limitless CTF Exchange");
    assert_eq!(json["domain"]["version"], "1");
    assert_eq!(json["domain"]["chainId"], 8453);
    assert_eq!(
        json["domain"]["verifyingContract"],
        "0xa4409D988CA2218d956BeEFD3874100F444f0DC3"
    );
    let message = &json["message"];
    // uint256 values are decimal strings; uint8 values are numbers.
    assert_eq!(message["salt"], "1742191300000000");
    assert_eq!(message["tokenId"], "12345");
    assert_eq!(message["makerAmount"], "470154");
    assert_eq!(message["expiration"], "0");
    assert_eq!(message["feeRateBps"], "300");
    assert_eq!(message["side"], 0);
    assert_eq!(
        message["maker"],
        "0xa00BCB04073B243E8A55f3B5899AefF596bF17C6"
    );
    let names: Vec<&str> = json["types"]["Order"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "salt",
            "maker",
            "signer",
            "taker",
            "tokenId",
            "makerAmount",
            "takerAmount",
            "expiration",
            "nonce",
            "feeRateBps",
            "side",
            "signatureType"
        ]
    );
}

#[test]
fn full_width_token_ids_and_expirations_match_alloy() {
    let mut order = vector_order();
    order.token_id =
        "115792089237316195423570985008687907853269984665640564039457584007913129639935".into();
    order.expiration = "18446744073709551616".into(); // 2^64: past u64
    let domain = vector_domain();
    let ours = TypedOrder::new(&order).unwrap().digest(&domain).0;
    assert_eq!(ours, alloy_digest(&order, &domain));
    assert_eq!(ours, typed_data_digest(&order, &domain));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_orders_and_domains_match_alloy(
        (order, _key) in arb_order_for(),
        chain_id in 1u64..=u64::MAX,
        contract in any::<[u8; 20]>(),
    ) {
        prop_assume!(contract != [0; 20]);
        let domain = OrderDomain::new(chain_id, contract.into()).unwrap();
        let ours = order_digest(&order, &domain).unwrap().0;
        prop_assert_eq!(ours, alloy_digest(&order, &domain));
        prop_assert_eq!(ours, typed_data_digest(&order, &domain));
    }
}

#[test]
fn addresses_agree_with_alloy_checksums() {
    for _ in 0..16 {
        let ours = LocalSigner::random().address();
        let theirs = AlloyAddress::from(*ours.as_bytes());
        assert_eq!(ours.to_string(), theirs.to_checksum(None));
    }
}
