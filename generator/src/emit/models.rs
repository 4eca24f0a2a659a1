//! Model types: one file per type in `src/models/`.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::rust::{doc_attrs_from_lines, ident, type_tokens, uses_map};
use crate::ir::{
    Field, Gate, StringEnum, Struct, TaggedUnion, TypeDef, TypeKind, TypeRef, UntaggedUnion,
};

/// The code of one model file.
pub fn emit_model(def: &TypeDef, types: &[TypeDef]) -> TokenStream {
    let imports = imports(def);
    let mut doc = def
        .doc
        .as_deref()
        .map(super::docs::doc_lines)
        .unwrap_or_default();
    if doc.is_empty() {
        doc.push(format!("`{}` schema.", def.name));
    }
    let doc = doc_attrs_from_lines(&doc);
    let deprecated = def.deprecated.then(|| quote!(#[deprecated]));
    // Deprecation is for the crate's users; the crate's own uses of a deprecated model (its
    // impls, other models' fields) must not warn.
    let allow =
        (def.deprecated || mentions_deprecated(def, types)).then(|| quote!(#![allow(deprecated)]));
    let name = ident(&def.name);
    let body = match &def.kind {
        TypeKind::Struct(s) => emit_struct(&name, s),
        TypeKind::Enum(e) => emit_enum(&name, e),
        TypeKind::Tagged(u) => emit_tagged(&name, u),
        TypeKind::Untagged(u) => emit_untagged(&name, u, types),
        TypeKind::Alias(ty) => {
            let ty = type_tokens(ty);
            quote!(pub type #name = #ty;)
        }
    };
    quote! {
        #allow
        #imports
        #doc
        #deprecated
        #body
    }
}

/// Whether a model refers to a deprecated model.
fn mentions_deprecated(def: &TypeDef, types: &[TypeDef]) -> bool {
    let deprecated = |name: &str| {
        types
            .binary_search_by(|t| t.name.as_str().cmp(name))
            .is_ok_and(|i| types[i].deprecated)
    };
    match &def.kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .any(|f| f.ty.named().is_some_and(deprecated)),
        TypeKind::Tagged(u) => u.variants.iter().any(|v| deprecated(&v.ty)),
        TypeKind::Untagged(u) => u
            .variants
            .iter()
            .any(|v| v.ty.named().is_some_and(deprecated)),
        TypeKind::Alias(ty) => ty.named().is_some_and(deprecated),
        TypeKind::Enum(_) => false,
    }
}

/// The `use` lines of a model file, in the order rustfmt sorts them: `codec`, the other
/// models it mentions (one per line, so adding one changes one line), then `std`.
fn imports(def: &TypeDef) -> TokenStream {
    let mut names = BTreeSet::new();
    let mut map = false;
    let mut add = |ty: &TypeRef| {
        map |= uses_map(ty);
        if let Some(name) = ty.named()
            && name != def.name
        {
            names.insert(name.to_string());
        }
    };
    match &def.kind {
        TypeKind::Struct(s) => s.fields.iter().for_each(|f| add(&f.ty)),
        TypeKind::Tagged(u) => u
            .variants
            .iter()
            .for_each(|v| add(&TypeRef::Named(v.ty.clone()))),
        TypeKind::Untagged(u) => u.variants.iter().for_each(|v| add(&v.ty)),
        TypeKind::Alias(ty) => add(ty),
        TypeKind::Enum(_) => {}
    }
    let codec = uses_codec(def);
    let mut names: Vec<String> = names.into_iter().collect();
    names.sort_by(|a, b| rustfmt_order(a, b));
    let models = names.iter().map(|n| {
        let n = ident(n);
        quote!(use super::#n;)
    });
    let codec = codec.then(|| {
        quote!(
            use super::codec;
        )
    });
    let map = map.then(|| {
        quote!(
            use std::collections::BTreeMap;
        )
    });
    quote! {
        #codec
        #(#models)*
        #map
    }
}

/// The order rustfmt (style edition 2021) gives imported names: by bytes.
pub(crate) fn rustfmt_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.cmp(b)
}

fn field_type(field: &Field) -> TokenStream {
    let mut ty = type_tokens(&field.ty);
    if field.boxed {
        ty = quote!(Box<#ty>);
    }
    if field.is_optional() {
        ty = quote!(Option<#ty>);
    }
    ty
}

fn emit_struct(name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
    let fields = s.fields.iter().map(|field| {
        let mut doc = field
            .doc
            .as_deref()
            .map(super::docs::doc_lines)
            .unwrap_or_default();
        let mut notes = Vec::new();
        if let Some(default) = &field.default {
            notes.push(format!("Default: `{default}`."));
        }
        if field.read_only {
            notes.push("Read-only: set by the server, ignored in requests.".to_string());
        }
        if field.write_only {
            notes.push("Write-only: sent in requests, never returned.".to_string());
        }
        if !notes.is_empty() {
            if !doc.is_empty() {
                doc.push(String::new());
            }
            doc.push(notes.join(" "));
        }
        let doc = doc_attrs_from_lines(&doc);
        let field_name = ident(&field.name);
        let ty = field_type(field);
        // Two short attributes rather than one long one, which formatters wrap differently.
        let rename = (field.name != field.json_name).then(|| {
            let json_name = &field.json_name;
            quote!(#[serde(rename = #json_name)])
        });
        let optional = (!field.required)
            .then(|| quote!(#[serde(default, skip_serializing_if = "Option::is_none")]));
        let (rename, optional) = if field.flatten {
            (Some(quote!(#[serde(flatten)])), None)
        } else {
            (rename, optional)
        };
        let deprecated = field.deprecated.then(|| quote!(#[deprecated]));
        quote! {
            #doc
            #deprecated
            #rename
            #optional
            pub #field_name: #ty,
        }
    });
    let default = s.derive_default.then(|| quote!(Default,));
    // A flattened field needs serde's buffering; every other struct decodes through the
    // compact visitor below, which compiles faster than the derived one.
    if s.fields.iter().any(|f| f.flatten) {
        return quote! {
            #[derive(Clone, Debug, #default PartialEq, serde::Deserialize, serde::Serialize)]
            pub struct #name {
                #(#fields)*
            }
        };
    }
    let visitor = emit_struct_visitor(name, s);
    quote! {
        #[derive(Clone, Debug, #default PartialEq, serde::Serialize)]
        pub struct #name {
            #(#fields)*
        }

        #visitor
    }
}

/// `Deserialize` for a struct: one pass over the object's keys, unknown keys skipped, the
/// last of duplicate keys kept, a missing required field an error.
fn emit_struct_visitor(name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
    // Locals are named after the fields, unless a name is taken by the visitor itself.
    let local = |field: &Field| {
        if matches!(field.name.as_str(), "map" | "key" | "missing") {
            format_ident!("{}_field", field.name)
        } else {
            ident(&field.name)
        }
    };
    let declarations = s.fields.iter().map(|f| {
        let local = local(f);
        quote!(let mut #local = None;)
    });
    let arms = s.fields.iter().map(|f| {
        let local = local(f);
        let json = &f.json_name;
        let value = if f.is_optional() {
            quote!(map.next_value()?)
        } else {
            quote!(Some(map.next_value()?))
        };
        // A long arm is a block, which prettyplease and rustfmt both print on three lines.
        let width = 16 + json.len() + 2 + 4 + local.to_string().len() + 3 + value.to_string().len();
        if width > 80 {
            quote!(#json => { #local = #value; })
        } else {
            quote!(#json => #local = #value,)
        }
    });
    let inits = s.fields.iter().map(|f| {
        let field = ident(&f.name);
        let local = local(f);
        let json = &f.json_name;
        if f.is_optional() {
            if field == local {
                quote!(#field,)
            } else {
                quote!(#field: #local,)
            }
        } else {
            quote!(#field: #local.ok_or_else(|| missing(#json))?,)
        }
    });
    let missing = s
        .fields
        .iter()
        .any(|f| !f.is_optional())
        .then(|| quote!(let missing = <A::Error as serde::de::Error>::missing_field;));
    let type_name = name.to_string();
    // An object without fields (a union variant that is only its tag) skips every key.
    let read_keys = if s.fields.is_empty() {
        quote! {
            while map.next_key::<serde::de::IgnoredAny>()?.is_some() {
                codec::skip_value(&mut map)?;
            }
        }
    } else {
        quote! {
            while let Some(key) = map.next_key::<codec::Key<'de>>()? {
                match key.as_str() {
                    #(#arms)*
                    _ => codec::skip_value(&mut map)?,
                }
            }
        }
    };
    let allow = s
        .fields
        .iter()
        .any(|f| f.deprecated)
        .then(|| quote!(#[allow(deprecated)]));

    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                codec::deserialize_object(deserializer)
            }
        }

        // `read` builds with `Self { .. }`, a literal whose path is as wide in every model,
        // so prettyplease and rustfmt break it alike.
        impl codec::Object for #name {
            const NAME: &'static str = #type_name;

            #allow
            fn read<'de, A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
                #missing
                #(#declarations)*
                #read_keys
                Ok(Self {
                    #(#inits)*
                })
            }
        }
    }
}

fn emit_enum(name: &proc_macro2::Ident, e: &StringEnum) -> TokenStream {
    let variants = e.variants.iter().map(|v| {
        let variant = format_ident!("{}", v.name);
        let doc = format!(" `{}`", v.value);
        quote!(#[doc = #doc] #variant,)
    });
    let as_str = e.variants.iter().map(|v| {
        let variant = format_ident!("{}", v.name);
        let value = &v.value;
        quote!(Self::#variant => #value,)
    });
    let from_str = e.variants.iter().map(|v| {
        let variant = format_ident!("{}", v.name);
        let value = &v.value;
        quote!(#value => Self::#variant,)
    });
    quote! {
        // Non-exhaustive, so a value a later spec adds can become a variant without breaking
        // the matches of downstream crates.
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the crate does not list, kept as received.
            Unknown(String),
        }

        impl #name {
            /// The value as it is written in JSON.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::Unknown(other.to_string()),
                }
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;

            /// Never fails: a value the spec does not list is `Unknown`.
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                codec::deserialize_open_enum(deserializer)
            }
        }
    }
}

fn emit_tagged(name: &proc_macro2::Ident, u: &TaggedUnion) -> TokenStream {
    let tag = &u.tag;
    let variant_ty = |ty: &str, boxed: bool| {
        let ty = ident(ty);
        if boxed { quote!(Box<#ty>) } else { quote!(#ty) }
    };
    let variants = u.variants.iter().map(|v| {
        let variant = format_ident!("{}", v.name);
        let ty = variant_ty(&v.ty, v.boxed);
        let doc = format!(" `{tag}`: `{}`.", v.value);
        quote!(#[doc = #doc] #variant(#ty),)
    });
    let tag_values = u.variants.iter().map(|v| {
        let variant = format_ident!("{}", v.name);
        let value = &v.value;
        quote!(Self::#variant(_) => Some(#value),)
    });
    let serialize = u.variants.iter().map(|v| {
        let variant = format_ident!("{}", v.name);
        let value = &v.value;
        quote!(Self::#variant(content) => (#value, serde_json::to_value(content)),)
    });
    let deserialize = u.variants.iter().map(|v| {
        let variant = format_ident!("{}", v.name);
        let value = &v.value;
        let decode = if v.boxed {
            quote!(codec::decode_variant(value).map(|v| Self::#variant(Box::new(v))))
        } else {
            quote!(codec::decode_variant(value).map(Self::#variant))
        };
        quote!(#value => #decode,)
    });
    let tag_doc = format!(" The value of `{tag}` that selects this variant; `None` for `Unknown`.");
    let unknown_doc = format!(
        " An object whose `{tag}` this version of the crate does not know, kept whole; it is written back unchanged."
    );
    quote! {
        // Variants wrap whole response bodies; boxing them would cost an allocation and
        // `Box` patterns for a size saving that does not matter for decoded bodies.
        #[allow(clippy::large_enum_variant)]
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #[doc = #unknown_doc]
            Unknown(serde_json::Value),
        }

        impl #name {
            #[doc = #tag_doc]
            pub fn tag(&self) -> Option<&'static str> {
                match self {
                    #(#tag_values)*
                    Self::Unknown(_) => None,
                }
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let (tag_value, content) = match self {
                    #(#serialize)*
                    Self::Unknown(value) => return value.serialize(serializer),
                };
                codec::serialize_tagged(serializer, #tag, tag_value, content)
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let (tag, value) = codec::read_tagged(deserializer, #tag)?;
                match tag.as_str() {
                    #(#deserialize)*
                    _ => Ok(Self::Unknown(value)),
                }
            }
        }
    }
}

/// Whether an untagged union decodes through `codec::decode_untagged`: when a variant is a
/// model, several may accept the same object, and the best fit must win.
fn scores_variants(u: &UntaggedUnion) -> bool {
    u.variants.iter().any(|v| v.ty.named().is_some())
}

fn emit_untagged(name: &proc_macro2::Ident, u: &UntaggedUnion, types: &[TypeDef]) -> TokenStream {
    let variants = u.variants.iter().map(|v| {
        let variant = format_ident!("{}", v.name);
        let mut ty = type_tokens(&v.ty);
        if v.boxed {
            ty = quote!(Box<#ty>);
        }
        quote!(#variant(#ty),)
    });
    if !scores_variants(u) {
        return quote! {
            #[derive(Clone, Debug, PartialEq, serde::Deserialize, serde::Serialize)]
            #[serde(untagged)]
            pub enum #name {
                #(#variants)*
            }
        };
    }
    let candidates = u.variants.iter().map(|v| {
        let variant = format_ident!("{}", v.name);
        // The JSON names of a struct variant's fields, which decide the best fit.
        let fields = match &v.ty {
            TypeRef::Named(model) => types
                .binary_search_by(|t| t.name.as_str().cmp(model))
                .ok()
                .and_then(|i| match &types[i].kind {
                    TypeKind::Struct(s) => Some(
                        s.fields
                            .iter()
                            .filter(|f| !f.flatten)
                            .map(|f| f.json_name.as_str())
                            .collect::<Vec<_>>()
                            .join(","),
                    ),
                    _ => None,
                })
                .unwrap_or_default(),
            _ => String::new(),
        };
        let wrap = if v.boxed {
            quote!(|v| Self::#variant(Box::new(v)))
        } else {
            quote!(Self::#variant)
        };
        quote!((#fields, |v| serde_json::from_value(v).map(#wrap)),)
    });
    quote! {
        #[allow(clippy::large_enum_variant)]
        #[derive(Clone, Debug, PartialEq, serde::Serialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#variants)*
        }

        impl<'de> serde::Deserialize<'de> for #name {
            /// Decodes the variant whose fields cover most of the object's keys (the first,
            /// among equals), falling back to the others in order.
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let candidates: &[codec::Candidate<Self>] = &[
                    #(#candidates)*
                ];
                codec::decode_untagged(deserializer, candidates)
            }
        }
    }
}

/// The `#[cfg]` that compiles a model only with the features that need it.
pub fn gate_cfg(gate: &Gate) -> Option<TokenStream> {
    match gate {
        Gate::Always => None,
        Gate::Full => Some(quote!(#[cfg(feature = "full")])),
        Gate::AnyOf(features) if features.len() == 1 => {
            let feature = features.iter().next();
            Some(quote!(#[cfg(feature = #feature)]))
        }
        Gate::AnyOf(features) => {
            let features = features.iter();
            Some(quote!(#[cfg(any(#(feature = #features),*))]))
        }
    }
}

/// Whether a model's code calls into `codec`.
fn uses_codec(def: &TypeDef) -> bool {
    match &def.kind {
        TypeKind::Struct(s) => !s.fields.iter().any(|f| f.flatten),
        TypeKind::Enum(_) | TypeKind::Tagged(_) => true,
        TypeKind::Untagged(u) => scores_variants(u),
        TypeKind::Alias(_) => false,
    }
}

/// The `codec` module the models need, if any.
pub fn codec(types: &[TypeDef]) -> Option<TokenStream> {
    let any = |pred: &dyn Fn(&TypeDef) -> bool| types.iter().any(pred);
    super::codec::emit_codec(super::codec::CodecUse {
        structs: any(
            &|t| matches!(&t.kind, TypeKind::Struct(s) if !s.fields.iter().any(|f| f.flatten)),
        ),
        open_enums: any(&|t| matches!(t.kind, TypeKind::Enum(_))),
        tagged_unions: any(&|t| matches!(t.kind, TypeKind::Tagged(_))),
        untagged_unions: any(&|t| matches!(&t.kind, TypeKind::Untagged(u) if scores_variants(u))),
    })
}

/// `src/models/mod.rs`: the modules and their re-exports, sorted by type name. With `inline`,
/// each module's body is written in place (`mod x { .. }`) for single-file output.
pub fn emit_models_mod(types: &[TypeDef], inline: bool) -> TokenStream {
    let codec = match codec(types) {
        Some(body) if inline => quote!(mod codec { #body }),
        Some(_) => quote!(
            mod codec;
        ),
        None => TokenStream::new(),
    };
    let items = types.iter().map(|def| {
        let module = ident(&def.module);
        let name = ident(&def.name);
        let allow = def.deprecated.then(|| quote!(#[allow(deprecated)]));
        // A single-file module is included into a crate whose features are its own.
        let cfg = (!inline).then(|| gate_cfg(&def.gate)).flatten();
        let declaration = if inline {
            let body = emit_model(def, types);
            quote!(mod #module { #body })
        } else {
            quote!(mod #module;)
        };
        quote! {
            #cfg
            #declaration
            #cfg
            #allow
            pub use #module::#name;
        }
    });
    quote! {
        //! Request and response bodies: one type per schema of the spec.

        #(#items)*
        #codec
    }
}
