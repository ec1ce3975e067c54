//! The `/markets` namespace: the greeting, and every client event of the
//! API (`subscribe_*`, `unsubscribe_market_lifecycle`, `unsubscribe`).
//!
//! Subscriptions add up, as the official clients expect (they keep each
//! subscription by channel and options, send each again after a reconnect,
//! and unsubscribe one set of markets at a time): subscribing to more
//! markets adds them; `unsubscribe` with markets removes those, and
//! without markets ends the channel.
//!
//! As the docs describe the gateway (PROTOCOL §7.2), a subscribe is not
//! acknowledged: market prices, positions and order events are confirmed
//! with their `system` notice, and a refused subscribe is answered with an
//! `exception` event `{status: "error", message, cause: {pattern, data}}`
//! (NestJS's default shape for the `WsException` the docs name). With
//! [`SocketControl::ack_subscribes`](super::SocketControl::ack_subscribes)
//! a subscribe that carries an ack id is also acked. `unsubscribe`,
//! `unsubscribe_market_lifecycle` and unknown events are always acked when
//! the client asked: `{"ok": true, "channel", "markets"}` (the markets the
//! channel now covers) or `{"error": "<message>"}`.

use std::convert::Infallible;

use limitless_types::ws::{ExceptionCause, ExceptionNotice};
use limitless_types::{SystemMessage, ws};
use serde::Deserialize;
use serde_json::{Value, json};
use socketioxide::extract::{AckSender, Event, SocketRef, TryData};
use socketioxide::handler::ConnectHandler as _;

use super::events::{self, POSITIONS, TRANSACTIONS, market_room, private_room};
use crate::auth::SocketCaller;
use crate::feed::{NAMESPACE, Outbound, SocketHub, SocketSession};
use crate::state::{App, State, WeakApp};

/// How a channel is delivered.
#[derive(Debug, Clone, Copy)]
enum Access {
    /// `market:{slug}` rooms, a snapshot on subscribe.
    Prices,
    /// The caller's own rooms under this prefix; needs an authenticated
    /// socket.
    Private(&'static str),
    /// One shared room (the sandbox sends nothing there yet).
    Public(&'static str),
}

/// The subscribe events of the API.
const CHANNELS: [(&str, Access); 7] = [
    ("subscribe_market_prices", Access::Prices),
    ("subscribe_positions", Access::Private(POSITIONS)),
    ("subscribe_transactions", Access::Private(TRANSACTIONS)),
    ("subscribe_order_events", Access::Private(events::ORDERS)),
    ("subscribe_live_sports", Access::Public("live_sports")),
    ("subscribe_live_esports", Access::Public("live_esports")),
    (
        "subscribe_market_lifecycle",
        Access::Public("market_lifecycle"),
    ),
];

fn channel(name: &str) -> Option<(&'static str, Access)> {
    CHANNELS.iter().copied().find(|(n, _)| *n == name)
}

/// A subscribe or unsubscribe payload.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Request {
    channel: Option<String>,
    market_slug: Option<String>,
    market_slugs: Option<Vec<String>>,
    market_address: Option<String>,
    market_addresses: Option<Vec<String>>,
    /// Accepted and not used: the sandbox filters by market only.
    #[allow(dead_code)]
    filters: Option<Value>,
}

impl Request {
    fn parse(data: Result<Value, impl std::fmt::Display>) -> Result<Self, String> {
        match data {
            // socketioxide reports an event with no argument as an error;
            // the official clients send `{}` for "no options".
            Err(_) | Ok(Value::Null) => Ok(Self::default()),
            Ok(value @ Value::Object(_)) => serde_json::from_value(value).map_err(|e| {
                format!(
                    "invalid payload: {e}; send {{marketSlug?, marketSlugs?, marketAddress?, marketAddresses?, filters?}}"
                )
            }),
            Ok(other) => Err(format!(
                "invalid payload {}: send an object {{marketSlug?, marketSlugs?, marketAddress?, marketAddresses?, filters?}}",
                excerpt(&other.to_string())
            )),
        }
    }

    /// `marketSlug` and `marketSlugs` together, each once, in order.
    fn slugs(&self) -> Vec<String> {
        let mut slugs: Vec<String> = Vec::new();
        for slug in self
            .market_slug
            .iter()
            .chain(self.market_slugs.iter().flatten())
        {
            if !slugs.contains(slug) {
                slugs.push(slug.clone());
            }
        }
        slugs
    }

    fn has_addresses(&self) -> bool {
        self.market_address.is_some()
            || self
                .market_addresses
                .as_ref()
                .is_some_and(|a| !a.is_empty())
    }
}

/// The most of a client's input an error quotes, in bytes.
const EXCERPT: usize = 256;

/// `text` as an error quotes it: whole up to [`EXCERPT`] bytes, else its
/// start, marked truncated with the full size. An error never echoes a
/// large input back (a megabyte in, a megabyte out per refusal).
fn excerpt(text: &str) -> String {
    if text.len() <= EXCERPT {
        return text.to_owned();
    }
    let mut end = EXCERPT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… (truncated, {} bytes)", &text[..end], text.len())
}

/// The client's data as an exception's `cause.data` quotes it: as sent
/// when it is small, else an [`excerpt`] of its JSON, as a string.
fn quoted_data(data: Value) -> Value {
    let text = data.to_string();
    if text.len() <= EXCERPT {
        data
    } else {
        Value::String(excerpt(&text))
    }
}

/// The rooms that deliver a channel for every market (`None`) or for one.
fn room(access: Access, caller: Option<&SocketCaller>, market: Option<&str>) -> Option<String> {
    match (access, market) {
        (Access::Prices, Some(slug)) => Some(market_room(slug)),
        (Access::Prices, None) => None,
        (Access::Private(prefix), market) => {
            caller.map(|caller| private_room(prefix, caller.profile_id, market))
        }
        (Access::Public(room), _) => Some(room.to_owned()),
    }
}

/// Registers the namespace's handlers on socketioxide.
pub(crate) fn register(app: &App) {
    let weak = app.downgrade();
    let on_connect = {
        let weak = weak.clone();
        move |socket: SocketRef| async move {
            if let Some(app) = weak.upgrade() {
                connected(&app, &socket);
            }
        }
    };
    // Runs before the client is told it is connected, so no event it sends
    // can arrive before its handler exists.
    let prepare = move |socket: SocketRef| {
        let weak = weak.clone();
        async move {
            listen(&socket, &weak);
            Ok::<(), Infallible>(())
        }
    };
    app.sockets().io().ns(NAMESPACE, on_connect.with(prepare));
}

fn listen(socket: &SocketRef, weak: &WeakApp) {
    let on_event = {
        let weak = weak.clone();
        move |socket: SocketRef,
              Event(name): Event,
              TryData(data): TryData<Value>,
              ack: AckSender| async move {
            if let Some(app) = weak.upgrade() {
                on_event(&app, &socket, &name, data, ack);
            }
        }
    };
    socket.on_fallback(on_event);
    let weak = weak.clone();
    socket.on_disconnect(move |socket: SocketRef| async move {
        if let Some(app) = weak.upgrade() {
            disconnected(&app, &socket);
        }
    });
}

fn caller(socket: &SocketRef) -> Option<SocketCaller> {
    socket.req_parts().extensions.get::<SocketCaller>().cloned()
}

/// Queues the registration notice the first time the socket is seen, by
/// the connect handler or by an event that got there first.
fn greet<'s>(state: &'s mut State, socket: &SocketRef) -> &'s mut SocketSession {
    let session = state.socket_sessions.entry(socket.id).or_default();
    if !session.greeted {
        session.greeted = true;
        let notice = SystemMessage {
            message: "Successfully registered connection".to_owned(),
            markets: Vec::new(),
        };
        if let Some(payload) = events::encode(ws::event::SYSTEM, &notice) {
            state.outbox.events.push(Outbound::Socket {
                socket: socket.clone(),
                event: ws::event::SYSTEM,
                payload,
            });
        }
    }
    // Re-borrowed: the entry exists.
    state.socket_sessions.entry(socket.id).or_default()
}

fn connected(app: &App, socket: &SocketRef) {
    let mut state = app.lock();
    // A socket that is already gone must not leave a session behind.
    if !socket.connected() {
        return;
    }
    let session = greet(&mut state, socket);
    if !session.counted {
        session.counted = true;
        app.sockets().count_connection(true);
    }
}

fn disconnected(app: &App, socket: &SocketRef) {
    let mut state = app.lock();
    if state
        .socket_sessions
        .remove(&socket.id)
        .is_some_and(|s| s.counted)
    {
        app.sockets().count_connection(false);
    }
}

/// An event's answer: the ack, then anything else to send.
type Reply = Result<(Value, Vec<Outbound>), String>;

fn on_event(
    app: &App,
    socket: &SocketRef,
    name: &str,
    data: Result<Value, impl std::fmt::Display>,
    ack: AckSender,
) {
    let caller = caller(socket);
    let now = app.now();
    let ack_subscribes = app.sockets().acks_subscribes();
    let confirm = app.sockets().confirms_subscribes();
    let mut state = app.lock();
    if !socket.connected() {
        return;
    }
    greet(&mut state, socket);
    // What the client sent, for the cause of an exception (bounded).
    let sent = data
        .as_ref()
        .ok()
        .filter(|v| !v.is_null())
        .cloned()
        .map(quoted_data);
    let request = Request::parse(data);
    let subscribing = channel(name);
    let reply = match (name, subscribing) {
        ("unsubscribe", _) => request.and_then(|r| {
            unsubscribe(&mut state, app.sockets(), socket, caller.as_ref(), None, &r)
        }),
        ("unsubscribe_market_lifecycle", _) => request.and_then(|r| {
            unsubscribe(
                &mut state,
                app.sockets(),
                socket,
                caller.as_ref(),
                Some("subscribe_market_lifecycle"),
                &r,
            )
        }),
        (_, Some(channel)) => request.and_then(|r| {
            subscribe(
                &mut state,
                app.sockets(),
                socket,
                caller.as_ref(),
                channel,
                &r,
                now,
                confirm,
            )
        }),
        (name, None) => Err(format!(
            "unknown event {:?}; the /markets namespace takes {}, unsubscribe_market_lifecycle and unsubscribe",
            excerpt(name),
            CHANNELS.map(|(n, _)| n).join(", ")
        )),
    };
    // A refusal is acked even when confirmations are off.
    let acked = subscribing.is_none() || (ack_subscribes && (confirm || reply.is_err()));
    match reply {
        Ok((payload, then)) => {
            if acked {
                state.outbox.events.push(Outbound::Ack { ack, payload });
            }
            state.outbox.events.extend(then);
        }
        Err(error) => {
            if acked {
                state.outbox.events.push(Outbound::Ack {
                    ack,
                    payload: json!({ "error": error }),
                });
            }
            if let Some((event, _)) = subscribing {
                let exception = ExceptionNotice {
                    status: Some("error".to_owned()),
                    message: error,
                    cause: Some(ExceptionCause {
                        pattern: Some(event.to_owned()),
                        data: sent,
                    }),
                };
                if let Some(payload) = events::encode(ws::event::EXCEPTION, &exception) {
                    state.outbox.events.push(Outbound::Socket {
                        socket: socket.clone(),
                        event: ws::event::EXCEPTION,
                        payload,
                    });
                }
            }
        }
    }
}

fn unknown_market(state: &State, slugs: &[String]) -> Result<(), String> {
    match slugs.iter().find(|slug| state.market(slug).is_none()) {
        Some(slug) => Err(format!(
            "market {:?} not found; list markets with GET /markets/active",
            excerpt(slug)
        )),
        None => Ok(()),
    }
}

#[allow(clippy::too_many_arguments)]
fn subscribe(
    state: &mut State,
    hub: &SocketHub,
    socket: &SocketRef,
    caller: Option<&SocketCaller>,
    (name, access): (&'static str, Access),
    request: &Request,
    now: std::time::SystemTime,
    confirm: bool,
) -> Reply {
    if request.has_addresses() {
        return Err(
            "marketAddress and marketAddresses name AMM markets, which the sandbox does not serve; subscribe by marketSlug or marketSlugs"
                .to_owned(),
        );
    }
    let markets = request.slugs();
    unknown_market(state, &markets)?;
    match access {
        Access::Prices if markets.is_empty() => {
            return Err(format!("{name} needs marketSlug or marketSlugs"));
        }
        Access::Private(_) if caller.is_none() => {
            return Err(format!(
                "{name} needs an authenticated connection: open the socket with the lmts-api-key, lmts-timestamp and lmts-signature headers of a scoped API token"
            ));
        }
        _ => {}
    }
    let session = state.socket_sessions.entry(socket.id).or_default();
    let coverage = session.channels.entry(name).or_default();
    let mut joined = Vec::new();
    if markets.is_empty() || matches!(access, Access::Public(_)) {
        coverage.all = true;
        joined.extend(room(access, caller, None));
    }
    for slug in &markets {
        if !coverage.markets.contains(slug) {
            coverage.markets.push(slug.clone());
        }
        if !matches!(access, Access::Public(_)) {
            joined.extend(room(access, caller, Some(slug)));
        }
    }
    let covered = coverage.markets.clone();
    socket.join(joined);

    let mut then = Vec::new();
    // The confirmations the docs' WebSocket events page shows, word for
    // word; the other channels are confirmed by nothing.
    let notice = match name {
        "subscribe_market_prices" => Some(json!({
            "message": "Successfully subscribed to market price updates",
            "markets": covered,
        })),
        // The sandbox serves no AMM market: no addresses.
        "subscribe_positions" => Some(json!({
            "message": "Successfully subscribed to position updates",
            "markets": { "addresses": [], "slugs": covered },
        })),
        "subscribe_order_events" => Some(json!({
            "message": "Successfully subscribed to order event updates",
        })),
        _ => None,
    };
    then.extend(notice.filter(|_| confirm).map(|payload| Outbound::Socket {
        socket: socket.clone(),
        event: ws::event::SYSTEM,
        payload,
    }));
    if let Access::Prices = access {
        // A snapshot of each market asked for, even one already covered:
        // a client subscribing again after a reconnect needs it. One
        // already waiting to be sent serves (the socket has been in the
        // room since it was taken), so a subscribe storm queues at most
        // one per market.
        for slug in &markets {
            if !hub.snapshots().reserve(socket.id, slug) {
                hub.count_coalesced();
                continue;
            }
            match events::book_update(state, slug, now, false) {
                Some(payload) => then.push(Outbound::Snapshot {
                    socket: socket.clone(),
                    slug: slug.clone(),
                    payload,
                }),
                None => hub.snapshots().release(socket.id, slug),
            }
        }
    }
    Ok((
        json!({ "ok": true, "channel": name, "markets": covered }),
        then,
    ))
}

fn unsubscribe(
    state: &mut State,
    hub: &SocketHub,
    socket: &SocketRef,
    caller: Option<&SocketCaller>,
    fixed: Option<&'static str>,
    request: &Request,
) -> Reply {
    let name = match (fixed, request.channel.as_deref()) {
        (Some(name), _) | (None, Some(name)) => name,
        (None, None) => {
            return Err(
                "unsubscribe needs channel: the subscribe event to undo, e.g. subscribe_market_prices"
                    .to_owned(),
            );
        }
    };
    let Some((name, access)) = channel(name) else {
        return Err(format!(
            "unknown channel {name:?}; use one of {}",
            CHANNELS.map(|(n, _)| n).join(", ")
        ));
    };
    let markets = request.slugs();
    let session = state.socket_sessions.entry(socket.id).or_default();
    let current = session.channels.get(name).cloned().unwrap_or_default();
    let mut left = Vec::new();
    let remaining = if markets.is_empty() || matches!(access, Access::Public(_)) {
        // The whole channel.
        session.channels.remove(name);
        if current.all {
            left.extend(room(access, caller, None));
        }
        for slug in &current.markets {
            left.extend(room(access, caller, Some(slug)));
            if let Access::Prices = access {
                hub.snapshots().release(socket.id, slug);
            }
        }
        Vec::new()
    } else {
        if current.all {
            return Err(format!(
                "{name} covers every market; unsubscribe without marketSlug or marketSlugs to end it"
            ));
        }
        let remaining: Vec<String> = current
            .markets
            .iter()
            .filter(|slug| !markets.contains(slug))
            .cloned()
            .collect();
        for slug in markets.iter().filter(|slug| current.markets.contains(slug)) {
            left.extend(room(access, caller, Some(slug)));
            if let Access::Prices = access {
                hub.snapshots().release(socket.id, slug);
            }
        }
        if remaining.is_empty() {
            session.channels.remove(name);
        } else if let Some(coverage) = session.channels.get_mut(name) {
            coverage.markets.clone_from(&remaining);
        }
        remaining
    };
    if !left.is_empty() {
        socket.leave(left);
    }
    Ok((
        json!({ "ok": true, "channel": name, "markets": remaining }),
        Vec::new(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_quote_small_inputs_whole_and_large_ones_truncated() {
        assert_eq!(excerpt("no-such-market"), "no-such-market");
        let exact = "x".repeat(EXCERPT);
        assert_eq!(excerpt(&exact), exact);
        let large = "y".repeat(60 << 20);
        assert_eq!(
            excerpt(&large),
            format!("{}… (truncated, {} bytes)", "y".repeat(EXCERPT), 60 << 20)
        );
        // Cut on a character boundary: `é` is two bytes.
        let accents = "é".repeat(EXCERPT);
        let quoted = excerpt(&accents);
        assert!(quoted.starts_with(&"é".repeat(EXCERPT / 2)));
        assert!(quoted.ends_with(&format!("(truncated, {} bytes)", EXCERPT * 2)));

        let small = json!({ "marketSlug": "a" });
        assert_eq!(quoted_data(small.clone()), small);
        let big = json!({ "marketSlug": "z".repeat(1_000) });
        let Value::String(text) = quoted_data(big) else {
            panic!("a large payload is quoted as a string");
        };
        assert!(text.starts_with(r#"{"marketSlug":"zzz"#), "{text}");
        assert!(text.ends_with("(truncated, 1017 bytes)"), "{text}");
    }
}
