//! Versioned schema migrations, embedded in the library.
//!
//! Each migration is a pair of SQL files under `migrations/`: `NNNN_name.up.sql` and
//! `NNNN_name.down.sql`. The applied versions are rows of `fanline_migrations`; opening a store
//! applies the missing ones forward, and [`migrate_to`] walks down again. Each step runs in
//! the caller's transaction, so a failed migration leaves the schema where it was.
//!
//! Every down file deletes its own bookkeeping row (the first one drops the bookkeeping
//! table), so running a shipped `.down.sql` by hand leaves a database that later opens at the
//! right version and migrates forward, never one that claims tables it no longer has.

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
    Migration {
        version: 3,
        name: "fewer_pages",
        up: include_str!("migrations/0003_fewer_pages.up.sql"),
        down: include_str!("migrations/0003_fewer_pages.down.sql"),
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
/// a database newer than this library is refused with `STORE_INCOMPATIBLE`, never touched.
pub(super) fn migrate_to(conn: &Connection, target: u32, now_ms: i64) -> MigrateResult {
    migrate_over(conn, MIGRATIONS, target, now_ms)
}

/// [`migrate_to`] over any migration list (tests give it broken ones).
fn migrate_over(
    conn: &Connection,
    migrations: &[Migration],
    target: u32,
    now_ms: i64,
) -> MigrateResult {
    let latest = migrations.len() as u32;
    if target > latest {
        return Err(MigrateError::Fanline(Error::invalid(format!(
            "schema version {target} is unknown to this library (latest {latest})"
        ))));
    }
    let current = current_version(conn)?;
    if current > latest {
        return Err(MigrateError::Fanline(Error::incompatible(format!(
            "the database has schema version {current}, newer than this library's {latest}"
        ))));
    }
    if current < target {
        conn.execute_batch(CREATE_TABLE)?;
        for m in &migrations[current as usize..target as usize] {
            conn.execute_batch(m.up)?;
            conn.execute(
                "INSERT INTO fanline_migrations (version, name, applied_at_ms) VALUES (?1, ?2, ?3)",
                params![m.version, m.name, now_ms],
            )?;
        }
    } else if current > target {
        for m in migrations[target as usize..current as usize].iter().rev() {
            // Each down file resets its own bookkeeping (so it also works when run by hand);
            // a file that forgot to is refused here, and the whole move rolls back.
            conn.execute_batch(m.down)?;
            let now_at = current_version(conn)?;
            if now_at != m.version - 1 {
                return Err(MigrateError::Fanline(Error::internal(format!(
                    "down migration {} left the schema version at {now_at}",
                    m.version
                ))));
            }
        }
    }
    Ok(())
}

/// Every migration this library knows, in version order.
pub(crate) fn all() -> &'static [Migration] {
    MIGRATIONS
}

/// The bookkeeping rows: (version, name, applied at ms), in version order; empty on a fresh
/// database.
pub(super) fn applied(conn: &Connection) -> rusqlite::Result<Vec<(u32, String, i64)>> {
    if current_version(conn)? == 0 {
        return Ok(Vec::new());
    }
    let mut stmt = conn
        .prepare("SELECT version, name, applied_at_ms FROM fanline_migrations ORDER BY version")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    rows.collect()
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

    #[test]
    fn each_down_file_run_by_hand_resets_the_bookkeeping() {
        // Operators run the shipped .down.sql files by hand; the version must follow, or a
        // store opened afterwards believes tables exist that are gone.
        for m in MIGRATIONS {
            let conn = Connection::open_in_memory().unwrap();
            migrate_to(&conn, m.version, 1).unwrap();
            conn.execute_batch(m.down).unwrap();
            assert_eq!(current_version(&conn).unwrap(), m.version - 1, "{}", m.name);
            assert_eq!(applied(&conn).unwrap().len(), m.version as usize - 1);
            // ... and migrating forward from there restores the latest schema.
            migrate_to(&conn, SCHEMA_VERSION, 2).unwrap();
            assert_eq!(current_version(&conn).unwrap(), SCHEMA_VERSION);
        }
        let conn = Connection::open_in_memory().unwrap();
        migrate_to(&conn, 1, 1).unwrap();
        conn.execute_batch(MIGRATIONS[0].down).unwrap();
        let left: i64 = conn
            .query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 0, "the first down file leaves nothing behind");
    }

    #[test]
    fn a_down_file_that_keeps_its_row_is_refused() {
        let forgetful = [Migration {
            version: 1,
            name: "forgetful",
            up: "CREATE TABLE t (x INTEGER)",
            down: "DROP TABLE t",
        }];
        let conn = Connection::open_in_memory().unwrap();
        migrate_over(&conn, &forgetful, 1, 1).unwrap();
        let e = migrate_over(&conn, &forgetful, 0, 2).unwrap_err();
        assert!(matches!(e, MigrateError::Fanline(ref e) if e.code() == "INTERNAL"));
    }
}
