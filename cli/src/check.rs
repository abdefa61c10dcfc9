//! `fanline check`: a read-only report on a database for people and scripts
//! (`fanline::store::admin::StoreAdmin::check`).

use std::process::ExitCode;

use fanline::store::admin::StoreAdmin;
use fanline::Result;

use crate::report::{self, say, Format};
use crate::StoreArg;

/// Arguments of `check`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    store: StoreArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

/// Prints the report; exit status 0 when the database is fit to serve, 1 when problems were
/// found, 2 when it could not be read at all.
pub fn run(args: Args) -> Result<ExitCode> {
    let report = StoreAdmin::new(&args.store.store)?.check()?;
    match args.format {
        Format::Json => report::json(&serde_json::json!({
            "ok": report.ok(),
            "report": report,
        }))?,
        Format::Human => {
            say!(
                "{} schema version {} (this build: {})",
                report.store,
                report.schema_version,
                report.latest_version
            );
            for t in &report.tables {
                say!("  {:<28} {:>12} rows", t.table, t.rows);
            }
            match report.ledger_sum {
                Some(sum) => say!("ledger sum  {sum}"),
                None => say!("ledger sum  (no ledger)"),
            }
            for p in &report.problems {
                say!("PROBLEM: {p}");
            }
            say!("{}", if report.ok() { "ok" } else { "NOT OK" });
        }
    }
    Ok(if report.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
