//! What the bot knows about every order it sent: the answer it got, the
//! fills and the end it heard of on the stream, and what reconciliation
//! read when the stream had a gap. Keyed by client order id, which the bot
//! chooses for every order and which every `orderEvent` carries, so an
//! event arriving before its order's answer is never lost.

use std::collections::BTreeMap;

use limitless_client::{Decimal, Order, Side};
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
    /// Records an order about to be sent.
    pub(crate) fn sent(&mut self, client_order_id: &str, mut record: Record) {
        record.in_gap = self.gap_open;
        self.orders.insert(client_order_id.to_owned(), record);
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
        let Some(record) = event
            .client_order_id
            .as_deref()
            .and_then(|id| self.orders.get_mut(id))
        else {
            let what = format!(
                "{kind} for order {:?} (client order id {:?})",
                event.order_id, event.client_order_id
            );
            self.strangers.push(what.clone());
            return Err(what);
        };
        if record.id.is_none() {
            record.id.clone_from(&event.order_id);
        }
        match kind.as_str() {
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

    /// Takes what a reconciliation read found for `client_order_id`.
    pub(crate) fn reconciled(&mut self, client_order_id: &str, order: &Order) {
        let Some(record) = self.orders.get_mut(client_order_id) else {
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
