//! The socket commands, `lmts market book --watch` and `lmts order watch`,
//! as child processes against the sandbox's socket. Each test moves on
//! when a line is printed, never after a pause; `--timeout 30` only bounds
//! a watch that would otherwise never end.

use std::time::Duration;

use limitless_testkit::RefusingPort;
use serde_json::json;

use crate::support::{Env, MARKET, gtc_buy, json_error, json_ok};

/// `lmts order watch` in JSON, for one event.
const ORDER_WATCH_ONE: &[&str] = &[
    "--json",
    "order",
    "watch",
    "--count",
    "1",
    "--timeout",
    "30",
];

#[test]
fn book_watch_prints_the_book_then_each_change_with_exact_sizes() {
    let (env, id) = Env::trading();
    // Public: the watcher has no credentials.
    let mut watch = env.watch(
        false,
        &[
            "--json",
            "market",
            "book",
            MARKET,
            "--watch",
            "--count",
            "2",
            "--timeout",
            "30",
        ],
    );
    let first = watch.line();
    assert_eq!(first["type"], "book");
    assert_eq!(first["marketSlug"], MARKET);
    assert_eq!(
        first["tokenId"],
        env.sandbox.market(MARKET).unwrap().yes_token_id.as_str()
    );
    assert_eq!(first["bids"], json!([]));
    let version = first["version"].as_u64().expect("version");

    json_ok(env.authed().args(gtc_buy(&id, "0.42", "12.5")));
    let second = watch.line();
    assert_eq!(second["type"], "book");
    assert_eq!(second["version"], version + 1);
    assert_eq!(second["bids"], json!([{"price": "0.42", "size": "12.5"}]));

    let (code, rest, stderr) = watch.finish();
    assert_eq!((code, rest.as_str(), stderr.as_str()), (Some(0), "", ""));
}

#[test]
fn book_watch_for_people_shows_the_top_levels() {
    let (env, id) = Env::trading();
    json_ok(env.authed().args(gtc_buy(&id, "0.4", "3")));
    json_ok(env.authed().args(gtc_buy(&id, "0.41", "2.5")));
    let mut watch = env.watch(
        false,
        &[
            "market", "book", MARKET, "--watch", "--depth", "1", "--count", "1",
        ],
    );
    let (code, text, stderr) = watch.finish();
    assert_eq!(code, Some(0), "{stderr}");
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with(&format!("{MARKET}  version ")),
        "{text}"
    );
    assert_eq!(lines[1], "best bid 0.41 × 2.5  best ask -  spread -");
    assert_eq!(lines[2], "BID SHARES  BID   ASK  ASK SHARES");
    assert_eq!(lines[3], "2.5         0.41  -    -");
    assert_eq!(lines.len(), 4, "--depth 1: {text}");
}

#[test]
fn order_watch_prints_a_placement_with_its_order_id() {
    let (env, id) = Env::trading();
    let mut watch = env.watch(true, ORDER_WATCH_ONE);
    assert_eq!(
        watch.line(),
        json!({"type": "subscribed", "channels": ["orderEvent"], "markets": []})
    );
    let placed = json_ok(env.authed().args(gtc_buy(&id, "0.42", "10")));
    let line = watch.line();
    assert_eq!(line["type"], "orderEvent");
    let event = &line["event"];
    assert_eq!(event["type"], "PLACEMENT");
    assert_eq!(event["source"], "OME");
    assert_eq!(event["orderId"], placed["order"]["id"]);
    assert_eq!(event["userId"].to_string(), id);
    assert_eq!(event["marketSlug"], MARKET);
    assert_eq!(event["side"], "BUY");
    assert_eq!(event["price"], "0.42");
    assert_eq!(event["remainingSize"], "10");

    let (code, rest, stderr) = watch.finish();
    assert_eq!((code, rest.as_str(), stderr.as_str()), (Some(0), "", ""));
    // The socket was closed on the way out.
    env.block_on(async {
        tokio::time::timeout(
            Duration::from_secs(10),
            env.sandbox.socket().wait_for_connections(0),
        )
        .await
        .expect("the socket closes");
    });
}

/// A gateway that never confirms the subscription: the watch says so,
/// keeps watching, prints the order's event and exits 0 (never the
/// network failure "before sending" of exit 5).
#[test]
fn an_order_watch_left_unconfirmed_is_announced_and_still_streams() {
    let (env, id) = Env::trading();
    env.sandbox.socket().confirm_subscribes(false);
    let mut watch = env.watch(true, ORDER_WATCH_ONE);
    assert_eq!(
        watch.line(),
        json!({"type": "subscribed", "channels": ["orderEvent"], "markets": []})
    );
    // After the stream client's default wait (5 s) for the notice.
    assert_eq!(
        watch.line(),
        json!({"type": "unconfirmed", "channel": "subscribe_order_events", "timeoutMs": 5000})
    );
    let placed = json_ok(env.authed().args(gtc_buy(&id, "0.42", "10")));
    let line = watch.line();
    assert_eq!(line["event"]["orderId"], placed["order"]["id"]);
    let (code, rest, stderr) = watch.finish();
    assert_eq!((code, rest.as_str(), stderr.as_str()), (Some(0), "", ""));
}

#[test]
fn order_watch_for_one_sub_account_in_one_line_per_event() {
    let mut env = Env::start();
    env.derive();
    let alice = env.sub_account_named("alice").to_string();
    let bob = env.sub_account_named("bob").to_string();
    let mut watch = env.watch(
        true,
        &[
            "order",
            "watch",
            "--for",
            &alice,
            "--market",
            MARKET,
            "--tx",
            "--count",
            "1",
            "--timeout",
            "30",
        ],
    );
    let subscribed = watch.text_line().expect("a line");
    assert!(
        subscribed.ends_with(&format!(
            "  watching order events and transactions of {alice} on {MARKET}"
        )),
        "{subscribed}"
    );
    // Bob's order comes first and is not shown: only alice's counts.
    json_ok(env.authed().args(gtc_buy(&bob, "0.4", "5")));
    let placed = json_ok(env.authed().args(gtc_buy(&alice, "0.42", "10")));
    let order_id = placed["order"]["id"].as_str().unwrap();
    let line = watch.text_line().expect("a line");
    let (time, rest) = line.split_once("  ").unwrap();
    assert_eq!(time.len(), "12:00:01".len(), "{line}");
    assert_eq!(
        rest,
        format!("PLACEMENT  {order_id}  BUY  0.42 × 10  {MARKET}")
    );
    let (code, _, stderr) = watch.finish();
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn order_watch_without_credentials_never_connects() {
    let env = Env::start();
    let error = json_error(env.lmts().args(["--json", "order", "watch"]), 6);
    assert_eq!(error["kind"], "credentials");
    assert!(
        error["hints"][0]
            .as_str()
            .unwrap()
            .contains("LIMITLESS_API_TOKEN_ID"),
        "{error}"
    );
    assert_eq!(env.sandbox.socket().connections(), 0);
    assert!(env.sandbox.socket().handshakes().is_empty());
}

#[test]
fn a_count_not_reached_in_time_exits_8() {
    let env = Env::start();
    let mut watch = env.watch(
        false,
        &[
            "--json",
            "market",
            "book",
            MARKET,
            "--watch",
            "--timeout",
            "1",
            "--count",
            "5",
        ],
    );
    assert_eq!(watch.line()["type"], "book");
    let (code, rest, stderr) = watch.finish();
    assert_eq!((code, rest.as_str()), (Some(8), ""));
    let error: serde_json::Value = serde_json::from_str(&stderr).expect("JSON error");
    assert_eq!(error["error"]["kind"], "timed_out");
    assert_eq!(
        error["error"]["message"],
        "1 of the 5 events asked for arrived within 1 s"
    );
}

#[test]
fn a_dropped_socket_is_announced_and_the_watch_goes_on() {
    let (env, id) = Env::trading();
    let mut watch = env.watch(true, ORDER_WATCH_ONE);
    assert_eq!(watch.line()["type"], "subscribed");
    assert_eq!(env.sandbox.faults().drop_sockets(), 1);
    let reconnecting = watch.line();
    assert_eq!(reconnecting["type"], "reconnecting");
    assert_eq!(reconnecting["attempt"], 1);
    assert!(reconnecting["reason"].as_str().unwrap().len() > 1);
    // Attempts that fail are announced too, until the connection is back
    // and the subscription renewed.
    let mut line = watch.line();
    while line["type"] == "reconnecting" {
        line = watch.line();
    }
    assert_eq!(line, json!({"type": "reconnected"}));
    // Notices are not counted: the watch still waits for its event.
    let placed = json_ok(env.authed().args(gtc_buy(&id, "0.42", "10")));
    let event = watch.line();
    assert_eq!(event["event"]["orderId"], placed["order"]["id"]);
    let (code, _, stderr) = watch.finish();
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn an_unknown_market_is_refused_with_3() {
    let env = Env::start();
    let error = json_error(
        env.lmts()
            .args(["--json", "market", "book", "no-such-market", "--watch"]),
        3,
    );
    assert_eq!(error["kind"], "refused");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with("subscribing to no-such-market: the server refused"),
        "{error}"
    );
}

#[test]
fn an_unreachable_socket_is_a_network_failure() {
    let env = Env::start();
    let refusing = RefusingPort::new();
    let url = refusing.url("ws");
    let error = json_error(
        env.lmts().args([
            "--json", "market", "book", MARKET, "--watch", "--ws-url", &url,
        ]),
        5,
    );
    assert_eq!(error["kind"], "network");
}

#[test]
fn a_handshake_the_api_refuses_exits_3_with_its_status() {
    let env = Env::start();
    let error = json_error(
        env.lmts()
            .env("LIMITLESS_API_TOKEN_ID", "tok_unknown")
            .env("LIMITLESS_API_SECRET", "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0")
            .args(["--json", "order", "watch"]),
        3,
    );
    assert_eq!(error["status"], 401);
}

#[cfg(unix)]
#[test]
fn ctrl_c_closes_the_socket_and_exits_130() {
    let env = Env::start();
    let mut watch = env.watch(false, &["--json", "market", "book", MARKET, "--watch"]);
    assert_eq!(watch.line()["type"], "book");
    let signalled = std::process::Command::new("kill")
        .args(["-INT", &watch.id().to_string()])
        .status()
        .expect("kill");
    assert!(signalled.success());
    let (code, rest, stderr) = watch.finish();
    assert_eq!((code, rest.as_str()), (Some(130), ""));
    let error: serde_json::Value = serde_json::from_str(&stderr).expect("JSON error");
    assert_eq!(error["error"]["kind"], "interrupted");
}

#[test]
fn watch_options_need_a_watch() {
    let env = Env::start();
    let error = json_error(
        env.lmts()
            .args(["--json", "market", "book", MARKET, "--count", "1"]),
        2,
    );
    assert_eq!(error["message"], "--count and --timeout apply to --watch");
    let error = json_error(
        env.lmts()
            .args(["--json", "--dry-run", "market", "book", MARKET, "--watch"]),
        2,
    );
    assert_eq!(
        error["message"],
        "--dry-run applies to requests; `lmts market book --watch` opens a stream"
    );
}
