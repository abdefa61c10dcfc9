//! CPU per initiation: `Fanline::initiate` on `SqliteStore` against the seed's initiate route
//! as plain SQL on SQLite (`fanline_benches::seed`), each on its own copy of a database that
//! already holds the same history (1,000,000 calls by default, `FANLINE_BENCH_CALLS`), both
//! WAL with `synchronous=NORMAL`. CPU is user plus system time of the process (the kernel's
//! share, the WAL writes, counts; other processes on the machine do not), measured in rounds
//! that alternate the two sides, each round a batch of fresh (creator, fan) pairs where the
//! fan follows the creator and holds tokens. Each batch starts on an empty WAL (the setup's
//! pages checkpointed outside the measurement) and ends with a measured checkpoint, so each
//! side pays exactly for getting its own pages into the database file, wherever SQLite's
//! automatic checkpoints happened to fall. Prints each round and the ratio.
//!
//! Run: `cargo bench -p fanline-benches --bench seed_route`. Set `FANLINE_BENCH_DIR` to keep
//! the prefilled templates between runs (they take a while to build), `FANLINE_BENCH_ROUNDS`
//! (default 8) and `FANLINE_BENCH_BATCH` (default 1000) for the run's size, and
//! `FANLINE_BENCH_ONLY=fanline` (or `seed`) to run one side alone, for a profiler.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use fanline::calls::CallType;
use fanline::engine::InitiateRequest;
use fanline::privacy::RelationshipKind;
use fanline::share::ShareKeyRing;
use fanline::store::{SqliteOptions, SqliteStore};
use fanline::{Actor, Fanline, Flags, ManualClock};
use fanline_benches::cpu::cpu_of;
use fanline_benches::history::{self, START_MS};
use fanline_benches::seed::{self, SeedRoute};
use rusqlite::Connection;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The template at `dir/name`, built by `build` unless an earlier run left it there.
fn template(dir: &Path, name: &str, build: impl FnOnce(&Path)) -> PathBuf {
    let path = dir.join(name);
    if !path.exists() {
        let t = Instant::now();
        let partial = dir.join(format!("{name}.partial"));
        let _ = std::fs::remove_file(&partial);
        build(&partial);
        std::fs::rename(&partial, &path).unwrap();
        eprintln!("built {} in {:.1?}", path.display(), t.elapsed());
    }
    path
}

fn copy(from: &Path, dir: &Path, name: &str) -> PathBuf {
    let to = dir.join(name);
    std::fs::copy(from, &to).unwrap();
    to
}

fn engine(path: &Path) -> Fanline {
    Fanline::builder()
        .store(Arc::new(
            SqliteStore::open_with(path, SqliteOptions::default()).unwrap(),
        ))
        .agora(
            "970CA35de60c44645bbae8a215061b33",
            "5CFd2fd1755d40ecb72977518be15d3b",
        )
        .share_keys(ShareKeyRing::new(1, &[7u8; 32]).unwrap())
        .flags(Flags::all_on())
        .clock(Arc::new(ManualClock::at_ms(START_MS)))
        .build()
        .unwrap()
}

/// `n` fresh pairs, `bc-<round>-<i>` and `bf-<round>-<i>`.
fn pairs(tag: &str, n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|i| (format!("bc-{tag}-{i}"), format!("bf-{tag}-{i}")))
        .collect()
}

/// Setup for the engine side (not measured): each fan follows its creator and holds tokens.
fn engine_pairs(f: &Fanline, pairs: &[(String, String)]) -> Vec<(Actor, InitiateRequest)> {
    let admin = Actor::admin("ops").unwrap();
    pairs
        .iter()
        .map(|(creator, fan)| {
            let fan_actor = Actor::fan(fan.as_str()).unwrap();
            f.record_relationship(&fan_actor, creator, RelationshipKind::Follow)
                .unwrap();
            f.credit(&admin, fan, 10_000, &format!("bench-{fan}"))
                .unwrap();
            (
                Actor::creator(creator.as_str()).unwrap(),
                InitiateRequest::new(fan.as_str(), CallType::Video),
            )
        })
        .collect()
}

/// The engine's side: `side` is a connection of our own to the engine's file, for the
/// checkpoints (the store's connections are its own).
fn run_engine(f: &Fanline, side: &Connection, batch: &[(Actor, InitiateRequest)]) -> Duration {
    seed::checkpoint(side);
    cpu_of(|| {
        for (creator, req) in batch {
            f.initiate(creator, req).unwrap();
        }
        seed::checkpoint(side);
    })
}

fn run_seed(s: &mut SeedRoute, batch: &[(String, String)]) -> Duration {
    s.checkpoint();
    cpu_of(|| {
        for (creator, fan) in batch {
            s.initiate(creator, fan, "video", None, START_MS).unwrap();
        }
        s.checkpoint();
    })
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument means another bench was asked for.
    if std::env::args().skip(1).any(|a| !a.starts_with("--")) {
        return;
    }
    let calls = history::calls_from_env();
    let rounds = env("FANLINE_BENCH_ROUNDS", 8);
    let batch = env("FANLINE_BENCH_BATCH", 1000);
    let tmp = tempfile::tempdir().unwrap();
    let dir = std::env::var_os("FANLINE_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| tmp.path().to_path_buf());
    std::fs::create_dir_all(&dir).unwrap();
    let fanline_t = template(&dir, &format!("fanline-{calls}.db"), |p| {
        history::prefill(p, calls)
    });
    let seed_t = template(&dir, &format!("seed-{calls}.db"), |p| {
        seed::prefill(p, calls)
    });
    let work = tempfile::tempdir_in(&dir).unwrap();
    let engine_file = copy(&fanline_t, work.path(), "fanline.db");
    let f = engine(&engine_file);
    let side = Connection::open(&engine_file).unwrap();
    let mut s = SeedRoute::open(&copy(&seed_t, work.path(), "seed.db"));

    println!(
        "seed_route: {calls} prefilled calls, {rounds} rounds of {batch} initiations per side, \
         CPU (user+sys) per initiation"
    );
    // One unmeasured batch each: statement caches, page caches.
    let warm = pairs("warm", batch);
    s.add_pairs(&warm, START_MS);
    run_seed(&mut s, &warm);
    run_engine(&f, &side, &engine_pairs(&f, &warm));

    let only = std::env::var("FANLINE_BENCH_ONLY").ok();
    if let Some(which) = &only {
        for round in 0..rounds {
            let ps = pairs(&round.to_string(), batch);
            let cpu = if which == "seed" {
                s.add_pairs(&ps, START_MS);
                run_seed(&mut s, &ps)
            } else {
                run_engine(&f, &side, &engine_pairs(&f, &ps))
            };
            println!(
                "round {round}: {which} {:>6.1} us",
                cpu.as_secs_f64() * 1e6 / batch as f64
            );
        }
        return;
    }
    let (mut seed_total, mut engine_total) = (Duration::ZERO, Duration::ZERO);
    let mut ratios = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let ps = pairs(&round.to_string(), batch);
        s.add_pairs(&ps, START_MS);
        let engine_batch = engine_pairs(&f, &ps);
        // Alternate which side goes first, so neither always runs on a warmer machine.
        let (seed_cpu, engine_cpu) = if round % 2 == 0 {
            let sc = run_seed(&mut s, &ps);
            (sc, run_engine(&f, &side, &engine_batch))
        } else {
            let ec = run_engine(&f, &side, &engine_batch);
            (run_seed(&mut s, &ps), ec)
        };
        seed_total += seed_cpu;
        engine_total += engine_cpu;
        let ratio = engine_cpu.as_secs_f64() / seed_cpu.as_secs_f64();
        ratios.push(ratio);
        println!(
            "round {round}: seed {:>6.1} us  fanline {:>6.1} us  ratio {ratio:.2}",
            seed_cpu.as_secs_f64() * 1e6 / batch as f64,
            engine_cpu.as_secs_f64() * 1e6 / batch as f64
        );
    }
    ratios.sort_by(f64::total_cmp);
    let per = |d: Duration| d.as_secs_f64() * 1e6 / (rounds * batch) as f64;
    println!(
        "total: seed {:.1} us/initiation, fanline {:.1} us/initiation; \
         fanline/seed CPU ratio {:.2} (rounds: min {:.2}, median {:.2}, max {:.2})",
        per(seed_total),
        per(engine_total),
        engine_total.as_secs_f64() / seed_total.as_secs_f64(),
        ratios[0],
        ratios[ratios.len() / 2],
        ratios[ratios.len() - 1]
    );
}
