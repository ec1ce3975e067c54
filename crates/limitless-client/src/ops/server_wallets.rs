//! `/portfolio/redeem`, `/portfolio/withdraw`, `/portfolio/split` and
//! `/portfolio/merge` for server-wallet sub-accounts. HMAC only.

use limitless_types::markets::Venue;
use limitless_types::server_wallets::{
    RedeemParams, RedeemResponse, SplitMergeRequest, SplitMergeResponse, SplitMergeVenue,
    WithdrawParams, WithdrawResponse,
};

use super::{Auth, Operation, RequestSpec};
use crate::{Error, SplitMergeParams};

const REQUIRES_HMAC: &str = "Server wallet redeem/withdraw require HMAC-scoped API token auth; legacy API keys are not supported.";
pub(crate) const SPLIT_MERGE_REQUIRES_HMAC: &str = "Server wallet split/merge require HMAC-scoped API token auth; legacy API keys are not supported.";

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

/// `POST /portfolio/split`: turns `amount` micro-USDC of a server wallet
/// (the sub-account `on_behalf_of`, or the caller's own when `None`) into
/// `amount` micro-shares of each outcome, through the market's `venue`:
/// `{"conditionId","amount","venue":{"exchange"[,"adapter"]}[,"onBehalfOf"]}`,
/// the adapter sent only on a neg-risk venue (PROTOCOL §7.1, the official
/// Go SDK 1.1.0). Not idempotent.
pub fn split_positions(
    params: &SplitMergeParams,
    venue: &Venue,
) -> Result<Operation<SplitMergeResponse>, Error> {
    split_merge("split_positions", "/portfolio/split", params, venue)
}

/// `POST /portfolio/merge`: turns `amount` micro-shares of each outcome
/// back into `amount` micro-USDC, through the market's `venue`. Not
/// idempotent.
pub fn merge_positions(
    params: &SplitMergeParams,
    venue: &Venue,
) -> Result<Operation<SplitMergeResponse>, Error> {
    split_merge("merge_positions", "/portfolio/merge", params, venue)
}

fn split_merge(
    operation: &'static str,
    path: &'static str,
    params: &SplitMergeParams,
    venue: &Venue,
) -> Result<Operation<SplitMergeResponse>, Error> {
    params.validate()?;
    if venue.exchange.is_empty() {
        return Err(Error::invalid_field(
            "market_slug",
            format!(
                "market {} has no venue exchange; split and merge go through the market's venue contracts",
                params.market_slug
            ),
        ));
    }
    let body = SplitMergeRequest {
        condition_id: params.condition_id.clone(),
        amount: params.amount.clone(),
        venue: SplitMergeVenue {
            exchange: venue.exchange.clone(),
            adapter: venue.adapter.clone().filter(|adapter| !adapter.is_empty()),
        },
        on_behalf_of: params.on_behalf_of,
    };
    body.validate()?;
    Ok(
        RequestSpec::post(operation, path, Auth::Hmac(SPLIT_MERGE_REQUIRES_HMAC))
            .json(&body)?
            .decode(),
    )
}
