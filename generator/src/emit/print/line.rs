//! One-line text of the pieces of Rust [`super`] lays out: types, patterns, expressions,
//! attributes, `use` trees, and the token tests they are found by. Each returns `None` for
//! what it does not know (or, for a struct expression, what prettyplease would break).

use proc_macro2::{Delimiter, Spacing};

use super::tok::Tok;

use super::MAX_STRUCT_EXPR;

pub(super) fn is_punct(token: Option<&Tok>, ch: char) -> bool {
    matches!(token, Some(Tok::Punct(p)) if p.as_char() == ch)
}

pub(super) fn is_joint(token: &Tok, ch: char) -> bool {
    matches!(token, Tok::Punct(p) if p.as_char() == ch && p.spacing() == Spacing::Joint)
}

pub(super) fn is_ident(token: Option<&Tok>, word: &str) -> bool {
    matches!(token, Some(Tok::Ident(i)) if i == word)
}

pub(super) fn is_group(token: Option<&Tok>, delimiter: Delimiter) -> bool {
    matches!(token, Some(Tok::Group(g)) if g.delimiter() == delimiter)
}

pub(super) fn ident_text(token: &Tok) -> Option<&str> {
    match token {
        Tok::Ident(ident) => Some(ident.as_str()),
        _ => None,
    }
}

pub(super) fn strip_semi(tokens: &[Tok]) -> Option<&[Tok]> {
    match tokens.split_last()? {
        (last, rest) if is_punct(Some(last), ';') => Some(rest),
        _ => None,
    }
}

/// `pub `, `pub(crate) `, or nothing, and the tokens after it.
pub(super) fn visibility(tokens: &[Tok]) -> Option<(&'static str, &[Tok])> {
    if !is_ident(tokens.first(), "pub") {
        return Some(("", tokens));
    }
    match tokens.get(1) {
        Some(Tok::Group(g)) if g.delimiter() == Delimiter::Parenthesis => {
            let inner: &[Tok] = g.tokens();
            match inner {
                [Tok::Ident(scope)] if scope == "crate" => Some(("pub(crate) ", &tokens[2..])),
                [Tok::Ident(scope)] if scope == "super" => Some(("pub(super) ", &tokens[2..])),
                _ => None,
            }
        }
        _ => Some(("pub ", &tokens[1..])),
    }
}

/// Splits at top-level commas (outside `<..>` too), dropping a trailing one.
pub(super) fn split_commas(tokens: &[Tok]) -> Vec<&[Tok]> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, token) in tokens.iter().enumerate() {
        match token {
            Tok::Punct(p) if p.as_char() == '<' => depth += 1,
            Tok::Punct(p) if p.as_char() == '>' && !is_arrow_head(tokens, i) => {
                depth = depth.saturating_sub(1);
            }
            Tok::Punct(p) if p.as_char() == ',' && depth == 0 => {
                parts.push(&tokens[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < tokens.len() {
        parts.push(&tokens[start..]);
    }
    parts
}

/// Whether the `>` at `i` ends `->` or `=>` rather than closing a `<`.
fn is_arrow_head(tokens: &[Tok], i: usize) -> bool {
    i > 0 && (is_joint(&tokens[i - 1], '-') || is_joint(&tokens[i - 1], '='))
}

/// The comma-separated parts of `tokens`, each printed by `print`, joined with `, `.
pub(super) fn comma_list(
    tokens: &[Tok],
    print: impl Fn(&[Tok]) -> Option<String>,
) -> Option<String> {
    let parts: Vec<String> = split_commas(tokens)
        .into_iter()
        .map(print)
        .collect::<Option<_>>()?;
    Some(parts.join(", "))
}

/// The first `=` that is neither part of `==`, `=>`, `<=`, `!=` nor inside `<..>`.
pub(super) fn top_level_eq(tokens: &[Tok]) -> Option<usize> {
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate() {
        let Tok::Punct(p) = token else { continue };
        let previous_joint = i > 0
            && matches!(&tokens[i - 1], Tok::Punct(q)
                if q.spacing() == Spacing::Joint && "=<>!+-*/%&|^".contains(q.as_char()));
        match p.as_char() {
            '<' => depth += 1,
            '>' if !is_arrow_head(tokens, i) => depth = depth.saturating_sub(1),
            '=' if depth == 0 && p.spacing() == Spacing::Alone && !previous_joint => {
                return Some(i);
            }
            _ => {}
        }
    }
    None
}

/// The first `:` that is not part of `::`.
pub(super) fn top_level_colon(tokens: &[Tok]) -> Option<usize> {
    (0..tokens.len()).find(|&i| {
        is_punct(tokens.get(i), ':')
            && !is_joint(&tokens[i], ':')
            && !(i > 0 && is_joint(&tokens[i - 1], ':'))
    })
}

/// A path (`codec::impl_serde`, `Self`, `Ok`): identifiers and `::` only.
pub(super) fn path_text(tokens: &[Tok]) -> Option<String> {
    let (text, rest) = path_prefix(tokens)?;
    rest.is_empty().then_some(text)
}

/// The path at the start of `tokens` (identifiers joined by `::`, maybe a leading `::`), and
/// what follows it; `None` unless it starts with one.
fn path_prefix(tokens: &[Tok]) -> Option<(String, &[Tok])> {
    let mut text = String::new();
    let mut at = 0;
    if is_joint_pair(tokens, 0, ':') {
        text.push_str("::");
        at = 2;
    }
    let Some(Tok::Ident(first)) = tokens.get(at) else {
        return None;
    };
    text.push_str(first.as_str());
    at += 1;
    while is_joint_pair(tokens, at, ':') {
        let Some(Tok::Ident(segment)) = tokens.get(at + 2) else {
            break;
        };
        text.push_str("::");
        text.push_str(segment.as_str());
        at += 3;
    }
    Some((text, &tokens[at..]))
}

/// Whether `tokens[at..]` starts with `ch` twice, joined (`::`, `..`).
fn is_joint_pair(tokens: &[Tok], at: usize, ch: char) -> bool {
    matches!(tokens.get(at), Some(t) if is_joint(t, ch)) && is_punct(tokens.get(at + 1), ch)
}

/// A `use` tree: `super::codec`, `std::collections::BTreeMap`, `a::{b, c}`, `a::*`.
pub(super) fn use_tree(tokens: &[Tok]) -> Option<String> {
    let (mut text, rest) = match tokens.first() {
        Some(Tok::Ident(_)) => path_prefix(tokens)?,
        _ => (String::new(), tokens),
    };
    let tail = match rest {
        [] => return Some(text),
        [colon, second, tail] if is_joint(colon, ':') && is_punct(Some(second), ':') => {
            text.push_str("::");
            tail
        }
        [tail] if text.is_empty() => tail,
        _ => return None,
    };
    match tail {
        Tok::Punct(p) if p.as_char() == '*' => text.push('*'),
        Tok::Group(g) if g.delimiter() == Delimiter::Brace => {
            text.push('{');
            text.push_str(&comma_list(g.tokens(), use_tree)?);
            text.push('}');
        }
        _ => return None,
    }
    Some(text)
}

/// A function parameter: `&self`, `&mut self`, `self`, `name: Type`.
pub(super) fn param_text(tokens: &[Tok]) -> Option<String> {
    match tokens {
        [s] if is_ident(Some(s), "self") => Some("self".into()),
        [a, s] if is_punct(Some(a), '&') && is_ident(Some(s), "self") => Some("&self".into()),
        [m, s] if is_ident(Some(m), "mut") && is_ident(Some(s), "self") => Some("mut self".into()),
        [a, m, s]
            if is_punct(Some(a), '&') && is_ident(Some(m), "mut") && is_ident(Some(s), "self") =>
        {
            Some("&mut self".into())
        }
        _ => {
            top_level_colon(tokens)?;
            typed_pattern(tokens)
        }
    }
}

/// `pattern: Type`, or a pattern alone (a closure's parameter may have no type).
fn typed_pattern(tokens: &[Tok]) -> Option<String> {
    match top_level_colon(tokens) {
        Some(colon) => Some(format!(
            "{}: {}",
            pat_text(&tokens[..colon])?,
            ty_text(&tokens[colon + 1..])?
        )),
        None => pat_text(tokens),
    }
}

/// A type: paths with generic arguments, references, `impl Trait`, tuples, slices, function
/// pointers.
pub(super) fn ty_text(tokens: &[Tok]) -> Option<String> {
    if is_ident(tokens.first(), "fn") {
        return fn_pointer_text(&tokens[1..]);
    }
    let mut text = String::new();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            Tok::Ident(ident) => {
                let word = ident.as_str();
                if matches!(text.chars().last(), Some(c) if c.is_alphanumeric() || c == '_')
                    || ["for", "fn", "unsafe", "extern", "const", "where", "as"].contains(&word)
                {
                    return None;
                }
                text.push_str(word);
                if ["impl", "dyn", "mut"].contains(&word) {
                    text.push(' ');
                }
            }
            Tok::Punct(p) => match p.as_char() {
                ':' => text.push(':'),
                '<' | '>' | '&' => text.push(p.as_char()),
                '\'' => {
                    text.push('\'');
                    i += 1;
                    text.push_str(ident_text(tokens.get(i)?)?);
                    if !is_punct(tokens.get(i + 1), '>') && !is_punct(tokens.get(i + 1), ',') {
                        text.push(' ');
                    }
                }
                ',' => text.push_str(", "),
                _ => return None,
            },
            Tok::Group(g) if g.delimiter() == Delimiter::Parenthesis => {
                text.push('(');
                text.push_str(&comma_list(g.tokens(), ty_text)?);
                text.push(')');
            }
            Tok::Group(g) if g.delimiter() == Delimiter::Bracket => {
                let inner: &[Tok] = g.tokens();
                text.push('[');
                text.push_str(&ty_text(inner)?);
                text.push(']');
            }
            _ => return None,
        }
        i += 1;
    }
    (!text.is_empty()).then_some(text)
}

/// A closure's parameters (`a, b: T`, or nothing for `||`) and its body, from its first `|`.
pub(super) fn closure_parts(tokens: &[Tok]) -> Option<(String, &[Tok])> {
    let open = tokens.first()?;
    if !is_punct(Some(open), '|') {
        return None;
    }
    let close = if is_joint(open, '|') && is_punct(tokens.get(1), '|') {
        1
    } else {
        (1..tokens.len()).find(|&j| is_punct(tokens.get(j), '|'))?
    };
    let params = comma_list(&tokens[1..close], typed_pattern)?;
    Some((params, &tokens[close + 1..]))
}

/// `fn(A, B) -> R` after its `fn`, with unnamed parameters.
fn fn_pointer_text(tokens: &[Tok]) -> Option<String> {
    let (Tok::Group(params), output) = tokens.split_first()? else {
        return None;
    };
    if params.delimiter() != Delimiter::Parenthesis {
        return None;
    }
    // Named parameters (`fn(x: u8)`) are left to prettyplease.
    let params = comma_list(params.tokens(), |param| match top_level_colon(param) {
        Some(_) => None,
        None => ty_text(param),
    })?;
    let mut text = format!("fn({params})");
    match output {
        [] => {}
        [dash, gt, ty @ ..] if is_joint(dash, '-') && is_punct(Some(gt), '>') => {
            text.push_str(" -> ");
            text.push_str(&ty_text(ty)?);
        }
        _ => return None,
    }
    Some(text)
}

/// What came last in an expression being printed, to tell a prefix `&` from a binary one and
/// a call from a parenthesized expression.
#[derive(Clone, Copy, PartialEq)]
enum Last {
    Start,
    Operator,
    Value,
    Dot,
    PathSep,
}

pub(super) fn expr_text(tokens: &[Tok]) -> Option<String> {
    inline(tokens, false)
}

pub(super) fn pat_text(tokens: &[Tok]) -> Option<String> {
    inline(tokens, true)
}

/// An expression or pattern on one line, as prettyplease prints it when it fits; `None` for
/// what this printer does not know, or for a struct expression prettyplease would break.
fn inline(tokens: &[Tok], pattern: bool) -> Option<String> {
    let mut text = String::new();
    let mut last = Last::Start;
    let mut i = 0;
    while i < tokens.len() {
        let token = &tokens[i];
        match token {
            Tok::Ident(ident) => {
                if last == Last::Value {
                    if ident == "as" && !pattern {
                        let rest = &tokens[i + 1..];
                        text.push_str(" as ");
                        text.push_str(&ty_text(rest)?);
                        return Some(text);
                    }
                    return None;
                }
                let word = ident.as_str();
                match word {
                    "return" | "break" | "continue" => {
                        text.push_str(word);
                        if i + 1 < tokens.len() {
                            text.push(' ');
                        }
                        last = Last::Operator;
                    }
                    "mut" | "ref" | "move" => {
                        text.push_str(word);
                        text.push(' ');
                        last = Last::Operator;
                    }
                    "match" | "if" | "loop" | "while" | "for" | "let" | "else" | "async"
                    | "unsafe" | "in" | "as" | "impl" | "dyn" | "fn" | "where" => return None,
                    _ => {
                        text.push_str(word);
                        last = Last::Value;
                    }
                }
            }
            Tok::Literal(literal) => {
                if last == Last::Value {
                    return None;
                }
                text.push_str(literal.as_str());
                last = Last::Value;
            }
            Tok::Punct(p) => {
                let ch = p.as_char();
                let joint = p.spacing() == Spacing::Joint;
                let next = tokens.get(i + 1);
                match ch {
                    ':' if joint && is_punct(next, ':') => {
                        text.push_str("::");
                        i += 1;
                        last = Last::PathSep;
                        if is_punct(tokens.get(i + 1), '<') {
                            let close = angle_close(tokens, i + 1)?;
                            text.push('<');
                            text.push_str(&comma_list(&tokens[i + 2..close], ty_text)?);
                            text.push('>');
                            i = close;
                            last = Last::Value;
                        }
                    }
                    '.' if !joint && !pattern => {
                        if last != Last::Value {
                            return None;
                        }
                        text.push('.');
                        last = Last::Dot;
                    }
                    '.' if joint && is_punct(next, '.') => {
                        // `..` (a range or a rest pattern); `..=` is not used.
                        if is_punct(tokens.get(i + 2), '=') || is_punct(tokens.get(i + 2), '.') {
                            return None;
                        }
                        text.push_str("..");
                        i += 1;
                        last = Last::Operator;
                    }
                    '?' if last == Last::Value => text.push('?'),
                    '&' | '*' | '-' | '!' if last != Last::Value && !(ch == '-' && joint) => {
                        text.push(ch);
                        last = Last::Operator;
                    }
                    '!' if last == Last::Value && joint && is_punct(next, '=') => {
                        text.push_str(" != ");
                        i += 1;
                        last = Last::Operator;
                    }
                    '!' if last == Last::Value => return None,
                    '|' if pattern && last == Last::Value => {
                        text.push_str(" | ");
                        last = Last::Operator;
                    }
                    '|' if !pattern && last != Last::Value => {
                        let (params, body) = closure_parts(&tokens[i..])?;
                        if matches!(body.first(), Some(Tok::Group(g)) if g.delimiter() == Delimiter::Brace)
                            || is_punct(body.first(), '-')
                        {
                            return None;
                        }
                        text.push('|');
                        text.push_str(&params);
                        text.push_str("| ");
                        text.push_str(&inline(body, false)?);
                        return Some(text);
                    }
                    '=' | '<' | '>' | '+' | '-' | '*' | '/' | '%' | '&' | '|' | '^'
                        if last == Last::Value && !pattern =>
                    {
                        // A binary operator, one or two characters.
                        let mut op = ch.to_string();
                        if joint
                            && let Some(Tok::Punct(second)) = next
                            && "=&|<>".contains(second.as_char())
                        {
                            op.push(second.as_char());
                            i += 1;
                        }
                        if op == "=>" || op == "->" {
                            return None;
                        }
                        text.push(' ');
                        text.push_str(&op);
                        text.push(' ');
                        last = Last::Operator;
                    }
                    _ => return None,
                }
            }
            Tok::Group(group) => {
                let inner: &[Tok] = group.tokens();
                match group.delimiter() {
                    Delimiter::Parenthesis => {
                        let parts = split_commas(inner);
                        let trailing = is_punct(inner.last(), ',');
                        let items: Vec<String> = parts
                            .iter()
                            .map(|part| inline(part, pattern))
                            .collect::<Option<_>>()?;
                        text.push('(');
                        text.push_str(&items.join(", "));
                        if last != Last::Value && trailing && items.len() == 1 {
                            // A one-element tuple keeps its comma.
                            text.push(',');
                        }
                        text.push(')');
                    }
                    Delimiter::Bracket => {
                        if inner.iter().any(|t| is_punct(Some(t), ';')) {
                            return None;
                        }
                        text.push('[');
                        text.push_str(&comma_list(inner, |part| inline(part, pattern))?);
                        text.push(']');
                    }
                    Delimiter::Brace if last == Last::Value && !pattern => {
                        // A struct expression: prettyplease breaks it past 34 columns.
                        let start = path_start(&text);
                        let fields = comma_list(inner, field_value_text)?;
                        if fields.is_empty() {
                            text.push_str(" {}");
                        } else {
                            text.push_str(" { ");
                            text.push_str(&fields);
                            text.push_str(" }");
                        }
                        // Measured without the closing brace.
                        let width = text.len() - start - 1;
                        if width > MAX_STRUCT_EXPR {
                            return None;
                        }
                    }
                    _ => return None,
                }
                last = Last::Value;
            }
        }
        i += 1;
    }
    if matches!(last, Last::Dot | Last::PathSep) {
        return None;
    }
    (!text.is_empty()).then_some(text)
}

/// Where the path that ends `text` starts (the struct expression's width counts from it).
fn path_start(text: &str) -> usize {
    text.rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .map_or(0, |i| i + 1)
}

/// The index of the `>` closing the `<` at `open`.
fn angle_close(tokens: &[Tok], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate().skip(open) {
        match token {
            Tok::Punct(p) if p.as_char() == '<' => depth += 1,
            Tok::Punct(p) if p.as_char() == '>' && !is_joint(&tokens[i - 1], '-') => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            Tok::Group(_) | Tok::Ident(_) | Tok::Punct(_) | Tok::Literal(_) => {}
        }
    }
    None
}

/// A field of a struct expression: `name`, `name: value`, `..rest`.
pub(super) fn field_value_text(tokens: &[Tok]) -> Option<String> {
    if is_joint(tokens.first()?, '.') {
        return Some(format!("..{}", expr_text(tokens.get(2..)?)?));
    }
    match top_level_colon(tokens) {
        Some(1) => Some(format!(
            "{}: {}",
            ident_text(&tokens[0])?,
            expr_text(&tokens[2..])?
        )),
        Some(_) => None,
        None => match tokens {
            [Tok::Ident(name)] => Some(name.to_string()),
            _ => None,
        },
    }
}

/// An attribute's inside, as prettyplease prints it when it fits: `derive(Clone, Debug)`,
/// `cfg(feature = "x")`, `inline`.
pub(super) fn meta_text(tokens: &[Tok]) -> Option<String> {
    let mut text = String::new();
    let mut word = false;
    for (i, token) in tokens.iter().enumerate() {
        match token {
            Tok::Ident(ident) => {
                if word {
                    text.push(' ');
                }
                text.push_str(ident.as_str());
                word = true;
            }
            Tok::Literal(literal) => {
                if word {
                    text.push(' ');
                }
                text.push_str(literal.as_str());
                word = true;
            }
            Tok::Punct(p) => match p.as_char() {
                '=' => {
                    text.push_str(" = ");
                    word = false;
                }
                ',' => {
                    if i + 1 < tokens.len() {
                        text.push_str(", ");
                    }
                    word = false;
                }
                ':' => {
                    text.push(':');
                    word = false;
                }
                _ => return None,
            },
            Tok::Group(g) if g.delimiter() == Delimiter::Parenthesis => {
                let inner: &[Tok] = g.tokens();
                text.push('(');
                text.push_str(&meta_text(inner)?);
                text.push(')');
                word = false;
            }
            _ => return None,
        }
    }
    Some(text)
}

/// The value of a string literal as written in tokens (`" text"`, `r" text"`); `None` for
/// escapes this printer does not decode.
pub(super) fn string_value(literal: &str) -> Option<String> {
    if let Some(raw) = literal.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let body = raw.get(hashes + 1..raw.len() - hashes - 1)?;
        return Some(body.to_string());
    }
    let body = literal.strip_prefix('"')?.strip_suffix('"')?;
    let mut value = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            value.push(c);
            continue;
        }
        match chars.next()? {
            'n' => value.push('\n'),
            't' => value.push('\t'),
            'r' => value.push('\r'),
            '0' => value.push('\0'),
            '\\' => value.push('\\'),
            '"' => value.push('"'),
            '\'' => value.push('\''),
            'u' => {
                let rest = chars.as_str();
                let hex = rest.strip_prefix('{')?.split('}').next()?;
                value.push(char::from_u32(u32::from_str_radix(hex, 16).ok()?)?);
                chars = rest.get(hex.len() + 2..)?.chars();
            }
            _ => return None,
        }
    }
    Some(value)
}
