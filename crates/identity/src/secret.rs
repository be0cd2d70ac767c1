use std::fmt;

/// Text that must never be printed: access tokens, client assertions, identity headers.
///
/// `Debug` and `Display` print `[redacted]`, so a token cannot reach a log line, a trace or an
/// error message by accident; [`SecretString::expose`] is the one explicit way to read it.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(Box<str>);

impl SecretString {
    pub fn new(text: impl Into<String>) -> Self {
        SecretString(text.into().into_boxed_str())
    }

    /// The secret text, for the one place that must send it (an `Authorization` header).
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_formats_its_text() {
        let secret = SecretString::new("eyJhbGciOi.secret");
        assert_eq!(format!("{secret}"), "[redacted]");
        assert_eq!(format!("{secret:?}"), "[redacted]");
        assert_eq!(format!("{:?}", Some(secret.clone())), "Some([redacted])");
        assert_eq!(secret.expose(), "eyJhbGciOi.secret");
    }
}
