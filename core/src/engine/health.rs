//! [`Fanline::health`]: whether the store answers and has the schema this library needs, for
//! a host's `/health` route and its load balancer.

use std::time::Instant;

use serde::Serialize;

use super::Fanline;

/// The answer of [`Fanline::health`]; serialises in camelCase.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Health {
    /// The store answered and its schema is the one this library needs.
    pub ok: bool,
    /// The store's kind: `"memory"`, `"sqlite"`, `"postgres"` or `"custom"` (see
    /// [`StoreProbe`](crate::store::StoreProbe)); `None` when the store did not answer.
    pub store: Option<&'static str>,
    /// The schema version the database records; `None` without a schema or an answer.
    pub schema_version: Option<u32>,
    /// Wall time of the probe in milliseconds (microsecond resolution).
    pub latency_ms: f64,
    /// Why `ok` is false; absent when it is true.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<HealthError>,
}

/// Why a store is not healthy: a stable code and a message without internal detail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HealthError {
    /// `STORE_UNAVAILABLE` (no answer, or an older schema), `STORE_INCOMPATIBLE` (a newer
    /// schema), or the code the store failed with (`STORE_INCOMPATIBLE` for a refused login
    /// or a foreign file).
    pub code: &'static str,
    /// A sentence for the operator.
    pub message: String,
}

impl Fanline {
    /// Runs one cheap read on the store ([`Store::probe`](crate::store::Store::probe)) and
    /// reports how it went. Never fails: an unavailable store is `ok: false` with the
    /// error's code. A schema other than the one this library writes (for example after a
    /// `fanline migrate down`) is not healthy either, since every operation would fail.
    pub fn health(&self) -> Health {
        let started = Instant::now();
        let probe = self.store.probe();
        let latency_ms = started.elapsed().as_micros() as f64 / 1000.0;
        match probe {
            Ok(p) => {
                let error = match (p.schema_version, p.latest_version) {
                    // Newer than this library: permanent until the library is upgraded.
                    (Some(have), Some(need)) if have > need => Some(HealthError {
                        code: "STORE_INCOMPATIBLE",
                        message: format!(
                            "the database has schema version {have}, newer than this \
                             library's {need}"
                        ),
                    }),
                    // Older: a migration (run on open) or a rollback in progress.
                    (Some(have), Some(need)) if have != need => Some(HealthError {
                        code: "STORE_UNAVAILABLE",
                        message: format!(
                            "the database has schema version {have}, this library needs {need}"
                        ),
                    }),
                    _ => None,
                };
                Health {
                    ok: error.is_none(),
                    store: Some(p.kind),
                    schema_version: p.schema_version,
                    latency_ms,
                    error,
                }
            }
            Err(e) => Health {
                ok: false,
                store: None,
                schema_version: None,
                latency_ms,
                error: Some(HealthError {
                    code: e.code(),
                    message: e.to_string(),
                }),
            },
        }
    }
}
