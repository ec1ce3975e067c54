//! AMM trading against the sandbox's fixed-product pools: allowances, a
//! buy that moves the price, a sell, and a re-sent buy with the same key.

use std::time::Duration;

use limitless_client::{AmmAllowanceRequest, AmmBuyParams, AmmSellParams, AmmSide, Error};

use crate::support::{Backend, partner, sandbox, server_wallet};

const MARKET: &str = "amm-eth-above-4k";

#[tokio::test]
async fn buy_sell_and_a_resent_buy_with_the_same_key() {
    let sandbox = sandbox().await;
    let (client, _) = partner(&sandbox, Backend::Reqwest).await;
    let alice = server_wallet(&client, "alice").await.profile_id;
    let amm = &client.amm;
    let allowance = |side| AmmAllowanceRequest {
        market: MARKET.into(),
        side,
        on_behalf_of: Some(alice),
    };

    // Without an allowance the buy is refused.
    let error = amm
        .buy(&AmmBuyParams::new(MARKET, 0, "1000000").on_behalf_of(alice))
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(api.status.as_u16(), 403);

    for side in [AmmSide::Buy, AmmSide::Sell] {
        let ready = amm
            .ensure_allowance(
                &allowance(side),
                Duration::from_millis(10),
                Duration::from_secs(10),
            )
            .await
            .unwrap();
        assert!(ready.confirmed);
        assert_eq!(ready.status, "confirmed");
    }

    // 10 USDC on YES at 0.40 against reserves YES 600, NO 400: the pool
    // pays out 600 + 10 − ceil(600 × 400 / 410) = 24.634146 YES.
    let before = sandbox.amm_price(MARKET, 0).unwrap();
    assert_eq!(before, 400_000);
    let buy = AmmBuyParams::new(MARKET, 0, "10000000")
        .slippage_bps(100)
        .idempotency_key("buy-1")
        .on_behalf_of(alice);
    let bought = amm.buy(&buy).await.unwrap();
    assert_eq!(bought.status, "SUBMITTED");
    assert_eq!(bought.expected_shares, "24634146");
    assert_eq!(bought.min_shares.as_deref(), Some("24387804"));
    assert_eq!(bought.collateral_amount.as_deref(), Some("10000000"));
    assert!(
        sandbox.amm_price(MARKET, 0).unwrap() > before,
        "a buy moves the price"
    );
    assert_eq!(sandbox.amm_trade_count(), 1);

    // The same request with the same key: the first answer, no new trade.
    let again = amm.buy(&buy).await.unwrap();
    assert_eq!(again, bought);
    assert_eq!(sandbox.amm_trade_count(), 1);
    assert_eq!(sandbox.amm_shares(alice, MARKET, 0), 24_634_146);

    // The key with another body is refused.
    let error = amm
        .buy(
            &AmmBuyParams::new(MARKET, 0, "2000000")
                .idempotency_key("buy-1")
                .on_behalf_of(alice),
        )
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(api.status.as_u16(), 409);

    // Sell for 5 USDC: takes shares back, leaves the rest.
    let sold = amm
        .sell(&AmmSellParams::new(MARKET, 0, "5000000").on_behalf_of(alice))
        .await
        .unwrap();
    let taken: u128 = sold.expected_shares.parse().unwrap();
    assert!(taken > 0 && taken < 24_634_146);
    assert_eq!(sandbox.amm_shares(alice, MARKET, 0), 24_634_146 - taken);
    assert_eq!(sandbox.amm_trade_count(), 2);

    // Selling for more than the shares held is refused.
    let error = amm
        .sell(&AmmSellParams::new(MARKET, 0, "100000000").on_behalf_of(alice))
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(api.status.as_u16(), 422);
}

#[tokio::test]
async fn invalid_trades_fail_before_the_network() {
    let sandbox = sandbox().await;
    let (client, _) = partner(&sandbox, Backend::Reqwest).await;
    let before = sandbox.request_count();
    for (params, field) in [
        (AmmBuyParams::new(" ", 0, "1"), "market"),
        (AmmBuyParams::new(MARKET, 2, "1"), "outcome_index"),
        (AmmBuyParams::new(MARKET, 0, "01"), "collateral_amount"),
        (AmmBuyParams::new(MARKET, 0, "1.5"), "collateral_amount"),
        (
            AmmBuyParams::new(MARKET, 0, "1").slippage_bps(1_001),
            "slippage_bps",
        ),
        (
            AmmBuyParams::new(MARKET, 0, "1").idempotency_key(" "),
            "idempotency_key",
        ),
        (
            AmmBuyParams::new(MARKET, 0, "1").on_behalf_of(0),
            "on_behalf_of",
        ),
    ] {
        let error = client.amm.buy(&params).await.unwrap_err();
        assert_eq!(error.field(), Some(field), "{error:?}");
    }
    assert_eq!(sandbox.request_count(), before);
}

#[tokio::test]
async fn identity_variants_trade_for_the_identitys_own_profile() {
    let sandbox = sandbox().await;
    let (client, _) = partner(&sandbox, Backend::Reqwest).await;
    let identity = sandbox.partner_identity_token().to_owned();
    let partner_id = sandbox.identities()[0].profile_id;

    // The AMM market is discoverable, as any client would find it.
    let market = client.markets.get_market(MARKET).await.unwrap();
    assert_eq!(market.trade_type.as_deref(), Some("amm"));

    let request = AmmAllowanceRequest {
        market: MARKET.into(),
        side: AmmSide::Buy,
        on_behalf_of: None,
    };
    let missing = client
        .amm
        .check_allowance_with_identity(&identity, &request)
        .await
        .unwrap();
    assert_eq!(missing.status, "missing");
    // A submitted approval is a 202 (TS SDK 1.1.0), a success like any 2xx.
    let submitted = client
        .amm
        .approve_allowance_with_identity(&identity, &request)
        .with_raw()
        .await
        .unwrap();
    assert_eq!(submitted.raw.status.as_u16(), 202);
    assert_eq!(submitted.data.status, "submitted");
    let confirmed = client
        .amm
        .check_allowance_with_identity(&identity, &request)
        .await
        .unwrap();
    assert!(confirmed.confirmed);
    let bought = client
        .amm
        .buy_with_identity(&identity, &AmmBuyParams::new(MARKET, 0, "10000000"))
        .await
        .unwrap();
    // The same trade as the HMAC test above: 24.634146 YES.
    assert_eq!(bought.expected_shares, "24634146");
    assert_eq!(sandbox.amm_shares(partner_id, MARKET, 0), 24_634_146);
}
