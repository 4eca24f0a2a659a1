//! The full official spec (`spec/reference/`, 454 operations): everything generates, what is
//! only approximated is reported (and the list is short), and the crate it gives compiles
//! without warnings with all features and with a single tag's feature.

use std::path::Path;
use std::process::Command;

use atlas_codegen::Config;
use atlas_codegen_tests::workspace_root;

fn official() -> std::path::PathBuf {
    workspace_root().join("spec/reference/atlas-admin-api-v2-2025-06-30.yaml")
}

#[test]
fn every_operation_and_schema_generates_and_the_report_is_short() {
    let generated = atlas_codegen::generate(&official(), &Config::default()).unwrap();
    let api = generated.api();
    assert_eq!(api.operations.len(), 454);
    let text = std::fs::read_to_string(official()).unwrap();
    let document: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    let components = document["components"]["schemas"].as_object().unwrap();
    for name in components.keys() {
        let rust = atlas_codegen::type_name(name);
        assert!(
            api.type_def(&rust).is_some()
                || api
                    .types
                    .iter()
                    .any(|t| t.source.ends_with(&format!("/{name}"))),
            "component {name} has no type"
        );
    }
    let notes: Vec<String> = generated
        .approximations()
        .iter()
        .map(|a| format!("{a}"))
        .collect();
    // The `ipAddress` patterns need look-ahead, which the regex crate lacks: they are checked
    // by parsing the address instead, so nothing is approximated.
    assert!(notes.is_empty(), "{notes:#?}");
}

/// The official spec is wrong about what Atlas sends in the same places as the one we correct
/// in `spec/` (realdata's `BasicDBObject` values, analyzers, error parameters, multi-type
/// field mappings, search indexes without `type`); generated from it as it is, the types still
/// take those payloads, by the rules of what a spec leaves open (the fixture
/// `tolerance.yaml` tests how they decode).
#[test]
fn what_the_official_spec_leaves_open_is_any_json() {
    use atlas_codegen::ir::{TypeKind, TypeRef};
    let generated = atlas_codegen::generate(&official(), &Config::default()).unwrap();
    let api = generated.api();
    let kind = |name: &str| &api.type_def(name).unwrap_or_else(|| panic!("{name}")).kind;
    let field = |model: &str, json: &str| match kind(model) {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .find(|f| f.json_name == json)
            .unwrap_or_else(|| panic!("{model}.{json}"))
            .ty
            .clone(),
        other => panic!("{model} is {other:?}"),
    };
    for free in ["BasicDBObject", "Fields"] {
        assert_eq!(kind(free), &TypeKind::Alias(TypeRef::Json), "{free}");
    }
    assert_eq!(field("AtlasSearchAnalyzer", "tokenizer"), TypeRef::Json);
    assert_eq!(
        field("ApiError", "parameters"),
        TypeRef::List(Box::new(TypeRef::Json))
    );
    // Every struct keeps what it does not know; a union finds the documented default type.
    let TypeKind::Struct(vector) = kind("VectorSearchIndexDefinition") else {
        panic!("a struct");
    };
    assert!(vector.unknown_fields.is_some());
    for union in [
        "SearchIndexResponse",
        "ClusterSearchIndex",
        "SearchIndexCreateRequest",
    ] {
        let TypeKind::Tagged(tagged) = kind(union) else {
            panic!("{union} is a tagged union");
        };
        assert_eq!(tagged.default.as_deref(), Some("search"), "{union}");
    }
}

/// `cargo check` of the generated crate in `dir`, failing on any warning.
fn check(dir: &Path, features: &[&str]) {
    let mut command = Command::new(env!("CARGO"));
    command
        .args(["check", "--message-format=short"])
        .args(features)
        .current_dir(dir)
        .env(
            "CARGO_TARGET_DIR",
            workspace_root().join("target/generated-check"),
        );
    let output = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "cargo check {features:?} failed:\n{stderr}"
    );
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning")).collect();
    assert!(
        warnings.is_empty(),
        "cargo check {features:?} warned:\n{}",
        warnings.join("\n")
    );
}

#[test]
fn the_generated_crate_checks_without_warnings_with_all_features_and_with_one() {
    let dir = std::env::temp_dir().join(format!("atlas-official-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let config = Config {
        standalone: true,
        ..Config::default()
    };
    atlas_codegen::generate(&official(), &config)
        .unwrap()
        .write_to(&dir)
        .unwrap();
    // The workspace's lockfile, so the dependencies are the versions the workspace tests.
    std::fs::copy(workspace_root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    check(&dir, &[]);
    // MockAtlas for all 454 operations.
    check(&dir, &["--features", "testing"]);
    check(&dir, &["--no-default-features", "--features", "clusters"]);
    check(
        &dir,
        &["--no-default-features", "--features", "access-tracking"],
    );
    // The other TLS backend (needs OpenSSL's headers: .ci/run installs libssl-dev).
    check(
        &dir,
        &[
            "--no-default-features",
            "--features",
            "access-tracking,native-tls",
        ],
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
