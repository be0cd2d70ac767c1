//! GH0278: comparisons of `context.LastError.Source` or `.Reason` with text APIM never puts
//! there, so the `on-error` branch they guard never runs.
//!
//! `Source` "names the element where the error occurred … either policy or a built-in pipeline
//! step name" (api-management-error-handling-policies.md), and both are compared as C#
//! strings, case and all. Only what is certainly wrong is reported: a backend's name or a
//! policy's `id` given as the source (the `id` is what `PolicyId` holds), and a policy,
//! step or documented reason written in the wrong case. A source that is none of these may be
//! a pipeline step the page does not list, and is left alone.

use std::collections::BTreeSet;

use gatehouse_diagnostics::{Code, Diagnostic, Span};
use gatehouse_model::PolicyDocument;
use gatehouse_model::catalog::POLICIES;
use gatehouse_reader::Document;

use crate::rules::{code_span, scanned_expressions};
use crate::variables::blank_comments;

/// The built-in pipeline steps the page names as sources.
const STEPS: &[&str] = &["configuration", "authorization"];

/// The reasons the page lists, for built-in steps and for policies.
const REASONS: &[&str] = &[
    "OperationNotFound",
    "SubscriptionKeyNotFound",
    "SubscriptionKeyInvalid",
    "ClientConnectionFailure",
    "BackendConnectionFailure",
    "ExpressionValueEvaluationFailure",
    "RateLimitExceeded",
    "QuotaExceeded",
    "CallbackParameterInvalid",
    "FailedToParseCallerIP",
    "CallerIpNotAllowed",
    "CallerIpBlocked",
    "HeaderNotFound",
    "HeaderValueNotAllowed",
    "TokenNotPresent",
    "TokenSignatureInvalid",
    "TokenAudienceNotAllowed",
    "TokenIssuerNotAllowed",
    "TokenExpired",
    "TokenSignatureKeyNotFound",
    "TokenClaimNotFound",
    "TokenClaimValueNotAllowed",
    "JwtInvalid",
    "Timeout",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Property {
    Source,
    Reason,
}

impl Property {
    fn name(self) -> &'static str {
        match self {
            Property::Source => "Source",
            Property::Reason => "Reason",
        }
    }
}

/// One comparison found in code: the property, the compared text, and where the literal
/// (with its quotes) is in the code.
struct Comparison {
    property: Property,
    text: String,
    start: usize,
    end: usize,
}

pub(crate) fn check(
    document: &Document,
    model: &PolicyDocument,
    broken: &[Span],
    out: &mut Vec<Diagnostic>,
) {
    // Most expressions never mention `LastError`: they are skipped before their comments are
    // blanked, and the document's ids and backends are collected only once one does.
    let found: Vec<_> = scanned_expressions(document, broken)
        .filter(|expression| expression.code(document).contains("LastError"))
        .flat_map(|expression| {
            comparisons(&blank_comments(expression.code(document)))
                .into_iter()
                .map(move |comparison| (expression, comparison))
        })
        .collect();
    if found.is_empty() {
        return;
    }
    let mut ids = BTreeSet::new();
    let mut backends = BTreeSet::new();
    for policy in model.policies() {
        if let Some(id) = policy.literal("id") {
            ids.insert(id.trim().to_owned());
        }
        if let Some(backend) = policy.literal("backend-id") {
            backends.insert(backend.trim().to_owned());
        }
    }
    for (expression, comparison) in found {
        if let Some((message, help)) = judge(&comparison, &ids, &backends) {
            let span = code_span(expression, comparison.start, comparison.end);
            out.push(Diagnostic::new(Code::LastErrorNeverMatches, span, message).with_help(help));
        }
    }
}

fn judge(
    comparison: &Comparison,
    ids: &BTreeSet<String>,
    backends: &BTreeSet<String>,
) -> Option<(String, String)> {
    let text = comparison.text.as_str();
    let property = comparison.property.name();
    let never = format!("so `context.LastError.{property}` never equals it");
    match comparison.property {
        Property::Source => {
            let known = || {
                POLICIES
                    .iter()
                    .map(|p| p.element)
                    .chain(STEPS.iter().copied())
            };
            if known().any(|name| name == text) {
                return None;
            }
            if let Some(name) = known().find(|name| name.eq_ignore_ascii_case(text)) {
                return Some((
                    format!("`{text}` is `{name}` in another case, {never}"),
                    format!("write `\"{name}\"`: the names are compared case and all"),
                ));
            }
            if ids.contains(text) {
                return Some((
                    format!("`{text}` is a policy's `id`, {never}: `Source` names the policy"),
                    format!(
                        "compare `context.LastError.PolicyId == \"{text}\"`, which holds the `id` of the policy that failed"
                    ),
                ));
            }
            if backends.contains(text) {
                return Some((
                    format!("`{text}` is a backend's name, {never}: `Source` names the policy that failed"),
                    "a failed backend call has the source `forward-request`; to tell backends apart, keep the chosen backend in a variable, or give the policy an `id` and compare `context.LastError.PolicyId`".to_owned(),
                ));
            }
            None
        }
        Property::Reason => {
            if REASONS.contains(&text) {
                return None;
            }
            let reason = REASONS.iter().find(|r| r.eq_ignore_ascii_case(text))?;
            Some((
                format!("`{text}` is the reason `{reason}` in another case, {never}"),
                format!("write `\"{reason}\"`: reasons are compared case and all"),
            ))
        }
    }
}

/// `LastError.Source == "x"`, `LastError?.Reason != "x"`, `"x" == context.LastError.Source`
/// and `LastError.Source.Equals("x")` in code whose comments are blanked.
fn comparisons(code: &str) -> Vec<Comparison> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = code.get(from..).and_then(|rest| rest.find("LastError")) {
        let start = from + at;
        from = start + "LastError".len();
        let Some((property, after)) = property_after(code, from) else {
            continue;
        };
        // After: `== "x"`, `!= "x"` or `.Equals("x")`.
        let rest = code.get(after..).unwrap_or_default();
        let trimmed = rest.trim_start();
        let skipped = after + rest.len() - trimmed.len();
        let literal_at =
            if let Some(operator) = ["==", "!="].iter().find(|op| trimmed.starts_with(**op)) {
                let past = skipped + operator.len();
                let tail = code.get(past..).unwrap_or_default();
                Some(past + tail.len() - tail.trim_start().len())
            } else if trimmed.starts_with(".Equals(") {
                Some(skipped + ".Equals(".len())
            } else {
                None
            };
        if let Some(comparison) = literal_at.and_then(|at| string_literal(code, at, property)) {
            found.push(comparison);
            continue;
        }
        // Before: `"x" == context.LastError.Source`.
        if let Some(comparison) = literal_before(code, start, property) {
            found.push(comparison);
        }
    }
    found
}

/// `.Source` or `?.Source` (and `Reason`) right after `LastError`, and the offset past it.
fn property_after(code: &str, at: usize) -> Option<(Property, usize)> {
    let rest = code.get(at..)?;
    let rest_after_dot = rest.strip_prefix("?.").or_else(|| rest.strip_prefix('.'))?;
    let dot_len = rest.len() - rest_after_dot.len();
    for (name, property) in [("Source", Property::Source), ("Reason", Property::Reason)] {
        if let Some(after) = rest_after_dot.strip_prefix(name)
            && !after.starts_with(|c: char| c.is_alphanumeric() || c == '_')
        {
            return Some((property, at + dot_len + name.len()));
        }
    }
    None
}

/// A regular string literal without escapes starting at `at`.
fn string_literal(code: &str, at: usize, property: Property) -> Option<Comparison> {
    let rest = code.get(at..)?.strip_prefix('"')?;
    let close = rest.find(['"', '\\', '\n'])?;
    if rest.get(close..)?.starts_with('"') {
        Some(Comparison {
            property,
            text: rest.get(..close)?.to_owned(),
            start: at,
            end: at + close + 2,
        })
    } else {
        None
    }
}

/// `"x" == context.LastError` (or `!=`) ending at `last_error`, the offset of `LastError`.
fn literal_before(code: &str, last_error: usize, property: Property) -> Option<Comparison> {
    let before = code.get(..last_error)?;
    let before = before
        .strip_suffix("context.")
        .or_else(|| before.strip_suffix("context?."))?
        .trim_end();
    let before = before
        .strip_suffix("==")
        .or_else(|| before.strip_suffix("!="))?
        .trim_end();
    let inner = before.strip_suffix('"')?;
    let open = inner.rfind(['"', '\\', '\n'])?;
    if !inner.get(open..)?.starts_with('"') || inner.get(..open)?.ends_with('@') {
        return None;
    }
    string_literal(code, open, property)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(code: &str) -> Vec<(&'static str, String)> {
        comparisons(code)
            .into_iter()
            .map(|c| (c.property.name(), c.text))
            .collect()
    }

    #[test]
    fn finds_each_form_of_comparison() {
        assert_eq!(
            found(r#"context.LastError.Source == "aisearch-backend""#),
            [("Source", "aisearch-backend".to_owned())]
        );
        assert_eq!(
            found(r#"context.LastError?.Reason!="timeout" && x"#),
            [("Reason", "timeout".to_owned())]
        );
        assert_eq!(
            found(r#""validate-jwt" == context.LastError.Source"#),
            [("Source", "validate-jwt".to_owned())]
        );
        assert_eq!(
            found(r#"context.LastError.Source.Equals("rate-limit")"#),
            [("Source", "rate-limit".to_owned())]
        );
        // Other properties, other receivers and computed text are not comparisons with a name.
        assert!(found(r#"context.LastError.Message == "x""#).is_empty());
        assert!(found(r#"context.LastError.SourceX == "x""#).is_empty());
        assert!(found(r#"context.LastError.Source == name"#).is_empty());
        assert!(found(r#"context.LastError.Source == "a\"b""#).is_empty());
    }
}
