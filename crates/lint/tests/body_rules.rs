//! GH0263 and GH0264 follow the pipeline: which reads a consuming read can spoil, and whether
//! the message is still to be sent. Cases beside the fixtures, one document each.

#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use gatehouse_diagnostics::Code;
use gatehouse_lint::LintOptions;

fn body_codes(inbound: &str, backend: &str, outbound: &str) -> Vec<Code> {
    let source = format!(
        "<policies>\n<inbound>\n<base />\n{inbound}\n</inbound>\n<backend>\n{backend}\n</backend>\n<outbound>\n<base />\n{outbound}\n</outbound>\n</policies>"
    );
    let mut codes = support::lint_codes(&source, &LintOptions::default());
    codes.retain(|code| matches!(code, Code::BodyAlreadyConsumed | Code::BodyLost));
    codes
}

const READ_REQUEST: &str =
    r#"<set-variable name="b" value="@(context.Request.Body.As<string>())" />"#;

#[test]
fn a_request_read_before_forwarding_is_lost_for_the_backend() {
    assert_eq!(body_codes(READ_REQUEST, "<base />", ""), [Code::BodyLost]);
    assert_eq!(
        body_codes("", &format!("{READ_REQUEST}<base />"), ""),
        [Code::BodyLost]
    );
}

#[test]
fn a_request_read_after_forwarding_is_not() {
    assert_eq!(body_codes("", &format!("<base />{READ_REQUEST}"), ""), []);
    assert_eq!(
        body_codes("", &format!("<forward-request />{READ_REQUEST}"), ""),
        []
    );
}

#[test]
fn a_backend_that_never_forwards_sends_no_body() {
    let answer = r#"<return-response><set-status code="200" /></return-response>"#;
    assert_eq!(body_codes(READ_REQUEST, answer, ""), []);
}

#[test]
fn paths_that_answer_or_set_a_new_body_keep_nothing_to_lose() {
    let every_path = format!(
        r#"{READ_REQUEST}<choose><when condition="@(true)"><return-response /></when><otherwise><set-body>x</set-body></otherwise></choose>"#
    );
    assert_eq!(body_codes(&every_path, "<base />", ""), []);
    // Without `otherwise`, a request that matches no `when` goes on with no body.
    let one_path = format!(
        r#"{READ_REQUEST}<choose><when condition="@(true)"><return-response /></when></choose>"#
    );
    assert_eq!(body_codes(&one_path, "<base />", ""), [Code::BodyLost]);
}

#[test]
fn a_base_in_inbound_sends_nothing_so_a_later_answer_still_counts() {
    // `<base />` in `inbound` runs the broader inbound; the request is sent in `backend`. A
    // `mock-response` after it answers the caller and the backend is never called
    // (hmcts/hmi-api-gateway-fh validates a request body this way before mocking).
    let mock = r#"<mock-response status-code="200" content-type="application/json" />"#;
    assert_eq!(
        body_codes(&format!("{READ_REQUEST}<base />{mock}"), "<base />", ""),
        []
    );
    assert_eq!(
        body_codes(&format!("{READ_REQUEST}<base />"), "<base />", ""),
        [Code::BodyLost]
    );
    // In `backend`, `<base />` forwards: what comes after it is too late.
    assert_eq!(
        body_codes("", &format!("{READ_REQUEST}<base />{mock}"), ""),
        [Code::BodyLost]
    );
}

#[test]
fn a_second_read_is_named_once() {
    let twice = format!("{READ_REQUEST}{READ_REQUEST}");
    assert_eq!(
        body_codes(&twice, "<base />", ""),
        [Code::BodyAlreadyConsumed]
    );
}

#[test]
fn a_response_read_outside_set_body_reaches_the_client_empty() {
    let trace =
        r#"<trace source="s"><message>@(context.Response.Body.As<string>())</message></trace>"#;
    assert_eq!(body_codes("", "<base />", trace), [Code::BodyLost]);
    let inside = r#"<set-body>@(context.Response.Body.As<string>().Trim())</set-body>"#;
    assert_eq!(body_codes("", "<base />", inside), []);
}

/// `send-request` storing a response in `r`, and a consuming read of its body.
fn send_request(url: &str) -> String {
    format!(
        r#"<send-request mode="new" response-variable-name="r" timeout="10"><set-url>{url}</set-url><set-method>GET</set-method></send-request>"#
    )
}

const READ_STORED: &str =
    r#"<set-variable name="a" value="@(((IResponse)context.Variables["r"]).Body.As<string>())" />"#;

#[test]
fn a_response_stored_again_has_a_body_of_its_own() {
    let first = send_request("https://example.com/a");
    let again = send_request("https://example.com/b");
    let read_twice = format!("{first}{READ_STORED}{READ_STORED}");
    assert_eq!(
        body_codes(&read_twice, "<base />", ""),
        [Code::BodyAlreadyConsumed]
    );
    let stored_again = format!("{first}{READ_STORED}{again}{READ_STORED}");
    assert_eq!(body_codes(&stored_again, "<base />", ""), []);
    // Stored again only on one path: the read after the `choose` may still find the old one.
    let maybe_again = format!(
        r#"{first}{READ_STORED}<choose><when condition="@(true)">{again}</when></choose>{READ_STORED}"#
    );
    assert_eq!(
        body_codes(&maybe_again, "<base />", ""),
        [Code::BodyAlreadyConsumed]
    );
}
