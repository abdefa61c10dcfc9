//! Several OS processes, each its own backend instance with its own connections, race on the
//! same creators, fans, pairs and calls of one PostgreSQL schema: the cooldown, the busy rule
//! and the rate limits hold across them, each call is accepted once and settled once, and the
//! ledger sums to zero. Run by scripts/stages/30-postgres (needs `FANLINE_TEST_PG_URL`).
//!
//! The test re-runs its own binary as the workers (the `worker` case, ignored in normal runs);
//! every process pins the same instant with a `ManualClock`, so each phase is a burst at one
//! moment and the limits' expected counts are exact.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test: failing loudly is the point

mod pg_support;

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::sync::Arc;

use fanline::calls::CallType;
use fanline::engine::InitiateRequest;
use fanline::privacy::RelationshipKind;
use fanline::store::PostgresStore;
use fanline::{Actor, Fanline, ManualClock};
use pg_support::{engine, engine_with, TestSchema, T0_MS};

const PROCESSES: usize = 4;
const CREATORS: usize = 5;
const FANS: usize = 12;
/// Creators whose attempts all come from one client IP.
const IP_CREATORS: usize = 3;
const SHARED_IP: &str = "198.51.100.7";
const CALL_SECONDS: i64 = 65;

fn admin() -> Actor {
    Actor::admin("ops").unwrap()
}

fn creator_id(i: usize) -> String {
    format!("creator-{i}")
}

fn ip_creator_id(i: usize) -> String {
    format!("ip-creator-{i}")
}

fn fan_id(j: usize) -> String {
    format!("fan-{j}")
}

/// A worker's engine, with the seed's per-IP limit (5 per minute), so every initiation
/// carries an IP.
fn worker_engine(url: &str, at_ms: i64) -> Fanline {
    let store = PostgresStore::connect(url).expect("worker connects");
    let config = fanline::engine::EngineConfig {
        ip_rate: Some(fanline::limits::RateLimit {
            max: 5,
            period_ms: 60_000,
        }),
        ..Default::default()
    };
    engine_with(Arc::new(store), &ManualClock::at_ms(at_ms), config)
}

/// The worker process: runs one phase and prints one `RESULT` line per operation.
#[test]
#[ignore = "run by the other tests of this file as a separate process"]
fn worker() {
    let (Ok(url), Ok(phase), Ok(me)) = (
        std::env::var("FANLINE_WORKER_URL"),
        std::env::var("FANLINE_WORKER_PHASE"),
        std::env::var("FANLINE_WORKER_ID"),
    ) else {
        panic!("the worker runs only as a child of the other tests");
    };
    let me: usize = me.parse().unwrap();
    let code = |r: fanline::Result<()>| r.err().map_or("OK", |e| e.code());
    match phase.as_str() {
        "credit" => {
            let e = worker_engine(&url, T0_MS);
            for j in 0..FANS {
                let r = e.credit(&admin(), &fan_id(j), 1000, &format!("buy-{j}"));
                println!("RESULT credit {j} {}", code(r.map(|_| ())));
            }
        }
        "ring" => {
            let e = worker_engine(&url, T0_MS);
            // Each process walks the pairs in its own order, so they collide everywhere.
            for k in 0..CREATORS * FANS {
                let k = (k * 7 + me * 13) % (CREATORS * FANS);
                let (i, j) = (k / FANS, k % FANS);
                // Each attempt from an address of its own: only the creator limit applies.
                let mut req = InitiateRequest::new(fan_id(j), CallType::Video);
                req.ip = Some(format!("198.18.{me}.{k}"));
                let r = e.initiate(&Actor::creator(creator_id(i)).unwrap(), &req);
                println!("RESULT ring {i} {j} {}", code(r.map(|_| ())));
            }
            for i in 0..IP_CREATORS {
                for j in (0..FANS).rev() {
                    let mut req = InitiateRequest::new(fan_id(j), CallType::Voice);
                    req.ip = Some(SHARED_IP.to_string());
                    let r = e.initiate(&Actor::creator(ip_creator_id(i)).unwrap(), &req);
                    println!("RESULT ipring {i} {j} {}", code(r.map(|_| ())));
                }
            }
        }
        "accept" => {
            let e = worker_engine(&url, T0_MS + 1_000);
            for j in 0..FANS {
                let fan = Actor::fan(fan_id(j)).unwrap();
                for call in e.pending(&fan).unwrap() {
                    let r = e.accept(&fan, &call.id.to_string(), None);
                    println!("RESULT accept {} {}", call.id, code(r.map(|_| ())));
                }
            }
        }
        "end" => {
            let e = worker_engine(&url, T0_MS + 1_000 + CALL_SECONDS * 1000);
            for j in 0..FANS {
                let fan = Actor::fan(fan_id(j)).unwrap();
                for call in e.history(&fan, None, 100).unwrap().items {
                    if !matches!(call.state.as_str(), "connected" | "ended") {
                        continue;
                    }
                    // Half the processes end as the fan, half as the creator.
                    let actor = if me % 2 == 0 {
                        fan.clone()
                    } else {
                        Actor::creator(call.creator_id.as_str()).unwrap()
                    };
                    match e.end(&actor, &call.id.to_string()) {
                        Ok(o) => println!(
                            "RESULT end {} OK {}",
                            call.id, o.value.settlement.charge.charged
                        ),
                        Err(err) => println!("RESULT end {} {}", call.id, err.code()),
                    }
                }
            }
        }
        other => panic!("unknown phase {other}"),
    }
}

/// Runs `phase` in [`PROCESSES`] processes at once; returns every `RESULT` line's words.
fn run_phase(url: &str, phase: &str) -> Vec<Vec<String>> {
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..PROCESSES)
        .map(|me| {
            Command::new(&exe)
                .args([
                    "worker",
                    "--exact",
                    "--ignored",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env("FANLINE_WORKER_URL", url)
                .env("FANLINE_WORKER_PHASE", phase)
                .env("FANLINE_WORKER_ID", me.to_string())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn worker")
        })
        .collect();
    let mut lines = Vec::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "worker failed in {phase}:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // The first line may follow libtest's "test worker ... " on the same line.
        for line in stdout
            .lines()
            .filter_map(|l| l.find("RESULT ").map(|at| &l[at + 7..]))
        {
            lines.push(line.split(' ').map(str::to_string).collect());
        }
    }
    lines
}

fn count<'a>(codes: impl Iterator<Item = &'a str>) -> BTreeMap<&'a str, usize> {
    let mut m = BTreeMap::new();
    for c in codes {
        *m.entry(c).or_insert(0) += 1;
    }
    m
}

#[test]
fn processes_racing_keep_every_limit_and_settle_each_call_once() {
    let server = require_pg!();
    let schema = TestSchema::new(&server, "t_procs");
    let setup = engine(Arc::new(schema.open()), &ManualClock::at_ms(T0_MS));
    for j in 0..FANS {
        let fan = Actor::fan(fan_id(j)).unwrap();
        for i in 0..CREATORS {
            setup
                .record_relationship(&fan, &creator_id(i), RelationshipKind::Follow)
                .unwrap();
        }
        for i in 0..IP_CREATORS {
            setup
                .record_relationship(&fan, &ip_creator_id(i), RelationshipKind::Follow)
                .unwrap();
        }
    }

    // Every process credits the same references: each is applied once.
    let credits = run_phase(&schema.url, "credit");
    assert!(credits.iter().all(|w| w[2] == "OK"), "{credits:?}");
    for j in 0..FANS {
        assert_eq!(setup.balance(&admin(), &fan_id(j)).unwrap(), 1000);
    }

    // Ringing: per creator, exactly the burst of 10 passes the rate limit, one call rings
    // (the creator is then busy), and no pair rings twice.
    let rings = run_phase(&schema.url, "ring");
    for i in 0..CREATORS {
        let mine: Vec<&str> = rings
            .iter()
            .filter(|w| w[0] == "ring" && w[1] == i.to_string())
            .map(|w| w[3].as_str())
            .collect();
        let by_code = count(mine.iter().copied());
        assert_eq!(mine.len(), PROCESSES * FANS);
        assert_eq!(by_code.get("OK"), Some(&1), "creator {i}: {by_code:?}");
        let limited = by_code.get("RATE_LIMITED").copied().unwrap_or(0);
        assert_eq!(mine.len() - limited, 10, "creator {i}: {by_code:?}");
        for code in by_code.keys() {
            assert!(
                matches!(*code, "OK" | "BUSY" | "CALL_COOLDOWN" | "RATE_LIMITED"),
                "creator {i}: {by_code:?}"
            );
        }
    }
    // One IP for three creators: 5 attempts in all get past its limit, whichever process.
    let ip_codes = count(
        rings
            .iter()
            .filter(|w| w[0] == "ipring")
            .map(|w| w[3].as_str()),
    );
    let ip_passed: usize = ip_codes
        .iter()
        .filter(|(c, _)| **c != "RATE_LIMITED")
        .map(|(_, n)| n)
        .sum();
    assert_eq!(ip_passed, 5, "{ip_codes:?}");
    assert!(ip_codes.get("OK").copied().unwrap_or(0) <= IP_CREATORS);

    // Accepting: every process tries every pending call; each is accepted exactly once, and
    // no fan ends up in two connected calls.
    let accepts = run_phase(&schema.url, "accept");
    let mut per_call: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for w in &accepts {
        per_call.entry(&w[1]).or_default().push(&w[2]);
    }
    let mut connected = 0;
    for (call, codes) in &per_call {
        let ok = codes.iter().filter(|c| **c == "OK").count();
        assert!(ok <= 1, "call {call} accepted {ok} times: {codes:?}");
        connected += ok;
        for c in codes {
            assert!(matches!(*c, "OK" | "INVALID_STATE" | "BUSY"), "{codes:?}");
        }
    }
    assert!(connected >= 1);
    for j in 0..FANS {
        let fan = Actor::fan(fan_id(j)).unwrap();
        let live = setup
            .history(&fan, None, 100)
            .unwrap()
            .items
            .iter()
            .filter(|c| c.state.as_str() == "connected")
            .count();
        assert!(live <= 1, "fan {j} is in {live} connected calls");
    }

    // Ending: every process ends every connected call, as either side; each settles once and
    // every answer carries the same charge.
    let ends = run_phase(&schema.url, "end");
    let mut charges: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for w in &ends {
        assert_eq!(w[2], "OK", "{w:?}");
        charges.entry(&w[1]).or_default().push(&w[3]);
    }
    assert_eq!(charges.len(), connected);
    for (call, c) in &charges {
        assert!(c.iter().all(|x| *x == c[0]), "call {call}: {c:?}");
        assert_eq!(c[0], "20", "65 s at 10/min, per started minute");
    }
    let settlements: i64 = pg_support::sql(
        &server,
        &format!("SELECT count(*) FROM {}.call_settlements", schema.name),
    )[0]
    .get(0);
    assert_eq!(settlements as usize, connected);
    assert_eq!(setup.ledger_sum(&admin()).unwrap(), 0);
    let total_fans: i64 = (0..FANS)
        .map(|j| setup.balance(&admin(), &fan_id(j)).unwrap())
        .sum();
    assert_eq!(total_fans, 1000 * FANS as i64 - 20 * connected as i64);
}
