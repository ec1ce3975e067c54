//! The captured production payloads. They are others' data (`SOURCES.md`
//! beside them says whose), so they stay outside the repository, in
//! `../shared/fixtures/responses` beside the checkout:
//!
//! * where the folder is, the suites over it run;
//! * a plain clone has none: those suites pass without running, and
//!   `cargo xtask ci` says once that it skipped them;
//! * with [`REQUIRE_FIXTURES`] set (CI's `.ci/run` sets it), a missing
//!   folder fails the test that asked for it.

use std::path::{Path, PathBuf};

/// The environment variable that makes the captures mandatory.
pub const REQUIRE_FIXTURES: &str = "LIMITLESS_REQUIRE_FIXTURES";

/// The captured production payloads (`shared/fixtures/responses`, one
/// folder per endpoint) beside the workspace, where this checkout has them.
///
/// # Panics
///
/// When the folder is missing and [`REQUIRE_FIXTURES`] is set.
pub fn responses_dir() -> Option<PathBuf> {
    // This crate sits at `crates/limitless-testkit` in the workspace.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/responses");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os(REQUIRE_FIXTURES).is_none(),
        "{REQUIRE_FIXTURES} is set but {} is missing",
        dir.display()
    );
    None
}
