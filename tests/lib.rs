//! Workspace-level tests: end-to-end flows in `e2e/`, reliability against the
//! sandbox in `reliability/`, hostile input in `hostile/`, conformance to the
//! published OpenAPI spec in `openapi/`, and the README's examples, compiled
//! and run as doctests here.

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
