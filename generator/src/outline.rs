//! The outline of a block-style YAML text, read from its layout alone.
//!
//! Specs are nearly always written in block style: one key or sequence item per line, nesting
//! shown by indentation. For such text the lines and their indentation say where each mapping
//! entry and sequence item starts, without a YAML parser. That is enough to find a JSON
//! pointer's line ([`Outline::locate`]) and to cut a document into independent pieces
//! (`load`'s parallel parse), in a fraction of a parse's time.
//!
//! The outline answers only where the layout leaves no doubt. Flow collections, anchors,
//! aliases, tags, complex keys, escaped keys, tabs, carriage returns and directives make it
//! answer `None`, and the caller falls back to a real YAML parser.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;

use crate::locate::Position;

/// A line: its bytes (without the line break) and indentation.
#[derive(Clone, Copy, Debug)]
struct Line {
    start: usize,
    end: usize,
    indent: usize,
    /// Neither blank nor only a comment.
    content: bool,
    /// The indentation ends in a tab: only block scalar text can look like that, so the
    /// line must not be where a node starts.
    tab: bool,
}

/// A block node: the lines `lines`, its content starting at byte `column` of the first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Node {
    pub lines: Range<usize>,
    pub column: usize,
}

/// A mapping entry: its key, where the key starts, and the lines of its value.
#[derive(Clone, Debug)]
pub(crate) struct Entry<'t> {
    pub key: &'t str,
    pub line: usize,
    pub column: usize,
    /// The entry's lines, its key line included, up to the next entry.
    pub lines: Range<usize>,
}

/// A sequence item: its `-` and the lines up to the next item.
#[derive(Clone, Debug)]
struct Item {
    line: usize,
    column: usize,
    lines: Range<usize>,
}

/// What a value is, as far as the layout tells.
enum Value {
    /// A scalar, or nothing: no children.
    Leaf,
    /// A block mapping or sequence.
    Block(Node),
}

/// The entries of a block mapping (with their index by key) or the items of a sequence.
enum Children<'t> {
    Entries(Vec<Entry<'t>>, HashMap<&'t str, usize>),
    Items(Vec<Item>),
}

/// What [`Outline::children`] found for a node: `None` when the layout cannot tell.
type ChildrenOf<'t> = Option<Rc<Children<'t>>>;

/// The lines of a YAML text.
pub(crate) struct Outline<'t> {
    text: &'t str,
    lines: Vec<Line>,
    /// The children of the nodes [`Outline::locate`] went through, by first line and column.
    children: RefCell<HashMap<(usize, usize), ChildrenOf<'t>>>,
}

impl<'t> Outline<'t> {
    /// Outlines `text`; `None` for text whose layout this module does not read: carriage
    /// returns, tabs in indentation, directives and document markers, or a root that is not
    /// a block mapping starting in the first column.
    pub fn new(text: &'t str) -> Option<Self> {
        if text.contains('\r') {
            return None;
        }
        let mut lines = Vec::with_capacity(text.len() / 32);
        let mut start = 0;
        for line in text.split_inclusive('\n') {
            let body = line.strip_suffix('\n').unwrap_or(line);
            let trimmed = body.trim_start_matches(' ');
            let indent = body.len() - trimmed.len();
            if indent == 0
                && (trimmed.starts_with('%')
                    || trimmed.starts_with("---")
                    || trimmed.starts_with("..."))
            {
                return None;
            }
            let blank = trimmed.trim_start_matches([' ', '\t']).is_empty();
            lines.push(Line {
                start,
                end: start + body.len(),
                indent,
                content: !blank && !trimmed.starts_with('#'),
                tab: trimmed.starts_with('\t'),
            });
            start += line.len();
        }
        let outline = Self {
            text,
            lines,
            children: RefCell::default(),
        };
        let root = outline.root()?;
        outline.entries(&root)?;
        Some(outline)
    }

    /// The byte where line `index` starts (the text's end past the last line).
    pub fn line_start(&self, index: usize) -> usize {
        self.lines.get(index).map_or(self.text.len(), |l| l.start)
    }

    /// The root mapping.
    pub fn root(&self) -> Option<Node> {
        let first = self.lines.iter().position(|l| l.content)?;
        (self.lines[first].indent == 0).then_some(Node {
            lines: first..self.lines.len(),
            column: 0,
        })
    }

    /// The text of `line` from byte `column` on.
    fn text_at(&self, line: usize, column: usize) -> &'t str {
        let line = &self.lines[line];
        self.text.get(line.start + column..line.end).unwrap_or("")
    }

    /// The lines of `node` that start at its column: its first line, and each content line
    /// indented as much (deeper ones belong to those). `None` for a line indented less or
    /// by a tab, which no block node has.
    fn sibling_lines<'n>(&'n self, node: &'n Node) -> impl Iterator<Item = Option<usize>> + 'n {
        node.lines.clone().filter_map(move |index| {
            let line = &self.lines[index];
            if index == node.lines.start {
                Some(Some(index))
            } else if !line.content || line.indent > node.column {
                None
            } else if line.indent < node.column || line.tab {
                Some(None)
            } else {
                Some(Some(index))
            }
        })
    }

    /// The entries of the block mapping `node`, in order; `None` if it is not plainly one.
    pub fn entries(&self, node: &Node) -> Option<Vec<Entry<'t>>> {
        let mut entries: Vec<Entry<'t>> = Vec::new();
        let column = node.column;
        for index in self.sibling_lines(node) {
            let index = index?;
            let rest = self.text_at(index, column);
            // A sequence written at its key's indentation belongs to the entry before.
            if index != node.lines.start && is_item(rest) {
                if entries.is_empty() {
                    return None;
                }
                continue;
            }
            let key = key_of(rest)?;
            if let Some(last) = entries.last_mut() {
                last.lines.end = index;
            }
            entries.push(Entry {
                key,
                line: index,
                column,
                lines: index..node.lines.end,
            });
        }
        (!entries.is_empty()).then_some(entries)
    }

    /// The items of the block sequence `node`, in order; `None` if it is not plainly one.
    fn items(&self, node: &Node) -> Option<Vec<Item>> {
        let mut items: Vec<Item> = Vec::new();
        let column = node.column;
        for index in self.sibling_lines(node) {
            let index = index?;
            if !is_item(self.text_at(index, column)) {
                return None;
            }
            if let Some(last) = items.last_mut() {
                last.lines.end = index;
            }
            items.push(Item {
                line: index,
                column,
                lines: index..node.lines.end,
            });
        }
        (!items.is_empty()).then_some(items)
    }

    /// The byte just after `entry`'s colon.
    pub fn after_key(&self, entry: &Entry<'_>) -> Option<usize> {
        Some(self.lines[entry.line].start + entry.column + key_length(self, entry)?)
    }

    /// The block value of `entry`, if it has one on the lines below its key.
    pub fn block_value(&self, entry: &Entry<'_>) -> Option<Node> {
        match self.entry_value(entry)? {
            Value::Block(node) => Some(node),
            Value::Leaf => None,
        }
    }

    /// What follows `entry`'s key.
    fn entry_value(&self, entry: &Entry<'_>) -> Option<Value> {
        self.value_after(entry.line, entry.column + key_length(self, entry)?, entry)
    }

    /// What follows a key or `-` that ends at byte `after` of `line`, within `owner`'s lines.
    fn value_after(&self, line: usize, after: usize, owner: &impl Lines) -> Option<Value> {
        let column = owner.column();
        let rest = self.text_at(line, after);
        let inline = rest.trim_start_matches(' ');
        if !inline.is_empty() && !inline.starts_with('#') {
            // A value on the same line: a scalar, or something only a parser can read.
            return match inline.as_bytes()[0] {
                b'[' | b'{' | b'&' | b'*' | b'!' | b'?' => None,
                _ => Some(Value::Leaf),
            };
        }
        let range = owner.range();
        let Some(first) = (line + 1..range.end).find(|&i| self.lines[i].content) else {
            return Some(Value::Leaf);
        };
        if self.lines[first].tab {
            return None;
        }
        let indent = self.lines[first].indent;
        let nested = indent > column
            || (indent == column && owner.is_entry() && is_item(self.text_at(first, indent)));
        if !nested {
            return None;
        }
        Some(Value::Block(Node {
            lines: first..range.end,
            column: indent,
        }))
    }

    /// Where the node at JSON `pointer` starts, as the YAML parser reports it (a mapping
    /// entry at its key, a sequence item at its value), or at the nearest ancestor the text
    /// has; `None` when the layout cannot tell.
    pub fn locate(&self, pointer: &str) -> Option<Position> {
        let mut node = self.root()?;
        let mut at = self.position(node.lines.start, node.column);
        let mut segments = pointer.split('/').skip(1).peekable();
        while let Some(segment) = segments.next() {
            let segment = unescape(segment);
            let value = match &*self.children(&node)? {
                Children::Items(items) => {
                    let Some(item) = segment.parse::<usize>().ok().and_then(|n| items.get(n))
                    else {
                        return Some(at);
                    };
                    let (value, start) = self.item_value(item)?;
                    at = start?;
                    value
                }
                Children::Entries(entries, by_key) => {
                    let Some(entry) = by_key.get(&*segment).map(|&i| &entries[i]) else {
                        return Some(at);
                    };
                    at = self.position(entry.line, entry.column);
                    if segments.peek().is_none() {
                        return Some(at);
                    }
                    self.entry_value(entry)?
                }
            };
            match value {
                Value::Block(child) if segments.peek().is_some() => node = child,
                _ => return Some(at),
            }
        }
        Some(at)
    }

    /// The entries or items of `node`, read once and kept: many pointers share ancestors.
    fn children(&self, node: &Node) -> ChildrenOf<'t> {
        let key = (node.lines.start, node.column);
        if let Some(children) = self.children.borrow().get(&key) {
            return children.clone();
        }
        let first = self.text_at(node.lines.start, node.column);
        let children = if is_item(first) {
            self.items(node).map(Children::Items)
        } else {
            self.entries(node).map(|entries| {
                let mut by_key = HashMap::with_capacity(entries.len());
                for (index, entry) in entries.iter().enumerate() {
                    // The parser's map keeps the first of repeated keys; so does this.
                    by_key.entry(entry.key).or_insert(index);
                }
                Children::Entries(entries, by_key)
            })
        }
        .map(Rc::new);
        self.children.borrow_mut().insert(key, children.clone());
        children
    }

    /// The value of a sequence item and where the parser puts its start (`None` inside when
    /// the item is empty: a null with no text of its own).
    fn item_value(&self, item: &Item) -> Option<(Value, Option<Position>)> {
        let rest = self.text_at(item.line, item.column + 1);
        let inline = rest.trim_start_matches(' ');
        if inline.is_empty() || inline.starts_with('#') {
            let value = self.value_after(item.line, item.column + 1, item)?;
            let start = match &value {
                Value::Block(node) => Some(self.position(node.lines.start, node.column)),
                Value::Leaf => None,
            };
            return Some((value, start));
        }
        let column = item.column + 1 + (rest.len() - inline.len());
        let start = Some(self.position(item.line, column));
        let node = Node {
            lines: item.lines.clone(),
            column,
        };
        if is_item(inline) || key_of(inline).is_some() {
            return Some((Value::Block(node), start));
        }
        match inline.as_bytes()[0] {
            b'[' | b'{' | b'&' | b'*' | b'!' | b'?' => None,
            _ => Some((Value::Leaf, start)),
        }
    }

    fn position(&self, line: usize, column: usize) -> Position {
        Position {
            line: line as u64 + 1,
            column: column as u64 + 1,
            offset: self.lines[line].start + column,
        }
    }
}

/// The lines a node's value may take, and the column its own key or `-` is at.
trait Lines {
    fn range(&self) -> Range<usize>;
    fn column(&self) -> usize;
    /// A mapping entry, whose block sequence value may sit at the key's own indentation.
    fn is_entry(&self) -> bool;
}

impl Lines for Entry<'_> {
    fn range(&self) -> Range<usize> {
        self.lines.clone()
    }
    fn column(&self) -> usize {
        self.column
    }
    fn is_entry(&self) -> bool {
        true
    }
}

impl Lines for Item {
    fn range(&self) -> Range<usize> {
        self.lines.clone()
    }
    fn column(&self) -> usize {
        self.column
    }
    fn is_entry(&self) -> bool {
        false
    }
}

/// The length of `entry`'s key as written, its colon included.
fn key_length(outline: &Outline<'_>, entry: &Entry<'_>) -> Option<usize> {
    let rest = outline.text_at(entry.line, entry.column);
    written_key(rest).map(|(_, length)| length)
}

/// Whether `text` starts a sequence item.
fn is_item(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

/// The key of a mapping entry starting `text`, when it is a plain or quoted key without
/// escapes.
fn key_of(text: &str) -> Option<&str> {
    written_key(text).map(|(key, _)| key)
}

/// The key starting `text` and how many bytes it takes as written, colon included.
fn written_key(text: &str) -> Option<(&str, usize)> {
    let (key, after) = match text.as_bytes().first()? {
        quote @ (b'"' | b'\'') => {
            let close = text[1..].find(*quote as char)? + 1;
            let key = &text[1..close];
            // Escapes (`\` in double quotes, a doubled quote in single ones) change the key.
            if (*quote == b'"' && key.contains('\\'))
                || text[close + 1..].starts_with(*quote as char)
            {
                return None;
            }
            (key, close + 1)
        }
        b'-' | b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!'
        | b'|' | b'>' | b'%' | b'@' | b'`' | b' ' => return None,
        _ => {
            let end = text
                .match_indices(':')
                .map(|(i, _)| i)
                .find(|&i| matches!(text.as_bytes().get(i + 1), None | Some(b' ')))?;
            let key = &text[..end];
            if key.ends_with(' ') || key.contains(" #") {
                return None;
            }
            (key, end)
        }
    };
    let rest = &text[after..];
    let colon = rest.strip_prefix(':')?;
    if !(colon.is_empty() || colon.starts_with(' ')) {
        return None;
    }
    Some((key, after + 1))
}

/// A JSON pointer segment's text (`~1` is `/`, `~0` is `~`).
fn unescape(segment: &str) -> std::borrow::Cow<'_, str> {
    if segment.contains('~') {
        segment.replace("~1", "/").replace("~0", "~").into()
    } else {
        segment.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::locate::SourceMap;

    /// Every place the parser-based map knows, the outline finds at the same position or
    /// declines to answer.
    fn agrees_with_the_parser(text: &str, step: usize) -> (usize, usize) {
        let outline = Outline::new(text).expect("block-style text");
        let map = SourceMap::new(text);
        let (mut answered, mut declined) = (0, 0);
        for (pointer, position) in map.pointers().step_by(step) {
            match outline.locate(pointer) {
                Some(found) => {
                    assert_eq!(found, position, "{pointer}");
                    answered += 1;
                }
                None => declined += 1,
            }
        }
        (answered, declined)
    }

    #[test]
    fn the_outline_finds_what_the_parser_finds() {
        let text = "\
openapi: 3.0.3
info:
  title: x # a comment
  'quoted': y
  \"double\": z
paths:
  /a/{b}:
    get:
      tags: [x, y]
      parameters:
      - name: one
        in: path
      -   name: two
      -
        name: three
      - plain
      - - nested
        - list
    summary: |
      text: not a key
      - not an item
components:
  schemas:
    A:
      type: object
      required:
        - a
      properties:
        a: {type: string}
        b: &anchor
          type: string
        c: *anchor
";
        let (answered, declined) = agrees_with_the_parser(text, 1);
        assert!(answered > 30, "{answered} answered");
        // Only what is inside flow collections, anchors and aliases is left to the parser.
        assert!(declined <= 8, "{declined} declined");
        let outline = Outline::new(text).unwrap();
        let at = |p: &str| outline.locate(p).map(|p| (p.line, p.column));
        // Not in the text: the nearest ancestor, as the parser-based map does.
        assert_eq!(at("/components/schemas/A/properties/x"), Some((28, 7)));
        assert_eq!(at("/paths/~1a~1{b}/get/parameters/9"), Some((10, 7)));
        assert_eq!(at("/paths/~1a~1{b}/get/parameters/1/name"), Some((13, 11)));
        assert_eq!(at("/paths/~1a~1{b}/get/tags/0"), None);
    }

    #[test]
    fn both_specs_are_outlined_exactly() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        for spec in [
            "spec/atlas-admin-v2.yaml",
            "spec/reference/atlas-admin-api-v2-2025-06-30.yaml",
        ] {
            let text = std::fs::read_to_string(root.join(spec)).unwrap();
            let (answered, declined) = agrees_with_the_parser(&text, 1);
            assert!(answered > 1000, "{spec}: {answered} answered");
            assert!(declined * 50 < answered, "{spec}: {declined} declined");
        }
    }

    #[test]
    fn text_it_cannot_read_is_declined() {
        assert!(Outline::new("{\"openapi\": \"3.0.3\"}").is_none());
        assert!(Outline::new("a: 1\r\nb: 2\r\n").is_none());
        assert!(Outline::new("%YAML 1.2\n---\na: 1\n").is_none());
        assert!(Outline::new("a:\n\t- 1\n").is_none());
        assert!(
            Outline::new("a: |\n  x\n  \ty\n").is_some(),
            "a tab in block scalar text"
        );
        assert!(Outline::new("  a: 1\n").is_none());
        assert!(Outline::new("- a\n").is_none());
        let outline = Outline::new("a: 1\n\"b\\n\": 2\n");
        assert!(outline.is_none(), "an escaped key");
    }
}
