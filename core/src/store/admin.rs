//! Operator tooling for the SQL stores, behind the `fanline` command: the migration list and
//! its bookkeeping, moving a schema without opening a store (which would migrate it forward
//! first), and a read-only report on a database for scripts ([`StoreAdmin::check`]).
//!
//! Nothing here is on the engine's path: a host never needs it to serve requests.

use std::path::PathBuf;

use serde::Serialize;

use crate::error::{Error, Result};

/// One migration this library knows, and when it was applied to the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MigrationStatus {
    /// 1, 2, 3, ...
    pub version: u32,
    /// Its short name.
    pub name: String,
    /// When it was applied (unix ms), `None` while pending.
    pub applied_at_ms: Option<i64>,
    /// `false` for a version the database records but this library does not know (written
    /// by a newer library).
    pub known: bool,
}

/// The rows of one table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TableRows {
    /// Table name.
    pub table: String,
    /// Its row count.
    pub rows: u64,
}

/// What [`StoreAdmin::check`] found. `problems` is empty when the database is fit to serve
/// the engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoreReport {
    /// `"sqlite"` or `"postgres"`.
    pub store: &'static str,
    /// The version the bookkeeping records (0: fanline is not installed there).
    pub schema_version: u32,
    /// The version this library writes.
    pub latest_version: u32,
    /// Every table in fanline's space (the SQLite file, or the PostgreSQL schema), by name.
    pub tables: Vec<TableRows>,
    /// The sum of every ledger entry (0 when the books balance); `None` without a ledger.
    pub ledger_sum: Option<i64>,
    /// Everything wrong, one sentence each.
    pub problems: Vec<String>,
}

impl StoreReport {
    /// Whether nothing is wrong.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }

    /// Problems every SQL store shares: the version, tables the version should have, and
    /// the ledger. `expected` lists the tables of `schema_version`.
    pub(crate) fn note_common(&mut self, expected: &[String]) {
        if self.schema_version < self.latest_version {
            self.problems.push(format!(
                "schema version {} is behind this library's {}: run `fanline migrate up`",
                self.schema_version, self.latest_version
            ));
        } else if self.schema_version > self.latest_version {
            self.problems.push(format!(
                "schema version {} was written by a newer library (this one knows up to {})",
                self.schema_version, self.latest_version
            ));
        }
        for name in expected {
            if !self.tables.iter().any(|t| &t.table == name) {
                self.problems.push(format!(
                    "table {name} is missing, although schema version {} has it",
                    self.schema_version
                ));
            }
        }
        if let Some(sum) = self.ledger_sum.filter(|&s| s != 0) {
            self.problems
                .push(format!("the ledger entries sum to {sum}, not 0"));
        }
    }
}

/// The store a spec names, for the operations of this module.
#[derive(Debug, Clone)]
enum Target {
    Sqlite(PathBuf),
    #[cfg(feature = "postgres")]
    Postgres(String),
}

/// Migration and inspection of one database, named by a store spec like
/// [`open_store`](super::open_store)'s: `sqlite:<path>` or `postgres://...` (cargo feature
/// `postgres`). Nothing is connected until an operation runs; each operation opens what it
/// needs and closes it again.
#[derive(Clone)]
pub struct StoreAdmin {
    target: Target,
}

impl std::fmt::Debug for StoreAdmin {
    // Never the URL: it may hold a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreAdmin")
            .field("store", &self.kind())
            .finish_non_exhaustive()
    }
}

impl StoreAdmin {
    /// Reads a store spec. `memory:` and `sqlite::memory:` have nothing to migrate or check,
    /// and like any other spec they are `INVALID_CONFIG`; the spec is never quoted.
    pub fn new(spec: &str) -> Result<Self> {
        if spec.starts_with("postgres://") || spec.starts_with("postgresql://") {
            return postgres_target(spec).map(|target| StoreAdmin { target });
        }
        match spec.strip_prefix("sqlite:") {
            Some(path) if !path.is_empty() && path != ":memory:" => Ok(StoreAdmin {
                target: Target::Sqlite(PathBuf::from(path)),
            }),
            _ => Err(Error::config(
                "the store must be 'sqlite:<path>' or 'postgres://...' (a database to migrate \
                 or check)",
            )),
        }
    }

    /// `"sqlite"` or `"postgres"`.
    pub fn kind(&self) -> &'static str {
        match self.target {
            Target::Sqlite(_) => "sqlite",
            #[cfg(feature = "postgres")]
            Target::Postgres(_) => "postgres",
        }
    }

    /// The schema version this library writes for this kind of store.
    pub fn latest_version(&self) -> u32 {
        self.known().len() as u32
    }

    fn known(&self) -> &'static [super::migration::Migration] {
        match self.target {
            Target::Sqlite(_) => super::sqlite::admin::known(),
            #[cfg(feature = "postgres")]
            Target::Postgres(_) => super::postgres::admin::known(),
        }
    }

    /// Every migration this library knows, with when it was applied, followed by any version
    /// the database records that this library does not know. Reads only: a SQLite file that
    /// does not exist has nothing applied, and is not created.
    pub fn status(&self) -> Result<Vec<MigrationStatus>> {
        let applied = match &self.target {
            Target::Sqlite(path) => super::sqlite::admin::applied(path)?,
            #[cfg(feature = "postgres")]
            Target::Postgres(url) => super::postgres::admin::applied(url)?,
        };
        let mut out: Vec<MigrationStatus> = self
            .known()
            .iter()
            .map(|m| MigrationStatus {
                version: m.version,
                name: m.name.to_string(),
                applied_at_ms: applied
                    .iter()
                    .find(|(v, _, _)| *v == m.version)
                    .map(|(_, _, at)| *at),
                known: true,
            })
            .collect();
        let latest = self.latest_version();
        out.extend(applied.into_iter().filter(|(v, _, _)| *v > latest).map(
            |(version, name, at)| MigrationStatus {
                version,
                name,
                applied_at_ms: Some(at),
                known: false,
            },
        ));
        Ok(out)
    }

    /// The version the database records (0 when fanline is not installed there).
    pub fn schema_version(&self) -> Result<u32> {
        Ok(self
            .status()?
            .iter()
            .filter(|m| m.applied_at_ms.is_some())
            .map(|m| m.version)
            .max()
            .unwrap_or(0))
    }

    /// Moves the schema to `version`, up or down, in one transaction; the bookkeeping always
    /// follows. 0 removes every table, view and sequence fanline created and its
    /// bookkeeping (on PostgreSQL also the schema, when nothing else is in it); the host's
    /// tables are never touched. A SQLite file is created when missing (going up).
    pub fn migrate_to(&self, version: u32) -> Result<()> {
        match &self.target {
            Target::Sqlite(path) => super::SqliteStore::migrate_to(path, version),
            #[cfg(feature = "postgres")]
            Target::Postgres(url) => super::postgres::admin::migrate_to(url, version),
        }
    }

    /// Opens the database read-only and reports its schema version, the rows of every table,
    /// the ledger's sum and every problem found: a schema behind or ahead of this library,
    /// tables the recorded version should have but that are missing, a ledger that does not
    /// sum to zero, balances that differ from their entries and, on SQLite, a failed
    /// `quick_check`. A database that cannot be read at all is an error, not a report.
    pub fn check(&self) -> Result<StoreReport> {
        match &self.target {
            Target::Sqlite(path) => super::sqlite::admin::check(path),
            #[cfg(feature = "postgres")]
            Target::Postgres(url) => super::postgres::admin::check(url),
        }
    }
}

#[cfg(feature = "postgres")]
fn postgres_target(spec: &str) -> Result<Target> {
    super::postgres::admin::validate(spec)?;
    Ok(Target::Postgres(spec.to_string()))
}

#[cfg(not(feature = "postgres"))]
fn postgres_target(_spec: &str) -> Result<Target> {
    Err(Error::config(
        "this build of fanline has no PostgreSQL store (cargo feature 'postgres')",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs() {
        assert_eq!(
            StoreAdmin::new("sqlite:/tmp/x.db").unwrap().kind(),
            "sqlite"
        );
        for bad in ["memory:", "sqlite::memory:", "sqlite:", "redis://x", ""] {
            assert_eq!(
                StoreAdmin::new(bad).unwrap_err().code(),
                "INVALID_CONFIG",
                "{bad}"
            );
        }
        let e = StoreAdmin::new("postgres://u:s3cr3t-pw@localhost:notaport/db").unwrap_err();
        assert_eq!(e.code(), "INVALID_CONFIG");
        assert!(!format!("{e} {e:?}").contains("s3cr3t-pw"));
    }
}
