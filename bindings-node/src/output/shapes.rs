//! Objects by shape. Setting properties one by one through napi costs a slow-path store and a
//! key lookup per property. Instead, each object shape (its keys, in the order serde gives them)
//! gets a small JS factory, compiled once per env, such as
//! `(function(a0,a1){return {"callType":a1,"id":a0}})`; an object is then one call with its
//! values. The factory lists the keys sorted (the order `serde_json::Value` gives), keeps the
//! last value of a repeated key, and defines `__proto__` as an own property.
//!
//! The cache is bounded: struct shapes come from code and are few; map shapes come from data
//! (a map's keys may be user ids), so they get a small budget. A shape past the budget, one with
//! very many keys, or one whose factory could not be compiled is built with one
//! `napi_define_properties` call instead: same result, slower.
//!
//! The same per-env cache holds the argument readers of [`crate::read`] ([`read_fields`]), one
//! per struct field list, counted with the struct shapes.

use std::cell::RefCell;
use std::fmt::Write;
use std::ptr;

use napi::sys;
use rustc_hash::FxHashMap;

use super::ser::{ok, OutError};

/// Most struct shapes given a factory (the core has a few dozen).
const MAX_STRUCT_SHAPES: usize = 512;
/// Most map shapes given a factory (event payloads are maps).
const MAX_MAP_SHAPES: usize = 64;
/// Most keys in an object built by a factory.
const MAX_FACTORY_KEYS: usize = 64;
/// Most key bytes (encoded) in an object built by a factory.
const MAX_FACTORY_KEY_BYTES: usize = 4096;
/// Longest array built by a factory (`(function(a0,a1){return [a0,a1]})`); longer ones are
/// filled element by element.
const MAX_FACTORY_ITEMS: usize = 16;

/// One env's factories, by encoded key list, and its argument readers (see [`read_fields`]), by
/// the address and length of their static field list. `None`: no factory or reader.
#[derive(Default)]
struct Cache {
    factories: FxHashMap<Vec<u8>, Option<sys::napi_ref>>,
    readers: FxHashMap<(usize, usize), Option<sys::napi_ref>>,
    trees: FxHashMap<Vec<u8>, Option<sys::napi_ref>>,
    structs: usize,
    maps: usize,
}

impl Cache {
    /// Counts one more compiled shape against its budget (map shapes', or struct shapes',
    /// which argument readers share); `false`, counting nothing, when that budget is spent.
    fn take_budget(&mut self, map: bool) -> bool {
        let (used, most) = if map {
            (&mut self.maps, MAX_MAP_SHAPES)
        } else {
            (&mut self.structs, MAX_STRUCT_SHAPES)
        };
        if *used >= most {
            return false;
        }
        *used += 1;
        true
    }
}

/// One env's cache (kept in [`crate::env_local::EnvLocal`], alive as long as the env).
#[derive(Default)]
pub struct Shapes(RefCell<Cache>);

/// The shape cache of `env`, made on first use; `None` if napi cannot keep one (then every
/// object takes the slow path).
///
/// # Safety
/// Call on the JS thread of the live `env`.
pub unsafe fn of(env: sys::napi_env) -> Option<&'static Shapes> {
    // SAFETY: as this function's.
    unsafe { crate::env_local::of(env) }.map(|local| &local.shapes)
}

/// Appends `key` to an encoded key list (length, little-endian `u32`, then the UTF-8 bytes), a
/// form in which no two different lists are equal.
pub fn push_key(keys: &mut Vec<u8>, key: &str) {
    keys.extend_from_slice(&(key.len() as u32).to_le_bytes());
    keys.extend_from_slice(key.as_bytes());
}

/// The keys of an encoded list, in order.
fn decode(mut keys: &[u8]) -> Vec<&str> {
    let mut out = Vec::new();
    while let Some((len, rest)) = keys.split_first_chunk::<4>() {
        let len = u32::from_le_bytes(*len) as usize;
        let (key, rest) = rest.split_at(len.min(rest.len()));
        // Every key was pushed from a `&str`.
        out.push(std::str::from_utf8(key).unwrap_or_default());
        keys = rest;
    }
    out
}

/// The object's entries as the result holds them: sorted by key, the last of a repeated key.
/// Each entry is (key, index of its value).
fn entries(keys: &[u8]) -> Vec<(&str, usize)> {
    let mut all: Vec<(&str, usize)> = decode(keys).into_iter().zip(0..).collect();
    all.sort_by(|a, b| a.0.cmp(b.0));
    // `dedup_by` hands the later of two equal neighbours first and drops it.
    all.dedup_by(|later, kept| {
        let same = later.0 == kept.0;
        if same {
            kept.1 = later.1;
        }
        same
    });
    all
}

/// The cache key of arrays of `len` items; no encoded key list is that short.
fn array_key(len: usize) -> [u8; 2] {
    [0xFF, len as u8]
}

/// `(function(a0,...,a<arity-1>){return `.
pub fn preamble(arity: usize) -> String {
    let mut src = String::from("(function(");
    for i in 0..arity {
        let _ = write!(src, "{}a{i}", if i > 0 { "," } else { "" });
    }
    src.push_str("){return ");
    src
}

/// The source of an object factory (`keys` encoded) or, for `keys == None`, of an array
/// factory.
fn source(keys: Option<&[u8]>, arity: usize) -> String {
    let mut src = preamble(arity);
    let Some(keys) = keys else {
        src.push('[');
        for i in 0..arity {
            let _ = write!(src, "{}a{i}", if i > 0 { "," } else { "" });
        }
        src.push_str("]})");
        return src;
    };
    src.push('{');
    for (n, (key, i)) in entries(keys).into_iter().enumerate() {
        if n > 0 {
            src.push(',');
        }
        write_key(&mut src, key);
        let _ = write!(src, ":a{i}");
    }
    src.push_str("}})");
    src
}

/// Appends `key` as a property name of an object literal.
pub fn write_key(src: &mut String, key: &str) {
    // A JSON string is a JS string literal. A literal `__proto__:` would set the prototype;
    // the computed form defines an own property, as JSON.parse does.
    let quoted = serde_json::to_string(key).unwrap_or_default();
    if key == "__proto__" {
        let _ = write!(src, "[{quoted}]");
    } else {
        src.push_str(&quoted);
    }
}

/// The factory of a whole result's structure (see [`super::tree`]), compiling it from
/// `src()` if the budget allows (a tree with a map counts as a map shape).
///
/// # Safety
/// Call on the JS thread of the live `env`.
pub unsafe fn tree(
    env: sys::napi_env,
    shapes: &Shapes,
    shape: &[u8],
    maps: bool,
    src: impl FnOnce() -> Option<String>,
) -> Option<sys::napi_ref> {
    let mut cache = shapes.0.try_borrow_mut().ok()?;
    if let Some(known) = cache.trees.get(shape) {
        return *known;
    }
    if !cache.take_budget(maps) {
        return None;
    }
    let made = src().and_then(|src| unsafe { compile(env, &src) });
    cache.trees.insert(shape.to_vec(), made);
    made
}

/// Compiles a factory from `src`; `None` if the env refuses (the exception is cleared).
unsafe fn compile(env: sys::napi_env, src: &str) -> Option<sys::napi_ref> {
    let mut script = ptr::null_mut();
    let mut func = ptr::null_mut();
    let mut reference = ptr::null_mut();
    let compiled = unsafe {
        sys::napi_create_string_utf8(env, src.as_ptr().cast(), src.len() as isize, &mut script)
            == sys::Status::napi_ok
            && sys::napi_run_script(env, script, &mut func) == sys::Status::napi_ok
            && sys::napi_create_reference(env, func, 1, &mut reference) == sys::Status::napi_ok
    };
    if compiled {
        return Some(reference);
    }
    unsafe { clear_exception(env) };
    None
}

/// The factory cached under `key` (an encoded key list, or an [`array_key`]), compiling it
/// from `src()` if the budget allows.
unsafe fn factory(
    env: sys::napi_env,
    shapes: &Shapes,
    key: &[u8],
    fixed: bool,
    src: impl FnOnce() -> String,
) -> Option<sys::napi_ref> {
    let mut cache = shapes.0.try_borrow_mut().ok()?;
    if let Some(known) = cache.factories.get(key) {
        return *known;
    }
    if !cache.take_budget(!fixed) {
        return None;
    }
    let made = unsafe { compile(env, &src()) };
    cache.factories.insert(key.to_vec(), made);
    made
}

/// The source of a struct reader for `fields`: given a plain object whose own enumerable keys
/// are all among `fields`, the array of their values by field (`undefined` where absent), read
/// in the object's key order; `null` for an array or an object with any other key.
fn reader_source(fields: &[&str]) -> String {
    let quoted: Vec<String> = fields
        .iter()
        .map(|f| serde_json::to_string(f).unwrap_or_default())
        .collect();
    let mut src = String::from(
        "(function(o){if(Array.isArray(o))return null;var k=Object.keys(o),n=k.length,i,r=[",
    );
    for i in 0..fields.len() {
        src.push_str(if i > 0 { ",void 0" } else { "void 0" });
    }
    src.push_str("];for(i=0;i<n;i++)switch(k[i]){");
    for q in &quoted {
        let _ = write!(src, "case {q}:");
    }
    src.push_str("break;default:return null}for(i=0;i<n;i++)switch(k[i]){");
    for (i, q) in quoted.iter().enumerate() {
        let _ = write!(src, "case {q}:r[{i}]=o[{q}];break;");
    }
    src.push_str("}return r})");
    src
}

/// The values of `obj`'s fields, by a reader cached per field list (see [`reader_source`]):
/// an array of `fields.len()` items, or `None` when the reader refuses the object, threw (the
/// exception is cleared) or could not be made. The caller then reads the object the slow way.
///
/// # Safety
/// Call on the JS thread of the live `env`, with `obj` from that env.
pub unsafe fn read_fields(
    env: sys::napi_env,
    obj: sys::napi_value,
    fields: &'static [&'static str],
) -> Option<sys::napi_value> {
    let shapes = unsafe { of(env) }?;
    let reader = {
        let mut cache = shapes.0.try_borrow_mut().ok()?;
        let key = (fields.as_ptr() as usize, fields.len());
        match cache.readers.get(&key).copied() {
            Some(known) => known,
            None if cache.take_budget(false) => {
                let made = unsafe { compile(env, &reader_source(fields)) };
                cache.readers.insert(key, made);
                made
            }
            None => None,
        }
    }?;
    let values = match unsafe { call(env, reader, &[obj]) } {
        Ok(values) => values,
        Err(_) => {
            unsafe { clear_exception(env) };
            return None;
        }
    };
    let mut kind = 0;
    let typed = unsafe { sys::napi_typeof(env, values, &mut kind) };
    (typed == sys::Status::napi_ok && kind == sys::ValueType::napi_object).then_some(values)
}

/// Clears a pending JS exception, if any.
unsafe fn clear_exception(env: sys::napi_env) {
    let mut pending = false;
    unsafe {
        if sys::napi_is_exception_pending(env, &mut pending) == sys::Status::napi_ok && pending {
            let mut ignored = ptr::null_mut();
            sys::napi_get_and_clear_last_exception(env, &mut ignored);
        }
    }
}

/// Calls a factory with `values`.
///
/// # Safety
/// Call on the JS thread of the live `env`, with `values` from that env.
pub unsafe fn call(
    env: sys::napi_env,
    factory: sys::napi_ref,
    values: &[sys::napi_value],
) -> Result<sys::napi_value, OutError> {
    let mut func = ptr::null_mut();
    let mut recv = ptr::null_mut();
    let mut made = ptr::null_mut();
    ok(unsafe { sys::napi_get_reference_value(env, factory, &mut func) })?;
    ok(unsafe { sys::napi_get_undefined(env, &mut recv) })?;
    ok(unsafe {
        sys::napi_call_function(env, recv, func, values.len(), values.as_ptr(), &mut made)
    })?;
    Ok(made)
}

/// The array of `items`.
///
/// # Safety
/// Call on the JS thread of the live `env`, with `items` from that env.
pub unsafe fn array(
    env: sys::napi_env,
    shapes: Option<&Shapes>,
    items: &[sys::napi_value],
) -> Result<sys::napi_value, OutError> {
    let len = items.len();
    if (1..=MAX_FACTORY_ITEMS).contains(&len) {
        let made = shapes
            .and_then(|s| unsafe { factory(env, s, &array_key(len), true, || source(None, len)) });
        if let Some(f) = made {
            return unsafe { call(env, f, items) };
        }
    }
    let mut arr = ptr::null_mut();
    ok(unsafe { sys::napi_create_array_with_length(env, len, &mut arr) })?;
    for (i, item) in items.iter().enumerate() {
        let i = u32::try_from(i).map_err(|_| OutError::Custom("array too long".into()))?;
        ok(unsafe { sys::napi_set_element(env, arr, i, *item) })?;
    }
    Ok(arr)
}

/// The object with `keys` (encoded) and `values` (one per key, in order). `fixed`: the keys
/// come from a struct.
///
/// # Safety
/// Call on the JS thread of the live `env`, with `values` from that env.
pub unsafe fn object(
    env: sys::napi_env,
    shapes: Option<&Shapes>,
    keys: &[u8],
    values: &[sys::napi_value],
    fixed: bool,
) -> Result<sys::napi_value, OutError> {
    let small = values.len() <= MAX_FACTORY_KEYS && keys.len() <= MAX_FACTORY_KEY_BYTES;
    let made = shapes
        .filter(|_| small)
        .and_then(|s| unsafe { factory(env, s, keys, fixed, || source(Some(keys), values.len())) });
    if let Some(f) = made {
        return unsafe { call(env, f, values) };
    }
    let mut obj = ptr::null_mut();
    ok(unsafe { sys::napi_create_object(env, &mut obj) })?;
    let mut props = Vec::with_capacity(values.len());
    for (key, i) in entries(keys) {
        let mut name = ptr::null_mut();
        ok(unsafe {
            sys::napi_create_string_utf8(env, key.as_ptr().cast(), key.len() as isize, &mut name)
        })?;
        props.push(sys::napi_property_descriptor {
            utf8name: ptr::null(),
            name,
            method: None,
            getter: None,
            setter: None,
            value: *values
                .get(i)
                .ok_or_else(|| OutError::Custom("a map key without a value".into()))?,
            attributes: sys::PropertyAttributes::writable
                | sys::PropertyAttributes::enumerable
                | sys::PropertyAttributes::configurable,
            data: ptr::null_mut(),
        });
    }
    ok(unsafe { sys::napi_define_properties(env, obj, props.len(), props.as_ptr()) })?;
    Ok(obj)
}
