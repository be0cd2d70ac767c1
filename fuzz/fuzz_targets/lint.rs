//! Any bytes → the whole lint run (reader, policy model, expression checks, rules): it must
//! not panic, and every diagnostic must satisfy `gatehouse_lint::invariants::check_lint`.
//!
//! Run: see `fuzz/README.md`. `cargo test` replays this target's corpus through the same check.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(violation) = gatehouse_lint::invariants::check_lint(data) {
        panic!("invariant violated: {violation}");
    }
});
