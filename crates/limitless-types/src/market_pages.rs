//! Market pages and navigation (`GET /navigation`, `GET /market-pages/...`,
//! `GET /property-keys...`).
//!
//! These shapes have no captured real payload yet (see the fixtures'
//! `SOURCES.md`), so everything but a page's markets is soft: names and
//! ids read as text whatever JSON type they arrive in, and free-form maps
//! (`baseFilter`, `metadata`) are kept as [`serde_json::Value`] because no
//! operation reads inside them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::macros::open_enum;
use crate::markets::Market;
use crate::serde_util::{soft, soft_objects, soft_or_default, soft_struct, soft_value};

/// A node of the site navigation tree (`GET /navigation` returns a list).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NavigationNode {
    /// Node id, as text.
    #[serde(default, deserialize_with = "soft_or_default")]
    pub id: String,
    /// Display name.
    #[serde(default, deserialize_with = "soft_or_default")]
    pub name: String,
    /// Slug.
    #[serde(default, deserialize_with = "soft_or_default")]
    pub slug: String,
    /// Page path, e.g. `/crypto`; pass it to the by-path lookup.
    #[serde(default, deserialize_with = "soft_or_default")]
    pub path: String,
    /// Icon name or URL.
    #[serde(default, deserialize_with = "soft")]
    pub icon: Option<String>,
    /// Child nodes.
    #[serde(default, deserialize_with = "soft_objects")]
    pub children: Vec<NavigationNode>,
}

/// A market page (`GET /market-pages/by-path?path=...`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", remote = "Self")]
pub struct MarketPage {
    /// Page id, as text; pass it to the page's market listing.
    #[serde(default, deserialize_with = "soft_or_default")]
    pub id: String,
    /// Display name.
    #[serde(default, deserialize_with = "soft_or_default")]
    pub name: String,
    /// Slug.
    #[serde(default, deserialize_with = "soft_or_default")]
    pub slug: String,
    /// Full path of the page.
    #[serde(default, deserialize_with = "soft_or_default")]
    pub full_path: String,
    /// Description.
    #[serde(default, deserialize_with = "soft")]
    pub description: Option<String>,
    /// The filter the page always applies, as JSON.
    #[serde(default, deserialize_with = "soft_value")]
    pub base_filter: Option<Value>,
    /// Filters a user can choose from.
    #[serde(default, deserialize_with = "soft_objects")]
    pub filter_groups: Vec<FilterGroup>,
    /// Free-form metadata, as JSON.
    #[serde(default, deserialize_with = "soft_value")]
    pub metadata: Option<Value>,
    /// Path from the root to this page.
    #[serde(default, deserialize_with = "soft_objects")]
    pub breadcrumb: Vec<Breadcrumb>,
}

/// A group of filter options on a market page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FilterGroup {
    /// Display name.
    #[serde(default, deserialize_with = "soft")]
    pub name: Option<String>,
    /// Slug: the query key of its filter.
    #[serde(default, deserialize_with = "soft")]
    pub slug: Option<String>,
    /// Whether several options may be chosen at once.
    #[serde(default, deserialize_with = "soft")]
    pub allow_multiple: Option<bool>,
    /// How the group is presented, as JSON.
    #[serde(default, deserialize_with = "soft_value")]
    pub presentation: Option<Value>,
    /// The options.
    #[serde(default, deserialize_with = "soft_objects")]
    pub options: Vec<FilterOption>,
    /// Where the options come from, as JSON.
    #[serde(default, deserialize_with = "soft_value")]
    pub source: Option<Value>,
}

/// One option of a filter group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterOption {
    /// Display label.
    #[serde(default, deserialize_with = "soft_or_default")]
    pub label: String,
    /// The filter value, as text.
    #[serde(default, deserialize_with = "soft_or_default")]
    pub value: String,
    /// Free-form metadata, as JSON.
    #[serde(default, deserialize_with = "soft_value")]
    pub metadata: Option<Value>,
}

/// One step of a market page's breadcrumb.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breadcrumb {
    /// Display name.
    #[serde(default, deserialize_with = "soft_or_default")]
    pub name: String,
    /// Slug.
    #[serde(default, deserialize_with = "soft_or_default")]
    pub slug: String,
    /// Page path.
    #[serde(default, deserialize_with = "soft_or_default")]
    pub path: String,
}

/// Response of `GET /market-pages/{pageId}/markets`: offset pagination or
/// a cursor, whichever the page uses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self")]
pub struct PageMarkets {
    /// Markets (entries that are not objects are skipped).
    #[serde(default, deserialize_with = "soft_objects")]
    pub data: Vec<Market>,
    /// Offset pagination, when the page uses it.
    #[serde(default, deserialize_with = "soft_struct")]
    pub pagination: Option<Pagination>,
    /// Cursor pagination, when the page uses it.
    #[serde(default, deserialize_with = "soft_struct")]
    pub cursor: Option<PageCursor>,
}

/// Offset pagination of a market page listing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pagination {
    /// Page number, from 1.
    #[serde(default, deserialize_with = "soft")]
    pub page: Option<u32>,
    /// Page size.
    #[serde(default, deserialize_with = "soft")]
    pub limit: Option<u32>,
    /// Number of markets across all pages.
    #[serde(default, deserialize_with = "soft")]
    pub total: Option<u64>,
    /// Number of pages.
    #[serde(default, deserialize_with = "soft")]
    pub total_pages: Option<u32>,
}

/// Cursor pagination of a market page listing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageCursor {
    /// Cursor of the next page; `None` on the last page.
    #[serde(default, deserialize_with = "soft")]
    pub next_cursor: Option<String>,
}

/// A property key markets are tagged with (`GET /property-keys[/{id}]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PropertyKey {
    /// Key id, as text.
    #[serde(default, deserialize_with = "soft_or_default")]
    pub id: String,
    /// Display name.
    #[serde(default, deserialize_with = "soft_or_default")]
    pub name: String,
    /// Slug.
    #[serde(default, deserialize_with = "soft_or_default")]
    pub slug: String,
    /// Value type, verbatim (`type` on the wire).
    #[serde(rename = "type", default, deserialize_with = "soft")]
    pub kind: Option<String>,
    /// Free-form metadata, as JSON.
    #[serde(default, deserialize_with = "soft_value")]
    pub metadata: Option<Value>,
    /// Whether the key is built in.
    #[serde(default, deserialize_with = "soft")]
    pub is_system: Option<bool>,
    /// Its options.
    #[serde(default, deserialize_with = "soft_objects")]
    pub options: Vec<PropertyOption>,
    /// Creation time.
    #[serde(default, deserialize_with = "soft")]
    pub created_at: Option<String>,
    /// Last update time.
    #[serde(default, deserialize_with = "soft")]
    pub updated_at: Option<String>,
}

/// An option of a property key
/// (`GET /property-keys/{keyId}/options[?parentId=]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PropertyOption {
    /// Option id, as text.
    #[serde(default, deserialize_with = "soft_or_default")]
    pub id: String,
    /// Its key's id, as text.
    #[serde(default, deserialize_with = "soft")]
    pub property_key_id: Option<String>,
    /// The value, as text.
    #[serde(default, deserialize_with = "soft_or_default")]
    pub value: String,
    /// Display label.
    #[serde(default, deserialize_with = "soft_or_default")]
    pub label: String,
    /// Position among its siblings.
    #[serde(default, deserialize_with = "soft")]
    pub sort_order: Option<i64>,
    /// Parent option id, for nested options.
    #[serde(default, deserialize_with = "soft")]
    pub parent_option_id: Option<String>,
    /// Free-form metadata, as JSON.
    #[serde(default, deserialize_with = "soft_value")]
    pub metadata: Option<Value>,
    /// Creation time.
    #[serde(default, deserialize_with = "soft")]
    pub created_at: Option<String>,
    /// Last update time.
    #[serde(default, deserialize_with = "soft")]
    pub updated_at: Option<String>,
}

open_enum! {
    /// Sort order of a market page listing (`sort`); a leading `-` is
    /// descending.
    pub enum PageMarketsSort {
        /// Oldest first.
        CreatedAt => "createdAt",
        /// Newest first.
        CreatedAtDesc => "-createdAt",
        /// Least recently updated first.
        UpdatedAt => "updatedAt",
        /// Most recently updated first.
        UpdatedAtDesc => "-updatedAt",
        /// Soonest deadline first.
        Deadline => "deadline",
        /// Latest deadline first.
        DeadlineDesc => "-deadline",
        /// Lowest id first.
        Id => "id",
        /// Highest id first.
        IdDesc => "-id",
    }
}

/// Query of `GET /market-pages/{pageId}/markets`.
///
/// ```
/// use limitless_types::{PageMarketsParams, PageMarketsSort};
///
/// let params = PageMarketsParams {
///     limit: Some(20),
///     sort: Some(PageMarketsSort::DeadlineDesc),
///     ..PageMarketsParams::default()
/// }
/// .filter_values("ticker", ["btc", "eth"]);
/// let pairs: Vec<(String, String)> = params.query_pairs();
/// assert_eq!(pairs, [
///     ("limit".to_owned(), "20".to_owned()),
///     ("sort".to_owned(), "-deadline".to_owned()),
///     ("ticker".to_owned(), "btc".to_owned()),
///     ("ticker".to_owned(), "eth".to_owned()),
/// ]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[must_use]
pub struct PageMarketsParams {
    /// Page number, from 1.
    pub page: Option<u32>,
    /// Page size.
    pub limit: Option<u32>,
    /// Sort order.
    pub sort: Option<PageMarketsSort>,
    /// Cursor from a previous page's `cursor.nextCursor`.
    pub cursor: Option<String>,
    /// Filters, in order; a key may repeat (one pair per chosen value).
    pub filters: Vec<(String, String)>,
}

impl PageMarketsParams {
    /// Adds one filter value.
    pub fn filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters.push((key.into(), value.into()));
        self
    }

    /// Adds several values of one filter; the key repeats on the wire.
    pub fn filter_values<V: Into<String>>(
        mut self,
        key: impl Into<String>,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        let key = key.into();
        self.filters
            .extend(values.into_iter().map(|v| (key.clone(), v.into())));
        self
    }

    /// The set parameters as query pairs, in wire order `page`, `limit`,
    /// `sort`, `cursor`, then the filters as given. An empty cursor is sent
    /// empty: it asks for the first page by cursor (`None` leaves it out).
    #[must_use]
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        let mut pairs = Vec::with_capacity(4 + self.filters.len());
        if let Some(page) = self.page {
            pairs.push(("page".to_owned(), page.to_string()));
        }
        if let Some(limit) = self.limit {
            pairs.push(("limit".to_owned(), limit.to_string()));
        }
        if let Some(sort) = &self.sort {
            pairs.push(("sort".to_owned(), sort.as_str().to_owned()));
        }
        if let Some(cursor) = &self.cursor {
            pairs.push(("cursor".to_owned(), cursor.clone()));
        }
        pairs.extend(self.filters.iter().cloned());
        pairs
    }
}

crate::macros::object_only!(PageMarkets, MarketPage);
