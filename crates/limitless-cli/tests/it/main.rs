//! `lmts` end to end: every command as a process, against a sandbox
//! running in the test process, with a private config directory.

mod accounts;
mod cli;
mod docs_session;
mod exits;
mod maintenance;
mod markets;
mod mcp;
mod orders;
mod sandbox;
mod sign;
mod support;
mod tokens;
mod wallet;
mod watch;
