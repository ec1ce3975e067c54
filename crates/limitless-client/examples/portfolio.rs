//! The portfolio: your profile, positions, trades and whole history (a
//! stream that follows the API's cursors), or a sub-account's with
//! `LIMITLESS_ON_BEHALF_OF`. Reads only against a server (it needs HMAC
//! credentials); the embedded sandbox starts empty, so there the example
//! first trades once to have something to read.
//!
//! ```text
//! cargo run -p limitless-client --example portfolio
//! ```

mod common;

use std::process::ExitCode;

use common::{Outcome, Setup, or_dash, section, var};
use futures_util::TryStreamExt;
use limitless_client::types::portfolio::HistoryEntry;
use limitless_client::{CreateDelegatedOrderParams, CreateSignedOrderParams, Side};

fn main() -> ExitCode {
    common::run(example)
}

async fn example(setup: &Setup) -> Outcome {
    let portfolio = &setup.client.portfolio;
    if setup.sandbox.is_some() {
        trade_once(setup).await?;
    }
    let on_behalf_of = var("LIMITLESS_ON_BEHALF_OF")
        .map(|id| id.parse())
        .transpose()?;

    section("GET /profiles/me");
    let me = portfolio.get_current_profile().await?;
    println!("profile {} ({})", me.id, me.account);
    if let Some(rank) = &me.rank {
        let name = rank.name.as_deref().unwrap_or("-");
        println!("  rank {name}, fee {} bps", or_dash(rank.fee_rate_bps));
    }

    section("GET /portfolio/positions");
    let positions = portfolio.get_positions(on_behalf_of).await?;
    println!(
        "{} CLOB and {} AMM positions",
        positions.clob.len(),
        positions.amm.len()
    );
    for position in &positions.clob {
        let title = position
            .market
            .as_ref()
            .and_then(|m| m.title.as_deref())
            .unwrap_or("-");
        let yes = position.positions.as_ref().and_then(|p| p.yes.as_ref());
        let cost = or_dash(yes.and_then(|side| side.cost));
        let pnl = or_dash(yes.and_then(|side| side.unrealized_pnl));
        println!("  {title}: YES cost {cost}, unrealised P&L {pnl}");
    }

    section("GET /portfolio/trades");
    // Amounts as the API sends them: micro-units here, units in the history.
    for trade in portfolio.get_trades(on_behalf_of).await?.iter().take(10) {
        println!("  {}", entry(trade));
    }

    section("GET /portfolio/history, every page");
    // Pages are read as the stream is consumed, one in memory at a time.
    let mut history = portfolio.history(on_behalf_of);
    let mut count = 0;
    while let Some(item) = history.try_next().await? {
        count += 1;
        if count <= 10 {
            println!("  {}", entry(&item));
        }
    }
    println!("{count} entries");
    Ok(())
}

/// One trade or history entry: what, how many tokens, at what price, for
/// how much collateral.
fn entry(item: &HistoryEntry) -> String {
    let market = item
        .market
        .as_ref()
        .and_then(|m| m.slug.as_deref())
        .unwrap_or("-");
    let what = item.strategy.as_deref().unwrap_or("-");
    let tokens = or_dash(item.outcome_token_amount);
    let price = or_dash(item.outcome_token_price);
    format!(
        "{what} {market}: {tokens} at {price} for {}",
        or_dash(item.collateral_amount)
    )
}

/// In the sandbox: a sub-account offers 10 YES at 0.40 and the partner
/// buys 2 USDC worth with an order it signs itself.
async fn trade_once(setup: &Setup) -> Outcome {
    let market = setup.market().await?;
    let (slug, token) = (market.slug.as_str(), market.yes_token.as_str());
    let seller = setup.sub_account().await?;
    // A sale needs the shares: the sandbox moves them in (live, the
    // sub-account would have to buy or split them first).
    if let Some(sandbox) = &setup.sandbox {
        sandbox.deposit_shares(seller, token, 10_000_000);
    }
    let ask = CreateDelegatedOrderParams::gtc(slug, token, Side::Sell, "0.40", 10, seller);
    setup.client.delegated_orders.create_order(&ask).await?;
    let own_orders = setup.client.signed_orders(setup.signer()?);
    own_orders
        .create_order(&CreateSignedOrderParams::fok(slug, token, Side::Buy, 2))
        .await?;
    Ok(())
}
