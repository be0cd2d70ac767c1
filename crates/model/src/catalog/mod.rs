//! What APIM knows about each policy, as one declarative table.
//!
//! `table.rs` is generated from `../shared/reference/policies.json` by
//! `cargo test -p gatehouse-model --test catalog -- --ignored regenerate` and checked against
//! it by the same test file, so the table cannot drift from the reference silently. Where the
//! official documentation disagrees with the reference, the generator applies a correction
//! listed in [`DOC_CORRECTIONS`]: the docs win. Facts the reference keeps only in prose notes
//! (policies allowed once, ranges) live in `rules.rs` beside this table.

mod table;

use gatehouse_diagnostics::edit_distance;

pub use table::POLICIES;

/// A section of a policy document, in the order the pipeline runs them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Section {
    Inbound,
    Backend,
    Outbound,
    OnError,
}

impl Section {
    pub const ALL: [Section; 4] = [
        Section::Inbound,
        Section::Backend,
        Section::Outbound,
        Section::OnError,
    ];

    pub fn element(self) -> &'static str {
        match self {
            Section::Inbound => "inbound",
            Section::Backend => "backend",
            Section::Outbound => "outbound",
            Section::OnError => "on-error",
        }
    }

    pub fn from_element(name: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.element() == name)
    }
}

/// Where a policy document is attached, broadest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    Global,
    Workspace,
    Product,
    Api,
    Operation,
    /// GraphQL resolver policies: a scope of their own, outside the section pipeline.
    GraphqlResolver,
}

impl Scope {
    pub const ALL: [Scope; 6] = [
        Scope::Global,
        Scope::Workspace,
        Scope::Product,
        Scope::Api,
        Scope::Operation,
        Scope::GraphqlResolver,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scope::Global => "global",
            Scope::Workspace => "workspace",
            Scope::Product => "product",
            Scope::Api => "api",
            Scope::Operation => "operation",
            Scope::GraphqlResolver => "graphql-resolver",
        }
    }

    pub fn parse(name: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// What an attribute's value must look like when it is not an expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    String,
    Integer,
    Boolean,
    Double,
    Decimal,
    Char,
    Bytes,
    DateTime,
    /// A duration given as a whole number of seconds.
    Seconds,
    /// Anything: `set-variable value` stores what it is given.
    Any,
}

impl ValueKind {
    pub fn describe(self) -> &'static str {
        match self {
            ValueKind::String => "text",
            ValueKind::Integer => "a whole number",
            ValueKind::Boolean => "`true` or `false`",
            ValueKind::Double | ValueKind::Decimal => "a number",
            ValueKind::Char => "one character",
            ValueKind::Bytes => "base64 bytes",
            ValueKind::DateTime => "a date and time (yyyy-MM-ddTHH:mm:ssZ)",
            ValueKind::Seconds => "a number of seconds",
            ValueKind::Any => "any value",
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub struct AttributeSpec {
    pub name: &'static str,
    pub kind: ValueKind,
    pub required: bool,
    pub default: Option<&'static str>,
    /// Whether `@(…)`/`@{…}` may give the value.
    pub expressions: bool,
    /// The only values allowed, when the attribute is an enumeration.
    pub values: &'static [&'static str],
}

#[derive(Debug, PartialEq, Eq)]
pub struct ChildSpec {
    pub name: &'static str,
    pub required: bool,
    pub repeat: bool,
    /// Whether the element's text may be an expression.
    pub text_expressions: bool,
    /// Whether the element holds policies (`when`, `otherwise`).
    pub contains_policies: bool,
    /// Whether the element holds foreign XML that APIM passes on unchecked
    /// (`xsl:stylesheet`, `cross-domain-policy`).
    pub foreign_content: bool,
    pub attributes: &'static [AttributeSpec],
    pub children: &'static [ChildSpec],
}

/// The element text a policy takes (`log-to-eventhub` logs its text).
#[derive(Debug, PartialEq, Eq)]
pub struct TextSpec {
    pub required: bool,
    pub expressions: bool,
}

/// How far the documentation vouches for a policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    Documented,
    /// Retired in favour of something else.
    Deprecated,
    /// Seen only in the policy toolkit, with no documentation page.
    Unverified,
}

#[derive(Debug, PartialEq, Eq)]
pub struct PolicySpec {
    /// The catalog name; differs from the element only for variants (`set-backend-service-dapr`).
    pub name: &'static str,
    pub element: &'static str,
    pub sections: &'static [Section],
    pub scopes: &'static [Scope],
    pub contains_policies: bool,
    pub attributes: &'static [AttributeSpec],
    pub children: &'static [ChildSpec],
    pub text: Option<TextSpec>,
    pub standing: Standing,
}

impl PolicySpec {
    pub fn attribute(&self, name: &str) -> Option<&'static AttributeSpec> {
        self.attributes.iter().find(|a| a.name == name)
    }

    pub fn child(&self, name: &str) -> Option<&'static ChildSpec> {
        self.children.iter().find(|c| c.name == name)
    }
}

impl ChildSpec {
    pub fn attribute(&self, name: &str) -> Option<&'static AttributeSpec> {
        self.attributes.iter().find(|a| a.name == name)
    }

    pub fn child(&self, name: &str) -> Option<&'static ChildSpec> {
        self.children.iter().find(|c| c.name == name)
    }
}

/// Every catalog entry whose element is `element` (one, except `set-backend-service`, whose
/// Dapr form is a separate entry).
pub fn by_element(element: &str) -> impl Iterator<Item = &'static PolicySpec> + '_ {
    POLICIES.iter().filter(move |p| p.element == element)
}

/// Whether APIM's vocabulary has an element named `name`: a document's root, a section, `base`,
/// a policy, or a child element of one. The reader asks it before taking a word in angle
/// brackets for a placeholder.
pub fn is_element_name(name: &str) -> bool {
    fn in_children(children: &[ChildSpec], name: &str) -> bool {
        children
            .iter()
            .any(|child| child.name == name || in_children(child.children, name))
    }
    matches!(name, "policies" | "fragment" | "base")
        || Section::from_element(name).is_some()
        || POLICIES
            .iter()
            .any(|policy| policy.element == name || in_children(policy.children, name))
}

/// The entry that describes `element`; for an element with variants, the variant whose
/// distinguishing attribute value matches (`backend-id="dapr"`), else the general one.
pub fn lookup(element: &str, backend_id: Option<&str>) -> Option<&'static PolicySpec> {
    let mut general = None;
    for spec in by_element(element) {
        if spec.name == spec.element {
            general = Some(spec);
        } else if spec.name == "set-backend-service-dapr" && backend_id == Some("dapr") {
            return Some(spec);
        }
    }
    general.or_else(|| by_element(element).next())
}

/// Places where the official documentation says something other than the reference file;
/// the generator applies these, and `gatehouse explain` users can read why.
pub const DOC_CORRECTIONS: &[(&str, &str)] = &[
    (
        "cors/terminate-unmatched-request default false",
        "cors-policy.md (2024-07-23) gives the default as `false` in its attribute table; the \
         reference copied `true` from the page's troubleshooting text",
    ),
    (
        "set-status/reason optional",
        "set-status-policy.md's table marks `reason` required, but the docs' own examples \
         (get-authorization-context: `<set-status code=\"200\" />`), APIM's policy toolkit \
         (`StatusConfig.Reason` is optional) and 13 of Microsoft's policy snippets omit it; \
         without it the response carries the standard reason phrase",
    ),
    (
        "quota/api and quota/api/operation renewal-period optional",
        "quota-policy.md's policy statement writes `<api … calls>` and `<operation … calls>` \
         without `renewal-period` while its tables say required; the toolkit's \
         `EntityQuotaConfig` has no such attribute: the quota's own period applies",
    ),
    (
        "validate-azure-ad-token/client-application-ids optional",
        "validate-azure-ad-token-policy.md (newer than the 2022 version the reference read) \
         marks it Required: No: \"if a client application ID isn't provided, one or more \
         `audience` claims should be specified\"",
    ),
    (
        "cors/allowed-headers optional",
        "cors-policy.md's elements table marks it required, but the page's own `allowed-headers` \
         table says a `header` is required \"if that section is present\"; the policy schema of \
         Microsoft's APIM extension for VS Code has `minOccurs=\"0\"`; and APIM stores cors \
         policies without it (IATI/apim-iati-gateway's APIOps extraction from a live instance has \
         two). Without it a preflight that asks for any header other than the safelisted ones \
         is refused",
    ),
    (
        "set-body text optional",
        "an empty body is a body: `<set-body />` clears the message body",
    ),
    (
        "trace in on-error; legacy text form",
        "the earlier trace page documented `<trace source=\"…\">text</trace>` for inbound, \
         outbound, backend and on-error; APIM keeps running saved policies of that form and \
         the toolkit allows on-error. The text form is accepted with warning GH0252",
    ),
    (
        "set-body in on-error",
        "set-body-policy.md lists inbound, outbound and backend, but APIM runs it in on-error: \
         MicrosoftDocs/azure-docs#59226 (2020, \"set-body is not listed … but it appears to \
         work\") led Microsoft to add it to the on-error list of \
         api-management-error-handling-policies.md, and the policy toolkit's team fixed its \
         absence from `IOnErrorContext` as a bug (azure-api-management-policy-toolkit#148, 2025); \
         production policies (pagoPA's e-commerce APIs) set error bodies there",
    ),
    (
        "validate-jwt/openid-config/url takes expressions",
        "validate-jwt-policy.md does not say; the APIM team added expressions there in 2019 \
         (MicrosoftDocs/azure-docs#8244: \"Support for expressions in \
         validate-jwt>openid-config.url was added\"), and Microsoft's policy snippets use one",
    ),
    (
        "validate-jwt/required-claims/claim/value takes expressions",
        "validate-jwt-policy.md does not say (the reference has no expressions there); pagoPA's \
         production wallet and e-commerce policies require the `walletId` claim to equal \
         `@((string)context.Variables.GetValueOrDefault(\"walletId\",\"\"))` in both branches of \
         their token check, which would refuse every call if APIM compared the literal text",
    ),
    (
        "llm-token-limit and azure-openai-token-limit: token-quota takes expressions",
        "the pages said \"Policy expressions aren't allowed\" until MicrosoftDocs/azure-docs#314077 \
         (\"Policy expression support in token limit policies\", dated 04/01/2026) removed it; an \
         APIOps export of a live instance (anotherRedbeard/apimdemo-environment) computes \
         `token-quota` from a variable, while keeping one branch per `token-quota-period`",
    ),
    (
        "validate-azure-ad-token/required-claims/claim/value takes expressions",
        "validate-azure-ad-token-policy.md does not say (the reference has no expressions \
         there); ronaldbosma/protect-apim-with-oauth requires the `roles` claim to hold \
         `@((string)context.Variables[\"role\"])`, a role chosen by HTTP method, and its README \
         reports GET and POST answered 200 and DELETE 401 for a client without the delete role, \
         which only an evaluated value can give",
    ),
    (
        "cosmosdb-data-source id and partition-key take expressions",
        "cosmosdb-data-source-policy.md's tables do not say; its read, delete and write examples \
         write `<id>@(context.GraphQL.Arguments[\"id\"].ToString())</id>`, and the prose says the \
         values are \"accessed using the context.GraphQL.Arguments context variable\"",
    ),
    (
        "set-body elements inside other policies have set-body's attributes",
        "every page that lists a `set-body` element links it to set-body-policy.md; the reference \
         gave the SQL and Cosmos DB resolvers' response `set-body` no attributes and the others only \
         `template`, while sql-data-source-policy.md's own example writes `<set-body template=\"liquid\">`",
    ),
    (
        "http-data-source/http-response/publish-event has targets",
        "publish-event-policy.md places the policy in a resolver's `http-response` with \
         `<targets><graphql-subscription id=\"…\" /></targets>`; the reference listed it there \
         with no children",
    ),
    (
        "set-graphql-resolver: request and response policies, section backend, scopes",
        "set-graphql-resolver-policy.md lists set-method, set-url, set-header, set-body and \
         authentication-certificate in `http-request` and transformations in `http-response` (its \
         example 2 writes `set-body` there), which the reference left out; its usage says section \
         backend and scopes global, product, API and operation (the reference: inbound and \
         backend; API and operation)",
    ),
    (
        "llm-content-safety: responses, enforce-on-completions, window sizes, scopes",
        "llm-content-safety-policy.md (03/2026) checks responses as well as requests: sections \
         inbound and outbound, and the attributes `enforce-on-completions` (boolean, default \
         `false`), `window-size` and `window-overlap-size` (characters), all taking expressions; \
         its scopes are global, workspace, product and API, without operation",
    ),
];

/// Which Microsoft source knows an attribute that the policy pages do not list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Witness {
    /// Microsoft's policy toolkit writes it (`src/Core/Compiling/Policy/*Compiler.cs`).
    Toolkit,
    /// Microsoft's policy schemas for its APIM extension for VS Code list it
    /// (microsoft/vscode-apimanagement, `resources/policySchemas/*.xsd`).
    Schema,
}

impl Witness {
    /// Who vouches for the attribute, for a help line.
    pub fn describe(self) -> &'static str {
        match self {
            Witness::Toolkit => "the policy toolkit from Microsoft writes it",
            Witness::Schema => "Microsoft's policy schema for its VS Code extension lists it",
        }
    }
}

/// Attributes the policy pages do not list but a Microsoft source knows: accepted with
/// warning GH0253 rather than rejected, as toolkit-only policies are (GH0237). A toolkit
/// attribute that is a near miss of a documented one (`error-variable-name` for
/// `errors-variable-name` on validate-status-code) is not listed: the documentation names
/// the attribute.
pub const UNDOCUMENTED_ATTRIBUTES: &[(&str, &str, Witness)] = &[
    (
        "azure-openai-semantic-cache-lookup",
        "cache-id",
        Witness::Toolkit,
    ),
    ("llm-semantic-cache-lookup", "cache-id", Witness::Toolkit),
    ("quota-by-key", "increment-count", Witness::Toolkit),
    ("send-request", "timeout-ms", Witness::Schema),
    ("send-request", "buffer-response", Witness::Schema),
    ("send-request", "fail-on-error-status-code", Witness::Schema),
    ("emit-metric", "default-dimensions", Witness::Schema),
    ("azure-openai-emit-token-metric", "name", Witness::Schema),
    (
        "azure-openai-emit-token-metric",
        "value-type",
        Witness::Schema,
    ),
    (
        "azure-openai-emit-token-metric",
        "ignore-prompt",
        Witness::Schema,
    ),
    ("llm-emit-token-metric", "name", Witness::Schema),
    ("llm-emit-token-metric", "value-type", Witness::Schema),
    ("llm-emit-token-metric", "ignore-prompt", Witness::Schema),
    (
        "validate-azure-ad-token",
        "allow-protected-forwarded-tokens",
        Witness::Schema,
    ),
    (
        "validate-azure-ad-token",
        "allow-proof-of-possession-tokens",
        Witness::Schema,
    ),
    (
        "rate-limit-by-key",
        "increment-after-response",
        Witness::Schema,
    ),
    (
        "rate-limit-by-key",
        "flexible-retry-window",
        Witness::Schema,
    ),
    ("cache-store", "caching-mode", Witness::Schema),
    ("azure-openai-token-limit", "prompt-type", Witness::Schema),
    ("azure-openai-token-limit", "ignore-prompt", Witness::Schema),
    ("llm-token-limit", "prompt-type", Witness::Schema),
    ("llm-token-limit", "ignore-prompt", Witness::Schema),
    (
        "validate-graphql-request",
        "max-total-depth",
        Witness::Schema,
    ),
    (
        "validate-graphql-request",
        "max-complexity",
        Witness::Schema,
    ),
    ("json-to-xml", "attribute-prefix", Witness::Schema),
    ("json-to-xml", "namespace-block-name", Witness::Schema),
    (
        "json-to-xml",
        "invalid-character-replacement",
        Witness::Schema,
    ),
    ("json-to-xml", "null-values", Witness::Schema),
    ("json-to-xml", "trim-values", Witness::Schema),
    ("json-to-xml", "empty-values", Witness::Schema),
    ("xml-to-json", "preserve-whitespace-nodes", Witness::Schema),
    ("xml-to-json", "empty-values", Witness::Schema),
    ("xml-to-json", "trim-values", Witness::Schema),
    ("set-body", "html-decode-expression", Witness::Schema),
    ("mock-response", "enabled", Witness::Schema),
];

/// The Microsoft source that knows `attribute` on `policy`, though the documentation does not
/// list it.
pub fn undocumented_attribute(policy: &str, attribute: &str) -> Option<Witness> {
    UNDOCUMENTED_ATTRIBUTES
        .iter()
        .find(|(p, a, _)| *p == policy && *a == attribute)
        .map(|(_, _, witness)| *witness)
}

/// Names similar to `name` among `candidates`, best first: for "did you mean".
pub fn similar<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let candidates: Vec<&'c str> = candidates.into_iter().collect();
    // The AI gateway's policies come as `llm-…` and some also as `azure-openai-…`: a name
    // written with the other prefix means that policy (`azure-openai-content-safety`), even
    // where another name of the same prefix is fewer edits away.
    for (written, meant) in [("azure-openai-", "llm-"), ("llm-", "azure-openai-")] {
        if let Some(rest) = name.strip_prefix(written) {
            let swapped = format!("{meant}{rest}");
            if let Some(candidate) = candidates.iter().find(|c| **c == swapped) {
                return Some(candidate);
            }
        }
    }
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .iter()
        .map(|candidate| (edit_distance(name, candidate), *candidate))
        // A name whose every letter is replaced is another name, not a typo (`x` for `b`).
        .filter(|(distance, candidate)| {
            *distance <= limit && *distance < name.chars().count().max(candidate.chars().count())
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
        .or_else(|| same_words(name, &candidates))
}

/// Names too far apart letter by letter that are still the same words: reordered
/// (`jwt-validate` for `validate-jwt`) or with words added around a known name
/// (`set-usage-quota-by-key` around `quota-by-key`), the longest such name first.
fn same_words<'c>(name: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let words: Vec<&str> = name.split('-').filter(|w| !w.is_empty()).collect();
    let mut sorted = words.clone();
    sorted.sort_unstable();
    let reordered = candidates.iter().find(|candidate| {
        let mut theirs: Vec<&str> = candidate.split('-').collect();
        theirs.sort_unstable();
        theirs.len() > 1 && theirs == sorted
    });
    if let Some(candidate) = reordered {
        return Some(candidate);
    }
    candidates
        .iter()
        .filter(|candidate| {
            let theirs: Vec<&str> = candidate.split('-').collect();
            theirs.len() > 1
                && theirs.len() < words.len()
                && words
                    .windows(theirs.len())
                    .any(|window| window == theirs.as_slice())
        })
        .max_by_key(|candidate| candidate.len())
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similar_names() {
        let names = POLICIES.iter().map(|p| p.element);
        assert_eq!(similar("set-heder", names.clone()), Some("set-header"));
        assert_eq!(
            similar("forward-requests", names.clone()),
            Some("forward-request")
        );
        assert_eq!(similar("zzzzzz", names.clone()), None);
        assert_eq!(
            similar("azure-openai-content-safety", names.clone()),
            Some("llm-content-safety")
        );
        assert_eq!(similar("jwt-validate", names.clone()), Some("validate-jwt"));
        assert_eq!(
            similar("set-usage-quota-by-key", names.clone()),
            Some("quota-by-key")
        );
        assert_eq!(
            similar("llm-token-limit-policy", names.clone()),
            Some("llm-token-limit")
        );
        // One word in common is not enough.
        assert_eq!(similar("set-everything", names), None);
    }

    #[test]
    fn dapr_variant() {
        assert_eq!(
            lookup("set-backend-service", Some("dapr")).map(|p| p.name),
            Some("set-backend-service-dapr")
        );
        assert_eq!(
            lookup("set-backend-service", None).map(|p| p.name),
            Some("set-backend-service")
        );
    }
}
