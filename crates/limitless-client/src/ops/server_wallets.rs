//! `/portfolio/redeem`, `/portfolio/withdraw`, `/portfolio/split` and
//! `/portfolio/merge` for server-wallet sub-accounts. HMAC only.

use limitless_types::markets::Venue;
use limitless_types::server_wallets::{
    RedeemParams, RedeemResponse, SplitMergeRequest, SplitMergeResponse, SplitMergeVenue,
    WithdrawParams, WithdrawResponse,
};

use limitless_types::validate::{validate_amount, validate_condition_id, validate_on_behalf_of};

use super::{Auth, Operation, RequestSpec};
use crate::Error;
use crate::validate::non_blank;

/// A split or merge of a market's positions held by a server wallet: a
/// partner's sub-account, or the caller's own (see
/// [`ServerWalletService::split_positions`](crate::ServerWalletService::split_positions)).
///
/// `amount` is an exact integer: micro-USDC for a split (`"2500000"` =
/// 2.5 USDC in, 2.5 YES + 2.5 NO out), micro-shares of each outcome for a
/// merge. The market's venue (exchange, and adapter on a neg-risk venue)
/// is looked up from `market_slug` by the client, once per market.
///
/// ```
/// use limitless_client::SplitMergeParams;
///
/// let split = SplitMergeParams {
///     market_slug: "btc-above-100k".into(),
///     condition_id: format!("0x{}", "ab".repeat(32)),
///     amount: "2500000".into(),
///     on_behalf_of: Some(326),
/// };
/// # let _ = split;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitMergeParams {
    /// The market's slug, for its venue.
    pub market_slug: String,
    /// The market's condition id (`0x` + 64 hex).
    pub condition_id: String,
    /// Micro-USDC (split) or micro-shares of each outcome (merge), as
    /// digits; not zero.
    pub amount: String,
    /// The server-wallet sub-account's profile id; `None` for the
    /// caller's own server wallet (`onBehalfOf` is then left out).
    pub on_behalf_of: Option<i64>,
}

impl SplitMergeParams {
    /// Checks everything that needs no network.
    pub(crate) fn validate(&self) -> Result<(), Error> {
        non_blank("market_slug", &self.market_slug, "pass the market's slug")?;
        validate_condition_id(&self.condition_id)?;
        validate_amount(&self.amount)?;
        if let Some(id) = self.on_behalf_of {
            validate_on_behalf_of(id)?;
        }
        Ok(())
    }
}

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
