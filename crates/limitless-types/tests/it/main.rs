//! Integration tests for limitless-types: exact request bytes, lenient
//! response decoding, exact decimal encoding and amount math properties.

mod amounts_props;
mod decimals;
mod fixtures;
mod hostile;
mod mutations;
mod requests;
mod responses;
