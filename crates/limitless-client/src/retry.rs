//! The retry hook of the send path.
//!
//! After every attempt the client asks its [`RetryPolicy`] whether to try
//! again. The default, [`NoRetry`], never does. Whatever a policy answers, the
//! client itself refuses to repeat a request that is not idempotent once it
//! may have reached the server: an order or account creation is never sent
//! twice.

use std::fmt;
use std::time::Duration;

use crate::{Error, RawResponse};

/// Decides, after each attempt, whether the request is sent again.
///
/// Every attempt is signed afresh (new timestamp), so a retried request is
/// never a replay of a stale signature.
pub trait RetryPolicy: fmt::Debug + Send + Sync + 'static {
    /// What to do after `attempt`.
    fn decide(&self, attempt: &Attempt<'_>) -> RetryDecision;
}

/// What happened on one attempt, as seen by a [`RetryPolicy`].
#[derive(Debug)]
#[non_exhaustive]
pub struct Attempt<'a> {
    /// The operation, e.g. `create_order`.
    pub operation: &'static str,
    /// 1 for the first attempt.
    pub number: u32,
    /// Whether the operation declares that repeating it is harmless.
    pub idempotent: bool,
    /// The response that will be decoded, or the error.
    pub outcome: Result<&'a RawResponse, &'a Error>,
}

/// The answer of a [`RetryPolicy`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryDecision {
    /// Return this attempt's outcome.
    Stop,
    /// Sleep for the duration, then send the request again (re-signed).
    RetryAfter(Duration),
}

/// The default policy: never retry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NoRetry;

impl RetryPolicy for NoRetry {
    fn decide(&self, _attempt: &Attempt<'_>) -> RetryDecision {
        RetryDecision::Stop
    }
}

/// The policy's decision, overruled when it makes no sense or is unsafe:
/// an accepted response is final, and a request that is not idempotent is
/// never repeated once it may have reached the server.
pub(crate) fn effective_decision(policy: &dyn RetryPolicy, attempt: &Attempt<'_>) -> RetryDecision {
    let decision = policy.decide(attempt);
    match attempt.outcome {
        Ok(_) => RetryDecision::Stop,
        Err(error) if !attempt.idempotent && error.may_have_been_sent() => RetryDecision::Stop,
        Err(_) => decision,
    }
}
