//! `string`, `StringComparer`, `StringBuilder`, and composite formatting.
//!
//! .NET strings are UTF-16: `Length`, indexes and `Substring` count UTF-16 code units, which is
//! what these functions do (ASCII text takes a fast path). Comparisons follow .NET's defaults:
//! `==`, `Equals`, `Contains`, `Replace`, `Split` and `IndexOf(char)` are ordinal;
//! `StartsWith(string)`, `EndsWith(string)`, `IndexOf(string)` and `Compare` are
//! culture-sensitive, which here means the invariant culture.

use std::cmp::Ordering;
use std::sync::Mutex;

use super::{Call, Owner, Registry};
use crate::eval::{Cx, Fault};
use crate::types::{Class, EnumKind, Type};
use crate::value::{self, ComparerKind, Object, Str, Value, lock, new_str};

type R = Result<Value, Fault>;

// ---------------------------------------------------------------- UTF-16 helpers

pub fn utf16_len(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.encode_utf16().count()
    }
}

pub fn units(text: &str) -> Vec<u16> {
    text.encode_utf16().collect()
}

/// Text from UTF-16 units; a lone surrogate becomes U+FFFD.
pub fn from_utf16(units: &[u16]) -> String {
    String::from_utf16_lossy(units)
}

fn index_arg(call: &Call<'_>, index: usize, name: &str) -> Result<usize, Fault> {
    usize::try_from(call.int(index)?).map_err(|_| call.out_of_range(name))
}

fn to_index(position: Option<usize>) -> Value {
    Value::Int32(position.map_or(-1, |p| i32::try_from(p).unwrap_or(i32::MAX)))
}

/// Position of `needle` in `haystack` (UTF-16 units), from `start`.
fn find_units(haystack: &[u16], needle: &[u16], start: usize, fold: bool) -> Option<usize> {
    if needle.is_empty() {
        return (start <= haystack.len()).then_some(start);
    }
    let last = haystack.len().checked_sub(needle.len())?;
    (start..=last).find(|&i| {
        haystack
            .get(i..i + needle.len())
            .is_some_and(|window| units_equal(window, needle, fold))
    })
}

fn rfind_units(haystack: &[u16], needle: &[u16], fold: bool) -> Option<usize> {
    if needle.is_empty() {
        return Some(haystack.len().saturating_sub(1));
    }
    let last = haystack.len().checked_sub(needle.len())?;
    (0..=last).rev().find(|&i| {
        haystack
            .get(i..i + needle.len())
            .is_some_and(|window| units_equal(window, needle, fold))
    })
}

fn units_equal(a: &[u16], b: &[u16], fold: bool) -> bool {
    if fold {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| fold_unit(*x) == fold_unit(*y))
    } else {
        a == b
    }
}

fn fold_unit(unit: u16) -> u16 {
    super::numbers::map_char(unit, true)
}

/// Does this comparison ignore case?
fn ignores_case(comparison: i64) -> bool {
    matches!(comparison, 1 | 3 | 5)
}

/// Ordinal comparison of UTF-16 units.
pub fn ordinal_compare(a: &str, b: &str, ignore_case: bool) -> Ordering {
    if ignore_case {
        a.encode_utf16()
            .map(fold_unit)
            .cmp(b.encode_utf16().map(fold_unit))
    } else if a.is_ascii() && b.is_ascii() {
        a.cmp(b)
    } else {
        a.encode_utf16().cmp(b.encode_utf16())
    }
}

/// Invariant-culture comparison, as far as the ordering of ASCII text goes: letters compare
/// alphabetically regardless of case, digits before letters, punctuation before digits, and
/// only when the text is otherwise equal does lower case come before upper case.
pub fn culture_compare(a: &str, b: &str, ignore_case: bool) -> Ordering {
    fn weight(c: char) -> (u8, u32) {
        if c.is_alphabetic() {
            let lower = c.to_lowercase().next().unwrap_or(c);
            (3, u32::from(lower))
        } else if c.is_numeric() {
            (2, u32::from(c))
        } else if c.is_whitespace() {
            (0, u32::from(c))
        } else {
            (1, u32::from(c))
        }
    }
    let primary = a.chars().map(weight).cmp(b.chars().map(weight));
    if primary != Ordering::Equal || ignore_case {
        return primary;
    }
    // Tertiary: lower case first.
    for (x, y) in a.chars().zip(b.chars()) {
        if x != y {
            return match (x.is_lowercase(), y.is_lowercase()) {
                (true, false) => Ordering::Less,
                (false, true) => Ordering::Greater,
                _ => x.cmp(&y),
            };
        }
    }
    a.len().cmp(&b.len())
}

/// Compares with a `StringComparison`.
pub fn compare_with(a: &str, b: &str, comparison: i64) -> Ordering {
    match comparison {
        4 => ordinal_compare(a, b, false),
        5 => ordinal_compare(a, b, true),
        other => culture_compare(a, b, ignores_case(other)),
    }
}

pub fn equals_with(a: &str, b: &str, comparison: i64) -> bool {
    match comparison {
        4 => a == b,
        5 => ordinal_compare(a, b, true) == Ordering::Equal,
        other if ignores_case(other) => a.to_lowercase() == b.to_lowercase(),
        _ => a == b,
    }
}

fn comparer_kind(value: &Value) -> Option<ComparerKind> {
    match value {
        Value::Object(object) => match &**object {
            Object::StringComparer(kind) => Some(*kind),
            _ => None,
        },
        _ => None,
    }
}

/// Equality under a `StringComparer` (or default equality without one).
pub fn comparer_equals(comparer: Option<ComparerKind>, a: &Value, b: &Value) -> bool {
    match (comparer, a, b) {
        (Some(kind), Value::String(x), Value::String(y)) => match kind {
            ComparerKind::Ordinal | ComparerKind::InvariantCulture => x == y,
            ComparerKind::OrdinalIgnoreCase => ordinal_compare(x, y, true) == Ordering::Equal,
            ComparerKind::InvariantCultureIgnoreCase => x.to_lowercase() == y.to_lowercase(),
        },
        _ => super::value_equals(a, b),
    }
}

pub fn comparer_of(value: &Value) -> Option<ComparerKind> {
    comparer_kind(value)
}

/// `StringComparer.Compare`: null sorts first.
pub fn comparer_compare(kind: Option<ComparerKind>, a: Option<&str>, b: Option<&str>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => match kind {
            Some(ComparerKind::Ordinal) => ordinal_compare(a, b, false),
            Some(ComparerKind::OrdinalIgnoreCase) => ordinal_compare(a, b, true),
            Some(ComparerKind::InvariantCultureIgnoreCase) => culture_compare(a, b, true),
            _ => culture_compare(a, b, false),
        },
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
    }
}

// ---------------------------------------------------------------- case

/// `ToUpperInvariant`: simple (one-to-one) case mapping, as .NET does.
pub fn to_upper(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_uppercase();
    }
    from_utf16(
        &text
            .encode_utf16()
            .map(|u| super::numbers::map_char(u, true))
            .collect::<Vec<_>>(),
    )
}

pub fn to_lower(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    from_utf16(
        &text
            .encode_utf16()
            .map(|u| super::numbers::map_char(u, false))
            .collect::<Vec<_>>(),
    )
}

// ---------------------------------------------------------------- split, trim

fn split_chars(text: &str, separators: &[u16], count: i32, options: i64) -> Vec<String> {
    let separators: Vec<char> = separators
        .iter()
        .filter_map(|u| char::from_u32(u32::from(*u)))
        .collect();
    let whitespace = separators.is_empty();
    let parts: Vec<&str> = if whitespace {
        text.split(char::is_whitespace).collect()
    } else {
        text.split(|c| separators.contains(&c)).collect()
    };
    limit_parts(text, parts, count, options, |rest| {
        if whitespace {
            rest.find(char::is_whitespace).map(|i| {
                (
                    i,
                    rest.get(i..)
                        .and_then(|r| r.chars().next())
                        .map_or(1, char::len_utf8),
                )
            })
        } else {
            rest.find(|c| separators.contains(&c)).map(|i| {
                (
                    i,
                    rest.get(i..)
                        .and_then(|r| r.chars().next())
                        .map_or(1, char::len_utf8),
                )
            })
        }
    })
}

fn split_strings(text: &str, separators: &[String], count: i32, options: i64) -> Vec<String> {
    let separators: Vec<&String> = separators.iter().filter(|s| !s.is_empty()).collect();
    if separators.is_empty() {
        return split_chars(text, &[], count, options);
    }
    let find = |rest: &str| -> Option<(usize, usize)> {
        let mut position = 0;
        while position <= rest.len() {
            let tail = rest.get(position..)?;
            for separator in &separators {
                if tail.starts_with(separator.as_str()) {
                    return Some((position, separator.len()));
                }
            }
            position += tail.chars().next().map_or(1, char::len_utf8);
        }
        None
    };
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some((at, len)) = find(rest) {
        parts.push(rest.get(..at).unwrap_or_default());
        rest = rest.get(at + len..).unwrap_or_default();
    }
    parts.push(rest);
    limit_parts(text, parts, count, options, find)
}

/// Applies `count` and the options to the full list of parts. With a count, the last part is
/// the rest of the text, unsplit.
fn limit_parts(
    text: &str,
    parts: Vec<&str>,
    count: i32,
    options: i64,
    find: impl Fn(&str) -> Option<(usize, usize)>,
) -> Vec<String> {
    let remove_empty = options & 1 != 0;
    let trim = options & 2 != 0;
    let clean = |part: &str| {
        if trim {
            part.trim().to_owned()
        } else {
            part.to_owned()
        }
    };
    let limit = usize::try_from(count).unwrap_or(0);
    if count == i32::MAX || parts.len() <= limit && !remove_empty {
        let mut out: Vec<String> = parts.iter().map(|p| clean(p)).collect();
        if remove_empty {
            out.retain(|p| !p.is_empty());
        }
        return out;
    }
    if limit == 0 {
        return Vec::new();
    }
    // Re-split with the limit: take parts until one is left for the rest.
    let mut out = Vec::new();
    let mut rest = text;
    while out.len() + 1 < limit {
        let Some((at, len)) = find(rest) else { break };
        let part = clean(rest.get(..at).unwrap_or_default());
        rest = rest.get(at + len..).unwrap_or_default();
        if remove_empty && part.is_empty() {
            continue;
        }
        out.push(part);
    }
    if remove_empty {
        // Skip leading separators of the remainder, as .NET does.
        while let Some((0, len)) = find(rest) {
            rest = rest.get(len..).unwrap_or_default();
        }
    }
    let last = clean(rest);
    if !(remove_empty && last.is_empty()) {
        out.push(last);
    }
    out
}

fn chars_of(value: &Value) -> Vec<u16> {
    match value {
        Value::Char(c) => vec![*c],
        Value::Object(object) => match &**object {
            Object::Array { items, .. } => value::read(items)
                .iter()
                .filter_map(|v| {
                    if let Value::Char(c) = v {
                        Some(*c)
                    } else {
                        None
                    }
                })
                .collect(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

fn strings_of(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.to_string()],
        Value::Object(object) => match &**object {
            Object::Array { items, .. } => value::read(items)
                .iter()
                .map(|v| {
                    if let Value::String(s) = v {
                        s.to_string()
                    } else {
                        String::new()
                    }
                })
                .collect(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

fn string_array(parts: Vec<String>) -> Value {
    Value::string_array(parts.into_iter().map(|p| {
        if p.is_empty() {
            value::empty_str()
        } else {
            Str::from(p)
        }
    }))
}

fn trim_with(text: &str, chars: &[u16], start: bool, end: bool) -> String {
    let chars: Vec<char> = chars
        .iter()
        .filter_map(|u| char::from_u32(u32::from(*u)))
        .collect();
    let test = |c: char| {
        if chars.is_empty() {
            c.is_whitespace()
        } else {
            chars.contains(&c)
        }
    };
    let mut result = text;
    if start {
        result = result.trim_start_matches(test);
    }
    if end {
        result = result.trim_end_matches(test);
    }
    result.to_owned()
}

// ---------------------------------------------------------------- composite formatting

/// A composite format's parts, in order.
pub(crate) enum FormatPiece {
    Text(char),
    Item {
        index: usize,
        alignment: i32,
        format: Option<String>,
    },
}

/// Reads a composite format as .NET does (`{index[,alignment][:format]}`, `{{` and `}}` for
/// braces); `Err` where .NET throws `FormatException` whatever the arguments.
pub(crate) fn composite_pieces(format: &str) -> Result<Vec<FormatPiece>, ()> {
    let mut pieces = Vec::with_capacity(format.len());
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                pieces.push(FormatPiece::Text('{'));
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                pieces.push(FormatPiece::Text('}'));
            }
            '}' => return Err(()),
            '{' => {
                let mut spec = String::new();
                loop {
                    match chars.next() {
                        Some('}') => break,
                        Some('{') | None => return Err(()),
                        Some(other) => spec.push(other),
                    }
                }
                let (head, item_format) = match spec.split_once(':') {
                    Some((head, format)) => (head, Some(format.to_owned())),
                    None => (spec.as_str(), None),
                };
                let (index, alignment) = match head.split_once(',') {
                    Some((index, alignment)) => (index.trim(), Some(alignment.trim())),
                    None => (head.trim(), None),
                };
                pieces.push(FormatPiece::Item {
                    index: index.parse().map_err(|_| ())?,
                    alignment: match alignment {
                        Some(a) => a.parse().map_err(|_| ())?,
                        None => 0,
                    },
                    format: item_format,
                });
            }
            other => pieces.push(FormatPiece::Text(other)),
        }
    }
    Ok(pieces)
}

/// Why `string.Format(format, …)` with `arguments` arguments (when known) throws
/// `FormatException` in .NET, whatever their values.
pub(crate) fn composite_format_slip(format: &str, arguments: Option<usize>) -> Option<String> {
    let Ok(pieces) = composite_pieces(format) else {
        return Some("a `{` or `}` is not part of an item `{0}`".to_owned());
    };
    let highest = pieces
        .iter()
        .filter_map(|piece| match piece {
            FormatPiece::Item { index, .. } => Some(*index),
            FormatPiece::Text(_) => None,
        })
        .max()?;
    let arguments = arguments?;
    (highest >= arguments).then(|| {
        format!(
            "item `{{{highest}}}` has no argument: {arguments} {} given",
            if arguments == 1 { "is" } else { "are" }
        )
    })
}

/// `string.Format(format, args)`.
pub fn composite_format(format: &str, args: &[Value], call: &Call<'_>) -> Result<String, Fault> {
    let bad = || call.format_error("Input string was not in a correct format.");
    let mut out = String::with_capacity(format.len() + 16);
    for piece in composite_pieces(format).map_err(|()| bad())? {
        match piece {
            FormatPiece::Text(c) => out.push(c),
            FormatPiece::Item {
                index,
                alignment,
                format,
            } => {
                let value = args.get(index).ok_or_else(|| {
                    call.format_error("Index (zero based) must be greater than or equal to zero and less than the size of the argument list.")
                })?;
                let text = super::format_value(value, format.as_deref(), call.span)?;
                super::pad_aligned(&mut out, &text, alignment);
            }
        }
    }
    Ok(out)
}

fn array_values(value: &Value) -> Vec<Value> {
    match value {
        Value::Object(object) => match &**object {
            Object::Array { items, .. } => value::read(items).clone(),
            _ => vec![value.clone()],
        },
        Value::Null => Vec::new(),
        other => vec![other.clone()],
    }
}

fn builder<'c>(call: &'c Call<'_>) -> Result<&'c Mutex<String>, Fault> {
    match &call.this {
        Value::Object(object) => match &**object {
            Object::StringBuilder(text) => Ok(text),
            _ => Err(call.internal("not a StringBuilder")),
        },
        _ => Err(crate::eval::null_reference(call.span)),
    }
}

fn append(cx: &mut Cx<'_>, call: &Call<'_>, text: &str) -> R {
    cx.charge_bytes(text.len(), call.span)?;
    lock(builder(call)?).push_str(text);
    Ok(call.this.clone())
}

fn join(call: &Call<'_>, separator: &str, items: &[Value]) -> R {
    // `string.Join(",", (string[])null)`: the array itself must not be null.
    if call.name == "Join" && call.arg(1).is_null() {
        return Err(call.null_argument("value"));
    }
    let mut out = String::new();
    for (index, item) in items.iter().enumerate() {
        if index > 0 {
            out.push_str(separator);
        }
        super::append_display(&mut out, item);
    }
    let _ = call;
    Ok(new_str(out))
}

fn separator_text(value: &Value) -> String {
    match value {
        Value::Char(c) => from_utf16(&[*c]),
        other => super::to_display_string(other),
    }
}

// ---------------------------------------------------------------- registration

pub(super) fn register(r: &mut Registry) {
    let s = Owner::String;
    r.property(s, "Length", "int", |_, c| {
        Ok(Value::Int32(
            i32::try_from(utf16_len(&c.this_string()?)).unwrap_or(i32::MAX),
        ))
    });
    r.indexer(
        s,
        "(int index) -> char",
        |_, c| {
            let text = c.this_string()?;
            let index = c.int(0)?;
            let found = usize::try_from(index).ok().and_then(|i| {
                if text.is_ascii() {
                    text.as_bytes().get(i).map(|b| u16::from(*b))
                } else {
                    text.encode_utf16().nth(i)
                }
            });
            found.map(Value::Char).ok_or_else(|| {
                c.throw(
                    Class::IndexOutOfRangeException,
                    "Index was outside the bounds of the array.",
                )
            })
        },
        None,
    );
    r.method(s, "Substring", "(int startIndex) -> string", |_, c| {
        let text = units(&c.this_string()?);
        let start = index_arg(c, 0, "startIndex")?;
        text.get(start..)
            .map(|rest| new_str(from_utf16(rest)))
            .ok_or_else(|| c.out_of_range("startIndex"))
    });
    r.method(
        s,
        "Substring",
        "(int startIndex, int length) -> string",
        |_, c| {
            let text = units(&c.this_string()?);
            let start = index_arg(c, 0, "startIndex")?;
            let length = index_arg(c, 1, "length")?;
            if start > text.len() {
                return Err(c.out_of_range("startIndex"));
            }
            text.get(start..start.saturating_add(length))
                .map(|part| new_str(from_utf16(part)))
                .ok_or_else(|| c.out_of_range("length"))
        },
    );
    // IndexOf / LastIndexOf
    r.method(s, "IndexOf", "(char value) -> int", |_, c| {
        let text = units(&c.this_string()?);
        Ok(to_index(find_units(&text, &[c.character(0)?], 0, false)))
    });
    r.method(
        s,
        "IndexOf",
        "(char value, int startIndex) -> int",
        |_, c| {
            let text = units(&c.this_string()?);
            let start = index_arg(c, 1, "startIndex")?;
            if start > text.len() {
                return Err(c.out_of_range("startIndex"));
            }
            Ok(to_index(find_units(
                &text,
                &[c.character(0)?],
                start,
                false,
            )))
        },
    );
    r.method(s, "IndexOf", "(string value) -> int", |_, c| {
        index_of(c, 0, 4)
    });
    r.method(
        s,
        "IndexOf",
        "(string value, int startIndex) -> int",
        |_, c| index_of(c, c.int(1)?, 4),
    );
    r.method(
        s,
        "IndexOf",
        "(string value, StringComparison comparisonType) -> int",
        |_, c| index_of(c, 0, c.enumeration(1)),
    );
    r.method(
        s,
        "IndexOf",
        "(string value, int startIndex, StringComparison comparisonType) -> int",
        |_, c| index_of(c, c.int(1)?, c.enumeration(2)),
    );
    r.method(s, "IndexOfAny", "(char[] anyOf) -> int", |_, c| {
        let text = units(&c.this_string()?);
        let any = chars_of(c.arg(0));
        Ok(to_index(text.iter().position(|u| any.contains(u))))
    });
    r.method(s, "LastIndexOf", "(char value) -> int", |_, c| {
        let text = units(&c.this_string()?);
        let target = c.character(0)?;
        Ok(to_index(text.iter().rposition(|u| *u == target)))
    });
    r.method(s, "LastIndexOf", "(string value) -> int", |_, c| {
        last_index_of(c, 4)
    });
    r.method(
        s,
        "LastIndexOf",
        "(string value, StringComparison comparisonType) -> int",
        |_, c| last_index_of(c, c.enumeration(1)),
    );
    // Contains / StartsWith / EndsWith / Equals
    r.method(s, "Contains", "(string value) -> bool", |_, c| {
        let text = c.this_string()?;
        let value = c.opt_string(0).ok_or_else(|| c.null_argument("value"))?;
        Ok(Value::Bool(text.contains(&*value)))
    });
    r.method(s, "Contains", "(char value) -> bool", |_, c| {
        let text = units(&c.this_string()?);
        Ok(Value::Bool(text.contains(&c.character(0)?)))
    });
    r.method(
        s,
        "Contains",
        "(string value, StringComparison comparisonType) -> bool",
        |_, c| {
            let text = units(&c.this_string()?);
            let value = units(&c.opt_string(0).ok_or_else(|| c.null_argument("value"))?);
            Ok(Value::Bool(
                find_units(&text, &value, 0, ignores_case(c.enumeration(1))).is_some(),
            ))
        },
    );
    r.method(s, "StartsWith", "(string value) -> bool", |_, c| {
        starts_ends(c, true, 2)
    });
    r.method(
        s,
        "StartsWith",
        "(string value, StringComparison comparisonType) -> bool",
        |_, c| starts_ends(c, true, c.enumeration(1)),
    );
    r.method(s, "StartsWith", "(char value) -> bool", |_, c| {
        let text = units(&c.this_string()?);
        Ok(Value::Bool(text.first() == Some(&c.character(0)?)))
    });
    r.method(s, "EndsWith", "(string value) -> bool", |_, c| {
        starts_ends(c, false, 2)
    });
    r.method(
        s,
        "EndsWith",
        "(string value, StringComparison comparisonType) -> bool",
        |_, c| starts_ends(c, false, c.enumeration(1)),
    );
    r.method(s, "EndsWith", "(char value) -> bool", |_, c| {
        let text = units(&c.this_string()?);
        Ok(Value::Bool(text.last() == Some(&c.character(0)?)))
    });
    r.method(s, "Equals", "(string value) -> bool", |_, c| {
        Ok(Value::Bool(
            matches!((&c.this, c.arg(0)), (Value::String(a), Value::String(b)) if a == b),
        ))
    });
    r.method(
        s,
        "Equals",
        "(string value, StringComparison comparisonType) -> bool",
        |_, c| {
            let text = c.this_string()?;
            Ok(Value::Bool(c.opt_string(0).is_some_and(|other| {
                equals_with(&text, &other, c.enumeration(1))
            })))
        },
    );
    r.method(s, "CompareTo", "(string strB) -> int", |_, c| {
        let text = c.this_string()?;
        Ok(Value::Int32(match c.opt_string(0) {
            None => 1,
            Some(other) => culture_compare(&text, &other, false) as i32,
        }))
    });
    // Split
    r.method(
        s,
        "Split",
        "(params char[] separator) -> string[]",
        |cx, c| split_call(cx, c, SplitArgs::chars(0, None, None)),
    );
    r.method(
        s,
        "Split",
        "(char[] separator, int count) -> string[]",
        |cx, c| split_call(cx, c, SplitArgs::chars(0, Some(1), None)),
    );
    r.method(
        s,
        "Split",
        "(char[] separator, StringSplitOptions options) -> string[]",
        |cx, c| split_call(cx, c, SplitArgs::chars(0, None, Some(1))),
    );
    r.method(
        s,
        "Split",
        "(char[] separator, int count, StringSplitOptions options) -> string[]",
        |cx, c| split_call(cx, c, SplitArgs::chars(0, Some(1), Some(2))),
    );
    r.method(
        s,
        "Split",
        "(char separator, StringSplitOptions options = None) -> string[]",
        |cx, c| split_call(cx, c, SplitArgs::chars(0, None, Some(1))),
    );
    r.method(
        s,
        "Split",
        "(char separator, int count, StringSplitOptions options = None) -> string[]",
        |cx, c| split_call(cx, c, SplitArgs::chars(0, Some(1), Some(2))),
    );
    r.method(
        s,
        "Split",
        "(string[] separator, StringSplitOptions options) -> string[]",
        |cx, c| split_call(cx, c, SplitArgs::strings(0, None, Some(1))),
    );
    r.method(
        s,
        "Split",
        "(string[] separator, int count, StringSplitOptions options) -> string[]",
        |cx, c| split_call(cx, c, SplitArgs::strings(0, Some(1), Some(2))),
    );
    r.method(
        s,
        "Split",
        "(string separator, StringSplitOptions options = None) -> string[]",
        |cx, c| split_call(cx, c, SplitArgs::single_string(0, None, Some(1))),
    );
    r.method(
        s,
        "Split",
        "(string separator, int count, StringSplitOptions options = None) -> string[]",
        |cx, c| split_call(cx, c, SplitArgs::single_string(0, Some(1), Some(2))),
    );
    // Replace
    r.method(
        s,
        "Replace",
        "(char oldChar, char newChar) -> string",
        |_, c| {
            let text = c.this_string()?;
            let (old, new) = (c.character(0)?, c.character(1)?);
            let replaced: Vec<u16> = text
                .encode_utf16()
                .map(|u| if u == old { new } else { u })
                .collect();
            Ok(new_str(from_utf16(&replaced)))
        },
    );
    r.method(
        s,
        "Replace",
        "(string oldValue, string newValue) -> string",
        |cx, c| replace(cx, c, false),
    );
    r.method(
        s,
        "Replace",
        "(string oldValue, string newValue, StringComparison comparisonType) -> string",
        |cx, c| {
            let fold = ignores_case(c.enumeration(2));
            replace(cx, c, fold)
        },
    );
    // Trim
    for (name, start, end) in [
        ("Trim", true, true),
        ("TrimStart", true, false),
        ("TrimEnd", false, true),
    ] {
        r.method(s, name, "() -> string", trim_call);
        r.method(s, name, "(params char[] trimChars) -> string", trim_call);
        r.method(s, name, "(char trimChar) -> string", trim_call);
        let _ = (start, end);
    }
    // Case
    r.method(s, "ToUpper", "() -> string", |_, c| {
        Ok(new_str(to_upper(&c.this_string()?)))
    });
    r.method(s, "ToLower", "() -> string", |_, c| {
        Ok(new_str(to_lower(&c.this_string()?)))
    });
    r.method(s, "ToUpperInvariant", "() -> string", |_, c| {
        Ok(new_str(to_upper(&c.this_string()?)))
    });
    r.method(s, "ToLowerInvariant", "() -> string", |_, c| {
        Ok(new_str(to_lower(&c.this_string()?)))
    });
    // Pad, insert, remove
    r.method(s, "PadLeft", "(int totalWidth) -> string", |cx, c| {
        pad(cx, c, true)
    });
    r.method(
        s,
        "PadLeft",
        "(int totalWidth, char paddingChar) -> string",
        |cx, c| pad(cx, c, true),
    );
    r.method(s, "PadRight", "(int totalWidth) -> string", |cx, c| {
        pad(cx, c, false)
    });
    r.method(
        s,
        "PadRight",
        "(int totalWidth, char paddingChar) -> string",
        |cx, c| pad(cx, c, false),
    );
    r.method(
        s,
        "Insert",
        "(int startIndex, string value) -> string",
        |_, c| {
            let mut text = units(&c.this_string()?);
            let start = index_arg(c, 0, "startIndex")?;
            let value = c.opt_string(1).ok_or_else(|| c.null_argument("value"))?;
            if start > text.len() {
                return Err(c.out_of_range("startIndex"));
            }
            let tail = text.split_off(start);
            text.extend(value.encode_utf16());
            text.extend(tail);
            Ok(new_str(from_utf16(&text)))
        },
    );
    r.method(s, "Remove", "(int startIndex) -> string", |_, c| {
        let text = units(&c.this_string()?);
        let start = index_arg(c, 0, "startIndex")?;
        text.get(..start)
            .map(|head| new_str(from_utf16(head)))
            .ok_or_else(|| c.out_of_range("startIndex"))
    });
    r.method(
        s,
        "Remove",
        "(int startIndex, int count) -> string",
        |_, c| {
            let mut text = units(&c.this_string()?);
            let start = index_arg(c, 0, "startIndex")?;
            let count = index_arg(c, 1, "count")?;
            if start.saturating_add(count) > text.len() {
                return Err(c.out_of_range("count"));
            }
            text.drain(start..start + count);
            Ok(new_str(from_utf16(&text)))
        },
    );
    r.method(s, "ToCharArray", "() -> char[]", |_, c| {
        let text = c.this_string()?;
        Ok(Value::array(
            Type::Char,
            text.encode_utf16().map(Value::Char).collect(),
        ))
    });
    r.method(s, "ToString", "() -> string", |_, c| Ok(c.this.clone()));
    r.method(s, "Clone", "() -> object", |_, c| Ok(c.this.clone()));

    // ----- statics
    r.static_property(s, "Empty", "string", |_, _| {
        Ok(Value::String(value::empty_str()))
    });
    r.static_method(s, "IsNullOrEmpty", "(string value) -> bool", |_, c| {
        Ok(Value::Bool(c.opt_string(0).is_none_or(|s| s.is_empty())))
    });
    r.static_method(s, "IsNullOrWhiteSpace", "(string value) -> bool", |_, c| {
        Ok(Value::Bool(
            c.opt_string(0)
                .is_none_or(|s| s.chars().all(char::is_whitespace)),
        ))
    });
    r.static_method(
        s,
        "Join",
        "(string separator, params string[] value) -> string",
        |_, c| join(c, &separator_text(c.arg(0)), &array_values(c.arg(1))),
    );
    r.static_method(
        s,
        "Join",
        "(string separator, params object[] values) -> string",
        |_, c| join(c, &separator_text(c.arg(0)), &array_values(c.arg(1))),
    );
    r.static_method(
        s,
        "Join",
        "(char separator, params string[] value) -> string",
        |_, c| join(c, &separator_text(c.arg(0)), &array_values(c.arg(1))),
    );
    r.static_method(
        s,
        "Join",
        "(char separator, params object[] values) -> string",
        |_, c| join(c, &separator_text(c.arg(0)), &array_values(c.arg(1))),
    );
    r.static_method(
        s,
        "Join",
        "(string separator, IEnumerable<string> values) -> string",
        |cx, c| {
            let items = super::linq::collect(cx, c.arg(1), c.span)?;
            join(c, &separator_text(c.arg(0)), &items)
        },
    );
    r.static_method(
        s,
        "Join",
        "<T>(string separator, IEnumerable<T> values) -> string",
        |cx, c| {
            let items = super::linq::collect(cx, c.arg(1), c.span)?;
            join(c, &separator_text(c.arg(0)), &items)
        },
    );
    r.static_method(s, "Concat", "(params string[] values) -> string", |_, c| {
        join(c, "", &array_values(c.arg(0)))
    });
    r.static_method(s, "Concat", "(params object[] args) -> string", |_, c| {
        join(c, "", &array_values(c.arg(0)))
    });
    r.static_method(
        s,
        "Concat",
        "(string str0, string str1) -> string",
        |_, c| join(c, "", &c.args.clone()),
    );
    r.static_method(
        s,
        "Concat",
        "(string str0, string str1, string str2) -> string",
        |_, c| join(c, "", &c.args.clone()),
    );
    r.static_method(s, "Concat", "(object arg0) -> string", |_, c| {
        join(c, "", &c.args.clone())
    });
    r.static_method(
        s,
        "Concat",
        "(IEnumerable<string> values) -> string",
        |cx, c| {
            let items = super::linq::collect(cx, c.arg(0), c.span)?;
            join(c, "", &items)
        },
    );
    r.static_method(
        s,
        "Format",
        "(string format, params object[] args) -> string",
        |cx, c| {
            let format = c.opt_string(0).ok_or_else(|| c.null_argument("format"))?;
            let args = array_values(c.arg(1));
            let text = composite_format(&format, &args, c)?;
            cx.charge_bytes(text.len(), c.span)?;
            Ok(new_str(text))
        },
    );
    r.static_method(s, "Compare", "(string strA, string strB) -> int", |_, c| {
        static_compare(c, 2)
    });
    r.static_method(
        s,
        "Compare",
        "(string strA, string strB, bool ignoreCase) -> int",
        |_, c| static_compare(c, if c.boolean(2)? { 3 } else { 2 }),
    );
    r.static_method(
        s,
        "Compare",
        "(string strA, string strB, StringComparison comparisonType) -> int",
        |_, c| static_compare(c, c.enumeration(2)),
    );
    r.static_method(
        s,
        "CompareOrdinal",
        "(string strA, string strB) -> int",
        |_, c| static_compare(c, 4),
    );
    r.static_method(s, "Equals", "(string a, string b) -> bool", |_, c| {
        Ok(Value::Bool(super::value_equals(c.arg(0), c.arg(1))))
    });
    r.static_method(
        s,
        "Equals",
        "(string a, string b, StringComparison comparisonType) -> bool",
        |_, c| {
            Ok(Value::Bool(match (c.opt_string(0), c.opt_string(1)) {
                (Some(a), Some(b)) => equals_with(&a, &b, c.enumeration(2)),
                (None, None) => true,
                _ => false,
            }))
        },
    );
    r.constructor(s, "(char c, int count)", |cx, c| {
        let ch = c.character(0)?;
        let count = usize::try_from(c.int(1)?).map_err(|_| c.out_of_range("count"))?;
        cx.charge_bytes(count, c.span)?;
        Ok(new_str(from_utf16(&vec![ch; count])))
    });
    r.constructor(s, "(char[] value)", |_, c| {
        Ok(new_str(from_utf16(&chars_of(c.arg(0)))))
    });

    // ----- StringComparer
    let comparer = Owner::Class(Class::StringComparer);
    r.static_property(comparer, "Ordinal", "StringComparer", |_, _| {
        Ok(Value::object(Object::StringComparer(ComparerKind::Ordinal)))
    });
    r.static_property(comparer, "OrdinalIgnoreCase", "StringComparer", |_, _| {
        Ok(Value::object(Object::StringComparer(
            ComparerKind::OrdinalIgnoreCase,
        )))
    });
    r.static_property(comparer, "InvariantCulture", "StringComparer", |_, _| {
        Ok(Value::object(Object::StringComparer(
            ComparerKind::InvariantCulture,
        )))
    });
    r.static_property(
        comparer,
        "InvariantCultureIgnoreCase",
        "StringComparer",
        |_, _| {
            Ok(Value::object(Object::StringComparer(
                ComparerKind::InvariantCultureIgnoreCase,
            )))
        },
    );
    r.static_property(comparer, "CurrentCulture", "StringComparer", |_, _| {
        Ok(Value::object(Object::StringComparer(
            ComparerKind::InvariantCulture,
        )))
    });
    r.static_property(
        comparer,
        "CurrentCultureIgnoreCase",
        "StringComparer",
        |_, _| {
            Ok(Value::object(Object::StringComparer(
                ComparerKind::InvariantCultureIgnoreCase,
            )))
        },
    );
    r.method(
        comparer,
        "Equals",
        "(string x, string y) -> bool",
        |_, c| {
            Ok(Value::Bool(comparer_equals(
                comparer_kind(&c.this),
                c.arg(0),
                c.arg(1),
            )))
        },
    );
    r.method(
        comparer,
        "Compare",
        "(string x, string y) -> int",
        |_, c| {
            let kind = comparer_kind(&c.this);
            let (a, b) = (c.opt_string(0), c.opt_string(1));
            Ok(Value::Int32(
                comparer_compare(kind, a.as_deref(), b.as_deref()) as i32,
            ))
        },
    );

    // ----- StringBuilder
    let sb = Owner::Class(Class::StringBuilder);
    r.constructor(sb, "()", |_, _| {
        Ok(Value::object(Object::StringBuilder(Mutex::new(
            String::new(),
        ))))
    });
    r.constructor(sb, "(int capacity)", |_, _| {
        Ok(Value::object(Object::StringBuilder(Mutex::new(
            String::new(),
        ))))
    });
    r.constructor(sb, "(string value)", |_, c| {
        Ok(Value::object(Object::StringBuilder(Mutex::new(
            c.opt_string(0).map_or_else(String::new, |s| s.to_string()),
        ))))
    });
    for ty in [
        "string", "char", "bool", "int", "long", "double", "decimal", "object",
    ] {
        r.method(
            sb,
            "Append",
            &format!("({ty} value) -> StringBuilder"),
            |cx, c| {
                let text = super::to_display_string(c.arg(0));
                append(cx, c, &text)
            },
        );
    }
    r.method(
        sb,
        "Append",
        "(char value, int repeatCount) -> StringBuilder",
        |cx, c| {
            let count = usize::try_from(c.int(1)?).map_err(|_| c.out_of_range("repeatCount"))?;
            let text = from_utf16(&vec![c.character(0)?; count]);
            append(cx, c, &text)
        },
    );
    r.method(sb, "AppendLine", "() -> StringBuilder", |cx, c| {
        append(cx, c, "\n")
    });
    r.method(
        sb,
        "AppendLine",
        "(string value) -> StringBuilder",
        |cx, c| {
            let text = format!("{}\n", c.opt_string(0).unwrap_or_default());
            append(cx, c, &text)
        },
    );
    r.method(
        sb,
        "AppendFormat",
        "(string format, params object[] args) -> StringBuilder",
        |cx, c| {
            let format = c.opt_string(0).ok_or_else(|| c.null_argument("format"))?;
            let text = composite_format(&format, &array_values(c.arg(1)), c)?;
            append(cx, c, &text)
        },
    );
    r.method(
        sb,
        "Insert",
        "(int index, string value) -> StringBuilder",
        |_, c| {
            let index = index_arg(c, 0, "index")?;
            let value = c.opt_string(1).unwrap_or_default();
            let mut text = lock(builder(c)?);
            let mut all = units(&text);
            if index > all.len() {
                return Err(c.out_of_range("index"));
            }
            let tail = all.split_off(index);
            all.extend(value.encode_utf16());
            all.extend(tail);
            *text = from_utf16(&all);
            drop(text);
            Ok(c.this.clone())
        },
    );
    r.method(
        sb,
        "Remove",
        "(int startIndex, int length) -> StringBuilder",
        |_, c| {
            let start = index_arg(c, 0, "startIndex")?;
            let length = index_arg(c, 1, "length")?;
            let mut text = lock(builder(c)?);
            let mut all = units(&text);
            if start.saturating_add(length) > all.len() {
                return Err(c.out_of_range("length"));
            }
            all.drain(start..start + length);
            *text = from_utf16(&all);
            drop(text);
            Ok(c.this.clone())
        },
    );
    r.method(
        sb,
        "Replace",
        "(string oldValue, string newValue) -> StringBuilder",
        |_, c| {
            let old = c.opt_string(0).ok_or_else(|| c.null_argument("oldValue"))?;
            if old.is_empty() {
                return Err(c.argument_error("String cannot be of zero length."));
            }
            let new = c.opt_string(1).unwrap_or_default();
            let mut text = lock(builder(c)?);
            *text = text.replace(&*old, &new);
            drop(text);
            Ok(c.this.clone())
        },
    );
    r.method(sb, "Clear", "() -> StringBuilder", |_, c| {
        lock(builder(c)?).clear();
        Ok(c.this.clone())
    });
    r.property(sb, "Length", "int", |_, c| {
        Ok(Value::Int32(
            i32::try_from(utf16_len(&lock(builder(c)?))).unwrap_or(i32::MAX),
        ))
    });
    r.method(sb, "ToString", "() -> string", |_, c| {
        Ok(new_str(lock(builder(c)?).clone()))
    });
}

fn index_of(c: &Call<'_>, start: i32, comparison: i64) -> R {
    let text = units(&c.this_string()?);
    let value = units(&c.opt_string(0).ok_or_else(|| c.null_argument("value"))?);
    let start = usize::try_from(start)
        .ok()
        .filter(|s| *s <= text.len())
        .ok_or_else(|| c.out_of_range("startIndex"))?;
    Ok(to_index(find_units(
        &text,
        &value,
        start,
        ignores_case(comparison),
    )))
}

fn last_index_of(c: &Call<'_>, comparison: i64) -> R {
    let text = units(&c.this_string()?);
    let value = units(&c.opt_string(0).ok_or_else(|| c.null_argument("value"))?);
    Ok(to_index(rfind_units(
        &text,
        &value,
        ignores_case(comparison),
    )))
}

fn starts_ends(c: &Call<'_>, start: bool, comparison: i64) -> R {
    let text = units(&c.this_string()?);
    let value = units(&c.opt_string(0).ok_or_else(|| c.null_argument("value"))?);
    if value.len() > text.len() {
        return Ok(Value::Bool(false));
    }
    let window = if start {
        text.get(..value.len())
    } else {
        text.get(text.len() - value.len()..)
    };
    Ok(Value::Bool(window.is_some_and(|w| {
        units_equal(w, &value, ignores_case(comparison))
    })))
}

fn static_compare(c: &Call<'_>, comparison: i64) -> R {
    Ok(Value::Int32(match (c.opt_string(0), c.opt_string(1)) {
        (Some(a), Some(b)) => {
            let ordering = compare_with(&a, &b, comparison);
            if comparison == 4 {
                // `CompareOrdinal` returns the difference of the first differing units.
                let (ua, ub) = (units(&a), units(&b));
                match ua.iter().zip(&ub).find(|(x, y)| x != y) {
                    Some((x, y)) => i32::from(*x) - i32::from(*y),
                    None => {
                        i32::try_from(ua.len()).unwrap_or(0) - i32::try_from(ub.len()).unwrap_or(0)
                    }
                }
            } else {
                ordering as i32
            }
        }
        (None, None) => 0,
        (None, Some(_)) => -1,
        (Some(_), None) => 1,
    }))
}

struct SplitArgs {
    separator: usize,
    kind: SeparatorKind,
    count: Option<usize>,
    options: Option<usize>,
}

enum SeparatorKind {
    Chars,
    Strings,
    SingleString,
}

impl SplitArgs {
    fn chars(separator: usize, count: Option<usize>, options: Option<usize>) -> Self {
        SplitArgs {
            separator,
            kind: SeparatorKind::Chars,
            count,
            options,
        }
    }

    fn strings(separator: usize, count: Option<usize>, options: Option<usize>) -> Self {
        SplitArgs {
            separator,
            kind: SeparatorKind::Strings,
            count,
            options,
        }
    }

    fn single_string(separator: usize, count: Option<usize>, options: Option<usize>) -> Self {
        SplitArgs {
            separator,
            kind: SeparatorKind::SingleString,
            count,
            options,
        }
    }
}

fn split_call(cx: &mut Cx<'_>, c: &Call<'_>, args: SplitArgs) -> R {
    let text = c.this_string()?;
    let count = match args.count {
        Some(index) => c.int(index)?,
        None => i32::MAX,
    };
    if count < 0 {
        return Err(c.out_of_range("count"));
    }
    let options = args.options.map_or(0, |index| c.enumeration(index));
    if options & !3 != 0 {
        return Err(c.argument_error("Illegal enum value."));
    }
    cx.charge_bytes(text.len(), c.span)?;
    let separator = c.arg(args.separator);
    let parts = match args.kind {
        SeparatorKind::Chars => split_chars(&text, &chars_of(separator), count, options),
        SeparatorKind::Strings => split_strings(&text, &strings_of(separator), count, options),
        SeparatorKind::SingleString => match c.opt_string(args.separator).filter(|s| !s.is_empty())
        {
            Some(separator) => split_strings(&text, &[separator.to_string()], count, options),
            // A null or empty string separator does not split.
            None => limit_parts(&text, vec![&text], count, options, |_| None),
        },
    };
    Ok(string_array(parts))
}

fn replace(cx: &mut Cx<'_>, c: &Call<'_>, fold: bool) -> R {
    let text = c.this_string()?;
    let old = c.opt_string(0).ok_or_else(|| c.null_argument("oldValue"))?;
    if old.is_empty() {
        return Err(c.argument_error("String cannot be of zero length. (Parameter 'oldValue')"));
    }
    let new = c.opt_string(1).unwrap_or_default();
    let replaced = if fold {
        let haystack = units(&text);
        let needle = units(&old);
        let replacement = units(&new);
        let mut out = Vec::with_capacity(haystack.len());
        let mut position = 0;
        while position < haystack.len() {
            match find_units(&haystack, &needle, position, true) {
                Some(at) => {
                    out.extend_from_slice(haystack.get(position..at).unwrap_or_default());
                    out.extend_from_slice(&replacement);
                    position = at + needle.len();
                }
                None => {
                    out.extend_from_slice(haystack.get(position..).unwrap_or_default());
                    break;
                }
            }
        }
        from_utf16(&out)
    } else {
        text.replace(&*old, &new)
    };
    cx.charge_bytes(replaced.len(), c.span)?;
    if replaced == *text {
        return Ok(c.this.clone());
    }
    Ok(new_str(replaced))
}

fn trim_call(_: &mut Cx<'_>, c: &mut Call<'_>) -> R {
    let text = c.this_string()?;
    let chars = chars_of(c.arg(0));
    let (start, end) = match c.name {
        "TrimStart" => (true, false),
        "TrimEnd" => (false, true),
        _ => (true, true),
    };
    let trimmed = trim_with(&text, &chars, start, end);
    if trimmed.len() == text.len() {
        return Ok(c.this.clone());
    }
    Ok(new_str(trimmed))
}

fn pad(cx: &mut Cx<'_>, c: &Call<'_>, left: bool) -> R {
    let text = c.this_string()?;
    let width = usize::try_from(c.int(0)?).map_err(|_| c.out_of_range("totalWidth"))?;
    let fill = match c.arg(1) {
        Value::Char(ch) => *ch,
        _ => u16::from(b' '),
    };
    let length = utf16_len(&text);
    if width <= length {
        return Ok(c.this.clone());
    }
    cx.charge_bytes(width, c.span)?;
    let padding = from_utf16(&vec![fill; width - length]);
    Ok(new_str(if left {
        format!("{padding}{text}")
    } else {
        format!("{text}{padding}")
    }))
}

#[allow(dead_code, reason = "enum kinds named for the signature table")]
const STRING_ENUMS: [EnumKind; 2] = [EnumKind::StringComparison, EnumKind::StringSplitOptions];
