//! Partner sub-accounts: create, list and recover, allowances, withdrawal
//! addresses.

use http::{HeaderName, HeaderValue};
use limitless_types::partner_accounts::{
    AddWithdrawalAddressInput, AllowancesResponse, CreatePartnerAccountInput, EoaOwnershipProof,
    ListPartnerAccountsParams, PartnerAccount, PartnerAccountSummary, PartnerAccountsPage,
    WithdrawalAddress,
};
use limitless_types::validate::validate_address;

use crate::request::{AuthClass, RequestSpec, encode_segment};
use crate::validate::{non_blank, positive_profile_id};
use crate::{Call, Error, HttpClient};

/// The most sub-accounts one list page may hold.
pub const PARTNER_ACCOUNTS_MAX_LIMIT: u32 = 25;

const LIST_REQUIRES_HMAC: &str = "Partner account listing requires HMAC-scoped API token auth; legacy API keys are not supported.";
const ALLOWANCES_REQUIRE_HMAC: &str = "Partner account allowance recovery requires HMAC-scoped API token auth; legacy API keys are not supported.";

/// Sub-accounts managed by the partner (`client.partner_accounts`).
#[derive(Clone, Debug)]
pub struct PartnerAccountService {
    http: HttpClient,
}

impl PartnerAccountService {
    pub(crate) fn new(http: HttpClient) -> Self {
        Self { http }
    }

    /// `POST /profiles/partner-accounts`: creates a sub-account.
    ///
    /// For a server wallet (`create_server_wallet: Some(true)`, see
    /// [`CreatePartnerAccountInput::server_wallet`]) pass `eoa: None`;
    /// otherwise the EOA's ownership proof is required and is sent as the
    /// `x-account`, `x-signing-message` and `x-signature` headers. The display
    /// name may have at most 44 characters. Not idempotent.
    pub fn create_account(
        &self,
        input: &CreatePartnerAccountInput,
        eoa: Option<&EoaOwnershipProof>,
    ) -> Call<'static, PartnerAccount> {
        const OP: &str = "create_account";
        let spec = (|| {
            let auth = self.http.auth_for(OP, AuthClass::Any)?;
            let headers = match (input.is_server_wallet(), eoa) {
                (true, None) => Vec::new(),
                (true, Some(_)) => {
                    return Err(Error::invalid(
                        "an EOA ownership proof was given for a server-wallet sub-account; pass eoa: None, or set create_server_wallet to None for an EOA sub-account",
                    ));
                }
                (false, None) => {
                    return Err(Error::invalid(
                        "EOA headers are required when create_server_wallet is not true; pass an EoaOwnershipProof, or use CreatePartnerAccountInput::server_wallet",
                    ));
                }
                (false, Some(proof)) => eoa_headers(proof)?,
            };
            input.validate()?;
            let mut spec = RequestSpec::post(OP, "/profiles/partner-accounts".to_owned())
                .auth(auth)
                .json(input)?;
            for (name, value) in headers {
                spec = spec.header(name, value);
            }
            Ok(spec)
        })();
        self.http.call(spec)
    }

    /// `GET /profiles/partner-accounts`: a page of sub-accounts, optionally
    /// filtered by wallet address. Requires HMAC credentials.
    ///
    /// `limit` must be 1 to [`PARTNER_ACCOUNTS_MAX_LIMIT`] (a larger value is
    /// rejected rather than silently capped) and `page` at least 1.
    pub fn list_accounts(
        &self,
        params: &ListPartnerAccountsParams,
    ) -> Call<'static, PartnerAccountsPage> {
        let spec = self.list_spec("list_accounts", params);
        self.http.call(spec)
    }

    /// Finds the sub-account whose wallet address is `account` (compared
    /// case-insensitively), via `GET /profiles/partner-accounts?account=…`.
    /// `None` when the partner has no such sub-account. Requires HMAC
    /// credentials.
    pub fn recover_account(&self, account: &str) -> Call<'static, Option<PartnerAccountSummary>> {
        let params = ListPartnerAccountsParams {
            account: Some(account.to_owned()),
            limit: None,
            page: None,
        };
        let spec = self.list_spec("recover_account", &params);
        let wanted = account.trim().to_owned();
        match spec {
            Err(error) => Call::fail(error),
            Ok(spec) => {
                let http = self.http.clone();
                Call::new(async move {
                    let response = http
                        .call::<PartnerAccountsPage>(Ok(spec))
                        .with_raw()
                        .await?;
                    let found = response
                        .data
                        .data
                        .into_iter()
                        .find(|summary| summary.account.eq_ignore_ascii_case(&wanted));
                    Ok(crate::ApiResponse {
                        data: found,
                        raw: response.raw,
                    })
                })
            }
        }
    }

    fn list_spec(
        &self,
        op: &'static str,
        params: &ListPartnerAccountsParams,
    ) -> Result<RequestSpec, Error> {
        let auth = self
            .http
            .auth_for(op, AuthClass::HmacOnly(LIST_REQUIRES_HMAC))?;
        let mut pairs = Vec::with_capacity(3);
        if let Some(account) = &params.account {
            let account = non_blank(
                "account",
                account,
                "pass a wallet address, or None to list all",
            )?;
            pairs.push(("account", account.to_owned()));
        }
        if let Some(limit) = params.limit {
            if limit == 0 {
                return Err(Error::invalid(format!(
                    "limit must be a positive integer; use 1 to {PARTNER_ACCOUNTS_MAX_LIMIT}"
                )));
            }
            if limit > PARTNER_ACCOUNTS_MAX_LIMIT {
                return Err(Error::invalid(format!(
                    "limit must be at most {PARTNER_ACCOUNTS_MAX_LIMIT}, got {limit}; use {PARTNER_ACCOUNTS_MAX_LIMIT} and fetch further pages"
                )));
            }
            pairs.push(("limit", limit.to_string()));
        }
        if let Some(page) = params.page {
            if page == 0 {
                return Err(Error::invalid(
                    "page must be a positive integer; pages start at 1",
                ));
            }
            pairs.push(("page", page.to_string()));
        }
        Ok(
            RequestSpec::get(op, "/profiles/partner-accounts".to_owned())
                .auth(auth)
                .query(pairs),
        )
    }

    /// `GET /profiles/partner-accounts/{profileId}/allowances`: the
    /// sub-account's trading allowances. Requires HMAC credentials.
    pub fn check_allowances(&self, profile_id: i64) -> Call<'static, AllowancesResponse> {
        const OP: &str = "check_allowances";
        let spec = (|| {
            let auth = self
                .http
                .auth_for(OP, AuthClass::HmacOnly(ALLOWANCES_REQUIRE_HMAC))?;
            positive_profile_id("profile_id", profile_id)?;
            Ok(RequestSpec::get(
                OP,
                format!("/profiles/partner-accounts/{profile_id}/allowances"),
            )
            .auth(auth))
        })();
        self.http.call(spec)
    }

    /// `POST /profiles/partner-accounts/{profileId}/allowances/retry` (body
    /// `{}`): submits the missing allowances again. Requires HMAC
    /// credentials. Not idempotent.
    pub fn retry_allowances(&self, profile_id: i64) -> Call<'static, AllowancesResponse> {
        const OP: &str = "retry_allowances";
        let spec = (|| {
            let auth = self
                .http
                .auth_for(OP, AuthClass::HmacOnly(ALLOWANCES_REQUIRE_HMAC))?;
            positive_profile_id("profile_id", profile_id)?;
            RequestSpec::post(
                OP,
                format!("/profiles/partner-accounts/{profile_id}/allowances/retry"),
            )
            .auth(auth)
            .json(&serde_json::Map::new())
        })();
        self.http.call(spec)
    }

    /// `POST /portfolio/withdrawal-addresses`: allow-lists a withdrawal
    /// destination. Authenticates with the Privy identity token only. The
    /// address must be `0x` followed by 40 hex characters.
    pub fn add_withdrawal_address(
        &self,
        identity_token: &str,
        input: &AddWithdrawalAddressInput,
    ) -> Call<'static, WithdrawalAddress> {
        const OP: &str = "add_withdrawal_address";
        let spec = (|| {
            let auth = self
                .http
                .auth_for(OP, AuthClass::Identity(identity_token))?;
            validate_address("address", &input.address)?;
            RequestSpec::post(OP, "/portfolio/withdrawal-addresses".to_owned())
                .auth(auth)
                .json(input)
        })();
        self.http.call(spec)
    }

    /// `DELETE /portfolio/withdrawal-addresses/{address}`: removes a
    /// withdrawal destination. Authenticates with the Privy identity token
    /// only; the response body is ignored.
    pub fn delete_withdrawal_address(
        &self,
        identity_token: &str,
        address: &str,
    ) -> Call<'static, ()> {
        const OP: &str = "delete_withdrawal_address";
        let spec = (|| {
            let auth = self
                .http
                .auth_for(OP, AuthClass::Identity(identity_token))?;
            let address = non_blank("address", address, "pass the withdrawal address to delete")?;
            Ok(RequestSpec::delete(
                OP,
                format!(
                    "/portfolio/withdrawal-addresses/{}",
                    encode_segment("address", address)?
                ),
            )
            .auth(auth))
        })();
        self.http.call_unit(spec)
    }
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
            Error::invalid(format!(
                "{field} contains characters that are not allowed in an HTTP header (such as line breaks); send it hex-encoded (0x…)"
            ))
        })?;
        if name == "x-signature" {
            header.set_sensitive(true);
        }
        headers.push((HeaderName::from_static(name), header));
    }
    Ok(headers)
}
