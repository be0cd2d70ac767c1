//! One fixture per lint code: each holds violations and non-violations of its rule. The
//! snapshot shows every diagnostic the fixture gets, so a non-violation that starts being
//! reported, or a violation that stops, changes the snapshot.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};

use gatehouse_diagnostics::{Code, LineIndex};
use gatehouse_lint::{ExportEntities, LintOptions, lint, load_fragments};
use gatehouse_model::{NamedValue, NamedValues, Scope};
use gatehouse_reader::ReadOptions;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Codes of the policy model and the lint rules.
fn lint_codes() -> impl Iterator<Item = Code> {
    Code::ALL.iter().copied().filter(|c| c.id() >= "GH0200")
}

/// `<!-- scope: product -->` on the first line sets the scope.
fn scope_of(source: &str) -> Option<Scope> {
    let first = source.lines().next()?;
    let inner = first
        .trim()
        .strip_prefix("<!-- scope:")?
        .strip_suffix("-->")?;
    Scope::parse(inner.trim())
}

fn render(path: &Path, options: &mut LintOptions) -> (String, Vec<Code>) {
    let bytes = std::fs::read(path).unwrap();
    let source = String::from_utf8_lossy(&bytes).into_owned();
    options.scope = scope_of(&source);
    let linted = lint(path, &bytes, options);
    let index = LineIndex::new(&linted.source);
    let mut out = String::new();
    for diagnostic in &linted.diagnostics {
        let (start, _) = index.span_positions(&linted.source, diagnostic.span);
        out.push_str(&format!(
            "{}:{} {} {} {}\n",
            start.line,
            start.column,
            diagnostic.severity.as_str(),
            diagnostic.code,
            diagnostic.message
        ));
        if let Some(help) = &diagnostic.help {
            out.push_str(&format!("    help: {help}\n"));
        }
    }
    (out, linted.diagnostics.iter().map(|d| d.code).collect())
}

/// `known-value`, `limit` and the ids are plain; `svc-password` and `secret-limit` are
/// secrets, whose values must never appear in a snapshot.
fn named_values() -> NamedValues {
    let mut set = NamedValues::default();
    for (name, value, secret) in [
        ("known-value", "known", false),
        ("limit", "ten", false),
        ("tenant-id", "contoso.onmicrosoft.com", false),
        (
            "client-app-id",
            "11111111-2222-3333-4444-555555555555",
            false,
        ),
        ("guide-tenant-id", "your-tenant-id", false),
        ("guide-audience", "api://{api-client-id}", false),
        ("legacy-backend", "{legacy-backend-name}", false),
        ("svc-password", "p4ss", true),
        ("secret-limit", "SECRET-11x", true),
    ] {
        set.insert(
            name,
            NamedValue {
                value: Some(value.to_owned()),
                secret,
            },
        );
    }
    set
}

fn options() -> LintOptions {
    let (fragments, problems) =
        load_fragments(&fixtures().join("fragments"), &ReadOptions::default());
    assert!(problems.is_empty(), "{problems:?}");
    LintOptions {
        fragments: Some(fragments),
        named_values: Some(named_values()),
        // The instance's backends and loggers, as an APIOps export's folders list them.
        entities: ExportEntities {
            backends: Some(
                ["orders-backend", "orders-secondary", "search-backend"]
                    .map(str::to_owned)
                    .into(),
            ),
            loggers: Some(["audit", "l", "known"].map(str::to_owned).into()),
        },
        ..LintOptions::default()
    }
}

#[test]
fn every_lint_code_has_a_fixture_that_triggers_it() {
    let mut options = options();
    let mut missing = Vec::new();
    for code in lint_codes() {
        let path = fixtures().join(format!("{}.xml", code.id()));
        if !path.exists() {
            missing.push(code.id());
            continue;
        }
        let (rendered, codes) = render(&path, &mut options);
        assert!(
            codes.contains(&code),
            "{} does not trigger its own code; it gives:\n{rendered}",
            path.display()
        );
        assert!(!rendered.contains("SECRET-11x") && !rendered.contains("p4ss"));
        insta::assert_snapshot!(code.id(), rendered);
    }
    assert!(missing.is_empty(), "codes without a fixture: {missing:?}");
    assert!(lint_codes().count() >= 40);
}
