//! Reference cycles made by expressions are freed when the evaluation ends, and values nested
//! deeper than the stack could drop recursively are dropped without overflowing it.
//!
//! A counting allocator (`stats_alloc`, in this test binary only) measures the bytes still allocated after many
//! evaluations: a leak of even one small object per evaluation shows as growth.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use gatehouse_expr::context::Context;
use gatehouse_expr::{
    Form, Limits, Slot, compile_code, display, evaluate_and_describe, evaluate_with,
};
use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};

#[global_allocator]
static ALLOCATOR: &StatsAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

fn live_bytes() -> isize {
    let stats = ALLOCATOR.stats();
    // `realloc` is counted in both totals already.
    stats.bytes_allocated as isize - stats.bytes_deallocated as isize
}

/// Bytes still allocated after evaluating (and describing, and converting to text) `code` `runs` times, beyond what the first run left
/// (lazily initialised statics).
fn growth(code: &str, runs: usize) -> isize {
    let (compiled, diagnostics) = compile_code(code, Form::Block, &Slot::default());
    let compiled = compiled.unwrap_or_else(|| panic!("{code}: {diagnostics:#?}"));
    let context = Context::default();
    let _ = evaluate_and_describe(&compiled, &context, Limits::default());
    let _ = evaluate_with(&compiled, &context, Limits::default(), |v| display(&v));
    let before = live_bytes();
    for _ in 0..runs {
        let _ = evaluate_and_describe(&compiled, &context, Limits::default());
        let _ = evaluate_with(&compiled, &context, Limits::default(), |v| display(&v));
    }
    live_bytes() - before
}

// One test function: the allocator counts every thread, so cases must not run concurrently.
#[test]
fn cycles_are_freed_and_deep_values_drop() {
    let cases = [
        ("baseline", "var n = 1; return n;"),
        ("local function", "int F(int k) { return k; } return F(5);"),
        (
            "lambda in a local",
            "Func<int, int> f = k => k; return f(5);",
        ),
        (
            "lambda in a local capturing",
            "var n = 1; Func<int, int> f = k => k + n; return f(5);",
        ),
        (
            "leaf lambda",
            "return new[] { 1, 2, 3 }.Select(x => x + 1).Sum();",
        ),
        (
            "capturing lambda, no cycle",
            "var n = 1; return new[] { 1, 2, 3 }.Select(x => x + n).Sum();",
        ),
        (
            "query captures its own frame",
            "var n = 1; var list = new List<int> { 1, 2 }; var query = list.Where(x => x > n); list.Add(3); return query.Count();",
        ),
        (
            "list contains itself",
            "var list = new List<object>(); list.Add(list); return list.Count;",
        ),
        (
            "dictionary contains itself",
            "var d = new Dictionary<string, object>(); d[\"me\"] = d; return d.Count;",
        ),
        (
            "array contains itself",
            "var a = new object[1]; a[0] = a; return a.Length;",
        ),
        (
            "two lists hold each other",
            "var a = new List<object>(); var b = new List<object> { a }; a.Add(b); return a.Count + b.Count;",
        ),
        (
            "closure stored in the list it reads",
            "var fs = new List<Func<int>>(); fs.Add(() => fs.Count); return fs[0]();",
        ),
        (
            "recursive local function",
            "int F(int k) { return k == 0 ? 0 : F(k - 1) + 1; } return F(5);",
        ),
        (
            "lambda in a lambda captures a parameter",
            "return new[] { 1, 2, 3 }.Select(x => new[] { x }.Select(y => y + x).Sum()).Sum();",
        ),
        (
            "returned lazy query over a captured list",
            "var list = new List<object>(); list.Add(list); var q = list.Where(x => x != null); return q;",
        ),
    ];
    let mut failures = Vec::new();
    for (name, code) in cases {
        let grown = growth(code, 200);
        // 200 runs: a leak of one 32-byte object per run is 6,400 bytes.
        if grown > 1024 {
            failures.push(format!("{name}: {grown} bytes more after 200 runs"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // Structures 100,000 deep, which a loop can build within the step budget: building,
    // reading, rendering and dropping them must not overflow a gateway worker's stack (2 MiB).
    let deep_cases = [
        (
            "nested lists",
            "var head = new List<object>(); for (var i = 0; i < 100000; i++) { head = new List<object> { head }; } return head.Count;",
            "int 1",
        ),
        (
            "nested anonymous objects, rendered",
            "object head = null; for (var i = 0; i < 100000; i++) { head = new { Next = head }; } return head.ToString().Length;",
            "int 1100000",
        ),
        (
            "nested queries, enumerated",
            "IEnumerable<int> q = new[] { 1, 2, 3 }; for (var i = 0; i < 30000; i++) { q = q.Where(x => x > 1); } return q.Count();",
            "int 2",
        ),
        (
            "nested JSON, written",
            "var head = new JObject(); for (var i = 0; i < 100000; i++) { var next = new JObject(); next[\"c\"] = head; head = next; } return head.ToString(Formatting.None).Length;",
            "int 600002",
        ),
        (
            "nested lists to JSON",
            "var head = new List<object>(); for (var i = 0; i < 50000; i++) { head = new List<object> { head }; } return JToken.FromObject(head).Type.ToString();",
            "string \"Array\"",
        ),
        (
            "list containing itself to JSON",
            "var list = new List<object>(); list.Add(list); return JToken.FromObject(list).ToString();",
            "!JsonSerializationException",
        ),
        // Indented, 20,000 deep is 400 MB of text: the budget stops it before it is written.
        (
            "nested JSON, indented",
            "var head = new JObject(); for (var i = 0; i < 20000; i++) { var next = new JObject(); next[\"c\"] = head; head = next; } return head.ToString().Length;",
            "!GH0121",
        ),
    ];
    for (name, code, expected) in deep_cases {
        let handle = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || {
                let (compiled, diagnostics) = compile_code(code, Form::Block, &Slot::default());
                let compiled = compiled.unwrap_or_else(|| panic!("{code}: {diagnostics:#?}"));
                let limits = if expected == "!GH0121" {
                    Limits::default()
                } else {
                    Limits {
                        max_steps: 10_000_000,
                        ..Limits::default()
                    }
                };
                match evaluate_and_describe(&compiled, &Context::default(), limits) {
                    Ok(described) => described,
                    Err(error) if error.code == gatehouse_diagnostics::Code::StepLimit => {
                        "!GH0121".to_owned()
                    }
                    Err(error) => format!(
                        "!{}",
                        error
                            .exception
                            .unwrap_or_default()
                            .rsplit('.')
                            .next()
                            .unwrap_or_default()
                    ),
                }
            })
            .unwrap();
        let result = handle.join().unwrap_or_else(|_| panic!("{name}: panicked"));
        assert_eq!(result, expected, "{name}");
    }
}
