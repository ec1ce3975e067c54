//! The bot's accounts and what each does: quote GTC bids and asks and
//! re-quote them with cancel-replace, take liquidity with FOK and FAK,
//! cancel, and settle every unknown outcome by reconciliation, only ever
//! through the public client.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use limitless_client::limits::MAX_ORDER_STATUS_BATCH;
use limitless_client::types::orders::{OrderLookup, ReplacementOutcome};
use limitless_client::{
    CancelTarget, Client, CreateDelegatedOrderParams, CreateSignedOrderParams,
    DelegatedCancelReplaceParams, Error, OrderOutcome, SentOrder, Side, SignedCancelReplaceParams,
    SignedOrderService,
};
use limitless_sandbox::SeededMarket;
use rand::Rng as _;
use rand::rngs::StdRng;
use tokio::time::Instant;

use crate::ledger::{Answer, Kind, Ledger, Record, Resolution, salt_key};
use crate::report::Stats;

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Micro-shares of each market's YES token every account starts with, so
/// its sells are always covered.
pub(crate) const STARTING_SHARES: u64 = 100_000 * 1_000_000;

/// What every account shares: the ledger, the figures, the markets.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) ledger: Mutex<Ledger>,
    pub(crate) stats: Mutex<Stats>,
    pub(crate) markets: Vec<SeededMarket>,
    next_order: AtomicU64,
    /// Raised by the stream follower after a reconnect: every account
    /// reads its possibly live orders again.
    pub(crate) refresh: tokio::sync::watch::Sender<u64>,
}

impl Shared {
    pub(crate) fn new(markets: Vec<SeededMarket>) -> Self {
        Self {
            ledger: Mutex::default(),
            stats: Mutex::default(),
            markets,
            next_order: AtomicU64::new(1),
            refresh: tokio::sync::watch::Sender::new(0),
        }
    }

    /// A fresh (client order id, salt) pair, unique in the run.
    fn next_keys(&self, seed: u64) -> (String, u64) {
        let n = self.next_order.fetch_add(1, Ordering::SeqCst);
        (format!("soak-{seed:x}-{n}"), 1_000_000 + n)
    }

    /// Times `call` and counts its error, if any, by kind.
    async fn timed<T>(
        &self,
        operation: &'static str,
        call: impl Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        let started = Instant::now();
        let result = call.await;
        let mut stats = lock(&self.stats);
        stats.latency(operation, started.elapsed());
        if let Err(error) = &result {
            stats.error(operation, error);
        }
        result
    }
}

/// How an account signs its orders.
#[derive(Debug, Clone)]
pub(crate) enum Signing {
    /// A server-wallet sub-account: the exchange signs (`onBehalfOf`).
    Delegated,
    /// An EOA sub-account signing EIP-712 with its own key.
    SelfSigned(SignedOrderService),
}

/// One sub-account the bot trades for.
#[derive(Debug)]
pub(crate) struct Account {
    pub(crate) index: usize,
    pub(crate) owner: i64,
    pub(crate) client: Arc<Client>,
    pub(crate) signing: Signing,
    pub(crate) rng: StdRng,
    pub(crate) seed: u64,
    /// Orders whose outcome is unknown: the ledger key, what to look for,
    /// and the very same order to send again if it was not placed (`None`
    /// for a cancel-replace replacement, which is not sent again).
    unknown: Vec<(String, SentOrder, Option<Params>)>,
}

/// An order ready to send, exactly (salt and client order id fixed).
#[derive(Debug, Clone)]
enum Params {
    Delegated(CreateDelegatedOrderParams),
    SelfSigned(CreateSignedOrderParams),
}

/// What one order is.
#[derive(Debug, Clone, Copy)]
struct Spec {
    kind: Kind,
    side: Side,
    /// Limit price in thousandths (GTC, FAK).
    price_milli: u32,
    /// Shares (GTC, FAK, FOK sell) or USDC (FOK buy).
    amount: u32,
}

fn price_text(milli: u32) -> String {
    format!("0.{milli:03}")
}

impl Account {
    pub(crate) fn new(
        index: usize,
        owner: i64,
        client: Arc<Client>,
        signing: Signing,
        rng: StdRng,
        seed: u64,
    ) -> Self {
        Self {
            index,
            owner,
            client,
            signing,
            rng,
            seed,
            unknown: Vec::new(),
        }
    }

    fn params(&self, market: &SeededMarket, spec: Spec, coid: Option<&str>, salt: u64) -> Params {
        let slug = market.slug.as_str();
        let token = market.yes_token_id.as_str();
        let price = price_text(spec.price_milli);
        match &self.signing {
            Signing::Delegated => {
                let order = match spec.kind {
                    Kind::Gtc => CreateDelegatedOrderParams::gtc(
                        slug,
                        token,
                        spec.side,
                        price,
                        spec.amount,
                        self.owner,
                    )
                    // A market maker's quotes never take: they are still
                    // accepted in a `post_only` window.
                    .post_only(true),
                    Kind::Fak => CreateDelegatedOrderParams::fak(
                        slug,
                        token,
                        spec.side,
                        price,
                        spec.amount,
                        self.owner,
                    ),
                    Kind::Fok => CreateDelegatedOrderParams::fok(
                        slug,
                        token,
                        spec.side,
                        spec.amount,
                        self.owner,
                    ),
                };
                let order = order.salt(salt);
                Params::Delegated(match coid {
                    Some(coid) => order.client_order_id(coid),
                    None => order.without_client_order_id(),
                })
            }
            Signing::SelfSigned(_) => {
                let order = match spec.kind {
                    Kind::Gtc => {
                        CreateSignedOrderParams::gtc(slug, token, spec.side, price, spec.amount)
                            .post_only(true)
                    }
                    Kind::Fak => {
                        CreateSignedOrderParams::fak(slug, token, spec.side, price, spec.amount)
                    }
                    Kind::Fok => CreateSignedOrderParams::fok(slug, token, spec.side, spec.amount),
                };
                let order = order.salt(salt);
                Params::SelfSigned(match coid {
                    Some(coid) => order.client_order_id(coid),
                    None => order.without_client_order_id(),
                })
            }
        }
    }

    fn record(&self, market: &SeededMarket, spec: Spec, coid: Option<&str>, salt: u64) -> Record {
        Record {
            client_order_id: coid.map(str::to_owned),
            account: self.index,
            owner: self.owner,
            market: market.slug.clone(),
            kind: spec.kind,
            side: spec.side,
            salt,
            size: (spec.kind != Kind::Fok).then_some(u64::from(spec.amount) * 1_000_000),
            answer: Answer::Pending,
            resolutions: Vec::new(),
            id: None,
            stream_filled: 0,
            stream_end: None,
            in_gap: false,
            reconciled: None,
        }
    }

    /// One step of the bot: re-quote, take, cancel or rest.
    pub(crate) async fn step(&mut self, shared: &Shared) {
        let market = shared.markets[self.rng.random_range(0..shared.markets.len())].clone();
        let side = if self.rng.random_bool(0.5) {
            Side::Buy
        } else {
            Side::Sell
        };
        match self.rng.random_range(0..10) {
            0..=5 => {
                // Bids 0.40–0.49, asks 0.51–0.60: quotes never cross.
                let price_milli = match side {
                    Side::Buy => 400 + 10 * self.rng.random_range(0..10),
                    Side::Sell => 510 + 10 * self.rng.random_range(0..10),
                };
                let spec = Spec {
                    kind: Kind::Gtc,
                    side,
                    price_milli,
                    amount: self.rng.random_range(1..=5),
                };
                self.quote(shared, &market, spec).await;
            }
            6..=7 => {
                let fok = self.rng.random_bool(0.5);
                let spec = Spec {
                    kind: if fok { Kind::Fok } else { Kind::Fak },
                    side,
                    // Through every quote of the other side.
                    price_milli: if side == Side::Buy { 600 } else { 400 },
                    amount: self.rng.random_range(1..=3),
                };
                self.place(shared, &market, spec).await;
            }
            8 => self.cancel_one(shared).await,
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }

    /// The id of one of the account's quotes on `market` (on `side`, if
    /// given) that the bot believes live.
    fn live_quote(&self, shared: &Shared, market: &str, side: Option<Side>) -> Option<String> {
        let ledger = lock(&shared.ledger);
        ledger
            .orders
            .values()
            .filter(|r| {
                r.account == self.index
                    && r.market == market
                    && side.is_none_or(|side| r.side == side)
                    && r.maybe_live()
                    && matches!(r.answer, Answer::Placed(_))
            })
            .filter_map(|r| r.id.clone())
            .next_back()
    }

    /// The next order's client order id (four in five orders carry one;
    /// the others are found again by their salt), salt and ledger key.
    fn keys(&mut self, shared: &Shared) -> (Option<String>, u64, String) {
        let (coid, salt) = shared.next_keys(self.seed);
        if self.rng.random_ratio(4, 5) {
            (Some(coid.clone()), salt, coid)
        } else {
            (None, salt, salt_key(self.owner, salt))
        }
    }

    /// Places a quote, or moves the current one with cancel-replace.
    async fn quote(&mut self, shared: &Shared, market: &SeededMarket, spec: Spec) {
        let Some(old) = self.live_quote(shared, &market.slug, Some(spec.side)) else {
            return self.place(shared, market, spec).await;
        };
        let (coid, salt, key) = self.keys(shared);
        let params = self.params(market, spec, coid.as_deref(), salt);
        lock(&shared.ledger).sent(&key, self.record(market, spec, coid.as_deref(), salt));
        lock(&shared.stats).orders_sent += 1;
        let cancel = CancelTarget::OrderId(old);
        let result = match (&self.signing, params) {
            (Signing::Delegated, Params::Delegated(order)) => {
                let mut replace = DelegatedCancelReplaceParams::new(cancel, order);
                if let Some(coid) = &coid {
                    replace = replace.client_order_id(coid);
                }
                shared
                    .timed(
                        "cancel-replace",
                        self.client.delegated_orders.cancel_replace(&replace),
                    )
                    .await
            }
            (Signing::SelfSigned(service), Params::SelfSigned(order)) => {
                let mut replace = SignedCancelReplaceParams::new(cancel, order);
                if let Some(coid) = &coid {
                    replace = replace.client_order_id(coid);
                }
                shared
                    .timed("cancel-replace", service.cancel_replace(&replace))
                    .await
            }
            _ => unreachable!("params follow the account's signing"),
        };
        let answer = match result {
            Ok(result) => {
                // A result, not an error: the cancel (and so the
                // replacement) can fail when the order has just filled.
                let (answer, refusal) = match result.replacement {
                    ReplacementOutcome::Success { data } => (Answer::Placed(data.order.id), None),
                    ReplacementOutcome::Unknown { .. } => (Answer::Unknown, Some("unknown")),
                    ReplacementOutcome::NotAttempted => (
                        Answer::NotPlaced("not attempted".into()),
                        Some("not attempted (cancel failed)"),
                    ),
                    ReplacementOutcome::Failure { error } => {
                        (Answer::NotPlaced(format!("{error:?}")), Some("refused"))
                    }
                    other => {
                        lock(&shared.stats).unexpected(format!("replacement outcome {other:?}"));
                        (Answer::NotPlaced(format!("{other:?}")), None)
                    }
                };
                if let Some(refusal) = refusal {
                    *lock(&shared.stats)
                        .errors
                        .entry(format!("cancel-replace: replacement {refusal}"))
                        .or_default() += 1;
                }
                answer
            }
            Err(error) if error.is_outcome_unknown() => Answer::Unknown,
            Err(error) => Answer::NotPlaced(error.to_string()),
        };
        if answer == Answer::Unknown {
            let sent = SentOrder::new(&market.slug, salt, coid.as_deref(), self.owner);
            self.unknown.push((key.clone(), sent, None));
            lock(&shared.stats).unknown_outcomes += 1;
        }
        set_answer(shared, &key, answer);
    }

    /// Sends one new order.
    async fn place(&mut self, shared: &Shared, market: &SeededMarket, spec: Spec) {
        let (coid, salt, key) = self.keys(shared);
        let params = self.params(market, spec, coid.as_deref(), salt);
        lock(&shared.ledger).sent(&key, self.record(market, spec, coid.as_deref(), salt));
        lock(&shared.stats).orders_sent += 1;
        self.send(shared, &key, params).await;
    }

    /// Sends `params` (new, or the very same order again) and records the
    /// answer.
    async fn send(&mut self, shared: &Shared, key: &str, params: Params) {
        let result = match (&self.signing, &params) {
            (Signing::Delegated, Params::Delegated(order)) => {
                shared
                    .timed("create", self.client.delegated_orders.create_order(order))
                    .await
            }
            (Signing::SelfSigned(service), Params::SelfSigned(order)) => {
                shared.timed("create", service.create_order(order)).await
            }
            _ => unreachable!("params follow the account's signing"),
        };
        let answer = match result {
            Ok(placed) => Answer::Placed(placed.order.id),
            Err(error) if error.is_outcome_unknown() => {
                for sent in error.sent_orders() {
                    self.unknown
                        .push((key.to_owned(), sent.clone(), Some(params.clone())));
                }
                lock(&shared.stats).unknown_outcomes += 1;
                Answer::Unknown
            }
            Err(error) => Answer::NotPlaced(error.to_string()),
        };
        set_answer(shared, key, answer);
    }

    /// Cancels one of the account's quotes.
    async fn cancel_one(&mut self, shared: &Shared) {
        let market = shared.markets[self.rng.random_range(0..shared.markets.len())].clone();
        let Some(id) = self.live_quote(shared, &market.slug, None) else {
            return;
        };
        // The end is learned from the stream (`CANCELLATION`); a failed
        // cancel is counted with the errors.
        let _ = match &self.signing {
            Signing::Delegated => {
                shared
                    .timed(
                        "cancel",
                        self.client
                            .delegated_orders
                            .cancel_on_behalf_of(&id, self.owner),
                    )
                    .await
            }
            Signing::SelfSigned(service) => shared.timed("cancel", service.cancel(&id)).await,
        };
    }

    /// Looks every unknown outcome up; sends the very same order again
    /// when it was not placed. Returns how many are still unknown.
    pub(crate) async fn settle_unknowns(&mut self, shared: &Shared) -> usize {
        if self.unknown.is_empty() {
            return 0;
        }
        let pending = std::mem::take(&mut self.unknown);
        let sent: Vec<SentOrder> = pending.iter().map(|(_, sent, _)| sent.clone()).collect();
        let started = Instant::now();
        let found = match &self.signing {
            Signing::Delegated => self.client.delegated_orders.reconcile(&sent).await,
            Signing::SelfSigned(service) => service.reconcile(&sent).await,
        };
        lock(&shared.stats).latency("reconcile", started.elapsed());
        let mut resend = Vec::new();
        for ((coid, sent, params), found) in pending.into_iter().zip(found) {
            if sent.client_order_id.is_none() {
                lock(&shared.stats).reconciled_by_salt += 1;
            }
            match found.outcome {
                OrderOutcome::Placed(order) => {
                    resolve(
                        shared,
                        &coid,
                        Resolution::FoundPlaced,
                        Answer::Placed(order.id),
                    );
                }
                OrderOutcome::NotPlaced => match params {
                    Some(params) => {
                        resolve(shared, &coid, Resolution::NotPlacedResent, Answer::Pending);
                        resend.push((coid, params));
                    }
                    None => resolve(
                        shared,
                        &coid,
                        Resolution::NotPlacedDropped,
                        Answer::NotPlaced("reconciled: not placed".into()),
                    ),
                },
                OrderOutcome::Unknown(error) => {
                    lock(&shared.stats).error("reconcile", &error);
                    self.unknown.push((coid, sent, params));
                }
                other => {
                    lock(&shared.stats).unexpected(format!("reconciliation outcome {other:?}"));
                    self.unknown.push((coid, sent, params));
                }
            }
        }
        for (coid, params) in resend {
            lock(&shared.stats).orders_resent += 1;
            self.send(shared, &coid, params).await;
        }
        self.unknown.len()
    }

    /// Reads the account's orders that may have changed unseen (caught in
    /// a gap) through the status batch, by client order id.
    pub(crate) async fn read_back(&self, shared: &Shared, all_in_gap: bool) {
        // By client order id, or by id for an order sent without one.
        let wanted: Vec<CancelTarget> = lock(&shared.ledger)
            .orders
            .values()
            .filter(|r| {
                r.account == self.index
                    && r.in_gap
                    && !matches!(r.answer, Answer::NotPlaced(_) | Answer::Pending)
                    && (all_in_gap || r.maybe_live())
            })
            .filter_map(|r| match (&r.client_order_id, &r.id) {
                (Some(coid), _) => Some(CancelTarget::ClientOrderId(coid.clone())),
                (None, Some(id)) => Some(CancelTarget::OrderId(id.clone())),
                (None, None) => None,
            })
            .collect();
        for items in wanted.chunks(MAX_ORDER_STATUS_BATCH) {
            let read = shared
                .timed(
                    "status-batch",
                    self.client
                        .delegated_orders
                        .order_status_batch(items, self.owner),
                )
                .await;
            let Ok(batch) = read else { continue };
            let mut ledger = lock(&shared.ledger);
            for result in &batch.results {
                let key = match (&result.client_order_id, &result.order_id) {
                    (Some(coid), _) if ledger.orders.contains_key(coid) => coid.clone(),
                    (_, Some(id)) => match ledger.key_of(id) {
                        Some(key) => key.clone(),
                        None => continue,
                    },
                    _ => continue,
                };
                if let OrderLookup::Found(Some(data)) = result.lookup() {
                    ledger.reconciled(&key, &data.order);
                }
            }
        }
    }

    /// Trades until `until`, settling unknown outcomes as it goes and
    /// reading its orders back after every reconnect.
    pub(crate) async fn trade(&mut self, shared: &Shared, until: Instant) {
        let mut refresh = shared.refresh.subscribe();
        while Instant::now() < until {
            self.settle_unknowns(shared).await;
            if refresh.has_changed().unwrap_or(false) {
                refresh.mark_unchanged();
                self.read_back(shared, false).await;
            }
            self.step(shared).await;
        }
    }
}

fn set_answer(shared: &Shared, key: &str, answer: Answer) {
    let mut ledger = lock(&shared.ledger);
    if let Answer::Placed(id) = &answer
        && let Err(what) = ledger.learn_id(key, id)
    {
        lock(&shared.stats).unexpected(what);
    }
    if let Some(record) = ledger.orders.get_mut(key) {
        record.answer = answer;
    }
}

fn resolve(shared: &Shared, coid: &str, resolution: Resolution, answer: Answer) {
    *lock(&shared.stats)
        .resolutions
        .entry(resolution)
        .or_default() += 1;
    if let Some(record) = lock(&shared.ledger).orders.get_mut(coid) {
        record.resolutions.push(resolution);
    }
    set_answer(shared, coid, answer);
}
