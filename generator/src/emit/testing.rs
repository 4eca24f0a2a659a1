//! The `testing` module of a crate with operations (`src/testing/mod.rs`): `MockAtlas`'s way
//! into each operation, `on_<operation>()`, and the operation's parameter matchers. The fake
//! itself is runtime (`runtime/testing.rs`, copied as `src/testing/mock.rs`).

use proc_macro2::TokenStream;
use quote::quote;

use super::operations::operation_type;
use super::rust::{doc_attrs_from_lines, ident};
use crate::ir::{Api, Operation, ParameterLocation, Payload, TypeRef};

/// The source of the fake, copied beside the generated module.
pub const MOCK_SOURCE: &str = include_str!("../../runtime/testing.rs");

/// `src/testing/mod.rs`.
pub fn emit_testing(api: &Api, crate_ident: &str) -> TokenStream {
    let example = format!(" let atlas = {crate_ident}::testing::MockAtlas::start().await;");
    let shapes = api.operations.iter().map(|o| {
        let (id, method, path, media_type) = (&o.id, &o.method, &o.path, &o.accept);
        quote!((#id, #method, #path, #media_type),)
    });
    let ways_in = api.operations.iter().map(way_in);
    let operations = api
        .operations
        .iter()
        .enumerate()
        .map(|(i, o)| operation(i, o));
    quote! {
        //! A fake Atlas in this process, for the tests of code that uses this crate (the
        //! `testing` feature): program each operation's answer in the crate's own types, point
        //! the code under test at [`MockAtlas::client`], then look at what it sent.
        //!
        //! ```no_run
        //! # async fn test() {
        #![doc = #example]
        //! let client = atlas.client();
        //! // atlas.on_<operation>().<parameter>(..).respond(value);
        //! # drop(client);
        //! # }
        //! ```

        #![allow(deprecated)]

        mod mock;

        pub use mock::{Expectation, MockAtlas, MockOperation, RecordedRequest};

        #[allow(unused_imports)]
        use crate::models;

        /// Every operation: its id, method, path template and success media type.
        const OPERATIONS: &[(&str, &str, &str, &str)] = &[#(#shapes)*];

        impl MockAtlas {
            /// Starts a fake on a loopback port. It answers only what is programmed; any other
            /// request gets an [`Error::Api`](crate::Error::Api) (501, `MOCK_ATLAS_UNMATCHED`)
            /// naming the operation and what differed.
            pub async fn start() -> Self {
                Self::start_with(OPERATIONS).await
            }

            #(#ways_in)*
        }

        #(#operations)*
    }
}

fn feature_cfg(operation: &Operation) -> TokenStream {
    let feature = Api::feature(&operation.module);
    quote!(#[cfg(feature = #feature)])
}

/// `MockAtlas::on_<operation>`.
fn way_in(operation: &Operation) -> TokenStream {
    let name = quote::format_ident!("on_{}", operation.method_name);
    let marker = ident(&operation.builder_name);
    let cfg = feature_cfg(operation);
    let doc = doc_attrs_from_lines(&[format!(
        "Programs an answer to `{}` (`{} {}`), the request of [`Client::{}`](crate::Client::{}).",
        operation.id,
        operation.method,
        operation.path,
        operation.method_name,
        operation.method_name
    )]);
    quote! {
        #doc
        #cfg
        pub fn #name(&self) -> Expectation<'_, #marker> {
            self.expect()
        }
    }
}

/// The marker type of an operation, what it answers with, and its parameter matchers.
fn operation(index: usize, operation: &Operation) -> TokenStream {
    let marker = ident(&operation.builder_name);
    let cfg = feature_cfg(operation);
    let id = &operation.id;
    let index = proc_macro2::Literal::usize_unsuffixed(index);
    let (response, success) = match &operation.response {
        Payload::Json(ty) => {
            let ty = operation_type(ty);
            (ty, quote!(mock::json_success(&value)))
        }
        Payload::Empty => (quote!(()), quote!((204, Vec::new()))),
        Payload::Bytes => (quote!(Vec<u8>), quote!((200, value))),
    };
    let value = match &operation.response {
        Payload::Empty => quote!(_value),
        _ => quote!(value),
    };
    let doc = doc_attrs_from_lines(&[format!(
        "`{id}`, as [`MockAtlas::on_{}`] programs it.",
        operation.method_name
    )]);
    let matchers = operation.parameters.iter().map(|p| {
        let setter = ident(&p.rust_name);
        let wire = &p.name;
        let call = match p.location {
            ParameterLocation::Path => quote!(path_param),
            ParameterLocation::Query => quote!(query_param),
        };
        let (argument, reference) = match &p.ty {
            TypeRef::String => (quote!(impl AsRef<str>), quote!(value.as_ref())),
            other => (operation_type(other), quote!(&value)),
        };
        let doc = doc_attrs_from_lines(&[format!("Matches requests whose `{wire}` is `value`.")]);
        quote! {
            #doc
            pub fn #setter(self, value: #argument) -> Self {
                self.#call(#wire, #reference)
            }
        }
    });
    quote! {
        #doc
        #cfg
        #[derive(Debug)]
        pub enum #marker {}

        #cfg
        impl MockOperation for #marker {
            type Response = #response;
            const INDEX: usize = #index;

            fn success(#value: Self::Response) -> (u16, Vec<u8>) {
                #success
            }
        }

        #cfg
        impl Expectation<'_, #marker> {
            #(#matchers)*
        }
    }
}
