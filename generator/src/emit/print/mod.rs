//! Prints the emitters' tokens as prettyplease prints them, without parsing them with syn.
//!
//! Parsing the tokens back into a syntax tree was three quarters of formatting, and
//! formatting most of a cold generation (issue 16's profile). The models use a small, regular
//! part of Rust: items with attributes, fields and variants, functions whose bodies are `let`s,
//! `match`es, loops and calls. For that part this printer gives prettyplease's layout; for
//! anything else (a construct it does not know, or a line that prettyplease would break in a
//! way it does not know) it returns `None`, and [`super::rust::format_file`] formats that item
//! with syn and prettyplease instead. `fast_printer_matches_prettyplease` holds the two to the
//! same text on every file of every spec in the repository.

mod line;

use proc_macro2::{Delimiter, TokenTree};

use line::{
    expr_text, field_value_text, ident_text, is_group, is_ident, is_joint, is_punct, meta_text,
    param_text, pat_text, path_text, split_commas, string_value, strip_semi, top_level_colon,
    top_level_eq, ty_text, use_tree, visibility,
};

/// prettyplease breaks a line past 89 columns, or past 60 after the indentation when that is
/// deeper than 29.
const MARGIN: usize = 89;
const MIN_SPACE: usize = 60;

/// prettyplease breaks a struct expression wider than this, even where it fits.
pub(super) const MAX_STRUCT_EXPR: usize = 34;

/// The item's text, as prettyplease prints it, or `None` when this printer does not know it.
pub(super) fn item(tokens: &[TokenTree]) -> Option<String> {
    sure(|printer| printer.item(tokens, 0))
}

/// An inner attribute's line (`#![...]`, `//! ...`).
pub(super) fn inner_attr(tokens: &[TokenTree]) -> Option<String> {
    sure(|printer| printer.attr(tokens, 0))
}

/// What `print` prints, unless it met something this printer does not know.
fn sure(print: impl FnOnce(&mut Printer) -> Option<()>) -> Option<String> {
    let mut printer = Printer::default();
    print(&mut printer)?;
    Some(printer.out)
}

/// The widest line prettyplease keeps whole at an indentation level.
fn width_limit(indent: usize) -> usize {
    MARGIN.max(indent * 4 + MIN_SPACE)
}

/// A run of tokens: an attribute, an item.
pub(super) type Tokens<'a> = &'a [TokenTree];

/// Splits a file's tokens into its inner attributes and its items (each with its outer
/// attributes), at the token boundaries prettyplease prints them at.
pub(super) fn split_file(tokens: &[TokenTree]) -> Option<(Vec<Tokens<'_>>, Vec<Tokens<'_>>)> {
    let mut inner = Vec::new();
    let mut at = 0;
    while is_punct(tokens.get(at), '#') && is_punct(tokens.get(at + 1), '!') {
        if !is_group(tokens.get(at + 2), Delimiter::Bracket) {
            return None;
        }
        inner.push(&tokens[at..at + 3]);
        at += 3;
    }
    let mut items = Vec::new();
    while at < tokens.len() {
        let end = item_end(tokens, at)?;
        items.push(&tokens[at..end]);
        at = end;
    }
    Some((inner, items))
}

/// Where the item starting at `start` ends: after its `;`, or after the brace group of an item
/// that ends with one.
fn item_end(tokens: &[TokenTree], start: usize) -> Option<usize> {
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
            TokenTree::Punct(p) if p.as_char() == ';' => return Some(at + 1),
            TokenTree::Group(g) if braced && g.delimiter() == Delimiter::Brace => {
                return Some(at + 1);
            }
            _ => at += 1,
        }
    }
    None
}

#[derive(Default)]
struct Printer {
    out: String,
}

impl Printer {
    /// Writes a line at an indentation level; `None` when it is too long to be sure
    /// prettyplease keeps it whole (comments are never broken).
    fn line(&mut self, indent: usize, text: &str) -> Option<()> {
        self.line_counting(indent, text, text)
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
        indent * 4 + text.len() <= width_limit(indent)
    }

    /// An attribute, `#` through its brackets.
    fn attr(&mut self, tokens: &[TokenTree], indent: usize) -> Option<()> {
        let inner = is_punct(tokens.get(1), '!');
        let TokenTree::Group(group) = tokens.last()? else {
            return None;
        };
        let meta: Vec<TokenTree> = group.stream().into_iter().collect();
        if is_ident(meta.first(), "doc") && is_punct(meta.get(1), '=') && meta.len() == 3 {
            if let TokenTree::Literal(literal) = &meta[2] {
                let doc = string_value(&literal.to_string())?;
                if doc.contains('\n') || (!inner && doc.starts_with('/')) {
                    return None;
                }
                let marker = if inner { "//!" } else { "///" };
                return self.line(indent, &format!("{marker}{}", doc.trim_end_matches(' ')));
            }
            return None;
        }
        let text = format!("{}[{}]", if inner { "#!" } else { "#" }, meta_text(&meta)?);
        self.line(indent, &text)
    }

    /// Outer attributes, then the rest of the tokens.
    fn attrs<'t>(&mut self, tokens: &'t [TokenTree], indent: usize) -> Option<&'t [TokenTree]> {
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

    fn item(&mut self, tokens: &[TokenTree], indent: usize) -> Option<()> {
        let rest = self.attrs(tokens, indent)?;
        let (vis, rest) = visibility(rest)?;
        let keyword = match rest.first()? {
            TokenTree::Ident(ident) => ident.to_string(),
            _ => return None,
        };
        match keyword.as_str() {
            "use" => {
                let tree = use_tree(strip_semi(&rest[1..])?)?;
                self.line(indent, &format!("{vis}use {tree};"))
            }
            "mod" => {
                let name = ident_text(rest.get(1)?)?;
                (rest.len() == 3 && is_punct(rest.get(2), ';'))
                    .then_some(())
                    .and_then(|()| self.line(indent, &format!("{vis}mod {name};")))
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
                let value = expr_text(&body[eq + 1..])?;
                self.line(indent, &format!("{vis}{keyword} {name}: {ty} = {value};"))
            }
            "struct" => self.struct_item(&vis, &rest[1..], indent),
            "enum" => self.enum_item(&vis, &rest[1..], indent),
            "impl" if vis.is_empty() => self.impl_item(&rest[1..], indent),
            "fn" | "async" | "const" | "unsafe" => self.fn_item(&vis, rest, indent),
            _ if vis.is_empty() => self.macro_item(rest, indent),
            _ => None,
        }
    }

    /// `path!(Name);`: a macro call whose input is one identifier.
    fn macro_item(&mut self, tokens: &[TokenTree], indent: usize) -> Option<()> {
        let bang = tokens.iter().position(|t| is_punct(Some(t), '!'))?;
        let path = path_text(&tokens[..bang])?;
        let [TokenTree::Group(group), semi] = &tokens[bang + 1..] else {
            return None;
        };
        if group.delimiter() != Delimiter::Parenthesis || !is_punct(Some(semi), ';') {
            return None;
        }
        let input: Vec<TokenTree> = group.stream().into_iter().collect();
        let [TokenTree::Ident(name)] = input.as_slice() else {
            return None;
        };
        self.line(indent, &format!("{path}!({name});"))
    }

    fn struct_item(&mut self, vis: &str, tokens: &[TokenTree], indent: usize) -> Option<()> {
        let name = ident_text(tokens.first()?)?;
        match tokens.get(1..)? {
            [semi] if is_punct(Some(semi), ';') => {
                self.line(indent, &format!("{vis}struct {name};"))
            }
            [TokenTree::Group(body)] if body.delimiter() == Delimiter::Brace => {
                let fields: Vec<TokenTree> = body.stream().into_iter().collect();
                if fields.is_empty() {
                    return self.line(indent, &format!("{vis}struct {name} {{}}"));
                }
                self.line(indent, &format!("{vis}struct {name} {{"))?;
                for field in split_commas(&fields) {
                    let rest = self.attrs(field, indent + 1)?;
                    let (field_vis, rest) = visibility(rest)?;
                    let field_name = ident_text(rest.first()?)?;
                    if !is_punct(rest.get(1), ':') || is_punct(rest.get(2), ':') {
                        return None;
                    }
                    let ty = ty_text(&rest[2..])?;
                    self.line(indent + 1, &format!("{field_vis}{field_name}: {ty},"))?;
                }
                self.line(indent, "}")
            }
            _ => None,
        }
    }

    fn enum_item(&mut self, vis: &str, tokens: &[TokenTree], indent: usize) -> Option<()> {
        let name = ident_text(tokens.first()?)?;
        let [TokenTree::Group(body)] = tokens.get(1..)? else {
            return None;
        };
        if body.delimiter() != Delimiter::Brace {
            return None;
        }
        let variants: Vec<TokenTree> = body.stream().into_iter().collect();
        if variants.is_empty() {
            return self.line(indent, &format!("{vis}enum {name} {{}}"));
        }
        self.line(indent, &format!("{vis}enum {name} {{"))?;
        for variant in split_commas(&variants) {
            let rest = self.attrs(variant, indent + 1)?;
            let variant_name = ident_text(rest.first()?)?;
            let text = match &rest[1..] {
                [] => format!("{variant_name},"),
                [TokenTree::Group(types)] if types.delimiter() == Delimiter::Parenthesis => {
                    let types: Vec<TokenTree> = types.stream().into_iter().collect();
                    let types: Option<Vec<String>> =
                        split_commas(&types).into_iter().map(ty_text).collect();
                    format!("{variant_name}({}),", types?.join(", "))
                }
                _ => return None,
            };
            self.line(indent + 1, &text)?;
        }
        self.line(indent, "}")
    }

    fn impl_item(&mut self, tokens: &[TokenTree], indent: usize) -> Option<()> {
        let (TokenTree::Group(body), header) = tokens.split_last()? else {
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
        let items: Vec<TokenTree> = body.stream().into_iter().collect();
        if items.is_empty() {
            return self.line(indent, &format!("impl {header} {{}}"));
        }
        self.line(indent, &format!("impl {header} {{"))?;
        let mut at = 0;
        while at < items.len() {
            let end = item_end(&items, at)?;
            self.item(&items[at..end], indent + 1)?;
            at = end;
        }
        self.line(indent, "}")
    }

    /// A function: its signature on one line, or its parameters one per line when that is too
    /// long, as prettyplease breaks them.
    fn fn_item(&mut self, vis: &str, tokens: &[TokenTree], indent: usize) -> Option<()> {
        let fn_at = tokens.iter().position(|t| is_ident(Some(t), "fn"))?;
        let mut qualifiers = String::new();
        for qualifier in &tokens[..fn_at] {
            let word = ident_text(qualifier)?;
            if !["async", "const", "unsafe"].contains(&word.as_str()) {
                return None;
            }
            qualifiers.push_str(&word);
            qualifiers.push(' ');
        }
        let name = ident_text(tokens.get(fn_at + 1)?)?;
        let TokenTree::Group(params) = tokens.get(fn_at + 2)? else {
            return None;
        };
        if params.delimiter() != Delimiter::Parenthesis {
            return None;
        }
        let (TokenTree::Group(body), signature_end) = tokens.split_last()? else {
            return None;
        };
        if body.delimiter() != Delimiter::Brace {
            return None;
        }
        let output = match &signature_end[fn_at + 3..] {
            [] => String::new(),
            [dash, gt, ty @ ..] if is_punct(Some(dash), '-') && is_punct(Some(gt), '>') => {
                if ty.iter().any(|t| is_ident(Some(t), "where")) {
                    return None;
                }
                format!(" -> {}", ty_text(ty)?)
            }
            _ => return None,
        };
        let params: Vec<TokenTree> = params.stream().into_iter().collect();
        let params: Vec<String> = split_commas(&params)
            .into_iter()
            .map(param_text)
            .collect::<Option<_>>()?;
        let stmts: Vec<TokenTree> = body.stream().into_iter().collect();
        let open = if stmts.is_empty() { "{}" } else { "{" };
        let head = format!("{vis}{qualifiers}fn {name}(");
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
        self.stmts(&stmts, indent + 1)?;
        self.line(indent, "}")
    }

    /// The statements of a block.
    fn stmts(&mut self, tokens: &[TokenTree], indent: usize) -> Option<()> {
        let mut at = 0;
        while at < tokens.len() {
            let end = stmt_end(tokens, at)?;
            self.stmt(&tokens[at..end], indent)?;
            at = end;
        }
        Some(())
    }

    fn stmt(&mut self, tokens: &[TokenTree], indent: usize) -> Option<()> {
        if is_punct(tokens.first(), '#') {
            return None;
        }
        let (body, semi) = match tokens.split_last()? {
            (last, body) if is_punct(Some(last), ';') => (body, ";"),
            _ => (tokens, ""),
        };
        if is_ident(body.first(), "let") {
            return self.let_stmt(&body[1..], indent);
        }
        self.expr_lines(body, indent, "", semi)
    }

    /// `let pattern [: type] = value [else { .. }];`
    fn let_stmt(&mut self, tokens: &[TokenTree], indent: usize) -> Option<()> {
        let Some(eq) = top_level_eq(tokens) else {
            let pattern = pat_text(tokens)?;
            return self.line(indent, &format!("let {pattern};"));
        };
        let (pattern, ty) = match top_level_colon(&tokens[..eq]) {
            Some(colon) => (
                pat_text(&tokens[..colon])?,
                format!(": {}", ty_text(&tokens[colon + 1..eq])?),
            ),
            None => (pat_text(&tokens[..eq])?, String::new()),
        };
        let value = &tokens[eq + 1..];
        let lead = format!("let {pattern}{ty} = ");
        match value {
            [init @ .., else_kw, TokenTree::Group(block)]
                if is_ident(Some(else_kw), "else") && block.delimiter() == Delimiter::Brace =>
            {
                let init = expr_text(init)?;
                let stmts: Vec<TokenTree> = block.stream().into_iter().collect();
                // A diverging block always holds a statement, which prettyplease breaks.
                if !stmts.iter().any(|t| is_punct(Some(t), ';')) {
                    return None;
                }
                self.line(indent, &format!("{lead}{init} else {{"))?;
                self.stmts(&stmts, indent + 1)?;
                self.line(indent, "};")
            }
            _ => self.expr_lines(value, indent, &lead, ";"),
        }
    }

    /// An expression as a statement or a tail, after `lead` (`let x = `) and before `end`
    /// (`;`, `,` or nothing).
    fn expr_lines(
        &mut self,
        tokens: &[TokenTree],
        indent: usize,
        lead: &str,
        end: &str,
    ) -> Option<()> {
        let first = tokens.first()?;
        if is_ident(Some(first), "match") {
            let (TokenTree::Group(arms), head) = tokens.split_last()? else {
                return None;
            };
            if arms.delimiter() != Delimiter::Brace {
                return None;
            }
            let head = expr_text(&head[1..])?;
            let arms: Vec<TokenTree> = arms.stream().into_iter().collect();
            if arms.is_empty() {
                return None;
            }
            self.line(indent, &format!("{lead}match {head} {{"))?;
            self.arms(&arms, indent + 1)?;
            return self.line(indent, &format!("}}{end}"));
        }
        if is_ident(Some(first), "loop") || is_ident(Some(first), "while") {
            if !lead.is_empty() {
                return None;
            }
            let (TokenTree::Group(body), head) = tokens.split_last()? else {
                return None;
            };
            if body.delimiter() != Delimiter::Brace {
                return None;
            }
            let head = match head {
                [_] => "loop".to_string(),
                [_, let_kw, rest @ ..] if is_ident(Some(let_kw), "let") => {
                    let eq = top_level_eq(rest)?;
                    format!(
                        "while let {} = {}",
                        pat_text(&rest[..eq])?,
                        expr_text(&rest[eq + 1..])?
                    )
                }
                [_, rest @ ..] => format!("while {}", expr_text(rest)?),
                [] => return None,
            };
            let stmts: Vec<TokenTree> = body.stream().into_iter().collect();
            if stmts.is_empty() {
                return self.line(indent, &format!("{head} {{}}{end}"));
            }
            self.line(indent, &format!("{head} {{"))?;
            self.stmts(&stmts, indent + 1)?;
            return self.line(indent, &format!("}}{end}"));
        }
        if let Some(text) = expr_text(tokens) {
            let text = format!("{lead}{text}{end}");
            if Self::fits(indent, &text) {
                return self.line(indent, &text);
            }
        }
        self.broken_struct_expr(tokens, indent, lead, end)
    }

    /// A struct expression too wide for one line, alone (`Self {`) or as a call's only
    /// argument (`Ok(Self {`): its fields one per line.
    fn broken_struct_expr(
        &mut self,
        tokens: &[TokenTree],
        indent: usize,
        lead: &str,
        end: &str,
    ) -> Option<()> {
        let (TokenTree::Group(last), callee) = tokens.split_last()? else {
            return None;
        };
        let (path, fields, close) = match last.delimiter() {
            Delimiter::Brace => (callee, last, "}"),
            Delimiter::Parenthesis => {
                let inner: Vec<TokenTree> = last.stream().into_iter().collect();
                let (TokenTree::Group(fields), path) = inner.split_last()? else {
                    return None;
                };
                if fields.delimiter() != Delimiter::Brace {
                    return None;
                }
                let callee = path_text(callee)?;
                let path = path_text(path)?;
                let fields: Vec<TokenTree> = fields.stream().into_iter().collect();
                let open = format!("{lead}{callee}({path} {{");
                return self.struct_fields(&open, &fields, indent, &format!("}}){end}"));
            }
            _ => return None,
        };
        let path = path_text(path)?;
        let fields: Vec<TokenTree> = fields.stream().into_iter().collect();
        self.struct_fields(
            &format!("{lead}{path} {{"),
            &fields,
            indent,
            &format!("{close}{end}"),
        )
    }

    /// `open`, the fields one per line, `close`; only for a struct expression wider than
    /// prettyplease keeps on one line (a narrow one on a long line breaks elsewhere).
    fn struct_fields(
        &mut self,
        open: &str,
        fields: &[TokenTree],
        indent: usize,
        close: &str,
    ) -> Option<()> {
        let values: Vec<String> = split_commas(fields)
            .into_iter()
            .map(field_value_text)
            .collect::<Option<_>>()?;
        // `Path { a, b }` without its closing brace, as prettyplease measures it.
        let path = open.rsplit(['(', ' ']).nth(1)?;
        if path.len() + 4 + values.join(", ").len() <= MAX_STRUCT_EXPR {
            return None;
        }
        self.line(indent, open)?;
        for text in values {
            let comma = if text.starts_with("..") { "" } else { "," };
            self.line(indent + 1, &format!("{text}{comma}"))?;
        }
        self.line(indent, close)
    }

    /// The arms of a `match`.
    fn arms(&mut self, tokens: &[TokenTree], indent: usize) -> Option<()> {
        let mut at = 0;
        while at < tokens.len() {
            let arrow = (at..tokens.len().saturating_sub(1))
                .find(|&i| is_joint(&tokens[i], '=') && is_punct(tokens.get(i + 1), '>'))?;
            let pattern = pat_text(&tokens[at..arrow])?;
            let body_start = arrow + 2;
            let body_end;
            let next;
            if is_group(tokens.get(body_start), Delimiter::Brace) {
                // A block ends the arm, with or without a comma.
                body_end = body_start + 1;
                next = body_end + usize::from(is_punct(tokens.get(body_end), ','));
            } else {
                let comma = (body_start..tokens.len())
                    .find(|&i| is_punct(tokens.get(i), ','))
                    .unwrap_or(tokens.len());
                body_end = comma;
                next = comma + 1;
            }
            self.arm(&pattern, &tokens[body_start..body_end], indent)?;
            at = next;
        }
        Some(())
    }

    fn arm(&mut self, pattern: &str, body: &[TokenTree], indent: usize) -> Option<()> {
        // prettyplease prints `{ expr }` as `expr`.
        let mut body_tokens: Vec<TokenTree> = body.to_vec();
        loop {
            match body_tokens.as_slice() {
                [TokenTree::Group(group)] if group.delimiter() == Delimiter::Brace => {
                    let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                    if inner.is_empty() {
                        return self.line(indent, &format!("{pattern} => {{}}"));
                    }
                    let single_expr = stmt_end(&inner, 0)? == inner.len()
                        && !is_punct(inner.last(), ';')
                        && !is_ident(inner.first(), "let");
                    if single_expr {
                        body_tokens = inner;
                        continue;
                    }
                    self.line(indent, &format!("{pattern} => {{"))?;
                    self.stmts(&inner, indent + 1)?;
                    return self.line(indent, "}");
                }
                _ => break,
            }
        }
        let body = body_tokens.as_slice();
        if body
            .iter()
            .any(|t| is_ident(Some(t), "match") || is_punct(Some(t), '|'))
        {
            return None;
        }
        if is_ident(body.first(), "return") || is_ident(body.first(), "break") {
            let text = format!("{pattern} => {}", expr_text(body)?);
            return self.line_counting(indent, &format!("{text},"), &text);
        }
        let text = expr_text(body)?;
        // The comma is printed only when the arm is not broken, and not counted.
        let line = format!("{pattern} => {text}");
        if Self::fits(indent, &line) {
            return self.line_counting(indent, &format!("{line},"), &line);
        }
        // Too long: the body goes in a block of its own.
        if !matches!(
            body.first(),
            Some(TokenTree::Ident(_) | TokenTree::Literal(_))
        ) {
            return None;
        }
        self.line(indent, &format!("{pattern} => {{"))?;
        self.line(indent + 1, &text)?;
        self.line(indent, "}")
    }
}

/// Where the statement starting at `start` ends: after its `;`, after the block of a
/// `match`, `loop` or `while` without one, or at the end of the block (a tail).
fn stmt_end(tokens: &[TokenTree], start: usize) -> Option<usize> {
    let block_like = ["match", "loop", "while", "if", "for", "unsafe"]
        .iter()
        .any(|k| is_ident(tokens.get(start), k));
    let mut at = start;
    while at < tokens.len() {
        match &tokens[at] {
            TokenTree::Punct(p) if p.as_char() == ';' => return Some(at + 1),
            TokenTree::Group(g) if block_like && g.delimiter() == Delimiter::Brace => {
                if is_ident(tokens.get(start), "if") || is_ident(tokens.get(at + 1), "else") {
                    return None;
                }
                return Some(if is_punct(tokens.get(at + 1), ';') {
                    at + 2
                } else {
                    at + 1
                });
            }
            _ => at += 1,
        }
    }
    Some(tokens.len())
}

#[cfg(test)]
mod tests {
    use proc_macro2::{TokenStream, TokenTree};
    use quote::{format_ident, quote};

    /// The item as prettyplease prints it alone in a file.
    fn prettyplease(tokens: &TokenStream) -> String {
        prettyplease::unparse(&syn::parse2(tokens.clone()).expect("valid Rust"))
    }

    /// The fast printer prints the item (it does not leave it to prettyplease), as
    /// prettyplease does.
    fn assert_printed_alike(tokens: TokenStream) {
        let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
        let printed = super::item(&trees).unwrap_or_else(|| panic!("not printed: {tokens}"));
        assert_eq!(printed, prettyplease(&tokens));
    }

    fn name(width: usize) -> proc_macro2::Ident {
        format_ident!("{}", "x".repeat(width))
    }

    #[test]
    fn a_match_arm_stays_whole_up_to_the_margin_without_its_comma() {
        // `"k" => reader.read_optional(&mut value.x…x),` at 12 columns: 89 wide without the
        // comma at 36 characters of name, broken into a block at 37.
        for width in [30, 36, 37, 40] {
            let field = name(width);
            assert_printed_alike(quote! {
                impl A {
                    fn f() {
                        match k {
                            "k" => reader.read_optional(&mut value.#field),
                            _ => reader.skip_field(),
                        }
                    }
                }
            });
        }
    }

    #[test]
    fn a_struct_expression_breaks_past_34_columns_even_where_it_fits() {
        for width in [10, 23, 24, 30] {
            let field = name(width);
            assert_printed_alike(quote! {
                impl A {
                    fn f() -> Result<Self, E> {
                        Ok(Self { #field, b })
                    }
                    fn g() -> Self {
                        Self { #field: None, b }
                    }
                }
            });
        }
    }

    #[test]
    fn a_signature_breaks_its_parameters_one_per_line_past_the_margin() {
        for width in [40, 56, 57, 60] {
            let parameter = name(width);
            assert_printed_alike(quote! {
                impl S {
                    pub fn new(#parameter: impl Into<String>, b: Vec<String>) -> Self {
                        Self::default()
                    }
                }
            });
        }
    }

    #[test]
    fn items_of_models_print_alike() {
        assert_printed_alike(quote! {
            /// A doc line with "quotes", a \ and `code`.
            #[derive(Clone, Debug, Default, PartialEq)]
            #[cfg(any(feature = "a", feature = "b"))]
            pub struct A {
                #[deprecated]
                pub a: Option<std::collections::BTreeMap<String, Vec<&'static str>>>,
                pub r#type: (),
            }
        });
        assert_printed_alike(quote! {
            #[non_exhaustive]
            pub enum E {
                /// `A`
                A,
                Unknown(String),
            }
        });
        assert_printed_alike(quote! {
            impl std::str::FromStr for E {
                type Err = std::convert::Infallible;
                #[inline]
                fn from_str(value: &str) -> Result<Self, Self::Err> {
                    let Some(x) = x else {
                        return Err(reader.missing("x"));
                    };
                    while let Some(key) = object.next_key(reader)? {
                        reader.keep_field(key, &mut unknown);
                    }
                    let key = match &*value {
                        "a" => Self::A,
                        Ok(None) => break,
                        Self::Unknown(value) => {
                            return f.debug_tuple("Unknown").field(value).finish();
                        }
                        other => Self::Unknown(other.to_string()),
                    };
                    f.field("a", &self.a.as_ref().map(|_| codec::Redacted));
                    Ok(Self::from(value))
                }
            }
        });
        assert_printed_alike(quote!(codec::impl_serde!(A);));
        assert_printed_alike(quote!(
            use super::{codec, A};
        ));
        assert_printed_alike(quote!(
            pub type A = Vec<B>;
        ));
    }

    #[test]
    fn what_it_does_not_know_is_left_to_prettyplease() {
        for tokens in [
            quote!(
                fn f() {
                    if a { b } else { c }
                }
            ),
            quote!(
                fn f() {
                    let v = vec![1, 2];
                }
            ),
            quote!(
                fn f<T>(t: T) {}
            ),
            quote!(
                trait T {}
            ),
            quote!(
                fn f() {
                    a.bbbbbbbbbbbb()
                        .cccccccccccccc()
                        .ddddddddddddddd()
                        .eeeeeeeeeeeeeeeeeeeee()
                        .fffffffffffff()
                }
            ),
        ] {
            let trees: Vec<TokenTree> = tokens.into_iter().collect();
            assert_eq!(super::item(&trees), None);
        }
    }

    #[test]
    fn string_values_are_unescaped_as_syn_does() {
        for value in [
            "plain",
            "a \"quote\"",
            "back\\slash",
            "tab\there",
            "zero\u{200b}width",
        ] {
            let literal = proc_macro2::Literal::string(value).to_string();
            assert_eq!(super::line::string_value(&literal).as_deref(), Some(value));
        }
        assert_eq!(
            super::line::string_value("r#\"raw \"x\"\"#").as_deref(),
            Some("raw \"x\"")
        );
    }
}
