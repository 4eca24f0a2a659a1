//! Generates every fixture spec into `OUT_DIR/<fixture>.rs` with `atlas_codegen::generate_module`,
//! and the two smallest specs written by others (`tests/specs/`): Petstore, and one without a
//! single schema.

use std::path::Path;

fn main() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo::rerun-if-changed={}", fixtures.display());
    let mut names: Vec<_> = std::fs::read_dir(&fixtures)
        .expect("fixtures directory")
        .map(|entry| entry.expect("fixture entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    names.sort();
    // Specs written by others, as small as a spec with operations gets: each needs but a few
    // pieces of the runtime, so a piece it does not need and still has is dead code here.
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    for name in ["petstore.yaml", "api-with-examples.yaml"] {
        let spec = specs.join(name);
        println!("cargo::rerun-if-changed={}", spec.display());
        names.push(spec);
    }
    for spec in names {
        let stem = spec
            .file_stem()
            .expect("file name")
            .to_string_lossy()
            .replace('-', "_");
        let code = atlas_codegen::generate_module(&spec).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(out.join(format!("{stem}.rs")), code).expect("write generated module");
    }
}
