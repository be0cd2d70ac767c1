//! The invariants of ARCHITECTURE.md that a machine can check, read from `cargo metadata`:
//! every crate has a stage, no crate depends on a later stage, and the linting path builds
//! without an async runtime or HTTP stack.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use gatehouse_tests::workspace_dir;
use serde_json::Value;

/// Stages in data-flow order; a crate may depend only on crates of earlier stages.
const STAGES: &[&str] = &[
    "gatehouse-diagnostics",
    "gatehouse-reader",
    "gatehouse-expr-syntax",
    "gatehouse-expr",
    "gatehouse-model",
    "gatehouse-lint",
    "gatehouse-identity",
    "gatehouse-identity-server",
    "gatehouse-cli",
    "gatehouse-tests",
];

/// Crates on the linting path: they must build without these.
const LINT_PATH: &[&str] = &[
    "gatehouse-diagnostics",
    "gatehouse-reader",
    "gatehouse-expr-syntax",
    "gatehouse-expr",
    "gatehouse-model",
    "gatehouse-lint",
];
const RUNTIME_ONLY: &[&str] = &["tokio", "hyper", "axum", "reqwest"];

struct Graph {
    /// Package id → name.
    names: BTreeMap<String, String>,
    /// Package id → ids of its normal (non-dev, non-build) dependencies.
    normal: BTreeMap<String, Vec<String>>,
    members: Vec<String>,
}

/// The host's target triple: metadata for other platforms would need crates a build here
/// never downloads (and the tests run offline).
fn host_triple() -> String {
    let output = Command::new("rustc")
        .arg("-vV")
        .output()
        .expect("rustc runs");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .expect("rustc -vV names the host")
        .to_owned()
}

fn metadata() -> Graph {
    let cargo = option_env!("CARGO").unwrap_or("cargo");
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--offline",
            "--filter-platform",
        ])
        .arg(host_triple())
        .current_dir(workspace_dir())
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).unwrap();
    let names = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|package| {
            (
                package["id"].as_str().unwrap().to_owned(),
                package["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let normal = metadata["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| {
            let deps = node["deps"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|dep| {
                    dep["dep_kinds"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|kind| kind["kind"].is_null())
                })
                .map(|dep| dep["pkg"].as_str().unwrap().to_owned())
                .collect();
            (node["id"].as_str().unwrap().to_owned(), deps)
        })
        .collect();
    let members = metadata["workspace_members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| id.as_str().unwrap().to_owned())
        .collect();
    Graph {
        names,
        normal,
        members,
    }
}

#[test]
fn every_crate_has_a_stage_and_depends_only_on_earlier_stages() {
    let graph = metadata();
    let stage = |name: &str| STAGES.iter().position(|stage| *stage == name);
    for member in &graph.members {
        let name = &graph.names[member];
        let Some(own) = stage(name) else {
            panic!("crate `{name}` has no stage: add it to STAGES here and to ARCHITECTURE.md");
        };
        for dependency in &graph.normal[member] {
            let dependency_name = &graph.names[dependency];
            if let Some(theirs) = stage(dependency_name) {
                assert!(
                    theirs < own,
                    "`{name}` depends on `{dependency_name}`, which is not an earlier stage"
                );
            }
        }
    }
}

#[test]
fn the_linting_path_builds_without_an_async_runtime_or_http() {
    let graph = metadata();
    for crate_name in LINT_PATH {
        let id = graph
            .names
            .iter()
            .find(|(_, name)| name == crate_name)
            .map(|(id, _)| id.clone())
            .unwrap_or_else(|| panic!("no crate `{crate_name}`"));
        let mut seen = BTreeSet::new();
        let mut stack = vec![id];
        while let Some(next) = stack.pop() {
            if seen.insert(next.clone()) {
                stack.extend(graph.normal[&next].iter().cloned());
            }
        }
        for dependency in seen {
            let name = &graph.names[&dependency];
            assert!(
                !RUNTIME_ONLY.contains(&name.as_str()),
                "`{crate_name}` depends on `{name}`"
            );
        }
    }
}
