//! Stage 1: read a spec file (YAML or JSON) into an `openapiv3::OpenAPI` document.

use std::path::{Path, PathBuf};

use openapiv3::OpenAPI;

use crate::error::Error;

/// The text formats a spec can be written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpecFormat {
    Yaml,
    Json,
}

impl SpecFormat {
    /// Picks the format from the file extension, falling back to the first non-blank character
    /// (JSON documents start with `{`).
    pub fn detect(path: &Path, text: &str) -> Self {
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

/// Reads and parses the spec at `path`.
pub fn load_spec(path: &Path) -> Result<LoadedSpec, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, "read spec", e))?;
    parse_spec(path, &text)
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
            let message = strip_json_position(&e.to_string());
            syntax(Some(e.line() as u64), Some(e.column() as u64), message)
        })?,
        // The default budget of serde-saphyr bounds alias expansion, nesting depth and document
        // size, so a hostile file (an alias bomb) fails fast instead of exhausting memory.
        SpecFormat::Yaml => serde_saphyr::from_str(text).map_err(|e| {
            let location = e.location();
            syntax(
                location.map(|l| l.line()),
                location.map(|l| l.column()),
                yaml_message(&e),
            )
        })?,
    };
    if !document.openapi.starts_with("3.0") {
        return Err(Error::Spec {
            path: path.to_path_buf(),
            problems: vec![crate::error::Problem::new(
                "/openapi",
                format!(
                    "OpenAPI version {:?} is not supported: the generator reads OpenAPI 3.0.x documents",
                    document.openapi
                ),
            )],
        });
    }
    Ok(LoadedSpec {
        path: path.to_path_buf(),
        document,
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
    let text = error.to_string();
    let first = text.lines().next().unwrap_or_default().trim();
    let first = match first.rfind(" at line ") {
        Some(index) => &first[..index],
        None => first,
    };
    first.trim_end_matches(':').to_string()
}
