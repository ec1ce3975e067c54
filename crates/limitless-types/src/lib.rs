//! Wire types for the Limitless Exchange programmatic API.
