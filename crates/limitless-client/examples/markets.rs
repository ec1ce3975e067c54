//! Markets: one market by slug (with the raw HTTP response behind it), the
//! active markets one page at a time and as a stream, and an order book.
//! Reads only: safe against production.
//!
//! ```text
//! cargo run -p limitless-client --example markets
//! LIMITLESS_API_URL=https://api.limitless.exchange LIMITLESS_MARKET_SLUG=<slug> \
//!     cargo run -p limitless-client --example markets
//! ```

mod common;

use std::process::ExitCode;

use common::{Outcome, Setup, or_dash, section};
use futures_util::TryStreamExt;
use limitless_client::{ActiveMarketsParams, MarketSort};

fn main() -> ExitCode {
    common::run(example)
}

async fn example(setup: &Setup) -> Outcome {
    let markets = &setup.client.markets;
    let slug = setup.market_slug()?;

    section("GET /markets/{slug}");
    // `.with_raw()` keeps the status, headers and body next to the value.
    let answer = markets.get_market(slug).with_raw().await?;
    let market = answer.data;
    println!("{}", market.title.as_deref().unwrap_or(&market.slug));
    println!(
        "  HTTP {}, {} bytes",
        answer.raw.status,
        answer.raw.body.len()
    );
    println!("  status {}", market.status.as_deref().unwrap_or("-"));
    println!("  YES/NO prices {:?}", market.prices);
    if let Some(venue) = &market.venue {
        // Orders are signed for this exchange; on a collateral-fee venue
        // the fee is 0.
        let fee = if venue.is_collateral_fee() {
            "collateral fee"
        } else {
            "default fee"
        };
        println!("  venue exchange {} ({fee})", venue.exchange);
    }

    section("GET /markets/active, one page");
    let params = ActiveMarketsParams {
        limit: Some(5),
        page: Some(1),
        sort_by: Some(MarketSort::Newest),
    };
    let page = markets.get_active_markets(Some(&params)).await?;
    println!("{} active markets; the newest:", page.total_markets_count);
    for market in &page.data {
        println!("  {}", market.slug);
    }

    section("GET /markets/active, as a stream");
    // The pager asks for the next page only when this one is used up.
    let mut stream = markets.active_markets(None);
    let mut seen = 0;
    while let Some(market) = stream.try_next().await? {
        seen += 1;
        if seen == 30 {
            println!("  ... stopped at {} ({seen} markets read)", market.slug);
            break;
        }
    }
    println!("  {seen} markets streamed");

    section("GET /markets/{slug}/orderbook");
    let book = markets.get_order_book(slug).await?;
    println!("midpoint {}", or_dash(book.midpoint));
    // Sizes are micro-shares on the wire; `to_shares` converts exactly.
    for (label, levels) in [("ask", &book.asks), ("bid", &book.bids)] {
        for level in levels.iter().take(3) {
            println!(
                "  {label} {} x {} shares",
                level.price,
                level.size.to_shares()
            );
        }
        if levels.is_empty() {
            println!("  no {label}s");
        }
    }
    Ok(())
}
