//! `lmts mcp` as a process, spoken to in MCP's stdio framing (one JSON-RPC
//! message a line): what only a live session shows. An order whose outcome
//! is unknown is reconciled, never sent again; no secret reaches stdout or
//! stderr; the command line's trading arguments are checked. The full
//! client-side journey is the Python suite (`tests/mcp/`, the official SDK).

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout};

use serde_json::{Value, json};

use crate::support::{Env, MARKET, finish_child, json_error};

/// One MCP session with a running `lmts mcp`.
struct Session {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    next_id: u64,
    /// Notifications read while waiting for a response.
    notifications: Vec<Value>,
}

impl Session {
    /// Starts `lmts mcp args` and completes the handshake.
    fn start(env: &Env, vars: &[(&str, &str)], args: &[&str]) -> Self {
        let mut all = vec!["mcp"];
        all.extend(args);
        let mut child = env.spawn_piped(vars, &all);
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut session = Self {
            child,
            stdin,
            stdout,
            next_id: 1,
            notifications: Vec::new(),
        };
        let init = session.request(
            "initialize",
            json!({
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "lmts-tests", "version": "0"},
            }),
        );
        assert_eq!(init["result"]["serverInfo"]["name"], "lmts", "{init}");
        session.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
        session
    }

    fn send(&mut self, message: &Value) {
        let stdin = self.stdin.as_mut().expect("open stdin");
        writeln!(stdin, "{message}").expect("write to lmts");
        stdin.flush().expect("flush");
    }

    /// The next message from the server.
    fn receive(&mut self) -> Value {
        let mut line = String::new();
        let read = self.stdout.read_line(&mut line).expect("read stdout");
        assert!(read > 0, "lmts mcp closed stdout");
        serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("not one JSON message a line ({e}): {line}"))
    }

    /// Sends a request and returns its response (notifications in between
    /// are kept for [`Session::updated`]).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.receive();
            if message["id"] == id {
                return message;
            }
            if message.get("id").is_none() {
                self.notifications.push(message);
            }
        }
    }

    /// Waits for `notifications/resources/updated` of `uri`.
    fn updated(&mut self, uri: &str) {
        let is_it = |message: &Value| {
            message["method"] == "notifications/resources/updated"
                && message["params"]["uri"] == uri
        };
        if let Some(at) = self.notifications.iter().position(is_it) {
            self.notifications.remove(at);
            return;
        }
        loop {
            let message = self.receive();
            if is_it(&message) {
                return;
            }
        }
    }

    /// Calls a tool: `(is_error, the JSON it answered)`.
    fn call(&mut self, name: &str, arguments: Value) -> (bool, Value) {
        let response = self.request("tools/call", json!({"name": name, "arguments": arguments}));
        let result = &response["result"];
        let text = result["content"][0]["text"]
            .as_str()
            .unwrap_or_else(|| panic!("no text content: {response}"));
        (
            result["isError"] == true,
            serde_json::from_str(text).expect("JSON text"),
        )
    }

    fn read_resource(&mut self, uri: &str) -> Value {
        let response = self.request("resources/read", json!({"uri": uri}));
        let text = response["result"]["contents"][0]["text"]
            .as_str()
            .unwrap_or_else(|| panic!("no text: {response}"));
        serde_json::from_str(text).expect("JSON resource")
    }

    /// Closes stdin (the host leaves) and returns the exit code, the rest
    /// of stdout and stderr.
    fn finish(mut self) -> (Option<i32>, String, String) {
        drop(self.stdin.take());
        finish_child(&mut self.child, &mut self.stdout)
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn trading(id: &str) -> Vec<&str> {
    vec![
        "--allow-trading",
        "--sub-account",
        id,
        "--market",
        MARKET,
        "--max-notional",
        "100",
        "--max-orders",
        "5",
    ]
}

fn gtc(env: &Env, id: &str) -> Value {
    let yes = env.sandbox.market(MARKET).unwrap().yes_token_id.clone();
    json!({
        "orderType": "GTC", "marketSlug": MARKET, "tokenId": yes, "side": "BUY",
        "price": "0.42", "size": "10", "onBehalfOf": id.parse::<i64>().unwrap(),
    })
}

#[test]
fn an_order_whose_outcome_is_unknown_is_reconciled_and_never_sent_again() {
    let (env, id) = Env::trading();
    let mut session = Session::start(&env, &[], &trading(&id));
    let order = gtc(&env, &id);
    let (failed, preview) = session.call("place_limit_order", order.clone());
    assert!(!failed, "{preview}");
    let token = preview["confirmationToken"].as_str().unwrap().to_owned();
    assert_eq!(env.sandbox.order_count(), 0, "a preview sends nothing");

    // The sandbox places the order, then drops the connection: no answer.
    env.sandbox.faults().drop_after_placing(1);
    let mut confirm = order.clone();
    confirm["confirmationToken"] = json!(token);
    let (failed, answer) = session.call("place_limit_order", confirm);
    assert!(failed, "{answer}");
    assert_eq!(answer["error"]["kind"], "outcome_unknown", "{answer}");
    assert_eq!(answer["outcome"], "unknown");
    assert_eq!(answer["retried"], false);
    let found = &answer["reconciliation"][0];
    assert_eq!(found["outcome"], "placed", "{answer}");
    let held = env.sandbox.orders();
    assert_eq!(held.len(), 1, "sent once, never again");
    assert_eq!(found["placed"]["id"], held[0].id.as_str());
    assert_eq!(found["order"]["salt"], held[0].salt);

    let orders = session.read_resource("limitless://session/orders");
    assert_eq!(orders[0]["outcome"], "outcome_unknown");
    assert_eq!(orders[0]["reconciliation"][0]["outcome"], "placed");
    // The order counts against the caps: it may well have been placed.
    let (_, again) = session.call("place_limit_order", order);
    assert_eq!(again["session"]["ordersUsed"], 1, "{again}");
    assert_eq!(again["session"]["notionalUsed"], "4.2");

    let (code, _, stderr) = session.finish();
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(env.sandbox.order_count(), 1);
}

#[test]
fn no_secret_reaches_stdout_or_stderr() {
    let (env, id) = Env::trading();
    // A token id the API knows, with a secret that is not its own: every
    // signed request is refused, and each refusal is an answer to check.
    let sentinel = "c2VudGluZWwtc2VjcmV0LWZvci1tY3AtdGVzdHM="; // "sentinel-secret-for-mcp-tests"
    let mut session = Session::start(
        &env,
        &[
            ("LIMITLESS_API_SECRET", sentinel),
            ("LIMITLESS_IDENTITY_TOKEN", "sentinel-identity-token"),
        ],
        &trading(&id),
    );
    let mut texts = Vec::new();
    for (name, arguments) in [
        (
            "get_positions",
            json!({"onBehalfOf": id.parse::<i64>().unwrap()}),
        ),
        ("get_user_orders", json!({"marketSlug": MARKET})),
        ("place_limit_order", gtc(&env, &id)),
        (
            "cancel_all_orders",
            json!({"marketSlug": MARKET, "onBehalfOf": id.parse::<i64>().unwrap()}),
        ),
        ("get_market", json!({"slug": "no-such-market"})),
    ] {
        let (_, answer) = session.call(name, arguments);
        texts.push(answer.to_string());
    }
    // The preview signed locally and showed its request; the refusals
    // came from the API.
    assert!(texts[2].contains("lmts-signature"), "{}", texts[2]);
    assert!(texts[0].contains("\"status\":401"), "{}", texts[0]);
    let (_, stdout, stderr) = session.finish();
    texts.push(stdout);
    texts.push(stderr);
    for text in &texts {
        for secret in [
            sentinel,
            "sentinel-secret-for-mcp-tests",
            "sentinel-identity-token",
        ] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
}

#[test]
fn trading_needs_its_scope_and_caps_on_the_command_line() {
    let env = Env::start();
    // clap: --allow-trading requires every one of them.
    let error = json_error(
        env.lmts()
            .args(["--json", "mcp", "--allow-trading", "--sub-account", "2001"]),
        2,
    );
    assert!(
        error["message"].as_str().unwrap().contains("--market"),
        "{error}"
    );
    // And they mean nothing without it.
    json_error(env.lmts().args(["--json", "mcp", "--max-orders", "3"]), 2);
    let error = json_error(
        env.lmts().args([
            "--json",
            "mcp",
            "--allow-trading",
            "--sub-account",
            "2001",
            "--market",
            MARKET,
            "--max-notional",
            "0",
            "--max-orders",
            "3",
        ]),
        2,
    );
    assert_eq!(error["message"], "--max-notional must be more than 0 USDC");
    let error = json_error(env.lmts().args(["--json", "--dry-run", "mcp"]), 2);
    assert!(
        error["message"].as_str().unwrap().contains("--dry-run"),
        "{error}"
    );
}

#[test]
fn the_tool_list_follows_allow_trading() {
    let (env, id) = Env::trading();
    let names = |session: &mut Session| -> Vec<String> {
        let listed = session.request("tools/list", json!({}));
        listed["result"]["tools"]
            .as_array()
            .unwrap()
            .iter()
            .map(|tool| tool["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let mut reads = Session::start(&env, &[], &[]);
    let read_only = names(&mut reads);
    assert!(read_only.contains(&"get_market".to_owned()));
    assert!(
        !read_only
            .iter()
            .any(|name| name.starts_with("place_") || name.starts_with("cancel"))
    );
    let mut trading = Session::start(&env, &[], &trading(&id));
    let all = names(&mut trading);
    for write in [
        "place_limit_order",
        "place_fok_order",
        "cancel_order",
        "cancel_all_orders",
        "cancel_replace_order",
    ] {
        assert!(all.contains(&write.to_owned()), "{write}");
    }
    assert_eq!(all.len(), read_only.len() + 5);
}

/// Previews `arguments` with `tool`, then sends it with the token: the answer.
fn confirmed(session: &mut Session, tool: &str, arguments: Value) -> Value {
    let (failed, preview) = session.call(tool, arguments.clone());
    assert!(!failed, "{tool}: {preview}");
    let mut confirm = arguments;
    confirm["confirmationToken"] = preview["confirmationToken"].clone();
    let (failed, answer) = session.call(tool, confirm);
    assert!(!failed, "{tool}: {answer}");
    assert_eq!(answer["sent"], true);
    answer["answer"].clone()
}

#[test]
fn cancel_replace_fill_or_kill_and_cancel_all_go_through_the_same_gate() {
    let (env, id) = Env::trading();
    let owner: i64 = id.parse().unwrap();
    let mut session = Session::start(&env, &[], &trading(&id));
    let placed = confirmed(&mut session, "place_limit_order", gtc(&env, &id));
    let first = placed["order"]["id"].as_str().unwrap().to_owned();

    // Cancel-replace: the order to cancel must be the sub-account's, on
    // the replacement's market.
    let mut replacement = gtc(&env, &id);
    replacement["price"] = json!("0.41");
    let (failed, refused) = session.call(
        "cancel_replace_order",
        json!({"orderId": "not-an-order", "replacement": replacement}),
    );
    assert!(failed);
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("is not an open order"),
        "{refused}"
    );
    let (_, preview) = session.call(
        "cancel_replace_order",
        json!({"orderId": first, "replacement": replacement}),
    );
    assert_eq!(
        preview["preview"]["url"],
        format!("{}/orders/cancel-replace", env.url())
    );
    assert_eq!(preview["amounts"]["cancels"][0]["orderId"], first.as_str());
    assert_eq!(preview["amounts"]["pays"]["usdc"], "4.1");
    let replaced = confirmed(
        &mut session,
        "cancel_replace_order",
        json!({"orderId": first, "replacement": replacement}),
    );
    assert_eq!(replaced["replacement"]["status"], "SUCCESS", "{replaced}");

    // A fill-or-kill buy with nothing to take: sent, and not filled.
    let yes = env.sandbox.market(MARKET).unwrap().yes_token_id.clone();
    let fok = json!({
        "marketSlug": MARKET, "tokenId": yes, "side": "BUY", "amount": "2", "onBehalfOf": owner,
    });
    let (_, preview) = session.call("place_fok_order", fok.clone());
    assert_eq!(preview["amounts"]["pays"]["usdc"], "2", "{preview}");
    assert_eq!(preview["amounts"]["wire"]["makerAmountUsdc"], "2");

    // Cancel-all: the preview lists the orders it would cancel.
    let all = json!({"marketSlug": MARKET, "onBehalfOf": owner});
    let (_, preview) = session.call("cancel_all_orders", all.clone());
    assert_eq!(preview["preview"]["method"], "DELETE");
    assert_eq!(
        preview["amounts"]["cancels"].as_array().unwrap().len(),
        1,
        "{preview} {replaced}"
    );
    confirmed(&mut session, "cancel_all_orders", all);
    let open = env
        .sandbox
        .orders()
        .into_iter()
        .filter(|order| order.status == limitless_sandbox::OrderStatus::Live)
        .count();
    assert_eq!(open, 0);

    let orders = session.read_resource("limitless://session/orders");
    let tools: Vec<&str> = orders
        .as_array()
        .unwrap()
        .iter()
        .map(|order| order["tool"].as_str().unwrap())
        .collect();
    assert_eq!(
        tools,
        [
            "place_limit_order",
            "cancel_replace_order",
            "cancel_all_orders"
        ]
    );
}

#[test]
fn a_subscribed_book_and_the_session_orders_tell_the_host_they_changed() {
    let (env, id) = Env::trading();
    // A host on the protocol's 2025 revision, whose resources/subscribe
    // is how it hears of changes.
    let mut session = Session::start(&env, &[], &trading(&id));
    let book = format!("limitless://books/{MARKET}");
    for uri in [book.as_str(), "limitless://session/orders"] {
        let response = session.request("resources/subscribe", json!({"uri": uri}));
        assert!(response.get("error").is_none(), "{response}");
    }
    // Subscribing started the book: it is live already.
    let live = session.read_resource(&book);
    assert_eq!(live["live"], true, "{live}");
    let before = live["book"]["bids"].as_array().map_or(0, Vec::len);

    // An order on the market changes the book and the session's orders.
    confirmed(&mut session, "place_limit_order", gtc(&env, &id));
    session.updated("limitless://session/orders");
    session.updated(&book);
    loop {
        let live = session.read_resource(&book);
        if live["book"]["bids"].as_array().map_or(0, Vec::len) > before {
            assert_eq!(live["book"]["bids"][0]["price"], "0.42");
            break;
        }
        // An update of the book from before the order: wait for the next.
        session.updated(&book);
    }

    let response = session.request("resources/subscribe", json!({"uri": "limitless://nothing"}));
    assert!(response.get("error").is_some(), "{response}");
}
