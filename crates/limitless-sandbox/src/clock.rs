//! The sandbox's one clock: real time shifted by a configurable offset.

use std::time::SystemTime;

pub use limitless_auth::ClockOffset;

/// Real time plus the configured offset. The only place the sandbox reads
/// the wall clock.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SandboxClock {
    offset: ClockOffset,
}

impl SandboxClock {
    pub(crate) fn new(offset: ClockOffset) -> Self {
        Self { offset }
    }

    /// The sandbox's current time.
    pub(crate) fn now(&self) -> SystemTime {
        // The sandbox's designated clock: every other part of the server takes
        // its time from here, so the configured offset applies everywhere.
        #[allow(clippy::disallowed_methods)]
        let real = SystemTime::now();
        self.offset.apply(real)
    }
}
