//! Text from policy files made safe to print: control characters and Unicode bidirectional
//! formatting characters are shown as `\u{…}` escapes, so that a policy cannot recolour the
//! report with ANSI escapes or make its source read differently from what runs ("Trojan
//! Source", CVE-2021-42574). Byte spans into the original text are mapped onto the escaped one.

/// Characters shown as escapes: every `Cc` character but tab and line ends, and the
/// characters that reorder text.
fn needs_escape(character: char) -> bool {
    (character.is_control() && !matches!(character, '\t' | '\n' | '\r'))
        || is_bidirectional_format(character)
}

/// The explicit directional marks, embeddings, overrides and isolates of Unicode's
/// bidirectional algorithm.
fn is_bidirectional_format(character: char) -> bool {
    matches!(
        character,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// `text` with each character that [`needs_escape`] written as `\u{…}`.
pub(crate) fn escaped(text: &str) -> String {
    SafeSource::new(text).text
}

/// A source text made safe to print, and how its byte offsets moved.
pub(crate) struct SafeSource {
    pub text: String,
    /// `(offset in the original text just after an escaped character, total growth so far)`,
    /// in increasing order of offset.
    shifts: Vec<(usize, usize)>,
}

impl SafeSource {
    pub(crate) fn new(original: &str) -> SafeSource {
        if !original.chars().any(needs_escape) {
            return SafeSource {
                text: original.to_owned(),
                shifts: Vec::new(),
            };
        }
        let mut text = String::with_capacity(original.len() + 16);
        let mut shifts = Vec::new();
        for (offset, character) in original.char_indices() {
            if needs_escape(character) {
                text.push_str(&format!("\\u{{{:x}}}", u32::from(character)));
                let end = offset + character.len_utf8();
                shifts.push((end, text.len() - end));
            } else {
                text.push(character);
            }
        }
        SafeSource { text, shifts }
    }

    /// Where a byte offset of the original text is in the escaped text. An offset at an
    /// escaped character maps to the start of its escape.
    pub(crate) fn map(&self, offset: usize) -> usize {
        let passed = self.shifts.partition_point(|&(end, _)| end <= offset);
        match passed.checked_sub(1).and_then(|last| self.shifts.get(last)) {
            Some(&(_, growth)) => offset + growth,
            None => offset,
        }
    }

    /// The inverse of [`SafeSource::map`], for offsets codespan computed in the escaped text.
    pub(crate) fn unmap(&self, offset: usize) -> usize {
        let passed = self
            .shifts
            .partition_point(|&(end, growth)| end + growth <= offset);
        match passed.checked_sub(1).and_then(|last| self.shifts.get(last)) {
            Some(&(_, growth)) => offset.saturating_sub(growth),
            None => offset,
        }
    }

    pub(crate) fn map_range(&self, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
        self.map(range.start)..self.map(range.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_unchanged() {
        let source = SafeSource::new("<policies>é</policies>");
        assert_eq!(source.text, "<policies>é</policies>");
        assert_eq!(source.map(12), 12);
    }

    #[test]
    fn escapes_are_visible_and_spans_follow_them() {
        let original = "a\u{1b}[31mb\u{202e}c\td";
        let source = SafeSource::new(original);
        assert_eq!(source.text, "a\\u{1b}[31mb\\u{202e}c\td");
        // The escape character itself, the text after it, and the override.
        assert_eq!(&source.text[source.map_range(1..2)], "\\u{1b}");
        assert_eq!(&source.text[source.map_range(2..6)], "[31m");
        let override_at = original.find('\u{202e}').unwrap_or_default();
        assert_eq!(
            &source.text[source.map_range(override_at..override_at + 3)],
            "\\u{202e}"
        );
        assert_eq!(
            &source.text[source.map_range(override_at + 3..original.len())],
            "c\td"
        );
        assert_eq!(escaped("x\u{7f}"), "x\\u{7f}");
        for offset in [0, 1, 2, 6, override_at, override_at + 3, original.len()] {
            assert_eq!(source.unmap(source.map(offset)), offset);
        }
    }
}
