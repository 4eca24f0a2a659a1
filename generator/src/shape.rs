//! One view of a schema, whichever `openapiv3::SchemaKind` variant holds it.
//!
//! openapiv3 splits schemas by `type` and falls back to `AnySchema` when keywords mix (an
//! object that also has `oneOf`, say). The lowering wants to ask the same questions of all of
//! them, so [`Shape`] lays the keywords out flat.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, ReferenceOr, Schema, SchemaData, SchemaKind, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;

#[derive(Debug)]
pub struct Shape<'a> {
    pub data: &'a SchemaData,
    pub typ: Option<&'a str>,
    pub format: Option<String>,
    pub pattern: Option<&'a str>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub enumeration: Vec<Value>,
    pub properties: Option<&'a IndexMap<String, ReferenceOr<Box<Schema>>>>,
    pub required: &'a [String],
    pub additional: Option<&'a AdditionalProperties>,
    pub items: Option<&'a ReferenceOr<Box<Schema>>>,
    pub one_of: &'a [ReferenceOr<Schema>],
    pub any_of: &'a [ReferenceOr<Schema>],
    pub all_of: &'a [ReferenceOr<Schema>],
    pub has_not: bool,
}

fn format_name<T: std::fmt::Debug>(
    format: &VariantOrUnknownOrEmpty<T>,
    names: fn(&T) -> &'static str,
) -> Option<String> {
    match format {
        VariantOrUnknownOrEmpty::Item(item) => Some(names(item).to_string()),
        VariantOrUnknownOrEmpty::Unknown(other) => Some(other.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

impl<'a> Shape<'a> {
    pub fn of(schema: &'a Schema) -> Self {
        let mut shape = Shape {
            data: &schema.schema_data,
            typ: None,
            format: None,
            pattern: None,
            minimum: None,
            maximum: None,
            enumeration: Vec::new(),
            properties: None,
            required: &[],
            additional: None,
            items: None,
            one_of: &[],
            any_of: &[],
            all_of: &[],
            has_not: false,
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(t)) => {
                shape.typ = Some("string");
                shape.format = format_name(&t.format, |f| match f {
                    openapiv3::StringFormat::Date => "date",
                    openapiv3::StringFormat::DateTime => "date-time",
                    openapiv3::StringFormat::Password => "password",
                    openapiv3::StringFormat::Byte => "byte",
                    openapiv3::StringFormat::Binary => "binary",
                });
                shape.pattern = t.pattern.as_deref();
                shape.enumeration = t
                    .enumeration
                    .iter()
                    .map(|v| v.clone().map_or(Value::Null, Value::String))
                    .collect();
            }
            SchemaKind::Type(Type::Number(t)) => {
                shape.typ = Some("number");
                shape.format = format_name(&t.format, |f| match f {
                    openapiv3::NumberFormat::Float => "float",
                    openapiv3::NumberFormat::Double => "double",
                });
                shape.minimum = t.minimum;
                shape.maximum = t.maximum;
                shape.enumeration = t
                    .enumeration
                    .iter()
                    .map(|v| {
                        v.and_then(serde_json::Number::from_f64)
                            .map_or(Value::Null, Value::Number)
                    })
                    .collect();
            }
            SchemaKind::Type(Type::Integer(t)) => {
                shape.typ = Some("integer");
                shape.format = format_name(&t.format, |f| match f {
                    openapiv3::IntegerFormat::Int32 => "int32",
                    openapiv3::IntegerFormat::Int64 => "int64",
                });
                shape.minimum = t.minimum.map(|v| v as f64);
                shape.maximum = t.maximum.map(|v| v as f64);
                shape.enumeration = t
                    .enumeration
                    .iter()
                    .map(|v| v.map_or(Value::Null, Value::from))
                    .collect();
            }
            SchemaKind::Type(Type::Boolean(t)) => {
                shape.typ = Some("boolean");
                shape.enumeration = t
                    .enumeration
                    .iter()
                    .map(|v| v.map_or(Value::Null, Value::Bool))
                    .collect();
            }
            SchemaKind::Type(Type::Object(t)) => {
                shape.typ = Some("object");
                shape.properties = Some(&t.properties);
                shape.required = &t.required;
                shape.additional = t.additional_properties.as_ref();
            }
            SchemaKind::Type(Type::Array(t)) => {
                shape.typ = Some("array");
                shape.items = t.items.as_ref();
            }
            SchemaKind::OneOf { one_of } => shape.one_of = one_of,
            SchemaKind::AllOf { all_of } => shape.all_of = all_of,
            SchemaKind::AnyOf { any_of } => shape.any_of = any_of,
            SchemaKind::Not { .. } => shape.has_not = true,
            SchemaKind::Any(any) => {
                shape.typ = any.typ.as_deref();
                shape.format = any.format.clone();
                shape.pattern = any.pattern.as_deref();
                shape.minimum = any.minimum;
                shape.maximum = any.maximum;
                shape.enumeration = any.enumeration.clone();
                shape.properties = (!any.properties.is_empty()).then_some(&any.properties);
                shape.required = &any.required;
                shape.additional = any.additional_properties.as_ref();
                shape.items = any.items.as_ref();
                shape.one_of = &any.one_of;
                shape.any_of = &any.any_of;
                shape.all_of = &any.all_of;
                shape.has_not = any.not.is_some();
            }
        }
        shape
    }

    /// Whether the schema describes objects (by type or by listing properties).
    pub fn is_object(&self) -> bool {
        self.typ == Some("object") || self.properties.is_some_and(|p| !p.is_empty())
    }

    pub fn has_properties(&self) -> bool {
        self.properties.is_some_and(|p| !p.is_empty())
    }

    /// Whether the `oneOf`/`anyOf` members only add constraints (`required` lists, say) and
    /// describe no value of their own.
    pub fn is_constraint_only(&self) -> bool {
        self.one_of
            .iter()
            .chain(self.any_of)
            .all(|member| match member {
                ReferenceOr::Item(schema) => {
                    let member = Shape::of(schema);
                    member.typ.is_none() && !member.has_properties() && member.all_of.is_empty()
                }
                ReferenceOr::Reference { .. } => false,
            })
    }

    /// The value a discriminated union's tag has when an object leaves it out, as the union's
    /// own tag property gives it: its `default`, or a sentence of its description ("The
    /// default type is search.", as the Atlas spec says of search indexes). Only a value that
    /// `selects` a variant counts.
    pub fn tag_default(&self, tag: &str, selects: impl Fn(&str) -> bool) -> Option<String> {
        let Some(ReferenceOr::Item(property)) = self.properties.and_then(|p| p.get(tag)) else {
            return None;
        };
        let data = &property.schema_data;
        if let Some(Value::String(value)) = &data.default {
            return selects(value).then(|| value.clone());
        }
        documented_default(data.description.as_deref()?, selects)
    }
}

/// The value a description names as the default: "default is X", "default type is X",
/// "default value is X" or "defaults to X", X perhaps quoted; the first that `selects`.
fn documented_default(description: &str, selects: impl Fn(&str) -> bool) -> Option<String> {
    let lower = description.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower[from..].find("default") {
        let after = from + found + "default".len();
        from = after;
        let words: Vec<&str> = description[after..].split_whitespace().take(3).collect();
        let candidate = match words.as_slice() {
            ["is", value, ..] => *value,
            [kind, "is", value] if matches!(*kind, "type" | "value") => *value,
            // "defaults to X": the word runs on into "s".
            ["s", "to", value] => *value,
            _ => continue,
        };
        let value = candidate.trim_matches(|c: char| {
            matches!(
                c,
                '`' | '"' | '\'' | '.' | ',' | ';' | ':' | '(' | ')' | '*'
            )
        });
        if selects(value) {
            return Some(value.to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::documented_default;

    #[test]
    fn a_description_names_its_default() {
        let values = ["search", "vectorSearch"];
        let selects = |v: &str| values.contains(&v);
        for text in [
            "Type of the index. The default type is search.",
            "Type of the index. Default type is search.",
            "The default is `search`; vectorSearch also works.",
            "Kind of index; defaults to \"search\".",
            "Default value is search",
        ] {
            assert_eq!(
                documented_default(text, selects).as_deref(),
                Some("search"),
                "{text}"
            );
        }
        for text in [
            "Type of the index.",
            "The default type is lexical.",
            "By default, the index is built. Type is search.",
            "default",
        ] {
            assert_eq!(documented_default(text, selects), None, "{text}");
        }
    }
}
