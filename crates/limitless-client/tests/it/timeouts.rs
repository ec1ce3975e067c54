//! Timeouts: finite by default (read through the builder), and a server that
//! never answers or a body that stalls fails the call on both backends.

use std::time::Duration;

use limitless_client::{
    Client, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, Error, TransportErrorKind,
};
use limitless_transport::test_util::MockTransport;
use limitless_transport::{HyperTransport, ReqwestTransport, SharedTransport};

use crate::fault_server::{Fault, FaultServer};
use crate::faults::tokens_json;
use crate::support::{assert_no_secrets, credentials};

const SHORT: Duration = Duration::from_millis(200);

#[test]
fn the_defaults_are_finite_constants() {
    assert_eq!(DEFAULT_CONNECT_TIMEOUT, Duration::from_secs(10));
    assert_eq!(DEFAULT_TIMEOUT, Duration::from_secs(30));
    // A custom transport brings its own settings: the client cannot know them.
    let custom = Client::builder()
        .transport(MockTransport::new())
        .build()
        .unwrap();
    assert_eq!((custom.timeout(), custom.connect_timeout()), (None, None));
    let error = Client::builder()
        .transport(MockTransport::new())
        .connect_timeout(SHORT)
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("connect_timeout"), "{error}");
}

#[cfg(any(feature = "reqwest", feature = "hyper"))]
#[test]
fn the_builder_gives_the_default_transport_finite_timeouts() {
    let default = Client::builder().build().unwrap();
    assert_eq!(default.timeout(), Some(DEFAULT_TIMEOUT));
    assert_eq!(default.connect_timeout(), Some(DEFAULT_CONNECT_TIMEOUT));

    let tuned = Client::builder()
        .timeout(Duration::from_secs(3))
        .connect_timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    assert_eq!(tuned.timeout(), Some(Duration::from_secs(3)));
    assert_eq!(tuned.connect_timeout(), Some(Duration::from_secs(1)));

    // A short total timeout keeps a connect timeout that can fire.
    let short = Client::builder()
        .timeout(Duration::from_secs(3))
        .build()
        .unwrap();
    assert_eq!(short.connect_timeout(), Some(Duration::from_millis(1_500)));

    for unusable in [
        Client::builder().timeout(Duration::ZERO).build(),
        Client::builder().connect_timeout(Duration::ZERO).build(),
        Client::builder()
            .timeout(Duration::from_secs(5))
            .connect_timeout(Duration::from_secs(5))
            .build(),
    ] {
        assert!(
            matches!(unusable, Err(Error::Config { .. })),
            "{unusable:?}"
        );
    }
}

/// Runs `list_tokens` against `fault` (no retries) and returns the error.
/// The guard only turns a hang into a failure; it is far above `SHORT`.
async fn list_tokens_on(fault: Fault, transport: Option<SharedTransport>) -> Error {
    let server = FaultServer::start([fault], Fault::json(200, &tokens_json())).await;
    let mut builder = Client::builder()
        .base_url(server.url())
        .hmac_credentials(credentials())
        .no_retries();
    builder = match transport {
        Some(transport) => builder.transport(transport),
        None => builder.timeout(SHORT),
    };
    let client = Client::from_http_client(builder.build().unwrap()).unwrap();
    let error = tokio::time::timeout(Duration::from_secs(30), client.api_tokens.list_tokens())
        .await
        .expect("the client hung instead of timing out")
        .unwrap_err();
    assert_eq!(server.count("GET", "/auth/api-tokens"), 1);
    assert_no_secrets(&error);
    error
}

#[track_caller]
fn assert_timed_out(backend: &str, error: &Error, kinds: &[TransportErrorKind]) {
    match error {
        Error::Transport { source, .. } => {
            assert!(
                kinds.contains(&source.kind()),
                "{backend}: {:?}",
                source.kind()
            );
            assert!(source.may_have_been_sent(), "{backend}");
        }
        other => panic!("{backend}: expected a timeout, got {other:?}"),
    }
}

fn transports() -> Vec<(&'static str, SharedTransport)> {
    vec![
        (
            "reqwest",
            SharedTransport::new(ReqwestTransport::builder().timeout(SHORT).build().unwrap()),
        ),
        (
            "hyper",
            SharedTransport::new(HyperTransport::builder().timeout(SHORT).build().unwrap()),
        ),
    ]
}

#[tokio::test]
async fn a_server_that_never_answers_fails_with_a_timeout() {
    for (name, transport) in transports() {
        let error = list_tokens_on(Fault::SlowHeaders, Some(transport)).await;
        assert_timed_out(name, &error, &[TransportErrorKind::Timeout]);
    }
}

#[tokio::test]
async fn a_body_that_stalls_fails_too() {
    for (name, transport) in transports() {
        let error = list_tokens_on(Fault::StallBody, Some(transport)).await;
        // Reported as a timeout (or a body failure caused by one).
        assert_timed_out(
            name,
            &error,
            &[TransportErrorKind::Timeout, TransportErrorKind::Body],
        );
    }
}

#[cfg(any(feature = "reqwest", feature = "hyper"))]
#[tokio::test]
async fn the_builder_timeout_applies_to_the_default_transport() {
    let error = list_tokens_on(Fault::SlowHeaders, None).await;
    assert_timed_out("default", &error, &[TransportErrorKind::Timeout]);
    let error = list_tokens_on(Fault::StallBody, None).await;
    assert_timed_out(
        "default",
        &error,
        &[TransportErrorKind::Timeout, TransportErrorKind::Body],
    );
}
