//! `src/models/codec.rs` of the generated crate: the JSON reader and writer the models'
//! `Decode` and `Encode` impls are written against (`generator/runtime/models/codec.rs`,
//! copied as it is).

use crate::ir::{Api, TypeKind};

/// The codec's source.
pub const SOURCE: &str = include_str!("../../runtime/models/codec.rs");

/// Whether the crate needs the codec: a model does (every kind but a type alias), and so does
/// the client runtime, which reads and writes every body with it.
pub fn needed(api: &Api) -> bool {
    !api.operations.is_empty()
        || api
            .types
            .iter()
            .any(|t| !matches!(t.kind, TypeKind::Alias(_)))
}
