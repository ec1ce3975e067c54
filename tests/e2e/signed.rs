//! Orders signed client-side against the sandbox, which verifies every
//! EIP-712 signature and EIP-191 ownership proof for real: an EOA
//! sub-account created with a proof its key signed, then its orders
//! filling against a server-wallet sub-account's delegated ones; and the
//! partner's own self-signed orders.

use std::sync::Arc;

use limitless_client::{
    CreateDelegatedOrderParams, CreatePartnerAccountInput, CreateSignedOrderParams, LocalSigner,
    OrderSigner, Side,
};
use limitless_sandbox::MarketVenue;

use crate::support::{BACKENDS, market, partner, sandbox, server_wallet};

#[tokio::test]
async fn an_eoa_sub_account_signs_an_order_that_fills_a_delegated_one() {
    for backend in BACKENDS {
        let sandbox = sandbox().await;
        let (scoped, _) = partner(&sandbox, backend).await;
        let carol_key: Arc<dyn OrderSigner> = Arc::new(LocalSigner::random());
        let carol = scoped
            .partner_accounts
            .create_eoa_account(
                &CreatePartnerAccountInput::eoa("carol"),
                Arc::clone(&carol_key),
            )
            .await
            .expect("the sandbox accepts the proof");
        assert!(
            carol
                .account
                .eq_ignore_ascii_case(&carol_key.address().to_checksum())
        );
        let alice = server_wallet(&scoped, "alice").await;

        for venue in [MarketVenue::Legacy, MarketVenue::CollateralFee] {
            let m = market(&sandbox, venue);
            // carol rests a self-signed GTC BUY 10 @ 0.55.
            let carol_orders = scoped.sub_account_signed_orders(Arc::clone(&carol_key));
            let buy = CreateSignedOrderParams::gtc(&m.slug, &m.yes_token_id, Side::Buy, "0.55", 10);
            let resting = carol_orders.create_order(&buy).await.unwrap();
            assert_eq!(
                resting.order.maker.as_deref(),
                Some(carol_key.address().to_checksum().as_str())
            );
            let fee = if venue == MarketVenue::CollateralFee {
                0
            } else {
                300
            };
            assert_eq!(resting.order.fee_rate_bps, Some(fee), "{venue:?}");

            // alice's delegated FOK SELL 4 (of shares she holds) fills
            // against it.
            sandbox.deposit_shares(alice.profile_id, &m.yes_token_id, 4_000_000);
            let sell = CreateDelegatedOrderParams::fok(
                &m.slug,
                &m.yes_token_id,
                Side::Sell,
                4,
                alice.profile_id,
            );
            let filled = scoped.delegated_orders.create_order(&sell).await.unwrap();
            assert_eq!(filled.maker_matches.len(), 1, "{venue:?}");
            assert_eq!(filled.maker_matches[0].order_id, resting.order.id);
            assert_eq!(filled.maker_matches[0].matched_size, "4000000");
        }

        // The sandbox refuses delegated orders for carol: she signs her own.
        let m = market(&sandbox, MarketVenue::Legacy);
        let delegated = CreateDelegatedOrderParams::gtc(
            &m.slug,
            &m.yes_token_id,
            Side::Buy,
            "0.4",
            1,
            carol.profile_id,
        );
        assert!(
            scoped
                .delegated_orders
                .create_order(&delegated)
                .await
                .is_err()
        );
        sandbox.shutdown().await;
    }
}

#[tokio::test]
async fn the_partner_signs_its_own_orders() {
    for backend in BACKENDS {
        let sandbox = sandbox().await;
        let (scoped, _) = partner(&sandbox, backend).await;
        let alice = server_wallet(&scoped, "alice").await;
        let m = market(&sandbox, MarketVenue::Legacy);
        let me = scoped.signed_orders(Arc::new(sandbox.partner_signer()));
        let profile = me.profile().await.unwrap();
        assert!(profile.account.eq_ignore_ascii_case(&me.address()));

        // alice rests a delegated GTC SELL 10 @ 0.6; the partner's FAK BUY 4
        // @ 0.6 takes 4 of it.
        sandbox.deposit_shares(alice.profile_id, &m.yes_token_id, 10_000_000);
        let sell = CreateDelegatedOrderParams::gtc(
            &m.slug,
            &m.yes_token_id,
            Side::Sell,
            "0.6",
            10,
            alice.profile_id,
        );
        let resting = scoped.delegated_orders.create_order(&sell).await.unwrap();
        let buy = CreateSignedOrderParams::fak(&m.slug, &m.yes_token_id, Side::Buy, "0.6", 4);
        let filled = me.create_order(&buy).await.unwrap();
        assert_eq!(filled.order.maker.as_deref(), Some(me.address().as_str()));
        assert_eq!(filled.maker_matches.len(), 1);
        assert_eq!(filled.maker_matches[0].order_id, resting.order.id);
        assert_eq!(filled.maker_matches[0].matched_size, "4000000");

        // A resting self-signed order is cancelled as the partner's own.
        let low = CreateSignedOrderParams::gtc(&m.slug, &m.yes_token_id, Side::Buy, "0.1", 1);
        let placed = me.create_order(&low).await.unwrap();
        me.cancel(&placed.order.id).await.unwrap();
        let book = scoped.markets.get_order_book(&m.slug).await.unwrap();
        assert!(book.bids.is_empty(), "{:?}", book.bids);
        sandbox.shutdown().await;
    }
}
