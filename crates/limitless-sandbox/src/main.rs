//! `limitless-sandbox`: run the local Limitless API server until Ctrl-C.

use clap::Parser;
use limitless_sandbox::{ClockOffset, Sandbox, SandboxError};

/// A local, in-memory Limitless Exchange API for offline development.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Port to listen on at 127.0.0.1 (0 picks a free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Run the server clock this many milliseconds ahead (negative: behind).
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    clock_offset_ms: i64,
    /// Limit each credential to this many requests per second.
    #[arg(long)]
    rate_limit: Option<u32>,
    /// Enforce the API's documented per-token limits: 2 requests in flight
    /// and 300 ms between calls (429 with `retryAfterSeconds` beyond them).
    #[arg(long)]
    rate_limits: bool,
}

#[tokio::main]
async fn main() -> Result<(), SandboxError> {
    let args = Args::parse();
    let mut builder = Sandbox::builder()
        .port(args.port)
        .clock_offset(ClockOffset::from_millis(args.clock_offset_ms))
        .documented_rate_limits(args.rate_limits);
    if let Some(limit) = args.rate_limit {
        builder = builder.rate_limit(limit);
    }
    let sandbox = builder.start().await?;

    println!("Limitless sandbox listening on {}", sandbox.base_url());
    println!("Socket.IO API at {} (namespace /markets)", sandbox.ws_url());
    println!();
    println!("Identity tokens (send as `identity: Bearer <token>`):");
    for (role, identity) in ["partner", "user"]
        .into_iter()
        .chain(std::iter::repeat("extra"))
        .zip(sandbox.identities())
    {
        println!(
            "  {role:<8} profile {}  {}  scopes: {}",
            identity.profile_id,
            identity.token(),
            identity.allowed_scopes.join(", ")
        );
    }
    println!(
        "partner private key (sandbox only): {}",
        sandbox.partner_private_key()
    );
    println!();
    println!("Markets:");
    for market in sandbox.markets() {
        println!(
            "  {} (id {}, {:?} venue)",
            market.slug, market.id, market.venue
        );
        println!("    YES {}", market.yes_token_id);
        println!("    NO  {}", market.no_token_id);
    }
    println!("AMM markets (tradeType amm; /amm/* routes):");
    for slug in sandbox.amm_market_slugs() {
        println!("  {slug}");
    }
    println!();
    println!("Press Ctrl-C to stop.");

    if let Err(error) = tokio::signal::ctrl_c().await {
        eprintln!("cannot listen for Ctrl-C ({error}); stopping");
    }
    sandbox.shutdown().await;
    Ok(())
}
