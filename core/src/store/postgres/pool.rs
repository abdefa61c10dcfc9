//! Pooled connections: an r2d2 manager for the sync `postgres` client, each connection with
//! its own prepared-statement cache and a note of whether it can still be trusted.
//!
//! A connection is discarded (never handed out again) when the client saw it close, when a
//! statement on it failed in a way that means it is gone, or when it was opened before another
//! connection of the same store was found dead: a server restart kills every connection at
//! once, so the idle ones are not worth trying one by one.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use postgres::types::ToSql;
use postgres::{Client, NoTls, Row, Statement};

use super::failure::{classify, Failure};
use crate::error::Error;

/// A client result.
pub(super) type PgResult<T> = Result<T, postgres::Error>;

/// One connection with its prepared statements.
pub(super) struct PgConn {
    client: Client,
    statements: HashMap<&'static str, Statement>,
    /// The store's loss epoch when this connection was opened.
    epoch: u64,
    /// Set when a failure showed the connection is unusable.
    broken: bool,
}

/// Parameters of one statement.
pub(super) type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

impl PgConn {
    /// Runs a cached statement and returns its rows.
    pub(super) fn query(&mut self, sql: &'static str, params: Params) -> PgResult<Vec<Row>> {
        let stmt = self.statement(sql)?;
        self.client.query(&stmt, params)
    }

    /// Runs a cached statement that returns at most one row.
    pub(super) fn query_opt(&mut self, sql: &'static str, params: Params) -> PgResult<Option<Row>> {
        let stmt = self.statement(sql)?;
        self.client.query_opt(&stmt, params)
    }

    /// Runs a cached statement that returns exactly one row.
    pub(super) fn query_one(&mut self, sql: &'static str, params: Params) -> PgResult<Row> {
        let stmt = self.statement(sql)?;
        self.client.query_one(&stmt, params)
    }

    /// Runs a cached statement and returns the number of rows it changed.
    pub(super) fn execute(&mut self, sql: &'static str, params: Params) -> PgResult<u64> {
        let stmt = self.statement(sql)?;
        self.client.execute(&stmt, params)
    }

    /// Runs text without parameters (transaction control, migrations, dumps).
    pub(super) fn batch(&mut self, sql: &str) -> PgResult<()> {
        self.client.batch_execute(sql)
    }

    /// Runs an uncached query (built at run time from catalog names, never from callers).
    pub(super) fn query_text(&mut self, sql: &str, params: Params) -> PgResult<Vec<Row>> {
        self.client.query(sql, params)
    }

    /// The client itself (migrations use its transaction API).
    pub(super) fn client(&mut self) -> &mut Client {
        &mut self.client
    }

    /// Forgets the prepared statements (after the schema changed under them).
    pub(super) fn forget_statements(&mut self) {
        self.statements.clear();
    }

    /// Marks the connection unusable: the pool drops it when it comes back.
    pub(super) fn mark_broken(&mut self) {
        self.broken = true;
    }

    /// Marks the connection usable again, once a transaction on it ended cleanly.
    pub(super) fn mark_sound(&mut self) {
        self.broken = false;
    }

    fn statement(&mut self, sql: &'static str) -> PgResult<Statement> {
        if let Some(stmt) = self.statements.get(sql) {
            return Ok(stmt.clone());
        }
        let stmt = self.client.prepare(sql)?;
        self.statements.insert(sql, stmt.clone());
        Ok(stmt)
    }
}

/// Opens connections for the pool (and, as a clone, for the store's direct login checks).
#[derive(Clone)]
pub(super) struct Manager {
    config: postgres::Config,
    /// `SET search_path` for fanline's schema, run on every new connection.
    setup: String,
    /// Bumped whenever a connection is found dead; connections from an older epoch are stale.
    loss_epoch: Arc<AtomicU64>,
    /// Why the server refused the last login, for good (`STORE_INCOMPATIBLE`); cleared by the
    /// next login that succeeds. Shared by every clone.
    refused: Arc<Mutex<Option<Error>>>,
}

impl Manager {
    pub(super) fn new(config: postgres::Config, setup: String, loss_epoch: Arc<AtomicU64>) -> Self {
        Manager {
            config,
            setup,
            loss_epoch,
            refused: Arc::default(),
        }
    }

    /// Why the server refused the last login, if it did for a reason no retry can fix.
    pub(super) fn refusal(&self) -> Option<Error> {
        self.refused
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Logs in once, outside the pool: the permanent refusal if the server gives one. The
    /// pool itself would keep trying until its checkout timeout and then report a timeout.
    /// Anything else (the server is not up yet) is left to the pool's own wait.
    pub(super) fn check_login(&self) -> Option<Error> {
        use r2d2::ManageConnection;
        self.connect().err().as_ref().and_then(refusal)
    }

    fn open(&self) -> PgResult<PgConn> {
        let epoch = self.loss_epoch.load(Ordering::Acquire);
        let mut client = self.config.connect(NoTls)?;
        client.batch_execute(&self.setup)?;
        Ok(PgConn {
            client,
            statements: HashMap::new(),
            epoch,
            broken: false,
        })
    }
}

impl std::fmt::Debug for Manager {
    // The config holds the password: only say what this is.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Manager")
    }
}

impl r2d2::ManageConnection for Manager {
    type Connection = PgConn;
    type Error = postgres::Error;

    fn connect(&self) -> PgResult<PgConn> {
        let result = self.open();
        // A transient failure says nothing about the credentials: the note stays as it was.
        let note = match &result {
            Ok(_) => None,
            Err(e) => match refusal(e) {
                Some(refused) => Some(refused),
                None => return result,
            },
        };
        *self.refused.lock().unwrap_or_else(PoisonError::into_inner) = note;
        result
    }

    fn is_valid(&self, conn: &mut PgConn) -> PgResult<()> {
        // Only called if checkout testing is on (the store turns it off, see `connect_with`).
        conn.client.batch_execute("")
    }

    fn has_broken(&self, conn: &mut PgConn) -> bool {
        conn.broken
            || conn.client.is_closed()
            || conn.epoch < self.loss_epoch.load(Ordering::Acquire)
    }
}

/// The permanent error for a failed login, if the server refused it for good.
fn refusal(e: &postgres::Error) -> Option<Error> {
    match classify(e) {
        Failure::Failed(e) if e.code() == "STORE_INCOMPATIBLE" => Some(e),
        _ => None,
    }
}

/// Whether a checked-out connection predates the last detected loss (and should be dropped
/// rather than tried).
pub(super) fn is_stale(conn: &PgConn, loss_epoch: &AtomicU64) -> bool {
    conn.broken || conn.client.is_closed() || conn.epoch < loss_epoch.load(Ordering::Acquire)
}
