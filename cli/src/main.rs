//! `fanline`: the operator's command for a fanline database and its tokens.
//!
//! Exit status: 0 when everything went as asked, 1 when the command ran but found something
//! wrong (`check` problems, a token whose signature does not verify), 2 for a refusal or an
//! error (bad arguments, `down` without `--yes`, a store that cannot be read).

mod check;
mod engine;
mod inspect;
mod metrics;
mod migrate;
mod report;
mod sweep;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Schema migrations, store checks, the invitation sweeper, metrics and token inspection.
#[derive(Parser)]
#[command(name = "fanline", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The store to work on: `sqlite:<path>` or `postgres://user@host/db[?fanline_schema=name]`.
#[derive(clap::Args)]
struct StoreArg {
    /// Store spec: `sqlite:<path>` or `postgres://...` (builds with the `postgres` feature).
    #[arg(long, env = "FANLINE_STORE", hide_env_values = true)]
    store: String,
}

#[derive(Subcommand)]
enum Command {
    /// Show, apply or roll back schema migrations.
    Migrate {
        #[command(subcommand)]
        action: migrate::Action,
    },
    /// Print every field of an Agora `007` token and, with a certificate, whether it verifies.
    InspectToken(inspect::Args),
    /// Expire unanswered invitations and end calls past their limit, once or on a timer.
    Sweep(sweep::Args),
    /// Funnel metrics from the audit log, as JSON or CSV.
    Metrics(metrics::Args),
    /// Read-only health report of a database: schema version, rows, ledger sum.
    Check(check::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Migrate { action } => migrate::run(action),
        Command::InspectToken(args) => inspect::run(args),
        Command::Sweep(args) => sweep::run(args),
        Command::Metrics(args) => metrics::run(args),
        Command::Check(args) => check::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            report::error(&e);
            ExitCode::from(2)
        }
    }
}
