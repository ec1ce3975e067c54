//! Split and merge for server-wallet sub-accounts against the sandbox: the
//! venue read from the market and nested under `venue`, holdings moved
//! exactly, and the funds the sandbox enforces (a sell of shares not held,
//! an over-split, an over-merge and an over-withdrawal refused, positions
//! consistent after fills, splits and merges).

use futures_util::TryStreamExt as _;
use limitless_client::{CreateDelegatedOrderParams, Error, Side, SplitMergeParams, WithdrawParams};
use limitless_sandbox::{MarketVenue, SeededMarket};
use serde_json::json;

use crate::support::{Backend, market, partner, sandbox, server_wallet};

fn params(m: &SeededMarket, amount: &str, on_behalf_of: i64) -> SplitMergeParams {
    SplitMergeParams {
        market_slug: m.slug.clone(),
        condition_id: m.condition_id.clone(),
        amount: amount.to_owned(),
        on_behalf_of: Some(on_behalf_of),
    }
}

/// The API error code of a refusal.
fn code(error: &Error) -> (u16, Option<String>, String) {
    let Error::Api(api) = error else {
        panic!("{error:?}")
    };
    (
        api.status.as_u16(),
        api.data()
            .and_then(|d| d["code"].as_str().map(str::to_owned)),
        api.data()
            .and_then(|d| d["message"].as_str().map(str::to_owned))
            .unwrap_or_default(),
    )
}

#[tokio::test]
async fn split_then_merge_moves_exact_holdings_on_every_venue() {
    let sandbox = sandbox().await;
    let (client, _) = partner(&sandbox, Backend::Reqwest).await;
    let alice = server_wallet(&client, "alice").await;
    let wallets = &client.server_wallets;
    // Legacy, collateral-fee and neg-risk (whose adapter must be sent).
    for venue in [
        MarketVenue::Legacy,
        MarketVenue::CollateralFee,
        MarketVenue::NegRisk,
    ] {
        let m = market(&sandbox, venue);
        let split = wallets
            .split_positions(&params(&m, "2500001", alice.profile_id))
            .await
            .unwrap_or_else(|e| panic!("{venue:?}: {e}"));
        assert_eq!(split.amount, "2500001");
        assert_eq!(split.condition_id, m.condition_id);
        assert_eq!(split.wallet_address, alice.account);
        assert_eq!(split.market_id, Some(m.id));
        assert_eq!(split.operation, "SPLIT");
        assert!(!split.route.is_empty());
        for token in [&m.yes_token_id, &m.no_token_id] {
            assert_eq!(sandbox.shares_held(alice.profile_id, token), 2_500_001);
        }
        wallets
            .merge_positions(&params(&m, "1000000", alice.profile_id))
            .await
            .unwrap();
        for token in [&m.yes_token_id, &m.no_token_id] {
            assert_eq!(sandbox.shares_held(alice.profile_id, token), 1_500_001);
        }
        // Merging more than is held is refused, and changes nothing.
        let error = wallets
            .merge_positions(&params(&m, "1500002", alice.profile_id))
            .await
            .unwrap_err();
        let Error::Api(api) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(api.status.as_u16(), 400);
        assert_eq!(
            api.data()
                .and_then(|d| d["code"].as_str().map(str::to_owned))
                .as_deref(),
            Some("INSUFFICIENT_FUNDS")
        );
        assert_eq!(
            sandbox.shares_held(alice.profile_id, &m.yes_token_id),
            1_500_001
        );
    }
}

#[tokio::test]
async fn invalid_splits_fail_before_the_network_and_foreign_accounts_are_refused() {
    let sandbox = sandbox().await;
    let (client, _) = partner(&sandbox, Backend::Reqwest).await;
    let alice = server_wallet(&client, "alice").await;
    let m = market(&sandbox, MarketVenue::Legacy);
    let before = sandbox.request_count();
    for (bad, field) in [
        (params(&m, "0", alice.profile_id), "amount"),
        (params(&m, "1.5", alice.profile_id), "amount"),
        (
            SplitMergeParams {
                on_behalf_of: Some(0),
                ..params(&m, "1", alice.profile_id)
            },
            "on_behalf_of",
        ),
        (
            SplitMergeParams {
                condition_id: "0x12".into(),
                ..params(&m, "1", alice.profile_id)
            },
            "condition_id",
        ),
        (
            SplitMergeParams {
                market_slug: " ".into(),
                ..params(&m, "1", alice.profile_id)
            },
            "market_slug",
        ),
    ] {
        let error = client
            .server_wallets
            .split_positions(&bad)
            .await
            .unwrap_err();
        assert_eq!(error.field(), Some(field), "{error:?}");
    }
    assert_eq!(sandbox.request_count(), before, "nothing was sent");

    // A profile that is not one of the caller's sub-accounts: 404.
    let error = client
        .server_wallets
        .split_positions(&params(&m, "1", 999_999))
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(api.status.as_u16(), 404);
}

#[tokio::test]
async fn the_old_flat_shape_is_refused_naming_the_field() {
    let sandbox = sandbox().await;
    let (client, _) = partner(&sandbox, Backend::Reqwest).await;
    let alice = server_wallet(&client, "alice").await;
    let m = market(&sandbox, MarketVenue::NegRisk);
    let flat = json!({
        "conditionId": m.condition_id,
        "amount": "1000000",
        "exchange": "0x770f58904dba41ecccc3fc1626e53a13043b026c",
        "adapter": "0x48bbf33feff9243a8f506b40928b5b7a767c76fb",
        "onBehalfOf": alice.profile_id,
    });
    let error = client
        .request(limitless_client::http::Method::POST, "/portfolio/split")
        .json(&flat)
        .call::<serde_json::Value>()
        .await
        .unwrap_err();
    let (status, _, message) = code(&error);
    assert_eq!(status, 400);
    assert!(message.contains("venue.exchange"), "{message}");
    // A neg-risk market without its adapter is refused too.
    let no_adapter = json!({
        "conditionId": m.condition_id,
        "amount": "1000000",
        "venue": { "exchange": "0x770f58904dba41ecccc3fc1626e53a13043b026c" },
        "onBehalfOf": alice.profile_id,
    });
    let error = client
        .request(limitless_client::http::Method::POST, "/portfolio/merge")
        .json(&no_adapter)
        .call::<serde_json::Value>()
        .await
        .unwrap_err();
    let (status, code_sent, message) = code(&error);
    assert_eq!(
        (status, code_sent.as_deref()),
        (400, Some("VENUE_MISMATCH"))
    );
    assert!(message.contains("venue.adapter"), "{message}");
    // The seeded neg-risk market says so, as real ones do.
    let market: serde_json::Value = client
        .request(
            limitless_client::http::Method::GET,
            &format!("/markets/{}", m.slug),
        )
        .call()
        .await
        .unwrap();
    assert!(market["negRiskRequestId"].is_string(), "{market}");
    assert!(market["venue"]["adapter"].is_string(), "{market}");
    // The caller's own server wallet: no onBehalfOf, and the split is the
    // partner's.
    let partner_id = sandbox.identities()[0].profile_id;
    let own = client
        .server_wallets
        .split_positions(&SplitMergeParams {
            on_behalf_of: None,
            ..params(&m, "3", alice.profile_id)
        })
        .await
        .unwrap();
    assert_eq!(own.operation, "SPLIT");
    assert_eq!(sandbox.shares_held(partner_id, &m.yes_token_id), 3);
}

#[tokio::test]
async fn funds_are_enforced_and_positions_follow_them() {
    let sandbox = sandbox().await;
    let (client, _) = partner(&sandbox, Backend::Reqwest).await;
    let alice = server_wallet(&client, "alice").await;
    let bob = server_wallet(&client, "bob").await;
    let m = market(&sandbox, MarketVenue::Legacy);
    let start = sandbox.usdc_balance(alice.profile_id);
    assert_eq!(start, 1_000_000_000_000, "the documented grant");

    // A sell of shares not held is refused, and nothing rests.
    let sell = CreateDelegatedOrderParams::gtc(
        &m.slug,
        &m.yes_token_id,
        Side::Sell,
        0.6,
        5,
        alice.profile_id,
    );
    let error = client
        .delegated_orders
        .create_order(&sell)
        .await
        .unwrap_err();
    let (status, code_sent, message) = code(&error);
    assert_eq!(
        (status, code_sent.as_deref()),
        (400, Some("INSUFFICIENT_FUNDS"))
    );
    assert!(message.contains(&m.yes_token_id), "{message}");
    assert_eq!(sandbox.order_count(), 0);

    // Split 10, sell 5 YES at 0.6 to bob: the sale now rests.
    client
        .server_wallets
        .split_positions(&params(&m, "10000000", alice.profile_id))
        .await
        .unwrap();
    assert_eq!(sandbox.usdc_balance(alice.profile_id), start - 10_000_000);
    client.delegated_orders.create_order(&sell).await.unwrap();
    // Only 5 YES are left to sell or merge: merging 6 is refused.
    let error = client
        .server_wallets
        .merge_positions(&params(&m, "6000000", alice.profile_id))
        .await
        .unwrap_err();
    assert_eq!(code(&error).1.as_deref(), Some("INSUFFICIENT_FUNDS"));
    let buy =
        CreateDelegatedOrderParams::fok(&m.slug, &m.yes_token_id, Side::Buy, 3, bob.profile_id);
    client.delegated_orders.create_order(&buy).await.unwrap();
    // Bob paid 3 USDC for 5 YES; alice got the 3 USDC.
    assert_eq!(sandbox.usdc_balance(bob.profile_id), start - 3_000_000);
    assert_eq!(sandbox.usdc_balance(alice.profile_id), start - 7_000_000);
    assert_eq!(
        sandbox.shares_held(bob.profile_id, &m.yes_token_id),
        5_000_000
    );
    assert_eq!(
        sandbox.shares_held(alice.profile_id, &m.yes_token_id),
        5_000_000
    );
    // Merge the 5 pairs left: 5 USDC back.
    client
        .server_wallets
        .merge_positions(&params(&m, "5000000", alice.profile_id))
        .await
        .unwrap();
    assert_eq!(sandbox.usdc_balance(alice.profile_id), start - 2_000_000);
    let positions = client
        .portfolio
        .get_positions(Some(alice.profile_id))
        .await
        .unwrap();
    let mine = positions
        .clob
        .iter()
        .find(|p| {
            p.market
                .as_ref()
                .is_some_and(|mk| mk.slug.as_deref() == Some(m.slug.as_str()))
        })
        .expect("alice's position");
    let balances = mine.tokens_balance.as_ref().expect("tokens balance");
    assert_eq!(
        (
            balances.yes.map(|s| s.as_micro()),
            balances.no.map(|s| s.as_micro())
        ),
        (Some(0), Some(5_000_000)),
        "10 split, 5 sold, 5 merged: 0 YES and 5 NO"
    );

    // The history has the split and the merge around the sale.
    let history: Vec<_> = client
        .portfolio
        .history(Some(alice.profile_id))
        .try_collect()
        .await
        .unwrap();
    let strategies: Vec<_> = history.iter().map(|h| h.strategy.as_deref()).collect();
    assert_eq!(
        strategies,
        [Some("Merge"), Some("Limit Sell"), Some("Split")],
        "newest first"
    );
    assert_eq!(
        history[0].collateral_amount,
        Some(limitless_client::Decimal::from(5))
    );

    // An over-split and an over-withdrawal are refused once drained.
    sandbox.drain(bob.profile_id);
    let error = client
        .server_wallets
        .split_positions(&params(&m, "1", bob.profile_id))
        .await
        .unwrap_err();
    assert_eq!(code(&error).1.as_deref(), Some("INSUFFICIENT_FUNDS"));
    sandbox.fund(bob.profile_id, 2_000_000);
    let withdraw = |amount: &str| WithdrawParams {
        amount: amount.to_owned(),
        on_behalf_of: Some(bob.profile_id),
        token: None,
        destination: None,
    };
    let error = client
        .server_wallets
        .withdraw(&withdraw("2000001"))
        .await
        .unwrap_err();
    assert_eq!(code(&error).1.as_deref(), Some("INSUFFICIENT_FUNDS"));
    client
        .server_wallets
        .withdraw(&withdraw("2000000"))
        .await
        .unwrap();
    assert_eq!(sandbox.usdc_balance(bob.profile_id), 0);
    // A buy bob cannot pay for is refused too.
    let error = client
        .delegated_orders
        .create_order(&buy)
        .await
        .unwrap_err();
    assert_eq!(code(&error).1.as_deref(), Some("INSUFFICIENT_FUNDS"));
}

#[tokio::test]
async fn locked_balance_reports_what_open_buys_hold() {
    let sandbox = sandbox().await;
    let (client, _) = partner(&sandbox, Backend::Reqwest).await;
    let m = market(&sandbox, MarketVenue::Legacy);
    let locked = client.markets.get_locked_balance(&m.slug).await.unwrap();
    assert_eq!(locked.locked_balance, Some(limitless_client::Decimal::ZERO));
    assert_eq!(locked.order_count, Some(0));
    // The partner bids 10 at 0.55 with an order it signs: 5.5 USDC held.
    let own = client.signed_orders(std::sync::Arc::new(sandbox.partner_signer()));
    own.create_order(&limitless_client::CreateSignedOrderParams::gtc(
        &m.slug,
        &m.yes_token_id,
        Side::Buy,
        "0.55",
        10,
    ))
    .await
    .unwrap();
    let locked = client.markets.get_locked_balance(&m.slug).await.unwrap();
    assert_eq!(
        locked.locked_balance,
        Some(limitless_client::Decimal::new(55, 1))
    );
    assert_eq!(locked.locked_balance_formatted.as_deref(), Some("5.5 USDC"));
    assert_eq!(locked.order_count, Some(1));
    let partner_id = sandbox.identities()[0].profile_id;
    assert_eq!(
        sandbox.available_usdc(partner_id),
        sandbox.usdc_balance(partner_id) - 5_500_000
    );
    // Another market holds nothing.
    let other = market(&sandbox, MarketVenue::NegRisk);
    let none = client
        .markets
        .get_locked_balance(&other.slug)
        .await
        .unwrap();
    assert_eq!(none.order_count, Some(0));
    let allowance = client
        .portfolio
        .get_trading_allowance(limitless_client::TradingAllowanceType::Clob, None)
        .await
        .unwrap();
    assert_eq!(allowance.has_minimum_allowance, Some(true));
    assert_eq!(
        allowance.checked_address.as_deref(),
        Some(sandbox.identities()[0].account.as_str())
    );
}
