//! `lmts mcp`: the API as Model Context Protocol tools for AI agents, over
//! stdio, with the official Rust SDK (`rmcp`).
//!
//! The tools are rows of one table ([`tools::TOOLS`]), each calling an
//! operation of `limitless_client::ops`, its input schema derived from the
//! operation's input type. Reads are always offered. Writes (delegated
//! orders, cancels, cancel-all, cancel-replace) only with
//! `--allow-trading`, only for the `--sub-account`s and `--market`s named
//! on the command line, within the session's `--max-notional` and
//! `--max-orders` ([`guard`]); and each write is two calls: the first
//! answers the exact signed request (as `--dry-run` prints it) and a
//! one-time confirmation token bound to it, the second, with the token,
//! sends that very request. An order whose outcome is unknown is looked
//! up, never sent again. Resources: the session's writes, and the live
//! books of the markets subscribed to ([`books`]).
//!
//! Credentials and profiles are those of every `lmts` command. Nothing is
//! printed but the protocol on stdout; no secret is in any answer (the
//! previews show the token id and the request's signature, as a dry run
//! does, never the secret).

mod books;
mod guard;
mod server;
mod tools;

use std::collections::BTreeSet;
use std::sync::Arc;

use limitless_client::Decimal;
use rmcp::ServiceExt;

use self::guard::Policy;
use self::server::{Handler, Session};
use crate::cli::McpArgs;
use crate::config::Settings;
use crate::exit::{CliError, Exit};

/// Serves one MCP session on stdin and stdout until the host closes stdin
/// (or Ctrl-C).
pub(crate) async fn run(
    profile: Option<&str>,
    args: &McpArgs,
    interrupted: impl Future<Output = ()>,
) -> Result<(), CliError> {
    let policy = policy(args)?;
    let settings = Settings::load(profile)?;
    let client = settings.client()?;
    let ws_url = settings.ws_url(args.ws_url.as_deref());
    let session = Arc::new(Session::new(client, policy, ws_url));
    let service = Handler::new(Arc::clone(&session))
        .serve(rmcp::transport::stdio())
        .await
        .map_err(|error| CliError::internal(format!("the MCP session did not start: {error}")))?;
    let outcome = tokio::select! {
        biased;
        () = interrupted => Err(CliError::new(Exit::Interrupted, "interrupted; the MCP session was closed")),
        ended = service.waiting() => ended
            .map(drop)
            .map_err(|error| CliError::internal(format!("the MCP session failed: {error}"))),
    };
    session.shutdown().await;
    outcome
}

/// The scope and caps of `--allow-trading`, checked.
fn policy(args: &McpArgs) -> Result<Policy, CliError> {
    if !args.allow_trading {
        return Ok(Policy::read_only());
    }
    let max_notional = args.max_notional.as_deref().unwrap_or_default().trim();
    let max_notional: Decimal = max_notional.parse().map_err(|_| {
        CliError::usage(format!(
            "--max-notional must be an amount of USDC such as 50 or 12.5, got {max_notional:?}"
        ))
    })?;
    if max_notional <= Decimal::ZERO {
        return Err(CliError::usage("--max-notional must be more than 0 USDC"));
    }
    let markets: BTreeSet<String> = args
        .markets
        .iter()
        .map(|market| market.trim().to_owned())
        .filter(|market| !market.is_empty())
        .collect();
    if markets.is_empty() {
        return Err(CliError::usage(
            "--allow-trading needs at least one --market SLUG",
        ));
    }
    if let Some(bad) = args.sub_accounts.iter().find(|id| **id <= 0) {
        return Err(CliError::usage(format!(
            "--sub-account takes a sub-account's profile id (a positive integer), got {bad}"
        )));
    }
    Ok(Policy {
        allow_trading: true,
        sub_accounts: args.sub_accounts.iter().copied().collect(),
        markets,
        max_notional,
        max_orders: args.max_orders.unwrap_or(0),
    })
}
