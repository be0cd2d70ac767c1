//! Helpers shared by the end-to-end tests.

use std::path::PathBuf;

/// The shared policy corpus (`../shared/corpus` beside the checkout), or the directory named
/// by `GATEHOUSE_CORPUS`. The tests use it in place; it is never copied into the repository.
pub fn corpus_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("GATEHOUSE_CORPUS") {
        return PathBuf::from(dir);
    }
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default();
    workspace.join("..").join("shared").join("corpus")
}

/// The directory of the workspace.
pub fn workspace_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}
