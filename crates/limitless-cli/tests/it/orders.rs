//! `lmts order`: place (delegated and self-signed), cancel, cancel-all,
//! replace, list; and the exit codes that tell "not placed" from "may have
//! been placed".

use limitless_sandbox::OrderStatus;
use limitless_testkit::RefusingPort;
use limitless_types::{Decimal, Side};

use crate::support::{
    Env, MARKET, assert_exit, gtc_buy, json_error, json_ok, place_gtc_buy, run, stderr, stdout,
};

#[test]
fn place_gtc_for_a_sub_account() {
    let (env, id) = Env::trading();
    let placed = json_ok(env.authed().args(gtc_buy(&id, "0.42", "10")));
    let order = &placed["order"];
    assert_eq!(order["orderType"], "GTC");
    assert_eq!(order["side"], 0);
    assert_eq!(order["price"], 0.42);
    assert_eq!(order["makerAmount"], 4_200_000);
    assert_eq!(order["takerAmount"], 10_000_000);
    assert!(placed["makerMatches"].is_array());
    assert_eq!(placed["execution"]["matched"], false);

    let held = env.sandbox.orders();
    assert_eq!(held.len(), 1);
    let yes = &env.sandbox.market(MARKET).unwrap().yes_token_id;
    assert_eq!(held[0].owner_id.to_string(), id);
    assert_eq!(&held[0].token_id, yes);
    assert_eq!(held[0].side, Side::Buy);
    assert_eq!(held[0].price, Some(Decimal::new(42, 2)));
    assert_eq!(held[0].original_shares, 10_000_000);
    assert_eq!(order["id"], held[0].id.as_str());
    assert_eq!(order["salt"], held[0].salt);
}

#[test]
fn place_fak_and_fok_and_human_output() {
    let (env, id) = Env::trading();
    let yes = env.sandbox.market(MARKET).unwrap().yes_token_id.clone();
    // A resting sell for the FAK and FOK buys to take, from another
    // account: the engine never matches an owner's orders with each other.
    let seller = env.sub_account_named("bob").to_string();
    // Bob holds the 20 shares he offers.
    env.sandbox
        .deposit_shares(seller.parse().unwrap(), &yes, 20_000_000);
    json_ok(env.authed().args([
        "--json", "order", "place", "gtc", "--market", MARKET, "--token", &yes, "--side", "sell",
        "--price", "0.5", "--size", "20", "--for", &seller,
    ]));
    let fak = json_ok(env.authed().args([
        "--json", "order", "place", "fak", "--market", MARKET, "--token", &yes, "--side", "buy",
        "--price", "0.5", "--size", "4", "--for", &id,
    ]));
    assert_eq!(fak["order"]["orderType"], "FAK");
    assert_eq!(fak["execution"]["matched"], true);

    let output = run(env.authed().args([
        "order", "place", "fok", "--market", MARKET, "--token", &yes, "--side", "buy", "--amount",
        "5", "--for", &id,
    ]));
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("type      FOK"), "{text}");
    assert!(text.contains("matched   yes"), "{text}");
    let fok = env.sandbox.orders().into_iter().last().unwrap();
    assert_eq!(fok.price, None);
    assert_eq!(fok.filled_shares(), 10_000_000, "5 USDC at 0.5");
}

#[test]
fn place_self_signed_with_a_key_from_the_environment() {
    let mut env = Env::start();
    env.derive();
    let key = env.sandbox.partner_private_key().to_owned();
    let placed = json_ok(env.authed().env("MY_KEY", &key).args([
        "--json",
        "order",
        "place",
        "gtc",
        "--market",
        MARKET,
        "--outcome",
        "no",
        "--side",
        "buy",
        "--price",
        "0.3",
        "--size",
        "2",
        "--key-env",
        "MY_KEY",
    ]));
    let partner = &env.sandbox.identities()[0];
    assert_eq!(placed["order"]["signature"].as_str().unwrap().len(), 132);
    let held = env.sandbox.orders();
    assert_eq!(held[0].owner_id, partner.profile_id);
    assert_eq!(
        held[0].token_id,
        env.sandbox.market(MARKET).unwrap().no_token_id
    );
    assert!(
        !stdout(&run(env
            .authed()
            .env("MY_KEY", &key)
            .args(["order", "list", "--market", MARKET])))
        .contains(&key)
    );

    // Its own orders are listed and cancelled without --for.
    let list = json_ok(
        env.authed()
            .args(["--json", "order", "list", "--market", MARKET]),
    );
    assert_eq!(list[0]["id"], held[0].id.as_str());
    json_ok(
        env.authed()
            .args(["--json", "order", "cancel", &held[0].id]),
    );
    assert_eq!(env.sandbox.orders()[0].status, OrderStatus::Cancelled);
}

#[test]
fn an_api_refusal_exits_3_and_places_nothing() {
    let (env, id) = Env::trading();
    let no = env
        .sandbox
        .market("eth-above-6k-dec-31-2026")
        .unwrap()
        .no_token_id
        .clone();
    // A token of another market: the API refuses the order.
    let error = json_error(
        env.authed().args([
            "--json", "order", "place", "gtc", "--market", MARKET, "--token", &no, "--side", "buy",
            "--price", "0.4", "--size", "1", "--for", &id,
        ]),
        3,
    );
    assert_eq!(error["kind"], "refused");
    assert_eq!(error["status"], 400);
    assert_eq!(
        error["request"],
        serde_json::json!({"operation": "create_order", "method": "POST", "path": "/orders"})
    );
    assert!(
        error["apiMessage"]
            .as_str()
            .unwrap()
            .contains("not an outcome token"),
        "{error}"
    );
    assert_eq!(env.sandbox.order_count(), 0);
}

#[test]
fn a_price_off_the_tick_is_a_usage_error_before_sending() {
    let (env, id) = Env::trading();
    let yes = env.sandbox.market(MARKET).unwrap().yes_token_id.clone();
    let before = env.sandbox.request_count();
    let error = json_error(
        env.authed().args([
            "--json", "order", "place", "gtc", "--market", MARKET, "--token", &yes, "--side",
            "buy", "--price", "0.4215", "--size", "1", "--for", &id,
        ]),
        2,
    );
    assert_eq!(error["kind"], "usage");
    assert!(
        error["message"].as_str().unwrap().contains("price"),
        "{error}"
    );
    assert_eq!(env.sandbox.request_count(), before);
}

#[test]
fn an_unknown_outcome_exits_4_and_says_how_to_reconcile() {
    let (env, id) = Env::trading();
    env.sandbox.faults().drop_after_placing(1);
    let error = json_error(env.authed().args(gtc_buy(&id, "0.42", "3")), 4);
    assert_eq!(error["kind"], "outcome_unknown");
    // It was placed, and the error names it by salt.
    let held = env.sandbox.orders();
    assert_eq!(held.len(), 1);
    assert_eq!(error["sentOrders"][0]["salt"], held[0].salt);
    assert_eq!(error["sentOrders"][0]["marketSlug"], MARKET);
    assert_eq!(error["sentOrders"][0]["ownerId"].to_string(), id);
    let salt = held[0].salt.to_string();
    let hint = error["hints"][0].as_str().unwrap();
    assert!(hint.contains(&format!("--salt {salt}")), "{hint}");
    assert!(
        hint.contains(&format!("lmts order list --market {MARKET} --for {id}")),
        "{hint}"
    );

    // The listed orders show it, salt and all.
    let list = json_ok(
        env.authed()
            .args(["--json", "order", "list", "--market", MARKET, "--for", &id]),
    );
    assert_eq!(list[0]["salt"].to_string(), salt);

    // Human form: the same facts on stderr.
    env.sandbox.faults().drop_after_placing(1);
    let output = run(env.authed().args(&gtc_buy(&id, "0.41", "1")[1..]));
    assert_eq!(output.status.code(), Some(4));
    assert!(
        stderr(&output).contains("the outcome is unknown"),
        "{}",
        stderr(&output)
    );
    assert_eq!(stdout(&output), "");
}

#[test]
fn a_network_failure_before_sending_exits_5() {
    let mut env = Env::start();
    env.derive();
    let refusing = RefusingPort::new();
    let down = refusing.url("http");
    let error = json_error(
        env.authed()
            .env("LIMITLESS_API_URL", &down)
            .args(gtc_buy("2001", "0.42", "1")),
        5,
    );
    assert_eq!(error["kind"], "network");
    assert_eq!(env.sandbox.order_count(), 0);
}

#[test]
fn dry_run_signs_the_order_and_places_nothing() {
    let (env, id) = Env::trading();
    let yes = env.sandbox.market(MARKET).unwrap().yes_token_id.clone();
    let dry = json_ok(env.authed().args([
        "--json",
        "--dry-run",
        "order",
        "place",
        "gtc",
        "--market",
        MARKET,
        "--token",
        &yes,
        "--side",
        "buy",
        "--price",
        "0.42",
        "--size",
        "10",
        "--for",
        &id,
        "--salt",
        "42",
        "--post-only",
    ]));
    assert_eq!(dry["operation"], "create_order");
    assert_eq!(dry["url"], format!("{}/orders", env.url()));
    assert_eq!(dry["orders"][0]["salt"], 42);
    let body: serde_json::Value = serde_json::from_str(dry["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["order"]["salt"], 42);
    assert_eq!(body["order"]["makerAmount"], 4_200_000);
    assert_eq!(body["onBehalfOf"].to_string(), id);
    assert_eq!(body["postOnly"], true);
    assert_eq!(env.sandbox.order_count(), 0);

    // The same order, sent: the salt given is the salt placed.
    json_ok(env.authed().args([
        "--json", "order", "place", "gtc", "--market", MARKET, "--token", &yes, "--side", "buy",
        "--price", "0.42", "--size", "10", "--for", &id, "--salt", "42",
    ]));
    assert_eq!(env.sandbox.orders()[0].salt, 42);
}

#[test]
fn cancel_and_cancel_all_for_a_sub_account() {
    let (env, id) = Env::trading();
    let first = json_ok(env.authed().args(gtc_buy(&id, "0.40", "1")));
    json_ok(env.authed().args(gtc_buy(&id, "0.39", "1")));
    let order_id = first["order"]["id"].as_str().unwrap();

    let before = env.sandbox.request_count();
    let dry = json_ok(env.authed().args([
        "--json",
        "--dry-run",
        "order",
        "cancel",
        order_id,
        "--for",
        &id,
    ]));
    assert_eq!(dry["method"], "DELETE");
    assert_eq!(
        dry["url"],
        format!("{}/orders/{order_id}?onBehalfOf={id}", env.url())
    );
    assert_eq!(env.sandbox.request_count(), before);

    let cancelled = json_ok(
        env.authed()
            .args(["--json", "order", "cancel", order_id, "--for", &id]),
    );
    assert_eq!(cancelled["orderId"], order_id);
    assert!(cancelled["message"].is_string());
    assert_eq!(env.sandbox.orders()[0].status, OrderStatus::Cancelled);
    assert_eq!(env.sandbox.orders()[1].status, OrderStatus::Live);

    let all = json_ok(env.authed().args([
        "--json",
        "order",
        "cancel-all",
        "--market",
        MARKET,
        "--for",
        &id,
    ]));
    assert_eq!(all["marketSlug"], MARKET);
    assert_eq!(
        all["canceled"],
        serde_json::json!([env.sandbox.orders()[1].id])
    );
    assert_eq!(all["failed"], serde_json::json!([]));
    assert_eq!(env.sandbox.orders()[1].status, OrderStatus::Cancelled);

    // A sub-account's order is not the partner's own: without --for it is not found.
    let error = json_error(
        env.authed().args(["--json", "order", "cancel", order_id]),
        3,
    );
    assert_eq!(error["status"], 404);
}

#[test]
fn a_partial_cancel_all_lists_the_orders_left_and_exits_0() {
    let (env, id) = Env::trading();
    json_ok(env.authed().args(gtc_buy(&id, "0.40", "1")));
    json_ok(env.authed().args(gtc_buy(&id, "0.39", "1")));
    json_ok(env.authed().args(gtc_buy(&id, "0.38", "1")));
    let ids: Vec<String> = env.sandbox.orders().into_iter().map(|o| o.id).collect();
    let cancel_all = ["order", "cancel-all", "--market", MARKET, "--for", &id];

    // The API's 207: the first order cannot be cancelled.
    env.sandbox.faults().fail_next_cancels(1);
    let all = json_ok(env.authed().arg("--json").args(cancel_all));
    assert_eq!(all["canceled"], serde_json::json!([ids[1], ids[2]]));
    assert_eq!(all["failed"][0]["orderId"], ids[0].as_str());
    assert_eq!(all["failed"][0]["reason"], "UNKNOWN_ERROR");
    assert_eq!(all["failed"].as_array().unwrap().len(), 1);
    assert_eq!(env.sandbox.orders()[0].status, OrderStatus::Live);

    // The text names the order left live.
    json_ok(env.authed().args(gtc_buy(&id, "0.37", "1")));
    env.sandbox.faults().fail_next_cancels(1);
    let output = run(env.authed().args(cancel_all));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with(&format!("cancelled 1 on {MARKET}: ")),
        "{text}"
    );
    assert!(
        text.contains(&format!("NOT cancelled {}: UNKNOWN_ERROR", ids[0])),
        "{text}"
    );
    assert_eq!(env.sandbox.orders()[0].status, OrderStatus::Live);
    assert_eq!(env.sandbox.orders()[3].status, OrderStatus::Cancelled);
}

/// `order replace order_id` with a YES buy on [`MARKET`] for sub-account
/// `id`, then `rest`.
fn replace_buy<'a>(order_id: &'a str, id: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "order",
        "replace",
        order_id,
        "--market",
        MARKET,
        "--outcome",
        "yes",
        "--side",
        "buy",
        "--for",
        id,
    ];
    args.extend(rest);
    args
}

#[test]
fn replace_cancels_and_places_in_one_request() {
    let (env, id) = Env::trading();
    let first = json_ok(env.authed().args(gtc_buy(&id, "0.40", "2")));
    let order_id = first["order"]["id"].as_str().unwrap();
    let replaced = json_ok(env.authed().arg("--json").args(replace_buy(
        order_id,
        &id,
        &["--price", "0.41", "--size", "3", "--client-order-id", "r-1"],
    )));
    assert_eq!(replaced["cancel"]["status"], "SUCCESS");
    assert_eq!(replaced["replacement"]["status"], "SUCCESS");
    assert_eq!(replaced["replacement"]["data"]["order"]["price"], 0.41);
    let held = env.sandbox.orders();
    assert_eq!(held[0].status, OrderStatus::Cancelled);
    assert_eq!(held[1].price, Some(Decimal::new(41, 2)));
    assert_eq!(held[1].client_order_id.as_deref(), Some("r-1"));

    // Replacing an order that is gone: the result is printed, and the
    // replacement was not attempted: exit 3.
    let output = run(env.authed().args(replace_buy(
        order_id,
        &id,
        &["--price", "0.41", "--size", "3"],
    )));
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("cancel       FAILURE"), "{text}");
    assert!(text.contains("replacement  NOT_ATTEMPTED"), "{text}");
    assert!(stderr(&output).contains("the replacement was not placed"));
    assert_eq!(env.sandbox.order_count(), 2);

    // A replacement's kind and amounts must agree (clap: exit 2).
    for bad in [
        replace_buy(order_id, &id, &[]),
        replace_buy(order_id, &id, &["--type", "fok", "--price", "0.4"]),
    ] {
        assert_exit(&mut env.authed(), &bad, 2);
    }
}

#[test]
fn list_shows_the_orders_of_a_market() {
    let (env, id) = Env::trading();
    json_ok(env.authed().args(gtc_buy(&id, "0.40", "2")));
    json_ok(env.authed().args(gtc_buy(&id, "0.38", "1.5")));
    let list = json_ok(
        env.authed()
            .args(["--json", "order", "list", "--market", MARKET, "--for", &id]),
    );
    let orders = list.as_array().unwrap();
    assert_eq!(orders.len(), 2);
    for order in orders {
        for key in ["id", "side", "price", "salt", "status"] {
            assert!(order.get(key).is_some(), "{key} in {order}");
        }
    }
    let text = stdout(&run(env
        .authed()
        .args(["order", "list", "--market", MARKET, "--for", &id])));
    assert!(text.starts_with("ORDER ID"), "{text}");
    assert!(text.contains("1.5") && text.contains("0.38"), "{text}");
    assert_eq!(text.lines().count(), 3, "{text}");
}

#[test]
fn who_the_order_is_for_is_required_and_single() {
    let mut env = Env::start();
    env.derive();
    for who in [vec![], vec!["--for", "2001", "--key-env", "K"]] {
        let mut args = place_gtc_buy("0.4", "1");
        args.extend(who);
        assert_exit(&mut env.authed(), &args, 2);
    }
    // --token and --outcome exclude each other.
    let output = run(env.authed().args([
        "order",
        "place",
        "fok",
        "--market",
        MARKET,
        "--outcome",
        "yes",
        "--token",
        "1",
        "--side",
        "buy",
        "--amount",
        "1",
        "--for",
        "2001",
    ]));
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(env.sandbox.request_count(), 1, "only the derive");
}
