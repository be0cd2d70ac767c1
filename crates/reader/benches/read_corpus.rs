//! Reader throughput over the shared corpus (toolkit + snippets, 118 documents).
//!
//! `cargo bench -p gatehouse-reader --bench read_corpus`; criterion prints the median
//! throughput as the middle of the three `thrpt` figures. Target: ≥ 100 MB/s (release).

#![allow(clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gatehouse_reader::{ReadOptions, read};

fn corpus() -> Vec<Vec<u8>> {
    let root = std::env::var_os("GATEHOUSE_CORPUS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
        PathBuf::from,
    );
    let mut files = Vec::new();
    for folder in ["toolkit", "snippets"] {
        let dir = root.join(folder);
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", dir.display()))
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "xml"))
            .collect();
        paths.sort();
        files.extend(
            paths
                .iter()
                .map(|path| std::fs::read(path).expect("corpus file")),
        );
    }
    assert_eq!(files.len(), 118, "the corpus has 118 documents");
    files
}

fn read_whole_corpus(c: &mut Criterion) {
    let files = corpus();
    let bytes: usize = files.iter().map(Vec::len).sum();
    let options = ReadOptions::default();
    let mut group = c.benchmark_group("reader");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("read_corpus", |b| {
        b.iter(|| {
            for file in &files {
                black_box(read(black_box(file), &options));
            }
        });
    });
    group.finish();
}

criterion_group!(benches, read_whole_corpus);
criterion_main!(benches);
