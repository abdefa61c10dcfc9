//! Share-link tokens with a key ring (core `share`), as Node's `ShareKeyRing`.

use fanline::engine::config::ShareKeysConfig;
use fanline::share::ShareKeyRing;
use fanline::UserId;
use pyo3::prelude::*;

use crate::config::config_value;
use crate::convert::{to_py, Int, Text};
use crate::errors::{pure, to_py as error_to_py};

/// A set of share-link keys: the active key signs, every key in the ring verifies, a key left
/// out is retired (its links fail closed). Built from the wire form
/// `{"activeKeyId": 2, "keys": [{"id": 1, "secret": b"..."}, {"id": 2, "secret": b"..."}]}`;
/// a short secret or an active id missing from the keys is a `ConfigError`.
#[pyclass(frozen, name = "ShareKeyRing", module = "fanline")]
pub struct PyShareKeyRing {
    inner: ShareKeyRing,
}

#[pymethods]
impl PyShareKeyRing {
    #[new]
    fn new(py: Python<'_>, config: Bound<'_, PyAny>) -> PyResult<Self> {
        let value = config_value("share_keys", &config)?;
        let inner = pure(py, || ShareKeysConfig::from_value(value)?.ring())?;
        Ok(PyShareKeyRing { inner })
    }

    /// The id of the signing key.
    #[getter]
    fn active_key_id(&self) -> u8 {
        self.inner.active_key_id()
    }

    /// Mints the token of `fan_id`'s link number `generation`, valid until `expires_at` (unix
    /// seconds).
    fn mint(
        &self,
        py: Python<'_>,
        fan_id: Text,
        generation: Int<u32>,
        expires_at: Int<i64>,
    ) -> PyResult<String> {
        let fan = UserId::new(fan_id.0).map_err(|e| error_to_py(py, &e))?;
        Ok(self.inner.mint(&fan, generation.0, expires_at.0))
    }

    /// Checks a token's integrity and expiry at `now` (unix seconds): its claims, or
    /// `NotFoundError` for any failure. The caller still compares `generation` with the stored
    /// one (revocation); `Fanline.resolve_share` does all of it.
    fn verify(&self, py: Python<'_>, token: Text, now: Int<i64>) -> PyResult<Py<PyAny>> {
        let claims = pure(py, || self.inner.verify(&token.0, now.0))?;
        to_py(py, &claims)
    }

    fn __repr__(&self) -> String {
        format!("ShareKeyRing(active_key_id={})", self.inner.active_key_id())
    }
}
