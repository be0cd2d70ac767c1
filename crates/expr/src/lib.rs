//! APIM policy expressions: static checking with C#'s types and compilation to an IR, and an
//! evaluator over the APIM `context` object.
//!
//! ```text
//! code ──parse (gatehouse-expr-syntax)──▶ AST ──check──▶ Compiled (IR) ──evaluate(context)──▶ Value
//! ```
//!
//! A policy's expressions are compiled once, when the document loads; each request only
//! evaluates. Evaluation is bounded ([`Limits`]) and cannot panic; .NET exceptions come back as
//! [`EvalError`]s with the exception's type, which the pipeline turns into `context.LastError`.
//!
//! ```
//! use gatehouse_expr::{compile_code, evaluate, Form, Limits, Slot, context::Context};
//! let (compiled, diagnostics) = compile_code(r#"@("a,b".Split(',').Length + 1)"#.trim_start_matches("@(").trim_end_matches(')'), Form::Inline, &Slot::default());
//! assert!(diagnostics.is_empty());
//! let value = evaluate(&compiled.unwrap(), &Context::default(), Limits::default()).unwrap();
//! assert_eq!(gatehouse_expr::display(&value), "3");
//! ```

pub mod check;
pub mod context;
mod cycles;
mod describe;
pub mod document;
pub mod eval;
pub mod fixture;
pub mod invariants;
pub mod ir;
pub mod json;
pub mod library;
pub mod net;
pub mod types;
pub mod value;
pub mod xml;

use gatehouse_diagnostics::{Code, Diagnostic, Span};
pub use gatehouse_expr_syntax::{Form, SyntaxLimits};

pub use crate::check::{Compiled, Slot};
pub use crate::eval::Limits;
use crate::eval::{Cx, FaultKind};
pub use crate::value::Value;

/// Parses and checks `code` (the text inside `@( … )` or `@{ … }`). Diagnostics' spans are
/// relative to `code`. Returns compiled code only when there are no errors and nothing that
/// Gatehouse cannot evaluate.
pub fn compile_code(code: &str, form: Form, slot: &Slot) -> (Option<Compiled>, Vec<Diagnostic>) {
    match gatehouse_expr_syntax::parse(code, form, &SyntaxLimits::default()) {
        Ok(body) => compile_body(&body, slot),
        Err(diagnostic) => (None, vec![diagnostic]),
    }
}

/// Checks and compiles a parsed expression (see [`compile_code`]).
pub fn compile_body(
    body: &gatehouse_expr_syntax::ast::Body,
    slot: &Slot,
) -> (Option<Compiled>, Vec<Diagnostic>) {
    let (compiled, diagnostics, _) = compile_body_with_facts(body, slot);
    (compiled, diagnostics)
}

/// [`compile_body`], and what the checker learnt on the way (also when there are errors).
pub fn compile_body_with_facts(
    body: &gatehouse_expr_syntax::ast::Body,
    slot: &Slot,
) -> (Option<Compiled>, Vec<Diagnostic>, check::Facts) {
    let (compiled, diagnostics, facts) = check::compile_with_facts(body, slot);
    let evaluable = !diagnostics.iter().any(|d| d.code == Code::NotImplemented);
    (compiled.filter(|_| evaluable), diagnostics, facts)
}

/// Replaces `{{name}}` references with named values' text, as APIM does before it parses an
/// expression. Unknown names are left in place (the checker treats them as opaque values).
pub fn substitute_named_values(code: &str, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(start) = rest.find("{{") {
        let Some(length) = rest.get(start + 2..).and_then(|tail| tail.find("}}")) else {
            break;
        };
        let name = rest.get(start + 2..start + 2 + length).unwrap_or_default();
        out.push_str(rest.get(..start).unwrap_or_default());
        match lookup(name.trim()) {
            Some(value) => out.push_str(&value),
            None => out.push_str(rest.get(start..start + 4 + length).unwrap_or_default()),
        }
        rest = rest.get(start + 4 + length..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// Why an evaluation failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalError {
    /// `GH0120` (an exception), `GH0121` (step budget) or `GH0122` (call depth).
    pub code: Code,
    /// The .NET exception's full type name (`System.NullReferenceException`), if it was one.
    pub exception: Option<String>,
    pub message: String,
    /// Where in the code it happened.
    pub span: Span,
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.exception {
            Some(exception) => write!(f, "{exception}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Evaluates compiled code against one request's context.
///
/// Reference cycles the code made are freed before this returns, except those the result
/// itself is part of (`var l = new List<object>(); l.Add(l); return l;`), which are kept for
/// the caller and then never freed. Callers that keep only a converted result (a string, a
/// bool) use [`evaluate_with`], which frees those too.
pub fn evaluate(
    compiled: &Compiled,
    context: &context::Context,
    limits: Limits,
) -> Result<Value, EvalError> {
    let mut cx = Cx::new(context, limits);
    let result = cx.run(&compiled.function).map_err(eval_error);
    cx.collect_cycles();
    result
}

/// Evaluates, hands the result to `convert`, then frees every reference cycle the evaluation
/// made, the result's included.
pub fn evaluate_with<T>(
    compiled: &Compiled,
    context: &context::Context,
    limits: Limits,
    convert: impl FnOnce(Value) -> T,
) -> Result<T, EvalError> {
    let mut cx = Cx::new(context, limits);
    let result = cx.run(&compiled.function).map(convert);
    cx.collect_cycles();
    result.map_err(eval_error)
}

/// Evaluates, then describes the result with its type (`int 3`, `seq [string "a"]`), as the C#
/// oracle prints it; lazy sequences are enumerated, so their exceptions are the result too.
pub fn evaluate_and_describe(
    compiled: &Compiled,
    context: &context::Context,
    limits: Limits,
) -> Result<String, EvalError> {
    let mut cx = Cx::new(context, limits);
    let described = match cx.run(&compiled.function) {
        Ok(value) => describe::describe(&mut cx, &value),
        Err(fault) => Err(fault),
    };
    cx.collect_cycles();
    described.map_err(eval_error)
}

fn eval_error(fault: eval::Fault) -> EvalError {
    match *fault.0 {
        FaultKind::Exception(exception) => EvalError {
            code: Code::ExpressionException,
            exception: Some(format!(
                "{}.{}",
                exception.class.namespace(),
                exception.class.name()
            )),
            message: exception.message,
            span: exception.span,
        },
        FaultKind::StepLimit { span, limit } => EvalError {
            code: Code::StepLimit,
            exception: None,
            message: format!("the expression used up its budget of {limit} steps"),
            span,
        },
        FaultKind::CallDepth { span, limit } => EvalError {
            code: Code::CallDepth,
            exception: None,
            message: format!("calls nested more than {limit} deep"),
            span,
        },
        FaultKind::NullChain => EvalError {
            code: Code::ExpressionException,
            exception: Some("System.InvalidOperationException".to_owned()),
            message: "internal error in gatehouse: a `?.` chain escaped its expression".to_owned(),
            span: Span::default(),
        },
    }
}

/// `value.ToString()`, as a policy that writes the value into text uses it (`null` is empty).
pub fn display(value: &Value) -> String {
    library::to_display_string(value)
}
