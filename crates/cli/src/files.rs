//! Finding the policy files named on the command line.

use std::path::{Path, PathBuf};

/// A path that could not be used, with the reason in lower case.
#[derive(Debug)]
pub(crate) struct PathProblem {
    pub path: PathBuf,
    pub reason: String,
}

/// What the command line named, found on disk.
#[derive(Debug, Default)]
pub(crate) struct Collected {
    /// The files to lint, in a stable order.
    pub files: Vec<PathBuf>,
    /// Paths that could not be read.
    pub problems: Vec<PathProblem>,
    /// Directories named that hold no `*.xml` file at any depth: in CI this is most often
    /// a wrong path, which would otherwise pass as "0 files, 0 errors".
    pub empty_directories: Vec<PathBuf>,
}

/// The files to lint: each file named, and every `*.xml` file below each directory named,
/// sorted within a directory so that output is stable. Symbolic links to directories are not
/// followed, so a link cycle cannot loop.
pub(crate) fn collect(paths: &[PathBuf]) -> Collected {
    let mut collected = Collected::default();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(metadata) if metadata.is_dir() => {
                let before = collected.files.len();
                walk(path, &mut collected.files, &mut collected.problems);
                if collected.files.len() == before {
                    collected.empty_directories.push(path.clone());
                }
            }
            Ok(_) => collected.files.push(path.clone()),
            Err(error) => collected.problems.push(PathProblem {
                path: path.clone(),
                reason: describe(&error),
            }),
        }
    }
    collected
}

fn walk(directory: &Path, files: &mut Vec<PathBuf>, problems: &mut Vec<PathProblem>) {
    let entries = match std::fs::read_dir(directory) {
        Ok(entries) => entries,
        Err(error) => {
            problems.push(PathProblem {
                path: directory.to_path_buf(),
                reason: describe(&error),
            });
            return;
        }
    };
    let mut children: Vec<(PathBuf, bool)> = Vec::new();
    for entry in entries {
        // An entry that cannot be read is reported, not skipped: a file lost here would pass
        // unlinted.
        let read = entry.and_then(|entry| Ok((entry.path(), entry.file_type()?.is_dir())));
        match read {
            Ok(child) => children.push(child),
            Err(error) => problems.push(PathProblem {
                path: directory.to_path_buf(),
                reason: describe(&error),
            }),
        }
    }
    children.sort();
    for (path, is_dir) in children {
        if is_dir {
            walk(&path, files, problems);
        } else if is_xml(&path) && path.is_file() {
            files.push(path);
        }
    }
}

fn is_xml(path: &Path) -> bool {
    path.extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("xml"))
}

pub(crate) fn describe(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => {
            let text = error.to_string();
            let mut chars = text.chars();
            match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect(),
                None => "unknown error".to_owned(),
            }
        }
    }
}
