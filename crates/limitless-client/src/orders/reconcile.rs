//! Learning what became of orders whose outcome is unknown, by looking
//! them up, never by sending them again.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::sync::Arc;

use limitless_types::orders::Order;

use crate::error::SentOrder;
use crate::{Error, HttpClient, ops};

/// What became of one order a request carried.
#[derive(Debug)]
#[non_exhaustive]
pub enum OrderOutcome {
    /// It was placed: the order as the API lists it (its status says
    /// whether it rests, filled or was cancelled since).
    Placed(Box<Order>),
    /// The sub-account has no order with its salt on the market: it was
    /// not placed, and sending the very same order (same salt) again is
    /// safe.
    NotPlaced,
    /// The lookup failed (shared by the orders of that market and owner);
    /// still unknown. Look again later.
    Unknown(Arc<Error>),
}

/// One order of a request whose outcome was unknown, and what became of it.
#[derive(Debug)]
#[non_exhaustive]
pub struct Reconciliation {
    /// The order as sent (market, salt, client order id, owner).
    pub order: SentOrder,
    /// What became of it.
    pub outcome: OrderOutcome,
}

impl Reconciliation {
    /// Whether the order is known not to have been placed.
    pub fn is_not_placed(&self) -> bool {
        matches!(self.outcome, OrderOutcome::NotPlaced)
    }

    /// The placed order, when it was placed.
    pub fn placed(&self) -> Option<&Order> {
        match &self.outcome {
            OrderOutcome::Placed(order) => Some(order),
            _ => None,
        }
    }
}

/// An owner's orders on a market, or why they could not be read.
type Listed = Result<Vec<Order>, Arc<Error>>;

/// Looks each order up among its owner's orders on its market
/// (`GET /markets/{slug}/user-orders?onBehalfOf=`, one read per market and
/// owner) and matches it by salt, which is unique per sub-account.
pub(crate) async fn reconcile(http: &HttpClient, orders: &[SentOrder]) -> Vec<Reconciliation> {
    reconcile_owned(http, orders, None).await
}

/// As [`reconcile`]; the orders of `own` (the credentials' own profile)
/// are read without `onBehalfOf`, which names only sub-accounts.
pub(crate) async fn reconcile_owned(
    http: &HttpClient,
    orders: &[SentOrder],
    own: Option<i64>,
) -> Vec<Reconciliation> {
    let mut listed: BTreeMap<(&str, i64), Listed> = BTreeMap::new();
    for order in orders {
        let key = (order.market_slug.as_str(), order.owner_id);
        if let Entry::Vacant(slot) = listed.entry(key) {
            let found = http
                .call(ops::markets::get_user_orders(
                    key.0,
                    Some(key.1).filter(|owner| Some(*owner) != own),
                ))
                .await
                .map_err(Arc::new);
            slot.insert(found);
        }
    }
    orders
        .iter()
        .map(|order| {
            let key = (order.market_slug.as_str(), order.owner_id);
            let outcome = match &listed[&key] {
                Ok(listed) => match listed.iter().find(|placed| placed.salt == Some(order.salt)) {
                    Some(placed) => OrderOutcome::Placed(Box::new(placed.clone())),
                    None => OrderOutcome::NotPlaced,
                },
                Err(error) => OrderOutcome::Unknown(Arc::clone(error)),
            };
            Reconciliation {
                order: order.clone(),
                outcome,
            }
        })
        .collect()
}
