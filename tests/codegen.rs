//! The generator seen from outside: snapshots of the code it writes for each construct, its
//! errors on bad specs, and the freshness of the committed `generated/` crate.

use std::path::Path;

use atlas_codegen::{Error, FileStatus, GeneratedCrate};
use atlas_codegen_tests::{fixture_path, generate_text, models_text, spec_path, workspace_root};

fn generate_fixture(name: &str) -> GeneratedCrate {
    let path = fixture_path(name);
    atlas_codegen::generate(&path, &atlas_codegen::Config::default())
        .unwrap_or_else(|e| panic!("{name} should generate: {e}"))
}

mod snapshots {
    use super::*;

    macro_rules! snapshot_fixture {
        ($($name:ident),* $(,)?) => {$(
            #[test]
            fn $name() {
                let generated = generate_fixture(concat!(stringify!($name), ".yaml"));
                insta::assert_snapshot!(stringify!($name), models_text(&generated));
            }
        )*};
    }

    snapshot_fixture!(
        additional_properties,
        allof,
        circular,
        collisions,
        deprecation,
        discriminated,
        enums,
        formats,
        implicit,
        keywords,
        nullable,
        open,
        recursive,
        required_optional,
        tolerance,
        untagged,
    );

    /// The operation modules, the parameter patterns and the crate root of a spec with
    /// operations: request builders, checks, paging, a 204, an untagged operation.
    #[test]
    fn operations() {
        let generated = generate_fixture("endpoints.yaml");
        let text = atlas_codegen_tests::files_text(&generated, |name| {
            name.starts_with("src/operations/")
                || name == "src/validation.rs"
                || name == "src/lib.rs"
        });
        insta::assert_snapshot!("operations", text);
        let notes: Vec<&str> = generated
            .approximations()
            .iter()
            .map(|a| a.message.as_str())
            .collect();
        assert_eq!(
            notes,
            [
                "header parameter \"Accept\" is not sent: OpenAPI ignores Accept, Content-Type and Authorization header parameters, and the client sets those headers itself"
            ]
        );
    }

    /// Request bodies of every kind: JSON-compatible types, forms with their styles, multipart
    /// with file parts, bytes and text, several media types on one body (a setter each), and
    /// a form nested too deep, left out with a note at its place.
    #[test]
    fn request_bodies() {
        let generated = generate_fixture("bodies.yaml");
        let text = atlas_codegen_tests::files_text(&generated, |name| {
            name.starts_with("src/operations/") && !name.ends_with("/mod.rs")
                || name == "src/models/mod.rs"
                || name == "src/models/file_attributes.rs"
                || name == "Cargo.toml"
        });
        insta::assert_snapshot!("request_bodies", text);
        let notes: Vec<(&str, &str)> = generated
            .approximations()
            .iter()
            .map(|a| (a.pointer.as_str(), a.message.as_str()))
            .collect();
        assert_eq!(
            notes,
            [(
                "/paths/~1notes/post/requestBody/content/application~1x-www-form-urlencoded",
                "form field `outer` is not a scalar, a list of scalars or an object of those (nested once); the body is generated without this media type"
            )]
        );
    }

    /// A multipart body that is a list of objects has no fields to make parts of: it is left
    /// out with a note, not taken for the object its items are.
    #[test]
    fn a_multipart_list_of_objects_is_left_out_not_taken_for_its_item() {
        let spec = r#"openapi: 3.0.3
info: {title: Lists, version: '1'}
paths:
  /things:
    post:
      operationId: postThings
      requestBody:
        content:
          multipart/form-data:
            schema: {type: array, items: {$ref: '#/components/schemas/Thing'}}
      responses:
        '204': {description: done}
components:
  schemas:
    Thing:
      type: object
      properties:
        name: {type: string}
"#;
        let generated = generate_text("lists.yaml", spec).unwrap();
        let notes: Vec<&str> = generated
            .approximations()
            .iter()
            .map(|a| a.message.as_str())
            .collect();
        assert_eq!(
            notes,
            [
                "a multipart body must be an object with properties, one part each; the body is generated without this media type"
            ]
        );
        assert!(generated.api().operations[0].body.is_none());
    }

    #[test]
    fn circular_form_generates_the_same_union_as_the_plain_form() {
        let plain = generate_fixture("discriminated.yaml");
        let circular = generate_fixture("circular.yaml");
        for file in [
            "src/models/search_index_response.rs",
            "src/models/text_search_index_response.rs",
            "src/models/vector_search_index_response.rs",
        ] {
            assert_eq!(
                plain.file(file),
                circular.file(file),
                "{file} differs between the forms"
            );
            assert!(plain.file(file).is_some(), "{file} is generated");
        }
    }

    /// An operation without an operationId is named by its method and path; operationIds keep
    /// their names, and a name made the same way twice gets a suffix in spec order. The
    /// builder, the `testing::Operation` variant and `MockAtlas::on_..` follow the method.
    #[test]
    fn operations_without_an_id_are_named_by_method_and_path() {
        let generated = generate_fixture("implicit.yaml");
        let names: Vec<(&str, &str, &str)> = generated
            .api()
            .operations
            .iter()
            .map(|o| {
                (
                    o.id.as_str(),
                    o.method_name.as_str(),
                    o.builder_name.as_str(),
                )
            })
            .collect();
        assert_eq!(
            names,
            [
                ("get_pets_2", "get_pets_2", "GetPets2"),
                ("post_pets", "post_pets", "PostPets"),
                ("getPets", "get_pets", "GetPets"),
                (
                    "get_pets_pet_id_toys",
                    "get_pets_pet_id_toys",
                    "GetPetsPetIdToys"
                ),
                ("get_pet_toys", "get_pet_toys", "GetPetToys"),
                ("get_pet_toys_2", "get_pet_toys_2", "GetPetToys2"),
            ]
        );
        let operations = generated.file("src/operations/untagged.rs").unwrap();
        assert!(operations.contains("pub fn get_pets_2(&self) -> GetPets2"));
        // The tag `Models` is not the `models` module.
        let tagged = generated.file("src/operations/models_tag.rs").unwrap();
        assert!(tagged.contains("pub fn get_pet_toys_2(&self) -> GetPetToys2"));
        let testing = generated.file("src/testing/mod.rs").unwrap();
        for expected in [
            "GetPetsPetIdToys,",
            "id: \"get_pets_pet_id_toys\"",
            "pub fn on_get_pet_toys_2(&self) -> GetPetToys2Expectation<'_>",
        ] {
            assert!(testing.contains(expected), "{expected}");
        }
    }

    /// A `$ref` to a place inside the document is the type of the schema there, one type per
    /// place however the pointer is spelled, named for the place; `type: "null"` in a union
    /// makes it nullable, and alone is any JSON value, said so.
    #[test]
    fn deep_refs_and_null_members() {
        let generated = generate_fixture("implicit.yaml");
        let toy = generated.file("src/models/toy.rs").unwrap();
        for field in [
            "pub tag: TagAllOf0,",
            "pub kind: Kind,",
            "pub size: Option<PetSizeShape>,",
            "pub other_size: Option<PetSizeShape>,",
            "pub owner: Option<Owner>,",
            "pub label: Option<TagAllOf0>,",
            "pub friend: Option<PetFriendOneOf1>,",
        ] {
            assert!(toy.contains(field), "{field} in\n{toy}");
        }
        let pet = generated.file("src/models/pet.rs").unwrap();
        for field in [
            "pub nickname: Option<String>,",
            "pub friend: Option<PetFriend>,",
            "pub scores: Option<Vec<Option<i64>>>,",
            "pub note: Option<Note>,",
            "pub nothing: Option<serde_json::Value>,",
        ] {
            assert!(pet.contains(field), "{field} in\n{pet}");
        }
        // The response of `get /animals` is the one of `post /pets`, by its pointer.
        let response = |method: &str| {
            let mut operations = generated.api().operations.iter();
            let operation = operations.find(|o| o.method_name == method).unwrap();
            format!("{:?}", operation.response)
        };
        assert_eq!(response("get_pets"), r#"Json(Named("PostPetsResponse"))"#);
        assert_eq!(response("post_pets"), response("get_pets"));
        let notes: Vec<(&str, &str)> = generated
            .approximations()
            .iter()
            .map(|a| (a.pointer.as_str(), a.message.as_str()))
            .collect();
        assert_eq!(notes.len(), 1, "{notes:#?}");
        assert_eq!(notes[0].0, "/components/schemas/Pet/properties/nothing");
        assert!(notes[0].1.contains("`type: \"null\"`"), "{notes:#?}");
    }

    /// prettyplease prints the code; rustfmt, with the generated `rustfmt.toml`, must find
    /// nothing to change in the output for any fixture (the committed crate is checked by
    /// `cargo fmt --check`).
    #[test]
    fn every_fixture_is_rustfmt_clean() {
        let fixtures = std::fs::read_dir(workspace_root().join("tests/fixtures")).unwrap();
        let mut names: Vec<String> = fixtures
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".yaml"))
            .collect();
        names.sort();
        assert!(names.len() >= 14);
        let dir = std::env::temp_dir().join(format!("atlas-codegen-fmt-{}", std::process::id()));
        for name in names {
            let _ = std::fs::remove_dir_all(&dir);
            generate_fixture(&name).write_to(&dir).unwrap();
            let mut files = Vec::new();
            let mut stack = vec![dir.join("src"), dir.join("tests"), dir.join("examples")];
            while let Some(next) = stack.pop() {
                for entry in std::fs::read_dir(&next).into_iter().flatten() {
                    let path = entry.unwrap().path();
                    if path.is_dir() {
                        stack.push(path);
                    } else if path.extension().is_some_and(|e| e == "rs") {
                        files.push(path);
                    }
                }
            }
            let output = std::process::Command::new("rustfmt")
                .args(["--edition", "2021", "--check", "--config-path"])
                .arg(dir.join("rustfmt.toml"))
                .args(&files)
                .output()
                .expect("rustfmt runs (rustup component add rustfmt)");
            assert!(
                output.status.success(),
                "{name}: rustfmt would change the generated code:\n{}",
                String::from_utf8_lossy(&output.stdout)
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_json_spec_generates_the_same_code_as_its_yaml() {
        let yaml = std::fs::read_to_string(spec_path()).unwrap();
        let value: serde_json::Value = serde_saphyr::from_str(&yaml).unwrap();
        let json = serde_json::to_string_pretty(&value).unwrap();
        let from_yaml = generate_text("atlas.yaml", &yaml).unwrap();
        let from_json = generate_text("atlas.json", &json).unwrap();
        let rust = |g: &GeneratedCrate| -> Vec<(std::path::PathBuf, String)> {
            g.files()
                .iter()
                .filter(|(p, _)| p.extension().is_some_and(|e| e == "rs"))
                .cloned()
                .collect()
        };
        assert_eq!(rust(&from_yaml), rust(&from_json));
        assert!(rust(&from_yaml).len() > 50);
    }

    /// A link the generator writes (``[`Client::x`]``) must reach rustdoc as a link, not
    /// escaped into literal brackets; only the spec's own text is escaped.
    #[test]
    fn no_intra_doc_link_of_the_generator_is_escaped() {
        let mut generated =
            vec![atlas_codegen::generate(&spec_path(), &atlas_codegen::Config::default()).unwrap()];
        generated.push(generate_fixture("endpoints.yaml"));
        let mut escaped = Vec::new();
        for crate_files in &generated {
            for (path, text) in crate_files.files() {
                for (n, line) in text.lines().enumerate() {
                    let Some(doc) = line.trim_start().strip_prefix("///") else {
                        continue;
                    };
                    // `\[`A::b`\]`: an item path in brackets, escaped.
                    let mut rest = doc;
                    while let Some(at) = rest.find("\\[`") {
                        let after = &rest[at + 3..];
                        if let Some(end) = after.find("`\\]") {
                            let inner = &after[..end];
                            if inner.contains("::")
                                && inner
                                    .chars()
                                    .all(|c| c.is_alphanumeric() || c == '_' || c == ':')
                            {
                                escaped.push(format!("{}:{}: {line}", path.display(), n + 1));
                            }
                        }
                        rest = &rest[at + 3..];
                    }
                }
            }
        }
        assert!(
            escaped.is_empty(),
            "escaped intra-doc links:\n{}",
            escaped.join("\n")
        );
        // The builders link to their client methods.
        let text =
            atlas_codegen_tests::files_text(&generated[0], |n| n.ends_with("database_users.rs"));
        assert!(
            text.contains("/// Request builder of [`Client::list_database_users`]"),
            "{text}"
        );
    }

    /// Inline enums with the same values, in any order, are one type, named for what their
    /// places share rather than after the first of them.
    #[test]
    fn shared_inline_enums_are_one_type_named_for_their_meaning() {
        let spec = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    TextIndexResponse:
      type: object
      properties:
        status: {type: string, enum: [READY, FAILED, PENDING]}
    VectorIndexResponse:
      type: object
      properties:
        status: {type: string, enum: [PENDING, READY, FAILED]}
    Lonely:
      type: object
      properties:
        colour: {type: string, enum: [red, blue]}
"#;
        let generated = generate_text("enums.yaml", spec).unwrap();
        let api = generated.api();
        let field_type = |model: &str| match &api.type_def(model).unwrap().kind {
            atlas_codegen::ir::TypeKind::Struct(s) => s.fields[0].ty.clone(),
            other => panic!("{other:?}"),
        };
        use atlas_codegen::ir::TypeRef;
        let status = TypeRef::Named("IndexResponseStatus".to_string());
        assert_eq!(field_type("TextIndexResponse"), status);
        assert_eq!(field_type("VectorIndexResponse"), status);
        assert!(api.type_def("TextIndexResponseStatus").is_none());
        // Used once: named after its place, as before.
        assert_eq!(
            field_type("Lonely"),
            TypeRef::Named("LonelyColour".to_string())
        );
        // The committed crate: the search index status and the organization roles.
        let generated =
            atlas_codegen::generate(&spec_path(), &atlas_codegen::Config::default()).unwrap();
        let api = generated.api();
        let field = |model: &str, json: &str| match &api.type_def(model).unwrap().kind {
            atlas_codegen::ir::TypeKind::Struct(s) => s
                .fields
                .iter()
                .find(|f| f.json_name == json)
                .unwrap()
                .ty
                .clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field("VectorSearchIndexResponse", "status"),
            TypeRef::Named("SearchStatus".into())
        );
        assert_eq!(
            field("TextSearchIndexResponse", "status"),
            TypeRef::Named("SearchStatus".into())
        );
        let roles = TypeRef::List(Box::new(TypeRef::Named("OrgRole".into())));
        assert_eq!(field("OrgUserRolesResponse", "orgRoles"), roles);
        assert_eq!(field("UpdateOrgRolesForUser", "orgRoles"), roles);
    }

    /// A deprecated operation's note says when it stops working and what to do instead.
    #[test]
    fn deprecation_notes_carry_the_sunset_and_the_advice() {
        let generated =
            atlas_codegen::generate(&spec_path(), &atlas_codegen::Config::default()).unwrap();
        let pipelines =
            atlas_codegen_tests::files_text(&generated, |n| n.ends_with("data_lake_pipelines.rs"));
        let flat = pipelines.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains("#[deprecated( note = \"the API removes this operation on 2025-09-09 (x-sunset): Data Lake Pipelines are deprecated; please see the Data Lake Deprecation Guide.\" )]"),
            "{pipelines}"
        );
        let organizations =
            atlas_codegen_tests::files_text(&generated, |n| n.ends_with("organizations.rs"));
        assert!(
            organizations.contains("on 2026-07-31 (x-sunset)"),
            "{organizations}"
        );
    }

    #[test]
    fn output_is_byte_identical_from_run_to_run() {
        let first = atlas_codegen::generate(&spec_path(), &Default::default()).unwrap();
        let second = atlas_codegen::generate(&spec_path(), &Default::default()).unwrap();
        assert_eq!(first.files(), second.files());
    }

    #[test]
    fn changing_one_schema_changes_only_its_file_and_its_manifest_line() {
        let text = std::fs::read_to_string(spec_path()).unwrap();
        let before = generate_text("atlas.yaml", &text).unwrap();
        let edited = text.replacen(
            "Human-readable label that identifies the hostname of the target node",
            "Hostname of the node",
            1,
        );
        assert_ne!(edited, text, "the edit applies");
        let after = generate_text("atlas.yaml", &edited).unwrap();
        let changed: Vec<_> = before
            .files()
            .iter()
            .zip(after.files())
            .filter(|(a, b)| a != b)
            .map(|(a, _)| a.0.display().to_string())
            .collect();
        assert_eq!(before.files().len(), after.files().len());
        assert_eq!(
            changed,
            [
                atlas_codegen::MANIFEST,
                "src/models/mongo_db_access_logs.rs"
            ]
        );
        let manifest = |generated: &GeneratedCrate| {
            let text = generated.file(atlas_codegen::MANIFEST).unwrap();
            text.lines().map(str::to_string).collect::<Vec<_>>()
        };
        let changed_lines: Vec<_> = manifest(&before)
            .into_iter()
            .zip(manifest(&after))
            .filter(|(a, b)| a != b)
            .map(|(_, b)| b)
            .collect();
        // What the crate was made from (the spec text), and the one model's record.
        assert_eq!(changed_lines.len(), 2, "{changed_lines:#?}");
        assert!(changed_lines[0].starts_with("source "));
        assert!(changed_lines[1].ends_with(" src/models/mongo_db_access_logs.rs"));
    }
}

mod generated_crate {
    use super::*;

    /// Same as `cargo run -p atlas-codegen -- --check`.
    #[test]
    fn committed_crate_is_what_the_spec_produces() {
        let generated = atlas_codegen::generate(&spec_path(), &Default::default()).unwrap();
        let differences = generated
            .check(&workspace_root().join("generated"))
            .unwrap();
        assert!(
            differences.is_empty(),
            "generated/ is stale; run `cargo run -p atlas-codegen`: {differences:?}"
        );
    }

    #[test]
    fn check_names_stale_missing_and_extra_files_and_write_fixes_them() {
        let dir = std::env::temp_dir().join(format!("atlas-codegen-check-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let generated = generate_fixture("enums.yaml");
        let written = generated.write_to(&dir).unwrap();
        assert_eq!(written.written, generated.files().len());
        assert!(generated.check(&dir).unwrap().is_empty());

        std::fs::write(dir.join("src/models/status.rs"), "// edited by hand\n").unwrap();
        std::fs::remove_file(dir.join("src/models/analyzer.rs")).unwrap();
        std::fs::write(dir.join("src/models/removed_schema.rs"), "").unwrap();
        let differences = generated.check(&dir).unwrap();
        assert_eq!(
            differences,
            [
                (
                    Path::new("src/models/analyzer.rs").to_path_buf(),
                    FileStatus::Missing
                ),
                (
                    Path::new("src/models/removed_schema.rs").to_path_buf(),
                    FileStatus::Extra
                ),
                (
                    Path::new("src/models/status.rs").to_path_buf(),
                    FileStatus::Stale
                ),
            ]
        );

        let rewritten = generated.write_to(&dir).unwrap();
        assert_eq!((rewritten.written, rewritten.removed), (2, 1));
        assert!(generated.check(&dir).unwrap().is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A crate written into a new directory appears whole: built beside it and renamed, with
    /// nothing left over, a leftover of an interrupted run cleared first, and nothing at all
    /// when the directory cannot be made.
    #[test]
    fn a_new_directory_is_written_whole_or_not_at_all() {
        let base = std::env::temp_dir().join(format!("atlas-codegen-new-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let dir = base.join("nested/crate");
        let staging = base.join("nested/crate.atlas-codegen-tmp");
        std::fs::create_dir_all(staging.join("src")).unwrap();
        std::fs::write(staging.join("src/left_over.rs"), "// interrupted\n").unwrap();

        let generated = generate_fixture("enums.yaml");
        let written = generated.write_to(&dir).unwrap();
        assert_eq!(written.written, generated.files().len());
        assert!(generated.check(&dir).unwrap().is_empty());
        assert!(!staging.exists(), "the staging directory is renamed away");
        assert!(!dir.join("src/left_over.rs").exists());

        // A file where a parent directory should be: an error, and no crate or staging left.
        std::fs::write(base.join("blocker"), "").unwrap();
        let blocked = base.join("blocker/crate");
        let error = generated.write_to(&blocked).unwrap_err().to_string();
        assert!(error.contains("blocker"), "{error}");
        assert!(!base.join("blocker/crate.atlas-codegen-tmp").exists());
        std::fs::remove_dir_all(&base).unwrap();
    }

    /// A crate generated into a new directory (`atlas_codegen::generate_into`): the same files as generating then writing, a leftover
    /// of an interrupted run cleared, no staging directory left; over an existing directory it
    /// regenerates in place; and a spec that fails leaves nothing behind.
    #[test]
    fn generating_into_a_new_directory_writes_the_generated_crate() {
        let base = std::env::temp_dir().join(format!("atlas-codegen-into-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(base.join("crate.atlas-codegen-tmp/src")).unwrap();
        std::fs::write(base.join("crate.atlas-codegen-tmp/src/left_over.rs"), "").unwrap();
        let dir = base.join("crate");
        let spec = fixture_path("enums.yaml");
        let config = atlas_codegen::Config::default();

        let (generated, written) = atlas_codegen::generate_into(&spec, &config, &dir).unwrap();
        let expected = atlas_codegen::generate(&spec, &config).unwrap();
        assert_eq!(generated.files(), expected.files());
        assert_eq!(written.written, expected.files().len());
        assert!(expected.check(&dir).unwrap().is_empty());
        assert!(!base.join("crate.atlas-codegen-tmp").exists());
        assert!(!dir.join("src/left_over.rs").exists());
        // This spec has no operations, so the crate has no runtime (`check` above also finds
        // no extra file).
        assert!(!dir.join("src/client.rs").exists());
        assert!(!dir.join("src/testing").exists());

        // A spec with operations: the runtime is written.
        let endpoints = fixture_path("endpoints.yaml");
        let with_runtime = base.join("with-runtime");
        atlas_codegen::generate_into(&endpoints, &config, &with_runtime).unwrap();
        let expected_with_runtime = atlas_codegen::generate(&endpoints, &config).unwrap();
        assert!(
            expected_with_runtime
                .check(&with_runtime)
                .unwrap()
                .is_empty()
        );
        assert!(with_runtime.join("src/client.rs").is_file());

        // Over the crate just written: a regeneration, which writes nothing.
        let (_, again) = atlas_codegen::generate_into(&spec, &config, &dir).unwrap();
        assert_eq!(
            (again.written, again.unchanged),
            (0, expected.files().len())
        );

        let broken = base.join("broken.yaml");
        std::fs::write(
            &broken,
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
        )
        .unwrap();
        let failed = base.join("failed");
        let error = atlas_codegen::generate_into(&broken, &config, &failed).unwrap_err();
        assert!(error.to_string().contains("3.1.0"), "{error}");
        assert!(!failed.exists());
        assert!(!base.join("failed.atlas-codegen-tmp").exists());

        // A parent that does not exist yet is made only once generation succeeded.
        let nested = base.join("not/yet/crate");
        atlas_codegen::generate_into(&broken, &config, &nested).unwrap_err();
        assert!(!base.join("not").exists());
        atlas_codegen::generate_into(&spec, &config, &nested).unwrap();
        assert!(expected.check(&nested).unwrap().is_empty());
        std::fs::remove_dir_all(&base).unwrap();
    }

    /// Regenerating over an earlier output takes the Rust files whose inputs did not change
    /// from it, unformatted, and the result is byte for byte what formatting everything gives:
    /// after a hand edit and after a spec change too.
    #[test]
    fn reusing_the_previous_output_gives_the_same_files() {
        let dir = std::env::temp_dir().join(format!("atlas-codegen-reuse-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let spec = spec_path();
        let text = std::fs::read_to_string(&spec).unwrap();
        let generate = |text: &str, reuse: bool| {
            let config = atlas_codegen::Config {
                reuse_from: reuse.then(|| dir.clone()),
                ..Default::default()
            };
            atlas_codegen::generate_from_str(&spec, text, &config).unwrap()
        };
        let fresh = generate(&text, false);
        assert_eq!(fresh.timings().reused_files, 0);
        // The manifest records every file: a formatted one by its inputs and its text, a
        // copied one (the runtime) or a rendered one by its text alone.
        let manifest = fresh.file(atlas_codegen::MANIFEST).unwrap();
        let records: Vec<Vec<&str>> = manifest
            .lines()
            .filter(|l| {
                !l.starts_with('#') && !l.starts_with("formatter ") && !l.starts_with("source ")
            })
            .map(|l| l.splitn(3, ' ').collect())
            .collect();
        assert_eq!(
            records.len() + 1,
            fresh.files().len(),
            "all but the manifest"
        );
        let formatted = records.iter().filter(|r| r[0] != r[1]).count();
        let whole = |path: &str| records.iter().any(|r| r[2] == path && r[0] == r[1]);
        assert!(!whole("src/models/cloud_database_user.rs"));
        assert!(whole("src/client.rs") && whole("Cargo.toml"));
        fresh.write_to(&dir).unwrap();

        let again = generate(&text, true);
        assert_eq!(again.files(), fresh.files());
        let all_reused = again.timings().reused_files;
        assert_eq!(all_reused, formatted);

        // A hand edit is noticed: that file is formatted again, and comes back.
        let edited = dir.join("src/models/cloud_database_user.rs");
        let original = std::fs::read_to_string(&edited).unwrap();
        std::fs::write(&edited, format!("{original}// edited by hand\n")).unwrap();
        let after_edit = generate(&text, true);
        assert_eq!(after_edit.files(), fresh.files());
        assert_eq!(after_edit.timings().reused_files, all_reused - 1);

        // A spec change formats only what it changes, and gives what a fresh run gives.
        let changed_text = text.replacen(
            "MongoDB database user granted access to databases in one project.",
            "A MongoDB database user.",
            1,
        );
        assert_ne!(changed_text, text);
        let changed_fresh = generate(&changed_text, false);
        let changed_reused = generate(&changed_text, true);
        assert_eq!(changed_reused.files(), changed_fresh.files());
        assert_ne!(changed_fresh.files(), fresh.files());
        assert_eq!(changed_reused.timings().reused_files, all_reused - 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// The same paths with the same text; the message names the first file that differs.
    fn assert_same_files(actual: &GeneratedCrate, expected: &GeneratedCrate, context: &str) {
        let paths =
            |c: &GeneratedCrate| c.files().iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
        assert_eq!(paths(actual), paths(expected), "{context}");
        for ((path, text), (_, expected)) in actual.files().iter().zip(expected.files()) {
            assert!(text == expected, "{context}: {} differs", path.display());
        }
    }

    /// A model or operations file is reused by the digest of what it is emitted from, which
    /// includes what it looks at elsewhere (the models it refers to, the tags): a change there
    /// alone still emits it again. Each edit below changes one thing and, through it, the file
    /// of another.
    #[test]
    fn a_change_in_a_referenced_model_reaches_the_files_that_look_at_it() {
        let edits = [
            // `Settings` refers to `LegacyMode`; no longer deprecated, it needs no `allow`.
            (
                "deprecation.yaml",
                "    LegacyMode:\n      type: string\n      deprecated: true\n",
                "    LegacyMode:\n      type: string\n",
                "src/models/settings.rs",
            ),
            // `Provider` picks its variant by the variants' fields.
            (
                "untagged.yaml",
                "        zone: {type: string}",
                "        region: {type: string}",
                "src/models/provider.rs",
            ),
            // An operations module documents its tag.
            (
                "endpoints.yaml",
                "    description: Things and their lists.",
                "    description: Things, listed.",
                "src/operations/things.rs",
            ),
        ];
        for (n, (fixture, from, to, reached)) in edits.into_iter().enumerate() {
            let dir = std::env::temp_dir()
                .join(format!("atlas-codegen-reach-{}-{n}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            let path = fixture_path(fixture);
            let text = std::fs::read_to_string(&path).unwrap();
            let edited = text.replacen(from, to, 1);
            assert_ne!(edited, text, "{fixture}: the edit applies");
            let generate = |text: &str, reuse: bool| {
                let config = atlas_codegen::Config {
                    reuse_from: reuse.then(|| dir.clone()),
                    ..Default::default()
                };
                atlas_codegen::generate_from_str(&path, text, &config).unwrap()
            };
            let before = generate(&text, false);
            before.write_to(&dir).unwrap();
            let fresh = generate(&edited, false);
            let reused = generate(&edited, true);
            assert_ne!(
                fresh.file(reached),
                before.file(reached),
                "{fixture}: {reached}"
            );
            assert_same_files(&reused, &fresh, fixture);
            std::fs::remove_dir_all(&dir).unwrap();
        }
    }

    /// Every fixture regenerated over the output of every other gives what a fresh run gives:
    /// a file is never taken from an output it does not belong to.
    #[test]
    fn regenerating_over_another_specs_output_gives_a_fresh_result() {
        let mut fixtures: Vec<String> = std::fs::read_dir(fixture_path(""))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".yaml"))
            .collect();
        fixtures.sort();
        let dir = std::env::temp_dir().join(format!("atlas-codegen-cross-{}", std::process::id()));
        for previous in &fixtures {
            let _ = std::fs::remove_dir_all(&dir);
            generate_fixture(previous).write_to(&dir).unwrap();
            for next in &fixtures {
                let config = atlas_codegen::Config {
                    reuse_from: Some(dir.clone()),
                    ..Default::default()
                };
                let reused = atlas_codegen::generate(&fixture_path(next), &config).unwrap();
                assert_same_files(
                    &reused,
                    &generate_fixture(next),
                    &format!("{next} over {previous}"),
                );
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// The hand-written spec is valid OpenAPI 3.0: it validates against the official JSON
    /// schema of OpenAPI 3.0 (tests/fixtures/openapi-3.0-schema.json, from the OpenAPI
    /// Initiative's repository, 2021-09-28).
    #[test]
    fn spec_is_valid_openapi_3_0() {
        let spec: serde_json::Value =
            serde_saphyr::from_str(&std::fs::read_to_string(spec_path()).unwrap()).unwrap();
        let mut schema: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(fixture_path("openapi-3.0-schema.json")).unwrap(),
        )
        .unwrap();
        // The validator checks `format: regex` with the `regex` crate, which has no
        // look-around; the spec's ipAddress pattern (valid ECMA-262) uses one.
        let pattern = &mut schema["definitions"]["Schema"]["properties"]["pattern"];
        assert_eq!(pattern["format"], "regex");
        pattern.as_object_mut().unwrap().remove("format");
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        compiler.add_resource("openapi-3.0.json", schema).unwrap();
        let index = compiler.compile("openapi-3.0.json", &mut schemas).unwrap();
        if let Err(error) = schemas.validate(&spec, index) {
            panic!("spec/atlas-admin-v2.yaml is not valid OpenAPI 3.0:\n{error:#}");
        }
        // The validator itself rejects what it should.
        let mut broken = spec.clone();
        broken["paths"]["/api/atlas/v2/groups/{groupId}/databaseUsers"]["get"]["responses"] =
            serde_json::json!({"200": {"content": {}}});
        assert!(
            schemas.validate(&broken, index).is_err(),
            "a response without description is invalid"
        );
    }

    #[test]
    fn every_operation_of_the_seed_page_is_in_the_spec() {
        let generated = atlas_codegen::generate(&spec_path(), &Default::default()).unwrap();
        let text = std::fs::read_to_string(spec_path()).unwrap();
        for id in [
            "listAccessLogsByClusterName",
            "getAtlasSearchIndexByName",
            "getPushMigration",
            "createPipeline",
            "listDatabaseUsers",
            "deleteRoleMapping",
            "addProjectRole",
            "updateOrganizationRoles",
        ] {
            assert!(text.contains(&format!("operationId: {id}")), "{id} missing");
        }
        for model in [
            "SearchIndexResponse",
            "TextSearchIndexResponse",
            "VectorSearchIndexResponse",
            "OrgUserResponse",
            "OrgPendingUserResponse",
            "OrgActiveUserResponse",
            "IngestionSource",
            "OnDemandCpsSnapshotSource",
            "PeriodicCpsSnapshotSource",
            "IngestionSink",
            "DLSIngestionSink",
            "ApiError",
            "CloudDatabaseUser",
            "MongoDBAccessLogsList",
            "PaginatedApiAtlasDatabaseUserView",
        ] {
            assert!(
                generated.api().type_def(model).is_some(),
                "model {model} missing"
            );
        }
    }
}

mod bad_specs {
    use super::*;

    fn problems(error: &Error) -> Vec<(String, String)> {
        error
            .problems()
            .iter()
            .map(|p| (p.pointer.clone(), p.message.clone()))
            .collect()
    }

    const MINIMAL: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

    #[test]
    fn invalid_yaml_reports_line_and_column() {
        let text = format!("{MINIMAL}paths:\n  /a:\n    get: [unclosed\n");
        let error = generate_text("broken.yaml", &text).unwrap_err();
        let Error::Syntax {
            path,
            line,
            column,
            message,
        } = &error
        else {
            panic!("expected a syntax error, got {error}");
        };
        assert_eq!(path, Path::new("broken.yaml"));
        assert_eq!(*line, Some(5), "{error}");
        assert!(column.is_some(), "{error}");
        assert!(!message.is_empty());
        assert!(
            error.to_string().starts_with("broken.yaml:5:10: "),
            "{error}"
        );
    }

    #[test]
    fn invalid_json_reports_line_and_column() {
        let error = generate_text("broken.json", "{\n  \"openapi\": \"3.0.3\",\n  \"info\": }")
            .unwrap_err();
        let Error::Syntax { line, column, .. } = &error else {
            panic!("{error}")
        };
        assert_eq!((*line, column.is_some()), (Some(3), true), "{error}");
    }

    #[test]
    fn a_document_that_is_not_openapi_is_a_syntax_error() {
        let error = generate_text(
            "swagger.yaml",
            "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n",
        )
        .unwrap_err();
        assert!(matches!(error, Error::Syntax { .. }), "{error}");
        assert!(error.to_string().contains("openapi"), "{error}");
    }

    #[test]
    fn openapi_3_1_is_refused_by_name() {
        let text = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n";
        let error = generate_text("new.yaml", text).unwrap_err();
        assert_eq!(problems(&error)[0].0, "/openapi");
        assert!(error.to_string().contains("3.1.0"), "{error}");
    }

    #[test]
    fn dangling_ref_names_the_place_and_the_target() {
        let text = format!(
            "{MINIMAL}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b: {{$ref: '#/components/schemas/Missing'}}\n"
        );
        let error = generate_text("dangling.yaml", &text).unwrap_err();
        let problems = problems(&error);
        assert_eq!(problems.len(), 1, "{error}");
        assert_eq!(problems[0].0, "/components/schemas/A/properties/b");
        assert!(
            problems[0].1.contains("#/components/schemas/Missing"),
            "{error}"
        );
        assert!(problems[0].1.contains("does not exist"), "{error}");
    }

    #[test]
    fn dangling_parameter_response_and_body_refs_are_all_reported() {
        let text = format!(
            "{MINIMAL}paths:\n  /a:\n    post:\n      operationId: postA\n      parameters: [{{$ref: '#/components/parameters/nope'}}]\n      requestBody: {{$ref: '#/components/requestBodies/gone'}}\n      responses: {{'400': {{$ref: '#/components/responses/missing'}}}}\n"
        );
        let error = generate_text("refs.yaml", &text).unwrap_err();
        let pointers: Vec<String> = problems(&error).into_iter().map(|(p, _)| p).collect();
        assert_eq!(
            pointers,
            [
                "/paths/~1a/post/parameters/0",
                "/paths/~1a/post/requestBody",
                "/paths/~1a/post/responses/400"
            ],
            "{error}"
        );
    }

    #[test]
    fn duplicate_operation_id_names_both_places() {
        let text = format!(
            "{MINIMAL}paths:\n  /a:\n    get:\n      operationId: getThing\n      responses: {{'204': {{description: ok}}}}\n  /b:\n    get:\n      operationId: getThing\n      responses: {{'204': {{description: ok}}}}\n"
        );
        let error = generate_text("dup.yaml", &text).unwrap_err();
        let problems = problems(&error);
        assert_eq!(problems.len(), 1, "{error}");
        assert_eq!(problems[0].0, "/paths/~1b/get/operationId");
        assert!(
            problems[0].1.contains("getThing") && problems[0].1.contains("/paths/~1a/get"),
            "{error}"
        );
    }

    /// `x-atlas-open` marks unions; anywhere else, or with a value that is not a boolean, it
    /// is an error at its place rather than a mark silently ignored.
    #[test]
    fn an_open_mark_off_a_union_is_an_error_naming_the_place() {
        let text = format!(
            "{MINIMAL}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      x-atlas-open: true\n      properties:\n        list: {{type: array, items: {{type: string}}, x-atlas-open: true}}\n        either: {{x-atlas-open: 'yes', oneOf: [{{type: string}}, {{type: integer}}]}}\n"
        );
        let error = generate_text("open.yaml", &text).unwrap_err();
        let problems = problems(&error);
        assert_eq!(problems.len(), 3, "{error}");
        let at = |place: &str| {
            problems
                .iter()
                .find(|p| p.0 == place)
                .unwrap_or_else(|| panic!("no problem at {place}: {error}"))
                .1
                .clone()
        };
        assert!(
            at("/components/schemas/A/x-atlas-open").contains("oneOf/anyOf"),
            "{error}"
        );
        assert!(
            at("/components/schemas/A/properties/list/x-atlas-open").contains("oneOf/anyOf"),
            "{error}"
        );
        assert!(
            at("/components/schemas/A/properties/either/x-atlas-open").contains("true or false"),
            "{error}"
        );
    }

    #[test]
    fn unsupported_constructs_are_errors_naming_the_place() {
        let text = format!(
            "{MINIMAL}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        remote: {{$ref: 'other.yaml#/components/schemas/B'}}\n        upload: {{type: file}}\n"
        );
        let error = generate_text("unsupported.yaml", &text).unwrap_err();
        let problems = problems(&error);
        assert_eq!(
            problems.len(),
            2,
            "all problems are reported at once: {error}"
        );
        assert_eq!(problems[0].0, "/components/schemas/A/properties/remote");
        assert!(problems[0].1.contains("outside this document"), "{error}");
        assert_eq!(problems[1].0, "/components/schemas/A/properties/upload");
        assert!(problems[1].1.contains("\"file\""), "{error}");
    }
}
