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

    /// Keeps only the codes matching one of `selectors` (a code, a name, or a code prefix
    /// such as `GH00` for reading or `GH02` for the policy model), as ruff's `--select`:
    /// every other code is turned off.
    pub fn select(&mut self, selectors: &[String]) -> Result<(), SettingsError> {
        let chosen = matching(selectors)?;
        for code in Code::ALL {
            if !chosen.contains(code) {
                self.overrides.insert(*code, None);
            }
        }
        Ok(())
    }

    /// Turns off the codes matching one of `selectors` (as in [`Settings::select`]).
    pub fn ignore(&mut self, selectors: &[String]) -> Result<(), SettingsError> {
        for code in matching(selectors)? {
            self.overrides.insert(code, None);
        }
        Ok(())
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

/// The codes each selector names; a selector that names none is an error.
fn matching(selectors: &[String]) -> Result<Vec<Code>, SettingsError> {
    let mut codes = Vec::new();
    for selector in selectors {
        let found: Vec<Code> = match Code::lookup(selector) {
            Some(code) => vec![code],
            None => Code::ALL
                .iter()
                .copied()
                .filter(|code| {
                    selector.len() >= 2
                        && code
                            .id()
                            .get(..selector.len())
                            .is_some_and(|prefix| prefix.eq_ignore_ascii_case(selector))
                })
                .collect(),
        };
        if found.is_empty() {
            return Err(SettingsError(format!(
                "`{selector}` names no rule: give a code (GH0214), a name (missing-base) or a code prefix (GH02)"
            )));
        }
        codes.extend(found);
    }
    Ok(codes)
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
    fn select_and_ignore_by_prefix_code_or_name() {
        let mut settings = Settings::default();
        settings.select(&["GH00".to_owned()]).unwrap();
        let kept: Vec<Code> = Code::ALL
            .iter()
            .copied()
            .filter(|c| !settings.overrides.contains_key(c))
            .collect();
        assert!(!kept.is_empty() && kept.iter().all(|c| c.id().starts_with("GH00")));
        let mut settings = Settings::default();
        settings
            .ignore(&["missing-base".to_owned(), "GH0216".to_owned()])
            .unwrap();
        assert_eq!(settings.overrides.len(), 2);
        assert!(Settings::default().select(&["GH9".to_owned()]).is_err());
    }

    #[test]
    fn refuses_unknown_codes_and_levels() {
        assert!(Settings::parse("[rules]\nGH9999 = \"off\"").is_err());
        assert!(Settings::parse("[rules]\nGH0214 = \"loud\"").is_err());
        assert!(Settings::parse("[rulez]\n").is_err());
    }
}
