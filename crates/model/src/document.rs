//! The typed model of one policy document, built from the reader's tree.

use gatehouse_diagnostics::Span;
use gatehouse_reader::{Document, ValuePart};

use crate::catalog::{AttributeSpec, ChildSpec, PolicySpec, Section};

/// Which root the document has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `<policies>` with its sections.
    Policies,
    /// `<fragment>`: policies pasted into a section wherever the fragment is included.
    Fragment,
    /// A GraphQL resolver's policy: one data-source policy at resolver scope, which inherits
    /// nothing and runs after `inbound` and `backend`.
    Resolver,
    /// Neither (the reader reported it).
    Unknown,
}

/// A policy document: its sections, or for a fragment one block without a section.
#[derive(Clone, Debug)]
pub struct PolicyDocument {
    pub kind: Kind,
    pub blocks: Vec<Block>,
}

impl PolicyDocument {
    pub fn section(&self, section: Section) -> Option<&Block> {
        self.blocks.iter().find(|b| b.section == Some(section))
    }

    /// Every policy in the document, nested ones included, in document order.
    pub fn policies(&self) -> Vec<&Policy> {
        let mut out = Vec::new();
        for block in &self.blocks {
            collect_policies(&block.items, &mut out);
        }
        out
    }
}

impl PolicyDocument {
    /// Every expression in an attribute the catalog describes, by the expression's span,
    /// with the attribute's entry: what type its value must have.
    pub fn attribute_expressions(&self) -> Vec<(Span, &'static AttributeSpec)> {
        let mut out = Vec::new();
        // `policies()` already reaches the policies inside `when`, `retry` and the like;
        // what remains is each policy's own configuration elements.
        for policy in self.policies() {
            if let Some(spec) = policy.spec {
                push_attribute_expressions(
                    &policy.attributes,
                    |name| spec.attribute(name),
                    &mut out,
                );
            }
            config_attribute_expressions(&policy.config, &mut out);
        }
        out
    }
}

fn config_attribute_expressions(config: &[Config], out: &mut Vec<(Span, &'static AttributeSpec)>) {
    for child in config {
        if let Some(spec) = child.spec {
            push_attribute_expressions(&child.attributes, |name| spec.attribute(name), out);
        }
        config_attribute_expressions(&child.config, out);
    }
}

fn push_attribute_expressions(
    attributes: &[Attribute],
    spec_of: impl Fn(&str) -> Option<&'static AttributeSpec>,
    out: &mut Vec<(Span, &'static AttributeSpec)>,
) {
    for attribute in attributes {
        if let Some(spec) = spec_of(&attribute.name) {
            out.extend(attribute.value.expressions.iter().map(|span| (*span, spec)));
        }
    }
}

impl PartialEq for PolicyDocument {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.blocks == other.blocks
    }
}

pub(crate) fn collect_policies<'d>(items: &'d [Item], out: &mut Vec<&'d Policy>) {
    for item in items {
        if let Item::Policy(policy) = item {
            out.push(policy);
            collect_policies(&policy.body, out);
            collect_config_policies(&policy.config, out);
        }
    }
}

fn collect_config_policies<'d>(config: &'d [Config], out: &mut Vec<&'d Policy>) {
    for child in config {
        collect_policies(&child.body, out);
        collect_config_policies(&child.config, out);
    }
}

/// A section, a fragment's body, or the policies inside `when`, `retry` and the like.
#[derive(Clone, Debug)]
pub struct Block {
    /// `None` for a fragment, whose section is the including one.
    pub section: Option<Section>,
    /// The section element (or the fragment root).
    pub span: Span,
    /// The element's name in its start tag.
    pub name_span: Span,
    pub items: Vec<Item>,
}

impl PartialEq for Block {
    fn eq(&self, other: &Self) -> bool {
        self.section == other.section && self.items == other.items
    }
}

#[derive(Clone, Debug)]
pub enum Item {
    /// `<base />`: the broader scope's section goes here.
    Base(Span),
    Policy(Policy),
}

impl PartialEq for Item {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Item::Base(_), Item::Base(_)) => true,
            (Item::Policy(a), Item::Policy(b)) => a == b,
            _ => false,
        }
    }
}

/// One policy element.
#[derive(Clone, Debug)]
pub struct Policy {
    pub element: String,
    /// The catalog entry; `None` for an element APIM does not know (reported).
    pub spec: Option<&'static PolicySpec>,
    pub span: Span,
    pub name_span: Span,
    pub attributes: Vec<Attribute>,
    /// Configuration elements (`set-url`, `when`, `allowed-origins`), in order.
    pub config: Vec<Config>,
    /// Policies held directly (`retry`, `wait`, `limit-concurrency`).
    pub body: Vec<Item>,
    pub text: Option<Text>,
}

impl Policy {
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// The attribute's literal value: present, with no expression and no named value.
    pub fn literal(&self, name: &str) -> Option<&str> {
        self.attribute(name).and_then(Attribute::literal)
    }

    pub fn config(&self, name: &str) -> impl Iterator<Item = &Config> {
        self.config.iter().filter(move |c| c.name == name)
    }

    /// The policies inside this one (in `when`, `retry` and the like, at any depth), in
    /// document order.
    pub fn nested(&self) -> Vec<&Policy> {
        let mut out = Vec::new();
        collect_policies(&self.body, &mut out);
        collect_config_policies(&self.config, &mut out);
        out
    }
}

impl PartialEq for Policy {
    fn eq(&self, other: &Self) -> bool {
        self.element == other.element
            && self.attributes == other.attributes
            && self.config == other.config
            && self.body == other.body
            && self.text == other.text
    }
}

/// A configuration element inside a policy.
#[derive(Clone, Debug)]
pub struct Config {
    pub name: String,
    pub spec: Option<&'static ChildSpec>,
    pub span: Span,
    pub name_span: Span,
    pub attributes: Vec<Attribute>,
    pub config: Vec<Config>,
    /// Policies inside `when`, `otherwise`.
    pub body: Vec<Item>,
    pub text: Option<Text>,
}

impl Config {
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }
}

impl PartialEq for Config {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.attributes == other.attributes
            && self.config == other.config
            && self.body == other.body
            && self.text == other.text
    }
}

/// An attribute with what lint needs to know about its value.
#[derive(Clone, Debug)]
pub struct Attribute {
    pub name: String,
    pub name_span: Span,
    pub value: Content,
}

impl Attribute {
    pub fn literal(&self) -> Option<&str> {
        self.value.literal()
    }
}

impl PartialEq for Attribute {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.value == other.value
    }
}

/// Element text.
pub type Text = Content;

/// An attribute value or element text: the decoded text, and where expressions and named
/// values sit in it.
#[derive(Clone, Debug)]
pub struct Content {
    pub span: Span,
    /// Literal parts decoded; expressions and named values as written.
    pub text: String,
    /// Spans of the `@(…)`/`@{…}` parts.
    pub expressions: Vec<Span>,
    /// Names and spans of `{{name}}` references (inside expressions too).
    pub named_values: Vec<(String, Span)>,
}

impl Content {
    /// The value when it is plain text, with no expression and no named value.
    pub fn literal(&self) -> Option<&str> {
        (self.expressions.is_empty() && self.named_values.is_empty()).then_some(self.text.as_str())
    }

    pub fn has_expression(&self) -> bool {
        !self.expressions.is_empty()
    }

    pub(crate) fn from_value(document: &Document, value: &gatehouse_reader::Value) -> Content {
        let mut content = Content {
            span: value.span,
            text: String::new(),
            expressions: Vec::new(),
            named_values: Vec::new(),
        };
        content.push_value(document, value);
        content
    }

    pub(crate) fn push_value(&mut self, document: &Document, value: &gatehouse_reader::Value) {
        self.span = if self.text.is_empty() && self.expressions.is_empty() {
            value.span
        } else {
            self.span.cover(value.span)
        };
        for part in value.parts() {
            match part {
                ValuePart::Literal(literal) => self.text.push_str(literal.decoded(document)),
                ValuePart::NamedValue(reference) => {
                    self.text.push_str(document.text(reference.span));
                    self.named_values
                        .push((document.text(reference.name).to_owned(), reference.span));
                }
                ValuePart::Expression(expression) => {
                    self.text.push_str(document.text(expression.span));
                    self.expressions.push(expression.span);
                    for reference in &expression.named_values {
                        self.named_values
                            .push((document.text(reference.name).to_owned(), reference.span));
                    }
                }
            }
        }
    }
}

impl PartialEq for Content {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}
