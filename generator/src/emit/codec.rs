//! `src/models/codec.rs` of the generated crate: the serde plumbing the models share, so each
//! model carries only what is its own.
//!
//! Each group of helpers is emitted only when some model uses it, and spells out its paths, so
//! no group needs another's imports.

use proc_macro2::TokenStream;
use quote::quote;

/// Which kinds of models a crate has, and so which helpers it needs.
#[derive(Clone, Copy, Debug, Default)]
pub struct CodecUse {
    pub structs: bool,
    pub open_enums: bool,
    pub tagged_unions: bool,
    pub untagged_unions: bool,
}

/// The helpers the models use; `None` when no model needs any.
pub fn emit_codec(uses: CodecUse) -> Option<TokenStream> {
    let groups = [
        uses.structs.then(struct_helpers),
        uses.open_enums.then(open_enum_helpers),
        uses.tagged_unions.then(tagged_union_helpers),
        uses.untagged_unions.then(untagged_union_helpers),
    ];
    if groups.iter().all(Option::is_none) {
        return None;
    }
    let groups = groups.into_iter().flatten();
    Some(quote! {
        //! Serde plumbing shared by the models.

        #(#groups)*
    })
}

fn struct_helpers() -> TokenStream {
    quote! {
        /// An object key, borrowed from the input when it can be.
        pub(crate) enum Key<'de> {
            Borrowed(&'de str),
            Owned(String),
        }

        impl Key<'_> {
            pub(crate) fn as_str(&self) -> &str {
                match self {
                    Self::Borrowed(key) => key,
                    Self::Owned(key) => key,
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for Key<'de> {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_str(KeyVisitor)
            }
        }

        struct KeyVisitor;

        impl<'de> serde::de::Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object key")
            }

            fn visit_borrowed_str<E: serde::de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(key))
            }

            fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(key.to_string()))
            }

            fn visit_string<E: serde::de::Error>(self, key: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(key))
            }
        }

        /// A model read from a JSON object, one key at a time.
        pub(crate) trait Object: Sized {
            /// The model's name, for "expected a ... object".
            const NAME: &'static str;

            /// Reads the fields: unknown keys skipped, the last of duplicate keys kept, a
            /// missing required field an error.
            fn read<'de, A: serde::de::MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
        }

        /// Deserializes a model from an object.
        pub(crate) fn deserialize_object<'de, D, T>(deserializer: D) -> Result<T, D::Error>
        where
            D: serde::Deserializer<'de>,
            T: Object,
        {
            deserializer.deserialize_map(ObjectVisitor(std::marker::PhantomData))
        }

        struct ObjectVisitor<T>(std::marker::PhantomData<T>);

        impl<'de, T: Object> serde::de::Visitor<'de> for ObjectVisitor<T> {
            type Value = T;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "a {} object", T::NAME)
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::read(map)
            }
        }

        /// Skips the value of a key the model does not know.
        pub(crate) fn skip_value<'de, A: serde::de::MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
            map.next_value::<serde::de::IgnoredAny>().map(drop)
        }
    }
}

fn open_enum_helpers() -> TokenStream {
    quote! {
        /// Reads a string into an open enum, whose `FromStr` maps unlisted values to `Unknown`.
        pub(crate) fn deserialize_open_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
        where
            D: serde::Deserializer<'de>,
            T: std::str::FromStr<Err = std::convert::Infallible>,
        {
            deserializer.deserialize_str(OpenEnumVisitor(std::marker::PhantomData))
        }

        struct OpenEnumVisitor<T>(std::marker::PhantomData<T>);

        impl<T> serde::de::Visitor<'_> for OpenEnumVisitor<T>
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
            D: serde::Deserializer<'de>,
        {
            use serde::de::Error;
            let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
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
            T: serde::de::DeserializeOwned,
            E: serde::de::Error,
        {
            T::deserialize(value).map_err(E::custom)
        }

        /// Writes a tagged-union variant: its content's fields (already encoded) plus the tag.
        pub(crate) fn serialize_tagged<S: serde::Serializer>(
            serializer: S,
            tag: &'static str,
            tag_value: &'static str,
            content: serde_json::Result<serde_json::Value>,
        ) -> Result<S::Ok, S::Error> {
            use serde::ser::Error;
            let mut value = content.map_err(S::Error::custom)?;
            let Some(object) = value.as_object_mut() else {
                return Err(S::Error::custom("a tagged-union variant must be an object"));
            };
            object.insert(tag.to_string(), serde_json::Value::from(tag_value));
            serde::Serialize::serialize(&value, serializer)
        }
    }
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
