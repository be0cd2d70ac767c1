//! Long lines shown as windows around what a diagnostic points at. A policy kept in a Bicep
//! or ARM template is often one line of several kilobytes; printing all of it for each
//! diagnostic buries the caret. The rest of such a line is shown as `…`, and byte offsets
//! are mapped both ways so that carets land on the text they mean and `file:line:col` stays
//! that of the file.

use std::ops::Range;

/// Lines at most this long (in bytes) are shown whole.
const LONG_LINE: usize = 160;
/// Text kept on each side of a label's start and end.
const CONTEXT: usize = 40;
/// A label longer than this is shown by its first and last bytes.
const LABEL_KEEP: usize = 80;
/// Shown in place of the text left out.
const ELLIPSIS: &str = "…";

/// A text with parts of its long lines left out.
pub(crate) struct Windowed {
    pub text: String,
    /// The kept ranges of the input text, in order, each with where it starts in `text`.
    kept: Vec<(Range<usize>, usize)>,
}

impl Windowed {
    /// Is any line of `text` longer than [`LONG_LINE`]? Checked once per file, so that files
    /// without one (nearly all) are not copied for each diagnostic.
    pub(crate) fn needed(text: &str) -> bool {
        text.lines().any(|line| line.len() > LONG_LINE)
    }

    /// `text` with every line longer than [`LONG_LINE`] cut down to windows around the
    /// starts and ends of `labels` on it (the first bytes of the line when none is). `None`
    /// when no line is long, the usual case.
    pub(crate) fn new(text: &str, labels: &[Range<usize>]) -> Option<Windowed> {
        let mut keep: Vec<Range<usize>> = Vec::new();
        let mut any_long = false;
        let mut line_start = 0;
        for line in text.split_inclusive('\n') {
            let end = line_start + line.trim_end_matches(['\n', '\r']).len();
            let line_range = line_start..end;
            let next = line_start + line.len();
            if end - line_start <= LONG_LINE {
                keep.push(line_start..next);
            } else {
                any_long = true;
                let mut windows = windows_on_line(&line_range, labels);
                if windows.is_empty() {
                    windows.push(line_start..line_start + 2 * CONTEXT);
                }
                for window in windows {
                    let start = floor_boundary(text, window.start.max(line_start));
                    let stop = ceil_boundary(text, window.end.min(end));
                    keep.push(start..stop);
                }
                // The line end is kept, so the next line stays a line of its own.
                keep.push(end..next);
            }
            line_start = next;
        }
        if !any_long {
            return None;
        }
        keep.sort_by_key(|range| range.start);
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(keep.len());
        for range in keep {
            match merged.last_mut() {
                // Touching or overlapping: one window. A gap shorter than the ellipsis
                // would save nothing, so it is kept too.
                Some(last) if range.start <= last.end + ELLIPSIS.len() => {
                    last.end = last.end.max(range.end);
                }
                _ => merged.push(range),
            }
        }
        let mut shown = String::with_capacity(merged.iter().map(|r| r.len() + 3).sum());
        let mut kept = Vec::with_capacity(merged.len());
        let mut previous_end = 0;
        for range in merged {
            if range.start > previous_end {
                shown.push_str(ELLIPSIS);
            }
            kept.push((range.clone(), shown.len()));
            shown.push_str(text.get(range.clone()).unwrap_or_default());
            previous_end = range.end;
        }
        if previous_end < text.len() {
            shown.push_str(ELLIPSIS);
        }
        Some(Windowed { text: shown, kept })
    }

    /// Where an offset of the input text is in the shown text; an offset in a part left out
    /// maps to the ellipsis that stands for it.
    pub(crate) fn map(&self, offset: usize) -> usize {
        let at = self
            .kept
            .partition_point(|(range, _)| range.start <= offset);
        match at.checked_sub(1).and_then(|index| self.kept.get(index)) {
            Some((range, shown)) if offset <= range.end => shown + (offset - range.start),
            Some((range, shown)) => shown + range.len(),
            None => 0,
        }
    }

    /// The inverse of [`Windowed::map`]: an offset in an ellipsis maps to the start of the
    /// text it stands for.
    pub(crate) fn unmap(&self, offset: usize) -> usize {
        let at = self.kept.partition_point(|(_, shown)| *shown <= offset);
        match at.checked_sub(1).and_then(|index| self.kept.get(index)) {
            Some((range, shown)) => range.start + (offset - shown).min(range.len()),
            None => 0,
        }
    }

    pub(crate) fn map_range(&self, range: Range<usize>) -> Range<usize> {
        self.map(range.start)..self.map(range.end)
    }
}

/// The windows of one long line: around each label's start, and its end when the label is
/// long, for the labels that start or end on the line.
fn windows_on_line(line: &Range<usize>, labels: &[Range<usize>]) -> Vec<Range<usize>> {
    let on_line = |offset: usize| line.start <= offset && offset <= line.end;
    let mut windows = Vec::new();
    for label in labels {
        if on_line(label.start) {
            let shown_end = label.end.min(label.start + LABEL_KEEP);
            windows.push(label.start.saturating_sub(CONTEXT)..shown_end + CONTEXT);
        }
        if on_line(label.end) && label.end > label.start + LABEL_KEEP {
            windows.push(label.end.saturating_sub(CONTEXT)..label.end + CONTEXT);
        }
    }
    windows
}

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn ceil_boundary(text: &str, mut offset: usize) -> usize {
    while offset < text.len() && !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset.min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_are_left_alone() {
        assert!(
            Windowed::new(
                "<policies>\n  <inbound />\n</policies>\n",
                std::slice::from_ref(&(2..10))
            )
            .is_none()
        );
    }

    #[test]
    fn a_long_line_is_cut_around_the_label() {
        let text = format!(
            "<a>{}<bad-policy />{}</a>\nnext line\n",
            "x".repeat(300),
            "y".repeat(300)
        );
        let start = text.find("bad-policy").unwrap_or_default();
        let label = start..start + "bad-policy".len();
        let windowed =
            Windowed::new(&text, std::slice::from_ref(&label)).unwrap_or_else(|| unreachable!());
        let shown = &windowed.text;
        assert!(shown.starts_with('…'), "{shown}");
        assert!(
            shown.contains(&format!(
                "{}<bad-policy />{}…\nnext line\n",
                "x".repeat(CONTEXT - 1),
                "y".repeat(CONTEXT - 3)
            )),
            "{shown}"
        );
        assert_eq!(&shown[windowed.map_range(label.clone())], "bad-policy");
        for offset in [label.start, label.end, label.start - CONTEXT] {
            assert_eq!(windowed.unmap(windowed.map(offset)), offset);
        }
        // Text left out maps to its ellipsis, and back to where it starts.
        let ellipsis = windowed.map(10);
        assert_eq!(ellipsis, 0);
        assert_eq!(windowed.unmap(ellipsis), 0);
        let next = text.find("next").unwrap_or_default();
        assert_eq!(&shown[windowed.map(next)..windowed.map(next) + 4], "next");
    }

    #[test]
    fn a_long_label_keeps_its_start_and_end() {
        let text = format!("{}{}{}", "a".repeat(200), "b".repeat(400), "c".repeat(200));
        let label = 200..600;
        let windowed =
            Windowed::new(&text, std::slice::from_ref(&label)).unwrap_or_else(|| unreachable!());
        let shown = &windowed.text[windowed.map_range(label)];
        assert!(shown.starts_with(&"b".repeat(LABEL_KEEP)), "{shown}");
        assert!(
            shown.ends_with(&format!("…{}", "b".repeat(CONTEXT))),
            "{shown}"
        );
    }

    #[test]
    fn windows_never_split_a_character() {
        let text = "é".repeat(200);
        let windowed = Windowed::new(&text, std::slice::from_ref(&(100..102)))
            .unwrap_or_else(|| unreachable!());
        assert!(windowed.text.contains("éé"));
        assert_eq!(windowed.unmap(windowed.map(100)), 100);
    }
}
