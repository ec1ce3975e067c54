//! The server's in-memory state, behind one `std::sync::Mutex` that is never
//! held across an `.await`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::{Instant, SystemTime};

use limitless_auth::{Signer, Timestamp, Verifier};
use limitless_types::{AllowanceTarget, Decimal, OrderType, UnsignedOrder};
use socketioxide::socket::Sid;

use crate::clock::SandboxClock;
use crate::engine::Engine;
use crate::feed::{Outbox, SocketHub, SocketSession};
use crate::funds::Funds;
use crate::limits::DocumentedLimits;
use crate::maintenance::MaintenanceState;
use crate::seed::MarketVenue;

/// Turns the state's [`Outbox`] into socket messages on the hub, when the
/// lock is released. The socket's events (`socket::events::flush`) read
/// the state through views above it, so the state holds the function it is
/// given rather than naming the code above it.
pub(crate) type Flush = fn(&mut State, SystemTime, &SocketHub);

/// Shared server state, cheap to clone.
#[derive(Clone)]
pub(crate) struct App(Arc<Shared>);

pub(crate) struct Shared {
    state: Mutex<State>,
    pub(crate) clock: SandboxClock,
    pub(crate) verifier: Verifier,
    pub(crate) rate_limit: Option<u32>,
    requests: AtomicU64,
    faults: FaultState,
    sockets: SocketHub,
    /// Hands the outbox to the sockets when the lock is released.
    flush: Flush,
    /// Maintenance windows (their own lock: read on every order route).
    maintenance: MaintenanceState,
    /// The API's documented per-token limits, when switched on.
    documented_limits: DocumentedLimits,
}

/// An [`App`] that does not keep the server alive: for socketioxide's
/// handlers, which socketioxide's handle (held by the app) keeps.
#[derive(Clone)]
pub(crate) struct WeakApp(Weak<Shared>);

impl WeakApp {
    pub(crate) fn upgrade(&self) -> Option<App> {
        self.0.upgrade().map(App)
    }
}

/// The locked state. Releasing it hands what the holder queued for the
/// sockets (its [`Outbox`]) to the send queue, still in lock order.
pub(crate) struct StateGuard<'a> {
    state: MutexGuard<'a, State>,
    shared: &'a Shared,
}

impl Deref for StateGuard<'_> {
    type Target = State;

    fn deref(&self) -> &State {
        &self.state
    }
}

impl DerefMut for StateGuard<'_> {
    fn deref_mut(&mut self) -> &mut State {
        &mut self.state
    }
}

impl Drop for StateGuard<'_> {
    fn drop(&mut self) {
        if self.state.outbox.is_empty() || std::thread::panicking() {
            return;
        }
        let now = self.shared.clock.now();
        (self.shared.flush)(&mut self.state, now, &self.shared.sockets);
    }
}

impl fmt::Debug for App {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("App")
            .field("clock", &self.0.clock)
            .field("rate_limit", &self.0.rate_limit)
            .field("requests", &self.request_count())
            .finish_non_exhaustive()
    }
}

impl App {
    pub(crate) fn new(
        state: State,
        clock: SandboxClock,
        rate_limit: Option<u32>,
        sockets: SocketHub,
        flush: Flush,
    ) -> Self {
        Self(Arc::new(Shared {
            state: Mutex::new(state),
            clock,
            verifier: Verifier::default(),
            rate_limit,
            requests: AtomicU64::new(0),
            faults: FaultState::default(),
            sockets,
            flush,
            maintenance: MaintenanceState::default(),
            documented_limits: DocumentedLimits::default(),
        }))
    }

    pub(crate) fn downgrade(&self) -> WeakApp {
        WeakApp(Arc::downgrade(&self.0))
    }

    /// Locks the state. A panic in another handler does not poison it for
    /// good: every mutation leaves the state consistent before it can panic.
    pub(crate) fn lock(&self) -> StateGuard<'_> {
        StateGuard {
            state: self.0.state.lock().unwrap_or_else(PoisonError::into_inner),
            shared: &self.0,
        }
    }

    pub(crate) fn sockets(&self) -> &SocketHub {
        &self.0.sockets
    }

    pub(crate) fn faults(&self) -> &FaultState {
        &self.0.faults
    }

    pub(crate) fn maintenance(&self) -> &MaintenanceState {
        &self.0.maintenance
    }

    pub(crate) fn documented_limits(&self) -> &DocumentedLimits {
        &self.0.documented_limits
    }

    pub(crate) fn verifier(&self) -> &Verifier {
        &self.0.verifier
    }

    pub(crate) fn rate_limit(&self) -> Option<u32> {
        self.0.rate_limit
    }

    pub(crate) fn now(&self) -> SystemTime {
        self.0.clock.now()
    }

    /// The sandbox time as an API timestamp (`2026-03-23T12:34:56.789Z`).
    pub(crate) fn now_iso(&self) -> String {
        iso(self.now())
    }

    pub(crate) fn count_request(&self) {
        self.0.requests.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn request_count(&self) -> u64 {
        self.0.requests.load(Ordering::Relaxed)
    }
}

/// The fault switches, shared by the handle ([`Faults`](crate::faults::Faults))
/// and the request handlers; here, below both.
#[derive(Debug, Default)]
pub(crate) struct FaultState {
    /// Accepted `POST /orders` placements still to answer with a dropped
    /// connection.
    drop_next: AtomicU64,
    /// Drop the connection after every accepted placement.
    drop_all: AtomicBool,
    /// Orders `DELETE /orders/all/{slug}` still has to fail to cancel.
    cancel_failures: AtomicU64,
    /// Requests still to close the connection on before they are handled.
    pub(crate) reset_before: AtomicU64,
    /// Requests still to close the connection on after they were handled.
    pub(crate) reset_after: AtomicU64,
    /// Requests still to answer 503.
    pub(crate) unavailable: AtomicU64,
    /// Requests still to answer 429.
    pub(crate) throttled: AtomicU64,
    /// The `retryAfterSeconds` of the injected 503 and 429 answers.
    pub(crate) retry_after_seconds: AtomicU64,
}

/// Uses up one of a fault's counted requests; false when none is left.
pub(crate) fn take(counter: &AtomicU64) -> bool {
    counter
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
}

impl FaultState {
    /// Whether the placement just made must lose its answer; uses up one
    /// of the counted drops.
    pub(crate) fn take_placement_drop(&self) -> bool {
        self.drop_all.load(Ordering::SeqCst)
            || self
                .drop_next
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok()
    }

    pub(crate) fn set_drop_next(&self, n: u64) {
        self.drop_next.store(n, Ordering::SeqCst);
    }

    /// The counted drops not used yet.
    pub(crate) fn pending_drops(&self) -> u64 {
        self.drop_next.load(Ordering::SeqCst)
    }

    pub(crate) fn set_drop_all(&self, on: bool) {
        self.drop_all.store(on, Ordering::SeqCst);
    }

    pub(crate) fn set_cancel_failures(&self, n: u64) {
        self.cancel_failures.store(n, Ordering::SeqCst);
    }

    /// Whether the order a cancel-all is about to cancel must stay live;
    /// uses up one of the counted failures.
    pub(crate) fn take_cancel_failure(&self) -> bool {
        self.cancel_failures
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
    }
}

/// Formats a time as an API timestamp.
pub(crate) fn iso(at: SystemTime) -> String {
    Timestamp::from_system_time(at)
        .map(|t| t.as_str().to_owned())
        .unwrap_or_default()
}

/// A seeded identity: a profile that authenticates with an identity token.
pub(crate) struct Identity {
    pub(crate) token: String,
    pub(crate) profile_id: i64,
    pub(crate) account: String,
    /// The profile's smart wallet: the default withdraw destination.
    pub(crate) smart_wallet: String,
    pub(crate) token_management_enabled: bool,
    pub(crate) allowed_scopes: Vec<String>,
}

/// A derived API token.
pub(crate) struct TokenRecord {
    pub(crate) signer: Signer,
    pub(crate) profile_id: i64,
    pub(crate) label: Option<String>,
    pub(crate) scopes: Vec<String>,
    pub(crate) created_at: String,
    pub(crate) seq: u64,
    pub(crate) last_used_at: Option<String>,
    pub(crate) revoked: bool,
}

/// A partner's sub-account.
pub(crate) struct SubAccount {
    pub(crate) profile_id: i64,
    pub(crate) partner_profile_id: i64,
    pub(crate) account: String,
    pub(crate) display_name: Option<String>,
    pub(crate) server_wallet: bool,
    pub(crate) allowances: Vec<AllowanceTarget>,
}

/// A market and what the server needs to know about it.
pub(crate) struct MarketRecord {
    pub(crate) id: i64,
    pub(crate) slug: String,
    pub(crate) yes_token_id: String,
    pub(crate) no_token_id: String,
    pub(crate) venue: MarketVenue,
    pub(crate) condition_id: String,
    /// The displayed YES price, the book's midpoint while it is empty.
    pub(crate) yes_price: Decimal,
    pub(crate) title: String,
    pub(crate) expiration_ms: i64,
    /// Property key slug and option value pairs, for market-page filters.
    pub(crate) properties: Vec<(String, String)>,
    /// The full `Market` JSON served by `/markets`.
    pub(crate) json: serde_json::Value,
}

/// What the server keeps about each order besides the engine's view.
pub(crate) struct OrderData {
    pub(crate) id: String,
    pub(crate) created_at: String,
    pub(crate) market_id: i64,
    pub(crate) market_slug: String,
    pub(crate) owner_id: i64,
    pub(crate) order_type: OrderType,
    pub(crate) order: UnsignedOrder,
    pub(crate) client_order_id: Option<String>,
    pub(crate) signature: String,
}

/// One trade between an incoming (taker) order and a resting (maker) one,
/// kept for positions and history. Amounts in micro-units.
pub(crate) struct FillRecord {
    /// Position in `State::fills`, which only grows: oldest first.
    pub(crate) seq: u64,
    pub(crate) at: SystemTime,
    pub(crate) market_id: i64,
    pub(crate) token_id: String,
    pub(crate) price: u64,
    pub(crate) shares: u64,
    pub(crate) collateral: u64,
    /// Engine indexes of the two orders.
    pub(crate) taker: usize,
    pub(crate) maker: usize,
    pub(crate) trade_event_id: String,
    pub(crate) transaction_hash: String,
}

/// A split or merge, kept for the history.
pub(crate) struct ConversionRecord {
    pub(crate) at: SystemTime,
    pub(crate) profile_id: i64,
    pub(crate) market_id: i64,
    /// Micro-USDC in (split) or out (merge); micro-shares of each outcome.
    pub(crate) amount: u64,
    pub(crate) merge: bool,
    /// How many fills there were when it happened: it is newer than those
    /// and older than the next.
    pub(crate) after_fills: u64,
    pub(crate) transaction_hash: String,
}

/// A registered withdrawal destination.
pub(crate) struct WithdrawalAddressRecord {
    pub(crate) id: String,
    pub(crate) profile_id: i64,
    pub(crate) address: String,
    pub(crate) label: Option<String>,
    pub(crate) created_at: String,
}

/// A token bucket for one credential, in thousandths of a request.
struct Bucket {
    milli: u64,
    updated: Instant,
}

/// Everything the sandbox holds.
pub(crate) struct State {
    pub(crate) identities: Vec<Identity>,
    pub(crate) tokens: HashMap<String, TokenRecord>,
    pub(crate) next_token_seq: u64,
    pub(crate) accounts: BTreeMap<i64, SubAccount>,
    pub(crate) next_profile_id: i64,
    pub(crate) markets: Vec<MarketRecord>,
    pub(crate) engine: Engine<OrderData>,
    pub(crate) order_ids: HashMap<String, usize>,
    pub(crate) client_order_ids: HashMap<(i64, String), usize>,
    pub(crate) salts: HashSet<(i64, u64)>,
    pub(crate) withdrawal_addresses: Vec<WithdrawalAddressRecord>,
    pub(crate) fills: Vec<FillRecord>,
    /// USDC and outcome shares per profile.
    pub(crate) funds: Funds,
    /// Splits and merges, oldest first.
    pub(crate) conversions: Vec<ConversionRecord>,
    /// AMM pools, allowances, holdings and idempotent answers.
    pub(crate) amm: crate::amm::AmmState,
    /// Pack positions, idempotent buys, arrival times, the 429 fault.
    pub(crate) packs: crate::packs::PackState,
    buckets: HashMap<String, Bucket>,
    /// What to send on the sockets once the lock is released.
    pub(crate) outbox: Outbox,
    /// The sockets connected to `/markets`.
    pub(crate) socket_sessions: HashMap<Sid, SocketSession>,
    /// Each market's `orderbookUpdate` version.
    pub(crate) book_versions: HashMap<String, u64>,
    /// The last engine (`OME`) lifecycle event id.
    pub(crate) event_seq: u64,
}

impl State {
    pub(crate) fn new(
        identities: Vec<Identity>,
        markets: Vec<MarketRecord>,
        next_profile_id: i64,
    ) -> Self {
        Self {
            identities,
            tokens: HashMap::new(),
            next_token_seq: 0,
            accounts: BTreeMap::new(),
            next_profile_id,
            markets,
            engine: Engine::default(),
            order_ids: HashMap::new(),
            client_order_ids: HashMap::new(),
            salts: HashSet::new(),
            withdrawal_addresses: Vec::new(),
            fills: Vec::new(),
            funds: Funds::default(),
            conversions: Vec::new(),
            amm: Default::default(),
            packs: Default::default(),
            buckets: HashMap::new(),
            outbox: Outbox::default(),
            socket_sessions: HashMap::new(),
            book_versions: HashMap::new(),
            event_seq: 0,
        }
    }

    pub(crate) fn identity_by_token(&self, token: &str) -> Option<&Identity> {
        self.identities.iter().find(|i| i.token == token)
    }

    pub(crate) fn identity_by_profile(&self, profile_id: i64) -> Option<&Identity> {
        self.identities.iter().find(|i| i.profile_id == profile_id)
    }

    pub(crate) fn market(&self, slug: &str) -> Option<&MarketRecord> {
        self.markets.iter().find(|m| m.slug == slug)
    }

    pub(crate) fn market_by_id(&self, id: i64) -> Option<&MarketRecord> {
        self.markets.iter().find(|m| m.id == id)
    }

    /// How many rate-limit buckets exist.
    #[cfg(test)]
    pub(crate) fn bucket_count(&self) -> usize {
        self.buckets.len()
    }

    /// Takes one request from `key`'s bucket of `per_second` requests per
    /// second, or says how many whole seconds until one is available.
    pub(crate) fn take_rate_token(
        &mut self,
        key: &str,
        per_second: u32,
        now: Instant,
    ) -> Result<(), u64> {
        let capacity = u64::from(per_second) * 1000;
        let bucket = self.buckets.entry(key.to_owned()).or_insert(Bucket {
            milli: capacity,
            updated: now,
        });
        let elapsed = now.saturating_duration_since(bucket.updated);
        let refill = u64::try_from(elapsed.as_millis())
            .unwrap_or(u64::MAX)
            .saturating_mul(u64::from(per_second));
        bucket.milli = bucket.milli.saturating_add(refill).min(capacity);
        bucket.updated = now;
        if bucket.milli >= 1000 {
            bucket.milli -= 1000;
            Ok(())
        } else {
            let wait_ms = (1000 - bucket.milli).div_ceil(u64::from(per_second));
            Err(wait_ms.div_ceil(1000).max(1))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn token_bucket_refills_at_the_configured_rate() {
        let mut state = State::new(Vec::new(), Vec::new(), 1);
        let start = Instant::now();
        assert_eq!(state.take_rate_token("k", 2, start), Ok(()));
        assert_eq!(state.take_rate_token("k", 2, start), Ok(()));
        assert_eq!(state.take_rate_token("k", 2, start), Err(1));
        // Other credentials have their own bucket.
        assert_eq!(state.take_rate_token("other", 2, start), Ok(()));
        // Half a second refills one request at 2 per second.
        let later = start + Duration::from_millis(500);
        assert_eq!(state.take_rate_token("k", 2, later), Ok(()));
        assert_eq!(state.take_rate_token("k", 2, later), Err(1));
    }
}
