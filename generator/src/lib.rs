//! atlas-codegen: a typed async Rust client for the MongoDB Atlas Admin API v2, generated from
//! its OpenAPI description.
//!
//! The pipeline, one private module per stage:
//!
//! 1. `load`: read the spec (YAML or JSON) into an `openapiv3` document;
//! 2. `resolve`: follow `$ref`s;
//! 3. `lower`: build the intermediate model ([`ir`]), where every naming and typing decision
//!    is taken;
//! 4. `emit`: print the model as Rust (quote, formatted by prettyplease) and the crate's
//!    other files (askama templates);
//! 5. `write`: put the files on disk, or compare them with what is there.
//!
//! Between 4 and 5, `reuse` lets a regeneration take the Rust files whose inputs did not
//! change from the previous output instead of emitting and formatting them again.
//!
//! From a downstream `build.rs` (depending on this crate with `default-features = false`,
//! which leaves out the command and its argument parser), generate into `OUT_DIR` and
//! `include!` the result:
//!
//! ```no_run
//! // build.rs
//! let spec = std::path::Path::new("spec/atlas-admin-v2.yaml");
//! println!("cargo::rerun-if-changed={}", spec.display());
//! let code = atlas_codegen::generate_module(spec)?;
//! let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("atlas_admin.rs");
//! std::fs::write(out, code).unwrap();
//! # Ok::<(), atlas_codegen::Error>(())
//! ```
//!
//! ```ignore
//! // src/lib.rs
//! include!(concat!(env!("OUT_DIR"), "/atlas_admin.rs"));
//! ```
//!
//! [`generate`] gives the whole crate instead, to write anywhere with
//! [`GeneratedCrate::write_to`].

#![forbid(unsafe_code)]

mod config;
mod cores;
pub mod diagnostics;
pub mod diff;
mod emit;
mod error;
pub mod ir;
mod load;
mod locate;
mod lower;
mod resolve;
mod reuse;
mod rust_names;
mod shape;
mod validate;
mod write;

use std::path::Path;
use std::time::Instant;

pub use config::Config;
pub use emit::GENERATED_HEADER;
pub use error::{Error, Position, Problem};
pub use reuse::MANIFEST;
pub use validate::Validation;
pub use write::{FileStatus, GeneratedCrate, Timings, WriteSummary};

/// The Rust type name the generator gives a schema name (what the official spec's tests look
/// models up by).
#[doc(hidden)]
pub use lower::type_name;

/// Generates the client for the spec at `path` as one Rust source file, to be written into a
/// build script's `OUT_DIR` and included with `include!(concat!(env!("OUT_DIR"), "/<file>"))`.
///
/// The file holds the modules of the crate (`models`, ...) inline; its paths are relative, so
/// it can be included at the crate root or inside a module. The including crate needs the
/// generated crate's dependencies (serde with `derive`, serde_json, chrono with `serde`).
pub fn generate_module(path: &Path) -> Result<String, Error> {
    emit::emit_module(&load_api(path)?)
}

/// The `[dependencies]` and `[features]` a crate declares to include [`generate_module`]'s
/// output for the spec at `path`: exactly what the module's code uses (the command prints it:
/// `atlas-codegen deps --spec <spec>`).
pub fn includer_manifest(path: &Path) -> Result<String, Error> {
    emit::includer_manifest(&load_api(path)?, &spec_file(path))
}

/// The spec's file name, as the generated files name it.
fn spec_file(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |f| f.to_string_lossy().into_owned(),
    )
}

/// Whether the crate in `dir` is already what the spec at `path` generates with `config`,
/// known without generating: the crate's manifest ([`MANIFEST`]) says it was generated from
/// the same spec text, options and generator, and every file is on disk as it was written,
/// with no other file among them. A regeneration then has nothing to do; the command skips
/// it (unless asked to `--check` or `--reformat`). Any doubt answers `false`.
pub fn is_up_to_date(path: &Path, config: &Config, dir: &Path) -> Result<bool, Error> {
    let text = load::read_spec(path)?;
    let source = reuse::source_key(emit::formatter_id(), &spec_file(path), &text, config);
    Ok(reuse::PreviousOutput::load(dir, emit::formatter_id()).is_current(&source))
}

/// Reads the spec at `path` and builds its intermediate model (what [`diff::diff`] compares).
pub fn load_api(path: &Path) -> Result<ir::Api, Error> {
    let text = load::read_spec(path)?;
    api_from_str(path, &text)
}

/// Builds the intermediate model of spec text; `path` picks the format and names the source
/// in errors.
pub fn api_from_str(path: &Path, text: &str) -> Result<ir::Api, Error> {
    let spec = load::parse_spec(path, text)?;
    lower::lower(&spec)
        .map(|lowered| lowered.api)
        .map_err(|e| locate::locate_error(e, text))
}

/// Checks the spec text without generating: every problem, at its place (see [`Validation`]).
/// `path` picks the format and names the source in errors; text that does not parse as an
/// OpenAPI 3.0 document is an error.
pub fn validate(path: &Path, text: &str) -> Result<Validation, Error> {
    let spec = load::parse_spec(path, text)?;
    Ok(validate::validate(&spec, text))
}

/// Generates the crate for the spec at `path`, in memory.
pub fn generate(path: &Path, config: &Config) -> Result<GeneratedCrate, Error> {
    let text = load::read_spec(path)?;
    generate_from_str(path, &text, config)
}

/// Generates the crate for the spec at `path` and writes it into `dir`: [`generate`] followed
/// by [`GeneratedCrate::write_to`]. A new crate appears whole or, when generation or writing
/// fails, not at all.
pub fn generate_into(
    path: &Path,
    config: &Config,
    dir: &Path,
) -> Result<(GeneratedCrate, WriteSummary), Error> {
    let generated = generate(path, config)?;
    let written = generated.write_to(dir)?;
    Ok((generated, written))
}

/// Generates the crate for spec text; `path` picks the format (by extension) and names the
/// source in errors.
pub fn generate_from_str(
    path: &Path,
    text: &str,
    config: &Config,
) -> Result<GeneratedCrate, Error> {
    let start = Instant::now();
    let spec = load::parse_spec(path, text)?;
    let parsed = Instant::now();
    let mut lowered = lower::lower(&spec).map_err(|e| locate::locate_error(e, text))?;
    locate::locate_all(&mut lowered.approximations, text);
    let lowered_at = Instant::now();
    let spec_file = spec_file(path);
    let previous = match &config.reuse_from {
        Some(dir) => reuse::PreviousOutput::load(dir, emit::formatter_id()),
        None => reuse::PreviousOutput::none(),
    };
    let source = reuse::source_key(emit::formatter_id(), &spec_file, text, config);
    let emitted = emit::emit_crate(&lowered.api, config, &spec_file, &previous, &source)?;
    let timings = Timings {
        parse: parsed - start,
        lower: lowered_at - parsed,
        emit: lowered_at.elapsed(),
        format_cpu: emitted.format_cpu,
        reused_files: emitted.reused,
    };
    Ok(GeneratedCrate::new(emitted.files, lowered, timings))
}
