//! Waiting for a new sub-account's allowances: check, retry once, poll with
//! backoff, bounded by a deadline.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use limitless_types::partner_accounts::{AllowanceSummary, AllowancesResponse};

use crate::{Error, HttpClient, ops};

/// How [`PartnerAccountService::wait_until_ready`](crate::PartnerAccountService::wait_until_ready)
/// waits.
///
/// ```
/// use std::time::Duration;
/// use limitless_client::WaitForAllowances;
///
/// let wait = WaitForAllowances::new()
///     .deadline(Duration::from_secs(90))
///     .on_change(|allowances| println!("{:?}", allowances.summary));
/// # let _ = wait;
/// ```
#[derive(Clone)]
#[must_use]
pub struct WaitForAllowances {
    deadline: Duration,
    first_poll: Duration,
    max_poll: Duration,
    on_change: Option<ChangeHook>,
}

/// What [`WaitForAllowances::on_change`] calls.
type ChangeHook = Arc<dyn Fn(&AllowancesResponse) + Send + Sync>;

impl fmt::Debug for WaitForAllowances {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitForAllowances")
            .field("deadline", &self.deadline)
            .field("first_poll", &self.first_poll)
            .field("max_poll", &self.max_poll)
            .field("on_change", &self.on_change.is_some())
            .finish()
    }
}

impl Default for WaitForAllowances {
    fn default() -> Self {
        Self {
            deadline: Self::DEFAULT_DEADLINE,
            first_poll: Duration::from_millis(500),
            max_poll: Duration::from_secs(5),
            on_change: None,
        }
    }
}

impl WaitForAllowances {
    /// How long to wait at most, by default.
    pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(120);

    /// The defaults: 2 minutes at most, polls from 0.5 s doubling to 5 s.
    pub fn new() -> Self {
        Self::default()
    }

    /// Gives up (with [`Error::DeadlineExceeded`]) once this much time has
    /// passed; no poll starts after it.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// The wait before the first poll and the longest between two polls
    /// (the wait doubles in between, with jitter).
    pub fn polls(mut self, first: Duration, max: Duration) -> Self {
        self.first_poll = first;
        self.max_poll = max.max(first);
        self
    }

    /// Called with each state whose counts differ from the one before (the
    /// first check included). Each change is also traced at `info`.
    pub fn on_change(
        mut self,
        on_change: impl Fn(&AllowancesResponse) + Send + Sync + 'static,
    ) -> Self {
        self.on_change = Some(Arc::new(on_change));
        self
    }
}

/// Waits until `profile_id`'s allowances are ready (see
/// [`PartnerAccountService::wait_until_ready`](crate::PartnerAccountService::wait_until_ready)).
pub(crate) async fn wait_until_ready(
    http: &HttpClient,
    profile_id: i64,
    wait: &WaitForAllowances,
) -> Result<AllowancesResponse, Error> {
    const OPERATION: &str = "wait_until_ready";
    let started = tokio::time::Instant::now();
    let mut polls = ExponentialBuilder::default()
        .with_min_delay(wait.first_poll)
        .with_max_delay(wait.max_poll)
        .with_jitter()
        .without_max_times()
        .build();
    let mut last: Option<AllowanceSummary> = None;
    let mut retried = false;
    loop {
        let allowances = http
            .call(ops::partner_accounts::check_allowances(profile_id))
            .await?;
        if last != Some(allowances.summary) {
            last = Some(allowances.summary);
            tracing::info!(
                profile_id,
                ready = allowances.ready,
                confirmed = allowances.summary.confirmed,
                submitted = allowances.summary.submitted,
                missing = allowances.summary.missing,
                failed = allowances.summary.failed,
                "sub-account allowances"
            );
            if let Some(on_change) = &wait.on_change {
                on_change(&allowances);
            }
        }
        if allowances.ready {
            return Ok(allowances);
        }
        let stuck = allowances.summary.missing > 0 || allowances.summary.failed > 0;
        if stuck && !retried {
            retried = true;
            // Once only: the retry is not idempotent, and a second one would
            // add nothing the polls do not show. An unknown outcome is fine
            // here: the next check tells.
            match http
                .call(ops::partner_accounts::retry_allowances(profile_id))
                .await
            {
                Ok(_) => {}
                Err(error) if error.is_outcome_unknown() => {
                    tracing::debug!(profile_id, "allowance retry outcome unknown; polling");
                }
                Err(error) => return Err(error),
            }
            continue;
        }
        let pause = polls.next().unwrap_or(wait.max_poll);
        if started.elapsed() + pause > wait.deadline {
            return Err(Error::DeadlineExceeded {
                operation: OPERATION,
                waited: started.elapsed(),
            });
        }
        tokio::time::sleep(pause).await;
    }
}
