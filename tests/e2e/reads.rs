//! What a partner reads, end to end against the sandbox: unknown outcomes
//! reconciled, pagers, portfolio and market pages, sub-account onboarding.

use std::collections::BTreeMap;
use std::time::Duration;

use futures_util::TryStreamExt;
use limitless_client::{
    ActiveMarketsParams, CreateDelegatedOrderParams, ListPartnerAccountsParams, OrderOutcome,
    PageMarketsParams, Side, WaitForAllowances,
};

use crate::support::{Backend, partner, sandbox, server_wallet};

/// Orders whose answers are lost (the sandbox places each, then drops the
/// connection): each comes back outcome-unknown, reconciling finds it
/// placed, and nothing is ever placed twice.
#[tokio::test]
async fn a_hundred_unknown_outcomes_are_reconciled_and_nothing_is_placed_twice() {
    const ORDERS: u64 = 100;
    let sandbox = sandbox().await;
    let (scoped, _) = partner(&sandbox, Backend::Reqwest).await;
    let alice = server_wallet(&scoped, "alice").await;
    let market = &sandbox.markets()[0];
    sandbox.faults().drop_every_placement(true);
    let salt_of = |i: u64| 1_800_000_000_000_000 + i;
    for i in 0..ORDERS {
        let order = CreateDelegatedOrderParams::gtc(
            &market.slug,
            &market.yes_token_id,
            Side::Buy,
            "0.1",
            1,
            alice.profile_id,
        )
        .salt(salt_of(i));
        let error = scoped
            .delegated_orders
            .create_order(&order)
            .await
            .expect_err("the answer is dropped");
        assert!(error.is_outcome_unknown(), "{error:?}");
        let found = scoped.delegated_orders.reconcile(error.sent_orders()).await;
        assert_eq!(found.len(), 1);
        match &found[0].outcome {
            OrderOutcome::Placed(placed) => assert_eq!(placed.salt, Some(salt_of(i))),
            // The loop a partner writes: only a known "not placed" is re-sent.
            OrderOutcome::NotPlaced => {
                sandbox.faults().drop_every_placement(false);
                scoped.delegated_orders.create_order(&order).await.unwrap();
                sandbox.faults().drop_every_placement(true);
            }
            OrderOutcome::Unknown(error) => panic!("lookup failed: {error}"),
            other => panic!("{other:?}"),
        }
    }
    sandbox.faults().drop_every_placement(false);

    // An order that never left is reported not placed, and the same order
    // (same salt) is then placed once.
    let never_sent = limitless_client::SentOrder::new(&market.slug, 7, None, alice.profile_id);
    let found = scoped.delegated_orders.reconcile(&[never_sent]).await;
    assert!(found[0].is_not_placed(), "{:?}", found[0]);

    let mut per_salt: BTreeMap<u64, usize> = BTreeMap::new();
    for order in sandbox.orders() {
        *per_salt.entry(order.salt).or_default() += 1;
    }
    assert_eq!(per_salt.len() as u64, ORDERS);
    assert!(
        per_salt.values().all(|count| *count == 1),
        "an order was placed twice: {per_salt:?}"
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn pagers_walk_the_sandbox_page_after_page() {
    let sandbox = sandbox().await;
    let (scoped, _) = partner(&sandbox, Backend::Hyper).await;
    let params = ActiveMarketsParams {
        limit: Some(10),
        ..ActiveMarketsParams::default()
    };
    let markets: Vec<_> = scoped
        .markets
        .active_markets(Some(&params))
        .try_collect()
        .await
        .unwrap();
    let total = scoped.markets.get_active_markets(None).await.unwrap();
    assert_eq!(markets.len() as i64, total.total_markets_count);
    assert!(markets.len() > 20, "several pages: {}", markets.len());

    for name in ["a", "b", "c"] {
        server_wallet(&scoped, name).await;
    }
    let accounts: Vec<_> = scoped
        .partner_accounts
        .accounts(&ListPartnerAccountsParams {
            limit: Some(2),
            ..ListPartnerAccountsParams::default()
        })
        .try_collect()
        .await
        .unwrap();
    assert_eq!(accounts.len(), 3);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn positions_and_history_follow_a_fill() {
    let sandbox = sandbox().await;
    let (scoped, _) = partner(&sandbox, Backend::Reqwest).await;
    let alice = server_wallet(&scoped, "alice").await;
    let bob = server_wallet(&scoped, "bob").await;
    let market = &sandbox.markets()[0];
    let orders = &scoped.delegated_orders;
    let bid = CreateDelegatedOrderParams::gtc(
        &market.slug,
        &market.yes_token_id,
        Side::Buy,
        "0.55",
        10,
        alice.profile_id,
    );
    orders.create_order(&bid).await.unwrap();
    // Bob sells 4 shares he holds.
    sandbox.deposit_shares(bob.profile_id, &market.yes_token_id, 4_000_000);
    let sell = CreateDelegatedOrderParams::fok(
        &market.slug,
        &market.yes_token_id,
        Side::Sell,
        4,
        bob.profile_id,
    );
    let filled = orders.create_order(&sell).await.unwrap();
    assert!(filled.execution.unwrap().matched);

    let positions = scoped
        .portfolio
        .get_positions(Some(alice.profile_id))
        .await
        .unwrap();
    assert_eq!(positions.clob.len(), 1, "{positions:?}");
    let history: Vec<_> = scoped
        .portfolio
        .history(Some(alice.profile_id))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(history.len(), 1, "one fill: {history:?}");
    let listed = scoped
        .markets
        .get_user_orders(&market.slug, Some(alice.profile_id))
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].maker_amount, Some(5_500_000));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn market_pages_follow_moves_and_page_their_markets() {
    let sandbox = sandbox().await;
    let (scoped, _) = partner(&sandbox, Backend::Reqwest).await;
    let pages = &scoped.pages;
    assert!(!pages.get_navigation().await.unwrap().is_empty());
    // Two moves: /coins → /cryptocurrency → /crypto.
    let page = pages.get_market_page_by_path("/coins").await.unwrap();
    assert_eq!(page.full_path, "/crypto");
    // A loop is cut after 3 moves.
    let error = pages.get_market_page_by_path("/loop-a").await.unwrap_err();
    assert_eq!(error.field(), Some("path"), "{error:?}");

    let by_page: Vec<_> = pages
        .page_markets(
            &page.id,
            &PageMarketsParams {
                limit: Some(10),
                ..PageMarketsParams::default()
            },
        )
        .try_collect()
        .await
        .unwrap();
    let by_cursor: Vec<_> = pages
        .page_markets(
            &page.id,
            &PageMarketsParams {
                limit: Some(10),
                cursor: Some(String::new()),
                ..PageMarketsParams::default()
            },
        )
        .try_collect()
        .await
        .unwrap();
    assert!(by_page.len() > 10, "{}", by_page.len());
    let slugs = |markets: &[limitless_client::types::markets::Market]| {
        let mut slugs: Vec<String> = markets.iter().map(|m| m.slug.clone()).collect();
        slugs.sort();
        slugs
    };
    assert_eq!(slugs(&by_page), slugs(&by_cursor));

    let keys = pages.get_property_keys().await.unwrap();
    assert!(!keys.is_empty());
    let options = pages.get_property_options(&keys[0].id, None).await.unwrap();
    assert!(!options.is_empty());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_new_sub_account_is_waited_for_until_its_allowances_are_ready() {
    let sandbox = sandbox().await;
    let (scoped, _) = partner(&sandbox, Backend::Reqwest).await;
    let alice = server_wallet(&scoped, "alice").await;
    let changes = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = std::sync::Arc::clone(&changes);
    let wait = WaitForAllowances::new()
        .deadline(Duration::from_secs(30))
        .polls(Duration::from_millis(10), Duration::from_millis(100))
        .on_change(move |_| {
            seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        });
    let ready = scoped
        .partner_accounts
        .wait_until_ready(alice.profile_id, &wait)
        .await
        .unwrap();
    assert!(ready.ready);
    assert!(changes.load(std::sync::atomic::Ordering::SeqCst) >= 1);
    sandbox.shutdown().await;
}
