//! The fast path of [`Js::serde`](crate::convert::Js::serde): a serde `Deserializer` straight
//! over JS values, for the usual argument (an object of strings, numbers, booleans and `null`,
//! such as an actor or a request). It makes no `serde_json::Value`, and reads an object's fields
//! through a small JS reader cached per struct shape ([`shapes::reader`]) instead of listing
//! its keys through napi, which was most of an argument's cost.
//!
//! It only ever answers for input the strict path accepts, with the same value: anything it is
//! unsure of (an unknown key, an array, a nested map, a bad value) is a [`Miss`], and the caller
//! then runs the strict path, which gives the error (or the value) exactly as before.

use std::fmt;
use std::ptr;

use napi::{sys, ValueType};
use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};

use crate::convert::{Js, MAX_SAFE_INTEGER};
use crate::output::shapes;
use fanline::bounds::MAX_NESTING;

/// The fast path gave up; the strict path decides.
#[derive(Debug)]
pub struct Miss;

impl fmt::Display for Miss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not on the fast path")
    }
}

impl std::error::Error for Miss {}

impl de::Error for Miss {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        Miss
    }
}

type Result<T> = std::result::Result<T, Miss>;

/// A JS value being deserialized, `depth` levels below the argument.
pub struct Fast {
    js: Js,
    /// Its type, when already known.
    kind: Option<ValueType>,
    depth: usize,
}

impl Fast {
    /// The argument itself.
    pub fn new(js: Js) -> Fast {
        Fast {
            js,
            kind: None,
            depth: 0,
        }
    }

    fn kind(&self) -> Result<ValueType> {
        if self.depth > MAX_NESTING {
            return Err(Miss);
        }
        match self.kind {
            Some(kind) => Ok(kind),
            None => self.js.kind().map_err(|_| Miss),
        }
    }

    /// `null`, or `undefined` as the whole argument (which the strict path reads as `null`).
    fn is_null(kind: ValueType, depth: usize) -> bool {
        kind == ValueType::Null || (kind == ValueType::Undefined && depth == 0)
    }

    fn string(&self) -> Result<String> {
        self.js.string("").map_err(|_| Miss)
    }
}

impl<'de> de::Deserializer<'de> for Fast {
    type Error = Miss;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let kind = self.kind()?;
        match kind {
            _ if Fast::is_null(kind, self.depth) => visitor.visit_unit(),
            ValueType::Boolean => visitor.visit_bool(self.js.boolean("").map_err(|_| Miss)?),
            ValueType::String => visitor.visit_string(self.string()?),
            ValueType::Number => {
                // As the strict path's JSON: integers as `u64` (from 0) or `i64`, the rest
                // as `f64`; an integer beyond 2^53 - 1 is refused there.
                let x = self.js.number("").map_err(|_| Miss)?;
                if x.fract() != 0.0 {
                    visitor.visit_f64(x)
                } else if x.abs() > MAX_SAFE_INTEGER as f64 {
                    Err(Miss)
                } else if x as i64 >= 0 {
                    visitor.visit_u64(x as i64 as u64)
                } else {
                    visitor.visit_i64(x as i64)
                }
            }
            _ => Err(Miss),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let kind = self.kind()?;
        if Fast::is_null(kind, self.depth) {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.depth > MAX_NESTING {
            return Err(Miss);
        }
        // A non-string fails the read, which is a miss.
        visitor.visit_string(self.string()?)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_string(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_string(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        // Only the unit-variant form, a string; `{ variant: value }` takes the strict path.
        if self.kind()? != ValueType::String {
            return Err(Miss);
        }
        visitor.visit_enum(UnitVariant(self.string()?))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        if self.kind()? != ValueType::Object {
            return Err(Miss);
        }
        let entries = fields_of(self.js, fields)?;
        visitor.visit_map(Fields {
            entries: entries.into_iter(),
            value: None,
            depth: self.depth + 1,
        })
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let kind = self.kind()?;
        if Fast::is_null(kind, self.depth) {
            visitor.visit_unit()
        } else {
            Err(Miss)
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        // The strict path still checks an ignored value is plain data.
        Err(Miss)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        Err(Miss)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Result<V::Value> {
        Err(Miss)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        _visitor: V,
    ) -> Result<V::Value> {
        Err(Miss)
    }

    fn deserialize_map<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        Err(Miss)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        Err(Miss)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        Err(Miss)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char
    }
}

/// The own enumerable fields of a plain object that are not `undefined`, sorted by name (the
/// order of the strict path's JSON object), if its keys are all among `fields`.
fn fields_of(
    js: Js,
    fields: &'static [&'static str],
) -> Result<Vec<(&'static str, Js, ValueType)>> {
    let (env, obj) = js.raw();
    // SAFETY: `Js` values only exist on the JS thread of their env, within the call.
    let values = unsafe { shapes::read_fields(env, obj, fields) }.ok_or(Miss)?;
    let mut entries = Vec::with_capacity(fields.len());
    for (i, name) in fields.iter().enumerate() {
        let mut v = ptr::null_mut();
        // SAFETY: as above; `values` is an array of `fields.len()` items.
        let code = unsafe { sys::napi_get_element(env, values, i as u32, &mut v) };
        if code != sys::Status::napi_ok {
            return Err(Miss);
        }
        let v = js.with(v);
        let kind = v.kind().map_err(|_| Miss)?;
        if kind != ValueType::Undefined {
            entries.push((*name, v, kind));
        }
    }
    entries.sort_unstable_by_key(|(name, _, _)| *name);
    Ok(entries)
}

/// A struct's fields as serde's map.
struct Fields {
    entries: std::vec::IntoIter<(&'static str, Js, ValueType)>,
    value: Option<(Js, ValueType)>,
    depth: usize,
}

impl<'de> de::MapAccess<'de> for Fields {
    type Error = Miss;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        let Some((name, value, kind)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some((value, kind));
        seed.deserialize(name.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        let (js, kind) = self.value.take().ok_or(Miss)?;
        seed.deserialize(Fast {
            js,
            kind: Some(kind),
            depth: self.depth,
        })
    }
}

/// An enum given as its variant's name.
struct UnitVariant(String);

impl<'de> de::EnumAccess<'de> for UnitVariant {
    type Error = Miss;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self)> {
        let variant = seed.deserialize(self.0.as_str().into_deserializer())?;
        Ok((variant, self))
    }
}

impl<'de> de::VariantAccess<'de> for UnitVariant {
    type Error = Miss;

    fn unit_variant(self) -> Result<()> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _seed: T) -> Result<T::Value> {
        Err(Miss)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Result<V::Value> {
        Err(Miss)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value> {
        Err(Miss)
    }
}
