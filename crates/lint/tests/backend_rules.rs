//! GH0213 and GH0214 on `backend`: whether the section is reached at all. Cases beside the
//! fixtures, one document each.

#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use gatehouse_diagnostics::Code;
use gatehouse_lint::LintOptions;

fn backend_codes(inbound: &str, backend: &str) -> Vec<Code> {
    let source = format!(
        "<policies>\n<inbound>\n<base />\n{inbound}\n</inbound>\n<backend>{backend}</backend>\n<outbound>\n<base />\n</outbound>\n<on-error>\n<base />\n</on-error>\n</policies>"
    );
    let mut codes = support::lint_codes(&source, &LintOptions::default());
    codes.retain(|code| matches!(code, Code::NoForwardRequest | Code::MissingBase));
    codes
}

const ANSWER: &str = r#"<return-response><set-status code="200" reason="OK" /></return-response>"#;

#[test]
fn an_empty_backend_that_runs_is_reported() {
    assert_eq!(backend_codes("", ""), [Code::NoForwardRequest]);
}

#[test]
fn an_inbound_that_always_answers_never_reaches_backend() {
    // The AI-Gateway labs' OAuth `register` endpoint answers in inbound and leaves
    // `<backend />` empty.
    assert_eq!(backend_codes(ANSWER, ""), []);
    let mock = r#"<mock-response status-code="200" content-type="application/json" />"#;
    assert_eq!(backend_codes(mock, ""), []);
    let every_branch = format!(
        r#"<choose><when condition="@(true)">{ANSWER}</when><otherwise>{ANSWER}</otherwise></choose>"#
    );
    assert_eq!(backend_codes(&every_branch, ""), []);
}

#[test]
fn an_answer_on_some_paths_only_leaves_backend_judged() {
    let one_branch = format!(r#"<choose><when condition="@(true)">{ANSWER}</when></choose>"#);
    assert_eq!(backend_codes(&one_branch, ""), [Code::NoForwardRequest]);
    let one_of_two = format!(
        r#"<choose><when condition="@(true)">{ANSWER}</when><otherwise><set-header name="x" exists-action="override"><value>1</value></set-header></otherwise></choose>"#
    );
    assert_eq!(backend_codes(&one_of_two, ""), [Code::NoForwardRequest]);
}
