//! The AMM markets' state: binary fixed-product market makers held in
//! exact integer micro-units, with the allowances, shares and idempotent
//! answers of the partners trading them. The `/amm/*` routes and the market
//! reads call it; the trade rules are described in `routes::amm`.

use std::collections::HashMap;

use limitless_types::amm::{AmmSide, AmmTradeResponse};

use axum::http::StatusCode;

use crate::error::ApiError;

/// The seeded AMM markets: slug, FPMM address, YES and NO reserves in
/// micro-units (YES starts at 0.40: price of YES = NO reserve / total),
/// and the title the market reads show.
pub(crate) const AMM_MARKETS: &[(&str, &str, u64, u64, &str)] = &[
    (
        "amm-eth-above-4k",
        "0x1a2B3c4D5e6F708192A3b4C5d6E7f8091a2B3c4D",
        600_000_000,
        400_000_000,
        "ETH above $4,000 on June 30, 2027?",
    ),
    (
        "amm-btc-above-150k",
        "0x2b3C4d5E6f708192a3B4c5D6e7F8091A2b3C4d5E",
        500_000_000,
        500_000_000,
        "BTC above $150,000 on June 30, 2027?",
    ),
];

/// The AMM side of the sandbox's state.
#[derive(Debug, Default)]
pub(crate) struct AmmState {
    /// Reserves `[yes, no]` per market slug, created on first use.
    pools: HashMap<String, [u128; 2]>,
    /// Confirmed (`true`) or submitted allowances per (profile, market, side).
    allowances: HashMap<(i64, String, AmmSide), bool>,
    /// Outcome shares held per (profile, market, outcome), micro-shares.
    shares: HashMap<(i64, String, u8), u128>,
    /// First answers per (caller, key), with the body they answered.
    trades: HashMap<(i64, String), (String, AmmTradeResponse)>,
    /// Trades carried out.
    pub(crate) trade_count: usize,
}

impl AmmState {
    pub(crate) fn pool(
        &mut self,
        market: &str,
    ) -> Result<(&'static str, &mut [u128; 2]), ApiError> {
        let (slug, _, yes, no, _) = AMM_MARKETS
            .iter()
            .find(|(slug, address, ..)| *slug == market || address.eq_ignore_ascii_case(market))
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "no AMM market {market:?}; the sandbox's AMM markets are {}",
                    AMM_MARKETS
                        .iter()
                        .map(|m| m.0)
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
        let pool = self
            .pools
            .entry((*slug).to_owned())
            .or_insert([u128::from(*yes), u128::from(*no)]);
        Ok((slug, pool))
    }

    /// The price of outcome `index` in micro-USDC.
    pub(crate) fn price(&mut self, market: &str, index: u8) -> Option<u128> {
        let (_, pool) = self.pool(market).ok()?;
        let other = pool[1 - usize::from(index)];
        Some(other * 1_000_000 / (pool[0] + pool[1]))
    }

    /// The pool's reserves together, in micro-units: the market's
    /// `liquidity`.
    pub(crate) fn liquidity(&mut self, market: &str) -> Option<u128> {
        let (_, pool) = self.pool(market).ok()?;
        Some(pool[0] + pool[1])
    }

    /// Micro-shares of outcome `index` that `profile` holds.
    pub(crate) fn shares(&self, profile: i64, market: &str, index: u8) -> u128 {
        self.shares
            .get(&(profile, market.to_owned(), index))
            .copied()
            .unwrap_or_default()
    }

    /// Confirms a submitted allowance; `false` when none was submitted.
    pub(crate) fn confirm_allowance(&mut self, profile: i64, slug: &str, side: AmmSide) -> bool {
        match self.allowances.get_mut(&(profile, slug.to_owned(), side)) {
            None => false,
            Some(confirmed) => {
                *confirmed = true;
                true
            }
        }
    }

    /// Submits an allowance (kept as it is when already submitted);
    /// whether it is confirmed.
    pub(crate) fn submit_allowance(&mut self, profile: i64, slug: &str, side: AmmSide) -> bool {
        *self
            .allowances
            .entry((profile, slug.to_owned(), side))
            .or_insert(false)
    }

    /// Whether `profile`'s allowance for `side` on `slug` is confirmed.
    pub(crate) fn allowance_confirmed(&self, profile: i64, slug: &str, side: AmmSide) -> bool {
        self.allowances.get(&(profile, slug.to_owned(), side)) == Some(&true)
    }

    /// The first answer to `caller`'s idempotency `key`, with the request
    /// it answered.
    pub(crate) fn answered(&self, caller: i64, key: &str) -> Option<&(String, AmmTradeResponse)> {
        self.trades.get(&(caller, key.to_owned()))
    }

    /// Keeps the answer to `caller`'s idempotency `key`.
    pub(crate) fn remember(
        &mut self,
        caller: i64,
        key: String,
        request: String,
        answer: AmmTradeResponse,
    ) {
        self.trades.insert((caller, key), (request, answer));
    }

    /// Trades `amount` micro-USDC of outcome `outcome` for `profile`
    /// against the pool of `slug` (a buy pays it in, a sell takes it out)
    /// and books the shares; returns the micro-shares bought or sold.
    /// Rounding favours the pool.
    pub(crate) fn swap(
        &mut self,
        profile: i64,
        slug: &str,
        outcome: u8,
        side: AmmSide,
        amount: u128,
    ) -> Result<u128, ApiError> {
        let index = usize::from(outcome);
        let held = self.shares(profile, slug, outcome);
        let (_, pool) = self.pool(slug)?;
        let product = pool[0] * pool[1];
        let shares = match side {
            AmmSide::Buy => {
                // Both reserves grow by the collateral; the bought side pays
                // out what keeps the product, rounded against the buyer.
                let grown = [pool[0] + amount, pool[1] + amount];
                let kept = product.div_ceil(grown[1 - index]);
                let out = grown[index] - kept;
                let mut next = grown;
                next[index] = kept;
                *pool = next;
                out
            }
            AmmSide::Sell => {
                if amount >= pool[0].min(pool[1]) {
                    return Err(unprocessable(
                        format!("the pool cannot pay {amount} micro-USDC"),
                        "INSUFFICIENT_LIQUIDITY",
                    ));
                }
                let shrunk = [pool[0] - amount, pool[1] - amount];
                let needed = product.div_ceil(shrunk[1 - index]);
                let shares_in = needed - shrunk[index];
                if shares_in > held {
                    return Err(unprocessable(
                        format!(
                            "selling for {amount} micro-USDC takes {shares_in} micro-shares; profile {profile} holds {held}"
                        ),
                        "INSUFFICIENT_SHARES",
                    ));
                }
                let mut next = shrunk;
                next[index] = needed;
                *pool = next;
                shares_in
            }
        };
        let entry = self
            .shares
            .entry((profile, slug.to_owned(), outcome))
            .or_default();
        match side {
            AmmSide::Buy => *entry += shares,
            AmmSide::Sell => *entry -= shares,
        }
        self.trade_count += 1;
        Ok(shares)
    }
}

/// The shares a trade of `shares` may end at with `slippage_bps` of
/// slippage, rounded against the trader: a buy's least (`min_shares`)
/// rounded down, a sell's most (`max_shares`) rounded up.
pub(crate) fn slippage_bound(shares: u128, slippage_bps: u32, side: AmmSide) -> u128 {
    match side {
        AmmSide::Buy => shares * u128::from(10_000 - slippage_bps) / 10_000,
        AmmSide::Sell => (shares * u128::from(10_000 + slippage_bps)).div_ceil(10_000),
    }
}

/// The FPMM address of the AMM market `slug` (empty for another market).
pub(crate) fn address_of(slug: &str) -> &'static str {
    AMM_MARKETS.iter().find(|m| m.0 == slug).map_or("", |m| m.1)
}

/// A 422 refusal with the API's code.
pub(crate) fn unprocessable(message: String, code: &'static str) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message).with_code(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slippage_bounds_round_against_the_trader() {
        // 1 % of 1_234_567 micro-shares is 12_345.67.
        assert_eq!(slippage_bound(1_234_567, 100, AmmSide::Buy), 1_222_221);
        assert_eq!(slippage_bound(1_234_567, 100, AmmSide::Sell), 1_246_913);
        assert_eq!(slippage_bound(1_234_567, 0, AmmSide::Buy), 1_234_567);
        assert_eq!(slippage_bound(1_234_567, 0, AmmSide::Sell), 1_234_567);
    }

    #[test]
    fn buying_and_selling_back_never_pays_the_trader_more() {
        let mut amm = AmmState::default();
        let slug = AMM_MARKETS[0].0;
        let product = |amm: &mut AmmState| {
            let pool = *amm.pool(slug).unwrap().1;
            pool[0] * pool[1]
        };
        let start = product(&mut amm);
        let bought = amm.swap(7, slug, 0, AmmSide::Buy, 10_000_000).unwrap();
        assert!(product(&mut amm) >= start);
        // The same collateral back takes more shares than it bought.
        let refused = amm.swap(7, slug, 0, AmmSide::Sell, 10_000_000).unwrap_err();
        assert_eq!(refused.code, Some("INSUFFICIENT_SHARES"));
        let sold = amm.swap(7, slug, 0, AmmSide::Sell, 9_999_000).unwrap();
        assert!(sold <= bought);
        assert!(product(&mut amm) >= start);
        assert_eq!(amm.shares(7, slug, 0), bought - sold);
        assert_eq!(amm.trade_count, 2);
    }
}
