//! One case per checker diagnostic code (data: `diagnostics.txt`), with messages snapshotted.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use gatehouse_expr::types::Type;
use gatehouse_expr::{Form, Slot, compile_code};

#[test]
fn every_checker_code_has_a_case() {
    let text = include_str!("diagnostics.txt");
    let mut rendered = String::new();
    let mut covered = std::collections::BTreeSet::new();
    for case in text.split("\n== ").skip(1) {
        let (header, code) = case.split_once('\n').unwrap();
        let (expected, name) = header.split_once(' ').unwrap();
        let code = code.trim();
        let (form, code) = match code.strip_prefix('{').and_then(|c| c.strip_suffix('}')) {
            Some(inner) => (Form::Block, inner),
            None => (Form::Inline, code),
        };
        let slot = if name == "condition-not-bool" {
            Slot::typed("condition", Type::Bool)
        } else if name.starts_with("written-") {
            Slot::written_as_text("value")
        } else {
            Slot::default()
        };
        let (_, diagnostics) = compile_code(code, form, &slot);
        assert!(!diagnostics.is_empty(), "{name}: no diagnostic");
        assert_eq!(
            diagnostics[0].code.info().id,
            expected,
            "{name}: {diagnostics:#?}"
        );
        covered.insert(expected.to_owned());
        rendered.push_str(&format!("{expected} {name}\n"));
        for diagnostic in &diagnostics {
            rendered.push_str(&format!(
                "  {} {}..{}: {}\n",
                diagnostic.code.info().id,
                diagnostic.span.start,
                diagnostic.span.end,
                diagnostic.message
            ));
            for label in &diagnostic.labels {
                rendered.push_str(&format!(
                    "    label {}..{}: {}\n",
                    label.span.start, label.span.end, label.message
                ));
            }
            if let Some(help) = &diagnostic.help {
                rendered.push_str(&format!("    help: {help}\n"));
            }
        }
    }
    for code in gatehouse_diagnostics::Code::ALL {
        let id = code.info().id;
        let checker = id.starts_with("GH01") && id < "GH0120";
        assert!(!checker || covered.contains(id), "no case for {id}");
    }
    insta::assert_snapshot!(rendered);
}
