//! Request bodies: what each media type of a body is ([`BodyKind`]), the setter that sets it,
//! and which shapes a form or a multipart body can have.
//!
//! JSON and the JSON-compatible types (`application/*+json`) are typed JSON; a form
//! (`application/x-www-form-urlencoded`) and a multipart body (`multipart/form-data`) are
//! typed models written field by field; text types are a `String`, anything else bytes.

use openapiv3::{MediaType, QueryStyle};

use super::naming::{self, NameAllocator};
use crate::error::Problem;
use crate::ir::{
    BodyContent, BodyKind, FormStyle, MultipartField, Operation, PartKind, Struct, TypeDef,
    TypeKind, TypeRef, find_type,
};
use crate::resolve::pointer_join;

/// What a media type's body is, before its schema is lowered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum MediaKind {
    Json,
    Form,
    Multipart,
    Text,
    Bytes,
}

/// The essence of a media type: without its parameters, lower case.
fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

pub(super) fn media_kind(media_type: &str) -> MediaKind {
    let essence = essence(media_type);
    let (main, sub) = essence.split_once('/').unwrap_or((&essence, ""));
    match (main, sub) {
        ("application", "json") => MediaKind::Json,
        (_, sub) if sub.ends_with("+json") => MediaKind::Json,
        ("application", "x-www-form-urlencoded") => MediaKind::Form,
        ("multipart", "form-data") => MediaKind::Multipart,
        ("text", _) => MediaKind::Text,
        ("application", "xml" | "yaml" | "x-yaml" | "javascript" | "x-ndjson") => MediaKind::Text,
        (_, sub) if sub.ends_with("+xml") || sub.ends_with("+yaml") => MediaKind::Text,
        _ => MediaKind::Bytes,
    }
}

/// The form styles of a form body's fields that are not the default (`form`, exploded), from
/// its `encoding`. openapiv3 reads a missing `explode` as `false`, so `form` is always
/// taken exploded, as OpenAPI's default is.
pub(super) fn form_styles(content: &MediaType) -> Vec<(String, FormStyle)> {
    content
        .encoding
        .iter()
        .filter_map(|(name, encoding)| {
            let style = match encoding.style.as_ref()? {
                QueryStyle::Form => return None,
                QueryStyle::SpaceDelimited => FormStyle::Delimited(' '),
                QueryStyle::PipeDelimited => FormStyle::Delimited('|'),
                QueryStyle::DeepObject => FormStyle::DeepObject,
            };
            Some((name.clone(), style))
        })
        .collect()
}

/// The suffix of the setter of a body's media type that is not its first: `body_<suffix>`.
fn suffix(media_type: &str, kind: &BodyKind) -> String {
    let essence = essence(media_type);
    let sub = essence.split('/').nth(1).unwrap_or(&essence);
    let wanted = match kind {
        BodyKind::Json(_) => match super::operations::media_version(&essence) {
            Some(version) => format!("v{version}"),
            None if sub == "json" => "json".to_string(),
            None => sub.trim_end_matches("+json").to_string(),
        },
        BodyKind::Form(..) => "form".to_string(),
        BodyKind::Multipart(..) => "multipart".to_string(),
        BodyKind::Text if essence == "text/plain" => "text".to_string(),
        BodyKind::Bytes if essence == "application/octet-stream" => "bytes".to_string(),
        BodyKind::Text | BodyKind::Bytes => sub.to_string(),
    };
    naming::field_name(&wanted)
}

/// Orders a body's media types, the first being `.body(..)`'s (the newest versioned JSON
/// type, else the first), and names the others' setters, clear of the parameters'.
pub(super) fn name_setters(
    mut contents: Vec<(String, BodyKind)>,
    taken: impl IntoIterator<Item = String>,
) -> Vec<BodyContent> {
    let json = contents
        .iter()
        .map(|(media, kind)| (media.as_str(), matches!(kind, BodyKind::Json(_))));
    if let Some(first) = super::operations::newest_json(json) {
        let json = contents.remove(first);
        contents.insert(0, json);
    }
    let taken: Vec<String> = taken.into_iter().collect();
    let mut names = NameAllocator::with_reserved(taken.iter().map(String::as_str));
    contents
        .into_iter()
        .enumerate()
        .map(|(i, (media_type, kind))| BodyContent {
            setter: if i == 0 {
                "body".to_string()
            } else {
                names.claim_snake(&format!("body_{}", suffix(&media_type, &kind)))
            },
            media_type,
            kind,
        })
        .collect()
}

/// Settles the parts of multipart bodies, and leaves out the form and multipart media types
/// whose model the client cannot write, each with an approximation naming its place: a form
/// nests at most once (a field that is an object of scalars and lists of scalars), a
/// multipart body is a struct.
pub(super) fn keep_writable(
    operations: &mut [Operation],
    types: &[TypeDef],
    approximations: &mut Vec<Problem>,
) {
    for operation in operations {
        let Some(body) = &mut operation.body else {
            continue;
        };
        let at = pointer_join(
            &pointer_join("/paths", &operation.path),
            &operation.method.to_ascii_lowercase(),
        );
        body.contents.retain_mut(|content| {
            let refusal = match &mut content.kind {
                BodyKind::Form(ty, _) => form_refusal(ty, types),
                BodyKind::Multipart(ty, fields) => match multipart_fields(ty, types) {
                    Ok(settled) => {
                        *fields = settled;
                        None
                    }
                    Err(refusal) => Some(refusal),
                },
                _ => None,
            };
            if let Some(reason) = &refusal {
                approximations.push(Problem::new(
                    pointer_join(&format!("{at}/requestBody/content"), &content.media_type),
                    format!("{reason}; the body is generated without this media type"),
                ));
            }
            refusal.is_none()
        });
        if let Some(first) = body.contents.first_mut() {
            first.setter = "body".to_string();
        }
        if body.contents.is_empty() {
            operation.body = None;
        }
    }
}

/// The definition `ty` names, if it names one (a list or map of one does not).
fn definition<'t>(ty: &TypeRef, types: &'t [TypeDef]) -> Option<&'t TypeDef> {
    match ty {
        TypeRef::Named(name) => find_type(types, name),
        _ => None,
    }
}

/// The type behind `ty`, through aliases.
fn resolved<'t>(ty: &'t TypeRef, types: &'t [TypeDef]) -> &'t TypeRef {
    match definition(ty, types) {
        Some(TypeDef {
            kind: TypeKind::Alias(aliased),
            ..
        }) if aliased != ty => resolved(aliased, types),
        _ => ty,
    }
}

/// The struct behind `ty`, through aliases.
fn struct_of<'t>(ty: &'t TypeRef, types: &'t [TypeDef]) -> Option<&'t Struct> {
    match &definition(resolved(ty, types), types)?.kind {
        TypeKind::Struct(s) => Some(s),
        _ => None,
    }
}

/// A value a form writes as one text: a string, number, boolean, date, enum or any JSON.
fn scalar(ty: &TypeRef, types: &[TypeDef]) -> bool {
    match resolved(ty, types) {
        TypeRef::Nullable(inner) => scalar(inner, types),
        named @ TypeRef::Named(_) => matches!(
            definition(named, types),
            Some(TypeDef {
                kind: TypeKind::Enum(_),
                ..
            })
        ),
        TypeRef::List(_) | TypeRef::Map(_) | TypeRef::JsonObject | TypeRef::File => false,
        _ => true,
    }
}

/// A scalar, or a list of scalars: a member of a form field that is an object.
fn member(ty: &TypeRef, types: &[TypeDef]) -> bool {
    match resolved(ty, types) {
        TypeRef::List(item) => scalar(item, types),
        other => scalar(other, types),
    }
}

/// A form field: a [`member`], or an object of them (nested once).
fn form_field(ty: &TypeRef, types: &[TypeDef]) -> bool {
    match resolved(ty, types) {
        TypeRef::Map(value) => member(value, types),
        TypeRef::JsonObject => true,
        other => match struct_of(other, types) {
            Some(s) => s.fields.iter().all(|f| !f.flatten && member(&f.ty, types)),
            None => member(other, types),
        },
    }
}

fn form_refusal(ty: &TypeRef, types: &[TypeDef]) -> Option<String> {
    if *resolved(ty, types) == TypeRef::JsonObject {
        return None;
    }
    let Some(body) = struct_of(ty, types) else {
        return Some("a form body must be an object with properties".to_string());
    };
    body.fields.iter().find_map(|field| {
        (field.flatten || !form_field(&field.ty, types)).then(|| {
            format!(
                "form field `{}` is not a scalar, a list of scalars or an object of those (nested once)",
                field.json_name
            )
        })
    })
}

/// The parts of a multipart body of model `ty`: one per field but the read-only ones.
fn multipart_fields(ty: &TypeRef, types: &[TypeDef]) -> Result<Vec<MultipartField>, String> {
    let Some(body) = struct_of(ty, types).filter(|s| !s.fields.iter().any(|f| f.flatten)) else {
        return Err(
            "a multipart body must be an object with properties, one part each".to_string(),
        );
    };
    Ok(body
        .fields
        .iter()
        .filter(|f| !f.read_only)
        .map(|f| MultipartField {
            field: f.name.clone(),
            name: f.json_name.clone(),
            kind: match &f.ty {
                _ if f.explicit_null => PartKind::Nullable,
                TypeRef::File => PartKind::Files {
                    list: false,
                    optional: f.is_optional(),
                },
                TypeRef::List(item) if **item == TypeRef::File => PartKind::Files {
                    list: true,
                    optional: f.is_optional(),
                },
                _ => PartKind::Value,
            },
        })
        .collect())
}
