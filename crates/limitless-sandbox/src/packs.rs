//! The Packs (parlays) state: the seeded packs and their pricing, the
//! positions bought, the idempotent buy answers and the arrivals the rate
//! limiter counts. The `/parlay/*` routes, the accounts' vault and the
//! handle call it.

use std::collections::HashMap;
use std::time::Instant;

use limitless_types::Decimal;
use limitless_types::packs::{PackBuyResponse, PackLeg};

/// The label of the allowance target a pack buy needs.
pub(crate) const VAULT_LABEL: &str = "parlay-treasury-vault";
/// The sandbox's treasury vault (not a deployed contract).
pub(crate) const VAULT: &str = "0x7a11e7000000000000000000000000000000bea7";
/// The vig every quote keeps, in percent.
pub(crate) const VIG_PERCENT: i64 = 10;

/// A seeded pack: id, name, whether it can be bought, legs (market slug,
/// outcome).
pub(crate) struct SeedPack(
    pub(crate) &'static str,
    pub(crate) &'static str,
    pub(crate) bool,
    pub(crate) &'static [(&'static str, &'static str)],
);

/// The seeded packs.
pub(crate) const SEEDED_PACKS: &[SeedPack] = &[
    SeedPack(
        "5eed0001-7c1d-4a8e-9f00-000000000001",
        "Crypto highs 2026",
        true,
        &[
            ("btc-above-120k-dec-31-2026", "YES"),
            ("eth-above-6k-dec-31-2026", "NO"),
        ],
    ),
    SeedPack(
        "5eed0002-7c1d-4a8e-9f00-000000000002",
        "Macro mix",
        true,
        &[
            ("fed-rate-cut-june-2026", "YES"),
            ("btc-above-120k-dec-31-2026", "NO"),
            ("eth-above-6k-dec-31-2026", "YES"),
        ],
    ),
    SeedPack(
        "5eed0003-7c1d-4a8e-9f00-000000000003",
        "Closed pack",
        false,
        &[("fed-rate-cut-june-2026", "NO")],
    ),
];

/// The seeded pack `id` (any case).
pub(crate) fn seeded(id: &str) -> Option<&'static SeedPack> {
    SEEDED_PACKS.iter().find(|p| p.0.eq_ignore_ascii_case(id))
}

/// A pack's price for one stake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Priced {
    /// One over the product of the legs' prices, to 6 places.
    pub(crate) raw_multiplier: Decimal,
    /// The raw multiplier less the vig, to 6 places.
    pub(crate) multiplier: Decimal,
    /// `floor(stake × (100 − vig) / 100 / Π price)`, micro-USDC.
    pub(crate) payout: u128,
}

/// Prices `stake` (micro-USDC) on `legs`, in exact decimal arithmetic: the
/// payout is computed from the unrounded product and rounded down once, so
/// the vault never owes more than the legs' prices pay. `None` when a leg
/// has no price, a price is zero, or the arithmetic would overflow.
pub(crate) fn price_pack(legs: &[PackLeg], stake: u128) -> Option<Priced> {
    let mut product = Decimal::ONE;
    for leg in legs {
        product = product.checked_mul(leg.price?)?;
    }
    if product <= Decimal::ZERO {
        return None;
    }
    let raw = Decimal::ONE.checked_div(product)?;
    let kept = Decimal::from(100 - VIG_PERCENT) / Decimal::from(100);
    let stake = Decimal::from_i128_with_scale(i128::try_from(stake).ok()?, 0);
    let payout = stake.checked_mul(kept)?.checked_div(product)?.floor();
    Some(Priced {
        raw_multiplier: raw.round_dp(6),
        multiplier: (raw * kept).round_dp(6),
        payout: payout.to_string().parse().ok()?,
    })
}

/// One position, as the sandbox holds it.
#[derive(Debug, Clone)]
pub(crate) struct PositionRecord {
    pub(crate) id: String,
    pub(crate) owner: i64,
    pub(crate) pack_id: String,
    pub(crate) pack_name: String,
    pub(crate) status: &'static str,
    /// Whether a read has confirmed the mint (the next read shows it).
    pub(crate) mint_seen: bool,
    pub(crate) stake: u128,
    pub(crate) payout: u128,
    pub(crate) multiplier: Decimal,
    pub(crate) legs: Vec<PackLeg>,
    pub(crate) wallet: String,
    pub(crate) created_at: String,
    pub(crate) tx_hash: String,
    pub(crate) claim: Option<&'static str>,
    pub(crate) claim_tx_hash: Option<String>,
}

/// The Packs side of the sandbox's state.
#[derive(Debug, Default)]
pub(crate) struct PackState {
    positions: Vec<PositionRecord>,
    /// First answers per (caller, key), with the body they answered.
    buys: HashMap<(i64, String), (String, PackBuyResponse)>,
    /// Arrival times of Packs requests per credential.
    arrivals: HashMap<String, Vec<Instant>>,
    /// Packs requests still to answer with 429.
    rate_limit_next: u64,
}

impl PackState {
    /// Records a request's arrival under its credential; `true` when the
    /// rate-limit fault refuses it (using one up).
    pub(crate) fn arrive(&mut self, credential: String, now: Instant) -> bool {
        self.arrivals.entry(credential).or_default().push(now);
        if self.rate_limit_next > 0 {
            self.rate_limit_next -= 1;
            return true;
        }
        false
    }

    /// The first answer to `caller`'s idempotency `key`, with the request
    /// it answered.
    pub(crate) fn answered(&self, caller: i64, key: &str) -> Option<&(String, PackBuyResponse)> {
        self.buys.get(&(caller, key.to_owned()))
    }

    /// Keeps a bought position and the answer to its idempotency key.
    pub(crate) fn record_buy(
        &mut self,
        position: PositionRecord,
        caller: i64,
        key: String,
        request: String,
        answer: PackBuyResponse,
    ) {
        self.positions.push(position);
        self.buys.insert((caller, key), (request, answer));
    }

    /// `owner`'s positions, newest first.
    pub(crate) fn owned_by(&self, owner: i64) -> Vec<&PositionRecord> {
        self.positions
            .iter()
            .rev()
            .filter(|p| p.owner == owner)
            .collect()
    }

    /// `owner`'s position `id` (any case).
    pub(crate) fn position_mut(&mut self, id: &str, owner: i64) -> Option<&mut PositionRecord> {
        self.positions
            .iter_mut()
            .find(|p| p.id.eq_ignore_ascii_case(id) && p.owner == owner)
    }

    /// Arrival times of `credential`'s Packs requests, oldest first.
    pub(crate) fn arrivals(&self, credential: &str) -> Vec<Instant> {
        self.arrivals.get(credential).cloned().unwrap_or_default()
    }

    pub(crate) fn set_rate_limit_next(&mut self, n: u64) {
        self.rate_limit_next = n;
    }

    pub(crate) fn position_count(&self) -> usize {
        self.positions.len()
    }

    /// Settles a position's markets: every leg won, or the first lost.
    /// `false` when there is no such position or it is not minted.
    pub(crate) fn resolve(&mut self, position_id: &str, won: bool, at: &str) -> bool {
        let Some(position) = self.positions.iter_mut().find(|p| p.id == position_id) else {
            return false;
        };
        if !matches!(position.status, "PENDING" | "ACTIVE") {
            return false;
        }
        position.status = if won { "WON" } else { "LOST" };
        for (i, leg) in position.legs.iter_mut().enumerate() {
            leg.resolution_status = Some(if won || i > 0 { "WON" } else { "LOST" }.to_owned());
            leg.resolved_at = Some(at.to_owned());
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn legs(prices: &[&str]) -> Vec<PackLeg> {
        prices
            .iter()
            .map(|price| PackLeg {
                price: Some(price.parse().unwrap()),
                ..PackLeg::default()
            })
            .collect()
    }

    #[test]
    fn the_payout_keeps_the_vig_and_rounds_down_once() {
        // 0.5 × 0.4 = 0.2: raw 5, less 10 % = 4.5; 10 USDC pays 45 USDC.
        let priced = price_pack(&legs(&["0.5", "0.4"]), 10_000_000).unwrap();
        assert_eq!(priced.raw_multiplier, "5".parse().unwrap());
        assert_eq!(priced.multiplier, "4.5".parse().unwrap());
        assert_eq!(priced.payout, 45_000_000);
        // 0.3 × 0.7 = 0.21: 1,000 USDC × 0.9 / 0.21 = 4_285_714_285.71…
        // micro-USDC, floored; the shown multiplier (4.285714) times the
        // stake would pay 285 micro-USDC less.
        let priced = price_pack(&legs(&["0.3", "0.7"]), 1_000_000_000).unwrap();
        assert_eq!(priced.payout, 4_285_714_285);
        assert_eq!(priced.raw_multiplier, "4.761905".parse().unwrap());
        assert_eq!(priced.multiplier, "4.285714".parse().unwrap());
    }

    #[test]
    fn a_leg_without_a_price_or_at_zero_cannot_be_priced() {
        assert_eq!(price_pack(&legs(&["0.5", "0"]), 1_000_000), None);
        let mut unpriced = legs(&["0.5"]);
        unpriced[0].price = None;
        assert_eq!(price_pack(&unpriced, 1_000_000), None);
        assert_eq!(price_pack(&legs(&["0.5"]), u128::MAX), None);
    }

    #[test]
    fn seeded_packs_are_found_in_any_case() {
        let id = SEEDED_PACKS[0].0;
        assert_eq!(
            seeded(&id.to_uppercase()).map(|p| p.1),
            Some(SEEDED_PACKS[0].1)
        );
        assert!(seeded("5eed0009-7c1d-4a8e-9f00-000000000009").is_none());
    }
}
