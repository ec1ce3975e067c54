//! Packs against the sandbox: a pack quoted, bought (and re-sent with the
//! same key), minted, won and claimed; a lost position's claim refused;
//! price drift and expired intents typed; and the client's pacing as the
//! sandbox recorded it. Every Packs call is paced (1.1 s), so each test
//! keeps to a few of them.

use std::time::Duration;

use limitless_client::{
    Decimal, Error, PackBuyParams, PackErrorKind, WaitForAllowances, pack_min_payout,
};

use crate::support::{Backend, partner, sandbox, scoped, server_wallet};

const SPACING: Duration = Duration::from_millis(1100);
/// A deadline far ahead (Unix seconds).
const DEADLINE: &str = "4102444800";

/// Waits until `profile_id`'s allowances (the treasury vault's included)
/// are confirmed.
async fn allowances_ready(client: &limitless_client::Client, profile_id: i64) {
    client
        .partner_accounts
        .wait_until_ready(
            profile_id,
            &WaitForAllowances::new()
                .polls(Duration::from_millis(10), Duration::from_millis(50))
                .deadline(Duration::from_secs(10)),
        )
        .await
        .expect("allowances ready");
}

fn buy(on_behalf_of: i64, pack_id: &str, min_payout: &str, key: Option<&str>) -> PackBuyParams {
    PackBuyParams {
        on_behalf_of,
        pack_id: pack_id.to_owned(),
        stake_amount: "1000000".to_owned(),
        min_payout_amount: min_payout.to_owned(),
        deadline: DEADLINE.to_owned(),
        idempotency_key: key.map(str::to_owned),
    }
}

#[tokio::test]
async fn quote_buy_resend_win_and_claim() {
    let sandbox = sandbox().await;
    let (client, token) = partner(&sandbox, Backend::Reqwest).await;
    let alice = server_wallet(&client, "alice").await.profile_id;
    let packs = &client.packs;

    let catalogue = packs.list().await.unwrap();
    assert_eq!(catalogue.len(), 3);
    let pack = catalogue
        .iter()
        .find(|p| p.name == "Crypto highs 2026")
        .unwrap();
    assert_eq!(pack.legs.len(), 2);
    assert_eq!(
        pack.legs[0].market_slug.as_deref(),
        Some("btc-above-120k-dec-31-2026")
    );

    // BTC YES at 0.42 and ETH NO at 1 − 0.31: 1 USDC pays
    // floor(1 000 000 × 0.9 / (0.42 × 0.69)) = 3 105 590.
    let quote = packs.quote(&pack.id, "1000000").await.unwrap();
    assert!(quote.eligible);
    assert_eq!(quote.potential_payout.as_deref(), Some("3105590"));
    assert_eq!(quote.multiplier, Some(Decimal::new(3_105_590, 6)));
    assert_eq!(quote.vig_percent, Some(Decimal::from(10)));
    let min_payout = pack_min_payout(quote.potential_payout.as_deref().unwrap(), 100).unwrap();
    assert_eq!(min_payout, "3074534");

    // The treasury vault's allowance is not there yet.
    let params = buy(alice, &pack.id, &min_payout, Some("pack-order-1"));
    let error = packs.buy(&params).await.unwrap_err();
    assert_eq!(
        error.pack_error_kind(),
        Some(PackErrorKind::AllowanceRequired),
        "{error:?}"
    );
    let details = error.pack_error().unwrap();
    assert_eq!(details.required_allowance.as_deref(), Some("1000000"));
    assert!(details.spender.is_some() && details.token_address.is_some());
    assert_eq!(sandbox.pack_position_count(), 0);
    client
        .partner_accounts
        .retry_allowances(alice)
        .await
        .unwrap();
    allowances_ready(&client, alice).await;

    let bought = packs.buy(&params).await.unwrap();
    assert_eq!(bought.status, "PENDING");
    assert_eq!(bought.position.status, "PENDING");
    assert_eq!(bought.position.stake_amount, Some(Decimal::from(1_000_000)));
    // The same request and key again: the first answer, one position.
    let again = packs.buy(&params).await.unwrap();
    assert_eq!(again, bought);
    assert_eq!(sandbox.pack_position_count(), 1);
    let id = bought.position.id;

    let minted = packs
        .wait_for_position(&id, alice, Duration::from_secs(1), Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(minted.status, "ACTIVE");

    assert!(sandbox.resolve_pack(&id, true));
    let claimed = packs
        .claim(&id, alice, Duration::from_secs(1), Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(claimed.status, "CLAIMED");
    assert_eq!(claimed.parlay_id, id);
    assert!(claimed.tx_hash.is_some());

    let page = packs.list_positions(alice, 100, 0).await.unwrap();
    assert_eq!((page.total, page.limit), (Some(1), Some(50)));
    let position = &page.data[0];
    assert_eq!(position.status, "WON");
    assert_eq!(position.payout_amount, Some(Decimal::from(3_105_590)));
    assert_eq!(position.claim_tx_hash, claimed.tx_hash);

    // The sandbox saw this token's Packs calls at least 1.1 s apart.
    let arrivals = sandbox.pack_arrivals(&token.token_id);
    assert_eq!(arrivals.len(), 10, "{arrivals:?}");
    for pair in arrivals.windows(2) {
        assert!(pair[1] - pair[0] >= SPACING, "{:?}", pair[1] - pair[0]);
    }
}

#[tokio::test]
async fn lost_positions_drift_and_expired_intents_are_refused() {
    let sandbox = sandbox().await;
    let (client, _) = partner(&sandbox, Backend::Hyper).await;
    let bob = server_wallet(&client, "bob").await.profile_id;
    client.partner_accounts.retry_allowances(bob).await.unwrap();
    allowances_ready(&client, bob).await;
    let packs = &client.packs;
    let pack = "5eed0002-7c1d-4a8e-9f00-000000000002";

    let quote = packs.quote(pack, "1000000").await.unwrap();
    let payout: u128 = quote.potential_payout.unwrap().parse().unwrap();
    let error = packs
        .buy(&buy(bob, pack, &(payout + 1).to_string(), Some("k-drift")))
        .await
        .unwrap_err();
    assert_eq!(error.pack_error_kind(), Some(PackErrorKind::PriceDrifted));
    assert_eq!(sandbox.pack_position_count(), 0);

    let expired = PackBuyParams {
        deadline: "1".to_owned(),
        ..buy(bob, pack, &payout.to_string(), Some("k-expired"))
    };
    let error = packs.buy(&expired).await.unwrap_err();
    assert_eq!(error.pack_error_kind(), Some(PackErrorKind::IntentExpired));

    // A generated key: bought once.
    let bought = packs
        .buy(&buy(bob, pack, &payout.to_string(), None))
        .await
        .unwrap();
    assert!(sandbox.resolve_pack(&bought.position.id, false));
    let error = packs
        .claim_once(&bought.position.id, bob)
        .await
        .unwrap_err();
    assert_eq!(error.pack_error_kind(), Some(PackErrorKind::NotSubmitted));
    assert_eq!(
        error.pack_error().unwrap().code.as_deref(),
        Some("PACK_NOT_CLAIMABLE")
    );

    // An ineligible pack quotes ineligible.
    let closed = packs
        .quote("5eed0003-7c1d-4a8e-9f00-000000000003", "1000000")
        .await
        .unwrap();
    assert!(!closed.eligible);
    assert!(closed.potential_payout.is_none());
    assert_eq!(closed.ineligible_reasons.unwrap().len(), 1);

    // A token without delegated_signing is refused.
    let (trading_only, _) = scoped(
        &sandbox,
        Backend::Reqwest,
        sandbox.partner_identity_token(),
        vec!["trading".to_owned()],
    )
    .await;
    let error = trading_only.packs.quote(pack, "1000000").await.unwrap_err();
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(api.status.as_u16(), 403);
}

#[tokio::test]
async fn a_429_holds_the_next_pack_call_ten_seconds() {
    let sandbox = sandbox().await;
    let (client, token) = partner(&sandbox, Backend::Reqwest).await;
    sandbox.faults().rate_limit_next_pack_calls(1);
    // The read is retried after the 429; pacing holds the retry for 10 s.
    let catalogue = client.packs.list().await.unwrap();
    assert_eq!(catalogue.len(), 3);
    let arrivals = sandbox.pack_arrivals(&token.token_id);
    assert_eq!(arrivals.len(), 2);
    assert!(arrivals[1] - arrivals[0] >= Duration::from_secs(10));
}
