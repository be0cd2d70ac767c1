//! Replays the fuzz corpora through the fuzz targets' checks, with no fuzzing engine: every
//! input the fuzzer kept, every input that ever crashed a target, and the shared corpus that
//! seeds it.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};

use gatehouse_tests::{corpus_dir, workspace_dir};

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.is_file() && !path.ends_with(".gitkeep"))
        .collect();
    files.sort();
    files
}

fn replay(dirs: &[PathBuf]) -> usize {
    let mut count = 0;
    for dir in dirs {
        for path in files_in(dir) {
            let input = std::fs::read(&path).unwrap();
            if let Err(violation) = gatehouse_reader::check_read(&input) {
                panic!("{}: {violation}", path.display());
            }
            count += 1;
        }
    }
    count
}

#[test]
fn reader_target_corpus_and_regressions() {
    let fuzz = workspace_dir().join("fuzz");
    let replayed = replay(&[
        fuzz.join("corpus/reader"),
        fuzz.join("regressions/reader"),
        corpus_dir().join("toolkit"),
        corpus_dir().join("snippets"),
        corpus_dir().join("defective"),
    ]);
    // The shared corpus alone has 123 files (121 documents and 2 licence files).
    assert!(replayed >= 123, "only {replayed} inputs replayed");
}
