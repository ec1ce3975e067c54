//! The same behaviour from every backend, observed on the wire.

use std::time::Duration;

use limitless_transport::{Bytes, Transport, TransportErrorKind};

use crate::server::{Behaviour, RawServer, raw_response};
use crate::support::{backends, backends_limited, backends_with};

const GENEROUS: Duration = Duration::from_secs(20);

/// A signed-looking POST: a query string, a duplicate header, and a JSON
/// body whose exact bytes (spacing, non-ASCII) must survive.
fn order_request(url: &str, body: &'static [u8]) -> http::Request<Bytes> {
    http::Request::post(url)
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .header("lmts-api-key", "tok_123")
        .header("lmts-timestamp", "2026-03-23T12:34:56.789Z")
        .header("x-dup", "first")
        .header("x-dup", "second")
        .body(Bytes::from_static(body))
        .expect("valid request")
}

#[tokio::test]
async fn request_arrives_byte_exact_and_response_comes_back_intact() {
    let body: &[u8] = "{\"market\": \"btc\",  \"note\":\"caf\u{e9}\"}".as_bytes();
    let response_body: &[u8] = b"{\"id\":\"o-1\"}\n\xff";
    for (name, transport) in backends(GENEROUS) {
        let server = RawServer::start(Behaviour::Respond(raw_response(
            "201 Created",
            &[
                ("content-type", "application/json"),
                ("x-echo", "a"),
                ("x-echo", "b"),
            ],
            response_body,
        )))
        .await;

        let request = order_request(&server.url("/orders?market=btc&limit=2"), body);
        let sent_headers: Vec<(String, String)> = request
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap().to_owned()))
            .collect();
        let response = transport.send(request).await.expect(name);

        assert_eq!(response.status(), 201, "{name}");
        let echoes: Vec<_> = response.headers().get_all("x-echo").iter().collect();
        assert_eq!(echoes, ["a", "b"], "{name}");
        assert_eq!(
            response.headers()["content-type"],
            "application/json",
            "{name}"
        );
        assert_eq!(response.body().as_ref(), response_body, "{name}");

        let wire = server.requests();
        assert_eq!(wire.len(), 1, "{name}");
        let wire = &wire[0];
        assert_eq!(wire.method, "POST", "{name}");
        assert_eq!(wire.target, "/orders?market=btc&limit=2", "{name}");
        assert_eq!(wire.version, "HTTP/1.1", "{name}");
        assert_eq!(wire.body, body, "{name}");
        assert_eq!(
            wire.header_values("host"),
            [server.addr().to_string()],
            "{name}"
        );
        assert_eq!(
            wire.header_values("content-length"),
            [body.len().to_string()],
            "{name}"
        );
        // Apart from the two framing headers the backend must add, the wire
        // carries exactly our headers, in order, duplicates included.
        let ours: Vec<(String, String)> = wire
            .headers
            .iter()
            .filter(|(n, _)| {
                !n.eq_ignore_ascii_case("host") && !n.eq_ignore_ascii_case("content-length")
            })
            .map(|(n, v)| (n.to_ascii_lowercase(), v.clone()))
            .collect();
        assert_eq!(ours, sent_headers, "{name}");
    }
}

#[tokio::test]
async fn a_redirect_is_returned_not_followed() {
    for (name, transport) in backends(GENEROUS) {
        let server = RawServer::start(Behaviour::Respond(raw_response(
            "302 Found",
            &[("location", "/elsewhere")],
            b"",
        )))
        .await;
        let request = http::Request::get(server.url("/markets"))
            .body(Bytes::new())
            .expect("valid request");
        let response = transport.send(request).await.expect(name);

        assert_eq!(response.status(), 302, "{name}");
        assert_eq!(response.headers()["location"], "/elsewhere", "{name}");
        let targets: Vec<_> = server.requests().into_iter().map(|r| r.target).collect();
        assert_eq!(targets, ["/markets"], "{name}: only the original request");
    }
}

#[tokio::test]
async fn a_refused_connection_was_not_sent() {
    for (name, transport) in backends(GENEROUS) {
        let refusing = limitless_testkit::RefusingPort::new();

        let request = order_request(&format!("{}/orders", refusing.url("http")), b"{}");
        let err = transport.send(request).await.expect_err(name);

        assert_eq!(err.kind(), TransportErrorKind::Connect, "{name}: {err:?}");
        assert!(!err.may_have_been_sent(), "{name}");
        assert!(
            std::error::Error::source(&err).is_some(),
            "{name}: source kept"
        );
    }
}

#[tokio::test]
async fn no_answer_within_the_total_timeout_may_have_been_sent() {
    for (name, transport) in backends(Duration::from_millis(300)) {
        let server = RawServer::start(Behaviour::NeverAnswer).await;
        let request = order_request(&server.url("/orders"), b"{\"a\":1}");
        let err = transport.send(request).await.expect_err(name);

        assert_eq!(err.kind(), TransportErrorKind::Timeout, "{name}: {err:?}");
        assert!(err.may_have_been_sent(), "{name}");
        assert_eq!(
            server.requests().len(),
            1,
            "{name}: the server read the request"
        );
    }
}

#[tokio::test]
async fn a_reset_after_the_request_was_read_may_have_been_sent() {
    for (name, transport) in backends(GENEROUS) {
        let server = RawServer::start(Behaviour::ResetAfterRequest).await;
        let request = order_request(&server.url("/orders"), b"{\"a\":1}");
        let err = transport.send(request).await.expect_err(name);

        assert!(err.may_have_been_sent(), "{name}: {err:?}");
        assert_ne!(err.kind(), TransportErrorKind::Connect, "{name}");
        assert_eq!(
            server.requests().len(),
            1,
            "{name}: the server read the request"
        );
    }
}

#[tokio::test]
async fn a_body_cut_short_is_an_error_that_may_have_been_sent() {
    for (name, transport) in backends(GENEROUS) {
        let server = RawServer::start(Behaviour::TruncatedBody).await;
        let request = http::Request::get(server.url("/markets"))
            .body(Bytes::new())
            .expect("valid request");
        let err = transport.send(request).await.expect_err(name);

        assert!(
            matches!(
                err.kind(),
                TransportErrorKind::Body | TransportErrorKind::Io
            ),
            "{name}: {err:?}"
        );
        assert!(err.may_have_been_sent(), "{name}");
    }
}

#[tokio::test]
async fn sequential_requests_reuse_one_connection() {
    for (name, transport) in backends(GENEROUS) {
        let server = RawServer::start(Behaviour::Respond(raw_response(
            "200 OK",
            &[("content-type", "application/json")],
            b"[]",
        )))
        .await;
        for path in ["/markets?page=1", "/markets?page=2"] {
            let request = http::Request::get(server.url(path))
                .body(Bytes::new())
                .expect("valid request");
            let response = transport.send(request).await.expect(name);
            assert_eq!(response.body().as_ref(), b"[]", "{name}");
            // Let the backend's pool take the finished connection back.
            tokio::task::yield_now().await;
        }

        let wire = server.requests();
        let on: Vec<_> = wire
            .iter()
            .map(|r| (r.target.as_str(), r.connection))
            .collect();
        assert_eq!(
            on,
            [("/markets?page=1", 1), ("/markets?page=2", 1)],
            "{name}"
        );
        assert_eq!(server.accepts(), 1, "{name}: one TCP connection");
    }
}

/// A listener whose accept queue is full and never drained: Linux then drops
/// further SYNs, so a connect hangs until the client's connect timeout.
async fn saturated_listener() -> (tokio::net::TcpListener, Vec<tokio::net::TcpStream>) {
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket.bind("127.0.0.1:0".parse().unwrap()).expect("bind");
    let listener = socket.listen(1).expect("listen");
    let addr = listener.local_addr().expect("addr");
    let mut fillers = Vec::new();
    // Setup only: connect until a handshake no longer completes.
    for _ in 0..16 {
        let attempt = tokio::net::TcpStream::connect(addr);
        match tokio::time::timeout(Duration::from_millis(200), attempt).await {
            Ok(Ok(stream)) => fillers.push(stream),
            _ => break,
        }
    }
    (listener, fillers)
}

#[tokio::test]
async fn a_connect_timeout_was_not_sent() {
    let (listener, _fillers) = saturated_listener().await;
    let addr = listener.local_addr().expect("addr");
    for (name, transport) in backends_with(Duration::from_millis(300), GENEROUS) {
        let request = order_request(&format!("http://{addr}/orders"), b"{}");
        let err = transport.send(request).await.expect_err(name);

        assert_eq!(err.kind(), TransportErrorKind::Timeout, "{name}: {err:?}");
        assert!(!err.may_have_been_sent(), "{name}");
    }
}

/// A limit far below what the servers below send.
const LIMIT: usize = 64 * 1024;

fn get(url: &str) -> http::Request<Bytes> {
    http::Request::get(url)
        .body(Bytes::new())
        .expect("valid request")
}

#[tokio::test]
async fn a_streamed_body_past_the_limit_is_too_large_and_may_have_been_sent() {
    for (name, transport) in backends_limited(LIMIT) {
        // 64 MiB, chunked: no length announced, so only counting can stop it.
        let server = RawServer::start(Behaviour::Chunked {
            total: 64 * 1024 * 1024,
        })
        .await;
        let err = transport
            .send(get(&server.url("/markets")))
            .await
            .expect_err(name);

        assert_eq!(err.kind(), TransportErrorKind::TooLarge, "{name}: {err:?}");
        assert!(err.may_have_been_sent(), "{name}");
        let detail = std::error::Error::source(&err).expect("detail").to_string();
        assert!(
            detail.contains("larger than max_response_bytes (65536 bytes)"),
            "{name}: {detail}"
        );
        assert!(!err.to_string().contains("65536"), "{name}: short Display");
        // Reading stopped near the limit instead of buffering the stream.
        assert!(
            server.streamed() < 64 * 1024 * 1024,
            "{name}: the whole stream was read"
        );
    }
}

#[tokio::test]
async fn a_declared_length_past_the_limit_fails_before_reading() {
    let body = vec![b'x'; LIMIT + 1];
    for (name, transport) in backends_limited(LIMIT) {
        let server = RawServer::start(Behaviour::Respond(raw_response(
            "200 OK",
            &[("content-type", "application/json")],
            &body,
        )))
        .await;
        let err = transport
            .send(get(&server.url("/markets")))
            .await
            .expect_err(name);
        assert_eq!(err.kind(), TransportErrorKind::TooLarge, "{name}: {err:?}");
        assert!(err.may_have_been_sent(), "{name}");
        assert!(
            std::error::Error::source(&err)
                .expect("detail")
                .to_string()
                .contains("max_response_bytes"),
            "{name}"
        );
    }
}

#[tokio::test]
async fn a_head_answer_declaring_a_length_past_the_limit_is_read() {
    let head = format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n", LIMIT + 1);
    for (name, transport) in backends_limited(LIMIT) {
        let server = RawServer::start(Behaviour::Respond(head.clone().into_bytes())).await;
        let request = http::Request::head(server.url("/markets"))
            .body(Bytes::new())
            .expect("valid request");
        let response = transport.send(request).await.expect(name);
        assert_eq!(response.status(), 200, "{name}");
        assert_eq!(
            response.headers()["content-length"],
            (LIMIT + 1).to_string(),
            "{name}"
        );
        assert!(response.body().is_empty(), "{name}");
    }
}

#[tokio::test]
async fn a_body_of_exactly_the_limit_is_read_whole() {
    for (name, transport) in backends_limited(LIMIT) {
        for behaviour in [
            Behaviour::Chunked { total: LIMIT },
            Behaviour::Respond(raw_response("200 OK", &[], &vec![b'7'; LIMIT])),
        ] {
            let server = RawServer::start(behaviour).await;
            let response = transport
                .send(get(&server.url("/markets")))
                .await
                .expect(name);
            assert_eq!(response.body().len(), LIMIT, "{name}");
            assert!(response.body().iter().all(|b| *b == b'7'), "{name}");
        }
    }
}

#[tokio::test]
async fn a_body_in_several_chunks_is_joined_in_order() {
    let chunked = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n\
        5\r\nfirst\r\n1\r\n,\r\n6\r\nsecond\r\n0\r\n\r\n";
    let one_chunk = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n\
        c\r\nfirst,second\r\n0\r\n\r\n";
    for (name, transport) in backends(GENEROUS) {
        for raw in [&chunked[..], &one_chunk[..]] {
            let server = RawServer::start(Behaviour::Respond(raw.to_vec())).await;
            let response = transport
                .send(get(&server.url("/markets")))
                .await
                .expect(name);
            assert_eq!(response.body(), "first,second", "{name}");
        }
        let server =
            RawServer::start(Behaviour::Respond(raw_response("204 No Content", &[], b""))).await;
        let response = transport
            .send(get(&server.url("/markets")))
            .await
            .expect(name);
        assert_eq!(response.status(), 204, "{name}");
        assert!(response.body().is_empty(), "{name}");
    }
}

#[tokio::test]
async fn a_response_head_too_large_to_parse_is_too_large() {
    // 1 MiB of headers: over what either HTTP library parses.
    let filler = "x".repeat(1024 * 1024);
    let head = format!("HTTP/1.1 200 OK\r\nx-filler: {filler}\r\ncontent-length: 0\r\n\r\n");
    for (name, transport) in backends_limited(LIMIT) {
        let server = RawServer::start(Behaviour::Respond(head.clone().into_bytes())).await;
        let err = transport
            .send(get(&server.url("/markets")))
            .await
            .expect_err(name);
        assert_eq!(err.kind(), TransportErrorKind::TooLarge, "{name}: {err:?}");
        assert!(err.may_have_been_sent(), "{name}");
    }
}
