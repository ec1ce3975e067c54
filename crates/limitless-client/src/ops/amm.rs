//! `/amm/*`: a partner's trades against a market's automated market maker
//! (PROTOCOL §2.8). HMAC only, or an explicit identity token with the
//! `*_with_identity` variants.
//!
//! Buys and sells carry an idempotency key: the API treats requests with
//! the same key (within 24 h) as one trade. A key the caller fixed makes
//! the operation idempotent, so the client may send it again when an
//! attempt's outcome is unknown; a generated key (uuid v4, fresh per
//! operation) does not, and such a buy or sell is never sent twice.

use limitless_types::amm::{
    AmmAllowanceRequest, AmmAllowanceResponse, AmmBuyRequest, AmmSellRequest, AmmTradeResponse,
    validate_amm_amount, validate_amm_market, validate_amm_on_behalf_of, validate_idempotency_key,
    validate_outcome_index, validate_slippage_bps,
};

use super::{Auth, Operation, RequestSpec};
use crate::Error;
use crate::util::uuid_v4;

/// What a buy and a sell share.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Trade {
    pub(crate) market: String,
    pub(crate) outcome_index: u8,
    pub(crate) amount: String,
    pub(crate) slippage_bps: Option<u32>,
    pub(crate) idempotency_key: Option<String>,
    pub(crate) on_behalf_of: Option<i64>,
}

/// A trade checked, with the key it is sent with.
pub(crate) struct Checked {
    pub(crate) market: String,
    pub(crate) key: String,
    /// Whether the caller fixed the key (the trade may then be re-sent).
    pub(crate) key_fixed: bool,
}

impl Trade {
    fn new(market: impl Into<String>, outcome_index: u8, amount: impl Into<String>) -> Self {
        Self {
            market: market.into(),
            outcome_index,
            amount: amount.into(),
            slippage_bps: None,
            idempotency_key: None,
            on_behalf_of: None,
        }
    }

    /// Validates everything before the network; a key not fixed by the
    /// caller is drawn now (uuid v4).
    pub(crate) fn check(&self, amount_field: &'static str) -> Result<Checked, Error> {
        let market = validate_amm_market(&self.market)?.to_owned();
        validate_outcome_index(self.outcome_index)?;
        validate_amm_amount(amount_field, &self.amount)?;
        if let Some(bps) = self.slippage_bps {
            validate_slippage_bps(bps)?;
        }
        if let Some(id) = self.on_behalf_of {
            validate_amm_on_behalf_of(id)?;
        }
        let (key, key_fixed) = match &self.idempotency_key {
            Some(key) => {
                validate_idempotency_key(key)?;
                (key.clone(), true)
            }
            None => (uuid_v4(), false),
        };
        Ok(Checked {
            market,
            key,
            key_fixed,
        })
    }
}

macro_rules! trade_builders {
    () => {
        /// The largest price move accepted, 0 to
        /// [`MAX_AMM_SLIPPAGE_BPS`](limitless_types::amm::MAX_AMM_SLIPPAGE_BPS)
        /// basis points; unset, the API's default.
        pub fn slippage_bps(mut self, slippage_bps: u32) -> Self {
            self.trade.slippage_bps = Some(slippage_bps);
            self
        }

        /// Fixes the idempotency key (1 to 128 characters). The API treats
        /// every request with the same key (for 24 h) as one trade, so a
        /// trade whose outcome is unknown may be sent again **with the same
        /// key**; with a fixed key the client does so itself on the retries
        /// its [`RetryConfig`](crate::RetryConfig) allows. Unset, each send
        /// draws a fresh uuid v4 and the trade is never sent twice: a lost
        /// answer is [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown).
        pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
            self.trade.idempotency_key = Some(key.into());
            self
        }

        /// Trades for the sub-account `on_behalf_of` (1 to 2^31 − 1)
        /// instead of the caller.
        pub fn on_behalf_of(mut self, on_behalf_of: i64) -> Self {
            self.trade.on_behalf_of = Some(on_behalf_of);
            self
        }
    };
}

/// A buy against a market's AMM (see
/// [`AmmService::buy`](crate::AmmService::buy)).
///
/// ```
/// use limitless_client::AmmBuyParams;
///
/// // 2.5 USDC on YES, at most 1 % slippage, a key to re-send it with.
/// let buy = AmmBuyParams::new("eth-above-4k", 0, "2500000")
///     .slippage_bps(100)
///     .idempotency_key("order-7f3a");
/// # let _ = buy;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
pub struct AmmBuyParams {
    pub(crate) trade: Trade,
}

impl AmmBuyParams {
    /// Spends `collateral_amount` micro-USDC (digits, `"1000000"` = 1 USDC)
    /// on outcome `outcome_index` (0 YES, 1 NO) of `market` (slug or FPMM
    /// address).
    pub fn new(
        market: impl Into<String>,
        outcome_index: u8,
        collateral_amount: impl Into<String>,
    ) -> Self {
        Self {
            trade: Trade::new(market, outcome_index, collateral_amount),
        }
    }

    trade_builders!();
}

/// A sell against a market's AMM (see
/// [`AmmService::sell`](crate::AmmService::sell)).
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
pub struct AmmSellParams {
    pub(crate) trade: Trade,
}

impl AmmSellParams {
    /// Sells outcome `outcome_index` of `market` for exactly
    /// `collateral_return_amount` micro-USDC (digits).
    pub fn new(
        market: impl Into<String>,
        outcome_index: u8,
        collateral_return_amount: impl Into<String>,
    ) -> Self {
        Self {
            trade: Trade::new(market, outcome_index, collateral_return_amount),
        }
    }

    trade_builders!();
}

pub(crate) const REQUIRES_HMAC: &str = "AMM operations require HMAC-scoped API token auth or an explicit Privy identity token; legacy API keys are not supported.";

fn allowance(
    operation: &'static str,
    path: &'static str,
    request: &AmmAllowanceRequest,
    auth: Auth,
    idempotent: bool,
) -> Result<Operation<AmmAllowanceResponse>, Error> {
    let market = validate_amm_market(&request.market)?;
    if let Some(id) = request.on_behalf_of {
        validate_amm_on_behalf_of(id)?;
    }
    let body = AmmAllowanceRequest {
        market: market.to_owned(),
        ..request.clone()
    };
    Ok(RequestSpec::post(operation, path, auth)
        .idempotent(idempotent)
        .json(&body)?
        .decode())
}

/// `POST /amm/allowances/check`: whether the wallet's allowance for the
/// market and side is in place. Idempotent (a read).
pub fn check_allowance(
    request: &AmmAllowanceRequest,
) -> Result<Operation<AmmAllowanceResponse>, Error> {
    allowance(
        "check_amm_allowance",
        "/amm/allowances/check",
        request,
        Auth::Hmac(REQUIRES_HMAC),
        true,
    )
}

/// [`check_allowance`] with a Privy identity token instead of HMAC.
pub fn check_allowance_with_identity(
    identity_token: &str,
    request: &AmmAllowanceRequest,
) -> Result<Operation<AmmAllowanceResponse>, Error> {
    let auth = Auth::identity("check_amm_allowance", identity_token)?;
    allowance(
        "check_amm_allowance",
        "/amm/allowances/check",
        request,
        auth,
        true,
    )
}

/// `POST /amm/allowances/approve`: submits the approval. Not idempotent.
pub fn approve_allowance(
    request: &AmmAllowanceRequest,
) -> Result<Operation<AmmAllowanceResponse>, Error> {
    allowance(
        "approve_amm_allowance",
        "/amm/allowances/approve",
        request,
        Auth::Hmac(REQUIRES_HMAC),
        false,
    )
}

/// [`approve_allowance`] with a Privy identity token instead of HMAC.
pub fn approve_allowance_with_identity(
    identity_token: &str,
    request: &AmmAllowanceRequest,
) -> Result<Operation<AmmAllowanceResponse>, Error> {
    let auth = Auth::identity("approve_amm_allowance", identity_token)?;
    allowance(
        "approve_amm_allowance",
        "/amm/allowances/approve",
        request,
        auth,
        false,
    )
}

/// `POST /amm/buy`: spends `collateral_amount` micro-USDC on an outcome.
/// Idempotent exactly when the caller fixed the idempotency key.
pub fn buy(params: &AmmBuyParams) -> Result<Operation<AmmTradeResponse>, Error> {
    trade_buy(params, Auth::Hmac(REQUIRES_HMAC))
}

/// [`buy`] with a Privy identity token instead of HMAC.
pub fn buy_with_identity(
    identity_token: &str,
    params: &AmmBuyParams,
) -> Result<Operation<AmmTradeResponse>, Error> {
    trade_buy(params, Auth::identity("amm_buy", identity_token)?)
}

/// `POST /amm/sell`: sells an outcome for `collateral_return_amount`
/// micro-USDC. Idempotent exactly when the caller fixed the idempotency
/// key.
pub fn sell(params: &AmmSellParams) -> Result<Operation<AmmTradeResponse>, Error> {
    trade_sell(params, Auth::Hmac(REQUIRES_HMAC))
}

/// [`sell`] with a Privy identity token instead of HMAC.
pub fn sell_with_identity(
    identity_token: &str,
    params: &AmmSellParams,
) -> Result<Operation<AmmTradeResponse>, Error> {
    trade_sell(params, Auth::identity("amm_sell", identity_token)?)
}

fn trade_buy(params: &AmmBuyParams, auth: Auth) -> Result<Operation<AmmTradeResponse>, Error> {
    let checked = params.trade.check("collateral_amount")?;
    let body = AmmBuyRequest {
        market: checked.market,
        outcome_index: params.trade.outcome_index,
        collateral_amount: params.trade.amount.clone(),
        slippage_bps: params.trade.slippage_bps,
        idempotency_key: checked.key,
        on_behalf_of: params.trade.on_behalf_of,
    };
    Ok(RequestSpec::post("amm_buy", "/amm/buy", auth)
        .idempotent(checked.key_fixed)
        .json(&body)?
        .decode())
}

fn trade_sell(params: &AmmSellParams, auth: Auth) -> Result<Operation<AmmTradeResponse>, Error> {
    let checked = params.trade.check("collateral_return_amount")?;
    let body = AmmSellRequest {
        market: checked.market,
        outcome_index: params.trade.outcome_index,
        collateral_return_amount: params.trade.amount.clone(),
        slippage_bps: params.trade.slippage_bps,
        idempotency_key: checked.key,
        on_behalf_of: params.trade.on_behalf_of,
    };
    Ok(RequestSpec::post("amm_sell", "/amm/sell", auth)
        .idempotent(checked.key_fixed)
        .json(&body)?
        .decode())
}
