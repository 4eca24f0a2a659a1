//! What the client tells `tracing`: a span per call and an event per retry, and never a
//! secret. Its own test binary: `tracing`'s callsites are process-wide, so capturing them
//! beside the other client tests' threads would race.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use atlas_admin::Client;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[path = "support/atlas_calls.rs"]
mod atlas_calls;

use atlas_calls::{GROUP, MIGRATION, builder, create_pipeline, flaky, get_migration, migration};

/// One capturing test at a time: each sets its own thread's subscriber.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// `tracing` output, captured.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

fn capture() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    (captured, guard)
}

#[tokio::test(flavor = "current_thread")]
async fn each_retry_is_a_tracing_event_with_its_attempt_and_wait() {
    let _serial = SERIAL.lock().await;
    let (captured, _guard) = capture();
    let server = flaky(ResponseTemplate::new(503), 2).await;
    get_migration(&builder(&server.uri()).build().unwrap())
        .await
        .unwrap();
    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let retries: Vec<&str> = text.lines().filter(|l| l.contains("retrying")).collect();
    assert_eq!(retries.len(), 2, "{text}");
    assert!(
        retries[0].contains("attempt=1") && retries[1].contains("attempt=2"),
        "{text}"
    );
    assert!(retries.iter().all(|l| l.contains("wait_ms=")), "{text}");
    assert!(text.contains("operation=\"getPushMigration\""), "{text}");
    assert!(
        text.contains("/api/atlas/v2/groups/{groupId}/liveMigrations/{liveMigrationId}"),
        "{text}"
    );
}

mod secrets {
    use super::*;
    use atlas_admin::models::CloudDatabaseUser;

    /// Every `Debug`, `Display` and `tracing` line of a run through all three kinds of
    /// credentials, successes and failures, holds none of the secrets.
    #[tokio::test(flavor = "current_thread")]
    async fn no_output_of_any_auth_flow_holds_a_secret() {
        let _serial = super::SERIAL.lock().await;
        let (captured, _guard) = super::capture();
        let mut texts = Vec::new();
        let mut note = |text: String| texts.push(text);

        // Bearer: a success, an API error, a transport error.
        let server = MockServer::start().await;
        Mock::given(path(format!(
            "/api/atlas/v2/groups/{GROUP}/liveMigrations/{MIGRATION}"
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(migration()))
        .mount(&server)
        .await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": 401})))
            .mount(&server)
            .await;
        let bearer = builder(&server.uri())
            .bearer_token("token-SECRET-1")
            .build()
            .unwrap();
        note(format!("{bearer:?}"));
        note(format!("{:?}", get_migration(&bearer).await));
        let error = create_pipeline(&bearer).await.unwrap_err();
        note(format!("{error} {error:?}"));

        // Service account: a token, its rejection, a failing exchange.
        let tokens = MockServer::start().await;
        Mock::given(path("/api/oauth/token"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"access_token": "token-SECRET-2", "expires_in": 3600})),
            )
            .up_to_n_times(2)
            .mount(&tokens)
            .await;
        Mock::given(path("/api/oauth/token"))
            .respond_with(
                ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_client"})),
            )
            .mount(&tokens)
            .await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": 401})))
            .mount(&tokens)
            .await;
        let account = Client::builder()
            .base_url(tokens.uri())
            .service_account("mdb_sa_id", "client-SECRET-3")
            .min_token_interval(Duration::from_millis(1))
            .build()
            .unwrap();
        note(format!("{account:?}"));
        for _ in 0..3 {
            let error = get_migration(&account).await.unwrap_err();
            note(format!("{error} {error:?}"));
        }

        // Digest: a challenge answered, and refused.
        let digest_server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(401).insert_header(
                "WWW-Authenticate",
                r#"Digest realm="r", nonce="n", qop="auth", algorithm=SHA-256"#,
            ))
            .mount(&digest_server)
            .await;
        let digest = Client::builder()
            .base_url(digest_server.uri())
            .digest("public", "private-SECRET-4")
            .build()
            .unwrap();
        note(format!("{digest:?}"));
        let error = get_migration(&digest).await.unwrap_err();
        note(format!("{error} {error:?}"));

        // A password in a model.
        let user: CloudDatabaseUser = serde_json::from_value(json!({
            "databaseName": "admin", "groupId": GROUP, "username": "u", "password": "pw-SECRET-5", "roles": []
        }))
        .unwrap();
        note(format!("{user:?} {user:#?}"));
        assert!(format!("{user:?}").contains("<redacted>"));

        note(String::from_utf8(captured.0.lock().unwrap().clone()).unwrap());
        let all = texts.join("\n");
        assert!(all.contains("atlas_request"), "tracing was captured: {all}");
        for secret in ["SECRET-1", "SECRET-2", "SECRET-3", "SECRET-4", "SECRET-5"] {
            assert!(!all.contains(secret), "{secret} leaked:\n{all}");
        }
    }
}
