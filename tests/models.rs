//! How the generated models behave: the committed `atlas_admin` crate, and the fixture specs
//! compiled by `atlas-fixtures` (generated from a build script).

use std::str::FromStr;

use serde_json::{Value, json};

mod open_enums {
    use super::*;
    use atlas_admin::models::{DatabaseUserRole, DatabaseUserRoleName};

    #[test]
    fn a_custom_role_name_decodes_and_is_written_back_unchanged() {
        let role: DatabaseUserRole = serde_json::from_value(json!({
            "databaseName": "admin",
            "roleName": "myCustomRole"
        }))
        .unwrap();
        assert_eq!(
            role.role_name,
            DatabaseUserRoleName::Unknown("myCustomRole".into())
        );
        assert_eq!(role.role_name.as_str(), "myCustomRole");
        assert_eq!(
            serde_json::to_value(&role).unwrap(),
            json!({"databaseName": "admin", "roleName": "myCustomRole"})
        );
    }

    #[test]
    fn listed_values_decode_to_their_variant_and_print_as_written() {
        let name: DatabaseUserRoleName = serde_json::from_str("\"readWriteAnyDatabase\"").unwrap();
        assert_eq!(name, DatabaseUserRoleName::ReadWriteAnyDatabase);
        assert_eq!(name.to_string(), "readWriteAnyDatabase");
        assert_eq!(
            DatabaseUserRoleName::from_str("atlasAdmin"),
            Ok(DatabaseUserRoleName::AtlasAdmin)
        );
        assert_eq!(
            DatabaseUserRoleName::from("backup"),
            DatabaseUserRoleName::Backup
        );
        assert_eq!(
            serde_json::to_string(&DatabaseUserRoleName::AtlasAdmin).unwrap(),
            "\"atlasAdmin\""
        );
    }

    #[test]
    fn a_non_string_is_an_error() {
        let error = serde_json::from_value::<DatabaseUserRoleName>(json!(7)).unwrap_err();
        assert!(error.to_string().contains("a string"), "{error}");
    }

    #[test]
    fn odd_values_have_the_contract_names() {
        use atlas_fixtures::enums::models::{Analyzer, DatabaseName, RoleName, Status};
        assert_eq!(Analyzer::from("lucene.standard"), Analyzer::LuceneStandard);
        assert_eq!(DatabaseName::from("$external"), DatabaseName::External);
        assert_eq!(RoleName::from("GROUP_OWNER"), RoleName::GroupOwner);
        // The placeholder is not a variant: it is just another unknown value.
        assert_eq!(
            RoleName::from("<a custom role name>"),
            RoleName::Unknown("<a custom role name>".into())
        );
        // A value named like the catch-all keeps its own variant.
        assert_eq!(Status::from("UNKNOWN"), Status::UnknownValue);
        assert_eq!(Status::from("foo-bar"), Status::FooBar);
        assert_eq!(Status::from("FOO_BAR"), Status::FooBar2);
        assert_eq!(Status::from("1"), Status::V1);
        assert_eq!(Status::from(""), Status::Empty);
        assert_eq!(Status::from("self"), Status::SelfValue);
        for value in ["UNKNOWN", "foo-bar", "FOO_BAR", "1", "", "self", "other"] {
            assert_eq!(Status::from(value).as_str(), value);
        }
    }

    #[test]
    fn debug_prints_what_derive_would() {
        // String enums write their `Debug` by hand (one call for all named variants); it
        // must print exactly what `#[derive(Debug)]` does.
        use atlas_fixtures::enums::models::Status;
        #[derive(Debug)]
        #[allow(dead_code)] // Read by `Debug` only.
        enum Derived {
            FooBar2,
            UnknownValue,
            Unknown(String),
        }
        let pairs = [
            (Status::FooBar2, Derived::FooBar2),
            (Status::UnknownValue, Derived::UnknownValue),
            (
                Status::Unknown("x\"y".into()),
                Derived::Unknown("x\"y".into()),
            ),
        ];
        for (generated, derived) in pairs {
            assert_eq!(format!("{generated:?}"), format!("{derived:?}"));
            assert_eq!(format!("{generated:#?}"), format!("{derived:#?}"));
        }
        assert_eq!(
            format!("{:?}", DatabaseUserRoleName::ReadWriteAnyDatabase),
            "ReadWriteAnyDatabase"
        );
        assert_eq!(
            format!("{:?}", Some(DatabaseUserRoleName::Unknown("r".into()))),
            "Some(Unknown(\"r\"))"
        );
    }
}

mod tagged_unions {
    use super::*;
    use atlas_admin::models::{
        DataLakeIngestionPipeline, IngestionSink, IngestionSource, OrgUserResponse,
        SearchIndexResponse,
    };

    fn example(name: &str) -> Value {
        let path = atlas_codegen_tests::workspace_root()
            .join(format!("generated/tests/examples/{name}.json"));
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn a_vector_index_keeps_its_fields() {
        let value = example("get_atlas_search_index_by_name_200_vector_search_index");
        let index: SearchIndexResponse = serde_json::from_value(value.clone()).unwrap();
        let SearchIndexResponse::VectorSearch(vector) = &index else {
            panic!("expected a vector index, got {index:?}");
        };
        let fields = vector
            .latest_definition
            .as_ref()
            .unwrap()
            .fields
            .as_ref()
            .unwrap();
        assert_eq!(
            fields.len(),
            value["latestDefinition"]["fields"]
                .as_array()
                .unwrap()
                .len()
        );
        assert_eq!(index.tag(), Some("vectorSearch"));
        assert_eq!(
            serde_json::to_value(&index).unwrap()["type"],
            "vectorSearch"
        );
    }

    #[test]
    fn a_text_index_is_the_search_variant() {
        let index: SearchIndexResponse = serde_json::from_value(example(
            "get_atlas_search_index_by_name_200_text_search_index",
        ))
        .unwrap();
        let SearchIndexResponse::Search(text) = index else {
            panic!("expected a text index")
        };
        assert!(text.latest_definition.unwrap().mappings.dynamic.is_some());
    }

    #[test]
    fn active_and_pending_users_decode_into_their_variants() {
        let active: OrgUserResponse =
            serde_json::from_value(example("add_project_role_200_active_user")).unwrap();
        let OrgUserResponse::Active(user) = &active else {
            panic!("{active:?}")
        };
        assert_eq!(user.first_name, "John");
        let pending: OrgUserResponse =
            serde_json::from_value(example("add_project_role_200_pending_user")).unwrap();
        assert!(
            matches!(pending, OrgUserResponse::Pending(_)),
            "{pending:?}"
        );
    }

    #[test]
    fn pipeline_source_and_sink_keep_everything() {
        let pipeline: DataLakeIngestionPipeline =
            serde_json::from_value(example("create_pipeline_200_created_pipeline")).unwrap();
        match pipeline.source.as_ref().unwrap() {
            IngestionSource::OnDemandCps(s) => assert!(s.cluster_name.is_some()),
            IngestionSource::PeriodicCps(s) => assert!(s.cluster_name.is_some()),
            other => panic!("unexpected source {other:?}"),
        }
        assert!(matches!(pipeline.sink, Some(IngestionSink::Dls(_))));
        let periodic: IngestionSource = serde_json::from_value(json!({
            "type": "PERIODIC_CPS", "clusterName": "c", "policyItemId": "32b6e34b3d91647abb20e7b8"
        }))
        .unwrap();
        let IngestionSource::PeriodicCps(source) = &periodic else {
            panic!("{periodic:?}")
        };
        assert_eq!(
            source.policy_item_id.as_deref(),
            Some("32b6e34b3d91647abb20e7b8")
        );
    }

    #[test]
    fn an_unknown_discriminator_value_is_kept_whole_and_written_back_unchanged() {
        let value = json!({"type": "lexicalSearch", "name": "idx", "future": {"nested": [1, 2]}});
        let index: SearchIndexResponse = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(index, SearchIndexResponse::Unknown(value.clone()));
        assert_eq!(index.tag(), None);
        assert_eq!(serde_json::to_value(&index).unwrap(), value);
    }

    #[test]
    fn a_missing_discriminator_is_the_default_and_a_malformed_one_an_error() {
        // The spec documents `search` as the default type.
        let missing: SearchIndexResponse = serde_json::from_value(json!({"name": "idx"})).unwrap();
        assert!(
            matches!(missing, SearchIndexResponse::Search(_)),
            "{missing:?}"
        );
        let number = serde_json::from_value::<SearchIndexResponse>(json!({"type": 3})).unwrap_err();
        assert!(number.to_string().contains("must be a string"), "{number}");
        let array = serde_json::from_value::<SearchIndexResponse>(json!([1])).unwrap_err();
        assert!(array.to_string().contains("expected an object"), "{array}");
    }

    #[test]
    fn a_known_tag_with_a_bad_body_is_an_error_not_unknown() {
        let error = serde_json::from_value::<OrgUserResponse>(
            json!({"orgMembershipStatus": "ACTIVE", "id": "x"}),
        )
        .unwrap_err();
        assert!(error.to_string().contains("missing field"), "{error}");
    }

    #[test]
    fn a_variant_that_is_only_its_tag_round_trips() {
        use atlas_fixtures::discriminated::models::Marker;
        let marker: Marker = serde_json::from_value(json!({"kind": "empty"})).unwrap();
        assert!(matches!(marker, Marker::Empty(_)), "{marker:?}");
        assert_eq!(
            serde_json::to_value(&marker).unwrap(),
            json!({"kind": "empty"})
        );
        // Keys it does not know are kept, and written back after the tag.
        let value = json!({"kind": "empty", "extra": [1, {"a": null}]});
        let marker: Marker = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(serde_json::to_value(&marker).unwrap(), value);
    }

    #[test]
    fn the_circular_form_decodes_like_the_plain_form() {
        use atlas_fixtures::{circular, discriminated};
        let value = json!({"type": "vectorSearch", "name": "v", "fields": [{"path": "embedding"}]});
        let plain: discriminated::models::SearchIndexResponse =
            serde_json::from_value(value.clone()).unwrap();
        let circular: circular::models::SearchIndexResponse =
            serde_json::from_value(value.clone()).unwrap();
        assert_eq!(serde_json::to_value(&plain).unwrap(), value);
        assert_eq!(serde_json::to_value(&circular).unwrap(), value);
        let circular::models::SearchIndexResponse::VectorSearch(v) = circular else {
            panic!()
        };
        assert_eq!(v.fields.unwrap().len(), 1);
        let user: circular::models::OrgUserResponse = serde_json::from_value(
            json!({"orgMembershipStatus": "ACTIVE", "id": "1", "firstName": "Ada"}),
        )
        .unwrap();
        let circular::models::OrgUserResponse::Active(active) = user else {
            panic!()
        };
        assert_eq!(
            (active.id.as_str(), active.first_name.as_str()),
            ("1", "Ada")
        );
    }
}

mod structs {
    use super::*;

    #[test]
    fn optional_fields_are_omitted_when_none_and_nullable_reads_null() {
        use atlas_fixtures::nullable::models::AccessLog;
        let log: AccessLog = serde_json::from_value(
            json!({"failureReason": null, "comment": null, "tags": ["a", null]}),
        )
        .unwrap();
        assert_eq!(log.failure_reason, None);
        assert_eq!(log.comment, None);
        assert_eq!(log.tags, Some(vec![Some("a".to_string()), None]));
        // Required and nullable: written as null; optional: left out.
        assert_eq!(
            serde_json::to_value(AccessLog {
                failure_reason: None,
                comment: None,
                tags: None,
                unknown_fields: Default::default(),
            })
            .unwrap(),
            json!({"failureReason": null})
        );
    }

    #[test]
    fn unknown_keys_are_skipped_whatever_they_hold_and_the_last_duplicate_wins() {
        use atlas_fixtures::required_optional::models::Cluster;
        let text = r#"{"future": {"deep": [1, [2, {"x": null}]]}, "name": "a", "paused": true, "name": "b", "n\u0061me2": 1}"#;
        let cluster: Cluster = serde_json::from_str(text).unwrap();
        assert_eq!((cluster.name.as_str(), cluster.paused), ("b", Some(true)));
        // Escaped keys (which cannot be borrowed from the input) are matched too.
        let escaped: Cluster = serde_json::from_str(r#"{"n\u0061me": "c"}"#).unwrap();
        assert_eq!(escaped.name, "c");
        let error = serde_json::from_str::<Cluster>("[1, 2]").unwrap_err();
        assert!(
            error.to_string().contains("expected a Cluster object"),
            "{error}"
        );
        let error = serde_json::from_str::<Cluster>(r#"{"name": 7}"#).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("invalid type: integer `7`, expected a string"),
            "{error}"
        );
    }

    #[test]
    fn a_missing_required_field_is_an_error() {
        use atlas_fixtures::required_optional::models::Cluster;
        let error = serde_json::from_value::<Cluster>(json!({"paused": true})).unwrap_err();
        assert!(
            error.to_string().contains("missing field `name`"),
            "{error}"
        );
    }

    #[test]
    fn formats_map_to_rust_types() {
        use atlas_fixtures::formats::models::Measurements;
        let value = json!({
            "small": 2147483647, "large": 9007199254740993i64, "plain": -1, "ratio": 0.5,
            "createdAt": "2025-05-04T09:42:00Z", "day": "2025-05-04", "email": "a@example.com",
            "matrix": [[1, 2], [3]], "anything": {"x": [true]}, "object": {"k": 1}
        });
        let m: Measurements = serde_json::from_value(value.clone()).unwrap();
        let small: Option<i32> = m.small;
        let large: Option<i64> = m.large;
        assert_eq!((small, large), (Some(i32::MAX), Some(9007199254740993)));
        assert_eq!(m.created_at.unwrap().timestamp(), 1746351720);
        assert_eq!(m.day.unwrap().to_string(), "2025-05-04");
        assert_eq!(serde_json::to_value(&m).unwrap(), value);
        assert!(serde_json::from_value::<Measurements>(json!({"small": 2147483648i64})).is_err());
        assert!(serde_json::from_value::<Measurements>(json!({"createdAt": "yesterday"})).is_err());
    }

    #[test]
    fn a_struct_of_optional_fields_reads_each_key_into_its_field() {
        // Every field optional: read straight into a default value, by the same rules as a
        // struct with required fields.
        use atlas_fixtures::formats::models::{Measurements, codec};
        let text = br#"{"small": 1, "flag": true, "future": {"x": [null]}, "small": null, "large": 2, "l\u0061rge": 3}"#;
        let m: Measurements = codec::from_slice(text).unwrap();
        let mut unknown_fields = serde_json::Map::new();
        unknown_fields.insert("future".to_string(), json!({"x": [null]}));
        assert_eq!(
            m,
            Measurements {
                large: Some(3),
                flag: Some(true),
                unknown_fields,
                ..Measurements::default()
            }
        );
        let empty: Measurements = codec::from_slice(b" {} ").unwrap();
        assert_eq!(empty, Measurements::default());
        let error = codec::from_slice::<Measurements>(b"[1]").unwrap_err();
        assert!(
            error.to_string().contains("expected a Measurements object"),
            "{error}"
        );
        let error =
            codec::from_slice::<Measurements>(br#"{"flag": true, "ratio": "x"}"#).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("invalid type: string \"x\", expected f64 at line 1 column 27"),
            "{error}"
        );
    }

    #[test]
    fn keyword_and_odd_property_names_round_trip() {
        use atlas_fixtures::keywords::models::Odd;
        let value = json!({"type": "t", "self": "s", "match": true, "_id": "i", "indexID": "x", "1st": 1, "include | exclude": "e", "async": "a"});
        let odd: Odd = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(
            (odd.r#type.as_str(), odd.self_.as_deref(), odd.id.as_deref()),
            ("t", Some("s"), Some("i"))
        );
        assert_eq!(serde_json::to_value(&odd).unwrap(), value);
    }

    #[test]
    fn all_of_merges_and_narrows() {
        use atlas_fixtures::allof::models::{Definition, Described, TextDefinition, TextIndex};
        let index = TextIndex {
            id: "1".into(),
            definition: Some(TextDefinition {
                num_partitions: Some(2),
                analyzer: Some("lucene.standard".into()),
                ..Default::default()
            }),
            analyzer: "a".into(),
            unknown_fields: Default::default(),
        };
        assert_eq!(
            serde_json::to_value(&index).unwrap(),
            json!({"id": "1", "definition": {"numPartitions": 2, "analyzer": "lucene.standard"}, "analyzer": "a"})
        );
        let described: Described = Definition::default();
        assert_eq!(described.num_partitions, None);
    }

    #[test]
    fn untagged_unions_pick_the_variant_that_fits() {
        use atlas_fixtures::untagged::models::{Identifier, IndexDefinitionStoredSource as Stored};
        assert_eq!(
            serde_json::from_value::<Stored>(json!(true)).unwrap(),
            Stored::Bool(true)
        );
        let Stored::Object(object) =
            serde_json::from_value::<Stored>(json!({"include": ["a"]})).unwrap()
        else {
            panic!("expected the object variant")
        };
        assert_eq!(object.include, Some(vec!["a".to_string()]));
        assert_eq!(
            serde_json::from_value::<Identifier>(json!(7)).unwrap(),
            Identifier::Integer(7)
        );
        assert_eq!(
            serde_json::from_value::<Identifier>(json!("x")).unwrap(),
            Identifier::String("x".into())
        );
        assert!(serde_json::from_value::<Identifier>(json!([])).is_err());
    }

    #[test]
    fn the_best_fitting_variant_wins_and_nothing_is_dropped() {
        use atlas_fixtures::untagged::models::{
            HardwareSpec, HardwareSpecVariant, Pair, Provider, SizedSpec,
        };
        let gcp = json!({"instanceSize": "M10", "zone": "europe-west1-b"});
        let provider: Provider = serde_json::from_value(gcp.clone()).unwrap();
        assert!(matches!(provider, Provider::Gcp(_)), "{provider:?}");
        assert_eq!(serde_json::to_value(&provider).unwrap(), gcp);
        let aws = json!({"instanceSize": "M10", "ebsVolumeType": "gp3"});
        assert!(matches!(
            serde_json::from_value::<Provider>(aws).unwrap(),
            Provider::Aws(_)
        ));
        // Equal fits: the first declared.
        assert!(matches!(
            serde_json::from_value::<Provider>(json!({"instanceSize": "M10"})).unwrap(),
            Provider::Aws(_)
        ));

        let spec = json!({"nodeCount": 3, "instanceSize": "M10", "zone": "z"});
        let hardware: HardwareSpec = serde_json::from_value(spec.clone()).unwrap();
        assert_eq!(hardware.node_count, Some(3));
        assert!(
            matches!(hardware.variant, HardwareSpecVariant::Gcp(_)),
            "{hardware:?}"
        );
        assert_eq!(serde_json::to_value(&hardware).unwrap(), spec);
        // A key neither part knows is kept by the flattened variant and written once, and so
        // is the outer struct's own key, which the variant sees too.
        let future = json!({"nodeCount": 3, "instanceSize": "M10", "zone": "z", "future": [1]});
        let hardware: HardwareSpec = serde_json::from_value(future.clone()).unwrap();
        let text =
            String::from_utf8(atlas_fixtures::untagged::models::codec::to_vec(&hardware)).unwrap();
        assert_eq!(text.matches("nodeCount").count(), 1, "{text}");
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), future);

        let sized: SizedSpec =
            serde_json::from_value(json!({"instanceSize": "M10", "zone": "z"})).unwrap();
        assert!(matches!(sized, SizedSpec::Gcp(_)));
        let pair: Pair = serde_json::from_value(json!({"a": "x"})).unwrap();
        assert_eq!(pair.a.as_deref(), Some("x"));
    }

    #[test]
    fn additional_properties_are_maps() {
        use atlas_fixtures::additional_properties::models::{HostStatus, Mappings};
        let value = json!({"fields": {"a": {"x": 1}}, "statuses": {"h1": {"ready": true}}, "counts": {"n": 3}, "labels": {"l": null}});
        let mappings: Mappings = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(
            mappings.statuses.as_ref().unwrap()["h1"],
            HostStatus {
                ready: Some(true),
                ..Default::default()
            }
        );
        assert_eq!(mappings.labels.as_ref().unwrap()["l"], None);
        assert_eq!(serde_json::to_value(&mappings).unwrap(), value);
    }

    #[test]
    fn recursive_schemas_nest() {
        use atlas_fixtures::recursive::models::{Expression, TreeNode};
        let value =
            json!({"name": "root", "parent": {"name": "up"}, "children": [{"name": "leaf"}]});
        let node: TreeNode = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(node.parent.as_ref().unwrap().name.as_deref(), Some("up"));
        assert_eq!(serde_json::to_value(&node).unwrap(), value);
        let expression = json!({"kind": "not", "operand": {"kind": "not", "operand": {"kind": "literal", "value": true}}});
        let decoded: Expression = serde_json::from_value(expression.clone()).unwrap();
        assert_eq!(serde_json::to_value(&decoded).unwrap(), expression);
    }

    #[test]
    #[allow(deprecated)]
    fn deprecated_models_still_work() {
        use atlas_fixtures::deprecation::models::{LegacyMode, Project};
        let project: Project =
            serde_json::from_value(json!({"oldName": "x", "pipeline": {"name": "p"}})).unwrap();
        assert_eq!(project.old_name.as_deref(), Some("x"));
        assert_eq!(LegacyMode::from("BATCH"), LegacyMode::Batch);
    }

    #[test]
    fn name_collisions_get_distinct_names() {
        use atlas_fixtures::collisions::models::{
            Cluster, Cluster2, ClusterState, ClusterState2, ResultModel,
        };
        let cluster: Cluster =
            serde_json::from_value(json!({"state": "IDLE", "fooBar": "a", "foo_bar": "b"}))
                .unwrap();
        assert_eq!(cluster.state, Some(ClusterState2::Idle));
        assert_eq!(
            (cluster.foo_bar.as_deref(), cluster.foo_bar_2.as_deref()),
            (Some("a"), Some("b"))
        );
        let _ = (
            Cluster2::default(),
            ClusterState::default(),
            ResultModel::default(),
        );
    }
}

/// What a spec leaves open is open, for every spec (`tests/fixtures/tolerance.yaml`, shaped like
/// the official Atlas spec's `BasicDBObject` and search index unions).
mod tolerance {
    use super::*;
    use atlas_fixtures::tolerance::models::{
        Holder, Index, Keyed, KeyedB, Shape, TextIndex, codec,
    };

    fn decode<T: codec::Decode>(value: Value) -> Result<T, String> {
        codec::from_slice(value.to_string().as_bytes()).map_err(|e| e.to_string())
    }

    #[test]
    fn an_object_that_constrains_nothing_is_any_json() {
        let body = json!({
            "name": "n",
            "document": {"type": "mapping", "min": 2, "nested": {"a": [1]}},
            "empty": [1, "two"],
            "anything": {"k": "v", "n": 1},
            "strings": {"a": "b"},
            "list": [{"a": 1}, "text"],
            "closed": {}
        });
        let holder: Holder = decode(body.clone()).unwrap();
        assert_eq!(holder.document, Some(body["document"].clone()));
        assert_eq!(holder.empty, Some(json!([1, "two"])));
        assert_eq!(codec::to_value(&holder).unwrap(), body);
        // A schema that does constrain its values still checks them.
        let error = decode::<Holder>(json!({"name": "n", "strings": {"a": 1}})).unwrap_err();
        assert!(error.contains("expected a string"), "{error}");
    }

    #[test]
    fn null_for_an_optional_field_is_absent() {
        let holder: Holder = decode(json!({"name": "n", "note": null, "document": null})).unwrap();
        assert_eq!((holder.note, holder.document), (None, None));
        // A required field is still required.
        assert!(decode::<Holder>(json!({"name": null})).is_err());
    }

    #[test]
    fn a_missing_tag_takes_the_default_the_description_documents() {
        let index: Index = decode(json!({"name": "n", "analyzer": "lucene.simple"})).unwrap();
        let Index::Search(TextIndex { analyzer, .. }) = &index else {
            panic!("the documented default, search: {index:?}");
        };
        assert_eq!(analyzer.as_deref(), Some("lucene.simple"));
        // Written back with its tag.
        assert_eq!(codec::to_value(&index).unwrap()["type"], json!("search"));
    }

    #[test]
    fn a_missing_tag_takes_the_default_keyword() {
        let keyed: Keyed = decode(json!({"label": "x"})).unwrap();
        assert!(
            matches!(keyed, Keyed::B(KeyedB { ref label, .. }) if label.as_deref() == Some("x"))
        );
    }

    #[test]
    fn a_missing_tag_without_a_default_is_unknown_whole() {
        let body = json!({"radius": 2.5});
        let shape: Shape = decode(body.clone()).unwrap();
        assert_eq!(shape, Shape::Unknown(body.clone()));
        assert_eq!(codec::to_value(&shape).unwrap(), body);
    }

    #[test]
    fn a_tag_of_the_wrong_json_type_is_still_an_error() {
        for tag in [json!(1), json!(null), json!({"a": 1}), json!(["search"])] {
            let error = decode::<Index>(json!({"name": "n", "type": tag})).unwrap_err();
            assert!(error.contains("`type` must be a string"), "{tag}: {error}");
        }
    }

    #[test]
    fn unknown_keys_are_kept_and_written_back() {
        let body = json!({"name": "n", "type": "search", "storedSource": true, "x": {"y": null}});
        let index: Index = decode(body.clone()).unwrap();
        let Index::Search(text) = &index else {
            panic!("search");
        };
        assert_eq!(text.unknown_fields.len(), 2, "{:?}", text.unknown_fields);
        assert_eq!(codec::to_value(&index).unwrap(), body);
    }
}

/// Structs with required fields have a constructor taking exactly those.
mod constructors {
    use atlas_admin::models::{CloudDatabaseUser, CloudDatabaseUserDatabaseName};
    use serde_json::json;

    #[test]
    fn new_takes_the_required_fields_and_leaves_the_rest_empty() {
        let mut user = CloudDatabaseUser::new(CloudDatabaseUserDatabaseName::Admin, "ada");
        assert_eq!(user.username, "ada");
        assert!(user.roles.is_none() && user.group_id.is_none() && user.unknown_fields.is_empty());
        user.description = Some("d".into());
        user.group_id = Some("32b6e34b3d91647abb20e7b8".into());
        assert_eq!(
            serde_json::to_value(&user).unwrap(),
            json!({"databaseName": "admin", "groupId": "32b6e34b3d91647abb20e7b8", "username": "ada", "description": "d"})
        );
    }
}

/// Unions the spec marks open (`x-atlas-open: true`, `tests/fixtures/open.yaml`): a value none
/// of their variants decodes is `Unknown`, kept whole and written back unchanged, where the
/// same union without the mark refuses it.
mod open_unions {
    use super::*;
    use atlas_fixtures::open::models::codec::{self, Decode, Encode, from_slice};
    use atlas_fixtures::open::models::{
        Closed, Definition, DefinitionLabels, DefinitionMultiValue, Field, Hardware,
        HardwareVariant, Mapping,
    };

    /// Decodes `value` as `T` and checks it encodes back to the same JSON.
    fn round_trip<T: Decode + Encode>(value: &Value) -> T {
        let decoded: T =
            from_slice(value.to_string().as_bytes()).unwrap_or_else(|e| panic!("{value}: {e}"));
        assert_eq!(&codec::to_value(&decoded).unwrap(), value);
        decoded
    }

    #[test]
    fn a_value_no_variant_decodes_is_unknown_and_written_back_unchanged() {
        let one = json!({"type": "string", "size": 3});
        assert!(matches!(
            round_trip::<Mapping>(&one),
            Mapping::Definition(_)
        ));
        let several = json!([{"type": "string"}, {"type": "document"}]);
        assert!(matches!(round_trip::<Mapping>(&several), Mapping::List(_)));
        // A member of another shape than the variant's (a string size), an item of another
        // shape, and values of other JSON types.
        for other in [
            json!({"type": "string", "size": "large"}),
            json!([{"type": "string"}, "document"]),
            json!("string"),
            json!(7),
            json!(true),
            json!(null),
        ] {
            assert_eq!(
                round_trip::<Mapping>(&other),
                Mapping::Unknown(other.clone())
            );
            assert!(
                from_slice::<Closed>(other.to_string().as_bytes()).is_err(),
                "the closed union refuses {other}"
            );
        }
        // Input that is not JSON is still an error.
        assert!(from_slice::<Mapping>(br#"{"type": "#).is_err());
    }

    #[test]
    fn a_lone_open_member_is_a_union_of_it_and_unknown() {
        let definition = json!({
            "type": "string",
            "multi": {"english": {"type": "string", "size": 2}, "odd": ["not", "a", "definition"]},
            "labels": ["a", "b"]
        });
        let decoded: Definition = round_trip(&definition);
        let alternates = decoded.multi.unwrap();
        assert!(matches!(
            alternates["english"],
            DefinitionMultiValue::Definition(_)
        ));
        assert_eq!(
            alternates["odd"],
            DefinitionMultiValue::Unknown(json!(["not", "a", "definition"]))
        );
        assert_eq!(
            decoded.labels,
            Some(DefinitionLabels::List(vec!["a".into(), "b".into()]))
        );
        let decoded: Definition = round_trip(&json!({"labels": {"a": 1}}));
        assert_eq!(
            decoded.labels,
            Some(DefinitionLabels::Unknown(json!({"a": 1})))
        );
    }

    #[test]
    fn an_open_tagged_union_keeps_a_known_kind_of_another_shape_whole() {
        let vector = json!({"type": "vector", "path": "p", "numDimensions": 3});
        let Field::Vector(field) = round_trip::<Field>(&vector) else {
            panic!("a vector field");
        };
        assert_eq!(field.num_dimensions, 3);
        for other in [
            json!({"type": "vector", "path": "p", "numDimensions": "many"}),
            json!({"type": "filter"}),
            json!({"type": 7, "path": "p"}),
            json!({"type": "autoEmbed", "path": "p"}),
            json!(["vector"]),
            json!("vector"),
        ] {
            let field: Field = round_trip(&other);
            assert_eq!(field, Field::Unknown(other.clone()));
            assert_eq!(field.tag(), None);
        }
    }

    #[test]
    fn properties_beside_an_open_oneof_stay_typed_and_are_written_once() {
        let body = json!({"nodeCount": 3, "instanceSize": 10, "region": "eu"});
        let hardware: Hardware = round_trip(&body);
        assert_eq!(hardware.node_count, Some(3));
        assert_eq!(hardware.variant, HardwareVariant::Unknown(body.clone()));
        let gcp = json!({"nodeCount": 3, "instanceSize": "M10", "zone": "z"});
        let hardware: Hardware = round_trip(&gcp);
        assert!(matches!(hardware.variant, HardwareVariant::Gcp(_)));
    }
}
