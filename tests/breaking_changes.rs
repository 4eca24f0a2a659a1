//! `atlas-codegen diff`: pairs of small specs, one per kind of change, classified as the
//! generated Rust API sees them; the version bump that follows; and the official spec against
//! a copy of it with a few edits of each kind.

use std::path::Path;

use atlas_codegen::diff::{Bump, DiffReport, Impact};
use atlas_codegen::ir::Api;
use atlas_codegen_tests::workspace_root;

/// The spec every pair starts from: a list with a query parameter and a versioned media type,
/// a create with a request body, a delete, a string enum and a discriminated union.
const BASE: &str = r#"openapi: 3.0.3
info: {title: Pairs, version: '1'}
paths:
  /things:
    get:
      operationId: listThings
      parameters:
        - {name: pageNum, in: query, schema: {type: integer}}
      responses:
        '200':
          description: ok
          content:
            application/vnd.atlas.2023-01-01+json:
              schema: {$ref: '#/components/schemas/Thing'}
    post:
      operationId: createThing
      requestBody:
        required: true
        content:
          application/vnd.atlas.2023-01-01+json:
            schema: {$ref: '#/components/schemas/Thing'}
      responses:
        '200':
          description: ok
          content:
            application/vnd.atlas.2023-01-01+json:
              schema: {$ref: '#/components/schemas/Pet'}
  /things/{thingId}:
    delete:
      operationId: deleteThing
      parameters:
        - {name: thingId, in: path, required: true, schema: {type: string}}
      responses:
        '204': {description: gone}
components:
  schemas:
    Thing:
      type: object
      properties:
        kind: {type: string, enum: [small, large]}
        size: {type: integer}
        note: {type: string}
    Pet:
      type: object
      discriminator:
        propertyName: type
        mapping:
          CAT: '#/components/schemas/Cat'
          DOG: '#/components/schemas/Dog'
      oneOf:
        - $ref: '#/components/schemas/Cat'
        - $ref: '#/components/schemas/Dog'
      properties:
        type: {type: string}
    Cat:
      type: object
      properties:
        type: {type: string}
        lives: {type: integer}
    Dog:
      type: object
      properties:
        type: {type: string}
        barks: {type: boolean}
"#;

fn api(name: &str, text: &str) -> Api {
    atlas_codegen::api_from_str(Path::new(name), text).unwrap_or_else(|e| panic!("{e}"))
}

/// `BASE` with each `(from, to)` replacement made; each `from` must occur exactly once.
fn edited(edits: &[(&str, &str)]) -> String {
    let mut text = BASE.to_string();
    for (from, to) in edits {
        assert_eq!(text.matches(from).count(), 1, "{from:?} occurs once");
        text = text.replacen(from, to, 1);
    }
    text
}

fn report(edits: &[(&str, &str)]) -> DiffReport {
    atlas_codegen::diff::diff(&api("old.yaml", BASE), &api("new.yaml", &edited(edits)))
}

/// The report's changes as `impact kind subject: message` lines.
fn lines(report: &DiffReport) -> Vec<String> {
    report
        .changes
        .iter()
        .map(|c| {
            let impact = match c.impact {
                Impact::Breaking => "breaking",
                Impact::Additive => "additive",
            };
            format!("{impact} {} {}: {}", c.kind, c.subject, c.message)
        })
        .collect()
}

fn assert_changes(edits: &[(&str, &str)], expected: &[&str]) {
    assert_eq!(lines(&report(edits)), expected);
}

#[test]
fn the_same_spec_changes_nothing() {
    let report = report(&[]);
    assert!(report.changes.is_empty(), "{:#?}", report.changes);
    assert_eq!(report.bump("0.1.0"), Bump::None);
    assert_eq!(report.next_version("0.1.0"), "0.1.0");
}

#[test]
fn an_operation_removed_is_breaking() {
    assert_changes(
        &[(
            "    delete:\n      operationId: deleteThing\n",
            "    put:\n      operationId: replaceThing\n",
        )],
        &[
            "breaking operation_removed operation delete_thing: removed (DELETE /things/{thingId})",
            "additive operation_added operation replace_thing: added (PUT /things/{thingId})",
        ],
    );
}

#[test]
fn an_operation_renamed_is_breaking_and_not_also_added() {
    assert_changes(
        &[("operationId: deleteThing", "operationId: removeThing")],
        &[
            "breaking operation_renamed operation delete_thing: renamed to remove_thing \
           (operationId deleteThing -> removeThing)",
        ],
    );
}

#[test]
fn a_model_renamed_is_breaking_and_not_also_added() {
    // The inline enum of `Thing.kind` is `ThingKind`; its property renamed `variety`, the same
    // enum is `ThingVariety`.
    assert_changes(
        &[(
            "        kind: {type: string, enum: [small, large]}\n",
            "        variety: {type: string, enum: [small, large]}\n",
        )],
        &[
            "breaking field_removed model Thing: field kind removed",
            "breaking model_renamed model ThingKind: renamed to ThingVariety",
            "additive optional_field_added model Thing: optional field variety added",
        ],
    );
}

#[test]
fn a_required_parameter_added_is_breaking_an_optional_one_additive() {
    assert_changes(
        &[(
            "        - {name: pageNum, in: query, schema: {type: integer}}\n",
            "        - {name: pageNum, in: query, schema: {type: integer}}\n        \
             - {name: region, in: query, required: true, schema: {type: string}}\n        \
             - {name: itemsPerPage, in: query, schema: {type: integer}}\n",
        )],
        &[
            "breaking required_parameter_added operation list_things: required parameter region added",
            "additive optional_parameter_added operation list_things: optional parameter itemsPerPage added",
        ],
    );
}

/// Header and cookie parameters are setters like query parameters: added, removed and made
/// required the same way.
#[test]
fn header_and_cookie_parameters_change_like_query_parameters() {
    let query = "        - {name: pageNum, in: query, schema: {type: integer}}\n";
    let with = |headers: &str| format!("{query}{headers}");
    assert_changes(
        &[(
            query,
            &with(
                "        - {name: X-Request-Id, in: header, required: true, schema: {type: string}}\n        \
                 - {name: X-Trace, in: header, schema: {type: string}}\n        \
                 - {name: region, in: cookie, schema: {type: string}}\n",
            ),
        )],
        &[
            "breaking required_parameter_added operation list_things: required parameter X-Request-Id added",
            "additive optional_parameter_added operation list_things: optional parameter X-Trace added",
            "additive optional_parameter_added operation list_things: optional parameter region added",
        ],
    );
    let old = edited(&[(
        query,
        &with(
            "        - {name: X-Trace, in: header, schema: {type: string}}\n        \
             - {name: X-Max-Age, in: header, schema: {type: integer}}\n",
        ),
    )]);
    let new = edited(&[(
        query,
        &with("        - {name: X-Trace, in: header, required: true, schema: {type: string}}\n"),
    )]);
    let report = atlas_codegen::diff::diff(&api("old.yaml", &old), &api("new.yaml", &new));
    assert_eq!(
        lines(&report),
        [
            "breaking parameter_now_required operation list_things: parameter X-Trace is now required",
            "breaking parameter_removed operation list_things: parameter X-Max-Age removed",
        ]
    );
}

#[test]
fn a_field_removed_or_retyped_is_breaking_an_optional_field_added_additive() {
    assert_changes(
        &[
            (
                "        note: {type: string}\n",
                "        label: {type: string}\n",
            ),
            ("size: {type: integer}", "size: {type: string}"),
        ],
        &[
            "breaking field_removed model Thing: field note removed",
            "breaking field_type_changed model Thing: field size changed type from Option<i64> to Option<String>",
            "additive optional_field_added model Thing: optional field label added",
        ],
    );
}

#[test]
fn a_field_that_became_required_in_a_request_is_breaking() {
    assert_changes(
        &[(
            "        note: {type: string}\n",
            "        note: {type: string}\n      required: [note]\n",
        )],
        &[
            "breaking field_now_required model Thing: field note is now required (Option<String> -> String)",
        ],
    );
}

#[test]
fn an_enum_value_removed_is_breaking_one_added_is_additive() {
    assert_changes(
        &[("enum: [small, large]", "enum: [small, huge]")],
        &[
            "breaking enum_value_removed model ThingKind: value \"large\" removed",
            "additive enum_value_added model ThingKind: value \"huge\" added",
        ],
    );
}

#[test]
fn a_discriminator_value_removed_is_breaking_one_added_is_additive() {
    assert_changes(
        &[
            (
                "          DOG: '#/components/schemas/Dog'\n",
                "          HOUND: '#/components/schemas/Dog'\n",
            ),
            (
                "        - $ref: '#/components/schemas/Dog'\n      properties:",
                "        - $ref: '#/components/schemas/Dog'\n        - $ref: '#/components/schemas/Bird'\n      properties:",
            ),
            (
                "    Dog:\n",
                "    Bird:\n      type: object\n      properties:\n        type: {type: string}\n    Dog:\n",
            ),
        ],
        &[
            "breaking discriminator_value_removed model Pet: discriminator value \"DOG\" removed",
            "additive discriminator_value_added model Pet: discriminator value \"Bird\" added",
            "additive discriminator_value_added model Pet: discriminator value \"HOUND\" added",
            "additive model_added model Bird: added",
        ],
    );
}

#[test]
fn opening_a_discriminated_union_is_additive_closing_it_breaking() {
    let opened = [(
        "    Pet:\n      type: object\n",
        "    Pet:\n      type: object\n      x-atlas-open: true\n",
    )];
    assert_changes(
        &opened,
        &[
            "additive union_opened model Pet: now open (x-atlas-open): a value no variant decodes is `Unknown`",
        ],
    );
    let closed =
        atlas_codegen::diff::diff(&api("old.yaml", &edited(&opened)), &api("new.yaml", BASE));
    assert_eq!(
        lines(&closed),
        [
            "breaking union_closed model Pet: no longer open (x-atlas-open): a value no variant decodes is an error"
        ]
    );
}

#[test]
fn a_versioned_media_type_changed_is_breaking() {
    let report = report(&[(
        "    get:\n      operationId: listThings\n      parameters:\n        - {name: pageNum, in: query, schema: {type: integer}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/vnd.atlas.2023-01-01+json:",
        "    get:\n      operationId: listThings\n      parameters:\n        - {name: pageNum, in: query, schema: {type: integer}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/vnd.atlas.2024-08-05+json:",
    )]);
    assert_eq!(
        lines(&report),
        [
            "breaking media_type_changed operation list_things: versioned media type changed from \
          application/vnd.atlas.2023-01-01+json to application/vnd.atlas.2024-08-05+json"
        ]
    );
}

#[test]
fn a_versioned_request_media_type_changed_is_breaking() {
    assert_changes(
        &[(
            "        content:\n          application/vnd.atlas.2023-01-01+json:",
            "        content:\n          application/vnd.atlas.2025-03-12+json:",
        )],
        &[
            "breaking media_type_changed operation create_thing: request media type changed from \
           application/vnd.atlas.2023-01-01+json to application/vnd.atlas.2025-03-12+json",
        ],
    );
}

#[test]
fn a_request_media_type_added_is_additive_removed_or_of_another_kind_breaking() {
    let json = "          application/vnd.atlas.2023-01-01+json:\n            schema: {$ref: '#/components/schemas/Thing'}\n      responses:";
    let with = |more: &str| {
        format!(
            "          application/vnd.atlas.2023-01-01+json:\n            schema: {{$ref: '#/components/schemas/Thing'}}\n{more}      responses:"
        )
    };
    let form = "          application/x-www-form-urlencoded:\n            schema: {$ref: '#/components/schemas/Thing'}\n";
    let other_form = "          application/x-www-form-urlencoded:\n            schema: {type: object, properties: {size: {type: integer}}}\n";
    let text = "          text/plain:\n            schema: {type: string}\n";
    assert_changes(
        &[(json, &with(form))],
        &[
            "additive body_media_type_added operation create_thing: request body also takes \
           application/x-www-form-urlencoded (`body_form`)",
        ],
    );
    let old = api("old.yaml", &edited(&[(json, &with(form))]));
    let diff = |new: &str| {
        lines(&atlas_codegen::diff::diff(
            &old,
            &api("new.yaml", &edited(&[(json, new)])),
        ))
    };
    assert_eq!(
        diff(&with("")),
        [
            "breaking body_media_type_removed operation create_thing: request body no longer takes \
          application/x-www-form-urlencoded (`body_form`)"
        ]
    );
    // The same setter, another model: the kind and the type are named.
    assert_eq!(
        diff(&with(other_form)),
        [
            "breaking body_type_changed operation create_thing: request body (`body_form`) \
             changed type from form Thing to form CreateThingBody",
            "additive model_added model CreateThingBody: added"
        ]
    );
    // Another media type of a body is another setter.
    assert_eq!(
        diff(&with(text)),
        [
            "breaking body_media_type_removed operation create_thing: request body no longer \
             takes application/x-www-form-urlencoded (`body_form`)",
            "additive body_media_type_added operation create_thing: request body also takes \
             text/plain (`body_text`)"
        ]
    );
}

#[test]
fn the_bump_follows_semver_with_the_pre_1_0_rules() {
    let breaking = report(&[("operationId: deleteThing", "operationId: removeThing")]);
    let additive = report(&[("enum: [small, large]", "enum: [small, large, huge]")]);
    assert_eq!(additive.breaking(), 0);
    assert_eq!(additive.additive(), 1);
    let cases = [
        (&breaking, "0.1.0", Bump::Minor, "0.2.0"),
        (&breaking, "0.4.7", Bump::Minor, "0.5.0"),
        (&breaking, "1.2.3", Bump::Major, "2.0.0"),
        (&additive, "0.1.0", Bump::Patch, "0.1.1"),
        (&additive, "1.2.3", Bump::Minor, "1.3.0"),
    ];
    for (report, version, bump, next) in cases {
        assert_eq!(report.bump(version), bump, "{version}");
        assert_eq!(report.next_version(version), next, "{version}");
    }
    assert!(
        breaking
            .to_text("1.2.3")
            .ends_with("1 breaking, 0 additive change(s): the generated crate needs a major version bump (1.2.3 -> 2.0.0)\n")
    );
}

#[test]
fn the_json_report_is_for_ci() {
    let report = report(&[
        ("enum: [small, large]", "enum: [small]"),
        (
            "size: {type: integer}",
            "size: {type: integer}\n        weight: {type: number}",
        ),
    ]);
    let json = report.to_json("0.3.0");
    assert_eq!(json["breaking"], 1);
    assert_eq!(json["additive"], 1);
    assert_eq!(json["bump"], "minor");
    assert_eq!(json["version"], "0.3.0");
    assert_eq!(json["next_version"], "0.4.0");
    let changes = json["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[0]["impact"], "breaking");
    assert_eq!(changes[0]["kind"], "enum_value_removed");
    assert_eq!(changes[0]["subject"], "model ThingKind");
    assert_eq!(changes[1]["impact"], "additive");
    assert_eq!(changes[1]["kind"], "optional_field_added");
}

#[test]
fn the_changelog_entry_lists_breaking_then_added() {
    let report = report(&[
        ("operationId: deleteThing", "operationId: removeThing"),
        ("enum: [small, large]", "enum: [small, large, huge]"),
    ]);
    assert_eq!(
        report.changelog_entry("0.2.0"),
        "## 0.2.0\n\n### Breaking\n\n\
         - operation delete_thing: renamed to remove_thing (operationId deleteThing -> removeThing)\n\n\
         ### Added\n\n\
         - model ThingKind: value \"huge\" added\n"
    );
}

/// The official spec, as JSON, for editing.
fn official_document() -> serde_json::Value {
    let path = workspace_root().join("spec/reference/atlas-admin-api-v2-2025-06-30.yaml");
    serde_saphyr::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The one operation at `path` and `method` of a document.
fn operation<'a>(
    document: &'a mut serde_json::Value,
    path: &str,
    method: &str,
) -> &'a mut serde_json::Value {
    document["paths"]
        .get_mut(path)
        .and_then(|p| p.get_mut(method))
        .unwrap_or_else(|| panic!("{method} {path}"))
}

fn schema<'a>(document: &'a mut serde_json::Value, name: &str) -> &'a mut serde_json::Value {
    document["components"]["schemas"]
        .get_mut(name)
        .unwrap_or_else(|| panic!("schema {name}"))
}

#[test]
fn the_official_spec_against_an_edited_copy_of_it() {
    let old = official_document();
    let mut new = old.clone();
    // An operation removed, one renamed, a required and an optional parameter added.
    new["paths"]
        .as_object_mut()
        .unwrap()
        .remove("/api/atlas/v2/groups/{groupId}/accessList/{entryValue}/status");
    operation(&mut new, "/api/atlas/v2/groups/{groupId}/clusters", "get")["operationId"] =
        "listAllClusters".into();
    let parameters =
        operation(&mut new, "/api/atlas/v2/groups/{groupId}/alerts", "get")["parameters"]
            .as_array_mut()
            .unwrap();
    parameters.push(serde_json::json!(
        {"name": "severity", "in": "query", "required": true, "schema": {"type": "string"}}
    ));
    parameters.push(serde_json::json!(
        {"name": "since", "in": "query", "schema": {"type": "string", "format": "date-time"}}
    ));
    // A field removed, one retyped, one required in a request body.
    let team = schema(&mut new, "TeamRole")["properties"]
        .as_object_mut()
        .unwrap();
    team.remove("roleNames").expect("TeamRole.roleNames");
    team["teamId"] = serde_json::json!({"type": "integer", "format": "int64"});
    schema(&mut new, "NetworkPermissionEntry")
        .as_object_mut()
        .unwrap()
        .insert("required".into(), serde_json::json!(["comment"]));
    // An enum value removed and one added; a discriminator value removed.
    let regions = schema(&mut new, "ApiStreamsGCPRegionView")["enum"]
        .as_array_mut()
        .unwrap();
    regions.retain(|v| v != "US_EAST4");
    regions.push("MARS_NORTH1".into());
    let mapping = schema(&mut new, "DataLakeStoreSettings")
        .pointer_mut("/discriminator/mapping")
        .and_then(|m| m.as_object_mut())
        .expect("DataLakeStoreSettings mapping");
    mapping.remove("http").expect("the http store");
    // A versioned media type changed.
    let responses = &mut operation(
        &mut new,
        "/api/atlas/v2/groups/{groupId}/clusters/{clusterName}",
        "get",
    )["responses"]["200"]["content"];
    let content = responses.as_object_mut().unwrap();
    let (media_type, body) = content
        .iter()
        .next_back()
        .map(|(k, v)| (k.clone(), v.clone()))
        .unwrap();
    content.remove(&media_type);
    content.insert("application/vnd.atlas.2026-01-01+json".into(), body);

    let old_api = api(
        "atlas-admin-api-v2-2025-06-30.json",
        &serde_json::to_string(&old).unwrap(),
    );
    let new_api = api("edited.json", &serde_json::to_string(&new).unwrap());
    let report = atlas_codegen::diff::diff(&old_api, &new_api);
    let lines = lines(&report);
    let expected = [
        "breaking operation_removed operation get_project_ip_access_list_status: removed",
        "breaking operation_renamed operation list_clusters: renamed to list_all_clusters",
        "breaking required_parameter_added operation list_alerts: required parameter severity added",
        "additive optional_parameter_added operation list_alerts: optional parameter since added",
        "breaking field_removed model TeamRole: field role_names removed",
        "breaking field_type_changed model TeamRole: field team_id changed type from Option<String> to Option<i64>",
        "breaking field_now_required model NetworkPermissionEntry: field comment is now required",
        "breaking enum_value_removed model ApiStreamsGCPRegionView: value \"US_EAST4\" removed",
        "additive enum_value_added model ApiStreamsGCPRegionView: value \"MARS_NORTH1\" added",
        "breaking discriminator_value_removed model DataLakeStoreSettings: discriminator value \"http\" removed",
        // Without its mapping entry, the variant is selected by its schema name.
        "additive discriminator_value_added model DataLakeStoreSettings: discriminator value \"DataLakeHTTPStore\" added",
        "breaking media_type_changed operation get_cluster: versioned media type changed from",
    ];
    for prefix in expected {
        assert!(
            lines.iter().any(|l| l.starts_with(prefix)),
            "no change starts with {prefix:?}: {lines:#?}"
        );
    }
    assert_eq!(lines.len(), expected.len(), "{lines:#?}");
    assert_eq!(report.next_version("0.1.0"), "0.2.0");
}
