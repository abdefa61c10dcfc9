//! A small connection pool: `rusqlite::Connection` is `Send` but not `Sync`, and each one
//! carries its own prepared-statement cache, so connections are reused rather than reopened.

use std::mem::ManuallyDrop;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use rusqlite::{Connection, OpenFlags};

use super::{Attempt, Retry, SqliteOptions};

/// Statements the store prepares, with room to spare; past this the cache evicts.
const STATEMENT_CACHE: usize = 64;
/// WAL pages after which a commit checkpoints (SQLite's default is 1,000). A checkpoint
/// syncs the WAL and the database file even under `synchronous=NORMAL`; an operation dirties
/// about 10 pages, so the default pays two syncs every ~100 writes. Measured on the store
/// bench, 10,000 pages (a WAL of up to ~40 MB) cut the wall time of an initiation by a third
/// to a half.
const WAL_AUTOCHECKPOINT_PAGES: i64 = 10_000;

/// Where the database lives.
#[derive(Debug)]
pub(super) enum Target {
    /// A file shared with other connections and processes.
    File(PathBuf),
    /// A private in-memory database; it lives as long as its one connection.
    Memory,
}

#[derive(Debug)]
pub(super) struct Pool {
    target: Target,
    options: SqliteOptions,
    state: Mutex<State>,
    freed: Condvar,
}

#[derive(Debug, Default)]
struct State {
    idle: Vec<Connection>,
    /// Connections in existence, idle or leased.
    open: usize,
}

impl Pool {
    pub(super) fn new(target: Target, options: SqliteOptions) -> Self {
        Pool {
            target,
            options,
            state: Mutex::new(State::default()),
            freed: Condvar::new(),
        }
    }

    pub(super) fn path(&self) -> Option<&Path> {
        match &self.target {
            Target::File(p) => Some(p),
            Target::Memory => None,
        }
    }

    /// The pool's state stays consistent across a panic (every update is a single step), so
    /// a poisoned lock is simply taken over.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// An idle connection, a new one while under `max_connections`, or else waits for one
    /// until `deadline` (contention). The connection's busy handler waits for other
    /// connections' locks until `deadline` too, so one operation never waits longer in all.
    pub(super) fn checkout(&self, deadline: Instant) -> Attempt<Lease<'_>> {
        let conn = self.take(deadline)?;
        let lease = Lease {
            pool: self,
            conn: ManuallyDrop::new(conn),
        };
        lease.busy_timeout(deadline.saturating_duration_since(Instant::now()))?;
        Ok(lease)
    }

    fn take(&self, deadline: Instant) -> Attempt<Connection> {
        let mut state = self.lock();
        loop {
            if let Some(conn) = state.idle.pop() {
                return Ok(conn);
            }
            if state.open < self.options.max_connections {
                state.open += 1;
                drop(state);
                return self.connect().map_err(|e| {
                    self.lock().open -= 1;
                    self.freed.notify_one();
                    Retry::from(e)
                });
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Retry::Contended(
                    "every connection of this store stayed busy".into(),
                ));
            }
            state = self
                .freed
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    fn connect(&self) -> rusqlite::Result<Connection> {
        no_memory_statistics();
        let conn = match &self.target {
            Target::File(path) => Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_WRITE
                    | OpenFlags::SQLITE_OPEN_CREATE
                    | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?,
            Target::Memory => Connection::open_in_memory()?,
        };
        conn.pragma_update(None, "synchronous", self.options.synchronous.pragma())?;
        conn.pragma_update(None, "cache_size", -i64::from(self.options.cache_kib))?;
        conn.pragma_update(None, "wal_autocheckpoint", WAL_AUTOCHECKPOINT_PAGES)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Ok(conn)
    }

    fn give_back(&self, conn: Connection) {
        let mut state = self.lock();
        // A connection left inside a transaction (a rollback that failed) is not reused.
        if conn.is_autocommit() {
            state.idle.push(conn);
        } else {
            state.open -= 1;
            drop(state);
            drop(conn);
        }
        self.freed.notify_one();
    }
}

/// A connection on loan; it returns to the pool when dropped.
pub(super) struct Lease<'p> {
    pool: &'p Pool,
    /// Taken out only by `drop`, to hand it back.
    conn: ManuallyDrop<Connection>,
}

impl Deref for Lease<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        &self.conn
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        // SAFETY: `conn` is taken exactly once, here, and the lease is never used again.
        let conn = unsafe { ManuallyDrop::take(&mut self.conn) };
        self.pool.give_back(conn);
    }
}

/// Turns SQLite's allocation statistics off, once, before this process's first connection.
/// They take a global mutex on every SQLite malloc and free, from every thread: a cost that a
/// single-threaded program hardly pays and a Node or Python process with worker threads
/// pays on every statement. fanline reads none of them. Only a setting: when SQLite is
/// already initialized (another library in the process opened a database first) the call is
/// refused and nothing changes.
fn no_memory_statistics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: `sqlite3_config` with SQLITE_CONFIG_MEMSTATUS takes one int; it is only
        // acted on before `sqlite3_initialize`, and otherwise returns SQLITE_MISUSE.
        unsafe {
            rusqlite::ffi::sqlite3_config(
                rusqlite::ffi::SQLITE_CONFIG_MEMSTATUS,
                0 as std::ffi::c_int,
            );
        }
    });
}
