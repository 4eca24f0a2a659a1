//! The client against a hostile server: every fault of the README's table, injected by an
//! in-process server on loopback (wiremock, or a raw TCP listener where HTTP itself has to
//! misbehave), each bounded in requests and time.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use atlas_admin::models::PaginatedApiAtlasDatabaseUserView;
use atlas_admin::{Client, Error, RetryPolicy};
use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

#[path = "support/atlas_calls.rs"]
mod atlas_calls;

use atlas_calls::{GROUP, MIGRATION, builder, create_pipeline, flaky, get_migration, migration};

async fn count(server: &MockServer, wanted: &str) -> usize {
    let requests = server.received_requests().await.unwrap_or_default();
    requests.iter().filter(|r| r.url.path() == wanted).count()
}

/// A loopback server speaking raw bytes: each connection is handed to `serve` with its
/// number. Its tasks end with the test's runtime.
async fn raw_server<F, Fut>(serve: F) -> (String, Arc<AtomicUsize>)
where
    F: Fn(usize, tokio::net::TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let n = counted.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(serve(n, stream));
        }
    });
    (format!("http://{address}"), connections)
}

/// Reads a request's head (and ignores its body).
async fn read_head(stream: &mut tokio::net::TcpStream) {
    let mut buffer = vec![0u8; 8192];
    let mut read = 0;
    while !buffer[..read].windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buffer[read..]).await {
            Ok(0) | Err(_) => return,
            Ok(n) => read += n,
        }
    }
}

mod token_endpoint {
    use super::*;

    async fn token_server(token: ResponseTemplate) -> MockServer {
        let server = MockServer::start().await;
        Mock::given(path("/api/oauth/token"))
            .respond_with(token)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_json(migration()))
            .mount(&server)
            .await;
        server
    }

    #[tokio::test]
    async fn any_expires_in_is_a_sane_lifetime_never_a_panic() {
        for expires_in in [
            json!(0),
            json!(-5),
            json!("soon"),
            json!(u64::MAX),
            json!(1e300),
        ] {
            let body =
                json!({"access_token": "t", "token_type": "Bearer", "expires_in": expires_in});
            let server = token_server(ResponseTemplate::new(200).set_body_json(body)).await;
            let client = Client::builder()
                .base_url(server.uri())
                .service_account("id", "secret")
                .min_token_interval(Duration::from_millis(50))
                .build()
                .unwrap();
            get_migration(&client).await.unwrap();
            get_migration(&client).await.unwrap();
            let fetched = count(&server, "/api/oauth/token").await;
            assert!(
                (1..=2).contains(&fetched),
                "{expires_in}: {fetched} token requests"
            );
        }
    }

    #[tokio::test]
    async fn a_failing_endpoint_is_asked_once_for_all_waiting_requests() {
        // A 400 is an answer about the credentials, not an outage: shared, not retried.
        let server = token_server(
            ResponseTemplate::new(400)
                .set_body_json(json!({"error": "invalid_request"}))
                .set_delay(Duration::from_millis(100)),
        )
        .await;
        let client = Client::builder()
            .base_url(server.uri())
            .service_account("id", "secret")
            .build()
            .unwrap();
        let calls: Vec<_> = (0..8)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { get_migration(&client).await })
            })
            .collect();
        for call in calls {
            let error = call.await.unwrap().unwrap_err();
            assert!(matches!(error, Error::Auth { .. }), "{error:?}");
            assert!(error.to_string().contains("HTTP 400"), "{error}");
        }
        assert_eq!(count(&server, "/api/oauth/token").await, 1);
        // Within the minimum interval, a new request gets the same answer without asking.
        assert!(matches!(
            get_migration(&client).await,
            Err(Error::Auth { .. })
        ));
        assert_eq!(count(&server, "/api/oauth/token").await, 1);
    }

    #[tokio::test]
    async fn an_unavailable_endpoint_is_a_transport_error_retried_like_a_request() {
        for status in [429u16, 500, 502, 503, 504] {
            let server = token_server(ResponseTemplate::new(status).set_body_string("busy")).await;
            let client = Client::builder()
                .base_url(server.uri())
                .service_account("id", "secret")
                .retry_policy(fast_retries(3))
                .build()
                .unwrap();
            let error = get_migration(&client).await.unwrap_err();
            assert!(
                matches!(error, Error::Transport { .. }),
                "{status}: {error:?}"
            );
            let text = error.to_string();
            assert!(
                text.contains(&format!("unavailable (HTTP {status}: busy)")),
                "{text}"
            );
            assert!(std::error::Error::source(&error).is_some(), "{error:?}");
            // Every attempt asks again: the request itself was never sent, so POST too.
            assert_eq!(count(&server, "/api/oauth/token").await, 3, "{status}");
            assert!(create_pipeline(&client).await.is_err());
            assert_eq!(count(&server, "/api/oauth/token").await, 6, "{status}");
        }
        // Back after one 503: the call succeeds on its retry.
        let server = MockServer::start().await;
        Mock::given(path("/api/oauth/token"))
            .respond_with(ResponseTemplate::new(503))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(path("/api/oauth/token"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"access_token": "t", "expires_in": 3600})),
            )
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_json(migration()))
            .mount(&server)
            .await;
        let client = Client::builder()
            .base_url(server.uri())
            .service_account("id", "secret")
            .retry_policy(fast_retries(3))
            .build()
            .unwrap();
        get_migration(&client).await.unwrap();
        assert_eq!(count(&server, "/api/oauth/token").await, 2);
    }

    #[tokio::test]
    async fn a_persistent_401_does_not_fetch_a_token_per_request() {
        let server = MockServer::start().await;
        Mock::given(path("/api/oauth/token"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"access_token": "t", "expires_in": 3600})),
            )
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(401)
                    .set_body_json(json!({"error": 401, "reason": "Unauthorized"})),
            )
            .mount(&server)
            .await;
        let client = Client::builder()
            .base_url(server.uri())
            .service_account("id", "secret")
            .build()
            .unwrap();
        for _ in 0..5 {
            let error = get_migration(&client).await.unwrap_err();
            assert_eq!(error.status(), Some(401));
        }
        // The first token, and one replacement after its rejection; no more.
        assert_eq!(count(&server, "/api/oauth/token").await, 2);
    }

    fn fast_retries(attempts: u32) -> RetryPolicy {
        RetryPolicy {
            max_attempts: attempts,
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(20),
            ..RetryPolicy::default()
        }
    }

    /// The errors of an error and its causes, outermost first.
    fn chain(error: &Error) -> Vec<String> {
        let mut texts = Vec::new();
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
        while let Some(error) = cause {
            texts.push(error.to_string());
            cause = error.source();
        }
        texts
    }

    #[tokio::test]
    async fn a_refused_credential_is_an_auth_error() {
        let server = token_server(
            ResponseTemplate::new(401)
                .set_body_json(json!({"error": "invalid_client", "error_description": "bad"})),
        )
        .await;
        let client = Client::builder()
            .base_url(server.uri())
            .service_account("id", "secret")
            .retry_policy(fast_retries(4))
            .build()
            .unwrap();
        let error = get_migration(&client).await.unwrap_err();
        assert!(matches!(error, Error::Auth { .. }), "{error:?}");
        assert!(error.to_string().contains("HTTP 401"), "{error}");
        assert!(error.to_string().contains("invalid_client"), "{error}");
        assert_eq!(
            count(&server, "/api/oauth/token").await,
            1,
            "a refusal is not retried"
        );
    }

    #[tokio::test]
    async fn an_unreachable_endpoint_is_a_transport_error_with_its_cause() {
        // A port nothing listens on.
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let client = Client::builder()
            .base_url(format!("http://127.0.0.1:{port}"))
            .service_account("id", "client-SECRET")
            .retry_policy(fast_retries(2))
            .build()
            .unwrap();
        let error = get_migration(&client).await.unwrap_err();
        assert!(matches!(error, Error::Transport { .. }), "{error:?}");
        let chain = chain(&error);
        assert!(chain.len() >= 3, "the cause is kept: {chain:?}");
        assert!(
            chain[1].contains(&format!(
                "token endpoint http://127.0.0.1:{port}/api/oauth/token"
            )),
            "{chain:?}"
        );
        let refused = |text: &str| text.to_lowercase().contains("refused");
        assert!(
            chain[2..].iter().any(|t| refused(t)),
            "the OS's reason: {chain:?}"
        );
        let line = error.to_string();
        assert!(
            line.starts_with("request failed: the token endpoint"),
            "{line}"
        );
        assert!(refused(&line), "the cause in Display: {line}");
        assert!(!line.contains('\n'), "{line}");
        for text in [line, format!("{error:?}")] {
            assert!(!text.contains("SECRET"), "the secret leaked: {text}");
        }
    }

    #[tokio::test]
    async fn a_dropped_connection_is_retried_like_a_request() {
        // Accepts, reads the token request and drops the connection: no answer.
        let (base, connections) = raw_server(|_, mut stream| async move {
            read_head(&mut stream).await;
            drop(stream);
        })
        .await;
        let client = Client::builder()
            .base_url(&base)
            .service_account("id", "secret")
            .retry_policy(fast_retries(3))
            .build()
            .unwrap();
        let error = get_migration(&client).await.unwrap_err();
        assert!(matches!(error, Error::Transport { .. }), "{error:?}");
        assert!(std::error::Error::source(&error).is_some(), "{error:?}");
        assert_eq!(
            connections.load(Ordering::SeqCst),
            3,
            "GET: every attempt asks again"
        );
        // The request was never sent, so a POST is retried as well.
        let error = create_pipeline(&client).await.unwrap_err();
        assert!(matches!(error, Error::Transport { .. }), "{error:?}");
        assert_eq!(
            connections.load(Ordering::SeqCst),
            3 + 3,
            "POST: every attempt"
        );
        // One attempt is one exchange.
        let once = Client::builder()
            .base_url(&base)
            .service_account("id", "secret")
            .max_attempts(1)
            .build()
            .unwrap();
        assert!(matches!(
            get_migration(&once).await,
            Err(Error::Transport { .. })
        ));
        assert_eq!(connections.load(Ordering::SeqCst), 3 + 3 + 1);
    }

    #[tokio::test]
    async fn a_dropped_connection_is_shared_by_the_requests_waiting_for_it() {
        // The exchange takes 200 ms before the connection is dropped: every request is waiting.
        let (base, connections) = raw_server(|_, mut stream| async move {
            read_head(&mut stream).await;
            tokio::time::sleep(Duration::from_millis(200)).await;
            drop(stream);
        })
        .await;
        let client = Client::builder()
            .base_url(&base)
            .service_account("id", "secret")
            .max_attempts(1)
            .build()
            .unwrap();
        let calls: Vec<_> = (0..8)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { get_migration(&client).await })
            })
            .collect();
        for call in calls {
            let error = call.await.unwrap().unwrap_err();
            assert!(matches!(error, Error::Transport { .. }), "{error:?}");
        }
        assert_eq!(
            connections.load(Ordering::SeqCst),
            1,
            "one exchange for all"
        );
        // A request after it asks again: no answer is not an answer to keep.
        assert!(get_migration(&client).await.is_err());
        assert_eq!(connections.load(Ordering::SeqCst), 2);
    }
}

mod bodies {
    use super::*;

    #[tokio::test]
    async fn a_success_body_past_the_limit_is_an_error() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(200).set_body_raw(vec![b' '; 4096], "application/json"),
            )
            .mount(&server)
            .await;
        let client = builder(&server.uri()).max_body_size(1024).build().unwrap();
        let error = get_migration(&client).await.unwrap_err();
        assert!(
            matches!(
                error,
                Error::BodyTooLarge {
                    status: 200,
                    limit: 1024
                }
            ),
            "{error:?}"
        );
    }

    #[tokio::test]
    async fn a_body_without_a_length_is_cut_at_the_limit_too() {
        // Chunked, so only counting the bytes can tell; the server would send forever.
        let (base, _) = raw_server(|_, mut stream| async move {
            read_head(&mut stream).await;
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let chunk = format!("400\r\n{}\r\n", " ".repeat(1024));
            for _ in 0..1000 {
                if stream.write_all(chunk.as_bytes()).await.is_err() {
                    return;
                }
            }
        })
        .await;
        let client = builder(&base).max_body_size(8 * 1024).build().unwrap();
        let error = get_migration(&client).await.unwrap_err();
        assert!(
            matches!(error, Error::BodyTooLarge { limit: 8192, .. }),
            "{error:?}"
        );
    }

    #[tokio::test]
    async fn an_error_body_past_the_limit_is_an_error() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(400).set_body_raw(vec![b'x'; 4096], "text/plain"))
            .mount(&server)
            .await;
        let client = builder(&server.uri()).max_body_size(1024).build().unwrap();
        let error = get_migration(&client).await.unwrap_err();
        assert!(
            matches!(error, Error::BodyTooLarge { status: 400, .. }),
            "{error:?}"
        );
    }

    #[tokio::test]
    async fn a_token_body_past_its_limit_is_an_auth_error() {
        let server = MockServer::start().await;
        Mock::given(path("/api/oauth/token"))
            .respond_with(
                ResponseTemplate::new(200).set_body_raw(vec![b' '; 200_000], "application/json"),
            )
            .mount(&server)
            .await;
        let client = Client::builder()
            .base_url(server.uri())
            .service_account("id", "secret")
            .build()
            .unwrap();
        let error = get_migration(&client).await.unwrap_err();
        assert!(matches!(error, Error::Auth { .. }), "{error:?}");
        assert!(
            error.to_string().contains("larger than the limit"),
            "{error}"
        );
    }

    #[tokio::test]
    async fn display_and_debug_show_a_bounded_excerpt() {
        let server = MockServer::start().await;
        let body = "<html>".to_string() + &"a".repeat(2_000_000);
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(502).set_body_raw(body, "text/html"))
            .mount(&server)
            .await;
        let client = builder(&server.uri()).max_attempts(1).build().unwrap();
        let error = get_migration(&client).await.unwrap_err();
        assert_eq!(
            error.body().map(<[u8]>::len),
            Some(2_000_006),
            "the body is kept whole"
        );
        let (display, debug) = (error.to_string(), format!("{error:?}"));
        assert!(display.len() < 600, "{} bytes", display.len());
        assert!(debug.len() < 1000, "{} bytes", debug.len());
        assert!(debug.contains("2000006 bytes"), "{debug}");
    }
}

#[tokio::test]
async fn a_redirect_is_not_followed_and_names_its_location() {
    let elsewhere = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(migration()))
        .expect(0)
        .mount(&elsewhere)
        .await;
    let server = MockServer::start().await;
    let location = format!("{}/stolen", elsewhere.uri());
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(307).insert_header("Location", location.as_str()))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server.uri()).build().unwrap();
    let error = create_pipeline(&client).await.unwrap_err();
    match &error {
        Error::Redirect {
            status: 307,
            location: Some(at),
        } => assert_eq!(*at, location),
        other => panic!("{other:?}"),
    }
    assert!(error.to_string().contains(&location), "{error}");
}

mod timeouts {
    use super::*;

    #[tokio::test]
    async fn the_deadline_covers_the_attempts_and_their_waits() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "2"))
            .mount(&server)
            .await;
        let client = builder(&server.uri())
            .timeout(Some(Duration::from_millis(300)))
            .build()
            .unwrap();
        let started = Instant::now();
        let error = get_migration(&client).await.unwrap_err();
        // The wait would pass the deadline: the last error, at once.
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(error.status(), Some(503));

        let slow = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)))
            .mount(&slow)
            .await;
        let impatient = builder(&slow.uri())
            .timeout(Some(Duration::from_millis(300)))
            .build()
            .unwrap();
        let started = Instant::now();
        let error = get_migration(&impatient).await.unwrap_err();
        assert!(error.is_timeout(), "{error:?}");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    }

    #[tokio::test]
    async fn a_body_that_stops_arriving_hits_the_idle_timeout() {
        let (base, _) = raw_server(|_, mut stream| async move {
            read_head(&mut stream).await;
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"_id\":";
            let _ = stream.write_all(head.as_bytes()).await;
            tokio::time::sleep(Duration::from_secs(5)).await;
        })
        .await;
        let client = builder(&base)
            .timeout(None)
            .read_timeout(Some(Duration::from_millis(200)))
            .max_attempts(1)
            .build()
            .unwrap();
        let started = Instant::now();
        let error = get_migration(&client).await.unwrap_err();
        assert!(error.is_timeout(), "{error:?}");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    }

    #[tokio::test]
    async fn a_download_is_bounded_by_the_idle_timeout_not_the_total() {
        use atlas_fixtures::endpoints::Client;
        // 8 chunks 100 ms apart: longer than the total deadline, never idle for long.
        let (base, _) = raw_server(|_, mut stream| async move {
            read_head(&mut stream).await;
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/gzip\r\ntransfer-encoding: chunked\r\n\r\n";
            let _ = stream.write_all(head.as_bytes()).await;
            for _ in 0..8 {
                tokio::time::sleep(Duration::from_millis(100)).await;
                if stream.write_all(b"4\r\nlogs\r\n").await.is_err() {
                    return;
                }
            }
            let _ = stream.write_all(b"0\r\n\r\n").await;
        })
        .await;
        let client = Client::builder()
            .base_url(base)
            .timeout(Some(Duration::from_millis(300)))
            .read_timeout(Some(Duration::from_secs(2)))
            .build()
            .unwrap();
        let started = Instant::now();
        let stream = client
            .download_thing_log()
            .thing_id("beef")
            .send_stream()
            .await
            .unwrap();
        let body = stream.collect_bytes().await.unwrap();
        assert_eq!(body, b"logs".repeat(8));
        assert!(
            started.elapsed() > Duration::from_millis(300),
            "outlived the total deadline"
        );
    }
}

mod retries {
    use super::*;

    async fn requests(server: &MockServer) -> usize {
        server.received_requests().await.unwrap_or_default().len()
    }

    #[tokio::test]
    async fn retry_after_as_an_http_date_is_honoured() {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let later = chrono::DateTime::from_timestamp(now as i64 + 2, 0).unwrap();
        let date = later.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
        let server = flaky(
            ResponseTemplate::new(429).insert_header("Retry-After", date.as_str()),
            1,
        )
        .await;
        let client = builder(&server.uri()).build().unwrap();
        let started = Instant::now();
        get_migration(&client).await.unwrap();
        assert!(
            started.elapsed() >= Duration::from_millis(900),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(requests(&server).await, 2);
    }

    #[tokio::test]
    async fn a_negative_or_garbage_retry_after_falls_back_to_backoff() {
        for value in ["-3", "soon", "1.5"] {
            let server = flaky(
                ResponseTemplate::new(503).insert_header("Retry-After", value),
                1,
            )
            .await;
            let client = builder(&server.uri()).build().unwrap();
            let started = Instant::now();
            get_migration(&client).await.unwrap();
            assert!(started.elapsed() < Duration::from_millis(500), "{value}");
            assert_eq!(requests(&server).await, 2, "{value}");
        }
    }

    #[tokio::test]
    async fn a_429_is_retried_for_post_but_a_503_only_on_opt_in() {
        let server = flaky(ResponseTemplate::new(429), 1).await;
        create_pipeline(&builder(&server.uri()).build().unwrap())
            .await
            .unwrap();
        assert_eq!(requests(&server).await, 2);

        let server = flaky(ResponseTemplate::new(503), 1).await;
        let error = create_pipeline(&builder(&server.uri()).build().unwrap())
            .await
            .unwrap_err();
        assert_eq!(error.status(), Some(503));
        assert_eq!(requests(&server).await, 1);
        let opted_in = builder(&server.uri())
            .retry_non_idempotent(true)
            .build()
            .unwrap();
        create_pipeline(&opted_in).await.unwrap();
    }

    #[tokio::test]
    async fn bad_gateway_and_gateway_timeout_are_retried_for_get() {
        for status in [502, 503, 504] {
            let server = flaky(ResponseTemplate::new(status), 2).await;
            get_migration(&builder(&server.uri()).build().unwrap())
                .await
                .unwrap();
            assert_eq!(requests(&server).await, 3, "{status}");
        }
        let server = flaky(ResponseTemplate::new(500), 1).await;
        assert!(
            get_migration(&builder(&server.uri()).build().unwrap())
                .await
                .is_err()
        );
        assert_eq!(requests(&server).await, 1, "500 is not retried");
    }

    #[tokio::test]
    async fn a_connection_refused_is_retried_for_every_method() {
        // A port nobody listens on until 150 ms from now.
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(150)).await;
            let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
            while let Ok((mut stream, _)) = listener.accept().await {
                read_head(&mut stream).await;
                let body = r#"{"_id":"x"}"#;
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(response.as_bytes()).await;
            }
        });
        let policy = RetryPolicy {
            max_attempts: 8,
            initial_backoff: Duration::from_millis(50),
            max_backoff: Duration::from_millis(100),
            ..RetryPolicy::default()
        };
        let client = Client::builder()
            .base_url(format!("http://127.0.0.1:{port}"))
            .bearer_token("t")
            .retry_policy(policy)
            .build()
            .unwrap();
        create_pipeline(&client).await.unwrap();
    }

    #[tokio::test]
    async fn a_connection_lost_after_sending_is_retried_only_for_idempotent_methods() {
        let (base, connections) = raw_server(|_, mut stream| async move {
            read_head(&mut stream).await;
            drop(stream);
        })
        .await;
        let client = builder(&base).build().unwrap();
        let error = create_pipeline(&client).await.unwrap_err();
        assert!(matches!(error, Error::Transport { .. }), "{error:?}");
        assert_eq!(connections.load(Ordering::SeqCst), 1);
        assert!(get_migration(&client).await.is_err());
        assert_eq!(
            connections.load(Ordering::SeqCst),
            1 + 3,
            "GET: every attempt"
        );
    }
}

mod paging {
    use super::*;

    /// Pages of one user each: distinct forever, or the same one again and again.
    struct Endless {
        distinct: bool,
        served: AtomicUsize,
    }

    impl Respond for Endless {
        fn respond(&self, request: &Request) -> ResponseTemplate {
            self.served.fetch_add(1, Ordering::SeqCst);
            let page = request
                .url
                .query_pairs()
                .find(|(k, _)| k == "pageNum")
                .map_or(1, |(_, v)| v.parse::<u32>().unwrap());
            let name = if self.distinct {
                format!("user-{page}")
            } else {
                "same".to_string()
            };
            ResponseTemplate::new(200).set_body_json(json!({
                "results": [{"databaseName": "admin", "groupId": GROUP, "username": name, "roles": []}]
            }))
        }
    }

    async fn endless(distinct: bool) -> (MockServer, Client) {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(Endless {
                distinct,
                served: AtomicUsize::new(0),
            })
            .mount(&server)
            .await;
        let client = builder(&server.uri()).max_pages(5).build().unwrap();
        (server, client)
    }

    #[tokio::test]
    async fn full_pages_forever_end_with_an_error_at_the_page_limit() {
        let (server, client) = endless(true).await;
        let mut stream = client
            .list_database_users()
            .group_id(GROUP)
            .items_per_page(1)
            .stream();
        let mut users = 0;
        let error = loop {
            match stream.next().await {
                Some(Ok(_)) => users += 1,
                Some(Err(error)) => break error,
                None => panic!("the stream ended without an error"),
            }
        };
        assert_eq!(users, 5);
        assert!(matches!(error, Error::Paging { .. }), "{error:?}");
        assert!(stream.next().await.is_none());
        assert_eq!(server.received_requests().await.unwrap().len(), 5);
    }

    #[tokio::test]
    async fn a_repeated_page_ends_with_an_error() {
        let (server, client) = endless(false).await;
        let items: Vec<_> = client
            .list_database_users()
            .group_id(GROUP)
            .items_per_page(1)
            .stream()
            .collect()
            .await;
        assert_eq!(items.len(), 2, "{items:?}");
        assert!(items[0].is_ok());
        assert!(
            matches!(items[1], Err(Error::Paging { .. })),
            "{:?}",
            items[1]
        );
        assert_eq!(server.received_requests().await.unwrap().len(), 2);
    }

    /// `users` users served page by page as `pageNum` and `itemsPerPage` ask, with a
    /// `totalCount` that says `total` whatever the truth, and Atlas's `self`/`previous`/`next`
    /// links when `links` is set.
    struct Paged {
        users: usize,
        total: usize,
        links: bool,
    }

    impl Respond for Paged {
        fn respond(&self, request: &Request) -> ResponseTemplate {
            let query = |name: &str| {
                request
                    .url
                    .query_pairs()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.parse::<usize>().unwrap())
            };
            let (page, size) = (
                query("pageNum").unwrap_or(1),
                query("itemsPerPage").unwrap_or(100),
            );
            let start = ((page - 1) * size).min(self.users);
            let end = (start + size).min(self.users);
            let results: Vec<_> = (start..end)
                .map(|i| json!({"databaseName": "admin", "username": format!("user-{i}"), "roles": []}))
                .collect();
            let mut links = vec![json!({"rel": "self", "href": format!("/p?pageNum={page}")})];
            if page > 1 {
                links.push(json!({"rel": "previous", "href": format!("/p?pageNum={}", page - 1)}));
            }
            if end < self.users {
                links.push(json!({"rel": "next", "href": format!("/p?pageNum={}", page + 1)}));
            }
            let mut body = json!({"results": results, "totalCount": self.total});
            if self.links {
                body["links"] = json!(links);
            }
            ResponseTemplate::new(200).set_body_json(body)
        }
    }

    /// The user names a stream over `paged` yields with `size` items a page, and how many
    /// requests it took.
    async fn stream_all(paged: Paged, size: i64) -> (Vec<String>, usize) {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(paged)
            .mount(&server)
            .await;
        let client = builder(&server.uri()).max_pages(20).build().unwrap();
        let mut stream = client
            .list_database_users()
            .group_id(GROUP)
            .items_per_page(size)
            .stream();
        let mut names = Vec::new();
        while let Some(user) = stream.next().await {
            names.push(user.unwrap().username);
        }
        (names, server.received_requests().await.unwrap().len())
    }

    /// [`stream_all`] over `users` users, `total` said, links or not, `size` a page.
    async fn pages(users: usize, total: usize, links: bool, size: i64) -> (Vec<String>, usize) {
        stream_all(
            Paged {
                users,
                total,
                links,
            },
            size,
        )
        .await
    }

    fn names(users: usize) -> Vec<String> {
        (0..users).map(|i| format!("user-{i}")).collect()
    }

    #[tokio::test]
    async fn a_total_count_that_underestimates_loses_no_item() {
        // Three pages of one user; the server's estimate says two.
        let (got, requests) = pages(3, 2, false, 1).await;
        assert_eq!(got, names(3));
        // The fourth, empty page ends it.
        assert_eq!(requests, 4);
        let (got, _) = pages(3, 2, true, 1).await;
        assert_eq!(got, names(3));
        let (got, _) = pages(7, 0, false, 3).await;
        assert_eq!(got, names(7));
    }

    #[tokio::test]
    async fn a_total_count_that_overestimates_ends_on_the_pages() {
        let (got, requests) = pages(3, 50, false, 1).await;
        assert_eq!(got, names(3));
        assert_eq!(requests, 4);
        // A short page ends it without asking for another.
        let (got, requests) = pages(7, 50, false, 3).await;
        assert_eq!(got, names(7));
        assert_eq!(requests, 3);
    }

    #[tokio::test]
    async fn a_full_last_page_without_a_next_link_ends_the_stream() {
        // Links as Atlas sends them: the third page of one item has `previous` but no `next`,
        // so no fourth page is asked for.
        let (got, requests) = pages(3, 3, true, 1).await;
        assert_eq!(got, names(3));
        assert_eq!(requests, 3);
        // Only a `self` link (one page, links but no paging links): the empty page decides.
        let (got, requests) = pages(2, 2, true, 2).await;
        assert_eq!(got, names(2));
        assert_eq!(requests, 2);
    }

    #[tokio::test]
    async fn a_server_that_ignores_page_num_ends_with_an_error_not_a_loop() {
        let server = MockServer::start().await;
        let page = json!({
            "results": [
                {"databaseName": "admin", "username": "a", "roles": []},
                {"databaseName": "admin", "username": "b", "roles": []}
            ],
            "totalCount": 1000
        });
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_json(page))
            .mount(&server)
            .await;
        let items: Vec<_> = builder(&server.uri())
            .build()
            .unwrap()
            .list_database_users()
            .group_id(GROUP)
            .items_per_page(2)
            .stream()
            .collect()
            .await;
        assert_eq!(items.len(), 3, "{items:?}");
        assert!(items[..2].iter().all(Result::is_ok));
        assert!(
            matches!(items[2], Err(Error::Paging { .. })),
            "{:?}",
            items[2]
        );
        assert_eq!(server.received_requests().await.unwrap().len(), 2);
    }

    #[tokio::test]
    async fn an_error_mid_stream_is_yielded_and_ends_it() {
        let server = MockServer::start().await;
        let page: PaginatedApiAtlasDatabaseUserView = serde_json::from_value(json!({
            "results": [{"databaseName": "admin", "groupId": GROUP, "username": "a", "roles": []}]
        }))
        .unwrap();
        Mock::given(wiremock::matchers::query_param("pageNum", "1"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(serde_json::to_value(&page).unwrap()),
            )
            .mount(&server)
            .await;
        Mock::given(wiremock::matchers::query_param("pageNum", "2"))
            .respond_with(ResponseTemplate::new(500).set_body_json(json!({"error": 500})))
            .mount(&server)
            .await;
        let items: Vec<_> = builder(&server.uri())
            .build()
            .unwrap()
            .list_database_users()
            .group_id(GROUP)
            .items_per_page(1)
            .stream()
            .collect()
            .await;
        assert_eq!(items.len(), 2);
        assert!(items[0].is_ok());
        assert_eq!(items[1].as_ref().unwrap_err().status(), Some(500));
    }
}

mod codec {
    use atlas_admin::models::codec;
    use atlas_admin::models::{ApiError, SearchIndexResponse};

    #[test]
    fn hostile_json_is_an_error_or_a_defined_value_never_a_panic() {
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        let deep_object = r#"{"a":"#.repeat(50_000) + "1" + &"}".repeat(50_000);
        let cases: Vec<(&str, Vec<u8>)> = vec![
            (
                "deep arrays",
                format!(r#"{{"error":400,"parameters":{deep}}}"#).into_bytes(),
            ),
            (
                "deep objects",
                format!(r#"{{"error":400,"parameters":{deep_object}}}"#).into_bytes(),
            ),
            ("huge number", br#"{"error":1e400}"#.to_vec()),
            (
                "long integer",
                format!(r#"{{"error":{}}}"#, "9".repeat(5000)).into_bytes(),
            ),
            (
                "invalid UTF-8",
                b"{\"error\":400,\"detail\":\"\xff\xfe\"}".to_vec(),
            ),
            (
                "lone leading surrogate",
                br#"{"error":400,"detail":"\ud800"}"#.to_vec(),
            ),
            (
                "lone trailing surrogate",
                br#"{"error":400,"detail":"\udc00x"}"#.to_vec(),
            ),
        ];
        for (what, bytes) in cases {
            let decoded = std::panic::catch_unwind(|| codec::from_slice::<ApiError>(&bytes));
            let result = decoded.unwrap_or_else(|_| panic!("{what}: panicked"));
            assert!(result.is_err(), "{what}: {result:?}");
            let union =
                std::panic::catch_unwind(|| codec::from_slice::<SearchIndexResponse>(&bytes));
            assert!(union.is_ok(), "{what}: the union panicked");
        }
        // A huge integer where any JSON goes is a float, as in serde_json; past f64, an error.
        let huge =
            |digits: usize| format!(r#"{{"error":1,"parameters":[{}]}}"#, "9".repeat(digits));
        let error: ApiError = codec::from_slice(huge(300).as_bytes()).unwrap();
        assert!(error.parameters.unwrap()[0].is_f64());
        let error = codec::from_slice::<ApiError>(huge(400).as_bytes()).unwrap_err();
        assert!(error.to_string().contains("number out of range"), "{error}");
        // Duplicate keys: the last one is kept, as serde_json does.
        let error: ApiError =
            codec::from_slice(br#"{"error":1,"error":2,"detail":"a","detail":"b"}"#).unwrap();
        assert_eq!((error.error, error.detail.as_deref()), (Some(2), Some("b")));
    }
}

mod your_stack {
    use super::*;

    #[tokio::test]
    async fn building_a_client_installs_no_process_wide_tls_provider() {
        let client = Client::builder()
            .base_url("https://cloud.mongodb.com")
            .bearer_token("t")
            .build()
            .unwrap();
        assert!(rustls::crypto::CryptoProvider::get_default().is_none());
        drop(client);
    }

    #[tokio::test]
    async fn your_own_http_client_sends_the_requests() {
        let server = MockServer::start().await;
        Mock::given(wiremock::matchers::header("x-from", "my-stack"))
            .and(wiremock::matchers::header(
                "authorization",
                "Bearer test-token",
            ))
            .respond_with(ResponseTemplate::new(200).set_body_json(migration()))
            .expect(1)
            .mount(&server)
            .await;
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-from", "my-stack".parse().unwrap());
        // Your own TLS too: rustls with the ring provider, for this client only.
        let tls = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
        let mine = reqwest::Client::builder()
            .default_headers(headers)
            .tls_backend_preconfigured(tls)
            .build()
            .unwrap();
        let client = builder(&server.uri()).http_client(mine).build().unwrap();
        get_migration(&client).await.unwrap();
    }

    #[tokio::test]
    async fn the_response_s_status_and_headers_come_with_the_value() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(migration())
                    .insert_header("RateLimit-Remaining", "42")
                    .insert_header("X-Request-Id", "req-1"),
            )
            .mount(&server)
            .await;
        let client = builder(&server.uri()).build().unwrap();
        let response = client
            .get_push_migration()
            .group_id(GROUP)
            .live_migration_id(MIGRATION)
            .send()
            .with_response()
            .await
            .unwrap();
        assert_eq!(response.status, 200);
        assert_eq!(response.header("ratelimit-remaining"), Some("42"));
        assert_eq!(response.header("x-request-id"), Some("req-1"));
        assert_eq!(response.value.id.as_deref(), Some(MIGRATION));
    }

    #[tokio::test]
    async fn a_raw_request_goes_through_auth_retries_and_errors() {
        let server = MockServer::start().await;
        Mock::given(path("/api/atlas/v2/groups"))
            .and(wiremock::matchers::header(
                "authorization",
                "Bearer test-token",
            ))
            .and(wiremock::matchers::header(
                "accept",
                "application/vnd.atlas.2023-01-01+json",
            ))
            .and(wiremock::matchers::query_param("itemsPerPage", "5"))
            .respond_with(ResponseTemplate::new(429))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(path("/api/atlas/v2/groups"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"totalCount": 3})))
            .mount(&server)
            .await;
        Mock::given(path("/api/atlas/v2/missing"))
            .respond_with(
                ResponseTemplate::new(404)
                    .set_body_json(json!({"error": 404, "errorCode": "NOT_FOUND"})),
            )
            .mount(&server)
            .await;
        let client = builder(&server.uri()).build().unwrap();
        let groups: Value = client
            .request(reqwest::Method::GET, "/api/atlas/v2/groups")
            .accept("application/vnd.atlas.2023-01-01+json")
            .query("itemsPerPage", 5)
            .send()
            .await
            .unwrap();
        assert_eq!(groups["totalCount"], 3);
        assert_eq!(
            server.received_requests().await.unwrap().len(),
            2,
            "the 429 was retried"
        );
        let error = client
            .request(reqwest::Method::GET, "/api/atlas/v2/missing")
            .send::<Value>()
            .await
            .unwrap_err();
        assert_eq!(
            error.api_error().and_then(|e| e.error_code.as_deref()),
            Some("NOT_FOUND")
        );
        let elsewhere = client
            .request(reqwest::Method::GET, "@evil.example.com/")
            .send::<Value>()
            .await;
        assert!(
            matches!(elsewhere, Err(Error::Config { .. })),
            "{elsewhere:?}"
        );
    }
}

/// A request builder is a future: `.await` sends it, as `send().await` does.
#[tokio::test]
async fn a_request_builder_is_awaited_directly() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(migration()))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server.uri()).build().unwrap();
    let migration = client
        .get_push_migration()
        .group_id(GROUP)
        .live_migration_id(MIGRATION)
        .await
        .unwrap();
    assert_eq!(migration.id.as_deref(), Some(MIGRATION));
}
