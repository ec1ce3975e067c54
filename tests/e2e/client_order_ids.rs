//! Orders by client order id, end to end against the sandbox: every order
//! carries a generated id, and orders whose answers were lost are
//! reconciled exactly through the status batch, one request per 50.

use std::collections::BTreeMap;

use limitless_client::types::orders::OrderLookup;
use limitless_client::{
    BatchCancelRequest, CancelTarget, CreateDelegatedOrderParams, OrderOutcome, SentOrder, Side,
};

use crate::support::{Backend, partner, sandbox, server_wallet};

#[tokio::test]
async fn two_hundred_dropped_answers_are_reconciled_exactly_through_the_status_batch() {
    const ORDERS: u64 = 200;
    let sandbox = sandbox().await;
    let (scoped, _) = partner(&sandbox, Backend::Reqwest).await;
    let alice = server_wallet(&scoped, "alice").await;
    let market = &sandbox.markets()[0];
    sandbox.faults().drop_every_placement(true);
    let mut sent: Vec<SentOrder> = Vec::new();
    for i in 0..ORDERS {
        let order = CreateDelegatedOrderParams::gtc(
            &market.slug,
            &market.yes_token_id,
            Side::Buy,
            "0.1",
            1,
            alice.profile_id,
        )
        .salt(1_810_000_000_000_000 + i);
        let error = scoped
            .delegated_orders
            .create_order(&order)
            .await
            .expect_err("the answer is dropped");
        assert!(error.is_outcome_unknown(), "{error:?}");
        sent.extend_from_slice(error.sent_orders());
    }
    sandbox.faults().drop_every_placement(false);
    // Three orders that never left: known not placed, exactly.
    for i in 0..3 {
        sent.push(SentOrder::new(
            &market.slug,
            7 + i,
            Some(&format!("never-sent-{i}")),
            alice.profile_id,
        ));
    }

    let before = sandbox.request_count();
    let found = scoped.delegated_orders.reconcile(&sent).await;
    assert_eq!(
        sandbox.request_count() - before,
        5,
        "203 orders: four status batches of 50 and one of 3, nothing else"
    );

    let placed: BTreeMap<String, (String, u64)> = sandbox
        .orders()
        .into_iter()
        .map(|o| {
            (
                o.client_order_id.expect("every order has an id"),
                (o.id, o.salt),
            )
        })
        .collect();
    assert_eq!(placed.len() as u64, ORDERS, "each order placed once");
    for (reconciliation, order) in found.iter().zip(&sent) {
        assert_eq!(&reconciliation.order, order);
        let id = order.client_order_id.as_deref().unwrap();
        match (&reconciliation.outcome, placed.get(id)) {
            (OrderOutcome::Placed(found), Some((order_id, salt))) => {
                assert_eq!(&found.id, order_id);
                assert_eq!(found.salt, Some(*salt));
                assert_eq!(*salt, order.salt);
            }
            (OrderOutcome::NotPlaced, None) => assert!(id.starts_with("never-sent-")),
            (outcome, listed) => panic!("{id}: {outcome:?} but the sandbox has {listed:?}"),
        }
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn orders_are_read_and_cancelled_by_their_client_order_ids() {
    let sandbox = sandbox().await;
    let (scoped, _) = partner(&sandbox, Backend::Hyper).await;
    let bob = server_wallet(&scoped, "bob").await;
    let market = &sandbox.markets()[0];
    let order = |id: &str| {
        CreateDelegatedOrderParams::gtc(
            &market.slug,
            &market.yes_token_id,
            Side::Buy,
            "0.2",
            1,
            bob.profile_id,
        )
        .client_order_id(id)
    };
    let first = scoped
        .delegated_orders
        .create_order(&order("b-1"))
        .await
        .unwrap();
    scoped
        .delegated_orders
        .create_order(&order("b-2"))
        .await
        .unwrap();
    let duplicate = scoped
        .delegated_orders
        .create_order(&order("b-1"))
        .await
        .expect_err("a duplicate id");
    assert!(duplicate.is_duplicate_client_order_id(), "{duplicate:?}");

    let batch = scoped
        .delegated_orders
        .order_status_batch(
            &[
                CancelTarget::ClientOrderId("b-1".into()),
                CancelTarget::ClientOrderId("b-3".into()),
            ],
            bob.profile_id,
        )
        .await
        .unwrap();
    match batch.results[0].lookup() {
        OrderLookup::Found(Some(data)) => assert_eq!(data.order.id, first.order.id),
        other => panic!("{other:?}"),
    }
    assert_eq!(batch.results[1].lookup(), OrderLookup::NotFound);

    scoped
        .delegated_orders
        .cancel_order(&CancelTarget::ClientOrderId("b-1".into()), bob.profile_id)
        .await
        .unwrap();
    let partial = scoped
        .delegated_orders
        .batch_cancel(
            &BatchCancelRequest::ClientOrderIds(vec!["b-1".into(), "b-2".into()]),
            bob.profile_id,
        )
        .await
        .expect("207 is a result");
    assert!(partial.is_partial());
    assert_eq!(partial.canceled.len(), 1);
    assert_eq!(partial.failed[0].client_order_id.as_deref(), Some("b-1"));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_cancel_all_that_cannot_cancel_every_order_is_a_207_result() {
    let sandbox = sandbox().await;
    let (scoped, _) = partner(&sandbox, Backend::Reqwest).await;
    let carol = server_wallet(&scoped, "carol").await;
    let market = &sandbox.markets()[0];
    let mut ids = Vec::new();
    for price in ["0.2", "0.21", "0.22"] {
        let order = CreateDelegatedOrderParams::gtc(
            &market.slug,
            &market.yes_token_id,
            Side::Buy,
            price,
            1,
            carol.profile_id,
        );
        // The sandbox answers 201 Created, as the spec documents.
        let placed = scoped
            .delegated_orders
            .create_order(&order)
            .with_raw()
            .await
            .unwrap();
        assert_eq!(placed.raw.status.as_u16(), 201);
        ids.push(placed.data.order.id);
    }

    sandbox.faults().fail_next_cancels(1);
    let before = sandbox.request_count();
    let partial = scoped
        .delegated_orders
        .cancel_all_on_behalf_of(&market.slug, carol.profile_id)
        .await
        .expect("a 207 is a result");
    assert_eq!(sandbox.request_count() - before, 1, "sent once");
    assert!(partial.is_partial());
    assert_eq!(partial.canceled, ids[1..]);
    assert_eq!(partial.failed.len(), 1);
    assert_eq!(partial.failed[0].order_id, ids[0]);
    assert_eq!(partial.failed[0].reason.as_deref(), Some("UNKNOWN_ERROR"));

    // The order left live is cancelled by the next call: a plain 200.
    let rest = scoped
        .delegated_orders
        .cancel_all_on_behalf_of(&market.slug, carol.profile_id)
        .await
        .unwrap();
    assert!(!rest.is_partial());
    assert_eq!(rest.canceled, ids[..1]);
    assert_eq!(rest.message, "Orders canceled successfully");
    sandbox.shutdown().await;
}
