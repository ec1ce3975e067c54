//! [`OrderService`]: orders sent through the client, for a partner's
//! sub-accounts ([`DelegatedOrderService`], `client.delegated_orders`) or
//! signed client-side ([`SignedOrderService`], `client.signed_orders(..)`).
//!
//! One pipeline for both: the params are checked when the call is made
//! ([`ops::orders`]); when it runs, one async step learns what the order
//! needs from the API — its market's venue (from the client's venue cache,
//! else one shared market read) and, for a self-signed order, the signer's
//! profile (read once per service) — then the order is settled, signed if
//! it is the signer's own, and sent.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use limitless_eip712::OrderSigner;
use limitless_types::markets::Venue;
use limitless_types::orders::{
    BatchCancelRequest, CancelBatchResponse, CancelReplaceBatchResponse, CancelReplaceResult,
    CancelTarget, OrderResponse, OrderStatusBatch,
};
use limitless_types::portfolio::UserProfile;
use tokio::sync::OnceCell;

use super::reconcile::{Reconciliation, reconcile_owned};
use crate::call::Resolver;
use crate::error::SentOrder;
use crate::ops::orders::{
    CancelReplaceParams, CreateOrderParams, OrderOwner, PreparedCancelReplace, PreparedOrder,
    Settled, SignerAccount, SignerProfile, SubAccount,
};
use crate::ops::{self, Auth, Operation};
use crate::{Call, Error, HttpClient};

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
pub type DelegatedOrderService = OrderService<SubAccount>;

/// Orders signed client-side (PROTOCOL §2.7): GTC, FAK and FOK orders, each
/// signed with EIP-712 by the [`OrderSigner`] under its market's venue
/// exchange, sent with the signer's own `ownerId` and no `onBehalfOf`.
/// Made by [`Client::signed_orders`](crate::Client::signed_orders) (the
/// credentials' owner signs) or
/// [`Client::sub_account_signed_orders`](crate::Client::sub_account_signed_orders)
/// (an EOA sub-account signs).
///
/// Every argument is checked when the call is made, before any I/O. When
/// the first order runs, the signer's profile is read once (concurrent
/// orders share that read) and kept by this service and its clones; each
/// market's venue comes from the client's venue cache. The fee: 0 on a
/// collateral-fee venue, else the order's, else the profile rank's, else
/// 300. Orders are never sent twice once they may have reached the server
/// (see [`Error::OutcomeUnknown`]).
pub type SignedOrderService = OrderService<SignerProfile>;

/// The order service, for orders owned by `O`: a [`SubAccount`]
/// ([`DelegatedOrderService`]) or the [`SignerProfile`]
/// ([`SignedOrderService`]).
pub struct OrderService<O: OrderOwner> {
    http: HttpClient,
    /// The signer of self-signed orders; `None` for delegated ones (the
    /// exchange signs). The constructors keep it in step with `O`.
    signing: Option<Signing>,
    _owner: PhantomData<fn() -> O>,
}

impl<O: OrderOwner> Clone for OrderService<O> {
    fn clone(&self) -> Self {
        Self {
            http: self.http.clone(),
            signing: self.signing.clone(),
            _owner: PhantomData,
        }
    }
}

impl<O: OrderOwner> fmt::Debug for OrderService<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OrderService")
            .field("http", &self.http)
            .field("signing", &self.signing)
            .finish()
    }
}

/// The signer of self-signed orders and its profile, read once.
#[derive(Clone, Debug)]
struct Signing {
    signer: Arc<dyn OrderSigner>,
    source: ProfileSource,
    profile: Arc<OnceCell<UserProfile>>,
}

/// Where the signer's profile (its id is the orders' `ownerId`, its rank
/// the default fee) is read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ProfileSource {
    /// `GET /profiles/me`: the credentials' owner signs its own orders.
    Me,
    /// `GET /profiles/{signer address}`: an EOA sub-account of the
    /// credentials' owner signs its orders.
    SignerAddress,
}

/// The names of the three order-carrying operations, delegated and
/// self-signed (errors and traces name them).
struct Names {
    delegated: &'static str,
    signed: &'static str,
}

const CREATE: Names = Names {
    delegated: "create_order",
    signed: "create_signed_order",
};
const REPLACE: Names = Names {
    delegated: "cancel_replace",
    signed: "cancel_replace_signed",
};
const REPLACE_BATCH: Names = Names {
    delegated: "cancel_replace_batch",
    signed: "cancel_replace_batch_signed",
};

/// Where an order sits in what a call sends, for the field paths of its
/// errors: `replacement.price`, `operations[1].replacement.price`.
#[derive(Clone, Copy, Debug)]
struct Position {
    index: Option<usize>,
    replacement: bool,
}

impl Position {
    const ORDER: Self = Self {
        index: None,
        replacement: false,
    };

    fn wrap(self, error: Error) -> Error {
        let error = if self.replacement {
            error.within("replacement")
        } else {
            error
        };
        match self.index {
            Some(index) => error.within(&format!("operations[{index}]")),
            None => error,
        }
    }
}

/// The orders a call carries, each with its position.
type Orders<P> = fn(&P) -> Vec<(Position, &PreparedOrder)>;

/// Builds a call's request once its orders are settled (one per order, in
/// the order [`Orders`] lists them).
type Build<P, T> = fn(&P, Vec<Settled>) -> Result<Operation<T>, Error>;

impl DelegatedOrderService {
    pub(crate) fn new(http: HttpClient) -> Self {
        Self {
            http,
            signing: None,
            _owner: PhantomData,
        }
    }
}

impl SignedOrderService {
    /// Orders signed by `signer`: the credentials' owner's (`me`) or an EOA
    /// sub-account's.
    pub(crate) fn new(http: HttpClient, signer: Arc<dyn OrderSigner>, me: bool) -> Self {
        let source = if me {
            ProfileSource::Me
        } else {
            ProfileSource::SignerAddress
        };
        Self {
            http,
            signing: Some(Signing {
                signer,
                source,
                profile: Arc::new(OnceCell::new()),
            }),
            _owner: PhantomData,
        }
    }
}

impl<O: OrderOwner> OrderService<O> {
    /// `POST /orders`: places a GTC, FAK or FOK order (signed here when it
    /// is the signer's own). Not idempotent. See
    /// [`ops::orders::create_order`] and
    /// [`ops::signed_orders::create_order`].
    pub fn create_order(&self, params: &CreateOrderParams<O>) -> Call<OrderResponse> {
        self.submit(
            CREATE,
            params.prepare(),
            |order| vec![(Position::ORDER, order)],
            create,
        )
    }

    /// `POST /orders/cancel-replace`: cancels an order and places a
    /// replacement for the same owner. An HTTP 409 carries a result (e.g.
    /// the cancel failed) and is decoded, not returned as an error. Not
    /// idempotent.
    pub fn cancel_replace(&self, params: &CancelReplaceParams<O>) -> Call<CancelReplaceResult> {
        self.submit(REPLACE, params.prepare(), replacement, replace)
    }

    /// `POST /orders/cancel-replace/batch`: 1 to
    /// [`MAX_CANCEL_REPLACE_BATCH`](limitless_types::limits::MAX_CANCEL_REPLACE_BATCH)
    /// cancel-replace operations at once. HTTP 207 (some operations failed)
    /// is a success; inspect each result. Not idempotent.
    pub fn cancel_replace_batch(
        &self,
        operations: &[CancelReplaceParams<O>],
    ) -> Call<CancelReplaceBatchResponse> {
        self.submit(
            REPLACE_BATCH,
            ops::orders::prepare_batch(operations),
            replacements,
            replace_batch,
        )
    }

    /// `DELETE /orders/{orderId}`: cancels one of your orders (for a
    /// sub-account's signer, with `?onBehalfOf=` its profile id, read once
    /// as for its orders); returns the API's message. Retried like a read:
    /// cancelling one order twice cancels nothing more (a retry after a
    /// first attempt that did cancel may be answered that the order is
    /// already cancelled or not found).
    pub fn cancel(&self, order_id: &str) -> Call<String> {
        let order_id = order_id.to_owned();
        self.on_own_orders(ops::orders::cancel(&order_id), move |owner| {
            ops::orders::cancel_on_behalf_of(&order_id, owner)
        })
    }

    /// `DELETE /orders/all/{marketSlug}`: cancels all your orders on a
    /// market (for a sub-account's signer, with `?onBehalfOf=` its profile
    /// id). Never sent again once it may have reached the server (a late
    /// repeat would also cancel orders placed in the meantime): such a
    /// failure is [`Error::OutcomeUnknown`]. Orders it could not cancel
    /// (the API's 207) are listed in the result, not an error: see
    /// [`CancelBatchResponse::is_partial`].
    pub fn cancel_all(&self, market_slug: &str) -> Call<CancelBatchResponse> {
        let market_slug = market_slug.to_owned();
        self.on_own_orders(ops::orders::cancel_all(&market_slug), move |owner| {
            ops::orders::cancel_all_on_behalf_of(&market_slug, owner)
        })
    }

    /// What became of orders whose outcome is unknown: for each, whether it
    /// was placed (with the order), not placed, or is still unknown (the
    /// lookup failed). Orders with a client order id (every order, unless
    /// its caller opted out) are looked up exactly by
    /// `POST /orders/status/batch`, one request per owner and 50 orders;
    /// the others among their owners' orders on their markets
    /// (`GET /markets/{slug}/user-orders`, by salt). It never sends an
    /// order.
    ///
    /// ```no_run
    /// use limitless_client::{Client, CreateDelegatedOrderParams, Error};
    /// use limitless_client::types::orders::OrderResponse;
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
        // The credentials' own orders are read without `onBehalfOf`.
        let own = match &self.signing {
            Some(signing) if signing.source == ProfileSource::Me => {
                self.signer_profile(signing).await.ok().map(|p| p.id)
            }
            _ => None,
        };
        reconcile_owned(&self.http, orders, own).await
    }

    /// A call checked now (expirations against the client's clock
    /// included) that, when it runs, learns what its orders need — the
    /// signer's profile for self-signed orders, each market's venue — then
    /// settles (and signs) them and builds its request with `build`.
    fn submit<P, T>(
        &self,
        names: Names,
        prepared: Result<P, Error>,
        orders: Orders<P>,
        build: Build<P, T>,
    ) -> Call<T>
    where
        P: Send + Sync + 'static,
        T: Send + 'static,
    {
        let now = self.http.clock().now();
        let prepared = prepared.and_then(|prepared| {
            for (position, order) in orders(&prepared) {
                order
                    .expiration_at(now)
                    .map_err(|error| position.wrap(error))?;
            }
            Ok(prepared)
        });
        let operation = match self.signing {
            None => names.delegated,
            Some(_) => names.signed,
        };
        let service = self.clone();
        let resolver = prepared.map(|prepared| -> Resolver<T> {
            Box::new(move |http: HttpClient| {
                Box::pin(async move {
                    // Before any read: the order's own requirement.
                    http.authorize(&Auth::Credentials, operation)?;
                    let account = service.signer_account().await?;
                    let orders = orders(&prepared);
                    let mut venues = Vec::with_capacity(orders.len());
                    for (position, order) in &orders {
                        let found = venue(&http, &order.market_slug)
                            .await
                            .map_err(|error| position.wrap(error))?;
                        venues.push(found);
                    }
                    let now = http.clock().now();
                    let mut settled = Vec::with_capacity(orders.len());
                    for ((position, order), venue) in orders.iter().zip(&venues) {
                        let order = order
                            .settle(account.as_ref(), venue.as_ref(), now)
                            .await
                            .map_err(|error| position.wrap(error))?;
                        settled.push(order);
                    }
                    build(&prepared, settled)
                })
            })
        });
        Call::deferred(self.http.clone(), resolver)
    }

    /// The signer and its profile, for self-signed orders; `None` for
    /// delegated ones.
    async fn signer_account(&self) -> Result<Option<SignerAccount>, Error> {
        let Some(signing) = &self.signing else {
            return Ok(None);
        };
        let profile = self.signer_profile(signing).await?;
        Ok(Some(SignerAccount {
            signer: Arc::clone(&signing.signer),
            profile_id: profile.id,
            rank_fee: profile.rank.and_then(|rank| rank.fee_rate_bps),
        }))
    }

    /// The signer's profile, read once per service (single flight:
    /// concurrent first orders wait for one read; a failed read is not
    /// kept).
    async fn signer_profile(&self, signing: &Signing) -> Result<UserProfile, Error> {
        signing
            .profile
            .get_or_try_init(|| async {
                let operation = match signing.source {
                    ProfileSource::Me => ops::portfolio::get_current_profile()?,
                    ProfileSource::SignerAddress => {
                        ops::portfolio::get_profile(&signing.signer.address().to_checksum())?
                    }
                };
                Ok(self.http.run(operation).await?.data)
            })
            .await
            .cloned()
    }

    /// `own` for the credentials' own orders (delegated, or signed by the
    /// credentials' owner); for a sub-account's signer, `on_behalf_of` its
    /// profile: the partner's plain cancel reaches only the partner's own
    /// orders. `own` is checked now either way.
    fn on_own_orders<T: Send + 'static>(
        &self,
        own: Result<Operation<T>, Error>,
        on_behalf_of: impl FnOnce(i64) -> Result<Operation<T>, Error> + Send + 'static,
    ) -> Call<T> {
        let sub_account_signer = self
            .signing
            .as_ref()
            .is_some_and(|signing| signing.source == ProfileSource::SignerAddress);
        if !sub_account_signer || own.is_err() {
            return self.http.call(own);
        }
        let service = self.clone();
        let resolver: Resolver<T> = Box::new(move |_http| {
            Box::pin(async move {
                let Some(signing) = &service.signing else {
                    return Err(Error::internal("a sub-account's signer is gone"));
                };
                on_behalf_of(service.signer_profile(signing).await?.id)
            })
        });
        Call::deferred(self.http.clone(), Ok(resolver))
    }
}

impl DelegatedOrderService {
    /// `DELETE /orders/{orderId}?onBehalfOf={id}`: cancels a sub-account's
    /// order. Retried as [`cancel`](Self::cancel) is.
    pub fn cancel_on_behalf_of(&self, order_id: &str, on_behalf_of: i64) -> Call<String> {
        self.http
            .call(ops::orders::cancel_on_behalf_of(order_id, on_behalf_of))
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
}

impl SignedOrderService {
    /// The signer's address (EIP-55), the orders' maker and signer.
    pub fn address(&self) -> String {
        self.signing
            .as_ref()
            .map(|signing| signing.signer.address().to_checksum())
            .unwrap_or_default()
    }

    /// The signer's profile: read on first use (`GET /profiles/me`, or
    /// `GET /profiles/{address}` for a sub-account's signer), then cached.
    ///
    /// # Errors
    ///
    /// The read's error; the next call reads again.
    pub async fn profile(&self) -> Result<UserProfile, Error> {
        let Some(signing) = &self.signing else {
            return Err(Error::internal("a signed order service has no signer"));
        };
        self.signer_profile(signing).await
    }

    /// `POST /orders/status/batch`: what became of 1 to
    /// [`MAX_ORDER_STATUS_BATCH`](limitless_types::limits::MAX_ORDER_STATUS_BATCH)
    /// of the signer's orders, by id or client order id (for a
    /// sub-account's signer, with `x-on-behalf-of` its profile id). A read.
    pub fn order_status_batch(&self, items: &[CancelTarget]) -> Call<OrderStatusBatch> {
        let items = items.to_vec();
        self.on_own_orders(ops::orders::order_status_batch(&items), move |owner| {
            ops::orders::order_status_batch_on_behalf_of(&items, owner)
        })
    }

    /// `POST /orders/cancel`: cancels one of the signer's orders by id or
    /// client order id (for a sub-account's signer, with `?onBehalfOf=`).
    /// Retried like a read.
    pub fn cancel_order(&self, target: &CancelTarget) -> Call<String> {
        let target = target.clone();
        self.on_own_orders(ops::orders::cancel_order(&target), move |owner| {
            ops::orders::cancel_order_on_behalf_of(&target, owner)
        })
    }

    /// `POST /orders/batch-cancel`: cancels up to
    /// [`MAX_CANCEL_BATCH`](limitless_types::limits::MAX_CANCEL_BATCH) of
    /// the signer's orders, all by id or all by client order id. A 207 is a
    /// result: see [`CancelBatchResponse::is_partial`].
    pub fn batch_cancel(&self, request: &BatchCancelRequest) -> Call<CancelBatchResponse> {
        let request = request.clone();
        self.on_own_orders(ops::orders::batch_cancel(&request), move |owner| {
            ops::orders::batch_cancel_on_behalf_of(&request, owner)
        })
    }
}

/// `slug`'s venue, from the client's cache or one shared market read;
/// `None` for a market without one (an empty exchange is no venue).
async fn venue(http: &HttpClient, slug: &str) -> Result<Option<Venue>, Error> {
    http.venues()
        .venue_or_lookup(slug, || async {
            let market = http.run(ops::markets::get_market_venue(slug)?).await?.data;
            Ok(market.venue.filter(|venue| !venue.exchange.is_empty()))
        })
        .await
}

/// The replacement of a cancel-replace.
fn replacement(operation: &PreparedCancelReplace) -> Vec<(Position, &PreparedOrder)> {
    let position = Position {
        index: None,
        replacement: true,
    };
    vec![(position, &operation.replacement)]
}

/// The replacements of a batch of cancel-replaces.
// An `Orders` of `Vec<_>` takes `&Vec<_>`.
#[expect(clippy::ptr_arg)]
fn replacements(operations: &Vec<PreparedCancelReplace>) -> Vec<(Position, &PreparedOrder)> {
    operations
        .iter()
        .enumerate()
        .map(|(index, operation)| {
            let position = Position {
                index: Some(index),
                replacement: true,
            };
            (position, &operation.replacement)
        })
        .collect()
}

/// The one settled order of a create or a cancel-replace.
fn single(settled: Vec<Settled>) -> Result<Settled, Error> {
    let mut settled = settled.into_iter();
    match (settled.next(), settled.next()) {
        (Some(order), None) => Ok(order),
        _ => Err(Error::internal("one order was expected")),
    }
}

fn create(order: &PreparedOrder, settled: Vec<Settled>) -> Result<Operation<OrderResponse>, Error> {
    match single(settled)? {
        Settled::Delegated(finished) => ops::orders::create_finished(order, finished),
        Settled::Signed(finished) => {
            ops::signed_orders::create_order(&order.signed_request(finished))
        }
    }
}

fn replace(
    operation: &PreparedCancelReplace,
    settled: Vec<Settled>,
) -> Result<Operation<CancelReplaceResult>, Error> {
    match single(settled)? {
        Settled::Delegated(finished) => ops::orders::cancel_replace_finished(operation, finished),
        Settled::Signed(finished) => {
            ops::signed_orders::cancel_replace(&operation.request(finished))
        }
    }
}

// A `Build` of `Vec<_>` takes `&Vec<_>`.
#[expect(clippy::ptr_arg)]
fn replace_batch(
    operations: &Vec<PreparedCancelReplace>,
    settled: Vec<Settled>,
) -> Result<Operation<CancelReplaceBatchResponse>, Error> {
    let mut delegated = Vec::with_capacity(settled.len());
    let mut signed = Vec::with_capacity(settled.len());
    for (operation, order) in operations.iter().zip(settled) {
        match order {
            Settled::Delegated(finished) => delegated.push(finished),
            Settled::Signed(finished) => signed.push(operation.request(finished)),
        }
    }
    match (delegated.is_empty(), signed.is_empty()) {
        (false, true) => ops::orders::cancel_replace_batch_finished(operations, delegated),
        (true, false) => ops::signed_orders::cancel_replace_batch(&signed),
        _ => Err(Error::internal(
            "a cancel-replace batch mixes owners or is empty",
        )),
    }
}
