//! How the command prints: errors on stderr with their stable code, results as JSON or as
//! lines for people.

use std::io::Write;

use fanline::Error;

/// `println!` that ends the process quietly when stdout was closed (`fanline ... | head`)
/// instead of panicking.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::report::line(format_args!($($arg)*))
    };
}
pub(crate) use say;

/// Writes one line on stdout; see [`say`].
pub fn line(args: std::fmt::Arguments<'_>) {
    if let Err(e) = writeln!(std::io::stdout(), "{args}") {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("fanline: cannot write to stdout: {e}");
        }
        std::process::exit(2);
    }
}

/// Output format of the commands that report something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Lines for a person.
    Human,
    /// One JSON document (camelCase keys, the core's serde forms).
    Json,
}

/// Prints an error with its code. The store's internal detail (a SQLite or PostgreSQL
/// message; never a password, see `fanline::Error::StoreUnavailable`) is shown too: here the
/// reader is the operator, who needs it.
pub fn error(e: &Error) {
    let detail = match e {
        Error::StoreUnavailable { detail } | Error::Internal { detail } => format!(" ({detail})"),
        _ => String::new(),
    };
    eprintln!("fanline: {e}{detail} [{}]", e.code());
}

/// Prints `value` as pretty JSON on stdout.
pub fn json(value: &impl serde::Serialize) -> fanline::Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(Error::internal)?;
    say!("{text}");
    Ok(())
}

/// Unix ms as RFC 3339, for people.
pub fn time(ms: i64) -> String {
    fanline::clock::rfc3339(ms)
}
