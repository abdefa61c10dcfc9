//! The conformance suite (tests/conformance) over `SqliteStore`, on a fresh WAL file per case.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test: failing loudly is the point

#[macro_use]
mod conformance;

use std::sync::Arc;

use fanline::store::SqliteStore;

use conformance::Backend;

fn sqlite_store() -> Backend {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(dir.path().join("fanline.db")).expect("open SQLite store");
    Backend::with_guard(Arc::new(store), dir)
}

conformance_suite!(sqlite_store);
