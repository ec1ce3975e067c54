//! Credentials replaced on a running client: every clone sees the change at
//! once, a call in flight keeps the credentials it started with.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use limitless_auth::{Signer, VerificationRequest, Verifier};
use limitless_client::http::Method;
use limitless_client::{Client, HmacCredentials};
use serde_json::json;
use tokio::task::JoinSet;
use wiremock::{MockServer, Request, Respond, ResponseTemplate};

const OLD_ID: &str = "tok_old";
const OLD_SECRET: &str = "b2xkLXNlY3JldC1vbGQtc2VjcmV0LTAxMjM0NQ==";
const NEW_ID: &str = "tok_new";
const NEW_SECRET: &str = "bmV3LXNlY3JldC1uZXctc2VjcmV0LTU0MzIxMA==";
/// Calls in flight when the credentials change, and calls started after.
const IN_FLIGHT: usize = 200;

/// A server that accepts both tokens: it verifies each request against each
/// key on its own, answers which one verified, and refuses a request that
/// verifies with none or with both. Answers are held back, so the first
/// calls are still in flight when the client rotates.
struct EitherKey {
    keys: HashMap<&'static str, Signer>,
    hold: Duration,
}

impl Respond for EitherKey {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let header = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok());
        let path_and_query = match request.url.query() {
            Some(query) => format!("{}?{query}", request.url.path()),
            None => request.url.path().to_owned(),
        };
        // The harness's clock is the real one here: verify at real time.
        #[allow(clippy::disallowed_methods)]
        let now = SystemTime::now();
        let verified: Vec<&str> = self
            .keys
            .iter()
            .filter(|(id, signer)| {
                let only_this = |key: &str| (key == **id).then(|| (*signer).clone());
                Verifier::default()
                    .verify(
                        &VerificationRequest {
                            api_key: header("lmts-api-key"),
                            timestamp: header("lmts-timestamp"),
                            signature: header("lmts-signature"),
                            method: request.method.as_str(),
                            path_and_query: &path_and_query,
                            body: &request.body,
                        },
                        &only_this,
                        now,
                    )
                    .is_ok()
            })
            .map(|(id, _)| *id)
            .collect();
        match verified.as_slice() {
            [one] => ResponseTemplate::new(200)
                .set_body_json(json!({ "verifiedWith": one }))
                .set_delay(self.hold),
            _ => ResponseTemplate::new(401).set_body_json(json!({ "verifiedWith": verified })),
        }
    }
}

fn signer(id: &str, secret: &str) -> Signer {
    Signer::new(&HmacCredentials::new(id, secret)).unwrap()
}

async fn verified_with(client: Client) -> String {
    let answer = client
        .request(Method::GET, "/whoami")
        .call_json()
        .await
        .expect("every request verifies with exactly one key");
    answer["verifiedWith"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotating_while_requests_are_in_flight_switches_exactly_at_the_rotation() {
    let server = MockServer::start().await;
    let keys = HashMap::from([
        (OLD_ID, signer(OLD_ID, OLD_SECRET)),
        (NEW_ID, signer(NEW_ID, NEW_SECRET)),
    ]);
    wiremock::Mock::given(wiremock::matchers::path("/whoami"))
        .respond_with(EitherKey {
            keys,
            hold: Duration::from_millis(500),
        })
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .hmac_credentials(HmacCredentials::new(OLD_ID, OLD_SECRET))
        .no_retries()
        // Many requests in flight at once, on purpose.
        .no_rate_limit()
        .build_client()
        .unwrap();
    // A clone made before the rotation, as a service or a task would hold.
    let clone = client.clone();

    let mut before = JoinSet::new();
    for _ in 0..IN_FLIGHT {
        before.spawn(verified_with(client.clone()));
    }
    // Wait until the server holds every one of them (a guard, not a timing).
    let arrived = async {
        while server.received_requests().await.unwrap().len() < IN_FLIGHT {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(30), arrived)
        .await
        .expect("the first calls reach the server");

    client
        .http()
        .set_hmac_credentials(&HmacCredentials::new(NEW_ID, NEW_SECRET))
        .unwrap();
    assert_eq!(clone.http().token_id().as_deref(), Some(NEW_ID));

    let mut after = JoinSet::new();
    for _ in 0..IN_FLIGHT {
        after.spawn(verified_with(clone.clone()));
    }
    let mut old = 0;
    while let Some(key) = before.join_next().await {
        assert_eq!(
            key.unwrap(),
            OLD_ID,
            "a call in flight keeps its credentials"
        );
        old += 1;
    }
    let mut new = 0;
    while let Some(key) = after.join_next().await {
        assert_eq!(key.unwrap(), NEW_ID, "a call started after the rotation");
        new += 1;
    }
    assert_eq!((old, new), (IN_FLIGHT, IN_FLIGHT));
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        2 * IN_FLIGHT
    );
}

#[tokio::test]
async fn a_rotation_that_fails_keeps_the_credentials_and_shows_no_secret() {
    let client = Client::builder()
        .hmac_credentials(HmacCredentials::new(OLD_ID, OLD_SECRET))
        .api_key("sentinel-legacy-api-key")
        .build_client()
        .unwrap();
    let error = client
        .http()
        .set_hmac_credentials(&HmacCredentials::new(NEW_ID, "not base64 sentinel-bad!"))
        .unwrap_err();
    assert!(!format!("{error:?} {error}").contains("sentinel-bad"));
    assert_eq!(client.http().token_id().as_deref(), Some(OLD_ID));

    // The API key and the HMAC credentials change independently.
    client.http().set_api_key(None).unwrap();
    assert!(!client.http().has_api_key());
    assert!(client.http().has_hmac_credentials());
    client.http().clear_hmac_credentials();
    assert!(!client.http().has_hmac_credentials());
    let debug = format!("{client:?}");
    assert!(
        !debug.contains(OLD_SECRET) && !debug.contains("sentinel-legacy"),
        "{debug}"
    );
}
