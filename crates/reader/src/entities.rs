//! XML entity and character references.
//!
//! Only the five predefined entities and character references exist: the reader refuses DTDs,
//! so no other entity can ever be declared, let alone expanded.

use gatehouse_diagnostics::{Code, Diagnostic, Span};

/// One reference found in a text, with what it stands for.
enum Reference {
    Char(char),
    /// `&` that does not start a reference at all.
    Bare,
    /// `&name;` with a name XML does not predefine.
    Unknown(usize),
    /// `&#…;` that is not a character XML allows.
    InvalidCharacter(usize),
}

/// Reads the reference starting with the `&` at the front of `text`.
fn reference(text: &str) -> Reference {
    let Some(semicolon) = text.bytes().take(40).position(|b| b == b';') else {
        return Reference::Bare;
    };
    let Some(body) = text.get(1..semicolon) else {
        return Reference::Bare;
    };
    let len = semicolon + 1;
    match body {
        "lt" => Reference::Char('<'),
        "gt" => Reference::Char('>'),
        "amp" => Reference::Char('&'),
        "quot" => Reference::Char('"'),
        "apos" => Reference::Char('\''),
        _ => {
            if let Some(number) = body.strip_prefix('#') {
                let value = match number.strip_prefix(['x', 'X']) {
                    Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
                        u32::from_str_radix(hex, 16).ok()
                    }
                    None if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) => {
                        number.parse::<u32>().ok()
                    }
                    _ => return Reference::Bare,
                };
                match value.and_then(char::from_u32).filter(|&c| is_xml_char(c)) {
                    Some(c) => Reference::Char(c),
                    None => Reference::InvalidCharacter(len),
                }
            } else if !body.is_empty() && body.chars().all(is_entity_name_char) {
                Reference::Unknown(len)
            } else {
                Reference::Bare
            }
        }
    }
}

fn is_entity_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')
}

/// The characters XML 1.0 allows in a document.
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

/// Decodes the references in literal text (outside expressions), reporting every malformed one.
/// `offset` is where `text` starts in the document. Returns `None` when the text has no
/// reference, so the raw text is also the decoded text.
pub(crate) fn decode_literal(
    text: &str,
    offset: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Box<str>> {
    let first = text.find('&')?;
    let mut decoded = String::with_capacity(text.len());
    let mut changed = false;
    let mut rest_start = 0;
    let mut search = first;
    while let Some(found) = text.get(search..).and_then(|tail| tail.find('&')) {
        let at = search + found;
        let tail = text.get(at..).unwrap_or_default();
        let span = |len: usize| Span::from_range(offset + at..offset + at + len);
        match reference(tail) {
            Reference::Char(c) => {
                let len = tail.find(';').map_or(1, |i| i + 1);
                decoded.push_str(text.get(rest_start..at).unwrap_or_default());
                decoded.push(c);
                changed = true;
                rest_start = at + len;
                search = at + len;
                continue;
            }
            Reference::Bare => diagnostics.push(
                Diagnostic::new(Code::UnescapedAmpersand, span(1), "unescaped `&`")
                    .with_help("write `&amp;` for a literal `&`"),
            ),
            Reference::Unknown(len) => {
                let name = tail.get(1..len - 1).unwrap_or_default();
                diagnostics.push(
                    Diagnostic::new(
                        Code::UnknownEntity,
                        span(len),
                        format!("unknown entity `&{name};`"),
                    )
                    .with_help(
                        "xml knows only `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` and character \
                         references such as `&#160;`",
                    ),
                );
            }
            Reference::InvalidCharacter(len) => diagnostics.push(
                Diagnostic::new(
                    Code::InvalidCharacterReference,
                    span(len),
                    format!(
                        "character reference `{}` does not name a character xml allows",
                        tail.get(..len).unwrap_or_default()
                    ),
                )
                .with_help("xml allows tab, line feed, carriage return and characters from U+0020 to U+10FFFF, except surrogates"),
            ),
        }
        search = at + 1;
    }
    if !changed {
        return None;
    }
    decoded.push_str(text.get(rest_start..).unwrap_or_default());
    Some(decoded.into_boxed_str())
}

/// A point where decoded code and raw source offsets resynchronise: code offset `code` is
/// source offset `source` (both relative to the start of the code).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OffsetShift {
    pub code: u32,
    pub source: u32,
}

/// Decodes the references inside expression code. Anything that is not a well-formed
/// reference stays as it is: in C#, `&&` is an operator.
pub(crate) fn decode_code(text: &str) -> Option<(Box<str>, Vec<OffsetShift>)> {
    text.find('&')?;
    let mut decoded = String::with_capacity(text.len());
    let mut shifts = Vec::new();
    let mut rest_start = 0;
    let mut search = 0;
    while let Some(found) = text.get(search..).and_then(|tail| tail.find('&')) {
        let at = search + found;
        let tail = text.get(at..).unwrap_or_default();
        if let Reference::Char(c) = reference(tail) {
            let len = tail.find(';').map_or(1, |i| i + 1);
            decoded.push_str(text.get(rest_start..at).unwrap_or_default());
            decoded.push(c);
            rest_start = at + len;
            shifts.push(OffsetShift {
                code: u32::try_from(decoded.len()).unwrap_or(u32::MAX),
                source: u32::try_from(rest_start).unwrap_or(u32::MAX),
            });
            search = rest_start;
        } else {
            search = at + 1;
        }
    }
    if shifts.is_empty() {
        return None;
    }
    decoded.push_str(text.get(rest_start..).unwrap_or_default());
    Some((decoded.into_boxed_str(), shifts))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn literal(text: &str) -> (Option<String>, Vec<(Code, u32)>) {
        let mut diagnostics = Vec::new();
        let decoded = decode_literal(text, 0, &mut diagnostics).map(String::from);
        (
            decoded,
            diagnostics.iter().map(|d| (d.code, d.span.start)).collect(),
        )
    }

    #[test]
    fn predefined_entities_and_character_references() {
        assert_eq!(
            literal("a &lt; b &amp;&amp; &#65;&#x42;&quot;&apos;&gt;"),
            (Some("a < b && AB\"'>".to_owned()), vec![])
        );
        assert_eq!(literal("plain"), (None, vec![]));
    }

    #[test]
    fn entities_unescape_once() {
        assert_eq!(literal("&amp;lt;"), (Some("&lt;".to_owned()), vec![]));
    }

    #[test]
    fn malformed_references_are_all_reported() {
        let (_, found) = literal("?a=1&b=2 &nbsp; &#0; &#xD800; & x");
        assert_eq!(
            found,
            vec![
                (Code::UnescapedAmpersand, 4),
                (Code::UnknownEntity, 9),
                (Code::InvalidCharacterReference, 16),
                (Code::InvalidCharacterReference, 21),
                (Code::UnescapedAmpersand, 30),
            ]
        );
    }

    #[test]
    fn code_keeps_operators_and_records_shifts() {
        let (decoded, shifts) = decode_code("a &amp;&amp; b && &quot;x&quot;").unwrap();
        assert_eq!(&*decoded, "a && b && \"x\"");
        assert_eq!(shifts.first(), Some(&OffsetShift { code: 3, source: 7 }));
        assert!(decode_code("a && b").is_none());
    }
}
