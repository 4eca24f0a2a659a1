//! Paths and operations: the types of request and response bodies, and their examples.

use std::collections::{HashMap, HashSet};

use heck::{ToSnakeCase, ToUpperCamelCase};
use openapiv3::{MediaType, OpenAPI, ReferenceOr};

use super::schemas::TypeLowering;
use crate::error::Problem;
use crate::ir::{Example, Operation, TypeRef};
use crate::resolve::{SchemaResolver, pointer_join};

/// Walks every operation, defining the types its bodies need and collecting examples.
pub struct OperationLowering<'a, 'l> {
    resolver: SchemaResolver<'a>,
    types: &'l mut TypeLowering<'a>,
    examples: Vec<Example>,
    operations: Vec<Operation>,
    /// Pointers of shared media types already visited (a component response used by many
    /// operations contributes its examples once).
    visited: HashSet<String>,
}

impl<'a, 'l> OperationLowering<'a, 'l> {
    pub fn new(resolver: SchemaResolver<'a>, types: &'l mut TypeLowering<'a>) -> Self {
        Self {
            resolver,
            types,
            examples: Vec::new(),
            operations: Vec::new(),
            visited: HashSet::new(),
        }
    }

    pub fn finish(self) -> (Vec<Operation>, Vec<Example>) {
        (self.operations, self.examples)
    }

    pub fn lower_paths(&mut self) {
        let document: &'a OpenAPI = self.resolver.document();
        let mut operation_ids: HashMap<&'a str, String> = HashMap::new();
        for (path, item) in document.paths.iter() {
            let item_at = pointer_join("/paths", path);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { reference } => {
                    self.types.error(Problem::new(
                        item_at,
                        format!("path item $ref {reference:?} is not supported; write the operations inline"),
                    ));
                    continue;
                }
            };
            for (method, operation) in item.iter() {
                let at = format!("{item_at}/{method}");
                let Some(id) = operation.operation_id.as_deref() else {
                    self.types.error(Problem::new(
                        at,
                        "operation has no operationId; every operation needs one to name its method",
                    ));
                    continue;
                };
                if let Some(first) = operation_ids.insert(id, at.clone()) {
                    self.types.error(Problem::new(
                        format!("{at}/operationId"),
                        format!("duplicate operationId {id:?}: also used at {first}"),
                    ));
                    continue;
                }
                self.operations.push(Operation {
                    id: id.to_string(),
                    method: method.to_uppercase(),
                    path: path.clone(),
                    tags: operation.tags.clone(),
                    deprecated: operation.deprecated,
                });
                let base = id.to_upper_camel_case();
                let shared = item
                    .parameters
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (p, format!("{item_at}/parameters/{i}")));
                let own = operation
                    .parameters
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (p, format!("{at}/parameters/{i}")));
                for (parameter, parameter_at) in shared.chain(own) {
                    if let Err(problem) = self.resolver.parameter(parameter, &parameter_at) {
                        self.types.error(problem);
                    }
                }
                if let Some(body) = &operation.request_body {
                    match self
                        .resolver
                        .request_body(body, &format!("{at}/requestBody"))
                    {
                        Ok((body, body_at)) => {
                            for (media, content) in &body.content {
                                let media_at = pointer_join(&format!("{body_at}/content"), media);
                                let context = format!("{}_request", id.to_snake_case());
                                self.media_type(
                                    content,
                                    &format!("{base}Request"),
                                    &media_at,
                                    &context,
                                );
                            }
                        }
                        Err(problem) => self.types.error(problem),
                    }
                }
                let responses = operation
                    .responses
                    .responses
                    .iter()
                    .map(|(status, r)| (status.to_string(), r))
                    .chain(
                        operation
                            .responses
                            .default
                            .iter()
                            .map(|r| ("default".to_string(), r)),
                    );
                for (status, response) in responses {
                    let response_at = pointer_join(&format!("{at}/responses"), &status);
                    match self.resolver.response(response, &response_at) {
                        Ok((response, resolved_at)) => {
                            // A shared response is named after its component, once.
                            let (hint, context) =
                                match resolved_at.strip_prefix("/components/responses/") {
                                    Some(name) => (
                                        format!("{}Body", name.to_upper_camel_case()),
                                        name.to_snake_case(),
                                    ),
                                    None => (
                                        format!("{base}Response"),
                                        format!("{}_{status}", id.to_snake_case()),
                                    ),
                                };
                            for (media, content) in &response.content {
                                let media_at =
                                    pointer_join(&format!("{resolved_at}/content"), media);
                                self.media_type(content, &hint, &media_at, &context);
                            }
                        }
                        Err(problem) => self.types.error(problem),
                    }
                }
            }
        }
        self.schema_examples();
    }

    /// The body type of a media type, and its examples.
    fn media_type(
        &mut self,
        content: &'a MediaType,
        hint: &str,
        at: &str,
        context: &str,
    ) -> Option<TypeRef> {
        let schema = content.schema.as_ref()?;
        let ty = self
            .types
            .type_ref(schema.into(), hint, &format!("{at}/schema"));
        if !self.visited.insert(at.to_string()) {
            return Some(ty);
        }
        if let Some(value) = &content.example {
            self.push_example(
                format!("{context}_example"),
                format!("{at}/example"),
                &ty,
                value.clone(),
            );
        }
        for (name, example) in &content.examples {
            let example_at = pointer_join(&format!("{at}/examples"), name);
            let resolved = match example {
                ReferenceOr::Item(example) => Some((example, example_at)),
                ReferenceOr::Reference { reference } => {
                    let name = reference.strip_prefix("#/components/examples/");
                    let found = name.and_then(|n| {
                        self.resolver
                            .document()
                            .components
                            .as_ref()?
                            .examples
                            .get(n)
                    });
                    match found {
                        Some(ReferenceOr::Item(example)) => Some((
                            example,
                            pointer_join("/components/examples", name.unwrap_or_default()),
                        )),
                        _ => {
                            self.types.error(Problem::new(
                                example_at,
                                format!("example $ref {reference:?} does not point to a components/examples entry"),
                            ));
                            None
                        }
                    }
                }
            };
            if let Some((example, pointer)) = resolved
                && let Some(value) = &example.value
            {
                let example = name.to_snake_case();
                let test_name = if context.ends_with(&example) {
                    context.to_string()
                } else {
                    format!("{context}_{example}")
                };
                self.push_example(test_name, format!("{pointer}/value"), &ty, value.clone());
            }
        }
        Some(ty)
    }

    /// Examples on component schemas that are generated as named types.
    fn schema_examples(&mut self) {
        let Some(components) = self.resolver.document().components.as_ref() else {
            return;
        };
        for (name, schema) in &components.schemas {
            if let ReferenceOr::Item(schema) = schema
                && let Some(value) = &schema.schema_data.example
            {
                let at = pointer_join("/components/schemas", name);
                let Some(ty) = self.types.component_type(name) else {
                    continue;
                };
                let test_name = format!("{}_schema_example", name.to_snake_case());
                self.push_example(test_name, format!("{at}/example"), &ty, value.clone());
            }
        }
    }

    fn push_example(
        &mut self,
        name: String,
        pointer: String,
        ty: &TypeRef,
        value: serde_json::Value,
    ) {
        // Only examples with a model type to decode into say something about the models.
        if ty.named().is_some() {
            self.examples.push(Example {
                name: crate::lower::field_name(&name),
                pointer,
                ty: ty.clone(),
                value,
            });
        }
    }
}
