//! Code that fails late, nested deep: each family once drove the PEG parser to re-parse the
//! same nested code at every level (2^depth work; the fuzzer found 1.5 KB of unclosed
//! `new JObject(new JProperty(…` taking seconds). At depth 60 an exponential parse would never
//! end, so this test finishing is the check; `cargo bench -p gatehouse-expr --bench micro`
//! measures the time.

#![allow(clippy::panic)]

use gatehouse_expr_syntax::{Form, SyntaxLimits, parse};

const DEPTH: usize = 60;

fn families() -> Vec<(&'static str, String)> {
    vec![
        ("unclosed new T(", "new A(".repeat(DEPTH)),
        ("unclosed new T[", "new int[".repeat(DEPTH)),
        ("unclosed anonymous member", "new { a = ".repeat(DEPTH)),
        ("unclosed member initializer", "new A { B = ".repeat(DEPTH)),
        ("unclosed call", "f(".repeat(DEPTH)),
        ("unclosed parenthesis", "(".repeat(DEPTH)),
        ("unclosed index", "a[".repeat(DEPTH)),
        ("unclosed generic call", "f<a>(".repeat(DEPTH)),
        ("unclosed lambda body", "x => f(".repeat(DEPTH)),
        ("unclosed array initializer", "new[] {".repeat(DEPTH)),
        ("unclosed interpolation", "$\"{".repeat(DEPTH)),
        ("unclosed named argument", "f(a: ".repeat(DEPTH)),
        ("unclosed declaration", "var x = f(".repeat(DEPTH)),
    ]
}

#[test]
fn code_that_fails_late_is_parsed_once_per_level() {
    // Limits high enough that the parser, not a limit, is what stops each family.
    let limits = SyntaxLimits {
        max_nesting: 1000,
        max_depth: 1000,
    };
    for (family, code) in families() {
        for form in [Form::Inline, Form::Block] {
            if parse(&code, form, &limits).is_ok() {
                panic!("{family} ({form:?}) parsed, but it is unclosed");
            }
        }
    }
}
