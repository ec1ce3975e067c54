//! [`SocketControl`]: the socket API of a running sandbox, seen from a test.

use std::time::Duration;

use tokio::time::Instant;

use crate::error::SandboxError;
use crate::feed::{SocketHandshake, SocketStats};
use crate::state::App;

/// The Socket.IO side of a running sandbox, from
/// [`SandboxHandle::socket`](crate::SandboxHandle::socket): connection
/// counts, the handshakes verified, and synthetic load. Cheap to clone.
///
/// Faults that break socket connections are on
/// [`Faults`](crate::Faults) (`drop_sockets`, `stall_sockets`).
#[derive(Debug, Clone)]
pub struct SocketControl {
    app: App,
}

impl SocketControl {
    pub(crate) fn new(app: App) -> Self {
        Self { app }
    }

    /// How many sockets are connected to the `/markets` namespace now.
    #[must_use]
    pub fn connections(&self) -> usize {
        *self.app.sockets().connections().borrow()
    }

    /// Waits until exactly `count` sockets are connected to `/markets`
    /// (at once if they already are). Wrap it in a timeout of your own.
    pub async fn wait_for_connections(&self, count: usize) {
        let mut connections = self.app.sockets().connections();
        // The sender lives as long as the sandbox's state; this only fails
        // once nothing can change the count any more.
        let _ = connections.wait_for(|n| *n == count).await;
    }

    /// How many connected sockets are subscribed to `channel` (the name of
    /// its subscribe event, as `subscribe_order_events`), whole or for
    /// some markets.
    #[must_use]
    pub fn subscribers(&self, channel: &str) -> usize {
        self.app
            .lock()
            .socket_sessions
            .values()
            .filter(|session| session.channels.contains_key(channel))
            .count()
    }

    /// Waits until `count` sockets are subscribed to `channel`
    /// ([`subscribers`](Self::subscribers)): for a test whose subscribe
    /// nothing answers ([`confirm_subscribes`](Self::confirm_subscribes)
    /// off). Wrap it in a timeout of your own.
    pub async fn wait_for_subscribers(&self, channel: &str, count: usize) {
        // Subscriptions change under the state's lock, with no signal of
        // their own: look every few milliseconds.
        while self.subscribers(channel) != count {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Whether subscribes are acknowledged: with `true`, a subscribe that
    /// carries an ack id (`42/markets,<id>[…]`) is answered
    /// `{"ok": true, "channel", "markets"}` or `{"error"}`, besides the
    /// notices the gateway sends. Off by default, as the gateway documents
    /// no subscribe ack (the official SDKs never ask for one): for tests
    /// of a client's ack mode. Unsubscribes are acknowledged either way.
    pub fn ack_subscribes(&self, ack: bool) {
        self.app.sockets().set_ack_subscribes(ack);
    }

    /// Whether subscribes are acknowledged ([`ack_subscribes`](Self::ack_subscribes)).
    #[must_use]
    pub fn acks_subscribes(&self) -> bool {
        self.app.sockets().acks_subscribes()
    }

    /// Whether subscribes are confirmed with the gateway's `system`
    /// notices (default `true`). With `false` a subscribe that succeeds is
    /// answered by nothing at all (no notice, and no ack even with
    /// [`ack_subscribes`](Self::ack_subscribes)): a gateway whose
    /// confirmation never comes, for tests of a client that must keep the
    /// subscription and stream its events anyway.
    pub fn confirm_subscribes(&self, confirm: bool) {
        self.app.sockets().set_confirm_subscribes(confirm);
    }

    /// What the socket server refused or could not deliver so far.
    #[must_use]
    pub fn stats(&self) -> SocketStats {
        self.app.sockets().stats()
    }

    /// The handshakes accepted, oldest first (the last 64): a client that
    /// re-signs on every reconnect shows a fresh `timestamp` each time.
    #[must_use]
    pub fn handshakes(&self) -> Vec<SocketHandshake> {
        self.app.sockets().handshakes()
    }

    /// Sends `count` `orderbookUpdate` events for `slug` to its subscribers,
    /// `per_second` of them a second, and returns once the last is queued.
    /// Each is the market's real book at that moment, with the next
    /// `version`, exactly as a change to the book would send it: for load
    /// tests (say 1 000 a second for 10 s).
    ///
    /// # Errors
    ///
    /// [`SandboxError::UnknownMarket`] if the sandbox has no market `slug`,
    /// [`SandboxError::InvalidConfig`] if `per_second` is 0.
    pub async fn emit_book_updates(
        &self,
        slug: &str,
        count: u32,
        per_second: u32,
    ) -> Result<(), SandboxError> {
        if per_second == 0 {
            return Err(SandboxError::config(
                "per_second",
                "must be at least 1 update per second",
            ));
        }
        if self.app.lock().market(slug).is_none() {
            return Err(SandboxError::UnknownMarket {
                slug: slug.to_owned(),
            });
        }
        let start = Instant::now();
        for i in 0..u64::from(count) {
            // Each update at its own deadline, so a late wake-up sends a
            // short burst and the average rate holds.
            let offset = Duration::from_nanos(i * 1_000_000_000 / u64::from(per_second));
            tokio::time::sleep_until(start + offset).await;
            self.app.lock().outbox.book_changed(slug);
        }
        Ok(())
    }
}
