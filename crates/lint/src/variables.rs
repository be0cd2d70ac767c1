//! Which `context.Variables` names (and request headers) expressions read, found in the
//! code text.
//!
//! A syntactic scan is enough here: variable and header names are almost always string
//! literals at the access (`context.Variables["name"]`, `GetValueOrDefault<string>("name")`).

/// How an expression touches a variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Access {
    /// `Variables["x"]`, `GetValueOrDefault("x")`: expects the variable to exist.
    Read,
    /// `ContainsKey("x")`, `TryGetValue("x", …)`: checks for it.
    Probe,
}

/// The variables `code` touches: `(name, byte offset of the name's opening quote in code,
/// access)`. Comments do not count.
pub(crate) fn accesses(code: &str) -> Vec<(String, usize, Access)> {
    keyed_accesses(code, "Variables")
}

/// The request headers `code` touches (`context.Request.Headers["Authorization"]`), as
/// [`accesses`] gives variables.
pub(crate) fn request_header_accesses(code: &str) -> Vec<(String, usize, Access)> {
    keyed_accesses(code, "Request.Headers")
}

/// Literal keys looked up in the dictionary that `anchor` ends with.
fn keyed_accesses(code: &str, anchor: &str) -> Vec<(String, usize, Access)> {
    let blanked = blank_comments(code);
    let code = blanked.as_str();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = code.get(from..).and_then(|rest| rest.find(anchor)) {
        let start = from + at;
        from = start + anchor.len();
        let rest = code.get(from..).unwrap_or_default();
        let trimmed = rest.trim_start();
        let skipped = rest.len() - trimmed.len();
        let (access, after) = if let Some(after) = trimmed.strip_prefix('[') {
            (Access::Read, after)
        } else if let Some(after) = trimmed.strip_prefix('.') {
            let method_end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            let method = after.get(..method_end).unwrap_or_default();
            let access = match method {
                "GetValueOrDefault" => Access::Read,
                "ContainsKey" | "TryGetValue" => Access::Probe,
                _ => continue,
            };
            let mut tail = after.get(method_end..).unwrap_or_default().trim_start();
            if let Some(generic) = tail.strip_prefix('<') {
                let Some(close) = generic.find('>') else {
                    continue;
                };
                tail = generic.get(close + 1..).unwrap_or_default().trim_start();
            }
            let Some(tail) = tail.strip_prefix('(') else {
                continue;
            };
            (access, tail)
        } else {
            continue;
        };
        let argument = after.trim_start();
        let Some(literal) = argument.strip_prefix('"') else {
            continue;
        };
        let Some(close) = literal.find('"') else {
            continue;
        };
        let name = literal.get(..close).unwrap_or_default();
        if name.is_empty() || name.contains('\\') {
            continue;
        }
        let quote = from + skipped + (trimmed.len() - after.len()) + (after.len() - argument.len());
        found.push((name.to_owned(), quote, access));
    }
    found
}

/// Which message a body belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Message {
    Request,
    Response,
    /// A response stored by `send-request` in the named variable.
    Stored(String),
}

/// A read of a message body (`As<T>(…)`, `AsFormUrlEncodedContent(…)`) as byte offsets in
/// code: `context.Request.Body`, `context.Response.Body`, or the body of a response a
/// variable holds (`((IResponse)context.Variables["r"]).Body`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BodyRead {
    pub message: Message,
    pub start: usize,
    pub end: usize,
    /// Without `preserveContent: true` the read consumes the body. A flag that is not a
    /// literal counts as preserving: it may be `true`.
    pub consumes: bool,
}

/// The body reads in `code`, in order. Comments do not count.
pub(crate) fn body_reads(code: &str) -> Vec<BodyRead> {
    let blanked = blank_comments(code);
    let code = blanked.as_str();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = code.get(from..).and_then(|rest| rest.find(".Body")) {
        let dot = from + at;
        from = dot + ".Body".len();
        let before = code.get(..dot).unwrap_or_default();
        let Some((message, start)) = body_owner(before) else {
            continue;
        };
        let rest = code.get(from..).unwrap_or_default();
        let Some(member) = rest.trim_start().strip_prefix('.') else {
            continue;
        };
        let member = member.trim_start();
        let Some(generic) = member.strip_prefix("As") else {
            continue;
        };
        let after_name = match generic.trim_start().strip_prefix('<') {
            Some(inside) => match closing(inside, '<', '>') {
                Some(close) => inside.get(close + 1..).unwrap_or_default(),
                None => continue,
            },
            None if generic.starts_with("FormUrlEncodedContent") => generic
                .get("FormUrlEncodedContent".len()..)
                .unwrap_or_default(),
            None => continue,
        };
        let Some(arguments) = after_name.trim_start().strip_prefix('(') else {
            continue;
        };
        let length = closing(arguments, '(', ')').unwrap_or(arguments.len());
        let flag = arguments.get(..length).unwrap_or_default().trim();
        let flag = flag
            .strip_prefix("preserveContent")
            .and_then(|rest| rest.trim_start().strip_prefix(':'))
            .unwrap_or(flag)
            .trim();
        let end = code.len() - arguments.len() + length + 1;
        found.push(BodyRead {
            message,
            start,
            end: end.min(code.len()),
            consumes: flag.is_empty() || flag == "false",
        });
    }
    found
}

/// Whose body `.Body` at the end of `before` is, and where that receiver starts.
fn body_owner(before: &str) -> Option<(Message, usize)> {
    for (receiver, message) in [
        ("Request", Message::Request),
        ("Response", Message::Response),
    ] {
        if let Some(head) = before.strip_suffix(receiver)
            && let Some(context) = head.strip_suffix("context.")
        {
            return Some((message, context.len()));
        }
    }
    // `((IResponse)context.Variables["r"]).Body` and
    // `context.Variables.GetValueOrDefault<IResponse>("r").Body`.
    let trimmed = before.trim_end();
    let (inner, key_end, opener) = if let Some(rest) = trimmed.strip_suffix("\")") {
        (trimmed, rest.len(), "GetValueOrDefault<IResponse>(")
    } else {
        let inner = trimmed.strip_suffix(')').map_or(trimmed, str::trim_end);
        let rest = inner.strip_suffix("\"]")?;
        (inner, rest.len(), "Variables[")
    };
    let key_start = inner.get(..key_end)?.rfind('"')?;
    let name = inner.get(key_start + 1..key_end)?;
    let head = inner.get(..key_start)?.trim_end();
    if name.is_empty() || name.contains('\\') || !head.ends_with(opener) {
        return None;
    }
    let start = head.rfind("context").unwrap_or(head.len() - opener.len());
    Some((Message::Stored(name.to_owned()), start))
}

/// Where the bracketed list that `text` starts inside ends: the `close` that matches an
/// `open` before `text` (`Dictionary<string, int>>`, `(a, f(b))`).
fn closing(text: &str, open: char, close: char) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        if c == open {
            depth += 1;
        } else if c == close {
            if depth == 0 {
                return Some(i);
            }
            depth -= 1;
        }
    }
    None
}

/// The code with `//` and `/* */` comments replaced by spaces (offsets kept), skipping over
/// string and character literals so that `"http://x"` is not taken for a comment.
pub(crate) fn blank_comments(code: &str) -> String {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Code,
        Line,
        Block,
        Str { verbatim: bool },
        Char,
    }
    let mut out = String::with_capacity(code.len());
    let mut state = State::Code;
    let mut chars = code.chars().peekable();
    let mut previous = '\0';
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        match state {
            State::Code => match (c, next) {
                ('/', Some('/')) => {
                    state = State::Line;
                    out.push(' ');
                }
                ('/', Some('*')) => {
                    state = State::Block;
                    out.push(' ');
                    out.push(' ');
                    chars.next();
                }
                ('"', _) => {
                    state = State::Str {
                        verbatim: previous == '@',
                    };
                    out.push(c);
                }
                ('\'', _) => {
                    state = State::Char;
                    out.push(c);
                }
                _ => out.push(c),
            },
            State::Line => {
                if c == '\n' {
                    state = State::Code;
                    out.push(c);
                } else {
                    out.extend(std::iter::repeat_n(' ', c.len_utf8()));
                }
            }
            State::Block => {
                if c == '*' && next == Some('/') {
                    chars.next();
                    out.push_str("  ");
                    state = State::Code;
                } else if c == '\n' {
                    out.push(c);
                } else {
                    out.extend(std::iter::repeat_n(' ', c.len_utf8()));
                }
            }
            State::Str { verbatim } => {
                out.push(c);
                if verbatim && c == '"' && next == Some('"') {
                    out.push('"');
                    chars.next();
                } else if !verbatim && c == '\\' {
                    if let Some(escaped) = chars.next() {
                        out.push(escaped);
                    }
                } else if c == '"' {
                    state = State::Code;
                }
            }
            State::Char => {
                out.push(c);
                if c == '\\' {
                    if let Some(escaped) = chars.next() {
                        out.push(escaped);
                    }
                } else if c == '\'' {
                    state = State::Code;
                }
            }
        }
        previous = c;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_reads_and_probes() {
        let code = r#"(string)context.Variables["a"] + context.Variables.GetValueOrDefault<string>("b", "") + context.Variables.ContainsKey("c") + context.Variables.GetValueOrDefault("d")"#;
        let names: Vec<(String, Access)> =
            accesses(code).into_iter().map(|(n, _, a)| (n, a)).collect();
        assert_eq!(
            names,
            vec![
                ("a".to_owned(), Access::Read),
                ("b".to_owned(), Access::Read),
                ("c".to_owned(), Access::Probe),
                ("d".to_owned(), Access::Read),
            ]
        );
        let at = accesses(code).first().map_or(0, |(_, at, _)| *at);
        assert_eq!(code.get(at..at + 3), Some("\"a\""));
    }

    #[test]
    fn comments_do_not_count_but_urls_in_strings_stay() {
        let code = "/* var x = context.Variables[\"a\"]; */\n// context.Variables[\"b\"]\nvar u = \"http://x\" + context.Variables[\"c\"];";
        let names: Vec<String> = accesses(code).into_iter().map(|(n, _, _)| n).collect();
        assert_eq!(names, ["c"]);
        let blanked = blank_comments(code);
        assert_eq!(blanked.len(), code.len());
        let at = accesses(code).first().map_or(0, |(_, at, _)| *at);
        assert_eq!(code.get(at..at + 3), Some("\"c\""));
    }

    #[test]
    fn finds_request_headers_but_not_response_headers() {
        let code = r#"context.Request.Headers.GetValueOrDefault("Authorization","").AsJwt() + context.Response.Headers["Authorization"] + context.Request.Headers["x-id"]"#;
        let names: Vec<String> = request_header_accesses(code)
            .into_iter()
            .map(|(n, _, _)| n)
            .collect();
        assert_eq!(names, ["Authorization", "x-id"]);
    }

    #[test]
    fn finds_body_reads_and_whether_they_consume() {
        let code = r#"context.Request.Body.As<JObject>()["a"] + context.Request.Body.As<JObject>(preserveContent: true) + context.Response.Body.As<string>(true) + context.Request.Body.AsFormUrlEncodedContent() /* context.Request.Body.As<string>() */ + context.Request.Body.As<JObject>(keep) + context.Request.Body.As<Dictionary<string, string>>() + ((IResponse)context.Variables["r"]).Body.As<JObject>() + context.Variables.GetValueOrDefault<IResponse>("s").Body.As<string>() + context.Request.Headers.Body"#;
        let reads: Vec<(Message, bool, &str)> = body_reads(code)
            .into_iter()
            .map(|r| {
                (
                    r.message,
                    r.consumes,
                    code.get(r.start..r.end).unwrap_or_default(),
                )
            })
            .collect();
        assert_eq!(
            reads,
            [
                (Message::Request, true, "context.Request.Body.As<JObject>()"),
                (
                    Message::Request,
                    false,
                    "context.Request.Body.As<JObject>(preserveContent: true)"
                ),
                (
                    Message::Response,
                    false,
                    "context.Response.Body.As<string>(true)"
                ),
                (
                    Message::Request,
                    true,
                    "context.Request.Body.AsFormUrlEncodedContent()"
                ),
                (
                    Message::Request,
                    false,
                    "context.Request.Body.As<JObject>(keep)"
                ),
                (
                    Message::Request,
                    true,
                    "context.Request.Body.As<Dictionary<string, string>>()"
                ),
                (
                    Message::Stored("r".to_owned()),
                    true,
                    r#"context.Variables["r"]).Body.As<JObject>()"#
                ),
                (
                    Message::Stored("s".to_owned()),
                    true,
                    r#"context.Variables.GetValueOrDefault<IResponse>("s").Body.As<string>()"#
                ),
            ]
        );
    }

    #[test]
    fn ignores_computed_names() {
        assert!(accesses(r#"context.Variables[name] + context.Variables.Count"#).is_empty());
    }
}
