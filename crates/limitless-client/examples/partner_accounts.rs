//! Partner sub-accounts with server wallets (the exchange holds the key):
//! create one, wait until its trading allowances are ready, list every
//! sub-account page after page, and find one by its wallet address. EOA
//! sub-accounts, whose users hold the key, are in `eoa_sub_account`.
//!
//! Against a server it needs HMAC credentials with the `account_creation`
//! and `delegated_signing` scopes. Creating an account is a write: it is
//! printed, not sent, unless `LIMITLESS_EXAMPLES_LIVE=1`.
//!
//! ```text
//! cargo run -p limitless-client --example partner_accounts
//! ```

mod common;

use std::process::ExitCode;
use std::time::Duration;

use common::{Outcome, Setup, section};
use futures_util::TryStreamExt;
use limitless_client::{
    CreatePartnerAccountInput, Error, ListPartnerAccountsParams, WaitForAllowances,
};

fn main() -> ExitCode {
    common::run(example)
}

async fn example(setup: &Setup) -> Outcome {
    let accounts = &setup.client.partner_accounts;

    section("POST /profiles/partner-accounts (server wallet)");
    let input = CreatePartnerAccountInput::server_wallet("example-alice");
    let Some(alice) = setup.send(accounts.create_account(&input, None)).await? else {
        return Ok(());
    };
    println!("profile {} with wallet {}", alice.profile_id, alice.account);

    section("allowances: check, retry what is missing once, poll until ready");
    let wait = WaitForAllowances::new()
        .deadline(Duration::from_secs(120))
        .polls(Duration::from_millis(100), Duration::from_secs(5))
        .on_change(|state| {
            let counts = state.summary;
            println!(
                "  {} confirmed, {} submitted, {} missing, {} failed",
                counts.confirmed, counts.submitted, counts.missing, counts.failed
            );
        });
    match accounts.wait_until_ready(alice.profile_id, &wait).await {
        Ok(ready) => println!("ready to trade on chain {}", ready.chain_id),
        // Nothing is wrong with the account: the chain is slow. Look again later.
        Err(Error::DeadlineExceeded { waited, .. }) => {
            println!("not ready after {} s; check again later", waited.as_secs());
        }
        Err(error) => return Err(error.into()),
    }

    section("GET /profiles/partner-accounts, every page");
    // A stream: the next page is asked for when this one is used up.
    let params = ListPartnerAccountsParams {
        limit: Some(10),
        ..ListPartnerAccountsParams::default()
    };
    let mut every = accounts.accounts(&params);
    while let Some(account) = every.try_next().await? {
        let name = account.display_name.as_deref().unwrap_or("");
        println!(
            "  profile {} {} {name}",
            account.profile_id, account.account
        );
    }

    section("find a sub-account by wallet address");
    match accounts.recover_account(&alice.account).await? {
        Some(found) => println!("{} is profile {}", found.account, found.profile_id),
        None => println!("no sub-account has wallet {}", alice.account),
    }
    Ok(())
}
