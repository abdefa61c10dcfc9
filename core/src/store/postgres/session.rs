//! One blocking connection: a `tokio-postgres` client driven on the calling thread by a
//! runtime of its own (what the sync `postgres` crate does), plus what that crate cannot do:
//! send several requests before reading the first answer. A transaction's `BEGIN` goes out
//! with its first statement and its last write with its `COMMIT` ([`Session::flight`]), so an
//! initiation costs two round trips instead of four.

use std::future::Future;
use std::pin::pin;
use std::task::Poll;

use futures_util::future::join3;
use tokio::runtime::Runtime;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, Config, NoTls, Row, Statement, ToStatement};

use super::failure::Failure;

/// A client result.
pub(super) type PgResult<T> = Result<T, tokio_postgres::Error>;

/// Parameters of one statement.
pub(super) type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// Why a connection could not be opened.
#[derive(Debug, thiserror::Error)]
pub(super) enum ConnectError {
    /// The server or the network said no.
    #[error("{0}")]
    Client(#[from] tokio_postgres::Error),
    /// This process could not make the connection's runtime (out of file descriptors).
    #[error("no runtime for a connection: {0}")]
    Runtime(#[from] std::io::Error),
}

/// The answers to one flight: the text sent before the request (`Ok(())` if there was none),
/// the request, and the text sent after it (`None` if there was none, or it was held back
/// because the request could not be sent).
pub(super) struct Flight<T> {
    pub(super) before: PgResult<()>,
    pub(super) request: PgResult<T>,
    pub(super) after: Option<PgResult<()>>,
}

/// An open connection and the runtime that moves its bytes.
pub(super) struct Session {
    client: Client,
    // Dropped with the session: its task and the socket go with it, and the server rolls back
    // whatever was left open on the connection.
    runtime: Runtime,
}

impl Session {
    /// Logs in with `config`.
    pub(super) fn connect(config: &Config) -> Result<Session, ConnectError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()?;
        let (client, connection) = runtime.block_on(config.connect(NoTls))?;
        // Runs whenever this thread waits in `block_on`: the connection only needs to make
        // progress while somebody waits for an answer. It ends when the connection does.
        runtime.spawn(async move {
            let _ = connection.await;
        });
        Ok(Session { client, runtime })
    }

    /// Whether the client saw the connection close.
    pub(super) fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    /// Prepares `sql` on the server.
    pub(super) fn prepare(&mut self, sql: &str) -> PgResult<Statement> {
        self.runtime.block_on(self.client.prepare(sql))
    }

    /// Runs a statement and returns its rows.
    pub(super) fn query<T>(&mut self, statement: &T, params: Params) -> PgResult<Vec<Row>>
    where
        T: ?Sized + ToStatement,
    {
        self.runtime.block_on(self.client.query(statement, params))
    }

    /// Runs a statement that returns exactly one row.
    pub(super) fn query_one<T>(&mut self, statement: &T, params: Params) -> PgResult<Row>
    where
        T: ?Sized + ToStatement,
    {
        self.runtime
            .block_on(self.client.query_one(statement, params))
    }

    /// Runs a statement and returns the number of rows it changed.
    pub(super) fn execute<T>(&mut self, statement: &T, params: Params) -> PgResult<u64>
    where
        T: ?Sized + ToStatement,
    {
        self.runtime
            .block_on(self.client.execute(statement, params))
    }

    /// Runs text without parameters (one or more statements, simple protocol).
    pub(super) fn batch(&mut self, sql: &str) -> PgResult<()> {
        self.runtime.block_on(self.client.batch_execute(sql))
    }

    /// Runs `f` in a transaction opened with `begin` (text), then commits it (`commit`) or
    /// rolls it back; a failure of `f` rolls it back.
    pub(super) fn in_transaction<T>(
        &mut self,
        begin: &str,
        commit: bool,
        f: impl FnOnce(&mut Session) -> Result<T, Failure>,
    ) -> Result<T, Failure> {
        self.batch(begin)?;
        match f(self) {
            Ok(v) => {
                self.batch(if commit { "COMMIT" } else { "ROLLBACK" })?;
                Ok(v)
            }
            Err(e) => {
                // A connection that cannot roll back is gone, and the server rolls back then.
                let _ = self.batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// Sends `before` (text, if any), the request `request` makes and `after` (text, if any)
    /// back to back, then reads the answers in order: one round trip. The server runs them in
    /// that order, and an error in one (short of one that ends the connection) does not stop
    /// it from running the next. `request` must send on its first poll, as a request for a
    /// prepared statement does; one that fails before it is sent (a parameter its statement
    /// cannot take) is not followed by `after`.
    pub(super) fn flight<'s, T, F>(
        &'s mut self,
        before: Option<&str>,
        request: impl FnOnce(&'s Client) -> F,
        after: Option<&str>,
    ) -> Flight<T>
    where
        F: Future<Output = PgResult<T>>,
    {
        let client = &self.client;
        self.runtime.block_on(async move {
            let mut before = pin!(text(client, before));
            let mut request = pin!(request(client));
            // One poll each, in order: each request goes to the connection's queue on its
            // first poll. Nothing can have been answered yet, so a request that is ready
            // now failed without being sent.
            let (mut before_now, mut request_now) = (None, None);
            std::future::poll_fn(|cx| {
                if let Poll::Ready(r) = before.as_mut().poll(cx) {
                    before_now = Some(r);
                }
                if let Poll::Ready(r) = request.as_mut().poll(cx) {
                    request_now = Some(r);
                }
                Poll::Ready(())
            })
            .await;
            let after = after.filter(|_| !matches!(request_now, Some(Err(_))));
            let (before, request, after) = join3(
                async move {
                    match before_now {
                        Some(r) => r,
                        None => before.await,
                    }
                },
                async move {
                    match request_now {
                        Some(r) => r,
                        None => request.await,
                    }
                },
                async move {
                    match after {
                        Some(sql) => Some(client.batch_execute(sql).await),
                        None => None,
                    }
                },
            )
            .await;
            Flight {
                before,
                request,
                after,
            }
        })
    }
}

/// Runs `sql` (simple protocol) if there is any.
async fn text(client: &Client, sql: Option<&str>) -> PgResult<()> {
    match sql {
        Some(sql) => client.batch_execute(sql).await,
        None => Ok(()),
    }
}
