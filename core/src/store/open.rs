//! Opening a store from one configuration string, so hosts and bindings choose the backend
//! in configuration rather than code.

use std::sync::Arc;

use super::{MemoryStore, SqliteStore, Store};
use crate::error::{Error, Result};

/// Opens the store a spec names:
/// - `memory:` — a fresh [`MemoryStore`] (tests, demos);
/// - `sqlite::memory:` — a private in-memory [`SqliteStore`];
/// - `sqlite:<path>` — a [`SqliteStore`] on the file at `<path>` (created and migrated);
/// - `postgres://...` or `postgresql://...` — a
///   `PostgresStore` (cargo feature `postgres`), migrated forward;
///   `?fanline_schema=name` picks its schema (default `fanline`).
///
/// Anything else is `INVALID_CONFIG`. Error messages never quote the spec, which may hold a
/// password.
pub fn open_store(spec: &str) -> Result<Arc<dyn Store>> {
    if spec.starts_with("postgres://") || spec.starts_with("postgresql://") {
        return open_postgres(spec);
    }
    match spec {
        "memory:" => Ok(Arc::new(MemoryStore::new())),
        "sqlite::memory:" => Ok(Arc::new(SqliteStore::open_in_memory()?)),
        _ => match spec.strip_prefix("sqlite:") {
            Some(path) if !path.is_empty() => Ok(Arc::new(SqliteStore::open(path)?)),
            _ => Err(Error::config(
                "unknown store spec: use 'memory:', 'sqlite::memory:', 'sqlite:<path>' or \
                 'postgres://...'",
            )),
        },
    }
}

#[cfg(feature = "postgres")]
fn open_postgres(url: &str) -> Result<Arc<dyn Store>> {
    Ok(Arc::new(super::PostgresStore::connect(url)?))
}

#[cfg(not(feature = "postgres"))]
fn open_postgres(_url: &str) -> Result<Arc<dyn Store>> {
    Err(Error::config(
        "this build of fanline has no PostgreSQL store (cargo feature 'postgres')",
    ))
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

    #[test]
    fn postgres_spec_errors_never_quote_the_password() {
        // A malformed port: refused before any connection is tried, with or without the
        // feature.
        let e = open_store("postgres://u:s3cr3t-pw@localhost:notaport/db").unwrap_err();
        assert_eq!(e.code(), "INVALID_CONFIG");
        assert!(!format!("{e} {e:?}").contains("s3cr3t-pw"));
    }
}
