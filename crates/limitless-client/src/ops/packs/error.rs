//! What a refusal of a Packs operation means ([`PackError`]), read from
//! the API's error body, and the [`Error`] and [`ApiError`] methods that
//! classify one. The send path needs only one fact of it, that a
//! submission may be unknown, which each Packs operation declares on its
//! request.

use serde_json::Value;

use super::OPERATIONS;
use crate::error::{ApiError, Error};

/// `code` of a Pack write the API cannot tell went out or not.
pub(crate) const SUBMISSION_UNKNOWN: &str = "PACK_SUBMISSION_UNKNOWN";

impl Error {
    /// What a refusal of a Packs operation means, with the recovery
    /// details the API sent (PROTOCOL §2.9); `None` for every other error.
    /// Also reached through [`OutcomeUnknown`](Self::OutcomeUnknown) and
    /// [`RateLimited`](Self::RateLimited).
    ///
    /// ```
    /// # fn demo(error: limitless_client::Error) {
    /// use limitless_client::PackErrorKind;
    ///
    /// match error.pack_error_kind() {
    ///     Some(PackErrorKind::PriceDrifted) => { /* quote again */ }
    ///     Some(PackErrorKind::NotSubmitted) => { /* definitely not placed */ }
    ///     _ => {}
    /// }
    /// # }
    /// ```
    pub fn pack_error(&self) -> Option<PackError> {
        self.as_api_error().and_then(ApiError::pack_error)
    }

    /// The kind of [`pack_error`](Self::pack_error), for matching.
    pub fn pack_error_kind(&self) -> Option<PackErrorKind> {
        self.as_api_error().and_then(ApiError::pack_error_kind)
    }
}

impl ApiError {
    /// What this refusal of a Packs operation means (see
    /// [`Error::pack_error`](crate::Error::pack_error)); `None` for other operations.
    pub fn pack_error(&self) -> Option<PackError> {
        if !OPERATIONS.contains(&self.context.operation) {
            return None;
        }
        let data = self.data();
        let text = |key: &str| {
            data.as_ref()
                .and_then(|data| data.get(key))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let code = text("code");
        let submission_state = text("submissionState");
        let status = self.status.as_u16();
        // The official classification's order: an unknown submission first,
        // then an explicit "not submitted", then the codes and messages.
        let kind = match (status, code.as_deref()) {
            (409, Some(SUBMISSION_UNKNOWN)) => PackErrorKind::SubmissionUnknown,
            (400..=499, _)
                if status != 429 && submission_state.as_deref() == Some(NOT_SUBMITTED) =>
            {
                PackErrorKind::NotSubmitted
            }
            (409, Some(PACK_ALLOWANCE_REQUIRED)) => PackErrorKind::AllowanceRequired,
            (409, Some(PRICE_DRIFTED)) => PackErrorKind::PriceDrifted,
            (401, _) if self.message == PACK_INTENT_EXPIRED => PackErrorKind::IntentExpired,
            (409, _) if self.message == PACK_OPERATION_IN_PROGRESS => {
                PackErrorKind::OperationInProgress
            }
            (429, _) => PackErrorKind::RateLimited,
            (409, Some(PACK_TRANSACTION_REVERTED)) => PackErrorKind::TransactionReverted,
            _ => PackErrorKind::Other,
        };
        Some(PackError {
            kind,
            code,
            submission_state,
            parlay_id: text("parlayId"),
            recovery: text("recovery"),
            token_address: text("tokenAddress"),
            spender: text("spender"),
            required_allowance: text("requiredAllowance"),
        })
    }

    /// The kind of [`pack_error`](Self::pack_error).
    pub fn pack_error_kind(&self) -> Option<PackErrorKind> {
        self.pack_error().map(|error| error.kind)
    }
}

/// `code` of a buy refused for a missing treasury-vault allowance.
const PACK_ALLOWANCE_REQUIRED: &str = "PACK_ALLOWANCE_REQUIRED";
/// `code` of a buy whose minimum payout is above the current payout.
const PRICE_DRIFTED: &str = "PRICE_DRIFTED";
/// `code` of a write whose transaction reverted.
const PACK_TRANSACTION_REVERTED: &str = "PACK_TRANSACTION_REVERTED";
/// `submissionState` of a write that was certainly not submitted.
const NOT_SUBMITTED: &str = "NOT_SUBMITTED";
/// The exact 401 message of an expired buy intent.
const PACK_INTENT_EXPIRED: &str = "Intent expired — please retry";
/// The exact 409 message of a wallet busy with another Pack operation.
const PACK_OPERATION_IN_PROGRESS: &str =
    "Another Pack operation is in progress for this wallet; retry the same request";

/// What a refusal of a Packs operation means (PROTOCOL §2.9).
///
/// Classification never retries anything and never changes a purchase's
/// idempotency key: recover by sending the same saved request again, or
/// not, as each kind says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PackErrorKind {
    /// 409 `PACK_ALLOWANCE_REQUIRED`: the sub-account's USDC allowance for
    /// the treasury vault is missing; see
    /// [`PackError::token_address`], [`spender`](PackError::spender) and
    /// [`required_allowance`](PackError::required_allowance). Nothing was
    /// bought.
    AllowanceRequired,
    /// A 4xx with `submissionState: NOT_SUBMITTED`: definitely not placed.
    NotSubmitted,
    /// 409 `PRICE_DRIFTED`: the payout fell below `minPayoutAmount`; quote
    /// again.
    PriceDrifted,
    /// 401 `Intent expired — please retry`.
    IntentExpired,
    /// 409 `Another Pack operation is in progress for this wallet; retry
    /// the same request`: wait, then send the same request again.
    OperationInProgress,
    /// 429: back off at least 10 s (the client's Packs pacing does).
    RateLimited,
    /// 409 `PACK_SUBMISSION_UNKNOWN`: the write may or may not have gone
    /// out. Always surfaced as [`Error::OutcomeUnknown`]; never send it
    /// again blindly (for a claim: confirm it with the mined transaction
    /// hash).
    SubmissionUnknown,
    /// 409 `PACK_TRANSACTION_REVERTED`: the transaction reverted.
    TransactionReverted,
    /// Another refusal of a Packs operation.
    Other,
}

/// A refusal of a Packs operation, classified, with the recovery details
/// the API sent (from [`Error::pack_error`](crate::Error::pack_error)).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PackError {
    /// What it means.
    pub kind: PackErrorKind,
    /// The body's `code`.
    pub code: Option<String>,
    /// The body's `submissionState` (`NOT_SUBMITTED`…).
    pub submission_state: Option<String>,
    /// The position the refusal is about (`parlayId`).
    pub parlay_id: Option<String>,
    /// What the API advises (`recovery`).
    pub recovery: Option<String>,
    /// The token to approve (allowance required).
    pub token_address: Option<String>,
    /// The spender to approve it to (allowance required).
    pub spender: Option<String>,
    /// The allowance needed, micro-USDC as digits (allowance required).
    pub required_allowance: Option<String>,
}

impl PackError {
    /// Whether the API said the write was certainly not submitted.
    pub fn is_not_submitted(&self) -> bool {
        self.submission_state.as_deref() == Some(NOT_SUBMITTED)
    }
}
