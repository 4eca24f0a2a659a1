//! `src/codec.rs` of the generated crate: the serde plumbing the models share, so each model
//! carries only what is its own.

use proc_macro2::TokenStream;
use quote::quote;

/// The helpers the models use: open enums need `deserialize_open_enum`, tagged unions the
/// rest. `None` when no model needs any.
pub fn emit_codec(
    open_enums: bool,
    tagged_unions: bool,
    untagged_unions: bool,
) -> Option<TokenStream> {
    let enum_helpers = open_enums.then(open_enum_helpers);
    let union_helpers = tagged_unions.then(tagged_union_helpers);
    let untagged_helpers = untagged_unions.then(untagged_union_helpers);
    let imports = match (open_enums, tagged_unions) {
        (false, false) if !untagged_unions => return None,
        (false, false) => TokenStream::new(),
        (true, false) => quote! {
            use serde::de::{Deserializer, Visitor};
            use std::marker::PhantomData;
        },
        (false, true) => quote! {
            use serde::de::{Deserialize, DeserializeOwned, Deserializer, Error as _};
            use serde::ser::{Error as _, Serialize, Serializer};
        },
        (true, true) => quote! {
            use serde::de::{Deserialize, DeserializeOwned, Deserializer, Error as _, Visitor};
            use serde::ser::{Error as _, Serialize, Serializer};
            use std::marker::PhantomData;
        },
    };
    Some(quote! {
        //! Serde plumbing shared by the models.

        #imports
        #enum_helpers
        #union_helpers
        #untagged_helpers
    })
}

fn untagged_union_helpers() -> TokenStream {
    quote! {
        /// How to decode one variant of an untagged union.
        pub(crate) type DecodeVariant<T> = fn(serde_json::Value) -> serde_json::Result<T>;

        /// A variant of an untagged union: the JSON names of its fields, comma-separated
        /// (empty when it is not an object), and how to decode it.
        pub(crate) type Candidate<T> = (&'static str, DecodeVariant<T>);

        /// Decodes an untagged union: the candidate whose fields cover most of the object's
        /// keys is tried first (declaration order among equals), then the others, so an
        /// object is not taken by a variant that would drop its fields.
        pub(crate) fn decode_untagged<'de, D, T>(
            deserializer: D,
            candidates: &[Candidate<T>],
        ) -> Result<T, D::Error>
        where
            D: serde::Deserializer<'de>,
        {
            let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
            let mut order: Vec<usize> = (0..candidates.len()).collect();
            if let Some(object) = value.as_object() {
                let covered = |fields: &str| {
                    let known = |key: &String| fields.split(',').any(|f| f == key.as_str());
                    object.keys().filter(|key| known(key)).count()
                };
                order.sort_by_key(|&i| std::cmp::Reverse(covered(candidates[i].0)));
            }
            for i in order {
                if let Ok(decoded) = (candidates[i].1)(value.clone()) {
                    return Ok(decoded);
                }
            }
            let name = std::any::type_name::<T>().rsplit("::").next().unwrap_or_default();
            let message = format!("data did not match any variant of {name}");
            Err(<D::Error as serde::de::Error>::custom(message))
        }
    }
}

fn open_enum_helpers() -> TokenStream {
    quote! {
        /// Reads a string into an open enum, whose `FromStr` maps unlisted values to `Unknown`.
        pub(crate) fn deserialize_open_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
        where
            D: Deserializer<'de>,
            T: std::str::FromStr<Err = std::convert::Infallible>,
        {
            struct OpenEnumVisitor<T>(PhantomData<T>);

            impl<T> Visitor<'_> for OpenEnumVisitor<T>
            where
                T: std::str::FromStr<Err = std::convert::Infallible>,
            {
                type Value = T;

                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a string")
                }

                fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
                    let Ok(parsed) = value.parse();
                    Ok(parsed)
                }
            }

            deserializer.deserialize_str(OpenEnumVisitor(PhantomData))
        }
    }
}

fn tagged_union_helpers() -> TokenStream {
    quote! {

        /// Reads an object of a tagged union: its tag value and the whole object.
        ///
        /// Fails when the value is not an object or the tag is missing or not a string; an
        /// unknown tag value is the caller's to keep.
        pub(crate) fn read_tagged<'de, D>(
            deserializer: D,
            tag: &'static str,
        ) -> Result<(String, serde_json::Value), D::Error>
        where
            D: Deserializer<'de>,
        {
            let value = serde_json::Value::deserialize(deserializer)?;
            let found = match value.get(tag) {
                Some(serde_json::Value::String(found)) => found.clone(),
                Some(other) => {
                    let message = format!("field `{tag}` must be a string, found {other}");
                    return Err(D::Error::custom(message));
                }
                None if value.is_object() => return Err(D::Error::missing_field(tag)),
                None => {
                    let message = format!("expected an object with a `{tag}` field");
                    return Err(D::Error::custom(message));
                }
            };
            Ok((found, value))
        }

        /// Decodes the content of a tagged-union variant from the object read by `read_tagged`.
        pub(crate) fn decode_variant<T, E>(value: serde_json::Value) -> Result<T, E>
        where
            T: DeserializeOwned,
            E: serde::de::Error,
        {
            T::deserialize(value).map_err(E::custom)
        }

        /// Writes a tagged-union variant: its content's fields (already encoded) plus the tag.
        pub(crate) fn serialize_tagged<S: Serializer>(
            serializer: S,
            tag: &'static str,
            tag_value: &'static str,
            content: serde_json::Result<serde_json::Value>,
        ) -> Result<S::Ok, S::Error> {
            let mut value = content.map_err(S::Error::custom)?;
            let Some(object) = value.as_object_mut() else {
                return Err(S::Error::custom("a tagged-union variant must be an object"));
            };
            object.insert(tag.to_string(), serde_json::Value::from(tag_value));
            value.serialize(serializer)
        }
    }
}
