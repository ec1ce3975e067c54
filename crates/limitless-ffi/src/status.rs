//! Status codes, as `#define`d in `include/limitless.h`.

use std::ffi::CStr;

/// `lmts_status`: 0 for success, a positive code for each kind of failure.
pub type LmtsStatus = i32;

/// Success.
pub const LMTS_OK: LmtsStatus = 0;
/// A required pointer argument was NULL.
pub const LMTS_ERR_NULL_ARGUMENT: LmtsStatus = 1;
/// A string argument is not valid UTF-8.
pub const LMTS_ERR_INVALID_UTF8: LmtsStatus = 2;
/// The token id or secret cannot be used.
pub const LMTS_ERR_INVALID_CREDENTIALS: LmtsStatus = 3;
/// The time has no ISO-8601 timestamp with a four-digit year.
pub const LMTS_ERR_TIMESTAMP_OUT_OF_RANGE: LmtsStatus = 4;
/// Verification: a header value is missing or empty.
pub const LMTS_ERR_MISSING_HEADER: LmtsStatus = 5;
/// Verification: the timestamp is not in the wire form.
pub const LMTS_ERR_MALFORMED_TIMESTAMP: LmtsStatus = 6;
/// Verification: the timestamp is outside the allowed window.
pub const LMTS_ERR_OUTSIDE_WINDOW: LmtsStatus = 7;
/// Verification: the api key is not the signer's token id.
pub const LMTS_ERR_UNKNOWN_TOKEN: LmtsStatus = 8;
/// Verification: the signature does not match the request.
pub const LMTS_ERR_BAD_SIGNATURE: LmtsStatus = 9;
/// A bug inside the library.
pub const LMTS_ERR_INTERNAL: LmtsStatus = 10;

/// Every status with its name, in code order.
pub const STATUSES: [(&str, LmtsStatus); 11] = [
    ("LMTS_OK", LMTS_OK),
    ("LMTS_ERR_NULL_ARGUMENT", LMTS_ERR_NULL_ARGUMENT),
    ("LMTS_ERR_INVALID_UTF8", LMTS_ERR_INVALID_UTF8),
    ("LMTS_ERR_INVALID_CREDENTIALS", LMTS_ERR_INVALID_CREDENTIALS),
    (
        "LMTS_ERR_TIMESTAMP_OUT_OF_RANGE",
        LMTS_ERR_TIMESTAMP_OUT_OF_RANGE,
    ),
    ("LMTS_ERR_MISSING_HEADER", LMTS_ERR_MISSING_HEADER),
    ("LMTS_ERR_MALFORMED_TIMESTAMP", LMTS_ERR_MALFORMED_TIMESTAMP),
    ("LMTS_ERR_OUTSIDE_WINDOW", LMTS_ERR_OUTSIDE_WINDOW),
    ("LMTS_ERR_UNKNOWN_TOKEN", LMTS_ERR_UNKNOWN_TOKEN),
    ("LMTS_ERR_BAD_SIGNATURE", LMTS_ERR_BAD_SIGNATURE),
    ("LMTS_ERR_INTERNAL", LMTS_ERR_INTERNAL),
];

pub(crate) fn status_name(status: LmtsStatus) -> &'static CStr {
    match status {
        LMTS_OK => c"LMTS_OK",
        LMTS_ERR_NULL_ARGUMENT => c"LMTS_ERR_NULL_ARGUMENT",
        LMTS_ERR_INVALID_UTF8 => c"LMTS_ERR_INVALID_UTF8",
        LMTS_ERR_INVALID_CREDENTIALS => c"LMTS_ERR_INVALID_CREDENTIALS",
        LMTS_ERR_TIMESTAMP_OUT_OF_RANGE => c"LMTS_ERR_TIMESTAMP_OUT_OF_RANGE",
        LMTS_ERR_MISSING_HEADER => c"LMTS_ERR_MISSING_HEADER",
        LMTS_ERR_MALFORMED_TIMESTAMP => c"LMTS_ERR_MALFORMED_TIMESTAMP",
        LMTS_ERR_OUTSIDE_WINDOW => c"LMTS_ERR_OUTSIDE_WINDOW",
        LMTS_ERR_UNKNOWN_TOKEN => c"LMTS_ERR_UNKNOWN_TOKEN",
        LMTS_ERR_BAD_SIGNATURE => c"LMTS_ERR_BAD_SIGNATURE",
        LMTS_ERR_INTERNAL => c"LMTS_ERR_INTERNAL",
        _ => c"LMTS_UNKNOWN_STATUS",
    }
}
