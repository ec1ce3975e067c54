//! `lmts wallet`: a sub-account's server wallet: redeem, withdraw.

use limitless_client::{RedeemParams, WithdrawParams};

use super::Api;
use crate::cli::WalletCommand;
use crate::exit::CliError;
use crate::output::{fields, or_dash};

pub(super) async fn run(api: &Api, command: WalletCommand) -> Result<(), CliError> {
    let wallets = &api.client.server_wallets;
    match command {
        WalletCommand::Redeem(args) => {
            let params = RedeemParams {
                condition_id: args.condition_id,
                on_behalf_of: args.on_behalf_of,
            };
            let Some(redeemed) = api.send(wallets.redeem_positions(&params)).await? else {
                return Ok(());
            };
            api.out.emit(&redeemed, || {
                fields([
                    ("condition id", redeemed.condition_id.clone()),
                    ("wallet", redeemed.wallet_address.clone()),
                    ("market id", or_dash(redeemed.market_id)),
                    ("transaction id", dash_if_empty(&redeemed.transaction_id)),
                    (
                        "user operation",
                        dash_if_empty(&redeemed.user_operation_hash),
                    ),
                    ("hash", dash_if_empty(&redeemed.hash)),
                ])
            })
        }
        WalletCommand::Withdraw(args) => {
            let params = WithdrawParams {
                amount: args.amount,
                on_behalf_of: args.on_behalf_of,
                token: args.token,
                destination: args.destination,
            };
            let Some(withdrawn) = api.send(wallets.withdraw(&params)).await? else {
                return Ok(());
            };
            api.out.emit(&withdrawn, || {
                fields([
                    ("amount", withdrawn.amount.clone()),
                    ("token", withdrawn.token.clone()),
                    ("from", withdrawn.wallet_address.clone()),
                    ("to", withdrawn.destination.clone()),
                    ("transaction id", dash_if_empty(&withdrawn.transaction_id)),
                    (
                        "user operation",
                        dash_if_empty(&withdrawn.user_operation_hash),
                    ),
                    ("hash", dash_if_empty(&withdrawn.hash)),
                ])
            })
        }
    }
}

fn dash_if_empty(value: &str) -> String {
    or_dash(Some(value).filter(|v| !v.is_empty()))
}
