//! `limitless-sandbox`: run the local API server.
fn main() {}
