//! What an operation sends, and the checks it makes before sending.

use super::error::Error;
use super::models::codec::{self, Encode};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but RFC 3986's unreserved characters is encoded in a path segment, so a value
/// holding `/`, `?`, `#`, `%`, spaces or non-ASCII stays one segment.
const SEGMENT: &AsciiSet =
    &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// One request of an operation, ready to be sent (and sent again, on retry).
#[derive(Clone, Debug)]
pub(crate) struct Request {
    pub method: reqwest::Method,
    /// The path with its parameters already encoded.
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    /// The media type asked for in `Accept`.
    pub accept: &'static str,
    pub body: Option<Body>,
}

#[derive(Clone, Debug)]
pub(crate) struct Body {
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

impl Request {
    pub fn new(method: reqwest::Method, accept: &'static str) -> Self {
        Self {
            method,
            path: String::new(),
            query: Vec::new(),
            accept,
            body: None,
        }
    }

    /// Appends a literal part of the path.
    pub fn path(&mut self, text: &str) {
        self.path.push_str(text);
    }

    /// Appends a path parameter as one encoded segment.
    pub fn segment(&mut self, name: &'static str, value: &str) -> Result<(), Error> {
        self.path.push_str(&segment(name, value)?);
        Ok(())
    }

    /// Adds a query parameter; a list adds one pair per item (`a=1&a=2`).
    pub fn query<T: Encode + ?Sized>(&mut self, name: &'static str, value: &T) {
        match codec::to_value(value).unwrap_or_default() {
            serde_json::Value::Array(items) => {
                for item in items {
                    self.query.push((name, value_text(item)));
                }
            }
            serde_json::Value::Null => {}
            other => self.query.push((name, value_text(other))),
        }
    }

    /// Sets a JSON body.
    pub fn json<T: Encode + ?Sized>(&mut self, content_type: &'static str, body: &T) {
        let bytes = codec::to_vec(body);
        self.body = Some(Body { content_type, bytes });
    }
}

/// A path parameter as one encoded segment. `.`, `..` and the empty string are refused: URL
/// normalization would turn them into a different path.
pub(crate) fn segment(name: &'static str, value: &str) -> Result<String, Error> {
    if matches!(value, "" | "." | "..") {
        return Err(Error::InvalidParameter {
            name,
            value: value.to_string(),
            rule: "a path segment cannot be empty, `.` or `..`".to_string(),
        });
    }
    Ok(utf8_percent_encode(value, SEGMENT).to_string())
}

/// The error for a required parameter that is not set.
pub(crate) fn missing(name: &'static str) -> Error {
    Error::MissingParameter { name }
}

/// Checks `minimum` and `maximum` of an integer parameter.
pub(crate) fn check_range(
    name: &'static str,
    value: i64,
    minimum: Option<i64>,
    maximum: Option<i64>,
) -> Result<(), Error> {
    let rule = match (minimum, maximum) {
        (Some(min), Some(max)) if !(min..=max).contains(&value) => {
            format!("must be between {min} and {max}")
        }
        (Some(min), None) if value < min => format!("must be at least {min}"),
        (None, Some(max)) if value > max => format!("must be at most {max}"),
        _ => return Ok(()),
    };
    Err(Error::InvalidParameter {
        name,
        value: value.to_string(),
        rule,
    })
}

/// Checks that a parameter that needs another one (`other`) comes with it.
#[allow(dead_code)] // Only specs with `x-requires` parameters use it.
pub(crate) fn check_requires(
    name: &'static str,
    value: Option<String>,
    other: &'static str,
    other_is_set: bool,
) -> Result<(), Error> {
    match value {
        Some(value) if !other_is_set => Err(Error::InvalidParameter {
            name,
            value,
            rule: format!("requires {other} to be set too"),
        }),
        _ => Ok(()),
    }
}

/// A parameter value as text: strings as they are, everything else as its JSON (enums as
/// their value, timestamps in RFC 3339).
pub(crate) fn text<T: Encode + ?Sized>(value: &T) -> String {
    value_text(codec::to_value(value).unwrap_or_default())
}

fn value_text(value: serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text,
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_encoded_whole() {
        assert_eq!(segment("n", "a/b?c#d%e f").unwrap(), "a%2Fb%3Fc%23d%25e%20f");
        assert_eq!(segment("n", "zoë..x").unwrap(), "zo%C3%AB..x");
        assert_eq!(segment("n", "Cluster0-a_b.c~d").unwrap(), "Cluster0-a_b.c~d");
        for bad in ["", ".", ".."] {
            assert!(matches!(segment("n", bad), Err(Error::InvalidParameter { .. })));
        }
    }

    #[test]
    fn ranges_name_the_rule() {
        assert!(check_range("n", 1, Some(1), Some(500)).is_ok());
        let error = check_range("itemsPerPage", 501, Some(1), Some(500)).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid value \"501\" for parameter itemsPerPage: must be between 1 and 500"
        );
        assert!(check_range("n", -1, Some(0), None).is_err());
        assert!(check_range("n", 7, None, Some(6)).is_err());
    }
}
