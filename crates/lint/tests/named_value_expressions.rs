//! A named value may hold a policy expression (api-management-howto-properties.md: "Named
//! values can also contain policy expressions"). Where a value is only `{{name}}`, APIM
//! substitutes the expression and runs it, so lint checks it and reports at the reference.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::Path;

use gatehouse_diagnostics::{Code, LineIndex};
use gatehouse_lint::{LintOptions, lint};
use gatehouse_model::{NamedValue, NamedValues};

fn named_values() -> NamedValues {
    let mut set = NamedValues::default();
    for (name, value, secret) in [
        ("stamp", "@(DateTime.UtcNow.ToString(\"o\"))", false),
        ("broken", "@(DateTime.Nwo.ToString())", false),
        ("block", "@{ var n = 1; return n + ; }", false),
        ("count", "@(\"five\")", false),
        ("secret-broken", "@(DateTime.Nwo.Secret)", true),
        ("plain", "text", false),
    ] {
        set.insert(
            name,
            NamedValue {
                value: Some(value.to_owned()),
                secret,
            },
        );
    }
    set
}

/// (line, code, message) of every diagnostic.
fn diagnostics(inbound: &str) -> Vec<(u32, Code, String)> {
    let source = format!(
        "<policies>\n<inbound>\n<base />\n{inbound}\n</inbound>\n<backend>\n<base />\n</backend>\n<outbound>\n<base />\n</outbound>\n</policies>"
    );
    let options = LintOptions {
        named_values: Some(named_values()),
        ..LintOptions::default()
    };
    let linted = lint(Path::new("policy.xml"), source.as_bytes(), &options);
    let index = LineIndex::new(&linted.source);
    linted
        .diagnostics
        .iter()
        .map(|d| {
            let (start, _) = index.span_positions(&linted.source, d.span);
            (start.line, d.code, d.message.clone())
        })
        .collect()
}

#[test]
fn an_expression_in_a_named_value_is_checked_at_the_reference() {
    let found = diagnostics(
        r#"<set-header name="X-Stamp" exists-action="override"><value>{{stamp}}</value></set-header>
<set-header name="X-Broken" exists-action="override"><value>{{broken}}</value></set-header>
<set-variable name="v" value="{{block}}" />
<set-variable name="w" value="{{plain}}" />"#,
    );
    let codes: Vec<(u32, Code)> = found.iter().map(|(line, code, _)| (*line, *code)).collect();
    assert_eq!(
        codes,
        vec![(5, Code::UnknownMember), (6, Code::ExpressionSyntax)],
        "{found:#?}"
    );
    assert!(
        found[0].2.starts_with("in named value `broken`: "),
        "{found:#?}"
    );
}

#[test]
fn the_expression_must_produce_what_its_place_takes() {
    let found = diagnostics(
        r#"<choose><when condition="{{count}}"><set-variable name="x" value="1" /></when></choose>"#,
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].2.contains("`count`"), "{found:#?}");
}

#[test]
fn secret_values_and_partial_references_are_not_checked() {
    let found = diagnostics(
        r#"<set-header name="X-Secret" exists-action="override"><value>{{secret-broken}}</value></set-header>
<set-header name="X-Partial" exists-action="override"><value>prefix-{{broken}}</value></set-header>"#,
    );
    assert_eq!(found, Vec::new());
    let text = format!("{found:?}");
    assert!(!text.contains("Secret"));
}

#[test]
fn a_named_value_cannot_bring_an_expression_where_none_is_allowed() {
    let found = diagnostics(
        r#"<trace source="{{stamp}}" severity="information"><message>m</message></trace>"#,
    );
    let codes: Vec<Code> = found.iter().map(|(_, code, _)| *code).collect();
    assert_eq!(codes, vec![Code::ExpressionNotAllowed], "{found:#?}");
    assert!(found[0].2.contains("`{{stamp}}` holds one"), "{found:#?}");
}
