//! Evaluation of constructs the C# oracle cannot run (Mono's `mcs` does not implement local
//! functions, type patterns or `when` in `switch`, `is null` or `is` an enum member), and the
//! limits.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use gatehouse_diagnostics::Code;
use gatehouse_expr::context::Context;
use gatehouse_expr::{Form, Limits, Slot, compile_code, evaluate_and_describe};

fn run(code: &str) -> String {
    let (compiled, diagnostics) = compile_code(code, Form::Block, &Slot::default());
    let compiled = compiled.unwrap_or_else(|| panic!("{code}\n{diagnostics:#?}"));
    match evaluate_and_describe(&compiled, &Context::default(), Limits::default()) {
        Ok(text) => text,
        Err(error) => format!(
            "!{}",
            error
                .exception
                .unwrap_or_else(|| error.code.info().name.to_owned())
        ),
    }
}

#[test]
fn local_functions() {
    assert_eq!(
        run("int Square(int x) { return x * x; } return Square(4) + Square(5);"),
        "int 41"
    );
    assert_eq!(
        run("string Greet(string name) => \"hi \" + name; return Greet(\"ada\");"),
        "string \"hi ada\""
    );
    assert_eq!(
        run("int Fact(int n) { return n <= 1 ? 1 : n * Fact(n - 1); } return Fact(10);"),
        "int 3628800"
    );
    assert_eq!(
        run("var result = Twice(21); int Twice(int x) => x * 2; return result;"),
        "int 42"
    );
    assert_eq!(
        run(
            "var count = 0; var text = \"\"; void Add(string s) { count++; text += s; } Add(\"a\"); Add(\"b\"); return count + text;"
        ),
        "string \"2ab\""
    );
    // A local function may use a variable declared after it, if it is assigned before the call.
    assert_eq!(
        run("void Set() { status = 207; } int status = 200; Set(); return status;"),
        "int 207"
    );
    // Mutual recursion.
    assert_eq!(
        run(
            "bool Even(int n) => n == 0 || Odd(n - 1); bool Odd(int n) => n != 0 && Even(n - 1); return Even(10) + \"|\" + Odd(7);"
        ),
        "string \"True|True\""
    );
}

#[test]
fn switch_with_type_patterns_and_null() {
    let code = "object v = context.Variables.ContainsKey(\"x\") ? (object)1 : 2.5;
        switch (v) {
            case int i: return \"int \" + i;
            case double d when d < 1: return \"small \" + d;
            case double d: return \"double \" + d;
            default: return \"other\";
        }";
    assert_eq!(run(code), "string \"double 2.5\"");
    assert_eq!(run("string s = null; return s is null;"), "bool True");
    assert_eq!(run("object o = 5; return o is 5;"), "bool True");
}

/// `case JTokenType.Object:` is a constant pattern (an enum member), while `case System.String s:`
/// is a type pattern: C# binds a dotted name as a value first. Read as types, the enum members
/// `Object` and `String` matched every object and every string.
#[test]
fn dotted_names_in_patterns_are_members_when_their_qualifier_is_a_type() {
    let code = "var token = JToken.Parse(\"42\");
        switch (token.Type) {
            case JTokenType.Object: return \"object\";
            case JTokenType.Integer when (int)token > 100: return \"big\";
            case JTokenType.Integer: return \"small\";
            default: return \"other\";
        }";
    assert_eq!(run(code), "string \"small\"");
    assert_eq!(
        run("return JToken.Parse(\"[]\").Type is JTokenType.Array;"),
        "bool True"
    );
    assert_eq!(
        run("return JToken.Parse(\"{}\").Type is Newtonsoft.Json.Linq.JTokenType.Array;"),
        "bool False"
    );
    let code = "object value = \"text\";
        switch (value) {
            case System.Int32 n: return \"int \" + n;
            case System.String s: return \"string \" + s;
            default: return \"other\";
        }";
    assert_eq!(run(code), "string \"string text\"");
    assert_eq!(
        run("object o = \"s\"; return o is System.String;"),
        "bool True"
    );
}

#[test]
fn the_step_budget_stops_endless_loops() {
    for code in [
        "while (true) {} return 1;",
        "for (;;) {} return 1;",
        "var i = 0; while (i >= 0) { i = i + 1 - 1; } return i;",
        // A catch clause cannot swallow the limit.
        "try { while (true) {} } catch (Exception) { return 2; } return 1;",
        // Nor can a lazy query hide the work.
        "return Enumerable.Range(0, int.MaxValue).Count();",
    ] {
        assert_eq!(run(code), "!step-limit", "{code}");
    }
}

#[test]
fn allocation_costs_steps() {
    assert_eq!(
        run("return new string('x', 100000000).Length;"),
        "!step-limit"
    );
    assert_eq!(
        run("var s = \"x\"; for (var i = 0; i < 40; i++) { s += s; } return s.Length;"),
        "!step-limit"
    );
    assert_eq!(
        run("return \"x\".PadLeft(200000000).Length;"),
        "!step-limit"
    );
    assert_eq!(run("return new byte[1000000000].Length;"), "!step-limit");
}

#[test]
fn recursion_depth_is_limited() {
    assert_eq!(
        run("int F(int n) => F(n + 1); return F(0);"),
        "!call-depth-limit"
    );
    assert_eq!(
        run("Func<int, int> f = null; f = n => f(n + 1); return f(0);"),
        "!call-depth-limit"
    );
    // Within the limit, recursion works.
    assert_eq!(
        run("int F(int n) => n == 0 ? 0 : 1 + F(n - 1); return F(60);"),
        "int 60"
    );
}

#[test]
fn limits_are_configurable() {
    let (compiled, _) = compile_code(
        "var n = 0; for (var i = 0; i < 1000; i++) { n++; } return n;",
        Form::Block,
        &Slot::default(),
    );
    let compiled = compiled.unwrap();
    let tight = Limits {
        max_steps: 100,
        max_call_depth: 64,
    };
    let error = gatehouse_expr::evaluate(&compiled, &Context::default(), tight).unwrap_err();
    assert_eq!(error.code, Code::StepLimit);
    let value =
        gatehouse_expr::evaluate(&compiled, &Context::default(), Limits::default()).unwrap();
    assert_eq!(gatehouse_expr::display(&value), "1000");
}

#[test]
fn ten_thousand_nested_parentheses_are_an_error_not_a_crash() {
    let code = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
    let (compiled, diagnostics) = compile_code(&code, Form::Inline, &Slot::default());
    assert!(compiled.is_none());
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].code, Code::ExpressionTooDeep);
    // The same for deeply nested lambdas, unary operators and conditionals.
    for code in [
        format!("{}1", "-".repeat(10_000)),
        format!("{}1{}", "new[]{".repeat(5_000), "}".repeat(5_000)),
        format!("{}1", "true ? 1 : ".repeat(10_000)),
    ] {
        let (compiled, diagnostics) = compile_code(&code, Form::Inline, &Slot::default());
        assert!(compiled.is_none());
        assert!(diagnostics.iter().all(|d| d.is_error()), "{diagnostics:?}");
    }
}

#[test]
fn evaluation_is_deterministic_and_shares_nothing_between_runs() {
    let (compiled, _) = compile_code(
        "var list = new List<int>(); list.Add(1); return list.Count;",
        Form::Block,
        &Slot::default(),
    );
    let compiled = compiled.unwrap();
    for _ in 0..3 {
        let value =
            gatehouse_expr::evaluate(&compiled, &Context::default(), Limits::default()).unwrap();
        assert_eq!(gatehouse_expr::display(&value), "1");
    }
}

#[test]
#[ignore = "diagnostic: prints how many steps the benchmark's LINQ block takes"]
fn linq_block_steps() {
    let code = r#"
        var order = JObject.Parse("{\"id\": 42, \"customer\": \"ada\", \"lines\": [{\"sku\": \"A-1\", \"qty\": 2, \"price\": 9.5}, {\"sku\": \"B-2\", \"qty\": 1, \"price\": 20}, {\"sku\": \"C-3\", \"qty\": 5, \"price\": 1.25}, {\"sku\": \"D-4\", \"qty\": 3, \"price\": 4}]}");
        var lines = order["lines"]
            .Where(line => (int)line["qty"] > 1)
            .Select(line => new { Sku = (string)line["sku"], Total = (int)line["qty"] * (double)line["price"] })
            .OrderByDescending(line => line.Total)
            .ToList();
        var total = lines.Sum(line => line.Total);
        var skus = string.Join(",", lines.Select(line => line.Sku));
        return $"{order["customer"]}:{skus}:{total}";"#;
    let (compiled, _) = compile_code(code, Form::Block, &Slot::default());
    let compiled = compiled.unwrap();
    let context = Context::default();
    let mut cx = gatehouse_expr::eval::Cx::new(&context, Limits::default());
    cx.run(&compiled.function).unwrap();
    eprintln!("steps: {}", cx.steps());
}

/// `context.Deployment.Certificates` exists (APIM documents it), and is empty until the gateway
/// has a certificate store: a lookup fails as APIM's does for a thumbprint it does not hold.
#[test]
fn deployment_certificates_are_an_empty_dictionary() {
    assert_eq!(
        run("return context.Deployment.Certificates.Count;"),
        "int 0"
    );
    assert_eq!(
        run("return context.Deployment.Certificates.ContainsKey(\"AB12\");"),
        "bool False"
    );
    assert_eq!(
        run("return context.Deployment.Certificates[\"AB12\"] == null;"),
        "!System.Collections.Generic.KeyNotFoundException"
    );
}
