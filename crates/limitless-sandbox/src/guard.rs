//! API-shaped answers for requests hyper refuses before the router sees
//! them (a request line or header that does not parse, a URI or head too
//! large). hyper answers those itself with an empty body; this connection
//! wrapper swaps such an answer for the same status with the API's JSON
//! error body, so every refusal a client can get from the sandbox decodes
//! the same way.
//!
//! The router never writes an error without a body, so "an error status
//! with `content-length: 0` and nothing after the head" identifies hyper's
//! own refusals exactly.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use axum::http::StatusCode;
use hyper::rt::{Read, ReadBufCursor, Write};

/// A connection whose automatic error answers carry JSON bodies.
#[derive(Debug)]
pub(crate) struct JsonRefusals<T> {
    inner: T,
    /// Bytes promised to hyper as written but not yet sent.
    pending: Vec<u8>,
    sent: usize,
}

impl<T> JsonRefusals<T> {
    pub(crate) fn new(inner: T) -> Self {
        Self {
            inner,
            pending: Vec::new(),
            sent: 0,
        }
    }

    /// The wrapped connection (anything still pending is discarded).
    pub(crate) fn into_inner(self) -> T {
        self.inner
    }
}

/// The JSON replacement for one of hyper's bodiless error answers, if `buf`
/// is one.
fn replacement(buf: &[u8]) -> Option<Vec<u8>> {
    let head_end = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    if head_end != buf.len() || !buf.starts_with(b"HTTP/1.1 ") {
        return None;
    }
    let code: u16 = std::str::from_utf8(buf.get(9..12)?).ok()?.parse().ok()?;
    let status = StatusCode::from_u16(code).ok()?;
    let head = String::from_utf8_lossy(buf);
    let header = |name: &str| {
        head.split("\r\n").skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    };
    if !status.is_client_error() && !status.is_server_error()
        || header("content-length").as_deref() != Some("0")
    {
        return None;
    }
    let message = match status {
        StatusCode::URI_TOO_LONG => "the request URI is too long",
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => {
            "the request line and headers are too large (the URI, a header, or all of them together)"
        }
        _ => {
            "the request could not be parsed: check the request line (method, path bytes, version) and the header names and values"
        }
    };
    let body = serde_json::json!({
        "message": message,
        "error": status.canonical_reason().unwrap_or("Error"),
        "statusCode": code,
    })
    .to_string();
    let date = header("date")
        .map(|d| format!("date: {d}\r\n"))
        .unwrap_or_default();
    let reason = status.canonical_reason().unwrap_or("Error");
    Some(
        format!(
            "HTTP/1.1 {code} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n{date}\r\n{body}",
            body.len()
        )
        .into_bytes(),
    )
}

impl<T: Write + Unpin> JsonRefusals<T> {
    /// Sends what is pending; ready once nothing is.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.sent < self.pending.len() {
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &self.pending[self.sent..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.sent += n;
        }
        self.pending.clear();
        self.sent = 0;
        Poll::Ready(Ok(()))
    }
}

impl<T: Read + Unpin> Read for JsonRefusals<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl<T: Write + Unpin> Write for JsonRefusals<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        if let Some(json) = replacement(buf) {
            this.pending = json;
            // hyper is told the whole head went out; flush and shutdown
            // send the replacement before anything else.
            if let Poll::Ready(Err(e)) = this.poll_pending(cx) {
                return Poll::Ready(Err(e));
            }
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }

    // Unvectored, so hyper hands each answer over as one buffer and a
    // bodiless head can be recognised whole.
    fn is_write_vectored(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bodiless_error_heads_are_replaced() {
        let refusal = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\ndate: Tue, 01 Sep 2026 10:00:00 GMT\r\n\r\n";
        let json = String::from_utf8(replacement(refusal).unwrap()).unwrap();
        let (head, body) = json.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{head}");
        assert!(head.contains("content-type: application/json"));
        assert!(head.contains(&format!("content-length: {}", body.len())));
        assert!(
            head.ends_with("\r\ndate: Tue, 01 Sep 2026 10:00:00 GMT"),
            "{head}"
        );
        let body: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(body["statusCode"], 400);
        assert_eq!(body["error"], "Bad Request");

        for kept in [
            &b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"[..],
            b"HTTP/1.1 404 Not Found\r\ncontent-length: 2\r\n\r\n{}",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n",
            b"{\"message\":\"x\"}",
        ] {
            assert!(
                replacement(kept).is_none(),
                "{:?}",
                String::from_utf8_lossy(kept)
            );
        }
    }
}
