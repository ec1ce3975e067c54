//! The limits the API enforces, in one place: the client checks them before
//! sending and the sandbox refuses what breaks them, with the same numbers.

use crate::amounts::MAX_WIRE_AMOUNT;

/// The largest receive window (`recvWindow`) an order may carry, in
/// milliseconds.
pub const MAX_RECV_WINDOW_MS: u64 = 10_000;

/// The longest client order id, in characters (Unicode scalar values, as
/// [`client_order_id_length`] counts them).
pub const MAX_CLIENT_ORDER_ID_LENGTH: usize = 128;

/// The largest fee rate an order may carry, in basis points (100 %).
pub const MAX_FEE_RATE_BPS: u32 = 10_000;

/// The most operations one cancel-replace batch may hold.
pub const MAX_CANCEL_REPLACE_BATCH: usize = 20;

/// The most orders one `POST /orders/status/batch` may look up (spec
/// `BatchOrderStatusRequestDto`: 1 to 50 items).
pub const MAX_ORDER_STATUS_BATCH: usize = 50;

/// The most ids one batch cancel may carry (docs page "batch-cancel": at
/// most 50 `orderIds` or `clientOrderIds`).
pub const MAX_CANCEL_BATCH: usize = 50;

/// The most items one page of a paged list may hold (partner accounts,
/// active markets).
pub const MAX_PAGE_LIMIT: u32 = 25;

/// The largest order salt or nonce: 2^53 − 1, the largest integer a JSON
/// number carries exactly.
pub const MAX_SALT: u64 = MAX_WIRE_AMOUNT;

/// The largest order nonce, for the same reason as [`MAX_SALT`].
pub const MAX_NONCE: u64 = MAX_WIRE_AMOUNT;

/// Longest sub-account display name, in characters (Unicode scalar values).
pub const MAX_DISPLAY_NAME_LENGTH: usize = 44;

/// The length of a client order id as the limit counts it: characters
/// (Unicode scalar values), not bytes, so `é` counts once.
///
/// ```
/// use limitless_types::limits::client_order_id_length;
/// assert_eq!(client_order_id_length("order-é"), 7);
/// ```
pub fn client_order_id_length(id: &str) -> usize {
    id.chars().count()
}

/// The most requests one API token may have in flight at once (the docs'
/// API introduction: "Max concurrent requests: 2", applied per API token).
pub const MAX_CONCURRENT_REQUESTS: usize = 2;

/// The least time between the starts of two requests of one API token
/// (the docs' API introduction: "Min delay between calls: 300ms").
pub const MIN_REQUEST_SPACING: std::time::Duration = std::time::Duration::from_millis(300);
