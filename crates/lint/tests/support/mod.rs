//! Shared by the lint crate's rule tests.

use std::path::Path;

use gatehouse_diagnostics::Code;
use gatehouse_lint::{LintOptions, lint};

/// The codes `lint` reports for `source` (linted as `policy.xml`), in order.
pub fn lint_codes(source: &str, options: &LintOptions) -> Vec<Code> {
    lint(Path::new("policy.xml"), source.as_bytes(), options)
        .diagnostics
        .iter()
        .map(|d| d.code)
        .collect()
}
