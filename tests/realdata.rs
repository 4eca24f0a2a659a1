//! Real Atlas payloads (`tests/realdata/`, copied from `shared/realdata`; `SOURCES.md` there
//! says where each came from and how it differs from the official spec) decode into the
//! crate's models as the client decodes them, and encode back to the same JSON: nothing the
//! server sent is lost on a read-modify-write.
//!
//! The spec is a claim about the server; these bodies are what it sends. A payload that does
//! not decode is a bug in our spec or in the generator, never a reason to special-case a file.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use atlas_admin::models::codec::{self, Decode, Encode};
use atlas_admin::models::*;
use serde_json::{Value, json};

fn realdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("realdata")
}

fn read(file: &str) -> Vec<u8> {
    std::fs::read(realdata().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// Decodes a body as the client does and encodes it again: the JSON it encodes to, or why it
/// did not decode.
fn round_trip<T: Decode + Encode>(bytes: &[u8]) -> Result<Value, String> {
    let decoded: T = codec::from_slice(bytes).map_err(|e| e.to_string())?;
    let encoded = codec::to_vec(&decoded);
    let again: T = codec::from_slice(&encoded)
        .map_err(|e| format!("the re-encoded body does not decode: {e}"))?;
    if codec::to_vec(&again) != encoded {
        return Err("a second round trip changed the body".to_string());
    }
    serde_json::from_slice(&encoded).map_err(|e| e.to_string())
}

type Check = fn(&[u8]) -> Result<Value, String>;

/// How a re-encoded body may differ from the payload: not at all, or by the discriminator
/// an index without `type` was read with (its documented default, which is written back).
#[derive(Clone, Copy, PartialEq)]
enum Expect {
    Same,
    DefaultType,
}

use Expect::*;

/// Every payload, with the model it is a body of.
const PAYLOADS: &[(&str, Check, Expect)] = &[
    (
        "access_logs/by-cluster-empty.json",
        round_trip::<MongoDBAccessLogsList>,
        Same,
    ),
    (
        "access_logs/by-cluster-failed-auth-json-loglines.json",
        round_trip::<MongoDBAccessLogsList>,
        Same,
    ),
    (
        "access_logs/by-cluster-success-failureReason-null.json",
        round_trip::<MongoDBAccessLogsList>,
        Same,
    ),
    (
        "api_error/400-termination-protection-sentence-parameter.json",
        round_trip::<ApiError>,
        Same,
    ),
    (
        "api_error/401-unauthorized-no-errorCode.json",
        round_trip::<ApiError>,
        Same,
    ),
    (
        "api_error/401-unauthorized-no-parameters.json",
        round_trip::<ApiError>,
        Same,
    ),
    (
        "api_error/404-cluster-not-found.json",
        round_trip::<ApiError>,
        Same,
    ),
    (
        "api_error/404-errorCode-null-parameters-null.json",
        round_trip::<ApiError>,
        Same,
    ),
    (
        "api_error/409-user-already-exists.json",
        round_trip::<ApiError>,
        Same,
    ),
    (
        "api_error/500-unexpected-error.json",
        round_trip::<ApiError>,
        Same,
    ),
    (
        "cluster_search_index_deprecated/fts-custom-analyzers-static-mapping.json",
        round_trip::<ClusterSearchIndex>,
        Same,
    ),
    (
        "cluster_search_index_deprecated/fts-get-dynamic-fields-null.json",
        round_trip::<ClusterSearchIndex>,
        Same,
    ),
    (
        "cluster_search_index_deprecated/fts-list-array.json",
        round_trip::<Vec<ClusterSearchIndex>>,
        Same,
    ),
    // The body of a delete the spec documents as a 204: any JSON (the client does not read it).
    (
        "cluster_search_index_deprecated/fts-delete-202-empty-object.json",
        round_trip::<Value>,
        Same,
    ),
    (
        "cluster_search_index_deprecated/legacy-v1-list-no-type-multitype-title.json",
        round_trip::<Vec<ClusterSearchIndex>>,
        DefaultType,
    ),
    (
        "data_lake_pipeline/create-request-on-demand-cps-partition-fields.json",
        round_trip::<DataLakeIngestionPipeline>,
        Same,
    ),
    (
        "data_lake_pipeline/response-periodic-cps-dls-aws.json",
        round_trip::<DataLakeIngestionPipeline>,
        Same,
    ),
    (
        "database_users/list-33-users-scram-and-oidc.json",
        round_trip::<PaginatedApiAtlasDatabaseUserView>,
        Same,
    ),
    (
        "database_users/list-composite-scram-oidc-x509-awsiam.json",
        round_trip::<PaginatedApiAtlasDatabaseUserView>,
        Same,
    ),
    (
        "database_users/list-page2-previous-self-next-links.json",
        round_trip::<PaginatedApiAtlasDatabaseUserView>,
        Same,
    ),
    (
        "live_migration/create-response-pending.json",
        round_trip::<LiveMigrationResponse>,
        Same,
    ),
    (
        "live_migration/get-pending-not-ready-for-cutover.json",
        round_trip::<LiveMigrationResponse>,
        Same,
    ),
    (
        "org_user_response/active-all-six-org-roles.json",
        round_trip::<OrgUserResponse>,
        Same,
    ),
    (
        "org_user_response/active-member-of-team.json",
        round_trip::<OrgUserResponse>,
        Same,
    ),
    (
        "org_user_response/active-with-irish-mobile-number.json",
        round_trip::<OrgUserResponse>,
        Same,
    ),
    (
        "org_user_response/list-org-users-page-active-and-pending.json",
        round_trip::<PaginatedOrgUserView>,
        Same,
    ),
    (
        "org_user_response/pending-invited-user.json",
        round_trip::<OrgUserResponse>,
        Same,
    ),
    (
        "search_index_create_request/fts-production-docs-search-index.json",
        round_trip::<ClusterSearchIndex>,
        DefaultType,
    ),
    (
        "search_index_create_request/search-with-vector-field-quantization.json",
        round_trip::<SearchIndexCreateRequest>,
        Same,
    ),
    (
        "search_index_create_request/vector-indexingMethod-flat.json",
        round_trip::<SearchIndexCreateRequest>,
        Same,
    ),
    (
        "search_index_create_request/vector-with-filter-fields.json",
        round_trip::<SearchIndexCreateRequest>,
        Same,
    ),
    (
        "search_index_response/text-custom-analyzer-ngram-composed.json",
        round_trip::<SearchIndexResponse>,
        Same,
    ),
    (
        "search_index_response/text-dynamic-pending.json",
        round_trip::<SearchIndexResponse>,
        Same,
    ),
    (
        "search_index_response/text-multi-analyzer-nested-document.json",
        round_trip::<SearchIndexResponse>,
        Same,
    ),
    (
        "search_index_response/text-multitype-field-document-and-string.json",
        round_trip::<SearchIndexResponse>,
        Same,
    ),
    (
        "search_index_response/text-storedSource-include-object-composed.json",
        round_trip::<SearchIndexResponse>,
        Same,
    ),
    (
        "search_index_response/text-storedSource-true-composed.json",
        round_trip::<SearchIndexResponse>,
        Same,
    ),
    (
        "search_index_response/text-typeSets-dynamic-object-composed.json",
        round_trip::<SearchIndexResponse>,
        Same,
    ),
    (
        "search_index_response/text-updated-version-with-createdAt.json",
        round_trip::<SearchIndexResponse>,
        Same,
    ),
    (
        "search_index_response/vector-with-filter-fields-composed.json",
        round_trip::<SearchIndexResponse>,
        Same,
    ),
];

/// `null` members removed: an optional field sent as `null` is absent, and is left out when
/// written back.
fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(members) => Value::Object(
            members
                .into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

/// The payload as it is written back with the default `type` of an index that has none.
fn with_default_type(value: Value) -> Value {
    let add = |mut index: Value| {
        if let Some(members) = index.as_object_mut() {
            members.entry("type").or_insert(json!("search"));
        }
        index
    };
    match value {
        Value::Array(items) => Value::Array(items.into_iter().map(add).collect()),
        other => add(other),
    }
}

#[test]
fn every_real_payload_decodes_and_encodes_back_to_the_same_json() {
    let mut failures = Vec::new();
    for (file, check, expect) in PAYLOADS {
        let bytes = read(file);
        let sent: Value = serde_json::from_slice(&bytes).unwrap();
        let mut expected = without_nulls(sent);
        if *expect == DefaultType {
            expected = with_default_type(expected);
        }
        match check(&bytes) {
            Ok(written) if without_nulls(written.clone()) == expected => {}
            Ok(written) => failures.push(format!(
                "{file}: written back differently:\n  read:    {expected}\n  written: {written}"
            )),
            Err(error) => failures.push(format!("{file}: does not decode: {error}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} payloads:\n{}",
        failures.len(),
        PAYLOADS.len(),
        failures.join("\n")
    );
}

#[test]
fn every_payload_is_checked() {
    let mut on_disk = BTreeSet::new();
    for group in std::fs::read_dir(realdata()).unwrap() {
        let group = group.unwrap().path();
        if !group.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&group).unwrap() {
            let file = file.unwrap().path();
            let relative = file.strip_prefix(realdata()).unwrap();
            on_disk.insert(relative.to_string_lossy().replace('\\', "/"));
        }
    }
    let listed: BTreeSet<String> = PAYLOADS.iter().map(|(f, _, _)| f.to_string()).collect();
    assert_eq!(on_disk, listed, "tests/realdata and PAYLOADS differ");
    assert_eq!(listed.len(), 40);
}

/// What users need typed is typed: the payloads read as values of the spec's own types, not
/// only as JSON that survives.
mod typed {
    use super::*;

    fn decode<T: Decode>(file: &str) -> T {
        codec::from_slice(&read(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
    }

    /// A payload that is a text search index.
    pub(super) fn text_index(file: &str) -> TextSearchIndexResponse {
        match decode(file) {
            SearchIndexResponse::Search(index) => index,
            other => panic!("{file}: not a search index: {other:?}"),
        }
    }

    #[test]
    fn vector_index_fields_are_a_union_on_type() {
        let SearchIndexResponse::VectorSearch(index) =
            decode("search_index_response/vector-with-filter-fields-composed.json")
        else {
            panic!("a vectorSearch index");
        };
        let fields = index.latest_definition.unwrap().fields.unwrap();
        let [
            VectorSearchField::Vector(vector),
            VectorSearchField::Filter(genres),
            VectorSearchField::Filter(year),
        ] = fields.as_slice()
        else {
            panic!("one vector field and two filters: {fields:?}");
        };
        assert_eq!(vector.path, "plot_embedding");
        assert_eq!(vector.num_dimensions, 1536);
        assert_eq!(vector.similarity, VectorSimilarity::Euclidean);
        assert_eq!(
            (genres.path.as_str(), year.path.as_str()),
            ("genres", "year")
        );
    }

    #[test]
    fn indexing_method_and_quantization_are_typed_in_a_create_request() {
        let SearchIndexCreateRequest::VectorSearch(request) =
            decode("search_index_create_request/vector-indexingMethod-flat.json")
        else {
            panic!("a vectorSearch request");
        };
        let fields = request.definition.fields.unwrap();
        let VectorSearchField::Vector(vector) = &fields[0] else {
            panic!("a vector field first");
        };
        assert_eq!(
            vector.indexing_method,
            Some(VectorSearchVectorFieldIndexingMethod::Flat)
        );
        assert_eq!(vector.similarity, VectorSimilarity::DotProduct);
        assert!(
            vector.unknown_fields.is_empty(),
            "{:?}",
            vector.unknown_fields
        );
    }

    #[test]
    fn a_vector_field_kind_the_crate_does_not_know_is_kept_whole() {
        let body = json!({"type": "autoEmbed", "path": "plot", "model": "voyage-3"});
        let field: VectorSearchField = codec::from_slice(body.to_string().as_bytes()).unwrap();
        assert_eq!(field, VectorSearchField::Unknown(body.clone()));
        assert_eq!(codec::to_value(&field).unwrap(), body);
    }

    #[test]
    fn dynamic_is_a_flag_or_a_type_set() {
        let index = text_index("search_index_response/text-typeSets-dynamic-object-composed.json");
        let definition = index.latest_definition.unwrap();
        let Some(SearchMappingsDynamic::TypeSet(set)) = definition.mappings.dynamic else {
            panic!("a type set: {:?}", definition.mappings.dynamic);
        };
        assert_eq!(set.type_set, "ts_acc");
        let Some(TextSearchIndexDefinitionTypeSets::List(type_sets)) = definition.type_sets else {
            panic!("a list of type sets: {:?}", definition.type_sets);
        };
        assert_eq!(type_sets[0].name, "ts_acc");
        assert_eq!(type_sets[0].types[1].r#type, Some(FieldsType::Number));

        let index = text_index("search_index_response/text-dynamic-pending.json");
        assert!(matches!(
            index.latest_definition.unwrap().mappings.dynamic,
            Some(SearchMappingsDynamic::Bool(_))
        ));
    }

    #[test]
    fn a_field_maps_to_one_definition_or_several() {
        let index =
            text_index("search_index_response/text-multitype-field-document-and-string.json");
        let fields = index.latest_definition.unwrap().mappings.fields.unwrap();
        let SearchFieldMapping::List(comments) = &fields["comments"] else {
            panic!("comments has two definitions: {:?}", fields["comments"]);
        };
        let types: Vec<_> = comments.iter().map(|f| f.r#type.clone()).collect();
        assert_eq!(
            types,
            [Some(FieldsType::Document), Some(FieldsType::String)]
        );
    }

    #[test]
    fn a_field_type_s_own_options_are_kept_as_unknown_fields() {
        let index = text_index("search_index_response/text-custom-analyzer-ngram-composed.json");
        let definition = index.latest_definition.unwrap();
        let fields = definition.mappings.fields.unwrap();
        let SearchFieldMapping::Fields(address) = &fields["address"] else {
            panic!("one definition");
        };
        let SearchFieldMapping::Fields(city) = &address.fields.as_ref().unwrap()["city"] else {
            panic!("one definition");
        };
        assert_eq!(city.analyzer.as_deref(), Some("lucene.simple"));
        assert_eq!(city.unknown_fields["ignoreAbove"], json!(255));
        // The analyzer's filters and tokenizer are free-form documents, with strings and numbers.
        let analyzer = &definition.analyzers.unwrap()[0];
        assert_eq!(analyzer.tokenizer["minGram"], json!(2));
        assert_eq!(
            analyzer.char_filters.as_ref().unwrap()[0]["type"],
            json!("mapping")
        );
    }

    #[test]
    fn an_index_without_type_is_the_documented_default_search() {
        let indexes: Vec<ClusterSearchIndex> =
            decode("cluster_search_index_deprecated/legacy-v1-list-no-type-multitype-title.json");
        assert!(!indexes.is_empty());
        for index in &indexes {
            assert!(matches!(index, ClusterSearchIndex::Search(_)), "{index:?}");
        }
    }

    #[test]
    fn a_type_of_the_wrong_json_type_is_an_error() {
        let error =
            codec::from_slice::<SearchIndexResponse>(br#"{"type": 7, "name": "x"}"#).unwrap_err();
        assert!(error.to_string().contains("must be a string"), "{error}");
    }

    #[test]
    fn error_bodies_keep_their_parameters_and_lack_of_code() {
        let error: ApiError = decode("api_error/404-cluster-not-found.json");
        assert_eq!(error.error, Some(404));
        assert_eq!(error.error_code.as_deref(), Some("CLUSTER_NOT_FOUND"));
        assert_eq!(
            error.parameters,
            Some(json!(["cluster-989", "b0123456789abcdef012345b"]))
        );
        let error: ApiError = decode("api_error/401-unauthorized-no-errorCode.json");
        assert_eq!((error.error, error.error_code), (Some(401), None));
        let error: ApiError = decode("api_error/404-errorCode-null-parameters-null.json");
        assert_eq!((error.error_code, error.parameters), (None, None));
    }

    #[test]
    fn null_for_an_optional_field_is_absent() {
        let logs: MongoDBAccessLogsList =
            decode("access_logs/by-cluster-success-failureReason-null.json");
        let entries = logs.access_logs.unwrap();
        // Successful authentications send `"failureReason": null`, failed ones a reason.
        let succeeded = entries.iter().filter(|e| e.auth_result == Some(true));
        assert!(succeeded.clone().count() > 0);
        assert!(succeeded.clone().all(|e| e.failure_reason.is_none()));
        assert!(entries.iter().any(|e| e.failure_reason.is_some()));
        let user: OrgUserResponse = decode("org_user_response/active-all-six-org-roles.json");
        let OrgUserResponse::Active(user) = user else {
            panic!("an active user");
        };
        assert_eq!(user.mobile_number, None);
    }
}

/// Fields the crate does not know survive decoding, serde, and the way back to the server.
mod unknown_fields {
    use super::*;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    const GROUP: &str = "32b6e34b3d91647abb20e7b8";
    const V2023: &str = "application/vnd.atlas.2023-01-01+json";

    /// A pipeline as a later Atlas might send it: with a field at the top and one in a nested
    /// struct that this crate does not know.
    fn pipeline_from_the_future() -> Value {
        let mut body: Value = serde_json::from_slice(&read(
            "data_lake_pipeline/response-periodic-cps-dls-aws.json",
        ))
        .unwrap();
        body["encryption"] = json!({"kmsKeyId": "k-1", "rotate": true});
        body["sink"]["region"] = json!("eu-west-1");
        body
    }

    #[test]
    fn are_readable_and_kept_by_serde_storage() {
        let body = pipeline_from_the_future();
        let pipeline: DataLakeIngestionPipeline =
            codec::from_slice(body.to_string().as_bytes()).unwrap();
        assert_eq!(
            pipeline.unknown_fields["encryption"],
            json!({"kmsKeyId": "k-1", "rotate": true})
        );
        // Stored with serde (here as JSON text) and loaded again: the same value, nothing lost.
        let stored = serde_json::to_string(&pipeline).unwrap();
        let loaded: DataLakeIngestionPipeline = serde_json::from_str(&stored).unwrap();
        assert_eq!(loaded, pipeline);
        assert_eq!(serde_json::to_value(&loaded).unwrap(), body);
    }

    #[test]
    fn are_not_taken_for_a_union_s_tag() {
        let index = super::typed::text_index("search_index_response/text-dynamic-pending.json");
        assert!(!index.unknown_fields.contains_key("type"));
    }

    #[test]
    fn a_key_of_the_struct_s_own_is_written_once() {
        let mut pipeline: DataLakeIngestionPipeline = codec::from_slice(&read(
            "data_lake_pipeline/response-periodic-cps-dls-aws.json",
        ))
        .unwrap();
        pipeline
            .unknown_fields
            .insert("name".to_string(), json!("not this one"));
        let text = String::from_utf8(codec::to_vec(&pipeline)).unwrap();
        assert_eq!(text.matches("\"name\":").count(), 1, "{text}");
    }

    async fn sent_body(send_unknown: bool) -> Value {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(format!("/api/atlas/v2/groups/{GROUP}/pipelines")))
            .respond_with(ResponseTemplate::new(200).set_body_raw(
                read("data_lake_pipeline/response-periodic-cps-dls-aws.json"),
                V2023,
            ))
            .expect(1)
            .mount(&server)
            .await;
        let client = atlas_admin::Client::builder()
            .base_url(server.uri())
            .bearer_token("test-token")
            .send_unknown_fields(send_unknown)
            .build()
            .unwrap();
        let body: DataLakeIngestionPipeline =
            codec::from_slice(pipeline_from_the_future().to_string().as_bytes()).unwrap();
        #[allow(deprecated)]
        client
            .create_pipeline()
            .group_id(GROUP)
            .body(body)
            .send()
            .await
            .unwrap();
        let requests = server.received_requests().await.unwrap();
        serde_json::from_slice(&requests[0].body).unwrap()
    }

    #[tokio::test]
    async fn are_sent_back_by_default_and_left_out_on_request() {
        // What a request sends of the pipeline: all but the fields the server sets itself.
        let sendable = || {
            let mut body = pipeline_from_the_future();
            for read_only in ["_id", "createdDate", "groupId", "lastUpdatedDate", "state"] {
                body.as_object_mut().unwrap().remove(read_only);
            }
            body["source"].as_object_mut().unwrap().remove("groupId");
            body
        };
        let kept = sent_body(true).await;
        assert_eq!(kept, sendable());
        let dropped = sent_body(false).await;
        assert_eq!(dropped.get("encryption"), None);
        assert_eq!(dropped["sink"].get("region"), None);
        // Everything the crate knows is still sent.
        let mut known = sendable();
        known.as_object_mut().unwrap().remove("encryption");
        known["sink"].as_object_mut().unwrap().remove("region");
        assert_eq!(dropped, known);
    }
}

/// The real error bodies reach the caller as `Error::Api`, decoded, through the client.
#[tokio::test]
async fn every_real_error_body_is_an_api_error_through_the_client() {
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    for (file, _, _) in PAYLOADS
        .iter()
        .filter(|(f, _, _)| f.starts_with("api_error/"))
    {
        let status: u16 = file["api_error/".len()..][..3].parse().unwrap();
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(status).set_body_raw(read(file), "application/json"),
            )
            .mount(&server)
            .await;
        let client = atlas_admin::Client::builder()
            .base_url(server.uri())
            .bearer_token("test-token")
            .max_attempts(1)
            .build()
            .unwrap();
        let error = client
            .get_push_migration()
            .group_id("32b6e34b3d91647abb20e7b8")
            .live_migration_id("32b6e34b3d91647abb20e7b9")
            .send()
            .await
            .unwrap_err();
        match error {
            atlas_admin::Error::Api { status: got, body } => {
                assert_eq!(got, status, "{file}");
                assert_eq!(Some(i32::from(got)), body.error, "{file}");
            }
            other => panic!("{file}: {other:?}"),
        }
    }
}

/// A delete the spec documents as a 204 that Atlas answers with 202 and `{}` succeeds.
#[tokio::test]
async fn a_delete_answered_202_with_an_empty_object_succeeds() {
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(202).set_body_raw(
            read("cluster_search_index_deprecated/fts-delete-202-empty-object.json"),
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = atlas_admin::Client::builder()
        .base_url(server.uri())
        .bearer_token("test-token")
        .build()
        .unwrap();
    let () = client
        .delete_role_mapping()
        .federation_settings_id("55fa922fb343282757d9554e")
        .org_id("4888442a3354817a7320eb61")
        .id("32b6e34b3d91647abb20e7b9")
        .send()
        .await
        .unwrap();
}

/// Required when reading means required by every published response contract: a field the
/// official spec marks `writeOnly` (so its response documentation does not promise it) is
/// optional in responses, also where our spec reads it because real responses carry it.
mod response_contracts {
    use super::*;

    fn yaml(path: &str) -> Value {
        let text = std::fs::read_to_string(atlas_codegen_tests::workspace_root().join(path))
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn every_property_the_official_spec_marks_write_only_is_not_required_in_responses() {
        let official = yaml("spec/reference/atlas-admin-api-v2-2025-06-30-subset.yaml");
        let ours = yaml("spec/atlas-admin-v2.yaml");
        let mut checked = 0;
        for (schema, body) in official["components"]["schemas"].as_object().unwrap() {
            let Some(properties) = body["properties"].as_object() else {
                continue;
            };
            for (name, property) in properties {
                if property["writeOnly"] != json!(true) {
                    continue;
                }
                let Some(our) = ours["components"]["schemas"][schema]["properties"].get(name)
                else {
                    continue;
                };
                checked += 1;
                assert!(
                    our["writeOnly"] == json!(true)
                        || our["x-optional-in-responses"] == json!(true),
                    "{schema}.{name} is writeOnly in the official spec: our spec must keep \
                     writeOnly or mark it x-optional-in-responses, so responses need not carry it"
                );
            }
        }
        assert!(checked >= 2, "only {checked} write-only properties found");
    }

    #[test]
    fn a_database_user_without_group_id_decodes_and_round_trips() {
        let mut page: Value =
            serde_json::from_slice(&read("database_users/list-33-users-scram-and-oidc.json"))
                .unwrap();
        for user in page["results"].as_array_mut().unwrap() {
            user.as_object_mut().unwrap().remove("groupId").unwrap();
        }
        let bytes = serde_json::to_vec(&page).unwrap();
        let decoded: PaginatedApiAtlasDatabaseUserView = codec::from_slice(&bytes).unwrap();
        let users = decoded.results.as_ref().unwrap();
        assert!(users.len() > 1);
        assert!(users.iter().all(|u| u.group_id.is_none()));
        assert_eq!(
            round_trip::<PaginatedApiAtlasDatabaseUserView>(&bytes),
            Ok(page)
        );
        // Where it is sent, it is read.
        let user: CloudDatabaseUser = serde_json::from_value(json!({
            "databaseName": "admin", "username": "a", "groupId": "32b6e34b3d91647abb20e7b8"
        }))
        .unwrap();
        assert_eq!(user.group_id.as_deref(), Some("32b6e34b3d91647abb20e7b8"));
    }
}
