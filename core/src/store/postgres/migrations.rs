//! Versioned schema migrations, embedded in the library.
//!
//! Each migration is a pair of SQL files under `migrations/`: `NNNN_name.up.sql` and
//! `NNNN_name.down.sql`, written without a schema name: they run with `search_path` set to
//! fanline's own schema. Applied versions are rows of `fanline_migrations` in that schema.
//! A whole move (up or down, any number of steps) is one transaction holding an advisory
//! lock, so instances that open the store at the same time migrate it once, and a failed step
//! leaves the schema where it was.
//!
//! Every down file deletes its own bookkeeping row (the first one drops the bookkeeping
//! table), so running a shipped `.down.sql` by hand leaves a schema that later opens at the
//! right version and migrates forward, never one that claims tables it no longer has.

use super::failure::Failure;
use super::session::Session;
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
        name: "call_checks",
        up: include_str!("migrations/0003_call_checks.up.sql"),
        down: include_str!("migrations/0003_call_checks.down.sql"),
    },
    Migration {
        version: 4,
        name: "connected_limit_predicate",
        up: include_str!("migrations/0004_connected_limit_predicate.up.sql"),
        down: include_str!("migrations/0004_connected_limit_predicate.down.sql"),
    },
    Migration {
        version: 5,
        name: "limits_without_value_index",
        up: include_str!("migrations/0005_limits_without_value_index.up.sql"),
        down: include_str!("migrations/0005_limits_without_value_index.down.sql"),
    },
];

/// The schema version this build of the library writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Key of the advisory lock that serialises migrations (any fixed number: "fanline" in ASCII).
const MIGRATION_LOCK: i64 = 0x66_616e_6c69_6e65;

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS fanline_migrations (
    version       INTEGER NOT NULL PRIMARY KEY,
    name          TEXT    NOT NULL,
    applied_at_ms BIGINT  NOT NULL
)";

/// The highest applied version in `schema` (0 when fanline was never installed there).
pub(super) fn current_version(tx: &mut Session, schema: &str) -> Result<u32, Failure> {
    let exists: bool = tx
        .query_one(
            "SELECT to_regclass(quote_ident($1) || '.fanline_migrations') IS NOT NULL",
            &[&schema],
        )?
        .get(0);
    if !exists {
        return Ok(0);
    }
    let version: i32 = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM fanline_migrations",
            &[],
        )?
        .get(0);
    Ok(u32::try_from(version).unwrap_or(0))
}

/// Moves `schema` to `target`, up or down, inside `tx` (which the caller commits). Going to 0
/// drops the bookkeeping table too, and the schema itself when nothing else is left in it, so
/// nothing of fanline remains. A database newer than this library is refused, never touched.
pub(super) fn migrate_to(
    tx: &mut Session,
    schema: &str,
    target: u32,
    now_ms: i64,
) -> Result<(), Failure> {
    if target > SCHEMA_VERSION {
        return Err(Failure::Failed(Error::invalid(format!(
            "schema version {target} is unknown to this library (latest {SCHEMA_VERSION})"
        ))));
    }
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    let quoted = quote_ident(schema);
    let current = current_version(tx, schema)?;
    if current > SCHEMA_VERSION {
        return Err(Failure::Failed(Error::incompatible(format!(
            "the database has schema version {current}, newer than this library's \
             {SCHEMA_VERSION}: upgrade fanline"
        ))));
    }
    if current < target {
        tx.batch(&format!("CREATE SCHEMA IF NOT EXISTS {quoted}"))?;
        tx.batch(CREATE_TABLE)?;
        for m in &MIGRATIONS[current as usize..target as usize] {
            tx.batch(m.up)?;
            tx.execute(
                "INSERT INTO fanline_migrations (version, name, applied_at_ms) \
                 VALUES ($1, $2, $3)",
                &[&(m.version as i32), &m.name, &now_ms],
            )?;
        }
    } else if current > target {
        for m in MIGRATIONS[target as usize..current as usize].iter().rev() {
            // Each down file resets its own bookkeeping (so it also works when run by hand);
            // a file that forgot to is refused here, and the whole move rolls back.
            tx.batch(m.down)?;
            let now_at = current_version(tx, schema)?;
            if now_at != m.version - 1 {
                return Err(Failure::Failed(Error::internal(format!(
                    "down migration {} left the schema version at {now_at}",
                    m.version
                ))));
            }
        }
        if target == 0 {
            // The schema goes only if fanline was all there was in it.
            let empty: bool = tx
                .query_one(
                    "SELECT NOT EXISTS (SELECT 1 FROM pg_class c \
                     JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1) \
                     AND NOT EXISTS (SELECT 1 FROM pg_proc p \
                     JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1) \
                     AND NOT EXISTS (SELECT 1 FROM pg_type t \
                     JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = $1)",
                    &[&schema],
                )?
                .get(0);
            if empty && schema != "public" {
                tx.batch(&format!("DROP SCHEMA {quoted}"))?;
            }
        }
    }
    Ok(())
}

/// Every migration this library knows, in version order.
pub(crate) fn all() -> &'static [Migration] {
    MIGRATIONS
}

/// The bookkeeping rows of `schema`: (version, name, applied at ms), in version order; empty
/// when fanline was never installed there.
pub(super) fn applied(tx: &mut Session, schema: &str) -> Result<Vec<(u32, String, i64)>, Failure> {
    if current_version(tx, schema)? == 0 {
        return Ok(Vec::new());
    }
    let rows = tx.query(
        "SELECT version, name, applied_at_ms FROM fanline_migrations ORDER BY version",
        &[],
    )?;
    Ok(rows
        .iter()
        .map(|r| {
            let version: i32 = r.get(0);
            (u32::try_from(version).unwrap_or(0), r.get(1), r.get(2))
        })
        .collect())
}

/// A validated schema name, double-quoted for SQL.
pub(super) fn quote_ident(schema: &str) -> String {
    // Names are validated (see `options`) to [a-z_][a-z0-9_]*: quoting cannot be escaped.
    format!("\"{schema}\"")
}

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
    fn each_down_file_resets_its_own_bookkeeping_row() {
        // Checked against a server in tests/postgres_store.rs; here the text, so a new file
        // that forgets it fails without PostgreSQL too.
        for m in MIGRATIONS {
            let delete = format!(
                "DELETE FROM fanline_migrations WHERE version = {};",
                m.version
            );
            assert!(m.down.contains(&delete), "{} lacks `{delete}`", m.name);
        }
        assert!(MIGRATIONS[0]
            .down
            .contains("DROP TABLE fanline_migrations;"));
    }

    #[test]
    fn migrations_never_name_a_schema() {
        // They run under fanline's search_path; a qualified name would escape it.
        for m in MIGRATIONS {
            for sql in [m.up, m.down] {
                // Comments may tell a reader how to run a file by hand; the SQL may not.
                let code: String = sql
                    .lines()
                    .map(|l| l.split("--").next().unwrap_or_default())
                    .collect::<Vec<_>>()
                    .join("\n")
                    .to_lowercase();
                assert!(!code.contains("public."), "{}", m.name);
                assert!(!code.contains("search_path"), "{}", m.name);
            }
        }
    }
}
