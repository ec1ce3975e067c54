//! A sandbox running in the test process, a private config directory, and
//! `lmts` commands pointed at both with nothing else from the environment.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Output, Stdio};

use assert_cmd::Command;
use assert_cmd::cargo::cargo_bin_cmd;
use limitless_sandbox::{Sandbox, SandboxHandle};
use serde_json::Value;
use tempfile::TempDir;

/// The seeded market the tests trade on (legacy venue, YES at 0.42).
pub(crate) const MARKET: &str = "btc-above-120k-dec-31-2026";

/// Every scope a partner test needs.
pub(crate) const ALL_SCOPES: &str = "trading,account_creation,delegated_signing,withdrawal";

pub(crate) struct Env {
    pub(crate) sandbox: SandboxHandle,
    config: TempDir,
    token: Option<(String, String)>,
    // Last: the sandbox's tasks run on it.
    runtime: tokio::runtime::Runtime,
}

impl Env {
    /// A fresh sandbox on its own runtime, and an empty config directory.
    pub(crate) fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let sandbox = runtime.block_on(Sandbox::start()).expect("sandbox");
        Self {
            sandbox,
            config: tempfile::tempdir().expect("config dir"),
            token: None,
            runtime,
        }
    }

    pub(crate) fn url(&self) -> String {
        self.sandbox.base_url()
    }

    pub(crate) fn profile_path(&self, name: &str) -> PathBuf {
        self.config
            .path()
            .join("profiles")
            .join(format!("{name}.toml"))
    }

    /// `lmts` with only the sandbox's URL and the config directory set.
    pub(crate) fn lmts(&self) -> Command {
        let mut command = cargo_bin_cmd!("lmts");
        command
            .env_clear()
            .env("LMTS_CONFIG_DIR", self.config.path())
            .env("LIMITLESS_API_URL", self.url());
        command
    }

    /// `lmts` with the partner's identity token as well.
    pub(crate) fn with_identity(&self) -> Command {
        let mut command = self.lmts();
        command.env(
            "LIMITLESS_IDENTITY_TOKEN",
            self.sandbox.partner_identity_token(),
        );
        command
    }

    /// `lmts` with the API token of [`Env::derive`] in the environment.
    pub(crate) fn authed(&self) -> Command {
        let (token_id, secret) = self.token.as_ref().expect("derive a token first");
        let mut command = self.with_identity();
        command
            .env("LIMITLESS_API_TOKEN_ID", token_id)
            .env("LIMITLESS_API_SECRET", secret);
        command
    }

    /// Runs `future` on the sandbox's runtime (for its async test hooks).
    pub(crate) fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// Starts `lmts args` as a child process whose stdout is read line by
    /// line (see [`Watcher`]), with the API token of [`Env::derive`] in the
    /// environment when `authed`.
    pub(crate) fn watch(&self, authed: bool, args: &[&str]) -> Watcher {
        let mut command = self.child_command(authed, args);
        command.stdin(Stdio::null());
        let mut child = command.spawn().expect("start lmts");
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        Watcher { child, stdout }
    }

    /// Starts `lmts args` with stdin and stdout piped (an MCP session over
    /// stdio) and stderr captured: the sandbox's URL, the config
    /// directory, the token of [`Env::derive`] (when there is one), then
    /// `vars`, which may replace any of them.
    pub(crate) fn spawn_piped(&self, vars: &[(&str, &str)], args: &[&str]) -> Child {
        let mut command = self.child_command(self.token.is_some(), args);
        command.stdin(Stdio::piped());
        for (name, value) in vars {
            command.env(name, value);
        }
        command.spawn().expect("start lmts")
    }

    /// `lmts args` to run as a child process, stdout and stderr piped:
    /// only the sandbox's URL and the config directory in its environment,
    /// and the token of [`Env::derive`] when `authed`.
    fn child_command(&self, authed: bool, args: &[&str]) -> std::process::Command {
        let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin!("lmts"));
        command
            .env_clear()
            .env("LMTS_CONFIG_DIR", self.config.path())
            .env("LIMITLESS_API_URL", self.url())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if authed {
            let (token_id, secret) = self.token.as_ref().expect("derive a token first");
            command
                .env("LIMITLESS_API_TOKEN_ID", token_id)
                .env("LIMITLESS_API_SECRET", secret);
        }
        command
    }

    /// Derives a token with every scope through `lmts` and keeps it for
    /// [`Env::authed`].
    pub(crate) fn derive(&mut self) -> (String, String) {
        let derived = json_ok(
            self.with_identity()
                .args(["--json", "token", "derive", "--scopes", ALL_SCOPES]),
        );
        let token = (
            derived["tokenId"].as_str().expect("tokenId").to_owned(),
            derived["secret"].as_str().expect("secret").to_owned(),
        );
        self.token = Some(token.clone());
        token
    }

    /// A fresh sandbox with a token derived and one ready sub-account
    /// (see [`Env::sub_account`]); the sub-account's id, as text.
    pub(crate) fn trading() -> (Self, String) {
        let mut env = Self::start();
        env.derive();
        let id = env.sub_account().to_string();
        (env, id)
    }

    /// A server-wallet sub-account with its allowances ready; its profile id.
    pub(crate) fn sub_account(&self) -> i64 {
        self.sub_account_named("alice")
    }

    /// A ready server-wallet sub-account named `name`.
    pub(crate) fn sub_account_named(&self, name: &str) -> i64 {
        let account = json_ok(self.authed().args([
            "--json",
            "account",
            "create",
            "--server-wallet",
            "--name",
            name,
        ]));
        let id = account["profileId"].as_i64().expect("profileId");
        json_ok(
            self.authed()
                .args(["--json", "account", "allowances", &id.to_string(), "--wait"]),
        );
        id
    }
}

/// A running `lmts` whose stdout is read a line at a time: what the
/// tests synchronise on (a line printed is a state reached).
pub(crate) struct Watcher {
    child: Child,
    stdout: BufReader<ChildStdout>,
}

impl Watcher {
    /// The next line of stdout, as text; `None` at its end.
    pub(crate) fn text_line(&mut self) -> Option<String> {
        let mut line = String::new();
        let read = self.stdout.read_line(&mut line).expect("read stdout");
        (read > 0).then(|| line.trim_end_matches('\n').to_owned())
    }

    /// The next line of stdout, one JSON object.
    pub(crate) fn line(&mut self) -> Value {
        let Some(line) = self.text_line() else {
            let (code, _, stderr) = self.finish();
            panic!("lmts ended ({code:?}) before the line expected: {stderr}");
        };
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
    }

    /// The process id, to signal it.
    pub(crate) fn id(&self) -> u32 {
        self.child.id()
    }

    /// Waits for the end: the exit code, the rest of stdout, stderr.
    pub(crate) fn finish(&mut self) -> (Option<i32>, String, String) {
        finish_child(&mut self.child, &mut self.stdout)
    }
}

/// Waits for a child `lmts` to end: its exit code, the rest of its stdout
/// (read from `stdout`), its stderr.
pub(crate) fn finish_child(
    child: &mut Child,
    stdout: &mut impl Read,
) -> (Option<i32>, String, String) {
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).expect("read stdout");
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        pipe.read_to_string(&mut stderr).expect("read stderr");
    }
    let status = child.wait().expect("wait for lmts");
    (status.code(), rest, stderr)
}

impl Drop for Watcher {
    fn drop(&mut self) {
        // A failed assertion leaves no process behind.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `order place gtc`: a buy of YES on [`MARKET`], for no one yet.
pub(crate) fn place_gtc_buy<'a>(price: &'a str, size: &'a str) -> Vec<&'a str> {
    vec![
        "order",
        "place",
        "gtc",
        "--market",
        MARKET,
        "--outcome",
        "yes",
        "--side",
        "buy",
        "--price",
        price,
        "--size",
        size,
    ]
}

/// The arguments of a GTC buy of YES on [`MARKET`] for sub-account `id`.
pub(crate) fn gtc_buy<'a>(id: &'a str, price: &'a str, size: &'a str) -> Vec<&'a str> {
    let mut args = vec!["--json"];
    args.extend(place_gtc_buy(price, size));
    args.extend(["--for", id]);
    args
}

/// The keys of a JSON object, sorted.
pub(crate) fn sorted_keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .expect("a JSON object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

/// Runs `command` with `args` and checks it exits with `code`.
pub(crate) fn assert_exit(command: &mut Command, args: &[&str], code: i32) {
    let output = run(command.args(args));
    assert_eq!(
        output.status.code(),
        Some(code),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs `command` and returns its output, whatever its exit code.
pub(crate) fn run(command: &mut Command) -> Output {
    command.output().expect("run lmts")
}

/// Runs `command`, checks it succeeded with an empty stderr, and parses
/// stdout as exactly one JSON document.
pub(crate) fn json_ok(command: &mut Command) -> Value {
    let output = run(command);
    assert!(
        output.status.success(),
        "lmts failed ({:?}): {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    one_document(&output.stdout)
}

/// Stdout as one JSON document on one line.
pub(crate) fn one_document(stdout: &[u8]) -> Value {
    let text = std::str::from_utf8(stdout).expect("UTF-8 stdout");
    assert_eq!(text.lines().count(), 1, "one line of JSON: {text}");
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Runs `command`, checks its exit code, and returns the JSON error object
/// it printed on stderr (stdout must be empty).
pub(crate) fn json_error(command: &mut Command, code: i32) -> Value {
    let output = run(command);
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout: {} stderr: {}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout), "");
    let error: Value = serde_json::from_slice(&output.stderr).expect("JSON on stderr");
    assert_eq!(error["error"]["exitCode"], code);
    error["error"].clone()
}

pub(crate) fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The file's permission bits.
#[cfg(unix)]
pub(crate) fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}
