//! Arrays, `List<T>`, `Dictionary<K, V>`, `HashSet<T>`, `KeyValuePair<K, V>`, and the
//! dictionary interfaces that the `context` object's headers, query, variables and matched
//! parameters implement.

use std::sync::{Arc, RwLock};

use indexmap::IndexMap;

use super::core::dict_key;
use super::{Call, Owner, Registry};
use crate::eval::{Cx, Fault};
use crate::types::{Class, Generic, Type};
use crate::value::{ComparerKind, DictKey, Object, Str, Value, read, write};

type R = Result<Value, Fault>;

/// A dictionary's entries: hashed key → (key, value).
type Entries = RwLock<IndexMap<DictKey, (Value, Value)>>;
/// A set's items: hashed key → item.
type SetItems = RwLock<IndexMap<DictKey, Value>>;

fn key_not_found(call: &Call<'_>, key: &Value) -> Fault {
    call.throw(
        Class::KeyNotFoundException,
        format!(
            "The given key '{}' was not present in the dictionary.",
            super::to_display_string(key)
        ),
    )
}

fn object_of<'v>(call: &Call<'_>, value: &'v Value) -> Result<&'v Object, Fault> {
    match value {
        Value::Object(object) => Ok(object),
        Value::Null => Err(crate::eval::null_reference(call.span)),
        _ => Err(call.internal("not a collection")),
    }
}

fn string_key(key: &Value) -> Option<&str> {
    match key {
        Value::String(s) => Some(s),
        _ => None,
    }
}

fn string_values(values: &[Str]) -> Value {
    Value::string_array(values.iter().cloned())
}

/// Looks `key` up in a dictionary-like object; `None` when absent.
pub(crate) fn dict_get(
    cx: &Cx<'_>,
    call: &Call<'_>,
    target: &Value,
    key: &Value,
) -> Result<Option<Value>, Fault> {
    if key.is_null() {
        return Err(call.null_argument("key"));
    }
    let object = object_of(call, target)?;
    Ok(match object {
        Object::Dictionary {
            entries,
            ignore_case,
            ..
        } => read(entries)
            .get(&dict_key(key, *ignore_case))
            .map(|(_, v)| v.clone()),
        Object::Multimap(map) => string_key(key).and_then(|k| map.get(k)).map(string_values),
        Object::MatchedParameters(map) => string_key(key)
            .and_then(|k| map.get(k))
            .map(|v| Value::String(Arc::clone(v))),
        Object::Variables => string_key(key)
            .and_then(|k| cx.context.variables.get(k))
            .cloned(),
        _ => return Err(call.internal("not a dictionary")),
    })
}

/// The entries of a dictionary-like object, in order.
pub(crate) fn dict_entries(
    cx: &Cx<'_>,
    call: &Call<'_>,
    target: &Value,
) -> Result<Vec<(Value, Value)>, Fault> {
    let object = object_of(call, target)?;
    Ok(match object {
        Object::Dictionary { entries, .. } => read(entries).values().cloned().collect(),
        Object::Multimap(map) => map
            .entries()
            .iter()
            .map(|(k, v)| (Value::String(Arc::clone(k)), string_values(v)))
            .collect(),
        Object::MatchedParameters(map) => map
            .iter()
            .map(|(k, v)| (Value::String(Arc::clone(k)), Value::String(Arc::clone(v))))
            .collect(),
        Object::Variables => cx
            .context
            .variables
            .iter()
            .map(|(k, v)| (crate::value::new_str(k), v.clone()))
            .collect(),
        _ => return Err(call.internal("not a dictionary")),
    })
}

/// The key and value types of a dictionary-like object.
fn dict_types(object: &Object) -> (Type, Type) {
    match object {
        Object::Dictionary { key, value, .. } => (key.clone(), value.clone()),
        Object::Multimap(_) => (Type::String, Type::array(Type::String)),
        Object::MatchedParameters(_) => (Type::String, Type::String),
        Object::Variables => (Type::String, Type::Object),
        _ => (Type::Object, Type::Object),
    }
}

pub(crate) fn key_value_pair(key: Value, value: Value, key_type: Type, value_type: Type) -> Value {
    Value::object(Object::KeyValuePair {
        key,
        value,
        key_type,
        value_type,
    })
}

/// `KeyValuePair` items of a dictionary-like object, for enumeration.
pub(crate) fn dict_pairs(
    cx: &Cx<'_>,
    call: &Call<'_>,
    target: &Value,
) -> Result<Vec<Value>, Fault> {
    let (key_type, value_type) = dict_types(object_of(call, target)?);
    Ok(dict_entries(cx, call, target)?
        .into_iter()
        .map(|(k, v)| key_value_pair(k, v, key_type.clone(), value_type.clone()))
        .collect())
}

/// Items of a list-like object (array, list, set).
pub(crate) fn list_items(value: &Value) -> Option<Vec<Value>> {
    match value {
        Value::Object(object) => match &**object {
            Object::Array { items, .. } | Object::List { items, .. } => Some(read(items).clone()),
            Object::Bytes(bytes) => Some(read(bytes).iter().map(|b| Value::Byte(*b)).collect()),
            Object::HashSet { items, .. } => Some(read(items).values().cloned().collect()),
            _ => None,
        },
        _ => None,
    }
}

fn list_len(call: &Call<'_>) -> Result<usize, Fault> {
    Ok(match object_of(call, &call.this)? {
        Object::Array { items, .. } | Object::List { items, .. } => read(items).len(),
        Object::Bytes(bytes) => read(bytes).len(),
        Object::HashSet { items, .. } => read(items).len(),
        Object::Dictionary { entries, .. } => read(entries).len(),
        Object::Multimap(map) => map.len(),
        Object::MatchedParameters(map) => map.len(),
        _ => return Err(call.internal("not a collection")),
    })
}

fn count_value(call: &Call<'_>, cx: &Cx<'_>) -> R {
    let len = match object_of(call, &call.this)? {
        Object::Variables => cx.context.variables.len(),
        _ => list_len(call)?,
    };
    Ok(Value::Int32(i32::try_from(len).unwrap_or(i32::MAX)))
}

fn index_of(call: &Call<'_>, position: usize, len: usize, array: bool) -> Result<usize, Fault> {
    match usize::try_from(call.int(position)?) {
        Ok(index) if index < len => Ok(index),
        _ if array => Err(call.throw(Class::IndexOutOfRangeException, "Index was outside the bounds of the array.")),
        _ => Err(call.throw(
            Class::ArgumentOutOfRangeException,
            "Index was out of range. Must be non-negative and less than the size of the collection. (Parameter 'index')",
        )),
    }
}

fn element_get(call: &Call<'_>) -> R {
    match object_of(call, &call.this)? {
        Object::Bytes(bytes) => {
            let bytes = read(bytes);
            let index = index_of(call, 0, bytes.len(), true)?;
            Ok(bytes.get(index).map_or(Value::Null, |b| Value::Byte(*b)))
        }
        Object::Array { items, .. } => {
            let items = read(items);
            let index = index_of(call, 0, items.len(), true)?;
            Ok(items.get(index).cloned().unwrap_or(Value::Null))
        }
        Object::List { items, .. } => {
            let items = read(items);
            let index = index_of(call, 0, items.len(), false)?;
            Ok(items.get(index).cloned().unwrap_or(Value::Null))
        }
        _ => Err(call.internal("indexing a non-list")),
    }
}

fn element_set(call: &Call<'_>) -> R {
    let value = call.arg(1).clone();
    match object_of(call, &call.this)? {
        Object::Bytes(bytes) => {
            let mut bytes = write(bytes);
            let index = index_of(call, 0, bytes.len(), true)?;
            if let (Some(slot), Value::Byte(b)) = (bytes.get_mut(index), &value) {
                *slot = *b;
            }
        }
        Object::Array { items, .. } => {
            let mut items = write(items);
            let index = index_of(call, 0, items.len(), true)?;
            if let Some(slot) = items.get_mut(index) {
                *slot = value;
            }
        }
        Object::List { items, .. } => {
            let mut items = write(items);
            let index = index_of(call, 0, items.len(), false)?;
            if let Some(slot) = items.get_mut(index) {
                *slot = value;
            }
        }
        _ => return Err(call.internal("indexing a non-list")),
    }
    Ok(Value::Null)
}

fn list_items_lock<'c>(call: &'c Call<'_>) -> Result<&'c RwLock<Vec<Value>>, Fault> {
    match object_of(call, &call.this)? {
        Object::List { items, .. } | Object::Array { items, .. } => Ok(items),
        _ => Err(call.internal("not a List")),
    }
}

/// The items of a list that can grow or shrink; an array (fixed size) throws, as in .NET.
fn growable_items<'c>(call: &'c Call<'_>) -> Result<&'c RwLock<Vec<Value>>, Fault> {
    match object_of(call, &call.this)? {
        Object::List { items, .. } => Ok(items),
        Object::Array { .. } => Err(call.throw(
            Class::NotSupportedException,
            "Collection was of a fixed size.",
        )),
        _ => Err(call.internal("not a List")),
    }
}

fn new_list(element: Type, items: Vec<Value>) -> Value {
    Value::object(Object::List {
        element,
        items: RwLock::new(items),
    })
}

fn comparer_ignores_case(value: &Value) -> bool {
    matches!(
        super::strings::comparer_of(value),
        Some(ComparerKind::OrdinalIgnoreCase | ComparerKind::InvariantCultureIgnoreCase)
    )
}

fn new_dictionary(call: &Call<'_>, ignore_case: bool) -> Value {
    Value::object(Object::Dictionary {
        key: call.type_arg(0).clone(),
        value: call.type_arg(1).clone(),
        entries: RwLock::new(IndexMap::new()),
        ignore_case,
    })
}

fn dictionary_parts<'c>(call: &'c Call<'_>) -> Result<(&'c Entries, bool), Fault> {
    match object_of(call, &call.this)? {
        Object::Dictionary {
            entries,
            ignore_case,
            ..
        } => Ok((entries, *ignore_case)),
        _ => Err(call.internal("not a Dictionary")),
    }
}

fn set_parts<'c>(call: &'c Call<'_>) -> Result<(&'c SetItems, bool), Fault> {
    match object_of(call, &call.this)? {
        Object::HashSet {
            items, ignore_case, ..
        } => Ok((items, *ignore_case)),
        _ => Err(call.internal("not a HashSet")),
    }
}

fn predicate_index(
    cx: &mut Cx<'_>,
    call: &Call<'_>,
    items: &[Value],
    predicate: &Value,
) -> Result<Option<usize>, Fault> {
    if predicate.is_null() {
        return Err(call.null_argument("match"));
    }
    for (index, item) in items.iter().enumerate() {
        if matches!(
            cx.invoke(predicate, std::slice::from_ref(item), call.span)?,
            Value::Bool(true)
        ) {
            return Ok(Some(index));
        }
    }
    Ok(None)
}

fn sort_values(
    cx: &mut Cx<'_>,
    call: &Call<'_>,
    items: &mut [Value],
    comparison: Option<&Value>,
) -> Result<(), Fault> {
    match comparison {
        None => {
            items.sort_by(super::compare_values);
            Ok(())
        }
        Some(comparison) => {
            // Merge sort with a fallible comparison.
            let mut error = None;
            let mut sorted = items.to_vec();
            merge_sort(&mut sorted, &mut |a, b| {
                if error.is_some() {
                    return std::cmp::Ordering::Equal;
                }
                match cx.invoke(comparison, &[a.clone(), b.clone()], call.span) {
                    Ok(Value::Int32(n)) => n.cmp(&0),
                    Ok(_) => std::cmp::Ordering::Equal,
                    Err(fault) => {
                        error = Some(fault);
                        std::cmp::Ordering::Equal
                    }
                }
            });
            if let Some(fault) = error {
                return Err(fault);
            }
            for (slot, value) in items.iter_mut().zip(sorted) {
                *slot = value;
            }
            Ok(())
        }
    }
}

/// A stable merge sort driven by a closure that may record an error.
pub(crate) fn merge_sort(
    items: &mut Vec<Value>,
    compare: &mut dyn FnMut(&Value, &Value) -> std::cmp::Ordering,
) {
    if items.len() < 2 {
        return;
    }
    let right = items.split_off(items.len() / 2);
    let mut left = std::mem::take(items);
    let mut right = right;
    merge_sort(&mut left, compare);
    merge_sort(&mut right, compare);
    let mut merged = Vec::with_capacity(left.len() + right.len());
    let mut left = left.into_iter().peekable();
    let mut right = right.into_iter().peekable();
    loop {
        match (left.peek(), right.peek()) {
            (Some(a), Some(b)) => {
                if compare(b, a) == std::cmp::Ordering::Less {
                    merged.extend(right.next());
                } else {
                    merged.extend(left.next());
                }
            }
            (Some(_), None) => merged.extend(left.next()),
            (None, Some(_)) => merged.extend(right.next()),
            (None, None) => break,
        }
    }
    *items = merged;
}

pub(super) fn register(r: &mut Registry) {
    // ----- arrays
    let array = Owner::Array;
    r.property(array, "Length", "int", |_, c| {
        Ok(Value::Int32(
            i32::try_from(list_len(c)?).unwrap_or(i32::MAX),
        ))
    });
    r.property(array, "LongLength", "long", |_, c| {
        Ok(Value::Int64(
            i64::try_from(list_len(c)?).unwrap_or(i64::MAX),
        ))
    });
    r.indexer(
        array,
        "<T>(int index) -> T",
        |_, c| element_get(c),
        Some(|_, c| element_set(c)),
    );
    r.method(array, "Clone", "() -> object", |_, c| {
        Ok(match object_of(c, &c.this)? {
            Object::Bytes(bytes) => Value::bytes(read(bytes).clone()),
            Object::Array { element, items } => Value::array(element.clone(), read(items).clone()),
            _ => c.this.clone(),
        })
    });
    let statics = Owner::Class(Class::Array);
    r.static_method(statics, "Empty", "<T>() -> T[]", |_, c| {
        Ok(Value::array(c.type_arg(0).clone(), Vec::new()))
    });
    r.static_method(
        statics,
        "IndexOf",
        "<T>(T[] array, T value) -> int",
        |_, c| {
            let items = list_items(c.arg(0)).ok_or_else(|| c.null_argument("array"))?;
            let position = items
                .iter()
                .position(|item| super::value_equals(item, c.arg(1)));
            Ok(Value::Int32(
                position.map_or(-1, |p| i32::try_from(p).unwrap_or(-1)),
            ))
        },
    );
    r.static_method(
        statics,
        "Exists",
        "<T>(T[] array, Predicate<T> match) -> bool",
        |cx, c| {
            let items = list_items(c.arg(0)).ok_or_else(|| c.null_argument("array"))?;
            Ok(Value::Bool(
                predicate_index(cx, c, &items, c.arg(1))?.is_some(),
            ))
        },
    );
    r.static_method(
        statics,
        "Find",
        "<T>(T[] array, Predicate<T> match) -> T",
        |cx, c| {
            let items = list_items(c.arg(0)).ok_or_else(|| c.null_argument("array"))?;
            let found = predicate_index(cx, c, &items, c.arg(1))?;
            Ok(found
                .and_then(|i| items.get(i).cloned())
                .unwrap_or_else(|| crate::eval::default_value(c.type_arg(0))))
        },
    );
    r.static_method(
        statics,
        "FindAll",
        "<T>(T[] array, Predicate<T> match) -> T[]",
        |cx, c| {
            let items = list_items(c.arg(0)).ok_or_else(|| c.null_argument("array"))?;
            let mut found = Vec::new();
            for item in items {
                if matches!(
                    cx.invoke(c.arg(1), std::slice::from_ref(&item), c.span)?,
                    Value::Bool(true)
                ) {
                    found.push(item);
                }
            }
            Ok(Value::array(c.type_arg(0).clone(), found))
        },
    );
    r.static_method(
        statics,
        "TrueForAll",
        "<T>(T[] array, Predicate<T> match) -> bool",
        |cx, c| {
            let items = list_items(c.arg(0)).ok_or_else(|| c.null_argument("array"))?;
            for item in items {
                if !matches!(
                    cx.invoke(c.arg(1), std::slice::from_ref(&item), c.span)?,
                    Value::Bool(true)
                ) {
                    return Ok(Value::Bool(false));
                }
            }
            Ok(Value::Bool(true))
        },
    );
    r.static_method(statics, "Reverse", "<T>(T[] array) -> void", |_, c| {
        match object_of(c, c.arg(0))? {
            Object::Bytes(bytes) => write(bytes).reverse(),
            Object::Array { items, .. } => write(items).reverse(),
            _ => return Err(c.internal("not an array")),
        }
        Ok(Value::Null)
    });
    r.static_method(statics, "Sort", "<T>(T[] array) -> void", |cx, c| {
        match object_of(c, c.arg(0))? {
            Object::Bytes(bytes) => write(bytes).sort_unstable(),
            Object::Array { items, .. } => {
                let mut values = read(items).clone();
                sort_values(cx, c, &mut values, None)?;
                *write(items) = values;
            }
            _ => return Err(c.internal("not an array")),
        }
        Ok(Value::Null)
    });
    r.static_method(
        statics,
        "Copy",
        "<T>(T[] sourceArray, T[] destinationArray, int length) -> void",
        |_, c| copy_array(c, 0, 1, None, 2),
    );
    r.static_method(
        statics,
        "Copy",
        "<T>(T[] sourceArray, int sourceIndex, T[] destinationArray, int destinationIndex, int length) -> void",
        |_, c| copy_array(c, 0, 2, Some((1, 3)), 4),
    );
    r.static_method(
        statics,
        "Clear",
        "<T>(T[] array, int index, int length) -> void",
        |_, c| {
            let (index, length) = (c.int(1)?, c.int(2)?);
            let range = |len: usize| {
                let start = usize::try_from(index).ok()?;
                let end = start.checked_add(usize::try_from(length).ok()?)?;
                (end <= len).then_some(start..end)
            };
            match object_of(c, c.arg(0))? {
                Object::Bytes(bytes) => {
                    let mut bytes = write(bytes);
                    let range = range(bytes.len()).ok_or_else(|| {
                        c.throw(
                            Class::IndexOutOfRangeException,
                            "Index was outside the bounds of the array.",
                        )
                    })?;
                    for byte in bytes.get_mut(range).unwrap_or_default() {
                        *byte = 0;
                    }
                }
                Object::Array { element, items } => {
                    let mut items = write(items);
                    let range = range(items.len()).ok_or_else(|| {
                        c.throw(
                            Class::IndexOutOfRangeException,
                            "Index was outside the bounds of the array.",
                        )
                    })?;
                    let default = crate::eval::default_value(element);
                    for item in items.get_mut(range).unwrap_or_default() {
                        *item = default.clone();
                    }
                }
                _ => return Err(c.internal("not an array")),
            }
            Ok(Value::Null)
        },
    );

    // ----- List<T>
    let list = Owner::Generic(Generic::List);
    r.constructor(list, "<T>()", |_, c| {
        Ok(new_list(c.type_arg(0).clone(), Vec::new()))
    });
    r.constructor(list, "<T>(int capacity)", |_, c| {
        if c.int(0)? < 0 {
            return Err(c.out_of_range("capacity"));
        }
        Ok(new_list(c.type_arg(0).clone(), Vec::new()))
    });
    r.constructor(list, "<T>(IEnumerable<T> collection)", |cx, c| {
        if c.arg(0).is_null() {
            return Err(c.null_argument("collection"));
        }
        let items = super::linq::collect(cx, c.arg(0), c.span)?;
        Ok(new_list(c.type_arg(0).clone(), items))
    });
    r.property(list, "Count", "int", |cx, c| count_value(c, cx));
    r.indexer(
        list,
        "<T>(int index) -> T",
        |_, c| element_get(c),
        Some(|_, c| element_set(c)),
    );
    r.method(
        list,
        "AddRange",
        "<T>(IEnumerable<T> collection) -> void",
        |cx, c| {
            if c.arg(0).is_null() {
                return Err(c.null_argument("collection"));
            }
            let items = super::linq::collect(cx, c.arg(0), c.span)?;
            write(list_items_lock(c)?).extend(items);
            Ok(Value::Null)
        },
    );
    r.method(
        list,
        "RemoveAll",
        "<T>(Predicate<T> match) -> int",
        |cx, c| {
            let items = read(list_items_lock(c)?).clone();
            let mut kept = Vec::new();
            let mut removed = 0;
            for item in items {
                if matches!(
                    cx.invoke(c.arg(0), std::slice::from_ref(&item), c.span)?,
                    Value::Bool(true)
                ) {
                    removed += 1;
                } else {
                    kept.push(item);
                }
            }
            *write(list_items_lock(c)?) = kept;
            Ok(Value::Int32(removed))
        },
    );
    r.method(list, "Contains", "<T>(T item) -> bool", |_, c| {
        Ok(Value::Bool(
            read(list_items_lock(c)?)
                .iter()
                .any(|item| super::value_equals(item, c.arg(0))),
        ))
    });
    r.method(list, "IndexOf", "<T>(T item) -> int", |_, c| {
        let position = read(list_items_lock(c)?)
            .iter()
            .position(|item| super::value_equals(item, c.arg(0)));
        Ok(Value::Int32(
            position.map_or(-1, |p| i32::try_from(p).unwrap_or(-1)),
        ))
    });
    r.method(list, "ToArray", "<T>() -> T[]", |_, c| {
        Ok(Value::array(
            c.type_arg(0).clone(),
            read(list_items_lock(c)?).clone(),
        ))
    });
    r.method(list, "Reverse", "<T>() -> void", |_, c| {
        write(list_items_lock(c)?).reverse();
        Ok(Value::Null)
    });
    r.method(list, "Sort", "<T>() -> void", |cx, c| {
        let mut items = read(list_items_lock(c)?).clone();
        sort_values(cx, c, &mut items, None)?;
        *write(list_items_lock(c)?) = items;
        Ok(Value::Null)
    });
    // `Sort(IComparer<string>)` with a `StringComparer`, the comparer policies have.
    r.method(list, "Sort", "(StringComparer comparer) -> void", |_, c| {
        let kind = super::strings::comparer_of(c.arg(0));
        let mut items = read(list_items_lock(c)?).clone();
        merge_sort(&mut items, &mut |a, b| {
            let text = |v: &Value| match v {
                Value::String(s) => Some(Arc::clone(s)),
                _ => None,
            };
            super::strings::comparer_compare(kind, text(a).as_deref(), text(b).as_deref())
        });
        *write(list_items_lock(c)?) = items;
        Ok(Value::Null)
    });
    r.method(
        list,
        "Sort",
        "<T>(Func<T, T, int> comparison) -> void",
        |cx, c| {
            let mut items = read(list_items_lock(c)?).clone();
            let comparison = c.arg(0).clone();
            sort_values(cx, c, &mut items, Some(&comparison))?;
            *write(list_items_lock(c)?) = items;
            Ok(Value::Null)
        },
    );
    r.method(
        list,
        "Exists",
        "<T>(Predicate<T> match) -> bool",
        |cx, c| {
            let items = read(list_items_lock(c)?).clone();
            Ok(Value::Bool(
                predicate_index(cx, c, &items, c.arg(0))?.is_some(),
            ))
        },
    );
    r.method(list, "Find", "<T>(Predicate<T> match) -> T", |cx, c| {
        let items = read(list_items_lock(c)?).clone();
        let found = predicate_index(cx, c, &items, c.arg(0))?;
        Ok(found
            .and_then(|i| items.get(i).cloned())
            .unwrap_or_else(|| crate::eval::default_value(c.type_arg(0))))
    });
    r.method(
        list,
        "FindIndex",
        "<T>(Predicate<T> match) -> int",
        |cx, c| {
            let items = read(list_items_lock(c)?).clone();
            let found = predicate_index(cx, c, &items, c.arg(0))?;
            Ok(Value::Int32(
                found.map_or(-1, |p| i32::try_from(p).unwrap_or(-1)),
            ))
        },
    );
    r.method(
        list,
        "FindAll",
        "<T>(Predicate<T> match) -> List<T>",
        |cx, c| {
            let items = read(list_items_lock(c)?).clone();
            let mut found = Vec::new();
            for item in items {
                if matches!(
                    cx.invoke(c.arg(0), std::slice::from_ref(&item), c.span)?,
                    Value::Bool(true)
                ) {
                    found.push(item);
                }
            }
            Ok(new_list(c.type_arg(0).clone(), found))
        },
    );
    r.method(
        list,
        "TrueForAll",
        "<T>(Predicate<T> match) -> bool",
        |cx, c| {
            let items = read(list_items_lock(c)?).clone();
            for item in items {
                if !matches!(
                    cx.invoke(c.arg(0), std::slice::from_ref(&item), c.span)?,
                    Value::Bool(true)
                ) {
                    return Ok(Value::Bool(false));
                }
            }
            Ok(Value::Bool(true))
        },
    );
    r.method(list, "ForEach", "<T>(Action<T> action) -> void", |cx, c| {
        let items = read(list_items_lock(c)?).clone();
        for item in items {
            cx.invoke(c.arg(0), std::slice::from_ref(&item), c.span)?;
        }
        Ok(Value::Null)
    });
    r.method(list, "GetRange", "<T>(int index, int count) -> List<T>", |_, c| {
        let items = read(list_items_lock(c)?).clone();
        let (index, count) = (c.int(0)?, c.int(1)?);
        let range = usize::try_from(index)
            .ok()
            .zip(usize::try_from(count).ok())
            .and_then(|(i, n)| items.get(i..i.checked_add(n)?))
            .ok_or_else(|| c.argument_error("Offset and length were out of bounds for the array or count is greater than the number of elements from index to the end of the source collection."))?;
        Ok(new_list(c.type_arg(0).clone(), range.to_vec()))
    });

    // ----- IList<T> (form data values, declared interface types)
    let ilist = Owner::Generic(Generic::IList);
    // The changing members of `IList<T>`, which `List<T>` finds through it. An array is an
    // `IList<T>` of fixed size: these throw on it, as in .NET.
    r.method(ilist, "Add", "<T>(T item) -> void", |cx, c| {
        cx.charge(1, c.span)?;
        write(growable_items(c)?).push(c.arg(0).clone());
        Ok(Value::Null)
    });
    r.method(ilist, "Insert", "<T>(int index, T item) -> void", |_, c| {
        let mut items = write(growable_items(c)?);
        let index = usize::try_from(c.int(0)?)
            .ok()
            .filter(|i| *i <= items.len())
            .ok_or_else(|| c.out_of_range("index"))?;
        items.insert(index, c.arg(1).clone());
        Ok(Value::Null)
    });
    r.method(ilist, "Remove", "<T>(T item) -> bool", |_, c| {
        let mut items = write(growable_items(c)?);
        match items
            .iter()
            .position(|item| super::value_equals(item, c.arg(0)))
        {
            Some(index) => {
                items.remove(index);
                Ok(Value::Bool(true))
            }
            None => Ok(Value::Bool(false)),
        }
    });
    r.method(ilist, "RemoveAt", "<T>(int index) -> void", |_, c| {
        let mut items = write(growable_items(c)?);
        let index = index_of(c, 0, items.len(), false)?;
        items.remove(index);
        Ok(Value::Null)
    });
    r.method(ilist, "Clear", "<T>() -> void", |_, c| {
        write(growable_items(c)?).clear();
        Ok(Value::Null)
    });

    r.property(ilist, "Count", "int", |cx, c| count_value(c, cx));
    r.indexer(
        ilist,
        "<T>(int index) -> T",
        |_, c| element_get(c),
        Some(|_, c| element_set(c)),
    );
    r.method(ilist, "Contains", "<T>(T item) -> bool", |_, c| {
        let items = list_items(&c.this).unwrap_or_default();
        Ok(Value::Bool(
            items.iter().any(|item| super::value_equals(item, c.arg(0))),
        ))
    });
    r.method(ilist, "IndexOf", "<T>(T item) -> int", |_, c| {
        let items = list_items(&c.this).unwrap_or_default();
        let position = items
            .iter()
            .position(|item| super::value_equals(item, c.arg(0)));
        Ok(Value::Int32(
            position.map_or(-1, |p| i32::try_from(p).unwrap_or(-1)),
        ))
    });

    // ----- dictionaries: read members shared by every dictionary-like object
    let readonly = Owner::Generic(Generic::IReadOnlyDictionary);
    r.indexer(
        readonly,
        "<K, V>(K key) -> V",
        |cx, c| {
            let key = c.arg(0).clone();
            dict_get(cx, c, &c.this, &key)?.ok_or_else(|| key_not_found(c, &key))
        },
        None,
    );
    r.method(readonly, "ContainsKey", "<K, V>(K key) -> bool", |cx, c| {
        let key = c.arg(0).clone();
        Ok(Value::Bool(dict_get(cx, c, &c.this, &key)?.is_some()))
    });
    r.method(
        readonly,
        "TryGetValue",
        "<K, V>(K key, out V value) -> bool",
        |cx, c| {
            let key = c.arg(0).clone();
            let found = dict_get(cx, c, &c.this, &key)?;
            let ok = found.is_some();
            let default = crate::eval::default_value(c.type_arg(1));
            c.set_out(1, found.unwrap_or(default));
            Ok(Value::Bool(ok))
        },
    );
    r.property(readonly, "Count", "int", |cx, c| count_value(c, cx));
    r.property(readonly, "Keys", "<K, V> IEnumerable<K>", |cx, c| {
        let keys: Vec<Value> = dict_entries(cx, c, &c.this)?
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        Ok(new_list(c.type_arg(0).clone(), keys))
    });
    r.property(readonly, "Values", "<K, V> IEnumerable<V>", |cx, c| {
        let values: Vec<Value> = dict_entries(cx, c, &c.this)?
            .into_iter()
            .map(|(_, v)| v)
            .collect();
        Ok(new_list(c.type_arg(1).clone(), values))
    });

    // ----- Dictionary<K, V>
    let dictionary = Owner::Generic(Generic::Dictionary);
    r.constructor(dictionary, "<K, V>()", |_, c| Ok(new_dictionary(c, false)));
    r.constructor(dictionary, "<K, V>(int capacity)", |_, c| {
        Ok(new_dictionary(c, false))
    });
    r.constructor(dictionary, "<K, V>(StringComparer comparer)", |_, c| {
        Ok(new_dictionary(c, comparer_ignores_case(c.arg(0))))
    });
    r.constructor(
        dictionary,
        "<K, V>(IDictionary<K, V> dictionary)",
        |cx, c| {
            let source = c.arg(0).clone();
            let created = new_dictionary(c, false);
            if let Value::Object(object) = &created
                && let Object::Dictionary { entries, .. } = &**object
            {
                for (key, value) in dict_entries(cx, c, &source)? {
                    write(entries).insert(dict_key(&key, false), (key, value));
                }
            }
            Ok(created)
        },
    );
    // The members of the `IDictionary<K, V>` interface, which `Dictionary<K, V>` finds through
    // it: a form from `AsFormUrlEncodedContent()` is only an `IDictionary`.
    let idictionary = Owner::Generic(Generic::IDictionary);
    r.indexer(
        idictionary,
        "<K, V>(K key) -> V",
        |cx, c| {
            let key = c.arg(0).clone();
            dict_get(cx, c, &c.this, &key)?.ok_or_else(|| key_not_found(c, &key))
        },
        Some(|_, c| {
            let (entries, ignore_case) = dictionary_parts(c)?;
            let key = c.arg(0).clone();
            if key.is_null() {
                return Err(c.null_argument("key"));
            }
            let mut entries = write(entries);
            let hashed = dict_key(&key, ignore_case);
            match entries.get_mut(&hashed) {
                Some(slot) => slot.1 = c.arg(1).clone(),
                None => {
                    entries.insert(hashed, (key, c.arg(1).clone()));
                }
            }
            Ok(Value::Null)
        }),
    );
    r.method(
        idictionary,
        "Add",
        "<K, V>(K key, V value) -> void",
        |cx, c| {
            cx.charge(1, c.span)?;
            let (entries, ignore_case) = dictionary_parts(c)?;
            let key = c.arg(0).clone();
            if key.is_null() {
                return Err(c.null_argument("key"));
            }
            let hashed = dict_key(&key, ignore_case);
            let mut entries = write(entries);
            if entries.contains_key(&hashed) {
                return Err(c.argument_error(format!(
                    "An item with the same key has already been added. Key: {}",
                    super::to_display_string(&key)
                )));
            }
            entries.insert(hashed, (key, c.arg(1).clone()));
            Ok(Value::Null)
        },
    );
    r.method(
        dictionary,
        "TryAdd",
        "<K, V>(K key, V value) -> bool",
        |_, c| {
            let (entries, ignore_case) = dictionary_parts(c)?;
            let key = c.arg(0).clone();
            if key.is_null() {
                return Err(c.null_argument("key"));
            }
            let hashed = dict_key(&key, ignore_case);
            let mut entries = write(entries);
            if entries.contains_key(&hashed) {
                return Ok(Value::Bool(false));
            }
            entries.insert(hashed, (key, c.arg(1).clone()));
            Ok(Value::Bool(true))
        },
    );
    r.method(idictionary, "Remove", "<K, V>(K key) -> bool", |_, c| {
        let (entries, ignore_case) = dictionary_parts(c)?;
        let key = c.arg(0).clone();
        if key.is_null() {
            return Err(c.null_argument("key"));
        }
        Ok(Value::Bool(
            write(entries)
                .shift_remove(&dict_key(&key, ignore_case))
                .is_some(),
        ))
    });
    r.method(
        dictionary,
        "ContainsValue",
        "<K, V>(V value) -> bool",
        |_, c| {
            let (entries, _) = dictionary_parts(c)?;
            Ok(Value::Bool(
                read(entries)
                    .values()
                    .any(|(_, v)| super::value_equals(v, c.arg(0))),
            ))
        },
    );
    r.method(idictionary, "Clear", "<K, V>() -> void", |_, c| {
        write(dictionary_parts(c)?.0).clear();
        Ok(Value::Null)
    });

    // ----- HashSet<T>
    let set = Owner::Generic(Generic::HashSet);
    r.constructor(set, "<T>()", |_, c| {
        Ok(Value::object(Object::HashSet {
            element: c.type_arg(0).clone(),
            items: RwLock::new(IndexMap::new()),
            ignore_case: false,
        }))
    });
    r.constructor(set, "<T>(StringComparer comparer)", |_, c| {
        Ok(Value::object(Object::HashSet {
            element: c.type_arg(0).clone(),
            items: RwLock::new(IndexMap::new()),
            ignore_case: comparer_ignores_case(c.arg(0)),
        }))
    });
    r.constructor(set, "<T>(IEnumerable<T> collection)", |cx, c| {
        let items = super::linq::collect(cx, c.arg(0), c.span)?;
        let mut map = IndexMap::new();
        for item in items {
            map.entry(dict_key(&item, false)).or_insert(item);
        }
        Ok(Value::object(Object::HashSet {
            element: c.type_arg(0).clone(),
            items: RwLock::new(map),
            ignore_case: false,
        }))
    });
    r.property(set, "Count", "int", |cx, c| count_value(c, cx));
    r.method(set, "Add", "<T>(T item) -> bool", |cx, c| {
        cx.charge(1, c.span)?;
        let (items, ignore_case) = set_parts(c)?;
        let hashed = dict_key(c.arg(0), ignore_case);
        let mut items = write(items);
        if items.contains_key(&hashed) {
            return Ok(Value::Bool(false));
        }
        items.insert(hashed, c.arg(0).clone());
        Ok(Value::Bool(true))
    });
    r.method(set, "Contains", "<T>(T item) -> bool", |_, c| {
        let (items, ignore_case) = set_parts(c)?;
        Ok(Value::Bool(
            read(items).contains_key(&dict_key(c.arg(0), ignore_case)),
        ))
    });
    r.method(set, "Remove", "<T>(T item) -> bool", |_, c| {
        let (items, ignore_case) = set_parts(c)?;
        Ok(Value::Bool(
            write(items)
                .shift_remove(&dict_key(c.arg(0), ignore_case))
                .is_some(),
        ))
    });
    r.method(set, "Clear", "<T>() -> void", |_, c| {
        write(set_parts(c)?.0).clear();
        Ok(Value::Null)
    });

    // ----- KeyValuePair<K, V>
    let pair = Owner::Generic(Generic::KeyValuePair);
    r.property(pair, "Key", "<K, V> K", |_, c| {
        match object_of(c, &c.this)? {
            Object::KeyValuePair { key, .. } => Ok(key.clone()),
            _ => Err(c.internal("not a KeyValuePair")),
        }
    });
    r.property(pair, "Value", "<K, V> V", |_, c| {
        match object_of(c, &c.this)? {
            Object::KeyValuePair { value, .. } => Ok(value.clone()),
            _ => Err(c.internal("not a KeyValuePair")),
        }
    });
    r.constructor(pair, "<K, V>(K key, V value)", |_, c| {
        Ok(key_value_pair(
            c.arg(0).clone(),
            c.arg(1).clone(),
            c.type_arg(0).clone(),
            c.type_arg(1).clone(),
        ))
    });
}

fn copy_array(
    c: &Call<'_>,
    source: usize,
    destination: usize,
    indexes: Option<(usize, usize)>,
    length: usize,
) -> R {
    let length = usize::try_from(c.int(length)?).map_err(|_| c.out_of_range("length"))?;
    let (source_index, destination_index) = match indexes {
        Some((s, d)) => (
            usize::try_from(c.int(s)?).map_err(|_| c.out_of_range("sourceIndex"))?,
            usize::try_from(c.int(d)?).map_err(|_| c.out_of_range("destinationIndex"))?,
        ),
        None => (0, 0),
    };
    let items = list_items(c.arg(source)).ok_or_else(|| c.null_argument("sourceArray"))?;
    let slice = items
        .get(source_index..source_index.saturating_add(length))
        .ok_or_else(|| c.argument_error("Source array was not long enough. Check srcIndex and length, and the array's lower bounds."))?
        .to_vec();
    let too_short = || {
        c.argument_error("Destination array was not long enough. Check destIndex and length, and the array's lower bounds.")
    };
    match object_of(c, c.arg(destination))? {
        Object::Bytes(bytes) => {
            let mut bytes = write(bytes);
            let target = bytes
                .get_mut(destination_index..destination_index.saturating_add(length))
                .ok_or_else(too_short)?;
            for (slot, value) in target.iter_mut().zip(slice) {
                *slot = crate::eval::integer_of(&value).unwrap_or(0) as u8;
            }
        }
        Object::Array { items, .. } => {
            let mut items = write(items);
            let target = items
                .get_mut(destination_index..destination_index.saturating_add(length))
                .ok_or_else(too_short)?;
            for (slot, value) in target.iter_mut().zip(slice) {
                *slot = value;
            }
        }
        _ => return Err(c.internal("not an array")),
    }
    Ok(Value::Null)
}
