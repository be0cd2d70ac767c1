//! The pass before XML tokenising: find every expression, then mask it.
//!
//! quick-xml cannot read `value="@(x == "a")"`. This pass walks the markup just far enough to
//! know whether it is in element text, an attribute value or a CDATA section, finds each
//! expression there with [`crate::scan`], and produces a copy of the text in which every
//! expression outside CDATA is overwritten with `_` bytes. The copy has the same length, so every
//! offset quick-xml reports is an offset into the real text, and the real text of each
//! expression is read back by its span.
//!
//! The walk follows quick-xml's own rules for where markup starts and ends (quotes are
//! significant anywhere inside a start tag; comments end at `-->`; and so on), so the two passes
//! agree about what is an attribute value.

use memchr::{memchr, memchr2, memchr3, memmem};

use crate::scan::{self, Context, Scanned};
use crate::syntax::{is_name_byte, is_name_start_byte};

pub(crate) struct Prepass {
    /// The text with expressions masked, when there was anything to mask.
    pub masked: Option<String>,
    /// Every expression, in document order.
    pub expressions: Vec<Scanned>,
    /// Quote marks inside attribute values that the author meant literally, one list per
    /// value, in document order (see [`Walker::is_stray_quote`]). They are masked too.
    pub stray_quotes: Vec<Vec<usize>>,
    /// Notes written inside a start tag (`shield-prompt="true" <<< prompt protection`), each
    /// with the tag's element name; blanked in the masked copy and reported once each.
    pub tag_notes: Vec<TagNote>,
    /// Comment openers typed wrong (`<--!`, `<--`), read as `<!--` when a `-->` follows.
    pub mistyped_comments: Vec<std::ops::Range<usize>>,
}

/// Text after a `<` inside a start tag where an attribute could start: never markup there.
pub(crate) struct TagNote {
    pub element: std::ops::Range<usize>,
    pub note: std::ops::Range<usize>,
}

pub(crate) fn run(source: &str) -> Prepass {
    let bytes = source.as_bytes();
    let mut walker = Walker {
        bytes,
        expressions: Vec::new(),
        mask: Vec::new(),
        stray_quotes: Vec::new(),
        repairs: Vec::new(),
        tag_notes: Vec::new(),
        mistyped_comments: Vec::new(),
    };
    walker.text(0);
    let masked =
        if walker.mask.is_empty() && walker.repairs.is_empty() && walker.tag_notes.is_empty() {
            None
        } else {
            let mut masked = bytes.to_vec();
            for range in &walker.mask {
                if let Some(region) = masked.get_mut(range.clone()) {
                    region.fill(b'_');
                }
            }
            for note in &walker.tag_notes {
                if let Some(region) = masked.get_mut(note.note.clone()) {
                    region.fill(b' ');
                }
            }
            for &(at, replacement) in &walker.repairs {
                if let Some(byte) = masked.get_mut(at) {
                    *byte = replacement;
                }
            }
            // Masked regions and notes start at an ASCII `@`, `<` or quote, and end at ASCII
            // delimiters or the end of the text, and a repair replaces an ASCII byte (white space,
            // a quote, a `>`) with another, or all three bytes of a dash with three, so the copy
            // is still UTF-8; if that ever failed, reading goes on unmasked.
            String::from_utf8(masked).ok()
        };
    Prepass {
        masked,
        expressions: walker.expressions,
        stray_quotes: walker.stray_quotes,
        tag_notes: walker.tag_notes,
        mistyped_comments: walker.mistyped_comments,
    }
}

/// The dashes a word processor makes of `--`: an em dash and an en dash (three UTF-8 bytes
/// each, which a repair replaces with three ASCII bytes, so the masked copy stays UTF-8).
const DASHES: [&[u8]; 2] = ["\u{2014}".as_bytes(), "\u{2013}".as_bytes()];

/// Whether `c` is one of [`DASHES`].
pub(crate) fn is_dash(c: char) -> bool {
    let mut buffer = [0; 4];
    DASHES.contains(&c.encode_utf8(&mut buffer).as_bytes())
}

/// In `rest`: where the first comment close is (`-->`, or a dash and `>`), and its length.
fn comment_close(rest: &[u8]) -> Option<(usize, usize)> {
    let hyphens = memmem::find(rest, b"-->").map(|at| (at, 3));
    let dashed = DASHES.iter().filter_map(|dash| {
        let close = [*dash, b">"].concat();
        memmem::find(rest, &close).map(|at| (at, close.len()))
    });
    hyphens.into_iter().chain(dashed).min()
}

struct Walker<'a> {
    bytes: &'a [u8],
    expressions: Vec<Scanned>,
    mask: Vec<std::ops::Range<usize>>,
    stray_quotes: Vec<Vec<usize>>,
    /// Bytes the masked copy replaces so that markup whose end was mistyped ends where its
    /// author meant it to: a `>` a tag lost ([`Walker::start_tag`], [`Walker::end_tag`]), the
    /// first `-` of a comment closed with `->` ([`Walker::comment`]), the closing quote a value
    /// lost ([`Walker::attribute_value`]). The builder reports each.
    repairs: Vec<(usize, u8)>,
    tag_notes: Vec<TagNote>,
    mistyped_comments: Vec<std::ops::Range<usize>>,
}

impl Walker<'_> {
    fn rest(&self, pos: usize) -> &[u8] {
        self.bytes.get(pos..).unwrap_or_default()
    }

    /// Position after the first `needle` at or after `from`, or the end of the text.
    fn after(&self, from: usize, needle: &[u8]) -> usize {
        memmem::find(self.rest(from), needle).map_or(self.bytes.len(), |i| from + i + needle.len())
    }

    fn expression(&mut self, at: usize, limit: usize, context: Context) -> usize {
        let scanned = scan::scan(self.bytes, at, limit, context);
        let end = scanned.end.max(at + 1);
        if context != Context::CData {
            self.mask.push(at..end);
        }
        self.expressions.push(scanned);
        end
    }

    fn text(&mut self, mut pos: usize) {
        while let Some(found) = memchr2(b'<', b'@', self.rest(pos)) {
            let at = pos + found;
            pos = if self.bytes.get(at) == Some(&b'@') {
                if scan::expression_at(self.bytes, at).is_some() {
                    self.expression(at, self.bytes.len(), Context::Text)
                } else {
                    at + 1
                }
            } else {
                self.markup(at)
            };
        }
    }

    /// At a `<` in text: the position after the markup it starts.
    fn markup(&mut self, at: usize) -> usize {
        let rest = self.rest(at);
        if rest.starts_with(b"<!--") {
            self.comment(at + 4)
        } else if rest.starts_with(b"<![CDATA[") {
            let content = at + 9;
            let end =
                memmem::find(self.rest(content), b"]]>").map_or(self.bytes.len(), |i| content + i);
            let mut pos = content;
            while let Some(found) = memchr(b'@', self.bytes.get(pos..end).unwrap_or_default()) {
                let at = pos + found;
                pos = if scan::expression_at(self.bytes, at).is_some() {
                    self.expression(at, end, Context::CData)
                } else {
                    at + 1
                };
            }
            (end + 3).min(self.bytes.len())
        } else if rest.len() >= 9
            && rest
                .get(..9)
                .is_some_and(|r| r.eq_ignore_ascii_case(b"<!DOCTYPE"))
        {
            self.doctype(at + 9)
        } else if rest.starts_with(b"<!") {
            if let Some(end) = self.dashed_comment(at) {
                return end;
            }
            // quick-xml refuses this markup; reading resumes after its `>`.
            self.after(at + 2, b">")
        } else if rest.starts_with(b"<?") {
            self.after(at + 2, b"?>")
        } else if rest.starts_with(b"</") {
            self.end_tag(at + 2)
        } else if rest.get(1).copied().is_some_and(is_name_start_byte) {
            self.start_tag(at + 1)
        } else if let Some(end) = self.mistyped_comment(at) {
            end
        } else {
            // A `<` that starts no markup is an error the builder reports; it stays text.
            at + 1
        }
    }

    /// At a `<` followed by dashes (`<--!`, `<--`, `<-!-`): a comment whose opener was
    /// mistyped, when a `-->` closes it later (and no `<!--` comes first). The masked copy
    /// gets `<!--` in place of the opener's first four bytes, and the position after the `-->`
    /// is returned; the opener is reported once (GH0012) instead of as a stray `<` and text
    /// that never runs.
    fn mistyped_comment(&mut self, at: usize) -> Option<usize> {
        let rest = self.rest(at);
        let opener = rest
            .iter()
            .skip(1)
            .take_while(|&&b| matches!(b, b'-' | b'!'))
            .count();
        let dashes = rest.get(1..=opener)?.iter().filter(|&&b| b == b'-').count();
        if rest.get(1) != Some(&b'-') || dashes < 2 || !rest.get(3)?.is_ascii() {
            return None;
        }
        let close = memmem::find(self.rest(at + 4), b"-->")?;
        // A `-->` that closes a later real comment is not this one's (`a <-- b` in text).
        let body = self.bytes.get(at + 4..at + 4 + close)?;
        if memmem::find(body, b"<!--").is_some() {
            return None;
        }
        for (offset, byte) in [(1, b'!'), (2, b'-'), (3, b'-')] {
            self.repairs.push((at + offset, byte));
        }
        self.mistyped_comments.push(at..at + 1 + opener);
        Some(at + 4 + close + 3)
    }

    /// At `<!—` or `<!–`: a comment whose `--` a word processor made one dash (`<!— note —>`,
    /// in guides and in the docs' own policy statements), when `-->` or a dashed `—>` closes it
    /// later. The masked copy gets `<!-- ` for the opener and ` -->` for a dashed closer; the
    /// builder reports the opener once.
    fn dashed_comment(&mut self, at: usize) -> Option<usize> {
        let dash = self.rest(at).strip_prefix(b"<!")?;
        let dash_len = DASHES.iter().find(|d| dash.starts_with(d))?.len();
        let body = at + 2 + dash_len;
        let (close, close_len) = comment_close(self.rest(body))?;
        // A `-->` that closes a later real comment is not this one's.
        if memmem::find(self.bytes.get(body..body + close)?, b"<!--").is_some() {
            return None;
        }
        for (offset, byte) in [(2, b'-'), (3, b'-'), (4, b' ')] {
            self.repairs.push((at + offset, byte));
        }
        let close_at = body + close;
        if close_len > 3 {
            self.repair_dashed_close(close_at);
        }
        Some(close_at + close_len)
    }

    /// The dash of a `—>` at `at` becomes ` --` in the masked copy, so the comment ends there.
    fn repair_dashed_close(&mut self, at: usize) {
        for (offset, byte) in [(0, b' '), (1, b'-'), (2, b'-')] {
            self.repairs.push((at + offset, byte));
        }
    }

    /// From the first byte of a start tag's name: the position after the tag.
    ///
    /// A start tag whose `>` was forgotten (`<set-body` and its `@{…}` on the next line)
    /// would run on to some later `>`, and every word and quote of the content in between
    /// would be read as a malformed attribute. Where an attribute name could start (after
    /// white space that does not follow `=`), an expression or another tag cannot be part of
    /// the tag: the tag ends at that white space, which the masked copy turns into `>`, and the
    /// builder reports the missing `>` once (GH0021). Well-formed XML never has either there.
    fn start_tag(&mut self, mut pos: usize) -> usize {
        let name_start = pos;
        // The last byte that was not white space, to tell `name= @(…)` from content.
        let mut last_significant = None;
        while let Some(&byte) = self.bytes.get(pos) {
            match byte {
                b'"' | b'\'' => {
                    if self.missing_equals(name_start, pos) {
                        self.repairs.push((pos - 1, b'='));
                    }
                    let (after, closes_tag) = self.attribute_value(pos + 1, byte);
                    if closes_tag {
                        return after;
                    }
                    pos = after;
                    last_significant = Some(byte);
                    continue;
                }
                b'>' => return pos + 1,
                b'@' | b'<' if self.content_starts(pos, last_significant) => {
                    self.repairs.push((pos - 1, b'>'));
                    return pos;
                }
                // Not a tag (that was content): a note to the reader, or a stray `<`.
                b'<' if last_significant != Some(b'=') => {
                    let end = self.tag_note_end(pos);
                    let name_len = self
                        .rest(name_start)
                        .iter()
                        .take_while(|&&b| is_name_byte(b))
                        .count();
                    self.tag_notes.push(TagNote {
                        element: name_start..name_start + name_len,
                        note: pos..end,
                    });
                    last_significant = Some(b'<');
                    pos = end;
                    continue;
                }
                _ => {}
            }
            if !byte.is_ascii_whitespace() {
                last_significant = Some(byte);
            }
            pos += 1;
        }
        self.bytes.len()
    }

    /// Where a note inside a start tag that starts at `from` ends: before the end of its line,
    /// the tag's `>` or `/>`, a quote, or the next attribute (a word followed by `=`), less the
    /// white space before that.
    fn tag_note_end(&self, from: usize) -> usize {
        let mut pos = from + 1;
        let mut end = pos;
        while let Some(&byte) = self.bytes.get(pos) {
            if matches!(byte, b'\n' | b'\r' | b'>' | b'"' | b'\'')
                || (byte == b'/' && self.bytes.get(pos + 1) == Some(&b'>'))
            {
                break;
            }
            if byte.is_ascii_whitespace() {
                pos += 1;
                continue;
            }
            if is_name_start_byte(byte)
                && self.bytes.get(pos - 1).is_some_and(u8::is_ascii_whitespace)
                && self.attribute_follows(pos)
            {
                break;
            }
            pos += 1;
            end = pos;
        }
        end
    }

    /// Whether the quote at `quote_at` opens the value of an attribute whose `=` was left
    /// out: `name "X-Tier"`. An attribute name (a word after white space, not the element's
    /// name, which starts at `name_start`) and one white space byte stand before the quote; the
    /// masked copy turns that byte into the `=`, and the builder reports it (GH0010).
    fn missing_equals(&self, name_start: usize, quote_at: usize) -> bool {
        let Some(space) = quote_at.checked_sub(1) else {
            return false;
        };
        if !self.bytes.get(space).is_some_and(u8::is_ascii_whitespace) {
            return false;
        }
        let before = self.bytes.get(name_start..space).unwrap_or_default();
        let word_len = before
            .iter()
            .rev()
            .take_while(|&&b| is_name_byte(b))
            .count();
        let word_start = space - word_len;
        word_len > 0
            && word_start > name_start
            && self
                .bytes
                .get(word_start - 1)
                .is_some_and(u8::is_ascii_whitespace)
            && self
                .bytes
                .get(word_start)
                .copied()
                .is_some_and(is_name_start_byte)
    }

    /// From the byte after `<!--`: the position after the comment. A comment that is never
    /// closed but has ` ->` (one dash short) ends there: the white space before it becomes the
    /// missing `-`. Otherwise the rest of the document would be comment, and every element still
    /// open an error.
    fn comment(&mut self, pos: usize) -> usize {
        if let Some(found) = memmem::find(self.rest(pos), b"-->") {
            return pos + found + 3;
        }
        // Closed with a dash, `—>`, that a word processor made of `--`.
        if let Some((found, len)) = comment_close(self.rest(pos)) {
            let close_at = pos + found;
            self.repair_dashed_close(close_at);
            return close_at + len;
        }
        if let Some(found) = memmem::find(self.rest(pos), b"->") {
            let dash = pos + found;
            if dash > pos
                && self
                    .bytes
                    .get(dash - 1)
                    .is_some_and(u8::is_ascii_whitespace)
            {
                self.repairs.push((dash - 1, b'-'));
                return dash + 2;
            }
        }
        self.bytes.len()
    }

    /// From the byte after `</`: the position after the end tag. An end tag that lost its `>`
    /// (`</value` at the end of a line, `</set-header>` on the next) ends, like a start tag,
    /// at the white space before the next `<`.
    fn end_tag(&mut self, pos: usize) -> usize {
        let rest = self.rest(pos);
        let Some(found) = memchr2(b'>', b'<', rest) else {
            return self.bytes.len();
        };
        let at = pos + found;
        if self.bytes.get(at) == Some(&b'<')
            && at > pos
            && self.bytes.get(at - 1).is_some_and(u8::is_ascii_whitespace)
        {
            self.repairs.push((at - 1, b'>'));
            return at;
        }
        self.after(pos, b">")
    }

    /// Whether the `@` or `<` at `pos`, inside a start tag, begins the element's content
    /// rather than anything a start tag can hold.
    fn content_starts(&self, pos: usize, last_significant: Option<u8>) -> bool {
        let after_white_space = pos
            .checked_sub(1)
            .and_then(|before| self.bytes.get(before))
            .is_some_and(u8::is_ascii_whitespace);
        if !after_white_space || last_significant == Some(b'=') {
            return false;
        }
        if self.bytes.get(pos) == Some(&b'@') {
            return scan::expression_at(self.bytes, pos).is_some();
        }
        self.bytes
            .get(pos + 1)
            .is_some_and(|&next| is_name_start_byte(next) || matches!(next, b'/' | b'!'))
    }

    /// From the first byte of a quoted value: the position after its closing quote, and
    /// whether that also ends the tag.
    ///
    /// A value whose closing quote was forgotten before the tag's `>` (`exists-action="override>`
    /// and the element's content on the next lines) would run on to the next quote, somewhere
    /// in a later tag. A `>` inside a value that is followed by white space and a tag is taken
    /// for that end: the masked copy gets the quote in place of the `>` and the `>` in place of
    /// the white space after it, and the builder reports the missing quote (GH0010).
    fn attribute_value(&mut self, mut pos: usize, quote: u8) -> (usize, bool) {
        let value_start = pos;
        let mut strays = Vec::new();
        // Where the value really ends, once a look-ahead has found it.
        let mut close = None;
        while let Some(found) = memchr3(quote, b'@', b'>', self.rest(pos)) {
            let at = pos + found;
            if self.bytes.get(at) == Some(&b'>') {
                if strays.is_empty() && self.tag_follows(at + 1) {
                    self.repairs.push((at, quote));
                    self.repairs.push((at + 1, b'>'));
                    return (at + 2, true);
                }
                pos = at + 1;
                continue;
            }
            if self.bytes.get(at) == Some(&quote) {
                if strays.is_empty()
                    && let Some(close_at) = self.forgotten_close(value_start, at, quote)
                {
                    self.repairs.push((close_at, quote));
                    return (close_at + 1, false);
                }
                if close.is_none_or(|end| at >= end) {
                    close = self.is_stray_quote(at, quote);
                }
                match close {
                    Some(end) if at < end => {
                        strays.push(at);
                        self.mask.push(at..at + 1);
                        pos = at + 1;
                        continue;
                    }
                    _ => {
                        if !strays.is_empty() {
                            self.stray_quotes.push(strays);
                        }
                        return (at + 1, false);
                    }
                }
            }
            pos = if scan::expression_at(self.bytes, at).is_some() {
                self.expression(at, self.bytes.len(), Context::Attribute { quote })
            } else {
                at + 1
            };
        }
        (self.bytes.len(), false)
    }

    /// Where the value that starts at `value_start` should have been closed, when the `quote`
    /// at `at` instead opens the next attribute's value: `name="X-A exists-action="override"`
    /// (the quote after `X-A` forgotten) or `name="X-A' exists-action="…"` (closed with the
    /// other quote). The value so far then ends with white space, a policy attribute's name
    /// (lower-case kebab: a certificate subject's `, O="Contoso, Inc."` is text) and `=`, and
    /// something other than the tag's end follows the quote. The masked copy gets the quote
    /// there; the builder reports it (GH0010).
    fn forgotten_close(&self, value_start: usize, at: usize, quote: u8) -> Option<usize> {
        if self
            .bytes
            .get(at + 1)
            .is_none_or(|&next| next.is_ascii_whitespace() || next == b'/' || next == b'>')
        {
            return None;
        }
        let before = self.bytes.get(value_start..at)?.strip_suffix(b"=")?;
        let name_start = before
            .iter()
            .rposition(u8::is_ascii_whitespace)
            .map(|index| index + 1)?;
        let name = before.get(name_start..)?;
        let is_policy_attribute = name.first().is_some_and(u8::is_ascii_lowercase)
            && name
                .iter()
                .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let head = before.get(..name_start)?.trim_ascii_end();
        if !is_policy_attribute || head.is_empty() || head.ends_with(b",") || head.ends_with(b";") {
            return None;
        }
        let other = if quote == b'"' { b'\'' } else { b'"' };
        let head_end = value_start + head.len();
        Some(if head.ends_with(&[other]) {
            head_end - 1
        } else {
            head_end
        })
    }

    /// Whether white space at `pos`, then a start or end tag, follows.
    fn tag_follows(&self, pos: usize) -> bool {
        let rest = self.rest(pos);
        let Some(space) = rest.iter().position(|b| !b.is_ascii_whitespace()) else {
            return false;
        };
        space > 0
            && rest.get(space) == Some(&b'<')
            && rest
                .get(space + 1)
                .is_some_and(|&next| is_name_start_byte(next) || next == b'/')
    }

    /// Whether the `quote` at `at`, which would close an attribute value, is one the author
    /// meant as part of the value (`subject="O="Contoso, Inc.", CN=x"`): it is followed by
    /// neither white space, `/`, `>` nor another attribute (`name="…`), and a later quote
    /// before the next `<` or expression is. Returns that later quote's position, where the
    /// value then ends; `None` when the quote does close the value.
    fn is_stray_quote(&self, at: usize, quote: u8) -> Option<usize> {
        let ends_value = |next: Option<&u8>| {
            next.is_none_or(|&b| b.is_ascii_whitespace() || b == b'/' || b == b'>')
        };
        if ends_value(self.bytes.get(at + 1)) || self.attribute_follows(at + 1) {
            return None;
        }
        let mut pos = at + 1;
        loop {
            let found = memchr3(quote, b'<', b'@', self.rest(pos))?;
            let next = pos + found;
            match self.bytes.get(next) {
                Some(b'<') => return None,
                Some(b'@') if scan::expression_at(self.bytes, next).is_some() => return None,
                Some(&b) if b == quote => {
                    if ends_value(self.bytes.get(next + 1)) {
                        return Some(next);
                    }
                    if self.attribute_follows(next + 1) {
                        return None;
                    }
                }
                _ => {}
            }
            pos = next + 1;
        }
    }

    /// Whether `name="` or `name='` (another attribute, missing its white space) starts at
    /// `pos`.
    fn attribute_follows(&self, pos: usize) -> bool {
        let rest = self.rest(pos);
        if !rest.first().copied().is_some_and(is_name_start_byte) {
            return false;
        }
        let name = rest
            .iter()
            .position(|&b| !is_name_byte(b))
            .unwrap_or(rest.len());
        let after = rest.get(name..).unwrap_or_default();
        let after = after.trim_ascii_start();
        let Some(after) = after.strip_prefix(b"=") else {
            return false;
        };
        matches!(after.trim_ascii_start().first(), Some(b'"' | b'\''))
    }

    /// After `<!DOCTYPE`: the position after its `>`, skipping quoted literals and the internal
    /// subset in `[…]`.
    fn doctype(&self, mut pos: usize) -> usize {
        let mut quote = None;
        let mut in_subset = false;
        while let Some(&byte) = self.bytes.get(pos) {
            pos += 1;
            match (quote, byte) {
                (Some(open), _) if byte == open => quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'') => quote = Some(byte),
                (None, b'[') => in_subset = true,
                (None, b']') => in_subset = false,
                (None, b'>') if !in_subset => return pos,
                _ => {}
            }
        }
        self.bytes.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_attribute_and_text_expressions_but_not_cdata() {
        let source = r#"<a v="@(x == "a")">@(y < 2)<![CDATA[@(z)]]><!-- @(c) --></a>"#;
        let prepass = run(source);
        assert_eq!(prepass.expressions.len(), 3);
        assert_eq!(
            prepass.masked.as_deref(),
            Some(r#"<a v="___________">________<![CDATA[@(z)]]><!-- @(c) --></a>"#)
        );
    }

    #[test]
    fn quotes_meant_inside_a_value_are_masked_and_listed() {
        let source = r#"<i subject="O="Contoso, Inc.", CN=x" issuer="y"/>"#;
        let prepass = run(source);
        assert_eq!(prepass.stray_quotes, vec![vec![14, 28]]);
        assert_eq!(
            prepass.masked.as_deref(),
            Some(r#"<i subject="O=_Contoso, Inc._, CN=x" issuer="y"/>"#)
        );
    }

    #[test]
    fn attributes_without_white_space_are_not_stray_quotes() {
        for source in [
            r#"<a b="1"c="2"/>"#,
            r#"<a b="1"/>"#,
            r#"<a b="x"y>"#,
            "<a b=\"x\"y\n",
        ] {
            assert!(run(source).stray_quotes.is_empty(), "{source}");
        }
    }

    #[test]
    fn a_start_tag_that_lost_its_gt_ends_before_its_content() {
        let source = "<a\n @(x)</a><b c=\"1\" <d/></b><e f= @(y)/>";
        let prepass = run(source);
        // `f= @(y)` is a value without quotes (GH0010), not content.
        assert_eq!(prepass.expressions.len(), 1);
        assert_eq!(
            prepass.masked.as_deref(),
            Some("<a\n>____</a><b c=\"1\"><d/></b><e f= @(y)/>")
        );
    }

    #[test]
    fn an_end_tag_that_lost_its_gt_ends_before_the_next_tag() {
        let source = "<a><b>x</b\n</a><c></c\t>";
        assert_eq!(
            run(source).masked.as_deref(),
            Some("<a><b>x</b></a><c></c\t>")
        );
    }

    #[test]
    fn a_comment_closed_with_one_dash_ends_there_unless_a_later_one_closes_it() {
        assert_eq!(
            run("<a><!-- note -><b/></a>").masked.as_deref(),
            Some("<a><!-- note--><b/></a>")
        );
        assert!(run("<a><!-- note -> still --><b/></a>").masked.is_none());
        assert!(run("<a><!-- note-> <b/></a>").masked.is_none());
    }

    #[test]
    fn a_comment_written_with_dashes_ends_where_its_author_meant() {
        assert_eq!(
            run("<a><!\u{2014} note \u{2014}><b/></a>")
                .masked
                .as_deref(),
            Some("<a><!--  note  --><b/></a>")
        );
        assert_eq!(
            run("<a><!\u{2013} note --><b/></a>").masked.as_deref(),
            Some("<a><!--  note --><b/></a>")
        );
        assert_eq!(
            run("<a><!-- note \u{2014}><b/></a>").masked.as_deref(),
            Some("<a><!-- note  --><b/></a>")
        );
        // A later real comment's `-->` is not this one's; nor is a dash before a later `-->`.
        assert!(run("<a><!\u{2014} <b/><!-- c --></a>").masked.is_none());
        assert!(
            run("<a><!-- note \u{2014}> still --><b/></a>")
                .masked
                .is_none()
        );
    }

    #[test]
    fn a_value_that_lost_its_closing_quote_ends_at_the_tag_end() {
        assert_eq!(
            run("<a b=\"c>\n<d/></a>").masked.as_deref(),
            Some("<a b=\"c\"><d/></a>")
        );
        assert!(run("<a b=\"c > d\"/>").masked.is_none());
        assert!(run("<a b=\"@(x > 1)\n<d/>\"/>").expressions.len() == 1);
    }

    #[test]
    fn a_value_that_lost_its_closing_quote_ends_before_the_next_attribute() {
        assert_eq!(
            run(r#"<a name="x value="y"/>"#).masked.as_deref(),
            Some(r#"<a name="x"value="y"/>"#)
        );
        assert_eq!(
            run(r#"<a name="x' value="y"/>"#).masked.as_deref(),
            Some(r#"<a name="x" value="y"/>"#)
        );
        // A value may end with `name=`; a distinguished name's `O=` is its own text.
        assert!(run(r#"<a name="x y=" value="z"/>"#).masked.is_none());
        assert!(
            run(r#"<i subject="L=Chicago, O="Contoso, Inc."/>"#)
                .stray_quotes
                .len()
                == 1
        );
    }

    #[test]
    fn nothing_to_mask() {
        let prepass = run("<a b=\"c@d\">e@f {{g}}</a>");
        assert!(prepass.masked.is_none());
        assert!(prepass.expressions.is_empty());
    }
}
