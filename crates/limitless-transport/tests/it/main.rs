//! Integration tests: both bundled backends against real servers on
//! 127.0.0.1, and the test doubles.

#[cfg(any(feature = "reqwest", feature = "hyper"))]
mod backends;
#[cfg(feature = "test-util")]
mod doubles;
#[cfg(any(feature = "reqwest", feature = "hyper"))]
mod server;

#[cfg(any(feature = "reqwest", feature = "hyper"))]
mod support {
    use std::time::Duration;

    use limitless_transport::SharedTransport;

    /// Every enabled backend, named, with a total timeout of `timeout`.
    pub(crate) fn backends(timeout: Duration) -> Vec<(&'static str, SharedTransport)> {
        backends_with(Duration::from_secs(10), timeout)
    }

    /// Every enabled backend, named, with the given connect and total
    /// timeouts.
    #[allow(
        clippy::vec_init_then_push,
        reason = "each push is behind its own feature"
    )]
    pub(crate) fn backends_with(
        connect_timeout: Duration,
        timeout: Duration,
    ) -> Vec<(&'static str, SharedTransport)> {
        let mut all = Vec::new();
        #[cfg(feature = "reqwest")]
        all.push((
            "reqwest",
            SharedTransport::new(
                limitless_transport::ReqwestTransport::builder()
                    .connect_timeout(connect_timeout)
                    .timeout(timeout)
                    .build()
                    .expect("reqwest transport builds"),
            ),
        ));
        #[cfg(feature = "hyper")]
        all.push((
            "hyper",
            SharedTransport::new(
                limitless_transport::HyperTransport::builder()
                    .connect_timeout(connect_timeout)
                    .timeout(timeout)
                    .build()
                    .expect("hyper transport builds"),
            ),
        ));
        all
    }
}
