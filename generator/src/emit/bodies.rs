//! A request builder's body: one field and setter per media type of the body, and the
//! statements of `prepare` that hand the one that is set to the request (`request::Draft`).

use proc_macro2::TokenStream;
use quote::quote;

use super::operations::operation_type;
use super::rust::ident;
use crate::ir::{BodyContent, BodyKind, FormStyle, PartKind, RequestBody};

/// The type a builder keeps of a media type's body.
fn field_type(content: &BodyContent) -> TokenStream {
    match &content.kind {
        BodyKind::Json(ty) | BodyKind::Form(ty, _) | BodyKind::Multipart(ty, _) => {
            operation_type(ty)
        }
        BodyKind::Bytes => quote!(Vec<u8>),
        BodyKind::Text => quote!(String),
    }
}

/// The builder's fields: `body: Option<T>`, and one per other media type.
pub fn fields(body: &RequestBody) -> TokenStream {
    let fields = body.contents.iter().map(|content| {
        let name = ident(&content.setter);
        let ty = field_type(content);
        quote!(#name: Option<#ty>,)
    });
    quote!(#(#fields)*)
}

/// The fields' initial values, in the client method that makes the builder.
pub fn nones(body: &RequestBody) -> TokenStream {
    let nones = body.contents.iter().map(|content| {
        let name = ident(&content.setter);
        quote!(#name: None,)
    });
    quote!(#(#nones)*)
}

/// The setters: setting one media type's body clears the others'.
pub fn setters(body: &RequestBody) -> TokenStream {
    let single = body.contents.len() == 1;
    let setters = body.contents.iter().enumerate().map(|(i, content)| {
        let name = ident(&content.setter);
        let media = &content.media_type;
        let doc = match (single, i, body.required) {
            (true, _, true) => " The request body (required).".to_string(),
            (true, _, false) => " The request body.".to_string(),
            (false, 0, required) => format!(
                " The request body, as `{media}`{}.",
                if required {
                    " (required: this or another `body_*`)"
                } else {
                    ""
                }
            ),
            (false, _, _) => {
                format!(" The request body as `{media}`, instead of [`body`](Self::body).")
            }
        };
        let (argument, value) = match content.kind {
            BodyKind::Bytes => (quote!(impl Into<Vec<u8>>), quote!(value.into())),
            BodyKind::Text => (quote!(impl Into<String>), quote!(value.into())),
            _ => (field_type(content), quote!(value)),
        };
        let others = body
            .contents
            .iter()
            .filter(|other| other.setter != content.setter)
            .map(|other| {
                let other = ident(&other.setter);
                quote!(self.#other = None;)
            });
        quote! {
            #[doc = #doc]
            #[inline]
            pub fn #name(mut self, value: #argument) -> Self {
                #(#others)*
                self.#name = Some(#value);
                self
            }
        }
    });
    quote!(#(#setters)*)
}

/// The body's fields in a builder's hand-written `Debug`.
pub fn debug_fields(body: &RequestBody) -> TokenStream {
    let fields = body.contents.iter().map(|content| {
        let name = ident(&content.setter);
        let label = content.setter.as_str();
        quote!(.field(#label, &self.#name))
    });
    quote!(#(#fields)*)
}

/// `prepare`'s statements: the check that a required body is set (into `required`, with the
/// parameters' checks), and the body handed to the request.
pub fn statements(body: &RequestBody, required: &mut Vec<TokenStream>) -> TokenStream {
    if let [content] = body.contents.as_slice() {
        let name = ident(&content.setter);
        let write = write(content);
        return if body.required {
            required.push(quote! {
                let Some(body) = &self.#name else {
                    return Err(request::missing("body"));
                };
            });
            write
        } else {
            quote! {
                if let Some(body) = &self.#name {
                    #write
                }
            }
        };
    }
    if body.required {
        // One short statement per media type: a long `&&` chain is laid out differently by
        // prettyplease and rustfmt.
        let unset = body.contents.iter().skip(1).map(|content| {
            let name = ident(&content.setter);
            quote!(unset &= self.#name.is_none();)
        });
        required.push(quote! {
            let mut unset = self.body.is_none();
            #(#unset)*
            if unset {
                return Err(request::missing("body"));
            }
        });
    }
    let writes = body.contents.iter().map(|content| {
        let name = ident(&content.setter);
        let write = write(content);
        quote! {
            if let Some(body) = &self.#name {
                #write
            }
        }
    });
    quote!(#(#writes)*)
}

/// Hands `body` (a reference to the field's value) to the request, as its media type says.
fn write(content: &BodyContent) -> TokenStream {
    let media = &content.media_type;
    match &content.kind {
        BodyKind::Json(_) => quote!(call.json(#media, body);),
        BodyKind::Form(_, styles) => {
            let styles = styles.iter().map(|(name, style)| {
                let style = match style {
                    FormStyle::Form => quote!(Form),
                    FormStyle::Delimited(delimiter) => quote!(Delimited(#delimiter)),
                    FormStyle::DeepObject => quote!(DeepObject),
                };
                quote!((#name, request::FormStyle::#style))
            });
            quote!(call.form(#media, body, &[#(#styles),*]);)
        }
        BodyKind::Multipart(_, fields) => {
            let parts = fields.iter().map(|part| {
                let field = ident(&part.field);
                let name = &part.name;
                match part.kind {
                    PartKind::Value => quote!(call.part(#name, &body.#field);),
                    PartKind::Nullable => quote! {
                        if let Some(value) = body.#field.as_option() {
                            call.part(#name, value);
                        }
                    },
                    PartKind::Files {
                        list: false,
                        optional: false,
                    } => quote!(call.files(#name, std::iter::once(&body.#field));),
                    PartKind::Files {
                        list: true,
                        optional: true,
                    } => quote!(call.files(#name, body.#field.iter().flatten());),
                    PartKind::Files { .. } => quote!(call.files(#name, &body.#field);),
                }
            });
            quote! {
                call.multipart();
                #(#parts)*
            }
        }
        BodyKind::Bytes => quote!(call.raw(#media, body.clone());),
        BodyKind::Text => quote!(call.raw(#media, body.clone().into_bytes());),
    }
}
