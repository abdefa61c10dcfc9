//! Results on their way to JS. A core result is serialized straight into JS values on the JS
//! thread ([`ser`]), with no `serde_json::Value` in between: a result comes from one cached
//! factory of its whole structure ([`tree`]), a long one from factories of each object's shape
//! ([`shapes`]), rather than one property set per key, which is where most of a call's binding
//! time went. The JS value is what `JSON.parse(serde_json::to_string(result))`
//! would give with the keys of every object in sorted order (the order `serde_json::Value` has),
//! and a number a double cannot hold exactly is an `INVALID_INPUT` error, never rounded.

mod key;
mod ser;
pub mod shapes;
mod tree;

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};

use fanline::Error;
use napi::bindgen_prelude::{ToNapiValue, TypeName};
use napi::{sys, Env, JsValue, ValueType};
use serde::Serialize;

use self::tree::Tape;
use crate::error::error_object;

/// Writes a result to the serializer's tape; runs once, on the JS thread.
type Build = Box<dyn for<'t> FnOnce(ser::Out<'t>) -> Result<(), ser::OutError> + Send>;

/// A result on its way to JS: a core value, serialized when napi asks for its JS value.
pub struct Json(Build);

impl Json {
    /// Wraps an owned result (it may cross from a worker thread to the JS thread).
    pub fn new<T: Serialize + Send + 'static>(value: T) -> Json {
        Json(Box::new(move |out| value.serialize(out)))
    }

    /// Wraps a borrowed result, through its `serde_json::Value` form.
    pub fn of<T: Serialize + ?Sized>(value: &T) -> fanline::Result<Json> {
        Ok(Json::new(
            serde_json::to_value(value).map_err(Error::internal)?,
        ))
    }
}

/// A core error as the coded JS error napi throws (sync) or rejects with (Promise) as is.
pub fn coded(env: sys::napi_env, e: &Error) -> napi::Error {
    let env = Env::from_raw(env);
    match error_object(&env, e) {
        Ok(obj) => napi::Error::from(obj.to_unknown()),
        Err(failed) => failed,
    }
}

impl ToNapiValue for Json {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        let built = catch_unwind(AssertUnwindSafe(|| {
            let tape = RefCell::new(Tape::default());
            // SAFETY: napi calls this on the JS thread of `env`.
            let out = unsafe { ser::Out::new(env, &tape) };
            (val.0)(out)?;
            out.finish()
        }));
        match built {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(coded(env, &e.into_core(env))),
            Err(_) => Err(coded(
                env,
                &Error::internal("a panic was caught at the Node boundary"),
            )),
        }
    }
}

impl TypeName for Json {
    fn type_name() -> &'static str {
        "Json"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}
