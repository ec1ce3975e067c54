//! limitless-middleware: headers on the wire, and both stacks against the
//! sandbox's own HMAC verification.

mod reqwest_stack;
mod secrets;
mod signing;
mod support;
mod tower_stack;
