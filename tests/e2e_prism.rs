//! End to end against Prism, the OpenAPI mock server, serving `spec/atlas-admin-v2.yaml`:
//! every operation, called through the generated client with valid inputs, passes Prism's
//! request validation (a 422 fails the test) and its response decodes.
//!
//! The test installs Prism from `tests/prism/package-lock.json` with `npm ci` when it is
//! missing, starts it on a free port and stops it at the end. It needs Node.js and npm.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use atlas_admin::Client;
use atlas_admin::models::{AddOrRemoveGroupRole, GroupRole, OrgUserResponse, SearchIndexResponse};

const GROUP: &str = "32b6e34b3d91647abb20e7b8";

fn prism_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("prism")
}

/// The Prism executable, installed from the lockfile first if needed.
fn prism_executable() -> PathBuf {
    let executable = prism_dir().join("node_modules/.bin/prism");
    if executable.exists() {
        return executable;
    }
    let npm_found = Command::new("npm")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let node_found = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        node_found && npm_found,
        "the Prism end-to-end test needs Node.js (18 or newer) and npm on the PATH to install \
         @stoplight/prism-cli from tests/prism/package-lock.json; install Node.js, or run \
         `npm ci --prefix tests/prism` where it is available"
    );
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(prism_dir())
        .status()
        .expect("npm runs");
    assert!(status.success(), "`npm ci` in tests/prism failed: {status}");
    assert!(
        executable.exists(),
        "npm ci did not install {}",
        executable.display()
    );
    executable
}

/// A running Prism, stopped when dropped.
struct Prism {
    child: Child,
    port: u16,
    log: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Prism {
    fn start() -> Self {
        let executable = prism_executable();
        // A free port: bind to port 0, read the port, release it for Prism.
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let spec = atlas_codegen_tests::spec_path();
        let mut child = Command::new(&executable)
            .args([
                "mock",
                spec.to_str().unwrap(),
                "--host",
                "127.0.0.1",
                "--port",
                &port.to_string(),
                "--errors",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", executable.display()));
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        for stream in [
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn Read + Send>),
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let log = log.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    log.lock().unwrap().push_str(&format!("{line}\n"));
                }
            });
        }
        let mut prism = Self { child, port, log };
        let deadline = Instant::now() + Duration::from_secs(90);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = prism.child.try_wait() {
                panic!(
                    "Prism exited ({status}) before listening:\n{}",
                    prism.log.lock().unwrap()
                );
            }
            assert!(
                Instant::now() < deadline,
                "Prism did not listen within 90 s:\n{}",
                prism.log.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        prism
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A raw request, bypassing the client's own checks: the status Prism answers.
    fn raw_status(&self, request_line: &str) -> u16 {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(stream, "{request_line} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer t\r\nConnection: close\r\n\r\n").unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread")]
#[allow(deprecated)]
async fn every_operation_passes_prism_validation_and_decodes() {
    let prism = Prism::start();
    // Prism does validate: a malformed group id is a 422 when the client's checks are bypassed.
    assert_eq!(
        prism.raw_status(&format!(
            "GET /api/atlas/v2/groups/xyz/liveMigrations/{GROUP}"
        )),
        422
    );

    let client = Client::builder()
        .base_url(prism.url())
        .bearer_token("prism-token")
        .build()
        .unwrap();
    let fail = |operation: &str, error: atlas_admin::Error| -> ! {
        panic!(
            "{operation}: {error}\nPrism log:\n{}",
            prism.log.lock().unwrap()
        )
    };
    let id = "5d1113b25a115342acc2d1aa";

    let logs = client
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
        .unwrap_or_else(|e| fail("listAccessLogsByClusterName", e));
    assert!(logs.access_logs.is_some());

    let index = client
        .get_atlas_search_index_by_name()
        .group_id(GROUP)
        .cluster_name("Cluster0")
        .database_name("sample_mflix")
        .collection_name("movies with spaces/and slashes")
        .index_name("default")
        .send()
        .await
        .unwrap_or_else(|e| fail("getAtlasSearchIndexByName", e));
    assert!(
        matches!(
            index,
            SearchIndexResponse::Search(_) | SearchIndexResponse::VectorSearch(_)
        ),
        "{index:?}"
    );

    client
        .get_push_migration()
        .group_id(GROUP)
        .live_migration_id(id)
        .send()
        .await
        .unwrap_or_else(|e| fail("getPushMigration", e));

    let pipeline = serde_json::from_value(serde_json::json!({
        "name": "sample-pipeline",
        "sink": {"type": "DLS", "metadataProvider": "AWS", "metadataRegion": "US_EAST_1"},
        "source": {"type": "ON_DEMAND_CPS", "clusterName": "Cluster0", "collectionName": "movies", "databaseName": "sample_mflix"}
    }))
    .unwrap();
    client
        .create_pipeline()
        .group_id(GROUP)
        .body(pipeline)
        .send()
        .await
        .unwrap_or_else(|e| fail("createPipeline", e));

    let users = client
        .list_database_users()
        .group_id(GROUP)
        .items_per_page(10)
        .page_num(1)
        .include_count(true)
        .send()
        .await
        .unwrap_or_else(|e| fail("listDatabaseUsers", e));
    assert!(users.results.is_some());

    client
        .delete_role_mapping()
        .federation_settings_id("55fa922fb343282757d9554e")
        .org_id("4888442a3354817a7320eb61")
        .id(id)
        .send()
        .await
        .unwrap_or_else(|e| fail("deleteRoleMapping", e));

    let user = client
        .add_project_role()
        .group_id(GROUP)
        .user_id(id)
        .body(AddOrRemoveGroupRole {
            group_role: GroupRole::GroupReadOnly,
            unknown_fields: Default::default(),
        })
        .send()
        .await
        .unwrap_or_else(|e| fail("addProjectRole", e));
    assert!(
        matches!(
            user,
            OrgUserResponse::Pending(_) | OrgUserResponse::Active(_)
        ),
        "{user:?}"
    );

    let roles = serde_json::from_value(serde_json::json!({"orgRoles": ["ORG_MEMBER"]})).unwrap();
    client
        .update_organization_roles()
        .org_id("4888442a3354817a7320eb61")
        .user_id(id)
        .body(roles)
        .send()
        .await
        .unwrap_or_else(|e| fail("updateOrganizationRoles", e));

    // Paging through Prism's example page.
    use futures_util::StreamExt;
    let streamed: Vec<_> = client
        .list_database_users()
        .group_id(GROUP)
        .stream()
        .collect()
        .await;
    assert!(!streamed.is_empty() && streamed.iter().all(Result::is_ok));
}
