//! The balance ledger: USDC and outcome shares per profile, in exact
//! micro-units, and the checks the API makes against them.
//!
//! Every profile (a seeded identity or a sub-account, whenever created)
//! starts with [`STARTING_USDC`] and no shares: the sandbox's grant, so an
//! account made in a test can trade at once. The handle's `fund` and
//! `drain` knobs change it, and `deposit_shares` moves outcome tokens in
//! from outside, as an on-chain transfer would.
//!
//! Fills move USDC and shares between the two sides; splits, merges and
//! withdrawals move them in and out. What live orders hold back is not
//! booked: it follows from the engine's live orders, so a cancel, a fill
//! or self-trade prevention releases it without a second record to keep
//! in step. A BUY holds its unfilled shares at its limit price (rounded up,
//! as its `makerAmount` is); a SELL holds its unfilled shares.
//!
//! Fees are not charged to balances (the sandbox's positions leave them
//! out too).

use std::collections::HashMap;

use limitless_types::{Side, UnsignedOrder};

use crate::engine::{Entry, MICRO, OrderStatus, mul_micro};
use crate::error::ApiError;

/// What every profile holds before anything happens to it: 1 000 000 USDC,
/// in micro-USDC.
pub(crate) const STARTING_USDC: u64 = 1_000_000 * MICRO;

/// The error code of a refusal for funds. The API's own code and wording
/// for this case are not published (no SDK, docs page or capture shows
/// them): a 400 in the API's `{message, code}` shape is the sandbox's
/// choice.
pub(crate) const INSUFFICIENT_FUNDS: &str = "INSUFFICIENT_FUNDS";

/// USDC and outcome shares per profile.
#[derive(Debug, Default)]
pub(crate) struct Funds {
    /// Micro-USDC per profile; a profile not here holds [`STARTING_USDC`].
    usdc: HashMap<i64, i128>,
    /// Micro-shares per (profile, token), from every source.
    shares: HashMap<(i64, String), i128>,
    /// The part of `shares` that did not come from trading (splits, merges,
    /// deposits), which positions show beside what fills bought and sold.
    moved: HashMap<(i64, String), i128>,
}

impl Funds {
    /// The profile's micro-USDC, locked or not.
    pub(crate) fn usdc(&self, profile: i64) -> i128 {
        self.usdc
            .get(&profile)
            .copied()
            .unwrap_or(i128::from(STARTING_USDC))
    }

    /// Adds `delta` micro-USDC (negative to take).
    pub(crate) fn add_usdc(&mut self, profile: i64, delta: i128) {
        *self
            .usdc
            .entry(profile)
            .or_insert(i128::from(STARTING_USDC)) += delta;
    }

    /// Sets the profile's micro-USDC.
    pub(crate) fn set_usdc(&mut self, profile: i64, value: i128) {
        self.usdc.insert(profile, value);
    }

    /// The profile's micro-shares of `token`, reserved or not.
    pub(crate) fn shares(&self, profile: i64, token: &str) -> i128 {
        self.shares
            .get(&(profile, token.to_owned()))
            .copied()
            .unwrap_or_default()
    }

    /// The micro-shares of `token` that reached the profile other than by
    /// trading (split, merge, deposit).
    pub(crate) fn moved_shares(&self, profile: i64, token: &str) -> i128 {
        self.moved
            .get(&(profile, token.to_owned()))
            .copied()
            .unwrap_or_default()
    }

    /// Moves `delta` micro-shares of `token` in (or out, negative) other
    /// than by trading.
    pub(crate) fn move_shares(&mut self, profile: i64, token: &str, delta: i128) {
        *self.moved.entry((profile, token.to_owned())).or_default() += delta;
        *self.shares.entry((profile, token.to_owned())).or_default() += delta;
    }

    /// Books one fill: the buyer pays `collateral` and receives `shares` of
    /// `token`; the seller the reverse.
    pub(crate) fn record_fill(&mut self, fill: &FillParties<'_>) {
        let (buyer, seller) = match fill.taker_side {
            Side::Buy => (fill.taker, fill.maker),
            Side::Sell => (fill.maker, fill.taker),
        };
        let shares = i128::from(fill.shares);
        let collateral = i128::from(fill.collateral);
        self.add_usdc(buyer, -collateral);
        self.add_usdc(seller, collateral);
        *self
            .shares
            .entry((buyer, fill.token.to_owned()))
            .or_default() += shares;
        *self
            .shares
            .entry((seller, fill.token.to_owned()))
            .or_default() -= shares;
    }
}

/// Who traded in one fill, and what.
#[derive(Debug)]
pub(crate) struct FillParties<'a> {
    pub(crate) token: &'a str,
    pub(crate) taker: i64,
    pub(crate) taker_side: Side,
    pub(crate) maker: i64,
    pub(crate) shares: u64,
    pub(crate) collateral: u64,
}

/// What a profile's live orders hold back.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Held {
    /// Micro-USDC held by live BUY orders (all tokens).
    pub(crate) usdc: u128,
    /// Micro-shares of the asked token held by live SELL orders.
    pub(crate) shares: u128,
    /// How many live orders hold the USDC.
    pub(crate) buy_orders: usize,
}

/// What the live orders of `profile` (as `owner` reads an entry's owner)
/// hold back; shares are counted for `token` only, USDC for the orders
/// `in_scope` keeps (every market, or one).
pub(crate) fn held<T>(
    entries: &[Entry<T>],
    owner: impl Fn(&T) -> i64,
    profile: i64,
    token: Option<&str>,
    in_scope: impl Fn(&T) -> bool,
) -> Held {
    let mut held = Held::default();
    for entry in entries
        .iter()
        .filter(|e| e.status == OrderStatus::Live && owner(&e.data) == profile)
    {
        match entry.side {
            Side::Buy if in_scope(&entry.data) => {
                let price = entry.price.unwrap_or_default();
                held.usdc += u128::from(mul_micro(entry.remaining, price, true));
                held.buy_orders += 1;
            }
            Side::Sell if token == Some(entry.token_id.as_str()) => {
                held.shares += u128::from(entry.remaining);
            }
            _ => {}
        }
    }
    held
}

/// Micro-USDC the profile may still spend.
pub(crate) fn available_usdc<T>(
    funds: &Funds,
    entries: &[Entry<T>],
    owner: impl Fn(&T) -> i64,
    profile: i64,
) -> i128 {
    let held = held(entries, owner, profile, None, |_| true);
    funds.usdc(profile) - i128::try_from(held.usdc).unwrap_or(i128::MAX)
}

/// Micro-shares of `token` the profile may still sell, merge or move.
pub(crate) fn available_shares<T>(
    funds: &Funds,
    entries: &[Entry<T>],
    owner: impl Fn(&T) -> i64,
    profile: i64,
    token: &str,
) -> i128 {
    let held = held(entries, owner, profile, Some(token), |_| false);
    funds.shares(profile, token) - i128::try_from(held.shares).unwrap_or(i128::MAX)
}

/// Refuses an order its owner cannot pay for: a BUY needs its
/// `makerAmount` in unheld USDC (the most it can spend, at its limit or,
/// for FOK, its budget); a SELL needs its `makerAmount` in unheld shares of
/// the token. Called before the order reaches the engine, so a refused
/// order leaves no trace.
pub(crate) fn check_order<T>(
    funds: &Funds,
    entries: &[Entry<T>],
    owner: impl Fn(&T) -> i64 + Copy,
    profile: i64,
    order: &UnsignedOrder,
) -> Result<(), ApiError> {
    let needed = i128::from(order.maker_amount);
    match order.side {
        Side::Buy => {
            let available = available_usdc(funds, entries, owner, profile);
            if needed > available {
                return Err(insufficient_usdc(profile, needed, available, "buy"));
            }
        }
        Side::Sell => {
            let available = available_shares(funds, entries, owner, profile, &order.token_id);
            if needed > available {
                return Err(insufficient_shares(
                    profile,
                    &order.token_id,
                    needed,
                    available,
                    "sell",
                ));
            }
        }
    }
    Ok(())
}

/// The refusal of a USDC spend (`action`: buy, split, withdraw).
pub(crate) fn insufficient_usdc(
    profile: i64,
    needed: i128,
    available: i128,
    action: &str,
) -> ApiError {
    ApiError::bad_request(format!(
        "Insufficient USDC balance: profile {profile} has {} micro-USDC available (not held by open orders), the {action} needs {needed}",
        available.max(0)
    ))
    .with_code(INSUFFICIENT_FUNDS)
}

/// The refusal of a share spend (`action`: sell, merge).
pub(crate) fn insufficient_shares(
    profile: i64,
    token: &str,
    needed: i128,
    available: i128,
    action: &str,
) -> ApiError {
    ApiError::bad_request(format!(
        "Insufficient position balance: profile {profile} has {} micro-shares of token {token} available (not held by open orders), the {action} needs {needed}",
        available.max(0)
    ))
    .with_code(INSUFFICIENT_FUNDS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_move_usdc_and_shares_between_the_sides() {
        let mut funds = Funds::default();
        funds.record_fill(&FillParties {
            token: "1",
            taker: 7,
            taker_side: Side::Sell,
            maker: 8,
            shares: 4_000_000,
            collateral: 2_200_000,
        });
        let start = i128::from(STARTING_USDC);
        assert_eq!(funds.usdc(7), start + 2_200_000);
        assert_eq!(funds.usdc(8), start - 2_200_000);
        assert_eq!(funds.shares(7, "1"), -4_000_000);
        assert_eq!(funds.shares(8, "1"), 4_000_000);
        assert_eq!(funds.moved_shares(8, "1"), 0, "trading moves nothing");
        funds.move_shares(8, "1", -1);
        assert_eq!(
            (funds.shares(8, "1"), funds.moved_shares(8, "1")),
            (3_999_999, -1)
        );
        funds.set_usdc(9, 5);
        funds.add_usdc(9, -5);
        assert_eq!(funds.usdc(9), 0);
    }
}
