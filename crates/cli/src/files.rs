//! Finding the policy files named on the command line.

use std::path::{Path, PathBuf};

/// A path that could not be used, with the reason in lower case.
#[derive(Debug)]
pub(crate) struct PathProblem {
    pub path: PathBuf,
    pub reason: String,
}

/// The files to lint: each file named, and every `*.xml` file below each directory named,
/// sorted within a directory so that output is stable. Symbolic links to directories are not
/// followed, so a link cycle cannot loop.
pub(crate) fn collect(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<PathProblem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(metadata) if metadata.is_dir() => walk(path, &mut files, &mut problems),
            Ok(_) => files.push(path.clone()),
            Err(error) => problems.push(PathProblem {
                path: path.clone(),
                reason: describe(&error),
            }),
        }
    }
    (files, problems)
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
    let mut children: Vec<(PathBuf, bool)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let file_type = entry.file_type().ok()?;
            Some((entry.path(), file_type.is_dir()))
        })
        .collect();
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
