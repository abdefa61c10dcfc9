//! `Fanline(...)`'s keyword arguments mapped onto the core's `FanlineConfig` (the same type,
//! parser and defaults as Node's config object): every mistake, a wrong type included, is a
//! `ConfigError` (`INVALID_CONFIG`) naming the field.

use fanline::bounds::{MAX_LIST_ITEMS, MAX_NESTING, MAX_STRING_BYTES};
use fanline::engine::FanlineConfig;
use fanline::Error;
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple,
};
use serde_json::{Map, Value};

use crate::billing::PyBillingPolicy;
use crate::errors::to_py;

/// `INVALID_CONFIG` as a Python exception.
pub fn config_error(py: Python<'_>, message: impl Into<String>) -> PyErr {
    to_py(py, &Error::config(message))
}

/// A configuration value as JSON (see [`value`]), for a keyword named `what`.
pub fn config_value(what: &str, obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    value(what, obj, 0)
}

/// A configuration value as JSON: `None`, `bool`, `int`, `float`, `str`, `bytes` and
/// `bytearray` (as arrays of bytes, how the core reads a secret), dicts with `str` keys,
/// lists, tuples and `BillingPolicy`. Anything else is a `ConfigError` naming `what`.
fn value(what: &str, obj: &Bound<'_, PyAny>, depth: usize) -> PyResult<Value> {
    let py = obj.py();
    let unsupported = || {
        let kind = obj
            .get_type()
            .name()
            .map_or_else(|_| "object".to_string(), |n| n.to_string());
        config_error(py, format!("{what}: unsupported type {kind}"))
    };
    if depth > MAX_NESTING {
        return Err(config_error(py, format!("{what} is nested too deeply")));
    }
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(v) = obj.extract::<i64>() {
            return Ok(Value::from(v));
        }
        return obj
            .extract::<u64>()
            .map(Value::from)
            .map_err(|_| config_error(py, format!("{what}: integer out of range")));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        // Kept as a float so the core refuses it where it wants an integer.
        return serde_json::Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| config_error(py, format!("{what}: NaN and infinity are not valid")));
    }
    let too_long = || {
        config_error(
            py,
            format!("{what} is longer than {MAX_STRING_BYTES} bytes"),
        )
    };
    if let Ok(s) = obj.cast::<PyString>() {
        if s.len()? > MAX_STRING_BYTES {
            return Err(too_long());
        }
        let text = s
            .to_cow()
            .map_err(|_| config_error(py, format!("{what}: text is not valid Unicode")))?;
        if text.len() > MAX_STRING_BYTES {
            return Err(too_long());
        }
        return Ok(Value::String(text.into_owned()));
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        if b.as_bytes().len() > MAX_STRING_BYTES {
            return Err(too_long());
        }
        return Ok(bytes(b.as_bytes()));
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        if b.len() > MAX_STRING_BYTES {
            return Err(too_long());
        }
        return Ok(bytes(&b.to_vec()));
    }
    if let Ok(p) = obj.cast::<PyBillingPolicy>() {
        return serde_json::to_value(p.get().inner).map_err(|e| to_py(py, &Error::internal(e)));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = Map::new();
        for (k, v) in d.iter() {
            let key = k
                .cast::<PyString>()
                .ok()
                .and_then(|s| s.to_cow().ok().map(|c| c.into_owned()))
                .ok_or_else(|| config_error(py, format!("{what}: dict keys must be str")))?;
            let inner = value(&format!("{what}.{key}"), &v, depth + 1)?;
            map.insert(key, inner);
        }
        return Ok(Value::Object(map));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        if obj.len()? > MAX_LIST_ITEMS {
            return Err(config_error(
                py,
                format!("{what} has more than {MAX_LIST_ITEMS} items"),
            ));
        }
        return obj
            .try_iter()?
            .enumerate()
            .map(|(i, item)| value(&format!("{what}[{i}]"), &item?, depth + 1))
            .collect::<PyResult<Vec<_>>>()
            .map(Value::Array);
    }
    Err(unsupported())
}

fn bytes(b: &[u8]) -> Value {
    Value::Array(b.iter().map(|&x| Value::from(x)).collect())
}

/// A rate limit: Python's `(max, period_ms)` pair, or the wire form `{"max", "periodMs"}`.
fn rate(what: &str, obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    match value(what, obj, 0)? {
        Value::Array(pair) if pair.len() == 2 => {
            let mut pair = pair.into_iter();
            Ok(serde_json::json!({ "max": pair.next(), "periodMs": pair.next() }))
        }
        other => Ok(other),
    }
}

/// The keyword arguments of `Fanline(...)`, as given.
pub struct Kwargs<'py> {
    /// `store`: the store spec (required).
    pub store: Bound<'py, PyAny>,
    /// `app_id`.
    pub app_id: Bound<'py, PyAny>,
    /// `app_certificate`.
    pub app_certificate: Bound<'py, PyAny>,
    /// `share_key`: one key (shorthand for a ring of one).
    pub share_key: Option<Bound<'py, PyAny>>,
    /// `share_key_id`: the id of `share_key` (default 1).
    pub share_key_id: Option<Bound<'py, PyAny>>,
    /// `share_keys`: a whole ring, `{"activeKeyId", "keys": [{"id", "secret"}]}`.
    pub share_keys: Option<Bound<'py, PyAny>>,
    /// `flags`: `"env"` or a dict of name -> bool.
    pub flags: Option<Bound<'py, PyAny>>,
    /// `clock_ms`: a manual clock starting at this instant.
    pub clock_ms: Option<Bound<'py, PyAny>>,
    /// `billing`: a `BillingPolicy` or its dict.
    pub billing: Option<Bound<'py, PyAny>>,
    /// `ledger`.
    pub ledger: Option<Bound<'py, PyAny>>,
    /// `(keyword, wire name)` of each limit given.
    pub limits: Vec<(&'static str, &'static str, Option<Bound<'py, PyAny>>)>,
}

impl Kwargs<'_> {
    /// The configuration these arguments describe; a mistake is a `ConfigError`.
    pub fn config(&self, py: Python<'_>) -> PyResult<FanlineConfig> {
        let mut root = Map::new();
        root.insert("store".into(), value("store", &self.store, 0)?);
        root.insert(
            "agora".into(),
            serde_json::json!({
                "appId": value("app_id", &self.app_id, 0)?,
                "appCertificate": value("app_certificate", &self.app_certificate, 0)?,
            }),
        );
        let share_keys = match (&self.share_key, &self.share_keys) {
            (Some(_), Some(_)) => {
                return Err(config_error(py, "pass share_key or share_keys, not both"))
            }
            (None, None) => return Err(config_error(py, "share_key or share_keys is required")),
            (Some(key), None) => {
                let id = match &self.share_key_id {
                    Some(id) => value("share_key_id", id, 0)?,
                    None => Value::from(1),
                };
                serde_json::json!({
                    "activeKeyId": id,
                    "keys": [{ "id": id, "secret": value("share_key", key, 0)? }],
                })
            }
            (None, Some(ring)) => {
                if self.share_key_id.is_some() {
                    return Err(config_error(
                        py,
                        "share_key_id goes with share_key; share_keys names its activeKeyId",
                    ));
                }
                value("share_keys", ring, 0)?
            }
        };
        root.insert("shareKeys".into(), share_keys);
        if let Some(flags) = &self.flags {
            root.insert("flags".into(), value("flags", flags, 0)?);
        }
        if let Some(ms) = &self.clock_ms {
            let start = value("clock_ms", ms, 0)?;
            if !start.is_null() {
                root.insert(
                    "clock".into(),
                    serde_json::json!({ "manualStartMs": start }),
                );
            }
        }
        if let Some(billing) = &self.billing {
            root.insert("billing".into(), value("billing", billing, 0)?);
        }
        if let Some(ledger) = &self.ledger {
            root.insert("ledger".into(), value("ledger", ledger, 0)?);
        }
        let mut limits = Map::new();
        for (keyword, wire, arg) in &self.limits {
            if let Some(arg) = arg {
                let v = if wire.ends_with("Rate") {
                    rate(keyword, arg)?
                } else {
                    value(keyword, arg, 0)?
                };
                limits.insert((*wire).into(), v);
            }
        }
        root.insert("limits".into(), Value::Object(limits));
        FanlineConfig::from_value(Value::Object(root)).map_err(|e| to_py(py, &e))
    }
}
