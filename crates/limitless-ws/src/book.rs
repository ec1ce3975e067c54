//! [`LocalOrderBook`]: a market's book kept from `orderbookUpdate`
//! snapshots, and [`BookWatcher`], which keeps one from a stream.

use futures_util::StreamExt;
use limitless_types::ws::OrderBookUpdate;
use limitless_types::{AmountError, MicroShares};
use rust_decimal::Decimal;

use crate::{Error, Event, EventStream, StreamItem};

/// One price level: an exact price and its size in micro-shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Level {
    /// Price, exact.
    pub price: Decimal,
    /// Size in micro-shares (shares × 10⁶).
    pub size: MicroShares,
}

/// The top levels of each side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Depth<'a> {
    /// Bids, best (highest) first.
    pub bids: &'a [Level],
    /// Asks, best (lowest) first.
    pub asks: &'a [Level],
}

/// What [`LocalOrderBook::apply`] did with an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Applied {
    /// The update is now the book.
    Updated,
    /// Ignored: its `version` is older than the book's.
    Stale {
        /// The book's version.
        current: u64,
        /// The update's version.
        received: u64,
    },
    /// Ignored: the update is about another market.
    OtherMarket,
    /// Refused: a level's price is outside (0, 1] (as REST books are
    /// checked, [`OrderBook::validate`](limitless_types::OrderBook::validate)).
    /// The book keeps its previous state, so nothing computed from it can
    /// be thrown off by a hostile or broken server.
    Invalid {
        /// The first price out of range, bids first.
        price: Decimal,
    },
}

/// A market's order book, replaced by each `orderbookUpdate` (the socket
/// sends whole books, not deltas).
///
/// Levels are sorted whatever order they arrive in (bids highest first,
/// asks lowest first), levels of one price are summed, empty ones dropped.
/// An update whose `version` is older than the book's is ignored; an
/// update without a version always applies. An update with a price
/// outside (0, 1] is refused as [`Applied::Invalid`] and leaves the book
/// as it was, so the spread and midpoint always stay in range.
///
/// ```
/// use limitless_types::ws::OrderBookUpdate;
/// use limitless_ws::{Applied, LocalOrderBook};
///
/// let update: OrderBookUpdate = serde_json::from_str(r#"{"marketSlug":"m","version":7,
///     "orderbook":{"bids":[{"price":0.40,"size":5000000},{"price":0.45,"size":1000000}],
///                  "asks":[{"price":0.55,"size":2000000}]}}"#)?;
/// let mut book = LocalOrderBook::new("m");
/// assert_eq!(book.apply(&update), Applied::Updated);
/// assert_eq!(book.best_bid().unwrap().price.to_string(), "0.45");
/// assert_eq!(book.best_ask().unwrap().size.as_micro(), 2_000_000);
/// assert_eq!(book.spread().unwrap().to_string(), "0.10");
/// assert_eq!(book.midpoint().unwrap().to_string(), "0.50");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LocalOrderBook {
    market_slug: Option<String>,
    token_id: String,
    bids: Vec<Level>,
    asks: Vec<Level>,
    version: Option<u64>,
    timestamp: Option<String>,
}

impl LocalOrderBook {
    /// An empty book for the market `slug`; updates for other markets are
    /// ignored.
    #[must_use]
    pub fn new(slug: impl Into<String>) -> Self {
        Self {
            market_slug: Some(slug.into()),
            ..Self::default()
        }
    }

    /// Replaces the book with `update`, unless it is about another market
    /// or older than the book.
    pub fn apply(&mut self, update: &OrderBookUpdate) -> Applied {
        if let (Some(mine), Some(theirs)) = (&self.market_slug, &update.market_slug)
            && mine != theirs
        {
            return Applied::OtherMarket;
        }
        if let (Some(current), Some(received)) = (self.version, update.version)
            && received < current
        {
            return Applied::Stale { current, received };
        }
        let book = &update.orderbook;
        if let Err(error) = book.validate() {
            let price = match error {
                AmountError::PriceOutOfRange { price } => price,
                // `validate` only refuses prices; keep whatever it names.
                _ => Decimal::ZERO,
            };
            return Applied::Invalid { price };
        }
        if self.market_slug.is_none() {
            self.market_slug.clone_from(&update.market_slug);
        }
        self.bids = side(&book.bids, true);
        self.asks = side(&book.asks, false);
        self.token_id.clone_from(&book.token_id);
        self.version = update.version.or(self.version);
        self.timestamp.clone_from(&update.timestamp);
        Applied::Updated
    }

    /// Forgets the version, so the next update applies whatever its
    /// version (after a reconnect, when the server may have restarted its
    /// count).
    pub fn forget_version(&mut self) {
        self.version = None;
    }

    /// The highest bid.
    #[must_use]
    pub fn best_bid(&self) -> Option<Level> {
        self.bids.first().copied()
    }

    /// The lowest ask.
    #[must_use]
    pub fn best_ask(&self) -> Option<Level> {
        self.asks.first().copied()
    }

    /// The top `n` levels of each side.
    #[must_use]
    pub fn depth(&self, n: usize) -> Depth<'_> {
        Depth {
            bids: &self.bids[..n.min(self.bids.len())],
            asks: &self.asks[..n.min(self.asks.len())],
        }
    }

    /// Every bid, highest first.
    #[must_use]
    pub fn bids(&self) -> &[Level] {
        &self.bids
    }

    /// Every ask, lowest first.
    #[must_use]
    pub fn asks(&self) -> &[Level] {
        &self.asks
    }

    /// Best ask minus best bid, when both sides have a level.
    ///
    /// Prices are checked into (0, 1] when applied; the arithmetic is
    /// checked all the same, so no state of the book can make it panic.
    #[must_use]
    pub fn spread(&self) -> Option<Decimal> {
        self.best_ask()?.price.checked_sub(self.best_bid()?.price)
    }

    /// Halfway between the best bid and ask, exactly (checked as
    /// [`spread`](Self::spread) is).
    #[must_use]
    pub fn midpoint(&self) -> Option<Decimal> {
        self.best_ask()?
            .price
            .checked_add(self.best_bid()?.price)?
            .checked_div(Decimal::TWO)
    }

    /// The market.
    #[must_use]
    pub fn market_slug(&self) -> Option<&str> {
        self.market_slug.as_deref()
    }

    /// The token the book is for (`""` until an update names one).
    #[must_use]
    pub fn token_id(&self) -> &str {
        &self.token_id
    }

    /// The version of the update applied last, if it had one.
    #[must_use]
    pub fn version(&self) -> Option<u64> {
        self.version
    }

    /// The timestamp of the update applied last.
    #[must_use]
    pub fn timestamp(&self) -> Option<&str> {
        self.timestamp.as_deref()
    }
}

/// One side, sorted best first, a price's levels summed, empty ones
/// dropped.
fn side(levels: &[limitless_types::OrderBookLevel], bids: bool) -> Vec<Level> {
    let mut out: Vec<Level> = levels
        .iter()
        .filter(|l| l.size != MicroShares::ZERO)
        .map(|l| Level {
            price: l.price,
            size: l.size,
        })
        .collect();
    if bids {
        out.sort_by_key(|level| std::cmp::Reverse(level.price));
    } else {
        out.sort_by_key(|level| level.price);
    }
    out.dedup_by(|next, kept| {
        let same = next.price == kept.price;
        if same {
            kept.size =
                MicroShares::from_micro(kept.size.as_micro().saturating_add(next.size.as_micro()));
        }
        same
    });
    out
}

/// A market's book kept up to date from its own `market_prices` stream
/// ([`WsClient::order_book`](crate::WsClient::order_book)).
///
/// Nothing runs in the background: [`changed`](Self::changed) reads the
/// stream and applies snapshots, so the book is as fresh as the last call.
/// Because every update is a whole book, a [`StreamItem::Lagged`] gap loses
/// nothing but intermediate states. After a connection loss the book is
/// [stale](Self::is_stale) until the next snapshot, which then applies
/// whatever its version.
#[derive(Debug)]
#[must_use = "dropping the watcher unsubscribes it"]
pub struct BookWatcher {
    stream: EventStream,
    book: LocalOrderBook,
    stale: bool,
    invalid: u64,
}

impl BookWatcher {
    pub(crate) fn new(slug: &str, stream: EventStream) -> Self {
        Self {
            stream,
            book: LocalOrderBook::new(slug),
            stale: true,
            invalid: 0,
        }
    }

    /// Waits until a newer snapshot of the book has been applied.
    ///
    /// # Errors
    ///
    /// The error that closed the stream ([`Error::Closed`] after a
    /// shutdown).
    pub async fn changed(&mut self) -> Result<(), Error> {
        loop {
            match self.stream.next().await {
                Some(StreamItem::Event(Event::OrderBook(update))) => match self.book.apply(&update)
                {
                    Applied::Updated => {
                        self.stale = false;
                        return Ok(());
                    }
                    Applied::Invalid { price } => {
                        self.invalid = self.invalid.saturating_add(1);
                        tracing::warn!(
                            market = self.book.market_slug(),
                            %price,
                            "order book update with a price outside (0, 1] refused"
                        );
                    }
                    _ => {}
                },
                Some(StreamItem::Reconnecting { .. }) => {
                    self.stale = true;
                    self.book.forget_version();
                }
                Some(StreamItem::Closed(error)) => return Err(error),
                Some(_) => {}
                None => return Err(Error::Closed),
            }
        }
    }

    /// The book as of the last snapshot applied.
    #[must_use]
    pub fn book(&self) -> &LocalOrderBook {
        &self.book
    }

    /// Whether no snapshot has been applied since subscribing or since the
    /// connection was lost.
    #[must_use]
    pub fn is_stale(&self) -> bool {
        self.stale
    }

    /// How many updates were refused for a price outside (0, 1]
    /// ([`Applied::Invalid`]); each is also logged as a warning.
    #[must_use]
    pub fn invalid_updates(&self) -> u64 {
        self.invalid
    }

    /// Stops watching and unsubscribes (see [`EventStream::unsubscribe`]).
    ///
    /// # Errors
    ///
    /// As [`EventStream::unsubscribe`].
    pub async fn unsubscribe(self) -> Result<(), Error> {
        self.stream.unsubscribe().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(json: &str) -> OrderBookUpdate {
        serde_json::from_str(json).unwrap()
    }

    fn level(price: &str, micro: u64) -> Level {
        Level {
            price: price.parse().unwrap(),
            size: MicroShares::from_micro(micro),
        }
    }

    #[test]
    fn sides_are_sorted_summed_and_cleaned() {
        let mut book = LocalOrderBook::new("m");
        let applied = book.apply(&update(
            r#"{"marketSlug":"m","version":3,"orderbook":{"tokenId":"t",
                "bids":[{"price":0.1,"size":1},{"price":0.3,"size":2},{"price":0.2,"size":0},{"price":0.3,"size":5}],
                "asks":[{"price":0.9,"size":1},{"price":0.5,"size":2},{"price":0.7,"size":3}]}}"#,
        ));
        assert_eq!(applied, Applied::Updated);
        assert_eq!(book.bids(), [level("0.3", 7), level("0.1", 1)]);
        assert_eq!(
            book.asks(),
            [level("0.5", 2), level("0.7", 3), level("0.9", 1)]
        );
        assert_eq!(
            book.depth(2),
            Depth {
                bids: &[level("0.3", 7), level("0.1", 1)],
                asks: &[level("0.5", 2), level("0.7", 3)],
            }
        );
        assert_eq!(book.depth(0).bids, []);
        assert_eq!(book.token_id(), "t");
        assert_eq!(book.version(), Some(3));
        assert_eq!(book.spread(), Some("0.2".parse().unwrap()));
        assert_eq!(book.midpoint(), Some("0.4".parse().unwrap()));
    }

    #[test]
    fn older_versions_and_other_markets_are_ignored() {
        let mut book = LocalOrderBook::new("m");
        let v5 = update(
            r#"{"marketSlug":"m","version":5,"orderbook":{"bids":[{"price":0.4,"size":1}],"asks":[]}}"#,
        );
        let v4 = update(
            r#"{"marketSlug":"m","version":4,"orderbook":{"bids":[{"price":0.1,"size":1}],"asks":[]}}"#,
        );
        let v5b = update(
            r#"{"marketSlug":"m","version":5,"orderbook":{"bids":[{"price":0.41,"size":1}],"asks":[]}}"#,
        );
        let other = update(r#"{"marketSlug":"x","version":9,"orderbook":{"bids":[],"asks":[]}}"#);
        let unversioned =
            update(r#"{"marketSlug":"m","orderbook":{"bids":[],"asks":[{"price":0.6,"size":1}]}}"#);
        assert_eq!(book.apply(&v5), Applied::Updated);
        assert_eq!(
            book.apply(&v4),
            Applied::Stale {
                current: 5,
                received: 4
            }
        );
        assert_eq!(book.best_bid(), Some(level("0.4", 1)));
        assert_eq!(book.apply(&v5b), Applied::Updated);
        assert_eq!(book.best_bid(), Some(level("0.41", 1)));
        assert_eq!(book.apply(&other), Applied::OtherMarket);
        assert_eq!(book.apply(&unversioned), Applied::Updated);
        assert_eq!(book.version(), Some(5));
        assert_eq!(book.best_bid(), None);
        assert_eq!(book.spread(), None);
        book.forget_version();
        assert_eq!(book.apply(&v4), Applied::Updated);
    }

    #[test]
    fn levels_out_of_range_are_refused_and_the_book_kept() {
        let mut book = LocalOrderBook::new("m");
        let good = update(
            r#"{"marketSlug":"m","version":1,"orderbook":{"bids":[{"price":0.4,"size":1}],"asks":[{"price":0.6,"size":1}]}}"#,
        );
        assert_eq!(book.apply(&good), Applied::Updated);
        for (bid, ask) in [
            (
                "-50000000000000000000000000000",
                "50000000000000000000000000000",
            ),
            ("0.4", "50000000000000000000000000000"),
            ("0", "0.6"),
            ("0.4", "1.5"),
        ] {
            let hostile = update(&format!(
                r#"{{"marketSlug":"m","version":2,"orderbook":{{"bids":[{{"price":{bid},"size":1}}],"asks":[{{"price":{ask},"size":1}}]}}}}"#
            ));
            let expected: Decimal = if bid.parse::<Decimal>().unwrap() <= Decimal::ZERO {
                bid.parse().unwrap()
            } else {
                ask.parse().unwrap()
            };
            assert_eq!(
                book.apply(&hostile),
                Applied::Invalid { price: expected },
                "{bid} / {ask}"
            );
            assert_eq!(book.version(), Some(1));
            assert_eq!(book.best_bid(), Some(level("0.4", 1)));
            assert_eq!(book.spread(), Some("0.2".parse().unwrap()));
            assert_eq!(book.midpoint(), Some("0.5".parse().unwrap()));
        }
    }

    #[test]
    fn spread_and_midpoint_never_panic() {
        // A book built directly (not through `apply`) at the extremes of
        // `Decimal`: the arithmetic reports `None` instead of overflowing.
        let book = LocalOrderBook {
            bids: vec![level("-79228162514264337593543950335", 1)],
            asks: vec![level("79228162514264337593543950335", 1)],
            ..LocalOrderBook::default()
        };
        assert_eq!(book.spread(), None);
        let book = LocalOrderBook {
            bids: vec![level("79228162514264337593543950335", 1)],
            asks: vec![level("79228162514264337593543950335", 1)],
            ..LocalOrderBook::default()
        };
        assert_eq!(book.midpoint(), None);
    }
}
