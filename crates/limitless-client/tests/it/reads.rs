//! Pagers, reconciliation of unknown outcomes and waiting for allowances,
//! against a scripted transport that records every request.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use limitless_client::{
    ActiveMarketsParams, Client, Error, ListPartnerAccountsParams, OrderOutcome, SentOrder,
    WaitForAllowances,
};
use limitless_transport::test_util::MockTransport;
use serde_json::{Value, json};

use crate::support::{credentials, market_json};

fn client(mock: &MockTransport) -> Client {
    Client::builder()
        .hmac_credentials(credentials())
        .transport(mock.clone())
        .no_retries()
        .build_client()
        .unwrap()
}

fn sent(mock: &MockTransport) -> Vec<String> {
    mock.requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path_and_query()))
        .collect()
}

fn markets_page(slugs: &[&str], total: u64) -> Value {
    let data: Vec<Value> = slugs.iter().map(|slug| market_json(slug, None)).collect();
    json!({"data": data, "totalMarketsCount": total})
}

#[tokio::test]
async fn the_active_markets_pager_walks_every_page_one_at_a_time_and_stops_at_the_last() {
    let mock = MockTransport::new();
    mock.push_json(200, &markets_page(&["a", "b"], 5));
    mock.push_json(200, &markets_page(&["c", "d"], 5));
    mock.push_json(200, &markets_page(&["e"], 5));
    let client = client(&mock);
    let params = ActiveMarketsParams {
        limit: Some(2),
        ..ActiveMarketsParams::default()
    };
    let mut pager = client.markets.active_markets(Some(&params));
    // Nothing is asked before the first item is wanted; one page at a time.
    assert!(mock.requests().is_empty());
    assert_eq!(pager.next().await.unwrap().unwrap().slug, "a");
    assert_eq!(sent(&mock), ["GET /markets/active?limit=2&page=1"]);
    assert_eq!(pager.next().await.unwrap().unwrap().slug, "b");
    assert_eq!(
        mock.requests().len(),
        1,
        "the second page waits until needed"
    );
    let rest: Vec<String> = pager.map(|market| market.unwrap().slug).collect().await;
    assert_eq!(rest, ["c", "d", "e"]);
    assert_eq!(
        sent(&mock),
        [
            "GET /markets/active?limit=2&page=1",
            "GET /markets/active?limit=2&page=2",
            "GET /markets/active?limit=2&page=3",
        ],
        "no request past the last page"
    );
}

#[tokio::test]
async fn a_failed_page_is_the_last_item_and_keeps_what_came_before() {
    let mock = MockTransport::new();
    mock.push_json(200, &markets_page(&["a", "b"], 9));
    mock.push_json(500, &json!({"message": "boom"}));
    mock.push_json(200, &markets_page(&["never"], 9));
    let client = client(&mock);
    let params = ActiveMarketsParams {
        limit: Some(2),
        ..ActiveMarketsParams::default()
    };
    let items: Vec<Result<String, Error>> = client
        .markets
        .active_markets(Some(&params))
        .map(|market| market.map(|m| m.slug))
        .collect()
        .await;
    assert_eq!(items.len(), 3, "{items:?}");
    assert_eq!(items[0].as_deref().unwrap(), "a");
    assert_eq!(items[1].as_deref().unwrap(), "b");
    assert_eq!(items[2].as_ref().unwrap_err().status().unwrap(), 500);
    assert_eq!(mock.requests().len(), 2, "nothing after the failure");
}

#[tokio::test]
async fn a_pager_never_asks_for_more_than_the_api_accepts() {
    let mock = MockTransport::new();
    let client = client(&mock);
    let too_big = ActiveMarketsParams {
        limit: Some(26),
        ..ActiveMarketsParams::default()
    };
    let items: Vec<_> = client
        .markets
        .active_markets(Some(&too_big))
        .collect()
        .await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].as_ref().unwrap_err().field(), Some("limit"));
    // The default page size is the largest the API accepts.
    mock.push_json(200, &markets_page(&[], 0));
    let none: Vec<_> = client.markets.active_markets(None).collect().await;
    assert!(none.is_empty());
    assert_eq!(sent(&mock), ["GET /markets/active?limit=25&page=1"]);
}

#[tokio::test]
async fn the_accounts_pager_follows_has_more() {
    let mock = MockTransport::new();
    let account =
        |id: i64| json!({"profileId": id, "account": format!("0x{id:040x}"), "displayName": "u"});
    mock.push_json(
        200,
        &json!({"data": [account(1), account(2)], "page": 1, "limit": 2, "hasMore": true}),
    );
    mock.push_json(
        200,
        &json!({"data": [account(3)], "page": 2, "limit": 2, "hasMore": false}),
    );
    let client = client(&mock);
    let params = ListPartnerAccountsParams {
        limit: Some(2),
        ..ListPartnerAccountsParams::default()
    };
    let ids: Vec<i64> = client
        .partner_accounts
        .accounts(&params)
        .map(|account| account.unwrap().profile_id)
        .collect()
        .await;
    assert_eq!(ids, [1, 2, 3]);
    assert_eq!(
        sent(&mock),
        [
            "GET /profiles/partner-accounts?limit=2&page=1",
            "GET /profiles/partner-accounts?limit=2&page=2",
        ]
    );
}

fn listed_order(id: &str, salt: u64) -> Value {
    json!({"id": id, "makerAmount": "5500000", "takerAmount": "10000000", "salt": salt.to_string(),
           "tokenId": "123", "side": 0, "status": "LIVE"})
}

#[tokio::test]
async fn reconciling_looks_each_order_up_by_salt_and_never_sends_one() {
    let mock = MockTransport::new();
    // btc for 326: the order with salt 7 is there, salt 8 is not.
    mock.push_json(
        200,
        &json!([listed_order("ord-7", 7), listed_order("ord-1", 1)]),
    );
    // eth for 326: the lookup fails.
    mock.push_json(503, &json!({"message": "busy"}));
    let client = client(&mock);
    let orders = [
        SentOrder::new("btc", 7, None, 326),
        // Without client order ids: looked up by salt.
        SentOrder::new("btc", 8, None, 326),
        SentOrder::new("eth", 9, None, 326),
    ];
    let found = client.delegated_orders.reconcile(&orders).await;
    assert_eq!(
        sent(&mock),
        [
            "GET /markets/btc/user-orders",
            "GET /markets/eth/user-orders",
        ],
        "one read per market and owner, no order sent"
    );
    for request in mock.requests() {
        assert_eq!(
            request.headers["x-on-behalf-of"], "326",
            "the owner travels in the header"
        );
    }
    assert_eq!(found.len(), 3);
    assert_eq!(found[0].placed().unwrap().id, "ord-7");
    assert!(found[1].is_not_placed());
    match &found[2].outcome {
        OrderOutcome::Unknown(error) => assert_eq!(error.status().unwrap(), 503),
        other => panic!("expected unknown, got {other:?}"),
    }
}

fn allowances(missing: u32, submitted: u32, confirmed: u32) -> Value {
    json!({
        "profileId": 2001, "partnerProfileId": 1, "chainId": 8453,
        "walletAddress": "0x315cc0ef8dc30baf40480e9351da8b9258e09cb0",
        "ready": missing == 0 && submitted == 0,
        "summary": {"total": missing + submitted + confirmed, "confirmed": confirmed,
                    "missing": missing, "submitted": submitted, "failed": 0},
        "targets": []
    })
}

#[tokio::test(start_paused = true)]
async fn waiting_for_allowances_retries_once_then_polls_until_ready() {
    let mock = MockTransport::new();
    mock.push_json(200, &allowances(2, 0, 1));
    mock.push_json(200, &allowances(0, 2, 1)); // the retry's answer
    mock.push_json(200, &allowances(0, 2, 1));
    mock.push_json(200, &allowances(0, 1, 2));
    mock.push_json(200, &allowances(0, 0, 3));
    let client = client(&mock);
    let changes = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&changes);
    let wait = WaitForAllowances::new().on_change(move |state| {
        seen.lock().unwrap().push(state.summary.confirmed);
    });
    let ready = client
        .partner_accounts
        .wait_until_ready(2001, &wait)
        .await
        .unwrap();
    assert!(ready.ready);
    assert_eq!(
        sent(&mock),
        [
            "GET /profiles/partner-accounts/2001/allowances",
            "POST /profiles/partner-accounts/2001/allowances/retry",
            "GET /profiles/partner-accounts/2001/allowances",
            "GET /profiles/partner-accounts/2001/allowances",
            "GET /profiles/partner-accounts/2001/allowances",
        ],
        "one retry, then polls"
    );
    // Each change of the counts is reported once.
    assert_eq!(*changes.lock().unwrap(), [1, 1, 2, 3]);
}

#[tokio::test(start_paused = true)]
async fn waiting_for_allowances_stops_at_the_deadline() {
    let mock = MockTransport::new();
    for _ in 0..100 {
        mock.push_json(200, &allowances(0, 1, 2));
    }
    let client = client(&mock);
    let wait = WaitForAllowances::new()
        .deadline(Duration::from_secs(10))
        .polls(Duration::from_secs(1), Duration::from_secs(2));
    let started = tokio::time::Instant::now();
    let error = client
        .partner_accounts
        .wait_until_ready(2001, &wait)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::DeadlineExceeded {
                operation: "wait_until_ready",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        started.elapsed() <= Duration::from_secs(10),
        "no poll after the deadline"
    );
    let polls = mock.requests().len();
    // Waits of 1 s doubling to 2 s, each with up to as much jitter again.
    assert!((3..=11).contains(&polls), "{polls} polls in 10 s");
    assert!(
        sent(&mock).iter().all(|r| r.starts_with("GET ")),
        "nothing to retry: nothing missing"
    );
}
