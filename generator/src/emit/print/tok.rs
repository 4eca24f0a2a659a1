//! The emitters' tokens as the printer reads them.
//!
//! `proc_macro2` hands out a group's tokens only as a new stream, which copies every token
//! (each identifier's string too) each time it is read; the printer looks at most groups more
//! than once. So a file's tokens are copied once into this tree, which the printer then reads
//! by reference.

use proc_macro2::{Delimiter, Spacing, TokenTree};

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

/// The tokens, copied into [`Tok`]s.
pub(in crate::emit) fn convert(tokens: &[TokenTree]) -> Vec<Tok> {
    tokens.iter().map(tok).collect()
}

fn tok(tree: &TokenTree) -> Tok {
    match tree {
        TokenTree::Ident(ident) => Tok::Ident(Word(ident.to_string())),
        TokenTree::Punct(punct) => Tok::Punct(Punct {
            ch: punct.as_char(),
            spacing: punct.spacing(),
        }),
        TokenTree::Literal(literal) => Tok::Literal(Word(literal.to_string())),
        TokenTree::Group(group) => Tok::Group(Group {
            delimiter: group.delimiter(),
            tokens: group.stream().into_iter().map(|t| tok(&t)).collect(),
        }),
    }
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
