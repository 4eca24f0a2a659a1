//! Stage 3: the intermediate model.
//!
//! Plain data that says what to generate, with every decision already taken: Rust names,
//! optionality, boxing, variant tags. The emitters read only this; it knows nothing of how the
//! spec was written (YAML, `$ref`s, `allOf`) nor of how code is printed.

use serde_json::Value;

/// Everything generated from one spec.
#[derive(Clone, Debug, Default)]
pub struct Api {
    pub title: String,
    /// `info.version` of the spec.
    pub spec_version: String,
    pub description: Option<String>,
    /// The first server URL, the client's default base URL.
    pub base_url: String,
    /// Every model type, sorted by name.
    pub types: Vec<TypeDef>,
    /// Every example in the spec that has a model type to decode into.
    pub examples: Vec<Example>,
    /// Every operation, in spec order.
    pub operations: Vec<Operation>,
    /// The patterns parameters are checked against.
    pub patterns: Vec<Pattern>,
    /// The model of the API's error responses, if the spec has one.
    pub error_model: Option<String>,
    pub tags: Vec<Tag>,
}

impl Api {
    /// The Cargo feature of an operations module.
    pub fn feature(module: &str) -> String {
        module.replace('_', "-")
    }

    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        find_type(&self.types, name)
    }
}

/// The type named `name` among `types`, which are sorted by name (as [`Api::types`] is).
pub fn find_type<'t>(types: &'t [TypeDef], name: &str) -> Option<&'t TypeDef> {
    let i = types.binary_search_by(|t| t.name.as_str().cmp(name)).ok()?;
    Some(&types[i])
}

/// One operation of the API: a method on the client and its request builder.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    /// The spec's `operationId`; for an operation without one, its method name.
    pub id: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template, as in the spec.
    pub path: String,
    pub tags: Vec<String>,
    pub deprecated: bool,
    /// What `#[deprecated(note)]` says of a deprecated operation: its sunset date (`x-sunset`)
    /// and what its description says to use instead.
    pub deprecation_note: Option<String>,
    /// The client method (snake_case of the operationId, or of the HTTP method and path:
    /// `naming::operation_name`).
    pub method_name: String,
    /// The request builder type (UpperCamelCase of the operationId, or of the method name).
    pub builder_name: String,
    /// The module of `operations` the operation lives in: its first tag.
    pub module: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    /// The parameters the client exposes: path, then query, header and cookie parameters,
    /// each in spec order.
    pub parameters: Vec<Parameter>,
    pub body: Option<RequestBody>,
    /// The success response's body, in the default representation.
    pub response: Payload,
    /// The media type asked for in `Accept` by default: the success response's newest
    /// versioned JSON type (or its only type).
    pub accept: String,
    /// The success response's other representations (older versions, CSV, ...), each sent
    /// by a `send_<suffix>` method of its own.
    pub alternatives: Vec<Representation>,
    /// Error statuses the spec documents.
    pub error_statuses: Vec<u16>,
    pub pagination: Option<Pagination>,
}

/// What a success response carries.
#[derive(Clone, Debug, PartialEq)]
pub enum Payload {
    /// No body worth reading (a 204, or a media type without a schema).
    Empty,
    Json(TypeRef),
    /// Any other media type (gzip, CSV): the raw bytes.
    Bytes,
}

impl Payload {
    pub fn json(&self) -> Option<&TypeRef> {
        match self {
            Self::Json(ty) => Some(ty),
            _ => None,
        }
    }
}

/// One more media type an operation can answer with.
#[derive(Clone, Debug, PartialEq)]
pub struct Representation {
    pub media_type: String,
    pub payload: Payload,
    /// The suffix of its `send_<suffix>` method: the format (`csv`), the version
    /// (`v2023_01_01`) or both.
    pub suffix: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParameterLocation {
    Path,
    Query,
    /// A request header, its value in OpenAPI's `simple` style (lists comma-joined).
    Header,
    /// A `name=value` pair of the `Cookie` header.
    Cookie,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    /// The name on the wire.
    pub name: String,
    /// The builder's setter and field name.
    pub rust_name: String,
    pub location: ParameterLocation,
    pub ty: TypeRef,
    pub required: bool,
    pub doc: Option<String>,
    pub deprecated: bool,
    /// The pattern the value must match, by the name of its compiled constant.
    pub pattern: Option<String>,
    /// The pattern as the spec writes it, for the setter's docs.
    pub pattern_text: Option<String>,
    /// A value that passes the parameter's checks, for examples: the spec's own where it does.
    pub example: Option<Value>,
    /// Whether the value must be an IPv4 or IPv6 address: its pattern says so in a way the
    /// `regex` crate cannot compile (look-ahead), so the client parses the address instead.
    pub ip_address: bool,
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    pub default: Option<Value>,
    /// Parameters (wire names) that must be set whenever this one is.
    pub requires: Vec<String>,
    /// Whether the value is a credential (a header named like one, or `format: password`):
    /// sent as a sensitive header value and printed redacted by the builder's `Debug`.
    pub sensitive: bool,
}

/// An operation's request body: one or more media types, of which a request sends one.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestBody {
    pub required: bool,
    /// The media types: the first is set by `.body(..)` (the JSON one, where there is one),
    /// each other by a setter of its own.
    pub contents: Vec<BodyContent>,
}

impl RequestBody {
    /// The types of the body's typed media types (JSON, form, multipart).
    pub fn types(&self) -> impl Iterator<Item = &TypeRef> {
        self.contents.iter().filter_map(|c| c.kind.ty())
    }
}

/// One media type of a request body.
#[derive(Clone, Debug, PartialEq)]
pub struct BodyContent {
    pub media_type: String,
    pub kind: BodyKind,
    /// The builder's setter (and field): `body`, or `body_<suffix>` of the media type.
    pub setter: String,
}

/// How a request body of one media type is written.
#[derive(Clone, Debug, PartialEq)]
pub enum BodyKind {
    /// JSON, or a JSON-compatible type (`application/*+json`: merge patch, JSON patch).
    Json(TypeRef),
    /// `application/x-www-form-urlencoded`: a model's fields as form fields, each written in
    /// its OpenAPI `encoding` style (`form` exploded unless listed here).
    Form(TypeRef, Vec<(String, FormStyle)>),
    /// `multipart/form-data`: a model, one part per field it sends (not the read-only ones);
    /// the fields are settled once the models are.
    Multipart(TypeRef, Vec<MultipartField>),
    /// Any other type: bytes as the caller gives them.
    Bytes,
    /// `text/*` and other textual types (YAML, XML): a string.
    Text,
}

impl BodyKind {
    pub fn ty(&self) -> Option<&TypeRef> {
        match self {
            Self::Json(ty) | Self::Form(ty, _) | Self::Multipart(ty, _) => Some(ty),
            Self::Bytes | Self::Text => None,
        }
    }

    pub fn ty_mut(&mut self) -> Option<&mut TypeRef> {
        match self {
            Self::Json(ty) | Self::Form(ty, _) | Self::Multipart(ty, _) => Some(ty),
            Self::Bytes | Self::Text => None,
        }
    }

    /// The kind's name, for the diff report.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Json(_) => "JSON",
            Self::Form(..) => "form",
            Self::Multipart(..) => "multipart",
            Self::Bytes => "bytes",
            Self::Text => "text",
        }
    }
}

/// A field of a multipart body's model, sent as a part (a list of files as a part each).
#[derive(Clone, Debug, PartialEq)]
pub struct MultipartField {
    /// The Rust field.
    pub field: String,
    /// The part's name: the property's.
    pub name: String,
    pub kind: PartKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartKind {
    /// A value: text, or JSON for an object; no part for `None`.
    Value,
    /// A `Nullable` value: a part only when it holds one.
    Nullable,
    /// A file or a list of files, a part each; `optional` when the field is an `Option`.
    Files { list: bool, optional: bool },
}

/// How a form field is written, from its OpenAPI `encoding` (style and explode).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormStyle {
    /// `form` exploded (the default): a list as repeated pairs, an object's members as pairs.
    Form,
    /// `form` not exploded, `spaceDelimited` or `pipeDelimited`: one pair, items joined by
    /// this delimiter.
    Delimited(char),
    /// `deepObject`: an object's members as `name[member]` pairs.
    DeepObject,
}

/// How a list operation pages: which parameters select the page, and where the items are.
#[derive(Clone, Debug, PartialEq)]
pub struct Pagination {
    /// The response: one page, a JSON object.
    pub page: TypeRef,
    /// The item type of the list.
    pub item: TypeRef,
    /// The response field holding the page's items (Rust name), and whether it is optional.
    pub results_field: String,
    pub results_optional: bool,
    /// The response's paging links, when its items say where the next page is: Atlas's
    /// `links`, a list of objects with a `rel` string (`next`, `previous`, `self`).
    pub links: Option<PageLinks>,
    /// The setters of the page number and page size.
    pub page_param: String,
    pub size_param: String,
    /// The page size the server uses when none is asked for.
    pub default_page_size: i64,
}

/// Where a page's links are: the list field and the `rel` field of its items (Rust names), each
/// with whether it is optional.
#[derive(Clone, Debug, PartialEq)]
pub struct PageLinks {
    pub field: String,
    pub optional: bool,
    pub rel_field: String,
    pub rel_optional: bool,
}

/// A parameter pattern, compiled once in the generated crate.
#[derive(Clone, Debug, PartialEq)]
pub struct Pattern {
    /// The name of its constant.
    pub name: String,
    pub regex: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Tag {
    pub name: String,
    pub description: Option<String>,
}

/// One named Rust type in `models`.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeDef {
    /// The Rust type name, unique within `models`.
    pub name: String,
    /// The module (file) the type lives in, unique within `models`.
    pub module: String,
    /// JSON pointer of the schema it is generated from.
    pub source: String,
    pub doc: Option<String>,
    pub deprecated: bool,
    pub kind: TypeKind,
    /// Which Cargo features compile the type.
    pub gate: Gate,
}

/// When a model is compiled: each operation module is a Cargo feature, and a model is compiled
/// when an enabled feature's operations reach it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Gate {
    /// Always (the API's error model and what it reaches, and specs without operations).
    #[default]
    Always,
    /// When any of these features (operation modules) is enabled.
    AnyOf(std::collections::BTreeSet<String>),
    /// Only with every feature (`full`): no operation reaches it.
    Full,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    Struct(Struct),
    /// A string enum, open to values the spec does not list.
    Enum(StringEnum),
    /// A `oneOf` with a discriminator: the variant is chosen by the value of one property.
    Tagged(TaggedUnion),
    /// A `oneOf`/`anyOf` without a discriminator: the first variant that decodes wins.
    Untagged(UntaggedUnion),
    /// A named schema that is not an object, e.g. an array or a primitive.
    Alias(TypeRef),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// Whether every field has a default, so the struct can derive `Default`.
    pub derive_default: bool,
    /// The Rust field that keeps the keys the struct does not know, written back after its own
    /// fields; `None` for a struct with a flattened field, whose flattened value keeps them.
    pub unknown_fields: Option<String>,
    /// The tag of the union the struct is a variant of: the union reads it, so the struct
    /// skips it rather than keep it as unknown.
    pub tag: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// Rust field name (snake_case; keywords are written raw by the emitter).
    pub name: String,
    /// The JSON property name.
    pub json_name: String,
    pub ty: TypeRef,
    pub required: bool,
    pub nullable: bool,
    /// Whether the value is stored behind a `Box` to break a recursive type.
    pub boxed: bool,
    /// Whether the field's own fields are the object's (`#[serde(flatten)]`); `json_name`
    /// is then empty.
    pub flatten: bool,
    pub doc: Option<String>,
    pub deprecated: bool,
    pub read_only: bool,
    pub write_only: bool,
    /// Whether a response may leave the field out although the spec reads it: the
    /// `x-optional-in-responses` extension, for a field a published contract marks
    /// write-only but which real responses carry. Required only in requests.
    pub optional_in_responses: bool,
    /// Whether the field is optional and nullable in a model that request bodies use: a
    /// three-state `Nullable<T>` (left out, `null`, a value) instead of an `Option<T>`.
    pub explicit_null: bool,
    /// Whether the value is a secret (write-only, or `format: password`): `Debug` prints it
    /// redacted.
    pub sensitive: bool,
    /// The `default` of the schema, documented (the server applies it).
    pub default: Option<Value>,
}

impl Field {
    /// Whether the Rust field is an `Option`: absent or `null` reads as `None`.
    pub fn is_optional(&self) -> bool {
        !self.required || self.nullable
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct StringEnum {
    pub variants: Vec<EnumVariant>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EnumVariant {
    pub name: String,
    pub value: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TaggedUnion {
    /// The JSON property holding the discriminator value.
    pub tag: String,
    /// The discriminator value an object without the tag property has, when the spec gives
    /// one (`default`, or "The default type is search." in its description). Without one,
    /// such an object is the union's `Unknown`.
    pub default: Option<String>,
    pub variants: Vec<TaggedVariant>,
    /// Whether the spec marks the union open (`x-atlas-open: true`): a value that is no known
    /// variant (not an object, a tag that is not a string, or a known tag whose body does not
    /// decode) is `Unknown` too, kept whole, rather than an error.
    pub open: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TaggedVariant {
    pub name: String,
    /// The discriminator value that selects this variant.
    pub value: String,
    /// The struct the variant wraps.
    pub ty: String,
    pub boxed: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct UntaggedUnion {
    pub variants: Vec<UntaggedVariant>,
    /// Whether the spec marks the union open (`x-atlas-open: true`): a value no variant decodes
    /// is its last variant, `Unknown(serde_json::Value)`, kept whole and written back unchanged.
    pub open: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct UntaggedVariant {
    pub name: String,
    pub ty: TypeRef,
    pub boxed: bool,
}

/// A use of a type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TypeRef {
    Named(String),
    String,
    Bool,
    Int(IntKind),
    Float,
    DateTime,
    Date,
    /// Any JSON value.
    Json,
    /// Any JSON object.
    JsonObject,
    /// A file (`type: string, format: binary`): bytes, a file name and a media type.
    File,
    List(Box<TypeRef>),
    /// A JSON object with arbitrary keys and values of one type.
    Map(Box<TypeRef>),
    /// A value that may be `null` inside a list or map.
    Nullable(Box<TypeRef>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IntKind {
    I32,
    I64,
    U32,
    U64,
}

impl TypeDef {
    /// Whether a file (`File`) is part of it: a field, a variant or the aliased type.
    pub fn holds_file(&self) -> bool {
        match &self.kind {
            TypeKind::Struct(s) => s.fields.iter().any(|f| f.ty.is_file()),
            TypeKind::Untagged(u) => u.variants.iter().any(|v| v.ty.is_file()),
            TypeKind::Alias(ty) => ty.is_file(),
            TypeKind::Tagged(_) | TypeKind::Enum(_) => false,
        }
    }

    /// The named types this type refers to: its fields' types and its variants, at any depth
    /// of lists and maps.
    pub fn referenced(&self) -> Vec<&str> {
        match &self.kind {
            TypeKind::Struct(s) => s.fields.iter().filter_map(|f| f.ty.named()).collect(),
            TypeKind::Tagged(u) => u.variants.iter().map(|v| v.ty.as_str()).collect(),
            TypeKind::Untagged(u) => u.variants.iter().filter_map(|v| v.ty.named()).collect(),
            TypeKind::Alias(ty) => ty.named().into_iter().collect(),
            TypeKind::Enum(_) => Vec::new(),
        }
    }
}

impl TypeRef {
    /// The named types this use mentions.
    pub fn named(&self) -> Option<&str> {
        match self {
            Self::Named(name) => Some(name),
            Self::List(inner) | Self::Map(inner) | Self::Nullable(inner) => inner.named(),
            _ => None,
        }
    }

    /// Whether it is a file, or a list, map or nullable of files.
    pub fn is_file(&self) -> bool {
        match self {
            Self::File => true,
            Self::List(inner) | Self::Map(inner) | Self::Nullable(inner) => inner.is_file(),
            _ => false,
        }
    }

    /// The name of [`named`](Self::named), to change it.
    pub fn named_mut(&mut self) -> Option<&mut String> {
        match self {
            Self::Named(name) => Some(name),
            Self::List(inner) | Self::Map(inner) | Self::Nullable(inner) => inner.named_mut(),
            _ => None,
        }
    }
}

/// An example from the spec, to be decoded into its type and encoded back.
#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    /// A snake_case name for the example, from where it is (operation, status, example name).
    pub name: String,
    /// JSON pointer of the example value.
    pub pointer: String,
    pub ty: TypeRef,
    pub value: Value,
}
