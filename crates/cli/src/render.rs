//! Output formats.

use std::io::{self, Write};

use codespan_reporting::diagnostic::{Diagnostic as Report, Label as ReportLabel};
use std::ops::Range;

use codespan_reporting::files::{self, Files, Location, SimpleFile};
use codespan_reporting::term::{self, Config};
use gatehouse_diagnostics::{Diagnostic, Severity};
use serde::Serialize;

use crate::lint::{FileReport, Summary};
use crate::terminal::{self, SafeSource};
use crate::window::Windowed;

/// rustc-style text, then the summary line.
pub(crate) fn human(
    reports: &[FileReport],
    summary: Summary,
    out: &mut dyn Write,
) -> io::Result<()> {
    let config = Config::default();
    for report in reports {
        let source = SafeSource::new(&report.source);
        let path = terminal::escaped(&report.path.display().to_string());
        let whole = SimpleFile::new(path.clone(), source.text.as_str());
        let has_long_lines = Windowed::needed(&source.text);
        for diagnostic in &report.diagnostics {
            let window = if has_long_lines {
                let labels: Vec<Range<usize>> = std::iter::once(diagnostic.span)
                    .chain(diagnostic.labels.iter().map(|label| label.span))
                    .map(|span| source.map_range(span.range()))
                    .collect();
                Windowed::new(&source.text, &labels)
            } else {
                None
            };
            let windowed_file = window
                .as_ref()
                .map(|window| SimpleFile::new(path.clone(), window.text.as_str()));
            let file = ShownFile {
                shown: windowed_file.as_ref().unwrap_or(&whole),
                window: window.as_ref(),
                source: &source,
                report,
            };
            let rendered = term::emit_into_string(&config, &file, &to_report(diagnostic, &file))
                .unwrap_or_else(|error| {
                    format!(
                        "{}: {} (cannot show the source: {error})\n",
                        diagnostic.code,
                        terminal::escaped(&diagnostic.message)
                    )
                });
            out.write_all(rendered.as_bytes())?;
        }
    }
    writeln!(out, "{}", summary_line(summary))
}

/// A policy file as codespan shows it: the escaped text is drawn (its long lines cut down to
/// windows around the diagnostic's labels), but the `file:line:col` it prints is that of the
/// original text, so it agrees with the other formats and editors.
struct ShownFile<'a> {
    shown: &'a SimpleFile<String, &'a str>,
    window: Option<&'a Windowed>,
    source: &'a SafeSource,
    report: &'a FileReport,
}

impl ShownFile<'_> {
    /// Where a byte range of the original text is drawn.
    fn map_range(&self, range: Range<usize>) -> Range<usize> {
        let escaped = self.source.map_range(range);
        match self.window {
            Some(window) => window.map_range(escaped),
            None => escaped,
        }
    }

    /// The offset in the original text of an offset in the drawn text.
    fn unmap(&self, offset: usize) -> usize {
        let escaped = self.window.map_or(offset, |window| window.unmap(offset));
        self.source.unmap(escaped)
    }
}

impl<'a> Files<'a> for ShownFile<'a> {
    type FileId = ();
    type Name = String;
    type Source = &'a str;

    fn name(&'a self, _: ()) -> Result<String, files::Error> {
        Ok(self.shown.name().clone())
    }

    fn source(&'a self, _: ()) -> Result<&'a str, files::Error> {
        Ok(self.shown.source())
    }

    fn line_index(&'a self, id: (), byte_index: usize) -> Result<usize, files::Error> {
        self.shown.line_index(id, byte_index)
    }

    fn line_range(&'a self, id: (), line_index: usize) -> Result<Range<usize>, files::Error> {
        self.shown.line_range(id, line_index)
    }

    fn location(&'a self, _: (), byte_index: usize) -> Result<Location, files::Error> {
        let original = self.unmap(byte_index);
        let offset = u32::try_from(original).unwrap_or(u32::MAX);
        let position = self.report.line_index.line_col(&self.report.source, offset);
        Ok(Location {
            line_number: position.line as usize,
            column_number: position.column as usize,
        })
    }
}

pub(crate) fn summary_line(summary: Summary) -> String {
    let expressions = summary.expressions;
    format!(
        "{}, {}, {}; {} ({} parsed, {} checked)",
        count(summary.files, "file"),
        count(summary.tally.errors, "error"),
        count(summary.tally.warnings, "warning"),
        count(expressions.found, "expression"),
        expressions.parsed,
        expressions.checked
    )
}

/// `1 file`, `2 files`, `0 files`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The diagnostic as codespan shows it, over the escaped source: messages can quote the
/// policy, so they are escaped too.
fn to_report(diagnostic: &Diagnostic, file: &ShownFile<'_>) -> Report<()> {
    let report = match diagnostic.severity {
        Severity::Error => Report::error(),
        Severity::Warning => Report::warning(),
    };
    let mut labels = vec![ReportLabel::primary(
        (),
        file.map_range(diagnostic.span.range()),
    )];
    labels.extend(diagnostic.labels.iter().map(|label| {
        ReportLabel::secondary((), file.map_range(label.span.range()))
            .with_message(terminal::escaped(&label.message))
    }));
    let mut report = report
        .with_code(diagnostic.code.id())
        .with_message(terminal::escaped(&diagnostic.message))
        .with_labels(labels);
    if let Some(help) = &diagnostic.help {
        report = report.with_note(format!("help: {}", terminal::escaped(help)));
    }
    report
}

#[derive(Serialize)]
struct JsonOutput<'a> {
    summary: JsonSummary,
    files: Vec<JsonFile<'a>>,
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    errors: usize,
    warnings: usize,
    expressions: JsonExpressions,
}

/// How far the expressions got: found by the reader, parsed as C#, checked with no errors.
#[derive(Serialize)]
struct JsonExpressions {
    found: usize,
    parsed: usize,
    checked: usize,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    path: String,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

/// Field names are a public interface: later versions add fields, never rename these.
#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    severity: &'static str,
    message: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    help: Option<&'a str>,
}

/// One JSON document with every file, including files without problems.
pub(crate) fn json(
    reports: &[FileReport],
    summary: Summary,
    out: &mut dyn Write,
) -> io::Result<()> {
    let files = reports
        .iter()
        .map(|report| JsonFile {
            path: report.path.display().to_string(),
            diagnostics: report
                .diagnostics
                .iter()
                .map(|diagnostic| {
                    let (start, end) = report
                        .line_index
                        .span_positions(&report.source, diagnostic.span);
                    JsonDiagnostic {
                        code: diagnostic.code.id(),
                        severity: diagnostic.severity.as_str(),
                        message: &diagnostic.message,
                        line: start.line,
                        column: start.column,
                        end_line: end.line,
                        end_column: end.column,
                        help: diagnostic.help.as_deref(),
                    }
                })
                .collect(),
        })
        .collect();
    let output = JsonOutput {
        summary: JsonSummary {
            files: summary.files,
            errors: summary.tally.errors,
            warnings: summary.tally.warnings,
            expressions: JsonExpressions {
                found: summary.expressions.found,
                parsed: summary.expressions.parsed,
                checked: summary.expressions.checked,
            },
        },
        files,
    };
    serde_json::to_writer_pretty(&mut *out, &output).map_err(io::Error::other)?;
    writeln!(out)
}

/// GitHub Actions workflow commands: one annotation per diagnostic, then the summary line.
pub(crate) fn github(
    reports: &[FileReport],
    summary: Summary,
    out: &mut dyn Write,
) -> io::Result<()> {
    for report in reports {
        let file = escape_property(&report.path.display().to_string());
        for diagnostic in &report.diagnostics {
            let (start, end) = report
                .line_index
                .span_positions(&report.source, diagnostic.span);
            let level = match diagnostic.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            // GitHub's log viewer interprets ANSI escapes too.
            let mut message = terminal::escaped(&diagnostic.message);
            if let Some(help) = &diagnostic.help {
                message.push_str("\nhelp: ");
                message.push_str(&terminal::escaped(help));
            }
            writeln!(
                out,
                "::{level} file={file},line={},col={},endLine={},endColumn={},title={}::{}",
                start.line,
                start.column,
                end.line,
                end.column,
                diagnostic.code.id(),
                escape_data(&message)
            )?;
        }
    }
    writeln!(out, "{}", summary_line(summary))
}

/// Workflow-command escaping of the message part.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Workflow-command escaping of a property value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// SARIF 2.1.0: one run, every rule in the driver, one result per diagnostic.
pub(crate) fn sarif(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    use gatehouse_diagnostics::Code;
    use serde_json::json;

    let rules: Vec<serde_json::Value> = Code::ALL
        .iter()
        .map(|code| {
            let info = code.info();
            json!({
                "id": info.id,
                "name": info.name,
                "shortDescription": { "text": info.summary },
                "fullDescription": { "text": info.explanation },
                "defaultConfiguration": { "level": sarif_level(info.default_severity) },
            })
        })
        .collect();
    let mut results = Vec::new();
    for report in reports {
        let uri = report.path.display().to_string().replace('\\', "/");
        for diagnostic in &report.diagnostics {
            let (start, end) = report
                .line_index
                .span_positions(&report.source, diagnostic.span);
            let mut text = diagnostic.message.clone();
            if let Some(help) = &diagnostic.help {
                text.push_str(" (help: ");
                text.push_str(help);
                text.push(')');
            }
            let rule_index = Code::ALL
                .iter()
                .position(|c| *c == diagnostic.code)
                .unwrap_or(0);
            results.push(json!({
                "ruleId": diagnostic.code.id(),
                "ruleIndex": rule_index,
                "level": sarif_level(diagnostic.severity),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri },
                        "region": {
                            "startLine": start.line,
                            "startColumn": start.column,
                            "endLine": end.line,
                            "endColumn": end.column,
                        }
                    }
                }],
            }));
        }
    }
    let document = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "gatehouse",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://example.invalid/gatehouse",
                    "rules": rules,
                }
            },
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &document).map_err(io::Error::other)?;
    writeln!(out)
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}
