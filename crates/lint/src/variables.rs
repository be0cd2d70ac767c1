//! Which `context.Variables` names expressions read, found in the code text.
//!
//! A syntactic scan is enough here: variable names are almost always string literals at
//! the access (`context.Variables["name"]`, `GetValueOrDefault<string>("name")`).

/// How an expression touches a variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Access {
    /// `Variables["x"]`, `GetValueOrDefault("x")`: expects the variable to exist.
    Read,
    /// `ContainsKey("x")`, `TryGetValue("x", …)`: checks for it.
    Probe,
}

/// `(name, byte offset of the name's opening quote in code, access)`.
pub(crate) fn accesses(code: &str) -> Vec<(String, usize, Access)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = code.get(from..).and_then(|rest| rest.find("Variables")) {
        let start = from + at;
        from = start + "Variables".len();
        let rest = code.get(from..).unwrap_or_default();
        let trimmed = rest.trim_start();
        let skipped = rest.len() - trimmed.len();
        let (access, after) = if let Some(after) = trimmed.strip_prefix('[') {
            (Access::Read, after)
        } else if let Some(after) = trimmed.strip_prefix('.') {
            let method_end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            let method = after.get(..method_end).unwrap_or_default();
            let access = match method {
                "GetValueOrDefault" => Access::Read,
                "ContainsKey" | "TryGetValue" => Access::Probe,
                _ => continue,
            };
            let mut tail = after.get(method_end..).unwrap_or_default().trim_start();
            if let Some(generic) = tail.strip_prefix('<') {
                let Some(close) = generic.find('>') else {
                    continue;
                };
                tail = generic.get(close + 1..).unwrap_or_default().trim_start();
            }
            let Some(tail) = tail.strip_prefix('(') else {
                continue;
            };
            (access, tail)
        } else {
            continue;
        };
        let argument = after.trim_start();
        let Some(literal) = argument.strip_prefix('"') else {
            continue;
        };
        let Some(close) = literal.find('"') else {
            continue;
        };
        let name = literal.get(..close).unwrap_or_default();
        if name.is_empty() || name.contains('\\') {
            continue;
        }
        let quote = from + skipped + (trimmed.len() - after.len()) + (after.len() - argument.len());
        found.push((name.to_owned(), quote, access));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_reads_and_probes() {
        let code = r#"(string)context.Variables["a"] + context.Variables.GetValueOrDefault<string>("b", "") + context.Variables.ContainsKey("c") + context.Variables.GetValueOrDefault("d")"#;
        let names: Vec<(String, Access)> =
            accesses(code).into_iter().map(|(n, _, a)| (n, a)).collect();
        assert_eq!(
            names,
            vec![
                ("a".to_owned(), Access::Read),
                ("b".to_owned(), Access::Read),
                ("c".to_owned(), Access::Probe),
                ("d".to_owned(), Access::Read),
            ]
        );
        let at = accesses(code).first().map_or(0, |(_, at, _)| *at);
        assert_eq!(code.get(at..at + 3), Some("\"a\""));
    }

    #[test]
    fn ignores_computed_names() {
        assert!(accesses(r#"context.Variables[name] + context.Variables.Count"#).is_empty());
    }
}
