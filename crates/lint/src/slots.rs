//! What type each expression must produce, from the catalog entry of the attribute it sits
//! in. The expression checker knows C#; only the catalog knows that `calls` is a number.

use std::collections::HashMap;

use gatehouse_diagnostics::Diagnostic;
use gatehouse_expr::Slot;
use gatehouse_expr::document::{ExpressionFacts, ExpressionStats, check_document_with, slot_for};
use gatehouse_expr::types::Type;
use gatehouse_model::catalog::{AttributeSpec, ValueKind};
use gatehouse_model::document::PolicyDocument;
use gatehouse_reader::Document;

/// Checks every expression of `document` against the type its attribute takes in `model`.
/// Element text and attributes the catalog does not describe take any value (conditions
/// excepted, by name).
pub(crate) fn check_expressions(
    document: &Document,
    model: &PolicyDocument,
) -> (ExpressionStats, Vec<Diagnostic>, Vec<ExpressionFacts>) {
    let typed: HashMap<_, _> = model.attribute_expressions().into_iter().collect();
    check_document_with(document, |located| {
        let slot = match typed.get(&located.expression.span) {
            Some(spec) => slot_of(spec),
            None => slot_for(&located.place),
        };
        let element_text = located.place == located.element;
        let written = if element_text {
            WRITTEN_ELEMENTS.contains(&located.place.as_str())
        } else {
            WRITTEN_ATTRIBUTES.contains(&located.place.as_str())
        };
        match slot.expected {
            None if written => Slot::written_as_text(&located.place),
            _ => slot,
        }
    })
}

/// Elements whose text expression becomes text on the wire or in a log: header and query
/// values, URLs, methods, trace messages. (`set-body` is not here: it takes objects too.)
const WRITTEN_ELEMENTS: &[&str] = &["value", "set-url", "set-method", "message"];

/// Attributes whose expression becomes text: URLs, URI templates, cache and counter keys.
const WRITTEN_ATTRIBUTES: &[&str] = &["base-url", "template", "key", "counter-key"];

/// A number or flag may come as text or an `object` (a variable), converted when the policy
/// runs: APIM does not document its rule for such values, so lint does not reject them. A
/// condition must be a `bool`, as the docs and C# require.
/// Where the catalog allows no expression at all (GH0209 says so), the type is not checked
/// too.
fn slot_of(spec: &AttributeSpec) -> Slot {
    let name = spec.name;
    if !spec.expressions {
        return Slot::text(name);
    }
    match spec.kind {
        ValueKind::Boolean if name == "condition" || name.ends_with("-condition") => {
            Slot::typed(name, Type::Bool)
        }
        ValueKind::Boolean => Slot::converted(name, Type::Bool),
        ValueKind::Integer | ValueKind::Seconds => Slot::converted(name, Type::Int64),
        ValueKind::Double => Slot::converted(name, Type::Double),
        ValueKind::Decimal => Slot::converted(name, Type::Decimal),
        ValueKind::String
        | ValueKind::Char
        | ValueKind::Bytes
        | ValueKind::DateTime
        | ValueKind::Any => Slot::text(name),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use gatehouse_diagnostics::Code;

    use crate::{LintOptions, lint};

    /// A policy with `inbound` in its inbound section (on line 2), and the diagnostics of
    /// `code` that lint finds in it.
    fn found(inbound: &str, code: Code) -> (String, Vec<gatehouse_diagnostics::Diagnostic>) {
        let policy = format!(
            "<policies><inbound><base />\n{inbound}</inbound><backend><base /></backend>\
             <outbound><base /></outbound></policies>"
        );
        let linted = lint(
            Path::new("policy.xml"),
            policy.as_bytes(),
            &LintOptions::default(),
        );
        let diagnostics = linted
            .diagnostics
            .into_iter()
            .filter(|d| d.code == code)
            .collect();
        (policy, diagnostics)
    }

    /// The attributes whose expression has the wrong type, in document order.
    fn mistyped(inbound: &str) -> Vec<String> {
        found(inbound, Code::ResultTypeMismatch)
            .1
            .iter()
            .map(|d| d.message.split('`').nth(1).unwrap_or_default().to_owned())
            .collect()
    }

    #[test]
    fn numbers_and_flags_take_their_type_text_or_an_object() {
        let fine = r#"<rate-limit-by-key calls="@(5)" renewal-period="@("60")"
            counter-key="@(context.Request.IpAddress)" />
            <send-request mode="new" response-variable-name="r"
                timeout="@((long)context.Variables["t"])">
                <set-url>https://example.com</set-url><set-method>GET</set-method>
            </send-request>
            <set-variable name="t" value="@(true)" />
            <cache-lookup-value key="k" variable-name="v"
                default-value="@(context.Variables["t"])" />"#;
        assert_eq!(mistyped(fine), Vec::<String>::new());
        let wrong = r#"<rate-limit-by-key calls="@(true)" renewal-period="@(DateTime.UtcNow)"
            counter-key="@(context.Request.IpAddress)" />
            <send-request mode="new" response-variable-name="r"
                timeout="@(context.Request.Body.As<JObject>())">
                <set-url>https://example.com</set-url><set-method>GET</set-method>
            </send-request>"#;
        assert_eq!(mistyped(wrong), ["calls", "renewal-period", "timeout"]);
    }

    #[test]
    fn conditions_take_a_bool_and_nothing_else() {
        let policy = r#"<rate-limit-by-key calls="5" renewal-period="60" counter-key="k"
            increment-condition="@("yes")" />
            <choose><when condition="@(context.Variables["flag"])"><set-variable name="x" value="1" /></when></choose>"#;
        assert_eq!(mistyped(policy), ["increment-condition", "condition"]);
    }

    /// The lines of the places whose collection-typed expression GH0118 reports.
    fn written_as_type_names(inbound: &str) -> Vec<usize> {
        let (policy, diagnostics) = found(inbound, Code::RendersTypeName);
        diagnostics
            .iter()
            .map(|d| {
                policy
                    .get(..d.span.start as usize)
                    .unwrap_or_default()
                    .lines()
                    .count()
            })
            .collect()
    }

    #[test]
    fn collections_written_as_text_are_reported_where_text_is_written() {
        let policy = r#"<set-header name="A" exists-action="override"><value>@(context.Request.Headers["X"])</value></set-header>
<set-query-parameter name="q" exists-action="override"><value>@(context.Request.Url.Query.Keys.Where(k => k != "a"))</value></set-query-parameter>
<rate-limit-by-key calls="5" renewal-period="60" counter-key="@(context.Request.Headers["X"])" />
<set-variable name="kept-as-an-array" value="@(context.Request.Headers["X"])" />
<set-body>@(context.Request.Headers["X"])</set-body>
<set-header name="B" exists-action="override"><value>@(string.Join(",", context.Request.Headers["X"]))</value></set-header>
"#;
        assert_eq!(written_as_type_names(policy), [2, 3, 4]);
    }
}
