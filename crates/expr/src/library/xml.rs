//! `XDocument`, `XElement`, `XAttribute`, `XName`, `XNamespace` over [`crate::xml`].
//! Members take names as `XName`; a string (`"item"`, `"{urn:ns}item"`) converts to one
//! implicitly, as in C#, and `ns + "item"` builds one from an `XNamespace`.

use std::sync::Arc;

use gatehouse_diagnostics::Span;

use super::{Call, Owner, Registry};
use crate::eval::{Cx, Fault};
use crate::net::time::{self, DateTimeOffset, TICKS_PER_DAY, TICKS_PER_MINUTE, TimeSpan};
use crate::net::xsd::{self, DurationError, XsdForm};
use crate::types::{Class, Type};
use crate::value::{Object, Str, Value, new_str};
use crate::xml::{self, Element, Name, XNode};

type R = Result<Value, Fault>;

fn node_of<'c>(call: &'c Call<'_>) -> Result<&'c XNode, Fault> {
    match &call.this {
        Value::Object(object) => match &**object {
            Object::Xml(node) => Ok(node),
            _ => Err(call.internal("not an XML node")),
        },
        _ => Err(crate::eval::null_reference(call.span)),
    }
}

/// The element children of a container: a document's root, an element's children.
fn child_elements(node: &XNode) -> Vec<Arc<Element>> {
    match node {
        XNode::Document(Some(root)) => vec![Arc::clone(root)],
        XNode::Element(element) => element.elements().cloned().collect(),
        _ => Vec::new(),
    }
}

fn descendants(node: &XNode) -> Vec<Arc<Element>> {
    let mut out = Vec::new();
    match node {
        XNode::Document(Some(root)) => {
            out.push(Arc::clone(root));
            root.descendants(&mut out);
        }
        XNode::Element(element) => element.descendants(&mut out),
        _ => {}
    }
    out
}

fn elements_value(elements: Vec<Arc<Element>>) -> Value {
    Value::array(
        Type::Class(Class::XElement),
        elements.iter().map(xml::element_value).collect(),
    )
}

/// An `XName` argument; `None` when it is null, which matches nothing in .NET.
fn name_arg(call: &Call<'_>, index: usize) -> Option<Name> {
    match call.arg(index) {
        Value::Object(object) => match &**object {
            Object::XName { namespace, local } => Some(Name {
                namespace: namespace.to_string(),
                local: local.to_string(),
                prefix: None,
            }),
            _ => None,
        },
        _ => None,
    }
}

/// The elements named by argument `index` (a null name selects none, as in .NET).
fn filter(elements: Vec<Arc<Element>>, call: &Call<'_>, index: usize) -> Vec<Arc<Element>> {
    match name_arg(call, index) {
        Some(wanted) => elements
            .into_iter()
            .filter(|e| e.name.matches(&wanted))
            .collect(),
        None => Vec::new(),
    }
}

fn attribute_values(element: &Arc<Element>, wanted: Option<&Name>) -> Vec<Value> {
    element
        .attributes
        .iter()
        .filter(|(name, _)| wanted.is_none_or(|w| name.matches(w)))
        .map(|(name, value)| {
            Value::object(Object::Xml(XNode::Attribute(name.clone(), value.clone())))
        })
        .collect()
}

/// C#'s `(XName)string`, which is `XName.Get`: `"{namespace}local"` or `"local"`, the local
/// name a valid NCName. Errors are .NET's: `ArgumentException` for a malformed expanded name,
/// `XmlException` for an invalid local name.
pub(crate) fn expanded_name(text: &str, span: Span) -> Result<Value, Fault> {
    let invalid = || {
        Fault::throw(
            Class::ArgumentException,
            format!("'{text}' is an invalid expanded name."),
            span,
        )
    };
    if text.is_empty() {
        return Err(invalid());
    }
    match text.strip_prefix('{') {
        Some(rest) => match rest.rfind('}') {
            Some(end) if end > 0 && end + 1 < rest.len() => {
                let (namespace, local) = (&rest[..end], &rest[end + 1..]);
                local_name(namespace, local, span)
            }
            _ => Err(invalid()),
        },
        None => local_name("", text, span),
    }
}

/// `namespace.GetName(local)`: checks the local name is an NCName.
fn local_name(namespace: &str, local: &str, span: Span) -> Result<Value, Fault> {
    let name_char = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '\u{b7}');
    let mut chars = local.chars();
    let problem = match chars.next() {
        // .NET's `XmlConvert.VerifyNCName` calls an empty name a null argument.
        None => {
            return Err(Fault::throw(
                Class::ArgumentNullException,
                "The empty string '' is not a valid local name.",
                span,
            ));
        }
        Some(first) if !(first.is_alphabetic() || first == '_') => Some(format!(
            "Name cannot begin with the '{first}' character, hexadecimal value 0x{:X}.",
            u32::from(first)
        )),
        Some(_) => chars.find(|c| !name_char(*c)).map(|c| {
            format!(
                "The '{c}' character, hexadecimal value 0x{:X}, cannot be included in a name.",
                u32::from(c)
            )
        }),
    };
    if let Some(message) = problem {
        return Err(Fault::throw(Class::XmlException, message, span));
    }
    Ok(Value::object(Object::XName {
        namespace: Arc::from(namespace),
        local: Arc::from(local),
    }))
}

/// C#'s implicit operators from `string` to `XName` and `XNamespace`; null stays null.
pub(crate) fn string_to_xml_name(value: Value, class: Class, span: Span) -> Result<Value, Fault> {
    match (value, class) {
        (Value::String(text), Class::XNamespace) => Ok(Value::object(Object::XNamespace(text))),
        (Value::String(text), _) => expanded_name(&text, span),
        (other, _) => Ok(other),
    }
}

fn namespace_of(call: &Call<'_>) -> Result<Str, Fault> {
    match &call.this {
        Value::Object(object) => match &**object {
            Object::XNamespace(namespace) => Ok(Arc::clone(namespace)),
            _ => Err(call.internal("not an XNamespace")),
        },
        _ => Err(crate::eval::null_reference(call.span)),
    }
}

/// `XNamespace + string` and `XNamespace.GetName`: the name in that namespace.
fn namespace_get_name(_: &mut Cx<'_>, call: &mut Call<'_>) -> R {
    let namespace = namespace_of(call)?;
    let local = call.string(0)?;
    local_name(&namespace, &local, call.span)
}

/// `XNamespace + string`: as `GetName`, but a null namespace is an `ArgumentNullException`.
pub(crate) fn namespace_plus(cx: &mut Cx<'_>, call: &mut Call<'_>) -> R {
    if call.this.is_null() {
        return Err(call.null_argument("ns"));
    }
    namespace_get_name(cx, call)
}

/// Whether LINQ to XML has an explicit operator from `XElement` and `XAttribute` to `to`
/// (or to its nullable form).
pub(crate) fn is_xml_value_target(to: &Type) -> bool {
    matches!(
        to.underlying(),
        Type::String
            | Type::Bool
            | Type::Int32
            | Type::UInt32
            | Type::Int64
            | Type::UInt64
            | Type::Single
            | Type::Double
            | Type::Decimal
            | Type::Class(Class::Guid | Class::DateTime | Class::DateTimeOffset | Class::TimeSpan)
    )
}

/// `(DateTimeOffset)element`: `XmlConvert.ToDateTimeOffset`, any XML Schema date or time. A
/// time of day is today's; a month or a day without a year is this year's; no zone is local
/// time, which is UTC.
fn xml_date_time_offset(text: &str, call: &Call<'_>) -> R {
    let parsed = xsd::parse_date_time(text).ok_or_else(|| {
        call.format_error(format!("The string '{text}' is not a valid AllXsd value."))
    })?;
    let now = super::time::now_ticks();
    let clock = match parsed.form {
        XsdForm::GMonth | XsdForm::GDay => {
            time::ticks_from_parts(time::parts(now).year, parsed.month, parsed.day, 0, 0, 0, 0)
                .unwrap_or(parsed.ticks)
        }
        XsdForm::Time => {
            let start_of_1904 = parsed.ticks - parsed.ticks % TICKS_PER_DAY;
            now - now % TICKS_PER_DAY + (parsed.ticks - start_of_1904)
        }
        _ => parsed.ticks,
    };
    let offset = parsed.zone.minutes().unwrap_or(0);
    let out_of_range = |message: &str| call.throw(Class::ArgumentOutOfRangeException, message);
    if offset.abs() > 14 * 60 {
        return Err(out_of_range(
            "Offset must be within plus or minus 14 hours.",
        ));
    }
    let utc = clock - offset * TICKS_PER_MINUTE;
    if !time::in_range(clock) || !time::in_range(utc) {
        return Err(out_of_range(
            "The UTC time represented when the offset is applied must be between year 0 and 10,000.",
        ));
    }
    Ok(Value::DateTimeOffset(DateTimeOffset {
        ticks: clock,
        offset_minutes: i16::try_from(offset).unwrap_or_default(),
    }))
}

/// `(TimeSpan)element`: `XmlConvert.ToTimeSpan`, an XML Schema duration (`PT1H30M`).
fn xml_time_span(text: &str, call: &Call<'_>) -> R {
    match xsd::parse_duration(text) {
        Ok(ticks) => Ok(Value::TimeSpan(TimeSpan(ticks))),
        Err(DurationError::Format) => Err(call.format_error(format!(
            "The string '{text}' is not a valid TimeSpan value."
        ))),
        Err(DurationError::Overflow) => Err(call.throw(
            Class::OverflowException,
            "Value 'Duration' was either too large or too small for TimeSpan.",
        )),
    }
}

/// `(T)element` and `(T)attribute`: the value read with `XmlConvert` (invariant culture,
/// surrounding whitespace allowed). A null node is null for `string` and `T?`, and an
/// `ArgumentNullException` for a value type.
pub(crate) fn xml_value_cast(_: &mut Cx<'_>, call: &mut Call<'_>) -> R {
    let target = call.type_arg(0).clone();
    let text = match &call.this {
        Value::Null if target == Type::String || matches!(target, Type::Nullable(_)) => {
            return Ok(Value::Null);
        }
        Value::Null => return Err(call.null_argument("element")),
        Value::Object(object) => match &**object {
            Object::Xml(XNode::Element(element)) => element.text(),
            Object::Xml(XNode::Attribute(_, value)) => value.clone(),
            _ => return Err(call.internal("not an XElement or XAttribute")),
        },
        _ => return Err(call.internal("not an XElement or XAttribute")),
    };
    let trimmed = text.trim_matches([' ', '\t', '\n', '\r']);
    let invalid = |type_name: &str| {
        call.format_error(format!(
            "The string '{text}' is not a valid {type_name} value."
        ))
    };
    match target.underlying() {
        Type::String => Ok(new_str(text.clone())),
        Type::Bool => match trimmed.to_lowercase().as_str() {
            "true" | "1" => Ok(Value::Bool(true)),
            "false" | "0" => Ok(Value::Bool(false)),
            _ => Err(invalid("Boolean")),
        },
        ty @ (Type::Single | Type::Double) => {
            let infinity = match trimmed {
                "INF" => Some(f64::INFINITY),
                "-INF" => Some(f64::NEG_INFINITY),
                _ => None,
            };
            match (infinity, ty) {
                (Some(value), Type::Single) => Ok(Value::Single(value as f32)),
                (Some(value), _) => Ok(Value::Double(value)),
                // XML Schema numbers have no group separators.
                (None, _) if trimmed.contains(',') => {
                    Err(call.format_error("Input string was not in a correct format."))
                }
                (None, _) => super::numbers::parse_as(trimmed, ty, call),
            }
        }
        Type::Decimal if trimmed.contains([',', 'e', 'E']) => {
            Err(call.format_error("Input string was not in a correct format."))
        }
        // `DateTime.Parse` with `DateTimeStyles.RoundtripKind`, not XML Schema's grammar.
        Type::Class(Class::DateTime) => time::parse_date_roundtrip(&text)
            .map(Value::DateTime)
            .ok_or_else(|| {
                call.format_error(format!(
                    "String '{text}' was not recognized as a valid DateTime."
                ))
            }),
        Type::Class(Class::DateTimeOffset) => xml_date_time_offset(&text, call),
        Type::Class(Class::TimeSpan) => xml_time_span(&text, call),
        Type::Class(Class::Guid) => crate::net::guid::parse(trimmed)
            .map(Value::Guid)
            .ok_or_else(|| call.format_error("Guid should contain 32 digits with 4 dashes (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).")),
        ty => super::numbers::parse_as(trimmed, ty, call),
    }
}

/// The XML extension methods (`Elements`, `Descendants`, `Attributes` on a sequence of
/// elements): each element's results in order; null items are skipped, as in .NET.
fn each_element(
    cx: &mut Cx<'_>,
    call: &Call<'_>,
    mut each: impl FnMut(&Arc<Element>) -> Vec<Value>,
) -> Result<Vec<Value>, Fault> {
    let source = call.arg(0).clone();
    if source.is_null() {
        return Err(call.null_argument("source"));
    }
    let mut out = Vec::new();
    for item in super::linq::collect(cx, &source, call.span)? {
        if let Value::Object(object) = &item
            && let Object::Xml(XNode::Element(element)) = &**object
        {
            out.extend(each(element));
        }
    }
    Ok(out)
}

fn element_of(call: &Call<'_>) -> Result<Arc<Element>, Fault> {
    match node_of(call)? {
        XNode::Element(element) => Ok(Arc::clone(element)),
        _ => Err(call.internal("not an XElement")),
    }
}

fn name_value(name: &Name) -> Value {
    Value::object(Object::XName {
        namespace: Arc::from(name.namespace.as_str()),
        local: Arc::from(name.local.as_str()),
    })
}

fn parse(cx: &mut Cx<'_>, call: &Call<'_>, element: bool) -> R {
    let text = call
        .opt_string(0)
        .ok_or_else(|| call.null_argument("text"))?;
    cx.charge_bytes(text.len() * 4, call.span)?;
    let document = xml::parse(&text).map_err(|e| call.throw(Class::XmlException, e.0))?;
    Ok(Value::object(Object::Xml(match (element, document) {
        (true, XNode::Document(Some(root))) => XNode::Element(root),
        (_, other) => other,
    })))
}

pub(super) fn register(r: &mut Registry) {
    let document = Owner::Class(Class::XDocument);
    r.static_method(document, "Parse", "(string text) -> XDocument", |cx, c| {
        parse(cx, c, false)
    });
    r.property(document, "Root", "XElement", |_, c| match node_of(c)? {
        XNode::Document(Some(root)) => Ok(xml::element_value(root)),
        _ => Ok(Value::Null),
    });
    let element = Owner::Class(Class::XElement);
    r.static_method(element, "Parse", "(string text) -> XElement", |cx, c| {
        parse(cx, c, true)
    });
    let container = Owner::Class(Class::XContainer);
    r.method(
        container,
        "Descendants",
        "() -> IEnumerable<XElement>",
        |_, c| Ok(elements_value(descendants(node_of(c)?))),
    );
    r.method(
        container,
        "Descendants",
        "(XName name) -> IEnumerable<XElement>",
        |_, c| Ok(elements_value(filter(descendants(node_of(c)?), c, 0))),
    );
    r.method(
        container,
        "Elements",
        "() -> IEnumerable<XElement>",
        |_, c| Ok(elements_value(child_elements(node_of(c)?))),
    );
    r.method(
        container,
        "Elements",
        "(XName name) -> IEnumerable<XElement>",
        |_, c| Ok(elements_value(filter(child_elements(node_of(c)?), c, 0))),
    );
    r.method(container, "Element", "(XName name) -> XElement", |_, c| {
        Ok(filter(child_elements(node_of(c)?), c, 0)
            .first()
            .map_or(Value::Null, xml::element_value))
    });
    r.method(
        Owner::Class(Class::XNode),
        "ToString",
        "() -> string",
        |_, c| Ok(new_str(node_of(c)?.to_xml_string(true))),
    );
    r.property(element, "Name", "XName", |_, c| {
        Ok(name_value(&element_of(c)?.name))
    });
    r.property(element, "Value", "string", |_, c| {
        Ok(new_str(element_of(c)?.text()))
    });
    // Child nodes of every kind: a SOAP handler's `(XElement) body.FirstNode` is the
    // operation element (whitespace between elements is not kept, as in .NET's default load).
    r.property(element, "FirstNode", "XNode", |_, c| {
        Ok(element_of(c)?
            .children
            .first()
            .map_or(Value::Null, xml::node_value))
    });
    r.property(element, "LastNode", "XNode", |_, c| {
        Ok(element_of(c)?
            .children
            .last()
            .map_or(Value::Null, xml::node_value))
    });
    r.method(element, "Nodes", "() -> IEnumerable<XNode>", |_, c| {
        Ok(Value::array(
            Type::Class(Class::XNode),
            element_of(c)?
                .children
                .iter()
                .map(xml::node_value)
                .collect(),
        ))
    });
    r.property(
        Owner::Class(Class::XText),
        "Value",
        "string",
        |_, c| match node_of(c)? {
            XNode::Text(text) | XNode::CData(text) => Ok(new_str(text.clone())),
            _ => Err(c.internal("not an XText")),
        },
    );
    r.property(
        Owner::Class(Class::XComment),
        "Value",
        "string",
        |_, c| match node_of(c)? {
            XNode::Comment(text) => Ok(new_str(text.clone())),
            _ => Err(c.internal("not an XComment")),
        },
    );
    r.property(element, "HasElements", "bool", |_, c| {
        Ok(Value::Bool(element_of(c)?.elements().next().is_some()))
    });
    r.property(element, "HasAttributes", "bool", |_, c| {
        Ok(Value::Bool(!element_of(c)?.attributes.is_empty()))
    });
    r.property(element, "IsEmpty", "bool", |_, c| {
        Ok(Value::Bool(element_of(c)?.children.is_empty()))
    });
    r.method(
        element,
        "Attribute",
        "(XName name) -> XAttribute",
        |_, c| {
            let Some(wanted) = name_arg(c, 0) else {
                return Ok(Value::Null);
            };
            Ok(attribute_values(&element_of(c)?, Some(&wanted))
                .into_iter()
                .next()
                .unwrap_or(Value::Null))
        },
    );
    r.method(
        element,
        "Attributes",
        "() -> IEnumerable<XAttribute>",
        |_, c| {
            Ok(Value::array(
                Type::Class(Class::XAttribute),
                attribute_values(&element_of(c)?, None),
            ))
        },
    );
    r.method(
        element,
        "Attributes",
        "(XName name) -> IEnumerable<XAttribute>",
        |_, c| {
            let found = match name_arg(c, 0) {
                Some(wanted) => attribute_values(&element_of(c)?, Some(&wanted)),
                None => Vec::new(),
            };
            Ok(Value::array(Type::Class(Class::XAttribute), found))
        },
    );
    let attribute = Owner::Class(Class::XAttribute);
    r.property(attribute, "Name", "XName", |_, c| match node_of(c)? {
        XNode::Attribute(name, _) => Ok(name_value(name)),
        _ => Err(c.internal("not an XAttribute")),
    });
    r.property(attribute, "Value", "string", |_, c| match node_of(c)? {
        XNode::Attribute(_, value) => Ok(new_str(value)),
        _ => Err(c.internal("not an XAttribute")),
    });
    r.method(attribute, "ToString", "() -> string", |_, c| {
        Ok(new_str(node_of(c)?.to_xml_string(false)))
    });
    let name = Owner::Class(Class::XName);
    r.property(name, "LocalName", "string", |_, c| {
        name_part(c, |_, local| Value::String(Arc::clone(local)))
    });
    r.property(name, "NamespaceName", "string", |_, c| {
        name_part(c, |namespace, _| Value::String(Arc::clone(namespace)))
    });
    r.property(name, "Namespace", "XNamespace", |_, c| {
        name_part(c, |namespace, _| {
            Value::object(Object::XNamespace(Arc::clone(namespace)))
        })
    });
    r.static_method(name, "Get", "(string expandedName) -> XName", |_, c| {
        expanded_name(&c.string(0)?, c.span)
    });
    r.static_method(
        name,
        "Get",
        "(string localName, string namespaceName) -> XName",
        |_, c| {
            let namespace = c.string(1)?;
            local_name(&namespace, &c.string(0)?, c.span)
        },
    );
    let namespace = Owner::Class(Class::XNamespace);
    r.property(namespace, "NamespaceName", "string", |_, c| {
        Ok(Value::String(namespace_of(c)?))
    });
    r.method(
        namespace,
        "GetName",
        "(string localName) -> XName",
        namespace_get_name,
    );
    r.static_method(
        namespace,
        "Get",
        "(string namespaceName) -> XNamespace",
        |_, c| Ok(Value::object(Object::XNamespace(c.string(0)?))),
    );
    r.static_property(namespace, "None", "XNamespace", |_, _| {
        Ok(Value::object(Object::XNamespace(Arc::from(""))))
    });
    r.static_property(namespace, "Xml", "XNamespace", |_, _| {
        Ok(Value::object(Object::XNamespace(Arc::from(
            "http://www.w3.org/XML/1998/namespace",
        ))))
    });
    r.static_property(namespace, "Xmlns", "XNamespace", |_, _| {
        Ok(Value::object(Object::XNamespace(Arc::from(
            "http://www.w3.org/2000/xmlns/",
        ))))
    });

    // System.Xml.Linq.Extensions over sequences of elements.
    for (name, result) in [
        ("Elements", "XElement"),
        ("Descendants", "XElement"),
        ("Attributes", "XAttribute"),
    ] {
        r.extension(
            name,
            &format!("(this IEnumerable<XElement> source) -> IEnumerable<{result}>"),
            sequence_extension,
        );
        r.extension(
            name,
            &format!("(this IEnumerable<XElement> source, XName name) -> IEnumerable<{result}>"),
            sequence_extension,
        );
    }
}

/// `Elements`, `Descendants` and `Attributes` of a sequence of elements, with or without a
/// name: each element's results in order (a null name selects none, as in .NET).
fn sequence_extension(cx: &mut Cx<'_>, call: &mut Call<'_>) -> R {
    let named = call.args.len() > 1;
    let wanted = name_arg(call, 1);
    let selects = |name: &Name| wanted.as_ref().is_some_and(|w| name.matches(w));
    if named && wanted.is_none() {
        let class = if call.name == "Attributes" {
            Class::XAttribute
        } else {
            Class::XElement
        };
        return Ok(Value::array(Type::Class(class), Vec::new()));
    }
    let (class, found) = match call.name {
        "Attributes" => (
            Class::XAttribute,
            each_element(cx, call, |e| attribute_values(e, wanted.as_ref()))?,
        ),
        "Descendants" => (
            Class::XElement,
            each_element(cx, call, |e| {
                descendants(&XNode::Element(Arc::clone(e)))
                    .iter()
                    .filter(|d| !named || selects(&d.name))
                    .map(xml::element_value)
                    .collect()
            })?,
        ),
        _ => (
            Class::XElement,
            each_element(cx, call, |e| {
                e.elements()
                    .filter(|child| !named || selects(&child.name))
                    .map(xml::element_value)
                    .collect()
            })?,
        ),
    };
    Ok(Value::array(Type::Class(class), found))
}

/// A part of the `XName` receiver.
fn name_part(call: &Call<'_>, part: impl Fn(&Str, &Str) -> Value) -> R {
    match &call.this {
        Value::Object(object) => match &**object {
            Object::XName { namespace, local } => Ok(part(namespace, local)),
            _ => Err(call.internal("not an XName")),
        },
        _ => Err(crate::eval::null_reference(call.span)),
    }
}
