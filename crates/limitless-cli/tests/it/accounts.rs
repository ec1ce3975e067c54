//! `lmts account`: create, list, recover, allowances, withdrawal addresses.

use limitless_eip712::LocalSigner;
use serde_json::Value;

use crate::support::{Env, assert_exit, json_error, json_ok, run, sorted_keys, stderr, stdout};

#[test]
fn create_list_and_recover_a_server_wallet_account() {
    let mut env = Env::start();
    env.derive();
    let created = json_ok(env.authed().args([
        "--json",
        "account",
        "create",
        "--server-wallet",
        "--name",
        "alice",
    ]));
    assert_eq!(sorted_keys(&created), ["account", "profileId"]);
    let id = created["profileId"].as_i64().unwrap();
    let address = created["account"].as_str().unwrap();

    let page = json_ok(
        env.authed()
            .args(["--json", "account", "list", "--limit", "5"]),
    );
    assert_eq!(page["page"], 1);
    assert_eq!(page["limit"], 5);
    assert_eq!(page["hasMore"], false);
    assert_eq!(page["data"][0]["profileId"], id);
    assert_eq!(page["data"][0]["displayName"], "alice");

    let found = json_ok(env.authed().args(["--json", "account", "recover", address]));
    assert_eq!(found["profileId"], id);
    assert_eq!(found["account"], address);
    let missing = json_ok(env.authed().args([
        "--json",
        "account",
        "recover",
        "0x1111111111111111111111111111111111111111",
    ]));
    assert_eq!(missing, Value::Null);

    let human = run(env.authed().args(["account", "list"]));
    let text = stdout(&human);
    assert!(text.starts_with("PROFILE ID"), "{text}");
    assert!(
        text.contains(&id.to_string()) && text.contains("alice"),
        "{text}"
    );
}

#[test]
fn create_an_eoa_account_with_a_key_from_the_environment() {
    let mut env = Env::start();
    env.derive();
    let key = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
    let created = json_ok(env.authed().env("EOA_KEY", key).args([
        "--json",
        "account",
        "create",
        "--eoa-key-env",
        "EOA_KEY",
        "--name",
        "bob",
    ]));
    let address = LocalSigner::from_hex(key).unwrap().address().to_checksum();
    assert!(
        created["account"]
            .as_str()
            .unwrap()
            .eq_ignore_ascii_case(&address),
        "{created}"
    );

    // A missing key variable: credentials, nothing sent, the key never shown.
    let before = env.sandbox.request_count();
    let error = json_error(
        env.authed().args([
            "--json",
            "account",
            "create",
            "--eoa-key-env",
            "NO_SUCH_KEY",
        ]),
        6,
    );
    assert!(
        error["message"].as_str().unwrap().contains("NO_SUCH_KEY"),
        "{error}"
    );
    assert_eq!(env.sandbox.request_count(), before);
}

#[test]
fn create_needs_exactly_one_mode() {
    let mut env = Env::start();
    env.derive();
    for args in [
        vec!["account", "create"],
        vec!["account", "create", "--server-wallet", "--eoa-key-env", "K"],
    ] {
        assert_exit(&mut env.authed(), &args, 2);
    }
    assert_eq!(env.sandbox.request_count(), 1, "only the derive");
}

#[test]
fn create_dry_run_shows_the_body_and_sends_nothing() {
    let mut env = Env::start();
    env.derive();
    let before = env.sandbox.request_count();
    let dry = json_ok(env.authed().args([
        "--json",
        "--dry-run",
        "account",
        "create",
        "--server-wallet",
        "--name",
        "carol",
    ]));
    assert_eq!(dry["operation"], "create_account");
    assert_eq!(dry["method"], "POST");
    assert_eq!(
        dry["url"],
        format!("{}/profiles/partner-accounts", env.url())
    );
    assert_eq!(
        dry["body"],
        r#"{"displayName":"carol","createServerWallet":true}"#
    );
    assert_eq!(dry["idempotent"], false);
    assert_eq!(dry["headers"]["content-type"], "application/json");
    assert_eq!(env.sandbox.request_count(), before);
}

/// A dry run shows what the client marked sensitive as `<redacted>` (the
/// EOA's ownership signature) and the rest as sent, the request's own
/// `lmts-signature` included.
#[test]
fn an_eoa_dry_run_redacts_the_ownership_signature() {
    let mut env = Env::start();
    env.derive();
    let key = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
    let before = env.sandbox.request_count();
    let dry = json_ok(env.authed().env("EOA_KEY", key).args([
        "--json",
        "--dry-run",
        "account",
        "create",
        "--eoa-key-env",
        "EOA_KEY",
    ]));
    let headers = &dry["headers"];
    assert_eq!(headers["x-signature"], "<redacted>", "{dry}");
    let address = LocalSigner::from_hex(key).unwrap().address().to_checksum();
    assert!(
        headers["x-account"]
            .as_str()
            .unwrap()
            .eq_ignore_ascii_case(&address),
        "{dry}"
    );
    assert!(headers["x-signing-message"].is_string(), "{dry}");
    let signature = headers["lmts-signature"].as_str().unwrap();
    assert_eq!(signature.len(), 44, "{dry}");
    assert_eq!(env.sandbox.request_count(), before);
}

#[test]
fn allowances_check_retry_and_wait() {
    let mut env = Env::start();
    env.derive();
    let created = json_ok(
        env.authed()
            .args(["--json", "account", "create", "--server-wallet"]),
    );
    let id = created["profileId"].as_i64().unwrap().to_string();

    let checked = json_ok(env.authed().args(["--json", "account", "allowances", &id]));
    assert_eq!(checked["profileId"].to_string(), id);
    assert_eq!(checked["ready"], false);
    assert_eq!(checked["summary"]["total"], 4);
    assert_eq!(checked["summary"]["missing"], 4);
    assert_eq!(checked["walletAddress"], created["account"]);
    let target = &checked["targets"][0];
    for key in [
        "type",
        "tokenAddress",
        "spenderOrOperator",
        "label",
        "requiredFor",
        "status",
    ] {
        assert!(target.get(key).is_some(), "{key} in {target}");
    }

    let before = env.sandbox.request_count();
    let dry = json_ok(env.authed().args([
        "--json",
        "--dry-run",
        "account",
        "allowances",
        &id,
        "--retry",
    ]));
    assert_eq!(
        dry["url"],
        format!(
            "{}/profiles/partner-accounts/{id}/allowances/retry",
            env.url()
        )
    );
    assert_eq!(dry["body"], "{}");
    assert_eq!(env.sandbox.request_count(), before);

    let retried = json_ok(
        env.authed()
            .args(["--json", "account", "allowances", &id, "--retry"]),
    );
    assert_eq!(retried["summary"]["submitted"], 4);

    let ready = json_ok(
        env.authed()
            .args(["--json", "account", "allowances", &id, "--wait"]),
    );
    assert_eq!(ready["ready"], true);
    assert_eq!(ready["summary"]["confirmed"], 4);

    // --wait has no dry run.
    let output = run(env
        .authed()
        .args(["--dry-run", "account", "allowances", &id, "--wait"]));
    assert_eq!(output.status.code(), Some(2));

    // Another partner's (here: nobody's) profile: the API refuses.
    let error = json_error(
        env.authed()
            .args(["--json", "account", "allowances", "999999"]),
        3,
    );
    assert_eq!(error["request"]["operation"], "check_allowances");
}

#[test]
fn allowances_wait_prints_a_table_for_people() {
    let mut env = Env::start();
    env.derive();
    let created = json_ok(
        env.authed()
            .args(["--json", "account", "create", "--server-wallet"]),
    );
    let id = created["profileId"].to_string();
    let output = run(env.authed().args(["account", "allowances", &id, "--wait"]));
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("ready: yes"), "{text}");
    assert!(text.contains("4/4 confirmed"), "{text}");
    assert!(
        text.contains("USDC_ALLOWANCE") && text.contains("CTF_APPROVAL"),
        "{text}"
    );
    // No spinner without a terminal; progress notes go to stderr.
    assert!(
        stderr(&output).contains("allowances: "),
        "{}",
        stderr(&output)
    );
}

#[test]
fn withdrawal_addresses_need_the_identity_token() {
    let mut env = Env::start();
    env.derive();
    let address = "0x1111111111111111111111111111111111111111";
    let added = json_ok(env.authed().args([
        "--json",
        "account",
        "withdrawal-address",
        "add",
        address,
        "--label",
        "treasury",
    ]));
    assert_eq!(
        added["destinationAddress"].as_str().unwrap().to_lowercase(),
        address
    );
    assert_eq!(added["label"], "treasury");
    assert_eq!(added["profileId"], env.sandbox.identities()[0].profile_id);

    let removed =
        json_ok(
            env.authed()
                .args(["--json", "account", "withdrawal-address", "remove", address]),
        );
    assert_eq!(removed, serde_json::json!({ "removed": address }));

    // With the API token but no identity token: refused before sending.
    let (token_id, secret) = env.derive();
    let before = env.sandbox.request_count();
    let error = json_error(
        env.lmts()
            .env("LIMITLESS_API_TOKEN_ID", token_id)
            .env("LIMITLESS_API_SECRET", secret)
            .args(["--json", "account", "withdrawal-address", "add", address]),
        6,
    );
    assert!(
        error["hints"][0]
            .as_str()
            .unwrap()
            .contains("LIMITLESS_IDENTITY_TOKEN")
    );
    assert_eq!(env.sandbox.request_count(), before);
}

#[test]
fn a_spinner_only_on_a_terminal_and_never_with_json() {
    let mut env = Env::start();
    let (token_id, secret) = env.derive();
    let wait = |json: bool| {
        let created =
            json_ok(
                env.authed()
                    .args(["--json", "account", "create", "--server-wallet"]),
            );
        let id = created["profileId"].to_string();
        // `script` gives the command a terminal for stdout and stderr (and
        // TERM says what kind, or the terminal counts as dumb).
        let line = format!(
            "'{}' {} account allowances {id} --wait",
            env!("CARGO_BIN_EXE_lmts"),
            if json { "--json" } else { "" }
        );
        let output = std::process::Command::new("script")
            .args(["-qec", &line, "/dev/null"])
            .env_clear()
            .env("TERM", "xterm")
            .env("LMTS_CONFIG_DIR", tempfile::tempdir().unwrap().path())
            .env("LIMITLESS_API_URL", env.url())
            .env("LIMITLESS_API_TOKEN_ID", &token_id)
            .env("LIMITLESS_API_SECRET", &secret)
            .output()
            .expect("script");
        assert!(output.status.success(), "{}", stdout(&output));
        stdout(&output)
    };
    let terminal = wait(false);
    assert!(terminal.contains("waiting for profile"), "{terminal}");
    assert!(terminal.contains("ready: yes"), "{terminal}");
    let json = wait(true);
    assert!(!json.contains("waiting for profile"), "{json}");
    let document: Value = serde_json::from_str(json.trim()).expect("only the JSON document");
    assert_eq!(document["ready"], true);
}
