//! Server-wallet redeem and withdraw.

use limitless_types::server_wallets::{
    RedeemParams, RedeemResponse, WithdrawParams, WithdrawResponse,
};

use crate::{Call, HttpClient, ops};

/// Funds held by sub-accounts' server wallets (`client.server_wallets`).
/// Every call requires HMAC credentials. Each method sends the operation
/// of the same name in [`ops::server_wallets`].
#[derive(Clone, Debug)]
pub struct ServerWalletService {
    http: HttpClient,
}

impl ServerWalletService {
    pub(crate) fn new(http: HttpClient) -> Self {
        Self { http }
    }

    /// `POST /portfolio/redeem`: redeems a resolved market's positions held
    /// by the sub-account `on_behalf_of`. Not idempotent.
    pub fn redeem_positions(&self, params: &RedeemParams) -> Call<RedeemResponse> {
        self.http
            .call(ops::server_wallets::redeem_positions(params))
    }

    /// `POST /portfolio/withdraw`: withdraws `amount` (digits, in the token's
    /// smallest unit; not zero). The token needs the `withdrawal` scope.
    /// Not idempotent.
    pub fn withdraw(&self, params: &WithdrawParams) -> Call<WithdrawResponse> {
        self.http.call(ops::server_wallets::withdraw(params))
    }
}
