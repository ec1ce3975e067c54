//! `parse_api_error_message`: the status from the first two bytes (mapped
//! onto 100..=999), the body from the rest. It must never panic and always
//! return a non-empty message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use limitless_client::http::StatusCode;
use limitless_client::parse_api_error_message;

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data {
        [hi, lo, body @ ..] => (u16::from_be_bytes([*hi, *lo]) % 900 + 100, body),
        _ => return,
    };
    let status = StatusCode::from_u16(status).expect("100..=999 is a valid status");
    let message = parse_api_error_message(status, body);
    assert!(
        !message.is_empty(),
        "empty message for status {status} and body {:?}",
        String::from_utf8_lossy(body)
    );
});
