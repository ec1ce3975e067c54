//! `lmts market`: one market, the active ones, an order book.

use limitless_client::ActiveMarketsParams;
use limitless_client::types::markets::{Market, OrderBookLevel};

use super::Api;
use crate::cli::MarketCommand;
use crate::exit::CliError;
use crate::output::{fields, or_dash, table};

pub(super) async fn run(api: &Api, command: MarketCommand) -> Result<(), CliError> {
    let markets = &api.client.markets;
    match command {
        MarketCommand::Get(args) => {
            let Some(market) = api.send(markets.get_market(&args.slug)).await? else {
                return Ok(());
            };
            api.out.emit(&market, || market_fields(&market))
        }
        MarketCommand::Active(args) => {
            let params = ActiveMarketsParams {
                limit: args.limit,
                page: args.page,
                sort_by: args.sort.map(Into::into),
            };
            let call = markets.get_active_markets(Some(&params));
            let Some(page) = api.send(call).await? else {
                return Ok(());
            };
            api.out.emit(&page, || {
                let mut text = table(
                    &["SLUG", "TITLE", "YES", "STATUS"],
                    page.data.iter().map(|market| {
                        vec![
                            market.slug.clone(),
                            or_dash(market.title.as_deref()),
                            or_dash(market.prices.first()),
                            or_dash(market.status.as_deref()),
                        ]
                    }),
                );
                text.push_str(&format!(
                    "\n({} on this page, {} active in all)",
                    page.data.len(),
                    page.total_markets_count
                ));
                text
            })
        }
        MarketCommand::Book(args) => {
            if args.watch {
                return Err(CliError::internal(
                    "the watch runs through run_until_interrupted",
                ));
            }
            if args.stream.any() {
                return Err(CliError::usage("--count and --timeout apply to --watch"));
            }
            let Some(book) = api.send(markets.get_order_book(&args.slug)).await? else {
                return Ok(());
            };
            api.out.emit(&book, || {
                // Asks from the highest down to the best, then the bids: a
                // ladder with the spread in the middle.
                let ladder = book
                    .asks
                    .iter()
                    .rev()
                    .map(|level| level_row("ask", level))
                    .chain(book.bids.iter().map(|level| level_row("bid", level)));
                let mut text = format!("{}  token {}\n\n", args.slug, book.token_id);
                text.push_str(&table(&["SIDE", "PRICE", "SHARES"], ladder));
                if book.asks.is_empty() && book.bids.is_empty() {
                    text.push_str("\n(the book is empty)");
                }
                if let Some(midpoint) = book.adjusted_midpoint {
                    text.push_str(&format!("\nadjusted midpoint {midpoint}"));
                }
                text
            })
        }
    }
}

fn level_row(side: &str, level: &OrderBookLevel) -> Vec<String> {
    vec![
        side.to_owned(),
        level.price.to_string(),
        level.size.to_shares().to_string(),
    ]
}

fn market_fields(market: &Market) -> String {
    let tokens = market.tokens.clone().unwrap_or_default();
    let venue = market.venue.clone().unwrap_or_default();
    let prices: Vec<String> = market.prices.iter().map(ToString::to_string).collect();
    fields([
        ("slug", market.slug.clone()),
        ("id", market.id.to_string()),
        ("title", or_dash(market.title.as_deref())),
        ("status", or_dash(market.status.as_deref())),
        ("expires", or_dash(market.expiration_date.as_deref())),
        (
            "yes token",
            or_dash(Some(tokens.yes).filter(|t| !t.is_empty())),
        ),
        (
            "no token",
            or_dash(Some(tokens.no).filter(|t| !t.is_empty())),
        ),
        ("prices (yes, no)", prices.join(", ")),
        ("condition id", or_dash(market.condition_id.as_deref())),
        (
            "exchange",
            or_dash(Some(venue.exchange.clone()).filter(|e| !e.is_empty())),
        ),
        (
            "fees",
            if venue.is_collateral_fee() {
                "in collateral (orders carry fee 0)".to_owned()
            } else {
                "standard".to_owned()
            },
        ),
    ])
}
