//! `/orders`: orders placed, cancelled and replaced, and the order
//! pipeline every order goes through: the inputs a caller writes
//! ([`CreateOrderParams`], owned by a [`SubAccount`] or the
//! [`SignerProfile`]; [`CancelReplaceParams`]), their validation and exact
//! pricing, and their settling (fee, salt, times; the EIP-712 signature of
//! a self-signed order). Self-signed bodies are sent by
//! [`ops::signed_orders`](super::signed_orders).
//!
//! An order's fee depends on its market's venue (0 on a collateral-fee
//! venue), and its salt and receive window on the time, so the functions
//! that build orders take both: `collateral_fee` is
//! [`Venue::is_collateral_fee`](limitless_types::Venue::is_collateral_fee)
//! of the market's venue (`None` for a market without one), `now` the time
//! to settle the salt and timestamps at. The service
//! ([`DelegatedOrderService`](crate::DelegatedOrderService)) finds the venue
//! itself, once per market, and uses the client's clock.

mod params;
mod prepare;

use std::time::SystemTime;

use http::{HeaderName, HeaderValue, StatusCode};
use limitless_types::limits::{
    MAX_CANCEL_BATCH, MAX_CANCEL_REPLACE_BATCH, MAX_CLIENT_ORDER_ID_LENGTH, MAX_ORDER_STATUS_BATCH,
    client_order_id_length,
};
use limitless_types::orders::{
    BatchCancelRequest, CancelBatchResponse, CancelReplaceBatchRequest, CancelReplaceBatchResponse,
    CancelReplaceResult, CancelTarget, OrderResponse, OrderStatusBatch, OrderStatusBatchRequest,
};
use limitless_types::validate::validate_on_behalf_of;
use serde::de::DeserializeOwned;

use super::api_tokens::message;
use super::packs::HEADER_ON_BEHALF_OF;
use super::{Auth, Operation, RequestSpec, encode_segment};
pub use params::{
    CancelReplaceParams, CreateDelegatedOrderParams, CreateOrderParams, CreateSignedOrderParams,
    DelegatedCancelReplaceParams, FokOrder, LimitOrder, OrderOwner, SignedCancelReplaceParams,
    SignedFokOrder, SignedLimitOrder, SignerProfile, SubAccount,
};
pub(crate) use prepare::{Finished, PreparedCancelReplace, PreparedOrder, Settled, SignerAccount};

use crate::Error;
use crate::error::SentOrder;
use crate::ops::finish::Finisher;
use crate::response::{ApiResponse, RawResponse};
use crate::validate::non_blank;
use prepare::sent_replacement;

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
    let prepared = params.prepare()?;
    let finished = prepared.settle_delegated(collateral_fee, now)?;
    create_finished(&prepared, finished)
}

/// `POST /orders` for a sub-account's order settled by the pipeline.
pub(crate) fn create_finished(
    prepared: &PreparedOrder,
    finished: Finished,
) -> Result<Operation<OrderResponse>, Error> {
    let body = prepared.create_request(finished);
    let sent = SentOrder::new(
        &body.market_slug,
        body.order.salt,
        body.client_order_id.as_deref(),
        body.owner_id,
    );
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
    let prepared = params.prepare()?;
    let finished = replacement_finished(&prepared, collateral_fee, now)?;
    cancel_replace_finished(&prepared, finished)
}

/// A cancel-replace's replacement settled for its sub-account.
fn replacement_finished(
    prepared: &PreparedCancelReplace,
    collateral_fee: Option<bool>,
    now: SystemTime,
) -> Result<Finished, Error> {
    prepared
        .replacement
        .settle_delegated(collateral_fee, now)
        .map_err(|error| error.within("replacement"))
}

/// `POST /orders/cancel-replace` for a sub-account's replacement settled
/// by the pipeline.
pub(crate) fn cancel_replace_finished(
    prepared: &PreparedCancelReplace,
    finished: Finished,
) -> Result<Operation<CancelReplaceResult>, Error> {
    let body = prepared.request(finished);
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
    let prepared = prepare_batch(operations)?;
    let finished = prepared
        .iter()
        .enumerate()
        .map(|(index, operation)| {
            replacement_finished(
                operation,
                collateral_fee(&operation.replacement.market_slug),
                now,
            )
            .map_err(|error| error.within(&format!("operations[{index}]")))
        })
        .collect::<Result<Vec<_>, Error>>()?;
    cancel_replace_batch_finished(&prepared, finished)
}

/// A cancel-replace batch holds 1 to [`MAX_CANCEL_REPLACE_BATCH`]
/// operations, prepared here or signed by the caller.
pub(crate) fn cancel_replace_batch_size(operations: usize) -> Result<(), Error> {
    if operations == 0 || operations > MAX_CANCEL_REPLACE_BATCH {
        return Err(Error::invalid_field(
            "operations",
            format!(
                "a cancel-replace batch holds 1 to {MAX_CANCEL_REPLACE_BATCH} operations, got {operations}"
            ),
        ));
    }
    Ok(())
}

/// Checks a batch's size and each of its operations (for a sub-account
/// or self-signed).
pub(crate) fn prepare_batch<O: OrderOwner>(
    operations: &[CancelReplaceParams<O>],
) -> Result<Vec<PreparedCancelReplace>, Error> {
    cancel_replace_batch_size(operations.len())?;
    operations
        .iter()
        .enumerate()
        .map(|(index, operation)| {
            operation
                .prepare()
                .map_err(|error| error.within(&format!("operations[{index}]")))
        })
        .collect()
}

/// `POST /orders/cancel-replace/batch` for sub-accounts' replacements
/// settled by the pipeline, one per operation.
pub(crate) fn cancel_replace_batch_finished(
    prepared: &[PreparedCancelReplace],
    finished: Vec<Finished>,
) -> Result<Operation<CancelReplaceBatchResponse>, Error> {
    let operations: Vec<_> = prepared
        .iter()
        .zip(finished)
        .map(|(operation, finished)| operation.request(finished))
        .collect();
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
    cancel_spec("cancel", Cancels::Order, order_id, None).map(|spec| spec.finish(message))
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
    .map(|spec| spec.finish(message))
}

/// `DELETE /orders/all/{marketSlug}`: cancels all your orders on a market.
/// Answers what was cancelled: HTTP 200, or **207** when some orders could
/// not be (PROTOCOL §7.4, spec `CancelAllOrdersResponseDto`), a result
/// rather than an error: see [`CancelBatchResponse::is_partial`]. The
/// published answer is `{"message": …}` alone (ccxt's capture), so
/// `canceled` and `failed` may both be empty on full success.
/// Not idempotent: a late repeat would also cancel orders placed in the
/// meantime.
pub fn cancel_all(market_slug: &str) -> Result<Operation<CancelBatchResponse>, Error> {
    cancel_spec("cancel_all", Cancels::Market, market_slug, None).map(RequestSpec::decode)
}

/// `DELETE /orders/all/{marketSlug}?onBehalfOf={id}`: cancels all of a
/// sub-account's orders on a market. Not idempotent, as
/// [`cancel_all`].
pub fn cancel_all_on_behalf_of(
    market_slug: &str,
    on_behalf_of: i64,
) -> Result<Operation<CancelBatchResponse>, Error> {
    cancel_spec(
        "cancel_all_on_behalf_of",
        Cancels::Market,
        market_slug,
        Some(on_behalf_of),
    )
    .map(RequestSpec::decode)
}

/// `POST /orders/status/batch`: what became of 1 to
/// [`MAX_ORDER_STATUS_BATCH`] of your orders, each named by its id or its
/// client order id (PROTOCOL §7.4); one result per item, with its
/// `index` in `items`. A read: retried like one.
pub fn order_status_batch(items: &[CancelTarget]) -> Result<Operation<OrderStatusBatch>, Error> {
    status_batch_spec("order_status_batch", items).map(RequestSpec::decode)
}

/// `POST /orders/status/batch` for the sub-account `on_behalf_of`, named
/// in the `x-on-behalf-of` header as the partner reads of a sub-account
/// are (PROTOCOL §7.5; the API asks for `delegated_signing`).
pub fn order_status_batch_on_behalf_of(
    items: &[CancelTarget],
    on_behalf_of: i64,
) -> Result<Operation<OrderStatusBatch>, Error> {
    validate_on_behalf_of(on_behalf_of)?;
    let spec = status_batch_spec("order_status_batch_on_behalf_of", items)?;
    Ok(spec
        .header(
            HeaderName::from_static(HEADER_ON_BEHALF_OF),
            HeaderValue::from(on_behalf_of),
        )
        .decode())
}

fn status_batch_spec(op: &'static str, items: &[CancelTarget]) -> Result<RequestSpec, Error> {
    if items.is_empty() || items.len() > MAX_ORDER_STATUS_BATCH {
        return Err(Error::invalid_field(
            "items",
            format!(
                "a status batch looks up 1 to {MAX_ORDER_STATUS_BATCH} orders, got {}; split the list",
                items.len()
            ),
        ));
    }
    let items = items
        .iter()
        .enumerate()
        .map(|(index, item)| checked_target(item).map_err(|e| e.within(&format!("items[{index}]"))))
        .collect::<Result<Vec<_>, Error>>()?;
    // POST only to carry the list: it changes nothing, so it may be retried.
    RequestSpec::post(op, "/orders/status/batch", Auth::Credentials)
        .idempotent(true)
        .json(&OrderStatusBatchRequest { items })
}

/// An order named by id or client order id, trimmed; blank or over-long
/// ids refused.
fn checked_target(target: &CancelTarget) -> Result<CancelTarget, Error> {
    Ok(match target {
        CancelTarget::OrderId(id) => {
            CancelTarget::OrderId(non_blank("order_id", id, "pass the order's id")?.to_owned())
        }
        CancelTarget::ClientOrderId(id) => {
            CancelTarget::ClientOrderId(checked_client_order_id("client_order_id", id)?.to_owned())
        }
    })
}

fn checked_client_order_id<'a>(field: &str, id: &'a str) -> Result<&'a str, Error> {
    let id = non_blank(
        field,
        id,
        "pass the client order id the order was placed with",
    )?;
    let length = client_order_id_length(id);
    if length > MAX_CLIENT_ORDER_ID_LENGTH {
        return Err(Error::invalid_field(
            field,
            format!(
                "{field} must be at most {MAX_CLIENT_ORDER_ID_LENGTH} characters, got {length}"
            ),
        ));
    }
    Ok(id)
}

/// `POST /orders/cancel`: cancels one of your orders, named by its id or
/// its client order id (body `{"orderId"}` or `{"clientOrderId"}`);
/// answers the API's message. Idempotent, as
/// [`cancel`] is.
pub fn cancel_order(target: &CancelTarget) -> Result<Operation<String>, Error> {
    cancel_order_spec("cancel_order", target, None)
}

/// `POST /orders/cancel?onBehalfOf={id}`: cancels a sub-account's order by
/// id or client order id; the query is part of the signed path (the API
/// asks for `delegated_signing`). Idempotent.
pub fn cancel_order_on_behalf_of(
    target: &CancelTarget,
    on_behalf_of: i64,
) -> Result<Operation<String>, Error> {
    cancel_order_spec("cancel_order_on_behalf_of", target, Some(on_behalf_of))
}

fn cancel_order_spec(
    op: &'static str,
    target: &CancelTarget,
    on_behalf_of: Option<i64>,
) -> Result<Operation<String>, Error> {
    let target = checked_target(target)?;
    let spec = RequestSpec::post(op, "/orders/cancel", Auth::Credentials)
        // Cancelling one order twice cancels nothing more.
        .idempotent(true);
    Ok(with_on_behalf_of(spec, on_behalf_of)?
        .json(&target)?
        .finish(message))
}

/// `POST /orders/batch-cancel`: cancels up to [`MAX_CANCEL_BATCH`] of your
/// orders, all by id or all by client order id. HTTP 207 (some were not
/// cancelled) is a result: see
/// [`CancelBatchResponse::is_partial`]. Idempotent: the same ids
/// cancel nothing more the second time.
pub fn batch_cancel(request: &BatchCancelRequest) -> Result<Operation<CancelBatchResponse>, Error> {
    batch_cancel_spec("batch_cancel", request, None)
}

/// `POST /orders/batch-cancel?onBehalfOf={id}`: as [`batch_cancel`], for a
/// sub-account's orders. The query is sent as on `POST /orders/cancel`;
/// no source shows it on this route.
pub fn batch_cancel_on_behalf_of(
    request: &BatchCancelRequest,
    on_behalf_of: i64,
) -> Result<Operation<CancelBatchResponse>, Error> {
    batch_cancel_spec("batch_cancel_on_behalf_of", request, Some(on_behalf_of))
}

fn batch_cancel_spec(
    op: &'static str,
    request: &BatchCancelRequest,
    on_behalf_of: Option<i64>,
) -> Result<Operation<CancelBatchResponse>, Error> {
    let body =
        match request {
            BatchCancelRequest::OrderIds(ids) => {
                BatchCancelRequest::OrderIds(checked_ids("order_ids", ids, |field, id| {
                    non_blank(field, id, "pass the order's id")
                })?)
            }
            BatchCancelRequest::ClientOrderIds(ids) => BatchCancelRequest::ClientOrderIds(
                checked_ids("client_order_ids", ids, checked_client_order_id)?,
            ),
        };
    let spec = RequestSpec::post(op, "/orders/batch-cancel", Auth::Credentials).idempotent(true);
    Ok(with_on_behalf_of(spec, on_behalf_of)?.json(&body)?.decode())
}

/// `POST /orders/cancel-batch` `{"orderIds"}`: the spec's batch cancel by
/// order ids (up to [`MAX_CANCEL_BATCH`]); 207 is a result, as for
/// [`batch_cancel`]. Idempotent.
pub fn cancel_batch(order_ids: &[String]) -> Result<Operation<CancelBatchResponse>, Error> {
    let ids = checked_ids("order_ids", order_ids, |field, id| {
        non_blank(field, id, "pass the order's id")
    })?;
    RequestSpec::post("cancel_batch", "/orders/cancel-batch", Auth::Credentials)
        .idempotent(true)
        .json(&BatchCancelRequest::OrderIds(ids))
        .map(RequestSpec::decode)
}

fn checked_ids<'a>(
    field: &str,
    ids: &'a [String],
    check: impl Fn(&str, &'a str) -> Result<&'a str, Error>,
) -> Result<Vec<String>, Error> {
    if ids.is_empty() || ids.len() > MAX_CANCEL_BATCH {
        return Err(Error::invalid_field(
            field,
            format!(
                "a batch cancel takes 1 to {MAX_CANCEL_BATCH} ids, got {}; split the list",
                ids.len()
            ),
        ));
    }
    ids.iter()
        .enumerate()
        .map(|(index, id)| check(&format!("{field}[{index}]"), id).map(str::to_owned))
        .collect()
}

fn with_on_behalf_of(spec: RequestSpec, on_behalf_of: Option<i64>) -> Result<RequestSpec, Error> {
    match on_behalf_of {
        Some(id) => {
            validate_on_behalf_of(id)?;
            Ok(spec.query([("onBehalfOf", id.to_string())]))
        }
        None => Ok(spec),
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

fn cancel_spec(
    op: &'static str,
    cancels: Cancels,
    target: &str,
    on_behalf_of: Option<i64>,
) -> Result<RequestSpec, Error> {
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
    Ok(spec)
}

/// Decodes an order-carrying answer. A refusal of the fee rate
/// (`400 {"code":"FEE_RATE_MISMATCH"}`) means a cached venue is stale: the
/// venues of the request's markets are dropped, so the next order on them
/// looks the venue up again; the error still goes to the caller.
pub(crate) fn finish_orders<T: DeserializeOwned>(
    http: &Finisher<'_>,
    spec: &RequestSpec,
    outcome: Result<RawResponse, Error>,
) -> Result<ApiResponse<T>, Error> {
    let result = outcome
        .and_then(|raw| http.decode(spec, raw))
        .map_err(|error| duplicate_client_order_id(spec, error));
    if let Err(error) = &result
        && is_fee_rate_mismatch(error)
    {
        for order in &spec.orders {
            http.venues().forget(&order.market_slug);
        }
    }
    result
}

/// A 409 to a request carrying one order with a client order id is the
/// API's answer to a duplicate id (docs: create-order, "duplicate →
/// 409"): the original was accepted. Operations that decode their 409
/// (cancel-replace) never get here.
fn duplicate_client_order_id(spec: &RequestSpec, error: Error) -> Error {
    let [order] = spec.orders.as_slice() else {
        return error;
    };
    match (error, &order.client_order_id) {
        (Error::Api(api), Some(id)) if api.status == StatusCode::CONFLICT => {
            Error::DuplicateClientOrderId {
                client_order_id: id.clone(),
                source: api,
            }
        }
        (error, _) => error,
    }
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
