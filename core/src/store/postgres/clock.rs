//! A [`Clock`] that follows the database server's clock, for hosts that want every instance
//! to decide time-based rules (cooldowns, rate limits, expiries) by one clock.

use std::sync::atomic::{AtomicI64, Ordering};

use super::failure::Failure;
use super::pool::PgConn;
use crate::clock::{Clock, SystemClock};

/// The local clock plus the measured offset of the database server's clock.
///
/// Reading it costs no round trip: the offset is measured when it is made
/// ([`PostgresStore::database_clock`](super::PostgresStore::database_clock)) and again on each
/// [`PostgresStore::sync_clock`](super::PostgresStore::sync_clock), to within half a round trip.
/// Give it to the engine with `Fanline::builder().clock(Arc::new(clock))`.
#[derive(Debug, Default)]
pub struct DatabaseClock {
    offset_ms: AtomicI64,
}

impl DatabaseClock {
    pub(super) fn new_unsynced() -> Self {
        DatabaseClock::default()
    }

    pub(super) fn set_offset_ms(&self, offset: i64) {
        self.offset_ms.store(offset, Ordering::Relaxed);
    }

    /// The database clock minus the local one, as last measured (ms).
    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed)
    }
}

impl Clock for DatabaseClock {
    fn now_ms(&self) -> i64 {
        SystemClock.now_ms().saturating_add(self.offset_ms())
    }
}

/// The server's `clock_timestamp()` minus the midpoint of the local times around the query.
pub(super) fn measure_offset(conn: &mut PgConn) -> Result<i64, Failure> {
    let before = SystemClock.now_ms();
    let row = conn.query_one(
        "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint",
        &[],
    )?;
    let after = SystemClock.now_ms();
    let server: i64 = row.get(0);
    Ok(server - before / 2 - after / 2)
}
