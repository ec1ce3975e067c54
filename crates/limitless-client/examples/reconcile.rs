//! An order whose outcome is unknown: it may have reached the exchange, but
//! no usable answer came back (a timeout, a dropped connection, a 5xx).
//! The client never sends an order twice by itself; it fails with
//! `Error::OutcomeUnknown` naming the order's salt and client order id.
//! `reconcile` looks the order up by that id with the status batch (by
//! salt among the sub-account's orders for an order without one); it
//! never sends an order, and only an order known not to be placed is sent
//! again: the very same one.
//! The embedded sandbox is told to place the order and then drop the
//! connection, so the answer is lost.
//!
//! **Moves real money in production.** Against a server the order is only
//! signed and printed, unless `LIMITLESS_EXAMPLES_LIVE=1`. It needs HMAC
//! credentials (`trading`, `delegated_signing`), `LIMITLESS_MARKET_SLUG`
//! and `LIMITLESS_ON_BEHALF_OF`.
//!
//! ```text
//! cargo run -p limitless-client --example reconcile
//! ```

mod common;

use std::process::ExitCode;

use common::{Outcome, Setup, section};
use limitless_client::{
    CreateDelegatedOrderParams, DelegatedOrderService, Error, OrderOutcome, Side,
};

fn main() -> ExitCode {
    common::run(example)
}

async fn example(setup: &Setup) -> Outcome {
    let (market, alice) = (setup.market().await?, setup.sub_account().await?);
    let (slug, token) = (&market.slug, &market.yes_token);
    let orders = &setup.client.delegated_orders;
    // A fixed salt and client order id: the order can be looked up, and
    // sent again unchanged.
    let order = CreateDelegatedOrderParams::gtc(slug, token, Side::Buy, "0.02", 10, alice)
        .post_only(true)
        .salt(1_790_000_000_000_002)
        .client_order_id("reconcile-example-1");
    if !setup.live() {
        setup.send(orders.create_order(&order)).await?;
        return Ok(());
    }
    if let Some(sandbox) = &setup.sandbox {
        sandbox.faults().drop_after_placing(1);
        println!("the sandbox will place the next order, then drop the connection");
    }

    section("POST /orders");
    if let Some(unknown) = place(orders, &order).await? {
        section("reconcile: look the order up, never re-send blindly");
        settle(orders, &unknown, &order).await?;
    }

    if setup.sandbox.is_some() {
        section("the same order again");
        // The sandbox refuses a client order id the sub-account has used
        // (409: Error::DuplicateClientOrderId).
        place(orders, &order).await?;
    }

    section("DELETE /orders/all/{slug} for the sub-account");
    let cancelled = orders.cancel_all_on_behalf_of(slug, alice).await?;
    println!(
        "{} (cancelled: {:?})",
        cancelled.message, cancelled.canceled
    );
    for failure in &cancelled.failed {
        println!("still live: {} ({:?})", failure.order_id, failure.reason);
    }
    Ok(())
}

/// Looks up the orders of a request whose outcome is unknown; sends
/// `order` again only if it is known not to be placed.
async fn settle(
    orders: &DelegatedOrderService,
    unknown: &Error,
    order: &CreateDelegatedOrderParams,
) -> Result<(), Error> {
    for found in orders.reconcile(unknown.sent_orders()).await {
        let salt = found.order.salt;
        match found.outcome {
            OrderOutcome::Placed(placed) => {
                let status = placed.status.as_deref().unwrap_or("-");
                println!("salt {salt} was placed as {} ({status})", placed.id);
            }
            OrderOutcome::NotPlaced => {
                println!("salt {salt} was not placed: sending the very same order");
                place(orders, order).await?;
            }
            OrderOutcome::Unknown(why) => {
                println!("salt {salt}: still unknown ({why}); look again later");
            }
            _ => println!("salt {salt}: an outcome this example does not know"),
        }
    }
    Ok(())
}

/// Places `order`; returns the error when its outcome is unknown.
async fn place(
    orders: &DelegatedOrderService,
    order: &CreateDelegatedOrderParams,
) -> Result<Option<Error>, Error> {
    match orders.create_order(order).await {
        Ok(placed) => println!("placed as {}", placed.order.id),
        // Sent, but no usable answer: it may or may not have been placed.
        Err(error) if error.is_outcome_unknown() => {
            println!("outcome unknown: {error}");
            for cause in common::causes(&error) {
                println!("  caused by: {cause}");
            }
            return Ok(Some(error));
        }
        // The API answered with a refusal: this request placed nothing.
        Err(error) => match error.status() {
            Some(status) => {
                println!(
                    "refused, not placed (HTTP {status}): {}",
                    error.api_message().unwrap_or("-")
                );
            }
            None => return Err(error),
        },
    }
    Ok(None)
}
