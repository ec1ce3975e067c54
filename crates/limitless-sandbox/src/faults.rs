//! Fault injection: failures a client must survive, switched on from the
//! builder or from a running sandbox's handle: lost order answers, orders
//! a cancel-all cannot cancel, connections reset before or after a
//! request is handled, bursts of 503 and 429 answers, and socket
//! connections cut, stalled or left without pings.

use std::sync::atomic::Ordering;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Response, StatusCode};
use axum::middleware::Next;
use axum::response::IntoResponse as _;

use crate::error::ApiError;
use crate::server::DropConnection;
use crate::state::{App, take};

/// The request faults ([`Faults::reset_before_handling`],
/// [`Faults::reset_after_handling`], [`Faults::unavailable_next`],
/// [`Faults::throttle_next`]), applied to every HTTP request but the
/// Socket.IO handshake (the socket has faults of its own). Each request
/// uses up at most one fault, checked in that order.
pub(crate) async fn inject(State(app): State<App>, request: Request, next: Next) -> Response<Body> {
    if request.uri().path().starts_with("/socket.io") {
        return next.run(request).await;
    }
    let faults = app.faults();
    let retry_after = faults.retry_after_seconds.load(Ordering::SeqCst);
    if take(&faults.reset_before) {
        // Nothing is handled: the connection closes with nothing written,
        // so the client cannot tell this from a reset after handling.
        let mut response = Response::new(Body::empty());
        response.extensions_mut().insert(DropConnection);
        return response;
    }
    if take(&faults.reset_after) {
        let mut response = next.run(request).await;
        response.extensions_mut().insert(DropConnection);
        return response;
    }
    if take(&faults.unavailable) {
        return ApiError {
            retry_after_seconds: Some(retry_after),
            ..ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "Service Unavailable: the gateway could not reach the API; try again shortly",
            )
        }
        .into_response();
    }
    if take(&faults.throttled) {
        return ApiError::too_many_requests(retry_after).into_response();
    }
    next.run(request).await
}

/// Fault injection on a running sandbox, from
/// [`SandboxHandle::faults`](crate::SandboxHandle::faults). Cheap to clone;
/// every clone drives the same sandbox.
///
/// A dropped placement is an *outcome unknown* failure: the order is
/// validated, placed and matched for real (it shows in
/// `GET /markets/{slug}/user-orders`, the book and
/// [`SandboxHandle::orders`](crate::SandboxHandle::orders)), then the
/// server closes the connection without writing any response. Only
/// `POST /orders` requests that place an order count; refused orders are
/// answered as usual.
#[derive(Debug, Clone)]
pub struct Faults {
    app: App,
}

impl Faults {
    pub(crate) fn new(app: App) -> Self {
        Self { app }
    }

    /// Drops the connection after each of the next `n` accepted
    /// `POST /orders` placements (replacing any count still pending; 0
    /// cancels it).
    pub fn drop_after_placing(&self, n: u64) -> &Self {
        self.app.faults().set_drop_next(n);
        self
    }

    /// Drops the connection after every accepted `POST /orders` placement
    /// while `on`, regardless of the count.
    pub fn drop_every_placement(&self, on: bool) -> &Self {
        self.app.faults().set_drop_all(on);
        self
    }

    /// Answers each of the next `n` Packs requests (`/parlay/*`) with 429
    /// and `retryAfterSeconds: 10` (replacing any count still pending; 0
    /// cancels it). Their arrivals are still recorded.
    pub fn rate_limit_next_pack_calls(&self, n: u64) -> &Self {
        self.app.lock().packs.set_rate_limit_next(n);
        self
    }

    /// Makes `DELETE /orders/all/{slug}` fail to cancel the next `n` live
    /// orders it reaches (replacing any count still pending; 0 cancels
    /// it), as the exchange does when its engine cannot cancel an order:
    /// they stay live and the answer is a 207 listing them in `failed`
    /// with reason `UNKNOWN_ERROR` (PROTOCOL §7.4).
    pub fn fail_next_cancels(&self, n: u64) -> &Self {
        self.app.faults().set_cancel_failures(n);
        self
    }

    /// How many counted drops are still pending.
    #[must_use]
    pub fn pending_placement_drops(&self) -> u64 {
        self.app.faults().pending_drops()
    }

    /// Cuts every open Socket.IO connection at once, as a network failure
    /// would: the server stops reading and writing and closes the TCP
    /// connection, with no Socket.IO disconnect packet, so clients see the
    /// transport close and reconnect. Connections opened afterwards are
    /// not affected. Returns how many were cut.
    pub fn drop_sockets(&self) -> usize {
        self.app.sockets().lines().cut_all()
    }

    /// Makes every open Socket.IO connection go silent: the server stops
    /// writing (no pings, no events) and reading, but keeps the TCP
    /// connection open, the way a stalled network path looks. A client
    /// must notice through its own heartbeat watchdog (`pingInterval` +
    /// `pingTimeout`, see
    /// [`SandboxBuilder::socket_ping`](crate::SandboxBuilder::socket_ping)).
    /// The server ends the session once its own pong wait runs out, and
    /// keeps the TCP connection open, silent, until [`clear`](Self::clear)
    /// or shutdown (see [`held_sockets`](Self::held_sockets)). Connections
    /// opened afterwards are not affected. Returns how many were stalled.
    pub fn stall_sockets(&self) -> usize {
        self.app.sockets().lines().stall_all()
    }

    /// How many stalled connections the server has given up on but still
    /// holds open (see [`stall_sockets`](Self::stall_sockets)).
    #[must_use]
    pub fn held_sockets(&self) -> usize {
        self.app.sockets().lines().held()
    }

    /// Closes the connection of each of the next `n` HTTP requests before
    /// it is handled (replacing any count still pending; 0 cancels it):
    /// nothing is carried out and nothing is written, as when a
    /// connection resets on its way to the server. The client sees the
    /// connection close after sending, as with
    /// [`reset_after_handling`](Self::reset_after_handling), and must find
    /// out which it was. Every route counts but the Socket.IO handshake.
    pub fn reset_before_handling(&self, n: u64) -> &Self {
        self.app.faults().reset_before.store(n, Ordering::SeqCst);
        self
    }

    /// Carries out each of the next `n` HTTP requests, then closes the
    /// connection without writing the answer (replacing any count still
    /// pending; 0 cancels it): a lost answer for any route, reads, cancels
    /// and orders alike (refused ones included), where
    /// [`drop_after_placing`](Self::drop_after_placing) counts accepted
    /// placements only. The Socket.IO handshake is not counted.
    pub fn reset_after_handling(&self, n: u64) -> &Self {
        self.app.faults().reset_after.store(n, Ordering::SeqCst);
        self
    }

    /// Answers each of the next `n` HTTP requests with 503 and
    /// `{message, error, statusCode, retryAfterSeconds}` without handling
    /// it (replacing any count still pending; 0 cancels it), as an
    /// overloaded gateway does; no maintenance `mode` is named. The
    /// Socket.IO handshake is not counted.
    pub fn unavailable_next(&self, n: u64) -> &Self {
        self.app.faults().unavailable.store(n, Ordering::SeqCst);
        self
    }

    /// Answers each of the next `n` HTTP requests with 429,
    /// `retryAfterSeconds` and `Retry-After` without handling it
    /// (replacing any count still pending; 0 cancels it), whatever the
    /// rate limits say. The Socket.IO handshake is not counted.
    pub fn throttle_next(&self, n: u64) -> &Self {
        self.app.faults().throttled.store(n, Ordering::SeqCst);
        self
    }

    /// The `retryAfterSeconds` (and `Retry-After`) of the answers of
    /// [`unavailable_next`](Self::unavailable_next) and
    /// [`throttle_next`](Self::throttle_next); 0 (the default) asks for
    /// no wait.
    pub fn retry_after_seconds(&self, seconds: u64) -> &Self {
        self.app
            .faults()
            .retry_after_seconds
            .store(seconds, Ordering::SeqCst);
        self
    }

    /// Stops (`true`) or resumes the Engine.IO pings of every socket
    /// connection, open or opened later, while events still flow: a
    /// gateway whose heartbeat died. The server's own pong wait then ends
    /// the session after `pingTimeout` (see
    /// [`SandboxBuilder::socket_ping`](crate::SandboxBuilder::socket_ping)),
    /// and a client's watchdog should give up on it first.
    pub fn stop_pings(&self, stopped: bool) -> &Self {
        self.app.sockets().lines().stop_pings(stopped);
        self
    }

    /// Ends the socket stalls alone: stalled connections, held or not,
    /// are closed; other faults stay as they are.
    pub fn end_socket_stalls(&self) -> &Self {
        self.app.sockets().lines().end_stalls();
        self
    }

    /// Switches every fault off, and ends the socket stalls: stalled
    /// connections, held or not, are closed.
    pub fn clear(&self) -> &Self {
        self.end_socket_stalls()
            .drop_after_placing(0)
            .drop_every_placement(false)
            .fail_next_cancels(0)
            .reset_before_handling(0)
            .reset_after_handling(0)
            .unavailable_next(0)
            .throttle_next(0)
            .stop_pings(false)
    }
}
