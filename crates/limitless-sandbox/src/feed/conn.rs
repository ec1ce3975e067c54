//! Connections that can be cut or stalled from outside, for the socket
//! faults. Every accepted connection gets a [`Tap`]; the server marks it a
//! socket connection when it answers `101 Switching Protocols`, and from
//! then on [`SocketLines`] can reach it.
//!
//! Cutting works below Engine.IO on purpose: the server reads end-of-stream
//! and refuses to write, so the client sees its TCP connection close with
//! no Socket.IO disconnect packet, the way a network failure looks. A
//! client must reconnect after that (a server-initiated namespace
//! disconnect would tell it not to).

use std::io;
use std::mem;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::task::{Context, Poll, Waker};

use hyper::rt::{Read, ReadBuf, ReadBufCursor, Write};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use super::MAX_PAYLOAD;
use super::frames::{MessageLimit, Refusal};
use crate::guard::JsonRefusals;

const OPEN: u8 = 0;
/// Reads see end-of-stream, writes fail: the connection closes.
const CUT: u8 = 1;
/// Reads never complete and writes vanish: the peer hears nothing, and the
/// TCP connection stays open (held) after the server gives up on it.
const STALLED: u8 = 2;

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One connection's switch.
#[derive(Debug, Default)]
pub(crate) struct Tap {
    state: AtomicU8,
    /// Upgraded to a socket connection: reads register their waker so a
    /// switch wakes a read that is waiting.
    socket: AtomicBool,
    reader: Mutex<Option<Waker>>,
}

impl Tap {
    fn state(&self) -> u8 {
        self.state.load(Ordering::SeqCst)
    }

    /// Moves an open connection to `state`; false if it was not open.
    fn switch(&self, state: u8) -> bool {
        self.transition(OPEN, state)
    }

    /// Moves a stalled connection to `state`.
    fn restall(&self, state: u8) -> bool {
        self.transition(STALLED, state)
    }

    fn transition(&self, from: u8, to: u8) -> bool {
        let switched = self
            .state
            .compare_exchange(from, to, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok();
        if switched && let Some(waker) = lock(&self.reader).take() {
            waker.wake();
        }
        switched
    }
}

/// The socket connections of a server, for the faults.
#[derive(Debug, Default)]
pub(crate) struct SocketLines {
    taps: Mutex<Vec<Weak<Tap>>>,
    /// Stalled connections the server has finished with, kept open.
    held: Mutex<Vec<TcpStream>>,
    /// Connections closed for a message over the announced `maxPayload`.
    oversized: AtomicU64,
    /// Engine.IO pings are left out of what socket connections write.
    pings_stopped: AtomicBool,
}

impl SocketLines {
    /// Registers a connection that has just been upgraded.
    pub(crate) fn adopt(&self, tap: &Arc<Tap>) {
        tap.socket.store(true, Ordering::SeqCst);
        let mut taps = lock(&self.taps);
        taps.retain(|t| t.strong_count() > 0);
        taps.push(Arc::downgrade(tap));
    }

    fn switch_all(&self, state: u8) -> usize {
        let taps: Vec<Arc<Tap>> = lock(&self.taps).iter().filter_map(Weak::upgrade).collect();
        taps.iter().filter(|tap| tap.switch(state)).count()
    }

    /// Cuts every open socket connection; returns how many.
    pub(crate) fn cut_all(&self) -> usize {
        self.switch_all(CUT)
    }

    /// Stalls every open socket connection; returns how many.
    pub(crate) fn stall_all(&self) -> usize {
        self.switch_all(STALLED)
    }

    fn hold(&self, stream: TcpStream) {
        lock(&self.held).push(stream);
    }

    /// How many stalled connections are held open.
    pub(crate) fn held(&self) -> usize {
        lock(&self.held).len()
    }

    /// Ends every stall: connections still stalled are cut, and those
    /// already held are closed.
    pub(crate) fn end_stalls(&self) {
        let taps: Vec<Arc<Tap>> = lock(&self.taps).iter().filter_map(Weak::upgrade).collect();
        for tap in taps {
            tap.restall(CUT);
        }
        self.release_held();
    }

    /// Leaves Engine.IO pings out of every socket connection's writes
    /// (`true`) or lets them through again.
    pub(crate) fn stop_pings(&self, stopped: bool) {
        self.pings_stopped.store(stopped, Ordering::SeqCst);
    }

    /// How many connections were closed for an oversized message.
    pub(crate) fn oversized(&self) -> u64 {
        self.oversized.load(Ordering::Relaxed)
    }

    /// Closes the held connections.
    fn release_held(&self) {
        drop(mem::take(&mut *lock(&self.held)));
    }
}

type Inner = JsonRefusals<TokioIo<TcpStream>>;

/// The most a socket connection reads at once through its limit.
const SOCKET_READ: usize = 16 * 1024;

/// A connection's I/O behind its [`Tap`].
#[derive(Debug)]
pub(crate) struct TappedIo {
    /// Taken only on drop, to hold a stalled connection open.
    inner: Option<Inner>,
    tap: Arc<Tap>,
    lines: Arc<SocketLines>,
    /// The frames the client sends, once the connection is a socket.
    limit: Option<MessageLimit>,
    /// Where the server's writes stand in the frames it sends, once the
    /// connection is a socket: for leaving pings out.
    out: OutFrames,
}

impl TappedIo {
    pub(crate) fn new(inner: Inner, tap: Arc<Tap>, lines: Arc<SocketLines>) -> Self {
        Self {
            inner: Some(inner),
            tap,
            lines,
            limit: None,
            out: OutFrames::default(),
        }
    }

    /// Writes a socket connection's bytes, leaving out each Engine.IO ping
    /// frame that starts on a frame boundary while pings are stopped: the
    /// frame is reported written and never sent. Bytes before a ping are
    /// written on their own, so a ping is always the start of a write.
    fn poll_write_socket(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let clean = if self.lines.pings_stopped.load(Ordering::SeqCst) {
            let clean = self.out.clean_prefix(buf);
            if clean == 0 {
                self.out.advance(&buf[..PING_FRAME.len()]);
                return Poll::Ready(Ok(PING_FRAME.len()));
            }
            clean
        } else {
            buf.len()
        };
        let inner = match self.inner() {
            Ok(inner) => inner,
            Err(e) => return Poll::Ready(Err(e)),
        };
        let written = std::task::ready!(inner.poll_write(cx, &buf[..clean]))?;
        self.out.advance(&buf[..written]);
        Poll::Ready(Ok(written))
    }

    /// Reads a socket connection's bytes through its [`MessageLimit`]; a
    /// message over the limit cuts the connection (the client's stream
    /// ends, and socketioxide closes the session) before its payload is
    /// read, leaving the other connections alone.
    ///
    /// The limit follows the stream from the first byte read after the
    /// upgrade; a client that sends frames before its `101` arrives gets
    /// them read with the HTTP request, unguarded.
    fn poll_read_socket(
        &mut self,
        cx: &mut Context<'_>,
        mut buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        let mut scratch = [0u8; SOCKET_READ];
        let wanted = buf.remaining().min(SOCKET_READ);
        let mut read = ReadBuf::new(&mut scratch[..wanted]);
        let inner = match self.inner() {
            Ok(inner) => inner,
            Err(e) => return Poll::Ready(Err(e)),
        };
        std::task::ready!(inner.poll_read(cx, read.unfilled()))?;
        let bytes = read.filled();
        let limit = self
            .limit
            .get_or_insert_with(|| MessageLimit::new(MAX_PAYLOAD));
        if let Err(refusal) = limit.feed(bytes) {
            if self.tap.switch(CUT) {
                self.lines.oversized.fetch_add(1, Ordering::Relaxed);
                match refusal {
                    Refusal::Oversized { size } => tracing::warn!(
                        size,
                        max_payload = MAX_PAYLOAD,
                        "socket message over maxPayload: connection closed"
                    ),
                    Refusal::Malformed => {
                        tracing::warn!("unreadable WebSocket frame: connection closed");
                    }
                }
            }
            // End of stream, as for a cut connection.
            return Poll::Ready(Ok(()));
        }
        buf.put_slice(bytes);
        Poll::Ready(Ok(()))
    }

    fn inner(&mut self) -> io::Result<Pin<&mut Inner>> {
        self.inner
            .as_mut()
            .map(Pin::new)
            .ok_or_else(|| io::ErrorKind::NotConnected.into())
    }
}

impl Read for TappedIo {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let socket = this.tap.socket.load(Ordering::SeqCst);
        if socket {
            // Registered before the state is read, so a switch in between
            // still wakes this read.
            let mut reader = lock(&this.tap.reader);
            if !reader.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                *reader = Some(cx.waker().clone());
            }
        }
        match this.tap.state() {
            CUT => Poll::Ready(Ok(())),
            STALLED => Poll::Pending,
            _ if socket => this.poll_read_socket(cx, buf),
            _ => match this.inner() {
                Ok(inner) => inner.poll_read(cx, buf),
                Err(e) => Poll::Ready(Err(e)),
            },
        }
    }
}

impl Write for TappedIo {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match this.tap.state() {
            CUT => Poll::Ready(Err(io::ErrorKind::BrokenPipe.into())),
            STALLED => Poll::Ready(Ok(buf.len())),
            _ if this.tap.socket.load(Ordering::SeqCst) => this.poll_write_socket(cx, buf),
            _ => match this.inner() {
                Ok(inner) => inner.poll_write(cx, buf),
                Err(e) => Poll::Ready(Err(e)),
            },
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match this.tap.state() {
            CUT => Poll::Ready(Err(io::ErrorKind::BrokenPipe.into())),
            STALLED => Poll::Ready(Ok(())),
            _ => match this.inner() {
                Ok(inner) => inner.poll_flush(cx),
                Err(e) => Poll::Ready(Err(e)),
            },
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match this.tap.state() {
            // No orderly close: dropping the stream resets or closes it.
            CUT | STALLED => Poll::Ready(Ok(())),
            _ => match this.inner() {
                Ok(inner) => inner.poll_shutdown(cx),
                Err(e) => Poll::Ready(Err(e)),
            },
        }
    }

    fn is_write_vectored(&self) -> bool {
        // A socket's writes go through `poll_write` (the ping filter).
        !self.tap.socket.load(Ordering::SeqCst)
            && self.inner.as_ref().is_some_and(Inner::is_write_vectored)
    }
}

impl Drop for TappedIo {
    fn drop(&mut self) {
        if self.tap.state() == STALLED
            && let Some(inner) = self.inner.take()
        {
            self.lines.hold(inner.into_inner().into_inner());
        }
    }
}

/// An Engine.IO ping as the server writes it: an unmasked final text frame
/// of one byte, `2` (Engine.IO v4 packet type "ping").
const PING_FRAME: [u8; 3] = [0x81, 0x01, b'2'];

/// Where the server's writes on a socket connection stand: in the `101`
/// response head, or in a frame's header or payload. Only frame
/// boundaries matter (a ping is found only where a frame starts).
#[derive(Debug, Clone, Default)]
struct OutFrames {
    /// Bytes of the head's closing `\r\n\r\n` seen so far; 4 once the
    /// head is written.
    head_end: usize,
    /// The current frame's header bytes, while incomplete.
    header: Vec<u8>,
    /// Payload bytes of the current frame still to come.
    payload_left: u64,
}

impl OutFrames {
    const HEAD_END: &'static [u8] = b"\r\n\r\n";

    fn at_boundary(&self) -> bool {
        self.head_end == Self::HEAD_END.len() && self.header.is_empty() && self.payload_left == 0
    }

    /// The payload length a complete header announces; `None` while it
    /// is incomplete.
    fn payload_len(header: &[u8]) -> Option<u64> {
        let second = *header.get(1)?;
        let extended = match second & 0x7f {
            126 => 2,
            127 => 8,
            _ => 0,
        };
        let mask = if second & 0x80 == 0 { 0 } else { 4 };
        if header.len() < 2 + extended + mask {
            return None;
        }
        Some(match extended {
            0 => u64::from(second & 0x7f),
            _ => header[2..2 + extended]
                .iter()
                .fold(0, |len, byte| (len << 8) | u64::from(*byte)),
        })
    }

    /// Follows `bytes` as written.
    fn advance(&mut self, mut bytes: &[u8]) {
        while let Some((&byte, rest)) = bytes.split_first() {
            if self.head_end < Self::HEAD_END.len() {
                self.head_end = if byte == Self::HEAD_END[self.head_end] {
                    self.head_end + 1
                } else {
                    usize::from(byte == Self::HEAD_END[0])
                };
                bytes = rest;
            } else if self.payload_left > 0 {
                let skip = usize::try_from(self.payload_left)
                    .unwrap_or(usize::MAX)
                    .min(bytes.len());
                self.payload_left -= skip as u64;
                bytes = &bytes[skip..];
            } else {
                self.header.push(byte);
                bytes = rest;
                if let Some(len) = Self::payload_len(&self.header) {
                    self.header.clear();
                    self.payload_left = len;
                }
            }
        }
    }

    /// How many leading bytes of `buf` hold no ping frame starting on a
    /// frame boundary (`buf.len()` when there is none).
    fn clean_prefix(&self, buf: &[u8]) -> usize {
        let mut walker = self.clone();
        let mut at = 0;
        while at < buf.len() {
            if walker.at_boundary() && buf[at..].starts_with(&PING_FRAME) {
                return at;
            }
            // One header byte, or the rest of a payload, at a time.
            let step = if walker.head_end == Self::HEAD_END.len() && walker.payload_left > 0 {
                usize::try_from(walker.payload_left)
                    .unwrap_or(usize::MAX)
                    .min(buf.len() - at)
            } else {
                1
            };
            walker.advance(&buf[at..at + step]);
            at += step;
        }
        buf.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(payload: &[u8]) -> Vec<u8> {
        let mut bytes = vec![0x81, u8::try_from(payload.len()).unwrap()];
        bytes.extend_from_slice(payload);
        bytes
    }

    #[test]
    fn pings_are_found_only_where_a_frame_starts() {
        let mut out = OutFrames::default();
        out.advance(b"HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\n\r\n");
        assert!(out.at_boundary());
        // An event frame whose payload holds the ping's bytes, then a ping.
        let event = frame(&[0x81, 0x01, b'2', b'4']);
        let mut buf = event.clone();
        buf.extend_from_slice(&PING_FRAME);
        buf.extend(frame(b"42/markets,[]"));
        assert_eq!(out.clean_prefix(&buf), event.len());
        out.advance(&buf[..event.len()]);
        assert_eq!(out.clean_prefix(&buf[event.len()..]), 0);
        // A write cut inside a frame's header resumes correctly.
        let long = {
            let mut bytes = vec![0x81, 126, 0x01, 0x00];
            bytes.extend(std::iter::repeat_n(b'x', 256));
            bytes
        };
        out.advance(&long[..3]);
        assert!(!out.at_boundary());
        out.advance(&long[3..]);
        assert!(out.at_boundary());
        assert_eq!(out.clean_prefix(&PING_FRAME), 0);
        // Before the head ends nothing is a frame.
        assert_eq!(OutFrames::default().clean_prefix(&PING_FRAME), 3);
    }
}
