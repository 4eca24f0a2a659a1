//! The emitters' tokens as the printer reads them.
//!
//! `proc_macro2` hands out a group's tokens only as a new stream, which copies every token
//! (each identifier's string too) whenever the group is shared; the printer looks at most
//! groups more than once. So a file's tokens are moved once into this tree, which the printer
//! then reads by reference.

use proc_macro2::{Delimiter, Ident, Literal, Spacing, Span, TokenStream, TokenTree};

/// A token tree: the same four kinds as [`TokenTree`], owned and readable in place.
#[derive(Clone, Debug)]
pub(in crate::emit) enum Tok {
    Ident(Word),
    Punct(Punct),
    Literal(Word),
    Group(Group),
}

/// An identifier or a literal, as written.
#[derive(Clone, Debug)]
pub(in crate::emit) struct Word(String);

#[derive(Clone, Copy, Debug)]
pub(in crate::emit) struct Punct {
    ch: char,
    spacing: Spacing,
}

#[derive(Clone, Debug)]
pub(in crate::emit) struct Group {
    delimiter: Delimiter,
    tokens: Vec<Tok>,
}

/// The tokens, moved into [`Tok`]s. Taken by value: a group's stream is then read after the
/// group is gone, when nothing else shares it, so `proc_macro2` hands over its tokens without
/// copying them.
pub(in crate::emit) fn convert(tokens: TokenStream) -> Vec<Tok> {
    tokens.into_iter().map(tok).collect()
}

fn tok(tree: TokenTree) -> Tok {
    match tree {
        TokenTree::Ident(ident) => Tok::Ident(Word(ident.to_string())),
        TokenTree::Punct(punct) => Tok::Punct(Punct {
            ch: punct.as_char(),
            spacing: punct.spacing(),
        }),
        TokenTree::Literal(literal) => Tok::Literal(Word(literal.to_string())),
        TokenTree::Group(group) => {
            let delimiter = group.delimiter();
            let stream = group.stream();
            drop(group);
            Tok::Group(Group {
                delimiter,
                tokens: convert(stream),
            })
        }
    }
}

/// The tokens again as a `proc_macro2` stream, for what is left to syn and prettyplease
/// (which print them alike: spans and the like do not show in the text); `None` if a literal
/// does not read back as one, which a literal `proc_macro2` printed always does.
pub(in crate::emit) fn to_stream(toks: &[Tok]) -> Option<TokenStream> {
    toks.iter().map(to_tree).collect()
}

fn to_tree(tok: &Tok) -> Option<TokenTree> {
    Some(match tok {
        Tok::Ident(Word(text)) => TokenTree::Ident(match text.strip_prefix("r#") {
            Some(raw) => Ident::new_raw(raw, Span::call_site()),
            None => Ident::new(text, Span::call_site()),
        }),
        Tok::Punct(punct) => TokenTree::Punct(proc_macro2::Punct::new(punct.ch, punct.spacing)),
        Tok::Literal(Word(text)) => TokenTree::Literal(text.parse::<Literal>().ok()?),
        Tok::Group(group) => TokenTree::Group(proc_macro2::Group::new(
            group.delimiter,
            to_stream(&group.tokens)?,
        )),
    })
}

impl Word {
    pub(in crate::emit) fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Word {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for Word {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Word {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl Punct {
    pub(in crate::emit) fn as_char(&self) -> char {
        self.ch
    }

    pub(in crate::emit) fn spacing(&self) -> Spacing {
        self.spacing
    }
}

impl Group {
    pub(in crate::emit) fn delimiter(&self) -> Delimiter {
        self.delimiter
    }

    pub(in crate::emit) fn tokens(&self) -> &[Tok] {
        &self.tokens
    }
}
