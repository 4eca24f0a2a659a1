//! The `atlas-codegen` command: defaults, `--check`, the summary line, and failures that
//! leave the output untouched.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SPEC: &str = "openapi: 3.0.3
info: {title: Tiny, version: '1'}
paths:
  /things:
    get:
      operationId: listThings
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
components:
  schemas:
    Thing:
      type: object
      properties:
        kind: {type: string, enum: [a, b]}
";

struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("atlas-codegen-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_atlas-codegen"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn defaults_read_spec_dir_and_write_generated_then_check_passes() {
    let scratch = Scratch::new("defaults");
    std::fs::create_dir(scratch.0.join("spec")).unwrap();
    std::fs::write(scratch.0.join("spec/atlas-admin-v2.yaml"), SPEC).unwrap();

    let output = run(&scratch.0, &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let line = stdout(&output);
    assert_eq!(line.lines().count(), 1, "one summary line: {line}");
    for part in ["1 operations", "2 models", "1 enums", "written"] {
        assert!(line.contains(part), "summary names {part}: {line}");
    }
    assert!(scratch.0.join("generated/src/models/thing.rs").exists());

    let check = run(&scratch.0, &["--check"]);
    assert!(check.status.success(), "{}", stderr(&check));
    assert!(stdout(&check).contains("up to date"));
}

#[test]
fn check_fails_naming_each_stale_or_missing_file_and_writes_nothing() {
    let scratch = Scratch::new("check");
    std::fs::write(scratch.0.join("api.yaml"), SPEC).unwrap();
    assert!(
        run(&scratch.0, &["--spec", "api.yaml", "--out", "out"])
            .status
            .success()
    );

    let thing = scratch.0.join("out/src/models/thing.rs");
    std::fs::write(&thing, "// hand edit\n").unwrap();
    std::fs::remove_file(scratch.0.join("out/src/models/thing_kind.rs")).unwrap();
    let check = run(
        &scratch.0,
        &["--spec", "api.yaml", "--out", "out", "--check"],
    );
    assert!(!check.status.success());
    let errors = stderr(&check);
    assert!(
        errors.contains("out/src/models/thing.rs: stale"),
        "{errors}"
    );
    assert!(
        errors.contains("out/src/models/thing_kind.rs: missing"),
        "{errors}"
    );
    assert_eq!(
        std::fs::read_to_string(&thing).unwrap(),
        "// hand edit\n",
        "--check writes nothing"
    );
}

#[test]
fn a_bad_spec_fails_with_the_place_and_leaves_the_output_alone() {
    let scratch = Scratch::new("bad");
    std::fs::write(scratch.0.join("api.yaml"), SPEC).unwrap();
    assert!(
        run(&scratch.0, &["--spec", "api.yaml", "--out", "out"])
            .status
            .success()
    );
    let before = std::fs::read_to_string(scratch.0.join("out/src/models/thing.rs")).unwrap();

    let broken = SPEC.replace(
        "enum: [a, b]}",
        "enum: [a, b]}\n        other: {$ref: '#/components/schemas/Gone'}",
    );
    std::fs::write(scratch.0.join("api.yaml"), broken).unwrap();
    let output = run(&scratch.0, &["--spec", "api.yaml", "--out", "out"]);
    assert!(!output.status.success());
    let errors = stderr(&output);
    assert!(errors.contains("api.yaml"), "{errors}");
    assert!(
        errors.contains("/components/schemas/Thing/properties/other"),
        "{errors}"
    );
    assert!(errors.contains("#/components/schemas/Gone"), "{errors}");
    let after = std::fs::read_to_string(scratch.0.join("out/src/models/thing.rs")).unwrap();
    assert_eq!(before, after, "nothing is half-written");
}

#[test]
fn a_missing_spec_file_is_named() {
    let scratch = Scratch::new("missing");
    let output = run(&scratch.0, &["--spec", "nope.yaml"]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("cannot read spec nope.yaml"),
        "{}",
        stderr(&output)
    );
}
