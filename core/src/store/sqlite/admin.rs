//! The SQLite side of [`StoreAdmin`](crate::store::admin::StoreAdmin): bookkeeping and a
//! read-only check on a database file, through a plain read-only connection (never the
//! store's pool, which would switch the journal mode and migrate).

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::migrations;
use crate::error::{Error, Result};
use crate::store::admin::{StoreReport, TableRows};
use crate::store::migration::Migration;

/// Every migration this library knows for SQLite.
pub(crate) fn known() -> &'static [Migration] {
    migrations::all()
}

/// A file SQLite cannot read as a database is `STORE_INCOMPATIBLE`, as when a store opens it;
/// anything else `STORE_UNAVAILABLE`.
fn failed(e: rusqlite::Error) -> Error {
    super::check::unreadable(&e).unwrap_or_else(|| Error::store(format!("sqlite: {e}")))
}

/// A read-only connection to an existing file; a missing file is `INVALID_CONFIG` (opening
/// one read-only would not create it anyway, and "no such file" is the clearer message).
fn read_only(path: &Path) -> Result<Connection> {
    if !path.is_file() {
        return Err(Error::config(
            "there is no SQLite database file at this path",
        ));
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(failed)?;
    // Another process may hold the write lock for a moment.
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(failed)?;
    Ok(conn)
}

/// The bookkeeping rows of the file at `path`; none when there is no file yet (nothing is
/// created).
pub(crate) fn applied(path: &Path) -> Result<Vec<(u32, String, i64)>> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    migrations::applied(&read_only(path)?).map_err(failed)
}

/// The tables (and only tables) of a database, by name, without SQLite's own.
fn tables(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         ORDER BY name",
    )?;
    let names = stmt.query_map([], |r| r.get(0))?;
    names.collect()
}

/// The tables schema `version` has: what the migrations create, read off a private
/// in-memory database migrated to it. The PostgreSQL migrations create the same names.
pub(crate) fn reference_tables(version: u32) -> Result<Vec<String>> {
    let conn = Connection::open_in_memory().map_err(failed)?;
    if version > 0 {
        migrations::migrate_to(&conn, version.min(migrations::SCHEMA_VERSION), 0).map_err(|e| {
            match e {
                migrations::MigrateError::Sqlite(e) => failed(e),
                migrations::MigrateError::Fanline(e) => e,
            }
        })?;
    }
    tables(&conn).map_err(failed)
}

/// A double-quoted identifier (names come from the catalog; quotes inside are doubled).
pub(crate) fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// See [`StoreAdmin::check`](crate::store::admin::StoreAdmin::check).
pub(crate) fn check(path: &Path) -> Result<StoreReport> {
    let conn = read_only(path)?;
    // One snapshot for every count, so they agree with each other.
    conn.execute_batch("BEGIN DEFERRED").map_err(failed)?;
    let report = inspect(&conn).map_err(failed);
    let _ = conn.execute_batch("ROLLBACK");
    let mut report = report?;
    let expected = reference_tables(report.schema_version)?;
    report.note_common(&expected);
    Ok(report)
}

fn inspect(conn: &Connection) -> rusqlite::Result<StoreReport> {
    let mut problems = Vec::new();
    let integrity: Vec<String> = {
        let mut stmt = conn.prepare("PRAGMA quick_check")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    if integrity != ["ok"] {
        problems.push(format!("quick_check: {}", integrity.join("; ")));
    }
    let schema_version = migrations::current_version(conn)?;
    let mut report = StoreReport {
        store: "sqlite",
        schema_version,
        latest_version: migrations::SCHEMA_VERSION,
        tables: Vec::new(),
        ledger_sum: None,
        problems,
    };
    for table in tables(conn)? {
        let rows: i64 = conn.query_row(
            &format!("SELECT COUNT(*) FROM {}", quote(&table)),
            [],
            |r| r.get(0),
        )?;
        report.tables.push(TableRows {
            table,
            rows: u64::try_from(rows).unwrap_or(0),
        });
    }
    let has = |name: &str| report.tables.iter().any(|t| t.table == name);
    if has("ledger_entries") {
        report.ledger_sum = Some(conn.query_row(
            "SELECT COALESCE(SUM(amount), 0) FROM ledger_entries",
            [],
            |r| r.get(0),
        )?);
        if has("ledger_balances") {
            let off: i64 = conn.query_row(BALANCES_OFF, [], |r| r.get(0))?;
            if off > 0 {
                report.problems.push(format!(
                    "{off} account balance(s) differ from the sum of their ledger entries"
                ));
            }
        }
    }
    Ok(report)
}

/// Accounts whose stored balance is not the sum of their entries (either side missing counts
/// as 0). The same text runs on PostgreSQL.
pub(crate) const BALANCES_OFF: &str = "SELECT COUNT(*) FROM (
        SELECT account, SUM(amount) AS total FROM ledger_entries GROUP BY account
    ) e
    FULL OUTER JOIN ledger_balances b ON b.account = e.account
    WHERE COALESCE(e.total, 0) <> COALESCE(b.balance, 0)";
