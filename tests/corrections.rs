//! A correction never constrains more than its evidence.
//!
//! Where our spec (`spec/atlas-admin-v2.yaml`) types a structure that the official spec
//! (`spec/reference/atlas-admin-api-v2-2025-06-30.yaml`) leaves loose or does not have, the
//! type comes from a few real payloads. A value there of a shape those payloads did not show
//! may well be valid (the official spec allows it), so it must be kept whole, as JSON, and
//! written back unchanged: never a reason to refuse the whole response.
//!
//! The property: for every real payload of a corrected structure (`tests/realdata/`), and every
//! JSON member at a place our spec types and the official spec does not, the payload with that
//! member replaced by a value of each other JSON shape (object, array, string, number, boolean)
//! still decodes, and encodes back to the same JSON, the replaced value included. The places
//! are found by walking each payload along both specs' schemas, not listed by hand, so a new
//! correction is covered as soon as a payload reaches it.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;

use atlas_admin::models::codec::{self, Decode, Encode};
use atlas_admin::models::*;
use atlas_codegen_tests::workspace_root;
use serde_json::{Value, json};

/// One spec, as JSON.
struct Spec {
    document: Value,
}

impl Spec {
    fn load(path: &str) -> Spec {
        let text = std::fs::read_to_string(workspace_root().join(path)).unwrap();
        Spec {
            document: serde_saphyr::from_str(&text).unwrap(),
        }
    }

    fn component(&self, name: &str) -> &Value {
        let schema = &self.document["components"]["schemas"][name];
        assert!(!schema.is_null(), "no component {name}");
        schema
    }

    /// The schema a `$ref` chain ends at.
    fn resolve<'a>(&'a self, mut schema: &'a Value) -> &'a Value {
        while let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let name = reference
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("unexpected $ref {reference}"));
            schema = self.component(name);
        }
        schema
    }

    /// The schemas whose keywords describe `value` at a place of `schema`: the schema, its
    /// `allOf` members at any depth, and for a discriminated union the variant the value's tag
    /// selects (or the default the spec documents) with its own members.
    fn parts<'a>(&'a self, schema: &'a Value, value: &Value) -> Vec<&'a Value> {
        let mut parts = Vec::new();
        self.collect(self.resolve(schema), &mut parts);
        let discriminated = parts.iter().find_map(|p| p.get("discriminator"));
        if let (Some(discriminator), Some(object)) = (discriminated, value.as_object()) {
            let tag = discriminator["propertyName"].as_str().unwrap();
            let selected = match object.get(tag) {
                Some(Value::String(tag)) => Some(tag.clone()),
                Some(_) => None,
                None => self.default_tag(&parts, tag),
            };
            let target = selected
                .as_ref()
                .and_then(|tag| discriminator["mapping"].get(tag))
                .and_then(Value::as_str);
            if let Some(target) = target {
                let name = target
                    .strip_prefix("#/components/schemas/")
                    .unwrap_or(target);
                self.collect(self.resolve(self.component(name)), &mut parts);
            }
        }
        parts
    }

    fn collect<'a>(&'a self, schema: &'a Value, parts: &mut Vec<&'a Value>) {
        if parts.iter().any(|p| std::ptr::eq(*p, schema)) {
            return;
        }
        parts.push(schema);
        for member in schema["allOf"].as_array().into_iter().flatten() {
            self.collect(self.resolve(member), parts);
        }
    }

    /// The tag of an object without one: the tag property's `default`, or the one its
    /// description documents ("The default type is search.").
    fn default_tag(&self, parts: &[&Value], tag: &str) -> Option<String> {
        parts.iter().find_map(|p| {
            let property = p.get("properties")?.get(tag)?;
            if let Some(default) = property.get("default").and_then(Value::as_str) {
                return Some(default.to_string());
            }
            let description = property.get("description")?.as_str()?.to_lowercase();
            let (_, rest) = description.split_once(&format!("default {tag} is "))?;
            let value = rest.split(|c: char| !c.is_alphanumeric()).next()?;
            // The value as the mapping spells it (`vectorSearch`, not `vectorsearch`).
            let mapping = p.get("discriminator")?.get("mapping")?.as_object()?;
            mapping.keys().find(|k| k.to_lowercase() == value).cloned()
        })
    }

    /// The schema of member `key` of an object described by `parts` (the last definition wins,
    /// as a variant narrows its union), or of its values for a map; `None` when the spec does
    /// not describe it (the model keeps it in `unknown_fields`, as any JSON).
    fn member<'a>(&'a self, parts: &[&'a Value], key: &str) -> Option<&'a Value> {
        let property = parts
            .iter()
            .rev()
            .find_map(|p| p.get("properties").and_then(|props| props.get(key)));
        property.or_else(|| {
            parts
                .iter()
                .rev()
                .find_map(|p| p.get("additionalProperties").filter(|a| a.is_object()))
        })
    }

    fn items<'a>(&'a self, parts: &[&'a Value]) -> Option<&'a Value> {
        parts.iter().rev().find_map(|p| p.get("items"))
    }

    /// Whether a schema constrains nothing, by the generator's rule (README, "Real traffic"):
    /// no properties, choice, enum or items, and `additionalProperties` absent, `true`, or
    /// itself such a schema. Generated as any JSON.
    fn free_form(&self, schema: &Value) -> bool {
        let schema = self.resolve(schema);
        let constrains = [
            "oneOf",
            "anyOf",
            "allOf",
            "not",
            "enum",
            "items",
            "discriminator",
        ]
        .iter()
        .any(|k| schema.get(k).is_some())
            || schema["properties"]
                .as_object()
                .is_some_and(|p| !p.is_empty());
        let untyped = matches!(schema["type"].as_str(), None | Some("object"));
        let additional = match schema.get("additionalProperties") {
            None | Some(Value::Bool(true)) => true,
            Some(Value::Bool(_)) => false,
            Some(inner) if inner.get("$ref").is_some() => false,
            Some(inner) => self.free_form(inner),
        };
        !constrains && untyped && additional
    }

    /// What kind of JSON a place takes: a union without a discriminator, or its `type`.
    fn kind(&self, parts: &[&Value]) -> &'static str {
        let union = parts.iter().any(|p| {
            (p.get("oneOf").is_some() || p.get("anyOf").is_some())
                && p.get("discriminator").is_none()
        });
        if union {
            return "union";
        }
        let typ = parts.iter().find_map(|p| p["type"].as_str());
        match typ {
            Some("object") => "object",
            Some("array") => "array",
            Some("string") => "string",
            Some("integer") | Some("number") => "number",
            Some("boolean") => "boolean",
            _ if parts.iter().any(|p| p.get("properties").is_some()) => "object",
            _ => "any",
        }
    }
}

/// Both specs.
struct Specs {
    ours: Spec,
    official: Spec,
}

impl Specs {
    /// Both specs, read once for all the tests (the official one is 4 MB).
    fn load() -> &'static Specs {
        static SPECS: OnceLock<Specs> = OnceLock::new();
        SPECS.get_or_init(|| Specs {
            ours: Spec::load("spec/atlas-admin-v2.yaml"),
            official: Spec::load("spec/reference/atlas-admin-api-v2-2025-06-30.yaml"),
        })
    }

    /// The JSON pointers of `value`'s members that our spec types and the official spec does
    /// not (it leaves them free-form, lacks them, or has another kind of value there, as
    /// `boolean` where we have a union): the roots of what our corrections typed.
    fn corrected(
        &self,
        pointer: &str,
        value: &Value,
        ours: Option<&Value>,
        official: Option<&Value>,
        found: &mut Vec<String>,
    ) {
        let Some(ours) = ours else {
            return;
        };
        if self.ours.free_form(ours) {
            return;
        }
        let Some(official) = official.filter(|o| !self.official.free_form(o)) else {
            found.push(pointer.to_string());
            return;
        };
        let our_parts = self.ours.parts(ours, value);
        let official_parts = self.official.parts(official, value);
        let kind = self.ours.kind(&our_parts);
        if kind != self.official.kind(&official_parts) {
            found.push(pointer.to_string());
            return;
        }
        match value {
            Value::Object(members) if kind != "union" => {
                for (key, member) in members {
                    self.corrected(
                        &format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1")),
                        member,
                        self.ours.member(&our_parts, key),
                        self.official.member(&official_parts, key),
                        found,
                    );
                }
            }
            Value::Array(items) if kind != "union" => {
                for (i, item) in items.iter().enumerate() {
                    self.corrected(
                        &format!("{pointer}/{i}"),
                        item,
                        self.ours.items(&our_parts),
                        self.official.items(&official_parts),
                        found,
                    );
                }
            }
            _ => {}
        }
    }
}

/// Decodes a body as the client does and encodes it again: the JSON it encodes to, or why it
/// did not decode.
fn round_trip<T: Decode + Encode>(bytes: &[u8]) -> Result<Value, String> {
    let decoded: T = codec::from_slice(bytes).map_err(|e| e.to_string())?;
    serde_json::from_slice(&codec::to_vec(&decoded)).map_err(|e| e.to_string())
}

type Check = fn(&[u8]) -> Result<Value, String>;

/// The payloads of the structures our spec corrects: file, the component it is a body of
/// (`[]` after it for a list of them), and the model.
const PAYLOADS: &[(&str, &str, Check)] = &[
    (
        "cluster_search_index_deprecated/fts-custom-analyzers-static-mapping.json",
        "ClusterSearchIndex",
        round_trip::<ClusterSearchIndex>,
    ),
    (
        "cluster_search_index_deprecated/fts-get-dynamic-fields-null.json",
        "ClusterSearchIndex",
        round_trip::<ClusterSearchIndex>,
    ),
    (
        "cluster_search_index_deprecated/fts-list-array.json",
        "ClusterSearchIndex[]",
        round_trip::<Vec<ClusterSearchIndex>>,
    ),
    (
        "cluster_search_index_deprecated/legacy-v1-list-no-type-multitype-title.json",
        "ClusterSearchIndex[]",
        round_trip::<Vec<ClusterSearchIndex>>,
    ),
    (
        "data_lake_pipeline/create-request-on-demand-cps-partition-fields.json",
        "DataLakeIngestionPipeline",
        round_trip::<DataLakeIngestionPipeline>,
    ),
    (
        "data_lake_pipeline/response-periodic-cps-dls-aws.json",
        "DataLakeIngestionPipeline",
        round_trip::<DataLakeIngestionPipeline>,
    ),
    (
        "search_index_create_request/fts-production-docs-search-index.json",
        "ClusterSearchIndex",
        round_trip::<ClusterSearchIndex>,
    ),
    (
        "search_index_create_request/search-with-vector-field-quantization.json",
        "SearchIndexCreateRequest",
        round_trip::<SearchIndexCreateRequest>,
    ),
    (
        "search_index_create_request/vector-indexingMethod-flat.json",
        "SearchIndexCreateRequest",
        round_trip::<SearchIndexCreateRequest>,
    ),
    (
        "search_index_create_request/vector-with-filter-fields.json",
        "SearchIndexCreateRequest",
        round_trip::<SearchIndexCreateRequest>,
    ),
    (
        "search_index_response/text-custom-analyzer-ngram-composed.json",
        "SearchIndexResponse",
        round_trip::<SearchIndexResponse>,
    ),
    (
        "search_index_response/text-dynamic-pending.json",
        "SearchIndexResponse",
        round_trip::<SearchIndexResponse>,
    ),
    (
        "search_index_response/text-multi-analyzer-nested-document.json",
        "SearchIndexResponse",
        round_trip::<SearchIndexResponse>,
    ),
    (
        "search_index_response/text-multitype-field-document-and-string.json",
        "SearchIndexResponse",
        round_trip::<SearchIndexResponse>,
    ),
    (
        "search_index_response/text-storedSource-include-object-composed.json",
        "SearchIndexResponse",
        round_trip::<SearchIndexResponse>,
    ),
    (
        "search_index_response/text-storedSource-true-composed.json",
        "SearchIndexResponse",
        round_trip::<SearchIndexResponse>,
    ),
    (
        "search_index_response/text-typeSets-dynamic-object-composed.json",
        "SearchIndexResponse",
        round_trip::<SearchIndexResponse>,
    ),
    (
        "search_index_response/text-updated-version-with-createdAt.json",
        "SearchIndexResponse",
        round_trip::<SearchIndexResponse>,
    ),
    (
        "search_index_response/vector-with-filter-fields-composed.json",
        "SearchIndexResponse",
        round_trip::<SearchIndexResponse>,
    ),
];

fn read(file: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("realdata")
        .join(file);
    serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The schema a payload is a body of, in one spec.
fn body_schema(component: &str) -> Value {
    match component.strip_suffix("[]") {
        Some(item) => {
            json!({"type": "array", "items": {"$ref": format!("#/components/schemas/{item}")}})
        }
        None => json!({"$ref": format!("#/components/schemas/{component}")}),
    }
}

/// Every payload's corrected places: file, payload, and the pointers of the roots.
fn corrected_places(specs: &Specs) -> Vec<(&'static str, Check, Value, Vec<String>)> {
    PAYLOADS
        .iter()
        .map(|&(file, component, check)| {
            let payload = read(file);
            let schema = body_schema(component);
            let mut roots = Vec::new();
            specs.corrected("", &payload, Some(&schema), Some(&schema), &mut roots);
            (file, check, payload, roots)
        })
        .collect()
}

/// The pointers of a value and of every member below it, at any depth.
fn subtree(pointer: &str, value: &Value, out: &mut Vec<String>) {
    out.push(pointer.to_string());
    match value {
        Value::Object(members) => {
            for (key, member) in members {
                let key = key.replace('~', "~0").replace('/', "~1");
                subtree(&format!("{pointer}/{key}"), member, out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                subtree(&format!("{pointer}/{i}"), item, out);
            }
        }
        _ => {}
    }
}

fn shape(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A value of each JSON shape, to put where another shape was.
fn replacements() -> [Value; 5] {
    [
        json!({"replaced": ["by", 1, {"shape": "object"}]}),
        json!(["replaced", 2, {"by": "array"}]),
        json!("replaced"),
        json!(2.5),
        json!(false),
    ]
}

/// `null` members removed: an optional field sent as `null` is absent, and left out when
/// written back.
fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(members) => Value::Object(
            members
                .into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

/// The indexes of a payload with the `type` they are written back with: an index without
/// one is read as its documented default, `search`.
fn with_default_type(mut value: Value, component: &str) -> Value {
    if !component.starts_with("ClusterSearchIndex") {
        return value;
    }
    let indexes: Vec<&mut Value> = match &mut value {
        Value::Array(items) => items.iter_mut().collect(),
        other => vec![other],
    };
    for index in indexes {
        if let Some(members) = index.as_object_mut() {
            members.entry("type").or_insert(json!("search"));
        }
    }
    value
}

#[test]
fn a_member_of_another_shape_at_a_corrected_place_is_kept_whole() {
    let specs = Specs::load();
    let mut failures = Vec::new();
    let mut mutations = 0;
    for (file, check, payload, roots) in corrected_places(specs) {
        let component = PAYLOADS.iter().find(|p| p.0 == file).unwrap().1;
        let mut places = Vec::new();
        for root in &roots {
            subtree(root, payload.pointer(root).unwrap(), &mut places);
        }
        for place in places {
            let original = payload.pointer(&place).unwrap();
            for replacement in replacements() {
                if shape(&replacement) == shape(original) {
                    continue;
                }
                mutations += 1;
                let mut mutated = payload.clone();
                *mutated.pointer_mut(&place).unwrap() = replacement.clone();
                let bytes = serde_json::to_vec(&mutated).unwrap();
                let written = match check(&bytes) {
                    Ok(written) => written,
                    Err(error) => {
                        failures.push(format!("{file} {place} = {replacement}: {error}"));
                        continue;
                    }
                };
                if written.pointer(&place) != Some(&replacement) {
                    failures.push(format!(
                        "{file} {place} = {replacement}: written back as {:?}",
                        written.pointer(&place)
                    ));
                } else if without_nulls(written)
                    != without_nulls(with_default_type(mutated, component))
                {
                    failures.push(format!(
                        "{file} {place} = {replacement}: the rest is written back differently"
                    ));
                }
            }
        }
    }
    let total = failures.len();
    failures.truncate(20);
    assert!(
        failures.is_empty(),
        "{total} of {mutations} replacements at corrected places refused or changed:\n{}",
        failures.join("\n")
    );
    assert!(mutations > 1000, "only {mutations} replacements");
    eprintln!("{mutations} replacements at corrected places, all kept whole");
}

/// The walk finds the places our spec corrects (`docs/real-traffic.md`), and only those.
#[test]
fn the_corrected_places_are_the_ones_the_readme_lists() {
    let specs = Specs::load();
    let mut found = BTreeSet::new();
    for (file, _, _, roots) in corrected_places(specs) {
        if file.starts_with("data_lake_pipeline/") {
            // The official spec types pipelines as we do.
            assert_eq!(roots, Vec::<String>::new(), "{file}");
        }
        for root in roots {
            // An index in a list, a field of a vector index, a field name of a mapping: any.
            let general: Vec<&str> = root
                .split('/')
                .scan("", |previous, segment| {
                    let general = if segment.parse::<usize>().is_ok()
                        || *previous == "fields" && segment != "fields"
                    {
                        "*"
                    } else {
                        segment
                    };
                    *previous = segment;
                    Some(general)
                })
                .collect();
            found.insert(general.join("/"));
        }
    }
    let expected = [
        // The deprecated endpoints' mappings, whose `fields` the official spec leaves free-form.
        "/*/mappings/dynamic",
        "/*/mappings/fields",
        "/definition/fields/*",
        "/definition/mappings/dynamic",
        "/definition/mappings/fields/*",
        "/latestDefinition/fields/*",
        "/latestDefinition/mappings/dynamic",
        "/latestDefinition/mappings/fields/*",
        "/latestDefinition/storedSource",
        "/latestDefinition/typeSets",
        "/mappings/dynamic",
        "/mappings/fields",
    ];
    assert_eq!(
        found.iter().map(String::as_str).collect::<Vec<_>>(),
        expected,
        "{found:#?}"
    );
}

/// The reported case: a string field whose `multi` has a member of a shape `Fields` does not
/// expect (here an analyzer given as an object, and a list) no longer refuses the whole index;
/// the field stays typed, the member is kept whole and written back unchanged.
#[test]
fn a_multi_member_of_an_unexpected_shape_is_kept_whole() {
    let mut payload = read("search_index_response/text-multi-analyzer-nested-document.json");
    let multi = payload
        .pointer_mut("/latestDefinition/mappings/fields/name/multi")
        .unwrap();
    let odd = json!({"type": "string", "analyzer": {"name": "lucene.french", "stopwords": false}});
    multi["mySecondaryAnalyzer"] = odd.clone();
    multi["myThird"] = json!([{"type": "string"}]);
    let bytes = serde_json::to_vec(&payload).unwrap();
    let index: SearchIndexResponse = codec::from_slice(&bytes).unwrap();
    assert_eq!(codec::to_value(&index).unwrap(), payload);
    let SearchIndexResponse::Search(index) = index else {
        panic!("a text search index");
    };
    let fields = index.latest_definition.unwrap().mappings.fields.unwrap();
    let SearchFieldMapping::Fields(name) = &fields["name"] else {
        panic!("name is one definition: {:?}", fields["name"]);
    };
    assert_eq!(name.r#type, Some(FieldsType::String));
    assert_eq!(name.analyzer.as_deref(), Some("lucene.whitespace"));
    let multi = name.multi.as_ref().unwrap();
    assert_eq!(multi["mySecondaryAnalyzer"], FieldsMultiValue::Unknown(odd));
    assert_eq!(
        multi["myThird"],
        FieldsMultiValue::Unknown(json!([{"type": "string"}]))
    );
}
