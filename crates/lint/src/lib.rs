//! `gatehouse lint` without the command line: read → model → expressions → rules →
//! suppressions → configured severities, for one file at a time.
//!
//! The linting path ends here: nothing in it is async or touches the network.

mod entities;
mod inherited;
pub mod invariants;
mod last_error;
mod rules;
mod settings;
mod slots;
mod suppress;
mod variables;

use std::collections::{BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use gatehouse_diagnostics::{Code, Diagnostic, Span};
use gatehouse_expr::document::ExpressionStats;
use gatehouse_model::{
    BuildOptions, FragmentSet, Kind, NamedValue, NamedValues, PolicyDocument, Scope, build,
    build_with, check_includes, expand, whole_expression,
};
use gatehouse_reader::{Document, ReadOptions, read};

pub use entities::ExportEntities;
pub use settings::{Settings, SettingsError};

/// Everything a lint run knows besides the file itself.
#[derive(Debug, Default)]
pub struct LintOptions {
    pub read: ReadOptions,
    /// The scope of every file; `None` infers it from an APIOps layout, else API scope.
    pub scope: Option<Scope>,
    /// Fragments `include-fragment` may name; `None` when unknown (no fragment checks).
    pub fragments: Option<FragmentSet>,
    /// Named values `{{name}}` may name; `None` when unknown.
    pub named_values: Option<NamedValues>,
    /// The backends and loggers policies may name (an APIOps export's `backends` and
    /// `loggers` folders); each `None` when unknown (no check).
    pub entities: ExportEntities,
    pub settings: Settings,
    /// The other policy files of an APIOps export, read once per run: every file's lint
    /// reads the broader scopes above it and the narrower ones below.
    pub read_cache: ReadCache,
}

/// Policy files of an export that lints of other files consult, by path: a cache for one run.
/// A poisoned lock only costs the cache.
#[derive(Debug, Default)]
pub struct ReadCache {
    sets: Mutex<HashMap<PathBuf, Option<BTreeSet<String>>>>,
    broader: Mutex<HashMap<(PathBuf, Scope), Option<PolicyDocument>>>,
}

impl ReadCache {
    /// The variables the policy file at `path` sets (none if it cannot be read); `None` when
    /// it includes a fragment the run's fragment set does not hold, which may set any.
    fn sets(&self, path: &Path, options: &LintOptions) -> Option<BTreeSet<String>> {
        if let Ok(cache) = self.sets.lock()
            && let Some(sets) = cache.get(path)
        {
            return sets.clone();
        }
        let sets = match std::fs::read(path) {
            Ok(bytes) => {
                let output = read(&bytes, &with_vocabulary(options.read));
                let document = build(&output.document, BuildOptions::default()).document;
                let unknown_fragment = document.policies().iter().any(|policy| {
                    policy.element == "include-fragment"
                        && policy
                            .literal("fragment-id")
                            .zip(options.fragments.as_ref())
                            .is_none_or(|(name, set)| set.get(name.trim()).is_none())
                });
                (!unknown_fragment).then(|| rules::variables_set(&document))
            }
            Err(_) => Some(BTreeSet::new()),
        };
        if let Ok(mut cache) = self.sets.lock() {
            cache.insert(path.to_path_buf(), sets.clone());
        }
        sets
    }

    /// The policy file at `path` as a broader scope's layer, fragments expanded; `None` if it
    /// cannot be read or is not a `<policies>` document.
    fn broader(&self, path: &Path, scope: Scope, options: &LintOptions) -> Option<PolicyDocument> {
        let key = (path.to_path_buf(), scope);
        if let Ok(cache) = self.broader.lock()
            && let Some(document) = cache.get(&key)
        {
            return document.clone();
        }
        let document = std::fs::read(path).ok().and_then(|bytes| {
            let output = read(&bytes, &with_vocabulary(options.read));
            let built = build(
                &output.document,
                BuildOptions {
                    scope,
                    scope_assumed: false,
                },
            );
            let document = match &options.fragments {
                Some(set) => expand(&built.document, set),
                None => built.document,
            };
            (document.kind == Kind::Policies).then_some(document)
        });
        if let Ok(mut cache) = self.broader.lock() {
            cache.insert(key, document.clone());
        }
        document
    }
}

/// One file's results.
#[derive(Debug)]
pub struct FileLint {
    pub source: String,
    /// Sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    pub expressions: ExpressionStats,
    pub scope: Scope,
}

/// The read options with APIM's element names, so that the reader tells a placeholder written
/// in angle brackets from an element left open.
fn with_vocabulary(options: ReadOptions) -> ReadOptions {
    ReadOptions {
        known_element: options
            .known_element
            .or(Some(gatehouse_model::catalog::is_element_name)),
        ..options
    }
}

/// Lints one document read from `path` (used for scope inference only).
pub fn lint(path: &Path, bytes: &[u8], options: &LintOptions) -> FileLint {
    let output = read(bytes, &with_vocabulary(options.read));
    let document = output.document;
    let mut diagnostics = output.diagnostics;
    let known = options.scope.or_else(|| infer_scope(path));
    let scope = known.unwrap_or(Scope::Api);
    let built = build_with(
        &document,
        BuildOptions {
            scope,
            scope_assumed: known.is_none(),
        },
        options.named_values.as_ref(),
    );
    diagnostics.retain(|d| !built.superseded.contains(&(d.code, d.span)));
    diagnostics.extend(built.diagnostics);
    let (expressions, found, facts) = slots::check_expressions(&document, &built.document);
    diagnostics.extend(found);
    diagnostics.extend(check_includes(&built.document, options.fragments.as_ref()));
    entities::check(
        &built.document,
        &options.entities,
        options.named_values.as_ref(),
        &mut diagnostics,
    );
    let expanded;
    let effective = match &options.fragments {
        Some(set) => {
            expanded = expand(&built.document, set);
            &expanded
        }
        None => &built.document,
    };
    // Expressions that do not parse say nothing reliable about the variables they use.
    let broken: Vec<Span> = diagnostics
        .iter()
        .filter(|d| {
            matches!(
                d.code,
                Code::ExpressionSyntax
                    | Code::ExpressionTooDeep
                    | Code::InvalidLiteral
                    | Code::UnclosedExpressionDelimiter
                    | Code::MismatchedExpressionDelimiter
                    | Code::UnterminatedLiteral
                    | Code::UnterminatedExpressionComment
            )
        })
        .map(|d| d.span)
        .collect();
    let mut around = match (options.scope, known) {
        (None, Some(_)) => rules::Around {
            chains: broader_chains(path, scope, options),
            narrower_sets: narrower_sets(path, scope, options),
            export_searched: scope != Scope::Operation,
            borrowed: Vec::new(),
            named_values: BTreeSet::new(),
        },
        // No layout to find the other scopes in. An API or operation policy is judged alone
        // (an API's operations seldom set what it reads); the broader scopes exist to serve
        // narrower ones, which may set anything they read.
        _ => rules::Around {
            chains: Vec::new(),
            narrower_sets: matches!(
                scope,
                Scope::Api | Scope::Operation | Scope::GraphqlResolver
            )
            .then(BTreeSet::new),
            export_searched: false,
            borrowed: Vec::new(),
            named_values: BTreeSet::new(),
        },
    };
    around.named_values = options
        .named_values
        .iter()
        .flat_map(NamedValues::names)
        .map(str::to_owned)
        .collect();
    around.borrowed =
        inherited::borrowed(&built.document, &around.chains, options.fragments.as_ref());
    rules::check(
        &document,
        &built.document,
        effective,
        scope,
        &around,
        &broken,
        &mut diagnostics,
    );
    rules::variable_types(
        &document,
        &built.document,
        options.fragments.as_ref(),
        &facts,
        &mut diagnostics,
    );
    let references = named_value_references(&document);
    named_values_in_cdata(&references, &mut diagnostics);
    if let Some(names) = &options.named_values {
        undefined_named_values(&references, names, &mut diagnostics);
        named_value_expressions(&document, names, &mut diagnostics);
    }
    let mut diagnostics = suppress::apply(&document, diagnostics);
    diagnostics = options.settings.apply(diagnostics);
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end, d.code));
    diagnostics.dedup_by(|a, b| a.code == b.code && a.span == b.span && a.message == b.message);
    FileLint {
        source: document.source().to_owned(),
        diagnostics,
        expressions,
        scope,
    }
}

/// The scope an APIOps export gives a file by where it sits:
/// `policy.xml` at the root (beside `apis/`) is global, `apis/<a>/policy.xml` API,
/// `apis/<a>/operations/<o>/policy.xml` operation, `products/<p>/policy.xml` product,
/// `workspaces/<w>/policy.xml` workspace. `None` when the path says nothing.
pub fn infer_scope(path: &Path) -> Option<Scope> {
    let parts: Vec<String> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(part) => part.to_str().map(str::to_owned),
            _ => None,
        })
        .collect();
    let file = parts.last()?;
    if file != "policy.xml" {
        return None;
    }
    let parent = |n: usize| {
        parts
            .len()
            .checked_sub(n + 1)
            .and_then(|i| parts.get(i))
            .map(String::as_str)
    };
    if parent(2) == Some("operations") && parent(4) == Some("apis") {
        return Some(Scope::Operation);
    }
    match parent(2) {
        Some("apis") => Some(Scope::Api),
        Some("products") => Some(Scope::Product),
        Some("workspaces") => Some(Scope::Workspace),
        _ => {
            let directory = path.parent()?;
            directory.join("apis").is_dir().then_some(Scope::Global)
        }
    }
}

/// The folder `levels` above the one holding `path` (0: its own folder).
fn folder_above(path: &Path, levels: usize) -> Option<PathBuf> {
    path.ancestors().nth(levels + 1).map(Path::to_path_buf)
}

/// The variables that policies of scopes narrower than an APIOps file's set: below the
/// global policy, every other policy of the export; below a workspace's, the workspace's;
/// below a product's, the APIs' (any may be in the product); below an API's, its
/// operations'. Fragments count wherever one of those may include them. `None` when one of
/// those policies includes a fragment that is not in the export: it may set anything.
fn narrower_sets(path: &Path, scope: Scope, options: &LintOptions) -> Option<BTreeSet<String>> {
    let directory = |levels: usize| folder_above(path, levels);
    let (mut folders, root) = match scope {
        Scope::Global | Scope::Workspace => (Vec::new(), directory(0)),
        Scope::Product => (Vec::new(), directory(2)),
        Scope::Api => (
            directory(0)
                .map(|d| d.join("operations"))
                .into_iter()
                .collect(),
            directory(2),
        ),
        Scope::Operation | Scope::GraphqlResolver => return Some(BTreeSet::new()),
    };
    if let Some(root) = root {
        match scope {
            Scope::Global | Scope::Workspace => folders.push(root),
            _ => {
                folders.push(root.join("policy fragments"));
                if scope == Scope::Product {
                    folders.push(root.join("apis"));
                }
            }
        }
    }
    let mut set = BTreeSet::new();
    let mut stack = folders;
    while let Some(folder) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let entry_path = entry.path();
            if entry_path.is_dir() {
                stack.push(entry_path);
            } else if entry_path.file_name().is_some_and(|n| n == "policy.xml")
                && entry_path != path
            {
                set.extend(options.read_cache.sets(&entry_path, options)?);
            }
        }
    }
    Some(set)
}

/// The chains of broader scopes around an APIOps file, as far as the layout says: the
/// export's `policy.xml` (global), a workspace's, for an API or an operation each product
/// that includes the API (`products/<p>/apis/<api>/`, one chain per product), and for an
/// operation its API's.
fn broader_chains(path: &Path, scope: Scope, options: &LintOptions) -> Vec<rules::Chain> {
    let directory = |levels: usize| folder_above(path, levels);
    // From the file's folder: `apis/<a>` is 2 levels below its root, an operation 4.
    let (root, api) = match scope {
        Scope::Operation => (directory(4), directory(2)),
        Scope::Api => (directory(2), directory(0)),
        Scope::Product => (directory(2), None),
        Scope::Workspace => (directory(0), None),
        Scope::Global | Scope::GraphqlResolver => (None, None),
    };
    let Some(root) = root else {
        return Vec::new();
    };
    let load = |scope: Scope, file: PathBuf| -> Option<rules::Broader> {
        let document = options.read_cache.broader(&file, scope, options)?;
        Some(rules::Broader { scope, document })
    };
    let mut common = Vec::new();
    // A workspace's own folder sits two levels below the export root.
    let in_workspace = root
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|n| n == "workspaces");
    // An export without a global policy file has the one APIM sets up by default, which
    // forwards the request (forward-request-policy.md: "By default, API Management sets up
    // this policy at the global scope").
    let global = |file: PathBuf| {
        load(Scope::Global, file).or_else(|| {
            Some(rules::Broader {
                scope: Scope::Global,
                document: default_global_policy(),
            })
        })
    };
    if in_workspace {
        if let Some(export) = root.parent().and_then(Path::parent) {
            common.extend(global(export.join("policy.xml")));
        }
        if scope != Scope::Workspace {
            common.extend(load(Scope::Workspace, root.join("policy.xml")));
        }
    } else if scope != Scope::Workspace {
        common.extend(global(root.join("policy.xml")));
    }
    let api_layer = match (scope, &api) {
        (Scope::Operation, Some(api)) => load(Scope::Api, api.join("policy.xml")),
        _ => None,
    };
    // The products that include this API; a product without a policy inherits everything.
    let api_name = api.as_deref().and_then(Path::file_name);
    let mut products: Vec<(String, PathBuf)> = Vec::new();
    if let (Some(api_name), Ok(entries)) = (api_name, std::fs::read_dir(root.join("products"))) {
        for entry in entries.filter_map(Result::ok) {
            if entry.path().join("apis").join(api_name).is_dir()
                && let Some(name) = entry.file_name().to_str()
            {
                products.push((name.to_owned(), entry.path().join("policy.xml")));
            }
        }
    }
    products.sort();
    let chain = |product: Option<(String, PathBuf)>| {
        let mut layers: Vec<rules::Broader> = common
            .iter()
            .map(|b| rules::Broader {
                scope: b.scope,
                document: b.document.clone(),
            })
            .collect();
        let name = product.map(|(name, file)| {
            layers.extend(load(Scope::Product, file));
            name
        });
        if let Some(api) = &api_layer {
            layers.push(rules::Broader {
                scope: api.scope,
                document: api.document.clone(),
            });
        }
        rules::Chain {
            product: name,
            layers,
        }
    };
    if products.is_empty() {
        vec![chain(None)]
    } else {
        products.into_iter().map(|p| chain(Some(p))).collect()
    }
}

/// The global policy of a new APIM instance: every section empty but `backend`, which
/// forwards.
fn default_global_policy() -> PolicyDocument {
    const DEFAULT: &str = "<policies><inbound /><backend><forward-request /></backend><outbound /><on-error /></policies>";
    let output = read(DEFAULT.as_bytes(), &ReadOptions::default());
    build(
        &output.document,
        BuildOptions {
            scope: Scope::Global,
            scope_assumed: false,
        },
    )
    .document
}

fn undefined_named_values(
    references: &[Reference],
    names: &NamedValues,
    out: &mut Vec<Diagnostic>,
) {
    let mut seen: BTreeSet<(u32, u32)> = BTreeSet::new();
    // APIM substitutes no named value inside CDATA (GH0266 says so), so none is missing there.
    for Reference { name, span, .. } in references.iter().filter(|r| !r.in_cdata) {
        let span = *span;
        if names.contains(name) || !seen.insert((span.start, span.end)) {
            continue;
        }
        let mut diagnostic = Diagnostic::new(
            Code::UndefinedNamedValue,
            span,
            format!("named value `{name}` is not defined"),
        );
        diagnostic = match gatehouse_model::catalog::similar(name, names.names()) {
            Some(guess) => diagnostic.with_help(format!("did you mean `{{{{{guess}}}}}`?")),
            None => diagnostic.with_help("define it in the named-value set, or correct the name"),
        };
        out.push(diagnostic);
    }
}

/// Named values that hold a policy expression (api-management-howto-properties.md: "Named
/// values can also contain policy expressions", `{{ExpressionProperty}}` holding
/// `@(DateTime.Now.ToString())`). Where a value is only the reference, APIM substitutes the
/// expression and evaluates it; it is checked here and reported at the reference. A secret
/// value is not checked: its diagnostics would quote it.
fn named_value_expressions(document: &Document, names: &NamedValues, out: &mut Vec<Diagnostic>) {
    for (place, value) in values(document) {
        let place = match place {
            Place::Attribute(name) => name,
            Place::Text => "value",
            // CDATA is text as written: nothing in it runs.
            Place::CData => continue,
        };
        let mut references = value.parts().iter().filter_map(|part| match part {
            gatehouse_reader::ValuePart::NamedValue(reference) => Some(Some(reference)),
            gatehouse_reader::ValuePart::Literal(literal) if literal.is_whitespace() => None,
            _ => Some(None),
        });
        let (Some(Some(reference)), None) = (references.next(), references.next()) else {
            continue;
        };
        let name = document.text(reference.name);
        let Some(substituted) = names.substitute(&format!("{{{{{name}}}}}")) else {
            continue;
        };
        let Some(expression) = whole_expression(&substituted.text) else {
            continue;
        };
        let form = if expression.block {
            gatehouse_expr::Form::Block
        } else {
            gatehouse_expr::Form::Inline
        };
        if substituted.has_secret {
            continue;
        }
        let slot = if place == "condition" || place.ends_with("-condition") {
            gatehouse_expr::Slot::typed(place, gatehouse_expr::types::Type::Bool)
        } else {
            gatehouse_expr::Slot::text(place)
        };
        let (_, found) = gatehouse_expr::compile_code(expression.code, form, &slot);
        for diagnostic in found {
            let mut moved = Diagnostic::new(
                diagnostic.code,
                reference.span,
                format!("in named value `{name}`: {}", diagnostic.message),
            );
            if let Some(help) = diagnostic.help {
                moved = moved.with_help(help);
            }
            out.push(moved);
        }
    }
}

/// A `{{name}}` of the document, and whether it sits in a CDATA section.
struct Reference {
    name: String,
    span: Span,
    in_cdata: bool,
}

/// Every `{{name}}` of the document, in attribute values, text, CDATA and expressions, in
/// document order; not those of Liquid templates, where `{{…}}` is Liquid's own.
fn named_value_references(document: &Document) -> Vec<Reference> {
    let liquid = liquid_templates(document);
    let mut found = Vec::new();
    for (place, value) in values(document) {
        let in_cdata = place == Place::CData;
        let mut push = |name: &str, span: Span| {
            if !liquid.iter().any(|template| template.contains(span)) {
                found.push(Reference {
                    name: name.to_owned(),
                    span,
                    in_cdata,
                });
            }
        };
        for part in value.parts() {
            match part {
                gatehouse_reader::ValuePart::NamedValue(reference) => {
                    push(document.text(reference.name), reference.span);
                }
                gatehouse_reader::ValuePart::Expression(expression) => {
                    for reference in &expression.named_values {
                        push(document.text(reference.name), reference.span);
                    }
                }
                gatehouse_reader::ValuePart::Literal(_) => {}
            }
        }
    }
    found.sort_by_key(|reference| reference.span.start);
    found
}

/// `{{name}}` inside a CDATA section, where APIM does not substitute named values: it passes
/// `{{name}}` through as written, even inside an expression there, and saves the policy
/// without complaint (a deployment's write-up: "no deploy error: at runtime it returns the
/// literal `{{name}}`").
fn named_values_in_cdata(references: &[Reference], out: &mut Vec<Diagnostic>) {
    for Reference { name, span, .. } in references.iter().filter(|r| r.in_cdata) {
        out.push(
            Diagnostic::new(
                Code::NamedValueInCdata,
                *span,
                format!("`{{{{{name}}}}}` is inside a CDATA section, where APIM does not substitute named values: it stays `{{{{{name}}}}}`"),
            )
            .with_help(format!(
                "read it outside the CDATA section, e.g. `<set-variable name=\"{name}\" value=\"{{{{{name}}}}}\" />`, and use `context.Variables[\"{name}\"]` inside"
            )),
        );
    }
}

/// The `set-body template="liquid"` elements. In them `{{…}}` is Liquid's output tag
/// (`{{body.customer.id}}`, `{{context.Request.Headers.Accept}}`), not a named value: the
/// docs' Liquid examples (set-body-policy.md's `{{body.getOpenOrders.cust}}`) save and run
/// on instances that have no named value of that name.
fn liquid_templates(document: &Document) -> Vec<Span> {
    let mut found = Vec::new();
    let mut stack: Vec<&gatehouse_reader::Node> = document.nodes().iter().collect();
    while let Some(node) = stack.pop() {
        if let gatehouse_reader::Node::Element(element) = node {
            let liquid = document.text(element.name) == "set-body"
                && element.attribute(document, "template").is_some_and(|t| {
                    document
                        .text(t.value.span)
                        .trim()
                        .eq_ignore_ascii_case("liquid")
                });
            if liquid {
                found.push(element.span);
            } else {
                stack.extend(element.children.iter());
            }
        }
    }
    found
}

/// Where a value sits: an attribute (its name), element text, or a CDATA section.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place<'d> {
    Attribute(&'d str),
    Text,
    CData,
}

/// Every value of the document (attribute values, text, CDATA) with its place.
fn values(document: &Document) -> Vec<(Place<'_>, &gatehouse_reader::Value)> {
    let mut found = Vec::new();
    let mut stack: Vec<&gatehouse_reader::Node> = document.nodes().iter().collect();
    while let Some(node) = stack.pop() {
        match node {
            gatehouse_reader::Node::Element(element) => {
                stack.extend(element.children.iter());
                found.extend(
                    element
                        .attributes
                        .iter()
                        .map(|a| (Place::Attribute(document.text(a.name)), &a.value)),
                );
            }
            gatehouse_reader::Node::Text(text) => found.push((Place::Text, &text.value)),
            gatehouse_reader::Node::CData(cdata) => found.push((Place::CData, &cdata.value)),
            _ => {}
        }
    }
    found
}

/// Reads a fragment set from a folder: APIOps `policy fragments/<name>/policy.xml`, or
/// `<name>.xml` files. Returns the set and the problems met reading it.
pub fn load_fragments(directory: &Path, read_options: &ReadOptions) -> (FragmentSet, Vec<String>) {
    let mut set = FragmentSet::default();
    let mut problems = Vec::new();
    let entries = match std::fs::read_dir(directory) {
        Ok(entries) => entries,
        Err(error) => {
            problems.push(format!("cannot read `{}`: {error}", directory.display()));
            return (set, problems);
        }
    };
    let mut paths: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let (name, file) = if path.is_dir() {
            (path.file_name(), path.join("policy.xml"))
        } else if path.extension().is_some_and(|e| e == "xml") {
            (path.file_stem(), path.clone())
        } else {
            continue;
        };
        let Some(name) = name.and_then(|n| n.to_str()).map(str::to_owned) else {
            continue;
        };
        match std::fs::read(&file) {
            Ok(bytes) => {
                let output = read(&bytes, &with_vocabulary(*read_options));
                let built = build(&output.document, BuildOptions::default());
                if built.document.kind == Kind::Fragment {
                    set.insert(name, built.document);
                } else {
                    problems.push(format!(
                        "`{}` is not a `<fragment>` document",
                        file.display()
                    ));
                }
            }
            Err(error) if path.is_dir() && error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => problems.push(format!("cannot read `{}`: {error}", file.display())),
        }
    }
    (set, problems)
}

/// Reads a named-value set: a JSON object file (`{"name": "value", …}`, or
/// `{"name": {"value": "…", "secret": true}}`), or an APIOps `named values` folder
/// (`<name>/namedValueInformation.json`: `displayName` is the name policies use, with
/// `value` and `secret`). Values are kept only to check what they are substituted into;
/// secret ones are never shown.
pub fn load_named_values(path: &Path) -> Result<NamedValues, String> {
    let mut set = NamedValues::default();
    let parse = |file: &Path| -> Result<serde_json::Value, String> {
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read `{}`: {e}", file.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("`{}` is not JSON: {e}", file.display()))
    };
    let named =
        |value: Option<&serde_json::Value>, secret: Option<&serde_json::Value>| NamedValue {
            value: value.and_then(serde_json::Value::as_str).map(str::to_owned),
            secret: secret.and_then(serde_json::Value::as_bool).unwrap_or(false),
        };
    if path.is_dir() {
        let entries = std::fs::read_dir(path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        for entry in entries.filter_map(Result::ok) {
            let info = entry.path().join("namedValueInformation.json");
            if !info.is_file() {
                continue;
            }
            let value = parse(&info)?;
            let properties = value.get("properties");
            let display = properties
                .and_then(|p| p.get("displayName"))
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
                .or_else(|| entry.file_name().to_str().map(str::to_owned));
            if let Some(display) = display {
                let value = named(
                    properties.and_then(|p| p.get("value")),
                    properties.and_then(|p| p.get("secret")),
                );
                set.insert(display, value);
            }
        }
        return Ok(set);
    }
    let value = parse(path)?;
    let object = value.as_object().ok_or_else(|| {
        format!(
            "`{}` must hold a JSON object of named values",
            path.display()
        )
    })?;
    for (name, entry) in object {
        let value = if entry.is_object() {
            named(entry.get("value"), entry.get("secret"))
        } else {
            named(Some(entry), None)
        };
        set.insert(name.clone(), value);
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_from_an_apiops_layout() {
        let scope = |p: &str| infer_scope(Path::new(p));
        assert_eq!(scope("export/apis/orders/policy.xml"), Some(Scope::Api));
        assert_eq!(
            scope("export/apis/orders/operations/get/policy.xml"),
            Some(Scope::Operation)
        );
        assert_eq!(
            scope("export/products/starter/policy.xml"),
            Some(Scope::Product)
        );
        assert_eq!(
            scope("export/workspaces/team/policy.xml"),
            Some(Scope::Workspace)
        );
        assert_eq!(
            scope("export/workspaces/team/apis/orders/policy.xml"),
            Some(Scope::Api)
        );
        assert_eq!(scope("somewhere/my-policy.xml"), None);
        assert_eq!(scope("/nonexistent/policy.xml"), None);
    }
}
