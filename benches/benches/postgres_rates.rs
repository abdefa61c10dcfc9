//! Initiations/s and lifecycles/s of `PostgresStore` with 1, 4 and 16 concurrent clients, each
//! client its own instance (own store, own connections), on a database that already holds
//! `FANLINE_BENCH_PREFILL` ended calls (default 1,000,000: docs/rules.md section 13 asks for
//! costs measured on a full store, not an empty one).
//!
//! Run: `scripts/bench-postgres` (starts a throwaway server), or with a server of your own:
//! `FANLINE_TEST_PG_URL=postgres://... cargo bench -p fanline-benches --features postgres
//! --bench postgres_rates`. Prints rates, and the CPU time each successful operation took in
//! the clients and (when it runs on this machine) in the server: other work on a busy machine
//! moves the rates much more than that. Asserts nothing about them.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use fanline::calls::CallType;
use fanline::engine::InitiateRequest;
use fanline::share::ShareKeyRing;
use fanline::store::{PostgresOptions, PostgresStore};
use fanline::{Actor, Fanline, Flags, ManualClock};
use fanline_benches::pg_server::{postmaster_pid, CpuMeter, CpuPerOp};
use postgres::{Client, NoTls};

const T0_MS: i64 = 1_700_000_000_000;
const CLIENTS: [usize; 3] = [1, 4, 16];
const RUN: Duration = Duration::from_secs(4);
/// Pairs prepared per client for the initiation runs (each creator rings once: then busy).
const PAIRS_PER_CLIENT: usize = 8_000;
/// Fans each lifecycle client calls in turn.
const FANS_PER_CLIENT: usize = 4;

/// A random id, like the host's (Supabase, Firebase) user ids: hot rows of unrelated users
/// land on unrelated index pages, as they do in production.
fn random_id(prefix: &str) -> String {
    format!("{prefix}{}", uuid::Uuid::new_v4().simple())
}

fn engine(url: &str, clock: &ManualClock) -> Fanline {
    let options = PostgresOptions {
        max_connections: 2,
        ..PostgresOptions::default()
    };
    let store = PostgresStore::connect_with(url, options).expect("connect");
    Fanline::builder()
        .store(Arc::new(store))
        .agora(
            "970CA35de60c44645bbae8a215061b33",
            "5CFd2fd1755d40ecb72977518be15d3b",
        )
        .share_keys(ShareKeyRing::new(1, &[7u8; 32]).expect("key"))
        .flags(Flags::all_on())
        .clock(Arc::new(clock.clone()))
        .build()
        .expect("engine")
}

fn sql(url: &str, text: &str) {
    let mut c = Client::connect(url, NoTls).expect("connect");
    c.batch_execute(text).expect("setup sql");
}

/// Follow rows for the pairs, and 10^9 tokens for each fan, in bulk (balanced entries).
fn prepare_pairs(url: &str, creators: &[String], fans: &[String]) {
    let mut c = Client::connect(url, NoTls).expect("connect");
    c.execute(
        "INSERT INTO bench.creator_fan_relationships \
         SELECT c, f, 'follow', 0, 0 FROM unnest($1::text[], $2::text[]) AS p(c, f) \
         ON CONFLICT DO NOTHING",
        &[&creators, &fans],
    )
    .expect("follows");
    let mut distinct: Vec<&String> = fans.iter().collect();
    distinct.sort();
    distinct.dedup();
    c.batch_execute("BEGIN").unwrap();
    for (reference, account, amount) in [
        ("':user'", "f", "1000000000"),
        ("':issuance'", "'@issuance'", "-1000000000"),
    ] {
        c.execute(
            &format!(
                "INSERT INTO bench.ledger_entries (reference, account, amount, at_ms) \
                 SELECT 'bench:' || f || {reference}, {account}, {amount}, 0 \
                 FROM unnest($1::text[]) AS f"
            ),
            &[&distinct],
        )
        .expect("entries");
    }
    c.execute(
        "INSERT INTO bench.ledger_balances SELECT f, 1000000000 FROM unnest($1::text[]) AS f",
        &[&distinct],
    )
    .expect("balances");
    c.execute(
        "INSERT INTO bench.ledger_balances VALUES ('@issuance', $1) ON CONFLICT (account) \
         DO UPDATE SET balance = bench.ledger_balances.balance + EXCLUDED.balance",
        &[&(-1_000_000_000i64 * distinct.len() as i64)],
    )
    .expect("issuance");
    c.batch_execute("COMMIT").unwrap();
}

/// What one run measured.
struct Run {
    /// Operations that succeeded, per second of wall time.
    rate: f64,
    /// CPU time of the clients and the server per successful operation.
    cpu: CpuPerOp,
    /// Failed operations by error code.
    errors: BTreeMap<&'static str, u64>,
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:>8.0}  CPU per op {}  errors={:?}",
            self.rate, self.cpu, self.errors
        )
    }
}

/// Runs `op(client, n)` on `clients` threads for [`RUN`] (each client made first, untimed).
fn measure(
    clients: usize,
    postmaster: Option<u32>,
    make: impl Fn(usize) -> Box<dyn FnMut(u64) -> fanline::Result<()> + Send>,
) -> Run {
    let stop = Arc::new(AtomicBool::new(false));
    let ok = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(Mutex::new(BTreeMap::new()));
    let barrier = Arc::new(Barrier::new(clients + 1));
    let threads: Vec<_> = (0..clients)
        .map(|c| {
            let mut op = make(c);
            let (stop, ok, errors, barrier) =
                (stop.clone(), ok.clone(), errors.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    match op(n) {
                        Ok(()) => ok.fetch_add(1, Ordering::Relaxed),
                        Err(e) => {
                            *errors.lock().unwrap().entry(e.code()).or_insert(0) += 1;
                            0
                        }
                    };
                    n += 1;
                }
            })
        })
        .collect();
    barrier.wait();
    let (start, meter) = (Instant::now(), CpuMeter::start(postmaster));
    std::thread::sleep(RUN);
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().unwrap();
    }
    let secs = start.elapsed().as_secs_f64();
    let done = ok.load(Ordering::Relaxed);
    let errors = errors.lock().unwrap().clone();
    Run {
        rate: done as f64 / secs,
        cpu: meter.per_op(done),
        errors,
    }
}

fn main() {
    let Ok(server) = std::env::var("FANLINE_TEST_PG_URL") else {
        println!("SKIPPED: PostgreSQL not available (FANLINE_TEST_PG_URL unset)");
        return;
    };
    let prefill: u64 = std::env::var("FANLINE_BENCH_PREFILL")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let sep = if server.contains('?') { '&' } else { '?' };
    let url = format!("{server}{sep}fanline_schema=bench");
    // A fresh schema, then the history and the relationships, in bulk.
    let fresh = PostgresStore::connect(&url).expect("connect");
    fresh.migrate_to(0).expect("clean");
    fresh
        .migrate_to(fanline::store::postgres::SCHEMA_VERSION)
        .expect("migrate");
    let started = Instant::now();
    sql(
        &server,
        &format!(
            "INSERT INTO bench.calls (id, creator_id, fan_id, call_type, state, rate_per_minute, \
             creator_uid, fan_uid, created_at_ms, expires_at_ms, connected_at_ms, finished_at_ms) \
             SELECT gen_random_uuid(), md5('creator' || (i % 20000)), md5('fan' || (i % 200000)), \
             'video', 'ended', 10, 1, 2, {T0_MS} - i * 1000, {T0_MS} - i * 1000 + 120000, \
             {T0_MS} - i * 1000, {T0_MS} - i * 1000 + 60000 FROM generate_series(1, {prefill}) AS i;
             ANALYZE;"
        ),
    );
    // One set of pairs per client of every run: 1 + 4 + 16.
    let ring_pairs: Vec<Vec<(String, String)>> = (0..CLIENTS.iter().sum::<usize>())
        .map(|_| {
            (0..PAIRS_PER_CLIENT)
                .map(|_| (random_id("c"), random_id("f")))
                .collect()
        })
        .collect();
    let life: Vec<(String, Vec<String>)> = (0..CLIENTS.iter().sum::<usize>())
        .map(|_| {
            let fans = (0..FANS_PER_CLIENT).map(|_| random_id("f")).collect();
            (random_id("c"), fans)
        })
        .collect();
    let (creators, fans): (Vec<String>, Vec<String>) = ring_pairs
        .iter()
        .flatten()
        .cloned()
        .chain(
            life.iter()
                .flat_map(|(c, fans)| fans.iter().map(move |f| (c.clone(), f.clone()))),
        )
        .unzip();
    prepare_pairs(&server, &creators, &fans);
    sql(&server, "ANALYZE;");
    let admin = Actor::admin("ops").unwrap();
    let setup = engine(&url, &ManualClock::at_ms(T0_MS));
    let postmaster = postmaster_pid(&mut Client::connect(&server, NoTls).expect("connect"));
    println!(
        "postgres_rates: {prefill} ended calls prefilled in {:.1} s; {} s per run",
        started.elapsed().as_secs_f64(),
        RUN.as_secs()
    );

    let mut first_set = 0;
    for clients in CLIENTS {
        // Initiations: every one by a creator who has not rung yet, to a fan it follows.
        let run = measure(clients, postmaster, |c| {
            let e = engine(&url, &ManualClock::at_ms(T0_MS));
            let pairs = ring_pairs[first_set + c].clone();
            Box::new(move |n| {
                let Some((creator, fan)) = pairs.get(n as usize) else {
                    return Err(fanline::Error::invalid("ran out of prepared pairs"));
                };
                let creator = Actor::creator(creator.as_str())?;
                e.initiate(
                    &creator,
                    &InitiateRequest::new(fan.as_str(), CallType::Video),
                )
                .map(|_| ())
            })
        });
        println!("initiations/s  clients={clients:>2}  {run}");
        first_set += clients;
    }

    let mut first_set = 0;
    for clients in CLIENTS {
        // Lifecycles: ring, accept, 30 s, end; each client its creator and its own clock.
        let run = measure(clients, postmaster, |c| {
            let clock = ManualClock::at_ms(T0_MS);
            let e = engine(&url, &clock);
            let (creator_id, fans) = life[first_set + c].clone();
            Box::new(move |n| {
                let creator = Actor::creator(creator_id.as_str())?;
                let fan_id = &fans[n as usize % FANS_PER_CLIENT];
                let fan = Actor::fan(fan_id.as_str())?;
                let call = e
                    .initiate(
                        &creator,
                        &InitiateRequest::new(fan_id.as_str(), CallType::Voice),
                    )?
                    .value;
                let id = call.id.to_string();
                let rest = e.accept(&fan, &id, None).and_then(|_| {
                    clock.advance_secs(30);
                    e.end(&creator, &id)
                });
                // Past the pair's cooldown and the creator's rate limit.
                clock.advance_secs(61);
                if rest.is_err() {
                    // Leave nothing live behind, or every later lifecycle is BUSY.
                    let _ = e.cancel(&creator, &id);
                    let _ = e.end(&creator, &id);
                }
                rest.map(|_| ())
            })
        });
        println!("lifecycles/s   clients={clients:>2}  {run}");
        first_set += clients;
    }
    let sum = setup.ledger_sum(&admin).expect("ledger sum");
    println!("ledger sum after the runs: {sum}");
    fresh.migrate_to(0).expect("drop the bench schema");
}
