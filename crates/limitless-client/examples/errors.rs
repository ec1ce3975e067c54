//! Errors, and how to tell them apart. Invalid input and missing
//! credentials are refused before anything is sent; an API refusal carries
//! its status, message and request; a server that cannot be reached is a
//! transport error that says whether the request may have been sent. An
//! order's unknown outcome is in the `reconcile` example. Nothing here
//! reaches the API with a write: safe against production, where it needs
//! `LIMITLESS_MARKET_SLUG`.
//!
//! ```text
//! cargo run -p limitless-client --example errors
//! ```

mod common;

use std::fmt::Debug;
use std::process::ExitCode;

use common::{Outcome, Setup, section};
use limitless_client::{Client, CreateDelegatedOrderParams, Error, RetryConfig, Side};

fn main() -> ExitCode {
    common::run(example)
}

async fn example(setup: &Setup) -> Outcome {
    let market = setup.market().await?;
    let (client, slug, token) = (&setup.client, &market.slug, &market.yes_token);

    section("invalid input: refused before sending");
    // 0.0215 is off the market's 0.001 tick; the SDK never rounds a price.
    let off_tick = CreateDelegatedOrderParams::gtc(slug, token, Side::Buy, "0.0215", 10, 1);
    match client
        .delegated_orders
        .create_order(&off_tick)
        .signed_request()
        .await
    {
        Err(Error::InvalidInput { field, message }) => {
            println!("field {}: {message}", field.as_deref().unwrap_or("-"));
        }
        other => return unexpected(other),
    }

    section("no credentials: refused before sending");
    let anonymous = Client::builder()
        .base_url(client.http().base_url())
        .build_client()?;
    match anonymous.api_tokens.list_tokens().await {
        Err(error @ Error::AuthenticationRequired { .. }) => println!("{error}"),
        other => return unexpected(other),
    }

    section("an API refusal: status, message, request");
    match client.markets.get_market("no-such-market-anywhere").await {
        Err(Error::Api(api)) => {
            println!(
                "HTTP {} on {} {}",
                api.status, api.context.method, api.context.path
            );
            println!("  message: {}", api.message);
            println!("  body: {}", api.body.excerpt().unwrap_or_default());
            // A 4xx is an answer: repeating the request changes nothing.
        }
        other => return unexpected(other),
    }

    section("a server that cannot be reached");
    // Port 1 (tcpmux) has no server on a loopback interface: the
    // connection is refused. A port freed a moment ago would not do: other
    // programs may be given it in between.
    let nowhere = Client::builder()
        .base_url("http://127.0.0.1:1")
        .retry_config(RetryConfig::new().with_max_retries(1))
        .build_client()?;
    match nowhere.markets.get_market(slug).await {
        Err(error @ Error::Transport { .. }) => {
            // A read was retried once, then given up on.
            println!("{error}");
            println!("  may have been sent: {}", error.may_have_been_sent());
            println!("  worth retrying later: {}", error.is_retryable());
            for cause in common::causes(&error) {
                println!("  caused by: {cause}");
            }
        }
        other => return unexpected(other),
    }
    Ok(())
}

fn unexpected<T: Debug>(result: Result<T, Error>) -> Outcome {
    Err(format!("not the error this example shows: {result:?}").into())
}
