//! The PostgreSQL [`Store`] (cargo feature `postgres`): one database behind any number of
//! backend instances, each with its own [`PostgresStore`].
//!
//! # Isolation: SERIALIZABLE, retried
//! Every [`Store::write`] runs its closure in one `SERIALIZABLE` transaction. The engine's
//! closures read, decide and write (the cooldown and rate-limit rows, the creator's active
//! call, whether the fan is in a connected call, the fan's balance); under `SERIALIZABLE`
//! PostgreSQL guarantees that concurrent transactions, from any number of processes, have
//! the effect of some one-at-a-time order, so every such decision holds across instances
//! without this store knowing which rows a rule depends on. The alternatives were weighed:
//! `READ COMMITTED` plus explicit locks would need a lock for every row (and every missing
//! row) each rule reads, written here in the store in step with the engine's rules, and a
//! forgotten one is a silent race; `REPEATABLE READ` alone allows write skew (two accepts of
//! two calls of one fan, each seeing the fan free). The price of `SERIALIZABLE` is that
//! conflicting transactions abort with a serialization failure (SQLSTATE 40001), and so do
//! some that only touched the same index page; they are re-run here with jittered backoff,
//! up to [`PostgresOptions::max_retries`] times, then the operation is `STORE_UNAVAILABLE`.
//! Deadlocks (40P01) are retried the same way.
//!
//! Two writes decide nothing and run at `READ COMMITTED` instead: a refusal counter's bump
//! ([`Store::count_refusal`]) and the sweeper's prune of limits that no longer bite
//! ([`Store::prune_limits`]), so neither makes the writes that do decide abort.
//!
//! Single-statement guards back this up where a rule is one row: a transition is
//! `UPDATE ... WHERE id = $1 AND state = $expected`, a settlement is
//! `INSERT ... ON CONFLICT (call_id) DO NOTHING`, ledger entries are unique by reference.
//!
//! [`Store::read`] runs in a `REPEATABLE READ READ ONLY` transaction: one consistent snapshot,
//! never aborted, with none of the predicate-lock bookkeeping of a serializable one.
//!
//! # Time: the engine's clock
//! The store never asks the database for the time. Every time that decides something (a
//! cooldown's end, a rate limit's theoretical arrival time, an invitation's expiry) is computed
//! by the engine from its injected [`Clock`] and stored as a plain number, so
//! tests pin time with a `ManualClock` and a store behaves the same as the memory and SQLite
//! ones. Several instances are safe with this: serialization makes each decision see every
//! committed write, and the only cross-instance effect of time is clock skew between hosts,
//! which shifts a cooldown or an expiry by the skew (milliseconds under NTP) and never lets a
//! limit be taken twice, because taking it is a serialized read-modify-write of one row.
//! Hosts that would rather have every instance read one clock can give the engine a
//! [`DatabaseClock`], which follows the database server's clock.
//!
//! # Failures
//! - A transaction's `BEGIN` is sent with its first statement and its held writes with its
//!   `COMMIT` (pipelined: both sent before either answer is read), so an initiation is two
//!   round trips. A transaction's first round trip never carries its `COMMIT`.
//! - A connection lost before `COMMIT` was sent leaves nothing applied (the server rolls the
//!   transaction back); the try is re-run on a fresh connection within the same retry bound.
//!   A statement the server refused in the round trip that carried the `COMMIT` left nothing
//!   applied either (the server runs what it was sent in order, and a `COMMIT` after a failed
//!   statement rolls back): retried if the refusal is transient, returned if not.
//! - A connection lost while `COMMIT` was in flight (alone or with the last write, with no
//!   answer from the server, or with the server shutting down as its answer) is
//!   `STORE_UNAVAILABLE` at once: the transaction was applied whole or not at all, and
//!   re-running it could apply it twice.
//! - A dead connection is never handed out again, and neither is any pooled connection opened
//!   before a loss was seen (a server restart kills all of them), so operations succeed again
//!   as soon as the server is back.
//! - A refused login (wrong password, unknown role), a missing database and a schema newer
//!   than this library are `STORE_INCOMPATIBLE` at once, never retried: the message says
//!   which (with the server's reason, which names the user or database, not the password).
//!   A login refused under a running store (a rotated password) is found after one checkout
//!   timeout; from then on each operation asks the server once and fails at once, until a
//!   login succeeds again.
//! - SQL text and URLs never reach an error's message, nor do server messages of transient
//!   faults (see [`Error::StoreUnavailable`]); the URL's password is in no error and no
//!   `Debug` output.
//!
//! # Schema
//! Tables live in their own schema (default `fanline`, see [`PostgresOptions::schema`]),
//! created and migrated forward when the store opens; [`PostgresStore::migrate_to`] walks it
//! down (to 0: nothing of fanline is left). Connections run with `search_path` set to it.
//! Connections are plain TCP or Unix socket: TLS is not built in.
//!
//! Audit `seq` values come from a sequence: unique and increasing in the order records were
//! written, with gaps where a transaction rolled back. Under concurrent writers a record can
//! become visible after one with a higher `seq` (its transaction committed later), so a reader
//! tailing the log should re-read a short window behind its cursor.

pub(crate) mod admin;
mod clock;
mod dump;
mod failure;
mod migrations;
mod options;
mod pending;
mod pool;
mod rows;
mod session;
mod sql;
mod tx;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use self::failure::Failure;
use self::pool::{Manager, PgConn};
use self::tx::PgTx;
use super::{deadline, Store, StoreProbe, Tx};
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, Result};

pub use self::clock::DatabaseClock;
pub use self::migrations::SCHEMA_VERSION;
pub use self::options::{PostgresOptions, SCHEMA_PARAM};

/// Every write is `SERIALIZABLE`. The planner settings it needs are the connection's own
/// ([`SESSION_SETTINGS`]), so a write's `BEGIN` is one statement.
const BEGIN_WRITE: &str = "BEGIN ISOLATION LEVEL SERIALIZABLE";
/// Set once on every new connection, for every statement it runs. Index scans wherever an
/// index serves: under SERIALIZABLE a sequential scan locks the whole table against
/// concurrent writers (a small table, `limits` early on, would be scanned, and every
/// concurrent initiation would then abort another). Generic plans: the initiation's one read
/// statement has enough parts that PostgreSQL's default (a plan per execution while custom
/// plans look cheaper) re-planned it on every initiation, about 0.6 ms of server CPU each,
/// more than executing it; every statement here is an equality or range lookup on an index,
/// which a generic plan serves as well. Set per connection rather than per transaction
/// (`SET LOCAL`), they cost nothing per operation. Two statements scan a whole table and
/// turn sequential scans back on for their own transaction: `ledger_sum`, and the sweeper's
/// prune of `limits`, which has no index to use (and runs at READ COMMITTED, see
/// [`BEGIN_BOOKKEEPING`]).
const SESSION_SETTINGS: &str = "SET enable_seqscan = off; SET plan_cache_mode = force_generic_plan";
const BEGIN_READ: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
/// For a write that decides nothing (a refusal counter's bump, the prune of limits that no
/// longer bite): concurrent bumps of one row queue on its lock instead of failing each
/// other's serialization, and the prune's scan of the whole `limits` table takes no predicate
/// lock that concurrent initiations would then conflict with. Racing an initiation over one
/// row, the prune deletes only a value at or before its own now, re-checked on the row's
/// newest version (an initiation's uncommitted write makes it wait), and an initiation that
/// read the row it deleted writes a fresh one or, when another wrote the row meanwhile,
/// fails its serialization and is re-run: the outcome is always that of the prune before the
/// initiation, or after it.
const BEGIN_BOOKKEEPING: &str = "BEGIN ISOLATION LEVEL READ COMMITTED";

/// How a transaction begins and ends.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Read,
    Write,
    Bookkeeping,
}

impl Kind {
    fn begin(self) -> &'static str {
        match self {
            Kind::Read => BEGIN_READ,
            Kind::Write => BEGIN_WRITE,
            Kind::Bookkeeping => BEGIN_BOOKKEEPING,
        }
    }
}

/// The PostgreSQL store. See the module docs for how it keeps the [`Store`] contract.
///
/// Every operation blocks the calling thread until the server answered. Each connection is
/// driven by a single-threaded tokio runtime of its own, on the caller's thread: from async
/// code, call the engine inside `tokio::task::spawn_blocking` (tokio panics when a thread
/// that runs async tasks blocks on a runtime).
pub struct PostgresStore {
    pool: r2d2::Pool<Manager>,
    /// A clone of the pool's manager, for logging in directly once the server refused.
    manager: Manager,
    options: PostgresOptions,
    /// Bumped when a connection is found dead; older connections are then dropped unused.
    loss_epoch: Arc<AtomicU64>,
}

impl std::fmt::Debug for PostgresStore {
    // Only what is safe to log: never the URL, which may hold a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("schema", &self.options.schema)
            .field("max_connections", &self.options.max_connections)
            .finish_non_exhaustive()
    }
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user:password@host:port/db?...`, or
    /// `postgresql://`), creates fanline's schema if missing and migrates it forward. The
    /// schema is `fanline` unless the URL names another with `?fanline_schema=name`.
    pub fn connect(url: &str) -> Result<Self> {
        Self::connect_with(url, PostgresOptions::default())
    }

    /// [`PostgresStore::connect`] with explicit options; a `fanline_schema` in the URL takes
    /// the place of `options.schema`.
    pub fn connect_with(url: &str, mut options: PostgresOptions) -> Result<Self> {
        let (client_url, schema) = options::split_url(url)?;
        if let Some(schema) = schema {
            options.schema = schema;
        }
        options.validate()?;
        let mut config = options::parse_config(&client_url)?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(options.checkout_timeout);
        }
        let loss_epoch = Arc::new(AtomicU64::new(0));
        let setup = format!(
            "SET search_path TO {}; {SESSION_SETTINGS}",
            migrations::quote_ident(&options.schema)
        );
        let pool = r2d2::Pool::builder()
            .max_size(options.max_connections)
            // Connections are opened on demand; none is kept open just in case.
            .min_idle(Some(0))
            .connection_timeout(options.checkout_timeout)
            // No probe query per checkout (a round trip per transaction): a dead connection
            // fails in its first round trip (BEGIN and a statement, never a COMMIT), which is
            // safe to retry, and then every older one is dropped.
            .test_on_check_out(false)
            // Failures are reported to the caller of each operation, not logged here.
            .error_handler(Box::new(r2d2::NopErrorHandler));
        let manager = Manager::new(config, setup, loss_epoch.clone());
        // A wrong password, an unknown role or database: refused once, at once.
        if let Some(refused) = manager.check_login() {
            return Err(refused);
        }
        let store = PostgresStore {
            pool: pool.build_unchecked(manager.clone()),
            manager,
            options,
            loss_epoch,
        };
        store.migrate_to(SCHEMA_VERSION)?;
        Ok(store)
    }

    /// The options in use.
    pub fn options(&self) -> &PostgresOptions {
        &self.options
    }

    /// Moves fanline's schema to `version`: up, or down with the down migrations (0 removes
    /// every table, view and sequence fanline created, its bookkeeping, and the schema itself
    /// when nothing else is in it). Tables of the host are never touched.
    pub fn migrate_to(&self, version: u32) -> Result<()> {
        let now = SystemClock.now_ms();
        let schema = self.options.schema.clone();
        self.retrying(|| {
            let mut conn = self.checkout()?;
            // The statements cached on this connection may name tables about to change.
            conn.forget_statements();
            let result = in_transaction(&mut conn, "BEGIN", true, |tx| {
                migrations::migrate_to(tx, &schema, version, now)
            });
            self.settle(&mut conn, result)
        })
    }

    /// The schema version of the database.
    pub fn schema_version(&self) -> Result<u32> {
        let schema = self.options.schema.clone();
        self.retrying(|| {
            let mut conn = self.checkout()?;
            let result = in_transaction(&mut conn, "BEGIN", false, |tx| {
                migrations::current_version(tx, &schema)
            });
            self.settle(&mut conn, result)
        })
    }

    /// A [`Clock`] that follows this database server's clock (see [`DatabaseClock`]).
    pub fn database_clock(&self) -> Result<DatabaseClock> {
        let clock = DatabaseClock::new_unsynced();
        self.sync_clock(&clock)?;
        Ok(clock)
    }

    /// Measures the database clock again and updates `clock`'s offset. Hosts that use a
    /// [`DatabaseClock`] call this on a timer (every few minutes is plenty).
    pub fn sync_clock(&self, clock: &DatabaseClock) -> Result<()> {
        let offset = self.retrying(|| {
            let mut conn = self.checkout()?;
            let result = clock::measure_offset(&mut conn);
            self.settle(&mut conn, result)
        })?;
        clock.set_offset_ms(offset);
        Ok(())
    }

    /// Runs `step` until it succeeds, fails for good, or was contended (or lost its
    /// connection before committing) more than `max_retries` times or past the thread's
    /// [`deadline`].
    fn retrying<T>(&self, mut step: impl FnMut() -> std::result::Result<T, Failure>) -> Result<T> {
        let mut retries = 0;
        loop {
            match step() {
                Ok(v) => return Ok(v),
                Err(Failure::Failed(e)) => return Err(e),
                Err(Failure::Contended(detail) | Failure::Lost(detail)) => {
                    let late = deadline::current().is_some_and(|d| Instant::now() >= d);
                    if retries >= self.options.max_retries || late {
                        return Err(Error::store(format!(
                            "gave up after {} tries: {detail}",
                            retries + 1
                        )));
                    }
                    retries += 1;
                    backoff(retries);
                }
            }
        }
    }

    /// A pooled connection that is not known to be stale. Waiting longer than the checkout
    /// timeout (the server is down or every connection is busy) is final: retrying it would
    /// multiply the wait.
    ///
    /// Once the server refused a login for good (the password was rotated, the role
    /// dropped), each checkout asks it once, directly, and returns that refusal at once
    /// instead of waiting out the timeout; the first login that succeeds ends this.
    fn checkout(&self) -> std::result::Result<r2d2::PooledConnection<Manager>, Failure> {
        if self.manager.refusal().is_some() {
            if let Some(refused) = self.manager.check_login() {
                return Err(Failure::Failed(refused));
            }
        }
        for _ in 0..=self.options.max_connections {
            // The thread's deadline, if sooner, shortens the wait for a connection.
            let wait = deadline::bound(Instant::now() + self.options.checkout_timeout)
                .saturating_duration_since(Instant::now());
            let mut conn = self.pool.get_timeout(wait).map_err(|e| {
                Failure::Failed(
                    self.manager
                        .refusal()
                        .unwrap_or_else(|| Error::store(format!("no connection: {e}"))),
                )
            })?;
            if pool::is_stale(&conn, &self.loss_epoch) {
                // Dropped broken: the pool closes it and opens a fresh one next time.
                conn.mark_broken();
                continue;
            }
            return Ok(conn);
        }
        Err(Failure::Lost("every pooled connection was stale".into()))
    }

    /// Notes what a try's result says about its connection.
    fn settle<T>(
        &self,
        conn: &mut PgConn,
        result: std::result::Result<T, Failure>,
    ) -> std::result::Result<T, Failure> {
        if let Err(Failure::Lost(_)) = &result {
            conn.mark_broken();
            self.loss_epoch.fetch_add(1, Ordering::AcqRel);
        }
        result
    }

    fn run(&self, kind: Kind, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        self.retrying(|| {
            let mut conn = self.checkout()?;
            let result = attempt(&mut conn, kind, f);
            self.settle(&mut conn, result)
        })
    }
}

/// One try of a transaction on `conn`. Its `BEGIN` goes out with its first statement and its
/// held writes with its `COMMIT` (see [`PgConn::execute_and_commit`]): an initiation (one read,
/// one write) is two round trips, and a closure that sent nothing costs none.
fn attempt(
    conn: &mut PgConn,
    kind: Kind,
    f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>,
) -> std::result::Result<(), Failure> {
    // Broken until the transaction ends cleanly: if the closure panics, the pool drops the
    // connection instead of handing out one with a transaction still open on it.
    conn.mark_broken();
    conn.begin_with_next_statement(kind.begin());
    let mut tx = PgTx::new(conn);
    let outcome = f(&mut tx);
    let failure = tx.failure.take();
    let held = tx.take_held();
    match (failure, outcome) {
        // The database's verdict wins, even if the closure swallowed the error it got.
        (Some(failure), _) => {
            conn.rollback();
            Err(failure)
        }
        (None, Err(e)) => {
            conn.rollback();
            Err(Failure::Failed(e))
        }
        (None, Ok(())) if kind == Kind::Read => {
            conn.rollback();
            if held.is_empty() {
                Ok(())
            } else {
                Err(Failure::Failed(Error::internal(
                    "a read-only transaction held writes",
                )))
            }
        }
        (None, Ok(())) if !held.is_empty() => tx::commit_with(conn, held),
        (None, Ok(())) if conn.end_unsent() => {
            conn.mark_sound();
            Ok(())
        }
        (None, Ok(())) => conn.commit(),
    }
}

/// [`Session::in_transaction`](session::Session::in_transaction) on a pooled connection, which
/// stays broken until the transaction ended: one that panicked is dropped by the pool instead
/// of being handed out with the transaction still open.
fn in_transaction<T>(
    conn: &mut PgConn,
    begin: &str,
    commit: bool,
    f: impl FnOnce(&mut session::Session) -> std::result::Result<T, Failure>,
) -> std::result::Result<T, Failure> {
    conn.mark_broken();
    let result = conn.session().in_transaction(begin, commit, f);
    if !matches!(result, Err(Failure::Lost(_))) && !conn.session().is_closed() {
        conn.mark_sound();
    }
    result
}

impl Store for PostgresStore {
    fn read(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        self.run(Kind::Read, f)
    }

    fn write(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        self.run(Kind::Write, f)
    }

    fn count_refusal(&self, code: &str, minute_ms: i64) -> Result<()> {
        self.run(Kind::Bookkeeping, &mut |tx| {
            tx.count_refusal(code, minute_ms)
        })
    }

    fn prune_limits(&self, now_ms: i64) -> Result<u64> {
        let mut pruned = 0;
        self.run(Kind::Bookkeeping, &mut |tx| {
            pruned = tx.prune_limits(now_ms)?;
            Ok(())
        })?;
        Ok(pruned)
    }

    fn dump(&self) -> Result<String> {
        let schema = self.options.schema.clone();
        self.retrying(|| {
            let mut conn = self.checkout()?;
            let result = in_transaction(&mut conn, BEGIN_READ, false, |tx| {
                let version = migrations::current_version(tx, &schema)?;
                dump::dump(tx, &schema, version)
            });
            self.settle(&mut conn, result)
        })
    }

    fn probe(&self) -> Result<StoreProbe> {
        Ok(StoreProbe {
            kind: "postgres",
            schema_version: Some(self.schema_version()?),
            latest_version: Some(SCHEMA_VERSION),
        })
    }
}

/// Sleeps a little longer after each contended try, with jitter so that transactions that
/// collided do not collide again in lockstep.
fn backoff(retry: u32) {
    let base_us = 500u64 << retry.min(6);
    let jitter_us = u64::from(getrandom::u32().unwrap_or(0)) % base_us;
    std::thread::sleep(Duration::from_micros(base_us + jitter_us));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The initiation's one read and the accept's, as a write transaction plans them: generic
    /// plans (their parameters stay `$n`: planned once per connection, not per operation) that
    /// read every table through an index. Needs a server (`FANLINE_TEST_PG_URL`, set by
    /// `scripts/stages/30-postgres`); without one there is nothing to check.
    #[test]
    fn postgres_multi_part_reads_are_planned_once_and_use_indexes() {
        let Ok(url) = std::env::var("FANLINE_TEST_PG_URL") else {
            return;
        };
        let sep = if url.contains('?') { '&' } else { '?' };
        let store = PostgresStore::connect(&format!("{url}{sep}fanline_schema=t_generic_plan"))
            .expect("connect");
        let mut conn = store.checkout().map_err(|_| ()).expect("connection");
        // (statement, arguments, a value a custom plan would show, a generic plan's `$n`)
        let reads = [
            (
                sql::INITIATE_READS,
                "('c1', 'f1', 0, ARRAY['rate\ncreator\nc1'])",
                "'f1'",
                "= $2",
            ),
            (
                sql::CALL_READS,
                "('0190a5c4-98e4-7d3c-9b7e-3f2a1c4d5e6f')",
                "0190a5c4",
                "$1",
            ),
        ];
        let mut plans = Vec::new();
        for (statement, args, value, param) in reads {
            conn.session().batch(BEGIN_WRITE).expect("begin");
            conn.session()
                .batch(&format!("PREPARE read AS {statement}"))
                .expect("prepare");
            let plan = conn
                .session()
                .query(&format!("EXPLAIN EXECUTE read{args}"), &[])
                .expect("explain")
                .iter()
                .map(|r| r.get::<_, String>(0))
                .collect::<Vec<_>>()
                .join("\n");
            conn.session()
                .batch("ROLLBACK; DEALLOCATE read")
                .expect("end");
            plans.push((plan, value, param));
        }
        drop(conn);
        store.migrate_to(0).expect("drop the test schema");
        for (plan, value, param) in plans {
            assert!(
                plan.contains(param) && !plan.contains(value),
                "not generic:\n{plan}"
            );
            assert!(!plan.contains("Seq Scan"), "a sequential scan:\n{plan}");
        }
    }
}
