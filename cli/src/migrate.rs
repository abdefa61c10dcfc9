//! `fanline migrate status|up|down`: the schema and its bookkeeping, through
//! `fanline::store::admin::StoreAdmin` (never by opening a store, which migrates forward).

use std::process::ExitCode;

use clap::Subcommand;
use fanline::store::admin::{MigrationStatus, StoreAdmin};
use fanline::{Error, Result};

use crate::report::{self, say, Format};
use crate::StoreArg;

/// What to do with the schema.
#[derive(Subcommand)]
pub enum Action {
    /// Every migration this build knows, applied or pending (changes nothing).
    Status {
        #[command(flatten)]
        store: StoreArg,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Apply pending migrations, up to the latest or to `--to`.
    Up {
        #[command(flatten)]
        store: StoreArg,
        /// Target version (default: the latest this build knows).
        #[arg(long)]
        to: Option<u32>,
    },
    /// Roll migrations back, one step or to `--to` (0 removes every table fanline created).
    /// Refuses without `--yes`: rolling back deletes the data of the tables it drops.
    Down {
        #[command(flatten)]
        store: StoreArg,
        /// Target version (default: one below the current one).
        #[arg(long)]
        to: Option<u32>,
        /// Confirms that the tables of the rolled back versions, and their rows, go.
        #[arg(long)]
        yes: bool,
    },
}

/// Runs a migrate action.
pub fn run(action: Action) -> Result<ExitCode> {
    let spec = match &action {
        Action::Status { store, .. } | Action::Up { store, .. } | Action::Down { store, .. } => {
            &store.store
        }
    };
    let admin = StoreAdmin::new(spec)?;
    match action {
        Action::Status { format, .. } => {
            let status = admin.status()?;
            match format {
                Format::Json => report::json(&serde_json::json!({
                    "store": admin.kind(),
                    "schemaVersion": current(&status),
                    "latestVersion": admin.latest_version(),
                    "migrations": status,
                }))?,
                Format::Human => print_status(&admin, &status),
            }
        }
        Action::Up { to, .. } => {
            let from = admin.schema_version()?;
            let target = to.unwrap_or(admin.latest_version());
            if target < from {
                return Err(Error::invalid(format!(
                    "the schema is at version {from}; going to {target} is `migrate down`"
                )));
            }
            admin.migrate_to(target)?;
            moved(&admin, from)?;
        }
        Action::Down { to, yes, .. } => {
            let from = admin.schema_version()?;
            let target = match to {
                Some(t) => t,
                None => from.checked_sub(1).ok_or_else(|| {
                    Error::invalid("the schema is at version 0: nothing to roll back")
                })?,
            };
            if target > from {
                return Err(Error::invalid(format!(
                    "the schema is at version {from}; going to {target} is `migrate up`"
                )));
            }
            if !yes {
                eprintln!(
                    "fanline: migrate down from version {from} to {target} drops tables and \
                     their rows; run again with --yes to do it"
                );
                return Ok(ExitCode::from(2));
            }
            admin.migrate_to(target)?;
            moved(&admin, from)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn current(status: &[MigrationStatus]) -> u32 {
    status
        .iter()
        .filter(|m| m.applied_at_ms.is_some())
        .map(|m| m.version)
        .max()
        .unwrap_or(0)
}

fn moved(admin: &StoreAdmin, from: u32) -> Result<()> {
    let now = admin.schema_version()?;
    if now == from {
        say!("{} schema already at version {now}", admin.kind());
    } else {
        say!("{} schema moved from version {from} to {now}", admin.kind());
    }
    Ok(())
}

fn print_status(admin: &StoreAdmin, status: &[MigrationStatus]) {
    say!(
        "{} schema at version {} (this build: {})",
        admin.kind(),
        current(status),
        admin.latest_version()
    );
    for m in status {
        let state = match (m.applied_at_ms, m.known) {
            (Some(at), true) => format!("applied {}", report::time(at)),
            (Some(at), false) => format!("applied {} by a newer fanline", report::time(at)),
            (None, _) => "pending".to_string(),
        };
        say!("  {:04} {:<24} {state}", m.version, m.name);
    }
}
