//! Opening a store from one configuration string, so hosts and bindings choose the backend
//! in configuration rather than code.

use std::sync::Arc;

use super::{MemoryStore, Store};
use crate::error::{Error, Result};

/// Opens the store a spec names:
/// - `memory:` — a fresh [`MemoryStore`] (tests, demos).
///
/// Anything else is `INVALID_CONFIG`.
pub fn open_store(spec: &str) -> Result<Arc<dyn Store>> {
    match spec {
        "memory:" => Ok(Arc::new(MemoryStore::new())),
        _ => Err(Error::config("unknown store spec: use 'memory:'")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_and_unknown_specs() {
        assert!(open_store("memory:").is_ok());
        assert_eq!(
            open_store("redis://x").unwrap_err().code(),
            "INVALID_CONFIG"
        );
    }
}
