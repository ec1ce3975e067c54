//! `/parlay/*`: partner curated Packs over the seeded markets.
//!
//! Three packs are seeded ([`SEEDED_PACKS`]); each leg backs an outcome of
//! a seeded market, priced at the market's YES price (or one minus it for
//! NO). A quote multiplies the legs' inverse prices (the raw multiplier)
//! and keeps [`VIG_PERCENT`] of the payout: for a stake `s`,
//! `payout = floor(s × (100 − vig) / 100 / Π price)` in exact decimal
//! arithmetic, micro-USDC.
//!
//! A buy (for one of the caller's server-wallet sub-accounts) needs the
//! sub-account's `parlay-treasury-vault` allowance confirmed (else 409
//! `PACK_ALLOWANCE_REQUIRED`), a payout at least `minPayoutAmount` (else
//! 409 `PRICE_DRIFTED`), an eligible pack (else 400 `PACK_INELIGIBLE`,
//! `submissionState: NOT_SUBMITTED`) and, on first submission, a deadline
//! not yet passed (else 401 `Intent expired — please retry`). The same
//! idempotency key with the same body answers the first result (even past
//! the deadline); with another body, 409 `IDEMPOTENCY_KEY_REUSED`.
//!
//! Positions start `PENDING`; the first read of one confirms its mint, so
//! the next read shows `ACTIVE`. The handle resolves a position `WON` or
//! `LOST` ([`SandboxHandle::resolve_pack`](crate::SandboxHandle::resolve_pack)).
//! A won position's first claim answers `CLAIM_PENDING`, the next
//! `CLAIMED` (as does a confirmation with the mined hash); a position not
//! won is refused with 409 `PACK_NOT_CLAIMABLE` (`NOT_SUBMITTED`).
//!
//! Every Packs request's arrival is recorded per credential (the
//! `lmts-api-key` presented, or `anonymous`), and
//! [`Faults::rate_limit_next_pack_calls`](crate::Faults::rate_limit_next_pack_calls)
//! answers the next ones with 429.

use std::time::Instant;

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use limitless_auth::HEADER_API_KEY;
use limitless_types::packs::{
    Pack, PackBuyRequest, PackBuyResponse, PackClaimConfirmRequest, PackClaimRequest,
    PackClaimResponse, PackLeg, PackPosition, PackPositionsPage, PackQuote, PackQuoteRequest,
    PackSource, validate_pack_amount, validate_pack_deadline, validate_pack_id,
    validate_pack_idempotency_key, validate_pack_on_behalf_of,
};
use limitless_types::{AllowanceStatus, Decimal, SCOPE_DELEGATED_SIGNING, SCOPE_TRADING};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::accounts::{invalid, own_account};
use crate::auth::{Metered, Signed};
use crate::error::{ApiError, ApiJson};
use crate::ids;
use crate::packs::{
    PositionRecord, Priced, SEEDED_PACKS, SeedPack, VAULT, VAULT_LABEL, VIG_PERCENT, price_pack,
    seeded,
};
use crate::seed::USDC;
use crate::state::{App, State as SandboxState};

/// Records a Packs request's arrival and answers 429 when the fault says so.
fn arrive(app: &App, headers: &HeaderMap) -> Result<(), ApiError> {
    let now = Instant::now();
    let credential = headers
        .get(HEADER_API_KEY)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("anonymous")
        .to_owned();
    if app.lock().packs.arrive(credential, now) {
        return Err(ApiError::too_many_requests(10));
    }
    Ok(())
}

/// A refusal in the API's shape, with the extra fields the Packs API
/// sends (`submissionState`, `tokenAddress`…).
#[derive(Debug)]
pub(super) struct Refusal {
    error: ApiError,
    extra: serde_json::Value,
}

impl From<ApiError> for Refusal {
    fn from(error: ApiError) -> Self {
        Self {
            error,
            extra: serde_json::Value::Null,
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let serde_json::Value::Object(extra) = self.extra else {
            return self.error.into_response();
        };
        let mut body = serde_json::to_value(self.error.body()).unwrap_or_default();
        if let Some(body) = body.as_object_mut() {
            body.extend(extra);
        }
        (self.error.status, axum::Json(body)).into_response()
    }
}

fn refusal(
    status: StatusCode,
    code: &'static str,
    message: String,
    extra: serde_json::Value,
) -> Refusal {
    Refusal {
        error: ApiError::new(status, message).with_code(code),
        extra,
    }
}

fn err(error: ApiError) -> Refusal {
    error.into()
}

/// The price of a leg's outcome now: the market's YES price, or one minus it.
fn leg_price(state: &SandboxState, slug: &str, outcome: &str) -> Option<(Decimal, i64, String)> {
    let market = state.market(slug)?;
    let price = if outcome == "YES" {
        market.yes_price
    } else {
        Decimal::ONE - market.yes_price
    };
    Some((price, market.id, market.condition_id.clone()))
}

fn legs_of(state: &SandboxState, legs: &[(&str, &str)]) -> Vec<PackLeg> {
    legs.iter()
        .enumerate()
        .filter_map(|(i, (slug, outcome))| {
            let (price, market_id, condition_id) = leg_price(state, slug, outcome)?;
            Some(PackLeg {
                leg_index: u32::try_from(i).ok(),
                market_slug: Some((*slug).to_owned()),
                market_id: Some(market_id),
                condition_id: Some(condition_id),
                market_type: Some("single".to_owned()),
                outcome: (*outcome).to_owned(),
                price: Some(price),
                book_price: Some(price),
                live_price: Some(price),
                ..PackLeg::default()
            })
        })
        .collect()
}

fn pack_json(state: &SandboxState, seed: &SeedPack) -> Pack {
    Pack {
        id: seed.0.to_owned(),
        name: seed.1.to_owned(),
        status: if seed.2 { "OPEN" } else { "CLOSED" }.to_owned(),
        eligible: Some(seed.2),
        parlay_type: "CLOB".to_owned(),
        legs: legs_of(state, seed.3),
    }
}

fn position_json(p: &PositionRecord) -> PackPosition {
    let amount = |v: u128| Decimal::from_i128_with_scale(i128::try_from(v).unwrap_or(i128::MAX), 0);
    PackPosition {
        id: p.id.clone(),
        status: p.status.to_owned(),
        stake_amount: Some(amount(p.stake)),
        collateral_deposited: Some(amount(p.payout.saturating_sub(p.stake))),
        multiplier_offered: Some(p.multiplier),
        vig_percent: Some(Decimal::from(VIG_PERCENT)),
        tx_hash: Some(p.tx_hash.clone()),
        claim_tx_hash: p.claim_tx_hash.clone(),
        wallet: p.wallet.clone(),
        created_at: p.created_at.clone(),
        legs: p.legs.clone(),
        source_pack: Some(PackSource {
            id: p.pack_id.clone(),
            name: p.pack_name.clone(),
        }),
        payout_amount: (p.status == "WON").then(|| amount(p.payout)),
    }
}

// --- the public catalogue

/// `GET /parlay/packs`.
pub(super) async fn list(
    State(app): State<App>,
    headers: HeaderMap,
    _: Metered,
) -> Result<ApiJson<Vec<Pack>>, ApiError> {
    arrive(&app, &headers)?;
    let state = app.lock();
    Ok(ApiJson(
        SEEDED_PACKS.iter().map(|p| pack_json(&state, p)).collect(),
    ))
}

#[derive(Debug, Deserialize)]
pub(super) struct SearchQuery {
    query: Option<String>,
}

/// `GET /parlay/packs/search?query=`: packs whose name or a leg's market
/// contains the query (case-insensitive).
pub(super) async fn search(
    State(app): State<App>,
    headers: HeaderMap,
    _: Metered,
    query: Result<Query<SearchQuery>, QueryRejection>,
) -> Result<ApiJson<Vec<Pack>>, ApiError> {
    arrive(&app, &headers)?;
    let needle = super::query(query)?
        .query
        .unwrap_or_default()
        .to_lowercase();
    let state = app.lock();
    Ok(ApiJson(
        SEEDED_PACKS
            .iter()
            .filter(|SeedPack(_, name, _, legs)| {
                name.to_lowercase().contains(&needle)
                    || legs.iter().any(|(slug, _)| slug.contains(&needle))
            })
            .map(|p| pack_json(&state, p))
            .collect(),
    ))
}

/// `GET /parlay/packs/{packId}`.
pub(super) async fn get(
    State(app): State<App>,
    headers: HeaderMap,
    _: Metered,
    pack_id: Result<Path<String>, PathRejection>,
) -> Result<ApiJson<Pack>, ApiError> {
    arrive(&app, &headers)?;
    let pack_id = super::path(pack_id)?;
    validate_pack_id("pack_id", &pack_id).map_err(invalid)?;
    let seed = seeded(&pack_id).ok_or_else(|| no_pack(&pack_id))?;
    Ok(ApiJson(pack_json(&app.lock(), seed)))
}

fn no_pack(id: &str) -> ApiError {
    ApiError::not_found(format!("no pack {id}; list them with GET /parlay/packs"))
}

// --- partner routes

fn require(signed: &Signed) -> Result<(), ApiError> {
    signed
        .caller
        .require(&[SCOPE_TRADING, SCOPE_DELEGATED_SIGNING], "trade Packs")
}

/// `POST /parlay/partner/quote`.
pub(super) async fn quote(
    State(app): State<App>,
    headers: HeaderMap,
    signed: Signed,
) -> Result<ApiJson<PackQuote>, ApiError> {
    require(&signed)?;
    arrive(&app, &headers)?;
    let request: PackQuoteRequest = signed.json()?;
    validate_pack_id("pack_id", &request.pack_id).map_err(invalid)?;
    validate_pack_amount("stake_amount", &request.stake_amount).map_err(invalid)?;
    let seed = seeded(&request.pack_id).ok_or_else(|| no_pack(&request.pack_id))?;
    let stake: u128 = request.stake_amount.parse().unwrap_or(u128::MAX);
    let state = app.lock();
    let legs = legs_of(&state, seed.3);
    let priced = price_pack(&legs, stake);
    let quote = match priced {
        Some(Priced {
            raw_multiplier,
            multiplier,
            payout,
        }) if seed.2 => PackQuote {
            eligible: true,
            parlay_type: Some("CLOB".to_owned()),
            raw_multiplier: Some(raw_multiplier),
            multiplier: Some(multiplier),
            potential_payout: Some(payout.to_string()),
            collateral_required: Some(payout.saturating_sub(stake).to_string()),
            vig_percent: Some(Decimal::from(VIG_PERCENT)),
            legs: Some(legs),
            ineligible_reasons: None,
        },
        _ => PackQuote {
            eligible: false,
            ineligible_reasons: Some(vec![format!("pack {} is closed", seed.1)]),
            ..PackQuote::default()
        },
    };
    Ok(ApiJson(quote))
}

/// `POST /parlay/partner/buy`.
pub(super) async fn buy(State(app): State<App>, headers: HeaderMap, signed: Signed) -> Response {
    match buy_inner(&app, &headers, &signed) {
        Ok(answer) => ApiJson(answer).into_response(),
        Err(refusal) => refusal.into_response(),
    }
}

fn buy_inner(app: &App, headers: &HeaderMap, signed: &Signed) -> Result<PackBuyResponse, Refusal> {
    require(signed).map_err(err)?;
    arrive(app, headers).map_err(err)?;
    let request: PackBuyRequest = signed.json().map_err(err)?;
    validate_pack_on_behalf_of(request.on_behalf_of).map_err(|e| err(invalid(e)))?;
    validate_pack_id("pack_id", &request.pack_id).map_err(|e| err(invalid(e)))?;
    validate_pack_amount("stake_amount", &request.stake_amount).map_err(|e| err(invalid(e)))?;
    validate_pack_amount("min_payout_amount", &request.min_payout_amount)
        .map_err(|e| err(invalid(e)))?;
    validate_pack_deadline(&request.deadline).map_err(|e| err(invalid(e)))?;
    validate_pack_idempotency_key(&request.idempotency_key).map_err(|e| err(invalid(e)))?;
    let fingerprint = format!(
        "{}|{}|{}|{}|{}",
        request.on_behalf_of,
        request.pack_id.to_lowercase(),
        request.stake_amount,
        request.min_payout_amount,
        request.deadline
    );
    let caller = signed.caller.profile_id;
    let now = app.now();
    let created_at = app.now_iso();
    let mut state = app.lock();
    if let Some((seen, answer)) = state.packs.answered(caller, &request.idempotency_key) {
        if *seen == fingerprint {
            return Ok(answer.clone());
        }
        return Err(err(ApiError::conflict(format!(
            "idempotency key {:?} was used for another purchase; replay the saved request byte for byte, or use a fresh key for a new purchase",
            request.idempotency_key
        ))
        .with_code("IDEMPOTENCY_KEY_REUSED")));
    }
    let now_secs = now
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    if request.deadline.parse::<u64>().unwrap_or(0) < now_secs {
        return Err(err(ApiError::unauthorized("Intent expired — please retry")));
    }
    let account = own_account(&mut state, caller, request.on_behalf_of).map_err(err)?;
    if !account.server_wallet {
        return Err(refusal(
            StatusCode::BAD_REQUEST,
            "PACK_WALLET_UNSUPPORTED",
            format!(
                "profile {} is an EOA sub-account; Packs are bought for server-wallet sub-accounts",
                request.on_behalf_of
            ),
            serde_json::json!({"submissionState": "NOT_SUBMITTED"}),
        ));
    }
    let vault_ready = account
        .allowances
        .iter()
        .any(|t| t.label == VAULT_LABEL && t.status == AllowanceStatus::Confirmed);
    let wallet = account.account.clone();
    if !vault_ready {
        return Err(refusal(
            StatusCode::CONFLICT,
            "PACK_ALLOWANCE_REQUIRED",
            format!(
                "the USDC allowance of profile {} for the treasury vault is not confirmed; repair it with POST /profiles/partner-accounts/{}/allowances/retry",
                request.on_behalf_of, request.on_behalf_of
            ),
            serde_json::json!({
                "tokenAddress": USDC,
                "spender": VAULT,
                "requiredAllowance": request.stake_amount,
            }),
        ));
    }
    let seed = seeded(&request.pack_id).ok_or_else(|| err(no_pack(&request.pack_id)))?;
    let stake: u128 = request.stake_amount.parse().unwrap_or(u128::MAX);
    let legs = legs_of(&state, seed.3);
    let priced = price_pack(&legs, stake).filter(|_| seed.2);
    let Some(Priced {
        multiplier, payout, ..
    }) = priced
    else {
        return Err(refusal(
            StatusCode::BAD_REQUEST,
            "PACK_INELIGIBLE",
            format!("pack {} cannot be bought now", seed.1),
            serde_json::json!({"submissionState": "NOT_SUBMITTED", "recovery": "Quote an eligible pack"}),
        ));
    };
    let min_payout: u128 = request.min_payout_amount.parse().unwrap_or(u128::MAX);
    if min_payout > payout {
        return Err(refusal(
            StatusCode::CONFLICT,
            "PRICE_DRIFTED",
            format!(
                "the payout for this stake is now {payout}, below minPayoutAmount {min_payout}; quote again"
            ),
            serde_json::json!({"currentPayout": payout.to_string()}),
        ));
    }
    let record = PositionRecord {
        id: ids::uuid(),
        owner: request.on_behalf_of,
        pack_id: seed.0.to_owned(),
        pack_name: seed.1.to_owned(),
        status: "PENDING",
        mint_seen: false,
        stake,
        payout,
        multiplier,
        legs: legs
            .into_iter()
            .map(|leg| PackLeg {
                id: Some(ids::uuid()),
                price_at_creation: leg.price,
                resolution_status: Some("PENDING".to_owned()),
                ..leg
            })
            .collect(),
        wallet,
        created_at,
        tx_hash: ids::hash32(),
        claim: None,
        claim_tx_hash: None,
    };
    let answer = PackBuyResponse {
        status: "PENDING".to_owned(),
        position: position_json(&record),
    };
    state.packs.record_buy(
        record,
        caller,
        request.idempotency_key,
        fingerprint,
        answer.clone(),
    );
    Ok(answer)
}

/// The sub-account named by `x-on-behalf-of`, which must be the caller's.
fn on_behalf_of(
    state: &mut SandboxState,
    headers: &HeaderMap,
    caller: i64,
) -> Result<i64, ApiError> {
    let value = headers
        .get("x-on-behalf-of")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            ApiError::bad_request(
                "missing header x-on-behalf-of: name the sub-account whose positions to read",
            )
        })?;
    let id = super::positive("x-on-behalf-of", Some(value))?.unwrap_or_default();
    own_account(state, caller, id)?;
    Ok(id)
}

#[derive(Debug, Deserialize)]
pub(super) struct PositionsQuery {
    limit: Option<String>,
    offset: Option<String>,
}

/// `GET /parlay/partner/positions?limit=&offset=`, newest first.
pub(super) async fn list_positions(
    State(app): State<App>,
    headers: HeaderMap,
    query: Result<Query<PositionsQuery>, QueryRejection>,
    signed: Signed,
) -> Result<ApiJson<PackPositionsPage>, ApiError> {
    require(&signed)?;
    arrive(&app, &headers)?;
    let query = super::query(query)?;
    let limit = super::positive("limit", query.limit.as_deref())?
        .unwrap_or(20)
        .min(50);
    let offset = match query.offset.as_deref() {
        None => 0,
        Some(text) => text.trim().parse::<u32>().map_err(|_| {
            ApiError::bad_request(format!("offset must be a whole number, got {text:?}"))
        })?,
    };
    let mut state = app.lock();
    let owner = on_behalf_of(&mut state, &headers, signed.caller.profile_id)?;
    let owned = state.packs.owned_by(owner);
    let data = owned
        .iter()
        .skip(offset as usize)
        .take(usize::try_from(limit).unwrap_or(50))
        .map(|p| position_json(p))
        .collect();
    Ok(ApiJson(PackPositionsPage {
        data,
        total: Some(owned.len() as u64),
        limit: u32::try_from(limit).ok(),
        offset: Some(offset),
    }))
}

fn position_mut<'a>(
    state: &'a mut SandboxState,
    id: &str,
    owner: i64,
) -> Result<&'a mut PositionRecord, ApiError> {
    validate_pack_id("position_id", id).map_err(invalid)?;
    state
        .packs
        .position_mut(id, owner)
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "no Pack position {id} for profile {owner}; list them with GET /parlay/partner/positions"
            ))
        })
}

/// `GET /parlay/partner/positions/{positionId}`.
pub(super) async fn get_position(
    State(app): State<App>,
    headers: HeaderMap,
    position_id: Result<Path<String>, PathRejection>,
    signed: Signed,
) -> Result<ApiJson<PackPosition>, ApiError> {
    require(&signed)?;
    arrive(&app, &headers)?;
    let id = super::path(position_id)?;
    let mut state = app.lock();
    let owner = on_behalf_of(&mut state, &headers, signed.caller.profile_id)?;
    let position = position_mut(&mut state, &id, owner)?;
    let answer = position_json(position);
    // The first read confirms the mint; the next shows it.
    if position.status == "PENDING" {
        if position.mint_seen {
            position.status = "ACTIVE";
            return Ok(ApiJson(position_json(position)));
        }
        position.mint_seen = true;
    }
    Ok(ApiJson(answer))
}

fn not_claimable(position: &PositionRecord) -> Refusal {
    refusal(
        StatusCode::CONFLICT,
        "PACK_NOT_CLAIMABLE",
        format!(
            "Pack position {} is {}: only a won position can be claimed",
            position.id, position.status
        ),
        serde_json::json!({"submissionState": "NOT_SUBMITTED", "parlayId": position.id}),
    )
}

fn claim_answer(position: &PositionRecord) -> PackClaimResponse {
    PackClaimResponse {
        parlay_id: position.id.clone(),
        status: position.claim.unwrap_or("CLAIM_PENDING").to_owned(),
        tx_hash: position.claim_tx_hash.clone(),
        transaction_id: Some(ids::uuid()),
        user_operation_hash: Some(ids::hash32()),
    }
}

fn claim_owner(
    app: &App,
    headers: &HeaderMap,
    signed: &Signed,
    on_behalf_of: i64,
) -> Result<(), Refusal> {
    require(signed).map_err(err)?;
    arrive(app, headers).map_err(err)?;
    validate_pack_on_behalf_of(on_behalf_of).map_err(|e| err(invalid(e)))?;
    let mut state = app.lock();
    own_account(&mut state, signed.caller.profile_id, on_behalf_of).map_err(err)?;
    Ok(())
}

/// The body of a claim route; its step runs on the position, under the
/// lock, after the owner's and the body's checks.
pub(super) trait ClaimStep: DeserializeOwned {
    fn on_behalf_of(&self) -> i64;

    /// Checks of the body itself, made after the owner's.
    fn check(&self) -> Result<(), ApiError> {
        Ok(())
    }

    fn step(self, position: &mut PositionRecord) -> Result<(), Refusal>;
}

/// `POST /parlay/partner/positions/{positionId}/claim`: `CLAIM_PENDING`,
/// then `CLAIMED`.
impl ClaimStep for PackClaimRequest {
    fn on_behalf_of(&self) -> i64 {
        self.on_behalf_of
    }

    fn step(self, position: &mut PositionRecord) -> Result<(), Refusal> {
        if position.status != "WON" {
            return Err(not_claimable(position));
        }
        position.claim = match position.claim {
            None => Some("CLAIM_PENDING"),
            Some(_) => {
                if position.claim_tx_hash.is_none() {
                    position.claim_tx_hash = Some(ids::hash32());
                }
                Some("CLAIMED")
            }
        };
        Ok(())
    }
}

/// `POST /parlay/partner/positions/{positionId}/claim/confirm`.
impl ClaimStep for PackClaimConfirmRequest {
    fn on_behalf_of(&self) -> i64 {
        self.on_behalf_of
    }

    fn check(&self) -> Result<(), ApiError> {
        if limitless_types::is_hex_string(&self.tx_hash, 64) {
            Ok(())
        } else {
            Err(ApiError::bad_request(
                "invalid txHash: expected a mined transaction hash, 0x followed by 64 hex characters",
            ))
        }
    }

    fn step(self, position: &mut PositionRecord) -> Result<(), Refusal> {
        if position.status != "WON" || position.claim.is_none() {
            return Err(not_claimable(position));
        }
        position.claim = Some("CLAIMED");
        position.claim_tx_hash = Some(self.tx_hash);
        Ok(())
    }
}

/// The claim routes: the signed request decoded and its owner and body
/// checked, then its step on the path's position, then the claim's state
/// as the answer.
pub(super) async fn claim<R: ClaimStep>(
    State(app): State<App>,
    headers: HeaderMap,
    position_id: Result<Path<String>, PathRejection>,
    signed: Signed,
) -> Response {
    let run = || -> Result<PackClaimResponse, Refusal> {
        let id = super::path(position_id).map_err(err)?;
        let request: R = signed.json().map_err(err)?;
        let on_behalf_of = request.on_behalf_of();
        claim_owner(&app, &headers, &signed, on_behalf_of)?;
        request.check().map_err(err)?;
        let mut state = app.lock();
        let position = position_mut(&mut state, &id, on_behalf_of).map_err(err)?;
        request.step(position)?;
        Ok(claim_answer(position))
    };
    match run() {
        Ok(answer) => ApiJson(answer).into_response(),
        Err(refusal) => refusal.into_response(),
    }
}
