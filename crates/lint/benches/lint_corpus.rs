//! Lints the whole shared corpus (118 files), as `gatehouse lint` does, minus printing.

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use gatehouse_lint::{LintOptions, lint};

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

criterion_group!(benches, lint_corpus);
criterion_main!(benches);
