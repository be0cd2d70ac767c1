//! The seeded-defect suite: each document has exactly one defect, and lint must report
//! exactly that code at exactly that position, and nothing else.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::PathBuf;

use gatehouse_diagnostics::{Code, LineIndex};
use gatehouse_lint::{ExportEntities, LintOptions, lint};
use gatehouse_model::Scope;

struct Expectation {
    code: Code,
    line: u32,
    column: u32,
    scope: Option<Scope>,
}

/// `<!-- expect GH0203 at 6:10 scope=product -->`
fn expectation(source: &str) -> Option<Expectation> {
    let first = source.lines().next()?;
    let inner = first.strip_prefix("<!-- expect ")?.strip_suffix(" -->")?;
    let mut words = inner.split_whitespace();
    let code = Code::lookup(words.next()?)?;
    if words.next()? != "at" {
        return None;
    }
    let (line, column) = words.next()?.split_once(':')?;
    let scope = words
        .next()
        .and_then(|w| w.strip_prefix("scope="))
        .and_then(Scope::parse);
    Some(Expectation {
        code,
        line: line.parse().ok()?,
        column: column.parse().ok()?,
        scope,
    })
}

#[test]
fn each_seeded_defect_is_reported_exactly_once_where_it_is() {
    let directory = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/defects");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&directory)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 40, "only {} seeded defects", paths.len());
    let mut failures = Vec::new();
    let mut codes = std::collections::BTreeSet::new();
    for path in &paths {
        let bytes = std::fs::read(path).unwrap();
        let source = String::from_utf8_lossy(&bytes);
        let expected = expectation(&source)
            .unwrap_or_else(|| panic!("{} has no `<!-- expect … -->` first line", path.display()));
        codes.insert(expected.code);
        let options = LintOptions {
            scope: Some(expected.scope.unwrap_or(Scope::Api)),
            // The backends of the instance the documents are written for.
            entities: ExportEntities {
                backends: Some(
                    [
                        "content-safety",
                        "docint-backend",
                        "embeddings-backend",
                        "orders-primary",
                        "orders-secondary",
                    ]
                    .map(str::to_owned)
                    .into(),
                ),
                loggers: Some(["audit", "l"].map(str::to_owned).into()),
            },
            ..LintOptions::default()
        };
        let linted = lint(path, &bytes, &options);
        let index = LineIndex::new(&linted.source);
        let found: Vec<(Code, u32, u32)> = linted
            .diagnostics
            .iter()
            .map(|d| {
                let (start, _) = index.span_positions(&linted.source, d.span);
                (d.code, start.line, start.column)
            })
            .collect();
        let wanted = vec![(expected.code, expected.line, expected.column)];
        if found != wanted {
            failures.push(format!(
                "{}: expected {:?}, got {:?}",
                path.file_name().unwrap().to_string_lossy(),
                wanted,
                found
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    assert!(codes.len() >= 40, "only {} distinct codes", codes.len());
}
