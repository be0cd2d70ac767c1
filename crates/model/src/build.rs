//! Reader tree → typed model, checking each element against the catalog.

use gatehouse_diagnostics::{Code, Diagnostic, Severity, Span};
use gatehouse_reader::{Document, Element, Node};

use crate::catalog::{
    self, AttributeSpec, ChildSpec, PolicySpec, Scope, Section, Standing, ValueKind,
};
use crate::document::{Attribute, Block, Config, Content, Item, Kind, Policy, PolicyDocument};
use crate::named_values::NamedValues;

/// Where the document sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BuildOptions {
    /// The scope of a `<policies>` document; ignored for fragments.
    pub scope: Scope,
    /// True when nobody said what the scope is and it was assumed: a policy that does not
    /// fit it is then only a warning, since the file may well belong elsewhere.
    pub scope_assumed: bool,
}

impl Default for BuildOptions {
    fn default() -> Self {
        // A lone file is most often an API's policy.
        BuildOptions {
            scope: Scope::Api,
            scope_assumed: true,
        }
    }
}

/// The model and every problem found while building it.
#[derive(Debug)]
pub struct Built {
    pub document: PolicyDocument,
    pub diagnostics: Vec<Diagnostic>,
    /// Reports of the reader (code and span) that the model replaced with a more precise one
    /// about the same slip, to be dropped: the end tag of a misspelt start tag
    /// (`<set-heder>…</set-header>`: the start tag is wrong, not the end tag), and a value
    /// written without its attribute's name where the model knows which attribute is missing
    /// (`<rate-limit "10" …>`: `calls`).
    pub superseded: Vec<(Code, Span)>,
}

/// Builds the model of a document the reader has read.
pub fn build(document: &Document, options: BuildOptions) -> Built {
    build_with(document, options, None)
}

/// Builds the model, also checking attribute values that come from named values once
/// `{{name}}` is replaced (`calls="{{limit}}"` with `limit` = `ten` is not a number).
pub fn build_with(
    document: &Document,
    options: BuildOptions,
    named_values: Option<&NamedValues>,
) -> Built {
    let mut builder = Builder {
        document,
        named_values,
        scope: options.scope,
        scope_assumed: options.scope_assumed,
        diagnostics: Vec::new(),
        misspelt: Vec::new(),
        superseded: Vec::new(),
    };
    let built = match document.root() {
        Some(root) if document.text(root.name) == "policies" => builder.policies(root),
        Some(root) if gatehouse_reader::RESOLVER_ROOTS.contains(&document.text(root.name)) => {
            // A resolver's policy is at resolver scope whatever scope the file was given.
            builder.scope = Scope::GraphqlResolver;
            builder.scope_assumed = false;
            let items = builder
                .policy(root, Context::resolver())
                .map(Item::Policy)
                .into_iter()
                .collect();
            PolicyDocument {
                kind: Kind::Resolver,
                blocks: vec![Block {
                    section: None,
                    span: root.span,
                    name_span: root.name,
                    items,
                }],
            }
        }
        Some(root) if document.text(root.name) == "fragment" => PolicyDocument {
            kind: Kind::Fragment,
            blocks: vec![Block {
                section: None,
                span: root.span,
                name_span: root.name,
                items: builder.items(root, Context::fragment()),
            }],
        },
        _ => PolicyDocument {
            kind: Kind::Unknown,
            blocks: Vec::new(),
        },
    };
    let mut diagnostics = builder.diagnostics;
    crate::rules::check(
        &built,
        &builder.misspelt,
        builder.named_values,
        &mut diagnostics,
    );
    Built {
        document: built,
        diagnostics,
        superseded: builder.superseded,
    }
}

#[derive(Clone, Copy)]
struct Context {
    section: Option<Section>,
    /// Directly in a section or a fragment's root, where `<base />` may stand.
    top: bool,
    in_fragment: bool,
    /// Directly inside `wait`.
    in_wait: bool,
}

impl Context {
    fn section(section: Section) -> Context {
        Context {
            section: Some(section),
            top: true,
            in_fragment: false,
            in_wait: false,
        }
    }

    fn fragment() -> Context {
        Context {
            section: None,
            top: true,
            in_fragment: true,
            in_wait: false,
        }
    }

    fn resolver() -> Context {
        Context {
            section: None,
            top: false,
            in_fragment: false,
            in_wait: false,
        }
    }

    fn nested(self, in_wait: bool) -> Context {
        Context {
            top: false,
            in_wait,
            ..self
        }
    }
}

struct Builder<'d> {
    document: &'d Document,
    named_values: Option<&'d NamedValues>,
    scope: Scope,
    scope_assumed: bool,
    diagnostics: Vec<Diagnostic>,
    /// Unknown child elements reported with "did you mean": (the parent's name span, the
    /// known element it resembles), so that rules do not report that element missing too.
    misspelt: Vec<(Span, &'static str)>,
    /// See [`Built::superseded`].
    superseded: Vec<(Code, Span)>,
}

const WAIT_CHILDREN: &[&str] = &["send-request", "cache-lookup-value", "choose"];

/// Elements whose content is a message body: XML inside them is the body, not configuration.
const BODY_ELEMENTS: &[&str] = &["set-body", "payload", "data"];

/// Policies that take their children only in the order of the policy statement. Every
/// policy page carries the same note to set elements "in the order provided in the policy
/// statement", so the page alone does not tell which policies APIM holds to it. These have
/// evidence that it does (their own notes and issues) and are sequences in Microsoft's policy
/// schemas for its VS Code extension (microsoft/vscode-apimanagement, `resources/policySchemas`);
/// `choose` wants `otherwise` last. Those schemas make validate-azure-ad-token and cors
/// `xs:all`, any order, on purpose; elsewhere a sequence is only the schema's default and no
/// order is enforced here.
const ORDERED: &[&str] = &[
    "validate-jwt",
    "send-request",
    "send-one-way-request",
    "return-response",
    "choose",
    "http-data-source",
    "http-request",
    "http-response",
];

/// Whether `element` is one the author forgot to close (`<set-variable …>` for
/// `<set-variable … />`) although it cannot hold elements (`takes_elements` is false). The
/// reader nests what follows inside it and reports the missing end tag (GH0006, GH0007); the
/// author meant those elements as its siblings, so the model reads them so, and one typo stays
/// one error.
fn left_open(element: &Element, takes_elements: bool) -> bool {
    element.end_tag.is_none() && !element.self_closing && !takes_elements
}

/// `left_open` for a policy: one that takes neither child elements nor text.
fn swallows_siblings(element: &Element, spec: &PolicySpec) -> bool {
    left_open(
        element,
        !spec.children.is_empty() || spec.contains_policies || spec.text.is_some(),
    )
}

/// `left_open` for a configuration element: one whose content can only be text.
fn config_swallows_siblings(element: &Element, spec: &ChildSpec) -> bool {
    left_open(
        element,
        !spec.children.is_empty()
            || spec.contains_policies
            || spec.foreign_content
            || BODY_ELEMENTS.contains(&spec.name),
    )
}

/// Attributes that name or identify something: empty, they name nothing.
fn is_identifier(attribute: &str) -> bool {
    matches!(
        attribute,
        "name"
            | "resource"
            | "counter-key"
            | "key"
            | "fragment-id"
            | "logger-id"
            | "backend-id"
            | "url"
            | "base-url"
    ) || attribute.ends_with("-id")
        || attribute.ends_with("variable-name")
        || attribute.ends_with("header-name")
}

impl<'d> Builder<'d> {
    fn text(&self, span: Span) -> &'d str {
        self.document.text(span)
    }

    fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    fn policies(&mut self, root: &Element) -> PolicyDocument {
        self.text_never_runs(root, "policies");
        let mut blocks: Vec<Block> = Vec::new();
        let mut latest: Option<Section> = None;
        for element in root.child_elements() {
            let name = self.text(element.name);
            let Some(section) = Section::from_element(name) else {
                let mut diagnostic = Diagnostic::new(
                    Code::UnknownSection,
                    element.name,
                    format!("`{name}` is not a policy section"),
                );
                diagnostic = match catalog::similar(name, Section::ALL.map(Section::element)) {
                    Some(guess) => diagnostic.with_help(format!("did you mean `{guess}`?")),
                    None => diagnostic.with_help(
                        "sections are `inbound`, `backend`, `outbound` and `on-error`; put policies inside one",
                    ),
                };
                self.report(diagnostic);
                continue;
            };
            if let Some(first) = blocks.iter().find(|b| b.section == Some(section)) {
                let first_span = first.name_span;
                self.report(
                    Diagnostic::new(
                        Code::DuplicateSection,
                        element.name,
                        format!("section `{name}` appears more than once"),
                    )
                    .with_label(first_span, "first given here")
                    .with_help("merge the two sections into one"),
                );
                continue;
            }
            if latest.is_some_and(|latest| latest > section) {
                self.report(
                    Diagnostic::new(
                        Code::SectionOrder,
                        element.name,
                        format!("section `{name}` comes after a section that runs later"),
                    )
                    .with_help("write the sections in pipeline order: inbound, backend, outbound, on-error"),
                );
            }
            latest = latest.max(Some(section));
            let items = self.items(element, Context::section(section));
            blocks.push(Block {
                section: Some(section),
                span: element.span,
                name_span: element.name,
                items,
            });
        }
        PolicyDocument {
            kind: Kind::Policies,
            blocks,
        }
    }

    /// The policies inside `parent`.
    fn items(&mut self, parent: &Element, context: Context) -> Vec<Item> {
        let owner = self.text(parent.name);
        self.text_never_runs(parent, owner);
        let mut items = Vec::new();
        let mut base_seen: Option<Span> = None;
        // Elements still to read, the next one last: an unclosed leaf policy hands its
        // children back to this list (see `swallows_siblings`).
        let mut pending: Vec<&Element> = parent.child_elements().collect();
        pending.reverse();
        while let Some(element) = pending.pop() {
            let name = self.text(element.name);
            if name == "base" {
                self.base(element, context, &mut base_seen);
                items.push(Item::Base(element.span));
                continue;
            }
            if let Some(policy) = self.policy(element, context) {
                if policy
                    .spec
                    .is_some_and(|spec| swallows_siblings(element, spec))
                {
                    pending.extend(
                        element
                            .child_elements()
                            .collect::<Vec<_>>()
                            .into_iter()
                            .rev(),
                    );
                }
                items.push(Item::Policy(policy));
            }
        }
        items
    }

    fn base(&mut self, element: &Element, context: Context, seen: &mut Option<Span>) {
        if context.in_fragment {
            self.report(
                Diagnostic::new(
                    Code::BaseInFragment,
                    element.name,
                    "`base` cannot be used in a fragment",
                )
                .with_help("put `<base />` in the section that includes the fragment"),
            );
        } else if !context.top {
            self.report(
                Diagnostic::new(
                    Code::MisplacedBase,
                    element.name,
                    "`base` must be a direct child of a section",
                )
                .with_help("move `<base />` out of the enclosing policy, into the section itself"),
            );
        } else if let Some(first) = *seen {
            self.report(
                Diagnostic::new(
                    Code::DuplicateBase,
                    element.name,
                    "`base` appears more than once in this section",
                )
                .with_label(first, "first used here")
                .with_help("keep one `<base />`"),
            );
        } else if self.scope == Scope::Global {
            self.report(
                Diagnostic::new(
                    Code::BaseAtGlobal,
                    element.name,
                    "`base` has no effect at global scope",
                )
                .with_help("remove it: global scope has no broader scope to include"),
            );
        }
        if seen.is_none() {
            *seen = Some(element.name);
        }
    }

    fn policy(&mut self, element: &Element, context: Context) -> Option<Policy> {
        let name = self.text(element.name);
        let backend_id = element
            .attribute(self.document, "backend-id")
            .map(|a| Content::from_value(self.document, &a.value).text);
        let Some(spec) = catalog::lookup(name, backend_id.as_deref()) else {
            let mut diagnostic = Diagnostic::new(
                Code::UnknownPolicy,
                element.name,
                format!("`{name}` is not an apim policy"),
            );
            let names = catalog::POLICIES.iter().map(|p| p.element).chain(["base"]);
            let parents: Vec<&str> = catalog::POLICIES
                .iter()
                .filter(|p| p.child(name).is_some())
                .map(|p| p.element)
                .collect();
            diagnostic = if !parents.is_empty() {
                diagnostic.with_help(format!(
                    "`{name}` is an element of {}, not a policy of its own",
                    join(parents.into_iter())
                ))
            } else {
                match catalog::similar(name, names) {
                    Some(guess) => self
                        .end_tag_names(element, guess, diagnostic)
                        .with_help(format!("did you mean `{guess}`?")),
                    None => diagnostic.with_help(
                        "run `gatehouse rules` or see the catalog for the policies APIM knows",
                    ),
                }
            };
            self.report(diagnostic);
            return None;
        };
        self.placement(spec, element, context);
        let attributes = self.attributes(element, spec.attributes, name, true);
        let mut policy = Policy {
            element: name.to_owned(),
            spec: Some(spec),
            span: element.span,
            name_span: element.name,
            attributes,
            config: Vec::new(),
            body: Vec::new(),
            text: self.element_text(element),
        };
        if !BODY_ELEMENTS.contains(&name) && !swallows_siblings(element, spec) {
            let in_wait = spec.element == "wait";
            (policy.config, policy.body) = self.children(
                element,
                name,
                (spec.children, spec.attributes),
                spec.contains_policies,
                context.nested(in_wait),
            );
        }
        if spec.text.is_none() && !BODY_ELEMENTS.contains(&name) {
            if spec.children.iter().any(|child| child.name == "value") {
                self.text_for_value(element, name);
            } else {
                self.text_never_runs(element, name);
            }
        }
        if let Some(text_spec) = &spec.text {
            let empty = policy
                .text
                .as_ref()
                .is_none_or(|t| t.text.trim().is_empty());
            if text_spec.required && empty && !self.holds_foreign_xml(element) {
                self.report(
                    Diagnostic::new(
                        Code::MissingText,
                        element.name,
                        format!("`{name}` needs text content"),
                    )
                    .with_help(format!(
                        "write the value between `<{name}>` and `</{name}>`"
                    )),
                );
            }
            if !text_spec.expressions {
                self.no_expressions(policy.text.as_ref(), &format!("the text of `{name}`"));
            }
        }
        Some(policy)
    }

    fn holds_foreign_xml(&self, element: &Element) -> bool {
        element.child_elements().next().is_some()
    }

    /// Section, scope, `wait` and standing checks for a policy placed here.
    fn placement(&mut self, spec: &'static PolicySpec, element: &Element, context: Context) {
        let name = spec.element;
        if let Some(section) = context.section
            && !spec.sections.contains(&section)
        {
            let help = if spec.sections.is_empty() {
                format!(
                    "`{name}` is a graphql resolver policy; it belongs in a resolver's policy, not in a section"
                )
            } else {
                format!(
                    "`{name}` can be used in: {}",
                    join(spec.sections.iter().map(|s| s.element()))
                )
            };
            self.report(
                Diagnostic::new(
                    Code::WrongSection,
                    element.name,
                    format!("`{name}` cannot be used in `{}`", section.element()),
                )
                .with_help(help),
            );
        }
        if !context.in_fragment && !spec.scopes.contains(&self.scope) {
            let scopes = join(spec.scopes.iter().map(|s| s.name()));
            let diagnostic = Diagnostic::new(
                Code::WrongScope,
                element.name,
                format!("`{name}` cannot be used at {} scope", self.scope.name()),
            );
            self.report(if self.scope_assumed {
                diagnostic.with_severity(Severity::Warning).with_help(format!(
                    "this file's scope was assumed to be {}; `{name}` can be used at: {scopes}; pass `--scope`",
                    self.scope.name()
                ))
            } else {
                diagnostic.with_help(format!("`{name}` can be used at: {scopes}"))
            });
        }
        if context.in_wait && !WAIT_CHILDREN.contains(&name) {
            self.report(
                Diagnostic::new(
                    Code::NotAllowedInWait,
                    element.name,
                    format!("`{name}` cannot be a direct child of `wait`"),
                )
                .with_help("`wait` allows only `send-request`, `cache-lookup-value` and `choose` directly inside it"),
            );
        }
        match spec.standing {
            Standing::Documented => {}
            Standing::Deprecated => self.report(
                Diagnostic::new(Code::DeprecatedPolicy, element.name, format!("`{name}` is deprecated"))
                    .with_help("configure a resolver with `http-data-source` or another data source policy instead"),
            ),
            Standing::Unverified => self.report(
                Diagnostic::new(
                    Code::UnverifiedPolicy,
                    element.name,
                    format!("`{name}` is not in the official documentation"),
                )
                .with_help("it is known only from the policy toolkit; check that your gateway supports it"),
            ),
        }
    }

    fn config(&mut self, element: &Element, spec: &'static ChildSpec, context: Context) -> Config {
        let name = self.text(element.name);
        let attributes = if spec.foreign_content {
            self.unchecked_attributes(element)
        } else {
            self.attributes(element, spec.attributes, name, false)
        };
        let mut config = Config {
            name: name.to_owned(),
            spec: Some(spec),
            span: element.span,
            name_span: element.name,
            attributes,
            config: Vec::new(),
            body: Vec::new(),
            text: self.element_text(element),
        };
        if spec.foreign_content {
            return config;
        }
        if !spec.text_expressions && !spec.contains_policies && spec.children.is_empty() {
            self.no_expressions(config.text.as_ref(), &format!("the text of `{name}`"));
        }
        if BODY_ELEMENTS.contains(&name) || config_swallows_siblings(element, spec) {
            return config;
        }
        if spec.contains_policies {
            self.text_never_runs(element, name);
        }
        (config.config, config.body) = self.children(
            element,
            name,
            (spec.children, spec.attributes),
            spec.contains_policies,
            context.nested(false),
        );
        config
    }

    /// The child elements of a policy or configuration element: configuration elements the
    /// catalog lists, and, where the element holds policies, policies. `nested` is the
    /// context of those policies. The owner's attributes name, in a diagnostic, an attribute
    /// written as a child element.
    fn children(
        &mut self,
        element: &Element,
        owner: &str,
        (specs, attributes): (&'static [ChildSpec], &'static [AttributeSpec]),
        contains_policies: bool,
        nested: Context,
    ) -> (Vec<Config>, Vec<Item>) {
        let mut config = Vec::new();
        let mut body = Vec::new();
        let mut order = Order::new(owner);
        // The next child last; an unclosed leaf hands back what it swallowed (`left_open`).
        let mut pending: Vec<&Element> = element.child_elements().collect();
        pending.reverse();
        while let Some(child) = pending.pop() {
            let child_name = self.text(child.name);
            if let Some(child_spec) = specs.iter().find(|s| s.name == child_name) {
                order.check(self, specs, child_spec, child);
                config.push(self.config(child, child_spec, nested));
                if config_swallows_siblings(child, child_spec) {
                    pending.extend(child.child_elements().collect::<Vec<_>>().into_iter().rev());
                }
            } else if contains_policies {
                let misspelt_child = catalog::lookup(child_name, None).is_none()
                    && catalog::similar(child_name, specs.iter().map(|s| s.name)).is_some();
                if misspelt_child {
                    // `<whn>` in `choose`: a typo of its element, not an unknown policy.
                    self.unknown_child(child, element, owner, specs, attributes);
                } else if child_name == "base" {
                    let mut seen = None;
                    self.base(child, nested, &mut seen);
                    body.push(Item::Base(child.span));
                } else if let Some(policy) = self.policy(child, nested) {
                    body.push(Item::Policy(policy));
                }
            } else {
                self.unknown_child(child, element, owner, specs, attributes);
            }
        }
        self.missing_children(element, owner, specs, &config);
        (config, body)
    }

    /// GH0267 for text directly inside a policy whose values go in `<value>` children
    /// (`<set-header name="x">abc</set-header>`): APIM refuses it at save time ("The element
    /// 'set-header' cannot contain text. List of possible elements expected: 'value'."), and
    /// the author evidently meant the text as the value.
    fn text_for_value(&mut self, element: &Element, owner: &str) {
        let mut pieces = self.text_pieces(element);
        let Some(first) = pieces.next() else { return };
        let others: Vec<Span> = pieces.collect();
        // The value as written runs to the last text, a guide's `<MI-token>` (kept as unparsed
        // markup) included.
        let end = element
            .children
            .iter()
            .filter(|node| !matches!(node, Node::Element(_) | Node::Comment(_)))
            .map(|node| node.span().end)
            .max()
            .unwrap_or(first.end);
        let written = Span::new(first.start, end.max(first.end));
        let text = self.text(written).trim_end().to_owned();
        let mut diagnostic = Diagnostic::new(
            Code::TextNeverRuns,
            first,
            format!("text directly in `{owner}` is not its value"),
        )
        .with_help(match crate::rules::placeholder_help(&text) {
            Some(help) => help.to_owned(),
            None if text.len() <= 60 && !text.contains('\n') => {
                format!("a value goes in a `<value>` element: `<value>{text}</value>`")
            }
            None => "a value goes in a `<value>` element: `<value>…</value>`".to_owned(),
        });
        for other in others {
            diagnostic = diagnostic.with_label(other, "and here");
        }
        self.report(diagnostic);
    }

    /// The trimmed spans of the text and CDATA directly in `element`, white space left out.
    fn text_pieces<'e>(&self, element: &'e Element) -> impl Iterator<Item = Span> + use<'e, '_> {
        element.children.iter().filter_map(|node| {
            let span = match node {
                Node::Text(text) => text.value.span,
                Node::CData(cdata) => cdata.span,
                _ => return None,
            };
            let text = self.text(span);
            let start = text.len() - text.trim_start().len();
            let trimmed = text.trim();
            (!trimmed.is_empty()).then(|| {
                let from = span.start as usize + start;
                Span::from_range(from..from + trimmed.len())
            })
        })
    }

    /// GH0267 for text directly inside `element`, which holds elements only (`policies`, a
    /// section, a fragment, a policy without text content, `when`): one error at the first
    /// piece, the others labelled.
    fn text_never_runs(&mut self, element: &Element, owner: &str) {
        let mut pieces = self.text_pieces(element);
        let Some(first) = pieces.next() else { return };
        let is_expression =
            self.text(first).starts_with("@(") || self.text(first).starts_with("@{");
        let mut diagnostic = Diagnostic::new(
            Code::TextNeverRuns,
            first,
            if is_expression {
                format!("a policy expression directly in `{owner}` never runs")
            } else {
                format!("text directly in `{owner}` never runs")
            },
        )
        .with_help(if is_expression {
            "put it where a policy takes one: `<set-variable name=\"…\" value=\"@(…)\" />` or `<set-body>@{…}</set-body>`"
        } else if gatehouse_reader::is_stray_gt_after_comment(self.document.source(), first) {
            "a `>` left after the comment's `-->`: delete it"
        } else {
            crate::rules::placeholder_help(self.text(first))
                .unwrap_or("make it a comment, `<!-- … -->`, or delete it")
        });
        for other in pieces {
            diagnostic = diagnostic.with_label(other, "and here");
        }
        self.report(diagnostic);
    }

    /// Attributes of foreign XML, kept but not checked.
    fn unchecked_attributes(&self, element: &Element) -> Vec<Attribute> {
        element
            .attributes
            .iter()
            .map(|attribute| Attribute {
                name: self.text(attribute.name).to_owned(),
                name_span: attribute.name,
                value: Content::from_value(self.document, &attribute.value),
            })
            .collect()
    }

    fn unknown_child(
        &mut self,
        child: &Element,
        parent_element: &Element,
        parent: &str,
        known: &'static [ChildSpec],
        attributes: &'static [AttributeSpec],
    ) {
        let child_name = self.text(child.name);
        let mut diagnostic = Diagnostic::new(
            Code::UnknownChild,
            child.name,
            format!("`{child_name}` is not a known child of `{parent}`"),
        );
        let as_attribute = attributes.iter().find(|a| a.name == child_name);
        // `<cors><preflight-result-max-age>` where it is an attribute of `allowed-methods`.
        let as_child_attribute = known.iter().find_map(|known_child| {
            known_child
                .attributes
                .iter()
                .find(|a| a.name == child_name)
                .map(|a| (known_child.name, a.name))
        });
        // `<sql-data-source><sql-statement>` where it belongs inside `request`: a level skipped.
        let owners: Vec<&'static str> = known
            .iter()
            .filter(|k| k.children.iter().any(|g| g.name == child_name))
            .map(|k| k.name)
            .collect();
        diagnostic = match catalog::similar(child_name, known.iter().map(|c| c.name)) {
            // `<cors><allow-credentials>true</allow-credentials>`: an attribute written as
            // an element, which APIM does not read.
            _ if let Some(attribute) = as_attribute => {
                let value = self.short_text(child);
                diagnostic.with_help(format!(
                    "`{}` is an attribute of `{parent}`: write `<{parent} {}=\"{value}\">`",
                    attribute.name, attribute.name
                ))
            }
            _ if let Some((owner, attribute)) = as_child_attribute => {
                let value = self.short_text(child);
                diagnostic.with_help(format!(
                    "`{attribute}` is an attribute of `{owner}` in `{parent}`: write `<{owner} {attribute}=\"{value}\">`"
                ))
            }
            _ if !owners.is_empty() => {
                // The element it belongs in is missing for the same slip: one report.
                if let [owner] = owners.as_slice() {
                    self.misspelt.push((parent_element.name, owner));
                }
                let inside = owners
                    .iter()
                    .map(|o| format!("`<{o}>`"))
                    .collect::<Vec<_>>()
                    .join(" or ");
                let first = owners.first().copied().unwrap_or_default();
                diagnostic.with_help(format!(
                    "`{child_name}` belongs inside {inside}: write `<{first}><{child_name}>…</{child_name}></{first}>`"
                ))
            }
            Some(guess) => {
                self.misspelt.push((parent_element.name, guess));
                self.end_tag_names(child, guess, diagnostic)
                    .with_help(format!("did you mean `{guess}`?"))
            }
            None if known.is_empty() => {
                diagnostic.with_help(format!("`{parent}` takes no child elements"))
            }
            None => diagnostic.with_help(format!(
                "`{parent}` takes: {}",
                join(known.iter().map(|c| c.name))
            )),
        };
        self.report(diagnostic);
    }

    /// `<set-heder>…</set-header>`: when the end tag names the element the misspelt start tag
    /// resembles, the end tag is right and only the start tag is to be fixed; the reader's
    /// mismatched-end-tag report at it says the opposite, and is dropped.
    fn end_tag_names(
        &mut self,
        element: &Element,
        guess: &str,
        diagnostic: Diagnostic,
    ) -> Diagnostic {
        let Some(end_tag) = element.end_tag else {
            return diagnostic;
        };
        let end_name = self
            .text(end_tag)
            .trim_start_matches("</")
            .trim_end_matches('>')
            .trim();
        if end_name != guess {
            return diagnostic;
        }
        self.superseded.push((Code::MismatchedEndTag, end_tag));
        diagnostic.with_label(end_tag, format!("the end tag names `{guess}`"))
    }

    /// An element's text to show as an attribute's value in a help line, or `…`.
    fn short_text(&self, element: &Element) -> String {
        self.element_text(element)
            .map(|content| content.text.trim().to_owned())
            .filter(|value| value.len() <= 40 && !value.contains(['"', '\n']))
            .unwrap_or_else(|| "…".to_owned())
    }

    fn missing_children(
        &mut self,
        element: &Element,
        name: &str,
        specs: &'static [ChildSpec],
        given: &[Config],
    ) {
        for spec in specs.iter().filter(|s| s.required) {
            // A misspelt required element was reported as unknown, with "did you mean" naming
            // it (`unknown_child`): one typo, one error.
            let misspelt = self.misspelt.contains(&(element.name, spec.name));
            if !given.iter().any(|c| c.name == spec.name) && !misspelt {
                self.report(
                    Diagnostic::new(
                        Code::MissingChild,
                        element.name,
                        format!("`{name}` needs the element `{}`", spec.name),
                    )
                    .with_help(format!("add `<{}>` inside `<{name}>`", spec.name)),
                );
            }
        }
    }

    fn element_text(&self, element: &Element) -> Option<Content> {
        let mut content: Option<Content> = None;
        for node in &element.children {
            let value = match node {
                Node::Text(text) => &text.value,
                Node::CData(cdata) => &cdata.value,
                _ => continue,
            };
            match &mut content {
                Some(content) => content.push_value(self.document, value),
                None => content = Some(Content::from_value(self.document, value)),
            }
        }
        content.filter(|c| !c.text.trim().is_empty())
    }

    fn no_expressions(&mut self, content: Option<&Content>, place: &str) {
        let Some(content) = content else { return };
        if let Some(span) = content.expressions.first().copied() {
            self.report(
                Diagnostic::new(
                    Code::ExpressionNotAllowed,
                    span,
                    format!("policy expressions are not allowed in {place}"),
                )
                .with_help("write a constant value here"),
            );
        }
    }

    fn attributes(
        &mut self,
        element: &Element,
        specs: &'static [AttributeSpec],
        owner: &str,
        is_policy: bool,
    ) -> Vec<Attribute> {
        let mut out = Vec::with_capacity(element.attributes.len());
        // Unknown attributes with the known name they most resemble.
        let mut unknown: Vec<(Diagnostic, Option<&'static str>)> = Vec::new();
        for attribute in &element.attributes {
            let name = self.text(attribute.name);
            let value = Content::from_value(self.document, &attribute.value);
            let spec = specs.iter().find(|s| s.name == name);
            let witness = if is_policy && spec.is_none() {
                catalog::undocumented_attribute(owner, name)
            } else {
                None
            };
            match spec {
                Some(spec) => self.attribute_value(spec, owner, &value),
                None if is_policy && name == "id" => {}
                None if name == "xmlns" || name.starts_with("xmlns:") => {}
                None if witness.is_some() => {
                    let witness = witness.map_or("", catalog::Witness::describe);
                    self.report(
                        Diagnostic::new(
                            Code::UnverifiedAttribute,
                            attribute.name,
                            format!(
                                "`{owner}` attribute `{name}` is not in the official documentation"
                            ),
                        )
                        .with_help(format!(
                            "{witness}; check that your APIM instance accepts it"
                        )),
                    );
                }
                None => {
                    let diagnostic = Diagnostic::new(
                        Code::UnknownAttribute,
                        attribute.name,
                        format!("`{owner}` has no attribute `{name}`"),
                    );
                    let guess = catalog::similar(name, specs.iter().map(|s| s.name));
                    unknown.push((diagnostic, guess));
                }
            }
            out.push(Attribute {
                name: name.to_owned(),
                name_span: attribute.name,
                value,
            });
        }
        let missing: Vec<&'static str> = specs
            .iter()
            .filter(|s| s.required && !out.iter().any(|a| a.name == s.name))
            .map(|s| s.name)
            .collect();
        let misspelt: Vec<&str> = unknown.iter().filter_map(|(_, guess)| *guess).collect();
        for (diagnostic, guess) in unknown {
            let help = match guess {
                // One misspelling, one error: the required attribute it was meant to be is
                // not reported missing as well.
                Some(guess) if missing.contains(&guess) => {
                    format!("did you mean `{guess}`? `{owner}` requires it")
                }
                Some(guess) => format!("did you mean `{guess}`?"),
                None if specs.is_empty() => format!("`{owner}` takes no attributes; remove it"),
                None => format!("`{owner}` takes: {}", join(specs.iter().map(|s| s.name))),
            };
            self.report(diagnostic.with_help(help));
        }
        // `<set-header "X-Tier">`: the reader reported each value written without a name
        // (GH0010) and proposed `name=` for it; the missing attributes are matched to those
        // values in order.
        let mut nameless = self.nameless_values(element).into_iter();
        for name in missing {
            if misspelt.contains(&name) {
                continue;
            }
            let value = nameless.next();
            if let Some((span, text)) = value {
                // One slip, one error: the reader's GH0010 proposes `name=`, right for
                // `<set-header "X-Tier">`; for any other attribute this report replaces it.
                if name != "name" {
                    self.superseded.push((Code::MalformedAttribute, span));
                    self.report(
                        Diagnostic::new(
                            Code::MalformedAttribute,
                            span,
                            format!("value {text} has no attribute name"),
                        )
                        .with_help(format!(
                            "`{owner}` needs the attribute `{name}`: write `{name}={text}`"
                        )),
                    );
                }
                continue;
            }
            // `name=X-Tier`: written, but malformed, and the reader reported it (GH0010).
            if !self.written_malformed(element, name) {
                self.report(
                    Diagnostic::new(
                        Code::MissingAttribute,
                        element.name,
                        format!("`{owner}` needs the attribute `{name}`"),
                    )
                    .with_help(format!("add `{name}=\"…\"`")),
                );
            }
        }
        out
    }

    /// Whether the start tag has `name` as an attribute name the reader could not read as
    /// one (`name=X-Tier`, a value without quotes): a word outside quotes, after white space,
    /// followed by `=`.
    fn written_malformed(&self, element: &Element, name: &str) -> bool {
        let tag = self.text(element.start_tag).as_bytes();
        let mut quote = None;
        let mut at = 0;
        while let Some(&byte) = tag.get(at) {
            match quote {
                Some(open) if byte == open => quote = None,
                Some(_) => {}
                None if byte == b'"' || byte == b'\'' => quote = Some(byte),
                None if at > 0
                    && tag.get(at - 1).is_some_and(u8::is_ascii_whitespace)
                    && tag
                        .get(at..)
                        .is_some_and(|rest| rest.starts_with(name.as_bytes())) =>
                {
                    let after = tag.get(at + name.len()..).unwrap_or_default();
                    if after.trim_ascii_start().starts_with(b"=") {
                        return true;
                    }
                }
                None => {}
            }
            at += 1;
        }
        false
    }

    /// The quoted values in the start tag with no `name=` before them, quotes included: a
    /// quote opened outside quotes whose previous non-space byte is not `=`.
    fn nameless_values(&self, element: &Element) -> Vec<(Span, &'d str)> {
        let tag = self.text(element.start_tag);
        let tag_start = element.start_tag.start as usize;
        let mut open: Option<(u8, usize, bool)> = None;
        let mut values = Vec::new();
        for (at, &byte) in tag.as_bytes().iter().enumerate() {
            match open {
                Some((quote, start, nameless)) if byte == quote => {
                    if nameless && let Some(text) = tag.get(start..=at) {
                        let span = Span::from_range(tag_start + start..tag_start + at + 1);
                        values.push((span, text));
                    }
                    open = None;
                }
                Some(_) => {}
                None if byte == b'"' || byte == b'\'' => {
                    let before = tag.get(..at).unwrap_or_default().trim_ascii_end();
                    open = Some((byte, at, !before.ends_with('=')));
                }
                None => {}
            }
        }
        values
    }

    fn attribute_value(&mut self, spec: &AttributeSpec, owner: &str, value: &Content) {
        if let Some(span) = value.expressions.first().copied() {
            if !spec.expressions {
                self.report(
                    Diagnostic::new(
                        Code::ExpressionNotAllowed,
                        span,
                        format!("`{owner}` does not accept an expression in `{}`", spec.name),
                    )
                    .with_help(if owner == "trace" && spec.name == "source" {
                        // Five real files compute the source (`@(context.Operation.Id)`); the
                        // page: "Policy expressions aren't allowed".
                        "`source` is a fixed label: write one, and put the computed value in `<message>` or in `<metadata name=\"…\" value=\"@(…)\" />`"
                    } else {
                        "write a constant value; APIM reads this attribute once, when the policy loads"
                    }),
                );
            }
            return;
        }
        // A value built from named values is checked once they are replaced, when their
        // values are known; a secret's value is never shown.
        let substituted;
        let (text, shown) = match value.literal() {
            Some(text) => (text.trim(), text.trim().to_owned()),
            None => {
                let Some(replaced) = self
                    .named_values
                    .and_then(|set| set.substitute(&value.text))
                else {
                    return;
                };
                substituted = replaced;
                // A named value may hold a whole expression, which APIM then runs: it is an
                // expression here (the lint checks its code), not a literal.
                if crate::named_values::whole_expression(&substituted.text).is_some() {
                    if !spec.expressions {
                        self.report(
                            Diagnostic::new(
                                Code::ExpressionNotAllowed,
                                value.span,
                                format!(
                                    "`{owner}` does not accept an expression in `{}`, and `{}` holds one",
                                    spec.name,
                                    value.text.trim()
                                ),
                            )
                            .with_help("write a constant value, or a named value that holds one"),
                        );
                    }
                    return;
                }
                let shown = if substituted.has_secret {
                    format!("the value of `{}`", value.text.trim())
                } else {
                    format!(
                        "`{}` (from `{}`)",
                        substituted.text.trim(),
                        value.text.trim()
                    )
                };
                (substituted.text.trim(), shown)
            }
        };
        let quoted = if value.literal().is_some() {
            format!("`{shown}`")
        } else {
            shown
        };
        if text.is_empty() {
            if spec.required && is_identifier(spec.name) {
                self.report(
                    Diagnostic::new(
                        Code::EmptyValue,
                        value.span,
                        format!("`{}` is empty", spec.name),
                    )
                    .with_help(format!("give `{}` a value", spec.name)),
                );
            }
            return;
        }
        if !spec.values.is_empty() {
            if !spec.values.iter().any(|v| v.eq_ignore_ascii_case(text)) {
                self.report(
                    Diagnostic::new(
                        Code::InvalidEnumValue,
                        value.span,
                        format!("{quoted} is not a valid value of `{}`", spec.name),
                    )
                    .with_help(format!("use one of: {}", join(spec.values.iter().copied()))),
                );
            }
            return;
        }
        let (valid, code) = match spec.kind {
            ValueKind::Boolean => (
                text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false"),
                Code::InvalidBoolean,
            ),
            ValueKind::Integer => (text.parse::<i64>().is_ok(), Code::InvalidInteger),
            ValueKind::Double | ValueKind::Decimal => {
                (text.parse::<f64>().is_ok(), Code::InvalidNumber)
            }
            ValueKind::Seconds => (is_duration(text), Code::InvalidNumber),
            ValueKind::Char => (text.chars().count() == 1, Code::InvalidNumber),
            ValueKind::String | ValueKind::Any | ValueKind::Bytes | ValueKind::DateTime => {
                (true, Code::InvalidNumber)
            }
        };
        if !valid {
            let counts_seconds =
                spec.kind == ValueKind::Integer && SECONDS_ATTRIBUTES.contains(&spec.name);
            let help = match seconds_written_with_unit(text).filter(|_| counts_seconds) {
                Some(seconds) if seconds.fract() == 0.0 => format!(
                    "`{}` counts seconds: for {quoted}, write `{seconds}`",
                    spec.name
                ),
                Some(_) => format!("`{}` counts whole seconds", spec.name),
                None => format!("`{}` takes {}", spec.name, spec.kind.describe()),
            };
            self.report(
                Diagnostic::new(
                    code,
                    value.span,
                    format!(
                        "{quoted} is not {} (attribute `{}`)",
                        spec.kind.describe(),
                        spec.name
                    ),
                )
                .with_help(help),
            );
        }
    }
}

/// Whole-number attributes that count seconds, each page says so: the limits'
/// `renewal-period`, the requests' `timeout`, the caches' `duration`, `retry`'s `interval`,
/// `max-interval` and `delta`, and `cors`'s `preflight-result-max-age`.
const SECONDS_ATTRIBUTES: &[&str] = &[
    "renewal-period",
    "timeout",
    "duration",
    "interval",
    "max-interval",
    "delta",
    "preflight-result-max-age",
];

/// How many seconds a duration written with a unit stands for: `90s`, `1m`, `2 hours`, `1d`,
/// a .NET time span (`00:01:00`, `1.00:00:00`) or ISO 8601 (`PT1M`, as ARM and Bicep write).
fn seconds_written_with_unit(text: &str) -> Option<f64> {
    let text = text.trim();
    if let Some(iso) = text
        .strip_prefix("PT")
        .or_else(|| text.strip_prefix("pt"))
        .map(|rest| (0.0, rest))
        .or_else(|| {
            // `P1D` or `P1DT2H`: days before the `T`.
            let rest = text.strip_prefix('P').or_else(|| text.strip_prefix('p'))?;
            let (days, time) = rest.split_once(['T', 't']).unwrap_or((rest, ""));
            let days: f64 = days.strip_suffix(['D', 'd'])?.parse().ok()?;
            Some((days * 86_400.0, time))
        })
    {
        let (mut total, mut rest) = iso;
        if rest.is_empty() && total == 0.0 {
            return None; // `PT`: no component
        }
        while !rest.is_empty() {
            let split = rest.find(|c: char| c.is_ascii_alphabetic())?;
            let number: f64 = rest.get(..split)?.parse().ok()?;
            let unit = rest.get(split..=split)?.to_ascii_uppercase();
            total += number
                * match unit.as_str() {
                    "H" => 3_600.0,
                    "M" => 60.0,
                    "S" => 1.0,
                    _ => return None,
                };
            rest = rest.get(split + 1..)?;
        }
        return Some(total);
    }
    if text.contains(':') {
        // [d.]hh:mm:ss[.fff]
        let parts: Vec<&str> = text.split(':').collect();
        let [hours, minutes, seconds] = parts.as_slice() else {
            return None;
        };
        let (days, hours) = hours.split_once('.').unwrap_or(("0", hours));
        let days: f64 = days.parse().ok()?;
        let hours: f64 = hours.parse().ok()?;
        let minutes: f64 = minutes.parse().ok()?;
        let seconds: f64 = seconds.parse().ok()?;
        return Some(((days * 24.0 + hours) * 60.0 + minutes) * 60.0 + seconds);
    }
    let split = text.find(|c: char| c.is_alphabetic())?;
    let number: f64 = text.get(..split)?.trim().parse().ok()?;
    let unit = text.get(split..)?.trim().to_ascii_lowercase();
    let factor = match unit.as_str() {
        "ms" | "msec" | "millisecond" | "milliseconds" => 0.001,
        "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
        "m" | "min" | "mins" | "minute" | "minutes" => 60.0,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3_600.0,
        "d" | "day" | "days" => 86_400.0,
        _ => return None,
    };
    Some(number * factor)
}

/// Seconds (`30`) or a .NET time span (`00:00:30`).
fn is_duration(text: &str) -> bool {
    text.parse::<u64>().is_ok()
        || (text.split(':').count() == 3 && text.split(':').all(|p| p.parse::<f64>().is_ok()))
}

/// Children a policy takes a limited number of: "You can configure at most 10 custom dimensions
/// for this policy" (emit-metric-policy.md, azure-openai-emit-token-metric-policy.md;
/// `maxOccurs="10"` in Microsoft's policy schemas). llm-emit-token-metric-policy.md said 10 too
/// until its 2026-05 revision, which says "at most 5" (the generic limits section it includes
/// still says 10 per policy; the page's own, newer note wins).
const CHILD_LIMITS: &[(&str, &str, usize)] = &[
    ("emit-metric", "dimension", 10),
    ("llm-emit-token-metric", "dimension", 5),
    ("azure-openai-emit-token-metric", "dimension", 10),
];

/// Checks that configuration children are not repeated, and follow the documented order
/// where the policy requires it.
struct Order {
    ordered: bool,
    /// The owner, the child it takes a limited number of, and the limit.
    limit: Option<&'static (&'static str, &'static str, usize)>,
    latest: Option<(usize, &'static str)>,
    seen: Vec<&'static str>,
}

impl Order {
    fn new(owner: &str) -> Order {
        Order {
            ordered: ORDERED.contains(&owner),
            limit: CHILD_LIMITS.iter().find(|(policy, _, _)| *policy == owner),
            latest: None,
            seen: Vec::new(),
        }
    }

    fn check(
        &mut self,
        builder: &mut Builder<'_>,
        specs: &'static [ChildSpec],
        spec: &'static ChildSpec,
        element: &Element,
    ) {
        let index = specs.iter().position(|s| s.name == spec.name).unwrap_or(0);
        if !spec.repeat && self.seen.contains(&spec.name) {
            builder.report(
                Diagnostic::new(
                    Code::DuplicateChild,
                    element.name,
                    format!("`{}` may appear only once here", spec.name),
                )
                .with_help("merge the two elements into one"),
            );
        }
        self.seen.push(spec.name);
        if let Some(&(owner, child, most)) = self.limit {
            // Reported once, at the first element past the limit.
            if spec.name == child && self.seen.iter().filter(|s| **s == child).count() == most + 1 {
                builder.report(
                    Diagnostic::new(
                        Code::TooManyChildren,
                        element.name,
                        format!(
                            "`{owner}` takes at most {most} `{child}` elements; this is number {}",
                            most + 1
                        ),
                    )
                    .with_help(format!("keep {most} `{child}` elements or fewer")),
                );
            }
        }
        if !self.ordered {
            return;
        }
        match self.latest {
            Some((latest, latest_name)) if index < latest => builder.report(
                Diagnostic::new(
                    Code::ChildOrder,
                    element.name,
                    format!("`{}` must come before `{latest_name}`", spec.name),
                )
                .with_help(format!("order: {}", join(specs.iter().map(|s| s.name)))),
            ),
            _ => self.latest = Some((index, spec.name)),
        }
    }
}

pub(crate) fn join<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::seconds_written_with_unit;

    #[test]
    fn durations_written_with_units_are_read_as_seconds() {
        for (text, seconds) in [
            ("90s", 90.0),
            ("1m", 60.0),
            ("2 hours", 7_200.0),
            ("1d", 86_400.0),
            ("500ms", 0.5),
            ("00:01:30", 90.0),
            ("1.00:00:00", 86_400.0),
            ("PT1M30S", 90.0),
            ("PT1H", 3_600.0),
            ("P1DT2H", 93_600.0),
        ] {
            assert_eq!(seconds_written_with_unit(text), Some(seconds), "{text}");
        }
        for text in ["10/min", "ten", "1x", "PT", "P1", "1:2"] {
            assert_eq!(seconds_written_with_unit(text), None, "{text}");
        }
    }
}
