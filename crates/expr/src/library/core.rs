//! `object` and what every value has: `ToString`, `Equals`, `GetHashCode`; type names as .NET
//! prints them; comparison for sorting; `Nullable<T>`, enums, exceptions, anonymous objects.

use std::cmp::Ordering;
use std::fmt::Write;
use std::sync::Arc;

use gatehouse_diagnostics::Span;

use super::{Call, Owner, Registry};
use crate::eval::{Cx, Fault};
use crate::json::{self, JData, JValue};
use crate::net::{guid, number, time};
use crate::types::{Class, EnumKind, Generic, Type};
use crate::value::{self, DictKey, Object, Value, new_str, read};

type R = Result<Value, Fault>;

// ---------------------------------------------------------------- type names

/// The name `GetType().ToString()` prints: `System.Int32`, `System.Collections.Generic.List`1[System.String]`.
pub fn type_full_name(ty: &Type) -> String {
    match ty {
        Type::Unknown | Type::Object => "System.Object".to_owned(),
        Type::Null => "null".to_owned(),
        Type::Void => "System.Void".to_owned(),
        Type::Bool => "System.Boolean".to_owned(),
        Type::Char => "System.Char".to_owned(),
        Type::SByte => "System.SByte".to_owned(),
        Type::Byte => "System.Byte".to_owned(),
        Type::Int16 => "System.Int16".to_owned(),
        Type::UInt16 => "System.UInt16".to_owned(),
        Type::Int32 => "System.Int32".to_owned(),
        Type::UInt32 => "System.UInt32".to_owned(),
        Type::Int64 => "System.Int64".to_owned(),
        Type::UInt64 => "System.UInt64".to_owned(),
        Type::Single => "System.Single".to_owned(),
        Type::Double => "System.Double".to_owned(),
        Type::Decimal => "System.Decimal".to_owned(),
        Type::String => "System.String".to_owned(),
        Type::Nullable(inner) => format!("System.Nullable`1[{}]", type_full_name(inner)),
        Type::Array(element) => format!("{}[]", type_full_name(element)),
        Type::Generic(generic, args) => {
            let namespace = "System.Collections.Generic";
            let names: Vec<String> = args.iter().map(type_full_name).collect();
            let name = match generic {
                Generic::IEnumerable => "IEnumerable",
                Generic::IOrderedEnumerable => {
                    return format!("System.Linq.IOrderedEnumerable`1[{}]", names.join(","));
                }
                Generic::IGrouping => {
                    return format!("System.Linq.IGrouping`2[{}]", names.join(","));
                }
                other => other.name(),
            };
            format!("{namespace}.{name}`{}[{}]", args.len(), names.join(","))
        }
        Type::Class(class) => format!("{}.{}", class.namespace(), class.name()),
        Type::Enum(kind) => {
            let namespace = match kind {
                EnumKind::RegexOptions => "System.Text.RegularExpressions",
                EnumKind::Formatting => "Newtonsoft.Json",
                EnumKind::JTokenType => "Newtonsoft.Json.Linq",
                EnumKind::ProductState | EnumKind::CarbonIntensityCategory => {
                    "Microsoft.Azure.ApiManagement"
                }
                _ => "System",
            };
            format!("{namespace}.{}", kind.name())
        }
        Type::Func(params, result) => {
            let mut names: Vec<String> = params.iter().map(type_full_name).collect();
            if **result == Type::Void {
                if names.is_empty() {
                    return "System.Action".to_owned();
                }
                return format!("System.Action`{}[{}]", names.len(), names.join(","));
            }
            names.push(type_full_name(result));
            format!("System.Func`{}[{}]", names.len(), names.join(","))
        }
        Type::Anonymous(members) => format!("<>f__AnonymousType0`{}", members.len()),
        Type::Param(_) => "T".to_owned(),
    }
}

// ---------------------------------------------------------------- ToString

/// `value.ToString()` (null as empty, as concatenation treats it).
pub fn to_display_string(value: &Value) -> String {
    let mut out = String::new();
    append_display(&mut out, value);
    out
}

/// Appends `value.ToString()`.
pub fn append_display(out: &mut String, value: &Value) {
    match value {
        Value::Null => {}
        Value::String(s) => out.push_str(s),
        Value::Bool(b) => out.push_str(if *b { "True" } else { "False" }),
        Value::Char(c) => out.push_str(&super::strings::from_utf16(&[*c])),
        Value::SByte(v) => {
            let _ = write!(out, "{v}");
        }
        Value::Byte(v) => {
            let _ = write!(out, "{v}");
        }
        Value::Int16(v) => {
            let _ = write!(out, "{v}");
        }
        Value::UInt16(v) => {
            let _ = write!(out, "{v}");
        }
        Value::Int32(v) => {
            let _ = write!(out, "{v}");
        }
        Value::UInt32(v) => {
            let _ = write!(out, "{v}");
        }
        Value::Int64(v) => {
            let _ = write!(out, "{v}");
        }
        Value::UInt64(v) => {
            let _ = write!(out, "{v}");
        }
        Value::Single(v) => out.push_str(&number::format_single(*v, "").unwrap_or_default()),
        Value::Double(v) => out.push_str(&number::format_double(*v, "").unwrap_or_default()),
        Value::Decimal(v) => {
            let _ = write!(out, "{v}");
        }
        Value::DateTime(d) => out.push_str(
            &time::format_date(
                d.ticks,
                time::Zone {
                    kind: d.kind,
                    offset_minutes: None,
                },
                "G",
            )
            .unwrap_or_default(),
        ),
        Value::DateTimeOffset(d) => out.push_str(&format_offset(*d, "G").unwrap_or_default()),
        Value::TimeSpan(t) => out.push_str(&time::format_timespan(*t)),
        Value::Guid(g) => out.push_str(&guid::format(g, "D").unwrap_or_default()),
        Value::Enum(kind, v) => out.push_str(&enum_name(*kind, *v)),
        Value::Json(token) => out.push_str(&super::json::token_to_string(token, true)),
        Value::Object(object) => crate::cycles::with_stack(|| append_object(out, object)),
    }
}

pub(crate) fn format_offset(d: time::DateTimeOffset, format: &str) -> Option<String> {
    time::format_date(
        d.ticks,
        time::Zone {
            kind: time::Kind::Unspecified,
            offset_minutes: Some(d.offset_minutes),
        },
        format,
    )
}

/// An enum value's name; flags combine as `A, B`; unknown values print as numbers.
pub fn enum_name(kind: EnumKind, value: i64) -> String {
    if let Some(name) = kind.member_name(value) {
        return name.to_owned();
    }
    if kind.is_flags() && value > 0 {
        let mut names = Vec::new();
        let mut rest = value;
        for (name, bit) in kind.members().iter().rev() {
            if *bit != 0 && rest & bit == *bit {
                names.push(*name);
                rest &= !bit;
            }
        }
        if rest == 0 {
            names.reverse();
            return names.join(", ");
        }
    }
    value.to_string()
}

fn append_object(out: &mut String, object: &Object) {
    match object {
        Object::StringBuilder(text) => out.push_str(&value::lock(text)),
        Object::Anonymous { names, values } => {
            out.push_str("{ ");
            for (index, (name, value)) in names.iter().zip(values).enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                out.push_str(name);
                out.push_str(" = ");
                append_display(out, value);
            }
            out.push_str(" }");
        }
        Object::KeyValuePair { key, value, .. } => {
            out.push('[');
            append_display(out, key);
            out.push_str(", ");
            append_display(out, value);
            out.push(']');
        }
        Object::Uri(uri) => out.push_str(&uri.absolute()),
        Object::Regex(regex) => out.push_str(&regex.pattern),
        Object::Match(data) => out.push_str(
            &data
                .groups
                .first()
                .and_then(|g| g.as_ref())
                .map_or_else(String::new, |g| g.2.to_string()),
        ),
        Object::Group(data, index) => {
            out.push_str(
                &data
                    .groups
                    .get(*index)
                    .and_then(|g| g.as_ref())
                    .map_or_else(String::new, |g| g.2.to_string()),
            );
        }
        Object::Exception { class, message } => {
            let _ = write!(out, "{}.{}: {message}", class.namespace(), class.name());
        }
        Object::Url(url) => out.push_str(&url.to_text()),
        Object::Xml(node) => out.push_str(&node.to_xml_string(true)),
        Object::XName { namespace, local } => {
            if namespace.is_empty() {
                out.push_str(local);
            } else {
                let _ = write!(out, "{{{namespace}}}{local}");
            }
        }
        Object::XNamespace(namespace) => out.push_str(namespace),
        Object::Encoding(kind) => out.push_str(super::text::encoding_class_name(*kind)),
        Object::HashAlgorithmName(name) => out.push_str(name),
        Object::StringComparer(_) => out.push_str("System.StringComparer"),
        Object::RuntimeType(ty) => out.push_str(&type_full_name(ty)),
        other => out.push_str(&type_full_name(&other.runtime_type())),
    }
}

/// `string.Format`-style formatting of one value with an optional format string.
pub fn format_value(value: &Value, format: Option<&str>, span: Span) -> Result<String, Fault> {
    let Some(format) = format.filter(|f| !f.is_empty()) else {
        return Ok(to_display_string(value));
    };
    let bad = || {
        Fault::throw(
            Class::FormatException,
            "Input string was not in a correct format.",
            span,
        )
    };
    let text = match value {
        Value::SByte(_)
        | Value::Byte(_)
        | Value::Int16(_)
        | Value::UInt16(_)
        | Value::Int32(_)
        | Value::UInt32(_)
        | Value::Int64(_)
        | Value::UInt64(_) => {
            let bits = integer_bits(value);
            number::format_integer(crate::eval::integer_of(value).unwrap_or(0), bits, format)
                .ok_or_else(bad)?
        }
        Value::Single(v) => number::format_single(*v, format).ok_or_else(bad)?,
        Value::Double(v) => number::format_double(*v, format).ok_or_else(bad)?,
        Value::Decimal(v) => number::format_decimal(*v, format).ok_or_else(bad)?,
        Value::DateTime(d) => time::format_date(
            d.ticks,
            time::Zone {
                kind: d.kind,
                offset_minutes: None,
            },
            format,
        )
        .ok_or_else(bad)?,
        Value::DateTimeOffset(d) => format_offset(*d, format).ok_or_else(bad)?,
        Value::TimeSpan(t) => super::time::format_timespan_with(*t, format).ok_or_else(bad)?,
        Value::Guid(g) => guid::format(g, format).ok_or_else(bad)?,
        Value::Enum(kind, v) => match format {
            "G" | "g" | "F" | "f" => enum_name(*kind, *v),
            "D" | "d" => v.to_string(),
            "X" | "x" => format!("{v:08X}"),
            _ => return Err(bad()),
        },
        other => to_display_string(other),
    };
    Ok(text)
}

pub(crate) fn integer_bits(value: &Value) -> u32 {
    match value {
        Value::SByte(_) | Value::Byte(_) => 8,
        Value::Int16(_) | Value::UInt16(_) => 16,
        Value::Int64(_) | Value::UInt64(_) => 64,
        _ => 32,
    }
}

/// Pads `text` to `alignment` (right-aligned when positive, left when negative).
pub fn pad_aligned(out: &mut String, text: &str, alignment: i32) {
    let width = usize::try_from(alignment.unsigned_abs()).unwrap_or(0);
    let len = super::strings::utf16_len(text);
    if len >= width {
        out.push_str(text);
        return;
    }
    let padding = " ".repeat(width - len);
    if alignment > 0 {
        out.push_str(&padding);
        out.push_str(text);
    } else {
        out.push_str(text);
        out.push_str(&padding);
    }
}

// ---------------------------------------------------------------- equality, hashing, order

/// `a.Equals(b)` as the run-time types define it (`object.Equals(a, b)` for nulls).
pub fn value_equals(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Null, _) | (_, Value::Null) => false,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Char(x), Value::Char(y)) => x == y,
        (Value::SByte(x), Value::SByte(y)) => x == y,
        (Value::Byte(x), Value::Byte(y)) => x == y,
        (Value::Int16(x), Value::Int16(y)) => x == y,
        (Value::UInt16(x), Value::UInt16(y)) => x == y,
        (Value::Int32(x), Value::Int32(y)) => x == y,
        (Value::UInt32(x), Value::UInt32(y)) => x == y,
        (Value::Int64(x), Value::Int64(y)) => x == y,
        (Value::UInt64(x), Value::UInt64(y)) => x == y,
        (Value::Single(x), Value::Single(y)) => x == y || (x.is_nan() && y.is_nan()),
        (Value::Double(x), Value::Double(y)) => x == y || (x.is_nan() && y.is_nan()),
        (Value::Decimal(x), Value::Decimal(y)) => x == y,
        (Value::DateTime(x), Value::DateTime(y)) => x.ticks == y.ticks,
        (Value::DateTimeOffset(x), Value::DateTimeOffset(y)) => x.utc_ticks() == y.utc_ticks(),
        (Value::TimeSpan(x), Value::TimeSpan(y)) => x == y,
        (Value::Guid(x), Value::Guid(y)) => x == y,
        (Value::Enum(k1, x), Value::Enum(k2, y)) => k1 == k2 && x == y,
        (Value::Json(x), Value::Json(y)) => {
            if Arc::ptr_eq(x, y) {
                return true;
            }
            // `JValue` overrides `Equals`; containers compare references.
            match (x.value(), y.value()) {
                (Some(p), Some(q)) => super::json::jvalue_equals(&p, &q),
                _ => false,
            }
        }
        (Value::Object(x), Value::Object(y)) => crate::cycles::with_stack(|| {
            if Arc::ptr_eq(x, y) {
                return true;
            }
            match (&**x, &**y) {
                (
                    Object::Anonymous {
                        names: n1,
                        values: v1,
                    },
                    Object::Anonymous {
                        names: n2,
                        values: v2,
                    },
                ) => {
                    n1 == n2
                        && v1.len() == v2.len()
                        && v1.iter().zip(v2).all(|(a, b)| value_equals(a, b))
                }
                (
                    Object::KeyValuePair {
                        key: k1, value: v1, ..
                    },
                    Object::KeyValuePair {
                        key: k2, value: v2, ..
                    },
                ) => value_equals(k1, k2) && value_equals(v1, v2),
                (Object::Uri(u1), Object::Uri(u2)) => u1.absolute() == u2.absolute(),
                (Object::Encoding(e1), Object::Encoding(e2)) => e1 == e2,
                (Object::HashAlgorithmName(n1), Object::HashAlgorithmName(n2)) => n1 == n2,
                (a, b) => a.same_xml_name(b),
            }
        }),
        _ => false,
    }
}

/// `object.Equals(a, b)`, for `x is 5` patterns.
pub fn object_equals_static(_: &mut Cx<'_>, call: &mut Call<'_>) -> R {
    Ok(Value::Bool(value_equals(call.arg(0), call.arg(1))))
}

/// A key for hashing containers (dictionary keys, `Distinct`, `HashSet`).
pub fn dict_key(value: &Value, ignore_case: bool) -> DictKey {
    match value {
        Value::String(s) if ignore_case => DictKey::String(s.to_uppercase()),
        Value::String(s) => DictKey::String(s.to_string()),
        Value::Bool(b) => DictKey::Bool(*b),
        Value::Guid(g) => DictKey::Guid(*g),
        Value::Null => DictKey::Other("\u{0}null".to_owned()),
        other => match crate::eval::integer_of(other) {
            Some(number) if !matches!(other, Value::Enum(..)) => DictKey::Integer(number),
            _ => DictKey::Other(format!(
                "{}\u{0}{}",
                type_full_name(&other.runtime_type()),
                identity_text(other)
            )),
        },
    }
}

fn identity_text(value: &Value) -> String {
    match value {
        Value::Json(token) => format!("{:p}", Arc::as_ptr(token)),
        Value::Object(object) => match &**object {
            Object::Anonymous { .. }
            | Object::KeyValuePair { .. }
            | Object::Uri(_)
            | Object::XName { .. }
            | Object::XNamespace(_) => to_display_string(value),
            _ => format!("{:p}", Arc::as_ptr(object)),
        },
        other => to_display_string(other),
    }
}

/// `GetHashCode()`: .NET's values where they are fixed (integers, bools, chars, GUIDs); a
/// stable FNV hash for strings (.NET randomizes string hashes per process).
pub fn hash_code(value: &Value) -> i32 {
    match value {
        Value::Null => 0,
        Value::Bool(b) => i32::from(*b),
        Value::Char(c) => i32::from(*c) | (i32::from(*c) << 16),
        Value::SByte(v) => (i32::from(*v) & 0xff) | (i32::from(*v) << 8),
        Value::Byte(v) => i32::from(*v),
        Value::Int16(v) => (i32::from(*v) & 0xffff) | (i32::from(*v) << 16),
        Value::UInt16(v) => i32::from(*v),
        Value::Int32(v) => *v,
        Value::UInt32(v) => *v as i32,
        Value::Int64(v) => (*v as i32) ^ ((*v >> 32) as i32),
        Value::UInt64(v) => (*v as i32) ^ ((*v >> 32) as i32),
        Value::Double(v) => {
            let bits = if *v == 0.0 { 0 } else { v.to_bits() as i64 };
            (bits as i32) ^ ((bits >> 32) as i32)
        }
        Value::Single(v) => {
            if *v == 0.0 {
                0
            } else {
                v.to_bits() as i32
            }
        }
        Value::Guid(g) => guid::hash_code(g),
        Value::DateTime(d) => (d.ticks as i32) ^ ((d.ticks >> 32) as i32),
        Value::TimeSpan(t) => (t.0 as i32) ^ ((t.0 >> 32) as i32),
        Value::Enum(_, v) => *v as i32,
        other => {
            let text = identity_text(other);
            let mut hash: u32 = 0x811c_9dc5;
            for byte in text.bytes() {
                hash ^= u32::from(byte);
                hash = hash.wrapping_mul(0x0100_0193);
            }
            hash as i32
        }
    }
}

/// `Comparer<T>.Default.Compare(a, b)`: numbers by value, strings by invariant culture, dates by
/// time; null first.
pub fn compare_values(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        (Value::String(x), Value::String(y)) => super::strings::culture_compare(x, y, false),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::DateTime(x), Value::DateTime(y)) => x.ticks.cmp(&y.ticks),
        (Value::DateTimeOffset(x), Value::DateTimeOffset(y)) => x.utc_ticks().cmp(&y.utc_ticks()),
        (Value::TimeSpan(x), Value::TimeSpan(y)) => x.cmp(y),
        (Value::Guid(x), Value::Guid(y)) => guid_compare(x, y),
        (Value::Decimal(x), Value::Decimal(y)) => x.cmp(y),
        (Value::Json(x), Value::Json(y)) => match (x.value(), y.value()) {
            (Some(p), Some(q)) => super::json::jvalue_compare(&p, &q),
            _ => Ordering::Equal,
        },
        (x, y) => match (crate::eval::integer_of(x), crate::eval::integer_of(y)) {
            (Some(p), Some(q)) => p.cmp(&q),
            _ => match (crate::eval::float_of(x), crate::eval::float_of(y)) {
                // .NET orders NaN first.
                (Some(p), Some(q)) => p
                    .partial_cmp(&q)
                    .unwrap_or_else(|| p.is_nan().cmp(&q.is_nan()).reverse()),
                _ => Ordering::Equal,
            },
        },
    }
}

/// `Guid.CompareTo`: by the fields `a` (int), `b`, `c` (short), then the bytes, unsigned.
fn guid_compare(x: &[u8; 16], y: &[u8; 16]) -> Ordering {
    let a = |g: &[u8; 16]| u32::from_le_bytes([g[0], g[1], g[2], g[3]]);
    let b = |g: &[u8; 16]| u16::from_le_bytes([g[4], g[5]]);
    let c = |g: &[u8; 16]| u16::from_le_bytes([g[6], g[7]]);
    a(x).cmp(&a(y))
        .then(b(x).cmp(&b(y)))
        .then(c(x).cmp(&c(y)))
        .then(x.get(8..).cmp(&y.get(8..)))
}

// ---------------------------------------------------------------- members

/// A member of an anonymous object.
pub fn anonymous_member(_: &mut Cx<'_>, call: &mut Call<'_>) -> R {
    let index = usize::try_from(call.int(0)?).unwrap_or(usize::MAX);
    match &call.this {
        Value::Object(object) => match &**object {
            Object::Anonymous { values, .. } => {
                Ok(values.get(index).cloned().unwrap_or(Value::Null))
            }
            _ => Err(call.internal("anonymous member of another object")),
        },
        _ => Err(crate::eval::null_reference(call.span)),
    }
}

fn runtime_type_of(call: &Call<'_>) -> Result<Type, Fault> {
    match &call.this {
        Value::Object(object) => match &**object {
            Object::RuntimeType(ty) => Ok(ty.clone()),
            _ => Err(call.internal("not a Type")),
        },
        _ => Err(crate::eval::null_reference(call.span)),
    }
}

/// `Type.Name`: the name without namespace (`Int32`, `List`1`, `String[]`).
pub fn short_type_name(ty: &Type) -> String {
    let full = type_full_name(ty);
    let head = full.split('[').next().unwrap_or(&full);
    let suffix = if matches!(ty, Type::Array(_)) {
        "[]"
    } else {
        ""
    };
    let name = head.rsplit('.').next().unwrap_or(head);
    match ty {
        Type::Array(element) => format!("{}{suffix}", short_type_name(element)),
        _ => name.to_owned(),
    }
}

fn exception_message(call: &Call<'_>) -> String {
    match &call.this {
        Value::Object(object) => match &**object {
            Object::Exception { message, .. } => message.clone(),
            _ => String::new(),
        },
        _ => String::new(),
    }
}

fn new_exception(class: Class, call: &Call<'_>) -> Value {
    let message = call
        .opt_string(0)
        .map_or_else(|| default_message(class).to_owned(), |s| s.to_string());
    Value::object(Object::Exception { class, message })
}

macro_rules! exception_constructors {
    ($registry:ident: $($class:ident),* $(,)?) => {
        $(
            $registry.constructor(Owner::Class(Class::$class), "()", |_, c| Ok(new_exception(Class::$class, c)));
            $registry.constructor(Owner::Class(Class::$class), "(string message)", |_, c| Ok(new_exception(Class::$class, c)));
        )*
    };
}

fn default_message(class: Class) -> &'static str {
    match class {
        Class::Exception => "Exception of type 'System.Exception' was thrown.",
        Class::InvalidOperationException => {
            "Operation is not valid due to the current state of the object."
        }
        Class::ArgumentException => "Value does not fall within the expected range.",
        Class::ArgumentNullException => "Value cannot be null.",
        Class::FormatException => "One of the identified items was in an invalid format.",
        Class::NotSupportedException => "Specified method is not supported.",
        _ => "An exception was thrown.",
    }
}

pub(super) fn register(r: &mut Registry) {
    r.method(Owner::Object, "ToString", "() -> string", |_, c| {
        Ok(new_str(to_display_string(&c.this)))
    });
    r.method(Owner::Object, "Equals", "(object obj) -> bool", |_, c| {
        Ok(Value::Bool(value_equals(&c.this, c.arg(0))))
    });
    r.method(Owner::Object, "GetHashCode", "() -> int", |_, c| {
        Ok(Value::Int32(hash_code(&c.this)))
    });
    r.method(Owner::Object, "GetType", "() -> Type", |_, c| {
        Ok(Value::object(Object::RuntimeType(c.this.runtime_type())))
    });
    let system_type = Owner::Class(Class::SystemType);
    r.property(system_type, "Name", "string", |_, c| {
        Ok(new_str(short_type_name(&runtime_type_of(c)?)))
    });
    r.property(system_type, "FullName", "string", |_, c| {
        Ok(new_str(type_full_name(&runtime_type_of(c)?)))
    });
    r.property(system_type, "Namespace", "string", |_, c| {
        let full = type_full_name(&runtime_type_of(c)?);
        let head = full.split('`').next().unwrap_or(&full).to_owned();
        Ok(new_str(head.rsplit_once('.').map_or("", |(ns, _)| ns)))
    });
    r.method(system_type, "ToString", "() -> string", |_, c| {
        Ok(new_str(type_full_name(&runtime_type_of(c)?)))
    });
    r.static_method(
        Owner::Object,
        "Equals",
        "(object objA, object objB) -> bool",
        |_, c| Ok(Value::Bool(value_equals(c.arg(0), c.arg(1)))),
    );
    r.static_method(
        Owner::Object,
        "ReferenceEquals",
        "(object objA, object objB) -> bool",
        |_, c| Ok(Value::Bool(c.arg(0).same_reference(c.arg(1)))),
    );

    // Nullable<T>
    r.property(Owner::Nullable, "HasValue", "bool", |_, c| {
        Ok(Value::Bool(!c.this.is_null()))
    });
    r.property(Owner::Nullable, "Value", "<T> T", |_, c| {
        if c.this.is_null() {
            Err(c.throw(
                Class::InvalidOperationException,
                "Nullable object must have a value.",
            ))
        } else {
            Ok(c.this.clone())
        }
    });
    r.method(
        Owner::Nullable,
        "GetValueOrDefault",
        "<T>() -> T",
        |_, c| {
            Ok(if c.this.is_null() {
                crate::eval::default_value(c.type_arg(0))
            } else {
                c.this.clone()
            })
        },
    );
    r.method(
        Owner::Nullable,
        "GetValueOrDefault",
        "<T>(T defaultValue) -> T",
        |_, c| {
            Ok(if c.this.is_null() {
                c.arg(0).clone()
            } else {
                c.this.clone()
            })
        },
    );
    r.method(Owner::Nullable, "ToString", "() -> string", |_, c| {
        Ok(new_str(to_display_string(&c.this)))
    });
    r.method(
        Owner::Nullable,
        "Equals",
        "(object other) -> bool",
        |_, c| Ok(Value::Bool(value_equals(&c.this, c.arg(0)))),
    );
    r.method(Owner::Nullable, "GetHashCode", "() -> int", |_, c| {
        Ok(Value::Int32(hash_code(&c.this)))
    });

    // Enums
    r.method(
        Owner::Enum,
        "ToString",
        "(string format) -> string",
        |_, c| {
            let format = c.opt_string(0);
            Ok(new_str(format_value(&c.this, format.as_deref(), c.span)?))
        },
    );
    r.method(
        Owner::Enum,
        "HasFlag",
        "(object flag) -> bool",
        |_, c| match (&c.this, c.arg(0)) {
            (Value::Enum(_, v), Value::Enum(_, f)) => Ok(Value::Bool(v & f == *f)),
            (_, Value::Null) => Err(c.null_argument("flag")),
            _ => Err(c.argument_error("The flag is of a different enum type.")),
        },
    );

    // Exceptions
    exception_constructors!(r: Exception, ArgumentException, ArgumentNullException, ArgumentOutOfRangeException,
        FormatException, InvalidOperationException, InvalidCastException, NullReferenceException,
        IndexOutOfRangeException, OverflowException, ArithmeticException, DivideByZeroException,
        KeyNotFoundException, NotSupportedException, JsonException, JsonReaderException, JsonSerializationException,
        UriFormatException, RegexMatchTimeoutException, CryptographicException, XmlException);
    r.property(
        Owner::Class(Class::Exception),
        "Message",
        "string",
        |_, c| Ok(new_str(exception_message(c))),
    );
    r.property(
        Owner::Class(Class::Exception),
        "InnerException",
        "Exception",
        |_, _| Ok(Value::Null),
    );
}

#[allow(dead_code, reason = "used by the json module for JTokenType names")]
pub(crate) fn json_type_name(token: &json::JToken) -> &'static str {
    match &*token.read() {
        JData::Object(_) => "Object",
        JData::Array(_) => "Array",
        JData::Property { .. } => "Property",
        JData::Value(JValue::Null) => "Null",
        JData::Value(value) => value.token_type().name(),
    }
}

/// Reads a collection of values held by a container object, for display and LINQ.
#[allow(dead_code, reason = "shared helper")]
pub(crate) fn items_of(object: &Object) -> Option<Vec<Value>> {
    match object {
        Object::Array { items, .. } | Object::List { items, .. } => Some(read(items).clone()),
        Object::HashSet { items, .. } => Some(read(items).values().cloned().collect()),
        Object::Bytes(bytes) => Some(read(bytes).iter().map(|b| Value::Byte(*b)).collect()),
        _ => None,
    }
}
