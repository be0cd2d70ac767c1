//! GH0262 and GH0263 follow what a `<base />` or an `include-fragment` runs: the broader
//! scopes' policies of an APIOps export (`tests/exports/flow`) and fragments of a set.

#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::path::{Path, PathBuf};

use gatehouse_diagnostics::{Code, Diagnostic, Span};
use gatehouse_lint::{FileLint, LintOptions, lint};
use gatehouse_model::{BuildOptions, FragmentSet, build};
use gatehouse_reader::{ReadOptions, read};

/// A file of one of the exports under `tests/exports`.
fn export_file(export: &str, relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/exports")
        .join(export)
        .join(relative)
}

/// A file of an export, linted with the scope its place gives it.
fn lint_export_file(export: &str, relative: &str, options: &LintOptions) -> FileLint {
    let path = export_file(export, relative);
    let bytes = std::fs::read(&path).unwrap();
    lint(&path, &bytes, options)
}

fn codes(linted: &FileLint) -> Vec<Code> {
    linted.diagnostics.iter().map(|d| d.code).collect()
}

/// The flow warnings of a file of the `flow` export.
fn flow_warnings(relative: &str) -> Vec<Diagnostic> {
    flow_only(lint_export_file("flow", relative, &LintOptions::default()))
}

fn flow_only(linted: FileLint) -> Vec<Diagnostic> {
    linted
        .diagnostics
        .into_iter()
        .filter(|d| {
            matches!(
                d.code,
                Code::AuthorizationReplaced | Code::BodyAlreadyConsumed
            )
        })
        .collect()
}

fn line_of(relative: &str, at: Span) -> usize {
    let source = std::fs::read_to_string(export_file("flow", relative)).unwrap();
    let start = usize::try_from(at.start).unwrap();
    source[..start].matches('\n').count() + 1
}

/// Each warning's code and line.
fn codes_and_lines(file: &str, found: &[Diagnostic]) -> Vec<(Code, usize)> {
    found
        .iter()
        .map(|d| (d.code, line_of(file, d.span)))
        .collect()
}

fn assert_message(diagnostic: &Diagnostic, part: &str) {
    assert!(
        diagnostic.message.contains(part),
        "`{part}` not in: {}",
        diagnostic.message
    );
}

#[test]
fn reads_after_base_see_what_the_api_scope_did() {
    let file = "apis/payments/operations/refund/policy.xml";
    let found = flow_warnings(file);
    assert_eq!(
        codes_and_lines(file, &found),
        [
            (Code::AuthorizationReplaced, 5),
            (Code::BodyAlreadyConsumed, 6)
        ]
    );
    assert_message(
        &found[0],
        "after `authentication-managed-identity` of the api scope replaced it",
    );
    assert_message(&found[1], "by `set-variable` of the api scope");
    // Each points at the `<base />` that ran the policy.
    for diagnostic in &found {
        let label = diagnostic.labels.first().unwrap();
        assert_eq!(line_of(file, label.span), 4);
    }
}

#[test]
fn what_base_runs_reads_after_this_document_replaced_or_consumed() {
    // The operation replaces `Authorization` and consumes the body before `<base />`, which
    // runs the global `validate-jwt` and the API's body read.
    let file = "apis/payments/operations/token-first/policy.xml";
    let found = flow_warnings(file);
    assert_eq!(
        codes_and_lines(file, &found),
        [
            (Code::AuthorizationReplaced, 7),
            (Code::BodyAlreadyConsumed, 7)
        ]
    );
    assert_message(
        &found[0],
        "`validate-jwt` of the global scope, which this `<base />` runs, reads",
    );
    assert_eq!(
        found[0].help.as_deref(),
        Some(
            "move `authentication-managed-identity` after `<base />`, so the caller's header is read before it is replaced"
        )
    );
    assert_message(
        &found[1],
        "`set-variable` of the api scope, which this `<base />` runs, reads `context.Request.Body`",
    );
}

#[test]
fn reads_before_base_see_the_caller_s_header_and_body() {
    assert!(flow_warnings("apis/payments/operations/status/policy.xml").is_empty());
}

#[test]
fn a_new_body_after_base_can_be_read() {
    assert!(flow_warnings("apis/payments/operations/replace/policy.xml").is_empty());
}

#[test]
fn the_same_operation_without_its_layout_is_judged_alone() {
    // Linted as a lone file (no export around it), nothing says what `<base />` runs.
    let path = export_file("flow", "apis/payments/operations/refund/policy.xml");
    let bytes = std::fs::read(&path).unwrap();
    let linted = lint(Path::new("refund.xml"), &bytes, &LintOptions::default());
    assert!(flow_only(linted).is_empty());
}

fn fragment_set(name: &str, fragment: &str) -> FragmentSet {
    let output = read(fragment.as_bytes(), &ReadOptions::default());
    let mut set = FragmentSet::default();
    set.insert(
        name,
        build(&output.document, BuildOptions::default()).document,
    );
    set
}

/// The flow rules' codes (GH0262–GH0264) for `source`, linted alone with the fragment set
/// `{name: fragment}`.
fn flow_codes(source: &str, name: &str, fragment: &str) -> Vec<Code> {
    let options = LintOptions {
        fragments: Some(fragment_set(name, fragment)),
        ..LintOptions::default()
    };
    let mut codes = support::lint_codes(source, &options);
    codes.retain(|code| {
        matches!(
            code,
            Code::AuthorizationReplaced | Code::BodyAlreadyConsumed | Code::BodyLost
        )
    });
    codes
}

const READS_AFTER_A_FRAGMENT: &str = r#"<policies>
    <inbound>
        <base />
        <include-fragment fragment-id="backend-auth" />
        <set-header name="X-Caller" exists-action="override">
            <value>@(context.Request.Headers.GetValueOrDefault("Authorization", ""))</value>
        </set-header>
        <set-variable name="body" value="@(context.Request.Body.As<string>(preserveContent: true))" />
    </inbound>
    <backend>
        <base />
    </backend>
    <outbound>
        <base />
    </outbound>
</policies>"#;

fn codes_with_fragment(fragment: &str) -> Vec<Code> {
    flow_codes(READS_AFTER_A_FRAGMENT, "backend-auth", fragment)
}

#[test]
fn reads_after_an_included_fragment_see_what_it_did() {
    let fragment = r#"<fragment>
    <authentication-basic username="gateway" password="{{backend-password}}" />
    <set-variable name="payload" value="@(context.Request.Body.As<JObject>())" />
</fragment>"#;
    assert_eq!(
        codes_with_fragment(fragment),
        [Code::AuthorizationReplaced, Code::BodyAlreadyConsumed]
    );
}

#[test]
fn what_a_fragment_does_only_in_a_branch_or_undoes_is_not_certain() {
    let fragment = r#"<fragment>
    <choose>
        <when condition="@(context.Request.Headers.ContainsKey("X-Internal"))">
            <authentication-managed-identity resource="api://backend" />
        </when>
    </choose>
    <authentication-managed-identity resource="api://backend" output-token-variable-name="token" />
    <set-variable name="payload" value="@(context.Request.Body.As<JObject>())" />
    <set-body>@(((JObject)context.Variables["payload"]).ToString())</set-body>
</fragment>"#;
    assert_eq!(codes_with_fragment(fragment), Vec::<Code>::new());
}

#[test]
fn an_included_fragment_reads_after_this_document_replaced_or_consumed() {
    let source = r#"<policies>
    <inbound>
        <base />
        <authentication-managed-identity resource="api://backend" />
        <set-variable name="raw" value="@(context.Request.Body.As<string>())" />
        <include-fragment fragment-id="log-caller" />
    </inbound>
    <backend>
        <base />
    </backend>
    <outbound>
        <base />
    </outbound>
</policies>"#;
    let fragment = r#"<fragment>
    <choose>
        <when condition="@(context.Request.Headers.ContainsKey("X-Debug"))">
            <trace source="gateway">
                <message>@(context.Request.Headers.GetValueOrDefault("Authorization", "") + context.Request.Body.As<string>(preserveContent: true))</message>
            </trace>
        </when>
    </choose>
</fragment>"#;
    let codes = flow_codes(source, "log-caller", fragment);
    assert_eq!(
        codes,
        [Code::AuthorizationReplaced, Code::BodyAlreadyConsumed]
    );
}

/// The body codes for a document with `inbound` and `outbound` as given, where
/// `backend-auth` is the fragment given.
fn body_codes(fragment: &str, inbound: &str, outbound: &str) -> Vec<Code> {
    let source = format!(
        r#"<policies>
    <inbound>
        <base />
        {inbound}
    </inbound>
    <backend>
        <base />
    </backend>
    <outbound>
        <base />
        {outbound}
    </outbound>
</policies>"#
    );
    flow_codes(&source, "backend-auth", fragment)
}

const INCLUDE: &str = r#"<include-fragment fragment-id="backend-auth" />"#;

#[test]
fn a_body_an_included_fragment_consumed_is_lost_for_its_receiver() {
    let reads_request = r#"<fragment>
    <set-variable name="payload" value="@(context.Request.Body.As<string>())" />
</fragment>"#;
    // Included in inbound, the request goes to the backend empty.
    assert_eq!(body_codes(reads_request, INCLUDE, ""), [Code::BodyLost]);
    // A new body after it: nothing is lost.
    let then_new_body = format!("{INCLUDE}<set-body>{{}}</set-body>");
    assert_eq!(
        body_codes(reads_request, &then_new_body, ""),
        Vec::<Code>::new()
    );
    // Included again in outbound, its read fails: one warning, at the second inclusion.
    assert_eq!(
        body_codes(reads_request, INCLUDE, INCLUDE),
        [Code::BodyAlreadyConsumed]
    );
    let reads_response = r#"<fragment>
    <set-variable name="payload" value="@(context.Response.Body.As<string>())" />
</fragment>"#;
    // In outbound the response reaches the client empty.
    assert_eq!(body_codes(reads_response, "", INCLUDE), [Code::BodyLost]);
}

#[test]
fn a_stored_response_a_fragment_read_is_gone_until_stored_again() {
    let fragment = r#"<fragment>
    <send-request mode="new" response-variable-name="profile" timeout="10">
        <set-url>https://example.com/profile</set-url>
        <set-method>GET</set-method>
    </send-request>
    <set-variable name="name" value="@((string)((IResponse)context.Variables["profile"]).Body.As<JObject>()["name"])" />
</fragment>"#;
    let read = r#"<set-variable name="raw" value="@(((IResponse)context.Variables["profile"]).Body.As<string>())" />"#;
    let mut codes = body_codes(fragment, &format!("{INCLUDE}{read}"), "");
    assert_eq!(codes, [Code::BodyAlreadyConsumed]);
    let fetch_again = r#"<send-request mode="new" response-variable-name="profile" timeout="10">
            <set-url>https://example.com/profile</set-url>
            <set-method>GET</set-method>
        </send-request>"#;
    codes = body_codes(fragment, &format!("{INCLUDE}{fetch_again}{read}"), "");
    assert_eq!(codes, Vec::<Code>::new());
}

#[test]
fn a_product_s_replacement_is_named_by_its_product() {
    // The `gold` product, which holds the API, sends Basic credentials before the API runs.
    let file = "apis/payments/policy.xml";
    let found = flow_warnings(file);
    assert_eq!(
        codes_and_lines(file, &found),
        [(Code::AuthorizationReplaced, 4)]
    );
    assert_message(
        &found[0],
        "after `authentication-basic` of product `gold` replaced it",
    );
    assert_eq!(
        found[0].help.as_deref(),
        Some(
            "read the caller's token before `<base />` (store what you need with `set-variable`), or move `authentication-basic` of product `gold` after the reads"
        )
    );
}

/// The codes for a file of the export without a global policy file.
fn no_global_codes(relative: &str) -> Vec<Code> {
    codes(&lint_export_file(
        "no-global",
        relative,
        &LintOptions::default(),
    ))
}

#[test]
fn an_export_without_a_global_policy_has_apim_s_default_one() {
    // The API's `<base />` in `backend` reaches the default global `forward-request`.
    assert_eq!(
        no_global_codes("apis/orders/policy.xml"),
        Vec::<Code>::new()
    );
    // An operation that drops `<base />` from `backend` cuts it off.
    assert_eq!(
        no_global_codes("apis/orders/operations/get-order/policy.xml"),
        [Code::NoForwardRequest, Code::MissingBase]
    );
}

#[test]
fn a_fragment_missing_from_the_export_may_set_what_a_broader_scope_reads() {
    let product_codes = |options: &LintOptions| {
        codes(&lint_export_file(
            "missing-fragment",
            "products/gold/policy.xml",
            options,
        ))
    };
    // The API includes `classify-caller`, which no fragment set holds: it may set `tier`,
    // so the product's read is not judged.
    assert_eq!(product_codes(&LintOptions::default()), Vec::<Code>::new());
    // Known, and setting nothing, the read is reported.
    let known = LintOptions {
        fragments: Some(fragment_set(
            "classify-caller",
            r#"<fragment><set-header name="X-Seen" exists-action="override"><value>1</value></set-header></fragment>"#,
        )),
        ..LintOptions::default()
    };
    assert_eq!(product_codes(&known), [Code::VariableNeverSet]);
}
