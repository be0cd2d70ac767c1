//! `System.Text.RegularExpressions` on `fancy-regex`, which has what .NET patterns use and the
//! `regex` crate lacks: lookaround, backreferences, atomic groups.
//!
//! Two .NET rules need translation: groups are numbered unnamed first, then named (so in
//! `(?<y>\d+)-(\d+)` group 1 is the second group), and `$` without `Multiline` also matches
//! before a final newline. Indexes are in UTF-16 units, as .NET's. Matching has a backtracking
//! limit, reported as `RegexMatchTimeoutException`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use super::regex_syntax::Verdict;
use super::{Call, Owner, Registry};
use crate::eval::{Cx, Fault};
use crate::types::{Class, Type};
use crate::value::{MatchData, Object, RegexObject, Str, Value, lock, new_str};

type R = Result<Value, Fault>;

const IGNORE_CASE: i64 = 1;
const MULTILINE: i64 = 2;
pub(super) const EXPLICIT_CAPTURE: i64 = 4;
const SINGLELINE: i64 = 16;
pub(super) const IGNORE_PATTERN_WHITESPACE: i64 = 32;
const RIGHT_TO_LEFT: i64 = 64;

/// The backtracking budget per match attempt.
const BACKTRACK_LIMIT: usize = 200_000;

/// Compiled patterns by (pattern, options).
type RegexCache = HashMap<(String, i64), Arc<RegexObject>>;

/// A capture group of the pattern, in order of its opening parenthesis.
struct GroupInfo {
    name: Option<String>,
}

/// Translates a .NET pattern for `fancy-regex`; returns the pattern and its capture groups in
/// `fancy-regex` numbering.
fn translate(pattern: &str, options: i64) -> Result<(String, Vec<GroupInfo>), String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut groups = Vec::new();
    let mut i = 0;
    let mut in_class = false;
    let multiline = options & MULTILINE != 0;
    let explicit = options & EXPLICIT_CAPTURE != 0;
    while let Some(&c) = chars.get(i) {
        match c {
            '\\' => {
                let next = chars
                    .get(i + 1)
                    .copied()
                    .ok_or("illegal \\ at end of pattern")?;
                match next {
                    'Z' if !in_class => out.push_str(r"(?=\n?\z)"),
                    'k' if chars.get(i + 2) == Some(&'\'') => {
                        // \k'name' → \k<name>
                        let close = chars
                            .get(i + 3..)
                            .and_then(|rest| rest.iter().position(|&x| x == '\''))
                            .ok_or("unterminated \\k")?;
                        let name: String = chars
                            .get(i + 3..i + 3 + close)
                            .unwrap_or_default()
                            .iter()
                            .collect();
                        out.push_str(&format!(r"\k<{name}>"));
                        i += close + 4;
                        continue;
                    }
                    other => {
                        out.push('\\');
                        out.push(other);
                    }
                }
                i += 2;
                continue;
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                // A `]` right after `[` or `[^` is a literal.
                if chars.get(i + 1) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                if chars.get(i + 1) == Some(&']') {
                    out.push_str(r"\]");
                    i += 1;
                }
            }
            '[' if in_class => out.push_str(r"\["),
            '-' if in_class && chars.get(i + 1) == Some(&'[') => {
                return Err("character class subtraction (`[a-z-[aeiou]]`)".to_owned());
            }
            '{' if !in_class
                && !is_quantifier_brace(&chars, i)
                && !after_property_escape(&chars, i) =>
            {
                // `x{,3}` and `a{b}` are literal text in .NET; `fancy-regex` may read a
                // repetition.
                out.push_str(r"\{");
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '$' if !in_class && !multiline => out.push_str(r"(?=\n?\z)"),
            '(' if !in_class => {
                if chars.get(i + 1) == Some(&'?') {
                    match (chars.get(i + 2), chars.get(i + 3)) {
                        (Some('<'), Some(c3)) if *c3 != '=' && *c3 != '!' => {
                            let close = chars
                                .get(i + 3..)
                                .and_then(|rest| rest.iter().position(|&x| x == '>'))
                                .ok_or("unterminated group name")?;
                            let name: String = chars
                                .get(i + 3..i + 3 + close)
                                .unwrap_or_default()
                                .iter()
                                .collect();
                            if name.contains('-') {
                                return Err("balancing groups (`(?<name-other>…)`)".to_owned());
                            }
                            groups.push(GroupInfo {
                                name: Some(name.clone()),
                            });
                            out.push_str(&format!("(?P<{name}>"));
                            i += close + 4;
                            continue;
                        }
                        (Some('\''), _) => {
                            let close = chars
                                .get(i + 3..)
                                .and_then(|rest| rest.iter().position(|&x| x == '\''))
                                .ok_or("unterminated group name")?;
                            let name: String = chars
                                .get(i + 3..i + 3 + close)
                                .unwrap_or_default()
                                .iter()
                                .collect();
                            if name.contains('-') {
                                return Err("balancing groups (`(?<name-other>…)`)".to_owned());
                            }
                            groups.push(GroupInfo {
                                name: Some(name.clone()),
                            });
                            out.push_str(&format!("(?P<{name}>"));
                            i += close + 4;
                            continue;
                        }
                        _ => out.push('('),
                    }
                } else if explicit {
                    out.push_str("(?:");
                } else {
                    groups.push(GroupInfo { name: None });
                    out.push('(');
                }
            }
            other => out.push(other),
        }
        i += 1;
    }
    let mut flags = String::new();
    if options & IGNORE_CASE != 0 {
        flags.push('i');
    }
    if multiline {
        flags.push('m');
    }
    if options & SINGLELINE != 0 {
        flags.push('s');
    }
    if options & IGNORE_PATTERN_WHITESPACE != 0 {
        flags.push('x');
    }
    if !flags.is_empty() {
        out = format!("(?{flags}){out}");
    }
    Ok((out, groups))
}

/// Whether the `{` at `at` opens the name of `\p{…}` or `\P{…}`.
fn after_property_escape(chars: &[char], at: usize) -> bool {
    at >= 2 && matches!(chars.get(at - 1), Some('p' | 'P')) && chars.get(at - 2) == Some(&'\\')
}

/// Whether the `{` at `at` starts `{n}`, `{n,}` or `{n,m}`, a quantifier in .NET.
fn is_quantifier_brace(chars: &[char], at: usize) -> bool {
    let inside: String = chars
        .iter()
        .skip(at + 1)
        .take_while(|c| **c != '}')
        .collect();
    if chars.get(at + 1 + inside.chars().count()) != Some(&'}') {
        return false;
    }
    let (low, high) = inside.split_once(',').unwrap_or((inside.as_str(), ""));
    !low.is_empty()
        && low.chars().all(|c| c.is_ascii_digit())
        && high.chars().all(|c| c.is_ascii_digit())
}

/// Why Gatehouse cannot run a pattern (a construct the translation to `fancy-regex` lacks), or
/// `None` when it can; for a pattern .NET accepts, whose verdict the caller has.
pub(crate) fn cannot_run(pattern: &str, options: i64) -> Option<String> {
    if options & RIGHT_TO_LEFT != 0 {
        return Some("`RegexOptions.RightToLeft`".to_owned());
    }
    match translate(pattern, options) {
        Err(construct) => Some(construct.to_owned()),
        Ok((translated, _)) => fancy_regex::RegexBuilder::new(&translated)
            .build()
            .err()
            .map(|error| error.to_string()),
    }
}

/// Compiles (or finds in the cache) a .NET pattern.
pub(crate) fn compile(
    pattern: &str,
    options: i64,
    call: &Call<'_>,
) -> Result<Arc<RegexObject>, Fault> {
    static CACHE: OnceLock<Mutex<RegexCache>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let key = (pattern.to_owned(), options);
    if let Some(found) = lock(cache).get(&key) {
        return Ok(Arc::clone(found));
    }
    if options & RIGHT_TO_LEFT != 0 {
        return Err(call.throw(
            Class::NotSupportedException,
            "Gatehouse does not implement RegexOptions.RightToLeft.",
        ));
    }
    let invalid =
        |message: String| call.argument_error(format!("Invalid pattern '{pattern}': {message}"));
    // What .NET refuses is refused here by .NET's rules, whatever `fancy-regex` would make of it;
    // where .NET accepts the pattern, a failure from here on is Gatehouse's, not the author's.
    let verdict = super::regex_syntax::verdict_with_options(pattern, options);
    if let Verdict::Refused(refusal) = &verdict {
        return Err(invalid(refusal.clone()));
    }
    let cannot = |what: String| match verdict {
        Verdict::Accepted => call.throw(
            Class::NotSupportedException,
            format!("Gatehouse cannot run the pattern '{pattern}' yet: {what}."),
        ),
        Verdict::Refused(_) | Verdict::Unjudged => invalid(what),
    };
    let (translated, groups) = translate(pattern, options).map_err(|m| cannot(m.to_owned()))?;
    let compiled = fancy_regex::RegexBuilder::new(&translated)
        .backtrack_limit(BACKTRACK_LIMIT)
        .build()
        .map_err(|e| cannot(e.to_string()))?;
    // .NET numbering: unnamed groups first, then named ones by first appearance.
    let mut net_order: Vec<(usize, Option<String>)> = Vec::new();
    for (index, group) in groups.iter().enumerate() {
        if group.name.is_none() {
            net_order.push((index + 1, None));
        }
    }
    for (index, group) in groups.iter().enumerate() {
        if let Some(name) = &group.name {
            net_order.push((index + 1, Some(name.clone())));
        }
    }
    let group_names = net_order
        .iter()
        .enumerate()
        .map(|(net, (fancy, name))| {
            (
                *fancy,
                name.clone().unwrap_or_else(|| (net + 1).to_string()),
            )
        })
        .collect();
    let object = Arc::new(RegexObject {
        pattern: pattern.to_owned(),
        options,
        compiled,
        group_names,
    });
    let mut cache = lock(cache);
    if cache.len() >= 512 {
        cache.clear();
    }
    cache.insert(key, Arc::clone(&object));
    Ok(object)
}

fn utf16_offset(text: &str, byte: usize) -> usize {
    super::strings::utf16_len(text.get(..byte).unwrap_or(text))
}

fn byte_offset(text: &str, units: usize) -> Option<usize> {
    if text.is_ascii() {
        return (units <= text.len()).then_some(units);
    }
    let mut count = 0;
    for (index, c) in text.char_indices() {
        if count == units {
            return Some(index);
        }
        count += c.len_utf16();
    }
    (count == units).then_some(text.len())
}

fn timeout(call: &Call<'_>) -> Fault {
    call.throw(
        Class::RegexMatchTimeoutException,
        "The regular expression engine exceeded its backtracking limit while matching.",
    )
}

/// One match at or after byte `start`, as .NET numbered groups.
fn find_at(
    call: &Call<'_>,
    regex: &Arc<RegexObject>,
    input: &Str,
    start: usize,
) -> Result<Option<MatchData>, Fault> {
    let captures = regex
        .compiled
        .captures_from_pos(&**input, start)
        .map_err(|_| timeout(call))?;
    let Some(captures) = captures else {
        return Ok(None);
    };
    let to_group = |m: Option<fancy_regex::Match<'_>>| {
        m.map(|m| {
            let begin = utf16_offset(input, m.start());
            let length = super::strings::utf16_len(m.as_str());
            (begin, length, Str::from(m.as_str()))
        })
    };
    let mut groups = vec![to_group(captures.get(0))];
    let mut names = Vec::new();
    for (net_index, (fancy, name)) in regex.group_names.iter().enumerate() {
        groups.push(to_group(captures.get(*fancy)));
        names.push((net_index + 1, name.clone()));
    }
    Ok(Some(MatchData {
        input: Arc::clone(input),
        groups,
        names,
        regex: Some(Arc::clone(regex)),
    }))
}

fn failed_match(input: &Str, regex: &RegexObject) -> MatchData {
    MatchData {
        input: Arc::clone(input),
        groups: vec![None; regex.group_names.len() + 1],
        names: regex
            .group_names
            .iter()
            .enumerate()
            .map(|(i, (_, n))| (i + 1, n.clone()))
            .collect(),
        regex: None,
    }
}

/// Byte range of group 0 of a match.
fn match_bytes(data: &MatchData) -> Option<(usize, usize)> {
    let (start, length, _) = data.groups.first()?.as_ref()?;
    let begin = byte_offset(&data.input, *start)?;
    let end = byte_offset(&data.input, start + length)?;
    Some((begin, end))
}

/// Every match from byte `start`, advancing past empty matches.
fn all_matches(
    cx: &mut Cx<'_>,
    call: &Call<'_>,
    regex: &Arc<RegexObject>,
    input: &Str,
    start: usize,
    limit: Option<usize>,
) -> Result<Vec<MatchData>, Fault> {
    let mut out = Vec::new();
    let mut position = start;
    while position <= input.len() {
        if limit.is_some_and(|l| out.len() >= l) {
            break;
        }
        cx.step(call.span)?;
        let Some(data) = find_at(call, regex, input, position)? else {
            break;
        };
        let Some((begin, end)) = match_bytes(&data) else {
            break;
        };
        position = if end == begin {
            end + input
                .get(end..)
                .and_then(|rest| rest.chars().next())
                .map_or(1, char::len_utf8)
        } else {
            end
        };
        out.push(data);
    }
    Ok(out)
}

fn regex_of(call: &Call<'_>) -> Result<Arc<RegexObject>, Fault> {
    match &call.this {
        Value::Object(object) => match &**object {
            Object::Regex(regex) => Ok(Arc::clone(regex)),
            _ => Err(call.internal("not a Regex")),
        },
        _ => Err(crate::eval::null_reference(call.span)),
    }
}

fn match_of(call: &Call<'_>) -> Result<Arc<MatchData>, Fault> {
    match &call.this {
        Value::Object(object) => match &**object {
            Object::Match(data) => Ok(Arc::clone(data)),
            _ => Err(call.internal("not a Match")),
        },
        _ => Err(crate::eval::null_reference(call.span)),
    }
}

fn group_of(call: &Call<'_>) -> Result<(Arc<MatchData>, usize), Fault> {
    match &call.this {
        Value::Object(object) => match &**object {
            Object::Match(data) => Ok((Arc::clone(data), 0)),
            Object::Group(data, index) => Ok((Arc::clone(data), *index)),
            _ => Err(call.internal("not a Group")),
        },
        _ => Err(crate::eval::null_reference(call.span)),
    }
}

/// `Replace`'s substitution language: `$1`, `${name}`, `$$`, `$&`, `` $` ``, `$'`, `$+`, `$_`.
fn expand(replacement: &str, data: &MatchData) -> String {
    let group_text = |index: usize| {
        data.groups
            .get(index)
            .and_then(|g| g.as_ref())
            .map_or("", |g| &*g.2)
    };
    let chars: Vec<char> = replacement.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c != '$' {
            out.push(c);
            i += 1;
            continue;
        }
        match chars.get(i + 1) {
            Some('$') => {
                out.push('$');
                i += 2;
            }
            Some('&') => {
                out.push_str(group_text(0));
                i += 2;
            }
            Some('`') => {
                let start = data
                    .groups
                    .first()
                    .and_then(|g| g.as_ref())
                    .map_or(0, |g| g.0);
                let units: Vec<u16> = data.input.encode_utf16().collect();
                out.push_str(&super::strings::from_utf16(
                    units.get(..start).unwrap_or_default(),
                ));
                i += 2;
            }
            Some('\'') => {
                let end = data
                    .groups
                    .first()
                    .and_then(|g| g.as_ref())
                    .map_or(0, |g| g.0 + g.1);
                let units: Vec<u16> = data.input.encode_utf16().collect();
                out.push_str(&super::strings::from_utf16(
                    units.get(end..).unwrap_or_default(),
                ));
                i += 2;
            }
            Some('+') => {
                out.push_str(group_text(data.groups.len().saturating_sub(1)));
                i += 2;
            }
            Some('_') => {
                out.push_str(&data.input);
                i += 2;
            }
            Some('{') => {
                let close = chars
                    .get(i + 2..)
                    .and_then(|rest| rest.iter().position(|&x| x == '}'));
                match close {
                    Some(close) => {
                        let name: String = chars
                            .get(i + 2..i + 2 + close)
                            .unwrap_or_default()
                            .iter()
                            .collect();
                        match group_number(data, &name) {
                            Some(index) => out.push_str(group_text(index)),
                            None => out.push_str(&format!("${{{name}}}")),
                        }
                        i += close + 3;
                    }
                    None => {
                        out.push('$');
                        i += 1;
                    }
                }
            }
            Some(d) if d.is_ascii_digit() => {
                // The longest number that names a group.
                let digits: String = chars
                    .get(i + 1..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
                let mut taken = digits.len();
                while taken > 0 {
                    if let Ok(index) = digits.get(..taken).unwrap_or_default().parse::<usize>()
                        && index < data.groups.len()
                    {
                        out.push_str(group_text(index));
                        break;
                    }
                    taken -= 1;
                }
                if taken == 0 {
                    out.push('$');
                    i += 1;
                } else {
                    i += 1 + taken;
                }
            }
            _ => {
                out.push('$');
                i += 1;
            }
        }
    }
    out
}

/// A group's number from its name (or its number as text).
fn group_number(data: &MatchData, name: &str) -> Option<usize> {
    if let Ok(number) = name.parse::<usize>() {
        return (number < data.groups.len()).then_some(number);
    }
    data.names.iter().find(|(_, n)| n == name).map(|(i, _)| *i)
}

fn replace_all(
    cx: &mut Cx<'_>,
    call: &Call<'_>,
    regex: &Arc<RegexObject>,
    input: &Str,
    replacement: Replacement<'_>,
    count: Option<usize>,
) -> R {
    let matches = all_matches(cx, call, regex, input, 0, count)?;
    if matches.is_empty() {
        return Ok(Value::String(Arc::clone(input)));
    }
    let mut out = String::with_capacity(input.len());
    let mut last = 0;
    for data in matches {
        let Some((begin, end)) = match_bytes(&data) else {
            continue;
        };
        out.push_str(input.get(last..begin).unwrap_or_default());
        match &replacement {
            Replacement::Text(text) => out.push_str(&expand(text, &data)),
            Replacement::Evaluator(evaluator) => {
                let value = cx.invoke(
                    evaluator,
                    &[Value::object(Object::Match(Arc::new(data)))],
                    call.span,
                )?;
                super::append_display(&mut out, &value);
            }
        }
        last = end;
    }
    out.push_str(input.get(last..).unwrap_or_default());
    cx.charge_bytes(out.len(), call.span)?;
    Ok(new_str(out))
}

enum Replacement<'a> {
    Text(&'a str),
    Evaluator(&'a Value),
}

fn split(cx: &mut Cx<'_>, call: &Call<'_>, regex: &Arc<RegexObject>, input: &Str) -> R {
    let matches = all_matches(cx, call, regex, input, 0, None)?;
    let mut parts: Vec<Str> = Vec::new();
    let mut last = 0;
    for data in &matches {
        let Some((begin, end)) = match_bytes(data) else {
            continue;
        };
        parts.push(Str::from(input.get(last..begin).unwrap_or_default()));
        // Captured groups are included in the result, as .NET does.
        for group in data.groups.iter().skip(1).flatten() {
            parts.push(Arc::clone(&group.2));
        }
        last = end;
    }
    parts.push(Str::from(input.get(last..).unwrap_or_default()));
    Ok(Value::string_array(parts))
}

fn input_arg(call: &Call<'_>, index: usize) -> Result<Str, Fault> {
    call.opt_string(index)
        .ok_or_else(|| call.null_argument("input"))
}

fn pattern_arg(call: &Call<'_>, index: usize) -> Result<Str, Fault> {
    call.opt_string(index)
        .ok_or_else(|| call.null_argument("pattern"))
}

fn start_byte(call: &Call<'_>, input: &str, index: usize) -> Result<usize, Fault> {
    let units = usize::try_from(call.int(index)?).map_err(|_| call.out_of_range("startat"))?;
    byte_offset(input, units).ok_or_else(|| call.out_of_range("startat"))
}

fn match_value(call: &Call<'_>, regex: &Arc<RegexObject>, input: &Str, start: usize) -> R {
    let data = find_at(call, regex, input, start)?.unwrap_or_else(|| failed_match(input, regex));
    Ok(Value::object(Object::Match(Arc::new(data))))
}

fn matches_value(cx: &mut Cx<'_>, call: &Call<'_>, regex: &Arc<RegexObject>, input: &Str) -> R {
    let found = all_matches(cx, call, regex, input, 0, None)?;
    Ok(Value::object(Object::Matches(
        found
            .into_iter()
            .map(|data| Value::object(Object::Match(Arc::new(data))))
            .collect(),
    )))
}

fn options_at(call: &Call<'_>, index: usize) -> i64 {
    call.enumeration(index)
}

/// `Regex.Escape`.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '*' | '+' | '?' | '|' | '{' | '[' | '(' | ')' | '^' | '$' | '.' | '#' | ' ' => {
                out.push('\\');
                out.push(c);
            }
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{c}' => out.push_str("\\f"),
            other => out.push(other),
        }
    }
    out
}

/// `Regex.Unescape`.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('f') => out.push('\u{c}'),
            Some('v') => out.push('\u{b}'),
            Some('a') => out.push('\u{7}'),
            Some('e') => out.push('\u{1b}'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

fn group_value(data: &Arc<MatchData>, index: usize) -> Value {
    Value::object(Object::Group(Arc::clone(data), index))
}

pub(super) fn register(r: &mut Registry) {
    let owner = Owner::Class(Class::Regex);
    r.constructor(owner, "(string pattern)", |_, c| {
        let pattern = pattern_arg(c, 0)?;
        Ok(Value::object(Object::Regex(compile(&pattern, 0, c)?)))
    });
    r.constructor(owner, "(string pattern, RegexOptions options)", |_, c| {
        let pattern = pattern_arg(c, 0)?;
        Ok(Value::object(Object::Regex(compile(
            &pattern,
            options_at(c, 1),
            c,
        )?)))
    });
    r.constructor(
        owner,
        "(string pattern, RegexOptions options, TimeSpan matchTimeout)",
        |_, c| {
            let pattern = pattern_arg(c, 0)?;
            Ok(Value::object(Object::Regex(compile(
                &pattern,
                options_at(c, 1),
                c,
            )?)))
        },
    );
    // Instance members.
    r.method(owner, "IsMatch", "(string input) -> bool", |_, c| {
        let input = input_arg(c, 0)?;
        Ok(Value::Bool(find_at(c, &regex_of(c)?, &input, 0)?.is_some()))
    });
    r.method(
        owner,
        "IsMatch",
        "(string input, int startat) -> bool",
        |_, c| {
            let input = input_arg(c, 0)?;
            let start = start_byte(c, &input, 1)?;
            Ok(Value::Bool(
                find_at(c, &regex_of(c)?, &input, start)?.is_some(),
            ))
        },
    );
    r.method(owner, "Match", "(string input) -> Match", |_, c| {
        let input = input_arg(c, 0)?;
        match_value(c, &regex_of(c)?, &input, 0)
    });
    r.method(
        owner,
        "Match",
        "(string input, int startat) -> Match",
        |_, c| {
            let input = input_arg(c, 0)?;
            let start = start_byte(c, &input, 1)?;
            match_value(c, &regex_of(c)?, &input, start)
        },
    );
    r.method(
        owner,
        "Matches",
        "(string input) -> MatchCollection",
        |cx, c| {
            let input = input_arg(c, 0)?;
            matches_value(cx, c, &regex_of(c)?, &input)
        },
    );
    r.method(
        owner,
        "Replace",
        "(string input, string replacement) -> string",
        |cx, c| {
            let input = input_arg(c, 0)?;
            let replacement = c
                .opt_string(1)
                .ok_or_else(|| c.null_argument("replacement"))?;
            replace_all(
                cx,
                c,
                &regex_of(c)?,
                &input,
                Replacement::Text(&replacement),
                None,
            )
        },
    );
    r.method(
        owner,
        "Replace",
        "(string input, string replacement, int count) -> string",
        |cx, c| {
            let input = input_arg(c, 0)?;
            let replacement = c
                .opt_string(1)
                .ok_or_else(|| c.null_argument("replacement"))?;
            let count = usize::try_from(c.int(2)?).ok();
            replace_all(
                cx,
                c,
                &regex_of(c)?,
                &input,
                Replacement::Text(&replacement),
                count,
            )
        },
    );
    r.method(
        owner,
        "Replace",
        "(string input, Func<Match, string> evaluator) -> string",
        |cx, c| {
            let input = input_arg(c, 0)?;
            let evaluator = c.arg(1).clone();
            replace_all(
                cx,
                c,
                &regex_of(c)?,
                &input,
                Replacement::Evaluator(&evaluator),
                None,
            )
        },
    );
    r.method(owner, "Split", "(string input) -> string[]", |cx, c| {
        let input = input_arg(c, 0)?;
        split(cx, c, &regex_of(c)?, &input)
    });
    r.method(owner, "ToString", "() -> string", |_, c| {
        Ok(new_str(regex_of(c)?.pattern.clone()))
    });
    r.method(owner, "GetGroupNames", "() -> string[]", |_, c| {
        let regex = regex_of(c)?;
        let mut names = vec![Str::from("0")];
        names.extend(regex.group_names.iter().map(|(_, n)| Str::from(n.as_str())));
        Ok(Value::string_array(names))
    });
    r.property(owner, "Options", "RegexOptions", |_, c| {
        Ok(Value::Enum(
            crate::types::EnumKind::RegexOptions,
            regex_of(c)?.options,
        ))
    });
    // Static members.
    for (suffix, options) in [("", None), (", RegexOptions options", Some(2usize))] {
        let _ = options;
        r.static_method(
            owner,
            "IsMatch",
            &format!("(string input, string pattern{suffix}) -> bool"),
            |_, c| {
                let input = input_arg(c, 0)?;
                let regex = compile(&pattern_arg(c, 1)?, options_at(c, 2), c)?;
                Ok(Value::Bool(find_at(c, &regex, &input, 0)?.is_some()))
            },
        );
        r.static_method(
            owner,
            "Match",
            &format!("(string input, string pattern{suffix}) -> Match"),
            |_, c| {
                let input = input_arg(c, 0)?;
                let regex = compile(&pattern_arg(c, 1)?, options_at(c, 2), c)?;
                match_value(c, &regex, &input, 0)
            },
        );
        r.static_method(
            owner,
            "Matches",
            &format!("(string input, string pattern{suffix}) -> MatchCollection"),
            |cx, c| {
                let input = input_arg(c, 0)?;
                let regex = compile(&pattern_arg(c, 1)?, options_at(c, 2), c)?;
                matches_value(cx, c, &regex, &input)
            },
        );
        r.static_method(
            owner,
            "Split",
            &format!("(string input, string pattern{suffix}) -> string[]"),
            |cx, c| {
                let input = input_arg(c, 0)?;
                let regex = compile(&pattern_arg(c, 1)?, options_at(c, 2), c)?;
                split(cx, c, &regex, &input)
            },
        );
    }
    r.static_method(
        owner,
        "Replace",
        "(string input, string pattern, string replacement) -> string",
        |cx, c| {
            let input = input_arg(c, 0)?;
            let regex = compile(&pattern_arg(c, 1)?, 0, c)?;
            let replacement = c
                .opt_string(2)
                .ok_or_else(|| c.null_argument("replacement"))?;
            replace_all(cx, c, &regex, &input, Replacement::Text(&replacement), None)
        },
    );
    r.static_method(
        owner,
        "Replace",
        "(string input, string pattern, string replacement, RegexOptions options) -> string",
        |cx, c| {
            let input = input_arg(c, 0)?;
            let regex = compile(&pattern_arg(c, 1)?, options_at(c, 3), c)?;
            let replacement = c
                .opt_string(2)
                .ok_or_else(|| c.null_argument("replacement"))?;
            replace_all(cx, c, &regex, &input, Replacement::Text(&replacement), None)
        },
    );
    r.static_method(
        owner,
        "Replace",
        "(string input, string pattern, Func<Match, string> evaluator) -> string",
        |cx, c| {
            let input = input_arg(c, 0)?;
            let regex = compile(&pattern_arg(c, 1)?, 0, c)?;
            let evaluator = c.arg(2).clone();
            replace_all(
                cx,
                c,
                &regex,
                &input,
                Replacement::Evaluator(&evaluator),
                None,
            )
        },
    );
    r.static_method(owner, "Escape", "(string str) -> string", |_, c| {
        Ok(new_str(escape(&c.string(0)?)))
    });
    r.static_method(owner, "Unescape", "(string str) -> string", |_, c| {
        Ok(new_str(unescape(&c.string(0)?)))
    });

    // Match, Group, Capture
    let capture = Owner::Class(Class::Capture);
    r.property(capture, "Value", "string", |_, c| {
        let (data, index) = group_of(c)?;
        Ok(data.groups.get(index).and_then(|g| g.as_ref()).map_or_else(
            || Value::String(crate::value::empty_str()),
            |g| Value::String(Arc::clone(&g.2)),
        ))
    });
    r.property(capture, "Index", "int", |_, c| {
        let (data, index) = group_of(c)?;
        Ok(Value::Int32(
            data.groups
                .get(index)
                .and_then(|g| g.as_ref())
                .map_or(0, |g| i32::try_from(g.0).unwrap_or(0)),
        ))
    });
    r.property(capture, "Length", "int", |_, c| {
        let (data, index) = group_of(c)?;
        Ok(Value::Int32(
            data.groups
                .get(index)
                .and_then(|g| g.as_ref())
                .map_or(0, |g| i32::try_from(g.1).unwrap_or(0)),
        ))
    });
    r.method(capture, "ToString", "() -> string", |_, c| {
        let (data, index) = group_of(c)?;
        Ok(data.groups.get(index).and_then(|g| g.as_ref()).map_or_else(
            || Value::String(crate::value::empty_str()),
            |g| Value::String(Arc::clone(&g.2)),
        ))
    });
    let group = Owner::Class(Class::Group);
    r.property(group, "Success", "bool", |_, c| {
        let (data, index) = group_of(c)?;
        Ok(Value::Bool(
            data.groups.get(index).is_some_and(Option::is_some),
        ))
    });
    r.property(group, "Name", "string", |_, c| {
        let (data, index) = group_of(c)?;
        let name = data
            .names
            .iter()
            .find(|(i, _)| *i == index)
            .map_or_else(|| index.to_string(), |(_, n)| n.clone());
        Ok(new_str(name))
    });
    let matched = Owner::Class(Class::Match);
    r.property(matched, "Groups", "GroupCollection", |_, c| {
        Ok(Value::object(Object::Groups(match_of(c)?)))
    });
    r.method(matched, "NextMatch", "() -> Match", |_, c| {
        let data = match_of(c)?;
        let input = Arc::clone(&data.input);
        let Some((begin, end)) = match_bytes(&data) else {
            return Ok(c.this.clone());
        };
        let next = if begin == end {
            end + input
                .get(end..)
                .and_then(|r| r.chars().next())
                .map_or(1, char::len_utf8)
        } else {
            end
        };
        let Some(regex) = data.regex.clone() else {
            return Ok(c.this.clone());
        };
        if next > input.len() {
            return Ok(Value::object(Object::Match(Arc::new(failed_match(
                &input, &regex,
            )))));
        }
        match_value(c, &regex, &input, next)
    });
    r.method(
        matched,
        "Result",
        "(string replacement) -> string",
        |_, c| {
            let data = match_of(c)?;
            let replacement = c
                .opt_string(0)
                .ok_or_else(|| c.null_argument("replacement"))?;
            Ok(new_str(expand(&replacement, &data)))
        },
    );
    r.static_property(matched, "Empty", "Match", |_, _| {
        Ok(Value::object(Object::Match(Arc::new(MatchData {
            input: crate::value::empty_str(),
            groups: vec![None],
            names: Vec::new(),
            regex: None,
        }))))
    });
    let groups = Owner::Class(Class::GroupCollection);
    r.indexer(
        groups,
        "(int groupnum) -> Group",
        |_, c| {
            let data = match &c.this {
                Value::Object(object) => match &**object {
                    Object::Groups(data) => Arc::clone(data),
                    _ => return Err(c.internal("not a GroupCollection")),
                },
                _ => return Err(crate::eval::null_reference(c.span)),
            };
            let index = usize::try_from(c.int(0)?)
                .ok()
                .filter(|i| *i < data.groups.len());
            // An unknown group number gives a failed group, as .NET's `Group.Empty`-like result.
            Ok(match index {
                Some(index) => group_value(&data, index),
                None => group_value(
                    &Arc::new(MatchData {
                        input: Arc::clone(&data.input),
                        groups: vec![None],
                        names: Vec::new(),
                        regex: None,
                    }),
                    0,
                ),
            })
        },
        None,
    );
    r.indexer(
        groups,
        "(string groupname) -> Group",
        |_, c| {
            let data = match &c.this {
                Value::Object(object) => match &**object {
                    Object::Groups(data) => Arc::clone(data),
                    _ => return Err(c.internal("not a GroupCollection")),
                },
                _ => return Err(crate::eval::null_reference(c.span)),
            };
            let name = c.opt_string(0).unwrap_or_default();
            Ok(match group_number(&data, &name) {
                Some(index) => group_value(&data, index),
                None => group_value(
                    &Arc::new(MatchData {
                        input: Arc::clone(&data.input),
                        groups: vec![None],
                        names: Vec::new(),
                        regex: None,
                    }),
                    0,
                ),
            })
        },
        None,
    );
    r.property(groups, "Count", "int", |_, c| match &c.this {
        Value::Object(object) => match &**object {
            Object::Groups(data) => Ok(Value::Int32(i32::try_from(data.groups.len()).unwrap_or(0))),
            _ => Err(c.internal("not a GroupCollection")),
        },
        _ => Err(crate::eval::null_reference(c.span)),
    });
    let collection = Owner::Class(Class::MatchCollection);
    r.property(collection, "Count", "int", |_, c| match &c.this {
        Value::Object(object) => match &**object {
            Object::Matches(items) => Ok(Value::Int32(i32::try_from(items.len()).unwrap_or(0))),
            _ => Err(c.internal("not a MatchCollection")),
        },
        _ => Err(crate::eval::null_reference(c.span)),
    });
    r.indexer(
        collection,
        "(int i) -> Match",
        |_, c| match &c.this {
            Value::Object(object) => match &**object {
                Object::Matches(items) => usize::try_from(c.int(0)?)
                    .ok()
                    .and_then(|i| items.get(i).cloned())
                    .ok_or_else(|| c.out_of_range("i")),
                _ => Err(c.internal("not a MatchCollection")),
            },
            _ => Err(crate::eval::null_reference(c.span)),
        },
        None,
    );
    let _ = Type::String;
}
