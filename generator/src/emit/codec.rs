//! `src/models/codec.rs` of the generated crate: the JSON reader and writer the models'
//! `Decode` and `Encode` impls are written against (`generator/runtime/models/codec.rs`,
//! copied as it is).

use crate::ir::{TypeDef, TypeKind};

/// The codec's source.
pub const SOURCE: &str = include_str!("../../runtime/models/codec.rs");

/// Whether any model needs the codec (every kind but a type alias does).
pub fn needed(types: &[TypeDef]) -> bool {
    types.iter().any(|t| !matches!(t.kind, TypeKind::Alias(_)))
}
