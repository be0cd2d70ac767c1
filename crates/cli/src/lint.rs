//! `gatehouse lint`.

use std::io::Write;
use std::path::PathBuf;

use gatehouse_diagnostics::{Diagnostic, LineIndex, Tally};
use gatehouse_expr::document::{ExpressionStats, check_document};
use gatehouse_reader::{ReadOptions, read};

use crate::files::{self, PathProblem};
use crate::render;
use crate::{EXIT_ERRORS, EXIT_OK, EXIT_USAGE};

#[derive(Debug, clap::Args)]
pub struct LintArgs {
    /// Policy files, or directories searched recursively for `*.xml` files.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// How to print the results.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,

    /// Deepest element nesting read before a document is refused.
    #[arg(long, value_name = "LEVELS", default_value_t = ReadOptions::DEFAULT_MAX_DEPTH)]
    pub max_depth: usize,

    /// Largest document read, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = ReadOptions::DEFAULT_MAX_SIZE)]
    pub max_size: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// rustc-style text: position, source line and a caret under the problem.
    Human,
    /// One JSON document for tools.
    Json,
}

/// One linted file.
pub(crate) struct FileReport {
    pub path: PathBuf,
    pub source: String,
    pub line_index: LineIndex,
    pub diagnostics: Vec<Diagnostic>,
}

/// Totals over every linted file.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Summary {
    pub files: usize,
    pub tally: Tally,
    pub expressions: ExpressionStats,
}

pub(crate) fn run(args: &LintArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let options = ReadOptions {
        max_depth: args.max_depth,
        max_size: args.max_size,
    };
    let (paths, mut problems) = files::collect(&args.paths);
    let mut reports = Vec::with_capacity(paths.len());
    let mut expressions = ExpressionStats::default();
    for path in paths {
        match std::fs::read(&path) {
            Ok(bytes) => {
                let output = read(&bytes, &options);
                let source = output.document.source().to_owned();
                let mut diagnostics = output.diagnostics;
                let (stats, found) = check_document(&output.document);
                expressions += stats;
                diagnostics.extend(found);
                diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
                reports.push(FileReport {
                    line_index: LineIndex::new(&source),
                    path,
                    source,
                    diagnostics,
                });
            }
            Err(error) => problems.push(PathProblem {
                reason: files::describe(&error),
                path,
            }),
        }
    }
    let summary = Summary {
        files: reports.len(),
        tally: Tally::of(reports.iter().flat_map(|report| &report.diagnostics)),
        expressions,
    };
    for problem in &problems {
        let _ = writeln!(
            stderr,
            "error: cannot read `{}`: {}",
            problem.path.display(),
            problem.reason
        );
    }
    let written = match args.format {
        OutputFormat::Human => render::human(&reports, summary, stdout),
        OutputFormat::Json => render::json(&reports, summary, stdout),
    };
    if let Err(error) = written {
        let _ = writeln!(stderr, "error: cannot write the results: {error}");
        return EXIT_USAGE;
    }
    if !problems.is_empty() {
        EXIT_USAGE
    } else if summary.tally.errors > 0 {
        EXIT_ERRORS
    } else {
        EXIT_OK
    }
}
