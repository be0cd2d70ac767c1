//! Named values: `{{name}}` is replaced by the value as text before anything reads the
//! attribute or runs the expression (APIM does it that way). A named value's own value is
//! never resolved again. Secret values are never shown: messages name the reference instead.

use std::collections::BTreeMap;

/// A value that is one whole policy expression, as a named value may hold
/// (api-management-howto-properties.md: "Named values can also contain policy expressions").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WholeExpression<'t> {
    /// The code between `@(`…`)` or `@{`…`}`.
    pub code: &'t str,
    /// `@{…}`: statements, not one expression.
    pub block: bool,
}

/// `text`, trimmed, as one whole expression, if it is one.
pub fn whole_expression(text: &str) -> Option<WholeExpression<'_>> {
    let text = text.trim();
    if let Some(code) = text.strip_prefix("@(").and_then(|t| t.strip_suffix(')')) {
        return Some(WholeExpression { code, block: false });
    }
    let code = text.strip_prefix("@{").and_then(|t| t.strip_suffix('}'))?;
    Some(WholeExpression { code, block: true })
}

/// One named value. `value` is `None` when it is not known here (a Key Vault reference, or a
/// secret the export left out).
#[derive(Clone, PartialEq, Eq)]
pub struct NamedValue {
    pub value: Option<String>,
    pub secret: bool,
}

impl std::fmt::Debug for NamedValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = match (&self.value, self.secret) {
            (None, _) => "unknown",
            (Some(_), true) => "[redacted]",
            (Some(value), false) => value.as_str(),
        };
        f.debug_struct("NamedValue")
            .field("value", &shown)
            .field("secret", &self.secret)
            .finish()
    }
}

/// The named values of an instance (or a workspace), by display name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NamedValues {
    values: BTreeMap<String, NamedValue>,
}

/// The text after substitution, and whether a secret went into it.
#[derive(Clone, PartialEq, Eq)]
pub struct Substituted {
    pub text: String,
    pub has_secret: bool,
}

impl std::fmt::Debug for Substituted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = if self.has_secret {
            "[redacted]"
        } else {
            self.text.as_str()
        };
        f.debug_struct("Substituted")
            .field("text", &text)
            .field("has_secret", &self.has_secret)
            .finish()
    }
}

impl NamedValues {
    pub fn insert(&mut self, name: impl Into<String>, value: NamedValue) {
        self.values.insert(name.into(), value);
    }

    pub fn contains(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.values.keys().map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Replaces every `{{name}}` in `text`. `None` when a reference names an unknown value
    /// or one whose value is not known here: the result would be a guess.
    pub fn substitute(&self, text: &str) -> Option<Substituted> {
        let mut out = String::with_capacity(text.len());
        let mut has_secret = false;
        let mut rest = text;
        while let Some(open) = rest.find("{{") {
            out.push_str(rest.get(..open)?);
            let after = rest.get(open + 2..)?;
            let name_len: usize = after
                .chars()
                .take_while(|&c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
                .map(char::len_utf8)
                .sum();
            let name = after.get(..name_len)?;
            match after
                .get(name_len..)
                .and_then(|tail| tail.strip_prefix("}}"))
            {
                Some(tail) if !name.is_empty() => {
                    let named = self.values.get(name)?;
                    out.push_str(named.value.as_deref()?);
                    has_secret |= named.secret;
                    rest = tail;
                }
                // Not a reference (`{{` with no name, or never closed): literal text.
                _ => {
                    out.push_str("{{");
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        Some(Substituted {
            text: out,
            has_secret,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> NamedValues {
        let mut values = NamedValues::default();
        values.insert(
            "limit",
            NamedValue {
                value: Some("10".to_owned()),
                secret: false,
            },
        );
        values.insert(
            "key",
            NamedValue {
                value: Some("s3cret".to_owned()),
                secret: true,
            },
        );
        values.insert(
            "vault",
            NamedValue {
                value: None,
                secret: true,
            },
        );
        values.insert(
            "nested",
            NamedValue {
                value: Some("{{limit}}".to_owned()),
                secret: false,
            },
        );
        values
    }

    #[test]
    fn substitutes_textually_once() {
        let values = values();
        let plain = values.substitute("x-{{limit}}-{{limit}}").unwrap();
        assert_eq!(plain.text, "x-10-10");
        assert!(!plain.has_secret);
        // A named value cannot reference another: its text stays as written.
        assert_eq!(values.substitute("{{nested}}").unwrap().text, "{{limit}}");
        assert_eq!(
            values.substitute("{{ not a ref").unwrap().text,
            "{{ not a ref"
        );
        assert!(values.substitute("{{missing}}").is_none());
        assert!(values.substitute("{{vault}}").is_none());
    }

    #[test]
    fn secrets_are_flagged_and_never_debug_printed() {
        let values = values();
        let secret = values.substitute("Bearer {{key}}").unwrap();
        assert!(secret.has_secret);
        assert!(!format!("{secret:?}").contains("s3cret"));
        assert!(!format!("{values:?}").contains("s3cret"));
    }
}
