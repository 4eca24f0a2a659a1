//! The client's one error type.

use std::fmt;

use super::ApiErrorBody;

/// Everything that can go wrong calling the API.
///
/// Response bodies are kept whole (up to the client's body limit); `Display` gives one
/// readable line and `Debug` a bounded excerpt, never a whole body. Secrets (tokens, keys)
/// never appear in an error.
#[non_exhaustive]
pub enum Error {
    /// The API answered with an error status and its own error body.
    Api { status: u16, body: Box<ApiErrorBody> },
    /// The API answered with an error status and a body that is not an API error.
    UnexpectedStatus { status: u16, content_type: Option<String>, body: Vec<u8> },
    /// A success status whose body does not decode into the operation's type.
    Decode { status: u16, source: serde_json::Error, body: Vec<u8> },
    /// A parameter failed a check of the spec; nothing was sent.
    InvalidParameter { name: &'static str, value: String, rule: String },
    /// A required parameter or body was not set; nothing was sent.
    MissingParameter { name: &'static str },
    /// The request did not complete within the configured timeout.
    Timeout { source: Box<dyn std::error::Error + Send + Sync> },
    /// Connecting, sending or receiving failed.
    Transport { source: Box<dyn std::error::Error + Send + Sync> },
    /// Credentials could not be used: the token exchange failed, or the server's digest
    /// challenge cannot be answered.
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

    /// The API's error body, for [`Error::Api`].
    pub fn api_error(&self) -> Option<&ApiErrorBody> {
        match self {
            Self::Api { body, .. } => Some(body),
            _ => None,
        }
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

/// The parts of an API error worth a line: its code, detail and reason, whichever it has.
fn summarize(body: &ApiErrorBody) -> String {
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
        value.to_string()
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
            Self::Timeout { source } => write!(f, "request timed out: {source}"),
            Self::Transport { source } => write!(f, "request failed: {source}"),
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
            Self::Paging { message } => write!(f, "paging failed: {message}"),
        }
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
