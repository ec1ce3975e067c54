//! What the workspace's test suites share, as a dev-dependency of each.
//!
//! * [`responses_dir`]: where the captured production payloads are, and
//!   what their absence means ([`REQUIRE_FIXTURES`]);
//! * [`RefusingPort`]: a loopback address that refuses connections for as
//!   long as a test holds it.
//!
//! ```
//! match limitless_testkit::responses_dir() {
//!     Some(dir) => assert!(dir.ends_with("shared/fixtures/responses")),
//!     None => println!("no captures beside this checkout: skipped"),
//! }
//! ```

mod fixtures;
mod ports;

pub use fixtures::{REQUIRE_FIXTURES, responses_dir};
pub use ports::RefusingPort;
