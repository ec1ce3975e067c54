//! `client.packs`: typed refusals from real HTTP responses (wiremock),
//! validation before the network, and pacing and polling on a paused
//! tokio clock with an in-process transport that records when each request
//! arrives.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use limitless_client::http::{Request, Response};
use limitless_client::{
    Bytes, Client, Error, HmacCredentials, NoRetry, PackBuyParams, PackErrorKind, Transport,
    TransportError,
};
use serde_json::{Value, json};
use tokio::time::Instant;
use wiremock::ResponseTemplate;

use crate::support::{Harness, assert_invalid, credentials, hmac_mock};

const PACK: &str = "22222222-2222-4222-8222-222222222222";
const HASH: &str = "0x4f5c0c2c8e8f1a7d9b3e6a2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e";

fn buy(key: Option<&str>) -> PackBuyParams {
    PackBuyParams {
        on_behalf_of: 326,
        pack_id: PACK.to_owned(),
        stake_amount: "1000000".to_owned(),
        min_payout_amount: "1782000".to_owned(),
        deadline: "1790000000".to_owned(),
        idempotency_key: key.map(str::to_owned),
    }
}

fn claim_path() -> String {
    format!("/parlay/partner/positions/{PACK}/claim")
}

#[tokio::test]
async fn every_documented_refusal_is_typed() {
    let cases: [(u16, Value, PackErrorKind); 9] = [
        (
            409,
            json!({"code":"PACK_ALLOWANCE_REQUIRED","message":"approve the vault","tokenAddress":"0xtoken","spender":"0xvault","requiredAllowance":"1000000"}),
            PackErrorKind::AllowanceRequired,
        ),
        (
            409,
            json!({"code":"PRICE_DRIFTED","message":"payout fell"}),
            PackErrorKind::PriceDrifted,
        ),
        (
            409,
            json!({"code":"PACK_TRANSACTION_REVERTED","message":"Reverted"}),
            PackErrorKind::TransactionReverted,
        ),
        (
            400,
            json!({"code":"BAD_INTENT","submissionState":"NOT_SUBMITTED","parlayId":PACK,"recovery":"Fix cause"}),
            PackErrorKind::NotSubmitted,
        ),
        (
            401,
            json!({"message":"Intent expired — please retry"}),
            PackErrorKind::IntentExpired,
        ),
        (
            409,
            json!({"message":"Another Pack operation is in progress for this wallet; retry the same request"}),
            PackErrorKind::OperationInProgress,
        ),
        (
            429,
            json!({"message":"rate limited","retryAfterSeconds":10}),
            PackErrorKind::RateLimited,
        ),
        (
            401,
            json!({"message":"Invalid signature"}),
            PackErrorKind::Other,
        ),
        // A 5xx saying NOT_SUBMITTED is not trusted to mean it.
        (
            500,
            json!({"submissionState":"NOT_SUBMITTED"}),
            PackErrorKind::Other,
        ),
    ];
    for (status, body, kind) in cases {
        // A fresh client per case: no pacing between them.
        let h = Harness::hmac().await;
        hmac_mock("POST", &claim_path())
            .respond_with(ResponseTemplate::new(status).set_body_json(&body))
            .expect(1)
            .mount(&h.server)
            .await;
        let error = h.client.packs.claim_once(PACK, 326).await.unwrap_err();
        assert_eq!(error.pack_error_kind(), Some(kind), "{status} {body}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        let details = error.pack_error().unwrap();
        match kind {
            PackErrorKind::AllowanceRequired => {
                assert_eq!(details.token_address.as_deref(), Some("0xtoken"));
                assert_eq!(details.spender.as_deref(), Some("0xvault"));
                assert_eq!(details.required_allowance.as_deref(), Some("1000000"));
                assert!(!details.is_not_submitted());
            }
            PackErrorKind::NotSubmitted => {
                assert!(details.is_not_submitted());
                assert_eq!(details.parlay_id.as_deref(), Some(PACK));
                assert_eq!(details.recovery.as_deref(), Some("Fix cause"));
                assert_eq!(details.code.as_deref(), Some("BAD_INTENT"));
            }
            _ => {}
        }
        // A claim is sent once, whatever came back.
        assert_eq!(h.requests().await.len(), 1, "{status} {body}");
    }
}

#[tokio::test]
async fn an_unknown_submission_is_outcome_unknown_and_never_resent() {
    let body = json!({"code":"PACK_SUBMISSION_UNKNOWN","message":"Find the receipt","submissionState":"NOT_SUBMITTED"});
    // A claim (never idempotent) and a buy with a fixed key (idempotent):
    // both surface it as an unknown outcome and send once.
    let h = Harness::hmac().await;
    hmac_mock("POST", &claim_path())
        .respond_with(ResponseTemplate::new(409).set_body_json(&body))
        .expect(1)
        .mount(&h.server)
        .await;
    let error = h.client.packs.claim_once(PACK, 326).await.unwrap_err();
    assert!(error.is_outcome_unknown(), "{error:?}");
    assert_eq!(
        error.pack_error_kind(),
        Some(PackErrorKind::SubmissionUnknown)
    );
    assert!(!error.is_retryable());

    let h = Harness::hmac().await;
    hmac_mock("POST", "/parlay/partner/buy")
        .respond_with(ResponseTemplate::new(409).set_body_json(&body))
        .expect(1)
        .mount(&h.server)
        .await;
    let error = h.client.packs.buy(&buy(Some("k-1"))).await.unwrap_err();
    assert!(error.is_outcome_unknown(), "{error:?}");
    assert_eq!(
        error.pack_error_kind(),
        Some(PackErrorKind::SubmissionUnknown)
    );
    assert_eq!(h.requests().await.len(), 1);
}

#[tokio::test]
async fn the_same_codes_on_other_operations_are_no_pack_errors() {
    let h = Harness::hmac().await;
    hmac_mock("POST", "/portfolio/redeem")
        .respond_with(
            ResponseTemplate::new(409).set_body_json(json!({"code":"PACK_SUBMISSION_UNKNOWN"})),
        )
        .mount(&h.server)
        .await;
    let error = h
        .client
        .server_wallets
        .redeem_positions(&limitless_client::RedeemParams {
            condition_id: HASH.to_owned(),
            on_behalf_of: 326,
        })
        .await
        .unwrap_err();
    assert_eq!(error.pack_error(), None);
    assert!(!error.is_outcome_unknown());
}

#[tokio::test]
async fn invalid_input_fails_before_the_network() {
    let h = Harness::hmac().await;
    let packs = &h.client.packs;
    let base = || buy(Some("k"));
    for (params, expected) in [
        (
            PackBuyParams {
                on_behalf_of: 0,
                ..base()
            },
            "on_behalf_of",
        ),
        (
            PackBuyParams {
                pack_id: "not-a-uuid".into(),
                ..base()
            },
            "pack_id",
        ),
        (
            PackBuyParams {
                stake_amount: "01".into(),
                ..base()
            },
            "stake_amount",
        ),
        (
            PackBuyParams {
                stake_amount: "999999999999999999999".into(),
                ..base()
            },
            "stake_amount",
        ),
        (
            PackBuyParams {
                min_payout_amount: "1.5".into(),
                ..base()
            },
            "min_payout_amount",
        ),
        (
            PackBuyParams {
                deadline: "1000000000000".into(),
                ..base()
            },
            "deadline",
        ),
        (
            PackBuyParams {
                idempotency_key: Some("has space".into()),
                ..base()
            },
            "idempotency_key",
        ),
        (
            PackBuyParams {
                idempotency_key: Some("x".repeat(129)),
                ..base()
            },
            "idempotency_key",
        ),
    ] {
        let error = packs.buy(&params).await.unwrap_err();
        assert_eq!(error.field(), Some(expected), "{error:?}");
    }
    // An expired deadline is kept for replays.
    assert!(
        limitless_client::ops::packs::buy(&PackBuyParams {
            deadline: "1".into(),
            ..base()
        })
        .is_ok()
    );
    for error in [
        packs.get("x").await.unwrap_err(),
        packs.quote(PACK, "0").await.unwrap_err(),
        packs.get_position(PACK, -1).await.unwrap_err(),
        packs.list_positions(0, 10, 0).await.unwrap_err(),
        packs.claim_once("../x", 326).await.unwrap_err(),
        packs
            .confirm_claim(PACK, 326, "0xuserop")
            .await
            .unwrap_err(),
        packs
            .wait_for_position(
                PACK,
                326,
                Duration::from_millis(999),
                Duration::from_secs(60),
            )
            .await
            .unwrap_err(),
        packs
            .claim(PACK, 326, Duration::ZERO, Duration::from_secs(60))
            .await
            .unwrap_err(),
    ] {
        assert!(matches!(error, Error::InvalidInput { .. }), "{error:?}");
    }
    h.assert_no_requests().await;

    // A legacy key is refused for partner calls.
    let legacy = Harness::api_key().await;
    let error = legacy.client.packs.quote(PACK, "1").await.unwrap_err();
    assert_invalid(
        &error,
        "partner Packs require HMAC credentials with trading and delegated_signing scopes",
    );
    legacy.assert_no_requests().await;
}

#[test]
fn a_buy_is_idempotent_only_with_a_key_the_caller_fixed() {
    let generated = limitless_client::ops::packs::buy(&buy(None)).unwrap();
    assert!(!generated.is_idempotent());
    let again = limitless_client::ops::packs::buy(&buy(None)).unwrap();
    let key = |op: &limitless_client::Operation<_>| -> String {
        let body: Value = serde_json::from_slice(op.body().unwrap()).unwrap();
        body["idempotencyKey"].as_str().unwrap().to_owned()
    };
    let first = key(&generated);
    assert_ne!(first, key(&again), "a fresh key per operation");
    // A uuid v4.
    assert_eq!(first.len(), 36);
    assert_eq!(&first[14..15], "4");
    let fixed = limitless_client::ops::packs::buy(&buy(Some("mine"))).unwrap();
    assert!(fixed.is_idempotent());
    assert_eq!(key(&fixed), "mine");
}

// --- pacing and polling on a paused clock

/// Answers from a script (or 200 `[]`), recording the (paused) time each
/// request arrives at and its path.
#[derive(Debug, Clone, Default)]
struct Recorder {
    script: Arc<Mutex<VecDeque<(u16, Value)>>>,
    seen: Arc<Mutex<Vec<(Instant, String)>>>,
}

impl Recorder {
    fn push(&self, status: u16, body: Value) -> &Self {
        self.script.lock().unwrap().push_back((status, body));
        self
    }

    /// Each request's arrival, relative to `start`, with its path.
    fn arrivals(&self, start: Instant) -> Vec<(Duration, String)> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .map(|(at, path)| (*at - start, path.clone()))
            .collect()
    }
}

#[async_trait]
impl Transport for Recorder {
    async fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, TransportError> {
        self.seen
            .lock()
            .unwrap()
            .push((Instant::now(), request.uri().path().to_owned()));
        let (status, body) = self
            .script
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or((200, json!([])));
        Ok(Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .body(Bytes::from(body.to_string()))
            .unwrap())
    }
}

fn paced_client(recorder: &Recorder) -> Client {
    Client::builder()
        .base_url("https://api.limitless.exchange")
        .transport(recorder.clone())
        .hmac_credentials(credentials())
        .clock_skew_correction(false)
        .retry_policy(NoRetry)
        // The Packs pacing alone: the rate limit has its own tests.
        .no_rate_limit()
        .build_client()
        .unwrap()
}

const SPACING: Duration = Duration::from_millis(1100);
const PAUSE: Duration = Duration::from_secs(10);

#[tokio::test(start_paused = true)]
async fn pack_calls_of_every_clone_are_spaced() {
    let recorder = Recorder::default();
    let client = paced_client(&recorder);
    let clone = client.clone();
    let rebuilt = Client::from_http_client(client.http().clone()).unwrap();
    let start = Instant::now();
    client.packs.list().await.unwrap();
    recorder.push(200, json!({"id": PACK, "name": "p"}));
    clone.packs.get(PACK).await.unwrap();
    // Other services are not paced.
    recorder.push(200, json!({"positions": []}));
    let _ = client.markets.get_active_markets(None).await;
    rebuilt.packs.search("eth").await.unwrap();
    let arrivals = recorder.arrivals(start);
    assert_eq!(
        arrivals,
        [
            (Duration::ZERO, "/parlay/packs".to_owned()),
            (SPACING, format!("/parlay/packs/{PACK}")),
            (SPACING, "/markets/active".to_owned()),
            (SPACING * 2, "/parlay/packs/search".to_owned()),
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn concurrent_calls_take_turns_and_a_429_pauses_ten_seconds() {
    let recorder = Recorder::default();
    let client = paced_client(&recorder);
    let start = Instant::now();
    let (a, b, c) = tokio::join!(
        client.packs.list(),
        client.clone().packs.list(),
        client.packs.list()
    );
    a.unwrap();
    b.unwrap();
    c.unwrap();
    let times: Vec<Duration> = recorder.arrivals(start).into_iter().map(|a| a.0).collect();
    assert_eq!(times, [Duration::ZERO, SPACING, SPACING * 2]);

    recorder.push(429, json!({"message":"rate limited","retryAfterSeconds":1}));
    let error = client.packs.list().await.unwrap_err();
    assert_eq!(error.pack_error_kind(), Some(PackErrorKind::RateLimited));
    let limited_at = recorder.arrivals(start)[3].0;
    assert_eq!(limited_at, SPACING * 3);
    client.packs.list().await.unwrap();
    assert_eq!(recorder.arrivals(start)[4].0, limited_at + PAUSE);
}

#[tokio::test(start_paused = true)]
async fn each_credential_has_its_own_pace() {
    let recorder = Recorder::default();
    let client = paced_client(&recorder);
    let start = Instant::now();
    client.packs.list().await.unwrap();
    client
        .http()
        .set_hmac_credentials(&HmacCredentials::new("tok_other", "c2VjcmV0"))
        .unwrap();
    client.packs.list().await.unwrap();
    let times: Vec<Duration> = recorder.arrivals(start).into_iter().map(|a| a.0).collect();
    assert_eq!(times, [Duration::ZERO, Duration::ZERO]);
}

fn position(status: &str) -> Value {
    json!({"id": PACK, "status": status, "stakeAmount": "1000000", "wallet": "0xw", "legs": []})
}

#[tokio::test(start_paused = true)]
async fn wait_for_position_polls_through_pending_and_failed() {
    let recorder = Recorder::default();
    recorder
        .push(200, position("PENDING"))
        .push(200, position("FAILED"))
        .push(200, position("ACTIVE"));
    let client = paced_client(&recorder);
    let start = Instant::now();
    let minted = client
        .packs
        .wait_for_position(PACK, 326, Duration::from_secs(2), Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(minted.status, "ACTIVE");
    let times: Vec<Duration> = recorder.arrivals(start).into_iter().map(|a| a.0).collect();
    assert_eq!(
        times,
        [
            Duration::ZERO,
            Duration::from_secs(2),
            Duration::from_secs(4)
        ]
    );

    recorder.push(200, position("VAULT_REVERTED"));
    let error = client
        .packs
        .wait_for_position(PACK, 326, Duration::from_secs(2), Duration::from_secs(60))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::UnexpectedStatus { status, .. } if status == "VAULT_REVERTED"),
        "{error:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn waits_end_at_their_deadline_not_after_a_count() {
    let recorder = Recorder::default();
    for _ in 0..3 {
        recorder.push(200, position("PENDING"));
    }
    let client = paced_client(&recorder);
    let start = Instant::now();
    let error = client
        .packs
        .wait_for_position(PACK, 326, Duration::from_secs(5), Duration::from_secs(12))
        .await
        .unwrap_err();
    // Reads at 0, 5 and 10 s; the next would start past 12 s.
    assert!(
        matches!(error, Error::DeadlineExceeded { operation: "wait_for_position", waited } if waited == Duration::from_secs(10)),
        "{error:?}"
    );
    assert_eq!(recorder.arrivals(start).len(), 3);
    assert!(Instant::now() - start <= Duration::from_secs(12));

    for _ in 0..10 {
        recorder.push(200, json!({"parlayId": PACK, "status": "APPROVAL_PENDING"}));
    }
    let error = client
        .packs
        .claim(PACK, 326, Duration::from_secs(1), Duration::from_secs(3))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::DeadlineExceeded {
                operation: "claim",
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn claim_polls_until_claimed() {
    let recorder = Recorder::default();
    recorder
        .push(200, json!({"parlayId": PACK, "status": "APPROVAL_PENDING"}))
        .push(
            200,
            json!({"parlayId": PACK, "status": "CLAIM_PENDING", "userOperationHash": "0xop"}),
        )
        .push(
            200,
            json!({"parlayId": PACK, "status": "CLAIMED", "txHash": HASH}),
        );
    let client = paced_client(&recorder);
    let claimed = client
        .packs
        .claim(PACK, 326, Duration::from_secs(1), Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(claimed.status, "CLAIMED");
    assert_eq!(claimed.tx_hash.as_deref(), Some(HASH));
    assert_eq!(recorder.seen.lock().unwrap().len(), 3);

    recorder.push(200, json!({"parlayId": PACK, "status": "SOMETHING_NEW"}));
    let error = client
        .packs
        .claim(PACK, 326, Duration::from_secs(1), Duration::from_secs(60))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::UnexpectedStatus { status, .. } if status == "SOMETHING_NEW"),
        "{error:?}"
    );
}
