//! The socket commands, `lmts market book --watch` and `lmts order watch`:
//! one line (or one table) per event as it arrives, a line per connection
//! notice, until Ctrl-C, `--count` events or `--timeout`.
//!
//! `--count` counts events printed (book views, order and transaction
//! events), never notices (`subscribed`, `unconfirmed`, `exception`,
//! `reconnecting`, `reconnected`, `lagged`, `unrecognized`). Ctrl-C and the
//! end of the watch close the socket cleanly (`WsClient::shutdown`) before
//! `lmts` exits.
//!
//! Subscriptions are plain emits, as the gateway expects (the stream
//! client's default mode): a subscription the gateway does not confirm in
//! time is announced (`unconfirmed`) and watched anyway, and one it
//! refuses (an `exception` naming it) exits 3.

use std::cell::{Cell, OnceCell, RefCell};
use std::time::Duration;

use futures_util::StreamExt;
use indicatif::ProgressBar;
use limitless_ws::types::{OrderEvent, TxEvent};
use limitless_ws::{
    Applied, Channel, Decimal, Event, EventStream, Level, LocalOrderBook, StreamItem,
    SubscribeOptions, Subscribed, WsClient,
};
use serde::Serialize;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

use super::Api;
use crate::cli::{BookArgs, OrderWatchArgs, StreamArgs};
use crate::config::ENV_WS_URL;
use crate::exit::{CliError, Exit, stream_chain};
use crate::output::{Output, book_json, table, write_stdout};

/// `lmts market book SLUG --watch`.
pub(super) async fn book(
    api: &Api,
    args: &BookArgs,
    interrupted: impl Future<Output = ()>,
) -> Result<(), CliError> {
    let session = Session::new(api.out, &args.stream);
    let body = follow_book(&session, api, args);
    session.run(body, interrupted).await
}

/// `lmts order watch`.
pub(super) async fn orders(
    api: &Api,
    args: &OrderWatchArgs,
    interrupted: impl Future<Output = ()>,
) -> Result<(), CliError> {
    // Checked before anything is connected: the channels need a token.
    if api.settings.hmac().is_none() {
        return Err(CliError::credentials(
            "`lmts order watch` authenticates the socket with an API token, and none is set",
        )
        .hint(api.settings.credentials_hint()));
    }
    let session = Session::new(api.out, &args.stream);
    let body = follow_orders(&session, api, args);
    session.run(body, interrupted).await
}

/// Whether to keep reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Continue,
    /// `--count` reached, or nobody reads stdout any more.
    Done,
}

/// One watch: the connection, what was printed, the spinner.
struct Session {
    out: Output,
    count: Option<u64>,
    timeout: Option<Duration>,
    ws: OnceCell<WsClient>,
    printed: Cell<u64>,
    spinner: RefCell<Option<ProgressBar>>,
}

impl Session {
    fn new(out: Output, stream: &StreamArgs) -> Self {
        Self {
            out,
            count: stream.count,
            timeout: stream.timeout.map(Duration::from_secs),
            ws: OnceCell::new(),
            printed: Cell::new(0),
            spinner: RefCell::new(None),
        }
    }

    /// Runs `body` until it ends, Ctrl-C or the timeout, then closes the
    /// socket.
    async fn run(
        &self,
        body: impl Future<Output = Result<(), CliError>>,
        interrupted: impl Future<Output = ()>,
    ) -> Result<(), CliError> {
        let timeout = self.timeout;
        let deadline = async move {
            match timeout {
                Some(timeout) => tokio::time::sleep(timeout).await,
                None => std::future::pending().await,
            }
        };
        let outcome = tokio::select! {
            biased;
            () = interrupted => Err(CliError::new(Exit::Interrupted, "interrupted; the stream was closed")),
            () = deadline => self.timed_out(),
            result = body => result,
        };
        self.stop_spinner();
        if let Some(ws) = self.ws.get() {
            ws.shutdown().await;
        }
        outcome
    }

    /// The end of `--timeout`: success when no count was asked for.
    fn timed_out(&self) -> Result<(), CliError> {
        let (Some(count), Some(timeout)) = (self.count, self.timeout) else {
            return Ok(());
        };
        Err(CliError::new(
            Exit::TimedOut,
            format!(
                "{} of the {count} events asked for arrived within {} s",
                self.printed.get(),
                timeout.as_secs()
            ),
        )
        .hint("raise --timeout, or lower --count"))
    }

    /// Connects to the socket URL (signing the handshake with `api`'s
    /// credentials and the REST client's clock when `authenticated`).
    async fn connect(
        &self,
        api: &Api,
        stream: &StreamArgs,
        authenticated: bool,
    ) -> Result<&WsClient, CliError> {
        let url = api.settings.ws_url(stream.ws_url.as_deref());
        // The REST client's clock carries the server offset it learned.
        let mut builder = WsClient::builder()
            .url(url.clone())
            .clock(api.client.http().clock().clone());
        if authenticated && let Some(hmac) = api.settings.hmac() {
            builder = builder.hmac_credentials(hmac.clone());
        }
        let ws = builder.connect().await.map_err(|error| {
            let unreachable = matches!(
                error,
                limitless_ws::Error::WebSocket(_) | limitless_ws::Error::ConnectTimeout(_)
            );
            let error = CliError::from(error).context(&format!("connecting to {url}"));
            if unreachable {
                error.hint(format!(
                    "the socket URL comes from --ws-url, {ENV_WS_URL}, or the API URL"
                ))
            } else {
                error
            }
        })?;
        Ok(self.ws.get_or_init(|| ws))
    }

    /// A spinner on stderr until the first event (see
    /// [`Output::spinner`] for when there is one).
    fn spin(&self, message: &str) {
        *self.spinner.borrow_mut() = self.out.spinner(message);
    }

    fn stop_spinner(&self) {
        if let Some(spinner) = self.spinner.borrow_mut().take() {
            spinner.finish_and_clear();
        }
    }

    /// Prints an event (`json` with `--json`, else `human()`) and counts it.
    fn event(&self, json: &impl Serialize, human: impl FnOnce() -> String) -> Flow {
        self.stop_spinner();
        if self.print(json, human) == Flow::Done {
            return Flow::Done;
        }
        let printed = self.printed.get() + 1;
        self.printed.set(printed);
        if self.count.is_some_and(|count| printed >= count) {
            Flow::Done
        } else {
            Flow::Continue
        }
    }

    /// Prints a notice (not counted).
    fn notice(&self, json: &impl Serialize, human: impl FnOnce() -> String) -> Flow {
        self.print(json, human)
    }

    /// Prints one line (or one block for people), around the spinner;
    /// `Done` when stdout is closed (`lmts … | head -n 3`).
    fn print(&self, json: &impl Serialize, human: impl FnOnce() -> String) -> Flow {
        let text = if self.out.is_json() {
            serde_json::to_string(json).unwrap_or_else(|error| {
                json!({"type": "unrecognized", "error": error.to_string()}).to_string()
            })
        } else {
            human()
        };
        let written = match self.spinner.borrow().as_ref() {
            Some(spinner) => spinner.suspend(|| write_stdout(&text)),
            None => write_stdout(&text),
        };
        if written.is_ok() {
            Flow::Continue
        } else {
            Flow::Done
        }
    }

    /// Announces a subscription the server did not confirm in time (it is
    /// watched anyway); nothing for one it confirmed.
    fn unconfirmed(&self, stream: &EventStream) -> Flow {
        let (Some(channel), Some(Subscribed::Unconfirmed { timeout })) =
            (stream.channel(), stream.subscribed())
        else {
            return Flow::Continue;
        };
        let millis = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX);
        self.notice(
            &json!({"type": "unconfirmed", "channel": channel.subscribe_event(), "timeoutMs": millis}),
            || {
                format!(
                    "{}  {channel} not confirmed by the server within {timeout:?}: watching anyway",
                    clock(None)
                )
            },
        )
    }

    /// Prints a connection notice, or ends the watch with the error that
    /// closed the stream; `None` for an item that is not a notice.
    fn stream_notice(&self, item: &StreamItem) -> Option<Result<Flow, CliError>> {
        let now = clock(None);
        let flow = match item {
            StreamItem::Lagged(missed) => self
                .notice(&json!({"type": "lagged", "missed": missed}), || {
                    format!("{now}  {missed} events missed: this output fell behind")
                }),
            StreamItem::Reconnecting { attempt, reason } => {
                let reason = stream_chain(reason);
                self.notice(
                    &json!({"type": "reconnecting", "attempt": attempt, "reason": reason}),
                    || format!("{now}  reconnecting (attempt {attempt}): {reason}"),
                )
            }
            StreamItem::Reconnected => self.notice(&json!({"type": "reconnected"}), || {
                format!("{now}  reconnected: events may have been missed meanwhile")
            }),
            StreamItem::Closed(error) => {
                return Some(Err(
                    CliError::from(error.clone()).context("the stream closed")
                ));
            }
            StreamItem::Event(Event::Exception(exception)) => {
                let message = &exception.message;
                let about = exception.refused_event();
                self.notice(
                    &json!({"type": "exception", "message": message, "event": about}),
                    || match about {
                        Some(event) => format!("{now}  the server reported on {event}: {message}"),
                        None => format!("{now}  the server reported: {message}"),
                    },
                )
            }
            StreamItem::Event(Event::Unrecognized { event, payload }) => {
                let payload: Value = serde_json::from_str(payload.get()).unwrap_or(Value::Null);
                self.notice(
                    &json!({"type": "unrecognized", "event": event, "payload": payload}),
                    || format!("{now}  unrecognized {event}: {payload}"),
                )
            }
            _ => return None,
        };
        Some(Ok(flow))
    }
}

/// The end of a stream without [`StreamItem::Closed`] (the client shut
/// down under the watch).
fn ended() -> CliError {
    CliError::new(Exit::Network, "the stream ended")
}

// ---------------------------------------------------------------- books

async fn follow_book(session: &Session, api: &Api, args: &BookArgs) -> Result<(), CliError> {
    let ws = session.connect(api, &args.stream, false).await?;
    let mut stream = ws
        .subscribe_market_prices(SubscribeOptions::slugs([args.slug.as_str()]))
        .await
        .map_err(|error| CliError::from(error).context(&format!("subscribing to {}", args.slug)))?;
    if session.unconfirmed(&stream) == Flow::Done {
        return Ok(());
    }
    session.spin(&format!("waiting for the book of {}", args.slug));
    let mut book = LocalOrderBook::new(args.slug.as_str());
    while let Some(item) = stream.next().await {
        let flow = match &item {
            StreamItem::Event(Event::OrderBook(update)) => match book.apply(update) {
                Applied::Updated => {
                    session.event(&book_json(&book), || book_text(&book, args.depth))
                }
                // A server's level out of range is reported and the book
                // kept as it was: the watch goes on.
                Applied::Invalid { price } => {
                    let now = clock(None);
                    session.notice(
                        &json!({
                            "type": "invalid",
                            "marketSlug": args.slug,
                            "reason": "price outside (0, 1]",
                            "price": price.to_string(),
                        }),
                        || {
                            format!(
                                "{now}  update refused: a level's price {price} is outside (0, 1]"
                            )
                        },
                    )
                }
                _ => continue,
            },
            StreamItem::Reconnecting { .. } => {
                // The server may count versions afresh after a reconnect.
                book.forget_version();
                session.stream_notice(&item).unwrap_or(Ok(Flow::Continue))?
            }
            _ => session.stream_notice(&item).unwrap_or(Ok(Flow::Continue))?,
        };
        if flow == Flow::Done {
            return Ok(());
        }
    }
    Err(ended())
}

/// One view of the book for people: best bid and ask, spread, and the top
/// `depth` levels of each side next to each other; a blank line after.
fn book_text(book: &LocalOrderBook, depth: usize) -> String {
    let best = |level: Option<Level>| {
        level.map_or_else(
            || "-".to_owned(),
            |level| format!("{} × {}", level.price, level.size.to_shares()),
        )
    };
    let mut text = format!(
        "{}  version {}  {}\n",
        book.market_slug().unwrap_or("-"),
        book.version()
            .map_or_else(|| "-".to_owned(), |v| v.to_string()),
        clock(book.timestamp()),
    );
    text.push_str(&format!(
        "best bid {}  best ask {}  spread {}\n",
        best(book.best_bid()),
        best(book.best_ask()),
        book.spread()
            .map_or_else(|| "-".to_owned(), |spread| spread.normalize().to_string()),
    ));
    let top = book.depth(depth);
    if top.bids.is_empty() && top.asks.is_empty() {
        text.push_str("(the book is empty)\n");
        return text;
    }
    let cells = |level: Option<&Level>| match level {
        Some(level) => (level.price.to_string(), level.size.to_shares().to_string()),
        None => ("-".to_owned(), "-".to_owned()),
    };
    let rows = (0..top.bids.len().max(top.asks.len())).map(|i| {
        let (bid, bid_size) = cells(top.bids.get(i));
        let (ask, ask_size) = cells(top.asks.get(i));
        vec![bid_size, bid, ask, ask_size]
    });
    text.push_str(&table(&["BID SHARES", "BID", "ASK", "ASK SHARES"], rows));
    text.push('\n');
    text
}

// ---------------------------------------------------------------- orders

async fn follow_orders(
    session: &Session,
    api: &Api,
    args: &OrderWatchArgs,
) -> Result<(), CliError> {
    let ws = session.connect(api, &args.stream, true).await?;
    let options = SubscribeOptions::slugs(args.markets.iter().map(String::as_str));
    let subscribe = async |channel: Channel| {
        ws.subscribe(channel, options.clone())
            .await
            .map_err(|error| CliError::from(error).context(&format!("subscribing to {channel}")))
    };
    let mut orders = subscribe(Channel::OrderEvents).await?;
    let mut transactions = if args.tx {
        Some(subscribe(Channel::Transactions).await?)
    } else {
        None
    };
    let channels: Vec<&str> = [Some("orderEvent"), args.tx.then_some("tx")]
        .into_iter()
        .flatten()
        .collect();
    let flow = session.notice(
        &json!({"type": "subscribed", "channels": channels, "markets": args.markets}),
        || {
            let what = if args.tx {
                "order events and transactions"
            } else {
                "order events"
            };
            let markets = if args.markets.is_empty() {
                "every market".to_owned()
            } else {
                args.markets.join(", ")
            };
            let whose = args
                .on_behalf_of
                .map_or_else(String::new, |id| format!(" of {id}"));
            format!("{}  watching {what}{whose} on {markets}", clock(None))
        },
    );
    if flow == Flow::Done {
        return Ok(());
    }
    for stream in std::iter::once(&orders).chain(transactions.as_ref()) {
        if session.unconfirmed(stream) == Flow::Done {
            return Ok(());
        }
    }
    session.spin("waiting for the first event");
    loop {
        // Notices come on every stream: the order stream's are printed,
        // the transaction stream gives its transactions and its end.
        let (item, from_orders) = tokio::select! {
            item = orders.next() => (item, true),
            item = next_of(&mut transactions) => (Some(item), false),
        };
        let Some(item) = item else {
            return Err(ended());
        };
        let flow = match &item {
            StreamItem::Event(Event::Order(event)) => {
                if !mine(event.user_id, args.on_behalf_of) {
                    continue;
                }
                session.event(&json!({"type": "orderEvent", "event": event}), || {
                    order_line(event)
                })
            }
            StreamItem::Event(Event::Tx(event)) => {
                if !mine(event.user_id, args.on_behalf_of) {
                    continue;
                }
                session.event(&json!({"type": "tx", "event": event}), || tx_line(event))
            }
            StreamItem::Closed(_) => session.stream_notice(&item).unwrap_or(Ok(Flow::Continue))?,
            _ if !from_orders => continue,
            _ => session.stream_notice(&item).unwrap_or(Ok(Flow::Continue))?,
        };
        if flow == Flow::Done {
            return Ok(());
        }
    }
}

/// The next item of an optional stream; never resolves without one (or
/// once it has ended: the order stream tells the end).
async fn next_of(stream: &mut Option<EventStream>) -> StreamItem {
    match stream {
        Some(stream) => match stream.next().await {
            Some(item) => item,
            None => std::future::pending().await,
        },
        None => std::future::pending().await,
    }
}

/// Whether an event is about `--for`'s profile (every event without it).
fn mine(user_id: Option<i64>, on_behalf_of: Option<i64>) -> bool {
    on_behalf_of.is_none_or(|id| user_id == Some(id))
}

/// `12:00:01  PLACEMENT  <order id>  BUY  0.42 × 10  <market>`.
fn order_line(event: &OrderEvent) -> String {
    let kind = match (&event.kind, &event.status) {
        (Some(kind), Some(status)) => format!("{kind}/{status}"),
        (Some(kind), None) => kind.clone(),
        (None, _) => "-".to_owned(),
    };
    // A settlement's size is what it settled; an engine event's, what is
    // still open.
    let size = event.amount_contracts.or(event.remaining_size);
    format!(
        "{}  {kind}  {}  {}  {}  {}",
        clock(event.timestamp.as_deref()),
        event.order_id.as_deref().unwrap_or("-"),
        event
            .side
            .map_or_else(|| "-".to_owned(), |side| side.to_string()),
        price_times_size(event.price, size),
        market(event.market_slug.as_deref(), event.market_id),
    )
}

/// `12:00:02  TX/CONFIRMED  0xabc…  BUY  0.42 × 10  <market>`.
fn tx_line(event: &TxEvent) -> String {
    format!(
        "{}  TX/{}  {}  {}  {}  {}",
        clock(event.timestamp.as_deref()),
        event.status.as_deref().unwrap_or("-"),
        event.tx_hash.as_deref().unwrap_or("-"),
        event
            .side
            .map_or_else(|| "-".to_owned(), |side| side.to_string()),
        price_times_size(event.price, event.amount_contracts),
        market(event.market_slug.as_deref(), None),
    )
}

fn price_times_size(price: Option<Decimal>, size: Option<Decimal>) -> String {
    let text = |value: Option<Decimal>| value.map_or_else(|| "-".to_owned(), |v| v.to_string());
    format!("{} × {}", text(price), text(size))
}

fn market(slug: Option<&str>, id: Option<i64>) -> String {
    match (slug, id) {
        (Some(slug), _) => slug.to_owned(),
        (None, Some(id)) => format!("market {id}"),
        (None, None) => "-".to_owned(),
    }
}

/// `HH:MM:SS` (UTC) of an ISO-8601 timestamp, or of now when there is
/// none or it does not parse.
fn clock(timestamp: Option<&str>) -> String {
    let at = timestamp
        .and_then(|text| OffsetDateTime::parse(text, &Rfc3339).ok())
        .unwrap_or_else(OffsetDateTime::now_utc)
        .to_offset(time::UtcOffset::UTC);
    at.format(format_description!("[hour]:[minute]:[second]"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use limitless_ws::types::OrderBookUpdate;

    use super::*;

    fn book() -> LocalOrderBook {
        let update: OrderBookUpdate = serde_json::from_str(
            r#"{"marketSlug":"m","version":7,"timestamp":"2026-04-20T10:15:30.000Z",
                "orderbook":{"tokenId":"t","bids":[{"price":0.42,"size":10000000},{"price":0.4,"size":1500000}],
                "asks":[{"price":0.45,"size":5000000}]}}"#,
        )
        .unwrap();
        let mut book = LocalOrderBook::new("m");
        book.apply(&update);
        book
    }

    #[test]
    fn a_book_line_has_exact_sizes_in_shares() {
        assert_eq!(
            book_json(&book()),
            json!({
                "type": "book", "marketSlug": "m", "tokenId": "t", "version": 7,
                "timestamp": "2026-04-20T10:15:30.000Z",
                "bids": [{"price": "0.42", "size": "10"}, {"price": "0.4", "size": "1.5"}],
                "asks": [{"price": "0.45", "size": "5"}],
                "spread": "0.03", "midpoint": "0.435",
            })
        );
    }

    #[test]
    fn a_book_view_shows_the_top_levels_side_by_side() {
        assert_eq!(
            book_text(&book(), 1),
            "m  version 7  10:15:30\n\
             best bid 0.42 × 10  best ask 0.45 × 5  spread 0.03\n\
             BID SHARES  BID   ASK   ASK SHARES\n\
             10          0.42  0.45  5\n"
        );
        assert!(book_text(&book(), 5).contains("\n1.5         0.4   -     -\n"));
        assert!(book_text(&LocalOrderBook::new("m"), 5).ends_with("(the book is empty)\n"));
    }

    #[test]
    fn a_book_update_out_of_range_is_refused_and_the_view_kept() {
        // The update a hostile gateway sent: prices of ±5e28, whose
        // midpoint once overflowed and ended the watch with a panic.
        let hostile: OrderBookUpdate = serde_json::from_str(
            r#"{"marketSlug":"m","version":8,"orderbook":{"tokenId":"t",
                "bids":[{"price":-50000000000000000000000000000,"size":1}],
                "asks":[{"price":50000000000000000000000000000,"size":1}]}}"#,
        )
        .unwrap();
        let mut book = book();
        let before = book_json(&book);
        assert_eq!(
            book.apply(&hostile),
            Applied::Invalid {
                price: "-50000000000000000000000000000".parse().unwrap()
            }
        );
        assert_eq!(book_json(&book), before);
        assert!(book_text(&book, 5).contains("spread 0.03"));
    }

    #[test]
    fn an_order_event_is_one_line() {
        let event: OrderEvent = serde_json::from_str(
            r#"{"source":"OME","type":"PLACEMENT","orderId":"550e8400","userId":42,"marketId":"17",
                "side":"BUY","price":0.53,"remainingSize":100,"timestamp":"2026-04-20T10:15:30.000Z"}"#,
        )
        .unwrap();
        assert_eq!(
            order_line(&event),
            "10:15:30  PLACEMENT  550e8400  BUY  0.53 × 100  market 17"
        );
        assert!(mine(event.user_id, Some(42)) && !mine(event.user_id, Some(7)));
        assert!(mine(None, None));
    }
}
