//! Helpers shared by the end-to-end tests.

// Test support: a precondition that does not hold fails the test that asked for it.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

pub mod identity;
pub mod oracle;

use std::path::{Path, PathBuf};

/// The directory of the workspace.
pub fn workspace_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}

/// The shared policy corpus (`../shared/corpus` beside the checkout), or the directory named
/// by `GATEHOUSE_CORPUS`. The tests use it in place; it is never copied into the repository.
pub fn corpus_dir() -> PathBuf {
    match std::env::var_os("GATEHOUSE_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => workspace_dir().join("..").join("shared").join("corpus"),
    }
}

/// The `*.xml` files directly in `dir`, sorted.
pub fn xml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "xml"))
            .collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files
}

/// The output of one run of the `gatehouse` command, in-process.
#[derive(Debug)]
pub struct Run {
    pub status: u8,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `gatehouse ARGS…` in-process with the real argument parser and writers.
pub fn gatehouse<S: AsRef<str>>(args: &[S]) -> Run {
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let argv = std::iter::once("gatehouse").chain(args.iter().map(AsRef::as_ref));
    let status = gatehouse_cli::run(argv, &mut stdout, &mut stderr);
    Run {
        status,
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// One expression of a corpus document: its file, line, form and code.
#[derive(Debug, Clone)]
pub struct CorpusExpression {
    pub file: String,
    pub line: usize,
    pub form: gatehouse_expr_syntax::Form,
    pub code: String,
}

/// Every expression in the `*.xml` files of the named corpus folders, in file order.
pub fn corpus_expressions(folders: &[&str]) -> Vec<CorpusExpression> {
    let mut found = Vec::new();
    for folder in folders {
        for path in xml_files(&corpus_dir().join(folder)) {
            let output = gatehouse_reader::read(
                &std::fs::read(&path).unwrap(),
                &gatehouse_reader::ReadOptions::default(),
            );
            let document = &output.document;
            for expression in document.expressions() {
                let line = document.source()[..expression.span.start as usize]
                    .lines()
                    .count();
                found.push(CorpusExpression {
                    file: path.file_name().unwrap().to_string_lossy().into_owned(),
                    line,
                    form: match expression.kind {
                        gatehouse_reader::ExpressionKind::Inline => {
                            gatehouse_expr_syntax::Form::Inline
                        }
                        gatehouse_reader::ExpressionKind::Block => {
                            gatehouse_expr_syntax::Form::Block
                        }
                    },
                    code: expression.code(document).to_owned(),
                });
            }
        }
    }
    found
}

/// Every diagnostic of a lint run as `file:line:column code`, sorted.
pub fn diagnostic_lines(output: &serde_json::Value) -> Vec<String> {
    let mut lines: Vec<String> = output["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|file| {
            let path = file["path"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_owned();
            file["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |d| {
                    format!(
                        "{path}:{}:{} {} {}",
                        d["line"].as_u64().unwrap(),
                        d["column"].as_u64().unwrap(),
                        d["code"].as_str().unwrap(),
                        d["message"].as_str().unwrap()
                    )
                })
        })
        .collect();
    lines.sort();
    lines
}
