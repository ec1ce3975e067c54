//! Retry safety per operation, through the scripted `MockTransport`: what is
//! retried, what is never sent twice, what an unknown outcome carries.

use std::time::Duration;

use limitless_client::http::StatusCode;
use limitless_client::{
    CancelTarget, Client, CreatePartnerAccountInput, DelegatedCancelReplaceParams,
    DeriveApiTokenInput, Error, RedeemParams, RetryConfig, TransportError, WithdrawParams,
};
use limitless_transport::test_util::{FailingTransport, MockTransport, RecordedRequest};
use serde_json::{Value, json};

use crate::faults::{fast_retries, order, order_json, tokens_json};
use crate::support::{IDENTITY, TickingClock, assert_no_secrets, credentials, market_json};

fn client_with(transport: impl limitless_client::Transport, retry: RetryConfig) -> Client {
    let http = Client::builder()
        .transport(transport)
        .hmac_credentials(credentials())
        .clock(TickingClock::new())
        .retry_config(retry)
        .build()
        .unwrap();
    Client::from_http_client(http).unwrap()
}

fn refused() -> TransportError {
    TransportError::connect(std::io::Error::from(std::io::ErrorKind::ConnectionRefused))
}

fn reset() -> TransportError {
    TransportError::io(std::io::Error::from(std::io::ErrorKind::ConnectionReset))
}

fn posts(mock: &MockTransport) -> Vec<RecordedRequest> {
    mock.requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect()
}

#[tokio::test]
async fn an_order_that_was_not_sent_is_retried_with_the_same_bytes_and_a_new_signature() {
    let mock = MockTransport::new();
    mock.push_json(200, &market_json("btc", None));
    mock.push_error(refused());
    mock.push_error(refused());
    mock.push_json(201, &order_json());
    let client = client_with(mock.clone(), fast_retries());
    let placed = client
        .delegated_orders
        .create_order(&order())
        .await
        .unwrap();
    assert_eq!(placed.order.id, "ord-1");
    let posts = posts(&mock);
    assert_eq!(posts.len(), 3);
    for post in &posts[1..] {
        assert_eq!(post.body, posts[0].body, "the body bytes changed");
    }
    let stamps: std::collections::HashSet<_> =
        posts.iter().map(|p| p.header("lmts-timestamp")).collect();
    let signatures: std::collections::HashSet<_> =
        posts.iter().map(|p| p.header("lmts-signature")).collect();
    assert_eq!((stamps.len(), signatures.len()), (3, 3));
    assert_eq!(mock.remaining(), 0);
}

#[tokio::test]
async fn an_order_never_sent_is_reported_as_not_sent_once_retries_run_out() {
    let mock = MockTransport::new();
    mock.push_json(200, &market_json("btc", None));
    for _ in 0..4 {
        mock.push_error(refused());
    }
    let client = client_with(mock.clone(), fast_retries());
    let error = client
        .delegated_orders
        .create_order(&order())
        .await
        .unwrap_err();
    assert_eq!(posts(&mock).len(), 4);
    match &error {
        Error::Transport { source, context } => {
            assert!(!source.may_have_been_sent());
            assert_eq!(context.path, "/orders");
        }
        other => panic!("expected a not-sent transport error, got {other:?}"),
    }
    assert!(!error.may_have_been_sent());
    assert_no_secrets(&error);
}

/// Every write, broken after sending, is sent once and comes back as an
/// unknown outcome naming the operation and path.
#[tokio::test]
async fn no_write_is_sent_twice_once_it_may_have_arrived() {
    let retry = fast_retries().with_max_retries(5);
    let cases: Vec<(&str, &str)> = vec![
        ("create_account", "/profiles/partner-accounts"),
        ("derive_token", "/auth/api-tokens/derive"),
        (
            "retry_allowances",
            "/profiles/partner-accounts/326/allowances/retry",
        ),
        ("redeem_positions", "/portfolio/redeem"),
        ("withdraw", "/portfolio/withdraw"),
        ("add_withdrawal_address", "/portfolio/withdrawal-addresses"),
    ];
    for (operation, path) in cases {
        let transport = FailingTransport::after_send();
        let client = client_with(transport.clone(), retry.clone());
        let address = "0x1111111111111111111111111111111111111111";
        let error = match operation {
            "create_account" => client
                .partner_accounts
                .create_account(&CreatePartnerAccountInput::server_wallet("desk"), None)
                .await
                .map(drop),
            "derive_token" => client
                .api_tokens
                .derive_token(IDENTITY, &DeriveApiTokenInput::default())
                .await
                .map(drop),
            "retry_allowances" => client
                .partner_accounts
                .retry_allowances(326)
                .await
                .map(drop),
            "redeem_positions" => client
                .server_wallets
                .redeem_positions(&RedeemParams {
                    condition_id: format!("0x{}", "ab".repeat(32)),
                    on_behalf_of: 326,
                })
                .await
                .map(drop),
            "withdraw" => client
                .server_wallets
                .withdraw(&WithdrawParams {
                    amount: "1000000".into(),
                    on_behalf_of: Some(326),
                    ..WithdrawParams::default()
                })
                .await
                .map(drop),
            _ => client
                .partner_accounts
                .add_withdrawal_address(
                    IDENTITY,
                    &limitless_client::AddWithdrawalAddressInput {
                        address: address.into(),
                        label: None,
                    },
                )
                .await
                .map(drop),
        }
        .unwrap_err();
        assert_eq!(transport.calls(), 1, "{operation} was sent again");
        match &error {
            Error::OutcomeUnknown {
                context,
                orders,
                source,
                ..
            } => {
                assert_eq!(
                    (context.operation, context.path.as_str()),
                    (operation, path)
                );
                assert!(orders.is_empty());
                assert!(matches!(**source, Error::Transport { .. }));
            }
            other => panic!("{operation}: expected OutcomeUnknown, got {other:?}"),
        }
        assert_no_secrets(&error);
    }
}

fn replacement(client_order_id: &str) -> DelegatedCancelReplaceParams {
    DelegatedCancelReplaceParams::new(CancelTarget::OrderId("ord-0".into()), order())
        .client_order_id(client_order_id)
}

#[tokio::test]
async fn cancel_replace_outcomes_carry_each_replacement_salt_and_client_order_id() {
    let mock = MockTransport::new();
    mock.push_json(200, &market_json("btc", None));
    mock.push_json(503, &json!({"message": "busy"}));
    let client = client_with(mock.clone(), fast_retries());
    let error = client
        .delegated_orders
        .cancel_replace(&replacement("replacement-1"))
        .await
        .unwrap_err();
    let sent: Value = posts(&mock)[0].body_json().unwrap();
    let Error::OutcomeUnknown {
        orders, context, ..
    } = &error
    else {
        panic!("expected OutcomeUnknown, got {error:?}");
    };
    assert_eq!(context.path, "/orders/cancel-replace");
    assert_eq!(orders.len(), 1);
    assert_eq!(
        orders[0].salt,
        sent["replacement"]["order"]["salt"].as_u64().unwrap()
    );
    assert_eq!(orders[0].client_order_id.as_deref(), Some("replacement-1"));
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(posts(&mock).len(), 1);

    // A batch: every replacement, in order.
    let mock = MockTransport::new();
    mock.push_json(200, &market_json("btc", None));
    mock.push_error(reset());
    let client = client_with(mock.clone(), fast_retries());
    let error = client
        .delegated_orders
        .cancel_replace_batch(&[replacement("a"), replacement("b")])
        .await
        .unwrap_err();
    let sent: Value = posts(&mock)[0].body_json().unwrap();
    let Error::OutcomeUnknown { orders, .. } = &error else {
        panic!("expected OutcomeUnknown, got {error:?}");
    };
    let reported: Vec<_> = orders
        .iter()
        .map(|o| (o.salt, o.client_order_id.clone().unwrap()))
        .collect();
    let expected: Vec<_> = sent["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|op| {
            (
                op["replacement"]["order"]["salt"].as_u64().unwrap(),
                op["replacement"]["clientOrderId"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            )
        })
        .collect();
    assert_eq!(reported, expected);
    assert_eq!(reported[1].1, "b");
    assert_eq!(posts(&mock).len(), 1);
}

#[tokio::test]
async fn idempotent_deletes_are_retried() {
    let mock = MockTransport::new();
    mock.push_json(503, &json!({"message": "busy"}));
    mock.push_error(reset());
    mock.push_json(200, &json!({"message": "Order canceled"}));
    let client = client_with(mock.clone(), fast_retries());
    let message = client.delegated_orders.cancel("ord-1").await.unwrap();
    assert_eq!(message, "Order canceled");
    assert_eq!(mock.request_count(), 3);
}

#[tokio::test]
async fn the_default_policy_retries_reads_and_no_retries_turns_it_off() {
    // The builder's default, unchanged: one 503, then success.
    let mock = MockTransport::new();
    mock.push_json(503, &json!({"message": "busy"}));
    mock.push_json(200, &tokens_json());
    let http = Client::builder()
        .transport(mock.clone())
        .hmac_credentials(credentials())
        .build()
        .unwrap();
    assert!(format!("{:?}", http.retry_policy()).starts_with("RetryConfig"));
    let client = Client::from_http_client(http).unwrap();
    client.api_tokens.list_tokens().await.unwrap();
    assert_eq!(mock.request_count(), 2);

    let mock = MockTransport::new();
    mock.push_json(503, &json!({"message": "busy"}));
    let http = Client::builder()
        .transport(mock.clone())
        .hmac_credentials(credentials())
        .no_retries()
        .build()
        .unwrap();
    let client = Client::from_http_client(http).unwrap();
    let error = client.api_tokens.list_tokens().await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(mock.request_count(), 1);
}

#[tokio::test]
async fn retries_are_bounded_by_count_and_by_time() {
    let transport = FailingTransport::refused();
    let client = client_with(transport.clone(), fast_retries().with_max_retries(1));
    client.api_tokens.list_tokens().await.unwrap_err();
    assert_eq!(transport.calls(), 2);

    // No retry may start after the budget: a 10 ms budget with 50 ms
    // backoffs allows none.
    let transport = FailingTransport::refused();
    let budget = fast_retries()
        .with_initial_backoff(Duration::from_millis(50))
        .with_max_backoff(Duration::from_millis(50))
        .with_max_elapsed(Duration::from_millis(10));
    let client = client_with(transport.clone(), budget);
    client.api_tokens.list_tokens().await.unwrap_err();
    assert_eq!(transport.calls(), 1);

    let transport = FailingTransport::refused();
    let client = client_with(transport.clone(), fast_retries().with_max_retries(0));
    client.api_tokens.list_tokens().await.unwrap_err();
    assert_eq!(transport.calls(), 1);
}

#[tokio::test]
async fn too_early_is_not_repeated_even_by_a_policy_that_always_retries() {
    #[derive(Debug)]
    struct Always;
    impl limitless_client::RetryPolicy for Always {
        fn decide(
            &self,
            attempt: &limitless_client::Attempt<'_>,
        ) -> limitless_client::RetryDecision {
            if attempt.number < 5 {
                limitless_client::RetryDecision::RetryAfter(Duration::ZERO)
            } else {
                limitless_client::RetryDecision::Stop
            }
        }
    }
    let mock = MockTransport::new();
    mock.push_json(425, &json!({"message": "too early"}));
    let http = Client::builder()
        .transport(mock.clone())
        .hmac_credentials(credentials())
        .retry_policy(Always)
        .build()
        .unwrap();
    let client = Client::from_http_client(http).unwrap();
    let error = client.api_tokens.list_tokens().await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::TOO_EARLY));
    assert_eq!(mock.request_count(), 1);
}

#[tokio::test]
async fn a_rate_limited_order_is_not_resent_and_says_how_long_to_wait() {
    let mock = MockTransport::new();
    mock.push_json(200, &market_json("btc", None));
    mock.push_response(
        429,
        [("retry-after", "2"), ("content-type", "application/json")],
        r#"{"message":"slow down","retryAfterSeconds":9}"#,
    );
    let client = client_with(
        mock.clone(),
        fast_retries().with_max_rate_limit_wait(Duration::from_secs(5)),
    );
    let error = client
        .delegated_orders
        .create_order(&order())
        .await
        .unwrap_err();
    assert_eq!(posts(&mock).len(), 1);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(2)));
    assert!(error.is_retryable());
    assert_eq!(error.api_message(), Some("slow down"));
}

#[tokio::test]
async fn cancel_all_is_never_sent_twice_once_it_may_have_arrived() {
    for first in [Err(reset()), Ok(json!({"message": "unavailable"}))] {
        let mock = MockTransport::new();
        match first {
            Err(error) => mock.push_error(error),
            Ok(body) => mock.push_json(503, &body),
        };
        mock.push_json(200, &json!({"message": "All orders cancelled"}));
        let client = client_with(mock.clone(), fast_retries());
        let error = client
            .delegated_orders
            .cancel_all_on_behalf_of("btc", 42)
            .await
            .unwrap_err();
        // One attempt: a late second one could cancel newer orders.
        assert_eq!(mock.request_count(), 1);
        assert!(error.is_outcome_unknown(), "{error:?}");
        assert_no_secrets(&error);
    }
    // A connection refused reached nothing: retried.
    let mock = MockTransport::new();
    mock.push_error(refused());
    mock.push_json(200, &json!({"message": "All orders cancelled"}));
    let client = client_with(mock.clone(), fast_retries());
    let all = client.delegated_orders.cancel_all("btc").await.unwrap();
    assert_eq!(all.message, "All orders cancelled");
    assert_eq!(mock.request_count(), 2);
}

#[tokio::test]
async fn cancelling_one_order_is_retried() {
    let mock = MockTransport::new();
    mock.push_error(reset());
    mock.push_json(503, &json!({"message": "unavailable"}));
    mock.push_json(200, &json!({"message": "Order cancelled"}));
    let client = client_with(mock.clone(), fast_retries());
    let message = client
        .delegated_orders
        .cancel_on_behalf_of("ord-1", 42)
        .await
        .unwrap();
    assert_eq!(message, "Order cancelled");
    assert_eq!(mock.request_count(), 3);
    let paths: Vec<String> = mock
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path_and_query()))
        .collect();
    assert_eq!(paths, vec!["DELETE /orders/ord-1?onBehalfOf=42"; 3]);
}

#[tokio::test]
async fn dot_segments_are_refused_before_the_network() {
    let mock = MockTransport::new();
    let client = client_with(mock.clone(), fast_retries());
    let markets = &client.markets;
    let orders = &client.delegated_orders;
    for dots in [".", ".."] {
        let errors = [
            client.api_tokens.revoke_token(dots).await.unwrap_err(),
            markets.get_market(dots).await.unwrap_err(),
            markets.get_order_book(dots).await.unwrap_err(),
            orders.cancel(dots).await.unwrap_err(),
            orders.cancel_on_behalf_of(dots, 42).await.unwrap_err(),
            orders.cancel_all(dots).await.unwrap_err(),
            orders.cancel_all_on_behalf_of(dots, 42).await.unwrap_err(),
            orders
                .create_order(&limitless_client::CreateDelegatedOrderParams::gtc(
                    dots,
                    "123",
                    limitless_client::Side::Buy,
                    "0.5",
                    1,
                    326,
                ))
                .await
                .unwrap_err(),
            client
                .partner_accounts
                .delete_withdrawal_address(IDENTITY, dots)
                .await
                .unwrap_err(),
        ];
        for error in &errors {
            crate::support::assert_invalid(error, &format!("must not be `{dots}`"));
        }
    }
    assert_eq!(mock.request_count(), 0);
}

#[tokio::test]
async fn a_request_the_transport_refuses_as_invalid_is_not_retried() {
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let transport = {
        let calls = std::sync::Arc::clone(&calls);
        limitless_transport::transport_fn(move |_request| {
            calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            async {
                Err::<limitless_client::http::Response<limitless_transport::Bytes>, _>(
                    TransportError::not_sent(std::io::Error::from(
                        std::io::ErrorKind::InvalidInput,
                    )),
                )
            }
        })
    };
    let client = client_with(transport, fast_retries());
    let error = client.api_tokens.list_tokens().await.unwrap_err();
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);
    match &error {
        Error::Transport { source, .. } => {
            assert_eq!(source.kind(), limitless_client::TransportErrorKind::Other);
            assert!(!source.may_have_been_sent());
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert!(!error.is_retryable());
    assert!(!error.may_have_been_sent());
}
