//! [`WsClient`]: the handle to a connection.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::{mpsc, oneshot};

use crate::config::Config;
use crate::connect::establish;
use crate::driver::Driver;
use crate::stream::{Command, Sink};
use crate::{BookWatcher, Channel, Error, EventStream, SubscribeOptions, WsClientBuilder};

/// A connection to the `/markets` namespace, shared by every stream.
///
/// Cheap to clone: clones share one background task that owns the socket.
/// The task ends, and every stream with it, on [`shutdown`](Self::shutdown)
/// or once every clone is dropped.
#[derive(Clone)]
pub struct WsClient {
    inner: Arc<Inner>,
}

struct Inner {
    config: Arc<Config>,
    commands: mpsc::UnboundedSender<Command>,
    next_id: AtomicU64,
}

impl WsClient {
    /// Configures a client.
    pub fn builder() -> WsClientBuilder {
        WsClientBuilder::default()
    }

    pub(crate) async fn connect(config: Arc<Config>) -> Result<Self, Error> {
        let live = establish(&config).await?;
        let (commands, receiver) = mpsc::unbounded_channel();
        let driver = Driver::new(Arc::clone(&config), receiver);
        tokio::spawn(driver.run(live));
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                commands,
                next_id: AtomicU64::new(0),
            }),
        })
    }

    fn next_id(&self) -> u64 {
        self.inner.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Subscribes to `channel` for `options`' markets and returns the
    /// stream once the subscription is settled per the
    /// [`SubscribeMode`](crate::SubscribeMode): by default at once for a
    /// channel the gateway does not confirm, or when its `system` notice
    /// confirms it, or after the ack timeout without one (kept; see
    /// [`EventStream::subscribed`]).
    ///
    /// Streams of one channel share the connection's subscription: the
    /// client subscribes the union of their markets, and routes each event
    /// to the streams whose markets it names. A call made while the client
    /// is reconnecting waits for the connection.
    ///
    /// # Errors
    ///
    /// [`Error::AuthenticationRequired`] (before any I/O) for
    /// [positions, transactions and order events](Channel::requires_auth)
    /// without credentials; [`Error::InvalidInput`] for filters that
    /// disagree with another stream of the channel; [`Error::Refused`]
    /// with the server's message (an `exception` naming the subscribe, or
    /// a refusing ack); in [`SubscribeMode::Ack`](crate::SubscribeMode::Ack)
    /// only, [`Error::AckTimeout`] when the server does not answer within
    /// the ack timeout (the subscription is not kept); [`Error::Closed`]
    /// after a shutdown.
    pub async fn subscribe(
        &self,
        channel: Channel,
        options: SubscribeOptions,
    ) -> Result<EventStream, Error> {
        if channel.requires_auth() && !self.inner.config.has_credentials() {
            return Err(Error::AuthenticationRequired { channel });
        }
        let id = self.next_id();
        let sink = Sink::new(
            self.inner.config.buffer_capacity,
            self.inner.config.buffer_bytes,
        );
        let (reply, answer) = oneshot::channel();
        self.inner
            .commands
            .send(Command::Subscribe {
                id,
                channel,
                options: options.clone(),
                sink: sink.clone(),
                reply,
            })
            .map_err(|_| Error::Closed)?;
        let subscribed = answer.await.unwrap_or(Err(Error::Closed))?;
        Ok(EventStream::new(
            id,
            Some(channel),
            options,
            Some(subscribed),
            sink,
            self.inner.commands.downgrade(),
        ))
    }

    /// Order books (`orderbookUpdate`, by slug), AMM prices
    /// (`newPriceData`, by address) and oracle prices of these markets.
    ///
    /// # Errors
    ///
    /// As [`subscribe`](Self::subscribe).
    pub async fn subscribe_market_prices(
        &self,
        options: SubscribeOptions,
    ) -> Result<EventStream, Error> {
        self.subscribe(Channel::MarketPrices, options).await
    }

    /// The user's positions in these markets (needs credentials).
    ///
    /// # Errors
    ///
    /// As [`subscribe`](Self::subscribe).
    pub async fn subscribe_positions(
        &self,
        options: SubscribeOptions,
    ) -> Result<EventStream, Error> {
        self.subscribe(Channel::Positions, options).await
    }

    /// The user's transactions (`tx`; needs credentials).
    ///
    /// # Errors
    ///
    /// As [`subscribe`](Self::subscribe).
    pub async fn subscribe_transactions(&self) -> Result<EventStream, Error> {
        self.subscribe(Channel::Transactions, SubscribeOptions::new())
            .await
    }

    /// The life of the user's orders (`orderEvent`: placement, execution,
    /// settlement; needs credentials).
    ///
    /// # Errors
    ///
    /// As [`subscribe`](Self::subscribe).
    pub async fn subscribe_order_events(&self) -> Result<EventStream, Error> {
        self.subscribe(Channel::OrderEvents, SubscribeOptions::new())
            .await
    }

    /// Live sports updates, optionally filtered.
    ///
    /// # Errors
    ///
    /// As [`subscribe`](Self::subscribe).
    pub async fn subscribe_live_sports(
        &self,
        options: SubscribeOptions,
    ) -> Result<EventStream, Error> {
        self.subscribe(Channel::LiveSports, options).await
    }

    /// Live esports updates, optionally filtered.
    ///
    /// # Errors
    ///
    /// As [`subscribe`](Self::subscribe).
    pub async fn subscribe_live_esports(
        &self,
        options: SubscribeOptions,
    ) -> Result<EventStream, Error> {
        self.subscribe(Channel::LiveEsports, options).await
    }

    /// Markets created and resolved.
    ///
    /// # Errors
    ///
    /// As [`subscribe`](Self::subscribe).
    pub async fn subscribe_market_lifecycle(&self) -> Result<EventStream, Error> {
        self.subscribe(Channel::MarketLifecycle, SubscribeOptions::new())
            .await
    }

    /// Every event the connection receives from now on (whatever stream
    /// it is also routed to), with the connection notices. Subscribes to
    /// nothing by itself. After a shutdown the stream is empty.
    pub fn events(&self) -> EventStream {
        let id = self.next_id();
        let sink = Sink::new(
            self.inner.config.buffer_capacity,
            self.inner.config.buffer_bytes,
        );
        if self
            .inner
            .commands
            .send(Command::Events {
                id,
                sink: sink.clone(),
            })
            .is_err()
        {
            sink.close();
        }
        EventStream::new(
            id,
            None,
            SubscribeOptions::new(),
            None,
            sink,
            self.inner.commands.downgrade(),
        )
    }

    /// Subscribes to the market `slug`'s prices and keeps its order book
    /// (see [`BookWatcher`]).
    ///
    /// # Errors
    ///
    /// As [`subscribe`](Self::subscribe).
    pub async fn order_book(&self, slug: &str) -> Result<BookWatcher, Error> {
        let stream = self
            .subscribe_market_prices(SubscribeOptions::slugs([slug]))
            .await?;
        Ok(BookWatcher::new(slug, stream))
    }

    /// Leaves the namespace (`41/markets,`), closes the WebSocket, ends
    /// every stream (they yield `None` after what they hold) and stops the
    /// background task. Calls waiting for an ack fail with
    /// [`Error::Closed`]. Returns at once if the client is already closed.
    pub async fn shutdown(&self) {
        let (reply, done) = oneshot::channel();
        if self
            .inner
            .commands
            .send(Command::Shutdown { reply })
            .is_ok()
        {
            let _ = done.await;
        }
    }

    /// Whether the background task has stopped (after a shutdown, or when
    /// reconnecting gave up).
    #[must_use]
    pub fn is_closed(&self) -> bool {
        self.inner.commands.is_closed()
    }

    /// Whether the client authenticates its connection (HMAC credentials
    /// or an API key).
    #[must_use]
    pub fn has_credentials(&self) -> bool {
        self.inner.config.has_credentials()
    }
}

// The builder's last step lives with the client it makes, so the
// configuration stays below the client (`config` never names `WsClient`).
impl WsClientBuilder {
    /// Connects once: a failure (the server unreachable, the handshake
    /// refused with its HTTP status, the namespace refused, the connect
    /// timeout) is returned as it is, never retried. Then spawns the task
    /// that owns the socket (a tokio runtime is needed).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] or [`Error::Credentials`] for settings that
    /// cannot work, and any error of connecting.
    pub async fn connect(self) -> Result<WsClient, Error> {
        let config = Arc::new(self.build()?);
        WsClient::connect(config).await
    }
}

impl fmt::Debug for WsClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WsClient")
            .field("config", &self.inner.config)
            .field("closed", &self.is_closed())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Event, StreamItem};

    #[test]
    fn handles_cross_threads() {
        fn shareable<T: Send + Sync + Unpin + 'static>() {}
        shareable::<WsClient>();
        shareable::<EventStream>();
        shareable::<BookWatcher>();
        shareable::<StreamItem>();
        shareable::<Event>();
        shareable::<Error>();
    }
}
