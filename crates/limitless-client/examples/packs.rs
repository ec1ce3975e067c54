//! Packs for a sub-account: the catalogue, a quote, the least payout
//! accepted after slippage, a buy, the wait for its position to be minted
//! and, in the sandbox, a claim once the sandbox settles it won.
//!
//! Every Packs call waits its turn (at least 1.1 s apart per credential),
//! so this takes a few seconds.
//!
//! **Moves real money in production.** Against a server the buy is only
//! signed and printed, unless `LIMITLESS_EXAMPLES_LIVE=1`. It needs HMAC
//! credentials (`trading`, `delegated_signing`) and
//! `LIMITLESS_ON_BEHALF_OF`, whose `parlay-treasury-vault` allowance is
//! confirmed.
//!
//! ```text
//! cargo run -p limitless-client --example packs
//! ```

mod common;

use std::process::ExitCode;
use std::time::Duration;

use common::{Outcome, Setup, or_dash, section};
use limitless_client::types::packs::pack_min_payout;
use limitless_client::{MIN_PACK_POLL_INTERVAL, PackBuyParams};

/// 1 USDC, in micro-USDC.
const STAKE: &str = "1000000";
/// 1 % less payout accepted than quoted.
const SLIPPAGE_BPS: u32 = 100;
const WAIT: Duration = Duration::from_secs(60);

fn main() -> ExitCode {
    common::run(example)
}

async fn example(setup: &Setup) -> Outcome {
    let (packs, alice) = (&setup.client.packs, setup.sub_account().await?);

    section("GET /parlay/packs");
    let catalogue = packs.list().await?;
    for pack in &catalogue {
        let eligible = or_dash(pack.eligible);
        let legs = pack.legs.len();
        println!(
            "{} {:?}: {legs} legs, {}, eligible {eligible}",
            pack.id, pack.name, pack.status
        );
    }
    let pack = catalogue
        .iter()
        .find(|pack| pack.eligible == Some(true))
        .ok_or("no pack can be bought")?;

    section("POST /parlay/partner/quote: 1 USDC");
    let quote = packs.quote(&pack.id, STAKE).await?;
    let payout = quote.potential_payout.ok_or("the quote has no payout")?;
    let min_payout = pack_min_payout(&payout, SLIPPAGE_BPS)?;
    println!(
        "{:?}: x{} after {}% vig, payout {payout}, accepted down to {min_payout}",
        pack.name,
        or_dash(quote.multiplier),
        or_dash(quote.vig_percent),
    );

    section("POST /parlay/partner/buy");
    // Saved before it is sent: a buy whose outcome is unknown is recovered
    // by sending these very params again (same key, same deadline).
    let buy = PackBuyParams {
        on_behalf_of: alice,
        pack_id: pack.id.clone(),
        stake_amount: STAKE.to_owned(),
        min_payout_amount: min_payout,
        deadline: (setup.unix_seconds() + 300).to_string(),
        idempotency_key: Some(format!("examples-pack-{alice}-{}", setup.unix_seconds())),
    };
    let Some(bought) = setup.send(packs.buy(&buy)).await? else {
        return Ok(());
    };
    let id = bought.position.id;
    println!(
        "{}: position {id} {}",
        bought.status, bought.position.status
    );

    section("wait_for_position: until minted");
    let position = packs
        .wait_for_position(&id, alice, MIN_PACK_POLL_INTERVAL, WAIT)
        .await?;
    println!(
        "{id}: {}, tx {}",
        position.status,
        or_dash(position.tx_hash)
    );

    let Some(sandbox) = &setup.sandbox else {
        println!("claim it with packs.claim once its markets settle WON");
        return Ok(());
    };
    section("claim: the sandbox settles every leg won");
    if !sandbox.resolve_pack(&id, true) {
        return Err(format!("the sandbox could not settle {id}").into());
    }
    let claim = packs
        .claim(&id, alice, MIN_PACK_POLL_INTERVAL, WAIT)
        .await?;
    println!(
        "{}: {}, tx {}",
        claim.parlay_id,
        claim.status,
        or_dash(claim.tx_hash)
    );
    Ok(())
}
