//! Delegated orders: the API signs orders for a partner's sub-accounts.

use std::future::Future;
use std::time::SystemTime;

use bytes::Bytes;
use limitless_types::amounts::{
    MAX_WIRE_AMOUNT, OrderAmounts, ToDecimal, fok_order_amounts, limit_order_amounts,
};
use limitless_types::markets::Market;
use limitless_types::orders::{
    CancelReplaceBatchRequest, CancelReplaceBatchResponse, CancelReplaceMode, CancelReplaceRequest,
    CancelReplaceResult, CancelTarget, CreateOrderRequest, DEFAULT_FEE_RATE_BPS, DEFAULT_TICK_SIZE,
    OrderResponse, OrderType, ReplacementOrder, Side, StpPolicy, UnsignedOrder, ZERO_ADDRESS,
};
use limitless_types::validate::{validate_address, validate_on_behalf_of, validate_token_id};
use rust_decimal::Decimal;

use crate::clock::{next_salt, unix_millis};
use crate::error::SentOrder;
use crate::markets::market_spec;
use crate::request::{Auth, AuthClass, RequestSpec, encode_segment};
use crate::validate::non_blank;
use serde::de::DeserializeOwned;

use crate::{ApiResponse, Call, Error, HttpClient};

/// The operation name of `POST /orders`.
const CREATE_ORDER: &str = "create_order";

/// The largest receive window the API accepts, in milliseconds.
pub const MAX_RECV_WINDOW_MS: u64 = 10_000;
/// The longest client order id the API accepts, in characters.
pub const MAX_CLIENT_ORDER_ID_LENGTH: usize = 128;
/// The largest order salt: 2^53 − 1, the largest integer a JSON number
/// carries exactly.
pub const MAX_SALT: u64 = MAX_WIRE_AMOUNT;
/// The largest fee rate, in basis points (100 %).
const MAX_FEE_RATE_BPS: u32 = 10_000;

/// A value the caller gave as `f64`, `&str`, `Decimal`…, converted once.
type Amount = Result<Decimal, String>;

fn amount(value: impl ToDecimal) -> Amount {
    value.to_decimal().map_err(|e| e.to_string())
}

/// What kind of order, with its amounts as given.
#[derive(Clone, Debug, PartialEq)]
enum Kind {
    /// GTC or FAK at a limit price.
    Limit {
        order_type: OrderType,
        price: Amount,
        size: Amount,
    },
    /// Fill-or-kill for an amount: USDC to spend (BUY) or shares to sell (SELL).
    Fok { amount: Amount },
}

/// An order placed on behalf of a sub-account (see
/// [`DelegatedOrderService::create_order`]).
///
/// Prices, sizes and amounts may be given as `f64`, `&str`, `String`,
/// [`Decimal`] or integers; they are used exactly as given and never rounded:
/// a price off the tick or a size off the share step is rejected with the
/// nearest valid values.
///
/// ```
/// use limitless_client::{CreateDelegatedOrderParams, Side};
///
/// let buy = CreateDelegatedOrderParams::gtc("btc-above-100k", "123", Side::Buy, 0.55, 10, 326)
///     .post_only(true);
/// let fok = CreateDelegatedOrderParams::fok("btc-above-100k", "123", Side::Buy, "12.5", 326)
///     .recv_window(1_500);
/// # let _ = (buy, fok);
/// ```
#[derive(Clone, Debug, PartialEq)]
#[must_use]
pub struct CreateDelegatedOrderParams {
    market_slug: String,
    token_id: String,
    side: Side,
    on_behalf_of: i64,
    kind: Kind,
    post_only: bool,
    fee_rate_bps: Option<u32>,
    taker: Option<String>,
    tick_size: Option<Amount>,
    recv_window: Option<u64>,
    timestamp: Option<u64>,
    salt: Option<u64>,
}

impl CreateDelegatedOrderParams {
    fn new(
        market_slug: impl Into<String>,
        token_id: impl Into<String>,
        side: Side,
        on_behalf_of: i64,
        kind: Kind,
    ) -> Self {
        Self {
            market_slug: market_slug.into(),
            token_id: token_id.into(),
            side,
            on_behalf_of,
            kind,
            post_only: false,
            fee_rate_bps: None,
            taker: None,
            tick_size: None,
            recv_window: None,
            timestamp: None,
            salt: None,
        }
    }

    /// A good-till-cancelled limit order: `size` shares at `price` (0 < price
    /// ≤ 1, on the market's tick) for the sub-account `on_behalf_of`.
    pub fn gtc(
        market_slug: impl Into<String>,
        token_id: impl Into<String>,
        side: Side,
        price: impl ToDecimal,
        size: impl ToDecimal,
        on_behalf_of: i64,
    ) -> Self {
        Self::limit(
            OrderType::Gtc,
            market_slug,
            token_id,
            side,
            price,
            size,
            on_behalf_of,
        )
    }

    /// A fill-and-kill limit order: fills what it can at `price` or better
    /// now, cancels the rest.
    pub fn fak(
        market_slug: impl Into<String>,
        token_id: impl Into<String>,
        side: Side,
        price: impl ToDecimal,
        size: impl ToDecimal,
        on_behalf_of: i64,
    ) -> Self {
        Self::limit(
            OrderType::Fak,
            market_slug,
            token_id,
            side,
            price,
            size,
            on_behalf_of,
        )
    }

    /// A limit order of `order_type` (GTC or FAK).
    fn limit(
        order_type: OrderType,
        market_slug: impl Into<String>,
        token_id: impl Into<String>,
        side: Side,
        price: impl ToDecimal,
        size: impl ToDecimal,
        on_behalf_of: i64,
    ) -> Self {
        let kind = Kind::Limit {
            order_type,
            price: amount(price),
            size: amount(size),
        };
        Self::new(market_slug, token_id, side, on_behalf_of, kind)
    }

    /// A fill-or-kill market order. `amount` (at most 6 decimals) is the
    /// USDC to spend for a BUY, or the shares to sell for a SELL.
    pub fn fok(
        market_slug: impl Into<String>,
        token_id: impl Into<String>,
        side: Side,
        amount_value: impl ToDecimal,
        on_behalf_of: i64,
    ) -> Self {
        let kind = Kind::Fok {
            amount: amount(amount_value),
        };
        Self::new(market_slug, token_id, side, on_behalf_of, kind)
    }

    /// Only rest on the book, never take (GTC only; `postOnly` is sent only
    /// when `true`).
    pub fn post_only(mut self, post_only: bool) -> Self {
        self.post_only = post_only;
        self
    }

    /// The fee rate in basis points, 1 to 10 000 (default 300). Ignored on
    /// collateral-fee venues, where the API requires 0.
    pub fn fee_rate_bps(mut self, fee_rate_bps: u32) -> Self {
        self.fee_rate_bps = Some(fee_rate_bps);
        self
    }

    /// Restricts the counterparty (default: the zero address, anyone).
    pub fn taker(mut self, taker: impl Into<String>) -> Self {
        self.taker = Some(taker.into());
        self
    }

    /// The market's price tick (default 0.001). Prices must be multiples of
    /// it and sizes multiples of its share step.
    pub fn tick_size(mut self, tick_size: impl ToDecimal) -> Self {
        self.tick_size = Some(amount(tick_size));
        self
    }

    /// A receive window in milliseconds (1 to 10 000): the API rejects the
    /// order if it arrives later than `timestamp + recv_window`. The
    /// timestamp defaults to the client clock's time when the order is sent.
    pub fn recv_window(mut self, recv_window_ms: u64) -> Self {
        self.recv_window = Some(recv_window_ms);
        self
    }

    /// The order's timestamp in Unix milliseconds (for the receive window).
    pub fn timestamp(mut self, timestamp_ms: u64) -> Self {
        self.timestamp = Some(timestamp_ms);
        self
    }

    /// The order's salt: 1 to [`MAX_SALT`] (2^53 − 1, the largest integer a
    /// JSON number carries exactly). By default each send draws a fresh one
    /// (a process-wide increasing microsecond timestamp).
    ///
    /// Fix it to know before sending which order to look for if the outcome
    /// turns out unknown, and to send exactly the same order again once you
    /// have checked that it was not placed:
    ///
    /// ```no_run
    /// use limitless_client::{Client, CreateDelegatedOrderParams, Error, Side};
    ///
    /// # async fn placed_with_salt(_: &Client, _: u64) -> Result<bool, Error> { Ok(false) }
    /// # async fn demo(client: &Client, salt: u64) -> Result<(), Error> {
    /// let order = CreateDelegatedOrderParams::gtc("btc-above-100k", "123", Side::Buy, "0.55", 10, 326)
    ///     .salt(salt);
    /// match client.delegated_orders.create_order(&order).await {
    ///     Ok(placed) => println!("placed {}", placed.order.id),
    ///     // Sent, but no usable answer: it may or may not have been placed.
    ///     Err(error) if error.is_outcome_unknown() => {
    ///         assert_eq!(error.sent_orders()[0].salt, salt);
    ///         // Look for the salt among the sub-account's orders (your own
    ///         // lookup); send the very same order again only if it is absent.
    ///         if !placed_with_salt(client, salt).await? {
    ///             client.delegated_orders.create_order(&order).await?;
    ///         }
    ///     }
    ///     Err(error) => return Err(error),
    /// }
    /// # Ok(()) }
    /// ```
    pub fn salt(mut self, salt: u64) -> Self {
        self.salt = Some(salt);
        self
    }

    /// Validates everything that does not need the network and computes the
    /// integer amounts.
    fn prepare(&self) -> Result<PreparedOrder, Error> {
        let market_slug = non_blank("market_slug", &self.market_slug, "pass the market's slug")?;
        validate_token_id(&self.token_id)?;
        validate_on_behalf_of(self.on_behalf_of)?;
        let taker = match &self.taker {
            Some(taker) => {
                validate_address("taker", taker)?;
                taker.clone()
            }
            None => ZERO_ADDRESS.to_owned(),
        };
        if let Some(fee) = self.fee_rate_bps
            && (fee == 0 || fee > MAX_FEE_RATE_BPS)
        {
            return Err(Error::invalid(format!(
                "fee_rate_bps must be 1 to {MAX_FEE_RATE_BPS}, got {fee}; leave it unset for the default {DEFAULT_FEE_RATE_BPS}"
            )));
        }
        if let Some(salt) = self.salt
            && !(1..=MAX_SALT).contains(&salt)
        {
            return Err(Error::invalid(format!(
                "salt must be 1 to {MAX_SALT} (2^53 - 1, the largest integer a JSON number carries exactly), got {salt}; leave it unset for a fresh one"
            )));
        }
        if let Some(recv_window) = self.recv_window
            && !(1..=MAX_RECV_WINDOW_MS).contains(&recv_window)
        {
            return Err(Error::invalid(format!(
                "recv_window must be 1 to {MAX_RECV_WINDOW_MS} milliseconds, got {recv_window}"
            )));
        }
        let (order_type, amounts, price) = match &self.kind {
            Kind::Limit {
                order_type,
                price,
                size,
            } => {
                let price = given("price", price)?;
                let size = given("size", size)?;
                let tick = match &self.tick_size {
                    Some(tick) => given("tick_size", tick)?,
                    None => DEFAULT_TICK_SIZE,
                };
                let amounts = limit_order_amounts(self.side, price, size, tick)
                    .map_err(|e| Error::invalid(format!("order: {e}")))?;
                (*order_type, amounts, Some(price))
            }
            Kind::Fok { amount } => {
                let amount = given("amount", amount)?;
                let amounts =
                    fok_order_amounts(amount).map_err(|e| Error::invalid(format!("order: {e}")))?;
                (OrderType::Fok, amounts, None)
            }
        };
        if self.post_only && order_type != OrderType::Gtc {
            return Err(Error::invalid(format!(
                "post_only applies only to GTC orders, not {}; remove post_only(true)",
                order_type.as_str()
            )));
        }
        Ok(PreparedOrder {
            market_slug: market_slug.to_owned(),
            token_id: self.token_id.clone(),
            side: self.side,
            owner_id: self.on_behalf_of,
            order_type,
            amounts,
            price,
            taker,
            fee_rate_bps: self.fee_rate_bps,
            post_only: self.post_only,
            recv_window: self.recv_window,
            timestamp: self.timestamp,
            salt: self.salt,
        })
    }
}

fn given(field: &str, value: &Amount) -> Result<Decimal, Error> {
    value
        .clone()
        .map_err(|message| Error::invalid(format!("{field}: {message}")))
}

/// An order validated and priced; only the fee, salt and timestamp remain.
#[derive(Clone, Debug)]
struct PreparedOrder {
    market_slug: String,
    token_id: String,
    side: Side,
    owner_id: i64,
    order_type: OrderType,
    amounts: OrderAmounts,
    price: Option<Decimal>,
    taker: String,
    fee_rate_bps: Option<u32>,
    post_only: bool,
    recv_window: Option<u64>,
    timestamp: Option<u64>,
    /// The caller's salt; `None`: a fresh one per send.
    salt: Option<u64>,
}

impl PreparedOrder {
    /// The wire order with `salt`.
    fn unsigned_order(&self, fee_rate_bps: u32, salt: u64) -> UnsignedOrder {
        let mut order = UnsignedOrder::delegated(
            salt,
            self.token_id.clone(),
            self.side,
            self.amounts,
            fee_rate_bps,
            self.price,
        );
        order.taker.clone_from(&self.taker);
        order
    }

    /// `timestamp` and `recvWindow`: the timestamp defaults to now (ms) when
    /// a receive window is set.
    fn receive_window(&self, now_ms: u64) -> (Option<u64>, Option<u64>) {
        let timestamp = match (self.timestamp, self.recv_window) {
            (Some(timestamp), _) => Some(timestamp),
            (None, Some(_)) => Some(now_ms),
            (None, None) => None,
        };
        (timestamp, self.recv_window)
    }

    /// Resolves the fee (market fetch when the venue is not cached) and
    /// builds the wire order.
    async fn finish(
        &self,
        http: &HttpClient,
    ) -> Result<(UnsignedOrder, Option<u64>, Option<u64>), Error> {
        let fee = fee_rate_bps(http, &self.market_slug, self.fee_rate_bps).await?;
        Ok(self.finish_with_fee(fee, http.clock().now()))
    }

    /// The wire order with its salt (the caller's, else a fresh one), and
    /// the receive window, at `now`.
    fn finish_with_fee(
        &self,
        fee_rate_bps: u32,
        now: SystemTime,
    ) -> (UnsignedOrder, Option<u64>, Option<u64>) {
        let salt = self.salt.unwrap_or_else(|| next_salt(now));
        let order = self.unsigned_order(fee_rate_bps, salt);
        let (timestamp, recv_window) = self.receive_window(unix_millis(now));
        (order, timestamp, recv_window)
    }

    /// The `POST /orders` request for the finished order.
    fn create_spec(
        &self,
        auth: Auth,
        (order, timestamp, recv_window): (UnsignedOrder, Option<u64>, Option<u64>),
    ) -> Result<RequestSpec, Error> {
        let body = CreateOrderRequest {
            order,
            order_type: self.order_type,
            market_slug: self.market_slug.clone(),
            owner_id: self.owner_id,
            on_behalf_of: Some(self.owner_id),
            post_only: self.post_only.then_some(true),
            timestamp,
            recv_window,
        };
        let sent = SentOrder::new(&body.market_slug, body.order.salt, None);
        RequestSpec::post(CREATE_ORDER, "/orders".to_owned())
            .auth(auth)
            .idempotent(false)
            .orders(vec![sent])
            .json(&body)
    }
}

/// The fee for an order on `market_slug`: 0 on a collateral-fee venue, else
/// the requested fee or 300. Looks the market's venue up with
/// `GET /markets/{slug}` when it is not cached; concurrent orders on the
/// market share that one request, and no lock is held during it.
async fn fee_rate_bps(
    http: &HttpClient,
    market_slug: &str,
    requested: Option<u32>,
) -> Result<u32, Error> {
    let collateral = http
        .venues()
        .collateral_fee_or_lookup(market_slug, || async {
            let spec = market_spec(http, "get_market", market_slug)?;
            let market = http.execute::<Market>(&spec).await?.data;
            if market.slug != market_slug {
                http.venues().record(&market.slug, market.venue.as_ref());
            }
            Ok(market.venue)
        })
        .await?;
    Ok(fee_for(collateral, requested))
}

/// 0 on a collateral-fee venue (`collateral == Some(true)`), else the
/// requested fee or 300.
fn fee_for(collateral: Option<bool>, requested: Option<u32>) -> u32 {
    if collateral == Some(true) {
        0
    } else {
        requested.unwrap_or(DEFAULT_FEE_RATE_BPS)
    }
}

/// Whether the API refused an order's fee rate for its market
/// (`400 {"code":"FEE_RATE_MISMATCH"}`): the cached venue is stale.
fn is_fee_rate_mismatch(error: &Error) -> bool {
    let Error::Api(api) = error else {
        return false;
    };
    api.status == http::StatusCode::BAD_REQUEST
        && api.data().is_some_and(|data| {
            data.get("code").and_then(|c| c.as_str()) == Some(FEE_RATE_MISMATCH)
        })
}

/// The API's code for an order whose fee rate does not match its market.
const FEE_RATE_MISMATCH: &str = "FEE_RATE_MISMATCH";

/// Sends an order-carrying request. A refusal of the fee rate
/// ([`is_fee_rate_mismatch`]) drops the venues of the request's markets from
/// the cache, so the next order on them looks the venue up again; the error
/// still goes to the caller.
async fn execute_orders<T: DeserializeOwned>(
    http: &HttpClient,
    spec: &RequestSpec,
) -> Result<ApiResponse<T>, Error> {
    let result = http.execute(spec).await;
    if let Err(error) = &result
        && is_fee_rate_mismatch(error)
    {
        for order in &spec.orders {
            http.venues().forget(&order.market_slug);
        }
    }
    result
}

/// An order operation checked before any I/O; only the fees (which may need
/// the market's venue) and the salts remain to be settled when it is sent.
trait PreparedOperation: Send + Sync + 'static {
    /// The decoded response.
    type Response: DeserializeOwned + Send + 'static;

    /// The request, with fees resolved and salts drawn.
    fn request(
        &self,
        http: &HttpClient,
        auth: Auth,
    ) -> impl Future<Output = Result<RequestSpec, Error>> + Send;
}

impl PreparedOperation for PreparedOrder {
    type Response = OrderResponse;

    async fn request(&self, http: &HttpClient, auth: Auth) -> Result<RequestSpec, Error> {
        let finished = self.finish(http).await?;
        self.create_spec(auth, finished)
    }
}

/// A signed `POST /orders` request built without I/O by
/// [`DelegatedOrderService::build_create_order`], with the order it carries.
#[derive(Debug)]
#[non_exhaustive]
pub struct BuiltOrder {
    /// The signed request, ready to send with any HTTP client.
    pub request: http::Request<Bytes>,
    /// The order's market and salt: what to look for among the
    /// sub-account's orders if you cannot tell whether it was placed.
    pub order: SentOrder,
}

/// Cancels one order and places a replacement atomically (see
/// [`DelegatedOrderService::cancel_replace`]).
///
/// ```
/// use limitless_client::{CancelTarget, CreateDelegatedOrderParams, DelegatedCancelReplaceParams, Side};
///
/// let replacement = CreateDelegatedOrderParams::gtc("btc-above-100k", "123", Side::Buy, "0.5", "1", 326);
/// let params = DelegatedCancelReplaceParams::new(CancelTarget::OrderId("34bd2f18".into()), replacement)
///     .client_order_id("replacement-1");
/// # let _ = params;
/// ```
#[derive(Clone, Debug, PartialEq)]
#[must_use]
pub struct DelegatedCancelReplaceParams {
    cancel: CancelTarget,
    replacement: CreateDelegatedOrderParams,
    mode: CancelReplaceMode,
    client_order_id: Option<String>,
    stp_policy: Option<StpPolicy>,
}

impl DelegatedCancelReplaceParams {
    /// Cancels `cancel` and places `replacement` for the same sub-account
    /// (`replacement`'s `on_behalf_of`). Mode: stop on failure.
    pub fn new(cancel: CancelTarget, replacement: CreateDelegatedOrderParams) -> Self {
        Self {
            cancel,
            replacement,
            mode: CancelReplaceMode::StopOnFailure,
            client_order_id: None,
            stp_policy: None,
        }
    }

    /// Whether the replacement is attempted when the cancel fails.
    pub fn mode(mut self, mode: CancelReplaceMode) -> Self {
        self.mode = mode;
        self
    }

    /// Your id for the replacement order (at most 128 characters).
    pub fn client_order_id(mut self, client_order_id: impl Into<String>) -> Self {
        self.client_order_id = Some(client_order_id.into());
        self
    }

    /// Self-trade prevention for the replacement.
    pub fn stp_policy(mut self, stp_policy: StpPolicy) -> Self {
        self.stp_policy = Some(stp_policy);
        self
    }

    fn prepare(&self) -> Result<PreparedCancelReplace, Error> {
        let cancel = match &self.cancel {
            CancelTarget::OrderId(id) => {
                let id = non_blank("cancel.order_id", id, "pass the id of the order to cancel")?;
                CancelTarget::OrderId(id.to_owned())
            }
            CancelTarget::ClientOrderId(id) => {
                let id = non_blank(
                    "cancel.client_order_id",
                    id,
                    "pass the client order id of the order to cancel",
                )?;
                client_order_id_length("cancel.client_order_id", id)?;
                CancelTarget::ClientOrderId(id.to_owned())
            }
        };
        let client_order_id = match &self.client_order_id {
            Some(id) => {
                let id = non_blank(
                    "client_order_id",
                    id,
                    "pass an id, or leave client_order_id unset",
                )?;
                client_order_id_length("client_order_id", id)?;
                Some(id.to_owned())
            }
            None => None,
        };
        Ok(PreparedCancelReplace {
            cancel,
            replacement: self.replacement.prepare()?,
            mode: self.mode,
            client_order_id,
            stp_policy: self.stp_policy,
        })
    }
}

fn client_order_id_length(field: &str, id: &str) -> Result<(), Error> {
    let length = id.chars().count();
    if length > MAX_CLIENT_ORDER_ID_LENGTH {
        return Err(Error::invalid(format!(
            "{field} must be at most {MAX_CLIENT_ORDER_ID_LENGTH} characters, got {length}"
        )));
    }
    Ok(())
}

#[derive(Clone, Debug)]
struct PreparedCancelReplace {
    cancel: CancelTarget,
    replacement: PreparedOrder,
    mode: CancelReplaceMode,
    client_order_id: Option<String>,
    stp_policy: Option<StpPolicy>,
}

impl PreparedCancelReplace {
    async fn finish(&self, http: &HttpClient) -> Result<CancelReplaceRequest, Error> {
        let (order, timestamp, recv_window) = self.replacement.finish(http).await?;
        let replacement = &self.replacement;
        Ok(CancelReplaceRequest {
            cancel: self.cancel.clone(),
            replacement: ReplacementOrder {
                order,
                order_type: replacement.order_type,
                market_slug: replacement.market_slug.clone(),
                owner_id: replacement.owner_id,
                post_only: replacement.post_only.then_some(true),
                client_order_id: self.client_order_id.clone(),
                timestamp,
                recv_window,
                stp_policy: self.stp_policy,
            },
            mode: self.mode,
            on_behalf_of: Some(replacement.owner_id),
        })
    }
}

impl PreparedOperation for PreparedCancelReplace {
    type Response = CancelReplaceResult;

    async fn request(&self, http: &HttpClient, auth: Auth) -> Result<RequestSpec, Error> {
        let body = self.finish(http).await?;
        RequestSpec::post("cancel_replace", "/orders/cancel-replace".to_owned())
            .auth(auth)
            .idempotent(false)
            .accept(&[http::StatusCode::CONFLICT])
            .orders(vec![sent_replacement(&body)])
            .json(&body)
    }
}

/// The operations of a cancel-replace batch, each checked.
#[derive(Clone, Debug)]
struct PreparedBatch(Vec<PreparedCancelReplace>);

impl PreparedOperation for PreparedBatch {
    type Response = CancelReplaceBatchResponse;

    async fn request(&self, http: &HttpClient, auth: Auth) -> Result<RequestSpec, Error> {
        let mut operations = Vec::with_capacity(self.0.len());
        for operation in &self.0 {
            operations.push(operation.finish(http).await?);
        }
        let sent = operations.iter().map(sent_replacement).collect();
        let body = CancelReplaceBatchRequest { operations };
        RequestSpec::post(
            "cancel_replace_batch",
            "/orders/cancel-replace/batch".to_owned(),
        )
        .auth(auth)
        .idempotent(false)
        .orders(sent)
        .json(&body)
    }
}

/// Orders the API signs for the partner's sub-accounts
/// (`client.delegated_orders`). Needs HMAC credentials (or an API key) with
/// the `trading` and `delegated_signing` scopes.
#[derive(Clone, Debug)]
pub struct DelegatedOrderService {
    http: HttpClient,
}

impl DelegatedOrderService {
    pub(crate) fn new(http: HttpClient) -> Self {
        Self { http }
    }

    /// `POST /orders`: places a GTC, FAK or FOK order for a sub-account.
    ///
    /// `ownerId` and `onBehalfOf` are the sub-account's profile id; maker,
    /// signer and taker are the zero address (taker overridable); the salt is
    /// a process-wide increasing microsecond timestamp. The fee is 300 bps
    /// (or yours) except on collateral-fee venues, where it is 0: the
    /// market's venue is fetched with `GET /markets/{slug}` the first time a
    /// market is used by this client, then cached. Every argument is checked
    /// before any I/O. Not idempotent: never re-sent once it may have reached
    /// the server.
    pub fn create_order(
        &self,
        params: &CreateDelegatedOrderParams,
    ) -> Call<'static, OrderResponse> {
        self.order_call(CREATE_ORDER, || params.prepare())
    }

    /// Checks the client's credentials and the operation (`prepare`) at
    /// once; when awaited, settles fees and salts and sends the request.
    fn order_call<P: PreparedOperation>(
        &self,
        op: &'static str,
        prepare: impl FnOnce() -> Result<P, Error>,
    ) -> Call<'static, P::Response> {
        let prepared = self
            .http
            .auth_for(op, AuthClass::Any)
            .and_then(|auth| Ok((auth, prepare()?)));
        let (auth, prepared) = match prepared {
            Ok(ok) => ok,
            Err(error) => return Call::fail(error),
        };
        let http = self.http.clone();
        Call::new(async move {
            let spec = prepared.request(&http, auth).await?;
            execute_orders(&http, &spec).await
        })
    }

    /// The signed `POST /orders` request that
    /// [`create_order`](Self::create_order) would send for `params`, built
    /// without any I/O: validated, priced, given its salt (yours, see
    /// [`CreateDelegatedOrderParams::salt`], else a fresh one), serialized
    /// and signed at `now`; with the order's market and salt, for
    /// reconciliation. For sending orders through your own HTTP stack, for
    /// logging exactly what would be sent, and for tests.
    ///
    /// The fee depends on the market's venue, which must already be known to
    /// this client: fetch the market once with
    /// [`markets.get_market`](crate::MarketService::get_market) (an earlier
    /// `create_order` on the market also records it; a market without a
    /// venue is never recorded). Pass `client.http().clock().now()` as `now`
    /// to sign with the clock [`create_order`](Self::create_order) uses,
    /// corrected for the server's offset; the API rejects a signature more
    /// than 30 s from its clock.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for invalid parameters or a market whose venue
    /// is not known yet; [`Error::AuthenticationRequired`] without
    /// credentials.
    pub fn build_create_order(
        &self,
        params: &CreateDelegatedOrderParams,
        now: SystemTime,
    ) -> Result<BuiltOrder, Error> {
        let auth = self.http.auth_for(CREATE_ORDER, AuthClass::Any)?;
        let prepared = params.prepare()?;
        let Some(collateral) = self.http.venues().collateral_fee(&prepared.market_slug) else {
            return Err(Error::invalid(format!(
                "the venue of market `{}` is not known to this client yet; fetch the market once with markets.get_market before building orders for it",
                prepared.market_slug
            )));
        };
        let fee = fee_for(Some(collateral), prepared.fee_rate_bps);
        let mut spec = prepared.create_spec(auth, prepared.finish_with_fee(fee, now))?;
        let request = self.http.build_request(&spec, now)?;
        let order = spec
            .orders
            .pop()
            .ok_or_else(|| Error::config("a create_order request carries its order"))?;
        Ok(BuiltOrder { request, order })
    }

    /// `DELETE /orders/{orderId}`: cancels an order; returns the API's message.
    ///
    /// Retried like a read (transport failures, 429, 502/503/504): cancelling
    /// one order twice cancels nothing more. A retry after a first attempt
    /// that did cancel the order may be answered with an error saying the
    /// order is already cancelled or not found.
    pub fn cancel(&self, order_id: &str) -> Call<'static, String> {
        self.cancel_call("cancel", Cancels::Order, order_id, None)
    }

    /// `DELETE /orders/{orderId}?onBehalfOf={id}`: cancels a sub-account's
    /// order. Retried as [`cancel`](Self::cancel) is.
    pub fn cancel_on_behalf_of(&self, order_id: &str, on_behalf_of: i64) -> Call<'static, String> {
        self.cancel_call(
            "cancel_on_behalf_of",
            Cancels::Order,
            order_id,
            Some(on_behalf_of),
        )
    }

    /// `DELETE /orders/all/{marketSlug}`: cancels all your orders on a market.
    ///
    /// Never sent again once it may have reached the server: a late repeat
    /// would also cancel orders placed in the meantime. A failure after it
    /// may have arrived is [`Error::OutcomeUnknown`]; a failure before
    /// sending (connection refused) is retried.
    pub fn cancel_all(&self, market_slug: &str) -> Call<'static, String> {
        self.cancel_call("cancel_all", Cancels::Market, market_slug, None)
    }

    /// `DELETE /orders/all/{marketSlug}?onBehalfOf={id}`: cancels all of a
    /// sub-account's orders on a market. Never sent again once it may have
    /// reached the server, as [`cancel_all`](Self::cancel_all).
    pub fn cancel_all_on_behalf_of(
        &self,
        market_slug: &str,
        on_behalf_of: i64,
    ) -> Call<'static, String> {
        self.cancel_call(
            "cancel_all_on_behalf_of",
            Cancels::Market,
            market_slug,
            Some(on_behalf_of),
        )
    }

    /// `DELETE` of one order or of a market's orders, for the caller or a
    /// sub-account (`onBehalfOf`); returns the API's message.
    fn cancel_call(
        &self,
        op: &'static str,
        cancels: Cancels,
        target: &str,
        on_behalf_of: Option<i64>,
    ) -> Call<'static, String> {
        let spec = (|| {
            let auth = self.http.auth_for(op, AuthClass::Any)?;
            let (field, hint, prefix) = match cancels {
                Cancels::Order => ("order_id", "pass the id of the order to cancel", "/orders/"),
                Cancels::Market => ("market_slug", "pass the market's slug", "/orders/all/"),
            };
            let target = non_blank(field, target, hint)?;
            let path = format!("{prefix}{}", encode_segment(field, target)?);
            // Repeating a cancel-all later could cancel orders placed in between.
            let mut spec = RequestSpec::delete(op, path)
                .auth(auth)
                .idempotent(cancels == Cancels::Order);
            if let Some(id) = on_behalf_of {
                validate_on_behalf_of(id)?;
                spec = spec.query([("onBehalfOf", id.to_string())]);
            }
            Ok(spec)
        })();
        self.http.call_map(spec, message)
    }

    /// `POST /orders/cancel-replace`: cancels an order and places a
    /// replacement for the same sub-account. An HTTP 409 carries a result
    /// (e.g. the cancel failed) and is decoded, not returned as an error.
    /// Not idempotent.
    pub fn cancel_replace(
        &self,
        params: &DelegatedCancelReplaceParams,
    ) -> Call<'static, CancelReplaceResult> {
        self.order_call("cancel_replace", || params.prepare())
    }

    /// `POST /orders/cancel-replace/batch`: several cancel-replace operations
    /// at once (at least one). HTTP 207 (some operations failed) is a
    /// success; inspect each result. Not idempotent.
    pub fn cancel_replace_batch(
        &self,
        operations: &[DelegatedCancelReplaceParams],
    ) -> Call<'static, CancelReplaceBatchResponse> {
        self.order_call("cancel_replace_batch", || {
            if operations.is_empty() {
                return Err(Error::invalid(
                    "cancel-replace batch must contain at least one operation",
                ));
            }
            let prepared = operations
                .iter()
                .enumerate()
                .map(|(index, operation)| {
                    operation.prepare().map_err(|error| match error {
                        Error::InvalidInput { message } => {
                            Error::invalid(format!("operations[{index}]: {message}"))
                        }
                        other => other,
                    })
                })
                .collect::<Result<Vec<_>, Error>>()?;
            Ok(PreparedBatch(prepared))
        })
    }
}

/// What a cancel removes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cancels {
    /// One order, by id.
    Order,
    /// All the orders on a market.
    Market,
}

fn message(response: limitless_types::common::MessageResponse) -> String {
    response.message
}

/// The replacement order of a cancel-replace, for reconciliation.
fn sent_replacement(request: &CancelReplaceRequest) -> SentOrder {
    let replacement = &request.replacement;
    SentOrder::new(
        &replacement.market_slug,
        replacement.order.salt,
        replacement.client_order_id.as_deref(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prepare_error(params: CreateDelegatedOrderParams) -> String {
        params.prepare().unwrap_err().to_string()
    }

    #[test]
    fn gtc_amounts_are_exact() {
        let prepared = CreateDelegatedOrderParams::gtc("m", "123", Side::Buy, 0.381, 1.234, 326)
            .prepare()
            .unwrap();
        assert_eq!(
            (prepared.amounts.maker_amount, prepared.amounts.taker_amount),
            (470_154, 1_234_000)
        );
        assert_eq!(prepared.price, Some(Decimal::new(381, 3)));
        assert_eq!(prepared.order_type, OrderType::Gtc);

        let sell = CreateDelegatedOrderParams::fak("m", "123", Side::Sell, "0.55", 10, 326)
            .prepare()
            .unwrap();
        assert_eq!(
            (sell.amounts.maker_amount, sell.amounts.taker_amount),
            (10_000_000, 5_500_000)
        );
    }

    #[test]
    fn fok_amounts_are_exact() {
        let prepared = CreateDelegatedOrderParams::fok("m", "123", Side::Buy, 12.345678, 326)
            .prepare()
            .unwrap();
        assert_eq!(
            (prepared.amounts.maker_amount, prepared.amounts.taker_amount),
            (12_345_678, 1)
        );
        assert_eq!(prepared.price, None);
    }

    #[test]
    fn invalid_orders_are_rejected_before_io() {
        let off_tick = prepare_error(CreateDelegatedOrderParams::gtc(
            "m",
            "123",
            Side::Buy,
            0.3815,
            1,
            1,
        ));
        assert!(
            off_tick.contains("0.381") && off_tick.contains("0.382"),
            "{off_tick}"
        );
        assert!(
            prepare_error(CreateDelegatedOrderParams::gtc(
                "m",
                "0",
                Side::Buy,
                0.5,
                1,
                1
            ))
            .contains("token_id")
        );
        assert!(
            prepare_error(CreateDelegatedOrderParams::gtc(
                "m",
                "123",
                Side::Buy,
                0.5,
                1,
                0
            ))
            .contains("on_behalf_of")
        );
        assert!(
            prepare_error(CreateDelegatedOrderParams::gtc(
                " ",
                "123",
                Side::Buy,
                0.5,
                1,
                1
            ))
            .contains("market_slug")
        );
        assert!(
            prepare_error(CreateDelegatedOrderParams::gtc(
                "m",
                "123",
                Side::Buy,
                f64::NAN,
                1,
                1
            ))
            .contains("price")
        );
        assert!(
            prepare_error(
                CreateDelegatedOrderParams::fak("m", "123", Side::Buy, 0.5, 1, 1).post_only(true)
            )
            .contains("post_only")
        );
        assert!(
            prepare_error(CreateDelegatedOrderParams::fok(
                "m",
                "123",
                Side::Buy,
                "1.0000001",
                1
            ))
            .contains("amount")
        );
        assert!(
            prepare_error(
                CreateDelegatedOrderParams::gtc("m", "123", Side::Buy, 0.5, 1, 1).recv_window(0)
            )
            .contains("recv_window")
        );
        assert!(
            prepare_error(
                CreateDelegatedOrderParams::gtc("m", "123", Side::Buy, 0.5, 1, 1)
                    .recv_window(10_001)
            )
            .contains("recv_window")
        );
        assert!(
            prepare_error(
                CreateDelegatedOrderParams::gtc("m", "123", Side::Buy, 0.5, 1, 1).fee_rate_bps(0)
            )
            .contains("fee_rate_bps")
        );
        assert!(
            prepare_error(
                CreateDelegatedOrderParams::gtc("m", "123", Side::Buy, 0.5, 1, 1).taker("0x12")
            )
            .contains("taker")
        );
    }

    #[test]
    fn receive_window_defaults_timestamp_to_now() {
        let prepared = CreateDelegatedOrderParams::gtc("m", "123", Side::Buy, 0.5, 1, 1)
            .recv_window(1_500)
            .prepare()
            .unwrap();
        assert_eq!(
            prepared.receive_window(1_770_000_000_000),
            (Some(1_770_000_000_000), Some(1_500))
        );
        let explicit = CreateDelegatedOrderParams::gtc("m", "123", Side::Buy, 0.5, 1, 1)
            .recv_window(1_500)
            .timestamp(42)
            .prepare()
            .unwrap();
        assert_eq!(
            explicit.receive_window(1_770_000_000_000),
            (Some(42), Some(1_500))
        );
        let none = CreateDelegatedOrderParams::gtc("m", "123", Side::Buy, 0.5, 1, 1)
            .prepare()
            .unwrap();
        assert_eq!(none.receive_window(7), (None, None));
    }

    #[test]
    fn cancel_replace_targets_are_checked() {
        let replacement = CreateDelegatedOrderParams::gtc("m", "123", Side::Buy, 0.5, 1, 1);
        let blank = DelegatedCancelReplaceParams::new(
            CancelTarget::OrderId("  ".into()),
            replacement.clone(),
        );
        assert!(
            blank
                .prepare()
                .unwrap_err()
                .to_string()
                .contains("cancel.order_id")
        );
        let long = DelegatedCancelReplaceParams::new(
            CancelTarget::OrderId("o".into()),
            replacement.clone(),
        )
        .client_order_id("x".repeat(129));
        assert!(
            long.prepare()
                .unwrap_err()
                .to_string()
                .contains("at most 128")
        );
        let ok = DelegatedCancelReplaceParams::new(
            CancelTarget::ClientOrderId("c".repeat(128)),
            replacement,
        );
        assert!(ok.prepare().is_ok());
    }
}
