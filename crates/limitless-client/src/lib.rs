//! The Limitless Exchange programmatic API client.
