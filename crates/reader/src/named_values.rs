//! Named-value references, `{{name}}`.
//!
//! APIM replaces `{{name}}` with the named value's text before it looks at anything else, so a
//! reference can stand anywhere: in literal text, inside an expression, inside a C# string.

use gatehouse_diagnostics::{Code, Diagnostic, Span};

/// A `{{name}}` reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NamedValueRef {
    /// From the first `{` to the last `}`.
    pub span: Span,
    /// The name between the braces.
    pub name: Span,
}

/// Characters APIM allows in a named value's name: letters, digits, `-`, `_` and `.`.
fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// One candidate at byte `at` of `text` (which starts with `{{` there).
enum Candidate {
    Reference {
        len: usize,
        name_len: usize,
    },
    /// `{{name` with no `}}` right after the name.
    Unclosed {
        name_len: usize,
    },
    /// `{{` followed by something that is not a name: JSON, Liquid, C# braces.
    NotAName,
}

fn candidate(tail: &str) -> Candidate {
    let after_braces = tail.get(2..).unwrap_or_default();
    let name_len: usize = after_braces
        .chars()
        .take_while(|&c| is_name_char(c))
        .map(char::len_utf8)
        .sum();
    if name_len == 0 {
        return Candidate::NotAName;
    }
    if after_braces
        .get(name_len..)
        .is_some_and(|rest| rest.starts_with("}}"))
    {
        Candidate::Reference {
            len: name_len + 4,
            name_len,
        }
    } else {
        Candidate::Unclosed { name_len }
    }
}

fn reference_at(offset: usize, at: usize, len: usize, name_len: usize) -> NamedValueRef {
    NamedValueRef {
        span: Span::from_range(offset + at..offset + at + len),
        name: Span::from_range(offset + at + 2..offset + at + 2 + name_len),
    }
}

/// Finds references in literal text starting at document offset `offset`. A `{{name` without
/// `}}` is an error when no `}}` follows anywhere in the text (with one later, it is most
/// likely a Liquid expression such as `{{body.name | upcase}}`).
pub(crate) fn find_in_literal(
    text: &str,
    offset: usize,
    found: &mut Vec<NamedValueRef>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut search = 0;
    while let Some(index) = text.get(search..).and_then(|tail| tail.find("{{")) {
        let at = search + index;
        let tail = text.get(at..).unwrap_or_default();
        match candidate(tail) {
            Candidate::Reference { len, name_len } => {
                found.push(reference_at(offset, at, len, name_len));
                search = at + len;
                continue;
            }
            Candidate::Unclosed { name_len } => {
                let closes_later = tail.get(2..).is_some_and(|rest| rest.contains("}}"));
                if !closes_later {
                    let name = tail.get(2..2 + name_len).unwrap_or_default();
                    diagnostics.push(
                        Diagnostic::new(
                            Code::UnclosedNamedValue,
                            Span::from_range(offset + at..offset + at + 2 + name_len),
                            format!("named value reference `{{{{{name}` is not closed"),
                        )
                        .with_help(format!("write `{{{{{name}}}}}`")),
                    );
                }
            }
            Candidate::NotAName => {}
        }
        search = at + 1;
    }
}

/// Finds complete references inside expression code. An incomplete one is not an error here:
/// `{{` is ordinary C# in collection initializers and interpolated strings.
pub(crate) fn find_in_code(text: &str, offset: usize, found: &mut Vec<NamedValueRef>) {
    let mut search = 0;
    while let Some(index) = text.get(search..).and_then(|tail| tail.find("{{")) {
        let at = search + index;
        if let Candidate::Reference { len, name_len } =
            candidate(text.get(at..).unwrap_or_default())
        {
            found.push(reference_at(offset, at, len, name_len));
            search = at + len;
        } else {
            search = at + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn literal(text: &str) -> (Vec<(u32, u32)>, Vec<u32>) {
        let mut found = Vec::new();
        let mut diagnostics = Vec::new();
        find_in_literal(text, 0, &mut found, &mut diagnostics);
        (
            found.iter().map(|r| (r.span.start, r.span.end)).collect(),
            diagnostics.iter().map(|d| d.span.start).collect(),
        )
    }

    #[test]
    fn references_in_literal_text() {
        assert_eq!(
            literal("{{base-url}}/op/{{v1.2_x}}"),
            (vec![(0, 12), (16, 26)], vec![])
        );
        assert_eq!(literal("{{{x}}}"), (vec![(1, 6)], vec![]));
    }

    #[test]
    fn unclosed_reference_is_an_error_only_without_a_later_close() {
        assert_eq!(literal("{{base-url/op"), (vec![], vec![0]));
        assert_eq!(literal("{{body.name | upcase}}"), (vec![], vec![]));
        assert_eq!(literal("{{ body.name }}"), (vec![], vec![]));
    }

    #[test]
    fn references_in_code() {
        let mut found = Vec::new();
        find_in_code(r#"$"{{Prefix}}={x}" + {{"a", 1}} + {{n"#, 0, &mut found);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].name, Span::new(4, 10));
    }
}
