//! The `gatehouse` command line. The only crate that knows output formats: the stages below
//! it return plain diagnostics, and this crate renders them for people (rustc-style) or for
//! machines (JSON).

mod files;
mod identity;
mod lint;
mod render;
mod terminal;
mod window;

use std::ffi::OsString;
use std::io::Write;

use clap::{Parser, Subcommand};

pub use lint::{LintArgs, OutputFormat};

/// Exit status: no errors found.
pub const EXIT_OK: u8 = 0;
/// Exit status: the policies have errors.
pub const EXIT_ERRORS: u8 = 1;
/// Exit status: the command could not do its job (bad usage, unreadable paths).
pub const EXIT_USAGE: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "gatehouse",
    version,
    about = "Lint, test and run Azure API Management policies offline"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check policy files and report every problem found.
    Lint(LintArgs),
    /// Explain a diagnostic code: why the rule exists and how to fix what it reports.
    Explain {
        /// A code (`GH0214`) or its name (`missing-base`).
        code: String,
    },
    /// List every diagnostic code with its default severity and summary.
    Rules,
    /// Managed identity tools.
    #[command(subcommand)]
    Identity(identity::IdentityCommand),
}

/// Runs the command line `args` (the first item is the program name) and returns the exit
/// status. Output goes to the given writers, so tests can run the real command in-process.
pub fn run<I, T>(args: I, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let rendered = error.render().to_string();
            let target: &mut dyn Write = if error.use_stderr() { stderr } else { stdout };
            let _ = target.write_all(rendered.as_bytes());
            return u8::try_from(error.exit_code()).unwrap_or(EXIT_USAGE);
        }
    };
    match cli.command {
        Command::Lint(args) => lint::run(&args, stdout, stderr),
        Command::Explain { code } => explain(&code, stdout, stderr),
        Command::Rules => rules(stdout),
        Command::Identity(command) => identity::run(command, stdout, stderr),
    }
}

fn explain(key: &str, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let Some(code) = gatehouse_diagnostics::Code::lookup(key) else {
        let _ = writeln!(
            stderr,
            "error: `{key}` is not a diagnostic code or name; `gatehouse rules` lists them"
        );
        return EXIT_USAGE;
    };
    let info = code.info();
    let _ = writeln!(
        stdout,
        "{} ({}, {} by default): {}\n\n{}",
        info.id,
        info.name,
        info.default_severity.as_str(),
        info.summary,
        info.explanation
    );
    EXIT_OK
}

fn rules(stdout: &mut dyn Write) -> u8 {
    for code in gatehouse_diagnostics::Code::ALL {
        let info = code.info();
        let _ = writeln!(
            stdout,
            "{}  {:<7}  {:<34}  {}",
            info.id,
            info.default_severity.as_str(),
            info.name,
            info.summary
        );
    }
    EXIT_OK
}
