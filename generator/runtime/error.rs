//! The client's one error type.

use std::fmt;
use std::ops::Range;

use super::models::codec;
use super::ApiError;

/// Everything that can go wrong calling the API.
///
/// Response bodies are kept whole (up to the client's body limit); `Display` gives one
/// readable line and `Debug` a bounded excerpt, never a whole body. Secrets (tokens, keys)
/// never appear in an error.
#[non_exhaustive]
pub enum Error {
    /// The API answered with an error status and a JSON object, its error body: any object,
    /// whatever members it has. A member the model does not know, or whose value does not fit
    /// its field (a string `error`, a number `errorCode`), is kept in the body's unknown
    /// members under its own name.
    Api { status: u16, body: Box<ApiError> },
    /// The API answered with an error status and a body that is not a JSON object (an HTML
    /// page, an array, text, nothing), kept whole.
    UnexpectedStatus { status: u16, content_type: Option<String>, body: Vec<u8> },
    /// A success status whose body does not decode into the operation's type.
    Decode { status: u16, source: serde_json::Error, body: Vec<u8> },
    /// A parameter failed a check of the spec; nothing was sent.
    InvalidParameter { name: &'static str, value: String, rule: String },
    /// A required parameter or body was not set; nothing was sent.
    MissingParameter { name: &'static str },
    /// The request did not complete within the configured timeout.
    Timeout { source: Box<dyn std::error::Error + Send + Sync> },
    /// Connecting, sending or receiving failed, for the request or for a service account's
    /// token; `Display` and [`source`](std::error::Error::source) give the cause.
    Transport { source: Box<dyn std::error::Error + Send + Sync> },
    /// Credentials could not be used: the token endpoint refused them or answered something
    /// that is not a token, or the server's digest challenge cannot be answered. A token
    /// endpoint that cannot be reached is [`Error::Transport`] (or [`Error::Timeout`]).
    Auth { message: String },
    /// The client is misconfigured, e.g. an invalid base URL.
    Config { message: String },
    /// The server answered with a redirect, which the client does not follow (the Atlas API
    /// does not redirect; following would send the body and credentials elsewhere).
    Redirect { status: u16, location: Option<String> },
    /// A response body was larger than the client's limit
    /// ([`ClientBuilder::max_body_size`](super::client::ClientBuilder::max_body_size)); it was not
    /// read further.
    BodyTooLarge { status: u16, limit: usize },
    // @cfg(paging)
    /// A list operation's pages did not end: the server sent the same page twice, or more pages
    /// than the client's limit ([`ClientBuilder::max_pages`](super::client::ClientBuilder::max_pages)).
    Paging { message: String },
}

impl Error {
    /// The HTTP status, for errors that carry a response.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api { status, .. }
            | Self::UnexpectedStatus { status, .. }
            | Self::Decode { status, .. }
            | Self::Redirect { status, .. }
            | Self::BodyTooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether the API answered 404 Not Found: the resource (or its project, cluster, ...)
    /// does not exist, or is not visible to these credentials. Only the status counts, whatever
    /// the body: an [`Error::Api`] or an [`Error::UnexpectedStatus`] with status 404.
    ///
    /// ```ignore
    /// match client.get_push_migration().live_migration_id(id).group_id(group).await {
    ///     Ok(migration) => Some(migration),
    ///     Err(error) if error.is_not_found() => None,
    ///     Err(error) => return Err(error),
    /// }
    /// ```
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// The API's error body, for [`Error::Api`].
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Self::Api { body, .. } => Some(body),
            _ => None,
        }
    }

    /// The API's own code for the error (Atlas's `errorCode`, such as
    /// `"CLUSTER_NOT_FOUND"` or `"USER_ALREADY_EXISTS"`), for an [`Error::Api`] whose body
    /// has one as a string. `None` for every other error, and for a body without a code (some
    /// 401s have none) or whose code is not a string (kept in its unknown members).
    ///
    /// ```ignore
    /// match client.create_database_user().group_id(group).body(user).await {
    ///     Ok(_) => println!("created"),
    ///     Err(error) if error.error_code() == Some("USER_ALREADY_EXISTS") => println!("there already"),
    ///     Err(error) => return Err(error),
    /// }
    /// ```
    pub fn error_code(&self) -> Option<&str> {
        self.api_error().and_then(ErrorBody::error_code)
    }

    /// The raw response body, for errors that carry one that did not decode.
    pub fn body(&self) -> Option<&[u8]> {
        match self {
            Self::UnexpectedStatus { body, .. } | Self::Decode { body, .. } => Some(body),
            _ => None,
        }
    }

    /// Whether the request timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout { .. })
    }

    pub(crate) fn transport(error: reqwest::Error) -> Self {
        if error.is_timeout() {
            Self::Timeout { source: Box::new(error) }
        } else {
            Self::Transport { source: Box::new(error) }
        }
    }

    /// The error of an error status and its body: [`Error::Api`] for any JSON object,
    /// [`Error::UnexpectedStatus`] for anything else.
    pub(crate) fn from_error_response(
        status: u16,
        content_type: Option<String>,
        body: Vec<u8>,
    ) -> Self {
        match api_error(&body) {
            Some(api_error) => Self::Api {
                status,
                body: Box::new(api_error),
            },
            None => Self::UnexpectedStatus { status, content_type, body },
        }
    }
}

/// What the client needs of the API's error body, [`ApiError`]: the generated crate implements
/// it for its error model.
pub(crate) trait ErrorBody: codec::Decode + codec::Encode {
    /// The API's code for the error, if the body has one.
    fn error_code(&self) -> Option<&str>;
    /// Keeps a member whose value does not fit its field with the members the model does not
    /// know (a model that keeps none drops it).
    fn keep(&mut self, key: String, value: serde_json::Value);
}

/// A spec without an error model: the body is the JSON value.
impl ErrorBody for serde_json::Value {
    fn error_code(&self) -> Option<&str> {
        ["errorCode", "code"].iter().find_map(|key| self.get(*key)?.as_str())
    }

    fn keep(&mut self, key: String, value: serde_json::Value) {
        if let Some(members) = self.as_object_mut() {
            members.insert(key, value);
        }
    }
}

/// The API error a body holds: any JSON object. It is decoded as the model; when a member's
/// value does not fit its field, that member is set aside and the rest decoded again, and the
/// members set aside are kept in the error's unknown members, under their own names, so
/// nothing the server said is lost. `None` for a body that is not a JSON object (or an object
/// without a member the model requires).
fn api_error(body: &[u8]) -> Option<ApiError> {
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return None;
    }
    if let Ok(api_error) = codec::from_slice::<ApiError>(body) {
        return Some(api_error);
    }
    let Ok(serde_json::Value::Object(mut members)) = serde_json::from_slice(body) else {
        return None;
    };
    let mut misfits = Vec::new();
    // Each round sets one member aside, or ends.
    loop {
        let (json, spans) = object_with_spans(&members)?;
        match codec::from_slice_at::<ApiError>(&json) {
            Ok(mut api_error) => {
                for (key, value) in misfits {
                    api_error.keep(key, value);
                }
                return Some(api_error);
            }
            Err(offset) => {
                // An error outside every member (a required member missing) is no misfit.
                let (key, _) =
                    spans.into_iter().find(|(_, span)| span.contains(&offset))?;
                let value = members.remove(&key)?;
                misfits.push((key, value));
            }
        }
    }
}

/// The bytes of each member of an object's JSON, by its key.
type Spans = Vec<(String, Range<usize>)>;

/// An object as compact JSON, with the bytes each member spans: its key, its value and what
/// follows up to the next key (a comma, or for the last member a space before the closing
/// brace), which is where a decoding error of that member's value is placed.
fn object_with_spans(
    members: &serde_json::Map<String, serde_json::Value>,
) -> Option<(Vec<u8>, Spans)> {
    let mut json = vec![b'{'];
    let mut spans = Vec::with_capacity(members.len());
    for (i, (key, value)) in members.iter().enumerate() {
        let start = json.len();
        serde_json::to_writer(&mut json, key).ok()?;
        json.push(b':');
        serde_json::to_writer(&mut json, value).ok()?;
        json.push(if i + 1 < members.len() { b',' } else { b' ' });
        spans.push((key.clone(), start..json.len()));
    }
    json.push(b'}');
    Some((json, spans))
}

/// At most this many characters of a body go into a `Display` line.
const EXCERPT: usize = 200;

/// The start of a body as one line, at most [`EXCERPT`] characters whatever the body's size.
pub(crate) fn excerpt(body: &[u8]) -> String {
    // Four bytes a character at most, and some whitespace to fold: enough for the excerpt.
    let head = &body[..body.len().min(EXCERPT * 8)];
    let text = String::from_utf8_lossy(head);
    let mut line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > EXCERPT {
        line = line.chars().take(EXCERPT).collect::<String>() + "...";
    }
    line
}

/// The parts of an API error worth a line: its code, detail and reason, whichever it has
/// (else an excerpt of the body).
fn summarize(body: &ApiError) -> String {
    let value = super::models::codec::to_value(body).unwrap_or_default();
    let field = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| value.get(*n).and_then(|v| v.as_str()))
            .map(str::to_string)
    };
    let code = field(&["errorCode", "code"]);
    let detail = field(&["detail", "message"]);
    let reason = field(&["reason"]);
    let mut parts = Vec::new();
    parts.extend(code);
    parts.extend(detail.or(reason));
    if parts.is_empty() {
        excerpt(value.to_string().as_bytes())
    } else {
        parts.join(": ")
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api { status, body } => write!(f, "HTTP {status}: {}", summarize(body)),
            Self::UnexpectedStatus { status, content_type, body } => {
                let kind = content_type.as_deref().unwrap_or("no content type");
                write!(
                    f,
                    "HTTP {status} with a body that is not an API error ({kind}, "
                )?;
                write!(f, "{} bytes): {}", body.len(), excerpt(body))
            }
            Self::Decode { status, source, body } => write!(
                f,
                "HTTP {status} body does not decode: {source} ({} bytes: {})",
                body.len(),
                excerpt(body)
            ),
            Self::InvalidParameter { name, value, rule } => {
                write!(f, "invalid value {value:?} for parameter {name}: {rule}")
            }
            Self::MissingParameter { name } => {
                write!(f, "missing required parameter {name}")
            }
            Self::Timeout { source } => {
                write!(f, "request timed out: {}", Causes(source.as_ref()))
            }
            Self::Transport { source } => {
                write!(f, "request failed: {}", Causes(source.as_ref()))
            }
            Self::Auth { message } => write!(f, "authentication failed: {message}"),
            Self::Config { message } => {
                write!(f, "invalid client configuration: {message}")
            }
            Self::Redirect { status, location } => {
                let location = location.as_deref().unwrap_or("no Location");
                write!(f, "HTTP {status} redirect to {location}, not followed")
            }
            Self::BodyTooLarge { status, limit } => {
                write!(f, "HTTP {status} body is larger than the limit of {limit} bytes")
            }
            // @cfg(paging)
            Self::Paging { message } => write!(f, "paging failed: {message}"),
        }
    }
}

/// An error and its causes as one line, `error: cause: its cause`, leaving out a cause whose
/// text is in the line already (some errors repeat their cause in their own text).
struct Causes<'a>(&'a (dyn std::error::Error + 'static));

impl fmt::Display for Causes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut line = self.0.to_string();
        let mut cause = self.0.source();
        while let Some(error) = cause {
            let text = error.to_string();
            if !line.contains(&text) {
                line.push_str(": ");
                line.push_str(&text);
            }
            cause = error.source();
        }
        f.write_str(&line)
    }
}

/// A body in `Debug`: its size and an excerpt.
struct BodyExcerpt<'a>(&'a [u8]);

impl fmt::Debug for BodyExcerpt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes: {:?}>", self.0.len(), excerpt(self.0))
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api { status, body } => {
                f.debug_struct("Api").field("status", status).field("body", body).finish()
            }
            Self::UnexpectedStatus { status, content_type, body } => f
                .debug_struct("UnexpectedStatus")
                .field("status", status)
                .field("content_type", content_type)
                .field("body", &BodyExcerpt(body))
                .finish(),
            Self::Decode { status, source, body } => f
                .debug_struct("Decode")
                .field("status", status)
                .field("source", source)
                .field("body", &BodyExcerpt(body))
                .finish(),
            Self::InvalidParameter { name, value, rule } => f
                .debug_struct("InvalidParameter")
                .field("name", name)
                .field("value", value)
                .field("rule", rule)
                .finish(),
            Self::MissingParameter { name } => {
                f.debug_struct("MissingParameter").field("name", name).finish()
            }
            Self::Timeout { source } => {
                f.debug_struct("Timeout").field("source", source).finish()
            }
            Self::Transport { source } => {
                f.debug_struct("Transport").field("source", source).finish()
            }
            Self::Auth { message } => {
                f.debug_struct("Auth").field("message", message).finish()
            }
            Self::Config { message } => {
                f.debug_struct("Config").field("message", message).finish()
            }
            Self::Redirect { status, location } => f
                .debug_struct("Redirect")
                .field("status", status)
                .field("location", location)
                .finish(),
            Self::BodyTooLarge { status, limit } => f
                .debug_struct("BodyTooLarge")
                .field("status", status)
                .field("limit", limit)
                .finish(),
            // @cfg(paging)
            Self::Paging { message } => {
                f.debug_struct("Paging").field("message", message).finish()
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Decode { source, .. } => Some(source),
            Self::Timeout { source } | Self::Transport { source } => {
                Some(source.as_ref())
            }
            _ => None,
        }
    }
}
