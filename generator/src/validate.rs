//! `atlas-codegen validate`: every problem of a spec, without generating.
//!
//! On top of what building the model finds (dangling `$ref`s, duplicate operationIds, path
//! parameters and templates that disagree, discriminator mappings to missing schemas), it
//! checks what generation does not need but a correct spec has: discriminated schemas that
//! have the discriminator property, patterns that compile, defaults and examples that match
//! their own schemas.

use std::collections::HashSet;

use openapiv3::{OpenAPI, ReferenceOr, Schema};
use serde_json::Value;

use crate::error::{Error, Problem};
use crate::load::LoadedSpec;
use crate::resolve::{SchemaRef, SchemaResolver, pointer_join};
use crate::shape::Shape;

/// What a spec's validation found.
#[derive(Debug, Default)]
pub struct Validation {
    /// The spec is wrong: it cannot be generated, or it contradicts itself.
    pub errors: Vec<Problem>,
    /// Worth a look: generated, but not exactly as written.
    pub warnings: Vec<Problem>,
}

/// Validates a parsed spec; `text` is its source, to locate the problems.
pub fn validate(spec: &LoadedSpec, text: &str) -> Validation {
    let mut validation = Validation::default();
    match crate::lower::lower(spec) {
        Ok(lowered) => validation.warnings = lowered.approximations,
        Err(Error::Spec { problems, .. }) => validation.errors = problems,
        Err(other) => validation.errors.push(Problem::new("", other.to_string())),
    }
    let mut checker = Checker {
        resolver: SchemaResolver::new(&spec.document),
        problems: Vec::new(),
        seen_patterns: HashSet::new(),
    };
    checker.check_document(&spec.document);
    // Building the model already reports some of the same places; say each thing once.
    for problem in checker.problems {
        if !validation.errors.contains(&problem) {
            validation.errors.push(problem);
        }
    }
    crate::locate::locate_all(
        validation.errors.iter_mut().chain(&mut validation.warnings),
        text,
    );
    validation
}

struct Checker<'a> {
    resolver: SchemaResolver<'a>,
    problems: Vec<Problem>,
    /// Patterns already compiled (the same pattern recurs hundreds of times in Atlas).
    seen_patterns: HashSet<&'a str>,
}

/// How deep a value is followed into its schema: a recursive schema and a deep example end.
const MAX_DEPTH: usize = 64;

impl<'a> Checker<'a> {
    fn error(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem::new(pointer, message));
    }

    fn check_document(&mut self, document: &'a OpenAPI) {
        if let Some(components) = &document.components {
            for (name, schema) in &components.schemas {
                if let ReferenceOr::Item(schema) = schema {
                    self.check_schema(schema, &pointer_join("/components/schemas", name), 0);
                }
            }
            for (name, parameter) in &components.parameters {
                if let ReferenceOr::Item(parameter) = parameter {
                    self.check_parameter(parameter, &pointer_join("/components/parameters", name));
                }
            }
            for (name, response) in &components.responses {
                if let ReferenceOr::Item(response) = response {
                    let at = pointer_join("/components/responses", name);
                    self.check_content(&response.content, &format!("{at}/content"));
                }
            }
            for (name, body) in &components.request_bodies {
                if let ReferenceOr::Item(body) = body {
                    let at = pointer_join("/components/requestBodies", name);
                    self.check_content(&body.content, &format!("{at}/content"));
                }
            }
        }
        for (path, item) in document.paths.iter() {
            let ReferenceOr::Item(item) = item else {
                continue;
            };
            let item_at = pointer_join("/paths", path);
            for (i, parameter) in item.parameters.iter().enumerate() {
                if let ReferenceOr::Item(parameter) = parameter {
                    self.check_parameter(parameter, &format!("{item_at}/parameters/{i}"));
                }
            }
            for (method, operation) in item.iter() {
                let at = format!("{item_at}/{method}");
                for (i, parameter) in operation.parameters.iter().enumerate() {
                    if let ReferenceOr::Item(parameter) = parameter {
                        self.check_parameter(parameter, &format!("{at}/parameters/{i}"));
                    }
                }
                if let Some(ReferenceOr::Item(body)) = &operation.request_body {
                    self.check_content(&body.content, &format!("{at}/requestBody/content"));
                }
                for (status, response) in &operation.responses.responses {
                    if let ReferenceOr::Item(response) = response {
                        let response_at =
                            pointer_join(&format!("{at}/responses"), &status.to_string());
                        self.check_content(&response.content, &format!("{response_at}/content"));
                    }
                }
            }
        }
    }

    fn check_parameter(&mut self, parameter: &'a openapiv3::Parameter, at: &str) {
        let data = parameter.parameter_data_ref();
        if let openapiv3::ParameterSchemaOrContent::Schema(schema) = &data.format {
            self.check_schema_and_example(schema, data.example.as_ref(), at);
        }
    }

    /// Checks the `schema` of a parameter or media type at `at`, and its `example`.
    fn check_schema_and_example(
        &mut self,
        schema: &'a ReferenceOr<Schema>,
        example: Option<&Value>,
        at: &str,
    ) {
        let schema_at = format!("{at}/schema");
        if let ReferenceOr::Item(schema) = schema {
            self.check_schema(schema, &schema_at, 0);
        }
        if let Some(example) = example {
            let example_at = format!("{at}/example");
            self.check_value(schema.into(), example, &schema_at, &example_at, 0);
        }
    }

    fn check_content(
        &mut self,
        content: &'a indexmap::IndexMap<String, openapiv3::MediaType>,
        at: &str,
    ) {
        for (media, media_type) in content {
            let media_at = pointer_join(at, media);
            let Some(schema) = &media_type.schema else {
                continue;
            };
            self.check_schema_and_example(schema, media_type.example.as_ref(), &media_at);
            let schema_at = format!("{media_at}/schema");
            for (name, example) in &media_type.examples {
                if let ReferenceOr::Item(example) = example
                    && let Some(value) = &example.value
                {
                    let example_at = format!(
                        "{}/value",
                        pointer_join(&format!("{media_at}/examples"), name)
                    );
                    self.check_value(schema.into(), value, &schema_at, &example_at, 0);
                }
            }
        }
    }

    /// Checks an inline schema and the inline schemas inside it: discriminators, patterns,
    /// defaults and examples.
    fn check_schema(&mut self, schema: &'a Schema, at: &str, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let shape = Shape::of(schema);
        if let Some(pattern) = shape.pattern {
            self.check_pattern(pattern, &format!("{at}/pattern"));
        }
        for (keyword, value) in [
            ("default", &shape.data.default),
            ("example", &shape.data.example),
        ] {
            if let Some(value) = value {
                let value_at = format!("{at}/{keyword}");
                self.check_value(SchemaRef::Inline(schema), value, at, &value_at, 0);
            }
        }
        if let Some(discriminator) = &shape.data.discriminator {
            self.check_discriminator(&shape, &discriminator.property_name, at);
        }
        let mut inline = |member: &'a ReferenceOr<Schema>, member_at: String| {
            if let ReferenceOr::Item(member) = member {
                self.check_schema(member, &member_at, depth + 1);
            }
        };
        for (keyword, members) in [
            ("oneOf", shape.one_of),
            ("anyOf", shape.any_of),
            ("allOf", shape.all_of),
        ] {
            for (i, member) in members.iter().enumerate() {
                inline(member, format!("{at}/{keyword}/{i}"));
            }
        }
        if let Some(properties) = shape.properties {
            for (name, property) in properties {
                if let ReferenceOr::Item(property) = property {
                    self.check_schema(
                        property,
                        &pointer_join(&format!("{at}/properties"), name),
                        depth + 1,
                    );
                }
            }
        }
        if let Some(ReferenceOr::Item(items)) = shape.items {
            self.check_schema(items, &format!("{at}/items"), depth + 1);
        }
        if let Some(openapiv3::AdditionalProperties::Schema(additional)) = shape.additional
            && let ReferenceOr::Item(additional) = additional.as_ref()
        {
            self.check_schema(additional, &format!("{at}/additionalProperties"), depth + 1);
        }
    }

    /// A pattern must compile; the regex crate has no look-around, so fancy-regex (which has
    /// it, as ECMA-262 does) is asked when the regex crate refuses.
    fn check_pattern(&mut self, pattern: &'a str, at: &str) {
        if !self.seen_patterns.insert(pattern) {
            return;
        }
        if regex::Regex::new(pattern).is_ok() {
            return;
        }
        if let Err(error) = fancy_regex::Regex::new(pattern) {
            self.error(at, format!("pattern {pattern:?} does not compile: {error}"));
        }
    }

    /// Each variant a discriminator selects must have the discriminator property (itself, by
    /// `allOf`, or through the discriminated schema's own properties).
    fn check_discriminator(&mut self, shape: &Shape<'a>, property: &str, at: &str) {
        let parent_has = shape.properties.is_some_and(|p| p.contains_key(property));
        let Some(discriminator) = &shape.data.discriminator else {
            return;
        };
        let mut targets: Vec<(&'a str, String)> = discriminator
            .mapping
            .iter()
            .map(|(value, target)| {
                (
                    target.as_str(),
                    pointer_join(&format!("{at}/discriminator/mapping"), value),
                )
            })
            .collect();
        for (i, member) in shape.one_of.iter().enumerate() {
            if let ReferenceOr::Reference { reference } = member {
                targets.push((reference.as_str(), format!("{at}/oneOf/{i}")));
            }
        }
        let mut checked = HashSet::new();
        for (target, target_at) in targets {
            let Some(resolved) = self.resolver.mapping_target(target) else {
                // A missing target is reported when the model is built.
                continue;
            };
            if !checked.insert(resolved.pointer.clone()) {
                continue;
            }
            let reference = if target.starts_with('#') {
                target.to_string()
            } else {
                format!("#/components/schemas/{target}")
            };
            if !parent_has && !self.has_property(resolved.schema, property, 0) {
                self.error(
                    target_at,
                    format!("{reference} is selected by discriminator {property:?} but has no property {property:?}"),
                );
            }
        }
    }

    fn has_property(&self, schema: &'a Schema, property: &str, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        let shape = Shape::of(schema);
        if shape.properties.is_some_and(|p| p.contains_key(property)) {
            return true;
        }
        shape.all_of.iter().any(|member| {
            self.resolver
                .schema(member.into(), "")
                .is_ok_and(|m| self.has_property(m.schema, property, depth + 1))
        })
    }

    /// Checks `value` (a default or an example, at `value_at`) against the schema at
    /// `schema_at`, reporting each mismatch at its place inside the value.
    fn check_value(
        &mut self,
        schema: SchemaRef<'a>,
        value: &Value,
        schema_at: &str,
        value_at: &str,
        depth: usize,
    ) {
        let mut found = Vec::new();
        value_problems(
            &self.resolver,
            schema,
            value,
            schema_at,
            value_at,
            depth,
            &mut found,
        );
        self.problems.extend(found);
    }
}

/// The mismatches between `value` and a schema.
fn value_problems<'a>(
    resolver: &SchemaResolver<'a>,
    schema: SchemaRef<'a>,
    value: &Value,
    schema_at: &str,
    value_at: &str,
    depth: usize,
    problems: &mut Vec<Problem>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let Ok(resolved) = resolver.schema(schema, schema_at) else {
        return;
    };
    let shape = Shape::of(resolved.schema);
    let mut problem = |message: String| problems.push(Problem::new(value_at, message));
    if value.is_null() {
        if !shape.data.nullable && shape.typ.is_some() && shape.typ != Some("null") {
            problem("null, but the schema is not nullable".to_string());
        }
        return;
    }
    // Discriminated: the tag picks the schema to check against.
    if let Some(discriminator) = &shape.data.discriminator {
        let property = &discriminator.property_name;
        // The schema a tag value selects: by the mapping, else a `oneOf` member of that name.
        let target_of = |tag: &str| -> Option<&'a str> {
            discriminator
                .mapping
                .get(tag)
                .map(String::as_str)
                .or_else(|| {
                    shape.one_of.iter().find_map(|m| match m {
                        ReferenceOr::Reference { reference }
                            if reference.rsplit('/').next() == Some(tag) =>
                        {
                            Some(reference.as_str())
                        }
                        _ => None,
                    })
                })
        };
        // Without the tag, the variant is the documented default's, as the client decodes it.
        let default = match value.get(property) {
            None => shape.tag_default(property, |v| target_of(v).is_some()),
            Some(_) => None,
        };
        let tag = value
            .get(property)
            .and_then(Value::as_str)
            .or(default.as_deref());
        let Some(tag) = tag else {
            problem(format!("no string {property:?}, which selects the variant"));
            return;
        };
        let Some(target) = target_of(tag) else {
            problem(format!(
                "{:?} {tag:?} is not a value the discriminator maps",
                discriminator.property_name
            ));
            return;
        };
        if let Some(variant) = resolver.mapping_target(target) {
            let variant_at = variant.pointer.clone();
            let variant = SchemaRef::Inline(variant.schema);
            value_problems(
                resolver,
                variant,
                value,
                &variant_at,
                value_at,
                depth + 1,
                problems,
            );
        }
        return;
    }
    for (i, member) in shape.all_of.iter().enumerate() {
        let member_at = format!("{}/allOf/{i}", resolved.pointer);
        // A discriminated parent reached through allOf lends its properties, not its choice.
        let parent = resolver.schema(member.into(), &member_at).ok();
        if parent
            .as_ref()
            .is_some_and(|p| p.schema.schema_data.discriminator.is_some())
        {
            continue;
        }
        value_problems(
            resolver,
            member.into(),
            value,
            &member_at,
            value_at,
            depth + 1,
            problems,
        );
    }
    let members = if shape.one_of.is_empty() {
        shape.any_of
    } else {
        shape.one_of
    };
    if !members.is_empty() && !shape.is_constraint_only() {
        let fits = members.iter().enumerate().any(|(i, member)| {
            let mut trial = Vec::new();
            let member_at = format!("{}/oneOf/{i}", resolved.pointer);
            value_problems(
                resolver,
                member.into(),
                value,
                &member_at,
                value_at,
                depth + 1,
                &mut trial,
            );
            trial.is_empty()
        });
        if !fits {
            problems.push(Problem::new(
                value_at,
                "matches none of the oneOf/anyOf schemas",
            ));
        }
    }
    let mut problem = |message: String| problems.push(Problem::new(value_at, message));
    // Name the schema: behind `$ref`s and `allOf`s, it is not always the one next to the value.
    let against = format!(", as {} requires", resolved.pointer);
    match shape.typ {
        Some("string") => {
            let Some(text) = value.as_str() else {
                return problem(format!("{value} is not a string{against}"));
            };
            let listed: Vec<&str> = shape.enumeration.iter().filter_map(Value::as_str).collect();
            let placeholder = listed
                .iter()
                .any(|v| v.starts_with('<') && v.ends_with('>'));
            if !listed.is_empty() && !listed.contains(&text) && !placeholder {
                problem(format!("{text:?} is not one of the enum's values"));
            }
            if shape.format.as_deref() == Some("date-time") && !is_date_time(text) {
                problem(format!("{text:?} is not an RFC 3339 date-time"));
            }
            if let Some(pattern) = shape.pattern {
                if pattern_matches(pattern, text) == Some(false) {
                    problem(format!("{text:?} does not match the pattern {pattern:?}"));
                }
            }
        }
        // JSON Schema: an integer is a number without a fraction (`1.1991456e+09` is one).
        Some("integer") => match value
            .as_i64()
            .or_else(|| value.as_u64().map(|v| v as i64))
            .or_else(|| {
                value
                    .as_f64()
                    .filter(|v| v.fract() == 0.0 && v.abs() < 9.0e15)
                    .map(|v| v as i64)
            }) {
            None => problem(format!("{value} is not an integer{against}")),
            Some(number) => {
                if shape.format.as_deref() == Some("int32") && i32::try_from(number).is_err() {
                    problem(format!("{number} does not fit an int32"));
                }
                range_problems(&shape, number as f64, value, &mut problem);
            }
        },
        Some("number") => match value.as_f64() {
            None => problem(format!("{value} is not a number{against}")),
            Some(number) => range_problems(&shape, number, value, &mut problem),
        },
        Some("boolean") if !value.is_boolean() => {
            problem(format!("{value} is not a boolean{against}"))
        }
        Some("null") => problem(format!("{value} is not null{against}")),
        Some("array") => match value.as_array() {
            None => problem(format!("{} is not an array{against}", kind(value))),
            Some(items) => {
                if let Some(item_schema) = shape.items {
                    let items_at = format!("{}/items", resolved.pointer);
                    for (i, item) in items.iter().enumerate() {
                        let item_at = format!("{value_at}/{i}");
                        value_problems(
                            resolver,
                            item_schema.into(),
                            item,
                            &items_at,
                            &item_at,
                            depth + 1,
                            problems,
                        );
                    }
                }
            }
        },
        _ if shape.is_object() => match value.as_object() {
            None => problem(format!("{} is not an object{against}", kind(value))),
            Some(object) => {
                for required in shape.required {
                    if !object.contains_key(required) {
                        problem(format!("required property {required:?} is missing"));
                    }
                }
                let properties = shape.properties;
                for (key, item) in object {
                    let item_at = pointer_join(value_at, key);
                    if let Some(property) = properties.and_then(|p| p.get(key)) {
                        let property_at =
                            pointer_join(&format!("{}/properties", resolved.pointer), key);
                        value_problems(
                            resolver,
                            property.into(),
                            item,
                            &property_at,
                            &item_at,
                            depth + 1,
                            problems,
                        );
                    } else if let Some(openapiv3::AdditionalProperties::Schema(additional)) =
                        shape.additional
                    {
                        let additional_at = format!("{}/additionalProperties", resolved.pointer);
                        value_problems(
                            resolver,
                            additional.as_ref().into(),
                            item,
                            &additional_at,
                            &item_at,
                            depth + 1,
                            problems,
                        );
                    }
                }
            }
        },
        _ => {}
    }
}

/// A compiled pattern, by the crate that could compile it.
enum Compiled {
    Regex(regex::Regex),
    Fancy(fancy_regex::Regex),
    None,
}

thread_local! {
    /// Patterns compiled so far: examples check the same few patterns thousands of times.
    static PATTERNS: std::cell::RefCell<std::collections::HashMap<String, std::rc::Rc<Compiled>>> =
        Default::default();
}

/// Whether `text` matches `pattern`; `None` when the pattern does not compile.
fn pattern_matches(pattern: &str, text: &str) -> Option<bool> {
    let compiled = PATTERNS.with(|cache| {
        cache
            .borrow_mut()
            .entry(pattern.to_string())
            .or_insert_with(|| {
                std::rc::Rc::new(match regex::Regex::new(pattern) {
                    Ok(regex) => Compiled::Regex(regex),
                    Err(_) => {
                        fancy_regex::Regex::new(pattern).map_or(Compiled::None, Compiled::Fancy)
                    }
                })
            })
            .clone()
    });
    match compiled.as_ref() {
        Compiled::Regex(regex) => Some(regex.is_match(text)),
        Compiled::Fancy(regex) => regex.is_match(text).ok(),
        Compiled::None => None,
    }
}

fn range_problems(shape: &Shape<'_>, number: f64, value: &Value, problem: &mut impl FnMut(String)) {
    if let Some(minimum) = shape.minimum
        && number < minimum
    {
        problem(format!("{value} is less than the minimum {minimum}"));
    }
    if let Some(maximum) = shape.maximum
        && number > maximum
    {
        problem(format!("{value} is more than the maximum {maximum}"));
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// RFC 3339: `2025-05-04T09:42:00Z`, with optional fractions and a `Z` or `±hh:mm` offset.
fn is_date_time(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        range
            .clone()
            .all(|i| bytes.get(i).is_some_and(u8::is_ascii_digit))
    };
    let shape = bytes.len() >= 20
        && digits(0..4)
        && bytes[4] == b'-'
        && digits(5..7)
        && bytes[7] == b'-'
        && digits(8..10)
        && matches!(bytes[10], b'T' | b't')
        && digits(11..13)
        && bytes[13] == b':'
        && digits(14..16)
        && bytes[16] == b':'
        && digits(17..19);
    if !shape {
        return false;
    }
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let count = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if count == 0 {
            return false;
        }
        rest = &fraction[count..];
    }
    match rest.as_bytes() {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|b| b.is_ascii_digit()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times_are_rfc_3339() {
        for good in [
            "2025-05-04T09:42:00Z",
            "2025-05-04T09:42:00.123+02:00",
            "2025-05-04t09:42:00z",
        ] {
            assert!(is_date_time(good), "{good}");
        }
        for bad in [
            "string",
            "2025-05-04",
            "2025-05-04 09:42:00Z",
            "2025-05-04T09:42:00",
            "2025-05-04T09:42:00.Z",
        ] {
            assert!(!is_date_time(bad), "{bad}");
        }
    }
}
