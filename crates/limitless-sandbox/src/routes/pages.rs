//! Market pages, the navigation tree and property keys: `GET /navigation`,
//! `/market-pages/by-path`, `/market-pages/{pageId}/markets`,
//! `/property-keys[/{id}[/options]]`. All public.
//!
//! Seeded pages: `/crypto` (category crypto), one child per asset
//! (`/crypto/btc`, …), and `/economics`. Old paths answer 301 with a
//! `Location`: `/cryptocurrency` → `/crypto` (as a by-path URL),
//! `/crypto/bitcoin` → `/crypto/btc` (a bare path), `/coins` →
//! `/cryptocurrency` (two hops), and `/loop-a` ↔ `/loop-b` (never ends).

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use serde_json::{Value, json};

use super::positive;
use crate::auth::Metered;
use crate::error::{ApiError, ApiJson};
use crate::seed::ASSETS;
use crate::state::{App, MarketRecord};

/// When the seeded pages and keys were made.
const SEEDED_AT: &str = "2026-01-05T12:00:00.000Z";
const DEFAULT_LIMIT: i64 = 20;
const MAX_LIMIT: i64 = limitless_types::limits::MAX_PAGE_LIMIT as i64;
const SORTS: &[&str] = &[
    "createdAt",
    "-createdAt",
    "updatedAt",
    "-updatedAt",
    "deadline",
    "-deadline",
    "id",
    "-id",
];
/// Old paths and where they moved.
const REDIRECTS: &[(&str, &str)] = &[
    ("/cryptocurrency", "/market-pages/by-path?path=%2Fcrypto"),
    ("/crypto/bitcoin", "/crypto/btc"),
    ("/coins", "/market-pages/by-path?path=%2Fcryptocurrency"),
    ("/loop-a", "/loop-b"),
    ("/loop-b", "/loop-a"),
];

/// A seeded page: its path, name and the properties its markets have.
struct Page {
    id: String,
    name: String,
    slug: String,
    path: String,
    filter: Vec<(&'static str, String)>,
    parent: Option<usize>,
}

fn pages() -> Vec<Page> {
    let mut pages = vec![Page {
        id: "page-crypto".to_owned(),
        name: "Crypto".to_owned(),
        slug: "crypto".to_owned(),
        path: "/crypto".to_owned(),
        filter: vec![("category", "crypto".to_owned())],
        parent: None,
    }];
    for (value, label) in ASSETS {
        pages.push(Page {
            id: format!("page-crypto-{value}"),
            name: (*label).to_owned(),
            slug: (*value).to_owned(),
            path: format!("/crypto/{value}"),
            filter: vec![
                ("category", "crypto".to_owned()),
                ("asset", (*value).to_owned()),
            ],
            parent: Some(0),
        });
    }
    pages.push(Page {
        id: "page-economics".to_owned(),
        name: "Economics".to_owned(),
        slug: "economics".to_owned(),
        path: "/economics".to_owned(),
        filter: vec![("category", "economics".to_owned())],
        parent: None,
    });
    pages
}

fn crumb(page: &Page) -> Value {
    json!({ "name": page.name, "slug": page.slug, "path": page.path })
}

fn page_json(pages: &[Page], index: usize) -> Value {
    let page = &pages[index];
    let mut breadcrumb = vec![crumb(page)];
    let mut parent = page.parent;
    while let Some(i) = parent {
        breadcrumb.insert(0, crumb(&pages[i]));
        parent = pages[i].parent;
    }
    let base_filter: serde_json::Map<String, Value> = page
        .filter
        .iter()
        .map(|(k, v)| ((*k).to_owned(), Value::from(v.as_str())))
        .collect();
    // Pages that are not yet narrowed to one asset offer the asset filter.
    let offers_assets = matches!(page.filter.as_slice(), [("category", v)] if v == "crypto");
    let filter_groups = if !offers_assets {
        Vec::new()
    } else {
        vec![json!({
            "name": "Asset",
            "slug": "asset",
            "allowMultiple": true,
            "presentation": "chips",
            "options": ASSETS
                .iter()
                .map(|(value, label)| json!({ "label": label, "value": value, "metadata": {} }))
                .collect::<Vec<_>>(),
            // An object: the official SDKs type `source` as one (Python
            // `Optional[Dict[str, Any]]`, TS `Record<string, unknown>`) and
            // refuse a string. The keys inside are the sandbox's own (the
            // property key the options come from); no source shows them.
            "source": { "type": "property", "propertyKeyId": "pk-asset", "slug": "asset" },
        })]
    };
    json!({
        "id": page.id,
        "name": page.name,
        "slug": page.slug,
        "fullPath": page.path,
        "description": format!("{} markets in the sandbox.", page.name),
        "baseFilter": base_filter,
        "filterGroups": filter_groups,
        "metadata": {},
        "breadcrumb": breadcrumb,
    })
}

pub(super) async fn navigation(_: Metered) -> ApiJson<Value> {
    let pages = pages();
    let node = |i: usize, children: Vec<Value>| {
        let page = &pages[i];
        json!({
            "id": page.id,
            "name": page.name,
            "slug": page.slug,
            "path": page.path,
            "icon": format!("https://sandbox.invalid/icons/{}.svg", page.slug),
            "children": children,
        })
    };
    let tree: Vec<Value> = (0..pages.len())
        .filter(|i| pages[*i].parent.is_none())
        .map(|root| {
            let children = (0..pages.len())
                .filter(|i| pages[*i].parent == Some(root))
                .map(|i| node(i, Vec::new()))
                .collect();
            node(root, children)
        })
        .collect();
    ApiJson(Value::Array(tree))
}

#[derive(Debug, Deserialize)]
pub(super) struct ByPathQuery {
    path: Option<String>,
}

pub(super) async fn by_path(
    params: Result<Query<ByPathQuery>, QueryRejection>,
    _: Metered,
) -> Result<Response, ApiError> {
    let params = super::query(params)?;
    let path = params
        .path
        .filter(|p| !p.trim().is_empty())
        .ok_or_else(|| ApiError::bad_request("path is required, e.g. ?path=/crypto"))?;
    if let Some((_, to)) = REDIRECTS.iter().find(|(from, _)| *from == path) {
        let mut response = (
            StatusCode::MOVED_PERMANENTLY,
            ApiJson(json!({
                "message": format!("market page {path} moved to {to}"),
                "statusCode": 301,
                "location": to,
            })),
        )
            .into_response();
        response
            .headers_mut()
            .insert(header::LOCATION, HeaderValue::from_static(to));
        return Ok(response);
    }
    let pages = pages();
    let index = pages.iter().position(|p| p.path == path).ok_or_else(|| {
        ApiError::not_found(format!(
            "no market page at {path:?}; GET /navigation lists the pages"
        ))
    })?;
    Ok(ApiJson(page_json(&pages, index)).into_response())
}

/// How a markets request pages: by number, or by cursor when one is sent.
enum Paging {
    Number(i64),
    Cursor(usize),
}

fn encode_cursor(offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("offset:{offset}"))
}

fn decode_cursor(cursor: &str) -> Result<usize, ApiError> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|t| t.strip_prefix("offset:").and_then(|n| n.parse().ok()))
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "cursor {cursor:?} is not one this server issued; pass cursor.nextCursor from the previous page, or an empty cursor for the first"
            ))
        })
}

fn has(market: &MarketRecord, key: &str, value: &str) -> bool {
    market
        .properties
        .iter()
        .any(|(k, v)| k == key && v == value)
}

pub(super) async fn page_markets(
    State(app): State<App>,
    path: Result<Path<String>, PathRejection>,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
    _: Metered,
) -> Result<ApiJson<Value>, ApiError> {
    let page_id = super::path(path)?;
    let params = super::query(params)?;
    let pages = pages();
    let page = pages.iter().find(|p| p.id == page_id).ok_or_else(|| {
        ApiError::not_found(format!(
            "no market page with id {page_id:?}; find pages with GET /market-pages/by-path"
        ))
    })?;
    let (mut number, mut limit, mut sort, mut cursor) = (None, None, None, None);
    // Filters: property key → accepted values (a repeated key adds one).
    let mut filters: Vec<(String, Vec<String>)> = Vec::new();
    for (key, value) in params {
        match key.as_str() {
            "page" => number = Some(value),
            "limit" => limit = Some(value),
            "sort" => sort = Some(value),
            "cursor" => cursor = Some(value),
            "category" | "asset" => match filters.iter_mut().find(|(k, _)| *k == key) {
                Some((_, values)) => values.push(value),
                None => filters.push((key, vec![value])),
            },
            other => {
                return Err(ApiError::bad_request(format!(
                    "unknown filter {other:?}: filter on property keys (category, asset; see GET /property-keys), or use page, limit, sort, cursor"
                )));
            }
        }
    }
    let limit = positive("limit", limit.as_deref())?.unwrap_or(DEFAULT_LIMIT);
    if limit > MAX_LIMIT {
        return Err(ApiError::bad_request(format!(
            "limit must be at most {MAX_LIMIT}, got {limit}"
        )));
    }
    let sort = sort.unwrap_or_else(|| "id".to_owned());
    if !SORTS.contains(&sort.as_str()) {
        return Err(ApiError::bad_request(format!(
            "sort must be one of {}, got {sort:?}",
            SORTS.join(", ")
        )));
    }
    let paging = match (cursor, number) {
        (Some(_), Some(_)) => {
            return Err(ApiError::bad_request(
                "send page or cursor, not both: cursor paging starts with an empty cursor",
            ));
        }
        (Some(cursor), None) if cursor.is_empty() => Paging::Cursor(0),
        (Some(cursor), None) => Paging::Cursor(decode_cursor(&cursor)?),
        (None, number) => Paging::Number(positive("page", number.as_deref())?.unwrap_or(1)),
    };

    let state = app.lock();
    let mut markets: Vec<&MarketRecord> = state
        .markets
        .iter()
        .filter(|m| page.filter.iter().all(|(k, v)| has(m, k, v)))
        .filter(|m| {
            filters
                .iter()
                .all(|(k, values)| values.iter().any(|v| has(m, k, v)))
        })
        .collect();
    let (field, descending) = match sort.strip_prefix('-') {
        Some(field) => (field, true),
        None => (sort.as_str(), false),
    };
    // createdAt and updatedAt follow the id: seeded markets were made in
    // id order and never change.
    markets.sort_by_key(|m| match field {
        "deadline" => (m.expiration_ms, m.id),
        _ => (m.id, 0),
    });
    if descending {
        markets.reverse();
    }
    let total = markets.len();
    let limit_n = usize::try_from(limit).unwrap_or(usize::MAX);
    let offset = match paging {
        Paging::Number(n) => usize::try_from(n - 1)
            .unwrap_or(usize::MAX)
            .saturating_mul(limit_n),
        Paging::Cursor(offset) => offset,
    };
    let data: Vec<Value> = markets
        .iter()
        .skip(offset)
        .take(limit_n)
        .map(|m| m.json.clone())
        .collect();
    Ok(ApiJson(match paging {
        Paging::Number(n) => json!({
            "data": data,
            "pagination": {
                "page": n,
                "limit": limit,
                "total": total,
                "totalPages": total.div_ceil(limit_n),
            },
        }),
        Paging::Cursor(_) => {
            let next = offset.saturating_add(limit_n);
            json!({
                "data": data,
                "cursor": { "nextCursor": (next < total).then(|| encode_cursor(next)) },
            })
        }
    }))
}

fn option_json(id: &str, key_id: &str, value: &str, label: &str, order: usize) -> Value {
    json!({
        "id": id,
        "propertyKeyId": key_id,
        "value": value,
        "label": label,
        "sortOrder": order,
        "parentOptionId": if key_id == "pk-asset" { Value::from("po-category-crypto") } else { Value::Null },
        "metadata": {},
        "createdAt": SEEDED_AT,
        "updatedAt": SEEDED_AT,
    })
}

fn property_keys() -> Vec<Value> {
    let categories: Vec<Value> = [
        ("crypto", "Crypto"),
        ("economics", "Economics"),
        ("other", "Other"),
    ]
    .iter()
    .enumerate()
    .map(|(i, (value, label))| {
        option_json(
            &format!("po-category-{value}"),
            "pk-category",
            value,
            label,
            i,
        )
    })
    .collect();
    let assets: Vec<Value> = ASSETS
        .iter()
        .enumerate()
        .map(|(i, (value, label))| {
            option_json(&format!("po-asset-{value}"), "pk-asset", value, label, i)
        })
        .collect();
    let key = |id: &str, name: &str, slug: &str, options: Vec<Value>| {
        json!({
            "id": id,
            "name": name,
            "slug": slug,
            "type": "select",
            "metadata": {},
            "isSystem": true,
            "options": options,
            "createdAt": SEEDED_AT,
            "updatedAt": SEEDED_AT,
        })
    };
    vec![
        key("pk-category", "Category", "category", categories),
        key("pk-asset", "Asset", "asset", assets),
    ]
}

pub(super) async fn list_property_keys(_: Metered) -> ApiJson<Value> {
    ApiJson(Value::Array(property_keys()))
}

fn property_key(id: &str) -> Result<Value, ApiError> {
    property_keys()
        .into_iter()
        .find(|k| k["id"] == id)
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "no property key {id:?}; GET /property-keys lists them"
            ))
        })
}

pub(super) async fn get_property_key(
    path: Result<Path<String>, PathRejection>,
    _: Metered,
) -> Result<ApiJson<Value>, ApiError> {
    let id = super::path(path)?;
    property_key(&id).map(ApiJson)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct OptionsQuery {
    parent_id: Option<String>,
}

pub(super) async fn property_options(
    path: Result<Path<String>, PathRejection>,
    params: Result<Query<OptionsQuery>, QueryRejection>,
    _: Metered,
) -> Result<ApiJson<Value>, ApiError> {
    let id = super::path(path)?;
    let params = super::query(params)?;
    let key = property_key(&id)?;
    let options = key["options"].as_array().cloned().unwrap_or_default();
    let options = match params.parent_id.as_deref().filter(|p| !p.is_empty()) {
        Some(parent) => options
            .into_iter()
            .filter(|o| o["parentOptionId"] == parent)
            .collect(),
        None => options,
    };
    Ok(ApiJson(Value::Array(options)))
}
