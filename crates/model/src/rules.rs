//! Catalog facts the reference keeps in prose: policies allowed once, attributes that exclude
//! or need each other, documented ranges, and value shapes. Checked on the built model.

use gatehouse_diagnostics::{Code, Diagnostic, Span};

use crate::build::join;
use crate::catalog::Section;
use crate::document::{Attribute, Config, Content, Item, Policy, PolicyDocument};
use crate::named_values::NamedValues;

/// How often a policy may appear.
enum Once {
    /// Once among the policies of one block (a section, a `when`).
    PerBlock,
    /// Once in the whole document.
    PerDocument,
}

/// From the policy pages' usage notes.
const ONCE: &[(&str, Once)] = &[
    ("forward-request", Once::PerBlock),
    ("cors", Once::PerBlock),
    ("jsonp", Once::PerBlock),
    ("rate-limit", Once::PerDocument),
    ("quota", Once::PerDocument),
];

/// Groups of attributes of which exactly one (`required`) or at most one may be given.
const EXCLUSIVE: &[(&str, &[&str], bool)] = &[
    (
        "validate-jwt",
        &["header-name", "query-parameter-name", "token-value"],
        true,
    ),
    (
        "validate-azure-ad-token",
        &["header-name", "query-parameter-name", "token-value"],
        false,
    ),
    ("log-to-eventhub", &["partition-id", "partition-key"], false),
    // authentication-certificate-policy.md: "Either `thumbprint` or `certificate-id` can be
    // present."
    (
        "authentication-certificate",
        &["thumbprint", "certificate-id"],
        false,
    ),
    (
        "send-service-bus-message",
        &["queue-name", "topic-name"],
        true,
    ),
];

/// Groups of which at least one must be given (both allowed).
const AT_LEAST_ONE: &[(&str, &[&str])] = &[
    // set-backend-service-policy.md: "One of `base-url` or `backend-id` must be present."
    ("set-backend-service", &["base-url", "backend-id"]),
    ("quota", &["calls", "bandwidth"]),
    ("quota-by-key", &["calls", "bandwidth"]),
    ("llm-token-limit", &["tokens-per-minute", "token-quota"]),
    (
        "azure-openai-token-limit",
        &["tokens-per-minute", "token-quota"],
    ),
];

/// Groups of attributes of a configuration element (the policy, then the path of child
/// elements) of which at least one must be given. quota-policy.md, for `api` and `operation`:
/// "Either `name` or `id` must be specified", "Either `calls`, `bandwidth`, or both together".
const CHILD_AT_LEAST_ONE: &[(&str, &[&str], &[&str])] = &[
    ("quota", &["api"], &["name", "id"]),
    ("quota", &["api"], &["calls", "bandwidth"]),
    ("quota", &["api", "operation"], &["name", "id"]),
    ("quota", &["api", "operation"], &["calls", "bandwidth"]),
];

/// Child elements of which exactly one must be given: cosmosdb-data-source-policy.md,
/// "configure one of `query-request`, `read-request`, `delete-request`, or `write-request`".
const ONE_CHILD_OF: &[(&str, &[&str])] = &[(
    "cosmosdb-data-source",
    &[
        "query-request",
        "read-request",
        "delete-request",
        "write-request",
    ],
)];

/// Attributes that mean something only together: given one, the docs require the other
/// ("either `tokens-per-minute` or both `token-quota` and `token-quota-period`").
const TOGETHER: &[(&str, &str, &str)] = &[
    ("llm-token-limit", "token-quota", "token-quota-period"),
    (
        "azure-openai-token-limit",
        "token-quota",
        "token-quota-period",
    ),
];

/// Documented bounds of numeric attributes (inclusive).
const RANGES: &[(&str, &str, i64, i64)] = &[
    ("retry", "count", 1, 50),
    ("rate-limit", "renewal-period", 1, 300),
    ("rate-limit-by-key", "renewal-period", 1, 300),
    ("publish-to-dapr", "timeout", 1, 240),
    ("invoke-dapr-binding", "timeout", 1, 240),
    ("set-status", "code", 100, 599),
    ("mock-response", "status-code", 100, 599),
    ("validate-jwt", "failed-validation-httpcode", 100, 599),
    ("check-header", "failed-check-httpcode", 100, 599),
];

const PROTECTED_HEADERS: &[&str] = &[
    "content-length",
    "connection",
    "keep-alive",
    "transfer-encoding",
];

/// `misspelt`: unknown child elements already reported with "did you mean" (the parent's
/// name span and the element meant), which rules do not report missing again.
/// `named_values`, when known, give the value of `{{name}}` references to the rules that
/// judge a value's text.
pub(crate) fn check(
    document: &PolicyDocument,
    misspelt: &[(Span, &'static str)],
    named_values: Option<&NamedValues>,
    out: &mut Vec<Diagnostic>,
) {
    let policies = document.policies();
    for (name, once) in ONCE {
        if let Once::PerDocument = once {
            let found: Vec<&&Policy> = policies.iter().filter(|p| p.element == *name).collect();
            if let (Some(first), Some(second)) = (found.first(), found.get(1)) {
                out.push(duplicate(second, first.name_span, "in a policy document"));
            }
        }
    }
    for block in &document.blocks {
        check_block(&block.items, out);
        let mut inside = Vec::new();
        crate::document::collect_policies(&block.items, &mut inside);
        for policy in &inside {
            match policy.element.as_str() {
                "retry" => check_retry_sends(policy, block.section, out),
                "llm-content-safety" => check_section_attributes(policy, block.section, out),
                _ => {}
            }
        }
    }
    for policy in &policies {
        check_policy(policy, misspelt, named_values, out);
    }
}

/// Once-per-block policies, in this block and every nested one.
fn check_block(items: &[Item], out: &mut Vec<Diagnostic>) {
    for (name, once) in ONCE {
        if let Once::PerBlock = once {
            let mut first: Option<Span> = None;
            for item in items {
                if let Item::Policy(policy) = item
                    && policy.element == *name
                {
                    match first {
                        Some(first) => out.push(duplicate(policy, first, "in one section")),
                        None => first = Some(policy.name_span),
                    }
                }
            }
        }
    }
    for item in items {
        if let Item::Policy(policy) = item {
            check_block(&policy.body, out);
            check_config_blocks(&policy.config, out);
        }
    }
}

fn check_config_blocks(config: &[Config], out: &mut Vec<Diagnostic>) {
    for child in config {
        check_block(&child.body, out);
        check_config_blocks(&child.config, out);
    }
}

/// `trace` takes its text in `<message>`; the earlier form wrote it as the element's text.
fn check_trace(policy: &Policy, out: &mut Vec<Diagnostic>) {
    let message = policy.config("message").next().is_some();
    match policy.text.as_ref().map(trimmed_span) {
        Some(text) if message => out.push(
            Diagnostic::new(
                Code::LegacyTrace,
                text,
                "`trace` has both text and a `message` element",
            )
            .with_help("keep the text in `<message>` and remove the text outside it"),
        ),
        Some(text) => out.push(
            Diagnostic::new(
                Code::LegacyTrace,
                text,
                "`trace` text written without a `message` element is the legacy form",
            )
            .with_help("move the text into `<message>…</message>`"),
        ),
        None if !message => out.push(
            Diagnostic::new(
                Code::MissingChild,
                policy.name_span,
                "`trace` needs the element `message`",
            )
            .with_help("add `<message>` inside `<trace>`"),
        ),
        None => {}
    }
}

/// The span of the text without its surrounding white space (indentation is never encoded
/// as entities, so the decoded text's white space has the same length in the source).
fn trimmed_span(content: &Content) -> Span {
    let length = |text: &str| u32::try_from(text.len()).unwrap_or(u32::MAX);
    let leading = length(&content.text) - length(content.text.trim_start());
    let trailing = length(&content.text) - length(content.text.trim_end());
    let start = content
        .span
        .start
        .saturating_add(leading)
        .min(content.span.end);
    let end = content.span.end.saturating_sub(trailing).max(start);
    Span { start, end }
}

fn duplicate(policy: &Policy, first: Span, place: &str) -> Diagnostic {
    Diagnostic::new(
        Code::DuplicatePolicy,
        policy.name_span,
        format!("`{}` may appear only once {place}", policy.element),
    )
    .with_label(first, "first used here")
    .with_help("merge the two into one, or choose between them with `choose`")
}

fn check_policy(
    policy: &Policy,
    misspelt: &[(Span, &'static str)],
    named_values: Option<&NamedValues>,
    out: &mut Vec<Diagnostic>,
) {
    let name = policy.element.as_str();
    for (owner, group, required) in EXCLUSIVE {
        if *owner != name {
            continue;
        }
        let given: Vec<_> = group.iter().filter_map(|a| policy.attribute(a)).collect();
        if let Some(second) = given.get(1) {
            out.push(
                Diagnostic::new(
                    Code::ConflictingAttributes,
                    second.name_span,
                    format!("`{name}` takes only one of {}", join(group.iter().copied())),
                )
                .with_help(format!("remove `{}` or the other one", second.name)),
            );
        } else if given.is_empty() && *required {
            out.push(missing_one_of(&policy.element, policy.name_span, group));
        }
    }
    for (owner, group) in AT_LEAST_ONE {
        if *owner == name && !group.iter().any(|a| policy.attribute(a).is_some()) {
            out.push(missing_one_of(&policy.element, policy.name_span, group));
        }
    }
    for (owner, path, group) in CHILD_AT_LEAST_ONE {
        if *owner == name {
            for config in configs_at(&policy.config, path) {
                if !group.iter().any(|a| config.attribute(a).is_some()) {
                    out.push(missing_one_of(&config.name, config.name_span, group));
                }
            }
        }
    }
    for (owner, group) in ONE_CHILD_OF {
        if *owner == name {
            check_one_child_of(policy, group, out);
        }
    }
    for (owner, first, second) in TOGETHER {
        if *owner != name {
            continue;
        }
        for (given, missing) in [(first, second), (second, first)] {
            if let (Some(attribute), None) = (policy.attribute(given), policy.attribute(missing)) {
                out.push(
                    Diagnostic::new(
                        Code::MissingAttribute,
                        policy.name_span,
                        format!("`{name}` needs the attribute `{missing}`"),
                    )
                    .with_label(attribute.name_span, format!("`{given}` is given here"))
                    .with_help(format!(
                        "`{given}` takes effect only with `{missing}`: add it"
                    )),
                );
            }
        }
    }
    for (owner, attribute, low, high) in RANGES {
        if *owner == name {
            check_range(
                policy.attribute(attribute).map(|a| &a.value),
                attribute,
                *low,
                *high,
                out,
            );
        }
    }
    check_header_names(&policy.element, &policy.attributes, &policy.config, out);
    check_entity_names(&policy.attributes, &policy.config, named_values, out);
    match name {
        "send-request" | "send-one-way-request" => check_request(policy, misspelt, out),
        "set-method" => check_method(policy.text.as_ref(), policy.name_span, out),
        "trace" => check_trace(policy, out),
        "set-backend-service" => {
            if let Some(attribute) = policy.attribute("base-url") {
                check_url(&attribute.value, out);
            }
        }
        "cors" => check_cors(policy, out),
        "emit-metric" | "llm-emit-token-metric" | "azure-openai-emit-token-metric" => {
            check_dimension_values(policy, out);
        }
        // llm-content-safety-policy.md: a category's threshold "must be between 0 … and 7".
        "llm-content-safety" => {
            for categories in policy.config("categories") {
                for category in categories.config.iter().filter(|c| c.name == "category") {
                    check_range(
                        category.attribute("threshold").map(|a| &a.value),
                        "threshold",
                        0,
                        7,
                        out,
                    );
                }
            }
        }
        "llm-semantic-cache-lookup" | "azure-openai-semantic-cache-lookup" => {
            if let Some(threshold) = policy.attribute("score-threshold") {
                check_score_threshold(&threshold.value, out);
            }
        }
        "ip-filter" => check_ip_filter(policy, out),
        "validate-jwt" => {
            check_jwt_keys(policy, out);
            // An `audience` written outside `audiences` was reported as such (GH0218).
            if !misspelt
                .iter()
                .any(|(at, meant)| *at == policy.name_span && *meant == "audiences")
            {
                check_jwt_audience(policy, out);
            }
            check_token_value_placeholders(policy, named_values, out);
            for provider in policy.config("openid-config") {
                if let Some(url) = provider.attribute("url") {
                    check_openid_config_url(&url.value, out);
                }
            }
        }
        "retry" => {
            check_not_empty(policy, out);
        }
        "limit-concurrency" | "wait" => check_not_empty(policy, out),
        "cache-remove-value" => {
            if let Some(key) = policy.attribute("key") {
                check_cache_key_wildcard(&key.value, out);
            }
        }
        "validate-azure-ad-token" => {
            check_token_value_placeholders(policy, named_values, out);
            if let Some(tenant) = policy.attribute("tenant-id") {
                check_entra_id(&tenant.value, EntraId::Tenant, named_values, out);
            }
            for ids in policy.config("client-application-ids") {
                for id in ids.config.iter().filter(|c| c.name == "application-id") {
                    if let Some(text) = id.text.as_ref() {
                        check_entra_id(text, EntraId::Application, named_values, out);
                    }
                }
            }
        }
        "authentication-managed-identity" => {
            if let Some(client) = policy.attribute("client-id") {
                check_entra_id(&client.value, EntraId::ManagedIdentity, named_values, out);
            }
        }
        "set-header" => check_header(
            policy.literal("name"),
            policy.literal("exists-action"),
            policy.attribute("name").map(|a| a.value.span),
            out,
        ),
        "return-response" => {
            for status in policy.config("set-status") {
                check_range(
                    status.attribute("code").map(|a| &a.value),
                    "code",
                    100,
                    599,
                    out,
                );
            }
        }
        _ => {}
    }
}

/// The dimensions whose value APIM fills in when `value` is left out (emit-metric-policy.md and
/// the token-metric pages; "Backend ID" from the LLM pages' list, "Location ID" from the 2022
/// emit-metric page, both accepted everywhere rather than risk a false error).
const DEFAULT_DIMENSIONS: &[&str] = &[
    "API ID",
    "Operation ID",
    "Product ID",
    "User ID",
    "Subscription ID",
    "Location",
    "Location ID",
    "Gateway ID",
    "Backend ID",
];

/// A `dimension` without `value`: "Can only be omitted if `name` matches one of the default
/// dimensions" (the metric policies' pages).
fn check_dimension_values(policy: &Policy, out: &mut Vec<Diagnostic>) {
    for dimension in policy.config("dimension") {
        if dimension.attribute("value").is_some() {
            continue;
        }
        let Some(name) = dimension.attribute("name").and_then(Attribute::literal) else {
            continue;
        };
        if DEFAULT_DIMENSIONS
            .iter()
            .any(|default| default.eq_ignore_ascii_case(name.trim()))
        {
            continue;
        }
        let mut diagnostic = Diagnostic::new(
            Code::MissingAttribute,
            dimension.name_span,
            format!("dimension `{name}` needs the attribute `value`"),
        );
        diagnostic = match crate::catalog::similar(name, DEFAULT_DIMENSIONS.iter().copied()) {
            Some(guess) => diagnostic.with_help(format!(
                "only a default dimension takes its value from the request: did you mean `{guess}`? otherwise add `value=\"@(…)\"`"
            )),
            None => diagnostic.with_help(format!(
                "only a default dimension ({}) takes its value from the request: add `value=\"@(…)\"`",
                join(DEFAULT_DIMENSIONS.iter().copied())
            )),
        };
        out.push(diagnostic);
    }
}

/// `allowed-origins`: one `*` alone, or origins written as a browser sends them
/// (`https://host[:port]`); and no credentials for every origin.
fn check_cors(policy: &Policy, out: &mut Vec<Diagnostic>) {
    // Expressions and named values are judged when they are known, not here.
    fn literal(origin: &Content) -> Option<&str> {
        origin.literal().map(str::trim)
    }
    let mut any_origin = None;
    // Each list on its own: a second `allowed-origins` is GH0220's to report.
    for list in policy.config("allowed-origins") {
        let origins: Vec<&Content> = list
            .config
            .iter()
            .filter(|c| c.name == "origin")
            .filter_map(|origin| origin.text.as_ref())
            .collect();
        let wildcard = origins.iter().find(|origin| literal(origin) == Some("*"));
        if let Some(wildcard) = wildcard {
            any_origin = any_origin.or(Some(wildcard.span));
            if origins.len() > 1 {
                out.push(
                    Diagnostic::new(
                        Code::InvalidCorsOrigin,
                        wildcard.span,
                        "`*` allows every origin, so it must be the only `origin`",
                    )
                    .with_help("keep `*` alone, or remove it and list the origins"),
                );
            }
        }
        for origin in &origins {
            let Some(text) = literal(origin) else {
                continue;
            };
            if text == "*" || is_origin(text) {
                continue;
            }
            if text == "null" {
                // Browsers do send `Origin: null`, from sandboxed frames and local files.
                out.push(
                    Diagnostic::new(
                        Code::InvalidCorsOrigin,
                        origin.span,
                        "`null` is the origin of sandboxed frames and local files, not of a site",
                    )
                    .with_help("remove it: allowing `null` lets any sandboxed page call the API"),
                );
                continue;
            }
            let unquoted = text.trim_matches(['"', '\'']);
            let help = if unquoted != text && is_origin(unquoted) {
                format!("remove the quotation marks: `{unquoted}`")
            } else if let Some(help) = placeholder_help(text) {
                help.to_owned()
            } else if text.contains("://") {
                "an origin is a scheme and host with an optional port, such as `https://app.example.com:8443`".to_owned()
            } else {
                format!("add the scheme the browser uses: `https://{text}`")
            };
            out.push(
                Diagnostic::new(
                    Code::InvalidCorsOrigin,
                    origin.span,
                    format!("`{text}` is not an origin a browser sends"),
                )
                .with_help(help),
            );
        }
    }
    if let (Some(wildcard), Some(credentials)) = (any_origin, policy.attribute("allow-credentials"))
        && credentials
            .literal()
            .is_some_and(|value| value.trim().eq_ignore_ascii_case("true"))
    {
        out.push(
            Diagnostic::new(
                Code::CorsCredentialsAnyOrigin,
                credentials.value.span,
                "`cors` allows credentials from every origin (`*`)",
            )
            .with_label(wildcard, "every origin is allowed here")
            .with_help(
                "list the origins that may send cookies and authorization headers, or set `allow-credentials=\"false\"`",
            ),
        );
    }
}

/// A `validate-jwt` that requires signed tokens needs keys to check them with.
fn check_jwt_keys(policy: &Policy, out: &mut Vec<Diagnostic>) {
    let has_keys = ["openid-config", "issuer-signing-keys", "decryption-keys"]
        .iter()
        .any(|name| policy.config(name).next().is_some());
    let unsigned_allowed = policy.attribute("require-signed-tokens").is_some_and(|a| {
        a.literal()
            .is_none_or(|value| !value.trim().eq_ignore_ascii_case("true"))
    });
    if !has_keys && !unsigned_allowed {
        out.push(
            Diagnostic::new(
                Code::JwtWithoutKeys,
                policy.name_span,
                "`validate-jwt` has no key to check a signature with, so no signed token passes",
            )
            .with_help(
                "add `<openid-config url=\"…\" />` or `<issuer-signing-keys>` with the issuer's keys",
            ),
        );
    }
}

/// GH0270: a policy that runs the policies inside it, holding none.
fn check_not_empty(policy: &Policy, out: &mut Vec<Diagnostic>) {
    if !policy.body.is_empty() || !policy.config.is_empty() {
        return;
    }
    let name = policy.element.as_str();
    out.push(
        Diagnostic::new(
            Code::EmptyPolicyBlock,
            policy.name_span,
            format!("`{name}` holds no policies, so it does nothing"),
        )
        .with_help(if name == "retry" {
            "put the policies to retry inside it: `<retry …><forward-request buffer-request-body=\"true\" /></retry>`"
        } else {
            "put the policies it should run inside it, or remove it"
        }),
    );
}

/// GH0276: a `retry` whose condition reads `context.Response` but which holds nothing that
/// renews it, so every try sees the response the first one saw. `forward-request` renews it;
/// so do the policies that change it in place (a `retry` used as a loop over response
/// headers), a cache hit, and a fragment included inside, given the benefit of the doubt.
/// `send-request` does not: its response goes to its own variable. In a fragment (`section`
/// `None`) the section is the including one's, so changes in place count.
fn check_retry_sends(policy: &Policy, section: Option<Section>, out: &mut Vec<Diagnostic>) {
    const RENEW_RESPONSE: &[&str] = &[
        "forward-request",
        "include-fragment",
        "return-response",
        "mock-response",
        "cache-lookup",
    ];
    // In `outbound` and `on-error` these change the response; elsewhere, the request.
    const CHANGE_RESPONSE: &[&str] = &[
        "set-header",
        "set-body",
        "set-status",
        "find-and-replace",
        "json-to-xml",
        "xml-to-json",
        "xsl-transform",
        "redirect-content-urls",
    ];
    let response_section = !matches!(section, Some(Section::Inbound | Section::Backend));
    let Some(condition) = policy.attribute("condition") else {
        return;
    };
    let nested = policy.nested();
    if nested.is_empty() || !condition.value.text.contains("context.Response") {
        return;
    }
    let renews = |p: &&Policy| {
        let element = p.element.as_str();
        RENEW_RESPONSE.contains(&element)
            || (response_section && CHANGE_RESPONSE.contains(&element))
    };
    if nested.iter().any(renews) {
        return;
    }
    let sender = nested
        .iter()
        .find(|p| matches!(p.element.as_str(), "send-request" | "send-one-way-request"));
    let diagnostic = Diagnostic::new(
        Code::RetrySendsNothing,
        condition.value.span,
        "`retry` checks the response again, but nothing inside it renews `context.Response`",
    );
    let Some(sender) = sender else {
        out.push(diagnostic.with_help(
            "put `<forward-request buffer-request-body=\"true\" />` inside the `retry`, after what should change between tries",
        ));
        return;
    };
    let element = sender.element.as_str();
    let variable = sender.literal("response-variable-name");
    let label = match variable {
        Some(variable) => {
            format!("`{element}` puts its response in `{variable}`, not in `context.Response`")
        }
        None => format!("`{element}` does not change `context.Response`"),
    };
    let diagnostic = diagnostic.with_label(sender.name_span, label).with_help(format!(
        "test the response `{element}` gets, `((IResponse)context.Variables[\"{}\"]).StatusCode`, or forward the request inside the `retry`",
        variable.unwrap_or("its-response-variable-name")
    ));
    out.push(diagnostic);
}

/// Attributes the page says have no effect in one of the policy's sections (GH0279).
const NO_EFFECT_IN: &[(&str, &str, Section, &str)] = &[
    (
        "llm-content-safety",
        "enforce-on-completions",
        Section::Outbound,
        "in `outbound` the policy checks the response already: \"this attribute is ignored\"",
    ),
    (
        "llm-content-safety",
        "window-size",
        Section::Inbound,
        "the page (03/23/2026) says the window is \"configurable only for responses\"",
    ),
];

/// GH0279: an attribute the policy's page says is ignored in the section it is in. In a
/// fragment the section is the includer's, unknown here.
fn check_section_attributes(policy: &Policy, section: Option<Section>, out: &mut Vec<Diagnostic>) {
    let Some(section) = section else { return };
    for (element, name, ignored_in, why) in NO_EFFECT_IN {
        if policy.element != *element || section != *ignored_in {
            continue;
        }
        if let Some(attribute) = policy.attribute(name) {
            out.push(
                Diagnostic::new(
                    Code::AttributeWithoutEffect,
                    attribute.name_span,
                    format!("`{name}` has no effect in `{}`", ignored_in.element()),
                )
                .with_help(format!(
                    "{why}; remove it, or move the policy to the section it acts in"
                )),
            );
        }
    }
}

/// Entra ID's sign-in hosts, where the discovery document is always under `.well-known`.
const ENTRA_HOSTS: &[&str] = &[
    "login.microsoftonline.com",
    "login.microsoftonline.us",
    "login.partner.microsoftonline.cn",
    "login.chinacloudapi.cn",
    "sts.windows.net",
];

/// GH0269: the discovery document is `…/.well-known/openid-configuration` (OpenID Connect
/// Discovery 1.0, section 4): a misspelt last segment, or an Entra ID URL without
/// `.well-known` (the issuer or its key set), fetches no keys.
fn check_openid_config_url(value: &Content, out: &mut Vec<Diagnostic>) {
    const DOCUMENT: &str = "openid-configuration";
    let Some(url) = value.literal().map(str::trim) else {
        return;
    };
    let Some((_, after_scheme)) = url.split_once("://") else {
        return; // not absolute: GH0251's
    };
    let without_query = after_scheme
        .split(['?', '#'])
        .next()
        .unwrap_or(after_scheme);
    let (host, path) = without_query.split_once('/').unwrap_or((without_query, ""));
    // `login.microsoftonline.com/{tenant-id}/v2.0/…` or `YOUR_TENANT_ID`, `https://YOUR_DOMAIN/…`,
    // as guides write what to fill in: the gateway would fetch that URL as written and get no
    // keys. (A `{…}` host is GH0251's: no URL parser takes it.)
    let placeholder = token_value_placeholder(path).or_else(|| {
        (!host.contains('{'))
            .then(|| token_value_placeholder(host))
            .flatten()
    });
    if let Some(placeholder) = placeholder {
        out.push(
            Diagnostic::new(
                Code::OpenidConfigUrl,
                value.span,
                format!("`{placeholder}` in the url is a placeholder, so no metadata is fetched"),
            )
            .with_help(placeholder_help(url).unwrap_or(
                "write the real value in its place (for entra id, the tenant's id or domain), or a named value: `{{tenant-id}}`",
            )),
        );
    }
    let host = host.to_ascii_lowercase();
    let diagnostic = match path.rsplit_once(".well-known/") {
        Some((_, name)) => {
            let name = name.trim_end_matches('/');
            if name == DOCUMENT
                || name == "oauth-authorization-server"
                || gatehouse_diagnostics::edit_distance(&name.to_ascii_lowercase(), DOCUMENT) > 3
            {
                return;
            }
            Diagnostic::new(
                Code::OpenidConfigUrl,
                value.span,
                format!("`.well-known/{name}` is not the openid discovery document"),
            )
            .with_help(format!("did you mean `.well-known/{DOCUMENT}`?"))
        }
        None if ENTRA_HOSTS.contains(&host.as_str())
            || host.ends_with(".b2clogin.com")
            || host.ends_with(".ciamlogin.com") =>
        {
            let base = url
                .split(['?', '#'])
                .next()
                .unwrap_or(url)
                .trim_end_matches('/');
            let help = if base.ends_with("/keys") {
                "this is the key set; `openid-config` takes the discovery document that names it: `…/v2.0/.well-known/openid-configuration`".to_owned()
            } else {
                format!("append the document's path: `{base}/.well-known/{DOCUMENT}`")
            };
            Diagnostic::new(
                Code::OpenidConfigUrl,
                value.span,
                "this entra id url is not an openid discovery document",
            )
            .with_help(help)
        }
        None => return,
    };
    out.push(diagnostic);
}

/// What an Entra ID value names, for GH0271.
#[derive(Clone, Copy)]
enum EntraId {
    /// `validate-azure-ad-token tenant-id`: a GUID, a domain, or a URL of one.
    Tenant,
    /// `<client-application-ids><application-id>`: a client's application ID, a GUID.
    Application,
    /// `authentication-managed-identity client-id`: a user-assigned identity's client ID.
    ManagedIdentity,
}

/// GH0271: a literal tenant or client ID that cannot be one, most often a guide's placeholder.
fn check_entra_id(
    value: &Content,
    kind: EntraId,
    named_values: Option<&NamedValues>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(known) = KnownText::of(value, named_values) else {
        return; // an expression, or a named value whose value is not known here
    };
    let text = known.text.as_str();
    // `<tenant>` is the reader's GH0012; an empty value is GH0203's.
    if text.is_empty()
        || text.contains(['<', '>'])
        || gatehouse_expr::net::guid::parse(text).is_some()
    {
        return;
    }
    if matches!(kind, EntraId::Tenant) && is_tenant_name(text) {
        return;
    }
    let shown = known.shown();
    let (message, fix) = match kind {
        EntraId::Tenant => (
            format!("{shown} is neither a tenant id nor a domain"),
            "write the directory (tenant) id, a guid, or a domain of the tenant such as `contoso.onmicrosoft.com`",
        ),
        EntraId::Application => (
            format!("{shown} is not an application (client) id"),
            "write the client application's id, the guid on its app registration's overview",
        ),
        EntraId::ManagedIdentity => (
            format!("{shown} is not the client id of a managed identity"),
            "write the user-assigned identity's client id, a guid, or leave `client-id` out to use the system-assigned identity",
        ),
    };
    let help = match (placeholder_help(text), &known.from) {
        (Some(help), _) => help.to_owned(),
        (None, Some(from)) => format!("correct the named value `{from}`: {fix}"),
        (None, None) => format!("{fix}; or take it from a named value, `{{{{name}}}}`"),
    };
    out.push(Diagnostic::new(Code::EntraIdValue, value.span, message).with_help(help));
}

/// A value's text when it is known: written as it is, or built from named values whose
/// values are known and not secret (a secret's value is never shown, nor judged here).
struct KnownText {
    text: String,
    /// The value as written, when named values were replaced (`{{tenant-id}}`).
    from: Option<String>,
}

impl KnownText {
    fn of(value: &Content, named_values: Option<&NamedValues>) -> Option<KnownText> {
        if let Some(text) = value.literal() {
            return Some(KnownText {
                text: text.trim().to_owned(),
                from: None,
            });
        }
        if value.has_expression() {
            return None;
        }
        let substituted = named_values?.substitute(&value.text)?;
        if substituted.has_secret
            || crate::named_values::whole_expression(&substituted.text).is_some()
        {
            return None;
        }
        Some(KnownText {
            text: substituted.text.trim().to_owned(),
            from: Some(value.text.trim().to_owned()),
        })
    }

    /// `` `x` ``, or `` `x` (from `{{name}}`) ``.
    fn shown(&self) -> String {
        match &self.from {
            Some(from) => format!("`{}` (from `{from}`)", self.text),
            None => format!("`{}`", self.text),
        }
    }
}

/// A tenant's domain (`contoso.onmicrosoft.com`), a URL of one, or a name Entra ID knows for
/// a group of tenants.
fn is_tenant_name(text: &str) -> bool {
    if ["common", "organizations", "consumers"]
        .iter()
        .any(|name| text.eq_ignore_ascii_case(name))
    {
        return true;
    }
    let host = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
        .map_or(text, |rest| rest.split('/').next().unwrap_or(rest));
    let labels: Vec<&str> = host.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty() && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

/// GH0272: the audiences, issuers and required claim values a token is compared with, where a
/// guide's placeholder left in matches no token.
fn check_token_value_placeholders(
    policy: &Policy,
    named_values: Option<&NamedValues>,
    out: &mut Vec<Diagnostic>,
) {
    let lists = [("audiences", "audience"), ("issuers", "issuer")];
    let mut values: Vec<&Content> = Vec::new();
    for (list, item) in lists {
        for config in policy.config(list) {
            values.extend(
                config
                    .config
                    .iter()
                    .filter(|c| c.name == item)
                    .filter_map(|c| c.text.as_ref()),
            );
        }
    }
    for claims in policy.config("required-claims") {
        for claim in claims.config.iter().filter(|c| c.name == "claim") {
            values.extend(
                claim
                    .config
                    .iter()
                    .filter(|c| c.name == "value")
                    .filter_map(|c| c.text.as_ref()),
            );
        }
    }
    for value in values {
        let Some(known) = KnownText::of(value, named_values) else {
            continue; // an expression, or a named value whose value is not known here
        };
        let text = known.text.as_str();
        let Some(placeholder) = token_value_placeholder(text) else {
            continue;
        };
        let help = match (placeholder_help(text), &known.from) {
            (Some(help), _) => help.to_owned(),
            (None, Some(from)) => {
                format!(
                    "correct the named value `{from}`: write the real value in place of `{placeholder}`"
                )
            }
            (None, None) => format!(
                "write the real value in place of `{placeholder}`, or take it from a named value: `{{{{name}}}}`"
            ),
        };
        let message = match &known.from {
            Some(from) => {
                format!("`{placeholder}` (in `{from}`) is a placeholder, and no token carries it")
            }
            None => format!("`{placeholder}` is a placeholder, and no token carries it"),
        };
        out.push(Diagnostic::new(Code::TokenValuePlaceholder, value.span, message).with_help(help));
    }
}

/// Attributes that name an entity of the APIM instance, and what the entity is called.
/// (`fragment-id` is judged against the fragment set, when one is given: GH0227.)
const ENTITY_NAMES: &[(&str, &str)] = &[
    ("backend-id", "backend"),
    ("embeddings-backend-id", "backend"),
    ("logger-id", "logger"),
    ("certificate-id", "certificate"),
    ("issuer-certificate-id", "certificate"),
    ("schema-id", "schema"),
    ("provider-id", "credential provider"),
    ("authorization-id", "connection"),
];

/// GH0275: `backend-id="{backend-id}"`, on a policy or any of its configuration elements.
fn check_entity_names(
    attributes: &[Attribute],
    config: &[Config],
    named_values: Option<&NamedValues>,
    out: &mut Vec<Diagnostic>,
) {
    for attribute in attributes {
        let Some((_, entity)) = ENTITY_NAMES
            .iter()
            .find(|(name, _)| *name == attribute.name)
        else {
            continue;
        };
        let Some(known) = KnownText::of(&attribute.value, named_values) else {
            continue;
        };
        let text = known.text.as_str();
        let Some(placeholder) = token_value_placeholder(text) else {
            continue;
        };
        let help = match (placeholder_help(text), &known.from) {
            (Some(help), _) => help.to_owned(),
            (None, Some(from)) => format!(
                "correct the named value `{from}`: write the {entity}'s name in place of `{placeholder}`"
            ),
            (None, None) => format!(
                "write the {entity}'s name as the instance knows it, or take it from a named value: `{{{{name}}}}`"
            ),
        };
        let shown = match &known.from {
            Some(from) => format!("`{placeholder}` (in `{from}`)"),
            None => format!("`{placeholder}`"),
        };
        out.push(
            Diagnostic::new(
                Code::EntityNamePlaceholder,
                attribute.value.span,
                format!("{shown} is a placeholder: no {entity} has that name"),
            )
            .with_help(help),
        );
    }
    for child in config {
        check_entity_names(&child.attributes, &child.config, named_values, out);
    }
}

/// The placeholder in a value as guides write one: `{word}` anywhere (`{{name}}` is a named
/// value and never literal), `%name%` whole, or a `your-…` word, alone or as a URL's segment.
pub fn token_value_placeholder(text: &str) -> Option<&str> {
    let mut from = 0;
    while let Some(open) = text
        .get(from..)
        .and_then(|rest| rest.find('{'))
        .map(|at| from + at)
    {
        let Some(close) = text
            .get(open..)
            .and_then(|rest| rest.find('}'))
            .map(|at| open + at)
        else {
            break;
        };
        let word = text.get(open + 1..close).unwrap_or_default();
        if !word.trim().is_empty()
            && word
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ' '))
        {
            // `${name}` of a template shown whole.
            let start = if open > 0 && text.get(open - 1..open) == Some("$") {
                open - 1
            } else {
                open
            };
            return text.get(start..=close);
        }
        from = open + 1;
    }
    if text.len() > 2
        && text.starts_with('%')
        && text.ends_with('%')
        && !text
            .get(1..text.len() - 1)
            .unwrap_or_default()
            .contains('%')
    {
        return Some(text);
    }
    text.split(['/', ':']).find(|segment| {
        let lower = segment.to_ascii_lowercase();
        ["your-", "your_", "your "]
            .iter()
            .any(|prefix| lower.starts_with(prefix) && lower.len() > prefix.len())
    })
}

/// The semantic caches' `score-threshold` (a distance, 0.0 to 1.0): outside that range an
/// error; above the 0.2 the documentation warns about, GH0274.
fn check_score_threshold(value: &Content, out: &mut Vec<Diagnostic>) {
    let Some(threshold) = value.literal().and_then(|t| t.trim().parse::<f64>().ok()) else {
        return;
    };
    if !(0.0..=1.0).contains(&threshold) {
        out.push(
            Diagnostic::new(
                Code::ValueOutOfRange,
                value.span,
                format!("`score-threshold` is {threshold}, outside 0.0–1.0"),
            )
            .with_help("use a value from 0.0 to 1.0; lower values require closer prompts"),
        );
    } else if threshold > 0.2 {
        out.push(
            Diagnostic::new(
                Code::LooseSemanticCacheThreshold,
                value.span,
                format!(
                    "`score-threshold` {threshold} is a distance: prompts unlike the cached one match"
                ),
            )
            .with_help(
                "lower is stricter: start near 0.05, as the documentation advises (above 0.2 it warns of cache mismatches)",
            ),
        );
    }
}

/// GH0273: `cache-remove-value key="users-*"`, a pattern the cache does not know: a literal
/// key with `*`, or an expression whose string literal ends in one (`@("users-list-*")`).
fn check_cache_key_wildcard(value: &Content, out: &mut Vec<Diagnostic>) {
    let wildcard = match value.literal() {
        Some(text) => text.contains('*'),
        None => value.text.contains("*\"") || value.text.contains("*&quot;"),
    };
    if wildcard {
        out.push(
            Diagnostic::new(
                Code::CacheKeyWildcard,
                value.span,
                "`*` in a cache key is not a pattern: this removes only the entry whose key has a `*`",
            )
            .with_help(
                "remove each key by its exact name, or put a version in the keys and change it to make old entries unreachable",
            ),
        );
    }
}

/// Keys from an identity provider's metadata sign tokens for every application it serves;
/// only an audience check makes a token this API's.
fn check_jwt_audience(policy: &Policy, out: &mut Vec<Diagnostic>) {
    let Some(provider) = policy.config("openid-config").next() else {
        return;
    };
    let audience_listed = policy
        .config("audiences")
        .any(|audiences| audiences.config.iter().any(|c| c.name == "audience"));
    let audience_claim_required = policy.config("required-claims").any(|claims| {
        claims.config.iter().any(|claim| {
            claim.name == "claim"
                && claim
                    .attribute("name")
                    .is_some_and(|name| name.literal().is_none_or(|text| text.trim() == "aud"))
        })
    });
    if !audience_listed && !audience_claim_required {
        out.push(
            Diagnostic::new(
                Code::JwtAnyAudience,
                policy.name_span,
                "`validate-jwt` accepts a token the provider issued to any application: no audience is checked",
            )
            .with_label(provider.name_span, "these keys sign tokens for every application of this provider")
            .with_help(
                "add `<audiences><audience>…</audience></audiences>` with the `aud` value of this API's tokens (Entra ID: its application ID URI or client ID)",
            ),
        );
    }
}

/// `address` is one IP address, `address-range` two of one family in order.
fn check_ip_filter(policy: &Policy, out: &mut Vec<Diagnostic>) {
    for address in policy.config("address") {
        if let Some(text) = address.text.as_ref() {
            ip_of(text, out);
        }
    }
    for range in policy.config("address-range") {
        let from = range.attribute("from").and_then(|a| ip_of(&a.value, out));
        let to = range.attribute("to").and_then(|a| ip_of(&a.value, out));
        let (Some(from), Some(to)) = (from, to) else {
            continue;
        };
        let empty = match (from, to) {
            (std::net::IpAddr::V4(a), std::net::IpAddr::V4(b)) => a > b,
            (std::net::IpAddr::V6(a), std::net::IpAddr::V6(b)) => a > b,
            _ => true,
        };
        if empty {
            let mixed = from.is_ipv4() != to.is_ipv4();
            out.push(
                Diagnostic::new(
                    Code::EmptyIpRange,
                    range.name_span,
                    if mixed {
                        format!("the range from `{from}` to `{to}` mixes IPv4 and IPv6: it contains no address")
                    } else {
                        format!("the range from `{from}` to `{to}` runs backwards: it contains no address")
                    },
                )
                .with_help(if mixed {
                    "use one range per address family".to_owned()
                } else {
                    format!("swap them: `from=\"{to}\" to=\"{from}\"`")
                }),
            );
        }
    }
}

/// The address `value` holds, or `None` (reported when it is no address; expressions and
/// named values are not judged here).
fn ip_of(value: &Content, out: &mut Vec<Diagnostic>) -> Option<std::net::IpAddr> {
    let text = value.literal()?.trim();
    if let Ok(address) = text.parse::<std::net::IpAddr>() {
        return Some(address);
    }
    // .NET's IPAddress.Parse also reads legacy IPv4 forms (`10.1`, `0x0a.0.0.1`): not judged.
    let legacy = !text.is_empty()
        && !text.contains('/')
        && text.split('.').count() <= 4
        && text.split('.').all(|part| {
            let digits = part
                .strip_prefix("0x")
                .or_else(|| part.strip_prefix("0X"))
                .unwrap_or(part);
            !digits.is_empty() && digits.chars().all(|c| c.is_ascii_hexdigit())
        })
        && !four_decimal_parts_over_255(text);
    if legacy {
        return None;
    }
    let help = match cidr_range(text) {
        Some((from, to)) => format!(
            "ip-filter takes no CIDR block: write `<address-range from=\"{from}\" to=\"{to}\" />`"
        ),
        None => "write one IPv4 or IPv6 address, such as `203.0.113.7`".to_owned(),
    };
    out.push(
        Diagnostic::new(
            Code::InvalidIpAddress,
            value.span,
            format!("`{text}` is not a single ip address"),
        )
        .with_help(help),
    );
    None
}

/// `a.b.c.d` with a part above 255: the legacy forms do not save it.
fn four_decimal_parts_over_255(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
        && parts
            .iter()
            .any(|p| p.parse::<u32>().map_or(true, |n| n > 255))
}

/// The first and last address of an IPv4 CIDR block (`10.0.0.0/24`).
fn cidr_range(text: &str) -> Option<(std::net::Ipv4Addr, std::net::Ipv4Addr)> {
    let (address, prefix) = text.split_once('/')?;
    let address: std::net::Ipv4Addr = address.trim().parse().ok()?;
    let prefix: u32 = prefix.trim().parse().ok().filter(|p| *p <= 32)?;
    let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
    let first = u32::from(address) & mask;
    Some((first.into(), (first | !mask).into()))
}

/// `scheme://host[:port]`, with an optional trailing `/` as the docs' example writes it.
fn is_origin(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once("://") else {
        return false;
    };
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    // An IPv6 host is bracketed: `[::1]:8080`.
    let (host, port) = match authority.strip_prefix('[') {
        Some(bracketed) => match bracketed.split_once(']') {
            Some((host, after)) => match after.strip_prefix(':') {
                Some(port) => (host, Some(port)),
                None if after.is_empty() => (host, None),
                None => return false,
            },
            None => return false,
        },
        None => match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    let scheme_ok = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    let host_ok = !host.is_empty()
        && host.chars().all(|c| {
            !c.is_whitespace()
                && !c.is_control()
                && !matches!(c, '/' | '?' | '#' | '"' | '\'' | '@')
        });
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.chars().all(|c| c.is_ascii_digit()));
    scheme_ok && host_ok && port_ok
}

/// The configuration elements at `path` below `config` (`["api", "operation"]`: every
/// `operation` of every `api`).
fn configs_at<'c>(config: &'c [Config], path: &[&str]) -> Vec<&'c Config> {
    let Some((first, rest)) = path.split_first() else {
        return Vec::new();
    };
    let here = config.iter().filter(|c| c.name == *first);
    if rest.is_empty() {
        here.collect()
    } else {
        here.flat_map(|c| configs_at(&c.config, rest)).collect()
    }
}

/// Exactly one of `group` among the policy's child elements; `write-request` of type
/// `replace` also needs its `id` ("Yes when `type` is `replace`").
fn check_one_child_of(policy: &Policy, group: &[&str], out: &mut Vec<Diagnostic>) {
    let name = policy.element.as_str();
    let given: Vec<&Config> = policy
        .config
        .iter()
        .filter(|c| group.contains(&c.name.as_str()))
        .collect();
    match given.as_slice() {
        [] => out.push(
            Diagnostic::new(
                Code::MissingOneOf,
                policy.name_span,
                format!(
                    "`{name}` needs one of the elements {}",
                    join(group.iter().copied())
                ),
            )
            .with_help(format!(
                "add the one request the resolver makes, as in `<{}>…</{}>`",
                group.first().copied().unwrap_or_default(),
                group.first().copied().unwrap_or_default()
            )),
        ),
        [first, rest @ ..] => {
            for second in rest {
                out.push(
                    Diagnostic::new(
                        Code::ConflictingAttributes,
                        second.name_span,
                        format!(
                            "`{name}` takes only one of the elements {}",
                            join(group.iter().copied())
                        ),
                    )
                    .with_label(first.name_span, "the first is here")
                    .with_help(format!(
                        "a resolver makes one request: remove `<{}>` or the other one",
                        second.name
                    )),
                );
            }
        }
    }
    for write in given.iter().filter(|c| c.name == "write-request") {
        let replace = write
            .attribute("type")
            .and_then(Attribute::literal)
            .is_some_and(|t| t.trim() == "replace");
        if replace && !write.config.iter().any(|c| c.name == "id") {
            out.push(
                Diagnostic::new(
                    Code::MissingChild,
                    write.name_span,
                    "`write-request` of type `replace` needs the element `id`",
                )
                .with_help("add `<id>` inside `<write-request>`: it names the item replaced"),
            );
        }
    }
}

/// GH0235 at `at`, the name of the element `element` that needs one of `group`.
fn missing_one_of(element: &str, at: Span, group: &[&str]) -> Diagnostic {
    Diagnostic::new(
        Code::MissingOneOf,
        at,
        format!("`{element}` needs one of {}", join(group.iter().copied())),
    )
    .with_help(format!(
        "add `{}=\"…\"`",
        group.first().copied().unwrap_or_default()
    ))
}

fn check_range(
    value: Option<&Content>,
    attribute: &str,
    low: i64,
    high: i64,
    out: &mut Vec<Diagnostic>,
) {
    let Some(value) = value else { return };
    let Some(number) = value.literal().and_then(|t| t.trim().parse::<i64>().ok()) else {
        return;
    };
    if number < low || number > high {
        let code =
            if attribute == "code" || attribute.ends_with("httpcode") || attribute == "status-code"
            {
                Code::InvalidStatusCode
            } else {
                Code::ValueOutOfRange
            };
        out.push(
            Diagnostic::new(
                code,
                value.span,
                format!("`{attribute}` is {number}, outside {low}–{high}"),
            )
            .with_help(format!("use a value from {low} to {high}")),
        );
    }
}

fn check_request(policy: &Policy, misspelt: &[(Span, &'static str)], out: &mut Vec<Diagnostic>) {
    let copy = policy
        .literal("mode")
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("copy"));
    if !copy {
        let missing: Vec<&str> = ["set-url", "set-method"]
            .into_iter()
            .filter(|c| policy.config(c).next().is_none())
            .filter(|c| !misspelt.contains(&(policy.name_span, *c)))
            .collect();
        if !missing.is_empty() {
            out.push(
                Diagnostic::new(
                    Code::MissingRequestUrl,
                    policy.name_span,
                    format!("`{}` in new mode needs {}", policy.element, join(missing.iter().copied())),
                )
                .with_help("add the missing elements, or use `mode=\"copy\"` to start from the current request"),
            );
        }
    }
    for url in policy.config("set-url") {
        if let Some(text) = &url.text {
            check_url(text, out);
        }
    }
    for method in policy.config("set-method") {
        check_method(method.text.as_ref(), method.name_span, out);
    }
    for header in policy.config("set-header") {
        let name = header.attribute("name");
        check_header(
            name.and_then(|a| a.literal()),
            header.attribute("exists-action").and_then(|a| a.literal()),
            name.map(|a| a.value.span),
            out,
        );
    }
}

fn check_method(text: Option<&Content>, element: Span, out: &mut Vec<Diagnostic>) {
    let Some(text) = text else { return };
    let Some(method) = text.literal() else { return };
    let method = method.trim();
    let token = !method.is_empty() && method.bytes().all(|b| b.is_ascii_alphabetic() || b == b'-');
    if !token {
        let span = if method.is_empty() {
            element
        } else {
            text.span
        };
        out.push(
            Diagnostic::new(
                Code::InvalidHttpMethod,
                span,
                format!("`{method}` is not an http method"),
            )
            .with_help("write a method such as `GET`, `POST` or `DELETE`"),
        );
    }
}

fn check_url(value: &Content, out: &mut Vec<Diagnostic>) {
    let Some(url) = value.literal() else { return };
    let url = url.trim();
    if url.is_empty() {
        out.push(
            Diagnostic::new(Code::InvalidUrl, value.span, "the url is empty").with_help(
                "write the scheme and host, for example `https://backend.example.com/api`",
            ),
        );
        return;
    }
    // .NET's `Uri` ends the host at `/`, `\`, `?` or `#`: `https://#{host}#/api` has no host.
    let absolute = ["http://", "https://"].iter().any(|scheme| {
        url.get(..scheme.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(scheme))
            && url
                .get(scheme.len()..)
                .and_then(|rest| rest.chars().next())
                .is_some_and(|first| !matches!(first, '/' | '\\' | '?' | '#'))
    });
    if !absolute {
        let help = placeholder_help(url)
            .unwrap_or("write the scheme and host, for example `https://backend.example.com/api`");
        out.push(
            Diagnostic::new(
                Code::InvalidUrl,
                value.span,
                format!("`{url}` is not an absolute http or https url"),
            )
            .with_help(help),
        );
        return;
    }
    if let Some(problem) = authority_problem(url) {
        let help = placeholder_help(url).unwrap_or(match problem {
            _ if url.contains('{') => {
                "`{…}` is a guide's placeholder: write the real value in its place, or a named value `{{name}}`"
            }
            AuthorityProblem::Host(_) => {
                "a host name is letters, digits, `-` and `_` in dot-separated labels"
            }
            AuthorityProblem::Port(_) => "a port is a whole number from 0 to 65535",
        });
        let message = match problem {
            AuthorityProblem::Host(host) => {
                format!("`{host}` is not a host name, so no request is sent")
            }
            AuthorityProblem::Port(port) => {
                format!("`{port}` is not a port, so no request is sent")
            }
        };
        out.push(Diagnostic::new(Code::InvalidUrl, value.span, message).with_help(help));
    }
}

enum AuthorityProblem<'u> {
    Host(&'u str),
    Port(&'u str),
}

/// What .NET's `Uri` (which APIM parses urls with) refuses in an absolute url's authority:
/// a host with characters no host name has (`{your-app}`, `${host}`, a space, `a..b`), or a
/// port that is not a number up to 65535. Userinfo and IPv6 literals pass; so does a host
/// that is only letters, digits, `-`, `_` and dots, in any script, as `Uri` allows.
fn authority_problem(url: &str) -> Option<AuthorityProblem<'_>> {
    let rest = url.split_once("://")?.1;
    let end = rest.find(['/', '\\', '?', '#']).unwrap_or(rest.len());
    let authority = rest.get(..end)?;
    let host_and_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, after)| after);
    if host_and_port.starts_with('[') || host_and_port.contains(['<', '>']) {
        // An IPv6 literal; or `<placeholder>`, which the reader reports (GH0012).
        return None;
    }
    let (host, port) = match host_and_port.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (host_and_port, None),
    };
    let label_ok = |label: &str| {
        !label.is_empty()
            && label
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    };
    let labels: Vec<&str> = host.split('.').collect();
    // One trailing dot names the root zone, and `Uri` takes it.
    let labels = match labels.split_last() {
        Some((last, init)) if last.is_empty() && !init.is_empty() => init,
        _ => &labels[..],
    };
    if host.is_empty() || !labels.iter().all(|label| label_ok(label)) {
        return Some(AuthorityProblem::Host(host));
    }
    if let Some(port) = port
        && !port.is_empty()
        && port.parse::<u16>().is_err()
    {
        return Some(AuthorityProblem::Port(port));
    }
    None
}

/// GH0268 for every header name the element and its configuration elements give as
/// literal text: attributes named `header-name` or `…-header-name`, the `name` of
/// `set-header`, `check-header` and `validate-headers`' `header`, and the text of cors's
/// `header` (`*` allowed) and of `vary-by-header`.
fn check_header_names(
    element: &str,
    attributes: &[Attribute],
    config: &[Config],
    out: &mut Vec<Diagnostic>,
) {
    let names_a_header = matches!(element, "set-header" | "check-header" | "header");
    for attribute in attributes {
        if attribute.name.ends_with("header-name") || (names_a_header && attribute.name == "name") {
            check_header_name(&attribute.value, out);
        }
    }
    for child in config {
        if matches!(child.name.as_str(), "header" | "vary-by-header")
            && let Some(text) = &child.text
            && text.literal().is_none_or(|name| name.trim() != "*")
        {
            check_header_name(text, out);
        }
        check_header_names(&child.name, &child.attributes, &child.config, out);
    }
}

fn check_header_name(value: &Content, out: &mut Vec<Diagnostic>) {
    let Some(name) = value.literal().map(str::trim) else {
        return;
    };
    let is_token = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if is_token || name.is_empty() {
        return;
    }
    // `X-Tier exists-action=override`: the value ran on into the next attribute.
    let next_attribute = name
        .split_whitespace()
        .skip(1)
        .find_map(|word| word.split_once('=').map(|(key, _)| key))
        .filter(|key| !key.is_empty());
    let placeholder = name
        .find('{')
        .and_then(|open| name.get(open..))
        .and_then(|rest| rest.find('}').and_then(|close| rest.get(..=close)));
    let help = if let Some(placeholder) = placeholder {
        // A sample's `x-ms-meta-{MyMetadataName1}`, meant to be filled in.
        format!("`{placeholder}` is a placeholder: write the header name in its place")
    } else if let Some(key) = next_attribute {
        let first = name.split_whitespace().next().unwrap_or_default();
        format!(
            "a closing quote seems forgotten: the name runs on into `{key}=`; write `\"{first}\"` and then `{key}=\"…\"`"
        )
    } else if let Some((before, _)) = name.split_once(':') {
        format!(
            "write the name alone, `{}`, and the value where the policy takes it",
            before.trim()
        )
    } else if name.contains(char::is_whitespace) {
        format!(
            "header names have no spaces: `{}`",
            name.split_whitespace().collect::<Vec<_>>().join("-")
        )
    } else {
        "a header name is letters, digits and ``!#$%&'*+-.^_`|~``".to_owned()
    };
    out.push(
        Diagnostic::new(
            Code::InvalidHeaderName,
            value.span,
            format!("`{name}` is not a valid header name"),
        )
        .with_help(help),
    );
}

/// A deployment's placeholder left in a literal: the value APIM gets is not the one the author
/// meant, so the useful help is where the real value comes from, not how to spell it.
pub(crate) fn placeholder_help(text: &str) -> Option<&'static str> {
    if text.contains("%{") {
        Some(
            "`%{ … }` is a Terraform template directive: lint the policy as `templatefile` renders it",
        )
    } else if text.contains("${") {
        Some(
            "`${…}` is a template placeholder: lint the policy as your deployment renders it (Terraform, Bicep or a pipeline fills it in)",
        )
    } else if text.contains("#{") {
        Some(
            "`#{…}#` is a pipeline's replace-tokens placeholder: lint the policy as your deployment renders it, after the tokens are replaced",
        )
    } else {
        None
    }
}

fn check_header(
    name: Option<&str>,
    action: Option<&str>,
    span: Option<Span>,
    out: &mut Vec<Diagnostic>,
) {
    let (Some(name), Some(span)) = (name, span) else {
        return;
    };
    let lower = name.trim().to_ascii_lowercase();
    let deleting = action.is_some_and(|a| a.trim().eq_ignore_ascii_case("delete"));
    if PROTECTED_HEADERS.contains(&lower.as_str()) || (lower == "server" && deleting) {
        out.push(
            Diagnostic::new(
                Code::ProtectedHeader,
                span,
                format!(
                    "the gateway manages `{}` itself; this policy has no effect",
                    name.trim()
                ),
            )
            .with_help("remove the policy"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::{cidr_range, is_origin};

    #[test]
    fn cidr_blocks_become_their_first_and_last_address() {
        let range = |text| cidr_range(text).map(|(a, b)| format!("{a}-{b}"));
        let some = |text: &str| Some(text.to_owned());
        assert_eq!(range("10.1.2.3/16"), some("10.1.0.0-10.1.255.255"));
        assert_eq!(range("0.0.0.0/0"), some("0.0.0.0-255.255.255.255"));
        assert_eq!(range("192.0.2.7/32"), some("192.0.2.7-192.0.2.7"));
        assert_eq!(range("192.0.2.7/33"), None);
        assert_eq!(range("2001:db8::/32"), None);
    }

    #[test]
    fn origins_are_scheme_host_and_optional_port() {
        for fine in [
            "https://app.example.com",
            "http://localhost:8080/",
            "https://[::1]:8443",
            "chrome-extension://abcdef",
        ] {
            assert!(is_origin(fine), "{fine}");
        }
        for wrong in [
            "app.example.com",
            "https://",
            "https://app.example.com/path",
            "https://app.example.com:port",
            "\"https://app.example.com\"",
            "https://user@app.example.com",
        ] {
            assert!(!is_origin(wrong), "{wrong}");
        }
    }
}
