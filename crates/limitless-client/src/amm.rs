//! Partner AMM trading: allowances, buys and sells (`client.amm`).

use std::time::Duration;

use limitless_types::amm::{
    AmmAllowanceRequest, AmmAllowanceResponse, AmmTradeResponse, validate_amm_amount,
    validate_amm_market, validate_amm_on_behalf_of, validate_idempotency_key,
    validate_outcome_index, validate_slippage_bps,
};

use crate::{Call, Error, HttpClient, ops};

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

/// A random (version 4) UUID.
pub(crate) fn uuid_v4() -> String {
    let mut bytes: [u8; 16] = rand::random();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
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

/// A buy against a market's AMM (see [`AmmService::buy`]).
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

/// A sell against a market's AMM (see [`AmmService::sell`]).
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

/// Partner AMM trading (`client.amm`): HMAC credentials, or an identity
/// token with the `*_with_identity` methods. Each method sends the
/// operation of the same name in [`ops::amm`]. Buys and sells never check
/// allowances; call [`ensure_allowance`](Self::ensure_allowance) first.
#[derive(Clone, Debug)]
pub struct AmmService {
    http: HttpClient,
}

impl AmmService {
    pub(crate) fn new(http: HttpClient) -> Self {
        Self { http }
    }

    /// `POST /amm/allowances/check`.
    pub fn check_allowance(&self, request: &AmmAllowanceRequest) -> Call<AmmAllowanceResponse> {
        self.http.call(ops::amm::check_allowance(request))
    }

    /// `POST /amm/allowances/check` with an identity token.
    pub fn check_allowance_with_identity(
        &self,
        identity_token: &str,
        request: &AmmAllowanceRequest,
    ) -> Call<AmmAllowanceResponse> {
        self.http.call(ops::amm::check_allowance_with_identity(
            identity_token,
            request,
        ))
    }

    /// `POST /amm/allowances/approve`. Not idempotent.
    pub fn approve_allowance(&self, request: &AmmAllowanceRequest) -> Call<AmmAllowanceResponse> {
        self.http.call(ops::amm::approve_allowance(request))
    }

    /// `POST /amm/allowances/approve` with an identity token.
    pub fn approve_allowance_with_identity(
        &self,
        identity_token: &str,
        request: &AmmAllowanceRequest,
    ) -> Call<AmmAllowanceResponse> {
        self.http.call(ops::amm::approve_allowance_with_identity(
            identity_token,
            request,
        ))
    }

    /// `POST /amm/buy`. See [`AmmBuyParams::idempotency_key`] for when it
    /// may be sent again.
    pub fn buy(&self, params: &AmmBuyParams) -> Call<AmmTradeResponse> {
        self.http.call(ops::amm::buy(params))
    }

    /// `POST /amm/buy` with an identity token.
    pub fn buy_with_identity(
        &self,
        identity_token: &str,
        params: &AmmBuyParams,
    ) -> Call<AmmTradeResponse> {
        self.http
            .call(ops::amm::buy_with_identity(identity_token, params))
    }

    /// `POST /amm/sell`. See [`AmmBuyParams::idempotency_key`].
    pub fn sell(&self, params: &AmmSellParams) -> Call<AmmTradeResponse> {
        self.http.call(ops::amm::sell(params))
    }

    /// `POST /amm/sell` with an identity token.
    pub fn sell_with_identity(
        &self,
        identity_token: &str,
        params: &AmmSellParams,
    ) -> Call<AmmTradeResponse> {
        self.http
            .call(ops::amm::sell_with_identity(identity_token, params))
    }

    /// Checks the allowance; if it is not confirmed, approves once, then
    /// checks every `poll` until it is. Bounded by `deadline`, never by a
    /// count: past it (no check starts after it) the wait fails with
    /// [`Error::DeadlineExceeded`]; the approval may still land.
    ///
    /// # Errors
    ///
    /// What a check or the approval fails with, or
    /// [`Error::DeadlineExceeded`].
    pub async fn ensure_allowance(
        &self,
        request: &AmmAllowanceRequest,
        poll: Duration,
        deadline: Duration,
    ) -> Result<AmmAllowanceResponse, Error> {
        const OPERATION: &str = "ensure_allowance";
        let started = tokio::time::Instant::now();
        let mut state = self.check_allowance(request).await?;
        if state.confirmed {
            return Ok(state);
        }
        match self.approve_allowance(request).await {
            Ok(approved) if approved.confirmed => return Ok(approved),
            Ok(_) => {}
            // Sent, answer lost: the checks tell whether it landed.
            Err(error) if error.is_outcome_unknown() => {}
            Err(error) => return Err(error),
        }
        loop {
            if started.elapsed() + poll > deadline {
                return Err(Error::DeadlineExceeded {
                    operation: OPERATION,
                    waited: started.elapsed(),
                });
            }
            tokio::time::sleep(poll).await;
            state = self.check_allowance(request).await?;
            if state.confirmed {
                return Ok(state);
            }
        }
    }
}
