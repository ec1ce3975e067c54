//! The matching engine: one price-time-priority book per position token,
//! all in integer micro-units.
//!
//! Prices are micro-USDC per share (`0.55` → `550_000`), sizes micro-shares
//! (`1.5` shares → `1_500_000`), collateral micro-USDC. Trades happen at the
//! resting (maker) order's price. The engine knows nothing of HTTP; each
//! entry carries an opaque payload `T` for the server's bookkeeping.

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap, VecDeque};

use limitless_types::{Side, StpPolicy};

/// Micro-units per unit (USDC and shares both have 6 decimals).
pub(crate) const MICRO: u64 = 1_000_000;

/// `a * b / MICRO`, rounded down or up, without overflow for any `u64`s.
pub(crate) fn mul_micro(a: u64, b: u64, round_up: bool) -> u64 {
    let product = u128::from(a) * u128::from(b);
    let micro = u128::from(MICRO);
    let quotient = if round_up {
        product.div_ceil(micro)
    } else {
        product / micro
    };
    u64::try_from(quotient).unwrap_or(u64::MAX)
}

/// What an incoming order asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Instruction {
    /// GTC or FAK: trade up to `shares` at `price` or better.
    Limit {
        side: Side,
        price: u64,
        shares: u64,
        /// FAK: cancel what does not fill at once instead of resting it.
        kill_remainder: bool,
    },
    /// FOK buy: spend exactly `budget` micro-USDC (to within one micro-share)
    /// or nothing.
    FokBuy { budget: u64 },
    /// FOK sell: sell exactly `shares` or nothing.
    FokSell { shares: u64 },
}

/// Where an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OrderStatus {
    /// Resting on the book, possibly partly filled.
    Live,
    /// Completely filled.
    Filled,
    /// Cancelled by its owner (possibly after partial fills), or by
    /// self-trade prevention.
    Cancelled,
    /// FOK that could not fill entirely, or the unfilled rest of a FAK.
    Killed,
}

/// One order known to the engine.
#[derive(Debug, Clone)]
pub(crate) struct Entry<T> {
    pub(crate) token_id: String,
    pub(crate) side: Side,
    /// Limit price; `None` for FOK.
    pub(crate) price: Option<u64>,
    /// Shares asked for (for an FOK buy: the shares it bought).
    pub(crate) original: u64,
    /// Shares not yet filled.
    pub(crate) remaining: u64,
    pub(crate) status: OrderStatus,
    pub(crate) data: T,
}

/// One trade between an incoming order and a resting one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fill {
    /// The resting order's index.
    pub(crate) maker: usize,
    pub(crate) shares: u64,
    /// The resting order's price.
    pub(crate) price: u64,
    /// Collateral exchanged: rounded up when the taker buys, down when it
    /// sells, so the taker never pays less or receives more than its limit.
    pub(crate) collateral: u64,
}

/// The result of submitting an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Execution {
    pub(crate) index: usize,
    pub(crate) fills: Vec<Fill>,
}

impl Execution {
    /// Shares traded, summed in `u128`: a sum of `u64`s cannot overflow it.
    pub(crate) fn shares(&self) -> u128 {
        self.fills.iter().map(|f| u128::from(f.shares)).sum()
    }

    /// Collateral exchanged, summed in `u128`.
    pub(crate) fn collateral(&self) -> u128 {
        self.fills.iter().map(|f| u128::from(f.collateral)).sum()
    }
}

/// What self-trade prevention did to one submission.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SelfTrade {
    /// Resting orders of the same owner cancelled, in the order met.
    pub(crate) maker_cancels: Vec<usize>,
    /// Whether the incoming order was cancelled where it met its owner's
    /// own resting order (its earlier fills stand).
    pub(crate) taker_cancelled: bool,
}

/// A GTC post-only order that would have matched on arrival.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WouldCross {
    /// The best opposite price it would have traded at.
    pub(crate) best: u64,
}

#[derive(Debug, Default)]
struct TokenBook {
    bids: BTreeMap<Reverse<u64>, VecDeque<usize>>,
    asks: BTreeMap<u64, VecDeque<usize>>,
}

impl TokenBook {
    /// Resting order indexes on the side opposite to `side`, best first.
    fn opposite(&self, side: Side) -> Vec<(u64, usize)> {
        match side {
            Side::Buy => self
                .asks
                .iter()
                .flat_map(|(price, queue)| queue.iter().map(move |i| (*price, *i)))
                .collect(),
            Side::Sell => self
                .bids
                .iter()
                .flat_map(|(price, queue)| queue.iter().map(move |i| (price.0, *i)))
                .collect(),
        }
    }

    fn best_opposite(&self, side: Side) -> Option<u64> {
        match side {
            Side::Buy => self.asks.keys().next().copied(),
            Side::Sell => self.bids.keys().next().map(|p| p.0),
        }
    }

    fn push(&mut self, side: Side, price: u64, index: usize) {
        match side {
            Side::Buy => self
                .bids
                .entry(Reverse(price))
                .or_default()
                .push_back(index),
            Side::Sell => self.asks.entry(price).or_default().push_back(index),
        }
    }

    fn remove(&mut self, side: Side, price: u64, index: usize) {
        let queue = match side {
            Side::Buy => self.bids.get_mut(&Reverse(price)),
            Side::Sell => self.asks.get_mut(&price),
        };
        let Some(queue) = queue else { return };
        queue.retain(|i| *i != index);
        if queue.is_empty() {
            match side {
                Side::Buy => {
                    self.bids.remove(&Reverse(price));
                }
                Side::Sell => {
                    self.asks.remove(&price);
                }
            }
        }
    }
}

/// All orders and books.
#[derive(Debug)]
pub(crate) struct Engine<T> {
    entries: Vec<Entry<T>>,
    books: HashMap<String, TokenBook>,
    last_trade: HashMap<String, u64>,
}

impl<T> Default for Engine<T> {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
            books: HashMap::new(),
            last_trade: HashMap::new(),
        }
    }
}

impl<T> Engine<T> {
    pub(crate) fn entries(&self) -> &[Entry<T>] {
        &self.entries
    }

    pub(crate) fn entry(&self, index: usize) -> Option<&Entry<T>> {
        self.entries.get(index)
    }

    /// The last trade price on `token_id`, if any.
    pub(crate) fn last_trade(&self, token_id: &str) -> Option<u64> {
        self.last_trade.get(token_id).copied()
    }

    /// Aggregated levels `(price, shares)` of one side, best first. Sizes
    /// are summed in `u128`, which a sum of `u64`s cannot overflow.
    pub(crate) fn levels(&self, token_id: &str, side: Side) -> Vec<(u64, u128)> {
        let Some(book) = self.books.get(token_id) else {
            return Vec::new();
        };
        let total = |queue: &VecDeque<usize>| {
            queue
                .iter()
                .map(|i| u128::from(self.entries[*i].remaining))
                .sum()
        };
        match side {
            Side::Buy => book.bids.iter().map(|(p, q)| (p.0, total(q))).collect(),
            Side::Sell => book.asks.iter().map(|(p, q)| (*p, total(q))).collect(),
        }
    }

    /// Checks whether a post-only limit order would match on arrival.
    pub(crate) fn would_cross(&self, token_id: &str, side: Side, price: u64) -> Option<WouldCross> {
        let best = self.books.get(token_id)?.best_opposite(side)?;
        let crosses = match side {
            Side::Buy => best <= price,
            Side::Sell => best >= price,
        };
        crosses.then_some(WouldCross { best })
    }

    /// Submits an order: matches it against the book and rests, fills or
    /// kills it as its instruction says, with no self-trade check.
    #[cfg(test)]
    pub(crate) fn submit(
        &mut self,
        token_id: &str,
        instruction: Instruction,
        data: T,
    ) -> Execution {
        let (plan, _) = self.plan(token_id, instruction, &|_| false);
        self.record(token_id, instruction, data, plan, false)
    }

    /// Submits an order under a self-trade prevention `policy`: when it
    /// would trade with a resting order for which `same_owner` holds,
    /// `CancelMaker` cancels that resting order and matching goes on,
    /// `CancelTaker` cancels the incoming order there (fills before it
    /// stand), `CancelBoth` does both. An FOK that meets its owner's order
    /// under `CancelTaker` or `CancelBoth` cannot fill entirely and trades
    /// nothing.
    pub(crate) fn submit_with_stp(
        &mut self,
        token_id: &str,
        instruction: Instruction,
        data: T,
        policy: StpPolicy,
        same_owner: impl Fn(&T) -> bool,
    ) -> (Execution, SelfTrade) {
        let mut outcome = SelfTrade::default();
        loop {
            let (plan, blocked) = self.plan(token_id, instruction, &|maker| {
                same_owner(&self.entries[maker].data)
            });
            let Some(maker) = blocked else {
                let execution = self.record(token_id, instruction, data, plan, false);
                return (execution, outcome);
            };
            if matches!(policy, StpPolicy::CancelMaker | StpPolicy::CancelBoth) {
                // A maker met by the plan is live on the book.
                let _ = self.cancel(maker);
                outcome.maker_cancels.push(maker);
            }
            if matches!(policy, StpPolicy::CancelTaker | StpPolicy::CancelBoth) {
                outcome.taker_cancelled = true;
                let execution = self.record(token_id, instruction, data, plan, true);
                return (execution, outcome);
            }
        }
    }

    /// Applies planned fills and records the incoming order: resting,
    /// filled, killed, or (`cancelled`, by self-trade prevention) cancelled
    /// for what did not fill.
    fn record(
        &mut self,
        token_id: &str,
        instruction: Instruction,
        data: T,
        plan: Vec<Fill>,
        cancelled: bool,
    ) -> Execution {
        // `plan` never fills more than an instruction asks for, and an FOK
        // buy's fills sum to at most `u64::MAX`, so `filled` fits and
        // `filled <= original`.
        let filled = total_shares(&plan).unwrap_or(u64::MAX);
        let (side, price, original, rest) = match instruction {
            Instruction::Limit {
                side,
                price,
                shares,
                kill_remainder,
            } => (side, Some(price), shares, !kill_remainder),
            Instruction::FokBuy { .. } => (Side::Buy, None, filled, false),
            Instruction::FokSell { shares } => (Side::Sell, None, shares, false),
        };
        let index = self.entries.len();
        let remaining = original.saturating_sub(filled);
        let status = if remaining == 0 && filled > 0 {
            OrderStatus::Filled
        } else if cancelled {
            OrderStatus::Cancelled
        } else if rest {
            OrderStatus::Live
        } else {
            OrderStatus::Killed
        };
        for fill in &plan {
            self.apply(token_id, fill);
        }
        if let Some(last) = plan.last() {
            self.last_trade.insert(token_id.to_owned(), last.price);
        }
        self.entries.push(Entry {
            token_id: token_id.to_owned(),
            side,
            price,
            original,
            remaining,
            status,
            data,
        });
        if status == OrderStatus::Live
            && let Some(price) = price
        {
            self.books
                .entry(token_id.to_owned())
                .or_default()
                .push(side, price, index);
        }
        Execution { index, fills: plan }
    }

    /// Cancels a live order. Returns its status instead when it is not live.
    pub(crate) fn cancel(&mut self, index: usize) -> Result<(), OrderStatus> {
        let entry = self.entries.get_mut(index).ok_or(OrderStatus::Cancelled)?;
        if entry.status != OrderStatus::Live {
            return Err(entry.status);
        }
        entry.status = OrderStatus::Cancelled;
        let (side, price) = (entry.side, entry.price);
        if let (Some(book), Some(price)) = (self.books.get_mut(&entry.token_id), price) {
            book.remove(side, price, index);
        }
        Ok(())
    }

    /// Works out the fills for an instruction without changing anything.
    /// FOK instructions that cannot complete produce no fills. Matching
    /// stops at the first resting order for which `stop` holds, which is
    /// returned with the fills before it.
    fn plan(
        &self,
        token_id: &str,
        instruction: Instruction,
        stop: &dyn Fn(usize) -> bool,
    ) -> (Vec<Fill>, Option<usize>) {
        let Some(book) = self.books.get(token_id) else {
            return (Vec::new(), None);
        };
        let mut fills = Vec::new();
        let mut blocked = None;
        match instruction {
            Instruction::Limit {
                side,
                price,
                shares,
                ..
            } => {
                let mut left = shares;
                for (level, maker) in book.opposite(side) {
                    let crosses = match side {
                        Side::Buy => level <= price,
                        Side::Sell => level >= price,
                    };
                    if left == 0 || !crosses {
                        break;
                    }
                    if stop(maker) {
                        blocked = Some(maker);
                        break;
                    }
                    let take = left.min(self.entries[maker].remaining);
                    fills.push(fill(maker, take, level, side));
                    left -= take;
                }
            }
            Instruction::FokSell { shares } => {
                let mut left = shares;
                for (level, maker) in book.opposite(Side::Sell) {
                    if left == 0 {
                        break;
                    }
                    if stop(maker) {
                        blocked = Some(maker);
                        break;
                    }
                    let take = left.min(self.entries[maker].remaining);
                    fills.push(fill(maker, take, level, Side::Sell));
                    left -= take;
                }
                if left > 0 {
                    fills.clear();
                }
            }
            Instruction::FokBuy { budget } => {
                let mut left = budget;
                let mut complete = false;
                // Shares bought so far; the order is killed rather than
                // buying more than a `u64` counts.
                let mut bought: u64 = 0;
                for (level, maker) in book.opposite(Side::Buy) {
                    if stop(maker) {
                        blocked = Some(maker);
                        break;
                    }
                    let available = self.entries[maker].remaining;
                    let cost = mul_micro(available, level, true);
                    if cost <= left {
                        let Some(total) = bought.checked_add(available) else {
                            break;
                        };
                        bought = total;
                        fills.push(fill(maker, available, level, Side::Buy));
                        left -= cost;
                        if left == 0 {
                            complete = true;
                            break;
                        }
                    } else {
                        // The last, partial fill: as many micro-shares as the
                        // rest of the budget buys at this price.
                        let take =
                            u64::try_from(u128::from(left) * u128::from(MICRO) / u128::from(level))
                                .unwrap_or(u64::MAX)
                                .min(available);
                        complete = take > 0 && bought.checked_add(take).is_some();
                        if complete {
                            fills.push(fill(maker, take, level, Side::Buy));
                        }
                        break;
                    }
                }
                if !complete {
                    fills.clear();
                }
            }
        }
        (fills, blocked)
    }

    fn apply(&mut self, token_id: &str, fill: &Fill) {
        let maker = &mut self.entries[fill.maker];
        maker.remaining -= fill.shares;
        if maker.remaining == 0 {
            maker.status = OrderStatus::Filled;
            let (side, price) = (maker.side, maker.price);
            if let (Some(book), Some(price)) = (self.books.get_mut(token_id), price) {
                book.remove(side, price, fill.maker);
            }
        }
    }
}

/// The shares of all fills, or `None` if they exceed a `u64`.
fn total_shares(fills: &[Fill]) -> Option<u64> {
    fills
        .iter()
        .try_fold(0_u64, |total, f| total.checked_add(f.shares))
}

fn fill(maker: usize, shares: u64, price: u64, taker_side: Side) -> Fill {
    Fill {
        maker,
        shares,
        price,
        collateral: mul_micro(shares, price, taker_side == Side::Buy),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "123";
    /// [`MICRO`] as the engine's sums count.
    const U_MICRO: u128 = MICRO as u128;

    fn limit(side: Side, price: u64, shares: u64) -> Instruction {
        Instruction::Limit {
            side,
            price,
            shares,
            kill_remainder: false,
        }
    }

    #[test]
    fn price_time_priority_and_resting_remainder() {
        let mut engine = Engine::default();
        let a = engine
            .submit(TOKEN, limit(Side::Sell, 550_000, 2 * MICRO), "a")
            .index;
        let b = engine
            .submit(TOKEN, limit(Side::Sell, 540_000, MICRO), "b")
            .index;
        let c = engine
            .submit(TOKEN, limit(Side::Sell, 540_000, MICRO), "c")
            .index;
        assert_eq!(
            engine.levels(TOKEN, Side::Sell),
            vec![(540_000, 2 * U_MICRO), (550_000, 2 * U_MICRO)]
        );

        // Buys 3.5 shares up to 0.55: b, then c (same price, arrived later),
        // then 1.5 of a's 2 shares at a's own price.
        let buy = engine.submit(TOKEN, limit(Side::Buy, 550_000, 3_500_000), "buy");
        let makers: Vec<_> = buy
            .fills
            .iter()
            .map(|f| (f.maker, f.shares, f.price))
            .collect();
        assert_eq!(
            makers,
            vec![
                (b, MICRO, 540_000),
                (c, MICRO, 540_000),
                (a, 1_500_000, 550_000)
            ]
        );
        assert_eq!(buy.collateral(), 540_000 + 540_000 + 825_000);
        assert_eq!(engine.entry(buy.index).unwrap().status, OrderStatus::Filled);
        assert_eq!(engine.entry(a).unwrap().remaining, 500_000);
        assert_eq!(engine.entry(b).unwrap().status, OrderStatus::Filled);
        assert_eq!(engine.levels(TOKEN, Side::Sell), vec![(550_000, 500_000)]);
        assert_eq!(engine.last_trade(TOKEN), Some(550_000));

        // A buy below the ask rests as a bid.
        let rest = engine.submit(TOKEN, limit(Side::Buy, 500_000, MICRO), "rest");
        assert!(rest.fills.is_empty());
        assert_eq!(engine.entry(rest.index).unwrap().status, OrderStatus::Live);
        assert_eq!(engine.levels(TOKEN, Side::Buy), vec![(500_000, U_MICRO)]);
        assert_eq!(
            engine.would_cross(TOKEN, Side::Sell, 500_000),
            Some(WouldCross { best: 500_000 })
        );
        assert_eq!(engine.would_cross(TOKEN, Side::Sell, 510_000), None);
    }

    #[test]
    fn fak_kills_the_rest() {
        let mut engine = Engine::default();
        engine.submit(TOKEN, limit(Side::Buy, 600_000, MICRO), ());
        let fak = engine.submit(
            TOKEN,
            Instruction::Limit {
                side: Side::Sell,
                price: 590_000,
                shares: 3 * MICRO,
                kill_remainder: true,
            },
            (),
        );
        assert_eq!(fak.shares(), U_MICRO);
        assert_eq!(fak.collateral(), 600_000);
        let entry = engine.entry(fak.index).unwrap();
        assert_eq!(
            (entry.status, entry.remaining),
            (OrderStatus::Killed, 2 * MICRO)
        );
        assert!(engine.levels(TOKEN, Side::Sell).is_empty());
        assert!(engine.levels(TOKEN, Side::Buy).is_empty());
    }

    #[test]
    fn fok_buy_spends_the_budget_or_nothing() {
        let mut engine = Engine::default();
        let ask = engine
            .submit(TOKEN, limit(Side::Sell, 400_000, 5 * MICRO), ())
            .index;
        // 3 USDC over 5 shares at 0.40 = 2 USDC available: killed.
        let killed = engine.submit(TOKEN, Instruction::FokBuy { budget: 3 * MICRO }, ());
        assert!(killed.fills.is_empty());
        assert_eq!(
            engine.entry(killed.index).unwrap().status,
            OrderStatus::Killed
        );
        assert_eq!(engine.entry(ask).unwrap().remaining, 5 * MICRO);

        // 1 USDC at 0.40 buys 2.5 shares.
        let filled = engine.submit(TOKEN, Instruction::FokBuy { budget: MICRO }, ());
        assert_eq!(filled.shares(), 2_500_000);
        assert_eq!(filled.collateral(), U_MICRO);
        assert_eq!(
            engine.entry(filled.index).unwrap().status,
            OrderStatus::Filled
        );
        assert_eq!(engine.entry(ask).unwrap().remaining, 2_500_000);
    }

    #[test]
    fn fok_sell_needs_all_shares() {
        let mut engine = Engine::default();
        engine.submit(TOKEN, limit(Side::Buy, 300_000, MICRO), ());
        engine.submit(TOKEN, limit(Side::Buy, 200_000, MICRO), ());
        let killed = engine.submit(TOKEN, Instruction::FokSell { shares: 3 * MICRO }, ());
        assert!(killed.fills.is_empty());
        let sold = engine.submit(TOKEN, Instruction::FokSell { shares: 1_500_000 }, ());
        assert_eq!(
            sold.fills
                .iter()
                .map(|f| (f.shares, f.price))
                .collect::<Vec<_>>(),
            vec![(MICRO, 300_000), (500_000, 200_000)]
        );
        assert_eq!(sold.collateral(), 400_000);
        assert_eq!(engine.levels(TOKEN, Side::Buy), vec![(200_000, 500_000)]);
    }

    #[test]
    fn cancel_removes_from_book_once() {
        let mut engine = Engine::default();
        let bid = engine
            .submit(TOKEN, limit(Side::Buy, 300_000, MICRO), ())
            .index;
        assert_eq!(engine.cancel(bid), Ok(()));
        assert!(engine.levels(TOKEN, Side::Buy).is_empty());
        assert_eq!(engine.cancel(bid), Err(OrderStatus::Cancelled));
    }

    #[test]
    fn huge_resting_orders_sum_without_overflow() {
        let mut engine = Engine::default();
        // The engine itself takes any u64; the routes cap what reaches it.
        for _ in 0..3 {
            engine.submit(TOKEN, limit(Side::Buy, 1_000, u64::MAX), ());
        }
        assert_eq!(
            engine.levels(TOKEN, Side::Buy),
            vec![(1_000, 3 * u128::from(u64::MAX))]
        );
        // A sell of u64::MAX shares fills against the first bid; the
        // level keeps the other two.
        let sell = engine.submit(TOKEN, limit(Side::Sell, 1_000, u64::MAX), ());
        assert_eq!(sell.shares(), u128::from(u64::MAX));
        assert_eq!(
            sell.collateral(),
            u128::from(u64::MAX) * 1_000 / u128::from(MICRO)
        );
        assert_eq!(
            engine.levels(TOKEN, Side::Buy),
            vec![(1_000, 2 * u128::from(u64::MAX))]
        );
    }

    #[test]
    fn fok_buy_that_would_count_past_u64_is_killed() {
        let mut engine = Engine::default();
        let first = engine
            .submit(TOKEN, limit(Side::Sell, 1_000, u64::MAX), ())
            .index;
        engine.submit(TOKEN, limit(Side::Sell, 1_000, u64::MAX), ());
        // At 0.001 the whole budget buys 1000 × u64::MAX / 1000 shares:
        // more than both asks hold together would need a u64 past its end.
        let killed = engine.submit(TOKEN, Instruction::FokBuy { budget: u64::MAX }, ());
        assert!(killed.fills.is_empty());
        let entry = engine.entry(killed.index).unwrap();
        assert_eq!((entry.status, entry.original), (OrderStatus::Killed, 0));
        assert_eq!(engine.entry(first).unwrap().remaining, u64::MAX);
    }

    #[test]
    fn self_trade_prevention_on_an_fok() {
        // Owners are the payloads: "me" meets its own ask first.
        let setup = || {
            let mut engine = Engine::default();
            let mine = engine
                .submit(TOKEN, limit(Side::Sell, 400_000, MICRO), "me")
                .index;
            let theirs = engine
                .submit(TOKEN, limit(Side::Sell, 500_000, MICRO), "them")
                .index;
            (engine, mine, theirs)
        };
        let fok = Instruction::FokBuy { budget: 500_000 };

        // cancel_maker: its own ask goes, the FOK fills against theirs.
        let (mut engine, mine, theirs) = setup();
        let (execution, stp) =
            engine.submit_with_stp(TOKEN, fok, "me", StpPolicy::CancelMaker, |o| *o == "me");
        assert_eq!(stp.maker_cancels, [mine]);
        assert!(!stp.taker_cancelled);
        assert_eq!(execution.fills.len(), 1);
        assert_eq!(execution.fills[0].maker, theirs);
        assert_eq!(engine.entry(mine).unwrap().status, OrderStatus::Cancelled);

        // cancel_taker / cancel_both: an FOK cannot fill entirely, trades nothing.
        for (policy, maker_cancelled) in [
            (StpPolicy::CancelTaker, false),
            (StpPolicy::CancelBoth, true),
        ] {
            let (mut engine, mine, theirs) = setup();
            let (execution, stp) = engine.submit_with_stp(TOKEN, fok, "me", policy, |o| *o == "me");
            assert!(execution.fills.is_empty(), "{policy:?}");
            assert!(stp.taker_cancelled, "{policy:?}");
            assert_eq!(
                engine.entry(execution.index).unwrap().status,
                OrderStatus::Cancelled
            );
            let expected = if maker_cancelled {
                OrderStatus::Cancelled
            } else {
                OrderStatus::Live
            };
            assert_eq!(engine.entry(mine).unwrap().status, expected, "{policy:?}");
            assert_eq!(engine.entry(theirs).unwrap().status, OrderStatus::Live);
        }
    }

    #[test]
    fn rounding_favours_the_book() {
        assert_eq!(mul_micro(1_234_567, 381_000, true), 470_371);
        assert_eq!(mul_micro(1_234_567, 381_000, false), 470_370);
        assert_eq!(mul_micro(u64::MAX, u64::MAX, false), u64::MAX);
    }
}
