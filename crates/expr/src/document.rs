//! Expressions as they sit in a read policy document: where each one is, what its slot
//! expects, and its diagnostics mapped to file positions.

use gatehouse_diagnostics::{Diagnostic, Label, Span};
use gatehouse_reader::{Document, Element, Expression, ExpressionKind, Node, ValuePart};

use crate::check::Facts;
use crate::check::Slot;
use crate::types::Type;
use crate::{Compiled, Form};

/// How many of a document's expressions got how far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExpressionStats {
    /// Every `@(…)` and `@{…}` the reader found.
    pub found: usize,
    /// Those that parse as C#.
    pub parsed: usize,
    /// Those that also type-check with no errors, so Gatehouse can evaluate them.
    pub checked: usize,
}

impl std::ops::AddAssign for ExpressionStats {
    fn add_assign(&mut self, other: Self) {
        self.found += other.found;
        self.parsed += other.parsed;
        self.checked += other.checked;
    }
}

/// One expression of a document, with the place it is in.
#[derive(Debug)]
pub struct Located<'d> {
    pub expression: &'d Expression,
    /// The attribute name (`condition`), or the element name for element text (`set-body`).
    pub place: String,
    /// The name of the element the expression belongs to.
    pub element: String,
}

/// Every expression of a document with its place, in document order.
pub fn locate(document: &Document) -> Vec<Located<'_>> {
    let mut found = Vec::new();
    for node in document.nodes() {
        walk(document, node, None, &mut found);
    }
    found
}

fn walk<'d>(
    document: &'d Document,
    node: &'d Node,
    parent: Option<&'d Element>,
    found: &mut Vec<Located<'d>>,
) {
    match node {
        Node::Element(element) => {
            let element_name = document.text(element.name).to_owned();
            for attribute in &element.attributes {
                for part in attribute.value.parts() {
                    if let ValuePart::Expression(expression) = part {
                        found.push(Located {
                            expression,
                            place: document.text(attribute.name).to_owned(),
                            element: element_name.clone(),
                        });
                    }
                }
            }
            for child in &element.children {
                walk(document, child, Some(element), found);
            }
        }
        Node::Text(text) => push_text(document, &text.value, parent, found),
        Node::CData(cdata) => push_text(document, &cdata.value, parent, found),
        _ => {}
    }
}

fn push_text<'d>(
    document: &'d Document,
    value: &'d gatehouse_reader::Value,
    parent: Option<&'d Element>,
    found: &mut Vec<Located<'d>>,
) {
    let element = parent
        .map(|e| document.text(e.name).to_owned())
        .unwrap_or_default();
    for part in value.parts() {
        if let ValuePart::Expression(expression) = part {
            found.push(Located {
                expression,
                place: element.clone(),
                element: element.clone(),
            });
        }
    }
}

/// The type a place requires of its expression when nothing more is known about it: text
/// places take any value (it is written out with `ToString()`); a `condition` or
/// `*-condition` must be `bool`. Lint knows more from the policy catalog and passes its own
/// slots to [`check_document_with`].
pub fn slot_for(place: &str) -> Slot {
    // `when`/`retry` `condition`, `increment-condition` of the rate limits and quotas,
    // `sf-resolve-condition`: all decide yes or no.
    if place == "condition" || place.ends_with("-condition") {
        Slot::typed(place, Type::Bool)
    } else {
        Slot::text(place)
    }
}

fn map_span(expression: &Expression, span: Span) -> Span {
    let start = expression.source_offset(span.start);
    let end = expression.source_offset(span.end).max(start);
    Span { start, end }
}

/// The outcome of checking one expression.
#[derive(Debug)]
pub struct Checked {
    /// Present when the expression has no errors and Gatehouse can evaluate it.
    pub compiled: Option<Compiled>,
    /// False when the code is not valid C# syntax.
    pub parsed: bool,
    /// Diagnostics, pointing into the document.
    pub diagnostics: Vec<Diagnostic>,
    /// What the checker learnt (spans point into the document); `None` when it did not parse.
    pub facts: Option<Facts>,
}

/// An expression of a document and what the checker learnt about it.
#[derive(Debug)]
pub struct ExpressionFacts {
    /// The whole `@(…)`/`@{…}` in the document.
    pub span: Span,
    pub facts: Facts,
}

/// Checks one expression of a document; diagnostics point into the document.
pub fn check_expression(document: &Document, expression: &Expression, slot: &Slot) -> Checked {
    let form = match expression.kind {
        ExpressionKind::Inline => Form::Inline,
        ExpressionKind::Block => Form::Block,
    };
    let code = expression.code(document);
    let (compiled, diagnostics, facts) =
        match gatehouse_expr_syntax::parse(code, form, &crate::SyntaxLimits::default()) {
            Ok(body) => {
                let (compiled, diagnostics, facts) = crate::compile_body_with_facts(&body, slot);
                (compiled, diagnostics, Some(facts))
            }
            Err(diagnostic) => (None, vec![diagnostic], None),
        };
    let parsed = facts.is_some();
    let facts = facts.map(|mut facts| {
        for read in &mut facts.variable_reads {
            read.span = map_span(expression, read.span);
        }
        facts
    });
    let diagnostics = diagnostics
        .into_iter()
        .map(|mut diagnostic| {
            diagnostic.span = map_span(expression, diagnostic.span);
            diagnostic.labels = diagnostic
                .labels
                .into_iter()
                .map(|label| Label {
                    span: map_span(expression, label.span),
                    ..label
                })
                .collect();
            diagnostic
        })
        .collect();
    Checked {
        compiled,
        parsed,
        diagnostics,
        facts,
    }
}

/// Checks every expression of a document (skipping those the reader already found broken),
/// each against the slot its place gets from [`slot_for`].
pub fn check_document(document: &Document) -> (ExpressionStats, Vec<Diagnostic>) {
    let (stats, diagnostics, _) = check_document_with(document, |located| slot_for(&located.place));
    (stats, diagnostics)
}

/// Checks every expression of a document against the slot `slot_of` gives its place; also
/// returns what the checker learnt about each expression that parsed.
pub fn check_document_with(
    document: &Document,
    slot_of: impl Fn(&Located<'_>) -> Slot,
) -> (ExpressionStats, Vec<Diagnostic>, Vec<ExpressionFacts>) {
    let mut stats = ExpressionStats::default();
    let mut diagnostics = Vec::new();
    let mut learnt = Vec::new();
    for located in locate(document) {
        stats.found += 1;
        if !located.expression.well_formed {
            continue;
        }
        let slot = slot_of(&located);
        let checked = check_expression(document, located.expression, &slot);
        stats.parsed += usize::from(checked.parsed);
        stats.checked += usize::from(checked.compiled.is_some());
        diagnostics.extend(checked.diagnostics);
        if let Some(facts) = checked.facts {
            learnt.push(ExpressionFacts {
                span: located.expression.span,
                facts,
            });
        }
    }
    (stats, diagnostics, learnt)
}
