//! The faults: their kinds, the schedule drawn from the seed, and the
//! clock the clients read, which the schedule makes jump.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

use limitless_client::types::maintenance::MaintenanceMode;
use limitless_client::{Clock, SystemClock};
use limitless_sandbox::SandboxHandle;
use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};
use tokio::time::Instant;

/// One kind of fault the schedule injects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum FaultKind {
    /// Every socket connection cut.
    SocketDrop,
    /// Every socket connection silent, then closed.
    SocketStall,
    /// The gateway stops sending pings for a while.
    PingsStop,
    /// Order answers lost after the order was placed.
    AnswerLost,
    /// Connections reset before the request is handled.
    ResetBefore,
    /// Connections reset after the request was handled.
    ResetAfter,
    /// A burst of 503 answers with `retryAfterSeconds`.
    Burst503,
    /// A burst of 429 answers with `retryAfterSeconds`.
    Burst429,
    /// The documented per-token rate limits, on for the whole run.
    RateLimits,
    /// A maintenance window in `cancel_only`.
    CancelOnly,
    /// A maintenance window in `post_only`.
    PostOnly,
    /// The clients' clock jumps 40 s ahead or behind, then back.
    ClockJump,
}

impl FaultKind {
    pub(crate) const ALL: [Self; 12] = [
        Self::SocketDrop,
        Self::SocketStall,
        Self::PingsStop,
        Self::AnswerLost,
        Self::ResetBefore,
        Self::ResetAfter,
        Self::Burst503,
        Self::Burst429,
        Self::RateLimits,
        Self::CancelOnly,
        Self::PostOnly,
        Self::ClockJump,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::SocketDrop => "socket-drop",
            Self::SocketStall => "socket-stall",
            Self::PingsStop => "pings-stop",
            Self::AnswerLost => "answer-lost",
            Self::ResetBefore => "reset-before",
            Self::ResetAfter => "reset-after",
            Self::Burst503 => "burst-503",
            Self::Burst429 => "burst-429",
            Self::RateLimits => "rate-limits",
            Self::CancelOnly => "cancel-only",
            Self::PostOnly => "post-only",
            Self::ClockJump => "clock-jump",
        }
    }
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A fault mix: `all`, `none`, or a comma list of kinds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mix(pub(crate) Vec<FaultKind>);

impl FromStr for Mix {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text.trim() {
            "all" => return Ok(Self(FaultKind::ALL.to_vec())),
            "none" | "" => return Ok(Self(Vec::new())),
            _ => {}
        }
        let mut kinds = Vec::new();
        for name in text.split(',').map(str::trim) {
            let kind = FaultKind::ALL
                .into_iter()
                .find(|kind| kind.name() == name)
                .ok_or_else(|| {
                    let known: Vec<&str> = FaultKind::ALL.iter().map(|k| k.name()).collect();
                    format!(
                        "unknown fault {name:?}; known: all, none, {}",
                        known.join(", ")
                    )
                })?;
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
        Ok(Self(kinds))
    }
}

/// The host's clock plus an offset the schedule moves: what the REST and
/// stream clients read. The REST client corrects it from the server's
/// `Date` (and hands the corrected clock to the stream client).
#[derive(Debug, Default)]
pub(crate) struct JumpingClock {
    offset_ms: AtomicI64,
}

impl JumpingClock {
    pub(crate) fn set_offset(&self, offset: Duration, ahead: bool) {
        let ms = i64::try_from(offset.as_millis()).unwrap_or(i64::MAX);
        self.offset_ms
            .store(if ahead { ms } else { -ms }, Ordering::SeqCst);
    }
}

impl Clock for JumpingClock {
    fn now(&self) -> SystemTime {
        let base = SystemClock.now();
        let offset = self.offset_ms.load(Ordering::SeqCst);
        let by = Duration::from_millis(offset.unsigned_abs());
        if offset >= 0 { base + by } else { base - by }
    }
}

/// How far the clock jumps.
const CLOCK_JUMP: Duration = Duration::from_secs(40);

/// How long a timed fault (stall, pings stopped, maintenance, clock jump)
/// lasts: drawn between these.
const FAULT_SPAN: (u64, u64) = (2_000, 5_000);

/// The pause between two faults: drawn between these, in milliseconds.
const FAULT_GAP: (u64, u64) = (500, 2_500);

/// Injects the faults of `mix` on a schedule drawn from `seed` until
/// `until`, then switches everything off. Returns how many of each kind
/// were injected.
pub(crate) async fn run_schedule(
    sandbox: Arc<SandboxHandle>,
    clock: Arc<JumpingClock>,
    mix: Mix,
    seed: u64,
    until: Instant,
) -> BTreeMap<FaultKind, u64> {
    let mut injected: BTreeMap<FaultKind, u64> = BTreeMap::new();
    // Its own stream of draws, so the bot's draws never shift it.
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed_fa17);
    let faults = sandbox.faults();
    faults.retry_after_seconds(1);
    if mix.0.contains(&FaultKind::RateLimits) {
        sandbox.set_documented_rate_limits(true);
        *injected.entry(FaultKind::RateLimits).or_default() += 1;
    }
    let scheduled: Vec<FaultKind> = mix
        .0
        .iter()
        .copied()
        .filter(|kind| *kind != FaultKind::RateLimits)
        .collect();
    if scheduled.is_empty() {
        tokio::time::sleep_until(until).await;
        return injected;
    }
    loop {
        let pause = Duration::from_millis(rng.random_range(FAULT_GAP.0..=FAULT_GAP.1));
        if Instant::now() + pause >= until {
            break;
        }
        tokio::time::sleep(pause).await;
        let kind = scheduled[rng.random_range(0..scheduled.len())];
        let span = Duration::from_millis(rng.random_range(FAULT_SPAN.0..=FAULT_SPAN.1));
        let count = rng.random_range(1..=4_u64);
        *injected.entry(kind).or_default() += 1;
        match kind {
            FaultKind::SocketDrop => {
                faults.drop_sockets();
            }
            FaultKind::SocketStall => {
                faults.stall_sockets();
                tokio::time::sleep(span).await;
                faults.end_socket_stalls();
            }
            FaultKind::PingsStop => {
                faults.stop_pings(true);
                tokio::time::sleep(span).await;
                faults.stop_pings(false);
            }
            FaultKind::AnswerLost => {
                faults.drop_after_placing(count);
            }
            FaultKind::ResetBefore => {
                faults.reset_before_handling(count);
            }
            FaultKind::ResetAfter => {
                faults.reset_after_handling(count);
            }
            FaultKind::Burst503 => {
                faults.unavailable_next(count + 2);
            }
            FaultKind::Burst429 => {
                faults.throttle_next(count + 2);
            }
            FaultKind::CancelOnly | FaultKind::PostOnly => {
                let mode = if kind == FaultKind::CancelOnly {
                    MaintenanceMode::CancelOnly
                } else {
                    MaintenanceMode::PostOnly
                };
                sandbox.maintenance().set_mode(mode);
                tokio::time::sleep(span).await;
                sandbox.maintenance().clear();
            }
            FaultKind::ClockJump => {
                clock.set_offset(CLOCK_JUMP, rng.random_bool(0.5));
                tokio::time::sleep(span).await;
                clock.set_offset(Duration::ZERO, true);
            }
            FaultKind::RateLimits => {}
        }
    }
    tokio::time::sleep_until(until).await;
    injected
}

/// Switches every fault off for the final checks.
pub(crate) fn calm(sandbox: &SandboxHandle, clock: &JumpingClock) {
    sandbox.faults().clear();
    sandbox.maintenance().clear();
    sandbox.set_documented_rate_limits(false);
    clock.set_offset(Duration::ZERO, true);
}
