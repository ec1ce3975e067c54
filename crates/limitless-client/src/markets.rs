//! Public market reads.

use limitless_types::markets::{ActiveMarketsPage, ActiveMarketsParams, Market, OrderBook};

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

    /// `GET /markets/{slug}/orderbook`: the market's order book.
    pub fn get_order_book(&self, slug: &str) -> Call<OrderBook> {
        self.http.call(ops::markets::get_order_book(slug))
    }
}
