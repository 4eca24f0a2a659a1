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
fn regenerating_reuses_unchanged_files_unless_told_to_reformat() {
    let scratch = Scratch::new("reuse");
    std::fs::create_dir(scratch.0.join("spec")).unwrap();
    std::fs::write(scratch.0.join("spec/atlas-admin-v2.yaml"), SPEC).unwrap();
    let first = run(&scratch.0, &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        !stdout(&first).contains("not formatted again"),
        "{}",
        stdout(&first)
    );
    assert!(
        scratch
            .0
            .join("generated/.atlas-codegen-formatted")
            .exists()
    );

    // The same spec over the crate it made: nothing to do, nothing parsed.
    let again = run(&scratch.0, &[]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stdout(&again).starts_with("generated is up to date with spec/atlas-admin-v2.yaml"),
        "{}",
        stdout(&again)
    );

    // Another spec: the files it does not change are reused, not formatted again.
    let changed = SPEC.replace("version: '1'", "version: '2'");
    std::fs::write(scratch.0.join("spec/atlas-admin-v2.yaml"), changed).unwrap();
    let regenerated = run(&scratch.0, &[]);
    assert!(regenerated.status.success(), "{}", stderr(&regenerated));
    assert!(
        stdout(&regenerated).contains("unchanged since the last run, not formatted again"),
        "{}",
        stdout(&regenerated)
    );

    let reformatted = run(&scratch.0, &["--reformat"]);
    assert!(reformatted.status.success(), "{}", stderr(&reformatted));
    let line = stdout(&reformatted);
    assert!(!line.contains("not formatted again"), "{line}");
    assert!(line.contains("0 written"), "the same files: {line}");
}

/// The shortcut of an unchanged spec is taken only over an intact crate: a file edited by
/// hand, a file removed or a file added where the generator owns the files makes a
/// regeneration, which puts the crate back as the spec makes it.
#[test]
fn an_unchanged_spec_over_an_edited_crate_regenerates_it() {
    let scratch = Scratch::new("intact");
    std::fs::create_dir(scratch.0.join("spec")).unwrap();
    std::fs::write(scratch.0.join("spec/atlas-admin-v2.yaml"), SPEC).unwrap();
    assert!(run(&scratch.0, &[]).status.success());
    let crate_dir = scratch.0.join("generated");
    let readme = std::fs::read_to_string(crate_dir.join("README.md")).unwrap();
    let model = std::fs::read_to_string(crate_dir.join("src/models/thing.rs")).unwrap();
    let edits: [(&str, &dyn Fn()); 3] = [
        ("an edit", &|| {
            std::fs::write(crate_dir.join("README.md"), format!("{readme}edited\n")).unwrap()
        }),
        ("a removal", &|| {
            std::fs::remove_file(crate_dir.join("src/models/thing.rs")).unwrap()
        }),
        ("an addition", &|| {
            std::fs::write(crate_dir.join("src/stray.rs"), "// stray\n").unwrap()
        }),
    ];
    for (what, edit) in edits {
        edit();
        let output = run(&scratch.0, &[]);
        assert!(output.status.success(), "{}", stderr(&output));
        let line = stdout(&output);
        assert!(
            line.starts_with("generated generated from"),
            "{what}: {line}"
        );
        assert_eq!(
            std::fs::read_to_string(crate_dir.join("README.md")).unwrap(),
            readme
        );
        assert_eq!(
            std::fs::read_to_string(crate_dir.join("src/models/thing.rs")).unwrap(),
            model
        );
        assert!(!crate_dir.join("src/stray.rs").exists(), "{what}");
        let again = run(&scratch.0, &[]);
        assert!(
            stdout(&again).contains("is up to date"),
            "{what}: {}",
            stdout(&again)
        );
    }
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

/// `--check` generates afresh instead of reusing the files it checks: a stale file whose
/// manifest record says it is current (what a change to the generator that its digests
/// missed would leave behind) is still found.
#[test]
fn check_does_not_trust_the_files_it_checks() {
    use sha2::Digest as _;
    let scratch = Scratch::new("check-fresh");
    std::fs::write(scratch.0.join("api.yaml"), SPEC).unwrap();
    let args = ["--spec", "api.yaml", "--out", "out"];
    assert!(run(&scratch.0, &args).status.success());

    let thing = scratch.0.join("out/src/models/thing.rs");
    let original = std::fs::read_to_string(&thing).unwrap();
    let stale = original.replace("pub struct Thing", "pub struct Thing2");
    assert_ne!(stale, original);
    std::fs::write(&thing, &stale).unwrap();
    // The manifest's record of the file now has the stale text's digest (128 bits of SHA-256).
    let digest = |text: &str| {
        let hash = sha2::Sha256::digest(text.as_bytes());
        hash[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let manifest = scratch.0.join("out/.atlas-codegen-formatted");
    let records = std::fs::read_to_string(&manifest).unwrap();
    let recorded = records.replace(&digest(&original), &digest(&stale));
    assert_ne!(recorded, records, "the manifest records the file");
    std::fs::write(&manifest, recorded).unwrap();

    let check = run(&scratch.0, &[&args[..], &["--check"]].concat());
    assert!(!check.status.success(), "{}", stdout(&check));
    let errors = stderr(&check);
    assert!(
        errors.contains("out/src/models/thing.rs: stale"),
        "{errors}"
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

#[test]
fn validate_exits_non_zero_on_errors_and_shows_each_at_its_line() {
    let scratch = Scratch::new("validate");
    std::fs::write(scratch.0.join("good.yaml"), SPEC).unwrap();
    let good = run(&scratch.0, &["validate", "--spec", "good.yaml"]);
    assert!(good.status.success(), "{}", stderr(&good));
    assert!(
        stdout(&good).contains("good.yaml: 0 error(s)"),
        "{}",
        stdout(&good)
    );

    let broken = SPEC
        .replace("enum: [a, b]}", "enum: [a, b], default: c}")
        .replace(
            "schema: {$ref: '#/components/schemas/Thing'}",
            "schema: {$ref: '#/components/schemas/Gone'}",
        );
    std::fs::write(scratch.0.join("bad.yaml"), broken).unwrap();
    let bad = run(&scratch.0, &["validate", "--spec", "bad.yaml"]);
    assert_eq!(bad.status.code(), Some(1));
    let errors = stderr(&bad);
    assert!(errors.contains("bad.yaml:12:15"), "{errors}");
    assert!(errors.contains("bad.yaml:18:44"), "{errors}");
    assert!(errors.contains("\"c\" is not one of"), "{errors}");
    assert!(stdout(&bad).contains("2 error(s)"), "{}", stdout(&bad));
    assert!(
        !scratch.0.join("generated").exists(),
        "validate generates nothing"
    );
}

/// `SPEC` with the enum value `b` removed (breaking) and `c` added (additive).
fn breaking_spec() -> String {
    SPEC.replace("enum: [a, b]", "enum: [a, c]")
}

#[test]
fn diff_reports_breaking_changes_and_fails_only_when_told() {
    let scratch = Scratch::new("diff");
    std::fs::write(scratch.0.join("old.yaml"), SPEC).unwrap();
    std::fs::write(scratch.0.join("new.yaml"), breaking_spec()).unwrap();
    let additive = SPEC.replace("enum: [a, b]", "enum: [a, b, c]");
    std::fs::write(scratch.0.join("additive.yaml"), additive).unwrap();

    let report = run(
        &scratch.0,
        &["diff", "old.yaml", "new.yaml", "--version", "1.4.2"],
    );
    assert!(report.status.success(), "{}", stderr(&report));
    let text = stdout(&report);
    assert!(
        text.contains("BREAKING model ThingKind: value \"b\" removed"),
        "{text}"
    );
    assert!(
        text.contains("additive model ThingKind: value \"c\" added"),
        "{text}"
    );
    assert!(
        text.contains("major version bump (1.4.2 -> 2.0.0)"),
        "{text}"
    );

    let denied = run(
        &scratch.0,
        &["diff", "old.yaml", "new.yaml", "--deny-breaking"],
    );
    assert_eq!(denied.status.code(), Some(1));
    let allowed = run(
        &scratch.0,
        &["diff", "old.yaml", "additive.yaml", "--deny-breaking"],
    );
    assert!(allowed.status.success(), "{}", stdout(&allowed));

    let json = run(
        &scratch.0,
        &["diff", "old.yaml", "new.yaml", "--format", "json"],
    );
    let text = stdout(&json);
    assert!(text.contains("\"breaking\": 1"), "{text}");
    assert!(text.contains("\"kind\": \"enum_value_removed\""), "{text}");
    assert!(text.contains("\"next_version\": \"0.2.0\""), "{text}");

    let missing = run(&scratch.0, &["diff", "old.yaml", "nope.yaml"]);
    assert!(!missing.status.success());
    assert!(
        stderr(&missing).contains("nope.yaml"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn changelog_from_bumps_the_version_and_adds_an_entry() {
    let scratch = Scratch::new("changelog");
    std::fs::write(scratch.0.join("old.yaml"), SPEC).unwrap();
    std::fs::write(scratch.0.join("new.yaml"), breaking_spec()).unwrap();
    let first = run(&scratch.0, &["--spec", "old.yaml", "--out", "out"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let manifest = || std::fs::read_to_string(scratch.0.join("out/Cargo.toml")).unwrap();
    assert!(manifest().contains("version = \"0.1.0\""), "{}", manifest());

    let args = [
        "--spec",
        "new.yaml",
        "--out",
        "out",
        "--changelog-from",
        "old.yaml",
    ];
    let second = run(&scratch.0, &args);
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(manifest().contains("version = \"0.2.0\""), "{}", manifest());
    let changelog = std::fs::read_to_string(scratch.0.join("out/CHANGELOG.md")).unwrap();
    assert!(
        changelog.starts_with(
            "# Changelog\n\n## 0.2.0\n\n### Breaking\n\n- model ThingKind: value \"b\" removed\n"
        ),
        "{changelog}"
    );
    assert!(
        changelog.contains("### Added\n\n- model ThingKind: value \"c\" added\n"),
        "{changelog}"
    );

    // A plain regeneration keeps the version and the changelog.
    let third = run(&scratch.0, &["--spec", "new.yaml", "--out", "out"]);
    assert!(third.status.success(), "{}", stderr(&third));
    assert!(manifest().contains("version = \"0.2.0\""), "{}", manifest());
    assert!(scratch.0.join("out/CHANGELOG.md").exists());

    // The next change adds its entry above the last one.
    let additive = breaking_spec().replace("enum: [a, c]", "enum: [a, c, d]");
    std::fs::write(scratch.0.join("newer.yaml"), additive).unwrap();
    let args = [
        "--spec",
        "newer.yaml",
        "--out",
        "out",
        "--changelog-from",
        "new.yaml",
    ];
    let fourth = run(&scratch.0, &args);
    assert!(fourth.status.success(), "{}", stderr(&fourth));
    assert!(manifest().contains("version = \"0.2.1\""), "{}", manifest());
    let changelog = std::fs::read_to_string(scratch.0.join("out/CHANGELOG.md")).unwrap();
    let sections: Vec<&str> = changelog.lines().filter(|l| l.starts_with("## ")).collect();
    assert_eq!(sections, ["## 0.2.1", "## 0.2.0"], "{changelog}");
}
