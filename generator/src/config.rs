//! What the generated crate is called, and where a regeneration takes unchanged files from.

use std::path::PathBuf;

/// What to call the generated crate.
#[derive(Clone, Debug)]
pub struct Config {
    /// Package name of the generated crate.
    pub crate_name: String,
    /// Package version of the generated crate.
    pub crate_version: String,
    /// Whether the crate's `Cargo.toml` declares its own (empty) workspace, so it builds
    /// outside this repository (in `OUT_DIR`, say).
    pub standalone: bool,
    /// The crate's `CHANGELOG.md`, when the generation writes one (see
    /// [`crate::diff::DiffReport::changelog_entry`]).
    pub changelog: Option<String>,
    /// A directory holding an earlier output of the generator (usually the one about to be
    /// overwritten): Rust files whose inputs have not changed since are taken from it instead
    /// of being formatted again (see `reuse`). The output is the same either way.
    pub reuse_from: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            crate_name: "atlas-admin".to_string(),
            crate_version: "0.1.0".to_string(),
            standalone: false,
            changelog: None,
            reuse_from: None,
        }
    }
}
