//! Market pages: navigation, a page by its path, a page's markets, and the
//! property keys pages filter on. Public.

use http::StatusCode;
use limitless_types::market_pages::{
    MarketPage, NavigationNode, PageMarkets, PageMarketsParams, PropertyKey, PropertyOption,
};

use super::markets::{page_limit, page_number};
use super::{Auth, Operation, RequestSpec, encode_segment};
use crate::Error;
use crate::ops::finish::Finisher;
use crate::response::{ApiResponse, RawResponse};
use crate::validate::non_blank;

/// The answer to [`get_market_page_by_path`]: the page, or where it moved.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum PageByPath {
    /// The page.
    Page(Box<MarketPage>),
    /// HTTP 301: the page moved; `Location` read as a page path.
    Moved(String),
}

/// `GET /navigation`: the navigation tree.
pub fn get_navigation() -> Result<Operation<Vec<NavigationNode>>, Error> {
    Ok(RequestSpec::get("get_navigation", "/navigation", Auth::Public).decode())
}

/// `GET /market-pages/by-path?path=`: the page at `path` (e.g. `/crypto`),
/// or [`PageByPath::Moved`] when the API answers 301. One request: the
/// service ([`MarketPageService::get_market_page_by_path`](crate::MarketPageService::get_market_page_by_path))
/// follows moves, at most 3.
pub fn get_market_page_by_path(path: &str) -> Result<Operation<PageByPath>, Error> {
    let path = non_blank("path", path, "pass a page path such as /crypto")?;
    Ok(RequestSpec::get(
        "get_market_page_by_path",
        "/market-pages/by-path",
        Auth::Public,
    )
    .query([("path", path.to_owned())])
    .accept(&[StatusCode::MOVED_PERMANENTLY])
    .finish(page_or_move))
}

fn page_or_move(
    http: &Finisher<'_>,
    spec: &RequestSpec,
    outcome: Result<RawResponse, Error>,
) -> Result<ApiResponse<PageByPath>, Error> {
    let raw = outcome?;
    let location = (raw.status == StatusCode::MOVED_PERMANENTLY)
        .then(|| raw.headers.get(http::header::LOCATION))
        .flatten()
        .and_then(|value| value.to_str().ok())
        .map(moved_path);
    if let Some(location) = location {
        return Ok(ApiResponse {
            data: PageByPath::Moved(location),
            raw,
        });
    }
    // A page, or (a 301 without a Location) an API error naming the status.
    http.decode::<MarketPage>(spec, raw)
        .map(|response| response.map(|page| PageByPath::Page(Box::new(page))))
}

/// The page path a `Location` points at: the `path` query of another
/// `/market-pages/by-path?…`, else the path of a URL, else the text itself.
fn moved_path(location: &str) -> String {
    let relative = url::Url::parse("http://base.invalid")
        .ok()
        .and_then(|base| base.join(location).ok());
    let Some(url) = relative else {
        return location.to_owned();
    };
    if url.path().ends_with("/market-pages/by-path")
        && let Some((_, path)) = url.query_pairs().find(|(key, _)| key == "path")
    {
        return path.into_owned();
    }
    url.path().to_owned()
}

/// `GET /market-pages/{pageId}/markets`: a page's markets, by page number
/// or by cursor, with filters (repeated keys kept).
pub fn get_page_markets(
    page_id: &str,
    params: &PageMarketsParams,
) -> Result<Operation<PageMarkets>, Error> {
    let page_id = non_blank("page_id", page_id, "pass the page's id")?;
    page_limit(params.limit)?;
    page_number(params.page)?;
    if params.page.is_some() && params.cursor.is_some() {
        return Err(Error::invalid_field(
            "cursor",
            "page and cursor select pages two different ways; pass one of them",
        ));
    }
    let path = format!(
        "/market-pages/{}/markets",
        encode_segment("page_id", page_id)?
    );
    let pairs = params.query_pairs();
    Ok(RequestSpec::get("get_page_markets", path, Auth::Public)
        .query(
            pairs
                .iter()
                .map(|(key, value)| (key.as_str(), value.clone())),
        )
        .decode())
}

/// `GET /property-keys`: the keys pages filter on.
pub fn get_property_keys() -> Result<Operation<Vec<PropertyKey>>, Error> {
    Ok(RequestSpec::get("get_property_keys", "/property-keys", Auth::Public).decode())
}

/// `GET /property-keys/{id}`: one key.
pub fn get_property_key(id: &str) -> Result<Operation<PropertyKey>, Error> {
    let id = non_blank("id", id, "pass the property key's id")?;
    let path = format!("/property-keys/{}", encode_segment("id", id)?);
    Ok(RequestSpec::get("get_property_key", path, Auth::Public).decode())
}

/// `GET /property-keys/{keyId}/options[?parentId=]`: a key's options, the
/// children of `parent_id` when given.
pub fn get_property_options(
    key_id: &str,
    parent_id: Option<&str>,
) -> Result<Operation<Vec<PropertyOption>>, Error> {
    let key_id = non_blank("key_id", key_id, "pass the property key's id")?;
    let path = format!(
        "/property-keys/{}/options",
        encode_segment("key_id", key_id)?
    );
    let mut spec = RequestSpec::get("get_property_options", path, Auth::Public);
    if let Some(parent) = parent_id.map(str::trim).filter(|p| !p.is_empty()) {
        spec = spec.query([("parentId", parent.to_owned())]);
    }
    Ok(spec.decode())
}

#[cfg(test)]
mod tests {
    use super::moved_path;

    #[test]
    fn a_location_is_read_as_a_page_path() {
        assert_eq!(
            moved_path("/market-pages/by-path?path=%2Fcrypto"),
            "/crypto"
        );
        assert_eq!(
            moved_path("https://api.limitless.exchange/market-pages/by-path?path=/crypto/btc"),
            "/crypto/btc"
        );
        assert_eq!(moved_path("/crypto/btc"), "/crypto/btc");
        assert_eq!(moved_path("https://limitless.exchange/sports"), "/sports");
    }
}
