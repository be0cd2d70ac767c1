//! `gatehouse lint` as a user runs it: paths, formats, exit codes, messages.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use gatehouse_tests::{gatehouse, workspace_dir};
use serde_json::Value;

fn fixture(path: &str) -> String {
    workspace_dir()
        .join("tests/fixtures/lint")
        .join(path)
        .display()
        .to_string()
}

/// Paths in output are as given; make them stable for snapshots.
fn relative(text: &str) -> String {
    text.replace(&fixture(""), "fixtures/")
}

#[test]
fn clean_directory_is_searched_recursively_for_xml_files() {
    let run = gatehouse(&["lint", &fixture("clean")]);
    assert_eq!(run.status, 0, "{}", run.stdout);
    assert_eq!(
        run.stdout,
        "2 files, 0 errors, 0 warnings; 3 expressions (3 parsed, 3 checked)\n"
    );
    assert_eq!(run.stderr, "");
}

#[test]
fn errors_give_exit_status_1_and_rustc_style_output() {
    let run = gatehouse(&["lint", &fixture("broken/several-problems.xml")]);
    assert_eq!(run.status, 1);
    insta::assert_snapshot!(relative(&run.stdout));
}

#[test]
fn json_output_has_the_documented_shape() {
    let run = gatehouse(&[
        "lint",
        "--format",
        "json",
        &fixture("broken/several-problems.xml"),
        &fixture("clean"),
    ]);
    assert_eq!(run.status, 1);
    let output: Value = serde_json::from_str(&run.stdout).unwrap();
    let keys = |value: &Value| -> Vec<String> {
        let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    assert_eq!(keys(&output), ["files", "summary"]);
    assert_eq!(
        keys(&output["summary"]),
        ["errors", "expressions", "files", "warnings"]
    );
    assert_eq!(
        keys(&output["summary"]["expressions"]),
        ["checked", "found", "parsed"]
    );
    assert_eq!(output["summary"]["files"], 3);
    let files = output["files"].as_array().unwrap();
    assert_eq!(files.len(), 3);
    assert_eq!(keys(&files[0]), ["diagnostics", "path"]);
    let first = &files[0]["diagnostics"][0];
    assert_eq!(
        keys(first),
        [
            "code",
            "column",
            "end_column",
            "end_line",
            "help",
            "line",
            "message",
            "severity"
        ]
    );
    assert_eq!(first["code"], "GH0009");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["line"], 4);
    assert_eq!(first["column"], 35);
    assert_eq!(first["end_line"], 4);
    assert_eq!(first["end_column"], 39);
    let codes: Vec<&str> = files[0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "GH0009", "GH0200", "GH0013", "GH0030", "GH0034", "GH0251", "GH0007"
        ]
    );
    assert_eq!(output["summary"]["errors"], 6);
    assert_eq!(output["summary"]["warnings"], 1);
}

#[test]
fn a_missing_path_is_a_clear_usage_error_with_status_2() {
    let run = gatehouse(&["lint", "does/not/exist.xml", &fixture("clean")]);
    assert_eq!(run.status, 2);
    assert_eq!(
        run.stderr,
        "error: cannot read `does/not/exist.xml`: no such file or directory\n"
    );
    // The paths that exist are still linted.
    assert_eq!(
        run.stdout,
        "2 files, 0 errors, 0 warnings; 3 expressions (3 parsed, 3 checked)\n"
    );
}

#[test]
fn a_directory_without_policy_files_is_named_in_a_warning() {
    let empty = std::env::temp_dir().join(format!("gatehouse-empty-{}", std::process::id()));
    std::fs::create_dir_all(empty.join("nested")).unwrap();
    std::fs::write(empty.join("nested/readme.md"), "not a policy").unwrap();
    let run = gatehouse(&["lint", &empty.display().to_string(), &fixture("clean")]);
    std::fs::remove_dir_all(&empty).unwrap();
    // A wrong path in CI must not pass unnoticed; the other paths are still linted, and the
    // status is that of the files found.
    assert_eq!(run.status, 0);
    assert_eq!(
        run.stderr,
        format!(
            "warning: no policy files (`*.xml`) found under `{}`\n",
            empty.display()
        )
    );
    assert_eq!(
        run.stdout,
        "2 files, 0 errors, 0 warnings; 3 expressions (3 parsed, 3 checked)\n"
    );
}

#[test]
fn control_and_bidirectional_characters_are_shown_as_escapes() {
    let path = std::env::temp_dir().join(format!("gatehouse-escapes-{}.xml", std::process::id()));
    let policy = "<policies>\n<inbound>\n<base />\n\
        <set-header name=\"a\" exists-action=\"override\"><value>\u{1b}[31mred</value></set-header>\n\
        <set-header name=\"b\" exists-action=\"ovr\u{202e}ed\" />\n\
        </inbound>\n</policies>\n";
    std::fs::write(&path, policy).unwrap();
    let human = gatehouse(&["lint", &path.display().to_string()]);
    let github = gatehouse(&["lint", "--format", "github", &path.display().to_string()]);
    std::fs::remove_file(&path).unwrap();
    for output in [&human.stdout, &github.stdout] {
        assert!(
            !output.contains(['\u{1b}', '\u{202e}']),
            "a policy must not recolour or reorder the report:\n{output}"
        );
    }
    // The caret is under the escape, and the position is the original text's.
    let name = path.display().to_string();
    assert!(
        human.stdout.contains(&format!("{name}:4:54\n")),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("<value>\\u{1b}[31mred</value>"),
        "{}",
        human.stdout
    );
    let mut lines = human.stdout.lines();
    let source_line = lines.find(|line| line.contains("<value>\\u{1b}")).unwrap();
    let caret_line = lines.next().unwrap();
    let escape_at = source_line.find("\\u{1b}").unwrap();
    assert_eq!(
        caret_line.get(escape_at..),
        Some("^^^^^^"),
        "{}",
        human.stdout
    );
    assert!(
        github.stdout.contains("ovr\\u{202e}ed"),
        "{}",
        github.stdout
    );
}

#[test]
fn a_long_line_is_shown_as_a_window_around_what_is_wrong() {
    // A policy kept in a Bicep or ARM template: one line, kilobytes long.
    let filler = "<set-header name=\"x-filler\" exists-action=\"override\"><value>filler</value></set-header>";
    let policy = format!(
        "<policies><inbound><base />{}<set-heade name=\"x-a\" exists-action=\"override\"><value>\u{1b}[31m</value></set-heade>{}</inbound><backend><forward-request /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>\n",
        filler.repeat(8),
        filler.repeat(8)
    );
    let path = std::env::temp_dir().join(format!("gatehouse-one-line-{}.xml", std::process::id()));
    std::fs::write(&path, &policy).unwrap();
    let human = gatehouse(&["lint", &path.display().to_string()]);
    std::fs::remove_file(&path).unwrap();
    let name = path.display().to_string();
    // Each line shown is short, the caret is under the name, the column is the file's.
    let column = policy.find("set-heade ").unwrap() + 1;
    assert!(
        human.stdout.contains(&format!("{name}:1:{column}\n")),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.lines().all(|line| line.chars().count() < 300),
        "{}",
        human.stdout
    );
    let mut lines = human.stdout.lines();
    let source_line = lines.find(|line| line.contains("<set-heade ")).unwrap();
    let caret_line = lines.next().unwrap();
    // Counted in characters: the gutter's `│` and the `…` are several bytes each.
    let name_at = source_line[..source_line.find("set-heade ").unwrap()]
        .chars()
        .count();
    assert_eq!(
        caret_line.chars().skip(name_at).collect::<String>(),
        "^^^^^^^^^",
        "{}",
        human.stdout
    );
    insta::assert_snapshot!(human.stdout.replace(&name, "one-line.xml"));
}

#[test]
fn no_path_is_a_usage_error_with_status_2() {
    let run = gatehouse(&["lint"]);
    assert_eq!(run.status, 2);
    assert!(
        run.stderr.contains("required arguments were not provided"),
        "{}",
        run.stderr
    );
}

#[test]
fn unknown_format_is_a_usage_error_with_status_2() {
    let run = gatehouse(&["lint", "--format", "yaml", &fixture("clean")]);
    assert_eq!(run.status, 2);
    assert!(
        run.stderr.contains("invalid value 'yaml'"),
        "{}",
        run.stderr
    );
}

#[test]
fn reader_limits_are_options() {
    let run = gatehouse(&["lint", "--max-depth", "2", &fixture("clean/api-policy.xml")]);
    assert_eq!(run.status, 1);
    assert!(run.stdout.contains("error[GH0003]"), "{}", run.stdout);
    let run = gatehouse(&["lint", "--max-size", "10", &fixture("clean/api-policy.xml")]);
    assert_eq!(run.status, 1);
    assert!(run.stdout.contains("error[GH0002]"), "{}", run.stdout);
}
