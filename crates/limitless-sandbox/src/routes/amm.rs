//! `/amm/*`: partner trades against seeded AMM markets, each a binary
//! fixed-product market maker (FPMM) held in exact integer micro-units.
//!
//! A buy of `c` micro-USDC adds `c` to both reserves and pays out of the
//! bought outcome's reserve what keeps the product of the reserves
//! constant, so every buy raises that outcome's price; a sell removes the
//! collateral from both reserves and takes in what restores the product.
//! Rounding always favours the pool.
//!
//! Idempotency: a buy or sell with a key the caller (profile) used before
//! answers the first result and trades nothing; the same key with another
//! body is refused (409 `IDEMPOTENCY_KEY_REUSED`). Refusals: unknown
//! market 404, an allowance not confirmed 403 `ALLOWANCE_REQUIRED`,
//! selling more shares than held 422 `INSUFFICIENT_SHARES`, a sell the
//! pool cannot pay 422 `INSUFFICIENT_LIQUIDITY`.
//!
//! Every route takes an API token's HMAC signature (scopes `trading` and
//! `delegated_signing`) or the caller's own identity token, the official
//! SDKs' per-call identity variants (PROTOCOL §1.4, §2.8). The markets are
//! listed by `GET /markets/active` and read by `GET /markets/{slug}`.

use axum::extract::State;
use axum::http::StatusCode;
use limitless_types::amm::{
    AmmAllowanceRequest, AmmAllowanceResponse, AmmBuyRequest, AmmSellRequest, AmmSide,
    AmmTradeResponse, validate_amm_amount, validate_amm_market, validate_amm_on_behalf_of,
    validate_idempotency_key, validate_outcome_index, validate_slippage_bps,
};
use limitless_types::{SCOPE_DELEGATED_SIGNING, SCOPE_TRADING};

use super::accounts::{invalid, own_account};
use crate::amm::{address_of, slippage_bound, unprocessable};
use crate::auth::SignedOrIdentity;
use crate::error::{ApiError, ApiJson};
use crate::ids;
use crate::seed::{CTF, USDC};
use crate::state::{App, State as SandboxState};

/// Slippage when the request sets none, in basis points.
const DEFAULT_SLIPPAGE_BPS: u32 = 100;

/// The trading profile: the sub-account acted for, else the caller.
fn trader(
    state: &mut SandboxState,
    caller: i64,
    on_behalf_of: Option<i64>,
) -> Result<(i64, String), ApiError> {
    match on_behalf_of {
        Some(id) => {
            validate_amm_on_behalf_of(id).map_err(invalid)?;
            let account = own_account(state, caller, id)?;
            Ok((id, account.account.clone()))
        }
        None => Ok((
            caller,
            state
                .identity_by_profile(caller)
                .map(|i| i.smart_wallet.clone())
                .unwrap_or_default(),
        )),
    }
}

fn allowance_answer(
    slug: &str,
    request: &AmmAllowanceRequest,
    wallet: String,
    status: &str,
    transaction: bool,
) -> AmmAllowanceResponse {
    let (token, side) = match request.side {
        AmmSide::Buy => (USDC, "BUY"),
        AmmSide::Sell => (CTF, "SELL"),
    };
    AmmAllowanceResponse {
        transaction_id: transaction.then(ids::uuid),
        user_operation_hash: transaction.then(ids::hash32),
        tx_hash: None,
        status: status.to_owned(),
        confirmed: status == "confirmed",
        market: request.market.clone(),
        market_address: address_of(slug).to_owned(),
        side: side.to_owned(),
        wallet_address: wallet,
        token_address: token.to_owned(),
        spender_or_operator: address_of(slug).to_owned(),
        current_allowance: (request.side == AmmSide::Buy).then(|| {
            if status == "confirmed" {
                u128::MAX.to_string()
            } else {
                "0".to_owned()
            }
        }),
    }
}

fn allowance_request(signed: &SignedOrIdentity) -> Result<AmmAllowanceRequest, ApiError> {
    signed.require(
        &[SCOPE_TRADING, SCOPE_DELEGATED_SIGNING],
        "trade on AMM markets",
    )?;
    let request: AmmAllowanceRequest = signed.json()?;
    validate_amm_market(&request.market).map_err(invalid)?;
    Ok(request)
}

/// `POST /amm/allowances/check`: an approval submitted is confirmed by the
/// next check.
pub(super) async fn check_allowance(
    State(app): State<App>,
    signed: SignedOrIdentity,
) -> Result<ApiJson<AmmAllowanceResponse>, ApiError> {
    let request = allowance_request(&signed)?;
    let mut state = app.lock();
    let (slug, _) = state.amm.pool(request.market.trim())?;
    let (profile, wallet) = trader(&mut state, signed.profile_id, request.on_behalf_of)?;
    let status = if state.amm.confirm_allowance(profile, slug, request.side) {
        "confirmed"
    } else {
        "missing"
    };
    Ok(ApiJson(allowance_answer(
        slug, &request, wallet, status, false,
    )))
}

/// `POST /amm/allowances/approve`: submits the approval.
pub(super) async fn approve_allowance(
    State(app): State<App>,
    signed: SignedOrIdentity,
) -> Result<(StatusCode, ApiJson<AmmAllowanceResponse>), ApiError> {
    let request = allowance_request(&signed)?;
    let mut state = app.lock();
    let (slug, _) = state.amm.pool(request.market.trim())?;
    let (profile, wallet) = trader(&mut state, signed.profile_id, request.on_behalf_of)?;
    let confirmed = state.amm.submit_allowance(profile, slug, request.side);
    // A submitted approval answers 202 Accepted (TS SDK 1.1.0: README's
    // AMM notes and `approveAllowance`'s doc, "a `submitted` response (HTTP
    // 202) is not confirmation"). 200 for an approval already confirmed is
    // an assumption no source confirms.
    let (code, status) = if confirmed {
        (StatusCode::OK, "confirmed")
    } else {
        (StatusCode::ACCEPTED, "submitted")
    };
    Ok((
        code,
        ApiJson(allowance_answer(slug, &request, wallet, status, !confirmed)),
    ))
}

/// One trade, as both routes describe it.
struct TradeInput {
    market: String,
    outcome_index: u8,
    amount: String,
    slippage_bps: Option<u32>,
    key: String,
    on_behalf_of: Option<i64>,
    side: AmmSide,
}

pub(super) async fn buy(
    State(app): State<App>,
    signed: SignedOrIdentity,
) -> Result<ApiJson<AmmTradeResponse>, ApiError> {
    let request: AmmBuyRequest = signed.json()?;
    trade(
        &app,
        &signed,
        TradeInput {
            market: request.market,
            outcome_index: request.outcome_index,
            amount: request.collateral_amount,
            slippage_bps: request.slippage_bps,
            key: request.idempotency_key,
            on_behalf_of: request.on_behalf_of,
            side: AmmSide::Buy,
        },
    )
}

pub(super) async fn sell(
    State(app): State<App>,
    signed: SignedOrIdentity,
) -> Result<ApiJson<AmmTradeResponse>, ApiError> {
    let request: AmmSellRequest = signed.json()?;
    trade(
        &app,
        &signed,
        TradeInput {
            market: request.market,
            outcome_index: request.outcome_index,
            amount: request.collateral_return_amount,
            slippage_bps: request.slippage_bps,
            key: request.idempotency_key,
            on_behalf_of: request.on_behalf_of,
            side: AmmSide::Sell,
        },
    )
}

fn trade(
    app: &App,
    signed: &SignedOrIdentity,
    input: TradeInput,
) -> Result<ApiJson<AmmTradeResponse>, ApiError> {
    signed.require(
        &[SCOPE_TRADING, SCOPE_DELEGATED_SIGNING],
        "trade on AMM markets",
    )?;
    let market = validate_amm_market(&input.market)
        .map_err(invalid)?
        .to_owned();
    validate_outcome_index(input.outcome_index).map_err(invalid)?;
    let amount_field = match input.side {
        AmmSide::Buy => "collateral_amount",
        AmmSide::Sell => "collateral_return_amount",
    };
    validate_amm_amount(amount_field, &input.amount).map_err(invalid)?;
    let slippage = input.slippage_bps.unwrap_or(DEFAULT_SLIPPAGE_BPS);
    validate_slippage_bps(slippage).map_err(invalid)?;
    validate_idempotency_key(&input.key).map_err(invalid)?;
    let amount: u128 = input.amount.parse().map_err(|_| {
        unprocessable(
            format!(
                "{amount_field} {} is beyond what the sandbox's pools hold",
                input.amount
            ),
            "INSUFFICIENT_LIQUIDITY",
        )
    })?;
    let fingerprint = format!(
        "{:?}|{market}|{}|{}|{slippage}|{:?}",
        input.side, input.outcome_index, input.amount, input.on_behalf_of
    );
    let caller = signed.profile_id;
    let mut state = app.lock();
    if let Some((seen, answer)) = state.amm.answered(caller, &input.key) {
        if *seen == fingerprint {
            return Ok(ApiJson(answer.clone()));
        }
        return Err(ApiError::conflict(format!(
            "idempotency key {:?} was used for another request; use a fresh key for a new trade",
            input.key
        ))
        .with_code("IDEMPOTENCY_KEY_REUSED"));
    }
    let (profile, _) = trader(&mut state, caller, input.on_behalf_of)?;
    let (slug, _) = state.amm.pool(&market)?;
    if !state.amm.allowance_confirmed(profile, slug, input.side) {
        return Err(ApiError::forbidden(format!(
            "the {} allowance for {slug} is not confirmed; check and approve it with /amm/allowances first",
            match input.side {
                AmmSide::Buy => "BUY",
                AmmSide::Sell => "SELL",
            }
        ))
        .with_code("ALLOWANCE_REQUIRED"));
    }
    let slug = slug.to_owned();
    let answer_shares = state
        .amm
        .swap(profile, &slug, input.outcome_index, input.side, amount)?;
    let bound = slippage_bound(answer_shares, slippage, input.side);
    let answer = AmmTradeResponse {
        transaction_id: Some(ids::uuid()),
        user_operation_hash: Some(ids::hash32()),
        tx_hash: None,
        status: "SUBMITTED".to_owned(),
        market: input.market.clone(),
        outcome_index: Some(input.outcome_index),
        collateral_amount: (input.side == AmmSide::Buy).then(|| input.amount.clone()),
        collateral_return_amount: (input.side == AmmSide::Sell).then(|| input.amount.clone()),
        expected_shares: answer_shares.to_string(),
        min_shares: (input.side == AmmSide::Buy).then(|| bound.to_string()),
        max_shares: (input.side == AmmSide::Sell).then(|| bound.to_string()),
    };
    state
        .amm
        .remember(caller, input.key, fingerprint, answer.clone());
    Ok(ApiJson(answer))
}
