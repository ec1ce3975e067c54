//! Public market reads.

use limitless_types::{ActiveMarketsPage, Market};
use serde_json::Value;

use crate::support::Fixture;

#[tokio::test]
async fn active_markets_decode_and_page() {
    let fx = Fixture::start().await;
    let reply = fx
        .send(fx.http.get(fx.url("/markets/active")))
        .await
        .expect(200);
    let page: ActiveMarketsPage = serde_json::from_value(reply.body.clone()).unwrap();
    // 33 CLOB markets and 2 AMM markets.
    assert_eq!(page.total_markets_count, 35);
    assert_eq!(
        fx.sandbox.markets().len() + fx.sandbox.amm_market_slugs().len(),
        35
    );
    // The default page holds 10.
    assert_eq!(page.data.len(), 10);
    for market in &page.data {
        let seeded = fx.sandbox.market(&market.slug).unwrap();
        let tokens = market.tokens.as_ref().unwrap();
        assert_eq!(tokens.yes, seeded.yes_token_id);
        assert_eq!(tokens.no, seeded.no_token_id);
        assert!(tokens.yes.len() > 60 && tokens.yes.bytes().all(|b| b.is_ascii_digit()));
        assert_eq!(
            market.prices.iter().sum::<limitless_types::Decimal>(),
            limitless_types::Decimal::ONE
        );
    }
    let second = fx
        .send(
            fx.http
                .get(fx.url("/markets/active?limit=2&page=18&sortBy=newest")),
        )
        .await
        .expect(200);
    let data = second.body["data"].as_array().unwrap();
    assert_eq!(data.len(), 1);
    assert_eq!(
        data[0]["id"],
        fx.sandbox.markets()[0].id,
        "newest first, so the oldest is last"
    );
    let bad = fx
        .send(fx.http.get(fx.url("/markets/active?sortBy=cheapest")))
        .await
        .expect(400);
    assert!(bad.message().contains("sortBy"));
    fx.send(fx.http.get(fx.url("/markets/active?limit=26")))
        .await
        .expect(400);
}

#[tokio::test]
async fn venues_distinguish_legacy_and_collateral_fee_markets() {
    let fx = Fixture::start().await;
    let mut legacy = 0;
    let mut collateral = 0;
    for seeded in fx.sandbox.markets() {
        let reply = fx
            .send(fx.http.get(fx.url(&format!("/markets/{}", seeded.slug))))
            .await
            .expect(200);
        let venue = &reply.body["venue"];
        assert!(venue["exchange"].as_str().unwrap().starts_with("0x"));
        if venue["adapter"].is_null() && venue.get("feeModuleType").is_none() {
            legacy += 1;
        }
        if venue["feeModuleType"] == "COLLATERAL" {
            assert!(venue["feeModule"].as_str().unwrap().starts_with("0x"));
            collateral += 1;
        }
        for field in [
            "id",
            "slug",
            "title",
            "collateralToken",
            "expirationDate",
            "expirationTimestamp",
            "createdAt",
            "updatedAt",
            "categories",
            "status",
            "creator",
            "tags",
            "tradeType",
            "marketType",
            "priorityIndex",
            "metadata",
        ] {
            assert!(
                !reply.body[field].is_null(),
                "{} lacks {field}",
                seeded.slug
            );
        }
        let market: Market = serde_json::from_value(reply.body.clone()).unwrap();
        assert_eq!(market.id, seeded.id);
        assert_eq!(
            market.venue.unwrap().is_collateral_fee(),
            seeded.venue.is_collateral_fee()
        );
    }
    assert_eq!((legacy, collateral), (31, 1));

    let missing = fx
        .send(fx.http.get(fx.url("/markets/no-such-market")))
        .await
        .expect(404);
    assert!(missing.message().contains("no-such-market"));
    assert_eq!(missing.body["error"], "Not Found");
    let route = fx.send(fx.http.get(fx.url("/nope"))).await.expect(404);
    assert_eq!(route.body["statusCode"], 404);
    let method = fx.send(fx.http.put(fx.url("/orders"))).await.expect(405);
    assert_eq!(method.body["error"], "Method Not Allowed");
}

#[tokio::test]
async fn public_reads_tolerate_auth_headers_and_carry_a_date() {
    let fx = Fixture::start().await;
    let reply = fx
        .send(
            fx.http
                .get(fx.url(&format!(
                    "/markets/{}/orderbook",
                    fx.sandbox.markets()[0].slug
                )))
                .header("lmts-api-key", "whatever")
                .header("X-API-Key", "legacy"),
        )
        .await
        .expect(200);
    assert_eq!(reply.body["bids"], Value::Array(Vec::new()));
    assert_eq!(
        reply.body["tokenId"],
        fx.sandbox.markets()[0].yes_token_id.as_str()
    );
    assert!(reply.headers.contains_key("date"));
    assert!(fx.sandbox.request_count() >= 1);
}

#[tokio::test]
async fn amm_markets_are_listed_and_readable_by_slug_or_address() {
    let fx = Fixture::start().await;
    // The default order (priority) lists them after the CLOB markets.
    let last = fx
        .send(fx.http.get(fx.url("/markets/active?limit=25&page=2")))
        .await
        .expect(200);
    let page: ActiveMarketsPage = serde_json::from_value(last.body.clone()).unwrap();
    let amm: Vec<&Market> = page
        .data
        .iter()
        .filter(|m| m.trade_type.as_deref() == Some("amm"))
        .collect();
    let slugs: Vec<&str> = amm.iter().map(|m| m.slug.as_str()).collect();
    assert_eq!(slugs, fx.sandbox.amm_market_slugs());
    let clob_ids: Vec<i64> = fx.sandbox.markets().iter().map(|m| m.id).collect();
    for (market, raw) in amm.iter().zip(
        last.body["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["tradeType"] == "amm"),
    ) {
        assert!(!clob_ids.contains(&market.id), "ids are unique");
        // The shape of the real AMM markets: an FPMM address, no tokens,
        // no venue; plus what the official SDKs' models require.
        let address = raw["address"].as_str().unwrap();
        assert!(address.starts_with("0x") && address.len() == 42);
        for absent in ["tokens", "venue", "positionIds", "settings"] {
            assert!(raw.get(absent).is_none(), "{absent}: {raw}");
        }
        assert_eq!(raw["metadata"]["fee"], false);
        assert!(raw["updatedAt"].is_string() && raw["liquidity"].is_string());
        assert_eq!(
            market.prices.iter().sum::<limitless_types::Decimal>(),
            limitless_types::Decimal::ONE
        );

        // Readable by slug and by address, the same market.
        let by_slug = fx
            .send(fx.http.get(fx.url(&format!("/markets/{}", market.slug))))
            .await
            .expect(200);
        let by_address = fx
            .send(
                fx.http
                    .get(fx.url(&format!("/markets/{}", address.to_lowercase()))),
            )
            .await
            .expect(200);
        assert_eq!(&by_slug.body, raw);
        assert_eq!(by_address.body, by_slug.body);
        // An AMM market has no order book.
        fx.send(
            fx.http
                .get(fx.url(&format!("/markets/{}/orderbook", market.slug))),
        )
        .await
        .expect(404);
    }
    // The first (YES 0.40) market's prices follow its pool.
    let first = fx
        .send(fx.http.get(fx.url("/markets/amm-eth-above-4k")))
        .await
        .expect(200);
    assert_eq!(first.body["prices"], serde_json::json!([0.4, 0.6]));
    assert_eq!(fx.sandbox.amm_price("amm-eth-above-4k", 0), Some(400_000));
}

#[tokio::test]
async fn search_finds_markets_by_every_word_and_pages() {
    let fx = Fixture::start().await;
    let seeded = fx.sandbox.markets()[0].clone();
    let word = seeded.slug.split('-').next().unwrap().to_owned();
    let reply = fx
        .send(
            fx.http
                .get(fx.url(&format!("/markets/search?query={word}&limit=25"))),
        )
        .await
        .expect(200);
    let page: limitless_types::MarketSearchPage =
        serde_json::from_value(reply.body.clone()).unwrap();
    assert!(page.markets.iter().any(|m| m.slug == seeded.slug), "{word}");
    for market in &page.markets {
        let text = format!(
            "{} {}",
            market.slug,
            market.title.clone().unwrap_or_default()
        );
        assert!(text.to_lowercase().contains(&word), "{text}");
    }
    let total = page.total_markets_count.unwrap();
    assert_eq!(total, page.markets.len() as u64);
    assert_eq!(reply.body["noExactMatch"], false);

    // Every word must match; page 2 of one a page is the second match.
    if total > 1 {
        let second = fx
            .send(
                fx.http
                    .get(fx.url(&format!("/markets/search?query={word}&limit=1&page=2"))),
            )
            .await
            .expect(200);
        assert_eq!(second.body["markets"].as_array().unwrap().len(), 1);
        assert_eq!(
            second.body["markets"][0]["slug"],
            reply.body["markets"][1]["slug"]
        );
    }
    let none = fx
        .send(
            fx.http
                .get(fx.url(&format!("/markets/search?query={word}+zzzz"))),
        )
        .await
        .expect(200);
    assert_eq!(none.body["markets"], serde_json::json!([]));
    assert_eq!(none.body["noExactMatch"], true);

    for bad in [
        "",
        "?query=",
        "?query=btc&limit=0",
        "?query=btc&similarityThreshold=1.5",
    ] {
        fx.send(fx.http.get(fx.url(&format!("/markets/search{bad}"))))
            .await
            .expect(400);
    }
}

#[tokio::test]
async fn price_history_is_one_series_at_the_book_midpoint() {
    let fx = Fixture::start().await;
    let seeded = fx.sandbox.markets()[0].clone();
    let path = format!("/markets/{}/historical-price", seeded.slug);
    let reply = fx.send(fx.http.get(fx.url(&path))).await.expect(200);
    let history: limitless_types::PriceHistory =
        serde_json::from_value(reply.body.clone()).unwrap();
    assert_eq!(history.series.len(), 1);
    let series = &history.series[0];
    assert_eq!(series.title.as_deref(), Some(seeded.title.as_str()));
    assert_eq!(series.market_status.as_deref(), Some("FUNDED"));
    // The book is empty: its midpoint is the market's YES price.
    let market = fx
        .send(fx.http.get(fx.url(&format!("/markets/{}", seeded.slug))))
        .await
        .expect(200);
    let market: Market = serde_json::from_value(market.body).unwrap();
    assert_eq!(series.prices[0].price, Some(market.prices[0]));
    // The timestamp is a string of Unix milliseconds, as the API sends it.
    assert!(reply.body["prices"][0]["timestamp"].is_string());

    let past = fx
        .send(fx.http.get(fx.url(&format!(
            "{path}?from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z&interval=1d"
        ))))
        .await
        .expect(200);
    assert_eq!(past.body["prices"], serde_json::json!([]));
    fx.send(fx.http.get(fx.url(&format!("{path}?interval=2h"))))
        .await
        .expect(400);
    fx.send(fx.http.get(fx.url(&format!("{path}?from=yesterday"))))
        .await
        .expect(400);
    fx.send(
        fx.http
            .get(fx.url("/markets/no-such-market/historical-price")),
    )
    .await
    .expect(404);
}
