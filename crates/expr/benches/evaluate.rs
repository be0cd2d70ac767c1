//! Evaluation speed of compiled expressions.
//!
//! `cargo bench -p gatehouse-expr --bench evaluate`. Criterion prints the median time as the
//! middle of the three `time` figures. Targets (release, one core):
//!
//! - `header_lookup` (`context.Request.Headers.GetValueOrDefault("X-Id", "")`): < 150 ns;
//! - `linq_block` (a 10-line `@{ … }` with a LINQ query over a small `JObject`): < 5 µs;
//! - `endless_loop` (`@{ while (true) {} return 1; }` until the step limit): < 50 ms.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use gatehouse_expr::context::Context;
use gatehouse_expr::fixture::context_from_json;
use gatehouse_expr::{Compiled, Form, Limits, Slot, compile_code, evaluate};

fn compile(code: &str, form: Form) -> Compiled {
    let (compiled, diagnostics) = compile_code(code, form, &Slot::default());
    compiled.unwrap_or_else(|| panic!("{code}: {diagnostics:#?}"))
}

fn context() -> Context {
    context_from_json(
        r#"{
          "request": {
            "method": "GET",
            "url": "https://api.contoso.com/orders/42?expand=lines",
            "headers": {
              "Accept": ["application/json"], "Accept-Encoding": ["gzip"], "Authorization": ["Bearer abc"],
              "Host": ["api.contoso.com"], "User-Agent": ["bench"], "X-Forwarded-For": ["203.0.113.7"],
              "X-Id": ["req-7f3a"], "X-Tenant": ["contoso"], "Traceparent": ["00-abc-def-01"], "Cookie": ["a=1"]
            }
          },
          "variables": {
            "order": { "type": "JObject", "value": {
              "id": 42, "customer": "ada",
              "lines": [
                { "sku": "A-1", "qty": 2, "price": 9.5 },
                { "sku": "B-2", "qty": 1, "price": 20 },
                { "sku": "C-3", "qty": 5, "price": 1.25 },
                { "sku": "D-4", "qty": 3, "price": 4 }
              ]
            } }
          }
        }"#,
    )
    .expect("bench fixture")
}

fn header_lookup(c: &mut Criterion) {
    let compiled = compile(
        r#"context.Request.Headers.GetValueOrDefault("X-Id","")"#,
        Form::Inline,
    );
    let context = context();
    c.bench_function("header_lookup", |b| {
        b.iter(|| evaluate(black_box(&compiled), black_box(&context), Limits::default()).unwrap())
    });
}

fn linq_block(c: &mut Criterion) {
    let compiled = compile(
        r#"
        var order = (JObject)context.Variables["order"];
        var lines = order["lines"]
            .Where(line => (int)line["qty"] > 1)
            .Select(line => new { Sku = (string)line["sku"], Total = (int)line["qty"] * (double)line["price"] })
            .OrderByDescending(line => line.Total)
            .ToList();
        var total = lines.Sum(line => line.Total);
        var skus = string.Join(",", lines.Select(line => line.Sku));
        return $"{order["customer"]}:{skus}:{total}";
        "#,
        Form::Block,
    );
    let context = context();
    let value = evaluate(&compiled, &context, Limits::default()).unwrap();
    assert_eq!(gatehouse_expr::display(&value), "ada:A-1,D-4,C-3:37.25");
    c.bench_function("linq_block", |b| {
        b.iter(|| evaluate(black_box(&compiled), black_box(&context), Limits::default()).unwrap())
    });
}

fn endless_loop(c: &mut Criterion) {
    let compiled = compile("while (true) {} return 1;", Form::Block);
    let context = Context::default();
    let mut group = c.benchmark_group("endless_loop");
    group.sample_size(20);
    group.bench_function("until_step_limit", |b| {
        b.iter(|| {
            evaluate(black_box(&compiled), black_box(&context), Limits::default()).unwrap_err()
        })
    });
    group.finish();
}

criterion_group!(benches, header_lookup, linq_block, endless_loop);
criterion_main!(benches);
