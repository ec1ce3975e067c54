//! Timeouts: finite by default (read through the builder), a server that
//! never answers or a body that stalls fails the call on both backends, and
//! the client's own deadline holds on any transport, even one that never
//! completes.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use limitless_client::http::{Request, Response};
use limitless_client::{
    Client, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, Error, Transport, TransportError,
    TransportErrorKind,
};
use limitless_transport::test_util::MockTransport;
use limitless_transport::{Bytes, HyperTransport, ReqwestTransport, SharedTransport, transport_fn};

use crate::fault_server::{Fault, FaultServer};
use crate::faults::{order, tokens_json};
use crate::support::{assert_no_secrets, credentials, market_json};

const SHORT: Duration = Duration::from_millis(200);

#[test]
fn the_defaults_are_finite_constants() {
    assert_eq!(DEFAULT_CONNECT_TIMEOUT, Duration::from_secs(10));
    assert_eq!(DEFAULT_TIMEOUT, Duration::from_secs(30));
    // A custom transport: the client's deadline still applies; connecting
    // is the transport's business.
    let custom = Client::builder()
        .transport(MockTransport::new())
        .build()
        .unwrap();
    assert_eq!(
        (custom.timeout(), custom.connect_timeout()),
        (DEFAULT_TIMEOUT, None)
    );
    let tuned = Client::builder()
        .transport(MockTransport::new())
        .timeout(SHORT)
        .build()
        .unwrap();
    assert_eq!(tuned.timeout(), SHORT);
    let error = Client::builder()
        .transport(MockTransport::new())
        .connect_timeout(SHORT)
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("connect_timeout"), "{error}");
    let error = Client::builder()
        .transport(MockTransport::new())
        .timeout(Duration::ZERO)
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("timeout"), "{error}");
}

/// A transport whose requests never complete, counting them.
fn never_completes(calls: Arc<AtomicUsize>) -> impl Transport {
    transport_fn(move |_request: Request<Bytes>| {
        calls.fetch_add(1, Ordering::SeqCst);
        std::future::pending::<Result<Response<Bytes>, TransportError>>()
    })
}

/// A client on `transport` with HMAC credentials and no retries.
fn client_on(transport: impl Transport, timeout: Option<Duration>) -> Client {
    let mut builder = Client::builder()
        .transport(transport)
        .hmac_credentials(credentials())
        .no_retries();
    if let Some(timeout) = timeout {
        builder = builder.timeout(timeout);
    }
    Client::from_http_client(builder.build().unwrap()).unwrap()
}

#[track_caller]
fn assert_client_deadline(error: &Error) {
    match error {
        Error::Transport { source, .. } => {
            assert_eq!(source.kind(), TransportErrorKind::Timeout);
            assert!(source.may_have_been_sent());
        }
        other => panic!("expected the client's timeout, got {other:?}"),
    }
    assert_no_secrets(error);
}

#[tokio::test]
async fn a_transport_that_never_completes_meets_the_clients_deadline() {
    let calls = Arc::new(AtomicUsize::new(0));
    let client = client_on(never_completes(Arc::clone(&calls)), Some(SHORT));
    // The guard only turns a hang into a failure; it is far above `SHORT`.
    let error = tokio::time::timeout(Duration::from_secs(30), client.api_tokens.list_tokens())
        .await
        .expect("the client hung on a transport that never completes")
        .unwrap_err();
    assert_client_deadline(&error);
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    // An order: answered market lookup, then a POST that never completes.
    // The deadline means it may have been sent: the outcome is unknown.
    let mock = MockTransport::new();
    mock.push_json(200, &market_json("btc", None));
    let posts = Arc::new(AtomicUsize::new(0));
    let transport = {
        let never = SharedTransport::new(never_completes(Arc::clone(&posts)));
        transport_fn(move |request: Request<Bytes>| {
            let mock = mock.clone();
            let pending = (request.method() == "POST").then(|| never.clone());
            async move {
                match pending {
                    Some(never) => never.send(request).await,
                    None => mock.send(request).await,
                }
            }
        })
    };
    let client = client_on(transport, Some(SHORT));
    let error = tokio::time::timeout(
        Duration::from_secs(30),
        client.delegated_orders.create_order(&order()),
    )
    .await
    .expect("the client hung on a transport that never completes")
    .unwrap_err();
    let Error::OutcomeUnknown { source, orders, .. } = &error else {
        panic!("expected OutcomeUnknown, got {error:?}");
    };
    assert_client_deadline(source);
    assert_eq!(orders.len(), 1);
    assert_eq!(posts.load(Ordering::SeqCst), 1, "never sent twice");
}

/// On paused time: the wait is virtual, and exact.
#[tokio::test(start_paused = true)]
async fn the_default_deadline_applies_to_a_custom_transport() {
    let calls = Arc::new(AtomicUsize::new(0));
    let client = client_on(never_completes(Arc::clone(&calls)), None);
    let started = tokio::time::Instant::now();
    let error = client.api_tokens.list_tokens().await.unwrap_err();
    assert_client_deadline(&error);
    assert_eq!(started.elapsed(), DEFAULT_TIMEOUT);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[cfg(any(feature = "reqwest", feature = "hyper"))]
#[test]
fn the_builder_gives_the_default_transport_finite_timeouts() {
    let default = Client::builder().build().unwrap();
    assert_eq!(default.timeout(), DEFAULT_TIMEOUT);
    assert_eq!(default.connect_timeout(), Some(DEFAULT_CONNECT_TIMEOUT));

    let tuned = Client::builder()
        .timeout(Duration::from_secs(3))
        .connect_timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    assert_eq!(tuned.timeout(), Duration::from_secs(3));
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

/// A listener whose accept queue is full and never drained: Linux then drops
/// further SYNs, so a connect hangs until the client's connect timeout.
#[cfg(any(feature = "reqwest", feature = "hyper"))]
async fn saturated_listener() -> (tokio::net::TcpListener, Vec<tokio::net::TcpStream>) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut fillers = Vec::new();
    // Setup only: connect until a handshake no longer completes.
    for _ in 0..16 {
        let attempt = tokio::net::TcpStream::connect(addr);
        match tokio::time::timeout(Duration::from_millis(200), attempt).await {
            Ok(Ok(stream)) => fillers.push(stream),
            _ => break,
        }
    }
    (listener, fillers)
}

/// The connect timeout set through the builder fires on the default
/// transport, and is reported as not sent: even a POST that is not
/// idempotent is a plain transport error, not an unknown outcome.
#[cfg(any(feature = "reqwest", feature = "hyper"))]
#[tokio::test]
async fn the_builder_connect_timeout_fires_and_means_not_sent() {
    let (listener, _fillers) = saturated_listener().await;
    let http = Client::builder()
        .base_url(format!("http://{}", listener.local_addr().unwrap()))
        .connect_timeout(SHORT)
        .timeout(Duration::from_secs(20))
        .hmac_credentials(credentials())
        .no_retries()
        .build()
        .unwrap();
    let client = Client::from_http_client(http).unwrap();
    let read = client.api_tokens.list_tokens();
    let derive = client
        .api_tokens
        .derive_token(crate::support::IDENTITY, &Default::default());
    for call in [read.await.map(|_| ()), derive.await.map(|_| ())] {
        let error = call.unwrap_err();
        match &error {
            Error::Transport { source, .. } => {
                assert_eq!(source.kind(), TransportErrorKind::Timeout, "{error:?}");
                assert!(!source.may_have_been_sent(), "{error:?}");
            }
            other => panic!("expected a connect timeout, got {other:?}"),
        }
        assert!(!error.may_have_been_sent());
        assert_no_secrets(&error);
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
