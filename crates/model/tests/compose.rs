//! `<base />` composition across scopes, and fragment expansion.

use gatehouse_model::{
    BuildOptions, FragmentSet, Item, Layer, PolicyDocument, Scope, Section, build, compose, expand,
};
use gatehouse_reader::{ReadOptions, read_str};

fn model(text: &str, scope: Scope) -> PolicyDocument {
    let output = read_str(text, &ReadOptions::default());
    assert!(output.diagnostics.is_empty(), "{:?}", output.diagnostics);
    build(
        &output.document,
        BuildOptions {
            scope,
            scope_assumed: false,
        },
    )
    .document
}

/// The effective policies of a section as `scope:element[name]` strings.
fn names(layers: &[Layer<'_>], section: Section) -> Vec<String> {
    compose(layers)
        .section(section)
        .iter()
        .map(|placed| {
            let name = placed.policy.literal("name").unwrap_or_default();
            format!("{}:{}[{name}]", placed.scope.name(), placed.policy.element)
        })
        .collect()
}

const GLOBAL: &str = r#"<policies>
    <inbound><set-header name="g" exists-action="delete" /></inbound>
    <backend><forward-request /></backend>
    <outbound><set-header name="g-out" exists-action="delete" /></outbound>
</policies>"#;

#[test]
fn base_stands_for_the_broader_section_at_its_position() {
    let global = model(GLOBAL, Scope::Global);
    let api = model(
        r#"<policies>
            <inbound><set-header name="before" exists-action="delete" /><base /><set-header name="after" exists-action="delete" /></inbound>
            <backend><base /></backend>
            <outbound><set-header name="api-out" exists-action="delete" /></outbound>
        </policies>"#,
        Scope::Api,
    );
    let operation = model(
        r#"<policies>
            <inbound><base /><set-header name="op" exists-action="delete" /></inbound>
            <backend><base /></backend>
            <outbound><base /></outbound>
        </policies>"#,
        Scope::Operation,
    );
    let layers = [
        Layer {
            scope: Scope::Global,
            document: &global,
        },
        Layer {
            scope: Scope::Api,
            document: &api,
        },
        Layer {
            scope: Scope::Operation,
            document: &operation,
        },
    ];
    assert_eq!(
        names(&layers, Section::Inbound),
        [
            "api:set-header[before]",
            "global:set-header[g]",
            "api:set-header[after]",
            "operation:set-header[op]"
        ]
    );
    assert_eq!(
        names(&layers, Section::Backend),
        ["global:forward-request[]"]
    );
    // The API's outbound has no <base />: global's outbound is cut off for everything below.
    assert_eq!(
        names(&layers, Section::Outbound),
        ["api:set-header[api-out]"]
    );
    // No scope has on-error.
    assert!(names(&layers, Section::OnError).is_empty());
}

#[test]
fn a_missing_section_inherits_nothing_and_base_at_the_top_is_empty() {
    let global = model(GLOBAL, Scope::Global);
    let product = model(
        r#"<policies><inbound><base /></inbound></policies>"#,
        Scope::Product,
    );
    let layers = [
        Layer {
            scope: Scope::Global,
            document: &global,
        },
        Layer {
            scope: Scope::Product,
            document: &product,
        },
    ];
    assert_eq!(names(&layers, Section::Inbound), ["global:set-header[g]"]);
    assert!(names(&layers, Section::Backend).is_empty());
    let alone = [Layer {
        scope: Scope::Product,
        document: &product,
    }];
    assert!(names(&alone, Section::Inbound).is_empty());
}

#[test]
fn fragments_expand_in_place() {
    let mut set = FragmentSet::default();
    set.insert(
        "common",
        model(
            r#"<fragment><set-variable name="a" value="1" /><set-variable name="b" value="2" /></fragment>"#,
            Scope::Api,
        ),
    );
    let api = model(
        r#"<policies><inbound><base /><include-fragment fragment-id="common" /><include-fragment fragment-id="missing" /><choose><when condition="@(true)"><include-fragment fragment-id="common" /></when></choose></inbound></policies>"#,
        Scope::Api,
    );
    let expanded = expand(&api, &set);
    let inbound = expanded.section(Section::Inbound).unwrap();
    let elements: Vec<&str> = inbound
        .items
        .iter()
        .map(|item| match item {
            Item::Base(_) => "base",
            Item::Policy(policy) => policy.element.as_str(),
        })
        .collect();
    assert_eq!(
        elements,
        [
            "base",
            "set-variable",
            "set-variable",
            "include-fragment",
            "choose"
        ]
    );
    let nested = expanded
        .policies()
        .iter()
        .filter(|p| p.element == "set-variable")
        .count();
    assert_eq!(nested, 4);
}

#[test]
fn spans_do_not_affect_equality() {
    let a = model(
        r#"<policies><inbound><base /><set-variable name="a" value="1" /></inbound></policies>"#,
        Scope::Api,
    );
    let b = model(
        "<policies>\n\n   <inbound>\n      <base/>\n      <set-variable   name=\"a\"\n value=\"1\" />\n</inbound></policies>",
        Scope::Api,
    );
    assert_eq!(a, b);
    let c = model(
        r#"<policies><inbound><base /><set-variable name="a" value="2" /></inbound></policies>"#,
        Scope::Api,
    );
    assert_ne!(a, c);
}
