//! Newtonsoft's JSONPath dialect for `SelectToken` and `SelectTokens`: `$`, `.name`, `['name']`,
//! `[n]`, `[-n]` is not JSONPath here (Newtonsoft rejects it), `[a,b]`, `[*]`, `.*`,
//! `[start:end:step]`, `..name` (recursive descent) and filters `[?(@.a == 'x' && @.b > 1)]`.

use std::sync::Arc;

use super::{JData, JToken, JValue, children};

#[derive(Clone, Debug, PartialEq)]
enum Segment {
    Field(String),
    Fields(Vec<String>),
    AnyField,
    Index(Vec<i64>),
    Slice(Option<i64>, Option<i64>, Option<i64>),
    AnyIndex,
    Descend(Box<Segment>),
    Filter(Filter),
}

#[derive(Clone, Debug, PartialEq)]
enum Filter {
    Exists(Vec<Segment>),
    Compare(Operand, Comparison, Operand),
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
}

#[derive(Clone, Debug, PartialEq)]
enum Operand {
    Path(Vec<Segment>),
    Literal(JValue),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Comparison {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// Why a path could not be used: Newtonsoft's `JsonException` message.
pub type PathError = String;

/// Every token `path` selects from `root`, in document order.
pub fn select(root: &JToken, path: &str) -> Result<Vec<JToken>, PathError> {
    let segments = Parser::new(path).path(true)?;
    Ok(apply(vec![Arc::clone(root)], &segments))
}

fn apply(mut current: Vec<JToken>, segments: &[Segment]) -> Vec<JToken> {
    for segment in segments {
        current = step(&current, segment);
    }
    current
}

fn step(tokens: &[JToken], segment: &Segment) -> Vec<JToken> {
    let mut out = Vec::new();
    for token in tokens {
        match segment {
            Segment::Field(name) => out.extend(super::get(token, name)),
            Segment::Fields(names) => {
                for name in names {
                    out.extend(super::get(token, name));
                }
            }
            Segment::AnyField => {
                if let JData::Object(properties) = &*token.read() {
                    out.extend(properties.iter().filter_map(super::property_value));
                }
            }
            Segment::AnyIndex => match &*token.read() {
                JData::Array(items) => out.extend(items.iter().cloned()),
                JData::Object(properties) => {
                    out.extend(properties.iter().filter_map(super::property_value))
                }
                _ => {}
            },
            Segment::Index(indices) => {
                if let JData::Array(items) = &*token.read() {
                    for index in indices {
                        if let Some(item) = usize::try_from(*index).ok().and_then(|i| items.get(i))
                        {
                            out.push(Arc::clone(item));
                        }
                    }
                }
            }
            Segment::Slice(start, end, step) => {
                if let JData::Array(items) = &*token.read() {
                    let len = i64::try_from(items.len()).unwrap_or(0);
                    let resolve = |value: i64| {
                        if value < 0 {
                            (len + value).max(0)
                        } else {
                            value.min(len)
                        }
                    };
                    let step = step.unwrap_or(1);
                    if step > 0 {
                        let mut i = resolve(start.unwrap_or(0));
                        let end = resolve(end.unwrap_or(len));
                        while i < end {
                            if let Some(item) = usize::try_from(i).ok().and_then(|i| items.get(i)) {
                                out.push(Arc::clone(item));
                            }
                            i += step;
                        }
                    } else if step < 0 {
                        let mut i = resolve(start.unwrap_or(len - 1)).min(len - 1);
                        let end = end.map_or(-1, resolve);
                        while i > end {
                            if let Some(item) = usize::try_from(i).ok().and_then(|i| items.get(i)) {
                                out.push(Arc::clone(item));
                            }
                            i += step;
                        }
                    }
                }
            }
            Segment::Descend(inner) => {
                let mut all = Vec::new();
                descendants_and_self(token, &mut all);
                out.extend(step(&all, inner));
            }
            Segment::Filter(filter) => {
                let candidates: Vec<JToken> = match &*token.read() {
                    JData::Array(items) => items.clone(),
                    JData::Object(properties) => properties
                        .iter()
                        .filter_map(super::property_value)
                        .collect(),
                    _ => Vec::new(),
                };
                out.extend(
                    candidates
                        .into_iter()
                        .filter(|candidate| matches(candidate, filter)),
                );
            }
        }
    }
    out
}

fn descendants_and_self(token: &JToken, out: &mut Vec<JToken>) {
    out.push(Arc::clone(token));
    for child in children(token) {
        let value = match &*child.read() {
            JData::Property { value, .. } => Arc::clone(value),
            _ => Arc::clone(&child),
        };
        descendants_and_self(&value, out);
    }
}

fn matches(token: &JToken, filter: &Filter) -> bool {
    match filter {
        Filter::Exists(path) => !apply(vec![Arc::clone(token)], path).is_empty(),
        Filter::And(a, b) => matches(token, a) && matches(token, b),
        Filter::Or(a, b) => matches(token, a) || matches(token, b),
        Filter::Compare(left, op, right) => {
            let resolve = |operand: &Operand| -> Vec<JValue> {
                match operand {
                    Operand::Literal(value) => vec![value.clone()],
                    Operand::Path(path) => apply(vec![Arc::clone(token)], path)
                        .iter()
                        .filter_map(|t| t.value())
                        .collect(),
                }
            };
            let (lefts, rights) = (resolve(left), resolve(right));
            lefts
                .iter()
                .any(|l| rights.iter().any(|r| compare(l, *op, r)))
        }
    }
}

fn as_number(value: &JValue) -> Option<f64> {
    #[allow(
        clippy::cast_precision_loss,
        reason = "JSONPath compares numbers as doubles, as Newtonsoft does"
    )]
    match value {
        JValue::Integer(i) => Some(*i as f64),
        JValue::BigInteger(i) => Some(*i as f64),
        JValue::Float(f) => Some(*f),
        _ => None,
    }
}

fn compare(left: &JValue, op: Comparison, right: &JValue) -> bool {
    let ordering = match (as_number(left), as_number(right)) {
        (Some(a), Some(b)) => a.partial_cmp(&b),
        _ => match (left, right) {
            (JValue::String(a), JValue::String(b)) => Some(a.cmp(b)),
            (JValue::Boolean(a), JValue::Boolean(b)) => Some(a.cmp(b)),
            (JValue::Null, JValue::Null) => Some(std::cmp::Ordering::Equal),
            _ => None,
        },
    };
    match (op, ordering) {
        (Comparison::Eq, Some(o)) => o.is_eq(),
        (Comparison::Ne, Some(o)) => !o.is_eq(),
        (Comparison::Ne, None) => true,
        (Comparison::Lt, Some(o)) => o.is_lt(),
        (Comparison::Le, Some(o)) => o.is_le(),
        (Comparison::Gt, Some(o)) => o.is_gt(),
        (Comparison::Ge, Some(o)) => o.is_ge(),
        _ => false,
    }
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn new(text: &str) -> Self {
        Parser {
            chars: text.chars().collect(),
            pos: 0,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn error(&self, what: &str) -> PathError {
        format!("{what} at position {}.", self.pos)
    }

    /// A path: `$`/`@` then segments, or a bare first name. `top` stops at the end of text; a
    /// path inside a filter stops before an operator or `)`.
    fn path(&mut self, top: bool) -> Result<Vec<Segment>, PathError> {
        let mut segments = Vec::new();
        if matches!(self.peek(), Some('$' | '@')) {
            self.pos += 1;
        } else if top && self.peek().is_some_and(|c| c != '.' && c != '[') {
            segments.push(Segment::Field(self.name()?));
        }
        loop {
            match self.peek() {
                None => return Ok(segments),
                Some('.') => {
                    self.pos += 1;
                    if self.peek() == Some('.') {
                        self.pos += 1;
                        let inner = match self.peek() {
                            Some('[') => self.bracket()?,
                            Some('*') => {
                                self.pos += 1;
                                Segment::AnyField
                            }
                            _ => Segment::Field(self.name()?),
                        };
                        segments.push(Segment::Descend(Box::new(inner)));
                    } else if self.peek() == Some('*') {
                        self.pos += 1;
                        segments.push(Segment::AnyField);
                    } else {
                        segments.push(Segment::Field(self.name()?));
                    }
                }
                Some('[') => segments.push(self.bracket()?),
                Some(_) if !top => return Ok(segments),
                Some(c) => {
                    return Err(
                        self.error(&format!("Unexpected character while parsing path: {c}"))
                    );
                }
            }
        }
    }

    fn name(&mut self) -> Result<String, PathError> {
        let start = self.pos;
        while self.peek().is_some_and(|c| {
            !matches!(
                c,
                '.' | '[' | ']' | '(' | ')' | ' ' | '=' | '!' | '<' | '>' | '&' | '|'
            )
        }) {
            self.pos += 1;
        }
        if start == self.pos {
            return Err(self.error("Unexpected end while parsing path"));
        }
        Ok(self
            .chars
            .get(start..self.pos)
            .unwrap_or_default()
            .iter()
            .collect())
    }

    fn skip_spaces(&mut self) {
        while self.peek() == Some(' ') {
            self.pos += 1;
        }
    }

    fn quoted(&mut self) -> Result<String, PathError> {
        let Some(quote) = self.peek() else {
            return Err(self.error("Unexpected end while parsing path"));
        };
        self.pos += 1;
        let mut text = String::new();
        loop {
            match self.peek() {
                None => return Err(self.error("Path ended with an open string")),
                Some('\\') => {
                    self.pos += 1;
                    if let Some(c) = self.peek() {
                        text.push(c);
                        self.pos += 1;
                    }
                }
                Some(c) if c == quote => {
                    self.pos += 1;
                    return Ok(text);
                }
                Some(c) => {
                    text.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    fn integer(&mut self) -> Result<Option<i64>, PathError> {
        self.skip_spaces();
        let start = self.pos;
        if self.peek() == Some('-') {
            self.pos += 1;
        }
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        let text: String = self
            .chars
            .get(start..self.pos)
            .unwrap_or_default()
            .iter()
            .collect();
        self.skip_spaces();
        if text.is_empty() {
            return Ok(None);
        }
        text.parse()
            .map(Some)
            .map_err(|_| self.error("Could not read index"))
    }

    fn expect(&mut self, c: char) -> Result<(), PathError> {
        self.skip_spaces();
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(&format!("Expected {c}")))
        }
    }

    fn bracket(&mut self) -> Result<Segment, PathError> {
        self.pos += 1;
        self.skip_spaces();
        let segment = match self.peek() {
            Some('*') => {
                self.pos += 1;
                Segment::AnyIndex
            }
            Some('\'' | '"') => {
                let mut names = vec![self.quoted()?];
                self.skip_spaces();
                while self.peek() == Some(',') {
                    self.pos += 1;
                    self.skip_spaces();
                    names.push(self.quoted()?);
                    self.skip_spaces();
                }
                if names.len() == 1 {
                    Segment::Field(names.remove(0))
                } else {
                    Segment::Fields(names)
                }
            }
            Some('?') => {
                self.pos += 1;
                self.expect('(')?;
                let filter = self.filter()?;
                self.expect(')')?;
                Segment::Filter(filter)
            }
            _ => {
                let first = self.integer()?;
                match self.peek() {
                    Some(':') => {
                        self.pos += 1;
                        let end = self.integer()?;
                        let step = if self.peek() == Some(':') {
                            self.pos += 1;
                            self.integer()?
                        } else {
                            None
                        };
                        Segment::Slice(first, end, step)
                    }
                    _ => {
                        let mut indices =
                            vec![first.ok_or_else(|| self.error("Could not read index"))?];
                        while self.peek() == Some(',') {
                            self.pos += 1;
                            indices.push(
                                self.integer()?
                                    .ok_or_else(|| self.error("Could not read index"))?,
                            );
                        }
                        if indices.iter().any(|&i| i < 0) {
                            return Err(self.error("Array index must not be negative"));
                        }
                        Segment::Index(indices)
                    }
                }
            }
        };
        self.expect(']')?;
        Ok(segment)
    }

    fn filter(&mut self) -> Result<Filter, PathError> {
        let mut left = self.filter_term()?;
        loop {
            self.skip_spaces();
            let rest: String = self
                .chars
                .get(self.pos..self.pos + 2)
                .unwrap_or_default()
                .iter()
                .collect();
            match rest.as_str() {
                "&&" => {
                    self.pos += 2;
                    let right = self.filter_term()?;
                    left = Filter::And(Box::new(left), Box::new(right));
                }
                "||" => {
                    self.pos += 2;
                    let right = self.filter_term()?;
                    left = Filter::Or(Box::new(left), Box::new(right));
                }
                _ => return Ok(left),
            }
        }
    }

    fn filter_term(&mut self) -> Result<Filter, PathError> {
        self.skip_spaces();
        if self.peek() == Some('(') {
            self.pos += 1;
            let inner = self.filter()?;
            self.expect(')')?;
            return Ok(inner);
        }
        let left = self.operand()?;
        self.skip_spaces();
        let rest: String = self
            .chars
            .get(self.pos..self.pos + 2)
            .unwrap_or_default()
            .iter()
            .collect();
        let op = if rest.starts_with("==") {
            Some((Comparison::Eq, 2))
        } else if rest.starts_with("!=") {
            Some((Comparison::Ne, 2))
        } else if rest.starts_with("<=") {
            Some((Comparison::Le, 2))
        } else if rest.starts_with(">=") {
            Some((Comparison::Ge, 2))
        } else if rest.starts_with('<') {
            Some((Comparison::Lt, 1))
        } else if rest.starts_with('>') {
            Some((Comparison::Gt, 1))
        } else {
            None
        };
        let Some((op, len)) = op else {
            return match left {
                Operand::Path(path) => Ok(Filter::Exists(path)),
                Operand::Literal(_) => {
                    Err(self.error("Unexpected character while parsing path query"))
                }
            };
        };
        self.pos += len;
        let right = self.operand()?;
        Ok(Filter::Compare(left, op, right))
    }

    fn operand(&mut self) -> Result<Operand, PathError> {
        self.skip_spaces();
        match self.peek() {
            Some('@' | '$') => Ok(Operand::Path(self.path(false)?)),
            Some('\'' | '"') => Ok(Operand::Literal(JValue::String(Arc::from(self.quoted()?)))),
            Some(c) if c == '-' || c.is_ascii_digit() => {
                let start = self.pos;
                while self.peek().is_some_and(|c| {
                    c == '-' || c == '.' || c.is_ascii_digit() || c == 'e' || c == 'E'
                }) {
                    self.pos += 1;
                }
                let text: String = self
                    .chars
                    .get(start..self.pos)
                    .unwrap_or_default()
                    .iter()
                    .collect();
                if let Ok(i) = text.parse::<i64>() {
                    Ok(Operand::Literal(JValue::Integer(i)))
                } else {
                    text.parse::<f64>()
                        .map(|f| Operand::Literal(JValue::Float(f)))
                        .map_err(|_| self.error("Could not read query value"))
                }
            }
            _ => {
                let start = self.pos;
                while self.peek().is_some_and(char::is_alphabetic) {
                    self.pos += 1;
                }
                let word: String = self
                    .chars
                    .get(start..self.pos)
                    .unwrap_or_default()
                    .iter()
                    .collect();
                match word.as_str() {
                    "true" => Ok(Operand::Literal(JValue::Boolean(true))),
                    "false" => Ok(Operand::Literal(JValue::Boolean(false))),
                    "null" => Ok(Operand::Literal(JValue::Null)),
                    _ => Err(self.error("Unexpected character while parsing path query")),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse, write_string};
    use super::*;

    fn texts(json: &str, path: &str) -> Vec<String> {
        let root = parse(json, true).unwrap();
        select(&root, path)
            .unwrap()
            .iter()
            .map(|t| write_string(t, false))
            .collect()
    }

    #[test]
    fn paths() {
        let json = r#"{"a":{"b":[{"c":1,"n":"x"},{"c":2,"n":"y"},{"c":3}]},"d":"e"}"#;
        assert_eq!(texts(json, "a.b[1].c"), ["2"]);
        assert_eq!(texts(json, "$.a.b[0,2].c"), ["1", "3"]);
        assert_eq!(texts(json, "$['d']"), ["\"e\""]);
        assert_eq!(texts(json, "a.b[*].n"), ["\"x\"", "\"y\""]);
        assert_eq!(texts(json, "$..c"), ["1", "2", "3"]);
        assert_eq!(texts(json, "a.b[1:]").len(), 2);
        assert_eq!(texts(json, "a.b[?(@.c > 1 && @.n)].n"), ["\"y\""]);
        assert_eq!(texts(json, "a.b[?(@.n == 'x')].c"), ["1"]);
        assert!(texts(json, "nothing.here").is_empty());
        assert!(select(&parse("{}", true).unwrap(), "a[").is_err());
    }
}
