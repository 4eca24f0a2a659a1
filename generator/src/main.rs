//! The `atlas-codegen` command: regenerates the client crate from the spec.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;

// The generator allocates many small token trees; mimalloc is markedly faster at that than
// the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Generates the typed Rust client crate for the MongoDB Atlas Admin API v2 from its OpenAPI
/// description.
#[derive(Parser, Debug)]
#[command(name = "atlas-codegen", version)]
struct Cli {
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> Result<ExitCode, atlas_codegen::Error> {
    let start = Instant::now();
    let config = atlas_codegen::Config::default();
    let generated = atlas_codegen::generate(&cli.spec, &config)?;
    for approximation in generated.approximations() {
        eprintln!("note: {approximation}");
    }
    if let Some(report) = &cli.report {
        let text: String = generated
            .approximations()
            .iter()
            .map(|a| format!("{}\t{}\n", a.pointer, a.message))
            .collect();
        std::fs::write(report, text).map_err(|e| atlas_codegen::Error::Io {
            path: report.clone(),
            action: "write report",
            source: e,
        })?;
    }
    if cli.check {
        let differences = generated.check(&cli.out)?;
        if differences.is_empty() {
            println!(
                "{} is up to date with {}: {}",
                cli.out.display(),
                cli.spec.display(),
                generated.summary(),
            );
            return Ok(ExitCode::SUCCESS);
        }
        for (path, status) in &differences {
            eprintln!("{}: {status}", cli.out.join(path).display());
        }
        eprintln!(
            "{} file(s) of {} differ from what {} produces; run `cargo run -p atlas-codegen` to regenerate",
            differences.len(),
            cli.out.display(),
            cli.spec.display()
        );
        return Ok(ExitCode::FAILURE);
    }
    let written = generated.write_to(&cli.out)?;
    println!(
        "generated {} from {}: {}; {} written, {} unchanged, {} removed ({:.1?} in all)",
        cli.out.display(),
        cli.spec.display(),
        generated.summary(),
        written.written,
        written.unchanged,
        written.removed,
        start.elapsed()
    );
    Ok(ExitCode::SUCCESS)
}
