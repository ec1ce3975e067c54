//! What a caller describes for an order it signs itself: the delegated
//! builders without `on_behalf_of` (the owner is the signer's profile),
//! sharing their validation and amount math.

use std::fmt;

use limitless_types::amounts::ToDecimal;
use limitless_types::orders::{CancelReplaceMode, CancelTarget, OrderType, Side, StpPolicy};
use rust_decimal::Decimal;

use super::params::{CreateDelegatedOrderParams, DelegatedCancelReplaceParams};
use super::prepare::{Owner, PreparedCancelReplace, PreparedOrder};
use crate::Error;

/// Placeholder owner: never sent, the profile's id replaces it.
const UNSET_OWNER: i64 = 0;

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

/// An order the signer places for itself (see
/// [`SignedOrderService::create_order`](crate::SignedOrderService::create_order)).
///
/// The same rules as [`CreateDelegatedOrderParams`]: amounts used exactly
/// as given, never rounded; a price off the tick or a size off the share
/// step is refused with the nearest valid values.
///
/// ```
/// use limitless_client::{CreateSignedOrderParams, Side};
///
/// let buy = CreateSignedOrderParams::gtc("btc-above-100k", "123", Side::Buy, 0.55, 10)
///     .post_only(true);
/// let fok = CreateSignedOrderParams::fok("btc-above-100k", "123", Side::Buy, "12.5");
/// # let _ = (buy, fok);
/// ```
#[derive(Clone, PartialEq)]
#[must_use]
pub struct CreateSignedOrderParams {
    // The delegated builder with a placeholder owner: one copy of the
    // validation and amount math for both kinds of order.
    pub(crate) inner: CreateDelegatedOrderParams,
}

impl fmt::Debug for CreateSignedOrderParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("CreateSignedOrderParams")
            .field("market_slug", &inner.market_slug)
            .field("token_id", &inner.token_id)
            .field("side", &inner.side)
            .field("kind", &inner.kind)
            .field("post_only", &inner.post_only)
            .field("fee_rate_bps", &inner.fee_rate_bps)
            .field("salt", &inner.salt)
            .field("stp_policy", &inner.stp_policy)
            .field("client_order_id", &inner.client_order_id)
            .finish_non_exhaustive()
    }
}

impl From<SignedLimitOrder> for CreateSignedOrderParams {
    fn from(order: SignedLimitOrder) -> Self {
        Self {
            inner: crate::LimitOrder {
                order_type: order.order_type,
                market_slug: order.market_slug,
                token_id: order.token_id,
                side: order.side,
                price: order.price,
                size: order.size,
                on_behalf_of: UNSET_OWNER,
            }
            .into(),
        }
    }
}

impl From<SignedFokOrder> for CreateSignedOrderParams {
    fn from(order: SignedFokOrder) -> Self {
        Self {
            inner: crate::FokOrder {
                market_slug: order.market_slug,
                token_id: order.token_id,
                side: order.side,
                amount: order.amount,
                on_behalf_of: UNSET_OWNER,
            }
            .into(),
        }
    }
}

/// Builder methods that only pass through to the delegated builder.
macro_rules! forward {
    ($($(#[$doc:meta])* $name:ident($arg:ident: $ty:ty);)*) => {
        $(
            $(#[$doc])*
            pub fn $name(mut self, $arg: $ty) -> Self {
                self.inner = self.inner.$name($arg);
                self
            }
        )*
    };
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
        Self {
            inner: CreateDelegatedOrderParams::gtc(
                market_slug,
                token_id,
                side,
                price,
                size,
                UNSET_OWNER,
            ),
        }
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
        Self {
            inner: CreateDelegatedOrderParams::fak(
                market_slug,
                token_id,
                side,
                price,
                size,
                UNSET_OWNER,
            ),
        }
    }

    /// A fill-or-kill market order: `amount` USDC to spend (BUY) or shares
    /// to sell (SELL), at most 6 decimals.
    pub fn fok(
        market_slug: impl Into<String>,
        token_id: impl Into<String>,
        side: Side,
        amount: impl ToDecimal,
    ) -> Self {
        Self {
            inner: CreateDelegatedOrderParams::fok(
                market_slug,
                token_id,
                side,
                amount,
                UNSET_OWNER,
            ),
        }
    }

    forward! {
        /// Only rest on the book, never take (GTC only).
        post_only(post_only: bool);
        /// The fee rate in basis points, 1 to 10 000. Unset: the profile
        /// rank's fee, else 300. On a collateral-fee venue 0 is sent
        /// whatever is set here, as the API requires.
        fee_rate_bps(fee_rate_bps: u32);
        /// Restricts the counterparty (default: anyone).
        taker(taker: impl Into<String>);
        /// The market's price tick (default 0.001).
        tick_size(tick_size: impl ToDecimal);
        /// A receive window in milliseconds (see
        /// [`CreateDelegatedOrderParams::recv_window`]).
        recv_window(recv_window_ms: u64);
        /// The order's timestamp in Unix milliseconds (only with a receive
        /// window).
        timestamp(timestamp_ms: u64);
        /// When the order expires, in Unix seconds; unset or 0: never.
        expiration(unix_seconds: u64);
        /// The order's nonce (default 0).
        nonce(nonce: u64);
        /// The order's salt (see [`CreateDelegatedOrderParams::salt`]): fix
        /// it to find the order again when its outcome is unknown.
        salt(salt: u64);
        /// Self-trade prevention against the signer's own resting orders
        /// (top-level `stpPolicy`, not signed).
        stp_policy(stp_policy: StpPolicy);
        /// Your id for the order (see
        /// [`CreateDelegatedOrderParams::client_order_id`]); unset, each
        /// call draws a fresh one.
        client_order_id(client_order_id: impl Into<String>);
    }

    /// Sends no `clientOrderId`: the order is then found again by its salt
    /// only.
    pub fn without_client_order_id(mut self) -> Self {
        self.inner = self.inner.without_client_order_id();
        self
    }

    pub(crate) fn prepare(&self) -> Result<PreparedOrder, Error> {
        self.inner.prepare_as(Owner::SelfSigned)
    }
}

/// Cancels one of the signer's orders and places a self-signed replacement
/// (see
/// [`SignedOrderService::cancel_replace`](crate::SignedOrderService::cancel_replace)).
#[derive(Clone, Debug, PartialEq)]
#[must_use]
pub struct SignedCancelReplaceParams {
    inner: DelegatedCancelReplaceParams,
}

impl SignedCancelReplaceParams {
    /// Cancels `cancel` and places `replacement`. Mode: stop on failure.
    pub fn new(cancel: CancelTarget, replacement: CreateSignedOrderParams) -> Self {
        Self {
            inner: DelegatedCancelReplaceParams::new(cancel, replacement.inner),
        }
    }

    forward! {
        /// Whether the replacement is attempted when the cancel fails.
        mode(mode: CancelReplaceMode);
        /// Your id for the replacement order.
        client_order_id(client_order_id: impl Into<String>);
        /// Self-trade prevention for the replacement.
        stp_policy(stp_policy: StpPolicy);
    }

    pub(crate) fn prepare(&self) -> Result<PreparedCancelReplace, Error> {
        self.inner.prepare_as(Owner::SelfSigned)
    }
}
