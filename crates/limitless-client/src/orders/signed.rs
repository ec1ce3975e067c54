//! [`SignedOrderService`]: orders signed client-side through an
//! [`OrderSigner`], with the signer's profile read once and each market's
//! venue from the client's shared cache.

use std::sync::Arc;
use std::time::SystemTime;

use limitless_eip712::{OrderDomain, OrderSigner, OrderSignerExt};
use limitless_types::markets::Venue;
use limitless_types::orders::{
    BatchCancelRequest, CancelBatchResponse, CancelReplaceBatchResponse, CancelReplaceRequest,
    CancelReplaceResult, CancelTarget, CreateSignedOrderRequest, DEFAULT_FEE_RATE_BPS,
    OrderResponse, OrderStatusBatch, ReplacementOrder, SignedOrder,
};
use limitless_types::portfolio::UserProfile;
use tokio::sync::OnceCell;

use super::prepare::{PreparedCancelReplace, PreparedOrder};
use super::reconcile::{Reconciliation, reconcile_owned};
use super::signed_params::{CreateSignedOrderParams, SignedCancelReplaceParams};
use crate::call::Resolver;
use crate::error::SentOrder;
use crate::ops::{self, Auth, Operation};
use crate::{Call, Error, HttpClient};

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
#[derive(Clone, Debug)]
pub struct SignedOrderService {
    http: HttpClient,
    signer: Arc<dyn OrderSigner>,
    source: ProfileSource,
    profile: Arc<OnceCell<UserProfile>>,
}

impl SignedOrderService {
    pub(crate) fn new(http: HttpClient, signer: Arc<dyn OrderSigner>, me: bool) -> Self {
        Self {
            http,
            signer,
            source: if me {
                ProfileSource::Me
            } else {
                ProfileSource::SignerAddress
            },
            profile: Arc::new(OnceCell::new()),
        }
    }

    /// The signer's address (EIP-55), the orders' maker and signer.
    pub fn address(&self) -> String {
        self.signer.address().to_checksum()
    }

    /// The signer's profile: read on first use (`GET /profiles/me`, or
    /// `GET /profiles/{address}` for a sub-account's signer), then cached.
    ///
    /// # Errors
    ///
    /// The read's error; the next call reads again.
    pub async fn profile(&self) -> Result<UserProfile, Error> {
        profile(&self.http, &*self.signer, self.source, &self.profile).await
    }

    /// `POST /orders`: signs and places a GTC, FAK or FOK order. Not
    /// idempotent. See [`ops::signed_orders::create_order`].
    pub fn create_order(&self, params: &CreateSignedOrderParams) -> Call<OrderResponse> {
        let prepared = params.prepare();
        self.deferred("create_signed_order", prepared, |ctx, order| {
            Box::pin(async move {
                let owner_id = ctx.owner_id;
                let signed = ctx.sign(&order).await?;
                ops::signed_orders::create_order(&CreateSignedOrderRequest {
                    order: signed.order,
                    order_type: order.order_type,
                    market_slug: order.market_slug.clone(),
                    owner_id,
                    post_only: order.post_only.then_some(true),
                    client_order_id: order.client_order_id.clone(),
                    timestamp: signed.timestamp,
                    recv_window: signed.recv_window,
                    stp_policy: order.stp_policy,
                })
            })
        })
    }

    /// `DELETE /orders/{orderId}`: cancels one of the signer's orders;
    /// retried like a read. For a sub-account's signer, with
    /// `?onBehalfOf=` its profile id (read once, as for its orders).
    pub fn cancel(&self, order_id: &str) -> Call<String> {
        let order_id = order_id.to_owned();
        self.on_own_orders(ops::orders::cancel(&order_id), move |owner| {
            ops::orders::cancel_on_behalf_of(&order_id, owner)
        })
    }

    /// `DELETE /orders/all/{marketSlug}`: cancels all the signer's orders
    /// on a market (for a sub-account's signer, with `?onBehalfOf=` its
    /// profile id). Never sent again once it may have reached the server.
    /// Orders it could not cancel (the API's 207) are listed in the
    /// result: see [`CancelBatchResponse::is_partial`].
    pub fn cancel_all(&self, market_slug: &str) -> Call<CancelBatchResponse> {
        let market_slug = market_slug.to_owned();
        self.on_own_orders(ops::orders::cancel_all(&market_slug), move |owner| {
            ops::orders::cancel_all_on_behalf_of(&market_slug, owner)
        })
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

    /// `own` when the credentials' owner signs; for a sub-account's signer,
    /// `on_behalf_of` its profile: the partner's plain cancel reaches only
    /// the partner's own orders. `own` is checked now either way.
    fn on_own_orders<T: Send + 'static>(
        &self,
        own: Result<Operation<T>, Error>,
        on_behalf_of: impl FnOnce(i64) -> Result<Operation<T>, Error> + Send + 'static,
    ) -> Call<T> {
        if self.source == ProfileSource::Me || own.is_err() {
            return self.http.call(own);
        }
        let service = self.clone();
        let resolver: Resolver<T> = Box::new(move |_http| {
            Box::pin(async move { on_behalf_of(service.profile().await?.id) })
        });
        Call::deferred(self.http.clone(), Ok(resolver))
    }

    /// `POST /orders/cancel-replace`: cancels an order and places a signed
    /// replacement. An HTTP 409 carries a result and is decoded. Not
    /// idempotent.
    pub fn cancel_replace(&self, params: &SignedCancelReplaceParams) -> Call<CancelReplaceResult> {
        let prepared = params.prepare().map(|operation| vec![operation]);
        self.deferred("cancel_replace_signed", prepared, |ctx, operations| {
            Box::pin(async move {
                let body = ctx.replace(&operations[0]).await?;
                ops::signed_orders::cancel_replace(&body)
            })
        })
    }

    /// `POST /orders/cancel-replace/batch`: 1 to
    /// [`MAX_CANCEL_REPLACE_BATCH`](limitless_types::limits::MAX_CANCEL_REPLACE_BATCH) signed cancel-replaces at once. HTTP 207
    /// (some failed) is a success. Not idempotent.
    pub fn cancel_replace_batch(
        &self,
        operations: &[SignedCancelReplaceParams],
    ) -> Call<CancelReplaceBatchResponse> {
        let prepared = ops::orders::prepare_batch(operations, SignedCancelReplaceParams::prepare);
        self.deferred(
            "cancel_replace_batch_signed",
            prepared,
            |ctx, operations| {
                Box::pin(async move {
                    let mut bodies = Vec::with_capacity(operations.len());
                    for (index, operation) in operations.iter().enumerate() {
                        let body = ctx
                            .replace(operation)
                            .await
                            .map_err(|error| error.within(&format!("operations[{index}]")))?;
                        bodies.push(body);
                    }
                    ops::signed_orders::cancel_replace_batch(&bodies)
                })
            },
        )
    }

    /// What became of orders whose outcome is unknown: by client order id
    /// through `POST /orders/status/batch` (one request per 50 orders),
    /// else by salt among the signer's orders on their markets; never
    /// sends an order.
    pub async fn reconcile(&self, orders: &[SentOrder]) -> Vec<Reconciliation> {
        // The credentials' own orders are read without `onBehalfOf`.
        let own = match self.source {
            ProfileSource::Me => self.profile().await.ok().map(|profile| profile.id),
            ProfileSource::SignerAddress => None,
        };
        reconcile_owned(&self.http, orders, own).await
    }

    /// A call checked now (expirations against the client's clock
    /// included) that, when it runs, learns the profile and the venues and
    /// builds its request with `build`.
    fn deferred<P, T>(
        &self,
        operation: &'static str,
        prepared: Result<P, Error>,
        build: Build<P, T>,
    ) -> Call<T>
    where
        P: Orders,
        T: Send + 'static,
    {
        let now = self.http.clock().now();
        let prepared = prepared.and_then(|prepared| {
            prepared.check_expiration(now)?;
            Ok(prepared)
        });
        let service = self.clone();
        let resolver = prepared.map(|prepared| -> Resolver<T> {
            Box::new(move |http: HttpClient| {
                Box::pin(async move {
                    http.authorize(&Auth::Credentials, operation)?;
                    let profile = service.profile().await?;
                    let ctx = Context {
                        http,
                        signer: service.signer,
                        owner_id: profile.id,
                        rank_fee: profile.rank.and_then(|rank| rank.fee_rate_bps),
                    };
                    build(ctx, prepared).await
                })
            })
        });
        Call::deferred(self.http.clone(), resolver)
    }
}

/// Builds an operation from what was prepared, once the profile is known.
type Build<P, T> =
    fn(Context, P) -> futures_util::future::BoxFuture<'static, Result<Operation<T>, Error>>;

/// What is known when a call runs: the signer, its profile.
struct Context {
    http: HttpClient,
    signer: Arc<dyn OrderSigner>,
    owner_id: i64,
    rank_fee: Option<u32>,
}

/// A signed order and its receive window.
struct Signed {
    order: SignedOrder,
    timestamp: Option<u64>,
    recv_window: Option<u64>,
}

impl Context {
    /// Finishes `order` on its market's venue at the client clock's time
    /// and signs it under that venue's exchange.
    async fn sign(&self, order: &PreparedOrder) -> Result<Signed, Error> {
        let venue = venue(&self.http, &order.market_slug).await?;
        let mut order = order.clone();
        order.owner_id = self.owner_id;
        order.fee_rate_bps = Some(
            order
                .fee_rate_bps
                .or(self.rank_fee)
                .unwrap_or(DEFAULT_FEE_RATE_BPS),
        );
        let finished = order.finish(Some(venue.is_collateral_fee()), self.http.clock().now())?;
        let mut unsigned = finished.order;
        let address = self.signer.address().to_checksum();
        unsigned.maker.clone_from(&address);
        unsigned.signer = address;
        let domain = OrderDomain::for_venue(&venue)?;
        let signed = self.signer.sign_order(&unsigned, &domain).await?;
        Ok(Signed {
            order: signed,
            timestamp: finished.timestamp,
            recv_window: finished.recv_window,
        })
    }

    /// The body of one signed cancel-replace.
    async fn replace(
        &self,
        operation: &PreparedCancelReplace,
    ) -> Result<CancelReplaceRequest<SignedOrder>, Error> {
        let replacement = &operation.replacement;
        let signed = self
            .sign(replacement)
            .await
            .map_err(|error| error.within("replacement"))?;
        Ok(CancelReplaceRequest {
            cancel: operation.cancel.clone(),
            replacement: ReplacementOrder {
                order: signed.order,
                order_type: replacement.order_type,
                market_slug: replacement.market_slug.clone(),
                owner_id: self.owner_id,
                post_only: replacement.post_only.then_some(true),
                client_order_id: operation.client_order_id.clone(),
                timestamp: signed.timestamp,
                recv_window: signed.recv_window,
                stp_policy: operation.stp_policy,
            },
            mode: operation.mode,
            on_behalf_of: None,
        })
    }
}

/// Orders checked before any I/O.
trait Orders: Send + 'static {
    /// Refuses an order that would already have expired at `now`.
    fn check_expiration(&self, now: SystemTime) -> Result<(), Error>;
}

impl Orders for PreparedOrder {
    fn check_expiration(&self, now: SystemTime) -> Result<(), Error> {
        self.expiration_at(now).map(drop)
    }
}

impl Orders for Vec<PreparedCancelReplace> {
    fn check_expiration(&self, now: SystemTime) -> Result<(), Error> {
        let single = self.len() == 1;
        self.iter().enumerate().try_for_each(|(index, operation)| {
            let checked = operation
                .replacement
                .check_expiration(now)
                .map_err(|error| error.within("replacement"));
            if single {
                checked
            } else {
                checked.map_err(|error| error.within(&format!("operations[{index}]")))
            }
        })
    }
}

/// The signer's profile, read once per service (single flight: concurrent
/// first orders wait for one read; a failed read is not kept).
async fn profile(
    http: &HttpClient,
    signer: &dyn OrderSigner,
    source: ProfileSource,
    cell: &OnceCell<UserProfile>,
) -> Result<UserProfile, Error> {
    cell.get_or_try_init(|| async {
        let operation = match source {
            ProfileSource::Me => ops::portfolio::get_current_profile()?,
            ProfileSource::SignerAddress => {
                ops::portfolio::get_profile(&signer.address().to_checksum())?
            }
        };
        Ok(http.run(operation).await?.data)
    })
    .await
    .cloned()
}

/// `slug`'s venue, from the client's cache or one shared market read. A
/// market without a venue cannot be signed for: its exchange is the domain.
async fn venue(http: &HttpClient, slug: &str) -> Result<Venue, Error> {
    http.venues()
        .venue_or_lookup(slug, || async {
            let market = http.run(ops::markets::get_market_venue(slug)?).await?.data;
            Ok(market.venue.filter(|venue| !venue.exchange.is_empty()))
        })
        .await?
        .ok_or_else(|| {
            Error::invalid_field(
                "market_slug",
                format!(
                    "market {slug} has no venue exchange to sign its orders for; check the slug (only CLOB markets take orders)"
                ),
            )
        })
}
