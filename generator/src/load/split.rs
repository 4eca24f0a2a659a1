//! Parsing a large YAML spec on all cores.
//!
//! Nearly all of a spec is two mappings, `paths` and `components.schemas`, whose entries are
//! independent YAML. [`parse_split`] cuts those entries out of the text at their key lines,
//! parses them in pieces on separate threads beside the rest of the document, and puts them
//! back in order.
//!
//! The cut is only taken where the text's layout makes it certain: both mappings in block
//! style, their entries' keys at one indentation, no directives or document markers. Whenever
//! a piece does not parse (an alias whose anchor is in another piece, say) or a key comes
//! twice, the caller parses the text whole instead, so the result and every error are exactly
//! those of the plain parse.
//!
//! Each piece is read with serde-saphyr's whole budget. An alias bomb is still refused (an
//! alias only reaches anchors in its own piece), but a document may hold more nodes in all
//! than one parse of it would allow.

use indexmap::IndexMap;
use openapiv3::{OpenAPI, Paths, ReferenceOr, Schema};

use crate::outline::{Entry, Node, Outline};

/// Below this size one thread parses faster than several do with their set-up.
const MIN_SPLIT_BYTES: usize = 64 * 1024;

/// Entries are grouped into pieces of about this many bytes at least.
const MIN_PIECE_BYTES: usize = 8 * 1024;

/// How many pieces a large text is cut into, whatever the machine.
const PIECES: usize = 16;

/// Parses YAML `text` as the whole document in pieces on all cores; `None` when the text is
/// small, its layout does not allow the cut, or a piece fails: then parse it whole. `outline`
/// is the text's, when the caller has made it.
pub(crate) fn parse_split<'t>(text: &'t str, outline: Option<&Outline<'t>>) -> Option<OpenAPI> {
    if text.len() < MIN_SPLIT_BYTES {
        return None;
    }
    let made;
    let outline = match outline {
        Some(outline) => outline,
        None => {
            made = Outline::new(text)?;
            &made
        }
    };
    Cut::new(text, outline, piece_bytes(text))?.parse()
}

/// How large a piece of `text` is at least. The same on any machine: each piece has a whole
/// budget of its own, so with pieces sized by the core count, a text near the budget could
/// parse on one machine and be refused on another. Sixteen pieces keep eight cores busy to
/// the end.
fn piece_bytes(text: &str) -> usize {
    (text.len() / PIECES).max(MIN_PIECE_BYTES)
}

/// A piece of the document, parsed on its own.
enum Piece<'t> {
    /// The document with the cut mappings left empty.
    Rest(String),
    /// Entries of `paths`.
    Paths(&'t str),
    /// Entries of `components.schemas`.
    Schemas(&'t str),
}

impl Piece<'_> {
    fn len(&self) -> usize {
        match self {
            Piece::Rest(text) => text.len(),
            Piece::Paths(text) | Piece::Schemas(text) => text.len(),
        }
    }
}

/// What a piece parses into.
enum Parsed {
    Rest(Box<OpenAPI>),
    Paths(Paths),
    Schemas(IndexMap<String, ReferenceOr<Schema>>),
}

/// A block mapping the cut goes through.
struct Block<'t> {
    /// The byte just after its key's colon.
    after_key: usize,
    node: Node,
    entries: Vec<Entry<'t>>,
}

/// The document cut into pieces.
struct Cut<'t> {
    pieces: Vec<Piece<'t>>,
}

impl<'t> Cut<'t> {
    /// Cuts `text` into pieces of entries of about `piece_bytes`, or `None` when its layout
    /// leaves any doubt about where an entry starts.
    fn new(text: &'t str, outline: &Outline<'t>, piece_bytes: usize) -> Option<Self> {
        let top = outline.entries(&outline.root()?)?;
        let paths = Self::block(outline, &top, "paths")?;
        let components = Self::block(outline, &top, "components")?;
        let schemas = Self::block(outline, &components.entries, "schemas")?;

        let mut pieces = Vec::new();
        for (block, is_paths) in [(&paths, true), (&schemas, false)] {
            // Whole entries, at least `piece_bytes` a piece (the last may have fewer).
            let entries = &block.entries;
            let mut start = outline.line_start(entries[0].line);
            for entry in &entries[1..] {
                let at = outline.line_start(entry.line);
                if at - start >= piece_bytes {
                    pieces.push(Self::piece(&text[start..at], is_paths));
                    start = at;
                }
            }
            let end = outline.line_start(block.node.lines.end);
            pieces.push(Self::piece(&text[start..end], is_paths));
        }

        // The rest: the text with both mappings emptied (`key: {}`), in text order.
        let mut blocks = [&paths, &schemas];
        blocks.sort_by_key(|block| block.after_key);
        let mut rest = String::with_capacity(text.len() / 8);
        let mut from = 0;
        for block in blocks {
            rest.push_str(&text[from..block.after_key]);
            rest.push_str(" {}\n");
            from = outline.line_start(block.node.lines.end);
        }
        rest.push_str(&text[from..]);
        pieces.insert(0, Piece::Rest(rest));
        Some(Self { pieces })
    }

    /// The block mapping under the one entry `key` of `entries`; `None` unless the key is
    /// there exactly once with a block mapping value.
    fn block(outline: &Outline<'t>, entries: &[Entry<'t>], key: &str) -> Option<Block<'t>> {
        let mut matching = entries.iter().filter(|e| e.key == key);
        let entry = matching.next()?;
        if matching.next().is_some() {
            return None;
        }
        let node = outline.block_value(entry)?;
        Some(Block {
            after_key: outline.after_key(entry)?,
            entries: outline.entries(&node)?,
            node,
        })
    }

    fn piece(text: &'t str, is_paths: bool) -> Piece<'t> {
        if is_paths {
            Piece::Paths(text)
        } else {
            Piece::Schemas(text)
        }
    }

    /// Parses the pieces on all cores and joins them; `None` if any fails or repeats a key.
    fn parse(self) -> Option<OpenAPI> {
        let threads = crate::cores::available().clamp(1, 8).min(self.pieces.len());
        self.share().join(threads - 1)
    }

    /// The pieces, for threads to parse together.
    fn share(self) -> SharedCut<'t> {
        // Largest first, so that the threads finish together; back in text order at the join.
        let mut pieces: Vec<(usize, Piece<'t>)> = self.pieces.into_iter().enumerate().collect();
        pieces.sort_by_key(|(_, piece)| std::cmp::Reverse(piece.len()));
        SharedCut {
            pieces: crate::cores::Shared::new(pieces, parse_indexed),
        }
    }
}

/// A cut document whose pieces the threads at hand parse together: any thread may
/// [`help`](Self::help), and [`join`](Self::join) puts the pieces back together.
pub(crate) struct SharedCut<'t> {
    #[allow(clippy::type_complexity)]
    pieces: crate::cores::Shared<
        (usize, Piece<'t>),
        (usize, Parsed),
        serde_saphyr::Error,
        fn(&(usize, Piece<'t>)) -> Result<(usize, Parsed), serde_saphyr::Error>,
    >,
}

impl<'t> SharedCut<'t> {
    /// The cut of YAML `text` by its outline, or `None` when the text is small enough that one
    /// thread reads it whole faster, or its layout leaves any doubt about where an entry starts.
    pub(crate) fn new(text: &'t str, outline: &Outline<'t>) -> Option<Self> {
        if text.len() < MIN_SPLIT_BYTES {
            return None;
        }
        Some(Cut::new(text, outline, piece_bytes(text))?.share())
    }

    /// Parses pieces until none is left to take.
    pub(crate) fn help(&self) {
        self.pieces.help();
    }

    /// Parses the pieces left, with `threads` more threads, waits for those other threads
    /// took, and joins them; `None` if any fails or repeats a key.
    pub(crate) fn join(&self, threads: usize) -> Option<OpenAPI> {
        let mut parsed = self.pieces.finish(threads).ok()?;
        parsed.sort_by_key(|(i, _)| *i);
        let mut parsed = parsed.into_iter().map(|(_, p)| p);
        let Some(Parsed::Rest(document)) = parsed.next() else {
            return None;
        };
        let mut document = *document;
        for piece in parsed {
            let fresh = match piece {
                Parsed::Rest(_) => false,
                Parsed::Paths(paths) => {
                    insert_all(&mut document.paths.paths, paths.paths)
                        && insert_all(&mut document.paths.extensions, paths.extensions)
                }
                Parsed::Schemas(schemas) => {
                    insert_all(&mut document.components.as_mut()?.schemas, schemas)
                }
            };
            if !fresh {
                return None;
            }
        }
        Some(document)
    }
}

/// Parses a piece, keeping its place in the text.
fn parse_indexed((i, piece): &(usize, Piece<'_>)) -> Result<(usize, Parsed), serde_saphyr::Error> {
    let parsed = match piece {
        Piece::Rest(text) => Parsed::Rest(Box::new(parse_piece(text)?)),
        Piece::Paths(text) => Parsed::Paths(parse_piece(text)?),
        Piece::Schemas(text) => Parsed::Schemas(parse_piece(text)?),
    };
    Ok((*i, parsed))
}

/// Reads a piece as the whole text is read.
fn parse_piece<'t, T: serde::Deserialize<'t>>(text: &'t str) -> Result<T, serde_saphyr::Error> {
    match super::block_yaml::parse_as(text) {
        Some(piece) => Ok(piece),
        None => serde_saphyr::from_str_with_options(text, super::yaml_options()),
    }
}

/// Adds `entries` to `map` in order; `false` if a key was already there.
fn insert_all<V>(map: &mut IndexMap<String, V>, entries: IndexMap<String, V>) -> bool {
    entries
        .into_iter()
        .all(|(key, value)| map.insert(key, value).is_none())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::error::Error;

    /// The cut of `text`, through its own outline.
    fn cut(text: &str, piece_bytes: usize) -> Option<Cut<'_>> {
        Cut::new(text, &Outline::new(text)?, piece_bytes)
    }

    fn whole(text: &str) -> OpenAPI {
        serde_saphyr::from_str_with_options(text, crate::load::yaml_options()).unwrap()
    }

    /// A spec of `n` paths and `n` schemas, above the size the split starts at for n = 600;
    /// `schema` writes the body of schema `i`.
    fn synthetic(n: usize, schema: impl Fn(usize) -> String) -> String {
        let mut text = String::from(
            "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths: # the operations\n",
        );
        for i in 0..n {
            text.push_str(&format!(
                "  /things/{i}:\n    get:\n      responses:\n        '200':\n          description: ok\n"
            ));
        }
        text.push_str("components:\n  schemas:\n");
        for i in 0..n {
            text.push_str(&format!("    Thing{i}:\n{}", schema(i)));
        }
        text.push_str("  responses: {}\n");
        text
    }

    fn object(_: usize) -> String {
        "      type: object\n      properties:\n        a:\n          type: string\n".to_string()
    }

    #[test]
    fn both_specs_parse_in_pieces_into_the_document_the_whole_parse_gives() {
        for path in [
            "spec/atlas-admin-v2.yaml",
            "spec/reference/atlas-admin-api-v2-2025-06-30.yaml",
        ] {
            let text = crate::load::repository_file(path);
            let cut = cut(&text, text.len() / 16).expect("the layout allows the cut");
            assert!(
                cut.pieces.len() >= 10,
                "{path}: {} pieces",
                cut.pieces.len()
            );
            let document = cut.parse().expect("every piece parses");
            assert!(document == whole(&text), "{path}");
            assert!(!document.paths.paths.is_empty());
        }
    }

    /// Parses `text` through a share that another thread helps with, as generation does.
    fn parse_helped(text: &str) -> Result<OpenAPI, Error> {
        let path = Path::new("spec.yaml");
        let outline = Outline::new(text);
        let share = crate::load::ParseShare::new(path, text, outline.as_ref());
        assert!(share.0.is_some(), "the text is cut");
        std::thread::scope(|scope| {
            scope.spawn(|| share.help());
            crate::load::parse_shared(path, text, outline.as_ref(), &share)
        })
        .map(|spec| spec.document)
    }

    #[test]
    fn a_share_helped_by_another_thread_parses_into_the_whole_parse_document() {
        for path in [
            "spec/atlas-admin-v2.yaml",
            "spec/reference/atlas-admin-api-v2-2025-06-30-subset.yaml",
            "spec/reference/atlas-admin-api-v2-2025-06-30.yaml",
        ] {
            let text = crate::load::repository_file(path);
            assert!(parse_helped(&text).unwrap() == whole(&text), "{path}");
        }
        // Pieces that depend on each other fall back to the whole parse, and a piece's error
        // is the whole parse's.
        let aliased = synthetic(600, |i| {
            match i {
            0 => "      type: object\n      properties: &shared\n        a:\n          type: string\n".to_string(),
            599 => "      type: object\n      properties: *shared\n".to_string(),
            _ => object(i),
        }
        });
        assert!(parse_helped(&aliased).unwrap() == whole(&aliased));
        let broken = synthetic(600, |i| match i {
            500 => "      type: object\n      required: [a\n".to_string(),
            _ => object(i),
        });
        let expected = crate::load::parse_spec(Path::new("spec.yaml"), &broken).unwrap_err();
        assert_eq!(
            parse_helped(&broken).unwrap_err().to_string(),
            expected.to_string()
        );
        // Nothing to share in a small text, or in JSON.
        let small = synthetic(3, object);
        let json = serde_json::to_string(&whole(&aliased)).unwrap();
        for (path, text) in [("spec.yaml", &small), ("spec.json", &json)] {
            let outline = Outline::new(text);
            let share = crate::load::ParseShare::new(Path::new(path), text, outline.as_ref());
            assert!(share.0.is_none(), "{path}");
        }
    }

    #[test]
    fn a_comment_after_the_key_and_small_pieces_keep_the_document() {
        let text = synthetic(40, object);
        let document = cut(&text, 1).unwrap().parse().unwrap();
        assert!(document == whole(&text));
        assert_eq!(document.components.unwrap().schemas.len(), 40);
    }

    #[test]
    fn layouts_the_cut_cannot_be_sure_of_are_left_to_the_whole_parse() {
        let text = synthetic(3, object);
        for (from, to) in [
            ("paths: # the operations\n", "paths: &all\n"),
            ("  schemas:\n", "  schemas: !!map\n"),
            ("openapi: 3.0.3\n", "%YAML 1.2\n---\nopenapi: 3.0.3\n"),
            ("components:\n", "paths:\n  /x: {}\ncomponents:\n"),
            ("  /things/1:\n", "  ? /things/1\n  :\n"),
        ] {
            let changed = text.replacen(from, to, 1);
            assert_ne!(changed, text);
            assert!(cut(&changed, 1).is_none(), "{to:?}");
        }
        let flow = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas: {}\n";
        assert!(cut(flow, 1).is_none());
    }

    #[test]
    fn pieces_that_depend_on_each_other_are_parsed_whole() {
        // An alias to an anchor in another piece.
        let text = synthetic(600, |i| {
            match i {
            0 => "      type: object\n      properties: &shared\n        a:\n          type: string\n".to_string(),
            599 => "      type: object\n      properties: *shared\n".to_string(),
            _ => object(i),
        }
        });
        assert!(text.len() > MIN_SPLIT_BYTES);
        assert!(cut(&text, 8 * 1024).unwrap().parse().is_none());
        let document = crate::load::parse_spec(Path::new("spec.yaml"), &text)
            .unwrap()
            .document;
        assert!(document == whole(&text));
        let schemas = document.components.unwrap().schemas;
        assert!(schemas["Thing599"] == schemas["Thing0"]);
    }

    #[test]
    fn a_key_repeated_across_pieces_is_the_whole_parse_error() {
        let text = synthetic(600, object).replace("    Thing599:\n", "    Thing0:\n");
        assert!(cut(&text, 8 * 1024).unwrap().parse().is_none());
        let error = crate::load::parse_spec(Path::new("spec.yaml"), &text).unwrap_err();
        assert!(
            error.to_string().contains("duplicate mapping key: Thing0"),
            "{error}"
        );
    }

    #[test]
    fn an_error_in_a_piece_is_reported_as_the_whole_parse_reports_it() {
        let text = synthetic(600, |i| {
            if i == 500 {
                "      type: object\n      required: [a\n".to_string()
            } else {
                object(i)
            }
        });
        let error = crate::load::parse_spec(Path::new("spec.yaml"), &text).unwrap_err();
        let Error::Syntax {
            line,
            column,
            message,
            ..
        } = &error
        else {
            panic!("{error}");
        };
        let expected =
            serde_saphyr::from_str_with_options::<OpenAPI>(&text, crate::load::yaml_options())
                .unwrap_err();
        let location = expected.location().unwrap();
        assert_eq!(
            (*line, *column),
            (Some(location.line()), Some(location.column()))
        );
        assert!(!message.is_empty());
        // The line is the document's, not the piece's.
        assert!(line.unwrap() > 3000, "{line:?}");
    }
}
