//! What the bot knows about every order it sent: the answer it got, the
//! fills and the end it heard of on the stream, and what reconciliation
//! read when the stream had a gap. Keyed by client order id, which most
//! orders carry and every `orderEvent` about them repeats; an order sent
//! without one (found again by its salt) is keyed `salt:{owner}:{salt}`
//! and its events are matched by order id, held until that id is known,
//! so an event arriving before its order's answer is never lost.

use std::collections::{BTreeMap, HashMap};

use limitless_client::types::orders::Order;
use limitless_client::{Decimal, Side};
use limitless_ws::types::OrderEvent;

/// An order's type, as the bot sent it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Gtc,
    Fak,
    Fok,
}

/// What the answer to the request that carried the order said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Answer {
    /// Not answered yet.
    Pending,
    /// Placed, with the API's id.
    Placed(String),
    /// Refused, or known not to have been sent: never in the engine.
    NotPlaced(String),
    /// Sent, no usable answer: reconciliation must say.
    Unknown,
}

/// How an unknown outcome was settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Resolution {
    /// Reconciliation found it placed.
    FoundPlaced,
    /// Reconciliation found it not placed; the very same order was sent again.
    NotPlacedResent,
    /// Reconciliation found it not placed and it was not sent again (the
    /// quote it carried was no longer wanted).
    NotPlacedDropped,
}

/// Where an order ended, as the bot knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum End {
    Filled,
    Cancelled,
    Killed,
}

/// One order the bot sent.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    /// The client order id sent, if any.
    pub(crate) client_order_id: Option<String>,
    pub(crate) account: usize,
    pub(crate) owner: i64,
    pub(crate) market: String,
    pub(crate) kind: Kind,
    pub(crate) side: Side,
    pub(crate) salt: u64,
    /// Micro-shares asked for (GTC and FAK; an FOK's depend on the book).
    pub(crate) size: Option<u64>,
    pub(crate) answer: Answer,
    /// Settled unknown outcomes, in order (one per unknown answer).
    pub(crate) resolutions: Vec<Resolution>,
    /// The API's id, from the answer, an event or reconciliation.
    pub(crate) id: Option<String>,
    /// Micro-shares filled, summed from `MATCHED` events.
    pub(crate) stream_filled: u64,
    /// How it ended, from `EXECUTION` and `CANCELLATION` events.
    pub(crate) stream_end: Option<End>,
    /// A gap the stream reported (a reconnect or lost events) while the
    /// order was live or in flight: its events may be missing.
    pub(crate) in_gap: bool,
    /// What the last reconciliation read said: micro-shares filled and the
    /// status (`LIVE`, `MATCHED`, `CANCELLED`, `KILLED`).
    pub(crate) reconciled: Option<(u64, String)>,
}

impl Record {
    /// Whether the bot believes the order may still rest on the book.
    pub(crate) fn maybe_live(&self) -> bool {
        self.kind == Kind::Gtc
            && !matches!(self.answer, Answer::NotPlaced(_))
            && self.end().is_none()
    }

    /// The micro-shares filled as the bot knows them: the stream's count,
    /// or, for an order caught in a reported gap, what reconciliation read.
    pub(crate) fn filled(&self) -> u64 {
        match (&self.reconciled, self.in_gap) {
            (Some((filled, _)), true) => *filled,
            _ => self.stream_filled,
        }
    }

    /// How the order ended as the bot knows it (see [`filled`](Self::filled)).
    pub(crate) fn end(&self) -> Option<End> {
        if self.in_gap
            && let Some((_, status)) = &self.reconciled
        {
            return match status.as_str() {
                "MATCHED" | "FILLED" => Some(End::Filled),
                "CANCELLED" => Some(End::Cancelled),
                "KILLED" => Some(End::Killed),
                _ => None,
            };
        }
        if self.stream_end.is_some() {
            return self.stream_end;
        }
        (self.kind == Kind::Gtc && self.size.is_some_and(|size| self.stream_filled >= size))
            .then_some(End::Filled)
    }
}

/// Every order the bot sent, and the stream's notices.
#[derive(Debug, Default)]
pub(crate) struct Ledger {
    pub(crate) orders: BTreeMap<String, Record>,
    /// A gap is open: reported, not yet closed by `Reconnected`.
    pub(crate) gap_open: bool,
    /// Events about orders the bot never sent (a broken invariant).
    pub(crate) strangers: Vec<String>,
    /// `orderEvent`s received, by type.
    pub(crate) events: BTreeMap<String, u64>,
    /// The key of each order whose id is known.
    by_id: HashMap<String, String>,
    /// Events about orders without a client order id whose id is not
    /// known yet, by order id.
    pub(crate) orphans: HashMap<String, Vec<OrderEvent>>,
}

/// The ledger key of an order sent without a client order id.
pub(crate) fn salt_key(owner: i64, salt: u64) -> String {
    format!("salt:{owner}:{salt}")
}

/// Micro-units of a decimal amount in shares; `None` if it is negative,
/// finer than a micro-share or too large.
pub(crate) fn micro(amount: Decimal) -> Option<u64> {
    let scaled = amount.checked_mul(Decimal::from(1_000_000))?;
    if scaled.fract() != Decimal::ZERO || scaled.is_sign_negative() {
        return None;
    }
    u64::try_from(scaled.trunc()).ok()
}

impl Ledger {
    /// Records an order about to be sent, under `key`.
    pub(crate) fn sent(&mut self, key: &str, mut record: Record) {
        record.in_gap = self.gap_open;
        self.orders.insert(key.to_owned(), record);
    }

    /// The key of the order with `id`, if known.
    pub(crate) fn key_of(&self, id: &str) -> Option<&String> {
        self.by_id.get(id)
    }

    /// Learns that the order under `key` has `id`, and applies the events
    /// that were waiting for it.
    pub(crate) fn learn_id(&mut self, key: &str, id: &str) -> Result<(), String> {
        let Some(record) = self.orders.get_mut(key) else {
            return Ok(());
        };
        if record.id.is_none() {
            record.id = Some(id.to_owned());
        }
        self.by_id.insert(id.to_owned(), key.to_owned());
        for event in self.orphans.remove(id).unwrap_or_default() {
            self.apply(key, &event)?;
        }
        Ok(())
    }

    /// Marks every order that may still change as caught in a gap.
    pub(crate) fn gap(&mut self) {
        self.gap_open = true;
        for record in self.orders.values_mut() {
            let settled = matches!(record.answer, Answer::NotPlaced(_))
                || (!record.in_gap && record.stream_end.is_some());
            if !settled {
                record.in_gap = true;
            }
        }
    }

    /// Applies one `orderEvent`.
    pub(crate) fn event(&mut self, event: &OrderEvent) -> Result<(), String> {
        let kind = event.kind.clone().unwrap_or_default();
        *self.events.entry(kind.clone()).or_default() += 1;
        let by_coid = event
            .client_order_id
            .as_deref()
            .filter(|coid| self.orders.contains_key(*coid))
            .map(str::to_owned);
        let by_id = || {
            event
                .order_id
                .as_deref()
                .and_then(|id| self.by_id.get(id))
                .cloned()
        };
        let key = by_coid.or_else(by_id);
        match (key, &event.client_order_id, &event.order_id) {
            (Some(key), _, _) => {
                if let Some(id) = &event.order_id {
                    self.by_id.insert(id.clone(), key.clone());
                }
                self.apply(&key, event)
            }
            // Sent without a client order id, and its id not known yet.
            (None, None, Some(id)) => {
                self.orphans
                    .entry(id.clone())
                    .or_default()
                    .push(event.clone());
                Ok(())
            }
            (None, coid, id) => {
                let what = format!("{kind} for order {id:?} (client order id {coid:?})");
                self.strangers.push(what.clone());
                Err(what)
            }
        }
    }

    fn apply(&mut self, key: &str, event: &OrderEvent) -> Result<(), String> {
        let Some(record) = self.orders.get_mut(key) else {
            return Ok(());
        };
        if record.id.is_none() {
            record.id.clone_from(&event.order_id);
        }
        match event.kind.as_deref().unwrap_or_default() {
            "MATCHED" => {
                let amount = event
                    .amount_contracts
                    .and_then(micro)
                    .ok_or_else(|| format!("MATCHED without a readable amount: {event:?}"))?;
                record.stream_filled += amount;
            }
            "EXECUTION" => {
                record.stream_end = match event.status.as_deref() {
                    Some("FILLED") => Some(End::Filled),
                    Some("PARTIALLY_FILLED" | "KILLED") => Some(End::Killed),
                    other => return Err(format!("EXECUTION with status {other:?}")),
                };
            }
            "CANCELLATION" => record.stream_end = Some(End::Cancelled),
            _ => {}
        }
        Ok(())
    }

    /// Takes what a reconciliation read found for the order under `key`.
    pub(crate) fn reconciled(&mut self, key: &str, order: &Order) {
        let Some(record) = self.orders.get_mut(key) else {
            return;
        };
        if record.id.is_none() && !order.id.is_empty() {
            record.id = Some(order.id.clone());
        }
        let filled = order
            .filled_size
            .as_deref()
            .and_then(|size| size.parse::<u64>().ok())
            .unwrap_or(0);
        record.reconciled = Some((filled, order.status.clone().unwrap_or_default()));
    }
}
