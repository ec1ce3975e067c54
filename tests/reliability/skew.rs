//! Clock skew against sandboxes whose clocks run 45 s ahead and 45 s behind
//! real time: beyond the API's 30 s window for a client that does not
//! correct.

use limitless_client::http::StatusCode;
use limitless_client::{Client, CreateDelegatedOrderParams, Error, Side};
use limitless_sandbox::{Sandbox, SandboxHandle};

use crate::support::{builder, credentials, derive, legacy_market, signed_client, sub_account};

/// The client's learned offset is the sandbox's, within the `Date` header's
/// one-second resolution plus the loopback round trip.
#[track_caller]
fn assert_offset(client: &Client, expected_ms: i64) {
    let offset = client.http().clock_offset();
    assert!(
        (offset.as_millis() - expected_ms).abs() <= 2_000,
        "learned {offset}, the server is {expected_ms} ms away"
    );
}

/// Runs `call` and returns how many requests reached the sandbox meanwhile.
async fn counted<T>(
    sandbox: &SandboxHandle,
    call: impl std::future::IntoFuture<Output = T>,
) -> (T, u64) {
    let before = sandbox.request_count();
    let result = call.await;
    (result, sandbox.request_count() - before)
}

#[tokio::test]
async fn the_client_corrects_for_a_server_45_s_ahead_or_behind() {
    crate::trace_capture::install();
    for offset_ms in [45_000_i64, -45_000] {
        let sandbox = Sandbox::builder()
            .clock_offset(offset_ms)
            .start()
            .await
            .unwrap();
        let derived = derive(&sandbox, "skew").await;
        let client = signed_client(&sandbox, &derived);
        assert!(client.http().clock_skew_correction());
        assert_eq!(client.http().clock_offset().as_millis(), 0);

        // The first signed read is 45 s off: rejected with 401, the offset is
        // learned from that answer's Date, and the read is sent once more.
        let (tokens, requests) = counted(&sandbox, client.api_tokens.list_tokens()).await;
        assert!(
            tokens
                .unwrap()
                .iter()
                .any(|t| t.token_id == derived.token_id)
        );
        assert_eq!(requests, 2, "offset {offset_ms}");
        assert_offset(&client, offset_ms);

        // From then on every request is signed right the first time,
        // writes included.
        let (tokens, requests) = counted(&sandbox, client.api_tokens.list_tokens()).await;
        tokens.unwrap();
        assert_eq!(requests, 1);
        let (owner, requests) = counted(&sandbox, sub_account(&client, "skewed")).await;
        assert_eq!(requests, 1);
        let market = legacy_market(&sandbox);
        let order = CreateDelegatedOrderParams::gtc(
            &market.slug,
            &market.yes_token_id,
            Side::Buy,
            "0.25",
            2,
            owner,
        );
        let (placed, requests) =
            counted(&sandbox, client.delegated_orders.create_order(&order)).await;
        let placed = placed.unwrap();
        assert_eq!(requests, 2, "the market read, then the order");
        assert_eq!(sandbox.orders()[0].id, placed.order.id);
        sandbox.shutdown().await;
    }
}

#[tokio::test]
async fn without_correction_a_skewed_server_rejects_the_client() {
    crate::trace_capture::install();
    for offset_ms in [45_000_i64, -45_000] {
        let sandbox = Sandbox::builder()
            .clock_offset(offset_ms)
            .start()
            .await
            .unwrap();
        let derived = derive(&sandbox, "no-skew").await;
        let http = builder(&sandbox)
            .hmac_credentials(credentials(&derived))
            .clock_skew_correction(false)
            .build()
            .unwrap();
        let client = Client::from_http_client(http).unwrap();
        let (result, requests) = counted(&sandbox, client.api_tokens.list_tokens()).await;
        let error = result.unwrap_err();
        assert_eq!(error.status(), Some(StatusCode::UNAUTHORIZED));
        assert!(
            error.api_message().unwrap().contains("Date header"),
            "{error}"
        );
        assert_eq!(requests, 1);
        assert_eq!(client.http().clock_offset().as_millis(), 0);
        sandbox.shutdown().await;
    }
}

#[tokio::test]
async fn a_write_rejected_for_skew_is_not_resent_and_the_next_one_is_corrected() {
    crate::trace_capture::install();
    for offset_ms in [45_000_i64, -45_000] {
        let sandbox = Sandbox::builder()
            .clock_offset(offset_ms)
            .start()
            .await
            .unwrap();
        let derived = derive(&sandbox, "write").await;
        let client = signed_client(&sandbox, &derived);

        // The very first request is a write: refused (nothing done), not
        // repeated by the client, but the offset is learned.
        let (result, requests) = counted(&sandbox, sub_account_result(&client)).await;
        let error = result.unwrap_err();
        assert!(
            matches!(&error, Error::Api(api) if api.status == StatusCode::UNAUTHORIZED),
            "{error:?}"
        );
        assert_eq!(requests, 1);
        assert_offset(&client, offset_ms);

        let (result, requests) = counted(&sandbox, sub_account_result(&client)).await;
        assert!(result.unwrap() > 0);
        assert_eq!(requests, 1);
        sandbox.shutdown().await;
    }
}

async fn sub_account_result(client: &Client) -> Result<i64, Error> {
    client
        .partner_accounts
        .create_account(
            &limitless_client::CreatePartnerAccountInput::server_wallet("first"),
            None,
        )
        .await
        .map(|account| account.profile_id)
}
