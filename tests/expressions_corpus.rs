//! Every expression of the corpus, through the expression stages.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use gatehouse_expr_syntax::{SyntaxLimits, parse};
use gatehouse_reader::{ReadOptions, read};
use gatehouse_tests::{corpus_dir, corpus_expressions, xml_files};

#[test]
fn all_470_corpus_expressions_parse() {
    let expressions = corpus_expressions(&["toolkit", "snippets"]);
    assert_eq!(expressions.len(), 470);
    let failures: Vec<String> = expressions
        .iter()
        .filter_map(|e| {
            parse(&e.code, e.form, &SyntaxLimits::default())
                .err()
                .map(|d| {
                    format!(
                        "{}:{}: {} ({:?})\n    {}",
                        e.file,
                        e.line,
                        d.message,
                        d.help,
                        e.code.lines().next().unwrap_or_default()
                    )
                })
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Not an assertion: prints every member name the corpus uses, for planning. Run with
/// `cargo test -p gatehouse-tests --test expressions_corpus member_census -- --ignored --nocapture`.
#[test]
#[ignore = "a census for planning, not a check"]
fn member_census() {
    use std::collections::BTreeMap;
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    for e in corpus_expressions(&["toolkit", "snippets"]) {
        let body = parse(&e.code, e.form, &SyntaxLimits::default()).unwrap();
        let tree = gatehouse_expr_syntax::sexpr::body(&body);
        for word in tree.split(['(', ')', ' ']) {
            if word.chars().next().is_some_and(char::is_uppercase) {
                *names.entry(word.to_owned()).or_default() += 1;
            }
        }
    }
    for (name, count) in names {
        println!("{count:5} {name}");
    }
}

/// The checker over the corpus: at least 98% of the expressions check clean; the rest are
/// listed with their diagnostics.
#[test]
fn corpus_expressions_check() {
    use gatehouse_diagnostics::LineIndex;
    let mut stats = gatehouse_expr::document::ExpressionStats::default();
    let mut unclean = Vec::new();
    for folder in ["toolkit", "snippets"] {
        for path in xml_files(&corpus_dir().join(folder)) {
            let output = read(&std::fs::read(&path).unwrap(), &ReadOptions::default());
            let document = &output.document;
            let index = LineIndex::new(document.source());
            for located in gatehouse_expr::document::locate(document) {
                stats.found += 1;
                let slot = gatehouse_expr::document::slot_for(&located.place);
                let checked =
                    gatehouse_expr::document::check_expression(document, located.expression, &slot);
                stats.parsed += usize::from(checked.parsed);
                stats.checked += usize::from(checked.compiled.is_some());
                if checked.compiled.is_none() {
                    let reasons: Vec<String> = checked
                        .diagnostics
                        .iter()
                        .map(|d| {
                            let (start, _) = index.span_positions(document.source(), d.span);
                            format!(
                                "{}:{} {} {}",
                                start.line,
                                start.column,
                                d.code.id(),
                                d.message
                            )
                        })
                        .collect();
                    unclean.push(format!(
                        "{}/{}: {}",
                        folder,
                        path.file_name().unwrap().to_string_lossy(),
                        reasons.join("; ")
                    ));
                }
            }
        }
    }
    eprintln!(
        "found {} parsed {} checked {}",
        stats.found, stats.parsed, stats.checked
    );
    for line in &unclean {
        eprintln!("  {line}");
    }
    assert_eq!(stats.found, 470);
    assert_eq!(stats.parsed, 470);
    assert!(
        stats.checked * 100 >= stats.found * 98,
        "only {} of {} check clean",
        stats.checked,
        stats.found
    );
}
