//! Whether a database file is fanline's before anything is written to it.
//!
//! Opening a store must never change a file that belongs to someone else: another program's
//! SQLite database, a file that is not SQLite at all, a corrupt copy, or a fanline database
//! written by a newer library. These are checked with reads only, before the journal mode is
//! switched or a migration runs, and refused as `STORE_INCOMPATIBLE` (retrying cannot help).

use rusqlite::{Connection, ErrorCode};

use super::migrations::{self, SCHEMA_VERSION};
use super::{Attempt, Retry};
use crate::error::Error;

/// Succeeds on an empty database or one with fanline's schema at a version this library
/// knows; anything else is refused without a single write.
pub(super) fn ensure_ours(conn: &Connection) -> Attempt {
    let version = migrations::current_version(conn)?;
    if version > SCHEMA_VERSION {
        return Err(Retry::Failed(Error::incompatible(format!(
            "the database has schema version {version}, newer than this library's \
             {SCHEMA_VERSION}: upgrade fanline"
        ))));
    }
    if version == 0 {
        let foreign: i64 = conn.query_row(
            "SELECT COUNT(*) FROM sqlite_master \
             WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> 'fanline_migrations'",
            [],
            |r| r.get(0),
        )?;
        if foreign > 0 {
            return Err(Retry::Failed(Error::incompatible(
                "the file is another program's SQLite database (it has tables of its own and \
                 no fanline schema); give fanline a file of its own",
            )));
        }
    }
    Ok(())
}

/// The permanent error for a file SQLite cannot read as a database, if `e` is one.
pub(super) fn unreadable(e: &rusqlite::Error) -> Option<Error> {
    match e.sqlite_error_code()? {
        ErrorCode::NotADatabase => Some(Error::incompatible(
            "the file is not an SQLite database (or it is encrypted)",
        )),
        ErrorCode::DatabaseCorrupt => Some(Error::incompatible(
            "the database file is corrupt: restore it from a backup",
        )),
        _ => None,
    }
}
