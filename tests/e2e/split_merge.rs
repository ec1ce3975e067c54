//! Split and merge for server-wallet sub-accounts against the sandbox: the
//! venue read from the market, holdings moved exactly, refusals.

use limitless_client::{Error, SplitMergeParams};
use limitless_sandbox::{MarketVenue, SeededMarket};

use crate::support::{Backend, market, partner, sandbox, server_wallet};

fn params(m: &SeededMarket, amount: &str, on_behalf_of: i64) -> SplitMergeParams {
    SplitMergeParams {
        market_slug: m.slug.clone(),
        condition_id: m.condition_id.clone(),
        amount: amount.to_owned(),
        on_behalf_of,
    }
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
            Some("INSUFFICIENT_POSITIONS")
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
        (params(&m, "1", 0), "on_behalf_of"),
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
