//! The layout of function bodies: statements, `let`s, `if`s, `match`es and their arms, loops,
//! and the expressions prettyplease breaks over lines (calls, struct expressions).

use proc_macro2::Delimiter;

use super::line::{
    closure_parts, comma_list, expr_text, field_value_text, is_group, is_ident, is_joint, is_punct,
    pat_text, path_text, split_commas, top_level_colon, top_level_eq, ty_text,
};
use super::tok::Tok;
use super::{MAX_STRUCT_EXPR, Printer};

impl Printer<'_> {
    /// The statements of a block.
    pub(super) fn stmts(&mut self, tokens: &[Tok], indent: usize) -> Option<()> {
        let mut at = 0;
        while at < tokens.len() {
            let end = stmt_end(tokens, at)?;
            self.stmt(&tokens[at..end], indent)?;
            at = end;
        }
        Some(())
    }

    fn stmt(&mut self, tokens: &[Tok], indent: usize) -> Option<()> {
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
    fn let_stmt(&mut self, tokens: &[Tok], indent: usize) -> Option<()> {
        let Some(eq) = top_level_eq(tokens) else {
            let pattern = pat_text(tokens)?;
            return self.line_of(indent, &["let ", &pattern, ";"]);
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
            [init @ .., else_kw, Tok::Group(block)]
                if is_ident(Some(else_kw), "else") && block.delimiter() == Delimiter::Brace =>
            {
                let init = expr_text(init)?;
                let stmts: &[Tok] = block.tokens();
                // A diverging block always holds a statement, which prettyplease breaks.
                if !has_statement(stmts) {
                    return None;
                }
                self.block(indent, &format!("{lead}{init} else"), stmts, ";")
            }
            _ => self.expr_lines(value, indent, &lead, ";"),
        }
    }

    /// An expression as a statement or a tail, after `lead` (`let x = `) and before `end`
    /// (`;`, `,` or nothing).
    fn expr_lines(&mut self, tokens: &[Tok], indent: usize, lead: &str, end: &str) -> Option<()> {
        let first = tokens.first()?;
        if is_ident(Some(first), "match") {
            let (Tok::Group(arms), head) = tokens.split_last()? else {
                return None;
            };
            if arms.delimiter() != Delimiter::Brace {
                return None;
            }
            let head = expr_text(&head[1..])?;
            let arms: &[Tok] = arms.tokens();
            if arms.is_empty() {
                return None;
            }
            self.line_of(indent, &[lead, "match ", &head, " {"])?;
            self.arms(arms, indent + 1)?;
            return self.line_of(indent, &["}", end]);
        }
        if is_ident(Some(first), "if") {
            return if lead.is_empty() {
                self.if_chain(tokens, indent, end)
            } else {
                None
            };
        }
        if is_ident(Some(first), "loop") || is_ident(Some(first), "while") {
            if !lead.is_empty() {
                return None;
            }
            let (Tok::Group(body), head) = tokens.split_last()? else {
                return None;
            };
            if body.delimiter() != Delimiter::Brace {
                return None;
            }
            let head = match head {
                [_] => "loop".to_string(),
                [_, condition @ ..] => format!("while {}", condition_text(condition)?),
                [] => return None,
            };
            return self.block(indent, &head, body.tokens(), end);
        }
        if let Some(text) = expr_text(tokens)
            && Self::fits_len(indent, lead.len() + text.len() + end.len())
        {
            self.push_line(indent, &[lead, &text, end]);
            return Some(());
        }
        self.broken_struct_expr(tokens, indent, lead, end)
            .or_else(|| self.broken_method_chain(tokens, indent, lead, end))
            .or_else(|| self.broken_call(tokens, indent, lead, end))
    }

    /// A chain of method calls too wide for its line, `receiver.a(..).b(..)`, where the
    /// receiver is an identifier or a call of a path (`Regex::new(..)`): prettyplease puts
    /// each call on a line of its own, one level in, except that a receiver of four characters
    /// or fewer starting the line keeps its first call (`f.debug_struct("X")`) and a path
    /// call is not broken before. A lone call that does not fit breaks its arguments one per
    /// line (with a short receiver, as a function's, [`Self::broken_call`]); a call of a
    /// longer chain that does not fit is left to prettyplease.
    fn broken_method_chain(
        &mut self,
        tokens: &[Tok],
        indent: usize,
        lead: &str,
        end: &str,
    ) -> Option<()> {
        let mut segments = tokens.split(|t| is_punct(Some(t), '.'));
        let receiver = segments.next()?;
        let calls: Vec<(&str, &[Tok])> = segments
            .map(|segment| match segment {
                [Tok::Ident(method), Tok::Group(arguments)]
                    if arguments.delimiter() == Delimiter::Parenthesis =>
                {
                    Some((method.as_str(), arguments.tokens()))
                }
                _ => None,
            })
            .collect::<Option<_>>()?;
        let (first, rest) = match receiver {
            [Tok::Ident(name)] if name.as_str().len() <= 4 && lead.is_empty() => {
                // `f.debug_struct(..)` stays whole; a lone call is `broken_call`'s.
                let ((method, arguments), rest) = calls.split_first()?;
                if rest.is_empty() {
                    return None;
                }
                let arguments = comma_list(arguments, expr_text)?;
                (format!("{name}.{method}({arguments})"), rest)
            }
            [Tok::Ident(name)] => (format!("{lead}{name}"), calls.as_slice()),
            [path @ .., Tok::Group(call)]
                if lead.is_empty() && call.delimiter() == Delimiter::Parenthesis =>
            {
                path_text(path)?;
                (expr_text(receiver)?, calls.as_slice())
            }
            _ => return None,
        };
        let last = rest.len().checked_sub(1)?;
        let lines: Vec<(String, String)> = rest
            .iter()
            .enumerate()
            .map(|(i, (method, arguments))| {
                let open = format!(".{method}(");
                let close = if i == last { end } else { "" };
                Some((
                    open.clone(),
                    format!("{open}{}){close}", comma_list(arguments, expr_text)?),
                ))
            })
            .collect::<Option<_>>()?;
        // The other layouts are tried after this one: what it printed goes if it fails.
        let start = self.out.len();
        let printed = self.line(indent, &first).and_then(|()| {
            for (i, (open, call)) in lines.iter().enumerate() {
                if Self::fits(indent + 1, call) {
                    self.line(indent + 1, call)?;
                } else if lines.len() == 1 {
                    self.arguments_broken(indent + 1, open, rest[i].1, end)?;
                } else {
                    return None;
                }
            }
            Some(())
        });
        if printed.is_none() {
            self.out.truncate(start);
        }
        printed
    }

    /// `if cond { .. } else if cond { .. } else { .. }`, every block broken. A branch of an
    /// `if` with an `else` needs a statement ending in `;`: prettyplease may keep a lone
    /// expression on the `if`'s line.
    fn if_chain(&mut self, tokens: &[Tok], indent: usize, end: &str) -> Option<()> {
        let mut rest = tokens;
        let mut keyword = "if";
        loop {
            let block_at = rest
                .iter()
                .position(|t| is_group(Some(t), Delimiter::Brace))?;
            let condition = condition_text(&rest[1..block_at])?;
            let Tok::Group(block) = &rest[block_at] else {
                return None;
            };
            let stmts: &[Tok] = block.tokens();
            let head = format!("{keyword} {condition}");
            let has_else = is_ident(rest.get(block_at + 1), "else");
            if !has_else && keyword == "if" {
                return self.block(indent, &head, stmts, end);
            }
            if !has_statement(stmts) {
                return None;
            }
            self.line(indent, &format!("{head} {{"))?;
            self.stmts(stmts, indent + 1)?;
            if !has_else {
                return self.line(indent, &format!("}}{end}"));
            }
            match &rest[block_at + 2..] {
                [next, ..] if is_ident(Some(next), "if") => {
                    rest = &rest[block_at + 2..];
                    keyword = "} else if";
                }
                [Tok::Group(last)] if last.delimiter() == Delimiter::Brace => {
                    let stmts: &[Tok] = last.tokens();
                    if !has_statement(stmts) {
                        return None;
                    }
                    self.line(indent, "} else {")?;
                    self.stmts(stmts, indent + 1)?;
                    return self.line(indent, &format!("}}{end}"));
                }
                _ => return None,
            }
        }
    }

    /// A call of a path too wide for one line: its arguments one per line, each with a comma
    /// ([`Self::arguments_broken`]; for `Ok(Self {`, see [`Self::broken_struct_expr`]).
    fn broken_call(&mut self, tokens: &[Tok], indent: usize, lead: &str, end: &str) -> Option<()> {
        let (Tok::Group(arguments), callee) = tokens.split_last()? else {
            return None;
        };
        if arguments.delimiter() != Delimiter::Parenthesis {
            return None;
        }
        let callee = match callee {
            // A method of a short name starting the line (`call.check_pattern(`) breaks like a
            // function; any other receiver breaks before the `.` first.
            [Tok::Ident(receiver), dot, Tok::Ident(method)]
                if lead.is_empty() && is_punct(Some(dot), '.') && receiver.as_str().len() <= 4 =>
            {
                format!("{receiver}.{method}")
            }
            _ => path_text(callee)?,
        };
        self.arguments_broken(indent, &format!("{lead}{callee}("), arguments.tokens(), end)
    }

    /// `open` (`call(`), a call's arguments one per line with a comma each, then `)` and
    /// `end`: how prettyplease breaks a call that does not fit. A lone argument that is a
    /// closure, a block, a struct expression, an array or a tuple is laid out otherwise, and
    /// left to it.
    pub(super) fn arguments_broken(
        &mut self,
        indent: usize,
        open: &str,
        arguments: &[Tok],
        end: &str,
    ) -> Option<()> {
        let arguments = split_commas(arguments);
        if let [only] = arguments.as_slice() {
            let blocklike = matches!(only.first(), Some(Tok::Group(_)))
                || is_punct(only.first(), '|')
                || is_ident(only.first(), "move")
                || only.iter().any(|t| is_group(Some(t), Delimiter::Brace));
            if blocklike {
                return None;
            }
        }
        if arguments.is_empty() {
            return None;
        }
        self.line(indent, open)?;
        for argument in arguments {
            let Some(text) = expr_text(argument) else {
                self.closure_building_struct(argument, indent + 1)?;
                continue;
            };
            // A literal cannot break: it stays whole past the margin.
            let counted = match argument {
                [Tok::Literal(_)] => "",
                _ => text.as_str(),
            };
            self.line_counting(indent + 1, &format!("{text},"), counted)?;
        }
        self.line(indent, &format!("){end}"))
    }

    /// A closure whose body is a struct expression too wide for one line, as a call's
    /// argument (`|body: X| Page {`): the fields one per line.
    fn closure_building_struct(&mut self, tokens: &[Tok], indent: usize) -> Option<()> {
        let (keyword, closure) = match tokens.split_first()? {
            (first, rest) if is_ident(Some(first), "move") => ("move ", rest),
            _ => ("", tokens),
        };
        let (params, body) = closure_parts(closure)?;
        let (Tok::Group(fields), path) = body.split_last()? else {
            return None;
        };
        if fields.delimiter() != Delimiter::Brace {
            return None;
        }
        let path = path_text(path)?;
        let lead = format!("{keyword}|{params}| ");
        self.struct_fields(&lead, &path, fields.tokens(), indent, "},")
    }

    /// A struct expression too wide for one line, alone (`Self {`) or as a call's only
    /// argument (`Ok(Self {`): its fields one per line.
    fn broken_struct_expr(
        &mut self,
        tokens: &[Tok],
        indent: usize,
        lead: &str,
        end: &str,
    ) -> Option<()> {
        let (Tok::Group(last), callee) = tokens.split_last()? else {
            return None;
        };
        let (path, fields, close) = match last.delimiter() {
            Delimiter::Brace => (callee, last, "}"),
            Delimiter::Parenthesis => {
                let inner: &[Tok] = last.tokens();
                let (Tok::Group(fields), path) = inner.split_last()? else {
                    return None;
                };
                if fields.delimiter() != Delimiter::Brace {
                    return None;
                }
                let callee = path_text(callee)?;
                let path = path_text(path)?;
                let lead = format!("{lead}{callee}(");
                return self.struct_fields(
                    &lead,
                    &path,
                    fields.tokens(),
                    indent,
                    &format!("}}){end}"),
                );
            }
            _ => return None,
        };
        let path = path_text(path)?;
        self.struct_fields(
            lead,
            &path,
            fields.tokens(),
            indent,
            &format!("{close}{end}"),
        )
    }

    /// `lead path {`, the fields one per line, `close`; only for a struct expression wider
    /// than prettyplease keeps on one line (a narrow one on a long line breaks elsewhere).
    fn struct_fields(
        &mut self,
        lead: &str,
        path: &str,
        fields: &[Tok],
        indent: usize,
        close: &str,
    ) -> Option<()> {
        let values: Vec<String> = split_commas(fields)
            .into_iter()
            .map(field_value_text)
            .collect::<Option<_>>()?;
        // `Path { a, b }` without its closing brace, as prettyplease measures it.
        if path.len() + 4 + values.join(", ").len() <= MAX_STRUCT_EXPR {
            return None;
        }
        self.line(indent, &format!("{lead}{path} {{"))?;
        for text in values {
            let comma = if text.starts_with("..") { "" } else { "," };
            self.line(indent + 1, &format!("{text}{comma}"))?;
        }
        self.line(indent, close)
    }

    /// `head {`, the statements one level in, `}end`; or `head {}end`.
    fn block(&mut self, indent: usize, head: &str, stmts: &[Tok], end: &str) -> Option<()> {
        if stmts.is_empty() {
            return self.line(indent, &format!("{head} {{}}{end}"));
        }
        self.line(indent, &format!("{head} {{"))?;
        self.stmts(stmts, indent + 1)?;
        self.line(indent, &format!("}}{end}"))
    }

    /// The arms of a `match`.
    fn arms(&mut self, tokens: &[Tok], indent: usize) -> Option<()> {
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

    fn arm(&mut self, pattern: &str, body: &[Tok], indent: usize) -> Option<()> {
        // prettyplease prints `{ expr }` as `expr`.
        let mut body_tokens: &[Tok] = body;
        loop {
            match body_tokens {
                [Tok::Group(group)] if group.delimiter() == Delimiter::Brace => {
                    let inner: &[Tok] = group.tokens();
                    if inner.is_empty() {
                        return self.line_of(indent, &[pattern, " => {}"]);
                    }
                    let single_expr = stmt_end(inner, 0)? == inner.len()
                        && !is_punct(inner.last(), ';')
                        && !is_ident(inner.first(), "let");
                    if single_expr {
                        body_tokens = inner;
                        continue;
                    }
                    return self.block(indent, &format!("{pattern} =>"), inner, "");
                }
                _ => break,
            }
        }
        let body = body_tokens;
        if body
            .iter()
            .any(|t| is_ident(Some(t), "match") || is_punct(Some(t), '|'))
        {
            return None;
        }
        let text = expr_text(body)?;
        // The comma is printed only when the arm is not broken, and not counted.
        if Self::fits_len(indent, pattern.len() + " => ".len() + text.len()) {
            self.push_line(indent, &[pattern, " => ", &text, ","]);
            return Some(());
        }
        // Too long: the body goes in a block of its own (where prettyplease would end a
        // `return` or `break` with a `;`, left to it).
        let diverges = is_ident(body.first(), "return") || is_ident(body.first(), "break");
        if diverges || !matches!(body.first(), Some(Tok::Ident(_) | Tok::Literal(_))) {
            return None;
        }
        self.line(indent, &format!("{pattern} => {{"))?;
        self.line(indent + 1, &text)?;
        self.line(indent, "}")
    }
}

/// The condition of an `if` or `while`: an expression, or `let pattern = value`.
fn condition_text(tokens: &[Tok]) -> Option<String> {
    if !is_ident(tokens.first(), "let") {
        return expr_text(tokens);
    }
    let eq = top_level_eq(tokens)?;
    Some(format!(
        "let {} = {}",
        pat_text(&tokens[1..eq])?,
        expr_text(&tokens[eq + 1..])?
    ))
}

/// Whether a block holds a statement ending in `;`, which prettyplease always breaks.
fn has_statement(stmts: &[Tok]) -> bool {
    stmts.iter().any(|t| is_punct(Some(t), ';'))
}

/// Where the statement starting at `start` ends: after its `;`, after the (last) block of a
/// `match`, `loop`, `while` or `if` chain without one, or at the end of the block (a tail).
fn stmt_end(tokens: &[Tok], start: usize) -> Option<usize> {
    let block_like = ["match", "loop", "while", "if", "for", "unsafe"]
        .iter()
        .any(|k| is_ident(tokens.get(start), k));
    let mut at = start;
    while at < tokens.len() {
        match &tokens[at] {
            Tok::Punct(p) if p.as_char() == ';' => return Some(at + 1),
            Tok::Group(g) if block_like && g.delimiter() == Delimiter::Brace => {
                // `else` continues an `if`: `else if ..` to its block, `else { .. }` ends it.
                if is_ident(tokens.get(at + 1), "else") {
                    if !is_ident(tokens.get(start), "if") {
                        return None;
                    }
                    at += 2;
                    continue;
                }
                return Some(at + 1 + usize::from(is_punct(tokens.get(at + 1), ';')));
            }
            _ => at += 1,
        }
    }
    Some(tokens.len())
}
