//! `fanline sweep`: the engine's `expire_due` (invitations not answered in time become
//! missed calls, connected calls past their limit end, spent limit rows are pruned), once or
//! every `--every`, for deployments whose backend runs no sweeper of its own.
//!
//! Each run logs one line on stderr; the events the run produced (`call:missed`,
//! `call:ended`) go to
//! stdout as JSON lines, so they can be piped to the realtime provider the backend publishes
//! through (the sweeper publishes nothing itself).

use std::process::ExitCode;
use std::time::{Duration, Instant};

use fanline::{Fanline, Result};

use crate::engine::{self, EngineArgs};
use crate::report::{self, say};
use crate::StoreArg;

/// Arguments of `sweep`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    store: StoreArg,
    #[command(flatten)]
    engine: EngineArgs,
    /// Run again after this long (`30s`, `1m`; at least 1 s) until stopped; without it, one
    /// run.
    #[arg(long, value_parser = every)]
    every: Option<Duration>,
}

fn every(text: &str) -> std::result::Result<Duration, String> {
    let d = humantime::parse_duration(text).map_err(|e| e.to_string())?;
    if d < Duration::from_secs(1) {
        return Err("the interval must be at least 1s".into());
    }
    Ok(d)
}

/// Sweeps once, or forever every `--every`. In the loop a store that is unavailable for a
/// while is logged and tried again at the next tick; any other error ends the command.
pub fn run(args: Args) -> Result<ExitCode> {
    let store = engine::open(&args.store.store)?;
    let fanline = args.engine.build(&args.store.store, store)?;
    let Some(period) = args.every else {
        once(&fanline)?;
        return Ok(ExitCode::SUCCESS);
    };
    loop {
        let started = Instant::now();
        match once(&fanline) {
            Err(e) if e.code() == "STORE_UNAVAILABLE" => report::error(&e),
            other => other?,
        }
        std::thread::sleep(period.saturating_sub(started.elapsed()));
    }
}

fn once(fanline: &Fanline) -> Result<()> {
    let started = Instant::now();
    let outcome = fanline.expire_due()?;
    for event in &outcome.events {
        say!(
            "{}",
            serde_json::to_string(event).map_err(fanline::Error::internal)?
        );
    }
    eprintln!(
        "{} sweep: {} call(s) expired or ended, {} event(s), in {} ms",
        report::time(fanline.clock().now_ms()),
        outcome.value.len(),
        outcome.events.len(),
        started.elapsed().as_millis()
    );
    Ok(())
}
