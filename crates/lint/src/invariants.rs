//! What must hold for any input, checked by the `lint` fuzz target and by `cargo test`
//! replaying its corpus: linting never panics (the fuzzer sees a panic as a crash), every
//! diagnostic lies inside the document, and every message follows the diagnostic style.

use std::path::Path;

use gatehouse_diagnostics::Code;

use crate::{LintOptions, lint};

/// Lints `input` as a lone policy file and as an operation in an APIOps layout (which reads
/// no other file unless it exists), and checks every diagnostic.
pub fn check_lint(input: &[u8]) -> Result<(), String> {
    let options = LintOptions::default();
    for path in ["policy.xml", "export/apis/a/operations/o/policy.xml"] {
        let linted = lint(Path::new(path), input, &options);
        let length = u32::try_from(linted.source.len()).unwrap_or(u32::MAX);
        for diagnostic in &linted.diagnostics {
            let span = diagnostic.span;
            if span.start > span.end || span.end > length {
                return Err(format!(
                    "{}: span {}..{} outside the {length}-byte document",
                    diagnostic.code, span.start, span.end
                ));
            }
            if !linted.source.is_char_boundary(span.start as usize)
                || !linted.source.is_char_boundary(span.end as usize)
            {
                return Err(format!("{}: span splits a character", diagnostic.code));
            }
            let message = &diagnostic.message;
            if message.is_empty()
                || message.ends_with('.')
                || message.chars().next().is_some_and(char::is_uppercase)
            {
                return Err(format!(
                    "{}: message `{message}` breaks the style",
                    diagnostic.code
                ));
            }
            if diagnostic.code.id() >= "GH0200" && diagnostic.help.is_none() {
                return Err(format!(
                    "{}: lint diagnostic without a help line",
                    diagnostic.code
                ));
            }
            if !Code::ALL.contains(&diagnostic.code) {
                return Err(format!("{}: not in the code table", diagnostic.code));
            }
        }
    }
    Ok(())
}
