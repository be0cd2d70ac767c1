//! XML name rules (XML 1.0 fifth edition, simplified: any non-ASCII letter is accepted).

pub(crate) fn is_name_start_byte(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || byte == b'_' || byte == b':' || !byte.is_ascii()
}

/// A byte that may continue a name (ASCII rules; any non-ASCII byte is accepted).
pub(crate) fn is_name_byte(byte: u8) -> bool {
    is_name_start_byte(byte) || byte.is_ascii_digit() || byte == b'-' || byte == b'.'
}

fn is_name_start_char(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || c == ':' || (!c.is_ascii() && c.is_alphabetic())
}

fn is_name_char(c: char) -> bool {
    is_name_start_char(c)
        || c.is_ascii_digit()
        || c == '-'
        || c == '.'
        || (!c.is_ascii() && c.is_alphanumeric())
}

pub(crate) fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(is_name_start_char) && chars.all(is_name_char)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for valid in ["a", "set-header", "xsl:stylesheet", "_x.1", "été"] {
            assert!(is_valid_name(valid), "{valid}");
        }
        for invalid in ["", "1a", "-a", "a b", "a/", "a$"] {
            assert!(!is_valid_name(invalid), "{invalid}");
        }
    }
}
