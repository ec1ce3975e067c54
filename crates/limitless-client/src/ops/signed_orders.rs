//! `/orders` for orders signed client-side (PROTOCOL §2.7): the signer
//! places orders for its own profile, the EIP-712 signature inside
//! `order`, its own `ownerId`, no `onBehalfOf`.
//!
//! These functions take orders already signed, so they stay pure; the
//! service ([`SignedOrderService`](crate::SignedOrderService)) reads the
//! profile and the market's venue, settles the fee and signs. Cancels are
//! the same requests as for delegated orders:
//! [`orders::cancel`](super::orders::cancel) and
//! [`orders::cancel_all`](super::orders::cancel_all).

use limitless_types::orders::{
    CancelReplaceBatchRequest, CancelReplaceBatchResponse, CancelReplaceRequest,
    CancelReplaceResult, CreateSignedOrderRequest, OrderResponse, SignedOrder, ZERO_ADDRESS,
};

use super::orders::{cancel_replace_batch_size, finish_orders};
use super::{Auth, Operation, RequestSpec};
use crate::Error;
use crate::error::SentOrder;

/// `POST /orders`: a self-signed GTC, FAK or FOK order, body exactly as
/// given. Not idempotent: never sent again once it may have arrived.
pub fn create_order(body: &CreateSignedOrderRequest) -> Result<Operation<OrderResponse>, Error> {
    check_signed(&body.order, "order")?;
    let sent = SentOrder::new(
        &body.market_slug,
        body.order.order.salt,
        body.client_order_id.as_deref(),
        body.owner_id,
    );
    Ok(
        RequestSpec::post("create_signed_order", "/orders", Auth::Credentials)
            .orders(vec![sent])
            .json(body)?
            .finish(finish_orders),
    )
}

/// `POST /orders/cancel-replace`: cancels one of the signer's orders and
/// places a self-signed replacement. An HTTP 409 carries a result and is
/// decoded. Not idempotent.
pub fn cancel_replace(
    body: &CancelReplaceRequest<SignedOrder>,
) -> Result<Operation<CancelReplaceResult>, Error> {
    check_operation(body)?;
    Ok(RequestSpec::post(
        "cancel_replace_signed",
        "/orders/cancel-replace",
        Auth::Credentials,
    )
    .accept(&[http::StatusCode::CONFLICT])
    .orders(vec![sent_replacement(body)])
    .json(body)?
    .finish(finish_orders))
}

/// `POST /orders/cancel-replace/batch`: 1 to
/// [`MAX_CANCEL_REPLACE_BATCH`](limitless_types::limits::MAX_CANCEL_REPLACE_BATCH)
/// self-signed cancel-replaces. HTTP 207 (some failed) is a success. Not
/// idempotent.
pub fn cancel_replace_batch(
    operations: &[CancelReplaceRequest<SignedOrder>],
) -> Result<Operation<CancelReplaceBatchResponse>, Error> {
    cancel_replace_batch_size(operations.len())?;
    for (index, operation) in operations.iter().enumerate() {
        check_operation(operation)
            .map_err(|error| error.within(&format!("operations[{index}]")))?;
    }
    let sent = operations.iter().map(sent_replacement).collect();
    let body = CancelReplaceBatchRequest {
        operations: operations.to_vec(),
    };
    Ok(RequestSpec::post(
        "cancel_replace_batch_signed",
        "/orders/cancel-replace/batch",
        Auth::Credentials,
    )
    .orders(sent)
    .json(&body)?
    .finish(finish_orders))
}

fn check_operation(operation: &CancelReplaceRequest<SignedOrder>) -> Result<(), Error> {
    if operation.on_behalf_of.is_some() {
        return Err(Error::invalid_field(
            "on_behalf_of",
            "a self-signed replacement is the signer's own order: leave on_behalf_of unset",
        ));
    }
    check_signed(&operation.replacement.order, "replacement.order")
}

/// The shape the API checks before the cryptography: a 65-byte hex
/// signature and a maker that is the (non-zero) signer.
fn check_signed(order: &SignedOrder, at: &str) -> Result<(), Error> {
    let signature = order.signature.as_bytes();
    let well_formed = signature.len() == 132
        && signature.starts_with(b"0x")
        && signature[2..].iter().all(u8::is_ascii_hexdigit);
    if !well_formed {
        // The signature itself stays out of the message.
        return Err(Error::invalid_field(
            format!("{at}.signature"),
            format!("{at}.signature must be 0x and 130 hex characters"),
        ));
    }
    let order = &order.order;
    if !order.maker.eq_ignore_ascii_case(&order.signer) || order.signer == ZERO_ADDRESS {
        return Err(Error::invalid_field(
            format!("{at}.maker"),
            format!(
                "{at}.maker and {at}.signer must both be the signing wallet's address, got {} and {}",
                order.maker, order.signer
            ),
        ));
    }
    Ok(())
}

fn sent_replacement(request: &CancelReplaceRequest<SignedOrder>) -> SentOrder {
    let replacement = &request.replacement;
    SentOrder::new(
        &replacement.market_slug,
        replacement.order.order.salt,
        replacement.client_order_id.as_deref(),
        replacement.owner_id,
    )
}
