//! The property the `expr` fuzz target checks, and `cargo test` replays over its corpus and
//! the conformance cases: any text, parsed, checked and (when it compiles) evaluated in both
//! forms, gives diagnostics and errors that keep their promises — and never a panic.

use gatehouse_diagnostics::{Code, Diagnostic};

use crate::fixture::context_from_json;
use crate::{Form, Limits, Slot, compile_code, evaluate_and_describe};

/// Small limits, so that each fuzz input runs in well under a millisecond and loops hit the
/// limit paths often.
const FUZZ_LIMITS: Limits = Limits {
    max_steps: 20_000,
    max_call_depth: 16,
};

/// Checks `input` (as UTF-8, lossily) as the code of `@( … )` and of `@{ … }`, each evaluated
/// against a fresh context built from `fixture` (JSON, see [`crate::fixture`]), so that what one
/// input writes into a variable or reads from a body cannot change the next one:
///
/// - every diagnostic has a span inside the code, a message in lower case without a final
///   full stop, and a help line;
/// - code compiles only without errors (but GH0120, an exception foreseen), and evaluates to a
///   value or to a runtime error with one of the runtime codes (GH0120–GH0122) and a span
///   inside the code;
/// - no runtime error is an "internal error" (the checker let through code the evaluator
///   cannot run).
pub fn check_expression_input(input: &[u8], fixture: &str) -> Result<(), String> {
    let code = String::from_utf8_lossy(input);
    for form in [Form::Inline, Form::Block] {
        let (compiled, diagnostics) = compile_code(&code, form, &Slot::default());
        for diagnostic in &diagnostics {
            check_diagnostic(diagnostic, code.len())?;
        }
        let Some(compiled) = compiled else {
            continue;
        };
        // GH0120 foresees an exception at run time; it does not stop compiling.
        if let Some(error) = diagnostics
            .iter()
            .find(|d| d.is_error() && d.code != Code::ExpressionException)
        {
            return Err(format!(
                "{form:?}: compiled despite error {}: {}",
                error.code, error.message
            ));
        }
        let context = context_from_json(fixture).map_err(|e| format!("fixture: {e}"))?;
        if let Err(error) = evaluate_and_describe(&compiled, &context, FUZZ_LIMITS) {
            if !matches!(
                error.code,
                Code::ExpressionException | Code::StepLimit | Code::CallDepth
            ) {
                return Err(format!("{form:?}: runtime error with code {}", error.code));
            }
            if error.span.end as usize > code.len() || error.span.start > error.span.end {
                return Err(format!(
                    "{form:?}: runtime error span {:?} outside the code",
                    error.span
                ));
            }
            if error.message.contains("internal error") {
                return Err(format!("{form:?}: {error}"));
            }
        }
    }
    Ok(())
}

fn check_diagnostic(diagnostic: &Diagnostic, len: usize) -> Result<(), String> {
    let in_bounds =
        |span: gatehouse_diagnostics::Span| span.start <= span.end && span.end as usize <= len;
    if !in_bounds(diagnostic.span) || !diagnostic.labels.iter().all(|l| in_bounds(l.span)) {
        return Err(format!(
            "diagnostic {} ({}) has a span {:?} outside the code",
            diagnostic.code, diagnostic.message, diagnostic.span
        ));
    }
    let message = &diagnostic.message;
    if message.is_empty()
        || message.chars().next().is_some_and(char::is_uppercase)
        || message.ends_with('.')
    {
        return Err(format!(
            "diagnostic {} breaks the message style: {message:?}",
            diagnostic.code
        ));
    }
    if diagnostic.help.as_deref().is_none_or(str::is_empty) {
        return Err(format!(
            "diagnostic {} ({message}) has no help line",
            diagnostic.code
        ));
    }
    Ok(())
}
