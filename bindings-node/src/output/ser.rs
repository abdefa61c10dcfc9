//! A serde `Serializer` whose output is JS values, mapping every serde shape as `serde_json`
//! does: `None` and unit are `null`, a non-finite float is `null`, unit variants are strings,
//! other variants `{ variant: value }`, bytes an array of numbers, map keys strings (integers,
//! chars and booleans in their text form).

use std::fmt;
use std::ptr;

use fanline::Error;
use napi::sys;
use serde::ser::{self, Serialize};

use std::cell::{RefCell, RefMut};

use super::key::KeyOut;
use super::shapes::{self, Shapes};
use super::tree::{self, Tape};
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

/// The serializer: the env, its shape cache and the tape the result is written to. Only made
/// on the JS thread of `env`.
#[derive(Clone, Copy)]
pub struct Out<'t> {
    env: sys::napi_env,
    shapes: Option<&'static Shapes>,
    tape: &'t RefCell<Tape>,
}

impl<'t> Out<'t> {
    /// # Safety
    /// Call on the JS thread of the live `env`, and use the result only there.
    pub unsafe fn new(env: sys::napi_env, tape: &'t RefCell<Tape>) -> Out<'t> {
        Out {
            env,
            shapes: unsafe { shapes::of(env) },
            tape,
        }
    }

    /// The JS value of everything written to the tape (one value).
    pub fn finish(self) -> Result<sys::napi_value> {
        // SAFETY: `Out` only exists on the JS thread of its env.
        unsafe { tree::build(self.env, self.shapes, &self.tape.borrow()) }
    }

    fn tape(self) -> RefMut<'t, Tape> {
        self.tape.borrow_mut()
    }

    fn make(self, f: impl FnOnce(&mut sys::napi_value) -> sys::napi_status) -> Result<()> {
        let mut v = ptr::null_mut();
        ok(f(&mut v))?;
        self.tape().leaf(v);
        Ok(())
    }

    fn null(self) -> Result<()> {
        self.make(|v| unsafe { sys::napi_get_null(self.env, v) })
    }

    fn double(self, x: f64) -> Result<()> {
        self.make(|v| unsafe { sys::napi_create_double(self.env, x, v) })
    }

    fn string(self, s: &str) -> Result<()> {
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

    /// `{ variant: <what follows> }`. Variant names come from code, so they count as struct
    /// shapes.
    fn tagged(self, variant: &str) {
        let mut tape = self.tape();
        let at = tape.open_object(true);
        tape.key(variant);
        tape.close(at, 1);
    }
}

impl<'t> ser::Serializer for Out<'t> {
    type Ok = ();
    type Error = OutError;
    type SerializeSeq = Seq<'t>;
    type SerializeTuple = Seq<'t>;
    type SerializeTupleStruct = Seq<'t>;
    type SerializeTupleVariant = Seq<'t>;
    type SerializeMap = Obj<'t>;
    type SerializeStruct = Obj<'t>;
    type SerializeStructVariant = Obj<'t>;

    fn serialize_bool(self, b: bool) -> Result<()> {
        self.make(|v| unsafe { sys::napi_get_boolean(self.env, b, v) })
    }

    fn serialize_i8(self, x: i8) -> Result<()> {
        self.double(f64::from(x))
    }

    fn serialize_i16(self, x: i16) -> Result<()> {
        self.double(f64::from(x))
    }

    fn serialize_i32(self, x: i32) -> Result<()> {
        self.double(f64::from(x))
    }

    fn serialize_i64(self, x: i64) -> Result<()> {
        if x.unsigned_abs() > MAX_SAFE_INTEGER {
            return Err(unsafe_number(x));
        }
        self.double(x as f64)
    }

    fn serialize_i128(self, x: i128) -> Result<()> {
        if x.unsigned_abs() > u128::from(MAX_SAFE_INTEGER) {
            return Err(unsafe_number(x));
        }
        self.double(x as f64)
    }

    fn serialize_u8(self, x: u8) -> Result<()> {
        self.double(f64::from(x))
    }

    fn serialize_u16(self, x: u16) -> Result<()> {
        self.double(f64::from(x))
    }

    fn serialize_u32(self, x: u32) -> Result<()> {
        self.double(f64::from(x))
    }

    fn serialize_u64(self, x: u64) -> Result<()> {
        if x > MAX_SAFE_INTEGER {
            return Err(unsafe_number(x));
        }
        self.double(x as f64)
    }

    fn serialize_u128(self, x: u128) -> Result<()> {
        if x > u128::from(MAX_SAFE_INTEGER) {
            return Err(unsafe_number(x));
        }
        self.double(x as f64)
    }

    fn serialize_f32(self, x: f32) -> Result<()> {
        self.serialize_f64(f64::from(x))
    }

    fn serialize_f64(self, x: f64) -> Result<()> {
        if x.is_finite() {
            self.double(x)
        } else {
            self.null()
        }
    }

    fn serialize_char(self, c: char) -> Result<()> {
        self.string(c.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, s: &str) -> Result<()> {
        self.string(s)
    }

    fn serialize_bytes(self, bytes: &[u8]) -> Result<()> {
        let at = self.tape().open_array();
        for b in bytes {
            self.double(f64::from(*b))?;
        }
        self.tape().close(at, bytes.len());
        Ok(())
    }

    fn serialize_none(self) -> Result<()> {
        self.null()
    }

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<()> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<()> {
        self.null()
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<()> {
        self.null()
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<()> {
        // A leaf like any string. As a constant of the structure it would make one factory per
        // combination of values (a page of calls has many), against a bounded cache.
        self.string(variant)
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
        variant: &'static str,
        value: &T,
    ) -> Result<()> {
        self.tagged(variant);
        value.serialize(self)
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Seq<'t>> {
        let at = self.tape().open_array();
        Ok(Seq {
            out: self,
            at,
            len: 0,
        })
    }

    fn serialize_tuple(self, len: usize) -> Result<Seq<'t>> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Seq<'t>> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Seq<'t>> {
        self.tagged(variant);
        self.serialize_seq(Some(len))
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Obj<'t>> {
        Ok(Obj::new(self, false))
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Obj<'t>> {
        Ok(Obj::new(self, true))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Obj<'t>> {
        self.tagged(variant);
        Ok(Obj::new(self, true))
    }
}

/// An array being written: where it opened on the tape, and its items so far.
pub struct Seq<'t> {
    out: Out<'t>,
    at: usize,
    len: usize,
}

impl Seq<'_> {
    fn push<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        value.serialize(self.out)?;
        self.len += 1;
        Ok(())
    }

    fn finish(self) -> Result<()> {
        self.out.tape().close(self.at, self.len);
        Ok(())
    }
}

macro_rules! seq_impl {
    ($trait:ident, $method:ident) => {
        impl ser::$trait for Seq<'_> {
            type Ok = ();
            type Error = OutError;

            fn $method<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
                self.push(value)
            }

            fn end(self) -> Result<()> {
                self.finish()
            }
        }
    };
}

seq_impl!(SerializeSeq, serialize_element);
seq_impl!(SerializeTuple, serialize_element);
seq_impl!(SerializeTupleStruct, serialize_field);
seq_impl!(SerializeTupleVariant, serialize_field);

/// An object (a struct, a map, or the object of a struct variant) being written: where it
/// opened on the tape, and its entries so far (each a key, then its value).
pub struct Obj<'t> {
    out: Out<'t>,
    at: usize,
    len: usize,
}

impl<'t> Obj<'t> {
    fn new(out: Out<'t>, fixed: bool) -> Obj<'t> {
        let at = out.tape().open_object(fixed);
        Obj { out, at, len: 0 }
    }

    fn field<T: ?Sized + Serialize>(&mut self, key: &str, value: &T) -> Result<()> {
        self.out.tape().key(key);
        value.serialize(self.out)?;
        self.len += 1;
        Ok(())
    }

    fn finish(self) -> Result<()> {
        self.out.tape().close(self.at, self.len);
        Ok(())
    }
}

impl ser::SerializeMap for Obj<'_> {
    type Ok = ();
    type Error = OutError;

    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<()> {
        let mut tape = self.out.tape();
        key.serialize(KeyOut(tape.keys()))
    }

    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        value.serialize(self.out)?;
        self.len += 1;
        Ok(())
    }

    fn end(self) -> Result<()> {
        self.finish()
    }
}

impl ser::SerializeStruct for Obj<'_> {
    type Ok = ();
    type Error = OutError;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.field(key, value)
    }

    fn end(self) -> Result<()> {
        self.finish()
    }
}

impl ser::SerializeStructVariant for Obj<'_> {
    type Ok = ();
    type Error = OutError;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.field(key, value)
    }

    fn end(self) -> Result<()> {
        self.finish()
    }
}
