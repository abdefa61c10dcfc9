//! Engine initiations per second from Rust, the baseline `benches/node-compare.mjs` compares the
//! Node binding with. `initiations [N] [STORE_SPEC] [threaded]` (default 5000 on
//! `sqlite::memory:`) prints one JSON line: wall seconds, initiations per second and the CPU
//! seconds of the timed loop (the process's user plus system time). Each initiation is a
//! distinct (creator, fan) pair that follows and holds tokens, so every one succeeds; the setup
//! is not timed.
//!
//! `serve` times blocks instead of one loop, for a caller that alternates with its own blocks
//! (`benches/node-compare.mjs`): after the setup it prints `ready`, then for each line `K` read
//! from stdin it runs the next K initiations and prints one JSON line with their CPU seconds.
//! Blocks a few milliseconds apart see the same machine, which one long run per side does not
//! on a machine whose speed drifts.
//!
//! `threaded` starts one idle thread first. A process with a single thread is a special case
//! for the C library (glibc's malloc, for one, takes no locks in it); a Node process, and any
//! Rust service with a runtime or a pool, has several threads.

use std::io::{BufRead, Write};
use std::sync::Arc;
use std::time::Instant;

use fanline::calls::CallType;
use fanline::engine::InitiateRequest;
use fanline::privacy::RelationshipKind;
use fanline::share::ShareKeyRing;
use fanline::store::open_store;
use fanline::{Actor, Error, Fanline, Flags, ManualClock, Result};
use fanline_benches::cpu::process_cpu;

fn main() {
    if let Err(e) = run() {
        eprintln!("initiations failed: {e} ({})", e.code());
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5_000);
    let spec = args.next().unwrap_or_else(|| "sqlite::memory:".to_string());
    let modes: Vec<String> = args.collect();
    if modes.iter().any(|m| m == "threaded") {
        // Parked for the life of the process: it only has to exist.
        std::thread::spawn(|| loop {
            std::thread::park();
        });
    }
    let engine = Fanline::builder()
        .store(open_store(&spec)?)
        .agora(
            "970CA35de60c44645bbae8a215061b33",
            "5CFd2fd1755d40ecb72977518be15d3b",
        )
        .share_keys(ShareKeyRing::new(1, b"bench-share-key-0123456789abcdef!")?)
        .flags(Flags::all_on())
        .clock(Arc::new(ManualClock::at_ms(1_795_608_000_000)))
        .build()?;
    let admin = Actor::admin("ops")?;
    let pairs = (0..n)
        .map(|i| {
            let fan = Actor::fan(format!("fan_{i}"))?;
            let creator = Actor::creator(format!("creator_{i}"))?;
            engine.record_relationship(&fan, creator.id.as_str(), RelationshipKind::Follow)?;
            engine.credit(&admin, fan.id.as_str(), 1_000, &format!("seed-{i}"))?;
            Ok((
                creator,
                InitiateRequest::new(fan.id.as_str(), CallType::Video),
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    if modes.iter().any(|m| m == "serve") {
        return serve(&engine, &pairs);
    }
    let t0 = Instant::now();
    let cpu0 = process_cpu();
    for (creator, req) in &pairs {
        engine.initiate(creator, req)?;
    }
    let cpu = (process_cpu() - cpu0).as_secs_f64();
    let secs = t0.elapsed().as_secs_f64();
    println!(
        "{{\"initiations\":{n},\"store\":\"{spec}\",\"secs\":{secs:.4},\"cpuSecs\":{cpu:.4},\"perSec\":{:.0}}}",
        n as f64 / secs
    );
    Ok(())
}

/// Runs the pairs in blocks, one per line of stdin (its size), until stdin ends or the pairs run
/// out; prints each block's CPU seconds.
fn serve(engine: &Fanline, pairs: &[(Actor, InitiateRequest)]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let mut next = pairs.iter();
    writeln!(out, "ready")
        .and_then(|()| out.flush())
        .map_err(Error::internal)?;
    for line in std::io::stdin().lock().lines() {
        let k: usize = line
            .map_err(Error::internal)?
            .trim()
            .parse()
            .map_err(Error::internal)?;
        let cpu0 = process_cpu();
        let mut done = 0;
        for (creator, req) in next.by_ref().take(k) {
            engine.initiate(creator, req)?;
            done += 1;
        }
        let cpu = (process_cpu() - cpu0).as_secs_f64();
        writeln!(out, "{{\"initiations\":{done},\"cpuSecs\":{cpu:.6}}}")
            .and_then(|()| out.flush())
            .map_err(Error::internal)?;
    }
    Ok(())
}
