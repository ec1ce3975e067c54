//! `lmts account`: sub-accounts, their allowances, withdrawal addresses.

use std::sync::Arc;
use std::time::Duration;

use limitless_client::types::partner_accounts::AllowancesResponse;
use limitless_client::{
    AddWithdrawalAddressInput, CreatePartnerAccountInput, ListPartnerAccountsParams,
    WaitForAllowances,
};
use serde_json::json;

use super::{Api, signer_from_env};
use crate::cli::{AccountCommand, AllowancesArgs, CreateAccountArgs, WithdrawalAddressCommand};
use crate::exit::CliError;
use crate::output::{fields, or_dash, table};

pub(super) async fn run(api: &Api, command: AccountCommand) -> Result<(), CliError> {
    match command {
        AccountCommand::Create(args) => create(api, args).await,
        AccountCommand::List(args) => {
            let params = ListPartnerAccountsParams {
                account: None,
                limit: args.limit,
                page: args.page,
            };
            let call = api.client.partner_accounts.list_accounts(&params);
            let Some(page) = api.send(call).await? else {
                return Ok(());
            };
            api.out.emit(&page, || {
                let mut text = if page.data.is_empty() {
                    "no sub-accounts on this page".to_owned()
                } else {
                    table(
                        &["PROFILE ID", "ACCOUNT", "DISPLAY NAME"],
                        page.data.iter().map(|account| {
                            vec![
                                account.profile_id.to_string(),
                                account.account.clone(),
                                or_dash(account.display_name.as_deref()),
                            ]
                        }),
                    )
                };
                if page.has_more {
                    text.push_str(&format!(
                        "\n(more on the next page: --page {})",
                        page.page + 1
                    ));
                }
                text
            })
        }
        AccountCommand::Recover(args) => {
            let call = api.client.partner_accounts.recover_account(&args.address);
            let Some(found) = api.send(call).await? else {
                return Ok(());
            };
            api.out.emit(&found, || match &found {
                Some(account) => fields([
                    ("profile id", account.profile_id.to_string()),
                    ("account", account.account.clone()),
                    ("display name", or_dash(account.display_name.as_deref())),
                ]),
                None => format!("no sub-account of yours has the wallet {}", args.address),
            })
        }
        AccountCommand::Allowances(args) => allowances(api, args).await,
        AccountCommand::WithdrawalAddress(WithdrawalAddressCommand::Add(args)) => {
            let identity = api.settings.identity_token()?;
            let input = AddWithdrawalAddressInput {
                address: args.address,
                label: args.label,
            };
            let call = api
                .client
                .partner_accounts
                .add_withdrawal_address(identity, &input);
            let Some(added) = api.send(call).await? else {
                return Ok(());
            };
            api.out.emit(&added, || {
                fields([
                    ("address", added.destination_address.clone()),
                    ("label", or_dash(added.label.as_deref())),
                    ("id", added.id.clone()),
                    ("profile", added.profile_id.to_string()),
                ])
            })
        }
        AccountCommand::WithdrawalAddress(WithdrawalAddressCommand::Remove(args)) => {
            let identity = api.settings.identity_token()?;
            let call = api
                .client
                .partner_accounts
                .delete_withdrawal_address(identity, &args.address);
            let Some(()) = api.send(call).await? else {
                return Ok(());
            };
            api.out.emit(&json!({ "removed": args.address }), || {
                format!("removed withdrawal address {}", args.address)
            })
        }
    }
}

async fn create(api: &Api, args: CreateAccountArgs) -> Result<(), CliError> {
    let input = CreatePartnerAccountInput {
        display_name: args.name,
        create_server_wallet: args.server_wallet.then_some(true),
    };
    let call = match &args.eoa_key_env {
        Some(var) => {
            let signer = signer_from_env(var)?;
            api.client
                .partner_accounts
                .create_eoa_account(&input, Arc::new(signer))
        }
        None => api.client.partner_accounts.create_account(&input, None),
    };
    let Some(account) = api.send(call).await? else {
        return Ok(());
    };
    api.out.emit(&account, || {
        let mut text = fields([
            ("profile id", account.profile_id.to_string()),
            ("account", account.account.clone()),
        ]);
        if args.server_wallet {
            text.push_str(&format!(
                "\n\nbefore it trades, its allowances must be ready: lmts account allowances {} --wait",
                account.profile_id
            ));
        }
        text
    })
}

async fn allowances(api: &Api, args: AllowancesArgs) -> Result<(), CliError> {
    let id = args.profile_id;
    let accounts = &api.client.partner_accounts;
    let allowances = if args.wait {
        if api.dry_run {
            return Err(CliError::usage(
                "--wait polls until the allowances are ready; it has no dry run (use --retry --dry-run to see the retry)",
            ));
        }
        let spinner = api
            .out
            .spinner(&format!("waiting for profile {id}'s allowances"));
        let progress = spinner.clone();
        let out = api.out;
        let wait = WaitForAllowances::new()
            .deadline(Duration::from_secs(args.timeout))
            .on_change(move |allowances| {
                let text = format!("allowances: {}", summary(allowances));
                match &progress {
                    Some(spinner) => spinner.set_message(text),
                    None => out.note(&text),
                }
            });
        let result = accounts.wait_until_ready(id, &wait).await;
        drop(spinner);
        result.map_err(|error| {
            api.fail(error)
                .hint(format!("look again with: lmts account allowances {id}"))
        })?
    } else {
        let call = if args.retry {
            accounts.retry_allowances(id)
        } else {
            accounts.check_allowances(id)
        };
        let Some(allowances) = api.send(call).await? else {
            return Ok(());
        };
        allowances
    };
    api.out.emit(&allowances, || {
        let mut text = format!(
            "profile {}  wallet {}  ready: {}\n{}\n\n",
            allowances.profile_id,
            allowances.wallet_address,
            if allowances.ready { "yes" } else { "no" },
            summary(&allowances)
        );
        text.push_str(&table(
            &["TYPE", "LABEL", "FOR", "STATUS", "ERROR"],
            allowances.targets.iter().map(|target| {
                vec![
                    target.target_type.to_string(),
                    target.label.clone(),
                    target.required_for.clone(),
                    target.status.to_string(),
                    or_dash(target.error_code.as_deref()),
                ]
            }),
        ));
        text
    })
}

fn summary(allowances: &AllowancesResponse) -> String {
    let counts = allowances.summary;
    format!(
        "{}/{} confirmed, {} submitted, {} missing, {} failed",
        counts.confirmed, counts.total, counts.submitted, counts.missing, counts.failed
    )
}
