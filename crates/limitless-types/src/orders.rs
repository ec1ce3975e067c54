//! Delegated order requests and responses (`POST /orders`,
//! `POST /orders/cancel-replace[/batch]`).
//!
//! Struct field order is wire key order: `serde_json` writes fields in
//! declaration order, and the API's examples use exactly that order.

use std::fmt;

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::amounts::{MicroShares, OrderAmounts};
use crate::macros::open_enum;
use crate::serde_util::{
    lenient, lenient_opt, null_default, opt_decimal_number, soft, soft_objects, soft_or_default,
    soft_struct, soft_vec, string_or_empty,
};

/// The zero address, used for `maker`, `signer` and `taker` of delegated
/// orders (the server fills in the sub-account's wallet).
pub const ZERO_ADDRESS: &str = "0x0000000000000000000000000000000000000000";
/// Fee rate sent when no other is known, in basis points. Markets whose
/// venue charges fees in collateral take 0 instead (see
/// [`Venue::fee_rate_bps`](crate::Venue::fee_rate_bps)).
pub const DEFAULT_FEE_RATE_BPS: u32 = 300;
/// Price tick used when a market does not state one: 0.001.
pub const DEFAULT_TICK_SIZE: Decimal = Decimal::from_parts(1, 0, 0, false, 3);
/// Order expiration meaning "never" (a decimal string on the wire).
pub const NO_EXPIRATION: &str = "0";
/// `signatureType` of an order signed by an EOA (the only value sent).
pub const SIGNATURE_TYPE_EOA: u8 = 0;

/// The order side lives below the amount math; named here too, beside the
/// orders that carry it.
pub use crate::side::Side;

/// How an order executes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub enum OrderType {
    /// Good till cancelled: a limit order that rests on the book.
    #[serde(rename = "GTC")]
    Gtc,
    /// Fill or kill: a market order filled completely at once or not at all.
    #[serde(rename = "FOK")]
    Fok,
    /// Fill and kill: a limit order whose unfilled rest is cancelled.
    #[serde(rename = "FAK")]
    Fak,
}

impl OrderType {
    /// `"GTC"`, `"FOK"` or `"FAK"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Gtc => "GTC",
            Self::Fok => "FOK",
            Self::Fak => "FAK",
        }
    }
}

impl fmt::Display for OrderType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The order inside a delegated create or replace request (no signature:
/// the server signs for the sub-account).
///
/// `price` is sent as a JSON number carrying the decimal exactly (`0.55`,
/// never `"0.55"` or `0.55000000000000004`); a price with more significant
/// digits than an `f64` carries exactly fails to serialize rather than
/// being rounded. Prices below 0.00001 come out in exponent form (`1e-6`),
/// still the exact number. It is omitted when `None` (FOK orders).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnsignedOrder {
    /// Unique per order; a JSON integer.
    #[serde(deserialize_with = "lenient")]
    pub salt: u64,
    /// Maker address ([`ZERO_ADDRESS`] for delegated orders).
    pub maker: String,
    /// Signer address ([`ZERO_ADDRESS`] for delegated orders).
    pub signer: String,
    /// Taker address ([`ZERO_ADDRESS`]: anyone).
    pub taker: String,
    /// Position token id, decimal digits.
    #[serde(deserialize_with = "lenient")]
    pub token_id: String,
    /// What the maker gives, in micro-units (see [`crate::amounts`]).
    #[serde(deserialize_with = "lenient")]
    pub maker_amount: u64,
    /// What the maker receives, in micro-units.
    #[serde(deserialize_with = "lenient")]
    pub taker_amount: u64,
    /// Unix expiry as a decimal string; [`NO_EXPIRATION`] for none.
    #[serde(deserialize_with = "lenient")]
    pub expiration: String,
    /// Order nonce (0).
    #[serde(deserialize_with = "lenient")]
    pub nonce: u64,
    /// Fee rate in basis points.
    #[serde(deserialize_with = "lenient")]
    pub fee_rate_bps: u32,
    /// Side, as 0/1.
    pub side: Side,
    /// Signature scheme ([`SIGNATURE_TYPE_EOA`]).
    #[serde(deserialize_with = "lenient")]
    pub signature_type: u8,
    /// Limit price in (0, 1]; `None` for FOK orders.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "opt_decimal_number",
        deserialize_with = "lenient_opt"
    )]
    pub price: Option<Decimal>,
}

impl UnsignedOrder {
    /// A delegated order: zero-address maker, signer and taker, no
    /// expiration, nonce 0, EOA signature type; amounts from
    /// [`limit_order_amounts`](crate::limit_order_amounts) (with `price`) or
    /// an FOK maker amount (without).
    #[must_use]
    pub fn delegated(
        salt: u64,
        token_id: impl Into<String>,
        side: Side,
        amounts: OrderAmounts,
        fee_rate_bps: u32,
        price: Option<Decimal>,
    ) -> Self {
        Self {
            salt,
            maker: ZERO_ADDRESS.to_owned(),
            signer: ZERO_ADDRESS.to_owned(),
            taker: ZERO_ADDRESS.to_owned(),
            token_id: token_id.into(),
            maker_amount: amounts.maker_amount,
            taker_amount: amounts.taker_amount,
            expiration: NO_EXPIRATION.to_owned(),
            nonce: 0,
            fee_rate_bps,
            side,
            signature_type: SIGNATURE_TYPE_EOA,
            price,
        }
    }
}

/// Body of a delegated `POST /orders`.
///
/// Wire key order: `order`, `orderType`, `marketSlug`, `ownerId`,
/// `onBehalfOf`, `postOnly`, `clientOrderId`, `timestamp`, `recvWindow`,
/// `stpPolicy`; unset options are omitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateOrderRequest {
    /// The order.
    pub order: UnsignedOrder,
    /// GTC, FOK or FAK.
    pub order_type: OrderType,
    /// The market's slug.
    pub market_slug: String,
    /// The owning profile id (the sub-account for delegated orders).
    #[serde(deserialize_with = "lenient")]
    pub owner_id: i64,
    /// The sub-account the partner acts for.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_opt"
    )]
    pub on_behalf_of: Option<i64>,
    /// GTC only: reject instead of matching immediately. Send `Some(true)`
    /// or leave `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_only: Option<bool>,
    /// Your id for the order, at most 128 characters, unique per owner: a
    /// second order with the same id is refused with 409 (the docs'
    /// create-order page, spec `CreateOrderDto`). It finds the order again
    /// in `POST /orders/status/batch` and cancels it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_order_id: Option<String>,
    /// Client time in Unix milliseconds, for the receive window.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_opt"
    )]
    pub timestamp: Option<u64>,
    /// Receive window in milliseconds (1..=10000).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_opt"
    )]
    pub recv_window: Option<u64>,
    /// Self-trade prevention: what happens when the order would match a
    /// resting order of the same owner. Top level, never signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stp_policy: Option<StpPolicy>,
}

/// An order with its EIP-712 signature, as sent inside a self-signed
/// `POST /orders` (an EOA signs its own orders; PROTOCOL §2.7).
///
/// Serialises as the [`UnsignedOrder`]'s keys followed by `signature`:
/// `salt, maker, signer, taker, tokenId, makerAmount, takerAmount,
/// expiration, nonce, feeRateBps, side, signatureType, price, signature`
/// (`price` omitted for FOK orders). `maker` and `signer` are the signing
/// wallet's address; `price` is not part of what is signed. Building the
/// signature is the job of `limitless-eip712`; this type only carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedOrder {
    /// The signed fields (and the unsigned `price`).
    #[serde(flatten)]
    pub order: UnsignedOrder,
    /// `0x` + 130 hex: the 65-byte `r‖s‖v` signature, `v` = 27 or 28.
    pub signature: String,
}

/// Body of a self-signed `POST /orders`: the order carries its own
/// signature and `ownerId` is the signer's own profile; there is no
/// `onBehalfOf`.
///
/// Wire key order: `order`, `orderType`, `marketSlug`, `ownerId`,
/// `postOnly`, `clientOrderId`, `timestamp`, `recvWindow`, `stpPolicy`;
/// unset options are omitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateSignedOrderRequest {
    /// The signed order.
    pub order: SignedOrder,
    /// GTC, FOK or FAK.
    pub order_type: OrderType,
    /// The market's slug.
    pub market_slug: String,
    /// The signer's profile id (`GET /profiles/me` → `id`).
    #[serde(deserialize_with = "lenient")]
    pub owner_id: i64,
    /// GTC only: reject instead of matching immediately. Send `Some(true)`
    /// or leave `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_only: Option<bool>,
    /// Your id for the order, at most 128 characters, unique per owner: a
    /// second order with the same id is refused with 409 (the docs'
    /// create-order page, spec `CreateOrderDto`). It finds the order again
    /// in `POST /orders/status/batch` and cancels it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_order_id: Option<String>,
    /// Client time in Unix milliseconds, for the receive window.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_opt"
    )]
    pub timestamp: Option<u64>,
    /// Receive window in milliseconds (1..=10000).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_opt"
    )]
    pub recv_window: Option<u64>,
    /// Self-trade prevention; not part of the signed order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stp_policy: Option<StpPolicy>,
}

/// Which order a cancel-replace cancels: `{"orderId": ...}` or
/// `{"clientOrderId": ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum CancelTarget {
    /// The API's order id.
    OrderId(String),
    /// The client order id given when it was placed.
    ClientOrderId(String),
}

/// Self-trade prevention: what the matching engine does when an incoming
/// order would trade with a resting order of the same owner. Sent at the
/// top level of an order or replacement (`"stpPolicy"`), never inside the
/// signed order. Unset, the API applies its own default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StpPolicy {
    /// Cancel both orders (`cancel_both`).
    CancelBoth,
    /// Cancel the resting (maker) order and keep matching (`cancel_maker`).
    CancelMaker,
    /// Cancel the incoming (taker) order (`cancel_taker`).
    CancelTaker,
}

impl StpPolicy {
    /// Every policy, in wire order.
    pub const ALL: [Self; 3] = [Self::CancelBoth, Self::CancelMaker, Self::CancelTaker];

    /// The wire string: `cancel_both`, `cancel_maker` or `cancel_taker`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::CancelBoth => "cancel_both",
            Self::CancelMaker => "cancel_maker",
            Self::CancelTaker => "cancel_taker",
        }
    }
}

impl fmt::Display for StpPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for StpPolicy {
    type Err = crate::ValidationError;

    /// Parses the wire string exactly (`cancel_maker`); anything else is
    /// refused with the accepted values.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|policy| policy.as_str() == text)
            .ok_or_else(|| {
                crate::ValidationError::new(
                    "stp_policy",
                    format!(
                        "unknown self-trade prevention policy {text:?}; use cancel_both, cancel_maker or cancel_taker"
                    ),
                )
            })
    }
}

/// What happens to the replacement when the cancel fails.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CancelReplaceMode {
    /// Place the replacement even if the cancel failed.
    AllowFailure,
    /// Skip the replacement if the cancel failed (the default).
    #[default]
    StopOnFailure,
}

/// The new order in a cancel-replace. Unset options are omitted.
///
/// `O` is the order: an [`UnsignedOrder`] for a delegated replacement, a
/// [`SignedOrder`] (signature inside `order`) for a self-signed one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplacementOrder<O = UnsignedOrder> {
    /// The order.
    pub order: O,
    /// GTC, FOK or FAK.
    pub order_type: OrderType,
    /// The market's slug.
    pub market_slug: String,
    /// The owning profile id.
    #[serde(deserialize_with = "lenient")]
    pub owner_id: i64,
    /// GTC only: post-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_only: Option<bool>,
    /// A client order id (at most 128 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_order_id: Option<String>,
    /// Client time in Unix milliseconds.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_opt"
    )]
    pub timestamp: Option<u64>,
    /// Receive window in milliseconds.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_opt"
    )]
    pub recv_window: Option<u64>,
    /// Self-trade prevention.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stp_policy: Option<StpPolicy>,
}

/// Body of `POST /orders/cancel-replace` (and one batch operation).
///
/// `O` is the replacement's order (see [`ReplacementOrder`]); a
/// self-signed replacement has no `onBehalfOf`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CancelReplaceRequest<O = UnsignedOrder> {
    /// The order to cancel.
    pub cancel: CancelTarget,
    /// The order to place.
    pub replacement: ReplacementOrder<O>,
    /// Failure mode; always sent.
    #[serde(default)]
    pub mode: CancelReplaceMode,
    /// The sub-account the partner acts for; sent once, at top level.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_opt"
    )]
    pub on_behalf_of: Option<i64>,
}

/// Body of `POST /orders/cancel-replace/batch`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelReplaceBatchRequest<O = UnsignedOrder> {
    /// The operations, in order; must not be empty.
    pub operations: Vec<CancelReplaceRequest<O>>,
}

/// Response of `POST /orders` (and the `data` of a replacement and of an
/// order status).
///
/// Two shapes decode: today's `{order, makerMatches, execution}` wrapper,
/// where `order` is required and the matches and execution report are
/// soft; and the bare order entity the API answered with before the
/// wrapper existed (a production capture from 2025 in the official web
/// app, `fixtures/responses/orders-create/limitless-frontend-1.json`),
/// which reads as an `order` with no matches and no execution. A bare
/// order must carry its `id`, the one thing that tells an order apart
/// from any other object. Either way the result encodes as the wrapper
/// (the `Deserialize` impl is by hand, after the type definitions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderResponse {
    /// The order as stored.
    pub order: Order,
    /// Resting orders it matched against (entries that are not objects are
    /// skipped).
    pub maker_matches: Vec<OrderMatch>,
    /// Execution report, when the API sends one.
    pub execution: Option<OrderExecution>,
}

/// An order as the API stores it: the `order` of a placement
/// (`POST /orders`), of an order status, and each item of
/// `GET /markets/{slug}/user-orders`.
///
/// What identifies an order and what it is worth are read strictly:
/// `id`, `makerAmount` and `takerAmount` may be missing (an outdated docs
/// example of `POST /orders` has no `id`; the docs example of user-orders
/// has no amounts) but when present they must read as an id and as whole
/// micro-units, or the order fails to decode rather than carry a wrong
/// value. Every other field is soft: missing, `null` or of an unexpected
/// shape, it reads as `None` (or `""`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    /// Order id (`""` if the API did not send one).
    #[serde(default, deserialize_with = "string_or_empty")]
    pub id: String,
    /// Creation time (ISO-8601).
    #[serde(default, deserialize_with = "soft")]
    pub created_at: Option<String>,
    /// Maker amount in micro-units (JSON number or numeric string).
    #[serde(default, deserialize_with = "lenient_opt")]
    pub maker_amount: Option<u64>,
    /// Taker amount in micro-units (JSON number or numeric string).
    #[serde(default, deserialize_with = "lenient_opt")]
    pub taker_amount: Option<u64>,
    /// Expiration (`"0"` = none), as sent.
    #[serde(default, deserialize_with = "soft")]
    pub expiration: Option<String>,
    /// Signature scheme.
    #[serde(default, deserialize_with = "soft")]
    pub signature_type: Option<u8>,
    /// Salt (a number or a numeric string on the wire).
    #[serde(default, deserialize_with = "soft")]
    pub salt: Option<u64>,
    /// Maker address.
    #[serde(default, deserialize_with = "soft")]
    pub maker: Option<String>,
    /// Signer address.
    #[serde(default, deserialize_with = "soft")]
    pub signer: Option<String>,
    /// Taker address.
    #[serde(default, deserialize_with = "soft")]
    pub taker: Option<String>,
    /// Position token id (`tokenId`; `""` if not sent). The user-orders
    /// listing names it `token`: see [`token`](Self::token).
    #[serde(default, deserialize_with = "soft_or_default")]
    pub token_id: String,
    /// Position token id as the user-orders listing sends it (`token`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "soft"
    )]
    pub token: Option<String>,
    /// Side (`0`/`1` or `"BUY"`/`"SELL"` on the wire).
    #[serde(default, deserialize_with = "soft")]
    pub side: Option<Side>,
    /// Fee rate in basis points.
    #[serde(default, deserialize_with = "soft")]
    pub fee_rate_bps: Option<u32>,
    /// Nonce.
    #[serde(default, deserialize_with = "soft")]
    pub nonce: Option<u64>,
    /// Signature.
    #[serde(default, deserialize_with = "soft")]
    pub signature: Option<String>,
    /// Order type, verbatim (`GTC`, `FOK`, `FAK`…).
    #[serde(default, deserialize_with = "soft")]
    pub order_type: Option<String>,
    /// Limit price.
    #[serde(
        default,
        serialize_with = "opt_decimal_number",
        deserialize_with = "soft"
    )]
    pub price: Option<Decimal>,
    /// Market id (an integer or a numeric string on the wire).
    #[serde(default, deserialize_with = "soft")]
    pub market_id: Option<i64>,
    /// Profile id of the order's owner.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "soft"
    )]
    pub owner_id: Option<i64>,
    /// Order status, verbatim (e.g. `LIVE`).
    #[serde(default, deserialize_with = "soft")]
    pub status: Option<String>,
    /// Filled size as sent by the API.
    #[serde(default, deserialize_with = "soft")]
    pub filled_size: Option<String>,
    /// Size when placed, in micro-shares (listed orders).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "soft"
    )]
    pub original_size: Option<MicroShares>,
    /// Size still open, in micro-shares (listed orders).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "soft"
    )]
    pub remaining_size: Option<MicroShares>,
}

/// Response of `GET /markets/{slug}/user-orders`: the caller's orders on a
/// market.
///
/// The API sends a bare array (real captures); the docs show
/// `{"orders": [...]}` with fewer fields per order. Both decode, into
/// `orders`, and encode back as the bare array. Entries that are not
/// objects are skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct UserOrders {
    /// The orders.
    pub orders: Vec<Order>,
}

impl<'de> Deserialize<'de> for UserOrders {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Wrapped {
            #[serde(default, deserialize_with = "soft_objects")]
            orders: Vec<Order>,
        }
        struct ListOrWrapper;
        impl<'de> Visitor<'de> for ListOrWrapper {
            type Value = UserOrders;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of orders or {\"orders\": [...]}")
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<UserOrders, A::Error> {
                let orders = soft_objects(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(UserOrders { orders })
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<UserOrders, A::Error> {
                let wrapped = Wrapped::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(UserOrders {
                    orders: wrapped.orders,
                })
            }
        }
        d.deserialize_any(ListOrWrapper)
    }
}

/// Response of `POST /orders/status/batch`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self")]
pub struct OrderStatusBatch {
    /// One result per requested order (entries that are not objects are
    /// skipped).
    #[serde(default, deserialize_with = "soft_objects")]
    pub results: Vec<OrderStatus>,
}

/// One result of `POST /orders/status/batch`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderStatus {
    /// Index of the order id in the request.
    #[serde(default, deserialize_with = "soft")]
    pub index: Option<usize>,
    /// Lookup status, verbatim (e.g. `found`).
    #[serde(default, deserialize_with = "soft")]
    pub status: Option<String>,
    /// The requested order id.
    #[serde(default, deserialize_with = "soft")]
    pub order_id: Option<String>,
    /// The order, its matches and execution, when found. An object here is
    /// read as strictly as a placement response.
    #[serde(default, deserialize_with = "soft_struct")]
    pub data: Option<OrderResponse>,
    /// The requested client order id, when the item named one.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "soft"
    )]
    pub client_order_id: Option<String>,
    /// Why the item is `invalid` (e.g. both or neither key given).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "soft"
    )]
    pub error: Option<String>,
}

/// What `POST /orders/status/batch` found for one item: the spec's
/// `found` | `not_found` | `invalid`, and any status a later API adds.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OrderLookup<'a> {
    /// `found`: the order exists; its data when the API sent it.
    Found(Option<&'a OrderResponse>),
    /// `not_found`: the owner has no such order.
    NotFound,
    /// `invalid`: the item was refused, with the API's reason.
    Invalid(Option<&'a str>),
    /// A status this version does not know (or none), verbatim.
    Other(Option<&'a str>),
}

impl OrderStatus {
    /// The wire status `found`.
    pub const FOUND: &'static str = "found";
    /// The wire status `not_found`.
    pub const NOT_FOUND: &'static str = "not_found";
    /// The wire status `invalid`.
    pub const INVALID: &'static str = "invalid";

    /// The item's result, typed.
    #[must_use]
    pub fn lookup(&self) -> OrderLookup<'_> {
        match self.status.as_deref() {
            Some(Self::FOUND) => OrderLookup::Found(self.data.as_ref()),
            Some(Self::NOT_FOUND) => OrderLookup::NotFound,
            Some(Self::INVALID) => OrderLookup::Invalid(self.error.as_deref()),
            other => OrderLookup::Other(other),
        }
    }
}

/// Body of `POST /orders/status/batch`: 1 to
/// [`MAX_ORDER_STATUS_BATCH`](crate::limits::MAX_ORDER_STATUS_BATCH) items,
/// each `{"orderId": …}` or `{"clientOrderId": …}` (spec
/// `BatchOrderStatusRequestDto`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderStatusBatchRequest {
    /// The orders to look up, by id or client order id.
    pub items: Vec<CancelTarget>,
}

/// Body of `POST /orders/batch-cancel` (`{"orderIds": […]}` or
/// `{"clientOrderIds": […]}`, docs page "batch-cancel") and of
/// `POST /orders/cancel-batch` (`{"orderIds": […]}` only, spec
/// `DeleteOrderBatchDto`); at most
/// [`MAX_CANCEL_BATCH`](crate::limits::MAX_CANCEL_BATCH) ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum BatchCancelRequest {
    /// The API's order ids.
    OrderIds(Vec<String>),
    /// The client order ids given when the orders were placed.
    ClientOrderIds(Vec<String>),
}

/// Response of `POST /orders/cancel-batch`, `POST /orders/batch-cancel`
/// and `DELETE /orders/all/{slug}`: HTTP 200, or **207** when some orders
/// could not be cancelled (spec `CancelOrderBatchResponseDto`,
/// `CancelAllOrdersResponseDto`). A 207 is a result, not an error: see
/// [`is_partial`](Self::is_partial).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self")]
pub struct CancelBatchResponse {
    /// The server's summary text.
    #[serde(default, deserialize_with = "soft_or_default")]
    pub message: String,
    /// Ids of the cancelled orders.
    #[serde(default, deserialize_with = "soft_vec")]
    pub canceled: Vec<String>,
    /// Orders that were not cancelled, and why.
    #[serde(default, deserialize_with = "soft_objects")]
    pub failed: Vec<CancelFailure>,
}

impl CancelBatchResponse {
    /// Whether some orders were not cancelled (the API's 207).
    #[must_use]
    pub fn is_partial(&self) -> bool {
        !self.failed.is_empty()
    }
}

/// An order a batch cancel could not cancel.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CancelFailure {
    /// The order id.
    #[serde(default, deserialize_with = "soft_or_default")]
    pub order_id: String,
    /// Machine-readable reason, e.g. `ORDER_NOT_FOUND`.
    #[serde(default, deserialize_with = "soft")]
    pub reason: Option<String>,
    /// Human-readable message.
    #[serde(default, deserialize_with = "soft")]
    pub message: Option<String>,
    /// The client order id, for a cancel by client order ids. No source
    /// shows this key; read when present.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "soft"
    )]
    pub client_order_id: Option<String>,
}

/// A resting order that an incoming order matched. Every field is soft.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderMatch {
    /// Match id (`""` if not sent).
    #[serde(default, deserialize_with = "soft_or_default")]
    pub id: String,
    /// Match time (ISO-8601).
    #[serde(default, deserialize_with = "soft")]
    pub created_at: Option<String>,
    /// Matched size in micro-shares, as sent (`""` if not sent).
    #[serde(default, deserialize_with = "soft_or_default")]
    pub matched_size: String,
    /// The matched resting order's id (`""` if not sent).
    #[serde(default, deserialize_with = "soft_or_default")]
    pub order_id: String,
}

open_enum! {
    /// Settlement state of an order's execution.
    pub enum SettlementStatus {
        /// Nothing matched.
        Unmatched => "UNMATCHED",
        /// Matched, not yet on chain.
        Matched => "MATCHED",
        /// Included in a block.
        Mined => "MINED",
        /// Confirmed on chain.
        Confirmed => "CONFIRMED",
        /// Settlement is being retried.
        Retrying => "RETRYING",
        /// Settlement failed.
        Failed => "FAILED",
        /// Matching deferred until `eligibleAt` (a taker order accepted
        /// during a taker delay; it may fill after that time).
        Delayed => "DELAYED",
        /// Canceled, e.g. by self-trade prevention (see `reason`).
        Canceled => "CANCELED",
    }
}

/// A settlement status that is missing or not a string reads as
/// `Other("")`, so the execution report (and the order with it) still
/// decodes.
fn soft_settlement_status<'de, D: Deserializer<'de>>(d: D) -> Result<SettlementStatus, D::Error> {
    Ok(soft::<D, String>(d)?.map_or_else(|| SettlementStatus::Other(String::new()), From::from))
}

fn unknown_settlement_status() -> SettlementStatus {
    SettlementStatus::Other(String::new())
}

/// Execution report of a created order. Every field is soft. The optional
/// ids are left out when absent, as the API's schema has them (optional
/// strings, never `null`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderExecution {
    /// Whether anything matched (`false` if not sent).
    #[serde(default, deserialize_with = "soft_or_default")]
    pub matched: bool,
    /// Settlement state (`Other("")` if not sent).
    #[serde(
        default = "unknown_settlement_status",
        deserialize_with = "soft_settlement_status"
    )]
    pub settlement_status: SettlementStatus,
    /// Trade event id, if any.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "soft"
    )]
    pub trade_event_id: Option<String>,
    /// Settlement transaction hash, if any.
    #[serde(default, deserialize_with = "soft")]
    pub tx_hash: Option<String>,
    /// Client order id, if one was given.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "soft"
    )]
    pub client_order_id: Option<String>,
    /// When a delayed order becomes eligible, as sent.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "soft"
    )]
    pub eligible_at: Option<String>,
    /// Reason for the state, if any.
    #[serde(default, deserialize_with = "soft")]
    pub reason: Option<String>,
    /// Maker orders cancelled by self-trade prevention.
    #[serde(default, deserialize_with = "soft_vec")]
    pub stp_maker_cancels: Vec<String>,
    /// Requested fee rate in basis points.
    #[serde(default, deserialize_with = "soft")]
    pub fee_rate_bps: Option<u32>,
    /// Fee rate actually charged, in basis points (may be fractional).
    #[serde(
        default,
        serialize_with = "opt_decimal_number",
        deserialize_with = "soft"
    )]
    pub effective_fee_bps: Option<Decimal>,
    /// Raw totals in micro-units.
    #[serde(default, deserialize_with = "soft_struct")]
    pub totals_raw: Option<ExecutionTotals>,
}

/// Execution totals in micro-units, as decimal strings (`""` if not sent).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionTotals {
    /// Contracts before fees.
    #[serde(default, deserialize_with = "soft_or_default")]
    pub contracts_gross: String,
    /// Contracts taken as fee.
    #[serde(default, deserialize_with = "soft_or_default")]
    pub contracts_fee: String,
    /// Contracts after fees.
    #[serde(default, deserialize_with = "soft_or_default")]
    pub contracts_net: String,
    /// USDC before fees.
    #[serde(default, deserialize_with = "soft_or_default")]
    pub usd_gross: String,
    /// USDC taken as fee.
    #[serde(default, deserialize_with = "soft_or_default")]
    pub usd_fee: String,
    /// USDC after fees.
    #[serde(default, deserialize_with = "soft_or_default")]
    pub usd_net: String,
}

/// An error code and message inside a cancel-replace result.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiErrorDetail {
    /// Machine-readable code, e.g. `ORDER_NOT_FOUND`.
    #[serde(default, deserialize_with = "string_or_empty")]
    pub code: String,
    /// Human-readable message.
    #[serde(default, deserialize_with = "string_or_empty")]
    pub message: String,
}

/// Result of `POST /orders/cancel-replace` (HTTP 200 or 409).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelReplaceResult {
    /// What happened to the cancel.
    pub cancel: CancelOutcome,
    /// What happened to the replacement.
    pub replacement: ReplacementOutcome,
}

/// One result of `POST /orders/cancel-replace/batch`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelReplaceBatchItem {
    /// Index of the operation in the request.
    #[serde(deserialize_with = "lenient")]
    pub index: usize,
    /// What happened to the cancel.
    pub cancel: CancelOutcome,
    /// What happened to the replacement.
    pub replacement: ReplacementOutcome,
}

/// Response of `POST /orders/cancel-replace/batch` (HTTP 207 allowed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelReplaceBatchResponse {
    /// One result per operation.
    #[serde(default, deserialize_with = "null_default")]
    pub results: Vec<CancelReplaceBatchItem>,
}

const SUCCESS: &str = "SUCCESS";
const FAILURE: &str = "FAILURE";
const UNKNOWN: &str = "UNKNOWN";
const NOT_ATTEMPTED: &str = "NOT_ATTEMPTED";

/// Outcome of the cancel half, tagged on `status` on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CancelOutcome {
    /// `SUCCESS`: the order was cancelled.
    Success {
        /// The cancelled order's id.
        order_id: Option<String>,
        /// Its client order id, if it had one.
        client_order_id: Option<String>,
    },
    /// `FAILURE`: the cancel was refused.
    Failure {
        /// Why.
        error: ApiErrorDetail,
    },
    /// `UNKNOWN`: the API could not tell whether the cancel took effect.
    Unknown {
        /// Detail, if sent.
        error: Option<ApiErrorDetail>,
    },
    /// A status this version does not know, kept as the raw JSON object.
    Unrecognized(Value),
}

impl CancelOutcome {
    /// Whether the cancel succeeded.
    #[must_use]
    pub fn is_success(&self) -> bool {
        matches!(self, Self::Success { .. })
    }
}

/// Outcome of the replacement half, tagged on `status` on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplacementOutcome {
    /// `SUCCESS`: the replacement was placed.
    Success {
        /// The placed order (wire key `data`).
        data: Box<OrderResponse>,
    },
    /// `FAILURE`: the replacement was refused.
    Failure {
        /// Why.
        error: ApiErrorDetail,
    },
    /// `UNKNOWN`: the API could not tell whether it was placed.
    Unknown {
        /// Detail, if sent.
        error: Option<ApiErrorDetail>,
    },
    /// `NOT_ATTEMPTED`: skipped because the cancel failed.
    NotAttempted,
    /// A status this version does not know, kept as the raw JSON object.
    Unrecognized(Value),
}

impl ReplacementOutcome {
    /// Whether the replacement was placed.
    #[must_use]
    pub fn is_success(&self) -> bool {
        matches!(self, Self::Success { .. })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CancelSuccessWire {
    #[serde(default)]
    order_id: Option<String>,
    #[serde(default)]
    client_order_id: Option<String>,
}

#[derive(Deserialize)]
struct ErrorWire {
    error: ApiErrorDetail,
}

#[derive(Deserialize)]
struct OptionalErrorWire {
    #[serde(default)]
    error: Option<ApiErrorDetail>,
}

#[derive(Deserialize)]
struct DataWire {
    data: Box<OrderResponse>,
}

/// Reads the `status` tag of a JSON object, if it has a string one.
fn status_of(value: &Value) -> Option<String> {
    value
        .get("status")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn from_value<T: for<'a> Deserialize<'a>, E: de::Error>(
    value: Value,
    status: &str,
) -> Result<T, E> {
    serde_json::from_value(value).map_err(|e| E::custom(format_args!("{status} outcome: {e}")))
}

impl<'de> Deserialize<'de> for CancelOutcome {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        Ok(match status_of(&value).as_deref() {
            Some(SUCCESS) => {
                let w: CancelSuccessWire = from_value(value, SUCCESS)?;
                Self::Success {
                    order_id: w.order_id,
                    client_order_id: w.client_order_id,
                }
            }
            Some(FAILURE) => Self::Failure {
                error: from_value::<ErrorWire, _>(value, FAILURE)?.error,
            },
            Some(UNKNOWN) => Self::Unknown {
                error: from_value::<OptionalErrorWire, _>(value, UNKNOWN)?.error,
            },
            _ => Self::Unrecognized(value),
        })
    }
}

impl Serialize for CancelOutcome {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Success {
                order_id,
                client_order_id,
            } => {
                let mut map = s.serialize_map(None)?;
                map.serialize_entry("status", SUCCESS)?;
                if let Some(id) = order_id {
                    map.serialize_entry("orderId", id)?;
                }
                if let Some(id) = client_order_id {
                    map.serialize_entry("clientOrderId", id)?;
                }
                map.end()
            }
            Self::Failure { error } => serialize_error(s, FAILURE, Some(error)),
            Self::Unknown { error } => serialize_error(s, UNKNOWN, error.as_ref()),
            Self::Unrecognized(value) => value.serialize(s),
        }
    }
}

fn serialize_error<S: Serializer>(
    s: S,
    status: &str,
    error: Option<&ApiErrorDetail>,
) -> Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(None)?;
    map.serialize_entry("status", status)?;
    if let Some(error) = error {
        map.serialize_entry("error", error)?;
    }
    map.end()
}

impl<'de> Deserialize<'de> for ReplacementOutcome {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        Ok(match status_of(&value).as_deref() {
            Some(SUCCESS) => Self::Success {
                data: from_value::<DataWire, _>(value, SUCCESS)?.data,
            },
            Some(FAILURE) => Self::Failure {
                error: from_value::<ErrorWire, _>(value, FAILURE)?.error,
            },
            Some(UNKNOWN) => Self::Unknown {
                error: from_value::<OptionalErrorWire, _>(value, UNKNOWN)?.error,
            },
            Some(NOT_ATTEMPTED) => Self::NotAttempted,
            _ => Self::Unrecognized(value),
        })
    }
}

impl Serialize for ReplacementOutcome {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Success { data } => {
                let mut map = s.serialize_map(Some(2))?;
                map.serialize_entry("status", SUCCESS)?;
                map.serialize_entry("data", data)?;
                map.end()
            }
            Self::Failure { error } => serialize_error(s, FAILURE, Some(error)),
            Self::Unknown { error } => serialize_error(s, UNKNOWN, error.as_ref()),
            Self::NotAttempted => serialize_error(s, NOT_ATTEMPTED, None),
            Self::Unrecognized(value) => value.serialize(s),
        }
    }
}

crate::macros::object_only!(OrderStatusBatch, CancelBatchResponse);

impl<'de> Deserialize<'de> for OrderResponse {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(OrderResponseVisitor)
    }
}

/// Reads either shape of [`OrderResponse`] in one pass, without buffering
/// (a buffer such as `serde_json::Value` would refuse numbers an ignored
/// field may carry, `1e400`): the wrapper's keys are taken aside while
/// every other key goes to a bare [`Order`].
struct OrderResponseVisitor;

impl<'de> Visitor<'de> for OrderResponseVisitor {
    type Value = OrderResponse;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an order answer: {order, makerMatches, execution} or a bare order")
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<OrderResponse, A::Error> {
        let mut wrapper = WrapperParts::default();
        let bare = Order::deserialize(de::value::MapAccessDeserializer::new(SplitWrapper {
            map,
            wrapper: &mut wrapper,
        }))?;
        match wrapper.order {
            Some(order) => Ok(OrderResponse {
                order,
                maker_matches: wrapper.maker_matches,
                execution: wrapper.execution,
            }),
            None if !bare.id.is_empty() => Ok(OrderResponse {
                order: bare,
                maker_matches: Vec::new(),
                execution: None,
            }),
            None => Err(de::Error::custom(
                "an order answer needs an `order` object, or an order `id` when the order is sent bare",
            )),
        }
    }
}

/// The wrapper's own keys, as [`SplitWrapper`] finds them.
#[derive(Default)]
struct WrapperParts {
    order: Option<Order>,
    maker_matches: Vec<OrderMatch>,
    execution: Option<OrderExecution>,
}

/// `makerMatches`, decoded softly.
struct SoftMatches(Vec<OrderMatch>);

impl<'de> Deserialize<'de> for SoftMatches {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        soft_objects(d).map(Self)
    }
}

/// `execution`, decoded softly.
struct SoftExecution(Option<OrderExecution>);

impl<'de> Deserialize<'de> for SoftExecution {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        soft_struct(d).map(Self)
    }
}

/// A map that decodes the wrapper's keys into `wrapper` and hands every
/// other key to its reader (a bare [`Order`]). Once `order` is seen the
/// answer is the wrapper, and the keys after it are skipped unread.
struct SplitWrapper<'a, A> {
    map: A,
    wrapper: &'a mut WrapperParts,
}

impl<'de, A: de::MapAccess<'de>> de::MapAccess<'de> for SplitWrapper<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        while let Some(key) = self.map.next_key::<String>()? {
            match key.as_str() {
                "order" if self.wrapper.order.is_some() => {
                    return Err(de::Error::duplicate_field("order"));
                }
                "order" => self.wrapper.order = Some(self.map.next_value()?),
                "makerMatches" => {
                    self.wrapper.maker_matches = self.map.next_value::<SoftMatches>()?.0;
                }
                "execution" => self.wrapper.execution = self.map.next_value::<SoftExecution>()?.0,
                _ if self.wrapper.order.is_some() => {
                    self.map.next_value::<de::IgnoredAny>()?;
                }
                _ => {
                    return seed
                        .deserialize(de::value::StringDeserializer::<A::Error>::new(key))
                        .map(Some);
                }
            }
        }
        Ok(None)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
    }
}
