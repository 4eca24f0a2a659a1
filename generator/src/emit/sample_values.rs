//! Sample values for the docs' examples: a Rust expression that builds a value of a type with
//! the crate's own constructors (`new` with the required fields, `default()`, the first variant
//! of an enum or union), so an operation's example shows how to build its request body.

use std::collections::BTreeSet;

use crate::ir::{TypeDef, TypeKind, TypeRef, find_type};

/// How deep a sample goes into nested models before giving up (the example then takes the
/// body as an argument instead).
const MAX_DEPTH: usize = 6;

/// A sample of a request body: the models it names (to import) and the expression.
#[derive(Debug, PartialEq)]
pub struct Sample {
    pub models: BTreeSet<String>,
    pub expression: String,
}

/// A sample value of `ty`, or `None` when a type on the way has no constructor to show (too
/// deep, or a name that is not a model).
pub fn sample(ty: &TypeRef, types: &[TypeDef]) -> Option<Sample> {
    let mut models = BTreeSet::new();
    let expression = expression(ty, types, Position::Value, 0, &mut models)?;
    Some(Sample { models, expression })
}

/// Where an expression goes: a constructor's `impl Into<String>` argument takes a `&str`.
#[derive(Clone, Copy, PartialEq)]
enum Position {
    Value,
    IntoString,
}

fn expression(
    ty: &TypeRef,
    types: &[TypeDef],
    position: Position,
    depth: usize,
    models: &mut BTreeSet<String>,
) -> Option<String> {
    if depth > MAX_DEPTH {
        return None;
    }
    Some(match ty {
        TypeRef::String if position == Position::IntoString => "\"example\"".to_string(),
        TypeRef::String => "\"example\".to_string()".to_string(),
        TypeRef::Bool => "true".to_string(),
        TypeRef::Int(_) => "1".to_string(),
        TypeRef::Float => "1.0".to_string(),
        TypeRef::List(inner) => format!(
            "vec![{}]",
            expression(inner, types, Position::Value, depth + 1, models)?
        ),
        TypeRef::Nullable(inner) => format!(
            "Some({})",
            expression(inner, types, Position::Value, depth + 1, models)?
        ),
        TypeRef::Map(_)
        | TypeRef::Json
        | TypeRef::JsonObject
        | TypeRef::File
        | TypeRef::DateTime
        | TypeRef::Date => "Default::default()".to_string(),
        TypeRef::Named(name) => named(name, types, depth, models)?,
    })
}

fn named(
    name: &str,
    types: &[TypeDef],
    depth: usize,
    models: &mut BTreeSet<String>,
) -> Option<String> {
    let def = find_type(types, name)?;
    let boxed = |boxed: bool, inner: String| {
        if boxed {
            format!("Box::new({inner})")
        } else {
            inner
        }
    };
    let built = match &def.kind {
        TypeKind::Struct(s) => {
            let required: Vec<_> = s.fields.iter().filter(|f| !f.is_optional()).collect();
            if required.is_empty() {
                if !s.derive_default {
                    return None;
                }
                format!("{name}::default()")
            } else {
                let arguments = required
                    .iter()
                    .map(|f| {
                        let position = if f.ty == TypeRef::String {
                            Position::IntoString
                        } else {
                            Position::Value
                        };
                        expression(&f.ty, types, position, depth + 1, models)
                    })
                    .collect::<Option<Vec<_>>>()?;
                format!("{name}::new({})", arguments.join(", "))
            }
        }
        TypeKind::Enum(e) => format!("{name}::{}", e.variants.first()?.name),
        TypeKind::Tagged(u) => {
            let variant = u.variants.first()?;
            let inner = named(&variant.ty, types, depth + 1, models)?;
            format!("{name}::{}({})", variant.name, boxed(variant.boxed, inner))
        }
        TypeKind::Untagged(u) => {
            let variant = u.variants.first()?;
            let inner = expression(&variant.ty, types, Position::Value, depth + 1, models)?;
            format!("{name}::{}({})", variant.name, boxed(variant.boxed, inner))
        }
        TypeKind::Alias(ty) => return expression(ty, types, Position::Value, depth + 1, models),
    };
    models.insert(name.to_string());
    Some(built)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{EnumVariant, Field, Gate, StringEnum, Struct};

    fn def(name: &str, kind: TypeKind) -> TypeDef {
        TypeDef {
            name: name.into(),
            module: name.to_lowercase(),
            source: String::new(),
            doc: None,
            deprecated: false,
            kind,
            gate: Gate::Always,
        }
    }

    fn field(name: &str, ty: TypeRef, required: bool) -> Field {
        Field {
            name: name.into(),
            json_name: name.into(),
            ty,
            required,
            nullable: false,
            boxed: false,
            flatten: false,
            doc: None,
            deprecated: false,
            read_only: false,
            write_only: false,
            optional_in_responses: false,
            explicit_null: false,
            sensitive: false,
            default: None,
        }
    }

    #[test]
    fn a_body_is_built_with_its_constructors() {
        let role = def(
            "GroupRole",
            TypeKind::Enum(StringEnum {
                variants: vec![EnumVariant {
                    name: "GroupOwner".into(),
                    value: "GROUP_OWNER".into(),
                }],
            }),
        );
        let body = def(
            "AddRole",
            TypeKind::Struct(Struct {
                fields: vec![
                    field("group_role", TypeRef::Named("GroupRole".into()), true),
                    field("name", TypeRef::String, true),
                    field("tags", TypeRef::List(Box::new(TypeRef::String)), true),
                    field("note", TypeRef::String, false),
                ],
                derive_default: false,
                unknown_fields: Some("unknown_fields".into()),
                tag: None,
            }),
        );
        let types = vec![body, role];
        let sample = sample(&TypeRef::Named("AddRole".into()), &types).unwrap();
        assert_eq!(
            sample.expression,
            "AddRole::new(GroupRole::GroupOwner, \"example\", vec![\"example\".to_string()])"
        );
        assert_eq!(
            sample.models.into_iter().collect::<Vec<_>>(),
            ["AddRole", "GroupRole"]
        );
        assert_eq!(sample_of_missing(&types), None);
    }

    fn sample_of_missing(types: &[TypeDef]) -> Option<Sample> {
        sample(&TypeRef::Named("Nowhere".into()), types)
    }
}
