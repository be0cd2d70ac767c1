//! `XDocument`, `XElement`, `XAttribute`, `XName` over [`crate::xml`]. Names are passed as
//! strings (`"item"`, `"{urn:ns}item"`), which C# converts to `XName` implicitly.

use std::sync::Arc;

use super::{Call, Owner, Registry};
use crate::eval::{Cx, Fault};
use crate::types::{Class, Type};
use crate::value::{Object, Value, new_str};
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

fn filter(elements: Vec<Arc<Element>>, call: &Call<'_>) -> Vec<Arc<Element>> {
    match call.opt_string(0) {
        Some(name) => {
            let wanted = Name::parse(&name);
            elements
                .into_iter()
                .filter(|e| e.name.matches(&wanted))
                .collect()
        }
        None => elements,
    }
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
        "(string name) -> IEnumerable<XElement>",
        |_, c| Ok(elements_value(filter(descendants(node_of(c)?), c))),
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
        "(string name) -> IEnumerable<XElement>",
        |_, c| Ok(elements_value(filter(child_elements(node_of(c)?), c))),
    );
    r.method(container, "Element", "(string name) -> XElement", |_, c| {
        Ok(filter(child_elements(node_of(c)?), c)
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
        "(string name) -> XAttribute",
        |_, c| {
            let wanted = Name::parse(&c.string(0)?);
            let found = element_of(c)?
                .attributes
                .iter()
                .find(|(name, _)| name.matches(&wanted))
                .map(|(name, value)| {
                    Value::object(Object::Xml(XNode::Attribute(name.clone(), value.clone())))
                });
            Ok(found.unwrap_or(Value::Null))
        },
    );
    r.method(
        element,
        "Attributes",
        "() -> IEnumerable<XAttribute>",
        |_, c| {
            let attributes = element_of(c)?
                .attributes
                .iter()
                .map(|(name, value)| {
                    Value::object(Object::Xml(XNode::Attribute(name.clone(), value.clone())))
                })
                .collect();
            Ok(Value::array(Type::Class(Class::XAttribute), attributes))
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
    let part = |c: &Call<'_>, local: bool| match &c.this {
        Value::Object(object) => match &**object {
            Object::XName {
                namespace,
                local: name,
            } => Ok(Value::String(Arc::clone(if local {
                name
            } else {
                namespace
            }))),
            _ => Err(c.internal("not an XName")),
        },
        _ => Err(crate::eval::null_reference(c.span)),
    };
    let _ = part;
    r.property(name, "LocalName", "string", |_, c| match &c.this {
        Value::Object(object) => match &**object {
            Object::XName { local, .. } => Ok(Value::String(Arc::clone(local))),
            _ => Err(c.internal("not an XName")),
        },
        _ => Err(crate::eval::null_reference(c.span)),
    });
    r.property(name, "NamespaceName", "string", |_, c| match &c.this {
        Value::Object(object) => match &**object {
            Object::XName { namespace, .. } => Ok(Value::String(Arc::clone(namespace))),
            _ => Err(c.internal("not an XName")),
        },
        _ => Err(crate::eval::null_reference(c.span)),
    });
}
