//! Settings shared by the bundled backends' builders.

use std::time::Duration;

use crate::TransportError;
use crate::error::ConfigError;

/// How long the bundled backends wait for a TCP (and TLS) connection by
/// default. The REST client's default too: one home for both.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a whole exchange may take by default, body included. The REST
/// client's default attempt deadline too.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The connect timeout when none is set, for a `total` timeout: 10 s
/// ([`DEFAULT_CONNECT_TIMEOUT`]), or half the total when that is shorter,
/// so setting only a short total keeps a connect timeout that can fire.
/// The bundled backends and the REST client's default transport both
/// apply it.
pub fn default_connect_timeout(total: Duration) -> Duration {
    DEFAULT_CONNECT_TIMEOUT.min(total / 2)
}

/// How long an idle pooled connection is kept by default.
pub(crate) const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);
/// How many idle connections per host are kept by default.
pub(crate) const DEFAULT_POOL_MAX_IDLE_PER_HOST: usize = 32;
/// The largest response body read by default: 16 MiB, far above any API
/// response, small enough that a misbehaving server cannot exhaust memory.
pub(crate) const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// Connection and timeout settings; validated by [`Config::validate`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Config {
    /// `None`: the default, see [`Config::connect_timeout`].
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) timeout: Duration,
    pub(crate) pool_idle_timeout: Duration,
    pub(crate) pool_max_idle_per_host: usize,
    pub(crate) max_response_bytes: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            connect_timeout: None,
            timeout: DEFAULT_TIMEOUT,
            pool_idle_timeout: DEFAULT_POOL_IDLE_TIMEOUT,
            pool_max_idle_per_host: DEFAULT_POOL_MAX_IDLE_PER_HOST,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }
}

impl Config {
    /// The connect timeout in effect: the one set, else
    /// [`default_connect_timeout`] of the total.
    pub(crate) fn connect_timeout(&self) -> Duration {
        self.connect_timeout
            .unwrap_or_else(|| default_connect_timeout(self.timeout))
    }

    /// Rejects settings that would fail every request, or that cannot all
    /// take effect.
    pub(crate) fn validate(&self) -> Result<(), TransportError> {
        let invalid = |message: String| Err(TransportError::not_sent(ConfigError(message)));
        // The total first: a default connect timeout is derived from it.
        for (name, value, default) in [
            ("timeout", self.timeout, DEFAULT_TIMEOUT),
            (
                "connect_timeout",
                self.connect_timeout(),
                DEFAULT_CONNECT_TIMEOUT,
            ),
        ] {
            if value.is_zero() {
                return invalid(format!(
                    "{name} must be greater than zero (the default is {} s)",
                    default.as_secs()
                ));
            }
        }
        // The total timeout runs from the start of the exchange, connecting
        // included: a connect timeout at least as long could never fire, and
        // a hung connect would be reported as a request that may have been
        // sent instead of one that was not.
        if self.connect_timeout() >= self.timeout {
            return invalid(format!(
                "connect_timeout ({:?}) must be shorter than timeout ({:?}), which also covers connecting; \
                 lower connect_timeout or raise timeout",
                self.connect_timeout(),
                self.timeout
            ));
        }
        if self.max_response_bytes == 0 {
            return invalid(format!(
                "max_response_bytes must be greater than zero (the default is {DEFAULT_MAX_RESPONSE_BYTES} bytes)"
            ));
        }
        Ok(())
    }
}

/// The setters both bundled builders share; each builder holds a
/// `config: Config` field.
macro_rules! config_setters {
    () => {
        /// How long to wait for the TCP connection and TLS handshake (default
        /// 10 s, or half of `timeout` if that is shorter). It must be shorter
        /// than `timeout`. A connect timeout means the request was not sent.
        pub fn connect_timeout(mut self, timeout: std::time::Duration) -> Self {
            self.config.connect_timeout = Some(timeout);
            self
        }

        /// How long the whole exchange may take, from connecting to the last
        /// byte of the response body (default 30 s). It must be longer than
        /// `connect_timeout`.
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.config.timeout = timeout;
            self
        }

        /// How long an idle pooled connection is kept open (default 90 s).
        pub fn pool_idle_timeout(mut self, timeout: std::time::Duration) -> Self {
            self.config.pool_idle_timeout = timeout;
            self
        }

        /// How many idle connections per host are kept (default 32); `0`
        /// disables connection reuse.
        pub fn pool_max_idle_per_host(mut self, max: usize) -> Self {
            self.config.pool_max_idle_per_host = max;
            self
        }

        /// The most response body bytes read (default 16 MiB). A longer body
        /// fails with a [`Body`](crate::TransportErrorKind::Body) error (the
        /// request reached the server) as soon as it is declared or read past
        /// the limit.
        pub fn max_response_bytes(mut self, max: usize) -> Self {
            self.config.max_response_bytes = max;
            self
        }
    };
}
#[cfg(any(feature = "reqwest", feature = "hyper"))]
pub(crate) use config_setters;

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn defaults_are_finite_and_valid() {
        let config = Config::default();
        assert_eq!(config.connect_timeout(), Duration::from_secs(10));
        assert_eq!(config.timeout, Duration::from_secs(30));
        assert_eq!(config.pool_idle_timeout, Duration::from_secs(90));
        assert_eq!(config.max_response_bytes, 16 * 1024 * 1024);
        assert!(config.validate().is_ok());
    }

    #[test]
    fn a_connect_timeout_not_shorter_than_the_total_is_rejected() {
        for connect in [Duration::from_secs(30), Duration::from_secs(31)] {
            let config = Config {
                connect_timeout: Some(connect),
                timeout: Duration::from_secs(30),
                ..Config::default()
            };
            let err = config.validate().expect_err("connect ≥ total");
            assert!(!err.may_have_been_sent());
            let detail = err.source().expect("detail in source").to_string();
            assert_eq!(
                detail,
                format!(
                    "connect_timeout ({connect:?}) must be shorter than timeout (30s), which also covers \
                     connecting; lower connect_timeout or raise timeout"
                )
            );
        }
        let config = Config {
            connect_timeout: Some(Duration::from_millis(29_999)),
            timeout: Duration::from_secs(30),
            ..Config::default()
        };
        assert!(config.validate().is_ok());
    }

    #[test]
    fn the_default_connect_timeout_stays_below_a_short_total() {
        for (total, connect) in [
            (Duration::from_secs(60), Duration::from_secs(10)),
            (Duration::from_secs(20), Duration::from_secs(10)),
            (Duration::from_secs(5), Duration::from_millis(2_500)),
            (Duration::from_millis(300), Duration::from_millis(150)),
        ] {
            let config = Config {
                timeout: total,
                ..Config::default()
            };
            assert_eq!(config.connect_timeout(), connect, "{total:?}");
            assert!(config.validate().is_ok(), "{total:?}");
        }
    }

    #[test]
    fn a_zero_response_limit_is_rejected() {
        let config = Config {
            max_response_bytes: 0,
            ..Config::default()
        };
        let detail = config.validate().expect_err("zero limit");
        assert!(
            detail
                .source()
                .expect("detail")
                .to_string()
                .starts_with("max_response_bytes must be greater than zero"),
        );
    }

    #[test]
    fn zero_timeouts_are_rejected_with_the_setting_named() {
        let config = Config {
            timeout: Duration::ZERO,
            ..Config::default()
        };
        let err = config.validate().expect_err("zero total timeout");
        assert!(!err.may_have_been_sent());
        let detail = err.source().expect("detail in source").to_string();
        assert_eq!(
            detail,
            "timeout must be greater than zero (the default is 30 s)"
        );

        let config = Config {
            connect_timeout: Some(Duration::ZERO),
            ..Config::default()
        };
        let detail = config.validate().expect_err("zero connect timeout");
        assert!(
            detail
                .source()
                .expect("detail")
                .to_string()
                .starts_with("connect_timeout ")
        );
    }
}
