//! The lossless tree: every byte of the document belongs to exactly one node, in order.

use gatehouse_diagnostics::Span;

pub use crate::entities::OffsetShift;
pub use crate::named_values::NamedValueRef;
pub use crate::scan::ExpressionKind;

/// What the root element says the document is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DocumentKind {
    /// `<policies>`: a policy document of some scope.
    Policies,
    /// `<fragment>`: a policy fragment.
    Fragment,
    /// `<http-data-source>`, `<sql-data-source>` or `<cosmosdb-data-source>`: the policy of a
    /// GraphQL resolver, whose root is its data source.
    Resolver,
    /// No root element, or one of another name.
    Unknown,
}

/// A read policy document: the source text and the nodes that cover it.
#[derive(Clone, Debug)]
pub struct Document {
    pub(crate) source: String,
    pub(crate) nodes: Vec<Node>,
    pub(crate) root: Option<usize>,
    pub(crate) kind: DocumentKind,
}

impl Document {
    /// The text the document was read from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The source text under `span` (empty if the span is out of range).
    pub fn text(&self, span: Span) -> &str {
        self.source.get(span.range()).unwrap_or_default()
    }

    /// The top-level nodes: prolog, root element, anything after it.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The first element at the top level.
    pub fn root(&self) -> Option<&Element> {
        match self.root.and_then(|index| self.nodes.get(index)) {
            Some(Node::Element(element)) => Some(element),
            _ => None,
        }
    }

    pub fn kind(&self) -> DocumentKind {
        self.kind
    }

    /// Writes the document back from its tree. For a document read from valid UTF-8 this is
    /// the input, byte for byte.
    pub fn write_source(&self, out: &mut String) {
        for node in &self.nodes {
            self.write_node(node, out);
        }
    }

    fn write_node(&self, node: &Node, out: &mut String) {
        match node {
            Node::Element(element) => {
                out.push_str(self.text(element.start_tag));
                for child in &element.children {
                    self.write_node(child, out);
                }
                if let Some(end_tag) = element.end_tag {
                    out.push_str(self.text(end_tag));
                }
            }
            other => out.push_str(self.text(other.span())),
        }
    }

    /// Every expression in the document, in document order.
    pub fn expressions(&self) -> Vec<&Expression> {
        let mut found = Vec::new();
        for node in &self.nodes {
            collect_expressions(node, &mut found);
        }
        found
    }
}

fn collect_expressions<'d>(node: &'d Node, found: &mut Vec<&'d Expression>) {
    let value_expressions = |value: &'d Value, found: &mut Vec<&'d Expression>| {
        found.extend(value.parts().iter().filter_map(|part| match part {
            ValuePart::Expression(expression) => Some(expression),
            _ => None,
        }));
    };
    match node {
        Node::Element(element) => {
            for attribute in &element.attributes {
                value_expressions(&attribute.value, found);
            }
            for child in &element.children {
                collect_expressions(child, found);
            }
        }
        Node::Text(text) => value_expressions(&text.value, found),
        Node::CData(cdata) => value_expressions(&cdata.value, found),
        _ => {}
    }
}

/// One node of the tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    Element(Element),
    /// Character data between markup (whitespace included).
    Text(Text),
    /// `<![CDATA[…]]>`; its value holds the content between the delimiters.
    CData(CData),
    /// `<!-- … -->`
    Comment(Span),
    /// `<?target …?>` other than the XML declaration.
    ProcessingInstruction(Span),
    /// `<?xml version="1.0"?>`
    XmlDeclaration(Span),
    /// `<!DOCTYPE …>`: kept so the document stays whole, always reported as an error.
    Doctype(Span),
    /// Text the reader could not make sense of (after an error), kept verbatim.
    Unparsed(Span),
}

impl Node {
    pub fn span(&self) -> Span {
        match self {
            Node::Element(element) => element.span,
            Node::Text(text) => text.value.span,
            Node::CData(cdata) => cdata.span,
            Node::Comment(span)
            | Node::ProcessingInstruction(span)
            | Node::XmlDeclaration(span)
            | Node::Doctype(span)
            | Node::Unparsed(span) => *span,
        }
    }
}

/// An element with its tags, attributes and children.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Element {
    /// From the start tag's `<` to the end tag's `>` (or to the end of the last child when
    /// the element was never closed).
    pub span: Span,
    /// The name in the start tag.
    pub name: Span,
    /// `<name …>` or `<name … />`.
    pub start_tag: Span,
    /// `</name>`; `None` for a self-closing element, or one that was never closed.
    pub end_tag: Option<Span>,
    pub self_closing: bool,
    pub attributes: Vec<Attribute>,
    pub children: Vec<Node>,
}

impl Element {
    /// The first attribute called `name` (the source text of its name is compared).
    pub fn attribute<'e>(&'e self, document: &Document, name: &str) -> Option<&'e Attribute> {
        self.attributes
            .iter()
            .find(|attribute| document.text(attribute.name) == name)
    }

    /// The child elements, skipping text, comments and the rest.
    pub fn child_elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|node| match node {
            Node::Element(element) => Some(element),
            _ => None,
        })
    }
}

/// `name="value"` inside a start tag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    /// From the first character of the name to the closing quote.
    pub span: Span,
    pub name: Span,
    /// `b'"'` or `b'\''`.
    pub quote: u8,
    /// The text between the quotes.
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CData {
    pub span: Span,
    /// The content between `<![CDATA[` and `]]>`; never entity-decoded.
    pub value: Value,
}

/// The content of an attribute value, a text node or a CDATA section: literal text, named
/// value references and expressions, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Value {
    pub span: Span,
    pub(crate) parts: Parts,
}

/// Almost every value is a single part; keep that case free of a heap allocation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Parts {
    One(ValuePart),
    Many(Vec<ValuePart>),
}

impl Value {
    pub(crate) fn new(span: Span, mut parts: Vec<ValuePart>) -> Value {
        let parts = if parts.len() == 1 {
            match parts.pop() {
                Some(part) => Parts::One(part),
                None => Parts::Many(Vec::new()),
            }
        } else {
            Parts::Many(parts)
        };
        Value { span, parts }
    }

    pub fn parts(&self) -> &[ValuePart] {
        match &self.parts {
            Parts::One(part) => std::slice::from_ref(part),
            Parts::Many(parts) => parts,
        }
    }

    /// The value's only part, when it is a single expression (surrounding whitespace
    /// allowed): the shape APIM evaluates.
    pub fn sole_expression(&self) -> Option<&Expression> {
        let mut expression = None;
        for part in self.parts() {
            match part {
                ValuePart::Expression(found) if expression.is_none() => expression = Some(found),
                ValuePart::Literal(literal) if literal.is_whitespace() => {}
                _ => return None,
            }
        }
        expression
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValuePart {
    Literal(Literal),
    NamedValue(NamedValueRef),
    Expression(Expression),
}

/// Literal text; entity references are decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Literal {
    pub span: Span,
    /// The decoded text when it differs from the source text.
    pub(crate) decoded: Option<Box<str>>,
    pub(crate) whitespace: bool,
}

impl Literal {
    /// The text with entity references decoded.
    pub fn decoded<'d>(&'d self, document: &'d Document) -> &'d str {
        match &self.decoded {
            Some(decoded) => decoded,
            None => document.text(self.span),
        }
    }

    pub fn is_whitespace(&self) -> bool {
        self.whitespace
    }
}

/// A policy expression, `@(…)` or `@{…}`, kept verbatim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expression {
    /// From the `@` to the closing bracket.
    pub span: Span,
    pub kind: ExpressionKind,
    /// The source text between the brackets.
    pub code_span: Span,
    /// The code with entity references decoded, when that differs from the source text.
    pub(crate) decoded: Option<Box<str>>,
    /// Where decoded code offsets and source offsets resynchronise, after each reference.
    pub(crate) shifts: Vec<OffsetShift>,
    /// False when the reader found the expression broken (the error is reported).
    pub well_formed: bool,
    /// Named-value references inside the code.
    pub named_values: Vec<NamedValueRef>,
}

impl Expression {
    /// The C# code between the brackets, entity references decoded.
    pub fn code<'d>(&'d self, document: &'d Document) -> &'d str {
        match &self.decoded {
            Some(decoded) => decoded,
            None => document.text(self.code_span),
        }
    }

    /// The document offset of byte `offset` of [`Expression::code`], so that errors found in
    /// the code point at the right place in the file.
    pub fn source_offset(&self, offset: u32) -> u32 {
        let relative = match self.shifts.iter().rev().find(|shift| shift.code <= offset) {
            Some(shift) => shift.source + (offset - shift.code),
            None => offset,
        };
        (self.code_span.start + relative).min(self.code_span.end)
    }
}

/// The root elements of a GraphQL resolver's policy (configure-graphql-resolver.md).
pub const RESOLVER_ROOTS: [&str; 3] = [
    "http-data-source",
    "sql-data-source",
    "cosmosdb-data-source",
];

impl DocumentKind {
    /// The kind of document whose root element is called `name`.
    pub fn of_root(name: &str) -> DocumentKind {
        match name {
            "policies" => DocumentKind::Policies,
            "fragment" => DocumentKind::Fragment,
            _ if RESOLVER_ROOTS.contains(&name) => DocumentKind::Resolver,
            _ => DocumentKind::Unknown,
        }
    }
}
