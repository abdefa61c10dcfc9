//! The PostgreSQL side of [`StoreAdmin`](crate::store::admin::StoreAdmin): one plain
//! connection per operation (no pool, no forward migration on connect), with the search path
//! on fanline's schema like the store's own connections.

use std::time::Duration;

use super::failure::Failure;
use super::session::Session;
use super::{migrations, options};
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, Result};
use crate::store::admin::{StoreReport, TableRows};
use crate::store::migration::Migration;
use crate::store::sqlite::admin::{quote, reference_tables, BALANCES_OFF};

/// How long connecting may take when the URL sets no `connect_timeout`.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Every migration this library knows for PostgreSQL.
pub(crate) fn known() -> &'static [Migration] {
    migrations::all()
}

fn error(f: Failure) -> Error {
    match f {
        Failure::Failed(e) => e,
        Failure::Contended(detail) | Failure::Lost(detail) => Error::store(detail),
    }
}

/// Checks a URL the way connecting would, without connecting.
pub(crate) fn validate(url: &str) -> Result<()> {
    let (client_url, schema) = options::split_url(url)?;
    if let Some(schema) = schema {
        options::validate_schema(&schema)?;
    }
    options::parse_config(&client_url).map(|_| ())
}

/// A connection with the search path on the URL's schema, and that schema's name.
fn connect(url: &str) -> Result<(Session, String)> {
    let (client_url, schema) = options::split_url(url)?;
    let schema = schema.unwrap_or_else(|| super::PostgresOptions::default().schema);
    options::validate_schema(&schema)?;
    let mut config = options::parse_config(&client_url)?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    let mut client = Session::connect(&config).map_err(|e| match e {
        super::session::ConnectError::Client(e) => error(Failure::from(e)),
        other => Error::store(other),
    })?;
    client
        .batch(&format!(
            "SET search_path TO {}",
            migrations::quote_ident(&schema)
        ))
        .map_err(|e| error(e.into()))?;
    Ok((client, schema))
}

/// The bookkeeping rows of the URL's schema.
pub(crate) fn applied(url: &str) -> Result<Vec<(u32, String, i64)>> {
    let (mut client, schema) = connect(url)?;
    client
        .in_transaction("BEGIN", false, |tx| migrations::applied(tx, &schema))
        .map_err(error)
}

/// Moves the URL's schema to `version` in one transaction (see
/// [`PostgresStore::migrate_to`](super::PostgresStore::migrate_to), which this mirrors
/// without opening a pool).
pub(crate) fn migrate_to(url: &str, version: u32) -> Result<()> {
    let (mut client, schema) = connect(url)?;
    let now = SystemClock.now_ms();
    client
        .in_transaction("BEGIN", true, |tx| {
            migrations::migrate_to(tx, &schema, version, now)
        })
        .map_err(error)
}

/// See [`StoreAdmin::check`](crate::store::admin::StoreAdmin::check). Runs in one read-only
/// snapshot.
pub(crate) fn check(url: &str) -> Result<StoreReport> {
    let (mut client, schema) = connect(url)?;
    // The connection goes when this returns: the server ends the transaction then.
    let tx = &mut client;
    tx.batch("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .map_err(|e| error(e.into()))?;
    let schema_version = migrations::current_version(tx, &schema).map_err(error)?;
    let mut report = StoreReport {
        store: "postgres",
        schema_version,
        latest_version: migrations::SCHEMA_VERSION,
        tables: Vec::new(),
        ledger_sum: None,
        problems: Vec::new(),
    };
    let names = tx
        .query(
            "SELECT tablename::text FROM pg_tables WHERE schemaname = $1 ORDER BY tablename",
            &[&schema],
        )
        .map_err(|e| error(e.into()))?;
    for row in names {
        let table: String = row.get(0);
        let rows: i64 = tx
            .query_one(&format!("SELECT COUNT(*) FROM {}", quote(&table)), &[])
            .map_err(|e| error(e.into()))?
            .get(0);
        report.tables.push(TableRows {
            table,
            rows: u64::try_from(rows).unwrap_or(0),
        });
    }
    let has = |name: &str| report.tables.iter().any(|t| t.table == name);
    if has("ledger_entries") {
        let sum: i64 = tx
            .query_one(
                "SELECT COALESCE(SUM(amount), 0)::BIGINT FROM ledger_entries",
                &[],
            )
            .map_err(|e| error(e.into()))?
            .get(0);
        report.ledger_sum = Some(sum);
        if has("ledger_balances") {
            let off: i64 = tx
                .query_one(BALANCES_OFF, &[])
                .map_err(|e| error(e.into()))?
                .get(0);
            if off > 0 {
                report.problems.push(format!(
                    "{off} account balance(s) differ from the sum of their ledger entries"
                ));
            }
        }
    }
    report.note_common(&reference_tables(schema_version)?);
    Ok(report)
}
