//! Opening a store from one configuration string, so hosts and bindings choose the backend
//! in configuration rather than code.

use std::sync::Arc;

use super::{MemoryStore, SqliteStore, Store};
use crate::error::{Error, Result};

/// Opens the store a spec names:
/// - `memory:` — a fresh [`MemoryStore`] (tests, demos);
/// - `sqlite::memory:` — a private in-memory [`SqliteStore`];
/// - `sqlite:<path>` — a [`SqliteStore`] on the file at `<path>` (created and migrated).
///
/// Anything else is `INVALID_CONFIG`.
pub fn open_store(spec: &str) -> Result<Arc<dyn Store>> {
    match spec {
        "memory:" => Ok(Arc::new(MemoryStore::new())),
        "sqlite::memory:" => Ok(Arc::new(SqliteStore::open_in_memory()?)),
        _ => match spec.strip_prefix("sqlite:") {
            Some(path) if !path.is_empty() => Ok(Arc::new(SqliteStore::open(path)?)),
            _ => Err(Error::config(
                "unknown store spec: use 'memory:', 'sqlite::memory:' or 'sqlite:<path>'",
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_and_unknown_specs() {
        assert!(open_store("memory:").is_ok());
        assert!(open_store("sqlite::memory:").is_ok());
        assert_eq!(open_store("sqlite:").unwrap_err().code(), "INVALID_CONFIG");
        assert_eq!(
            open_store("redis://x").unwrap_err().code(),
            "INVALID_CONFIG"
        );
    }
}
