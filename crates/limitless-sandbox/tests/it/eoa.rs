//! Real EIP-191 ownership proofs, self-signed (EIP-712) orders, and the
//! profile reads a self-signing client makes first.

use limitless_eip712::{LocalSigner, OrderDomain, OrderSignerExt};
use limitless_sandbox::{MarketVenue, SeededMarket};
use limitless_types::{
    CancelOutcome, CancelReplaceResult, EoaOwnershipProof, OrderResponse, OrderType,
    ReplacementOutcome, Side, SignedOrder, UnsignedOrder, Venue,
};
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Fixture, Token, limit_order};

/// The EIP-712 domain of a seeded market, from its public market JSON.
async fn domain_of(fx: &Fixture, market: &SeededMarket) -> OrderDomain {
    let reply = fx
        .send(fx.http.get(fx.url(&format!("/markets/{}", market.slug))))
        .await
        .expect(200);
    let venue: Venue = serde_json::from_value(reply.body["venue"].clone()).unwrap();
    OrderDomain::for_venue(&venue).unwrap()
}

fn market(fx: &Fixture, venue: MarketVenue) -> SeededMarket {
    fx.sandbox
        .markets()
        .iter()
        .find(|m| m.venue == venue)
        .unwrap()
        .clone()
}

/// A GTC order on the market's YES token owned by `wallet`, unsigned.
fn wallet_order(
    market: &SeededMarket,
    wallet: &LocalSigner,
    side: Side,
    price: &str,
    size: &str,
) -> UnsignedOrder {
    let fee = if market.venue.is_collateral_fee() {
        0
    } else {
        300
    };
    let body = limit_order(OrderType::Gtc, market, side, price, size, 1, fee);
    let mut order: UnsignedOrder = serde_json::from_value(body["order"].clone()).unwrap();
    let address = wallet.address().to_string();
    order.maker.clone_from(&address);
    order.signer = address;
    order
}

/// The self-signed `POST /orders` body.
fn signed_body(order: &SignedOrder, market: &SeededMarket, owner_id: i64) -> Value {
    json!({
        "order": order,
        "orderType": "GTC",
        "marketSlug": market.slug,
        "ownerId": owner_id,
    })
}

async fn create_eoa(
    fx: &Fixture,
    token: &Token,
    proof: &EoaOwnershipProof,
) -> crate::support::Reply {
    let headers = proof.headers();
    fx.signed_at(
        &token.signer,
        crate::support::now(),
        Method::POST,
        "/profiles/partner-accounts",
        Some(&json!({ "displayName": "eoa" })),
        &headers,
    )
    .await
}

async fn eoa_account(fx: &Fixture, token: &Token, wallet: &LocalSigner) -> i64 {
    let proof = wallet.ownership_proof(None).await.unwrap();
    let reply = create_eoa(fx, token, &proof).await.expect(201);
    assert_eq!(reply.body["account"], wallet.address().to_string().as_str());
    reply.body["profileId"].as_i64().unwrap()
}

#[tokio::test]
async fn a_valid_ownership_proof_creates_the_eoa_account() {
    let fx = Fixture::start().await;
    let token = fx.partner_token().await;
    let wallet = LocalSigner::random();
    let profile_id = eoa_account(&fx, &token, &wallet).await;

    // Its profile is readable by address, in any case.
    let address = wallet.address().to_string();
    let reply = fx
        .send(
            fx.http
                .get(fx.url(&format!("/profiles/{}", address.to_lowercase()))),
        )
        .await
        .expect(200);
    assert_eq!(reply.body["id"], profile_id);
    assert_eq!(reply.body["account"], address.as_str());
    assert_eq!(reply.body["displayName"], "eoa");
}

#[tokio::test]
async fn a_proof_signed_by_another_key_is_refused() {
    let fx = Fixture::start().await;
    let token = fx.partner_token().await;
    let owner = LocalSigner::random();
    let intruder = LocalSigner::random();
    let forged = EoaOwnershipProof {
        account: owner.address().to_string(),
        ..intruder.ownership_proof(None).await.unwrap()
    };
    let reply = create_eoa(&fx, &token, &forged).await.expect(401);
    assert_eq!(reply.body["code"], "INVALID_OWNERSHIP_PROOF");
    assert!(
        reply.message().contains(&intruder.address().to_string()),
        "{}",
        reply.message()
    );

    // A message that is not hex, and the right signature over other bytes.
    let good = owner.ownership_proof(None).await.unwrap();
    let not_hex = EoaOwnershipProof {
        signing_message: "Welcome".into(),
        ..good.clone()
    };
    let reply = create_eoa(&fx, &token, &not_hex).await.expect(400);
    assert!(
        reply.message().contains("x-signing-message"),
        "{}",
        reply.message()
    );
    let other_message = EoaOwnershipProof {
        signing_message: "0x1234".into(),
        ..good.clone()
    };
    create_eoa(&fx, &token, &other_message).await.expect(401);
    // Nothing was created by the refused attempts.
    create_eoa(&fx, &token, &good).await.expect(201);
}

#[tokio::test]
async fn profiles_me_is_the_partner_with_its_signing_address() {
    let fx = Fixture::start().await;
    let token = fx.partner_token().await;
    let reply = fx
        .signed(&token, Method::GET, "/profiles/me", None)
        .await
        .expect(200);
    let partner = &fx.sandbox.identities()[0];
    assert_eq!(reply.body["id"], partner.profile_id);
    assert_eq!(reply.body["account"], partner.account.as_str());
    assert_eq!(reply.body["rank"]["feeRateBps"], 300);
    let signer = fx.sandbox.partner_signer();
    assert_eq!(partner.account, signer.address().to_string());
    assert_eq!(
        LocalSigner::from_hex(fx.sandbox.partner_private_key())
            .unwrap()
            .address(),
        signer.address()
    );
    assert!(!format!("{:?}", fx.sandbox).contains(&fx.sandbox.partner_private_key()[2..]));

    // Unsigned: refused. Unknown address: 404.
    fx.send(fx.http.get(fx.url("/profiles/me")))
        .await
        .expect(401);
    fx.send(
        fx.http
            .get(fx.url("/profiles/0x1111111111111111111111111111111111111111")),
    )
    .await
    .expect(404);
}

#[tokio::test]
async fn signed_orders_are_verified_and_matched() {
    let fx = Fixture::start().await;
    let token = fx.partner_token().await;
    let legacy = market(&fx, MarketVenue::Legacy);
    let domain = domain_of(&fx, &legacy).await;

    // The partner itself rests a sell; an EOA sub-account buys into it.
    let partner = fx.sandbox.partner_signer();
    let partner_id = fx.sandbox.identities()[0].profile_id;
    // Shares to sell: the sandbox refuses a sale of shares not held.
    fx.sandbox
        .deposit_shares(partner_id, &legacy.yes_token_id, 5_000_000);
    let sell = partner
        .sign_order(
            &wallet_order(&legacy, &partner, Side::Sell, "0.4", "5"),
            &domain,
        )
        .await
        .unwrap();
    let resting: OrderResponse = serde_json::from_value(
        fx.signed(
            &token,
            Method::POST,
            "/orders",
            Some(&signed_body(&sell, &legacy, partner_id)),
        )
        .await
        .expect(201)
        .body,
    )
    .unwrap();
    assert_eq!(
        resting.order.signature.as_deref(),
        Some(sell.signature.as_str())
    );
    assert_eq!(
        resting.order.maker.as_deref(),
        Some(partner.address().to_string().as_str())
    );

    let wallet = LocalSigner::random();
    let eoa_id = eoa_account(&fx, &token, &wallet).await;
    let buy = wallet
        .sign_order(
            &wallet_order(&legacy, &wallet, Side::Buy, "0.4", "2"),
            &domain,
        )
        .await
        .unwrap();
    let taken: OrderResponse = serde_json::from_value(
        fx.signed(
            &token,
            Method::POST,
            "/orders",
            Some(&signed_body(&buy, &legacy, eoa_id)),
        )
        .await
        .expect(201)
        .body,
    )
    .unwrap();
    assert_eq!(taken.maker_matches.len(), 1);
    assert_eq!(taken.maker_matches[0].order_id, resting.order.id);
    assert_eq!(taken.maker_matches[0].matched_size, "2000000");
    let orders = fx.sandbox.orders();
    assert_eq!(orders.len(), 2);
    assert_eq!(orders[1].owner_id, eoa_id);
    assert_eq!(orders[0].remaining_shares, 3_000_000);
}

#[tokio::test]
async fn tampered_or_misdirected_signatures_are_refused() {
    let fx = Fixture::start().await;
    let token = fx.partner_token().await;
    let legacy = market(&fx, MarketVenue::Legacy);
    let neg_risk = market(&fx, MarketVenue::NegRisk);
    let partner = fx.sandbox.partner_signer();
    let partner_id = fx.sandbox.identities()[0].profile_id;
    let domain = domain_of(&fx, &legacy).await;
    let signed = partner
        .sign_order(
            &wallet_order(&legacy, &partner, Side::Buy, "0.3", "1"),
            &domain,
        )
        .await
        .unwrap();
    let post = |body: Value| {
        let fx = &fx;
        let token = &token;
        async move { fx.signed(token, Method::POST, "/orders", Some(&body)).await }
    };

    // A changed amount: the signature no longer recovers the maker.
    let mut body = signed_body(&signed, &legacy, partner_id);
    body["order"]["makerAmount"] = json!(310_000);
    body["order"]["takerAmount"] = json!(1_000_000);
    body["order"]["price"] = json!(0.31);
    let reply = post(body).await.expect(400);
    assert_eq!(reply.body["code"], "INVALID_SIGNATURE");

    // A flipped bit in the signature.
    let mut tampered = signed.clone();
    let flipped = if tampered.signature.as_bytes()[10] == b'0' {
        "1"
    } else {
        "0"
    };
    tampered.signature.replace_range(10..11, flipped);
    let reply = post(signed_body(&tampered, &legacy, partner_id))
        .await
        .expect(400);
    assert_eq!(reply.body["code"], "INVALID_SIGNATURE");

    // Signed for the legacy exchange, sent to the neg-risk market: the
    // verifying contract differs.
    let mut elsewhere = signed.clone();
    elsewhere.order.token_id.clone_from(&neg_risk.yes_token_id);
    let reply = post(signed_body(&elsewhere, &neg_risk, partner_id))
        .await
        .expect(400);
    assert_eq!(reply.body["code"], "INVALID_SIGNATURE");
    let neg_domain = domain_of(&fx, &neg_risk).await;
    let wrong_contract = partner
        .sign_order(
            &wallet_order(&neg_risk, &partner, Side::Buy, "0.3", "1"),
            &domain,
        )
        .await
        .unwrap();
    let reply = post(signed_body(&wrong_contract, &neg_risk, partner_id))
        .await
        .expect(400);
    assert!(
        reply
            .message()
            .contains(&neg_domain.verifying_contract().to_string()),
        "{}",
        reply.message()
    );

    // Signed by a key that is not the owner's.
    let stranger = LocalSigner::random();
    let foreign = stranger
        .sign_order(
            &wallet_order(&legacy, &stranger, Side::Buy, "0.3", "1"),
            &domain,
        )
        .await
        .unwrap();
    let reply = post(signed_body(&foreign, &legacy, partner_id))
        .await
        .expect(400);
    assert!(
        reply.message().contains("trades from"),
        "{}",
        reply.message()
    );

    assert_eq!(fx.sandbox.order_count(), 0);
    // The untampered order goes through.
    post(signed_body(&signed, &legacy, partner_id))
        .await
        .expect(201);
}

#[tokio::test]
async fn delegated_orders_for_eoa_sub_accounts_are_refused() {
    let fx = Fixture::start().await;
    let token = fx.partner_token().await;
    let wallet = LocalSigner::random();
    let eoa_id = eoa_account(&fx, &token, &wallet).await;
    let legacy = market(&fx, MarketVenue::Legacy);
    let body = limit_order(OrderType::Gtc, &legacy, Side::Buy, "0.3", "1", eoa_id, 300);
    let reply = fx
        .signed(&token, Method::POST, "/orders", Some(&body))
        .await
        .expect(400);
    assert_eq!(reply.body["code"], "DELEGATION_NOT_ALLOWED");
    assert!(
        reply.message().contains("signs its own orders"),
        "{}",
        reply.message()
    );

    // And a server-wallet sub-account cannot send a signature of its own.
    let server = fx.sub_account(&token, "server").await;
    let domain = domain_of(&fx, &legacy).await;
    let signed = wallet
        .sign_order(
            &wallet_order(&legacy, &wallet, Side::Buy, "0.3", "1"),
            &domain,
        )
        .await
        .unwrap();
    let reply = fx
        .signed(
            &token,
            Method::POST,
            "/orders",
            Some(&signed_body(&signed, &legacy, server)),
        )
        .await
        .expect(400);
    assert!(
        reply.message().contains("server-wallet"),
        "{}",
        reply.message()
    );
    assert_eq!(fx.sandbox.order_count(), 0);
}

#[tokio::test]
async fn a_plain_cancel_reaches_only_the_partners_own_orders() {
    let fx = Fixture::start().await;
    let token = fx.partner_token().await;
    let legacy = market(&fx, MarketVenue::Legacy);
    let domain = domain_of(&fx, &legacy).await;
    let partner = fx.sandbox.partner_signer();
    let partner_id = fx.sandbox.identities()[0].profile_id;
    fx.sandbox
        .deposit_shares(partner_id, &legacy.yes_token_id, 1_000_000);
    let sell = partner
        .sign_order(
            &wallet_order(&legacy, &partner, Side::Sell, "0.7", "1"),
            &domain,
        )
        .await
        .unwrap();
    let own = fx
        .signed(
            &token,
            Method::POST,
            "/orders",
            Some(&signed_body(&sell, &legacy, partner_id)),
        )
        .await
        .expect(201);
    let own_id = own.body["order"]["id"].as_str().unwrap().to_owned();
    let sub = fx.sub_account(&token, "delegated").await;
    let body = limit_order(OrderType::Gtc, &legacy, Side::Buy, "0.2", "1", sub, 300);
    let theirs = fx
        .signed(&token, Method::POST, "/orders", Some(&body))
        .await
        .expect(201);
    let their_id = theirs.body["order"]["id"].as_str().unwrap().to_owned();

    // Without onBehalfOf the sub-account's order is not the caller's.
    let refused = fx
        .signed(&token, Method::DELETE, &format!("/orders/{their_id}"), None)
        .await
        .expect(404);
    assert_eq!(refused.body["code"], "ORDER_NOT_FOUND");
    assert!(refused.message().contains(&partner_id.to_string()));
    fx.signed(&token, Method::DELETE, &format!("/orders/{own_id}"), None)
        .await
        .expect(200);
    fx.signed(
        &token,
        Method::DELETE,
        &format!("/orders/{their_id}?onBehalfOf={sub}"),
        None,
    )
    .await
    .expect(200);
    let statuses: Vec<_> = fx.sandbox.orders().iter().map(|o| o.status).collect();
    assert_eq!(
        statuses,
        [
            limitless_sandbox::OrderStatus::Cancelled,
            limitless_sandbox::OrderStatus::Cancelled
        ]
    );
}

/// A `POST /orders/cancel-replace` body with a self-signed replacement,
/// as the official SDKs' `cancel_replace` sends it: no `onBehalfOf`, the
/// signature inside `replacement.order`.
fn signed_cancel_replace(
    cancel: &str,
    replacement: &SignedOrder,
    market: &SeededMarket,
    owner_id: i64,
) -> Value {
    json!({
        "cancel": { "orderId": cancel },
        "replacement": signed_body(replacement, market, owner_id),
        "mode": "STOP_ON_FAILURE",
    })
}

#[tokio::test]
async fn an_eoa_sub_account_cancel_replaces_with_a_self_signed_order() {
    let fx = Fixture::start().await;
    let token = fx.partner_token().await;
    let legacy = market(&fx, MarketVenue::Legacy);
    let domain = domain_of(&fx, &legacy).await;
    let wallet = LocalSigner::random();
    let eoa_id = eoa_account(&fx, &token, &wallet).await;
    let sign = |price: &'static str| {
        let order = wallet_order(&legacy, &wallet, Side::Buy, price, "2");
        let (wallet, domain) = (&wallet, &domain);
        async move { wallet.sign_order(&order, domain).await.unwrap() }
    };

    let first = sign("0.3").await;
    let placed = fx
        .signed(
            &token,
            Method::POST,
            "/orders",
            Some(&signed_body(&first, &legacy, eoa_id)),
        )
        .await
        .expect(201);
    let first_id = placed.body["order"]["id"].as_str().unwrap().to_owned();

    // The same kind of signed order `POST /orders` takes replaces it.
    let second = sign("0.31").await;
    let reply = fx
        .signed(
            &token,
            Method::POST,
            "/orders/cancel-replace",
            Some(&signed_cancel_replace(&first_id, &second, &legacy, eoa_id)),
        )
        .await
        .expect(200);
    let result: CancelReplaceResult = serde_json::from_value(reply.body).unwrap();
    assert_eq!(
        result.cancel,
        CancelOutcome::Success {
            order_id: Some(first_id.clone()),
            client_order_id: None
        }
    );
    let ReplacementOutcome::Success { data } = result.replacement else {
        panic!("replacement not placed: {:?}", result.replacement);
    };
    assert_eq!(
        data.order.signature.as_deref(),
        Some(second.signature.as_str())
    );
    let orders = fx.sandbox.orders();
    assert_eq!(orders.len(), 2);
    assert_eq!(orders[0].status, limitless_sandbox::OrderStatus::Cancelled);
    assert_eq!(orders[1].status, limitless_sandbox::OrderStatus::Live);
    assert_eq!(orders[1].owner_id, eoa_id);

    // In a batch too.
    let third = sign("0.32").await;
    let batch = json!({
        "operations": [signed_cancel_replace(&data.order.id, &third, &legacy, eoa_id)]
    });
    let reply = fx
        .signed(
            &token,
            Method::POST,
            "/orders/cancel-replace/batch",
            Some(&batch),
        )
        .await
        .expect(207);
    assert_eq!(
        reply.body["results"][0]["cancel"]["status"], "SUCCESS",
        "{}",
        reply.body
    );
    assert_eq!(reply.body["results"][0]["replacement"]["status"], "SUCCESS");
    assert_eq!(
        fx.sandbox.orders()[2].status,
        limitless_sandbox::OrderStatus::Live
    );
}

#[tokio::test]
async fn self_signed_replacements_are_verified_like_orders() {
    let fx = Fixture::start().await;
    let token = fx.partner_token().await;
    let legacy = market(&fx, MarketVenue::Legacy);
    let domain = domain_of(&fx, &legacy).await;
    let wallet = LocalSigner::random();
    let eoa_id = eoa_account(&fx, &token, &wallet).await;
    let order = wallet_order(&legacy, &wallet, Side::Buy, "0.3", "2");
    let first = wallet.sign_order(&order, &domain).await.unwrap();
    let placed = fx
        .signed(
            &token,
            Method::POST,
            "/orders",
            Some(&signed_body(&first, &legacy, eoa_id)),
        )
        .await
        .expect(201);
    let first_id = placed.body["order"]["id"].as_str().unwrap().to_owned();
    let replacement = wallet_order(&legacy, &wallet, Side::Buy, "0.31", "2");

    // Another key's signature: the replacement is refused.
    let other = LocalSigner::random();
    let forged = other
        .sign_order(
            &wallet_order(&legacy, &other, Side::Buy, "0.31", "2"),
            &domain,
        )
        .await
        .unwrap();
    let reply = fx
        .signed(
            &token,
            Method::POST,
            "/orders/cancel-replace",
            Some(&signed_cancel_replace(&first_id, &forged, &legacy, eoa_id)),
        )
        .await
        .expect(200);
    let result: CancelReplaceResult = serde_json::from_value(reply.body).unwrap();
    let ReplacementOutcome::Failure { error } = &result.replacement else {
        panic!("a forged replacement was placed: {:?}", result.replacement);
    };
    assert_eq!(error.code, "INVALID_SIGNATURE");

    // A profile that is not the caller's nor one of its EOA sub-accounts:
    // refused before anything is cancelled.
    let second = wallet.sign_order(&replacement, &domain).await.unwrap();
    let placed = fx
        .signed(
            &token,
            Method::POST,
            "/orders",
            Some(&signed_body(&second, &legacy, eoa_id)),
        )
        .await
        .expect(201);
    let second_id = placed.body["order"]["id"].as_str().unwrap().to_owned();
    let third = wallet
        .sign_order(
            &wallet_order(&legacy, &wallet, Side::Buy, "0.32", "2"),
            &domain,
        )
        .await
        .unwrap();
    fx.signed(
        &token,
        Method::POST,
        "/orders/cancel-replace",
        Some(&signed_cancel_replace(&second_id, &third, &legacy, 999_999)),
    )
    .await
    .expect(404);
    // A server-wallet sub-account's orders are delegated, never self-signed.
    let server_wallet = fx.sub_account(&token, "server").await;
    fx.signed(
        &token,
        Method::POST,
        "/orders/cancel-replace",
        Some(&signed_cancel_replace(
            &second_id,
            &third,
            &legacy,
            server_wallet,
        )),
    )
    .await
    .expect(400);
    // A signature next to onBehalfOf is a delegated request that signs:
    // refused, as on `POST /orders`.
    let mut delegated = signed_cancel_replace(&second_id, &third, &legacy, eoa_id);
    delegated["onBehalfOf"] = json!(eoa_id);
    let refused = fx
        .signed(
            &token,
            Method::POST,
            "/orders/cancel-replace",
            Some(&delegated),
        )
        .await
        .expect(400);
    assert!(
        refused.message().contains("must be omitted"),
        "{}",
        refused.message()
    );
    let live: Vec<_> = fx
        .sandbox
        .orders()
        .iter()
        .filter(|o| o.status == limitless_sandbox::OrderStatus::Live)
        .map(|o| o.id.clone())
        .collect();
    assert_eq!(live, [second_id]);
}
