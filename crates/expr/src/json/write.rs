//! Writing tokens as Newtonsoft does: compact, or indented by two spaces with `\n`.

use std::fmt::Write;

use super::{JData, JToken, JValue};
use crate::net::number::format_double;
use crate::net::time::{self, Kind, Zone};

pub fn write_string(token: &JToken, indented: bool) -> String {
    let mut out = String::new();
    write(&mut out, token, indented, 0);
    out
}

pub fn write(out: &mut String, token: &JToken, indented: bool, level: usize) {
    write_token(out, token, indented, level, usize::MAX);
}

/// The text of `token`, or `None` as soon as it would be longer than `limit` bytes: an indented
/// document nested N deep has O(N²) text, so a writer that can be asked for a huge text must
/// stop rather than allocate it.
pub fn write_limited(token: &JToken, indented: bool, limit: usize) -> Option<String> {
    let mut out = String::new();
    write_token(&mut out, token, indented, 0, limit);
    (out.len() <= limit).then_some(out)
}

fn write_token(out: &mut String, token: &JToken, indented: bool, level: usize, limit: usize) {
    if out.len() > limit {
        return;
    }
    crate::cycles::with_stack(|| write_data(out, token, indented, level, limit));
}

fn write_data(out: &mut String, token: &JToken, indented: bool, level: usize, limit: usize) {
    let data = token.read().clone();
    match data {
        JData::Value(value) => write_value(out, &value),
        JData::Property { name, value } => {
            write_quoted(out, &name);
            out.push(':');
            if indented {
                out.push(' ');
            }
            write_token(out, &value, indented, level, limit);
        }
        JData::Object(children) | JData::Array(children) => {
            let is_object = matches!(&*token.read(), JData::Object(_));
            let (open, close) = if is_object { ('{', '}') } else { ('[', ']') };
            out.push(open);
            if children.is_empty() {
                out.push(close);
                return;
            }
            for (index, child) in children.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                if out.len() > limit {
                    return;
                }
                if indented {
                    out.push('\n');
                    indent(out, level + 1);
                }
                write_token(out, child, indented, level + 1, limit);
            }
            if indented {
                out.push('\n');
                indent(out, level);
            }
            out.push(close);
        }
    }
}

fn indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("  ");
    }
}

/// JSON text of a double: round-trip digits, with `.0` when they look like an integer.
pub fn double_text(value: f64) -> String {
    if value.is_nan() || value.is_infinite() {
        return format!("\"{}\"", format_double(value, "R").unwrap_or_default());
    }
    let text = format_double(value, "R").unwrap_or_default();
    if text.contains(['.', 'E', 'e']) {
        text
    } else {
        format!("{text}.0")
    }
}

pub fn write_value(out: &mut String, value: &JValue) {
    match value {
        JValue::Null => out.push_str("null"),
        JValue::Undefined => out.push_str("undefined"),
        JValue::Boolean(b) => out.push_str(if *b { "true" } else { "false" }),
        JValue::Integer(i) => {
            let _ = write!(out, "{i}");
        }
        JValue::BigInteger(i) => {
            let _ = write!(out, "{i}");
        }
        JValue::Float(f) => out.push_str(&double_text(*f)),
        JValue::Decimal(d) => {
            let text = d.to_string();
            out.push_str(&text);
            if !text.contains('.') {
                out.push_str(".0");
            }
        }
        JValue::String(s) | JValue::Uri(s) => write_quoted(out, s),
        JValue::Date(date) => {
            let zone = Zone {
                kind: date.kind,
                offset_minutes: (date.kind == Kind::Local).then_some(0),
            };
            let text =
                time::format_date(date.ticks, zone, "yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFFK")
                    .unwrap_or_default();
            write_quoted(out, &text);
        }
        JValue::DateOffset(offset) => {
            let zone = Zone {
                kind: Kind::Unspecified,
                offset_minutes: Some(offset.offset_minutes),
            };
            let text =
                time::format_date(offset.ticks, zone, "yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFFK")
                    .unwrap_or_default();
            write_quoted(out, &text);
        }
        JValue::Guid(bytes) => write_quoted(
            out,
            &crate::net::guid::format(bytes, "D").unwrap_or_default(),
        ),
        JValue::Bytes(bytes) => write_quoted(out, &crate::net::base64::encode(bytes)),
        JValue::TimeSpan(ticks) => {
            write_quoted(out, &time::format_timespan(time::TimeSpan(*ticks)))
        }
    }
}

/// A JSON string literal with Newtonsoft's default escaping.
pub fn write_quoted(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}') => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    #[test]
    fn indented_output_matches_newtonsoft() {
        let token = parse(r#"{"a":1,"b":[1,{"c":null}],"e":{},"f":[]}"#, true).unwrap();
        assert_eq!(
            write_string(&token, true),
            "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    {\n      \"c\": null\n    }\n  ],\n  \"e\": {},\n  \"f\": []\n}"
        );
    }

    #[test]
    fn escaping_and_dates() {
        let token = parse(r#"["a\"b\\c\n\u0001", "2020-01-02T10:00:00.5Z"]"#, true).unwrap();
        assert_eq!(
            write_string(&token, false),
            r#"["a\"b\\c\n\u0001","2020-01-02T10:00:00.5Z"]"#
        );
    }
}
