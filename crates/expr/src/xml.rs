//! A small LINQ-to-XML model: `XDocument`, `XElement`, `XAttribute`, read with quick-xml.
//!
//! Expressions use XML to pick values out of SOAP and XML bodies (`Descendants`, `Element`,
//! `Value`, `Attribute`), so the model is read-mostly: parsed once, navigated, printed.
//! Whitespace between elements is dropped on load, as `XDocument.Parse` does by default.

use std::fmt::Write;
use std::sync::Arc;

use quick_xml::events::Event;
use quick_xml::reader::Reader;

use crate::types::Class;
use crate::value::{Object, Value};

/// An expanded name: namespace URI and local name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    pub namespace: String,
    pub local: String,
    /// The prefix it was written with, for printing.
    pub prefix: Option<String>,
}

impl Name {
    /// `XName.Get("{ns}local")` or `"local"`.
    pub fn parse(text: &str) -> Name {
        if let Some(rest) = text.strip_prefix('{')
            && let Some((namespace, local)) = rest.split_once('}')
        {
            return Name {
                namespace: namespace.to_owned(),
                local: local.to_owned(),
                prefix: None,
            };
        }
        Name {
            namespace: String::new(),
            local: text.to_owned(),
            prefix: None,
        }
    }

    pub fn matches(&self, other: &Name) -> bool {
        self.namespace == other.namespace && self.local == other.local
    }

    fn qualified(&self) -> String {
        match &self.prefix {
            Some(prefix) if !prefix.is_empty() => format!("{prefix}:{}", self.local),
            _ => self.local.clone(),
        }
    }
}

#[derive(Debug)]
pub struct Element {
    pub name: Name,
    pub attributes: Vec<(Name, String)>,
    pub children: Vec<Node>,
}

#[derive(Clone, Debug)]
pub enum Node {
    Element(Arc<Element>),
    Text(String),
    CData(String),
    Comment(String),
}

/// A node as expressions hold it.
#[derive(Clone, Debug)]
pub enum XNode {
    Document(Option<Arc<Element>>),
    Element(Arc<Element>),
    Attribute(Name, String),
    /// A child of an element that is not an element: `XText`, `XCData`, `XComment`.
    Text(String),
    CData(String),
    Comment(String),
}

impl XNode {
    pub fn class(&self) -> Class {
        match self {
            XNode::Document(_) => Class::XDocument,
            XNode::Element(_) => Class::XElement,
            XNode::Attribute(..) => Class::XAttribute,
            XNode::Text(_) => Class::XText,
            XNode::CData(_) => Class::XCData,
            XNode::Comment(_) => Class::XComment,
        }
    }

    /// `ToString()`: indented XML without a declaration (`name="value"` for an attribute).
    pub fn to_xml_string(&self, indented: bool) -> String {
        let mut out = String::new();
        match self {
            XNode::Document(root) => {
                if let Some(root) = root {
                    write_element(&mut out, root, indented, 0);
                }
            }
            XNode::Element(element) => write_element(&mut out, element, indented, 0),
            XNode::Attribute(name, value) => {
                let _ = write!(out, "{}=\"{}\"", name.qualified(), escape(value, true));
            }
            XNode::Text(text) => out.push_str(&escape(text, false)),
            XNode::CData(text) => write_cdata(&mut out, text),
            XNode::Comment(text) => write_comment(&mut out, text),
        }
        out
    }

    /// The items of a `foreach` over the node (XLinq nodes are not enumerable).
    pub fn children_values(&self) -> Vec<Value> {
        Vec::new()
    }
}

impl Element {
    /// `XElement.Value`: the text of every descendant, concatenated.
    pub fn text(&self) -> String {
        let mut out = String::new();
        collect_text(self, &mut out);
        out
    }

    pub fn elements(&self) -> impl Iterator<Item = &Arc<Element>> {
        self.children.iter().filter_map(|child| match child {
            Node::Element(element) => Some(element),
            _ => None,
        })
    }

    /// Descendant elements in document order.
    pub fn descendants(&self, out: &mut Vec<Arc<Element>>) {
        for child in self.elements() {
            out.push(Arc::clone(child));
            child.descendants(out);
        }
    }
}

fn collect_text(element: &Element, out: &mut String) {
    for child in &element.children {
        match child {
            Node::Text(text) | Node::CData(text) => out.push_str(text),
            Node::Element(inner) => collect_text(inner, out),
            Node::Comment(_) => {}
        }
    }
}

fn escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' if !attribute => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\n' if attribute => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            '\t' if attribute => out.push_str("&#x9;"),
            other => out.push(other),
        }
    }
    out
}

fn write_cdata(out: &mut String, text: &str) {
    let _ = write!(out, "<![CDATA[{text}]]>");
}

fn write_comment(out: &mut String, text: &str) {
    let _ = write!(out, "<!--{text}-->");
}

fn write_element(out: &mut String, element: &Element, indented: bool, level: usize) {
    out.push('<');
    out.push_str(&element.name.qualified());
    for (name, value) in &element.attributes {
        let _ = write!(out, " {}=\"{}\"", name.qualified(), escape(value, true));
    }
    if element.children.is_empty() {
        out.push_str(" />");
        return;
    }
    out.push('>');
    let mixed = element
        .children
        .iter()
        .any(|c| matches!(c, Node::Text(_) | Node::CData(_)));
    let indent_children = indented && !mixed;
    for child in &element.children {
        if indent_children {
            out.push('\n');
            out.push_str(&"  ".repeat(level + 1));
        }
        match child {
            Node::Element(inner) => write_element(out, inner, indent_children, level + 1),
            Node::Text(text) => out.push_str(&escape(text, false)),
            Node::CData(text) => write_cdata(out, text),
            Node::Comment(text) => write_comment(out, text),
        }
    }
    if indent_children {
        out.push('\n');
        out.push_str(&"  ".repeat(level));
    }
    let _ = write!(out, "</{}>", element.name.qualified());
}

/// Why a document could not be read: `XmlException`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError(pub String);

fn decode_entities(raw: &str) -> Result<String, XmlError> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find('&') {
        out.push_str(rest.get(..at).unwrap_or_default());
        let tail = rest.get(at + 1..).unwrap_or_default();
        let end = tail
            .find(';')
            .ok_or_else(|| XmlError("An error occurred while parsing EntityName.".to_owned()))?;
        let name = tail.get(..end).unwrap_or_default();
        out.push(entity(name)?);
        rest = tail.get(end + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    Ok(out)
}

fn entity(name: &str) -> Result<char, XmlError> {
    let found = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => name
            .strip_prefix("#x")
            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
            .or_else(|| name.strip_prefix('#').and_then(|dec| dec.parse().ok()))
            .and_then(char::from_u32),
    };
    found.ok_or_else(|| XmlError(format!("Reference to undeclared entity '{name}'.")))
}

struct Open {
    name: String,
    element: Element,
    /// Prefix bindings this element declared.
    scope: Vec<(String, String)>,
}

/// `XDocument.Parse`.
pub fn parse(text: &str) -> Result<XNode, XmlError> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(false);
    let mut stack: Vec<Open> = Vec::new();
    let mut bindings: Vec<(String, String)> = vec![(
        "xml".to_owned(),
        "http://www.w3.org/XML/1998/namespace".to_owned(),
    )];
    let mut root: Option<Arc<Element>> = None;
    let mut pending_text = String::new();
    let flush = |stack: &mut Vec<Open>, pending: &mut String| {
        if pending.is_empty() {
            return;
        }
        let text = std::mem::take(pending);
        if let Some(open) = stack.last_mut()
            && !text.trim().is_empty()
        {
            open.element.children.push(Node::Text(text));
        }
    };
    loop {
        let event = reader.read_event().map_err(|e| XmlError(e.to_string()))?;
        match event {
            Event::Eof => break,
            Event::Start(tag) => {
                flush(&mut stack, &mut pending_text);
                if stack.is_empty() && root.is_some() {
                    return Err(XmlError("There are multiple root elements.".to_owned()));
                }
                let open = open_element(&tag, &mut bindings)?;
                stack.push(open);
            }
            Event::Empty(tag) => {
                flush(&mut stack, &mut pending_text);
                if stack.is_empty() && root.is_some() {
                    return Err(XmlError("There are multiple root elements.".to_owned()));
                }
                let open = open_element(&tag, &mut bindings)?;
                close(open, &mut stack, &mut bindings, &mut root);
            }
            Event::End(tag) => {
                flush(&mut stack, &mut pending_text);
                let Some(open) = stack.pop() else {
                    return Err(XmlError("Unexpected end tag.".to_owned()));
                };
                if tag.name().as_ref() != open.name.as_str() {
                    return Err(XmlError(format!(
                        "The '{}' start tag does not match the end tag of '{}'.",
                        open.name,
                        tag.name().as_ref()
                    )));
                }
                close(open, &mut stack, &mut bindings, &mut root);
            }
            Event::Text(text) => {
                let raw = (*text).to_owned();
                if stack.is_empty() && !raw.trim().is_empty() {
                    return Err(XmlError("Data at the root level is invalid.".to_owned()));
                }
                pending_text.push_str(&decode_entities(&raw)?);
            }
            Event::GeneralRef(reference) => {
                let name = (*reference).to_owned();
                pending_text.push(entity(&name)?);
            }
            Event::CData(data) => {
                flush(&mut stack, &mut pending_text);
                if let Some(open) = stack.last_mut() {
                    open.element.children.push(Node::CData((*data).to_owned()));
                }
            }
            Event::Comment(comment) => {
                flush(&mut stack, &mut pending_text);
                if let Some(open) = stack.last_mut() {
                    open.element
                        .children
                        .push(Node::Comment((*comment).to_owned()));
                }
            }
            Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(XmlError(
            "Unexpected end of file has occurred. The following elements are not closed."
                .to_owned(),
        ));
    }
    if root.is_none() {
        return Err(XmlError("Root element is missing.".to_owned()));
    }
    Ok(XNode::Document(root))
}

fn resolve(prefix: &str, bindings: &[(String, String)]) -> Result<String, XmlError> {
    if prefix.is_empty() {
        return Ok(bindings
            .iter()
            .rev()
            .find(|(p, _)| p.is_empty())
            .map(|(_, ns)| ns.clone())
            .unwrap_or_default());
    }
    bindings
        .iter()
        .rev()
        .find(|(p, _)| p == prefix)
        .map(|(_, ns)| ns.clone())
        .ok_or_else(|| XmlError(format!("'{prefix}' is an undeclared prefix.")))
}

fn split_name(qualified: &str) -> (&str, &str) {
    qualified.split_once(':').unwrap_or(("", qualified))
}

fn open_element(
    tag: &quick_xml::events::BytesStart<'_>,
    bindings: &mut Vec<(String, String)>,
) -> Result<Open, XmlError> {
    let qualified = tag.name().as_ref().to_owned();
    let mut raw_attributes = Vec::new();
    let mut scope = Vec::new();
    for attribute in tag.attributes() {
        let attribute = attribute.map_err(|e| XmlError(e.to_string()))?;
        let key = attribute.key.as_ref().to_owned();
        let value = decode_entities(&attribute.value)?;
        if key == "xmlns" {
            scope.push((String::new(), value.clone()));
        } else if let Some(prefix) = key.strip_prefix("xmlns:") {
            scope.push((prefix.to_owned(), value.clone()));
        }
        raw_attributes.push((key, value));
    }
    bindings.extend(scope.iter().cloned());
    let (prefix, local) = split_name(&qualified);
    let name = Name {
        namespace: resolve(prefix, bindings)?,
        local: local.to_owned(),
        prefix: Some(prefix.to_owned()),
    };
    let mut attributes = Vec::new();
    for (key, value) in raw_attributes {
        let (prefix, local) = split_name(&key);
        let namespace = if key == "xmlns" || prefix == "xmlns" {
            "http://www.w3.org/2000/xmlns/".to_owned()
        } else if prefix.is_empty() {
            String::new()
        } else {
            resolve(prefix, bindings)?
        };
        attributes.push((
            Name {
                namespace,
                local: if key == "xmlns" {
                    "xmlns".to_owned()
                } else {
                    local.to_owned()
                },
                prefix: Some(if key == "xmlns" {
                    String::new()
                } else {
                    prefix.to_owned()
                }),
            },
            value,
        ));
    }
    Ok(Open {
        name: qualified,
        element: Element {
            name,
            attributes,
            children: Vec::new(),
        },
        scope,
    })
}

fn close(
    open: Open,
    stack: &mut [Open],
    bindings: &mut Vec<(String, String)>,
    root: &mut Option<Arc<Element>>,
) {
    for _ in &open.scope {
        bindings.pop();
    }
    let element = Arc::new(open.element);
    match stack.last_mut() {
        Some(parent) => parent.element.children.push(Node::Element(element)),
        None => *root = Some(element),
    }
}

/// An element value for expressions.
pub fn element_value(element: &Arc<Element>) -> Value {
    Value::object(Object::Xml(XNode::Element(Arc::clone(element))))
}

/// A child node as expressions see it (`FirstNode`, `Nodes()`).
pub fn node_value(node: &Node) -> Value {
    Value::object(Object::Xml(match node {
        Node::Element(element) => XNode::Element(Arc::clone(element)),
        Node::Text(text) => XNode::Text(text.clone()),
        Node::CData(text) => XNode::CData(text.clone()),
        Node::Comment(text) => XNode::Comment(text.clone()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_namespaces_text_and_prints_indented() {
        let document = parse(r#"<?xml version="1.0"?><s:Envelope xmlns:s="urn:soap"><s:Body><r a="1 &amp; 2">x &lt; y</r><e/></s:Body></s:Envelope>"#).unwrap();
        let XNode::Document(Some(root)) = &document else {
            panic!()
        };
        assert_eq!(root.name.namespace, "urn:soap");
        assert_eq!(root.name.local, "Envelope");
        let mut all = Vec::new();
        root.descendants(&mut all);
        assert_eq!(all.len(), 3);
        assert_eq!(all[1].text(), "x < y");
        assert_eq!(all[1].attributes[0].1, "1 & 2");
        assert_eq!(
            document.to_xml_string(true),
            "<s:Envelope xmlns:s=\"urn:soap\">\n  <s:Body>\n    <r a=\"1 &amp; 2\">x &lt; y</r>\n    <e />\n  </s:Body>\n</s:Envelope>"
        );
        assert!(parse("<a><b></a>").is_err());
        assert!(parse("<a/><b/>").is_err());
        assert!(parse("<p:a/>").is_err());
    }
}
