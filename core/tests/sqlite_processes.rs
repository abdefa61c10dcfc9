//! Several OS processes on one SQLite file: racing to call the same fan and to end the same
//! call, and a process killed with SIGKILL at random points of its work.
//!
//! The processes are this test binary run again: the tests spawn it with
//! `--exact child --ignored` and an environment variable naming the child's role.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test: failing loudly is the point

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use fanline::calls::CallType;
use fanline::engine::InitiateRequest;
use fanline::privacy::RelationshipKind;
use fanline::share::ShareKeyRing;
use fanline::store::SqliteStore;
use fanline::{Actor, Clock, Fanline, Flags, SystemClock};
use rusqlite::Connection;

/// The child's role; its absence means "not a child".
const ROLE: &str = "FANLINE_SQLITE_CHILD";
const DB: &str = "FANLINE_SQLITE_DB";
const ARG: &str = "FANLINE_SQLITE_ARG";
/// Processes in each race.
const RACERS: usize = 8;

fn engine(path: &Path, clock: Arc<dyn Clock>) -> Fanline {
    Fanline::builder()
        .store(Arc::new(SqliteStore::open(path).unwrap()))
        .agora(
            "970CA35de60c44645bbae8a215061b33",
            "5CFd2fd1755d40ecb72977518be15d3b",
        )
        .share_keys(ShareKeyRing::new(1, &[7u8; 32]).unwrap())
        .flags(Flags::all_on())
        .clock(clock)
        .build()
        .unwrap()
}

fn admin() -> Actor {
    Actor::admin("ops").unwrap()
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

fn spawn(role: &str, db: &Path, arg: &str) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child", "--ignored", "--nocapture"])
        .env(ROLE, role)
        .env(DB, db)
        .env(ARG, arg)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap()
}

/// What follows `RESULT ` on a line (the test harness prints its own text, sometimes on the
/// same line).
fn result_of(line: &str) -> Option<&str> {
    line.find("RESULT ").map(|i| &line[i + 7..])
}

/// The results a child printed.
fn results(child: Child) -> Vec<String> {
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "child failed: {out:?}");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| result_of(l).map(str::to_string))
        .collect()
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn processes_racing_to_call_and_to_end_agree_on_one_call_and_one_settlement() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("race.db");
    let f = engine(&db, Arc::new(SystemClock));
    f.record_relationship(
        &Actor::fan("fan").unwrap(),
        "creator",
        RelationshipKind::Follow,
    )
    .unwrap();
    f.credit(&admin(), "fan", 1_000, "purchase-1").unwrap();

    // Every racer opens the store, then waits for the same instant before it calls.
    let start = (now_ms() + 2_000).to_string();
    let racers: Vec<Child> = (0..RACERS)
        .map(|_| spawn("initiate", &db, &start))
        .collect();
    let outcomes: Vec<String> = racers.into_iter().flat_map(results).collect();
    eprintln!("initiate race: {outcomes:?}");
    assert_eq!(outcomes.len(), RACERS, "{outcomes:?}");
    let calls: Vec<&str> = outcomes
        .iter()
        .filter_map(|o| o.strip_prefix("ok "))
        .collect();
    assert_eq!(calls.len(), 1, "exactly one initiation wins: {outcomes:?}");
    for o in outcomes.iter().filter(|o| !o.starts_with("ok ")) {
        assert!(
            o == "CALL_COOLDOWN" || o == "BUSY",
            "a loser is refused by a rule, not by the store: {outcomes:?}"
        );
    }
    let conn = Connection::open(&db).unwrap();
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM calls"), 1);

    let call = calls[0].to_string();
    f.accept(&Actor::fan("fan").unwrap(), &call, None).unwrap();
    std::thread::sleep(Duration::from_millis(1_100));
    let start = now_ms() + 2_000;
    let enders: Vec<Child> = (0..RACERS)
        .map(|i| spawn("end", &db, &format!("{start} {call} {}", i % 2)))
        .collect();
    let outcomes: Vec<String> = enders.into_iter().flat_map(results).collect();
    assert_eq!(outcomes.len(), RACERS, "{outcomes:?}");
    assert!(
        outcomes.iter().all(|o| o.starts_with("ok ")),
        "every end succeeds: {outcomes:?}"
    );
    let settlements: std::collections::BTreeSet<&str> = outcomes.iter().map(|o| &o[5..]).collect();
    assert_eq!(settlements.len(), 1, "one settlement for all: {outcomes:?}");
    let published = outcomes.iter().filter(|o| o.starts_with("ok 1 ")).count();
    assert_eq!(published, 1, "one `call:ended` event: {outcomes:?}");

    assert_eq!(count(&conn, "SELECT COUNT(*) FROM call_settlements"), 1);
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) FROM ledger_entries WHERE reference LIKE 'call:%:fan'"
        ),
        1
    );
    assert_eq!(f.ledger_sum(&admin()).unwrap(), 0);
    let charged: i64 = count(&conn, "SELECT charged FROM call_settlements");
    assert!(charged > 0);
    assert_eq!(f.balance(&admin(), "fan").unwrap(), 1_000 - charged);

    // The creator is free again but the pair's cooldown runs: nobody wins. The creator's
    // rate limit (10 a minute, 8 used above) refuses those that come after the first two.
    let start = (now_ms() + 2_000).to_string();
    let racers: Vec<Child> = (0..RACERS)
        .map(|_| spawn("initiate", &db, &start))
        .collect();
    let outcomes: Vec<String> = racers.into_iter().flat_map(results).collect();
    eprintln!("race inside the cooldown: {outcomes:?}");
    assert_eq!(outcomes.len(), RACERS, "{outcomes:?}");
    assert!(
        outcomes
            .iter()
            .all(|o| o == "CALL_COOLDOWN" || o == "RATE_LIMITED"),
        "{outcomes:?}"
    );
    assert!(
        outcomes.iter().any(|o| o == "CALL_COOLDOWN"),
        "{outcomes:?}"
    );
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM calls"), 1);
}

/// A clock that moves 30 s every time it is read, so one process walks through whole calls
/// (accepted well inside the invitation, billed whole minutes) in a few milliseconds.
#[derive(Debug)]
struct SteppingClock(AtomicI64);

impl Clock for SteppingClock {
    fn now_ms(&self) -> i64 {
        self.0.fetch_add(30_000, Ordering::SeqCst)
    }
}

/// When the first killed run's clock starts (2026-01-01); each run starts a day later.
const RUNS_FROM_MS: i64 = 1_767_225_600_000;
const DAY_MS: i64 = 86_400_000;

/// Deterministic jitter for the kill points (xorshift), seeded from the time and printed.
fn next_random(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn a_process_killed_at_random_points_leaves_a_consistent_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    drop(SqliteStore::open(&db).unwrap());
    let mut seed = now_ms() as u64 | 1;
    eprintln!("kill-point seed: {seed}");
    let mut progress = Vec::new();
    for run in 0..10 {
        let mut child = spawn("loop", &db, &run.to_string());
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        while result_of(&line) != Some("ready\n") {
            line.clear();
            assert!(out.read_line(&mut line).unwrap() > 0, "child died early");
        }
        let delay = 20 + next_random(&mut seed) % 400;
        std::thread::sleep(Duration::from_millis(delay));
        child.kill().unwrap();
        child.wait().unwrap();
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut out, &mut rest).unwrap();
        let results: Vec<&str> = rest.lines().filter_map(result_of).collect();
        assert!(
            results.iter().all(|r| *r == "ended"),
            "run {run}: {results:?}"
        );
        progress.push(results.len());
    }
    eprintln!("calls ended per run before the kill: {progress:?}");
    assert!(progress.iter().sum::<usize>() > 0, "the children did work");

    let conn = Connection::open(&db).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    assert_consistent(&conn);

    // The store reopens and the interrupted calls go on to a legal end.
    let after_runs = RUNS_FROM_MS + 11 * DAY_MS;
    let f = engine(&db, Arc::new(SteppingClock(AtomicI64::new(after_runs))));
    let mut stmt = conn
        .prepare("SELECT id, creator_id, state FROM calls WHERE state IN ('ringing', 'connected')")
        .unwrap();
    let open: Vec<(String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for (id, creator, state) in open {
        let creator = Actor::creator(creator).unwrap();
        if state == "connected" {
            f.end(&creator, &id).unwrap();
        } else {
            f.cancel(&creator, &id).unwrap();
        }
    }
    assert_consistent(&conn);
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) FROM calls WHERE state IN ('ringing', 'connected')"
        ),
        0
    );
}

/// The invariants a crash must not break.
fn assert_consistent(conn: &Connection) {
    let checks = [
        // Every ended call has exactly one settlement, and nothing else has one.
        "SELECT COUNT(*) FROM calls c WHERE (c.state = 'ended') <> \
         (SELECT COUNT(*) = 1 FROM call_settlements s WHERE s.call_id = c.id)",
        "SELECT COUNT(*) FROM call_settlements s WHERE NOT EXISTS \
         (SELECT 1 FROM calls c WHERE c.id = s.call_id AND c.state = 'ended')",
        // Connected and ended calls have connected_at; finished ones have finished_at.
        "SELECT COUNT(*) FROM calls WHERE state IN ('connected', 'ended') \
         AND connected_at_ms IS NULL",
        "SELECT COUNT(*) FROM calls WHERE state NOT IN ('ringing', 'connected') \
         AND finished_at_ms IS NULL",
        // Each settlement's ledger entries balance, and the fan paid what was charged.
        "SELECT COUNT(*) FROM call_settlements s WHERE \
         (SELECT COALESCE(SUM(amount), 0) FROM ledger_entries \
          WHERE reference LIKE 'call:' || s.call_id || ':%') <> 0 \
         OR (SELECT COALESCE(-SUM(amount), 0) FROM ledger_entries \
          WHERE reference = 'call:' || s.call_id || ':fan') <> s.charged",
        // Balances are exactly the sums of the entries.
        "SELECT COUNT(*) FROM (SELECT account, SUM(amount) AS total FROM ledger_entries \
         GROUP BY account) e LEFT JOIN ledger_balances b USING (account) \
         WHERE b.balance IS NOT e.total",
        "SELECT COUNT(*) FROM ledger_balances b WHERE NOT EXISTS \
         (SELECT 1 FROM ledger_entries e WHERE e.account = b.account)",
        // The books balance.
        "SELECT ABS(COALESCE(SUM(amount), 0)) FROM ledger_entries",
    ];
    for sql in checks {
        assert_eq!(count(conn, sql), 0, "{sql}");
    }
}

/// Prints one result line for the parent.
fn report(line: impl std::fmt::Display) {
    println!("RESULT {line}");
}

fn wait_until(start_ms: i64) {
    let wait = start_ms - now_ms();
    if wait > 0 {
        std::thread::sleep(Duration::from_millis(wait as u64));
    }
}

/// Not a test: the child process of the tests above (they run it with `--ignored` and
/// [`ROLE`] set). Run by hand without [`ROLE`] it does nothing.
#[test]
#[ignore = "child process of the multi-process tests in this file"]
fn child() {
    let (Ok(role), Ok(db), Ok(arg)) = (std::env::var(ROLE), std::env::var(DB), std::env::var(ARG))
    else {
        return;
    };
    let db = Path::new(&db);
    match role.as_str() {
        "initiate" => {
            let f = engine(db, Arc::new(SystemClock));
            wait_until(arg.parse().unwrap());
            let req = InitiateRequest::new("fan", CallType::Video);
            match f.initiate(&Actor::creator("creator").unwrap(), &req) {
                Ok(o) => report(format!("ok {}", o.value.id)),
                Err(e) => report(e.code()),
            }
        }
        "end" => {
            let f = engine(db, Arc::new(SystemClock));
            let mut parts = arg.split(' ');
            let (start, call, side) = (parts.next(), parts.next(), parts.next());
            wait_until(start.unwrap().parse().unwrap());
            let actor = match side {
                Some("0") => Actor::creator("creator").unwrap(),
                _ => Actor::fan("fan").unwrap(),
            };
            match f.end(&actor, call.unwrap()) {
                Ok(o) => report(format!(
                    "ok {} {}",
                    o.events.len(),
                    serde_json::to_string(&o.value.settlement).unwrap()
                )),
                Err(e) => report(e.code()),
            }
        }
        "loop" => run_calls_until_killed(db, arg.parse().unwrap()),
        other => panic!("unknown child role {other}"),
    }
}

/// Whole calls, one new pair after another, until the parent kills the process.
fn run_calls_until_killed(db: &Path, run: i64) {
    // Runs start a day apart so times never go back between runs.
    let clock = SteppingClock(AtomicI64::new(RUNS_FROM_MS + run * DAY_MS));
    let f = engine(db, Arc::new(clock));
    report("ready");
    let step = |what: &str, r: fanline::Result<()>| {
        if let Err(e) = r {
            report(format!("err {what} {}", e.code()));
        }
    };
    for i in 0..100_000 {
        let (c, fan) = (format!("c{run}-{i}"), format!("f{run}-{i}"));
        let creator = Actor::creator(c.as_str()).unwrap();
        let fan_actor = Actor::fan(fan.as_str()).unwrap();
        step(
            "follow",
            f.record_relationship(&fan_actor, &c, RelationshipKind::Follow)
                .map(drop),
        );
        step(
            "credit",
            f.credit(&admin(), &fan, 1_000, &format!("buy-{run}-{i}"))
                .map(drop),
        );
        let call = match f.initiate(
            &creator,
            &InitiateRequest::new(fan.as_str(), CallType::Voice),
        ) {
            Ok(o) => o.value.id.to_string(),
            Err(e) => return report(format!("err initiate {}", e.code())),
        };
        step("accept", f.accept(&fan_actor, &call, None).map(drop));
        step("end", f.end(&creator, &call).map(drop));
        report("ended");
    }
}
