//! A hostile or flaky gateway: one that accepts and drops, refuses the
//! credentials on a reconnect, or sends oversized messages; and the
//! handshake's credentials kept out of every log.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use limitless_ws::{Error, EventStream, ReconnectPolicy, StreamItem, tungstenite};
use serde_json::json;

use crate::support::{Proxy, Script, Server, TOKEN_ID, credentials, next};

fn quick() -> ReconnectPolicy {
    ReconnectPolicy::new()
        .initial_delay(Duration::from_millis(10))
        .max_delay(Duration::from_millis(50))
        .jitter(false)
}

/// The `Reconnecting` attempts a stream reports until it is closed, and
/// the error that closed it (connection notices may collapse, so not
/// every attempt need be seen).
async fn until_closed(stream: &mut EventStream) -> (Vec<u32>, Error) {
    let mut attempts = Vec::new();
    loop {
        match next(stream).await {
            StreamItem::Reconnecting { attempt, .. } => attempts.push(attempt),
            StreamItem::Closed(error) => return (attempts, error),
            StreamItem::Reconnected | StreamItem::Event(_) => {}
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test]
async fn a_gateway_that_accepts_and_drops_meets_a_growing_backoff() {
    let server = Server::start(Script::default()).await;
    let ws = server
        .client()
        .reconnect(
            quick()
                .max_attempts(4)
                .healthy_after(Duration::from_secs(3600)),
        )
        .connect()
        .await
        .unwrap();
    let mut lifecycle = ws.subscribe_market_lifecycle().await.unwrap();
    server.set_script(Script {
        drop_on_connect: true,
        ..Script::default()
    });
    server.kick();

    // Every handshake succeeds, yet the attempts keep counting: no
    // connection stayed up long enough to be healthy.
    let (attempts, closed) = until_closed(&mut lifecycle).await;
    assert!(attempts.windows(2).all(|w| w[0] < w[1]), "{attempts:?}");
    assert_eq!(attempts.last(), Some(&4));
    let Error::ReconnectFailed { attempts, last } = &closed else {
        panic!("{closed:?}")
    };
    assert_eq!(*attempts, 4);
    assert!(matches!(**last, Error::ConnectionLost(_)), "{last:?}");
    // The first connection and four reconnects, each accepted.
    assert_eq!(server.read(|r| r.connections), 5);
}

#[tokio::test]
async fn a_connection_that_stayed_healthy_starts_the_count_again() {
    let server = Server::start(Script::default()).await;
    let ws = server
        .client()
        .reconnect(quick().max_attempts(1).healthy_after(Duration::ZERO))
        .connect()
        .await
        .unwrap();
    let mut lifecycle = ws.subscribe_market_lifecycle().await.unwrap();
    for _ in 0..3 {
        server.kick();
        let mut attempts = Vec::new();
        loop {
            match next(&mut lifecycle).await {
                StreamItem::Reconnecting { attempt, .. } => attempts.push(attempt),
                StreamItem::Reconnected => break,
                other => panic!("{other:?}"),
            }
        }
        // One attempt allowed, and it is always the first.
        assert_eq!(attempts, [1]);
    }
    ws.shutdown().await;
}

#[tokio::test]
async fn credentials_refused_on_reconnect_close_every_stream_with_the_refusal() {
    let server = Server::start(Script {
        require_auth: true,
        ..Script::default()
    })
    .await;
    let proxy = Proxy::start(server.addr).await;
    let ws = server
        .client()
        .url(proxy.url())
        .hmac_credentials(credentials())
        .reconnect(quick().max_auth_refusals(3))
        .connect()
        .await
        .unwrap();
    let mut lifecycle = ws.subscribe_market_lifecycle().await.unwrap();
    let mut all = ws.events();
    server.set_script(Script {
        require_auth: true,
        refuse_upgrades: usize::MAX,
        ..Script::default()
    });
    proxy.cut();

    for stream in [&mut lifecycle, &mut all] {
        let (_, closed) = until_closed(stream).await;
        assert!(
            matches!(&closed, Error::HandshakeRefused { status: 401, body } if body.contains("Invalid API key")),
            "{closed:?}"
        );
        assert!(futures_util::StreamExt::next(stream).await.is_none());
    }
    // The first handshake, then exactly three refused ones.
    assert_eq!(server.read(|r| r.handshakes.len()), 4);
    assert!(ws.is_closed());
}

#[tokio::test]
async fn refusals_during_a_rotation_are_ridden_out() {
    let server = Server::start(Script {
        require_auth: true,
        ..Script::default()
    })
    .await;
    let proxy = Proxy::start(server.addr).await;
    let ws = server
        .client()
        .url(proxy.url())
        .hmac_credentials(credentials())
        .reconnect(quick().max_auth_refusals(3))
        .connect()
        .await
        .unwrap();
    let mut lifecycle = ws.subscribe_market_lifecycle().await.unwrap();
    server.set_script(Script {
        require_auth: true,
        refuse_upgrades: 2,
        ..Script::default()
    });
    proxy.cut();
    loop {
        match next(&mut lifecycle).await {
            StreamItem::Reconnecting { .. } => {}
            StreamItem::Reconnected => break,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(server.read(|r| r.handshakes.len()), 4);
    ws.shutdown().await;
}

#[tokio::test]
async fn a_message_over_the_limit_ends_the_connection_not_the_process() {
    let server = Server::start(Script::default()).await;
    let ws = server
        .client()
        .reconnect(quick())
        .max_message_size(2048)
        .max_frame_size(2048)
        .connect()
        .await
        .unwrap();
    let mut all = ws.events();
    server.emit("orderEvent", &json!({"orderId": "x".repeat(8 * 1024)}));
    let reason = loop {
        match next(&mut all).await {
            StreamItem::Reconnecting { reason, .. } => break reason,
            StreamItem::Event(_) => {}
            other => panic!("{other:?}"),
        }
    };
    let Error::WebSocket(source) = &reason else {
        panic!("{reason:?}")
    };
    assert!(
        matches!(**source, tungstenite::Error::Capacity(_)),
        "{source:?}"
    );
    ws.shutdown().await;
}

#[test]
fn byte_limits_that_cannot_work_are_refused() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for builder in [
        limitless_ws::WsClient::builder().max_message_size(0),
        limitless_ws::WsClient::builder().buffer_bytes(0),
        limitless_ws::WsClient::builder()
            .max_message_size(1024)
            .max_frame_size(2048),
    ] {
        let error = runtime.block_on(builder.connect()).unwrap_err();
        assert!(matches!(error, Error::Config(_)), "{error:?}");
    }
}

/// Everything `log` and `tracing` write, from every test of the process.
fn captured() -> &'static Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&logs);
        // tungstenite logs through `log`: capture it all, at TRACE.
        log::set_boxed_logger(Box::new(Capture(sink))).expect("the only logger");
        log::set_max_level(log::LevelFilter::Trace);
        logs
    })
}

struct Capture(Arc<Mutex<Vec<u8>>>);

/// Whether a log target is the client's: the test server (socketioxide,
/// axum, hyper) may log the headers it received.
fn client_side(target: &str) -> bool {
    ["limitless_ws", "tungstenite", "tokio_tungstenite"]
        .iter()
        .any(|crate_name| target.starts_with(crate_name))
}

impl log::Log for Capture {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        client_side(metadata.target())
    }

    fn log(&self, record: &log::Record<'_>) {
        if !client_side(record.target()) {
            return;
        }
        let mut out = self.0.lock().unwrap();
        let _ = writeln!(
            out,
            "{} {}: {}",
            record.level(),
            record.target(),
            record.args()
        );
    }

    fn flush(&self) {}
}

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn no_credential_header_reaches_any_log() {
    const API_KEY: &str = "sentinel-api-key-5f3c";
    let logs = Arc::clone(captured());
    let sink = Arc::clone(&logs);
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(
            "limitless_ws=trace,tungstenite=trace,tokio_tungstenite=trace",
        ))
        .with_ansi(false)
        .with_writer(move || Capture(Arc::clone(&sink)))
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // One thread: the client's task logs under this subscriber too.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (signed, keyed) = runtime.block_on(async {
        let server = Server::start(Script {
            require_auth: true,
            ..Script::default()
        })
        .await;
        let ws = server
            .client()
            .hmac_credentials(credentials())
            .connect()
            .await
            .unwrap();
        ws.shutdown().await;
        let keyed = server.client().api_key(API_KEY).connect().await;
        let handshakes = server.read(|r| r.handshakes.clone());
        (handshakes, keyed)
    });
    // The credentials did reach the server, on the wire.
    assert_eq!(signed[0].verified, Some(Ok(TOKEN_ID.to_owned())));
    assert_eq!(signed[1].x_api_key.as_deref(), Some(API_KEY));
    assert!(keyed.is_err(), "the server knows no API key");

    let text = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    // The capture works: tungstenite's trace of the request is in it.
    assert!(text.contains("Request:"), "{text}");
    for secret in [TOKEN_ID, API_KEY, "lmts-", "x-api-key"] {
        assert!(
            !text
                .to_ascii_lowercase()
                .contains(&secret.to_ascii_lowercase()),
            "{secret} logged:\n{text}"
        );
    }
}
