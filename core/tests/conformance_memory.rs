//! The conformance suite (tests/conformance) over `MemoryStore`.

#[macro_use]
mod conformance;

use std::sync::Arc;

use fanline::store::{MemoryStore, Store};

fn memory_store() -> Arc<dyn Store> {
    Arc::new(MemoryStore::new())
}

conformance_suite!(memory_store);
