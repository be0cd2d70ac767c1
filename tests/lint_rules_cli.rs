//! The rule set from the command line: scopes, APIOps exports, fragments and named values,
//! output formats, settings, `explain` and `rules`.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use gatehouse_diagnostics::Code;
use gatehouse_tests::{gatehouse, workspace_dir};
use serde_json::Value;

fn path(relative: &str) -> String {
    workspace_dir().join(relative).display().to_string()
}

fn apiops() -> String {
    path("tests/fixtures/apiops")
}

fn rule_fixture(code: &str) -> String {
    path(&format!("crates/lint/tests/fixtures/{code}.xml"))
}

/// Paths in output are as given; make them stable for snapshots.
fn relative(text: &str) -> String {
    text.replace(&format!("{}/", workspace_dir().display()), "")
}

#[test]
fn an_apiops_export_gives_each_file_its_scope_fragments_and_named_values() {
    let run = gatehouse(&["lint", &apiops()]);
    assert_eq!(run.status, 1, "{}", run.stdout);
    // The operation's quota is an error (quota is product-only) because the layout says
    // the file is an operation's; the same quota in products/starter is fine. The fragment
    // sets `correlation-id`, so reading it is fine; `{{orders-region}}` is not defined.
    insta::assert_snapshot!(relative(&run.stdout));
    // Composition: the operation reads `correlation-id`, which its API sets through the
    // fragment, so nothing is reported there; the workspace cuts global's backend off, so
    // its API's `<base />` inherits a backend that never forwards.
    assert!(!run.stdout.contains("operations/get-order/policy.xml:11"));
    assert!(run.stdout.contains(
        "the effective `backend` (global, workspace and this api policy) never forwards the request"
    ));
    // Products: `orders` is in `starter`, which sets `plan`, and in `gold`, which does not.
    assert!(run.stdout.contains(
        "variable `plan` is read but nothing sets it when the request comes through product `gold`"
    ));
    // The global policy reads what an operation sets (its outbound runs after the
    // operation's inbound), and a name nothing in the export sets.
    assert!(!run.stdout.contains("`error-handled`"));
    assert!(run.stdout.contains(
        "variable `retry-budget` is read but neither this global policy nor any narrower scope's sets it"
    ));
    assert!(
        !run.stdout.contains("TOP-SECRET-VALUE-123"),
        "a named value's value was printed"
    );
    // Backends: the operation names one the export's `backends` folder lacks (APIM would
    // refuse to save it); the workspace's API names its workspace's own.
    assert!(
        run.stdout
            .contains("backend `orders-legacy` is not in the export's `backends` folder")
    );
    assert!(!run.stdout.contains("`stats-backend`"));
    // Loggers likewise: `audit-hub` is in `loggers`, `audit-hubs` is not.
    assert!(
        run.stdout
            .contains("logger `audit-hubs` is not in the export's `loggers` folder")
    );
    assert!(!run.stdout.contains("logger `audit-hub` "));
}

#[test]
fn a_lone_file_is_api_scope_unless_told() {
    let file = rule_fixture("GH0224");
    // The fixture says `scope: global` in a comment only the fixture test reads.
    let assumed = gatehouse(&["lint", "--format", "json", &file]);
    let codes = |run: &gatehouse_tests::Run| -> Vec<String> {
        let output: Value = serde_json::from_str(&run.stdout).unwrap();
        output["files"][0]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(!codes(&assumed).contains(&"GH0224".to_owned()));
    let global = gatehouse(&["lint", "--format", "json", "--scope", "global", &file]);
    assert_eq!(codes(&global), ["GH0224"]);
}

#[test]
fn a_policy_outside_its_scope_is_an_error_when_the_scope_is_known_and_a_warning_when_assumed() {
    let file = rule_fixture("GH0202");
    let assumed = gatehouse(&["lint", &file]);
    assert_eq!(assumed.status, 0, "{}", assumed.stdout);
    assert!(assumed.stdout.contains("warning[GH0202]"));
    let known = gatehouse(&["lint", "--scope", "api", &file]);
    assert_eq!(known.status, 1);
    assert!(known.stdout.contains("error[GH0202]"));
    let product = gatehouse(&["lint", "--scope", "product", &file]);
    assert!(
        product
            .stdout
            .contains("`cross-domain` cannot be used at product scope")
            && !product.stdout.contains("`quota` cannot"),
        "{}",
        product.stdout
    );
}

#[test]
fn deny_warnings_fails_a_run_with_only_warnings() {
    let file = rule_fixture("GH0245");
    assert_eq!(gatehouse(&["lint", &file]).status, 0);
    assert_eq!(gatehouse(&["lint", "--deny", "warnings", &file]).status, 1);
}

#[test]
fn settings_turn_rules_off_and_change_severity() {
    let directory = std::env::temp_dir().join(format!("gatehouse-settings-{}", std::process::id()));
    std::fs::create_dir_all(&directory).unwrap();
    let config = directory.join("gatehouse.toml");
    std::fs::write(
        &config,
        "[rules]\ncors-not-first = \"error\"\nGH0212 = \"off\"\n",
    )
    .unwrap();
    let config = config.display().to_string();

    let promoted = gatehouse(&["lint", "--config", &config, &rule_fixture("GH0245")]);
    assert_eq!(promoted.status, 1);
    assert!(promoted.stdout.contains("error[GH0245]"));

    let silenced = gatehouse(&["lint", "--config", &config, &rule_fixture("GH0212")]);
    assert!(!silenced.stdout.contains("GH0212"), "{}", silenced.stdout);

    std::fs::write(directory.join("bad.toml"), "[rules]\nGH9999 = \"off\"\n").unwrap();
    let bad = gatehouse(&[
        "lint",
        "--config",
        &directory.join("bad.toml").display().to_string(),
        &rule_fixture("GH0212"),
    ]);
    assert_eq!(bad.status, 2);
    assert!(
        bad.stderr.contains("`GH9999` is not a rule code"),
        "{}",
        bad.stderr
    );
    let _ = std::fs::remove_dir_all(&directory);
}

#[test]
fn github_format_prints_workflow_annotations() {
    let run = gatehouse(&["lint", "--format", "github", &rule_fixture("GH0204")]);
    assert_eq!(run.status, 1);
    insta::assert_snapshot!(relative(&run.stdout));
    let first = run.stdout.lines().next().unwrap();
    assert!(first.starts_with("::error file="), "{first}");
    assert!(first.contains(",line=5,col=32,"), "{first}");
}

#[test]
fn sarif_output_validates_against_the_sarif_2_1_0_schema() {
    // tests/fixtures/sarif-schema-2.1.0.json is the OASIS schema, as shipped in the
    // serde-sarif crate (src/schema.json).
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(path("tests/fixtures/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();

    let run = gatehouse(&[
        "lint",
        "--format",
        "sarif",
        &rule_fixture("GH0215"),
        &rule_fixture("GH0200"),
    ]);
    assert_eq!(run.status, 1);
    let output: Value = serde_json::from_str(&run.stdout).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&output)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let results = output["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 11);
    assert_eq!(results[0]["ruleId"], "GH0215");
    assert_eq!(
        output["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .len(),
        Code::ALL.len()
    );
    // A document that breaks the schema is caught: the check can fail.
    let mut broken = output.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(validator.iter_errors(&broken).next().is_some());
}

#[test]
fn explain_works_for_every_code() {
    for code in Code::ALL {
        let info = code.info();
        for key in [info.id, info.name] {
            let run = gatehouse(&["explain", key]);
            assert_eq!(run.status, 0, "{key}: {}", run.stderr);
            assert!(
                run.stdout
                    .starts_with(&format!("{} ({}, ", info.id, info.name))
                    && run.stdout.contains(info.summary)
                    && run.stdout.contains(info.explanation),
                "{key}: {}",
                run.stdout
            );
        }
    }
    let unknown = gatehouse(&["explain", "GH9999"]);
    assert_eq!(unknown.status, 2);
    assert!(unknown.stderr.contains("`GH9999` is not a diagnostic code"));
}

#[test]
fn rules_lists_every_code_with_its_severity_and_summary() {
    let run = gatehouse(&["rules"]);
    assert_eq!(run.status, 0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), Code::ALL.len());
    for (line, code) in lines.iter().zip(Code::ALL) {
        let info = code.info();
        assert!(
            line.starts_with(info.id)
                && line.contains(info.default_severity.as_str())
                && line.contains(info.name)
                && line.ends_with(info.summary),
            "{line}"
        );
    }
    let lint_rules = Code::ALL.iter().filter(|c| c.id() >= "GH0200").count();
    assert!(lint_rules >= 40, "{lint_rules} lint rules");
}

#[test]
fn fragments_and_named_values_can_be_given_explicitly() {
    let file = rule_fixture("GH0227");
    let fragments = path("crates/lint/tests/fixtures/fragments");
    let without = gatehouse(&["lint", &file]);
    assert!(
        !without.stdout.contains("GH0227"),
        "no fragment set, no check"
    );
    let with = gatehouse(&["lint", "--fragments", &fragments, &file]);
    assert!(
        with.stdout
            .contains("error[GH0227]: fragment `add-corelation-id` does not exist")
    );
    assert!(with.stdout.contains("did you mean `add-correlation-id`?"));

    let named = path("tests/fixtures/apiops/named values");
    let run = gatehouse(&["lint", "--named-values", &named, &rule_fixture("GH0229")]);
    assert!(
        run.stdout
            .contains("named value `undefined-value` is not defined")
    );
    assert!(
        run.stdout
            .contains("named value `known-value` is not defined")
    );
    let missing = gatehouse(&["lint", "--fragments", "/nonexistent/fragments", &file]);
    assert_eq!(missing.status, 2);
}

#[test]
fn select_and_ignore_choose_what_is_reported() {
    let file = rule_fixture("GH0238");
    let all = gatehouse(&["lint", &file]);
    assert!(all.stdout.contains("GH0238") && all.stdout.contains("GH0214"));
    let selected = gatehouse(&["lint", "--select", "value-out-of-range", &file]);
    assert!(selected.stdout.contains("GH0238") && !selected.stdout.contains("GH0214"));
    let ignored = gatehouse(&["lint", "--ignore", "GH0214,GH0238", &file]);
    assert_eq!(ignored.status, 0, "{}", ignored.stdout);
    assert!(ignored.stdout.starts_with("1 file, 0 errors, 0 warnings"));
    let by_prefix = gatehouse(&["lint", "--select", "GH01", &file]);
    assert!(by_prefix.stdout.starts_with("1 file, 0 errors, 0 warnings"));
    let unknown = gatehouse(&["lint", "--select", "GH9", &file]);
    assert_eq!(unknown.status, 2);
    assert!(unknown.stderr.contains("`GH9` names no rule"));
}
