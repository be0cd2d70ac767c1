//! Newtonsoft.Json's `JToken` family and `JsonConvert`, with Newtonsoft's conversions:
//! implicit operators (.NET value → `JValue`), explicit operators (`(string)token`,
//! `(int)token`), and `Value<T>()`/`ToObject<T>()` (which go through `Convert.ChangeType`).

use std::cmp::Ordering;
use std::sync::Arc;

use gatehouse_diagnostics::Span;
use rust_decimal::Decimal;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};

use super::{Call, Owner, Registry};
use crate::eval::{Cx, Fault};
use crate::json::{self, JData, JToken, JValue};
use crate::net::time::{self, DateTime, DateTimeOffset, Kind, TimeSpan};
use crate::net::{guid, number};
use crate::types::{Class, EnumKind, Generic, Type};
use crate::value::{Object, Value, intern, new_str, read};

type R = Result<Value, Fault>;

fn reader_error(span: Span, message: impl Into<String>) -> Fault {
    Fault::throw(Class::JsonReaderException, message, span)
}

/// `JToken.ToString(…)`, paid for from the step budget like any allocation; a text longer than
/// the budget can pay for is never written. `ToString()` of a value is the value's own text
/// (`plain_value`); with a `Formatting` it is JSON.
fn written(
    cx: &mut Cx<'_>,
    call: &Call<'_>,
    token: &JToken,
    indented: bool,
    plain_value: bool,
) -> R {
    if plain_value && let Some(value) = token.value() {
        return Ok(new_str(jvalue_display(&value)));
    }
    match json::write::write_limited(token, indented, cx.affordable_bytes()) {
        Some(text) => {
            cx.charge_bytes(text.len(), call.span)?;
            Ok(new_str(text))
        }
        None => {
            cx.charge_bytes(cx.affordable_bytes().saturating_add(16), call.span)?;
            Ok(Value::Null)
        }
    }
}

/// `JToken.ToString()`: values without quotes, containers as JSON.
pub(crate) fn token_to_string(token: &JToken, indented: bool) -> String {
    match token.value() {
        Some(value) => jvalue_display(&value),
        None => json::write_string(token, indented),
    }
}

/// `JValue.ToString()`: the value's own `ToString()`.
fn jvalue_display(value: &JValue) -> String {
    match value {
        JValue::Null | JValue::Undefined => String::new(),
        JValue::Bytes(_) => "System.Byte[]".to_owned(),
        JValue::Uri(text) => text.to_string(),
        other => super::to_display_string(&jvalue_to_value(other)),
    }
}

/// The .NET object a `JValue` holds (`JValue.Value`).
pub(crate) fn jvalue_to_value(value: &JValue) -> Value {
    match value {
        JValue::Null | JValue::Undefined => Value::Null,
        JValue::Boolean(b) => Value::Bool(*b),
        JValue::Integer(i) => Value::Int64(*i),
        JValue::BigInteger(i) => Value::Decimal(Decimal::from_i128(*i).unwrap_or(Decimal::MAX)),
        JValue::Float(f) => Value::Double(*f),
        JValue::Decimal(d) => Value::Decimal(*d),
        JValue::String(s) => Value::String(Arc::clone(s)),
        JValue::Date(d) => Value::DateTime(*d),
        JValue::DateOffset(d) => Value::DateTimeOffset(*d),
        JValue::Guid(g) => Value::Guid(*g),
        JValue::Uri(s) => crate::net::uri::parse(s).map_or_else(
            || Value::String(Arc::clone(s)),
            |u| Value::object(Object::Uri(u)),
        ),
        JValue::Bytes(b) => Value::bytes(b.clone()),
        JValue::TimeSpan(t) => Value::TimeSpan(TimeSpan(*t)),
    }
}

/// `JValue.Equals`: numbers compare across integer and float.
pub(crate) fn jvalue_equals(a: &JValue, b: &JValue) -> bool {
    jvalue_compare(a, b) == Ordering::Equal && a.token_type() == b.token_type()
        || matches!((a, b), (JValue::Integer(_) | JValue::Float(_) | JValue::Decimal(_), JValue::Integer(_) | JValue::Float(_) | JValue::Decimal(_)) if jvalue_compare(a, b) == Ordering::Equal)
}

fn jvalue_number(value: &JValue) -> Option<f64> {
    match value {
        JValue::Integer(i) => Some(*i as f64),
        JValue::BigInteger(i) => Some(*i as f64),
        JValue::Float(f) => Some(*f),
        JValue::Decimal(d) => d.to_f64(),
        _ => None,
    }
}

/// `JValue.CompareTo`.
pub(crate) fn jvalue_compare(a: &JValue, b: &JValue) -> Ordering {
    match (a, b) {
        (JValue::Integer(x), JValue::Integer(y)) => x.cmp(y),
        (JValue::String(x), JValue::String(y)) => x.as_ref().cmp(y.as_ref()),
        (JValue::Boolean(x), JValue::Boolean(y)) => x.cmp(y),
        (JValue::Date(x), JValue::Date(y)) => x.ticks.cmp(&y.ticks),
        (JValue::Null, JValue::Null) => Ordering::Equal,
        (JValue::Null, _) => Ordering::Less,
        (_, JValue::Null) => Ordering::Greater,
        (x, y) => match (jvalue_number(x), jvalue_number(y)) {
            (Some(p), Some(q)) => p.partial_cmp(&q).unwrap_or(Ordering::Equal),
            _ => super::compare_values(&jvalue_to_value(x), &jvalue_to_value(y)),
        },
    }
}

/// Newtonsoft's implicit conversion of a .NET value to a token.
pub fn to_jtoken(value: &Value) -> Value {
    match value {
        Value::Json(_) => value.clone(),
        other => match primitive_jvalue(other) {
            Some(jvalue) => Value::Json(json::new_value(jvalue)),
            None => Value::Json(json::new_value(JValue::Null)),
        },
    }
}

/// The `JValue` for a .NET primitive, or `None` for something that is not one.
fn primitive_jvalue(value: &Value) -> Option<JValue> {
    Some(match value {
        Value::Null => JValue::Null,
        Value::Bool(b) => JValue::Boolean(*b),
        Value::Char(c) => JValue::String(Arc::from(super::strings::from_utf16(&[*c]))),
        Value::UInt64(v) => match i64::try_from(*v) {
            Ok(v) => JValue::Integer(v),
            Err(_) => JValue::BigInteger(i128::from(*v)),
        },
        Value::Single(v) => JValue::Float(f64::from(*v)),
        Value::Double(v) => JValue::Float(*v),
        Value::Decimal(d) => JValue::Decimal(*d),
        Value::String(s) => JValue::String(Arc::clone(s)),
        Value::DateTime(d) => JValue::Date(*d),
        Value::DateTimeOffset(d) => JValue::DateOffset(*d),
        Value::TimeSpan(t) => JValue::TimeSpan(t.0),
        Value::Guid(g) => JValue::Guid(*g),
        Value::Enum(_, v) => JValue::Integer(*v),
        Value::Object(object) => match &**object {
            Object::Uri(uri) => JValue::Uri(Arc::from(uri.absolute().as_str())),
            Object::Bytes(bytes) => JValue::Bytes(read(bytes).clone()),
            _ => return None,
        },
        other => {
            JValue::Integer(crate::eval::integer_of(other).and_then(|v| i64::try_from(v).ok())?)
        }
    })
}

/// `JToken.FromObject`: primitives become values, collections arrays, dictionaries and
/// anonymous objects objects.
pub(crate) fn from_object(cx: &mut Cx<'_>, value: &Value, span: Span) -> Result<JToken, Fault> {
    from_object_within(cx, value, span, &mut Vec::new())
}

/// `enclosing`: the collections being converted around `value`, to report a collection that
/// contains itself as Newtonsoft does instead of recursing for ever.
fn from_object_within(
    cx: &mut Cx<'_>,
    value: &Value,
    span: Span,
    enclosing: &mut Vec<usize>,
) -> Result<JToken, Fault> {
    if let Value::Object(object) = value
        && enclosing.contains(&(Arc::as_ptr(object) as usize))
    {
        return Err(Fault::throw(
            Class::JsonSerializationException,
            format!(
                "Self referencing loop detected with type '{}'.",
                super::type_full_name(&object.runtime_type())
            ),
            span,
        ));
    }
    let address = match value {
        Value::Object(object) => Some(Arc::as_ptr(object) as usize),
        _ => None,
    };
    enclosing.extend(address);
    let token = crate::cycles::with_stack(|| convert_object(cx, value, span, enclosing));
    if address.is_some() {
        enclosing.pop();
    }
    token
}

fn convert_object(
    cx: &mut Cx<'_>,
    value: &Value,
    span: Span,
    enclosing: &mut Vec<usize>,
) -> Result<JToken, Fault> {
    cx.step(span)?;
    if let Value::Json(token) = value {
        return Ok(json::deep_clone(token));
    }
    if let Some(primitive) = primitive_jvalue(value) {
        return Ok(json::new_value(primitive));
    }
    let Value::Object(object) = value else {
        return Ok(json::new_value(JValue::Null));
    };
    match &**object {
        Object::Anonymous { names, values } => {
            let result = json::new_object();
            for (name, member) in names.iter().zip(values) {
                let token = from_object_within(cx, member, span, enclosing)?;
                json::set(&result, name, token);
            }
            Ok(result)
        }
        Object::KeyValuePair { key, value, .. } => {
            let result = json::new_object();
            json::set(
                &result,
                "Key",
                from_object_within(cx, key, span, enclosing)?,
            );
            json::set(
                &result,
                "Value",
                from_object_within(cx, value, span, enclosing)?,
            );
            Ok(result)
        }
        Object::Dictionary { .. }
        | Object::Multimap(_)
        | Object::MatchedParameters(_)
        | Object::Variables => {
            let call = Call {
                this: Value::Null,
                args: super::Args::new(),
                type_args: &[],
                name: "FromObject",
                span,
            };
            let entries = super::collections::dict_entries(cx, &call, value)?;
            let result = json::new_object();
            for (key, item) in entries {
                let token = from_object_within(cx, &item, span, enclosing)?;
                json::set(&result, &super::to_display_string(&key), token);
            }
            Ok(result)
        }
        Object::Array { .. }
        | Object::List { .. }
        | Object::HashSet { .. }
        | Object::Sequence(_)
        | Object::Grouping { .. } => {
            let items = super::linq::collect(cx, value, span)?;
            let result = json::new_array();
            for item in items {
                let token = from_object_within(cx, &item, span, enclosing)?;
                json::push(&result, token);
            }
            Ok(result)
        }
        Object::StringBuilder(_) | Object::Exception { .. } | Object::Regex(_) => {
            Ok(json::new_value(JValue::String(Arc::from(
                super::to_display_string(value).as_str(),
            ))))
        }
        _ => Err(Fault::throw(
            Class::ArgumentException,
            format!(
                "Object serialized to a type Gatehouse cannot convert: {}.",
                super::type_full_name(&value.runtime_type())
            ),
            span,
        )),
    }
}

fn cannot_convert(span: Span, token: &JToken, target: &Type) -> Fault {
    let from = match &*token.read() {
        JData::Object(_) => "Object",
        JData::Array(_) => "Array",
        JData::Property { .. } => "Property",
        JData::Value(v) => v.token_type().name(),
    };
    Fault::throw(
        Class::ArgumentException,
        format!(
            "Can not convert {from} to {}.",
            super::type_full_name(target).trim_start_matches("System.")
        ),
        span,
    )
}

fn convert_call(span: Span) -> Call<'static> {
    Call {
        this: Value::Null,
        args: super::Args::new(),
        type_args: &[],
        name: "convert",
        span,
    }
}

/// Newtonsoft's explicit operators: `(string)token`, `(int)token`, `(int?)token`, ...
pub fn from_jtoken(value: &Value, target: &Type, span: Span) -> R {
    // The common conversions, without the general machinery.
    if let Value::Json(token) = value
        && let JData::Value(jvalue) = &*token.read()
    {
        let fast = match (jvalue, target.underlying()) {
            (JValue::Integer(i), Type::Int64) => Some(Value::Int64(*i)),
            (JValue::Integer(i), Type::Int32) => i32::try_from(*i).ok().map(Value::Int32),
            (JValue::Integer(i), Type::Double) => Some(Value::Double(*i as f64)),
            (JValue::Float(f), Type::Double) => Some(Value::Double(*f)),
            (JValue::String(s), Type::String) => Some(Value::String(Arc::clone(s))),
            (JValue::Boolean(b), Type::Bool) => Some(Value::Bool(*b)),
            _ => None,
        };
        if let Some(converted) = fast {
            return Ok(converted);
        }
    }
    let nullable = matches!(target, Type::Nullable(_)) || !target.is_value_type();
    let inner = target.underlying();
    let token = match value {
        Value::Json(token) => token,
        Value::Null if nullable => return Ok(Value::Null),
        // Newtonsoft's operators start with `EnsureValue(value)`, which rejects a null token.
        Value::Null => {
            return Err(Fault::throw(
                Class::ArgumentNullException,
                "Value cannot be null. (Parameter 'value')",
                span,
            ));
        }
        _ => {
            return Err(crate::eval::internal(
                "explicit conversion from a value that is not a token",
                span,
            ));
        }
    };
    let Some(jvalue) = token.value() else {
        return Err(cannot_convert(span, token, inner));
    };
    use crate::json::TokenType as T;
    let kind = jvalue.token_type();
    if matches!(jvalue, JValue::Null) {
        return if nullable {
            Ok(Value::Null)
        } else {
            Err(cannot_convert(span, token, inner))
        };
    }
    let allowed: &[T] = match inner {
        Type::String => &[
            T::Date,
            T::Integer,
            T::Float,
            T::String,
            T::Boolean,
            T::Bytes,
            T::Guid,
            T::TimeSpan,
            T::Uri,
        ],
        Type::Bool => &[T::Integer, T::Float, T::String, T::Boolean],
        Type::Class(Class::DateTime) | Type::Class(Class::DateTimeOffset) => &[T::Date, T::String],
        Type::Class(Class::Guid) => &[T::String, T::Guid, T::Bytes],
        Type::Class(Class::TimeSpan) => &[T::Integer, T::String, T::TimeSpan],
        Type::Class(Class::Uri) => &[T::String, T::Uri],
        Type::Array(_) => &[T::String, T::Bytes, T::Integer],
        Type::Char => &[T::Integer, T::Float, T::String],
        _ => &[T::Integer, T::Float, T::String, T::Boolean],
    };
    if !allowed.contains(&kind) {
        return Err(cannot_convert(span, token, inner));
    }
    let call = convert_call(span);
    match (inner, &jvalue) {
        (Type::String, JValue::Bytes(bytes)) => Ok(new_str(crate::net::base64::encode(bytes))),
        (Type::String, JValue::Uri(text)) => Ok(Value::String(Arc::clone(text))),
        (Type::String, other) => Ok(new_str(super::to_display_string(&jvalue_to_value(other)))),
        (Type::Class(Class::DateTimeOffset), JValue::Date(d)) => {
            Ok(Value::DateTimeOffset(DateTimeOffset {
                ticks: d.ticks,
                offset_minutes: 0,
            }))
        }
        (Type::Class(Class::DateTimeOffset), JValue::String(s)) => {
            let parsed = time::parse_date(s).ok_or_else(|| {
                Fault::throw(
                    Class::FormatException,
                    "String was not recognized as a valid DateTime.",
                    span,
                )
            })?;
            Ok(Value::DateTimeOffset(DateTimeOffset {
                ticks: parsed.ticks,
                offset_minutes: parsed.offset_minutes.unwrap_or(0),
            }))
        }
        (Type::Class(Class::DateTime), JValue::DateOffset(d)) => Ok(Value::DateTime(DateTime {
            ticks: d.ticks,
            kind: Kind::Unspecified,
        })),
        (Type::Class(Class::Guid), JValue::Bytes(bytes)) => {
            let bytes: [u8; 16] = bytes.as_slice().try_into().map_err(|_| {
                Fault::throw(
                    Class::ArgumentException,
                    "Byte array for GUID must be exactly 16 bytes long.",
                    span,
                )
            })?;
            Ok(Value::Guid(bytes))
        }
        (Type::Class(Class::Guid), JValue::String(s)) => guid::parse(s)
            .map(Value::Guid)
            .ok_or_else(|| Fault::throw(Class::FormatException, "Unrecognized Guid format.", span)),
        (Type::Class(Class::TimeSpan), JValue::String(_)) => Err(Fault::throw(
            Class::InvalidCastException,
            "Invalid cast from 'System.String' to 'System.TimeSpan'.",
            span,
        )),
        (Type::Class(Class::Uri), JValue::String(s)) => crate::net::uri::parse(s)
            .map(|u| Value::object(Object::Uri(u)))
            .ok_or_else(|| {
                Fault::throw(
                    Class::UriFormatException,
                    "Invalid URI: The format of the URI could not be determined.",
                    span,
                )
            }),
        (Type::Array(_), JValue::String(s)) => crate::net::base64::decode(s)
            .map(Value::bytes)
            .ok_or_else(|| {
                Fault::throw(
                    Class::FormatException,
                    "The input is not a valid Base-64 string.",
                    span,
                )
            }),
        (Type::Array(_), JValue::Bytes(b)) => Ok(Value::bytes(b.clone())),
        (target, other) => super::numbers::convert_value(&jvalue_to_value(other), target, &call),
    }
}

/// `Convert.ChangeType(value, typeof(T))`, which `Value<T>()` and `ToObject<T>()` use.
fn change_type(token: Option<&JToken>, target: &Type, span: Span) -> R {
    let Some(token) = token else {
        return Ok(crate::eval::default_value(target));
    };
    // A token that already is a `T` (a `JObject` asked for as `JToken`) is returned as is.
    let runtime = Value::Json(Arc::clone(token));
    if matches!(target, Type::Class(c) if c.derives_from(Class::JToken))
        || *target == Type::Object && token.is_container()
    {
        return if crate::eval::is_instance(&runtime, target) {
            Ok(runtime)
        } else {
            Err(Fault::throw(
                Class::InvalidCastException,
                format!(
                    "Cannot cast {} to {}.",
                    super::type_full_name(&runtime.runtime_type()),
                    super::type_full_name(target)
                ),
                span,
            ))
        };
    }
    let Some(jvalue) = token.value() else {
        return Err(Fault::throw(
            Class::InvalidCastException,
            format!(
                "Cannot cast {} to {}.",
                super::type_full_name(&runtime.runtime_type()),
                super::type_full_name(target)
            ),
            span,
        ));
    };
    let inner = jvalue_to_value(&jvalue);
    if inner.is_null() {
        return match target {
            Type::Nullable(_) => Ok(Value::Null),
            t if !t.is_value_type() => Ok(Value::Null),
            _ => Err(Fault::throw(
                Class::InvalidCastException,
                "Null object cannot be converted to a value type.",
                span,
            )),
        };
    }
    let underlying = target.underlying();
    if *underlying == Type::Object {
        return Ok(inner);
    }
    let call = convert_call(span);
    super::numbers::convert_value(&inner, underlying, &call)
}

fn token_of<'v>(call: &Call<'_>, value: &'v Value) -> Result<&'v JToken, Fault> {
    match value {
        Value::Json(token) => Ok(token),
        Value::Null => Err(crate::eval::null_reference(call.span)),
        _ => Err(call.internal("not a JToken")),
    }
}

fn this_token<'c>(call: &'c Call<'_>) -> Result<&'c JToken, Fault> {
    token_of(call, &call.this)
}

fn token_value(token: Option<JToken>) -> Value {
    token.map_or(Value::Null, Value::Json)
}

/// Parses JSON text; `Err` is a `JsonReaderException`.
pub(crate) fn parse_json(cx: &mut Cx<'_>, text: &str, span: Span) -> Result<JToken, Fault> {
    cx.charge_bytes(text.len() * 4, span)?;
    json::parse(text, true).map_err(|error| reader_error(span, error.to_string()))
}

fn parse_as(cx: &mut Cx<'_>, call: &Call<'_>, want: Option<Class>) -> R {
    let text = call
        .opt_string(0)
        .ok_or_else(|| call.null_argument("json"))?;
    let token = parse_json(cx, &text, call.span)?;
    if let Some(class) = want {
        let actual = crate::value::json_class(&token);
        if actual != class {
            let found = match actual {
                Class::JArray => "StartArray",
                Class::JObject => "StartObject",
                _ => "a value",
            };
            let expected = if class == Class::JObject {
                "an object"
            } else {
                "an array"
            };
            return Err(reader_error(
                call.span,
                format!(
                    "Error reading {} from JsonReader. Current JsonReader item is not {expected}: {found}. Path '', line 1, position 1.",
                    class.name()
                ),
            ));
        }
    }
    Ok(Value::Json(token))
}

/// `JToken this[object key]`.
fn index_get(call: &Call<'_>, token: &JToken, key: &Value) -> R {
    let data = token.read();
    match (&*data, key) {
        (JData::Object(properties), Value::String(name)) => Ok(token_value(json::value_of(properties, name))),
        (JData::Object(_), _) => Err(call.argument_error(format!(
            "Accessed JObject values with invalid key value: {}. Object property name expected.",
            super::to_display_string(key)
        ))),
        (JData::Array(items), other) => match crate::eval::integer_of(other) {
            Some(index) if !matches!(other, Value::Char(_)) => usize::try_from(index)
                .ok()
                .and_then(|i| items.get(i).cloned())
                .map(Value::Json)
                .ok_or_else(|| call.out_of_range("index")),
            _ => Err(call.argument_error(format!(
                "Accessed JArray values with invalid key value: \"{}\". Int32 array index expected.",
                super::to_display_string(key)
            ))),
        },
        (JData::Property { .. }, _) => Err(call.throw(
            Class::InvalidOperationException,
            "Cannot access child value on Newtonsoft.Json.Linq.JProperty.",
        )),
        (JData::Value(_), _) => Err(call.throw(Class::InvalidOperationException, "Cannot access child value on Newtonsoft.Json.Linq.JValue.")),
    }
}

fn index_set(call: &Call<'_>, token: &JToken, key: &Value, value: &Value) -> R {
    let new = match to_jtoken(value) {
        Value::Json(t) => t,
        _ => json::new_value(JValue::Null),
    };
    let data = token.read().clone();
    match (data, key) {
        (JData::Object(_), Value::String(name)) => {
            json::set(token, name, new);
            Ok(Value::Null)
        }
        (JData::Array(items), other) => {
            let index = crate::eval::integer_of(other)
                .and_then(|i| usize::try_from(i).ok())
                .filter(|i| *i < items.len())
                .ok_or_else(|| call.out_of_range("index"))?;
            json::set_item(token, index, new);
            Ok(Value::Null)
        }
        (JData::Object(_), _) => Err(call.argument_error(
            "Set JObject values with invalid key value. Object property name expected.",
        )),
        _ => Err(call.throw(
            Class::InvalidOperationException,
            "Cannot set child value on this token.",
        )),
    }
}

/// Content added to a container: tokens as they are (copied if parented), values as `JValue`s,
/// collections item by item.
fn add_content(
    cx: &mut Cx<'_>,
    call: &Call<'_>,
    container: &JToken,
    content: &Value,
) -> Result<(), Fault> {
    let is_object = matches!(&*container.read(), JData::Object(_));
    match content {
        Value::Json(token) => {
            if is_object {
                match &*token.read() {
                    JData::Property { .. } => {}
                    JData::Object(_) => {
                        // Adding an object's properties.
                        for property in json::children(token) {
                            if !json::add_property(container, json::deep_clone(&property)) {
                                return Err(duplicate_property(
                                    call,
                                    &json::property_name(&property).unwrap_or_default(),
                                ));
                            }
                        }
                        return Ok(());
                    }
                    _ => {
                        return Err(call.argument_error(format!(
                            "Can not add {} to Newtonsoft.Json.Linq.JObject.",
                            super::type_full_name(&content.runtime_type())
                        )));
                    }
                }
                let name = json::property_name(token).unwrap_or_default();
                if !json::add_property(container, Arc::clone(token)) {
                    return Err(duplicate_property(call, &name));
                }
            } else {
                json::push(container, Arc::clone(token));
            }
            Ok(())
        }
        Value::Object(object)
            if matches!(
                &**object,
                Object::Array { .. }
                    | Object::List { .. }
                    | Object::Sequence(_)
                    | Object::HashSet { .. }
            ) =>
        {
            for item in super::linq::collect(cx, content, call.span)? {
                add_content(cx, call, container, &item)?;
            }
            Ok(())
        }
        other => {
            if is_object {
                return Err(call.argument_error(format!(
                    "Can not add {} to Newtonsoft.Json.Linq.JObject.",
                    super::type_full_name(&other.runtime_type())
                )));
            }
            let token = match primitive_jvalue(other) {
                Some(value) => json::new_value(value),
                None => from_object(cx, other, call.span)?,
            };
            json::push(container, token);
            Ok(())
        }
    }
}

fn duplicate_property(call: &Call<'_>, name: &str) -> Fault {
    call.argument_error(format!("Can not add property {name} to Newtonsoft.Json.Linq.JObject. Property with the same name already exists on object."))
}

fn params_values(value: &Value) -> Vec<Value> {
    match value {
        Value::Object(object) => match &**object {
            Object::Array { items, .. } => read(items).clone(),
            _ => vec![value.clone()],
        },
        Value::Null => Vec::new(),
        other => vec![other.clone()],
    }
}

fn token_type_value(token: &JToken) -> Value {
    Value::Enum(EnumKind::JTokenType, token.token_type() as i64)
}

fn select(call: &Call<'_>, token: &JToken, path: &str) -> Result<Vec<JToken>, Fault> {
    json::path::select(token, path).map_err(|message| call.throw(Class::JsonException, message))
}

/// `JContainer.Merge` with default settings: objects merge property by property, arrays
/// concatenate, values replace.
fn merge(target: &JToken, source: &JToken) {
    let source_data = source.read().clone();
    match source_data {
        JData::Object(properties) => {
            for property in properties {
                let name = json::property_name(&property).unwrap_or_default();
                let Some(value) = json::property_value(&property) else {
                    continue;
                };
                match json::get(target, &name) {
                    Some(existing)
                        if existing.is_container()
                            && value.is_container()
                            && existing.token_type() == value.token_type() =>
                    {
                        merge(&existing, &value)
                    }
                    _ => json::set(target, &name, json::deep_clone(&value)),
                }
            }
        }
        JData::Array(items) => {
            for item in items {
                json::push(target, json::deep_clone(&item));
            }
        }
        _ => {}
    }
}

/// `JsonConvert.SerializeObject`.
fn serialize(cx: &mut Cx<'_>, value: &Value, indented: bool, span: Span) -> Result<String, Fault> {
    if let Value::Json(token) = value {
        return Ok(json::write_string(token, indented));
    }
    let token = from_object(cx, value, span)?;
    let text = json::write_string(&token, indented);
    cx.charge_bytes(text.len(), span)?;
    Ok(text)
}

pub(super) fn register(r: &mut Registry) {
    let jtoken = Owner::Class(Class::JToken);
    r.static_method(jtoken, "Parse", "(string json) -> JToken", |cx, c| {
        parse_as(cx, c, None)
    });
    r.static_method(jtoken, "FromObject", "(object o) -> JToken", |cx, c| {
        let value = c.arg(0).clone();
        if value.is_null() {
            return Err(c.null_argument("o"));
        }
        Ok(Value::Json(from_object(cx, &value, c.span)?))
    });
    r.static_method(
        jtoken,
        "DeepEquals",
        "(JToken t1, JToken t2) -> bool",
        |_, c| {
            Ok(Value::Bool(match (c.arg(0), c.arg(1)) {
                (Value::Json(a), Value::Json(b)) => json::deep_equals(a, b),
                (Value::Null, Value::Null) => true,
                _ => false,
            }))
        },
    );
    r.indexer(
        jtoken,
        "(object key) -> JToken",
        |_, c| {
            let c: &Call<'_> = c;
            index_get(c, this_token(c)?, c.arg(0))
        },
        Some(|_, c| {
            let token = Arc::clone(this_token(c)?);
            let (key, value) = (c.arg(0).clone(), c.arg(1).clone());
            index_set(c, &token, &key, &value)
        }),
    );
    r.property(jtoken, "Type", "JTokenType", |_, c| {
        Ok(token_type_value(this_token(c)?))
    });
    r.property(jtoken, "Parent", "JContainer", |_, c| {
        let parent = this_token(c)?.parent();
        Ok(token_value(parent))
    });
    r.property(jtoken, "Root", "JToken", |_, c| {
        Ok(Value::Json(json::root(this_token(c)?)))
    });
    r.property(jtoken, "Path", "string", |_, c| {
        Ok(new_str(json::path_of(this_token(c)?)))
    });
    r.property(jtoken, "HasValues", "bool", |_, c| {
        Ok(Value::Bool(!json::children(this_token(c)?).is_empty()))
    });
    r.property(jtoken, "First", "JToken", |_, c| {
        Ok(token_value(json::children(this_token(c)?).first().cloned()))
    });
    r.property(jtoken, "Last", "JToken", |_, c| {
        Ok(token_value(json::children(this_token(c)?).last().cloned()))
    });
    r.property(jtoken, "Next", "JToken", |_, c| {
        Ok(token_value(sibling(this_token(c)?, 1)))
    });
    r.property(jtoken, "Previous", "JToken", |_, c| {
        Ok(token_value(sibling(this_token(c)?, -1)))
    });
    r.method(jtoken, "ToString", "() -> string", |cx, c| {
        written(cx, c, this_token(c)?, true, true)
    });
    r.method(
        jtoken,
        "ToString",
        "(Formatting formatting) -> string",
        |cx, c| written(cx, c, this_token(c)?, c.enumeration(0) == 1, false),
    );
    r.method(jtoken, "Value", "<T>(object key) -> T", |_, c| {
        let token = Arc::clone(this_token(c)?);
        let key = c.arg(0).clone();
        let child = index_get(c, &token, &key)?;
        let child = match child {
            Value::Json(t) => Some(t),
            _ => None,
        };
        change_type(child.as_ref(), c.type_arg(0), c.span)
    });
    r.method(jtoken, "ToObject", "<T>() -> T", |cx, c| {
        let token = Arc::clone(this_token(c)?);
        to_object(cx, c, &token, c.type_arg(0))
    });
    r.method(jtoken, "Children", "() -> IEnumerable<JToken>", |_, c| {
        let children = json::children(this_token(c)?);
        Ok(Value::array(
            Type::Class(Class::JToken),
            children.into_iter().map(Value::Json).collect(),
        ))
    });
    // `Values<T>()`, the instance method, which C# picks over the `IEnumerable<JToken>`
    // extension: a container's children converted (a `JObject`'s are its properties, so
    // `Values<string>()` of one throws), and a `JValue` has no children to convert.
    r.method(jtoken, "Values", "<T>() -> IEnumerable<T>", |_, c| {
        let token = this_token(c)?;
        if !token.is_container() {
            return Err(c.throw(
                Class::InvalidOperationException,
                format!(
                    "Cannot access child value on {}.",
                    super::type_full_name(&Value::Json(Arc::clone(token)).runtime_type())
                ),
            ));
        }
        let target = c.type_arg(0);
        let values = json::children(token)
            .iter()
            .map(|child| change_type(Some(child), target, c.span))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Value::array(target.clone(), values))
    });
    // `Children<T>()`: the children that are a `T` (Newtonsoft's `OfType<T>()` of them).
    r.method(jtoken, "Children", "<T>() -> IEnumerable<T>", |_, c| {
        let target = c.type_arg(0).clone();
        let children = json::children(this_token(c)?)
            .into_iter()
            .map(Value::Json)
            .filter(|child| crate::eval::is_instance(child, &target))
            .collect();
        Ok(Value::array(target, children))
    });
    r.method(
        jtoken,
        "Descendants",
        "() -> IEnumerable<JToken>",
        |_, c| {
            let mut out = Vec::new();
            descendants(this_token(c)?, &mut out);
            Ok(Value::array(
                Type::Class(Class::JToken),
                out.into_iter().map(Value::Json).collect(),
            ))
        },
    );
    r.method(jtoken, "SelectToken", "(string path) -> JToken", |_, c| {
        let token = Arc::clone(this_token(c)?);
        let path = c.string(0)?;
        let found = select(c, &token, &path)?;
        if found.len() > 1 {
            return Err(c.throw(Class::JsonException, "Path returned multiple tokens."));
        }
        Ok(token_value(found.into_iter().next()))
    });
    r.method(
        jtoken,
        "SelectToken",
        "(string path, bool errorWhenNoMatch) -> JToken",
        |_, c| {
            let token = Arc::clone(this_token(c)?);
            let path = c.string(0)?;
            let found = select(c, &token, &path)?;
            if found.is_empty() && c.boolean(1)? {
                return Err(c.throw(
                    Class::JsonException,
                    format!("Property '{path}' does not exist on JObject."),
                ));
            }
            if found.len() > 1 {
                return Err(c.throw(Class::JsonException, "Path returned multiple tokens."));
            }
            Ok(token_value(found.into_iter().next()))
        },
    );
    r.method(
        jtoken,
        "SelectTokens",
        "(string path) -> IEnumerable<JToken>",
        |_, c| {
            let token = Arc::clone(this_token(c)?);
            let path = c.string(0)?;
            let found = select(c, &token, &path)?;
            Ok(Value::array(
                Type::Class(Class::JToken),
                found.into_iter().map(Value::Json).collect(),
            ))
        },
    );
    r.method(jtoken, "DeepClone", "() -> JToken", |_, c| {
        Ok(Value::Json(json::deep_clone(this_token(c)?)))
    });
    r.method(jtoken, "Remove", "() -> void", |_, c| {
        let token = this_token(c)?;
        if token.parent().is_none() {
            return Err(c.throw(Class::InvalidOperationException, "The parent is missing."));
        }
        json::detach(token);
        Ok(Value::Null)
    });
    r.method(jtoken, "Replace", "(JToken value) -> void", |_, c| {
        let token = Arc::clone(this_token(c)?);
        let replacement = match c.arg(0) {
            Value::Json(t) => Arc::clone(t),
            _ => json::new_value(JValue::Null),
        };
        replace(c, &token, replacement)?;
        Ok(Value::Null)
    });
    r.method(
        jtoken,
        "AddAfterSelf",
        "(object content) -> void",
        |cx, c| add_beside(cx, c, 1),
    );
    r.method(
        jtoken,
        "AddBeforeSelf",
        "(object content) -> void",
        |cx, c| add_beside(cx, c, 0),
    );
    r.extension(
        "Value",
        "<T>(this IEnumerable<JToken> value) -> T",
        |_, c| match c.arg(0) {
            Value::Json(token) => change_type(Some(token), c.type_arg(0), c.span),
            Value::Null => Err(c.null_argument("value")),
            _ => Err(c.argument_error("Source value must be a JToken.")),
        },
    );
    r.extension(
        "Values",
        "<T>(this IEnumerable<JToken> source) -> IEnumerable<T>",
        |cx, c| {
            let items = super::linq::collect(cx, c.arg(0), c.span)?;
            let mut out = Vec::new();
            for item in items {
                let Value::Json(token) = item else { continue };
                let children = if token.is_container() {
                    json::children(&token)
                } else {
                    vec![token]
                };
                for child in children {
                    let child = match &*child.read() {
                        JData::Property { value, .. } => Arc::clone(value),
                        _ => Arc::clone(&child),
                    };
                    out.push(change_type(Some(&child), c.type_arg(0), c.span)?);
                }
            }
            Ok(Value::array(c.type_arg(0).clone(), out))
        },
    );

    // ----- JContainer
    let container = Owner::Class(Class::JContainer);
    r.property(container, "Count", "int", |_, c| {
        Ok(Value::Int32(
            i32::try_from(json::count(this_token(c)?)).unwrap_or(i32::MAX),
        ))
    });
    r.method(container, "Add", "(object content) -> void", |cx, c| {
        let token = Arc::clone(this_token(c)?);
        let content = c.arg(0).clone();
        add_content(cx, c, &token, &content)?;
        Ok(Value::Null)
    });
    r.method(container, "Merge", "(object content) -> void", |_, c| {
        let token = Arc::clone(this_token(c)?);
        if let Value::Json(source) = c.arg(0) {
            if token.token_type() != source.token_type() {
                return Ok(Value::Null);
            }
            merge(&token, source);
        }
        Ok(Value::Null)
    });
    r.method(container, "RemoveAll", "() -> void", |_, c| {
        for child in json::children(this_token(c)?) {
            json::detach(&child);
        }
        Ok(Value::Null)
    });

    // ----- JObject
    let object = Owner::Class(Class::JObject);
    r.constructor(object, "()", |_, _| Ok(Value::Json(json::new_object())));
    r.constructor(object, "(params object[] content)", |cx, c| {
        let created = json::new_object();
        for item in params_values(c.arg(0)) {
            add_content(cx, c, &created, &item)?;
        }
        Ok(Value::Json(created))
    });
    r.static_method(object, "Parse", "(string json) -> JObject", |cx, c| {
        parse_as(cx, c, Some(Class::JObject))
    });
    r.static_method(object, "FromObject", "(object o) -> JObject", |cx, c| {
        let value = c.arg(0).clone();
        let token = from_object(cx, &value, c.span)?;
        if crate::value::json_class(&token) != Class::JObject {
            return Err(c.argument_error(format!(
                "Object serialized to {}. JObject instance expected.",
                token.token_type().name()
            )));
        }
        Ok(Value::Json(token))
    });
    r.indexer(
        object,
        "(string propertyName) -> JToken",
        |_, c| {
            let name = c.string(0)?;
            Ok(token_value(json::get(this_token(c)?, &name)))
        },
        Some(|_, c| {
            let token = Arc::clone(this_token(c)?);
            let (key, value) = (c.arg(0).clone(), c.arg(1).clone());
            index_set(c, &token, &key, &value)
        }),
    );
    r.method(
        object,
        "Add",
        "(string propertyName, JToken value) -> void",
        |_, c| {
            let token = Arc::clone(this_token(c)?);
            let name = c.string(0)?;
            let value = match c.arg(1) {
                Value::Json(t) => Arc::clone(t),
                _ => json::new_value(JValue::Null),
            };
            if !json::add_property(&token, json::new_property(&name, value)) {
                return Err(duplicate_property(c, &name));
            }
            Ok(Value::Null)
        },
    );
    r.method(object, "Property", "(string name) -> JProperty", |_, c| {
        let name = c.string(0)?;
        Ok(token_value(json::property(this_token(c)?, &name)))
    });
    r.method(
        object,
        "Property",
        "(string name, StringComparison comparison) -> JProperty",
        |_, c| {
            let name = c.string(0)?;
            let comparison = c.enumeration(1);
            Ok(token_value(property_with(
                this_token(c)?,
                &name,
                comparison,
            )))
        },
    );
    r.method(
        object,
        "Properties",
        "() -> IEnumerable<JProperty>",
        |_, c| {
            let properties = json::children(this_token(c)?);
            Ok(Value::array(
                Type::Class(Class::JProperty),
                properties.into_iter().map(Value::Json).collect(),
            ))
        },
    );
    r.method(
        object,
        "PropertyValues",
        "() -> IEnumerable<JToken>",
        |_, c| {
            let values = json::children(this_token(c)?)
                .iter()
                .filter_map(json::property_value)
                .map(Value::Json)
                .collect();
            Ok(Value::array(Type::Class(Class::JToken), values))
        },
    );
    r.method(
        object,
        "GetValue",
        "(string propertyName) -> JToken",
        |_, c| {
            let name = c.opt_string(0).unwrap_or_default();
            Ok(token_value(json::get(this_token(c)?, &name)))
        },
    );
    r.method(
        object,
        "GetValue",
        "(string propertyName, StringComparison comparison) -> JToken",
        |_, c| {
            let name = c.opt_string(0).unwrap_or_default();
            let property = property_with(this_token(c)?, &name, c.enumeration(1));
            Ok(token_value(property.and_then(|p| json::property_value(&p))))
        },
    );
    r.method(
        object,
        "TryGetValue",
        "(string propertyName, out JToken value) -> bool",
        |_, c| {
            let name = c.opt_string(0).unwrap_or_default();
            let found = json::get(this_token(c)?, &name);
            let ok = found.is_some();
            c.set_out(1, token_value(found));
            Ok(Value::Bool(ok))
        },
    );
    r.method(
        object,
        "ContainsKey",
        "(string propertyName) -> bool",
        |_, c| {
            let name = c.string(0)?;
            Ok(Value::Bool(json::property(this_token(c)?, &name).is_some()))
        },
    );
    r.method(object, "Remove", "(string propertyName) -> bool", |_, c| {
        let name = c.opt_string(0).unwrap_or_default();
        Ok(Value::Bool(json::remove(this_token(c)?, &name)))
    });

    // ----- JArray
    let array = Owner::Class(Class::JArray);
    r.constructor(array, "()", |_, _| Ok(Value::Json(json::new_array())));
    r.constructor(array, "(params object[] content)", |cx, c| {
        let created = json::new_array();
        for item in params_values(c.arg(0)) {
            add_content(cx, c, &created, &item)?;
        }
        Ok(Value::Json(created))
    });
    r.static_method(array, "Parse", "(string json) -> JArray", |cx, c| {
        parse_as(cx, c, Some(Class::JArray))
    });
    r.static_method(array, "FromObject", "(object o) -> JArray", |cx, c| {
        let value = c.arg(0).clone();
        let token = from_object(cx, &value, c.span)?;
        if crate::value::json_class(&token) != Class::JArray {
            return Err(c.argument_error(format!(
                "Object serialized to {}. JArray instance expected.",
                token.token_type().name()
            )));
        }
        Ok(Value::Json(token))
    });
    r.indexer(
        array,
        "(int index) -> JToken",
        |_, c| {
            let c: &Call<'_> = c;
            index_get(c, this_token(c)?, c.arg(0))
        },
        Some(|_, c| {
            let token = Arc::clone(this_token(c)?);
            let (key, value) = (c.arg(0).clone(), c.arg(1).clone());
            index_set(c, &token, &key, &value)
        }),
    );
    r.method(
        array,
        "Insert",
        "(int index, JToken item) -> void",
        |_, c| {
            let token = Arc::clone(this_token(c)?);
            let index = usize::try_from(c.int(0)?).map_err(|_| c.out_of_range("index"))?;
            let item = match c.arg(1) {
                Value::Json(t) => Arc::clone(t),
                _ => json::new_value(JValue::Null),
            };
            if !json::insert(&token, index, item) {
                return Err(c.out_of_range("index"));
            }
            Ok(Value::Null)
        },
    );
    r.method(array, "RemoveAt", "(int index) -> void", |_, c| {
        let token = Arc::clone(this_token(c)?);
        let index = usize::try_from(c.int(0)?).map_err(|_| c.out_of_range("index"))?;
        let item = json::item(&token, index).ok_or_else(|| c.out_of_range("index"))?;
        json::detach(&item);
        Ok(Value::Null)
    });
    r.method(array, "Remove", "(JToken item) -> bool", |_, c| {
        let token = Arc::clone(this_token(c)?);
        let Value::Json(item) = c.arg(0) else {
            return Ok(Value::Bool(false));
        };
        let contained = json::children(&token)
            .iter()
            .any(|child| Arc::ptr_eq(child, item));
        Ok(Value::Bool(contained && json::detach(item)))
    });
    r.method(array, "Clear", "() -> void", |_, c| {
        for child in json::children(this_token(c)?) {
            json::detach(&child);
        }
        Ok(Value::Null)
    });
    r.method(array, "IndexOf", "(JToken item) -> int", |_, c| {
        let Value::Json(item) = c.arg(0) else {
            return Ok(Value::Int32(-1));
        };
        let position = json::children(this_token(c)?)
            .iter()
            .position(|child| Arc::ptr_eq(child, item));
        Ok(Value::Int32(
            position.map_or(-1, |p| i32::try_from(p).unwrap_or(-1)),
        ))
    });
    r.method(array, "Contains", "(JToken item) -> bool", |_, c| {
        let Value::Json(item) = c.arg(0) else {
            return Ok(Value::Bool(false));
        };
        Ok(Value::Bool(
            json::children(this_token(c)?)
                .iter()
                .any(|child| Arc::ptr_eq(child, item)),
        ))
    });

    // ----- JProperty
    let property = Owner::Class(Class::JProperty);
    r.constructor(property, "(string name, object content)", |cx, c| {
        let name = c.opt_string(0).ok_or_else(|| c.null_argument("name"))?;
        let content = c.arg(1).clone();
        let value = match &content {
            Value::Json(token) => Arc::clone(token),
            other => match primitive_jvalue(other) {
                Some(v) => json::new_value(v),
                None => from_object(cx, other, c.span)?,
            },
        };
        Ok(Value::Json(json::new_property(&name, value)))
    });
    r.property(property, "Name", "string", |_, c| {
        Ok(new_str(
            json::property_name(this_token(c)?).unwrap_or_default(),
        ))
    });
    r.property_rw(
        property,
        "Value",
        "JToken",
        |_, c| Ok(token_value(json::property_value(this_token(c)?))),
        |_, c| {
            let token = Arc::clone(this_token(c)?);
            let value = match to_jtoken(c.arg(0)) {
                Value::Json(t) => t,
                _ => json::new_value(JValue::Null),
            };
            json::set_property_value(&token, value);
            Ok(Value::Null)
        },
    );

    // ----- JValue
    let jvalue = Owner::Class(Class::JValue);
    r.constructor(jvalue, "(object value)", |_, c| {
        let value = c.arg(0).clone();
        match primitive_jvalue(&value) {
            Some(v) => Ok(Value::Json(json::new_value(v))),
            None => Err(c.argument_error(format!(
                "Could not determine JSON object type for type {}.",
                super::type_full_name(&value.runtime_type())
            ))),
        }
    });
    r.static_method(jvalue, "CreateNull", "() -> JValue", |_, _| {
        Ok(Value::Json(json::new_value(JValue::Null)))
    });
    r.static_method(
        jvalue,
        "CreateString",
        "(string value) -> JValue",
        |_, c| {
            Ok(Value::Json(json::new_value(
                c.opt_string(0).map_or(JValue::Null, JValue::String),
            )))
        },
    );
    r.property(jvalue, "Value", "object", |_, c| {
        Ok(this_token(c)?
            .value()
            .map_or(Value::Null, |v| jvalue_to_value(&v)))
    });

    // ----- JsonConvert
    let convert = Owner::Class(Class::JsonConvert);
    r.static_method(
        convert,
        "SerializeObject",
        "(object value) -> string",
        |cx, c| {
            let value = c.arg(0).clone();
            Ok(new_str(serialize(cx, &value, false, c.span)?))
        },
    );
    r.static_method(
        convert,
        "SerializeObject",
        "(object value, Formatting formatting) -> string",
        |cx, c| {
            let value = c.arg(0).clone();
            let indented = c.enumeration(1) == 1;
            Ok(new_str(serialize(cx, &value, indented, c.span)?))
        },
    );
    r.static_method(
        convert,
        "DeserializeObject",
        "(string value) -> object",
        |cx, c| {
            let text = c.string(0)?;
            let token = parse_json(cx, &text, c.span)?;
            Ok(match token.value() {
                Some(v) => jvalue_to_value(&v),
                None => Value::Json(token),
            })
        },
    );
    r.static_method(
        convert,
        "DeserializeObject",
        "<T>(string value) -> T",
        |cx, c| {
            let text = c.string(0)?;
            let token = parse_json(cx, &text, c.span)?;
            to_object(cx, c, &token, c.type_arg(0))
        },
    );
    r.static_method(convert, "ToString", "(object value) -> string", |cx, c| {
        let value = c.arg(0).clone();
        Ok(new_str(serialize(cx, &value, false, c.span)?))
    });
    let _ = (Generic::List, number::ParseError::Format, intern(""));
}

/// `token.ToObject<T>()` and `DeserializeObject<T>`: tokens, primitives, lists and string-keyed
/// dictionaries.
fn to_object(cx: &mut Cx<'_>, call: &Call<'_>, token: &JToken, target: &Type) -> R {
    cx.step(call.span)?;
    match target {
        Type::Class(class) if class.derives_from(Class::JToken) => {
            change_type(Some(token), target, call.span)
        }
        Type::Generic(Generic::List | Generic::IList | Generic::IEnumerable, _)
        | Type::Array(_)
            if token.token_type() == crate::json::TokenType::Array =>
        {
            let element = match target {
                Type::Array(element) => (**element).clone(),
                Type::Generic(_, args) => args.first().cloned().unwrap_or(Type::Object),
                _ => Type::Object,
            };
            let mut items = Vec::new();
            for child in json::children(token) {
                items.push(to_object(cx, call, &child, &element)?);
            }
            Ok(match target {
                Type::Array(_) => Value::array(element, items),
                _ => Value::object(Object::List {
                    element,
                    items: std::sync::RwLock::new(items),
                }),
            })
        }
        Type::Generic(Generic::Dictionary | Generic::IDictionary, args)
            if token.token_type() == crate::json::TokenType::Object =>
        {
            let value_type = args.get(1).cloned().unwrap_or(Type::Object);
            let mut entries = indexmap::IndexMap::new();
            for property in json::children(token) {
                let name = json::property_name(&property).unwrap_or_default();
                let value = match json::property_value(&property) {
                    Some(v) => to_object(cx, call, &v, &value_type)?,
                    None => Value::Null,
                };
                let key = new_str(&name);
                entries.insert(super::core::dict_key(&key, false), (key, value));
            }
            Ok(Value::object(Object::Dictionary {
                key: Type::String,
                value: value_type,
                entries: std::sync::RwLock::new(entries),
                ignore_case: false,
            }))
        }
        Type::Object => Ok(match token.value() {
            Some(v) => jvalue_to_value(&v),
            None => Value::Json(Arc::clone(token)),
        }),
        other if crate::types::jtoken_convertible(other) => {
            if token.is_container() {
                return Err(call.throw(
                    Class::JsonSerializationException,
                    format!(
                        "Cannot deserialize the current JSON {} into type '{}'.",
                        token.token_type().name().to_lowercase(),
                        super::type_full_name(other)
                    ),
                ));
            }
            from_jtoken(&Value::Json(Arc::clone(token)), other, call.span)
        }
        other => Err(call.throw(
            Class::JsonSerializationException,
            format!(
                "Gatehouse cannot deserialize JSON into type '{}'.",
                super::type_full_name(other)
            ),
        )),
    }
}

fn sibling(token: &JToken, direction: isize) -> Option<JToken> {
    // Siblings of a property's value are the neighbouring properties of its object.
    let parent = token.parent()?;
    let siblings = json::children(&parent);
    let index = siblings.iter().position(|s| Arc::ptr_eq(s, token))?;
    let target = index.checked_add_signed(direction)?;
    siblings.get(target).cloned()
}

fn descendants(token: &JToken, out: &mut Vec<JToken>) {
    for child in json::children(token) {
        out.push(Arc::clone(&child));
        descendants(&child, out);
    }
}

fn property_with(token: &JToken, name: &str, comparison: i64) -> Option<JToken> {
    if let Some(exact) = json::property(token, name) {
        return Some(exact);
    }
    if comparison == 5 || comparison == 1 || comparison == 3 {
        return json::children(token).into_iter().find(|p| {
            json::property_name(p).is_some_and(|n| n.to_lowercase() == name.to_lowercase())
        });
    }
    None
}

fn replace(call: &Call<'_>, token: &JToken, replacement: JToken) -> Result<(), Fault> {
    let parent = token
        .parent()
        .ok_or_else(|| call.throw(Class::InvalidOperationException, "The parent is missing."))?;
    let data = parent.read().clone();
    match data {
        JData::Property { .. } => json::set_property_value(&parent, replacement),
        JData::Array(items) => {
            if let Some(index) = items.iter().position(|item| Arc::ptr_eq(item, token)) {
                json::set_item(&parent, index, replacement);
            }
        }
        JData::Object(items) => {
            // Replacing a property with another property.
            if let Some(index) = items.iter().position(|item| Arc::ptr_eq(item, token)) {
                json::detach(token);
                let name = json::property_name(&replacement).unwrap_or_default();
                let value = json::property_value(&replacement)
                    .unwrap_or_else(|| json::new_value(JValue::Null));
                json::set(&parent, &name, value);
                let _ = index;
            }
        }
        JData::Value(_) => {}
    }
    Ok(())
}

fn add_beside(cx: &mut Cx<'_>, call: &Call<'_>, offset: usize) -> R {
    let token = Arc::clone(this_token(call)?);
    let parent = token
        .parent()
        .ok_or_else(|| call.throw(Class::InvalidOperationException, "The parent is missing."))?;
    let index = json::children(&parent)
        .iter()
        .position(|c| Arc::ptr_eq(c, &token))
        .unwrap_or(0);
    let content = call.arg(0).clone();
    let new = match &content {
        Value::Json(t) => Arc::clone(t),
        other => match primitive_jvalue(other) {
            Some(v) => json::new_value(v),
            None => from_object(cx, other, call.span)?,
        },
    };
    if matches!(&*parent.read(), JData::Array(_)) {
        json::insert(&parent, index + offset, new);
        return Ok(Value::Null);
    }
    Err(call.throw(
        Class::InvalidOperationException,
        "Gatehouse can add siblings only inside arrays.",
    ))
}

#[allow(dead_code, reason = "keeps the Decimal conversion next to its users")]
fn decimal_of(value: f64) -> Option<Decimal> {
    Decimal::from_f64(value)
}
