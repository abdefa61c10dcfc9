//! Actors and identifiers (core `ids`).

use fanline::ids::{validate_user_id as core_validate_user_id, CallId, Role};
use pyo3::prelude::*;

use crate::convert::Text;
use crate::errors::{invalid, pure};

/// Who performs an operation: a validated user id and a role (`fan`, `creator`, `admin`).
#[pyclass(frozen, eq, hash, name = "Actor", module = "fanline")]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PyActor {
    pub inner: fanline::Actor,
}

#[pymethods]
impl PyActor {
    #[new]
    fn new(py: Python<'_>, id: Text, role: Text) -> PyResult<Self> {
        pure(py, || {
            Ok(PyActor {
                inner: fanline::Actor::new(id.0, Role::parse(&role.0)?)?,
            })
        })
    }

    /// A fan.
    #[staticmethod]
    fn fan(py: Python<'_>, id: Text) -> PyResult<Self> {
        Self::with_role(py, id, Role::Fan)
    }

    /// A creator.
    #[staticmethod]
    fn creator(py: Python<'_>, id: Text) -> PyResult<Self> {
        Self::with_role(py, id, Role::Creator)
    }

    /// An admin.
    #[staticmethod]
    fn admin(py: Python<'_>, id: Text) -> PyResult<Self> {
        Self::with_role(py, id, Role::Admin)
    }

    /// The user id.
    #[getter]
    fn id(&self) -> &str {
        self.inner.id.as_str()
    }

    /// The role name.
    #[getter]
    fn role(&self) -> &'static str {
        self.inner.role.as_str()
    }

    fn __repr__(&self) -> String {
        format!(
            "Actor(id={:?}, role={:?})",
            self.inner.id.as_str(),
            self.inner.role.as_str()
        )
    }
}

impl PyActor {
    fn with_role(py: Python<'_>, id: Text, role: Role) -> PyResult<Self> {
        pure(py, || {
            Ok(PyActor {
                inner: fanline::Actor::new(id.0, role)?,
            })
        })
    }
}

/// An `Actor` argument; anything else is `INVALID_INPUT`.
pub struct ActorArg(pub fanline::Actor);

impl FromPyObject<'_, '_> for ActorArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, '_, PyAny>) -> PyResult<Self> {
        obj.cast::<PyActor>()
            .map(|a| ActorArg(a.get().inner.clone()))
            .map_err(|_| invalid(obj.py(), "expected a fanline.Actor"))
    }
}

/// Raises `InvalidInputError` unless `user_id` is a valid user id (1 to 128 bytes of UTF-8,
/// no control characters, no surrounding whitespace).
#[pyfunction]
pub fn validate_user_id(py: Python<'_>, user_id: Text) -> PyResult<()> {
    pure(py, || core_validate_user_id(&user_id.0))
}

/// The Agora channel of a call id: `call_` + 32 lowercase hex digits.
#[pyfunction]
pub fn channel_name(py: Python<'_>, call_id: Text) -> PyResult<String> {
    pure(py, || Ok(CallId::parse(&call_id.0)?.channel_name()))
}
