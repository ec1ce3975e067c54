//! An EOA sub-account: its user holds the key. Creating it proves
//! ownership with an EIP-191 signature, and its orders are signed with that
//! key (EIP-712); the exchange signs nothing for it. Here the key is a
//! fresh random one; in production it is the user's wallet, or a KMS or HSM
//! behind `OrderSigner`.
//!
//! Against a server it needs HMAC credentials (`account_creation`,
//! `trading`) and `LIMITLESS_MARKET_SLUG`. Creating the account and the
//! order are writes: printed, not sent, unless `LIMITLESS_EXAMPLES_LIVE=1`.
//!
//! ```text
//! cargo run -p limitless-client --example eoa_sub_account
//! ```

mod common;

use std::process::ExitCode;
use std::sync::Arc;

use common::{Outcome, Setup, or_dash, section};
use limitless_client::{
    CreatePartnerAccountInput, Decimal, LocalSigner, OrderSigner, OrderType, Side, SignedLimitOrder,
};

fn main() -> ExitCode {
    common::run(example)
}

async fn example(setup: &Setup) -> Outcome {
    let key: Arc<dyn OrderSigner> = Arc::new(LocalSigner::random());
    let (client, market) = (&setup.client, setup.market().await?);
    println!("the user's wallet: {}", key.address().to_checksum());

    section("POST /profiles/partner-accounts with an ownership proof");
    // Signs a fresh ownership message with the key, sends the proof as the
    // x-account, x-signing-message and x-signature headers.
    let input = CreatePartnerAccountInput::eoa("example-carol");
    let create = client
        .partner_accounts
        .create_eoa_account(&input, Arc::clone(&key));
    let Some(carol) = setup.send(create).await? else {
        return Ok(());
    };
    println!("profile {} for wallet {}", carol.profile_id, carol.account);

    section("an order the sub-account signs itself");
    let orders = client.sub_account_signed_orders(key);
    // Read once per service: the owner id and fee rank of the signer.
    let profile = orders.profile().await?;
    println!("signing as profile {} ({})", profile.id, orders.address());
    let order = SignedLimitOrder {
        order_type: OrderType::Gtc,
        market_slug: market.slug.clone(),
        token_id: market.yes_token.clone(),
        side: Side::Buy,
        price: Decimal::new(5, 2),
        size: Decimal::from(20),
    };
    let Some(placed) = setup.send(orders.create_order(&order.into())).await? else {
        return Ok(());
    };
    let order = &placed.order;
    println!("order {} on {}", order.id, market.slug);
    println!("  maker {}", order.maker.as_deref().unwrap_or("-"));
    let (pays, gets) = (or_dash(order.maker_amount), or_dash(order.taker_amount));
    println!("  pays {pays} micro-USDC for {gets} micro-shares");

    section("DELETE /orders/{orderId}");
    if let Some(message) = setup.send(orders.cancel(&placed.order.id)).await? {
        println!("{message}");
    }
    Ok(())
}
