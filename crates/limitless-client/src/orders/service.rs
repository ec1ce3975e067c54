//! [`DelegatedOrderService`]: delegated orders sent through the client,
//! with each market's venue looked up once and cached.

use std::time::SystemTime;

use limitless_types::orders::{
    BatchCancelRequest, CancelBatchResponse, CancelReplaceBatchResponse, CancelReplaceResult,
    CancelTarget, OrderResponse, OrderStatusBatch,
};

use super::prepare::{PreparedCancelReplace, PreparedOrder};
use super::reconcile::{Reconciliation, reconcile};
use crate::call::Resolver;
use crate::error::SentOrder;
use crate::ops::{self, Auth, Operation};
use crate::{Call, CreateDelegatedOrderParams, DelegatedCancelReplaceParams, Error, HttpClient};

/// Orders the API signs for the partner's sub-accounts
/// (`client.delegated_orders`). Needs HMAC credentials (or an API key) with
/// the `trading` and `delegated_signing` scopes.
///
/// Every argument is checked when the call is made, before any I/O. When
/// the call runs, the fee is settled from the market's venue (0 on a
/// collateral-fee venue, else yours or 300): read with
/// `GET /markets/{slug}` the first time this client uses a market, then
/// cached; concurrent orders share that one read. Orders are never sent
/// twice once they may have reached the server (see
/// [`Error::OutcomeUnknown`]).
#[derive(Clone, Debug)]
pub struct DelegatedOrderService {
    http: HttpClient,
}

impl DelegatedOrderService {
    pub(crate) fn new(http: HttpClient) -> Self {
        Self { http }
    }

    /// `POST /orders`: places a GTC, FAK or FOK order for a sub-account.
    /// Not idempotent. See [`ops::orders::create_order`].
    pub fn create_order(&self, params: &CreateDelegatedOrderParams) -> Call<OrderResponse> {
        self.deferred("create_order", params.prepare(), create)
    }

    /// `DELETE /orders/{orderId}`: cancels an order; returns the API's
    /// message. Retried like a read: cancelling one order twice cancels
    /// nothing more (a retry after a first attempt that did cancel may be
    /// answered that the order is already cancelled or not found).
    pub fn cancel(&self, order_id: &str) -> Call<String> {
        self.http.call(ops::orders::cancel(order_id))
    }

    /// `DELETE /orders/{orderId}?onBehalfOf={id}`: cancels a sub-account's
    /// order. Retried as [`cancel`](Self::cancel) is.
    pub fn cancel_on_behalf_of(&self, order_id: &str, on_behalf_of: i64) -> Call<String> {
        self.http
            .call(ops::orders::cancel_on_behalf_of(order_id, on_behalf_of))
    }

    /// `DELETE /orders/all/{marketSlug}`: cancels all your orders on a
    /// market. Never sent again once it may have reached the server (a late
    /// repeat would also cancel orders placed in the meantime): such a
    /// failure is [`Error::OutcomeUnknown`]. Orders it could not cancel
    /// (the API's 207) are listed in the result, not an error: see
    /// [`CancelBatchResponse::is_partial`].
    pub fn cancel_all(&self, market_slug: &str) -> Call<CancelBatchResponse> {
        self.http.call(ops::orders::cancel_all(market_slug))
    }

    /// `DELETE /orders/all/{marketSlug}?onBehalfOf={id}`: cancels all of a
    /// sub-account's orders on a market; never sent again once it may have
    /// reached the server, as [`cancel_all`](Self::cancel_all).
    pub fn cancel_all_on_behalf_of(
        &self,
        market_slug: &str,
        on_behalf_of: i64,
    ) -> Call<CancelBatchResponse> {
        self.http.call(ops::orders::cancel_all_on_behalf_of(
            market_slug,
            on_behalf_of,
        ))
    }

    /// `POST /orders/status/batch` with `x-on-behalf-of`: what became of 1
    /// to [`MAX_ORDER_STATUS_BATCH`](limitless_types::limits::MAX_ORDER_STATUS_BATCH)
    /// of a sub-account's orders, each by id or client order id; one typed
    /// result per item ([`OrderStatus::lookup`](limitless_types::orders::OrderStatus::lookup)).
    /// A read, retried like one.
    pub fn order_status_batch(
        &self,
        items: &[CancelTarget],
        on_behalf_of: i64,
    ) -> Call<OrderStatusBatch> {
        self.http.call(ops::orders::order_status_batch_on_behalf_of(
            items,
            on_behalf_of,
        ))
    }

    /// `POST /orders/cancel?onBehalfOf={id}`: cancels a sub-account's
    /// order by id or client order id. Retried as
    /// [`cancel`](Self::cancel) is.
    pub fn cancel_order(&self, target: &CancelTarget, on_behalf_of: i64) -> Call<String> {
        self.http
            .call(ops::orders::cancel_order_on_behalf_of(target, on_behalf_of))
    }

    /// `POST /orders/batch-cancel?onBehalfOf={id}`: cancels up to
    /// [`MAX_CANCEL_BATCH`](limitless_types::limits::MAX_CANCEL_BATCH) of a
    /// sub-account's orders, all by id or all by client order id. A 207
    /// (some not cancelled) is a result: see
    /// [`CancelBatchResponse::is_partial`].
    pub fn batch_cancel(
        &self,
        request: &BatchCancelRequest,
        on_behalf_of: i64,
    ) -> Call<CancelBatchResponse> {
        self.http.call(ops::orders::batch_cancel_on_behalf_of(
            request,
            on_behalf_of,
        ))
    }

    /// `POST /orders/cancel-replace`: cancels an order and places a
    /// replacement for the same sub-account. An HTTP 409 carries a result
    /// (e.g. the cancel failed) and is decoded, not returned as an error.
    /// Not idempotent.
    pub fn cancel_replace(
        &self,
        params: &DelegatedCancelReplaceParams,
    ) -> Call<CancelReplaceResult> {
        self.deferred("cancel_replace", params.prepare(), replace)
    }

    /// `POST /orders/cancel-replace/batch`: 1 to
    /// [`MAX_CANCEL_REPLACE_BATCH`](limitless_types::limits::MAX_CANCEL_REPLACE_BATCH)
    /// cancel-replace operations at once. HTTP 207 (some operations failed)
    /// is a success; inspect each result. Not idempotent.
    pub fn cancel_replace_batch(
        &self,
        operations: &[DelegatedCancelReplaceParams],
    ) -> Call<CancelReplaceBatchResponse> {
        self.deferred(
            "cancel_replace_batch",
            ops::orders::prepare_batch(operations, DelegatedCancelReplaceParams::prepare),
            replace_batch,
        )
    }

    /// What became of orders whose outcome is unknown: for each, whether it
    /// was placed (with the order), not placed, or is still unknown (the
    /// lookup failed). Orders with a client order id (every order, unless
    /// its caller opted out) are looked up exactly by
    /// `POST /orders/status/batch`, one request per sub-account and 50
    /// orders; the others among their sub-accounts' orders on their
    /// markets (`GET /markets/{slug}/user-orders`, by salt). It never
    /// sends an order.
    ///
    /// ```no_run
    /// use limitless_client::{Client, CreateDelegatedOrderParams, Error, OrderResponse};
    ///
    /// # async fn demo(client: &Client, order: CreateDelegatedOrderParams) -> Result<(), Error> {
    /// // Fix the salt, so the order can be found and sent again unchanged.
    /// let order = order.salt(1_770_000_000_000_001);
    /// let placed: Option<OrderResponse> = match client.delegated_orders.create_order(&order).await {
    ///     Ok(placed) => Some(placed),
    ///     Err(error) if error.is_outcome_unknown() => {
    ///         let found = client.delegated_orders.reconcile(error.sent_orders()).await;
    ///         if found[0].is_not_placed() {
    ///             // Known not placed: the very same order (same salt) is safe to send.
    ///             Some(client.delegated_orders.create_order(&order).await?)
    ///         } else {
    ///             None // placed (found[0].placed()), or still unknown: look again later
    ///         }
    ///     }
    ///     Err(error) => return Err(error),
    /// };
    /// # let _ = placed; Ok(()) }
    /// ```
    pub async fn reconcile(&self, orders: &[SentOrder]) -> Vec<Reconciliation> {
        reconcile(&self.http, orders).await
    }

    /// A call checked now (expirations against the client's clock
    /// included) that, when it runs, learns the venues of its markets (from
    /// the cache, else one shared market read each) and builds its request
    /// with `build` at the client clock's time.
    fn deferred<P, T>(
        &self,
        operation: &'static str,
        prepared: Result<P, Error>,
        build: Build<P, T>,
    ) -> Call<T>
    where
        P: Prepared,
        T: Send + 'static,
    {
        let now = self.http.clock().now();
        let prepared = prepared.and_then(|prepared| {
            prepared.check_expiration(now)?;
            Ok(prepared)
        });
        let resolver = prepared.map(|prepared| -> Resolver<T> {
            Box::new(move |http: HttpClient| {
                Box::pin(async move {
                    // Before the venue read: the order's own requirement.
                    http.authorize(&Auth::Credentials, operation)?;
                    let mut venues = Vec::new();
                    for slug in prepared.markets() {
                        let collateral_fee = collateral_fee(&http, &slug).await?;
                        venues.push((slug, collateral_fee));
                    }
                    let lookup = |slug: &str| {
                        venues
                            .iter()
                            .find(|(known, _)| known == slug)
                            .and_then(|(_, fee)| *fee)
                    };
                    build(&prepared, &lookup, http.clock().now())
                })
            })
        });
        Call::deferred(self.http.clone(), resolver)
    }
}

/// An order operation checked before any I/O, whose request waits for its
/// markets' venues.
trait Prepared: Send + 'static {
    /// The markets whose venues decide the fees.
    fn markets(&self) -> Vec<String>;

    /// Refuses an order that would already have expired at `now`.
    fn check_expiration(&self, now: SystemTime) -> Result<(), Error>;
}

impl Prepared for PreparedOrder {
    fn markets(&self) -> Vec<String> {
        vec![self.market_slug.clone()]
    }

    fn check_expiration(&self, now: SystemTime) -> Result<(), Error> {
        self.expiration_at(now).map(drop)
    }
}

impl Prepared for PreparedCancelReplace {
    fn markets(&self) -> Vec<String> {
        self.replacement.markets()
    }

    fn check_expiration(&self, now: SystemTime) -> Result<(), Error> {
        self.replacement
            .check_expiration(now)
            .map_err(|error| error.within("replacement"))
    }
}

impl Prepared for Vec<PreparedCancelReplace> {
    fn markets(&self) -> Vec<String> {
        self.iter().flat_map(Prepared::markets).collect()
    }

    fn check_expiration(&self, now: SystemTime) -> Result<(), Error> {
        self.iter().enumerate().try_for_each(|(index, operation)| {
            operation
                .check_expiration(now)
                .map_err(|error| error.within(&format!("operations[{index}]")))
        })
    }
}

/// Builds an order operation from what was prepared, the markets' venues
/// and the time.
type Build<P, T> = fn(&P, &dyn Fn(&str) -> Option<bool>, SystemTime) -> Result<Operation<T>, Error>;

fn create(
    order: &PreparedOrder,
    venues: &dyn Fn(&str) -> Option<bool>,
    now: SystemTime,
) -> Result<Operation<OrderResponse>, Error> {
    ops::orders::create_prepared(order, venues(&order.market_slug), now)
}

fn replace(
    operation: &PreparedCancelReplace,
    venues: &dyn Fn(&str) -> Option<bool>,
    now: SystemTime,
) -> Result<Operation<CancelReplaceResult>, Error> {
    ops::orders::cancel_replace_prepared(operation, venues(&operation.replacement.market_slug), now)
}

// A `Build` of `Vec<_>` takes `&Vec<_>`.
#[expect(clippy::ptr_arg)]
fn replace_batch(
    batch: &Vec<PreparedCancelReplace>,
    venues: &dyn Fn(&str) -> Option<bool>,
    now: SystemTime,
) -> Result<Operation<CancelReplaceBatchResponse>, Error> {
    ops::orders::cancel_replace_batch_prepared(batch, venues, now)
}

/// Whether `slug`'s venue charges its fee in collateral: from the venue
/// cache, else from `GET /markets/{slug}` (concurrent orders on the market
/// share that one read; no lock is held during it). `None`: the market
/// has no venue.
async fn collateral_fee(http: &HttpClient, slug: &str) -> Result<Option<bool>, Error> {
    http.venues()
        .collateral_fee_or_lookup(slug, || async {
            let market = http.run(ops::markets::get_market_venue(slug)?).await?.data;
            // An empty exchange is no venue.
            Ok(market.venue.filter(|venue| !venue.exchange.is_empty()))
        })
        .await
}
