//! AMM trading for a sub-account: the BUY and SELL allowances checked and
//! put in place, a buy with an idempotency key fixed before it is sent, the
//! same buy sent again as after a lost answer (one trade, one answer), and
//! a sell.
//!
//! **Moves real money in production.** Against a server the approval and
//! the trades are only signed and printed, unless
//! `LIMITLESS_EXAMPLES_LIVE=1`. It needs HMAC credentials (`trading`,
//! `delegated_signing`), `LIMITLESS_ON_BEHALF_OF` and an AMM market in
//! `LIMITLESS_AMM_MARKET_SLUG` (the sandbox's is `amm-eth-above-4k`).
//!
//! ```text
//! cargo run -p limitless-client --example amm
//! ```

mod common;

use std::process::ExitCode;
use std::time::Duration;

use common::{Failure, Outcome, Setup, section};
use limitless_client::types::amm::AmmTradeResponse;
use limitless_client::{AmmAllowanceRequest, AmmBuyParams, AmmSellParams, AmmSide};

const YES: u8 = 0;
/// 1 % price movement accepted.
const SLIPPAGE_BPS: u32 = 100;

fn main() -> ExitCode {
    common::run(example)
}

async fn example(setup: &Setup) -> Outcome {
    let (market, alice) = (amm_market(setup)?, setup.sub_account().await?);
    let amm = &setup.client.amm;
    let allowance = |side| AmmAllowanceRequest {
        market: market.clone(),
        side,
        on_behalf_of: Some(alice),
    };

    section("POST /amm/allowances/check");
    let state = amm.check_allowance(&allowance(AmmSide::Buy)).await?;
    println!("{} allowance: {}", state.side, state.status);

    // The key is fixed (and would be saved) before the first send: sending
    // the same params again can then never buy twice.
    let key = format!("examples-amm-{alice}-{}", setup.unix_seconds());
    let buy = AmmBuyParams::new(&market, YES, "5000000") // 5 USDC
        .slippage_bps(SLIPPAGE_BPS)
        .idempotency_key(key)
        .on_behalf_of(alice);
    if !setup.live() {
        setup
            .send(amm.approve_allowance(&allowance(AmmSide::Buy)))
            .await?;
        setup.send(amm.buy(&buy)).await?;
        return Ok(());
    }

    section("ensure_allowance: approve if missing, poll until confirmed");
    // An approval is a transaction: poll its state each second, for a minute
    // at most.
    let (poll, deadline) = (Duration::from_secs(1), Duration::from_secs(60));
    for side in [AmmSide::Buy, AmmSide::Sell] {
        let ready = amm
            .ensure_allowance(&allowance(side), poll, deadline)
            .await?;
        println!("{} allowance: {}", ready.side, ready.status);
    }

    section("POST /amm/buy: 5 USDC of YES");
    let first = amm.buy(&buy).await?;
    show(&first);
    // Suppose that answer never arrived (a timeout, a dropped connection):
    // the outcome is unknown. The recovery is the very same params, key
    // included; the API answers the first trade again and trades nothing.
    println!("answer set aside as lost: sending the same buy, same key");
    let again = amm.buy(&buy).await?;
    show(&again);
    if again.transaction_id != first.transaction_id {
        return Err("the re-sent buy made a second trade".into());
    }
    if let Some(sandbox) = &setup.sandbox {
        println!("trades carried out: {}", sandbox.amm_trade_count());
    }

    section("POST /amm/sell: 2 USDC back from YES");
    // No key set: the client draws a fresh one, so this sell is sent once.
    let sell = AmmSellParams::new(&market, YES, "2000000")
        .slippage_bps(SLIPPAGE_BPS)
        .on_behalf_of(alice);
    show(&amm.sell(&sell).await?);
    Ok(())
}

/// `LIMITLESS_AMM_MARKET_SLUG`, or the sandbox's seeded AMM market.
fn amm_market(setup: &Setup) -> Result<String, Failure> {
    match (common::var("LIMITLESS_AMM_MARKET_SLUG"), &setup.sandbox) {
        (Some(slug), _) => Ok(slug),
        (None, Some(_)) => Ok("amm-eth-above-4k".to_owned()),
        (None, None) => Err(common::needs(
            "LIMITLESS_AMM_MARKET_SLUG",
            "an AMM market's slug",
        )),
    }
}

/// A trade's answer: shares expected, and the slippage bound (the fewest a
/// buy takes, the most a sell gives).
fn show(trade: &AmmTradeResponse) {
    let bound = match (&trade.min_shares, &trade.max_shares) {
        (Some(min), _) => format!("at least {min}"),
        (None, Some(max)) => format!("at most {max}"),
        (None, None) => "no bound".to_owned(),
    };
    println!(
        "{} {}: {} micro-shares expected, {bound}",
        trade.status,
        common::or_dash(trade.transaction_id.as_ref()),
        trade.expected_shares,
    );
}
