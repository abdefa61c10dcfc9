//! Argument conversion: JS values in, as core values or strict JSON. Every wrong type,
//! fractional or negative count, number above 2^53 - 1 or oversized string is an
//! `INVALID_INPUT` error that names the argument; nothing is coerced or truncated silently.

use std::ptr;

use fanline::Error;
use napi::bindgen_prelude::Unknown;
use napi::{sys, JsValue, ValueType};
use serde::de::DeserializeOwned;
use serde_json::{Map, Number, Value};

use crate::read::Fast;

type Result<T> = fanline::Result<T>;

/// Largest JS integer that a double holds exactly: 2^53 - 1.
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;
/// The bounds both bindings apply (`fanline::bounds`): string bytes, object nesting, list
/// items (an array's length is a u32 in napi).
pub use fanline::bounds::MAX_STRING_BYTES;
use fanline::bounds::{MAX_LIST_ITEMS, MAX_NESTING as MAX_DEPTH};
const MAX_ELEMENTS: u32 = MAX_LIST_ITEMS as u32;

/// One JS value seen from Rust: its env and handle.
#[derive(Clone, Copy)]
pub struct Js {
    env: sys::napi_env,
    value: sys::napi_value,
}

impl From<&Unknown<'_>> for Js {
    fn from(v: &Unknown<'_>) -> Self {
        let raw = v.value();
        Js {
            env: raw.env,
            value: raw.value,
        }
    }
}

fn status(code: sys::napi_status) -> Result<()> {
    if code == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(Error::internal(format!(
            "napi call failed with status {code}"
        )))
    }
}

fn invalid(what: &str, expected: &str) -> Error {
    Error::invalid(format!("{what} must be {expected}"))
}

impl Js {
    /// The value's JS type.
    pub fn kind(self) -> Result<ValueType> {
        let mut t = 0;
        status(unsafe { sys::napi_typeof(self.env, self.value, &mut t) })?;
        Ok(ValueType::from(t))
    }

    /// `undefined` or `null`.
    pub fn is_nullish(self) -> Result<bool> {
        Ok(matches!(
            self.kind()?,
            ValueType::Undefined | ValueType::Null
        ))
    }

    fn is_array(self) -> Result<bool> {
        let mut b = false;
        status(unsafe { sys::napi_is_array(self.env, self.value, &mut b) })?;
        Ok(b)
    }

    /// The env and handle.
    pub fn raw(self) -> (sys::napi_env, sys::napi_value) {
        (self.env, self.value)
    }

    /// Another value of the same env.
    pub fn with(self, value: sys::napi_value) -> Js {
        Js {
            env: self.env,
            value,
        }
    }

    /// A string of at most [`MAX_STRING_BYTES`]. Short strings (the usual case) take one napi
    /// call into a stack buffer and one exact-size allocation; longer ones are measured first.
    pub fn string(self, what: &str) -> Result<String> {
        const SHORT: usize = 256;
        let mut short = [0u8; SHORT];
        let mut written = 0;
        let code = unsafe {
            sys::napi_get_value_string_utf8(
                self.env,
                self.value,
                short.as_mut_ptr().cast(),
                SHORT,
                &mut written,
            )
        };
        if code == sys::Status::napi_string_expected {
            return Err(invalid(what, "a string"));
        }
        status(code)?;
        // V8 writes whole characters only: a string that did not fit can stop up to 3 bytes
        // (one UTF-8 character, less one) before the end of the buffer, so anything that
        // close to full is read again at its real length rather than taken as truncated.
        let buf = if written + 4 >= SHORT {
            let mut len = 0;
            status(unsafe {
                sys::napi_get_value_string_utf8(self.env, self.value, ptr::null_mut(), 0, &mut len)
            })?;
            if len > MAX_STRING_BYTES {
                return Err(Error::invalid(format!(
                    "{what} is longer than {MAX_STRING_BYTES} bytes"
                )));
            }
            let mut long = vec![0u8; len + 1];
            status(unsafe {
                sys::napi_get_value_string_utf8(
                    self.env,
                    self.value,
                    long.as_mut_ptr().cast(),
                    long.len(),
                    &mut written,
                )
            })?;
            long.truncate(written);
            long
        } else {
            short[..written].to_vec()
        };
        // V8 writes a lone surrogate as U+FFFD, silently changing the text. Only a string
        // holding U+FFFD can have had one, so only those are read again as UTF-16 to tell.
        if contains_replacement_char(&buf) && self.has_lone_surrogate()? {
            return Err(invalid(
                what,
                "valid Unicode text (it has a lone UTF-16 surrogate)",
            ));
        }
        String::from_utf8(buf).map_err(|_| invalid(what, "valid text"))
    }

    /// Whether a string (already read once, so known to be a string of bounded length) holds
    /// a UTF-16 surrogate without its partner.
    fn has_lone_surrogate(self) -> Result<bool> {
        let mut len = 0;
        status(unsafe {
            sys::napi_get_value_string_utf16(self.env, self.value, ptr::null_mut(), 0, &mut len)
        })?;
        let mut units = vec![0u16; len + 1];
        let mut written = 0;
        status(unsafe {
            sys::napi_get_value_string_utf16(
                self.env,
                self.value,
                units.as_mut_ptr(),
                units.len(),
                &mut written,
            )
        })?;
        units.truncate(written);
        Ok(char::decode_utf16(units).any(|c| c.is_err()))
    }

    /// A string, or `None` for `undefined`/`null`.
    pub fn opt_string(self, what: &str) -> Result<Option<String>> {
        if self.is_nullish()? {
            Ok(None)
        } else {
            self.string(what).map(Some)
        }
    }

    /// A number (any finite double).
    pub fn number(self, what: &str) -> Result<f64> {
        let mut x = 0.0;
        let code = unsafe { sys::napi_get_value_double(self.env, self.value, &mut x) };
        if code == sys::Status::napi_number_expected {
            return Err(invalid(what, "a number"));
        }
        status(code)?;
        if !x.is_finite() {
            return Err(invalid(what, "a finite number"));
        }
        Ok(x)
    }

    /// A signed integer within +-(2^53 - 1).
    pub fn integer(self, what: &str) -> Result<i64> {
        let x = self.number(what)?;
        if x.fract() != 0.0 || x.abs() > MAX_SAFE_INTEGER as f64 {
            return Err(invalid(what, "an integer within +-(2^53 - 1)"));
        }
        Ok(x as i64)
    }

    /// A count: an integer from 0 to 2^53 - 1.
    pub fn count(self, what: &str) -> Result<u64> {
        let x = self.number(what)?;
        if x.fract() != 0.0 || !(0.0..=MAX_SAFE_INTEGER as f64).contains(&x) {
            return Err(invalid(what, "an integer from 0 to 2^53 - 1"));
        }
        Ok(x as u64)
    }

    /// A count that fits the core's narrower type (`u32`, `u16`, ...).
    pub fn count_as<T: TryFrom<u64>>(self, what: &str, max: u64) -> Result<T> {
        let x = self.count(what)?;
        T::try_from(x)
            .ok()
            .filter(|_| x <= max)
            .ok_or_else(|| invalid(what, &format!("an integer from 0 to {max}")))
    }

    /// A count, or `None` for `undefined`/`null`.
    pub fn opt_count_as<T: TryFrom<u64>>(self, what: &str, max: u64) -> Result<Option<T>> {
        if self.is_nullish()? {
            Ok(None)
        } else {
            self.count_as(what, max).map(Some)
        }
    }

    /// A boolean.
    pub fn boolean(self, what: &str) -> Result<bool> {
        if self.kind()? != ValueType::Boolean {
            return Err(invalid(what, "a boolean"));
        }
        let mut b = false;
        status(unsafe { sys::napi_get_value_bool(self.env, self.value, &mut b) })?;
        Ok(b)
    }

    /// The bytes of a string (UTF-8) or of a Buffer / Uint8Array.
    pub fn bytes(self, what: &str) -> Result<Vec<u8>> {
        if self.kind()? == ValueType::String {
            return self.string(what).map(String::into_bytes);
        }
        let mut is_typed = false;
        status(unsafe { sys::napi_is_typedarray(self.env, self.value, &mut is_typed) })?;
        if !is_typed {
            return Err(invalid(what, "a string, Buffer or Uint8Array"));
        }
        let mut kind = 0;
        let mut len = 0;
        let mut data = ptr::null_mut();
        let mut buffer = ptr::null_mut();
        let mut offset = 0;
        status(unsafe {
            sys::napi_get_typedarray_info(
                self.env,
                self.value,
                &mut kind,
                &mut len,
                &mut data,
                &mut buffer,
                &mut offset,
            )
        })?;
        if kind != sys::TypedarrayType::uint8_array || len > MAX_STRING_BYTES {
            return Err(invalid(what, "a Buffer or Uint8Array of at most 64 KiB"));
        }
        if len == 0 {
            return Ok(Vec::new());
        }
        // SAFETY: napi reports `len` readable bytes at `data` for a Uint8Array.
        Ok(unsafe { std::slice::from_raw_parts(data.cast::<u8>(), len) }.to_vec())
    }

    /// The elements of an array of at most [`MAX_ELEMENTS`].
    pub fn array(self, what: &str) -> Result<Vec<Js>> {
        if !self.is_array()? {
            return Err(invalid(what, "an array"));
        }
        let mut len = 0;
        status(unsafe { sys::napi_get_array_length(self.env, self.value, &mut len) })?;
        if len > MAX_ELEMENTS {
            return Err(Error::invalid(format!(
                "{what} has more than {MAX_ELEMENTS} elements"
            )));
        }
        (0..len)
            .map(|i| {
                let mut v = ptr::null_mut();
                status(unsafe { sys::napi_get_element(self.env, self.value, i, &mut v) })?;
                Ok(self.with(v))
            })
            .collect()
    }

    /// A plain object (not an array, not null).
    pub fn require_object(self, what: &str) -> Result<()> {
        if self.kind()? != ValueType::Object || self.is_array()? {
            return Err(invalid(what, "an object"));
        }
        Ok(())
    }

    /// Property `name` of an object (which is `undefined` when absent).
    pub fn get(self, name: &str, what: &str) -> Result<Js> {
        self.require_object(what)?;
        let key = std::ffi::CString::new(name).map_err(Error::internal)?;
        self.field(&key)
    }

    /// Property `name` of a value already known to be an object.
    pub fn field(self, name: &std::ffi::CStr) -> Result<Js> {
        let mut v = ptr::null_mut();
        status(unsafe {
            sys::napi_get_named_property(self.env, self.value, name.as_ptr(), &mut v)
        })?;
        Ok(self.with(v))
    }

    /// How many own enumerable string keys an object has.
    pub fn key_count(self) -> Result<u32> {
        let mut names = ptr::null_mut();
        status(unsafe {
            sys::napi_get_all_property_names(
                self.env,
                self.value,
                sys::KeyCollectionMode::own_only,
                sys::KeyFilter::enumerable | sys::KeyFilter::skip_symbols,
                sys::KeyConversion::numbers_to_strings,
                &mut names,
            )
        })?;
        let mut len = 0;
        status(unsafe { sys::napi_get_array_length(self.env, names, &mut len) })?;
        Ok(len)
    }

    /// The own enumerable string keys of a plain object, with their values.
    pub fn entries(self, what: &str) -> Result<Vec<(String, Js)>> {
        self.require_object(what)?;
        self.raw_entries()
    }

    fn raw_entries(self) -> Result<Vec<(String, Js)>> {
        let mut names = ptr::null_mut();
        status(unsafe {
            sys::napi_get_all_property_names(
                self.env,
                self.value,
                sys::KeyCollectionMode::own_only,
                sys::KeyFilter::enumerable | sys::KeyFilter::skip_symbols,
                sys::KeyConversion::numbers_to_strings,
                &mut names,
            )
        })?;
        let mut len = 0;
        status(unsafe { sys::napi_get_array_length(self.env, names, &mut len) })?;
        if len > MAX_ELEMENTS {
            return Err(Error::invalid(format!(
                "object keys has more than {MAX_ELEMENTS} elements"
            )));
        }
        (0..len)
            .map(|i| {
                let mut k = ptr::null_mut();
                status(unsafe { sys::napi_get_element(self.env, names, i, &mut k) })?;
                let mut v = ptr::null_mut();
                status(unsafe { sys::napi_get_property(self.env, self.value, k, &mut v) })?;
                Ok((self.with(k).string("object key")?, self.with(v)))
            })
            .collect()
    }

    /// The value as JSON, strictly: integers within +-(2^53 - 1), finite numbers, strings,
    /// booleans, `null`, arrays and plain objects (properties that are `undefined` are left
    /// out, as `JSON.stringify` does). Functions, symbols, bigints and `undefined` elsewhere
    /// are refused.
    pub fn json(self, what: &str) -> Result<Value> {
        self.json_at(what, 0)
    }

    fn json_at(self, what: &str, depth: usize) -> Result<Value> {
        if depth > MAX_DEPTH {
            return Err(Error::invalid(format!(
                "{what} is nested more than {MAX_DEPTH} levels deep"
            )));
        }
        Ok(match self.kind()? {
            ValueType::Null => Value::Null,
            ValueType::Boolean => Value::Bool(self.boolean(what)?),
            ValueType::String => Value::String(self.string(what)?),
            ValueType::Number => {
                let x = self.number(what)?;
                if x.fract() == 0.0 {
                    if x.abs() > MAX_SAFE_INTEGER as f64 {
                        return Err(Error::invalid(format!(
                            "{what}: {x} is beyond 2^53 - 1 and cannot be represented exactly"
                        )));
                    }
                    Value::Number(Number::from(x as i64))
                } else {
                    Number::from_f64(x).map_or(Value::Null, Value::Number)
                }
            }
            ValueType::Object if self.is_array()? => Value::Array(
                self.array(what)?
                    .into_iter()
                    .map(|v| v.json_at(what, depth + 1))
                    .collect::<Result<_>>()?,
            ),
            ValueType::Object => {
                let mut map = Map::new();
                for (k, v) in self.raw_entries()? {
                    if v.kind()? != ValueType::Undefined {
                        let inner = v.json_at(what, depth + 1)?;
                        map.insert(k, inner);
                    }
                }
                Value::Object(map)
            }
            _ => {
                return Err(invalid(
                    what,
                    "plain data (objects, arrays, strings, numbers, booleans, null)",
                ))
            }
        })
    }

    /// The value deserialized into a core type through its serde form. `undefined` reads as
    /// `null`, so an optional argument can be left out.
    ///
    /// The usual argument takes a fast path ([`read`](crate::read)) that answers only for input
    /// this path accepts, with the same value; any other input is read here as before.
    pub fn serde<T: DeserializeOwned>(self, what: &str) -> Result<T> {
        if let Ok(value) = T::deserialize(Fast::new(self)) {
            return Ok(value);
        }
        let value = if self.kind()? == ValueType::Undefined {
            Value::Null
        } else {
            self.json(what)?
        };
        serde_json::from_value(value).map_err(|e| Error::invalid(format!("{what}: {e}")))
    }
}

/// Whether UTF-8 `bytes` contain U+FFFD (`EF BF BD`).
fn contains_replacement_char(bytes: &[u8]) -> bool {
    bytes.windows(3).any(|w| w == [0xEF, 0xBF, 0xBD])
}

/// A core `u64` as a JS number, refusing values a double cannot hold exactly.
pub fn safe_u64(x: u64) -> Result<f64> {
    if x > MAX_SAFE_INTEGER {
        return Err(Error::invalid(format!(
            "the result {x} is beyond 2^53 - 1 and cannot be represented exactly in JavaScript"
        )));
    }
    Ok(x as f64)
}
