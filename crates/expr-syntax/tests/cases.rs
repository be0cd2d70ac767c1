//! Runs `tests/cases.txt`: every case is parsed and its tree (or error) compared with the one
//! written by hand. All mismatches are reported at once.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use gatehouse_expr_syntax::{Form, SyntaxLimits, parse, sexpr};

struct Case {
    name: String,
    form: Form,
    code: String,
    expected: String,
}

fn cases() -> Vec<Case> {
    let text = include_str!("cases.txt");
    let mut cases = Vec::new();
    for chunk in text.split("\n== ").skip(1) {
        let (header, rest) = chunk.split_once('\n').unwrap();
        let (code, expected) = rest
            .split_once("\n--\n")
            .unwrap_or_else(|| panic!("case {header}: no `--`"));
        let expected: String = expected
            .lines()
            .take_while(|line| !line.starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n");
        let form = if header.ends_with("(block)") {
            Form::Block
        } else {
            Form::Inline
        };
        let code = code
            .replace(
                "%%NESTED_PARENS%%",
                &format!("{}x{}", "(".repeat(10_000), ")".repeat(10_000)),
            )
            .replace("%%BANGS%%", &format!("{}x", "!".repeat(10_000)));
        cases.push(Case {
            name: header.to_owned(),
            form,
            code,
            expected: expected.trim().to_owned(),
        });
    }
    cases
}

#[test]
fn parse_cases() {
    let cases = cases();
    assert!(cases.len() >= 60, "{} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let got = match parse(&case.code, case.form, &SyntaxLimits::default()) {
            Ok(body) => sexpr::body(&body),
            Err(diagnostic) => format!("error {} at {}", diagnostic.code, diagnostic.span.start),
        };
        if got != case.expected {
            failures.push(format!(
                "{}\n  expected: {}\n  got:      {}",
                case.name, case.expected, got
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// The deepest nesting the limits allow must parse on an ordinary 2 MiB thread in a debug build
/// (tests run on such threads; so do tokio's workers).
#[test]
fn the_deepest_allowed_nesting_parses_on_a_small_stack() {
    let limits = SyntaxLimits::default();
    let depth = limits.max_nesting as usize - 1;
    let parens = format!("{}x{}", "(".repeat(depth), ")".repeat(depth));
    let lambdas = format!("{}x", "a => ".repeat(depth));
    let holes = format!("{}x{}", "$\"{".repeat(depth / 2), "}\"".repeat(depth / 2));
    let block = format!("{}return 1;{}", "{ ".repeat(depth), " }".repeat(depth));
    let handle = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            assert!(parse(&parens, Form::Inline, &limits).is_ok());
            assert!(parse(&lambdas, Form::Inline, &limits).is_ok());
            assert!(parse(&holes, Form::Inline, &limits).is_ok());
            assert!(parse(&block, Form::Block, &limits).is_ok());
        })
        .unwrap();
    handle.join().unwrap();
}
