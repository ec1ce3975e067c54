//! A call through the wrappers (`SharedTransport`, `Arc`, `Box`) returns the
//! transport's own boxed future, not another boxed future around it: one
//! allocation per call however the transport is held.

use std::sync::Arc;

use limitless_transport::{Bytes, SharedTransport, Transport, TransportError, transport_fn};

fn get() -> http::Request<Bytes> {
    http::Request::get("https://example.test/markets")
        .body(Bytes::new())
        .expect("valid request")
}

/// A transport whose future has a size no wrapper's future could have by
/// chance: it holds a 4 KiB buffer across an await point.
fn transport() -> impl Transport + Clone {
    transport_fn(|request: http::Request<Bytes>| async move {
        let mut buffer = [0_u8; 4096];
        tokio::task::yield_now().await;
        let path = request.uri().path().as_bytes();
        buffer[..path.len()].copy_from_slice(path);
        Ok::<_, TransportError>(http::Response::new(Bytes::copy_from_slice(
            &buffer[..path.len()],
        )))
    })
}

#[test]
fn wrappers_return_the_transports_own_future() {
    let transport = transport();
    let own = std::mem::size_of_val(&*transport.send(get()));
    assert!(own > 4096, "{own}");

    let shared = SharedTransport::new(transport.clone());
    let arc: Arc<dyn Transport> = Arc::new(transport.clone());
    let boxed: Box<dyn Transport> = Box::new(transport);
    let nested = SharedTransport::new(Arc::new(Box::new(shared.clone())));
    for (name, wrapped) in [
        (
            "SharedTransport",
            std::mem::size_of_val(&*shared.send(get())),
        ),
        (
            "Arc<dyn Transport>",
            std::mem::size_of_val(&*arc.send(get())),
        ),
        (
            "Box<dyn Transport>",
            std::mem::size_of_val(&*boxed.send(get())),
        ),
        (
            "nested wrappers",
            std::mem::size_of_val(&*nested.send(get())),
        ),
    ] {
        assert_eq!(wrapped, own, "{name}");
    }
}

#[tokio::test]
async fn wrapped_futures_still_answer() {
    let nested = SharedTransport::new(Arc::new(Box::new(SharedTransport::new(transport()))));
    let response = nested.send(get()).await.expect("answers");
    assert_eq!(response.body(), "/markets");
}
