//! Properties every read must have, whatever the input. The fuzz target and the replay of its
//! corpus in `cargo test` both check them.

use gatehouse_diagnostics::Span;

use crate::tree::{Element, Node, Value, ValuePart};
use crate::{ReadOptions, ReadOutput};

/// Checks that `output` is a faithful read of `input`:
///
/// - written back, a UTF-8 document within the size limit is the input byte for byte;
/// - nodes tile their parent without gap or overlap; attributes lie in order inside their start
///   tag; the parts of a value tile the value;
/// - no element is nested deeper than the depth limit;
/// - every diagnostic's spans lie inside the text, and its message follows the style rule
///   (not empty, no capital first letter, no final period).
///
/// Returns a description of the first violation.
pub fn check_invariants(
    input: &[u8],
    options: &ReadOptions,
    output: &ReadOutput,
) -> Result<(), String> {
    let document = &output.document;
    let len = document.source().len();
    if input.len() <= options.max_size && std::str::from_utf8(input).is_ok() {
        let mut written = String::with_capacity(len);
        document.write_source(&mut written);
        if written.as_bytes() != input {
            return Err(format!(
                "written back, the document differs from the input ({} bytes written, {} read)",
                written.len(),
                input.len()
            ));
        }
        tile(document.nodes(), Span::from_range(0..len), "document")?;
    }
    let mut stack: Vec<(&Node, usize)> = document.nodes().iter().map(|node| (node, 1)).collect();
    while let Some((node, depth)) = stack.pop() {
        match node {
            Node::Element(element) => {
                if depth > options.effective_max_depth() {
                    return Err(format!("element at depth {depth} is deeper than the limit"));
                }
                check_element(element)?;
                stack.extend(element.children.iter().map(|child| (child, depth + 1)));
            }
            Node::Text(text) => check_value(&text.value)?,
            Node::CData(cdata) => {
                if !cdata.span.contains(cdata.value.span) {
                    return Err(format!(
                        "cdata value {:?} outside {:?}",
                        cdata.value.span, cdata.span
                    ));
                }
                check_value(&cdata.value)?;
            }
            _ => {}
        }
    }
    for diagnostic in &output.diagnostics {
        // Spans index the document's text (invalid UTF-8 replaced), so renderers can slice it.
        let source = document.source();
        let in_bounds = |span: Span| {
            span.end as usize <= len
                && source.is_char_boundary(span.start as usize)
                && source.is_char_boundary(span.end as usize)
        };
        if !in_bounds(diagnostic.span)
            || !diagnostic.labels.iter().all(|label| in_bounds(label.span))
        {
            return Err(format!(
                "diagnostic {} has a span outside the text or inside a character",
                diagnostic.code
            ));
        }
        let message = &diagnostic.message;
        if message.is_empty()
            || message.chars().next().is_some_and(char::is_uppercase)
            || message.ends_with('.')
        {
            return Err(format!(
                "diagnostic {} breaks the message style: {message:?}",
                diagnostic.code
            ));
        }
    }
    Ok(())
}

fn tile(nodes: &[Node], within: Span, what: &str) -> Result<(), String> {
    let mut cursor = within.start;
    for node in nodes {
        let span = node.span();
        if span.start != cursor {
            return Err(format!("{what}: node {span:?} does not start at {cursor}"));
        }
        cursor = span.end;
    }
    if cursor != within.end {
        return Err(format!(
            "{what}: nodes end at {cursor}, not at {}",
            within.end
        ));
    }
    Ok(())
}

fn check_element(element: &Element) -> Result<(), String> {
    let start_tag = element.start_tag;
    if element.span.start != start_tag.start || !start_tag.contains(element.name) {
        return Err(format!(
            "element {:?}: start tag or name misplaced",
            element.span
        ));
    }
    let mut cursor = element.name.end;
    for attribute in &element.attributes {
        if attribute.span.start < cursor
            || !start_tag.contains(attribute.span)
            || !attribute.span.contains(attribute.name)
            || !attribute.span.contains(attribute.value.span)
        {
            return Err(format!("attribute {:?} misplaced", attribute.span));
        }
        cursor = attribute.span.end;
        check_value(&attribute.value)?;
    }
    let children_end = match element.end_tag {
        Some(end_tag) => {
            if end_tag.end != element.span.end {
                return Err(format!(
                    "element {:?}: end tag {end_tag:?} misplaced",
                    element.span
                ));
            }
            end_tag.start
        }
        None => element.span.end,
    };
    tile(
        &element.children,
        Span::new(start_tag.end, children_end),
        "element children",
    )
}

fn check_value(value: &Value) -> Result<(), String> {
    let mut cursor = value.span.start;
    for part in value.parts() {
        let span = match part {
            ValuePart::Literal(literal) => literal.span,
            ValuePart::NamedValue(reference) => {
                if !reference.span.contains(reference.name) {
                    return Err(format!("named value {:?} misplaced", reference.span));
                }
                reference.span
            }
            ValuePart::Expression(expression) => {
                if !expression.span.contains(expression.code_span) {
                    return Err(format!(
                        "expression code {:?} misplaced",
                        expression.code_span
                    ));
                }
                expression.span
            }
        };
        if span.start != cursor {
            return Err(format!("value part {span:?} does not start at {cursor}"));
        }
        cursor = span.end;
    }
    if cursor != value.span.end {
        return Err(format!(
            "value parts end at {cursor}, not {}",
            value.span.end
        ));
    }
    Ok(())
}

/// The property the fuzz target checks, and `cargo test` replays over the fuzz corpus: reading
/// `input` with the default limits, and with tight ones (which reach the limit paths often),
/// gives reads that satisfy [`check_invariants`]; the tight read also knows a vocabulary.
pub fn check_read(input: &[u8]) -> Result<(), String> {
    let tight = ReadOptions {
        max_depth: 8,
        max_size: 1 << 16,
        known_element: Some(|name| matches!(name, "base" | "value" | "forward-request")),
    };
    for options in [ReadOptions::default(), tight] {
        let output = crate::read(input, &options);
        check_invariants(input, &options, &output)?;
    }
    Ok(())
}
