//! What a failed statement means for the transaction around it.

use tokio_postgres::error::SqlState;

use crate::error::Error;

/// Why a try of a transaction did not succeed.
#[derive(Debug)]
pub(super) enum Failure {
    /// A serialization failure or a deadlock: the server rolled the transaction back and
    /// re-running it from the start may succeed.
    Contended(String),
    /// The connection is gone (network, server restart or shutdown). The server rolls back
    /// whatever was open on it; the connection is discarded.
    Lost(String),
    /// Anything else, returned to the caller as is.
    Failed(Error),
}

impl From<tokio_postgres::Error> for Failure {
    fn from(e: tokio_postgres::Error) -> Self {
        classify(&e)
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Failed(e)
    }
}

/// Classifies a client error. Details keep the SQLSTATE and the server's message, which name
/// no secret (the connection string never reaches an error). They are not shown in `Display`
/// for transient faults (see [`Error::StoreUnavailable`]); a refused login or a missing
/// database is permanent (`STORE_INCOMPATIBLE`) and says why.
pub(super) fn classify(e: &tokio_postgres::Error) -> Failure {
    let Some(code) = e.code() else {
        if e.is_closed() || source_is_io(e) {
            return Failure::Lost(describe(e));
        }
        return Failure::Failed(Error::internal(describe(e)));
    };
    let detail = describe(e);
    if *code == SqlState::T_R_SERIALIZATION_FAILURE || *code == SqlState::T_R_DEADLOCK_DETECTED {
        return Failure::Contended(detail);
    }
    let class = &code.code()[..2];
    if class == "08"
        || *code == SqlState::ADMIN_SHUTDOWN
        || *code == SqlState::CRASH_SHUTDOWN
        || *code == SqlState::CANNOT_CONNECT_NOW
    {
        return Failure::Lost(detail);
    }
    if class == "28" || *code == SqlState::INVALID_CATALOG_NAME {
        // The server refused the login (wrong password, unknown role, no pg_hba entry) or
        // the database does not exist: no retry can change that, an operator has to. The
        // server's message names the user or database, never the password.
        return Failure::Failed(Error::incompatible(format!(
            "the server refused the connection ({detail})"
        )));
    }
    if *code == SqlState::UNIQUE_VIOLATION
        && e.as_db_error().and_then(|db| db.constraint()) == Some("calls_pkey")
    {
        // Call ids are random: one that is taken is a fault of fanline or of the system's
        // random source, which no retry fixes (the memory and SQLite stores say the same).
        return Failure::Failed(Error::internal("duplicate call id"));
    }
    if class == "22" {
        // A value the engine let through but the column cannot hold (an amount past i64, a
        // NUL byte): the caller's input, refused, nothing written.
        return Failure::Failed(Error::invalid("a value is outside what the store can hold"));
    }
    Failure::Failed(Error::store(detail))
}

/// A failed statement in words: the SQLSTATE and the server's message when the server
/// answered, else the client's description (a closed connection, an I/O error).
pub(super) fn describe(e: &tokio_postgres::Error) -> String {
    match (e.code(), e.as_db_error()) {
        (Some(code), Some(db)) => format!("postgres {}: {}", code.code(), db.message()),
        (Some(code), None) => format!("postgres {}", code.code()),
        (None, _) => format!("postgres: {e}"),
    }
}

fn source_is_io(e: &tokio_postgres::Error) -> bool {
    std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>())
}

#[cfg(test)]
mod tests {
    use super::super::session::{ConnectError, Session};
    use super::*;

    #[test]
    fn a_closed_client_error_is_a_lost_connection() {
        // The only client error a test can build without a server; the SQLSTATE paths are
        // exercised against a real server in tests/postgres_*.rs.
        let mut config = tokio_postgres::Config::new();
        config.host("/nonexistent-fanline-socket-dir").port(1);
        let Err(ConnectError::Client(closed)) = Session::connect(&config) else {
            panic!("no server there");
        };
        assert!(matches!(classify(&closed), Failure::Lost(_)), "{closed:?}");
    }
}
