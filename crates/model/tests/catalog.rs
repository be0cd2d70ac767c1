//! The policy table is generated from the reference file and must stay in step with it.
//!
//! `cargo test -p gatehouse-model --test catalog -- --ignored regenerate` rewrites
//! `src/catalog/table.rs`; `table_matches_the_reference` fails when someone edits either side
//! alone.

use std::fmt::Write;
use std::path::PathBuf;

use serde_json::{Value, json};

fn reference_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference/policies.json")
}

fn table_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/catalog/table.rs")
}

/// Corrections to the reference, each with its reason in `DOC_CORRECTIONS` in the crate.
/// Applied to the parsed reference before the table is written, so the generator itself
/// knows nothing of particular policies. A correction whose target the reference lacks is an
/// error, so none can silently stop applying.
fn apply_corrections(reference: &mut Value) -> Result<(), String> {
    // cors-policy.md's attribute table gives `false`; the reference copied `true` from prose.
    set_attribute_field(
        reference,
        &["cors"],
        "terminate-unmatched-request",
        "default",
        json!("false"),
    )?;
    // The docs' table says required, but the docs' own examples, APIM's policy toolkit
    // (`StatusConfig.Reason` is optional) and Microsoft's snippets all omit it.
    for owner in [&["set-status"][..], &["return-response", "set-status"][..]] {
        set_attribute_field(reference, owner, "reason", "required", json!(false))?;
    }
    // quota-policy.md's policy statement gives `api`/`operation` without `renewal-period`
    // (the table says required); the toolkit's `EntityQuotaConfig` has no such attribute.
    for owner in [&["quota", "api"][..], &["quota", "api", "operation"][..]] {
        set_attribute_field(reference, owner, "renewal-period", "required", json!(false))?;
    }
    // validate-azure-ad-token-policy.md (newer than the 2022 version the reference read):
    // "If a client application ID isn't provided, one or more `audience` claims should be
    // specified", Required: No.
    element_mut(
        reference,
        &["validate-azure-ad-token", "client-application-ids"],
    )?["required"] = json!(false);
    // cors-policy.md's elements table says required, but its own `allowed-headers` table says
    // "if that section is present", Microsoft's policy schema has `minOccurs="0"`, and live
    // APIM instances hold cors policies without it (IATI's APIOps extraction).
    element_mut(reference, &["cors", "allowed-headers"])?["required"] = json!(false);
    // An empty body is a body: `<set-body />` clears the message body.
    *element_mut(reference, &["set-body"])?
        .pointer_mut("/text_content/required")
        .ok_or("set-body has no text_content")? = json!(false);
    // The earlier trace page documented `<trace source="…">text</trace>` in every section,
    // on-error included; APIM keeps accepting saved policies of that form, and the toolkit
    // allows on-error. The text form is reported as legacy by a rule (GH0252).
    let trace = element_mut(reference, &["trace"])?;
    trace["sections"]
        .as_array_mut()
        .ok_or("trace has no sections")?
        .push(json!("on-error"));
    trace["text_content"] = json!({"required": false, "expressions": true});
    element_mut(reference, &["trace", "message"])?["required"] = json!(false);
    // APIM runs `set-body` in on-error: MicrosoftDocs/azure-docs#59226 (2020) reported it and
    // Microsoft added it to the on-error list of api-management-error-handling-policies.md;
    // the toolkit's team called its absence from `IOnErrorContext` a bug (toolkit#148, 2025).
    element_mut(reference, &["set-body"])?["sections"]
        .as_array_mut()
        .ok_or("set-body has no sections")?
        .push(json!("on-error"));
    // The pages said "Policy expressions aren't allowed" until MicrosoftDocs/azure-docs#314077
    // ("Policy expression support in token limit policies", 04/01/2026) took that out; an
    // APIOps export of a live instance (anotherRedbeard/apimdemo-environment) holds
    // `token-quota="@((long)context.Variables[\"tokens\"])"`. The same export writes a branch
    // per `token-quota-period`, so that attribute is left without expressions.
    for policy in ["llm-token-limit", "azure-openai-token-limit"] {
        set_attribute_field(
            reference,
            &[policy],
            "token-quota",
            "expressions",
            json!(true),
        )?;
    }
    // The page is silent; the APIM team added expressions there in 2019 (MicrosoftDocs/
    // azure-docs#8244), and Microsoft's snippet "Check group membership of app using JWT and
    // Graph API" builds the URL from the tenant.
    set_attribute_field(
        reference,
        &["validate-jwt", "openid-config"],
        "url",
        "expressions",
        json!(true),
    )?;
    // The page is silent on a required claim's `value`; pagoPA's production wallet and
    // e-commerce APIs require `walletId` to equal `@(context.Variables…)` in both branches of
    // their token check, which would refuse every call if APIM read the text literally.
    element_mut(
        reference,
        &["validate-jwt", "required-claims", "claim", "value"],
    )?["text_expressions"] = json!(true);
    // validate-azure-ad-token-policy.md is as silent; ronaldbosma/protect-apim-with-oauth sets a
    // `role` variable per method and requires `roles` to hold `@(context.Variables["role"])`,
    // and its README reports GET and POST answered 200 and DELETE 401 for a client without
    // that role: the value is evaluated.
    element_mut(
        reference,
        &[
            "validate-azure-ad-token",
            "required-claims",
            "claim",
            "value",
        ],
    )?["text_expressions"] = json!(true);
    // cosmosdb-data-source-policy.md's tables are silent; its read, delete and write examples
    // (and their prose: "accessed using the context.GraphQL.Arguments["id"] context variable")
    // compute `id` and `partition-key` with expressions.
    for request in [
        "query-request",
        "read-request",
        "delete-request",
        "write-request",
    ] {
        element_mut(
            reference,
            &["cosmosdb-data-source", request, "partition-key"],
        )?["text_expressions"] = json!(true);
        if request != "query-request" {
            element_mut(reference, &["cosmosdb-data-source", request, "id"])?["text_expressions"] =
                json!(true);
        }
    }
    // publish-event-policy.md: `publish-event` sits in a resolver's `http-response` with its
    // `targets`; the reference lists it there as an empty element.
    let targets = element_mut(reference, &["publish-event"])?["children"].clone();
    element_mut(
        reference,
        &["http-data-source", "http-response", "publish-event"],
    )?["children"] = targets;
    // set-graphql-resolver-policy.md: its `http-data-source` holds the resolver's request and
    // response policies (set-method, set-url, set-header, set-body … and, in its example 2,
    // `set-body` in `http-response`), which the reference left out; they are the current
    // resolver's. The page's usage: section backend; scopes global, product, API, operation.
    for part in ["http-request", "http-response"] {
        let children = element_mut(reference, &["http-data-source", part])?["children"].clone();
        element_mut(
            reference,
            &["set-graphql-resolver", "http-data-source", part],
        )?["children"] = children;
    }
    let resolver = element_mut(reference, &["set-graphql-resolver"])?;
    resolver["sections"] = json!(["backend"]);
    resolver["scopes"] = json!(["global", "product", "api", "operation"]);
    // llm-content-safety-policy.md (03/2026): the policy also checks responses (section
    // outbound) and gained `enforce-on-completions`, `window-size` and `window-overlap-size`;
    // its scopes are global, workspace, product and API (the reference added operation).
    let safety = element_mut(reference, &["llm-content-safety"])?;
    safety["sections"] = json!(["inbound", "outbound"]);
    safety["scopes"] = json!(["global", "workspace", "product", "api"]);
    let attributes = safety["attributes"]
        .as_array_mut()
        .ok_or("llm-content-safety has no attributes")?;
    attributes.push(json!({"name": "enforce-on-completions", "type": "boolean",
        "required": false, "default": "false", "expressions": true, "values": null}));
    for window in ["window-size", "window-overlap-size"] {
        attributes.push(json!({"name": window, "type": "integer", "required": false,
            "default": null, "expressions": true, "values": null}));
    }
    // Every page that lists a `set-body` element links it to set-body-policy.md: it is that
    // policy, with its attributes (`template`, `xsi-nil`, `parse-date`). The reference gave the
    // SQL and Cosmos DB resolvers' response `set-body` none, and the rest only `template`; the
    // SQL page's own example writes `<set-body template="liquid">` there.
    let set_body = element_mut(reference, &["set-body"])?["attributes"].clone();
    let mut set_bodies = 0;
    if let Some(policies) = reference.as_array_mut() {
        for policy in policies {
            set_bodies += give_set_body_attributes(policy, &set_body);
        }
    }
    if set_bodies == 0 {
        return Err("no set-body child element to correct".to_owned());
    }
    Ok(())
}

/// Sets the attributes of every `set-body` child element under `element`; how many it set.
fn give_set_body_attributes(element: &mut Value, attributes: &Value) -> usize {
    let mut count = 0;
    if let Some(children) = element["children"].as_array_mut() {
        for child in children {
            if child["name"] == "set-body" {
                child["attributes"] = attributes.clone();
                count += 1;
            }
            count += give_set_body_attributes(child, attributes);
        }
    }
    count
}

/// The policy `path[0]`, then its child elements `path[1..]`.
fn element_mut<'r>(reference: &'r mut Value, path: &[&str]) -> Result<&'r mut Value, String> {
    let missing = || format!("a correction names {path:?}, which the reference lacks");
    let (policy, children) = path.split_first().ok_or_else(missing)?;
    let mut element = reference
        .as_array_mut()
        .and_then(|all| all.iter_mut().find(|p| p["name"] == *policy))
        .ok_or_else(missing)?;
    for child in children {
        element = element["children"]
            .as_array_mut()
            .and_then(|all| all.iter_mut().find(|c| c["name"] == *child))
            .ok_or_else(missing)?;
    }
    Ok(element)
}

fn set_attribute_field(
    reference: &mut Value,
    owner: &[&str],
    attribute: &str,
    field: &str,
    value: Value,
) -> Result<(), String> {
    let found = element_mut(reference, owner)?["attributes"]
        .as_array_mut()
        .and_then(|all| all.iter_mut().find(|a| a["name"] == attribute))
        .ok_or_else(|| {
            format!("a correction names {owner:?} `{attribute}`, which the reference lacks")
        })?;
    found[field] = value;
    Ok(())
}

fn generate(reference: &Value) -> String {
    let mut out = String::from(
        "// @generated by `cargo test -p gatehouse-model --test catalog -- --ignored regenerate`\n\
         // from ../shared/reference/policies.json, with the documentation's corrections.\n\
         // Do not edit by hand.\n\n\
         use super::{AttributeSpec, ChildSpec, PolicySpec, Scope, Section, Standing, TextSpec, ValueKind};\n\n\
         #[rustfmt::skip]\n\
         pub static POLICIES: &[PolicySpec] = &[\n",
    );
    for policy in reference.as_array().into_iter().flatten() {
        let name = str_of(policy, "name");
        let standing = if policy.get("deprecated").and_then(Value::as_bool) == Some(true) {
            "Deprecated"
        } else if policy.get("unverified").and_then(Value::as_bool) == Some(true) {
            "Unverified"
        } else {
            "Documented"
        };
        let _ = writeln!(out, "    PolicySpec {{");
        let _ = writeln!(out, "        name: {:?},", name);
        let _ = writeln!(out, "        element: {:?},", str_of(policy, "element"));
        let _ = writeln!(
            out,
            "        sections: &[{}],",
            list(policy, "sections", section_variant)
        );
        let _ = writeln!(
            out,
            "        scopes: &[{}],",
            list(policy, "scopes", scope_variant)
        );
        let _ = writeln!(
            out,
            "        contains_policies: {},",
            bool_of(policy, "contains_policies")
        );
        let _ = writeln!(
            out,
            "        attributes: {},",
            attributes(policy.get("attributes"), 8)
        );
        let _ = writeln!(
            out,
            "        children: {},",
            children(policy.get("children"), 8)
        );
        match policy.get("text_content") {
            Some(text) => {
                let _ = writeln!(
                    out,
                    "        text: Some(TextSpec {{ required: {}, expressions: {} }}),",
                    bool_of(text, "required"),
                    bool_of(text, "expressions")
                );
            }
            None => {
                let _ = writeln!(out, "        text: None,");
            }
        }
        let _ = writeln!(out, "        standing: Standing::{standing},");
        let _ = writeln!(out, "    }},");
    }
    out.push_str("];\n");
    out
}

fn attributes(value: Option<&Value>, indent: usize) -> String {
    let items: Vec<&Value> = value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect();
    if items.is_empty() {
        return "&[]".to_owned();
    }
    let pad = " ".repeat(indent + 4);
    let mut out = String::from("&[\n");
    for attribute in items {
        let name = str_of(attribute, "name");
        let default = attribute
            .get("default")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let values: Vec<String> = attribute
            .get("values")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(|v| format!("{v:?}"))
            .collect();
        let _ = writeln!(
            out,
            "{pad}AttributeSpec {{ name: {:?}, kind: ValueKind::{}, required: {}, default: {}, expressions: {}, values: &[{}] }},",
            name,
            kind_variant(str_of(attribute, "type")),
            bool_of(attribute, "required"),
            match default {
                Some(d) => format!("Some({d:?})"),
                None => "None".to_owned(),
            },
            bool_of(attribute, "expressions"),
            values.join(", ")
        );
    }
    let _ = write!(out, "{}]", " ".repeat(indent));
    out
}

fn children(value: Option<&Value>, indent: usize) -> String {
    let items: Vec<&Value> = value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect();
    if items.is_empty() {
        return "&[]".to_owned();
    }
    let pad = " ".repeat(indent + 4);
    let mut out = String::from("&[\n");
    for child in items {
        let name = str_of(child, "name");
        let foreign = name == "xsl:stylesheet" || name == "cross-domain-policy";
        let _ = writeln!(out, "{pad}ChildSpec {{");
        let inner = " ".repeat(indent + 8);
        let _ = writeln!(out, "{inner}name: {name:?},");
        let _ = writeln!(out, "{inner}required: {},", bool_of(child, "required"));
        let _ = writeln!(out, "{inner}repeat: {},", bool_of(child, "repeat"));
        let _ = writeln!(
            out,
            "{inner}text_expressions: {},",
            bool_of(child, "text_expressions")
        );
        let _ = writeln!(
            out,
            "{inner}contains_policies: {},",
            bool_of(child, "contains_policies")
        );
        let _ = writeln!(out, "{inner}foreign_content: {foreign},");
        let _ = writeln!(
            out,
            "{inner}attributes: {},",
            attributes(child.get("attributes"), indent + 8)
        );
        let _ = writeln!(
            out,
            "{inner}children: {},",
            children(child.get("children"), indent + 8)
        );
        let _ = writeln!(out, "{pad}}},");
    }
    let _ = write!(out, "{}]", " ".repeat(indent));
    out
}

fn list(value: &Value, key: &str, variant: fn(&str) -> &'static str) -> String {
    value
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(variant)
        .collect::<Vec<_>>()
        .join(", ")
}

fn section_variant(name: &str) -> &'static str {
    match name {
        "inbound" => "Section::Inbound",
        "backend" => "Section::Backend",
        "outbound" => "Section::Outbound",
        "on-error" => "Section::OnError",
        other => unreachable!("unknown section {other}"),
    }
}

fn scope_variant(name: &str) -> &'static str {
    match name {
        "global" => "Scope::Global",
        "workspace" => "Scope::Workspace",
        "product" => "Scope::Product",
        "api" => "Scope::Api",
        "operation" => "Scope::Operation",
        "graphql-resolver" => "Scope::GraphqlResolver",
        other => unreachable!("unknown scope {other}"),
    }
}

fn kind_variant(name: &str) -> &'static str {
    match name {
        "string" => "String",
        "integer" => "Integer",
        "boolean" => "Boolean",
        "double" => "Double",
        "decimal" => "Decimal",
        "char" => "Char",
        "byte[]" => "Bytes",
        "datetime" => "DateTime",
        "timespan-seconds" => "Seconds",
        "any" => "Any",
        other => unreachable!("unknown attribute type {other}"),
    }
}

fn str_of<'v>(value: &'v Value, key: &str) -> &'v str {
    value.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn bool_of(value: &Value, key: &str) -> bool {
    value.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// The reference with the documentation's corrections applied.
fn load_reference() -> Result<Value, String> {
    let path = reference_path();
    let text = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "the reference file {} cannot be read ({e}); the shared folder must sit beside \
             the repository",
            path.display()
        )
    })?;
    let mut reference = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    apply_corrections(&mut reference)?;
    Ok(reference)
}

#[test]
fn table_matches_the_reference() {
    let reference = load_reference().unwrap_or_else(|e| panic!("{e}"));
    let expected = generate(&reference);
    let actual = std::fs::read_to_string(table_path()).unwrap_or_default();
    assert!(
        expected == actual,
        "src/catalog/table.rs is out of date with policies.json: run \
         `cargo test -p gatehouse-model --test catalog -- --ignored regenerate`"
    );
}

#[test]
fn the_table_holds_every_reference_policy() {
    let reference = load_reference().unwrap_or_else(|e| panic!("{e}"));
    let count = reference.as_array().map_or(0, Vec::len);
    assert_eq!(count, 75);
    assert_eq!(gatehouse_model::catalog::POLICIES.len(), count);
}

#[test]
#[ignore = "rewrites src/catalog/table.rs"]
fn regenerate() {
    let reference = load_reference().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(table_path(), generate(&reference)).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn every_undocumented_attribute_names_a_policy_that_lacks_it() {
    // An entry for an attribute the table documents, or for no policy at all, would never
    // apply: the table and the list would have drifted apart.
    for (policy, attribute, _) in gatehouse_model::catalog::UNDOCUMENTED_ATTRIBUTES {
        let spec = gatehouse_model::catalog::lookup(policy, None);
        assert!(spec.is_some(), "{policy} is not in the table");
        assert!(
            spec.and_then(|s| s.attribute(attribute)).is_none(),
            "{policy} documents `{attribute}`: drop it from UNDOCUMENTED_ATTRIBUTES"
        );
    }
}
