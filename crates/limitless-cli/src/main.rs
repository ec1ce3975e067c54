//! `lmts`: the Limitless Exchange programmatic API from the command line,
//! a thin layer over `limitless-client`.
//!
//! ```text
//! lmts [--json] [--profile NAME] [--dry-run] <command>
//!   token        capabilities | derive [--save NAME] | list | revoke ID
//!   account      create (--server-wallet | --eoa-key-env VAR) | list | recover ADDRESS
//!                | allowances ID [--retry | --wait] | withdrawal-address add | remove
//!   order        place gtc|fak|fok | cancel ID | cancel-all | replace ID | list
//!                | watch [--market SLUG] [--tx]
//!                (--for PROFILE_ID: delegated; --key-env VAR: self-signed EIP-712)
//!   market       get SLUG | active | book SLUG [--watch [--depth N]]
//!   wallet       redeem | withdraw
//!   sign         METHOD PATH [--body @file|-|TEXT] [--curl]
//!   verify       METHOD PATH [--body ...] -H 'lmts-…: …' (--secret-env VAR | --secret-file PATH)
//!   sandbox      [--port N] | --print-env
//!   mcp          [--allow-trading --sub-account ID --market SLUG --max-notional USDC --max-orders N]
//!   completions  bash|zsh|fish|elvish|powershell
//! ```
//!
//! # Credentials
//!
//! From the environment (`LIMITLESS_API_URL`, `LIMITLESS_API_TOKEN_ID`,
//! `LIMITLESS_API_SECRET`, `LIMITLESS_IDENTITY_TOKEN`) or a profile file,
//! `<config dir>/profiles/NAME.toml`, selected with `--profile NAME` (or
//! `LMTS_PROFILE`; `default` when it exists and none is selected). The
//! environment wins value by value; the token id and secret are one pair
//! and come together from one place: `LIMITLESS_API_TOKEN_ID` /
//! `LIMITLESS_API_SECRET`, else the official tutorials' `LMTS_TOKEN_ID` /
//! `LMTS_TOKEN_SECRET`, else the profile. The config directory is
//! `LMTS_CONFIG_DIR`, else the platform's (`~/.config/lmts` on Linux).
//! The socket commands connect to `--ws-url` or `LIMITLESS_WS_URL`, else
//! to `wss://ws.limitless.exchange` for the production API and to the API
//! URL's host otherwise (the sandbox serves both on one port).
//! `lmts token derive --save NAME` creates the profile owner-only (0600,
//! in a 0700 directory); a profile that group or others may access is
//! refused, with the `chmod 600` that fixes it. No secret is printed,
//! logged or shown in an error, except the one-time secret of
//! `token derive` when it is not saved.
//!
//! # Exit codes
//!
//! One table, rendered from `exit::Exit`: `lmts --help` prints it and
//! `docs/cli.md` carries it (a test keeps the page equal to it). The codes
//! come from the client's own classification of its errors
//! (`limitless_client::Error::outcome`).
//!
//! # Output
//!
//! Tables for people by default. `--json` prints exactly one JSON document
//! on stdout, compact, on one line:
//!
//! * a command that returns an API object prints that object as the client
//!   decodes it, with the API's camelCase names: `token capabilities`,
//!   `token list` (an array), `account create`, `account list` (the page),
//!   `account recover` (the account or `null`), `account allowances`,
//!   `account withdrawal-address add`, `order place` (`{"order",
//!   "makerMatches", "execution"}`), `order replace` (`{"cancel",
//!   "replacement"}`), `order list` (an array), `market get`, `market
//!   active`, `market book`, `wallet redeem`, `wallet withdraw`. Amounts
//!   and sizes are integer micro-units (1 share or 1 USDC = 1000000).
//! * `token derive`: `{"tokenId", "apiKey", "createdAt", "scopes",
//!   "profile": {"id", "account"}, "secret"?, "saved"?: {"profile", "path"}}`
//!   (`secret` only when not saved).
//! * `token revoke`: `{"tokenId", "message"}`; `order cancel`: `{"orderId",
//!   "message"}`; `order cancel-all`: `{"marketSlug", "message"}`;
//!   `account withdrawal-address remove`: `{"removed"}`.
//! * `sign`: `{"method", "url", "headers": {"lmts-api-key",
//!   "lmts-timestamp", "lmts-signature"}, "body", "curl"?}`.
//! * `verify`: `{"valid", "tokenId", "reason"}`.
//! * `sandbox`: `{"url", "configDir", "env", "partner": {"profileId",
//!   "account"}, "markets": [{"slug", "title", "yesTokenId",
//!   "noTokenId"}]}`; `sandbox --print-env`: `{"env", "unset"}`.
//! * the socket commands print NDJSON, one object a line, as events
//!   arrive, each with a `type`: `market book --watch`: `{"type": "book",
//!   "marketSlug", "tokenId", "version", "timestamp", "bids": [{"price",
//!   "size"}], "asks", "spread", "midpoint"}` (every level; prices and sizes
//!   exact decimal strings, sizes in shares); `order watch`: `{"type":
//!   "subscribed", "channels", "markets"}` first, then `{"type":
//!   "orderEvent" | "tx", "event": {...}}` (the event as the stream client
//!   decodes it, which keeps its own `type`, e.g. `PLACEMENT`). Both print
//!   notices: `{"type": "reconnecting", "attempt", "reason"}`, `{"type":
//!   "reconnected"}`, `{"type": "lagged", "missed"}` (read the state again),
//!   `{"type": "unrecognized", "event", "payload"}`. `--count` counts events,
//!   not notices.
//! * `--dry-run` (any command that calls the API): `{"dryRun": true,
//!   "operation", "method", "url", "headers", "body", "idempotent",
//!   "orders": [{"marketSlug", "salt", "ownerId", "clientOrderId"}]}`,
//!   identity tokens redacted.
//!
//! On failure stdout stays empty and stderr holds `lmts: error: …` lines,
//! or with `--json` one object: `{"error": {"kind", "exitCode", "message",
//! "hints"?, "status"?, "apiMessage"?, "request"?: {"operation", "method",
//! "path"}, "sentOrders"?: [{"marketSlug", "salt", "ownerId",
//! "clientOrderId"}]}}`, `kind` and `exitCode` as in the exit table. Some commands print their result and still exit non-zero:
//! `verify` (7, the verdict is the result), `order replace` (3 or 4 when
//! the replacement was not placed), and the socket commands (the lines
//! printed before Ctrl-C, 130, a `--timeout`, 8, or a stream that closed).

mod cli;
mod commands;
mod config;
mod exit;
mod mcp;
mod output;

use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;

use crate::cli::Cli;
use crate::exit::{CliError, Exit};
use crate::output::Output;

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(error) => return ExitCode::from(usage_error(&error, &args)),
    };
    let out = Output::new(cli.json);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            let error = CliError::internal(format!("cannot start the async runtime: {error}"));
            return ExitCode::from(out.error(&error));
        }
    };
    let result = runtime.block_on(async {
        // Installed before any work, so a Ctrl-C is never lost to the
        // default action (which would end the process without a word).
        let interrupted = interrupt()?;
        if commands::stops_on_interrupt(&cli) {
            // It stops on Ctrl-C itself, cleanly.
            return commands::run_until_interrupted(cli, out, interrupted).await;
        }
        tokio::select! {
            biased;
            () = interrupted => Err(CliError::new(
                Exit::Interrupted,
                "interrupted; a request in flight may or may not have been carried out",
            )),
            result = commands::run(cli, out) => result,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => ExitCode::from(out.error(&error)),
    }
}

/// Resolves on Ctrl-C (SIGINT). The handler is installed by this call, not
/// on the first poll.
#[cfg(unix)]
fn interrupt() -> Result<impl Future<Output = ()>, CliError> {
    use tokio::signal::unix::{SignalKind, signal};

    let mut interrupts = signal(SignalKind::interrupt())
        .map_err(|error| CliError::internal(format!("cannot listen for Ctrl-C: {error}")))?;
    Ok(async move {
        interrupts.recv().await;
    })
}

/// Resolves on Ctrl-C.
#[cfg(not(unix))]
fn interrupt() -> Result<impl Future<Output = ()>, CliError> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

/// Prints a parse error (or the help or version clap was asked for) and
/// returns the exit code: 2 for usage errors, as clap's own; with `--json`
/// among the arguments the error is a JSON object.
fn usage_error(error: &clap::Error, args: &[std::ffi::OsString]) -> u8 {
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = error.print();
        return if error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
            Exit::Usage.code()
        } else {
            0
        };
    }
    if args.iter().any(|arg| arg == "--json") {
        // clap's text up to its usage line, on one line.
        let text = error.to_string();
        let message = text
            .lines()
            .take_while(|line| !line.trim().is_empty() && !line.starts_with("Usage:"))
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" ");
        let message = message.trim_start_matches("error: ").to_owned();
        let cli = CliError::usage(message).hint("see --help");
        return Output::new(true).error(&cli);
    }
    let _ = error.print();
    Exit::Usage.code()
}
