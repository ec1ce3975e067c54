//! Reliability against the sandbox over real HTTP on 127.0.0.1: a thousand
//! concurrent orders from one client, clock skew against servers 45 s ahead
//! and behind, and a TRACE-level capture of a whole order flow that must not
//! contain any secret.
//!
//! Every test starts with `trace_capture::install()`: the binary's global
//! `tracing` subscriber must exist before any span is created.

mod load;
mod skew;
mod support;
mod trace_capture;
