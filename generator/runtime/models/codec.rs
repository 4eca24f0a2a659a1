//! JSON for the models: a reader and a writer that every model's `Decode` and `Encode` use.
//!
//! The models do not go through serde's generic machinery: each model's code is compiled once,
//! for these concrete types, instead of once per serde `Deserializer` and `Serializer` that
//! reaches it. That halves the size of the code a build has to type-check and optimize, and
//! decoding is as fast as serde_json's (a tagged union finds its tag by scanning ahead in the
//! input instead of buffering the object into a `serde_json::Value`).
//!
//! The rules are serde_json's: the last of duplicate keys is kept,
//! nesting deeper than 128 is refused, strings must be valid UTF-8 without raw control
//! characters. Keys a struct does not know are kept in its `unknown_fields` and written back
//! after its own fields, so a value read and written again loses nothing. The models still
//! implement `serde::Serialize` and `serde::Deserialize`, through
//! `serde_json::Value`, for use with other formats.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Write as _;

/// Objects and arrays nest less deep than this, as in serde_json.
const MAX_DEPTH: usize = 128;

/// Decodes a value from JSON bytes: the fast path the client uses for every response body.
pub fn from_slice<T: Decode>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    // Only the call to `T::decode` is per type; the rest is shared.
    let mut reader = Reader::start(bytes)?;
    match T::decode(&mut reader) {
        Ok(value) => match reader.finish(bytes) {
            Ok(()) => Ok(value),
            Err(error) => Err(error),
        },
        Err(error) => Err(error.into_serde(bytes)),
    }
}

// @cfg(client)
/// Decodes a value from JSON bytes, or says at which byte it failed: how the client finds the
/// member of an error body whose value does not fit the error model.
pub(crate) fn from_slice_at<T: Decode>(bytes: &[u8]) -> Result<T, usize> {
    let mut reader = Reader::start(bytes).map_err(|_| 0usize)?;
    let value = T::decode(&mut reader).map_err(|error| error.offset)?;
    match reader.finish(bytes) {
        Ok(()) => Ok(value),
        Err(_) => Err(reader.pos),
    }
}

/// A field of a request body that the spec lets be `null` and leave out: three states, where
/// `Option` has two. `Absent` leaves the field out of the JSON (the server keeps or defaults
/// it), `Null` sends `null` (for Atlas often "reset to the default"), `Value` sends the value.
/// Reading, a missing field is `Absent` and a `null` is `Null`; `Nullable::from(value)` and
/// `value.into()` set a value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Nullable<T> {
    /// Left out of the JSON.
    #[default]
    Absent,
    /// An explicit `null`.
    Null,
    /// A value.
    Value(T),
}

impl<T> Nullable<T> {
    /// Whether the field is left out.
    pub fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }

    /// Whether the field is an explicit `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// The value, if there is one (neither absent nor `null`).
    pub fn as_option(&self) -> Option<&T> {
        match self {
            Self::Value(value) => Some(value),
            _ => None,
        }
    }

    /// The value, if there is one (neither absent nor `null`).
    pub fn into_option(self) -> Option<T> {
        match self {
            Self::Value(value) => Some(value),
            _ => None,
        }
    }

    /// A reference to the value, in the same state.
    pub fn as_ref(&self) -> Nullable<&T> {
        match self {
            Self::Absent => Nullable::Absent,
            Self::Null => Nullable::Null,
            Self::Value(value) => Nullable::Value(value),
        }
    }

    /// The value mapped by `f`, in the same state.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Nullable<U> {
        match self {
            Self::Absent => Nullable::Absent,
            Self::Null => Nullable::Null,
            Self::Value(value) => Nullable::Value(f(value)),
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Self::Value(value)
    }
}

// @cfg(file)
/// A file (a `format: binary` field): its bytes, and the file name and media type a part of
/// a `multipart/form-data` body gives it. Its `Debug` shows its size, not its bytes; in JSON
/// it is a string of its bytes (lossy where they are not UTF-8).
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct File {
    pub bytes: Vec<u8>,
    /// The part's `filename`.
    pub file_name: Option<String>,
    /// The part's `Content-Type`; `application/octet-stream` when `None`.
    pub content_type: Option<String>,
}

// @cfg(file)
impl File {
    /// A file of `bytes`, without a name or media type.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            bytes: bytes.into(),
            ..Self::default()
        }
    }

    /// With the file name its part gives.
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// With the media type its part gives.
    pub fn content_type(mut self, media_type: impl Into<String>) -> Self {
        self.content_type = Some(media_type.into());
        self
    }
}

// @cfg(file)
impl std::fmt::Debug for File {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("File")
            .field("bytes", &format_args!("<{} bytes>", self.bytes.len()))
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

// @cfg(any(secret, sensitive_field))
/// A secret in `Debug` output: prints `<redacted>`.
pub(crate) struct Redacted;

// @cfg(any(secret, sensitive_field))
impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Encodes a value as compact JSON, with every struct's `unknown_fields`.
pub fn to_vec<T: Encode + ?Sized>(value: &T) -> Vec<u8> {
    to_vec_with(value, UnknownFields::Keep)
}

/// Whether the keys a struct kept in its `unknown_fields` are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum UnknownFields {
    /// Written back after the struct's own fields: nothing read is lost (the default).
    #[default]
    Keep,
    /// Left out: only the fields this version of the crate knows are written.
    Drop,
}

/// Encodes a value as compact JSON, writing struct's `unknown_fields` or not.
pub fn to_vec_with<T: Encode + ?Sized>(value: &T, unknown: UnknownFields) -> Vec<u8> {
    // @cfg(unknown_fields)
    let mut writer = Writer {
        unknown,
        ..Writer::default()
    };
    // @cfg(not(unknown_fields)) let mut writer = Writer::default();
    // @cfg(not(unknown_fields)) let _ = unknown; // No struct keeps unknown fields.
    value.encode(&mut writer);
    writer.buf
}

// @cfg(client)
/// Encodes a request body: like [`to_vec_with`], leaving out every read-only field (the
/// server sets those, and may refuse a body that carries them).
pub(crate) fn to_request_body<T: Encode + ?Sized>(
    value: &T,
    unknown: UnknownFields,
) -> Vec<u8> {
    // @cfg(any(unknown_fields, read_only_field))
    let mut writer = Writer {
        // @cfg(unknown_fields)
        unknown,
        // @cfg(read_only_field)
        request: true,
        ..Writer::default()
    };
    // @cfg(not(any(unknown_fields, read_only_field))) let mut writer = Writer::default();
    // @cfg(not(unknown_fields)) let _ = unknown; // No struct keeps unknown fields.
    value.encode(&mut writer);
    writer.buf
}

/// A value as the JSON it encodes to.
pub fn to_value<T: Encode + ?Sized>(
    value: &T,
) -> Result<serde_json::Value, serde_json::Error> {
    from_slice(&to_vec(value))
}

/// A type read from JSON.
pub trait Decode: Sized {
    /// Reads one value, leaving the reader after it.
    fn decode(reader: &mut Reader<'_>) -> Result<Self, Error>;
}

/// A type written as JSON.
pub trait Encode {
    /// Writes the value.
    fn encode(&self, writer: &mut Writer);
}

/// Why a body did not decode, and where.
#[derive(Debug)]
pub struct Error {
    message: String,
    /// Byte offset into the input.
    offset: usize,
}

impl Error {
    /// serde_json's error type, with serde_json's " at line L column C".
    fn into_serde(self, input: &[u8]) -> serde_json::Error {
        let before = &input[..self.offset.min(input.len())];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        // 1-based, as serde_json counts: the column of the byte the error is at.
        let column = 1 + before.len()
            - before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let message = format!("{} at line {line} column {column}", self.message);
        <serde_json::Error as serde::de::Error>::custom(message)
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at byte {}", self.message, self.offset)
    }
}

impl std::error::Error for Error {}

/// Reads JSON from a string, one value at a time. It can go back to a mark, which is how
/// unions look ahead.
pub struct Reader<'a> {
    input: &'a str,
    pos: usize,
    depth: usize,
    /// The error of a field read by [`Reader::read`] and its siblings (or of
    /// [`Reader::model`]), which the object's next [`ObjectReader::next_key`] returns: a
    /// model's fields are read without a `?` each, which keeps every model's code small.
    failed: Option<Error>,
}

/// A place in the input to come back to.
#[derive(Clone, Copy)]
pub(crate) struct Mark {
    pos: usize,
    depth: usize,
}

/// A number as JSON writes it.
#[derive(Clone, Copy)]
pub(crate) enum Number {
    Unsigned(u64),
    Signed(i64),
    Float(f64),
}

impl<'a> Reader<'a> {
    /// A reader of the whole input, which must be UTF-8.
    pub(crate) fn start(bytes: &'a [u8]) -> Result<Self, serde_json::Error> {
        match std::str::from_utf8(bytes) {
            Ok(input) => Ok(Reader {
                input,
                pos: 0,
                depth: 0,
                failed: None,
            }),
            Err(e) => {
                let error = Error {
                    message: "invalid UTF-8".to_string(),
                    offset: e.valid_up_to(),
                };
                Err(error.into_serde(bytes))
            }
        }
    }

    /// Checks that nothing but whitespace follows the input's one value.
    fn finish(&mut self, bytes: &[u8]) -> Result<(), serde_json::Error> {
        self.skip_whitespace();
        if self.pos == self.input.len() {
            return Ok(());
        }
        Err(self.error("trailing characters").into_serde(bytes))
    }

    pub(crate) fn mark(&self) -> Mark {
        Mark {
            pos: self.pos,
            depth: self.depth,
        }
    }

    pub(crate) fn reset(&mut self, mark: Mark) {
        self.pos = mark.pos;
        self.depth = mark.depth;
    }

    // @cfg(any(tagged, untagged, flattened_field))
    /// Reads a value of any type that decodes.
    pub(crate) fn decode<T: Decode>(&mut self) -> Result<T, Error> {
        T::decode(self)
    }

    // @cfg(any(field, optional_field))
    /// Reads a field's value into its slot; an error is kept for the object's next key.
    pub(crate) fn read<T: Decode>(&mut self, slot: &mut Option<T>) {
        match T::decode(self) {
            Ok(value) => *slot = Some(value),
            Err(error) => self.failed = Some(error),
        }
    }

    // @cfg(optional_field)
    /// Reads an optional field's value into its slot: `null` empties it.
    pub(crate) fn read_optional<T: Decode>(&mut self, slot: &mut Option<T>) {
        match self.null() {
            Ok(true) => *slot = None,
            Ok(false) => self.read(slot),
            Err(error) => self.failed = Some(error),
        }
    }

    // @cfg(nullable_field)
    /// Reads a field that may be `null` into its three-state slot.
    pub(crate) fn read_nullable<T: Decode>(&mut self, slot: &mut Nullable<T>) {
        match self.null() {
            Ok(true) => *slot = Nullable::Null,
            Ok(false) => match T::decode(self) {
                Ok(value) => *slot = Nullable::Value(value),
                Err(error) => self.failed = Some(error),
            },
            Err(error) => self.failed = Some(error),
        }
    }

    // @cfg(unknown_fields)
    /// Keeps the value of a key the model does not know in `fields`; an error is kept as by
    /// [`Self::read`].
    pub(crate) fn keep_field(
        &mut self,
        key: Cow<'_, str>,
        fields: &mut serde_json::Map<String, serde_json::Value>,
    ) {
        match self.value() {
            Ok(value) => {
                fields.insert(key.into_owned(), value);
            }
            Err(error) => self.failed = Some(error),
        }
    }

    // @cfg(skipped_field)
    /// Skips the value of a key the model reads elsewhere (a union's tag); an error is kept
    /// as by [`Self::read`].
    pub(crate) fn skip_field(&mut self) {
        if let Err(error) = self.skip() {
            self.failed = Some(error);
        }
    }

    pub(crate) fn error(&self, message: impl Into<String>) -> Error {
        Error {
            message: message.into(),
            offset: self.pos,
        }
    }

    // @cfg(field)
    /// The error for a required field the object does not have, at its closing brace (just
    /// read).
    pub(crate) fn missing(&self, field: &str) -> Error {
        Error {
            message: format!("missing field `{field}`"),
            offset: self.pos.saturating_sub(1),
        }
    }

    fn skip_whitespace(&mut self) {
        let bytes = self.input.as_bytes();
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    /// The first byte of the next value, not consumed.
    pub(crate) fn peek(&mut self) -> Option<u8> {
        self.skip_whitespace();
        self.input.as_bytes().get(self.pos).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn literal(&mut self, word: &str) -> Result<(), Error> {
        if self.input[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(self.error("expected value"))
        }
    }

    /// The error for a value of another type than `expected`, naming what was found. As in
    /// serde_json, it is placed at the last byte of a scalar and at the bracket of an array or
    /// object.
    pub(crate) fn invalid_type(&mut self, expected: &str) -> Error {
        let mark = self.mark();
        let found = match self.peek() {
            None => return self.error("EOF while parsing a value"),
            Some(b'"') => match self.string("a string") {
                Ok(text) => format!("string {text:?}"),
                Err(e) => return e,
            },
            Some(b't' | b'f') => match self.bool() {
                Ok(value) => format!("boolean `{value}`"),
                Err(e) => return e,
            },
            Some(b'n') => match self.literal("null") {
                Ok(()) => "null".to_string(),
                Err(e) => return e,
            },
            Some(b'{') => "map".to_string(),
            Some(b'[') => "sequence".to_string(),
            Some(b'-' | b'0'..=b'9') => match self.number("a number") {
                Ok(Number::Unsigned(n)) => format!("integer `{n}`"),
                Ok(Number::Signed(n)) => format!("integer `{n}`"),
                Ok(Number::Float(n)) => format!("floating point `{n:?}`"),
                Err(e) => return e,
            },
            Some(_) => return self.error("expected value"),
        };
        let last = self.pos.saturating_sub(1).max(mark.pos);
        self.reset(mark);
        Error {
            message: format!("invalid type: {found}, expected {expected}"),
            offset: last,
        }
    }

    /// Consumes a `null` if one is next.
    pub(crate) fn null(&mut self) -> Result<bool, Error> {
        if self.peek() == Some(b'n') {
            self.literal("null")?;
            return Ok(true);
        }
        Ok(false)
    }

    pub(crate) fn bool(&mut self) -> Result<bool, Error> {
        match self.peek() {
            Some(b't') => self.literal("true").map(|()| true),
            Some(b'f') => self.literal("false").map(|()| false),
            _ => Err(self.invalid_type("a boolean")),
        }
    }

    /// Starts reading an object; `expected` names it in the error when the value is not one.
    pub(crate) fn object(&mut self, expected: &str) -> Result<ObjectReader, Error> {
        if self.peek() != Some(b'{') {
            return Err(self.invalid_type(expected));
        }
        self.enter()?;
        Ok(ObjectReader { first: true })
    }

    // @cfg(struct)
    /// Starts reading a model's object; `name`, the model's type name, names it in the error
    /// when the value is not an object. That error, like a field's, is the first
    /// [`ObjectReader::next_key`]'s: a decoder has one fallible call, not two.
    pub(crate) fn model(&mut self, name: &str) -> ObjectReader {
        if self.peek() != Some(b'{') {
            self.failed = Some(self.invalid_type(&format!("a {name} object")));
        } else if let Err(error) = self.enter() {
            self.failed = Some(error);
        }
        ObjectReader { first: true }
    }

    /// Starts reading an array; `expected` names it in the error when the value is not one.
    pub(crate) fn array(&mut self, expected: &str) -> Result<ArrayReader, Error> {
        if self.peek() != Some(b'[') {
            return Err(self.invalid_type(expected));
        }
        self.enter()?;
        Ok(ArrayReader { first: true })
    }

    fn enter(&mut self) -> Result<(), Error> {
        self.depth += 1;
        if self.depth >= MAX_DEPTH {
            return Err(self.error("recursion limit exceeded"));
        }
        self.pos += 1;
        Ok(())
    }

    // @cfg(enum)
    /// A string enum's value: any string, which `T::from` maps to a variant or `Unknown`. One
    /// generic function here keeps each enum's `decode` a single call.
    pub(crate) fn enumerated<T: for<'s> From<&'s str>>(&mut self) -> Result<T, Error> {
        self.string("a string").map(|text| T::from(&text))
    }

    /// A string, borrowed from the input when it has no escapes.
    pub(crate) fn string(&mut self, expected: &str) -> Result<Cow<'a, str>, Error> {
        if self.peek() != Some(b'"') {
            return Err(self.invalid_type(expected));
        }
        self.pos += 1;
        let bytes = self.input.as_bytes();
        let start = self.pos;
        let mut owned: Option<String> = None;
        let mut run = start;
        loop {
            let Some(&byte) = bytes.get(self.pos) else {
                return Err(self.error("EOF while parsing a string"));
            };
            match byte {
                b'"' => {
                    let tail = &self.input[run..self.pos];
                    self.pos += 1;
                    return Ok(match owned {
                        None => Cow::Borrowed(tail),
                        Some(mut text) => {
                            text.push_str(tail);
                            Cow::Owned(text)
                        }
                    });
                }
                b'\\' => {
                    let before = &self.input[run..self.pos];
                    self.pos += 1;
                    let escaped = self.escape()?;
                    let text = owned.get_or_insert_with(String::new);
                    text.push_str(before);
                    text.push(escaped);
                    run = self.pos;
                }
                0..=0x1f => {
                    let message = "control character (\\u0000-\\u001F) found while parsing a string";
                    return Err(self.error(message));
                }
                _ => self.pos += 1,
            }
        }
    }

    /// The character of the escape after a `\`.
    fn escape(&mut self) -> Result<char, Error> {
        let Some(&byte) = self.input.as_bytes().get(self.pos) else {
            return Err(self.error("EOF while parsing a string"));
        };
        self.pos += 1;
        Ok(match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let first = self.hex()?;
                let code = match first {
                    0xD800..=0xDBFF => {
                        if !self.input[self.pos..].starts_with("\\u") {
                            return Err(
                                self.error("lone leading surrogate in hex escape")
                            );
                        }
                        self.pos += 2;
                        let second = self.hex()?;
                        if !(0xDC00..=0xDFFF).contains(&second) {
                            return Err(
                                self.error("lone leading surrogate in hex escape")
                            );
                        }
                        0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                    }
                    0xDC00..=0xDFFF => {
                        return Err(self.error("lone trailing surrogate in hex escape"));
                    }
                    code => code,
                };
                char::from_u32(code)
                    .ok_or_else(|| self.error("invalid unicode code point"))?
            }
            _ => return Err(self.error("invalid escape")),
        })
    }

    fn hex(&mut self) -> Result<u32, Error> {
        let digits = self.input.get(self.pos..self.pos + 4);
        let code = digits.and_then(|d| {
            d.bytes()
                .all(|b| b.is_ascii_hexdigit())
                .then(|| u32::from_str_radix(d, 16).ok())
        });
        match code.flatten() {
            Some(code) => {
                self.pos += 4;
                Ok(code)
            }
            None => Err(self.error("invalid escape")),
        }
    }

    /// A number; integers that do not fit 64 bits are read as floats, as serde_json does.
    pub(crate) fn number(&mut self, expected: &str) -> Result<Number, Error> {
        if !matches!(self.peek(), Some(b'-' | b'0'..=b'9')) {
            return Err(self.invalid_type(expected));
        }
        let bytes = self.input.as_bytes();
        let start = self.pos;
        let negative = bytes[self.pos] == b'-';
        if negative {
            self.pos += 1;
        }
        let digits = |reader: &mut Self| {
            let from = reader.pos;
            while bytes.get(reader.pos).is_some_and(u8::is_ascii_digit) {
                reader.pos += 1;
            }
            reader.pos - from
        };
        let integer_start = self.pos;
        let integer_digits = digits(self);
        let leading_zero = integer_digits > 1 && bytes[integer_start] == b'0';
        if integer_digits == 0 || leading_zero {
            return Err(self.error("invalid number"));
        }
        let mut float = false;
        if bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            float = true;
            if digits(self) == 0 {
                return Err(self.error("invalid number"));
            }
        }
        if let Some(b'e' | b'E') = bytes.get(self.pos) {
            self.pos += 1;
            float = true;
            if let Some(b'+' | b'-') = bytes.get(self.pos) {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return Err(self.error("invalid number"));
            }
        }
        let text = &self.input[start..self.pos];
        if !float {
            let parsed = match negative {
                false => text.parse().map(Number::Unsigned).ok(),
                true if text == "-0" => Some(Number::Float(-0.0)),
                true => text.parse().map(Number::Signed).ok(),
            };
            if let Some(number) = parsed {
                return Ok(number);
            }
        }
        match text.parse::<f64>() {
            Ok(value) if value.is_finite() => Ok(Number::Float(value)),
            _ => Err(self.error("number out of range")),
        }
    }

    // @cfg(any(skipped_field, tagged, untagged))
    /// Skips one value of any type.
    pub(crate) fn skip(&mut self) -> Result<(), Error> {
        match self.peek() {
            Some(b'"') => self.string("a string").map(drop),
            Some(b'{') => {
                let mut object = self.object("a map")?;
                while object.next_key(self)?.is_some() {
                    self.skip()?;
                }
                Ok(())
            }
            Some(b'[') => {
                let mut array = self.array("a sequence")?;
                while array.next(self)? {
                    self.skip()?;
                }
                Ok(())
            }
            Some(b't' | b'f') => self.bool().map(drop),
            Some(b'n') => self.literal("null"),
            Some(b'-' | b'0'..=b'9') => self.number("a number").map(drop),
            Some(_) => Err(self.error("expected value")),
            None => Err(self.error("EOF while parsing a value")),
        }
    }

    /// Reads any value into a `serde_json::Value`.
    pub(crate) fn value(&mut self) -> Result<serde_json::Value, Error> {
        use serde_json::Value;
        Ok(match self.peek() {
            Some(b'"') => Value::String(self.string("a string")?.into_owned()),
            Some(b'{') => Value::Object(self.map_of_values()?),
            Some(b'[') => {
                let mut items = Vec::new();
                let mut array = self.array("a sequence")?;
                while array.next(self)? {
                    items.push(self.value()?);
                }
                Value::Array(items)
            }
            Some(b't' | b'f') => Value::Bool(self.bool()?),
            Some(b'n') => {
                self.literal("null")?;
                Value::Null
            }
            Some(b'-' | b'0'..=b'9') => match self.number("a number")? {
                Number::Unsigned(n) => Value::from(n),
                Number::Signed(n) => Value::from(n),
                Number::Float(n) => Value::from(n),
            },
            Some(_) => return Err(self.error("expected value")),
            None => return Err(self.error("EOF while parsing a value")),
        })
    }

    fn map_of_values(
        &mut self,
    ) -> Result<serde_json::Map<String, serde_json::Value>, Error> {
        let mut map = serde_json::Map::new();
        let mut object = self.object("a map")?;
        while let Some(key) = object.next_key(self)? {
            let value = self.value()?;
            map.insert(key.into_owned(), value);
        }
        Ok(map)
    }

    // @cfg(untagged)
    /// The keys of the object that comes next, or `None` when it is not an object. The reader
    /// is left where it was.
    pub(crate) fn keys(&mut self) -> Result<Option<Vec<Cow<'a, str>>>, Error> {
        if self.peek() != Some(b'{') {
            return Ok(None);
        }
        let mark = self.mark();
        let mut keys = Vec::new();
        let mut object = self.object("a map")?;
        while let Some(key) = object.next_key(self)? {
            keys.push(key);
            self.skip()?;
        }
        self.reset(mark);
        Ok(Some(keys))
    }
}

/// The keys of an object being read.
pub(crate) struct ObjectReader {
    first: bool,
}

impl ObjectReader {
    /// The next key, with the reader at its value; `None` after the closing brace.
    pub(crate) fn next_key<'a>(
        &mut self,
        reader: &mut Reader<'a>,
    ) -> Result<Option<Cow<'a, str>>, Error> {
        if let Some(error) = reader.failed.take() {
            return Err(error);
        }
        if reader.eat(b'}') {
            reader.depth -= 1;
            return Ok(None);
        }
        if !std::mem::take(&mut self.first) && !reader.eat(b',') {
            let message = match reader.peek() {
                Some(_) => "expected `,` or `}`",
                None => "EOF while parsing an object",
            };
            return Err(reader.error(message));
        }
        match reader.peek() {
            Some(b'"') => {}
            Some(b'}') if !self.first => return Err(reader.error("trailing comma")),
            Some(_) => return Err(reader.error("key must be a string")),
            None => return Err(reader.error("EOF while parsing an object")),
        }
        let key = reader.string("a key")?;
        if !reader.eat(b':') {
            return Err(reader.error("expected `:`"));
        }
        Ok(Some(key))
    }
}

/// The items of an array being read.
pub(crate) struct ArrayReader {
    first: bool,
}

impl ArrayReader {
    /// Whether another item follows, with the reader at it.
    pub(crate) fn next(&mut self, reader: &mut Reader<'_>) -> Result<bool, Error> {
        if reader.eat(b']') {
            reader.depth -= 1;
            return Ok(false);
        }
        if !std::mem::take(&mut self.first) {
            if !reader.eat(b',') {
                let message = match reader.peek() {
                    Some(_) => "expected `,` or `]`",
                    None => "EOF while parsing a list",
                };
                return Err(reader.error(message));
            }
            if reader.peek() == Some(b']') {
                return Err(reader.error("trailing comma"));
            }
        }
        Ok(true)
    }
}

/// Writes compact JSON.
#[derive(Default)]
pub struct Writer {
    buf: Vec<u8>,
    /// A key the next object leaves out: a tagged union writes its tag itself.
    omit: Option<&'static str>,
    // @cfg(unknown_fields)
    /// Whether structs' `unknown_fields` are written.
    unknown: UnknownFields,
    // @cfg(read_only_field)
    /// Whether this is a request body, which leaves out the fields the server sets itself
    /// (read-only).
    request: bool,
}

impl Writer {
    // @cfg(any(tagged, flattened_field))
    /// A writer of a value to be placed inside this one's, with the same settings.
    fn nested(&self, omit: Option<&'static str>) -> Writer {
        Writer {
            buf: Vec::new(),
            omit,
            // @cfg(unknown_fields)
            unknown: self.unknown,
            // @cfg(read_only_field)
            request: self.request,
        }
    }

    pub(crate) fn raw(&mut self, text: &str) {
        self.buf.extend_from_slice(text.as_bytes());
    }

    /// A string, escaped as serde_json escapes it.
    pub(crate) fn string(&mut self, text: &str) {
        self.buf.push(b'"');
        let bytes = text.as_bytes();
        let mut run = 0;
        for (i, &byte) in bytes.iter().enumerate() {
            let escape: &[u8] = match byte {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\t' => b"\\t",
                0x08 => b"\\b",
                0x0c => b"\\f",
                0..=0x1f => b"",
                _ => continue,
            };
            self.buf.extend_from_slice(&bytes[run..i]);
            if escape.is_empty() {
                let _ = write!(self.buf, "\\u{byte:04x}");
            } else {
                self.buf.extend_from_slice(escape);
            }
            run = i + 1;
        }
        self.buf.extend_from_slice(&bytes[run..]);
        self.buf.push(b'"');
    }

    /// Starts an object; [`ObjectWriter::end`] closes it.
    pub(crate) fn object(&mut self) -> ObjectWriter<'_> {
        // @cfg(any(flattened_field, unknown_fields))
        let start = self.buf.len();
        self.buf.push(b'{');
        let omit = self.omit.take();
        ObjectWriter {
            writer: self,
            first: true,
            omit,
            // @cfg(any(flattened_field, unknown_fields))
            start,
        }
    }

    fn display(&mut self, value: impl std::fmt::Display) {
        let _ = write!(self.buf, "{value}");
    }
}

/// The fields of an object being written.
pub(crate) struct ObjectWriter<'w> {
    writer: &'w mut Writer,
    first: bool,
    omit: Option<&'static str>,
    // @cfg(any(flattened_field, unknown_fields))
    /// Where the object starts in the writer's buffer.
    start: usize,
}

impl ObjectWriter<'_> {
    fn key(&mut self, key: &str) {
        if !std::mem::take(&mut self.first) {
            self.writer.buf.push(b',');
        }
        self.writer.string(key);
        self.writer.buf.push(b':');
    }

    // @cfg(read_only_field)
    /// Whether read-only fields are written: not in a request body.
    pub(crate) fn writes_read_only(&self) -> bool {
        !self.writer.request
    }

    // @cfg(nullable_field)
    /// A three-state field: left out when absent, `null` when null.
    pub(crate) fn nullable<T: Encode>(&mut self, key: &str, value: &Nullable<T>) {
        match value {
            Nullable::Absent => {}
            Nullable::Null => self.field(key, &None::<T>),
            Nullable::Value(value) => self.field(key, value),
        }
    }

    /// A field, written whatever its value (`null` for `None`).
    pub(crate) fn field<T: Encode + ?Sized>(&mut self, key: &str, value: &T) {
        if self.omit == Some(key) {
            return;
        }
        self.key(key);
        value.encode(self.writer);
    }

    // @cfg(omitted_field)
    /// A field that is left out when it is `None`.
    pub(crate) fn optional<T: Encode>(&mut self, key: &str, value: &Option<T>) {
        if let Some(value) = value {
            self.field(key, value);
        }
    }

    // @cfg(flattened_field)
    /// The fields of a value that encodes as an object, written into this one
    /// (`#[serde(flatten)]`), but the keys this object has already: a flattened struct keeps
    /// the keys it does not know, which include this object's own.
    pub(crate) fn flatten(&mut self, value: &dyn Encode) {
        let mut inner = self.writer.nested(None);
        value.encode(&mut inner);
        let Ok(serde_json::Value::Object(fields)) =
            serde_json::from_slice::<serde_json::Value>(&inner.buf)
        else {
            return;
        };
        self.fields_not_written(&fields);
    }

    // @cfg(unknown_fields)
    /// The keys a struct kept because it does not know them, after its own fields. Left out
    /// when the writer drops unknown fields; a key the object has already (put there by hand)
    /// is not written twice.
    pub(crate) fn unknown(
        &mut self,
        fields: &serde_json::Map<String, serde_json::Value>,
    ) {
        if self.writer.unknown == UnknownFields::Drop || fields.is_empty() {
            return;
        }
        self.fields_not_written(fields);
    }

    // @cfg(any(flattened_field, unknown_fields))
    /// Writes the members of `fields` whose keys this object does not have yet.
    fn fields_not_written(
        &mut self,
        fields: &serde_json::Map<String, serde_json::Value>,
    ) {
        // Only reached for an object with unknown or flattened fields: read back what it has.
        let mut so_far = self.writer.buf[self.start..].to_vec();
        so_far.push(b'}');
        let written: serde_json::Map<String, serde_json::Value> =
            serde_json::from_slice(&so_far).unwrap_or_default();
        for (key, value) in fields {
            if !written.contains_key(key) {
                self.field(key, value);
            }
        }
    }

    pub(crate) fn end(self) {
        self.writer.buf.push(b'}');
    }
}

// @cfg(tagged)
/// Reads a tagged union's tag: the string value of `tag` in the object that comes next, or
/// `None` when the object has no such key. The reader is left where it was, for the variant
/// to read the whole object. A value that is not an object, or a tag that is not a string,
/// is an error.
pub(crate) fn read_tag<'a>(
    reader: &mut Reader<'a>,
    tag: &str,
) -> Result<Option<Cow<'a, str>>, Error> {
    if reader.peek() != Some(b'{') {
        return Err(reader.error(format!("expected an object with a `{tag}` field")));
    }
    let mark = reader.mark();
    let mut found = None;
    let mut object = reader.object("an object")?;
    while let Some(key) = object.next_key(reader)? {
        if key != tag {
            reader.skip()?;
        } else if reader.peek() == Some(b'"') {
            found = Some(reader.string("a string")?);
        } else {
            let other = reader.value()?;
            return Err(
                reader.error(format!("field `{tag}` must be a string, found {other}"))
            );
        }
    }
    reader.reset(mark);
    Ok(found)
}

// @cfg(tagged)
/// Writes a tagged-union variant: the tag first, then the content's fields but its own `tag`.
pub(crate) fn write_tagged(
    writer: &mut Writer,
    tag: &'static str,
    value: &str,
    content: &dyn Encode,
) {
    let mut inner = writer.nested(Some(tag));
    content.encode(&mut inner);
    let mut object = writer.object();
    object.field(tag, value);
    if let Some(fields) = object_fields(&inner.buf) {
        object.writer.buf.push(b',');
        object.writer.buf.extend_from_slice(fields);
    }
    object.end();
}

// @cfg(tagged)
/// The fields of an encoded object, without its braces; `None` when there are none.
fn object_fields(encoded: &[u8]) -> Option<&[u8]> {
    match encoded {
        [b'{', fields @ .., b'}'] if !fields.is_empty() => Some(fields),
        _ => None,
    }
}

// @cfg(untagged)
/// The order to try an untagged union's candidates in, by how many of the object's keys
/// their `fields` cover (most first, declaration order among equals).
fn best_fit_order(reader: &mut Reader<'_>, fields: &[&str]) -> Result<Vec<usize>, Error> {
    let mut order: Vec<usize> = (0..fields.len()).collect();
    if let Some(keys) = reader.keys()? {
        let covered = |fields: &str| {
            let known = |key: &Cow<'_, str>| fields.split(',').any(|f| f == key);
            keys.iter().filter(|key| known(key)).count()
        };
        order.sort_by_key(|&i| std::cmp::Reverse(covered(fields[i])));
    }
    Ok(order)
}

// @cfg(untagged)
/// How to read one variant of an untagged union.
pub(crate) type DecodeVariant<T> = fn(&mut Reader<'_>) -> Result<T, Error>;

// @cfg(untagged)
/// A variant of an untagged union: the JSON names of its fields, comma-separated (empty when
/// it is not an object), and how to read it.
pub(crate) type Candidate<T> = (&'static str, DecodeVariant<T>);

// @cfg(untagged)
/// Reads an untagged union: the candidate whose fields cover most of the object's keys is
/// tried first (declaration order among equals), then the others, so an object is not taken
/// by a variant that would drop its fields. `name`, the union's type name, names it in the
/// error.
pub(crate) fn read_untagged<T>(
    reader: &mut Reader<'_>,
    name: &str,
    candidates: &[Candidate<T>],
) -> Result<T, Error> {
    let mut fields = Vec::with_capacity(candidates.len());
    for candidate in candidates {
        fields.push(candidate.0);
    }
    let order = best_fit_order(reader, &fields)?;
    let mark = reader.mark();
    for i in order {
        reader.reset(mark);
        if let Ok(decoded) = (candidates[i].1)(reader) {
            return Ok(decoded);
        }
    }
    reader.reset(mark);
    reader.skip()?;
    reader.reset(mark);
    Err(reader.error(format!("data did not match any variant of {name}")))
}

// @cfg(open_tagged)
/// Reads an open union: its `known` variants, or, when they refuse the value (a shape they do
/// not expect), the whole value as JSON, made `unknown`. Input that is not JSON is still an
/// error.
pub(crate) fn read_open<'a, T>(
    reader: &mut Reader<'a>,
    known: impl FnOnce(&mut Reader<'a>) -> Result<T, Error>,
    unknown: fn(serde_json::Value) -> T,
) -> Result<T, Error> {
    let mark = reader.mark();
    match known(reader) {
        Ok(decoded) => Ok(decoded),
        Err(_) => {
            reader.reset(mark);
            reader.decode().map(unknown)
        }
    }
}

// @cfg(serde)
/// `serde::Serialize` of a model: the JSON the client sends, streamed into any serializer by
/// reading it back as serde events (no `serde_json::Value` in between).
pub(crate) fn serialize<T, S>(value: &T, serializer: S) -> Result<S::Ok, S::Error>
where
    T: Encode + ?Sized,
    S: serde::Serializer,
{
    let bytes = to_vec(value);
    let mut reader = Reader::start(&bytes).map_err(serde::ser::Error::custom)?;
    serde_transcode::transcode(Events { reader: &mut reader }, serializer)
}

// @cfg(serde)
/// `serde::Deserialize` of a model: any deserializer's data streamed into JSON text, then read
/// by the model's [`Decode`] with its rules (no `serde_json::Value` in between).
pub(crate) fn deserialize<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: Decode,
    D: serde::Deserializer<'de>,
{
    let mut bytes = Vec::new();
    serde_transcode::transcode(
        deserializer,
        &mut serde_json::Serializer::new(&mut bytes),
    )
    .map_err(serde::de::Error::custom)?;
    from_slice(&bytes).map_err(serde::de::Error::custom)
}

impl serde::de::Error for Error {
    fn custom<M: std::fmt::Display>(message: M) -> Self {
        Error {
            message: message.to_string(),
            offset: 0,
        }
    }
}

// @cfg(serde)
/// JSON read by a [`Reader`] as serde's events: how a model's encoded JSON reaches any
/// serializer, with this codec's reading of numbers (correctly rounded floats).
struct Events<'r, 'a> {
    reader: &'r mut Reader<'a>,
}

// @cfg(serde)
impl<'de> serde::Deserializer<'de> for Events<'_, '_> {
    type Error = Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, Error> {
        let reader = self.reader;
        match reader.peek() {
            Some(b'"') => visitor.visit_str(&reader.string("a string")?),
            Some(b't' | b'f') => visitor.visit_bool(reader.bool()?),
            Some(b'n') => {
                reader.literal("null")?;
                visitor.visit_unit()
            }
            Some(b'-' | b'0'..=b'9') => match reader.number("a number")? {
                Number::Unsigned(n) => visitor.visit_u64(n),
                Number::Signed(n) => visitor.visit_i64(n),
                Number::Float(n) => visitor.visit_f64(n),
            },
            Some(b'[') => {
                let array = reader.array("a sequence")?;
                visitor.visit_seq(Items { reader, array })
            }
            Some(b'{') => {
                let object = reader.object("a map")?;
                visitor.visit_map(Members { reader, object })
            }
            Some(_) => Err(reader.error("expected value")),
            None => Err(reader.error("EOF while parsing a value")),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

// @cfg(serde)
/// The items of an array, as serde's sequence.
struct Items<'r, 'a> {
    reader: &'r mut Reader<'a>,
    array: ArrayReader,
}

// @cfg(serde)
impl<'de> serde::de::SeqAccess<'de> for Items<'_, '_> {
    type Error = Error;

    fn next_element_seed<T: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        if !self.array.next(self.reader)? {
            return Ok(None);
        }
        seed.deserialize(Events { reader: self.reader }).map(Some)
    }
}

// @cfg(serde)
/// The members of an object, as serde's map.
struct Members<'r, 'a> {
    reader: &'r mut Reader<'a>,
    object: ObjectReader,
}

// @cfg(serde)
impl<'de> serde::de::MapAccess<'de> for Members<'_, '_> {
    type Error = Error;

    fn next_key_seed<K: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        match self.object.next_key(self.reader)? {
            Some(key) => {
                let key = serde::de::IntoDeserializer::<Error>::into_deserializer(&*key);
                seed.deserialize(key).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Error> {
        seed.deserialize(Events { reader: self.reader })
    }
}

// @cfg(serde)
/// `serde::Serialize` and `serde::Deserialize` for models, by [`serialize`] and [`deserialize`].
macro_rules! impl_serde {
    ($name:ident) => {
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(
                &self,
                serializer: S,
            ) -> Result<S::Ok, S::Error> {
                codec::serialize(self, serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                codec::deserialize(deserializer)
            }
        }
    };
}

// @cfg(serde)
pub(crate) use impl_serde;

impl Decode for String {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, Error> {
        reader.string("a string").map(Cow::into_owned)
    }
}

impl Encode for String {
    fn encode(&self, writer: &mut Writer) {
        writer.string(self);
    }
}

impl Encode for str {
    fn encode(&self, writer: &mut Writer) {
        writer.string(self);
    }
}

// @cfg(file)
impl Decode for File {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, Error> {
        String::decode(reader).map(File::new)
    }
}

// @cfg(file)
impl Encode for File {
    fn encode(&self, writer: &mut Writer) {
        writer.string(&String::from_utf8_lossy(&self.bytes));
    }
}

impl Decode for bool {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, Error> {
        reader.bool()
    }
}

impl Encode for bool {
    fn encode(&self, writer: &mut Writer) {
        writer.raw(if *self { "true" } else { "false" });
    }
}

/// Integers: a number that is out of range or not whole is an error, as with serde.
macro_rules! integer {
    ($($ty:ident)*) => {$(
        impl Decode for $ty {
            fn decode(reader: &mut Reader<'_>) -> Result<Self, Error> {
                let mark = reader.mark();
                let expected = stringify!($ty);
                let (converted, found) = match reader.number(expected)? {
                    Number::Unsigned(n) => ($ty::try_from(n).ok(), format!("integer `{n}`")),
                    Number::Signed(n) => ($ty::try_from(n).ok(), format!("integer `{n}`")),
                    Number::Float(_) => {
                        reader.reset(mark);
                        return Err(reader.invalid_type(expected));
                    }
                };
                converted.ok_or_else(|| {
                    reader.error(format!("invalid value: {found}, expected {expected}"))
                })
            }
        }

        impl Encode for $ty {
            fn encode(&self, writer: &mut Writer) {
                writer.display(self);
            }
        }
    )*};
}

integer!(i32 i64 u32 u64);

impl Decode for f64 {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, Error> {
        Ok(match reader.number("f64")? {
            Number::Unsigned(n) => n as f64,
            Number::Signed(n) => n as f64,
            Number::Float(n) => n,
        })
    }
}

impl Encode for f64 {
    fn encode(&self, writer: &mut Writer) {
        // serde_json's own formatting: shortest round trip, `null` for NaN and infinities.
        let _ = serde_json::to_writer(&mut writer.buf, self);
    }
}

impl Decode for chrono::DateTime<chrono::Utc> {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, Error> {
        let mark = reader.mark();
        let text = reader.string("an RFC 3339 date and time")?;
        text.parse().map_err(|e| {
            reader.reset(mark);
            reader.error(format!("{e}: {text:?}"))
        })
    }
}

impl Encode for chrono::DateTime<chrono::Utc> {
    fn encode(&self, writer: &mut Writer) {
        // chrono's `Serialize`: ISO 8601 with `Z`, fractional seconds only when present.
        writer.string(&format!("{self:?}"));
    }
}

impl Decode for chrono::NaiveDate {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, Error> {
        let mark = reader.mark();
        let text = reader.string("a date (YYYY-MM-DD)")?;
        text.parse().map_err(|e| {
            reader.reset(mark);
            reader.error(format!("{e}: {text:?}"))
        })
    }
}

impl Encode for chrono::NaiveDate {
    fn encode(&self, writer: &mut Writer) {
        writer.string(&format!("{self:?}"));
    }
}

impl Decode for serde_json::Value {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, Error> {
        reader.value()
    }
}

impl Encode for serde_json::Value {
    fn encode(&self, writer: &mut Writer) {
        let _ = serde_json::to_writer(&mut writer.buf, self);
    }
}

impl Decode for serde_json::Map<String, serde_json::Value> {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, Error> {
        reader.map_of_values()
    }
}

impl Encode for serde_json::Map<String, serde_json::Value> {
    fn encode(&self, writer: &mut Writer) {
        let _ = serde_json::to_writer(&mut writer.buf, self);
    }
}

impl<T: Decode> Decode for Vec<T> {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, Error> {
        let mut items = Vec::new();
        let mut array = reader.array("a sequence")?;
        while array.next(reader)? {
            items.push(T::decode(reader)?);
        }
        Ok(items)
    }
}

impl<T: Encode> Encode for Vec<T> {
    fn encode(&self, writer: &mut Writer) {
        writer.buf.push(b'[');
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                writer.buf.push(b',');
            }
            item.encode(writer);
        }
        writer.buf.push(b']');
    }
}

impl<T: Decode> Decode for BTreeMap<String, T> {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, Error> {
        let mut map = BTreeMap::new();
        let mut object = reader.object("a map")?;
        while let Some(key) = object.next_key(reader)? {
            let value = T::decode(reader)?;
            map.insert(key.into_owned(), value);
        }
        Ok(map)
    }
}

impl<T: Encode> Encode for BTreeMap<String, T> {
    fn encode(&self, writer: &mut Writer) {
        let mut object = writer.object();
        for (key, value) in self {
            object.field(key, value);
        }
        object.end();
    }
}

/// `null` is `None`.
impl<T: Decode> Decode for Option<T> {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, Error> {
        if reader.null()? {
            return Ok(None);
        }
        match T::decode(reader) {
            Ok(value) => Ok(Some(value)),
            Err(error) => Err(error),
        }
    }
}

impl<T: Encode> Encode for Option<T> {
    fn encode(&self, writer: &mut Writer) {
        match self {
            Some(value) => value.encode(writer),
            None => writer.raw("null"),
        }
    }
}

impl<T: Decode> Decode for Box<T> {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, Error> {
        match T::decode(reader) {
            Ok(value) => Ok(Box::new(value)),
            Err(error) => Err(error),
        }
    }
}

impl<T: Encode + ?Sized> Encode for Box<T> {
    fn encode(&self, writer: &mut Writer) {
        (**self).encode(writer);
    }
}
