//! End-to-end tests: the client against the sandbox over real HTTP.
