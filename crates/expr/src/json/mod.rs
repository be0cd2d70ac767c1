//! Newtonsoft.Json's `JToken` family, with the behaviour policies depend on:
//!
//! - tokens are references: a `JObject` stored in a variable and changed later is changed for
//!   every reader; `==` on tokens compares references;
//! - containers own their children and children know their parent (`Property(k).Remove()`);
//!   adding a token that already has a parent adds a copy, as Newtonsoft does;
//! - parsing turns ISO-8601 strings into `Date` values (`DateParseHandling.DateTime`), so
//!   `(string)obj["when"]` comes back as `01/02/2020 10:00:00`;
//! - `ToString()` is indented with two spaces and `\n`, `ToString(Formatting.None)` compact.

mod parse;
pub mod path;
pub mod write;

use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard, Weak};

pub use parse::{JsonError, parse};
pub use write::{write, write_string};

use crate::net::time::{DateTime, DateTimeOffset, Kind};

/// A token: shared, mutable, with identity.
pub type JToken = Arc<JNode>;

#[derive(Debug)]
pub struct JNode {
    data: RwLock<JData>,
    parent: RwLock<Weak<JNode>>,
    /// A property's name, which never changes (`JProperty.Name` is read-only): kept outside
    /// the lock so that looking a property up locks nothing but the object.
    name: Option<Arc<str>>,
}

#[derive(Clone, Debug)]
pub enum JData {
    /// Children are `Property` nodes, in order.
    Object(Vec<JToken>),
    Array(Vec<JToken>),
    Property {
        name: String,
        value: JToken,
    },
    Value(JValue),
}

/// A primitive JSON value, with Newtonsoft's `JTokenType` distinctions.
#[derive(Clone, Debug, PartialEq)]
pub enum JValue {
    Null,
    Undefined,
    Boolean(bool),
    Integer(i64),
    /// Beyond `Int64`: Newtonsoft keeps a `BigInteger`.
    BigInteger(i128),
    Float(f64),
    /// A .NET `decimal` stored in a token (Newtonsoft keeps its scale: `1.50`).
    Decimal(rust_decimal::Decimal),
    String(Arc<str>),
    Date(DateTime),
    DateOffset(DateTimeOffset),
    Guid([u8; 16]),
    Uri(Arc<str>),
    Bytes(Vec<u8>),
    TimeSpan(i64),
}

/// Newtonsoft's `JTokenType` numbering.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenType {
    Object = 1,
    Array = 2,
    Property = 4,
    Integer = 6,
    Float = 7,
    String = 8,
    Boolean = 9,
    Null = 10,
    Undefined = 11,
    Date = 12,
    Bytes = 14,
    Guid = 15,
    Uri = 16,
    TimeSpan = 17,
}

impl TokenType {
    pub fn name(self) -> &'static str {
        match self {
            TokenType::Object => "Object",
            TokenType::Array => "Array",
            TokenType::Property => "Property",
            TokenType::Integer => "Integer",
            TokenType::Float => "Float",
            TokenType::String => "String",
            TokenType::Boolean => "Boolean",
            TokenType::Null => "Null",
            TokenType::Undefined => "Undefined",
            TokenType::Date => "Date",
            TokenType::Bytes => "Bytes",
            TokenType::Guid => "Guid",
            TokenType::Uri => "Uri",
            TokenType::TimeSpan => "TimeSpan",
        }
    }
}

/// A container's children are dropped by the outermost drop rather than recursively (see
/// [`crate::cycles`]): documents built in a loop can be far deeper than the stack.
impl Drop for JNode {
    fn drop(&mut self) {
        if !crate::cycles::stack_is_low() {
            return;
        }
        let data = self.data.get_mut().unwrap_or_else(PoisonError::into_inner);
        if let JData::Object(children) | JData::Array(children) = data
            && !children.is_empty()
        {
            crate::cycles::defer_tokens(std::mem::take(children));
        }
    }
}

impl JNode {
    fn new(data: JData) -> JToken {
        let name = match &data {
            JData::Property { name, .. } => Some(Arc::from(name.as_str())),
            _ => None,
        };
        Arc::new(JNode {
            data: RwLock::new(data),
            parent: RwLock::new(Weak::new()),
            name,
        })
    }

    pub fn read(&self) -> RwLockReadGuard<'_, JData> {
        self.data.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, JData> {
        self.data.write().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn parent(&self) -> Option<JToken> {
        self.parent
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .upgrade()
    }

    fn set_parent(&self, parent: Option<&JToken>) {
        *self.parent.write().unwrap_or_else(PoisonError::into_inner) =
            parent.map_or_else(Weak::new, Arc::downgrade);
    }

    pub fn token_type(&self) -> TokenType {
        match &*self.read() {
            JData::Object(_) => TokenType::Object,
            JData::Array(_) => TokenType::Array,
            JData::Property { .. } => TokenType::Property,
            JData::Value(value) => value.token_type(),
        }
    }

    pub fn value(&self) -> Option<JValue> {
        match &*self.read() {
            JData::Value(value) => Some(value.clone()),
            _ => None,
        }
    }

    pub fn is_container(&self) -> bool {
        !matches!(&*self.read(), JData::Value(_))
    }
}

impl JValue {
    pub fn token_type(&self) -> TokenType {
        match self {
            JValue::Null => TokenType::Null,
            JValue::Undefined => TokenType::Undefined,
            JValue::Boolean(_) => TokenType::Boolean,
            JValue::Integer(_) | JValue::BigInteger(_) => TokenType::Integer,
            JValue::Float(_) | JValue::Decimal(_) => TokenType::Float,
            JValue::String(_) => TokenType::String,
            JValue::Date(_) | JValue::DateOffset(_) => TokenType::Date,
            JValue::Guid(_) => TokenType::Guid,
            JValue::Uri(_) => TokenType::Uri,
            JValue::Bytes(_) => TokenType::Bytes,
            JValue::TimeSpan(_) => TokenType::TimeSpan,
        }
    }
}

// ---------------------------------------------------------------- construction

pub fn new_value(value: JValue) -> JToken {
    JNode::new(JData::Value(value))
}

pub fn new_object() -> JToken {
    JNode::new(JData::Object(Vec::new()))
}

pub fn new_array() -> JToken {
    JNode::new(JData::Array(Vec::new()))
}

/// A property; its value is adopted (copied if it already has a parent).
pub fn new_property(name: &str, value: JToken) -> JToken {
    let property = JNode::new(JData::Property {
        name: name.to_owned(),
        value: new_value(JValue::Null),
    });
    let value = adopt(&property, value);
    if let JData::Property { value: slot, .. } = &mut *property.write() {
        *slot = value;
    }
    property
}

/// The token to insert under `parent`: the token itself, or a deep copy when it already
/// belongs to another container (Newtonsoft's rule).
fn adopt(parent: &JToken, child: JToken) -> JToken {
    let child = if child.parent().is_some() {
        deep_clone(&child)
    } else {
        child
    };
    child.set_parent(Some(parent));
    child
}

pub fn deep_clone(token: &JToken) -> JToken {
    crate::cycles::with_stack(|| clone_token(token))
}

fn clone_token(token: &JToken) -> JToken {
    let data = token.read().clone();
    match data {
        JData::Value(value) => new_value(value),
        JData::Property { name, value } => new_property(&name, deep_clone(&value)),
        JData::Object(properties) => {
            let object = new_object();
            for property in properties {
                let copy = deep_clone(&property);
                copy.set_parent(Some(&object));
                if let JData::Object(children) = &mut *object.write() {
                    children.push(copy);
                }
            }
            object
        }
        JData::Array(items) => {
            let array = new_array();
            for item in items {
                let copy = deep_clone(&item);
                copy.set_parent(Some(&array));
                if let JData::Array(children) = &mut *array.write() {
                    children.push(copy);
                }
            }
            array
        }
    }
}

// ---------------------------------------------------------------- objects

/// The property called `name` (exact, case-sensitive match first, as `JObject` indexes).
pub fn property(object: &JToken, name: &str) -> Option<JToken> {
    match &*object.read() {
        JData::Object(properties) => properties
            .iter()
            .find(|property| property.name.as_deref() == Some(name))
            .cloned(),
        _ => None,
    }
}

/// `JObject[name]`: the property's value, or `None`.
pub fn get(object: &JToken, name: &str) -> Option<JToken> {
    let data = object.read();
    let JData::Object(properties) = &*data else {
        return None;
    };
    value_of(properties, name)
}

/// The value of the property called `name` among an object's properties.
pub fn value_of(properties: &[JToken], name: &str) -> Option<JToken> {
    let property = properties
        .iter()
        .find(|property| property.name.as_deref() == Some(name))?;
    match &*property.read() {
        JData::Property { value, .. } => Some(Arc::clone(value)),
        _ => None,
    }
}

/// `JObject[name] = value`: replaces the value of an existing property, or appends one.
pub fn set(object: &JToken, name: &str, value: JToken) {
    if let Some(existing) = property(object, name) {
        let adopted = adopt(&existing, value);
        if let JData::Property { value: slot, .. } = &mut *existing.write() {
            slot.set_parent(None);
            *slot = adopted;
        }
        return;
    }
    let property = new_property(name, value);
    property.set_parent(Some(object));
    if let JData::Object(properties) = &mut *object.write() {
        properties.push(property);
    }
}

/// Appends a property; `false` when one of that name exists (Newtonsoft throws).
pub fn add_property(object: &JToken, property: JToken) -> bool {
    let name = property_name(&property).unwrap_or_default();
    if self::property(object, &name).is_some() {
        return false;
    }
    let property = adopt(object, property);
    if let JData::Object(properties) = &mut *object.write() {
        properties.push(property);
    }
    true
}

/// Removes the property called `name`; `true` if there was one.
pub fn remove(object: &JToken, name: &str) -> bool {
    let Some(found) = property(object, name) else {
        return false;
    };
    detach(&found)
}

/// Removes a token from its container (`token.Remove()`); `false` without a parent.
pub fn detach(token: &JToken) -> bool {
    let Some(parent) = token.parent() else {
        return false;
    };
    let mut data = parent.write();
    let removed = match &mut *data {
        JData::Object(children) | JData::Array(children) => {
            let before = children.len();
            children.retain(|child| !Arc::ptr_eq(child, token));
            before != children.len()
        }
        JData::Property { .. } | JData::Value(_) => false,
    };
    drop(data);
    if removed {
        token.set_parent(None);
    }
    removed
}

pub fn property_name(property: &JToken) -> Option<String> {
    match &*property.read() {
        JData::Property { name, .. } => Some(name.clone()),
        _ => None,
    }
}

pub fn property_value(property: &JToken) -> Option<JToken> {
    match &*property.read() {
        JData::Property { value, .. } => Some(Arc::clone(value)),
        _ => None,
    }
}

pub fn set_property_value(property: &JToken, value: JToken) {
    let adopted = adopt(property, value);
    if let JData::Property { value: slot, .. } = &mut *property.write() {
        slot.set_parent(None);
        *slot = adopted;
    }
}

/// The children: properties of an object, items of an array, the value of a property.
pub fn children(token: &JToken) -> Vec<JToken> {
    match &*token.read() {
        JData::Object(children) | JData::Array(children) => children.clone(),
        JData::Property { value, .. } => vec![Arc::clone(value)],
        JData::Value(_) => Vec::new(),
    }
}

// ---------------------------------------------------------------- arrays

pub fn push(array: &JToken, item: JToken) {
    let item = adopt(array, item);
    if let JData::Array(items) = &mut *array.write() {
        items.push(item);
    }
}

pub fn insert(array: &JToken, index: usize, item: JToken) -> bool {
    let item = adopt(array, item);
    match &mut *array.write() {
        JData::Array(items) if index <= items.len() => {
            items.insert(index, item);
            true
        }
        _ => false,
    }
}

pub fn item(array: &JToken, index: usize) -> Option<JToken> {
    match &*array.read() {
        JData::Array(items) => items.get(index).cloned(),
        _ => None,
    }
}

pub fn set_item(array: &JToken, index: usize, value: JToken) -> bool {
    let value = adopt(array, value);
    match &mut *array.write() {
        JData::Array(items) => match items.get_mut(index) {
            Some(slot) => {
                slot.set_parent(None);
                *slot = value;
                true
            }
            None => false,
        },
        _ => false,
    }
}

pub fn count(token: &JToken) -> usize {
    match &*token.read() {
        JData::Object(children) | JData::Array(children) => children.len(),
        JData::Property { .. } => 1,
        JData::Value(_) => 0,
    }
}

// ---------------------------------------------------------------- navigation

/// `token.Path`: `a.b[0].c`, with `['x y']` for names that are not plain.
pub fn path_of(token: &JToken) -> String {
    let mut segments: Vec<String> = Vec::new();
    let mut current = Arc::clone(token);
    while let Some(parent) = current.parent() {
        match &*parent.read() {
            JData::Property { name, .. } => {
                let plain =
                    !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_');
                segments.push(if plain {
                    format!(".{name}")
                } else {
                    format!("['{name}']")
                });
            }
            JData::Array(items) => {
                if let Some(index) = items.iter().position(|item| Arc::ptr_eq(item, &current)) {
                    segments.push(format!("[{index}]"));
                }
            }
            JData::Object(_) | JData::Value(_) => {}
        }
        current = parent;
    }
    let mut path: String = segments.into_iter().rev().collect();
    if path.starts_with('.') {
        path.remove(0);
    }
    path
}

pub fn root(token: &JToken) -> JToken {
    let mut current = Arc::clone(token);
    while let Some(parent) = current.parent() {
        current = parent;
    }
    current
}

/// Structural equality (`JToken.DeepEquals`).
pub fn deep_equals(a: &JToken, b: &JToken) -> bool {
    crate::cycles::with_stack(|| tokens_equal(a, b))
}

fn tokens_equal(a: &JToken, b: &JToken) -> bool {
    if Arc::ptr_eq(a, b) {
        return true;
    }
    let (left, right) = (a.read().clone(), b.read().clone());
    match (left, right) {
        (JData::Value(x), JData::Value(y)) => value_equals(&x, &y),
        (
            JData::Property {
                name: n1,
                value: v1,
            },
            JData::Property {
                name: n2,
                value: v2,
            },
        ) => n1 == n2 && deep_equals(&v1, &v2),
        (JData::Object(x), JData::Object(y)) | (JData::Array(x), JData::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| deep_equals(p, q))
        }
        _ => false,
    }
}

fn value_equals(a: &JValue, b: &JValue) -> bool {
    match (a, b) {
        (JValue::Integer(x), JValue::Float(y)) | (JValue::Float(y), JValue::Integer(x)) => {
            #[allow(
                clippy::cast_precision_loss,
                reason = "Newtonsoft compares integers and floats as doubles"
            )]
            let x = *x as f64;
            x == *y
        }
        (JValue::Date(x), JValue::Date(y)) => x.ticks == y.ticks,
        _ => a == b,
    }
}

/// A date value as `DateTime` with kind, for conversions.
pub fn date_of(value: &JValue) -> Option<DateTime> {
    match value {
        JValue::Date(date) => Some(*date),
        JValue::DateOffset(offset) => Some(DateTime {
            ticks: offset.ticks,
            kind: Kind::Unspecified,
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_are_shared_and_mutable() {
        let object = parse(r#"{"a":1,"b":{"c":"x"}}"#, true).unwrap();
        let alias = Arc::clone(&object);
        set(&alias, "d", new_value(JValue::Boolean(true)));
        assert_eq!(
            write_string(&object, false),
            r#"{"a":1,"b":{"c":"x"},"d":true}"#
        );
        assert!(remove(&object, "a"));
        assert!(!remove(&object, "a"));
        assert_eq!(write_string(&object, false), r#"{"b":{"c":"x"},"d":true}"#);
    }

    #[test]
    fn adding_a_parented_token_adds_a_copy() {
        let source = parse(r#"{"a":{"x":1}}"#, true).unwrap();
        let inner = get(&source, "a").unwrap();
        let target = new_object();
        set(&target, "copy", Arc::clone(&inner));
        set(&inner, "x", new_value(JValue::Integer(2)));
        assert_eq!(write_string(&target, false), r#"{"copy":{"x":1}}"#);
        assert_eq!(write_string(&source, false), r#"{"a":{"x":2}}"#);
    }

    #[test]
    fn paths_and_detach() {
        let object = parse(r#"{"a":[{"b c":1}]}"#, true).unwrap();
        let leaf = get(&item(&get(&object, "a").unwrap(), 0).unwrap(), "b c").unwrap();
        assert_eq!(path_of(&leaf), "a[0]['b c']");
        let property = property(&item(&get(&object, "a").unwrap(), 0).unwrap(), "b c").unwrap();
        assert!(detach(&property));
        assert_eq!(write_string(&object, false), r#"{"a":[{}]}"#);
    }
}
