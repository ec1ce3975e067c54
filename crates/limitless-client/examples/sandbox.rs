//! The sandbox itself: a local, in-memory server that speaks the API with
//! real HMAC, EIP-712 and EIP-191 checks. Configured here with an extra
//! partner, a clock 45 s ahead and a rate limit, to watch the client cope:
//! it learns the server's clock from `Date` headers and signs with the
//! corrected time (the API refuses a timestamp 30 s off), and it waits out
//! a 429, or with retries off returns `Error::RateLimited` and the wait
//! asked for. Always local, whatever `LIMITLESS_API_URL` says.
//!
//! ```text
//! cargo run -p limitless-client --example sandbox
//! cargo run -p limitless-sandbox -- --port 8080   # the same server, standalone
//! ```

mod common;

use std::process::ExitCode;

use common::{Outcome, section};
use limitless_client::{Client, DeriveApiTokenInput, Error, HmacCredentials};
use limitless_sandbox::{IdentitySeed, Sandbox};

fn main() -> ExitCode {
    common::run_plain(example())
}

async fn example() -> Outcome {
    let sandbox = Sandbox::builder()
        .identity(IdentitySeed::partner("second-partner-identity"))
        .clock_offset(45_000)
        .rate_limit(3)
        .start()
        .await?;

    section("what it serves");
    println!("API at {}", sandbox.base_url());
    for identity in sandbox.identities() {
        let scopes = identity.allowed_scopes.join(", ");
        println!(
            "  identity: profile {} ({}) may request [{scopes}]",
            identity.profile_id, identity.account
        );
    }
    println!("  {} markets, among them:", sandbox.markets().len());
    for market in &sandbox.markets()[..3] {
        println!("    {} ({:?} venue)", market.slug, market.venue);
    }

    section("a server clock 45 s ahead");
    let anonymous = Client::builder()
        .base_url(sandbox.base_url())
        .build_client()?;
    let input = DeriveApiTokenInput {
        label: None,
        scopes: Vec::new(),
    };
    let derived = anonymous
        .api_tokens
        .derive_token(sandbox.partner_identity_token(), &input)
        .await?;
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .hmac_credentials(HmacCredentials::from(&derived))
        .build_client()?;
    // The first answer's `Date` header teaches the client the offset;
    // from then on every request is signed with the server's time.
    client
        .markets
        .get_market(&sandbox.markets()[0].slug)
        .await?;
    println!("learned offset: {}", client.http().clock_offset());
    let tokens = client.api_tokens.list_tokens().await?;
    println!("an HMAC-signed list accepted: {} token(s)", tokens.len());

    section("3 requests per second: with retries off");
    let impatient = Client::builder()
        .base_url(sandbox.base_url())
        .hmac_credentials(HmacCredentials::from(&derived))
        .no_retries()
        .build_client()?;
    for attempt in 1..=5 {
        match impatient.api_tokens.list_tokens().await {
            Ok(_) => println!("  {attempt}: ok"),
            Err(Error::RateLimited { retry_after, .. }) => {
                println!("  {attempt}: rate limited; the API asks to wait {retry_after:?}");
            }
            Err(error) => return Err(error.into()),
        }
    }

    section("3 requests per second: the default client waits and retries");
    for attempt in 1..=5 {
        client.api_tokens.list_tokens().await?;
        println!("  {attempt}: ok");
    }
    println!("the server saw {} requests in all", sandbox.request_count());
    sandbox.shutdown().await;
    Ok(())
}
