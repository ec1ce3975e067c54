//! Delegated orders: orders the exchange signs for a server-wallet
//! sub-account. A GTC order that rests on the book, a FAK that takes what
//! it can at once, a FOK that fills whole or not at all, the sub-account's
//! open orders, one cancel and a cancel-all.
//!
//! **Moves real money in production.** Against a server every order and
//! cancel is only signed and printed, unless `LIMITLESS_EXAMPLES_LIVE=1`.
//! It needs HMAC credentials (`trading`, `delegated_signing`),
//! `LIMITLESS_MARKET_SLUG` and `LIMITLESS_ON_BEHALF_OF`.
//!
//! ```text
//! cargo run -p limitless-client --example delegated_orders
//! ```

mod common;

use std::process::ExitCode;

use common::{Outcome, Setup, or_dash, section};
use limitless_client::types::orders::OrderResponse;
use limitless_client::{
    CreateDelegatedOrderParams, Decimal, FokOrder, LimitOrder, OrderType, Side,
};

fn main() -> ExitCode {
    common::run(example)
}

async fn example(setup: &Setup) -> Outcome {
    let orders = &setup.client.delegated_orders;
    let market = setup.market().await?;
    let (slug, token) = (&market.slug, &market.yes_token);
    let alice = setup.sub_account().await?;
    println!("trading {slug} for sub-account {alice}");

    section("GTC: BUY 10 YES at 0.02, post-only (rests, never takes)");
    // Named fields: price and size cannot trade places unnoticed.
    let gtc = CreateDelegatedOrderParams::from(LimitOrder {
        order_type: OrderType::Gtc,
        market_slug: slug.clone(),
        token_id: token.clone(),
        side: Side::Buy,
        price: Decimal::new(2, 2),
        size: Decimal::from(10),
        on_behalf_of: alice,
    })
    .post_only(true);
    let resting = setup.send(orders.create_order(&gtc)).await?;
    resting.iter().for_each(describe);

    section("FAK: BUY up to 5 YES at 0.03 now, the rest cancelled");
    // The positional shorthand: slug, token, side, price, size, sub-account.
    let fak = CreateDelegatedOrderParams::fak(slug, token, Side::Buy, "0.03", 5, alice);
    let taken = setup.send(orders.create_order(&fak)).await?;
    taken.iter().for_each(describe);

    section("FOK: spend exactly 1 USDC on YES at once, or nothing");
    let fok = CreateDelegatedOrderParams::from(FokOrder {
        market_slug: slug.clone(),
        token_id: token.clone(),
        side: Side::Buy,
        amount: Decimal::ONE,
        on_behalf_of: alice,
    });
    let filled = setup.send(orders.create_order(&fok)).await?;
    filled.iter().for_each(describe);

    let Some(resting) = resting else {
        return Ok(());
    };
    section("GET /markets/{slug}/user-orders for the sub-account");
    let markets = &setup.client.markets;
    for order in markets.get_user_orders(slug, Some(alice)).await? {
        let (side, price) = (or_dash(order.side), or_dash(order.price));
        let status = order.status.as_deref().unwrap_or("-");
        println!("  {} {side} at {price}: {status}", order.id);
    }

    section("cancel the GTC order, then all of the sub-account's orders here");
    // A sub-account's order is cancelled on its behalf (?onBehalfOf=).
    let cancelled = orders.cancel_on_behalf_of(&resting.order.id, alice).await?;
    println!("{cancelled}");
    // Never re-sent by the client: a late repeat could cancel newer orders.
    // A 207 (some orders not cancelled) is a result: `failed` lists them.
    let all = orders.cancel_all_on_behalf_of(slug, alice).await?;
    println!(
        "{}: {} cancelled, {} left",
        all.message,
        all.canceled.len(),
        all.failed.len()
    );
    Ok(())
}

/// One placed order: its amounts in micro-units (1 USDC or 1 share =
/// 1 000 000), and what matched.
fn describe(placed: &OrderResponse) {
    let order = &placed.order;
    let matched = placed.execution.as_ref().is_some_and(|e| e.matched);
    let (maker, taker) = (or_dash(order.maker_amount), or_dash(order.taker_amount));
    let fee = or_dash(order.fee_rate_bps);
    println!("order {}", order.id);
    println!("  maker amount {maker}, taker amount {taker}, fee {fee} bps");
    let matches = placed.maker_matches.len();
    println!("  matched: {matched}, against {matches} resting orders");
}
