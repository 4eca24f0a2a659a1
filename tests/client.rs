//! The generated client against an in-process HTTP server (wiremock): every operation's
//! request and response, errors, retries, timeouts, paging, and the three kinds of
//! credentials.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use atlas_admin::models::{
    AddOrRemoveGroupRole, DataLakeIngestionPipeline, GroupRole, OrgUserResponse,
    SearchIndexResponse, UpdateOrgRolesForUser,
};
use atlas_admin::{Client, Error, RetryPolicy};
use futures_util::StreamExt;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const USER: &str = "5d1113b25a115342acc2d1aa";

fn example(name: &str) -> Value {
    let path =
        atlas_codegen_tests::workspace_root().join(format!("generated/tests/examples/{name}.json"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(40),
        ..RetryPolicy::default()
    }
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .bearer_token("test-token")
        .retry_policy(fast_retries())
        .build()
        .unwrap()
}

fn json_response(status: u16, body: Value, media_type: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(serde_json::to_vec(&body).unwrap(), media_type)
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

mod operations {
    use super::*;

    const V2023: &str = "application/vnd.atlas.2023-01-01+json";

    #[tokio::test]
    async fn list_access_logs_sends_its_query_and_decodes_the_list() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(format!(
                "/api/atlas/v2/groups/{GROUP}/dbAccessHistory/clusters/Cluster0"
            )))
            .and(query_param("authResult", "true"))
            .and(query_param("nLogs", "100"))
            .and(query_param("start", "1700000000000"))
            .and(query_param("end", "1700000500000"))
            .and(query_param("ipAddress", "192.0.2.10"))
            .and(query_param_is_missing("envelope"))
            .and(query_param_is_missing("pretty"))
            .and(header("accept", V2023))
            .and(header("authorization", "Bearer test-token"))
            .and(header("user-agent", "atlas-admin/0.1.0"))
            .respond_with(json_response(
                200,
                example("list_access_logs_by_cluster_name_200_access_logs"),
                V2023,
            ))
            .expect(1)
            .mount(&server)
            .await;
        let logs = client(&server)
            .list_access_logs_by_cluster_name()
            .group_id(GROUP)
            .cluster_name("Cluster0")
            .auth_result(true)
            .n_logs(100)
            .start(1_700_000_000_000)
            .end(1_700_000_500_000)
            .ip_address("192.0.2.10")
            .send()
            .await
            .unwrap();
        assert_eq!(logs.access_logs.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn search_index_path_segments_are_encoded_whole() {
        let server = MockServer::start().await;
        let media = "application/vnd.atlas.2024-05-30+json";
        Mock::given(method("GET"))
            .and(header("accept", media))
            .respond_with(json_response(
                200,
                example("get_atlas_search_index_by_name_200_vector_search_index"),
                media,
            ))
            .mount(&server)
            .await;
        let index = client(&server)
            .get_atlas_search_index_by_name()
            .group_id(GROUP)
            .cluster_name("Cluster0")
            .database_name("db name")
            .collection_name("a/b?c#d%e ..")
            .index_name("zoë")
            .send()
            .await
            .unwrap();
        assert!(
            matches!(index, SearchIndexResponse::VectorSearch(_)),
            "{index:?}"
        );
        let sent = requests(&server).await;
        assert_eq!(
            sent[0].url.path(),
            format!(
                "/api/atlas/v2/groups/{GROUP}/clusters/Cluster0/search/indexes/db%20name/a%2Fb%3Fc%23d%25e%20../zo%C3%AB"
            )
        );
        assert_eq!(sent[0].url.query(), None, "nothing leaked into the query");
    }

    #[tokio::test]
    async fn get_push_migration_decodes() {
        let server = MockServer::start().await;
        let migration = "6296fb4c7c7aa997cf94e9a8";
        Mock::given(method("GET"))
            .and(path(format!(
                "/api/atlas/v2/groups/{GROUP}/liveMigrations/{migration}"
            )))
            .and(header("accept", V2023))
            .respond_with(json_response(
                200,
                example("get_push_migration_200_migration_job"),
                V2023,
            ))
            .expect(1)
            .mount(&server)
            .await;
        let job = client(&server)
            .get_push_migration()
            .group_id(GROUP)
            .live_migration_id(migration)
            .send()
            .await
            .unwrap();
        assert!(job.status.is_some());
    }

    #[tokio::test]
    #[allow(deprecated)]
    async fn create_pipeline_posts_its_body() {
        let server = MockServer::start().await;
        let request_body = example("create_pipeline_request_on_demand_snapshot_pipeline");
        Mock::given(method("POST"))
            .and(path(format!("/api/atlas/v2/groups/{GROUP}/pipelines")))
            .and(header("accept", V2023))
            .and(header("content-type", V2023))
            .and(body_json(&request_body))
            .respond_with(json_response(
                200,
                example("create_pipeline_200_created_pipeline"),
                V2023,
            ))
            .expect(1)
            .mount(&server)
            .await;
        let body: DataLakeIngestionPipeline = serde_json::from_value(request_body).unwrap();
        let created = client(&server)
            .create_pipeline()
            .group_id(GROUP)
            .body(body)
            .send()
            .await
            .unwrap();
        assert!(created.source.is_some() && created.sink.is_some());
    }

    #[tokio::test]
    #[allow(deprecated)]
    async fn a_pipeline_read_from_atlas_is_sent_back_without_its_read_only_fields() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(json_response(200, json!({"name": "p"}), V2023))
            .mount(&server)
            .await;
        let read: DataLakeIngestionPipeline = serde_json::from_slice(
            &std::fs::read(
                atlas_codegen_tests::workspace_root()
                    .join("tests/realdata/data_lake_pipeline/response-periodic-cps-dls-aws.json"),
            )
            .unwrap(),
        )
        .unwrap();
        let stored = serde_json::to_value(&read).unwrap();
        client(&server)
            .create_pipeline()
            .group_id(GROUP)
            .body(read)
            .send()
            .await
            .unwrap();
        let requests = server.received_requests().await.unwrap();
        let sent: Value = serde_json::from_slice(&requests[0].body).unwrap();
        for read_only in ["_id", "createdDate", "groupId", "lastUpdatedDate", "state"] {
            assert!(
                stored.get(read_only).is_some(),
                "{read_only} not in the payload"
            );
            assert!(sent.get(read_only).is_none(), "{read_only} sent: {sent}");
        }
        assert_eq!(
            (&sent["name"], &sent["sink"]),
            (&stored["name"], &stored["sink"])
        );
    }

    #[tokio::test]
    async fn list_database_users_sends_paging_parameters() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(format!("/api/atlas/v2/groups/{GROUP}/databaseUsers")))
            .and(query_param("itemsPerPage", "50"))
            .and(query_param("pageNum", "2"))
            .and(query_param("includeCount", "false"))
            .and(header("accept", V2023))
            .respond_with(json_response(
                200,
                example("list_database_users_200_database_users"),
                V2023,
            ))
            .expect(1)
            .mount(&server)
            .await;
        let page = client(&server)
            .list_database_users()
            .group_id(GROUP)
            .items_per_page(50)
            .page_num(2)
            .include_count(false)
            .send()
            .await
            .unwrap();
        assert!(!page.results.unwrap().is_empty());
    }

    #[tokio::test]
    async fn delete_role_mapping_returns_unit_on_204() {
        let server = MockServer::start().await;
        let (federation, org, mapping) = (
            "55fa922fb343282757d9554e",
            "4888442a3354817a7320eb61",
            "32b6e34b3d91647abb20e7b9",
        );
        Mock::given(method("DELETE"))
            .and(path(format!(
                "/api/atlas/v2/federationSettings/{federation}/connectedOrgConfigs/{org}/roleMappings/{mapping}"
            )))
            .and(header("accept", V2023))
            .respond_with(ResponseTemplate::new(204))
            .expect(1)
            .mount(&server)
            .await;
        let () = client(&server)
            .delete_role_mapping()
            .federation_settings_id(federation)
            .org_id(org)
            .id(mapping)
            .send()
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn add_project_role_posts_to_the_colon_path_with_its_version() {
        let server = MockServer::start().await;
        let media = "application/vnd.atlas.2025-02-19+json";
        Mock::given(method("POST"))
            .and(path(format!(
                "/api/atlas/v2/groups/{GROUP}/users/{USER}:addRole"
            )))
            .and(header("accept", media))
            .and(header("content-type", media))
            .and(body_json(json!({"groupRole": "GROUP_OWNER"})))
            .respond_with(json_response(
                200,
                example("add_project_role_200_active_user"),
                media,
            ))
            .expect(1)
            .mount(&server)
            .await;
        let user = client(&server)
            .add_project_role()
            .group_id(GROUP)
            .user_id(USER)
            .body(AddOrRemoveGroupRole {
                group_role: GroupRole::GroupOwner,
                unknown_fields: Default::default(),
            })
            .send()
            .await
            .unwrap();
        assert!(matches!(user, OrgUserResponse::Active(_)), "{user:?}");
    }

    #[tokio::test]
    #[allow(deprecated)]
    async fn update_organization_roles_puts_its_body() {
        let server = MockServer::start().await;
        let org = "4888442a3354817a7320eb61";
        let request_body = example("update_organization_roles_request_org_owner");
        Mock::given(method("PUT"))
            .and(path(format!("/api/atlas/v2/orgs/{org}/users/{USER}/roles")))
            .and(header("content-type", V2023))
            .and(body_json(&request_body))
            .respond_with(json_response(
                200,
                example("update_organization_roles_200_updated_roles"),
                V2023,
            ))
            .expect(1)
            .mount(&server)
            .await;
        let body: UpdateOrgRolesForUser = serde_json::from_value(request_body).unwrap();
        let roles = client(&server)
            .update_organization_roles()
            .org_id(org)
            .user_id(USER)
            .body(body)
            .send()
            .await
            .unwrap();
        assert!(roles.org_roles.is_some());
    }
}

/// Calls an operation by its operationId with valid inputs: every operation, for the tests
/// that go through all of them.
#[allow(deprecated)]
async fn call(client: &Client, operation_id: &str) -> Result<(), Error> {
    let id = "32b6e34b3d91647abb20e7b9";
    match operation_id {
        "listAccessLogsByClusterName" => client
            .list_access_logs_by_cluster_name()
            .group_id(GROUP)
            .cluster_name("c")
            .send()
            .await
            .map(drop),
        "getAtlasSearchIndexByName" => client
            .get_atlas_search_index_by_name()
            .group_id(GROUP)
            .cluster_name("c")
            .database_name("d")
            .collection_name("c")
            .index_name("i")
            .send()
            .await
            .map(drop),
        "getPushMigration" => client
            .get_push_migration()
            .group_id(GROUP)
            .live_migration_id(id)
            .send()
            .await
            .map(drop),
        "createPipeline" => {
            let body = serde_json::from_value(example(
                "create_pipeline_request_on_demand_snapshot_pipeline",
            ))
            .unwrap();
            client
                .create_pipeline()
                .group_id(GROUP)
                .body(body)
                .send()
                .await
                .map(drop)
        }
        "listDatabaseUsers" => client
            .list_database_users()
            .group_id(GROUP)
            .send()
            .await
            .map(drop),
        "deleteRoleMapping" => {
            client
                .delete_role_mapping()
                .federation_settings_id(id)
                .org_id(id)
                .id(id)
                .send()
                .await
        }
        "addProjectRole" => {
            let body = AddOrRemoveGroupRole {
                group_role: GroupRole::GroupReadOnly,
                unknown_fields: Default::default(),
            };
            client
                .add_project_role()
                .group_id(GROUP)
                .user_id(USER)
                .body(body)
                .send()
                .await
                .map(drop)
        }
        "updateOrganizationRoles" => {
            let body =
                serde_json::from_value(example("update_organization_roles_request_org_owner"))
                    .unwrap();
            client
                .update_organization_roles()
                .org_id(id)
                .user_id(USER)
                .body(body)
                .send()
                .await
                .map(drop)
        }
        other => panic!("the test does not know how to call {other}"),
    }
}

fn spec_operations() -> Vec<atlas_codegen::ir::Operation> {
    let spec = atlas_codegen_tests::spec_path();
    atlas_codegen::generate(&spec, &Default::default())
        .unwrap()
        .api()
        .operations
        .clone()
}

mod errors {
    use super::*;

    #[tokio::test]
    async fn every_documented_error_status_of_every_operation_is_an_api_error() {
        let operations = spec_operations();
        assert_eq!(operations.len(), 8);
        for operation in operations {
            assert!(
                !operation.error_statuses.is_empty(),
                "{} documents errors",
                operation.id
            );
            for status in &operation.error_statuses {
                let server = MockServer::start().await;
                let body = json!({
                    "error": status,
                    "errorCode": "VALIDATION_ERROR",
                    "detail": "No provider AWS exists.",
                    "reason": "Bad Request",
                    "badRequestDetail": {"fields": [{"field": "name", "description": "must not be blank"}]},
                    "parameters": [{"name": "x"}]
                });
                Mock::given(wiremock::matchers::any())
                    .respond_with(json_response(*status, body, "application/json"))
                    .mount(&server)
                    .await;
                let client = Client::builder()
                    .base_url(server.uri())
                    .max_attempts(1)
                    .build()
                    .unwrap();
                let error = call(&client, &operation.id).await.unwrap_err();
                let Error::Api { status: got, body } = &error else {
                    panic!(
                        "{} {status}: expected an API error, got {error:?}",
                        operation.id
                    );
                };
                assert_eq!(*got, *status, "{}", operation.id);
                assert_eq!(
                    (body.error, body.error_code.as_deref()),
                    (Some(i32::from(*status)), Some("VALIDATION_ERROR"))
                );
                assert_eq!(body.detail.as_deref(), Some("No provider AWS exists."));
                assert_eq!(body.reason.as_deref(), Some("Bad Request"));
                let fields = body
                    .bad_request_detail
                    .as_ref()
                    .unwrap()
                    .fields
                    .as_ref()
                    .unwrap();
                assert_eq!(fields[0].field, "name");
                assert_eq!(
                    body.parameters.as_ref().unwrap().as_array().unwrap().len(),
                    1
                );
                assert_eq!(
                    error.to_string(),
                    format!("HTTP {status}: VALIDATION_ERROR: No provider AWS exists.")
                );
            }
        }
    }

    #[tokio::test]
    async fn an_error_status_without_an_api_error_keeps_the_raw_body() {
        let server = MockServer::start().await;
        let html = format!("<html><body>{}</body></html>", "Bad gateway. ".repeat(40));
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(502).set_body_raw(html.clone(), "text/html"))
            .mount(&server)
            .await;
        let error = call(&client(&server), "getPushMigration")
            .await
            .unwrap_err();
        let Error::UnexpectedStatus {
            status,
            content_type,
            body,
        } = &error
        else {
            panic!("{error:?}")
        };
        assert_eq!((*status, content_type.as_deref()), (502, Some("text/html")));
        assert_eq!(body, html.as_bytes(), "kept whole");
        let line = error.to_string();
        assert!(
            line.starts_with("HTTP 502 with a body that is not an API error (text/html"),
            "{line}"
        );
        assert!(
            !line.contains('\n') && line.len() < 400,
            "one readable line: {line}"
        );
    }

    #[tokio::test]
    async fn a_success_body_that_does_not_decode_keeps_the_raw_body() {
        for body in [
            "{\"status\": 42",
            "not json at all",
            "{\"accessLogs\": \"nope\"}",
        ] {
            let server = MockServer::start().await;
            Mock::given(method("GET"))
                .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
                .mount(&server)
                .await;
            let error = call(&client(&server), "listAccessLogsByClusterName")
                .await
                .unwrap_err();
            let Error::Decode {
                status, body: kept, ..
            } = &error
            else {
                panic!("{error:?}")
            };
            assert_eq!((*status, kept.as_slice()), (200, body.as_bytes()));
            assert!(
                error
                    .to_string()
                    .starts_with("HTTP 200 body does not decode:"),
                "{error}"
            );
        }
    }

    #[tokio::test]
    async fn a_refused_connection_is_a_transport_error() {
        let client = Client::builder()
            .base_url("http://127.0.0.1:9")
            .build()
            .unwrap();
        let error = call(&client, "getPushMigration").await.unwrap_err();
        assert!(matches!(error, Error::Transport { .. }), "{error:?}");
        assert!(error.to_string().starts_with("request failed:"), "{error}");
    }
}

mod validation {
    use super::*;

    async fn server_that_must_not_be_called() -> MockServer {
        let server = MockServer::start().await;
        Mock::given(wiremock::matchers::any())
            .respond_with(ResponseTemplate::new(500))
            .expect(0)
            .mount(&server)
            .await;
        server
    }

    fn invalid(result: Result<(), Error>) -> (&'static str, String, String) {
        match result {
            Err(Error::InvalidParameter { name, value, rule }) => (name, value, rule),
            other => panic!("expected an invalid parameter, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn an_ip_address_is_checked_by_parsing_it() {
        let server = server_that_must_not_be_called().await;
        let client = client(&server);
        let (name, value, rule) = invalid(
            client
                .list_access_logs_by_cluster_name()
                .group_id(GROUP)
                .cluster_name("Cluster0")
                .ip_address("300.1.2.3")
                .send()
                .await
                .map(drop),
        );
        assert_eq!((name, value.as_str()), ("ipAddress", "300.1.2.3"));
        assert!(rule.contains("IPv4 or IPv6"), "{rule}");
        let sent = MockServer::start().await;
        Mock::given(query_param("ipAddress", "192.0.2.10"))
            .respond_with(json_response(
                200,
                json!({"accessLogs": []}),
                "application/json",
            ))
            .expect(1)
            .mount(&sent)
            .await;
        super::client(&sent)
            .list_access_logs_by_cluster_name()
            .group_id(GROUP)
            .cluster_name("Cluster0")
            .ip_address("192.0.2.10")
            .send()
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn required_values_left_unset_are_errors_before_sending() {
        let server = server_that_must_not_be_called().await;
        let client = client(&server);
        let error = client
            .get_push_migration()
            .group_id(GROUP)
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(
                error,
                Error::MissingParameter {
                    name: "liveMigrationId"
                }
            ),
            "{error:?}"
        );
        assert_eq!(
            error.to_string(),
            "missing required parameter liveMigrationId"
        );
        let error = client
            .add_project_role()
            .group_id(GROUP)
            .user_id(USER)
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::MissingParameter { name: "body" }),
            "{error:?}"
        );
    }

    #[tokio::test]
    async fn patterns_and_ranges_are_checked_before_sending() {
        let server = server_that_must_not_be_called().await;
        let client = client(&server);
        let logs = || {
            client
                .list_access_logs_by_cluster_name()
                .group_id(GROUP)
                .cluster_name("Cluster0")
        };
        let (name, value, rule) = invalid(
            client
                .get_push_migration()
                .group_id("not-hex")
                .live_migration_id(GROUP)
                .send()
                .await
                .map(drop),
        );
        assert_eq!(
            (name, value.as_str(), rule.as_str()),
            ("groupId", "not-hex", "must match ^([a-f0-9]{24})$")
        );
        let (name, _, _) = invalid(
            logs()
                .cluster_name("-starts-with-dash")
                .send()
                .await
                .map(drop),
        );
        assert_eq!(name, "clusterName");
        let (name, value, rule) = invalid(logs().n_logs(20001).send().await.map(drop));
        assert_eq!(
            (name, value.as_str(), rule.as_str()),
            ("nLogs", "20001", "must be between 0 and 20000")
        );
        assert_eq!(invalid(logs().n_logs(-1).send().await.map(drop)).0, "nLogs");
        let users = || client.list_database_users().group_id(GROUP);
        assert_eq!(
            invalid(users().items_per_page(0).send().await.map(drop)).0,
            "itemsPerPage"
        );
        assert_eq!(
            invalid(users().items_per_page(501).send().await.map(drop)).0,
            "itemsPerPage"
        );
        assert_eq!(
            invalid(users().page_num(0).send().await.map(drop)).0,
            "pageNum"
        );
        let (name, value, rule) = invalid(logs().end(5).send().await.map(drop));
        assert_eq!(
            (name, value.as_str(), rule.as_str()),
            ("end", "5", "requires start to be set too")
        );
        assert_eq!(invalid(logs().start(5).send().await.map(drop)).0, "start");
        let search = || {
            client
                .get_atlas_search_index_by_name()
                .group_id(GROUP)
                .cluster_name("c")
                .database_name("d")
                .index_name("i")
        };
        let (name, value, _) = invalid(search().collection_name("..").send().await.map(drop));
        assert_eq!((name, value.as_str()), ("collectionName", ".."));
        assert_eq!(
            invalid(search().collection_name("").send().await.map(drop)).0,
            "collectionName"
        );
    }

    #[tokio::test]
    async fn missing_values_come_first_then_the_first_failed_check() {
        // The checks of a request are kept as it is built, not returned one by one: the
        // error is still the first in the operation's order, after any missing value.
        let server = server_that_must_not_be_called().await;
        let client = client(&server);
        let error = client
            .add_project_role()
            .group_id("not-hex")
            .user_id(USER)
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::MissingParameter { name: "body" }),
            "{error:?}"
        );
        let logs = || {
            client
                .list_access_logs_by_cluster_name()
                .group_id(GROUP)
                .cluster_name("Cluster0")
        };
        let first = |result: Result<_, Error>| invalid(result.map(drop)).0;
        assert_eq!(
            first(logs().group_id("not-hex").n_logs(20001).end(5).send().await),
            "groupId"
        );
        assert_eq!(first(logs().n_logs(20001).end(5).send().await), "nLogs");
        assert_eq!(
            first(logs().cluster_name("-dash").n_logs(-1).send().await),
            "clusterName"
        );
        let search = client
            .get_atlas_search_index_by_name()
            .group_id(GROUP)
            .cluster_name("c")
            .database_name("..")
            .collection_name("")
            .index_name("i");
        // Path segments in the path's order.
        assert_eq!(invalid(search.send().await.map(drop)).0, "databaseName");
    }

    #[test]
    fn a_look_ahead_pattern_that_is_no_ip_address_is_left_to_the_server() {
        // The regex crate cannot compile look-around: such a pattern is reported by the
        // generator and checked by the server, unless it describes an IP address (above).
        let spec = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /things:
    get:
      operationId: listThings
      parameters:
        - {name: code, in: query, schema: {type: string, pattern: '^(?=.*[0-9])[a-z0-9]+$'}}
      responses:
        '204': {description: done}
"#;
        let generated = atlas_codegen_tests::generate_text("look.yaml", spec).unwrap();
        let notes: Vec<String> = generated
            .approximations()
            .iter()
            .map(|a| a.message.clone())
            .collect();
        assert!(
            notes
                .iter()
                .any(|n| n.contains("\"code\"") && n.contains("look-around")),
            "{notes:?}"
        );
        assert!(!generated.api().operations[0].parameters[0].ip_address);
    }
}

mod retries {
    use super::*;

    fn throttled(status: u16, retry_after: Option<&str>) -> ResponseTemplate {
        let body =
            json!({"error": status, "errorCode": "RATE_LIMITED", "reason": "Too Many Requests"});
        let response = json_response(status, body, "application/json");
        match retry_after {
            Some(seconds) => response.insert_header("Retry-After", seconds),
            None => response,
        }
    }

    #[tokio::test]
    async fn a_429_with_retry_after_is_retried_after_that_wait() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(throttled(429, Some("1")))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .respond_with(json_response(
                200,
                example("get_push_migration_200_migration_job"),
                "application/json",
            ))
            .mount(&server)
            .await;
        let started = Instant::now();
        call(&client(&server), "getPushMigration").await.unwrap();
        assert!(
            started.elapsed() >= Duration::from_secs(1),
            "waited {:?}",
            started.elapsed()
        );
        assert_eq!(requests(&server).await.len(), 2);
    }

    #[tokio::test]
    async fn a_503_without_retry_after_backs_off_and_put_and_delete_are_retried() {
        for operation in ["deleteRoleMapping", "updateOrganizationRoles"] {
            let server = MockServer::start().await;
            Mock::given(wiremock::matchers::any())
                .respond_with(throttled(503, None))
                .up_to_n_times(2)
                .mount(&server)
                .await;
            Mock::given(wiremock::matchers::any())
                .respond_with(json_response(
                    200,
                    example("update_organization_roles_200_updated_roles"),
                    "application/json",
                ))
                .mount(&server)
                .await;
            let client = Client::builder()
                .base_url(server.uri())
                .retry_policy(fast_retries())
                .build()
                .unwrap();
            call(&client, operation).await.unwrap();
            assert_eq!(requests(&server).await.len(), 3, "{operation}");
        }
    }

    #[tokio::test]
    async fn when_retries_run_out_the_last_api_error_is_returned() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(throttled(429, Some("0")))
            .mount(&server)
            .await;
        let error = call(&client(&server), "getPushMigration")
            .await
            .unwrap_err();
        assert_eq!(error.status(), Some(429));
        assert_eq!(
            error.api_error().unwrap().error_code.as_deref(),
            Some("RATE_LIMITED")
        );
        assert_eq!(requests(&server).await.len(), 3, "max_attempts");
    }

    #[tokio::test]
    async fn a_retry_after_longer_than_the_limit_is_not_waited_for() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(throttled(429, Some("3600")))
            .mount(&server)
            .await;
        let started = Instant::now();
        let error = call(&client(&server), "getPushMigration")
            .await
            .unwrap_err();
        assert_eq!(error.status(), Some(429));
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(requests(&server).await.len(), 1);
    }

    #[tokio::test]
    async fn post_is_not_retried_unless_opted_in() {
        for (opt_in, expected) in [(false, 1), (true, 2)] {
            let server = MockServer::start().await;
            Mock::given(method("POST"))
                .respond_with(throttled(503, Some("0")))
                .up_to_n_times(1)
                .mount(&server)
                .await;
            Mock::given(method("POST"))
                .respond_with(json_response(
                    200,
                    example("add_project_role_200_active_user"),
                    "application/json",
                ))
                .mount(&server)
                .await;
            let client = Client::builder()
                .base_url(server.uri())
                .retry_policy(fast_retries())
                .retry_non_idempotent(opt_in)
                .build()
                .unwrap();
            let result = call(&client, "addProjectRole").await;
            assert_eq!(result.is_ok(), opt_in);
            assert_eq!(
                requests(&server).await.len(),
                expected,
                "opted in: {opt_in}"
            );
        }
    }

    #[tokio::test]
    async fn a_slow_response_is_a_timeout() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(
                json_response(200, json!({}), "application/json").set_delay(Duration::from_secs(3)),
            )
            .mount(&server)
            .await;
        let client = Client::builder()
            .base_url(server.uri())
            .timeout(Some(Duration::from_millis(200)))
            .build()
            .unwrap();
        let started = Instant::now();
        let error = call(&client, "getPushMigration").await.unwrap_err();
        assert!(error.is_timeout(), "{error:?}");
        assert!(
            error.to_string().starts_with("request timed out"),
            "{error}"
        );
        assert!(started.elapsed() < Duration::from_secs(2));
    }
}

mod paging {
    use super::*;

    fn user(n: usize) -> Value {
        json!({"databaseName": "admin", "groupId": GROUP, "username": format!("user{n}"), "roles": []})
    }

    /// Serves `total` users in pages of `itemsPerPage`, counting the pages served.
    struct Pager {
        total: usize,
        report_total: bool,
        served: AtomicUsize,
    }

    impl Respond for Pager {
        fn respond(&self, request: &Request) -> ResponseTemplate {
            self.served.fetch_add(1, Ordering::SeqCst);
            let param = |name: &str| {
                request
                    .url
                    .query_pairs()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.parse::<usize>().unwrap())
            };
            let (page, size) = (
                param("pageNum").unwrap(),
                param("itemsPerPage").unwrap_or(100),
            );
            let start = (page - 1) * size;
            let results: Vec<Value> = (start..self.total.min(start + size)).map(user).collect();
            let mut body = json!({"results": results, "links": []});
            if self.report_total {
                body["totalCount"] = json!(self.total);
            }
            json_response(200, body, "application/json")
        }
    }

    async fn pager(server: &MockServer, total: usize, report_total: bool) -> &'static Pager {
        let pager: &'static Pager = Box::leak(Box::new(Pager {
            total,
            report_total,
            served: AtomicUsize::new(0),
        }));
        struct Shared(&'static Pager);
        impl Respond for Shared {
            fn respond(&self, request: &Request) -> ResponseTemplate {
                self.0.respond(request)
            }
        }
        Mock::given(path(format!("/api/atlas/v2/groups/{GROUP}/databaseUsers")))
            .respond_with(Shared(pager))
            .mount(server)
            .await;
        pager
    }

    #[tokio::test]
    async fn three_pages_are_fetched_one_at_a_time_as_they_are_consumed() {
        let server = MockServer::start().await;
        let pager = pager(&server, 5, false).await;
        let mut users = client(&server)
            .list_database_users()
            .group_id(GROUP)
            .items_per_page(2)
            .stream();
        assert_eq!(
            pager.served.load(Ordering::SeqCst),
            0,
            "nothing is fetched before polling"
        );
        let mut names = Vec::new();
        let mut pages_seen = Vec::new();
        while let Some(user) = users.next().await {
            names.push(user.unwrap().username);
            pages_seen.push(pager.served.load(Ordering::SeqCst));
        }
        assert_eq!(names, ["user0", "user1", "user2", "user3", "user4"]);
        // Page k is requested only when item 2k is wanted; the short third page ends it.
        assert_eq!(pages_seen, [1, 1, 2, 2, 3]);
        let sent: Vec<String> = requests(&server)
            .await
            .iter()
            .map(|r| r.url.query().unwrap().to_string())
            .collect();
        assert_eq!(sent.len(), 3);
        for (i, query) in sent.iter().enumerate() {
            assert!(
                query.contains(&format!("pageNum={}", i + 1)) && query.contains("itemsPerPage=2"),
                "{query}"
            );
        }
    }

    #[tokio::test]
    async fn paging_ends_at_an_empty_page_whatever_the_total_says() {
        // Four users in pages of two: full pages, so only an empty third page ends it; a
        // total is an estimate, not a reason to stop.
        for with_total in [true, false] {
            let server = MockServer::start().await;
            let pager = pager(&server, 4, with_total).await;
            let users: Vec<_> = client(&server)
                .list_database_users()
                .group_id(GROUP)
                .items_per_page(2)
                .stream()
                .collect()
                .await;
            assert_eq!(users.len(), 4);
            assert_eq!(
                pager.served.load(Ordering::SeqCst),
                3,
                "an empty third page ends it"
            );
        }
    }

    #[tokio::test]
    async fn an_error_ends_the_stream_after_being_yielded() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(json_response(
                404,
                json!({"error": 404, "errorCode": "NOT_FOUND"}),
                "application/json",
            ))
            .mount(&server)
            .await;
        let items: Vec<_> = client(&server)
            .list_database_users()
            .group_id(GROUP)
            .stream()
            .collect()
            .await;
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].as_ref().unwrap_err().status(), Some(404));
    }
}

mod auth {
    use super::*;

    const CLIENT_SECRET: &str = "mdb_sa_sk_SECRET";

    fn token_response(token: &str, expires_in: u64) -> ResponseTemplate {
        json_response(
            200,
            json!({"access_token": token, "expires_in": expires_in, "token_type": "Bearer"}),
            "application/json",
        )
    }

    /// `Basic base64(id:secret)`, computed here independently of the client.
    fn basic(id: &str, secret: &str) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let bytes = format!("{id}:{secret}").into_bytes();
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        format!("Basic {out}")
    }

    async fn service_account_server(first_token: &str) -> MockServer {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/api/oauth/token"))
            .and(header(
                "authorization",
                basic("mdb_sa_id", CLIENT_SECRET).as_str(),
            ))
            .and(header("content-type", "application/x-www-form-urlencoded"))
            .and(wiremock::matchers::body_string(
                "grant_type=client_credentials",
            ))
            .respond_with(token_response(first_token, 3600))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        server
    }

    #[tokio::test]
    async fn a_service_account_token_is_fetched_once_and_reused() {
        let server = service_account_server("token-1").await;
        Mock::given(method("GET"))
            .and(header("authorization", "Bearer token-1"))
            .respond_with(json_response(
                200,
                example("get_push_migration_200_migration_job"),
                "application/json",
            ))
            .expect(2)
            .mount(&server)
            .await;
        let client = Client::builder()
            .base_url(server.uri())
            .service_account("mdb_sa_id", CLIENT_SECRET)
            .build()
            .unwrap();
        call(&client, "getPushMigration").await.unwrap();
        call(&client, "getPushMigration").await.unwrap();
        let token_requests = requests(&server)
            .await
            .iter()
            .filter(|r| r.url.path() == "/api/oauth/token")
            .count();
        assert_eq!(token_requests, 1);
    }

    #[tokio::test]
    async fn a_rejected_token_is_refreshed_once() {
        let server = service_account_server("token-1").await;
        Mock::given(path("/api/oauth/token"))
            .respond_with(token_response("token-2", 3600))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(header("authorization", "Bearer token-1"))
            .respond_with(json_response(
                401,
                json!({"error": 401, "errorCode": "TOKEN_REVOKED"}),
                "application/json",
            ))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(header("authorization", "Bearer token-2"))
            .respond_with(json_response(
                200,
                example("get_push_migration_200_migration_job"),
                "application/json",
            ))
            .mount(&server)
            .await;
        let client = Client::builder()
            .base_url(server.uri())
            .service_account("mdb_sa_id", CLIENT_SECRET)
            .build()
            .unwrap();
        call(&client, "getPushMigration").await.unwrap();
        let paths: Vec<String> = requests(&server)
            .await
            .iter()
            .map(|r| r.url.path().to_string())
            .collect();
        assert_eq!(paths.iter().filter(|p| *p == "/api/oauth/token").count(), 2);
        assert_eq!(paths.len(), 4, "token, call, token, call: {paths:?}");
    }

    #[tokio::test]
    async fn a_token_close_to_expiry_is_refreshed_before_use() {
        let server = MockServer::start().await;
        // A 1-second token is refreshed after half its life.
        Mock::given(path("/api/oauth/token"))
            .respond_with(token_response("short", 1))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .respond_with(json_response(
                200,
                example("get_push_migration_200_migration_job"),
                "application/json",
            ))
            .mount(&server)
            .await;
        let client = Client::builder()
            .base_url(server.uri())
            .service_account("id", "secret")
            .min_token_interval(Duration::from_millis(100))
            .build()
            .unwrap();
        call(&client, "getPushMigration").await.unwrap();
        tokio::time::sleep(Duration::from_millis(600)).await;
        call(&client, "getPushMigration").await.unwrap();
        let token_requests = requests(&server)
            .await
            .iter()
            .filter(|r| r.url.path() == "/api/oauth/token")
            .count();
        assert_eq!(token_requests, 2);
    }

    #[tokio::test]
    async fn a_failed_token_exchange_is_an_auth_error_without_the_secret() {
        let server = MockServer::start().await;
        Mock::given(path("/api/oauth/token"))
            .respond_with(
                ResponseTemplate::new(401).set_body_string("{\"error\":\"invalid_client\"}"),
            )
            .mount(&server)
            .await;
        let client = Client::builder()
            .base_url(server.uri())
            .service_account("mdb_sa_id", CLIENT_SECRET)
            .build()
            .unwrap();
        let error = call(&client, "getPushMigration").await.unwrap_err();
        assert!(matches!(error, Error::Auth { .. }), "{error:?}");
        for text in [
            error.to_string(),
            format!("{error:?}"),
            format!("{client:?}"),
        ] {
            assert!(
                text.contains("invalid_client") || text.contains("Client"),
                "{text}"
            );
            assert!(!text.contains("SECRET"), "the secret leaked: {text}");
        }
    }

    /// A digest server (RFC 7616) that checks every answer itself, with its own MD5/SHA-256.
    struct DigestServer {
        algorithm: &'static str,
        nonce: Mutex<String>,
        counts: Mutex<Vec<u32>>,
        /// When set, the next answer is refused as stale and a new nonce is issued.
        expire_next: Mutex<bool>,
        /// For `-sess`: the client nonce of the first answer under the nonce, which HA1 is
        /// bound to (RFC 7616 3.4.2).
        first_cnonce: Mutex<Option<String>>,
    }

    impl DigestServer {
        fn hash(&self, text: &str) -> String {
            use sha2::Digest;
            let bytes = match self.algorithm {
                "SHA-256" | "SHA-256-sess" => sha2::Sha256::digest(text.as_bytes()).to_vec(),
                _ => md5::Md5::digest(text.as_bytes()).to_vec(),
            };
            bytes.iter().map(|b| format!("{b:02x}")).collect()
        }

        fn challenge(&self, stale: bool) -> ResponseTemplate {
            let nonce = self.nonce.lock().unwrap().clone();
            let mut header = format!(
                "Digest realm=\"MMS Public API\", domain=\"\", nonce=\"{nonce}\", algorithm={}, qop=\"auth\", opaque=\"op4que\"",
                self.algorithm
            );
            if stale {
                header.push_str(", stale=true");
            }
            ResponseTemplate::new(401)
                .insert_header("WWW-Authenticate", "Basic realm=\"other\"")
                .append_header("WWW-Authenticate", header.as_str())
                .set_body_raw(
                    r#"{"error":401,"errorCode":"UNAUTHORIZED"}"#,
                    "application/json",
                )
        }
    }

    fn field<'a>(header: &'a str, name: &str) -> Option<&'a str> {
        header.split(", ").find_map(|part| {
            let part = part.trim_start_matches("Digest ");
            let (key, value) = part.split_once('=')?;
            (key == name).then(|| value.trim_matches('"'))
        })
    }

    impl Respond for DigestServer {
        fn respond(&self, request: &Request) -> ResponseTemplate {
            let Some(header) = request
                .headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
            else {
                return self.challenge(false);
            };
            let get = |name| field(header, name).unwrap_or_default().to_string();
            let uri = match request.url.query() {
                Some(q) => format!("{}?{q}", request.url.path()),
                None => request.url.path().to_string(),
            };
            let nonce = self.nonce.lock().unwrap().clone();
            let mut ha1 = self.hash(&format!(
                "{}:MMS Public API:private-SECRET",
                get("username")
            ));
            if self.algorithm.ends_with("-sess") {
                let first = self
                    .first_cnonce
                    .lock()
                    .unwrap()
                    .get_or_insert_with(|| get("cnonce"))
                    .clone();
                ha1 = self.hash(&format!("{ha1}:{nonce}:{first}"));
            }
            let ha2 = self.hash(&format!("{}:{uri}", request.method));
            let expected = self.hash(&format!(
                "{ha1}:{nonce}:{}:{}:auth:{ha2}",
                get("nc"),
                get("cnonce")
            ));
            let valid = get("username") == "public-key"
                && get("nonce") == nonce
                && get("uri") == uri
                && get("qop") == "auth"
                && get("opaque") == "op4que"
                && get("algorithm") == self.algorithm
                && get("response") == expected;
            if !valid {
                return self.challenge(false);
            }
            let mut expire = self.expire_next.lock().unwrap();
            if *expire {
                *expire = false;
                *self.nonce.lock().unwrap() = "fresh-nonce".to_string();
                return self.challenge(true);
            }
            self.counts
                .lock()
                .unwrap()
                .push(u32::from_str_radix(&get("nc"), 16).unwrap());
            json_response(
                200,
                example("get_push_migration_200_migration_job"),
                "application/json",
            )
        }
    }

    async fn digest_server(algorithm: &'static str) -> (MockServer, &'static DigestServer) {
        let state: &'static DigestServer = Box::leak(Box::new(DigestServer {
            algorithm,
            nonce: Mutex::new("first-nonce".to_string()),
            counts: Mutex::new(Vec::new()),
            expire_next: Mutex::new(false),
            first_cnonce: Mutex::new(None),
        }));
        struct Shared(&'static DigestServer);
        impl Respond for Shared {
            fn respond(&self, request: &Request) -> ResponseTemplate {
                self.0.respond(request)
            }
        }
        let server = MockServer::start().await;
        Mock::given(wiremock::matchers::any())
            .respond_with(Shared(state))
            .mount(&server)
            .await;
        (server, state)
    }

    #[tokio::test]
    async fn digest_answers_the_challenge_and_reuses_the_nonce_with_an_increasing_count() {
        for algorithm in ["MD5", "SHA-256"] {
            let (server, state) = digest_server(algorithm).await;
            let client = Client::builder()
                .base_url(server.uri())
                .digest("public-key", "private-SECRET")
                .build()
                .unwrap();
            call(&client, "getPushMigration").await.unwrap();
            call(&client, "listDatabaseUsers").await.unwrap();
            call(&client, "deleteRoleMapping").await.unwrap();
            assert_eq!(*state.counts.lock().unwrap(), [1, 2, 3], "{algorithm}");
            // One challenge round trip for the first request only.
            assert_eq!(requests(&server).await.len(), 4, "{algorithm}");
        }
    }

    #[tokio::test]
    async fn sess_algorithms_compute_ha1_once_per_nonce() {
        for algorithm in ["MD5-sess", "SHA-256-sess"] {
            let (server, state) = digest_server(algorithm).await;
            let client = Client::builder()
                .base_url(server.uri())
                .digest("public-key", "private-SECRET")
                .build()
                .unwrap();
            // Each request has a client nonce of its own; HA1 stays the first one's.
            for _ in 0..3 {
                call(&client, "getPushMigration").await.unwrap();
            }
            assert_eq!(*state.counts.lock().unwrap(), [1, 2, 3], "{algorithm}");
        }
    }

    #[tokio::test]
    async fn concurrent_requests_on_one_nonce_never_send_the_same_count() {
        let (server, state) = digest_server("SHA-256").await;
        let client = Client::builder()
            .base_url(server.uri())
            .digest("public-key", "private-SECRET")
            .build()
            .unwrap();
        call(&client, "getPushMigration").await.unwrap();
        let calls: Vec<_> = (0..16)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { call(&client, "getPushMigration").await })
            })
            .collect();
        for handle in calls {
            handle.await.unwrap().unwrap();
        }
        let mut counts = state.counts.lock().unwrap().clone();
        counts.sort_unstable();
        assert_eq!(counts, (1..=17).collect::<Vec<u32>>());
        // One challenge, for the very first request.
        assert_eq!(requests(&server).await.len(), 18);
    }

    #[tokio::test]
    async fn digest_follows_a_stale_nonce() {
        let (server, state) = digest_server("MD5").await;
        let client = Client::builder()
            .base_url(server.uri())
            .digest("public-key", "private-SECRET")
            .build()
            .unwrap();
        call(&client, "getPushMigration").await.unwrap();
        *state.expire_next.lock().unwrap() = true;
        call(&client, "getPushMigration").await.unwrap();
        assert_eq!(
            *state.counts.lock().unwrap(),
            [1, 1],
            "the count restarts with the new nonce"
        );
    }

    #[tokio::test]
    async fn wrong_digest_credentials_end_as_the_servers_401() {
        let (server, _) = digest_server("MD5").await;
        let client = Client::builder()
            .base_url(server.uri())
            .digest("public-key", "wrong")
            .build()
            .unwrap();
        let error = call(&client, "getPushMigration").await.unwrap_err();
        assert_eq!(error.status(), Some(401));
        assert_eq!(
            requests(&server).await.len(),
            2,
            "one answer to the challenge, no loop"
        );
        assert!(!format!("{error} {error:?} {client:?}").contains("wrong"));
    }

    #[tokio::test]
    async fn secrets_never_appear_in_debug_output() {
        let server = MockServer::start().await;
        let clients = [
            Client::builder()
                .base_url(server.uri())
                .bearer_token("token-SECRET"),
            Client::builder()
                .base_url(server.uri())
                .service_account("id", "client-SECRET"),
            Client::builder()
                .base_url(server.uri())
                .digest("public", "private-SECRET"),
        ];
        for builder in clients {
            let builder_text = format!("{builder:?}");
            let client = builder.build().unwrap();
            let request_text = format!("{:?}", client.get_push_migration().group_id(GROUP));
            for text in [builder_text, format!("{client:?}"), request_text] {
                assert!(!text.contains("SECRET"), "{text}");
            }
        }
    }
}

/// The client of `tests/fixtures/endpoints.yaml`, generated by a build script into
/// `atlas-fixtures` and included as a module.
#[path = "client/request_bodies.rs"]
mod request_bodies;

mod fixture_client {
    use super::*;
    use atlas_fixtures::endpoints::models::{CreateThingBody, ListThingsKind};
    use atlas_fixtures::endpoints::{Client, Error};

    fn client(server: &MockServer) -> Client {
        Client::builder().base_url(server.uri()).build().unwrap()
    }

    #[tokio::test]
    async fn lists_enums_and_timestamps_go_into_the_query_as_the_spec_writes_them() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/things"))
            .and(header("accept", "application/vnd.example.2024-01-01+json"))
            .respond_with(json_response(
                200,
                json!({"results": [{"id": "1"}], "totalCount": 1}),
                "application/json",
            ))
            .expect(1)
            .mount(&server)
            .await;
        let since = chrono::DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z")
            .unwrap()
            .to_utc();
        let page = client(&server)
            .list_things()
            .kind(ListThingsKind::Large)
            .labels(vec!["a".into(), "b c".into()])
            .since(since)
            .until(since + chrono::Duration::days(1))
            .send()
            .await
            .unwrap();
        assert_eq!(page.results.unwrap()[0].id, "1");
        let sent = requests(&server).await;
        assert_eq!(
            sent[0].url.query(),
            Some(
                "kind=large&labels=a&labels=b+c&since=2024-01-01T00%3A00%3A00Z&until=2024-01-02T00%3A00%3A00Z"
            )
        );
    }

    #[tokio::test]
    async fn a_timestamp_without_its_partner_is_refused_in_rfc_3339() {
        let server = MockServer::start().await;
        let since = chrono::DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z")
            .unwrap()
            .to_utc();
        let error = client(&server)
            .list_things()
            .since(since)
            .send()
            .await
            .unwrap_err();
        let Error::InvalidParameter { name, value, rule } = error else {
            panic!("{error:?}")
        };
        assert_eq!(
            (name, value.as_str(), rule.as_str()),
            (
                "since",
                "2024-01-01T00:00:00Z",
                "requires until to be set too"
            )
        );
    }

    #[tokio::test]
    #[allow(deprecated)]
    async fn a_body_a_204_a_string_and_the_specs_own_error_model() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(body_json(json!({"name": "n"})))
            .respond_with(json_response(
                201,
                json!({"id": "9", "name": "n"}),
                "application/json",
            ))
            .mount(&server)
            .await;
        Mock::given(method("DELETE"))
            .and(path("/things/beef"))
            .respond_with(ResponseTemplate::new(204))
            .mount(&server)
            .await;
        Mock::given(method("DELETE"))
            .and(path("/things/dead"))
            .respond_with(json_response(
                404,
                json!({"code": "GONE"}),
                "application/json",
            ))
            .mount(&server)
            .await;
        Mock::given(path("/ping"))
            .respond_with(json_response(200, json!("pong"), "application/json"))
            .mount(&server)
            .await;
        let client = client(&server);
        let thing = client
            .create_thing()
            .body(CreateThingBody {
                name: "n".into(),
                unknown_fields: Default::default(),
            })
            .send()
            .await
            .unwrap();
        assert_eq!(thing.id, "9");
        client.delete_thing().thing_id("beef").send().await.unwrap();
        let error = client
            .delete_thing()
            .thing_id("dead")
            .send()
            .await
            .unwrap_err();
        assert_eq!(error.api_error().map(|p| p.code.as_str()), Some("GONE"));
        assert_eq!(error.to_string(), "HTTP 404: GONE");
        assert!(matches!(
            client.delete_thing().thing_id("nothex").send().await,
            Err(Error::InvalidParameter { .. })
        ));
        assert_eq!(client.ping().send().await.unwrap(), "pong");
    }

    #[tokio::test]
    async fn read_only_and_write_only_fields_are_optional_where_they_are_absent() {
        use atlas_fixtures::endpoints::models::{Thing, ThingUpdate};
        let server = MockServer::start().await;
        Mock::given(method("PUT"))
            .and(path("/things/beef"))
            .and(body_json(json!({"name": "n", "secret": "s"})))
            .respond_with(json_response(
                200,
                json!({"id": "beef", "name": "n"}),
                "application/json",
            ))
            .mount(&server)
            .await;
        // Sent without its read-only id; returned without its write-only secret.
        let body = ThingUpdate {
            id: None,
            name: "n".into(),
            secret: Some("s".into()),
            ..Default::default()
        };
        let updated = client(&server)
            .update_thing()
            .thing_id("beef")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(
            (updated.id.as_deref(), updated.secret),
            (Some("beef"), None)
        );
        // Only returned: the read-only id is required, the write-only token is not.
        let thing: Thing = serde_json::from_value(json!({"id": "1"})).unwrap();
        let (id, token): (String, Option<String>) = (thing.id, thing.token);
        assert_eq!((id.as_str(), token), ("1", None));
    }

    /// Header parameters arrive as headers, in OpenAPI's `simple` style (a list
    /// comma-joined), and cookie parameters in the `Cookie` header; an `Accept` parameter is
    /// the client's own.
    #[tokio::test]
    async fn header_and_cookie_parameters_arrive_as_headers() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/things/beef/history"))
            .and(header("x-request-id", "req-0001"))
            .respond_with(json_response(
                200,
                json!({"id": "beef"}),
                "application/json",
            ))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/things"))
            .and(header("x-trace", "trace 1"))
            .respond_with(json_response(
                200,
                json!({"results": []}),
                "application/json",
            ))
            .expect(1)
            .mount(&server)
            .await;
        let client = client(&server);
        let report = client
            .get_thing_history()
            .thing_id("beef")
            .x_request_id("req-0001")
            .use_effective_instance_fields(true)
            .x_max_age(60)
            .x_fields(vec!["a".into(), "b c".into()])
            .x_api_key("k3y")
            .region("eu-west")
            .send()
            .await
            .unwrap();
        assert_eq!(report.id.as_deref(), Some("beef"));
        client
            .list_things()
            .x_trace("trace 1")
            .send()
            .await
            .unwrap();
        let sent = requests(&server).await;
        let value = |name: &str| sent[0].headers.get(name).map(|v| v.to_str().unwrap());
        assert_eq!(value("use-effective-instance-fields"), Some("true"));
        assert_eq!(value("x-max-age"), Some("60"));
        assert_eq!(value("x-fields"), Some("a,b c"));
        assert_eq!(value("x-api-key"), Some("k3y"));
        assert_eq!(value("cookie"), Some("region=eu-west"));
        assert_eq!(value("accept"), Some("application/json"));
        // Unset optional parameters are not sent at all.
        assert_eq!(sent[1].headers.get("x-api-key"), None);
        assert_eq!(sent[1].headers.get("cookie"), None);
    }

    /// A missing required header is a missing parameter, and a value its checks refuse (or
    /// that no header can carry) an invalid one, named by its wire name; nothing is sent, and
    /// a credential's value is never repeated.
    #[tokio::test]
    async fn header_parameters_are_checked_before_anything_is_sent() {
        let server = MockServer::start().await;
        let client = client(&server);
        let history = || client.get_thing_history().thing_id("beef");
        let error = history().send().await.unwrap_err();
        assert!(
            matches!(
                error,
                Error::MissingParameter {
                    name: "X-Request-Id"
                }
            ),
            "{error:?}"
        );
        let invalid = |error: Error| match error {
            Error::InvalidParameter { name, value, .. } => (name, value),
            other => panic!("{other:?}"),
        };
        let error = history().x_request_id("NO").send().await.unwrap_err();
        assert_eq!(invalid(error), ("X-Request-Id", "NO".to_string()));
        let error = history()
            .x_request_id("req-0001")
            .x_max_age(4000)
            .send()
            .await
            .unwrap_err();
        assert_eq!(invalid(error), ("X-Max-Age", "4000".to_string()));
        let error = client
            .list_things()
            .x_trace("a\r\nInjected: yes")
            .send()
            .await
            .unwrap_err();
        assert_eq!(
            invalid(error),
            ("X-Trace", "a\r\nInjected: yes".to_string())
        );
        let error = history()
            .x_request_id("req-0001")
            .x_api_key("secret\n")
            .send()
            .await
            .unwrap_err();
        assert!(!error.to_string().contains("secret"), "{error}");
        assert_eq!(invalid(error), ("X-Api-Key", "<redacted>".to_string()));
        let error = history()
            .x_request_id("req-0001")
            .region("eu; admin=1")
            .send()
            .await
            .unwrap_err();
        assert_eq!(invalid(error), ("region", "eu; admin=1".to_string()));
        assert!(requests(&server).await.is_empty());
        // The builder's `Debug` never prints the key.
        let builder = history().x_api_key("k3y");
        let debug = format!("{builder:?}");
        assert!(debug.contains("x_api_key: Some(<redacted>)"), "{debug}");
        assert!(!debug.contains("k3y"), "{debug}");
    }

    /// The JSON body of the one request `server` received.
    async fn sent_body(server: &MockServer) -> serde_json::Value {
        let requests = server.received_requests().await.unwrap();
        assert_eq!(requests.len(), 1);
        serde_json::from_slice(&requests[0].body).unwrap()
    }

    #[tokio::test]
    async fn a_nullable_field_is_left_out_sent_as_null_or_sent_and_read_only_fields_never() {
        use atlas_fixtures::endpoints::models::{Nullable, ThingUpdate};
        let cases = [
            (Nullable::Absent, json!({"name": "n"})),
            (Nullable::Null, json!({"name": "n", "note": null})),
            (
                Nullable::from("hi".to_string()),
                json!({"name": "n", "note": "hi"}),
            ),
        ];
        for (note, expected) in cases {
            let server = MockServer::start().await;
            Mock::given(method("PUT"))
                .respond_with(json_response(200, json!({"name": "n"}), "application/json"))
                .mount(&server)
                .await;
            // Read-only fields set (as after a read) are still not sent.
            let body = ThingUpdate {
                id: Some("beef".into()),
                version: Some(3),
                name: "n".into(),
                note,
                ..Default::default()
            };
            client(&server)
                .update_thing()
                .thing_id("beef")
                .body(body.clone())
                .send()
                .await
                .unwrap();
            assert_eq!(sent_body(&server).await, expected);
            // Outside a request (serde, storage) nothing is left out.
            let stored = serde_json::to_value(&body).unwrap();
            assert_eq!(stored["id"], "beef");
            assert_eq!(stored["version"], 3);
        }
        // Reading: absent, null and a value are three states, and each is written back as read.
        for (json, note) in [
            (json!({"name": "n"}), Nullable::Absent),
            (json!({"name": "n", "note": null}), Nullable::Null),
            (
                json!({"name": "n", "note": "x"}),
                Nullable::Value("x".to_string()),
            ),
        ] {
            let thing: ThingUpdate = serde_json::from_value(json.clone()).unwrap();
            assert_eq!(thing.note, note);
            assert_eq!(serde_json::to_value(&thing).unwrap(), json);
        }
    }

    #[tokio::test]
    async fn the_fixture_stream_pages_until_the_total() {
        let server = MockServer::start().await;
        Mock::given(query_param("pageNum", "1"))
            .respond_with(json_response(
                200,
                json!({"results": [{"id": "1"}, {"id": "2"}], "totalCount": 3}),
                "application/json",
            ))
            .mount(&server)
            .await;
        Mock::given(query_param("pageNum", "2"))
            .respond_with(json_response(
                200,
                json!({"results": [{"id": "3"}], "totalCount": 3}),
                "application/json",
            ))
            .mount(&server)
            .await;
        let things: Vec<String> = client(&server)
            .list_things()
            .items_per_page(2)
            .stream()
            .map(|t| t.unwrap().id)
            .collect()
            .await;
        assert_eq!(things, ["1", "2", "3"]);
    }
}

mod shape {
    use super::*;

    fn assert_clone_send_sync<T: Clone + Send + Sync + 'static>() {}

    #[tokio::test]
    async fn the_client_is_shared_across_tasks() {
        assert_clone_send_sync::<Client>();
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(json_response(
                200,
                example("get_push_migration_200_migration_job"),
                "application/json",
            ))
            .expect(4)
            .mount(&server)
            .await;
        let client = client(&server);
        // `tokio::spawn` needs `Send + 'static` futures: requests and streams are both.
        let tasks: Vec<_> = (0..3)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { call(&client, "getPushMigration").await })
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        let stream = client.list_database_users().group_id(GROUP).stream();
        tokio::spawn(async move { stream.count().await })
            .await
            .unwrap();
    }
}

mod fixture_downloads {
    use super::*;
    use atlas_fixtures::endpoints::Client;

    #[tokio::test]
    async fn a_gzip_download_is_bytes_or_a_stream_of_chunks() {
        let server = MockServer::start().await;
        let log: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        Mock::given(path("/things/beef/log"))
            .and(header("accept", "application/vnd.example.2024-01-01+gzip"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_raw(log.clone(), "application/vnd.example.2024-01-01+gzip"),
            )
            .mount(&server)
            .await;
        let client = Client::builder().base_url(server.uri()).build().unwrap();
        assert_eq!(
            client
                .download_thing_log()
                .thing_id("beef")
                .send()
                .await
                .unwrap(),
            log
        );
        let mut stream = client
            .download_thing_log()
            .thing_id("beef")
            .send_stream()
            .await
            .unwrap();
        let mut streamed = Vec::new();
        let mut chunks = 0;
        while let Some(chunk) = stream.next().await {
            streamed.extend(chunk.unwrap());
            chunks += 1;
        }
        assert_eq!(streamed, log);
        assert!(chunks >= 1);
        let stream = client
            .download_thing_log()
            .thing_id("beef")
            .send_stream()
            .await
            .unwrap();
        assert_eq!(stream.collect_bytes().await.unwrap(), log);
    }

    #[tokio::test]
    async fn the_newest_version_is_the_default_and_older_ones_and_csv_can_be_pinned() {
        let server = MockServer::start().await;
        Mock::given(header("accept", "application/vnd.example.2024-01-01+json"))
            .respond_with(json_response(
                200,
                json!({"id": "1", "score": 0.5}),
                "application/vnd.example.2024-01-01+json",
            ))
            .mount(&server)
            .await;
        Mock::given(header("accept", "application/vnd.example.2023-01-01+json"))
            .respond_with(json_response(
                200,
                json!({"id": "1", "name": "old"}),
                "application/vnd.example.2023-01-01+json",
            ))
            .mount(&server)
            .await;
        Mock::given(header("accept", "application/vnd.example.2024-01-01+csv"))
            .respond_with(ResponseTemplate::new(200).set_body_raw("id,score\n1,0.5\n", "text/csv"))
            .mount(&server)
            .await;
        let client = Client::builder().base_url(server.uri()).build().unwrap();
        let report = client
            .get_thing_report()
            .thing_id("1")
            .send()
            .await
            .unwrap();
        assert_eq!(report.score, Some(0.5));
        let old = client
            .get_thing_report()
            .thing_id("1")
            .send_v2023_01_01()
            .await
            .unwrap();
        assert_eq!(old.name.as_deref(), Some("old"));
        let csv = client
            .get_thing_report()
            .thing_id("1")
            .send_csv()
            .await
            .unwrap();
        assert_eq!(csv, b"id,score\n1,0.5\n");
    }
}

/// Every error body Atlas sends is an API error: any JSON object, whatever members it has and
/// whatever their types; only a body that is not an object is an unexpected status.
mod error_bodies {
    use super::*;

    /// The error of `getPushMigration` answered with `status` and `body`, sent once.
    async fn error_for(status: u16, body: &[u8], content_type: &str) -> Error {
        let server = MockServer::start().await;
        Mock::given(wiremock::matchers::any())
            .respond_with(ResponseTemplate::new(status).set_body_raw(body.to_vec(), content_type))
            .mount(&server)
            .await;
        let client = Client::builder()
            .base_url(server.uri())
            .max_attempts(1)
            .build()
            .unwrap();
        call(&client, "getPushMigration").await.unwrap_err()
    }

    /// The body of an `Error::Api`, as the JSON it encodes to.
    fn api_body(error: &Error) -> Value {
        let Error::Api { body, .. } = error else {
            panic!("expected an API error, got {error:?}")
        };
        serde_json::to_value(&**body).unwrap()
    }

    /// An object without its `null` members: what a model with `None` there encodes to.
    fn without_nulls(value: &Value) -> Value {
        let object = value.as_object().unwrap();
        Value::Object(
            object
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        )
    }

    #[tokio::test]
    async fn every_real_error_body_is_an_api_error_with_its_fields() {
        let dir = atlas_codegen_tests::workspace_root().join("tests/realdata/api_error");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        assert!(files.len() >= 7, "{files:?}");
        for file in files {
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            let status: u16 = name[..3].parse().unwrap();
            let bytes = std::fs::read(&file).unwrap();
            let json: Value = serde_json::from_slice(&bytes).unwrap();
            let error = error_for(status, &bytes, "application/json").await;
            let Error::Api { status: got, body } = &error else {
                panic!("{name}: expected an API error, got {error:?}")
            };
            assert_eq!(*got, status, "{name}");
            assert_eq!(
                body.error,
                json["error"].as_i64().map(|e| e as i32),
                "{name}"
            );
            assert_eq!(
                body.error_code.as_deref(),
                json["errorCode"].as_str(),
                "{name}"
            );
            assert_eq!(error.error_code(), json["errorCode"].as_str(), "{name}");
            assert_eq!(body.detail.as_deref(), json["detail"].as_str(), "{name}");
            assert_eq!(body.reason.as_deref(), json["reason"].as_str(), "{name}");
            let parameters = json.get("parameters").filter(|p| !p.is_null());
            assert_eq!(body.parameters.as_ref(), parameters, "{name}");
            assert!(body.unknown_fields.is_empty(), "{name}: {body:?}");
            assert_eq!(api_body(&error), without_nulls(&json), "{name}: all of it");
            assert_eq!(error.is_not_found(), status == 404, "{name}");
        }
    }

    #[tokio::test]
    async fn an_object_lacking_any_member_is_an_api_error() {
        let full = json!({
            "badRequestDetail": {"fields": [{"field": "name", "description": "must not be blank"}]},
            "detail": "No cluster named c exists.",
            "error": 404,
            "errorCode": "CLUSTER_NOT_FOUND",
            "parameters": ["c"],
            "reason": "Not Found",
            "somethingNew": {"kept": true}
        });
        let members: Vec<String> = full.as_object().unwrap().keys().cloned().collect();
        for member in &members {
            let mut lacking = full.clone();
            lacking.as_object_mut().unwrap().remove(member);
            let bytes = serde_json::to_vec(&lacking).unwrap();
            let error = error_for(404, &bytes, "application/json").await;
            assert_eq!(api_body(&error), lacking, "without {member}");
            assert_eq!(error.status(), Some(404));
            let code = (member != "errorCode").then_some("CLUSTER_NOT_FOUND");
            assert_eq!(error.error_code(), code, "without {member}");
        }
        // Only what no model knows; and nothing at all.
        let error = error_for(400, br#"{"message": "bad"}"#, "application/json").await;
        let body = error.api_error().unwrap();
        assert_eq!(body.unknown_fields["message"], "bad");
        assert_eq!(
            *body,
            atlas_admin::ApiError {
                unknown_fields: body.unknown_fields.clone(),
                ..Default::default()
            }
        );
        let error = error_for(404, b" {} ", "application/json").await;
        assert_eq!(error.api_error(), Some(&atlas_admin::ApiError::default()));
        assert_eq!(error.error_code(), None);
        assert!(error.is_not_found());
        assert_eq!(error.to_string(), "HTTP 404: {}");
    }

    #[tokio::test]
    async fn members_of_unexpected_types_are_kept_in_unknown_fields() {
        // Each known member with a value its field cannot hold, and the same with good ones
        // around it: the good ones decode, the misfits are kept whole under their own names.
        let misfits = [
            ("error", json!("404")),
            ("error", json!(99_999_999_999u64)),
            ("error", json!(4.5)),
            ("errorCode", json!(12)),
            ("errorCode", json!({"code": "X"})),
            ("detail", json!(["a", "b"])),
            ("reason", json!(false)),
            ("badRequestDetail", json!("oops")),
            ("badRequestDetail", json!({"fields": "not a list"})),
        ];
        for (member, value) in misfits {
            let mut sent = json!({
                "detail": "d", "error": 400, "errorCode": "INVALID", "reason": "Bad Request",
                "parameters": ["p"], "extra": 1
            });
            sent[member] = value.clone();
            let bytes = serde_json::to_vec(&sent).unwrap();
            let error = error_for(400, &bytes, "application/json").await;
            let body = error
                .api_error()
                .unwrap_or_else(|| panic!("{member}: {value}: {error:?}"));
            assert_eq!(
                body.unknown_fields.get(member),
                Some(&value),
                "{member}: {value}"
            );
            assert_eq!(body.unknown_fields["extra"], 1);
            assert_eq!(body.parameters, Some(json!(["p"])));
            if member != "detail" {
                assert_eq!(body.detail.as_deref(), Some("d"), "{member}");
            }
            if member != "error" {
                assert_eq!(body.error, Some(400), "{member}");
            }
            assert_eq!(api_body(&error), sent, "{member}: {value}: nothing lost");
        }
        // Every member a misfit at once.
        let sent = json!({
            "error": "x", "errorCode": 1, "detail": 2, "reason": [3],
            "badRequestDetail": 4, "parameters": {"any": "json"}
        });
        let error = error_for(500, &serde_json::to_vec(&sent).unwrap(), "application/json").await;
        let body = error.api_error().unwrap();
        assert_eq!(body.unknown_fields.len(), 5, "{body:?}");
        assert_eq!(body.parameters, Some(json!({"any": "json"})));
        assert_eq!(api_body(&error), sent);
        assert_eq!(error.error_code(), None);
        assert!(error.to_string().starts_with("HTTP 500: {"), "{error}");
    }

    #[tokio::test]
    async fn a_body_that_is_not_an_object_is_an_unexpected_status() {
        let html = "<html><body><h1>404 Not Found</h1></body></html>";
        for (body, content_type) in [
            (&b"[{\"error\": 404}]"[..], "application/json"),
            (b"\"Not Found\"", "application/json"),
            (b"404", "application/json"),
            (b"null", "application/json"),
            (html.as_bytes(), "text/html"),
            (b"Not Found", "text/plain"),
            (b"", "application/json"),
            (b"{\"error\": 404, \"detail\": ", "application/json"),
            (b"{\"error\": 404} trailing", "application/json"),
        ] {
            let error = error_for(404, body, content_type).await;
            let Error::UnexpectedStatus {
                status,
                content_type: kept_type,
                body: kept,
            } = &error
            else {
                panic!("{:?}: {error:?}", String::from_utf8_lossy(body))
            };
            assert_eq!((*status, kept.as_slice()), (404, body));
            assert_eq!(kept_type.as_deref(), Some(content_type));
            assert!(error.is_not_found());
            assert_eq!(error.error_code(), None);
            assert!(error.api_error().is_none());
        }
    }

    #[tokio::test]
    async fn error_code_and_is_not_found_read_an_error_without_a_match() {
        let conflict = br#"{"error": 409, "errorCode": "USER_ALREADY_EXISTS"}"#;
        let error = error_for(409, conflict, "application/json").await;
        assert_eq!(error.error_code(), Some("USER_ALREADY_EXISTS"));
        assert!(!error.is_not_found());
        assert_eq!(error.status(), Some(409));
        // `errorCode: null` is no code.
        let error = error_for(
            404,
            br#"{"error": 404, "errorCode": null}"#,
            "application/json",
        )
        .await;
        assert_eq!((error.error_code(), error.is_not_found()), (None, true));
        // Errors without a response have neither.
        let client = Client::builder()
            .base_url("http://127.0.0.1:9")
            .max_attempts(1)
            .build()
            .unwrap();
        let error = call(&client, "getPushMigration").await.unwrap_err();
        assert_eq!(
            (error.status(), error.error_code(), error.is_not_found()),
            (None, None, false)
        );
        let error = client
            .get_push_migration()
            .group_id(GROUP)
            .send()
            .await
            .unwrap_err();
        assert!(matches!(error, Error::MissingParameter { .. }), "{error:?}");
        assert_eq!((error.error_code(), error.is_not_found()), (None, false));
    }

    #[test]
    fn the_error_body_has_one_name_at_the_root_and_in_models() {
        // The same type, not an alias of another name: either path builds and names it.
        let body: atlas_admin::ApiError = atlas_admin::models::ApiError::default();
        let same: atlas_admin::models::ApiError = body;
        let error = Error::Api {
            status: 404,
            body: Box::new(same),
        };
        let read: Option<&atlas_admin::ApiError> = error.api_error();
        assert_eq!(read, Some(&atlas_admin::models::ApiError::default()));
        assert_eq!(
            std::any::type_name::<atlas_admin::ApiError>(),
            std::any::type_name::<atlas_admin::models::ApiError>()
        );
    }
}

/// `Pages` without `futures`: its own `next`, `try_next` and `try_collect`. Nothing from
/// `futures_util` is imported here.
mod own_stream {
    use super::{
        GROUP, MockServer, Request, Respond, ResponseTemplate, client, json, json_response, path,
    };
    use atlas_admin::Error;
    use wiremock::Mock;

    /// Five users in pages of `itemsPerPage`; page `fail_on`, if any, is a 500.
    struct Users {
        fail_on: Option<usize>,
    }

    impl Respond for Users {
        fn respond(&self, request: &Request) -> ResponseTemplate {
            let param = |name: &str| {
                request
                    .url
                    .query_pairs()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.parse::<usize>().unwrap())
            };
            let (page, size) = (param("pageNum").unwrap(), param("itemsPerPage").unwrap());
            if self.fail_on == Some(page) {
                return json_response(
                    500,
                    json!({"error": 500, "errorCode": "UNEXPECTED_ERROR"}),
                    "application/json",
                );
            }
            let start = (page - 1) * size;
            let results: Vec<_> = (start..5.min(start + size))
                .map(|n| json!({"databaseName": "admin", "groupId": GROUP, "username": format!("user{n}")}))
                .collect();
            json_response(
                200,
                json!({"results": results, "totalCount": 5}),
                "application/json",
            )
        }
    }

    async fn users(
        fail_on: Option<usize>,
    ) -> (
        MockServer,
        atlas_admin::Pages<atlas_admin::models::CloudDatabaseUser>,
    ) {
        let server = MockServer::start().await;
        Mock::given(path(format!("/api/atlas/v2/groups/{GROUP}/databaseUsers")))
            .respond_with(Users { fail_on })
            .mount(&server)
            .await;
        let pages = client(&server)
            .list_database_users()
            .group_id(GROUP)
            .items_per_page(2)
            .stream();
        (server, pages)
    }

    fn names() -> Vec<String> {
        (0..5).map(|n| format!("user{n}")).collect()
    }

    #[tokio::test]
    async fn next_try_next_and_try_collect_need_no_other_crate() {
        let (_server, mut pages) = users(None).await;
        let mut seen = Vec::new();
        while let Some(user) = pages.next().await {
            seen.push(user.unwrap().username);
        }
        assert_eq!(seen, names());
        assert!(pages.next().await.is_none(), "ended stays ended");

        let (_server, mut pages) = users(None).await;
        let mut seen = Vec::new();
        while let Some(user) = pages.try_next().await.unwrap() {
            seen.push(user.username);
        }
        assert_eq!(seen, names());
        assert_eq!(pages.try_next().await.unwrap(), None);

        let (_server, pages) = users(None).await;
        let all = pages.try_collect().await.unwrap();
        assert_eq!(
            all.into_iter().map(|u| u.username).collect::<Vec<_>>(),
            names()
        );
    }

    #[tokio::test]
    async fn an_error_on_a_later_page_is_what_try_collect_and_try_next_give() {
        let (_server, pages) = users(Some(2)).await;
        let error: Error = pages.try_collect().await.unwrap_err();
        assert_eq!(error.status(), Some(500));
        assert_eq!(error.error_code(), Some("UNEXPECTED_ERROR"));

        let (_server, mut pages) = users(Some(2)).await;
        assert_eq!(pages.try_next().await.unwrap().unwrap().username, "user0");
        assert_eq!(pages.try_next().await.unwrap().unwrap().username, "user1");
        assert_eq!(pages.try_next().await.unwrap_err().status(), Some(500));
        assert!(pages.next().await.is_none(), "the error ends the stream");
    }

    #[test]
    fn the_stream_and_its_methods_are_send() {
        fn send<T: Send>(_: &T) {}
        let client = atlas_admin::Client::builder().build().unwrap();
        let mut pages = client.list_database_users().group_id(GROUP).stream();
        send(&pages.next());
        send(&pages.try_next());
        send(&pages.try_collect());
    }
}

/// The crates public types are built from, re-exported at the root: a user builds a timestamp,
/// `unknown_fields`, a raw request's method and names the `Stream` trait through this crate.
mod re_exports {
    use atlas_admin::models::{OrgActiveUserResponse, OrgUserRolesResponse};

    #[test]
    fn the_crates_of_public_types_are_re_exported_at_the_root() {
        use atlas_admin::chrono::{DateTime, TimeZone, Utc};
        use atlas_admin::serde_json;
        let created: DateTime<Utc> = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
        let mut unknown = serde_json::Map::new();
        unknown.insert("new".to_string(), serde_json::json!(true));
        let mut user = OrgActiveUserResponse::new(
            created,
            "Ada".to_string(),
            "5d1113b25a115342acc2d1aa".to_string(),
            "Lovelace".to_string(),
            OrgUserRolesResponse::default(),
            "ada@example.com".to_string(),
        );
        user.unknown_fields = unknown;
        assert_eq!(user.created_at, created);
        // The same crates as the ones the tests depend on: one type, not two versions.
        let _: ::chrono::DateTime<::chrono::Utc> = user.created_at;
        let _: &::serde_json::Map<String, ::serde_json::Value> = &user.unknown_fields;

        let client = atlas_admin::Client::builder().build().unwrap();
        let _request = client.request(atlas_admin::reqwest::Method::GET, "/api/atlas/v2");
        // Your own `reqwest::Client`, named through this crate (building one needs a TLS
        // provider, so only its type is checked).
        let _with_your_own: fn(atlas_admin::reqwest::Client) -> atlas_admin::ClientBuilder =
            |http| atlas_admin::Client::builder().http_client(http);
        fn stream<S: atlas_admin::futures_core::Stream>(_: &S) {}
        stream(
            &client
                .list_database_users()
                .group_id("32b6e34b3d91647abb20e7b8")
                .stream(),
        );
    }
}
