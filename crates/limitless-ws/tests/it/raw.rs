//! A bare Engine.IO server on tokio-tungstenite: it opens the session and
//! the namespace, then never pings.

use std::net::SocketAddr;

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;

/// Announces `pingInterval` 200 ms and `pingTimeout` 100 ms, then stays
/// silent on every connection.
pub(crate) struct SilentServer {
    pub(crate) addr: SocketAddr,
    /// Namespace connections opened so far.
    pub(crate) connections: watch::Receiver<usize>,
    task: JoinHandle<()>,
}

impl SilentServer {
    pub(crate) async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (count, connections) = watch::channel(0usize);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let count = count.clone();
                tokio::spawn(async move {
                    let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else {
                        return;
                    };
                    let open = r#"0{"sid":"silent","upgrades":[],"pingInterval":200,"pingTimeout":100,"maxPayload":1000000}"#;
                    if ws.send(Message::text(open)).await.is_err() {
                        return;
                    }
                    while let Some(Ok(message)) = ws.next().await {
                        if message.to_text().is_ok_and(|t| t == "40/markets,") {
                            let _ = ws.send(Message::text(r#"40/markets,{"sid":"ns"}"#)).await;
                            count.send_modify(|n| *n += 1);
                        }
                    }
                });
            }
        });
        Self {
            addr,
            connections,
            task,
        }
    }

    pub(crate) fn url(&self) -> String {
        format!("ws://{}", self.addr)
    }
}

impl Drop for SilentServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
