//! The `atlas-codegen` command: regenerates the client crate from the spec (the default),
//! validates a spec, or reports what a new spec changes.

#![forbid(unsafe_code)]

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use atlas_codegen::diagnostics::{self, Severity};
use atlas_codegen::{Config, Error};
use clap::{Parser, Subcommand, ValueEnum};

// The generator allocates many small token trees on several threads; mimalloc takes 10 to 20%
// off a cold generation of the full official spec against the system allocator (alternating
// runs). The library sets no allocator: a build script keeps its own.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Generates the typed Rust client crate for the MongoDB Atlas Admin API v2 from its OpenAPI
/// description. Without a subcommand, (re)generates the crate.
#[derive(Parser, Debug)]
#[command(
    name = "atlas-codegen",
    version,
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    generate: Generate,
}

#[derive(clap::Args, Debug)]
struct Generate {
    /// The OpenAPI 3.0 spec to generate from (YAML or JSON).
    #[arg(long, default_value = "spec/atlas-admin-v2.yaml")]
    spec: PathBuf,
    /// The directory of the generated crate.
    #[arg(long, default_value = "generated")]
    out: PathBuf,
    /// Write nothing; exit non-zero, naming each file, if the output differs from what the spec
    /// produces.
    #[arg(long)]
    check: bool,
    /// Write the approximation report (what could not be generated exactly) to this file.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// The spec the crate was last generated from: bump the crate's version by what changed
    /// (see `diff`) and add a CHANGELOG.md entry.
    #[arg(long, value_name = "OLD_SPEC")]
    changelog_from: Option<PathBuf>,
    /// Format every Rust file again, instead of reusing the files of the crate in --out whose
    /// inputs have not changed (the output is the same either way).
    #[arg(long)]
    reformat: bool,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check a spec without generating: every problem, at its place.
    Validate {
        /// The spec to check.
        #[arg(long, default_value = "spec/atlas-admin-v2.yaml")]
        spec: PathBuf,
    },
    /// Print the `[dependencies]` and `[features]` a crate needs to include the single module
    /// a build script generates (`atlas_codegen::generate_module`): add them to its Cargo.toml.
    Deps {
        /// The spec the build script generates from.
        #[arg(long, default_value = "spec/atlas-admin-v2.yaml")]
        spec: PathBuf,
    },
    /// What NEW changes in the generated API compared with OLD, each change breaking or
    /// additive, and the version bump it needs.
    Diff {
        old: PathBuf,
        new: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Exit non-zero when a change is breaking.
        #[arg(long)]
        deny_breaking: bool,
        /// The crate's current version, for the bump (default: generated/Cargo.toml's, or 0.1.0).
        #[arg(long)]
        version: Option<String>,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = std::io::stderr().is_terminal();
    let result = match &cli.command {
        None => generate(&cli.generate, color),
        Some(Command::Validate { spec }) => validate(spec, color),
        Some(Command::Deps { spec }) => atlas_codegen::includer_manifest(spec)
            .map(|manifest| {
                print!("{manifest}");
                ExitCode::SUCCESS
            })
            .map_err(failing(spec)),
        Some(Command::Diff {
            old,
            new,
            format,
            deny_breaking,
            version,
        }) => diff(old, new, *format, *deny_breaking, version.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err((error, spec)) => {
            let text = spec.and_then(|s| std::fs::read_to_string(s).ok());
            eprint!(
                "{}",
                diagnostics::render_error(&error, text.as_deref(), color)
            );
            ExitCode::FAILURE
        }
    }
}

/// An error, with the spec it is about (to show its lines).
type Failure = (Error, Option<PathBuf>);

fn failing(spec: &Path) -> impl Fn(Error) -> Failure + '_ {
    move |error| (error, Some(spec.to_path_buf()))
}

/// The version in a crate's `Cargo.toml`, if it has one.
fn crate_version(dir: &Path) -> Option<String> {
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
    manifest.lines().find_map(|line| {
        let value = line.strip_prefix("version = ")?;
        Some(value.trim().trim_matches('"').to_string())
    })
}

fn generate(args: &Generate, color: bool) -> Result<ExitCode, Failure> {
    let start = Instant::now();
    // A check compares with a fresh generation: reusing the files it checks could let a stale
    // one pass.
    let mut config = Config {
        reuse_from: (!args.reformat && !args.check).then(|| args.out.clone()),
        ..Config::default()
    };
    // Regenerating keeps the crate's version; `--changelog-from` moves it.
    if let Some(version) = crate_version(&args.out) {
        config.crate_version = version;
    }
    if let Some(old) = &args.changelog_from {
        let old_api = atlas_codegen::load_api(old).map_err(failing(old))?;
        let new_api = atlas_codegen::load_api(&args.spec).map_err(failing(&args.spec))?;
        let report = atlas_codegen::diff::diff(&old_api, &new_api);
        let next = report.next_version(&config.crate_version);
        let previous = std::fs::read_to_string(args.out.join("CHANGELOG.md")).unwrap_or_default();
        let previous = previous
            .strip_prefix("# Changelog\n")
            .unwrap_or(&previous)
            .trim_start();
        config.changelog = Some(format!(
            "# Changelog\n\n{}\n{previous}",
            report.changelog_entry(&next)
        ));
        eprint!("{}", report.to_text(&config.crate_version));
        config.crate_version = next;
    }
    // The same spec, options and generator over an intact crate: nothing to do. (Not for a
    // check, which compares with a fresh generation, nor when the warnings are asked for.)
    let shortcut = !args.check && !args.reformat && args.report.is_none();
    if shortcut
        && config.changelog.is_none()
        && atlas_codegen::is_up_to_date(&args.spec, &config, &args.out)
            .map_err(failing(&args.spec))?
    {
        println!(
            "{} is up to date with {}: the same spec, options and generator made it, and no file has changed since ({:.1?}; `--reformat` regenerates it whole, with its warnings)",
            args.out.display(),
            args.spec.display(),
            start.elapsed()
        );
        return Ok(ExitCode::SUCCESS);
    }
    // Checking compares without writing.
    let (generated, written) = if args.check {
        let generated =
            atlas_codegen::generate(&args.spec, &config).map_err(failing(&args.spec))?;
        (generated, None)
    } else {
        let (generated, written) = atlas_codegen::generate_into(&args.spec, &config, &args.out)
            .map_err(failing(&args.spec))?;
        (generated, Some(written))
    };
    if !generated.approximations().is_empty() {
        let text = std::fs::read_to_string(&args.spec).unwrap_or_default();
        let notes = diagnostics::render(
            &args.spec,
            &text,
            generated.approximations(),
            Severity::Warning,
            color,
        );
        eprint!("{notes}");
    }
    if let Some(report) = &args.report {
        let text: String = generated
            .approximations()
            .iter()
            .map(|a| format!("{}\t{}\n", a.pointer, a.message))
            .collect();
        std::fs::write(report, text).map_err(|e| {
            (
                Error::Io {
                    path: report.clone(),
                    action: "write report",
                    source: e,
                },
                None,
            )
        })?;
    }
    // No summary of a write: this was a check.
    let Some(written) = written else {
        let differences = generated.check(&args.out).map_err(|e| (e, None))?;
        if differences.is_empty() {
            println!(
                "{} is up to date with {}: {}",
                args.out.display(),
                args.spec.display(),
                generated.summary()
            );
            return Ok(ExitCode::SUCCESS);
        }
        for (path, status) in &differences {
            eprintln!("{}: {status}", args.out.join(path).display());
        }
        eprintln!(
            "{} file(s) of {} differ from what {} produces; run `cargo run -p atlas-codegen` to regenerate",
            differences.len(),
            args.out.display(),
            args.spec.display()
        );
        return Ok(ExitCode::FAILURE);
    };
    println!(
        "generated {} from {}: {}; {} written, {} unchanged, {} removed ({:.1?} in all)",
        args.out.display(),
        args.spec.display(),
        generated.summary(),
        written.written,
        written.unchanged,
        written.removed,
        start.elapsed()
    );
    Ok(ExitCode::SUCCESS)
}

fn validate(spec: &Path, color: bool) -> Result<ExitCode, Failure> {
    let text = std::fs::read_to_string(spec).map_err(|e| {
        (
            Error::Io {
                path: spec.to_path_buf(),
                action: "read spec",
                source: e,
            },
            None,
        )
    })?;
    let validation = atlas_codegen::validate(spec, &text).map_err(failing(spec))?;
    eprint!(
        "{}",
        diagnostics::render(spec, &text, &validation.errors, Severity::Error, color)
    );
    eprint!(
        "{}",
        diagnostics::render(spec, &text, &validation.warnings, Severity::Warning, color)
    );
    println!(
        "{}: {} error(s), {} warning(s)",
        spec.display(),
        validation.errors.len(),
        validation.warnings.len()
    );
    Ok(if validation.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn diff(
    old: &Path,
    new: &Path,
    format: Format,
    deny_breaking: bool,
    version: Option<&str>,
) -> Result<ExitCode, Failure> {
    let old_api = atlas_codegen::load_api(old).map_err(failing(old))?;
    let new_api = atlas_codegen::load_api(new).map_err(failing(new))?;
    let report = atlas_codegen::diff::diff(&old_api, &new_api);
    let version = version
        .map(str::to_string)
        .or_else(|| crate_version(Path::new("generated")))
        .unwrap_or_else(|| "0.1.0".to_string());
    match format {
        Format::Text => print!("{}", report.to_text(&version)),
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&report.to_json(&version)).unwrap_or_default()
        ),
    }
    Ok(if deny_breaking && report.breaking() > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
