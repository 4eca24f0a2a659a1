//! Stage 2: follow `$ref`s.
//!
//! [`SchemaResolver`] turns references to components (schemas, parameters, responses, request
//! bodies) into the items they name, together with the JSON pointer of the place the item is
//! defined, so later stages can name generated types after their source and report problems at
//! the right node. Only local references are supported (`#/...`): to a component
//! (`#/components/<kind>/<name>`), or to any schema, parameter, response or request body inside
//! the document (`#/components/schemas/Tag/allOf/0`, `#/components/parameters/p/schema`,
//! `#/paths/~1things/get/responses/200/content/application~1json/schema`). A pointer is read
//! as a URI fragment: percent-decoded, then split into tokens with `~1` and `~0` unescaped
//! (RFC 6901); the place it reaches is known by its canonical pointer, so the same place
//! written two ways is one place.

use openapiv3::{
    AdditionalProperties, Header, OpenAPI, Operation, Parameter, ParameterSchemaOrContent,
    ReferenceOr, RequestBody, Response, Schema, SchemaKind,
};

use crate::error::Problem;
use crate::shape::Shape;

/// How many `$ref` hops are followed before a chain is declared circular.
const MAX_REF_HOPS: usize = 64;

/// A schema position: either a reference or an inline schema, whatever box it came in.
#[derive(Clone, Copy, Debug)]
pub enum SchemaRef<'a> {
    Ref(&'a str),
    Inline(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for SchemaRef<'a> {
    fn from(value: &'a ReferenceOr<Schema>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => Self::Ref(reference),
            ReferenceOr::Item(schema) => Self::Inline(schema),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for SchemaRef<'a> {
    fn from(value: &'a ReferenceOr<Box<Schema>>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => Self::Ref(reference),
            ReferenceOr::Item(schema) => Self::Inline(schema),
        }
    }
}

/// A schema with the place it is defined.
#[derive(Clone, Debug)]
pub struct ResolvedSchema<'a> {
    pub schema: &'a Schema,
    /// JSON pointer of the definition (of the component, when reached through `$ref`).
    pub pointer: String,
    /// The component name, when the schema is `#/components/schemas/<name>`.
    pub component: Option<&'a str>,
}

/// Looks up `$ref`s in one document.
#[derive(Clone, Copy)]
pub struct SchemaResolver<'a> {
    document: &'a OpenAPI,
}

/// Escapes one JSON pointer segment (RFC 6901).
pub fn pointer_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Joins a JSON pointer and one more segment.
pub fn pointer_join(pointer: &str, segment: &str) -> String {
    format!("{pointer}/{}", pointer_segment(segment))
}

/// The canonical JSON pointer of a list of tokens.
pub fn pointer_of(tokens: &[String]) -> String {
    tokens.iter().fold(String::new(), |pointer, token| {
        pointer_join(&pointer, token)
    })
}

/// The tokens of a canonical JSON pointer (`/a/b~1c` -> `a`, `b/c`).
pub fn pointer_tokens(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|token| unescape_token(token).unwrap_or_else(|| token.to_string()))
        .collect()
}

/// The tokens of a local `$ref` (`#/components/schemas/a~1b` -> `components`, `schemas`,
/// `a/b`): the fragment percent-decoded (it is a URI fragment), split at `/`, each token
/// unescaped as RFC 6901 says. `Err` with the reason, to follow the quoted reference, when it is
/// not a local JSON pointer.
pub fn reference_tokens(reference: &str) -> Result<Vec<String>, String> {
    let Some(fragment) = reference.strip_prefix('#') else {
        return Err(
            "points outside this document; only local references (#/...) are supported".into(),
        );
    };
    let decoded = percent_decode(fragment).ok_or(
        "has a malformed percent-encoding (% must be followed by two hex digits, of UTF-8)",
    )?;
    let Some(pointer) = decoded.strip_prefix('/') else {
        return Err("is not a JSON pointer into this document (#/...)".into());
    };
    pointer
        .split('/')
        .map(|token| {
            unescape_token(token).ok_or_else(|| {
                format!("has a malformed token {token:?} (~ must be followed by 0 or 1)")
            })
        })
        .collect()
}

/// `~1` to `/` and `~0` to `~`; `None` for a `~` followed by anything else.
fn unescape_token(token: &str) -> Option<String> {
    if !token.contains('~') {
        return Some(token.to_string());
    }
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars();
    while let Some(c) = chars.next() {
        if c == '~' {
            match chars.next() {
                Some('0') => out.push('~'),
                Some('1') => out.push('/'),
                _ => return None,
            }
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// Decodes `%XX` escapes; `None` when one is malformed or the result is not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    if !text.contains('%') {
        return Some(text.to_string());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// An array index token: digits, without a leading zero.
fn index(token: &str) -> Option<usize> {
    let digits = !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit());
    if digits && (token == "0" || !token.starts_with('0')) {
        token.parse().ok()
    } else {
        None
    }
}

/// The kind and name of the component a `$ref` names, when it has the form
/// `#/components/<kind>/<name>`.
pub fn component_tokens(tokens: &[String]) -> Option<(&str, &str)> {
    match tokens {
        [components, kind, name] if components == "components" => Some((kind, name)),
        _ => None,
    }
}

/// What a pointer reaches in the document, of the kinds a `$ref` may name.
enum Found<'a> {
    Schema(SchemaRef<'a>),
    Parameter(&'a ReferenceOr<Parameter>),
    Response(&'a ReferenceOr<Response>),
    RequestBody(&'a ReferenceOr<RequestBody>),
    /// Something else (a header, a path item): no `$ref` of ours may point there.
    Other,
}

fn within_schema<'a>(schema: SchemaRef<'a>, rest: &[&str]) -> Option<Found<'a>> {
    let Some((first, more)) = rest.split_first() else {
        return Some(Found::Schema(schema));
    };
    // A pointer does not go through a `$ref`: the object there has no other member.
    let SchemaRef::Inline(schema) = schema else {
        return None;
    };
    let shape = Shape::of(schema);
    let member = |members: &'a [ReferenceOr<Schema>]| -> Option<(SchemaRef<'a>, &[&str])> {
        let (i, more) = more.split_first()?;
        Some((members.get(index(i)?)?.into(), more))
    };
    let (next, more) = match *first {
        "properties" => {
            let (name, more) = more.split_first()?;
            (shape.properties?.get(*name)?.into(), more)
        }
        "items" => (shape.items?.into(), more),
        "additionalProperties" => match shape.additional? {
            AdditionalProperties::Schema(schema) => (schema.as_ref().into(), more),
            AdditionalProperties::Any(_) => return None,
        },
        "allOf" => member(shape.all_of)?,
        "oneOf" => member(shape.one_of)?,
        "anyOf" => member(shape.any_of)?,
        "not" => match &schema.schema_kind {
            SchemaKind::Not { not } => (not.as_ref().into(), more),
            SchemaKind::Any(any) => (any.not.as_deref()?.into(), more),
            _ => return None,
        },
        _ => return None,
    };
    within_schema(next, more)
}

fn within_content<'a>(
    content: &'a indexmap::IndexMap<String, openapiv3::MediaType>,
    rest: &[&str],
) -> Option<Found<'a>> {
    match rest {
        [media, "schema", more @ ..] => {
            within_schema(content.get(*media)?.schema.as_ref()?.into(), more)
        }
        _ => None,
    }
}

fn within_format<'a>(format: &'a ParameterSchemaOrContent, rest: &[&str]) -> Option<Found<'a>> {
    match (format, rest) {
        (ParameterSchemaOrContent::Schema(schema), ["schema", more @ ..]) => {
            within_schema(schema.into(), more)
        }
        (ParameterSchemaOrContent::Content(content), ["content", more @ ..]) => {
            within_content(content, more)
        }
        _ => None,
    }
}

fn within_parameter<'a>(parameter: &'a ReferenceOr<Parameter>, rest: &[&str]) -> Option<Found<'a>> {
    if rest.is_empty() {
        return Some(Found::Parameter(parameter));
    }
    let ReferenceOr::Item(parameter) = parameter else {
        return None;
    };
    within_format(&parameter.parameter_data_ref().format, rest)
}

fn within_header<'a>(header: &'a ReferenceOr<Header>, rest: &[&str]) -> Option<Found<'a>> {
    match header {
        _ if rest.is_empty() => Some(Found::Other),
        ReferenceOr::Item(header) => within_format(&header.format, rest),
        ReferenceOr::Reference { .. } => None,
    }
}

fn within_response<'a>(response: &'a ReferenceOr<Response>, rest: &[&str]) -> Option<Found<'a>> {
    if rest.is_empty() {
        return Some(Found::Response(response));
    }
    let ReferenceOr::Item(response) = response else {
        return None;
    };
    match rest {
        ["content", more @ ..] => within_content(&response.content, more),
        ["headers", name, more @ ..] => within_header(response.headers.get(*name)?, more),
        _ => None,
    }
}

fn within_body<'a>(body: &'a ReferenceOr<RequestBody>, rest: &[&str]) -> Option<Found<'a>> {
    match (body, rest) {
        (_, []) => Some(Found::RequestBody(body)),
        (ReferenceOr::Item(body), ["content", more @ ..]) => within_content(&body.content, more),
        _ => None,
    }
}

fn within_operation<'a>(operation: &'a Operation, rest: &[&str]) -> Option<Found<'a>> {
    match rest {
        ["parameters", i, more @ ..] => {
            within_parameter(operation.parameters.get(index(i)?)?, more)
        }
        ["requestBody", more @ ..] => within_body(operation.request_body.as_ref()?, more),
        ["responses", "default", more @ ..] => {
            within_response(operation.responses.default.as_ref()?, more)
        }
        ["responses", status, more @ ..] => {
            let (_, response) = operation
                .responses
                .responses
                .iter()
                .find(|(code, _)| code.to_string().eq_ignore_ascii_case(status))?;
            within_response(response, more)
        }
        _ => None,
    }
}

/// What `tokens` reach in `document`.
fn find<'a>(document: &'a OpenAPI, tokens: &[String]) -> Option<Found<'a>> {
    let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
    match tokens.as_slice() {
        ["components", kind, name, rest @ ..] => {
            let components = document.components.as_ref()?;
            match *kind {
                "schemas" => within_schema(components.schemas.get(*name)?.into(), rest),
                "parameters" => within_parameter(components.parameters.get(*name)?, rest),
                "responses" => within_response(components.responses.get(*name)?, rest),
                "requestBodies" => within_body(components.request_bodies.get(*name)?, rest),
                "headers" => within_header(components.headers.get(*name)?, rest),
                _ => None,
            }
        }
        ["paths", path, rest @ ..] => {
            let ReferenceOr::Item(item) = document.paths.paths.get(*path)? else {
                return None;
            };
            match rest {
                [] => Some(Found::Other),
                ["parameters", i, more @ ..] => {
                    within_parameter(item.parameters.get(index(i)?)?, more)
                }
                [method, more @ ..] => {
                    let (_, operation) = item.iter().find(|(m, _)| m == method)?;
                    within_operation(operation, more)
                }
            }
        }
        _ => None,
    }
}

/// Calls `visit` with every `$ref` of a schema position in the document (schemas inside
/// components, parameters, headers, responses, request bodies and operations, at any depth)
/// and every discriminator mapping target that is a `$ref`.
pub fn for_each_schema_ref<'a>(document: &'a OpenAPI, mut visit: impl FnMut(&'a str)) {
    let mut stack: Vec<SchemaRef<'a>> = Vec::new();
    let format = |format: &'a ParameterSchemaOrContent, stack: &mut Vec<SchemaRef<'a>>| match format
    {
        ParameterSchemaOrContent::Schema(schema) => stack.push(schema.into()),
        ParameterSchemaOrContent::Content(content) => stack.extend(
            content
                .values()
                .filter_map(|m| m.schema.as_ref())
                .map(SchemaRef::from),
        ),
    };
    let content = |content: &'a indexmap::IndexMap<String, openapiv3::MediaType>,
                   stack: &mut Vec<SchemaRef<'a>>| {
        stack.extend(
            content
                .values()
                .filter_map(|m| m.schema.as_ref())
                .map(SchemaRef::from),
        );
    };
    let response = |response: &'a ReferenceOr<Response>, stack: &mut Vec<SchemaRef<'a>>| {
        if let ReferenceOr::Item(response) = response {
            content(&response.content, stack);
            for header in response.headers.values() {
                if let ReferenceOr::Item(header) = header {
                    format(&header.format, stack);
                }
            }
        }
    };
    let parameter = |parameter: &'a ReferenceOr<Parameter>, stack: &mut Vec<SchemaRef<'a>>| {
        if let ReferenceOr::Item(parameter) = parameter {
            format(&parameter.parameter_data_ref().format, stack);
        }
    };
    if let Some(components) = &document.components {
        stack.extend(components.schemas.values().map(SchemaRef::from));
        components
            .parameters
            .values()
            .for_each(|p| parameter(p, &mut stack));
        components
            .responses
            .values()
            .for_each(|r| response(r, &mut stack));
        for body in components.request_bodies.values() {
            if let ReferenceOr::Item(body) = body {
                content(&body.content, &mut stack);
            }
        }
        for header in components.headers.values() {
            if let ReferenceOr::Item(header) = header {
                format(&header.format, &mut stack);
            }
        }
    }
    for item in document.paths.paths.values() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        item.parameters
            .iter()
            .for_each(|p| parameter(p, &mut stack));
        for (_, operation) in item.iter() {
            operation
                .parameters
                .iter()
                .for_each(|p| parameter(p, &mut stack));
            if let Some(ReferenceOr::Item(body)) = &operation.request_body {
                content(&body.content, &mut stack);
            }
            operation
                .responses
                .responses
                .values()
                .chain(&operation.responses.default)
                .for_each(|r| response(r, &mut stack));
        }
    }
    while let Some(schema) = stack.pop() {
        match schema {
            SchemaRef::Ref(reference) => visit(reference),
            SchemaRef::Inline(schema) => {
                if let Some(discriminator) = &schema.schema_data.discriminator {
                    discriminator
                        .mapping
                        .values()
                        .filter(|target| target.starts_with('#'))
                        .for_each(|target| visit(target));
                }
                push_members(schema, &mut stack);
            }
        }
    }
}

/// Pushes the schemas a schema holds (properties, items, additional properties, `allOf`,
/// `oneOf`, `anyOf`, `not`) onto `stack`.
fn push_members<'a>(schema: &'a Schema, stack: &mut Vec<SchemaRef<'a>>) {
    use openapiv3::Type;
    let additional = |additional: &'a Option<AdditionalProperties>| match additional {
        Some(AdditionalProperties::Schema(schema)) => Some(SchemaRef::from(schema.as_ref())),
        _ => None,
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            stack.extend(object.properties.values().map(SchemaRef::from));
            stack.extend(additional(&object.additional_properties));
        }
        SchemaKind::Type(Type::Array(array)) => {
            stack.extend(array.items.as_ref().map(SchemaRef::from));
        }
        SchemaKind::Type(_) => {}
        SchemaKind::OneOf { one_of: members }
        | SchemaKind::AllOf { all_of: members }
        | SchemaKind::AnyOf { any_of: members } => {
            stack.extend(members.iter().map(SchemaRef::from));
        }
        SchemaKind::Not { not } => stack.push(not.as_ref().into()),
        SchemaKind::Any(any) => {
            stack.extend(any.properties.values().map(SchemaRef::from));
            stack.extend(additional(&any.additional_properties));
            stack.extend(any.items.as_ref().map(SchemaRef::from));
            for members in [&any.all_of, &any.one_of, &any.any_of] {
                stack.extend(members.iter().map(SchemaRef::from));
            }
            stack.extend(any.not.as_deref().map(SchemaRef::from));
        }
    }
}

impl<'a> SchemaResolver<'a> {
    pub fn new(document: &'a OpenAPI) -> Self {
        Self { document }
    }

    pub fn document(&self) -> &'a OpenAPI {
        self.document
    }

    /// The tokens of a `$ref` where a `kind` is expected, with an error at `at` for a reference
    /// this resolver cannot follow or a component of another kind.
    fn tokens(reference: &str, kind: &str, at: &str) -> Result<Vec<String>, Problem> {
        let tokens = reference_tokens(reference)
            .map_err(|reason| Problem::new(at, format!("$ref {reference:?} {reason}")))?;
        if let Some((k, _)) = component_tokens(&tokens)
            && k != kind
        {
            return Err(Problem::new(
                at,
                format!(
                    "$ref {reference:?} names a {k} component where a {kind} component is expected"
                ),
            ));
        }
        Ok(tokens)
    }

    /// Resolves a schema position. `at` is the pointer of the position itself.
    pub fn schema(&self, schema: SchemaRef<'a>, at: &str) -> Result<ResolvedSchema<'a>, Problem> {
        let mut current = schema;
        let mut pointer = at.to_string();
        let mut component = None;
        for _ in 0..MAX_REF_HOPS {
            match current {
                SchemaRef::Inline(schema) => {
                    return Ok(ResolvedSchema {
                        schema,
                        pointer,
                        component,
                    });
                }
                SchemaRef::Ref(reference) => {
                    let (target, target_pointer, name) = self.schema_hop(reference, &pointer)?;
                    pointer = target_pointer;
                    component = name;
                    current = target;
                }
            }
        }
        Err(Problem::new(
            at,
            format!("$ref chain is circular or longer than {MAX_REF_HOPS} hops"),
        ))
    }

    /// Follows one schema `$ref` (at `at`): what it points to, the canonical pointer of that
    /// place and, for `#/components/schemas/<name>`, the component's name.
    pub fn schema_hop(
        &self,
        reference: &'a str,
        at: &str,
    ) -> Result<(SchemaRef<'a>, String, Option<&'a str>), Problem> {
        let tokens = Self::tokens(reference, "schemas", at)?;
        let dangling = || {
            Problem::new(
                at,
                format!("$ref {reference:?} points to a schema that does not exist"),
            )
        };
        if let Some((_, name)) = component_tokens(&tokens) {
            let components = self.document.components.as_ref();
            let (key, target) = components
                .and_then(|c| c.schemas.get_key_value(name))
                .ok_or_else(dangling)?;
            return Ok((
                target.into(),
                pointer_join("/components/schemas", key),
                Some(key.as_str()),
            ));
        }
        match find(self.document, &tokens) {
            Some(Found::Schema(target)) => Ok((target, pointer_of(&tokens), None)),
            _ => Err(dangling()),
        }
    }

    /// Resolves a schema component by name.
    pub fn component_schema(&self, name: &str) -> Option<ResolvedSchema<'a>> {
        let (key, schema) = self
            .document
            .components
            .as_ref()?
            .schemas
            .get_key_value(name)?;
        self.schema(schema.into(), &pointer_join("/components/schemas", key))
            .ok()
            .map(|mut resolved| {
                resolved.component.get_or_insert(key.as_str());
                resolved
            })
    }

    /// The schema a discriminator mapping value names: a component by its bare name, or any
    /// schema by a `$ref` (`#/components/schemas/Cat`, `#/components/schemas/Pet/oneOf/0`).
    pub fn mapping_target(&self, target: &'a str) -> Option<ResolvedSchema<'a>> {
        if target.starts_with('#') {
            self.schema(SchemaRef::Ref(target), "").ok()
        } else {
            self.component_schema(target)
        }
    }

    /// The component name of a schema `$ref` of the form `#/components/schemas/<name>`; `None`
    /// for a reference to any other place (which [`schema_hop`](Self::schema_hop) follows).
    pub fn schema_component_name(reference: &str) -> Option<String> {
        let tokens = reference_tokens(reference).ok()?;
        match component_tokens(&tokens)? {
            ("schemas", name) => Some(name.to_string()),
            _ => None,
        }
    }

    pub fn parameter(
        &self,
        item: &'a ReferenceOr<Parameter>,
        at: &str,
    ) -> Result<(&'a Parameter, String), Problem> {
        self.component(
            item,
            at,
            "parameters",
            |c| &c.parameters,
            |found| match found {
                Found::Parameter(p) => Some(p),
                _ => None,
            },
        )
    }

    pub fn response(
        &self,
        item: &'a ReferenceOr<Response>,
        at: &str,
    ) -> Result<(&'a Response, String), Problem> {
        self.component(
            item,
            at,
            "responses",
            |c| &c.responses,
            |found| match found {
                Found::Response(r) => Some(r),
                _ => None,
            },
        )
    }

    pub fn request_body(
        &self,
        item: &'a ReferenceOr<RequestBody>,
        at: &str,
    ) -> Result<(&'a RequestBody, String), Problem> {
        self.component(
            item,
            at,
            "requestBodies",
            |c| &c.request_bodies,
            |found| match found {
                Found::RequestBody(b) => Some(b),
                _ => None,
            },
        )
    }

    fn component<T>(
        &self,
        item: &'a ReferenceOr<T>,
        at: &str,
        kind: &str,
        map: impl Fn(&'a openapiv3::Components) -> &'a indexmap::IndexMap<String, ReferenceOr<T>>,
        deep: impl Fn(Found<'a>) -> Option<&'a ReferenceOr<T>>,
    ) -> Result<(&'a T, String), Problem> {
        let mut current = item;
        let mut pointer = at.to_string();
        for _ in 0..MAX_REF_HOPS {
            match current {
                ReferenceOr::Item(item) => return Ok((item, pointer)),
                ReferenceOr::Reference { reference } => {
                    let tokens = Self::tokens(reference, kind, &pointer)?;
                    let found = match component_tokens(&tokens) {
                        Some((_, name)) => self
                            .document
                            .components
                            .as_ref()
                            .and_then(|c| map(c).get_key_value(name))
                            .map(|(key, target)| {
                                (target, pointer_join(&format!("/components/{kind}"), key))
                            }),
                        None => find(self.document, &tokens)
                            .and_then(&deep)
                            .map(|target| (target, pointer_of(&tokens))),
                    };
                    let Some((target, target_pointer)) = found else {
                        return Err(Problem::new(
                            pointer,
                            format!("$ref {reference:?} points to a component that does not exist"),
                        ));
                    };
                    pointer = target_pointer;
                    current = target;
                }
            }
        }
        Err(Problem::new(
            at,
            format!("$ref chain is circular or longer than {MAX_REF_HOPS} hops"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_uri_fragments_of_json_pointers() {
        let tokens = |r: &str| reference_tokens(r);
        assert_eq!(
            tokens("#/components/schemas/Tag/allOf/0").unwrap(),
            ["components", "schemas", "Tag", "allOf", "0"]
        );
        assert_eq!(
            tokens("#/paths/~1things~1{id}/get").unwrap(),
            ["paths", "/things/{id}", "get"]
        );
        assert_eq!(tokens("#/a~01/b%20c/%7E1").unwrap(), ["a~1", "b c", "/"]);
        assert_eq!(tokens("#/components/schemas/%C3%A9").unwrap()[2], "é");
        assert!(tokens("other.yaml#/components/schemas/A").is_err());
        assert!(tokens("#/a~2").is_err());
        assert!(tokens("#/a%2").is_err());
        assert!(tokens("#/a%zz").is_err());
        assert!(tokens("#/a%FF").is_err());
        assert!(tokens("#anchor").is_err());
        let canonical = pointer_of(&tokens("#/paths/%7E1a~1b/get").unwrap());
        assert_eq!(canonical, "/paths/~1a~1b/get");
        assert_eq!(pointer_of(&pointer_tokens(&canonical)), canonical);
    }

    #[test]
    fn indexes_are_plain_decimal() {
        assert_eq!(index("0"), Some(0));
        assert_eq!(index("12"), Some(12));
        assert_eq!(index("01"), None);
        assert_eq!(index("-1"), None);
        assert_eq!(index("+1"), None);
        assert_eq!(index(""), None);
    }
}
