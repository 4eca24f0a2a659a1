//! Stage 2: follow `$ref`s.
//!
//! [`SchemaResolver`] turns references to components (schemas, parameters, responses, request
//! bodies) into the items they name, together with the JSON pointer of the place the item is
//! defined, so later stages can name generated types after their source and report problems at
//! the right node. Only local references (`#/components/<kind>/<name>`) are supported.

use openapiv3::{OpenAPI, Parameter, ReferenceOr, RequestBody, Response, Schema};

use crate::error::Problem;

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

fn unescape_segment(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

impl<'a> SchemaResolver<'a> {
    pub fn new(document: &'a OpenAPI) -> Self {
        Self { document }
    }

    pub fn document(&self) -> &'a OpenAPI {
        self.document
    }

    /// Splits `#/components/<kind>/<name>` into its name, checking the kind.
    fn component_name(reference: &str, kind: &str, at: &str) -> Result<String, Problem> {
        let Some(local) = reference.strip_prefix("#/") else {
            return Err(Problem::new(
                at,
                format!(
                    "$ref {reference:?} points outside this document; only local references (#/components/...) are supported"
                ),
            ));
        };
        let segments: Vec<&str> = local.split('/').collect();
        match segments.as_slice() {
            ["components", k, name] if *k == kind => Ok(unescape_segment(name)),
            ["components", k, _] => Err(Problem::new(
                at,
                format!(
                    "$ref {reference:?} names a {k} component where a {kind} component is expected"
                ),
            )),
            _ => Err(Problem::new(
                at,
                format!(
                    "$ref {reference:?} is not supported: references must have the form #/components/{kind}/<name>"
                ),
            )),
        }
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
                    let name = Self::component_name(reference, "schemas", &pointer)?;
                    let components = self.document.components.as_ref();
                    let Some((key, target)) =
                        components.and_then(|c| c.schemas.get_key_value(name.as_str()))
                    else {
                        return Err(Problem::new(
                            pointer,
                            format!("$ref {reference:?} points to a schema that does not exist"),
                        ));
                    };
                    pointer = pointer_join("/components/schemas", key);
                    component = Some(key.as_str());
                    current = target.into();
                }
            }
        }
        Err(Problem::new(
            at,
            format!("$ref chain is circular or longer than {MAX_REF_HOPS} hops"),
        ))
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

    /// The component name a schema `$ref` points to, without resolving further.
    pub fn schema_ref_name(reference: &str, at: &str) -> Result<String, Problem> {
        Self::component_name(reference, "schemas", at)
    }

    pub fn parameter(
        &self,
        item: &'a ReferenceOr<Parameter>,
        at: &str,
    ) -> Result<(&'a Parameter, String), Problem> {
        self.component(item, at, "parameters", |c| &c.parameters)
    }

    pub fn response(
        &self,
        item: &'a ReferenceOr<Response>,
        at: &str,
    ) -> Result<(&'a Response, String), Problem> {
        self.component(item, at, "responses", |c| &c.responses)
    }

    pub fn request_body(
        &self,
        item: &'a ReferenceOr<RequestBody>,
        at: &str,
    ) -> Result<(&'a RequestBody, String), Problem> {
        self.component(item, at, "requestBodies", |c| &c.request_bodies)
    }

    fn component<T>(
        &self,
        item: &'a ReferenceOr<T>,
        at: &str,
        kind: &str,
        map: impl Fn(&'a openapiv3::Components) -> &'a indexmap::IndexMap<String, ReferenceOr<T>>,
    ) -> Result<(&'a T, String), Problem> {
        let mut current = item;
        let mut pointer = at.to_string();
        for _ in 0..MAX_REF_HOPS {
            match current {
                ReferenceOr::Item(item) => return Ok((item, pointer)),
                ReferenceOr::Reference { reference } => {
                    let name = Self::component_name(reference, kind, &pointer)?;
                    let Some((key, target)) = self
                        .document
                        .components
                        .as_ref()
                        .and_then(|c| map(c).get_key_value(name.as_str()))
                    else {
                        return Err(Problem::new(
                            pointer,
                            format!("$ref {reference:?} points to a component that does not exist"),
                        ));
                    };
                    pointer = pointer_join(&format!("/components/{kind}"), key);
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
