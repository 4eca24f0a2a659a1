//! Model types: one file per type in `src/models/`.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::rust::{Moved, doc_attrs_from_lines, ident, moved, type_tokens, uses_map};
use crate::ir::{
    Field, Gate, StringEnum, Struct, TaggedUnion, TypeDef, TypeKind, TypeRef, UntaggedUnion,
};

/// The code of one model file.
pub fn emit_model(def: &TypeDef, types: &[TypeDef]) -> TokenStream {
    let imports = moved(imports(def));
    let mut doc = def
        .doc
        .as_deref()
        .map(super::docs::doc_lines)
        .unwrap_or_default();
    if doc.is_empty() {
        doc.push(format!("`{}` schema.", def.name));
    }
    let doc = moved(doc_attrs_from_lines(&doc));
    let deprecated = def.deprecated.then(|| quote!(#[deprecated]));
    // Deprecation is for the crate's users; the crate's own uses of a deprecated model (its
    // impls, other models' fields) must not warn.
    let allow =
        (def.deprecated || mentions_deprecated(def, types)).then(|| quote!(#![allow(deprecated)]));
    let name = ident(&def.name);
    let body = moved(match &def.kind {
        TypeKind::Struct(s) => emit_struct(&name, s),
        TypeKind::Enum(e) => emit_enum(&name, e),
        TypeKind::Tagged(u) => emit_tagged(&name, u),
        TypeKind::Untagged(u) => emit_untagged(&name, u, types),
        TypeKind::Alias(ty) => {
            let ty = type_tokens(ty);
            quote!(pub type #name = #ty;)
        }
    });
    quote! {
        #allow
        #imports
        #doc
        #deprecated
        #body
    }
}

/// Everything [`emit_model`] reads, printed for a digest: the model itself and, of the models
/// it refers to, what it looks at (whether they are deprecated, and the JSON names of their
/// fields, which decide an untagged union's best fit), and the emitters' code. Two models with
/// the same inputs emit the same file, so an unchanged digest lets regeneration reuse the file
/// without building its tokens.
pub struct ModelInputs<'a> {
    pub def: &'a TypeDef,
    pub types: &'a [TypeDef],
}

impl std::fmt::Display for ModelInputs<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let def = self.def;
        // Not `source` or `gate`: the model's file does not show them.
        write!(
            f,
            "{}\n{}\n{}\n{:?}\n{}\n{:?}\n",
            super::emitter_digest(),
            def.name,
            def.module,
            def.doc,
            def.deprecated,
            def.kind
        )?;
        for name in def.referenced() {
            let Ok(i) = self.types.binary_search_by(|t| t.name.as_str().cmp(name)) else {
                writeln!(f, "{name}: missing")?;
                continue;
            };
            let other = &self.types[i];
            write!(f, "{name}: {}", other.deprecated)?;
            if let TypeKind::Struct(s) = &other.kind {
                for field in &s.fields {
                    write!(f, " {}/{}", field.json_name, field.flatten)?;
                }
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

/// Whether a model refers to a deprecated model.
fn mentions_deprecated(def: &TypeDef, types: &[TypeDef]) -> bool {
    def.referenced().into_iter().any(|name| {
        types
            .binary_search_by(|t| t.name.as_str().cmp(name))
            .is_ok_and(|i| types[i].deprecated)
    })
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
        TypeKind::Struct(s) => {
            s.fields.iter().for_each(|f| add(&f.ty));
            if s.fields.iter().any(|f| f.explicit_null) {
                names.insert("Nullable".to_string());
            }
        }
        TypeKind::Tagged(u) => u
            .variants
            .iter()
            .for_each(|v| add(&TypeRef::Named(v.ty.clone()))),
        TypeKind::Untagged(u) => u.variants.iter().for_each(|v| add(&v.ty)),
        TypeKind::Alias(ty) => add(ty),
        TypeKind::Enum(_) => {}
    }
    // A file is `codec::File` (re-exported at the crate root, clear of the models' names).
    let codec = uses_codec(def) || def.holds_file();
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
    if field.explicit_null {
        ty = quote!(Nullable<#ty>);
    } else if field.is_optional() {
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
        if field.optional_in_responses {
            notes.push("Not promised in responses: a response may leave it out.".to_string());
        }
        if !notes.is_empty() {
            if !doc.is_empty() {
                doc.push(String::new());
            }
            doc.push(notes.join(" "));
        }
        let doc = moved(doc_attrs_from_lines(&doc));
        let field_name = ident(&field.name);
        let ty = moved(field_type(field));
        let deprecated = field.deprecated.then(|| quote!(#[deprecated]));
        moved(quote! {
            #doc
            #deprecated
            pub #field_name: #ty,
        })
    });
    let unknown = s.unknown_fields.as_ref().map(|field| {
        let field = ident(field);
        quote! {
            /// Fields this version of the crate does not know, kept as received and written
            /// back after the others, so a value read and written again loses nothing.
            pub #field: serde_json::Map<String, serde_json::Value>,
        }
    });
    let default = s.derive_default.then(|| quote!(Default,));
    let decode = moved(emit_struct_decode(name, s));
    let encode = moved(emit_struct_encode(name, s));
    let constructor = emit_constructor(name, s).map(moved);
    let redacting = s.fields.iter().any(|f| f.sensitive);
    let debug = (!redacting).then(|| quote!(Debug,));
    let debug_impl = redacting.then(|| moved(emit_redacted_debug(name, s)));
    quote! {
        #[derive(Clone, #debug #default PartialEq)]
        pub struct #name {
            #(#fields)*
            #unknown
        }

        #constructor

        codec::impl_serde!(#name);

        #debug_impl

        #decode

        #encode
    }
}

/// `new` for a struct with required fields: exactly those, in declaration order (strings as
/// `impl Into<String>`); every optional field `None`, no unknown fields.
fn emit_constructor(name: &proc_macro2::Ident, s: &Struct) -> Option<TokenStream> {
    let required: Vec<&Field> = s.fields.iter().filter(|f| !f.is_optional()).collect();
    if required.is_empty() {
        return None;
    }
    let arguments = required.iter().map(|f| {
        let name = ident(&f.name);
        let ty = if f.ty == TypeRef::String {
            quote!(impl Into<String>)
        } else {
            type_tokens(&f.ty)
        };
        moved(quote!(#name: #ty))
    });
    let values = s.fields.iter().map(|f| {
        let name = ident(&f.name);
        moved(match (f.is_optional(), f.boxed, f.ty == TypeRef::String) {
            (true, _, _) if f.explicit_null => quote!(#name: Nullable::Absent,),
            (true, _, _) => quote!(#name: None,),
            (false, true, _) => quote!(#name: Box::new(#name),),
            (false, false, true) => quote!(#name: #name.into(),),
            (false, false, false) => quote!(#name,),
        })
    });
    let unknown = s.unknown_fields.as_ref().map(|field| {
        let field = ident(field);
        quote!(#field: serde_json::Map::new(),)
    });
    let names: Vec<String> = required.iter().map(|f| format!("`{}`", f.name)).collect();
    let doc = format!(
        " A value with its required fields ({}); the optional ones are `None`.",
        names.join(", ")
    );
    let allow_many = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let allow = allow_deprecated_fields(s);
    Some(quote! {
        impl #name {
            #[doc = #doc]
            #allow_many
            #allow
            #[inline]
            pub fn new(#(#arguments),*) -> Self {
                Self {
                    #(#values)*
                    #unknown
                }
            }
        }
    })
}

/// `Debug` for a struct with secrets (write-only or `format: password` fields): what the
/// derive prints, with each secret as `<redacted>`.
fn emit_redacted_debug(name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
    let fields = s.fields.iter().map(|f| {
        let field = ident(&f.name);
        let label = f.name.as_str();
        let value = match (f.sensitive, f.is_optional()) {
            (false, _) => quote!(&self.#field),
            (true, true) => quote!(&self.#field.as_ref().map(|_| codec::Redacted)),
            (true, false) => quote!(&codec::Redacted),
        };
        quote!(.field(#label, #value))
    });
    let unknown = s.unknown_fields.as_ref().map(|field| {
        let label = field.as_str();
        let field = ident(field);
        quote!(.field(#label, &self.#field))
    });
    let allow = allow_deprecated_fields(s);
    let type_name = name.to_string();
    quote! {
        // Secrets never reach logs: the fields the spec marks write-only or passwords print
        // as `<redacted>`.
        impl std::fmt::Debug for #name {
            #allow
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#type_name)
                    #(#fields)*
                    #unknown
                    .finish()
            }
        }
    }
}

/// `#[allow(deprecated)]` for the impls of a struct with deprecated fields, which are the
/// crate's own uses.
fn allow_deprecated_fields(s: &Struct) -> Option<TokenStream> {
    s.fields
        .iter()
        .any(|f| f.deprecated)
        .then(|| quote!(#[allow(deprecated)]))
}

/// `Decode` for a struct: one pass over the object's keys, unknown keys kept (a union's tag
/// skipped), the last of duplicate keys kept, a missing required field an error. A flattened
/// field reads the same object again once the pass is done.
///
/// Every model's `decode` and `encode` is `#[inline]`, like the operations' `send`: the crate
/// that calls an operation compiles to machine code the models it reaches, and the generated
/// crate compiles none of them (they were most of its code).
fn emit_struct_decode(name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
    // Locals are named after the fields, unless a name is taken by the decoder itself.
    let local = |field: &Field| {
        if matches!(
            field.name.as_str(),
            "reader" | "object" | "key" | "start" | "end"
        ) {
            format_ident!("{}_field", field.name)
        } else {
            ident(&field.name)
        }
    };
    let keyed = || s.fields.iter().filter(|f| !f.flatten);
    let declarations = keyed().map(|f| {
        let local = local(f);
        let ty = if f.is_optional() {
            field_type(f)
        } else {
            let ty = field_type(f);
            quote!(Option<#ty>)
        };
        // The type spares the compiler inferring it, but only on one line: prettyplease and
        // rustfmt wrap a long one differently.
        let width = 8 + "let mut : = None;".len() + local.to_string().len() + printed_width(&ty);
        moved(if f.explicit_null {
            quote!(let mut #local = Nullable::Absent;)
        } else if width <= 90 {
            quote!(let mut #local: #ty = None;)
        } else {
            quote!(let mut #local = None;)
        })
    });
    // With every field optional, fields are read straight into a default value: one local
    // instead of one per field is a much smaller function to check and compile.
    let into_default = s.derive_default
        && keyed().next().is_some()
        && s.fields.iter().all(|f| f.is_optional() && !f.flatten);
    let arms = keyed().map(|f| {
        let slot = if into_default {
            let field = ident(&f.name);
            quote!(value.#field)
        } else {
            let local = local(f);
            quote!(#local)
        };
        let json = &f.json_name;
        let slot = moved(slot);
        moved(if f.explicit_null {
            quote!(#json => reader.read_nullable(&mut #slot),)
        } else if f.is_optional() {
            quote!(#json => reader.read_optional(&mut #slot),)
        } else {
            quote!(#json => reader.read(&mut #slot),)
        })
    });
    // A missing required field is the first error; no `?` or closure per field.
    let required = keyed().filter(|f| !f.is_optional()).map(|f| {
        let local = local(f);
        let json = &f.json_name;
        moved(quote! {
            let Some(#local) = #local else {
                return Err(reader.missing(#json));
            };
        })
    });
    let inits = s.fields.iter().map(|f| {
        let field = ident(&f.name);
        let local = local(f);
        moved(if field == local {
            quote!(#field,)
        } else {
            quote!(#field: #local,)
        })
    });
    let unknown = s.unknown_fields.as_ref().map(|field| ident(field));
    let unknown_slot = unknown.as_ref().map(|field| {
        if into_default {
            quote!(value.#field)
        } else {
            quote!(#field)
        }
    });
    let tag_arm = s
        .tag
        .as_ref()
        .map(|tag| quote!(#tag => reader.skip_field(),));
    let other_arm = match &unknown_slot {
        Some(slot) => quote!(_ => reader.keep_field(key, &mut #slot),),
        None => quote!(_ => reader.skip_field(),),
    };
    let read_keys = moved(if keyed().next().is_none() && tag_arm.is_none() {
        match &unknown_slot {
            Some(slot) => quote! {
                while let Some(key) = object.next_key(reader)? {
                    reader.keep_field(key, &mut #slot);
                }
            },
            None => quote! {
                while object.next_key(reader)?.is_some() {
                    reader.skip_field();
                }
            },
        }
    } else {
        // `match` where `?` would do: a `?` is trait machinery the compiler works through
        // again in each of a thousand decoders, for the same error type.
        quote! {
            loop {
                let key = match object.next_key(reader) {
                    Ok(Some(key)) => key,
                    Ok(None) => break,
                    Err(error) => return Err(error),
                };
                match &*key {
                    #(#arms)*
                    #tag_arm
                    #other_arm
                }
            }
        }
    });
    let flattened: Vec<_> = s.fields.iter().filter(|f| f.flatten).map(local).collect();
    let (start, read_flattened) = if flattened.is_empty() {
        (None, None)
    } else {
        (
            Some(quote!(let start = reader.mark();)),
            Some(quote! {
                let end = reader.mark();
                #(
                    reader.reset(start);
                    let #flattened = reader.decode()?;
                )*
                reader.reset(end);
            }),
        )
    };
    let allow = allow_deprecated_fields(s);
    let model = name.to_string();
    let (declarations, build) = if into_default {
        (
            vec![moved(quote!(let mut value = Self::default();))],
            quote!(Ok(value)),
        )
    } else {
        let mut declarations: Vec<Moved> = declarations.collect();
        let unknown_init = unknown.as_ref().map(|field| {
            declarations.push(moved(quote!(let mut #field = serde_json::Map::new();)));
            quote!(#field,)
        });
        (declarations, quote!(Ok(Self { #(#inits)* #unknown_init })))
    };
    quote! {
        impl codec::Decode for #name {
            #allow
            #[inline]
            fn decode(reader: &mut codec::Reader<'_>) -> Result<Self, codec::Error> {
                #start
                let mut object = reader.model(#model);
                #(#declarations)*
                #read_keys
                #read_flattened
                #(#required)*
                #build
            }
        }
    }
}

/// `Encode` for a struct: its fields in declaration order, optional fields left out when
/// `None`.
/// How wide a type is printed: `Option<Vec<String>>`, `BTreeMap<String, i64>`.
fn printed_width(ty: &TokenStream) -> usize {
    let text = ty.to_string().replace(' ', "");
    text.len() + text.matches(',').count()
}

fn emit_struct_encode(name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
    let writes = s.fields.iter().map(|f| {
        let field = ident(&f.name);
        let json = &f.json_name;
        let write = if f.flatten {
            quote!(object.flatten(&self.#field);)
        } else if f.explicit_null {
            quote!(object.nullable(#json, &self.#field);)
        } else if f.required {
            quote!(object.field(#json, &self.#field);)
        } else {
            quote!(object.optional(#json, &self.#field);)
        };
        // The server sets a read-only field: a request body leaves it out.
        moved(if f.read_only {
            quote!(if object.writes_read_only() { #write })
        } else {
            write
        })
    });
    let unknown = s.unknown_fields.as_ref().map(|field| {
        let field = ident(field);
        quote!(object.unknown(&self.#field);)
    });
    let allow = allow_deprecated_fields(s);
    let mutable = (!s.fields.is_empty() || unknown.is_some()).then(|| quote!(mut));
    quote! {
        impl codec::Encode for #name {
            #allow
            #[inline]
            fn encode(&self, writer: &mut codec::Writer) {
                let #mutable object = writer.object();
                #(#writes)*
                #unknown
                object.end();
            }
        }
    }
}

/// A string enum. Its conversions are `#[inline]`, like the models' codecs: only the crate that
/// uses them compiles them.
fn emit_enum(name: &proc_macro2::Ident, e: &StringEnum) -> TokenStream {
    let variants = e.variants.iter().map(|v| {
        let variant = format_ident!("{}", v.name);
        let doc = format!(" `{}`", v.value);
        moved(quote!(#[doc = #doc] #variant,))
    });
    let as_str = e.variants.iter().map(|v| {
        let variant = format_ident!("{}", v.name);
        let value = &v.value;
        moved(quote!(Self::#variant => #value,))
    });
    let debug_names = e.variants.iter().map(|v| {
        let variant = format_ident!("{}", v.name);
        let name = &v.name;
        moved(quote!(Self::#variant => #name,))
    });
    let from_str = e.variants.iter().map(|v| {
        let variant = format_ident!("{}", v.name);
        let value = &v.value;
        moved(quote!(#value => Self::#variant,))
    });
    quote! {
        // Non-exhaustive, so a value a later spec adds can become a variant without breaking
        // the matches of downstream crates.
        #[derive(Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the crate does not list, kept as received.
            Unknown(String),
        }

        impl #name {
            /// The value as it is written in JSON.
            #[inline]
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    Self::Unknown(value) => value,
                }
            }
        }

        // What `derive(Debug)` prints, with one call for every named variant instead of one
        // per variant: across hundreds of enums, the derived arms were a large share of the
        // crate's build.
        impl std::fmt::Debug for #name {
            #[inline]
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let name = match self {
                    #(#debug_names)*
                    Self::Unknown(value) => {
                        return f.debug_tuple("Unknown").field(value).finish();
                    }
                };
                f.write_str(name)
            }
        }

        impl std::fmt::Display for #name {
            #[inline]
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<&str> for #name {
            #[inline]
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
            #[inline]
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        codec::impl_serde!(#name);

        impl codec::Decode for #name {
            #[inline]
            fn decode(reader: &mut codec::Reader<'_>) -> Result<Self, codec::Error> {
                reader.enumerated()
            }
        }

        impl codec::Encode for #name {
            #[inline]
            fn encode(&self, writer: &mut codec::Writer) {
                writer.string(self.as_str());
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
    let encode = u.variants.iter().map(|v| {
        let variant = format_ident!("{}", v.name);
        let value = &v.value;
        quote!(Self::#variant(content) => codec::write_tagged(writer, #tag, #value, content),)
    });
    let decode = u.variants.iter().map(|v| {
        let variant = format_ident!("{}", v.name);
        let value = &v.value;
        // An object without the tag is the documented default's variant.
        if u.default.as_deref() == Some(value.as_str()) {
            quote!(Some(#value) | None => reader.decode().map(Self::#variant),)
        } else {
            quote!(Some(#value) => reader.decode().map(Self::#variant),)
        }
    });
    let tag_doc = format!(" The value of `{tag}` that selects this variant; `None` for `Unknown`.");
    let unknown_doc = match (&u.default, u.open) {
        (Some(_), false) => format!(
            " An object whose `{tag}` this version of the crate does not know, kept whole; it is written back unchanged."
        ),
        (None, false) => format!(
            " An object whose `{tag}` this version of the crate does not know, or that has no `{tag}`, kept whole; it is written back unchanged."
        ),
        (_, true) => format!(
            " Any other value, kept whole and written back unchanged: an object whose `{tag}` this version of the crate does not know, one whose fields are not the shape its variant expects, or a value that is not such an object (the spec keeps this union open)."
        ),
    };
    let read = quote! {
        match codec::read_tag(reader, #tag)?.as_deref() {
            #(#decode)*
            _ => reader.decode().map(Self::Unknown),
        }
    };
    // An open union tries its variant and keeps what that refuses.
    let read = if u.open {
        quote!(codec::read_open(reader, |reader| #read, Self::Unknown))
    } else {
        read
    };
    let default_doc = u.default.as_ref().map(|value| {
        let doc = format!(" An object without `{tag}` is a `{value}`, as the spec documents.");
        quote!(#[doc = ""] #[doc = #doc])
    });
    quote! {
        // Variants wrap whole response bodies; boxing them would cost an allocation and
        // `Box` patterns for a size saving that does not matter for decoded bodies.
        #default_doc
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

        codec::impl_serde!(#name);

        impl codec::Decode for #name {
            #[inline]
            fn decode(reader: &mut codec::Reader<'_>) -> Result<Self, codec::Error> {
                #read
            }
        }

        impl codec::Encode for #name {
            #[inline]
            fn encode(&self, writer: &mut codec::Writer) {
                match self {
                    #(#encode)*
                    Self::Unknown(value) => codec::Encode::encode(value, writer),
                }
            }
        }
    }
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
        quote!((#fields, |reader| reader.decode().map(Self::#variant)),)
    });
    let encode = u.variants.iter().map(|v| {
        let variant = format_ident!("{}", v.name);
        quote!(Self::#variant(value) => codec::Encode::encode(value, writer),)
    });
    // An open union keeps any other value as `Unknown`, tried last; more variants may come, so
    // matches need a wildcard, as for enums and tagged unions.
    let (unknown, unknown_candidate, unknown_encode, non_exhaustive) = if u.open {
        (
            quote! {
                /// Any other value, kept whole and written back unchanged: the spec keeps this
                /// union open, as a shape none of the variants expects may be valid.
                Unknown(serde_json::Value),
            },
            quote!(("", |reader| reader.decode().map(Self::Unknown)),),
            quote!(Self::Unknown(value) => codec::Encode::encode(value, writer),),
            quote!(#[non_exhaustive]),
        )
    } else {
        Default::default()
    };
    let union_name = name.to_string();
    quote! {
        #[allow(clippy::large_enum_variant)]
        #[derive(Clone, Debug, PartialEq)]
        #non_exhaustive
        pub enum #name {
            #(#variants)*
            #unknown
        }

        codec::impl_serde!(#name);

        impl codec::Decode for #name {
            /// Decodes the variant whose fields cover most of the object's keys (the first,
            /// among equals), falling back to the others in order.
            #[inline]
            fn decode(reader: &mut codec::Reader<'_>) -> Result<Self, codec::Error> {
                let candidates: &[codec::Candidate<Self>] = &[
                    #(#candidates)*
                    #unknown_candidate
                ];
                codec::read_untagged(reader, #union_name, candidates)
            }
        }

        impl codec::Encode for #name {
            #[inline]
            fn encode(&self, writer: &mut codec::Writer) {
                match self {
                    #(#encode)*
                    #unknown_encode
                }
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
    !matches!(def.kind, TypeKind::Alias(_))
}

/// `src/models/mod.rs`: the modules and their re-exports, sorted by type name. With `inline`,
/// each module's body is written in place (`mod x { .. }`) for single-file output. `codec`:
/// whether the crate has the codec ([`super::codec::needed`]).
pub fn emit_models_mod(types: &[TypeDef], inline: bool, codec: bool) -> TokenStream {
    // Written inline, the codec is the caller's to add (it is a source file, not tokens).
    // The codec is implementation, not API: hidden, so a change to it breaks nobody. What
    // users call is re-exported here.
    let has_codec = codec;
    let codec = (has_codec && !inline).then(|| {
        quote! {
            #[doc(hidden)]
            pub mod codec;

            pub use codec::{Nullable, UnknownFields};

            /// Reads a value of this crate's models from JSON, as the client reads responses.
            #[inline]
            pub fn from_slice<T: codec::Decode>(bytes: &[u8]) -> Result<T, serde_json::Error> {
                codec::from_slice(bytes)
            }

            /// Writes a value of this crate's models as compact JSON, as the client sends it,
            /// with every struct's `unknown_fields`.
            #[inline]
            pub fn to_vec<T: codec::Encode + ?Sized>(value: &T) -> Vec<u8> {
                codec::to_vec(value)
            }

            /// Like [`to_vec`], with or without the structs' `unknown_fields`.
            #[inline]
            pub fn to_vec_with<T: codec::Encode + ?Sized>(value: &T, unknown: UnknownFields) -> Vec<u8> {
                codec::to_vec_with(value, unknown)
            }
        }
    });
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
    // Inline, the models' files still name `super::Nullable`.
    let nullable = (inline && has_codec).then(|| {
        quote!(
            pub use codec::Nullable;
        )
    });
    quote! {
        //! Request and response bodies: one type per schema of the spec.

        #(#items)*
        #codec
        #nullable
    }
}
