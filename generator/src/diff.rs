//! `atlas-codegen diff OLD NEW`: what a new spec changes in the generated Rust API, each
//! change breaking or additive for a crate that uses it, and the version bump that follows.
//!
//! Both specs are built into the intermediate model and compared there, so a change counts
//! the way the Rust API sees it: a renamed operationId is a renamed method, a field that turns
//! required changes its type from `Option<T>` to `T`, an added enum value is absorbed by
//! `Unknown`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::json;

use crate::ir::{Api, BodyKind, Operation, Payload, TypeDef, TypeKind, TypeRef};

/// Whether a change can break a crate that uses the generated one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    Breaking,
    Additive,
}

/// One change of the generated API.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    pub impact: Impact,
    /// A stable code for the kind of change, e.g. `operation_removed`.
    pub kind: &'static str,
    /// What changed: `operation list_things`, `model Cluster`, ...
    pub subject: String,
    pub message: String,
}

/// The version bump a change set needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bump {
    None,
    Patch,
    Minor,
    Major,
}

/// All the changes between two specs.
#[derive(Clone, Debug, Default)]
pub struct DiffReport {
    pub changes: Vec<Change>,
}

impl DiffReport {
    pub fn breaking(&self) -> usize {
        self.changes
            .iter()
            .filter(|c| c.impact == Impact::Breaking)
            .count()
    }

    pub fn additive(&self) -> usize {
        self.changes
            .iter()
            .filter(|c| c.impact == Impact::Additive)
            .count()
    }

    /// The bump for a crate at `version`, by semver: breaking changes are a major bump (a
    /// minor one before 1.0), additive ones a minor bump (a patch before 1.0).
    pub fn bump(&self, version: &str) -> Bump {
        let pre_1 = version.split('.').next() == Some("0");
        match (self.breaking() > 0, self.additive() > 0, pre_1) {
            (true, _, false) => Bump::Major,
            (true, _, true) | (false, true, false) => Bump::Minor,
            (false, true, true) => Bump::Patch,
            (false, false, _) => Bump::None,
        }
    }

    /// `version` bumped as [`bump`](Self::bump) says (unchanged when it is not `x.y.z`).
    pub fn next_version(&self, version: &str) -> String {
        let parts: Vec<u64> = version.split('.').map_while(|p| p.parse().ok()).collect();
        let [major, minor, patch] = parts[..] else {
            return version.to_string();
        };
        match self.bump(version) {
            Bump::None => version.to_string(),
            Bump::Patch => format!("{major}.{minor}.{}", patch + 1),
            Bump::Minor => format!("{major}.{}.0", minor + 1),
            Bump::Major => format!("{}.0.0", major + 1),
        }
    }

    /// One line per change, then the summary and the bump for `version`.
    pub fn to_text(&self, version: &str) -> String {
        let mut text = String::new();
        for change in &self.changes {
            let label = match change.impact {
                Impact::Breaking => "BREAKING",
                Impact::Additive => "additive",
            };
            let _ = writeln!(text, "{label:<8} {}: {}", change.subject, change.message);
        }
        let bump = match self.bump(version) {
            Bump::None => "no version bump".to_string(),
            bump => format!(
                "a {} version bump ({version} -> {})",
                format!("{bump:?}").to_lowercase(),
                self.next_version(version)
            ),
        };
        let _ = writeln!(
            text,
            "{} breaking, {} additive change(s): the generated crate needs {bump}",
            self.breaking(),
            self.additive()
        );
        text
    }

    pub fn to_json(&self, version: &str) -> serde_json::Value {
        let changes: Vec<serde_json::Value> = self
            .changes
            .iter()
            .map(|c| {
                json!({
                    "impact": if c.impact == Impact::Breaking { "breaking" } else { "additive" },
                    "kind": c.kind,
                    "subject": c.subject,
                    "message": c.message,
                })
            })
            .collect();
        json!({
            "breaking": self.breaking(),
            "additive": self.additive(),
            "bump": format!("{:?}", self.bump(version)).to_lowercase(),
            "version": version,
            "next_version": self.next_version(version),
            "changes": changes,
        })
    }

    /// A `CHANGELOG.md` section for the new version.
    pub fn changelog_entry(&self, version: &str) -> String {
        let mut entry = format!("## {version}\n");
        for (impact, title) in [(Impact::Breaking, "Breaking"), (Impact::Additive, "Added")] {
            let changes: Vec<&Change> =
                self.changes.iter().filter(|c| c.impact == impact).collect();
            if !changes.is_empty() {
                let _ = write!(entry, "\n### {title}\n\n");
                for change in changes {
                    let _ = writeln!(entry, "- {}: {}", change.subject, change.message);
                }
            }
        }
        if self.changes.is_empty() {
            entry.push_str("\nNo change to the API.\n");
        }
        entry
    }
}

/// How a type reads in Rust, for messages.
fn describe(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => name.clone(),
        TypeRef::String => "String".into(),
        TypeRef::Bool => "bool".into(),
        TypeRef::Int(kind) => format!("{kind:?}").to_lowercase(),
        TypeRef::Float => "f64".into(),
        TypeRef::DateTime => "DateTime".into(),
        TypeRef::Date => "NaiveDate".into(),
        TypeRef::Json => "Value".into(),
        TypeRef::JsonObject => "Map".into(),
        TypeRef::File => "File".into(),
        TypeRef::List(inner) => format!("Vec<{}>", describe(inner)),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", describe(inner)),
        TypeRef::Nullable(inner) => format!("Option<{}>", describe(inner)),
    }
}

/// Which setter of a body of several media types a change is about; nothing for `body`.
fn setter_note(setter: &str) -> String {
    if setter == "body" {
        String::new()
    } else {
        format!(" (`{setter}`)")
    }
}

/// A body of one media type as the report names it: its type, and how it is written unless
/// as JSON (`form OrderForm`, `bytes`).
fn body_kind(kind: &BodyKind) -> String {
    match kind {
        BodyKind::Json(ty) => describe(ty),
        BodyKind::Form(ty, _) | BodyKind::Multipart(ty, _) => {
            format!("{} {}", kind.name(), describe(ty))
        }
        BodyKind::Bytes | BodyKind::Text => kind.name().to_string(),
    }
}

fn payload(payload: &Payload) -> String {
    match payload {
        Payload::Empty => "()".into(),
        Payload::Bytes => "Vec<u8>".into(),
        Payload::Json(ty) => describe(ty),
    }
}

struct Differ {
    changes: Vec<Change>,
}

impl Differ {
    fn push(
        &mut self,
        impact: Impact,
        kind: &'static str,
        subject: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.changes.push(Change {
            impact,
            kind,
            subject: subject.into(),
            message: message.into(),
        });
    }

    fn operations(&mut self, old: &Api, new: &Api) {
        let old_ops = by_name(&old.operations, |o| &o.method_name);
        let new_ops = by_name(&new.operations, |o| &o.method_name);
        for (name, operation) in &old_ops {
            match new_ops.get(name) {
                Some(new_operation) => self.operation(operation, new_operation),
                None => {
                    // The same method and path under a new operationId is a rename.
                    let renamed = new.operations.iter().find(|o| {
                        o.method == operation.method
                            && o.path == operation.path
                            && !old_ops.contains_key(o.method_name.as_str())
                    });
                    let subject = format!("operation {}", operation.method_name);
                    match renamed {
                        Some(renamed) => self.push(
                            Impact::Breaking,
                            "operation_renamed",
                            subject,
                            format!(
                                "renamed to {} (operationId {} -> {})",
                                renamed.method_name, operation.id, renamed.id
                            ),
                        ),
                        None => self.push(
                            Impact::Breaking,
                            "operation_removed",
                            subject,
                            format!("removed ({} {})", operation.method, operation.path),
                        ),
                    }
                }
            }
        }
        for (name, operation) in &new_ops {
            let renamed_here = old.operations.iter().any(|o| {
                o.method == operation.method
                    && o.path == operation.path
                    && !new_ops.contains_key(o.method_name.as_str())
            });
            if !old_ops.contains_key(name) && !renamed_here {
                self.push(
                    Impact::Additive,
                    "operation_added",
                    format!("operation {name}"),
                    format!("added ({} {})", operation.method, operation.path),
                );
            }
        }
    }

    fn operation(&mut self, old: &Operation, new: &Operation) {
        let subject = format!("operation {}", old.method_name);
        let old_params = by_name(&old.parameters, |p| &p.rust_name);
        let new_params = by_name(&new.parameters, |p| &p.rust_name);
        for (name, parameter) in &old_params {
            match new_params.get(name) {
                None => self.push(
                    Impact::Breaking,
                    "parameter_removed",
                    &subject,
                    format!("parameter {} removed", parameter.name),
                ),
                Some(now) => {
                    if now.ty != parameter.ty {
                        self.push(
                            Impact::Breaking,
                            "parameter_type_changed",
                            &subject,
                            format!(
                                "parameter {} changed type from {} to {}",
                                parameter.name,
                                describe(&parameter.ty),
                                describe(&now.ty)
                            ),
                        );
                    }
                    if now.required && !parameter.required {
                        self.push(
                            Impact::Breaking,
                            "parameter_now_required",
                            &subject,
                            format!("parameter {} is now required", parameter.name),
                        );
                    }
                }
            }
        }
        for (name, parameter) in &new_params {
            if !old_params.contains_key(name) {
                let (impact, kind, what) = if parameter.required {
                    (Impact::Breaking, "required_parameter_added", "required")
                } else {
                    (Impact::Additive, "optional_parameter_added", "optional")
                };
                self.push(
                    impact,
                    kind,
                    &subject,
                    format!("{what} parameter {} added", parameter.name),
                );
            }
        }
        match (&old.body, &new.body) {
            (Some(before), Some(after)) => {
                for content in &before.contents {
                    let Some(now) = after.contents.iter().find(|c| c.setter == content.setter)
                    else {
                        self.push(
                            Impact::Breaking,
                            "body_media_type_removed",
                            &subject,
                            format!(
                                "request body no longer takes {} (`{}`)",
                                content.media_type, content.setter
                            ),
                        );
                        continue;
                    };
                    // What a caller passes: a form style changes the wire, not the setter.
                    if body_kind(&content.kind) != body_kind(&now.kind) {
                        self.push(
                            Impact::Breaking,
                            "body_type_changed",
                            &subject,
                            format!(
                                "request body{} changed type from {} to {}",
                                setter_note(&content.setter),
                                body_kind(&content.kind),
                                body_kind(&now.kind)
                            ),
                        );
                    }
                    if content.media_type != now.media_type {
                        self.push(
                            Impact::Breaking,
                            "media_type_changed",
                            &subject,
                            format!(
                                "request media type{} changed from {} to {}",
                                setter_note(&content.setter),
                                content.media_type,
                                now.media_type
                            ),
                        );
                    }
                }
                for content in &after.contents {
                    if !before.contents.iter().any(|c| c.setter == content.setter) {
                        self.push(
                            Impact::Additive,
                            "body_media_type_added",
                            &subject,
                            format!(
                                "request body also takes {} (`{}`)",
                                content.media_type, content.setter
                            ),
                        );
                    }
                }
                if after.required && !before.required {
                    self.push(
                        Impact::Breaking,
                        "body_now_required",
                        &subject,
                        "request body is now required",
                    );
                }
            }
            (Some(_), None) => self.push(
                Impact::Breaking,
                "body_removed",
                &subject,
                "request body removed",
            ),
            (None, Some(after)) if after.required => self.push(
                Impact::Breaking,
                "body_added",
                &subject,
                "required request body added",
            ),
            (None, Some(_)) => self.push(
                Impact::Additive,
                "body_added",
                &subject,
                "optional request body added",
            ),
            (None, None) => {}
        }
        if old.response != new.response {
            self.push(
                Impact::Breaking,
                "response_type_changed",
                &subject,
                format!(
                    "response changed type from {} to {}",
                    payload(&old.response),
                    payload(&new.response)
                ),
            );
        }
        if old.accept != new.accept {
            self.push(
                Impact::Breaking,
                "media_type_changed",
                &subject,
                format!(
                    "versioned media type changed from {} to {}",
                    old.accept, new.accept
                ),
            );
        }
        let old_alternatives: BTreeSet<&str> =
            old.alternatives.iter().map(|a| a.suffix.as_str()).collect();
        let new_alternatives: BTreeSet<&str> =
            new.alternatives.iter().map(|a| a.suffix.as_str()).collect();
        for removed in old_alternatives.difference(&new_alternatives) {
            self.push(
                Impact::Breaking,
                "representation_removed",
                &subject,
                format!("send_{removed} removed"),
            );
        }
        for added in new_alternatives.difference(&old_alternatives) {
            self.push(
                Impact::Additive,
                "representation_added",
                &subject,
                format!("send_{added} added"),
            );
        }
        if new.deprecated && !old.deprecated {
            self.push(
                Impact::Additive,
                "operation_deprecated",
                &subject,
                "deprecated",
            );
        }
    }

    fn models(&mut self, old: &Api, new: &Api) {
        let old_types = by_name(&old.types, |t| &t.name);
        let new_types = by_name(&new.types, |t| &t.name);
        // A model gone under one name and added under another with the same definition (an
        // inline type whose derived name changed, a schema renamed) is a rename: breaking, as
        // every use of the old name stops compiling, and reported once.
        let mut renamed_to = std::collections::BTreeSet::new();
        for (name, def) in &old_types {
            match new_types.get(name) {
                None => {
                    let renamed = new.types.iter().find(|t| {
                        !old_types.contains_key(t.name.as_str())
                            && !renamed_to.contains(t.name.as_str())
                            && t.kind == def.kind
                    });
                    match renamed {
                        Some(renamed) => {
                            renamed_to.insert(renamed.name.as_str());
                            self.push(
                                Impact::Breaking,
                                "model_renamed",
                                format!("model {name}"),
                                format!("renamed to {}", renamed.name),
                            );
                        }
                        None => self.push(
                            Impact::Breaking,
                            "model_removed",
                            format!("model {name}"),
                            "removed",
                        ),
                    }
                }
                Some(now) => self.model(def, now),
            }
        }
        for name in new_types.keys() {
            if !old_types.contains_key(name) && !renamed_to.contains(*name) {
                self.push(
                    Impact::Additive,
                    "model_added",
                    format!("model {name}"),
                    "added",
                );
            }
        }
    }

    fn model(&mut self, old: &TypeDef, new: &TypeDef) {
        let subject = format!("model {}", old.name);
        match (&old.kind, &new.kind) {
            (TypeKind::Struct(before), TypeKind::Struct(after)) => {
                let old_fields = by_name(&before.fields, |f| &f.name);
                let new_fields = by_name(&after.fields, |f| &f.name);
                for (name, field) in &old_fields {
                    let Some(now) = new_fields.get(name) else {
                        self.push(
                            Impact::Breaking,
                            "field_removed",
                            &subject,
                            format!("field {name} removed"),
                        );
                        continue;
                    };
                    let optional = |f: &crate::ir::Field| {
                        if f.is_optional() {
                            format!("Option<{}>", describe(&f.ty))
                        } else {
                            describe(&f.ty)
                        }
                    };
                    if now.ty != field.ty {
                        self.push(
                            Impact::Breaking,
                            "field_type_changed",
                            &subject,
                            format!(
                                "field {name} changed type from {} to {}",
                                optional(field),
                                optional(now)
                            ),
                        );
                    } else if now.is_optional() != field.is_optional() {
                        let (kind, message) = if now.is_optional() {
                            (
                                "field_now_optional",
                                format!(
                                    "field {name} is now optional ({} -> {})",
                                    optional(field),
                                    optional(now)
                                ),
                            )
                        } else {
                            (
                                "field_now_required",
                                format!(
                                    "field {name} is now required ({} -> {})",
                                    optional(field),
                                    optional(now)
                                ),
                            )
                        };
                        self.push(Impact::Breaking, kind, &subject, message);
                    }
                }
                for (name, field) in &new_fields {
                    if !old_fields.contains_key(name) {
                        let (impact, kind, what) = if field.is_optional() {
                            (Impact::Additive, "optional_field_added", "optional")
                        } else {
                            (Impact::Breaking, "required_field_added", "required")
                        };
                        self.push(impact, kind, &subject, format!("{what} field {name} added"));
                    }
                }
            }
            (TypeKind::Enum(before), TypeKind::Enum(after)) => {
                let old_values: BTreeSet<&str> =
                    before.variants.iter().map(|v| v.value.as_str()).collect();
                let new_values: BTreeSet<&str> =
                    after.variants.iter().map(|v| v.value.as_str()).collect();
                for removed in old_values.difference(&new_values) {
                    self.push(
                        Impact::Breaking,
                        "enum_value_removed",
                        &subject,
                        format!("value {removed:?} removed"),
                    );
                }
                for added in new_values.difference(&old_values) {
                    self.push(
                        Impact::Additive,
                        "enum_value_added",
                        &subject,
                        format!("value {added:?} added"),
                    );
                }
            }
            (TypeKind::Tagged(before), TypeKind::Tagged(after)) => {
                if before.tag != after.tag {
                    self.push(
                        Impact::Breaking,
                        "discriminator_changed",
                        &subject,
                        format!("discriminator changed from {} to {}", before.tag, after.tag),
                    );
                }
                let old_values: BTreeMap<&str, &str> = before
                    .variants
                    .iter()
                    .map(|v| (v.value.as_str(), v.ty.as_str()))
                    .collect();
                let new_values: BTreeMap<&str, &str> = after
                    .variants
                    .iter()
                    .map(|v| (v.value.as_str(), v.ty.as_str()))
                    .collect();
                for (value, ty) in &old_values {
                    match new_values.get(value) {
                        None => self.push(
                            Impact::Breaking,
                            "discriminator_value_removed",
                            &subject,
                            format!("discriminator value {value:?} removed"),
                        ),
                        Some(now) if now != ty => self.push(
                            Impact::Breaking,
                            "variant_type_changed",
                            &subject,
                            format!("variant {value:?} changed type from {ty} to {now}"),
                        ),
                        Some(_) => {}
                    }
                }
                for value in new_values.keys() {
                    if !old_values.contains_key(value) {
                        self.push(
                            Impact::Additive,
                            "discriminator_value_added",
                            &subject,
                            format!("discriminator value {value:?} added"),
                        );
                    }
                }
                self.openness(&subject, before.open, after.open);
            }
            (TypeKind::Untagged(before), TypeKind::Untagged(after)) => {
                let old_variants: BTreeSet<String> =
                    before.variants.iter().map(|v| describe(&v.ty)).collect();
                let new_variants: BTreeSet<String> =
                    after.variants.iter().map(|v| describe(&v.ty)).collect();
                for removed in old_variants.difference(&new_variants) {
                    self.push(
                        Impact::Breaking,
                        "variant_removed",
                        &subject,
                        format!("variant {removed} removed"),
                    );
                }
                // A closed untagged union has no catch-all: a new variant breaks exhaustive
                // matches. An open one is `#[non_exhaustive]`.
                let impact = if before.open && after.open {
                    Impact::Additive
                } else {
                    Impact::Breaking
                };
                for added in new_variants.difference(&old_variants) {
                    self.push(
                        impact,
                        "variant_added",
                        &subject,
                        format!("variant {added} added"),
                    );
                }
                // Opening adds `Unknown` and `#[non_exhaustive]`, which break exhaustive matches.
                if !before.open && after.open {
                    self.push(
                        Impact::Breaking,
                        "union_opened",
                        &subject,
                        "now open (x-atlas-open): a value no variant decodes is `Unknown`, and matches need a wildcard".to_string(),
                    );
                } else {
                    self.openness(&subject, before.open, after.open);
                }
            }
            (TypeKind::Alias(before), TypeKind::Alias(after)) if before != after => self.push(
                Impact::Breaking,
                "alias_changed",
                &subject,
                format!("changed from {} to {}", describe(before), describe(after)),
            ),
            (TypeKind::Alias(_), TypeKind::Alias(_)) => {}
            (before, after) => self.push(
                Impact::Breaking,
                "model_kind_changed",
                &subject,
                format!("changed from {} to {}", kind_name(before), kind_name(after)),
            ),
        }
    }

    /// A union marked open (`x-atlas-open`) or no longer: values it refused now decode as
    /// `Unknown`, or values it kept now fail to decode.
    fn openness(&mut self, subject: &str, before: bool, after: bool) {
        match (before, after) {
            (false, true) => self.push(
                Impact::Additive,
                "union_opened",
                subject,
                "now open (x-atlas-open): a value no variant decodes is `Unknown`".to_string(),
            ),
            (true, false) => self.push(
                Impact::Breaking,
                "union_closed",
                subject,
                "no longer open (x-atlas-open): a value no variant decodes is an error".to_string(),
            ),
            _ => {}
        }
    }
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct(_) => "a struct",
        TypeKind::Enum(_) => "an enum",
        TypeKind::Tagged(_) => "a tagged union",
        TypeKind::Untagged(_) => "an untagged union",
        TypeKind::Alias(_) => "an alias",
    }
}

/// The changes from `old` to `new`, breaking ones first, then by subject.
pub fn diff(old: &Api, new: &Api) -> DiffReport {
    let mut differ = Differ {
        changes: Vec::new(),
    };
    differ.operations(old, new);
    differ.models(old, new);
    let mut changes = differ.changes;
    changes.sort();
    DiffReport { changes }
}

/// Items by a name each has, to pair old and new ones.
fn by_name<T>(items: &[T], name: impl Fn(&T) -> &String) -> BTreeMap<&str, &T> {
    items
        .iter()
        .map(|item| (name(item).as_str(), item))
        .collect()
}
