//! Integration tests: both bundled backends against real servers on
//! 127.0.0.1, and the test doubles.

#[cfg(any(feature = "reqwest", feature = "hyper"))]
mod backends;
mod boxing;
#[cfg(feature = "test-util")]
mod doubles;
#[cfg(any(feature = "reqwest", feature = "hyper"))]
mod server;

#[cfg(any(feature = "reqwest", feature = "hyper"))]
mod support {
    use std::time::Duration;

    use limitless_transport::SharedTransport;

    /// The default response body limit, 16 MiB.
    const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

    /// Every enabled backend, named, with a total timeout of `timeout` (and
    /// a connect timeout of 10 s or half of it, whichever is shorter).
    pub(crate) fn backends(timeout: Duration) -> Vec<(&'static str, SharedTransport)> {
        backends_with(Duration::from_secs(10).min(timeout / 2), timeout)
    }

    /// Every enabled backend, named, with the given connect and total
    /// timeouts.
    pub(crate) fn backends_with(
        connect_timeout: Duration,
        timeout: Duration,
    ) -> Vec<(&'static str, SharedTransport)> {
        backends_configured(connect_timeout, timeout, DEFAULT_MAX_RESPONSE_BYTES)
    }

    /// Every enabled backend, named, reading at most `max_response_bytes`
    /// of a response body, with generous timeouts.
    pub(crate) fn backends_limited(
        max_response_bytes: usize,
    ) -> Vec<(&'static str, SharedTransport)> {
        backends_configured(
            Duration::from_secs(10),
            Duration::from_secs(20),
            max_response_bytes,
        )
    }

    #[allow(
        clippy::vec_init_then_push,
        reason = "each push is behind its own feature"
    )]
    fn backends_configured(
        connect_timeout: Duration,
        timeout: Duration,
        max_response_bytes: usize,
    ) -> Vec<(&'static str, SharedTransport)> {
        let mut all = Vec::new();
        #[cfg(feature = "reqwest")]
        all.push((
            "reqwest",
            SharedTransport::new(
                limitless_transport::ReqwestTransport::builder()
                    .connect_timeout(connect_timeout)
                    .timeout(timeout)
                    .max_response_bytes(max_response_bytes)
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
                    .max_response_bytes(max_response_bytes)
                    .build()
                    .expect("hyper transport builds"),
            ),
        ));
        all
    }
}
