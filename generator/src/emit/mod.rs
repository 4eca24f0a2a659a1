//! Stage 4: the intermediate model to files.
//!
//! Rust is built with `quote` and printed by prettyplease, one file per model so that a change
//! to one schema changes one file; the crate's other files come from askama templates.
//! Emitters read only [`crate::ir`].

mod bodies;
mod codec;
mod crate_files;
pub mod docs;
mod examples;
mod models;
mod operations;
mod runtime;
mod rust;
mod sample_values;
mod testing;

pub use models::emit_model;
pub use rust::GENERATED_HEADER;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use proc_macro2::TokenStream;
use quote::quote;

use crate::config::Config;
use crate::error::Error;
use crate::ir::{Api, Operation, TypeDef, TypeKind};
use crate::reuse::{self, PreviousOutput, Record};
use runtime::Needs;

/// A Rust file to emit, on a worker thread (token streams cannot cross threads, so each job
/// builds its own).
struct RustJob<'a> {
    path: String,
    /// The digest of what the file is made from, when that is cheaper to compute than its
    /// tokens (see [`models::ModelInputs`] and [`operations::ModuleInputs`]): an unchanged
    /// file is then reused without building them.
    inputs: Option<Box<dyn Fn() -> String + Send + Sync + 'a>>,
    tokens: Box<dyn Fn() -> TokenStream + Send + Sync + 'a>,
}

impl<'a> RustJob<'a> {
    fn new(path: impl Into<String>, tokens: impl Fn() -> TokenStream + Send + Sync + 'a) -> Self {
        Self {
            path: path.into(),
            inputs: None,
            tokens: Box::new(tokens),
        }
    }

    fn with_inputs(mut self, inputs: impl std::fmt::Display + Send + Sync + 'a) -> Self {
        self.inputs = Some(Box::new(move || reuse::inputs_digest(&inputs)));
        self
    }
}

/// The digest of the emitters' own code, part of every [`RustJob::inputs`]: a changed emitter
/// emits every file again. Every module the model and operations emitters call is in it (a
/// test holds the list to their `use`s).
pub(crate) fn emitter_digest() -> &'static str {
    static DIGEST: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DIGEST.get_or_init(|| {
        reuse::inputs_digest(&concat!(
            env!("CARGO_PKG_VERSION"),
            include_str!("models.rs"),
            include_str!("operations.rs"),
            include_str!("bodies.rs"),
            include_str!("sample_values.rs"),
            include_str!("docs.rs"),
            include_str!("rust.rs"),
            include_str!("../rust_names.rs"),
            include_str!("../ir.rs"),
        ))
    })
}

/// Identifies how tokens become text: the generator's version, its formatting code (`rust.rs`),
/// and what that code makes of a sample (which changes when prettyplease or syn print
/// differently). The manifest of reused files ([`crate::reuse`]) names it; worked out once per
/// process.
pub(crate) fn formatter_id() -> &'static str {
    static ID: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ID.get_or_init(|| {
        let sample = format_sample();
        reuse::inputs_digest(&format_args!(
            "{}{}{sample}",
            env!("CARGO_PKG_VERSION"),
            include_str!("rust.rs")
        ))
    })
}

/// The files of a crate, and what making them took.
pub struct EmittedCrate {
    /// Paths relative to the crate root, sorted.
    pub files: Vec<(PathBuf, String)>,
    /// Time spent formatting Rust, summed over the worker threads.
    pub format_cpu: Duration,
    /// Rust files taken unchanged from the previous output instead of being formatted.
    pub reused: usize,
}

/// The files of the crate (paths relative to its root). Rust files whose tokens are those
/// `previous` formatted are taken from it (see [`crate::reuse`]).
pub fn emit_crate(
    api: &Api,
    config: &Config,
    spec_file: &str,
    previous: &PreviousOutput,
    source: &str,
) -> Result<EmittedCrate, Error> {
    let mut files = vec![
        (
            PathBuf::from("Cargo.toml"),
            crate_files::cargo_toml(api, config, spec_file)?,
        ),
        (
            PathBuf::from("README.md"),
            crate_files::readme(api, config, spec_file)?,
        ),
        (PathBuf::from("rustfmt.toml"), crate_files::rustfmt_toml()?),
    ];
    if let Some(changelog) = &config.changelog {
        files.push((PathBuf::from("CHANGELOG.md"), changelog.clone()));
    }
    if let Some(example) = crate_files::quickstart_example(api, config)? {
        files.push((PathBuf::from("examples/quickstart.rs"), example));
    }
    let modules = operations::modules(api);
    // The crate's name in Rust, for the examples in its docs and tests.
    let crate_ident: &str = &config.crate_name.replace('-', "_");
    let needs = Needs::of(api).with_mock();
    if codec::needed(api) {
        let codec = runtime::copy_for(codec::SOURCE, &needs);
        files.push((
            PathBuf::from("src/models/codec.rs"),
            format!("{GENERATED_HEADER}{codec}"),
        ));
    }
    if !api.operations.is_empty() {
        files.extend(runtime_files(&needs));
    }
    if !api.examples.is_empty() {
        files.extend(
            examples::example_files(api)
                .into_iter()
                .map(|(p, json)| (PathBuf::from(p), json)),
        );
    }
    let jobs = rust_jobs(api, &modules, crate_ident);
    let rust = run_jobs(&jobs, previous)?;
    // The files that are not formatted are recorded whole, so that a regeneration can tell
    // the crate on disk is complete and unedited (`PreviousOutput::is_current`).
    let mut records = rust.records;
    records.extend(
        files
            .iter()
            .map(|(path, text)| Record::whole(&path.to_string_lossy(), text)),
    );
    let manifest = reuse::manifest(&mut records, formatter_id(), source);
    files.push((PathBuf::from(reuse::MANIFEST), manifest));
    files.extend(rust.files);
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(EmittedCrate {
        files,
        format_cpu: rust.format_cpu,
        reused: rust.reused,
    })
}

/// The files copied into a crate that has operations: the client runtime and the mock server
/// of `testing`, each with what the spec's operations need of it (see [`runtime`]).
pub fn runtime_files(needs: &Needs) -> Vec<(PathBuf, String)> {
    let headed = |source: &str| [GENERATED_HEADER, &runtime::copy_for(source, needs)].concat();
    let mut files: Vec<(PathBuf, String)> = needs
        .modules()
        .map(|module| {
            let path = PathBuf::from(format!("src/{}.rs", module.name));
            (path, headed(module.source))
        })
        .collect();
    files.push((
        PathBuf::from("src/testing/mock.rs"),
        headed(testing::MOCK_SOURCE),
    ));
    files
}

/// The crate's Rust files that are emitted as tokens and formatted (the runtime's are copied),
/// biggest first: the threads take them in this order, and a big file taken last keeps one
/// core busy while the other has nothing left (a third of a millisecond of the official
/// subset's emission). Files that gather the whole API come first, then the operation
/// modules by their number of operations, then the models by their number of members.
fn rust_jobs<'a>(
    api: &'a Api,
    modules: &'a BTreeMap<&'a str, Vec<&'a Operation>>,
    crate_ident: &'a str,
) -> Vec<RustJob<'a>> {
    let mut jobs = Vec::new();
    if !api.examples.is_empty() {
        jobs.push(RustJob::new("tests/spec_examples.rs", move || {
            examples::emit_example_tests(api, crate_ident).unwrap_or_default()
        }));
    }
    if !api.operations.is_empty() {
        jobs.push(RustJob::new("src/testing/mod.rs", move || {
            testing::emit_testing(api, crate_ident)
        }));
    }
    jobs.push(RustJob::new("src/lib.rs", || emit_lib(api)));
    jobs.push(RustJob::new("src/models/mod.rs", || {
        models::emit_models_mod(&api.types, false, codec::needed(api))
    }));
    if !api.operations.is_empty() {
        jobs.push(RustJob::new("src/operations/mod.rs", || {
            operations::emit_operations_mod(api, None)
        }));
        // `emit_validation` has nothing to say without patterns.
        if !api.patterns.is_empty() {
            jobs.push(RustJob::new("src/validation.rs", || {
                runtime::emit_validation(api).unwrap_or_default()
            }));
        }
        let mut by_size: Vec<_> = modules.iter().collect();
        by_size.sort_by_key(|(_, operations)| std::cmp::Reverse(operations.len()));
        for (&module, module_operations) in by_size {
            let path = format!("src/operations/{module}.rs");
            let inputs = operations::ModuleInputs {
                module,
                operations: module_operations,
                tags: &api.tags,
                crate_ident: Some(crate_ident),
                types: &api.types,
            };
            let tokens = move || {
                operations::emit_operations_module(
                    module,
                    module_operations,
                    &api.tags,
                    Some(crate_ident),
                    &api.types,
                )
            };
            jobs.push(RustJob::new(path, tokens).with_inputs(inputs));
        }
    }
    let mut by_size: Vec<&TypeDef> = api.types.iter().collect();
    by_size.sort_by_key(|def| std::cmp::Reverse(members(def)));
    for def in by_size {
        let path = format!("src/models/{}.rs", def.module);
        let inputs = models::ModelInputs {
            def,
            types: &api.types,
        };
        jobs.push(RustJob::new(path, move || emit_model(def, &api.types)).with_inputs(inputs));
    }
    jobs
}

/// What a model's file is made of, about in proportion to the time it takes to emit.
fn members(def: &TypeDef) -> usize {
    match &def.kind {
        TypeKind::Struct(s) => s.fields.len(),
        TypeKind::Enum(e) => e.variants.len(),
        TypeKind::Tagged(u) => u.variants.len(),
        TypeKind::Untagged(u) => u.variants.len(),
        TypeKind::Alias(_) => 1,
    }
}

/// The Rust files of a crate, in job order (see [`rust_jobs`]).
struct RustFiles {
    files: Vec<(PathBuf, String)>,
    records: Vec<Record>,
    format_cpu: Duration,
    reused: usize,
}

/// Emits and formats the jobs on all cores, keeping their order.
fn run_jobs(jobs: &[RustJob<'_>], previous: &PreviousOutput) -> Result<RustFiles, Error> {
    // A file, its record, and how long formatting it took (`None`: reused, not formatted).
    let emitted = crate::cores::map(jobs, |job| {
        let path = job.path.as_str();
        // The digest of what the file is made from: its inputs when they are known, else
        // its tokens.
        let (tokens, digest) = match &job.inputs {
            Some(inputs) => (None, inputs()),
            None => {
                let tokens = (job.tokens)();
                let digest = reuse::inputs_digest(&tokens);
                (Some(tokens), digest)
            }
        };
        if let Some((text, record)) = previous.reuse(path, &digest) {
            return Ok((PathBuf::from(path), text, record, None));
        }
        let tokens = tokens.unwrap_or_else(|| (job.tokens)());
        let start = Instant::now();
        let text = rust::format_file(tokens, path)?;
        let format_time = start.elapsed();
        let record = Record::new(path, digest, &text);
        Ok::<_, Error>((PathBuf::from(path), text, record, Some(format_time)))
    })?;
    let mut rust = RustFiles {
        files: Vec::with_capacity(emitted.len()),
        records: Vec::with_capacity(emitted.len()),
        format_cpu: Duration::ZERO,
        reused: 0,
    };
    for (path, text, record, format_time) in emitted {
        rust.files.push((path, text));
        rust.records.push(record);
        match format_time {
            Some(time) => rust.format_cpu += time,
            None => rust.reused += 1,
        }
    }
    Ok(rust)
}

/// A sample formatted as every file is: what [`formatter_id`] checks the formatter by.
fn format_sample() -> String {
    let tokens = quote! {
        //! A module.
        use super::codec;
        /// A struct whose attributes and fields wrap as generated models do.
        #[derive(Clone, Debug, PartialEq, serde::Serialize)]
        pub struct Sample {
            #[serde(rename = "aVeryLongFieldNameThatWraps", default, skip_serializing_if = "Option::is_none")]
            pub a_very_long_field_name_that_wraps: Option<std::collections::BTreeMap<String, Vec<Sample>>>,
        }
        impl Sample {
            pub fn get(&self, key: &str) -> Result<Option<&Vec<Sample>>, String> {
                match self.a_very_long_field_name_that_wraps.as_ref().map(|map| map.get(key)) {
                    Some(found) => Ok(found),
                    None => Err(format!("no field {} in a sample of {} bytes", key, std::mem::size_of::<Self>())),
                }
            }
        }
    };
    rust::format_file(tokens, "sample.rs").unwrap_or_default()
}

/// The whole crate as one Rust source, for `include!` from a build script's `OUT_DIR`: its
/// modules are written inline and every path inside is relative, so it can be included at the
/// crate root or inside any module.
/// What a crate that includes [`emit_module`]'s output declares in its manifest.
pub fn includer_manifest(api: &Api, spec_file: &str) -> Result<String, Error> {
    crate_files::includer_toml(api, spec_file)
}

pub fn emit_module(api: &Api) -> Result<String, Error> {
    let needs = Needs::of(api);
    let has_codec = codec::needed(api);
    // The copied runtime is text already formatted: spliced in as it is, never parsed and
    // printed again (that was most of a build script's generation). The generated parts are
    // formatted each on its own, on all cores.
    let copied = |name: &str, source: &str| {
        format!("mod {name} {{\n{}}}\n", runtime::copy_for(source, &needs))
    };
    type Part<'a> = Box<dyn Fn() -> Result<String, Error> + Send + Sync + 'a>;
    let mut parts: Vec<Part<'_>> = vec![Box::new(|| {
        let models = models::emit_models_mod(&api.types, true, has_codec);
        let codec = has_codec.then(|| copied("codec", codec::SOURCE));
        Ok(format!(
            "pub mod models {{\n{}{}}}\n",
            rust::format_tokens(models, "<module>/models")?,
            codec.map(|c| format!("pub {c}")).unwrap_or_default()
        ))
    })];
    if !api.operations.is_empty() {
        parts.push(Box::new(|| {
            let modules = operations::modules(api);
            let body = |module: &str| {
                operations::emit_operations_module(
                    module,
                    &modules[module],
                    &api.tags,
                    None,
                    &api.types,
                )
            };
            let operations = operations::emit_operations_mod(api, Some(&body));
            let text = rust::format_tokens(operations, "<module>/operations")?;
            Ok(format!("pub mod operations {{\n{text}}}\n"))
        }));
        parts.push(Box::new(|| {
            let mut text: String = needs
                .modules()
                .map(|module| copied(module.name, module.source))
                .collect();
            if let Some(validation) = runtime::emit_validation(api) {
                let validation = rust::format_tokens(validation, "<module>/validation")?;
                text.push_str(&format!("mod validation {{\n{validation}}}\n"));
            }
            Ok(text)
        }));
    }
    parts.push(Box::new(|| rust::format_tokens(exports(api), "<module>")));
    let parts = crate::cores::map(&parts, |part| part())?;
    Ok(format!("{GENERATED_HEADER}{}", parts.concat()))
}

/// What the crate root re-exports: the crates its public types are built from, and the
/// runtime's types.
fn exports(api: &Api) -> TokenStream {
    let crates = quote! {
        /// The date and time types of the models' timestamps (`chrono::DateTime<Utc>`), so a
        /// value can be built without depending on `chrono` yourself.
        pub use chrono;
        /// The JSON values of the models' free-form fields and `unknown_fields`
        /// (`serde_json::Map`, `serde_json::Value`).
        pub use serde_json;
    };
    let needs = Needs::of(api);
    // Where the models' names cannot clash with it (Box's spec has a `File` model).
    let file = needs.has("file").then(|| {
        quote! {
            /// A file of a `multipart/form-data` body: its bytes, file name and media type.
            pub use models::codec::File;
        }
    });
    let crates = quote!(#crates #file);
    if api.operations.is_empty() {
        return crates;
    }
    let error_body = error_body(api);
    let base_url = &api.base_url;
    let base_url_doc = rust::doc_attrs_from_lines(&docs::doc_lines(&format!(
        "Where requests go unless the client is built with another base URL: `{base_url}`, the spec's first server."
    )));
    // What only some specs' operations give: list streams and byte streams.
    let (paging, stream) = (needs.has("paging"), needs.has("stream"));
    let client = if paging {
        quote!(
            pub use client::{
                Client, ClientBuilder, RetryPolicy, DEFAULT_MAX_BODY_SIZE, DEFAULT_MAX_PAGES,
            };
        )
    } else {
        quote!(
            pub use client::{Client, ClientBuilder, RetryPolicy, DEFAULT_MAX_BODY_SIZE};
        )
    };
    let byte_stream = stream.then(|| {
        quote!(
            pub use download::ByteStream;
        )
    });
    let pages = paging.then(|| {
        quote!(
            pub use paging::Pages;
        )
    });
    let streams = match (paging, stream) {
        (true, true) => Some("`Pages` and `ByteStream` implement"),
        (true, false) => Some("`Pages` implements"),
        (false, true) => Some("`ByteStream` implements"),
        (false, false) => None,
    };
    let futures_core = streams.map(|which| {
        let doc = format!(" The `Stream` trait that {which}.");
        quote! {
            #[doc = #doc]
            pub use futures_core;
        }
    });
    quote! {
        #client
        #byte_stream
        pub use error::Error;
        #pages
        pub use raw::RawRequest;
        pub use response::{Response, ResponseFuture, WithResponse};

        #base_url_doc
        pub const DEFAULT_BASE_URL: &str = #base_url;

        #error_body

        #crates
        /// The HTTP client underneath (`reqwest::Method` for `Client::request`, `reqwest::Client`
        /// for `ClientBuilder::http_client`, the `HeaderMap` of a `Response`).
        pub use reqwest;
        #futures_core
    }
}

/// The API's error body at the crate root as `ApiError`, the type [`Error::Api`] holds (the
/// spec's error model, or any JSON value when it has none), and what the client needs of it:
/// its error code, and a place for members whose values do not fit.
fn error_body(api: &Api) -> TokenStream {
    let doc = quote!(
        /// The body of the API's error responses, as [`Error::Api`] holds it.
    );
    let Some(model) = &api.error_model else {
        return quote! {
            #doc
            pub type ApiError = serde_json::Value;
        };
    };
    let name = rust::ident(model);
    let export = if model == "ApiError" {
        quote!(
            pub use models::ApiError;
        )
    } else {
        quote!(pub use models::#name as ApiError;)
    };
    let fields = match api.type_def(model).map(|def| &def.kind) {
        Some(TypeKind::Struct(s)) => Some(s),
        _ => None,
    };
    // The code: `errorCode`, else `code`, when it is a string.
    let code = fields.and_then(|s| {
        ["errorCode", "code"].iter().find_map(|wire| {
            s.fields
                .iter()
                .find(|f| f.json_name == *wire && f.ty == crate::ir::TypeRef::String && !f.boxed)
        })
    });
    let error_code = match code {
        Some(field) if field.is_optional() => {
            let field = rust::ident(&field.name);
            quote!(self.#field.as_deref())
        }
        Some(field) => {
            let field = rust::ident(&field.name);
            quote!(Some(&self.#field))
        }
        None => quote!(None),
    };
    let keep = match fields.and_then(|s| s.unknown_fields.as_ref()) {
        Some(field) => {
            let field = rust::ident(field);
            quote!(self.#field.insert(key, value);)
        }
        None => quote!(let _ = (key, value);),
    };
    quote! {
        #doc
        #export

        impl error::ErrorBody for models::#name {
            fn error_code(&self) -> Option<&str> {
                #error_code
            }

            fn keep(&mut self, key: String, value: serde_json::Value) {
                #keep
            }
        }
    }
}

fn emit_lib(api: &Api) -> TokenStream {
    // Module declarations in name order, as rustfmt sorts them.
    let mut modules: Vec<(&str, TokenStream)> = vec![(
        "models",
        quote!(
            pub mod models;
        ),
    )];
    if !api.operations.is_empty() {
        for module in Needs::of(api).modules() {
            let name = quote::format_ident!("{}", module.name);
            modules.push((module.name, quote!(mod #name;)));
        }
        modules.push((
            "operations",
            quote!(
                pub mod operations;
            ),
        ));
        modules.push((
            "testing",
            quote!(
                #[cfg(feature = "testing")]
                #[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
                pub mod testing;
            ),
        ));
        if !api.patterns.is_empty() {
            modules.push((
                "validation",
                quote!(
                    mod validation;
                ),
            ));
        }
    }
    modules.sort_by(|a, b| a.0.cmp(b.0));
    let modules = modules.into_iter().map(|(_, tokens)| tokens);
    let exports = exports(api);
    // With only some operation features, some helpers, imports and the codec's macro (when no
    // model is compiled) go unused.
    let features = (!api.operations.is_empty()).then(
        || quote!(#![cfg_attr(not(feature = "full"), allow(dead_code, unused_imports, unused_macros))]),
    );
    // docs.rs (`--cfg docsrs`, nightly) marks what a feature gates, such as `testing`.
    let doc_cfg =
        (!api.operations.is_empty()).then(|| quote!(#![cfg_attr(docsrs, feature(doc_cfg))]));
    // A crate with a README has it as its docs, so its examples are doc tests.
    let doc = quote!(#![doc = include_str!("../README.md")]);
    quote! {
        #doc
        #![forbid(unsafe_code)]
        #doc_cfg
        #features

        #(#modules)*
        #exports
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{operations, rust, rust_jobs};

    /// The emitter modules in [`super::emitter_digest`], by file: every emitter module that
    /// one of them uses is among them, so a change to it reaches the digest of every reused
    /// file.
    #[test]
    fn the_emitter_digest_holds_every_module_the_reused_files_are_made_by() {
        let digested = [
            ("models", include_str!("models.rs")),
            ("operations", include_str!("operations.rs")),
            ("bodies", include_str!("bodies.rs")),
            ("sample_values", include_str!("sample_values.rs")),
            ("docs", include_str!("docs.rs")),
            ("rust", include_str!("rust.rs")),
        ];
        let source = include_str!("mod.rs");
        let digest_fn = &source[source.find("fn emitter_digest").unwrap()..];
        let digest_fn = &digest_fn[..digest_fn.find("\n}\n").unwrap()];
        for (name, _) in digested {
            assert!(
                digest_fn.contains(&format!("include_str!(\"{name}.rs\")")),
                "{name}"
            );
        }
        for (name, text) in digested {
            for line in text.lines().filter(|l| l.starts_with("use super::")) {
                let used = line["use super::".len()..]
                    .split([':', ';', ' ', '{'])
                    .next()
                    .unwrap();
                assert!(
                    digested.iter().any(|(n, _)| *n == used),
                    "{name}.rs uses super::{used}, which is not in the emitter digest"
                );
            }
        }
    }

    /// Tokens that are not Rust are an error naming the file.
    #[test]
    fn invalid_tokens_are_an_error_naming_the_file() {
        for tokens in [
            quote::quote!(pub struct A { pub a: , }),
            quote::quote!(fn f() { let = 1; }),
            quote::quote!(fn f() { match x { => a, } }),
            quote::quote!(pub enum E { A = , }),
        ] {
            match rust::format_file(tokens.clone(), "src/models/a.rs") {
                Err(crate::Error::Codegen { file, .. }) => {
                    assert_eq!(file, Path::new("src/models/a.rs"), "{tokens}");
                }
                other => panic!("{tokens}: {other:?}"),
            }
        }
    }

    /// The jobs come biggest first: the files that gather the whole API, then the operation
    /// modules by their operations, then the models by their members; each file once.
    #[test]
    fn jobs_come_biggest_first() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let api =
            crate::load_api(&root.join("spec/reference/atlas-admin-api-v2-2025-06-30-subset.yaml"))
                .expect("the subset lowers");
        let modules = operations::modules(&api);
        let paths: Vec<String> = rust_jobs(&api, &modules, "atlas_admin")
            .into_iter()
            .map(|job| job.path)
            .collect();
        let whole_api = [
            "tests/spec_examples.rs",
            "src/testing/mod.rs",
            "src/lib.rs",
            "src/models/mod.rs",
            "src/operations/mod.rs",
            "src/validation.rs",
        ];
        assert_eq!(paths[..whole_api.len()], whole_api);
        let operation_counts: Vec<usize> = paths
            .iter()
            .filter_map(|p| p.strip_prefix("src/operations/")?.strip_suffix(".rs"))
            .filter(|m| *m != "mod")
            .map(|m| modules[m].len())
            .collect();
        assert_eq!(operation_counts.len(), modules.len());
        assert!(
            operation_counts.is_sorted_by(|a, b| a >= b),
            "{operation_counts:?}"
        );
        let member_counts: Vec<usize> = paths
            .iter()
            .filter_map(|p| p.strip_prefix("src/models/")?.strip_suffix(".rs"))
            .filter(|m| *m != "mod")
            .map(|m| super::members(api.types.iter().find(|d| d.module == m).expect("a model")))
            .collect();
        assert_eq!(member_counts.len(), api.types.len());
        assert!(
            member_counts.is_sorted_by(|a, b| a >= b),
            "{member_counts:?}"
        );
        assert!(
            member_counts.first() > member_counts.last(),
            "models differ in size"
        );
        let last_whole = paths.iter().rposition(|p| whole_api.contains(&p.as_str()));
        let first_model = paths
            .iter()
            .position(|p| p.starts_with("src/models/") && p != "src/models/mod.rs");
        assert!(last_whole < first_model);
    }
}
