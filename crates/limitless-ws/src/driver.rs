//! The task that owns the socket: reads frames, answers pings, routes
//! events into the streams' buffers, emits subscriptions and settles them
//! (on a confirming notice, an ack, a refusing `exception` or the
//! timeout), watches the heartbeat, and reconnects.
//!
//! Everything here runs on one task, so the routing table and the pending
//! settlements need no lock; handles talk to it through [`Command`]s.

use std::collections::{BTreeMap, BTreeSet};
use std::future::pending;
use std::sync::Arc;

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::sync::{mpsc, oneshot};
use tokio::time::{Instant, sleep_until};
use tokio_tungstenite::tungstenite::Message;

use crate::channel::union;
use crate::config::{Config, SubscribeMode};
use crate::connect::{Live, establish, send};
use crate::frame::{EnginePacket, NAMESPACE, PacketKind, SocketPacket};
use crate::stream::{Command, Sink, SubscribeReply};
use crate::{Channel, Error, Event, StreamItem, SubscribeOptions, Subscribed};

type Reply = oneshot::Sender<Result<(), Error>>;

/// One stream in the routing table.
#[derive(Debug)]
struct Route {
    /// `None`: every event.
    channel: Option<Channel>,
    options: SubscribeOptions,
    sink: Sink,
}

/// An emitted event waiting to be settled.
#[derive(Debug)]
enum Pending {
    Subscribe {
        channel: Channel,
        /// Streams whose subscribe call waits on this subscribe.
        waiters: Vec<(u64, SubscribeReply)>,
        /// A renewal after a reconnect: once every renewal is settled the
        /// streams learn the connection is back. Never a sign of a dead
        /// connection when unanswered.
        renewal: bool,
        /// Emitted with an ack id ([`SubscribeMode::Ack`]); otherwise
        /// only the channel's notice or an `exception` settles it.
        acked: bool,
        deadline: Instant,
    },
    Unsubscribe {
        event: &'static str,
        reply: Option<Reply>,
        deadline: Instant,
    },
}

impl Pending {
    fn deadline(&self) -> Instant {
        match self {
            Self::Subscribe { deadline, .. } | Self::Unsubscribe { deadline, .. } => *deadline,
        }
    }
}

/// The reconnect attempts made since the last healthy connection.
struct Attempts {
    /// The waits still allowed, in order.
    delays: Box<dyn Iterator<Item = std::time::Duration> + Send>,
    made: u32,
    /// Handshakes refused for their credentials (HTTP 401 or 403).
    refused: u32,
}

impl Attempts {
    fn new(config: &Config) -> Self {
        Self {
            delays: Box::new(config.reconnect.delays()),
            made: 0,
            refused: 0,
        }
    }
}

/// Why the connected loop returned.
enum Exit {
    Shutdown(Option<oneshot::Sender<()>>),
    Lost(Error),
}

pub(crate) struct Driver {
    config: Arc<Config>,
    commands: mpsc::UnboundedReceiver<Command>,
    routes: BTreeMap<u64, Route>,
    /// By emit id (the ack id when one was sent): the oldest first.
    pending: BTreeMap<u64, Pending>,
    next_ack: u64,
    /// Subscribe calls made while disconnected, answered by the renewal of
    /// their channel.
    parked: Vec<(u64, Channel, SubscribeReply)>,
}

impl Driver {
    pub(crate) fn new(config: Arc<Config>, commands: mpsc::UnboundedReceiver<Command>) -> Self {
        Self {
            config,
            commands,
            routes: BTreeMap::new(),
            pending: BTreeMap::new(),
            next_ack: 0,
            parked: Vec::new(),
        }
    }

    /// Runs until shut down, every handle dropped, or reconnects
    /// exhausted.
    pub(crate) async fn run(mut self, mut live: Live) {
        // Kept across connections that do not stay up long enough to be
        // healthy, so the waits keep growing against a gateway that
        // accepts and drops.
        let mut attempts: Option<Attempts> = None;
        let mut since = Instant::now();
        loop {
            let reason = match self.connected(&mut live).await {
                Exit::Shutdown(reply) => {
                    close(live).await;
                    self.finish(None);
                    if let Some(reply) = reply {
                        let _ = reply.send(());
                    }
                    return;
                }
                Exit::Lost(reason) => reason,
            };
            tracing::info!(error = %reason, "socket connection lost");
            drop(live);
            self.disconnected();
            if since.elapsed() >= self.config.reconnect.healthy_period() {
                attempts = None;
            }
            let attempts = attempts.get_or_insert_with(|| Attempts::new(&self.config));
            let reconnected = self.reconnect(reason, attempts).await;
            since = Instant::now();
            live = match reconnected {
                Ok(live) => live,
                Err(Exit::Shutdown(reply)) => {
                    self.finish(None);
                    if let Some(reply) = reply {
                        let _ = reply.send(());
                    }
                    return;
                }
                Err(Exit::Lost(error)) => {
                    self.finish(Some(error));
                    return;
                }
            };
        }
    }

    /// Serves one connection until it is lost or the client shuts down.
    async fn connected(&mut self, live: &mut Live) -> Exit {
        loop {
            // Deadlines are checked here too: a steady stream of frames
            // keeps the timer branches below from being chosen.
            let now = Instant::now();
            if now >= live.deadline {
                return Exit::Lost(Error::HeartbeatTimeout(live.heartbeat));
            }
            let ack_deadline = self.pending.values().map(Pending::deadline).min();
            if ack_deadline.is_some_and(|deadline| now >= deadline)
                && let Err(reason) = self.expire(live).await
            {
                return Exit::Lost(reason);
            }
            let ack_deadline = self.pending.values().map(Pending::deadline).min();
            let outcome = tokio::select! {
                // Commands first: a stream added before a frame is read
                // sees that frame.
                biased;
                command = self.commands.recv() => match command {
                    None => return Exit::Shutdown(None),
                    Some(Command::Shutdown { reply }) => return Exit::Shutdown(Some(reply)),
                    Some(command) => self.command_online(command, live).await,
                },
                message = live.socket.next() => match message {
                    Some(Ok(Message::Text(text))) => self.frame(text.as_str(), live).await,
                    Some(Ok(Message::Close(_))) => Err(Error::ConnectionLost("the server closed the WebSocket")),
                    Some(Ok(_)) => Ok(()),
                    Some(Err(error)) => Err(error.into()),
                    None => Err(Error::ConnectionLost("the connection closed")),
                },
                () = sleep_until(live.deadline) => Err(Error::HeartbeatTimeout(live.heartbeat)),
                () = maybe_sleep_until(ack_deadline) => self.expire(live).await,
            };
            if let Err(reason) = outcome {
                return Exit::Lost(reason);
            }
        }
    }

    /// Reads one frame.
    async fn frame(&mut self, text: &str, live: &mut Live) -> Result<(), Error> {
        let packet = match EnginePacket::decode(text) {
            Ok(packet) => packet,
            Err(error) => {
                tracing::warn!(%error, "unreadable frame ignored");
                return Ok(());
            }
        };
        match packet {
            EnginePacket::Ping(data) => {
                live.pinged();
                send(&mut live.socket, EnginePacket::Pong(data)).await
            }
            EnginePacket::Close => Err(Error::ConnectionLost("the server closed the session")),
            EnginePacket::Message(packet) if packet.namespace == NAMESPACE => match packet.kind {
                PacketKind::Event => {
                    match Event::from_data(packet.data.unwrap_or_default()) {
                        Ok(event) => self.event(event, text.len()),
                        Err(error) => tracing::warn!(%error, "unreadable event ignored"),
                    }
                    Ok(())
                }
                PacketKind::Ack => {
                    if let Some(id) = packet.ack_id {
                        self.acked(id, ack_outcome(packet.data));
                    }
                    Ok(())
                }
                PacketKind::Disconnect => {
                    Err(Error::ConnectionLost("the server left the namespace"))
                }
                PacketKind::ConnectError => Err(Error::ConnectRefused {
                    namespace: NAMESPACE.to_owned(),
                    message: packet.data.unwrap_or_default().to_owned(),
                }),
                PacketKind::Connect => Ok(()),
            },
            _ => Ok(()),
        }
    }

    /// Routes an event to every stream it belongs to, without waiting for
    /// any consumer. A notice that settles a waiting subscribe does so
    /// first. `size`: the bytes of the frame it came in, what the streams'
    /// byte bounds count.
    fn event(&mut self, event: Event, size: usize) {
        match &event {
            Event::System(notice) => self.confirm(&notice.message),
            Event::Exception(notice) => {
                self.exception(notice.refused_event(), &notice.message);
            }
            _ => {}
        }
        let mut sinks = self
            .routes
            .values()
            .filter(|route| match route.channel {
                None => true,
                Some(channel) => channel.carries(&event) && route.options.matches(&event),
            })
            .map(|route| &route.sink)
            .peekable();
        while let Some(sink) = sinks.next() {
            if sinks.peek().is_some() {
                sink.event(event.clone(), size);
            } else {
                sink.event(event, size);
                break;
            }
        }
    }

    /// A `system` notice that confirms a subscription settles the oldest
    /// subscribe of its channel still waiting.
    fn confirm(&mut self, message: &str) {
        let Some(confirmed) = Channel::confirmed_by(message) else {
            return;
        };
        if let Some(id) = self.oldest_subscribe(|channel| channel == confirmed) {
            self.settle(id, Ok(Subscribed::Confirmed));
        }
    }

    /// An `exception` refuses the oldest waiting subscribe of the event
    /// it names (`cause.pattern`). One that names none refuses the
    /// waiting subscribe only when there is exactly one, so an unrelated
    /// notice cannot fail a subscription it is not about.
    fn exception(&mut self, refused: Option<&str>, message: &str) {
        let id = match refused {
            Some(event) => self.oldest_subscribe(|channel| channel.subscribe_event() == event),
            None => {
                let mut waiting = self
                    .pending
                    .iter()
                    .filter(|(_, p)| matches!(p, Pending::Subscribe { .. }))
                    .map(|(&id, _)| id);
                match (waiting.next(), waiting.next()) {
                    (Some(id), None) => Some(id),
                    _ => None,
                }
            }
        };
        let Some(id) = id else { return };
        let Some(Pending::Subscribe { channel, .. }) = self.pending.get(&id) else {
            return;
        };
        let message = if message.is_empty() {
            "the server sent an exception without a message".to_owned()
        } else {
            message.to_owned()
        };
        let error = Error::Refused {
            event: channel.subscribe_event(),
            message,
        };
        self.settle(id, Err(error));
    }

    /// The oldest waiting subscribe whose channel satisfies `wanted`.
    fn oldest_subscribe(&self, wanted: impl Fn(Channel) -> bool) -> Option<u64> {
        self.pending
            .iter()
            .find_map(|(&id, pending)| match pending {
                Pending::Subscribe { channel, .. } if wanted(*channel) => Some(id),
                _ => None,
            })
    }

    /// The server's ack of the emitted event `id` (a late or unknown ack
    /// is ignored).
    fn acked(&mut self, id: u64, outcome: Result<(), String>) {
        match self.pending.get(&id) {
            Some(Pending::Subscribe { channel, .. }) => {
                let event = channel.subscribe_event();
                let verdict = outcome
                    .map(|()| Subscribed::Acknowledged)
                    .map_err(|message| Error::Refused { event, message });
                self.settle(id, verdict);
            }
            Some(Pending::Unsubscribe { .. }) => {
                if let Some(Pending::Unsubscribe { event, reply, .. }) = self.pending.remove(&id) {
                    let result = outcome.map_err(|message| Error::Refused { event, message });
                    if let Some(reply) = reply {
                        let _ = reply.send(result);
                    }
                }
            }
            None => {}
        }
    }

    /// Settles the waiting subscribe `id`: its callers get `verdict`; a
    /// refusal removes their streams (and, for a renewal, ends the streams
    /// of the channel already handed out).
    fn settle(&mut self, id: u64, verdict: Result<Subscribed, Error>) {
        let Some(Pending::Subscribe {
            channel,
            waiters,
            renewal,
            ..
        }) = self.pending.remove(&id)
        else {
            return;
        };
        match verdict {
            Ok(subscribed) => {
                for (stream, reply) in waiters {
                    if reply.send(Ok(subscribed)).is_err() {
                        // The caller gave up waiting: nobody will read
                        // this stream.
                        self.forget(stream);
                    }
                }
            }
            Err(error) => {
                for (stream, reply) in waiters {
                    self.routes.remove(&stream);
                    let _ = reply.send(Err(error.clone()));
                }
                if renewal {
                    // The streams already handed out end here.
                    self.close_channel(channel, &error);
                }
            }
        }
        if renewal {
            self.renewed();
        }
    }

    /// Waits whose time ran out. A subscribe emitted plainly, or a
    /// renewal, or one the configuration keeps, is kept as unconfirmed:
    /// only a first subscribe that asked for an ack fails.
    async fn expire(&mut self, live: &mut Live) -> Result<(), Error> {
        let now = Instant::now();
        let expired: Vec<u64> = self
            .pending
            .iter()
            .filter(|(_, pending)| pending.deadline() <= now)
            .map(|(&id, _)| id)
            .collect();
        let timeout = self.config.ack_timeout;
        for id in expired {
            match self.pending.get(&id) {
                Some(Pending::Subscribe {
                    channel,
                    renewal,
                    acked,
                    ..
                }) if !*acked || *renewal || self.config.keep_unacknowledged => {
                    tracing::warn!(
                        channel = %channel,
                        ?timeout,
                        "subscription not confirmed within the timeout: kept as sent"
                    );
                    self.settle(id, Ok(Subscribed::Unconfirmed { timeout }));
                }
                Some(Pending::Subscribe { .. }) => {
                    let Some(Pending::Subscribe {
                        channel, waiters, ..
                    }) = self.pending.remove(&id)
                    else {
                        continue;
                    };
                    let error = Error::AckTimeout {
                        event: channel.subscribe_event(),
                        timeout,
                    };
                    let mut dropped = Vec::with_capacity(waiters.len());
                    for (stream, reply) in waiters {
                        let _ = reply.send(Err(error.clone()));
                        dropped.push(stream);
                    }
                    // Not kept, and the server is asked to forget them.
                    for stream in dropped {
                        self.remove(stream, None, live).await?;
                    }
                }
                Some(Pending::Unsubscribe { .. }) => {
                    if let Some(Pending::Unsubscribe {
                        event,
                        reply: Some(reply),
                        ..
                    }) = self.pending.remove(&id)
                    {
                        let _ = reply.send(Err(Error::AckTimeout { event, timeout }));
                    }
                }
                None => {}
            }
        }
        Ok(())
    }

    async fn command_online(&mut self, command: Command, live: &mut Live) -> Result<(), Error> {
        match command {
            Command::Subscribe {
                id,
                channel,
                options,
                sink,
                reply,
            } => {
                if let Err(error) = self.admit(id, channel, options, sink) {
                    let _ = reply.send(Err(error));
                    return Ok(());
                }
                match self.emit_subscribe(channel, live).await {
                    Ok(emitted) => {
                        self.wait_for(emitted, channel, vec![(id, reply)], false);
                        Ok(())
                    }
                    Err(error) => {
                        // Answered by the renewal after reconnecting.
                        self.parked.push((id, channel, reply));
                        Err(error)
                    }
                }
            }
            Command::Events { id, sink } => {
                self.add_firehose(id, sink);
                Ok(())
            }
            Command::Unsubscribe { id, reply } => self.remove(id, reply, live).await,
            Command::Shutdown { .. } => Ok(()),
        }
    }

    /// Adds a stream to the routing table, if its filters agree with the
    /// channel's other streams'.
    fn admit(
        &mut self,
        id: u64,
        channel: Channel,
        options: SubscribeOptions,
        sink: Sink,
    ) -> Result<(), Error> {
        for route in self.routes.values().filter(|r| r.channel == Some(channel)) {
            for (key, value) in options.filters() {
                if route.options.filters().get(key).is_some_and(|v| v != value) {
                    return Err(Error::InvalidInput(format!(
                        "the {channel} streams share one subscription and another stream has filter {key} = {}",
                        route.options.filters()[key]
                    )));
                }
            }
        }
        self.routes.insert(
            id,
            Route {
                channel: Some(channel),
                options,
                sink,
            },
        );
        Ok(())
    }

    fn add_firehose(&mut self, id: u64, sink: Sink) {
        self.routes.insert(
            id,
            Route {
                channel: None,
                options: SubscribeOptions::new(),
                sink,
            },
        );
    }

    /// Subscribes `channel` on the connection to the union of its
    /// streams' markets (a subscribe replaces the channel's previous one
    /// on the server), with an ack id in [`SubscribeMode::Ack`] only.
    /// Returns the emit id.
    async fn emit_subscribe(&mut self, channel: Channel, live: &mut Live) -> Result<u64, Error> {
        let payload = union(
            self.routes
                .values()
                .filter(|r| r.channel == Some(channel))
                .map(|r| &r.options),
        )
        .subscribe_payload();
        let ack = self.config.subscribe_mode == SubscribeMode::Ack;
        self.emit(channel.subscribe_event(), &payload, ack, live)
            .await
    }

    /// Waits for what settles the emitted subscribe `emitted`: an ack in
    /// [`SubscribeMode::Ack`], or the channel's confirming notice. A
    /// channel with neither is settled now, as sent.
    fn wait_for(
        &mut self,
        emitted: u64,
        channel: Channel,
        waiters: Vec<(u64, SubscribeReply)>,
        renewal: bool,
    ) {
        let acked = self.config.subscribe_mode == SubscribeMode::Ack;
        if !acked && channel.confirmation().is_none() {
            for (stream, reply) in waiters {
                if reply.send(Ok(Subscribed::Sent)).is_err() {
                    self.forget(stream);
                }
            }
            return;
        }
        self.pending.insert(
            emitted,
            Pending::Subscribe {
                channel,
                waiters,
                renewal,
                acked,
                deadline: Instant::now() + self.config.ack_timeout,
            },
        );
    }

    /// Removes a stream and unsubscribes, on the connection, the markets
    /// no other stream of its channel covers.
    async fn remove(
        &mut self,
        id: u64,
        reply: Option<Reply>,
        live: &mut Live,
    ) -> Result<(), Error> {
        let Some(route) = self.routes.remove(&id) else {
            if let Some(reply) = reply {
                let _ = reply.send(Ok(()));
            }
            return Ok(());
        };
        route.sink.close();
        let Some(channel) = route.channel else {
            if let Some(reply) = reply {
                let _ = reply.send(Ok(()));
            }
            return Ok(());
        };
        let others: Vec<&SubscribeOptions> = self
            .routes
            .values()
            .filter(|r| r.channel == Some(channel))
            .map(|r| &r.options)
            .collect();
        let dropped = if others.is_empty() {
            route.options.clone()
        } else {
            let uncovered = route.options.without(&union(others));
            if uncovered.is_all_markets() {
                // Every market is still wanted by another stream.
                if let Some(reply) = reply {
                    let _ = reply.send(Ok(()));
                }
                return Ok(());
            }
            uncovered
        };
        let event = channel.unsubscribe_event();
        let payload = match channel {
            Channel::MarketLifecycle => dropped.subscribe_payload(),
            _ => dropped.unsubscribe_payload(channel),
        };
        let ack = match self.emit(event, &payload, true, live).await {
            Ok(ack) => ack,
            Err(error) => {
                // The connection is gone, and the server's subscriptions
                // with it.
                if let Some(reply) = reply {
                    let _ = reply.send(Ok(()));
                }
                return Err(error);
            }
        };
        self.pending.insert(
            ack,
            Pending::Unsubscribe {
                event,
                reply,
                deadline: Instant::now() + self.config.ack_timeout,
            },
        );
        Ok(())
    }

    /// A stream whose subscribe call was abandoned: removed without a
    /// round trip (the next subscribe or unsubscribe of its channel
    /// settles the server's side).
    fn forget(&mut self, id: u64) {
        if let Some(route) = self.routes.remove(&id) {
            route.sink.close();
        }
    }

    /// Emits `["<event>", <payload>]` under a fresh id, sent as the ack
    /// id when `ack` (else the event is a plain emit and the id only keys
    /// what waits for it).
    async fn emit(
        &mut self,
        event: &str,
        payload: &str,
        ack: bool,
        live: &mut Live,
    ) -> Result<u64, Error> {
        self.next_ack += 1;
        let id = self.next_ack;
        let args = format!("[\"{event}\",{payload}]");
        send(
            &mut live.socket,
            EnginePacket::Message(SocketPacket::event(NAMESPACE, ack.then_some(id), &args)),
        )
        .await?;
        Ok(id)
    }

    /// The connection is gone: subscribe calls wait for the next one,
    /// unsubscribe calls are done (the server forgot everything).
    fn disconnected(&mut self) {
        for (_, pending) in std::mem::take(&mut self.pending) {
            match pending {
                Pending::Subscribe {
                    channel, waiters, ..
                } => {
                    for (stream, reply) in waiters {
                        self.parked.push((stream, channel, reply));
                    }
                }
                Pending::Unsubscribe { reply, .. } => {
                    if let Some(reply) = reply {
                        let _ = reply.send(Ok(()));
                    }
                }
            }
        }
    }

    /// Waits and retries per the policy, serving commands meanwhile,
    /// going on from `attempts` (those made since the last healthy
    /// connection). `Ok` with a new connection whose subscriptions are
    /// being renewed.
    async fn reconnect(
        &mut self,
        mut reason: Error,
        attempts: &mut Attempts,
    ) -> Result<Live, Exit> {
        loop {
            let Some(delay) = attempts.delays.next() else {
                return Err(Exit::Lost(Error::ReconnectFailed {
                    attempts: attempts.made,
                    last: Box::new(reason),
                }));
            };
            attempts.made = attempts.made.saturating_add(1);
            let attempt = attempts.made;
            self.broadcast(&StreamItem::Reconnecting {
                attempt,
                reason: reason.clone(),
            });
            let wait = tokio::time::sleep(delay);
            tokio::pin!(wait);
            loop {
                tokio::select! {
                    biased;
                    command = self.commands.recv() => self.command_offline(command)?,
                    () = &mut wait => break,
                }
            }
            let config = Arc::clone(&self.config);
            let connecting = establish(&config);
            tokio::pin!(connecting);
            let connected = loop {
                tokio::select! {
                    biased;
                    command = self.commands.recv() => self.command_offline(command)?,
                    result = &mut connecting => break result,
                }
            };
            match connected {
                Ok(mut live) => match self.renew(&mut live).await {
                    Ok(()) => {
                        tracing::info!(attempt, "socket reconnected");
                        return Ok(live);
                    }
                    Err(error) => {
                        // Calls waiting on this renewal wait for the next.
                        self.disconnected();
                        reason = error;
                    }
                },
                Err(error) => {
                    tracing::debug!(attempt, %error, "reconnect attempt failed");
                    if matches!(
                        error,
                        Error::HandshakeRefused {
                            status: 401 | 403,
                            ..
                        }
                    ) {
                        // Credentials refused: retried while a rotation may
                        // be under way (each attempt signs afresh), then
                        // the streams end with the refusal.
                        attempts.refused = attempts.refused.saturating_add(1);
                        if attempts.refused >= self.config.reconnect.auth_refusals_limit() {
                            tracing::warn!(
                                refusals = attempts.refused,
                                %error,
                                "the server refuses the credentials: streams closed"
                            );
                            return Err(Exit::Lost(error));
                        }
                    }
                    reason = error;
                }
            }
        }
    }

    /// Serves a command while there is no connection.
    fn command_offline(&mut self, command: Option<Command>) -> Result<(), Exit> {
        match command {
            None => Err(Exit::Shutdown(None)),
            Some(Command::Shutdown { reply }) => Err(Exit::Shutdown(Some(reply))),
            Some(Command::Subscribe {
                id,
                channel,
                options,
                sink,
                reply,
            }) => {
                match self.admit(id, channel, options, sink) {
                    Ok(()) => self.parked.push((id, channel, reply)),
                    Err(error) => {
                        let _ = reply.send(Err(error));
                    }
                }
                Ok(())
            }
            Some(Command::Events { id, sink }) => {
                self.add_firehose(id, sink);
                Ok(())
            }
            Some(Command::Unsubscribe { id, reply }) => {
                // The server forgot every subscription with the connection.
                self.forget(id);
                if let Some(reply) = reply {
                    let _ = reply.send(Ok(()));
                }
                Ok(())
            }
        }
    }

    /// Subscribes every channel that has streams again, as the mode
    /// emits subscribes (plainly by default). Streams get `Reconnected`
    /// once every renewal is settled; one left unanswered is kept, never
    /// taken for a dead connection.
    async fn renew(&mut self, live: &mut Live) -> Result<(), Error> {
        let channels: BTreeSet<Channel> = self.routes.values().filter_map(|r| r.channel).collect();
        for channel in channels {
            let emitted = match self.emit_subscribe(channel, live).await {
                Ok(emitted) => emitted,
                Err(error) => {
                    // Calls still parked wait for the next connection.
                    return Err(error);
                }
            };
            let (waiters, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.parked)
                .into_iter()
                .partition(|(_, c, _)| *c == channel);
            self.parked = rest;
            let waiters = waiters
                .into_iter()
                .map(|(stream, _, reply)| (stream, reply))
                .collect();
            self.wait_for(emitted, channel, waiters, true);
        }
        self.renewed();
        Ok(())
    }

    /// After a renewal settles: once none is left, every stream learns the
    /// connection is back.
    fn renewed(&mut self) {
        let renewing = self
            .pending
            .values()
            .any(|p| matches!(p, Pending::Subscribe { renewal: true, .. }));
        if !renewing {
            self.broadcast(&StreamItem::Reconnected);
        }
    }

    /// Ends the streams of `channel` with `error`.
    fn close_channel(&mut self, channel: Channel, error: &Error) {
        let ids: Vec<u64> = self
            .routes
            .iter()
            .filter(|(_, r)| r.channel == Some(channel))
            .map(|(&id, _)| id)
            .collect();
        for id in ids {
            if let Some(route) = self.routes.remove(&id) {
                route.sink.notice(StreamItem::Closed(error.clone()));
            }
        }
    }

    fn broadcast(&self, notice: &StreamItem) {
        for route in self.routes.values() {
            route.sink.notice(notice.clone());
        }
    }

    /// Ends every stream: with `error` as its last item, or plainly.
    fn finish(&mut self, error: Option<Error>) {
        for (_, route) in std::mem::take(&mut self.routes) {
            match &error {
                Some(error) => route.sink.notice(StreamItem::Closed(error.clone())),
                None => route.sink.close(),
            }
        }
        // Waiting calls see the client closed.
        self.pending.clear();
        self.parked.clear();
        self.commands.close();
    }
}

/// Leaves the namespace and closes the WebSocket, waiting (briefly) for
/// the server's close frame.
async fn close(mut live: Live) {
    let _ = send(
        &mut live.socket,
        EnginePacket::Message(SocketPacket::disconnect(NAMESPACE)),
    )
    .await;
    let _ = live.socket.close(None).await;
    let drained = async { while let Some(Ok(_)) = live.socket.next().await {} };
    let _ = tokio::time::timeout(std::time::Duration::from_secs(1), drained).await;
    let _ = live.socket.flush().await;
}

async fn maybe_sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => sleep_until(deadline).await,
        None => pending().await,
    }
}

/// An ack's verdict: its first argument, when it is an object with a
/// non-null `error`, refuses; anything else accepts.
fn ack_outcome(data: Option<&str>) -> Result<(), String> {
    let Some(data) = data else { return Ok(()) };
    let Ok(args) = serde_json::from_str::<Vec<Value>>(data) else {
        return Ok(());
    };
    let Some(Value::Object(first)) = args.first() else {
        return Ok(());
    };
    match first.get("error") {
        None | Some(Value::Null | Value::Bool(false)) => Ok(()),
        Some(Value::String(message)) => Err(message.clone()),
        Some(Value::Object(error)) => Err(error
            .get("message")
            .and_then(Value::as_str)
            .map_or_else(|| Value::Object(error.clone()).to_string(), str::to_owned)),
        Some(other) => Err(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ack_verdicts() {
        assert_eq!(ack_outcome(None), Ok(()));
        assert_eq!(ack_outcome(Some("[]")), Ok(()));
        assert_eq!(ack_outcome(Some(r#"[{"ok":true}]"#)), Ok(()));
        assert_eq!(ack_outcome(Some(r#"[{"error":null}]"#)), Ok(()));
        assert_eq!(ack_outcome(Some(r#"[{"error":false}]"#)), Ok(()));
        assert_eq!(ack_outcome(Some(r#"["fine"]"#)), Ok(()));
        assert_eq!(
            ack_outcome(Some(r#"[{"error":"Authentication required"}]"#)),
            Err("Authentication required".into())
        );
        assert_eq!(
            ack_outcome(Some(r#"[{"error":{"message":"no such market","code":4}}]"#)),
            Err("no such market".into())
        );
        assert_eq!(
            ack_outcome(Some(r#"[{"error":{"code":4}}]"#)),
            Err(r#"{"code":4}"#.into())
        );
        assert_eq!(ack_outcome(Some(r#"[{"error":7}]"#)), Err("7".into()));
    }
}
