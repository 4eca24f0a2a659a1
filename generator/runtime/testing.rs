//! An in-process fake Atlas for testing code that uses this crate, programmed in the crate's
//! own types (the `testing` feature).
//!
//! [`MockAtlas::start`] serves on a loopback port; `on_<operation>()` programs an answer for
//! one operation, matched on its path, query, header and cookie parameters; [`MockAtlas::client`] is a client
//! already pointed at it. A request that no programmed answer matches is answered at once
//! with an [`Error::Api`](crate::Error::Api) (status 501, `MOCK_ATLAS_UNMATCHED`) whose detail
//! names the operation and what differed, never a hang; [`MockAtlas::requests`] and
//! [`MockAtlas::calls_to`] list what was received.

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, Mutex};

use percent_encoding::percent_decode_str;

use super::{Operation, OPERATIONS};
use crate::models::codec::{self, Encode};
use crate::Client;

/// An operation's row of the crate's table of operations (`OPERATIONS`, in the order of
/// [`Operation`]'s variants).
pub struct Shape {
    pub operation: Operation,
    pub id: &'static str,
    /// Upper-case HTTP method.
    pub method: &'static str,
    pub path: &'static str,
    /// The media type of its success response.
    pub media_type: &'static str,
}

impl Operation {
    fn shape(self) -> &'static Shape {
        &OPERATIONS[self as usize]
    }

    /// The operation's `operationId` in the spec (`listDatabaseUsers`).
    pub fn id(self) -> &'static str {
        self.shape().id
    }

    /// Its HTTP method, upper case (`GET`).
    pub fn method(self) -> &'static str {
        self.shape().method
    }

    /// Its path template, as in the spec (`/api/atlas/v2/groups/{groupId}/databaseUsers`).
    pub fn path(self) -> &'static str {
        self.shape().path
    }
}

/// The operation's id.
impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A request the fake received.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The operation it was for, if its method and path are one of the crate's.
    pub operation: Option<Operation>,
    pub method: String,
    /// The path, as sent (percent-encoded).
    pub path: String,
    /// The query parameters, decoded, in order.
    pub query: Vec<(String, String)>,
    /// The headers, names in lower case, in order (a value that is not text is read
    /// lossily).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The value of the query parameter `name` (its wire name, `pageNum`), decoded; the first
    /// one if it was sent more than once, `None` if it was not sent.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(n, _)| n == name).map(|(_, value)| value.as_str())
    }

    /// The value of the header `name` (any case: `x-trace` finds `X-Trace`); the first one
    /// if it was sent more than once, `None` if it was not sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        let mut headers = self.headers.iter();
        headers
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The value of the cookie `name`, from the `Cookie` header; `None` if it was not sent.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        cookie_value(&self.headers, name)
    }

    /// The body as JSON of type `T`.
    pub fn body_as<T: serde::de::DeserializeOwned>(
        &self,
    ) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

/// What a programmed answer sends.
enum Answer {
    /// The same status and body to every request it matches.
    Fixed { status: u16, content_type: Cow<'static, str>, body: Vec<u8> },
    // @cfg(paging)
    /// The page of the items that the request's page number and size select.
    Pages(Pages),
}

// @cfg(paging)
/// How a list operation pages, as its expectation's `respond_pages` tells the fake.
pub struct PageShape {
    /// The query parameters (wire names) of the page number (from 1) and the page size.
    pub page_param: &'static str,
    pub size_param: &'static str,
    /// The page size when the request does not say.
    pub default_size: i64,
    /// Whether the page has a `totalCount` and `links`.
    pub total_count: bool,
    pub links: bool,
}

// @cfg(paging)
/// Items served page by page.
struct Pages {
    /// Each item, as JSON.
    items: Vec<Vec<u8>>,
    shape: PageShape,
    media_type: &'static str,
}

/// One programmed answer.
struct Programmed {
    operation: Operation,
    path: Vec<(&'static str, String)>,
    query: Vec<(&'static str, String)>,
    headers: Vec<(&'static str, String)>,
    cookies: Vec<(&'static str, String)>,
    answer: Answer,
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
}

impl fmt::Debug for MockAtlas {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockAtlas")
            .field("uri", &self.server.uri())
            .finish_non_exhaustive()
    }
}

impl MockAtlas {
    /// Starts a fake on a loopback port. It answers only what is programmed; any other
    /// request gets an [`Error::Api`](crate::Error::Api) (501, `MOCK_ATLAS_UNMATCHED`) naming
    /// the operation and what differed.
    pub async fn start() -> Self {
        let server = wiremock::MockServer::start().await;
        let state = Arc::new(Mutex::new(State::default()));
        wiremock::Mock::given(wiremock::matchers::any())
            // @cfg(not(paging)) .respond_with(Dispatcher { state: state.clone() })
            // @cfg(paging)
            .respond_with(Dispatcher {
                state: state.clone(),
                base: server.uri(),
            })
            .mount(&server)
            .await;
        let client = Client::builder()
            .base_url(server.uri())
            .bearer_token("mock-atlas")
            .max_attempts(1)
            .build()
            .expect("a client of a loopback server builds");
        Self { server, state, client }
    }

    /// A client pointed at the fake, with a bearer token and no retries.
    pub fn client(&self) -> Client {
        self.client.clone()
    }

    /// The fake's base URL, for a client built by hand.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// An answer to program for `operation`: what each `on_<operation>()` starts from.
    pub(crate) fn expect(&self, operation: Operation) -> Expectation<'_> {
        Expectation {
            atlas: self,
            operation,
            path: Vec::new(),
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            times: None,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Every request received, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().received.clone()
    }

    /// The requests received for one operation, in order:
    /// `atlas.calls_to(Operation::ListDatabaseUsers)`.
    pub fn calls_to(&self, operation: Operation) -> Vec<RecordedRequest> {
        let state = self.lock();
        let calls = state.received.iter().filter(|r| r.operation == Some(operation));
        calls.cloned().collect()
    }

    /// The requests received for one operation, by its operationId.
    ///
    /// # Panics
    ///
    /// If `operation_id` is no operation of this crate.
    #[deprecated(
        note = "use `calls_to(Operation::..)`: the compiler checks an `Operation`, not a string"
    )]
    pub fn calls(&self, operation_id: &str) -> Vec<RecordedRequest> {
        match OPERATIONS.iter().find(|shape| shape.id == operation_id) {
            Some(shape) => self.calls_to(shape.operation),
            None => {
                panic!("MockAtlas::calls: {operation_id:?} is no operation of this crate")
            }
        }
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

/// The part of every operation's expectation (`<Operation>Expectation`, emitted beside the
/// operation table) that is the same for all: what it matches and how often.
pub(crate) struct Expectation<'a> {
    atlas: &'a MockAtlas,
    operation: Operation,
    path: Vec<(&'static str, String)>,
    query: Vec<(&'static str, String)>,
    headers: Vec<(&'static str, String)>,
    cookies: Vec<(&'static str, String)>,
    times: Option<u64>,
}

impl fmt::Debug for Expectation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Expectation")
            .field("operation", &self.operation)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &self.headers)
            .field("cookies", &self.cookies)
            .field("times", &self.times)
            .finish_non_exhaustive()
    }
}

impl Expectation<'_> {
    // @cfg(path)
    pub(crate) fn path_param(
        mut self,
        name: &'static str,
        value: &(impl Encode + ?Sized),
    ) -> Self {
        self.path.push((name, crate::request::text(value)));
        self
    }

    // @cfg(query)
    pub(crate) fn query_param(
        mut self,
        name: &'static str,
        value: &(impl Encode + ?Sized),
    ) -> Self {
        self.query.push((name, crate::request::text(value)));
        self
    }

    // @cfg(header)
    /// Matches the header `name` with `value` as the client sends it (a list comma-joined).
    pub(crate) fn header_param(
        mut self,
        name: &'static str,
        value: &(impl Encode + ?Sized),
    ) -> Self {
        self.headers.push((name, crate::request::simple_text(value)));
        self
    }

    // @cfg(cookie)
    /// Matches the cookie `name` with `value` as the client sends it.
    pub(crate) fn cookie_param(
        mut self,
        name: &'static str,
        value: &(impl Encode + ?Sized),
    ) -> Self {
        self.cookies.push((name, crate::request::simple_text(value)));
        self
    }

    pub(crate) fn times(mut self, n: u64) -> Self {
        self.times = Some(n);
        self
    }

    // @cfg(json_default)
    /// Answers 200 with `value` as JSON, in the operation's media type.
    pub(crate) fn respond_json<T: Encode + ?Sized>(self, value: &T) {
        self.respond_body(200, codec::to_vec(value));
    }

    /// Answers with `status` and `body` as it is, in the operation's media type.
    pub(crate) fn respond_body(self, status: u16, body: Vec<u8>) {
        let media_type = self.operation.shape().media_type;
        self.respond_with(status, Cow::Borrowed(media_type), body);
    }

    // @cfg(paging)
    /// Answers each request with the page of `items` it asks for.
    pub(crate) fn respond_pages<T: Encode>(
        self,
        items: impl IntoIterator<Item = T>,
        shape: PageShape,
    ) {
        let items = items.into_iter().map(|item| codec::to_vec(&item)).collect();
        let media_type = self.operation.shape().media_type;
        self.program(Answer::Pages(Pages { items, shape, media_type }));
    }

    /// Answers with an error status and the API's error body.
    pub(crate) fn respond_error<E: Encode + ?Sized>(self, status: u16, error: &E) {
        self.respond_with(
            status,
            Cow::Borrowed("application/json"),
            codec::to_vec(error),
        );
    }

    pub(crate) fn respond_raw(self, status: u16, content_type: &str, body: Vec<u8>) {
        self.respond_with(status, Cow::Owned(content_type.to_string()), body);
    }

    fn respond_with(self, status: u16, content_type: Cow<'static, str>, body: Vec<u8>) {
        self.program(Answer::Fixed { status, content_type, body });
    }

    fn program(self, answer: Answer) {
        self.atlas.lock().programmed.push(Programmed {
            operation: self.operation,
            path: self.path,
            query: self.query,
            headers: self.headers,
            cookies: self.cookies,
            answer,
            times: self.times,
            hits: 0,
        });
    }
}

// @cfg(paging)
impl Pages {
    /// The answer to a request with these query parameters; `href` is the URL of the same
    /// request for another page (number, size).
    fn answer(
        &self,
        query: &[(String, String)],
        href: impl Fn(i64, i64) -> String,
    ) -> wiremock::ResponseTemplate {
        let shape = &self.shape;
        let value = |name: &str| query.iter().find(|(n, _)| n == name).map(|(_, v)| v);
        let positive = |name: &'static str, default: i64| match value(name) {
            None => Ok(default),
            Some(text) => match text.parse::<i64>() {
                Ok(number) if number >= 1 => Ok(number),
                _ => Err(format!("{name} is {text:?}, not a whole number from 1")),
            },
        };
        let (number, size) = match (
            positive(shape.page_param, 1),
            positive(shape.size_param, shape.default_size),
        ) {
            (Ok(number), Ok(size)) => (number, size),
            (Err(reason), _) | (_, Err(reason)) => return bad_page(reason),
        };
        // Atlas leaves the count out when asked to (`includeCount=false`).
        let count =
            shape.total_count && value("includeCount").is_none_or(|v| v != "false");
        let body = page_body(&self.items, number, size, count, shape.links, href);
        wiremock::ResponseTemplate::new(200).set_body_raw(body, self.media_type)
    }
}

// @cfg(paging)
/// Page `number` (from 1) of `items`, `size` a page, as Atlas writes it: `links` (when `links`:
/// `previous` after the first page, `self`, and `next` while items follow), `results`, and
/// `totalCount` (when `count`). `href(number, size)` is the URL of a page.
fn page_body(
    items: &[Vec<u8>],
    number: i64,
    size: i64,
    count: bool,
    links: bool,
    href: impl Fn(i64, i64) -> String,
) -> Vec<u8> {
    let start = number.saturating_sub(1).saturating_mul(size);
    let start = usize::try_from(start).unwrap_or(usize::MAX).min(items.len());
    let end = start
        .saturating_add(usize::try_from(size).unwrap_or(usize::MAX))
        .min(items.len());
    let mut body = b"{".to_vec();
    if links {
        let link = |number: i64, rel: &str| serde_json::json!({ "href": href(number, size), "rel": rel });
        let mut list = Vec::new();
        if number > 1 {
            list.push(link(number - 1, "previous"));
        }
        list.push(link(number, "self"));
        if end < items.len() {
            list.push(link(number + 1, "next"));
        }
        body.extend_from_slice(b"\"links\":");
        body.extend(serde_json::to_vec(&list).unwrap_or_default());
        body.push(b',');
    }
    body.extend_from_slice(b"\"results\":[");
    for (i, item) in items[start..end].iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        body.extend_from_slice(item);
    }
    body.push(b']');
    if count {
        body.extend(format!(",\"totalCount\":{}", items.len()).into_bytes());
    }
    body.push(b'}');
    body
}

// @cfg(paging)
/// The answer to a page request whose page number or size is not one.
fn bad_page(reason: String) -> wiremock::ResponseTemplate {
    let body = serde_json::json!({
        "error": 400,
        "errorCode": "MOCK_ATLAS_INVALID_PAGE",
        "reason": "Bad Request",
        "detail": format!("MockAtlas: {reason}"),
    });
    wiremock::ResponseTemplate::new(400).set_body_json(body)
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

/// The value of the cookie `name` in the `Cookie` headers of `headers` (names in lower case).
fn cookie_value<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    let cookies = headers.iter().filter(|(n, _)| n == "cookie");
    let mut pairs = cookies.flat_map(|(_, value)| value.split(';'));
    pairs.find_map(|pair| {
        let (n, value) = pair.trim().split_once('=')?;
        (n == name).then_some(value)
    })
}

/// Why `programmed` does not answer a request with these path, query and header values;
/// `None` when it does.
fn differences(
    programmed: &Programmed,
    path: &[(String, String)],
    query: &[(String, String)],
    headers: &[(String, String)],
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
    for (name, wanted) in &programmed.headers {
        match headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
            Some((_, got)) if got == wanted => {}
            Some((_, got)) => {
                differ.push(format!("header {name} is {got:?}, not {wanted:?}"))
            }
            None => differ.push(format!("header {name} is missing (wanted {wanted:?})")),
        }
    }
    for (name, wanted) in &programmed.cookies {
        match cookie_value(headers, name) {
            Some(got) if got == wanted => {}
            Some(got) => differ.push(format!("cookie {name} is {got:?}, not {wanted:?}")),
            None => differ.push(format!("cookie {name} is missing (wanted {wanted:?})")),
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
    // @cfg(paging)
    /// The server's base URL, for the links of pages.
    base: String,
}

impl wiremock::Respond for Dispatcher {
    fn respond(&self, request: &wiremock::Request) -> wiremock::ResponseTemplate {
        let method = request.method.as_str().to_string();
        let path = request.url.path().to_string();
        let query: Vec<(String, String)> =
            request.url.query_pairs().into_owned().collect();
        let headers: Vec<(String, String)> = request
            .headers
            .iter()
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                (name.as_str().to_string(), value)
            })
            .collect();
        let operation = OPERATIONS.iter().find_map(|shape| {
            (shape.method == method)
                .then(|| path_values(shape.path, &path))
                .flatten()
                .map(|values| (shape.operation, values))
        });
        let mut state =
            self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        state.received.push(RecordedRequest {
            operation: operation.as_ref().map(|(operation, _)| *operation),
            method: method.clone(),
            path: path.clone(),
            query: query.clone(),
            headers: headers.clone(),
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
            match differences(programmed, &values, &query, &headers) {
                None => {
                    programmed.hits += 1;
                    return match &programmed.answer {
                        Answer::Fixed { status, content_type, body } => {
                            wiremock::ResponseTemplate::new(*status)
                                .set_body_raw(body.clone(), content_type)
                        }
                        // @cfg(paging)
                        Answer::Pages(pages) => pages.answer(&query, |number, size| {
                            self.page_href(request, &pages.shape, number, size)
                        }),
                    };
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

// @cfg(paging)
impl Dispatcher {
    /// The URL of `request` for page `number` of size `size`: its other query parameters as
    /// they were, the page's set (or added).
    fn page_href(
        &self,
        request: &wiremock::Request,
        shape: &PageShape,
        number: i64,
        size: i64,
    ) -> String {
        let (number, size) = (number.to_string(), size.to_string());
        let mut pairs: Vec<(String, String)> = request
            .url
            .query_pairs()
            .into_owned()
            .filter(|(name, _)| name != shape.page_param && name != shape.size_param)
            .collect();
        pairs.push((shape.page_param.to_string(), number));
        pairs.push((shape.size_param.to_string(), size));
        let mut url = request.url.clone();
        url.query_pairs_mut().clear().extend_pairs(pairs);
        let query = url.query().unwrap_or_default();
        format!("{}{}?{query}", self.base, request.url.path())
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

    #[test]
    fn headers_are_found_in_any_case_and_cookies_in_the_cookie_header() {
        let headers = vec![
            ("x-trace".to_string(), "t1".to_string()),
            ("cookie".to_string(), "a=1; region=eu-west; b=x=y".to_string()),
        ];
        assert_eq!(cookie_value(&headers, "region"), Some("eu-west"));
        assert_eq!(cookie_value(&headers, "b"), Some("x=y"));
        assert_eq!(cookie_value(&headers, "c"), None);
        let recorded = RecordedRequest {
            operation: None,
            method: "GET".to_string(),
            path: "/".to_string(),
            query: Vec::new(),
            headers,
            body: Vec::new(),
        };
        assert_eq!(recorded.header("X-Trace"), Some("t1"));
        assert_eq!(recorded.header("x-missing"), None);
        assert_eq!(recorded.cookie("a"), Some("1"));
    }

    // @cfg(all(header, cookie))
    /// Header and cookie matchers choose the answer as the client sends the values, and the
    /// fake says which one differed.
    #[tokio::test]
    async fn header_and_cookie_matchers_choose_the_answer() {
        use crate::request::Draft;
        let atlas = MockAtlas::start().await;
        let shape = &OPERATIONS[0];
        atlas
            .expect(shape.operation)
            .header_param("X-Fields", &vec!["a".to_string(), "b".to_string()])
            .cookie_param("region", "eu")
            .respond_raw(200, "application/octet-stream", b"matched".to_vec());
        // The operation's path with a plain value for each parameter.
        let path: String = shape
            .path
            .split('{')
            .enumerate()
            .map(|(i, part)| match part.split_once('}') {
                Some((_, rest)) if i > 0 => format!("x{rest}"),
                _ => part.to_string(),
            })
            .collect();
        let send = |fields: &'static str, region: &'static str| {
            let mut call = Draft::new(
                reqwest::Method::from_bytes(shape.method.as_bytes()).unwrap(),
                "application/octet-stream",
                shape.id,
                shape.path,
            );
            call.path(&path);
            call.header("X-Fields", fields, false);
            call.cookie("region", region, false);
            let (client, request) = call.finish(&atlas.client()).unwrap();
            async move { client.execute(&request).await }
        };
        let matched = send("a,b", "eu").await.unwrap();
        assert_eq!(matched.body, b"matched");
        let error = send("a", "eu").await.err().expect("no answer matches");
        // The API's error model or not, the detail says what differed.
        assert!(error.to_string().contains("header X-Fields is"), "{error}");
        let error = send("a,b", "us").await.err().expect("no answer matches");
        assert!(error.to_string().contains("cookie region is"), "{error}");
        let calls = atlas.calls_to(shape.operation);
        assert_eq!(calls.len(), 3);
        assert_eq!(calls[0].header("x-fields"), Some("a,b"));
        assert_eq!(calls[2].cookie("region"), Some("us"));
    }

    // @cfg(paging)
    /// The page `page_body` writes for page `number` of seven items, `size` a page.
    fn page(number: i64, size: i64) -> serde_json::Value {
        let items: Vec<Vec<u8>> = (1..=7).map(|i| i.to_string().into_bytes()).collect();
        let href =
            |number: i64, size: i64| format!("u?pageNum={number}&itemsPerPage={size}");
        serde_json::from_slice(&page_body(&items, number, size, true, true, href))
            .unwrap()
    }

    // @cfg(paging)
    fn rels(page: &serde_json::Value) -> Vec<(&str, &str)> {
        let links = page["links"].as_array().unwrap();
        links
            .iter()
            .map(|l| (l["rel"].as_str().unwrap(), l["href"].as_str().unwrap()))
            .collect()
    }

    // @cfg(paging)
    #[test]
    fn pages_are_the_slices_atlas_would_send_with_its_links() {
        let first = page(1, 3);
        assert_eq!(first["results"], serde_json::json!([1, 2, 3]));
        assert_eq!(first["totalCount"], 7);
        let expected = [
            ("self", "u?pageNum=1&itemsPerPage=3"),
            ("next", "u?pageNum=2&itemsPerPage=3"),
        ];
        assert_eq!(rels(&first), expected);

        let second = page(2, 3);
        assert_eq!(second["results"], serde_json::json!([4, 5, 6]));
        let rel_names: Vec<&str> = rels(&second).iter().map(|(rel, _)| *rel).collect();
        assert_eq!(rel_names, ["previous", "self", "next"]);
        assert_eq!(rels(&second)[0].1, "u?pageNum=1&itemsPerPage=3");

        // The last page is short and has no `next`.
        let last = page(3, 3);
        assert_eq!(last["results"], serde_json::json!([7]));
        let rel_names: Vec<&str> = rels(&last).iter().map(|(rel, _)| *rel).collect();
        assert_eq!(rel_names, ["previous", "self"]);

        // A full last page has no `next` either; past the end is empty.
        let full_last = page(1, 7);
        assert_eq!(rels(&full_last).len(), 1);
        let past = page(5, 3);
        assert_eq!(past["results"], serde_json::json!([]));
        assert_eq!(past["totalCount"], 7);

        let items = [b"1".to_vec()];
        let bare = page_body(&items, 1, 3, false, false, |_, _| String::new());
        assert_eq!(bare, br#"{"results":[1]}"#);
    }
}
