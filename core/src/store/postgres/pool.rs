//! Pooled connections: an r2d2 manager for [`Session`]s, each connection with
//! its own prepared-statement cache and a note of whether it can still be trusted.
//!
//! A connection is discarded (never handed out again) when the client saw it close, when a
//! statement on it failed in a way that means it is gone, or when it was opened before another
//! connection of the same store was found dead: a server restart kills every connection at
//! once, so the idle ones are not worth trying one by one.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio_postgres::{Client, Row, Statement};

use super::failure::{classify, describe, Failure};
use super::session::{ConnectError, Flight, Params, PgResult, Session};
use crate::error::Error;

/// One connection with its prepared statements.
pub(super) struct PgConn {
    session: Session,
    statements: HashMap<&'static str, Statement>,
    /// The open transaction's `BEGIN` while it is not sent: it goes out with the
    /// transaction's first statement, in the same round trip.
    unsent_begin: Option<&'static str>,
    /// The store's loss epoch when this connection was opened.
    epoch: u64,
    /// Set when a failure showed the connection is unusable.
    broken: bool,
}

impl PgConn {
    /// Runs a cached statement and returns its rows.
    pub(super) fn query(&mut self, sql: &'static str, params: Params) -> Result<Vec<Row>, Failure> {
        self.request(sql, |c, s| async move { c.query(&s, params).await })
    }

    /// Runs a cached statement that returns at most one row.
    pub(super) fn query_opt(
        &mut self,
        sql: &'static str,
        params: Params,
    ) -> Result<Option<Row>, Failure> {
        self.request(sql, |c, s| async move { c.query_opt(&s, params).await })
    }

    /// Runs a cached statement that returns exactly one row.
    pub(super) fn query_one(&mut self, sql: &'static str, params: Params) -> Result<Row, Failure> {
        self.request(sql, |c, s| async move { c.query_one(&s, params).await })
    }

    /// Runs a cached statement and returns the number of rows it changed.
    pub(super) fn execute(&mut self, sql: &'static str, params: Params) -> Result<u64, Failure> {
        self.request(sql, |c, s| async move { c.execute(&s, params).await })
    }

    /// The session itself (migrations run their own statements).
    pub(super) fn session(&mut self) -> &mut Session {
        &mut self.session
    }

    /// Opens a transaction with `begin` (text), sent with the first statement that follows.
    pub(super) fn begin_with_next_statement(&mut self, begin: &'static str) {
        self.unsent_begin = Some(begin);
    }

    /// Whether the server has been sent the open transaction's `BEGIN`; if not, there is
    /// nothing to end on the server, and the transaction is forgotten here.
    pub(super) fn end_unsent(&mut self) -> bool {
        self.unsent_begin.take().is_some()
    }

    /// Runs a cached statement and then `COMMIT`, both in one round trip, and ends the
    /// transaction whatever happens (committed, rolled back, or the connection left broken
    /// with the outcome unknown). A transaction whose `BEGIN` is not sent yet sends it with
    /// the statement first and commits in a round trip of its own: a pooled connection that
    /// died while idle fails its first round trip with no answer from the server, which is
    /// safe to retry only when no `COMMIT` went with it.
    pub(super) fn execute_and_commit(
        &mut self,
        sql: &'static str,
        params: Params,
    ) -> Result<u64, Failure> {
        if self.unsent_begin.is_some() {
            let n = self.execute(sql, params).inspect_err(|_| self.rollback())?;
            return self.commit().map(|()| n);
        }
        let stmt = self.statement(sql).inspect_err(|_| self.rollback())?;
        let flight = self.session.flight(
            None,
            |c| async move { c.execute(&stmt, params).await },
            Some("COMMIT"),
        );
        self.end(flight)
    }

    /// `COMMIT`s the open transaction (which has been begun on the server).
    pub(super) fn commit(&mut self) -> Result<(), Failure> {
        let after = self.session.batch("COMMIT");
        self.end(Flight {
            before: Ok(()),
            request: Ok(()),
            after: Some(after),
        })
    }

    /// Ends the open transaction without applying anything; a connection that cannot even do
    /// that stays broken.
    pub(super) fn rollback(&mut self) {
        if self.end_unsent() || self.session.batch("ROLLBACK").is_ok() {
            self.mark_sound();
        }
    }

    /// What a flight meant to carry the `COMMIT` means. The connection is sound again when
    /// the server answered every part (the transaction is then over, committed or rolled
    /// back) and none of its answers says the connection is going away; a `COMMIT` held back
    /// (its statement could not be sent) leaves the transaction to roll back here.
    fn end<T>(&mut self, flight: Flight<T>) -> Result<T, Failure> {
        if flight.after.is_none() {
            self.rollback();
            return settle(flight);
        }
        let answered = |r: Option<&tokio_postgres::Error>| {
            r.is_none_or(|e| e.code().is_some() && !matches!(classify(e), Failure::Lost(_)))
        };
        if answered(flight.before.as_ref().err())
            && answered(flight.request.as_ref().err())
            && answered(flight.after.as_ref().and_then(|a| a.as_ref().err()))
        {
            self.mark_sound();
        }
        settle(flight)
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

    /// Sends the unsent `BEGIN` (if any) and the request `make` builds from the cached
    /// statement for `sql` in one round trip.
    fn request<'s, T, F>(
        &'s mut self,
        sql: &'static str,
        make: impl FnOnce(&'s Client, Statement) -> F,
    ) -> Result<T, Failure>
    where
        F: Future<Output = PgResult<T>>,
    {
        let stmt = self.statement(sql)?;
        let begin = self.unsent_begin.take();
        let flight = self.session.flight(begin, |c| make(c, stmt), None);
        settle(flight)
    }

    fn statement(&mut self, sql: &'static str) -> PgResult<Statement> {
        if let Some(stmt) = self.statements.get(sql) {
            return Ok(stmt.clone());
        }
        let stmt = self.session.prepare(sql)?;
        self.statements.insert(sql, stmt.clone());
        Ok(stmt)
    }
}

/// What the answers to a flight (`BEGIN`, a statement, `COMMIT`, each possibly not sent) mean
/// for the transaction.
///
/// The server runs what it was sent in order, even after an error that leaves the connection
/// up: a statement after a failed `BEGIN` runs on its own, outside any transaction; a
/// `COMMIT` after a failed statement rolls the transaction back. An answer the server gave
/// (it has a SQLSTATE) is certain; a connection that broke before answering leaves unknown
/// how far the server got, which matters once a `COMMIT` was on its way, and so does a
/// `COMMIT` answered by the connection ending (it may have been applied first).
fn settle<T>(flight: Flight<T>) -> Result<T, Failure> {
    let commits = flight.after.is_some();
    let unknown = |e: &tokio_postgres::Error| {
        Failure::Failed(Error::store(format!(
            "connection lost during commit, outcome unknown: {}",
            describe(e)
        )))
    };
    match flight {
        Flight {
            before: Ok(()),
            request: Ok(v),
            after: None | Some(Ok(())),
        } => Ok(v),
        Flight {
            before: Err(e),
            request: Ok(_),
            ..
        } => Err(Failure::Failed(Error::store(format!(
            "the transaction did not begin and its statement ran on its own, outcome unknown: {}",
            describe(&e)
        )))),
        Flight { before: Err(e), .. }
        | Flight {
            before: Ok(()),
            request: Err(e),
            ..
        } => Err(if commits && e.code().is_none() {
            unknown(&e)
        } else {
            classify(&e)
        }),
        Flight {
            request: Ok(_),
            after: Some(Err(e)),
            ..
        } => Err(match classify(&e) {
            Failure::Lost(_) => unknown(&e),
            other => other,
        }),
    }
}

/// Opens connections for the pool (and, as a clone, for the store's direct login checks).
#[derive(Clone)]
pub(super) struct Manager {
    config: tokio_postgres::Config,
    /// `SET search_path` for fanline's schema, run on every new connection.
    setup: String,
    /// Bumped whenever a connection is found dead; connections from an older epoch are stale.
    loss_epoch: Arc<AtomicU64>,
    /// Why the server refused the last login, for good (`STORE_INCOMPATIBLE`); cleared by the
    /// next login that succeeds. Shared by every clone.
    refused: Arc<Mutex<Option<Error>>>,
}

impl Manager {
    pub(super) fn new(
        config: tokio_postgres::Config,
        setup: String,
        loss_epoch: Arc<AtomicU64>,
    ) -> Self {
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

    fn open(&self) -> Result<PgConn, ConnectError> {
        let epoch = self.loss_epoch.load(Ordering::Acquire);
        let mut session = Session::connect(&self.config)?;
        session.batch(&self.setup)?;
        Ok(PgConn {
            session,
            statements: HashMap::new(),
            unsent_begin: None,
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
    type Error = ConnectError;

    fn connect(&self) -> Result<PgConn, ConnectError> {
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

    fn is_valid(&self, conn: &mut PgConn) -> Result<(), ConnectError> {
        // Only called if checkout testing is on (the store turns it off, see `connect_with`).
        Ok(conn.session.batch("")?)
    }

    fn has_broken(&self, conn: &mut PgConn) -> bool {
        conn.broken
            || conn.session.is_closed()
            || conn.epoch < self.loss_epoch.load(Ordering::Acquire)
    }
}

/// The permanent error for a failed login, if the server refused it for good.
fn refusal(e: &ConnectError) -> Option<Error> {
    let ConnectError::Client(e) = e else {
        return None;
    };
    match classify(e) {
        Failure::Failed(e) if e.code() == "STORE_INCOMPATIBLE" => Some(e),
        _ => None,
    }
}

/// Whether a checked-out connection predates the last detected loss (and should be dropped
/// rather than tried).
pub(super) fn is_stale(conn: &PgConn, loss_epoch: &AtomicU64) -> bool {
    conn.broken || conn.session.is_closed() || conn.epoch < loss_epoch.load(Ordering::Acquire)
}
