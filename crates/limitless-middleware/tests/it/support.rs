//! A sandbox with a derived token, and a clock tests can step.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use limitless_auth::{
    HEADER_API_KEY, HEADER_SIGNATURE, HEADER_TIMESTAMP, HmacCredentials, Signer,
    VerificationRequest, Verifier,
};
use limitless_sandbox::{Sandbox, SandboxHandle};
use serde_json::{Value, json};

/// A running sandbox and a token derived from it over HTTP.
pub(crate) struct Fixture {
    pub(crate) sandbox: SandboxHandle,
    pub(crate) credentials: HmacCredentials,
}

impl Fixture {
    pub(crate) async fn start() -> Self {
        let sandbox = Sandbox::start().await.unwrap();
        let response = reqwest::Client::new()
            .post(format!("{}/auth/api-tokens/derive", sandbox.base_url()))
            .header(
                "identity",
                format!("Bearer {}", sandbox.partner_identity_token()),
            )
            .json(&json!({ "label": "adapters", "scopes": ["trading", "account_creation"] }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let body: Value = response.json().await.unwrap();
        let credentials = HmacCredentials::new(
            body["tokenId"].as_str().unwrap(),
            body["secret"].as_str().unwrap(),
        );
        Self {
            sandbox,
            credentials,
        }
    }

    pub(crate) fn signer(&self) -> Signer {
        Signer::new(&self.credentials).unwrap()
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sandbox.base_url())
    }
}

/// The real time plus one second per reading: every reading is distinct and
/// later than the one before, and stays well inside the server's window.
#[derive(Clone, Default)]
pub(crate) struct SteppingClock {
    readings: Arc<AtomicU64>,
}

/// A [`SteppingClock`] started now.
#[derive(Debug)]
pub(crate) struct Stepping {
    start: SystemTime,
    readings: Arc<AtomicU64>,
}

impl limitless_middleware::Clock for Stepping {
    fn now(&self) -> SystemTime {
        self.start + Duration::from_secs(self.readings.fetch_add(1, Ordering::SeqCst))
    }
}

impl SteppingClock {
    pub(crate) fn clock(&self) -> Stepping {
        #[allow(clippy::disallowed_methods, reason = "tests sign with real time")]
        let start = SystemTime::now();
        Stepping {
            start,
            readings: self.readings.clone(),
        }
    }

    pub(crate) fn readings(&self) -> u64 {
        self.readings.load(Ordering::SeqCst)
    }
}

/// One attempt as it left the signer.
#[derive(Debug, Clone)]
pub(crate) struct Attempt {
    pub(crate) method: String,
    pub(crate) path_and_query: String,
    pub(crate) api_key: String,
    pub(crate) timestamp: String,
    pub(crate) signature: String,
    pub(crate) body: Vec<u8>,
    /// The status the server answered, before any fault injected in the test.
    pub(crate) status: u16,
}

pub(crate) type Attempts = Arc<Mutex<Vec<Attempt>>>;

pub(crate) fn header(headers: &http::HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .unwrap_or_else(|| panic!("{name} missing"))
        .to_str()
        .unwrap()
        .to_owned()
}

pub(crate) fn attempt(
    method: &str,
    path_and_query: &str,
    headers: &http::HeaderMap,
    body: &[u8],
) -> Attempt {
    Attempt {
        method: method.to_owned(),
        path_and_query: path_and_query.to_owned(),
        api_key: header(headers, HEADER_API_KEY),
        timestamp: header(headers, HEADER_TIMESTAMP),
        signature: header(headers, HEADER_SIGNATURE),
        body: body.to_vec(),
        status: 0,
    }
}

/// Checks every recorded attempt independently of the sandbox: each carries
/// its own timestamp and signature, later than the one before, and each
/// verifies with the token's secret.
pub(crate) fn assert_each_attempt_freshly_signed(fixture: &Fixture, attempts: &[Attempt]) {
    let signer = fixture.signer();
    for pair in attempts.windows(2) {
        assert!(
            pair[0].timestamp < pair[1].timestamp,
            "attempts must carry increasing timestamps: {attempts:#?}"
        );
        assert_ne!(pair[0].signature, pair[1].signature);
    }
    for attempt in attempts {
        assert_eq!(attempt.api_key, fixture.credentials.token_id);
        let now = limitless_auth::Timestamp::parse(&attempt.timestamp)
            .unwrap()
            .to_system_time();
        let verified = Verifier::default().verify(
            &VerificationRequest {
                api_key: Some(&attempt.api_key),
                timestamp: Some(&attempt.timestamp),
                signature: Some(&attempt.signature),
                method: &attempt.method,
                path_and_query: &attempt.path_and_query,
                body: &attempt.body,
            },
            &|_: &str| Some(signer.clone()),
            now,
        );
        assert_eq!(
            verified.as_deref(),
            Ok(fixture.credentials.token_id.as_str())
        );
    }
}
