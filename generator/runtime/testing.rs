//! An in-process fake Atlas for testing code that uses this crate, programmed in the crate's
//! own types (the `testing` feature).
//!
//! [`MockAtlas::start`] serves on a loopback port; `on_<operation>()` programs an answer for
//! one operation, matched on its path and query parameters; [`MockAtlas::client`] is a client
//! already pointed at it. A request that no programmed answer matches is answered at once
//! with an [`Error::Api`](crate::Error::Api) (status 501, `MOCK_ATLAS_UNMATCHED`) whose detail
//! names the operation and what differed, never a hang; [`MockAtlas::requests`] lists what
//! was received.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};

use percent_encoding::percent_decode_str;

use crate::models::codec::{self, Encode};
use crate::Client;

/// What the fake knows of an operation, to match requests to it.
#[doc(hidden)]
pub trait MockOperation {
    /// What the operation's `send().await` gives.
    type Response;
    /// Its row of the crate's table of operations.
    const INDEX: usize;
    /// The status and body of a success response carrying `value`.
    fn success(value: Self::Response) -> (u16, Vec<u8>);
}

/// The success status and body of a JSON response.
#[doc(hidden)]
pub fn json_success<T: Encode>(value: &T) -> (u16, Vec<u8>) {
    (200, codec::to_vec(value))
}

/// The operations of the crate, `(operationId, method, path template, success media type)`,
/// to name the operation an unmatched request was for.
type Operations = &'static [(&'static str, &'static str, &'static str, &'static str)];

/// A request the fake received.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The operation it was for, if its method and path are one of the crate's.
    pub operation: Option<&'static str>,
    pub method: String,
    /// The path, as sent (percent-encoded).
    pub path: String,
    /// The query parameters, decoded, in order.
    pub query: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The body as JSON of type `T`.
    pub fn body_as<T: serde::de::DeserializeOwned>(
        &self,
    ) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

/// One programmed answer.
struct Programmed {
    /// The operation's id, which the request's method and path select.
    operation: &'static str,
    path: Vec<(&'static str, String)>,
    query: Vec<(&'static str, String)>,
    status: u16,
    content_type: Cow<'static, str>,
    body: Vec<u8>,
    times: Option<u64>,
    hits: u64,
}

#[derive(Default)]
struct State {
    programmed: Vec<Programmed>,
    received: Vec<RecordedRequest>,
}

/// An in-process fake of the Atlas API on a loopback port; see [the `testing` module](super).
pub struct MockAtlas {
    server: wiremock::MockServer,
    state: Arc<Mutex<State>>,
    client: Client,
    operations: Operations,
}

impl fmt::Debug for MockAtlas {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockAtlas")
            .field("uri", &self.server.uri())
            .finish_non_exhaustive()
    }
}

impl MockAtlas {
    #[doc(hidden)]
    pub async fn start_with(operations: Operations) -> Self {
        let server = wiremock::MockServer::start().await;
        let state = Arc::new(Mutex::new(State::default()));
        wiremock::Mock::given(wiremock::matchers::any())
            .respond_with(Dispatcher {
                state: state.clone(),
                operations,
            })
            .mount(&server)
            .await;
        let client = Client::builder()
            .base_url(server.uri())
            .bearer_token("mock-atlas")
            .max_attempts(1)
            .build()
            .expect("a client of a loopback server builds");
        Self {
            server,
            state,
            client,
            operations,
        }
    }

    /// A client pointed at the fake, with a bearer token and no retries.
    pub fn client(&self) -> Client {
        self.client.clone()
    }

    /// The fake's base URL, for a client built by hand.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    #[doc(hidden)]
    pub fn expect<O: MockOperation>(&self) -> Expectation<'_, O> {
        Expectation {
            atlas: self,
            path: Vec::new(),
            query: Vec::new(),
            times: None,
            operation: PhantomData,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Every request received, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().received.clone()
    }

    /// The requests received for one operation (by operationId).
    pub fn calls(&self, operation_id: &str) -> Vec<RecordedRequest> {
        let state = self.lock();
        let calls = state.received.iter().filter(|r| r.operation == Some(operation_id));
        calls.cloned().collect()
    }

    /// Asserts that exactly one request had a body equal to `expected` (read as `T`).
    #[track_caller]
    pub fn assert_called_once_with_body<T>(&self, expected: &T)
    where
        T: serde::de::DeserializeOwned + PartialEq + fmt::Debug,
    {
        let requests = self.requests();
        let matching = requests
            .iter()
            .filter(|r| r.body_as::<T>().is_ok_and(|body| body == *expected))
            .count();
        if matching != 1 {
            let bodies: Vec<String> = requests
                .iter()
                .map(|r| {
                    format!(
                        "{} {}: {}",
                        r.method,
                        r.path,
                        String::from_utf8_lossy(&r.body)
                    )
                })
                .collect();
            panic!(
                "expected one request with the body {expected:?}, found {matching}; received:\n{}",
                bodies.join("\n")
            );
        }
    }
}

impl Drop for MockAtlas {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let state = self.lock();
        let unmet: Vec<String> = state
            .programmed
            .iter()
            .filter_map(|p| {
                let times = p.times?;
                (p.hits != times).then(|| {
                    format!(
                        "{}: expected {times} call(s), received {}",
                        p.operation, p.hits
                    )
                })
            })
            .collect();
        if !unmet.is_empty() {
            panic!("MockAtlas: {}", unmet.join("; "));
        }
    }
}

/// An answer being programmed for operation `O`: narrow it with the operation's parameter
/// setters, then give the answer with [`respond`](Self::respond),
/// [`respond_error`](Self::respond_error) or [`respond_raw`](Self::respond_raw).
#[must_use = "nothing is programmed until `respond`, `respond_error` or `respond_raw`"]
pub struct Expectation<'a, O> {
    atlas: &'a MockAtlas,
    path: Vec<(&'static str, String)>,
    query: Vec<(&'static str, String)>,
    times: Option<u64>,
    operation: PhantomData<fn() -> O>,
}

impl<O> fmt::Debug for Expectation<'_, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Expectation")
            .field("path", &self.path)
            .field("query", &self.query)
            .field("times", &self.times)
            .finish_non_exhaustive()
    }
}

impl<O: MockOperation> Expectation<'_, O> {
    #[doc(hidden)]
    pub fn path_param(
        mut self,
        name: &'static str,
        value: &(impl Encode + ?Sized),
    ) -> Self {
        self.path.push((name, crate::request::text(value)));
        self
    }

    #[doc(hidden)]
    pub fn query_param(
        mut self,
        name: &'static str,
        value: &(impl Encode + ?Sized),
    ) -> Self {
        self.query.push((name, crate::request::text(value)));
        self
    }

    /// Requires exactly `n` matching calls, checked when the [`MockAtlas`] is dropped.
    pub fn times(mut self, n: u64) -> Self {
        self.times = Some(n);
        self
    }

    /// Answers with the operation's value (a 204 for an operation without a body).
    pub fn respond(self, value: O::Response) {
        let (status, body) = O::success(value);
        let media_type = self.atlas.operations[O::INDEX].3;
        self.program(status, Cow::Borrowed(media_type), body);
    }

    /// Answers with an error status and the API's error body.
    pub fn respond_error(self, status: u16, error: crate::ApiErrorBody) {
        self.program(status, Cow::Borrowed("application/json"), codec::to_vec(&error));
    }

    /// Answers with any status, media type and body.
    pub fn respond_raw(self, status: u16, content_type: &str, body: impl Into<Vec<u8>>) {
        self.program(status, Cow::Owned(content_type.to_string()), body.into());
    }

    fn program(self, status: u16, content_type: Cow<'static, str>, body: Vec<u8>) {
        let operation = self.atlas.operations[O::INDEX].0;
        self.atlas.lock().programmed.push(Programmed {
            operation,
            path: self.path,
            query: self.query,
            status,
            content_type,
            body,
            times: self.times,
            hits: 0,
        });
    }
}

/// The path parameters of `path` if it has the shape of `template`, decoded.
fn path_values(template: &str, path: &str) -> Option<Vec<(String, String)>> {
    let (template, path) = (template.trim_matches('/'), path.trim_matches('/'));
    let (mut names, mut values) = (template.split('/'), path.split('/'));
    let mut found = Vec::new();
    loop {
        match (names.next(), values.next()) {
            (None, None) => return Some(found),
            (Some(name), Some(value)) => found.extend(segment_values(name, value)?),
            _ => return None,
        }
    }
}

/// The parameters of one path segment (`{userId}:addRole`, `{id}`, `users`) if `value` has
/// its shape: literal text must be there as it is, a parameter takes what comes up to the
/// next literal.
fn segment_values(template: &str, value: &str) -> Option<Vec<(String, String)>> {
    let mut found = Vec::new();
    let (mut template, mut value) = (template, value);
    while !template.is_empty() {
        if let Some(rest) = template.strip_prefix('{') {
            let close = rest.find('}')?;
            let name = &rest[..close];
            template = &rest[close + 1..];
            let literal_end = template.find('{').unwrap_or(template.len());
            let literal = &template[..literal_end];
            let end =
                if literal.is_empty() { value.len() } else { value.find(literal)? };
            let decoded =
                percent_decode_str(&value[..end]).decode_utf8_lossy().into_owned();
            found.push((name.to_string(), decoded));
            value = &value[end..];
        } else {
            let literal_end = template.find('{').unwrap_or(template.len());
            value = value.strip_prefix(&template[..literal_end])?;
            template = &template[literal_end..];
        }
    }
    value.is_empty().then_some(found)
}

/// Why `programmed` does not answer a request with these path and query values; `None` when
/// it does.
fn differences(
    programmed: &Programmed,
    path: &[(String, String)],
    query: &[(String, String)],
) -> Option<String> {
    let mut differ = Vec::new();
    for (name, wanted) in &programmed.path {
        let got = path.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
        if got != Some(wanted.as_str()) {
            differ.push(format!("{name} is {:?}, not {wanted:?}", got.unwrap_or("")));
        }
    }
    for (name, wanted) in &programmed.query {
        match query.iter().find(|(n, _)| n == name) {
            Some((_, got)) if got == wanted => {}
            Some((_, got)) => {
                differ.push(format!("query {name} is {got:?}, not {wanted:?}"))
            }
            None => differ.push(format!("query {name} is missing (wanted {wanted:?})")),
        }
    }
    if programmed.times.is_some_and(|times| programmed.hits >= times) {
        differ.push(format!("it was already called {} time(s)", programmed.hits));
    }
    (!differ.is_empty()).then(|| differ.join(", "))
}

/// The one responder of the fake's server: finds the programmed answer, or says why none.
struct Dispatcher {
    state: Arc<Mutex<State>>,
    operations: Operations,
}

impl wiremock::Respond for Dispatcher {
    fn respond(&self, request: &wiremock::Request) -> wiremock::ResponseTemplate {
        let method = request.method.as_str().to_string();
        let path = request.url.path().to_string();
        let query: Vec<(String, String)> =
            request.url.query_pairs().into_owned().collect();
        let operation = self.operations.iter().find_map(|(id, m, template, _)| {
            (*m == method)
                .then(|| path_values(template, &path))
                .flatten()
                .map(|values| (*id, values))
        });
        let mut state =
            self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        state.received.push(RecordedRequest {
            operation: operation.as_ref().map(|(id, _)| *id),
            method: method.clone(),
            path: path.clone(),
            query: query.clone(),
            body: request.body.clone(),
        });
        let Some((id, values)) = operation else {
            return unmatched(format!("{method} {path} is no operation of this crate"));
        };
        let mut reasons = Vec::new();
        // The most recently programmed answer that matches wins.
        for programmed in state.programmed.iter_mut().rev() {
            if programmed.operation != id {
                continue;
            }
            match differences(programmed, &values, &query) {
                None => {
                    programmed.hits += 1;
                    return wiremock::ResponseTemplate::new(programmed.status)
                        .set_body_raw(programmed.body.clone(), &programmed.content_type);
                }
                Some(reason) => reasons.push(reason),
            }
        }
        if reasons.is_empty() {
            unmatched(format!("{id} ({method} {path}): nothing was programmed for it"))
        } else {
            unmatched(format!(
                "{id} ({method} {path}): no programmed answer matched: {}",
                reasons.join("; ")
            ))
        }
    }
}

/// The answer to a request nothing matched: an API error the client reads as `Error::Api`.
fn unmatched(detail: String) -> wiremock::ResponseTemplate {
    let body = serde_json::json!({
        "error": 501,
        "errorCode": "MOCK_ATLAS_UNMATCHED",
        "reason": "Not Implemented",
        "detail": format!("MockAtlas: {detail}"),
    });
    wiremock::ResponseTemplate::new(501).set_body_json(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_their_templates() {
        let values = path_values(
            "/api/groups/{groupId}/users/{userId}:addRole",
            "/api/groups/g%2F1/users/u1:addRole",
        );
        let expected = vec![
            ("groupId".to_string(), "g/1".to_string()),
            ("userId".to_string(), "u1".to_string()),
        ];
        assert_eq!(values, Some(expected));
        assert_eq!(path_values("/a/{id}", "/a/b/c"), None);
        assert_eq!(path_values("/a/{id}:x", "/a/b:y"), None);
        assert_eq!(path_values("/a/b", "/a/c"), None);
    }
}
