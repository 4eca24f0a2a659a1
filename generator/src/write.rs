//! Stage 5: the generated files on disk.
//!
//! [`GeneratedCrate`] holds the whole crate in memory; nothing is written until generation has
//! succeeded, so a failing spec never leaves a half-written crate. A new crate is written whole
//! beside its directory and renamed into place. Over an existing one, writing replaces each
//! file through a temporary file and a rename, leaves unchanged files untouched (their
//! timestamps too, so cargo does not rebuild them), and removes files the generator no longer
//! produces.
//! [`GeneratedCrate::check`] compares instead of writing.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::{Error, Problem};
use crate::ir::{Api, TypeKind};
use crate::lower::Lowered;

/// Directories of the output that belong to the generator entirely: a file in them that the
/// generator does not produce is stale.
const OWNED_DIRS: &[&str] = &["src", "tests", "examples"];

/// Files under the owned directories of `dir` (`src`, `tests`, `examples`) that are not among
/// `generated`: what a regeneration removes.
pub(crate) fn extra_files(dir: &Path, generated: &BTreeSet<&Path>) -> Result<Vec<PathBuf>, Error> {
    let mut extra = Vec::new();
    for owned in OWNED_DIRS {
        let mut stack = vec![PathBuf::from(owned)];
        while let Some(relative) = stack.pop() {
            let absolute = dir.join(&relative);
            let entries = match std::fs::read_dir(&absolute) {
                Ok(entries) => entries,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(Error::io(absolute, "list", e)),
            };
            for entry in entries {
                let entry = entry.map_err(|e| Error::io(&absolute, "list", e))?;
                let path = relative.join(entry.file_name());
                let kind = entry
                    .file_type()
                    .map_err(|e| Error::io(entry.path(), "inspect", e))?;
                if kind.is_dir() {
                    stack.push(path);
                } else if !generated.contains(path.as_path()) {
                    extra.push(path);
                }
            }
        }
    }
    extra.sort();
    Ok(extra)
}

/// A generated crate, in memory.
#[derive(Debug)]
pub struct GeneratedCrate {
    files: Vec<(PathBuf, String)>,
    lowered: Lowered,
    timings: Timings,
}

/// How long each stage took (wall time), and how much of the emission was formatting.
#[derive(Clone, Copy, Debug, Default)]
pub struct Timings {
    /// Reading the YAML or JSON into a document.
    pub parse: Duration,
    /// Resolving references and building the intermediate model.
    pub lower: Duration,
    /// Emitting every file: building tokens with `quote!` and printing them with
    /// prettyplease, on all cores.
    pub emit: Duration,
    /// The formatting part of `emit`, summed over the threads (so it can exceed `emit`).
    pub format_cpu: Duration,
    /// Rust files taken from the previous output instead of being formatted again
    /// ([`crate::Config::reuse_from`]).
    pub reused_files: usize,
}

/// How a file on disk differs from the generated one.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FileStatus {
    /// Present, with other content.
    Stale,
    /// Not present.
    Missing,
    /// Present, but no longer generated.
    Extra,
}

impl fmt::Display for FileStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Stale => "stale",
            Self::Missing => "missing",
            Self::Extra => "no longer generated",
        })
    }
}

/// Writes one file unless it already has this content: through a temporary file and a
/// rename, so the file is never seen half-written. Whether it wrote.
fn write_file(path: &Path, text: &str) -> Result<bool, Error> {
    if std::fs::read(path).is_ok_and(|existing| existing == text.as_bytes()) {
        return Ok(false);
    }
    let temporary = beside(path);
    std::fs::write(&temporary, text).map_err(|e| Error::io(&temporary, "write", e))?;
    std::fs::rename(&temporary, path).map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        Error::io(path, "replace", e)
    })?;
    Ok(true)
}

/// Where a file or directory is built before it is renamed to `path`: beside it, so the
/// rename stays on one file system (`*.atlas-codegen-tmp` is what an interrupted run leaves).
fn beside(path: &Path) -> PathBuf {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".atlas-codegen-tmp");
    PathBuf::from(temporary)
}

/// Creates a file in a directory that is not yet visible (see `write_new`).
fn create_file(path: &Path, text: &str) -> Result<bool, Error> {
    std::fs::write(path, text).map_err(|e| Error::io(path, "write", e))?;
    Ok(true)
}

/// What a write did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteSummary {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

impl GeneratedCrate {
    pub(crate) fn new(files: Vec<(PathBuf, String)>, lowered: Lowered, timings: Timings) -> Self {
        Self {
            files,
            lowered,
            timings,
        }
    }

    /// The files, paths relative to the crate root, sorted by path.
    pub fn files(&self) -> &[(PathBuf, String)] {
        &self.files
    }

    /// The content of one file.
    pub fn file(&self, path: impl AsRef<Path>) -> Option<&str> {
        let path = path.as_ref();
        self.files
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, text)| text.as_str())
    }

    /// The intermediate model the files were emitted from.
    pub fn api(&self) -> &Api {
        &self.lowered.api
    }

    /// Where the output only approximates the spec, with what was done instead.
    pub fn approximations(&self) -> &[Problem] {
        &self.lowered.approximations
    }

    pub fn timings(&self) -> Timings {
        self.timings
    }

    /// A one-line summary: counts of what was generated.
    pub fn summary(&self) -> String {
        let api = self.api();
        let enums = api
            .types
            .iter()
            .filter(|t| matches!(t.kind, TypeKind::Enum(_)))
            .count();
        let unions = api
            .types
            .iter()
            .filter(|t| matches!(t.kind, TypeKind::Tagged(_) | TypeKind::Untagged(_)))
            .count();
        let total = self.timings.parse + self.timings.lower + self.timings.emit;
        let reused = match self.timings.reused_files {
            0 => String::new(),
            n => format!(" ({n} Rust files unchanged since the last run, not formatted again)"),
        };
        format!(
            "{} operations, {} models ({} enums, {} unions), {} examples, {} files in {:.1?}{reused}",
            api.operations.len(),
            api.types.len(),
            enums,
            unions,
            api.examples.len(),
            self.files.len(),
            total
        )
    }

    /// Files under the owned directories of `dir` that are not generated.
    fn extra_files(&self, dir: &Path) -> Result<Vec<PathBuf>, Error> {
        let generated: BTreeSet<&Path> = self.files.iter().map(|(p, _)| p.as_path()).collect();
        extra_files(dir, &generated)
    }

    /// Compares the crate with `dir` without writing: every file that differs, sorted by path.
    /// For a check of `dir`, generate without [`crate::Config::reuse_from`] (as `--check`
    /// does): a crate that took its files from `dir` cannot find them stale.
    pub fn check(&self, dir: &Path) -> Result<Vec<(PathBuf, FileStatus)>, Error> {
        let mut differences = Vec::new();
        for (relative, text) in &self.files {
            let path = dir.join(relative);
            match std::fs::read(&path) {
                Ok(existing) if existing == text.as_bytes() => {}
                Ok(_) => differences.push((relative.clone(), FileStatus::Stale)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    differences.push((relative.clone(), FileStatus::Missing))
                }
                Err(e) => return Err(Error::io(path, "read", e)),
            }
        }
        for extra in self.extra_files(dir)? {
            differences.push((extra, FileStatus::Extra));
        }
        differences.sort();
        Ok(differences)
    }

    /// Writes a crate whose directory does not exist yet: whole, into a temporary directory
    /// beside it that is then renamed. The crate appears complete or not at all, and each file
    /// is created once instead of created and renamed (creating files is most of the time of a
    /// first generation).
    fn write_new(&self, dir: &Path) -> Result<WriteSummary, Error> {
        let staging = beside(dir);
        // Left over by an interrupted run; never anything of the user's.
        let _ = std::fs::remove_dir_all(&staging);
        if let Some(parent) = dir.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::io(parent, "create directory", e))?;
        }
        let written = self
            .write_files(&staging, create_file)
            .and_then(|(written, _)| {
                std::fs::rename(&staging, dir).map_err(|e| Error::io(dir, "create", e))?;
                Ok(written)
            });
        if written.is_err() {
            let _ = std::fs::remove_dir_all(&staging);
        }
        Ok(WriteSummary {
            written: written?,
            unchanged: 0,
            removed: 0,
        })
    }

    /// Writes every file under `dir` with `write` (which says whether it wrote): how many
    /// were written and how many left as they were. One after the other: writing them on two
    /// threads took 9% off a cold run of the full spec at best, and nothing under load.
    fn write_files(
        &self,
        dir: &Path,
        write: fn(&Path, &str) -> Result<bool, Error>,
    ) -> Result<(usize, usize), Error> {
        let parents: BTreeSet<PathBuf> = self
            .files
            .iter()
            .filter_map(|(p, _)| dir.join(p).parent().map(Path::to_path_buf))
            .collect();
        for parent in parents {
            std::fs::create_dir_all(&parent)
                .map_err(|e| Error::io(&parent, "create directory", e))?;
        }
        let mut written = 0;
        for (relative, text) in &self.files {
            written += usize::from(write(&dir.join(relative), text)?);
        }
        Ok((written, self.files.len() - written))
    }

    /// Writes the crate into `dir`, creating it if needed.
    pub fn write_to(&self, dir: &Path) -> Result<WriteSummary, Error> {
        if std::fs::symlink_metadata(dir).is_err() {
            return self.write_new(dir);
        }
        let (written, unchanged) = self.write_files(dir, write_file)?;
        let mut summary = WriteSummary {
            written,
            unchanged,
            removed: 0,
        };
        for extra in self.extra_files(dir)? {
            let path = dir.join(&extra);
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, "remove", e))?;
            summary.removed += 1;
            // Remove directories left empty, up to the owned directory itself.
            let mut parent = path.parent();
            while let Some(directory) = parent {
                if directory == dir || std::fs::remove_dir(directory).is_err() {
                    break;
                }
                parent = directory.parent();
            }
        }
        Ok(summary)
    }
}
