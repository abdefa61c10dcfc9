//! The conformance suite (tests/conformance) over `PostgresStore`, each case in a fresh schema
//! of the server at `FANLINE_TEST_PG_URL` that is dropped after it (run by
//! scripts/stages/30-postgres).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test: failing loudly is the point

#[macro_use]
mod conformance;
mod pg_support;

use std::sync::Arc;

use conformance::Backend;
use pg_support::TestSchema;

fn postgres_store() -> Backend {
    let Some(server) = pg_support::server_url() else {
        // The suite's cases cannot return early from inside the factory: end the run here,
        // after the SKIPPED line (under CI=true `server_url` has already failed the case).
        std::process::exit(0);
    };
    let schema = TestSchema::new(&server, "conf");
    let store = schema.open();
    Backend::with_guard(Arc::new(store), schema)
}

conformance_suite!(postgres_store);
