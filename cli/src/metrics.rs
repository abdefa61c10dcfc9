//! `fanline metrics`: the funnel tables of `fanline::engine::store_metrics` over a time
//! window, as one JSON document or one table as CSV (for a spreadsheet or a data frame).

use std::process::ExitCode;
use std::time::{Duration, UNIX_EPOCH};

use fanline::engine::{store_metrics, Metrics, MetricsQuery};
use fanline::{Error, Result};

use crate::engine;
use crate::report;
use crate::StoreArg;

/// Output format of `metrics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MetricsFormat {
    /// Every table in one JSON document.
    Json,
    /// The `--table` as CSV with a header row.
    Csv,
}

/// The tables of the metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Table {
    /// One row: the funnel, rates, durations, revenue, refusals, privacy.
    Summary,
    /// One row per creator with an ended call.
    Revenue,
    /// One row per 403 code that refused a call attempt.
    Denials,
    /// Call events per time bucket.
    Timeline,
}

/// Arguments of `metrics`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    store: StoreArg,
    /// Only events at or after this instant: RFC 3339 (`2026-12-01T00:00:00Z`), a date
    /// (`2026-12-01`, midnight UTC) or unix milliseconds.
    #[arg(long, value_parser = instant)]
    since: Option<i64>,
    /// Only events before this instant (same forms as `--since`).
    #[arg(long, value_parser = instant)]
    until: Option<i64>,
    /// Width of a timeline bucket (`1h`, `15m`, `1day`; at least 1s).
    #[arg(long, default_value = "1h", value_parser = humantime::parse_duration)]
    bucket: Duration,
    /// Output format.
    #[arg(long, value_enum, default_value_t = MetricsFormat::Json)]
    format: MetricsFormat,
    /// The table written as CSV.
    #[arg(long, value_enum, default_value_t = Table::Summary)]
    table: Table,
}

/// Parses an instant into unix milliseconds.
fn instant(text: &str) -> std::result::Result<i64, String> {
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text
            .parse()
            .map_err(|_| "unix milliseconds out of range".into());
    }
    let full = if text.len() == 10 {
        format!("{text}T00:00:00Z")
    } else {
        text.to_string()
    };
    let at = humantime::parse_rfc3339_weak(&full)
        .map_err(|_| format!("'{text}' is not RFC 3339, a date or unix milliseconds"))?;
    let ms = at
        .duration_since(UNIX_EPOCH)
        .map_err(|_| "instants before 1970 are not supported".to_string())?
        .as_millis();
    i64::try_from(ms).map_err(|_| "instant out of range".into())
}

/// Prints the metrics.
pub fn run(args: Args) -> Result<ExitCode> {
    let query = MetricsQuery {
        since_ms: args.since,
        until_ms: args.until,
        bucket_ms: i64::try_from(args.bucket.as_millis())
            .map_err(|_| Error::invalid("the bucket is too long"))?,
    };
    query.validate()?;
    let store = engine::open(&args.store.store)?;
    let metrics = store_metrics(store.as_ref(), &query)?;
    match args.format {
        MetricsFormat::Json => report::json(&metrics)?,
        MetricsFormat::Csv => csv_table(&metrics, args.table)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn csv_table(m: &Metrics, table: Table) -> Result<()> {
    let mut out = csv::Writer::from_writer(std::io::stdout().lock());
    let written = match table {
        Table::Summary => rows(&mut out, &m.summary),
        Table::Revenue => rows(&mut out, &m.revenue_by_creator),
        Table::Denials => rows(&mut out, &m.denials_by_reason),
        Table::Timeline => rows(&mut out, &m.timeline),
    };
    written
        .and_then(|()| out.flush().map_err(csv::Error::from))
        .map_err(|e| Error::internal(format!("writing CSV: {e}")))
}

/// Writes every row under a header taken from the field names. An empty table prints
/// nothing at all (there is no row to name the columns).
fn rows<W: std::io::Write, T: serde::Serialize>(
    out: &mut csv::Writer<W>,
    rows: &[T],
) -> csv::Result<()> {
    for row in rows {
        out.serialize(row)?;
    }
    Ok(())
}
