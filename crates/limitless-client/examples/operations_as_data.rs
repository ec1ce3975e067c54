//! Operations as data. Every endpoint is a pure function in `ops` that
//! checks its arguments and describes the request; any call can hand back
//! its exact signed request instead of sending it (for your own HTTP
//! stack, a queue, an audit log); and `client.request` reaches endpoints
//! the SDK does not wrap through the same signing, retries and redaction.
//! The order here is signed and never sent: safe against production, where
//! it needs HMAC credentials, `LIMITLESS_MARKET_SLUG` and
//! `LIMITLESS_ON_BEHALF_OF`.
//!
//! ```text
//! cargo run -p limitless-client --example operations_as_data
//! ```

mod common;

use std::process::ExitCode;

use common::{Outcome, Setup, section};
use limitless_client::http::Method;
use limitless_client::{CreateDelegatedOrderParams, Error, Side, ops};
use serde::Deserialize;

fn main() -> ExitCode {
    common::run(example)
}

async fn example(setup: &Setup) -> Outcome {
    let client = &setup.client;
    let market = setup.market().await?;

    section("a pure operation: no client, no I/O");
    let operation = ops::markets::get_order_book(&market.slug)?;
    let (method, path) = (operation.method(), operation.path());
    println!("{} is {method} {path}", operation.name());
    let (auth, idempotent) = (operation.auth(), operation.is_idempotent());
    println!("  auth {auth:?}, may be repeated: {idempotent}");
    if let Err(Error::InvalidInput { message, .. }) = ops::markets::get_order_book(" ") {
        println!("  a blank slug is refused before any I/O: {message}");
    }

    section("an order signed, not sent");
    let alice = setup.sub_account().await?;
    let (slug, token) = (&market.slug, &market.yes_token);
    let order = CreateDelegatedOrderParams::fak(slug, token, Side::Sell, "0.97", 3, alice)
        .salt(1_790_000_000_000_003);
    let orders = &client.delegated_orders;
    let signed = orders.create_order(&order).signed_request().await?;
    println!(
        "{}: {} {}",
        signed.operation,
        signed.request.method(),
        signed.request.uri()
    );
    for (name, value) in signed.request.headers() {
        // The client marks the signature sensitive: keep it out of logs.
        let shown = if value.is_sensitive() {
            "<sensitive>"
        } else {
            value.to_str().unwrap_or("<binary>")
        };
        println!("  {name}: {shown}");
    }
    println!("  body {}", String::from_utf8_lossy(signed.request.body()));
    println!("  may be sent twice: {}", signed.idempotent);
    for sent in &signed.orders {
        println!(
            "  if its outcome is unknown, look for salt {} on {}",
            sent.salt, sent.market_slug
        );
    }

    section("a signed request sent with your own HTTP client");
    let signed = client.api_tokens.list_tokens().signed_request().await?;
    let request = reqwest::Request::try_from(signed.request)?;
    let response = reqwest::Client::new().execute(request).await?;
    let status = response.status();
    let tokens: serde_json::Value = serde_json::from_slice(&response.bytes().await?)?;
    let count = tokens.as_array().map_or(0, Vec::len);
    println!("GET /auth/api-tokens: HTTP {status}, {count} tokens");

    section("client.request: any path, through the SDK's send path");
    // Your own type for an answer the SDK does not model.
    #[derive(Debug, Deserialize)]
    struct Me {
        id: i64,
        account: String,
    }
    let me: Me = client.request(Method::GET, "/profiles/me").call().await?;
    println!("GET /profiles/me: profile {} ({})", me.id, me.account);
    let trades = client
        .request(Method::GET, "/portfolio/trades")
        .query([("limit", "5")])
        .call_json()
        .await?;
    println!(
        "GET /portfolio/trades?limit=5: {} entries",
        trades.as_array().map_or(0, Vec::len)
    );
    // The client signs only for its own API: another host is refused.
    match client
        .request(Method::GET, "https://elsewhere.example/steal")
        .call_json()
        .await
    {
        Err(error @ Error::InvalidInput { .. }) => println!("refused, nothing sent: {error}"),
        other => return Err(format!("expected a refusal, got {other:?}").into()),
    }
    Ok(())
}
