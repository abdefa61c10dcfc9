//! What a store says about itself after one cheap read: the health check's input.

use serde::Serialize;

/// The answer of [`Store::probe`](super::Store::probe).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoreProbe {
    /// `"memory"`, `"sqlite"`, `"postgres"`, or `"custom"` for a store outside this crate
    /// that keeps the default probe.
    pub kind: &'static str,
    /// The schema version the database records (`None` for stores without a schema).
    pub schema_version: Option<u32>,
    /// The schema version this library writes and needs (`None` without a schema). A store
    /// whose `schema_version` differs cannot serve the engine.
    pub latest_version: Option<u32>,
}
