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
}

impl TappedIo {
    pub(crate) fn new(inner: Inner, tap: Arc<Tap>, lines: Arc<SocketLines>) -> Self {
        Self {
            inner: Some(inner),
            tap,
            lines,
            limit: None,
        }
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
        self.inner.as_ref().is_some_and(Inner::is_write_vectored)
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
