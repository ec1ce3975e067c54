//! Workspace-level tests: end-to-end flows in `e2e/`, hostile input in
//! `hostile/`, and the README's examples, compiled and run as doctests here.

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
