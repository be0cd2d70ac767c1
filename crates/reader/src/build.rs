//! quick-xml events over the masked text → the lossless tree.
//!
//! Every event covers the bytes from the end of the previous event to the end of its own, so
//! the nodes tile the document. The builder matches tags itself (quick-xml's checks stop at the
//! first problem) and recovers from every error it reports: a stray `<` becomes text, an
//! unknown end tag is kept as unparsed text, a mismatched end tag closes the elements it
//! skips, and a tokeniser error restarts quick-xml after the bad markup.

use gatehouse_diagnostics::{Code, Diagnostic, Span, edit_distance};
use quick_xml::errors::{Error as XmlError, IllFormedError, SyntaxError};
use quick_xml::events::attributes::{AttrError, Attributes};
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use crate::ReadOptions;
use crate::entities;
use crate::named_values;
use crate::prepass::is_dash;
use crate::scan::{Context, LiteralKind, ScanError, Scanned, Stop};
use crate::syntax::{is_name_start_byte, is_valid_name};
use crate::tree::{
    Attribute, CData, DocumentKind, Element, Expression, Literal, Node, Text, Value, ValuePart,
};

const BOM: &str = "\u{FEFF}";

/// At most this many control-character diagnostics per document: binary input would
/// otherwise produce one per byte.
const MAX_CONTROL_CHARACTER_REPORTS: usize = 20;

pub(crate) fn build(
    source: &str,
    xml: &str,
    expressions: &[Scanned],
    options: &ReadOptions,
) -> (Vec<Node>, Option<usize>, DocumentKind, Vec<Diagnostic>) {
    let mut builder = Builder {
        source,
        xml,
        expressions,
        max_depth: options.effective_max_depth(),
        known_element: options.known_element,
        diagnostics: Vec::new(),
        top: Vec::new(),
        open: Vec::new(),
        pending_text: None,
        root: None,
        root_seen: false,
        unknown_root: None,
        roots_after_unknown: 0,
        stopped: false,
    };
    builder.report_expression_errors();
    builder.report_control_characters();
    builder.report_bidirectional_overrides();
    builder.run();
    builder.finish()
}

enum Flow {
    Continue,
    /// Start a new tokeniser at this offset.
    RestartAt(usize),
    /// Stop reading; everything from this offset on is unparsed.
    StopAt(usize),
}

struct Builder<'a> {
    source: &'a str,
    xml: &'a str,
    expressions: &'a [Scanned],
    max_depth: usize,
    known_element: Option<fn(&str) -> bool>,
    diagnostics: Vec<Diagnostic>,
    top: Vec<Node>,
    open: Vec<Element>,
    pending_text: Option<(usize, usize)>,
    root: Option<usize>,
    root_seen: bool,
    /// The GH0018 of a root that is no document's (its index in `diagnostics`, and what it
    /// looked like): the elements beside it are one snippet, reported by that one error.
    unknown_root: Option<(usize, UnknownRoot)>,
    roots_after_unknown: usize,
    stopped: bool,
}

/// What a root that starts no known document looked like.
#[derive(Clone, Copy, PartialEq, Eq)]
enum UnknownRoot {
    /// `<inbound>` …: a section copied out of its document.
    Section,
    /// Close to a known root: its help names the one meant.
    Misspelt,
    /// Anything else, usually a policy copied out of its section.
    Other,
}

fn span(start: usize, end: usize) -> Span {
    Span::from_range(start..end)
}

fn new_reader(text: &str) -> Reader<&[u8]> {
    let mut reader = Reader::from_str(text);
    let config = reader.config_mut();
    // The builder matches tags and checks references itself, so that it can recover.
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    config.allow_dangling_amp = true;
    config.check_comments = false;
    config.expand_empty_elements = false;
    config.trim_markup_names_in_closing_tags = true;
    config.trim_text(false);
    reader
}

impl Builder<'_> {
    fn run(&mut self) {
        let mut offset = 0;
        let len = self.xml.len();
        while offset < len {
            // quick-xml drops a byte-order mark at the start of its input; keep it as text.
            while self
                .xml
                .get(offset..)
                .is_some_and(|rest| rest.starts_with(BOM))
            {
                self.text_run(offset, offset + BOM.len());
                offset += BOM.len();
            }
            let Some(slice) = self.xml.get(offset..) else {
                self.unparsed(offset, len);
                return;
            };
            let mut reader = new_reader(slice);
            let mut last = offset;
            let flow = loop {
                let event = reader.read_event();
                let end = offset + usize::try_from(reader.buffer_position()).unwrap_or(len);
                let end = end.clamp(last, len);
                let flow = match event {
                    Ok(Event::Eof) => {
                        // Whatever quick-xml passed over without an event stays as text.
                        self.text_run(last, end);
                        break Flow::StopAt(end);
                    }
                    Ok(Event::Text(_) | Event::GeneralRef(_)) => {
                        self.text_run(last, end);
                        Flow::Continue
                    }
                    Ok(Event::Start(tag)) => self.start_tag(last, end, &tag, false),
                    Ok(Event::Empty(tag)) => self.start_tag(last, end, &tag, true),
                    Ok(Event::End(_)) => {
                        self.end_tag(last, end);
                        Flow::Continue
                    }
                    Ok(Event::Comment(_)) => self.comment(last, end),
                    Ok(Event::PI(_)) => self.leaf(Node::ProcessingInstruction(span(last, end))),
                    Ok(Event::Decl(_)) => self.declaration(last, end),
                    Ok(Event::DocType(_)) => self.doctype(last, end),
                    Ok(Event::CData(_)) => self.cdata(last, end),
                    Err(error) => {
                        let at = offset + usize::try_from(reader.error_position()).unwrap_or(len);
                        self.tokeniser_error(&error, last, at.clamp(last, len), end)
                    }
                };
                match flow {
                    Flow::Continue => last = end,
                    other => break other,
                }
            };
            match flow {
                Flow::Continue => {}
                Flow::RestartAt(next) if next > offset => offset = next,
                Flow::RestartAt(_) => {
                    self.unparsed(offset, len);
                    return;
                }
                Flow::StopAt(at) => {
                    if at < len {
                        self.unparsed(at, len);
                    }
                    return;
                }
            }
        }
    }

    fn finish(mut self) -> (Vec<Node>, Option<usize>, DocumentKind, Vec<Diagnostic>) {
        self.flush_text();
        while let Some(element) = self.open.last() {
            if !self.stopped {
                let name = self.slice(element.name).to_owned();
                let diagnostic = Diagnostic::new(
                    Code::UnclosedElement,
                    element.name,
                    format!("element `<{name}>` is never closed"),
                )
                .with_help(format!("add `</{name}>`, or end the start tag with `/>`"));
                self.diagnostics.push(diagnostic);
            }
            self.close_top(None);
        }
        self.report_snippet();
        if self.root.is_none() {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::EmptyDocument,
                    Span::at(0),
                    "document has no root element",
                )
                .with_help("a policy document is one `<policies>` element; a fragment is one `<fragment>` element"),
            );
        }
        let kind = match self.root.and_then(|index| self.top.get(index)) {
            Some(Node::Element(root)) => DocumentKind::of_root(self.slice(root.name)),
            _ => DocumentKind::Unknown,
        };
        self.diagnostics
            .sort_by_key(|diagnostic| (diagnostic.span.start, diagnostic.span.end));
        (self.top, self.root, kind, self.diagnostics)
    }

    fn slice(&self, span: Span) -> &str {
        self.source.get(span.range()).unwrap_or_default()
    }

    fn push_node(&mut self, node: Node) {
        if let Some(parent) = self.open.last_mut() {
            parent.children.push(node);
            return;
        }
        match &node {
            Node::Element(_) if self.root.is_none() => self.root = Some(self.top.len()),
            Node::Text(text) => self.check_top_level_text(text.value.span),
            Node::CData(cdata) => self.text_outside_root(cdata.span),
            _ => {}
        }
        self.top.push(node);
    }

    fn leaf(&mut self, node: Node) -> Flow {
        self.flush_text();
        self.push_node(node);
        Flow::Continue
    }

    fn unparsed(&mut self, start: usize, end: usize) {
        if start < end {
            self.flush_text();
            self.push_node(Node::Unparsed(span(start, end)));
        }
    }

    // ----- text -----

    fn text_run(&mut self, start: usize, end: usize) {
        match &mut self.pending_text {
            Some((_, pending_end)) if *pending_end == start => *pending_end = end,
            _ => {
                self.flush_text();
                self.pending_text = Some((start, end));
            }
        }
    }

    fn flush_text(&mut self) {
        if let Some((start, end)) = self.pending_text.take()
            && start < end
        {
            let value = self.value(start, end, Context::Text);
            self.push_node(Node::Text(Text { value }));
        }
    }

    fn check_top_level_text(&mut self, text_span: Span) {
        let text = self.slice(text_span);
        let skip_bom = if text_span.start == 0 && text.starts_with(BOM) {
            BOM.len()
        } else {
            0
        };
        let content = text.get(skip_bom..).unwrap_or_default();
        let trimmed = content.trim_start();
        if trimmed.is_empty() {
            return;
        }
        let start = text_span.start as usize + skip_bom + (content.len() - trimmed.len());
        let end = text_span.start as usize + skip_bom + content.trim_end().len();
        self.text_outside_root(span(start, end));
    }

    /// Names a run of top-level elements under an unknown root as what it is: a snippet of
    /// sections or policies, which needs one wrapper, not one error per element.
    fn report_snippet(&mut self) {
        let (Some((index, looked_like)), more) = (self.unknown_root, self.roots_after_unknown)
        else {
            return;
        };
        if more == 0 {
            return;
        }
        let Some(diagnostic) = self.diagnostics.get_mut(index) else {
            return;
        };
        let elements = if more == 1 { "element" } else { "elements" };
        diagnostic.message = format!(
            "{}, and {more} more top-level {elements} after it",
            diagnostic.message
        );
        match looked_like {
            UnknownRoot::Section => {
                diagnostic.help =
                    Some("these are sections: put them inside one `<policies>` element".to_owned());
            }
            UnknownRoot::Other => {
                diagnostic.help = Some(
                    "a list of policies is not a document: wrap it in `<fragment>` … \
                     `</fragment>` to include it, or put it in a section of `<policies>`"
                        .to_owned(),
                );
            }
            UnknownRoot::Misspelt => {}
        }
    }

    fn text_outside_root(&mut self, at: Span) {
        let help = if crate::is_stray_gt_after_comment(self.source, at) {
            "a `>` left after the comment's `-->`: delete it"
        } else if self.root_seen {
            "text after the root element is not part of the document; delete it or move it into a comment"
        } else {
            "text before the root element is not part of the document; delete it or move it into a comment"
        };
        self.diagnostics.push(
            Diagnostic::new(Code::TextOutsideRoot, at, "text outside the root element")
                .with_help(help),
        );
    }

    /// The parts of an attribute value, element text or CDATA content.
    fn value(&mut self, start: usize, end: usize, context: Context) -> Value {
        let mut parts = Vec::new();
        let mut cursor = start;
        let first = self
            .expressions
            .partition_point(|expression| expression.start < start);
        for scanned in self.expressions.get(first..).unwrap_or_default() {
            if scanned.start >= end {
                break;
            }
            if scanned.start > cursor {
                self.literal(cursor, scanned.start, context, &mut parts);
            }
            let expression_end = scanned.end.min(end);
            parts.push(ValuePart::Expression(self.expression(
                scanned,
                expression_end,
                context,
            )));
            cursor = expression_end;
        }
        if cursor < end || parts.is_empty() {
            self.literal(cursor, end, context, &mut parts);
        }
        self.expression_in_text(&parts);
        Value::new(span(start, end), parts)
    }

    /// GH0035 when a value holds an expression but is not only that expression: APIM then
    /// takes the whole value as literal text and never evaluates the `@(…)`.
    fn expression_in_text(&mut self, parts: &[ValuePart]) {
        let mut expressions = parts.iter().filter_map(|part| match part {
            ValuePart::Expression(expression) => Some(expression.span),
            _ => None,
        });
        let Some(first) = expressions.next() else {
            return;
        };
        let beside = parts.iter().find_map(|part| match part {
            ValuePart::Literal(literal) if !literal.is_whitespace() => Some(literal.span),
            ValuePart::NamedValue(reference) => Some(reference.span),
            _ => None,
        });
        let second = expressions.next();
        let Some(other) = beside.or(second) else {
            return;
        };
        // `<value>>@(…)</value>`: a stray character or two typed beside the expression, not
        // text meant to be joined with it.
        let stray = beside
            .filter(|_| second.is_none())
            .map(|span| self.slice(span).trim())
            .filter(|text| text.chars().count() <= 2 && !text.chars().any(char::is_alphanumeric));
        let help = match stray {
            Some(text) => {
                format!("delete the stray `{text}` so that the value is the expression alone")
            }
            None => {
                "make the whole value one expression, e.g. `@(\"text-\" + …)` or `@($\"text-{…}\")`"
                    .to_owned()
            }
        };
        self.diagnostics.push(
            Diagnostic::new(
                Code::ExpressionInText,
                first,
                "this expression is not evaluated: the value around it makes it literal text",
            )
            .with_label(
                other,
                if beside.is_some() {
                    "this text is part of the same value"
                } else {
                    "so is this second expression"
                },
            )
            .with_help(help),
        );
    }

    fn literal(&mut self, start: usize, end: usize, context: Context, parts: &mut Vec<ValuePart>) {
        let text = self.source.get(start..end).unwrap_or_default();
        let mut references = Vec::new();
        named_values::find_in_literal(text, start, &mut references, &mut self.diagnostics);
        let mut cursor = start;
        for reference in references {
            let reference_start = reference.span.start as usize;
            if reference_start > cursor {
                parts.push(ValuePart::Literal(self.literal_piece(
                    cursor,
                    reference_start,
                    context,
                )));
            }
            parts.push(ValuePart::NamedValue(reference));
            cursor = reference.span.end as usize;
        }
        if cursor < end || parts.is_empty() {
            parts.push(ValuePart::Literal(self.literal_piece(cursor, end, context)));
        }
    }

    fn literal_piece(&mut self, start: usize, end: usize, context: Context) -> Literal {
        let text = self.source.get(start..end).unwrap_or_default();
        let decoded = match context {
            Context::CData => None,
            Context::Attribute { .. } | Context::Text => {
                entities::decode_literal(text, start, &mut self.diagnostics)
            }
        };
        if matches!(context, Context::Attribute { .. }) {
            let mut doubled_until = 0;
            for (index, _) in text.match_indices('<') {
                if index < doubled_until {
                    continue;
                }
                let rest = text.get(index..).unwrap_or_default();
                // `<<API_URL>>`, as workshops write what to fill in: one placeholder, one error.
                let doubled = rest
                    .strip_prefix('<')
                    .and_then(placeholder)
                    .filter(|inner| {
                        rest.get(inner.len() + 1..)
                            .is_some_and(|r| r.starts_with('>'))
                    })
                    .and_then(|inner| rest.get(..inner.len() + 2));
                if let Some(doubled) = doubled {
                    doubled_until = index + doubled.len();
                }
                let help = match doubled.or_else(|| placeholder(rest)) {
                    // `url="https://<tenant>.b2clogin.com/…"`, as guides write what to fill in.
                    Some(placeholder) => format!(
                        "`{placeholder}` is a placeholder: write the real value in its place"
                    ),
                    None => {
                        "write `&lt;`, or compute the value with a policy expression".to_owned()
                    }
                };
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::UnescapedLessThan,
                        span(start + index, start + index + 1),
                        "unescaped `<` in an attribute value",
                    )
                    .with_help(help),
                );
            }
        }
        Literal {
            span: span(start, end),
            decoded,
            whitespace: text.bytes().all(|b| b.is_ascii_whitespace()),
        }
    }

    fn expression(&self, scanned: &Scanned, end: usize, context: Context) -> Expression {
        let closing = usize::from(scanned.error.is_none());
        let code_start = (scanned.start + 2).min(end);
        let code_end = end.saturating_sub(closing).max(code_start);
        let code = self.source.get(code_start..code_end).unwrap_or_default();
        let (decoded, shifts) = match context {
            Context::CData => (None, Vec::new()),
            Context::Attribute { .. } | Context::Text => match entities::decode_code(code) {
                Some((decoded, shifts)) => (Some(decoded), shifts),
                None => (None, Vec::new()),
            },
        };
        let mut named_values = Vec::new();
        named_values::find_in_code(code, code_start, &mut named_values);
        Expression {
            span: span(scanned.start, end),
            kind: scanned.kind,
            code_span: span(code_start, code_end),
            decoded,
            shifts,
            well_formed: scanned.error.is_none(),
            named_values,
        }
    }

    // ----- markup -----

    fn start_tag(
        &mut self,
        start: usize,
        end: usize,
        tag: &BytesStart<'_>,
        self_closing: bool,
    ) -> Flow {
        self.flush_text();
        let name_len = tag.name().0.len();
        let name_span = span(start + 1, start + 1 + name_len);
        let first_byte = self.source.as_bytes().get(start + 1).copied();
        let doubled = first_byte == Some(b'<')
            && self
                .source
                .as_bytes()
                .get(start + 2)
                .copied()
                .is_some_and(is_name_start_byte);
        if doubled {
            // `<<policies>` (a Bicep template's policy value): one `<` too many, reported once
            // and kept as markup that never runs, not as text the section or the document
            // would report again.
            self.diagnostics.push(
                Diagnostic::new(
                    Code::UnescapedLessThan,
                    span(start, start + 1),
                    "unescaped `<` in text",
                )
                .with_help("the `<` is doubled: delete one"),
            );
            self.push_node(Node::Unparsed(span(start, start + 1)));
            return Flow::RestartAt(start + 1);
        }
        if !first_byte.is_some_and(is_name_start_byte) {
            // `x < 5` in text: quick-xml read a tag with no name; the `<` is really text.
            self.diagnostics.push(
                Diagnostic::new(
                    Code::UnescapedLessThan,
                    span(start, start + 1),
                    "unescaped `<` in text",
                )
                .with_help("write `&lt;`, or put the comparison inside a policy expression `@(…)`"),
            );
            self.text_run(start, start + 1);
            return Flow::RestartAt(start + 1);
        }
        let name = self.slice(name_span).to_owned();
        if !is_valid_name(&name) {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::InvalidName,
                    name_span,
                    format!("`{name}` is not a valid element name"),
                )
                .with_help("names start with a letter, `_` or `:` and go on with letters, digits, `-`, `_`, `.` or `:`"),
            );
        }
        if self.open.is_empty() {
            if self.root_seen && self.unknown_root.is_some() {
                // `<choose>…</choose><set-header>…` copied from a guide: a list of policies,
                // not a second document.
                self.roots_after_unknown += 1;
            } else if self.root_seen {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::MultipleRoots,
                        name_span,
                        format!("second root element `<{name}>`"),
                    )
                    .with_help("a document has exactly one root element; move this element inside the first one"),
                );
            } else {
                self.root_seen = true;
                if DocumentKind::of_root(&name) == DocumentKind::Unknown {
                    let mut diagnostic = Diagnostic::new(
                        Code::UnknownRootElement,
                        name_span,
                        format!("unknown root element `<{name}>`"),
                    );
                    let section = matches!(
                        name.as_str(),
                        "inbound" | "backend" | "outbound" | "on-error"
                    );
                    let suggestion = closest_root(&name);
                    let looked_like = match suggestion {
                        _ if section => UnknownRoot::Section,
                        Some(_) => UnknownRoot::Misspelt,
                        None => UnknownRoot::Other,
                    };
                    diagnostic = match suggestion {
                        // A section copied out of its document, as guides show them.
                        _ if section => diagnostic.with_help(format!(
                            "`<{name}>` is a section: put it inside `<policies>`, beside the other sections"
                        )),
                        Some(suggestion) => diagnostic.with_help(format!("did you mean `<{suggestion}>`?")),
                        None => diagnostic.with_help(
                            "a policy document's root is `<policies>`, a policy fragment's `<fragment>`, a graphql resolver's its data source (`<http-data-source>` …)",
                        ),
                    };
                    self.unknown_root = Some((self.diagnostics.len(), looked_like));
                    self.diagnostics.push(diagnostic);
                }
            }
        }
        if self.open.len() >= self.max_depth {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::NestingTooDeep,
                    name_span,
                    format!("elements are nested deeper than {} levels", self.max_depth),
                )
                .with_help("the rest of the document is not read; flatten the nesting"),
            );
            self.stopped = true;
            return Flow::StopAt(start);
        }
        let content_end = end.saturating_sub(if self_closing { 2 } else { 1 });
        let attributes = self.attributes(start + 1, content_end, name_len);
        if self.source.as_bytes().get(content_end) != Some(&b'>') && !self_closing {
            // A value that lost its closing quote before the tag's `>` (the masked copy has the
            // quote where the text has `>`) was reported with the attributes; otherwise the
            // prepass ended a start tag that lost its `>` before its content.
            let repaired_quote = content_end.checked_sub(1).is_some_and(|at| {
                let masked = self.xml.as_bytes().get(at);
                matches!(masked, Some(b'"' | b'\'')) && masked != self.source.as_bytes().get(at)
            });
            if !repaired_quote {
                self.missing_tag_end(&name, name_span, end);
            }
        }
        if self_closing && attributes.is_empty() && self.empty_tag_closes_open(&name, start, end) {
            return Flow::Continue;
        }
        let element = Element {
            span: span(start, end),
            name: name_span,
            start_tag: span(start, end),
            end_tag: None,
            self_closing,
            attributes,
            children: Vec::new(),
        };
        if self_closing {
            self.push_node(Node::Element(element));
        } else {
            self.open.push(element);
        }
        Flow::Continue
    }

    /// A closing quote the prepass put where the author forgot it (see `prepass`), reported
    /// by what the text has there instead.
    fn forgotten_quote(&mut self, name_span: Span, value_span: Span, quote: u8) {
        let value_end = value_span.end as usize;
        let quote = char::from(quote);
        let name = self.slice(name_span).to_owned();
        let value = self.slice(value_span).to_owned();
        let found = self
            .source
            .get(value_end..)
            .and_then(|rest| rest.chars().next());
        let diagnostic = match found {
            Some('>') => Diagnostic::new(
                Code::MalformedAttribute,
                span(value_end, value_end),
                format!("attribute value `{quote}{value}` has no closing quote before `>`"),
            )
            .with_label(name_span, format!("the value of `{name}`"))
            .with_help(format!("write `{name}={quote}{value}{quote}>`")),
            Some(other @ ('"' | '\'')) => Diagnostic::new(
                Code::MalformedAttribute,
                span(value_end, value_end + 1),
                format!("attribute value opened with `{quote}` is closed with `{other}`"),
            )
            .with_label(name_span, format!("the value of `{name}`"))
            .with_help(format!(
                "use the same quote on both sides: `{quote}{value}{quote}`"
            )),
            _ => {
                let rest = self
                    .source
                    .get(value_end..)
                    .unwrap_or_default()
                    .trim_start();
                let next = rest.split('=').next().unwrap_or_default().trim_end();
                Diagnostic::new(
                    Code::MalformedAttribute,
                    span(value_end, value_end),
                    format!(
                        "attribute value `{quote}{value}` has no closing quote before `{next}=`"
                    ),
                )
                .with_label(name_span, format!("the value of `{name}`"))
                .with_help(format!("write `{name}={quote}{value}{quote}`"))
            }
        };
        self.diagnostics.push(diagnostic);
    }

    fn missing_tag_end(&mut self, name: &str, name_span: Span, content_start: usize) {
        let content = self.source.get(content_start..).unwrap_or_default();
        let shown = if content.starts_with('@') {
            content.get(..2).unwrap_or("@")
        } else {
            "<"
        };
        self.diagnostics.push(
            Diagnostic::new(
                Code::UnclosedMarkup,
                name_span,
                format!("start tag `<{name}` has no `>`"),
            )
            .with_label(
                span(content_start, content_start + shown.len()),
                "the element's content starts here",
            )
            .with_help(format!("end the start tag with `>` before `{shown}`")),
        );
    }

    /// The attributes of the tag whose content (name and attributes, without `<` and `>` or
    /// `/>`) is `content_start..content_end` of the masked text.
    fn attributes(
        &mut self,
        content_start: usize,
        content_end: usize,
        name_len: usize,
    ) -> Vec<Attribute> {
        let content = self.xml.get(content_start..content_end).unwrap_or_default();
        let base = content.as_ptr() as usize;
        let mut found: Vec<Attribute> = Vec::new();
        let mut previous_end = None;
        let mut previous_repaired = false;
        for result in Attributes::new(content, name_len).with_checks(true) {
            match result {
                Ok(attribute) => {
                    let key = attribute.key.0;
                    let key_start = content_start + (key.as_ptr() as usize).saturating_sub(base);
                    let value_start =
                        content_start + (attribute.value.as_ptr() as usize).saturating_sub(base);
                    let value_end = value_start + attribute.value.len();
                    // The masked text: a quote the prepass put where one was forgotten counts.
                    let quote = self.xml.as_bytes().get(value_end).copied().unwrap_or(b'"');
                    let name_span = span(key_start, key_start + key.len());
                    if previous_end == Some(key_start) && !previous_repaired {
                        self.diagnostics.push(
                            Diagnostic::new(
                                Code::MalformedAttribute,
                                name_span,
                                format!("attribute `{key}` must be separated from the one before by whitespace"),
                            )
                            .with_help("add a space before the attribute name"),
                        );
                    }
                    if !is_valid_name(key) {
                        self.diagnostics.push(Diagnostic::new(
                            Code::InvalidName,
                            name_span,
                            format!("`{key}` is not a valid attribute name"),
                        ));
                    }
                    // The masked copy's `=` where the text has white space (`name "X"`).
                    let separator = self
                        .source
                        .get(key_start + key.len()..value_start.saturating_sub(1))
                        .unwrap_or_default();
                    if !separator.contains('=') {
                        let value_text =
                            self.source.get(value_start..value_end).unwrap_or_default();
                        let quote_char = char::from(quote);
                        self.diagnostics.push(
                            Diagnostic::new(
                                Code::MalformedAttribute,
                                name_span,
                                format!("attribute `{key}` has no `=` before its value"),
                            )
                            .with_help(format!(
                                "write `{key}={quote_char}{value_text}{quote_char}`"
                            )),
                        );
                    }
                    previous_end = Some(value_end + 1);
                    previous_repaired = self.source.as_bytes().get(value_end) != Some(&quote);
                    if previous_repaired {
                        self.forgotten_quote(name_span, span(value_start, value_end), quote);
                    }
                    let value = self.value(value_start, value_end, Context::Attribute { quote });
                    found.push(Attribute {
                        span: span(key_start, value_end + 1),
                        name: name_span,
                        quote,
                        value,
                    });
                }
                Err(error) => self.attribute_error(content_start, &error, &found),
            }
        }
        found
    }

    fn attribute_error(&mut self, content_start: usize, error: &AttrError, found: &[Attribute]) {
        let word_at = |at: usize| {
            let rest = self.source.get(at..).unwrap_or_default();
            let first = rest.chars().next().map_or(0, char::len_utf8);
            let len = rest
                .find(|c: char| c.is_whitespace() || matches!(c, '=' | '>' | '/' | '"' | '\''))
                .unwrap_or(rest.len())
                .max(first);
            (
                span(at, at + len),
                rest.get(..len).unwrap_or_default().to_owned(),
            )
        };
        // The character at `at`, whole: spans never split a character.
        let char_at = |at: usize| {
            let len = self
                .source
                .get(at..)
                .and_then(|rest| rest.chars().next())
                .map_or(0, char::len_utf8);
            span(at, at + len)
        };
        let diagnostic = match *error {
            AttrError::ExpectedEq(at)
                if let Some(value) = quoted_before(self.source, content_start + at) =>
            {
                // `<set-header "X-Tier" />`: a value with no name before it.
                let text = self.source.get(value.clone()).unwrap_or_default();
                Diagnostic::new(
                    Code::MalformedAttribute,
                    span(value.start, value.end),
                    format!("value {text} has no attribute name"),
                )
                .with_help(format!(
                    "write the attribute's name and `=` before it, as in `name={text}`"
                ))
            }
            AttrError::ExpectedEq(at) => {
                // quick-xml points after the name, where `=` was expected; name the key.
                let (at_span, word) = word_at(key_start_before(self.source, content_start + at));
                Diagnostic::new(
                    Code::MalformedAttribute,
                    at_span,
                    format!("attribute `{word}` has no value"),
                )
                .with_help(format!("write `{word}=\"…\"`"))
            }
            AttrError::ExpectedValue(at) => Diagnostic::new(
                Code::MalformedAttribute,
                char_at(content_start + at),
                "expected a quoted attribute value after `=`",
            )
            .with_help("write the value in quotes: `name=\"value\"`"),
            AttrError::UnquotedValue(at) => {
                let (at_span, word) = word_at(content_start + at);
                // `name=“x-b”`: typographic quotes from a word processor or a blog, which XML
                // does not read as quotes; wrapping them in `"` would keep them in the value.
                let typographic = |c: char| gatehouse_diagnostics::straight_quote(c).is_some();
                let opening = word.chars().next().filter(|&c| typographic(c));
                let help = match (opening, word.strip_prefix(typographic)) {
                    (Some(open), Some(inner)) => match inner.strip_suffix(typographic) {
                        Some(inner) => format!(
                            "`{open}` and `{}` are typographic quotes: write `\"{inner}\"`",
                            word.chars().last().unwrap_or(open),
                        ),
                        None => format!(
                            "`{open}` is a typographic quote: quote the value with `\"` at both ends"
                        ),
                    },
                    _ => format!("write `\"{word}\"`"),
                };
                Diagnostic::new(
                    Code::MalformedAttribute,
                    at_span,
                    format!("attribute value `{word}` is not quoted"),
                )
                .with_help(help)
            }
            AttrError::ExpectedQuote(at, _) => Diagnostic::new(
                Code::MalformedAttribute,
                char_at(content_start + at),
                "attribute value has no closing quote",
            ),
            AttrError::Duplicated(at, previous) => {
                let (at_span, word) = word_at(content_start + at);
                let first = found
                    .iter()
                    .find(|attribute| attribute.name.start as usize == content_start + previous)
                    .map_or_else(
                        || word_at(content_start + previous).0,
                        |attribute| attribute.name,
                    );
                Diagnostic::new(
                    Code::DuplicateAttribute,
                    at_span,
                    format!("attribute `{word}` is given twice"),
                )
                .with_label(first, "first given here")
                .with_help("keep one of them")
            }
        };
        self.diagnostics.push(diagnostic);
    }

    fn end_tag(&mut self, start: usize, end: usize) {
        self.flush_text();
        let tag_span = span(start, end);
        let inner = self
            .source
            .get(start + 2..end.saturating_sub(1))
            .unwrap_or_default();
        let name = inner.trim_end().to_owned();
        if self.source.as_bytes().get(end.saturating_sub(1)) != Some(&b'>') {
            // The prepass ended an end tag that lost its `>` before the next tag.
            self.diagnostics.push(
                Diagnostic::new(
                    Code::UnclosedMarkup,
                    span(start, start + 2 + name.len()),
                    format!("end tag `</{name}` has no `>`"),
                )
                .with_help(format!("write `</{name}>`")),
            );
        }
        let matching = self
            .open
            .iter()
            .rposition(|element| self.slice(element.name) == name);
        let Some(index) = matching else {
            if let Some(open) = self.open.last() {
                let open_name = self.slice(open.name).to_owned();
                let limit = (open_name.chars().count() / 3).max(1);
                let help = if edit_distance(&name, &open_name) <= limit {
                    // `</set-heder>` under `<set-header>`: a typo of the end tag.
                    Some(format!("did you mean `</{open_name}>`?"))
                } else if self.parent_closes_next(end) {
                    // `<inbound> … </outbound></policies>`: the end tag stands where the open
                    // element's belongs, and the parent's follows: a misnamed end tag.
                    Some(format!("write `</{open_name}>`"))
                } else {
                    None
                };
                if let Some(help) = help {
                    // Closing the element keeps its siblings from becoming its children, and the
                    // parent's end tag from being a second error.
                    self.diagnostics.push(
                        mismatched_end_tag(tag_span, &name, &open_name)
                            .with_label(open.name, format!("`<{open_name}>` is opened here"))
                            .with_help(help),
                    );
                    self.close_top(Some(tag_span));
                    return;
                }
            }
            let mut diagnostic = Diagnostic::new(
                Code::UnexpectedEndTag,
                tag_span,
                format!("end tag `</{name}>` has no matching start tag"),
            );
            diagnostic = match self.open.last() {
                Some(open) => {
                    let open_name = self.slice(open.name).to_owned();
                    diagnostic
                        .with_label(open.name, format!("the open element is `<{open_name}>`"))
                        .with_help(format!(
                            "delete it, or write `</{open_name}>` if that is what it closes"
                        ))
                }
                None => diagnostic.with_help("delete it"),
            };
            self.diagnostics.push(diagnostic);
            self.push_node(Node::Unparsed(tag_span));
            return;
        };
        let innermost = self.open.len() - 1;
        if index + 1 == innermost && self.placeholder_in_text() {
            self.close_top(Some(tag_span));
            return;
        }
        if index < innermost {
            if let Some(open) = self.open.last() {
                let open_name = self.slice(open.name).to_owned();
                self.diagnostics.push(
                    mismatched_end_tag(tag_span, &name, &open_name)
                    .with_label(
                        open.name,
                        format!("`<{open_name}>` is opened here and never closed"),
                    )
                    .with_help(format!(
                        "close it with `</{open_name}>` before `</{name}>`, or end its start tag with `/>` if it has no content"
                    )),
                );
            }
            // Elements between the innermost one and the matched one are unclosed too.
            let skipped: Vec<Span> = self
                .open
                .get(index + 1..innermost)
                .unwrap_or_default()
                .iter()
                .map(|element| element.name)
                .collect();
            for name_span in skipped {
                let skipped_name = self.slice(name_span).to_owned();
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::UnclosedElement,
                        name_span,
                        format!("element `<{skipped_name}>` is never closed"),
                    )
                    .with_help(format!(
                        "add `</{skipped_name}>`, or end the start tag with `/>`"
                    )),
                );
            }
            while self.open.len() > index + 1 {
                self.close_top(None);
            }
        }
        self.close_top(Some(tag_span));
    }

    /// `<value>Bearer <MI-token></value>`: the innermost open element, closed by its parent's
    /// end tag, is a guide's placeholder written in text (no attributes, only text after it),
    /// not markup. It is reported once, as the `<` it is, and kept as unparsed text so that the
    /// model does not also report an unknown child; the text after it goes back to the parent.
    fn placeholder_in_text(&mut self) -> bool {
        let Some(open) = self.open.last() else {
            return false;
        };
        let start_tag = self.slice(open.start_tag);
        let Some(word) = placeholder(start_tag).filter(|word| word.len() == start_tag.len()) else {
            return false;
        };
        if !open.attributes.is_empty()
            || open.self_closing
            || !open
                .children
                .iter()
                .all(|child| matches!(child, Node::Text(_)))
        {
            return false;
        }
        // Words beside it (`Bearer <MI-token>`) make it text; alone and indented, `<otherwise>`
        // left open is an element, and stays the mismatched end tag it is.
        let words = |node: &Node| match node {
            Node::Text(text) => !self.slice(text.value.span).trim().is_empty(),
            _ => false,
        };
        let parent = self
            .open
            .len()
            .checked_sub(2)
            .and_then(|parent| self.open.get(parent));
        let before = parent
            .and_then(|parent| parent.children.last())
            .is_some_and(words);
        // Alone, it is still a placeholder when no element is spelt like it (`<APP_ID_URI>`:
        // capitals, `_`, a space or a dot), or when it sits between its parent's tags on one
        // line and the caller's vocabulary has no element of its name
        // (`<audience><client-id></audience>`; `<backend><forward-request></backend>` is a slip).
        let parent_blank = parent.is_some_and(|parent| !parent.children.iter().any(words));
        let touching = open.children.is_empty() && parent.is_some_and(|p| p.children.is_empty());
        let name = self.slice(open.name);
        let unlike_element = name
            .chars()
            .any(|c| c.is_uppercase() || matches!(c, '_' | ' ' | '.'));
        let not_an_element = self.known_element.is_some_and(|known| !known(name));
        let alone = parent_blank && (unlike_element || (touching && not_an_element));
        if !before && !open.children.iter().any(words) && !alone {
            return false;
        }
        let word = word.to_owned();
        let Some(element) = self.open.pop() else {
            return false;
        };
        self.diagnostics.push(
            Diagnostic::new(
                Code::UnescapedLessThan,
                Span::new(element.start_tag.start, element.start_tag.start + 1),
                "unescaped `<` in text",
            )
            .with_help(format!(
                "`{word}` is a placeholder: write the real value in its place"
            )),
        );
        self.push_node(Node::Unparsed(element.start_tag));
        for child in element.children {
            self.push_node(child);
        }
        true
    }

    /// `<limit-concurrency …> <forward-request/> <limit-concurrency/> </backend>`: an empty
    /// element named like the innermost open one, with no attributes, right before the parent's
    /// end tag, stands where that element's end tag belongs (the docs' limit-concurrency example
    /// had it for years, in every language). Read as the end tag, it is one error; read as an
    /// element, it would be a nested policy with its attributes missing and the outer one left
    /// open.
    fn empty_tag_closes_open(&mut self, name: &str, start: usize, end: usize) -> bool {
        let Some(open) = self.open.last() else {
            return false;
        };
        if self.slice(open.name) != name || !self.parent_closes_next(end) {
            return false;
        }
        let open_name = open.name;
        let tag_span = span(start, end);
        let written = self.slice(tag_span).to_owned();
        self.diagnostics.push(
            Diagnostic::new(
                Code::UnclosedElement,
                tag_span,
                format!("`{written}` is an empty element, not the end tag of `<{name}>`"),
            )
            .with_label(
                open_name,
                format!("`<{name}>` is opened here and never closed"),
            )
            .with_help(format!("write `</{name}>`")),
        );
        self.close_top(Some(tag_span));
        true
    }

    fn close_top(&mut self, end_tag: Option<Span>) {
        let Some(mut element) = self.open.pop() else {
            return;
        };
        let end = match (end_tag, element.children.last()) {
            (Some(tag), _) => tag.end,
            (None, Some(child)) => child.span().end,
            (None, None) => element.start_tag.end,
        };
        element.end_tag = end_tag;
        element.span = Span::new(element.start_tag.start, end);
        self.push_node(Node::Element(element));
    }

    fn comment(&mut self, start: usize, end: usize) -> Flow {
        let text = self.source.get(start..end).unwrap_or_default();
        let dashed_open = text
            .get(2..)
            .and_then(|rest| rest.chars().next())
            .filter(|&c| is_dash(c));
        let dashed_close = text
            .strip_suffix('>')
            .and_then(|rest| rest.chars().next_back())
            .filter(|&c| is_dash(c));
        if let Some(dash) = dashed_open {
            // The prepass read `<!— … —>` as the comment its author meant.
            let help = if dashed_close.is_some() {
                "write `<!--` and `-->`: a word processor makes one dash of `--`"
            } else {
                "write `<!--`: a word processor makes one dash of `--`"
            };
            self.diagnostics.push(
                Diagnostic::new(
                    Code::UnclosedMarkup,
                    span(start, start + 2 + dash.len_utf8()),
                    format!(
                        "`<!{dash}` does not open a comment: `{dash}` is a dash, not two hyphens"
                    ),
                )
                .with_help(help),
            );
        } else if let Some(dash) = dashed_close {
            let close_len = dash.len_utf8() + 1;
            self.diagnostics.push(
                Diagnostic::new(
                    Code::UnclosedMarkup,
                    span(end.saturating_sub(close_len), end),
                    format!("comment ends with `{dash}>`, a dash, not `-->`"),
                )
                .with_help("write `-->`: without it the rest of the document is comment"),
            );
        } else if self
            .source
            .get(..end)
            .is_some_and(|text| !text.ends_with("-->"))
        {
            // The prepass ended a comment that was closed with `->`, one dash short.
            self.diagnostics.push(
                Diagnostic::new(
                    Code::UnclosedMarkup,
                    span(end.saturating_sub(2), end),
                    "comment ends with `->`, not `-->`",
                )
                .with_help("write `-->`: without it the rest of the document is comment"),
            );
        } else if let Some((arrow, hidden)) = self.hidden_markup(start, end) {
            let written = self.slice(arrow).to_owned();
            self.diagnostics.push(
                Diagnostic::new(
                    Code::CommentHidesMarkup,
                    arrow,
                    format!("this comment ends with `{written}`, so it runs on and comments out the markup after it"),
                )
                .with_label(hidden, "commented out: never runs")
                .with_help("write `-->` here"),
            );
        }
        self.leaf(Node::Comment(span(start, end)))
    }

    /// In the comment `start..end`: a ` ->` or a dashed `—>` meant as its end, and the first tag
    /// after it that the comment now swallows (up to the next comment's `-->`).
    fn hidden_markup(&self, start: usize, end: usize) -> Option<(Span, Span)> {
        let inner_start = start + 4;
        let inner = self.source.get(inner_start..end.saturating_sub(3))?;
        let (arrow, arrow_len) = inner.match_indices('>').find_map(|(index, _)| {
            let mut before = inner.get(..index)?.chars().rev();
            match (before.next()?, before.next()?) {
                ('-', space) if space.is_whitespace() => Some((index - 1, 2)),
                (dash, _) if is_dash(dash) => Some((index - dash.len_utf8(), dash.len_utf8() + 1)),
                _ => None,
            }
        })?;
        let after = inner.get(arrow + arrow_len..)?;
        let tag = after.match_indices('<').find_map(|(index, _)| {
            let next = after.get(index + 1..)?.bytes().next()?;
            is_name_start_byte(next).then_some(index)
        })?;
        let tag_start = inner_start + arrow + arrow_len + tag;
        let name_len = self
            .source
            .get(tag_start + 1..)?
            .find(|c: char| c.is_whitespace() || matches!(c, '>' | '/'))?;
        Some((
            span(inner_start + arrow, inner_start + arrow + arrow_len),
            span(tag_start, tag_start + 1 + name_len),
        ))
    }

    fn cdata(&mut self, start: usize, end: usize) -> Flow {
        self.flush_text();
        let content_end = end.saturating_sub(3).max(start + 9);
        let value = self.value((start + 9).min(content_end), content_end, Context::CData);
        self.push_node(Node::CData(CData {
            span: span(start, end),
            value,
        }));
        Flow::Continue
    }

    fn declaration(&mut self, start: usize, end: usize) -> Flow {
        let at_start = start == 0 || (start == BOM.len() && self.source.starts_with(BOM));
        let declaration_span = span(start, end);
        if !at_start {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::MisplacedXmlDeclaration,
                    declaration_span,
                    "xml declaration is not at the start of the document",
                )
                .with_help("move it to the very start, or delete it"),
            );
        }
        if let Some((encoding, encoding_span)) =
            declared_encoding(self.slice(declaration_span), start)
            && !encoding.eq_ignore_ascii_case("utf-8")
            && !encoding.eq_ignore_ascii_case("utf8")
        {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::UnsupportedEncoding,
                    encoding_span,
                    format!("document declares encoding `{encoding}`"),
                )
                .with_help(
                    "policy text is utf-8; save the file as utf-8 and declare `encoding=\"utf-8\"`",
                ),
            );
        }
        self.leaf(Node::XmlDeclaration(declaration_span))
    }

    fn doctype(&mut self, start: usize, end: usize) -> Flow {
        let doctype_span = span(start, end);
        let declares_entities = self.slice(doctype_span).contains("<!ENTITY");
        let message = if declares_entities {
            "entity declarations are refused; declared entities are never expanded"
        } else {
            "document type declarations are refused"
        };
        self.diagnostics.push(
            Diagnostic::new(
                Code::DoctypeNotAllowed,
                span(start, (start + 9).min(end)),
                message,
            )
            .with_help("delete the `<!DOCTYPE …>` declaration; policy documents never need one"),
        );
        self.leaf(Node::Doctype(doctype_span))
    }

    /// quick-xml stopped with `error` at `at`; its event started at `last` and it had read up
    /// to `consumed`. Everything from `last` to where reading resumes is kept as unparsed text.
    fn tokeniser_error(
        &mut self,
        error: &XmlError,
        last: usize,
        at: usize,
        consumed: usize,
    ) -> Flow {
        self.flush_text();
        let len = self.source.len();
        // An ill-formed but complete piece of markup is reported where it starts.
        let at = if matches!(error, XmlError::IllFormed(_)) {
            last
        } else {
            at
        };
        let opener_len = markup_opener_len(self.source.get(at..).unwrap_or_default());
        let at_span = span(at, (at + opener_len).min(len));
        // After an ill-formed but complete piece of markup, quick-xml has read past it.
        let after_markup = consumed.max(at + 1).min(len);
        let (code, message, help, resume) = match error {
            XmlError::Syntax(SyntaxError::UnclosedComment) => (
                Code::UnclosedMarkup,
                "comment is never closed".to_owned(),
                "add `-->`",
                len,
            ),
            XmlError::Syntax(SyntaxError::UnclosedCData) => (
                Code::UnclosedMarkup,
                "cdata section is never closed".to_owned(),
                "add `]]>`",
                len,
            ),
            XmlError::Syntax(SyntaxError::UnclosedPI | SyntaxError::UnclosedXmlDecl) => (
                Code::UnclosedMarkup,
                "processing instruction is never closed".to_owned(),
                "add `?>`",
                len,
            ),
            XmlError::Syntax(SyntaxError::UnclosedDoctype) => (
                Code::UnclosedMarkup,
                "document type declaration is never closed".to_owned(),
                "delete the declaration",
                len,
            ),
            XmlError::Syntax(
                SyntaxError::UnclosedTag
                | SyntaxError::UnclosedSingleQuotedAttributeValue
                | SyntaxError::UnclosedDoubleQuotedAttributeValue,
            ) => (
                Code::UnclosedMarkup,
                "tag is never closed".to_owned(),
                "end the tag with `>` or `/>`",
                len,
            ),
            XmlError::Syntax(SyntaxError::InvalidBangMarkup) => {
                let resume = self
                    .source
                    .get(at + 1..)
                    .and_then(|rest| rest.find('>'))
                    .map_or(len, |index| at + 1 + index + 1);
                let dashed = self
                    .source
                    .get(at + 2..)
                    .and_then(|rest| rest.chars().next())
                    .is_some_and(is_dash);
                (
                    Code::UnclosedMarkup,
                    "unknown markup after `<!`".to_owned(),
                    if dashed {
                        // `<!—` with no end after it: the prepass could not read it as a comment.
                        "a comment opens with `<!--`: a word processor makes one dash of `--`, and the comment needs `-->` to end"
                    } else {
                        "comments are written `<!-- … -->` and cdata sections `<![CDATA[ … ]]>`"
                    },
                    resume,
                )
            }
            XmlError::IllFormed(IllFormedError::MissingDoctypeName) => (
                Code::DoctypeNotAllowed,
                "document type declarations are refused".to_owned(),
                "delete the `<!DOCTYPE …>` declaration; policy documents never need one",
                after_markup,
            ),
            other => (
                Code::UnclosedMarkup,
                format!("malformed markup: {}", lowercase_first(&other.to_string())),
                "correct the markup, or delete it",
                after_markup,
            ),
        };
        self.diagnostics
            .push(Diagnostic::new(code, at_span, message).with_help(help));
        let resume = resume.max(last + 1).min(len);
        self.unparsed(last, resume);
        if resume >= len {
            Flow::StopAt(len)
        } else {
            Flow::RestartAt(resume)
        }
    }

    // ----- checks over the whole text -----

    fn report_expression_errors(&mut self) {
        for scanned in self.expressions {
            let Some(error) = scanned.error else { continue };
            let opener = span(scanned.start, scanned.start + 2);
            let diagnostic = match error {
                ScanError::Unclosed {
                    open,
                    bracket,
                    stop,
                    ..
                } => {
                    let close = char::from(closing_of(bracket));
                    let bracket = char::from(bracket);
                    let outermost = open == scanned.start + 1;
                    let at = if outermost {
                        opener
                    } else {
                        span(open, open + 1)
                    };
                    let what = if outermost {
                        format!("policy expression `@{bracket}` is never closed")
                    } else {
                        format!("unclosed `{bracket}` in policy expression")
                    };
                    let place = match stop {
                        Stop::AttributeEnd => "before the end of the attribute value",
                        Stop::EndTag => "before the end tag",
                        Stop::End => "where the expression should end",
                    };
                    let mut diagnostic =
                        Diagnostic::new(Code::UnclosedExpressionDelimiter, at, what)
                            .with_help(format!("add the missing `{close}` {place}"));
                    if !outermost {
                        diagnostic = diagnostic.with_label(opener, "the expression starts here");
                    }
                    diagnostic
                }
                ScanError::Mismatched {
                    open,
                    open_bracket,
                    close,
                    close_bracket,
                } => Diagnostic::new(
                    Code::MismatchedExpressionDelimiter,
                    span(close, close + 1),
                    format!(
                        "`{}` does not close `{}`",
                        char::from(close_bracket),
                        char::from(open_bracket)
                    ),
                )
                .with_label(span(open, open + 1), "opened here")
                .with_help(format!(
                    "close it with `{}`",
                    char::from(closing_of(open_bracket))
                )),
                ScanError::UnterminatedLiteral { start, kind } => {
                    let (what, help) = match kind {
                        LiteralKind::String => (
                            "string literal is never closed",
                            "close it with `\"` on the same line; write `\\\"` for a quote inside it",
                        ),
                        LiteralKind::InterpolatedString => (
                            "interpolated string is never closed",
                            "close it with `\"` on the same line; write `\\\"` for a quote inside it",
                        ),
                        LiteralKind::VerbatimString => (
                            "verbatim string literal is never closed",
                            "close it with `\"`; write `\"\"` for a quote inside it",
                        ),
                        LiteralKind::Char => (
                            "character literal is never closed",
                            "close it with `'`; write `\\'` for a quote character",
                        ),
                    };
                    Diagnostic::new(Code::UnterminatedLiteral, span(start, start + 1), what)
                        .with_label(opener, "in this policy expression")
                        .with_help(help)
                }
                ScanError::UnterminatedComment { start } => Diagnostic::new(
                    Code::UnterminatedExpressionComment,
                    span(start, start + 2),
                    "`/*` comment is never closed",
                )
                .with_help("add `*/`"),
            };
            self.diagnostics.push(diagnostic);
        }
    }

    /// Reordering characters written as themselves make a policy read differently in review
    /// from what APIM runs ("Trojan Source"). As character references (`&#x202E;`) they are
    /// visible, so only the raw characters are reported.
    fn report_bidirectional_overrides(&mut self) {
        let found = self.source.char_indices().filter_map(|(at, character)| {
            bidirectional_override_name(character).map(|name| (at, character, name))
        });
        for (count, (at, character, name)) in found.enumerate() {
            if count == MAX_CONTROL_CHARACTER_REPORTS {
                break;
            }
            self.diagnostics.push(
                Diagnostic::new(
                    Code::BidirectionalOverride,
                    span(at, at + character.len_utf8()),
                    format!(
                        "invisible {name} character U+{:04X} can make the policy read differently from what runs",
                        u32::from(character)
                    ),
                )
                .with_help(format!(
                    "remove it; if right-to-left text needs it, write it as `&#x{:X};` so that reviewers see it",
                    u32::from(character)
                )),
            );
        }
    }

    fn report_control_characters(&mut self) {
        let bad = self
            .source
            .bytes()
            .enumerate()
            .filter(|&(_, byte)| byte < 0x20 && !matches!(byte, b'\t' | b'\n' | b'\r'));
        for (count, (at, byte)) in bad.enumerate() {
            if count == MAX_CONTROL_CHARACTER_REPORTS {
                break;
            }
            self.diagnostics.push(
                Diagnostic::new(
                    Code::ControlCharacter,
                    span(at, at + 1),
                    format!("control character U+{byte:04X} is not allowed"),
                )
                .with_help("remove it; binary data must be encoded, for example as base64"),
            );
        }
    }
}

/// The embeddings, overrides and isolates of Unicode's bidirectional algorithm, the
/// characters rustc denies in source for the same reason (CVE-2021-42574).
fn bidirectional_override_name(character: char) -> Option<&'static str> {
    Some(match character {
        '\u{202A}' => "left-to-right embedding",
        '\u{202B}' => "right-to-left embedding",
        '\u{202C}' => "pop directional formatting",
        '\u{202D}' => "left-to-right override",
        '\u{202E}' => "right-to-left override",
        '\u{2066}' => "left-to-right isolate",
        '\u{2067}' => "right-to-left isolate",
        '\u{2068}' => "first strong isolate",
        '\u{2069}' => "pop directional isolate",
        _ => return None,
    })
}

/// The start of the word that ends before `at` (skipping whitespace back from `at`).
/// The quoted text that ends, white space aside, just before `at` (`"X-Tier"` in
/// `<set-header "X-Tier" />`), as a byte range with its quotes.
fn quoted_before(source: &str, at: usize) -> Option<std::ops::Range<usize>> {
    let bytes = source.as_bytes();
    let end = end_before_space(bytes, at);
    let quote = *bytes.get(end.checked_sub(1)?)?;
    if !matches!(quote, b'"' | b'\'') {
        return None;
    }
    let open = bytes.get(..end - 1)?.iter().rposition(|&b| b == quote)?;
    // An `=` before the opening quote makes it an attribute's value, named already.
    let before = bytes.get(..open)?.trim_ascii_end();
    (!before.ends_with(b"=")).then_some(open..end)
}

/// `at`, moved back over the white space before it.
fn end_before_space(bytes: &[u8], at: usize) -> usize {
    let mut end = at.min(bytes.len());
    while end > 0 && bytes.get(end - 1).is_some_and(u8::is_ascii_whitespace) {
        end -= 1;
    }
    end
}

fn key_start_before(source: &str, at: usize) -> usize {
    let bytes = source.as_bytes();
    let end = end_before_space(bytes, at);
    let mut start = end;
    while start > 0
        && bytes.get(start - 1).is_some_and(|&b| {
            !b.is_ascii_whitespace() && !matches!(b, b'"' | b'\'' | b'<' | b'>' | b'=')
        })
    {
        start -= 1;
    }
    if start == end { at } else { start }
}

fn closing_of(bracket: u8) -> u8 {
    match bracket {
        b'(' => b')',
        b'[' => b']',
        _ => b'}',
    }
}

/// The root the author meant: the same letters, ignoring case, `-`, `_` and a plural `s`
/// (`<Fragments>`, `<http_datasource>`).
/// GH0007 for the end tag `</{name}>` while `<{open_name}>` is the innermost open element.
impl Builder<'_> {
    /// Whether the next markup after `from` (past white space and comments) is the end tag of
    /// the parent of the innermost open element.
    fn parent_closes_next(&self, from: usize) -> bool {
        let Some(parent) = self
            .open
            .len()
            .checked_sub(2)
            .and_then(|i| self.open.get(i))
        else {
            return false;
        };
        let mut rest = self.source.get(from..).unwrap_or_default();
        loop {
            rest = rest.trim_start();
            match rest
                .strip_prefix("<!--")
                .and_then(|r| r.find("-->").map(|end| (r, end)))
            {
                Some((comment, end)) => rest = comment.get(end + 3..).unwrap_or_default(),
                None => break,
            }
        }
        let Some(tag) = rest.strip_prefix("</") else {
            return false;
        };
        let name_len = tag
            .find(|c: char| c.is_whitespace() || c == '>')
            .unwrap_or(tag.len());
        tag.get(..name_len) == Some(self.slice(parent.name))
    }
}

fn mismatched_end_tag(tag_span: Span, name: &str, open_name: &str) -> Diagnostic {
    Diagnostic::new(
        Code::MismatchedEndTag,
        tag_span,
        format!("end tag `</{name}>` does not match the open element `<{open_name}>`"),
    )
}

fn closest_root(name: &str) -> Option<&'static str> {
    let letters = |text: &str| -> String {
        text.chars()
            .filter(|c| !matches!(c, '-' | '_'))
            .map(|c| c.to_ascii_lowercase())
            .collect::<String>()
            .trim_end_matches('s')
            .to_owned()
    };
    let wanted = letters(name);
    let candidates = || {
        ["policies", "fragment"]
            .into_iter()
            .chain(crate::tree::RESOLVER_ROOTS)
    };
    // `<policy>` and `<polices>` too: one or two letters off a root of eight or more.
    candidates()
        .find(|candidate| letters(candidate) == wanted)
        .or_else(|| {
            candidates().find(|candidate| {
                let known = letters(candidate);
                known.len() >= 7 && edit_distance(&known, &wanted) <= 2
            })
        })
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The length of the markup opener at the start of `text` (`<!--`, `<![CDATA[`, `<?`, …).
fn markup_opener_len(text: &str) -> usize {
    ["<![CDATA[", "<!DOCTYPE", "<!--", "<!", "<?", "</"]
        .into_iter()
        .find(|opener| text.starts_with(opener))
        .map_or(1, str::len)
}

/// `encoding="…"` in an XML declaration, with the span of the value.
fn declared_encoding(declaration: &str, offset: usize) -> Option<(String, Span)> {
    let key = declaration.find("encoding")?;
    let after_key = declaration.get(key + "encoding".len()..)?;
    let equals = after_key.find('=')?;
    let after_equals = after_key.get(equals + 1..)?;
    let quote_index = after_equals.find(['"', '\''])?;
    let quote = after_equals.get(quote_index..quote_index + 1)?;
    let value_text = after_equals.get(quote_index + 1..)?;
    let value_len = value_text.find(quote)?;
    let value = value_text.get(..value_len)?.to_owned();
    let value_start = offset + key + "encoding".len() + equals + 1 + quote_index + 1;
    Some((value, span(value_start, value_start + value_len)))
}

/// `<tenant>` or `<app-service>` at the start of `text`: a word between angle brackets, the way
/// guides mark what the reader fills in; also `<--your_app_id-->`, in arrows.
fn placeholder(text: &str) -> Option<&str> {
    let close = text.find('>')?;
    let bracketed = text.get(1..close)?;
    let word = bracketed
        .strip_prefix("--")
        .and_then(|arrowed| arrowed.strip_suffix("--"))
        .map_or(bracketed, str::trim);
    let is_word = word.len() <= 40
        && word.starts_with(char::is_alphanumeric)
        && word.ends_with(char::is_alphanumeric)
        && word
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ' '));
    is_word.then(|| text.get(..=close)).flatten()
}
