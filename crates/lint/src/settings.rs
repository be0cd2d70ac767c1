//! `gatehouse.toml`: turn rules off or change their severity.
//!
//! ```toml
//! [rules]
//! GH0214 = "off"            # by code
//! variable-never-set = "error"  # or by name
//! ```

use std::collections::BTreeMap;

use gatehouse_diagnostics::{Code, Diagnostic, Severity};
use serde::Deserialize;

/// Per-code severity overrides; `None` turns the code off.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    overrides: BTreeMap<Code, Option<Severity>>,
}

/// A configuration file that cannot be used, with the reason.
#[derive(Debug, PartialEq, Eq)]
pub struct SettingsError(pub String);

impl std::fmt::Display for SettingsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    rules: BTreeMap<String, String>,
}

impl Settings {
    pub fn parse(text: &str) -> Result<Settings, SettingsError> {
        let file: File =
            toml::from_str(text).map_err(|e| SettingsError(e.to_string().trim().to_owned()))?;
        let mut overrides = BTreeMap::new();
        for (key, level) in file.rules {
            let code = Code::lookup(&key).ok_or_else(|| {
                SettingsError(format!(
                    "`{key}` is not a rule code or name (see `gatehouse rules`)"
                ))
            })?;
            let severity = match level.as_str() {
                "off" => None,
                "warning" | "warn" => Some(Severity::Warning),
                "error" => Some(Severity::Error),
                other => {
                    return Err(SettingsError(format!(
                        "`{key} = \"{other}\"`: the level must be \"off\", \"warning\" or \"error\""
                    )));
                }
            };
            overrides.insert(code, severity);
        }
        Ok(Settings { overrides })
    }

    pub fn set(&mut self, code: Code, severity: Option<Severity>) {
        self.overrides.insert(code, severity);
    }

    pub(crate) fn apply(&self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        if self.overrides.is_empty() {
            return diagnostics;
        }
        diagnostics
            .into_iter()
            .filter_map(|diagnostic| match self.overrides.get(&diagnostic.code) {
                None => Some(diagnostic),
                Some(None) => None,
                Some(Some(severity)) => Some(diagnostic.with_severity(*severity)),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_and_names() {
        let settings =
            Settings::parse("[rules]\nGH0214 = \"off\"\nvariable-never-set = \"error\"\n");
        let mut expected = Settings::default();
        expected.set(Code::MissingBase, None);
        expected.set(Code::VariableNeverSet, Some(Severity::Error));
        assert_eq!(settings, Ok(expected));
    }

    #[test]
    fn refuses_unknown_codes_and_levels() {
        assert!(Settings::parse("[rules]\nGH9999 = \"off\"").is_err());
        assert!(Settings::parse("[rules]\nGH0214 = \"loud\"").is_err());
        assert!(Settings::parse("[rulez]\n").is_err());
    }
}
