//! `/orders`: delegated orders placed, cancelled and replaced for a
//! partner's sub-accounts.
//!
//! An order's fee depends on its market's venue (0 on a collateral-fee
//! venue), and its salt and receive window on the time, so the functions
//! that build orders take both: `collateral_fee` is
//! [`Venue::is_collateral_fee`](limitless_types::Venue::is_collateral_fee)
//! of the market's venue (`None` for a market without one), `now` the time
//! to settle the salt and timestamps at. The service
//! ([`DelegatedOrderService`](crate::DelegatedOrderService)) finds the venue
//! itself, once per market, and uses the client's clock.

use std::time::SystemTime;

use limitless_types::limits::MAX_CANCEL_REPLACE_BATCH;
use limitless_types::orders::{
    CancelReplaceBatchRequest, CancelReplaceBatchResponse, CancelReplaceResult, OrderResponse,
};
use limitless_types::validate::validate_on_behalf_of;
use serde::de::DeserializeOwned;

use super::api_tokens::message;
use super::{Auth, Operation, RequestSpec, encode_segment};
use crate::call::{ApiResponse, RawResponse};
use crate::error::SentOrder;
use crate::orders::prepare::{PreparedCancelReplace, PreparedOrder, sent_replacement};
use crate::validate::non_blank;
use crate::{CreateDelegatedOrderParams, DelegatedCancelReplaceParams, Error, HttpClient};

/// The API's code for an order whose fee rate does not match its market.
const FEE_RATE_MISMATCH: &str = "FEE_RATE_MISMATCH";

/// `POST /orders`: a GTC, FAK or FOK order for the sub-account
/// `on_behalf_of`, on a market whose venue is `collateral_fee`, settled at
/// `now`. `ownerId` and `onBehalfOf` are the sub-account; maker and signer
/// the zero address. Not idempotent.
pub fn create_order(
    params: &CreateDelegatedOrderParams,
    collateral_fee: Option<bool>,
    now: SystemTime,
) -> Result<Operation<OrderResponse>, Error> {
    create_prepared(&params.prepare()?, collateral_fee, now)
}

pub(crate) fn create_prepared(
    prepared: &PreparedOrder,
    collateral_fee: Option<bool>,
    now: SystemTime,
) -> Result<Operation<OrderResponse>, Error> {
    let body = prepared.create_request(prepared.finish(collateral_fee, now)?);
    let sent = SentOrder::new(&body.market_slug, body.order.salt, None, body.owner_id);
    Ok(
        RequestSpec::post("create_order", "/orders", Auth::Credentials)
            .orders(vec![sent])
            .json(&body)?
            .finish(finish_orders),
    )
}

/// `POST /orders/cancel-replace`: cancels an order and places a replacement
/// for the same sub-account. An HTTP 409 carries a result and is decoded.
/// Not idempotent.
pub fn cancel_replace(
    params: &DelegatedCancelReplaceParams,
    collateral_fee: Option<bool>,
    now: SystemTime,
) -> Result<Operation<CancelReplaceResult>, Error> {
    cancel_replace_prepared(&params.prepare()?, collateral_fee, now)
}

pub(crate) fn cancel_replace_prepared(
    prepared: &PreparedCancelReplace,
    collateral_fee: Option<bool>,
    now: SystemTime,
) -> Result<Operation<CancelReplaceResult>, Error> {
    let body = prepared.request(collateral_fee, now)?;
    Ok(RequestSpec::post(
        "cancel_replace",
        "/orders/cancel-replace",
        Auth::Credentials,
    )
    .accept(&[http::StatusCode::CONFLICT])
    .orders(vec![sent_replacement(&body)])
    .json(&body)?
    .finish(finish_orders))
}

/// `POST /orders/cancel-replace/batch`: 1 to
/// [`MAX_CANCEL_REPLACE_BATCH`] cancel-replaces at once; `collateral_fee`
/// answers for each operation's market. HTTP 207 (some failed) is a
/// success. Not idempotent.
pub fn cancel_replace_batch(
    operations: &[DelegatedCancelReplaceParams],
    collateral_fee: &dyn Fn(&str) -> Option<bool>,
    now: SystemTime,
) -> Result<Operation<CancelReplaceBatchResponse>, Error> {
    cancel_replace_batch_prepared(
        &prepare_batch(operations, DelegatedCancelReplaceParams::prepare)?,
        collateral_fee,
        now,
    )
}

/// Checks a batch's size and, with `prepare`, each of its operations
/// (delegated or signed).
pub(crate) fn prepare_batch<T>(
    operations: &[T],
    prepare: impl Fn(&T) -> Result<PreparedCancelReplace, Error>,
) -> Result<Vec<PreparedCancelReplace>, Error> {
    if operations.is_empty() || operations.len() > MAX_CANCEL_REPLACE_BATCH {
        return Err(Error::invalid_field(
            "operations",
            format!(
                "a cancel-replace batch holds 1 to {MAX_CANCEL_REPLACE_BATCH} operations, got {}",
                operations.len()
            ),
        ));
    }
    operations
        .iter()
        .enumerate()
        .map(|(index, operation)| {
            prepare(operation).map_err(|error| error.within(&format!("operations[{index}]")))
        })
        .collect()
}

pub(crate) fn cancel_replace_batch_prepared(
    prepared: &[PreparedCancelReplace],
    collateral_fee: &dyn Fn(&str) -> Option<bool>,
    now: SystemTime,
) -> Result<Operation<CancelReplaceBatchResponse>, Error> {
    let operations = prepared
        .iter()
        .enumerate()
        .map(|(index, operation)| {
            operation
                .request(collateral_fee(&operation.replacement.market_slug), now)
                .map_err(|error| error.within(&format!("operations[{index}]")))
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let sent = operations.iter().map(sent_replacement).collect();
    let body = CancelReplaceBatchRequest { operations };
    Ok(RequestSpec::post(
        "cancel_replace_batch",
        "/orders/cancel-replace/batch",
        Auth::Credentials,
    )
    .orders(sent)
    .json(&body)?
    .finish(finish_orders))
}

/// `DELETE /orders/{orderId}`: cancels one of your orders; answers the
/// API's message. Idempotent: cancelling one order twice cancels nothing
/// more.
pub fn cancel(order_id: &str) -> Result<Operation<String>, Error> {
    cancel_spec("cancel", Cancels::Order, order_id, None)
}

/// `DELETE /orders/{orderId}?onBehalfOf={id}`: cancels a sub-account's
/// order. Idempotent.
pub fn cancel_on_behalf_of(order_id: &str, on_behalf_of: i64) -> Result<Operation<String>, Error> {
    cancel_spec(
        "cancel_on_behalf_of",
        Cancels::Order,
        order_id,
        Some(on_behalf_of),
    )
}

/// `DELETE /orders/all/{marketSlug}`: cancels all your orders on a market.
/// Not idempotent: a late repeat would also cancel orders placed in the
/// meantime.
pub fn cancel_all(market_slug: &str) -> Result<Operation<String>, Error> {
    cancel_spec("cancel_all", Cancels::Market, market_slug, None)
}

/// `DELETE /orders/all/{marketSlug}?onBehalfOf={id}`: cancels all of a
/// sub-account's orders on a market. Not idempotent, as
/// [`cancel_all`].
pub fn cancel_all_on_behalf_of(
    market_slug: &str,
    on_behalf_of: i64,
) -> Result<Operation<String>, Error> {
    cancel_spec(
        "cancel_all_on_behalf_of",
        Cancels::Market,
        market_slug,
        Some(on_behalf_of),
    )
}

/// What a cancel removes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cancels {
    /// One order, by id.
    Order,
    /// All the orders on a market.
    Market,
}

fn cancel_spec(
    op: &'static str,
    cancels: Cancels,
    target: &str,
    on_behalf_of: Option<i64>,
) -> Result<Operation<String>, Error> {
    let (field, hint, prefix) = match cancels {
        Cancels::Order => ("order_id", "pass the id of the order to cancel", "/orders/"),
        Cancels::Market => ("market_slug", "pass the market's slug", "/orders/all/"),
    };
    let target = non_blank(field, target, hint)?;
    let path = format!("{prefix}{}", encode_segment(field, target)?);
    // Repeating a cancel-all later could cancel orders placed in between.
    let mut spec =
        RequestSpec::delete(op, path, Auth::Credentials).idempotent(cancels == Cancels::Order);
    if let Some(id) = on_behalf_of {
        validate_on_behalf_of(id)?;
        spec = spec.query([("onBehalfOf", id.to_string())]);
    }
    Ok(spec.finish(message))
}

/// Decodes an order-carrying answer. A refusal of the fee rate
/// (`400 {"code":"FEE_RATE_MISMATCH"}`) means a cached venue is stale: the
/// venues of the request's markets are dropped, so the next order on them
/// looks the venue up again; the error still goes to the caller.
pub(crate) fn finish_orders<T: DeserializeOwned>(
    http: &HttpClient,
    spec: &RequestSpec,
    outcome: Result<RawResponse, Error>,
) -> Result<ApiResponse<T>, Error> {
    let result = outcome.and_then(|raw| http.decode(spec, raw));
    if let Err(error) = &result
        && is_fee_rate_mismatch(error)
    {
        for order in &spec.orders {
            http.venues().forget(&order.market_slug);
        }
    }
    result
}

fn is_fee_rate_mismatch(error: &Error) -> bool {
    let Error::Api(api) = error else {
        return false;
    };
    api.status == http::StatusCode::BAD_REQUEST
        && api.data().is_some_and(|data| {
            data.get("code").and_then(|c| c.as_str()) == Some(FEE_RATE_MISMATCH)
        })
}
