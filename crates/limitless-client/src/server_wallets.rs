//! Server-wallet redeem and withdraw.

use limitless_types::server_wallets::{
    RedeemParams, RedeemResponse, WithdrawParams, WithdrawResponse,
};

use crate::request::{AuthClass, RequestSpec};
use crate::{Call, HttpClient};

const REQUIRES_HMAC: &str = "Server wallet redeem/withdraw require HMAC-scoped API token auth; legacy API keys are not supported.";

/// Funds held by sub-accounts' server wallets (`client.server_wallets`).
/// Every call requires HMAC credentials.
#[derive(Clone, Debug)]
pub struct ServerWalletService {
    http: HttpClient,
}

impl ServerWalletService {
    pub(crate) fn new(http: HttpClient) -> Self {
        Self { http }
    }

    /// `POST /portfolio/redeem`: redeems a resolved market's positions held
    /// by the sub-account `on_behalf_of`. The condition id must be `0x` + 64
    /// hex characters. Not idempotent.
    pub fn redeem_positions(&self, params: &RedeemParams) -> Call<'static, RedeemResponse> {
        const OP: &str = "redeem_positions";
        let spec = (|| {
            let auth = self.http.auth_for(OP, AuthClass::HmacOnly(REQUIRES_HMAC))?;
            params.validate()?;
            RequestSpec::post(OP, "/portfolio/redeem".to_owned())
                .auth(auth)
                .json(params)
        })();
        self.http.call(spec)
    }

    /// `POST /portfolio/withdraw`: withdraws `amount` (digits, in the token's
    /// smallest unit; not zero). Needs `on_behalf_of` or `destination`;
    /// unset fields are omitted and the API applies its defaults. The token
    /// needs the `withdrawal` scope. Not idempotent.
    pub fn withdraw(&self, params: &WithdrawParams) -> Call<'static, WithdrawResponse> {
        const OP: &str = "withdraw";
        let spec = (|| {
            let auth = self.http.auth_for(OP, AuthClass::HmacOnly(REQUIRES_HMAC))?;
            params.validate()?;
            RequestSpec::post(OP, "/portfolio/withdraw".to_owned())
                .auth(auth)
                .json(params)
        })();
        self.http.call(spec)
    }
}
