//! Any bytes → parse, check and evaluate as `@( … )` and `@{ … }`: no panic, no stack
//! overflow, and the promises of `gatehouse_expr::invariants::check_expression_input` hold.
//!
//! Run: see `fuzz/README.md`. `cargo test` replays this target's corpus through the same check.

#![no_main]

use libfuzzer_sys::fuzz_target;

const FIXTURE: &str = include_str!("../../tests/oracle/fixtures/default.json");

fuzz_target!(|data: &[u8]| {
    if let Err(violation) = gatehouse_expr::invariants::check_expression_input(data, FIXTURE) {
        panic!("invariant violated: {violation}");
    }
});
