//! What a caller describes: an order, whose owner is a sub-account the
//! exchange signs for ([`SubAccount`]) or the signer's own profile
//! ([`SignerProfile`]), and a cancel-replace. One type for both owners,
//! [`CreateOrderParams`]: the owner is its type parameter, so an order
//! meant for the partner's sub-account cannot reach the self-signed
//! service, nor the other way round.

use std::fmt;

use limitless_types::amounts::ToDecimal;
use limitless_types::orders::{CancelReplaceMode, CancelTarget, OrderType, Side, StpPolicy};
use rust_decimal::Decimal;

mod sealed {
    /// Closes [`OrderOwner`](super::OrderOwner) to the two owners below,
    /// and tells the preparation which one an order has.
    pub trait Sealed {
        /// The sub-account's profile id; `None` for the signer's own.
        fn sub_account(&self) -> Option<i64>;
    }
}

/// Whose order it is, as the preparation sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Owner {
    /// A partner's sub-account, by profile id: the exchange signs
    /// (delegated signing) and the order carries `onBehalfOf`.
    SubAccount(i64),
    /// The signer's own profile, learned when the call runs: the order is
    /// signed client-side (EIP-712).
    Signer,
}

/// The owner of an order: [`SubAccount`] (delegated: the exchange signs
/// for a partner's sub-account) or [`SignerProfile`] (self-signed: the
/// [`OrderSigner`](crate::OrderSigner) of
/// [`Client::signed_orders`](crate::Client::signed_orders) signs for its
/// own profile). Sealed: these two are the owners the API knows.
pub trait OrderOwner:
    sealed::Sealed + Clone + fmt::Debug + PartialEq + Send + Sync + 'static
{
}

/// A partner's sub-account, by profile id (1 to 2^31 − 1): the owner of a
/// delegated order, which the exchange signs
/// ([`DelegatedOrderService`](crate::DelegatedOrderService)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SubAccount(pub i64);

/// The signer's own profile: the owner of a self-signed order
/// ([`SignedOrderService`](crate::SignedOrderService)). Its id is read
/// from the API when the first order runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct SignerProfile;

impl sealed::Sealed for SubAccount {
    fn sub_account(&self) -> Option<i64> {
        Some(self.0)
    }
}

impl sealed::Sealed for SignerProfile {
    fn sub_account(&self) -> Option<i64> {
        None
    }
}

impl OrderOwner for SubAccount {}
impl OrderOwner for SignerProfile {}

/// Which owner `owner` is.
pub(crate) fn sealed_owner<O: OrderOwner>(owner: &O) -> Owner {
    match sealed::Sealed::sub_account(owner) {
        Some(profile_id) => Owner::SubAccount(profile_id),
        None => Owner::Signer,
    }
}

/// An order placed on behalf of a sub-account: [`CreateOrderParams`]
/// owned by a [`SubAccount`].
pub type CreateDelegatedOrderParams = CreateOrderParams<SubAccount>;

/// An order the signer places for itself: [`CreateOrderParams`] owned by
/// the [`SignerProfile`].
pub type CreateSignedOrderParams = CreateOrderParams<SignerProfile>;

/// A cancel-replace for a sub-account's order.
pub type DelegatedCancelReplaceParams = CancelReplaceParams<SubAccount>;

/// A cancel-replace of one of the signer's own orders.
pub type SignedCancelReplaceParams = CancelReplaceParams<SignerProfile>;

/// A value the caller gave as `f64`, `&str`, `Decimal`…, converted once;
/// a value that is no number keeps its error until the order is checked.
pub(crate) type Amount = Result<Decimal, String>;

fn amount(value: impl ToDecimal) -> Amount {
    value.to_decimal().map_err(|e| e.to_string())
}

/// Which client order id an order carries.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub(crate) enum ClientOrderIdChoice {
    /// A fresh one, drawn when the call is made (the default): every order
    /// can then be found again exactly.
    #[default]
    Generate,
    /// The caller's.
    Given(String),
    /// None: the order is found again by its salt only.
    Omit,
}

/// What kind of order, with its amounts as given.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Kind {
    /// GTC or FAK at a limit price.
    Limit {
        order_type: OrderType,
        price: Amount,
        size: Amount,
    },
    /// Fill-or-kill for an amount: USDC to spend (BUY) or shares to sell (SELL).
    Fok { amount: Amount },
}

/// A limit order described field by field, so that price and size cannot
/// trade places unnoticed. Becomes [`CreateDelegatedOrderParams`] with
/// `.into()`; [`CreateDelegatedOrderParams::gtc`] and
/// [`fak`](CreateDelegatedOrderParams::fak) are the positional shorthand.
///
/// ```
/// use limitless_client::{CreateDelegatedOrderParams, Decimal, LimitOrder, OrderType, Side};
///
/// let order: CreateDelegatedOrderParams = LimitOrder {
///     order_type: OrderType::Gtc,
///     market_slug: "btc-above-100k".into(),
///     token_id: "123".into(),
///     side: Side::Buy,
///     price: Decimal::new(55, 2),
///     size: Decimal::from(10),
///     on_behalf_of: 326,
/// }
/// .into();
/// # let _ = order;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "schemars",
    derive(serde::Deserialize, schemars::JsonSchema),
    serde(rename_all = "camelCase", deny_unknown_fields)
)]
pub struct LimitOrder {
    /// GTC or FAK (FOK orders are [`FokOrder`]s).
    pub order_type: OrderType,
    /// The market's slug.
    pub market_slug: String,
    /// The outcome token to trade.
    pub token_id: String,
    /// Buy or sell.
    pub side: Side,
    /// The limit price, 0 < price ≤ 1, on the market's tick.
    pub price: Decimal,
    /// The number of shares, on the tick's share step.
    pub size: Decimal,
    /// The sub-account's profile id.
    pub on_behalf_of: i64,
}

/// A fill-or-kill order described field by field (see [`LimitOrder`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "schemars",
    derive(serde::Deserialize, schemars::JsonSchema),
    serde(rename_all = "camelCase", deny_unknown_fields)
)]
pub struct FokOrder {
    /// The market's slug.
    pub market_slug: String,
    /// The outcome token to trade.
    pub token_id: String,
    /// Buy or sell.
    pub side: Side,
    /// USDC to spend (BUY) or shares to sell (SELL), at most 6 decimals.
    pub amount: Decimal,
    /// The sub-account's profile id.
    pub on_behalf_of: i64,
}

/// A self-signed limit order described field by field, so that price and
/// size cannot trade places unnoticed. Becomes [`CreateSignedOrderParams`]
/// with `.into()`.
///
/// ```
/// use limitless_client::{CreateSignedOrderParams, Decimal, OrderType, Side, SignedLimitOrder};
///
/// let order: CreateSignedOrderParams = SignedLimitOrder {
///     order_type: OrderType::Gtc,
///     market_slug: "btc-above-100k".into(),
///     token_id: "123".into(),
///     side: Side::Buy,
///     price: Decimal::new(55, 2),
///     size: Decimal::from(10),
/// }
/// .into();
/// # let _ = order;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedLimitOrder {
    /// GTC or FAK (FOK orders are [`SignedFokOrder`]s).
    pub order_type: OrderType,
    /// The market's slug.
    pub market_slug: String,
    /// The outcome token to trade.
    pub token_id: String,
    /// Buy or sell.
    pub side: Side,
    /// The limit price, 0 < price ≤ 1, on the market's tick.
    pub price: Decimal,
    /// The number of shares, on the tick's share step.
    pub size: Decimal,
}

/// A self-signed fill-or-kill order described field by field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedFokOrder {
    /// The market's slug.
    pub market_slug: String,
    /// The outcome token to trade.
    pub token_id: String,
    /// Buy or sell.
    pub side: Side,
    /// USDC to spend (BUY) or shares to sell (SELL), at most 6 decimals.
    pub amount: Decimal,
}

/// An order: for a sub-account ([`CreateDelegatedOrderParams`], sent by
/// [`DelegatedOrderService::create_order`](crate::DelegatedOrderService::create_order))
/// or for the signer itself ([`CreateSignedOrderParams`], sent by
/// [`SignedOrderService::create_order`](crate::SignedOrderService::create_order)).
///
/// Prices, sizes and amounts may be given as `f64`, `&str`, `String`,
/// [`Decimal`] or integers; they are used exactly as given and never rounded:
/// a price off the tick or a size off the share step is rejected with the
/// nearest valid values. [`LimitOrder`] and [`FokOrder`] (and their
/// self-signed forms) name every field.
///
/// ```
/// use limitless_client::{CreateDelegatedOrderParams, CreateSignedOrderParams, Side};
///
/// let buy = CreateDelegatedOrderParams::gtc("btc-above-100k", "123", Side::Buy, 0.55, 10, 326)
///     .post_only(true);
/// let fok = CreateDelegatedOrderParams::fok("btc-above-100k", "123", Side::Buy, "12.5", 326)
///     .recv_window(1_500);
/// // The same order, signed by the caller for its own profile.
/// let own = CreateSignedOrderParams::gtc("btc-above-100k", "123", Side::Buy, 0.55, 10);
/// # let _ = (buy, fok, own);
/// ```
#[derive(Clone, Debug, PartialEq)]
#[must_use]
pub struct CreateOrderParams<O: OrderOwner> {
    pub(crate) market_slug: String,
    pub(crate) token_id: String,
    pub(crate) side: Side,
    pub(crate) owner: O,
    pub(crate) kind: Kind,
    pub(crate) post_only: bool,
    pub(crate) fee_rate_bps: Option<u32>,
    pub(crate) taker: Option<String>,
    pub(crate) tick_size: Option<Amount>,
    pub(crate) recv_window: Option<u64>,
    pub(crate) timestamp: Option<u64>,
    pub(crate) salt: Option<u64>,
    pub(crate) expiration: Option<u64>,
    pub(crate) nonce: Option<u64>,
    pub(crate) stp_policy: Option<StpPolicy>,
    pub(crate) client_order_id: ClientOrderIdChoice,
}

impl From<LimitOrder> for CreateDelegatedOrderParams {
    fn from(order: LimitOrder) -> Self {
        let kind = Kind::Limit {
            order_type: order.order_type,
            price: Ok(order.price),
            size: Ok(order.size),
        };
        Self::new(
            order.market_slug,
            order.token_id,
            order.side,
            SubAccount(order.on_behalf_of),
            kind,
        )
    }
}

impl From<FokOrder> for CreateDelegatedOrderParams {
    fn from(order: FokOrder) -> Self {
        let kind = Kind::Fok {
            amount: Ok(order.amount),
        };
        Self::new(
            order.market_slug,
            order.token_id,
            order.side,
            SubAccount(order.on_behalf_of),
            kind,
        )
    }
}

impl From<SignedLimitOrder> for CreateSignedOrderParams {
    fn from(order: SignedLimitOrder) -> Self {
        let kind = Kind::Limit {
            order_type: order.order_type,
            price: Ok(order.price),
            size: Ok(order.size),
        };
        Self::new(
            order.market_slug,
            order.token_id,
            order.side,
            SignerProfile,
            kind,
        )
    }
}

impl From<SignedFokOrder> for CreateSignedOrderParams {
    fn from(order: SignedFokOrder) -> Self {
        let kind = Kind::Fok {
            amount: Ok(order.amount),
        };
        Self::new(
            order.market_slug,
            order.token_id,
            order.side,
            SignerProfile,
            kind,
        )
    }
}

/// A limit order's kind, with its amounts as given.
fn limit(order_type: OrderType, price: impl ToDecimal, size: impl ToDecimal) -> Kind {
    Kind::Limit {
        order_type,
        price: amount(price),
        size: amount(size),
    }
}

impl CreateDelegatedOrderParams {
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
        let kind = limit(OrderType::Gtc, price, size);
        Self::new(market_slug, token_id, side, SubAccount(on_behalf_of), kind)
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
        let kind = limit(OrderType::Fak, price, size);
        Self::new(market_slug, token_id, side, SubAccount(on_behalf_of), kind)
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
        Self::new(market_slug, token_id, side, SubAccount(on_behalf_of), kind)
    }
}

impl CreateSignedOrderParams {
    /// A good-till-cancelled limit order: `size` shares at `price`.
    pub fn gtc(
        market_slug: impl Into<String>,
        token_id: impl Into<String>,
        side: Side,
        price: impl ToDecimal,
        size: impl ToDecimal,
    ) -> Self {
        let kind = limit(OrderType::Gtc, price, size);
        Self::new(market_slug, token_id, side, SignerProfile, kind)
    }

    /// A fill-and-kill limit order: fills what it can at `price` or better
    /// now, cancels the rest.
    pub fn fak(
        market_slug: impl Into<String>,
        token_id: impl Into<String>,
        side: Side,
        price: impl ToDecimal,
        size: impl ToDecimal,
    ) -> Self {
        let kind = limit(OrderType::Fak, price, size);
        Self::new(market_slug, token_id, side, SignerProfile, kind)
    }

    /// A fill-or-kill market order: `amount` USDC to spend (BUY) or shares
    /// to sell (SELL), at most 6 decimals.
    pub fn fok(
        market_slug: impl Into<String>,
        token_id: impl Into<String>,
        side: Side,
        amount_value: impl ToDecimal,
    ) -> Self {
        let kind = Kind::Fok {
            amount: amount(amount_value),
        };
        Self::new(market_slug, token_id, side, SignerProfile, kind)
    }
}

impl<O: OrderOwner> CreateOrderParams<O> {
    fn new(
        market_slug: impl Into<String>,
        token_id: impl Into<String>,
        side: Side,
        owner: O,
        kind: Kind,
    ) -> Self {
        Self {
            market_slug: market_slug.into(),
            token_id: token_id.into(),
            side,
            owner,
            kind,
            post_only: false,
            fee_rate_bps: None,
            taker: None,
            tick_size: None,
            recv_window: None,
            timestamp: None,
            salt: None,
            expiration: None,
            nonce: None,
            stp_policy: None,
            client_order_id: ClientOrderIdChoice::Generate,
        }
    }

    /// Only rest on the book, never take (GTC only; `postOnly` is sent only
    /// when `true`).
    pub fn post_only(mut self, post_only: bool) -> Self {
        self.post_only = post_only;
        self
    }

    /// The fee rate in basis points, 1 to 10 000. Unset: 300 for a
    /// sub-account's order; for a self-signed one, the profile rank's fee,
    /// else 300. On a collateral-fee venue the client sends 0 whatever is
    /// set here, as the API requires.
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

    /// A receive window in milliseconds (1 to
    /// [`MAX_RECV_WINDOW_MS`](limitless_types::limits::MAX_RECV_WINDOW_MS)):
    /// the API rejects the order if it arrives later than
    /// `timestamp + recv_window`. The timestamp defaults to the client
    /// clock's time when the order is sent.
    pub fn recv_window(mut self, recv_window_ms: u64) -> Self {
        self.recv_window = Some(recv_window_ms);
        self
    }

    /// The order's timestamp in Unix milliseconds, for the receive window
    /// (only with [`recv_window`](Self::recv_window); by default the client
    /// clock's time when the order is built).
    pub fn timestamp(mut self, timestamp_ms: u64) -> Self {
        self.timestamp = Some(timestamp_ms);
        self
    }

    /// When the order expires, in Unix seconds (sent as a decimal string).
    /// Unset or `0`: never. A time that is not after the client clock's
    /// time when the order is built is refused before sending.
    pub fn expiration(mut self, unix_seconds: u64) -> Self {
        self.expiration = Some(unix_seconds);
        self
    }

    /// The order's nonce, 0 (the default) to
    /// [`MAX_NONCE`](limitless_types::limits::MAX_NONCE).
    pub fn nonce(mut self, nonce: u64) -> Self {
        self.nonce = Some(nonce);
        self
    }

    /// The order's salt: 1 to [`MAX_SALT`](limitless_types::limits::MAX_SALT)
    /// (2^53 − 1, the largest integer a JSON number carries exactly). By
    /// default each send draws a fresh one (a process-wide increasing
    /// microsecond timestamp).
    ///
    /// Fix it to know before sending which order to look for if the outcome
    /// turns out unknown, and to send exactly the same order again once you
    /// have checked that it was not placed:
    ///
    /// ```no_run
    /// use limitless_client::{Client, CreateDelegatedOrderParams, Error, Side};
    ///
    /// # async fn demo(client: &Client, salt: u64) -> Result<(), Error> {
    /// let order = CreateDelegatedOrderParams::gtc("btc-above-100k", "123", Side::Buy, "0.55", 10, 326)
    ///     .salt(salt);
    /// match client.delegated_orders.create_order(&order).await {
    ///     Ok(placed) => println!("placed {}", placed.order.id),
    ///     // Sent, but no usable answer: it may or may not have been placed.
    ///     Err(error) if error.is_outcome_unknown() => {
    ///         assert_eq!(error.sent_orders()[0].salt, salt);
    ///         // Look the salt up; send the very same order again only if it
    ///         // is known not to have been placed.
    ///         let found = client.delegated_orders.reconcile(error.sent_orders()).await;
    ///         if found[0].is_not_placed() {
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

    /// Your id for the order (`clientOrderId`, 1 to
    /// [`MAX_CLIENT_ORDER_ID_LENGTH`](limitless_types::limits::MAX_CLIENT_ORDER_ID_LENGTH)
    /// characters, unique per sub-account). Unset, each call draws a fresh
    /// one (`lmts-` and 32 random hex digits), so that an order whose
    /// outcome is unknown is found again exactly, by
    /// `POST /orders/status/batch`. The API refuses a second order with the
    /// same id ([`Error::DuplicateClientOrderId`](crate::Error::DuplicateClientOrderId)).
    pub fn client_order_id(mut self, client_order_id: impl Into<String>) -> Self {
        self.client_order_id = ClientOrderIdChoice::Given(client_order_id.into());
        self
    }

    /// Sends no `clientOrderId`: the order is then found again by its salt
    /// only (a read of the sub-account's orders on the market).
    pub fn without_client_order_id(mut self) -> Self {
        self.client_order_id = ClientOrderIdChoice::Omit;
        self
    }

    /// Self-trade prevention: what happens if the order would match a
    /// resting order of the same sub-account (sent as the top-level
    /// `stpPolicy`, outside the order itself). Unset, the API's default
    /// applies. A policy read from text parses with
    /// [`str::parse`] (`"cancel_maker".parse::<StpPolicy>()`).
    pub fn stp_policy(mut self, stp_policy: StpPolicy) -> Self {
        self.stp_policy = Some(stp_policy);
        self
    }
}

/// Cancels one order and places a replacement atomically: for a
/// sub-account ([`DelegatedCancelReplaceParams`], see
/// [`DelegatedOrderService::cancel_replace`](crate::DelegatedOrderService::cancel_replace))
/// or for the signer itself ([`SignedCancelReplaceParams`], see
/// [`SignedOrderService::cancel_replace`](crate::SignedOrderService::cancel_replace)).
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
pub struct CancelReplaceParams<O: OrderOwner> {
    pub(crate) cancel: CancelTarget,
    pub(crate) replacement: CreateOrderParams<O>,
    pub(crate) mode: CancelReplaceMode,
    pub(crate) client_order_id: Option<String>,
    pub(crate) stp_policy: Option<StpPolicy>,
}

impl<O: OrderOwner> CancelReplaceParams<O> {
    /// Cancels `cancel` and places `replacement` for the same owner
    /// (`replacement`'s). Mode: stop on failure.
    pub fn new(cancel: CancelTarget, replacement: CreateOrderParams<O>) -> Self {
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

    /// Your id for the replacement order (at most
    /// [`MAX_CLIENT_ORDER_ID_LENGTH`](limitless_types::limits::MAX_CLIENT_ORDER_ID_LENGTH)
    /// characters).
    pub fn client_order_id(mut self, client_order_id: impl Into<String>) -> Self {
        self.client_order_id = Some(client_order_id.into());
        self
    }

    /// Self-trade prevention for the replacement (overrides one set on the
    /// replacement order itself).
    pub fn stp_policy(mut self, stp_policy: StpPolicy) -> Self {
        self.stp_policy = Some(stp_policy);
        self
    }
}
