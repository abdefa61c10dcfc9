//! The canonical text of a database: every fanline table, every row, in a fixed order, so two
//! dumps are equal exactly when the stored data is.

use std::fmt::Write;

use rusqlite::types::ValueRef;
use rusqlite::Connection;

use super::migrations;

/// `schema_version N`, then per table (by name) a header line and its rows ordered by every
/// column. The migrations bookkeeping (which holds wall-clock times) is left out.
pub(super) fn dump(conn: &Connection) -> rusqlite::Result<String> {
    let mut out = format!("schema_version {}\n", migrations::current_version(conn)?);
    let tables: Vec<(String, usize)> = {
        let mut stmt = conn.prepare(
            "SELECT m.name, (SELECT COUNT(*) FROM pragma_table_info(m.name)) FROM sqlite_master m \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite%' \
             AND m.name <> 'fanline_migrations' ORDER BY m.name",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (table, columns) in tables {
        let order: Vec<String> = (1..=columns).map(|i| i.to_string()).collect();
        let _ = writeln!(out, "[{table}]");
        // Table names come from sqlite_master, never from a caller.
        let sql = format!("SELECT * FROM \"{table}\" ORDER BY {}", order.join(", "));
        for row in rows_as_text(conn, &sql)? {
            let _ = writeln!(out, "{row}");
        }
    }
    Ok(out)
}

/// Each row of `sql` as its columns' `name=value` joined by ` | `.
fn rows_as_text(conn: &Connection, sql: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(sql)?;
    let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let mut line = String::new();
        for (i, name) in names.iter().enumerate() {
            if i > 0 {
                line.push_str(" | ");
            }
            let _ = match row.get_ref(i)? {
                ValueRef::Null => write!(line, "{name}=null"),
                ValueRef::Integer(v) => write!(line, "{name}={v}"),
                ValueRef::Real(v) => write!(line, "{name}={v}"),
                ValueRef::Text(t) => write!(line, "{name}={:?}", String::from_utf8_lossy(t)),
                ValueRef::Blob(b) => write!(line, "{name}={b:?}"),
            };
        }
        out.push(line);
    }
    Ok(out)
}
