//! The figures a run collects (calls and their latency, errors by kind,
//! outcomes, memory and tasks), the invariants checked at the end against
//! the sandbox's own state, and the summary table.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::time::Duration;

use limitless_client::{Error, Side};
use limitless_sandbox::{OrderStatus, SandboxHandle};
use limitless_ws::LocalOrderBook;

use crate::chaos::FaultKind;
use crate::desk::STARTING_SHARES;
use crate::ledger::{Answer, End, Kind, Ledger, Resolution, salt_key};

/// What the run counted.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    pub(crate) orders_sent: u64,
    pub(crate) orders_resent: u64,
    pub(crate) unknown_outcomes: u64,
    /// Unknown outcomes of orders without a client order id, looked up by
    /// salt.
    pub(crate) reconciled_by_salt: u64,
    pub(crate) resolutions: BTreeMap<Resolution, u64>,
    /// Call latencies by operation.
    latencies: BTreeMap<&'static str, Vec<Duration>>,
    /// Errors by operation and kind.
    pub(crate) errors: BTreeMap<String, u64>,
    /// What must never happen (a broken invariant on its own).
    pub(crate) unexpected: Vec<String>,
    pub(crate) reconnects: u64,
    pub(crate) lagged_events: u64,
    /// Why connections were lost, by kind.
    pub(crate) disconnects: BTreeMap<String, u64>,
}

/// An error's kind, for counting: the variant and, for API answers, the
/// status.
pub(crate) fn kind(error: &Error) -> String {
    match error {
        Error::Api(_) | Error::UnexpectedStatus { .. } => error
            .status()
            .map_or_else(|| "api".to_owned(), |s| format!("http {}", s.as_u16())),
        Error::RateLimited { .. } => "rate limited (429)".to_owned(),
        Error::OutcomeUnknown { .. } => match error.status() {
            Some(status) => format!("outcome unknown (http {})", status.as_u16()),
            None => "outcome unknown (transport)".to_owned(),
        },
        Error::Maintenance { .. } => "maintenance".to_owned(),
        Error::Transport { .. } => "transport".to_owned(),
        Error::TooEarly { .. } => "too early (425)".to_owned(),
        Error::DeadlineExceeded { .. } => "deadline".to_owned(),
        other => format!("unexpected: {other}"),
    }
}

impl Stats {
    pub(crate) fn latency(&mut self, operation: &'static str, took: Duration) {
        self.latencies.entry(operation).or_default().push(took);
    }

    pub(crate) fn error(&mut self, operation: &str, error: &Error) {
        let kind = kind(error);
        if kind.starts_with("unexpected") || matches!(error, Error::DuplicateClientOrderId { .. }) {
            self.unexpected.push(format!("{operation}: {error}"));
        }
        *self
            .errors
            .entry(format!("{operation}: {kind}"))
            .or_default() += 1;
    }

    pub(crate) fn unexpected(&mut self, what: String) {
        self.unexpected.push(what);
    }

    fn percentiles(&self) -> Vec<(String, usize, Duration, Duration)> {
        let mut all = Vec::new();
        let mut rows = Vec::new();
        for (operation, took) in &self.latencies {
            all.extend_from_slice(took);
            rows.push(((*operation).to_owned(), percentiles(took.clone())));
        }
        rows.push(("all calls".to_owned(), percentiles(all)));
        rows.into_iter()
            .map(|(name, (n, p50, p99))| (name, n, p50, p99))
            .collect()
    }
}

fn percentiles(mut took: Vec<Duration>) -> (usize, Duration, Duration) {
    took.sort_unstable();
    let at = |q: usize| {
        took.get((took.len() * q / 100).min(took.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    (took.len(), at(50), at(99))
}

/// Resident memory and live tasks, sampled.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Footprint {
    pub(crate) rss_start: u64,
    pub(crate) rss_peak: u64,
    pub(crate) rss_end: u64,
    pub(crate) tasks_start: usize,
    pub(crate) tasks_peak: usize,
    pub(crate) tasks_end: usize,
}

/// The process's resident memory in bytes (Linux `/proc/self/statm`,
/// 4 KiB pages); 0 where it cannot be read.
pub(crate) fn resident_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|statm| statm.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096)
}

/// Tasks alive on this runtime.
pub(crate) fn live_tasks() -> usize {
    tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks()
}

impl Footprint {
    pub(crate) fn start() -> Self {
        let rss = resident_bytes();
        let tasks = live_tasks();
        Self {
            rss_start: rss,
            rss_peak: rss,
            rss_end: rss,
            tasks_start: tasks,
            tasks_peak: tasks,
            tasks_end: tasks,
        }
    }

    pub(crate) fn sample(&mut self) {
        self.rss_end = resident_bytes();
        self.tasks_end = live_tasks();
        self.rss_peak = self.rss_peak.max(self.rss_end);
        self.tasks_peak = self.tasks_peak.max(self.tasks_end);
    }
}

/// How much resident memory may grow over a run: the sandbox keeps every
/// order and fill, so some growth is its state, not a leak.
const RSS_SLACK: u64 = 64 << 20;
/// How many more tasks may be alive at the end than at the start (pooled
/// HTTP connections still open on both sides).
const TASK_SLACK: usize = 16;

/// Everything the end of a run compares.
pub(crate) struct Finish<'a> {
    pub(crate) sandbox: &'a SandboxHandle,
    pub(crate) ledger: &'a Ledger,
    pub(crate) stats: &'a Stats,
    /// Each account's profile id.
    pub(crate) owners: &'a [i64],
    /// Each market's local book, by slug.
    pub(crate) books: &'a [(String, LocalOrderBook)],
    pub(crate) footprint: Footprint,
    pub(crate) injected: &'a BTreeMap<FaultKind, u64>,
    pub(crate) stream_closed: Option<String>,
}

/// The engine's status as the bot's ledger names it.
fn engine_end(status: OrderStatus) -> Option<End> {
    match status {
        OrderStatus::Filled => Some(End::Filled),
        OrderStatus::Cancelled => Some(End::Cancelled),
        OrderStatus::Killed => Some(End::Killed),
        _ => None,
    }
}

/// Checks every invariant; returns the broken ones.
pub(crate) fn check(finish: &Finish<'_>) -> Vec<String> {
    let mut broken = Vec::new();
    let engine = finish.sandbox.orders();
    let ours: BTreeSet<i64> = finish.owners.iter().copied().collect();

    // No order placed twice: each client order id and each salt at most
    // once per owner in the engine.
    let mut by_coid: HashMap<(i64, String), usize> = HashMap::new();
    let mut by_salt: HashMap<(i64, u64), usize> = HashMap::new();
    for order in engine.iter().filter(|o| ours.contains(&o.owner_id)) {
        *by_salt.entry((order.owner_id, order.salt)).or_default() += 1;
        if let Some(coid) = &order.client_order_id {
            *by_coid.entry((order.owner_id, coid.clone())).or_default() += 1;
        }
    }
    for ((owner, coid), n) in &by_coid {
        if *n > 1 {
            broken.push(format!(
                "client order id {coid} of {owner} placed {n} times"
            ));
        }
    }
    for ((owner, salt), n) in &by_salt {
        if *n > 1 {
            broken.push(format!("salt {salt} of {owner} placed {n} times"));
        }
    }

    // Every order sent is known, and as the engine knows it: found by its
    // client order id, or by owner and salt when it carried none.
    let engine_by_coid: HashMap<&str, &limitless_sandbox::OrderSnapshot> = engine
        .iter()
        .filter_map(|o| Some((o.client_order_id.as_deref()?, o)))
        .collect();
    let engine_by_salt: HashMap<(i64, u64), &limitless_sandbox::OrderSnapshot> = engine
        .iter()
        .filter(|o| o.client_order_id.is_none())
        .map(|o| ((o.owner_id, o.salt), o))
        .collect();
    for order in engine.iter().filter(|o| ours.contains(&o.owner_id)) {
        let key = match &order.client_order_id {
            Some(coid) => coid.clone(),
            None => salt_key(order.owner_id, order.salt),
        };
        if !finish.ledger.orders.contains_key(&key) {
            broken.push(format!("engine order {} is unknown to the bot", order.id));
        }
    }
    for (coid, record) in &finish.ledger.orders {
        let found = match &record.client_order_id {
            Some(sent) => engine_by_coid.get(sent.as_str()).copied(),
            None => engine_by_salt.get(&(record.owner, record.salt)).copied(),
        };
        match (&record.answer, found) {
            (Answer::Pending | Answer::Unknown, _) => {
                broken.push(format!(
                    "order {coid}: outcome never settled ({:?})",
                    record.answer
                ));
            }
            (Answer::NotPlaced(why), Some(order)) => broken.push(format!(
                "order {coid}: the bot holds it not placed ({why}) but the engine has {} ({:?})",
                order.id, order.status
            )),
            (Answer::NotPlaced(_), None) => {
                if by_salt.contains_key(&(record.owner, record.salt)) {
                    broken.push(format!(
                        "order {coid}: not placed, yet its salt {} is in the engine",
                        record.salt
                    ));
                }
            }
            (Answer::Placed(_), None) => {
                broken.push(format!(
                    "order {coid}: the bot holds it placed; the engine has none"
                ));
            }
            (Answer::Placed(id), Some(order)) => {
                if *id != order.id || order.owner_id != record.owner || order.salt != record.salt {
                    broken.push(format!(
                        "order {coid}: placed as {id} for {} with salt {}, engine has {} for {} with salt {}",
                        record.owner, record.salt, order.id, order.owner_id, order.salt
                    ));
                }
                let engine_filled = order.filled_shares();
                if record.filled() != engine_filled {
                    broken.push(format!(
                        "order {coid} ({id}): the bot counts {} micro-shares filled, the engine {engine_filled}{}",
                        record.filled(),
                        if record.in_gap { " (read back after a gap)" } else { " (all from the stream)" }
                    ));
                }
                if record.stream_filled > engine_filled {
                    broken.push(format!(
                        "order {coid}: the stream reported {} micro-shares filled, more than the engine's {engine_filled}",
                        record.stream_filled
                    ));
                }
                let expected = engine_end(order.status);
                if record.end() != expected {
                    broken.push(format!(
                        "order {coid} ({id}): the bot holds it {:?}, the engine {:?}",
                        record.end(),
                        order.status
                    ));
                }
            }
        }
    }

    // Positions: what each account started with plus its fills, as the
    // bot knows them, against the sandbox's ledger.
    for market in finish
        .ledger
        .orders
        .values()
        .map(|r| r.market.clone())
        .collect::<BTreeSet<_>>()
    {
        let Some(seeded) = finish.sandbox.market(&market) else {
            continue;
        };
        for (account, owner) in finish.owners.iter().enumerate() {
            let mut held = i128::from(STARTING_SHARES);
            for record in finish
                .ledger
                .orders
                .values()
                .filter(|r| r.account == account && r.market == market)
            {
                let filled = i128::from(record.filled());
                held += if record.side == Side::Buy {
                    filled
                } else {
                    -filled
                };
            }
            let sandbox = finish.sandbox.shares_held(*owner, &seeded.yes_token_id);
            if held != sandbox {
                broken.push(format!(
                    "account {account} ({owner}) on {market}: the bot holds {held} micro-shares, the sandbox {sandbox}"
                ));
            }
        }
    }

    // Books: each local book equals the engine's once the stream is quiet.
    for (slug, local) in finish.books {
        let Some(engine) = finish.sandbox.order_book(slug) else {
            continue;
        };
        let theirs =
            |levels: &[limitless_client::types::markets::OrderBookLevel]| -> Vec<(String, u64)> {
                levels
                    .iter()
                    .map(|l| (l.price.normalize().to_string(), l.size.as_micro()))
                    .collect()
            };
        let mine = |levels: &[limitless_ws::Level]| -> Vec<(String, u64)> {
            levels
                .iter()
                .map(|l| (l.price.normalize().to_string(), l.size.as_micro()))
                .collect()
        };
        if mine(local.bids()) != theirs(&engine.bids) || mine(local.asks()) != theirs(&engine.asks)
        {
            broken.push(format!(
                "book {slug}: local bids {:?} asks {:?}, sandbox bids {:?} asks {:?}",
                mine(local.bids()),
                mine(local.asks()),
                theirs(&engine.bids),
                theirs(&engine.asks)
            ));
        }
    }

    // Every fill was seen: both of its orders are the bot's (checked
    // above through each order's filled shares).
    for fill in finish.sandbox.fills() {
        for id in [&fill.taker_order_id, &fill.maker_order_id] {
            if !engine
                .iter()
                .any(|o| &o.id == id && ours.contains(&o.owner_id))
            {
                broken.push(format!("fill against {id}, an order not the bot's"));
            }
        }
    }

    for (id, events) in &finish.ledger.orphans {
        broken.push(format!(
            "{} events about order {id}, which the bot never learned it sent",
            events.len()
        ));
    }
    for stranger in &finish.ledger.strangers {
        broken.push(format!(
            "event about an order the bot never sent: {stranger}"
        ));
    }
    for what in &finish.stats.unexpected {
        broken.push(format!("unexpected error: {what}"));
    }
    if let Some(why) = &finish.stream_closed {
        broken.push(format!("a stream ended: {why}"));
    }
    let stats = finish.sandbox.socket().stats();
    if stats.events_dropped > 0 || stats.acks_dropped > 0 {
        broken.push(format!(
            "the sandbox dropped {} events and {} acks for full socket buffers",
            stats.events_dropped, stats.acks_dropped
        ));
    }

    let footprint = finish.footprint;
    if footprint.rss_end > footprint.rss_start.saturating_mul(2) + RSS_SLACK {
        broken.push(format!(
            "resident memory grew from {} to {} MiB",
            footprint.rss_start >> 20,
            footprint.rss_end >> 20
        ));
    }
    if footprint.tasks_end > footprint.tasks_start + TASK_SLACK {
        broken.push(format!(
            "live tasks grew from {} to {}",
            footprint.tasks_start, footprint.tasks_end
        ));
    }
    broken
}

/// The summary table.
pub(crate) fn summary(finish: &Finish<'_>, elapsed: Duration) -> String {
    let stats = finish.stats;
    let ledger = finish.ledger;
    let mut out = String::new();
    let mut row = |name: &str, value: String| {
        let _ = writeln!(out, "  {name:<44} {value}");
    };
    row("run", format!("{:.0} s", elapsed.as_secs_f64()));
    row("orders sent (new)", stats.orders_sent.to_string());
    row(
        "orders sent again after reconciliation",
        stats.orders_resent.to_string(),
    );
    let count = |pred: &dyn Fn(&crate::ledger::Record) -> bool| {
        ledger
            .orders
            .values()
            .filter(|r| pred(r))
            .count()
            .to_string()
    };
    row(
        "  placed",
        count(&|r| matches!(r.answer, Answer::Placed(_))),
    );
    row(
        "  not placed",
        count(&|r| matches!(r.answer, Answer::NotPlaced(_))),
    );
    row(
        "  GTC / FAK / FOK",
        format!(
            "{} / {} / {}",
            count(&|r| r.kind == Kind::Gtc),
            count(&|r| r.kind == Kind::Fak),
            count(&|r| r.kind == Kind::Fok)
        ),
    );
    row(
        "  ended filled / cancelled / killed / live",
        format!(
            "{} / {} / {} / {}",
            count(&|r| r.end() == Some(End::Filled)),
            count(&|r| r.end() == Some(End::Cancelled)),
            count(&|r| r.end() == Some(End::Killed)),
            count(&|r| matches!(r.answer, Answer::Placed(_)) && r.end().is_none())
        ),
    );
    let fills = finish.sandbox.fills();
    let traded: u64 = fills.iter().map(|f| f.shares).sum();
    row(
        "fills (engine)",
        format!("{} ({} shares)", fills.len(), traded / 1_000_000),
    );
    let recovered: u64 = ledger
        .orders
        .values()
        .filter(|r| r.in_gap)
        .map(|r| r.filled().saturating_sub(r.stream_filled))
        .sum();
    row(
        "fill shares, both sides: on the stream / read back",
        format!(
            "{} / {}",
            ledger.orders.values().map(|r| r.stream_filled).sum::<u64>() / 1_000_000,
            recovered / 1_000_000
        ),
    );
    row("orders caught in a stream gap", count(&|r| r.in_gap));
    row("order events by type", format!("{:?}", ledger.events));
    row("unknown outcomes", stats.unknown_outcomes.to_string());
    row(
        "  looked up by salt (no client order id)",
        stats.reconciled_by_salt.to_string(),
    );
    for (resolution, n) in &stats.resolutions {
        row(&format!("  resolved: {resolution:?}"), n.to_string());
    }
    row("reconnects", stats.reconnects.to_string());
    row("events lagged", stats.lagged_events.to_string());
    for (why, n) in &stats.disconnects {
        row(&format!("  lost: {why}"), n.to_string());
    }
    for (kind, n) in finish.injected {
        row(&format!("fault injected: {kind}"), n.to_string());
    }
    row(
        "requests refused by the documented limits",
        finish.sandbox.rate_limited_count().to_string(),
    );
    for (kind, n) in &stats.errors {
        row(&format!("error {kind}"), n.to_string());
    }
    for (name, n, p50, p99) in stats.percentiles() {
        row(
            &format!("latency {name} (p50 / p99, pacing included)"),
            format!(
                "{n} calls, {:.1} / {:.1} ms",
                p50.as_secs_f64() * 1e3,
                p99.as_secs_f64() * 1e3
            ),
        );
    }
    let f = finish.footprint;
    row(
        "resident memory start / peak / end",
        format!(
            "{} / {} / {} MiB",
            f.rss_start >> 20,
            f.rss_peak >> 20,
            f.rss_end >> 20
        ),
    );
    row(
        "live tasks start / peak / end",
        format!("{} / {} / {}", f.tasks_start, f.tasks_peak, f.tasks_end),
    );
    out
}
