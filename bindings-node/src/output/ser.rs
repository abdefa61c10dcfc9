//! A serde `Serializer` whose output is JS values, mapping every serde shape as `serde_json`
//! does: `None` and unit are `null`, a non-finite float is `null`, unit variants are strings,
//! other variants `{ variant: value }`, bytes an array of numbers, map keys strings (integers,
//! chars and booleans in their text form).

use std::fmt;
use std::ptr;

use fanline::Error;
use napi::sys;
use serde::ser::{self, Serialize};

use super::key::KeyOut;
use super::shapes::{self, Shapes};
use crate::convert::MAX_SAFE_INTEGER;

/// Why a result could not become a JS value.
#[derive(Debug)]
pub enum OutError {
    /// A number a double cannot hold exactly.
    Unsafe(String),
    /// A napi call failed.
    Napi(sys::napi_status),
    /// The value's `Serialize` refused (or a map key was not text).
    Custom(String),
}

impl fmt::Display for OutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutError::Unsafe(m) | OutError::Custom(m) => f.write_str(m),
            OutError::Napi(code) => {
                write!(f, "creating a result value failed (napi status {code})")
            }
        }
    }
}

impl std::error::Error for OutError {}

impl ser::Error for OutError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        OutError::Custom(msg.to_string())
    }
}

impl OutError {
    /// The core error to throw. A failed napi call may leave a JS exception pending; it is
    /// cleared so that the coded error is what JS sees.
    pub fn into_core(self, env: sys::napi_env) -> Error {
        match self {
            OutError::Unsafe(m) => Error::invalid(m),
            OutError::Custom(m) => Error::internal(m),
            napi @ OutError::Napi(_) => {
                let mut pending = false;
                // SAFETY: `env` is the live env of the JS thread this runs on.
                unsafe {
                    if sys::napi_is_exception_pending(env, &mut pending) == sys::Status::napi_ok
                        && pending
                    {
                        let mut ignored = ptr::null_mut();
                        sys::napi_get_and_clear_last_exception(env, &mut ignored);
                    }
                }
                Error::internal(napi)
            }
        }
    }
}

type Result<T> = std::result::Result<T, OutError>;

/// `Ok` for `napi_ok`, else the failure.
pub fn ok(code: sys::napi_status) -> Result<()> {
    if code == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(OutError::Napi(code))
    }
}

fn unsafe_number(n: impl fmt::Display) -> OutError {
    OutError::Unsafe(format!(
        "the result {n} is beyond 2^53 - 1 and cannot be represented exactly in JavaScript"
    ))
}

/// The serializer: the env and its shape cache. Only made on the JS thread of `env`.
#[derive(Clone, Copy)]
pub struct Out {
    env: sys::napi_env,
    shapes: Option<&'static Shapes>,
}

impl Out {
    /// # Safety
    /// Call on the JS thread of the live `env`, and use the result only there.
    pub unsafe fn new(env: sys::napi_env) -> Out {
        Out {
            env,
            shapes: unsafe { shapes::of(env) },
        }
    }

    fn make(
        self,
        f: impl FnOnce(&mut sys::napi_value) -> sys::napi_status,
    ) -> Result<sys::napi_value> {
        let mut v = ptr::null_mut();
        ok(f(&mut v))?;
        Ok(v)
    }

    fn null(self) -> Result<sys::napi_value> {
        self.make(|v| unsafe { sys::napi_get_null(self.env, v) })
    }

    fn double(self, x: f64) -> Result<sys::napi_value> {
        self.make(|v| unsafe { sys::napi_create_double(self.env, x, v) })
    }

    fn string(self, s: &str) -> Result<sys::napi_value> {
        // ASCII (ids, timestamps, tokens) is copied as is; only other text is decoded.
        let len = s.len() as isize;
        if s.is_ascii() {
            self.make(|v| unsafe {
                sys::napi_create_string_latin1(self.env, s.as_ptr().cast(), len, v)
            })
        } else {
            self.make(|v| unsafe {
                sys::napi_create_string_utf8(self.env, s.as_ptr().cast(), len, v)
            })
        }
    }

    fn array(self, items: &[sys::napi_value]) -> Result<sys::napi_value> {
        // SAFETY: `Out` only exists on the JS thread of its env.
        unsafe { shapes::array(self.env, self.shapes, items) }
    }

    fn object(
        self,
        keys: &[u8],
        values: &[sys::napi_value],
        fixed: bool,
    ) -> Result<sys::napi_value> {
        // SAFETY: `Out` only exists on the JS thread of its env.
        unsafe { shapes::object(self.env, self.shapes, keys, values, fixed) }
    }

    /// `{ variant: value }`. Variant names come from code, so they count as struct shapes.
    fn tagged(self, variant: &str, value: sys::napi_value) -> Result<sys::napi_value> {
        let mut keys = Vec::with_capacity(4 + variant.len());
        shapes::push_key(&mut keys, variant);
        self.object(&keys, &[value], true)
    }
}

impl ser::Serializer for Out {
    type Ok = sys::napi_value;
    type Error = OutError;
    type SerializeSeq = Seq;
    type SerializeTuple = Seq;
    type SerializeTupleStruct = Seq;
    type SerializeTupleVariant = Seq;
    type SerializeMap = Obj;
    type SerializeStruct = Obj;
    type SerializeStructVariant = Obj;

    fn serialize_bool(self, b: bool) -> Result<sys::napi_value> {
        self.make(|v| unsafe { sys::napi_get_boolean(self.env, b, v) })
    }

    fn serialize_i8(self, x: i8) -> Result<sys::napi_value> {
        self.double(f64::from(x))
    }

    fn serialize_i16(self, x: i16) -> Result<sys::napi_value> {
        self.double(f64::from(x))
    }

    fn serialize_i32(self, x: i32) -> Result<sys::napi_value> {
        self.double(f64::from(x))
    }

    fn serialize_i64(self, x: i64) -> Result<sys::napi_value> {
        if x.unsigned_abs() > MAX_SAFE_INTEGER {
            return Err(unsafe_number(x));
        }
        self.double(x as f64)
    }

    fn serialize_i128(self, x: i128) -> Result<sys::napi_value> {
        if x.unsigned_abs() > u128::from(MAX_SAFE_INTEGER) {
            return Err(unsafe_number(x));
        }
        self.double(x as f64)
    }

    fn serialize_u8(self, x: u8) -> Result<sys::napi_value> {
        self.double(f64::from(x))
    }

    fn serialize_u16(self, x: u16) -> Result<sys::napi_value> {
        self.double(f64::from(x))
    }

    fn serialize_u32(self, x: u32) -> Result<sys::napi_value> {
        self.double(f64::from(x))
    }

    fn serialize_u64(self, x: u64) -> Result<sys::napi_value> {
        if x > MAX_SAFE_INTEGER {
            return Err(unsafe_number(x));
        }
        self.double(x as f64)
    }

    fn serialize_u128(self, x: u128) -> Result<sys::napi_value> {
        if x > u128::from(MAX_SAFE_INTEGER) {
            return Err(unsafe_number(x));
        }
        self.double(x as f64)
    }

    fn serialize_f32(self, x: f32) -> Result<sys::napi_value> {
        self.serialize_f64(f64::from(x))
    }

    fn serialize_f64(self, x: f64) -> Result<sys::napi_value> {
        if x.is_finite() {
            self.double(x)
        } else {
            self.null()
        }
    }

    fn serialize_char(self, c: char) -> Result<sys::napi_value> {
        self.string(c.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, s: &str) -> Result<sys::napi_value> {
        self.string(s)
    }

    fn serialize_bytes(self, bytes: &[u8]) -> Result<sys::napi_value> {
        let items = bytes
            .iter()
            .map(|b| self.double(f64::from(*b)))
            .collect::<Result<Vec<_>>>()?;
        self.array(&items)
    }

    fn serialize_none(self) -> Result<sys::napi_value> {
        self.null()
    }

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<sys::napi_value> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<sys::napi_value> {
        self.null()
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<sys::napi_value> {
        self.null()
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<sys::napi_value> {
        self.string(variant)
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<sys::napi_value> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<sys::napi_value> {
        let inner = value.serialize(self)?;
        self.tagged(variant, inner)
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Seq> {
        Ok(Seq {
            out: self,
            items: Vec::with_capacity(len.unwrap_or(0)),
            variant: None,
        })
    }

    fn serialize_tuple(self, len: usize) -> Result<Seq> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Seq> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Seq> {
        let mut seq = self.serialize_seq(Some(len))?;
        seq.variant = Some(variant);
        Ok(seq)
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Obj> {
        Ok(Obj::new(self, len.unwrap_or(0), false, None))
    }

    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Obj> {
        Ok(Obj::new(self, len, true, None))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Obj> {
        Ok(Obj::new(self, len, true, Some(variant)))
    }
}

/// An array (or the array of a tuple variant) being built.
pub struct Seq {
    out: Out,
    items: Vec<sys::napi_value>,
    variant: Option<&'static str>,
}

impl Seq {
    fn push<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.items.push(value.serialize(self.out)?);
        Ok(())
    }

    fn finish(self) -> Result<sys::napi_value> {
        let arr = self.out.array(&self.items)?;
        match self.variant {
            Some(variant) => self.out.tagged(variant, arr),
            None => Ok(arr),
        }
    }
}

impl ser::SerializeSeq for Seq {
    type Ok = sys::napi_value;
    type Error = OutError;

    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }

    fn end(self) -> Result<sys::napi_value> {
        self.finish()
    }
}

impl ser::SerializeTuple for Seq {
    type Ok = sys::napi_value;
    type Error = OutError;

    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }

    fn end(self) -> Result<sys::napi_value> {
        self.finish()
    }
}

impl ser::SerializeTupleStruct for Seq {
    type Ok = sys::napi_value;
    type Error = OutError;

    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }

    fn end(self) -> Result<sys::napi_value> {
        self.finish()
    }
}

impl ser::SerializeTupleVariant for Seq {
    type Ok = sys::napi_value;
    type Error = OutError;

    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }

    fn end(self) -> Result<sys::napi_value> {
        self.finish()
    }
}

/// An object (a struct, a map, or the object of a struct variant) being built: its keys in
/// [`shapes::push_key`] form and its values, in the order serde gives them.
pub struct Obj {
    out: Out,
    keys: Vec<u8>,
    values: Vec<sys::napi_value>,
    /// A struct: its keys come from code, not data.
    fixed: bool,
    variant: Option<&'static str>,
}

impl Obj {
    fn new(out: Out, len: usize, fixed: bool, variant: Option<&'static str>) -> Obj {
        Obj {
            out,
            keys: Vec::with_capacity(len * 16),
            values: Vec::with_capacity(len),
            fixed,
            variant,
        }
    }

    fn field<T: ?Sized + Serialize>(&mut self, key: &str, value: &T) -> Result<()> {
        let v = value.serialize(self.out)?;
        shapes::push_key(&mut self.keys, key);
        self.values.push(v);
        Ok(())
    }

    fn finish(self) -> Result<sys::napi_value> {
        let obj = self.out.object(&self.keys, &self.values, self.fixed)?;
        match self.variant {
            Some(variant) => self.out.tagged(variant, obj),
            None => Ok(obj),
        }
    }
}

impl ser::SerializeMap for Obj {
    type Ok = sys::napi_value;
    type Error = OutError;

    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<()> {
        key.serialize(KeyOut(&mut self.keys))
    }

    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        let v = value.serialize(self.out)?;
        self.values.push(v);
        Ok(())
    }

    fn end(self) -> Result<sys::napi_value> {
        self.finish()
    }
}

impl ser::SerializeStruct for Obj {
    type Ok = sys::napi_value;
    type Error = OutError;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.field(key, value)
    }

    fn end(self) -> Result<sys::napi_value> {
        self.finish()
    }
}

impl ser::SerializeStructVariant for Obj {
    type Ok = sys::napi_value;
    type Error = OutError;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.field(key, value)
    }

    fn end(self) -> Result<sys::napi_value> {
        self.finish()
    }
}
