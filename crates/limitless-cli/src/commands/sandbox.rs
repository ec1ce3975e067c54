//! `lmts sandbox`: the embedded `limitless-sandbox` in the foreground, and
//! `--print-env`, the shell exports that point `lmts` at it.
//!
//! A running sandbox keeps a config directory of its own,
//! `<config dir>/sandbox/`: its state (URL, throwaway identity token and
//! partner key; owner-only) and whatever profiles are saved against it.
//! `--print-env` points `LMTS_CONFIG_DIR` there, so nothing saved against
//! the sandbox touches the real profiles; the directory goes when the
//! sandbox stops.

use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

use limitless_sandbox::{Sandbox, SandboxHandle};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::config::{
    ENV_API_URL, ENV_CONFIG_DIR, ENV_IDENTITY_TOKEN, ENV_LMTS_TOKEN_ID, ENV_LMTS_TOKEN_SECRET,
    ENV_PROFILE, ENV_SECRET, ENV_TOKEN_ID, Secret, config_dir, read_private_file,
    write_private_file,
};
use crate::exit::{CliError, Exit};
use crate::output::Output;

/// The sandbox's own config directory, under the config directory.
const SANDBOX_DIR: &str = "sandbox";
/// Its state file.
const STATE_FILE: &str = "sandbox.toml";
/// The profile `--print-env` selects (saved with `token derive --save sandbox`).
const SANDBOX_PROFILE: &str = "sandbox";
/// The partner's throwaway private key, for `--key-env`.
const ENV_PARTNER_KEY: &str = "LMTS_SANDBOX_PARTNER_KEY";
/// How many markets the human start-up text lists.
const MARKETS_SHOWN: usize = 3;

/// What a running sandbox leaves for `--print-env`.
#[derive(Serialize, Deserialize)]
struct State {
    url: String,
    addr: SocketAddr,
    identity_token: Secret,
    partner_private_key: Secret,
}

impl State {
    /// The exports, in order, and the variables to unset.
    fn exports(&self, dir: &Path) -> Vec<(&'static str, String)> {
        vec![
            (ENV_API_URL, self.url.clone()),
            (ENV_IDENTITY_TOKEN, self.identity_token.expose().to_owned()),
            (
                ENV_PARTNER_KEY,
                self.partner_private_key.expose().to_owned(),
            ),
            (ENV_CONFIG_DIR, dir.display().to_string()),
            (ENV_PROFILE, SANDBOX_PROFILE.to_owned()),
        ]
    }
}

/// Stale credentials of a real API would override the sandbox's profile.
const UNSET: [&str; 4] = [
    ENV_TOKEN_ID,
    ENV_SECRET,
    ENV_LMTS_TOKEN_ID,
    ENV_LMTS_TOKEN_SECRET,
];

fn sandbox_dir() -> Result<PathBuf, CliError> {
    Ok(config_dir()?.join(SANDBOX_DIR))
}

fn read_state(path: &Path) -> Result<Option<State>, CliError> {
    let Some(text) = read_private_file(path)? else {
        return Ok(None);
    };
    toml::from_str(&text).map(Some).map_err(|_| {
        CliError::credentials(format!("{} is not a sandbox state file", path.display()))
            .hint(format!("remove it: rm {}", crate::config::shell_path(path)))
    })
}

/// Whether something accepts connections at `addr`.
fn answers(addr: SocketAddr) -> bool {
    TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_ok()
}

/// Runs a sandbox until Ctrl-C.
pub(super) async fn run(
    out: Output,
    port: u16,
    interrupted: impl Future<Output = ()>,
) -> Result<(), CliError> {
    let dir = sandbox_dir()?;
    let state_path = dir.join(STATE_FILE);
    if let Some(state) = read_state(&state_path)?
        && answers(state.addr)
    {
        return Err(CliError::usage(format!(
            "a sandbox already runs at {} (its state is in {})",
            state.url,
            dir.display()
        ))
        .hint(format!(
            "use it (eval \"$(lmts sandbox --print-env)\"), stop it, or give this one another {ENV_CONFIG_DIR}"
        )));
    }
    // What is left there is a sandbox's that did not stop cleanly.
    remove_dir(&dir)?;
    let sandbox = Sandbox::builder()
        .port(port)
        .start()
        .await
        .map_err(|error| CliError::internal(format!("cannot start the sandbox: {error}")))?;
    let state = State {
        url: sandbox.base_url(),
        addr: sandbox.addr(),
        identity_token: Secret::new(sandbox.partner_identity_token().to_owned()),
        partner_private_key: Secret::new(sandbox.partner_private_key().to_owned()),
    };
    let text = toml::to_string(&state)
        .map_err(|error| CliError::internal(format!("cannot write the sandbox state: {error}")))?;
    write_private_file(&state_path, text.as_bytes(), true)?;

    let shown = announce(out, &sandbox, &state, &dir);
    if shown.is_ok() {
        interrupted.await;
    }
    sandbox.shutdown().await;
    remove_dir(&dir)?;
    out.note("sandbox stopped");
    shown
}

/// Prints where the sandbox is and how to use it.
fn announce(
    out: Output,
    sandbox: &SandboxHandle,
    state: &State,
    dir: &Path,
) -> Result<(), CliError> {
    let exports = state.exports(dir);
    let partner = &sandbox.identities()[0];
    let markets: Vec<Value> = sandbox
        .markets()
        .iter()
        .map(|market| {
            json!({
                "slug": market.slug,
                "title": market.title,
                "yesTokenId": market.yes_token_id,
                "noTokenId": market.no_token_id,
            })
        })
        .collect();
    let document = json!({
        "url": state.url,
        "configDir": dir.display().to_string(),
        "env": exports.iter().map(|(name, value)| (name.to_string(), json!(value))).collect::<Map<_, _>>(),
        "partner": { "profileId": partner.profile_id, "account": partner.account },
        "markets": markets,
    });
    out.emit(&document, || {
        let mut text = format!(
            "lmts sandbox: a local, in-memory Limitless API at {} (throwaway credentials)\n\n\
             Point lmts at it from another shell:\n  eval \"$(lmts sandbox --print-env)\"\n\nwhich runs:\n",
            state.url
        );
        for line in shell_exports(&exports).lines() {
            text.push_str("  ");
            text.push_str(line);
            text.push('\n');
        }
        text.push_str(&format!(
            "\nPartner: profile {}, account {}\nMarkets ({} in all; `lmts market active` lists them):\n",
            partner.profile_id,
            partner.account,
            sandbox.markets().len()
        ));
        for market in sandbox.markets().iter().take(MARKETS_SHOWN) {
            text.push_str(&format!("  {}  {}\n", market.slug, market.title));
        }
        text.push_str(
            "\nThen, for example:\n  lmts token derive --scopes trading,account_creation,delegated_signing --save sandbox\n  lmts account create --server-wallet --name alice\n\nPress Ctrl-C to stop.",
        );
        text
    })
}

/// `export NAME=value` lines (values quoted for a POSIX shell) and the
/// `unset` line.
fn shell_exports(exports: &[(&str, String)]) -> String {
    let mut lines: Vec<String> = exports
        .iter()
        .map(|(name, value)| {
            let quoted = shlex::try_quote(value).map_or_else(|_| value.clone(), |q| q.into_owned());
            format!("export {name}={quoted}")
        })
        .collect();
    lines.push(format!("unset {}", UNSET.join(" ")));
    lines.join("\n")
}

/// Prints the exports for the running sandbox.
pub(super) fn print_env(out: Output) -> Result<(), CliError> {
    let config = config_dir()?;
    // After an earlier `eval`, the config directory is the sandbox's own.
    let candidates = [config.join(SANDBOX_DIR), config];
    let mut found = None;
    for dir in candidates {
        if let Some(state) = read_state(&dir.join(STATE_FILE))? {
            found = Some((dir, state));
            break;
        }
    }
    let Some((dir, state)) = found else {
        return Err(CliError::new(Exit::Network, "no sandbox is running")
            .hint("start one in another terminal: lmts sandbox"));
    };
    if !answers(state.addr) {
        return Err(CliError::new(
            Exit::Network,
            format!("the sandbox at {} does not answer", state.url),
        )
        .hint("it did not stop cleanly: start a new one with `lmts sandbox`"));
    }
    let exports = state.exports(&dir);
    let document = json!({
        "env": exports.iter().map(|(name, value)| (name.to_string(), json!(value))).collect::<Map<_, _>>(),
        "unset": UNSET,
    });
    out.emit(&document, || shell_exports(&exports))
}

fn remove_dir(dir: &Path) -> Result<(), CliError> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(CliError::internal(format!(
            "cannot remove {}: {error}",
            dir.display()
        ))),
    }
}
