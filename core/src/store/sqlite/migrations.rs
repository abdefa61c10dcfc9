//! Versioned schema migrations, embedded in the library.
//!
//! Each migration is a pair of SQL files under `migrations/`: `NNNN_name.up.sql` and
//! `NNNN_name.down.sql`. The applied versions are rows of `fanline_migrations`; opening a store
//! applies the missing ones forward, and [`migrate_to`] walks down again. Each step runs in
//! the caller's transaction, so a failed migration leaves the schema where it was.

use rusqlite::{params, Connection};

use crate::error::Error;
use crate::store::migration::Migration;

/// Every migration, in version order (versions are 1, 2, 3, ... without gaps).
const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "initial",
        up: include_str!("migrations/0001_initial.up.sql"),
        down: include_str!("migrations/0001_initial.down.sql"),
    },
    Migration {
        version: 2,
        name: "prices_and_limits",
        up: include_str!("migrations/0002_prices_and_limits.up.sql"),
        down: include_str!("migrations/0002_prices_and_limits.down.sql"),
    },
];

/// The schema version this build of the library writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS fanline_migrations (
    version       INTEGER NOT NULL PRIMARY KEY,
    name          TEXT    NOT NULL,
    applied_at_ms INTEGER NOT NULL
)";

/// The highest applied version (0 on a fresh database).
pub(super) fn current_version(conn: &Connection) -> rusqlite::Result<u32> {
    let exists: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master \
         WHERE type = 'table' AND name = 'fanline_migrations')",
        [],
        |r| r.get(0),
    )?;
    if !exists {
        return Ok(0);
    }
    conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM fanline_migrations",
        [],
        |r| r.get(0),
    )
}

/// Moves the schema to `target`, up or down, inside the caller's (immediate) transaction.
/// Going to 0 also drops the bookkeeping table, so nothing of fanline is left.
///
/// Returns the outer error type so the caller can tell contention (retried) from the rest;
/// a database newer than this library is refused with `STORE_UNAVAILABLE`, never touched.
pub(super) fn migrate_to(conn: &Connection, target: u32, now_ms: i64) -> MigrateResult {
    if target > SCHEMA_VERSION {
        return Err(MigrateError::Fanline(Error::invalid(format!(
            "schema version {target} is unknown to this library (latest {SCHEMA_VERSION})"
        ))));
    }
    let current = current_version(conn)?;
    if current > SCHEMA_VERSION {
        return Err(MigrateError::Fanline(Error::store(format!(
            "the database has schema version {current}, newer than this library's \
             {SCHEMA_VERSION}"
        ))));
    }
    if current < target {
        conn.execute_batch(CREATE_TABLE)?;
        for m in &MIGRATIONS[current as usize..target as usize] {
            conn.execute_batch(m.up)?;
            conn.execute(
                "INSERT INTO fanline_migrations (version, name, applied_at_ms) VALUES (?1, ?2, ?3)",
                params![m.version, m.name, now_ms],
            )?;
        }
    } else if current > target {
        for m in MIGRATIONS[target as usize..current as usize].iter().rev() {
            conn.execute_batch(m.down)?;
            conn.execute(
                "DELETE FROM fanline_migrations WHERE version = ?1",
                params![m.version],
            )?;
        }
        if target == 0 {
            conn.execute_batch("DROP TABLE fanline_migrations")?;
        }
    }
    Ok(())
}

/// What a migration step can fail with.
#[derive(Debug)]
pub(super) enum MigrateError {
    /// A database error (contention included), classified by the caller.
    Sqlite(rusqlite::Error),
    /// A refusal with its fanline error.
    Fanline(Error),
}

impl From<rusqlite::Error> for MigrateError {
    fn from(e: rusqlite::Error) -> Self {
        MigrateError::Sqlite(e)
    }
}

/// The result of [`migrate_to`].
pub(super) type MigrateResult = std::result::Result<(), MigrateError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_numbered_like_their_versions() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version as usize, i + 1);
            assert!(!m.up.trim().is_empty() && !m.down.trim().is_empty());
        }
    }

    #[test]
    fn up_down_up_leaves_nothing_behind_in_between() {
        let conn = Connection::open_in_memory().unwrap();
        let objects = |conn: &Connection| -> i64 {
            conn.query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| r.get(0))
                .unwrap()
        };
        migrate_to(&conn, SCHEMA_VERSION, 1).unwrap();
        assert_eq!(current_version(&conn).unwrap(), SCHEMA_VERSION);
        assert!(objects(&conn) > 10);
        migrate_to(&conn, 0, 2).unwrap();
        assert_eq!(current_version(&conn).unwrap(), 0);
        assert_eq!(objects(&conn), 0);
        migrate_to(&conn, SCHEMA_VERSION, 3).unwrap();
        assert_eq!(current_version(&conn).unwrap(), SCHEMA_VERSION);
    }
}
