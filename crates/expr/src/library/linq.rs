//! Enumeration and LINQ to Objects.
//!
//! Query operators are lazy, as in .NET: `Select` and `Where` build a [`Sequence`] and run
//! nothing; each enumeration opens an [`Iter`] that pulls one item at a time, so `First()` of
//! a `Select` runs the selector once, and a query enumerated twice runs twice. Operators that
//! need the whole input (`OrderBy`, `Reverse`, `GroupBy`) buffer it when first pulled.

use std::collections::HashSet;
use std::sync::{Arc, RwLock};

use gatehouse_diagnostics::Span;
use indexmap::IndexMap;
use rust_decimal::Decimal;

use super::core::dict_key;
use super::{Call, Owner, Registry};
use crate::eval::{Cx, Fault};
use crate::json::{self, JData};
use crate::types::{Class, Generic, Type};
use crate::value::{ComparerKind, DictKey, Object, Sequence, SetKind, Value, read};

type R = Result<Value, Fault>;

/// A running enumeration.
#[derive(Debug)]
pub enum Iter {
    Items {
        items: Vec<Value>,
        position: usize,
    },
    Select {
        source: Box<Iter>,
        selector: Value,
        indexed: bool,
        index: i32,
    },
    Where {
        source: Box<Iter>,
        predicate: Value,
        indexed: bool,
        index: i32,
    },
    SelectMany {
        source: Box<Iter>,
        selector: Value,
        current: Option<Box<Iter>>,
    },
    Skip {
        source: Box<Iter>,
        remaining: i64,
    },
    Take {
        source: Box<Iter>,
        remaining: i64,
    },
    SkipWhile {
        source: Box<Iter>,
        predicate: Value,
        skipping: bool,
    },
    TakeWhile {
        source: Box<Iter>,
        predicate: Value,
        done: bool,
    },
    Concat {
        first: Box<Iter>,
        second: Value,
        current: Option<Box<Iter>>,
    },
    Distinct {
        source: Box<Iter>,
        seen: HashSet<DictKey>,
        ignore_case: bool,
    },
    Cast {
        source: Box<Iter>,
        target: Type,
    },
    OfType {
        source: Box<Iter>,
        target: Type,
    },
    DefaultIfEmpty {
        source: Box<Iter>,
        default: Value,
        any: bool,
        done: bool,
    },
    Zip {
        first: Box<Iter>,
        second: Box<Iter>,
        selector: Value,
    },
    Range {
        next: i64,
        end: i64,
    },
    Repeat {
        value: Value,
        remaining: i64,
    },
    /// Buffers the sequence on the first pull (ordering, reversing, grouping, set operations).
    Buffered {
        sequence: Arc<Object>,
        items: Option<std::vec::IntoIter<Value>>,
    },
}

/// Nested queries nest their iterators as deep as the queries: each drops its sources with
/// stack to spare (see [`crate::cycles::with_stack`]).
impl Drop for Iter {
    fn drop(&mut self) {
        if !crate::cycles::stack_is_low() {
            return;
        }
        let (source, other) = match self {
            Iter::Select { source, .. }
            | Iter::Where { source, .. }
            | Iter::Skip { source, .. }
            | Iter::Take { source, .. }
            | Iter::SkipWhile { source, .. }
            | Iter::TakeWhile { source, .. }
            | Iter::Distinct { source, .. }
            | Iter::Cast { source, .. }
            | Iter::OfType { source, .. }
            | Iter::DefaultIfEmpty { source, .. } => (source, None),
            Iter::SelectMany {
                source, current, ..
            } => (source, current.as_mut()),
            Iter::Concat { first, current, .. } => (first, current.as_mut()),
            Iter::Zip { first, second, .. } => (first, Some(second)),
            Iter::Items { .. }
            | Iter::Range { .. }
            | Iter::Repeat { .. }
            | Iter::Buffered { .. } => {
                return;
            }
        };
        let source = std::mem::replace(&mut **source, Iter::empty());
        let other = other.map(|other| std::mem::replace(&mut **other, Iter::empty()));
        crate::cycles::with_stack(move || drop((source, other)));
    }
}

impl Iter {
    fn empty() -> Iter {
        Iter::Items {
            items: Vec::new(),
            position: 0,
        }
    }
}

fn null_source(span: Span) -> Fault {
    Fault::throw(
        Class::ArgumentNullException,
        "Value cannot be null. (Parameter 'source')",
        span,
    )
}

fn no_elements(span: Span) -> Fault {
    Fault::throw(
        Class::InvalidOperationException,
        "Sequence contains no elements",
        span,
    )
}

fn is_true(value: &Value) -> bool {
    matches!(value, Value::Bool(true))
}

/// Opens an enumeration of any enumerable value. Null throws `NullReferenceException` (as a
/// `foreach` does); LINQ operators check for null first and throw `ArgumentNullException`.
pub fn enumerate(cx: &mut Cx<'_>, value: &Value, span: Span) -> Result<Iter, Fault> {
    let items = match value {
        Value::Null => return Err(crate::eval::null_reference(span)),
        Value::String(text) => text.encode_utf16().map(Value::Char).collect(),
        Value::Json(token) => json_children(token),
        Value::Object(object) => match &**object {
            Object::Sequence(sequence) => return open(cx, object, sequence, span),
            Object::Array { items, .. } | Object::List { items, .. } => read(items).clone(),
            Object::Bytes(bytes) => read(bytes).iter().map(|b| Value::Byte(*b)).collect(),
            Object::HashSet { items, .. } => read(items).values().cloned().collect(),
            Object::Matches(matches) => matches.clone(),
            Object::Groups(data) => (0..data.groups.len())
                .map(|i| Value::object(Object::Group(Arc::clone(data), i)))
                .collect(),
            Object::Grouping { items, .. } => items.clone(),
            Object::Dictionary { .. }
            | Object::Multimap(_)
            | Object::MatchedParameters(_)
            | Object::Variables => {
                let call = Call {
                    this: Value::Null,
                    args: super::Args::new(),
                    type_args: &[],
                    name: "GetEnumerator",
                    span,
                };
                super::collections::dict_pairs(cx, &call, value)?
            }
            Object::Xml(node) => node.children_values(),
            _ => {
                return Err(crate::eval::internal(
                    "enumerating a value that is not enumerable",
                    span,
                ));
            }
        },
        _ => {
            return Err(crate::eval::internal(
                "enumerating a value that is not enumerable",
                span,
            ));
        }
    };
    Ok(Iter::Items { items, position: 0 })
}

/// `JObject` enumerates `KeyValuePair<string, JToken>`; arrays their items; a property its value.
fn json_children(token: &json::JToken) -> Vec<Value> {
    let data = token.read().clone();
    match data {
        JData::Object(properties) => properties
            .iter()
            .map(|property| {
                let name = json::property_name(property).unwrap_or_default();
                let value = json::property_value(property).map_or(Value::Null, Value::Json);
                super::collections::key_value_pair(
                    crate::value::new_str(name),
                    value,
                    Type::String,
                    Type::Class(Class::JToken),
                )
            })
            .collect(),
        JData::Array(items) => items.into_iter().map(Value::Json).collect(),
        JData::Property { value, .. } => vec![Value::Json(value)],
        JData::Value(_) => Vec::new(),
    }
}

fn open(
    cx: &mut Cx<'_>,
    object: &Arc<Object>,
    sequence: &Sequence,
    span: Span,
) -> Result<Iter, Fault> {
    let inner = |cx: &mut Cx<'_>, value: &Value| {
        crate::cycles::with_stack(|| enumerate(cx, value, span)).map(Box::new)
    };
    Ok(match sequence {
        Sequence::Select {
            source,
            selector,
            indexed,
        } => Iter::Select {
            source: inner(cx, source)?,
            selector: selector.clone(),
            indexed: *indexed,
            index: 0,
        },
        Sequence::Where {
            source,
            predicate,
            indexed,
        } => Iter::Where {
            source: inner(cx, source)?,
            predicate: predicate.clone(),
            indexed: *indexed,
            index: 0,
        },
        Sequence::SelectMany { source, selector } => Iter::SelectMany {
            source: inner(cx, source)?,
            selector: selector.clone(),
            current: None,
        },
        Sequence::Skip { source, count } => Iter::Skip {
            source: inner(cx, source)?,
            remaining: *count,
        },
        Sequence::Take { source, count } => Iter::Take {
            source: inner(cx, source)?,
            remaining: *count,
        },
        Sequence::SkipWhile { source, predicate } => Iter::SkipWhile {
            source: inner(cx, source)?,
            predicate: predicate.clone(),
            skipping: true,
        },
        Sequence::TakeWhile { source, predicate } => Iter::TakeWhile {
            source: inner(cx, source)?,
            predicate: predicate.clone(),
            done: false,
        },
        Sequence::Concat { first, second } => Iter::Concat {
            first: inner(cx, first)?,
            second: second.clone(),
            current: None,
        },
        Sequence::Distinct { source, comparer } => Iter::Distinct {
            source: inner(cx, source)?,
            seen: HashSet::new(),
            ignore_case: ignores_case(*comparer),
        },
        Sequence::Cast { source, target } => Iter::Cast {
            source: inner(cx, source)?,
            target: target.clone(),
        },
        Sequence::OfType { source, target } => Iter::OfType {
            source: inner(cx, source)?,
            target: target.clone(),
        },
        Sequence::DefaultIfEmpty { source, default } => Iter::DefaultIfEmpty {
            source: inner(cx, source)?,
            default: default.clone(),
            any: false,
            done: false,
        },
        Sequence::Zip {
            first,
            second,
            selector,
        } => Iter::Zip {
            first: inner(cx, first)?,
            second: inner(cx, second)?,
            selector: selector.clone(),
        },
        Sequence::Range { start, count } => Iter::Range {
            next: i64::from(*start),
            end: i64::from(*start) + i64::from(*count),
        },
        Sequence::Repeat { value, count } => Iter::Repeat {
            value: value.clone(),
            remaining: i64::from(*count),
        },
        Sequence::Empty => Iter::Items {
            items: Vec::new(),
            position: 0,
        },
        Sequence::OrderBy { .. }
        | Sequence::Reverse { .. }
        | Sequence::GroupBy { .. }
        | Sequence::SetOperation { .. } => Iter::Buffered {
            sequence: Arc::clone(object),
            items: None,
        },
    })
}

fn ignores_case(comparer: Option<ComparerKind>) -> bool {
    matches!(
        comparer,
        Some(ComparerKind::OrdinalIgnoreCase | ComparerKind::InvariantCultureIgnoreCase)
    )
}

impl Iter {
    /// The next item, or `None` at the end.
    pub fn next(&mut self, cx: &mut Cx<'_>, span: Span) -> Result<Option<Value>, Fault> {
        cx.step(span)?;
        // Queries nest as deep as a loop makes them (`q = q.Where(…)`); checking the stack at
        // every level would cost every query, so it is checked every 4 levels.
        cx.iterator_depth += 1;
        let next = if cx.iterator_depth.is_multiple_of(4) {
            crate::cycles::with_stack(|| self.advance(cx, span))
        } else {
            self.advance(cx, span)
        };
        cx.iterator_depth -= 1;
        next
    }

    fn advance(&mut self, cx: &mut Cx<'_>, span: Span) -> Result<Option<Value>, Fault> {
        match self {
            Iter::Items { items, position } => {
                let item = items.get(*position).cloned();
                *position += 1;
                Ok(item)
            }
            Iter::Select {
                source,
                selector,
                indexed,
                index,
            } => match source.next(cx, span)? {
                Some(item) => {
                    let result = if *indexed {
                        let i = *index;
                        *index += 1;
                        cx.invoke_owned(selector, [item, Value::Int32(i)], span)?
                    } else {
                        cx.invoke_owned(selector, [item], span)?
                    };
                    Ok(Some(result))
                }
                None => Ok(None),
            },
            Iter::Where {
                source,
                predicate,
                indexed,
                index,
            } => {
                while let Some(item) = source.next(cx, span)? {
                    let keep = if *indexed {
                        let i = *index;
                        *index += 1;
                        cx.invoke_owned(predicate, [item.clone(), Value::Int32(i)], span)?
                    } else {
                        cx.invoke(predicate, std::slice::from_ref(&item), span)?
                    };
                    if is_true(&keep) {
                        return Ok(Some(item));
                    }
                }
                Ok(None)
            }
            Iter::SelectMany {
                source,
                selector,
                current,
            } => loop {
                if let Some(inner) = current {
                    if let Some(item) = inner.next(cx, span)? {
                        return Ok(Some(item));
                    }
                    *current = None;
                }
                match source.next(cx, span)? {
                    Some(item) => {
                        let collection = cx.invoke_owned(selector, [item], span)?;
                        if collection.is_null() {
                            return Err(null_source(span));
                        }
                        *current = Some(Box::new(enumerate(cx, &collection, span)?));
                    }
                    None => return Ok(None),
                }
            },
            Iter::Skip { source, remaining } => {
                while *remaining > 0 {
                    *remaining -= 1;
                    if source.next(cx, span)?.is_none() {
                        return Ok(None);
                    }
                }
                source.next(cx, span)
            }
            Iter::Take { source, remaining } => {
                if *remaining <= 0 {
                    return Ok(None);
                }
                *remaining -= 1;
                source.next(cx, span)
            }
            Iter::SkipWhile {
                source,
                predicate,
                skipping,
            } => {
                while let Some(item) = source.next(cx, span)? {
                    if *skipping
                        && is_true(&cx.invoke(predicate, std::slice::from_ref(&item), span)?)
                    {
                        continue;
                    }
                    *skipping = false;
                    return Ok(Some(item));
                }
                Ok(None)
            }
            Iter::TakeWhile {
                source,
                predicate,
                done,
            } => {
                if *done {
                    return Ok(None);
                }
                match source.next(cx, span)? {
                    Some(item)
                        if is_true(&cx.invoke(predicate, std::slice::from_ref(&item), span)?) =>
                    {
                        Ok(Some(item))
                    }
                    _ => {
                        *done = true;
                        Ok(None)
                    }
                }
            }
            Iter::Concat {
                first,
                second,
                current,
            } => {
                if current.is_none() {
                    if let Some(item) = first.next(cx, span)? {
                        return Ok(Some(item));
                    }
                    *current = Some(Box::new(enumerate(cx, second, span)?));
                }
                match current {
                    Some(iter) => iter.next(cx, span),
                    None => Ok(None),
                }
            }
            Iter::Distinct {
                source,
                seen,
                ignore_case,
            } => {
                while let Some(item) = source.next(cx, span)? {
                    if seen.insert(dict_key(&item, *ignore_case)) {
                        return Ok(Some(item));
                    }
                }
                Ok(None)
            }
            Iter::Cast { source, target } => match source.next(cx, span)? {
                Some(item) => {
                    if item.is_null() || crate::eval::is_instance(&item, target) {
                        Ok(Some(item))
                    } else {
                        Err(Fault::throw(
                            Class::InvalidCastException,
                            format!(
                                "Unable to cast object of type '{}' to type '{}'.",
                                super::type_full_name(&item.runtime_type()),
                                super::type_full_name(target)
                            ),
                            span,
                        ))
                    }
                }
                None => Ok(None),
            },
            Iter::OfType { source, target } => {
                while let Some(item) = source.next(cx, span)? {
                    if crate::eval::is_instance(&item, target) {
                        return Ok(Some(item));
                    }
                }
                Ok(None)
            }
            Iter::DefaultIfEmpty {
                source,
                default,
                any,
                done,
            } => {
                if *done {
                    return Ok(None);
                }
                match source.next(cx, span)? {
                    Some(item) => {
                        *any = true;
                        Ok(Some(item))
                    }
                    None => {
                        *done = true;
                        Ok(if *any { None } else { Some(default.clone()) })
                    }
                }
            }
            Iter::Zip {
                first,
                second,
                selector,
            } => match (first.next(cx, span)?, second.next(cx, span)?) {
                (Some(a), Some(b)) => Ok(Some(cx.invoke_owned(selector, [a, b], span)?)),
                _ => Ok(None),
            },
            Iter::Range { next, end } => {
                if *next >= *end {
                    return Ok(None);
                }
                let value = *next;
                *next += 1;
                Ok(Some(Value::Int32(i32::try_from(value).unwrap_or(i32::MAX))))
            }
            Iter::Repeat { value, remaining } => {
                if *remaining <= 0 {
                    return Ok(None);
                }
                *remaining -= 1;
                Ok(Some(value.clone()))
            }
            Iter::Buffered { sequence, items } => {
                if items.is_none() {
                    *items = Some(buffer(cx, sequence, span)?.into_iter());
                }
                Ok(items.as_mut().and_then(Iterator::next))
            }
        }
    }
}

/// Runs a buffering operator over its whole input.
fn buffer(cx: &mut Cx<'_>, object: &Object, span: Span) -> Result<Vec<Value>, Fault> {
    let Object::Sequence(sequence) = object else {
        return Ok(Vec::new());
    };
    match sequence {
        Sequence::Reverse { source } => {
            let mut items = collect(cx, source, span)?;
            items.reverse();
            Ok(items)
        }
        Sequence::OrderBy { source, keys } => {
            let items = collect(cx, source, span)?;
            let mut keyed = Vec::with_capacity(items.len());
            for item in items {
                let mut item_keys = Vec::with_capacity(keys.len());
                for (selector, _) in keys {
                    item_keys.push(cx.invoke(selector, std::slice::from_ref(&item), span)?);
                }
                keyed.push((item_keys, item));
            }
            // A stable sort, as `OrderBy` is.
            keyed.sort_by(|(a, _), (b, _)| {
                for ((x, y), (_, descending)) in a.iter().zip(b).zip(keys) {
                    let ordering = super::compare_values(x, y);
                    if ordering != std::cmp::Ordering::Equal {
                        return if *descending {
                            ordering.reverse()
                        } else {
                            ordering
                        };
                    }
                }
                std::cmp::Ordering::Equal
            });
            Ok(keyed.into_iter().map(|(_, item)| item).collect())
        }
        Sequence::GroupBy {
            source,
            key,
            element,
            key_type,
            element_type,
        } => {
            let items = collect(cx, source, span)?;
            let mut groups: IndexMap<DictKey, (Value, Vec<Value>)> = IndexMap::new();
            for item in items {
                let group_key = cx.invoke(key, std::slice::from_ref(&item), span)?;
                let value = match element {
                    Some(selector) => cx.invoke(selector, std::slice::from_ref(&item), span)?,
                    None => item,
                };
                groups
                    .entry(dict_key(&group_key, false))
                    .or_insert_with(|| (group_key.clone(), Vec::new()))
                    .1
                    .push(value);
            }
            let _ = (key_type, element_type);
            Ok(groups
                .into_values()
                .map(|(key, items)| Value::object(Object::Grouping { key, items }))
                .collect())
        }
        Sequence::SetOperation {
            kind,
            first,
            second,
            comparer,
        } => {
            let fold = ignores_case(*comparer);
            let left = collect(cx, first, span)?;
            let right = collect(cx, second, span)?;
            let right_keys: HashSet<DictKey> = right.iter().map(|v| dict_key(v, fold)).collect();
            let mut seen = HashSet::new();
            let mut out = Vec::new();
            match kind {
                SetKind::Union => {
                    for item in left.into_iter().chain(right) {
                        if seen.insert(dict_key(&item, fold)) {
                            out.push(item);
                        }
                    }
                }
                SetKind::Intersect | SetKind::Except => {
                    let want = *kind == SetKind::Intersect;
                    for item in left {
                        let key = dict_key(&item, fold);
                        if right_keys.contains(&key) == want && seen.insert(key) {
                            out.push(item);
                        }
                    }
                }
            }
            Ok(out)
        }
        _ => Ok(Vec::new()),
    }
}

/// Every item of an enumerable value.
pub fn collect(cx: &mut Cx<'_>, value: &Value, span: Span) -> Result<Vec<Value>, Fault> {
    if value.is_null() {
        return Err(null_source(span));
    }
    let mut iter = enumerate(cx, value, span)?;
    let mut items = Vec::new();
    while let Some(item) = iter.next(cx, span)? {
        items.push(item);
    }
    Ok(items)
}

fn sequence(sequence: Sequence) -> Value {
    Value::object(Object::Sequence(sequence))
}

fn source(call: &Call<'_>) -> Result<Value, Fault> {
    let value = call.arg(0).clone();
    if value.is_null() {
        return Err(null_source(call.span));
    }
    Ok(value)
}

fn delegate(call: &Call<'_>, index: usize) -> Result<Value, Fault> {
    let value = call.arg(index).clone();
    if value.is_null() {
        return Err(call.null_argument("selector"));
    }
    Ok(value)
}

/// The first item (matching `predicate`), or `None`.
fn first(
    cx: &mut Cx<'_>,
    call: &Call<'_>,
    predicate: Option<&Value>,
) -> Result<Option<Value>, Fault> {
    let mut iter = enumerate(cx, &source(call)?, call.span)?;
    while let Some(item) = iter.next(cx, call.span)? {
        match predicate {
            Some(predicate) => {
                if is_true(&cx.invoke(predicate, std::slice::from_ref(&item), call.span)?) {
                    return Ok(Some(item));
                }
            }
            None => return Ok(Some(item)),
        }
    }
    Ok(None)
}

fn last(
    cx: &mut Cx<'_>,
    call: &Call<'_>,
    predicate: Option<&Value>,
) -> Result<Option<Value>, Fault> {
    let mut iter = enumerate(cx, &source(call)?, call.span)?;
    let mut found = None;
    while let Some(item) = iter.next(cx, call.span)? {
        match predicate {
            Some(predicate) => {
                if is_true(&cx.invoke(predicate, std::slice::from_ref(&item), call.span)?) {
                    found = Some(item);
                }
            }
            None => found = Some(item),
        }
    }
    Ok(found)
}

/// `Single`: `Err` for more than one; `Ok(None)` for none.
fn single(
    cx: &mut Cx<'_>,
    call: &Call<'_>,
    predicate: Option<&Value>,
) -> Result<Option<Value>, Fault> {
    let mut iter = enumerate(cx, &source(call)?, call.span)?;
    let mut found = None;
    while let Some(item) = iter.next(cx, call.span)? {
        let matches = match predicate {
            Some(predicate) => {
                is_true(&cx.invoke(predicate, std::slice::from_ref(&item), call.span)?)
            }
            None => true,
        };
        if matches {
            if found.is_some() {
                let message = if predicate.is_some() {
                    "Sequence contains more than one matching element"
                } else {
                    "Sequence contains more than one element"
                };
                return Err(call.throw(Class::InvalidOperationException, message));
            }
            found = Some(item);
        }
    }
    Ok(found)
}

fn none_matching(call: &Call<'_>, predicate: bool) -> Fault {
    if predicate {
        call.throw(
            Class::InvalidOperationException,
            "Sequence contains no matching element",
        )
    } else {
        no_elements(call.span)
    }
}

/// The values to aggregate: the items, or the selector applied to each.
fn numbers(cx: &mut Cx<'_>, call: &Call<'_>) -> Result<Vec<Value>, Fault> {
    let items = collect(cx, &source(call)?, call.span)?;
    match call.args.get(1) {
        Some(selector) if !selector.is_null() => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                out.push(cx.invoke_owned(selector, [item], call.span)?);
            }
            Ok(out)
        }
        _ => Ok(items),
    }
}

/// `Sum`, accumulating in the element type (checked for integers and decimal, as .NET does;
/// floats accumulate in double).
fn sum_as(cx: &mut Cx<'_>, call: &Call<'_>, ty: &Type) -> R {
    let values = numbers(cx, call)?;
    let overflow = || {
        call.throw(
            Class::OverflowException,
            "Arithmetic operation resulted in an overflow.",
        )
    };
    Ok(match ty {
        Type::Int32 => {
            let mut total: i32 = 0;
            for value in &values {
                if let Value::Int32(v) = value {
                    total = total.checked_add(*v).ok_or_else(overflow)?;
                }
            }
            Value::Int32(total)
        }
        Type::Int64 => {
            let mut total: i64 = 0;
            for value in &values {
                if let Value::Int64(v) = value {
                    total = total.checked_add(*v).ok_or_else(overflow)?;
                }
            }
            Value::Int64(total)
        }
        Type::Decimal => {
            let mut total = Decimal::ZERO;
            for value in &values {
                if let Value::Decimal(v) = value {
                    total = total.checked_add(*v).ok_or_else(overflow)?;
                }
            }
            Value::Decimal(total)
        }
        Type::Single => Value::Single(
            values
                .iter()
                .filter_map(crate::eval::float_of)
                .fold(0.0, |a, b| a + b) as f32,
        ),
        _ => Value::Double(
            values
                .iter()
                .filter_map(crate::eval::float_of)
                .fold(0.0, |a, b| a + b),
        ),
    })
}

fn average_as(cx: &mut Cx<'_>, call: &Call<'_>, ty: &Type) -> R {
    let values = numbers(cx, call)?;
    if values.is_empty() {
        return Err(no_elements(call.span));
    }
    let count = values.len();
    Ok(match ty {
        Type::Int32 | Type::Int64 => {
            let mut total: i64 = 0;
            for value in &values {
                let v = crate::eval::integer_of(value)
                    .and_then(|v| i64::try_from(v).ok())
                    .unwrap_or(0);
                total = total.checked_add(v).ok_or_else(|| {
                    call.throw(
                        Class::OverflowException,
                        "Arithmetic operation resulted in an overflow.",
                    )
                })?;
            }
            Value::Double(total as f64 / count as f64)
        }
        Type::Decimal => {
            let mut total = Decimal::ZERO;
            for value in &values {
                if let Value::Decimal(v) = value {
                    total = total.checked_add(*v).ok_or_else(|| {
                        call.throw(
                            Class::OverflowException,
                            "Value was either too large or too small for a Decimal.",
                        )
                    })?;
                }
            }
            Value::Decimal(total / Decimal::from(count))
        }
        Type::Single => Value::Single(
            (values
                .iter()
                .filter_map(crate::eval::float_of)
                .fold(0.0, |a, b| a + b)
                / count as f64) as f32,
        ),
        _ => Value::Double(
            values
                .iter()
                .filter_map(crate::eval::float_of)
                .fold(0.0, |a, b| a + b)
                / count as f64,
        ),
    })
}

macro_rules! numeric_aggregates {
    ($registry:ident: $( $name:literal $average:literal $ty:expr ),* $(,)?) => {
        $(
            $registry.extension("Sum", &format!("(this IEnumerable<{}> source) -> {}", $name, $name), |cx, c| sum_as(cx, c, &$ty));
            $registry.extension("Sum", &format!("<T>(this IEnumerable<T> source, Func<T, {}> selector) -> {}", $name, $name), |cx, c| sum_as(cx, c, &$ty));
            $registry.extension("Average", &format!("(this IEnumerable<{}> source) -> {}", $name, $average), |cx, c| average_as(cx, c, &$ty));
            $registry.extension("Average", &format!("<T>(this IEnumerable<T> source, Func<T, {}> selector) -> {}", $name, $average), |cx, c| average_as(cx, c, &$ty));
            $registry.extension("Min", &format!("(this IEnumerable<{}> source) -> {}", $name, $name), |cx, c| min_max(cx, c, false, Some(&$ty)));
            $registry.extension("Max", &format!("(this IEnumerable<{}> source) -> {}", $name, $name), |cx, c| min_max(cx, c, true, Some(&$ty)));
            $registry.extension("Min", &format!("<T>(this IEnumerable<T> source, Func<T, {}> selector) -> {}", $name, $name), |cx, c| min_max(cx, c, false, Some(&$ty)));
            $registry.extension("Max", &format!("<T>(this IEnumerable<T> source, Func<T, {}> selector) -> {}", $name, $name), |cx, c| min_max(cx, c, true, Some(&$ty)));
        )*
    };
}

/// `Min`/`Max`; `result` is the declared result type when it is fixed (numeric overloads).
fn min_max(cx: &mut Cx<'_>, call: &Call<'_>, max: bool, result: Option<&Type>) -> R {
    let values = numbers(cx, call)?;
    let mut best: Option<Value> = None;
    for value in values {
        if value.is_null() {
            continue;
        }
        // NaN is the minimum of doubles, and never the maximum unless all are NaN.
        best = Some(match best {
            None => value,
            Some(current) => {
                let ordering = super::compare_values(&value, &current);
                let better = if max {
                    ordering == std::cmp::Ordering::Greater
                } else {
                    ordering == std::cmp::Ordering::Less
                };
                if better { value } else { current }
            }
        });
    }
    match best {
        Some(value) => Ok(value),
        None => {
            // Reference-typed results are null for an empty sequence; value types throw.
            let element = result
                .cloned()
                .or_else(|| call.type_args.last().cloned())
                .unwrap_or(Type::Int32);
            if !element.is_value_type() {
                Ok(Value::Null)
            } else {
                Err(no_elements(call.span))
            }
        }
    }
}

fn to_list(items: Vec<Value>, element: &Type) -> Value {
    Value::object(Object::List {
        element: element.clone(),
        items: RwLock::new(items),
    })
}

fn count(cx: &mut Cx<'_>, call: &Call<'_>, predicate: Option<&Value>) -> Result<usize, Fault> {
    let mut iter = enumerate(cx, &source(call)?, call.span)?;
    let mut n = 0;
    while let Some(item) = iter.next(cx, call.span)? {
        match predicate {
            Some(predicate) => {
                if is_true(&cx.invoke_owned(predicate, [item], call.span)?) {
                    n += 1;
                }
            }
            None => n += 1,
        }
    }
    Ok(n)
}

pub(super) fn register(r: &mut Registry) {
    // ----- lazy operators
    r.extension(
        "Select",
        "<T, R>(this IEnumerable<T> source, Func<T, R> selector) -> IEnumerable<R>",
        |_, c| {
            Ok(sequence(Sequence::Select {
                source: source(c)?,
                selector: delegate(c, 1)?,
                indexed: false,
            }))
        },
    );
    r.extension(
        "Select",
        "<T, R>(this IEnumerable<T> source, Func<T, int, R> selector) -> IEnumerable<R>",
        |_, c| {
            Ok(sequence(Sequence::Select {
                source: source(c)?,
                selector: delegate(c, 1)?,
                indexed: true,
            }))
        },
    );
    r.extension(
        "Where",
        "<T>(this IEnumerable<T> source, Func<T, bool> predicate) -> IEnumerable<T>",
        |_, c| {
            Ok(sequence(Sequence::Where {
                source: source(c)?,
                predicate: delegate(c, 1)?,
                indexed: false,
            }))
        },
    );
    r.extension(
        "Where",
        "<T>(this IEnumerable<T> source, Func<T, int, bool> predicate) -> IEnumerable<T>",
        |_, c| {
            Ok(sequence(Sequence::Where {
                source: source(c)?,
                predicate: delegate(c, 1)?,
                indexed: true,
            }))
        },
    );
    r.extension(
        "SelectMany",
        "<T, R>(this IEnumerable<T> source, Func<T, IEnumerable<R>> selector) -> IEnumerable<R>",
        |_, c| {
            Ok(sequence(Sequence::SelectMany {
                source: source(c)?,
                selector: delegate(c, 1)?,
            }))
        },
    );
    r.extension(
        "Skip",
        "<T>(this IEnumerable<T> source, int count) -> IEnumerable<T>",
        |_, c| {
            Ok(sequence(Sequence::Skip {
                source: source(c)?,
                count: i64::from(c.int(1)?),
            }))
        },
    );
    r.extension(
        "Take",
        "<T>(this IEnumerable<T> source, int count) -> IEnumerable<T>",
        |_, c| {
            Ok(sequence(Sequence::Take {
                source: source(c)?,
                count: i64::from(c.int(1)?),
            }))
        },
    );
    r.extension(
        "SkipWhile",
        "<T>(this IEnumerable<T> source, Func<T, bool> predicate) -> IEnumerable<T>",
        |_, c| {
            Ok(sequence(Sequence::SkipWhile {
                source: source(c)?,
                predicate: delegate(c, 1)?,
            }))
        },
    );
    r.extension(
        "TakeWhile",
        "<T>(this IEnumerable<T> source, Func<T, bool> predicate) -> IEnumerable<T>",
        |_, c| {
            Ok(sequence(Sequence::TakeWhile {
                source: source(c)?,
                predicate: delegate(c, 1)?,
            }))
        },
    );
    r.extension(
        "Concat",
        "<T>(this IEnumerable<T> first, IEnumerable<T> second) -> IEnumerable<T>",
        |_, c| {
            let second = c.arg(1).clone();
            if second.is_null() {
                return Err(c.null_argument("second"));
            }
            Ok(sequence(Sequence::Concat {
                first: source(c)?,
                second,
            }))
        },
    );
    r.extension(
        "Distinct",
        "<T>(this IEnumerable<T> source) -> IEnumerable<T>",
        |_, c| {
            Ok(sequence(Sequence::Distinct {
                source: source(c)?,
                comparer: None,
            }))
        },
    );
    r.extension(
        "Distinct",
        "<T>(this IEnumerable<T> source, StringComparer comparer) -> IEnumerable<T>",
        |_, c| {
            Ok(sequence(Sequence::Distinct {
                source: source(c)?,
                comparer: super::strings::comparer_of(c.arg(1)),
            }))
        },
    );
    for (name, kind) in [
        ("Union", SetKind::Union),
        ("Intersect", SetKind::Intersect),
        ("Except", SetKind::Except),
    ] {
        let _ = kind;
        r.extension(
            name,
            "<T>(this IEnumerable<T> first, IEnumerable<T> second) -> IEnumerable<T>",
            set_operation,
        );
        r.extension(name, "<T>(this IEnumerable<T> first, IEnumerable<T> second, StringComparer comparer) -> IEnumerable<T>", set_operation);
    }
    r.extension(
        "Reverse",
        "<T>(this IEnumerable<T> source) -> IEnumerable<T>",
        |_, c| Ok(sequence(Sequence::Reverse { source: source(c)? })),
    );
    r.extension(
        "OrderBy",
        "<T, K>(this IEnumerable<T> source, Func<T, K> keySelector) -> IOrderedEnumerable<T>",
        |_, c| {
            Ok(sequence(Sequence::OrderBy {
                source: source(c)?,
                keys: vec![(delegate(c, 1)?, false)],
            }))
        },
    );
    r.extension(
        "OrderByDescending",
        "<T, K>(this IEnumerable<T> source, Func<T, K> keySelector) -> IOrderedEnumerable<T>",
        |_, c| {
            Ok(sequence(Sequence::OrderBy {
                source: source(c)?,
                keys: vec![(delegate(c, 1)?, true)],
            }))
        },
    );
    r.extension("ThenBy", "<T, K>(this IOrderedEnumerable<T> source, Func<T, K> keySelector) -> IOrderedEnumerable<T>", |_, c| then_by(c, false));
    r.extension("ThenByDescending", "<T, K>(this IOrderedEnumerable<T> source, Func<T, K> keySelector) -> IOrderedEnumerable<T>", |_, c| {
        then_by(c, true)
    });
    r.extension("GroupBy", "<T, K>(this IEnumerable<T> source, Func<T, K> keySelector) -> IEnumerable<IGrouping<K, T>>", |_, c| {
        Ok(sequence(Sequence::GroupBy {
            source: source(c)?,
            key: delegate(c, 1)?,
            element: None,
            key_type: c.type_arg(1).clone(),
            element_type: c.type_arg(0).clone(),
        }))
    });
    r.extension(
        "GroupBy",
        "<T, K, E>(this IEnumerable<T> source, Func<T, K> keySelector, Func<T, E> elementSelector) -> IEnumerable<IGrouping<K, E>>",
        |_, c| {
            Ok(sequence(Sequence::GroupBy {
                source: source(c)?,
                key: delegate(c, 1)?,
                element: Some(delegate(c, 2)?),
                key_type: c.type_arg(1).clone(),
                element_type: c.type_arg(2).clone(),
            }))
        },
    );
    r.property(
        Owner::Generic(Generic::IGrouping),
        "Key",
        "<K, T> K",
        |_, c| match &c.this {
            Value::Object(object) => match &**object {
                Object::Grouping { key, .. } => Ok(key.clone()),
                _ => Err(c.internal("not a grouping")),
            },
            _ => Err(crate::eval::null_reference(c.span)),
        },
    );
    r.extension(
        "Cast",
        "<R>(this IEnumerable<object> source) -> IEnumerable<R>",
        |_, c| {
            Ok(sequence(Sequence::Cast {
                source: source(c)?,
                target: c.type_arg(0).clone(),
            }))
        },
    );
    r.extension(
        "OfType",
        "<R>(this IEnumerable<object> source) -> IEnumerable<R>",
        |_, c| {
            Ok(sequence(Sequence::OfType {
                source: source(c)?,
                target: c.type_arg(0).clone(),
            }))
        },
    );
    r.extension(
        "DefaultIfEmpty",
        "<T>(this IEnumerable<T> source) -> IEnumerable<T>",
        |_, c| {
            Ok(sequence(Sequence::DefaultIfEmpty {
                source: source(c)?,
                default: crate::eval::default_value(c.type_arg(0)),
            }))
        },
    );
    r.extension(
        "DefaultIfEmpty",
        "<T>(this IEnumerable<T> source, T defaultValue) -> IEnumerable<T>",
        |_, c| {
            Ok(sequence(Sequence::DefaultIfEmpty {
                source: source(c)?,
                default: c.arg(1).clone(),
            }))
        },
    );
    r.extension("Zip", "<T, U, R>(this IEnumerable<T> first, IEnumerable<U> second, Func<T, U, R> resultSelector) -> IEnumerable<R>", |_, c| {
        let second = c.arg(1).clone();
        if second.is_null() {
            return Err(c.null_argument("second"));
        }
        Ok(sequence(Sequence::Zip { first: source(c)?, second, selector: delegate(c, 2)? }))
    });
    r.extension(
        "AsEnumerable",
        "<T>(this IEnumerable<T> source) -> IEnumerable<T>",
        |_, c| Ok(c.arg(0).clone()),
    );
    let enumerable = Owner::Class(Class::Enumerable);
    r.static_method(
        enumerable,
        "Range",
        "(int start, int count) -> IEnumerable<int>",
        |_, c| {
            let (start, count) = (c.int(0)?, c.int(1)?);
            if count < 0 || i64::from(start) + i64::from(count) - 1 > i64::from(i32::MAX) {
                return Err(c.out_of_range("count"));
            }
            Ok(sequence(Sequence::Range { start, count }))
        },
    );
    r.static_method(
        enumerable,
        "Repeat",
        "<T>(T element, int count) -> IEnumerable<T>",
        |_, c| {
            let count = c.int(1)?;
            if count < 0 {
                return Err(c.out_of_range("count"));
            }
            Ok(sequence(Sequence::Repeat {
                value: c.arg(0).clone(),
                count,
            }))
        },
    );
    r.static_method(enumerable, "Empty", "<T>() -> IEnumerable<T>", |_, _| {
        Ok(sequence(Sequence::Empty))
    });

    // ----- immediate operators
    r.extension("First", "<T>(this IEnumerable<T> source) -> T", |cx, c| {
        first(cx, c, None)?.ok_or_else(|| none_matching(c, false))
    });
    r.extension(
        "First",
        "<T>(this IEnumerable<T> source, Func<T, bool> predicate) -> T",
        |cx, c| {
            let predicate = delegate(c, 1)?;
            first(cx, c, Some(&predicate))?.ok_or_else(|| none_matching(c, true))
        },
    );
    r.extension("FirstOrDefault", "<T>(this IEnumerable<T> source) -> T", |cx, c| {
        Ok(first(cx, c, None)?.unwrap_or_else(|| crate::eval::default_value(c.type_arg(0))))
    });
    r.extension(
        "FirstOrDefault",
        "<T>(this IEnumerable<T> source, Func<T, bool> predicate) -> T",
        |cx, c| {
            let predicate = delegate(c, 1)?;
            Ok(first(cx, c, Some(&predicate))?
                .unwrap_or_else(|| crate::eval::default_value(c.type_arg(0))))
        },
    );
    r.extension("Last", "<T>(this IEnumerable<T> source) -> T", |cx, c| {
        last(cx, c, None)?.ok_or_else(|| none_matching(c, false))
    });
    r.extension(
        "Last",
        "<T>(this IEnumerable<T> source, Func<T, bool> predicate) -> T",
        |cx, c| {
            let predicate = delegate(c, 1)?;
            last(cx, c, Some(&predicate))?.ok_or_else(|| none_matching(c, true))
        },
    );
    r.extension(
        "LastOrDefault",
        "<T>(this IEnumerable<T> source) -> T",
        |cx, c| Ok(last(cx, c, None)?.unwrap_or_else(|| crate::eval::default_value(c.type_arg(0)))),
    );
    r.extension(
        "LastOrDefault",
        "<T>(this IEnumerable<T> source, Func<T, bool> predicate) -> T",
        |cx, c| {
            let predicate = delegate(c, 1)?;
            Ok(last(cx, c, Some(&predicate))?
                .unwrap_or_else(|| crate::eval::default_value(c.type_arg(0))))
        },
    );
    r.extension("Single", "<T>(this IEnumerable<T> source) -> T", |cx, c| {
        single(cx, c, None)?.ok_or_else(|| none_matching(c, false))
    });
    r.extension(
        "Single",
        "<T>(this IEnumerable<T> source, Func<T, bool> predicate) -> T",
        |cx, c| {
            let predicate = delegate(c, 1)?;
            single(cx, c, Some(&predicate))?.ok_or_else(|| none_matching(c, true))
        },
    );
    r.extension(
        "SingleOrDefault",
        "<T>(this IEnumerable<T> source) -> T",
        |cx, c| {
            Ok(single(cx, c, None)?.unwrap_or_else(|| crate::eval::default_value(c.type_arg(0))))
        },
    );
    r.extension(
        "SingleOrDefault",
        "<T>(this IEnumerable<T> source, Func<T, bool> predicate) -> T",
        |cx, c| {
            let predicate = delegate(c, 1)?;
            Ok(single(cx, c, Some(&predicate))?
                .unwrap_or_else(|| crate::eval::default_value(c.type_arg(0))))
        },
    );
    r.extension(
        "ElementAt",
        "<T>(this IEnumerable<T> source, int index) -> T",
        |cx, c| {
            let index = c.int(1)?;
            element_at(cx, c, index)?.ok_or_else(|| c.out_of_range("index"))
        },
    );
    r.extension(
        "ElementAtOrDefault",
        "<T>(this IEnumerable<T> source, int index) -> T",
        |cx, c| {
            let index = c.int(1)?;
            Ok(element_at(cx, c, index)?
                .unwrap_or_else(|| crate::eval::default_value(c.type_arg(0))))
        },
    );
    r.extension("Any", "<T>(this IEnumerable<T> source) -> bool", |cx, c| {
        Ok(Value::Bool(first(cx, c, None)?.is_some()))
    });
    r.extension(
        "Any",
        "<T>(this IEnumerable<T> source, Func<T, bool> predicate) -> bool",
        |cx, c| {
            let predicate = delegate(c, 1)?;
            Ok(Value::Bool(first(cx, c, Some(&predicate))?.is_some()))
        },
    );
    r.extension(
        "All",
        "<T>(this IEnumerable<T> source, Func<T, bool> predicate) -> bool",
        |cx, c| {
            let predicate = delegate(c, 1)?;
            let mut iter = enumerate(cx, &source(c)?, c.span)?;
            while let Some(item) = iter.next(cx, c.span)? {
                if !is_true(&cx.invoke_owned(&predicate, [item], c.span)?) {
                    return Ok(Value::Bool(false));
                }
            }
            Ok(Value::Bool(true))
        },
    );
    r.extension(
        "Count",
        "<T>(this IEnumerable<T> source) -> int",
        |cx, c| {
            Ok(Value::Int32(
                i32::try_from(count(cx, c, None)?).unwrap_or(i32::MAX),
            ))
        },
    );
    r.extension(
        "Count",
        "<T>(this IEnumerable<T> source, Func<T, bool> predicate) -> int",
        |cx, c| {
            let predicate = delegate(c, 1)?;
            Ok(Value::Int32(
                i32::try_from(count(cx, c, Some(&predicate))?).unwrap_or(i32::MAX),
            ))
        },
    );
    r.extension(
        "LongCount",
        "<T>(this IEnumerable<T> source) -> long",
        |cx, c| {
            Ok(Value::Int64(
                i64::try_from(count(cx, c, None)?).unwrap_or(i64::MAX),
            ))
        },
    );
    r.extension(
        "Contains",
        "<T>(this IEnumerable<T> source, T value) -> bool",
        |cx, c| {
            let target = c.arg(1).clone();
            let mut iter = enumerate(cx, &source(c)?, c.span)?;
            while let Some(item) = iter.next(cx, c.span)? {
                if super::value_equals(&item, &target) {
                    return Ok(Value::Bool(true));
                }
            }
            Ok(Value::Bool(false))
        },
    );
    r.extension(
        "Contains",
        "<T>(this IEnumerable<T> source, T value, StringComparer comparer) -> bool",
        |cx, c| {
            let target = c.arg(1).clone();
            let comparer = super::strings::comparer_of(c.arg(2));
            let mut iter = enumerate(cx, &source(c)?, c.span)?;
            while let Some(item) = iter.next(cx, c.span)? {
                if super::strings::comparer_equals(comparer, &item, &target) {
                    return Ok(Value::Bool(true));
                }
            }
            Ok(Value::Bool(false))
        },
    );
    r.extension(
        "SequenceEqual",
        "<T>(this IEnumerable<T> first, IEnumerable<T> second) -> bool",
        |cx, c| {
            let a = collect(cx, &source(c)?, c.span)?;
            let b = collect(cx, c.arg(1), c.span)?;
            Ok(Value::Bool(
                a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| super::value_equals(x, y)),
            ))
        },
    );
    r.extension(
        "ToArray",
        "<T>(this IEnumerable<T> source) -> T[]",
        |cx, c| {
            let items = collect(cx, &source(c)?, c.span)?;
            Ok(Value::array(c.type_arg(0).clone(), items))
        },
    );
    r.extension(
        "ToList",
        "<T>(this IEnumerable<T> source) -> List<T>",
        |cx, c| {
            let items = collect(cx, &source(c)?, c.span)?;
            Ok(to_list(items, c.type_arg(0)))
        },
    );
    r.extension(
        "ToHashSet",
        "<T>(this IEnumerable<T> source) -> HashSet<T>",
        |cx, c| {
            let items = collect(cx, &source(c)?, c.span)?;
            let mut map = IndexMap::new();
            for item in items {
                map.entry(dict_key(&item, false)).or_insert(item);
            }
            Ok(Value::object(Object::HashSet {
                element: c.type_arg(0).clone(),
                items: RwLock::new(map),
                ignore_case: false,
            }))
        },
    );
    r.extension(
        "ToDictionary",
        "<T, K>(this IEnumerable<T> source, Func<T, K> keySelector) -> Dictionary<K, T>",
        |cx, c| to_dictionary(cx, c, None),
    );
    r.extension("ToDictionary", "<T, K, V>(this IEnumerable<T> source, Func<T, K> keySelector, Func<T, V> elementSelector) -> Dictionary<K, V>", |cx, c| {
        let element = delegate(c, 2)?;
        to_dictionary(cx, c, Some(&element))
    });
    r.extension(
        "Aggregate",
        "<T>(this IEnumerable<T> source, Func<T, T, T> func) -> T",
        |cx, c| {
            let func = delegate(c, 1)?;
            let mut iter = enumerate(cx, &source(c)?, c.span)?;
            let mut accumulator = iter.next(cx, c.span)?.ok_or_else(|| no_elements(c.span))?;
            while let Some(item) = iter.next(cx, c.span)? {
                accumulator = cx.invoke_owned(&func, [accumulator, item], c.span)?;
            }
            Ok(accumulator)
        },
    );
    r.extension(
        "Aggregate",
        "<T, A>(this IEnumerable<T> source, A seed, Func<A, T, A> func) -> A",
        |cx, c| {
            let func = delegate(c, 2)?;
            let mut accumulator = c.arg(1).clone();
            let mut iter = enumerate(cx, &source(c)?, c.span)?;
            while let Some(item) = iter.next(cx, c.span)? {
                accumulator = cx.invoke_owned(&func, [accumulator, item], c.span)?;
            }
            Ok(accumulator)
        },
    );
    r.extension("Aggregate", "<T, A, R>(this IEnumerable<T> source, A seed, Func<A, T, A> func, Func<A, R> resultSelector) -> R", |cx, c| {
        let func = delegate(c, 2)?;
        let result = delegate(c, 3)?;
        let mut accumulator = c.arg(1).clone();
        let mut iter = enumerate(cx, &source(c)?, c.span)?;
        while let Some(item) = iter.next(cx, c.span)? {
            accumulator = cx.invoke_owned(&func, [accumulator, item], c.span)?;
        }
        cx.invoke_owned(&result, [accumulator], c.span)
    });
    // Numeric aggregates, one overload per element type as .NET declares them.
    numeric_aggregates!(r:
        "int" "double" Type::Int32,
        "long" "double" Type::Int64,
        "double" "double" Type::Double,
        "decimal" "decimal" Type::Decimal,
        "float" "float" Type::Single,
    );
    r.extension("Min", "<T>(this IEnumerable<T> source) -> T", |cx, c| {
        min_max(cx, c, false, None)
    });
    r.extension("Max", "<T>(this IEnumerable<T> source) -> T", |cx, c| {
        min_max(cx, c, true, None)
    });
    r.extension(
        "Min",
        "<T, R>(this IEnumerable<T> source, Func<T, R> selector) -> R",
        |cx, c| min_max(cx, c, false, None),
    );
    r.extension(
        "Max",
        "<T, R>(this IEnumerable<T> source, Func<T, R> selector) -> R",
        |cx, c| min_max(cx, c, true, None),
    );
}

fn set_operation(_: &mut Cx<'_>, c: &mut Call<'_>) -> R {
    let kind = match c.name {
        "Union" => SetKind::Union,
        "Intersect" => SetKind::Intersect,
        _ => SetKind::Except,
    };
    let second = c.arg(1).clone();
    if second.is_null() {
        return Err(c.null_argument("second"));
    }
    Ok(sequence(Sequence::SetOperation {
        kind,
        first: source(c)?,
        second,
        comparer: super::strings::comparer_of(c.arg(2)),
    }))
}

fn then_by(c: &Call<'_>, descending: bool) -> R {
    let ordered = source(c)?;
    let key = delegate(c, 1)?;
    match &ordered {
        Value::Object(object) => match &**object {
            Object::Sequence(Sequence::OrderBy { source, keys }) => {
                let mut keys: Vec<(Value, bool)> =
                    keys.iter().map(|(k, d)| (k.clone(), *d)).collect();
                keys.push((key, descending));
                Ok(sequence(Sequence::OrderBy {
                    source: source.clone(),
                    keys,
                }))
            }
            _ => Err(c.internal("ThenBy on an unordered sequence")),
        },
        _ => Err(c.internal("ThenBy on an unordered sequence")),
    }
}

fn element_at(cx: &mut Cx<'_>, c: &Call<'_>, index: i32) -> Result<Option<Value>, Fault> {
    let Ok(mut remaining) = usize::try_from(index) else {
        return Ok(None);
    };
    let mut iter = enumerate(cx, &source(c)?, c.span)?;
    while let Some(item) = iter.next(cx, c.span)? {
        if remaining == 0 {
            return Ok(Some(item));
        }
        remaining -= 1;
    }
    Ok(None)
}

fn to_dictionary(cx: &mut Cx<'_>, c: &Call<'_>, element: Option<&Value>) -> R {
    let key_selector = delegate(c, 1)?;
    let items = collect(cx, &source(c)?, c.span)?;
    let mut entries = IndexMap::new();
    for item in items {
        let key = cx.invoke(&key_selector, std::slice::from_ref(&item), c.span)?;
        if key.is_null() {
            return Err(c.null_argument("key"));
        }
        let value = match element {
            Some(selector) => cx.invoke_owned(selector, [item], c.span)?,
            None => item,
        };
        let hashed = dict_key(&key, false);
        if entries.contains_key(&hashed) {
            return Err(c.argument_error(format!(
                "An item with the same key has already been added. Key: {}",
                super::to_display_string(&key)
            )));
        }
        entries.insert(hashed, (key, value));
    }
    let value_type = if element.is_some() {
        c.type_arg(2).clone()
    } else {
        c.type_arg(0).clone()
    };
    Ok(Value::object(Object::Dictionary {
        key: c.type_arg(1).clone(),
        value: value_type,
        entries: RwLock::new(entries),
        ignore_case: false,
    }))
}
