//! The order pipeline below the services: validation and exact pricing of
//! what a caller described (everything that needs neither the network nor
//! the clock), then, once the call runs and the market's venue (and, for a
//! self-signed order, the signer's profile) is known, the fee, the salt and
//! the times ([`PreparedOrder::settle`]), and the EIP-712 signature of a
//! self-signed order. The requests themselves are built from the result by
//! the operations of [`ops::orders`](super) and
//! [`ops::signed_orders`](super::super::signed_orders).

use std::sync::Arc;
use std::time::SystemTime;

use limitless_eip712::{OrderDomain, OrderSigner, OrderSignerExt};
use limitless_types::markets::Venue;

use limitless_types::amounts::{AmountError, OrderAmounts, fok_order_amounts, limit_order_amounts};
use limitless_types::limits::{
    MAX_CLIENT_ORDER_ID_LENGTH, MAX_FEE_RATE_BPS, MAX_NONCE, MAX_RECV_WINDOW_MS, MAX_SALT,
    client_order_id_length,
};
use limitless_types::orders::{
    CancelReplaceMode, CancelReplaceRequest, CancelTarget, CreateOrderRequest,
    CreateSignedOrderRequest, DEFAULT_FEE_RATE_BPS, DEFAULT_TICK_SIZE, NO_EXPIRATION, OrderType,
    ReplacementOrder, Side, SignedOrder, StpPolicy, UnsignedOrder, ZERO_ADDRESS,
};
use limitless_types::validate::{validate_address, validate_on_behalf_of, validate_token_id};
use rust_decimal::Decimal;

use super::params::{
    Amount, CancelReplaceParams, ClientOrderIdChoice, CreateOrderParams, Kind, OrderOwner, Owner,
    sealed_owner,
};
use crate::Error;
use crate::clock::{next_salt, unix_millis};
use crate::error::SentOrder;
use crate::validate::non_blank;

/// An order validated and priced; only the fee, salt and times remain.
#[derive(Clone, Debug)]
pub(crate) struct PreparedOrder {
    pub(crate) market_slug: String,
    token_id: String,
    side: Side,
    owner: Owner,
    pub(crate) order_type: OrderType,
    pub(crate) amounts: OrderAmounts,
    pub(crate) price: Option<Decimal>,
    taker: String,
    pub(crate) fee_rate_bps: Option<u32>,
    pub(crate) post_only: bool,
    recv_window: Option<u64>,
    timestamp: Option<u64>,
    /// The caller's salt; `None`: a fresh one each time it is finished.
    salt: Option<u64>,
    /// Unix seconds; `None` or 0: never.
    expiration: Option<u64>,
    nonce: u64,
    pub(crate) stp_policy: Option<StpPolicy>,
    /// The order's client order id: the caller's, one drawn when it was
    /// prepared, or none (opted out).
    pub(crate) client_order_id: Option<String>,
    /// Whether the caller chose `client_order_id` (a replacement keeps
    /// only a chosen one).
    client_order_id_given: bool,
}

/// The wire order with everything settled (`UnsignedOrder` for a
/// delegated order, `SignedOrder` once a self-signed one is signed), its
/// owner and its receive window.
#[derive(Clone, Debug)]
pub(crate) struct Finished<T = UnsignedOrder> {
    pub(crate) order: T,
    /// The owner's profile id (`ownerId`).
    pub(crate) owner_id: i64,
    /// Whether the owner is a sub-account, named by `onBehalfOf`.
    pub(crate) on_behalf: bool,
    /// Unix milliseconds, sent with a receive window.
    pub(crate) timestamp: Option<u64>,
    pub(crate) recv_window: Option<u64>,
}

impl<T> Finished<T> {
    fn with<U>(self, order: U) -> Finished<U> {
        Finished {
            order,
            owner_id: self.owner_id,
            on_behalf: self.on_behalf,
            timestamp: self.timestamp,
            recv_window: self.recv_window,
        }
    }
}

/// An order settled, ready to be put into a request.
#[derive(Clone, Debug)]
pub(crate) enum Settled {
    /// For a sub-account: the exchange signs it.
    Delegated(Finished<UnsignedOrder>),
    /// Signed here, for the signer's profile.
    Signed(Finished<SignedOrder>),
}

/// The signer of self-signed orders and what its profile says, learned
/// when a call runs.
#[derive(Clone, Debug)]
pub(crate) struct SignerAccount {
    pub(crate) signer: Arc<dyn OrderSigner>,
    /// The profile's id: the orders' `ownerId`.
    pub(crate) profile_id: i64,
    /// The profile rank's fee, the default for the signer's orders.
    pub(crate) rank_fee: Option<u32>,
}

fn given(field: &str, value: &Amount) -> Result<Decimal, Error> {
    value
        .clone()
        .map_err(|message| Error::invalid_field(field, format!("{field}: {message}")))
}

/// An input error about the order's amounts, about the argument the
/// amount math blames (`tick` is the `tick_size` argument).
fn order_error(error: AmountError) -> Error {
    let message = format!("order: {error}");
    match error.field() {
        Some("tick") => Error::invalid_field("tick_size", message),
        Some(field) => Error::invalid_field(field, message),
        None => Error::invalid(message),
    }
}

impl<O: OrderOwner> CreateOrderParams<O> {
    /// Validates everything that does not need the network or the clock
    /// and computes the integer amounts.
    pub(crate) fn prepare(&self) -> Result<PreparedOrder, Error> {
        let market_slug = non_blank("market_slug", &self.market_slug, "pass the market's slug")?;
        validate_token_id(&self.token_id)?;
        let owner = sealed_owner(&self.owner);
        if let Owner::SubAccount(on_behalf_of) = owner {
            validate_on_behalf_of(on_behalf_of)?;
        }
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
            return Err(Error::invalid_field(
                "fee_rate_bps",
                format!(
                    "fee_rate_bps must be 1 to {MAX_FEE_RATE_BPS}, got {fee}; leave it unset for the default {DEFAULT_FEE_RATE_BPS}"
                ),
            ));
        }
        if let Some(salt) = self.salt
            && !(1..=MAX_SALT).contains(&salt)
        {
            return Err(Error::invalid_field(
                "salt",
                format!(
                    "salt must be 1 to {MAX_SALT} (2^53 - 1, the largest integer a JSON number carries exactly), got {salt}; leave it unset for a fresh one"
                ),
            ));
        }
        if let Some(nonce) = self.nonce
            && nonce > MAX_NONCE
        {
            return Err(Error::invalid_field(
                "nonce",
                format!(
                    "nonce must be 0 to {MAX_NONCE} (2^53 - 1, the largest integer a JSON number carries exactly), got {nonce}"
                ),
            ));
        }
        if let Some(recv_window) = self.recv_window
            && !(1..=MAX_RECV_WINDOW_MS).contains(&recv_window)
        {
            return Err(Error::invalid_field(
                "recv_window",
                format!(
                    "recv_window must be 1 to {MAX_RECV_WINDOW_MS} milliseconds, got {recv_window}"
                ),
            ));
        }
        if self.timestamp.is_some() && self.recv_window.is_none() {
            return Err(Error::invalid_field(
                "timestamp",
                "timestamp is sent only with a receive window; set recv_window too, or leave timestamp unset",
            ));
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
                let amounts =
                    limit_order_amounts(self.side, price, size, tick).map_err(order_error)?;
                (*order_type, amounts, Some(price))
            }
            Kind::Fok { amount } => {
                let amount = given("amount", amount)?;
                let amounts = fok_order_amounts(amount).map_err(order_error)?;
                (OrderType::Fok, amounts, None)
            }
        };
        if order_type == OrderType::Fok && !matches!(self.kind, Kind::Fok { .. }) {
            return Err(Error::invalid_field(
                "order_type",
                "a limit order is GTC or FAK; describe a fill-or-kill order with FokOrder or CreateDelegatedOrderParams::fok",
            ));
        }
        if self.post_only && order_type != OrderType::Gtc {
            return Err(Error::invalid_field(
                "post_only",
                format!(
                    "post_only applies only to GTC orders, not {}; remove post_only(true)",
                    order_type.as_str()
                ),
            ));
        }
        let (client_order_id, client_order_id_given) = match &self.client_order_id {
            ClientOrderIdChoice::Generate => (Some(generated_client_order_id()), false),
            ClientOrderIdChoice::Given(id) => {
                let id = non_blank(
                    "client_order_id",
                    id,
                    "pass an id, or leave client_order_id unset for a generated one",
                )?;
                check_client_order_id("client_order_id", id)?;
                (Some(id.to_owned()), true)
            }
            ClientOrderIdChoice::Omit => (None, false),
        };
        Ok(PreparedOrder {
            market_slug: market_slug.to_owned(),
            token_id: self.token_id.clone(),
            side: self.side,
            owner,
            order_type,
            amounts,
            price,
            taker,
            fee_rate_bps: self.fee_rate_bps,
            post_only: self.post_only,
            recv_window: self.recv_window,
            timestamp: self.timestamp,
            salt: self.salt,
            expiration: self.expiration.filter(|seconds| *seconds != 0),
            nonce: self.nonce.unwrap_or(0),
            stp_policy: self.stp_policy,
            client_order_id,
            client_order_id_given,
        })
    }
}

/// A fresh client order id: `lmts-` and 128 random bits in hex (37
/// characters). The format is this client's choice; the API asks only for
/// at most 128 characters, unique per owner.
pub(crate) fn generated_client_order_id() -> String {
    format!("lmts-{:032x}", rand::random::<u128>())
}

/// The fee on a market: 0 on a collateral-fee venue (`collateral_fee ==
/// Some(true)`), else the requested fee or 300.
pub(crate) fn fee_for(collateral_fee: Option<bool>, requested: Option<u32>) -> u32 {
    if collateral_fee == Some(true) {
        0
    } else {
        requested.unwrap_or(DEFAULT_FEE_RATE_BPS)
    }
}

impl PreparedOrder {
    /// The wire expiration (`"0"`: none), refused when it is not after `now`.
    pub(crate) fn expiration_at(&self, now: SystemTime) -> Result<String, Error> {
        let now_ms = unix_millis(now);
        match self.expiration {
            None => Ok(NO_EXPIRATION.to_owned()),
            Some(seconds) if seconds.saturating_mul(1_000) > now_ms => Ok(seconds.to_string()),
            Some(seconds) => Err(Error::invalid_field(
                "expiration",
                format!(
                    "expiration {seconds} (Unix seconds) is not in the future (now is {}); use a later time, or 0 for none",
                    now_ms / 1_000
                ),
            )),
        }
    }

    /// The wire order, unsigned, owned by `owner_id`, on a market whose
    /// venue is `collateral_fee`, at `now`: the fee settled (0 on a
    /// collateral-fee venue, else the order's, else `default_fee`, else
    /// 300), the salt (the caller's, else a fresh one), the expiration
    /// checked against `now`, the receive window's timestamp defaulted to
    /// `now`.
    fn finish(
        &self,
        owner_id: i64,
        default_fee: Option<u32>,
        collateral_fee: Option<bool>,
        now: SystemTime,
    ) -> Result<Finished, Error> {
        let now_ms = unix_millis(now);
        let expiration = self.expiration_at(now)?;
        let salt = self.salt.unwrap_or_else(|| next_salt(now));
        let mut order = UnsignedOrder::delegated(
            salt,
            self.token_id.clone(),
            self.side,
            self.amounts,
            fee_for(collateral_fee, self.fee_rate_bps.or(default_fee)),
            self.price,
        );
        order.taker.clone_from(&self.taker);
        order.expiration = expiration;
        order.nonce = self.nonce;
        let timestamp = match (self.timestamp, self.recv_window) {
            (Some(timestamp), _) => Some(timestamp),
            (None, Some(_)) => Some(now_ms),
            (None, None) => None,
        };
        Ok(Finished {
            order,
            owner_id,
            on_behalf: matches!(self.owner, Owner::SubAccount(_)),
            timestamp,
            recv_window: self.recv_window,
        })
    }

    /// The order of a sub-account, settled on a market whose venue is
    /// `collateral_fee` ([`Venue::is_collateral_fee`]; `None` for a market
    /// without a venue) at `now`: the exchange signs it.
    pub(crate) fn settle_delegated(
        &self,
        collateral_fee: Option<bool>,
        now: SystemTime,
    ) -> Result<Finished, Error> {
        let Owner::SubAccount(owner_id) = self.owner else {
            return Err(Error::internal(
                "a self-signed order reached the delegated order path",
            ));
        };
        self.finish(owner_id, None, collateral_fee, now)
    }

    /// The order settled on its market's `venue` at `now`, and signed when
    /// it is the signer's own: a sub-account's order needs no `signer`
    /// (the exchange signs it); a self-signed one is owned by the signer's
    /// profile, made by its address and signed with EIP-712 under the
    /// venue's exchange, so its market must have a venue.
    pub(crate) async fn settle(
        &self,
        signer: Option<&SignerAccount>,
        venue: Option<&Venue>,
        now: SystemTime,
    ) -> Result<Settled, Error> {
        let account = match (self.owner, signer) {
            (Owner::SubAccount(_), None) => {
                let collateral_fee = venue.map(Venue::is_collateral_fee);
                return Ok(Settled::Delegated(
                    self.settle_delegated(collateral_fee, now)?,
                ));
            }
            (Owner::Signer, Some(account)) => account,
            // The owner is the params' type parameter, and each service
            // takes only its own: a mismatch is a defect.
            _ => {
                return Err(Error::internal(
                    "an order's owner does not match the service sending it",
                ));
            }
        };
        let Some(venue) = venue else {
            return Err(Error::invalid_field(
                "market_slug",
                format!(
                    "market {} has no venue exchange to sign its orders for; check the slug (only CLOB markets take orders)",
                    self.market_slug
                ),
            ));
        };
        let mut finished = self.finish(
            account.profile_id,
            account.rank_fee,
            Some(venue.is_collateral_fee()),
            now,
        )?;
        let address = account.signer.address().to_checksum();
        finished.order.maker.clone_from(&address);
        finished.order.signer = address;
        let domain = OrderDomain::for_venue(venue)?;
        let signed = account.signer.sign_order(&finished.order, &domain).await?;
        Ok(Settled::Signed(finished.with(signed)))
    }

    /// The body of `POST /orders` for a sub-account's order.
    pub(crate) fn create_request(&self, finished: Finished) -> CreateOrderRequest {
        CreateOrderRequest {
            order: finished.order,
            order_type: self.order_type,
            market_slug: self.market_slug.clone(),
            owner_id: finished.owner_id,
            on_behalf_of: Some(finished.owner_id),
            post_only: self.post_only.then_some(true),
            client_order_id: self.client_order_id.clone(),
            timestamp: finished.timestamp,
            recv_window: finished.recv_window,
            stp_policy: self.stp_policy,
        }
    }

    /// The body of `POST /orders` for a self-signed order.
    pub(crate) fn signed_request(
        &self,
        finished: Finished<SignedOrder>,
    ) -> CreateSignedOrderRequest {
        CreateSignedOrderRequest {
            order: finished.order,
            order_type: self.order_type,
            market_slug: self.market_slug.clone(),
            owner_id: finished.owner_id,
            post_only: self.post_only.then_some(true),
            client_order_id: self.client_order_id.clone(),
            timestamp: finished.timestamp,
            recv_window: finished.recv_window,
            stp_policy: self.stp_policy,
        }
    }

    /// The client order id the caller chose for this order, if any.
    pub(crate) fn given_client_order_id(&self) -> Option<&str> {
        self.client_order_id
            .as_deref()
            .filter(|_| self.client_order_id_given)
    }
}

/// A cancel-replace checked before any I/O.
#[derive(Clone, Debug)]
pub(crate) struct PreparedCancelReplace {
    pub(crate) cancel: CancelTarget,
    pub(crate) replacement: PreparedOrder,
    pub(crate) mode: CancelReplaceMode,
    pub(crate) client_order_id: Option<String>,
    pub(crate) stp_policy: Option<StpPolicy>,
}

impl<O: OrderOwner> CancelReplaceParams<O> {
    /// Validates the cancel-replace and prepares its replacement.
    pub(crate) fn prepare(&self) -> Result<PreparedCancelReplace, Error> {
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
                check_client_order_id("cancel.client_order_id", id)?;
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
                check_client_order_id("client_order_id", id)?;
                Some(id.to_owned())
            }
            None => None,
        };
        let replacement = self
            .replacement
            .prepare()
            .map_err(|error| error.within("replacement"))?;
        // The cancel-replace's own id wins; else one the replacement was
        // given. No id is drawn for a replacement: its wire body stays as
        // the caller described it.
        let client_order_id =
            client_order_id.or_else(|| replacement.given_client_order_id().map(str::to_owned));
        Ok(PreparedCancelReplace {
            cancel,
            replacement,
            mode: self.mode,
            client_order_id,
            stp_policy: self.stp_policy.or(self.replacement.stp_policy),
        })
    }
}

fn check_client_order_id(field: &str, id: &str) -> Result<(), Error> {
    let length = client_order_id_length(id);
    if length > MAX_CLIENT_ORDER_ID_LENGTH {
        return Err(Error::invalid_field(
            field,
            format!(
                "{field} must be at most {MAX_CLIENT_ORDER_ID_LENGTH} characters, got {length}"
            ),
        ));
    }
    Ok(())
}

impl PreparedCancelReplace {
    /// The request body, with the replacement `finished` (unsigned for a
    /// sub-account, signed for the signer's own): a sub-account is named
    /// by `onBehalfOf`, the signer's own order is not.
    pub(crate) fn request<T>(&self, finished: Finished<T>) -> CancelReplaceRequest<T> {
        let replacement = &self.replacement;
        CancelReplaceRequest {
            cancel: self.cancel.clone(),
            replacement: ReplacementOrder {
                order: finished.order,
                order_type: replacement.order_type,
                market_slug: replacement.market_slug.clone(),
                owner_id: finished.owner_id,
                post_only: replacement.post_only.then_some(true),
                client_order_id: self.client_order_id.clone(),
                timestamp: finished.timestamp,
                recv_window: finished.recv_window,
                stp_policy: self.stp_policy,
            },
            mode: self.mode,
            on_behalf_of: finished.on_behalf.then_some(finished.owner_id),
        }
    }
}

/// The replacement order of a cancel-replace, for reconciliation.
pub(crate) fn sent_replacement(request: &CancelReplaceRequest) -> SentOrder {
    let replacement = &request.replacement;
    SentOrder::new(
        &replacement.market_slug,
        replacement.order.salt,
        replacement.client_order_id.as_deref(),
        replacement.owner_id,
    )
}
