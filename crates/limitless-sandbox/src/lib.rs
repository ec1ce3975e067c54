//! A local, in-memory Limitless-compatible API server.
