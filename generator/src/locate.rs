//! Where a JSON pointer is in the spec's text.
//!
//! Problems are found on the parsed document and named by JSON pointer. To show them at their
//! line and column, [`SourceMap`] walks the text once more with a YAML event parser (JSON is
//! YAML too) and records where each node starts. It runs only when there is something to
//! report.

use std::collections::HashMap;

use serde_saphyr::granit_parser::{Event, Parser};

use crate::error::{Error, Position, Problem};
use crate::resolve::pointer_join;

/// JSON pointer -> where the node starts.
#[derive(Debug, Default)]
pub(crate) struct SourceMap {
    nodes: HashMap<String, Position>,
}

/// What the walk is inside of.
enum Frame {
    /// A mapping; `key` is the key whose value comes next, if one was read.
    Mapping {
        pointer: String,
        key: Option<String>,
    },
    Sequence {
        pointer: String,
        index: usize,
    },
}

impl SourceMap {
    /// Maps the nodes of `text`. Text that does not parse maps as far as it parses.
    pub(crate) fn new(text: &str) -> Self {
        let mut nodes = HashMap::new();
        let mut stack: Vec<Frame> = Vec::new();
        let mut root_seen = false;
        for event in Parser::new_from_str(text) {
            let Ok((event, span)) = event else { break };
            let position = Position {
                line: span.start.line() as u64,
                column: span.start.col() as u64 + 1,
                // The parser counts `index` in characters; the caret needs bytes.
                offset: span.start.byte_offset().unwrap_or(span.start.index()),
            };
            // The pointer of the node this event starts, if it starts one.
            let starts_node = matches!(
                event,
                Event::Scalar(..)
                    | Event::MappingStart(..)
                    | Event::SequenceStart(..)
                    | Event::Alias(..)
            );
            if !starts_node {
                match event {
                    Event::MappingEnd | Event::SequenceEnd => {
                        stack.pop();
                        Self::finish_value(&mut stack);
                    }
                    _ => {}
                }
                continue;
            }
            let pointer = match stack.last_mut() {
                None if !root_seen => {
                    root_seen = true;
                    Some(String::new())
                }
                None => None,
                Some(Frame::Mapping { pointer, key }) => match key {
                    // A key: remember it; its value is the next node.
                    None => {
                        if let Event::Scalar(value, ..) = &event {
                            let key_pointer = pointer_join(pointer, value);
                            nodes.entry(key_pointer).or_insert(position);
                            *key = Some(value.to_string());
                        }
                        continue;
                    }
                    Some(key) => Some(pointer_join(pointer, key)),
                },
                Some(Frame::Sequence { pointer, index }) => Some(format!("{pointer}/{index}")),
            };
            let Some(pointer) = pointer else { continue };
            // The value's own position wins over its key's for everything but scalars, whose
            // key is the better place to point at.
            match event {
                Event::MappingStart(..) => {
                    nodes.entry(pointer.clone()).or_insert(position);
                    stack.push(Frame::Mapping { pointer, key: None });
                }
                Event::SequenceStart(..) => {
                    nodes.entry(pointer.clone()).or_insert(position);
                    stack.push(Frame::Sequence { pointer, index: 0 });
                }
                _ => {
                    nodes.entry(pointer).or_insert(position);
                    Self::finish_value(&mut stack);
                }
            }
        }
        Self { nodes }
    }

    /// After a value: the mapping waits for its next key, the sequence for its next item.
    fn finish_value(stack: &mut [Frame]) {
        match stack.last_mut() {
            Some(Frame::Mapping { key, .. }) => *key = None,
            Some(Frame::Sequence { index, .. }) => *index += 1,
            None => {}
        }
    }

    /// Where `pointer` is, or its nearest mapped ancestor (a pointer can name a place the
    /// text does not have, such as a default that is implied).
    fn locate(&self, pointer: &str) -> Option<Position> {
        let mut current = pointer;
        loop {
            if let Some(position) = self.nodes.get(current) {
                return Some(*position);
            }
            let (parent, _) = current.rsplit_once('/')?;
            current = parent;
        }
    }
}

/// Fills in the positions of `problems` from the text they are about; the text is only
/// read when one of them lacks its position.
pub(crate) fn locate_all<'p>(problems: impl IntoIterator<Item = &'p mut Problem>, text: &str) {
    let unplaced: Vec<_> = problems
        .into_iter()
        .filter(|p| p.position.is_none())
        .collect();
    if unplaced.is_empty() {
        return;
    }
    let map = SourceMap::new(text);
    for problem in unplaced {
        problem.position = map.locate(&problem.pointer);
    }
}

/// `error` with the line and column of each of its problems filled in from the spec's text.
pub(crate) fn locate_error(mut error: Error, text: &str) -> Error {
    if let Error::Spec { problems, .. } = &mut error {
        locate_all(problems, text);
    }
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_nodes_are_found_by_pointer() {
        let text = "openapi: 3.0.3\npaths:\n  /a/{b}:\n    get:\n      tags: [x, y]\ncomponents:\n  schemas:\n    A:\n      type: object\n";
        let map = SourceMap::new(text);
        let at = |p: &str| map.locate(p).map(|p| (p.line, p.column));
        assert_eq!(at("/openapi"), Some((1, 1)));
        assert_eq!(at("/paths/~1a~1{b}/get"), Some((4, 5)));
        assert_eq!(at("/paths/~1a~1{b}/get/tags/1"), Some((5, 17)));
        assert_eq!(at("/components/schemas/A/type"), Some((9, 7)));
        // Not in the text: the nearest ancestor.
        assert_eq!(at("/components/schemas/A/properties/x"), Some((8, 5)));
    }

    #[test]
    fn offsets_are_bytes_after_non_ascii_text() {
        let text = "info:\n  title: Café — « API »\npaths:\n  /é:\n    get: {}\n";
        let map = SourceMap::new(text);
        let at = map.locate("/paths/~1é/get").unwrap();
        assert_eq!((at.line, at.column), (5, 5));
        assert!(text[at.offset..].starts_with("get:"), "{}", at.offset);
    }

    #[test]
    fn json_nodes_are_found_too() {
        let text = "{\n  \"paths\": {\n    \"/a\": {\"get\": {\"operationId\": \"x\"}}\n  }\n}";
        let map = SourceMap::new(text);
        assert_eq!(
            map.locate("/paths/~1a/get/operationId")
                .map(|p| (p.line, p.column)),
            Some((3, 20))
        );
    }
}
