//! The variable rules judge only what they can see. GH0217 (an `output-token-variable-name`
//! nothing reads) judges only the documents whose readers it can see: a fragment's outputs are
//! read by the documents that include it, and a product's or the global policy's by the APIs
//! below them. GH0216 (a read nothing sets) at a broader scope needs the narrower scopes.

#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use gatehouse_diagnostics::Code;
use gatehouse_lint::LintOptions;
use gatehouse_model::Scope;

fn codes(source: &str, scope: Option<Scope>) -> Vec<Code> {
    let options = LintOptions {
        scope,
        ..LintOptions::default()
    };
    let mut codes = support::lint_codes(source, &options);
    // (`<base />` at global scope is another rule's business.)
    codes.retain(|code| *code != Code::BaseAtGlobal);
    codes
}

const VALIDATE: &str = r#"<validate-jwt header-name="Authorization" output-token-variable-name="jwt">
            <openid-config url="https://login.example.com/.well-known/openid-configuration" />
            <audiences><audience>api://orders</audience></audiences>
        </validate-jwt>"#;

fn policies() -> String {
    format!(
        "<policies>\n    <inbound>\n        <base />\n        {VALIDATE}\n    </inbound>\n    <backend>\n        <base />\n    </backend>\n    <outbound>\n        <base />\n    </outbound>\n</policies>"
    )
}

#[test]
fn an_unread_token_in_an_api_or_operation_policy_is_reported() {
    assert_eq!(codes(&policies(), None), vec![Code::OutputVariableUnused]);
    assert_eq!(
        codes(&policies(), Some(Scope::Operation)),
        vec![Code::OutputVariableUnused]
    );
}

#[test]
fn broader_scopes_and_fragments_leave_the_token_to_their_readers() {
    for scope in [Scope::Product, Scope::Global, Scope::Workspace] {
        assert_eq!(
            codes(&policies(), Some(scope)),
            Vec::<Code>::new(),
            "{scope:?}"
        );
    }
    let fragment = format!("<fragment>\n    {VALIDATE}\n</fragment>");
    assert_eq!(codes(&fragment, None), Vec::<Code>::new());
}

/// GH0216 at a broader scope given on the command line: the narrower scopes that may set
/// what it reads are unknown, so the reads are not judged.
#[test]
fn reads_at_a_broader_scope_without_its_export_are_not_judged() {
    let source = r#"<policies>
    <inbound />
    <backend>
        <forward-request />
    </backend>
    <outbound>
        <set-header name="X-Handled" exists-action="override">
            <value>@(context.Variables.GetValueOrDefault<bool>("error-handled", false).ToString())</value>
        </set-header>
    </outbound>
</policies>"#;
    let unset_reads = |scope| {
        codes(source, Some(scope))
            .into_iter()
            .filter(|c| *c == Code::VariableNeverSet)
            .count()
    };
    assert_eq!(unset_reads(Scope::Global), 0);
    assert_eq!(unset_reads(Scope::Product), 0);
    assert_eq!(unset_reads(Scope::Api), 1);
}
