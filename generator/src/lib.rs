//! atlas-codegen: a typed async Rust client for the MongoDB Atlas Admin API v2, generated from
//! its OpenAPI description.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`load`]: read the spec (YAML or JSON) into an `openapiv3` document;
//! 2. [`resolve`]: follow `$ref`s ([`resolve::SchemaResolver`]);
//! 3. [`lower`]: build the intermediate model ([`ir`]), where every naming and typing
//!    decision is taken;
//! 4. [`emit`]: print the model as Rust (quote, laid out as prettyplease does) and the
//!    crate's other files (askama templates);
//! 5. [`mod@write`]: put the files on disk, or compare them with what is there.
//!
//! Between 4 and 5, [`reuse`] lets a regeneration take the Rust files whose inputs did not
//! change from the previous output instead of emitting and formatting them again.
//!
//! From a downstream `build.rs`, generate into `OUT_DIR` and `include!` the result:
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

mod cores;
pub mod diagnostics;
pub mod diff;
pub mod emit;
pub mod error;
pub mod ir;
pub mod load;
pub mod locate;
pub mod lower;
mod outline;
pub mod resolve;
pub mod reuse;
pub mod validate;
pub mod write;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::mpsc::TryRecvError;
use std::time::{Duration, Instant};

pub use error::{Error, Problem};
pub use write::{FileStatus, GeneratedCrate, WriteSummary};

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
    /// [`diff::DiffReport::changelog_entry`]).
    pub changelog: Option<String>,
    /// A directory holding an earlier output of the generator (usually the one about to be
    /// overwritten): Rust files whose inputs have not changed since are taken from it instead
    /// of being formatted again (see [`reuse`]). The output is the same either way.
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
    /// ([`Config::reuse_from`]).
    pub reused_files: usize,
}

/// Generates the client for the spec at `path` as one Rust source file, to be written into a
/// build script's `OUT_DIR` and included with `include!(concat!(env!("OUT_DIR"), "/<file>"))`.
///
/// The file holds the modules of the crate (`models`, ...) inline; its paths are relative, so
/// it can be included at the crate root or inside a module. The including crate needs the
/// generated crate's dependencies (serde with `derive`, serde_json, chrono with `serde`).
pub fn generate_module(path: &Path) -> Result<String, Error> {
    emit::emit_module(&load_api(path)?)
}

/// Reads the spec at `path` and builds its intermediate model (what [`diff`] compares).
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
        .map_err(|e| e.locate(text))
}

/// Generates the crate for the spec at `path`, in memory.
pub fn generate(path: &Path, config: &Config) -> Result<GeneratedCrate, Error> {
    let text = load::read_spec(path)?;
    generate_from_str(path, &text, config)
}

/// Generates the crate for the spec at `path` and writes it into `dir`: [`generate`] followed
/// by [`GeneratedCrate::write_to`], except that a crate whose directory does not exist yet is
/// written while it is generated ([`write::NewCrate`]). Either way the crate appears whole
/// or, when generation or writing fails, not at all.
pub fn generate_into(
    path: &Path,
    config: &Config,
    dir: &Path,
) -> Result<(GeneratedCrate, WriteSummary), Error> {
    // Started first, so that its staging directory is made while the spec is read; the
    // runtime, which does not depend on the spec, is created once the spare core has nothing
    // else to do (while the spec is lowered), so the writer does not take turns with the two
    // threads parsing it.
    let Some(new) = write::NewCrate::start_with(dir, emit::runtime_files) else {
        let generated = generate(path, config)?;
        let written = generated.write_to(dir)?;
        return Ok((generated, written));
    };
    let generated = {
        let sink = new.sink();
        let text = load::read_spec(path)?;
        generate_to(path, &text, config, &sink, &|| new.create_known())?
    };
    let written = new.finish(&generated)?;
    Ok((generated, written))
}

/// Generates the crate for spec text; `path` picks the format (by extension) and names the
/// source in errors.
pub fn generate_from_str(
    path: &Path,
    text: &str,
    config: &Config,
) -> Result<GeneratedCrate, Error> {
    generate_to(path, text, config, &|_, _| {}, &|| {})
}

/// [`generate_from_str`], handing each file to `on_file` as soon as it is emitted
/// ([`emit::emit_crate_to`]); `spare` runs once, on the spare core the first time it has
/// nothing else to do (or first, without one).
fn generate_to(
    path: &Path,
    text: &str,
    config: &Config,
    on_file: &(dyn Fn(&Path, &str) + Sync),
    spare: &(dyn Fn() + Sync),
) -> Result<GeneratedCrate, Error> {
    let start = Instant::now();
    let parallel = cores::available() > 1;
    // Made once the text's outline is; a spare core helps with it as soon as it is there.
    let share: OnceLock<load::ParseShare<'_>> = OnceLock::new();
    // The spare core's thread stays for the work of the later stages (`cores::Standby`).
    let standby = cores::Standby::new();
    // The calling thread keeps to the core it is on and the spare core's thread to the others
    // (`cores::Home`), for the scheduler not to put them on one.
    let home = cores::Home::here();
    let (parsed, lowered, lowered_at, emitted) = std::thread::scope(|scope| {
        // A spare core helps parse the spec, then works out the digest of the emitters' code,
        // which the first model's inputs need, and the formatter's id, which the manifest
        // written at the end (and the previous output's, read next) is checked by, and then
        // stands by, running `spare` the first time it has nothing to do.
        let (made, share_made) = std::sync::mpsc::channel::<()>();
        if parallel {
            let (share, standby, home) = (&share, &standby, &home);
            scope.spawn(move || {
                if let Some(home) = home {
                    home.leave();
                }
                // The outline takes a fraction of a millisecond for most specs: spin through it
                // rather than sleep, since this machine's idle core is slow to wake again.
                // The sender is dropped once the share is made, or if making it panics.
                let spin_until = Instant::now() + Duration::from_millis(2);
                while let Err(TryRecvError::Empty) = share_made.try_recv() {
                    if Instant::now() > spin_until {
                        let _ = share_made.recv();
                        break;
                    }
                    std::hint::spin_loop();
                }
                if let Some(share) = share.get() {
                    share.help();
                }
                emit::emitter_digest();
                reuse::formatter_id();
                standby.serve(spare);
            });
        }
        let stages = || {
            // Nearly every real spec has approximations to show at their lines. Block YAML's
            // outline finds them in microseconds; other text needs a second parse, which a
            // spare core runs beside the first.
            let outline = outline::Outline::new(text);
            let source_map = (parallel && outline.is_none())
                .then(|| scope.spawn(cores::Away::carry(|| locate::SourceMap::new(text))));
            let share = share.get_or_init(|| {
                if parallel {
                    load::ParseShare::new(path, text, outline.as_ref())
                } else {
                    load::ParseShare::none()
                }
            });
            drop(made);
            let spec = load::parse_shared(path, text, outline.as_ref(), share)?;
            let parsed = Instant::now();
            let mut lowered = lower::lower(&spec).map_err(|e| e.locate(text))?;
            locate::place(
                &mut lowered.approximations,
                outline.as_ref(),
                || match source_map.map(|thread| thread.join()) {
                    Some(Ok(map)) => map,
                    _ => locate::SourceMap::new(text),
                },
            );
            let lowered_at = Instant::now();
            let spec_file = path.file_name().map_or_else(
                || path.display().to_string(),
                |f| f.to_string_lossy().into_owned(),
            );
            let previous = config
                .reuse_from
                .as_deref()
                .map_or_else(reuse::PreviousOutput::none, reuse::PreviousOutput::load);
            let emitted =
                emit::emit_crate_to(&lowered.api, config, &spec_file, &previous, on_file)?;
            Ok::<_, Error>((parsed, lowered, lowered_at, emitted))
        };
        if parallel {
            let _settled = home.as_ref().map(cores::Home::settle);
            cores::Standby::stand_by(&standby, stages)
        } else {
            spare();
            stages()
        }
    })?;
    let emitted_at = Instant::now();
    let timings = Timings {
        parse: parsed - start,
        lower: lowered_at - parsed,
        emit: emitted_at - lowered_at,
        format_cpu: emitted.format_cpu,
        reused_files: emitted.reused,
    };
    Ok(GeneratedCrate::new(emitted.files, lowered, timings))
}
