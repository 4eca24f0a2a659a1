//! What the runtime's fault tests (`faults.rs`) and `tracing` tests (`tracing.rs`) share: a
//! client with quick retries, two calls, and a server that fails a few times first. Included
//! by both with `#[path]`, as each is a test binary of its own.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use atlas_admin::models::DataLakeIngestionPipeline;
use atlas_admin::{Client, Error, RetryPolicy};
use serde_json::{Value, json};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const GROUP: &str = "32b6e34b3d91647abb20e7b8";
pub const MIGRATION: &str = "32b6e34b3d91647abb20e7b9";

pub fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(40),
        ..RetryPolicy::default()
    }
}

/// A client of `base` with a bearer token and quick retries.
pub fn builder(base: &str) -> atlas_admin::ClientBuilder {
    Client::builder()
        .base_url(base)
        .bearer_token("test-token")
        .retry_policy(fast_retries())
}

/// A live migration, the body of `getPushMigration`.
pub fn migration() -> Value {
    json!({"_id": MIGRATION, "status": "NEW"})
}

/// `getPushMigration`: a GET.
pub async fn get_migration(client: &Client) -> Result<(), Error> {
    client
        .get_push_migration()
        .group_id(GROUP)
        .live_migration_id(MIGRATION)
        .send()
        .await
        .map(drop)
}

/// `createPipeline`: a POST.
#[allow(deprecated)]
pub async fn create_pipeline(client: &Client) -> Result<(), Error> {
    client
        .create_pipeline()
        .group_id(GROUP)
        .body(DataLakeIngestionPipeline::default())
        .send()
        .await
        .map(drop)
}

/// Answers with `first` for the first `times` requests, then with a migration.
struct Flaky {
    first: ResponseTemplate,
    times: usize,
    seen: AtomicUsize,
}

impl Respond for Flaky {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        if self.seen.fetch_add(1, Ordering::SeqCst) < self.times {
            self.first.clone()
        } else {
            ResponseTemplate::new(200).set_body_json(migration())
        }
    }
}

/// A server that answers `first` `times` times, then succeeds.
pub async fn flaky(first: ResponseTemplate, times: usize) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(Flaky {
            first,
            times,
            seen: AtomicUsize::new(0),
        })
        .mount(&server)
        .await;
    server
}
