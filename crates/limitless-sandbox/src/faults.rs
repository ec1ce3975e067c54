//! Fault injection: failures a client must survive, switched on from the
//! builder or from a running sandbox's handle: lost order answers, orders
//! a cancel-all cannot cancel, and socket connections cut or stalled.

use crate::state::App;

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

    /// Switches every fault off, and ends the socket stalls: stalled
    /// connections, held or not, are closed.
    pub fn clear(&self) -> &Self {
        self.app.sockets().lines().end_stalls();
        self.drop_after_placing(0)
            .drop_every_placement(false)
            .fail_next_cancels(0)
    }
}
