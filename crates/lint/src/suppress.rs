//! Inline suppression: `<!-- gatehouse-disable-next-line GH0214 GH0216 -->` silences those
//! codes (all codes when none is listed) on the line after the comment.

use gatehouse_diagnostics::{Code, Diagnostic, LineIndex};
use gatehouse_reader::{Document, Node};

const DIRECTIVE: &str = "gatehouse-disable-next-line";

struct Suppression {
    /// Zero-based line the directive applies to.
    line: usize,
    /// Empty: every code.
    codes: Vec<Code>,
}

pub(crate) fn apply(document: &Document, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let source = document.source();
    let index = LineIndex::new(source);
    let mut suppressions = Vec::new();
    let mut stack: Vec<&Node> = document.nodes().iter().collect();
    while let Some(node) = stack.pop() {
        match node {
            Node::Element(element) => stack.extend(element.children.iter()),
            Node::Comment(span) => {
                let text = document.text(*span);
                let inner = text
                    .trim_start_matches("<!--")
                    .trim_end_matches("-->")
                    .trim();
                let Some(rest) = inner.strip_prefix(DIRECTIVE) else {
                    continue;
                };
                let codes = rest
                    .split(|c: char| c.is_whitespace() || c == ',')
                    .filter(|s| !s.is_empty())
                    .filter_map(Code::lookup)
                    .collect();
                let (_, end) = index.span_positions(source, *span);
                // Positions are one-based; the next line's zero-based number is `end.line`.
                suppressions.push(Suppression {
                    line: usize::try_from(end.line).unwrap_or(usize::MAX),
                    codes,
                });
            }
            _ => {}
        }
    }
    if suppressions.is_empty() {
        return diagnostics;
    }
    diagnostics
        .into_iter()
        .filter(|diagnostic| {
            let (start, _) = index.span_positions(source, diagnostic.span);
            let line = usize::try_from(start.line).unwrap_or(0).saturating_sub(1);
            !suppressions.iter().any(|s| {
                s.line == line && (s.codes.is_empty() || s.codes.contains(&diagnostic.code))
            })
        })
        .collect()
}
