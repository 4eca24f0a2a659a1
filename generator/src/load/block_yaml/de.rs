//! Hands a [`Node`] tree to serde as serde-saphyr hands the same YAML over: a plain scalar is
//! typed by its text only where serde asks for any type, a quoted or block scalar is always a
//! string, null-like plain text is `None` for an option and an error for a string. Whatever
//! serde asks for that this module is not certain serde-saphyr would give, it refuses
//! ([`Decline`]), and the text goes to serde-saphyr.

use std::borrow::Cow;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};

use super::{Decline, Node, Plain, Scalar};

impl std::fmt::Display for Decline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("left to serde-saphyr")
    }
}

impl std::error::Error for Decline {}

impl de::Error for Decline {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Decline
    }
}

impl<'de> Scalar<'de> {
    fn visit_text<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Decline> {
        match self.text {
            Cow::Borrowed(text) => visitor.visit_borrowed_str(text),
            Cow::Owned(text) => visitor.visit_string(text),
        }
    }

    /// The type of a plain scalar's text; `None` for a quoted or block scalar.
    fn plain_type(&self) -> Option<Plain> {
        self.plain.then(|| Plain::of(&self.text))
    }

    /// The text as a string: serde-saphyr refuses null-like plain text there.
    fn string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Decline> {
        match self.plain_type() {
            Some(Plain::Null) => Err(Decline),
            _ => self.visit_text(visitor),
        }
    }

    /// A plain scalar that reads as a number, as `f64`.
    fn float(&self) -> Option<f64> {
        match self.plain_type()? {
            Plain::U64(_) | Plain::I64(_) | Plain::F64(_) => self.text.parse().ok(),
            _ => None,
        }
    }
}

impl<'de> Deserializer<'de> for Node<'de> {
    type Error = Decline;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Decline> {
        match self {
            Node::Map(entries) => visitor.visit_map(Entries::new(entries)),
            Node::Seq(items) => visitor.visit_seq(Items(items.into_iter())),
            Node::Scalar(scalar) => match scalar.plain_type() {
                None | Some(Plain::Str) => scalar.visit_text(visitor),
                Some(Plain::Null) => visitor.visit_unit(),
                Some(Plain::Bool(value)) => visitor.visit_bool(value),
                Some(Plain::U64(value)) => visitor.visit_u64(value),
                Some(Plain::I64(value)) => visitor.visit_i64(value),
                Some(Plain::F64(value)) => visitor.visit_f64(value),
                Some(Plain::Unsure) => Err(Decline),
            },
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Decline> {
        match self {
            Node::Scalar(scalar) => match scalar.plain_type() {
                Some(Plain::Bool(value)) => visitor.visit_bool(value),
                _ => Err(Decline),
            },
            _ => Err(Decline),
        }
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Decline> {
        match self {
            Node::Scalar(scalar) => match scalar.plain_type() {
                Some(Plain::U64(value)) => visitor.visit_u64(value),
                Some(Plain::I64(value)) => visitor.visit_i64(value),
                _ => Err(Decline),
            },
            _ => Err(Decline),
        }
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Decline> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Decline> {
        match self {
            Node::Scalar(scalar) => visitor.visit_f64(scalar.float().ok_or(Decline)?),
            _ => Err(Decline),
        }
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Decline> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Decline> {
        match self {
            Node::Scalar(scalar) => scalar.string(visitor),
            _ => Err(Decline),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Decline> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Decline> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Decline> {
        match &self {
            Node::Scalar(scalar) if scalar.plain_type() == Some(Plain::Null) => {
                visitor.visit_none()
            }
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Decline> {
        match &self {
            Node::Scalar(scalar) if scalar.plain_type() == Some(Plain::Null) => {
                visitor.visit_unit()
            }
            _ => Err(Decline),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Decline> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Decline> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Decline> {
        match self {
            Node::Seq(items) => visitor.visit_seq(Items(items.into_iter())),
            _ => Err(Decline),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Decline> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Decline> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Decline> {
        match self {
            Node::Map(entries) => visitor.visit_map(Entries::new(entries)),
            _ => Err(Decline),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Decline> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Decline> {
        match self {
            // A unit variant by name.
            Node::Scalar(scalar) => match scalar.plain_type() {
                None | Some(Plain::Str) => visitor.visit_enum(scalar.text.into_deserializer()),
                _ => Err(Decline),
            },
            // `{variant: value}`.
            Node::Map(mut entries) if entries.len() == 1 => {
                let (key, value) = entries.pop().ok_or(Decline)?;
                visitor.visit_enum(Variant { key, value })
            }
            _ => Err(Decline),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Decline> {
        visitor.visit_unit()
    }

    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Decline> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Decline> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Decline> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Decline> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Decline> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Decline> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_char<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Decline> {
        Err(Decline)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Decline> {
        Err(Decline)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Decline> {
        Err(Decline)
    }
}

/// A mapping's entries, handed over in text order.
struct Entries<'de> {
    entries: std::vec::IntoIter<(Scalar<'de>, Node<'de>)>,
    value: Option<Node<'de>>,
}

impl<'de> Entries<'de> {
    fn new(entries: Vec<(Scalar<'de>, Node<'de>)>) -> Self {
        Self {
            entries: entries.into_iter(),
            value: None,
        }
    }
}

impl<'de> MapAccess<'de> for Entries<'de> {
    type Error = Decline;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Decline> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        seed.deserialize(Node::Scalar(key)).map(Some)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, Decline> {
        seed.deserialize(self.value.take().ok_or(Decline)?)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// A sequence's items.
struct Items<'de>(std::vec::IntoIter<Node<'de>>);

impl<'de> SeqAccess<'de> for Items<'de> {
    type Error = Decline;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Decline> {
        self.0.next().map(|item| seed.deserialize(item)).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// An enum written as a one-entry mapping, `{variant: value}`.
struct Variant<'de> {
    key: Scalar<'de>,
    value: Node<'de>,
}

impl<'de> EnumAccess<'de> for Variant<'de> {
    type Error = Decline;
    type Variant = Node<'de>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Node<'de>), Decline> {
        let variant = seed.deserialize(Node::Scalar(self.key))?;
        Ok((variant, self.value))
    }
}

impl<'de> VariantAccess<'de> for Node<'de> {
    type Error = Decline;

    fn unit_variant(self) -> Result<(), Decline> {
        Err(Decline)
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Decline> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Decline> {
        self.deserialize_seq(visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Decline> {
        self.deserialize_map(visitor)
    }
}
