//! Operations: per tag, a module of `operations` with a method on `Client` and a request
//! builder per operation.

use std::collections::BTreeMap;

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::bodies;
use super::docs::{doc_lines, generated_doc_lines};
use super::rust::{doc_attrs_from_lines, ident};
use super::sample_values::{Sample, sample};
use crate::ir::{
    Api, BodyKind, IntKind, Operation, Pagination, Parameter, ParameterLocation, Payload, Tag,
    TypeDef, TypeRef,
};

/// A type as seen from an operations module: models through `models::`.
pub fn operation_type(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Named(name) => {
            let name = ident(name);
            quote!(models::#name)
        }
        TypeRef::List(inner) => {
            let inner = operation_type(inner);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = operation_type(inner);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        TypeRef::Nullable(inner) => {
            let inner = operation_type(inner);
            quote!(Option<#inner>)
        }
        TypeRef::File => quote!(models::codec::File),
        other => super::rust::type_tokens(other),
    }
}

/// The operations grouped by module, modules sorted by name, operations in spec order.
pub fn modules(api: &Api) -> BTreeMap<&str, Vec<&Operation>> {
    let mut modules: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    for operation in &api.operations {
        modules
            .entry(&operation.module)
            .or_default()
            .push(operation);
    }
    modules
}

/// `src/operations/mod.rs`.
pub fn emit_operations_mod(api: &Api, inline: Option<&dyn Fn(&str) -> TokenStream>) -> TokenStream {
    let modules = modules(api);
    let uses = shared_imports(api.operations.iter());
    let items = modules.iter().map(|(module, operations)| {
        let module_ident = ident(module);
        // Each module is a Cargo feature, but not in a single-file module: that is included
        // into a crate whose features are its own.
        let (declaration, cfg) = match inline {
            Some(body) => {
                let body = body(module);
                (quote!(pub mod #module_ident { #body }), None)
            }
            None => {
                let feature = Api::feature(module);
                (
                    quote!(pub mod #module_ident;),
                    Some(quote!(#[cfg(feature = #feature)])),
                )
            }
        };
        let mut builders: Vec<&str> = operations.iter().map(|o| o.builder_name.as_str()).collect();
        builders.sort_unstable();
        let exports = builders.into_iter().map(|b| {
            let b = ident(b);
            quote!(#cfg pub use #module_ident::#b;)
        });
        quote! {
            #cfg
            #declaration
            #(#exports)*
        }
    });
    quote! {
        //! The operations of the API, one module per tag. Each is a method on
        //! [`Client`] returning a request builder: set the parameters, then
        //! `send().await`.

        #uses
        #(#items)*
    }
}

/// The `use super::{..}` an operations module needs (and its parent, which passes them on),
/// in rustfmt's order: modules, then types.
fn shared_imports<'a>(operations: impl Iterator<Item = &'a Operation> + Clone) -> TokenStream {
    let mut names = vec!["request", "Client", "Error", "ResponseFuture"];
    if operations.clone().any(|o| !o.alternatives.is_empty()) {
        names.push("response");
    }
    if operations.clone().any(uses_models) {
        names.push("models");
    }
    if operations
        .clone()
        .any(|o| o.parameters.iter().any(|p| p.pattern.is_some()))
    {
        names.push("validation");
    }
    if operations.clone().any(|o| o.response == Payload::Bytes) {
        names.push("ByteStream");
    }
    if operations.clone().any(|o| o.pagination.is_some()) {
        names.push("Pages");
    }
    names.sort_by_key(|name| (name.starts_with(|c: char| c.is_ascii_uppercase()), *name));
    let names = names.into_iter().map(|n| format_ident!("{}", n));
    quote!(use super::{#(#names),*};)
}

fn uses_models(operation: &Operation) -> bool {
    operation.parameters.iter().any(|p| p.ty.named().is_some())
        || operation
            .body
            .iter()
            .flat_map(|b| b.types())
            .any(|ty| ty.named().is_some())
        || std::iter::once(&operation.response)
            .chain(operation.alternatives.iter().map(|a| &a.payload))
            .any(|p| p.json().is_some_and(|r| r.named().is_some()))
}

/// One module of `operations`: the operations of one tag.
/// Everything [`emit_operations_module`] reads, printed for a digest: its arguments (it reads
/// nothing else) and the emitter's code. An unchanged digest lets regeneration reuse the file
/// without building its tokens.
pub struct ModuleInputs<'a> {
    pub module: &'a str,
    pub operations: &'a [&'a Operation],
    pub tags: &'a [Tag],
    pub crate_ident: Option<&'a str>,
    /// The models, for the examples' request bodies: only what [`body_sample`] makes of them
    /// is read.
    pub types: &'a [TypeDef],
}

impl std::fmt::Display for ModuleInputs<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}\n{}\n{:?}\n{:?}\n{:?}",
            super::emitter_digest(),
            self.module,
            self.operations,
            self.tags,
            self.crate_ident
        )?;
        for operation in self.operations {
            write!(f, "\n{:?}", body_sample(operation, self.types))?;
        }
        Ok(())
    }
}

/// How an operation's example builds its required request body, when it can.
fn body_sample(operation: &Operation, types: &[TypeDef]) -> Option<Sample> {
    let body = operation.body.as_ref().filter(|b| b.required)?;
    sample(body.contents.first()?.kind.ty()?, types)
}

/// `crate_ident` is the crate's name in Rust, for the examples in the docs; `None` for a
/// module included into another crate, which has no examples.
pub fn emit_operations_module(
    module: &str,
    operations: &[&Operation],
    tags: &[Tag],
    crate_ident: Option<&str>,
    types: &[TypeDef],
) -> TokenStream {
    let tag_name = operations.iter().find_map(|o| o.tags.first()).cloned();
    let mut doc = match &tag_name {
        Some(tag) => vec![format!("Operations tagged \"{tag}\".")],
        None => vec![format!("Operations without a tag ({module}).")],
    };
    if let Some(description) = tag_name
        .as_ref()
        .and_then(|name| tags.iter().find(|t| &t.name == name))
        .and_then(|t| t.description.as_deref())
    {
        doc.push(String::new());
        doc.extend(doc_lines(description));
    }
    let doc = doc.iter().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#![doc = #line])
    });
    let uses = shared_imports(operations.iter().copied());
    let methods = operations
        .iter()
        .map(|o| client_method(o, crate_ident, types));
    let builders = operations.iter().map(|o| builder(o));
    let pages = operations.iter().any(|o| o.pagination.is_some()).then(|| {
        quote!(
            use super::super::paging::{page_number, Page};
        )
    });
    quote! {
        #(#doc)*

        #pages
        #uses

        impl Client {
            #(#methods)*
        }

        #(#builders)*
    }
}

fn operation_doc(operation: &Operation) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(summary) = &operation.summary {
        lines.extend(doc_lines(summary));
    }
    if let Some(description) = &operation.description {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(doc_lines(description));
    }
    if !lines.is_empty() {
        lines.push(String::new());
    }
    lines.push(format!("`{} {}`", operation.method, operation.path));
    lines
}

/// A value for a parameter in an example, as Rust: the example lowering chose, which passes the
/// parameter's checks; `None` for types without one.
pub fn placeholder_value(parameter: &Parameter) -> Option<String> {
    use serde_json::Value;
    Some(match (&parameter.ty, parameter.example.as_ref()?) {
        (TypeRef::String, Value::String(text)) => format!("{text:?}"),
        (TypeRef::Int(_), Value::Number(number)) => number.to_string(),
        (TypeRef::Bool, Value::Bool(flag)) => flag.to_string(),
        _ => return None,
    })
}

/// A short example of calling the operation, compiled by `cargo test --doc` (`no_run`): the
/// required parameters with values that pass their checks, and the request body built with
/// the models' constructors (or, where it cannot be, taken as an argument).
fn example(operation: &Operation, crate_ident: &str, types: &[TypeDef]) -> Vec<String> {
    let mut arguments = format!("client: {crate_ident}::Client");
    let mut call = Vec::new();
    if let Some(sample) = body_sample(operation, types) {
        let names: Vec<&str> = sample.models.iter().map(String::as_str).collect();
        let names = match names.as_slice() {
            [one] => one.to_string(),
            many => format!("{{{}}}", many.join(", ")),
        };
        call.push(format!("use {crate_ident}::models::{names};"));
        call.push(String::new());
        call.push(format!("let body = {};", sample.expression));
    } else if let Some(body) = operation.body.as_ref().filter(|b| b.required)
        && let Some(content) = body.contents.first()
    {
        match &content.kind {
            BodyKind::Bytes => arguments.push_str(", body: Vec<u8>"),
            BodyKind::Text => arguments.push_str(", body: String"),
            kind => {
                if let Some(TypeRef::Named(model)) = kind.ty() {
                    arguments.push_str(&format!(", body: {crate_ident}::models::{model}"));
                }
            }
        }
    }
    let body_set = call.iter().any(|l| l.starts_with("let body")) || arguments.contains("body:");
    call.push("let response = client".to_string());
    call.push(format!("    .{}()", operation.method_name));
    for parameter in operation.parameters.iter().filter(|p| p.required) {
        if let Some(value) = placeholder_value(parameter) {
            call.push(format!("    .{}({value})", parameter.rust_name));
        }
    }
    if body_set {
        call.push("    .body(body)".to_string());
    }
    call.push("    .await?;".to_string());
    let allow = if operation.deprecated {
        "# #[allow(deprecated)]".to_string()
    } else {
        String::new()
    };
    let mut lines = vec![
        "# Example".to_string(),
        String::new(),
        "```no_run".to_string(),
    ];
    if !allow.is_empty() {
        lines.push(allow);
    }
    lines.push(format!(
        "# async fn example({arguments}) -> Result<(), {crate_ident}::Error> {{"
    ));
    lines.extend(call);
    lines.push("# let _ = response;".to_string());
    lines.push("# Ok(())".to_string());
    lines.push("# }".to_string());
    lines.push("```".to_string());
    lines
}

fn client_method(
    operation: &Operation,
    crate_ident: Option<&str>,
    types: &[TypeDef],
) -> TokenStream {
    let mut doc = operation_doc(operation);
    if let Some(crate_ident) = crate_ident {
        doc.push(String::new());
        doc.extend(example(operation, crate_ident, types));
    }
    let doc = doc_attrs_from_lines(&doc);
    let name = ident(&operation.method_name);
    let builder = ident(&operation.builder_name);
    let deprecated = operation
        .deprecated
        .then(|| match &operation.deprecation_note {
            Some(note) => quote!(#[deprecated(note = #note)]),
            None => quote!(#[deprecated]),
        });
    // The builder is built here, not by a `new` of its own: one function fewer per operation.
    let nones = operation.parameters.iter().map(|p| {
        let name = ident(&p.rust_name);
        quote!(#name: None,)
    });
    let body_none = operation.body.as_ref().map(bodies::nones);
    // A builder of no other field: prettyplease keeps a struct literal on one line while the
    // whole of it is short (a name of up to 10 characters here), rustfmt while what is inside
    // the braces is (`struct_lit_width`); spelled so that both break a longer one.
    let client = if operation.parameters.is_empty()
        && operation.body.is_none()
        && operation.builder_name.len() > 10
    {
        quote!(Client::clone(self))
    } else {
        quote!(self.clone())
    };
    quote! {
        #doc
        #deprecated
        #[inline]
        pub fn #name(&self) -> #builder {
            #builder {
                client: #client,
                #(#nones)*
                #body_none
            }
        }
    }
}

fn builder(operation: &Operation) -> TokenStream {
    let builder = ident(&operation.builder_name);
    let doc = doc_attrs_from_lines(&generated_doc_lines(&format!(
        "Request builder of [`Client::{}`]: set the parameters, then `.await` it (or `send().await`).",
        operation.method_name
    )));
    let fields = operation.parameters.iter().map(|p| {
        let name = ident(&p.rust_name);
        let ty = operation_type(&p.ty);
        quote!(#name: Option<#ty>,)
    });
    let body_field = operation.body.as_ref().map(bodies::fields);
    let setters = operation.parameters.iter().map(setter);
    let body_setter = operation.body.as_ref().map(bodies::setters);
    let send = send(operation);
    let stream = operation
        .pagination
        .as_ref()
        .map(|pagination| stream(operation, pagination));
    let (output, _) = payload_call(&operation.response, quote!(prepared));
    let redacting = operation.parameters.iter().any(|p| p.sensitive);
    let debug = (!redacting).then(|| quote!(Debug,));
    let debug_impl = redacting.then(|| redacted_debug(operation));
    quote! {
        #doc
        #[derive(Clone, #debug)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct #builder {
            client: Client,
            #(#fields)*
            #body_field
        }

        impl #builder {
            #(#setters)*
            #body_setter
            #send
            #stream
        }

        /// `.await` sends the request, as `send().await` does.
        impl std::future::IntoFuture for #builder {
            type Output = Result<#output, Error>;
            type IntoFuture = ResponseFuture<#output>;

            #[inline]
            fn into_future(self) -> Self::IntoFuture {
                self.send()
            }
        }

        #debug_impl
    }
}

/// `Debug` for a builder with a secret parameter (a credential header): what the derive
/// prints, with each secret as `<redacted>`.
fn redacted_debug(operation: &Operation) -> TokenStream {
    let builder = ident(&operation.builder_name);
    let type_name = operation.builder_name.as_str();
    let fields = operation.parameters.iter().map(|p| {
        let field = ident(&p.rust_name);
        let label = p.rust_name.as_str();
        if p.sensitive {
            quote!(.field(#label, &request::redacted(&self.#field)))
        } else {
            quote!(.field(#label, &self.#field))
        }
    });
    let body = operation.body.as_ref().map(bodies::debug_fields);
    quote! {
        // Secrets never reach logs: the credential parameters print as `<redacted>`.
        impl std::fmt::Debug for #builder {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#type_name)
                    .field("client", &self.client)
                    #(#fields)*
                    #body
                    .finish()
            }
        }
    }
}

fn setter(parameter: &Parameter) -> TokenStream {
    let name = ident(&parameter.rust_name);
    let mut lines = parameter.doc.as_deref().map(doc_lines).unwrap_or_default();
    let mut rules = Vec::new();
    if parameter.required {
        rules.push("Required.".to_string());
    }
    match (parameter.minimum, parameter.maximum) {
        (Some(min), Some(max)) => rules.push(format!("Between {min} and {max}.")),
        (Some(min), None) => rules.push(format!("At least {min}.")),
        (None, Some(max)) => rules.push(format!("At most {max}.")),
        (None, None) => {}
    }
    if let Some(default) = &parameter.default {
        rules.push(format!("Default: `{default}`."));
    }
    if parameter.ip_address {
        rules.push("An IPv4 or IPv6 address.".to_string());
    } else if let Some(pattern) = &parameter.pattern_text {
        rules.push(format!("Matches `{}`.", pattern.replace('`', "\\`")));
    }
    // Where the value has a shape to match, an example of one that does.
    if (parameter.ip_address || parameter.pattern_text.is_some())
        && let Some(example) = placeholder_value(parameter)
    {
        rules.push(format!("Example: `{example}`."));
    }
    if !parameter.requires.is_empty() {
        rules.push(format!(
            "Requires {} to be set too.",
            parameter.requires.join(", ")
        ));
    }
    match parameter.location {
        ParameterLocation::Header => {
            rules.push(format!("Sent as the `{}` header.", parameter.name))
        }
        ParameterLocation::Cookie => {
            rules.push(format!("Sent as the `{}` cookie.", parameter.name))
        }
        ParameterLocation::Path | ParameterLocation::Query => {}
    }
    if parameter.sensitive {
        rules.push(match parameter.location {
            ParameterLocation::Header | ParameterLocation::Cookie => {
                "A credential: sent marked sensitive, and `Debug` prints it redacted.".to_string()
            }
            ParameterLocation::Path | ParameterLocation::Query => {
                "A secret: `Debug` prints it redacted.".to_string()
            }
        });
    }
    if !rules.is_empty() {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push(rules.join(" "));
    }
    let doc = doc_attrs_from_lines(&lines);
    let deprecated = parameter.deprecated.then(|| quote!(#[deprecated]));
    let (argument, value) = match &parameter.ty {
        TypeRef::String => (quote!(impl Into<String>), quote!(value.into())),
        other => (operation_type(other), quote!(value)),
    };
    quote! {
        #doc
        #deprecated
        #[inline]
        pub fn #name(mut self, value: #argument) -> Self {
            self.#name = Some(#value);
            self
        }
    }
}

/// The statements that check a set parameter's value (`value` is a reference to it), each
/// kept by the request being built (`call`) if it fails.
fn checks(parameter: &Parameter, value: &TokenStream) -> Vec<TokenStream> {
    let name = &parameter.name;
    let mut checks = Vec::new();
    if let Some(pattern) = &parameter.pattern
        && parameter.ty == TypeRef::String
    {
        let constant = format_ident!("{}", pattern);
        checks.push(quote!(call.check_pattern(#name, #value, &validation::#constant);));
    }
    if parameter.ip_address && parameter.ty == TypeRef::String {
        checks.push(quote!(call.check_ip_address(#name, #value);));
    }
    if (parameter.minimum.is_some() || parameter.maximum.is_some())
        && let TypeRef::Int(kind) = parameter.ty
    {
        let minimum = option_tokens(parameter.minimum);
        let maximum = option_tokens(parameter.maximum);
        let widened = match kind {
            IntKind::I32 | IntKind::U32 => quote!(i64::from(*#value)),
            IntKind::I64 => quote!(*#value),
            IntKind::U64 => quote!(i64::try_from(*#value).unwrap_or(i64::MAX)),
        };
        checks.push(quote!(call.check_range(#name, #widened, #minimum, #maximum);));
    }
    checks
}

fn option_tokens(value: Option<i64>) -> TokenStream {
    match value {
        Some(v) => {
            let v = proc_macro2::Literal::i64_unsuffixed(v);
            quote!(Some(#v))
        }
        None => quote!(None),
    }
}

fn send(operation: &Operation) -> TokenStream {
    // Missing required parameters return at once, before anything is built; the checks of
    // the values that are set come after, each kept by the request if it fails.
    let mut required = Vec::new();
    let mut statements = Vec::new();
    let mut path_values: Vec<(Ident, &Parameter)> = Vec::new();
    for parameter in &operation.parameters {
        let field = ident(&parameter.rust_name);
        let wire = &parameter.name;
        if parameter.required {
            required.push(quote! {
                let Some(#field) = &self.#field else {
                    return Err(request::missing(#wire));
                };
            });
            let value = quote!(#field);
            statements.extend(checks(parameter, &value));
        } else {
            let value = quote!(value);
            let parameter_checks = checks(parameter, &value);
            if !parameter_checks.is_empty() {
                statements.push(quote! {
                    if let Some(value) = &self.#field {
                        #(#parameter_checks)*
                    }
                });
            }
        }
        if parameter.location == ParameterLocation::Path {
            path_values.push((field, parameter));
        }
    }
    for parameter in &operation.parameters {
        for other in &parameter.requires {
            let Some(other_parameter) = operation.parameters.iter().find(|p| &p.name == other)
            else {
                continue;
            };
            let field = ident(&parameter.rust_name);
            let other_field = ident(&other_parameter.rust_name);
            let wire = &parameter.name;
            let other_set = if other_parameter.required {
                quote!(true)
            } else {
                quote!(self.#other_field.is_some())
            };
            let value = if parameter.required {
                quote!(Some(request::text(#field)))
            } else {
                quote!(self.#field.as_ref().map(request::text))
            };
            statements.push(quote!(call.check_requires(#wire, #value, #other, #other_set);));
        }
    }
    // The path, literal parts and parameters, each parameter one encoded segment.
    let mut path = Vec::new();
    let mut rest = operation.path.as_str();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let literal = &rest[..open];
        if !literal.is_empty() {
            path.push(quote!(call.path(#literal);));
        }
        let name = &rest[open + 1..open + close];
        if let Some((field, parameter)) = path_values.iter().find(|(_, p)| p.name == name) {
            let text = if parameter.ty == TypeRef::String {
                quote!(#field)
            } else {
                quote!(&request::text(#field))
            };
            path.push(quote!(call.segment(#name, #text);));
        }
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        path.push(quote!(call.path(#rest);));
    }
    let method = format_ident!("{}", operation.method);
    let accept = &operation.accept;
    let (operation_id, path_template) = (&operation.id, &operation.path);
    let queries = operation
        .parameters
        .iter()
        .filter(|p| p.location == ParameterLocation::Query)
        .map(|p| {
            let field = ident(&p.rust_name);
            let wire = &p.name;
            if p.required {
                quote!(call.query(#wire, #field);)
            } else {
                quote! {
                    if let Some(value) = &self.#field {
                        call.query(#wire, value);
                    }
                }
            }
        });
    // Header parameters, and cookie parameters in the `Cookie` header.
    let headers = operation.parameters.iter().filter_map(|p| {
        let call = match p.location {
            ParameterLocation::Header => quote!(header),
            ParameterLocation::Cookie => quote!(cookie),
            ParameterLocation::Path | ParameterLocation::Query => return None,
        };
        let field = ident(&p.rust_name);
        let wire = &p.name;
        let sensitive = p.sensitive;
        Some(if p.required {
            quote!(call.#call(#wire, #field, #sensitive);)
        } else {
            quote! {
                if let Some(value) = &self.#field {
                    call.#call(#wire, value, #sensitive);
                }
            }
        })
    });
    // A required body is missing like a required parameter.
    let body = operation
        .body
        .as_ref()
        .map(|body| bodies::statements(body, &mut required));
    let (output, finish) = payload_call(&operation.response, quote!(self.prepare()));
    let doc = doc_attrs_from_lines(&doc_lines(&format!(
        "Checks the parameters and sends the request: `{} {}`. Await the returned future for the response.",
        operation.method, operation.path
    )));
    let stream = (operation.response == Payload::Bytes).then(|| {
        let doc = doc_attrs_from_lines(&doc_lines(
            "Like [`send`](Self::send), but the body as a stream of chunks as they arrive, for downloads too large to hold in memory.",
        ));
        quote! {
            #doc
            #[inline]
            pub fn send_stream(self) -> ResponseFuture<ByteStream> {
                ResponseFuture::stream(self.prepare())
            }
        }
    });
    let alternatives = operation.alternatives.iter().map(|alternative| {
        let name = format_ident!("send_{}", alternative.suffix);
        let media = &alternative.media_type;
        let prepared = quote!(response::accepting(self.prepare(), media_type));
        let (output, finish) = payload_call(&alternative.payload, prepared);
        let doc = doc_attrs_from_lines(&generated_doc_lines(&format!(
            "Like [`send`](Self::send), asking for `{media}` instead."
        )));
        quote! {
            #doc
            #[inline]
            pub fn #name(self) -> ResponseFuture<#output> {
                let media_type = #media;
                #finish
            }
        }
    });
    // `prepare` borrows the builder and `send` drops it whole: moving fields out made every
    // early return drop the remaining fields one by one, a large share of the crate's code.
    // `#[inline]` on the ways in (`send`, `stream`, ...) means a crate compiles to machine code
    // only the operations it calls, with the models they decode, not all of them: the rest is
    // type-checked only, which halves the build of a large crate. The client methods and the
    // setters are `#[inline]` too: a setter of a body compiled here would drop the old body,
    // which compiled the drop code of every model the body reaches.
    quote! {
        /// Checks the parameters and builds the request, before anything is sent.
        #[inline]
        fn prepare(&self) -> Result<(Client, request::Request), Error> {
            #(#required)*
            let mut call = request::Draft::new(
                reqwest::Method::#method,
                #accept,
                #operation_id,
                #path_template,
            );
            #(#statements)*
            #(#path)*
            #(#queries)*
            #(#headers)*
            #body
            call.finish(&self.client)
        }

        #doc
        #[inline]
        pub fn send(self) -> ResponseFuture<#output> {
            #finish
        }

        #stream
        #(#alternatives)*
    }
}

/// The output type of a payload, and the future that reads it from a prepared request.
fn payload_call(payload: &Payload, prepared: TokenStream) -> (TokenStream, TokenStream) {
    match payload {
        Payload::Json(ty) => (operation_type(ty), quote!(ResponseFuture::json(#prepared))),
        Payload::Empty => (quote!(()), quote!(ResponseFuture::empty(#prepared))),
        Payload::Bytes => (quote!(Vec<u8>), quote!(ResponseFuture::bytes(#prepared))),
    }
}

fn stream(operation: &Operation, pagination: &Pagination) -> TokenStream {
    let item = operation_type(&pagination.item);
    let page = ident(&pagination.page_param);
    let size = ident(&pagination.size_param);
    let default_size = pagination.default_page_size;
    let param_kind = |name: &str| {
        operation
            .parameters
            .iter()
            .find(|p| p.rust_name == name)
            .and_then(|p| match p.ty {
                TypeRef::Int(kind) => Some(kind),
                _ => None,
            })
    };
    // `field` as an i64, `default` when unset.
    let widened = |field: &Ident, kind: Option<IntKind>, default: i64| {
        let default = proc_macro2::Literal::i64_unsuffixed(default);
        match kind {
            Some(IntKind::I64) => quote!(self.#field.unwrap_or(#default)),
            Some(IntKind::U64) => {
                quote!(self.#field.map_or(#default, |v| i64::try_from(v).unwrap_or(i64::MAX)))
            }
            _ => quote!(self.#field.map_or(#default, i64::from)),
        }
    };
    let page_kind = param_kind(&pagination.page_param);
    let page_size = widened(&size, param_kind(&pagination.size_param), default_size);
    let first_page = widened(&page, page_kind, 1);
    let page_wire = operation
        .parameters
        .iter()
        .find(|p| p.rust_name == pagination.page_param)
        .map(|p| p.name.clone())
        .unwrap_or_default();
    let results = ident(&pagination.results_field);
    let items = if pagination.results_optional {
        quote!(body.#results.unwrap_or_default())
    } else {
        quote!(body.#results)
    };
    // The `rel` of each of the page's links, when it has them.
    let rels = match &pagination.links {
        Some(links) => {
            let field = ident(&links.field);
            let rel = ident(&links.rel_field);
            let each = if links.optional {
                quote!(body.#field.iter().flatten())
            } else {
                quote!(body.#field.iter())
            };
            let take = if links.rel_optional {
                quote!(filter_map(|link| link.#rel.clone()))
            } else {
                quote!(map(|link| link.#rel.clone()))
            };
            quote!(#each.#take.collect())
        }
        None => quote!(Vec::new()),
    };
    let doc = doc_attrs_from_lines(&doc_lines(&format!(
        "Every item across all pages, as a stream: pages are requested from `{page_wire}` on (1 unless set), one at a time, each only once the previous one is consumed. The stream ends after an empty page, a page shorter than the page size asked for, or a page without a `next` link once the pages carry paging links; never because of a reported total, which Atlas documents as an estimate. It ends with an error after a page the server sent twice or past the client's `max_pages`."
    )));
    let body = operation_type(&pagination.page);
    // Plain closures: the future that awaits a page is the runtime's, one generic type, where
    // an `async` block here was a state machine per operation.
    quote! {
        #doc
        #[inline]
        pub fn stream(self) -> Pages<#item> {
            let page_size = #page_size;
            let first_page = #first_page;
            let max_pages = self.client.max_pages();
            Pages::new(
                first_page,
                page_size,
                max_pages,
                move |page| Ok(self.clone().#page(page_number(page, #page_wire)?).send()),
                |body: #body| Page { rels: #rels, items: #items },
            )
        }
    }
}
