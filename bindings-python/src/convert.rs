//! Conversions between Python values and the core's Rust values. Bad input of any kind
//! (wrong type, `None`, out-of-range number, text that is not valid Unicode) is an
//! `InvalidInputError` with code `INVALID_INPUT`, raised before any work is done.

use std::borrow::Cow;

use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple,
};
use serde::Serialize;
use serde_json::Value;
use zerocopy::{FromBytes, IntoBytes};

use fanline::bounds::{MAX_LIST_ITEMS, MAX_NESTING, MAX_STRING_BYTES};

use crate::errors::invalid;

/// Python type name of `obj`, for error messages (never its value, which may be a secret).
fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".into())
}

/// A `str` argument, as valid UTF-8.
pub struct Text(pub String);

impl FromPyObject<'_, '_> for Text {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, '_, PyAny>) -> PyResult<Self> {
        text(&obj)
    }
}

/// Converts a `str` of at most [`MAX_STRING_BYTES`] UTF-8 bytes to Rust text.
fn text(obj: &Bound<'_, PyAny>) -> PyResult<Text> {
    let py = obj.py();
    let s = obj
        .cast::<PyString>()
        .map_err(|_| invalid(py, format!("expected str, got {}", type_name(obj))))?;
    let too_long = || invalid(py, format!("text is longer than {MAX_STRING_BYTES} bytes"));
    // Every character is at least one byte: a long string is refused before it is encoded.
    if s.len()? > MAX_STRING_BYTES {
        return Err(too_long());
    }
    let text = s
        .to_cow()
        .map_err(|_| invalid(py, "text is not valid Unicode (lone surrogates)"))?;
    if text.len() > MAX_STRING_BYTES {
        return Err(too_long());
    }
    Ok(Text(text.into_owned()))
}

/// An integer argument in the range of `T`; `bool` and `float` are refused.
pub struct Int<T>(pub T);

fn int_i128(obj: &Bound<'_, PyAny>) -> PyResult<i128> {
    let py = obj.py();
    if obj.is_instance_of::<PyBool>() || obj.is_instance_of::<PyFloat>() {
        return Err(invalid(
            py,
            format!("expected an integer, got {}", type_name(obj)),
        ));
    }
    if let Ok(v) = obj.extract::<i64>() {
        return Ok(i128::from(v));
    }
    if let Ok(v) = obj.extract::<u64>() {
        return Ok(i128::from(v));
    }
    if obj.is_instance_of::<PyInt>() {
        // A Python int beyond 64 bits: out of every range we accept.
        return Ok(i128::MAX);
    }
    Err(invalid(
        py,
        format!("expected an integer, got {}", type_name(obj)),
    ))
}

macro_rules! int_arg {
    ($($t:ty),*) => {$(
        impl FromPyObject<'_, '_> for Int<$t> {
            type Error = PyErr;

            fn extract(obj: Borrowed<'_, '_, PyAny>) -> PyResult<Self> {
                let v = int_i128(&obj)?;
                <$t>::try_from(v).map(Int).map_err(|_| {
                    invalid(
                        obj.py(),
                        format!(
                            "expected an integer from {} to {}",
                            <$t>::MIN,
                            <$t>::MAX
                        ),
                    )
                })
            }
        }
    )*};
}
int_arg!(u8, u16, u32, u64, i64);

/// How a numeric column came in, so results go back the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A list or tuple: results are lists.
    List,
    /// A numpy array (or an object whose `__array__` gave one): results are numpy arrays.
    Numpy,
    /// Any other buffer: results are `array.array('q')`.
    Buffer,
}

/// A numeric column: a list or tuple of ints, or any 1-D int64 buffer (numpy `int64`,
/// `array.array('q')`), or an object with `__array__` (pandas, polars) giving one.
pub struct I64Column {
    data: Data,
    /// How it came in.
    pub kind: Kind,
}

/// The column's values: converted from a list, a numpy array read in place, or the bytes
/// of another buffer (one copy, by `memoryview.tobytes`, then read in place).
enum Data {
    Owned(Vec<i64>),
    Bytes(Py<PyBytes>),
    /// A C-contiguous int64 numpy array (the caller's, or numpy's copy of a strided one),
    /// with the address and length of its items.
    Numpy {
        _owner: Py<PyAny>,
        address: usize,
        len: usize,
    },
}

fn is_numpy(obj: &Bound<'_, PyAny>) -> bool {
    obj.get_type()
        .getattr("__module__")
        .and_then(|m| m.extract::<String>())
        .is_ok_and(|m| m == "numpy")
}

/// Formats a memoryview reports for 8-byte native signed integers.
const INT64_FORMATS: [&str; 8] = ["q", "l", "@q", "@l", "=q", "=l", "<q", "<l"];

impl FromPyObject<'_, '_> for I64Column {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, '_, PyAny>) -> PyResult<Self> {
        let obj = obj.to_owned();
        let py = obj.py();
        if obj.is_instance_of::<PyString>()
            || obj.is_instance_of::<PyBytes>()
            || obj.is_instance_of::<PyByteArray>()
        {
            return Err(invalid(
                py,
                format!(
                    "expected a list of ints or an int64 buffer, got {}",
                    type_name(&obj)
                ),
            ));
        }
        if let Ok(list) = obj.cast::<PyList>() {
            return ints(list.iter()).map(|values| I64Column {
                data: Data::Owned(values),
                kind: Kind::List,
            });
        }
        if let Ok(tuple) = obj.cast::<PyTuple>() {
            return ints(tuple.iter()).map(|values| I64Column {
                data: Data::Owned(values),
                kind: Kind::List,
            });
        }
        let memoryview = py.import("builtins")?.getattr("memoryview")?;
        let mut kind = if is_numpy(&obj) {
            Kind::Numpy
        } else {
            Kind::Buffer
        };
        let view = match memoryview.call1((&obj,)) {
            Ok(view) => view,
            Err(_) if obj.hasattr("__array__")? => {
                let array = obj.call_method0("__array__")?;
                if is_numpy(&array) {
                    kind = Kind::Numpy;
                }
                memoryview
                    .call1((array,))
                    .map_err(|_| invalid(py, "the object's __array__ gives no buffer"))?
            }
            Err(_) => {
                return Err(invalid(
                    py,
                    format!(
                        "expected a list of ints or an int64 buffer, got {}",
                        type_name(&obj)
                    ),
                ))
            }
        };
        check_int64(&view)?;
        if kind == Kind::Numpy {
            let array = if is_numpy(&obj) {
                obj
            } else {
                obj.call_method0("__array__")?
            };
            return numpy_data(&array).map(|data| I64Column { data, kind });
        }
        Ok(I64Column {
            data: Data::Bytes(
                view.call_method0("tobytes")?
                    .cast_into::<PyBytes>()?
                    .unbind(),
            ),
            kind,
        })
    }
}

fn ints<'py>(items: impl Iterator<Item = Bound<'py, PyAny>>) -> PyResult<Vec<i64>> {
    items
        .enumerate()
        .map(|(i, item)| {
            let v = int_i128(&item).map_err(|_| {
                invalid(
                    item.py(),
                    format!("item {i}: expected an int, got {}", type_name(&item)),
                )
            })?;
            i64::try_from(v)
                .map_err(|_| invalid(item.py(), format!("item {i}: out of the int64 range")))
        })
        .collect()
}

/// A numpy int64 array to read in place: the array itself when it is C-contiguous and
/// aligned (numpy's own loops read their operands like this, without the GIL), else a
/// C-contiguous copy made by numpy.
fn numpy_data(array: &Bound<'_, PyAny>) -> PyResult<Data> {
    let py = array.py();
    if let Some(data) = numpy_in_place(array)? {
        return Ok(data);
    }
    let kwargs = PyDict::new(py);
    kwargs.set_item("dtype", "int64")?;
    kwargs.set_item("order", "C")?;
    let copy = py
        .import("numpy")?
        .getattr("array")?
        .call((array,), Some(&kwargs))?;
    numpy_in_place(&copy)?.ok_or_else(|| {
        crate::errors::to_py(
            py,
            &fanline::Error::internal("numpy.array gave an unexpected copy"),
        )
    })
}

/// The address and length of a C-contiguous, aligned int64 numpy array's items.
fn numpy_in_place(array: &Bound<'_, PyAny>) -> PyResult<Option<Data>> {
    let iface = array.getattr("__array_interface__")?;
    let (address, _readonly): (usize, bool) = iface.get_item("data")?.extract()?;
    let len: usize = array.getattr("size")?.extract()?;
    let typestr: String = iface.get_item("typestr")?.extract()?;
    let usable = iface.get_item("strides")?.is_none()
        && typestr == "<i8"
        && address % 8 == 0
        && address != 0;
    Ok(usable.then(|| Data::Numpy {
        _owner: array.clone().unbind(),
        address,
        len,
    }))
}

/// Checks a memoryview is 1-D int64.
fn check_int64(view: &Bound<'_, PyAny>) -> PyResult<()> {
    let py = view.py();
    let ndim: usize = view.getattr("ndim")?.extract()?;
    let itemsize: usize = view.getattr("itemsize")?.extract()?;
    let format: String = view.getattr("format")?.extract()?;
    if ndim != 1 || itemsize != 8 || !INT64_FORMATS.contains(&format.as_str()) {
        return Err(invalid(
            py,
            format!(
                "expected a 1-D int64 buffer, got {ndim}-D with format '{format}' \
                 (convert with .astype('int64'))"
            ),
        ));
    }
    Ok(())
}

impl I64Column {
    /// The values, read in place when the buffer's bytes are aligned (they are: CPython
    /// aligns object payloads to 8 bytes), copied otherwise.
    pub fn values<'a>(&'a self, py: Python<'_>) -> Cow<'a, [i64]> {
        match &self.data {
            Data::Owned(v) => Cow::Borrowed(v),
            Data::Numpy { len: 0, .. } => Cow::Borrowed(&[]),
            // SAFETY: `address` holds `len` aligned int64 items of a C-contiguous numpy array
            // (checked in `numpy_in_place`) that `self` keeps alive, and numpy cannot move
            // or resize the data of an array with outside references. The read happens
            // without the GIL, as numpy's own loops read their operands: the documented
            // contract is that nobody writes the array while the call runs.
            Data::Numpy { address, len, .. } => {
                Cow::Borrowed(unsafe { std::slice::from_raw_parts(*address as *const i64, *len) })
            }
            Data::Bytes(b) => {
                let bytes = b.as_bytes(py);
                match <[i64]>::ref_from_bytes(bytes) {
                    Ok(values) => Cow::Borrowed(values),
                    Err(_) => Cow::Owned(
                        bytes
                            .chunks_exact(8)
                            .map(|c| {
                                i64::from_ne_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]])
                            })
                            .collect(),
                    ),
                }
            }
        }
    }
}

/// The values as non-negative `u64`, in place; a negative value is `INVALID_INPUT` naming
/// its row.
pub fn unsigned<'a>(py: Python<'_>, name: &str, values: &'a [i64]) -> PyResult<&'a [u64]> {
    if let Some(i) = values.iter().position(|&v| v < 0) {
        return Err(invalid(
            py,
            format!("{name}[{i}] is negative ({})", values[i]),
        ));
    }
    <[u64]>::ref_from_bytes(values.as_bytes())
        .map_err(|_| crate::errors::to_py(py, &fanline::Error::internal("misaligned column")))
}

/// A numeric result column as a list; values must fit int64 (the ledger's range).
pub fn list_out(py: Python<'_>, name: &str, values: &[u64]) -> PyResult<Py<PyAny>> {
    if let Some(i) = values.iter().position(|&v| v > i64::MAX as u64) {
        return Err(invalid(py, format!("{name}[{i}] exceeds the int64 range")));
    }
    Ok(PyList::new(py, values)?.into_any().unbind())
}

/// A sequence of `str` (list, tuple or any iterable), as Rust strings.
pub struct TextList(pub Vec<String>);

impl FromPyObject<'_, '_> for TextList {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, '_, PyAny>) -> PyResult<Self> {
        let obj = obj.to_owned();
        let py = obj.py();
        if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyBytes>() {
            return Err(invalid(
                py,
                format!("expected a list of str, got {}", type_name(&obj)),
            ));
        }
        let iter = obj.try_iter().map_err(|_| {
            invalid(
                py,
                format!("expected a list of str, got {}", type_name(&obj)),
            )
        })?;
        iter.enumerate()
            .map(|(i, item)| {
                if i >= MAX_LIST_ITEMS {
                    return Err(invalid(
                        py,
                        format!("the list has more than {MAX_LIST_ITEMS} items"),
                    ));
                }
                let item = item?;
                text(&item).map(|t| t.0).map_err(|_| {
                    invalid(
                        py,
                        format!("item {i}: expected valid str, got {}", type_name(&item)),
                    )
                })
            })
            .collect::<PyResult<Vec<_>>>()
            .map(TextList)
    }
}

/// Python data (dict, list, str, int, float, bool, None) as JSON, for the core's JSON inputs.
pub fn to_json(obj: &Bound<'_, PyAny>, depth: usize) -> PyResult<Value> {
    let py = obj.py();
    if depth > MAX_NESTING {
        return Err(invalid(
            py,
            format!("data is nested more than {MAX_NESTING} levels deep"),
        ));
    }
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        let v = int_i128(obj)?;
        return i64::try_from(v)
            .map(Value::from)
            .or_else(|_| u64::try_from(v).map(Value::from))
            .map_err(|_| invalid(py, "integer out of range"));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return serde_json::Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| invalid(py, "NaN and infinity are not valid here"));
    }
    if obj.is_instance_of::<PyString>() {
        return Ok(Value::String(text(obj)?.0));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = serde_json::Map::new();
        for (k, v) in d.iter() {
            let key = text(&k).map_err(|_| invalid(py, "dict keys must be str"))?;
            map.insert(key.0, to_json(&v, depth + 1)?);
        }
        return Ok(Value::Object(map));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        if obj.len()? > MAX_LIST_ITEMS {
            return Err(invalid(
                py,
                format!("a list has more than {MAX_LIST_ITEMS} items"),
            ));
        }
        return obj
            .try_iter()?
            .map(|item| to_json(&item?, depth + 1))
            .collect::<PyResult<Vec<_>>>()
            .map(Value::Array);
    }
    Err(invalid(
        py,
        format!("expected JSON-like data, got {}", type_name(obj)),
    ))
}

/// Any serialisable core value (camelCase on the wire) as plain Python data.
pub fn to_py<T: Serialize>(py: Python<'_>, value: &T) -> PyResult<Py<PyAny>> {
    match crate::output::to_python(py, value) {
        Ok(obj) => Ok(obj.unbind()),
        Err(crate::output::OutError::Py(e)) => Err(e),
        Err(crate::output::OutError::Shape(e)) => {
            Err(crate::errors::to_py(py, &fanline::Error::internal(e)))
        }
    }
}
