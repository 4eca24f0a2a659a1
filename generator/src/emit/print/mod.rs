//! Prints the emitters' tokens as prettyplease prints them, without parsing them with syn.
//!
//! Parsing the tokens back into a syntax tree was three quarters of formatting, and
//! formatting most of a cold generation (issue 16's profile). The generated code uses a small,
//! regular part of Rust: items with attributes, fields and variants, functions whose bodies are
//! `let`s, `if`s, `match`es, loops and calls. For that part this printer gives prettyplease's
//! layout; for anything else (a construct it does not know, or a line that prettyplease would
//! break in a way it does not know) it returns `None`, and [`super::rust::format_file`] formats
//! that item with syn and prettyplease instead.
//!
//! What it knows of prettyplease's layout (Oppen's algorithm, margin 89): a line that fits
//! stays whole; a group breaks when it and the text after it, up to the next place a line
//! could break, do not fit; a match arm's comma is not counted; a struct expression wider than
//! 34 columns breaks even where it fits. The breaks it makes itself: a signature's parameters
//! one per line, a path call's (or `call.method(`'s) arguments one per line, a struct
//! expression's fields one per line (alone or as `Ok(Self {`), a match arm's body in a block,
//! an attribute's list one item per line, a method call before its `.`, a lazily evaluated
//! `static`'s closure block, a table's elements (and a wide tuple's fields) one per line, a
//! field type's generic arguments one per line. `fast_printer_matches_prettyplease` holds the two
//! printers to the same text on every file of every spec in the repository, and the unit
//! tests in `tests.rs` pin each width boundary.

mod block;
mod line;
pub(super) mod tok;

use std::ops::Range;

use proc_macro2::Delimiter;

use tok::Tok;

use line::{
    closure_parts, comma_list, expr_text, ident_text, is_group, is_ident, is_punct, meta_text,
    param_text, path_text, split_commas, string_value, strip_semi, top_level_eq, ty_text, use_tree,
    visibility,
};

/// prettyplease breaks a line past 89 columns, or past 60 after the indentation when that is
/// deeper than 29.
const MARGIN: usize = 89;
const MIN_SPACE: usize = 60;

/// prettyplease breaks a struct expression wider than this, even where it fits.
pub(super) const MAX_STRUCT_EXPR: usize = 34;

/// The item's text, as prettyplease prints it, or `None` when this printer does not know it.
#[cfg(test)]
pub(super) fn item(tokens: &[Tok]) -> Option<String> {
    printed(None, |printer| printer.item(tokens, 0))
}

/// Prints a member of a top-level `impl` block (its tokens, attributes included) that this
/// printer does not know, as prettyplease prints it there; `None` when it cannot.
pub(super) type MemberFallback<'f> = &'f dyn Fn(&[Tok]) -> Option<String>;

/// [`item`], except that a top-level `impl` block is printed here even when this printer does
/// not know some of its members: those are printed by `fallback`. prettyplease lays out each
/// member on its own (a hard break before and after), so the block comes out the same.
pub(super) fn item_with_members(tokens: &[Tok], fallback: MemberFallback<'_>) -> Option<String> {
    printed(Some(fallback), |printer| printer.item(tokens, 0))
}

/// An inner attribute's line (`#![...]`, `//! ...`).
pub(super) fn inner_attr(tokens: &[Tok]) -> Option<String> {
    printed(None, |printer| printer.attr(tokens, 0))
}

/// What `print` prints, unless it met something this printer does not know.
fn printed<'f>(
    fallback: Option<MemberFallback<'f>>,
    print: impl FnOnce(&mut Printer<'f>) -> Option<()>,
) -> Option<String> {
    let mut printer = Printer {
        out: String::new(),
        fallback,
    };
    print(&mut printer)?;
    Some(printer.out)
}

/// The widest line prettyplease keeps whole at an indentation level.
fn width_limit(indent: usize) -> usize {
    MARGIN.max(indent * 4 + MIN_SPACE)
}

/// Where a file's inner attributes and items are in its tokens.
pub(super) struct FileParts {
    pub(super) inner_attrs: Vec<Range<usize>>,
    pub(super) items: Vec<Range<usize>>,
}

/// Splits a file's tokens into its inner attributes and its items (each with its outer
/// attributes), at the token boundaries prettyplease prints them at.
pub(super) fn split_file(tokens: &[Tok]) -> Option<FileParts> {
    let mut inner_attrs = Vec::new();
    let mut at = 0;
    while is_punct(tokens.get(at), '#') && is_punct(tokens.get(at + 1), '!') {
        if !is_group(tokens.get(at + 2), Delimiter::Bracket) {
            return None;
        }
        inner_attrs.push(at..at + 3);
        at += 3;
    }
    let items = item_ranges(tokens, at)?;
    Some(FileParts { inner_attrs, items })
}

/// Where the items from `start` on are, each with its outer attributes.
fn item_ranges(tokens: &[Tok], start: usize) -> Option<Vec<Range<usize>>> {
    let mut items = Vec::new();
    let mut at = start;
    while at < tokens.len() {
        let end = item_end(tokens, at)?;
        items.push(at..end);
        at = end;
    }
    Some(items)
}

/// Where the item starting at `start` ends: after its `;`, or after the brace group of an item
/// that ends with one.
fn item_end(tokens: &[Tok], start: usize) -> Option<usize> {
    let mut at = start;
    while is_punct(tokens.get(at), '#') {
        if !is_group(tokens.get(at + 1), Delimiter::Bracket) {
            return None;
        }
        at += 2;
    }
    // `struct`, `enum`, `impl`, `fn`, `mod` and `trait` end at their first top-level brace group
    // (or `;`); `use`, `type`, `const`, `static` and macro calls at their `;`.
    let mut keyword = at;
    if is_ident(tokens.get(keyword), "pub") {
        keyword += 1;
        if is_group(tokens.get(keyword), Delimiter::Parenthesis) {
            keyword += 1;
        }
    }
    while ["async", "unsafe"]
        .iter()
        .any(|k| is_ident(tokens.get(keyword), k))
        || (is_ident(tokens.get(keyword), "const") && is_ident(tokens.get(keyword + 1), "fn"))
    {
        keyword += 1;
    }
    let braced = ["struct", "enum", "impl", "fn", "mod", "trait", "union"]
        .iter()
        .any(|k| is_ident(tokens.get(keyword), k));
    while at < tokens.len() {
        match &tokens[at] {
            Tok::Punct(p) if p.as_char() == ';' => return Some(at + 1),
            Tok::Group(g) if braced && g.delimiter() == Delimiter::Brace => {
                return Some(at + 1);
            }
            _ => at += 1,
        }
    }
    None
}

struct Printer<'f> {
    out: String,
    /// For the members of a top-level `impl` block this printer does not know.
    fallback: Option<MemberFallback<'f>>,
}

impl Printer<'_> {
    /// Writes a line at an indentation level; `None` when it is too long to be sure
    /// prettyplease keeps it whole (comments are never broken).
    fn line(&mut self, indent: usize, text: &str) -> Option<()> {
        self.line_counting(indent, text, text)
    }

    /// [`Self::line`] of `parts` one after another, written straight into the output: the
    /// most frequent lines (doc comments, fields) are not built first.
    fn line_of(&mut self, indent: usize, parts: &[&str]) -> Option<()> {
        let mut head = parts.iter().flat_map(|part| part.bytes()).take(2);
        let comment = head.next() == Some(b'/') && head.next() == Some(b'/');
        let len = parts.iter().map(|part| part.len()).sum();
        if !Self::fits_len(indent, len) && !comment {
            return None;
        }
        self.push_line(indent, parts);
        Some(())
    }

    /// Writes a line of `parts`, however long.
    fn push_line(&mut self, indent: usize, parts: &[&str]) {
        for _ in 0..indent {
            self.out.push_str("    ");
        }
        for part in parts {
            self.out.push_str(part);
        }
        self.out.push('\n');
    }

    /// [`Self::line`], where only `counted` of `text` counts towards the width.
    fn line_counting(&mut self, indent: usize, text: &str, counted: &str) -> Option<()> {
        if indent * 4 + counted.len() > width_limit(indent) && !text.starts_with("//") {
            return None;
        }
        for _ in 0..indent {
            self.out.push_str("    ");
        }
        self.out.push_str(text);
        self.out.push('\n');
        Some(())
    }

    /// Whether prettyplease keeps a line whole.
    fn fits(indent: usize, text: &str) -> bool {
        Self::fits_len(indent, text.len())
    }

    /// [`Self::fits`] of a text `len` bytes long.
    fn fits_len(indent: usize, len: usize) -> bool {
        indent * 4 + len <= width_limit(indent)
    }

    /// An attribute, `#` through its brackets.
    fn attr(&mut self, tokens: &[Tok], indent: usize) -> Option<()> {
        let inner = is_punct(tokens.get(1), '!');
        let Tok::Group(group) = tokens.last()? else {
            return None;
        };
        let meta: &[Tok] = group.tokens();
        if is_ident(meta.first(), "doc") && is_punct(meta.get(1), '=') && meta.len() == 3 {
            if let Tok::Literal(literal) = &meta[2] {
                let doc = string_value(literal.as_str())?;
                if doc.contains('\n') || (!inner && doc.starts_with('/')) {
                    return None;
                }
                let marker = if inner { "//!" } else { "///" };
                return self.line_of(indent, &[marker, doc.trim_end_matches(' ')]);
            }
            return None;
        }
        let open = if inner { "#![" } else { "#[" };
        let text = format!("{open}{}]", meta_text(meta)?);
        if Self::fits(indent, &text) {
            return self.line(indent, &text);
        }
        self.broken_meta(indent, open, meta, "]")
    }

    /// An attribute's `path(list)` too long for its line: the list one item per line, as
    /// prettyplease breaks attribute arguments; a nested list is broken the same way when it
    /// does not fit either.
    fn broken_meta(&mut self, indent: usize, lead: &str, meta: &[Tok], close: &str) -> Option<()> {
        let (Tok::Group(list), path) = meta.split_last()? else {
            return None;
        };
        if list.delimiter() != Delimiter::Parenthesis {
            return None;
        }
        let path = path_text(path)?;
        let items: &[Tok] = list.tokens();
        if is_punct(items.last(), ',') {
            return None;
        }
        let open = format!("{lead}{path}(");
        // A list that fits only without what closes it is left to prettyplease: where it
        // breaks then depends on what surrounds it.
        let whole = meta_text(items)?;
        if Self::fits(indent, &format!("{open}{whole}")) {
            return None;
        }
        self.line(indent, &open)?;
        let items = split_commas(items);
        let last = items.len().checked_sub(1)?;
        for (i, item) in items.into_iter().enumerate() {
            let comma = if i == last { "" } else { "," };
            let text = format!("{}{comma}", meta_text(item)?);
            if Self::fits(indent + 1, &text) {
                self.line(indent + 1, &text)?;
            } else {
                self.broken_meta(indent + 1, "", item, comma)?;
            }
        }
        self.line(indent, &format!("){close}"))
    }

    /// Outer attributes, then the rest of the tokens.
    fn attrs<'t>(&mut self, tokens: &'t [Tok], indent: usize) -> Option<&'t [Tok]> {
        let mut at = 0;
        while is_punct(tokens.get(at), '#') {
            if !is_group(tokens.get(at + 1), Delimiter::Bracket) {
                return None;
            }
            self.attr(&tokens[at..at + 2], indent)?;
            at += 2;
        }
        Some(&tokens[at..])
    }

    fn item(&mut self, tokens: &[Tok], indent: usize) -> Option<()> {
        let rest = self.attrs(tokens, indent)?;
        let (vis, rest) = visibility(rest)?;
        let Tok::Ident(keyword) = rest.first()? else {
            return None;
        };
        match keyword.as_str() {
            "use" => {
                let tree = use_tree(strip_semi(&rest[1..])?)?;
                let text = format!("{vis}use {tree};");
                // A path without braces has nowhere to break.
                let counted = if tree.contains('{') {
                    text.as_str()
                } else {
                    ""
                };
                self.line_counting(indent, &text, counted)
            }
            "mod" => {
                let name = ident_text(rest.get(1)?)?;
                if rest.len() != 3 || !is_punct(rest.get(2), ';') {
                    return None;
                }
                self.line(indent, &format!("{vis}mod {name};"))
            }
            "type" => {
                let name = ident_text(rest.get(1)?)?;
                if !is_punct(rest.get(2), '=') {
                    return None;
                }
                let ty = ty_text(strip_semi(&rest[3..])?)?;
                self.line(indent, &format!("{vis}type {name} = {ty};"))
            }
            "const" | "static" if !is_ident(rest.get(1), "fn") => {
                let name = ident_text(rest.get(1)?)?;
                let body = strip_semi(&rest[2..])?;
                if !is_punct(body.first(), ':') {
                    return None;
                }
                let eq = top_level_eq(body)?;
                let ty = ty_text(&body[1..eq])?;
                let lead = format!("{vis}{keyword} {name}: {ty} = ");
                let value = &body[eq + 1..];
                if let Some(text) = expr_text(value) {
                    let text = format!("{lead}{text};");
                    if Self::fits(indent, &text) {
                        return self.line(indent, &text);
                    }
                }
                match value {
                    [amp, Tok::Group(array)]
                        if is_punct(Some(amp), '&') && array.delimiter() == Delimiter::Bracket =>
                    {
                        self.array_value(indent, &format!("{lead}&["), array.tokens())
                    }
                    _ => self.lazy_value(indent, &lead, value),
                }
            }
            "struct" => self.struct_item(vis, &rest[1..], indent),
            "enum" => self.enum_item(vis, &rest[1..], indent),
            "impl" if vis.is_empty() => self.impl_item(&rest[1..], indent),
            "fn" | "async" | "const" | "unsafe" => self.fn_item(vis, rest, indent),
            _ if vis.is_empty() => self.macro_item(rest, indent),
            _ => None,
        }
    }

    /// `path(|| { .. })` as a `static`'s or `const`'s value (`LazyLock::new(|| {`), its block
    /// broken as prettyplease breaks one that does not fit on the line.
    fn lazy_value(&mut self, indent: usize, lead: &str, value: &[Tok]) -> Option<()> {
        let (Tok::Group(call), path) = value.split_last()? else {
            return None;
        };
        let (params, [Tok::Group(block)]) = closure_parts(call.tokens())? else {
            return None;
        };
        if call.delimiter() != Delimiter::Parenthesis
            || !params.is_empty()
            || block.delimiter() != Delimiter::Brace
        {
            return None;
        }
        let path = path_text(path)?;
        let stmts: &[Tok] = block.tokens();
        // A block that could stay on the line is left to prettyplease.
        let inline = expr_text(stmts)?;
        if Self::fits(indent, &format!("{lead}{path}(|| {{ {inline} }});")) {
            return None;
        }
        self.line(indent, &format!("{lead}{path}(|| {{"))?;
        self.stmts(stmts, indent + 1)?;
        self.line(indent, "});")
    }

    /// An array too wide for the line (a table of tuples), after `open` (`const X: T = &[`):
    /// an element per line, each whole where it fits and else broken as a call's arguments
    /// are (a tuple's fields one per line).
    fn array_value(&mut self, indent: usize, open: &str, elements: &[Tok]) -> Option<()> {
        // prettyplease writes its own trailing comma.
        let elements = match elements.split_last() {
            Some((last, init)) if is_punct(Some(last), ',') => init,
            _ => elements,
        };
        if elements.is_empty() {
            return None;
        }
        self.line(indent, open)?;
        for element in split_commas(elements) {
            if let Some(text) = expr_text(element) {
                let text = format!("{text},");
                if Self::fits(indent + 1, &text) {
                    self.line(indent + 1, &text)?;
                    continue;
                }
            }
            let [Tok::Group(tuple)] = element else {
                return None;
            };
            if tuple.delimiter() != Delimiter::Parenthesis {
                return None;
            }
            self.arguments_broken(indent + 1, "(", tuple.tokens(), ",")?;
        }
        self.line(indent, "];")
    }

    /// `path!(Name);`: a macro call whose input is one identifier.
    fn macro_item(&mut self, tokens: &[Tok], indent: usize) -> Option<()> {
        let bang = tokens.iter().position(|t| is_punct(Some(t), '!'))?;
        let path = path_text(&tokens[..bang])?;
        let [Tok::Group(group), semi] = &tokens[bang + 1..] else {
            return None;
        };
        if group.delimiter() != Delimiter::Parenthesis || !is_punct(Some(semi), ';') {
            return None;
        }
        let input: &[Tok] = group.tokens();
        let [Tok::Ident(name)] = input else {
            return None;
        };
        self.line(indent, &format!("{path}!({name});"))
    }

    fn struct_item(&mut self, vis: &str, tokens: &[Tok], indent: usize) -> Option<()> {
        let name = ident_text(tokens.first()?)?;
        match tokens.get(1..)? {
            [semi] if is_punct(Some(semi), ';') => {
                self.line(indent, &format!("{vis}struct {name};"))
            }
            [Tok::Group(body)] if body.delimiter() == Delimiter::Brace => {
                let head = format!("{vis}struct {name}");
                self.members(&head, body.tokens(), indent, |printer, field, indent| {
                    let rest = printer.attrs(field, indent)?;
                    let (field_vis, rest) = visibility(rest)?;
                    let field_name = ident_text(rest.first()?)?;
                    if !is_punct(rest.get(1), ':') || is_punct(rest.get(2), ':') {
                        return None;
                    }
                    let ty = ty_text(&rest[2..])?;
                    let line = [field_vis, field_name, ": ", &ty, ","];
                    if printer.line_of(indent, &line).is_some() {
                        return Some(());
                    }
                    let lead = format!("{field_vis}{field_name}: ");
                    printer.broken_generic_type(indent, &lead, &rest[2..], ",")
                })
            }
            _ => None,
        }
    }

    /// A type too wide for its line after `lead` (a field's `name: `), `Path<A, B>`: its
    /// generic arguments one per line, as prettyplease breaks them.
    fn broken_generic_type(
        &mut self,
        indent: usize,
        lead: &str,
        ty: &[Tok],
        end: &str,
    ) -> Option<()> {
        let open = ty.iter().position(|t| is_punct(Some(t), '<'))?;
        if generics_end(ty, open)? != ty.len() - 1 {
            return None;
        }
        let path = path_text(&ty[..open])?;
        self.line(indent, &format!("{lead}{path}<"))?;
        for argument in split_commas(&ty[open + 1..ty.len() - 1]) {
            self.line(indent + 1, &format!("{},", ty_text(argument)?))?;
        }
        self.line(indent, &format!(">{end}"))
    }

    fn enum_item(&mut self, vis: &str, tokens: &[Tok], indent: usize) -> Option<()> {
        let name = ident_text(tokens.first()?)?;
        let [Tok::Group(body)] = tokens.get(1..)? else {
            return None;
        };
        if body.delimiter() != Delimiter::Brace {
            return None;
        }
        let head = format!("{vis}enum {name}");
        self.members(&head, body.tokens(), indent, |printer, variant, indent| {
            let rest = printer.attrs(variant, indent)?;
            let variant_name = ident_text(rest.first()?)?;
            let text = match &rest[1..] {
                [] => format!("{variant_name},"),
                [Tok::Group(types)] if types.delimiter() == Delimiter::Parenthesis => {
                    format!("{variant_name}({}),", comma_list(types.tokens(), ty_text)?)
                }
                _ => return None,
            };
            printer.line(indent, &text)
        })
    }

    /// `head {`, each comma-separated member printed by `member` one level in, `}`; or
    /// `head {}`.
    fn members(
        &mut self,
        head: &str,
        members: &[Tok],
        indent: usize,
        member: impl Fn(&mut Self, &[Tok], usize) -> Option<()>,
    ) -> Option<()> {
        if members.is_empty() {
            return self.line(indent, &format!("{head} {{}}"));
        }
        self.line(indent, &format!("{head} {{"))?;
        for tokens in split_commas(members) {
            member(self, tokens, indent + 1)?;
        }
        self.line(indent, "}")
    }

    fn impl_item(&mut self, tokens: &[Tok], indent: usize) -> Option<()> {
        let (Tok::Group(body), header) = tokens.split_last()? else {
            return None;
        };
        if body.delimiter() != Delimiter::Brace || is_punct(header.first(), '<') {
            return None;
        }
        let header = match header.iter().position(|t| is_ident(Some(t), "for")) {
            Some(at) => format!(
                "{} for {}",
                ty_text(&header[..at])?,
                ty_text(&header[at + 1..])?
            ),
            None => ty_text(header)?,
        };
        let items: &[Tok] = body.tokens();
        if items.is_empty() {
            return self.line(indent, &format!("impl {header} {{}}"));
        }
        self.line(indent, &format!("impl {header} {{"))?;
        for item in item_ranges(items, 0)? {
            let start = self.out.len();
            if self.item(&items[item.clone()], indent + 1).is_none() {
                let fallback = self.fallback.filter(|_| indent == 0)?;
                // What the attempt printed goes.
                self.out.truncate(start);
                self.out.push_str(&fallback(&items[item])?);
            }
        }
        self.line(indent, "}")
    }

    /// A function: its signature on one line, or its parameters one per line when that is too
    /// long, as prettyplease breaks them.
    fn fn_item(&mut self, vis: &str, tokens: &[Tok], indent: usize) -> Option<()> {
        let fn_at = tokens.iter().position(|t| is_ident(Some(t), "fn"))?;
        let mut qualifiers = String::new();
        for qualifier in &tokens[..fn_at] {
            let word = ident_text(qualifier)?;
            if !["async", "const", "unsafe"].contains(&word) {
                return None;
            }
            qualifiers.push_str(word);
            qualifiers.push(' ');
        }
        let name = ident_text(tokens.get(fn_at + 1)?)?;
        let (generics, params_at) = match generics_end(tokens, fn_at + 2) {
            Some(end) => (
                format!("<{}>", generics_text(&tokens[fn_at + 3..end])?),
                end + 1,
            ),
            None => (String::new(), fn_at + 2),
        };
        let Tok::Group(params) = tokens.get(params_at)? else {
            return None;
        };
        if params.delimiter() != Delimiter::Parenthesis {
            return None;
        }
        let (Tok::Group(body), signature_end) = tokens.split_last()? else {
            return None;
        };
        if body.delimiter() != Delimiter::Brace {
            return None;
        }
        let output = match &signature_end[params_at + 1..] {
            [] => String::new(),
            [dash, gt, ty @ ..] if is_punct(Some(dash), '-') && is_punct(Some(gt), '>') => {
                if ty.iter().any(|t| is_ident(Some(t), "where")) {
                    return None;
                }
                format!(" -> {}", ty_text(ty)?)
            }
            _ => return None,
        };
        let params: &[Tok] = params.tokens();
        let params: Vec<String> = split_commas(params)
            .into_iter()
            .map(param_text)
            .collect::<Option<_>>()?;
        let stmts: &[Tok] = body.tokens();
        let open = if stmts.is_empty() { "{}" } else { "{" };
        let head = format!("{vis}{qualifiers}fn {name}{generics}(");
        let one_line = format!("{head}{}){output} {open}", params.join(", "));
        if Self::fits(indent, &one_line) {
            self.line(indent, &one_line)?;
        } else {
            self.line(indent, &head)?;
            for param in &params {
                self.line(indent + 1, &format!("{param},"))?;
            }
            self.line(indent, &format!("){output} {open}"))?;
        }
        if stmts.is_empty() {
            return Some(());
        }
        self.stmts(stmts, indent + 1)?;
        self.line(indent, "}")
    }
}

/// Where the generic parameters opened by a `<` at `open` close (the `>`), or `None` when
/// there is no `<` there.
fn generics_end(tokens: &[Tok], open: usize) -> Option<usize> {
    if !is_punct(tokens.get(open), '<') {
        return None;
    }
    let mut depth = 0usize;
    for (at, token) in tokens.iter().enumerate().skip(open) {
        if is_punct(Some(token), '<') {
            depth += 1;
        } else if is_punct(Some(token), '>') {
            depth -= 1;
            if depth == 0 {
                return Some(at);
            }
        }
    }
    None
}

/// Generic type parameters, with their bounds (`T: codec::Encode + ?Sized`); `None` for
/// lifetimes, defaults and anything else.
fn generics_text(tokens: &[Tok]) -> Option<String> {
    comma_list(tokens, |param| {
        let (Tok::Ident(name), rest) = param.split_first()? else {
            return None;
        };
        let Some((colon, bounds)) = rest.split_first() else {
            return Some(name.to_string());
        };
        if !is_punct(Some(colon), ':') {
            return None;
        }
        let mut text = format!("{name}: ");
        for (i, bound) in bounds.split(|t| is_punct(Some(t), '+')).enumerate() {
            if i > 0 {
                text.push_str(" + ");
            }
            match bound {
                [question, sized] if is_punct(Some(question), '?') => {
                    text.push('?');
                    text.push_str(ident_text(sized)?);
                }
                _ => text.push_str(&path_text(bound)?),
            }
        }
        Some(text)
    })
}

#[cfg(test)]
mod tests;
