//! `/profiles/partner-accounts*` (sub-accounts and their allowances) and
//! `/portfolio/withdrawal-addresses*`.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use limitless_eip712::{ErrorKind, verify_ownership_proof};
use limitless_types::{
    AddWithdrawalAddressInput, AllowanceStatus, AllowanceSummary, AllowanceTarget,
    AllowanceTargetType, AllowancesResponse, CreatePartnerAccountInput, EoaOwnershipProof,
    HEADER_X_ACCOUNT, HEADER_X_SIGNATURE, HEADER_X_SIGNING_MESSAGE, MessageResponse,
    PartnerAccount, PartnerAccountSummary, PartnerAccountsPage, SCOPE_ACCOUNT_CREATION,
    SCOPE_DELEGATED_SIGNING, ValidationError, WithdrawalAddress, validate_address,
};
use serde::Deserialize;

use super::{positive, query};
use crate::auth::{IdentityCaller, Signed, parse_json};
use crate::error::{ApiError, ApiJson};
use crate::ids;
use crate::seed::{CTF, MarketVenue, USDC};
use crate::state::{App, State as SandboxState, SubAccount, WithdrawalAddressRecord};

/// Base mainnet.
const CHAIN_ID: u64 = 8453;
/// Sub-accounts per page when `limit` is not given.
const DEFAULT_PAGE_LIMIT: u32 = 25;
/// The API's largest sub-account page (PROTOCOL §3.1: the SDKs cap `limit`
/// at 25); the sandbox refuses larger values instead of capping them.
use limitless_types::limits::MAX_PAGE_LIMIT;

/// Turns a shared validator's error into a 400 naming the wire field.
pub(crate) fn invalid(error: ValidationError) -> ApiError {
    let mut field = String::with_capacity(error.field.len());
    let mut upper = false;
    for c in error.field.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            field.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            field.push(c);
        }
    }
    ApiError::bad_request(format!("invalid {field}: {}", error.message))
}

/// The 404 for a sub-account that does not exist or belongs to another
/// partner: the two are never told apart, so no partner learns which
/// profile ids exist.
pub(crate) fn not_own_account(profile_id: i64) -> ApiError {
    ApiError::not_found(format!(
        "no sub-account with profile id {profile_id} under your partner profile; list yours with GET /profiles/partner-accounts"
    ))
}

/// The caller's sub-account `profile_id`, or [`not_own_account`].
pub(crate) fn own_account(
    state: &mut SandboxState,
    partner_profile_id: i64,
    profile_id: i64,
) -> Result<&mut SubAccount, ApiError> {
    state
        .accounts
        .get_mut(&profile_id)
        .filter(|a| a.partner_profile_id == partner_profile_id)
        .ok_or_else(|| not_own_account(profile_id))
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Result<&'a str, ApiError> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "missing header {name}: an EOA sub-account needs x-account, x-signing-message and x-signature, or send createServerWallet: true"
            ))
        })
}

/// Checks an EOA ownership proof for real: the `personal_sign` signer
/// recovered from `x-signature` over the hex-decoded `x-signing-message`
/// must be `x-account`. Returns the account, checksummed.
fn verify_proof(proof: &EoaOwnershipProof) -> Result<String, ApiError> {
    match verify_ownership_proof(proof) {
        Ok(account) => Ok(account.to_checksum()),
        Err(e) => {
            let header = match e.kind() {
                ErrorKind::InvalidAddress => "x-account",
                ErrorKind::InvalidMessage => "x-signing-message",
                ErrorKind::InvalidSignature => "x-signature",
                _ => {
                    return Err(ApiError::unauthorized(format!(
                        "EOA ownership proof refused: {e}"
                    ))
                    .with_code("INVALID_OWNERSHIP_PROOF"));
                }
            };
            Err(ApiError::bad_request(format!(
                "invalid {header} header: {e}"
            )))
        }
    }
}

fn allowance_targets() -> Vec<AllowanceTarget> {
    let exchange = MarketVenue::Legacy.exchange();
    let fee_module = MarketVenue::CollateralFee.fee_module().unwrap_or_default();
    let target = |kind, token: &str, spender: &str, label: &str, side: &str| AllowanceTarget {
        target_type: kind,
        token_address: token.to_owned(),
        spender_or_operator: spender.to_owned(),
        label: label.to_owned(),
        required_for: side.to_owned(),
        confirmed: false,
        status: AllowanceStatus::Missing,
        transaction_id: None,
        tx_hash: None,
        user_operation_hash: None,
        retryable: true,
        error_code: None,
        error_message: None,
    };
    vec![
        target(
            AllowanceTargetType::UsdcAllowance,
            USDC,
            exchange,
            "ctf-exchange",
            "BUY",
        ),
        target(
            AllowanceTargetType::CtfApproval,
            CTF,
            exchange,
            "ctf-exchange",
            "SELL",
        ),
        target(
            AllowanceTargetType::UsdcAllowance,
            USDC,
            fee_module,
            "collateral-fee-module",
            "BUY",
        ),
        // What a Pack buy needs (routes/packs.rs).
        target(
            AllowanceTargetType::UsdcAllowance,
            USDC,
            crate::packs::VAULT,
            crate::packs::VAULT_LABEL,
            "BUY",
        ),
    ]
}

fn allowances_response(account: &SubAccount) -> AllowancesResponse {
    let mut summary = AllowanceSummary::default();
    for target in &account.allowances {
        summary.total += 1;
        match target.status {
            AllowanceStatus::Confirmed => summary.confirmed += 1,
            AllowanceStatus::Missing => summary.missing += 1,
            AllowanceStatus::Submitted => summary.submitted += 1,
            _ => summary.failed += 1,
        }
    }
    AllowancesResponse {
        profile_id: account.profile_id,
        partner_profile_id: account.partner_profile_id,
        chain_id: CHAIN_ID,
        wallet_address: account.account.clone(),
        ready: summary.confirmed == summary.total,
        summary,
        targets: account.allowances.clone(),
    }
}

pub(super) async fn create(
    State(app): State<App>,
    headers: HeaderMap,
    signed: Signed,
) -> Result<(StatusCode, ApiJson<PartnerAccount>), ApiError> {
    signed
        .caller
        .require(&[SCOPE_ACCOUNT_CREATION], "create sub-accounts")?;
    let input: CreatePartnerAccountInput = signed.json()?;
    let server_wallet = input.is_server_wallet();
    let eoa = if server_wallet {
        None
    } else {
        let proof = EoaOwnershipProof {
            account: header(&headers, HEADER_X_ACCOUNT)?.to_owned(),
            signing_message: header(&headers, HEADER_X_SIGNING_MESSAGE)?.to_owned(),
            signature: header(&headers, HEADER_X_SIGNATURE)?.to_owned(),
        };
        Some(verify_proof(&proof)?)
    };
    input.validate().map_err(invalid)?;

    let mut state = app.lock();
    if let Some(account) = &eoa
        && state
            .accounts
            .values()
            .any(|a| a.account.eq_ignore_ascii_case(account))
    {
        return Err(ApiError::conflict(format!(
            "a profile already exists for account {account}; recover it with GET /profiles/partner-accounts?account={account}"
        )));
    }
    let profile_id = state.next_profile_id;
    state.next_profile_id += 1;
    let account = eoa.unwrap_or_else(ids::address);
    state.accounts.insert(
        profile_id,
        SubAccount {
            profile_id,
            partner_profile_id: signed.caller.profile_id,
            account: account.clone(),
            display_name: input.display_name,
            server_wallet,
            allowances: if server_wallet {
                allowance_targets()
            } else {
                Vec::new()
            },
        },
    );
    // 201 Created, the only success the spec documents for this POST.
    Ok((
        StatusCode::CREATED,
        ApiJson(PartnerAccount {
            profile_id,
            account,
        }),
    ))
}

#[derive(Debug, Deserialize)]
pub(super) struct ListQuery {
    account: Option<String>,
    limit: Option<String>,
    page: Option<String>,
}

pub(super) async fn list(
    State(app): State<App>,
    params: Result<Query<ListQuery>, QueryRejection>,
    headers: HeaderMap,
    signed: Signed,
) -> Result<ApiJson<PartnerAccountsPage>, ApiError> {
    signed
        .caller
        .require(&[SCOPE_ACCOUNT_CREATION], "list sub-accounts")?;
    if headers.contains_key("x-on-behalf-of") {
        return Err(ApiError::bad_request(
            "x-on-behalf-of is not accepted when listing sub-accounts; remove the header",
        ));
    }
    let params = query(params)?;
    let limit =
        positive("limit", params.limit.as_deref())?.unwrap_or(i64::from(DEFAULT_PAGE_LIMIT));
    let limit = u32::try_from(limit)
        .ok()
        .filter(|l| *l <= MAX_PAGE_LIMIT)
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "limit must be at most {MAX_PAGE_LIMIT}, got {limit}; use {MAX_PAGE_LIMIT} and fetch further pages"
            ))
        })?;
    let page = positive("page", params.page.as_deref())?.unwrap_or(1);
    let page = u32::try_from(page)
        .map_err(|_| ApiError::bad_request(format!("page is too large: {page}")))?;
    let account = params.account.as_deref().map(str::trim);
    if account == Some("") {
        return Err(ApiError::bad_request(
            "account must be a non-empty address when given",
        ));
    }

    let state = app.lock();
    let mine: Vec<&SubAccount> = state
        .accounts
        .values()
        .filter(|a| a.partner_profile_id == signed.caller.profile_id)
        .filter(|a| account.is_none_or(|want| a.account.eq_ignore_ascii_case(want)))
        .collect();
    let skip = (page as usize - 1).saturating_mul(limit as usize);
    let data = mine
        .iter()
        .skip(skip)
        .take(limit as usize)
        .map(|a| PartnerAccountSummary {
            profile_id: a.profile_id,
            account: a.account.clone(),
            // Never null: the SDKs type it as a required string (PROTOCOL
            // §6), so an unnamed sub-account has the empty name.
            display_name: Some(a.display_name.clone().unwrap_or_default()),
        })
        .collect();
    Ok(ApiJson(PartnerAccountsPage {
        data,
        page,
        limit,
        has_more: mine.len() > skip.saturating_add(limit as usize),
    }))
}

fn server_wallet_account<'a>(
    state: &'a mut SandboxState,
    signed: &Signed,
    profile_id: &str,
) -> Result<&'a mut SubAccount, ApiError> {
    // PROTOCOL §1.5: allowance checks and retries need both scopes.
    signed.caller.require(
        &[SCOPE_ACCOUNT_CREATION, SCOPE_DELEGATED_SIGNING],
        "manage sub-account allowances",
    )?;
    let profile_id = positive("profileId", Some(profile_id))?.unwrap_or_default();
    let account = own_account(state, signed.caller.profile_id, profile_id)?;
    if !account.server_wallet {
        return Err(ApiError::bad_request(format!(
            "profile {profile_id} is an EOA sub-account; allowances are managed only for server-wallet sub-accounts"
        )));
    }
    Ok(account)
}

pub(super) async fn check_allowances(
    State(app): State<App>,
    path: Result<Path<String>, PathRejection>,
    signed: Signed,
) -> Result<ApiJson<AllowancesResponse>, ApiError> {
    let profile_id = super::path(path)?;
    let mut state = app.lock();
    let account = server_wallet_account(&mut state, &signed, &profile_id)?;
    // Submitted approvals are mined by the time anyone looks again.
    for target in &mut account.allowances {
        if target.status == AllowanceStatus::Submitted {
            target.status = AllowanceStatus::Confirmed;
            target.confirmed = true;
            target.retryable = false;
            target.tx_hash = Some(ids::hash32());
        }
    }
    Ok(ApiJson(allowances_response(account)))
}

pub(super) async fn retry_allowances(
    State(app): State<App>,
    path: Result<Path<String>, PathRejection>,
    signed: Signed,
) -> Result<ApiJson<AllowancesResponse>, ApiError> {
    let profile_id = super::path(path)?;
    let mut state = app.lock();
    let account = server_wallet_account(&mut state, &signed, &profile_id)?;
    if account
        .allowances
        .iter()
        .any(|t| t.status == AllowanceStatus::Submitted)
    {
        return Err(ApiError::conflict(format!(
            "an allowance retry is already in progress for profile {}; poll GET /profiles/partner-accounts/{}/allowances",
            account.profile_id, account.profile_id
        )));
    }
    for target in &mut account.allowances {
        if matches!(
            target.status,
            AllowanceStatus::Missing | AllowanceStatus::Failed
        ) {
            target.status = AllowanceStatus::Submitted;
            target.transaction_id = Some(ids::uuid());
            target.user_operation_hash = Some(ids::hash32());
            target.error_code = None;
            target.error_message = None;
        }
    }
    Ok(ApiJson(allowances_response(account)))
}

pub(super) async fn add_withdrawal_address(
    State(app): State<App>,
    caller: IdentityCaller,
    body: Result<Bytes, BytesRejection>,
) -> Result<ApiJson<WithdrawalAddress>, ApiError> {
    let input: AddWithdrawalAddressInput = parse_json(&super::body(body)?)?;
    let address = input.address.trim().to_owned();
    validate_address("address", &address).map_err(invalid)?;
    let created_at = app.now_iso();
    let mut state = app.lock();
    if state
        .withdrawal_addresses
        .iter()
        .any(|w| w.profile_id == caller.profile_id && w.address.eq_ignore_ascii_case(&address))
    {
        return Err(ApiError::conflict(format!(
            "withdrawal address {address} is already registered for this profile"
        )));
    }
    let record = WithdrawalAddressRecord {
        id: ids::uuid(),
        profile_id: caller.profile_id,
        address,
        label: input.label,
        created_at,
    };
    let response = WithdrawalAddress {
        id: record.id.clone(),
        profile_id: record.profile_id,
        destination_address: record.address.clone(),
        // Never null, as `displayName` above.
        label: Some(record.label.clone().unwrap_or_default()),
        created_at: record.created_at.clone(),
        deleted_at: None,
    };
    state.withdrawal_addresses.push(record);
    Ok(ApiJson(response))
}

pub(super) async fn delete_withdrawal_address(
    State(app): State<App>,
    path: Result<Path<String>, PathRejection>,
    caller: IdentityCaller,
) -> Result<ApiJson<MessageResponse>, ApiError> {
    let address = super::path(path)?;
    let mut state = app.lock();
    let before = state.withdrawal_addresses.len();
    state.withdrawal_addresses.retain(|w| {
        !(w.profile_id == caller.profile_id && w.address.eq_ignore_ascii_case(&address))
    });
    if state.withdrawal_addresses.len() == before {
        return Err(ApiError::not_found(format!(
            "withdrawal address {address} is not registered for this profile"
        )));
    }
    Ok(ApiJson(MessageResponse {
        message: format!("withdrawal address {address} removed"),
    }))
}
