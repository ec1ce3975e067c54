//! Learning what became of orders whose outcome is unknown, by looking
//! them up, never by sending them again.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::sync::Arc;

use limitless_types::limits::MAX_ORDER_STATUS_BATCH;
use limitless_types::orders::{CancelTarget, Order, OrderLookup, OrderStatus};

use crate::error::SentOrder;
use crate::{Error, HttpClient, ops};

/// What became of one order a request carried.
#[derive(Debug)]
#[non_exhaustive]
pub enum OrderOutcome {
    /// It was placed: the order as the API lists it (its status says
    /// whether it rests, filled or was cancelled since).
    Placed(Box<Order>),
    /// The owner has no order with its client order id (status batch
    /// `not_found`), or, for an order without one, none with its salt on
    /// the market: it was not placed, and sending the very same order
    /// again is safe.
    NotPlaced,
    /// The lookup failed (shared by the orders it covered) or answered
    /// something else than found or not found; still unknown. Look again
    /// later.
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

/// Looks each order up: by client order id through the status batch when
/// it carries one (exact), else by salt among its owner's orders on its
/// market. The orders of `own` (the credentials' own profile)
/// are read without naming a sub-account (`onBehalfOf`,
/// `x-on-behalf-of`), which names only sub-accounts.
///
/// Orders with a client order id: `POST /orders/status/batch`, one request
/// per owner and [`MAX_ORDER_STATUS_BATCH`] orders. The others:
/// `GET /markets/{slug}/user-orders?onBehalfOf=`, one read per market and
/// owner, matched by salt (unique per owner).
pub(crate) async fn reconcile_owned(
    http: &HttpClient,
    orders: &[SentOrder],
    own: Option<i64>,
) -> Vec<Reconciliation> {
    let sub_account = |owner: i64| Some(owner).filter(|owner| Some(*owner) != own);
    let mut outcomes: Vec<Option<OrderOutcome>> = orders.iter().map(|_| None).collect();

    // By client order id: the orders of each owner, in request-sized chunks.
    let mut by_owner: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
    for (at, order) in orders.iter().enumerate() {
        if order.client_order_id.is_some() {
            by_owner.entry(order.owner_id).or_default().push(at);
        }
    }
    for (owner, positions) in by_owner {
        for chunk in positions.chunks(MAX_ORDER_STATUS_BATCH) {
            let items: Vec<CancelTarget> = chunk
                .iter()
                .filter_map(|&at| orders[at].client_order_id.clone())
                .map(CancelTarget::ClientOrderId)
                .collect();
            let operation = match sub_account(owner) {
                Some(owner) => ops::orders::order_status_batch_on_behalf_of(&items, owner),
                None => ops::orders::order_status_batch(&items),
            };
            match http.call(operation).await {
                Ok(batch) => {
                    for (index, &at) in chunk.iter().enumerate() {
                        let id = &items[index];
                        outcomes[at] = Some(status_outcome(&batch.results, index, id));
                    }
                }
                Err(error) => {
                    let error = Arc::new(error);
                    for &at in chunk {
                        outcomes[at] = Some(OrderOutcome::Unknown(Arc::clone(&error)));
                    }
                }
            }
        }
    }

    // By salt: the rest.
    let mut listed: BTreeMap<(&str, i64), Listed> = BTreeMap::new();
    for (order, outcome) in orders.iter().zip(&outcomes) {
        let key = (order.market_slug.as_str(), order.owner_id);
        if outcome.is_none()
            && let Entry::Vacant(slot) = listed.entry(key)
        {
            let found = http
                .call(ops::markets::get_user_orders(key.0, sub_account(key.1)))
                .await
                .map_err(Arc::new);
            slot.insert(found);
        }
    }
    orders
        .iter()
        .zip(outcomes)
        .map(|(order, outcome)| {
            let outcome = outcome.unwrap_or_else(|| {
                let key = (order.market_slug.as_str(), order.owner_id);
                match &listed[&key] {
                    Ok(listed) => {
                        match listed.iter().find(|placed| placed.salt == Some(order.salt)) {
                            Some(placed) => OrderOutcome::Placed(Box::new(placed.clone())),
                            None => OrderOutcome::NotPlaced,
                        }
                    }
                    Err(error) => OrderOutcome::Unknown(Arc::clone(error)),
                }
            });
            Reconciliation {
                order: order.clone(),
                outcome,
            }
        })
        .collect()
}

/// The outcome of item `index` (client order id `id`) of a status batch:
/// its result by `index`, else the one echoing its client order id.
fn status_outcome(results: &[OrderStatus], index: usize, id: &CancelTarget) -> OrderOutcome {
    let CancelTarget::ClientOrderId(id) = id else {
        return unknown(id_text(id), "was not asked by client order id".to_owned());
    };
    let result = results
        .iter()
        .find(|result| result.index == Some(index))
        .or_else(|| {
            results
                .iter()
                .find(|result| result.client_order_id.as_deref() == Some(id))
        });
    let Some(result) = result else {
        return unknown(id, "has no result in the status batch".to_owned());
    };
    match result.lookup() {
        OrderLookup::Found(data) => {
            let order = data.map_or_else(
                // Found without its data: the id is all there is to show.
                || Order {
                    id: result.order_id.clone().unwrap_or_default(),
                    ..Order::default()
                },
                |data| data.order.clone(),
            );
            OrderOutcome::Placed(Box::new(order))
        }
        OrderLookup::NotFound => OrderOutcome::NotPlaced,
        OrderLookup::Invalid(reason) => unknown(
            id,
            format!("invalid: {}", reason.unwrap_or("no reason given")),
        ),
        OrderLookup::Other(status) => unknown(id, status.unwrap_or("no status").to_owned()),
        _ => unknown(id, "an unknown lookup result".to_owned()),
    }
}

fn id_text(target: &CancelTarget) -> &str {
    match target {
        CancelTarget::OrderId(id) | CancelTarget::ClientOrderId(id) => id,
    }
}

/// Still unknown: the status batch answered `status` for client order id
/// `id`.
fn unknown(id: &str, status: String) -> OrderOutcome {
    OrderOutcome::Unknown(Arc::new(Error::UnexpectedStatus {
        operation: "order_status_batch",
        id: id.to_owned(),
        status,
    }))
}
