//! Initiations/s on one PostgreSQL server: `Fanline::initiate` on `PostgresStore` against the
//! seed's initiate route as plain SQL on its PostgreSQL schema (`fanline_benches::seed_pg`:
//! eight prepared statements in autocommit, cooldown in process memory), each with
//! `FANLINE_BENCH_CLIENTS` clients (default 4), every client its own instance with its own
//! connection. Both databases hold the same history first (`FANLINE_BENCH_CALLS` calls,
//! default 1,000,000). Rounds alternate the two sides; in each, every client rings
//! `FANLINE_BENCH_BATCH` fresh (creator, fan) pairs (default 500) where the fan follows the
//! creator and holds tokens, and the side's rate is all of its initiations over the wall time
//! until the last client is done. Prints each round with the load average, the ratio, and the
//! CPU time per initiation of the clients and (when it runs on this machine) of the server:
//! other work on a busy machine moves the rates, much less the CPU each initiation takes.
//!
//! Run: `scripts/bench-postgres seed_route_pg` (a throwaway server; add
//! `PG_CLUSTER_EXTRA_OPTS='-c fsync=on'` for durable commits), or with a server of your own:
//! `FANLINE_TEST_PG_URL=postgres://... cargo bench -p fanline-benches --features postgres
//! --bench seed_route_pg`. `FANLINE_BENCH_ROUNDS` sets the rounds (default 6). Prints rates;
//! asserts nothing about them.

use std::sync::{Arc, Barrier};
use std::time::Instant;

use fanline::calls::CallType;
use fanline::engine::InitiateRequest;
use fanline::share::ShareKeyRing;
use fanline::store::{PostgresOptions, PostgresStore};
use fanline::{Actor, Fanline, Flags, ManualClock};
use fanline_benches::history::{self, START_MS};
use fanline_benches::pg_server::{postmaster_pid, CpuMeter, CpuPerOp};
use fanline_benches::seed_pg::{self, SeedRoutePg};
use postgres::{Client, NoTls};

/// fanline's tables for this bench live in their own PostgreSQL schema.
const SCHEMA: &str = "bench_seed";

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn engine(url: &str) -> Fanline {
    let options = PostgresOptions {
        max_connections: 1,
        ..PostgresOptions::default()
    };
    Fanline::builder()
        .store(Arc::new(
            PostgresStore::connect_with(url, options).expect("connect"),
        ))
        .agora(
            "970CA35de60c44645bbae8a215061b33",
            "5CFd2fd1755d40ecb72977518be15d3b",
        )
        .share_keys(ShareKeyRing::new(1, &[7u8; 32]).expect("key"))
        .flags(Flags::all_on())
        .clock(Arc::new(ManualClock::at_ms(START_MS)))
        .build()
        .expect("engine")
}

/// fanline's history, shaped like the seed's prefill (1,000 creators, 1,000 fans with ids of
/// the fresh pairs' shape, mostly ended, over the year before [`START_MS`]).
fn prefill_fanline(client: &mut Client, n: u64) {
    client
        .batch_execute(&format!(
            "INSERT INTO {SCHEMA}.calls (id, creator_id, fan_id, call_type, state,
                 rate_per_minute, creator_uid, fan_uid, created_at_ms, expires_at_ms,
                 connected_at_ms, finished_at_ms, ended_by)
             SELECT gen_random_uuid(), 'c' || md5('c' || (i % 1000)),
                 'f' || md5('f' || ((i / 1000) % 1000)),
                 CASE i % 2 WHEN 0 THEN 'voice' ELSE 'video' END, s, 10, 1 + i % 1000,
                 1001 + (i / 1000) % 1000, at, at + 120000,
                 CASE WHEN s = 'ended' THEN at + 5000 END, at + 65000,
                 CASE WHEN s = 'ended' THEN 'c' || md5('c' || (i % 1000)) END
             FROM (SELECT i, {start} + i::bigint * 30000 AS at,
                       CASE WHEN i % 10 < 8 THEN 'ended' WHEN i % 10 = 8 THEN 'missed'
                            ELSE 'declined' END AS s
                   FROM generate_series(0, {n} - 1) AS i) AS h",
            start = START_MS - 366 * 86_400_000
        ))
        .expect("fanline history");
    client
        .batch_execute(&format!("VACUUM ANALYZE {SCHEMA}.calls"))
        .expect("vacuum");
}

/// fanline's setup for the pairs, in bulk: follow rows, and tokens for each fan (balanced
/// entries).
fn fanline_pairs(client: &mut Client, creators: &[String], fans: &[String]) {
    let mut tx = client.transaction().unwrap();
    tx.execute(
        &format!(
            "INSERT INTO {SCHEMA}.creator_fan_relationships \
             SELECT c, f, 'follow', 0, 0 FROM unnest($1::text[], $2::text[]) AS p(c, f)"
        ),
        &[&creators, &fans],
    )
    .expect("follows");
    for (reference, account, amount) in [
        ("':user'", "f", "1000000"),
        ("':issuance'", "'@issuance'", "-1000000"),
    ] {
        tx.execute(
            &format!(
                "INSERT INTO {SCHEMA}.ledger_entries (reference, account, amount, at_ms) \
                 SELECT 'bench:' || f || {reference}, {account}, {amount}, 0 \
                 FROM unnest($1::text[]) AS f"
            ),
            &[&fans],
        )
        .expect("entries");
    }
    tx.execute(
        &format!(
            "INSERT INTO {SCHEMA}.ledger_balances \
             SELECT f, 1000000 FROM unnest($1::text[]) AS f"
        ),
        &[&fans],
    )
    .expect("balances");
    tx.execute(
        &format!(
            "INSERT INTO {SCHEMA}.ledger_balances VALUES ('@issuance', $1) \
             ON CONFLICT (account) DO UPDATE SET \
             balance = {SCHEMA}.ledger_balances.balance + EXCLUDED.balance"
        ),
        &[&(-1_000_000i64 * fans.len() as i64)],
    )
    .expect("issuance");
    tx.commit().unwrap();
}

/// Fresh pairs, `clients` slices of `batch` each, with random ids as the hosts' user ids are.
fn pairs(clients: usize, batch: usize) -> Vec<Vec<(String, String)>> {
    let id = |p: &str| format!("{p}{}", uuid::Uuid::new_v4().simple());
    (0..clients)
        .map(|_| (0..batch).map(|_| (id("c"), id("f"))).collect())
        .collect()
}

fn flat(pairs: &[Vec<(String, String)>]) -> (Vec<String>, Vec<String>) {
    pairs.iter().flatten().cloned().unzip()
}

/// One side's round: initiations per second of wall time, and CPU time (user + system) per
/// initiation of this process (the clients) and of the server, when it runs on this machine.
/// CPU does not count what other processes on the machine take, so it compares the two sides
/// more steadily than the rate on a busy machine.
struct Sample {
    rate: f64,
    cpu: CpuPerOp,
}

/// Runs `op` on one thread per client, each over its own slice.
fn measure<C: Send>(
    clients: &mut [C],
    pairs: &[Vec<(String, String)>],
    postmaster: Option<u32>,
    op: impl Fn(&mut C, &str, &str) + Sync,
) -> Sample {
    let barrier = Barrier::new(clients.len() + 1);
    let meter = CpuMeter::start(postmaster);
    let elapsed = std::thread::scope(|s| {
        for (client, slice) in clients.iter_mut().zip(pairs) {
            let (barrier, op) = (&barrier, &op);
            s.spawn(move || {
                barrier.wait();
                for (creator, fan) in slice {
                    op(client, creator, fan);
                }
            });
        }
        barrier.wait();
        Instant::now()
    })
    .elapsed();
    let n = pairs.iter().map(Vec::len).sum::<usize>();
    Sample {
        rate: n as f64 / elapsed.as_secs_f64(),
        cpu: meter.per_op(n as u64),
    }
}

fn run_seed(
    seeds: &mut [SeedRoutePg],
    admin: &mut Client,
    postmaster: Option<u32>,
    ps: &[Vec<(String, String)>],
) -> Sample {
    let (creators, fans) = flat(ps);
    seed_pg::add_pairs(admin, &creators, &fans);
    measure(seeds, ps, postmaster, |s, creator, fan| {
        s.initiate(creator, fan, "video", None, START_MS)
            .expect("seed initiation");
    })
}

fn run_fanline(
    engines: &mut [Fanline],
    admin: &mut Client,
    postmaster: Option<u32>,
    ps: &[Vec<(String, String)>],
) -> Sample {
    let (creators, fans) = flat(ps);
    fanline_pairs(admin, &creators, &fans);
    measure(engines, ps, postmaster, |f, creator, fan| {
        let creator = Actor::creator(creator).expect("creator id");
        f.initiate(&creator, &InitiateRequest::new(fan, CallType::Video))
            .expect("fanline initiation");
    })
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument means another bench was asked for.
    if std::env::args().skip(1).any(|a| !a.starts_with("--")) {
        return;
    }
    let Ok(server) = std::env::var("FANLINE_TEST_PG_URL") else {
        println!("SKIPPED: PostgreSQL not available (FANLINE_TEST_PG_URL unset)");
        return;
    };
    let calls = history::calls_from_env();
    let clients = env("FANLINE_BENCH_CLIENTS", 4);
    let rounds = env("FANLINE_BENCH_ROUNDS", 6);
    let batch = env("FANLINE_BENCH_BATCH", 500);
    let sep = if server.contains('?') { '&' } else { '?' };
    let url = format!("{server}{sep}fanline_schema={SCHEMA}");

    let started = Instant::now();
    let mut admin = Client::connect(&server, NoTls).expect("connect");
    seed_pg::prefill(&mut admin, calls);
    let fresh = PostgresStore::connect(&url).expect("connect");
    fresh.migrate_to(0).expect("clean");
    fresh
        .migrate_to(fanline::store::postgres::SCHEMA_VERSION)
        .expect("migrate");
    prefill_fanline(&mut admin, calls);
    let setting = |admin: &mut Client, name: &str| -> String {
        admin
            .query_one(&format!("SHOW {name}"), &[])
            .map(|r| r.get(0))
            .unwrap_or_default()
    };
    println!(
        "seed_route_pg: {calls} prefilled calls on each side in {:.1?}; fsync={}, \
         synchronous_commit={}; {clients} clients, {rounds} rounds of {batch} initiations per \
         client per side",
        started.elapsed(),
        setting(&mut admin, "fsync"),
        setting(&mut admin, "synchronous_commit"),
    );

    let postmaster = postmaster_pid(&mut admin);
    let mut seeds: Vec<SeedRoutePg> = (0..clients)
        .map(|_| SeedRoutePg::connect(&server))
        .collect();
    let mut engines: Vec<Fanline> = (0..clients).map(|_| engine(&url)).collect();
    // One unmeasured round each: prepared statements, caches.
    let warm = batch / 5 + 1;
    run_seed(&mut seeds, &mut admin, postmaster, &pairs(clients, warm));
    run_fanline(&mut engines, &mut admin, postmaster, &pairs(clients, warm));

    let (mut seed_rate, mut fanline_rate) = (0.0, 0.0);
    let (mut seed_cpu, mut fanline_cpu) = (0.0, 0.0);
    let mut ratios = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let (seed_pairs, fanline_pairs) = (pairs(clients, batch), pairs(clients, batch));
        // Alternate which side goes first, so neither always runs on a warmer server.
        let (seed, fanline) = if round % 2 == 0 {
            let s = run_seed(&mut seeds, &mut admin, postmaster, &seed_pairs);
            (
                s,
                run_fanline(&mut engines, &mut admin, postmaster, &fanline_pairs),
            )
        } else {
            let f = run_fanline(&mut engines, &mut admin, postmaster, &fanline_pairs);
            (run_seed(&mut seeds, &mut admin, postmaster, &seed_pairs), f)
        };
        seed_rate += seed.rate;
        fanline_rate += fanline.rate;
        seed_cpu += seed.cpu.total_us();
        fanline_cpu += fanline.cpu.total_us();
        ratios.push(fanline.rate / seed.rate);
        println!(
            "round {round}: seed {:>5.0}/s  fanline {:>5.0}/s  ratio {:.2}  CPU per initiation \
             (clients+server): seed {}, fanline {}  (load average {})",
            seed.rate,
            fanline.rate,
            fanline.rate / seed.rate,
            seed.cpu,
            fanline.cpu,
            load_average()
        );
    }
    ratios.sort_by(f64::total_cmp);
    println!(
        "mean: seed {:.0} initiations/s, fanline {:.0} initiations/s; fanline/seed {:.2} \
         (rounds: min {:.2}, median {:.2}, max {:.2}); CPU per initiation seed/fanline {:.2}; \
         load average {}",
        seed_rate / rounds as f64,
        fanline_rate / rounds as f64,
        fanline_rate / seed_rate,
        ratios[0],
        ratios[ratios.len() / 2],
        ratios[ratios.len() - 1],
        seed_cpu / fanline_cpu,
        load_average()
    );
    fresh.migrate_to(0).expect("drop the bench schema");
    admin
        .batch_execute("DROP SCHEMA seed CASCADE")
        .expect("drop the seed schema");
}
