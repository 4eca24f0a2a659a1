//! Specs written by others (`tests/specs/`, copied from public repositories; `SOURCES.md` says
//! from where): each generates a crate that `cargo clippy` passes with every warning denied,
//! MockAtlas included. A spec we never wrote is the truth about what a generator meets.
//!
//! Each check runs in the shared `target/generated-check` (the official spec's check uses it
//! too), with the workspace's lockfile, so the dependencies are compiled once for all of them.
//! Every spec prints one line: operations, models, approximations left (what the generator
//! reports it could not say exactly), and how long generating and checking took; the README's
//! generality table is made from these lines.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use atlas_codegen::Config;
use atlas_codegen_tests::workspace_root;

/// Generates `spec` (a file of `tests/specs/`) as a standalone crate and checks it.
fn generates_and_checks_without_warnings(spec: &str) {
    let path = workspace_root().join("tests/specs").join(spec);
    let started = Instant::now();
    let config = Config {
        crate_name: "corpus-client".to_string(),
        standalone: true,
        ..Config::default()
    };
    let generated = atlas_codegen::generate(&path, &config)
        .unwrap_or_else(|error| panic!("{spec} does not generate:\n{error}"));
    let generation = started.elapsed();
    let name = spec.rsplit_once('.').map_or(spec, |(stem, _)| stem);
    let dir = workspace_root().join("target/corpus").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    generated.write_to(&dir).unwrap();
    // The workspace's lockfile: the versions the workspace tests (a fresh resolution of the
    // committed crate is checked by `.ci/run`).
    std::fs::copy(workspace_root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let started = Instant::now();
    check(&dir, spec, &["clippy", "--features", "testing"]);
    let api = generated.api();
    println!(
        "corpus {spec}: {} operations, {} models, {} approximations, generated in {:.1} s, checked in {:.1} s",
        api.operations.len(),
        api.types.len(),
        generated.approximations().len(),
        generation.as_secs_f64(),
        started.elapsed().as_secs_f64(),
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `cargo <args>` (`check`, or `clippy` and its options) of the crate in `dir`, failing on any
/// warning.
fn check(dir: &Path, spec: &str, args: &[&str]) {
    let output = Command::new(env!("CARGO"))
        .args(args)
        .arg("--message-format=short")
        .current_dir(dir)
        .env(
            "CARGO_TARGET_DIR",
            workspace_root().join("target/generated-check"),
        )
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{spec}: cargo {} failed:\n{stderr}",
        args[0]
    );
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning")).collect();
    assert!(
        warnings.is_empty(),
        "{spec}: cargo {} warned:\n{}",
        args[0],
        warnings.join("\n")
    );
}

/// A crate that includes the single module a build script generates declares what it needs
/// in one step, the manifest `atlas-codegen deps` prints: with nothing else, it builds without
/// a warning (every body kind, and a spec of a few operations).
#[test]
fn an_includer_declares_what_the_module_needs_in_one_step() {
    for spec in ["tests/fixtures/bodies.yaml", "tests/specs/petstore.yaml"] {
        let path = workspace_root().join(spec);
        let manifest = atlas_codegen::includer_manifest(&path).unwrap();
        let module = atlas_codegen::generate_module(&path).unwrap();
        let name = Path::new(spec).file_stem().unwrap().to_string_lossy();
        let dir = workspace_root()
            .join("target/corpus")
            .join(format!("includer-{name}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("src")).unwrap();
        let package = "[package]\nname = \"includer\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n";
        std::fs::write(
            dir.join("Cargo.toml"),
            format!("{package}{manifest}\n[workspace]\n"),
        )
        .unwrap();
        std::fs::write(dir.join("src/generated.rs"), module).unwrap();
        std::fs::write(dir.join("src/lib.rs"), "include!(\"generated.rs\");\n").unwrap();
        std::fs::copy(workspace_root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
        check(&dir, spec, &["check"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

macro_rules! corpus {
    ($($(#[$attr:meta])* $test:ident: $file:literal,)*) => {
        $(
            #[test]
            $(#[$attr])*
            fn $test() {
                generates_and_checks_without_warnings($file);
            }
        )*

        /// Every spec of `tests/specs/` has a test above.
        #[test]
        fn every_spec_is_in_the_corpus() {
            let listed = [$($file),*];
            let mut missing = Vec::new();
            for entry in std::fs::read_dir(workspace_root().join("tests/specs")).unwrap() {
                let name = entry.unwrap().file_name().into_string().unwrap();
                if (name.ends_with(".yaml") || name.ends_with(".json")) && !listed.contains(&name.as_str()) {
                    missing.push(name);
                }
            }
            assert!(missing.is_empty(), "specs without a test: {missing:?}");
        }
    };
}

corpus! {
    petstore: "petstore.yaml",
    api_with_examples: "api-with-examples.yaml",
    atlas_per_version_2025_03_12: "atlas-admin-api-v2-openapi-2025-03-12.yaml",
    box_platform: "box.json",
    jira_platform: "jira-platform.json",
    kubernetes_core_v1: "kubernetes-core-v1.json",
    openai: "openai.yaml",
    oxide_nexus: "oxide-nexus.json",
    pagerduty: "pagerduty.json",
    twilio_api_v2010: "twilio-api-v2010.json",
    vault: "vault.json",
}
