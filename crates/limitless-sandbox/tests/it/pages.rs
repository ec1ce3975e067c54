//! Market pages, navigation, property keys, and paging through the seeded
//! markets.

use reqwest::redirect::Policy;
use serde_json::{Value, json};

use crate::support::Fixture;

async fn get(fx: &Fixture, path: &str) -> Value {
    fx.send(fx.http.get(fx.url(path))).await.expect(200).body
}

#[tokio::test]
async fn active_markets_have_several_pages() {
    let fx = Fixture::start().await;
    let mut seen = Vec::new();
    for page in 1..=4 {
        let body = get(&fx, &format!("/markets/active?limit=10&page={page}")).await;
        // 33 CLOB and 2 AMM markets.
        assert_eq!(body["totalMarketsCount"], 35);
        let data = body["data"].as_array().unwrap();
        assert_eq!(data.len(), if page < 4 { 10 } else { 5 }, "page {page}");
        seen.extend(data.iter().map(|m| m["slug"].as_str().unwrap().to_owned()));
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 35, "pages neither overlap nor skip");
    let past = get(&fx, "/markets/active?limit=10&page=5").await;
    assert_eq!(past["data"], json!([]));
}

#[tokio::test]
async fn navigation_and_pages_by_path() {
    let fx = Fixture::start().await;
    let nav = get(&fx, "/navigation").await;
    let roots = nav.as_array().unwrap();
    assert_eq!(roots.len(), 2);
    assert_eq!(roots[0]["path"], "/crypto");
    assert_eq!(roots[0]["children"].as_array().unwrap().len(), 6);
    assert_eq!(roots[0]["children"][0]["path"], "/crypto/btc");
    assert_eq!(roots[1]["children"], json!([]));
    for node in roots {
        for key in ["id", "name", "slug", "path", "icon"] {
            assert!(node[key].is_string(), "{key}: {node}");
        }
    }

    let page = get(&fx, "/market-pages/by-path?path=/crypto/btc").await;
    assert_eq!(
        page,
        json!({
            "id": "page-crypto-btc",
            "name": "BTC",
            "slug": "btc",
            "fullPath": "/crypto/btc",
            "description": "BTC markets in the sandbox.",
            "baseFilter": { "category": "crypto", "asset": "btc" },
            "filterGroups": [],
            "metadata": {},
            "breadcrumb": [
                { "name": "Crypto", "slug": "crypto", "path": "/crypto" },
                { "name": "BTC", "slug": "btc", "path": "/crypto/btc" },
            ],
        })
    );
    let crypto = get(&fx, "/market-pages/by-path?path=%2Fcrypto").await;
    assert_eq!(crypto["filterGroups"][0]["slug"], "asset");
    assert_eq!(crypto["filterGroups"][0]["options"][1]["value"], "eth");
    // The official SDKs' models require an object here.
    assert_eq!(
        crypto["filterGroups"][0]["source"],
        json!({ "type": "property", "propertyKeyId": "pk-asset", "slug": "asset" })
    );

    let missing = fx
        .send(fx.http.get(fx.url("/market-pages/by-path?path=/nowhere")))
        .await
        .expect(404);
    assert_eq!(missing.body["statusCode"], 404);
    fx.send(fx.http.get(fx.url("/market-pages/by-path")))
        .await
        .expect(400);
}

#[tokio::test]
async fn old_paths_redirect_with_a_location() {
    let fx = Fixture::start().await;
    let manual = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    for (from, to) in [
        ("/cryptocurrency", "/market-pages/by-path?path=%2Fcrypto"),
        ("/crypto/bitcoin", "/crypto/btc"),
        ("/coins", "/market-pages/by-path?path=%2Fcryptocurrency"),
        ("/loop-a", "/loop-b"),
    ] {
        let reply = fx
            .send(manual.get(fx.url(&format!("/market-pages/by-path?path={from}"))))
            .await
            .expect(301);
        assert_eq!(reply.headers["location"], to, "{from}");
        assert_eq!(reply.body["statusCode"], 301);
    }
    // A client that follows a by-path Location lands on the page, over
    // two hops for /coins.
    let followed = fx
        .send(fx.http.get(fx.url("/market-pages/by-path?path=/coins")))
        .await
        .expect(200);
    assert_eq!(followed.body["fullPath"], "/crypto");
}

#[tokio::test]
async fn page_markets_page_by_number_or_cursor_and_filter() {
    let fx = Fixture::start().await;
    let first = get(&fx, "/market-pages/page-crypto/markets?page=1&limit=10").await;
    assert_eq!(
        first["pagination"],
        json!({ "page": 1, "limit": 10, "total": 32, "totalPages": 4 })
    );
    assert!(first.get("cursor").is_none());
    assert_eq!(first["data"].as_array().unwrap().len(), 10);
    assert!(
        first["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["categories"] == json!(["Crypto"]))
    );

    // Repeated keys filter on any of their values.
    let two = get(
        &fx,
        "/market-pages/page-crypto/markets?asset=btc&asset=eth&limit=25&sort=-id",
    )
    .await;
    let data = two["data"].as_array().unwrap();
    assert_eq!(two["pagination"]["total"], 12);
    assert_eq!(data.len(), 12);
    let ids: Vec<i64> = data.iter().map(|m| m["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "{ids:?}");
    assert!(data.iter().all(|m| {
        let slug = m["slug"].as_str().unwrap();
        slug.starts_with("btc-") || slug.starts_with("eth-")
    }));
    let btc_page = get(&fx, "/market-pages/page-crypto-btc/markets").await;
    assert_eq!(btc_page["pagination"]["total"], 6);

    // Cursor paging: an empty cursor starts, nextCursor goes on, null ends.
    let mut cursor = String::new();
    let mut slugs = Vec::new();
    let mut pages = 0;
    loop {
        let body = get(
            &fx,
            &format!("/market-pages/page-crypto/markets?limit=10&sort=deadline&cursor={cursor}"),
        )
        .await;
        assert!(body.get("pagination").is_none());
        pages += 1;
        slugs.extend(
            body["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["slug"].as_str().unwrap().to_owned()),
        );
        match &body["cursor"]["nextCursor"] {
            Value::String(next) => cursor.clone_from(next),
            Value::Null => break,
            other => panic!("nextCursor {other}"),
        }
    }
    assert_eq!(pages, 4);
    let before = slugs.len();
    slugs.sort();
    slugs.dedup();
    assert_eq!((before, slugs.len()), (32, 32));

    for bad in [
        "limit=26",
        "sort=price",
        "colour=red",
        "page=2&cursor=",
        "cursor=garbage!",
    ] {
        let reply = fx
            .send(
                fx.http
                    .get(fx.url(&format!("/market-pages/page-crypto/markets?{bad}"))),
            )
            .await
            .expect(400);
        assert_eq!(reply.body["statusCode"], 400, "{bad}");
    }
    fx.send(fx.http.get(fx.url("/market-pages/nope/markets")))
        .await
        .expect(404);
}

#[tokio::test]
async fn property_keys_and_their_options() {
    let fx = Fixture::start().await;
    let keys = get(&fx, "/property-keys").await;
    let keys = keys.as_array().unwrap();
    assert_eq!(keys.len(), 2);
    for key in keys {
        for field in ["id", "name", "slug", "type", "createdAt", "updatedAt"] {
            assert!(key[field].is_string(), "{field}: {key}");
        }
        assert!(key["isSystem"].is_boolean());
        assert!(key["metadata"].is_object());
    }
    let asset = get(&fx, "/property-keys/pk-asset").await;
    assert_eq!(asset["slug"], "asset");
    assert_eq!(asset["options"].as_array().unwrap().len(), 6);
    let options = get(&fx, "/property-keys/pk-asset/options").await;
    assert_eq!(options[0]["value"], "btc");
    assert_eq!(options[0]["propertyKeyId"], "pk-asset");
    assert_eq!(options[0]["sortOrder"], 0);
    let children = get(
        &fx,
        "/property-keys/pk-asset/options?parentId=po-category-crypto",
    )
    .await;
    assert_eq!(children.as_array().unwrap().len(), 6);
    let none = get(
        &fx,
        "/property-keys/pk-asset/options?parentId=po-category-economics",
    )
    .await;
    assert_eq!(none, json!([]));
    let categories = get(&fx, "/property-keys/pk-category/options").await;
    assert!(categories[0]["parentOptionId"].is_null());
    fx.send(fx.http.get(fx.url("/property-keys/pk-nope")))
        .await
        .expect(404);
    fx.send(fx.http.get(fx.url("/property-keys/pk-nope/options")))
        .await
        .expect(404);
}
