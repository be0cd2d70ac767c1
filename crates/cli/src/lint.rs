//! `gatehouse lint`.

use std::io::Write;
use std::path::PathBuf;

use gatehouse_diagnostics::{Diagnostic, LineIndex, Tally};
use gatehouse_expr::document::ExpressionStats;
use gatehouse_lint::{
    ExportEntities, LintOptions, Settings, lint, load_fragments, load_named_values,
};
use gatehouse_model::Scope;
use gatehouse_reader::ReadOptions;

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

    /// The scope of every file. Without it, an APIOps layout gives each file its scope, and
    /// a lone file is treated as an API's policy.
    #[arg(long, value_enum)]
    pub scope: Option<ScopeArg>,

    /// A folder of fragments `include-fragment` may name: APIOps `policy fragments/<name>/policy.xml`
    /// or `<name>.xml` files. Found automatically in an APIOps export.
    #[arg(long, value_name = "DIR")]
    pub fragments: Option<PathBuf>,

    /// Named values `{{name}}` may name: a JSON object file, or an APIOps `named values`
    /// folder. Found automatically in an APIOps export. Values are never printed.
    #[arg(long, value_name = "PATH")]
    pub named_values: Option<PathBuf>,

    /// Rule settings; by default `gatehouse.toml` in the current directory, if there is one.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Report only these codes: codes (`GH0214`), names (`missing-base`) or code prefixes
    /// (`GH00` reading, `GH01` expressions, `GH02` the policy model and rules), comma-separated.
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub select: Vec<String>,

    /// Do not report these codes (same forms as `--select`).
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// `--deny warnings` makes warnings fail the run (exit status 1) like errors.
    #[arg(long, value_enum, value_name = "WHAT")]
    pub deny: Option<Deny>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Deny {
    Warnings,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ScopeArg {
    Global,
    Workspace,
    Product,
    Api,
    Operation,
}

impl From<ScopeArg> for Scope {
    fn from(scope: ScopeArg) -> Scope {
        match scope {
            ScopeArg::Global => Scope::Global,
            ScopeArg::Workspace => Scope::Workspace,
            ScopeArg::Product => Scope::Product,
            ScopeArg::Api => Scope::Api,
            ScopeArg::Operation => Scope::Operation,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// rustc-style text: position, source line and a caret under the problem.
    Human,
    /// One JSON document for tools.
    Json,
    /// SARIF 2.1.0, for code-scanning services.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…,line=…::`), shown as annotations.
    Github,
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
    let options = match options(args) {
        Ok(options) => options,
        Err(message) => {
            let _ = writeln!(stderr, "error: {message}");
            return EXIT_USAGE;
        }
    };
    let files::Collected {
        files: paths,
        mut problems,
        empty_directories,
    } = files::collect(&args.paths);
    let mut reports = Vec::with_capacity(paths.len());
    let mut expressions = ExpressionStats::default();
    for path in paths {
        match std::fs::read(&path) {
            Ok(bytes) => {
                let linted = lint(&path, &bytes, &options);
                expressions += linted.expressions;
                reports.push(FileReport {
                    line_index: LineIndex::new(&linted.source),
                    path,
                    source: linted.source,
                    diagnostics: linted.diagnostics,
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
    for directory in &empty_directories {
        let _ = writeln!(
            stderr,
            "warning: no policy files (`*.xml`) found under `{}`",
            directory.display()
        );
    }
    let written = match args.format {
        OutputFormat::Human => render::human(&reports, summary, stdout),
        OutputFormat::Json => render::json(&reports, summary, stdout),
        OutputFormat::Sarif => render::sarif(&reports, stdout),
        OutputFormat::Github => render::github(&reports, summary, stdout),
    };
    if let Err(error) = written {
        let _ = writeln!(stderr, "error: cannot write the results: {error}");
        return EXIT_USAGE;
    }
    let denied_warnings = args.deny == Some(Deny::Warnings) && summary.tally.warnings > 0;
    if !problems.is_empty() {
        EXIT_USAGE
    } else if summary.tally.errors > 0 || denied_warnings {
        EXIT_ERRORS
    } else {
        EXIT_OK
    }
}

/// Everything but the files: scope, fragments, named values, settings.
fn options(args: &LintArgs) -> Result<LintOptions, String> {
    let read = ReadOptions {
        max_depth: args.max_depth,
        max_size: args.max_size,
        ..ReadOptions::default()
    };
    let settings = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                format!("cannot read `{}`: {}", path.display(), files::describe(&e))
            })?;
            Settings::parse(&text).map_err(|e| format!("`{}`: {e}", path.display()))?
        }
        None => match std::fs::read_to_string("gatehouse.toml") {
            Ok(text) => Settings::parse(&text).map_err(|e| format!("`gatehouse.toml`: {e}"))?,
            Err(_) => Settings::default(),
        },
    };
    let mut settings = settings;
    if !args.select.is_empty() {
        settings.select(&args.select).map_err(|e| e.to_string())?;
    }
    settings.ignore(&args.ignore).map_err(|e| e.to_string())?;
    // An APIOps export names its fragments and named values in fixed folders.
    let export_folder = |name: &str| args.paths.iter().map(|p| p.join(name)).find(|p| p.is_dir());
    let fragments = match args
        .fragments
        .clone()
        .or_else(|| export_folder("policy fragments"))
    {
        Some(directory) => {
            if !directory.is_dir() {
                return Err(format!(
                    "`{}` is not a folder of fragments",
                    directory.display()
                ));
            }
            let (set, problems) = load_fragments(&directory, &read);
            if let Some(problem) = problems.into_iter().next() {
                return Err(problem);
            }
            Some(set)
        }
        None => None,
    };
    let named_values = match args
        .named_values
        .clone()
        .or_else(|| export_folder("named values"))
    {
        Some(path) => Some(load_named_values(&path)?),
        None => None,
    };
    // Its `backends` and `loggers` folders, when it has them, list what `backend-id` and
    // `logger-id` may name.
    let entities = args
        .paths
        .iter()
        .map(|path| ExportEntities::load(path))
        .find(|entities| !entities.is_empty())
        .unwrap_or_default();
    Ok(LintOptions {
        read,
        scope: args.scope.map(Scope::from),
        fragments,
        named_values,
        entities,
        settings,
        ..LintOptions::default()
    })
}
