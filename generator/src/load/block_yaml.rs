//! A fast reader for the block-style YAML that specs are written in.
//!
//! serde-saphyr reads any YAML, but at about 20 MB/s: on the official subset it was a quarter of
//! a first generation. Specs use a small part of YAML: block mappings and sequences, plain and
//! quoted scalars, literal and folded block scalars, one-line flow collections and comments.
//! [`parse`] reads exactly that part into a [`Node`] tree, and the tree is handed to serde
//! (`de.rs`) as serde-saphyr would hand the same text over.
//!
//! It gives up (`None`) on anything else, and the caller then reads the text with serde-saphyr,
//! so a document read here is the one serde-saphyr reads, and every error is serde-saphyr's:
//! anchors, aliases, tags, directives, document markers, tabs, control characters, multi-line
//! plain scalars, explicit keys, merge keys, a key given twice, a plain scalar whose type it is
//! not certain of (`+1`, `0x1F`, `1_000`, `.inf`), a tree near serde-saphyr's budget, and any
//! error at all, of syntax or of serde.

use std::borrow::Cow;

use openapiv3::OpenAPI;

mod de;

/// Giving up: the text is left to serde-saphyr.
#[derive(Debug)]
pub(crate) struct Decline;

type Read<T> = Result<T, Decline>;

/// Nesting deeper than this is left to serde-saphyr, whose budget stops at 64.
const MAX_DEPTH: usize = 60;

/// More nodes than this are left to serde-saphyr, whose budget stops at 250,000.
const MAX_NODES: usize = 200_000;

/// YAML limits an implicit key to 1,024 characters; longer ones are left to serde-saphyr.
const MAX_KEY_BYTES: usize = 1_000;

/// A value of the YAML tree.
#[derive(Debug)]
pub(crate) enum Node<'t> {
    Scalar(Scalar<'t>),
    /// Entries in text order; no key comes twice.
    Map(Vec<(Scalar<'t>, Node<'t>)>),
    Seq(Vec<Node<'t>>),
}

/// A scalar's text, after escapes and line folding.
#[derive(Debug)]
pub(crate) struct Scalar<'t> {
    pub(crate) text: Cow<'t, str>,
    /// Plain (unquoted, not a block scalar): only plain scalars are typed by their text.
    pub(crate) plain: bool,
}

/// Reads `text` as an OpenAPI document, or `None` when serde-saphyr should read it.
pub(crate) fn parse(text: &str) -> Option<OpenAPI> {
    parse_as(text)
}

/// Reads `text` as a `T`, or `None` when serde-saphyr should read it.
pub(crate) fn parse_as<'t, T: serde::Deserialize<'t>>(text: &'t str) -> Option<T> {
    let root = Reader::new(text)?.document().ok()?;
    T::deserialize(root).ok()
}

/// What a plain scalar's text stands for, as serde-saphyr types it (YAML 1.2's core schema
/// with only `true` and `false` as booleans).
#[derive(Debug, PartialEq)]
pub(crate) enum Plain {
    Null,
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
    Str,
    /// A form whose type this reader does not decide.
    Unsure,
}

impl Plain {
    pub(crate) fn of(text: &str) -> Plain {
        match text {
            "" | "~" | "null" | "Null" | "NULL" => return Plain::Null,
            "true" | "True" | "TRUE" => return Plain::Bool(true),
            "false" | "False" | "FALSE" => return Plain::Bool(false),
            _ => {}
        }
        let bytes = text.as_bytes();
        let unsigned = text.strip_prefix('-').unwrap_or(text);
        let words = |word: &str| {
            let word = word.strip_prefix(['+', '-']).unwrap_or(word);
            let word = word.strip_prefix('.').unwrap_or(word);
            ["inf", "infinity", "nan"]
                .iter()
                .any(|w| word.eq_ignore_ascii_case(w))
        };
        match bytes[0] {
            b'0'..=b'9' | b'-' | b'.' => {}
            b'+' => return Plain::Unsure,
            _ if words(text) => return Plain::Unsure,
            _ => return Plain::Str,
        }
        let negative = unsigned.len() < text.len();
        if is_decimal_integer(unsigned) {
            return if negative {
                text.parse().map_or(Plain::Unsure, Plain::I64)
            } else {
                text.parse().map_or(Plain::Unsure, Plain::U64)
            };
        }
        if is_decimal_float(unsigned) {
            return match text.parse::<f64>() {
                Ok(value) if value.is_finite() => Plain::F64(value),
                _ => Plain::Unsure,
            };
        }
        let radix = matches!(unsigned.as_bytes(), [b'0', b'a'..=b'z' | b'A'..=b'Z', ..]);
        if text.contains('_') || radix || words(text) {
            return Plain::Unsure;
        }
        let numeric = |b: &u8| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-');
        if !bytes.iter().all(numeric) {
            // A letter, a slash, a colon: no number is written so.
            return Plain::Str;
        }
        // Digits, dots, signs and exponents only: a number has one dot at most, and a sign only
        // first or after its exponent.
        let dots = bytes.iter().filter(|&&b| b == b'.').count();
        let stray_sign = bytes
            .iter()
            .enumerate()
            .skip(1)
            .any(|(i, b)| matches!(b, b'+' | b'-') && !matches!(bytes[i - 1], b'e' | b'E'));
        if dots > 1 || stray_sign {
            Plain::Str
        } else {
            Plain::Unsure
        }
    }
}

/// `0` or digits without a leading zero.
fn is_decimal_integer(text: &str) -> bool {
    let bytes = text.as_bytes();
    !bytes.is_empty()
        && bytes.iter().all(u8::is_ascii_digit)
        && (bytes[0] != b'0' || bytes.len() == 1)
}

/// An integer part as [`is_decimal_integer`], then a fraction, an exponent or both.
fn is_decimal_float(text: &str) -> bool {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let (integer, fraction) = match mantissa.split_once('.') {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (mantissa, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    is_decimal_integer(integer)
        && fraction.is_none_or(digits)
        && exponent_ok
        && (fraction.is_some() || exponent.is_some())
}

/// One line of the text: its bytes are `text[start..end]`, without the line break.
#[derive(Clone, Copy, Debug)]
struct Line {
    start: usize,
    end: usize,
    /// Leading spaces.
    indent: usize,
}

impl Line {
    /// Where the content starts.
    fn content(&self) -> usize {
        self.start + self.indent
    }
}

/// Reads the block structure line by line.
struct Reader<'t> {
    text: &'t str,
    bytes: &'t [u8],
    /// The start of the next line not yet read.
    pos: usize,
    nodes: usize,
    depth: usize,
}

impl<'t> Reader<'t> {
    /// `None` when the text holds a character this reader leaves to serde-saphyr: a carriage
    /// return, a control character, a byte order mark, or a character YAML does not
    /// allow or treats as a line break.
    fn new(text: &'t str) -> Option<Self> {
        let bytes = text.as_bytes();
        let mut ascii = true;
        for &b in bytes {
            if (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f {
                return None;
            }
            ascii &= b < 0x80;
        }
        if !ascii
            && text.chars().any(|c| {
                matches!(
                    c,
                    '\u{80}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}'
                ) || matches!(c, '\u{fffe}' | '\u{ffff}')
            })
        {
            return None;
        }
        Some(Self {
            text,
            bytes,
            pos: 0,
            nodes: 0,
            depth: 0,
        })
    }

    /// The document: one block mapping, and nothing after it. (Its keys may be indented: a
    /// piece of a split text is a mapping's entries.)
    fn document(mut self) -> Read<Node<'t>> {
        let line = self.next_line().ok_or(Decline)?;
        let root = self.map(line.indent, line.content())?;
        match self.next_line() {
            Some(_) => Err(Decline),
            None => Ok(root),
        }
    }

    /// Skips blank lines and comment lines, and returns the next line without reading it.
    fn next_line(&mut self) -> Option<Line> {
        loop {
            if self.pos >= self.bytes.len() {
                return None;
            }
            let line = self.line_at(self.pos);
            match self.bytes.get(line.content()) {
                Some(b'#') => {}
                _ if line.content() == line.end => {}
                _ => return Some(line),
            }
            self.pos = (line.end + 1).min(self.bytes.len());
        }
    }

    fn line_at(&self, start: usize) -> Line {
        let end = self.bytes[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(self.bytes.len(), |at| start + at);
        let indent = self.bytes[start..end]
            .iter()
            .take_while(|&&b| b == b' ')
            .count();
        Line { start, end, indent }
    }

    /// Moves past `line`.
    fn finish_line(&mut self, line: &Line) {
        self.pos = (line.end + 1).min(self.bytes.len());
    }

    fn count_node(&mut self) -> Read<()> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(Decline);
        }
        Ok(())
    }

    fn enter(&mut self) -> Read<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Decline);
        }
        Ok(())
    }

    /// A block mapping whose keys are at column `indent`; the first key starts at byte
    /// `first` of the current line (after a sequence's `- `, or at the line's indentation).
    fn map(&mut self, indent: usize, first: usize) -> Read<Node<'t>> {
        self.enter()?;
        self.count_node()?;
        let mut entries = Vec::new();
        let mut at = first;
        loop {
            let line = self.line_at(self.pos);
            let (key, value) = self.entry(indent, &line, at)?;
            entries.push((key, value));
            let Some(next) = self.next_line() else { break };
            if next.indent < indent {
                break;
            }
            if next.indent > indent || self.bytes[next.content()] == b'-' {
                // Deeper text is a continuation, and a `-` at the keys' column no YAML.
                return Err(Decline);
            }
            at = next.content();
        }
        check_unique(&entries)?;
        self.depth -= 1;
        Ok(Node::Map(entries))
    }

    /// One `key: value` entry of a mapping at column `indent`, its key at byte `at` of `line`.
    fn entry(&mut self, indent: usize, line: &Line, at: usize) -> Read<(Scalar<'t>, Node<'t>)> {
        let (key, after) = self.key(line, at)?;
        self.count_node()?;
        let value_at = self.skip_spaces(after, line.end);
        // Nothing or a comment after the colon (the key requires a space before a comment):
        // the value is on the lines below.
        if value_at == line.end || self.bytes[value_at] == b'#' {
            self.finish_line(line);
            let value = self.block_value(indent, true)?;
            return Ok((key, value));
        }
        let value = self.inline_value(line, value_at, indent, true)?;
        Ok((key, value))
    }

    /// The key at byte `at` of `line` and the byte after its `:`.
    fn key(&self, line: &Line, at: usize) -> Read<(Scalar<'t>, usize)> {
        let bytes = &self.bytes[..line.end];
        let (key, colon) = match bytes[at] {
            quote @ (b'\'' | b'"') => {
                let (text, close) = self.quoted_on_line(line, at, quote)?;
                (Scalar { text, plain: false }, close)
            }
            b if starts_indicator(b) => return Err(Decline),
            _ => {
                let mut i = at;
                let colon = loop {
                    match bytes.get(i) {
                        None => return Err(Decline),
                        Some(b':') if matches!(bytes.get(i + 1), None | Some(b' ')) => break i,
                        Some(b'#') if bytes[i - 1] == b' ' => return Err(Decline),
                        Some(b'\t') => return Err(Decline),
                        Some(_) => i += 1,
                    }
                };
                let text = self.text[at..colon].trim_end_matches(' ');
                if text == "<<" || Plain::of(text) != Plain::Str {
                    return Err(Decline);
                }
                (
                    Scalar {
                        text: Cow::Borrowed(text),
                        plain: true,
                    },
                    colon,
                )
            }
        };
        if colon - at > MAX_KEY_BYTES
            || bytes.get(colon) != Some(&b':')
            || !matches!(bytes.get(colon + 1), None | Some(b' '))
        {
            return Err(Decline);
        }
        Ok((key, colon + 1))
    }

    /// The value of a key or `-` with nothing after it on its line: the block node on the
    /// lines below, indented deeper than `parent`, or a sequence at `parent` itself when
    /// `compact` (a mapping's value); otherwise null.
    fn block_value(&mut self, parent: usize, compact: bool) -> Read<Node<'t>> {
        let Some(line) = self.next_line() else {
            return self.null();
        };
        let is_item = self.is_item(&line);
        if line.indent > parent || (compact && line.indent == parent && is_item) {
            if is_item {
                return self.seq(line.indent);
            }
            if self.key_line(&line, line.content()) {
                return self.map(line.indent, line.content());
            }
            // A multi-line plain scalar, or no YAML at all.
            return Err(Decline);
        }
        self.null()
    }

    fn null(&mut self) -> Read<Node<'t>> {
        self.count_node()?;
        Ok(Node::Scalar(Scalar {
            text: Cow::Borrowed(""),
            plain: true,
        }))
    }

    /// Whether `line` starts a sequence item.
    fn is_item(&self, line: &Line) -> bool {
        self.item_at(line.content())
    }

    /// Whether byte `at` starts a sequence item: `-` then a space or the line's end.
    fn item_at(&self, at: usize) -> bool {
        self.bytes[at] == b'-' && matches!(self.bytes.get(at + 1), None | Some(b' ' | b'\n'))
    }

    /// Whether the text at byte `at` of `line` starts with an implicit key.
    fn key_line(&self, line: &Line, at: usize) -> bool {
        self.key(line, at).is_ok()
    }

    /// A block sequence whose `-` are at column `indent`.
    fn seq(&mut self, indent: usize) -> Read<Node<'t>> {
        self.enter()?;
        self.count_node()?;
        let mut items = Vec::new();
        loop {
            let line = self.line_at(self.pos);
            let after = line.content() + 1;
            let at = self.skip_spaces(after, line.end);
            let item = if at == line.end || self.bytes[at] == b'#' {
                self.finish_line(&line);
                self.block_value(indent, false)?
            } else if self.item_at(at) {
                // `- - item`
                return Err(Decline);
            } else if self.key_line(&line, at) {
                self.map(at - line.start, at)?
            } else {
                self.inline_value(&line, at, indent, false)?
            };
            items.push(item);
            let Some(next) = self.next_line() else { break };
            if next.indent < indent || (next.indent == indent && !self.is_item(&next)) {
                break;
            }
            if next.indent > indent {
                return Err(Decline);
            }
        }
        self.depth -= 1;
        Ok(Node::Seq(items))
    }

    /// Whether the `-` at byte `at` starts a plain scalar (`-1`, `-x`) rather than an item.
    fn plain_dash(&self, at: usize) -> bool {
        self.bytes[at] == b'-'
            && self.bytes.get(at + 1).is_some_and(|b| {
                !matches!(b, b' ' | b'\t' | b'\n' | b',' | b'[' | b']' | b'{' | b'}')
            })
    }

    fn skip_spaces(&self, mut at: usize, end: usize) -> usize {
        while at < end && self.bytes[at] == b' ' {
            at += 1;
        }
        at
    }

    /// A value that starts at byte `at` of `line`, in a node whose column is `parent` (a
    /// mapping's when `in_map`, else a sequence's); reads on to the line after it.
    fn inline_value(
        &mut self,
        line: &Line,
        at: usize,
        parent: usize,
        in_map: bool,
    ) -> Read<Node<'t>> {
        self.count_node()?;
        let value = match self.bytes[at] {
            b'|' | b'>' => return self.block_scalar(line, at, parent, in_map),
            quote @ (b'"' | b'\'') => {
                let text = self.quoted(line, at, quote, parent)?;
                Node::Scalar(Scalar { text, plain: false })
            }
            b'[' | b'{' => {
                let mut flow = Flow {
                    reader: self,
                    end: line.end,
                };
                let (node, end) = flow.node(at)?;
                self.finish_rest(line.end, end)?;
                self.finish_line(line);
                return Ok(node);
            }
            b if starts_indicator(b) && !self.plain_dash(at) => return Err(Decline),
            _ => {
                let text = self.plain_on_line(at, line.end)?;
                Node::Scalar(Scalar {
                    text: Cow::Borrowed(text),
                    plain: true,
                })
            }
        };
        Ok(value)
    }

    /// A plain scalar from byte `at` to the end of its line or a comment; `: ` inside is an
    /// error in YAML, left to serde-saphyr.
    fn plain_on_line(&mut self, at: usize, end: usize) -> Read<&'t str> {
        let bytes = &self.bytes[..end];
        let mut stop = end;
        for i in at..end {
            match bytes[i] {
                b'#' if bytes[i - 1] == b' ' => {
                    stop = i;
                    break;
                }
                b':' if matches!(bytes.get(i + 1), None | Some(b' ')) => return Err(Decline),
                // A tab separates a comment as a space does; such text is left to serde-saphyr.
                b'\t' => return Err(Decline),
                _ => {}
            }
        }
        self.pos = (end + 1).min(self.bytes.len());
        Ok(self.text[at..stop].trim_end_matches(' '))
    }

    /// After a closing quote or bracket at `at`: only spaces or a comment may follow.
    fn finish_rest(&self, end: usize, at: usize) -> Read<()> {
        let rest = self.skip_spaces(at, end);
        if rest == end || (self.bytes[rest] == b'#' && rest > at) {
            Ok(())
        } else {
            Err(Decline)
        }
    }

    /// Reads a quoted scalar's text on `line` from byte `from` into `text`: escapes and
    /// doubled single quotes undone, the spaces before a folding break dropped.
    fn quoted_line(&self, line: &Line, from: usize, quote: u8, text: &mut String) -> Read<LineEnd> {
        let mut i = from;
        let mut run = from;
        while i < line.end {
            match self.bytes[i] {
                b if b == quote => {
                    if quote == b'\'' && self.bytes.get(i + 1) == Some(&b'\'') {
                        text.push_str(&self.text[run..=i]);
                        i += 2;
                        run = i;
                        continue;
                    }
                    text.push_str(&self.text[run..i]);
                    return Ok(LineEnd::Closed(i));
                }
                b'\\' if quote == b'"' => {
                    text.push_str(&self.text[run..i]);
                    if i + 1 == line.end {
                        return Ok(LineEnd::EscapedBreak);
                    }
                    i = escape(self.text, i, line.end, text)?;
                    run = i;
                }
                _ => i += 1,
            }
        }
        text.push_str(self.text[run..line.end].trim_end_matches(' '));
        Ok(LineEnd::Break)
    }

    /// A quoted scalar that closes on its own line (a key, or inside a flow collection):
    /// its text and the byte after the closing quote.
    fn quoted_on_line(&self, line: &Line, at: usize, quote: u8) -> Read<(Cow<'t, str>, usize)> {
        // Most quoted text has nothing to undo, and is borrowed.
        let body = &self.bytes[at + 1..line.end];
        let special = |&b: &u8| b == quote || (b == b'\\' && quote == b'"');
        if let Some(close) = body.iter().position(special).map(|i| at + 1 + i) {
            let doubled = quote == b'\'' && self.bytes.get(close + 1) == Some(&b'\'');
            if self.bytes[close] == quote && !doubled {
                return Ok((Cow::Borrowed(&self.text[at + 1..close]), close + 1));
            }
        }
        let mut text = String::new();
        match self.quoted_line(line, at + 1, quote, &mut text)? {
            LineEnd::Closed(close) => Ok((Cow::Owned(text), close + 1)),
            LineEnd::Break | LineEnd::EscapedBreak => Err(Decline),
        }
    }

    /// A quoted scalar value starting at byte `at` of `line`, which may go on over the lines
    /// below (each deeper than `parent`): its text, with the reader moved past its last line.
    fn quoted(&mut self, line: &Line, at: usize, quote: u8, parent: usize) -> Read<Cow<'t, str>> {
        if let Ok((text, close)) = self.quoted_on_line(line, at, quote) {
            self.finish_rest(line.end, close)?;
            self.finish_line(line);
            return Ok(text);
        }
        // Over several lines: line breaks fold to a space, empty lines to line feeds, and the
        // spaces around a break go; a `\` before a break (double quotes) joins the lines.
        let mut text = String::new();
        let mut line = *line;
        let mut from = at + 1;
        loop {
            if self.bytes[line.start..line.end].contains(&b'\t') {
                // Tabs around a folded break are white space to drop; left to serde-saphyr.
                return Err(Decline);
            }
            let escaped_break = match self.quoted_line(&line, from, quote, &mut text)? {
                LineEnd::Closed(close) => {
                    self.finish_rest(line.end, close + 1)?;
                    self.finish_line(&line);
                    return Ok(Cow::Owned(text));
                }
                LineEnd::Break => false,
                LineEnd::EscapedBreak => true,
            };
            // The lines after the break: empty ones are line feeds, then the next line's text
            // without its indentation.
            let mut empty = 0;
            loop {
                self.finish_line(&line);
                if self.pos >= self.bytes.len() {
                    return Err(Decline);
                }
                line = self.line_at(self.pos);
                if line.content() < line.end {
                    break;
                }
                empty += 1;
            }
            if line.indent <= parent {
                return Err(Decline);
            }
            if empty > 0 {
                text.extend(std::iter::repeat_n('\n', empty));
            } else if !escaped_break {
                text.push(' ');
            }
            from = line.content();
        }
    }

    /// A literal (`|`) or folded (`>`) block scalar whose header is at byte `at` of `line`,
    /// its content deeper than `parent` (the column of the mapping it is a value of when
    /// `in_map`: an indentation indicator counts from there).
    fn block_scalar(
        &mut self,
        line: &Line,
        at: usize,
        parent: usize,
        in_map: bool,
    ) -> Read<Node<'t>> {
        let folded = self.bytes[at] == b'>';
        let mut chomp = None;
        let mut explicit = None;
        let mut i = at + 1;
        while i < line.end {
            match self.bytes[i] {
                b'-' if chomp.is_none() => chomp = Some(Chomp::Strip),
                b'+' if chomp.is_none() => chomp = Some(Chomp::Keep),
                digit @ b'1'..=b'9' if explicit.is_none() && in_map => {
                    explicit = Some(parent + usize::from(digit - b'0'));
                }
                b' ' => break,
                _ => return Err(Decline),
            }
            i += 1;
        }
        let chomp = chomp.unwrap_or(Chomp::Clip);
        self.finish_rest(line.end, i)?;
        self.finish_line(line);

        // The content lines, without the content's indentation; `None` for an empty line.
        let mut lines: Vec<Option<&'t str>> = Vec::new();
        let mut indent = explicit;
        let mut longest_leading_empty = 0;
        while self.pos < self.bytes.len() {
            let next = self.line_at(self.pos);
            let blank = next.content() == next.end;
            match indent {
                None if blank => {
                    longest_leading_empty = longest_leading_empty.max(next.indent);
                    lines.push(None);
                }
                None if next.indent <= parent => break,
                None => {
                    indent = Some(next.indent);
                    lines.push(Some(&self.text[next.content()..next.end]));
                }
                Some(indent) if blank => {
                    if next.indent > indent {
                        // Spaces past the indentation are content.
                        return Err(Decline);
                    }
                    lines.push(None);
                }
                Some(indent) if next.indent < indent => break,
                Some(indent) => lines.push(Some(&self.text[next.start + indent..next.end])),
            }
            self.finish_line(&next);
        }
        let Some(indent) = indent.filter(|_| lines.iter().any(Option::is_some)) else {
            // No content: left to serde-saphyr.
            return Err(Decline);
        };
        if longest_leading_empty > indent {
            return Err(Decline);
        }
        let trailing = lines.iter().rev().take_while(|l| l.is_none()).count();
        let body = &lines[..lines.len() - trailing];
        let mut text = String::new();
        let mut previous: Option<&str> = None;
        let mut empty = 0;
        for line in body {
            let Some(line) = line else {
                empty += 1;
                continue;
            };
            match previous {
                None => text.extend(std::iter::repeat_n('\n', empty)),
                Some(previous) => {
                    let spaced = |l: &str| l.starts_with([' ', '\t']);
                    if !folded || spaced(previous) || spaced(line) {
                        text.extend(std::iter::repeat_n('\n', empty + 1));
                    } else if empty == 0 {
                        text.push(' ');
                    } else {
                        text.extend(std::iter::repeat_n('\n', empty));
                    }
                }
            }
            text.push_str(line);
            previous = Some(line);
            empty = 0;
        }
        match chomp {
            Chomp::Strip => {}
            Chomp::Clip => text.push('\n'),
            Chomp::Keep => text.extend(std::iter::repeat_n('\n', trailing + 1)),
        }
        Ok(Node::Scalar(Scalar {
            text: Cow::Owned(text),
            plain: false,
        }))
    }
}

/// How a quoted scalar's text on one line ends.
enum LineEnd {
    /// At its closing quote, at this byte.
    Closed(usize),
    /// At the line break, which folds.
    Break,
    /// At a `\` just before the line break (double quotes), which joins the lines.
    EscapedBreak,
}

/// What a block scalar keeps of its final line breaks.
#[derive(Clone, Copy)]
enum Chomp {
    Strip,
    Clip,
    Keep,
}

/// Whether a plain scalar may not start with `b` (or this reader leaves such a start to
/// serde-saphyr): YAML's indicators, among them anchors, aliases, tags and directives, and a
/// tab, which YAML does not allow in indentation.
fn starts_indicator(b: u8) -> bool {
    matches!(
        b,
        b'-' | b'?'
            | b'\t'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    )
}

/// Reads the escape at byte `at` (a `\`) of a double-quoted scalar into `out`; returns the
/// byte after it.
fn escape(text: &str, at: usize, end: usize, out: &mut String) -> Read<usize> {
    let bytes = text.as_bytes();
    let Some(&code) = bytes.get(at + 1).filter(|_| at + 1 < end) else {
        return Err(Decline);
    };
    let simple = match code {
        b'0' => '\0',
        b'a' => '\u{7}',
        b'b' => '\u{8}',
        b't' => '\t',
        b'n' => '\n',
        b'v' => '\u{b}',
        b'f' => '\u{c}',
        b'r' => '\r',
        b'e' => '\u{1b}',
        b' ' => ' ',
        b'"' => '"',
        b'/' => '/',
        b'\\' => '\\',
        b'N' => '\u{85}',
        b'_' => '\u{a0}',
        b'L' => '\u{2028}',
        b'P' => '\u{2029}',
        b'x' | b'u' | b'U' => {
            let digits = match code {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let hex = text.get(at + 2..at + 2 + digits).ok_or(Decline)?;
            if at + 2 + digits > end || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(Decline);
            }
            let value = u32::from_str_radix(hex, 16).map_err(|_| Decline)?;
            out.push(char::from_u32(value).ok_or(Decline)?);
            return Ok(at + 2 + digits);
        }
        _ => return Err(Decline),
    };
    out.push(simple);
    Ok(at + 2)
}

/// A one-line flow collection (`[a, b]`, `{k: v}`), up to the end of its line.
struct Flow<'r, 't> {
    reader: &'r mut Reader<'t>,
    end: usize,
}

impl<'t> Flow<'_, 't> {
    /// The flow node at byte `at`, and the byte after it.
    fn node(&mut self, at: usize) -> Read<(Node<'t>, usize)> {
        let bytes = self.reader.bytes;
        match bytes.get(at).filter(|_| at < self.end) {
            Some(b'[') => self.collection(at, b']'),
            Some(b'{') => self.collection(at, b'}'),
            Some(_) => {
                let (scalar, after) = self.scalar(at)?;
                self.reader.count_node()?;
                Ok((Node::Scalar(scalar), after))
            }
            None => Err(Decline),
        }
    }

    fn collection(&mut self, at: usize, close: u8) -> Read<(Node<'t>, usize)> {
        self.reader.enter()?;
        self.reader.count_node()?;
        let bytes = self.reader.bytes;
        let mut items = Vec::new();
        let mut entries = Vec::new();
        let mut i = self.reader.skip_spaces(at + 1, self.end);
        if bytes.get(i) == Some(&close) && i < self.end {
            i += 1;
        } else {
            loop {
                if close == b'}' {
                    let (key, after) = self.scalar(i)?;
                    if key.plain && Plain::of(&key.text) != Plain::Str {
                        return Err(Decline);
                    }
                    self.reader.count_node()?;
                    if bytes.get(after) != Some(&b':') || bytes.get(after + 1) != Some(&b' ') {
                        return Err(Decline);
                    }
                    let at = self.reader.skip_spaces(after + 1, self.end);
                    let (value, after) = self.node(at)?;
                    entries.push((key, value));
                    i = after;
                } else {
                    let (item, after) = self.node(i)?;
                    if bytes.get(after) == Some(&b':') {
                        // `[k: v]`, a single-pair mapping.
                        return Err(Decline);
                    }
                    items.push(item);
                    i = after;
                }
                i = self.reader.skip_spaces(i, self.end);
                match bytes.get(i).filter(|_| i < self.end) {
                    Some(&b) if b == close => {
                        i += 1;
                        break;
                    }
                    Some(b',') => {
                        i = self.reader.skip_spaces(i + 1, self.end);
                        if bytes.get(i) == Some(&close) {
                            // A trailing comma.
                            return Err(Decline);
                        }
                    }
                    _ => return Err(Decline),
                }
            }
        }
        self.reader.depth -= 1;
        let node = if close == b'}' {
            check_unique(&entries)?;
            Node::Map(entries)
        } else {
            Node::Seq(items)
        };
        Ok((node, i))
    }

    /// A quoted or plain scalar inside a flow collection, and the byte after it (spaces after
    /// a plain scalar are not its own).
    fn scalar(&mut self, at: usize) -> Read<(Scalar<'t>, usize)> {
        let reader = &*self.reader;
        let bytes = reader.bytes;
        let b = *bytes.get(at).filter(|_| at < self.end).ok_or(Decline)?;
        if matches!(b, b'"' | b'\'') {
            let line = Line {
                start: at,
                end: self.end,
                indent: 0,
            };
            let (text, after) = reader.quoted_on_line(&line, at, b)?;
            return Ok((Scalar { text, plain: false }, after));
        }
        if starts_indicator(b) && !reader.plain_dash(at) {
            return Err(Decline);
        }
        let mut i = at;
        while i < self.end {
            match bytes[i] {
                b',' | b'[' | b']' | b'{' | b'}' => break,
                b':' if matches!(bytes.get(i + 1), Some(b' ' | b',' | b']' | b'}')) => break,
                b':' if i + 1 == self.end => break,
                b'#' if bytes[i - 1] == b' ' => return Err(Decline),
                b'\t' => return Err(Decline),
                _ => i += 1,
            }
        }
        let text = reader.text[at..i].trim_end_matches(' ');
        if text.is_empty() {
            return Err(Decline);
        }
        let after = at + text.len();
        Ok((
            Scalar {
                text: Cow::Borrowed(text),
                plain: true,
            },
            after,
        ))
    }
}

/// Declines a mapping with a key given twice (serde-saphyr refuses it).
fn check_unique(entries: &[(Scalar<'_>, Node<'_>)]) -> Read<()> {
    let duplicate = if entries.len() <= 16 {
        entries
            .iter()
            .enumerate()
            .any(|(i, (key, _))| entries[..i].iter().any(|(k, _)| k.text == key.text))
    } else {
        let mut keys: Vec<&str> = entries.iter().map(|(key, _)| key.text.as_ref()).collect();
        keys.sort_unstable();
        keys.windows(2).any(|pair| pair[0] == pair[1])
    };
    if duplicate { Err(Decline) } else { Ok(()) }
}
