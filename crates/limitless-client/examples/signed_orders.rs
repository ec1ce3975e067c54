//! Orders you sign yourself (EIP-712) with your own wallet key, held here
//! by `limitless-eip712`'s `LocalSigner` (a KMS, HSM or browser wallet fits
//! behind the same `OrderSigner` trait). The client reads your profile once
//! (owner id, fee rank) and the market's venue (the EIP-712 domain), signs
//! in the process and sends; the key never leaves it. The signed order is
//! checked locally before it is placed.
//!
//! **Moves real money in production.** Against a server the order and the
//! cancel are only signed and printed, unless `LIMITLESS_EXAMPLES_LIVE=1`.
//! It needs HMAC credentials (`trading`), `LIMITLESS_PRIVATE_KEY` (the
//! wallet of the credentials' profile) and `LIMITLESS_MARKET_SLUG`.
//!
//! ```text
//! cargo run -p limitless-client --example signed_orders
//! ```

mod common;

use std::process::ExitCode;

use common::{Outcome, Setup, or_dash, section};
use limitless_client::types::orders::CreateSignedOrderRequest;
use limitless_client::{CreateSignedOrderParams, Side};
use limitless_eip712::{OrderDomain, typed_data_v4, verify_signed_order};

fn main() -> ExitCode {
    common::run(example)
}

async fn example(setup: &Setup) -> Outcome {
    let market = setup.market().await?;
    let orders = setup.client.signed_orders(setup.signer()?);

    section("GET /profiles/me: who signs");
    let profile = orders.profile().await?;
    let rank_fee = profile.rank.and_then(|rank| rank.fee_rate_bps);
    println!("profile {} with wallet {}", profile.id, orders.address());
    println!(
        "fee rate from its rank: {} bps (300 when none)",
        or_dash(rank_fee)
    );

    // A fixed salt makes the signed order the same one each time it is
    // built, so what is checked below is what is sent.
    let order =
        CreateSignedOrderParams::gtc(&market.slug, &market.yes_token, Side::Buy, "0.02", 25)
            .post_only(true)
            .salt(1_790_000_000_000_001);

    section("sign without sending, and check the signature locally");
    let signed = orders.create_order(&order).signed_request().await?;
    let body: CreateSignedOrderRequest = serde_json::from_slice(signed.request.body())?;
    let venue = setup.client.markets.get_market(&market.slug).await?.venue;
    let domain = OrderDomain::for_venue(&venue.ok_or("the market has no venue")?)?;
    let recovered = verify_signed_order(&body.order, &domain)?;
    println!(
        "signature {}…",
        body.order.signature.get(..18).unwrap_or("-")
    );
    println!("recovers to {} (the maker)", recovered.to_checksum());
    let unsigned = &body.order.order;
    println!(
        "maker amount {} (micro-USDC), taker amount {} (micro-shares), fee {} bps",
        unsigned.maker_amount, unsigned.taker_amount, unsigned.fee_rate_bps
    );
    // The same order as a wallet's eth_signTypedData_v4 request shows it.
    let typed = typed_data_v4(unsigned, &domain)?;
    println!("typed data domain: {}", typed["domain"]);

    section("POST /orders: signed again and placed");
    let Some(placed) = setup.send(orders.create_order(&order)).await? else {
        return Ok(());
    };
    println!(
        "order {} by {}",
        placed.order.id,
        placed.order.maker.as_deref().unwrap_or("-")
    );

    section("DELETE /orders/{orderId}");
    // Your own order: the plain cancel, no sub-account named.
    println!("{}", orders.cancel(&placed.order.id).await?);
    Ok(())
}
