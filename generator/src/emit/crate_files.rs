//! The generated crate's non-Rust files, rendered from the askama templates in `templates/`.

use askama::Template;

use super::operations::placeholder_value;
use super::runtime::Needs;
use crate::config::Config;
use crate::error::Error;
use crate::ir::{Api, Operation, TypeKind};

/// What `templates/dependencies.toml.askama` reads, in the crate's manifest and an includer's.
struct Dependencies {
    client: bool,
    patterns: bool,
    /// Whether models implement serde's traits (through the codec, with `serde-transcode`).
    models: bool,
    /// Whether the crate has `Pages` or `ByteStream`, which implement `futures_core::Stream`.
    streams: bool,
    /// Whether operations encode path parameters (with `percent-encoding`, which `testing`
    /// needs anyway).
    path_params: bool,
    /// Whether operations write form bodies (with `form_urlencoded`).
    forms: bool,
    /// For an includer of the single module, which has no `testing`.
    includer: bool,
}

impl Dependencies {
    fn of(api: &Api, includer: bool) -> Self {
        let needs = Needs::of(api);
        Self {
            client: !api.operations.is_empty(),
            patterns: needs.has("pattern"),
            models: api
                .types
                .iter()
                .any(|t| !matches!(t.kind, TypeKind::Alias(_))),
            streams: needs.has("paging") || needs.has("stream"),
            path_params: needs.has("path"),
            forms: needs.has("form"),
            includer,
        }
    }
}

/// The manifest lines a crate that `include!`s the single module needs
/// (`templates/includer.toml.askama`).
#[derive(Template)]
#[template(path = "includer.toml.askama", escape = "none")]
struct IncluderToml<'a> {
    spec_file: &'a str,
    dependencies: Dependencies,
}

impl std::ops::Deref for IncluderToml<'_> {
    type Target = Dependencies;

    fn deref(&self) -> &Dependencies {
        &self.dependencies
    }
}

impl std::ops::Deref for CargoToml<'_> {
    type Target = Dependencies;

    fn deref(&self) -> &Dependencies {
        &self.dependencies
    }
}

#[derive(Template)]
#[template(path = "Cargo.toml.askama", escape = "none")]
struct CargoToml<'a> {
    spec_file: &'a str,
    crate_name: &'a str,
    crate_version: &'a str,
    title: &'a str,
    spec_version: &'a str,
    standalone: bool,
    dependencies: Dependencies,
    /// The dev-dependencies the crate's tests, doc tests and examples use.
    dev_futures_util: bool,
    dev_tokio: bool,
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
    /// Whether the crate has list operations (`Pages`), and `futures_core` (`Pages` or
    /// `ByteStream`).
    paging: bool,
    streams: bool,
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
    let needs = Needs::of(api);
    let quickstart = quickstart_example(api, config)?.is_some();
    let testing_test = testing_cfg(api, config)?.is_some();
    render(
        &CargoToml {
            spec_file,
            crate_name: &config.crate_name,
            crate_version: &config.crate_version,
            title: &api.title,
            spec_version: &api.spec_version,
            standalone: config.standalone,
            dependencies: Dependencies::of(api, false),
            // The README's test of `testing`.
            dev_futures_util: testing_test,
            // `#[tokio::main]` of the quickstart, the runtime of the README's test, and the
            // fake's test of header and cookie matchers.
            dev_tokio: quickstart || testing_test || (needs.has("header") && needs.has("cookie")),
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

/// The `[dependencies]` and `[features]` of a crate that includes the single module
/// ([`crate::generate_module`]): what the module's code uses, declared in one step.
pub fn includer_toml(api: &Api, spec_file: &str) -> Result<String, Error> {
    render(
        &IncluderToml {
            spec_file,
            dependencies: Dependencies::of(api, true),
        },
        "includer.toml",
    )
}

pub fn readme(api: &Api, config: &Config, spec_file: &str) -> Result<String, Error> {
    let needs = Needs::of(api);
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
            testing_cfg: testing_cfg(api, config)?,
            paging: needs.has("paging"),
            streams: needs.has("paging") || needs.has("stream"),
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

/// The `cfg` under which the README's test of `testing` compiles, for a crate that has it
/// (the operations the quickstart calls).
fn testing_cfg(api: &Api, config: &Config) -> Result<Option<String>, Error> {
    Ok(quickstart_example(api, config)?.map(|_| {
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
    }))
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::{Path, PathBuf};

    use crate::Config;

    /// Every spec the repository generates from: `spec/`, every fixture, and the two smallest
    /// specs of `tests/specs/` (one without a schema).
    fn specs() -> Vec<PathBuf> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut specs: Vec<PathBuf> = std::fs::read_dir(root.join("tests/fixtures"))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
            .collect();
        specs.sort();
        specs.push(root.join("spec/atlas-admin-v2.yaml"));
        specs.push(root.join("tests/specs/petstore.yaml"));
        specs.push(root.join("tests/specs/api-with-examples.yaml"));
        specs
    }

    /// Rust code without its comments, string and character literals (crudely: enough for
    /// generated code and the runtime).
    fn code_only(text: &str) -> String {
        let mut code = String::with_capacity(text.len());
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                // A character literal (`'"'`, `'\''`), or a lifetime.
                '\'' => {
                    let mut ahead = chars.clone();
                    match (ahead.next(), ahead.next()) {
                        (Some('\\'), _) => {
                            chars.next();
                            chars.next();
                            for c in chars.by_ref() {
                                if c == '\'' {
                                    break;
                                }
                            }
                        }
                        (Some(_), Some('\'')) => {
                            chars.next();
                            chars.next();
                        }
                        _ => code.push(c),
                    }
                }
                '/' if chars.peek() == Some(&'/') => {
                    for c in chars.by_ref() {
                        if c == '\n' {
                            code.push('\n');
                            break;
                        }
                    }
                }
                '"' => {
                    while let Some(c) = chars.next() {
                        match c {
                            '\\' => {
                                chars.next();
                            }
                            '"' => break,
                            _ => {}
                        }
                    }
                    code.push_str("\"\"");
                }
                _ => code.push(c),
            }
        }
        code
    }

    /// The code in the fenced blocks of Markdown or of doc comments, hidden lines (`# `)
    /// included, without its comments and strings.
    fn code_blocks(text: &str) -> String {
        let mut code = String::new();
        let mut inside = false;
        for line in text.lines() {
            let line = line.trim_start();
            let line = line
                .strip_prefix("///")
                .or(line.strip_prefix("//!"))
                .unwrap_or(line);
            let line = line.strip_prefix(' ').unwrap_or(line);
            if line.starts_with("```") {
                inside = !inside;
            } else if inside {
                code.push_str(line.strip_prefix("# ").unwrap_or(line));
                code.push('\n');
            }
        }
        code_only(&code)
    }

    /// The first segments of the paths in `code` (`regex` of `regex::Regex`, `use regex;`).
    fn path_roots(code: &str) -> BTreeSet<String> {
        let mut roots = BTreeSet::new();
        let bytes = code.as_bytes();
        let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        let mut at = 0;
        while at < bytes.len() {
            if !(is_ident(bytes[at]) && (at == 0 || !is_ident(bytes[at - 1]))) {
                at += 1;
                continue;
            }
            let start = at;
            while at < bytes.len() && is_ident(bytes[at]) {
                at += 1;
            }
            let word = &code[start..at];
            let after_path = start >= 2 && &code[start - 2..start] == "::";
            // A crate's name is lower case; `$ty::` is a macro's fragment, `.parse::<T>` a
            // method's turbofish.
            let crate_like = word.starts_with(|c: char| c.is_ascii_lowercase())
                && (start == 0 || !matches!(bytes[start - 1], b'$' | b'.'));
            let turbofish = code[at..].starts_with("::<");
            if crate_like && !after_path && !turbofish && code[at..].starts_with("::") {
                roots.insert(word.to_string());
            }
            if matches!(word, "use") {
                let rest = code[at..].trim_start();
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if rest[name.len()..].trim_start().starts_with(';') {
                    roots.insert(name);
                }
            }
        }
        roots
    }

    /// The Rust names of the packages of a `Cargo.toml` section (`md-5`'s library is `md5`).
    fn section_crates(manifest: &str, section: &str) -> BTreeSet<String> {
        let header = format!("[{section}]");
        manifest
            .lines()
            .skip_while(|line| *line != header)
            .skip(1)
            .take_while(|line| !line.starts_with('['))
            .filter_map(|line| line.split_once(" = ").map(|(name, _)| name.trim()))
            .filter(|name| !name.starts_with('#'))
            .map(|name| {
                if name == "md-5" {
                    "md5".to_string()
                } else {
                    name.replace('-', "_")
                }
            })
            .collect()
    }

    /// The crate's dependencies are what its code uses: every crate its `src/` names is one
    /// of its dependencies, and every dependency is named there; every crate its tests,
    /// examples and README's code name is a dependency or a dev-dependency, and every
    /// dev-dependency is needed (tokio's for `#[tokio::test]`, `#[tokio::main]` or a runtime).
    #[test]
    fn the_manifest_declares_exactly_the_crates_the_code_uses() {
        // Not crates: the language's roots, primitive types and lint tools.
        let language: BTreeSet<&str> = [
            "std", "core", "alloc", "crate", "self", "super", "clippy", "rustdoc", "i8", "i16",
            "i32", "i64", "u8", "u16", "u32", "u64", "usize", "isize", "f32", "f64", "str", "char",
            "bool",
        ]
        .into();
        for spec in specs() {
            let generated = crate::generate(&spec, &Config::default())
                .unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
            let name = spec.file_name().unwrap().to_string_lossy().into_owned();
            let manifest = generated.file("Cargo.toml").unwrap();
            let dependencies = section_crates(manifest, "dependencies");
            let dev_dependencies = section_crates(manifest, "dev-dependencies");
            // The crate's own modules, which paths start with too.
            let mut modules: BTreeSet<String> = ["atlas_admin".to_string()].into();
            for (path, text) in generated.files() {
                if path.extension().is_some_and(|e| e == "rs") {
                    modules.insert(path.file_stem().unwrap().to_string_lossy().into_owned());
                    for line in text.lines() {
                        let line = line.trim_start().trim_start_matches("pub ");
                        // Modules, and macros (`pub(crate) use impl_serde;`).
                        let declared = line
                            .strip_prefix("mod ")
                            .or(line.strip_prefix("macro_rules! "));
                        if let Some(name) = declared {
                            modules.insert(name.trim_end_matches([';', ' ', '{']).to_string());
                        }
                        // Names a `use` brings in (`use std::fmt;`): every segment but the first.
                        if let Some(used) = line.strip_prefix("use ") {
                            let words = used.split(|c: char| !(c.is_alphanumeric() || c == '_'));
                            modules.extend(
                                words.filter(|w| !w.is_empty()).skip(1).map(str::to_string),
                            );
                        }
                    }
                }
            }
            let crates_in = |texts: &mut dyn Iterator<Item = String>| -> BTreeSet<String> {
                texts
                    .flat_map(|text| path_roots(&text))
                    .filter(|root| !language.contains(root.as_str()) && !modules.contains(root))
                    .collect()
            };
            let rust = |under: &'static str| {
                generated
                    .files()
                    .iter()
                    .filter(move |(path, _)| {
                        path.starts_with(under) && path.extension().is_some_and(|e| e == "rs")
                    })
                    .map(|(_, text)| text.clone())
            };
            let used = crates_in(&mut rust("src").map(|text| code_only(&text)));
            assert_eq!(
                used, dependencies,
                "{name}: the crates src/ names, and the dependencies"
            );
            // The code of the tests, the examples and src/ (its tests), and the code blocks of
            // the README and the docs (doc tests).
            let readme = generated.file("README.md").unwrap_or_default().to_string();
            let rust_files: Vec<String> = rust("tests")
                .chain(rust("examples"))
                .chain(rust("src"))
                .collect();
            let mut texts: Vec<String> = rust_files.iter().map(|text| code_only(text)).collect();
            for text in rust_files.iter().chain([&readme]) {
                texts.push(code_blocks(text));
            }
            let also = crates_in(&mut texts.iter().cloned());
            let declared: BTreeSet<String> =
                dependencies.union(&dev_dependencies).cloned().collect();
            let undeclared: Vec<&String> = also.iter().filter(|c| !declared.contains(*c)).collect();
            assert!(
                undeclared.is_empty(),
                "{name}: code names undeclared crates {undeclared:?}"
            );
            let all_text = texts.concat();
            for dev in &dev_dependencies {
                let needed = match dev.as_str() {
                    "tokio" => ["#[tokio::test]", "#[tokio::main]", "tokio::runtime"]
                        .iter()
                        .any(|use_| all_text.contains(use_)),
                    other => also.contains(other),
                };
                assert!(needed, "{name}: dev-dependency {dev} is not used");
            }
        }
    }
}
