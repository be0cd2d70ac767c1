//! Per-operation costs, to see where evaluation time goes (not a target).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use gatehouse_expr::context::Context;
use gatehouse_expr::{Form, Limits, Slot, compile_code, evaluate};

fn micro(c: &mut Criterion) {
    let context = gatehouse_expr::fixture::context_from_json(r#"{"variables": {"o": {"type": "JObject", "value": {"a": 1, "b": "x"}}, "s": {"type": "string", "value": "abc"}}}"#).unwrap();
    for (name, code, form) in [
        ("const", "1", Form::Inline),
        ("string_length", r#""abc".Length"#, Form::Inline),
        ("variable", r#"context.Variables["s"]"#, Form::Inline),
        ("local", "var x = 1; return x;", Form::Block),
        (
            "json_index",
            r#"((JObject)context.Variables["o"])["a"]"#,
            Form::Inline,
        ),
        (
            "json_index_cast",
            r#"(int)((JObject)context.Variables["o"])["a"]"#,
            Form::Inline,
        ),
        (
            "lambda_invoke",
            "Func<int, int> f = x => x; return f(1);",
            Form::Block,
        ),
        (
            "select_first",
            "new[] { 1 }.Select(x => x).First()",
            Form::Inline,
        ),
        ("range_100", "Enumerable.Range(0, 100).Sum()", Form::Inline),
        (
            "select_100",
            "Enumerable.Range(0, 100).Select(x => x).Sum()",
            Form::Inline,
        ),
        (
            "where_json_100",
            "Enumerable.Range(0, 100).Count(x => (int)((JObject)context.Variables[\"o\"])[\"a\"] > 0)",
            Form::Inline,
        ),
    ] {
        let (compiled, d) = compile_code(code, form, &Slot::default());
        let compiled = compiled.unwrap_or_else(|| panic!("{code} {d:?}"));
        c.bench_function(name, |b| {
            b.iter(|| {
                evaluate(black_box(&compiled), black_box(&context), Limits::default()).unwrap()
            })
        });
    }
    let _ = Context::default();
}

/// Parsing code that fails only at its end, nested 20 deep, against the same code closed: the
/// two should cost about the same (the parser once re-read such code at every level).
fn parse_failing_late(c: &mut Criterion) {
    let open = "new A(".repeat(20);
    let closed = format!("{open}{}", ")".repeat(20));
    for (name, code) in [
        ("parse_nested_closed", closed),
        ("parse_nested_unclosed", open),
    ] {
        c.bench_function(name, |b| {
            b.iter(|| compile_code(black_box(&code), Form::Inline, &Slot::default()))
        });
    }
}

criterion_group!(benches, micro, parse_failing_late);
criterion_main!(benches);
