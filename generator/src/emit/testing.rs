//! The `testing` module of a crate with operations (`src/testing/mod.rs`): the [`Operation`]
//! enum that names each operation, the table the fake matches requests with, `MockAtlas`'s way
//! into each operation, `on_<operation>()`, and each operation's expectation type: its
//! parameter matchers and its answers, in the operation's own types. The fake itself is
//! runtime (`runtime/testing.rs`, copied as `src/testing/mock.rs`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::generated_doc_lines;
use super::operations::operation_type;
use super::rust::{doc_attrs_from_lines, ident};
use crate::ir::{Api, Operation, Pagination, ParameterLocation, Payload, TypeKind, TypeRef};

/// The source of the fake, copied beside the generated module.
pub const MOCK_SOURCE: &str = include_str!("../../runtime/testing.rs");

/// The methods every expectation has; a parameter matcher with one of these names gets a
/// `_param` suffix.
const EXPECTATION_METHODS: &[&str] = &[
    "times",
    "respond",
    "respond_pages",
    "respond_error",
    "respond_raw",
];

/// `src/testing/mod.rs`.
pub fn emit_testing(api: &Api, crate_ident: &str) -> TokenStream {
    let example = format!(" let atlas = {crate_ident}::testing::MockAtlas::start().await;");
    let variants = api.operations.iter().map(|o| {
        let variant = ident(&o.builder_name);
        let doc = doc_attrs_from_lines(&[format!("`{}`: `{} {}`.", o.id, o.method, o.path)]);
        quote! {
            #doc
            #variant,
        }
    });
    let shapes = api.operations.iter().map(|o| {
        let variant = ident(&o.builder_name);
        let (id, method, path, media_type) = (&o.id, &o.method, &o.path, &o.accept);
        quote! {
            mock::Shape {
                operation: Operation::#variant,
                id: #id,
                method: #method,
                path: #path,
                media_type: #media_type,
            },
        }
    });
    let ways_in = api.operations.iter().map(way_in);
    let error_body = error_body(api);
    let expectations = api
        .operations
        .iter()
        .map(|o| expectation(api, o, &error_body));
    quote! {
        //! A fake Atlas in this process, for the tests of code that uses this crate (the
        //! `testing` feature): program each operation's answer in the crate's own types, point
        //! the code under test at [`MockAtlas::client`], then look at what it sent.
        //!
        //! Each `MockAtlas::on_<operation>()` gives the operation's expectation
        //! (`<Operation>Expectation`): narrow it with the operation's parameters, then answer
        //! with `respond` (the operation's response type, named in its docs),
        //! `respond_error` (the API's error body), `respond_raw`, or, for a list operation,
        //! `respond_pages` (every item, served page by page as Atlas does).
        //! [`MockAtlas::calls_to`] gives the requests received for an [`Operation`],
        //! [`RecordedRequest::query_param`] one of their query parameters and
        //! [`RecordedRequest::header`] one of their headers.
        //!
        //! ```no_run
        //! # async fn test() {
        #![doc = #example]
        //! let client = atlas.client();
        //! // atlas.on_<operation>().<parameter>(..).respond(value);
        //! // atlas.calls_to(Operation::<Operation>)
        //! # drop(client);
        //! # }
        //! ```

        #![allow(deprecated)]

        mod mock;

        pub use mock::{MockAtlas, RecordedRequest};

        #[allow(unused_imports)]
        use crate::models;

        /// An operation of this crate, to find the requests the fake received for it
        /// ([`MockAtlas::calls_to`], [`RecordedRequest::operation`]). Every operation is here,
        /// whatever the features.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Operation {
            #(#variants)*
        }

        /// Every operation's id, method, path template and success media type, in the order of
        /// [`Operation`].
        const OPERATIONS: &[mock::Shape] = &[#(#shapes)*];

        impl MockAtlas {
            #(#ways_in)*
        }

        #(#expectations)*
    }
}

/// The type of the API's error body, as the crate root's alias of it names it.
fn error_body(api: &Api) -> TokenStream {
    match &api.error_model {
        Some(model) => {
            let model = ident(model);
            quote!(models::#model)
        }
        None => quote!(serde_json::Value),
    }
}

fn feature_cfg(operation: &Operation) -> TokenStream {
    let feature = Api::feature(&operation.module);
    quote!(#[cfg(feature = #feature)])
}

/// The name of an operation's expectation type.
fn expectation_name(operation: &Operation) -> String {
    format!("{}Expectation", operation.builder_name)
}

/// A type as rustdoc text: a link for a model, code otherwise.
fn type_doc(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => format!("[`models::{name}`](crate::models::{name})"),
        other => {
            let text = operation_type(other).to_string();
            format!("`{}`", text.replace(' ', "").replace(',', ", "))
        }
    }
}

/// What an operation's `respond` takes, as rustdoc text.
fn response_doc(operation: &Operation) -> String {
    match &operation.response {
        Payload::Json(ty) => format!("a {}", type_doc(ty)),
        Payload::Empty => "nothing (a 204)".to_string(),
        Payload::Bytes => "the body's bytes (`Vec<u8>`)".to_string(),
    }
}

/// `MockAtlas::on_<operation>`.
fn way_in(operation: &Operation) -> TokenStream {
    let name = format_ident!("on_{}", operation.method_name);
    let expectation_name = expectation_name(operation);
    let expectation = ident(&expectation_name);
    let variant = ident(&operation.builder_name);
    let cfg = feature_cfg(operation);
    let pages = operation.pagination.as_ref().map_or(String::new(), |p| {
        format!(
            ", [`respond_pages`]({expectation_name}::respond_pages) with every {} (served page by page)",
            type_doc(&p.item)
        )
    });
    let text = format!(
        "Programs an answer to `{}` (`{} {}`), the request of [`Client::{}`](crate::Client::{}): narrow it by the operation's parameters, then answer with [`respond`]({expectation_name}::respond), which takes {}{pages}, or [`respond_error`]({expectation_name}::respond_error).",
        operation.id,
        operation.method,
        operation.path,
        operation.method_name,
        operation.method_name,
        response_doc(operation),
    );
    let doc = doc_attrs_from_lines(&generated_doc_lines(&text));
    // prettyplease breaks a signature past 89 columns and rustfmt past 90: one exactly 90 wide
    // would be broken here and joined by `cargo fmt`. The longer path has both break it.
    let one_line = format!("    pub fn {name}(&self) -> {expectation_name}<'_> {{");
    let path = (one_line.len() == 90).then(|| quote!(self::));
    quote! {
        #doc
        #cfg
        pub fn #name(&self) -> #path #expectation<'_> {
            #expectation(self.expect(Operation::#variant))
        }
    }
}

/// An operation's expectation type: its parameter matchers and its answers.
fn expectation(api: &Api, operation: &Operation, error_body: &TokenStream) -> TokenStream {
    let name = expectation_name(operation);
    let expectation = ident(&name);
    let cfg = feature_cfg(operation);
    let doc = doc_attrs_from_lines(&generated_doc_lines(&format!(
        "An answer being programmed for `{}` (`{} {}`), from [`MockAtlas::on_{}`]: narrow it with the parameter matchers (each matches requests whose parameter has that value), require a number of calls with [`times`](Self::times), then answer with [`respond`](Self::respond){}, [`respond_error`](Self::respond_error) or [`respond_raw`](Self::respond_raw).",
        operation.id,
        operation.method,
        operation.path,
        operation.method_name,
        if operation.pagination.is_some() {
            ", [`respond_pages`](Self::respond_pages)"
        } else {
            ""
        },
    )));
    let matchers = operation.parameters.iter().map(|p| {
        let setter = if EXPECTATION_METHODS.contains(&p.rust_name.as_str()) {
            format_ident!("{}_param", p.rust_name)
        } else {
            ident(&p.rust_name)
        };
        let wire = &p.name;
        let call = match p.location {
            ParameterLocation::Path => quote!(path_param),
            ParameterLocation::Query => quote!(query_param),
            ParameterLocation::Header => quote!(header_param),
            ParameterLocation::Cookie => quote!(cookie_param),
        };
        let (argument, reference) = match &p.ty {
            TypeRef::String => (quote!(impl AsRef<str>), quote!(value.as_ref())),
            other => (operation_type(other), quote!(&value)),
        };
        let place = match p.location {
            ParameterLocation::Header => " header",
            ParameterLocation::Cookie => " cookie",
            ParameterLocation::Path | ParameterLocation::Query => "",
        };
        let doc = doc_attrs_from_lines(&[format!(
            "Matches requests whose `{wire}`{place} is `value`."
        )]);
        quote! {
            #doc
            pub fn #setter(self, value: #argument) -> Self {
                Self(self.0.#call(#wire, #reference))
            }
        }
    });
    let media_type = &operation.accept;
    let respond = match &operation.response {
        Payload::Json(ty) => {
            let doc = doc_attrs_from_lines(&generated_doc_lines(&format!(
                "Answers 200 with `value` (`{media_type}`), which the request's `send` gives."
            )));
            let ty = operation_type(ty);
            quote! {
                #doc
                pub fn respond(self, value: #ty) {
                    self.0.respond_json(&value)
                }
            }
        }
        Payload::Empty => quote! {
            /// Answers 204, no content: the request's `send` gives `()`.
            pub fn respond(self) {
                self.0.respond_body(204, Vec::new())
            }
        },
        Payload::Bytes => {
            let doc = doc_attrs_from_lines(&generated_doc_lines(&format!(
                "Answers 200 with `body` as it is (`{media_type}`)."
            )));
            quote! {
                #doc
                pub fn respond(self, body: Vec<u8>) {
                    self.0.respond_body(200, body)
                }
            }
        }
    };
    let respond_pages = operation
        .pagination
        .as_ref()
        .map(|pagination| respond_pages(api, operation, pagination));
    quote! {
        #doc
        #cfg
        #[derive(Debug)]
        #[must_use = "nothing is programmed until it is answered: `respond`, `respond_error` or `respond_raw`"]
        pub struct #expectation<'a>(mock::Expectation<'a>);

        #cfg
        impl #expectation<'_> {
            #(#matchers)*

            /// Requires exactly `n` matching calls, checked when the [`MockAtlas`] is dropped.
            pub fn times(self, n: u64) -> Self {
                Self(self.0.times(n))
            }

            #respond

            #respond_pages

            /// Answers with an error `status` and the API's error body, which the client reads
            /// as an [`Error::Api`](crate::Error::Api).
            pub fn respond_error(self, status: u16, error: #error_body) {
                self.0.respond_error(status, &error)
            }

            /// Answers with any status, media type and body.
            pub fn respond_raw(self, status: u16, content_type: &str, body: impl Into<Vec<u8>>) {
                self.0.respond_raw(status, content_type, body.into())
            }
        }
    }
}

/// A list operation's `respond_pages`: every item, each request answered with the page it
/// asks for.
fn respond_pages(api: &Api, operation: &Operation, pagination: &Pagination) -> TokenStream {
    let wire = |rust_name: &str| {
        operation
            .parameters
            .iter()
            .find(|p| p.rust_name == rust_name)
            .map_or_else(|| rust_name.to_string(), |p| p.name.clone())
    };
    let (page_param, size_param) = (wire(&pagination.page_param), wire(&pagination.size_param));
    let default_size = proc_macro2::Literal::i64_unsuffixed(pagination.default_page_size);
    // What the page has beside its items, by JSON name.
    let has = |json_name: &str| match &pagination.page {
        TypeRef::Named(page) => api.type_def(page).is_some_and(|t| match &t.kind {
            TypeKind::Struct(s) => s.fields.iter().any(|f| f.json_name == json_name),
            _ => false,
        }),
        _ => false,
    };
    let (total_count, links) = (has("totalCount"), has("links"));
    let mut text = format!(
        "Answers each request with its page of `items`, as Atlas pages: the request's `{page_param}` (from 1, 1 unless it says) and `{size_param}` ({} unless it says) select the items in `results`",
        pagination.default_page_size
    );
    if total_count {
        text.push_str(
            "; `totalCount` is the number of items (left out when `includeCount` is `false`)",
        );
    }
    if links {
        text.push_str(
            "; `links` has `previous` after the first page, `self`, and `next` while items follow",
        );
    }
    text.push_str(". A page number or size below 1 is answered 400. One answer for every page: narrow it like any other.");
    let doc = doc_attrs_from_lines(&generated_doc_lines(&text));
    let item = operation_type(&pagination.item);
    quote! {
        #doc
        pub fn respond_pages(self, items: impl IntoIterator<Item = #item>) {
            let shape = mock::PageShape {
                page_param: #page_param,
                size_param: #size_param,
                default_size: #default_size,
                total_count: #total_count,
                links: #links,
            };
            self.0.respond_pages(items, shape)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::emit_testing;
    use crate::emit::rust::format_file;

    /// `src/testing/mod.rs` of the repository's spec, as printed, without its whitespace (so
    /// that where lines break does not matter).
    fn emitted() -> String {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let api = crate::load_api(&root.join("spec/atlas-admin-v2.yaml")).expect("the spec lowers");
        let text = format_file(emit_testing(&api, "atlas_admin"), "src/testing/mod.rs").unwrap();
        text.split_whitespace().collect()
    }

    /// What `respond` takes is in the signatures rustdoc shows, and in the docs of the
    /// `on_<operation>()` that leads there: no hidden trait stands in for it.
    #[test]
    fn each_way_in_names_the_type_its_answer_takes() {
        let text = emitted();
        assert!(!text.contains("doc(hidden)"), "{text}");
        assert!(!text.contains("MockOperation"), "{text}");
        let on_list = text.split("pub fn on_list_database_users(").next().unwrap();
        let on_list = on_list.rsplit("Programs an answer to").next().unwrap();
        assert!(
            on_list.contains("[`models::PaginatedApiAtlasDatabaseUserView`]"),
            "{on_list}"
        );
        assert!(
            on_list.contains("[`models::CloudDatabaseUser`]"),
            "{on_list}"
        );
        for signature in [
            "pub fn on_list_database_users(&self) -> ListDatabaseUsersExpectation<'_>",
            // A parameter list that breaks across lines ends with a comma.
            "pub fn respond(self, value: models::PaginatedApiAtlasDatabaseUserView",
            "pub fn respond_pages(self, items: impl IntoIterator<Item = models::CloudDatabaseUser>",
            "pub fn respond_error(self, status: u16, error: models::ApiError",
        ] {
            let signature: String = signature.split_whitespace().collect();
            assert!(text.contains(&signature), "{signature}");
        }
        // A 204: `respond` takes nothing.
        let delete = text
            .split("implDeleteRoleMappingExpectation<'_>")
            .nth(1)
            .unwrap();
        assert!(delete.contains("pubfnrespond(self){"), "{delete}");
        // Only list operations page.
        assert_eq!(text.matches("pubfnrespond_pages(").count(), 1);
    }

    /// Header and cookie parameters are matched like path and query ones: a matcher each,
    /// named like the builder's setter, that compares the value as the client sends it.
    #[test]
    fn header_and_cookie_parameters_have_matchers() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let api = crate::load_api(&root.join("tests/fixtures/endpoints.yaml"))
            .expect("the fixture lowers");
        let text = format_file(emit_testing(&api, "endpoints"), "src/testing/mod.rs").unwrap();
        let text: String = text.split_whitespace().collect();
        for matcher in [
            r#"pub fn x_trace(self, value: impl AsRef<str>) -> Self { Self(self.0.header_param("X-Trace", value.as_ref())) }"#,
            r#"pub fn x_max_age(self, value: i32) -> Self { Self(self.0.header_param("X-Max-Age", &value)) }"#,
            r#"pub fn use_effective_instance_fields(self, value: bool) -> Self { Self(self.0.header_param("Use-Effective-Instance-Fields", &value)) }"#,
            r#"pub fn region(self, value: impl AsRef<str>) -> Self { Self(self.0.cookie_param("region", value.as_ref())) }"#,
        ] {
            let matcher: String = matcher.split_whitespace().collect();
            assert!(text.contains(&matcher), "{matcher}");
        }
        // The headers the client sets itself have none.
        assert!(!text.contains(r#"header_param("Accept""#), "{text}");
    }

    /// `respond_pages` tells the fake the page's parameters, default size and members.
    #[test]
    fn respond_pages_pages_as_the_spec_says() {
        let text = emitted();
        let shape = text.split("letshape=mock::PageShape{").nth(1).unwrap();
        assert!(
            shape.starts_with(
                "page_param:\"pageNum\",size_param:\"itemsPerPage\",default_size:100,total_count:true,links:true,}"
            ),
            "{shape}"
        );
    }

    /// Every operation is a variant of `Operation` and a row of the table, in the same order.
    #[test]
    fn the_operation_table_follows_the_enum() {
        let text = emitted();
        let body = text.split("pubenumOperation{").nth(1).unwrap();
        let body = body.split("constOPERATIONS").next().unwrap();
        // Each variant follows its doc comment, which ends with the path template and `.`.
        let variants: Vec<&str> = body
            .split("`.")
            .skip(1)
            .map(|rest| rest.split([',', '/']).next().unwrap())
            .collect();
        let rows: Vec<&str> = text
            .match_indices("operation:Operation::")
            .map(|(i, m)| text[i + m.len()..].split(',').next().unwrap())
            .collect();
        assert_eq!(variants.len(), 8, "{body}");
        assert_eq!(variants, rows);
    }
}
