//! `/profiles/partner-accounts` and `/portfolio/withdrawal-addresses`:
//! sub-accounts, their allowances, withdrawal destinations.

use http::{HeaderName, HeaderValue};
use limitless_types::partner_accounts::{
    AddWithdrawalAddressInput, AllowancesResponse, CreatePartnerAccountInput, EoaOwnershipProof,
    ListPartnerAccountsParams, PartnerAccount, PartnerAccountSummary, PartnerAccountsPage,
    WithdrawalAddress,
};
use limitless_types::validate::validate_address;

use super::markets::{page_limit, page_number};
use super::{Auth, Operation, RequestSpec, encode_segment};
use crate::Error;
use crate::ops::finish::Finisher;
use crate::response::{ApiResponse, RawResponse};
use crate::validate::{non_blank, positive_profile_id};

const LIST_REQUIRES_HMAC: &str = "Partner account listing requires HMAC-scoped API token auth; legacy API keys are not supported.";
const ALLOWANCES_REQUIRE_HMAC: &str = "Partner account allowance recovery requires HMAC-scoped API token auth; legacy API keys are not supported.";

/// `POST /profiles/partner-accounts`: creates a sub-account. A server
/// wallet takes no proof; an EOA sub-account needs its ownership proof,
/// sent as the `x-account`, `x-signing-message` and `x-signature` headers.
/// Not idempotent.
pub fn create_account(
    input: &CreatePartnerAccountInput,
    eoa: Option<&EoaOwnershipProof>,
) -> Result<Operation<PartnerAccount>, Error> {
    let headers = match (input.is_server_wallet(), eoa) {
        (true, None) => Vec::new(),
        (true, Some(_)) => {
            return Err(Error::invalid_field(
                "eoa",
                "an EOA ownership proof was given for a server-wallet sub-account; pass eoa: None, or set create_server_wallet to None for an EOA sub-account",
            ));
        }
        (false, None) => {
            return Err(Error::invalid_field(
                "eoa",
                "EOA headers are required when create_server_wallet is not true; pass an EoaOwnershipProof, or use CreatePartnerAccountInput::server_wallet",
            ));
        }
        (false, Some(proof)) => eoa_headers(proof)?,
    };
    input.validate()?;
    let mut spec = RequestSpec::post(
        "create_account",
        "/profiles/partner-accounts",
        Auth::Credentials,
    )
    .json(input)?;
    for (name, value) in headers {
        spec = spec.header(name, value);
    }
    Ok(spec.decode())
}

/// `GET /profiles/partner-accounts`: a page of sub-accounts, optionally
/// filtered by wallet address. HMAC only. `limit` is 1 to
/// [`MAX_PAGE_LIMIT`](limitless_types::limits::MAX_PAGE_LIMIT), `page` at
/// least 1.
pub fn list_accounts(
    params: &ListPartnerAccountsParams,
) -> Result<Operation<PartnerAccountsPage>, Error> {
    Ok(list_spec("list_accounts", params)?.decode())
}

/// The sub-account whose wallet address is `account` (compared without
/// regard to case), through `GET /profiles/partner-accounts?account=…`;
/// `None` when the partner has none. HMAC only.
pub fn recover_account(account: &str) -> Result<Operation<Option<PartnerAccountSummary>>, Error> {
    let params = ListPartnerAccountsParams {
        account: Some(account.to_owned()),
        limit: None,
        page: None,
    };
    let spec = list_spec("recover_account", &params)?;
    // The address as sent (trimmed), for the finish step to look for.
    let wanted = account.trim().to_owned();
    Ok(spec.finish_with(move |http, spec, outcome| find_account(http, spec, outcome, &wanted)))
}

/// The listed sub-account whose address is `wanted`.
fn find_account(
    http: &Finisher<'_>,
    spec: &RequestSpec,
    outcome: Result<RawResponse, Error>,
    wanted: &str,
) -> Result<ApiResponse<Option<PartnerAccountSummary>>, Error> {
    let response = http.decode::<PartnerAccountsPage>(spec, outcome?)?;
    let found = response
        .data
        .data
        .into_iter()
        .find(|summary| summary.account.eq_ignore_ascii_case(wanted));
    Ok(ApiResponse {
        data: found,
        raw: response.raw,
    })
}

fn list_spec(op: &'static str, params: &ListPartnerAccountsParams) -> Result<RequestSpec, Error> {
    let mut pairs = Vec::with_capacity(3);
    if let Some(given) = &params.account {
        let given = non_blank(
            "account",
            given,
            "pass a wallet address, or None to list all",
        )?;
        pairs.push(("account", given.to_owned()));
    }
    page_limit(params.limit)?;
    if let Some(limit) = params.limit {
        pairs.push(("limit", limit.to_string()));
    }
    page_number(params.page)?;
    if let Some(page) = params.page {
        pairs.push(("page", page.to_string()));
    }
    Ok(RequestSpec::get(
        op,
        "/profiles/partner-accounts",
        Auth::Hmac(LIST_REQUIRES_HMAC),
    )
    .query(pairs))
}

/// `GET /profiles/partner-accounts/{profileId}/allowances`: the
/// sub-account's trading allowances. HMAC only.
pub fn check_allowances(profile_id: i64) -> Result<Operation<AllowancesResponse>, Error> {
    positive_profile_id("profile_id", profile_id)?;
    Ok(RequestSpec::get(
        "check_allowances",
        format!("/profiles/partner-accounts/{profile_id}/allowances"),
        Auth::Hmac(ALLOWANCES_REQUIRE_HMAC),
    )
    .decode())
}

/// `POST /profiles/partner-accounts/{profileId}/allowances/retry` (body
/// `{}`): submits the missing allowances again. HMAC only. Not idempotent.
pub fn retry_allowances(profile_id: i64) -> Result<Operation<AllowancesResponse>, Error> {
    positive_profile_id("profile_id", profile_id)?;
    Ok(RequestSpec::post(
        "retry_allowances",
        format!("/profiles/partner-accounts/{profile_id}/allowances/retry"),
        Auth::Hmac(ALLOWANCES_REQUIRE_HMAC),
    )
    .json(&serde_json::Map::new())?
    .decode())
}

/// `POST /portfolio/withdrawal-addresses`: allow-lists a withdrawal
/// destination (`0x` + 40 hex characters). Identity token only.
pub fn add_withdrawal_address(
    identity_token: &str,
    input: &AddWithdrawalAddressInput,
) -> Result<Operation<WithdrawalAddress>, Error> {
    const OP: &str = "add_withdrawal_address";
    let auth = Auth::identity(OP, identity_token)?;
    validate_address("address", &input.address)?;
    Ok(
        RequestSpec::post(OP, "/portfolio/withdrawal-addresses", auth)
            .json(input)?
            .decode(),
    )
}

/// `DELETE /portfolio/withdrawal-addresses/{address}`: removes a withdrawal
/// destination; the answer's body is not read. Identity token only.
/// Idempotent.
pub fn delete_withdrawal_address(
    identity_token: &str,
    address: &str,
) -> Result<Operation<()>, Error> {
    const OP: &str = "delete_withdrawal_address";
    let auth = Auth::identity(OP, identity_token)?;
    let address = non_blank("address", address, "pass the withdrawal address to delete")?;
    let path = format!(
        "/portfolio/withdrawal-addresses/{}",
        encode_segment("address", address)?
    );
    Ok(RequestSpec::delete(OP, path, auth)
        .idempotent(true)
        .finish(ignore_body))
}

/// Succeeds on any accepted answer without reading its body.
fn ignore_body(
    _http: &Finisher<'_>,
    _spec: &RequestSpec,
    outcome: Result<RawResponse, Error>,
) -> Result<ApiResponse<()>, Error> {
    outcome.map(|raw| ApiResponse { data: (), raw })
}

fn eoa_headers(proof: &EoaOwnershipProof) -> Result<Vec<(HeaderName, HeaderValue)>, Error> {
    validate_address("eoa.account", &proof.account)?;
    let mut headers = Vec::with_capacity(3);
    for (name, value) in proof.headers() {
        let field = match name {
            "x-account" => "eoa.account",
            "x-signing-message" => "eoa.signing_message",
            _ => "eoa.signature",
        };
        let value = non_blank(
            field,
            value,
            "pass the value produced when the EOA signed the message",
        )?;
        let mut header = HeaderValue::from_str(value).map_err(|_| {
            Error::invalid_field(
                field,
                format!(
                    "{field} contains characters that are not allowed in an HTTP header (such as line breaks); send it hex-encoded (0x…)"
                ),
            )
        })?;
        if name == "x-signature" {
            header.set_sensitive(true);
        }
        headers.push((HeaderName::from_static(name), header));
    }
    Ok(headers)
}
