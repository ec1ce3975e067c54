//! Order responses only (tagged cancel/replace outcomes, sides, amounts);
//! the first byte picks the type.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    limitless_fuzz::dispatch(limitless_fuzz::ORDERS, data);
});
