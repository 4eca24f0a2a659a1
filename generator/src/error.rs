//! Errors the generator reports about its input and output.
//!
//! Every error names the place it is about (the spec file and, where the problem is inside the
//! document, a JSON pointer to the node) and says why, in one line per problem. Problems found
//! while building the intermediate model are collected so that one run reports all of them.

use std::fmt;
use std::path::PathBuf;

/// A position in the source: 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: u64,
    pub column: u64,
    /// Byte offset of the position in the source.
    pub offset: usize,
}

/// One problem in a spec, located by a JSON pointer (RFC 6901) into the document and, once
/// the generator has looked it up in the spec's text, by line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// JSON pointer of the node the problem is about, e.g. `/components/schemas/Foo/properties/bar`.
    pub pointer: String,
    /// What is wrong, as one readable sentence.
    pub message: String,
    /// Where the node is in the source, when known.
    pub position: Option<Position>,
}

impl Problem {
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            pointer: pointer.into(),
            message: message.into(),
            position: None,
        }
    }

    /// The pointer, `/` for the document itself.
    pub fn pointer_or_root(&self) -> &str {
        if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(position) = self.position {
            write!(f, "{}:{}: ", position.line, position.column)?;
        }
        write!(f, "{} (at {})", self.message, self.pointer_or_root())
    }
}

/// Everything that can stop a generation run.
#[derive(Debug)]
pub enum Error {
    /// A file could not be read or written.
    Io {
        path: PathBuf,
        action: &'static str,
        source: std::io::Error,
    },
    /// The spec is not well-formed YAML or JSON, or does not have the shape of an OpenAPI 3.0
    /// document.
    Syntax {
        path: PathBuf,
        /// 1-based line and column, when the parser knows them.
        line: Option<u64>,
        column: Option<u64>,
        message: String,
    },
    /// The document parsed, but describes something the generator cannot turn into Rust.
    Spec {
        path: PathBuf,
        problems: Vec<Problem>,
    },
    /// Generated code failed to parse as Rust: a generator bug, reported rather than written.
    Codegen { file: PathBuf, message: String },
}

impl Error {
    pub(crate) fn io(
        path: impl Into<PathBuf>,
        action: &'static str,
        source: std::io::Error,
    ) -> Self {
        Self::Io {
            path: path.into(),
            action,
            source,
        }
    }

    /// The spec problems this error carries (empty for I/O and syntax errors).
    pub fn problems(&self) -> &[Problem] {
        match self {
            Self::Spec { problems, .. } => problems,
            _ => &[],
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io {
                path,
                action,
                source,
            } => write!(f, "cannot {action} {}: {source}", path.display()),
            Self::Syntax {
                path,
                line,
                column,
                message,
            } => {
                write!(f, "{}", path.display())?;
                if let Some(line) = line {
                    write!(f, ":{line}")?;
                    if let Some(column) = column {
                        write!(f, ":{column}")?;
                    }
                }
                write!(f, ": {message}")
            }
            Self::Spec { path, problems } => {
                let count = problems.len();
                let noun = if count == 1 { "problem" } else { "problems" };
                write!(f, "{}: {count} {noun} in the spec", path.display())?;
                for problem in problems {
                    write!(f, "\n  {}:{problem}", path.display())?;
                }
                Ok(())
            }
            Self::Codegen { file, message } => write!(
                f,
                "internal error: generated {} is not valid Rust ({message}); please report this with the spec",
                file.display()
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
