//! `/portfolio/split` and `/portfolio/merge` for server wallets:
//! collateral into one share of each outcome, and back.
//!
//! The body is the one the official Go SDK 1.1.0 sends (PROTOCOL §7.1):
//! `{conditionId, amount, venue: {exchange, adapter?}, onBehalfOf?}`. The
//! contracts travel nested under `venue`; a body with them as top-level
//! keys is refused with a 400 naming the field. A neg-risk market needs its
//! adapter (its exchange may be sent too); any other market its exchange
//! and no adapter. Without `onBehalfOf` the caller's own wallet converts.
//!
//! Both go through the balance ledger: a split spends USDC the profile
//! does not hold back in open orders, a merge burns shares of both
//! outcomes the same way.

use axum::extract::State;
use limitless_types::{SCOPE_TRADING, SplitMergeRequest, SplitMergeResponse};
use serde_json::Value;

use super::accounts::{invalid, own_account};
use crate::auth::Signed;
use crate::error::{ApiError, ApiJson};
use crate::funds::{available_shares, available_usdc, insufficient_shares, insufficient_usdc};
use crate::ids;
use crate::seed::MarketVenue;
use crate::state::{App, ConversionRecord, OrderData};

/// Which way the conversion goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Conversion {
    Split,
    Merge,
}

impl Conversion {
    fn verb(self) -> &'static str {
        match self {
            Self::Split => "split",
            Self::Merge => "merge",
        }
    }
}

pub(super) async fn split(
    State(app): State<App>,
    signed: Signed,
) -> Result<ApiJson<SplitMergeResponse>, ApiError> {
    convert(&app, &signed, Conversion::Split)
}

pub(super) async fn merge(
    State(app): State<App>,
    signed: Signed,
) -> Result<ApiJson<SplitMergeResponse>, ApiError> {
    convert(&app, &signed, Conversion::Merge)
}

/// Refuses the shape with the contracts as top-level keys, naming the
/// field, before the body is decoded.
fn check_shape(body: &Value) -> Result<(), ApiError> {
    for field in ["exchange", "adapter"] {
        if body.get(field).is_some() {
            return Err(ApiError::bad_request(format!(
                "{field} must be nested under venue: send venue.{field} (the market's venue contracts), not a top-level {field}"
            ))
            .with_code("VALIDATION_ERROR"));
        }
    }
    if body.get("venue").is_none_or(Value::is_null) {
        return Err(ApiError::bad_request(
            "venue is required: send venue.exchange (and venue.adapter on a neg-risk market) from GET /markets/{slug}",
        )
        .with_code("VALIDATION_ERROR"));
    }
    Ok(())
}

/// Checks the sent venue against the market's.
fn check_venue(
    request: &SplitMergeRequest,
    slug: &str,
    venue: MarketVenue,
) -> Result<(), ApiError> {
    let exchange = venue.exchange();
    let sent = &request.venue;
    let mismatch = |message: String| ApiError::bad_request(message).with_code("VENUE_MISMATCH");
    match (venue.adapter(), &sent.adapter) {
        (Some(adapter), Some(given)) if given.eq_ignore_ascii_case(adapter) => {}
        (Some(adapter), _) => {
            return Err(mismatch(format!(
                "market {slug} is a neg-risk market: send venue.adapter {adapter} (and venue.exchange {exchange})"
            )));
        }
        (None, Some(_)) => {
            return Err(mismatch(format!(
                "market {slug} has no adapter: send venue.exchange {exchange} only, without venue.adapter"
            )));
        }
        (None, None) => {}
    }
    let exchange_ok = sent.exchange.eq_ignore_ascii_case(exchange)
        || (sent.exchange.is_empty() && venue.adapter().is_some());
    if !exchange_ok {
        return Err(mismatch(format!(
            "market {slug} trades on exchange {exchange}, not {}; send the market's venue contracts",
            sent.exchange
        )));
    }
    Ok(())
}

fn convert(
    app: &App,
    signed: &Signed,
    conversion: Conversion,
) -> Result<ApiJson<SplitMergeResponse>, ApiError> {
    signed.caller.require(
        &[SCOPE_TRADING],
        &format!("{} positions", conversion.verb()),
    )?;
    let body: Value = signed.json()?;
    check_shape(&body)?;
    let request: SplitMergeRequest = serde_json::from_value(body)
        .map_err(|e| ApiError::bad_request(format!("invalid request body: {e}")))?;
    request.validate().map_err(invalid)?;
    // Amounts are digits here; one beyond what the sandbox counts is refused.
    let amount: u64 = request.amount.parse().map_err(|_| {
        ApiError::bad_request(format!(
            "amount {} is too large for the sandbox (at most {} micro-units)",
            request.amount,
            u64::MAX
        ))
    })?;
    let mut state = app.lock();
    let (market_id, slug, venue, tokens) = state
        .markets
        .iter()
        .find(|m| m.condition_id.eq_ignore_ascii_case(&request.condition_id))
        .map(|m| {
            (
                m.id,
                m.slug.clone(),
                m.venue,
                [m.yes_token_id.clone(), m.no_token_id.clone()],
            )
        })
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "no market with condition id {}; use the conditionId of a market from GET /markets/active",
                request.condition_id
            ))
        })?;
    check_venue(&request, &slug, venue)?;
    let partner = signed.caller.profile_id;
    let (owner, wallet) = match request.on_behalf_of {
        Some(profile_id) => {
            let account = own_account(&mut state, partner, profile_id)?;
            if !account.server_wallet {
                return Err(ApiError::bad_request(format!(
                    "profile {profile_id} is an EOA sub-account; only server wallets {} through the API",
                    conversion.verb()
                )));
            }
            (profile_id, account.account.clone())
        }
        // The caller's own server wallet: the seeded identity's smart
        // wallet.
        None => (
            partner,
            state
                .identity_by_profile(partner)
                .map(|i| i.smart_wallet.clone())
                .unwrap_or_default(),
        ),
    };
    let needed = i128::from(amount);
    let owner_of = |data: &OrderData| data.owner_id;
    match conversion {
        Conversion::Split => {
            let available = available_usdc(&state.funds, state.engine.entries(), owner_of, owner);
            if needed > available {
                return Err(insufficient_usdc(owner, needed, available, "split"));
            }
        }
        Conversion::Merge => {
            for token in &tokens {
                let available =
                    available_shares(&state.funds, state.engine.entries(), owner_of, owner, token);
                if needed > available {
                    return Err(insufficient_shares(
                        owner, token, needed, available, "merge",
                    ));
                }
            }
        }
    }
    let delta = match conversion {
        Conversion::Split => needed,
        Conversion::Merge => -needed,
    };
    state.funds.add_usdc(owner, -delta);
    for token in &tokens {
        state.funds.move_shares(owner, token, delta);
    }
    let user_operation_hash = ids::hash32();
    let record = ConversionRecord {
        at: app.now(),
        profile_id: owner,
        market_id,
        amount,
        merge: conversion == Conversion::Merge,
        after_fills: u64::try_from(state.fills.len()).unwrap_or(u64::MAX),
        transaction_hash: user_operation_hash.clone(),
    };
    state.conversions.push(record);
    Ok(ApiJson(SplitMergeResponse {
        hash: String::new(),
        user_operation_hash,
        transaction_id: ids::uuid(),
        wallet_address: wallet,
        condition_id: request.condition_id,
        amount: request.amount,
        market_id: Some(market_id),
        operation: match conversion {
            Conversion::Split => "SPLIT",
            Conversion::Merge => "MERGE",
        }
        .to_owned(),
        // The Go SDK reads `route` as a string without naming its values;
        // the sandbox says which contracts it went through. Unconfirmed.
        route: if venue.adapter().is_some() {
            "negrisk"
        } else {
            "ctf"
        }
        .to_owned(),
    }))
}
