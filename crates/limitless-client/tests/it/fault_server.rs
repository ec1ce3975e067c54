//! A scripted HTTP/1.1 server on 127.0.0.1 that misbehaves on purpose.
//!
//! Each request takes the next [`Fault`] of the script (the fallback once the
//! script is used up). Every response closes its connection, so each request
//! arrives on a connection of its own and is counted exactly once. The
//! server records every request it read: method, path and query, headers and
//! the exact body bytes.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// What the server does with one request.
#[derive(Clone, Debug)]
pub(crate) enum Fault {
    /// A complete response.
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Reads the request, then resets the connection (RST) without a byte.
    Reset,
    /// Sends a 200 whose `content-length` promises more than is sent, then
    /// closes the connection.
    Truncated,
    /// Reads the request and never answers (headers never come).
    SlowHeaders,
    /// Sends a 200's headers and part of the body, then sends nothing more
    /// while keeping the connection open.
    StallBody,
}

impl Fault {
    /// A JSON response.
    pub(crate) fn json(status: u16, body: &serde_json::Value) -> Self {
        Self::Respond {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }

    /// A response with the given headers and text body.
    pub(crate) fn with_headers(status: u16, headers: &[(&str, &str)], body: &str) -> Self {
        Self::Respond {
            status,
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    /// A 200 whose body is not valid JSON.
    pub(crate) fn malformed_json() -> Self {
        Self::with_headers(
            200,
            &[("content-type", "application/json")],
            r#"{"id":"ord-1","#,
        )
    }

    /// An error status with a JSON message.
    pub(crate) fn status(status: u16) -> Self {
        Self::json(
            status,
            &serde_json::json!({"message": format!("status {status}")}),
        )
    }
}

/// One request as the server read it.
#[derive(Clone, Debug)]
pub(crate) struct Received {
    pub(crate) method: String,
    pub(crate) path_and_query: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Received {
    /// The first value of header `name` (case-insensitive).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug)]
struct State {
    script: VecDeque<Fault>,
    fallback: Fault,
    received: Vec<Received>,
}

/// The running server; dropping it stops it and closes every connection.
#[derive(Debug)]
pub(crate) struct FaultServer {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    task: JoinHandle<()>,
}

impl FaultServer {
    /// Starts a server answering `script` in order, then `fallback`.
    pub(crate) async fn start(script: impl IntoIterator<Item = Fault>, fallback: Fault) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State {
            script: script.into_iter().collect(),
            fallback,
            received: Vec::new(),
        }));
        let shared = Arc::clone(&state);
        let task = tokio::spawn(async move {
            let mut connections = JoinSet::new();
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                connections.spawn(serve(stream, Arc::clone(&shared)));
            }
        });
        Self { addr, state, task }
    }

    /// `http://127.0.0.1:<port>`.
    pub(crate) fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request read so far, oldest first.
    pub(crate) fn received(&self) -> Vec<Received> {
        lock(&self.state).received.clone()
    }

    /// The requests read so far with `method` and exactly `path`.
    pub(crate) fn count(&self, method: &str, path: &str) -> usize {
        lock(&self.state)
            .received
            .iter()
            .filter(|r| r.method == method && r.path_and_query == path)
            .count()
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

async fn serve(mut stream: TcpStream, state: Arc<Mutex<State>>) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    let fault = {
        let mut state = lock(&state);
        state.received.push(request);
        state
            .script
            .pop_front()
            .unwrap_or_else(|| state.fallback.clone())
    };
    match fault {
        Fault::Respond {
            status,
            headers,
            body,
        } => {
            let mut head = format!(
                "HTTP/1.1 {status} {}\r\ncontent-length: {}\r\nconnection: close\r\n",
                reason(status),
                body.len()
            );
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str("\r\n");
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(&body).await;
            let _ = stream.shutdown().await;
        }
        Fault::Reset => {
            let _ = stream.set_zero_linger();
            drop(stream);
        }
        Fault::Truncated => {
            let _ = stream.write_all(PARTIAL_200).await;
            let _ = stream.write_all(br#""ord-1""#).await;
            let _ = stream.shutdown().await;
        }
        Fault::SlowHeaders => hold(stream).await,
        Fault::StallBody => {
            let _ = stream.write_all(PARTIAL_200).await;
            let _ = stream.flush().await;
            hold(stream).await;
        }
    }
}

/// A 200 promising a 64-byte body, and its first bytes.
const PARTIAL_200: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 64\r\nconnection: close\r\n\r\n{\"id\":";

/// Keeps the connection open, silent, until the server is dropped.
async fn hold(stream: TcpStream) {
    tokio::time::sleep(Duration::from_secs(3_600)).await;
    drop(stream);
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        401 => "Unauthorized",
        425 => "Too Early",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// Reads one request: head up to the blank line, then `content-length` bytes.
async fn read_request(stream: &mut TcpStream) -> Option<Received> {
    let mut buffer = Vec::new();
    let mut chunk = [0_u8; 4096];
    let head_end = loop {
        if let Some(end) = find(&buffer, b"\r\n\r\n") {
            break end;
        }
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let path_and_query = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..read]);
    }
    body.truncate(length);
    Some(Received {
        method,
        path_and_query,
        headers,
        body,
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
