//! Rust names for spec names.
//!
//! Every function here is pure and total: any input string yields a valid, non-reserved Rust
//! identifier, so a spec can never make the generator emit code that does not parse.

use std::collections::HashSet;

use super::case;
use crate::rust_names::is_keyword;

/// Words that cannot be identifiers, even as raw identifiers (`r#self` is not allowed).
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Type names the generated modules use unqualified (the prelude, and the catch-all variant
/// name); a model with such a name would shadow them.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Option",
    "Nullable",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "ToString",
    "ToOwned",
    "Clone",
    "Copy",
    "Default",
    "Eq",
    "PartialEq",
    "Ord",
    "PartialOrd",
    "Hash",
    "Debug",
    "Send",
    "Sync",
    "Sized",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Iterator",
    "IntoIterator",
    "Extend",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "AsRef",
    "AsMut",
    "Self",
];

/// Keeps only characters that may appear in an identifier, splitting words at the others.
fn words(raw: &str) -> String {
    raw.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// Makes `name` start with a letter or underscore.
fn leading_letter(name: String, prefix: &str) -> String {
    match name.chars().next() {
        Some(c) if c.is_ascii_digit() => format!("{prefix}{name}"),
        Some(_) => name,
        None => prefix.trim_end_matches('_').to_string(),
    }
}

/// The Rust type name for a component or a derived (inline) name.
///
/// A name that is already UpperCamelCase (`MongoDBAccessLogsList`, `DLSIngestionSink`) is kept
/// as written so users find the names of the spec; anything else is converted.
pub fn type_name(raw: &str) -> String {
    let is_camel = raw.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && raw.chars().all(|c| c.is_ascii_alphanumeric());
    let name = if is_camel {
        raw.to_string()
    } else {
        leading_letter(case::upper_camel(&words(raw)), "Type")
    };
    if RESERVED_TYPE_NAMES.contains(&name.as_str()) {
        format!("{name}Model")
    } else if name.is_empty() {
        "Type".to_string()
    } else {
        name
    }
}

/// The name of a type defined inline under a parent's property: the parent's name and the
/// property's, without saying twice the words they share (`DatabaseUserRole` + `roleName` ->
/// `DatabaseUserRoleName`). A property named as the whole end of its parent's name is named
/// alone (`AddOrRemoveGroupRole` + `groupRole` -> `GroupRole`), not `..GroupRoleGroupRole`.
pub fn derived_type_name(parent: &str, suffix: &str) -> String {
    let suffix = case::upper_camel(&words(suffix));
    if parent.is_empty() || suffix.is_empty() {
        return format!("{parent}{suffix}");
    }
    let (ours, theirs) = (camel_words(parent), camel_words(&suffix));
    let shared = (1..=ours.len().min(theirs.len()))
        .rev()
        .find(|&k| ours[ours.len() - k..] == theirs[..k])
        .unwrap_or(0);
    if shared == ours.len() && shared == theirs.len() {
        // The property is named as its parent: saying it twice is the one clear name.
        return format!("{parent}{suffix}");
    }
    if shared == theirs.len() {
        return suffix;
    }
    let kept: usize = ours[..ours.len() - shared].iter().map(|w| w.len()).sum();
    format!("{}{suffix}", &parent[..kept])
}

/// The field name for a JSON property name: snake_case, never empty, never a reserved word
/// that cannot be raw. Keywords are returned as is; emitters write them as raw identifiers.
pub fn field_name(raw: &str) -> String {
    let snake = leading_letter(case::snake(&words(raw)), "field_");
    if NOT_RAW.contains(&snake.as_str()) || snake.is_empty() {
        format!("{snake}_")
    } else {
        snake
    }
}

/// The enum variant name for a value: UpperCamelCase of its words (`lucene.standard` ->
/// `LuceneStandard`, `$external` -> `External`, `GROUP_OWNER` -> `GroupOwner`).
pub fn variant_name(raw: &str) -> String {
    let name = case::upper_camel(&words(raw));
    match name.as_str() {
        "" => "Empty".to_string(),
        "Self" => "SelfValue".to_string(),
        _ => leading_letter(name, "V"),
    }
}

/// The method name of an operation without an `operationId`: its HTTP method, then the words
/// of its path's segments, a template's parameter by its name, all snake_case
/// (`get /pets/{petId}/toys` -> `get_pets_pet_id_toys`, `post /v2/pets:search` ->
/// `post_v2_pets_search`, `get /` -> `get`). Its builder is the UpperCamelCase of the same
/// words (`GetPetsPetIdToys`).
pub fn operation_name(method: &str, path: &str) -> String {
    field_name(&format!("{} {path}", method.to_ascii_lowercase()))
}

/// The name of a type that a `$ref` reaches inside another schema: the name of the place
/// owning that schema (`owner`), then a word for each step from there (`steps`, the pointer's
/// tokens after the owner's schema): `properties/<p>` the property, as for a type defined
/// under it ([`derived_type_name`]); `items` `Item`; `additionalProperties` `Value`;
/// `allOf/<i>`, `oneOf/<i>`, `anyOf/<i>` `AllOf<i>`, `OneOf<i>`, `AnyOf<i>`; `not` `Not`
/// (`Tag` + `allOf/0` -> `TagAllOf0`, `Pet` + `properties/tags/items` -> `PetTagsItem`).
pub fn pointer_type_name(owner: &str, steps: &[&str]) -> String {
    let mut name = owner.to_string();
    let mut steps = steps.iter();
    while let Some(step) = steps.next() {
        let word = |keyword: &str, index: Option<&&str>| {
            format!(
                "{keyword}{}",
                index.map_or(String::new(), |i| case::upper_camel(&words(i)))
            )
        };
        name = match *step {
            "properties" => match steps.next() {
                Some(property) => derived_type_name(&name, property),
                None => format!("{name}Properties"),
            },
            "items" => format!("{name}Item"),
            "additionalProperties" => format!("{name}Value"),
            "allOf" => format!("{name}{}", word("AllOf", steps.next())),
            "oneOf" => format!("{name}{}", word("OneOf", steps.next())),
            "anyOf" => format!("{name}{}", word("AnyOf", steps.next())),
            "not" => format!("{name}Not"),
            other => format!("{name}{}", case::upper_camel(&words(other))),
        };
    }
    type_name(&name)
}

/// The module (file) name for a type name.
pub fn module_name(type_name: &str) -> String {
    let name = case::snake(type_name);
    if is_keyword(&name) || NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// Hands out names unique within one scope, in the order asked: the first asker gets the plain
/// name, later ones a numeric suffix. Deterministic for a given order of requests.
#[derive(Default, Debug)]
pub struct NameAllocator {
    taken: HashSet<String>,
}

impl NameAllocator {
    pub fn with_reserved<'a>(reserved: impl IntoIterator<Item = &'a str>) -> Self {
        Self {
            taken: reserved.into_iter().map(str::to_string).collect(),
        }
    }

    /// Claims `wanted`, or `wanted2`, `wanted3`, ... if it is taken. Names are compared
    /// case-insensitively, so two models never land in files whose names differ only in case.
    pub fn claim(&mut self, wanted: &str) -> String {
        let mut candidate = wanted.to_string();
        let mut n = 2;
        while !self.taken.insert(candidate.to_ascii_lowercase()) {
            candidate = format!("{wanted}{n}");
            n += 1;
        }
        candidate
    }

    /// Like [`claim`](Self::claim), joining the suffix with `_` (for snake_case names).
    pub fn claim_snake(&mut self, wanted: &str) -> String {
        let mut candidate = wanted.to_string();
        let mut n = 2;
        while !self.taken.insert(candidate.to_ascii_lowercase()) {
            candidate = format!("{wanted}_{n}");
            n += 1;
        }
        candidate
    }
}

/// The words of an UpperCamelCase name: `TextSearchIndexStatus` -> `Text`, `Search`, ...
fn camel_words(name: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut start = 0;
    for (i, c) in name.char_indices().skip(1) {
        if c.is_ascii_uppercase() {
            words.push(&name[start..i]);
            start = i;
        }
    }
    words.push(&name[start..]);
    words
}

/// A name for a type used in several places, from the names each place would give it: what
/// they end with (the property: `Status`, `OrgRolesItem` -> `OrgRole`), and, when that is a
/// single word, the longest run of words their owners share before it (`SearchStatus` for the
/// `status` of text and vector search indexes). `None` when they end differently.
pub fn shared_name(hints: &[String]) -> Option<String> {
    let words: Vec<Vec<&str>> = hints.iter().map(|h| camel_words(h)).collect();
    let shortest = words.iter().map(Vec::len).min()?;
    let mut suffix = 0;
    while suffix < shortest
        && words
            .iter()
            .all(|w| w[w.len() - 1 - suffix] == words[0][words[0].len() - 1 - suffix])
    {
        suffix += 1;
    }
    if suffix == 0 {
        return None;
    }
    let first = &words[0];
    let mut tail: Vec<String> = first[first.len() - suffix..]
        .iter()
        .map(|w| w.to_string())
        .collect();
    // An array's items are one of the list: `OrgRolesItem` -> `OrgRole`.
    if tail.len() > 1 && matches!(tail.last().map(String::as_str), Some("Item" | "Value")) {
        tail.pop();
        if let Some(last) = tail.last_mut()
            && last.len() > 2
            && last.ends_with('s')
            && !last.ends_with("ss")
        {
            last.pop();
        }
    }
    if tail.len() == 1 {
        let owners: Vec<&[&str]> = words.iter().map(|w| &w[..w.len() - suffix]).collect();
        let common = longest_common_run(&owners);
        tail.splice(0..0, common.into_iter().map(str::to_string));
    }
    Some(tail.concat())
}

/// The longest run of consecutive words every list has (the first found among equals).
fn longest_common_run<'a>(lists: &[&[&'a str]]) -> Vec<&'a str> {
    let Some(first) = lists.first() else {
        return Vec::new();
    };
    let mut best: &[&str] = &[];
    for start in 0..first.len() {
        for end in (start + 1..=first.len()).rev() {
            let run = &first[start..end];
            if run.len() <= best.len() {
                break;
            }
            if lists[1..]
                .iter()
                .all(|list| list.windows(run.len()).any(|w| w == run))
            {
                best = run;
                break;
            }
        }
    }
    best.to_vec()
}

#[cfg(test)]
mod tests {
    #[test]
    fn derived_names_do_not_stutter() {
        use super::derived_type_name as derived;
        assert_eq!(
            derived("SearchIndexResponse", "status"),
            "SearchIndexResponseStatus"
        );
        assert_eq!(derived("AddOrRemoveGroupRole", "groupRole"), "GroupRole");
        assert_eq!(
            derived("DatabaseUserRole", "roleName"),
            "DatabaseUserRoleName"
        );
        assert_eq!(derived("UserScope", "type"), "UserScopeType");
        assert_eq!(derived("Fields", "fields"), "FieldsFields");
        assert_eq!(
            derived("DLSIngestionSink", "sinkType"),
            "DLSIngestionSinkType"
        );
        assert_eq!(derived("Thing", "x_y"), "ThingXY");
        assert_eq!(derived("Thing", "thingKind"), "ThingKind");
    }

    use super::*;

    #[test]
    fn shared_types_are_named_for_what_their_places_have_in_common() {
        let name =
            |hints: &[&str]| shared_name(&hints.iter().map(|h| h.to_string()).collect::<Vec<_>>());
        assert_eq!(
            name(&[
                "TextSearchHostStatusDetailStatus",
                "TextSearchIndexResponseStatus",
                "VectorSearchIndexResponseStatus",
            ])
            .as_deref(),
            Some("SearchStatus")
        );
        assert_eq!(
            name(&[
                "OrgUserRolesResponseOrgRolesItem",
                "UpdateOrgRolesForUserOrgRolesItem"
            ])
            .as_deref(),
            Some("OrgRole")
        );
        assert_eq!(name(&["ThingKind", "OtherColour"]), None);
    }

    #[test]
    fn type_names_keep_spec_camel_case() {
        assert_eq!(type_name("MongoDBAccessLogsList"), "MongoDBAccessLogsList");
        assert_eq!(type_name("DLSIngestionSink"), "DLSIngestionSink");
        assert_eq!(type_name("ingestion_source"), "IngestionSource");
        assert_eq!(type_name("Result"), "ResultModel");
        assert_eq!(type_name("2fa-config"), "Type2faConfig");
        assert_eq!(type_name("$$$"), "Type");
    }

    #[test]
    fn field_names_are_snake_case_and_usable() {
        assert_eq!(field_name("indexID"), "index_id");
        assert_eq!(field_name("_id"), "id");
        assert_eq!(field_name("type"), "type");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("include | exclude"), "include_exclude");
        assert_eq!(field_name("1st"), "field_1st");
        assert_eq!(field_name("..."), "field");
    }

    #[test]
    fn variant_names_follow_the_contract() {
        assert_eq!(variant_name("lucene.standard"), "LuceneStandard");
        assert_eq!(variant_name("$external"), "External");
        assert_eq!(variant_name("GROUP_OWNER"), "GroupOwner");
        assert_eq!(variant_name("vectorSearch"), "VectorSearch");
        assert_eq!(variant_name("ON_DEMAND_CPS"), "OnDemandCps");
        assert_eq!(variant_name("DLS"), "Dls");
        assert_eq!(variant_name("4"), "V4");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(variant_name("self"), "SelfValue");
    }

    #[test]
    fn an_operation_without_an_id_is_named_by_its_method_and_path() {
        assert_eq!(
            operation_name("get", "/pets/{petId}/toys"),
            "get_pets_pet_id_toys"
        );
        assert_eq!(operation_name("GET", "/pets"), "get_pets");
        assert_eq!(
            operation_name("delete", "/pets/{pet_id}"),
            "delete_pets_pet_id"
        );
        assert_eq!(
            operation_name("post", "/v2/pets:search"),
            "post_v2_pets_search"
        );
        assert_eq!(
            operation_name(
                "put",
                "/api/atlas/v2/groups/{groupId}/clusters/{clusterName}"
            ),
            "put_api_atlas_v2_groups_group_id_clusters_cluster_name"
        );
        assert_eq!(operation_name("get", "/"), "get");
        assert_eq!(
            operation_name("get", "/2fa/HTTPServer"),
            "get_2fa_http_server"
        );
        assert_eq!(operation_name("patch", "/pets.json"), "patch_pets_json");
        assert_eq!(
            type_name(&case::upper_camel(&operation_name(
                "get",
                "/pets/{petId}/toys"
            ))),
            "GetPetsPetIdToys"
        );
    }

    #[test]
    fn a_type_reached_inside_a_schema_is_named_by_its_place() {
        assert_eq!(pointer_type_name("Tag", &["allOf", "0"]), "TagAllOf0");
        assert_eq!(
            pointer_type_name("Pet", &["properties", "tags", "items"]),
            "PetTagsItem"
        );
        assert_eq!(
            pointer_type_name("Pet", &["properties", "owner", "oneOf", "1"]),
            "PetOwnerOneOf1"
        );
        assert_eq!(
            pointer_type_name("Map", &["additionalProperties", "anyOf", "2", "not"]),
            "MapValueAnyOf2Not"
        );
        assert_eq!(pointer_type_name("ConflictBody", &[]), "ConflictBody");
        assert_eq!(pointer_type_name("Option", &[]), "OptionModel");
    }

    #[test]
    fn allocator_suffixes_collisions_in_order() {
        let mut names = NameAllocator::with_reserved(["unknown"]);
        assert_eq!(names.claim("Unknown"), "Unknown2");
        assert_eq!(names.claim("Foo"), "Foo");
        assert_eq!(names.claim("FOO"), "FOO2");
        assert_eq!(names.claim_snake("foo_bar"), "foo_bar");
        assert_eq!(names.claim_snake("foo_bar"), "foo_bar_2");
    }
}
