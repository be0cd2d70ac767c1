//! Finds where a policy expression `@(…)` or `@{…}` ends.
//!
//! APIM reads the C# inside an expression before it reads the XML around it, so an expression
//! may hold raw `"`, `<`, `>` and `&` even inside a `"`-quoted attribute. This scanner knows just
//! enough C# to find the bracket that closes the expression: regular, verbatim and interpolated
//! strings (with nested holes), character literals, comments, and balanced `()`, `[]` and `{}`;
//! and, to find the end of code copied with its quotes escaped (`\"x\"`), such pairs as strings.
//! It does not parse C#; the expression grammar does that later.
//!
//! Text in attribute values and element text may also be entity-escaped (the strict `xml`
//! export format writes `&quot;` and `&lt;`), so the scanner reads the five XML entities and
//! character references as the characters they stand for.

/// The two expression forms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExpressionKind {
    /// `@( expression )`
    Inline,
    /// `@{ statements }`
    Block,
}

/// Where the expression stands, which decides how it may end and how the scanner recovers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Context {
    /// In an attribute value delimited by `quote`.
    Attribute { quote: u8 },
    /// In element text.
    Text,
    /// In a CDATA section: no entities, and the section ends the expression at the latest.
    CData,
}

/// What kind of literal was left open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LiteralKind {
    String,
    VerbatimString,
    InterpolatedString,
    Char,
}

/// Why an unclosed expression stopped being scanned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stop {
    /// A `</` outside any literal: XML markup, which C# never contains.
    EndTag,
    /// A string opened by what is evidently the attribute's closing quote.
    AttributeEnd,
    /// The end of the text, or of the CDATA section.
    End,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ScanError {
    /// `open` is the innermost bracket left open (the `(` or `{` of `@(`/`@{` if none other).
    Unclosed {
        open: usize,
        bracket: u8,
        stop: Stop,
        at: usize,
    },
    Mismatched {
        open: usize,
        open_bracket: u8,
        close: usize,
        close_bracket: u8,
    },
    UnterminatedLiteral {
        start: usize,
        kind: LiteralKind,
    },
    UnterminatedComment {
        start: usize,
    },
}

/// The result of scanning one expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Scanned {
    /// Offset of the `@`.
    pub start: usize,
    /// End of the expression: after the closing bracket, or where recovery decided it ends.
    pub end: usize,
    pub kind: ExpressionKind,
    pub error: Option<ScanError>,
}

/// Is there an expression opener at `pos`? `@{{` is not one: it is an `@` followed by a named
/// value reference, as in `user@{{domain}}`.
pub(crate) fn expression_at(src: &[u8], pos: usize) -> Option<ExpressionKind> {
    match (src.get(pos), src.get(pos + 1), src.get(pos + 2)) {
        (Some(b'@'), Some(b'('), _) => Some(ExpressionKind::Inline),
        (Some(b'@'), Some(b'{'), next) if next != Some(&b'{') => Some(ExpressionKind::Block),
        _ => None,
    }
}

/// Scans the expression that starts with `@` at `start`, reading no further than `limit`.
pub(crate) fn scan(src: &[u8], start: usize, limit: usize, context: Context) -> Scanned {
    let kind = expression_at(src, start).unwrap_or(ExpressionKind::Inline);
    let limit = limit.min(src.len());
    let scanner = Scanner {
        src,
        limit,
        context,
        decode: context != Context::CData,
    };
    match scanner.run(start) {
        Ok(end) => Scanned {
            start,
            end,
            kind,
            error: None,
        },
        Err(error) => Scanned {
            start,
            end: scanner.recover(start, &error),
            kind,
            error: Some(error),
        },
    }
}

enum Frame {
    /// Code inside `(`, `[` or `{`; the outermost frame is the expression's own bracket.
    Bracket { open: usize, bracket: u8 },
    /// Code inside an interpolation hole `{…}` of an interpolated string.
    Hole,
    /// The literal part of an interpolated string; `quote` is the offset of its `"`.
    Interpolated {
        start: usize,
        quote: usize,
        verbatim: bool,
    },
}

struct Scanner<'a> {
    src: &'a [u8],
    limit: usize,
    context: Context,
    decode: bool,
}

/// A character as the scanner sees it: its ASCII value (non-ASCII bytes read as `0x80`) and
/// how many bytes of source it took (more than one for an entity).
#[derive(Clone, Copy)]
struct Unit {
    byte: u8,
    len: usize,
}

impl Unit {
    fn is_raw(self, byte: u8) -> bool {
        self.byte == byte && self.len == 1
    }
}

const NON_ASCII: u8 = 0x80;

impl Scanner<'_> {
    fn byte(&self, pos: usize) -> Option<u8> {
        if pos < self.limit {
            self.src.get(pos).copied()
        } else {
            None
        }
    }

    fn unit(&self, pos: usize) -> Option<Unit> {
        let byte = self.byte(pos)?;
        if byte == b'&'
            && self.decode
            && let Some(unit) = self.entity(pos)
        {
            return Some(unit);
        }
        Some(Unit {
            byte: if byte.is_ascii() { byte } else { NON_ASCII },
            len: 1,
        })
    }

    /// Reads `&quot;`, `&apos;`, `&lt;`, `&gt;`, `&amp;`, `&#N;` and `&#xH;` at `pos`.
    fn entity(&self, pos: usize) -> Option<Unit> {
        let rest = self.src.get(pos..self.limit)?;
        let semicolon = rest.iter().take(12).position(|&b| b == b';')?;
        let body = rest.get(1..semicolon)?;
        let len = semicolon + 1;
        let byte = match body {
            b"quot" => b'"',
            b"apos" => b'\'',
            b"lt" => b'<',
            b"gt" => b'>',
            b"amp" => b'&',
            [b'#', b'x' | b'X', hex @ ..] => ascii_of(u32::from_str_radix(ascii(hex)?, 16).ok()?),
            [b'#', decimal @ ..] => ascii_of(ascii(decimal)?.parse::<u32>().ok()?),
            _ => return None,
        };
        Some(Unit { byte, len })
    }

    fn starts_with(&self, pos: usize, text: &[u8]) -> bool {
        self.src
            .get(pos..self.limit)
            .is_some_and(|rest| rest.starts_with(text))
    }

    fn run(&self, start: usize) -> Result<usize, ScanError> {
        let bracket = self.byte(start + 1).unwrap_or(b'(');
        let mut stack = vec![Frame::Bracket {
            open: start + 1,
            bracket,
        }];
        let mut pos = start + 2;
        loop {
            match stack.last() {
                None => return Ok(pos),
                Some(&Frame::Interpolated {
                    start: literal_start,
                    quote,
                    verbatim,
                }) => {
                    let Some(unit) = self.unit(pos) else {
                        return Err(self.unterminated(
                            &stack,
                            literal_start,
                            quote,
                            LiteralKind::InterpolatedString,
                        ));
                    };
                    let next = self.unit(pos + unit.len);
                    match unit.byte {
                        b'"' if verbatim && next.is_some_and(|n| n.byte == b'"') => {
                            pos += unit.len + next.map_or(0, |n| n.len);
                        }
                        b'"' => {
                            stack.pop();
                            pos += unit.len;
                        }
                        b'\\' if !verbatim => pos = self.skip_escape(pos + unit.len),
                        b'\n' if !verbatim => {
                            return Err(self.unterminated(
                                &stack,
                                literal_start,
                                quote,
                                LiteralKind::InterpolatedString,
                            ));
                        }
                        b'{' | b'}' if next.is_some_and(|n| n.byte == unit.byte) => {
                            pos += unit.len + next.map_or(0, |n| n.len);
                        }
                        b'{' => {
                            stack.push(Frame::Hole);
                            pos += unit.len;
                        }
                        _ => pos += unit.len,
                    }
                }
                Some(_) => pos = self.code_step(&mut stack, pos)?,
            }
        }
    }

    /// Reads one token of code and returns the position after it.
    fn code_step(&self, stack: &mut Vec<Frame>, pos: usize) -> Result<usize, ScanError> {
        let Some(unit) = self.unit(pos) else {
            return Err(self.unclosed(stack, Stop::End, pos));
        };
        let after = pos + unit.len;
        let next = self.unit(after);
        let next_byte = next.map(|n| n.byte);
        match unit.byte {
            b'"' => self
                .skip_string(after)
                .ok_or_else(|| self.unterminated(stack, pos, pos, LiteralKind::String)),
            b'\'' => self
                .skip_char(after)
                .ok_or_else(|| self.unterminated(stack, pos, pos, LiteralKind::Char)),
            b'@' | b'$' => {
                let second = after + next.map_or(0, |n| n.len);
                let third = self.unit(second).map(|n| n.byte);
                match (unit.byte, next_byte, third) {
                    (b'@', Some(b'"'), _) => self.skip_verbatim(second).ok_or_else(|| {
                        self.unterminated(stack, pos, after, LiteralKind::VerbatimString)
                    }),
                    (b'$', Some(b'"'), _) => {
                        stack.push(Frame::Interpolated {
                            start: pos,
                            quote: after,
                            verbatim: false,
                        });
                        Ok(second)
                    }
                    (b'$', Some(b'@'), Some(b'"')) | (b'@', Some(b'$'), Some(b'"')) => {
                        let quote_len = self.unit(second).map_or(1, |n| n.len);
                        stack.push(Frame::Interpolated {
                            start: pos,
                            quote: second,
                            verbatim: true,
                        });
                        Ok(second + quote_len)
                    }
                    _ => Ok(after),
                }
            }
            b'\\' if next_byte == Some(b'"') => {
                // `\"x\"` in code: quotes escaped as in JSON or a C# string the policy was copied
                // from (a guide's `GetValueOrDefault(\"x-tenant-id\",\"unknown\")`). Not C#, which
                // the parser says; read here as the string the author meant, so that the
                // expression still ends at its own bracket. Without a closing `\"` on the line,
                // the `\` is just a character.
                let quote_end = after + next.map_or(0, |n| n.len);
                Ok(self.skip_escaped_string(quote_end).unwrap_or(after))
            }
            b'/' if next_byte == Some(b'/') => Ok(self.skip_line(after)),
            b'/' if next_byte == Some(b'*') => self
                .skip_block_comment(after + next.map_or(0, |n| n.len))
                .ok_or(ScanError::UnterminatedComment { start: pos }),
            b'(' | b'[' | b'{' => {
                stack.push(Frame::Bracket {
                    open: pos,
                    bracket: unit.byte,
                });
                Ok(after)
            }
            b']' if self.context == Context::CData && self.starts_with(pos, b"]]>") => {
                Err(self.unclosed(stack, Stop::End, pos))
            }
            b')' | b']' | b'}' => self.close(stack, pos, unit.byte).map(|()| after),
            b':' if matches!(stack.last(), Some(Frame::Hole)) => {
                // A format specifier, `{value:yyyy-MM-dd}`, runs to the end of the hole.
                let mut cursor = after;
                loop {
                    let Some(spec) = self.unit(cursor) else {
                        return Err(self.unclosed(stack, Stop::End, cursor));
                    };
                    match spec.byte {
                        b'}' => {
                            stack.pop();
                            return Ok(cursor + spec.len);
                        }
                        b'"' | b'\n' => return Ok(cursor),
                        _ => cursor += spec.len,
                    }
                }
            }
            b'<' if unit.len == 1
                && self.starts_with(pos, b"<!--")
                && self.context == Context::Text =>
            {
                // An XML comment written inside the code (a note pasted into `@{…}`): not C#,
                // which the parser says; skipped here so that an apostrophe in it (`don't`) does
                // not open a character literal and lose the expression's end.
                Ok(self.comment_end(pos).unwrap_or(after))
            }
            b'<' if unit.len == 1 && next_byte == Some(b'/') && self.context != Context::CData => {
                Err(self.unclosed(stack, Stop::EndTag, pos))
            }
            _ => Ok(after),
        }
    }

    fn close(
        &self,
        stack: &mut Vec<Frame>,
        pos: usize,
        close_bracket: u8,
    ) -> Result<(), ScanError> {
        match stack.last() {
            Some(&Frame::Bracket { open, bracket }) => {
                if closing_of(bracket) == close_bracket {
                    stack.pop();
                    Ok(())
                } else {
                    Err(ScanError::Mismatched {
                        open,
                        open_bracket: bracket,
                        close: pos,
                        close_bracket,
                    })
                }
            }
            Some(Frame::Hole) if close_bracket == b'}' => {
                stack.pop();
                Ok(())
            }
            _ => {
                let (open, open_bracket) = innermost_bracket(stack).unwrap_or((pos, b'{'));
                Err(ScanError::Mismatched {
                    open,
                    open_bracket,
                    close: pos,
                    close_bracket,
                })
            }
        }
    }

    fn skip_escape(&self, pos: usize) -> usize {
        match self.unit(pos) {
            Some(unit) if unit.byte != b'\n' => pos + unit.len,
            _ => pos,
        }
    }

    /// After the opening `"` of a regular string: the position after its closing `"`.
    fn skip_string(&self, mut pos: usize) -> Option<usize> {
        loop {
            let unit = self.unit(pos)?;
            match unit.byte {
                b'"' => return Some(pos + unit.len),
                b'\\' => pos = self.skip_escape(pos + unit.len),
                b'\n' => return None,
                _ => pos += unit.len,
            }
        }
    }

    /// After an opening `\"` written in code: the position after the `\"` that closes it.
    fn skip_escaped_string(&self, mut pos: usize) -> Option<usize> {
        loop {
            let unit = self.unit(pos)?;
            pos += unit.len;
            match unit.byte {
                b'\\' => {
                    let next = self.unit(pos)?;
                    match next.byte {
                        b'"' => return Some(pos + next.len),
                        b'\n' => return None,
                        _ => pos += next.len,
                    }
                }
                b'"' | b'\n' => return None,
                _ => {}
            }
        }
    }

    /// After the opening `'` of a character literal: the position after its closing `'`.
    fn skip_char(&self, mut pos: usize) -> Option<usize> {
        loop {
            let unit = self.unit(pos)?;
            match unit.byte {
                b'\'' => return Some(pos + unit.len),
                b'\\' => pos = self.skip_escape(pos + unit.len),
                b'\n' => return None,
                _ => pos += unit.len,
            }
        }
    }

    /// After the opening `"` of a verbatim string: the position after its closing `"`.
    fn skip_verbatim(&self, mut pos: usize) -> Option<usize> {
        loop {
            let unit = self.unit(pos)?;
            pos += unit.len;
            if unit.byte == b'"' {
                match self.unit(pos) {
                    Some(next) if next.byte == b'"' => pos += next.len,
                    _ => return Some(pos),
                }
            }
        }
    }

    fn skip_line(&self, mut pos: usize) -> usize {
        while let Some(byte) = self.byte(pos) {
            if byte == b'\n' {
                break;
            }
            pos += 1;
        }
        pos
    }

    /// The position after the `-->` that closes the XML comment opening at `pos`.
    fn comment_end(&self, pos: usize) -> Option<usize> {
        let rest = self.src.get(pos + 4..self.limit)?;
        memchr::memmem::find(rest, b"-->").map(|at| pos + 4 + at + 3)
    }

    fn skip_block_comment(&self, mut pos: usize) -> Option<usize> {
        loop {
            let unit = self.unit(pos)?;
            pos += unit.len;
            if unit.byte == b'*' && self.unit(pos).is_some_and(|n| n.byte == b'/') {
                return Some(pos + 1);
            }
        }
    }

    fn unclosed(&self, stack: &[Frame], stop: Stop, at: usize) -> ScanError {
        let (open, bracket) = innermost_bracket(stack).unwrap_or((at, b'('));
        ScanError::Unclosed {
            open,
            bracket,
            stop,
            at,
        }
    }

    /// A literal that never closes. If its quote is the attribute's own quote and a tag end
    /// follows, the literal is really the end of the attribute and a bracket was left open.
    fn unterminated(
        &self,
        stack: &[Frame],
        start: usize,
        quote: usize,
        kind: LiteralKind,
    ) -> ScanError {
        if let Context::Attribute {
            quote: attribute_quote,
        } = self.context
        {
            let quote_unit = self.unit(quote);
            if quote_unit.is_some_and(|unit| unit.is_raw(attribute_quote))
                && self.tag_end_follows(quote + 1)
            {
                return self.unclosed(stack, Stop::AttributeEnd, quote);
            }
        }
        ScanError::UnterminatedLiteral { start, kind }
    }

    /// Only whitespace, then `>` or `/>`.
    fn tag_end_follows(&self, mut pos: usize) -> bool {
        while let Some(byte) = self.byte(pos) {
            match byte {
                b' ' | b'\t' | b'\r' | b'\n' => pos += 1,
                b'>' => return true,
                b'/' => return self.byte(pos + 1) == Some(b'>'),
                _ => return false,
            }
        }
        false
    }

    /// Where a broken expression ends, so that reading can go on after it.
    fn recover(&self, start: usize, error: &ScanError) -> usize {
        match (self.context, *error) {
            (
                Context::Attribute { .. },
                ScanError::Unclosed {
                    stop: Stop::AttributeEnd,
                    at,
                    ..
                },
            )
            | (
                Context::Text,
                ScanError::Unclosed {
                    stop: Stop::EndTag,
                    at,
                    ..
                },
            ) => return at,
            (Context::CData, _) => return self.limit,
            _ => {}
        }
        let error_at = match *error {
            ScanError::Unclosed { at, .. } => at,
            ScanError::Mismatched { close, .. } => close,
            ScanError::UnterminatedLiteral { start, .. }
            | ScanError::UnterminatedComment { start } => start,
        };
        match self.context {
            Context::Attribute { quote } => {
                // The attribute most likely ends at its quote followed by the end of the tag;
                // failing that, at the next quote of its kind.
                let plausible = (start + 2..self.limit)
                    .find(|&pos| self.byte(pos) == Some(quote) && self.tag_end_follows(pos + 1));
                plausible
                    .or_else(|| (error_at..self.limit).find(|&pos| self.byte(pos) == Some(quote)))
                    .unwrap_or(self.limit)
            }
            Context::Text | Context::CData => (error_at..self.limit)
                .find(|&pos| self.starts_with(pos, b"</"))
                .unwrap_or(self.limit),
        }
    }
}

fn closing_of(bracket: u8) -> u8 {
    match bracket {
        b'(' => b')',
        b'[' => b']',
        _ => b'}',
    }
}

fn innermost_bracket(stack: &[Frame]) -> Option<(usize, u8)> {
    stack.iter().rev().find_map(|frame| match *frame {
        Frame::Bracket { open, bracket } => Some((open, bracket)),
        _ => None,
    })
}

fn ascii(bytes: &[u8]) -> Option<&str> {
    if bytes.is_empty() {
        None
    } else {
        std::str::from_utf8(bytes).ok()
    }
}

fn ascii_of(code: u32) -> u8 {
    u8::try_from(code)
        .ok()
        .filter(u8::is_ascii)
        .unwrap_or(NON_ASCII)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_attr(text: &str) -> Scanned {
        let start = text.find('@').unwrap();
        scan(
            text.as_bytes(),
            start,
            text.len(),
            Context::Attribute { quote: b'"' },
        )
    }

    fn scan_text(text: &str) -> Scanned {
        let start = text.find('@').unwrap();
        scan(text.as_bytes(), start, text.len(), Context::Text)
    }

    fn expression<'a>(text: &'a str, scanned: &Scanned) -> &'a str {
        &text[scanned.start..scanned.end]
    }

    #[test]
    fn quotes_escaped_with_a_backslash_in_code_are_read_as_strings() {
        let text = r#"value="@(context.Request.Headers.GetValueOrDefault(\"x-tenant-id\",\"unknown\"))" />"#;
        let scanned = scan_attr(text);
        assert_eq!(scanned.error, None);
        assert!(expression(text, &scanned).ends_with(r#"\"unknown\"))"#));
        // A lone `\"` with no partner on the line is no such string: the `"` opens one.
        let text = "<value>@(a\\\"b)</value>";
        let scanned = scan_text(text);
        assert!(scanned.error.is_some());
    }

    #[test]
    fn raw_quotes_and_operators_inside_an_attribute_expression() {
        let text = r#"condition="@(context.Request.Headers.GetValueOrDefault("X","") == "a" && x < 5)" />"#;
        let scanned = scan_attr(text);
        assert_eq!(scanned.error, None);
        assert!(expression(text, &scanned).ends_with("x < 5)"));
    }

    #[test]
    fn generics_in_text() {
        let text = "@(context.Request.Body.As<JObject>()[\"a\"])</set-body>";
        let scanned = scan_text(text);
        assert_eq!(scanned.error, None);
        assert_eq!(
            expression(text, &scanned),
            "@(context.Request.Body.As<JObject>()[\"a\"])"
        );
    }

    #[test]
    fn brackets_inside_literals_and_comments_do_not_count() {
        for text in [
            r#"@{ var s = ")}"; return s; }"#,
            r#"@{ var c = ')'; return c; }"#,
            r#"@{ var c = '\''; return "x"; }"#,
            "@{ // a ) comment\n return 1; }",
            "@{ /* ) } */ return 1; }",
            "@{ <!-- we don't ) need it --> return 1; }",
            r#"@{ var v = @"C:\path\"" )"; return v; }"#,
            r#"@($"{(a ? $"{b}}}" : "{")}")"#,
            r#"@($"{date:yyyy-MM-dd}")"#,
            r#"@($@"{{x}} ""{y}""")"#,
        ] {
            let scanned = scan_text(text);
            assert_eq!(scanned.error, None, "{text}");
            assert_eq!(expression(text, &scanned), text, "{text}");
        }
    }

    #[test]
    fn entities_are_read_as_characters() {
        let text = r#"v="@(x == &quot;)&quot; &amp;&amp; y &lt; 2)" />"#;
        let scanned = scan_attr(text);
        assert_eq!(scanned.error, None);
        assert!(expression(text, &scanned).ends_with("2)"));
    }

    #[test]
    fn named_value_after_at_sign_is_not_an_expression() {
        assert_eq!(expression_at(b"@{{name}}", 0), None);
        assert_eq!(
            expression_at(b"@{ return 1; }", 0),
            Some(ExpressionKind::Block)
        );
        assert_eq!(expression_at(b"@(1)", 0), Some(ExpressionKind::Inline));
        assert_eq!(expression_at(b"@x", 0), None);
    }

    #[test]
    fn missing_paren_before_the_attribute_quote() {
        let text = r#"<a condition="@(f("x")" />"#;
        let scanned = scan_attr(text);
        assert!(matches!(
            scanned.error,
            Some(ScanError::Unclosed {
                bracket: b'(',
                stop: Stop::AttributeEnd,
                ..
            })
        ));
        assert_eq!(&text[scanned.end..], "\" />");
    }

    #[test]
    fn unterminated_string_in_text_recovers_at_the_end_tag() {
        let text = "@(\"abc)</value>\n<x/>";
        let scanned = scan_text(text);
        assert!(matches!(
            scanned.error,
            Some(ScanError::UnterminatedLiteral {
                start: 2,
                kind: LiteralKind::String
            })
        ));
        assert_eq!(&text[scanned.end..], "</value>\n<x/>");
    }

    #[test]
    fn mismatched_bracket() {
        let text = r#"v="@(a]" />"#;
        let scanned = scan_attr(text);
        assert!(matches!(
            scanned.error,
            Some(ScanError::Mismatched {
                open_bracket: b'(',
                close_bracket: b']',
                ..
            })
        ));
        assert_eq!(&text[scanned.end..], "\" />");
    }

    #[test]
    fn cdata_end_stops_the_scan() {
        let text = "@{ return 1; ]]> rest";
        let limit = text.find("]]>").unwrap();
        let scanned = scan(text.as_bytes(), 0, limit, Context::CData);
        assert!(matches!(
            scanned.error,
            Some(ScanError::Unclosed {
                stop: Stop::End,
                ..
            })
        ));
        assert_eq!(scanned.end, limit);
    }
}
