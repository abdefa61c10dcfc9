//! The conformance suite (tests/conformance) over `MemoryStore`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test: failing loudly is the point

#[macro_use]
mod conformance;

use std::sync::Arc;

use fanline::store::{MemoryStore, Store};

fn memory_store() -> Arc<dyn Store> {
    Arc::new(MemoryStore::new())
}

conformance_suite!(memory_store);
