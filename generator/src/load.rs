//! Stage 1: read a spec file (YAML or JSON) into an `openapiv3::OpenAPI` document.

use std::path::{Path, PathBuf};

use openapiv3::OpenAPI;

use crate::error::{Error, Problem};

/// The text formats a spec can be written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SpecFormat {
    Yaml,
    Json,
}

impl SpecFormat {
    /// Picks the format from the file extension, falling back to the first non-blank character
    /// (JSON documents start with `{`).
    fn detect(path: &Path, text: &str) -> Self {
        match path.extension().and_then(|e| e.to_str()) {
            Some("json") => Self::Json,
            Some("yaml" | "yml") => Self::Yaml,
            _ if text.trim_start().starts_with('{') => Self::Json,
            _ => Self::Yaml,
        }
    }
}

/// A parsed spec together with where it came from, so later stages can name the file.
#[derive(Debug)]
pub struct LoadedSpec {
    pub path: PathBuf,
    pub document: OpenAPI,
}

/// Reads the text of the spec at `path`.
pub fn read_spec(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|e| Error::io(path, "read spec", e))
}

/// Parses spec text; `path` is only used to pick the format and to name the source in errors.
pub fn parse_spec(path: &Path, text: &str) -> Result<LoadedSpec, Error> {
    let syntax = |line, column, message: String| Error::Syntax {
        path: path.to_path_buf(),
        line,
        column,
        message,
    };
    let document: OpenAPI = match SpecFormat::detect(path, text) {
        SpecFormat::Json => serde_json::from_str(text).map_err(|e| {
            let mut message = strip_json_position(&e.to_string());
            if message == "recursion limit exceeded" {
                message = "the JSON nests more than 128 levels deep, more than a spec needs: \
                    refused so that reading it cannot exhaust the stack"
                    .to_string();
            }
            syntax(Some(e.line() as u64), Some(e.column() as u64), message)
        })?,
        SpecFormat::Yaml => parse_yaml(path, text)?,
    };
    if !document.openapi.starts_with("3.0") {
        let error = Error::Spec {
            path: path.to_path_buf(),
            problems: vec![Problem::new(
                "/openapi",
                format!(
                    "OpenAPI version {:?} is not supported: the generator reads OpenAPI 3.0.x documents",
                    document.openapi
                ),
            )],
        };
        return Err(crate::locate::locate_error(error, text));
    }
    Ok(LoadedSpec {
        path: path.to_path_buf(),
        document,
    })
}

/// How spec YAML is read: as YAML 1.2, the version OpenAPI 3.0 is written in, where only
/// `true` and `false` (capitalised or not) are booleans. serde-saphyr's default also takes YAML
/// 1.1's `y`, `n`, `yes`, `no`, `on` and `off` for booleans, and `openapiv3` reads most of a
/// document through values of unknown type: a property named `y` failed the whole spec, and
/// `enum: [on, off]` would have become booleans. Its default budget stays: it bounds alias
/// expansion, nesting depth and document size, so a hostile file (an alias bomb) fails fast
/// instead of exhausting memory.
fn yaml_options() -> serde_saphyr::Options {
    let mut options = serde_saphyr::Options::default();
    options.strict_booleans = true;
    options
}

/// Parses YAML spec text with serde-saphyr.
fn parse_yaml(path: &Path, text: &str) -> Result<OpenAPI, Error> {
    serde_saphyr::from_str_with_options(text, yaml_options()).map_err(|e| {
        let location = e.location();
        Error::Syntax {
            path: path.to_path_buf(),
            line: location.map(|l| l.line()),
            column: location.map(|l| l.column()),
            message: yaml_message(&e),
        }
    })
}

/// serde_json appends " at line L column C" to its messages; the position is reported separately.
fn strip_json_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_string(),
        None => message.to_string(),
    }
}

/// The message of a YAML error without the position and source snippet serde-saphyr adds to
/// its `Display`: the position is reported separately.
fn yaml_message(error: &serde_saphyr::Error) -> String {
    if let Some(limit) = budget_message(error) {
        return limit;
    }
    let text = error.to_string();
    let first = text.lines().next().unwrap_or_default().trim();
    let first = match first.rfind(" at line ") {
        Some(index) => &first[..index],
        None => first,
    };
    // Some messages start with "error: line L column C: " instead.
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let first = match first.split_once(": ") {
        Some((position, rest))
            if position.starts_with("line ") && position.contains(" column ") =>
        {
            rest
        }
        _ => first,
    };
    if first == "recursion limit exceeded" {
        return "the YAML nests deeper than a spec needs (too many levels deep): refused so that \
            reading it cannot exhaust the stack"
            .to_string();
    }
    first.trim_end_matches(':').to_string()
}

/// What a breached YAML budget means for a spec, said plainly; `None` for other errors.
fn budget_message(error: &serde_saphyr::Error) -> Option<String> {
    use serde_saphyr::budget::BudgetBreach;
    let mut error = error.without_snippet();
    // An error met while expanding an alias wraps the original.
    while let serde_saphyr::Error::AliasError { error: inner, .. } = error {
        error = inner.without_snippet();
    }
    let serde_saphyr::Error::Budget { breach, .. } = error else {
        return None;
    };
    Some(match breach {
        BudgetBreach::Depth { depth } => format!(
            "the YAML nests {depth} levels deep, more than a spec needs: refused so that reading it cannot exhaust the stack"
        ),
        BudgetBreach::Nodes { nodes } => format!(
            "the YAML expands to more than {} nodes (aliases count at each use): refused as a possible alias bomb",
            nodes.saturating_sub(1)
        ),
        BudgetBreach::Aliases { aliases } => format!(
            "the YAML uses more than {} aliases: refused as a possible alias bomb",
            aliases.saturating_sub(1)
        ),
        BudgetBreach::AliasAnchorRatio { aliases, anchors } => format!(
            "the YAML uses {aliases} aliases for {anchors} anchors: refused as a possible alias bomb"
        ),
        other => format!("the YAML is larger than the reader allows ({other:?})"),
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// A spec whose property names and enum values are YAML 1.1's booleans, unquoted.
    const BOOLEAN_LOOKING: &str = "openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Point:
      type: object
      required: [y]
      properties:
        y: {type: number}
        n: {type: integer}
        on: {type: boolean, default: true}
        mode:
          type: string
          enum: [on, off, yes, no, Y, N]
";

    #[test]
    fn yaml_is_read_as_yaml_1_2_where_only_true_and_false_are_booleans() {
        let api = crate::api_from_str(Path::new("spec.yaml"), BOOLEAN_LOOKING).unwrap();
        let point = api.type_def("Point").unwrap();
        let crate::ir::TypeKind::Struct(point) = &point.kind else {
            panic!("Point is a struct: {point:?}");
        };
        let fields: Vec<&str> = point.fields.iter().map(|f| f.json_name.as_str()).collect();
        assert_eq!(fields, ["y", "n", "on", "mode"]);
        assert!(point.fields[0].required);
        let mode = api.type_def("PointMode").unwrap();
        let crate::ir::TypeKind::Enum(mode) = &mode.kind else {
            panic!("PointMode is an enum: {mode:?}");
        };
        let values: Vec<&str> = mode.variants.iter().map(|v| v.value.as_str()).collect();
        assert_eq!(values, ["on", "off", "yes", "no", "Y", "N"]);
    }

    #[test]
    fn a_yaml_1_1_boolean_where_a_boolean_goes_is_an_error_that_says_so() {
        let spec = BOOLEAN_LOOKING.replace(
            "on: {type: boolean, default: true}",
            "on: {type: boolean}\n        z: {type: string, nullable: yes}",
        );
        let error = crate::api_from_str(Path::new("spec.yaml"), &spec).unwrap_err();
        let crate::Error::Syntax { line, message, .. } = &error else {
            panic!("a syntax error: {error:?}");
        };
        // The schema that holds it: openapiv3 reads a schema before knowing what it is.
        assert_eq!(*line, Some(7), "{message}");
        assert!(
            message.contains("\"yes\"") && message.contains("expected a boolean"),
            "{message}"
        );
    }
}
