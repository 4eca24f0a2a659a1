//! `tests/spec_examples.rs` of the generated crate: every example of the spec decodes into its
//! type and encodes back to the same JSON.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::rust::type_tokens;
use crate::ir::Api;

/// The example JSON files the test reads (`tests/examples/<name>.json`).
pub fn example_files(api: &Api) -> Vec<(String, String)> {
    api.examples
        .iter()
        .map(|example| {
            let mut json =
                serde_json::to_string_pretty(&example.value).expect("JSON values always serialize");
            json.push('\n');
            (format!("tests/examples/{}.json", example.name), json)
        })
        .collect()
}

/// The test file.
pub fn emit_example_tests(api: &Api, crate_ident: &str) -> Option<TokenStream> {
    if api.examples.is_empty() {
        return None;
    }
    let krate = format_ident!("{}", crate_ident);
    // The example types are those of every operation feature.
    let gate = (!api.operations.is_empty()).then(|| quote!(#![cfg(feature = "full")]));
    let mut imported = std::collections::BTreeSet::new();
    let mut rows = Vec::new();
    for example in &api.examples {
        if let Some(named) = example.ty.named() {
            imported.insert(named.to_string());
        }
        let ty = type_tokens(&example.ty);
        let pointer = &example.pointer;
        let name = &example.name;
        rows.push(quote!((#name, #pointer, round_trip::<#ty>),));
    }
    let imports = imported.iter().map(|name| {
        let name = super::rust::ident(name);
        quote!(use #krate::models::#name;)
    });
    Some(quote! {
        //! Every example in the spec decodes into its type and encodes back to the same JSON.
        #![allow(deprecated)]
        #gate

        #(#imports)*
        use serde::de::DeserializeOwned;
        use serde::Serialize;
        use serde_json::Value;

        /// Equal as JSON: numbers by value (`1` is `1.0`), timestamps by instant.
        fn same_json(a: &Value, b: &Value) -> bool {
            match (a, b) {
                (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
                (Value::String(x), Value::String(y)) => {
                    x == y
                        || matches!(
                            (chrono::DateTime::parse_from_rfc3339(x), chrono::DateTime::parse_from_rfc3339(y)),
                            (Ok(x), Ok(y)) if x == y
                        )
                }
                (Value::Array(x), Value::Array(y)) => {
                    x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
                }
                (Value::Object(x), Value::Object(y)) => {
                    x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
                }
                _ => a == b,
            }
        }

        /// Decodes the example file `name` into `T`, encodes it back and compares.
        fn round_trip<T: DeserializeOwned + Serialize>(name: &str) -> Result<(), String> {
            let path = format!("{}/tests/examples/{name}.json", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
            let original: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
            let decoded: T = serde_json::from_value(original.clone())
                .map_err(|e| format!("does not decode: {e}"))?;
            let encoded = serde_json::to_value(&decoded).map_err(|e| e.to_string())?;
            if same_json(&original, &encoded) {
                Ok(())
            } else {
                Err(format!("changed on the way through; encoded: {encoded}"))
            }
        }

        type Check = fn(&str) -> Result<(), String>;

        /// (example file name, JSON pointer of the example in the spec, check)
        const EXAMPLES: &[(&str, &str, Check)] = &[
            #(#rows)*
        ];

        #[test]
        fn every_example_round_trips() {
            let failures: Vec<String> = EXAMPLES
                .iter()
                .filter_map(|(name, pointer, check)| {
                    let result = check(name);
                    result.err().map(|e| format!("{name} ({pointer}): {e}"))
                })
                .collect();
            let report = failures.join("\n");
            assert!(failures.is_empty(), "examples that fail:\n{report}");
        }
    })
}
