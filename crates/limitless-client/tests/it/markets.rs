//! `client.markets`: public reads, which still send configured credentials.

use limitless_client::{ActiveMarketsParams, Decimal, MarketSort};
use serde_json::json;
use wiremock::ResponseTemplate;

use crate::support::{
    Harness, QueryIs, anonymous_mock, api_key_mock, assert_invalid, hmac_mock, market_json,
};

#[tokio::test]
async fn get_market_without_credentials_sends_no_auth_header() {
    let h = Harness::anonymous().await;
    anonymous_mock("GET", "/markets/btc-above-100k")
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(market_json("btc-above-100k", Some("COLLATERAL"))),
        )
        .expect(1)
        .mount(&h.server)
        .await;
    let market = h.client.markets.get_market("btc-above-100k").await.unwrap();
    assert_eq!(market.id, 4821);
    assert_eq!(market.slug, "btc-above-100k");
    assert!(market.venue.unwrap().is_collateral_fee());
}

#[tokio::test]
async fn public_reads_send_configured_credentials() {
    let h = Harness::hmac().await;
    hmac_mock("GET", "/markets/with%20space%2Fslash")
        .respond_with(
            ResponseTemplate::new(200).set_body_json(market_json("with space/slash", None)),
        )
        .expect(1)
        .mount(&h.server)
        .await;
    let market = h
        .client
        .markets
        .get_market("with space/slash")
        .await
        .unwrap();
    assert_eq!(market.title.as_deref(), Some("Will BTC close above $100k?"));

    let h = Harness::api_key().await;
    api_key_mock("GET", "/markets/active")
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": [], "totalMarketsCount": 0})),
        )
        .expect(1)
        .mount(&h.server)
        .await;
    h.client.markets.get_active_markets(None).await.unwrap();
}

#[tokio::test]
async fn get_active_markets_query_order() {
    let h = Harness::anonymous().await;
    anonymous_mock("GET", "/markets/active")
        .and(QueryIs::some("limit=10&page=2&sortBy=ending_soon"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": [market_json("a", None), market_json("b", Some("COLLATERAL"))],
            "totalMarketsCount": "57"
        })))
        .expect(1)
        .mount(&h.server)
        .await;
    anonymous_mock("GET", "/markets/active")
        .and(QueryIs::none())
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": [], "totalMarketsCount": 0})),
        )
        .expect(1)
        .mount(&h.server)
        .await;
    let params = ActiveMarketsParams {
        limit: Some(10),
        page: Some(2),
        sort_by: Some(MarketSort::EndingSoon),
    };
    let page = h
        .client
        .markets
        .get_active_markets(Some(&params))
        .await
        .unwrap();
    assert_eq!(page.total_markets_count, 57);
    assert_eq!(page.data.len(), 2);
    let empty = h.client.markets.get_active_markets(None).await.unwrap();
    assert!(empty.data.is_empty());
}

#[tokio::test]
async fn get_order_book_decodes_exact_prices_and_micro_share_sizes() {
    let h = Harness::anonymous().await;
    anonymous_mock("GET", "/markets/btc-above-100k/orderbook")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "bids": [{"price": 0.55, "size": 120500000, "side": "BUY"}],
            "asks": [{"price": "0.56", "size": "10000000", "side": "SELL"}],
            "tokenId": "123",
            "adjustedMidpoint": 0.555,
            "maxSpread": "0.05",
            "minSize": "1",
            "lastTradePrice": null
        })))
        .expect(1)
        .mount(&h.server)
        .await;
    let book = h
        .client
        .markets
        .get_order_book("btc-above-100k")
        .await
        .unwrap();
    assert_eq!(book.bids[0].price, Decimal::new(55, 2));
    // Sizes are micro-shares on the wire: 120.5 shares.
    assert_eq!(book.bids[0].size.as_micro(), 120_500_000);
    assert_eq!(book.bids[0].size.to_shares(), Decimal::new(1205, 1));
    assert_eq!(book.asks[0].size.to_shares(), Decimal::from(10));
    assert_eq!(book.asks[0].price, Decimal::new(56, 2));
    assert_eq!(book.token_id, "123");
    assert_eq!(book.last_trade_price, None);
}

#[tokio::test]
async fn market_validation() {
    let h = Harness::anonymous().await;
    assert_invalid(
        &h.client.markets.get_market(" ").await.unwrap_err(),
        "market_slug must not be blank",
    );
    assert_invalid(
        &h.client.markets.get_order_book("").await.unwrap_err(),
        "slug must not be blank",
    );
    let zero_limit = ActiveMarketsParams {
        limit: Some(0),
        ..Default::default()
    };
    assert_invalid(
        &h.client
            .markets
            .get_active_markets(Some(&zero_limit))
            .await
            .unwrap_err(),
        "limit",
    );
    let zero_page = ActiveMarketsParams {
        page: Some(0),
        ..Default::default()
    };
    assert_invalid(
        &h.client
            .markets
            .get_active_markets(Some(&zero_page))
            .await
            .unwrap_err(),
        "page",
    );
    h.assert_no_requests().await;
}

#[tokio::test]
async fn search_markets_sends_the_query_in_the_spec_order_and_decodes_the_page() {
    let h = Harness::hmac().await;
    hmac_mock("GET", "/markets/search")
        .and(QueryIs::some(
            "query=btc+above&limit=2&page=1&similarityThreshold=0.6",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "markets": [market_json("btc-above-100k", None)],
            "totalMarketsCount": 4,
            "noExactMatch": false
        })))
        .expect(1)
        .mount(&h.server)
        .await;
    let params = limitless_client::MarketSearchParams {
        query: "btc above".into(),
        limit: Some(2),
        page: Some(1),
        similarity_threshold: Some(Decimal::new(6, 1)),
    };
    let page = h.client.markets.search_markets(&params).await.unwrap();
    assert_eq!(page.markets[0].slug, "btc-above-100k");
    // What the API reports, even when it differs from the page's length.
    assert_eq!(page.total_markets_count, Some(4));
    assert_eq!(page.no_exact_match, Some(false));
}

#[tokio::test]
async fn get_price_history_sends_the_range_and_reads_one_series_or_many() {
    let h = Harness::anonymous().await;
    anonymous_mock("GET", "/markets/btc-above-100k/historical-price")
        .and(QueryIs::some(
            "from=2026-01-01T00%3A00%3A00Z&to=2026-01-02T00%3A00%3A00Z&interval=1h",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "title": "BTC above 100k",
            "prices": [{"timestamp": "1767225600000", "price": 0.43}],
            "marketStatus": "FUNDED"
        })))
        .expect(1)
        .mount(&h.server)
        .await;
    anonymous_mock("GET", "/markets/group/historical-price")
        .and(QueryIs::none())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"title": "A", "prices": [{"timestamp": "1", "price": 0.1}]},
            {"title": "B", "prices": []}
        ])))
        .expect(1)
        .mount(&h.server)
        .await;
    let params = limitless_client::PriceHistoryParams {
        from: Some("2026-01-01T00:00:00Z".into()),
        to: Some("2026-01-02T00:00:00Z".into()),
        interval: Some(limitless_client::PriceInterval::Hour),
    };
    let history = h
        .client
        .markets
        .get_price_history("btc-above-100k", Some(&params))
        .await
        .unwrap();
    assert_eq!(history.series.len(), 1);
    assert_eq!(history.series[0].prices[0].price, Some(Decimal::new(43, 2)));
    assert_eq!(
        history.series[0].prices[0].timestamp,
        Some(1_767_225_600_000)
    );
    let group = h
        .client
        .markets
        .get_price_history("group", None)
        .await
        .unwrap();
    assert_eq!(group.series.len(), 2);
}

#[tokio::test]
async fn search_and_price_history_validation() {
    let h = Harness::anonymous().await;
    let search =
        |params: limitless_client::MarketSearchParams| h.client.markets.search_markets(&params);
    assert_invalid(
        &search(limitless_client::MarketSearchParams::new("  "))
            .await
            .unwrap_err(),
        "query must not be blank",
    );
    let mut zero = limitless_client::MarketSearchParams::new("btc");
    zero.limit = Some(0);
    assert_invalid(&search(zero).await.unwrap_err(), "limit");
    let mut first = limitless_client::MarketSearchParams::new("btc");
    first.page = Some(0);
    assert_invalid(&search(first).await.unwrap_err(), "page");
    let mut threshold = limitless_client::MarketSearchParams::new("btc");
    threshold.similarity_threshold = Some(Decimal::new(11, 1));
    assert_invalid(
        &search(threshold).await.unwrap_err(),
        "similarity_threshold must be 0 to 1, got 1.1",
    );

    let history = |from: &str, to: &str| limitless_client::PriceHistoryParams {
        from: Some(from.into()),
        to: Some(to.into()),
        interval: None,
    };
    let markets = &h.client.markets;
    assert_invalid(
        &markets.get_price_history(" ", None).await.unwrap_err(),
        "market_slug must not be blank",
    );
    assert_invalid(
        &markets
            .get_price_history("btc", Some(&history("yesterday", "2026-01-01T00:00:00Z")))
            .await
            .unwrap_err(),
        "from must be an ISO-8601 instant",
    );
    assert_invalid(
        &markets
            .get_price_history(
                "btc",
                Some(&history("2026-02-01T00:00:00Z", "2026-01-01T00:00:00Z")),
            )
            .await
            .unwrap_err(),
        "from must not be after to",
    );
    h.assert_no_requests().await;
}
