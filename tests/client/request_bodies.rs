//! Request bodies of every kind (fixture `bodies.yaml`), as a server on loopback receives
//! them: JSON-compatible types, forms in their styles, multipart with file parts (read back
//! by `multer`, as a server reads them), bytes and text; one setter per media type.

use super::*;
use atlas_fixtures::bodies::models::{
    FileAttributes, Nullable, PatchOperation, PatchOperationOp, ThingForm, ThingPatch,
    TokenRequest, TokenRequestClient, TokenRequestGrantType, UploadFileBody,
};
use atlas_fixtures::bodies::{Client, Error, File, RetryPolicy};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .retry_policy(RetryPolicy {
            max_attempts: 2,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(5),
            // Every method, so that a POST's multipart body is sent again.
            retry_non_idempotent: true,
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
}

/// A server that answers every request with `status` and a small JSON thing.
async fn answering(status: u16) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(json_response(
            status,
            json!({"id": "1"}),
            "application/json",
        ))
        .mount(&server)
        .await;
    server
}

/// The one request the server received: its `Content-Type` and body.
async fn received(server: &MockServer) -> (String, Vec<u8>) {
    let requests = requests(server).await;
    assert_eq!(requests.len(), 1, "one request");
    let content_type = requests[0]
        .headers
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (content_type, requests[0].body.clone())
}

/// A form body's pairs, decoded.
fn pairs(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).into_owned().collect()
}

fn pair(name: &str, value: &str) -> (String, String) {
    (name.to_string(), value.to_string())
}

#[tokio::test]
async fn a_json_patch_is_json_sent_as_its_own_media_type() {
    let server = answering(200).await;
    let operation = PatchOperation::new(PatchOperationOp::Replace, "/name".to_string());
    client(&server)
        .patch_thing()
        .id("t1")
        .body(vec![operation])
        .await
        .unwrap();
    let (content_type, body) = received(&server).await;
    assert_eq!(content_type, "application/json-patch+json");
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body, json!([{"op": "replace", "path": "/name"}]));
}

#[tokio::test]
async fn a_merge_patch_sends_null_to_remove_and_replaces_a_body_set_before() {
    let server = answering(200).await;
    let patch = ThingPatch {
        name: Nullable::Null,
        size: Some(3),
        ..ThingPatch::default()
    };
    client(&server)
        .patch_thing()
        .id("t1")
        .body(Vec::new())
        .body_merge_patch(patch)
        .await
        .unwrap();
    let (content_type, body) = received(&server).await;
    assert_eq!(content_type, "application/merge-patch+json");
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body, json!({"name": null, "size": 3}));
}

#[tokio::test]
async fn a_form_writes_each_field_in_its_encoding_style() {
    let server = answering(200).await;
    let mut form = ThingForm::new("a b&c=d".to_string());
    form.count = Some(3);
    form.labels = Some([("env".to_string(), "prod".to_string())].into());
    form.tags = Some(vec!["x".to_string(), "y|z".to_string()]);
    client(&server)
        .patch_thing()
        .id("t1")
        .body_form(form)
        .await
        .unwrap();
    let (content_type, body) = received(&server).await;
    assert_eq!(content_type, "application/x-www-form-urlencoded");
    // `labels` is a deep object, `tags` pipe-delimited, the rest the default form style.
    assert_eq!(
        pairs(&body),
        [
            pair("name", "a b&c=d"),
            pair("count", "3"),
            pair("labels[env]", "prod"),
            pair("tags", "x|y|z"),
        ]
    );
}

#[tokio::test]
async fn a_form_by_default_repeats_a_list_and_spreads_an_object_and_leaves_out_none() {
    let server = answering(200).await;
    let mut request = TokenRequest::new(TokenRequestGrantType::ClientCredentials);
    request.scope = Some(vec!["read".to_string(), "write all".to_string()]);
    request.client = Some(TokenRequestClient {
        id: Some("c1".to_string()),
        secret: Some("s+cr/t".to_string()),
        ..TokenRequestClient::default()
    });
    client(&server).create_token().body(request).await.unwrap();
    let (content_type, body) = received(&server).await;
    assert_eq!(content_type, "application/x-www-form-urlencoded");
    assert_eq!(
        pairs(&body),
        [
            pair("grant_type", "client_credentials"),
            pair("scope", "read"),
            pair("scope", "write all"),
            pair("id", "c1"),
            pair("secret", "s+cr/t"),
        ]
    );
    // Encoded as forms are: spaces as `+`, reserved characters percent-encoded.
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("scope=write+all&id=c1&secret=s%2Bcr%2Ft")
    );
}

/// The parts of a multipart body, read as a server reads them: (name, file name, media
/// type, bytes) each.
type Part = (String, Option<String>, Option<String>, Vec<u8>);

async fn parts(content_type: &str, body: Vec<u8>) -> Vec<Part> {
    let boundary = multer::parse_boundary(content_type).unwrap();
    let stream =
        futures_util::stream::once(
            async move { Ok::<_, std::io::Error>(bytes::Bytes::from(body)) },
        );
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut parts = Vec::new();
    while let Some(field) = multipart.next_field().await.unwrap() {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let media_type = field.content_type().map(ToString::to_string);
        let bytes = field.bytes().await.unwrap().to_vec();
        parts.push((name, file_name, media_type, bytes));
    }
    parts
}

fn upload() -> UploadFileBody {
    let file = File::new(b"\x89PNG\r\n--atlas-part-boundary-00000000\r\n".to_vec())
        .file_name("chart \"q3\".png")
        .content_type("image/png");
    let mut upload = UploadFileBody::new(file);
    upload.attributes = Some(FileAttributes {
        name: Some("chart".to_string()),
        ..FileAttributes::default()
    });
    upload.previews = Some(vec![File::new("small"), File::new("large")]);
    upload.tags = Some(vec!["a".to_string(), "b".to_string()]);
    upload.size = Some(42);
    upload.id = Some("read-only, never sent".to_string());
    upload
}

fn part(name: &str, file: Option<&str>, media: Option<&str>, bytes: &[u8]) -> Part {
    (
        name.to_string(),
        file.map(str::to_string),
        media.map(str::to_string),
        bytes.to_vec(),
    )
}

#[tokio::test]
async fn a_multipart_body_sends_a_part_per_field_and_files_with_their_names() {
    let server = answering(201).await;
    client(&server).upload_file().body(upload()).await.unwrap();
    let (content_type, body) = received(&server).await;
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    // The file holds the first boundary the client would choose, so it chose another.
    assert!(!content_type.ends_with("00000000"), "{content_type}");
    let octets = Some("application/octet-stream");
    assert_eq!(
        parts(&content_type, body).await,
        [
            part(
                "attributes",
                None,
                Some("application/json"),
                br#"{"name":"chart"}"#
            ),
            part(
                "file",
                Some("chart %22q3%22.png"),
                Some("image/png"),
                b"\x89PNG\r\n--atlas-part-boundary-00000000\r\n"
            ),
            part("previews", None, octets, b"small"),
            part("previews", None, octets, b"large"),
            part("tags", None, None, b"a"),
            part("tags", None, None, b"b"),
            part("size", None, None, b"42"),
        ]
    );
}

#[tokio::test]
async fn a_multipart_body_is_sent_again_whole_on_a_retry() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(json_response(201, json!({"id": "1"}), "application/json"))
        .mount(&server)
        .await;
    client(&server).upload_file().body(upload()).await.unwrap();
    let requests = requests(&server).await;
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].body, requests[1].body);
    assert_eq!(
        requests[0].headers.get("content-type"),
        requests[1].headers.get("content-type")
    );
}

#[tokio::test]
async fn bytes_and_text_are_sent_as_they_are() {
    let server = answering(204).await;
    let bytes = vec![0u8, 1, 2, 0xff, b'\n'];
    client(&server)
        .put_file_content()
        .id("f1")
        .body(bytes.clone())
        .await
        .unwrap();
    assert_eq!(
        received(&server).await,
        ("application/octet-stream".to_string(), bytes)
    );

    let text_server = answering(200).await;
    client(&text_server)
        .patch_thing()
        .id("t1")
        .body_text("name: zoë\n")
        .await
        .unwrap();
    assert_eq!(
        received(&text_server).await,
        ("text/plain".to_string(), "name: zoë\n".as_bytes().to_vec())
    );
}

#[tokio::test]
async fn an_optional_body_left_unset_sends_none_and_a_required_one_is_missing() {
    let server = answering(204).await;
    client(&server).put_file_content().id("f1").await.unwrap();
    let (content_type, body) = received(&server).await;
    assert_eq!((content_type.as_str(), body.len()), ("", 0));

    let error = client(&server).patch_thing().id("t1").await.unwrap_err();
    assert!(
        matches!(error, Error::MissingParameter { name: "body" }),
        "{error:?}"
    );
    assert_eq!(requests(&server).await.len(), 1, "nothing more was sent");
}
