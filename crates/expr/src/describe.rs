//! A value described with its type, exactly enough to compare with .NET: `int 3`,
//! `string "a\nb"`, `double 7.9999999999999993e-1`, `seq [int 1, int 2]`, `JObject {"a":1}`.
//!
//! The C# oracle (`tests/oracle/harness/Runner.cs`) prints values the same way, so a
//! conformance case passes when the two lines are equal. Sequences are enumerated here, which
//! runs lazy queries; a .NET exception while doing so is the case's result.

use std::fmt::Write;

use gatehouse_diagnostics::Span;

use crate::eval::{Cx, Fault};
use crate::json;
use crate::library;
use crate::types::{Class, Type};
use crate::value::{Object, Value};

fn quote(text: &str, quote: char) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if u32::from(c) < 0x20 || c == '\u{FFFD}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Exact digits: 17 significant for doubles, 9 for floats, in `d.ddde±x` form.
fn floating(value: f64, single: bool) -> String {
    if value.is_nan() {
        return "NaN".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    if single {
        format!("{:.8e}", value as f32)
    } else {
        format!("{value:.16e}")
    }
}

/// Describes a value, enumerating sequences. `Err` is a fault raised while enumerating.
pub fn describe(cx: &mut Cx<'_>, value: &Value) -> Result<String, Fault> {
    describe_within(cx, value, &mut Vec::new())
}

/// `enclosing` holds the collections being described around `value`: a collection that
/// contains itself is described as `seq [...]` where it recurs (.NET would overflow its stack).
fn describe_within(
    cx: &mut Cx<'_>,
    value: &Value,
    enclosing: &mut Vec<usize>,
) -> Result<String, Fault> {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
        describe_value(cx, value, enclosing)
    })
}

fn describe_value(
    cx: &mut Cx<'_>,
    value: &Value,
    enclosing: &mut Vec<usize>,
) -> Result<String, Fault> {
    let span = Span::default();
    Ok(match value {
        Value::Null => "null".to_owned(),
        Value::String(s) => format!("string {}", quote(s, '"')),
        Value::Bool(b) => format!("bool {}", if *b { "True" } else { "False" }),
        Value::Char(c) => format!("char {}", quote(&String::from_utf16_lossy(&[*c]), '\'')),
        Value::SByte(v) => format!("sbyte {v}"),
        Value::Byte(v) => format!("byte {v}"),
        Value::Int16(v) => format!("short {v}"),
        Value::UInt16(v) => format!("ushort {v}"),
        Value::Int32(v) => format!("int {v}"),
        Value::UInt32(v) => format!("uint {v}"),
        Value::Int64(v) => format!("long {v}"),
        Value::UInt64(v) => format!("ulong {v}"),
        Value::Single(v) => format!("float {}", floating(f64::from(*v), true)),
        Value::Double(v) => format!("double {}", floating(*v, false)),
        Value::Decimal(v) => format!("decimal {v}"),
        Value::DateTime(d) => {
            let kind = match d.kind {
                crate::net::time::Kind::Unspecified => "Unspecified",
                crate::net::time::Kind::Utc => "Utc",
                crate::net::time::Kind::Local => "Local",
            };
            format!(
                "DateTime {} {kind}",
                library::format_value(value, Some("o"), span)?
            )
        }
        Value::DateTimeOffset(_) => format!(
            "DateTimeOffset {}",
            library::format_value(value, Some("o"), span)?
        ),
        Value::TimeSpan(_) => format!(
            "TimeSpan {}",
            library::format_value(value, Some("c"), span)?
        ),
        Value::Guid(_) => format!("Guid {}", library::to_display_string(value)),
        Value::Enum(kind, _) => format!("{} {}", kind.name(), library::to_display_string(value)),
        Value::Json(token) => format!(
            "{} {}",
            crate::value::json_class(token).name(),
            json::write_string(token, false)
        ),
        Value::Object(object) => match &**object {
            Object::Bytes(bytes) => {
                let text: Vec<String> = crate::value::read(bytes)
                    .iter()
                    .map(|b| format!("{b:02X}"))
                    .collect();
                format!("byte[] {}", text.join("-"))
            }
            Object::Uri(uri) => format!("Uri {}", uri.absolute()),
            Object::Exception { class, .. } => format!("exception {}", class.name()),
            Object::StringBuilder(_) => format!(
                "StringBuilder {}",
                quote(&library::to_display_string(value), '"')
            ),
            Object::Match(_) => format!("Match {}", quote(&library::to_display_string(value), '"')),
            Object::Group(..) => {
                format!("Group {}", quote(&library::to_display_string(value), '"'))
            }
            Object::Xml(node) => format!("{} {}", node.class().name(), node.to_xml_string(false)),
            Object::XName { .. } => format!("XName {}", library::to_display_string(value)),
            Object::XNamespace(_) => {
                format!("XNamespace {}", library::to_display_string(value))
            }
            Object::KeyValuePair {
                key, value: item, ..
            } => format!(
                "pair ({}, {})",
                describe_within(cx, key, enclosing)?,
                describe_within(cx, item, enclosing)?
            ),
            Object::Anonymous { .. } => format!("anon {}", library::to_display_string(value)),
            Object::Array { .. }
            | Object::List { .. }
            | Object::HashSet { .. }
            | Object::Dictionary { .. }
            | Object::Sequence(_)
            | Object::Grouping { .. }
            | Object::Matches(_)
            | Object::Groups(_)
            | Object::Multimap(_)
            | Object::MatchedParameters(_)
            | Object::Variables => {
                let address = std::sync::Arc::as_ptr(object) as usize;
                if enclosing.contains(&address) {
                    return Ok("seq [...]".to_owned());
                }
                let items = library::collect(cx, value, span)?;
                enclosing.push(address);
                let mut parts = Vec::with_capacity(items.len());
                for item in &items {
                    match describe_within(cx, item, enclosing) {
                        Ok(part) => parts.push(part),
                        Err(fault) => {
                            enclosing.pop();
                            return Err(fault);
                        }
                    }
                }
                enclosing.pop();
                format!("seq [{}]", parts.join(", "))
            }
            other => {
                let name = match other.runtime_type() {
                    Type::Class(class) => class.name().to_owned(),
                    ty => library::type_full_name(&ty),
                };
                let name = if name == Class::Encoding.name() {
                    "Encoding".to_owned()
                } else {
                    name
                };
                format!("{name} {}", library::to_display_string(value))
            }
        },
    })
}
