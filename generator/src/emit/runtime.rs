//! The client runtime (`generator/runtime/*.rs`), copied into crates that have operations, and
//! the spec-specific pieces beside it (`validation.rs`).
//!
//! The runtime has what any spec's operations call; a crate gets only what its own operations
//! call ([`Needs`]), so that nothing in it is dead code and it depends only on the crates that
//! code uses. The same goes for the fake of `testing` (`runtime/testing.rs`) and for the models'
//! codec (`runtime/models/codec.rs`), which has what any spec's models call. A module that not every spec needs is copied only for the specs that do
//! ([`RuntimeModule::needs`]); inside a module, an item that not every spec needs is marked by a
//! comment line above it (above its docs and attributes), `// @cfg(<condition>)`: it is copied,
//! without the marker, when the condition holds of the spec's needs, and left out when it does
//! not. `// @cfg(<condition>) <code>` is one line of code, copied only when the condition holds.
//! A condition is a need's name ([`NEEDS`]), `any(..)`, `all(..)` or `not(..)`.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{Api, BodyKind, ParameterLocation, PartKind, Payload, TypeKind, TypeRef};

/// A module of the runtime.
pub struct RuntimeModule {
    /// Its name, and the file's (`src/<name>.rs`).
    pub name: &'static str,
    /// The need without which the crate has no use for it; `None`: every crate with
    /// operations has.
    pub needs: Option<&'static str>,
    /// The source, markers included.
    pub source: &'static str,
}

const fn module(
    name: &'static str,
    needs: Option<&'static str>,
    source: &'static str,
) -> RuntimeModule {
    RuntimeModule {
        name,
        needs,
        source,
    }
}

/// The runtime modules, by name.
pub const RUNTIME: &[RuntimeModule] = &[
    module("auth", None, include_str!("../../runtime/auth.rs")),
    module("client", None, include_str!("../../runtime/client.rs")),
    module("digest", None, include_str!("../../runtime/digest.rs")),
    module(
        "download",
        Some("stream"),
        include_str!("../../runtime/download.rs"),
    ),
    module("error", None, include_str!("../../runtime/error.rs")),
    module(
        "paging",
        Some("paging"),
        include_str!("../../runtime/paging.rs"),
    ),
    module("raw", None, include_str!("../../runtime/raw.rs")),
    module("request", None, include_str!("../../runtime/request.rs")),
    module("response", None, include_str!("../../runtime/response.rs")),
    module("retry", None, include_str!("../../runtime/retry.rs")),
    module(
        "transport",
        None,
        include_str!("../../runtime/transport.rs"),
    ),
];

/// Every need a marker can name, and what in a spec makes it.
pub const NEEDS: &[(&str, &str)] = &[
    (
        "paging",
        "a list operation (its `stream()`: `Pages`, the client's page limit)",
    ),
    (
        "stream",
        "a response of bytes (its `send_stream()`: `ByteStream`)",
    ),
    (
        "bytes",
        "a response or another representation of bytes, read whole",
    ),
    ("json", "a JSON response or representation"),
    (
        "json_default",
        "a response that is JSON by default (the fake's `respond` takes its value)",
    ),
    ("empty", "a response or representation without a body"),
    (
        "alternatives",
        "a response with other representations (`send_<suffix>`)",
    ),
    ("path", "a path parameter"),
    ("query", "a query parameter"),
    ("header", "a header parameter"),
    ("cookie", "a cookie parameter"),
    ("json_body", "a JSON request body"),
    (
        "form",
        "a form request body (`application/x-www-form-urlencoded`)",
    ),
    (
        "multipart",
        "a multipart request body (`multipart/form-data`)",
    ),
    (
        "part_value",
        "a field of a multipart body that is not a file",
    ),
    ("part_file", "a file field of a multipart body"),
    ("raw_body", "a request body of bytes or text"),
    ("file", "a file field (`format: binary`): `models::File`"),
    ("pattern", "a parameter checked against a pattern"),
    ("ip_address", "a parameter checked to be an IP address"),
    ("range", "an integer parameter with a minimum or maximum"),
    (
        "requires",
        "a parameter that needs another one (`x-requires`)",
    ),
    ("required", "a required parameter or request body"),
    (
        "text",
        "a parameter an operation writes as text (a path parameter that is not a string, a value checked by `x-requires`)",
    ),
    ("secret", "a credential parameter (redacted in `Debug`)"),
    (
        "mock",
        "the fake of `testing`, which a crate has (the single module `include!`d from `OUT_DIR` has not)",
    ),
    // What the models need of their codec (`models/codec.rs`).
    (
        "client",
        "an operation: the client reads and writes bodies with the codec",
    ),
    (
        "serde",
        "a model (but an alias): its serde traits go through the codec",
    ),
    ("struct", "a struct"),
    (
        "field",
        "a struct field that must be there (read plain, missing is an error)",
    ),
    (
        "optional_field",
        "a struct field that may be left out or `null` (read optionally)",
    ),
    (
        "omitted_field",
        "a struct field left out of the JSON when `None`",
    ),
    (
        "nullable_field",
        "a struct field with an explicit `null` (`Nullable`)",
    ),
    (
        "flattened_field",
        "a flattened struct field (`allOf` with a free-form member)",
    ),
    (
        "read_only_field",
        "a read-only struct field, left out of request bodies",
    ),
    (
        "sensitive_field",
        "a write-only or password struct field, redacted in `Debug`",
    ),
    (
        "unknown_fields",
        "a struct that keeps the keys it does not know",
    ),
    (
        "skipped_field",
        "a struct that skips keys (its union's tag, or keys it does not keep)",
    ),
    ("enum", "a string enum"),
    ("tagged", "a tagged union"),
    (
        "open_tagged",
        "an open tagged union (its variants' refusals kept as `Unknown`)",
    ),
    ("untagged", "an untagged union"),
];

/// What a spec's operations use of the runtime, and its models of their codec: the names of
/// [`NEEDS`] that hold of it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Needs(BTreeSet<&'static str>);

impl Needs {
    /// The needs of `api`'s operations and models.
    pub fn of(api: &Api) -> Self {
        let mut needs = BTreeSet::new();
        for operation in &api.operations {
            let payloads = std::iter::once(&operation.response)
                .chain(operation.alternatives.iter().map(|a| &a.payload));
            for payload in payloads {
                needs.insert(match payload {
                    Payload::Json(_) => "json",
                    Payload::Empty => "empty",
                    Payload::Bytes => "bytes",
                });
            }
            match operation.response {
                Payload::Bytes => needs.insert("stream"),
                Payload::Json(_) => needs.insert("json_default"),
                Payload::Empty => false,
            };
            if !operation.alternatives.is_empty() {
                needs.insert("alternatives");
            }
            if operation.pagination.is_some() {
                needs.insert("paging");
            }
            if let Some(body) = &operation.body {
                if body.required {
                    needs.insert("required");
                }
                for content in &body.contents {
                    let parts = match &content.kind {
                        BodyKind::Multipart(_, parts) => parts.as_slice(),
                        _ => &[],
                    };
                    needs.extend(parts.iter().map(|part| match part.kind {
                        PartKind::Files { .. } => "part_file",
                        PartKind::Value | PartKind::Nullable => "part_value",
                    }));
                    needs.insert(match &content.kind {
                        BodyKind::Json(_) => "json_body",
                        BodyKind::Form(..) => "form",
                        BodyKind::Multipart(..) => "multipart",
                        BodyKind::Bytes | BodyKind::Text => "raw_body",
                    });
                }
            }
            for parameter in &operation.parameters {
                needs.insert(match parameter.location {
                    ParameterLocation::Path => "path",
                    ParameterLocation::Query => "query",
                    ParameterLocation::Header => "header",
                    ParameterLocation::Cookie => "cookie",
                });
                if parameter.required {
                    needs.insert("required");
                }
                let string = parameter.ty == TypeRef::String;
                if parameter.location == ParameterLocation::Path && !string {
                    needs.insert("text");
                }
                if parameter.pattern.is_some() && string {
                    needs.insert("pattern");
                }
                if parameter.ip_address && string {
                    needs.insert("ip_address");
                }
                if (parameter.minimum.is_some() || parameter.maximum.is_some())
                    && matches!(parameter.ty, TypeRef::Int(_))
                {
                    needs.insert("range");
                }
                let requires = parameter
                    .requires
                    .iter()
                    .any(|other| operation.parameters.iter().any(|p| &p.name == other));
                if requires {
                    needs.insert("requires");
                    needs.insert("text");
                }
                if parameter.sensitive {
                    needs.insert("secret");
                }
            }
        }
        if !api.operations.is_empty() {
            needs.insert("client");
        }
        for def in &api.types {
            if def.holds_file() {
                needs.insert("file");
            }
            match &def.kind {
                TypeKind::Struct(s) => {
                    needs.insert("struct");
                    for field in &s.fields {
                        let keyed = !field.flatten;
                        let mut need = |holds: bool, need: &'static str| {
                            if holds {
                                needs.insert(need);
                            }
                        };
                        need(
                            keyed && !field.explicit_null && !field.is_optional(),
                            "field",
                        );
                        need(
                            keyed && !field.explicit_null && field.is_optional(),
                            "optional_field",
                        );
                        need(
                            keyed && !field.explicit_null && !field.required,
                            "omitted_field",
                        );
                        need(field.explicit_null, "nullable_field");
                        need(field.flatten, "flattened_field");
                        need(field.read_only, "read_only_field");
                        need(field.sensitive, "sensitive_field");
                    }
                    if s.unknown_fields.is_some() {
                        needs.insert("unknown_fields");
                    }
                    if s.tag.is_some() || s.unknown_fields.is_none() {
                        needs.insert("skipped_field");
                    }
                }
                TypeKind::Enum(_) => {
                    needs.insert("enum");
                }
                TypeKind::Tagged(u) => {
                    needs.insert("tagged");
                    if u.open {
                        needs.insert("open_tagged");
                    }
                }
                TypeKind::Untagged(_) => {
                    needs.insert("untagged");
                }
                TypeKind::Alias(_) => continue,
            }
            needs.insert("serde");
        }
        Self(needs)
    }

    /// With the fake of `testing` ([`NEEDS`]' `mock`): a crate's files.
    pub fn with_mock(mut self) -> Self {
        self.0.insert("mock");
        self
    }

    /// Every need: the whole runtime.
    #[cfg(test)]
    pub fn all() -> Self {
        Self(NEEDS.iter().map(|(name, _)| *name).collect())
    }

    /// Whether the spec needs `name` (one of [`NEEDS`]).
    pub fn has(&self, name: &str) -> bool {
        self.0.contains(name)
    }

    /// Without `name`.
    #[cfg(test)]
    pub fn without(mut self, name: &str) -> Self {
        self.0.remove(name);
        self
    }

    /// The runtime modules the crate has.
    pub fn modules(&self) -> impl Iterator<Item = &'static RuntimeModule> + '_ {
        RUNTIME
            .iter()
            .filter(|module| module.needs.is_none_or(|need| self.has(need)))
    }
}

/// `src/validation.rs`: the parameter patterns, each compiled once on first use. `None` when
/// no parameter has a pattern the client checks.
pub fn emit_validation(api: &Api) -> Option<TokenStream> {
    if api.patterns.is_empty() {
        return None;
    }
    let statics = api.patterns.iter().map(|pattern| {
        let name = format_ident!("{}", pattern.name);
        let regex = &pattern.regex;
        let doc = format!(" `{regex}`");
        quote! {
            #[doc = #doc]
            pub(crate) static #name: LazyLock<Regex> = LazyLock::new(|| {
                Regex::new(#regex).expect("atlas-codegen compiled this pattern when it generated the crate")
            });
        }
    });
    Some(quote! {
        //! The patterns of the spec's parameters, compiled once, on first use. Each compiled
        //! when the crate was generated; patterns the `regex` crate cannot compile (look-around)
        //! are left for the server to check.

        use regex::Regex;
        use std::sync::LazyLock;

        #(#statics)*
    })
}

/// The marker of an item, or of a line, copied only when a condition holds.
const MARKER: &str = "// @cfg(";

/// `source` (a runtime module, or the mock of `testing`) as a crate with `needs` has it: what
/// its markers keep, without the markers.
///
/// # Panics
///
/// On a marker whose condition is not one (a bug in the runtime's source, which the tests
/// of this module find).
pub fn copy_for(source: &str, needs: &Needs) -> String {
    let lines: Vec<&str> = source.lines().collect();
    let mut out: Vec<std::borrow::Cow<'_, str>> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let Some((condition, code)) = marker(line) else {
            out.push(line.into());
            i += 1;
            continue;
        };
        let holds = holds(condition, needs)
            .unwrap_or_else(|e| panic!("runtime marker {:?}: {e}", line.trim()));
        if !code.is_empty() {
            // A line of code.
            if holds {
                out.push(format!("{}{code}", indentation(line)).into());
            }
            i += 1;
            continue;
        }
        if holds {
            // The item is kept: only the marker goes (markers inside it are read next).
            i += 1;
            continue;
        }
        let end = item_end(&lines, i + 1)
            .unwrap_or_else(|| panic!("runtime marker {:?} has no item after it", line.trim()));
        i = end + 1;
        // No blank line is left doubled, or at the start or end of a block.
        let blank = |line: &str| line.trim().is_empty();
        let previous_blank = out.last().is_some_and(|l| blank(l));
        let previous_opens = out
            .last()
            .is_none_or(|l| l.trim_end().ends_with(['{', '(', '[']));
        let next = lines.get(i).copied();
        if next.is_some_and(blank) && (previous_blank || previous_opens) {
            i += 1;
        } else if previous_blank && next.is_none_or(|l| l.trim_start().starts_with(['}', ')', ']']))
        {
            out.pop();
        }
    }
    let mut text = out.join("\n");
    text.push('\n');
    text
}

/// A marker line's condition and the code after it (empty for an item's marker).
fn marker(line: &str) -> Option<(&str, &str)> {
    let rest = line.trim_start().strip_prefix(MARKER)?;
    // The condition's closing parenthesis.
    let mut depth = 1;
    for (at, c) in rest.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some((&rest[..at], rest[at + 1..].trim()));
                }
            }
            _ => {}
        }
    }
    Some((rest, ""))
}

/// Whether a condition (`name`, `any(..)`, `all(..)`, `not(..)`, names from [`NEEDS`]) holds of
/// `needs`.
fn holds(condition: &str, needs: &Needs) -> Result<bool, String> {
    let condition = condition.trim();
    let Some(open) = condition.find('(') else {
        if !NEEDS.iter().any(|(name, _)| *name == condition) {
            return Err(format!("{condition:?} is no need of the runtime"));
        }
        return Ok(needs.has(condition));
    };
    let Some(inner) = condition[open + 1..].strip_suffix(')') else {
        return Err(format!("{condition:?} does not end with `)`"));
    };
    // The arguments, split at the commas outside parentheses.
    let mut arguments = Vec::new();
    let (mut depth, mut from) = (0, 0);
    for (at, c) in inner.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                arguments.push(&inner[from..at]);
                from = at + 1;
            }
            _ => {}
        }
    }
    arguments.push(&inner[from..]);
    let values = arguments
        .iter()
        .map(|a| holds(a, needs))
        .collect::<Result<Vec<bool>, String>>()?;
    match condition[..open].trim() {
        "any" => Ok(values.contains(&true)),
        "all" => Ok(!values.contains(&false)),
        "not" if values.len() == 1 => Ok(!values[0]),
        other => Err(format!("{other:?} is not `any`, `all` or `not` of one")),
    }
}

fn indentation(line: &str) -> &str {
    &line[..line.len() - line.trim_start().len()]
}

/// The last line of the item that starts at `start` (its docs and attributes first): the
/// first line outside brackets that ends with `;`, or that is at the item's indentation and
/// ends with `}`, `,` or `)`; for an element of a method chain (`.field(..)`), the line that
/// closes its brackets. `None` when the block ends first.
/// The runtime is rustfmt-formatted, so its lines say where items end.
fn item_end(lines: &[&str], start: usize) -> Option<usize> {
    let indent = indentation(lines.get(start)?);
    let mut lexer = Lexer::default();
    let mut chain = None;
    let mut in_attribute = false;
    for (at, line) in lines.iter().enumerate().skip(start) {
        let trimmed = line.trim();
        let starts_outside = lexer.outside();
        lexer.scan(line);
        if starts_outside {
            if trimmed.is_empty() || trimmed.starts_with("//") {
                continue;
            }
            if indentation(line).len() < indent.len() {
                // Past the end of the block the item is in.
                return None;
            }
            if trimmed.starts_with("#[") {
                in_attribute = !lexer.outside();
                continue;
            }
            chain.get_or_insert(trimmed.starts_with('.'));
        }
        if !lexer.outside() {
            continue;
        }
        if in_attribute {
            // The line that closes a multi-line attribute.
            in_attribute = false;
            continue;
        }
        if chain == Some(true) {
            return Some(at);
        }
        let next_is_where = lines
            .get(at + 1)
            .is_some_and(|next| next.trim_start().starts_with("where"));
        // A `;` outside brackets ends an item or statement wherever it is (`const X: T =` with
        // its value on the next line); the other closers, at the item's own indentation.
        let closes = trimmed.ends_with(';')
            || (indentation(line) == indent && trimmed.ends_with(['}', ',', ')']));
        if closes && !next_is_where {
            return Some(at);
        }
    }
    None
}

/// Where a line of Rust leaves off: the depth of its brackets, and whether it ends inside a
/// string or a block comment.
#[derive(Default)]
struct Lexer {
    depth: i32,
    state: LexState,
}

#[derive(Clone, Copy, Default, PartialEq)]
enum LexState {
    #[default]
    Code,
    Str,
    /// A raw string, with its number of `#`.
    RawStr(usize),
    BlockComment,
}

impl Lexer {
    /// Outside every bracket, string and comment.
    fn outside(&self) -> bool {
        self.depth == 0 && self.state == LexState::Code
    }

    fn scan(&mut self, line: &str) {
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            match self.state {
                LexState::Str => {
                    match c {
                        '\\' => i += 1,
                        '"' => self.state = LexState::Code,
                        _ => {}
                    }
                    i += 1;
                }
                LexState::RawStr(hashes) => {
                    let closes = c == '"'
                        && chars.len() > i + hashes
                        && chars[i + 1..=i + hashes].iter().all(|&h| h == '#');
                    if closes {
                        self.state = LexState::Code;
                        i += hashes;
                    }
                    i += 1;
                }
                LexState::BlockComment => {
                    if c == '*' && next == Some('/') {
                        self.state = LexState::Code;
                        i += 1;
                    }
                    i += 1;
                }
                LexState::Code => {
                    let ident_before =
                        i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
                    match c {
                        '/' if next == Some('/') => return,
                        '/' if next == Some('*') => {
                            self.state = LexState::BlockComment;
                            i += 1;
                        }
                        '"' => self.state = LexState::Str,
                        // `r"..."`, `r#"..."#`, `br"..."`.
                        'r' if !ident_before
                            || (chars[i - 1] == 'b'
                                && (i == 1 || !chars[i - 2].is_alphanumeric())) =>
                        {
                            let hashes = chars[i + 1..].iter().take_while(|&&h| h == '#').count();
                            if chars.get(i + 1 + hashes) == Some(&'"') {
                                self.state = LexState::RawStr(hashes);
                                i += 1 + hashes;
                            }
                        }
                        '\'' => {
                            // A character literal; else a lifetime.
                            if next == Some('\\') {
                                i += 2;
                                while i < chars.len() && chars[i] != '\'' {
                                    i += 1;
                                }
                            } else if chars.get(i + 2) == Some(&'\'') {
                                i += 2;
                            }
                        }
                        '{' | '(' | '[' => self.depth += 1,
                        '}' | ')' | ']' => self.depth -= 1,
                        _ => {}
                    }
                    i += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{NEEDS, Needs, RUNTIME, copy_for, holds, marker};

    /// Every source the markers are read in, by name.
    fn sources() -> Vec<(&'static str, &'static str)> {
        let mut sources: Vec<_> = RUNTIME.iter().map(|m| (m.name, m.source)).collect();
        sources.push(("testing", super::super::testing::MOCK_SOURCE));
        sources.push(("codec", super::super::codec::SOURCE));
        sources
    }

    /// Needs to copy the runtime for: all, none, and each one alone and each one left out.
    fn needs_to_try() -> Vec<Needs> {
        let mut tries = vec![Needs::all(), Needs::default()];
        for (name, _) in NEEDS {
            tries.push(Needs::all().without(name));
            tries.push(Needs(std::iter::once(*name).collect()));
        }
        tries
    }

    #[test]
    fn every_marker_names_needs_and_every_need_is_marked() {
        let mut named = std::collections::BTreeSet::new();
        for (module, source) in sources() {
            for line in source.lines() {
                let Some((condition, _)) = marker(line) else {
                    continue;
                };
                if let Err(error) = holds(condition, &Needs::all()) {
                    panic!("{module}: {:?}: {error}", line.trim());
                }
                for (name, _) in NEEDS {
                    if condition
                        .split(|c: char| !c.is_alphanumeric() && c != '_')
                        .any(|w| w == *name)
                    {
                        named.insert(*name);
                    }
                }
            }
        }
        named.extend(RUNTIME.iter().filter_map(|m| m.needs));
        for (name, _) in NEEDS {
            assert!(named.contains(name), "no marker or module needs {name:?}");
        }
    }

    /// Whatever the needs, every module is still Rust.
    #[test]
    fn every_copy_parses() {
        let mut parsed = std::collections::HashSet::new();
        for needs in needs_to_try() {
            for (module, source) in sources() {
                let copy = copy_for(source, &needs);
                assert!(!copy.contains(super::MARKER), "{module}: a marker is left");
                if parsed.insert(copy.clone())
                    && let Err(error) = syn::parse_file(&copy)
                {
                    panic!("{module} with {needs:?} does not parse: {error}\n{copy}");
                }
            }
        }
    }

    /// The needs of every spec whose crate the repository compiles: `generated/` (with the fake
    /// of `testing`), and what `atlas-fixtures` includes (every fixture, and the two smallest
    /// specs of `tests/specs/`).
    fn compiled_needs() -> Vec<(String, Needs)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let needs_of = |path: &std::path::Path| {
            let api = crate::load_api(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            Needs::of(&api)
        };
        let generated = root.join("spec/atlas-admin-v2.yaml");
        let mut compiled = vec![("generated".to_string(), needs_of(&generated).with_mock())];
        let mut included: Vec<_> = std::fs::read_dir(root.join("tests/fixtures"))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
            .collect();
        included.push(root.join("tests/specs/petstore.yaml"));
        included.push(root.join("tests/specs/api-with-examples.yaml"));
        included.sort();
        for path in included {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            compiled.push((name, needs_of(&path)));
        }
        compiled
    }

    /// A test of the runtime that no crate of the repository has would never run: each is
    /// compiled by `generated/`'s tests or `atlas-fixtures`' (which include the runtime whole).
    #[test]
    fn every_runtime_test_is_compiled_by_some_crate_of_the_repository() {
        let compiled = compiled_needs();
        for (module, source) in sources() {
            let lines: Vec<&str> = source.lines().collect();
            for (at, line) in lines.iter().enumerate() {
                let Some((condition, "")) = marker(line) else {
                    continue;
                };
                let item = lines[at + 1..]
                    .iter()
                    .map(|l| l.trim())
                    .find(|l| !l.starts_with("//"));
                if !item
                    .is_some_and(|l| l.starts_with("#[test]") || l.starts_with("#[tokio::test]"))
                {
                    continue;
                }
                assert!(
                    compiled
                        .iter()
                        .any(|(_, needs)| holds(condition, needs).unwrap()),
                    "{module}: the test under {:?} is compiled by no crate of the repository",
                    line.trim()
                );
            }
        }
    }

    /// What the markers leave is formatted as rustfmt formats the generated crate, for every
    /// crate the repository compiles (skipped without `rustfmt`).
    #[test]
    fn every_copy_is_rustfmt_clean() {
        let mut copies = std::collections::BTreeMap::new();
        for (spec, needs) in compiled_needs() {
            for (module, source) in sources() {
                copies
                    .entry(copy_for(source, &needs))
                    .or_insert(format!("{spec}: {module}"));
            }
        }
        let dir = std::env::temp_dir().join(format!("atlas-runtime-fmt-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let files: Vec<_> = copies
            .keys()
            .enumerate()
            .map(|(i, copy)| {
                let file = dir.join(format!("copy{i}.rs"));
                std::fs::write(&file, copy).unwrap();
                file
            })
            .collect();
        let config = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../templates/rustfmt.toml.askama"
        );
        let output = std::process::Command::new("rustfmt")
            .args(["--edition", "2021", "--check", "--config-path", config])
            .args(&files)
            .output();
        std::fs::remove_dir_all(&dir).unwrap();
        let Ok(output) = output else {
            eprintln!("rustfmt not found: the runtime's copies are not checked");
            return;
        };
        if !output.status.success() {
            let diff = String::from_utf8_lossy(&output.stdout);
            let names: Vec<String> = files
                .iter()
                .zip(copies.values())
                .filter(|(file, _)| diff.contains(&*file.to_string_lossy()))
                .map(|(file, name)| format!("{} ({name})", file.display()))
                .collect();
            panic!("copies rustfmt would change: {}\n{diff}", names.join(", "));
        }
    }

    #[test]
    fn markers_keep_or_drop_their_item() {
        let source = "\
struct S {
    a: u8,
    // @cfg(paging)
    /// Docs.
    #[allow(unused)]
    b: u8,
}

// @cfg(query)
const C: &str =
    \"a; b\";

const D: u8 = 1;

impl S {
    fn kept(&self) {}

    // @cfg(not(paging))
    fn f(
        &self,
    ) -> u8
    where
        Self: Sized,
    {
        let s = \"}\";
        let c = '}';
        1
    }

    // @cfg(any(paging, query))
    fn g() {}
}

fn h(f: &mut std::fmt::Formatter<'_>) {
    f.debug_struct(\"S\")
        // @cfg(all(paging, query))
        .field(\"b\", &(
            1
        ))
        .finish();
    // @cfg(not(query)) let _ = 1;
}
";
        let paging = Needs(["paging"].into());
        assert_eq!(
            copy_for(source, &paging),
            "\
struct S {
    a: u8,
    /// Docs.
    #[allow(unused)]
    b: u8,
}

const D: u8 = 1;

impl S {
    fn kept(&self) {}

    fn g() {}
}

fn h(f: &mut std::fmt::Formatter<'_>) {
    f.debug_struct(\"S\")
        .finish();
    let _ = 1;
}
"
        );
        let none = copy_for(source, &Needs::default());
        assert!(none.contains("struct S {\n    a: u8,\n}\n"), "{none}");
        assert!(none.contains("        1\n    }\n}\n"), "{none}");
        assert!(!none.contains("fn g"), "{none}");
    }
}
