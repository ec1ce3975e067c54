//! Orders signed client-side (`client.signed_orders`) and EOA sub-accounts
//! created with a proof signed through the signer: the exact wire bodies,
//! signatures checked independently, the profile read once.

use std::sync::Arc;

use futures_util::future::join_all;
use limitless_auth::{Signer, VerificationRequest, Verifier};
use limitless_client::types::orders::{CreateSignedOrderRequest, ReplacementOutcome};
use limitless_client::{
    CancelTarget, CreatePartnerAccountInput, CreateSignedOrderParams, Decimal, Error, LocalSigner,
    OrderSigner, OrderType, Side, SignedCancelReplaceParams, SignedLimitOrder,
};
use limitless_eip712::{OrderDomain, verify_ownership_proof, verify_signed_order};
use limitless_types::partner_accounts::EoaOwnershipProof;
use limitless_types::{CancelReplaceRequest, SignedOrder, Venue};
use serde_json::{Value, json};
use wiremock::{Request, ResponseTemplate};

use crate::support::{
    BodyIs, Harness, TOKEN_ID, assert_invalid, credentials, hmac_mock, market_json, now,
};

/// The PROTOCOL §2.7 signing vector: this key, address and signature.
const KEY: &str = "0x59c6995e998f97a5a0044966f0945382d7f84be58f4d1e8e8f8d0f9f5c5e7d5a";
const ADDRESS: &str = "0xa00BCB04073B243E8A55f3B5899AefF596bF17C6";
const VECTOR_SIGNATURE: &str = "0x0cd29c83ce6390a8adba01ae3d49a0dbf875bd8d06902f6381676a11159afbcf22c35f5acaea3aca85152f254851e548946fe56f68f793ced0b08c2626729adc1c";
const OWNER: i64 = 77;

fn signer() -> Arc<dyn OrderSigner> {
    Arc::new(LocalSigner::from_hex(KEY).unwrap())
}

fn profile_json(fee: Option<u32>) -> Value {
    let mut profile = json!({"id": OWNER, "account": ADDRESS, "client": "eoa"});
    if let Some(fee) = fee {
        profile["rank"] = json!({"id": 1, "name": "Bronze", "feeRateBps": fee});
    }
    profile
}

async fn mount_profile(h: &Harness, fee: Option<u32>, times: u64) {
    hmac_mock("GET", "/profiles/me")
        .respond_with(ResponseTemplate::new(200).set_body_json(profile_json(fee)))
        .expect(times)
        .mount(&h.server)
        .await;
}

async fn mount_market(h: &Harness, fee_module_type: Option<&str>, times: u64) {
    hmac_mock("GET", "/markets/market")
        .respond_with(
            ResponseTemplate::new(200).set_body_json(market_json("market", fee_module_type)),
        )
        .expect(times)
        .mount(&h.server)
        .await;
}

fn placed() -> Value {
    json!({"order": {"id": "ord-1", "tokenId": "12345", "salt": 1_742_191_300_000_000_u64}})
}

fn domain(collateral: bool) -> OrderDomain {
    let venue: Venue = serde_json::from_value(
        market_json("market", collateral.then_some("COLLATERAL"))["venue"].clone(),
    )
    .unwrap();
    OrderDomain::for_venue(&venue).unwrap()
}

/// The HMAC signature of a received request, checked as the API does.
fn assert_hmac(request: &Request) {
    let header = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok());
    let path = request.url.path().to_owned();
    let verified = Verifier::default().verify(
        &VerificationRequest {
            api_key: header("lmts-api-key"),
            timestamp: header("lmts-timestamp"),
            signature: header("lmts-signature"),
            method: request.method.as_str(),
            path_and_query: &path,
            body: &request.body,
        },
        &|id: &str| (id == TOKEN_ID).then(|| Signer::new(&credentials()).unwrap()),
        now(),
    );
    assert_eq!(verified.as_deref(), Ok(TOKEN_ID));
}

fn posts(requests: &[Request]) -> Vec<&Request> {
    requests.iter().filter(|r| r.method == "POST").collect()
}

#[tokio::test]
async fn a_gtc_is_the_protocol_body_with_the_reference_signature() {
    let h = Harness::hmac().await;
    mount_profile(&h, Some(300), 1).await;
    mount_market(&h, None, 1).await;
    // The §2.7 vector's order: 1.234 shares at 0.381 are 470154 / 1234000
    // micro-units.
    let expected = format!(
        r#"{{"order":{{"salt":1742191300000000,"maker":"{ADDRESS}","signer":"{ADDRESS}","taker":"0x0000000000000000000000000000000000000000","tokenId":"12345","makerAmount":470154,"takerAmount":1234000,"expiration":"0","nonce":0,"feeRateBps":300,"side":0,"signatureType":0,"price":0.381,"signature":"{VECTOR_SIGNATURE}"}},"orderType":"GTC","marketSlug":"market","ownerId":{OWNER}}}"#
    );
    hmac_mock("POST", "/orders")
        .and(BodyIs(expected))
        .respond_with(ResponseTemplate::new(201).set_body_json(placed()))
        .expect(1)
        .mount(&h.server)
        .await;

    let orders = h.client.signed_orders(signer());
    assert_eq!(orders.address(), ADDRESS);
    let params: CreateSignedOrderParams = SignedLimitOrder {
        order_type: OrderType::Gtc,
        market_slug: "market".into(),
        token_id: "12345".into(),
        side: Side::Buy,
        price: Decimal::new(381, 3),
        size: Decimal::new(1234, 3),
    }
    .into();
    // Without a client order id: the body is §2.7's, byte for byte.
    let response = orders
        .create_order(&params.salt(1_742_191_300_000_000).without_client_order_id())
        .await
        .unwrap();
    assert_eq!(response.order.id, "ord-1");

    let requests = h.requests().await;
    let post = posts(&requests)[0];
    assert_hmac(post);
    // Verified independently of the client's signer.
    let body: CreateSignedOrderRequest = serde_json::from_slice(&post.body).unwrap();
    let recovered = verify_signed_order(&body.order, &domain(false)).unwrap();
    assert_eq!(recovered.to_checksum(), ADDRESS);
    let raw: Value = serde_json::from_slice(&post.body).unwrap();
    assert!(raw.get("onBehalfOf").is_none());
}

#[tokio::test]
async fn the_profile_is_read_once_for_many_orders_and_its_rank_sets_the_fee() {
    let h = Harness::hmac().await;
    mount_profile(&h, Some(150), 1).await;
    mount_market(&h, None, 1).await;
    hmac_mock("POST", "/orders")
        .respond_with(ResponseTemplate::new(201).set_body_json(placed()))
        .expect(6)
        .mount(&h.server)
        .await;
    let orders = h.client.signed_orders(signer());
    let params = CreateSignedOrderParams::gtc("market", "123", Side::Sell, "0.5", 2);
    let calls = (0..5).map(|_| orders.create_order(&params));
    for result in join_all(calls).await {
        result.unwrap();
    }
    // A clone shares the profile; a caller's fee beats the rank's.
    orders
        .clone()
        .create_order(
            &CreateSignedOrderParams::fok("market", "123", Side::Buy, "1.5").fee_rate_bps(200),
        )
        .await
        .unwrap();

    let requests = h.requests().await;
    let bodies: Vec<CreateSignedOrderRequest> = posts(&requests)
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(bodies.len(), 6);
    for body in &bodies {
        assert_eq!(body.owner_id, OWNER);
        verify_signed_order(&body.order, &domain(false)).unwrap();
    }
    let fees: Vec<u32> = bodies.iter().map(|b| b.order.order.fee_rate_bps).collect();
    assert_eq!(fees, [150, 150, 150, 150, 150, 200]);
    // FOK: no price, still signed.
    assert_eq!(bodies[5].order.order.price, None);
    assert_eq!(bodies[5].order_type, OrderType::Fok);
    let mut salts: Vec<u64> = bodies.iter().map(|b| b.order.order.salt).collect();
    salts.sort_unstable();
    salts.dedup();
    assert_eq!(salts.len(), 6, "each order its own salt");
}

#[tokio::test]
async fn without_a_rank_fee_the_default_is_300() {
    let h = Harness::hmac().await;
    mount_profile(&h, None, 1).await;
    mount_market(&h, None, 1).await;
    hmac_mock("POST", "/orders")
        .respond_with(ResponseTemplate::new(201).set_body_json(placed()))
        .expect(1)
        .mount(&h.server)
        .await;
    let orders = h.client.signed_orders(signer());
    orders
        .create_order(&CreateSignedOrderParams::fak(
            "market",
            "123",
            Side::Buy,
            "0.5",
            1,
        ))
        .await
        .unwrap();
    let requests = h.requests().await;
    let body: CreateSignedOrderRequest = serde_json::from_slice(&posts(&requests)[0].body).unwrap();
    assert_eq!(body.order.order.fee_rate_bps, 300);
    assert_eq!(body.order_type, OrderType::Fak);
}

#[tokio::test]
async fn a_collateral_fee_venue_signs_fee_zero() {
    let h = Harness::hmac().await;
    mount_profile(&h, Some(300), 1).await;
    mount_market(&h, Some("COLLATERAL"), 1).await;
    hmac_mock("POST", "/orders")
        .respond_with(ResponseTemplate::new(201).set_body_json(placed()))
        .expect(1)
        .mount(&h.server)
        .await;
    let orders = h.client.signed_orders(signer());
    let params =
        CreateSignedOrderParams::gtc("market", "123", Side::Buy, "0.5", 1).fee_rate_bps(500);
    orders.create_order(&params).await.unwrap();
    let requests = h.requests().await;
    let body: CreateSignedOrderRequest = serde_json::from_slice(&posts(&requests)[0].body).unwrap();
    assert_eq!(body.order.order.fee_rate_bps, 0);
    // Signed with fee 0: the collateral-fee domain accepts it.
    verify_signed_order(&body.order, &domain(true)).unwrap();
}

#[tokio::test]
async fn invalid_orders_never_reach_the_network() {
    let h = Harness::hmac().await;
    let orders = h.client.signed_orders(signer());
    let cases = [
        (
            CreateSignedOrderParams::gtc("m", "123", Side::Buy, 0.3815, 1),
            "nearest valid prices: 0.381 or 0.382",
        ),
        (
            CreateSignedOrderParams::gtc("m", "123", Side::Buy, 0.5, 1).fee_rate_bps(20_000),
            "fee_rate_bps must be 1 to",
        ),
        (
            CreateSignedOrderParams::fak("m", "123", Side::Buy, 0.5, 1).post_only(true),
            "post_only applies only to GTC",
        ),
        (
            CreateSignedOrderParams::gtc("m", "123", Side::Buy, 0.5, 1).expiration(1),
            "not in the future",
        ),
        (
            CreateSignedOrderParams::gtc(" ", "123", Side::Buy, 0.5, 1),
            "market",
        ),
    ];
    for (params, needle) in cases {
        let error = orders.create_order(&params).await.unwrap_err();
        assert_invalid(&error, needle);
    }
    let error = orders.cancel_replace_batch(&[]).await.unwrap_err();
    assert_invalid(&error, "1 to");
    let bad = SignedCancelReplaceParams::new(
        CancelTarget::OrderId("o".into()),
        CreateSignedOrderParams::gtc("m", "123", Side::Buy, 2, 1),
    );
    let error = orders.cancel_replace(&bad).await.unwrap_err();
    assert_eq!(error.field(), Some("replacement.price"));
    h.assert_no_requests().await;
}

#[tokio::test]
async fn an_unanswered_order_is_outcome_unknown_sent_once_naming_its_owner() {
    let h = Harness::hmac().await;
    mount_profile(&h, Some(300), 1).await;
    mount_market(&h, None, 1).await;
    hmac_mock("POST", "/orders")
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&h.server)
        .await;
    let orders = h.client.signed_orders(signer());
    let params = CreateSignedOrderParams::gtc("market", "123", Side::Buy, "0.5", 1).salt(99);
    let error = orders.create_order(&params).await.unwrap_err();
    assert!(error.is_outcome_unknown(), "{error:?}");
    let sent = error.sent_orders();
    assert_eq!((sent[0].salt, sent[0].owner_id), (99, OWNER));
    assert_eq!(sent[0].market_slug, "market");

    // Reconciled by its generated client order id among the signer's own
    // orders: no x-on-behalf-of.
    let id = sent[0].client_order_id.clone().expect("a generated id");
    hmac_mock("POST", "/orders/status/batch")
        .and(crate::support::HeaderAbsent("x-on-behalf-of"))
        .and(crate::support::BodyIs(format!(
            r#"{{"items":[{{"clientOrderId":"{id}"}}]}}"#
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"results": [
            {"index": 0, "status": "not_found", "clientOrderId": id}
        ]})))
        .expect(1)
        .mount(&h.server)
        .await;
    let found = orders.reconcile(sent).await;
    assert!(found[0].is_not_placed());
}

#[tokio::test]
async fn cancel_replace_and_batch_carry_signed_replacements() {
    let h = Harness::hmac().await;
    mount_profile(&h, Some(300), 1).await;
    mount_market(&h, None, 1).await;
    hmac_mock("POST", "/orders/cancel-replace")
        .respond_with(ResponseTemplate::new(409).set_body_json(json!({
            "cancel": {"status": "FAILURE", "error": {"code": "NOT_FOUND", "message": "gone"}},
            "replacement": {"status": "NOT_ATTEMPTED"}
        })))
        .expect(1)
        .mount(&h.server)
        .await;
    hmac_mock("POST", "/orders/cancel-replace/batch")
        .respond_with(ResponseTemplate::new(207).set_body_json(json!({"results": []})))
        .expect(1)
        .mount(&h.server)
        .await;
    let orders = h.client.signed_orders(signer());
    let params = SignedCancelReplaceParams::new(
        CancelTarget::OrderId("ord-1".into()),
        CreateSignedOrderParams::gtc("market", "123", Side::Buy, "0.5", 1).salt(7),
    )
    .client_order_id("r-1");
    let result = orders.cancel_replace(&params).await.unwrap();
    assert!(matches!(
        result.replacement,
        ReplacementOutcome::NotAttempted
    ));
    orders
        .cancel_replace_batch(&[params.clone(), params.clone().client_order_id("r-2")])
        .await
        .unwrap();

    let requests = h.requests().await;
    let posts = posts(&requests);
    let single: CancelReplaceRequest<SignedOrder> = serde_json::from_slice(&posts[0].body).unwrap();
    assert_eq!(single.on_behalf_of, None);
    assert_eq!(single.replacement.owner_id, OWNER);
    assert_eq!(single.replacement.client_order_id.as_deref(), Some("r-1"));
    verify_signed_order(&single.replacement.order, &domain(false)).unwrap();
    let raw: Value = serde_json::from_slice(&posts[0].body).unwrap();
    assert!(raw.get("onBehalfOf").is_none());
    assert_eq!(raw["replacement"]["order"]["maker"], ADDRESS);

    let batch: Value = serde_json::from_slice(&posts[1].body).unwrap();
    let operations = batch["operations"].as_array().unwrap();
    assert_eq!(operations.len(), 2);
    for operation in operations {
        let operation: CancelReplaceRequest<SignedOrder> =
            serde_json::from_value(operation.clone()).unwrap();
        verify_signed_order(&operation.replacement.order, &domain(false)).unwrap();
    }
    for post in posts {
        assert_hmac(post);
    }
}

#[tokio::test]
async fn cancels_are_the_plain_cancel_requests() {
    let h = Harness::hmac().await;
    hmac_mock("DELETE", "/orders/ord-1")
        .and(crate::support::QueryIs::none())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"message": "cancelled"})))
        .expect(1)
        .mount(&h.server)
        .await;
    hmac_mock("DELETE", "/orders/all/market")
        .and(crate::support::QueryIs::none())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"message": "all cancelled"})))
        .expect(1)
        .mount(&h.server)
        .await;
    let orders = h.client.signed_orders(signer());
    assert_eq!(orders.cancel("ord-1").await.unwrap(), "cancelled");
    assert_eq!(
        orders.cancel_all("market").await.unwrap().message,
        "all cancelled"
    );
}

#[tokio::test]
async fn a_sub_account_signers_cancels_act_on_its_behalf() {
    let h = Harness::hmac().await;
    // The sub-account's profile, read once for both cancels.
    hmac_mock("GET", &format!("/profiles/{ADDRESS}"))
        .respond_with(ResponseTemplate::new(200).set_body_json(profile_json(None)))
        .expect(1)
        .mount(&h.server)
        .await;
    hmac_mock("DELETE", "/orders/ord-1")
        .and(crate::support::QueryIs::some(format!("onBehalfOf={OWNER}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"message": "cancelled"})))
        .expect(1)
        .mount(&h.server)
        .await;
    hmac_mock("DELETE", "/orders/all/market")
        .and(crate::support::QueryIs::some(format!("onBehalfOf={OWNER}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"message": "all cancelled"})))
        .expect(1)
        .mount(&h.server)
        .await;
    let orders = h.client.sub_account_signed_orders(signer());
    assert_eq!(orders.cancel("ord-1").await.unwrap(), "cancelled");
    assert_eq!(
        orders.cancel_all("market").await.unwrap().message,
        "all cancelled"
    );

    // An invalid id is refused before anything is read or sent.
    let error = orders.cancel(" ").await.unwrap_err();
    assert_eq!(error.field(), Some("order_id"));
    assert_eq!(h.requests().await.len(), 3);
}

#[tokio::test]
async fn an_eoa_sub_account_is_created_with_a_fresh_proof_from_the_signer() {
    let h = Harness::hmac().await;
    hmac_mock("POST", "/profiles/partner-accounts")
        .and(BodyIs(r#"{"displayName":"carol"}"#.into()))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"profileId": 901, "account": ADDRESS})),
        )
        .expect(2)
        .mount(&h.server)
        .await;
    let input = CreatePartnerAccountInput::eoa("carol");
    let account = h
        .client
        .partner_accounts
        .create_eoa_account(&input, signer())
        .await
        .unwrap();
    assert_eq!(account.profile_id, 901);
    h.client
        .partner_accounts
        .create_eoa_account(&input, signer())
        .await
        .unwrap();

    let requests = h.requests().await;
    let proofs: Vec<EoaOwnershipProof> = requests
        .iter()
        .map(|r| {
            let header = |name: &str| r.headers[name].to_str().unwrap().to_owned();
            EoaOwnershipProof {
                account: header("x-account"),
                signing_message: header("x-signing-message"),
                signature: header("x-signature"),
            }
        })
        .collect();
    for proof in &proofs {
        assert_eq!(proof.account, ADDRESS);
        assert_eq!(
            verify_ownership_proof(proof).unwrap().to_checksum(),
            ADDRESS
        );
    }
    assert_ne!(
        proofs[0].signing_message, proofs[1].signing_message,
        "each proof has a fresh nonce"
    );
    for request in &requests {
        assert_hmac(request);
    }

    // A server wallet or a bad name is refused before any I/O.
    let error = h
        .client
        .partner_accounts
        .create_eoa_account(&CreatePartnerAccountInput::server_wallet("x"), signer())
        .await
        .unwrap_err();
    assert_eq!(error.field(), Some("create_server_wallet"));
    let error = h
        .client
        .partner_accounts
        .create_eoa_account(&CreatePartnerAccountInput::eoa("x".repeat(45)), signer())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidInput { .. }), "{error:?}");
    assert_eq!(h.requests().await.len(), 2);
}
