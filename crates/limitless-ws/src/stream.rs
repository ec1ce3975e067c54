//! [`EventStream`]: one consumer's view of the connection, with its own
//! bounded buffer.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use futures_util::Stream;
use tokio::sync::{mpsc, oneshot};

use crate::{Channel, Error, Event, SubscribeOptions, Subscribed};

/// What a handle (the client or a stream) asks of the connection's task;
/// beside the streams that send it, below the driver that obeys.
#[derive(Debug)]
pub(crate) enum Command {
    /// Add a stream of `channel` and (re)subscribe the channel.
    Subscribe {
        id: u64,
        channel: Channel,
        options: SubscribeOptions,
        sink: Sink,
        reply: SubscribeReply,
    },
    /// Add a stream of every event.
    Events { id: u64, sink: Sink },
    /// Remove a stream, and unsubscribe what no other stream wants. No
    /// reply for a dropped stream.
    Unsubscribe {
        id: u64,
        reply: Option<oneshot::Sender<Result<(), Error>>>,
    },
    /// Leave the namespace, close the socket, end every stream.
    Shutdown { reply: oneshot::Sender<()> },
}

/// The answer to a subscribe.
pub(crate) type SubscribeReply = oneshot::Sender<Result<Subscribed, Error>>;

/// What a stream yields.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum StreamItem {
    /// An event for this stream.
    Event(Event),
    /// This many events for this stream were not kept because its buffer
    /// was full: they fell here, between the items before and after.
    Lagged(u64),
    /// The connection was lost (`attempt` 1, with why) or a reconnect
    /// attempt failed (with why); the client is about to try again. Events
    /// may have been missed until [`Reconnected`](Self::Reconnected).
    Reconnecting {
        /// The attempt about to be made, from 1, counted since the last
        /// connection that stayed up long enough to be healthy
        /// ([`ReconnectPolicy::healthy_after`](crate::ReconnectPolicy::healthy_after)).
        attempt: u32,
        /// Why the connection or the last attempt failed.
        reason: Error,
    },
    /// The connection is back and every subscription has been renewed:
    /// state built from earlier events (an order book) should be read
    /// again.
    Reconnected,
    /// The stream ends: the client gave up reconnecting, or the server
    /// refused to renew this subscription. `None` follows.
    Closed(Error),
}

/// The items waiting for one consumer, and how many events did not fit.
///
/// At most `capacity` events, and at most `byte_capacity` bytes of them
/// (each counted as the frame it arrived in), are held; an empty buffer
/// takes any one event, so a stream never stalls. A full buffer counts the events it
/// refuses, and the count is delivered as one [`StreamItem::Lagged`] at the
/// position of the gap. Connection notices are never refused; a run of
/// them with no event between collapses to its last state, so the buffer
/// stays bounded whatever the consumer does.
#[derive(Debug)]
struct Buffer {
    items: VecDeque<StreamItem>,
    /// Events in `items`.
    events: usize,
    capacity: usize,
    /// The size of each event in `items`, oldest first.
    sizes: VecDeque<usize>,
    /// Sum of `sizes`.
    bytes: usize,
    byte_capacity: usize,
    /// Events refused since the last one kept.
    refused: u64,
    closed: bool,
    waker: Option<Waker>,
}

impl Buffer {
    fn push_lag(&mut self) {
        if self.refused > 0 {
            self.items.push_back(StreamItem::Lagged(self.refused));
            self.refused = 0;
        }
    }

    fn push_event(&mut self, event: Event, size: usize) {
        if self.closed {
            return;
        }
        let too_big = self.events > 0 && self.bytes.saturating_add(size) > self.byte_capacity;
        if self.events >= self.capacity || too_big {
            self.refused += 1;
            return;
        }
        self.push_lag();
        self.items.push_back(StreamItem::Event(event));
        self.events += 1;
        self.sizes.push_back(size);
        self.bytes += size;
        self.wake();
    }

    fn push_notice(&mut self, notice: StreamItem) {
        if self.closed {
            return;
        }
        self.push_lag();
        if matches!(notice, StreamItem::Reconnecting { .. }) {
            // Notices and gaps since the last event the consumer has not
            // read are superseded: fold the gaps into one and keep only the
            // newest attempt.
            let mut lag = 0;
            while let Some(last) = self.items.back() {
                match last {
                    StreamItem::Lagged(n) => lag += n,
                    StreamItem::Reconnecting { .. } | StreamItem::Reconnected => {}
                    _ => break,
                }
                self.items.pop_back();
            }
            if lag > 0 {
                self.items.push_back(StreamItem::Lagged(lag));
            }
        }
        if matches!(notice, StreamItem::Closed(_)) {
            self.closed = true;
        }
        self.items.push_back(notice);
        self.wake();
    }

    fn close(&mut self) {
        self.closed = true;
        self.wake();
    }

    fn wake(&mut self) {
        if let Some(waker) = self.waker.take() {
            waker.wake();
        }
    }

    fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<StreamItem>> {
        if let Some(item) = self.items.pop_front() {
            if matches!(item, StreamItem::Event(_)) {
                self.events -= 1;
                self.bytes -= self.sizes.pop_front().unwrap_or(0);
            }
            return Poll::Ready(Some(item));
        }
        if self.refused > 0 {
            // The gap is at the end of what was kept.
            let lag = std::mem::take(&mut self.refused);
            return Poll::Ready(Some(StreamItem::Lagged(lag)));
        }
        if self.closed {
            return Poll::Ready(None);
        }
        self.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// The driver's side of a stream's buffer.
#[derive(Debug, Clone)]
pub(crate) struct Sink(Arc<Mutex<Buffer>>);

impl Sink {
    pub(crate) fn new(capacity: usize, byte_capacity: usize) -> Self {
        Self(Arc::new(Mutex::new(Buffer {
            items: VecDeque::new(),
            events: 0,
            capacity,
            sizes: VecDeque::new(),
            bytes: 0,
            byte_capacity,
            refused: 0,
            closed: false,
            waker: None,
        })))
    }

    fn lock(&self) -> MutexGuard<'_, Buffer> {
        // A poisoned buffer still holds valid items.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Queues an event of `size` bytes (its frame's), or counts it if the
    /// buffer is full. Never waits for the consumer.
    pub(crate) fn event(&self, event: Event, size: usize) {
        self.lock().push_event(event, size);
    }

    /// Queues a connection notice.
    pub(crate) fn notice(&self, notice: StreamItem) {
        self.lock().push_notice(notice);
    }

    /// Ends the stream after what it holds.
    pub(crate) fn close(&self) {
        self.lock().close();
    }
}

/// A stream of [`StreamItem`]s: one subscription, or every event
/// ([`WsClient::events`](crate::WsClient::events)).
///
/// Each stream has its own bounded buffer
/// ([`WsClientBuilder::buffer_capacity`](crate::WsClientBuilder::buffer_capacity)):
/// a slow consumer loses events of its own stream only, learns how many
/// through [`StreamItem::Lagged`], and never slows the connection or other
/// streams. The stream ends (`None`) after
/// [`WsClient::shutdown`](crate::WsClient::shutdown), after
/// [`StreamItem::Closed`], or once every [`WsClient`](crate::WsClient)
/// handle is dropped.
///
/// Dropping a subscription's stream unsubscribes it without waiting for
/// the server; [`unsubscribe`](Self::unsubscribe) waits for the answer.
#[must_use = "dropping the stream unsubscribes it"]
pub struct EventStream {
    id: u64,
    channel: Option<Channel>,
    options: SubscribeOptions,
    subscribed: Option<Subscribed>,
    sink: Sink,
    commands: mpsc::WeakUnboundedSender<Command>,
    released: bool,
}

impl EventStream {
    pub(crate) fn new(
        id: u64,
        channel: Option<Channel>,
        options: SubscribeOptions,
        subscribed: Option<Subscribed>,
        sink: Sink,
        commands: mpsc::WeakUnboundedSender<Command>,
    ) -> Self {
        Self {
            id,
            channel,
            options,
            subscribed,
            sink,
            commands,
            released: false,
        }
    }

    /// The subscribed channel; `None` for [`WsClient::events`](crate::WsClient::events).
    #[must_use]
    pub fn channel(&self) -> Option<Channel> {
        self.channel
    }

    /// The markets this stream was subscribed with.
    #[must_use]
    pub fn options(&self) -> &SubscribeOptions {
        &self.options
    }

    /// How the server settled the subscription (confirmed by its notice,
    /// acknowledged, sent, or left unconfirmed); `None` for
    /// [`WsClient::events`](crate::WsClient::events), which subscribes to
    /// nothing.
    #[must_use]
    pub fn subscribed(&self) -> Option<Subscribed> {
        self.subscribed
    }

    /// Stops the stream and unsubscribes it, waiting for the server's
    /// answer. Other streams of the same channel keep the markets they
    /// share with this one: only markets no other stream wants are
    /// unsubscribed on the connection (nothing is sent when none is left
    /// to drop, or while the client is reconnecting, since the server
    /// forgets subscriptions with the connection).
    ///
    /// # Errors
    ///
    /// [`Error::Refused`] or [`Error::AckTimeout`] from the server's
    /// answer, [`Error::Closed`] if the client has shut down. The stream
    /// is removed locally in every case.
    pub async fn unsubscribe(mut self) -> Result<(), Error> {
        self.released = true;
        let (reply, answer) = oneshot::channel();
        let Some(commands) = self.commands.upgrade() else {
            return Err(Error::Closed);
        };
        commands
            .send(Command::Unsubscribe {
                id: self.id,
                reply: Some(reply),
            })
            .map_err(|_| Error::Closed)?;
        answer.await.unwrap_or(Err(Error::Closed))
    }
}

impl Stream for EventStream {
    type Item = StreamItem;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<StreamItem>> {
        self.sink.lock().poll_next(cx)
    }
}

impl Drop for EventStream {
    fn drop(&mut self) {
        if !self.released
            && let Some(commands) = self.commands.upgrade()
        {
            let _ = commands.send(Command::Unsubscribe {
                id: self.id,
                reply: None,
            });
        }
    }
}

impl fmt::Debug for EventStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("id", &self.id)
            .field("channel", &self.channel)
            .field("options", &self.options)
            .field("subscribed", &self.subscribed)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use futures_util::StreamExt;

    use super::*;
    use crate::Error;

    fn system(n: u32) -> Event {
        Event::System(limitless_types::ws::SystemMessage {
            message: n.to_string(),
            markets: Vec::new(),
        })
    }

    /// Items as short words: `3` an event, `lag 7`, `reconnecting 2`…
    fn words(items: &[StreamItem]) -> Vec<String> {
        items
            .iter()
            .map(|item| match item {
                StreamItem::Event(Event::System(notice)) => notice.message.clone(),
                StreamItem::Event(other) => format!("{other:?}"),
                StreamItem::Lagged(n) => format!("lag {n}"),
                StreamItem::Reconnecting { attempt, .. } => format!("reconnecting {attempt}"),
                StreamItem::Reconnected => "reconnected".into(),
                StreamItem::Closed(error) => format!("closed: {error}"),
            })
            .collect()
    }

    fn next(sink: &Sink) -> Poll<Option<StreamItem>> {
        let waker = futures_util::task::noop_waker();
        sink.lock().poll_next(&mut Context::from_waker(&waker))
    }

    fn drain(sink: &Sink) -> Vec<String> {
        let mut out = Vec::new();
        while let Poll::Ready(Some(item)) = next(sink) {
            out.push(item);
        }
        words(&out)
    }

    fn reconnecting(attempt: u32) -> StreamItem {
        StreamItem::Reconnecting {
            attempt,
            reason: Error::Closed,
        }
    }

    #[test]
    fn a_full_buffer_counts_and_reports_one_gap_where_it_fell() {
        let sink = Sink::new(3, usize::MAX);
        for n in 1..=10 {
            sink.event(system(n), 1);
        }
        // Read two: room for two more, but the gap comes first.
        let Poll::Ready(Some(first)) = next(&sink) else {
            panic!()
        };
        let Poll::Ready(Some(second)) = next(&sink) else {
            panic!()
        };
        assert_eq!(words(&[first, second]), ["1", "2"]);
        for n in 11..=13 {
            sink.event(system(n), 1);
        }
        // 13 did not fit either: reported after 12, once.
        assert_eq!(drain(&sink), ["3", "lag 7", "11", "12", "lag 1"]);
        assert_eq!(drain(&sink), [] as [&str; 0]);
        let sink = Sink::new(1, usize::MAX);
        sink.event(system(1), 1);
        sink.event(system(2), 1);
        assert_eq!(drain(&sink), ["1", "lag 1"]);
        assert_eq!(drain(&sink), [] as [&str; 0]);
    }

    #[test]
    fn the_bytes_held_are_bounded_too() {
        let sink = Sink::new(100, 10);
        sink.event(system(1), 4);
        sink.event(system(2), 6);
        sink.event(system(3), 1); // 11 bytes: refused
        assert_eq!(sink.lock().bytes, 10);
        assert_eq!(drain(&sink), ["1", "2", "lag 1"]);
        assert_eq!(sink.lock().bytes, 0);
        // An empty buffer takes an event larger than the bound, alone.
        sink.event(system(4), 50);
        sink.event(system(5), 1); // refused
        assert_eq!(drain(&sink), ["4", "lag 1"]);
        sink.event(system(6), 10);
        assert_eq!(drain(&sink), ["6"]);
    }

    #[test]
    fn notices_are_never_refused_and_runs_of_them_collapse() {
        let sink = Sink::new(2, usize::MAX);
        sink.event(system(1), 1);
        sink.event(system(2), 1);
        sink.event(system(3), 1); // refused
        sink.notice(reconnecting(1));
        sink.notice(StreamItem::Reconnected);
        sink.event(system(4), 1); // refused
        sink.notice(reconnecting(1));
        sink.notice(reconnecting(2));
        assert_eq!(drain(&sink), ["1", "2", "lag 2", "reconnecting 2"]);
        // However long the consumer sleeps, the buffer stays bounded.
        for attempt in 1..1000 {
            sink.notice(reconnecting(attempt));
            sink.notice(StreamItem::Reconnected);
            sink.event(system(attempt), 1);
        }
        assert!(sink.lock().items.len() <= 10, "{}", sink.lock().items.len());
        assert_eq!(
            drain(&sink),
            [
                "reconnecting 1",
                "reconnected",
                "1",
                "reconnecting 2",
                "reconnected",
                "2",
                "lag 996",
                "reconnecting 999",
                "reconnected",
                "lag 1"
            ]
        );
    }

    #[test]
    fn closed_ends_the_stream_after_what_it_holds() {
        let sink = Sink::new(4, usize::MAX);
        sink.event(system(1), 1);
        sink.notice(StreamItem::Closed(Error::Closed));
        sink.event(system(2), 1);
        assert_eq!(drain(&sink), ["1", "closed: the stream client is closed"]);
        assert!(matches!(next(&sink), Poll::Ready(None)));
        let plain = Sink::new(4, usize::MAX);
        plain.event(system(1), 1);
        plain.close();
        assert_eq!(drain(&plain), ["1"]);
        assert!(matches!(next(&plain), Poll::Ready(None)));
    }

    #[tokio::test]
    async fn a_waiting_consumer_is_woken() {
        let sink = Sink::new(4, usize::MAX);
        let (tx, _rx) = mpsc::unbounded_channel::<Command>();
        let mut stream = EventStream::new(
            0,
            None,
            SubscribeOptions::new(),
            None,
            sink.clone(),
            tx.downgrade(),
        );
        let reader = tokio::spawn(async move { stream.next().await });
        tokio::task::yield_now().await;
        sink.event(system(9), 1);
        let item = reader.await.unwrap().unwrap();
        assert_eq!(words(&[item]), ["9"]);
    }
}
