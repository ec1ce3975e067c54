//! Settings shared by the bundled backends' builders.

use std::time::Duration;

use crate::TransportError;
use crate::error::ConfigError;

/// How long to wait for a TCP (and TLS) connection by default.
pub(crate) const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a whole exchange may take by default, body included.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// How long an idle pooled connection is kept by default.
pub(crate) const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);
/// How many idle connections per host are kept by default.
pub(crate) const DEFAULT_POOL_MAX_IDLE_PER_HOST: usize = 32;

/// Connection and timeout settings; validated by [`Config::validate`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Config {
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
    pub(crate) pool_idle_timeout: Duration,
    pub(crate) pool_max_idle_per_host: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            pool_idle_timeout: DEFAULT_POOL_IDLE_TIMEOUT,
            pool_max_idle_per_host: DEFAULT_POOL_MAX_IDLE_PER_HOST,
        }
    }
}

impl Config {
    /// Rejects timeouts that would fail every request.
    pub(crate) fn validate(&self) -> Result<(), TransportError> {
        for (name, value, default) in [
            (
                "connect_timeout",
                self.connect_timeout,
                DEFAULT_CONNECT_TIMEOUT,
            ),
            ("timeout", self.timeout, DEFAULT_TIMEOUT),
        ] {
            if value.is_zero() {
                return Err(TransportError::not_sent(ConfigError(format!(
                    "{name} must be greater than zero (the default is {} s)",
                    default.as_secs()
                ))));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn defaults_are_finite_and_valid() {
        let config = Config::default();
        assert_eq!(config.connect_timeout, Duration::from_secs(10));
        assert_eq!(config.timeout, Duration::from_secs(30));
        assert_eq!(config.pool_idle_timeout, Duration::from_secs(90));
        assert!(config.validate().is_ok());
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
            connect_timeout: Duration::ZERO,
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
