//! `/portfolio/redeem` and `/portfolio/withdraw` for server-wallet
//! sub-accounts. A USDC withdrawal spends the paying profile's USDC that
//! open orders do not hold back (see `funds`), and is refused beyond it.

use axum::extract::State;
use limitless_types::{
    RedeemParams, RedeemResponse, SCOPE_TRADING, SCOPE_WITHDRAWAL, WithdrawParams, WithdrawResponse,
};

use super::accounts::{invalid, own_account};
use crate::auth::Signed;
use crate::error::{ApiError, ApiJson};
use crate::ids;
use crate::seed::USDC;
use crate::state::{App, OrderData};

pub(super) async fn redeem(
    State(app): State<App>,
    signed: Signed,
) -> Result<ApiJson<RedeemResponse>, ApiError> {
    signed
        .caller
        .require(&[SCOPE_TRADING], "redeem positions")?;
    let params: RedeemParams = signed.json()?;
    params.validate().map_err(invalid)?;
    let mut state = app.lock();
    let market_id = state
        .markets
        .iter()
        .find(|m| m.condition_id.eq_ignore_ascii_case(&params.condition_id))
        .map(|m| m.id)
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "no market with condition id {}; use the conditionId of a market from GET /markets/active",
                params.condition_id
            ))
        })?;
    let account = own_account(&mut state, signed.caller.profile_id, params.on_behalf_of)?;
    if !account.server_wallet {
        return Err(ApiError::bad_request(format!(
            "profile {} is an EOA sub-account; only server wallets redeem through the API",
            params.on_behalf_of
        )));
    }
    Ok(ApiJson(RedeemResponse {
        hash: String::new(),
        user_operation_hash: ids::hash32(),
        transaction_id: ids::uuid(),
        wallet_address: account.account.clone(),
        condition_id: params.condition_id,
        market_id: Some(market_id),
    }))
}

pub(super) async fn withdraw(
    State(app): State<App>,
    signed: Signed,
) -> Result<ApiJson<WithdrawResponse>, ApiError> {
    signed
        .caller
        .require(&[SCOPE_WITHDRAWAL], "withdraw funds")?;
    let params: WithdrawParams = signed.json()?;
    params.validate().map_err(invalid)?;
    let mut state = app.lock();
    let (partner_account, partner_wallet) = state
        .identity_by_profile(signed.caller.profile_id)
        .map(|i| (i.account.clone(), i.smart_wallet.clone()))
        .unwrap_or_default();
    let (payer, wallet) = match params.on_behalf_of {
        Some(profile_id) => {
            let account = own_account(&mut state, signed.caller.profile_id, profile_id)?;
            if !account.server_wallet {
                return Err(ApiError::bad_request(format!(
                    "profile {profile_id} is an EOA sub-account; only server wallets withdraw through the API"
                )));
            }
            (profile_id, account.account.clone())
        }
        None => (signed.caller.profile_id, partner_wallet.clone()),
    };
    if let Some(destination) = &params.destination {
        let allowed = [&partner_account, &partner_wallet]
            .into_iter()
            .any(|a| a.eq_ignore_ascii_case(destination))
            || state.withdrawal_addresses.iter().any(|w| {
                w.profile_id == signed.caller.profile_id
                    && w.address.eq_ignore_ascii_case(destination)
            });
        if !allowed {
            return Err(ApiError::bad_request(format!(
                "destination {destination} is not allowed: withdraw to the partner account {partner_account}, its smart wallet {partner_wallet}, or an address added with POST /portfolio/withdrawal-addresses"
            ))
            .with_code("DESTINATION_NOT_ALLOWED"));
        }
    }
    // Only USDC is on the ledger; another token is passed through unchecked.
    let usdc = params
        .token
        .as_deref()
        .is_none_or(|token| token.eq_ignore_ascii_case(USDC));
    if usdc {
        // Digits, checked above; more than the sandbox counts is more than
        // any balance.
        let amount = params.amount.parse::<i128>().unwrap_or(i128::MAX);
        let available = crate::funds::available_usdc(
            &state.funds,
            state.engine.entries(),
            |data: &OrderData| data.owner_id,
            payer,
        );
        if amount > available {
            return Err(crate::funds::insufficient_usdc(
                payer,
                amount,
                available,
                "withdrawal",
            ));
        }
        state.funds.add_usdc(payer, -amount);
    }
    Ok(ApiJson(WithdrawResponse {
        hash: String::new(),
        user_operation_hash: ids::hash32(),
        transaction_id: ids::uuid(),
        wallet_address: wallet,
        token: params.token.unwrap_or_else(|| USDC.to_owned()),
        // The API's default destination: the partner's smart wallet.
        destination: params.destination.unwrap_or(partner_wallet),
        amount: params.amount,
    }))
}
