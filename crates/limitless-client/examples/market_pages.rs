//! Market pages, the site's way of grouping markets: the navigation tree,
//! a page by its path (following a page that moved), the page's markets
//! as a stream with one of its filters applied, and the property keys the
//! filters are made of. Public reads: safe against production, no
//! credentials needed. `LIMITLESS_MARKET_PAGE_PATH` picks the page
//! (default: the first in the navigation).
//!
//! ```text
//! cargo run -p limitless-client --example market_pages
//! ```

mod common;

use std::process::ExitCode;

use common::{Outcome, Setup, section, var};
use futures_util::TryStreamExt;
use limitless_client::PageMarketsParams;
use limitless_client::types::market_pages::NavigationNode;

fn main() -> ExitCode {
    common::run(example)
}

async fn example(setup: &Setup) -> Outcome {
    let pages = &setup.client.pages;

    section("GET /navigation");
    let navigation = pages.get_navigation().await?;
    print_tree(&navigation, 0);

    section("GET /market-pages/by-path");
    let first = navigation.first().map(|node| node.path.clone());
    let path = var("LIMITLESS_MARKET_PAGE_PATH")
        .or(first)
        .ok_or("the navigation is empty")?;
    // A page that moved (HTTP 301) is followed, at most 3 times.
    let page = pages.get_market_page_by_path(&path).await?;
    println!("{} at {} (id {})", page.name, page.full_path, page.id);
    for group in &page.filter_groups {
        let values: Vec<&str> = group.options.iter().map(|o| o.value.as_str()).collect();
        println!(
            "  filter {}: {}",
            group.slug.as_deref().unwrap_or("-"),
            values.join(", ")
        );
    }

    section("GET /market-pages/{pageId}/markets, filtered, every page");
    let mut params = PageMarketsParams::default();
    let first_filter = page.filter_groups.iter().find_map(|group| {
        let option = group.options.first()?;
        Some((group.slug.clone()?, option.value.clone()))
    });
    if let Some((key, value)) = first_filter {
        println!("only {key} = {value}");
        params = params.filter(key, value);
    }
    let mut markets = pages.page_markets(&page.id, &params);
    let mut count = 0;
    while let Some(market) = markets.try_next().await? {
        count += 1;
        if count <= 5 {
            println!("  {}", market.slug);
        }
    }
    println!("{count} markets");

    section("GET /property-keys and a key's options");
    let keys = pages.get_property_keys().await?;
    for key in &keys {
        println!("  {} ({})", key.name, key.slug);
    }
    if let Some(key) = keys.first() {
        let options = pages.get_property_options(&key.id, None).await?;
        let labels: Vec<&str> = options.iter().map(|o| o.label.as_str()).collect();
        println!("{} options: {}", key.name, labels.join(", "));
    }
    Ok(())
}

/// The navigation, one node per line, children indented.
fn print_tree(nodes: &[NavigationNode], depth: usize) {
    for node in nodes {
        println!(
            "{:indent$}{} {}",
            "",
            node.name,
            node.path,
            indent = 2 * depth
        );
        print_tree(&node.children, depth + 1);
    }
}
