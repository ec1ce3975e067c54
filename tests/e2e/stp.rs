//! Self-trade prevention: each policy against the sandbox's engine, on
//! delegated orders, a self-signed order and a cancel-replace.

use limitless_client::types::orders::OrderResponse;
use limitless_client::types::orders::ReplacementOutcome;
use limitless_client::{
    CancelTarget, Client, CreateDelegatedOrderParams, CreateSignedOrderParams,
    DelegatedCancelReplaceParams, Side, StpPolicy,
};
use limitless_sandbox::{OrderStatus, SandboxHandle};

use crate::support::{Backend, legacy_market, partner, sandbox, server_wallet};

fn status_of(sandbox: &SandboxHandle, id: &str) -> (OrderStatus, u64) {
    let orders = sandbox.orders();
    let order = orders.iter().find(|o| o.id == id).expect("order known");
    (order.status, order.remaining_shares)
}

/// The book every case starts from, asks only: bob 5 @ 0.50, alice 5 @
/// 0.51, bob 5 @ 0.52. Alice then buys 8 @ 0.52 under `policy`, meeting
/// her own ask between bob's two.
struct Case {
    sandbox: SandboxHandle,
    bob_first: String,
    alice_ask: String,
    bob_second: String,
    taker: OrderResponse,
}

async fn run(policy: Option<StpPolicy>) -> Case {
    let sandbox = sandbox().await;
    let (client, _) = partner(&sandbox, Backend::Reqwest).await;
    let alice = server_wallet(&client, "alice").await.profile_id;
    let bob = server_wallet(&client, "bob").await.profile_id;
    let m = legacy_market(&sandbox);
    // The asks offer shares their owners hold.
    sandbox.deposit_shares(alice, &m.yes_token_id, 5_000_000);
    sandbox.deposit_shares(bob, &m.yes_token_id, 10_000_000);
    let ask = |price: &str, owner: i64| {
        CreateDelegatedOrderParams::gtc(&m.slug, &m.yes_token_id, Side::Sell, price, 5, owner)
    };
    let place = |client: &Client, params: CreateDelegatedOrderParams| {
        let call = client.delegated_orders.create_order(&params);
        async move { call.await.expect("order placed") }
    };
    let bob_first = place(&client, ask("0.50", bob)).await.order.id;
    let alice_ask = place(&client, ask("0.51", alice)).await.order.id;
    let bob_second = place(&client, ask("0.52", bob)).await.order.id;
    let mut buy =
        CreateDelegatedOrderParams::gtc(&m.slug, &m.yes_token_id, Side::Buy, "0.52", 8, alice);
    if let Some(policy) = policy {
        buy = buy.stp_policy(policy);
    }
    let taker = place(&client, buy).await;
    Case {
        sandbox,
        bob_first,
        alice_ask,
        bob_second,
        taker,
    }
}

fn matches(response: &OrderResponse) -> Vec<(String, String)> {
    response
        .maker_matches
        .iter()
        .map(|m| (m.order_id.clone(), m.matched_size.clone()))
        .collect()
}

/// The engine's default, as the API documents it: an order sent without a
/// policy is treated as `cancel_maker`.
#[tokio::test]
async fn without_a_policy_the_engine_cancels_the_resting_order() {
    let default = run(None).await;
    let explicit = run(Some(StpPolicy::CancelMaker)).await;
    let execution = default.taker.execution.as_ref().unwrap();
    assert_eq!(execution.stp_maker_cancels, [default.alice_ask.as_str()]);
    assert_eq!(
        matches(&default.taker),
        [
            (default.bob_first.clone(), "5000000".to_owned()),
            (default.bob_second.clone(), "3000000".to_owned()),
        ]
    );
    assert_eq!(
        matches(&default.taker).len(),
        matches(&explicit.taker).len()
    );
    assert_eq!(
        status_of(&default.sandbox, &default.alice_ask),
        (OrderStatus::Cancelled, 5_000_000)
    );
}

#[tokio::test]
async fn cancel_maker_cancels_the_resting_order_and_keeps_matching() {
    let case = run(Some(StpPolicy::CancelMaker)).await;
    assert_eq!(
        matches(&case.taker),
        [
            (case.bob_first.clone(), "5000000".to_owned()),
            (case.bob_second.clone(), "3000000".to_owned()),
        ]
    );
    let execution = case.taker.execution.as_ref().unwrap();
    assert_eq!(execution.stp_maker_cancels, [case.alice_ask.as_str()]);
    assert_eq!(execution.reason, None);
    assert_eq!(
        status_of(&case.sandbox, &case.alice_ask),
        (OrderStatus::Cancelled, 5_000_000)
    );
    assert_eq!(
        status_of(&case.sandbox, &case.taker.order.id),
        (OrderStatus::Filled, 0)
    );
}

/// Where the incoming order is rejected: bob's first ask fills, the order
/// is cancelled where it meets alice's ask (which ends `alice`, cancelled
/// by the engine if `maker_cancels` names it), and bob's second ask rests
/// untouched.
fn assert_taker_rejected(case: &Case, maker_cancels: &[&str], alice: OrderStatus) {
    assert_eq!(
        matches(&case.taker),
        [(case.bob_first.clone(), "5000000".to_owned())]
    );
    let execution = case.taker.execution.as_ref().unwrap();
    assert_eq!(execution.stp_maker_cancels, maker_cancels);
    assert_eq!(execution.reason.as_deref(), Some("STP_TAKER_REJECTED"));
    assert_eq!(
        status_of(&case.sandbox, &case.taker.order.id),
        (OrderStatus::Cancelled, 3_000_000)
    );
    assert_eq!(
        status_of(&case.sandbox, &case.alice_ask),
        (alice, 5_000_000)
    );
    assert_eq!(
        status_of(&case.sandbox, &case.bob_second),
        (OrderStatus::Live, 5_000_000)
    );
}

#[tokio::test]
async fn cancel_taker_cancels_the_incoming_order_where_it_meets_its_owner() {
    let case = run(Some(StpPolicy::CancelTaker)).await;
    assert_taker_rejected(&case, &[], OrderStatus::Live);
}

#[tokio::test]
async fn cancel_both_cancels_both_orders() {
    let case = run(Some(StpPolicy::CancelBoth)).await;
    assert_taker_rejected(&case, &[case.alice_ask.as_str()], OrderStatus::Cancelled);
}

#[tokio::test]
async fn a_cancel_replace_carries_its_policy() {
    let sandbox = sandbox().await;
    let (client, _) = partner(&sandbox, Backend::Reqwest).await;
    let alice = server_wallet(&client, "alice").await.profile_id;
    let m = legacy_market(&sandbox);
    sandbox.deposit_shares(alice, &m.yes_token_id, 5_000_000);
    let orders = &client.delegated_orders;
    let ask = orders
        .create_order(&CreateDelegatedOrderParams::gtc(
            &m.slug,
            &m.yes_token_id,
            Side::Sell,
            "0.60",
            5,
            alice,
        ))
        .await
        .unwrap();
    let bid = orders
        .create_order(&CreateDelegatedOrderParams::gtc(
            &m.slug,
            &m.yes_token_id,
            Side::Buy,
            "0.40",
            5,
            alice,
        ))
        .await
        .unwrap();
    // The bid moves up through alice's own ask: her ask gives way.
    let replacement =
        CreateDelegatedOrderParams::gtc(&m.slug, &m.yes_token_id, Side::Buy, "0.60", 5, alice);
    let replaced = orders
        .cancel_replace(
            &DelegatedCancelReplaceParams::new(CancelTarget::OrderId(bid.order.id), replacement)
                .stp_policy(StpPolicy::CancelMaker),
        )
        .await
        .unwrap();
    let ReplacementOutcome::Success { data } = &replaced.replacement else {
        panic!("replacement placed: {replaced:?}");
    };
    assert!(data.maker_matches.is_empty());
    assert_eq!(
        data.execution.as_ref().unwrap().stp_maker_cancels,
        [ask.order.id.as_str()]
    );
    assert_eq!(
        status_of(&sandbox, &ask.order.id),
        (OrderStatus::Cancelled, 5_000_000)
    );
    assert_eq!(
        status_of(&sandbox, &data.order.id),
        (OrderStatus::Live, 5_000_000)
    );
}

#[tokio::test]
async fn a_self_signed_order_carries_its_policy() {
    let sandbox = sandbox().await;
    let (client, _) = partner(&sandbox, Backend::Reqwest).await;
    let orders = client.signed_orders(std::sync::Arc::new(sandbox.partner_signer()));
    let m = legacy_market(&sandbox);
    sandbox.deposit_shares(
        sandbox.identities()[0].profile_id,
        &m.yes_token_id,
        2_000_000,
    );
    let ask = orders
        .create_order(&CreateSignedOrderParams::gtc(
            &m.slug,
            &m.yes_token_id,
            Side::Sell,
            "0.45",
            2,
        ))
        .await
        .unwrap();
    let buy = orders
        .create_order(
            &CreateSignedOrderParams::fak(&m.slug, &m.yes_token_id, Side::Buy, "0.45", 2)
                .stp_policy(StpPolicy::CancelTaker),
        )
        .await
        .unwrap();
    assert!(buy.maker_matches.is_empty());
    assert_eq!(
        buy.execution.as_ref().unwrap().reason.as_deref(),
        Some("STP_TAKER_REJECTED")
    );
    assert_eq!(
        status_of(&sandbox, &ask.order.id),
        (OrderStatus::Live, 2_000_000)
    );
}
