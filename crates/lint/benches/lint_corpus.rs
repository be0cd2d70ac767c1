//! Lints the whole shared corpus (118 files), as `gatehouse lint` does, minus printing; and a
//! generated APIOps export, where each file's lint also reads the scopes above and below it.

use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use gatehouse_lint::{LintOptions, lint, load_fragments};
use gatehouse_reader::ReadOptions;

fn corpus() -> Vec<(PathBuf, Vec<u8>)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    let mut files = Vec::new();
    for folder in ["toolkit", "snippets"] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join(folder))
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "xml"))
                    .collect()
            })
            .unwrap_or_default();
        paths.sort();
        for path in paths {
            if let Ok(bytes) = std::fs::read(&path) {
                files.push((path, bytes));
            }
        }
    }
    files
}

fn lint_corpus(c: &mut Criterion) {
    let files = corpus();
    assert_eq!(
        files.len(),
        118,
        "the shared corpus must sit beside the repository"
    );
    let options = LintOptions::default();
    let mut group = c.benchmark_group("lint");
    group.sample_size(20);
    group.bench_function("corpus_118_files", |b| {
        b.iter(|| {
            files
                .iter()
                .map(|(path, bytes)| lint(path, bytes, &options).diagnostics.len())
                .sum::<usize>()
        })
    });
    group.finish();
}

const GLOBAL: &str = r#"<policies>
    <inbound />
    <backend><forward-request /></backend>
    <outbound>
        <set-header name="X-Handled" exists-action="override">
            <value>@(context.Variables.GetValueOrDefault<bool>("handled", false).ToString())</value>
        </set-header>
    </outbound>
    <on-error />
</policies>"#;

const FRAGMENT: &str = r#"<fragment>
    <set-variable name="caller" value="@(context.Subscription?.Id ?? "unknown")" />
</fragment>"#;

const API: &str = r#"<policies>
    <inbound>
        <base />
        <include-fragment fragment-id="caller" />
        <set-header name="X-Caller" exists-action="override">
            <value>@((string)context.Variables["caller"])</value>
        </set-header>
    </inbound>
    <backend><base /></backend>
    <outbound><base /></outbound>
    <on-error><base /></on-error>
</policies>"#;

const OPERATION: &str = r#"<policies>
    <inbound>
        <base />
        <set-variable name="handled" value="@(true)" />
    </inbound>
    <backend><base /></backend>
    <outbound><base /></outbound>
    <on-error><base /></on-error>
</policies>"#;

const PRODUCT: &str = r#"<policies>
    <inbound>
        <base />
        <rate-limit calls="5" renewal-period="60" />
    </inbound>
    <backend><base /></backend>
    <outbound><base /></outbound>
    <on-error><base /></on-error>
</policies>"#;

/// An export of 300 APIs with 3 operations each, 20 products of 43 APIs each and 20
/// fragments: 1,241 policy files.
fn write_export(root: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut write = |path: PathBuf, text: &str| -> std::io::Result<()> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, text)?;
        files.push(path);
        Ok(())
    };
    write(root.join("policy.xml"), GLOBAL)?;
    for fragment in 0..20 {
        let name = if fragment == 0 {
            "caller".to_owned()
        } else {
            format!("fragment{fragment}")
        };
        write(
            root.join("policy fragments").join(name).join("policy.xml"),
            FRAGMENT,
        )?;
    }
    for api in 0..300 {
        let folder = root.join("apis").join(format!("api{api}"));
        write(folder.join("policy.xml"), API)?;
        for operation in 0..3 {
            let path = folder
                .join("operations")
                .join(format!("op{operation}"))
                .join("policy.xml");
            write(path, OPERATION)?;
        }
    }
    for product in 0..20 {
        let folder = root.join("products").join(format!("product{product}"));
        write(folder.join("policy.xml"), PRODUCT)?;
        for api in (0..300).step_by(7) {
            std::fs::create_dir_all(folder.join("apis").join(format!("api{api}")))?;
        }
    }
    Ok(files)
}

fn lint_export(c: &mut Criterion) {
    let root = std::env::temp_dir().join(format!("gatehouse-bench-export-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let written = write_export(&root);
    assert!(
        written.is_ok(),
        "cannot write the export under {}: {written:?}",
        root.display()
    );
    let files = written.unwrap_or_default();
    let inputs: Vec<(PathBuf, Vec<u8>)> = files
        .into_iter()
        .filter_map(|path| std::fs::read(&path).ok().map(|bytes| (path, bytes)))
        .collect();
    let mut group = c.benchmark_group("lint");
    group.sample_size(10);
    group.bench_function("apiops_export_1241_files", |b| {
        b.iter(|| {
            // As the CLI does for an export: fragments from its folder, one cache per run.
            let (fragments, _) =
                load_fragments(&root.join("policy fragments"), &ReadOptions::default());
            let options = LintOptions {
                fragments: Some(fragments),
                ..LintOptions::default()
            };
            inputs
                .iter()
                .map(|(path, bytes)| lint(path, bytes, &options).diagnostics.len())
                .sum::<usize>()
        })
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&root);
}

criterion_group!(benches, lint_corpus, lint_export);
criterion_main!(benches);
