//! `lmts sandbox`: run it as a child process, point `lmts` at it with
//! `--print-env`, stop it with Ctrl-C (SIGINT).

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

/// `lmts` as a plain process with only the config directory set.
fn lmts(config: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lmts"));
    command.env_clear().env("LMTS_CONFIG_DIR", config);
    command
}

/// `lmts --json sandbox --port N` on a port that was free a moment ago, and
/// its first line: the JSON announcement, written once it listens.
///
/// Between finding the port free and the sandbox binding it, another test
/// process may take it; the sandbox then exits saying it cannot start, and
/// another port is tried.
fn sandbox_on_a_chosen_port(config: &std::path::Path) -> (Child, u16, String) {
    for _ in 0..5 {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .unwrap()
            .port();
        let mut child = lmts(config)
            .args(["--json", "sandbox", "--port", &port.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        if !line.is_empty() {
            return (child, port, line);
        }
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        child.wait().unwrap();
        assert!(stderr.contains("cannot start the sandbox"), "{stderr}");
    }
    panic!("five free ports were each taken before the sandbox bound them");
}

#[test]
fn two_commands_set_up_a_session_against_the_sandbox() {
    let config = tempfile::tempdir().unwrap();
    let (mut child, port, line) = sandbox_on_a_chosen_port(config.path());
    let started: Value = serde_json::from_str(&line).unwrap();
    let url = started["url"].as_str().unwrap().to_owned();
    assert_eq!(url, format!("http://127.0.0.1:{port}"));
    let sandbox_dir = config.path().join("sandbox");
    assert_eq!(started["configDir"], sandbox_dir.display().to_string());
    assert_eq!(started["env"]["LIMITLESS_API_URL"], url.as_str());
    assert_eq!(started["env"]["LMTS_PROFILE"], "sandbox");
    assert_eq!(started["partner"]["profileId"], 1001);
    assert_eq!(started["markets"][0]["slug"], "btc-above-120k-dec-31-2026");

    // A second one is refused while the first runs.
    let second = lmts(config.path()).arg("sandbox").output().unwrap();
    assert_eq!(second.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&second.stderr).contains("a sandbox already runs"));

    let exports = lmts(config.path())
        .args(["sandbox", "--print-env"])
        .output()
        .unwrap();
    assert!(exports.status.success());
    let exports = String::from_utf8(exports.stdout).unwrap();
    assert!(
        exports.contains(&format!("export LIMITLESS_API_URL={url}\n")),
        "{exports}"
    );
    assert!(
        exports.ends_with(
            "unset LIMITLESS_API_TOKEN_ID LIMITLESS_API_SECRET LMTS_TOKEN_ID LMTS_TOKEN_SECRET\n"
        ),
        "{exports}"
    );

    // The session of docs/cli.md: eval the exports, derive and save a token,
    // create an account, place an order, list it.
    let script = r#"
        set -e
        eval "$("$LMTS" sandbox --print-env)"
        "$LMTS" token derive --scopes trading,account_creation,delegated_signing --save sandbox >/dev/null
        id=$("$LMTS" --json account create --server-wallet --name alice | sed 's/.*"profileId":\([0-9]*\).*/\1/')
        "$LMTS" account allowances "$id" --wait >/dev/null 2>&1
        "$LMTS" order place gtc --market btc-above-120k-dec-31-2026 --outcome yes --side buy --price 0.42 --size 10 --for "$id" >/dev/null
        "$LMTS" --json order list --market btc-above-120k-dec-31-2026 --for "$id"
    "#;
    let session = Command::new("sh")
        .args(["-c", script])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("LMTS", env!("CARGO_BIN_EXE_lmts"))
        .env("LMTS_CONFIG_DIR", config.path())
        .output()
        .unwrap();
    assert!(
        session.status.success(),
        "{}",
        String::from_utf8_lossy(&session.stderr)
    );
    let orders: Value = serde_json::from_slice(&session.stdout).unwrap();
    assert_eq!(orders[0]["price"], 0.42);
    // The token went to the sandbox's own config directory, owner-only.
    let profile = sandbox_dir.join("profiles").join("sandbox.toml");
    assert!(profile.exists());
    assert!(
        !config.path().join("profiles").exists(),
        "real profiles untouched"
    );

    // Ctrl-C: it stops cleanly, exit 0, and takes its directory along.
    let interrupted = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(!sandbox_dir.exists());

    let after = lmts(config.path())
        .args(["--json", "sandbox", "--print-env"])
        .output()
        .unwrap();
    assert_eq!(after.status.code(), Some(5));
    let error: Value = serde_json::from_slice(&after.stderr).unwrap();
    assert_eq!(error["error"]["message"], "no sandbox is running");
}
