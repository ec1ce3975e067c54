//! Every exit code that a request can end with, reached once by a read
//! and once by a write: against the sandbox (its fault knobs lose an
//! order's answer), a wiremock server that checks the HMAC signature and
//! answers 5xx or unreadable bodies, a server that hangs up after reading
//! the request, and a port nothing listens on.
//!
//! The rule under test: only a write that is not idempotent ends with 4
//! (outcome unknown); a read, or an idempotent write, that gets no usable
//! answer ends with 9 (failed, nothing changed); a write whose first read
//! fails was never sent.

use std::collections::HashMap;
use std::io::Read;
use std::net::TcpListener;
use std::process::{Command as Process, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use assert_cmd::Command;
use assert_cmd::cargo::cargo_bin_cmd;
use limitless_auth::{Clock, Signer, SystemClock, VerificationRequest, Verifier};
use limitless_testkit::RefusingPort;
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::runtime::Runtime;
use wiremock::matchers::{method, path};
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

use crate::support::{Env, MARKET, gtc_buy, json_error, run, stderr};

/// The API token the wiremock tests sign with.
const TOKEN_ID: &str = "tok_exits";
/// Base64 of `exits-test-secret`.
const SECRET: &str = "ZXhpdHMtdGVzdC1zZWNyZXQ=";

/// Accepts a request only when its `lmts-*` headers verify, at the time
/// of receipt, exactly as the API checks them.
struct Signed;

impl Match for Signed {
    fn matches(&self, request: &Request) -> bool {
        let header = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok());
        let path_and_query = match request.url.query() {
            Some(query) => format!("{}?{query}", request.url.path()),
            None => request.url.path().to_owned(),
        };
        let credentials = limitless_auth::HmacCredentials {
            token_id: TOKEN_ID.into(),
            secret: SECRET.into(),
        };
        let keys = HashMap::from([(TOKEN_ID.to_owned(), Signer::new(&credentials).unwrap())]);
        let verification = VerificationRequest {
            api_key: header("lmts-api-key"),
            timestamp: header("lmts-timestamp"),
            signature: header("lmts-signature"),
            method: request.method.as_str(),
            path_and_query: &path_and_query,
            body: &request.body,
        };
        Verifier::default()
            .verify(&verification, &keys, SystemClock.now())
            .is_ok()
    }
}

/// A wiremock server and `lmts` pointed at it with the test token.
struct Mocked {
    server: MockServer,
    config: TempDir,
    // Last: the server runs on it.
    runtime: Runtime,
}

impl Mocked {
    fn start() -> Self {
        let runtime = Runtime::new().expect("runtime");
        let server = runtime.block_on(MockServer::start());
        Self {
            server,
            config: tempfile::tempdir().expect("config dir"),
            runtime,
        }
    }

    /// Answers signed `verb path` requests with `answer`, expecting
    /// exactly `times` of them.
    fn answer(&self, verb: &str, at: &str, answer: ResponseTemplate, times: u64) {
        let mock = Mock::given(method(verb))
            .and(path(at))
            .and(Signed)
            .respond_with(answer)
            .expect(times);
        self.runtime.block_on(mock.mount(&self.server));
    }

    fn lmts(&self) -> Command {
        lmts_at(&self.server.uri(), &self.config)
    }

    /// The requests received, as `METHOD path`.
    fn received(&self) -> Vec<String> {
        let requests = self
            .runtime
            .block_on(self.server.received_requests())
            .unwrap_or_default();
        requests
            .iter()
            .map(|r| format!("{} {}", r.method, r.url.path()))
            .collect()
    }

    /// Checks every mock's expected count.
    fn verify(&self) {
        self.runtime.block_on(self.server.verify());
    }
}

/// `lmts --json` against `url` with the test token and nothing else from
/// the environment.
fn lmts_at(url: &str, config: &TempDir) -> Command {
    let mut command = cargo_bin_cmd!("lmts");
    command
        .env_clear()
        .env("LMTS_CONFIG_DIR", config.path())
        .env("LIMITLESS_API_URL", url)
        .env("LIMITLESS_API_TOKEN_ID", TOKEN_ID)
        .env("LIMITLESS_API_SECRET", SECRET)
        .arg("--json");
    command
}

/// The read: the API tokens of the test token's account.
const READ: &[&str] = &["token", "list"];
/// The write that is not idempotent: cancel every order on a market (a
/// late repeat would cancel orders placed meanwhile).
const WRITE: &[&str] = &["order", "cancel-all", "--market", MARKET];
/// The write that is idempotent: cancel one order.
const IDEMPOTENT_WRITE: &[&str] = &["order", "cancel", "ord-1"];

const READ_PATH: &str = "/auth/api-tokens";
fn write_path() -> String {
    format!("/orders/all/{MARKET}")
}

#[test]
fn usage_2_before_anything_is_sent() {
    let env = Env::start();
    let before = env.sandbox.request_count();
    let read = json_error(env.lmts().args(["--json", "market", "get", " "]), 2);
    assert_eq!(read["kind"], "usage");
    let write = json_error(
        env.lmts()
            .env("LIMITLESS_API_TOKEN_ID", TOKEN_ID)
            .env("LIMITLESS_API_SECRET", SECRET)
            .args(["--json", "order", "cancel-all", "--market", " "]),
        2,
    );
    assert!(
        write["message"].as_str().unwrap().contains("market_slug"),
        "{write}"
    );
    assert_eq!(env.sandbox.request_count(), before);
}

#[test]
fn refused_3_when_the_api_says_no() {
    let (env, id) = Env::trading();
    let read = json_error(
        env.authed()
            .args(["--json", "market", "get", "no-such-market"]),
        3,
    );
    assert_eq!(
        (read["kind"].as_str(), read["status"].as_u64()),
        (Some("refused"), Some(404))
    );

    // A buy the sub-account cannot pay for: the API refuses the order.
    env.sandbox.drain(id.parse().unwrap());
    let write = json_error(env.authed().args(gtc_buy(&id, "0.42", "10")), 3);
    assert_eq!(write["kind"], "refused");
    assert_eq!(write["request"]["operation"], "create_order");
    assert_eq!(env.sandbox.order_count(), 0);
}

#[test]
fn refused_3_for_a_rate_limit_on_a_read_and_a_write() {
    let mock = Mocked::start();
    let limited = || {
        ResponseTemplate::new(429)
            .insert_header("retry-after", "600")
            .set_body_json(json!({"message": "Too many requests"}))
    };
    mock.answer("GET", READ_PATH, limited(), 1);
    mock.answer("DELETE", &write_path(), limited(), 1);
    for args in [READ, WRITE] {
        let error = json_error(mock.lmts().args(args), 3);
        assert_eq!(error["status"], 429, "{args:?}");
    }
    mock.verify();
}

/// The sandbox places the order and loses its answer: the order exists,
/// and only a look can tell. The same loss on a read is 9, below.
#[test]
fn outcome_unknown_4_only_for_a_write_that_may_have_been_carried_out() {
    let (env, id) = Env::trading();
    env.sandbox.faults().drop_after_placing(1);
    let write = json_error(env.authed().args(gtc_buy(&id, "0.42", "10")), 4);
    assert_eq!(write["kind"], "outcome_unknown");
    assert_eq!(write["sentOrders"].as_array().map(Vec::len), Some(1));
    assert_eq!(env.sandbox.order_count(), 1);
}

#[test]
fn a_server_error_is_9_for_a_read_and_4_for_a_write() {
    let mock = Mocked::start();
    let broken = || ResponseTemplate::new(500).set_body_json(json!({"message": "internal"}));
    mock.answer("GET", READ_PATH, broken(), 1);
    mock.answer("DELETE", &write_path(), broken(), 1);
    mock.answer("DELETE", "/orders/ord-1", broken(), 1);

    let read = json_error(mock.lmts().args(READ), 9);
    assert_eq!(
        (read["kind"].as_str(), read["status"].as_u64()),
        (Some("failed"), Some(500))
    );
    let write = json_error(mock.lmts().args(WRITE), 4);
    assert_eq!(write["kind"], "outcome_unknown");
    assert_eq!(write["status"], 500);
    // Cancelling one order twice cancels it once: safe to send again.
    let cancel = json_error(mock.lmts().args(IDEMPOTENT_WRITE), 9);
    assert_eq!(cancel["request"]["operation"], "cancel");
    // Each sent once: no retry of a 500, never a repeat of the write.
    mock.verify();
}

#[test]
fn an_unreadable_answer_is_9_for_a_read_and_4_for_a_write() {
    let mock = Mocked::start();
    let garbled = || ResponseTemplate::new(200).set_body_string("<html>maintenance</html>");
    mock.answer("GET", READ_PATH, garbled(), 1);
    mock.answer("DELETE", &write_path(), garbled(), 1);
    let read = json_error(mock.lmts().args(READ), 9);
    assert_eq!(read["kind"], "failed");
    assert!(
        read["message"]
            .as_str()
            .unwrap()
            .contains("could not decode"),
        "{read}"
    );
    let write = json_error(mock.lmts().args(WRITE), 4);
    assert_eq!(write["kind"], "outcome_unknown");
    mock.verify();
}

/// An order reads its market first: when that read fails the order was
/// never sent, so the command fails with 9, not 4.
#[test]
fn a_write_whose_first_read_fails_is_9_and_sends_nothing() {
    let mock = Mocked::start();
    mock.answer(
        "GET",
        &format!("/markets/{MARKET}"),
        ResponseTemplate::new(500),
        1,
    );
    let error = json_error(mock.lmts().args(&gtc_buy("326", "0.42", "10")[1..]), 9);
    assert_eq!(error["request"]["operation"], "get_market");
    assert!(error.get("sentOrders").is_none(), "{error}");
    assert_eq!(mock.received(), [format!("GET /markets/{MARKET}")]);
}

/// A server that reads each request and hangs up without answering.
fn hang_up_server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let served = Arc::new(AtomicUsize::new(0));
    let count = served.clone();
    std::thread::spawn(move || {
        for connection in listener.incoming() {
            let Ok(mut connection) = connection else {
                return;
            };
            // The whole head (and any small body) has arrived: the request
            // reached the server. Then the connection closes unanswered.
            let mut buffer = [0u8; 8192];
            let _ = connection.read(&mut buffer);
            count.fetch_add(1, Ordering::SeqCst);
        }
    });
    (url, served)
}

#[test]
fn a_lost_answer_is_9_for_a_read_and_4_for_a_write() {
    let config = tempfile::tempdir().unwrap();
    let (url, served) = hang_up_server();
    let read = json_error(lmts_at(&url, &config).args(READ), 9);
    assert_eq!(read["kind"], "failed");
    // A read may be sent again: the client retried it.
    assert!(served.load(Ordering::SeqCst) >= 1);

    let (url, served) = hang_up_server();
    let write = json_error(lmts_at(&url, &config).args(WRITE), 4);
    assert_eq!(write["kind"], "outcome_unknown");
    // The write is never sent a second time.
    assert_eq!(served.load(Ordering::SeqCst), 1);
}

#[test]
fn network_5_when_nothing_reached_the_server() {
    let config = tempfile::tempdir().unwrap();
    let refusing = RefusingPort::new();
    let url = refusing.url("http");
    for args in [READ, WRITE] {
        let error = json_error(lmts_at(&url, &config).args(args), 5);
        assert_eq!(error["kind"], "network", "{args:?}");
    }
}

#[test]
fn credentials_6_before_anything_is_sent() {
    let config = tempfile::tempdir().unwrap();
    let refusing = RefusingPort::new();
    let url = refusing.url("http");
    for args in [READ, WRITE] {
        // No token at all.
        let mut command = lmts_at(&url, &config);
        command
            .env_remove("LIMITLESS_API_TOKEN_ID")
            .env_remove("LIMITLESS_API_SECRET");
        assert_eq!(json_error(command.args(args), 6)["kind"], "credentials");
        // A secret that is not base64.
        let mut command = lmts_at(&url, &config);
        command.env("LIMITLESS_API_SECRET", "not base64!");
        let error = json_error(command.args(args), 6);
        assert!(
            !error.to_string().contains("not base64!"),
            "the secret is never shown: {error}"
        );
    }
}

/// `account allowances --wait` submits the missing allowances once (a
/// write) and polls (reads) until its deadline; a watch reads until its
/// `--timeout`.
#[test]
fn timed_out_8_when_a_wait_runs_out() {
    let mock = Mocked::start();
    let pending = json!({
        "profileId": 2001, "partnerProfileId": 1001, "chainId": 8453,
        "walletAddress": "0x00000000000000000000000000000000000000a1",
        "ready": false,
        "summary": {"total": 1, "confirmed": 0, "missing": 1, "submitted": 0, "failed": 0},
        "targets": [],
    });
    let allowances = "/profiles/partner-accounts/2001/allowances";
    let answer = ResponseTemplate::new(200).set_body_json(pending);
    let polls = Mock::given(method("GET"))
        .and(path(allowances))
        .and(Signed)
        .respond_with(answer.clone());
    mock.runtime.block_on(polls.mount(&mock.server));
    mock.answer("POST", &format!("{allowances}/retry"), answer, 1);
    let write = json_error(
        mock.lmts()
            .args(["account", "allowances", "2001", "--wait", "--timeout", "1"]),
        8,
    );
    assert_eq!(write["kind"], "timed_out");
    mock.verify();

    // The watch prints the book it saw before it gives up.
    let env = Env::start();
    let read = run(env.lmts().args([
        "--json",
        "market",
        "book",
        MARKET,
        "--watch",
        "--count",
        "1000",
        "--timeout",
        "1",
    ]));
    assert_eq!(read.status.code(), Some(8), "{}", stderr(&read));
    let error: Value = serde_json::from_slice(&read.stderr).expect("JSON on stderr");
    assert_eq!(error["error"]["kind"], "timed_out");
}

/// Ctrl-C while the answer is awaited: 130, for a read and for a write.
#[test]
fn interrupted_130_while_waiting_for_an_answer() {
    for args in [READ, WRITE] {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let config = tempfile::tempdir().unwrap();
        let child = Process::new(assert_cmd::cargo::cargo_bin!("lmts"))
            .env_clear()
            .env("LMTS_CONFIG_DIR", config.path())
            .env("LIMITLESS_API_URL", &url)
            .env("LIMITLESS_API_TOKEN_ID", TOKEN_ID)
            .env("LIMITLESS_API_SECRET", SECRET)
            .arg("--json")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Connected, and never answered.
        let (_connection, _) = listener.accept().unwrap();
        let sent = Process::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let output = child.wait_with_output().unwrap();
        assert_eq!(output.status.code(), Some(130), "{args:?}");
        let error: Value = serde_json::from_slice(&output.stderr).unwrap();
        assert_eq!(error["error"]["kind"], "interrupted");
    }
}
