//! The canonical text of fanline's schema: every table, every row, in a fixed order, so two
//! dumps are equal exactly when the stored data is.

use std::fmt::Write;

use super::failure::Failure;
use super::migrations::quote_ident;
use super::session::Session;

/// `schema_version N`, then per table (by name) a `[table]` line and its rows as JSON objects
/// (columns in table order), ordered by the whole row. The migrations bookkeeping (which holds
/// wall-clock times) and sequence positions are left out.
pub(super) fn dump(conn: &mut Session, schema: &str, version: u32) -> Result<String, Failure> {
    let mut out = format!("schema_version {version}\n");
    let tables: Vec<String> = conn
        .query(
            "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = $1 AND c.relkind = 'r' AND c.relname <> 'fanline_migrations' \
             ORDER BY c.relname",
            &[&schema],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let schema = quote_ident(schema);
    for table in tables {
        let _ = writeln!(out, "[{table}]");
        // Table names come from the catalog of fanline's own schema, never from a caller.
        let sql = format!("SELECT row_to_json(t)::text FROM {schema}.\"{table}\" AS t ORDER BY t");
        for row in conn.query(&sql, &[])? {
            let line: String = row.get(0);
            let _ = writeln!(out, "{line}");
        }
    }
    Ok(out)
}
