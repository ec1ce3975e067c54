//! `lmts market`: get, active, book. Public reads: no credentials needed.

use crate::support::{Env, MARKET, gtc_buy, json_error, json_ok, run, stdout};

#[test]
fn get_a_market() {
    let env = Env::start();
    let seeded = env.sandbox.market(MARKET).unwrap();
    let market = json_ok(env.lmts().args(["--json", "market", "get", MARKET]));
    assert_eq!(market["slug"], MARKET);
    assert_eq!(market["id"], seeded.id);
    assert_eq!(market["tokens"]["yes"], seeded.yes_token_id.as_str());
    assert_eq!(market["tokens"]["no"], seeded.no_token_id.as_str());
    assert_eq!(market["conditionId"], seeded.condition_id.as_str());
    assert!(market["venue"]["exchange"].is_string());

    let text = stdout(&run(env.lmts().args(["market", "get", MARKET])));
    assert!(
        text.contains(&format!("yes token         {}", seeded.yes_token_id)),
        "{text}"
    );

    let error = json_error(
        env.lmts()
            .args(["--json", "market", "get", "no-such-market"]),
        3,
    );
    assert_eq!(error["status"], 404);
}

#[test]
fn active_markets_a_page_at_a_time() {
    let env = Env::start();
    let page = json_ok(env.lmts().args([
        "--json", "market", "active", "--limit", "5", "--page", "2", "--sort", "newest",
    ]));
    assert_eq!(page["data"].as_array().unwrap().len(), 5);
    // AMM markets are listed too.
    let listed = env.sandbox.markets().len() + env.sandbox.amm_market_slugs().len();
    assert_eq!(page["totalMarketsCount"], listed);

    let text = stdout(&run(env.lmts().args(["market", "active", "--limit", "3"])));
    assert!(text.starts_with("SLUG"), "{text}");
    assert!(
        text.contains(&format!("(3 on this page, {listed} active in all)")),
        "{text}"
    );

    // The client refuses a page size the API would not honour.
    let error = json_error(
        env.lmts()
            .args(["--json", "market", "active", "--limit", "26"]),
        2,
    );
    assert_eq!(error["kind"], "usage");
}

#[test]
fn the_order_book_in_micro_shares_and_in_shares() {
    let (env, id) = Env::trading();
    json_ok(env.authed().args(gtc_buy(&id, "0.42", "10")));
    let book = json_ok(env.lmts().args(["--json", "market", "book", MARKET]));
    assert_eq!(
        book["tokenId"],
        env.sandbox.market(MARKET).unwrap().yes_token_id.as_str()
    );
    let bid = &book["bids"][0];
    assert_eq!(bid["price"], 0.42);
    assert_eq!(bid["size"], 10_000_000);

    let text = stdout(&run(env.lmts().args(["market", "book", MARKET])));
    assert!(text.contains("bid   0.42   10"), "{text}");
}
