//! Public market reads: a market, a page of active markets, a search, an
//! order book, a price history.

use limitless_types::limits::MAX_PAGE_LIMIT;
use limitless_types::markets::{
    ActiveMarketsPage, ActiveMarketsParams, Market, MarketSearchPage, MarketSearchParams,
    MarketVenue, OrderBook, PriceHistory, PriceHistoryParams, Venue,
};
use limitless_types::orders::{Order, UserOrders};
use limitless_types::portfolio::LockedBalance;
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{Auth, Operation, RequestSpec, encode_segment, on_behalf_of_header};
use crate::Error;
use crate::ops::finish::Finisher;
use crate::response::{ApiResponse, RawResponse};
use crate::validate::non_blank;

/// `GET /markets/{slug}`: one market. Its venue is recorded in the client's
/// venue cache under the slug asked for (and the one returned), so a
/// delegated order on it needs no further market read.
pub fn get_market(slug: &str) -> Result<Operation<Market>, Error> {
    market_read("get_market", slug, |market: &Market| {
        (&market.slug, market.venue.as_ref())
    })
}

/// `GET /markets/{slug}`, reading only the market's slug and venue (see
/// [`MarketVenue`]): what an order's fee and EIP-712 domain need, so no
/// other field of a market can fail the lookup. Records the venue as
/// [`get_market`] does.
pub fn get_market_venue(slug: &str) -> Result<Operation<MarketVenue>, Error> {
    market_read("get_market_venue", slug, |market: &MarketVenue| {
        (&market.slug, market.venue.as_ref())
    })
}

/// `GET /markets/{slug}` decoded as `T`, whose slug and venue `venue_of`
/// reads: the venue is recorded under the slug asked for, and under the
/// one returned when it differs (a market without a venue drops what was
/// cached).
fn market_read<T: DeserializeOwned + Send + 'static>(
    name: &'static str,
    slug: &str,
    venue_of: fn(&T) -> (&str, Option<&Venue>),
) -> Result<Operation<T>, Error> {
    let slug = non_blank("market_slug", slug, "pass the market's slug")?;
    let path = format!("/markets/{}", encode_segment("market_slug", slug)?);
    let asked = slug.to_owned();
    Ok(
        RequestSpec::get(name, path, Auth::Public).finish_with(move |http, spec, outcome| {
            let response = http.decode::<T>(spec, outcome?)?;
            let (returned, venue) = venue_of(&response.data);
            http.venues().record(&asked, venue);
            if returned != asked && !returned.is_empty() {
                http.venues().record(returned, venue);
            }
            Ok(response)
        }),
    )
}

/// `GET /markets/active`: a page of active markets. `limit` must be 1 to
/// [`MAX_PAGE_LIMIT`] and `page` at least 1, when set.
pub fn get_active_markets(
    params: Option<&ActiveMarketsParams>,
) -> Result<Operation<ActiveMarketsPage>, Error> {
    let mut spec = RequestSpec::get("get_active_markets", "/markets/active", Auth::Public);
    if let Some(params) = params {
        page_limit(params.limit)?;
        page_number(params.page)?;
        spec = spec.query(params.query_pairs());
    }
    Ok(spec.decode())
}

/// `GET /markets/{slug}/user-orders`: the caller's orders on a market (a
/// sub-account's with `on_behalf_of`, sent as the
/// [`x-on-behalf-of`](super::HEADER_ON_BEHALF_OF) header). Needs
/// credentials.
pub fn get_user_orders(
    slug: &str,
    on_behalf_of: Option<i64>,
) -> Result<Operation<Vec<Order>>, Error> {
    let slug = non_blank("market_slug", slug, "pass the market's slug")?;
    let path = format!(
        "/markets/{}/user-orders",
        encode_segment("market_slug", slug)?
    );
    let spec = RequestSpec::get("get_user_orders", path, Auth::Credentials);
    Ok(on_behalf_of_header(spec, on_behalf_of)?.finish(user_orders))
}

/// `GET /markets/{slug}/locked-balance`: the USDC the caller's open orders
/// on a market hold back. Needs credentials (the spec lists none, but the
/// route reads "the authenticated user"). The docs name no sub-account
/// form for this route, so none is offered.
pub fn get_locked_balance(slug: &str) -> Result<Operation<LockedBalance>, Error> {
    let slug = non_blank("market_slug", slug, "pass the market's slug")?;
    let path = format!(
        "/markets/{}/locked-balance",
        encode_segment("market_slug", slug)?
    );
    Ok(RequestSpec::get("get_locked_balance", path, Auth::Credentials).decode())
}

/// The listed orders, as a bare array or wrapped in `{"orders": …}`.
fn user_orders(
    http: &Finisher<'_>,
    spec: &RequestSpec,
    outcome: Result<RawResponse, Error>,
) -> Result<ApiResponse<Vec<Order>>, Error> {
    http.decode::<UserOrders>(spec, outcome?)
        .map(|response| response.map(|listed| listed.orders))
}

/// `GET /markets/{slug}/orderbook`: the market's order book.
pub fn get_order_book(slug: &str) -> Result<Operation<OrderBook>, Error> {
    let slug = non_blank("slug", slug, "pass the market's slug")?;
    let path = format!("/markets/{}/orderbook", encode_segment("slug", slug)?);
    Ok(RequestSpec::get("get_order_book", path, Auth::Public).decode())
}

/// `GET /markets/search?query=&limit=&page=&similarityThreshold=`: markets
/// matching a text by meaning (parameters from the OpenAPI spec of
/// 2026-04-30; the answer's `{markets, totalMarketsCount, noExactMatch}`
/// from a real capture, `fixtures/responses/markets-search/`). `query`
/// must not be blank, `limit` and `page` are at least 1 and
/// `similarityThreshold` is 0 to 1, when set. Public.
pub fn search_markets(params: &MarketSearchParams) -> Result<Operation<MarketSearchPage>, Error> {
    non_blank("query", &params.query, "pass the text to search for")?;
    if params.limit == Some(0) {
        return Err(Error::invalid_field(
            "limit",
            "limit must be a positive integer",
        ));
    }
    page_number(params.page)?;
    if let Some(threshold) = params.similarity_threshold
        && !(Decimal::ZERO..=Decimal::ONE).contains(&threshold)
    {
        return Err(Error::invalid_field(
            "similarity_threshold",
            format!("similarity_threshold must be 0 to 1, got {threshold}"),
        ));
    }
    let params = MarketSearchParams {
        query: params.query.trim().to_owned(),
        ..params.clone()
    };
    Ok(
        RequestSpec::get("search_markets", "/markets/search", Auth::Public)
            .query(params.query_pairs())
            .decode(),
    )
}

/// `GET /markets/{slug}/historical-price?from=&to=&interval=`: a market's
/// YES price over time, one series (a neg-risk group: one per
/// sub-market). `from` and `to` are ISO-8601 instants
/// (`2026-01-01T00:00:00Z`), `from` not after `to`; parameters from the
/// OpenAPI spec of 2026-04-30. Public.
pub fn get_price_history(
    slug: &str,
    params: Option<&PriceHistoryParams>,
) -> Result<Operation<PriceHistory>, Error> {
    let slug = non_blank("market_slug", slug, "pass the market's slug")?;
    let path = format!(
        "/markets/{}/historical-price",
        encode_segment("market_slug", slug)?
    );
    let mut spec = RequestSpec::get("get_price_history", path, Auth::Public);
    if let Some(params) = params {
        let from = instant("from", params.from.as_deref())?;
        let to = instant("to", params.to.as_deref())?;
        if let (Some(from), Some(to)) = (from, to)
            && from > to
        {
            return Err(Error::invalid_field(
                "from",
                "from must not be after to; swap them",
            ));
        }
        spec = spec.query(params.query_pairs());
    }
    Ok(spec.decode())
}

/// An ISO-8601 instant, when given.
fn instant(field: &str, value: Option<&str>) -> Result<Option<OffsetDateTime>, Error> {
    value
        .map(|text| {
            OffsetDateTime::parse(text, &Rfc3339).map_err(|_| {
                Error::invalid_field(
                    field,
                    format!(
                        "{field} must be an ISO-8601 instant such as 2026-01-01T00:00:00Z, got {text:?}"
                    ),
                )
            })
        })
        .transpose()
}

/// A page size, when given, is 1 to [`MAX_PAGE_LIMIT`]: a larger one is
/// refused rather than silently capped.
pub(crate) fn page_limit(limit: Option<u32>) -> Result<(), Error> {
    match limit {
        Some(0) => Err(Error::invalid_field(
            "limit",
            format!("limit must be a positive integer; use 1 to {MAX_PAGE_LIMIT}"),
        )),
        Some(limit) if limit > MAX_PAGE_LIMIT => Err(Error::invalid_field(
            "limit",
            format!(
                "limit must be at most {MAX_PAGE_LIMIT}, got {limit}; use {MAX_PAGE_LIMIT} and fetch further pages"
            ),
        )),
        _ => Ok(()),
    }
}

/// A page number, when given, is at least 1.
pub(crate) fn page_number(page: Option<u32>) -> Result<(), Error> {
    if page == Some(0) {
        return Err(Error::invalid_field(
            "page",
            "page must be a positive integer; pages start at 1",
        ));
    }
    Ok(())
}
