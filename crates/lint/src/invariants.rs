//! What must hold for any input, checked by the `lint` fuzz target and by `cargo test`
//! replaying its corpus: linting never panics (the fuzzer sees a panic as a crash), every
//! diagnostic lies inside the document, and every message follows the diagnostic style.

use std::path::Path;

use gatehouse_diagnostics::Code;
use gatehouse_model::{Block, BuildOptions, FragmentSet, Kind, PolicyDocument, build};
use gatehouse_reader::{ReadOptions, read};

use crate::{LintOptions, lint};

/// Lints `input` as a lone policy file, as an operation in an APIOps layout (which reads
/// no other file unless it exists) and, when it includes fragments, with a fragment set that
/// gives every included name the input's own policies; checks every diagnostic.
pub fn check_lint(input: &[u8]) -> Result<(), String> {
    let lone = LintOptions::default();
    let with_fragments = LintOptions {
        fragments: self_fragments(input),
        ..LintOptions::default()
    };
    let runs = [
        ("policy.xml", &lone),
        ("export/apis/a/operations/o/policy.xml", &lone),
    ];
    let fragment_run = with_fragments
        .fragments
        .is_some()
        .then_some(("policy.xml", &with_fragments));
    for (path, options) in runs.into_iter().chain(fragment_run) {
        let linted = lint(Path::new(path), input, options);
        let length = u32::try_from(linted.source.len()).unwrap_or(u32::MAX);
        for diagnostic in &linted.diagnostics {
            let spans = std::iter::once(diagnostic.span)
                .chain(diagnostic.labels.iter().map(|label| label.span));
            for span in spans {
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

/// For an input that includes fragments: every literal `fragment-id` it names, as a fragment
/// holding all of the input's own top-level policies (so that expansion and the rules that
/// follow fragments run over whatever the fuzzer wrote).
fn self_fragments(input: &[u8]) -> Option<FragmentSet> {
    let output = read(input, &ReadOptions::default());
    let document = build(&output.document, BuildOptions::default()).document;
    let names: Vec<&str> = document
        .policies()
        .into_iter()
        .filter(|policy| policy.element == "include-fragment")
        .filter_map(|policy| policy.literal("fragment-id"))
        .map(str::trim)
        .collect();
    if names.is_empty() {
        return None;
    }
    let fragment = PolicyDocument {
        kind: Kind::Fragment,
        blocks: document
            .blocks
            .iter()
            .map(|block| Block {
                section: None,
                ..block.clone()
            })
            .collect(),
    };
    let mut set = FragmentSet::default();
    for name in names {
        set.insert(name, fragment.clone());
    }
    Some(set)
}
