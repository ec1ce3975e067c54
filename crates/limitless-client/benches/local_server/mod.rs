//! A minimal HTTP/1.1 server on 127.0.0.1 answering every route with a
//! fixed JSON body, for measuring the client against a real socket. It does
//! no work per request beyond hyper's own, so what a benchmark sees above
//! the bare request is the client's.
//!
//! Shared by the client's bench, its `hot_path` test and `compare/` (which
//! includes this file by path). For the comparison it counts the
//! connections it accepts (a client that keeps too few idle connections
//! reconnects, and that shows here) and, while [`record`] is on, keeps each
//! request so the signatures can be checked once before timing. While
//! recording is off a request costs one relaxed atomic load more, on every
//! side of every ratio alike.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError, mpsc};

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode, header};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

/// `GET /auth/api-tokens`: the tokens of the partner.
pub(crate) const TOKENS: &str = r#"[{"tokenId":"tok_bench","label":"bench","scopes":["trading","delegated_signing"],"createdAt":"2026-03-23T12:34:56.789Z","lastUsedAt":"2026-03-23T12:35:00.000Z"}]"#;

/// `GET /markets/{slug}`: a market on a legacy (fee-module-free) venue.
pub(crate) const MARKET: &str = r#"{"id":4821,"slug":"btc-above-100k","title":"Will BTC close above $100k?","status":"FUNDED","tokens":{"yes":"123","no":"456"},"prices":[0.55,0.45],"venue":{"exchange":"0xa4409D988CA2218d956BeEFD3874100F444f0DC3","adapter":null}}"#;

/// `POST /orders`: the placed order.
pub(crate) const ORDER: &str = r#"{"order":{"id":"ord-1","createdAt":"2026-03-23T12:34:56.789Z","makerAmount":5500000,"takerAmount":10000000,"expiration":"0","signatureType":0,"salt":"1795000000000001","maker":"0x0000000000000000000000000000000000000000","signer":"0x0000000000000000000000000000000000000000","taker":"0x0000000000000000000000000000000000000000","tokenId":"123","side":0,"feeRateBps":300,"nonce":0,"signature":"0xsig","orderType":"GTC","price":0.55,"marketId":4821},"makerMatches":[]}"#;

/// Connections accepted by every server of the process so far.
static ACCEPTED: AtomicU64 = AtomicU64::new(0);
static RECORDING: AtomicBool = AtomicBool::new(false);
static RECORDED: Mutex<Vec<Recorded>> = Mutex::new(Vec::new());

/// One request as received, while [`record`] was on.
#[derive(Debug, Clone)]
pub(crate) struct Recorded {
    pub(crate) method: String,
    pub(crate) path_and_query: String,
    /// Every header, names lowercase, in arrival order.
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Recorded {
    /// The value of header `name` (lowercase), if present.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Connections accepted so far by the servers of this process.
pub(crate) fn accepted() -> u64 {
    ACCEPTED.load(Ordering::Relaxed)
}

/// Starts (`true`) or stops (`false`) recording requests; stopping returns
/// what was recorded.
pub(crate) fn record(on: bool) -> Vec<Recorded> {
    RECORDING.store(on, Ordering::Relaxed);
    std::mem::take(&mut *RECORDED.lock().unwrap_or_else(PoisonError::into_inner))
}

/// Starts the server on its own thread and runtime (`workers` threads) and
/// returns its address. It runs until the process exits.
pub(crate) fn start(workers: usize) -> SocketAddr {
    let (sender, receiver) = mpsc::channel();
    std::thread::Builder::new()
        .name("local-server".into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(workers)
                .enable_all()
                .build()
                .expect("server runtime");
            runtime.block_on(async move {
                sender.send(serve().await.expect("bind")).ok();
                std::future::pending::<()>().await;
            });
        })
        .expect("server thread");
    receiver.recv().expect("server address")
}

/// Binds 127.0.0.1 on a free port and serves from tasks on the current
/// runtime, for as long as it runs.
pub(crate) async fn serve() -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            ACCEPTED.fetch_add(1, Ordering::Relaxed);
            stream.set_nodelay(true).ok();
            tokio::spawn(async move {
                // A client closing its connection ends it; that is fine.
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service_fn(respond))
                    .await;
            });
        }
    });
    Ok(address)
}

async fn respond(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = request.into_parts();
    // Read the whole request so the connection can be reused.
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    if RECORDING.load(Ordering::Relaxed) {
        let recorded = Recorded {
            method: parts.method.as_str().to_owned(),
            path_and_query: parts
                .uri
                .path_and_query()
                .map_or_else(|| parts.uri.path().to_owned(), |pq| pq.as_str().to_owned()),
            headers: parts
                .headers
                .iter()
                .map(|(name, value)| {
                    let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                    (name.as_str().to_owned(), value)
                })
                .collect(),
            body: body.to_vec(),
        };
        RECORDED
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(recorded);
    }
    let path = parts.uri.path();
    let (status, body) = match parts.method {
        Method::GET if path == "/auth/api-tokens" => (StatusCode::OK, TOKENS),
        Method::GET if path.starts_with("/markets/") => (StatusCode::OK, MARKET),
        Method::POST if path == "/orders" => (StatusCode::CREATED, ORDER),
        _ => (StatusCode::NOT_FOUND, r#"{"message":"Not found"}"#),
    };
    let mut response = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    Ok(response)
}
