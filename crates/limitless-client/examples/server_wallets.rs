//! Server wallets: the funds a server-wallet sub-account holds. Allow-list
//! a withdrawal address (with the identity token), withdraw USDC to the
//! partner's default destination, redeem a resolved market's positions,
//! and remove the address again.
//!
//! **Moves real money in production.** Against a server every request is
//! only signed and printed, unless `LIMITLESS_EXAMPLES_LIVE=1`. It needs
//! `LIMITLESS_IDENTITY_TOKEN`, HMAC credentials (`withdrawal` to withdraw,
//! `trading` to redeem), `LIMITLESS_ON_BEHALF_OF` and, for the redeem, a
//! resolved market in `LIMITLESS_MARKET_SLUG`.
//!
//! ```text
//! cargo run -p limitless-client --example server_wallets
//! ```

mod common;

use std::process::ExitCode;

use common::{Outcome, Setup, section};
use limitless_client::{AddWithdrawalAddressInput, LocalSigner, RedeemParams, WithdrawParams};

fn main() -> ExitCode {
    common::run(example)
}

async fn example(setup: &Setup) -> Outcome {
    let identity_token = setup.identity_token()?;
    let (client, alice) = (&setup.client, setup.sub_account().await?);

    section("POST /portfolio/withdrawal-addresses (identity token)");
    // A fresh address for the example; yours is a wallet you control.
    let address = LocalSigner::random().address().to_checksum();
    let input = AddWithdrawalAddressInput {
        address: address.clone(),
        label: Some("example cold wallet".to_owned()),
    };
    let add = client
        .partner_accounts
        .add_withdrawal_address(identity_token, &input);
    if let Some(added) = setup.send(add).await? {
        println!(
            "allow-listed {} ({})",
            added.destination_address,
            added.label.as_deref().unwrap_or("-")
        );
    }

    section("POST /portfolio/withdraw: 1 USDC from the sub-account's wallet");
    // Amounts are integers in the token's smallest unit (USDC: 6 decimals).
    // Without a destination the API pays the partner's smart wallet.
    let withdraw = WithdrawParams {
        amount: "1000000".to_owned(),
        on_behalf_of: Some(alice),
        token: None,
        destination: None,
    };
    if let Some(sent) = setup
        .send(client.server_wallets.withdraw(&withdraw))
        .await?
    {
        println!(
            "{} of {} from {} to {}",
            sent.amount, sent.token, sent.wallet_address, sent.destination
        );
        println!("  user operation {}", sent.user_operation_hash);
    }

    section("POST /portfolio/redeem: the market's winning positions");
    let market = client.markets.get_market(setup.market_slug()?).await?;
    let redeem = RedeemParams {
        condition_id: market
            .condition_id
            .ok_or("the market has no condition id")?,
        on_behalf_of: alice,
    };
    if let Some(redeemed) = setup
        .send(client.server_wallets.redeem_positions(&redeem))
        .await?
    {
        println!(
            "redeeming condition {} for {}",
            redeemed.condition_id, redeemed.wallet_address
        );
        println!("  transaction {}", redeemed.transaction_id);
    }

    section("DELETE /portfolio/withdrawal-addresses/{address} (identity token)");
    let delete = client
        .partner_accounts
        .delete_withdrawal_address(identity_token, &address);
    if setup.send(delete).await?.is_some() {
        println!("{address} removed");
    }
    Ok(())
}
