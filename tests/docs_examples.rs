//! `gatehouse lint` over examples copied from the official APIM documentation
//! (`tests/fixtures/docs-examples`, see its README). The docs win where sources disagree, so
//! their examples must get no false errors; the errors they do get are the examples' own
//! mistakes, each listed here with why.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use gatehouse_tests::{diagnostic_lines, gatehouse, workspace_dir};
use serde_json::Value;

/// (file:line, code, why it is the example's mistake)
const DOCS_MISTAKES: &[(&str, &str, &str)] = &[
    (
        "authentication-managed-identity.xml:11",
        "GH0203",
        "send-request without response-variable-name; send-request-policy.md marks it required, as does the toolkit's SendRequestConfig",
    ),
    (
        "cache-lookup.xml:10",
        "GH0207",
        "cache-store duration=\"seconds\": a placeholder where a number of seconds belongs",
    ),
    (
        "cosmosdb-data-source-read.xml:12",
        "GH0006",
        "the read example writes `<read-request>` where `</read-request>` belongs, so the first never closes",
    ),
    (
        "cosmosdb-data-source-read.xml:16",
        "GH0006",
        "… and `<partition-key>` is never closed",
    ),
    (
        "cosmosdb-data-source-read.xml:18",
        "GH0218",
        "… the stray `<read-request>` opens a second one inside the first",
    ),
    (
        "cosmosdb-data-source-read.xml:19",
        "GH0007",
        "… which `</cosmosdb-data-source>` meets unclosed",
    ),
    (
        "http-data-source-mutation.xml:14",
        "GH0100",
        "`jsonObject.Add(\"name\", args[\"name\"])` has no `;`",
    ),
    (
        "llm-token-limit.xml:8",
        "GH0203",
        "the token-quota example omits estimate-prompt-tokens, which the page's own table (and the toolkit's TokenLimitConfig) requires",
    ),
    (
        "sample-sustainability.xml:12",
        "GH0201",
        "cache-store in inbound; cache-store-policy.md: \"Policy sections: outbound\" (the page's three branches each do it)",
    ),
    (
        "sample-sustainability.xml:18",
        "GH0201",
        "… the medium-emission branch",
    ),
    (
        "sample-sustainability.xml:24",
        "GH0201",
        "… and the low-emission branch",
    ),
    (
        "sample-send-request-dashboard.xml:6",
        "GH0006",
        "<set-variable …> written without `/>`",
    ),
    (
        "sample-send-request-dashboard.xml:30",
        "GH0007",
        "the second unclosed <set-variable>, reported where </inbound> meets it",
    ),
    (
        "proxy.xml:6",
        "GH0010",
        "username={{username}}: an attribute value without quotes",
    ),
    ("proxy.xml:6", "GH0010", "… and password={{password}}"),
    (
        "sample-flexible-throttling.xml:19",
        "GH0103",
        "`request.Headers`: there is no `request`; `context.Request` was meant",
    ),
    (
        "set-graphql-resolver.xml:71",
        "GH0100",
        "example 3's `jsonObject.Add(\"name\", args[\"name\"])` has no `;` before the next statement",
    ),
    (
        "set-backend-service-fabric.xml:5",
        "GH0030",
        "sf-partition-key=\"@(…GetValueOrDefault(\"userId\",\"\")\" is one `)` short",
    ),
    (
        "set-body.xml:11",
        "GH0113",
        "inBody[0] = 'm' assigns to a string's indexer, which C# refuses (CS0200)",
    ),
    (
        "set-body.xml:20",
        "GH0100",
        "inBody.attribute == <tag> is pseudo-code, not C#",
    ),
    (
        "validate-client-certificate.xml:15",
        "GH0010",
        "O=\"Contoso, Inc.\" inside a \"-quoted attribute: XML ends the value at the first inner quote",
    ),
    (
        "validate-graphql-request.xml:14",
        "GH0100",
        "`IpAddress <> \"198.51.100.1\"`: Visual Basic's inequality; C# writes `!=`",
    ),
    (
        "fragment-metadata-cache-usage.xml:36",
        "GH0104",
        "`context.Trace.TraceError(…)`: `Trace` is a method of the context (the context table of api-management-policy-expressions.md: `void Trace(message: string)`), with no `TraceError`",
    ),
    (
        "fragment-variable-management.xml:13",
        "GH0204",
        "`<set-header … value=\"@{…}\" />`: set-header takes its value in `<value>` elements; set-header-policy.md lists only `name` and `exists-action` as attributes",
    ),
    (
        "set-header.xml:5",
        "GH0268",
        "name=\"some header name\": a header name is an HTTP token, without spaces (RFC 9110 5.1); .NET refuses it",
    ),
    ("set-header.xml:8", "GH0268", "… in the delete example too"),
    (
        "caching-overview.xml:27",
        "GH0246",
        "the value-caching send-request has no set-method; send-request-policy.md: set-method is required unless mode=copy",
    ),
    (
        "limit-concurrency.xml:4",
        "GH0267",
        "`<inbound>…</inbound>`: the page writes `…` for the sections it leaves out; pasted as published, that is text in a section, which APIM's schema validation refuses (as for set-header, microsoft/vscode-apimanagement#145)",
    ),
    (
        "limit-concurrency.xml:10",
        "GH0267",
        "… and `<outbound>…</outbound>`",
    ),
    (
        "wait.xml:23",
        "GH0211",
        "two rate-limit policies; rate-limit-policy.md: \"can be used only once per policy definition\"",
    ),
];

#[test]
fn docs_examples_get_errors_only_for_the_examples_own_mistakes() {
    let folder = workspace_dir().join("tests/fixtures/docs-examples");
    let run = gatehouse(&["lint", "--format", "json", &folder.display().to_string()]);
    let output: Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(output["summary"]["files"].as_u64().unwrap() >= 35);

    let mut errors: Vec<(String, String)> = Vec::new();
    for file in output["files"].as_array().unwrap() {
        let name = file["path"].as_str().unwrap().rsplit('/').next().unwrap();
        for diagnostic in file["diagnostics"].as_array().unwrap() {
            if diagnostic["severity"] == "error" {
                errors.push((
                    format!("{name}:{}", diagnostic["line"]),
                    diagnostic["code"].as_str().unwrap().to_owned(),
                ));
            }
        }
    }
    errors.sort();
    let mut expected: Vec<(String, String)> = DOCS_MISTAKES
        .iter()
        .map(|(at, code, _)| ((*at).to_owned(), (*code).to_owned()))
        .collect();
    expected.sort();
    assert_eq!(
        errors, expected,
        "errors that are not the docs' own mistakes"
    );

    // Warnings too: sections without `<base />` where the docs cut inheritance, variables the
    // docs set elsewhere, literal credentials in the docs' samples, and the rest.
    insta::assert_snapshot!(diagnostic_lines(&output).join("\n"));
}
