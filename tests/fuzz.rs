//! Fuzzing (proptest, a bounded number of cases; `PROPTEST_CASES=N` runs more).
//!
//! - The generator, fed arbitrary specs (built from random schemas and operations), mutated
//!   fixture specs (nodes replaced, removed, grafted, keywords inserted) and byte-mutated YAML,
//!   never panics and never hangs: it returns an error, or code that parses with syn and names
//!   no item, field or variant twice.
//! - Hostile input (alias bombs, deep nesting, self-referencing `$ref`s, long `allOf` and
//!   `$ref` chains) is refused with a clear error, within a time limit.
//! - The generated models, fed arbitrary JSON (built from the spec's own property names and
//!   enum values, so it reaches deep), decode to `Ok` or `Err`, never a panic; what decodes
//!   encodes and decodes again to the same value.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use atlas_codegen::{Config, Error, GeneratedCrate};
use atlas_codegen_tests::{fixture_path, spec_path};
use proptest::prelude::*;
use proptest::test_runner::{Config as RunnerConfig, TestCaseError, TestRunner};
use serde_json::{Value, json};

/// Far longer than any generation of a small spec takes: reaching it means a loop.
const TIME_LIMIT: Duration = Duration::from_secs(60);

/// Cases per target: `PROPTEST_CASES`, or `default`.
fn runner(default: u32) -> TestRunner {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    TestRunner::new(RunnerConfig {
        cases,
        failure_persistence: None,
        ..RunnerConfig::default()
    })
}

/// How a generation ended.
enum Outcome {
    Generated(Box<GeneratedCrate>),
    Refused(Error),
}

/// Generates `text` on a thread of its own (the default 2 MiB stack, smaller than a main
/// thread's), failing on a panic or when it takes longer than [`TIME_LIMIT`].
fn generate_bounded(file_name: &str, text: String) -> Result<Outcome, String> {
    let (sender, receiver) = mpsc::channel();
    let name = file_name.to_string();
    std::thread::spawn(move || {
        let result = std::panic::catch_unwind(|| {
            let path = Path::new(&name);
            let generated = atlas_codegen::generate_from_str(path, &text, &Config::default());
            // `validate` and `diff` read the same specs: they must not panic either, and a
            // spec compared with itself changes nothing.
            let _ = atlas_codegen::validate(path, &text);
            if let Ok(generated) = &generated {
                let report = atlas_codegen::diff::diff(generated.api(), generated.api());
                assert!(
                    report.changes.is_empty(),
                    "a spec differs from itself: {report:?}"
                );
            }
            generated
        });
        let _ = sender.send(result);
    });
    match receiver.recv_timeout(TIME_LIMIT) {
        Ok(Ok(Ok(generated))) => Ok(Outcome::Generated(Box::new(generated))),
        Ok(Ok(Err(error))) => Ok(Outcome::Refused(error)),
        Ok(Err(panic)) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(format!(
                "the generator, validate or diff panicked: {message}"
            ))
        }
        Err(_) => Err(format!("no result within {TIME_LIMIT:?}")),
    }
}

/// Checks one generation: an error must say where and why and not be a generator bug; code
/// must parse and name nothing twice.
fn check_outcome(outcome: Outcome) -> Result<(), String> {
    match outcome {
        Outcome::Refused(Error::Codegen { file, message }) => Err(format!(
            "generated code that does not parse: {}: {message}",
            file.display()
        )),
        Outcome::Refused(Error::Spec { problems, .. }) => {
            if problems.is_empty() || problems.iter().any(|p| p.message.is_empty()) {
                return Err(format!("a spec error without a reason: {problems:?}"));
            }
            Ok(())
        }
        Outcome::Refused(error) => {
            if error.to_string().is_empty() {
                return Err(format!("an error without a message: {error:?}"));
            }
            Ok(())
        }
        Outcome::Generated(generated) => {
            for (path, content) in generated.files() {
                if path.extension().is_some_and(|e| e == "rs") {
                    let file = syn::parse_file(content)
                        .map_err(|e| format!("{} does not parse: {e}", path.display()))?;
                    names_are_unique(&file.items)
                        .map_err(|e| format!("{}: {e}\n{content}", path.display()))?;
                }
            }
            Ok(())
        }
    }
}

/// No two items of a module share a name, nor two fields of a struct or variants of an enum:
/// what syn accepts but rustc would not.
fn names_are_unique(items: &[syn::Item]) -> Result<(), String> {
    fn once(
        kind: &str,
        names: impl IntoIterator<Item = String>,
        owner: &str,
    ) -> Result<(), String> {
        let mut seen = HashSet::new();
        for name in names {
            if !seen.insert(name.clone()) {
                return Err(format!("{kind} {name} twice in {owner}"));
            }
        }
        Ok(())
    }
    let mut types = Vec::new();
    let mut values = Vec::new();
    for item in items {
        match item {
            syn::Item::Struct(s) => {
                types.push(s.ident.to_string());
                let fields = s.fields.iter().filter_map(|f| f.ident.as_ref());
                once("field", fields.map(|f| f.to_string()), &s.ident.to_string())?;
            }
            syn::Item::Enum(e) => {
                types.push(e.ident.to_string());
                let variants = e.variants.iter().map(|v| v.ident.to_string());
                once("variant", variants, &e.ident.to_string())?;
            }
            syn::Item::Type(t) => types.push(t.ident.to_string()),
            syn::Item::Fn(f) => values.push(f.sig.ident.to_string()),
            syn::Item::Const(c) => values.push(c.ident.to_string()),
            syn::Item::Mod(m) => {
                types.push(m.ident.to_string());
                if let Some((_, items)) = &m.content {
                    names_are_unique(items)?;
                }
            }
            _ => {}
        }
    }
    once("type", types, "a module")?;
    once("function", values, "a module")
}

/// How many cases of a target generated code and how many were refused: a target whose cases
/// are all refused no longer reaches the emitters.
#[derive(Default)]
struct Tally {
    generated: AtomicUsize,
    refused: AtomicUsize,
}

impl Tally {
    /// Prints the counts and checks that at least `share` of the cases generated code.
    fn assert_generated_at_least(&self, target: &str, share: f64) {
        let generated = self.generated.load(Ordering::Relaxed);
        let refused = self.refused.load(Ordering::Relaxed);
        eprintln!("{target}: {generated} generated, {refused} refused");
        let total = (generated + refused).max(1) as f64;
        assert!(
            generated as f64 / total >= share,
            "{target}: only {generated} of {total} cases generated code"
        );
    }
}

fn check_spec(file_name: &str, text: String, tally: &Tally) -> Result<(), TestCaseError> {
    let outcome = generate_bounded(file_name, text.clone())
        .map_err(|e| TestCaseError::fail(format!("{e}\nspec:\n{text}")))?;
    let counter = match outcome {
        Outcome::Generated(_) => &tally.generated,
        Outcome::Refused(ref e) => {
            if std::env::var("FUZZ_SHOW_REFUSALS").is_ok() {
                eprintln!(
                    "REFUSED {}",
                    e.to_string()
                        .lines()
                        .nth(1)
                        .unwrap_or_default()
                        .chars()
                        .take(110)
                        .collect::<String>()
                );
            }
            &tally.refused
        }
    };
    counter.fetch_add(1, Ordering::Relaxed);
    check_outcome(outcome).map_err(|e| TestCaseError::fail(format!("{e}\nspec:\n{text}")))
}

// ---------------------------------------------------------------------------------------
// Arbitrary specs

/// Names that stress naming: keywords, Rust prelude types, punctuation, digits, non-ASCII,
/// and pairs that differ only in case or separators.
const NAMES: &[&str] = &[
    "Thing",
    "thing",
    "THING",
    "Pet",
    "type",
    "Self",
    "self",
    "crate",
    "super",
    "fn",
    "async",
    "match",
    "Option",
    "Result",
    "String",
    "Box",
    "Vec",
    "Default",
    "a-b",
    "a_b",
    "a.b",
    "aB",
    "123",
    "9lives",
    "_",
    "__",
    "ünïcödé",
    "",
    " ",
    "x-y-",
    "Unknown",
    "unknown",
    "None",
    "Some",
    "r#type",
    "kind",
    "id",
    "links",
    "$ref",
    "@type",
    "a/b",
    "~0",
];

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(NAMES).prop_map(str::to_string),
        1 => "[a-zA-Z_$@ .-]{0,8}",
    ]
}

const COMPONENTS: &[&str] = &[
    "Thing", "Pet", "Self", "a-b", "A_B", "Option", "type", "Cat",
];

/// The components a clean spec's discriminated unions select: always objects there.
const VARIANTS: &[&str] = &["Thing", "Cat"];

/// Whether a spec is meant to be valid (so that it reaches the emitters) or may also hold
/// what a spec must not: unknown types, dangling and external references, non-object variants.
#[derive(Clone, Copy, Debug)]
enum Mode {
    Clean,
    Dirty,
}

fn reference(mode: Mode) -> BoxedStrategy<Value> {
    let local = proptest::sample::select(COMPONENTS)
        .prop_map(|c| json!({"$ref": format!("#/components/schemas/{c}")}));
    match mode {
        Mode::Clean => local.boxed(),
        Mode::Dirty => prop_oneof![
            8 => local,
            1 => Just(json!({"$ref": "#/components/schemas/Missing"})),
            1 => Just(json!({"$ref": "other.yaml#/Thing"})),
            // Pointers into schemas, which may or may not reach one.
            1 => (
                proptest::sample::select(COMPONENTS),
                proptest::sample::select(&[
                    "allOf/0", "oneOf/1", "anyOf/0", "items", "additionalProperties",
                    "properties/a", "properties/a/items", "allOf/0/properties/b", "not",
                ][..]),
            )
                .prop_map(|(c, place)| {
                    json!({"$ref": format!("#/components/schemas/{c}/{place}")})
                }),
        ]
        .boxed(),
    }
}

fn variant_reference(mode: Mode) -> BoxedStrategy<Value> {
    match mode {
        Mode::Clean => proptest::sample::select(VARIANTS)
            .prop_map(|c| json!({"$ref": format!("#/components/schemas/{c}")}))
            .boxed(),
        Mode::Dirty => reference(mode),
    }
}

fn leaf_schema(mode: Mode) -> BoxedStrategy<Value> {
    let clean = prop_oneof![
        Just(json!({"type": "string"})),
        Just(json!({"type": "string", "format": "date-time"})),
        Just(json!({"type": "string", "format": "date"})),
        Just(json!({"type": "string", "format": "binary"})),
        Just(json!({"type": "integer", "format": "int32"})),
        Just(json!({"type": "integer", "format": "int64", "minimum": 0})),
        Just(json!({"type": "number"})),
        Just(json!({"type": "boolean", "default": true})),
        Just(json!({"type": "object"})),
        Just(json!({"type": "array"})),
        Just(json!({})),
        Just(json!({"type": "string", "pattern": "^(?!x)[a-z]+$"})),
        proptest::collection::vec(name(), 0..5)
            .prop_map(|values| json!({"type": "string", "enum": values})),
        proptest::collection::vec(any::<i32>(), 1..4)
            .prop_map(|values| json!({"type": "integer", "enum": values})),
        reference(mode),
        reference(mode),
        // JSON Schema's null type, alone and as a union member (a nullable string).
        Just(json!({"type": "null"})),
        Just(json!({"anyOf": [{"type": "string"}, {"type": "null"}]})),
    ];
    match mode {
        Mode::Clean => clean.boxed(),
        Mode::Dirty => prop_oneof![
            8 => clean,
            1 => Just(json!({"type": "bogus"})),
            1 => Just(json!({"type": "string", "pattern": "(["})),
        ]
        .boxed(),
    }
}

fn object_schema(inner: BoxedStrategy<Value>) -> BoxedStrategy<Value> {
    (
        proptest::collection::btree_map(name(), inner, 0..5),
        proptest::collection::vec(name(), 0..3),
        any::<bool>(),
    )
        .prop_map(|(properties, required, nullable)| {
            json!({
                "type": "object",
                "properties": properties,
                "required": required,
                "nullable": nullable,
            })
        })
        .boxed()
}

fn schema(mode: Mode) -> BoxedStrategy<Value> {
    leaf_schema(mode)
        .prop_recursive(4, 40, 5, move |inner| {
            prop_oneof![
                object_schema(inner.clone()),
                inner
                    .clone()
                    .prop_map(|items| json!({"type": "array", "items": items})),
                inner
                    .clone()
                    .prop_map(|values| json!({"type": "object", "additionalProperties": values})),
                proptest::collection::vec(inner.clone(), 1..4).prop_map(|v| json!({"oneOf": v})),
                proptest::collection::vec(inner.clone(), 1..4).prop_map(|v| json!({"anyOf": v})),
                proptest::collection::vec(inner.clone(), 1..4).prop_map(|v| json!({"allOf": v})),
                (
                    name(),
                    proptest::collection::vec(variant_reference(mode), 1..4),
                    proptest::collection::btree_map(name(), variant_reference(mode), 0..3),
                )
                    .prop_map(|(tag, one_of, mapping)| {
                        let mapping: BTreeMap<String, Value> = mapping
                            .into_iter()
                            .map(|(k, v)| (k, v["$ref"].clone()))
                            .collect();
                        json!({
                            "type": "object",
                            "discriminator": {"propertyName": tag, "mapping": mapping},
                            "oneOf": one_of,
                            "properties": {tag: {"type": "string"}},
                        })
                    }),
                (inner.clone(), any::<bool>(), any::<bool>()).prop_map(|(mut s, read, write)| {
                    if let Some(object) = s.as_object_mut() {
                        object.insert("readOnly".into(), read.into());
                        object.insert("writeOnly".into(), write.into());
                        object.insert("nullable".into(), true.into());
                    }
                    s
                }),
            ]
        })
        .boxed()
}

fn parameter(mode: Mode) -> impl Strategy<Value = Value> {
    (
        name(),
        prop_oneof![Just("query"), Just("header"), Just("cookie")],
        any::<bool>(),
        leaf_schema(mode),
    )
        .prop_map(|(name, location, required, schema)| {
            json!({"name": name, "in": location, "required": required, "schema": schema})
        })
}

fn content(schema: Value, media: &str) -> Value {
    json!({ media: {"schema": schema} })
}

fn operation(mode: Mode) -> impl Strategy<Value = (String, String, Value)> {
    let media = prop_oneof![
        Just("application/json"),
        Just("application/vnd.atlas.2023-01-01+json"),
        Just("application/vnd.atlas.2024-08-05+json"),
        Just("application/gzip"),
        Just("text/plain"),
    ];
    let path = match mode {
        Mode::Clean => prop_oneof![
            Just("/things".to_string()),
            Just("/things/{thingId}".to_string()),
            Just("/groups/{groupId}/things/{name}".to_string()),
        ]
        .boxed(),
        Mode::Dirty => "/[a-z{}]{0,10}".boxed(),
    };
    (
        path,
        prop_oneof![
            Just("get"),
            Just("post"),
            Just("put"),
            Just("patch"),
            Just("delete")
        ],
        name(),
        proptest::collection::vec(parameter(mode), 0..4),
        proptest::option::of(schema(mode)),
        proptest::option::of(schema(mode)),
        media,
        prop_oneof![
            Just("200"),
            Just("201"),
            Just("204"),
            Just("default"),
            Just("4XX")
        ],
    )
        .prop_map(
            |(path, method, id, mut parameters, body, response, media, status)| {
                for name in path
                    .split('{')
                    .skip(1)
                    .filter_map(|p| p.split_once('}'))
                    .map(|(n, _)| n)
                {
                    parameters.push(json!(
                        {"name": name, "in": "path", "required": true, "schema": {"type": "string"}}
                    ));
                }
                let mut operation = json!({
                    "operationId": id,
                    "tags": ["Things"],
                    "parameters": parameters,
                    "responses": {status: {"description": "ok"}},
                });
                if let Some(body) = body {
                    operation["requestBody"] =
                        json!({"required": true, "content": content(body, media)});
                }
                if let Some(response) = response {
                    operation["responses"][status]["content"] = content(response, media);
                }
                (path, method.to_string(), operation)
            },
        )
}

fn arbitrary_spec(mode: Mode) -> impl Strategy<Value = Value> {
    let variant = match mode {
        Mode::Clean => object_schema(leaf_schema(mode)),
        Mode::Dirty => schema(mode),
    };
    (
        proptest::collection::vec(schema(mode), COMPONENTS.len()),
        proptest::collection::vec(variant, VARIANTS.len()),
        proptest::collection::vec(operation(mode), 0..4),
    )
        .prop_map(|(schemas, variants, operations)| {
            let mut components: serde_json::Map<String, Value> = COMPONENTS
                .iter()
                .map(|name| name.to_string())
                .zip(schemas)
                .collect();
            for (name, schema) in VARIANTS.iter().zip(variants) {
                components.insert(name.to_string(), schema);
            }
            let mut paths = serde_json::Map::new();
            for (path, method, operation) in operations {
                let item = paths.entry(path).or_insert_with(|| json!({}));
                item[method] = operation;
            }
            json!({
                "openapi": "3.0.3",
                "info": {"title": "Arbitrary", "version": "1"},
                "paths": paths,
                "components": {"schemas": components},
            })
        })
}

#[test]
fn arbitrary_specs_generate_parsable_code_or_a_clear_error() {
    let tally = Tally::default();
    let strategy = prop_oneof![2 => arbitrary_spec(Mode::Clean), 1 => arbitrary_spec(Mode::Dirty)];
    runner(192)
        .run(&strategy, |spec| {
            check_spec(
                "arbitrary.json",
                serde_json::to_string_pretty(&spec).unwrap(),
                &tally,
            )
        })
        .unwrap();
    tally.assert_generated_at_least("arbitrary specs", 0.3);
}

// ---------------------------------------------------------------------------------------
// Mutated fixtures

/// The specs mutations start from: every fixture and the hand-written spec's endpoint pages.
fn seeds() -> Vec<Value> {
    let mut names: Vec<_> = std::fs::read_dir(fixture_path(""))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|p| serde_saphyr::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
        .collect()
}

/// Keys a mutation may add to an object: the OpenAPI keywords the generator reads.
const KEYWORDS: &[&str] = &[
    "type",
    "format",
    "properties",
    "items",
    "required",
    "enum",
    "nullable",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "discriminator",
    "$ref",
    "additionalProperties",
    "default",
    "example",
    "readOnly",
    "writeOnly",
    "deprecated",
    "operationId",
    "parameters",
    "requestBody",
    "responses",
    "content",
    "in",
    "name",
    "schema",
    "mapping",
    "propertyName",
    "pattern",
    "x-xgen-IPA-exception",
    "title",
    "description",
];

#[derive(Clone, Debug)]
enum Mutation {
    /// Replace the node at this index (pre-order, modulo the node count).
    Replace(usize, Value),
    /// Remove the node at this index from its parent.
    Remove(usize),
    /// Copy one node over another.
    Graft(usize, usize),
    /// Insert a keyword into the object at this index.
    Insert(usize, &'static str, Value),
}

fn replacement() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        Just(json!(1e308)),
        Just(json!(-0.5)),
        name().prop_map(Value::from),
        Just(json!({})),
        Just(json!([])),
        Just(json!([{"$ref": "#/components/schemas/Missing"}])),
        leaf_schema(Mode::Dirty),
        Just(json!({"$ref": "#/paths"})),
        Just(json!({"$ref": "#"})),
        Just(json!({"propertyName": "type", "mapping": {"x": "#/components/schemas/Nope"}})),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<usize>(), replacement()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        2 => any::<usize>().prop_map(Mutation::Remove),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Graft(a, b)),
        3 => (any::<usize>(), proptest::sample::select(KEYWORDS), replacement())
            .prop_map(|(i, k, v)| Mutation::Insert(i, k, v)),
    ]
}

/// JSON pointers of every node, in pre-order.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let token = key.replace('~', "~0").replace('/', "~1");
                pointers(child, format!("{at}/{token}"), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                pointers(child, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn mutate(document: &mut Value, mutation: &Mutation) {
    let mut all = Vec::new();
    pointers(document, String::new(), &mut all);
    let pick = |i: usize| all[i % all.len()].clone();
    match mutation {
        Mutation::Replace(i, value) => {
            if let Some(node) = document.pointer_mut(&pick(*i)) {
                *node = value.clone();
            }
        }
        Mutation::Remove(i) => {
            let pointer = pick(*i);
            let Some((parent, token)) = pointer.rsplit_once('/') else {
                return;
            };
            let key = token.replace("~1", "/").replace("~0", "~");
            match document.pointer_mut(parent) {
                Some(Value::Object(map)) => {
                    map.remove(&key);
                }
                Some(Value::Array(items)) => {
                    if let Ok(index) = key.parse::<usize>() {
                        items.remove(index);
                    }
                }
                _ => {}
            }
        }
        Mutation::Graft(from, to) => {
            let source = document.pointer(&pick(*from)).cloned();
            if let (Some(source), Some(target)) = (source, document.pointer_mut(&pick(*to))) {
                *target = source;
            }
        }
        Mutation::Insert(i, key, value) => {
            if let Some(Value::Object(map)) = document.pointer_mut(&pick(*i)) {
                map.insert((*key).to_string(), value.clone());
            }
        }
    }
}

#[test]
fn mutated_fixtures_generate_parsable_code_or_a_clear_error() {
    let seeds = seeds();
    let strategy = (
        proptest::sample::select(seeds),
        proptest::collection::vec(mutation(), 1..6),
    );
    let tally = Tally::default();
    runner(256)
        .run(&strategy, |(mut spec, mutations)| {
            for mutation in &mutations {
                mutate(&mut spec, mutation);
            }
            check_spec(
                "mutated.json",
                serde_json::to_string_pretty(&spec).unwrap(),
                &tally,
            )
        })
        .unwrap();
    tally.assert_generated_at_least("mutated fixtures", 0.1);
}

/// Characters that change the structure of YAML.
const YAML_BYTES: &[char] = &[
    ':', '{', '}', '[', ']', '-', '&', '*', '!', '|', '>', '\'', '"', '#', '\n', ' ', '\t', '?',
    ',', '%', '@', '`', 'a', '0', '\u{0}', '\u{feff}', 'é',
];

#[test]
fn byte_mutated_yaml_generates_parsable_code_or_a_clear_error() {
    let texts: Vec<String> = ["endpoints.yaml", "discriminated.yaml", "allof.yaml"]
        .iter()
        .map(|name| std::fs::read_to_string(fixture_path(name)).unwrap())
        .collect();
    let edit = (
        any::<usize>(),
        0..3usize,
        proptest::sample::select(YAML_BYTES),
    );
    let strategy = (
        proptest::sample::select(texts),
        proptest::collection::vec(edit, 1..8),
    );
    let tally = Tally::default();
    runner(256)
        .run(&strategy, |(text, edits)| {
            let mut chars: Vec<char> = text.chars().collect();
            for (at, op, c) in edits {
                let at = at % chars.len().max(1);
                match op {
                    0 => chars.insert(at, c),
                    1 if !chars.is_empty() => {
                        chars.remove(at);
                    }
                    _ if !chars.is_empty() => chars[at] = c,
                    _ => {}
                }
            }
            check_spec("mutated.yaml", chars.into_iter().collect(), &tally)
        })
        .unwrap();
    tally.assert_generated_at_least("byte-mutated YAML", 0.02);
}

// ---------------------------------------------------------------------------------------
// Hostile input

/// Generates `text`, which must be refused with an error saying `says`.
fn assert_refused(file_name: &str, text: String, says: &str) {
    match generate_bounded(file_name, text) {
        Ok(Outcome::Refused(error)) => {
            let message = error.to_string();
            assert!(message.contains(says), "{message:?} should say {says:?}");
        }
        Ok(Outcome::Generated(_)) => panic!("hostile input was generated, not refused"),
        Err(failure) => panic!("{failure}"),
    }
}

const HEADER: &str = "openapi: 3.0.3\ninfo: {title: Hostile, version: '1'}\npaths: {}\n";

#[test]
fn a_yaml_alias_bomb_is_refused() {
    let mut text =
        format!("{HEADER}x-bomb:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..12 {
        let previous = format!("*a{}", i - 1);
        let items = [previous.as_str(); 9].join(", ");
        text.push_str(&format!("  a{i}: &a{i} [{items}]\n"));
    }
    assert_refused("bomb.yaml", text, "alias bomb");
}

#[test]
fn deep_nesting_is_refused() {
    let depth = 10_000;
    let yaml = format!(
        "{HEADER}x-deep: {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    assert_refused("deep.yaml", yaml, "levels deep");
    let json = format!(
        r#"{{"openapi": "3.0.3", "info": {{"title": "D", "version": "1"}}, "paths": {{}}, "x": {}{}}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    );
    assert_refused("deep.json", json, "levels deep");
    // Nested schemas: each level an object property of the one above.
    let mut schema = String::from("{type: string}");
    for _ in 0..200 {
        schema = format!("{{type: object, properties: {{a: {schema}}}}}");
    }
    let text = format!("{HEADER}components:\n  schemas:\n    Deep: {schema}\n");
    assert_refused("nested.yaml", text, "levels deep");
}

#[test]
fn self_referencing_refs_are_refused() {
    let text =
        format!("{HEADER}components:\n  schemas:\n    A: {{$ref: '#/components/schemas/A'}}\n");
    assert_refused("self.yaml", text, "circular");
    let text = format!(
        "{HEADER}components:\n  schemas:\n    A: {{$ref: '#/components/schemas/B'}}\n    B: {{$ref: '#/components/schemas/A'}}\n"
    );
    assert_refused("cycle.yaml", text, "circular");
}

#[test]
fn long_ref_and_all_of_chains_are_refused() {
    let mut text = format!("{HEADER}components:\n  schemas:\n");
    for i in 0..500 {
        text.push_str(&format!(
            "    S{i}: {{$ref: '#/components/schemas/S{}'}}\n",
            i + 1
        ));
    }
    text.push_str("    S500: {type: string}\n");
    assert_refused("refs.yaml", text, "hops");

    let mut text = format!("{HEADER}components:\n  schemas:\n");
    for i in 0..500 {
        text.push_str(&format!(
            "    S{i}:\n      allOf:\n        - $ref: '#/components/schemas/S{}'\n        - {{type: object, properties: {{p{i}: {{type: string}}}}}}\n",
            i + 1
        ));
    }
    text.push_str("    S500: {type: object}\n");
    assert_refused("all_of.yaml", text, "allOf nests more than");
}

#[test]
fn recursive_schemas_through_properties_still_generate() {
    // Not hostile: a tree type is legitimate and must be boxed, not refused.
    let text = format!(
        "{HEADER}components:\n  schemas:\n    Node:\n      type: object\n      properties:\n        children: {{type: array, items: {{$ref: '#/components/schemas/Node'}}}}\n        parent: {{$ref: '#/components/schemas/Node'}}\n"
    );
    match generate_bounded("tree.yaml", text) {
        Ok(outcome) => check_outcome(outcome).unwrap(),
        Err(failure) => panic!("{failure}"),
    }
}

// ---------------------------------------------------------------------------------------
// Decoding the generated models

/// A decoder per model type of the generated crate: decode, and when that works, encode and
/// decode again, which must give the same value. `Ok(true)` when the value decoded.
type Decoder = fn(&Value) -> Result<bool, String>;

fn round_trip<T>(value: &Value) -> Result<bool, String>
where
    T: serde::de::DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug,
{
    let Ok(decoded) = serde_json::from_value::<T>(value.clone()) else {
        return Ok(false);
    };
    let encoded = serde_json::to_value(&decoded).map_err(|e| format!("encoding failed: {e}"))?;
    let again = serde_json::from_value::<T>(encoded.clone())
        .map_err(|e| format!("{encoded} does not decode again: {e}"))?;
    if again != decoded {
        return Err(format!("{encoded} decodes to {again:?}, not {decoded:?}"));
    }
    Ok(true)
}

macro_rules! decoders {
    ($($ty:ident),* $(,)?) => {
        vec![$((stringify!($ty), round_trip::<atlas_admin::models::$ty> as Decoder)),*]
    };
}

fn decoders() -> Vec<(&'static str, Decoder)> {
    decoders![
        AddOrRemoveGroupRole,
        GroupRole,
        ApiError,
        AtlasSearchAnalyzer,
        BadRequestDetail,
        BasicDBObject,
        CloudDatabaseUser,
        CloudDatabaseUserAwsIamType,
        CloudDatabaseUserDatabaseName,
        CloudDatabaseUserLdapAuthType,
        CloudDatabaseUserOidcAuthType,
        CloudDatabaseUserX509Type,
        ClusterSearchIndex,
        ClusterSearchIndexStatus,
        ClusterSearchMappings,
        ClusterSearchMappingsFields,
        ComponentLabel,
        DLSIngestionSink,
        DLSIngestionSinkMetadataProvider,
        DataLakeIngestionPipeline,
        DataLakeIngestionPipelineState,
        DataLakePipelinesPartitionField,
        DatabaseUserRole,
        DatabaseUserRoleName,
        DatasetRetentionPolicy,
        DatasetRetentionPolicyUnits,
        FieldTransformation,
        FieldTransformationType,
        FieldViolation,
        Fields,
        FieldsMultiValue,
        FieldsType,
        GroupRoleAssignment,
        IngestionSink,
        IngestionSource,
        Link,
        LiveMigrationResponse,
        LiveMigrationResponseStatus,
        MongoDBAccessLogs,
        MongoDBAccessLogsList,
        OnDemandCpsSnapshotSource,
        OrgActiveUserResponse,
        OrgPendingUserResponse,
        OrgRole,
        OrgUserResponse,
        OrgUserRolesResponse,
        PaginatedApiAtlasDatabaseUserView,
        PaginatedOrgUserView,
        PeriodicCpsSnapshotSource,
        SearchAnalyzer,
        SearchFieldMapping,
        SearchIndex,
        SearchIndexCreateRequest,
        SearchIndexDefinitionVersion,
        SearchIndexResponse,
        SearchMappings,
        SearchMappingsDynamic,
        SearchMappingsDynamicTypeSet,
        SearchStatus,
        SearchSynonymMappingDefinition,
        SearchTypeSet,
        SynonymMappingStatus,
        SynonymMappingStatusDetail,
        SynonymMappingStatusDetailMap,
        SynonymSource,
        TextSearchHostStatusDetail,
        TextSearchIndexCreateRequest,
        TextSearchIndexDefinition,
        TextSearchIndexDefinitionStoredSource,
        TextSearchIndexDefinitionStoredSourceObject,
        TextSearchIndexDefinitionTypeSets,
        TextSearchIndexResponse,
        TextSearchIndexStatusDetail,
        UpdateOrgRolesForUser,
        UserScope,
        UserScopeType,
        VectorQuantization,
        VectorSearchField,
        VectorSearchFilterField,
        VectorSearchHostStatusDetail,
        VectorSearchIndex,
        VectorSearchIndexCreateRequest,
        VectorSearchIndexDefinition,
        VectorSearchIndexResponse,
        VectorSearchIndexStatusDetail,
        VectorSearchVectorField,
        VectorSearchVectorFieldHnswOptions,
        VectorSearchVectorFieldIndexingMethod,
        VectorSimilarity,
    ]
}

/// The JSON names and string values of the spec, so arbitrary values look like the API's.
fn vocabulary(api: &atlas_codegen::ir::Api) -> (Vec<String>, Vec<String>) {
    use atlas_codegen::ir::TypeKind;
    let mut keys = HashSet::new();
    let mut strings = HashSet::new();
    for def in &api.types {
        match &def.kind {
            TypeKind::Struct(s) => keys.extend(s.fields.iter().map(|f| f.json_name.clone())),
            TypeKind::Enum(e) => strings.extend(e.variants.iter().map(|v| v.value.clone())),
            TypeKind::Tagged(u) => {
                keys.insert(u.tag.clone());
                strings.extend(u.variants.iter().map(|v| v.value.clone()));
            }
            _ => {}
        }
    }
    strings.extend(["2024-05-30T12:00:00Z", "2024-05-30", "", "0"].map(String::from));
    let mut keys: Vec<String> = keys.into_iter().filter(|k| !k.is_empty()).collect();
    let mut strings: Vec<String> = strings.into_iter().collect();
    keys.sort();
    strings.sort();
    (keys, strings)
}

fn json_value(keys: Vec<String>, strings: Vec<String>) -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        proptest::sample::select(strings).prop_map(Value::from),
        ".{0,6}".prop_map(Value::from),
    ];
    leaf.prop_recursive(5, 64, 8, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(
                proptest::sample::select(keys.clone()),
                inner.clone(),
                0..8
            )
            .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

#[test]
fn every_model_is_fuzzed() {
    let generated = atlas_codegen::generate(&spec_path(), &Config::default()).unwrap();
    let mut expected: Vec<&str> = generated
        .api()
        .types
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    expected.sort();
    let mut fuzzed: Vec<&str> = decoders().iter().map(|(name, _)| *name).collect();
    fuzzed.sort();
    assert_eq!(fuzzed, expected, "add the new models to decoders![]");
}

/// Decodes `value` into every model, failing on a panic or a round trip that changes it;
/// counts the models it decoded into.
fn decode_everywhere(
    decoders: &[(&'static str, Decoder)],
    value: &Value,
    decoded: &AtomicUsize,
) -> Result<(), TestCaseError> {
    for (name, decode) in decoders {
        decode_one(name, *decode, value, decoded)?;
    }
    Ok(())
}

fn decode_one(
    name: &str,
    decode: Decoder,
    value: &Value,
    decoded: &AtomicUsize,
) -> Result<(), TestCaseError> {
    match std::panic::catch_unwind(|| decode(value)) {
        Ok(Ok(true)) => {
            decoded.fetch_add(1, Ordering::Relaxed);
            Ok(())
        }
        Ok(Ok(false)) => Ok(()),
        Ok(Err(e)) => Err(TestCaseError::fail(format!("{name}: {e}"))),
        Err(_) => Err(TestCaseError::fail(format!("{name} panicked on {value}"))),
    }
}

#[test]
fn arbitrary_json_decodes_into_every_model_without_panicking() {
    let generated = atlas_codegen::generate(&spec_path(), &Config::default()).unwrap();
    let (keys, strings) = vocabulary(generated.api());
    let decoders = decoders();
    let decoded = AtomicUsize::new(0);
    runner(512)
        .run(&json_value(keys, strings), |value| {
            decode_everywhere(&decoders, &value, &decoded)
        })
        .unwrap();
    eprintln!(
        "arbitrary JSON: {} decodes",
        decoded.load(Ordering::Relaxed)
    );
}

/// Builds JSON shaped like a model's schema, with a few nodes replaced by something else:
/// values that get past the first field and into the nested types' decoders.
struct Shaper<'a> {
    api: &'a atlas_codegen::ir::Api,
    strings: &'a [String],
    rng: proptest::test_runner::TestRng,
}

/// Beyond this depth, only required fields are filled, and lists and maps are empty.
const SHALLOW_FROM: usize = 4;
/// Beyond this depth, the value is `null` (a required recursive field has no finite value).
const MAX_SHAPE_DEPTH: usize = 12;

impl Shaper<'_> {
    /// Something other than what the schema says, now and then.
    fn stray(&mut self) -> Option<Value> {
        if !self.rng.random_bool(0.04) {
            return None;
        }
        Some(match self.rng.random_range(0..6) {
            0 => Value::Null,
            1 => json!(-1),
            2 => json!(1.5),
            3 => json!("stray"),
            4 => json!({}),
            _ => json!([]),
        })
    }

    fn string(&mut self) -> Value {
        if self.strings.is_empty() || self.rng.random_bool(0.3) {
            let length = self.rng.random_range(0..5);
            (0..length)
                .map(|_| char::from_u32(self.rng.random_range(32..0x3000)).unwrap_or('?'))
                .collect::<String>()
                .into()
        } else {
            let index = self.rng.random_range(0..self.strings.len());
            self.strings[index].clone().into()
        }
    }

    fn value(&mut self, ty: &atlas_codegen::ir::TypeRef, depth: usize) -> Value {
        use atlas_codegen::ir::{IntKind, TypeRef};
        if let Some(stray) = self.stray() {
            return stray;
        }
        if depth > MAX_SHAPE_DEPTH {
            return Value::Null;
        }
        let shallow = depth > SHALLOW_FROM;
        match ty {
            TypeRef::Named(name) => self.named(name, depth + 1),
            TypeRef::String => self.string(),
            TypeRef::Bool => self.rng.random_bool(0.5).into(),
            TypeRef::Int(IntKind::I32) => self.rng.random::<i32>().into(),
            TypeRef::Int(IntKind::I64) => self.rng.random::<i64>().into(),
            TypeRef::Int(IntKind::U32) => self.rng.random::<u32>().into(),
            TypeRef::Int(IntKind::U64) => self.rng.random::<u64>().into(),
            TypeRef::Float => json!(self.rng.random_range(-1e9..1e9)),
            TypeRef::DateTime => match self.rng.random_range(0..3) {
                0 => json!("2024-05-30T12:00:00Z"),
                1 => json!("2024-05-30T12:00:00.123+02:00"),
                _ => json!("2024-05-30"),
            },
            TypeRef::Date => json!("2024-05-30"),
            TypeRef::Json | TypeRef::File => self.string(),
            TypeRef::JsonObject => json!({"any": [1, null]}),
            TypeRef::List(inner) => {
                let length = if shallow {
                    0
                } else {
                    self.rng.random_range(0..3)
                };
                Value::Array((0..length).map(|_| self.value(inner, depth + 1)).collect())
            }
            TypeRef::Map(inner) => {
                let length = if shallow {
                    0
                } else {
                    self.rng.random_range(0..3)
                };
                let entries = (0..length).map(|i| (format!("k{i}"), self.value(inner, depth + 1)));
                Value::Object(entries.collect())
            }
            TypeRef::Nullable(inner) => {
                if self.rng.random_bool(0.2) {
                    Value::Null
                } else {
                    self.value(inner, depth)
                }
            }
        }
    }

    fn named(&mut self, name: &str, depth: usize) -> Value {
        use atlas_codegen::ir::TypeKind;
        let Some(def) = self.api.type_def(name) else {
            return Value::Null;
        };
        match &def.kind {
            TypeKind::Struct(s) => {
                let mut object = serde_json::Map::new();
                for field in &s.fields {
                    if field.flatten {
                        if let Value::Object(inner) = self.value(&field.ty, depth) {
                            object.extend(inner);
                        }
                        continue;
                    }
                    let include =
                        field.required || (depth <= SHALLOW_FROM && self.rng.random_bool(0.6));
                    if !include {
                        continue;
                    }
                    let value = if field.nullable && self.rng.random_bool(0.2) {
                        Value::Null
                    } else {
                        self.value(&field.ty, depth)
                    };
                    object.insert(field.json_name.clone(), value);
                }
                if self.rng.random_bool(0.1) {
                    object.insert("notInTheSpec".into(), json!([1, "two"]));
                }
                Value::Object(object)
            }
            TypeKind::Enum(e) => {
                if e.variants.is_empty() || self.rng.random_bool(0.1) {
                    json!("A_VALUE_FROM_A_LATER_SPEC")
                } else {
                    let index = self.rng.random_range(0..e.variants.len());
                    e.variants[index].value.clone().into()
                }
            }
            TypeKind::Tagged(u) => {
                if u.variants.is_empty() || self.rng.random_bool(0.1) {
                    return json!({ u.tag.clone(): "A_KIND_FROM_A_LATER_SPEC", "extra": 1 });
                }
                let variant = &u.variants[self.rng.random_range(0..u.variants.len())];
                let mut value = self.named(&variant.ty, depth + 1);
                if let Value::Object(object) = &mut value {
                    object.insert(u.tag.clone(), variant.value.clone().into());
                }
                value
            }
            TypeKind::Untagged(u) => {
                if u.variants.is_empty() {
                    return Value::Null;
                }
                let variant = &u.variants[self.rng.random_range(0..u.variants.len())];
                self.value(&variant.ty, depth)
            }
            TypeKind::Alias(ty) => self.value(ty, depth),
        }
    }
}

#[test]
fn schema_shaped_json_decodes_into_its_model_and_round_trips() {
    let generated = atlas_codegen::generate(&spec_path(), &Config::default()).unwrap();
    let api = generated.api();
    let (_, strings) = vocabulary(api);
    let decoders = decoders();
    let decoded = AtomicUsize::new(0);
    let cases = runner(256);
    let total = cases.config().cases as usize * decoders.len();
    let mut cases = cases;
    cases
        .run(&any::<[u8; 32]>(), |seed| {
            let mut shaper = Shaper {
                api,
                strings: &strings,
                rng: proptest::test_runner::TestRng::from_seed(
                    proptest::test_runner::RngAlgorithm::ChaCha,
                    &seed,
                ),
            };
            for (name, decode) in &decoders {
                let value = shaper.named(name, 0);
                decode_one(name, *decode, &value, &decoded)?;
            }
            Ok(())
        })
        .unwrap();
    let decoded = decoded.load(Ordering::Relaxed);
    eprintln!("schema-shaped JSON: {decoded} of {total} decoded");
    // Most values are valid, so most reach the end of their decoder (and the round trip).
    assert!(decoded * 2 >= total, "only {decoded} of {total} decoded");
}
