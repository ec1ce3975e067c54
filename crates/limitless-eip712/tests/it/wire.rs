//! The signed order's wire form and the signed create body.

use limitless_eip712::{ErrorKind, OrderDomain, OrderSignerExt, attach_signature};
use limitless_types::{CreateSignedOrderRequest, OrderType, SignedOrder, Venue};

use crate::support::{
    VECTOR_EXCHANGE, VECTOR_SIGNATURE, block_on, vector_domain, vector_order, vector_signer,
};

#[test]
fn signed_order_serialises_in_the_api_key_order() {
    let mut order = vector_order();
    order.price = Some("0.381".parse().unwrap());
    let signed = block_on(vector_signer().sign_order(&order, &vector_domain())).unwrap();
    let body = CreateSignedOrderRequest {
        order: signed,
        order_type: OrderType::Gtc,
        market_slug: "market".into(),
        owner_id: 42,
        post_only: None,
        client_order_id: None,
        timestamp: None,
        recv_window: None,
        stp_policy: None,
    };
    let json = serde_json::to_string(&body).unwrap();
    assert_eq!(
        json,
        format!(
            r#"{{"order":{{"salt":1742191300000000,"maker":"0xa00BCB04073B243E8A55f3B5899AefF596bF17C6","signer":"0xa00BCB04073B243E8A55f3B5899AefF596bF17C6","taker":"0x0000000000000000000000000000000000000000","tokenId":"12345","makerAmount":470154,"takerAmount":1234000,"expiration":"0","nonce":0,"feeRateBps":300,"side":0,"signatureType":0,"price":0.381,"signature":"{VECTOR_SIGNATURE}"}},"orderType":"GTC","marketSlug":"market","ownerId":42}}"#
        )
    );
    let back: CreateSignedOrderRequest = serde_json::from_str(&json).unwrap();
    assert_eq!(back, body);
}

#[test]
fn signed_orders_decode_leniently() {
    let json = format!(
        r#"{{"salt":"1742191300000000","maker":"0xa00bcb04073b243e8a55f3b5899aeff596bf17c6","signer":"0xa00bcb04073b243e8a55f3b5899aeff596bf17c6","taker":"0x0000000000000000000000000000000000000000","tokenId":12345,"makerAmount":"470154","takerAmount":1234000,"expiration":"0","nonce":0,"feeRateBps":300,"side":"BUY","signatureType":0,"price":null,"signature":"{VECTOR_SIGNATURE}"}}"#
    );
    let signed: SignedOrder = serde_json::from_str(&json).unwrap();
    assert_eq!(signed.order.maker_amount, 470_154);
    assert_eq!(signed.order.price, None);
    assert!(limitless_eip712::verify_signed_order(&signed, &vector_domain()).is_ok());
}

#[test]
fn attaching_checks_the_signature_first() {
    let signed = attach_signature(&vector_order(), &vector_domain(), VECTOR_SIGNATURE).unwrap();
    assert_eq!(signed.signature, VECTOR_SIGNATURE);
    let mut other = vector_order();
    other.salt += 1;
    let err = attach_signature(&other, &vector_domain(), VECTOR_SIGNATURE).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SignerMismatch);
    assert!(err.to_string().contains("recovers"), "{err}");
}

#[test]
fn sign_order_refuses_orders_for_another_wallet() {
    let mut order = vector_order();
    order.maker = limitless_types::ZERO_ADDRESS.into();
    order.signer = limitless_types::ZERO_ADDRESS.into();
    let err = block_on(vector_signer().sign_order(&order, &vector_domain())).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SignerMismatch);
    assert!(err.to_string().contains("set them to it"), "{err}");
}

#[test]
fn collateral_fee_venues_need_a_zero_fee() {
    let venue = Venue {
        exchange: VECTOR_EXCHANGE.into(),
        fee_module_type: Some("COLLATERAL".into()),
        ..Venue::default()
    };
    let domain = OrderDomain::for_venue(&venue).unwrap();
    let err = block_on(vector_signer().sign_order(&vector_order(), &domain)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidOrder);
    assert!(err.to_string().contains("FEE_RATE_MISMATCH"), "{err}");
    let mut order = vector_order();
    order.fee_rate_bps = venue.fee_rate_bps();
    assert!(block_on(vector_signer().sign_order(&order, &domain)).is_ok());
}

#[test]
fn invalid_orders_name_the_field() {
    type Tamper = fn(&mut limitless_types::UnsignedOrder);
    let cases: [(Tamper, &str); 6] = [
        (|o| o.token_id = "0".into(), "tokenId"),
        (|o| o.token_id = "12a".into(), "tokenId"),
        (|o| o.expiration = String::new(), "expiration"),
        (|o| o.salt = 0, "salt"),
        (|o| o.maker_amount = 0, "makerAmount"),
        (|o| o.taker = "0x00".into(), "taker"),
    ];
    for (tamper, needle) in cases {
        let mut order = vector_order();
        tamper(&mut order);
        let err = limitless_eip712::order_digest(&order, &vector_domain()).unwrap_err();
        assert!(err.to_string().contains(needle), "{needle}: {err}");
    }
}
