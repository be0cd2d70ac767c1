//! Reading JSON the way Newtonsoft's `JsonTextReader` does for `JToken.Parse`: comments,
//! single-quoted strings and unquoted property names are accepted; ISO-8601 strings become
//! dates; integers beyond `Int64` stay exact; trailing content is an error.

use std::sync::Arc;

use super::{JToken, JValue, add_property, new_array, new_object, new_property, new_value, push};
use crate::net::time;

/// A syntax error, with Newtonsoft's wording and position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    pub message: String,
    pub line: usize,
    pub position: usize,
}

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} Path '', line {}, position {}.",
            self.message, self.line, self.position
        )
    }
}

/// Parses one JSON value. With `dates`, strings that look like ISO-8601 dates become `Date`
/// values (Newtonsoft's default).
pub fn parse(text: &str, dates: bool) -> Result<JToken, JsonError> {
    let mut reader = Reader {
        chars: text.chars().collect(),
        pos: 0,
        dates,
        depth: 0,
    };
    reader.skip_trivia()?;
    if reader.pos >= reader.chars.len() {
        return Err(reader.error("Unexpected end of content while loading JObject."));
    }
    let token = reader.value()?;
    reader.skip_trivia()?;
    if reader.pos < reader.chars.len() {
        return Err(
            reader.error("Additional text encountered after finished reading JSON content:")
        );
    }
    Ok(token)
}

/// Containers nested deeper than this are refused (Newtonsoft's default `MaxDepth` is 64 for
/// `JToken.Parse` in recent versions; the recursion here must stay bounded either way).
const MAX_DEPTH: usize = 128;

struct Reader {
    chars: Vec<char>,
    pos: usize,
    dates: bool,
    depth: usize,
}

impl Reader {
    fn error(&self, message: &str) -> JsonError {
        let before = self
            .chars
            .get(..self.pos.min(self.chars.len()))
            .unwrap_or_default();
        let line = before.iter().filter(|&&c| c == '\n').count() + 1;
        let position = before.iter().rev().take_while(|&&c| c != '\n').count();
        JsonError {
            message: message.to_owned(),
            line,
            position,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn skip_trivia(&mut self) -> Result<(), JsonError> {
        loop {
            match self.peek() {
                Some(c) if c.is_whitespace() => self.pos += 1,
                Some('/') => match self.chars.get(self.pos + 1) {
                    Some('/') => {
                        while self.peek().is_some_and(|c| c != '\n') {
                            self.pos += 1;
                        }
                    }
                    Some('*') => {
                        self.pos += 2;
                        loop {
                            match self.peek() {
                                None => {
                                    return Err(self.error("Unexpected end while parsing comment."));
                                }
                                Some('*') if self.chars.get(self.pos + 1) == Some(&'/') => {
                                    self.pos += 2;
                                    break;
                                }
                                Some(_) => self.pos += 1,
                            }
                        }
                    }
                    _ => {
                        return Err(
                            self.error("Unexpected character encountered while parsing value: /.")
                        );
                    }
                },
                _ => return Ok(()),
            }
        }
    }

    fn value(&mut self) -> Result<JToken, JsonError> {
        match self.peek() {
            Some('{') => self.object(),
            Some('[') => self.array(),
            Some(quote @ ('"' | '\'')) => {
                let text = self.string(quote)?;
                Ok(new_value(self.string_value(text)))
            }
            Some(c) if c == '-' || c.is_ascii_digit() || c == '.' => self.number(),
            Some(c) if c.is_alphabetic() => {
                let word = self.word();
                match word.as_str() {
                    "true" => Ok(new_value(JValue::Boolean(true))),
                    "false" => Ok(new_value(JValue::Boolean(false))),
                    "null" => Ok(new_value(JValue::Null)),
                    "undefined" => Ok(new_value(JValue::Undefined)),
                    "NaN" => Ok(new_value(JValue::Float(f64::NAN))),
                    "Infinity" => Ok(new_value(JValue::Float(f64::INFINITY))),
                    _ => Err(self.error(&format!(
                        "Unexpected character encountered while parsing value: {}.",
                        word.chars().next().unwrap_or('?')
                    ))),
                }
            }
            Some(c) => Err(self.error(&format!(
                "Unexpected character encountered while parsing value: {c}."
            ))),
            None => Err(self.error("Unexpected end of content while loading JObject.")),
        }
    }

    fn enter(&mut self) -> Result<(), JsonError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(&format!(
                "The reader's MaxDepth of {MAX_DEPTH} has been exceeded."
            )));
        }
        Ok(())
    }

    fn object(&mut self) -> Result<JToken, JsonError> {
        self.enter()?;
        self.pos += 1;
        let object = new_object();
        loop {
            self.skip_trivia()?;
            match self.peek() {
                Some('}') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(object);
                }
                None => return Err(self.error("Unexpected end of content while loading JObject.")),
                _ => {}
            }
            let name = match self.peek() {
                Some(quote @ ('"' | '\'')) => self.string(quote)?,
                Some(c) if c.is_alphanumeric() || c == '_' || c == '$' => self.word(),
                Some(c) => {
                    return Err(self.error(&format!("Invalid property identifier character: {c}.")));
                }
                None => return Err(self.error("Unexpected end of content while loading JObject.")),
            };
            self.skip_trivia()?;
            if self.peek() != Some(':') {
                return Err(self.error(&format!(
                    "Invalid character after parsing property name. Expected ':' but got: {}.",
                    self.peek().unwrap_or(' ')
                )));
            }
            self.pos += 1;
            self.skip_trivia()?;
            let value = self.value()?;
            if !add_property(&object, new_property(&name, value)) {
                return Err(self.error(&format!(
                    "Can not add property {name} to Newtonsoft.Json.Linq.JObject. Property with the same name already exists on object."
                )));
            }
            self.skip_trivia()?;
            match self.peek() {
                Some(',') => self.pos += 1,
                Some('}') => {}
                Some(c) => {
                    return Err(self.error(&format!(
                        "After parsing a value an unexpected character was encountered: {c}."
                    )));
                }
                None => return Err(self.error("Unexpected end of content while loading JObject.")),
            }
        }
    }

    fn array(&mut self) -> Result<JToken, JsonError> {
        self.enter()?;
        self.pos += 1;
        let array = new_array();
        loop {
            self.skip_trivia()?;
            match self.peek() {
                Some(']') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(array);
                }
                None => return Err(self.error("Unexpected end of content while loading JArray.")),
                _ => {}
            }
            let item = self.value()?;
            push(&array, item);
            self.skip_trivia()?;
            match self.peek() {
                Some(',') => self.pos += 1,
                Some(']') => {}
                Some(c) => {
                    return Err(self.error(&format!(
                        "After parsing a value an unexpected character was encountered: {c}."
                    )));
                }
                None => return Err(self.error("Unexpected end of content while loading JArray.")),
            }
        }
    }

    fn word(&mut self) -> String {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == '-')
        {
            self.pos += 1;
        }
        self.chars
            .get(start..self.pos)
            .unwrap_or_default()
            .iter()
            .collect()
    }

    fn string(&mut self, quote: char) -> Result<String, JsonError> {
        self.pos += 1;
        let mut text = String::new();
        let mut pending_high: Option<u16> = None;
        loop {
            let Some(c) = self.peek() else {
                return Err(self.error("Unterminated string. Expected delimiter: \"."));
            };
            self.pos += 1;
            if c == quote {
                if pending_high.take().is_some() {
                    text.push('\u{FFFD}');
                }
                return Ok(text);
            }
            if c != '\\' {
                if pending_high.take().is_some() {
                    text.push('\u{FFFD}');
                }
                text.push(c);
                continue;
            }
            let Some(escape) = self.peek() else {
                return Err(self.error("Unterminated string. Expected delimiter: \"."));
            };
            self.pos += 1;
            let simple = match escape {
                'b' => Some('\u{8}'),
                'f' => Some('\u{c}'),
                'n' => Some('\n'),
                'r' => Some('\r'),
                't' => Some('\t'),
                '"' | '\'' | '\\' | '/' => Some(escape),
                'u' => None,
                other => return Err(self.error(&format!("Bad JSON escape sequence: \\{other}."))),
            };
            if let Some(c) = simple {
                if pending_high.take().is_some() {
                    text.push('\u{FFFD}');
                }
                text.push(c);
                continue;
            }
            let hex: String = self
                .chars
                .get(self.pos..self.pos + 4)
                .unwrap_or_default()
                .iter()
                .collect();
            let unit = u16::from_str_radix(&hex, 16)
                .map_err(|_| self.error(&format!("Invalid Unicode escape sequence: \\u{hex}.")))?;
            self.pos += 4;
            match (pending_high.take(), unit) {
                (Some(high), 0xDC00..=0xDFFF) => {
                    text.push_str(&String::from_utf16_lossy(&[high, unit]));
                }
                (previous, 0xD800..=0xDBFF) => {
                    if previous.is_some() {
                        text.push('\u{FFFD}');
                    }
                    pending_high = Some(unit);
                }
                (previous, _) => {
                    if previous.is_some() {
                        text.push('\u{FFFD}');
                    }
                    text.push_str(&String::from_utf16_lossy(&[unit]));
                }
            }
        }
    }

    fn string_value(&self, text: String) -> JValue {
        if self.dates
            && let Some(date) = iso_date(&text)
        {
            return date;
        }
        // .NET has one empty string; reference comparisons with `string.Empty` depend on it.
        JValue::String(if text.is_empty() {
            crate::value::empty_str()
        } else {
            Arc::from(text)
        })
    }

    fn number(&mut self) -> Result<JToken, JsonError> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E'))
        {
            self.pos += 1;
        }
        let text: String = self
            .chars
            .get(start..self.pos)
            .unwrap_or_default()
            .iter()
            .collect();
        let is_float = text.contains(['.', 'e', 'E']);
        if is_float {
            return text
                .parse::<f64>()
                .map(|value| new_value(JValue::Float(value)))
                .map_err(|_| self.error(&format!("Input string '{text}' is not a valid number.")));
        }
        match text.parse::<i64>() {
            Ok(value) => Ok(new_value(JValue::Integer(value))),
            Err(_) => text
                .parse::<i128>()
                .map(|value| new_value(JValue::BigInteger(value)))
                .map_err(|_| self.error(&format!("Input string '{text}' is not a valid integer."))),
        }
    }
}

/// Newtonsoft's ISO-8601 date detection (`DateTimeZoneHandling.RoundtripKind`): `Z` gives a
/// UTC date, an offset a local date (here: the instant in UTC with kind `Local`), none an
/// unspecified one. Only the full `yyyy-MM-ddTHH:mm:ss[.f…][Z|±hh:mm]` shape counts.
pub fn iso_date(text: &str) -> Option<JValue> {
    let bytes = text.as_bytes();
    if bytes.len() < 19
        || bytes.get(10) != Some(&b'T')
        || !bytes.first().is_some_and(u8::is_ascii_digit)
    {
        return None;
    }
    time::parse_date_roundtrip(text).map(JValue::Date)
}

#[cfg(test)]
mod tests {
    use super::super::{TokenType, get, write_string};
    use super::*;

    #[test]
    fn lenient_syntax() {
        let token = parse(
            "{ // comment\n a: 'x', \"b\": [1, 2.5, true, null] /* end */ }",
            true,
        )
        .unwrap();
        assert_eq!(
            write_string(&token, false),
            r#"{"a":"x","b":[1,2.5,true,null]}"#
        );
    }

    #[test]
    fn numbers_keep_their_kind() {
        let token = parse(r#"[1, 1.0, 12345678901234567890, -0.5e2]"#, true).unwrap();
        assert_eq!(
            write_string(&token, false),
            "[1,1.0,12345678901234567890,-50.0]"
        );
    }

    #[test]
    fn iso_strings_become_dates() {
        let token = parse(r#"{"d":"2020-01-02T10:00:00Z","s":"2020-01-02"}"#, true).unwrap();
        assert_eq!(get(&token, "d").unwrap().token_type(), TokenType::Date);
        assert_eq!(get(&token, "s").unwrap().token_type(), TokenType::String);
        let token = parse(r#"{"d":"2020-01-02T10:00:00Z"}"#, false).unwrap();
        assert_eq!(get(&token, "d").unwrap().token_type(), TokenType::String);
    }

    #[test]
    fn errors_have_newtonsoft_positions() {
        let error = parse("{\"a\":1}x", true).unwrap_err();
        assert!(error.message.starts_with("Additional text"), "{error}");
        let error = parse("{\"a\":}", true).unwrap_err();
        assert_eq!((error.line, error.position), (1, 5));
        assert!(parse("[", true).is_err());
        assert!(parse(&"[".repeat(1000), true).is_err());
    }
}
