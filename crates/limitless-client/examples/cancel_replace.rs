//! Cancel-replace: move a resting order to a new price in one request
//! (the cancel and the replacement together), and several at once in a
//! batch. A cancel that fails is an answer to read (HTTP 409 or 207), not
//! an error: each half says what became of it.
//!
//! **Moves real money in production.** Against a server every request is
//! only signed and printed, unless `LIMITLESS_EXAMPLES_LIVE=1`. It needs
//! HMAC credentials (`trading`, `delegated_signing`),
//! `LIMITLESS_MARKET_SLUG` and `LIMITLESS_ON_BEHALF_OF`.
//!
//! ```text
//! cargo run -p limitless-client --example cancel_replace
//! ```

mod common;

use std::process::ExitCode;

use common::{Outcome, Setup, or_dash, section};
use limitless_client::types::orders::{CancelOutcome, ReplacementOutcome};
use limitless_client::{
    CancelReplaceMode, CancelTarget, CreateDelegatedOrderParams, DelegatedCancelReplaceParams, Side,
};

fn main() -> ExitCode {
    common::run(example)
}

async fn example(setup: &Setup) -> Outcome {
    let alice = setup.sub_account().await?;
    let market = setup.market().await?;
    let (slug, token) = (&market.slug, &market.yes_token);
    let orders = &setup.client.delegated_orders;
    // A post-only bid of 10 YES shares for the sub-account.
    let bid = |price| {
        CreateDelegatedOrderParams::gtc(slug, token, Side::Buy, price, 10, alice).post_only(true)
    };

    section("a resting bid at 0.02");
    let Some(first) = setup.send(orders.create_order(&bid("0.02"))).await? else {
        return Ok(());
    };
    println!("order {}", first.order.id);

    section("POST /orders/cancel-replace: the bid moves to 0.03");
    let first_id = CancelTarget::OrderId(first.order.id.clone());
    let moved = DelegatedCancelReplaceParams::new(first_id.clone(), bid("0.03"))
        .client_order_id("example-bid-2");
    let result = orders.cancel_replace(&moved).await?;
    println!("{}", report(&result.cancel, &result.replacement));

    section("the same request again: the order is already gone");
    // Stop on failure (the default): no replacement without the cancel.
    let again = orders.cancel_replace(&moved).await?;
    println!("{}", report(&again.cancel, &again.replacement));

    section("POST /orders/cancel-replace/batch");
    let batch = [
        // By the client order id given to the replacement above.
        DelegatedCancelReplaceParams::new(
            CancelTarget::ClientOrderId("example-bid-2".into()),
            bid("0.04"),
        ),
        // The replacement is placed even though this cancel fails.
        DelegatedCancelReplaceParams::new(first_id, bid("0.01"))
            .mode(CancelReplaceMode::AllowFailure),
    ];
    for item in orders.cancel_replace_batch(&batch).await?.results {
        println!(
            "[{}] {}",
            item.index,
            report(&item.cancel, &item.replacement)
        );
    }

    section("clean up");
    println!(
        "{}",
        orders.cancel_all_on_behalf_of(slug, alice).await?.message
    );
    Ok(())
}

/// What became of each half of one cancel-replace.
fn report(cancel: &CancelOutcome, replacement: &ReplacementOutcome) -> String {
    let cancel = match cancel {
        CancelOutcome::Success { order_id, .. } => {
            format!("cancelled {}", order_id.as_deref().unwrap_or("the order"))
        }
        CancelOutcome::Failure { error } => format!("cancel refused ({})", error.code),
        other => format!("cancel {other:?}"),
    };
    let replacement = match replacement {
        ReplacementOutcome::Success { data } => {
            format!("placed {} at {}", data.order.id, or_dash(data.order.price))
        }
        ReplacementOutcome::Failure { error } => format!("replacement refused ({})", error.code),
        ReplacementOutcome::NotAttempted => "replacement not attempted".to_owned(),
        other => format!("replacement {other:?}"),
    };
    format!("{cancel}; {replacement}")
}
