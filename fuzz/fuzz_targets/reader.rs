//! Any bytes → the reader: it must not panic, and every read must satisfy the reader's
//! invariants (see `gatehouse_reader::check_read`).
//!
//! Run: see `fuzz/README.md`. `cargo test` replays this target's corpus through the same check.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(violation) = gatehouse_reader::check_read(data) {
        panic!("invariant violated: {violation}");
    }
});
