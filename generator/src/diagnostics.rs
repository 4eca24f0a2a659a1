//! Problems shown at their place in the spec: file, line and column, the offending line with
//! a caret, and the JSON pointer (codespan-reporting).

use std::path::Path;

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, termcolor};

use crate::error::{Error, Problem};

/// How serious a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// The spec cannot be generated (or is invalid) as written.
    Error,
    /// Generated, or valid, but not exactly as written: worth a look.
    Warning,
}

/// Renders problems of the spec at `path` (with `text`, its content) for a terminal;
/// `color` adds ANSI colors.
pub fn render(
    path: &Path,
    text: &str,
    problems: &[Problem],
    severity: Severity,
    color: bool,
) -> String {
    let file = SimpleFile::new(path.display().to_string(), text);
    let mut buffer = if color {
        termcolor::Buffer::ansi()
    } else {
        termcolor::Buffer::no_color()
    };
    let config = term::Config::default();
    for problem in problems {
        let diagnostic = match severity {
            Severity::Error => Diagnostic::error(),
            Severity::Warning => Diagnostic::warning(),
        }
        .with_message(&problem.message)
        .with_notes(vec![format!("at {}", problem.pointer_or_root())]);
        let diagnostic = match problem.position {
            Some(position) => {
                diagnostic.with_labels(vec![Label::primary((), span(text, position.offset))])
            }
            None => diagnostic,
        };
        // Writing into a memory buffer does not fail.
        let _ = term::emit_to_write_style(&mut buffer, &config, &file, &diagnostic);
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

/// Renders an error: spec problems at their places, a syntax error at its line and column,
/// anything else as its message.
pub fn render_error(error: &Error, text: Option<&str>, color: bool) -> String {
    match (error, text) {
        (Error::Spec { path, problems }, Some(text)) => {
            render(path, text, problems, Severity::Error, color)
        }
        (
            Error::Syntax {
                path,
                line: Some(line),
                column,
                message,
            },
            Some(text),
        ) => {
            let offset = offset_of(text, *line, column.unwrap_or(1));
            let problem = Problem {
                pointer: String::new(),
                message: message.clone(),
                position: Some(crate::error::Position {
                    line: *line,
                    column: column.unwrap_or(1),
                    offset,
                }),
            };
            let rendered = render(path, text, &[problem], Severity::Error, color);
            // A syntax error has no pointer: drop the note.
            rendered
                .lines()
                .filter(|l| !l.trim_start().starts_with("= at /"))
                .collect::<Vec<_>>()
                .join("\n")
                + "\n"
        }
        _ => format!("error: {error}\n"),
    }
}

/// The byte offset of a 1-based line and column.
fn offset_of(text: &str, line: u64, column: u64) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1) as usize)
        .map(str::len)
        .sum();
    let line_text = text[start.min(text.len())..]
        .lines()
        .next()
        .unwrap_or_default();
    let column_bytes: usize = line_text
        .chars()
        .take(column.saturating_sub(1) as usize)
        .map(char::len_utf8)
        .sum();
    (start + column_bytes).min(text.len())
}

/// From `offset` to the end of its line (at least one character), for the caret.
fn span(text: &str, offset: usize) -> std::ops::Range<usize> {
    let offset = offset.min(text.len());
    let end = text[offset..].find('\n').map_or(text.len(), |n| offset + n);
    let end = offset + text[offset..end].trim_end().len();
    offset..end.max((offset + 1).min(text.len()))
}
