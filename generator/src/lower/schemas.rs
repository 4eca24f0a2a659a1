//! Schemas to model types.
//!
//! [`TypeLowering`] turns every component schema, and every inline schema that needs a name
//! (objects, enums, unions), into a [`TypeDef`]. The decisions that make the output correct on
//! Atlas live here:
//!
//! - a schema with a `discriminator` is a tagged union whose variants come from `oneOf` and the
//!   discriminator `mapping`; each variant struct gets the parent's properties too, and loses
//!   the discriminator property (the variant is the tag). The circular form, where each child
//!   `allOf`s the parent, gives the same shape, because a discriminated parent reached through
//!   `allOf` contributes its properties only;
//! - `oneOf`/`anyOf` without a discriminator is an untagged union; `allOf` merges properties,
//!   later members overriding earlier ones (a child narrows a parent's field);
//! - inline schemas are named after the place they are defined (`Parent` + `Property`), so a
//!   schema reached along several paths is one type with one stable name.
//!
//! The unions, tagged and untagged, are built in the `unions` submodule.

use std::collections::{HashMap, HashSet};

use openapiv3::{AdditionalProperties, ReferenceOr, Schema};

use super::case;
use super::naming::{self, NameAllocator};
use super::shape::Shape;
use crate::error::Problem;
use crate::ir::{EnumVariant, Field, IntKind, StringEnum, Struct, TypeDef, TypeKind, TypeRef};
use crate::resolve::{
    ResolvedSchema, SchemaRef, SchemaResolver, for_each_schema_ref, pointer_join, pointer_tokens,
};
use unions::Membership;

mod unions;

/// The field of every struct that keeps the keys it does not know.
const UNKNOWN_FIELDS: &str = "unknown_fields";

/// The vendor extension that marks a union open: a value that is none of its variants is kept
/// whole as JSON (`Unknown`) instead of refused. Our spec puts it on the structures it types
/// where the official spec leaves them loose, so a correction never constrains more than the
/// payloads that motivated it show.
const OPEN: &str = "x-atlas-open";

/// How many schemas an `allOf` chain may nest through before lowering refuses it; far beyond
/// any real spec, and low enough that the recursion cannot exhaust the stack.
const MAX_ALL_OF_DEPTH: usize = 64;

/// Builds model types from schemas; see the module documentation.
pub struct TypeLowering<'a> {
    resolver: SchemaResolver<'a>,
    type_names: NameAllocator,
    /// Component name -> Rust type name.
    components: HashMap<&'a str, String>,
    /// Pointer of an inline schema -> Rust type name.
    inline: HashMap<String, String>,
    /// Pointer of a schema that a `$ref` reaches inside another one (not a component) -> the
    /// name it is given for its place, wherever it is met first.
    deep_names: HashMap<String, String>,
    /// Values of an inline string enum, as a set (sorted) -> Rust type name.
    inline_enums: HashMap<Vec<String>, String>,
    /// The name hints of every place a shared inline enum is used, to name it for what they
    /// have in common.
    enum_hints: HashMap<String, Vec<String>>,
    memberships: HashMap<&'a str, Membership<'a>>,
    types: Vec<TypeDef>,
    problems: Vec<Problem>,
    /// Places where the output only approximates the spec, with what was done instead.
    approximations: Vec<Problem>,
}

/// Fields gathered from a schema and its `allOf` members, in order of first appearance.
#[derive(Default)]
struct FieldSet {
    fields: Vec<Field>,
    index: HashMap<String, usize>,
    required: HashSet<String>,
}

impl FieldSet {
    /// Adds a field; a later definition of the same property replaces the earlier one in place.
    fn insert(&mut self, field: Field) {
        match self.index.get(&field.json_name) {
            Some(&i) => self.fields[i] = field,
            None => {
                self.index
                    .insert(field.json_name.clone(), self.fields.len());
                self.fields.push(field);
            }
        }
    }

    fn contains(&self, json_name: &str) -> bool {
        self.index.contains_key(json_name)
    }
}

impl<'a> TypeLowering<'a> {
    pub fn new(resolver: SchemaResolver<'a>) -> Self {
        let mut lowering = Self {
            resolver,
            type_names: NameAllocator::default(),
            components: HashMap::new(),
            inline: HashMap::new(),
            deep_names: HashMap::new(),
            inline_enums: HashMap::new(),
            enum_hints: HashMap::new(),
            memberships: HashMap::new(),
            types: Vec::new(),
            problems: Vec::new(),
            approximations: Vec::new(),
        };
        let Some(components) = resolver.document().components.as_ref() else {
            return lowering;
        };
        for name in components.schemas.keys() {
            let rust = lowering.type_names.claim(&naming::type_name(name));
            lowering.components.insert(name.as_str(), rust);
        }
        for (name, schema) in &components.schemas {
            lowering.record_memberships(name, schema);
        }
        lowering.name_deep_targets();
        lowering
    }

    /// Names every schema that a `$ref` reaches inside another one, by its place (see
    /// [`deep_type_name`](Self::deep_type_name)), before anything is lowered: so the type has
    /// that name whether a `$ref` or the walk through its owner meets it first.
    fn name_deep_targets(&mut self) {
        let mut targets = Vec::new();
        for_each_schema_ref(self.resolver.document(), |reference| {
            if SchemaResolver::schema_component_name(reference).is_none() {
                targets.push(reference);
            }
        });
        for reference in targets {
            if let Ok(resolved) = self.resolver.schema(SchemaRef::Ref(reference), "")
                && resolved.component.is_none()
                && !self.deep_names.contains_key(&resolved.pointer)
            {
                let name = self.deep_type_name(&resolved.pointer);
                self.deep_names.insert(resolved.pointer, name);
            }
        }
    }

    /// The name of a schema reached by a `$ref` to a place inside the document that is not a
    /// schema component: the owner of that place, then its steps inside the owner's schema
    /// ([`naming::pointer_type_name`]). The owner is a schema component by its type name; a
    /// parameter or header component by its name; a response or request body component as
    /// `<Name>Body`; an operation's parameter, body or response as its builder (from its
    /// operationId, or its method and path) and the parameter's name, `Body` or `Response`.
    fn deep_type_name(&self, pointer: &str) -> String {
        let tokens = pointer_tokens(pointer);
        let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
        // The steps inside the schema of a parameter, header, body or response: after its
        // `schema` (`content/<media type>/schema`, `headers/<name>/schema`).
        let inside = |rest: &'_ [&'_ str]| -> usize {
            rest.iter()
                .position(|t| *t == "schema")
                .map_or(rest.len(), |i| i + 1)
        };
        let document = self.resolver.document();
        let operation_name = |path: &str, method: &str| -> String {
            let id = document
                .paths
                .paths
                .get(path)
                .and_then(|item| item.as_item())
                .and_then(|item| item.iter().find(|(m, _)| *m == method))
                .and_then(|(_, operation)| operation.operation_id.clone())
                .unwrap_or_else(|| naming::operation_name(method, path));
            naming::type_name(&case::upper_camel(&id))
        };
        let parameter_name = |list: Option<&'a [ReferenceOr<openapiv3::Parameter>]>, i: &str| {
            list.and_then(|list| list.get(i.parse::<usize>().ok()?))
                .and_then(|p| self.resolver.parameter(p, "").ok())
                .map_or_else(
                    || format!("Parameter{i}"),
                    |(p, _)| case::upper_camel(&p.parameter_data_ref().name),
                )
        };
        let item = |path: &str| {
            document
                .paths
                .paths
                .get(path)
                .and_then(|item| item.as_item())
        };
        let (owner, steps): (String, &[&str]) = match tokens.as_slice() {
            ["components", "schemas", name, rest @ ..] => (
                self.components
                    .get(name)
                    .cloned()
                    .unwrap_or_else(|| naming::type_name(name)),
                rest,
            ),
            ["components", "parameters" | "headers", name, rest @ ..] => {
                (naming::type_name(name), &rest[inside(rest)..])
            }
            ["components", "responses" | "requestBodies", name, rest @ ..] => (
                naming::type_name(&format!("{}Body", case::upper_camel(name))),
                &rest[inside(rest)..],
            ),
            ["paths", path, "parameters", i, rest @ ..] => {
                let list = item(path).map(|item| item.parameters.as_slice());
                let owner = naming::type_name(&case::upper_camel(&naming::field_name(path)));
                (
                    format!("{owner}{}", parameter_name(list, i)),
                    &rest[inside(rest)..],
                )
            }
            ["paths", path, method, "parameters", i, rest @ ..] => {
                let list = item(path)
                    .and_then(|item| item.iter().find(|(m, _)| m == method))
                    .map(|(_, operation)| operation.parameters.as_slice());
                (
                    format!(
                        "{}{}",
                        operation_name(path, method),
                        parameter_name(list, i)
                    ),
                    &rest[inside(rest)..],
                )
            }
            ["paths", path, method, "requestBody", rest @ ..] => (
                format!("{}Body", operation_name(path, method)),
                &rest[inside(rest)..],
            ),
            ["paths", path, method, "responses", _, rest @ ..] => (
                format!("{}Response", operation_name(path, method)),
                &rest[inside(rest)..],
            ),
            other => (naming::type_name(&other.join(" ")), &[]),
        };
        naming::pointer_type_name(&owner, steps)
    }

    /// Lowers every component schema.
    pub fn lower_components(&mut self) {
        let Some(components) = self.resolver.document().components.as_ref() else {
            return;
        };
        for (name, schema) in &components.schemas {
            let at = pointer_join("/components/schemas", name);
            match self.resolver.schema(schema.into(), &at) {
                Ok(mut resolved) => {
                    // A component that is only a `$ref` to another is an alias of it.
                    if let ReferenceOr::Reference { .. } = schema {
                        let target = self.type_ref(schema.into(), name, &at);
                        let rust = self.components[name.as_str()].clone();
                        self.push_type(rust, at, None, false, TypeKind::Alias(target));
                        continue;
                    }
                    resolved.component = Some(name);
                    let rust = self.components[name.as_str()].clone();
                    self.define(rust, &resolved);
                }
                Err(problem) => self.problems.push(problem),
            }
        }
    }

    /// The types, errors and approximations found so far, and the renames of shared inline
    /// enums (first name -> the name for what their places have in common).
    pub fn finish(
        mut self,
    ) -> (
        Vec<TypeDef>,
        Vec<Problem>,
        Vec<Problem>,
        HashMap<String, String>,
    ) {
        let mut renames = HashMap::new();
        let mut shared: Vec<(&String, &Vec<String>)> = self.enum_hints.iter().collect();
        shared.sort();
        for (name, hints) in shared {
            let mut distinct = hints.clone();
            distinct.sort();
            distinct.dedup();
            if distinct.len() < 2 {
                continue;
            }
            let Some(wanted) = naming::shared_name(&distinct) else {
                continue;
            };
            if wanted != *name {
                renames.insert(name.clone(), self.type_names.claim(&wanted));
            }
        }
        (self.types, self.problems, self.approximations, renames)
    }

    /// The type of a component schema, by component name.
    pub fn component_type(&self, component: &str) -> Option<TypeRef> {
        self.components.get(component).cloned().map(TypeRef::Named)
    }

    /// Records an error: the spec cannot be generated as written.
    pub fn error(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    /// Whether a schema is marked open; a mark that is not `true` or `false` is an error.
    fn open(&mut self, shape: &Shape<'_>, at: &str) -> bool {
        match shape.data.extensions.get(OPEN) {
            None | Some(serde_json::Value::Bool(_)) => is_open(shape.data),
            Some(other) => {
                self.problems.push(Problem::new(
                    pointer_join(at, OPEN),
                    format!("{OPEN} must be true or false, not {other}"),
                ));
                false
            }
        }
    }

    /// The error for an open mark on a schema that is not a union.
    fn refuse_open(&mut self, at: &str) {
        self.problems.push(Problem::new(
            pointer_join(at, OPEN),
            format!(
                "{OPEN} marks a oneOf/anyOf or a discriminated union; to keep any other schema's value whole when it does not match, make it the member of a oneOf"
            ),
        ));
    }

    fn push_type(
        &mut self,
        name: String,
        source: String,
        doc: Option<String>,
        deprecated: bool,
        kind: TypeKind,
    ) {
        self.types.push(TypeDef {
            module: String::new(),
            name,
            source,
            doc,
            deprecated,
            kind,
            gate: crate::ir::Gate::Always,
        });
    }

    /// The Rust type for a schema position. Inline schemas that need a name are defined, named
    /// `hint`, the first time their pointer `at` is seen.
    pub fn type_ref(&mut self, schema: SchemaRef<'a>, hint: &str, at: &str) -> TypeRef {
        match schema {
            SchemaRef::Ref(reference) => {
                if let Some(name) = SchemaResolver::schema_component_name(reference) {
                    if let Some(rust) = self.components.get(name.as_str()) {
                        return TypeRef::Named(rust.clone());
                    }
                    self.problems.push(Problem::new(
                        at,
                        format!("$ref {reference:?} points to a schema that does not exist"),
                    ));
                    return TypeRef::Json;
                }
                // A place inside the document: the type of the schema there, by its pointer
                // (the same place is one type however it is reached), named for its place.
                let hop = self
                    .resolver
                    .schema(schema, at)
                    .and_then(|_| self.resolver.schema_hop(reference, at));
                match hop {
                    Ok((SchemaRef::Inline(target), pointer, _)) => {
                        let name = self.deep_name(&pointer);
                        self.inline_type(target, &name, &pointer)
                    }
                    Ok((target, pointer, _)) => self.type_ref(target, hint, &pointer),
                    Err(problem) => {
                        self.problems.push(problem);
                        TypeRef::Json
                    }
                }
            }
            SchemaRef::Inline(schema) => self.inline_type(schema, hint, at),
        }
    }

    /// The name of the schema at `pointer`, reached by a `$ref` inside another schema.
    fn deep_name(&mut self, pointer: &str) -> String {
        if let Some(name) = self.deep_names.get(pointer) {
            return name.clone();
        }
        let name = self.deep_type_name(pointer);
        self.deep_names.insert(pointer.to_string(), name.clone());
        name
    }

    fn inline_type(&mut self, schema: &'a Schema, hint: &str, at: &str) -> TypeRef {
        let shape = Shape::of(schema);
        // A lone `allOf`/`oneOf`/`anyOf` member (often a `$ref` wrapped to add a description)
        // is that member; an open `oneOf`/`anyOf` of one member is a union with `Unknown`. A
        // `type: "null"` member only makes the place nullable (`admits_null`): `anyOf: [{type:
        // string}, {type: "null"}]` is a nullable string.
        if !shape.has_properties() && shape.data.discriminator.is_none() && !is_open(shape.data) {
            let one = self.value_members(shape.one_of);
            let any = self.value_members(shape.any_of);
            let lone = match (shape.all_of, one.as_slice(), any.as_slice()) {
                ([member], [], []) => Some((0, member, "allOf")),
                ([], [(i, member)], []) => Some((*i, *member, "oneOf")),
                ([], [], [(i, member)]) => Some((*i, *member, "anyOf")),
                _ => None,
            };
            if let Some((i, member, keyword)) = lone {
                let at = format!("{at}/{keyword}/{i}");
                return self.type_ref(member.into(), hint, &at);
            }
            let nulls_only = shape.all_of.is_empty()
                && one.is_empty()
                && any.is_empty()
                && !(shape.one_of.is_empty() && shape.any_of.is_empty());
            if nulls_only {
                self.approximations.push(Problem::new(
                    at,
                    "oneOf/anyOf whose only members are `type: \"null\"`: any JSON value is accepted",
                ));
                return TypeRef::Json;
            }
        }
        if self.needs_name(&shape) {
            if let Some(name) = self.inline.get(at) {
                return TypeRef::Named(name.clone());
            }
            // Inline enums with the same values are one type: Atlas repeats its region and
            // role lists in many schemas.
            let enum_key = self.plain_enum_key(&shape);
            if let Some(name) = enum_key.as_ref().and_then(|key| self.inline_enums.get(key)) {
                let name = name.clone();
                self.inline.insert(at.to_string(), name.clone());
                self.enum_hints
                    .entry(name.clone())
                    .or_default()
                    .push(naming::type_name(hint));
                return TypeRef::Named(name);
            }
            let wanted = match self.deep_names.get(at) {
                Some(name) => name.clone(),
                None => naming::type_name(hint),
            };
            let name = self.type_names.claim(&wanted);
            if let Some(key) = enum_key {
                self.inline_enums.insert(key, name.clone());
                self.enum_hints
                    .insert(name.clone(), vec![naming::type_name(hint)]);
            }
            self.inline.insert(at.to_string(), name.clone());
            let resolved = ResolvedSchema {
                schema,
                pointer: at.to_string(),
                component: None,
            };
            self.define(name.clone(), &resolved);
            return TypeRef::Named(name);
        }
        if self.open(&shape, at) {
            self.refuse_open(at);
        }
        self.unnamed_type(&shape, hint, at)
    }

    /// The identity of an inline schema that is only a string enum: its set of values (the
    /// same values in another order are the same enum).
    fn plain_enum_key(&self, shape: &Shape<'_>) -> Option<Vec<String>> {
        let plain = shape.data.discriminator.is_none()
            && shape.one_of.is_empty()
            && shape.any_of.is_empty()
            && shape.all_of.is_empty()
            && !shape.has_properties();
        let mut values = plain.then(|| self.string_enum_values(shape)).flatten()?;
        values.sort();
        values.dedup();
        Some(values)
    }

    /// Whether an inline schema becomes a named type (rather than a primitive or container).
    fn needs_name(&self, shape: &Shape<'_>) -> bool {
        shape.data.discriminator.is_some()
            || self.value_members(shape.one_of).len() > 1
            || self.value_members(shape.any_of).len() > 1
            || (is_open(shape.data) && !(shape.one_of.is_empty() && shape.any_of.is_empty()))
            || !shape.all_of.is_empty()
            || shape.has_properties()
            || self.string_enum_values(shape).is_some()
    }

    /// Primitives, arrays, maps and free-form values.
    fn unnamed_type(&mut self, shape: &Shape<'a>, hint: &str, at: &str) -> TypeRef {
        if shape.has_not {
            self.approximations.push(Problem::new(
                at,
                "`not` schemas cannot be expressed as a Rust type; any JSON value is accepted",
            ));
            return TypeRef::Json;
        }
        match shape.typ {
            Some("string") => match shape.format.as_deref() {
                Some("date-time") => TypeRef::DateTime,
                Some("date") => TypeRef::Date,
                Some("binary") => TypeRef::File,
                _ => TypeRef::String,
            },
            Some("integer") => TypeRef::Int(match shape.format.as_deref() {
                Some("int32") => IntKind::I32,
                Some("uint32") => IntKind::U32,
                Some("uint64") => IntKind::U64,
                _ => IntKind::I64,
            }),
            Some("number") => TypeRef::Float,
            Some("boolean") => TypeRef::Bool,
            Some("array") => match shape.items {
                Some(items) => {
                    let at = format!("{at}/items");
                    let item = self.nullable_type_ref(items.into(), &format!("{hint}Item"), &at);
                    TypeRef::List(Box::new(item))
                }
                None => TypeRef::List(Box::new(TypeRef::Json)),
            },
            // An object that constrains nothing is any JSON: the Atlas spec calls documents
            // whose values are strings and numbers "objects of objects" (`BasicDBObject`).
            Some("object") | None if is_free_form(shape) => TypeRef::Json,
            Some("object") | None if shape.additional.is_some() => match shape.additional {
                Some(AdditionalProperties::Schema(schema)) => {
                    let at = format!("{at}/additionalProperties");
                    let value = self.nullable_type_ref(
                        schema.as_ref().into(),
                        &format!("{hint}Value"),
                        &at,
                    );
                    TypeRef::Map(Box::new(value))
                }
                _ => TypeRef::JsonObject,
            },
            None => TypeRef::Json,
            // JSON Schema's null type (OpenAPI 3.1), which 3.0 specs borrow: as a member of a
            // `oneOf`/`anyOf` it makes the place nullable; alone, only `null` is valid.
            Some("null") => {
                self.approximations.push(Problem::new(
                    at,
                    "`type: \"null\"` outside a oneOf/anyOf (OpenAPI 3.0 has no null type; 3.1 does): any JSON value is accepted",
                ));
                TypeRef::Json
            }
            Some(other) => {
                self.problems.push(Problem::new(
                    at,
                    format!("unknown schema type {other:?}; expected string, integer, number, boolean, array or object"),
                ));
                TypeRef::Json
            }
        }
    }

    /// Like [`type_ref`](Self::type_ref), wrapping in `Nullable` when the schema is nullable;
    /// for list items and map values, where `Option` has no field to hang on.
    fn nullable_type_ref(&mut self, schema: SchemaRef<'a>, hint: &str, at: &str) -> TypeRef {
        let nullable = self
            .resolver
            .schema(schema, at)
            .is_ok_and(|r| self.admits_null(r.schema));
        let ty = self.type_ref(schema, hint, at);
        if nullable && ty != TypeRef::Json {
            TypeRef::Nullable(Box::new(ty))
        } else {
            ty
        }
    }

    /// The values of a string enum, without `null` and without placeholders such as
    /// `<a custom role name>` (which stand for "any other value" and are covered by `Unknown`).
    fn string_enum_values(&self, shape: &Shape<'_>) -> Option<Vec<String>> {
        if shape.typ != Some("string") || shape.enumeration.is_empty() {
            return None;
        }
        let values: Vec<String> = shape
            .enumeration
            .iter()
            .filter_map(|v| v.as_str())
            .filter(|v| !is_placeholder(v))
            .map(str::to_string)
            .collect();
        (!values.is_empty()).then_some(values)
    }

    /// Defines the named type for a schema.
    fn define(&mut self, name: String, resolved: &ResolvedSchema<'a>) {
        let shape = Shape::of(resolved.schema);
        let at = resolved.pointer.as_str();
        let doc = describe(resolved.schema);
        let deprecated = shape.data.deprecated;
        let open = self.open(&shape, at);
        let kind = if let Some(discriminator) = &shape.data.discriminator
            && (!shape.one_of.is_empty() || !discriminator.mapping.is_empty())
        {
            self.tagged_union(&name, resolved, &shape)
        } else if resolved
            .component
            .is_some_and(|c| self.memberships.contains_key(c))
        {
            TypeKind::Struct(self.object(&name, resolved))
        } else if (!shape.one_of.is_empty() || !shape.any_of.is_empty())
            && shape.is_constraint_only()
        {
            // `oneOf: [{required: [a]}, {required: [b]}]` only says which fields must be
            // present together: the value is the object itself.
            self.approximations.push(Problem::new(
                at,
                "oneOf/anyOf of required-lists is not checked; the object's properties are generated",
            ));
            TypeKind::Struct(self.object(&name, resolved))
        } else if !shape.one_of.is_empty() || !shape.any_of.is_empty() {
            if shape.has_properties() {
                self.union_with_properties(&name, resolved, &shape)
            } else {
                self.untagged_union(&name, resolved, &shape)
            }
        } else if !shape.all_of.is_empty() || shape.has_properties() {
            if shape.all_of.len() == 1 && !shape.has_properties() {
                TypeKind::Alias(self.type_ref(
                    (&shape.all_of[0]).into(),
                    &name,
                    &format!("{at}/allOf/0"),
                ))
            } else {
                TypeKind::Struct(self.object(&name, resolved))
            }
        } else if let Some(values) = self.string_enum_values(&shape) {
            TypeKind::Enum(string_enum(&values))
        } else {
            TypeKind::Alias(self.unnamed_type(&shape, &name, at))
        };
        // Only a union can keep what it does not know as `Unknown`; a struct's own place for
        // that is `unknown_fields`. (A struct with a flattened union gave the mark to it.)
        let union = match &kind {
            TypeKind::Tagged(_) | TypeKind::Untagged(_) => true,
            TypeKind::Struct(s) => s.fields.iter().any(|f| f.flatten),
            _ => false,
        };
        if open && !union {
            self.refuse_open(at);
        }
        self.push_type(name, resolved.pointer.clone(), doc, deprecated, kind);
    }

    /// A struct from an object schema, its `allOf` members and, for a union variant, the
    /// union's own properties.
    fn object(&mut self, name: &str, resolved: &ResolvedSchema<'a>) -> Struct {
        let membership = resolved
            .component
            .and_then(|c| self.memberships.get(c))
            .cloned();
        self.object_without(name, resolved, membership)
    }

    /// A struct for an object schema; for a union variant (`membership`), with the union's
    /// properties and without its discriminator.
    fn object_without(
        &mut self,
        name: &str,
        resolved: &ResolvedSchema<'a>,
        membership: Option<Membership<'a>>,
    ) -> Struct {
        let mut set = FieldSet::default();
        let mut visiting = Vec::new();
        let skip = membership.as_ref().map(|m| m.tag);
        self.collect_fields(resolved, name, skip, &mut set, &mut visiting);
        if let Some(parent_component) = membership.as_ref().and_then(|m| m.parent)
            && let Some(parent) = self.resolver.component_schema(parent_component)
        {
            let parent_name = self.components[parent_component].clone();
            let mut inherited = FieldSet::default();
            self.collect_fields(&parent, &parent_name, skip, &mut inherited, &mut visiting);
            for field in inherited.fields {
                if !set.contains(&field.json_name) {
                    set.insert(field);
                }
            }
            set.required.extend(inherited.required);
        }
        let mut field_names = NameAllocator::default();
        let mut fields = set.fields;
        for field in &mut fields {
            field.required = set.required.contains(&field.json_name);
            field.name = field_names.claim_snake(&field.name);
        }
        Struct {
            fields,
            derive_default: false,
            // Claimed after the spec's own fields, which keep their names.
            unknown_fields: Some(field_names.claim_snake(UNKNOWN_FIELDS)),
            tag: skip.map(str::to_string),
        }
    }

    /// Gathers the properties of a schema and its `allOf` members into `set`; the property
    /// `skip` (a union's discriminator, which the variant itself encodes) is left out.
    fn collect_fields(
        &mut self,
        resolved: &ResolvedSchema<'a>,
        owner: &str,
        skip: Option<&str>,
        set: &mut FieldSet,
        visiting: &mut Vec<String>,
    ) {
        if visiting.contains(&resolved.pointer) {
            self.approximations.push(Problem::new(
                resolved.pointer.clone(),
                "allOf includes itself; the repeated members are skipped",
            ));
            return;
        }
        if visiting.len() >= MAX_ALL_OF_DEPTH {
            self.problems.push(Problem::new(
                resolved.pointer.clone(),
                format!("allOf nests more than {MAX_ALL_OF_DEPTH} schemas deep; flatten the chain"),
            ));
            return;
        }
        visiting.push(resolved.pointer.clone());
        let shape = Shape::of(resolved.schema);
        for (i, member) in shape.all_of.iter().enumerate() {
            let at = format!("{}/allOf/{i}", resolved.pointer);
            let member = match self.resolver.schema(member.into(), &at) {
                Ok(member) => member,
                Err(problem) => {
                    self.problems.push(problem);
                    continue;
                }
            };
            let member_shape = Shape::of(member.schema);
            // Properties are named after the component that has them; those of a member that
            // `$ref`s reach from elsewhere, after that member's place.
            let member_owner = match member.component.and_then(|c| self.components.get(c)) {
                Some(rust) => rust.clone(),
                None => match self.deep_names.get(&member.pointer) {
                    Some(name) => name.clone(),
                    None => owner.to_string(),
                },
            };
            // A union reached through `allOf` from one of its own members (the circular form
            // without a discriminator) contributes its properties only, like a tagged one.
            let is_own_union = resolved.component.is_some_and(|own| {
                member_shape.one_of.iter().chain(member_shape.any_of).any(|m| {
                    matches!(m, ReferenceOr::Reference { reference } if reference.rsplit('/').next() == Some(own))
                })
            });
            if member_shape.data.discriminator.is_none()
                && (!member_shape.one_of.is_empty() || !member_shape.any_of.is_empty())
                && !member_shape.is_constraint_only()
                && !is_own_union
            {
                self.approximations.push(Problem::new(
                    at.clone(),
                    "allOf member is a oneOf/anyOf without a discriminator; only its properties are merged",
                ));
            }
            self.collect_fields(&member, &member_owner, skip, set, visiting);
        }
        if let Some(properties) = shape.properties {
            for (json_name, property) in properties {
                if Some(json_name.as_str()) == skip {
                    continue;
                }
                let at = pointer_join(&format!("{}/properties", resolved.pointer), json_name);
                let field = self.field(json_name, property.into(), owner, &at);
                set.insert(field);
            }
        }
        set.required.extend(shape.required.iter().cloned());
        visiting.pop();
    }

    fn field(&mut self, json_name: &str, schema: SchemaRef<'a>, owner: &str, at: &str) -> Field {
        let hint = naming::derived_type_name(owner, json_name);
        let resolved = self.resolver.schema(schema, at).ok();
        let inline_data = match schema {
            SchemaRef::Inline(schema) => Some(&schema.schema_data),
            SchemaRef::Ref(_) => None,
        };
        let data = resolved.as_ref().map(|r| &r.schema.schema_data);
        let flag = |get: fn(&openapiv3::SchemaData) -> bool| {
            inline_data.is_some_and(get) || data.is_some_and(get)
        };
        let doc = match schema {
            SchemaRef::Inline(schema) => describe(schema),
            SchemaRef::Ref(_) => resolved.as_ref().and_then(|r| describe(r.schema)),
        };
        let default = inline_data
            .and_then(|d| d.default.clone())
            .or_else(|| data.and_then(|d| d.default.clone()));
        let ty = self.type_ref(schema, &hint, at);
        // The resolved schema is the inline one itself when there is no `$ref`.
        let password = resolved
            .as_ref()
            .is_some_and(|r| Shape::of(r.schema).format.as_deref() == Some("password"));
        let sensitive = flag(|d| d.write_only) || password;
        Field {
            name: naming::field_name(json_name),
            json_name: json_name.to_string(),
            ty,
            required: false,
            nullable: flag(|d| d.nullable)
                || resolved
                    .as_ref()
                    .is_some_and(|r| self.admits_null(r.schema)),
            boxed: false,
            flatten: false,
            doc,
            deprecated: flag(|d| d.deprecated),
            read_only: flag(|d| d.read_only),
            write_only: flag(|d| d.write_only),
            explicit_null: false,
            optional_in_responses: flag(|d| {
                d.extensions.get("x-optional-in-responses") == Some(&serde_json::Value::Bool(true))
            }),
            sensitive,
            default,
        }
    }
}

impl<'a> TypeLowering<'a> {
    /// Whether a `oneOf`/`anyOf` member is `type: "null"`, inline or behind `$ref`s.
    fn is_null_member(&self, member: &'a ReferenceOr<Schema>) -> bool {
        match member {
            ReferenceOr::Item(schema) => is_null_type(schema),
            ReferenceOr::Reference { .. } => self
                .resolver
                .schema(member.into(), "")
                .is_ok_and(|r| is_null_type(r.schema)),
        }
    }

    /// The members of a `oneOf`/`anyOf` that are not `type: "null"`, with their indexes.
    pub(super) fn value_members(
        &self,
        members: &'a [ReferenceOr<Schema>],
    ) -> Vec<(usize, &'a ReferenceOr<Schema>)> {
        members
            .iter()
            .enumerate()
            .filter(|(_, m)| !self.is_null_member(m))
            .collect()
    }

    /// Whether a schema admits `null`: `nullable: true`, or a `oneOf`/`anyOf` with a
    /// `type: "null"` member.
    fn admits_null(&self, schema: &'a Schema) -> bool {
        let (one_of, any_of): (&'a [ReferenceOr<Schema>], &'a [ReferenceOr<Schema>]) =
            match &schema.schema_kind {
                openapiv3::SchemaKind::OneOf { one_of } => (one_of, &[]),
                openapiv3::SchemaKind::AnyOf { any_of } => (&[], any_of),
                openapiv3::SchemaKind::Any(any) => (&any.one_of, &any.any_of),
                _ => (&[], &[]),
            };
        schema.schema_data.nullable || one_of.iter().chain(any_of).any(|m| self.is_null_member(m))
    }
}

/// Whether a schema is JSON Schema's `type: "null"`.
fn is_null_type(schema: &Schema) -> bool {
    match &schema.schema_kind {
        openapiv3::SchemaKind::Any(any) => any.typ.as_deref() == Some("null"),
        _ => false,
    }
}

/// Whether a schema says nothing of its values: no properties, no choice, no enum, and at most
/// `additionalProperties` that are themselves free-form (`true`, `{}`, or an object schema
/// without properties). Such a schema, object or not, is generated as any JSON value.
fn is_free_form(shape: &Shape<'_>) -> bool {
    let plain = shape.data.discriminator.is_none()
        && shape.one_of.is_empty()
        && shape.any_of.is_empty()
        && shape.all_of.is_empty()
        && !shape.has_not
        && shape.enumeration.is_empty()
        && shape.items.is_none()
        && !shape.has_properties()
        && matches!(shape.typ, None | Some("object"));
    plain
        && match shape.additional {
            None | Some(AdditionalProperties::Any(true)) => true,
            Some(AdditionalProperties::Any(false)) => false,
            Some(AdditionalProperties::Schema(schema)) => match schema.as_ref() {
                ReferenceOr::Item(inner) => is_free_form(&Shape::of(inner)),
                ReferenceOr::Reference { .. } => false,
            },
        }
}

/// Whether a schema is marked open (`x-atlas-open: true`).
fn is_open(data: &openapiv3::SchemaData) -> bool {
    data.extensions.get(OPEN) == Some(&serde_json::Value::Bool(true))
}

/// The description of a schema, falling back to its title.
fn describe(schema: &Schema) -> Option<String> {
    let data = &schema.schema_data;
    data.description
        .as_deref()
        .or(data.title.as_deref())
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_string)
}

/// Whether an enum value is a placeholder for "any other value", like `<a custom role name>`.
fn is_placeholder(value: &str) -> bool {
    value.len() > 2 && value.starts_with('<') && value.ends_with('>')
}

/// The catch-all variant of enums and unions is `Unknown`; a value named so is `UnknownValue`.
fn unknown_safe(name: String) -> String {
    if name == "Unknown" {
        "UnknownValue".to_string()
    } else {
        name
    }
}

fn string_enum(values: &[String]) -> StringEnum {
    let mut names = NameAllocator::with_reserved(["unknown"]);
    let mut seen = HashSet::new();
    let variants = values
        .iter()
        .filter(|v| seen.insert(v.as_str()))
        .map(|value| EnumVariant {
            name: names.claim(&unknown_safe(naming::variant_name(value))),
            value: value.clone(),
        })
        .collect();
    StringEnum { variants }
}
