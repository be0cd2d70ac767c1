//! Reads APIM policy text into a lossless tree.
//!
//! Real policy text is not well-formed XML: APIM lets expressions hold raw `"`, `<` and `&`
//! (`condition="@(x == "a" && y < 5)"`). The reader finds every expression `@(…)`/`@{…}` with
//! a C#-aware scanner, masks it, lets quick-xml tokenise the rest, and builds a tree in which
//! every byte of the input belongs to exactly one node. Writing the tree back gives the input
//! byte for byte.
//!
//! Reading never fails and never panics: it returns the tree it could build and every problem
//! it found, each with a stable code and a span ("parsing never fails", as rust-analyzer puts
//! it). Limits on size and depth turn hostile input into diagnostics.
//!
//! ```
//! use gatehouse_reader::{read, ReadOptions};
//! let output = read(br#"<policies><inbound><set-variable name="x" value="@(1 < 2)" /></inbound></policies>"#, &ReadOptions::default());
//! assert!(output.diagnostics.is_empty());
//! assert_eq!(output.document.expressions().len(), 1);
//! ```

mod build;
mod entities;
mod invariants;
mod named_values;
mod prepass;
mod scan;
mod syntax;
mod tree;

use gatehouse_diagnostics::{Code, Diagnostic, Span};

pub use invariants::{check_invariants, check_read};
pub use tree::{
    Attribute, CData, Document, DocumentKind, Element, Expression, ExpressionKind, Literal,
    NamedValueRef, Node, OffsetShift, RESOLVER_ROOTS, Text, Value, ValuePart,
};

/// Limits that keep hostile input from exhausting memory or the stack.
#[derive(Clone, Copy, Debug)]
pub struct ReadOptions {
    /// Deepest element nesting read (capped at [`ReadOptions::MAX_DEPTH_CEILING`]).
    pub max_depth: usize,
    /// Largest document read, in bytes.
    pub max_size: usize,
    /// The caller's vocabulary of element names (APIM's policies and their children). With
    /// it, a word in angle brackets written alone as an element's text, `<audience><client-id></audience>`,
    /// is a guide's placeholder unless it names an element; without it, only a word no element
    /// is spelt like (`<APP_ID_URI>`) is.
    pub known_element: Option<fn(&str) -> bool>,
}

impl ReadOptions {
    pub const DEFAULT_MAX_DEPTH: usize = 256;
    pub const DEFAULT_MAX_SIZE: usize = 4 * 1024 * 1024;
    /// Tools walk the tree recursively; deeper nesting than this is never accepted.
    pub const MAX_DEPTH_CEILING: usize = 4096;

    pub(crate) fn effective_max_depth(&self) -> usize {
        self.max_depth.clamp(1, Self::MAX_DEPTH_CEILING)
    }
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_depth: Self::DEFAULT_MAX_DEPTH,
            max_size: Self::DEFAULT_MAX_SIZE,
            known_element: None,
        }
    }
}

/// The tree the reader built and every problem it found, sorted by position.
#[derive(Clone, Debug)]
pub struct ReadOutput {
    pub document: Document,
    pub diagnostics: Vec<Diagnostic>,
}

impl ReadOutput {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Whether the text at `span` is only `>` left right after a comment's `-->` (`<!-- x -->>`):
/// a slip worth naming as such rather than as stray text.
pub fn is_stray_gt_after_comment(source: &str, span: Span) -> bool {
    let start = span.start as usize;
    let text = source.get(span.range()).unwrap_or_default();
    !text.is_empty()
        && text.bytes().all(|b| b == b'>')
        && start >= 3
        && source.get(start - 3..start) == Some("-->")
}

/// Reads policy text from bytes, which must be UTF-8.
pub fn read(bytes: &[u8], options: &ReadOptions) -> ReadOutput {
    if bytes.len() > options.max_size {
        return unread(
            String::from_utf8_lossy(bytes).into_owned(),
            Diagnostic::new(
                Code::DocumentTooLarge,
                Span::at(0),
                format!(
                    "document is {} bytes, more than the limit of {} bytes",
                    bytes.len(),
                    options.max_size
                ),
            )
            .with_help("split the policy into fragments, or raise the size limit"),
        );
    }
    if let Some((text, order)) = utf16_text(bytes) {
        // Windows tools (PowerShell's `>`, Notepad's "Unicode") write UTF-16. Read it, so
        // every other problem is found too, and say the encoding is one.
        let mut output = read_str(&text, options);
        output.diagnostics.insert(
            0,
            Diagnostic::new(
                Code::InvalidUtf8,
                Span::at(0),
                format!("the file is utf-16 ({order}), not utf-8"),
            )
            .with_help(
                "save it as utf-8: Terraform's `file()`, Bicep's `loadTextContent()` and most tools read policy files as utf-8; it was read as utf-16 to check the rest",
            ),
        );
        return output;
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => read_str(text, options),
        Err(error) => {
            let at = error.valid_up_to();
            let bad_len = error.error_len().unwrap_or(bytes.len() - at).max(1);
            let bad: Vec<String> = bytes
                .get(at..at + bad_len)
                .unwrap_or_default()
                .iter()
                .map(|byte| format!("{byte:#04x}"))
                .collect();
            unread(
                String::from_utf8_lossy(bytes).into_owned(),
                Diagnostic::new(
                    Code::InvalidUtf8,
                    // The document keeps the text with the bad bytes replaced by U+FFFD;
                    // the span covers that replacement character.
                    Span::from_range(at..at + char::REPLACEMENT_CHARACTER.len_utf8()),
                    format!("invalid utf-8 byte sequence `{}`", bad.join(" ")),
                )
                .with_help("save the file as utf-8"),
            )
        }
    }
}

/// `<audience><-- your_own_app_id --></audience>`: a mistyped comment that is all of an
/// element's text marks what the reader fills in.
fn arrowed_placeholder(text: &str, at: usize) -> Option<&str> {
    let rest = text.get(at..)?;
    let end = rest.find("-->")? + 3;
    let after_start_tag = text.get(..at)?.ends_with('>');
    let before_end_tag = rest.get(end..)?.starts_with("</");
    (after_start_tag && before_end_tag && !rest.get(..end)?.contains('\n'))
        .then(|| rest.get(..end))
        .flatten()
}

/// Reads policy text.
pub fn read_str(text: &str, options: &ReadOptions) -> ReadOutput {
    if text.len() > options.max_size {
        return read(text.as_bytes(), options);
    }
    let prepass = prepass::run(text);
    let xml = prepass.masked.as_deref().unwrap_or(text);
    if let Some(diagnostic) = json_escaped(xml).or_else(|| markdown_escaped(xml)) {
        return unread(text.to_owned(), diagnostic);
    }
    let (nodes, root, kind, mut diagnostics) =
        build::build(text, xml, &prepass.expressions, options);
    if !prepass.stray_quotes.is_empty()
        || !prepass.tag_notes.is_empty()
        || !prepass.mistyped_comments.is_empty()
    {
        diagnostics.extend(
            prepass
                .stray_quotes
                .iter()
                .filter_map(|quotes| stray_quotes(text, quotes)),
        );
        diagnostics.extend(prepass.tag_notes.iter().map(|note| tag_note(text, note)));
        diagnostics.extend(prepass.mistyped_comments.iter().map(|opener| {
            let written = text.get(opener.clone()).unwrap_or("<--");
            Diagnostic::new(
                Code::UnescapedLessThan,
                Span::from_range(opener.clone()),
                format!("`{written}` does not open a comment"),
            )
            .with_help(match arrowed_placeholder(text, opener.start) {
                Some(placeholder) => format!(
                    "`{placeholder}` alone between an element's tags holds the place of its value: write the value there (a comment opens with `<!--`)"
                ),
                None => "a comment opens with `<!--`: write that in its place".to_owned(),
            })
        }));
        // The builder's diagnostics come in document order; these join them in it.
        diagnostics.sort_by_key(|diagnostic| (diagnostic.span.start, diagnostic.span.end));
    }
    ReadOutput {
        document: Document {
            source: text.to_owned(),
            nodes,
            root,
            kind,
        },
        diagnostics,
    }
}

/// GH0025 when `xml` (expressions masked) is a policy still escaped as a JSON string: its
/// start tags write every attribute value as `=\"…\"`, none as `="…"`; or, with no attributes
/// to tell, it is one line whose tags are separated by `\r\n` or `\n` written out.
fn json_escaped(xml: &str) -> Option<Diagnostic> {
    let bytes = xml.as_bytes();
    // One pass: inside a tag (from `<` to `>`), is any value quoted plainly (`="`, `='`),
    // and where is the first written `=\"`?
    let mut in_tag = false;
    let mut plain = false;
    let mut escaped = None;
    for (at, &byte) in bytes.iter().enumerate() {
        match byte {
            b'<' => in_tag = true,
            b'>' => in_tag = false,
            b'=' if in_tag => {
                if matches!(bytes.get(at + 1), Some(b'"' | b'\'')) {
                    plain = true;
                    break;
                }
                if bytes.get(at + 1..at + 3) == Some(b"\\\"") {
                    escaped = escaped.or(Some(at + 1));
                }
            }
            _ => {}
        }
    }
    let first = if plain {
        None
    } else if escaped.is_some() {
        escaped
    } else if !bytes.contains(&b'\n') {
        [&b">\\r\\n<"[..], b">\\n<"]
            .iter()
            .find_map(|needle| memchr::memmem::find(bytes, needle))
            .map(|at| at + 1)
    } else {
        None
    }?;
    Some(
        Diagnostic::new(
            Code::EscapedDocument,
            Span::from_range(first..first + 2),
            "the document is still escaped as a json string",
        )
        .with_help(
            "it was copied from a json value (an arm template, a rest response): write `\\\"` as `\"` and `\\r\\n` as a line break, or take the policy as xml (`format: rawxml`)",
        ),
    )
}

/// GH0025 when `xml` is a policy pasted through a markdown or rich-text editor, which indents
/// its lines with `&nbsp;` (an entity XML does not know) and writes `\[` and `\&`: two or more
/// lines whose tag is indented with `&nbsp;`. A policy never has one there.
fn markdown_escaped(xml: &str) -> Option<Diagnostic> {
    const NBSP: &str = "&nbsp;";
    // Every document is read through here: one substring search decides for almost all.
    memchr::memmem::find(xml.as_bytes(), NBSP.as_bytes())?;
    let mut first = None;
    let mut lines = 0;
    let mut start = 0;
    for line in xml.split_inclusive('\n') {
        let indent = line.len() - line.trim_start().len();
        let mut rest = line.trim_start();
        if rest.starts_with(NBSP) {
            while let Some(after) = rest.strip_prefix(NBSP) {
                rest = after.trim_start();
            }
            if rest.starts_with('<') {
                lines += 1;
                first = first.or(Some(start + indent));
            }
        }
        start += line.len();
    }
    let first = first.filter(|_| lines >= 2)?;
    Some(
        Diagnostic::new(
            Code::EscapedDocument,
            Span::from_range(first..first + NBSP.len()),
            "the document still has a markdown editor's escapes",
        )
        .with_help(
            "it was copied from a rendered or rich-text page: delete the `&nbsp;` before each line and the `\\` before `[`, `]`, `&`, `_` and `*`, or copy the policy from the page's source",
        ),
    )
}

/// One error for the quote marks written inside one attribute value: the value is read as the
/// author meant it, but APIM's XML parser would end the value at the first of them.
fn stray_quotes(text: &str, quotes: &[usize]) -> Option<Diagnostic> {
    let (&first, rest) = quotes.split_first()?;
    let quote = text.get(first..=first)?;
    let (entity, other) = if quote == "\"" {
        ("&quot;", "'")
    } else {
        ("&apos;", "\"")
    };
    // `from="\"ssn\":…"`: a C# or JSON habit; XML has no backslash escapes.
    let backslashed = quotes
        .iter()
        .all(|&at| at > 0 && text.get(at - 1..at) == Some("\\"));
    let help = if backslashed {
        format!(
            "xml has no backslash escapes: write `\\{quote}` as `{entity}`, or quote the value with `{other}`"
        )
    } else {
        format!("write it as `{entity}`, or quote the value with `{other}`")
    };
    let mut diagnostic = Diagnostic::new(
        Code::MalformedAttribute,
        Span::from_range(first..first + 1),
        format!("`{quote}` inside an attribute value quoted with `{quote}`"),
    )
    .with_help(help);
    for &at in rest {
        diagnostic = diagnostic.with_label(Span::from_range(at..at + 1), "and here");
    }
    Some(diagnostic)
}

/// One error for a note written inside a start tag (`shield-prompt="true" <<< protection`): it
/// is read as if it were not there, but APIM's XML parser refuses the `<`.
fn tag_note(text: &str, note: &prepass::TagNote) -> Diagnostic {
    let written = text.get(note.note.clone()).unwrap_or("<");
    let element = text.get(note.element.clone()).unwrap_or_default();
    let words = written.trim_start_matches(['<', '-', '!', '=', ' ', '\t']);
    let help = if words.is_empty() {
        format!("remove `{written}`: a start tag holds only attributes")
    } else {
        format!(
            "a start tag holds only attributes: move the note out of the tag, as a comment `<!-- {words} -->`"
        )
    };
    Diagnostic::new(
        Code::MalformedAttribute,
        Span::from_range(note.note.clone()),
        format!("`{written}` inside the start tag of `{element}` is not an attribute"),
    )
    .with_help(help)
}

/// The text of UTF-16 bytes that start with a byte order mark (without it), and which byte
/// order; `None` when `bytes` are not that.
fn utf16_text(bytes: &[u8]) -> Option<(String, &'static str)> {
    let (rest, little, order) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (rest, true, "little-endian"),
        [0xFE, 0xFF, rest @ ..] => (rest, false, "big-endian"),
        _ => return None,
    };
    if rest.len() % 2 != 0 {
        return None;
    }
    let units: Vec<u16> = rest
        .chunks_exact(2)
        .map(|pair| match pair {
            [a, b] if little => u16::from_le_bytes([*a, *b]),
            [a, b] => u16::from_be_bytes([*a, *b]),
            _ => 0,
        })
        .collect();
    String::from_utf16(&units).ok().map(|text| (text, order))
}

/// A document that was refused before reading: all of it is one unparsed node.
fn unread(source: String, diagnostic: Diagnostic) -> ReadOutput {
    let whole = Span::from_range(0..source.len());
    let nodes = if source.is_empty() {
        Vec::new()
    } else {
        vec![Node::Unparsed(whole)]
    };
    ReadOutput {
        document: Document {
            source,
            nodes,
            root: None,
            kind: DocumentKind::Unknown,
        },
        diagnostics: vec![diagnostic],
    }
}
