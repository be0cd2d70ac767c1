//! Replays the fuzz corpora through the fuzz targets' checks, with no fuzzing engine: every
//! input the fuzzer kept, every input that ever crashed a target, and the shared corpus that
//! seeds it.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};

use gatehouse_tests::oracle::{load_cases, oracle_dir};
use gatehouse_tests::{corpus_dir, corpus_expressions, workspace_dir};

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.is_file() && !path.ends_with(".gitkeep"))
        .collect();
    files.sort();
    files
}

fn replay(dirs: &[PathBuf]) -> usize {
    let mut count = 0;
    for dir in dirs {
        for path in files_in(dir) {
            let input = std::fs::read(&path).unwrap();
            if let Err(violation) = gatehouse_reader::check_read(&input) {
                panic!("{}: {violation}", path.display());
            }
            count += 1;
        }
    }
    count
}

#[test]
fn reader_target_corpus_and_regressions() {
    let fuzz = workspace_dir().join("fuzz");
    let replayed = replay(&[
        fuzz.join("corpus/reader"),
        fuzz.join("regressions/reader"),
        corpus_dir().join("toolkit"),
        corpus_dir().join("snippets"),
        corpus_dir().join("defective"),
    ]);
    // The shared corpus alone has 123 files (121 documents and 2 licence files).
    assert!(replayed >= 123, "only {replayed} inputs replayed");
}

#[test]
fn lint_target_corpus_regressions_and_seeds() {
    let fuzz = workspace_dir().join("fuzz");
    let lint_tests = workspace_dir().join("crates/lint/tests");
    let mut replayed = 0;
    for dir in [
        fuzz.join("corpus/lint"),
        fuzz.join("regressions/lint"),
        lint_tests.join("fixtures"),
        lint_tests.join("defects"),
        corpus_dir().join("toolkit"),
        corpus_dir().join("snippets"),
        corpus_dir().join("defective"),
    ] {
        for path in files_in(&dir) {
            let input = std::fs::read(&path).unwrap();
            if let Err(violation) = gatehouse_lint::invariants::check_lint(&input) {
                panic!("{}: {violation}", path.display());
            }
            replayed += 1;
        }
    }
    assert!(replayed >= 900, "only {replayed} inputs replayed");
}

/// The fixture the `expr` fuzz target evaluates against (it includes the same file).
fn expr_fixture() -> String {
    std::fs::read_to_string(oracle_dir().join("fixtures/default.json")).unwrap()
}

#[test]
fn expr_target_corpus_and_regressions() {
    let fuzz = workspace_dir().join("fuzz");
    let fixture = expr_fixture();
    let mut replayed = 0;
    for dir in [fuzz.join("corpus/expr"), fuzz.join("regressions/expr")] {
        for path in files_in(&dir) {
            let input = std::fs::read(&path).unwrap();
            if let Err(violation) =
                gatehouse_expr::invariants::check_expression_input(&input, &fixture)
            {
                panic!("{}: {violation}", path.display());
            }
            replayed += 1;
        }
    }
    assert!(replayed >= 100, "only {replayed} inputs replayed");
}

/// The target's seeds: every conformance case and every corpus expression, through the same
/// check.
#[test]
fn expr_target_seeds() {
    let fixture = expr_fixture();
    let cases = load_cases().unwrap();
    let expressions = corpus_expressions(&["toolkit", "snippets", "defective"]);
    let mut violations = Vec::new();
    for (name, code) in cases
        .iter()
        .map(|case| (format!("{}/{}", case.area, case.name), case.code.clone()))
        .chain(
            expressions
                .iter()
                .map(|e| (format!("{}:{}", e.file, e.line), e.code.clone())),
        )
    {
        if let Err(violation) =
            gatehouse_expr::invariants::check_expression_input(code.as_bytes(), &fixture)
        {
            violations.push(format!("{name}: {violation}"));
        }
    }
    assert!(
        violations.is_empty(),
        "{} violations:\n{}",
        violations.len(),
        violations.join("\n")
    );
    assert!(cases.len() + expressions.len() >= 1400);
}

/// Writes the `expr` target's seeds (the conformance cases and the corpus expressions, one per
/// file) into the folder `GATEHOUSE_SEEDS` names, for `cargo fuzz run expr`.
#[test]
#[ignore = "a tool for fuzzing runs, not a check"]
fn write_expr_seeds() {
    let dir = PathBuf::from(std::env::var_os("GATEHOUSE_SEEDS").expect("set GATEHOUSE_SEEDS"));
    std::fs::create_dir_all(&dir).unwrap();
    let cases = load_cases().unwrap();
    let expressions = corpus_expressions(&["toolkit", "snippets", "defective"]);
    let codes = cases
        .iter()
        .map(|case| case.code.clone())
        .chain(expressions.into_iter().map(|e| e.code));
    for (index, code) in codes.enumerate() {
        std::fs::write(dir.join(format!("seed-{index:04}")), code).unwrap();
    }
}
