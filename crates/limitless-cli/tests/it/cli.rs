//! The command line itself: help, usage errors, completions, Ctrl-C.

use std::io::Read;
use std::process::{Command, Stdio};

use predicates::prelude::*;

use crate::support::{Env, json_error, run, stdout};

#[test]
fn help_documents_exit_codes_credentials_and_json() {
    let env = Env::start();
    let output = run(env.lmts().arg("--help"));
    assert!(output.status.success());
    let text = stdout(&output);
    for needle in [
        "Exit codes:",
        "9    failed without changing anything",
        "3    the API refused the request",
        "4    outcome unknown",
        "5    network failure before the request reached the server",
        "6    credentials or configuration missing",
        "130  interrupted",
        "LIMITLESS_API_TOKEN_ID",
        "LMTS_CONFIG_DIR",
        "--json prints exactly one JSON document",
        "eval \"$(lmts sandbox --print-env)\"",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from --help");
    }
}

#[test]
fn every_command_has_an_example() {
    let env = Env::start();
    let leaves: &[&[&str]] = &[
        &["token", "capabilities"],
        &["token", "derive"],
        &["token", "list"],
        &["token", "revoke"],
        &["account", "create"],
        &["account", "list"],
        &["account", "recover"],
        &["account", "allowances"],
        &["account", "withdrawal-address", "add"],
        &["account", "withdrawal-address", "remove"],
        &["order", "place", "gtc"],
        &["order", "place", "fak"],
        &["order", "place", "fok"],
        &["order", "cancel"],
        &["order", "cancel-all"],
        &["order", "replace"],
        &["order", "list"],
        &["market", "get"],
        &["market", "active"],
        &["market", "book"],
        &["wallet", "redeem"],
        &["wallet", "withdraw"],
        &["sign"],
        &["verify"],
        &["sandbox"],
        &["completions"],
    ];
    for leaf in leaves {
        let output = run(env.lmts().args(*leaf).arg("--help"));
        assert!(output.status.success(), "{leaf:?}");
        let text = stdout(&output);
        assert!(text.contains("Example"), "{leaf:?} has no example:\n{text}");
        if !matches!(leaf, ["completions"]) {
            assert!(
                text.contains("JSON"),
                "{leaf:?} names no JSON shape:\n{text}"
            );
        }
    }
}

#[test]
fn usage_errors_exit_2_and_speak_json_when_asked() {
    let env = Env::start();
    env.lmts()
        .args(["token", "frobnicate"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "unrecognized subcommand 'frobnicate'",
        ));

    let error = json_error(env.lmts().args(["--json", "order", "place", "gtc"]), 2);
    assert_eq!(error["kind"], "usage");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("--market <SLUG>"),
        "{error}"
    );

    // --dry-run is for commands that call the API.
    let error = json_error(
        env.lmts()
            .args(["--json", "--dry-run", "completions", "bash"]),
        2,
    );
    assert!(error["message"].as_str().unwrap().contains("--dry-run"));
    assert_eq!(env.sandbox.request_count(), 0);
}

#[test]
fn completions_for_bash_zsh_and_fish() {
    let env = Env::start();
    for (shell, marker) in [
        ("bash", "_lmts()"),
        ("zsh", "#compdef lmts"),
        ("fish", "complete -c lmts"),
    ] {
        let output = run(env.lmts().args(["completions", shell]));
        assert!(output.status.success(), "{shell}");
        let script = stdout(&output);
        assert!(script.contains(marker), "{shell}: {marker} missing");
        for word in [
            "token",
            "account",
            "withdrawal-address",
            "cancel-all",
            "dry-run",
            "key-env",
        ] {
            assert!(script.contains(word), "{shell}: {word} missing");
        }
    }
    env.lmts()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid value 'tcsh'"));
}

#[test]
fn ctrl_c_while_waiting_exits_130() {
    // A server that accepts the connection and never answers: lmts waits.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let config = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_lmts"))
        .env_clear()
        .env("LMTS_CONFIG_DIR", config.path())
        .env("LIMITLESS_API_URL", &url)
        .args(["--json", "market", "get", "some-market"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (_connection, _) = listener.accept().unwrap();
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    let mut errors = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut errors)
        .unwrap();
    let error: serde_json::Value = serde_json::from_str(&errors).unwrap();
    assert_eq!(error["error"]["kind"], "interrupted");
}
