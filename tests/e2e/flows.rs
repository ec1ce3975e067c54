//! Every client service against the sandbox, on both transports.

use limitless_client::types::orders::{CancelOutcome, ReplacementOutcome};
use limitless_client::{
    ActiveMarketsParams, AddWithdrawalAddressInput, CancelReplaceMode, CancelTarget,
    CreateDelegatedOrderParams, CreatePartnerAccountInput, DelegatedCancelReplaceParams,
    DeriveApiTokenInput, EoaOwnershipProof, ListPartnerAccountsParams, RedeemParams, Side,
    WithdrawParams,
};
use limitless_eip712::{LocalSigner, OrderSignerExt};
use limitless_sandbox::{MarketVenue, OrderStatus};
use rust_decimal::Decimal;

use crate::support::{
    BACKENDS, Backend, all_scopes, client, market, partner, sandbox, server_wallet,
};

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

#[tokio::test]
async fn token_lifecycle() {
    for backend in BACKENDS {
        let sandbox = sandbox().await;
        let public = client(&sandbox, backend, None);

        let capabilities = public
            .api_tokens
            .get_capabilities(sandbox.partner_identity_token())
            .await
            .unwrap();
        assert!(capabilities.token_management_enabled, "{backend:?}");
        assert_eq!(capabilities.allowed_scopes, all_scopes());
        let user = public
            .api_tokens
            .get_capabilities(sandbox.user_identity_token())
            .await
            .unwrap();
        assert_eq!(user.allowed_scopes, vec!["trading".to_string()]);

        // Omitted scopes mean the server default, trading.
        let default = public
            .api_tokens
            .derive_token(
                sandbox.user_identity_token(),
                &DeriveApiTokenInput::default(),
            )
            .await
            .unwrap();
        assert_eq!(default.scopes, vec!["trading".to_string()]);
        assert_eq!(default.api_key, default.token_id);

        let (scoped, derived) = partner(&sandbox, backend).await;
        assert_eq!(derived.scopes, all_scopes());
        assert!(!derived.secret.is_empty());

        // The first list call is itself a use of the token.
        let tokens = scoped.api_tokens.list_tokens().await.unwrap();
        let listed = tokens
            .iter()
            .find(|t| t.token_id == derived.token_id)
            .unwrap();
        assert_eq!(listed.label.as_deref(), Some("e2e"));
        assert!(
            listed.last_used_at.is_some(),
            "lastUsedAt is set once the token is used"
        );
        assert!(
            tokens.iter().all(|t| t.token_id != default.token_id),
            "another identity's token is not listed"
        );

        let message = scoped
            .api_tokens
            .revoke_token(&derived.token_id)
            .await
            .unwrap();
        assert!(message.contains(&derived.token_id), "{message}");
        let refused = scoped.api_tokens.list_tokens().await.unwrap_err();
        assert_eq!(refused.status().map(|s| s.as_u16()), Some(401), "{refused}");
        sandbox.shutdown().await;
    }
}

#[tokio::test]
async fn sub_accounts_allowances_and_withdrawal_addresses() {
    for backend in BACKENDS {
        let sandbox = sandbox().await;
        let (scoped, _) = partner(&sandbox, backend).await;
        let accounts = &scoped.partner_accounts;

        let server = accounts
            .create_account(&CreatePartnerAccountInput::server_wallet("alice"), None)
            .await
            .unwrap();
        assert!(server.profile_id > 0);
        assert!(server.account.starts_with("0x") && server.account.len() == 42);

        // The sandbox verifies the proof: a real EIP-191 signature by the
        // EOA's key over the ownership message.
        let wallet = LocalSigner::random();
        let proof: EoaOwnershipProof = wallet.ownership_proof(None).await.unwrap();
        let eoa = accounts
            .create_account(&CreatePartnerAccountInput::eoa("bob"), Some(&proof))
            .await
            .unwrap();
        assert_eq!(eoa.account, proof.account);

        let page = accounts
            .list_accounts(&ListPartnerAccountsParams {
                account: None,
                limit: Some(1),
                page: Some(1),
            })
            .await
            .unwrap();
        assert_eq!(page.data.len(), 1);
        assert!(page.has_more);
        let recovered = accounts
            .recover_account(&eoa.account)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(recovered.profile_id, eoa.profile_id);
        assert_eq!(recovered.display_name.as_deref(), Some("bob"));
        assert!(
            accounts
                .recover_account("0x0000000000000000000000000000000000000001")
                .await
                .unwrap()
                .is_none()
        );

        let before = accounts.check_allowances(server.profile_id).await.unwrap();
        assert!(!before.ready);
        assert!(!before.targets.is_empty());
        let retried = accounts.retry_allowances(server.profile_id).await.unwrap();
        assert_eq!(retried.summary.submitted as usize, before.targets.len());
        let after = accounts.check_allowances(server.profile_id).await.unwrap();
        assert!(after.ready);
        assert_eq!(
            after.wallet_address.to_lowercase(),
            server.account.to_lowercase()
        );

        let identity = sandbox.partner_identity_token();
        let address = "0x1111111111111111111111111111111111111111";
        let added = accounts
            .add_withdrawal_address(
                identity,
                &AddWithdrawalAddressInput {
                    address: address.into(),
                    label: Some("cold".into()),
                },
            )
            .await
            .unwrap();
        assert_eq!(added.destination_address, address);
        accounts
            .delete_withdrawal_address(identity, address)
            .await
            .unwrap();
        sandbox.shutdown().await;
    }
}

#[tokio::test]
async fn markets_and_order_book() {
    for backend in BACKENDS {
        let sandbox = sandbox().await;
        let public = client(&sandbox, backend, None);
        let legacy = market(&sandbox, MarketVenue::Legacy);
        let collateral = market(&sandbox, MarketVenue::CollateralFee);

        let fetched = public.markets.get_market(&legacy.slug).await.unwrap();
        assert_eq!(fetched.slug, legacy.slug);
        let tokens = fetched.tokens.as_ref().unwrap();
        assert_eq!(
            (tokens.yes.as_str(), tokens.no.as_str()),
            (legacy.yes_token_id.as_str(), legacy.no_token_id.as_str())
        );
        assert!(!fetched.venue.as_ref().unwrap().is_collateral_fee());
        let fetched = public.markets.get_market(&collateral.slug).await.unwrap();
        assert!(fetched.venue.as_ref().unwrap().is_collateral_fee());

        let all = public.markets.get_active_markets(None).await.unwrap();
        // The AMM markets are listed too.
        assert_eq!(
            all.total_markets_count as usize,
            sandbox.markets().len() + sandbox.amm_market_slugs().len()
        );
        let first = public
            .markets
            .get_active_markets(Some(&ActiveMarketsParams {
                limit: Some(1),
                page: Some(2),
                sort_by: None,
            }))
            .await
            .unwrap();
        assert_eq!(first.data.len(), 1);

        let book = public.markets.get_order_book(&legacy.slug).await.unwrap();
        assert!(book.bids.is_empty() && book.asks.is_empty());
        let missing = public
            .markets
            .get_market("no-such-market")
            .await
            .unwrap_err();
        assert_eq!(missing.status().map(|s| s.as_u16()), Some(404));
        sandbox.shutdown().await;
    }
}

#[tokio::test]
async fn delegated_orders_rest_match_and_cancel() {
    for backend in BACKENDS {
        let sandbox = sandbox().await;
        let (scoped, _) = partner(&sandbox, backend).await;
        let alice = server_wallet(&scoped, "alice").await;
        let bob = server_wallet(&scoped, "bob").await;
        let m = market(&sandbox, MarketVenue::Legacy);
        let orders = &scoped.delegated_orders;

        // GTC BUY 10 @ 0.55 rests on the book.
        let gtc = CreateDelegatedOrderParams::gtc(
            &m.slug,
            &m.yes_token_id,
            Side::Buy,
            "0.55",
            10,
            alice.profile_id,
        );
        let resting = orders.create_order(&gtc).await.unwrap();
        assert_eq!(
            (resting.order.maker_amount, resting.order.taker_amount),
            (Some(5_500_000), Some(10_000_000))
        );
        assert_eq!(resting.order.fee_rate_bps, Some(300));
        assert!(resting.maker_matches.is_empty());
        let book = scoped.markets.get_order_book(&m.slug).await.unwrap();
        assert_eq!(book.bids.len(), 1);
        assert_eq!(
            (book.bids[0].price, book.bids[0].size.to_shares()),
            (dec("0.55"), dec("10"))
        );

        // Bob sells shares he holds (the sandbox refuses a sale of shares
        // not held): 4, then at most 8 at once.
        sandbox.deposit_shares(bob.profile_id, &m.yes_token_id, 12_000_000);
        // FOK SELL 4 shares fills entirely against it.
        let fok = CreateDelegatedOrderParams::fok(
            &m.slug,
            &m.yes_token_id,
            Side::Sell,
            4,
            bob.profile_id,
        );
        let filled = orders.create_order(&fok).await.unwrap();
        assert!(filled.execution.as_ref().unwrap().matched);
        assert_eq!(filled.maker_matches.len(), 1);
        assert_eq!(filled.maker_matches[0].order_id, resting.order.id);
        assert_eq!(filled.maker_matches[0].matched_size, "4000000");

        // FOK SELL 7 shares cannot fill (6 left): killed, book untouched.
        let too_big = CreateDelegatedOrderParams::fok(
            &m.slug,
            &m.yes_token_id,
            Side::Sell,
            7,
            bob.profile_id,
        );
        let killed = orders.create_order(&too_big).await.unwrap();
        assert!(!killed.execution.as_ref().unwrap().matched);
        assert!(killed.maker_matches.is_empty());

        // FAK SELL 8 @ 0.55 takes the remaining 6 and kills the rest.
        let fak = CreateDelegatedOrderParams::fak(
            &m.slug,
            &m.yes_token_id,
            Side::Sell,
            "0.55",
            8,
            bob.profile_id,
        );
        let partial = orders.create_order(&fak).await.unwrap();
        assert_eq!(partial.maker_matches.len(), 1);
        assert_eq!(partial.maker_matches[0].matched_size, "6000000");
        let snapshot = sandbox.orders();
        let maker = snapshot.iter().find(|o| o.id == resting.order.id).unwrap();
        assert_eq!(maker.remaining_shares, 0);
        assert_eq!(maker.status, OrderStatus::Filled);

        // A second GTC, cancelled on alice's behalf.
        let second = orders.create_order(&gtc).await.unwrap();
        let message = orders
            .cancel_on_behalf_of(&second.order.id, alice.profile_id)
            .await
            .unwrap();
        assert!(message.contains(&second.order.id), "{message}");
        assert!(
            scoped
                .markets
                .get_order_book(&m.slug)
                .await
                .unwrap()
                .bids
                .is_empty()
        );

        // Cancel-replace: the resting order moves from 0.55 to 0.56.
        let third = orders.create_order(&gtc).await.unwrap();
        let replacement = CreateDelegatedOrderParams::gtc(
            &m.slug,
            &m.yes_token_id,
            Side::Buy,
            0.56,
            10,
            alice.profile_id,
        );
        let replaced = orders
            .cancel_replace(&DelegatedCancelReplaceParams::new(
                CancelTarget::OrderId(third.order.id.clone()),
                replacement.clone(),
            ))
            .await
            .unwrap();
        assert!(replaced.cancel.is_success());
        let ReplacementOutcome::Success { data } = &replaced.replacement else {
            panic!("replacement placed: {replaced:?}")
        };
        assert_eq!(data.order.maker_amount, Some(5_600_000));
        let book = scoped.markets.get_order_book(&m.slug).await.unwrap();
        assert_eq!(
            book.bids.iter().map(|l| l.price).collect::<Vec<_>>(),
            vec![dec("0.56")]
        );

        // Cancelling an order that is gone: 409, decoded as a result.
        let failed = orders
            .cancel_replace(&DelegatedCancelReplaceParams::new(
                CancelTarget::OrderId(third.order.id.clone()),
                replacement.clone(),
            ))
            .await
            .unwrap();
        assert!(
            matches!(failed.cancel, CancelOutcome::Failure { .. }),
            "{failed:?}"
        );
        assert!(
            matches!(failed.replacement, ReplacementOutcome::NotAttempted),
            "{failed:?}"
        );

        // A batch answers 207 with one result per operation.
        let batch = orders
            .cancel_replace_batch(&[
                DelegatedCancelReplaceParams::new(
                    CancelTarget::OrderId(data.order.id.clone()),
                    gtc.clone(),
                ),
                DelegatedCancelReplaceParams::new(
                    CancelTarget::OrderId("missing".into()),
                    gtc.clone(),
                )
                .mode(CancelReplaceMode::AllowFailure),
            ])
            .with_raw()
            .await
            .unwrap();
        assert_eq!(batch.raw.status.as_u16(), 207);
        assert_eq!(batch.data.results.len(), 2);
        assert!(batch.data.results[0].cancel.is_success());
        assert!(!batch.data.results[1].cancel.is_success());

        // Cancel all of alice's orders on the market.
        orders
            .cancel_all_on_behalf_of(&m.slug, alice.profile_id)
            .await
            .unwrap();
        assert!(
            scoped
                .markets
                .get_order_book(&m.slug)
                .await
                .unwrap()
                .bids
                .is_empty()
        );
        assert!(
            sandbox
                .orders()
                .iter()
                .filter(|o| o.owner_id == alice.profile_id)
                .all(|o| o.status != OrderStatus::Live),
            "no order of alice's is left open"
        );
        sandbox.shutdown().await;
    }
}

#[tokio::test]
async fn collateral_fee_venue_orders_carry_zero_fee() {
    let sandbox = sandbox().await;
    let (scoped, _) = partner(&sandbox, Backend::Reqwest).await;
    let alice = server_wallet(&scoped, "alice").await;
    let m = market(&sandbox, MarketVenue::CollateralFee);
    let gtc = CreateDelegatedOrderParams::gtc(
        &m.slug,
        &m.yes_token_id,
        Side::Buy,
        "0.40",
        5,
        alice.profile_id,
    );
    let placed = scoped.delegated_orders.create_order(&gtc).await.unwrap();
    assert_eq!(placed.order.fee_rate_bps, Some(0));
    // The venue is cached: a second order on the market needs no market read.
    let requests = sandbox.request_count();
    scoped.delegated_orders.create_order(&gtc).await.unwrap();
    assert_eq!(sandbox.request_count(), requests + 1);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn server_wallet_redeem_and_withdraw() {
    for backend in BACKENDS {
        let sandbox = sandbox().await;
        let (scoped, _) = partner(&sandbox, backend).await;
        let alice = server_wallet(&scoped, "alice").await;
        let m = &sandbox.markets()[0];
        let redeemed = scoped
            .server_wallets
            .redeem_positions(&RedeemParams {
                condition_id: m.condition_id.clone(),
                on_behalf_of: alice.profile_id,
            })
            .await
            .unwrap();
        assert_eq!(redeemed.condition_id, m.condition_id);
        assert_eq!(
            redeemed.wallet_address.to_lowercase(),
            alice.account.to_lowercase()
        );

        // An explicit destination must be allowlisted first.
        let destination = "0x2222222222222222222222222222222222222222";
        let withdraw = WithdrawParams {
            amount: "1500000".into(),
            on_behalf_of: Some(alice.profile_id),
            token: None,
            destination: Some(destination.into()),
        };
        let refused = scoped.server_wallets.withdraw(&withdraw).await.unwrap_err();
        assert_eq!(
            refused.status().map(|s| s.as_u16()),
            Some(400),
            "{refused:?}"
        );
        scoped
            .partner_accounts
            .add_withdrawal_address(
                sandbox.partner_identity_token(),
                &AddWithdrawalAddressInput {
                    address: destination.into(),
                    label: None,
                },
            )
            .await
            .unwrap();
        let withdrawn = scoped.server_wallets.withdraw(&withdraw).await.unwrap();
        assert_eq!(withdrawn.amount, "1500000");
        assert_eq!(
            withdrawn.destination.to_lowercase(),
            "0x2222222222222222222222222222222222222222"
        );
        sandbox.shutdown().await;
    }
}

#[tokio::test]
async fn fok_buy_spends_a_budget_or_is_killed() {
    for backend in BACKENDS {
        let sandbox = sandbox().await;
        let (scoped, _) = partner(&sandbox, backend).await;
        let alice = server_wallet(&scoped, "alice").await;
        let bob = server_wallet(&scoped, "bob").await;
        let m = market(&sandbox, MarketVenue::Legacy);
        let orders = &scoped.delegated_orders;

        // Alice offers 10 YES at 0.40 (SELL: maker = shares, taker = collateral).
        sandbox.deposit_shares(alice.profile_id, &m.yes_token_id, 10_000_000);
        let ask = CreateDelegatedOrderParams::gtc(
            &m.slug,
            &m.yes_token_id,
            Side::Sell,
            "0.40",
            10,
            alice.profile_id,
        );
        let resting = orders.create_order(&ask).await.unwrap();
        assert_eq!(
            (resting.order.maker_amount, resting.order.taker_amount),
            (Some(10_000_000), Some(4_000_000))
        );

        // A budget larger than the book holds is killed whole.
        let too_much = CreateDelegatedOrderParams::fok(
            &m.slug,
            &m.yes_token_id,
            Side::Buy,
            "4.01",
            bob.profile_id,
        );
        let killed = orders.create_order(&too_much).await.unwrap();
        assert!(!killed.execution.as_ref().unwrap().matched);
        assert_eq!(killed.order.maker_amount, Some(4_010_000));
        assert_eq!(killed.order.taker_amount, Some(1));

        // 2 USDC buys 5 shares at 0.40.
        let budget = CreateDelegatedOrderParams::fok(
            &m.slug,
            &m.yes_token_id,
            Side::Buy,
            2.0,
            bob.profile_id,
        );
        let filled = orders.create_order(&budget).await.unwrap();
        assert!(filled.execution.as_ref().unwrap().matched);
        assert_eq!(filled.maker_matches[0].order_id, resting.order.id);
        assert_eq!(filled.maker_matches[0].matched_size, "5000000");
        let book = scoped.markets.get_order_book(&m.slug).await.unwrap();
        assert_eq!(
            (book.asks[0].price, book.asks[0].size.to_shares()),
            (dec("0.4"), dec("5"))
        );
        sandbox.shutdown().await;
    }
}

#[tokio::test]
async fn cancels_without_on_behalf_of_act_on_the_partners_own_orders() {
    let sandbox = sandbox().await;
    let (scoped, _) = partner(&sandbox, Backend::Reqwest).await;
    let alice = server_wallet(&scoped, "alice").await;
    let m = market(&sandbox, MarketVenue::Legacy);
    let orders = &scoped.delegated_orders;
    let gtc = CreateDelegatedOrderParams::gtc(
        &m.slug,
        &m.yes_token_id,
        Side::Buy,
        "0.30",
        3,
        alice.profile_id,
    );
    let placed = orders.create_order(&gtc).await.unwrap();

    // The order belongs to alice, not to the partner's own profile.
    let error = orders.cancel(&placed.order.id).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404), "{error}");
    orders.cancel_all(&m.slug).await.unwrap();
    let live = |id: &str| {
        sandbox
            .orders()
            .iter()
            .any(|o| o.id == id && o.status == OrderStatus::Live)
    };
    assert!(
        live(&placed.order.id),
        "alice's order survives the partner's own cancels"
    );

    orders
        .cancel_on_behalf_of(&placed.order.id, alice.profile_id)
        .await
        .unwrap();
    assert!(!live(&placed.order.id));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn partner_accounts_page_through() {
    let sandbox = sandbox().await;
    let (scoped, _) = partner(&sandbox, Backend::Hyper).await;
    let mut created = Vec::new();
    for name in ["a", "b", "c"] {
        let account = scoped
            .partner_accounts
            .create_account(&CreatePartnerAccountInput::server_wallet(name), None)
            .await
            .unwrap();
        created.push(account.profile_id);
    }
    let mut seen = Vec::new();
    for page in 1..=2 {
        let params = ListPartnerAccountsParams {
            account: None,
            limit: Some(2),
            page: Some(page),
        };
        let listed = scoped
            .partner_accounts
            .list_accounts(&params)
            .await
            .unwrap();
        assert_eq!(listed.page, page);
        assert_eq!(listed.has_more, page == 1);
        seen.extend(listed.data.iter().map(|a| a.profile_id));
    }
    seen.sort_unstable();
    assert_eq!(seen, created);
    sandbox.shutdown().await;
}
