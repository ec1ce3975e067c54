//! A tiny raw HTTP/1.1 server on 127.0.0.1 that records the exact bytes of
//! each request and answers as a test scripts it.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// What the server does with each request it reads.
#[derive(Clone, Debug)]
pub(crate) enum Behaviour {
    /// Writes these raw response bytes and keeps the connection open for
    /// the next request.
    Respond(Vec<u8>),
    /// Reads the request and never answers; holds the connection until the
    /// client closes it.
    NeverAnswer,
    /// Reads the request, then resets the connection (RST, not FIN).
    ResetAfterRequest,
    /// Answers with `Content-Length: 100` and only 10 body bytes, then closes.
    TruncatedBody,
    /// Streams a chunked body of `total` bytes (no `content-length`), 4 KiB
    /// per chunk, stopping early if the client hangs up; reports how many
    /// body bytes it managed to write in [`RawServer::streamed`].
    Chunked { total: usize },
}

/// One request as it arrived on the wire.
#[derive(Clone, Debug)]
pub(crate) struct WireRequest {
    /// Which accepted connection carried it, from 1.
    pub(crate) connection: usize,
    pub(crate) method: String,
    /// The request target: path and query.
    pub(crate) target: String,
    pub(crate) version: String,
    /// Header lines in wire order, names as sent.
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl WireRequest {
    /// Values of header `name` (case-insensitive), in wire order.
    pub(crate) fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

#[derive(Debug)]
pub(crate) struct RawServer {
    addr: SocketAddr,
    accepts: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<WireRequest>>>,
    streamed: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl RawServer {
    pub(crate) async fn start(behaviour: Behaviour) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let accepts = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let streamed = Arc::new(AtomicUsize::new(0));
        let task = tokio::spawn({
            let accepts = Arc::clone(&accepts);
            let requests = Arc::clone(&requests);
            let streamed = Arc::clone(&streamed);
            async move {
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        return;
                    };
                    let connection = accepts.fetch_add(1, Ordering::SeqCst) + 1;
                    tokio::spawn(serve(
                        stream,
                        connection,
                        behaviour.clone(),
                        Arc::clone(&requests),
                        Arc::clone(&streamed),
                    ));
                }
            }
        });
        Self {
            addr,
            accepts,
            requests,
            streamed,
            task,
        }
    }

    /// Body bytes written so far by [`Behaviour::Chunked`].
    pub(crate) fn streamed(&self) -> usize {
        self.streamed.load(Ordering::SeqCst)
    }

    /// `http://127.0.0.1:<port>` + `path_and_query`.
    pub(crate) fn url(&self, path_and_query: &str) -> String {
        format!("http://{}{path_and_query}", self.addr)
    }

    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many TCP connections were accepted.
    pub(crate) fn accepts(&self) -> usize {
        self.accepts.load(Ordering::SeqCst)
    }

    /// Every complete request read so far.
    pub(crate) fn requests(&self) -> Vec<WireRequest> {
        self.requests.lock().expect("lock").clone()
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    mut stream: TcpStream,
    connection: usize,
    behaviour: Behaviour,
    requests: Arc<Mutex<Vec<WireRequest>>>,
    streamed: Arc<AtomicUsize>,
) {
    let mut buffer = Vec::new();
    loop {
        let Some(request) = read_request(&mut stream, &mut buffer, connection).await else {
            return;
        };
        requests.lock().expect("lock").push(request);
        match &behaviour {
            Behaviour::Respond(response) => {
                if stream.write_all(response).await.is_err() {
                    return;
                }
            }
            Behaviour::NeverAnswer => {
                // Wait for the client to give up and close.
                let mut sink = [0_u8; 1024];
                while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
                return;
            }
            Behaviour::ResetAfterRequest => {
                // A zero linger makes the close send RST; it never blocks.
                #[allow(deprecated)]
                stream.set_linger(Some(Duration::ZERO)).expect("SO_LINGER");
                drop(stream);
                return;
            }
            Behaviour::Chunked { total } => {
                let head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
                if stream.write_all(head).await.is_err() {
                    return;
                }
                let chunk = [b'7'; 4096];
                let mut left = *total;
                while left > 0 {
                    let n = left.min(chunk.len());
                    let mut frame = format!("{n:x}\r\n").into_bytes();
                    frame.extend_from_slice(&chunk[..n]);
                    frame.extend_from_slice(b"\r\n");
                    if stream.write_all(&frame).await.is_err() {
                        return;
                    }
                    streamed.fetch_add(n, Ordering::SeqCst);
                    left -= n;
                }
                if stream.write_all(b"0\r\n\r\n").await.is_err() {
                    return;
                }
            }
            Behaviour::TruncatedBody => {
                let head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n";
                let _ = stream.write_all(head).await;
                let _ = stream.write_all(b"{\"partial\"").await;
                let _ = stream.shutdown().await;
                return;
            }
        }
    }
}

/// Reads one request (head and `content-length` body) from `stream`;
/// `None` at a clean end of the connection.
async fn read_request(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
    connection: usize,
) -> Option<WireRequest> {
    let head_end = loop {
        if let Some(pos) = find(buffer, b"\r\n\r\n") {
            break pos;
        }
        let mut chunk = [0_u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8(buffer[..head_end].to_vec()).expect("ASCII head");
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().expect("request line").splitn(3, ' ');
    let method = request_line.next().expect("method").to_owned();
    let target = request_line.next().expect("target").to_owned();
    let version = request_line.next().expect("version").to_owned();
    let headers: Vec<(String, String)> = lines
        .map(|line| {
            let (name, value) = line.split_once(':').expect("header line");
            (name.to_owned(), value.trim().to_owned())
        })
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .map_or(0, |(_, v)| v.parse().expect("numeric content-length"));
    let body_start = head_end + 4;
    while buffer.len() < body_start + length {
        let mut chunk = [0_u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let body = buffer[body_start..body_start + length].to_vec();
    buffer.drain(..body_start + length);
    Some(WireRequest {
        connection,
        method,
        target,
        version,
        headers,
        body,
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A raw HTTP/1.1 response with `content-length` set from `body`.
pub(crate) fn raw_response(status_line: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status_line}\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}
