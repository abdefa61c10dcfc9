//! The embedded SQLite [`Store`]: one database file shared by any number of threads and
//! processes.
//!
//! - WAL journal, so readers never block the writer and the writer never blocks readers.
//! - Writes start with `BEGIN IMMEDIATE`: the write lock is taken before the closure reads, so
//!   two processes can never both read a state and then both write a decision on it.
//! - Reads are deferred transactions (a consistent snapshot) that always roll back.
//! - Contention (`SQLITE_BUSY`, `SQLITE_LOCKED`) first waits in SQLite's busy handler, then
//!   re-runs the whole closure up to [`SqliteOptions::max_retries`] times; one operation waits
//!   at most [`SqliteOptions::busy_timeout`] in all (for locks and for a free connection), then
//!   is `STORE_UNAVAILABLE`. Other transient database errors are `STORE_UNAVAILABLE` too, with
//!   the detail kept out of the message.
//! - A file that is not fanline's (another program's database, not SQLite at all, corrupt, or
//!   a schema newer than this library) is `STORE_INCOMPATIBLE`, found by reads alone before
//!   anything is written: such a file is left exactly as it was.
//! - The schema is migrated forward on open; [`SqliteStore::migrate_to`] walks it back down.

pub(crate) mod admin;
mod check;
mod dump;
mod migrations;
mod pool;
mod rows;
mod sql;
mod tx;

use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::{Connection, ErrorCode};

use self::pool::{Pool, Target};
use self::tx::SqliteTx;
use super::{Store, StoreProbe, Tx};
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, Result};

pub use migrations::SCHEMA_VERSION;

/// How hard SQLite pushes each commit to disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Synchronous {
    /// `synchronous=NORMAL`: in WAL mode a commit survives a crash of the process, and the
    /// last commits before a power loss may be rolled back (never corrupted). The default.
    #[default]
    Normal,
    /// `synchronous=FULL`: every commit is on disk before it returns, power loss included.
    Full,
}

impl Synchronous {
    fn pragma(self) -> &'static str {
        match self {
            Synchronous::Normal => "NORMAL",
            Synchronous::Full => "FULL",
        }
    }
}

/// Tunables of a [`SqliteStore`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SqliteOptions {
    /// Durability of commits (default [`Synchronous::Normal`]).
    pub synchronous: Synchronous,
    /// How long one operation waits in all, for other connections' locks (another process
    /// holding the write lock included) and for a free connection of this store, before it
    /// gives up with `STORE_UNAVAILABLE` (default 5 s).
    pub busy_timeout: Duration,
    /// How many times a transaction that still met contention is re-run, within
    /// `busy_timeout`, before the store gives up with `STORE_UNAVAILABLE` (default 5).
    pub max_retries: u32,
    /// Connections kept open by this store (default 4). Reads run in parallel on them; writes
    /// are serialised by SQLite whatever this is.
    pub max_connections: usize,
    /// Page cache per connection, in KiB (default 8192).
    pub cache_kib: u32,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        SqliteOptions {
            synchronous: Synchronous::Normal,
            busy_timeout: Duration::from_secs(5),
            max_retries: 5,
            max_connections: 4,
            cache_kib: 8192,
        }
    }
}

impl SqliteOptions {
    fn validate(&self) -> Result<()> {
        if self.max_connections == 0 {
            return Err(Error::config("max_connections must be at least 1"));
        }
        if self.busy_timeout > Duration::from_secs(3600) {
            return Err(Error::config("busy_timeout must be at most one hour"));
        }
        Ok(())
    }
}

/// The embedded SQLite store. See the module docs for how it keeps the [`Store`] contract.
#[derive(Debug)]
pub struct SqliteStore {
    pool: Pool,
    options: SqliteOptions,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path` with default options, switches
    /// it to WAL and applies any missing migrations.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_with(path, SqliteOptions::default())
    }

    /// [`SqliteStore::open`] with explicit options.
    pub fn open_with(path: impl AsRef<Path>, options: SqliteOptions) -> Result<Self> {
        Self::open_target(Target::File(path.as_ref().to_path_buf()), options)
    }

    /// A private in-memory database (one connection; gone when the store is dropped).
    pub fn open_in_memory() -> Result<Self> {
        let options = SqliteOptions {
            max_connections: 1,
            ..SqliteOptions::default()
        };
        Self::open_target(Target::Memory, options)
    }

    fn open_target(target: Target, options: SqliteOptions) -> Result<Self> {
        options.validate()?;
        let is_file = matches!(target, Target::File(_));
        let store = SqliteStore {
            pool: Pool::new(target, options),
            options,
        };
        store.retrying(|deadline| {
            let conn = store.pool.checkout(deadline)?;
            // Reads only, before the first write (the journal mode is one): a file that is
            // not fanline's is refused exactly as it was.
            check::ensure_ours(&conn)?;
            if is_file {
                // Persistent in the file; every later connection inherits it.
                let mode: String =
                    conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
                if !mode.eq_ignore_ascii_case("wal") {
                    return Err(Retry::Failed(Error::store(format!(
                        "journal mode is {mode}, not WAL"
                    ))));
                }
            }
            Ok(())
        })?;
        store.migrate(SCHEMA_VERSION)?;
        Ok(store)
    }

    /// Walks the schema of the database at `path` down to `version` (0 removes every table,
    /// index and view fanline created, and its migration bookkeeping) or up to it, in one
    /// transaction. A version this library does not know is `INVALID_INPUT`; a database
    /// written by a newer library, or a file that is not fanline's, is left untouched
    /// (`STORE_INCOMPATIBLE`).
    pub fn migrate_to(path: impl AsRef<Path>, version: u32) -> Result<()> {
        let store = SqliteStore {
            pool: Pool::new(
                Target::File(path.as_ref().to_path_buf()),
                SqliteOptions::default(),
            ),
            options: SqliteOptions::default(),
        };
        store.migrate(version)
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<u32> {
        self.retrying(|deadline| {
            let conn = self.pool.checkout(deadline)?;
            Ok(migrations::current_version(&conn)?)
        })
    }

    /// The file this store was opened on (`None` in memory).
    pub fn path(&self) -> Option<&Path> {
        self.pool.path()
    }

    fn migrate(&self, version: u32) -> Result<()> {
        let now = SystemClock.now_ms();
        self.retrying(|deadline| {
            let conn = self.pool.checkout(deadline)?;
            let open = Open::begin(&conn, true)?;
            check::ensure_ours(&conn)?;
            migrations::migrate_to(&conn, version, now).map_err(|e| match e {
                migrations::MigrateError::Sqlite(e) => Retry::from(e),
                migrations::MigrateError::Fanline(e) => Retry::Failed(e),
            })?;
            open.finish(true)
        })
    }

    /// Runs `step` until it succeeds, fails for good, met contention more than `max_retries`
    /// times, or the operation's deadline (`busy_timeout` from now, or the thread's
    /// [`deadline`](crate::store::deadline) if earlier, handed to each try) passed.
    fn retrying<T>(&self, mut step: impl FnMut(Instant) -> Attempt<T>) -> Result<T> {
        let deadline = crate::store::deadline::bound(Instant::now() + self.options.busy_timeout);
        let mut retries = 0;
        loop {
            match step(deadline) {
                Ok(v) => return Ok(v),
                Err(Retry::Failed(e)) => return Err(e),
                Err(Retry::Contended(detail)) => {
                    if retries >= self.options.max_retries || Instant::now() >= deadline {
                        return Err(Error::store(format!(
                            "database busy after {} attempts: {detail}",
                            retries + 1
                        )));
                    }
                    retries += 1;
                    backoff(retries);
                }
            }
        }
    }

    fn run(&self, write: bool, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        self.retrying(|deadline| {
            let conn = self.pool.checkout(deadline)?;
            let open = Open::begin(&conn, write)?;
            let mut tx = SqliteTx::new(&conn);
            let result = f(&mut tx);
            if tx.contended {
                return Err(Retry::Contended("a statement met a lock".into()));
            }
            result.map_err(Retry::Failed)?;
            // A read never keeps anything: it ends with a rollback.
            open.finish(write)
        })
    }
}

impl Store for SqliteStore {
    fn read(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        self.run(false, f)
    }

    fn write(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        self.run(true, f)
    }

    fn dump(&self) -> Result<String> {
        self.retrying(|deadline| {
            let conn = self.pool.checkout(deadline)?;
            let open = Open::begin(&conn, false)?;
            let text = dump::dump(&conn)?;
            open.finish(false)?;
            Ok(text)
        })
    }

    fn probe(&self) -> Result<StoreProbe> {
        Ok(StoreProbe {
            kind: "sqlite",
            schema_version: Some(self.schema_version()?),
            latest_version: Some(SCHEMA_VERSION),
        })
    }
}

/// One try of a store step.
type Attempt<T = ()> = std::result::Result<T, Retry>;

/// Why a try did not succeed.
enum Retry {
    /// Another connection held a lock: worth re-running the step.
    Contended(String),
    /// Anything else: returned as is.
    Failed(Error),
}

impl From<rusqlite::Error> for Retry {
    fn from(e: rusqlite::Error) -> Self {
        if is_contention(&e) {
            Retry::Contended(e.to_string())
        } else {
            Retry::Failed(store_error(&e))
        }
    }
}

/// The fanline error for a database error that is not contention: `STORE_INCOMPATIBLE` when
/// the file cannot be read as a database (never worth a retry), else `STORE_UNAVAILABLE`.
pub(super) fn store_error(e: &rusqlite::Error) -> Error {
    check::unreadable(e).unwrap_or_else(|| Error::store(format!("sqlite: {e}")))
}

impl From<Error> for Retry {
    fn from(e: Error) -> Self {
        Retry::Failed(e)
    }
}

/// Whether `e` means another connection holds a lock (worth retrying).
fn is_contention(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

/// Sleeps a little longer after each contended try, with jitter so that processes that
/// collided do not collide again in lockstep.
fn backoff(retry: u32) {
    let base_us = 500u64 << retry.min(6);
    let jitter_us = u64::from(getrandom::u32().unwrap_or(0)) % base_us;
    std::thread::sleep(Duration::from_micros(base_us + jitter_us));
}

/// An open transaction on a connection; rolled back on drop unless finished.
struct Open<'c> {
    conn: &'c Connection,
    done: bool,
}

impl<'c> Open<'c> {
    fn begin(conn: &'c Connection, write: bool) -> Attempt<Self> {
        let sql = if write {
            "BEGIN IMMEDIATE"
        } else {
            "BEGIN DEFERRED"
        };
        conn.prepare_cached(sql)?.execute([])?;
        Ok(Open { conn, done: false })
    }

    /// Commits (`keep`) or rolls back. A failed commit is rolled back by the drop.
    fn finish(mut self, keep: bool) -> Attempt {
        let sql = if keep { "COMMIT" } else { "ROLLBACK" };
        self.conn.prepare_cached(sql)?.execute([])?;
        self.done = true;
        Ok(())
    }
}

impl Drop for Open<'_> {
    fn drop(&mut self) {
        if !self.done && !self.conn.is_autocommit() {
            // If even the rollback fails the pool drops the connection (see `pool`).
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}
