//! The generated crate's non-Rust files, rendered from the askama templates in `templates/`.

use askama::Template;

use super::operations::placeholder_value;
use crate::Config;
use crate::error::Error;
use crate::ir::{Api, Operation, TypeKind};

#[derive(Template)]
#[template(path = "Cargo.toml.askama", escape = "none")]
struct CargoToml<'a> {
    spec_file: &'a str,
    crate_name: &'a str,
    crate_version: &'a str,
    title: &'a str,
    spec_version: &'a str,
    standalone: bool,
    client: bool,
    patterns: bool,
    /// The Cargo feature of each operations module, in name order.
    features: Vec<String>,
    /// The features the quickstart example needs, if the crate has it.
    quickstart_features: Option<Vec<String>>,
}

#[derive(Template)]
#[template(path = "README.md.askama", escape = "none")]
struct Readme<'a> {
    spec_file: &'a str,
    crate_name: &'a str,
    crate_ident: &'a str,
    title: &'a str,
    spec_version: &'a str,
    model_count: usize,
    enum_count: usize,
    tagged_count: usize,
    untagged_count: usize,
    example_union: Option<UnionExample<'a>>,
    operations: Vec<OperationRow<'a>>,
    has_quickstart: bool,
    /// The tags' features.
    features: Vec<String>,
    /// An operation to call in the quick start.
    example_call: Option<ExampleCall<'a>>,
    /// The `cfg` under which the `testing` example compiles (`testing` and the features of the
    /// quickstart's operations, which it mocks), if the crate has those operations.
    testing_cfg: Option<String>,
}

/// A call in the README's quick start: a GET whose required parameters are strings.
struct ExampleCall<'a> {
    method: &'a str,
    /// Setter and a placeholder value, as Rust.
    parameters: Vec<(&'a str, String)>,
}

/// A line of the README's table of operations.
struct OperationRow<'a> {
    method_name: &'a str,
    deprecated: bool,
    request: String,
    tag: &'a str,
}

/// A tagged union to show in the README's example.
struct UnionExample<'a> {
    name: &'a str,
    variant: &'a str,
    value: &'a str,
}

#[derive(Template)]
#[template(path = "rustfmt.toml.askama", escape = "none")]
struct RustfmtToml;

#[derive(Template)]
#[template(path = "examples/quickstart.rs.askama", escape = "none")]
struct Quickstart<'a> {
    crate_name: &'a str,
    crate_ident: &'a str,
}

/// The Cargo features of some operations' modules, sorted, each once.
fn features_of<'o>(operations: impl Iterator<Item = &'o Operation>) -> Vec<String> {
    let mut features: Vec<String> = operations.map(|o| Api::feature(&o.module)).collect();
    features.sort();
    features.dedup();
    features
}

/// Renders a template; the result ends with exactly one newline.
fn render(template: &impl Template, file: &str) -> Result<String, Error> {
    let mut text = template.render().map_err(|e| Error::Codegen {
        file: file.into(),
        message: e.to_string(),
    })?;
    text.truncate(text.trim_end().len());
    text.push('\n');
    Ok(text)
}

pub fn cargo_toml(api: &Api, config: &Config, spec_file: &str) -> Result<String, Error> {
    render(
        &CargoToml {
            spec_file,
            crate_name: &config.crate_name,
            crate_version: &config.crate_version,
            title: &api.title,
            spec_version: &api.spec_version,
            standalone: config.standalone,
            client: !api.operations.is_empty(),
            patterns: !api.patterns.is_empty(),
            features: features_of(api.operations.iter()),
            quickstart_features: quickstart_example(api, config)?.map(|_| {
                features_of(
                    api.operations
                        .iter()
                        .filter(|o| QUICKSTART_OPERATIONS.contains(&o.id.as_str())),
                )
            }),
        },
        "Cargo.toml",
    )
}

pub fn readme(api: &Api, config: &Config, spec_file: &str) -> Result<String, Error> {
    let count = |pred: fn(&TypeKind) -> bool| api.types.iter().filter(|t| pred(&t.kind)).count();
    render(
        &Readme {
            spec_file,
            crate_name: &config.crate_name,
            crate_ident: &config.crate_name.replace('-', "_"),
            title: &api.title,
            spec_version: &api.spec_version,
            model_count: api.types.len(),
            enum_count: count(|k| matches!(k, TypeKind::Enum(_))),
            tagged_count: count(|k| matches!(k, TypeKind::Tagged(_))),
            untagged_count: count(|k| matches!(k, TypeKind::Untagged(_))),
            // The union with the most variants (the first by name among equals).
            operations: api
                .operations
                .iter()
                .map(|o| OperationRow {
                    method_name: &o.method_name,
                    deprecated: o.deprecated,
                    request: format!("{} {}", o.method, o.path),
                    tag: o.tags.first().map_or("", String::as_str),
                })
                .collect(),
            has_quickstart: quickstart_example(api, config)?.is_some(),
            testing_cfg: quickstart_example(api, config)?.map(|_| {
                let features = features_of(
                    api.operations
                        .iter()
                        .filter(|o| QUICKSTART_OPERATIONS.contains(&o.id.as_str())),
                );
                let features: Vec<String> = features
                    .iter()
                    .map(|f| format!("feature = \"{f}\""))
                    .collect();
                format!("all(feature = \"testing\", {})", features.join(", "))
            }),
            features: features_of(api.operations.iter()),
            example_call: api
                .operations
                .iter()
                .filter(|o| o.method == "GET" && !o.deprecated)
                .find(|o| {
                    o.parameters
                        .iter()
                        .filter(|p| p.required)
                        .all(|p| p.ty == crate::ir::TypeRef::String)
                })
                .map(|o| ExampleCall {
                    method: &o.method_name,
                    parameters: o
                        .parameters
                        .iter()
                        .filter(|p| p.required)
                        .filter_map(|p| Some((p.rust_name.as_str(), placeholder_value(p)?)))
                        .collect(),
                }),
            example_union: api
                .types
                .iter()
                .filter_map(|t| match &t.kind {
                    TypeKind::Tagged(u) => Some((t, u)),
                    _ => None,
                })
                .rev()
                .max_by_key(|(_, u)| u.variants.len())
                .and_then(|(t, u)| {
                    u.variants.first().map(|v| UnionExample {
                        name: &t.name,
                        variant: &v.name,
                        value: &v.value,
                    })
                }),
        },
        "README.md",
    )
}

pub fn rustfmt_toml() -> Result<String, Error> {
    render(&RustfmtToml, "rustfmt.toml")
}

/// `examples/quickstart.rs`, for a spec with the operations it shows (`listDatabaseUsers` with
/// paging, `getAtlasSearchIndexByName`).
/// The operations `examples/quickstart.rs` calls.
const QUICKSTART_OPERATIONS: &[&str] = &["listDatabaseUsers", "getAtlasSearchIndexByName"];

pub fn quickstart_example(api: &Api, config: &Config) -> Result<Option<String>, Error> {
    let has = |id: &str| api.operations.iter().find(|o| o.id == id);
    let pages = has("listDatabaseUsers").is_some_and(|o| o.pagination.is_some());
    let search = has("getAtlasSearchIndexByName").is_some();
    let union = api.type_def("SearchIndexResponse").is_some();
    if !(pages && search && union) {
        return Ok(None);
    }
    render(
        &Quickstart {
            crate_name: &config.crate_name,
            crate_ident: &config.crate_name.replace('-', "_"),
        },
        "examples/quickstart.rs",
    )
    .map(Some)
}
