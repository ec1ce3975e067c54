//! `GET /profiles/me` and `GET /profiles/{account}`: the profile a
//! self-signing order client reads before its first order (its id is the
//! order's `ownerId`, `rank.feeRateBps` its default fee).

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use limitless_types::{DEFAULT_FEE_RATE_BPS, validate_address};
use serde_json::{Value, json};

use super::accounts::invalid;
use crate::auth::{Metered, Signed};
use crate::error::{ApiError, ApiJson};
use crate::state::{App, State as SandboxState};

/// Everyone in the sandbox trades at the base fee rank.
fn profile_json(
    id: i64,
    account: &str,
    smart_wallet: Option<&str>,
    display_name: Option<&str>,
) -> Value {
    let mut profile = json!({
        "id": id,
        "account": account,
        "client": "eoa",
        "rank": { "id": 1, "name": "Bronze", "feeRateBps": DEFAULT_FEE_RATE_BPS },
        "referralData": [],
        "referredUsersCount": 0,
        "points": 0,
        "accumulativePoints": 0,
        // A string, never null (PROTOCOL §6): empty when unnamed.
        "displayName": display_name.unwrap_or_default(),
    });
    if let (Some(wallet), Some(map)) = (smart_wallet, profile.as_object_mut()) {
        map.insert("smartWallet".to_owned(), Value::from(wallet));
    }
    profile
}

/// The profile with wallet `account` (any case): a seeded identity or a
/// sub-account.
fn find(state: &SandboxState, account: &str) -> Option<Value> {
    if let Some(identity) = state
        .identities
        .iter()
        .find(|i| i.account.eq_ignore_ascii_case(account))
    {
        return Some(profile_json(
            identity.profile_id,
            &identity.account,
            Some(&identity.smart_wallet),
            None,
        ));
    }
    state
        .accounts
        .values()
        .find(|a| a.account.eq_ignore_ascii_case(account))
        .map(|a| profile_json(a.profile_id, &a.account, None, a.display_name.as_deref()))
}

pub(super) async fn me(State(app): State<App>, signed: Signed) -> Result<ApiJson<Value>, ApiError> {
    let state = app.lock();
    state
        .identity_by_profile(signed.caller.profile_id)
        .map(|i| {
            ApiJson(profile_json(
                i.profile_id,
                &i.account,
                Some(&i.smart_wallet),
                None,
            ))
        })
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "no profile {} in the sandbox",
                signed.caller.profile_id
            ))
        })
}

pub(super) async fn by_account(
    State(app): State<App>,
    path: Result<Path<String>, PathRejection>,
    _: Metered,
) -> Result<ApiJson<Value>, ApiError> {
    let account = super::path(path)?;
    validate_address("account", &account).map_err(invalid)?;
    let state = app.lock();
    find(&state, &account).map(ApiJson).ok_or_else(|| {
        ApiError::not_found(format!(
            "no profile for account {account}; partner sub-accounts are created with POST /profiles/partner-accounts"
        ))
    })
}
