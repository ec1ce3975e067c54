//! `/amm/*`: a partner's trades against a market's automated market maker
//! (PROTOCOL §2.8). HMAC only, or an explicit identity token with the
//! `*_with_identity` variants.
//!
//! Buys and sells carry an idempotency key: the API treats requests with
//! the same key (within 24 h) as one trade. A key the caller fixed makes
//! the operation idempotent, so the client may send it again when an
//! attempt's outcome is unknown; a generated key (uuid v4, fresh per
//! operation) does not, and such a buy or sell is never sent twice.

use limitless_types::amm::{
    AmmAllowanceRequest, AmmAllowanceResponse, AmmBuyRequest, AmmSellRequest, AmmTradeResponse,
    validate_amm_market, validate_amm_on_behalf_of,
};

use super::{Auth, Operation, RequestSpec};
use crate::{AmmBuyParams, AmmSellParams, Error};

pub(crate) const REQUIRES_HMAC: &str = "AMM operations require HMAC-scoped API token auth or an explicit Privy identity token; legacy API keys are not supported.";

fn allowance(
    operation: &'static str,
    path: &'static str,
    request: &AmmAllowanceRequest,
    auth: Auth,
    idempotent: bool,
) -> Result<Operation<AmmAllowanceResponse>, Error> {
    let market = validate_amm_market(&request.market)?;
    if let Some(id) = request.on_behalf_of {
        validate_amm_on_behalf_of(id)?;
    }
    let body = AmmAllowanceRequest {
        market: market.to_owned(),
        ..request.clone()
    };
    Ok(RequestSpec::post(operation, path, auth)
        .idempotent(idempotent)
        .json(&body)?
        .decode())
}

/// `POST /amm/allowances/check`: whether the wallet's allowance for the
/// market and side is in place. Idempotent (a read).
pub fn check_allowance(
    request: &AmmAllowanceRequest,
) -> Result<Operation<AmmAllowanceResponse>, Error> {
    allowance(
        "check_amm_allowance",
        "/amm/allowances/check",
        request,
        Auth::Hmac(REQUIRES_HMAC),
        true,
    )
}

/// [`check_allowance`] with a Privy identity token instead of HMAC.
pub fn check_allowance_with_identity(
    identity_token: &str,
    request: &AmmAllowanceRequest,
) -> Result<Operation<AmmAllowanceResponse>, Error> {
    let auth = Auth::identity("check_amm_allowance", identity_token)?;
    allowance(
        "check_amm_allowance",
        "/amm/allowances/check",
        request,
        auth,
        true,
    )
}

/// `POST /amm/allowances/approve`: submits the approval. Not idempotent.
pub fn approve_allowance(
    request: &AmmAllowanceRequest,
) -> Result<Operation<AmmAllowanceResponse>, Error> {
    allowance(
        "approve_amm_allowance",
        "/amm/allowances/approve",
        request,
        Auth::Hmac(REQUIRES_HMAC),
        false,
    )
}

/// [`approve_allowance`] with a Privy identity token instead of HMAC.
pub fn approve_allowance_with_identity(
    identity_token: &str,
    request: &AmmAllowanceRequest,
) -> Result<Operation<AmmAllowanceResponse>, Error> {
    let auth = Auth::identity("approve_amm_allowance", identity_token)?;
    allowance(
        "approve_amm_allowance",
        "/amm/allowances/approve",
        request,
        auth,
        false,
    )
}

/// `POST /amm/buy`: spends `collateral_amount` micro-USDC on an outcome.
/// Idempotent exactly when the caller fixed the idempotency key.
pub fn buy(params: &AmmBuyParams) -> Result<Operation<AmmTradeResponse>, Error> {
    trade_buy(params, Auth::Hmac(REQUIRES_HMAC))
}

/// [`buy`] with a Privy identity token instead of HMAC.
pub fn buy_with_identity(
    identity_token: &str,
    params: &AmmBuyParams,
) -> Result<Operation<AmmTradeResponse>, Error> {
    trade_buy(params, Auth::identity("amm_buy", identity_token)?)
}

/// `POST /amm/sell`: sells an outcome for `collateral_return_amount`
/// micro-USDC. Idempotent exactly when the caller fixed the idempotency
/// key.
pub fn sell(params: &AmmSellParams) -> Result<Operation<AmmTradeResponse>, Error> {
    trade_sell(params, Auth::Hmac(REQUIRES_HMAC))
}

/// [`sell`] with a Privy identity token instead of HMAC.
pub fn sell_with_identity(
    identity_token: &str,
    params: &AmmSellParams,
) -> Result<Operation<AmmTradeResponse>, Error> {
    trade_sell(params, Auth::identity("amm_sell", identity_token)?)
}

fn trade_buy(params: &AmmBuyParams, auth: Auth) -> Result<Operation<AmmTradeResponse>, Error> {
    let checked = params.trade.check("collateral_amount")?;
    let body = AmmBuyRequest {
        market: checked.market,
        outcome_index: params.trade.outcome_index,
        collateral_amount: params.trade.amount.clone(),
        slippage_bps: params.trade.slippage_bps,
        idempotency_key: checked.key,
        on_behalf_of: params.trade.on_behalf_of,
    };
    Ok(RequestSpec::post("amm_buy", "/amm/buy", auth)
        .idempotent(checked.key_fixed)
        .json(&body)?
        .decode())
}

fn trade_sell(params: &AmmSellParams, auth: Auth) -> Result<Operation<AmmTradeResponse>, Error> {
    let checked = params.trade.check("collateral_return_amount")?;
    let body = AmmSellRequest {
        market: checked.market,
        outcome_index: params.trade.outcome_index,
        collateral_return_amount: params.trade.amount.clone(),
        slippage_bps: params.trade.slippage_bps,
        idempotency_key: checked.key,
        on_behalf_of: params.trade.on_behalf_of,
    };
    Ok(RequestSpec::post("amm_sell", "/amm/sell", auth)
        .idempotent(checked.key_fixed)
        .json(&body)?
        .decode())
}
