//! `cargo xtask demo`: the partner flow against an embedded sandbox.

/// Runs the demo.
pub(crate) fn run() -> crate::Result {
    Err("the demo needs the client and the sandbox; not wired yet".into())
}
