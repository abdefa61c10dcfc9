//! Results on their way to Python: a core value serialized straight into Python objects, with
//! no `serde_json::Value` in between (which cost an allocation per key and per value, then a
//! second walk to build the dicts). The result is what `json.loads(serde_json::to_string(v))`
//! would give, with the keys of every dict in sorted order (the order `serde_json::Value` has,
//! and what this binding returned before): struct field names are Python strings made once per
//! process and reused.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyInt, PyList, PyString};
use pyo3::IntoPyObjectExt;
use serde::ser::{self, Serialize};

/// Why a value could not be built.
#[derive(Debug)]
pub enum OutError {
    /// Python refused (out of memory, mostly).
    Py(PyErr),
    /// The value has no JSON form (a map key that is not text or a number, for one).
    Shape(String),
}

impl fmt::Display for OutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutError::Py(e) => write!(f, "{e}"),
            OutError::Shape(s) => f.write_str(s),
        }
    }
}

impl std::error::Error for OutError {}

impl ser::Error for OutError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        OutError::Shape(msg.to_string())
    }
}

impl From<PyErr> for OutError {
    fn from(e: PyErr) -> Self {
        OutError::Py(e)
    }
}

type Out<'py> = Result<Bound<'py, PyAny>, OutError>;

/// Struct field names as Python strings, made once: serde hands them over as `&'static str`.
static FIELD_NAMES: PyOnceLock<Mutex<HashMap<&'static str, Py<PyString>>>> = PyOnceLock::new();

fn field_name<'py>(py: Python<'py>, name: &'static str) -> Bound<'py, PyString> {
    let names = FIELD_NAMES.get_or_init(py, Mutex::default);
    let mut names = names.lock().unwrap_or_else(|e| e.into_inner());
    names
        .entry(name)
        .or_insert_with(|| PyString::intern(py, name).unbind())
        .bind(py)
        .clone()
}

/// A dict key: a struct field's name, or a map key with its text (to sort by).
enum Key<'py> {
    Field(&'static str),
    Text(String, Bound<'py, PyString>),
}

impl<'py> Key<'py> {
    fn text(&self) -> &str {
        match self {
            Key::Field(name) => name,
            Key::Text(text, _) => text,
        }
    }

    fn into_py(self, py: Python<'py>) -> Bound<'py, PyString> {
        match self {
            Key::Field(name) => field_name(py, name),
            Key::Text(_, key) => key,
        }
    }
}

/// A dict built from (key, value) pairs in sorted key order (a stable sort: of two equal
/// keys the later wins, as in a `serde_json` map).
fn sorted_dict<'py>(py: Python<'py>, mut entries: Vec<(Key<'py>, Bound<'py, PyAny>)>) -> Out<'py> {
    entries.sort_by(|a, b| a.0.text().cmp(b.0.text()));
    let dict = PyDict::new(py);
    for (k, v) in entries {
        dict.set_item(k.into_py(py), v)?;
    }
    Ok(dict.into_any())
}

/// Serializes `value` into Python objects.
pub fn to_python<'py, T: Serialize + ?Sized>(py: Python<'py>, value: &T) -> Out<'py> {
    value.serialize(Ser { py })
}

/// The serializer: one Python object per value.
#[derive(Clone, Copy)]
struct Ser<'py> {
    py: Python<'py>,
}

impl<'py> Ser<'py> {
    /// A number (or any value pyo3 converts on its own).
    fn scalar(self, v: impl IntoPyObject<'py>) -> Out<'py> {
        Ok(v.into_bound_py_any(self.py)?)
    }

    /// `{variant: value}`, serde's externally tagged form.
    fn tagged(self, variant: &'static str, value: Bound<'py, PyAny>) -> Out<'py> {
        let dict = PyDict::new(self.py);
        dict.set_item(field_name(self.py, variant), value)?;
        Ok(dict.into_any())
    }
}

impl<'py> ser::Serializer for Ser<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = OutError;
    type SerializeSeq = Seq<'py>;
    type SerializeTuple = Seq<'py>;
    type SerializeTupleStruct = Seq<'py>;
    type SerializeTupleVariant = Seq<'py>;
    type SerializeMap = Map<'py>;
    type SerializeStruct = Map<'py>;
    type SerializeStructVariant = Map<'py>;

    fn serialize_bool(self, v: bool) -> Out<'py> {
        Ok(PyBool::new(self.py, v).to_owned().into_any())
    }
    fn serialize_i8(self, v: i8) -> Out<'py> {
        self.scalar(v)
    }
    fn serialize_i16(self, v: i16) -> Out<'py> {
        self.scalar(v)
    }
    fn serialize_i32(self, v: i32) -> Out<'py> {
        self.scalar(v)
    }
    fn serialize_i64(self, v: i64) -> Out<'py> {
        self.scalar(v)
    }
    fn serialize_i128(self, v: i128) -> Out<'py> {
        self.scalar(v)
    }
    fn serialize_u8(self, v: u8) -> Out<'py> {
        self.scalar(v)
    }
    fn serialize_u16(self, v: u16) -> Out<'py> {
        self.scalar(v)
    }
    fn serialize_u32(self, v: u32) -> Out<'py> {
        self.scalar(v)
    }
    fn serialize_u64(self, v: u64) -> Out<'py> {
        self.scalar(v)
    }
    fn serialize_u128(self, v: u128) -> Out<'py> {
        self.scalar(v)
    }
    fn serialize_f32(self, v: f32) -> Out<'py> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Out<'py> {
        // JSON has no NaN or infinity: serde_json writes null for them.
        if v.is_finite() {
            self.scalar(v)
        } else {
            self.serialize_unit()
        }
    }
    fn serialize_char(self, v: char) -> Out<'py> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Out<'py> {
        Ok(PyString::new(self.py, v).into_any())
    }
    fn serialize_bytes(self, v: &[u8]) -> Out<'py> {
        // serde_json's form of bytes: a list of numbers.
        Ok(PyList::new(self.py, v)?.into_any())
    }
    fn serialize_none(self) -> Out<'py> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Out<'py> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Out<'py> {
        Ok(self.py.None().into_bound(self.py))
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Out<'py> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
    ) -> Out<'py> {
        Ok(field_name(self.py, variant).into_any())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Out<'py> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
        value: &T,
    ) -> Out<'py> {
        let inner = value.serialize(self)?;
        self.tagged(variant, inner)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Seq<'py>, OutError> {
        Ok(Seq::new(self, len.unwrap_or(0), None))
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq<'py>, OutError> {
        Ok(Seq::new(self, len, None))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Seq<'py>, OutError> {
        Ok(Seq::new(self, len, None))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Seq<'py>, OutError> {
        Ok(Seq::new(self, len, Some(variant)))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Map<'py>, OutError> {
        Ok(Map::new(self, len.unwrap_or(0), None))
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Map<'py>, OutError> {
        Ok(Map::new(self, len, None))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Map<'py>, OutError> {
        Ok(Map::new(self, len, Some(variant)))
    }
}

/// A list being built (a sequence, a tuple, or a tuple variant's fields).
struct Seq<'py> {
    ser: Ser<'py>,
    items: Vec<Bound<'py, PyAny>>,
    variant: Option<&'static str>,
}

impl<'py> Seq<'py> {
    fn new(ser: Ser<'py>, len: usize, variant: Option<&'static str>) -> Self {
        Seq {
            ser,
            items: Vec::with_capacity(len),
            variant,
        }
    }

    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), OutError> {
        self.items.push(value.serialize(self.ser)?);
        Ok(())
    }

    fn finish(self) -> Out<'py> {
        let list = PyList::new(self.ser.py, self.items)?.into_any();
        match self.variant {
            Some(variant) => self.ser.tagged(variant, list),
            None => Ok(list),
        }
    }
}

impl<'py> ser::SerializeSeq for Seq<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = OutError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), OutError> {
        self.push(value)
    }
    fn end(self) -> Out<'py> {
        self.finish()
    }
}

// The tuple forms are lists too, as in JSON; each delegates to the sequence's methods.
impl<'py> ser::SerializeTuple for Seq<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = OutError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), OutError> {
        self.push(value)
    }
    fn end(self) -> Out<'py> {
        self.finish()
    }
}

impl<'py> ser::SerializeTupleStruct for Seq<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = OutError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), OutError> {
        self.push(value)
    }
    fn end(self) -> Out<'py> {
        self.finish()
    }
}

impl<'py> ser::SerializeTupleVariant for Seq<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = OutError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), OutError> {
        self.push(value)
    }
    fn end(self) -> Out<'py> {
        self.finish()
    }
}

/// A dict being built (a map, a struct, or a struct variant's fields), sorted at the end.
struct Map<'py> {
    ser: Ser<'py>,
    entries: Vec<(Key<'py>, Bound<'py, PyAny>)>,
    /// A map's key, waiting for its value.
    key: Option<Key<'py>>,
    variant: Option<&'static str>,
}

impl<'py> Map<'py> {
    fn new(ser: Ser<'py>, len: usize, variant: Option<&'static str>) -> Self {
        Map {
            ser,
            entries: Vec::with_capacity(len),
            key: None,
            variant,
        }
    }

    fn field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), OutError> {
        let value = value.serialize(self.ser)?;
        self.entries.push((Key::Field(key), value));
        Ok(())
    }

    fn finish(self) -> Out<'py> {
        let dict = sorted_dict(self.ser.py, self.entries)?;
        match self.variant {
            Some(variant) => self.ser.tagged(variant, dict),
            None => Ok(dict),
        }
    }
}

impl<'py> ser::SerializeMap for Map<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = OutError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), OutError> {
        // JSON object keys are text; serde_json also writes integer keys as their digits.
        let key = key.serialize(self.ser)?;
        let key = if key.is_instance_of::<PyString>() {
            key
        } else if key.is_instance_of::<PyInt>() && !key.is_instance_of::<PyBool>() {
            key.str()?.into_any()
        } else {
            return Err(OutError::Shape(
                "a map key is not text or an integer".into(),
            ));
        };
        let key = key.cast_into::<PyString>().map_err(PyErr::from)?;
        self.key = Some(Key::Text(key.extract()?, key));
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), OutError> {
        let key = self
            .key
            .take()
            .ok_or_else(|| OutError::Shape("a map value came without its key".into()))?;
        let value = value.serialize(self.ser)?;
        self.entries.push((key, value));
        Ok(())
    }
    fn end(self) -> Out<'py> {
        self.finish()
    }
}

impl<'py> ser::SerializeStruct for Map<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = OutError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), OutError> {
        self.field(key, value)
    }
    fn end(self) -> Out<'py> {
        self.finish()
    }
}

impl<'py> ser::SerializeStructVariant for Map<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = OutError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), OutError> {
        self.field(key, value)
    }
    fn end(self) -> Out<'py> {
        self.finish()
    }
}
