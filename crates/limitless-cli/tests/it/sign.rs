//! `lmts sign` (headers and curl commands run with the real curl) and
//! `lmts verify`.

use std::io::Write;
use std::process::Command as Process;

use serde_json::Value;

use crate::support::{Env, json_error, json_ok, mode, one_document, run, stderr, stdout};

/// Runs a command line with `sh -c`, adding curl's status line; returns
/// the HTTP status and the body.
fn shell(command_line: &str) -> (u16, String) {
    let output = Process::new("sh")
        .arg("-c")
        .arg(format!("{command_line} -w '\\n%{{http_code}}'"))
        .output()
        .expect("sh");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    let (body, status) = text.rsplit_once('\n').expect("status line");
    (status.parse().unwrap(), body.to_owned())
}

#[test]
fn the_curl_command_works_when_pasted() {
    let mut env = Env::start();
    let (token_id, _) = env.derive();
    let output = run(env
        .authed()
        .args(["sign", "GET", "/auth/api-tokens", "--curl"]));
    assert!(output.status.success(), "{}", stderr(&output));
    let command_line = stdout(&output);
    assert!(command_line.starts_with("curl "), "{command_line}");
    assert!(command_line.contains(&env.url()), "{command_line}");

    let (status, body) = shell(command_line.trim_end());
    assert_eq!(status, 200, "{body}");
    let tokens: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(tokens[0]["tokenId"], token_id.as_str());
}

#[test]
fn a_curl_post_sends_the_exact_body_bytes() {
    let mut env = Env::start();
    env.derive();
    // Quotes, a dollar sign, a backslash and a newline survive the shell.
    let body = "{\"displayName\":\"O'Brien $HOME \\\\ `x`\",\n\"createServerWallet\":true}";
    let output = run(env.authed().args([
        "sign",
        "POST",
        "/profiles/partner-accounts",
        "--body",
        body,
        "--curl",
    ]));
    assert!(output.status.success(), "{}", stderr(&output));
    let (status, answer) = shell(stdout(&output).trim_end());
    assert_eq!(status, 201, "{answer}");
    let created: Value = serde_json::from_str(&answer).unwrap();
    let id = created["profileId"].as_i64().unwrap();

    let page = json_ok(env.authed().args(["--json", "account", "list"]));
    let account = page["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["profileId"] == id)
        .unwrap();
    assert_eq!(account["displayName"], "O'Brien $HOME \\ `x`");
}

#[test]
fn sign_prints_the_three_headers_and_verify_accepts_them() {
    let mut env = Env::start();
    let (token_id, secret) = env.derive();
    let body = r#"{"cancel":{"orderId":"x"}}"#;
    let output =
        run(env
            .authed()
            .args(["sign", "POST", "/orders/cancel-replace?x=1", "--body", body]));
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(lines[0], format!("lmts-api-key: {token_id}"));
    assert!(lines[1].starts_with("lmts-timestamp: "), "{text}");
    assert!(lines[2].starts_with("lmts-signature: "), "{text}");
    assert!(!text.contains(&secret));

    let verify = |path: &str, body: &str| {
        let mut command = env.lmts();
        command.env("PARTNER_SECRET", &secret).args([
            "verify",
            "post",
            path,
            "--body",
            body,
            "--secret-env",
            "PARTNER_SECRET",
        ]);
        for line in &lines {
            command.args(["-H", line]);
        }
        run(&mut command)
    };
    let valid = verify("/orders/cancel-replace?x=1", body);
    assert_eq!(valid.status.code(), Some(0), "{}", stderr(&valid));
    assert_eq!(
        stdout(&valid).trim(),
        format!("valid: signed by token {token_id}")
    );

    // Another body, another query: not valid, exit 7, and the reason.
    for (path, body) in [
        (
            "/orders/cancel-replace?x=1",
            r#"{"cancel":{"orderId":"y"}}"#,
        ),
        ("/orders/cancel-replace?x=2", body),
    ] {
        let invalid = verify(path, body);
        assert_eq!(invalid.status.code(), Some(7));
        assert_eq!(
            stdout(&invalid).trim(),
            "invalid: signature does not match the request"
        );
        assert_eq!(stderr(&invalid), "");
    }
}

#[test]
fn sign_json_and_bodies_from_files_and_stdin() {
    let mut env = Env::start();
    let (token_id, secret) = env.derive();
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(b"{}").unwrap();
    let from_file = json_ok(env.authed().args([
        "--json",
        "sign",
        "POST",
        "/profiles/partner-accounts/1/allowances/retry",
        "--body",
        &format!("@{}", file.path().display()),
    ]));
    assert_eq!(from_file["method"], "POST");
    assert_eq!(
        from_file["url"],
        format!("{}/profiles/partner-accounts/1/allowances/retry", env.url())
    );
    assert_eq!(from_file["body"], "{}");
    assert_eq!(from_file["headers"]["lmts-api-key"], token_id.as_str());
    assert!(from_file.get("curl").is_none());

    let from_stdin = run(env
        .authed()
        .args(["--json", "sign", "POST", "/x", "--body", "-", "--curl"])
        .write_stdin("{\"a\":1}"));
    let document = one_document(&from_stdin.stdout);
    assert_eq!(document["body"], "{\"a\":1}");
    assert!(
        document["curl"]
            .as_str()
            .unwrap()
            .ends_with("--data-raw '{\"a\":1}'")
    );
    assert!(!stdout(&from_stdin).contains(&secret));
}

#[test]
fn sign_needs_an_api_token() {
    let env = Env::start();
    let error = json_error(
        env.lmts()
            .args(["--json", "sign", "GET", "/auth/api-tokens"]),
        6,
    );
    assert_eq!(error["kind"], "credentials");
    let output = run(env.lmts().args(["sign", "BAD METHOD", "/x"]));
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn verify_json_and_secret_sources() {
    let mut env = Env::start();
    let (token_id, secret) = env.derive();
    let signed = json_ok(
        env.authed()
            .args(["--json", "sign", "GET", "/auth/api-tokens"]),
    );
    let headers: Vec<String> = ["lmts-api-key", "lmts-timestamp", "lmts-signature"]
        .iter()
        .map(|name| format!("{name}: {}", signed["headers"][name].as_str().unwrap()))
        .collect();
    let verify = |extra: &[&str]| {
        let mut command = env.lmts();
        command.args(["--json", "verify", "GET", "/auth/api-tokens"]);
        for header in &headers {
            command.args(["-H", header]);
        }
        command.args(extra);
        command
    };

    // From the default variable.
    let valid = json_ok(verify(&[]).env("LIMITLESS_API_SECRET", &secret));
    assert_eq!(
        valid,
        serde_json::json!({"valid": true, "tokenId": token_id, "reason": null})
    );

    // From an owner-only file; a file others may read is refused.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("secret");
    std::fs::write(&path, format!("{secret}\n")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let path_text = path.display().to_string();
    let error = json_error(&mut verify(&["--secret-file", &path_text]), 6);
    assert!(
        error["hints"][0]
            .as_str()
            .unwrap()
            .contains(&format!("chmod 600 {path_text}"))
    );
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(mode(&path), 0o600);
    let valid = json_ok(&mut verify(&["--secret-file", &path_text]));
    assert_eq!(valid["valid"], true);

    // The wrong secret: not valid.
    let output = run(verify(&[]).env("LIMITLESS_API_SECRET", "c2VjcmV0"));
    assert_eq!(output.status.code(), Some(7));
    let verdict = one_document(&output.stdout);
    assert_eq!(verdict["valid"], false);
    assert_eq!(verdict["tokenId"], token_id.as_str());
    assert_eq!(verdict["reason"], "signature does not match the request");

    // A missing header: not valid either.
    let mut command = env.lmts();
    command.env("LIMITLESS_API_SECRET", &secret).args([
        "--json",
        "verify",
        "GET",
        "/auth/api-tokens",
        "-H",
        &headers[0],
    ]);
    let output = run(&mut command);
    assert_eq!(output.status.code(), Some(7));
    assert_eq!(
        one_document(&output.stdout)["reason"],
        "missing header lmts-timestamp"
    );

    // No secret at all: credentials.
    let error = json_error(&mut verify(&[]), 6);
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("LIMITLESS_API_SECRET")
    );
}
