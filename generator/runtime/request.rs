//! What an operation sends, and the checks it makes before sending.

use std::borrow::Cow;

use super::client::Client;
use super::error::Error;
use super::models::codec::{self, Encode};
// @cfg(path)
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
// @cfg(pattern)
use regex::Regex;
use reqwest::header::HeaderValue;

// @cfg(path)
/// Everything but RFC 3986's unreserved characters is encoded in a path segment, so a value
/// holding `/`, `?`, `#`, `%`, spaces or non-ASCII stays one segment.
const SEGMENT: &AsciiSet =
    &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// One request of an operation, ready to be sent (and sent again, on retry).
#[derive(Clone, Debug)]
pub(crate) struct Request {
    pub method: reqwest::Method,
    /// The operation's id, for tracing (`request` for a raw request).
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))] // Read by the span only.
    pub operation: &'static str,
    /// The path as the spec writes it (`/groups/{groupId}`), for tracing: no values in it.
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))] // Read by the span only.
    pub path_template: Cow<'static, str>,
    /// The path with its parameters already encoded.
    pub path: String,
    pub query: Vec<(Cow<'static, str>, String)>,
    /// The header parameters (and the `Cookie` header of the cookie parameters), by wire
    /// name; a credential's value is marked sensitive.
    pub headers: Vec<(&'static str, HeaderValue)>,
    /// The media type asked for in `Accept`.
    pub accept: Cow<'static, str>,
    pub body: Option<Body>,
}

#[derive(Clone, Debug)]
pub(crate) struct Body {
    pub content_type: Cow<'static, str>,
    pub bytes: Vec<u8>,
}

/// A request being built, and the first of its checks that failed. A failed check is kept
/// rather than returned, so an operation's `prepare` is straight-line code with no early
/// return per check: across hundreds of operations that is a large share of the crate's build.
/// Checks are kept in the order they are made, so the error is the first failed check's.
pub(crate) struct Draft<'b> {
    request: Request,
    /// A JSON body (or a form) and its media type, written by [`Draft::finish`] as the
    /// client says.
    body: Option<(&'static str, &'b dyn Encode)>,
    // @cfg(form)
    /// The styles of a form's fields, when the body is a form.
    form: Option<&'static [(&'static str, FormStyle)]>,
    // @cfg(multipart)
    /// The parts of a multipart body.
    parts: Option<Vec<Part>>,
    // @cfg(cookie)
    /// The `name=value` pairs of the `Cookie` header.
    cookies: Vec<String>,
    failed: Option<Error>,
}

impl<'b> Draft<'b> {
    pub fn new(
        method: reqwest::Method,
        accept: &'static str,
        operation: &'static str,
        path_template: &'static str,
    ) -> Self {
        Self {
            request: Request {
                method,
                operation,
                path_template: Cow::Borrowed(path_template),
                path: String::new(),
                query: Vec::new(),
                headers: Vec::new(),
                accept: Cow::Borrowed(accept),
                body: None,
            },
            body: None,
            // @cfg(form)
            form: None,
            // @cfg(multipart)
            parts: None,
            // @cfg(cookie)
            cookies: Vec::new(),
            failed: None,
        }
    }

    // @cfg(any(pattern, ip_address, range, requires, path, header, cookie))
    /// Keeps `result`'s error, unless an earlier check failed.
    fn keep(&mut self, result: Result<(), Error>) {
        if let (Err(error), None) = (result, &self.failed) {
            self.failed = Some(error);
        }
    }

    // @cfg(pattern)
    /// Checks a parameter against its pattern (see [`check_pattern`]).
    pub fn check_pattern(&mut self, name: &'static str, value: &str, pattern: &Regex) {
        self.keep(check_pattern(name, value, pattern));
    }

    // @cfg(ip_address)
    /// Checks that a parameter is an IPv4 or IPv6 address (see [`check_ip_address`]).
    pub fn check_ip_address(&mut self, name: &'static str, value: &str) {
        self.keep(check_ip_address(name, value));
    }

    // @cfg(range)
    /// Checks `minimum` and `maximum` of an integer parameter (see [`check_range`]).
    pub fn check_range(
        &mut self,
        name: &'static str,
        value: i64,
        minimum: Option<i64>,
        maximum: Option<i64>,
    ) {
        self.keep(check_range(name, value, minimum, maximum));
    }

    // @cfg(requires)
    /// Checks that a parameter that needs another one comes with it (see [`check_requires`]).
    pub fn check_requires(
        &mut self,
        name: &'static str,
        value: Option<String>,
        other: &'static str,
        other_is_set: bool,
    ) {
        self.keep(check_requires(name, value, other, other_is_set));
    }

    /// Appends a literal part of the path.
    pub fn path(&mut self, text: &str) {
        self.request.path.push_str(text);
    }

    // @cfg(path)
    /// Appends a path parameter as one encoded segment; a value [`segment`] refuses is a
    /// failed check.
    pub fn segment(&mut self, name: &'static str, value: &str) {
        match segment(name, value) {
            Ok(encoded) => self.request.path.push_str(&encoded),
            Err(error) => self.keep(Err(error)),
        }
    }

    // @cfg(query)
    /// Adds a query parameter; a list adds one pair per item (`a=1&a=2`).
    pub fn query<T: Encode + ?Sized>(&mut self, name: &'static str, value: &T) {
        match codec::to_value(value).unwrap_or_default() {
            serde_json::Value::Array(items) => {
                for item in items {
                    self.request.query.push((Cow::Borrowed(name), value_text(item)));
                }
            }
            serde_json::Value::Null => {}
            other => self.request.query.push((Cow::Borrowed(name), value_text(other))),
        }
    }

    // @cfg(header)
    /// Adds a header parameter, its value in OpenAPI's `simple` style (see [`simple_text`]);
    /// a value that cannot be a header value is a failed check. A `sensitive` value (a
    /// credential) is marked so, and an error never repeats it.
    pub fn header<T: Encode + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
        sensitive: bool,
    ) {
        let text = simple_text(value);
        match HeaderValue::from_str(&text) {
            Ok(mut header) => {
                header.set_sensitive(sensitive);
                self.request.headers.push((name, header));
            }
            Err(_) => self.keep(Err(invalid_header(name, text, sensitive, HEADER_RULE))),
        }
    }

    // @cfg(cookie)
    /// Adds a cookie parameter to the `Cookie` header, as `name=value` (the value as
    /// [`header`](Self::header) writes it); a value holding `;` or a character a header
    /// cannot is a failed check.
    pub fn cookie<T: Encode + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
        sensitive: bool,
    ) {
        let text = simple_text(value);
        if text.contains(';') || HeaderValue::from_str(&text).is_err() {
            self.keep(Err(invalid_header(name, text, sensitive, COOKIE_RULE)));
        } else {
            self.cookies.push(format!("{name}={text}"));
        }
    }

    // @cfg(json_body)
    /// Sets a JSON body.
    pub fn json<T: Encode>(&mut self, content_type: &'static str, body: &'b T) {
        self.body = Some((content_type, body));
    }

    // @cfg(form)
    /// Sets a form body (`application/x-www-form-urlencoded`): the model's fields, each in its
    /// style (`styles`, by name; [`FormStyle::Form`] for the others).
    pub fn form<T: Encode>(
        &mut self,
        content_type: &'static str,
        body: &'b T,
        styles: &'static [(&'static str, FormStyle)],
    ) {
        self.body = Some((content_type, body));
        self.form = Some(styles);
    }

    // @cfg(multipart)
    /// Starts a `multipart/form-data` body, its parts added by [`part`](Self::part) (and
    /// `files`).
    pub fn multipart(&mut self) {
        self.parts = Some(Vec::new());
    }

    // @cfg(part_value)
    /// Adds a field of a multipart body: a string, number or boolean as a text part, a list of
    /// those as one part per item, anything else as a JSON part; nothing for `None`.
    pub fn part<T: Encode + ?Sized>(&mut self, name: &'static str, value: &T) {
        let text = |value| Part {
            name,
            file_name: None,
            content_type: None,
            bytes: value_text(value).into_bytes(),
        };
        let parts = match codec::to_value(value).unwrap_or_default() {
            serde_json::Value::Null => Vec::new(),
            serde_json::Value::Array(items) if items.iter().all(is_scalar) => {
                items.into_iter().map(text).collect()
            }
            value if is_scalar(&value) => vec![text(value)],
            value => vec![Part {
                name,
                file_name: None,
                content_type: Some("application/json".to_string()),
                bytes: serde_json::to_vec(&value).unwrap_or_default(),
            }],
        };
        if let Some(list) = &mut self.parts {
            list.extend(parts);
        }
    }

    // @cfg(part_file)
    /// Adds files to a multipart body, one part each, with their names and media types.
    pub fn files<'f>(
        &mut self,
        name: &'static str,
        files: impl IntoIterator<Item = &'f codec::File>,
    ) {
        if let Some(list) = &mut self.parts {
            list.extend(files.into_iter().map(|file| {
                Part {
                    name,
                    file_name: file.file_name.clone(),
                    content_type: Some(
                        file.content_type
                            .clone()
                            .unwrap_or_else(|| "application/octet-stream".to_string()),
                    ),
                    bytes: file.bytes.clone(),
                }
            }));
        }
    }

    // @cfg(raw_body)
    /// Sets a body of bytes (or text), sent as they are.
    pub fn raw(&mut self, content_type: &'static str, bytes: Vec<u8>) {
        self.request.body = Some(Body {
            content_type: Cow::Borrowed(content_type),
            bytes,
        });
    }

    /// The request, to be sent by `client`, with its body encoded as the client says (with
    /// or without the fields the models keep but do not know); or the first failed check.
    pub fn finish(mut self, client: &Client) -> Result<(Client, Request), Error> {
        if let Some(error) = self.failed {
            return Err(error);
        }
        // @cfg(cookie)
        self.request.headers.extend(cookie_header(&self.cookies));
        if let Some((content_type, body)) = self.body {
            let bytes = codec::to_request_body(body, client.unknown_fields());
            // @cfg(form)
            let bytes = match self.form {
                Some(styles) => {
                    form_body(codec::from_slice(&bytes).unwrap_or_default(), styles)
                }
                None => bytes,
            };
            self.request.body = Some(Body {
                content_type: Cow::Borrowed(content_type),
                bytes,
            });
        }
        // @cfg(multipart)
        if let Some(parts) = self.parts {
            let (content_type, bytes) = multipart_body(&parts);
            self.request.body = Some(Body {
                content_type: Cow::Owned(content_type),
                bytes,
            });
        }
        Ok((client.clone(), self.request))
    }
}

// @cfg(form)
/// How a form field is written: its OpenAPI `encoding` style.
#[derive(Clone, Copy, Debug)]
#[allow(dead_code)] // A spec uses some of the styles, or none.
pub(crate) enum FormStyle {
    /// `form`, exploded (the default): a list as a pair per item, an object as a pair per
    /// member.
    Form,
    /// `form` not exploded, `spaceDelimited` or `pipeDelimited`: one pair, the items (or
    /// an object's names and values) joined by the delimiter.
    Delimited(char),
    /// `deepObject`: an object's members as `name[member]` pairs.
    DeepObject,
}

// @cfg(form)
/// A form body (`application/x-www-form-urlencoded`) of an object's members, each written in
/// its style: `null` left out, a scalar as its text, a list or an object as the style says.
fn form_body(body: serde_json::Value, styles: &[(&str, FormStyle)]) -> Vec<u8> {
    use serde_json::Value;
    let mut form = form_urlencoded::Serializer::new(String::new());
    // A value as one or more pairs: a list as a pair per item.
    let mut append = |name: &str, value: Value| match value {
        Value::Null => {}
        Value::Array(items) => {
            for item in items {
                form.append_pair(name, &value_text(item));
            }
        }
        other => {
            form.append_pair(name, &value_text(other));
        }
    };
    let Value::Object(members) = body else {
        return Vec::new();
    };
    for (name, value) in members {
        let style = styles
            .iter()
            .find(|(field, _)| *field == name)
            .map_or(FormStyle::Form, |(_, style)| *style);
        match (value, style) {
            (Value::Array(items), FormStyle::Delimited(delimiter)) => {
                let items: Vec<String> = items.into_iter().map(value_text).collect();
                append(&name, Value::String(items.join(&delimiter.to_string())));
            }
            (Value::Object(members), FormStyle::Delimited(delimiter)) => {
                let items: Vec<String> =
                    members.into_iter().flat_map(|(k, v)| [k, value_text(v)]).collect();
                append(&name, Value::String(items.join(&delimiter.to_string())));
            }
            (Value::Object(members), FormStyle::DeepObject) => {
                for (member, value) in members {
                    append(&format!("{name}[{member}]"), value);
                }
            }
            (Value::Object(members), FormStyle::Form) => {
                for (member, value) in members {
                    append(&member, value);
                }
            }
            (value, _) => append(&name, value),
        }
    }
    form.finish().into_bytes()
}

// @cfg(multipart)
/// One part of a multipart body.
struct Part {
    name: &'static str,
    file_name: Option<String>,
    content_type: Option<String>,
    bytes: Vec<u8>,
}

// @cfg(part_value)
fn is_scalar(value: &serde_json::Value) -> bool {
    !matches!(value, serde_json::Value::Array(_) | serde_json::Value::Object(_))
}

// @cfg(multipart)
/// A `multipart/form-data` body of `parts` (RFC 7578), and its media type with the boundary:
/// the first of a sequence that no part holds. Written here, not by reqwest's `multipart`,
/// whose bodies are streams a retry cannot send again.
fn multipart_body(parts: &[Part]) -> (String, Vec<u8>) {
    let holds = |bytes: &[u8], boundary: &str| {
        bytes.windows(boundary.len()).any(|window| window == boundary.as_bytes())
    };
    let boundary = (0u32..)
        .map(|n| format!("atlas-part-boundary-{n:08x}"))
        .find(|boundary| !parts.iter().any(|part| holds(&part.bytes, boundary)))
        .unwrap_or_default();
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let mut disposition = format!("form-data; name=\"{}\"", quoted(part.name));
        if let Some(file_name) = &part.file_name {
            disposition.push_str(&format!("; filename=\"{}\"", quoted(file_name)));
        }
        body.extend_from_slice(
            format!("Content-Disposition: {disposition}\r\n").as_bytes(),
        );
        // A media type that would end the part's headers is not one.
        let content_type = part.content_type.as_ref();
        if let Some(content_type) =
            content_type.filter(|t| !t.chars().any(char::is_control))
        {
            body.extend_from_slice(
                format!("Content-Type: {content_type}\r\n").as_bytes(),
            );
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(&part.bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

// @cfg(multipart)
/// A name or file name inside the quotes of a part's `Content-Disposition`: `"`, CR and LF
/// percent-encoded, as RFC 7578 (and browsers) do.
fn quoted(text: &str) -> String {
    text.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A")
}

// @cfg(path)
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

// @cfg(pattern)
/// Checks a parameter against its pattern.
pub(crate) fn check_pattern(
    name: &'static str,
    value: &str,
    pattern: &Regex,
) -> Result<(), Error> {
    if pattern.is_match(value) {
        return Ok(());
    }
    Err(Error::InvalidParameter {
        name,
        value: value.to_string(),
        rule: format!("must match {}", pattern.as_str()),
    })
}

// @cfg(ip_address)
/// Checks that a parameter is an IPv4 or IPv6 address, by parsing it: what a spec's IP
/// address pattern says, where the pattern needs look-ahead the `regex` crate does not have.
pub(crate) fn check_ip_address(name: &'static str, value: &str) -> Result<(), Error> {
    match value.parse::<std::net::IpAddr>() {
        Ok(_) => Ok(()),
        Err(_) => Err(Error::InvalidParameter {
            name,
            value: value.to_string(),
            rule: "must be an IPv4 or IPv6 address".to_string(),
        }),
    }
}

// @cfg(any(header, cookie))
/// The error for a header or cookie parameter whose value cannot be sent: line breaks and
/// other control characters (and `;` in a cookie) would change the request. A sensitive
/// value is not repeated.
fn invalid_header(
    name: &'static str,
    value: String,
    sensitive: bool,
    rule: &str,
) -> Error {
    Error::InvalidParameter {
        name,
        value: if sensitive { "<redacted>".to_string() } else { value },
        rule: rule.to_string(),
    }
}

// @cfg(header)
const HEADER_RULE: &str =
    "must be a header value: no line breaks or other control characters";
// @cfg(cookie)
const COOKIE_RULE: &str =
    "must be a cookie value: no `;`, line breaks or other control characters";

// @cfg(cookie)
/// The `Cookie` header of the cookie parameters' `name=value` pairs, marked sensitive
/// (cookies often carry sessions); `None` without any.
fn cookie_header(pairs: &[String]) -> Option<(&'static str, HeaderValue)> {
    if pairs.is_empty() {
        return None;
    }
    // Each pair was checked, so together they are a header value.
    let mut header = HeaderValue::from_str(&pairs.join("; ")).ok()?;
    header.set_sensitive(true);
    Some(("cookie", header))
}

// @cfg(required)
/// The error for a required parameter that is not set.
pub(crate) fn missing(name: &'static str) -> Error {
    Error::MissingParameter { name }
}

// @cfg(range)
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

// @cfg(requires)
/// Checks that a parameter that needs another one (`other`) comes with it.
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

// @cfg(any(text, all(mock, any(path, query))))
/// A parameter value as text: strings as they are, everything else as its JSON (enums as
/// their value, timestamps in RFC 3339).
// @cfg(not(text)) #[cfg(feature = "testing")]
pub(crate) fn text<T: Encode + ?Sized>(value: &T) -> String {
    value_text(codec::to_value(value).unwrap_or_default())
}

// @cfg(secret)
/// A secret parameter as a builder's `Debug` prints it: `Some(<redacted>)` when it is set.
pub(crate) fn redacted<T>(value: &Option<T>) -> Option<codec::Redacted> {
    value.as_ref().map(|_| codec::Redacted)
}

// @cfg(any(header, cookie))
/// A header or cookie parameter's value in OpenAPI's `simple` style: a list's items
/// comma-joined (`a,b`), anything else as [`text`] writes it.
pub(crate) fn simple_text<T: Encode + ?Sized>(value: &T) -> String {
    match codec::to_value(value).unwrap_or_default() {
        serde_json::Value::Array(items) => {
            let items: Vec<String> = items.into_iter().map(value_text).collect();
            items.join(",")
        }
        other => value_text(other),
    }
}

// @cfg(any(text, query, header, cookie, form, part_value, all(mock, path)))
// @cfg(not(any(text, query, header, cookie, form, part_value))) #[cfg(feature = "testing")]
fn value_text(value: serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text,
        other => other.to_string(),
    }
}

// @cfg(any(path, range, ip_address, all(header, cookie)))
#[cfg(test)]
mod tests {
    use super::*;

    // @cfg(path)
    #[test]
    fn segments_are_encoded_whole() {
        assert_eq!(segment("n", "a/b?c#d%e f").unwrap(), "a%2Fb%3Fc%23d%25e%20f");
        assert_eq!(segment("n", "zoë..x").unwrap(), "zo%C3%AB..x");
        assert_eq!(segment("n", "Cluster0-a_b.c~d").unwrap(), "Cluster0-a_b.c~d");
        for bad in ["", ".", ".."] {
            assert!(matches!(segment("n", bad), Err(Error::InvalidParameter { .. })));
        }
    }

    // @cfg(all(range, pattern, path, requires, query))
    #[test]
    fn a_draft_keeps_its_first_failed_check() {
        let client = Client::builder().build().unwrap();
        let mut call =
            Draft::new(reqwest::Method::GET, "application/json", "test", "/x/{b}");
        call.check_range("a", 5, Some(1), Some(9));
        call.check_pattern("p", "abc", &Regex::new("^[a-c]+$").unwrap());
        call.path("/x/");
        call.segment("b", "..");
        call.check_pattern("q", "xyz", &Regex::new("^[a-c]+$").unwrap());
        call.check_range("c", 0, Some(1), None);
        let error = call.finish(&client).unwrap_err();
        assert!(matches!(&error, Error::InvalidParameter { name: "b", .. }), "{error:?}");

        let mut call =
            Draft::new(reqwest::Method::GET, "application/json", "test", "/x/{b}");
        call.check_requires("start", None, "end", false);
        call.path("/x/");
        call.segment("b", "a b");
        call.query("n", &5);
        let (_, request) = call.finish(&client).unwrap();
        assert_eq!(request.path, "/x/a%20b");
        assert_eq!(request.query, vec![(Cow::Borrowed("n"), "5".to_string())]);
    }

    // @cfg(all(header, cookie))
    #[test]
    fn headers_are_simple_style_and_cookies_one_header_and_bad_values_are_refused() {
        let client = Client::builder().build().unwrap();
        let mut call = Draft::new(reqwest::Method::GET, "application/json", "test", "/");
        call.header("X-Fields", &vec!["a".to_string(), "b c".to_string()], false);
        call.header("X-Max-Age", &60, false);
        call.header("X-Api-Key", "k3y", true);
        call.cookie("region", "eu", false);
        call.cookie("tier", &true, false);
        let (_, request) = call.finish(&client).unwrap();
        let headers: Vec<(&str, &str)> = request
            .headers
            .iter()
            .map(|(name, value)| (*name, value.to_str().unwrap()))
            .collect();
        let expected = [
            ("X-Fields", "a,b c"),
            ("X-Max-Age", "60"),
            ("X-Api-Key", "k3y"),
            ("cookie", "region=eu; tier=true"),
        ];
        assert_eq!(headers, expected);
        let sensitive: Vec<bool> =
            request.headers.iter().map(|(_, value)| value.is_sensitive()).collect();
        assert_eq!(sensitive, [false, false, true, true]);
        // The key is not in the request's `Debug`.
        assert!(!format!("{request:?}").contains("k3y"));

        for (header, cookie, name, shown) in [
            (Some(("X-Trace", "a\r\nb", false)), None, "X-Trace", "a\r\nb"),
            (Some(("X-Api-Key", "k\n", true)), None, "X-Api-Key", "<redacted>"),
            (None, Some(("region", "eu; admin=1")), "region", "eu; admin=1"),
        ] {
            let mut call =
                Draft::new(reqwest::Method::GET, "application/json", "test", "/");
            if let Some((name, value, sensitive)) = header {
                call.header(name, value, sensitive);
            }
            if let Some((name, value)) = cookie {
                call.cookie(name, value, false);
            }
            let error = call.finish(&client).unwrap_err();
            let Error::InvalidParameter { name: got, value, .. } = &error else {
                panic!("{error:?}");
            };
            assert_eq!((*got, value.as_str()), (name, shown), "{error}");
        }
    }

    // @cfg(ip_address)
    #[test]
    fn ip_addresses_are_parsed() {
        for good in
            ["192.0.2.10", "2001:db8::1", "2001:0db8:0000:0000:0000:0000:0000:0001"]
        {
            assert!(check_ip_address("ipAddress", good).is_ok(), "{good}");
        }
        for bad in ["256.1.1.1", "1.2.3", "example.com", "", "192.0.2.10/24"] {
            let error = check_ip_address("ipAddress", bad).unwrap_err();
            assert!(error.to_string().contains("IPv4 or IPv6"), "{bad}: {error}");
        }
    }

    // @cfg(range)
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
