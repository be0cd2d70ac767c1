//! A cheap pass before pest: how deeply does the code nest?
//!
//! pest's parser is recursive descent, and so is the lowering after it: every bracket costs a
//! few stack frames, and so does every right-recursive construct (`?:`, `=>`, `=`). This pass
//! measures both, outside literals and comments, and refuses code that would nest deeper than
//! the limit, so that no input can exhaust the stack. Interpolation holes count as brackets.

/// Where the code first nests deeper than `limit`, if it does.
pub(crate) fn too_deep(code: &str, limit: u32) -> Option<usize> {
    let bytes = code.as_bytes();
    // One frame per open bracket: how many right-recursive operators it has seen since the
    // last `;` or `,`, and whether it is an interpolation hole (closed by `}` back into a string).
    let mut frames: Vec<Frame> = vec![Frame::default()];
    let mut pos = 0;
    while let Some(&byte) = bytes.get(pos) {
        let next = bytes.get(pos + 1).copied();
        match byte {
            b'/' if next == Some(b'/') => {
                pos = find_byte(bytes, pos, b'\n').unwrap_or(bytes.len());
                continue;
            }
            b'/' if next == Some(b'*') => {
                pos = find(bytes, pos + 2, b"*/").map_or(bytes.len(), |end| end + 2);
                continue;
            }
            b'"' => {
                pos = skip_string(bytes, pos + 1, false);
                continue;
            }
            b'\'' => {
                pos = skip_char(bytes, pos + 1);
                continue;
            }
            b'@' if next == Some(b'"') => {
                pos = skip_string(bytes, pos + 2, true);
                continue;
            }
            b'$' | b'@' if matches!(next, Some(b'"' | b'@' | b'$')) => {
                let verbatim = next != Some(b'"');
                let quote = if verbatim { pos + 2 } else { pos + 1 };
                if bytes.get(quote) == Some(&b'"') {
                    // Interpolated: scan its text; a hole is a frame of code.
                    match interpolated_text(bytes, quote + 1, verbatim) {
                        Text::End(end) => pos = end,
                        Text::Hole(at) => {
                            frames.push(Frame {
                                hole: Some(verbatim),
                                ..Frame::default()
                            });
                            if measure(&frames) > limit {
                                return Some(at);
                            }
                            pos = at + 1;
                        }
                    }
                    continue;
                }
            }
            b'(' | b'[' | b'{' => {
                frames.push(Frame::default());
                if measure(&frames) > limit {
                    return Some(pos);
                }
            }
            b')' | b']' | b'}' => {
                let closed = if frames.len() > 1 { frames.pop() } else { None };
                if let Some(Frame {
                    hole: Some(verbatim),
                    ..
                }) = closed
                {
                    // Back in the interpolated string's text.
                    match interpolated_text(bytes, pos + 1, verbatim) {
                        Text::End(end) => pos = end,
                        Text::Hole(at) => {
                            frames.push(Frame {
                                hole: Some(verbatim),
                                ..Frame::default()
                            });
                            pos = at + 1;
                        }
                    }
                    continue;
                }
            }
            b';' | b',' => {
                if let Some(frame) = frames.last_mut() {
                    frame.pending = 0;
                }
            }
            b'?' if !matches!(next, Some(b'?' | b'.' | b'[')) && bump(&mut frames, limit) => {
                return Some(pos);
            }
            b'=' if next == Some(b'>') || !is_comparison(bytes, pos) => {
                if bump(&mut frames, limit) {
                    return Some(pos);
                }
                if next == Some(b'>') || next == Some(b'=') {
                    pos += 1;
                }
            }
            _ => {}
        }
        pos += 1;
    }
    None
}

#[derive(Default)]
struct Frame {
    pending: u32,
    /// `Some(verbatim)` when the frame is an interpolation hole.
    hole: Option<bool>,
}

fn measure(frames: &[Frame]) -> u32 {
    let brackets = u32::try_from(frames.len()).unwrap_or(u32::MAX);
    frames
        .iter()
        .fold(brackets, |total, frame| total.saturating_add(frame.pending))
}

fn bump(frames: &mut [Frame], limit: u32) -> bool {
    if let Some(frame) = frames.last_mut() {
        frame.pending = frame.pending.saturating_add(1);
    }
    measure(frames) > limit
}

/// `==`, `!=`, `<=`, `>=`: comparisons, not assignments.
fn is_comparison(bytes: &[u8], pos: usize) -> bool {
    let before = pos.checked_sub(1).and_then(|p| bytes.get(p)).copied();
    bytes.get(pos + 1) == Some(&b'=') || matches!(before, Some(b'=' | b'!' | b'<' | b'>'))
}

fn find_byte(bytes: &[u8], from: usize, byte: u8) -> Option<usize> {
    bytes
        .get(from..)?
        .iter()
        .position(|&b| b == byte)
        .map(|i| from + i)
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|i| from + i)
}

/// From inside a string: the position after its closing quote (or the end).
fn skip_string(bytes: &[u8], mut pos: usize, verbatim: bool) -> usize {
    while let Some(&byte) = bytes.get(pos) {
        match byte {
            b'"' if verbatim && bytes.get(pos + 1) == Some(&b'"') => pos += 2,
            b'"' => return pos + 1,
            b'\\' if !verbatim => pos += 2,
            b'\n' if !verbatim => return pos,
            _ => pos += 1,
        }
    }
    bytes.len()
}

fn skip_char(bytes: &[u8], mut pos: usize) -> usize {
    while let Some(&byte) = bytes.get(pos) {
        match byte {
            b'\'' => return pos + 1,
            b'\\' => pos += 2,
            b'\n' => return pos,
            _ => pos += 1,
        }
    }
    bytes.len()
}

enum Text {
    /// The string ended; reading goes on here.
    End(usize),
    /// A hole opens at this `{`.
    Hole(usize),
}

fn interpolated_text(bytes: &[u8], mut pos: usize, verbatim: bool) -> Text {
    while let Some(&byte) = bytes.get(pos) {
        let next = bytes.get(pos + 1).copied();
        match byte {
            b'{' | b'}' if next == Some(byte) => pos += 2,
            b'{' => return Text::Hole(pos),
            b'"' if verbatim && next == Some(b'"') => pos += 2,
            b'"' => return Text::End(pos + 1),
            b'\\' if !verbatim => pos += 2,
            b'\n' if !verbatim => return Text::End(pos),
            _ => pos += 1,
        }
    }
    Text::End(bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_count() {
        assert_eq!(too_deep("((((x))))", 4), Some(3));
        assert_eq!(too_deep("((((x))))", 5), None);
        assert_eq!(too_deep(&"(".repeat(10_000), 100), Some(99));
    }

    #[test]
    fn literals_and_comments_do_not() {
        assert_eq!(
            too_deep(r#"f("((((((", '(', @"((((", /* (((( */ x)"#, 2),
            None
        );
    }

    #[test]
    fn right_recursive_operators_count_until_a_separator() {
        assert_eq!(too_deep("a ? b : c ? d : e ? f : g", 3), Some(18));
        assert_eq!(too_deep("x = 1; y = 2; z = 3;", 2), None);
        assert_eq!(too_deep("a == b && c != d && e <= f", 1), None);
        assert_eq!(too_deep("x => y => z => w", 3), Some(12));
    }

    #[test]
    fn interpolation_holes_count() {
        assert_eq!(too_deep(r#"$"{$"{$"{x}"}"}""#, 3), Some(8));
        assert_eq!(too_deep(r#"$"{{not a hole}} {x}""#, 2), None);
    }
}
