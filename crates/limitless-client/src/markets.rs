//! Public market reads.

use limitless_types::limits::MAX_PAGE_LIMIT;
use limitless_types::markets::{
    ActiveMarketsPage, ActiveMarketsParams, Market, MarketSearchPage, MarketSearchParams,
    OrderBook, PriceHistory, PriceHistoryParams,
};
use limitless_types::orders::Order;
use limitless_types::portfolio::LockedBalance;

use crate::pager::{Fetched, Pager, Position};
use crate::{Call, HttpClient, ops};

/// Markets and order books (`client.markets`). Public: no credentials are
/// needed, but configured ones are sent. Each method sends the operation
/// of the same name in [`ops::markets`].
#[derive(Clone, Debug)]
pub struct MarketService {
    http: HttpClient,
}

impl MarketService {
    pub(crate) fn new(http: HttpClient) -> Self {
        Self { http }
    }

    /// `GET /markets/{slug}`: one market. Its venue is cached, so a
    /// delegated order on this market needs no extra market request.
    pub fn get_market(&self, slug: &str) -> Call<Market> {
        self.http.call(ops::markets::get_market(slug))
    }

    /// `GET /markets/active`: a page of active markets. `limit` (1 to 25)
    /// and `page` (from 1) are checked when set.
    pub fn get_active_markets(
        &self,
        params: Option<&ActiveMarketsParams>,
    ) -> Call<ActiveMarketsPage> {
        self.http.call(ops::markets::get_active_markets(params))
    }

    /// Every active market, page after page (`GET /markets/active`), as a
    /// [`Pager`]. `params` sets the sort, the page size (default and at most
    /// 25) and the first page (default 1).
    pub fn active_markets(&self, params: Option<&ActiveMarketsParams>) -> Pager<Market> {
        let base = params.copied().unwrap_or_default();
        if let Err(error) = ops::markets::get_active_markets(Some(&base)) {
            return Pager::fail(error);
        }
        let limit = base.limit.unwrap_or(MAX_PAGE_LIMIT);
        let first = Position::Page(base.page.unwrap_or(1));
        Pager::new(
            self.http.clone(),
            first,
            Box::new(move |http, position| {
                let page = match position {
                    Position::Page(page) => page,
                    Position::Cursor(_) => 1,
                };
                let params = ActiveMarketsParams {
                    limit: Some(limit),
                    page: Some(page),
                    ..base
                };
                http.call(ops::markets::get_active_markets(Some(&params)))
                    .map(move |answer| {
                        let seen = u64::from(page) * u64::from(limit);
                        let total = u64::try_from(answer.total_markets_count).unwrap_or(0);
                        let full = answer.data.len() >= limit as usize;
                        Fetched {
                            next: (full && seen < total).then(|| Position::Page(page + 1)),
                            items: answer.data,
                        }
                    })
            }),
        )
    }

    /// `GET /markets/{slug}/user-orders`: your orders on a market, or a
    /// sub-account's with `on_behalf_of`. Needs credentials.
    pub fn get_user_orders(&self, slug: &str, on_behalf_of: Option<i64>) -> Call<Vec<Order>> {
        self.http
            .call(ops::markets::get_user_orders(slug, on_behalf_of))
    }

    /// `GET /markets/{slug}/locked-balance`: the USDC your open orders on
    /// a market hold back. Needs credentials.
    pub fn get_locked_balance(&self, slug: &str) -> Call<LockedBalance> {
        self.http.call(ops::markets::get_locked_balance(slug))
    }

    /// `GET /markets/{slug}/orderbook`: the market's order book.
    pub fn get_order_book(&self, slug: &str) -> Call<OrderBook> {
        self.http.call(ops::markets::get_order_book(slug))
    }

    /// `GET /markets/search`: markets matching a text by meaning, a page
    /// at a time.
    pub fn search_markets(&self, params: &MarketSearchParams) -> Call<MarketSearchPage> {
        self.http.call(ops::markets::search_markets(params))
    }

    /// `GET /markets/{slug}/historical-price`: the market's price over
    /// time, in the range and spacing of `params` when given.
    pub fn get_price_history(
        &self,
        slug: &str,
        params: Option<&PriceHistoryParams>,
    ) -> Call<PriceHistory> {
        self.http
            .call(ops::markets::get_price_history(slug, params))
    }
}
