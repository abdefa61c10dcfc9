//! Core errors as `fanline.errors` exceptions, and the guards every entry point runs in: the
//! GIL is released around blocking work, and a panic becomes an `INTERNAL` error instead of
//! crossing into Python.

use std::panic::{catch_unwind, AssertUnwindSafe};

use fanline::{Error, ErrorFamily};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyModule;

/// The pure-Python module that defines the exception classes (multiple inheritance, such as
/// `InvalidInputError(FanlineError, ValueError)`, is simplest to declare there).
static ERRORS_MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// The exception class of a family: one class per family, matched exhaustively, so a new
/// code lands in its family's class and a new family cannot be forgotten here.
fn class_name(family: ErrorFamily) -> &'static str {
    match family {
        ErrorFamily::InvalidInput => "InvalidInputError",
        ErrorFamily::Config => "ConfigError",
        ErrorFamily::PermissionDenied => "PermissionDeniedError",
        ErrorFamily::NotFound => "NotFoundError",
        ErrorFamily::RateLimit => "RateLimitError",
        ErrorFamily::Conflict => "ConflictError",
        ErrorFamily::Expired => "ExpiredError",
        ErrorFamily::InsufficientTokens => "InsufficientTokensError",
        ErrorFamily::StoreUnavailable => "StoreUnavailableError",
        ErrorFamily::StoreIncompatible => "StoreIncompatibleError",
        ErrorFamily::Internal => "InternalError",
    }
}

/// The Python exception for a core error: its message (never a secret or internal detail),
/// `code`, `status` and `retry_after`.
pub fn to_py(py: Python<'_>, e: &Error) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let module =
            ERRORS_MODULE.get_or_try_init(py, || py.import("fanline.errors").map(Bound::unbind))?;
        let class = module
            .bind(py)
            .getattr(class_name(e.error_code().family()))?;
        let value = class.call1((e.to_string(), e.code(), e.http_status(), e.retry_after()))?;
        Ok(PyErr::from_value(value))
    };
    build().unwrap_or_else(|_| PyRuntimeError::new_err(format!("{} ({})", e, e.code())))
}

/// `INVALID_INPUT` as a Python exception.
pub fn invalid(py: Python<'_>, message: impl Into<String>) -> PyErr {
    to_py(py, &Error::invalid(message))
}

/// Runs `f`, turning a panic into `INTERNAL`.
pub fn guard<T>(f: impl FnOnce() -> fanline::Result<T>) -> fanline::Result<T> {
    catch_unwind(AssertUnwindSafe(f))
        .unwrap_or_else(|_| Err(Error::internal("a panic was caught at the Python boundary")))
}

/// Runs quick, non-blocking core work with the GIL held.
pub fn pure<T>(py: Python<'_>, f: impl FnOnce() -> fanline::Result<T>) -> PyResult<T> {
    guard(f).map_err(|e| to_py(py, &e))
}

/// Runs blocking core work (store access, batches) with the GIL released, so other Python
/// threads keep running. Inputs must be converted to Rust values before.
pub fn blocking<T: Send>(
    py: Python<'_>,
    f: impl FnOnce() -> fanline::Result<T> + Send,
) -> PyResult<T> {
    py.detach(|| guard(f)).map_err(|e| to_py(py, &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_internal_errors() {
        let e = guard(|| -> fanline::Result<()> { panic!("boom") }).unwrap_err();
        assert_eq!(e.code(), "INTERNAL");
        assert!(!e.to_string().contains("boom"));
        assert_eq!(guard(|| Ok(3)).unwrap(), 3);
    }

    #[test]
    fn every_code_has_a_class() {
        for code in fanline::ErrorCode::ALL {
            let class = class_name(code.family());
            assert!(class.ends_with("Error"), "{code}");
            assert!(
                *code == fanline::ErrorCode::Internal || class != "InternalError",
                "{code}"
            );
        }
    }
}
