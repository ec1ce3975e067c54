//! Market pages: navigation, pages by path, a page's markets, property keys.

use limitless_types::limits::MAX_PAGE_LIMIT;
use limitless_types::market_pages::{
    MarketPage, NavigationNode, PageMarkets, PageMarketsParams, PropertyKey, PropertyOption,
};
use limitless_types::markets::Market;

use crate::ops::pages::PageByPath;
use crate::pager::{Fetched, Pager, Position};
use crate::{Call, Error, HttpClient, ops};

/// How many moves [`MarketPageService::get_market_page_by_path`] follows,
/// as the official SDKs do.
pub const MAX_PAGE_REDIRECTS: usize = 3;

/// The site's market pages (`client.pages`). Public. Each method sends the
/// operation of the same name in [`ops::pages`].
#[derive(Clone, Debug)]
pub struct MarketPageService {
    http: HttpClient,
}

impl MarketPageService {
    pub(crate) fn new(http: HttpClient) -> Self {
        Self { http }
    }

    /// `GET /navigation`: the navigation tree.
    pub fn get_navigation(&self) -> Call<Vec<NavigationNode>> {
        self.http.call(ops::pages::get_navigation())
    }

    /// `GET /market-pages/by-path?path=`: the page at `path`, following a
    /// page that moved (HTTP 301) at most [`MAX_PAGE_REDIRECTS`] times.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] (field `path`) when the page moved more
    /// than [`MAX_PAGE_REDIRECTS`] times; any error of the reads.
    pub async fn get_market_page_by_path(&self, path: &str) -> Result<MarketPage, Error> {
        let mut path = path.to_owned();
        for _ in 0..=MAX_PAGE_REDIRECTS {
            match self
                .http
                .call(ops::pages::get_market_page_by_path(&path))
                .await?
            {
                PageByPath::Page(page) => return Ok(*page),
                PageByPath::Moved(next) => path = next,
            }
        }
        Err(Error::invalid_field(
            "path",
            format!(
                "the page moved more than {MAX_PAGE_REDIRECTS} times (last to `{path}`); ask for that path, or check the navigation"
            ),
        ))
    }

    /// `GET /market-pages/{pageId}/markets`: one page of a page's markets.
    pub fn get_page_markets(&self, page_id: &str, params: &PageMarketsParams) -> Call<PageMarkets> {
        self.http
            .call(ops::pages::get_page_markets(page_id, params))
    }

    /// Every market of a page, as a [`Pager`]: by cursor when `params` has
    /// one (an empty one starts at the beginning), else page by page from
    /// `params.page` (default 1); pages of `params.limit` (default and at
    /// most 25).
    pub fn page_markets(&self, page_id: &str, params: &PageMarketsParams) -> Pager<Market> {
        if let Err(error) = ops::pages::get_page_markets(page_id, params) {
            return Pager::fail(error);
        }
        let page_id = page_id.to_owned();
        let base = params.clone();
        let limit = base.limit.unwrap_or(MAX_PAGE_LIMIT);
        let first = match &base.cursor {
            Some(cursor) => Position::Cursor(Some(cursor.clone())),
            None => Position::Page(base.page.unwrap_or(1)),
        };
        Pager::new(
            self.http.clone(),
            first,
            Box::new(move |http, position| {
                let mut params = base.clone();
                params.limit = Some(limit);
                let page = match &position {
                    Position::Page(page) => {
                        params.page = Some(*page);
                        params.cursor = None;
                        Some(*page)
                    }
                    Position::Cursor(cursor) => {
                        params.page = None;
                        params.cursor = Some(cursor.clone().unwrap_or_default());
                        None
                    }
                };
                http.call(ops::pages::get_page_markets(&page_id, &params))
                    .map(move |answer| {
                        let next = match page {
                            Some(page) => answer
                                .pagination
                                .as_ref()
                                .and_then(|p| p.total_pages)
                                .filter(|total| page < *total)
                                .map(|_| Position::Page(page + 1)),
                            None => answer
                                .cursor
                                .as_ref()
                                .and_then(|c| c.next_cursor.clone())
                                .filter(|cursor| !cursor.is_empty())
                                .map(|cursor| Position::Cursor(Some(cursor))),
                        };
                        Fetched {
                            next,
                            items: answer.data,
                        }
                    })
            }),
        )
    }

    /// `GET /property-keys`: the keys pages filter on.
    pub fn get_property_keys(&self) -> Call<Vec<PropertyKey>> {
        self.http.call(ops::pages::get_property_keys())
    }

    /// `GET /property-keys/{id}`: one key.
    pub fn get_property_key(&self, id: &str) -> Call<PropertyKey> {
        self.http.call(ops::pages::get_property_key(id))
    }

    /// `GET /property-keys/{keyId}/options`: a key's options (the children
    /// of `parent_id` when given).
    pub fn get_property_options(
        &self,
        key_id: &str,
        parent_id: Option<&str>,
    ) -> Call<Vec<PropertyOption>> {
        self.http
            .call(ops::pages::get_property_options(key_id, parent_id))
    }
}
