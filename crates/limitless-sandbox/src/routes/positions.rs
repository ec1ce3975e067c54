//! `/portfolio/split` and `/portfolio/merge` for server-wallet
//! sub-accounts: collateral into one share of each outcome, and back.
//!
//! Holdings are the shares a profile traded (folded from the engine's
//! fills) plus those its splits minted less those its merges burnt.
//! Collateral is not tracked, so a split is never refused for funds.

use axum::extract::State;
use limitless_types::{SCOPE_TRADING, SplitMergeRequest, SplitMergeResponse};

use super::accounts::{invalid, own_account};
use crate::auth::Signed;
use crate::error::{ApiError, ApiJson};
use crate::ids;
use crate::state::{App, State as SandboxState};
use limitless_types::Side;

/// Which way the conversion goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Conversion {
    Split,
    Merge,
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

/// Shares of `token_id` that `profile_id` holds, in micro-shares.
pub(crate) fn holding(state: &SandboxState, profile_id: i64, token_id: &str) -> i128 {
    let traded: i128 = state
        .fills
        .iter()
        .filter(|fill| fill.token_id == token_id)
        .flat_map(|fill| [fill.taker, fill.maker].map(|index| (index, fill.shares)))
        .filter_map(|(index, shares)| {
            let entry = state.engine.entry(index)?;
            (entry.data.owner_id == profile_id).then(|| match entry.side {
                Side::Buy => i128::from(shares),
                Side::Sell => -i128::from(shares),
            })
        })
        .sum();
    let split = state
        .split_shares
        .get(&(profile_id, token_id.to_owned()))
        .copied()
        .unwrap_or_default();
    traded + split
}

fn convert(
    app: &App,
    signed: &Signed,
    conversion: Conversion,
) -> Result<ApiJson<SplitMergeResponse>, ApiError> {
    let action = match conversion {
        Conversion::Split => "split positions",
        Conversion::Merge => "merge positions",
    };
    signed.caller.require(&[SCOPE_TRADING], action)?;
    let request: SplitMergeRequest = signed.json()?;
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
    let market = state
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
    let (market_id, slug, venue, tokens) = market;
    let exchange = venue.exchange();
    let adapter = venue.adapter();
    let venue_matches = request.exchange.eq_ignore_ascii_case(exchange)
        && match (&request.adapter, adapter) {
            (Some(sent), Some(expected)) => sent.eq_ignore_ascii_case(expected),
            (None, None) => true,
            _ => false,
        };
    if !venue_matches {
        return Err(ApiError::bad_request(format!(
            "market {} trades on exchange {exchange}{}; send the market's venue contracts",
            slug,
            adapter.map_or_else(
                || " without an adapter".to_owned(),
                |a| format!(" with adapter {a}")
            ),
        ))
        .with_code("VENUE_MISMATCH"));
    }
    let partner = signed.caller.profile_id;
    let account = own_account(&mut state, partner, request.on_behalf_of)?;
    if !account.server_wallet {
        return Err(ApiError::bad_request(format!(
            "profile {} is an EOA sub-account; only server wallets {} through the API",
            request.on_behalf_of,
            match conversion {
                Conversion::Split => "split",
                Conversion::Merge => "merge",
            }
        )));
    }
    let wallet = account.account.clone();
    let owner = request.on_behalf_of;
    if conversion == Conversion::Merge {
        for token in &tokens {
            let held = holding(&state, owner, token);
            if held < i128::from(amount) {
                return Err(ApiError::bad_request(format!(
                    "profile {owner} holds {held} micro-shares of token {token}, less than the {amount} to merge; merge at most the smaller of its YES and NO holdings"
                ))
                .with_code("INSUFFICIENT_POSITIONS"));
            }
        }
    }
    let delta = match conversion {
        Conversion::Split => i128::from(amount),
        Conversion::Merge => -i128::from(amount),
    };
    for token in tokens {
        *state.split_shares.entry((owner, token)).or_default() += delta;
    }
    Ok(ApiJson(SplitMergeResponse {
        hash: String::new(),
        user_operation_hash: ids::hash32(),
        transaction_id: ids::uuid(),
        wallet_address: wallet,
        condition_id: request.condition_id,
        amount: request.amount,
        market_id: Some(market_id),
    }))
}
