//! Without a fragment set, an `include-fragment` is a policy whose content is unknown: it may
//! set, overwrite or read any variable, so the variable rules must not guess about it.

#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use gatehouse_diagnostics::Code;
use gatehouse_lint::LintOptions;

fn codes(source: &str) -> Vec<Code> {
    support::lint_codes(source, &LintOptions::default())
}

const READS_AFTER_A_FRAGMENT: &str = r#"<policies>
    <inbound>
        <base />
        <set-variable name="tier" value="free" />
        <validate-jwt header-name="Authorization" output-token-variable-name="jwt">
            <openid-config url="https://login.example.com/.well-known/openid-configuration" />
            <audiences><audience>api://orders</audience></audiences>
        </validate-jwt>
        <include-fragment fragment-id="auth" />
        <set-header name="X-Auth" exists-action="override">
            <value>@(context.Variables.GetValueOrDefault<string>("auth-failure", "") + ((int)context.Variables["tier"]))</value>
        </set-header>
    </inbound>
    <backend>
        <base />
    </backend>
    <outbound>
        <base />
    </outbound>
</policies>"#;

#[test]
fn a_fragment_of_unknown_content_may_set_read_or_overwrite_any_variable() {
    // `auth-failure` may be set by the fragment, `jwt` read by it, `tier` overwritten by it.
    assert_eq!(codes(READS_AFTER_A_FRAGMENT), Vec::<Code>::new());
}

#[test]
fn a_fragment_cannot_set_what_was_read_before_it_runs() {
    // The toolkit's managed-identity-fragment.xml reads `Properties` on its first line and
    // includes a fragment at the end of inbound: the read is still reported.
    let source = r#"<policies>
    <inbound>
        <base />
        <set-header name="X-Config" exists-action="override">
            <value>@(((JObject)context.Variables["Properties"]).ToString())</value>
        </set-header>
        <include-fragment fragment-id="routing-headers" />
    </inbound>
    <backend>
        <base />
    </backend>
    <outbound>
        <base />
    </outbound>
</policies>"#;
    assert_eq!(codes(source), vec![Code::VariableNeverSet]);
}

#[test]
fn without_the_fragment_the_same_reads_are_reported() {
    let source = READS_AFTER_A_FRAGMENT.replace(r#"<include-fragment fragment-id="auth" />"#, "");
    let mut found = codes(&source);
    found.sort();
    assert_eq!(
        found,
        vec![
            Code::VariableNeverSet,
            Code::OutputVariableUnused,
            Code::VariableTypeMismatch
        ]
    );
}
