//! The socket under hostile load: messages over the announced
//! `maxPayload`, inputs echoed in errors, subscribe storms, clients that
//! never read, and REST beside all of it. Raw WebSocket frames through
//! tokio-tungstenite, so sizes and framing are the test's own.

use std::future::Future;
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use limitless_sandbox::{SandboxHandle, SocketStats};
use limitless_types::Handshake;
use serde_json::{Value, json};
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{WebSocketStream, client_async_with_config};

use crate::support::Fixture;

/// A guard against hangs, never an assertion about speed.
const GUARD: Duration = Duration::from_secs(60);

const PATH: &str = "/socket.io/?EIO=4&transport=websocket";

/// The payload limit the sandbox announces, as the API does.
const MAX_PAYLOAD: usize = 1_000_000;

async fn guard<F: Future>(what: &str, future: F) -> F::Output {
    tokio::time::timeout(GUARD, future)
        .await
        .unwrap_or_else(|_| panic!("no {what} within the guard time"))
}

type Ws = WebSocketStream<TcpStream>;

/// An anonymous socket joined to `/markets`, after its open packet and
/// registration notice; `receive_buffer` shrinks the client's TCP receive
/// buffer (a client slow to read). The client itself accepts messages of
/// any size, so what the server sends is what the test sees.
async fn join(sandbox: &SandboxHandle, receive_buffer: Option<u32>) -> (Ws, Handshake) {
    let socket = TcpSocket::new_v4().unwrap();
    if let Some(size) = receive_buffer {
        socket.set_recv_buffer_size(size).unwrap();
    }
    let stream = guard("connection", socket.connect(sandbox.addr()))
        .await
        .unwrap();
    let request = format!("{}{PATH}", sandbox.ws_url())
        .into_client_request()
        .unwrap();
    let config = WebSocketConfig::default()
        .max_message_size(None)
        .max_frame_size(None);
    let (mut ws, _) = guard(
        "handshake",
        client_async_with_config(request, stream, Some(config)),
    )
    .await
    .unwrap();
    let open = text(&mut ws).await.expect("an open packet");
    let open: Handshake = serde_json::from_str(open.strip_prefix('0').unwrap()).unwrap();
    ws.send(Message::text("40/markets,")).await.unwrap();
    let connected = text(&mut ws).await.unwrap();
    assert!(connected.starts_with("40/markets,"), "{connected}");
    let registered = text(&mut ws).await.unwrap();
    assert!(registered.contains("Successfully registered connection"));
    (ws, open)
}

/// The next text frame, answering pings; `None` once the connection ends
/// (with a close frame or without).
async fn text(ws: &mut Ws) -> Option<String> {
    loop {
        match guard("frame", ws.next()).await {
            Some(Ok(Message::Text(text))) if text.as_str() == "2" => {
                ws.send(Message::text("3")).await.ok()?;
            }
            Some(Ok(Message::Text(text))) => return Some(text.as_str().to_owned()),
            Some(Ok(Message::Close(_)) | Err(_)) | None => return None,
            Some(Ok(_)) => {}
        }
    }
}

/// Emits `event` with `payload` and ack id `id`.
async fn emit(ws: &mut Ws, id: u64, event: &str, payload: &Value) {
    let frame = json!([event, payload]);
    ws.send(Message::text(format!("42/markets,{id}{frame}")))
        .await
        .unwrap();
}

/// An unsubscribe with ack id `id`, and its exact ack: proof the socket is
/// still served.
async fn still_served(ws: &mut Ws, id: u64) {
    let payload = json!({ "channel": "subscribe_market_prices" });
    emit(ws, id, "unsubscribe", &payload).await;
    assert_eq!(
        text(ws).await.as_deref(),
        Some(
            format!(
                r#"43/markets,{id}[{{"channel":"subscribe_market_prices","markets":[],"ok":true}}]"#
            )
            .as_str()
        )
    );
}

/// A Socket.IO event frame of exactly `size` bytes: a subscribe to a
/// market whose slug pads it out.
fn event_of_size(size: usize) -> String {
    let head = r#"42/markets,["subscribe_market_prices",{"marketSlug":""#;
    let tail = r#""}]"#;
    let padding = size - head.len() - tail.len();
    format!("{head}{}{tail}", "x".repeat(padding))
}

/// Sends `message`, ignoring a write the server refused by closing.
async fn send_best_effort(ws: &mut Ws, message: Message) {
    let _ = ws.send(message).await;
}

#[tokio::test]
async fn a_message_over_the_announced_max_payload_closes_only_its_socket() {
    let fx = Fixture::start().await;
    let sandbox = &fx.sandbox;
    let (mut hostile, open) = join(sandbox, None).await;
    assert_eq!(open.max_payload, Some(MAX_PAYLOAD as u64));
    let (mut bystander, _) = join(sandbox, None).await;

    // Exactly the limit is a message like any other: parsed, and refused
    // for its unknown market.
    hostile
        .send(Message::text(event_of_size(MAX_PAYLOAD)))
        .await
        .unwrap();
    let exception = text(&mut hostile).await.unwrap();
    assert!(exception.starts_with(r#"42/markets,["exception""#));
    assert_eq!(sandbox.socket().stats(), SocketStats::default());

    // One byte more closes the connection, as the 60 MiB message of the
    // report does, from its frame header alone.
    send_best_effort(&mut hostile, Message::text(event_of_size(MAX_PAYLOAD + 1))).await;
    assert_eq!(text(&mut hostile).await, None);
    assert_eq!(sandbox.socket().stats().oversized_closed, 1);

    let (mut huge, _) = join(sandbox, None).await;
    send_best_effort(&mut huge, Message::text(event_of_size(60 << 20))).await;
    assert_eq!(text(&mut huge).await, None);
    assert_eq!(sandbox.socket().stats().oversized_closed, 2);

    // Fragments add up: two frames of 600 000 bytes are one message of
    // 1 200 000.
    let (mut fragmented, _) = join(sandbox, None).await;
    let message = event_of_size(1_200_000);
    let (first, rest) = message.split_at(600_000);
    use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
    use tokio_tungstenite::tungstenite::protocol::frame::{Frame, FrameHeader};
    let fragment = |opcode, is_final, payload: &str| {
        Message::Frame(Frame::from_payload(
            FrameHeader {
                is_final,
                opcode,
                ..FrameHeader::default()
            },
            payload.to_owned().into(),
        ))
    };
    send_best_effort(
        &mut fragmented,
        fragment(OpCode::Data(Data::Text), false, first),
    )
    .await;
    send_best_effort(
        &mut fragmented,
        fragment(OpCode::Data(Data::Continue), true, rest),
    )
    .await;
    assert_eq!(text(&mut fragmented).await, None);
    assert_eq!(sandbox.socket().stats().oversized_closed, 3);

    // The other socket and REST are untouched.
    still_served(&mut bystander, 7).await;
    let slug = &sandbox.markets()[0].slug;
    fx.send(fx.http.get(fx.url(&format!("/markets/{slug}/orderbook"))))
        .await
        .expect(200);
    guard(
        "the count to settle",
        sandbox.socket().wait_for_connections(1),
    )
    .await;
}

#[tokio::test]
async fn errors_quote_a_bounded_excerpt_of_the_input() {
    let fx = Fixture::start().await;
    fx.sandbox.socket().ack_subscribes(true);
    let (mut ws, _) = join(&fx.sandbox, None).await;
    let slug = "s".repeat(900_000);

    emit(
        &mut ws,
        1,
        "subscribe_market_prices",
        &json!({ "marketSlug": slug }),
    )
    .await;
    let ack = text(&mut ws).await.unwrap();
    assert_eq!(
        ack,
        format!(
            r#"43/markets,1[{{"error":"market \"{}… (truncated, 900000 bytes)\" not found; list markets with GET /markets/active"}}]"#,
            "s".repeat(256)
        )
    );
    // The gateway's exception quotes the data sent, bounded the same way.
    let exception = text(&mut ws).await.unwrap();
    assert!(exception.len() < 2_000, "{} bytes", exception.len());
    let frame: Value =
        serde_json::from_str(exception.strip_prefix("42/markets,").unwrap()).unwrap();
    assert_eq!(frame[0], "exception");
    assert_eq!(frame[1]["cause"]["pattern"], "subscribe_market_prices");
    let data = frame[1]["cause"]["data"].as_str().unwrap();
    assert!(data.starts_with(r#"{"marketSlug":"sss"#), "{data}");
    assert!(data.ends_with("… (truncated, 900017 bytes)"), "{data}");

    // An unknown event named by a large string, and a payload that is no
    // object: the same.
    emit(&mut ws, 2, &"e".repeat(500_000), &json!({})).await;
    let ack = text(&mut ws).await.unwrap();
    assert!(
        ack.starts_with(&format!(
            r#"43/markets,2[{{"error":"unknown event \"{}… (truncated, 500000 bytes)\"; "#,
            "e".repeat(256)
        )),
        "{}",
        &ack[..ack.len().min(400)]
    );
    assert!(ack.len() < 1_000, "{} bytes", ack.len());
    emit(&mut ws, 3, "unsubscribe", &json!(["u".repeat(500_000)])).await;
    let ack = text(&mut ws).await.unwrap();
    assert!(
        ack.starts_with(&format!(
            r#"43/markets,3[{{"error":"invalid payload [\"{}"#,
            "u".repeat(254)
        )),
        "{}",
        &ack[..ack.len().min(400)]
    );
    assert!(ack.contains("… (truncated, 500004 bytes): send an object"));
    assert!(ack.len() < 1_000, "{} bytes", ack.len());
}

#[tokio::test]
async fn a_subscribe_storm_sends_each_snapshot_or_counts_it_coalesced() {
    let fx = Fixture::start().await;
    let control = fx.sandbox.socket();
    // Snapshots only: no notices, no acks for subscribes.
    control.confirm_subscribes(false);
    let market = fx.sandbox.markets()[0].slug.clone();
    let (ws, _) = join(&fx.sandbox, None).await;
    let (mut sink, mut stream) = ws.split();

    // Fewer than a socket's send buffer holds, so none can be dropped
    // for a full buffer: each is sent, or served by one still pending.
    const STORM: u64 = 1_000;
    let subscribe = json!(["subscribe_market_prices", { "marketSlug": market }]).to_string();
    let sending = tokio::spawn(async move {
        for _ in 0..STORM {
            sink.send(Message::text(format!("42/markets,{subscribe}")))
                .await
                .unwrap();
        }
        // Answered after every snapshot the storm queued.
        sink.send(Message::text(
            r#"42/markets,9["unsubscribe",{"channel":"subscribe_live_sports"}]"#,
        ))
        .await
        .unwrap();
        sink
    });
    let mut snapshots = 0;
    loop {
        let frame = match guard("frame", stream.next()).await {
            Some(Ok(Message::Text(text))) => text.as_str().to_owned(),
            Some(Ok(_)) => continue,
            other => panic!("the socket ended: {other:?}"),
        };
        if frame.starts_with("43/markets,9") {
            break;
        }
        if frame == "2" {
            // A ping, left unanswered: the test ends long before it counts.
            continue;
        }
        assert!(
            frame.starts_with(r#"42/markets,["orderbookUpdate""#),
            "{frame}"
        );
        snapshots += 1;
    }
    let _sink = guard("the storm to be sent", sending).await.unwrap();
    let stats = control.stats();
    assert_eq!(stats.events_dropped, 0);
    assert!(snapshots >= 1);
    assert_eq!(snapshots + stats.snapshots_coalesced, STORM);
    println!(
        "{STORM} subscribes: {snapshots} snapshots sent, {} coalesced",
        stats.snapshots_coalesced
    );
}

#[tokio::test]
async fn acks_a_client_never_reads_are_counted_not_lost_silently() {
    let fx = Fixture::start().await;
    let control = fx.sandbox.socket();
    // A client with a 4 KiB receive buffer that stops reading.
    let (mut ws, _) = join(&fx.sandbox, Some(4096)).await;
    // Each ack is about 600 bytes; 1024 fill the socket's buffer once the
    // TCP buffers between are full. Bounded: the loop ends when a drop is
    // counted, or after the last message.
    let event = "n".repeat(300);
    guard("a dropped ack to be counted", async {
        for id in 0..200_000_u64 {
            emit(&mut ws, id, &event, &json!({})).await;
            if id % 256 == 255 && control.stats().acks_dropped > 0 {
                break;
            }
        }
        while control.stats().acks_dropped == 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(control.stats().acks_dropped > 0);
    // REST is unaffected by the stuck socket.
    let slug = &fx.sandbox.markets()[0].slug;
    fx.send(fx.http.get(fx.url(&format!("/markets/{slug}/orderbook"))))
        .await
        .expect(200);
}

#[tokio::test]
async fn rest_answers_while_sockets_flood_oversized_and_invalid_messages() {
    let fx = Fixture::start().await;
    let oversized = Message::text(event_of_size(8 << 20));
    let mut floods = Vec::new();
    for i in 0..8 {
        let (mut ws, _) = join(&fx.sandbox, None).await;
        let oversized = oversized.clone();
        floods.push(tokio::spawn(async move {
            if i % 2 == 1 {
                // Garbage the parser refuses first.
                for _ in 0..200 {
                    send_best_effort(&mut ws, Message::text("42/markets,[not json")).await;
                }
            }
            send_best_effort(&mut ws, oversized).await;
            while text(&mut ws).await.is_some() {}
        }));
    }
    for flood in floods {
        guard("a flood to end", flood).await.unwrap();
    }
    let slug = &fx.sandbox.markets()[0].slug;
    let book = fx
        .send(fx.http.get(fx.url(&format!("/markets/{slug}/orderbook"))))
        .await
        .expect(200)
        .body;
    assert_eq!(
        book["tokenId"],
        fx.sandbox.markets()[0].yes_token_id.as_str()
    );
    // Every socket that sent an oversized message was closed for it (a
    // socket the parser closed first is not counted).
    assert!(fx.sandbox.socket().stats().oversized_closed >= 4);
}
