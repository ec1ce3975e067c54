//! A minimal HTTP/1.1 server on 127.0.0.1 answering every route with a
//! fixed JSON body, for measuring the client against a real socket. It does
//! no work per request beyond hyper's own, so what a benchmark sees above
//! the bare request is the client's.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::mpsc;

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
    let _ = body.collect().await;
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
