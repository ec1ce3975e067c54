//! An independent Socket.IO server (socketioxide behind axum) that checks
//! the handshake's HMAC headers with `limitless_auth::Verifier`, records
//! what clients emit and answers per a script; a TCP proxy that can cut
//! every connection; the shared fixtures.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use limitless_auth::{Clock, FixedClock, HmacCredentials, Signer, VerificationRequest, Verifier};
use limitless_ws::{StreamItem, SubscribeOptions, Subscribed, WsClient, WsClientBuilder};
use serde_json::{Value, json};
use socketioxide::SocketIo;
use socketioxide::extract::{AckSender, Data, Event, SocketRef};
use socketioxide::handler::{ConnectHandler, FromMessageParts};
use socketioxide::socket::DisconnectReason;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The partner's credentials the server knows.
pub(crate) const TOKEN_ID: &str = "tok_partner";
/// base64("super-secret-key").
pub(crate) const SECRET: &str = "c3VwZXItc2VjcmV0LWtleQ==";
/// A start time for the shared clock.
pub(crate) const T0_MS: u64 = 1_774_269_296_789;

/// Hang guard for waits on events that must come.
const PATIENCE: Duration = Duration::from_secs(20);

pub(crate) fn credentials() -> HmacCredentials {
    HmacCredentials::new(TOKEN_ID, SECRET)
}

/// How the server answers one client event.
#[derive(Debug, Clone)]
pub(crate) enum Answer {
    /// As the docs describe the gateway (the default): the channel's
    /// `system` notice for market prices, positions and order events, and
    /// an ack `{"ok":true}` only when the client asked for one.
    Gateway,
    /// Ack `{"error": message}`.
    Refuse(&'static str),
    /// Emit `exception` `{status: "error", message, cause: {pattern,
    /// data}}` naming the event, as NestJS's default filter does.
    Exception(&'static str),
    /// Emit `exception` `{status: "error", message}`, naming nothing.
    BareException(&'static str),
    /// No answer at all.
    Silent,
    /// No ack; emit `system` with this message (and the requested slugs).
    Confirm(&'static str),
}

/// The documented `system` notice confirming `event`, for the request
/// `data`.
fn confirmation(event: &str, data: &Value) -> Option<Value> {
    let slugs = data.get("marketSlugs").cloned().unwrap_or(json!([]));
    let addresses = data.get("marketAddresses").cloned().unwrap_or(json!([]));
    match event {
        "subscribe_market_prices" => Some(json!({
            "message": "Successfully subscribed to market price updates",
            "markets": slugs,
        })),
        "subscribe_positions" => Some(json!({
            "message": "Successfully subscribed to position updates",
            "markets": {"addresses": addresses, "slugs": slugs},
        })),
        "subscribe_order_events" => {
            Some(json!({"message": "Successfully subscribed to order event updates"}))
        }
        _ => None,
    }
}

/// One upgrade request as the server saw it.
#[derive(Debug, Clone)]
pub(crate) struct Handshake {
    pub(crate) path_and_query: String,
    pub(crate) api_key: Option<String>,
    pub(crate) timestamp: Option<String>,
    pub(crate) x_api_key: Option<String>,
    pub(crate) user_agent: Option<String>,
    pub(crate) sdk_version: Option<String>,
    /// The verifier's verdict on the HMAC headers (`None` without them).
    pub(crate) verified: Option<Result<String, String>>,
}

/// One event a client emitted.
#[derive(Debug, Clone)]
pub(crate) struct Emitted {
    /// Which namespace connection, from 1.
    pub(crate) connection: usize,
    pub(crate) event: String,
    pub(crate) data: Value,
    /// Whether it carried an ack id (asked for an acknowledgement).
    pub(crate) asked_ack: bool,
}

/// Whether an event carried an ack id (socketioxide's `AckSender` keeps
/// it to itself).
struct AskedAck(bool);

impl<A: socketioxide::adapter::Adapter> FromMessageParts<A> for AskedAck {
    type Error = Infallible;
    fn from_message_parts(
        _: &Arc<socketioxide::socket::Socket<A>>,
        _: &mut socketioxide::handler::Value,
        ack_id: &Option<i64>,
    ) -> Result<Self, Infallible> {
        Ok(Self(ack_id.is_some()))
    }
}

/// Everything the server has seen.
#[derive(Debug, Default)]
pub(crate) struct Record {
    pub(crate) handshakes: Vec<Handshake>,
    pub(crate) connections: usize,
    pub(crate) emitted: Vec<Emitted>,
    pub(crate) disconnects: Vec<String>,
}

impl Record {
    pub(crate) fn events(&self, name: &str) -> Vec<&Emitted> {
        self.emitted.iter().filter(|e| e.event == name).collect()
    }
}

/// What the server does: who it accepts and how it answers.
#[derive(Debug, Clone, Default)]
pub(crate) struct Script {
    /// Refuse an upgrade without valid credentials (401).
    pub(crate) require_auth: bool,
    /// Refuse the namespace (`44`) with this message.
    pub(crate) refuse_namespace: Option<&'static str>,
    /// Answers by event name; others get [`Answer::Gateway`].
    pub(crate) answers: HashMap<&'static str, Answer>,
    /// Refuse this many of the next upgrades with 401, whatever their
    /// credentials (revoked or rotating keys); `usize::MAX` for all.
    pub(crate) refuse_upgrades: usize,
    /// Leave every namespace connection as soon as it is made: a gateway
    /// that accepts and drops.
    pub(crate) drop_on_connect: bool,
}

impl Script {
    pub(crate) fn answer(mut self, event: &'static str, answer: Answer) -> Self {
        self.answers.insert(event, answer);
        self
    }
}

struct State {
    script: Mutex<Script>,
    record: watch::Sender<Record>,
    sockets: Mutex<Vec<SocketRef>>,
    clock: Arc<FixedClock>,
    keys: HashMap<String, Signer>,
}

/// A Socket.IO server on 127.0.0.1 with a `/markets` namespace.
pub(crate) struct Server {
    pub(crate) addr: SocketAddr,
    pub(crate) clock: Arc<FixedClock>,
    state: Arc<State>,
    task: JoinHandle<()>,
}

impl Server {
    pub(crate) async fn start(script: Script) -> Self {
        Self::start_with(script, |builder| builder).await
    }

    /// With the socketioxide builder adjusted (ping settings…).
    pub(crate) async fn start_with(
        script: Script,
        configure: impl FnOnce(socketioxide::SocketIoBuilder) -> socketioxide::SocketIoBuilder,
    ) -> Self {
        let clock = Arc::new(FixedClock::from_unix_millis(T0_MS));
        let mut keys = HashMap::new();
        keys.insert(TOKEN_ID.to_owned(), Signer::new(&credentials()).unwrap());
        let state = Arc::new(State {
            script: Mutex::new(script),
            record: watch::Sender::new(Record::default()),
            sockets: Mutex::new(Vec::new()),
            clock: Arc::clone(&clock),
            keys,
        });

        let (layer, io) = configure(SocketIo::builder().max_buffer_size(4096)).build_layer();
        let on_connect = Arc::clone(&state);
        let on_check = Arc::clone(&state);
        let handler = move |socket: SocketRef| {
            let state = Arc::clone(&on_connect);
            async move { connected(state, socket) }
        };
        io.ns(
            "/markets",
            handler.with(move || {
                let state = Arc::clone(&on_check);
                async move {
                    match state.script.lock().unwrap().refuse_namespace {
                        Some(message) => Err(Refusal(message)),
                        None => Ok(()),
                    }
                }
            }),
        );

        let check = Arc::clone(&state);
        let app = Router::new().layer(layer).layer(middleware::from_fn(
            move |request: Request, next: Next| {
                let state = Arc::clone(&check);
                async move { authenticate(&state, request, next).await }
            },
        ));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self {
            addr,
            clock,
            state,
            task,
        }
    }

    pub(crate) fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A client builder for this server, on the server's clock.
    pub(crate) fn client(&self) -> WsClientBuilder {
        WsClient::builder()
            .url(self.url())
            .clock(Arc::clone(&self.clock) as Arc<dyn Clock>)
    }

    pub(crate) fn set_script(&self, script: Script) {
        *self.state.script.lock().unwrap() = script;
    }

    /// Waits until the record satisfies `done`, then reads it.
    pub(crate) async fn wait<T>(
        &self,
        done: impl Fn(&Record) -> bool,
        read: impl FnOnce(&Record) -> T,
    ) -> T {
        let mut record = self.state.record.subscribe();
        let seen = tokio::time::timeout(PATIENCE, record.wait_for(|r| done(r)))
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "the server never saw it: {:#?}",
                    *self.state.record.borrow()
                )
            })
            .unwrap();
        read(&seen)
    }

    /// Reads the record now.
    pub(crate) fn read<T>(&self, read: impl FnOnce(&Record) -> T) -> T {
        read(&self.state.record.borrow())
    }

    /// A client connected with [`credentials`], after its namespace ack.
    pub(crate) async fn signed(&self) -> WsClient {
        self.client()
            .hmac_credentials(credentials())
            .connect()
            .await
            .unwrap()
    }

    /// The first `count` events the clients emitted, once there are that
    /// many: name and payload.
    pub(crate) async fn emitted(&self, count: usize) -> Vec<(String, Value)> {
        self.wait(
            |r| r.emitted.len() == count,
            |r| {
                r.emitted
                    .iter()
                    .map(|e| (e.event.clone(), e.data.clone()))
                    .collect()
            },
        )
        .await
    }

    /// The reasons of the namespace disconnects, once there is one.
    pub(crate) async fn disconnects(&self) -> Vec<String> {
        self.wait(|r| !r.disconnects.is_empty(), |r| r.disconnects.clone())
            .await
    }

    /// Emits to the latest connection, in order.
    pub(crate) fn emit<T: serde::Serialize + ?Sized>(&self, event: &str, data: &T) {
        self.latest().emit(event, data).unwrap();
    }

    /// Makes the server leave the namespace of the latest connection.
    pub(crate) fn kick(&self) {
        self.latest().disconnect().unwrap();
    }

    fn latest(&self) -> SocketRef {
        self.state
            .sockets
            .lock()
            .unwrap()
            .last()
            .cloned()
            .expect("a connection")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn authenticate(state: &State, request: Request, next: Next) -> Response {
    match check(state, &request) {
        Some(refusal) => refusal,
        None => next.run(request).await,
    }
}

/// Records the upgrade request and verifies its headers: a response for a
/// refused request, `None` to let it through.
fn check(state: &State, request: &Request) -> Option<Response> {
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let path_and_query = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let (api_key, timestamp, signature) = (
        header("lmts-api-key"),
        header("lmts-timestamp"),
        header("lmts-signature"),
    );
    let verified = (api_key.is_some() || timestamp.is_some() || signature.is_some()).then(|| {
        Verifier::default()
            .verify(
                &VerificationRequest {
                    api_key: api_key.as_deref(),
                    timestamp: timestamp.as_deref(),
                    signature: signature.as_deref(),
                    method: request.method().as_str(),
                    path_and_query: &path_and_query,
                    body: b"",
                },
                &state.keys,
                state.clock.now(),
            )
            .map_err(|e| e.to_string())
    });
    let seen = Handshake {
        path_and_query,
        api_key,
        timestamp,
        x_api_key: header("x-api-key"),
        user_agent: header("user-agent"),
        sdk_version: header("x-sdk-version"),
        verified: verified.clone(),
    };
    state.record.send_modify(|r| r.handshakes.push(seen));
    let require = {
        let mut script = state.script.lock().unwrap();
        if script.refuse_upgrades > 0 {
            if script.refuse_upgrades != usize::MAX {
                script.refuse_upgrades -= 1;
            }
            return Some(
                (
                    StatusCode::UNAUTHORIZED,
                    axum::Json(json!({ "message": "Invalid API key" })),
                )
                    .into_response(),
            );
        }
        script.require_auth
    };
    let refusal = match verified {
        Some(Err(reason)) => reason,
        None if require => "Authentication required".to_owned(),
        _ => return None,
    };
    Some(
        (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({ "message": refusal })),
        )
            .into_response(),
    )
}

/// A namespace refusal, as a connect middleware returns it.
#[derive(Debug)]
struct Refusal(&'static str);

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

fn connected(state: Arc<State>, socket: SocketRef) {
    let mut connection = 0;
    state.record.send_modify(|r| {
        r.connections += 1;
        connection = r.connections;
    });
    state.sockets.lock().unwrap().push(socket.clone());
    if state.script.lock().unwrap().drop_on_connect {
        // Once the connect packet is out.
        let socket = socket.clone();
        tokio::spawn(async move {
            let _ = socket.disconnect();
        });
    }

    let on_event = Arc::clone(&state);
    socket.on_fallback(
        move |socket: SocketRef,
              Event(event): Event,
              Data(data): Data<Value>,
              AskedAck(asked_ack): AskedAck,
              ack: AckSender| {
            let state = Arc::clone(&on_event);
            async move {
                let answer = state
                    .script
                    .lock()
                    .unwrap()
                    .answers
                    .get(event.as_str())
                    .cloned()
                    .unwrap_or(Answer::Gateway);
                state.record.send_modify(|r| {
                    r.emitted.push(Emitted {
                        connection,
                        event: event.clone(),
                        data: data.clone(),
                        asked_ack,
                    });
                });
                match answer {
                    Answer::Gateway => {
                        // Sends nothing when the client asked for no ack.
                        let _ = ack.send(&json!({ "ok": true }));
                        if let Some(notice) = confirmation(&event, &data) {
                            let _ = socket.emit("system", &notice);
                        }
                    }
                    Answer::BareException(message) => {
                        let _ = socket
                            .emit("exception", &json!({"status": "error", "message": message}));
                    }
                    Answer::Exception(message) => {
                        let _ = socket.emit(
                            "exception",
                            &json!({
                                "status": "error",
                                "message": message,
                                "cause": {"pattern": event, "data": data},
                            }),
                        );
                    }
                    Answer::Refuse(message) => {
                        let _ = ack.send(&json!({ "error": message }));
                    }
                    Answer::Silent => {}
                    Answer::Confirm(message) => {
                        let markets = data.get("marketSlugs").cloned().unwrap_or(json!([]));
                        let _ = socket
                            .emit("system", &json!({ "message": message, "markets": markets }));
                    }
                }
            }
        },
    );
    let on_leave = Arc::clone(&state);
    socket.on_disconnect(move |reason: DisconnectReason| {
        let state = Arc::clone(&on_leave);
        async move {
            state
                .record
                .send_modify(|r| r.disconnects.push(format!("{reason:?}")));
        }
    });
}

/// A TCP proxy in front of a server, to cut live connections as a network
/// failure would.
pub(crate) struct Proxy {
    pub(crate) addr: SocketAddr,
    links: Arc<Mutex<Vec<JoinHandle<()>>>>,
    task: JoinHandle<()>,
}

impl Proxy {
    pub(crate) async fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let links: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let accepted = Arc::clone(&links);
        let task = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let link = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                accepted.lock().unwrap().push(link);
            }
        });
        Self { addr, links, task }
    }

    pub(crate) fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops listening (further connections are refused) and drops every
    /// live connection.
    pub(crate) async fn stop(mut self) {
        self.task.abort();
        let _ = (&mut self.task).await;
        self.cut();
    }

    /// Drops every live connection (both ends see the TCP stream end).
    pub(crate) fn cut(&self) {
        for link in self.links.lock().unwrap().drain(..) {
            link.abort();
        }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
        self.cut();
    }
}

/// A market-prices stream on `slugs`, once the server confirmed it, with
/// its confirmation notice read.
pub(crate) async fn prices(ws: &WsClient, slugs: &[&str]) -> limitless_ws::EventStream {
    let mut stream = ws
        .subscribe_market_prices(SubscribeOptions::slugs(slugs.iter().copied()))
        .await
        .unwrap();
    assert_eq!(stream.subscribed(), Some(Subscribed::Confirmed));
    notice(&mut stream).await;
    stream
}

/// The next item, which must be a `system` notice: its message.
pub(crate) async fn notice(stream: &mut limitless_ws::EventStream) -> String {
    match next(stream).await {
        StreamItem::Event(limitless_ws::Event::System(notice)) => notice.message,
        other => panic!("expected a notice, got {other:?}"),
    }
}

/// The next item of a stream (panics if none comes).
pub(crate) async fn next(stream: &mut limitless_ws::EventStream) -> StreamItem {
    tokio::time::timeout(PATIENCE, stream.next())
        .await
        .expect("an item in time")
        .expect("the stream is open")
}

/// The next event, skipping `system` notices.
pub(crate) async fn next_event(stream: &mut limitless_ws::EventStream) -> limitless_ws::Event {
    loop {
        match next(stream).await {
            StreamItem::Event(limitless_ws::Event::System(_)) => {}
            StreamItem::Event(event) => return event,
            other => panic!("expected an event, got {other:?}"),
        }
    }
}

/// Every `*.json` of a `ws-*` folder, sorted, as the payload it holds: the
/// second element of an `["event", payload]` array, or the object itself;
/// none without the captures.
pub(crate) fn fixture_payloads(folder: &str) -> Vec<(String, Value)> {
    let Some(dir) = limitless_testkit::responses_dir() else {
        return Vec::new();
    };
    let mut files: Vec<_> = std::fs::read_dir(dir.join(folder))
        .unwrap_or_else(|e| panic!("{folder}: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let value: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
            let payload = match value {
                Value::Array(mut items) if items.len() == 2 => items.remove(1),
                other => other,
            };
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                payload,
            )
        })
        .collect()
}
