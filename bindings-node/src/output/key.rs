//! Map keys: serde serializes a map key as any value; JS object keys are text, so keys are
//! written as `serde_json` writes them (strings as is; integers, chars, booleans and unit
//! variants in their text form) and anything else is refused.

use serde::ser::{self, Impossible, Serialize};

use super::ser::OutError;
use super::shapes;

type Result<T> = std::result::Result<T, OutError>;

/// A map key, appended to an object's keys as text (as `serde_json` writes keys).
pub struct KeyOut<'a>(pub &'a mut Vec<u8>);

fn key_must_be_text() -> OutError {
    OutError::Custom("key must be a string".into())
}

impl KeyOut<'_> {
    fn text(self, s: &str) -> Result<()> {
        shapes::push_key(self.0, s);
        Ok(())
    }
}

impl ser::Serializer for KeyOut<'_> {
    type Ok = ();
    type Error = OutError;
    type SerializeSeq = Impossible<(), OutError>;
    type SerializeTuple = Impossible<(), OutError>;
    type SerializeTupleStruct = Impossible<(), OutError>;
    type SerializeTupleVariant = Impossible<(), OutError>;
    type SerializeMap = Impossible<(), OutError>;
    type SerializeStruct = Impossible<(), OutError>;
    type SerializeStructVariant = Impossible<(), OutError>;

    fn serialize_str(self, s: &str) -> Result<()> {
        self.text(s)
    }

    fn serialize_char(self, c: char) -> Result<()> {
        self.text(c.encode_utf8(&mut [0; 4]))
    }

    fn serialize_bool(self, b: bool) -> Result<()> {
        self.text(if b { "true" } else { "false" })
    }

    fn serialize_i8(self, x: i8) -> Result<()> {
        self.text(&x.to_string())
    }

    fn serialize_i16(self, x: i16) -> Result<()> {
        self.text(&x.to_string())
    }

    fn serialize_i32(self, x: i32) -> Result<()> {
        self.text(&x.to_string())
    }

    fn serialize_i64(self, x: i64) -> Result<()> {
        self.text(&x.to_string())
    }

    fn serialize_i128(self, x: i128) -> Result<()> {
        self.text(&x.to_string())
    }

    fn serialize_u8(self, x: u8) -> Result<()> {
        self.text(&x.to_string())
    }

    fn serialize_u16(self, x: u16) -> Result<()> {
        self.text(&x.to_string())
    }

    fn serialize_u32(self, x: u32) -> Result<()> {
        self.text(&x.to_string())
    }

    fn serialize_u64(self, x: u64) -> Result<()> {
        self.text(&x.to_string())
    }

    fn serialize_u128(self, x: u128) -> Result<()> {
        self.text(&x.to_string())
    }

    fn serialize_f32(self, _x: f32) -> Result<()> {
        Err(key_must_be_text())
    }

    fn serialize_f64(self, _x: f64) -> Result<()> {
        Err(key_must_be_text())
    }

    fn serialize_bytes(self, _bytes: &[u8]) -> Result<()> {
        Err(key_must_be_text())
    }

    fn serialize_none(self) -> Result<()> {
        Err(key_must_be_text())
    }

    fn serialize_some<T: ?Sized + Serialize>(self, _value: &T) -> Result<()> {
        Err(key_must_be_text())
    }

    fn serialize_unit(self) -> Result<()> {
        Err(key_must_be_text())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<()> {
        Err(key_must_be_text())
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<()> {
        self.text(variant)
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<()> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<()> {
        Err(key_must_be_text())
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(key_must_be_text())
    }

    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple> {
        Err(key_must_be_text())
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        Err(key_must_be_text())
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(key_must_be_text())
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap> {
        Err(key_must_be_text())
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct> {
        Err(key_must_be_text())
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(key_must_be_text())
    }
}
