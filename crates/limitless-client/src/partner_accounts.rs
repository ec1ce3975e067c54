//! Partner sub-accounts: create, list and recover, allowances, withdrawal
//! addresses.

use limitless_types::partner_accounts::{
    AddWithdrawalAddressInput, AllowancesResponse, CreatePartnerAccountInput, EoaOwnershipProof,
    ListPartnerAccountsParams, PartnerAccount, PartnerAccountSummary, PartnerAccountsPage,
    WithdrawalAddress,
};

use std::sync::Arc;

use limitless_eip712::{OrderSigner, OrderSignerExt};

use crate::call::Resolver;
use crate::onboarding::{WaitForAllowances, wait_until_ready};
use crate::pager::{Fetched, Pager, Position};
use crate::{Call, Error, HttpClient, ops};

/// Sub-accounts managed by the partner (`client.partner_accounts`). Each
/// method sends the operation of the same name in
/// [`ops::partner_accounts`].
#[derive(Clone, Debug)]
pub struct PartnerAccountService {
    http: HttpClient,
}

impl PartnerAccountService {
    pub(crate) fn new(http: HttpClient) -> Self {
        Self { http }
    }

    /// `POST /profiles/partner-accounts`: creates a sub-account. For a
    /// server wallet (see [`CreatePartnerAccountInput::server_wallet`]) pass
    /// `eoa: None`; otherwise the EOA's ownership proof is required and is
    /// sent as the `x-account`, `x-signing-message` and `x-signature`
    /// headers. The display name may have at most 44 characters. Not
    /// idempotent.
    pub fn create_account(
        &self,
        input: &CreatePartnerAccountInput,
        eoa: Option<&EoaOwnershipProof>,
    ) -> Call<PartnerAccount> {
        self.http
            .call(ops::partner_accounts::create_account(input, eoa))
    }

    /// `POST /profiles/partner-accounts` for an EOA sub-account whose key
    /// `signer` holds: proves ownership with a fresh nonce (the ownership
    /// message signed EIP-191 through the signer) and sends the proof as
    /// the `x-account`, `x-signing-message` and `x-signature` headers, in
    /// one call. `input` must not ask for a server wallet. Not idempotent;
    /// the signing happens when the call runs, before anything is sent.
    pub fn create_eoa_account(
        &self,
        input: &CreatePartnerAccountInput,
        signer: Arc<dyn OrderSigner>,
    ) -> Call<PartnerAccount> {
        // The input is checked now; only the proof waits for the call.
        let checked = if input.is_server_wallet() {
            Err(Error::invalid_field(
                "create_server_wallet",
                "an EOA sub-account holds its own key: leave create_server_wallet unset, or use create_account for a server wallet",
            ))
        } else {
            input.validate().map_err(Error::from)
        };
        if let Err(error) = checked {
            return Call::deferred(self.http.clone(), Err(error));
        }
        let input = input.clone();
        let resolver: Resolver<PartnerAccount> = Box::new(move |_http| {
            Box::pin(async move {
                let proof = signer.ownership_proof(None).await?;
                ops::partner_accounts::create_account(&input, Some(&proof))
            })
        });
        Call::deferred(self.http.clone(), Ok(resolver))
    }

    /// `GET /profiles/partner-accounts`: a page of sub-accounts, optionally
    /// filtered by wallet address. Requires HMAC credentials. `limit` must
    /// be 1 to 25 (a larger value is rejected rather than silently capped)
    /// and `page` at least 1.
    pub fn list_accounts(&self, params: &ListPartnerAccountsParams) -> Call<PartnerAccountsPage> {
        self.http.call(ops::partner_accounts::list_accounts(params))
    }

    /// Every sub-account, page after page (`GET /profiles/partner-accounts`),
    /// as a [`Pager`]. `params` filters by address and sets the page size
    /// (default and at most 25) and the first page (default 1). Requires
    /// HMAC credentials.
    pub fn accounts(&self, params: &ListPartnerAccountsParams) -> Pager<PartnerAccountSummary> {
        if let Err(error) = ops::partner_accounts::list_accounts(params) {
            return Pager::fail(error);
        }
        let base = params.clone();
        let limit = base
            .limit
            .unwrap_or(limitless_types::limits::MAX_PAGE_LIMIT);
        let first = Position::Page(base.page.unwrap_or(1));
        Pager::new(
            self.http.clone(),
            first,
            Box::new(move |http, position| {
                let page = match position {
                    Position::Page(page) => page,
                    Position::Cursor(_) => 1,
                };
                let params = ListPartnerAccountsParams {
                    limit: Some(limit),
                    page: Some(page),
                    ..base.clone()
                };
                http.call(ops::partner_accounts::list_accounts(&params))
                    .map(move |answer| Fetched {
                        next: answer.has_more.then(|| Position::Page(page + 1)),
                        items: answer.data,
                    })
            }),
        )
    }

    /// Finds the sub-account whose wallet address is `account` (compared
    /// case-insensitively), via `GET /profiles/partner-accounts?account=…`.
    /// `None` when the partner has no such sub-account. Requires HMAC
    /// credentials.
    pub fn recover_account(&self, account: &str) -> Call<Option<PartnerAccountSummary>> {
        self.http
            .call(ops::partner_accounts::recover_account(account))
    }

    /// `GET /profiles/partner-accounts/{profileId}/allowances`: the
    /// sub-account's trading allowances. Requires HMAC credentials.
    pub fn check_allowances(&self, profile_id: i64) -> Call<AllowancesResponse> {
        self.http
            .call(ops::partner_accounts::check_allowances(profile_id))
    }

    /// `POST /profiles/partner-accounts/{profileId}/allowances/retry` (body
    /// `{}`): submits the missing allowances again. Requires HMAC
    /// credentials. Not idempotent.
    pub fn retry_allowances(&self, profile_id: i64) -> Call<AllowancesResponse> {
        self.http
            .call(ops::partner_accounts::retry_allowances(profile_id))
    }

    /// Waits until a new sub-account's trading allowances are ready: checks
    /// them, submits the missing or failed ones again once, then polls with
    /// backoff until they are confirmed, reporting each change of the
    /// counts through [`WaitForAllowances::on_change`] and `tracing`.
    /// Requires HMAC credentials.
    ///
    /// # Errors
    ///
    /// [`Error::DeadlineExceeded`] when they are not ready by the
    /// deadline; any error of the checks or the retry.
    pub async fn wait_until_ready(
        &self,
        profile_id: i64,
        wait: &WaitForAllowances,
    ) -> Result<AllowancesResponse, Error> {
        wait_until_ready(&self.http, profile_id, wait).await
    }

    /// `POST /portfolio/withdrawal-addresses`: allow-lists a withdrawal
    /// destination. Authenticates with the Privy identity token only. The
    /// address must be `0x` followed by 40 hex characters.
    pub fn add_withdrawal_address(
        &self,
        identity_token: &str,
        input: &AddWithdrawalAddressInput,
    ) -> Call<WithdrawalAddress> {
        self.http
            .call(ops::partner_accounts::add_withdrawal_address(
                identity_token,
                input,
            ))
    }

    /// `DELETE /portfolio/withdrawal-addresses/{address}`: removes a
    /// withdrawal destination. Authenticates with the Privy identity token
    /// only; the response body is ignored.
    pub fn delete_withdrawal_address(&self, identity_token: &str, address: &str) -> Call<()> {
        self.http
            .call(ops::partner_accounts::delete_withdrawal_address(
                identity_token,
                address,
            ))
    }
}
