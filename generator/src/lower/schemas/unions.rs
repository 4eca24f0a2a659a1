//! Unions: a schema with a `discriminator` is a tagged union, one with `oneOf`/`anyOf` and
//! no discriminator an untagged one (the parent module's documentation says how each is
//! shaped).

use std::collections::HashSet;

use openapiv3::{ReferenceOr, Schema};
use serde_json::Value;

use super::{TypeLowering, describe, is_open, unknown_safe};
use crate::error::Problem;
use crate::ir::{
    Field, TaggedUnion, TaggedVariant, TypeKind, TypeRef, UntaggedUnion, UntaggedVariant,
};
use crate::lower::naming::{self, NameAllocator};
use crate::lower::shape::Shape;
use crate::resolve::{
    ResolvedSchema, SchemaRef, component_tokens, pointer_join, pointer_of, reference_tokens,
};

/// The tagged union a component schema is a variant of.
#[derive(Clone, Debug)]
pub(super) struct Membership<'a> {
    /// The union component; `None` for an inline variant, which has no properties to inherit.
    pub(super) parent: Option<&'a str>,
    pub(super) tag: &'a str,
}

/// A variant of a discriminated union before it has a Rust name.
struct VariantSource<'a> {
    value: String,
    target: VariantTarget<'a>,
    at: String,
}

enum VariantTarget<'a> {
    /// A component schema, by name.
    Component(&'a str),
    Inline(&'a Schema),
    /// A reference to a schema that does not exist.
    Dangling(String),
}

impl<'a> TypeLowering<'a> {
    /// Records, for each variant of a discriminated component, which union it belongs to.
    pub(super) fn record_memberships(&mut self, name: &'a str, schema: &'a ReferenceOr<Schema>) {
        let ReferenceOr::Item(schema) = schema else {
            return;
        };
        let shape = Shape::of(schema);
        let Some(discriminator) = &shape.data.discriminator else {
            return;
        };
        let at = pointer_join("/components/schemas", name);
        for variant in self.variant_sources(&shape, &at) {
            let VariantTarget::Component(child) = variant.target else {
                continue;
            };
            match self.memberships.get(child) {
                // A child of two unions with the same tag (and so the same struct) is fine.
                Some(existing)
                    if existing.parent != Some(name)
                        && existing.tag != discriminator.property_name =>
                {
                    let first = existing.parent.unwrap_or_default();
                    let problem = Problem::new(
                        pointer_join("/components/schemas", child),
                        format!(
                            "schema is a variant of two discriminated unions with different tags ({first} and {name}); its struct is generated for {first}"
                        ),
                    );
                    if !self.approximations.contains(&problem) {
                        self.approximations.push(problem);
                    }
                }
                Some(_) => {}
                None => {
                    self.memberships.insert(
                        child,
                        Membership {
                            parent: Some(name),
                            tag: &discriminator.property_name,
                        },
                    );
                }
            }
        }
    }

    /// The variants of a discriminated schema: `oneOf` members in order (with their mapping
    /// values, or the schema name when the mapping has none), then mapping entries that name
    /// schemas not in `oneOf`.
    fn variant_sources(&self, shape: &Shape<'a>, at: &str) -> Vec<VariantSource<'a>> {
        let Some(discriminator) = &shape.data.discriminator else {
            return Vec::new();
        };
        // Mapping targets are `$ref`s or bare schema names. A `$ref` names a component, or
        // any schema in the document by its pointer (`#/...`): its identity, to match members
        // and mapping entries, is the component's name or the canonical pointer.
        let target_name = |target: &str| -> String {
            if !target.starts_with('#') {
                return target.to_string();
            }
            match reference_tokens(target) {
                Ok(tokens) => match component_tokens(&tokens) {
                    Some(("schemas", name)) => name.to_string(),
                    _ => format!("#{}", pointer_of(&tokens)),
                },
                Err(_) => target.to_string(),
            }
        };
        let component = |target: &'a str| -> (VariantTarget<'a>, Option<String>) {
            let name = target_name(target);
            if let Some((key, _)) = self.components.get_key_value(name.as_str()) {
                return (VariantTarget::Component(key), None);
            }
            if target.starts_with('#') && !name.starts_with('#') {
                return (VariantTarget::Dangling(target.to_string()), None);
            }
            // A schema inside the document: the component it leads to, or the schema itself,
            // a variant of its own at its place.
            match self.resolver.schema(SchemaRef::Ref(target), "") {
                Ok(ResolvedSchema {
                    component: Some(key),
                    ..
                }) => (VariantTarget::Component(key), None),
                Ok(resolved) if target.starts_with('#') => (
                    VariantTarget::Inline(resolved.schema),
                    Some(resolved.pointer),
                ),
                _ => (VariantTarget::Dangling(target.to_string()), None),
            }
        };
        let (members, keyword) = if shape.one_of.is_empty() {
            (shape.any_of, "anyOf")
        } else {
            (shape.one_of, "oneOf")
        };
        let mut sources = Vec::new();
        let mut covered = HashSet::new();
        // A `type: "null"` member makes the union nullable where it is used; it is no variant.
        for (i, member) in self.value_members(members) {
            let member_at = format!("{at}/{keyword}/{i}");
            match member {
                ReferenceOr::Reference { reference } => {
                    let name = target_name(reference);
                    let values: Vec<&String> = discriminator
                        .mapping
                        .iter()
                        .filter(|(_, target)| target_name(target) == name)
                        .map(|(value, _)| value)
                        .collect();
                    let implicit = [name.clone()];
                    let values: Vec<&String> = if values.is_empty() {
                        implicit.iter().collect()
                    } else {
                        values
                    };
                    for value in values {
                        let (target, place) = component(reference);
                        sources.push(VariantSource {
                            value: value.clone(),
                            target,
                            at: place.unwrap_or_else(|| member_at.clone()),
                        });
                    }
                    covered.insert(name);
                }
                ReferenceOr::Item(schema) => {
                    // A mapping entry may name an inline member by its pointer.
                    let own = format!("#{member_at}");
                    let value = discriminator
                        .mapping
                        .iter()
                        .find(|(_, target)| target_name(target) == own)
                        .map(|(value, _)| value.clone())
                        .or_else(|| inline_tag_value(schema, &discriminator.property_name));
                    sources.push(VariantSource {
                        value: value.unwrap_or_default(),
                        target: VariantTarget::Inline(schema),
                        at: member_at,
                    });
                    covered.insert(own);
                }
            }
        }
        for (value, target) in &discriminator.mapping {
            // A value a member already selects is that member's (the first).
            let taken = sources.iter().any(|s| &s.value == value);
            if !taken && !covered.contains(&target_name(target)) {
                let (target, place) = component(target);
                sources.push(VariantSource {
                    value: value.clone(),
                    target,
                    at: place.unwrap_or_else(|| {
                        pointer_join(&format!("{at}/discriminator/mapping"), value)
                    }),
                });
            }
        }
        sources
    }

    pub(super) fn tagged_union(
        &mut self,
        name: &str,
        resolved: &ResolvedSchema<'a>,
        shape: &Shape<'a>,
    ) -> TypeKind {
        let discriminator = shape
            .data
            .discriminator
            .as_ref()
            .expect("checked by caller");
        let at = resolved.pointer.as_str();
        let mut variant_names = NameAllocator::with_reserved(["unknown"]);
        let mut variants = Vec::new();
        for source in self.variant_sources(shape, at) {
            if source.value.is_empty() {
                self.problems.push(Problem::new(
                    source.at,
                    format!(
                        "inline variant of a discriminated union has no single `{}` enum value to select it",
                        discriminator.property_name
                    ),
                ));
                continue;
            }
            let variant_name =
                variant_names.claim(&unknown_safe(naming::variant_name(&source.value)));
            let ty = match source.target {
                VariantTarget::Component(component) => {
                    let is_object = self.resolver.component_schema(component).is_some_and(|c| {
                        let shape = Shape::of(c.schema);
                        shape.is_object() || !shape.all_of.is_empty()
                    });
                    if !is_object {
                        self.problems.push(Problem::new(
                            source.at,
                            format!("variant schema {component:?} of a discriminated union is not an object schema"),
                        ));
                        continue;
                    }
                    self.components[component].clone()
                }
                VariantTarget::Dangling(target) => {
                    self.problems.push(Problem::new(
                        source.at,
                        format!("discriminator names schema {target:?}, which does not exist"),
                    ));
                    continue;
                }
                VariantTarget::Inline(schema) => {
                    // An inline variant is a struct of its own, named after the union and value.
                    if let Some(existing) = self.inline.get(&source.at) {
                        existing.clone()
                    } else {
                        let variant_type = self.type_names.claim(&format!("{name}{variant_name}"));
                        self.inline.insert(source.at.clone(), variant_type.clone());
                        let resolved_variant = ResolvedSchema {
                            schema,
                            pointer: source.at.clone(),
                            component: None,
                        };
                        let inline_membership = Membership {
                            parent: None,
                            tag: &discriminator.property_name,
                        };
                        let object = self.object_without(
                            &variant_type,
                            &resolved_variant,
                            Some(inline_membership),
                        );
                        self.push_type(
                            variant_type.clone(),
                            source.at.clone(),
                            describe(schema),
                            schema.schema_data.deprecated,
                            TypeKind::Struct(object),
                        );
                        variant_type
                    }
                }
            };
            variants.push(TaggedVariant {
                name: variant_name,
                value: source.value,
                ty,
                boxed: false,
            });
        }
        let default = shape.tag_default(&discriminator.property_name, |value| {
            variants.iter().any(|v| v.value == value)
        });
        TypeKind::Tagged(TaggedUnion {
            tag: discriminator.property_name.clone(),
            default,
            variants,
            open: is_open(shape.data),
        })
    }

    fn union_members(shape: &Shape<'a>) -> (&'a [ReferenceOr<Schema>], &'static str) {
        if shape.one_of.is_empty() {
            (shape.any_of, "anyOf")
        } else {
            (shape.one_of, "oneOf")
        }
    }

    pub(super) fn untagged_union(
        &mut self,
        name: &str,
        resolved: &ResolvedSchema<'a>,
        shape: &Shape<'a>,
    ) -> TypeKind {
        let at = resolved.pointer.as_str();
        if !shape.one_of.is_empty() && !shape.any_of.is_empty() {
            self.approximations.push(Problem::new(
                at,
                "schema has both oneOf and anyOf; only oneOf is generated",
            ));
        }
        let (members, keyword) = Self::union_members(shape);
        // One member besides `type: "null"` is that member, nullable where it is used.
        if let [(i, member)] = self.value_members(members).as_slice()
            && members.len() > 1
            && !is_open(shape.data)
        {
            let member_at = format!("{at}/{keyword}/{i}");
            return TypeKind::Alias(self.type_ref((*member).into(), name, &member_at));
        }
        self.untagged_variants(
            name,
            members,
            &format!("{at}/{keyword}"),
            is_open(shape.data),
        )
    }

    /// An untagged union of `members` (at `at`, the pointer of the member list); `open` when
    /// a value none of them decodes is kept as `Unknown`.
    fn untagged_variants(
        &mut self,
        name: &str,
        members: &'a [ReferenceOr<Schema>],
        at: &str,
        open: bool,
    ) -> TypeKind {
        let mut variant_names = NameAllocator::with_reserved(["unknown"]);
        let mut variants = Vec::new();
        // `type: "null"` members make the union nullable where it is used; they are no variant.
        let values = self.value_members(members);
        for (position, (i, member)) in values.into_iter().enumerate() {
            let member_at = format!("{at}/{i}");
            // A component keeps its type name; an inline member is named by its title or kind.
            let ty = match member {
                ReferenceOr::Reference { .. } => self.type_ref(member.into(), name, &member_at),
                ReferenceOr::Item(schema) => {
                    let kind = match &schema.schema_data.title {
                        Some(title) => naming::variant_name(title),
                        None if Shape::of(schema).is_object() => "Object".to_string(),
                        None => format!("Variant{}", position + 1),
                    };
                    self.type_ref(member.into(), &format!("{name}{kind}"), &member_at)
                }
            };
            let wanted = match (&ty, member) {
                (TypeRef::Named(n), ReferenceOr::Reference { .. }) => n.clone(),
                // An inline member named `{name}{kind}` is the variant `{kind}`. What follows
                // the union's name must start a word: a member that is another type (`AB2`,
                // behind an `allOf` of `AB`'s namesake) keeps its whole name, not `2`.
                (TypeRef::Named(n), ReferenceOr::Item(_)) => n
                    .strip_prefix(name)
                    .filter(|s| s.starts_with(|c: char| c.is_ascii_uppercase()))
                    .unwrap_or(n)
                    .to_string(),
                (other, _) => primitive_variant_name(other).to_string(),
            };
            variants.push(UntaggedVariant {
                name: variant_names.claim(&unknown_safe(wanted)),
                ty,
                boxed: false,
            });
        }
        TypeKind::Untagged(UntaggedUnion { variants, open })
    }

    /// Properties beside a `oneOf`/`anyOf` without a discriminator: the value has the
    /// properties and is one of the members. Members that already have every property (the
    /// usual way Atlas writes it) make a plain untagged union; otherwise the properties some
    /// member lacks are a struct of their own, with the union flattened into it.
    pub(super) fn union_with_properties(
        &mut self,
        name: &str,
        resolved: &ResolvedSchema<'a>,
        shape: &Shape<'a>,
    ) -> TypeKind {
        let at = resolved.pointer.as_str();
        let (members, keyword) = Self::union_members(shape);
        let member_properties: Vec<HashSet<String>> = self
            .value_members(members)
            .into_iter()
            .map(|(i, m)| self.property_names(m.into(), &format!("{at}/{keyword}/{i}")))
            .collect();
        let parent: Vec<&String> = shape
            .properties
            .map(|p| p.keys().collect())
            .unwrap_or_default();
        let lacking: HashSet<&str> = parent
            .iter()
            .filter(|p| member_properties.iter().any(|m| !m.contains(p.as_str())))
            .map(|p| p.as_str())
            .collect();
        let open = is_open(shape.data);
        if lacking.is_empty() {
            return self.untagged_variants(name, members, &format!("{at}/{keyword}"), open);
        }
        let union_name = self.type_names.claim(&format!("{name}Variant"));
        let union_at = format!("{at}/{keyword}");
        let union = self.untagged_variants(&union_name, members, &union_at, open);
        self.push_type(
            union_name.clone(),
            union_at,
            Some(format!(
                "The part of `{name}` that is one of several shapes."
            )),
            false,
            union,
        );
        let mut object = self.object(name, resolved);
        object
            .fields
            .retain(|f| lacking.contains(f.json_name.as_str()));
        // The flattened union's structs keep what neither knows.
        object.unknown_fields = None;
        object.fields.push(Field {
            name: "variant".to_string(),
            json_name: String::new(),
            ty: TypeRef::Named(union_name),
            required: true,
            nullable: false,
            boxed: false,
            flatten: true,
            doc: Some("The fields of the shape this value has.".to_string()),
            deprecated: false,
            read_only: false,
            write_only: false,
            optional_in_responses: false,
            explicit_null: false,
            sensitive: false,
            default: None,
        });
        TypeKind::Struct(object)
    }

    /// The property names of an object schema and its `allOf` members.
    fn property_names(&self, schema: SchemaRef<'a>, at: &str) -> HashSet<String> {
        let mut names = HashSet::new();
        let mut stack = vec![(schema, at.to_string())];
        let mut seen = HashSet::new();
        while let Some((schema, at)) = stack.pop() {
            let Ok(resolved) = self.resolver.schema(schema, &at) else {
                continue;
            };
            if !seen.insert(resolved.pointer.clone()) {
                continue;
            }
            let shape = Shape::of(resolved.schema);
            if let Some(properties) = shape.properties {
                names.extend(properties.keys().cloned());
            }
            for (i, member) in shape.all_of.iter().enumerate() {
                stack.push((member.into(), format!("{}/allOf/{i}", resolved.pointer)));
            }
        }
        names
    }
}

/// The discriminator value an inline variant declares: its tag property's single enum value.
fn inline_tag_value(schema: &Schema, tag: &str) -> Option<String> {
    let shape = Shape::of(schema);
    let property = shape.properties?.get(tag)?;
    let ReferenceOr::Item(property) = property else {
        return None;
    };
    match Shape::of(property).enumeration.as_slice() {
        [Value::String(value)] => Some(value.clone()),
        _ => None,
    }
}

fn primitive_variant_name(ty: &TypeRef) -> &'static str {
    match ty {
        TypeRef::Named(_) => "Named",
        TypeRef::String => "String",
        TypeRef::Bool => "Bool",
        TypeRef::Int(_) => "Integer",
        TypeRef::Float => "Number",
        TypeRef::DateTime => "DateTime",
        TypeRef::Date => "Date",
        TypeRef::Json => "Value",
        TypeRef::JsonObject => "Object",
        TypeRef::File => "File",
        TypeRef::List(_) => "List",
        TypeRef::Map(_) => "Map",
        TypeRef::Nullable(inner) => primitive_variant_name(inner),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::ir::TypeKind;

    #[test]
    fn an_inline_member_that_is_a_namesakes_type_keeps_its_whole_name() {
        // `a-b` and `A_B` are both `AB` in Rust, so `A_B` becomes `AB2`; the union's inline
        // `allOf` member is that type, and `2` is no variant name.
        let spec = "openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    a-b:
      anyOf:
        - allOf:
            - $ref: '#/components/schemas/A_B'
        - type: object
          properties:
            x: {type: string}
    A_B:
      type: string
";
        let api = crate::api_from_str(Path::new("spec.yaml"), spec).unwrap();
        let union = api
            .types
            .iter()
            .find_map(|t| match &t.kind {
                TypeKind::Untagged(u) => Some((t.name.as_str(), u)),
                _ => None,
            })
            .expect("an untagged union");
        let names: Vec<&str> = union.1.variants.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(union.0, "AB");
        assert_eq!(names, ["AB2", "Object"]);
        let generated =
            crate::generate_from_str(Path::new("spec.yaml"), spec, &crate::Config::default());
        assert!(generated.is_ok(), "{:?}", generated.err());
    }
}
