//! Small helpers the operations share, with no dependency inside the
//! crate.

/// A fresh random (version 4) UUID, lowercase and hyphenated: the
/// idempotency key of an AMM trade or a Pack buy whose caller fixed none.
pub(crate) fn uuid_v4() -> String {
    uuid::Uuid::new_v4().to_string()
}
