//! What the sockets are fed, below the state that feeds them: the one
//! queue every socket message goes through ([`SocketHub`]), the state's
//! [`Outbox`] of pending changes, each connected socket's subscriptions
//! ([`SocketSession`]), the tapped connections faults cut or stall, and the
//! counters and handshake log the handle reads. The Socket.IO server that
//! fills and drains them is `socket`, above the state.

mod conn;
mod frames;

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, Response};
use limitless_types::ws;
use serde_json::Value;
use socketioxide::extract::{AckSender, SocketRef};
use socketioxide::socket::Sid;
use socketioxide::{BroadcastError, SendError, SocketError, SocketIo, TransportType};
use tokio::sync::{mpsc, watch};

pub(crate) use conn::{SocketLines, Tap, TappedIo};

/// One socket handshake the server accepted (answered `101`), as
/// [`SocketControl::handshakes`](crate::SocketControl::handshakes) lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SocketHandshake {
    /// The path and query the client requested and signed, e.g.
    /// `/socket.io/?EIO=4&transport=websocket`.
    pub path_and_query: String,
    /// The API token id (`lmts-api-key`); `None` for an anonymous socket.
    pub api_key: Option<String>,
    /// The signed `lmts-timestamp`, as sent; `None` for an anonymous socket.
    pub timestamp: Option<String>,
    /// The token's profile; `None` for an anonymous socket.
    pub profile_id: Option<i64>,
}

/// What the socket server refused or could not deliver since it started,
/// from [`SocketControl::stats`](crate::SocketControl::stats): none of it is ever dropped silently.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SocketStats {
    /// Connections closed because the client sent a message over the
    /// announced `maxPayload` (1 000 000 bytes), or a frame that cannot be
    /// read.
    pub oversized_closed: u64,
    /// Acknowledgements not delivered because the socket's send buffer was
    /// full (a client that does not read).
    pub acks_dropped: u64,
    /// Events not delivered to a socket because its send buffer was full.
    pub events_dropped: u64,
    /// Book snapshots a subscribe did not queue because the same socket
    /// already had one of that market waiting to be sent.
    pub snapshots_coalesced: u64,
}

/// What the server keeps about one connected socket.
#[derive(Debug, Default)]
pub(crate) struct SocketSession {
    /// The registration notice has been queued.
    pub(crate) greeted: bool,
    /// Counted in the connection count.
    pub(crate) counted: bool,
    /// What each subscribed channel covers.
    pub(crate) channels: BTreeMap<&'static str, Coverage>,
}

/// What one channel of a socket covers.
#[derive(Debug, Default, Clone)]
pub(crate) struct Coverage {
    /// Every market (a private channel subscribed without markets).
    pub(crate) all: bool,
    /// These markets, in the order they were added.
    pub(crate) markets: Vec<String>,
}

/// The namespace the API serves.
pub(crate) const NAMESPACE: &str = "/markets";

/// How many verified handshakes [`SocketControl::handshakes`](crate::SocketControl::handshakes) keeps.
const HANDSHAKE_LOG: usize = 64;

/// Engine.IO settings, as the builder sets them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SocketConfig {
    pub(crate) ping_interval: Duration,
    pub(crate) ping_timeout: Duration,
}

impl Default for SocketConfig {
    /// The API's own values, as its open packet announces them.
    fn default() -> Self {
        Self {
            ping_interval: Duration::from_millis(25_000),
            ping_timeout: Duration::from_millis(60_000),
        }
    }
}

/// The largest Engine.IO payload accepted, as the API announces it (the
/// `maxPayload` of its open packet). socketioxide 0.18 enforces it on
/// long-polling only; on the WebSocket transport [`frames::MessageLimit`]
/// enforces it below Engine.IO.
pub(crate) const MAX_PAYLOAD: u64 = 1_000_000;

/// Packets a socket may have waiting to be written before further events
/// for it are dropped (counted in [`SocketStats`] and logged): room for a
/// burst of a few hundred book updates.
const MAX_BUFFERED_PACKETS: usize = 1024;

/// One thing to send, queued under the state lock.
pub(crate) enum Outbound {
    /// An event for every socket in any of `rooms` (each socket once).
    /// `rooms` is never empty: no rooms would mean every socket.
    Rooms {
        rooms: Vec<String>,
        event: &'static str,
        payload: Value,
    },
    /// An event for one socket.
    Socket {
        socket: SocketRef,
        event: &'static str,
        payload: Value,
    },
    /// The answer to an event the client sent with an ack id (nothing is
    /// sent when it had none).
    Ack { ack: AckSender, payload: Value },
    /// An `orderbookUpdate` snapshot of market `slug` for one subscriber,
    /// marked pending in [`Snapshots`] until it is sent.
    Snapshot {
        socket: SocketRef,
        slug: String,
        payload: Value,
    },
}

/// The snapshots queued and not yet sent, by socket and market: a socket
/// has at most one pending per market, so a subscribe storm queues at most
/// one snapshot per market it names, however often it names it.
///
/// A snapshot already pending answers a later subscribe as well: the
/// socket has been in the market's room since that snapshot was taken, so
/// every change after it is queued behind it.
#[derive(Debug, Default)]
pub(crate) struct Snapshots {
    pending: Mutex<HashSet<(Sid, String)>>,
}

impl Snapshots {
    fn pending(&self) -> std::sync::MutexGuard<'_, HashSet<(Sid, String)>> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Marks a snapshot of `slug` for `socket` pending; false if one
    /// already is.
    pub(crate) fn reserve(&self, socket: Sid, slug: &str) -> bool {
        let mut pending = self.pending();
        if pending.contains(&(socket, slug.to_owned())) {
            return false;
        }
        pending.insert((socket, slug.to_owned()))
    }

    /// Forgets the pending snapshot of `slug` for `socket` (sent, or the
    /// socket left the market: a later subscribe needs a fresh one).
    pub(crate) fn release(&self, socket: Sid, slug: &str) {
        self.pending().remove(&(socket, slug.to_owned()));
    }
}

/// What the socket server refused or could not deliver, counted.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) acks_dropped: AtomicU64,
    pub(crate) events_dropped: AtomicU64,
    pub(crate) snapshots_coalesced: AtomicU64,
}

/// Events waiting for the state lock to be released, and the markets whose
/// book changed meanwhile (each once, in order).
#[derive(Default)]
pub(crate) struct Outbox {
    pub(crate) events: Vec<Outbound>,
    pub(crate) books: Vec<String>,
}

impl Outbox {
    pub(crate) fn is_empty(&self) -> bool {
        self.events.is_empty() && self.books.is_empty()
    }

    /// Notes that `slug`'s book changed: one `orderbookUpdate` goes out
    /// when the lock is released, however many changes the holder made.
    pub(crate) fn book_changed(&mut self, slug: &str) {
        if !self.books.iter().any(|s| s == slug) {
            self.books.push(slug.to_owned());
        }
    }
}

/// Sends one event to one socket, counting it if its buffer is full.
fn emit(counters: &Counters, socket: &SocketRef, event: &'static str, payload: &Value) {
    if let Err(SendError::Socket(SocketError::InternalChannelFull)) = socket.emit(event, payload) {
        dropped_events(counters, 1, event);
    }
}

fn dropped_events(counters: &Counters, count: usize, event: &'static str) {
    if count == 0 {
        return;
    }
    let count = u64::try_from(count).unwrap_or(u64::MAX);
    let total = counters.events_dropped.fetch_add(count, Ordering::Relaxed) + count;
    tracing::warn!(
        event,
        count,
        total,
        "socket send buffer full: event dropped (slow consumer)"
    );
}

/// socketioxide's service, behind a closure so its type need not be named.
type Service = Arc<
    dyn Fn(Request<Body>) -> Pin<Box<dyn Future<Output = Response<Body>> + Send>> + Send + Sync,
>;

/// The socket side of the server: socketioxide's handle and service, the
/// send queue, the upgraded connections, and what tests inspect.
pub(crate) struct SocketHub {
    io: SocketIo,
    service: Service,
    outbound: mpsc::UnboundedSender<Outbound>,
    lines: Arc<SocketLines>,
    handshakes: Mutex<VecDeque<SocketHandshake>>,
    connections: watch::Sender<usize>,
    /// Answer subscribes that carry an ack id with an ack (the gateway
    /// does not: off by default).
    ack_subscribes: AtomicBool,
    /// Confirm subscribes with the documented `system` notices (on by
    /// default).
    confirm_subscribes: AtomicBool,
    snapshots: Arc<Snapshots>,
    counters: Arc<Counters>,
}

/// The queue's receiving end and socketioxide's handle: run with
/// [`SocketHub::send_queued`].
pub(crate) struct Queue {
    io: SocketIo,
    receiver: mpsc::UnboundedReceiver<Outbound>,
    snapshots: Arc<Snapshots>,
    counters: Arc<Counters>,
}

impl SocketHub {
    pub(crate) fn new(config: SocketConfig) -> (Self, Queue) {
        let (service, io) = SocketIo::builder()
            .ping_interval(config.ping_interval)
            .ping_timeout(config.ping_timeout)
            .max_payload(MAX_PAYLOAD)
            .max_buffer_size(MAX_BUFFERED_PACKETS)
            // The official SDKs all connect with the WebSocket transport;
            // long-polling would need every poll request authenticated.
            .transports([TransportType::Websocket])
            .build_svc();
        let service: Service = Arc::new(move |request| {
            let response = hyper::service::Service::call(&service, request);
            Box::pin(async move {
                match response.await {
                    Ok(response) => response.map(Body::new),
                    Err(never) => match never {},
                }
            })
        });
        let (outbound, receiver) = mpsc::unbounded_channel();
        let snapshots = Arc::<Snapshots>::default();
        let counters = Arc::<Counters>::default();
        let hub = Self {
            io: io.clone(),
            service,
            outbound,
            lines: Arc::default(),
            handshakes: Mutex::default(),
            connections: watch::Sender::new(0),
            ack_subscribes: AtomicBool::new(false),
            confirm_subscribes: AtomicBool::new(true),
            snapshots: Arc::clone(&snapshots),
            counters: Arc::clone(&counters),
        };
        let queue = Queue {
            io,
            receiver,
            snapshots,
            counters,
        };
        (hub, queue)
    }

    pub(crate) fn snapshots(&self) -> &Snapshots {
        &self.snapshots
    }

    pub(crate) fn stats(&self) -> SocketStats {
        let load = |n: &AtomicU64| n.load(Ordering::Relaxed);
        SocketStats {
            oversized_closed: self.lines.oversized(),
            acks_dropped: load(&self.counters.acks_dropped),
            events_dropped: load(&self.counters.events_dropped),
            snapshots_coalesced: load(&self.counters.snapshots_coalesced),
        }
    }

    /// Counts a snapshot a subscribe did not queue because one was pending.
    pub(crate) fn count_coalesced(&self) {
        self.counters
            .snapshots_coalesced
            .fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn io(&self) -> &SocketIo {
        &self.io
    }

    pub(crate) fn lines(&self) -> &Arc<SocketLines> {
        &self.lines
    }

    pub(crate) fn acks_subscribes(&self) -> bool {
        self.ack_subscribes.load(Ordering::Relaxed)
    }

    pub(crate) fn set_ack_subscribes(&self, ack: bool) {
        self.ack_subscribes.store(ack, Ordering::Relaxed);
    }

    pub(crate) fn confirms_subscribes(&self) -> bool {
        self.confirm_subscribes.load(Ordering::Relaxed)
    }

    pub(crate) fn set_confirm_subscribes(&self, confirm: bool) {
        self.confirm_subscribes.store(confirm, Ordering::Relaxed);
    }

    /// Queues one thing to send. Called with the state lock held, so the
    /// queue's order is the lock's order.
    pub(crate) fn queue(&self, outbound: Outbound) {
        // Fails only once the sending task is gone (the server stopped).
        let _ = self.outbound.send(outbound);
    }

    /// Sends what is queued, in order, until the hub is dropped.
    pub(crate) async fn send_queued(queue: Queue) {
        let Queue {
            io,
            mut receiver,
            snapshots,
            counters,
        } = queue;
        while let Some(outbound) = receiver.recv().await {
            // A socket that went away misses the event; one whose buffer
            // is full (a client not reading) misses it too, counted and
            // logged. The rest still get it.
            match outbound {
                Outbound::Rooms {
                    rooms,
                    event,
                    payload,
                } => {
                    if let Some(ns) = io.of(NAMESPACE)
                        && let Err(BroadcastError::Socket(errors)) =
                            ns.to(rooms).emit(event, &payload).await
                    {
                        let full = errors
                            .iter()
                            .filter(|e| matches!(e, SocketError::InternalChannelFull))
                            .count();
                        dropped_events(&counters, full, event);
                    }
                }
                Outbound::Socket {
                    socket,
                    event,
                    payload,
                } => emit(&counters, &socket, event, &payload),
                Outbound::Snapshot {
                    socket,
                    slug,
                    payload,
                } => {
                    snapshots.release(socket.id, &slug);
                    emit(&counters, &socket, ws::event::ORDERBOOK_UPDATE, &payload);
                }
                Outbound::Ack { ack, payload } => {
                    if let Err(SendError::Socket(SocketError::InternalChannelFull)) =
                        ack.send(&payload)
                    {
                        let total = counters.acks_dropped.fetch_add(1, Ordering::Relaxed) + 1;
                        tracing::warn!(
                            total,
                            "socket send buffer full: acknowledgement dropped (slow consumer)"
                        );
                    }
                }
            }
        }
    }

    pub(crate) fn call(
        &self,
        request: Request<Body>,
    ) -> impl Future<Output = Response<Body>> + use<> {
        (self.service)(request)
    }

    pub(crate) fn record_handshake(&self, handshake: SocketHandshake) {
        let mut log = self
            .handshakes
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if log.len() == HANDSHAKE_LOG {
            log.pop_front();
        }
        log.push_back(handshake);
    }

    pub(crate) fn handshakes(&self) -> Vec<SocketHandshake> {
        self.handshakes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .cloned()
            .collect()
    }

    /// One more (or one fewer) socket connected to the namespace.
    pub(crate) fn count_connection(&self, connected: bool) {
        self.connections.send_modify(|n| {
            *n = if connected {
                *n + 1
            } else {
                n.saturating_sub(1)
            };
        });
    }

    pub(crate) fn connections(&self) -> watch::Receiver<usize> {
        self.connections.subscribe()
    }

    /// Disconnects every socket (server shutdown) and ends the stalls.
    pub(crate) async fn close(&self) {
        self.lines.end_stalls();
        self.io.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_socket_has_one_pending_snapshot_per_market() {
        let snapshots = Snapshots::default();
        let (a, b) = (Sid::new(), Sid::new());
        assert!(snapshots.reserve(a, "m1"));
        assert!(!snapshots.reserve(a, "m1"));
        assert!(snapshots.reserve(a, "m2"));
        assert!(snapshots.reserve(b, "m1"));
        snapshots.release(a, "m1");
        assert!(snapshots.reserve(a, "m1"));
        assert_eq!(snapshots.pending().len(), 3);
    }
}
