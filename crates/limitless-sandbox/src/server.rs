//! The accept loop: HTTP/1 connections served by hyper directly (not
//! `axum::serve`), so the sandbox controls what happens on the socket:
//! a header-read timeout, connections dropped on purpose by the fault modes,
//! upgrades to the Socket.IO API, and graceful shutdown.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Notify, oneshot, watch};

use crate::feed::{SocketLines, Tap, TappedIo};
use crate::guard::JsonRefusals;
use crate::state::App;

/// Marks a response the client must never see: the connection that carries
/// it is closed instead, with nothing written.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DropConnection;

/// The largest request head hyper buffers. Generous on purpose: a head
/// read in full is refused cleanly (hyper's 414 for a long URI, the
/// router's 431 for large headers, both JSON), where one cut off mid-read
/// would be closed while the client is still sending.
const MAX_HEAD_BYTES: usize = 4 << 20;

/// How long to wait for in-flight requests at shutdown before closing
/// their connections anyway.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Serves `router` on `listener` until `stop` fires.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    app: App,
    header_read_timeout: Duration,
    stop: oneshot::Receiver<()>,
) {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout)
        .max_buf_size(MAX_HEAD_BYTES);
    // Graceful shutdown by hand: hyper-util's `GracefulShutdown` cannot
    // watch a connection that may upgrade, and its auto builder reads a
    // protocol preface before the header-read timeout starts. Each
    // connection holds a receiver; shutdown signals them all and waits
    // until every one is dropped.
    let (shutdown, _) = watch::channel(());
    let lines = Arc::clone(app.sockets().lines());
    tokio::pin!(stop);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    // Out of file descriptors and the like: back off
                    // briefly instead of spinning.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        let dropped = Arc::new(Notify::new());
        let tap = Arc::new(Tap::default());
        let service = ConnectionService {
            inner: TowerToHyperService::new(router.clone()),
            dropped: Arc::clone(&dropped),
            tap: Arc::clone(&tap),
            lines: Arc::clone(&lines),
        };
        let io = TappedIo::new(
            JsonRefusals::new(TokioIo::new(stream)),
            tap,
            Arc::clone(&lines),
        );
        let connection = builder.serve_connection(io, service).with_upgrades();
        let mut stopping = shutdown.subscribe();
        tokio::spawn(async move {
            tokio::pin!(connection);
            let mut graceful = false;
            loop {
                tokio::select! {
                    served = connection.as_mut() => {
                        if let Err(error) = served {
                            tracing::debug!(%error, "connection ended with an error");
                        }
                        break;
                    }
                    // Dropping the connection future closes the socket; the
                    // response the handler produced is never written.
                    () = dropped.notified() => break,
                    changed = stopping.changed(), if !graceful => {
                        graceful = true;
                        if changed.is_ok() {
                            connection.as_mut().graceful_shutdown();
                        }
                    }
                }
            }
            // Tells shutdown this connection is done.
            drop(stopping);
        });
    }
    drop(listener);
    let _ = shutdown.send(());
    let sockets = app.sockets().close();
    let drained = async {
        shutdown.closed().await;
        sockets.await;
    };
    if tokio::time::timeout(SHUTDOWN_GRACE, drained).await.is_err() {
        tracing::warn!("connections still open after the shutdown grace period");
    }
}

/// The router as a hyper service for one connection, with that
/// connection's drop switch.
#[derive(Clone)]
struct ConnectionService {
    inner: TowerToHyperService<Router>,
    dropped: Arc<Notify>,
    /// The connection's switch, handed to the socket faults once the
    /// connection upgrades.
    tap: Arc<Tap>,
    lines: Arc<SocketLines>,
}

impl hyper::service::Service<Request<Incoming>> for ConnectionService {
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Body>, Infallible>> + Send>>;

    fn call(&self, request: Request<Incoming>) -> Self::Future {
        let response = self.inner.call(request);
        let dropped = Arc::clone(&self.dropped);
        let tap = Arc::clone(&self.tap);
        let lines = Arc::clone(&self.lines);
        Box::pin(async move {
            let response = response.await?;
            if response.status() == StatusCode::SWITCHING_PROTOCOLS {
                lines.adopt(&tap);
            }
            if response.extensions().get::<DropConnection>().is_some() {
                // `notify_one` keeps the permit if the connection task is
                // not waiting yet; this future then never completes, so
                // hyper never writes the response.
                dropped.notify_one();
                return std::future::pending().await;
            }
            Ok(response)
        })
    }
}
