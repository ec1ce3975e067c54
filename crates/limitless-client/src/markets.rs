//! Public market reads.

use limitless_types::markets::{ActiveMarketsPage, ActiveMarketsParams, Market, OrderBook};

use crate::request::{AuthClass, RequestSpec, encode_segment};
use crate::validate::non_blank;
use crate::{ApiResponse, Call, Error, HttpClient};

/// Markets and order books (`client.markets`). Public: no credentials are
/// needed, but configured ones are sent.
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
    pub fn get_market(&self, slug: &str) -> Call<'static, Market> {
        match market_spec(&self.http, "get_market", slug) {
            Err(error) => Call::fail(error),
            Ok(spec) => {
                let http = self.http.clone();
                let slug = slug.trim().to_owned();
                Call::new(async move { fetch_market(&http, &spec, &slug).await })
            }
        }
    }

    /// `GET /markets/active`: a page of active markets. `limit` and `page`,
    /// when set, must be at least 1.
    pub fn get_active_markets(
        &self,
        params: Option<&ActiveMarketsParams>,
    ) -> Call<'static, ActiveMarketsPage> {
        const OP: &str = "get_active_markets";
        let spec = (|| {
            let auth = self.http.auth_for(OP, AuthClass::Public)?;
            let mut spec = RequestSpec::get(OP, "/markets/active".to_owned()).auth(auth);
            if let Some(params) = params {
                if params.limit == Some(0) {
                    return Err(Error::invalid("limit must be a positive integer"));
                }
                if params.page == Some(0) {
                    return Err(Error::invalid(
                        "page must be a positive integer; pages start at 1",
                    ));
                }
                spec = spec.query(params.query_pairs());
            }
            Ok(spec)
        })();
        self.http.call(spec)
    }

    /// `GET /markets/{slug}/orderbook`: the market's order book.
    pub fn get_order_book(&self, slug: &str) -> Call<'static, OrderBook> {
        const OP: &str = "get_order_book";
        let spec = (|| {
            let auth = self.http.auth_for(OP, AuthClass::Public)?;
            let slug = non_blank("slug", slug, "pass the market's slug")?;
            Ok(RequestSpec::get(
                OP,
                format!("/markets/{}/orderbook", encode_segment("slug", slug)?),
            )
            .auth(auth))
        })();
        self.http.call(spec)
    }
}

/// The request of `GET /markets/{slug}`.
pub(crate) fn market_spec(
    http: &HttpClient,
    op: &'static str,
    slug: &str,
) -> Result<RequestSpec, Error> {
    let auth = http.auth_for(op, AuthClass::Public)?;
    let slug = non_blank("market_slug", slug, "pass the market's slug")?;
    Ok(RequestSpec::get(
        op,
        format!("/markets/{}", encode_segment("market_slug", slug)?),
    )
    .auth(auth))
}

/// Fetches the market `slug` and records its venue in the client's cache,
/// under the requested slug and the one the API returned (a market without
/// a venue drops what was cached).
pub(crate) async fn fetch_market(
    http: &HttpClient,
    spec: &RequestSpec,
    slug: &str,
) -> Result<ApiResponse<Market>, Error> {
    let response = http.execute::<Market>(spec).await?;
    let market = &response.data;
    http.venues().record(slug, market.venue.as_ref());
    if market.slug != slug {
        http.venues().record(&market.slug, market.venue.as_ref());
    }
    Ok(response)
}
