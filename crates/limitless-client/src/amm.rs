//! Partner AMM trading: allowances, buys and sells (`client.amm`).

use std::time::Duration;

use limitless_types::amm::{AmmAllowanceRequest, AmmAllowanceResponse, AmmTradeResponse};

use crate::ops::amm::{AmmBuyParams, AmmSellParams};
use crate::{Call, Error, HttpClient, ops};

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
