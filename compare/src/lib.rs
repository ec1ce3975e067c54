//! Empty: the comparison is the `official` benchmark (`benches/official.rs`).
