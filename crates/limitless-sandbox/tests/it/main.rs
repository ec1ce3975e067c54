//! Integration tests for the sandbox over real HTTP.
