//! C# written for a later compiler than APIM's. The docs say policy expressions are C# 7
//! (api-management-policy-expressions.md), so `x switch { … }`, `is not`, `s[1..]` and their
//! kin are syntax errors there as here; this names the feature and its C# 7 form, where the
//! parser alone could only say "unexpected `switch`".

/// What a C# 7 compiler stumbles on at `at` (the unexpected token `found`), if it is the start
/// or the middle of a later feature: the span to mark, the message and the help.
pub(crate) fn newer_feature(
    code: &str,
    at: usize,
    found: &str,
) -> Option<(usize, usize, String, &'static str)> {
    let head = code.get(..at)?.trim_end();
    let rest = code.get(at..)?;
    let after = rest.get(found.len()..).unwrap_or_default().trim_start();
    let end = at + found.len();
    let feature = |start: usize, end: usize, what: &str, help: &'static str| {
        Some((
            start,
            end,
            format!("{what}; policy expressions are c# 7"),
            help,
        ))
    };
    if found == "switch" && after.starts_with('{') && ends_an_operand(head) {
        return feature(
            at,
            end,
            "`switch` expressions are c# 8",
            "use `?:`, or a `switch` statement in `@{ … }` that returns from each case",
        );
    }
    if last_word(head) == "not" && last_word(without_last_word(head)) == "is" {
        let start = head.len() - "not".len();
        return feature(
            start,
            start + "not".len(),
            "`is not` patterns are c# 9",
            "write `!(x is T)`, or `x != null`",
        );
    }
    if found == "{" && (last_word(head) == "is" || last_word(without_last_word(head)) == "is") {
        return feature(
            at,
            end,
            "property patterns, `is { … }`, are c# 8",
            "test the properties themselves: `x != null && x.Count == 0`",
        );
    }
    let in_brackets = crate::parser::open_bracket(code, at).is_some_and(|(_, c)| c == '[');
    if in_brackets
        && (found == "^" || (found == "." && (head.ends_with('.') || after.starts_with('.'))))
    {
        return feature(
            at,
            end,
            "ranges and indices from the end, `[1..]` and `[^1]`, are c# 8",
            "use `Substring(start, length)`, or index with `[s.Length - 1]`",
        );
    }
    if found == "using" && !after.starts_with('(') {
        return feature(
            at,
            end,
            "`using` declarations are c# 8",
            "write a `using (var name = …) { … }` statement",
        );
    }
    if found == "static" {
        return feature(
            at,
            end,
            "`static` local functions are c# 8",
            "delete `static`",
        );
    }
    if found == "(" && last_word(head) == "new" && !without_last_word(head).ends_with('.') {
        return feature(
            at,
            end,
            "`new()` without a type is c# 9",
            "name the type: `new JObject()`",
        );
    }
    if found == "!" && (after.starts_with('.') || after.starts_with('[')) && ends_an_operand(head) {
        return feature(
            at,
            end,
            "the null-forgiving operator `!` is c# 8",
            "delete the `!`: c# 7 has no nullable reference types to silence",
        );
    }
    if found.starts_with('"')
        && code
            .get(..at)
            .is_some_and(|before| before.ends_with("\"\""))
    {
        let start = at - 2;
        let close = rest.find("\"\"\"").map_or(end, |close| at + close + 3);
        return feature(
            start,
            close.max(end),
            "raw string literals, `\"\"\"…\"\"\"`, are c# 11",
            "write a verbatim string, `@\"…\"`, with each `\"` inside doubled",
        );
    }
    None
}

/// Whether `head` ends with something a postfix operator can follow: a name, a literal, `)`
/// or `]`.
fn ends_an_operand(head: &str) -> bool {
    head.chars()
        .last()
        .is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | ')' | ']' | '"'))
}

fn last_word(text: &str) -> &str {
    crate::parser::trailing_word(text.trim_end())
}

fn without_last_word(text: &str) -> &str {
    let text = text.trim_end();
    text.get(..text.len() - last_word(text).len())
        .unwrap_or_default()
        .trim_end()
}
