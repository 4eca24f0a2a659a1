//! `ATLAS_CODEGEN_SOURCE_DIGEST`: a digest of the generator's own sources (its code, the
//! runtime it copies and the templates it renders), so that a regeneration can tell that
//! nothing but the generator changed (see `reuse`). Any change makes a full regeneration;
//! the digest only needs to tell this build's sources apart from another's.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e == "rs" || e == "askama" || e == "toml")
        {
            // Sources only: an editor's backup beside them changes no output.
            out.push(path);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let mut paths = Vec::new();
    for dir in ["src", "runtime", "../templates"] {
        let dir = root.join(dir);
        println!("cargo::rerun-if-changed={}", dir.display());
        files(&dir, &mut paths);
    }
    paths.sort();
    let mut hasher = DefaultHasher::new();
    for path in &paths {
        path.strip_prefix(&root).unwrap_or(path).hash(&mut hasher);
        std::fs::read(path).unwrap_or_default().hash(&mut hasher);
    }
    println!(
        "cargo::rustc-env=ATLAS_CODEGEN_SOURCE_DIGEST={:016x}",
        hasher.finish()
    );
}
