//! The client runtime (`generator/runtime/*.rs`), copied into crates that have operations, and
//! the spec-specific pieces beside it (`validation.rs`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::Api;

/// The runtime modules: (module name, source).
pub const RUNTIME: &[(&str, &str)] = &[
    ("auth", include_str!("../../runtime/auth.rs")),
    ("client", include_str!("../../runtime/client.rs")),
    ("digest", include_str!("../../runtime/digest.rs")),
    ("download", include_str!("../../runtime/download.rs")),
    ("error", include_str!("../../runtime/error.rs")),
    ("paging", include_str!("../../runtime/paging.rs")),
    ("raw", include_str!("../../runtime/raw.rs")),
    ("request", include_str!("../../runtime/request.rs")),
    ("response", include_str!("../../runtime/response.rs")),
    ("retry", include_str!("../../runtime/retry.rs")),
    ("transport", include_str!("../../runtime/transport.rs")),
];

/// `src/validation.rs`: the parameter patterns, each compiled once on first use. `None` when
/// no parameter has a pattern the client checks.
pub fn emit_validation(api: &Api) -> Option<TokenStream> {
    if api.patterns.is_empty() {
        return None;
    }
    let statics = api.patterns.iter().map(|pattern| {
        let name = format_ident!("{}", pattern.name);
        let regex = &pattern.regex;
        let doc = format!(" `{regex}`");
        quote! {
            #[doc = #doc]
            pub(crate) static #name: LazyLock<Regex> = LazyLock::new(|| {
                Regex::new(#regex).expect("atlas-codegen compiled this pattern when it generated the crate")
            });
        }
    });
    Some(quote! {
        //! The patterns of the spec's parameters, compiled once, on first use. Each compiled
        //! when the crate was generated; patterns the `regex` crate cannot compile (look-around)
        //! are left for the server to check.

        use regex::Regex;
        use std::sync::LazyLock;

        #(#statics)*
    })
}
