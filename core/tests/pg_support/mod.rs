//! Shared by the `postgres*` tests: the server to use, a fresh schema per test, an engine.
//!
//! The server is `FANLINE_TEST_PG_URL` (scripts/stages/30-postgres starts a throwaway one).
//! Without it a test prints a loud SKIPPED line and returns, except under `CI=true`, where a
//! missing PostgreSQL fails the test.

#![allow(dead_code)] // Each test file compiles this module on its own and uses part of it.

use std::sync::Arc;

use fanline::share::ShareKeyRing;
use fanline::store::{PostgresOptions, PostgresStore};
use fanline::{Fanline, Flags, ManualClock};

/// The server's URL, or `None` after printing SKIPPED (panics under `CI=true`).
pub fn server_url() -> Option<String> {
    match std::env::var("FANLINE_TEST_PG_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert_ne!(
                std::env::var("CI").as_deref(),
                Ok("true"),
                "CI=true but FANLINE_TEST_PG_URL is unset: PostgreSQL is required"
            );
            eprintln!("SKIPPED: PostgreSQL not available (FANLINE_TEST_PG_URL unset)");
            None
        }
    }
}

/// Returns from the calling test (after the SKIPPED line) when there is no server.
#[macro_export]
macro_rules! require_pg {
    () => {
        match $crate::pg_support::server_url() {
            Some(url) => url,
            None => return,
        }
    };
}

/// `url` with `?fanline_schema=schema` (or `&...`) appended.
pub fn with_schema(url: &str, schema: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}fanline_schema={schema}")
}

/// A schema name no other test uses.
pub fn fresh_schema_name(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::new_v4().simple())
}

/// A fresh schema for one test, removed (down migration to 0) when dropped.
pub struct TestSchema {
    /// The server URL naming this schema.
    pub url: String,
    /// The schema.
    pub name: String,
}

impl TestSchema {
    /// A new, empty schema name on the server at `server`.
    pub fn new(server: &str, prefix: &str) -> Self {
        let name = fresh_schema_name(prefix);
        TestSchema {
            url: with_schema(server, &name),
            name,
        }
    }

    /// A store on this schema (migrated on open), with `options`' other tunables.
    pub fn open_with(&self, options: PostgresOptions) -> PostgresStore {
        PostgresStore::connect_with(&self.url, options).expect("connect to the test server")
    }

    /// A store on this schema with default options.
    pub fn open(&self) -> PostgresStore {
        self.open_with(PostgresOptions::default())
    }
}

impl Drop for TestSchema {
    fn drop(&mut self) {
        // Best effort: a failed test should still not leave its tables behind.
        if let Ok(store) = PostgresStore::connect(&self.url) {
            let _ = store.migrate_to(0);
        }
    }
}

/// The Agora app id and certificate every test uses.
pub const APP_ID: &str = "970CA35de60c44645bbae8a215061b33";
/// See [`APP_ID`].
pub const CERTIFICATE: &str = "5CFd2fd1755d40ecb72977518be15d3b";
/// The instant tests start at.
pub const T0_MS: i64 = 1_700_000_000_000;

/// An engine over `store` with every flag on and a manual clock at `clock`.
pub fn engine(store: Arc<dyn fanline::store::Store>, clock: &ManualClock) -> Fanline {
    engine_with(store, clock, fanline::engine::EngineConfig::default())
}

/// [`engine`] with a configuration of its own.
pub fn engine_with(
    store: Arc<dyn fanline::store::Store>,
    clock: &ManualClock,
    config: fanline::engine::EngineConfig,
) -> Fanline {
    Fanline::builder()
        .store(store)
        .agora(APP_ID, CERTIFICATE)
        .share_keys(ShareKeyRing::new(1, &[7u8; 32]).expect("share key"))
        .flags(Flags::all_on())
        .clock(Arc::new(clock.clone()))
        .config(config)
        .build()
        .expect("engine builds")
}

/// Runs SQL on the server directly (setup and inspection), with the sync `postgres` client.
pub fn sql(server: &str, text: &str) -> Vec<postgres::Row> {
    let mut client = postgres::Client::connect(server, postgres::NoTls).expect("connect");
    client.simple_query("SELECT 1").expect("ping");
    client.query(text, &[]).expect("query")
}

/// Runs one statement directly and returns the server's answer, refusals included.
pub fn try_sql(server: &str, text: &str) -> Result<u64, postgres::Error> {
    let mut client = postgres::Client::connect(server, postgres::NoTls).expect("connect");
    client.execute(text, &[])
}

/// Runs several statements without parameters (setup).
pub fn sql_batch(server: &str, text: &str) {
    let mut client = postgres::Client::connect(server, postgres::NoTls).expect("connect");
    client.batch_execute(text).expect("batch");
}
