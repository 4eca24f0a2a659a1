//! Helpers shared by the workspace tests: where things are, and generating a fixture.

use std::path::{Path, PathBuf};

/// The repository root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// The hand-written spec.
pub fn spec_path() -> PathBuf {
    workspace_root().join("spec/atlas-admin-v2.yaml")
}

/// A fixture spec of `tests/fixtures`.
pub fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// Generates a spec given as text; `file_name` picks the format and names it in errors.
pub fn generate_text(
    file_name: &str,
    text: &str,
) -> Result<atlas_codegen::GeneratedCrate, atlas_codegen::Error> {
    atlas_codegen::generate_from_str(
        Path::new(file_name),
        text,
        &atlas_codegen::Config::default(),
    )
}

/// The model files of a generated crate (`src/models/*.rs`, without `mod.rs` and `codec.rs`),
/// concatenated under a header line each: the text a snapshot shows.
pub fn models_text(generated: &atlas_codegen::GeneratedCrate) -> String {
    files_text(generated, |name| {
        name.starts_with("src/models/")
            && !name.ends_with("/mod.rs")
            && !name.ends_with("/codec.rs")
    })
}

/// The generated files whose path passes `keep`, concatenated under a header line each.
pub fn files_text(
    generated: &atlas_codegen::GeneratedCrate,
    keep: impl Fn(&str) -> bool,
) -> String {
    let mut text = String::new();
    for (path, content) in generated.files() {
        let name = path.to_string_lossy();
        if keep(&name) {
            text.push_str(&format!("// ==== {name}\n"));
            text.push_str(content.trim_start_matches(atlas_codegen::GENERATED_HEADER));
            text.push('\n');
        }
    }
    text
}
