//! `/portfolio/redeem` and `/portfolio/withdraw` for server-wallet
//! sub-accounts. HMAC only.

use limitless_types::server_wallets::{
    RedeemParams, RedeemResponse, WithdrawParams, WithdrawResponse,
};

use super::{Auth, Operation, RequestSpec};
use crate::Error;

const REQUIRES_HMAC: &str = "Server wallet redeem/withdraw require HMAC-scoped API token auth; legacy API keys are not supported.";

/// `POST /portfolio/redeem`: redeems a resolved market's positions held by
/// the sub-account `on_behalf_of`; the condition id must be `0x` + 64 hex
/// characters. Not idempotent.
pub fn redeem_positions(params: &RedeemParams) -> Result<Operation<RedeemResponse>, Error> {
    params.validate()?;
    Ok(RequestSpec::post(
        "redeem_positions",
        "/portfolio/redeem",
        Auth::Hmac(REQUIRES_HMAC),
    )
    .json(params)?
    .decode())
}

/// `POST /portfolio/withdraw`: withdraws `amount` (digits, in the token's
/// smallest unit; not zero); needs `on_behalf_of` or `destination`. The
/// token needs the `withdrawal` scope. Not idempotent.
pub fn withdraw(params: &WithdrawParams) -> Result<Operation<WithdrawResponse>, Error> {
    params.validate()?;
    Ok(
        RequestSpec::post("withdraw", "/portfolio/withdraw", Auth::Hmac(REQUIRES_HMAC))
            .json(params)?
            .decode(),
    )
}
