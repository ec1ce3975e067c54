//! The accept loop: HTTP/1 connections served by hyper directly (not
//! `axum::serve`), so the sandbox controls what happens on the socket:
//! a header-read timeout, connections dropped on purpose by the fault mode,
//! and graceful shutdown.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Notify, oneshot};

use crate::guard::JsonRefusals;

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
    header_read_timeout: Duration,
    stop: oneshot::Receiver<()>,
) {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout)
        .max_buf_size(MAX_HEAD_BYTES);
    let graceful = GracefulShutdown::new();
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
        let service = ConnectionService {
            inner: TowerToHyperService::new(router.clone()),
            dropped: Arc::clone(&dropped),
        };
        let io = JsonRefusals::new(TokioIo::new(stream));
        let connection = graceful.watch(builder.serve_connection(io, service));
        tokio::spawn(async move {
            tokio::select! {
                served = connection => {
                    if let Err(error) = served {
                        tracing::debug!(%error, "connection ended with an error");
                    }
                }
                // Dropping the connection future closes the socket; the
                // response the handler produced is never written.
                () = dropped.notified() => {}
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("connections still open after the shutdown grace period");
    }
}

/// The router as a hyper service for one connection, with that
/// connection's drop switch.
#[derive(Clone)]
struct ConnectionService {
    inner: TowerToHyperService<Router>,
    dropped: Arc<Notify>,
}

impl hyper::service::Service<Request<Incoming>> for ConnectionService {
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Body>, Infallible>> + Send>>;

    fn call(&self, request: Request<Incoming>) -> Self::Future {
        let response = self.inner.call(request);
        let dropped = Arc::clone(&self.dropped);
        Box::pin(async move {
            let response = response.await?;
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
