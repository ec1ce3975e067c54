//! Every response decoder; the first byte picks the type.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    limitless_fuzz::dispatch(&limitless_fuzz::all_decoders(), data);
});
