//! The `fanline` command as an operator runs it, on SQLite files: migrate up/down/up (and a
//! foreign file refused untouched), check on good and damaged databases, inspect-token on the
//! Agora vectors, sweep and metrics over a real store. (PostgreSQL: tests/postgres_cli.rs.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test: failing loudly is the point

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use fanline::calls::CallType;
use fanline::engine::InitiateRequest;
use fanline::privacy::RelationshipKind;
use fanline::share::ShareKeyRing;
use fanline::store::sqlite::SCHEMA_VERSION;
use fanline::store::SqliteStore;
use fanline::{Actor, Clock, Fanline, Flags, ManualClock};
use rusqlite::Connection;
use serde_json::Value;

const APP_ID: &str = "970CA35de60c44645bbae8a215061b33";
const CERTIFICATE: &str = "5CFd2fd1755d40ecb72977518be15d3b";

/// Runs `fanline args...` with a clean environment for the variables it reads.
fn fanline(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fanline"))
        .args(args)
        .env_remove("FANLINE_STORE")
        .env_remove("FANLINE_AGORA_APP_ID")
        .env_remove("FANLINE_AGORA_APP_CERTIFICATE")
        .env_remove("FANLINE_SHARE_KEY")
        .env_remove("FANLINE_BILLING")
        .env_remove("FANLINE_LEDGER")
        .env_remove("FANLINE_CONFIG")
        .output()
        .expect("run fanline")
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exited")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(out), stderr(out)))
}

fn spec(path: &Path) -> String {
    format!("sqlite:{}", path.display())
}

/// Every table, view and index in the file, by type and name.
fn objects(path: &Path) -> Vec<String> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT type || ' ' || name FROM sqlite_master ORDER BY 1")
        .unwrap();
    let rows = stmt.query_map([], |r| r.get(0)).unwrap();
    rows.map(Result::unwrap).collect()
}

fn engine(path: &Path, clock: &ManualClock) -> Fanline {
    Fanline::builder()
        .store(Arc::new(SqliteStore::open(path).unwrap()))
        .agora(APP_ID, CERTIFICATE)
        .share_keys(ShareKeyRing::new(1, &[7u8; 32]).unwrap())
        .flags(Flags::all_on())
        .clock(Arc::new(clock.clone()))
        .build()
        .unwrap()
}

fn ops() -> Actor {
    Actor::admin("ops").unwrap()
}

#[test]
fn migrate_up_down_up() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.db");
    let store = spec(&path);

    let status = fanline(&["migrate", "status", "--format", "json", "--store", &store]);
    assert_eq!(code(&status), 0, "{}", stderr(&status));
    let status = json(&status);
    assert_eq!(status["schemaVersion"], 0);
    assert_eq!(status["latestVersion"], SCHEMA_VERSION);
    let pending = status["migrations"].as_array().unwrap();
    assert_eq!(pending.len(), SCHEMA_VERSION as usize);
    assert!(pending.iter().all(|m| m["appliedAtMs"].is_null()));
    assert!(!path.exists(), "status created nothing");

    let up = fanline(&["migrate", "up", "--store", &store]);
    assert_eq!(code(&up), 0, "{}", stderr(&up));
    assert!(stdout(&up).contains(&format!("from version 0 to {SCHEMA_VERSION}")));
    let migrated = objects(&path);
    assert!(migrated.contains(&"table calls".to_string()));
    let clock = ManualClock::at_ms(1_767_225_600_000);
    engine(&path, &clock)
        .credit(&ops(), "fan", 25, "order-1")
        .unwrap();

    let human = fanline(&["migrate", "status", "--store", &store]);
    assert!(stdout(&human).contains(&format!("at version {SCHEMA_VERSION}")));
    assert!(stdout(&human).contains("0001 initial"));
    assert!(stdout(&human).contains("applied 20"));

    // Without --yes nothing moves.
    let refused = fanline(&["migrate", "down", "--to", "0", "--store", &store]);
    assert_eq!(code(&refused), 2);
    assert!(stderr(&refused).contains("--yes"));
    assert_eq!(objects(&path), migrated);

    // Going "up" to a lower version is refused too.
    let wrong = fanline(&["migrate", "up", "--to", "0", "--store", &store]);
    assert_eq!(code(&wrong), 2);
    assert!(stderr(&wrong).contains("INVALID_INPUT"));

    // One step down: the bookkeeping follows.
    let step = fanline(&["migrate", "down", "--yes", "--store", &store]);
    assert_eq!(code(&step), 0, "{}", stderr(&step));
    let status = json(&fanline(&[
        "migrate", "status", "--format", "json", "--store", &store,
    ]));
    assert_eq!(status["schemaVersion"], SCHEMA_VERSION - 1);

    let down = fanline(&["migrate", "down", "--to", "0", "--yes", "--store", &store]);
    assert_eq!(code(&down), 0, "{}", stderr(&down));
    assert_eq!(
        objects(&path),
        Vec::<String>::new(),
        "nothing of fanline is left"
    );
    let nothing = fanline(&["migrate", "down", "--yes", "--store", &store]);
    assert_eq!(code(&nothing), 2, "nothing left to roll back");

    let again = fanline(&["migrate", "up", "--store", &store]);
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    assert_eq!(objects(&path), migrated);
    let f = engine(&path, &clock);
    assert_eq!(
        f.balance(&ops(), "fan").unwrap(),
        0,
        "the rows went with the tables"
    );
    assert!(f.health().ok);
}

#[test]
fn migrate_up_refuses_another_programs_sqlite_file_untouched() {
    // A SQLite file is fanline's own (the PostgreSQL store lives beside the host's tables,
    // see tests/postgres_cli.rs); the host's file is refused as it is.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("host.db");
    Connection::open(&path)
        .unwrap()
        .execute_batch(
            "CREATE TABLE users (id TEXT PRIMARY KEY); INSERT INTO users VALUES ('ada');",
        )
        .unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let out = fanline(&["migrate", "up", "--store", &spec(&path)]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("STORE_INCOMPATIBLE"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes,
        "the file is untouched"
    );
}

#[test]
fn check_reports_a_good_store_and_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.db");
    let clock = ManualClock::at_ms(1_767_225_600_000);
    let f = engine(&path, &clock);
    f.credit(&ops(), "fan_a", 30, "order-a").unwrap();
    f.credit(&ops(), "fan_b", 12, "order-b").unwrap();
    drop(f);
    let bytes = std::fs::read(&path).unwrap();

    let out = fanline(&["check", "--format", "json", "--store", &spec(&path)]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let v = json(&out);
    assert_eq!(v["ok"], true);
    let report = &v["report"];
    assert_eq!(report["schemaVersion"], SCHEMA_VERSION);
    assert_eq!(report["ledgerSum"], 0);
    assert_eq!(report["problems"], serde_json::json!([]));
    let rows = |table: &str| {
        report["tables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["table"] == table)
            .unwrap_or_else(|| panic!("{table} in {report}"))["rows"]
            .clone()
    };
    // Two credits: two entries each (the user and the issuance account).
    assert_eq!(rows("ledger_entries"), 4);
    assert_eq!(rows("ledger_balances"), 3);
    assert_eq!(rows("calls"), 0);
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "check wrote nothing");

    let human = fanline(&["check", "--store", &spec(&path)]);
    assert_eq!(code(&human), 0);
    assert!(stdout(&human).ends_with("ok\n"), "{}", stdout(&human));
}

#[test]
fn check_finds_damage_and_exits_one_or_two() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::at_ms(1_767_225_600_000);
    let damaged = |name: &str, sql: &str| {
        let path = dir.path().join(name);
        engine(&path, &clock)
            .credit(&ops(), "fan", 30, "order-1")
            .unwrap();
        Connection::open(&path).unwrap().execute_batch(sql).unwrap();
        let out = fanline(&["check", "--format", "json", "--store", &spec(&path)]);
        assert_eq!(code(&out), 1, "{name}: {}", stdout(&out));
        let v = json(&out);
        assert_eq!(v["ok"], false);
        v["report"]["problems"].to_string()
    };
    // The bookkeeping claims a table that is gone (the seed's hand-run rollback, half done).
    let problems = damaged("dropped.db", "DROP TABLE call_settlements");
    assert!(
        problems.contains("call_settlements is missing"),
        "{problems}"
    );
    // Money out of nowhere: an entry without its counterpart.
    let problems = damaged(
        "ledger.db",
        "INSERT INTO ledger_entries (reference, account, amount, at_ms) VALUES ('x', 'fan', 5, 0)",
    );
    assert!(problems.contains("sum to 5"), "{problems}");
    assert!(problems.contains("1 account balance"), "{problems}");
    // A schema behind this build.
    let problems = damaged("behind.db", "DELETE FROM fanline_migrations");
    assert!(problems.contains("migrate up"), "{problems}");

    // Not a database at all, or no file: an error, exit status 2, and the file is untouched.
    let garbage = dir.path().join("garbage.db");
    std::fs::write(&garbage, vec![0x5a; 8192]).unwrap();
    let out = fanline(&["check", "--store", &spec(&garbage)]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("STORE_INCOMPATIBLE"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&garbage).unwrap(), vec![0x5a; 8192]);
    let missing = dir.path().join("missing.db");
    let out = fanline(&["check", "--store", &spec(&missing)]);
    assert_eq!(code(&out), 2);
    assert!(!missing.exists(), "check created nothing");
}

#[test]
fn check_on_memory_or_unknown_specs_is_a_config_error() {
    for store in ["memory:", "sqlite::memory:", "redis://x"] {
        let out = fanline(&["check", "--store", store]);
        assert_eq!(code(&out), 2, "{store}");
        assert!(stderr(&out).contains("INVALID_CONFIG"), "{}", stderr(&out));
    }
    let out = fanline(&["check"]);
    assert_eq!(code(&out), 2, "--store is required");
}

/// The AccessToken2 vectors shared with the core's tests.
fn vectors() -> Vec<Value> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/data/agora-vectors.jsonl"),
    )
    .unwrap();
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn inspect_token_reads_every_spec_vector() {
    let mut seen = 0;
    for v in vectors() {
        let token = v["token"].as_str().unwrap();
        let input = &v["input"];
        let name = input["name"].as_str().unwrap();
        if !token.starts_with("007") {
            // 006 tokens are not AccessToken2: a clear refusal.
            let out = fanline(&["inspect-token", token]);
            assert_eq!(code(&out), 2, "{name}");
            assert!(stderr(&out).contains("INVALID_INPUT"), "{name}");
            continue;
        }
        seen += 1;
        let cert = input["appCertificate"].as_str().unwrap();
        let out = fanline(&[
            "inspect-token",
            token,
            "--certificate",
            cert,
            "--format",
            "json",
        ]);
        assert_eq!(code(&out), 0, "{name}: {}", stderr(&out));
        let t = json(&out);
        assert_eq!(t["signatureValid"], true, "{name}");
        assert_eq!(t["appId"], input["appId"], "{name}");
        assert_eq!(t["issueTs"], input["issueTs"], "{name}");
        assert_eq!(t["salt"], input["salt"], "{name}");
        if let Some(channel) = input.get("channelName") {
            assert_eq!(&t["channel"], channel, "{name}");
        }
        if let Some(uid) = input.get("uid") {
            assert_eq!(&t["numericUid"], uid, "{name}");
        }
        if let Some(account) = input.get("account") {
            assert_eq!(&t["uid"], account, "{name}");
        }

        // Another certificate: the signature does not verify, exit status 1.
        let mut wrong = cert.to_string();
        wrong.replace_range(0..1, if cert.starts_with('0') { "1" } else { "0" });
        let out = fanline(&["inspect-token", token, "--certificate", &wrong]);
        assert_eq!(code(&out), 1, "{name}");
        assert!(stdout(&out).contains("signature   INVALID"), "{name}");
    }
    assert!(seen >= 4, "only {seen} AccessToken2 vectors");
}

#[test]
fn inspect_token_reads_stdin_and_the_certificate_from_the_environment() {
    let v = &vectors()[0];
    let token = v["token"].as_str().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_fanline"))
        .args(["inspect-token", "-"])
        .env("FANLINE_AGORA_APP_CERTIFICATE", CERTIFICATE)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    writeln!(child.stdin.take().unwrap(), "{token}").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    assert!(text.contains("signature   valid"), "{text}");
    assert!(text.contains("joinChannel"), "{text}");
    assert!(
        !text.contains(CERTIFICATE),
        "the certificate is never printed"
    );

    let out = fanline(&["inspect-token", "007garbage"]);
    assert_eq!(code(&out), 2);
    let out = fanline(&["inspect-token", token, "--certificate", "not-hex"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("INVALID"), "{}", stderr(&out));
}

#[test]
fn sweep_expires_due_invitations_and_metrics_count_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.db");
    let store = spec(&path);
    // An invitation made ten minutes ago (the engine's clock), long past its 120 s.
    let ten_minutes_ago = fanline::SystemClock.now_ms() - 600_000;
    let clock = ManualClock::at_ms(ten_minutes_ago);
    let f = engine(&path, &clock);
    f.record_relationship(
        &Actor::fan("fan").unwrap(),
        "creator",
        RelationshipKind::Follow,
    )
    .unwrap();
    f.credit(&ops(), "fan", 100, "order-1").unwrap();
    let call = f
        .initiate(
            &Actor::creator("creator").unwrap(),
            &InitiateRequest::new("fan", CallType::Voice),
        )
        .unwrap()
        .value;
    drop(f);

    // Without Agora credentials the engine cannot be built.
    let out = fanline(&["sweep", "--store", &store]);
    assert_eq!(code(&out), 2);

    // Nor without the backend's billing terms: the sweeper settles calls on them.
    let out = Command::new(env!("CARGO_BIN_EXE_fanline"))
        .args(["sweep", "--store", &store])
        .env("FANLINE_AGORA_APP_ID", APP_ID)
        .env("FANLINE_AGORA_APP_CERTIFICATE", CERTIFICATE)
        .output()
        .unwrap();
    assert_eq!(code(&out), 2, "{}", stderr(&out));

    let out = Command::new(env!("CARGO_BIN_EXE_fanline"))
        .args(["sweep", "--store", &store])
        .env("FANLINE_AGORA_APP_ID", APP_ID)
        .env("FANLINE_AGORA_APP_CERTIFICATE", CERTIFICATE)
        .env("FANLINE_BILLING", "{}")
        .env("FANLINE_LEDGER", "true")
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("sweep: 1 call(s) expired or ended, 2 event(s)"),
        "{}",
        stderr(&out)
    );
    let events: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events.len(), 2);
    for (e, user) in events.iter().zip(["user:creator", "user:fan"]) {
        assert_eq!(e["name"], "call:missed");
        assert_eq!(e["channel"], user);
        assert_eq!(e["payload"]["callId"], call.id.to_string());
    }
    assert!(!stderr(&out).contains(CERTIFICATE));
    let status = engine(&path, &clock)
        .status(&Actor::fan("fan").unwrap(), &call.id.to_string())
        .unwrap();
    assert_eq!(
        serde_json::to_value(&status).unwrap()["call"]["state"],
        "missed"
    );

    // Metrics: one initiated, one missed; as CSV with a header row, and as JSON.
    let out = fanline(&[
        "metrics",
        "--since",
        "2020-01-01",
        "--format",
        "csv",
        "--store",
        &store,
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| row[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(
        (col("initiated"), col("missed"), col("accepted")),
        ("1", "1", "0")
    );
    let out = fanline(&[
        "metrics",
        "--until",
        "2020-01-01T00:00:00Z",
        "--store",
        &store,
    ]);
    assert_eq!(
        json(&out)["summary"][0]["initiated"],
        0,
        "nothing before 2020"
    );
    let out = fanline(&[
        "metrics", "--format", "csv", "--table", "timeline", "--store", &store,
    ]);
    assert!(
        stdout(&out).starts_with("bucketStartMs,bucketStart,"),
        "{}",
        stdout(&out)
    );
    let out = fanline(&["metrics", "--since", "yesterday", "--store", &store]);
    assert_eq!(code(&out), 2);

    // A schema behind this build: sweep and metrics refuse rather than migrate it.
    Connection::open(&path)
        .unwrap()
        .execute_batch("DELETE FROM fanline_migrations")
        .unwrap();
    let out = fanline(&["metrics", "--store", &store]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("fanline migrate up"),
        "{}",
        stderr(&out)
    );
}

/// A store holding one call accepted three hours ago (engine clock) with 50 tokens at 10 per
/// minute: its limit was five minutes after accept, long past now.
fn call_past_its_limit(path: &Path) -> ManualClock {
    let clock = ManualClock::at_ms(fanline::SystemClock.now_ms() - 3 * 3_600_000);
    let f = engine(path, &clock);
    let fan = Actor::fan("fan").unwrap();
    f.record_relationship(&fan, "creator", RelationshipKind::Follow)
        .unwrap();
    f.credit(&ops(), "fan", 50, "order-1").unwrap();
    let call = f
        .initiate(
            &Actor::creator("creator").unwrap(),
            &InitiateRequest::new("fan", CallType::Voice),
        )
        .unwrap()
        .value;
    f.accept(&fan, &call.id.to_string(), None).unwrap();
    clock
}

#[test]
fn sweep_ends_a_call_past_its_limit_with_the_backends_billing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.db");
    let clock = call_past_its_limit(&path);

    let out = Command::new(env!("CARGO_BIN_EXE_fanline"))
        .args(["sweep", "--store", &spec(&path)])
        .env("FANLINE_AGORA_APP_ID", APP_ID)
        .env("FANLINE_AGORA_APP_CERTIFICATE", CERTIFICATE)
        .env("FANLINE_BILLING", r#"{"feeBps":2000}"#)
        .env("FANLINE_LEDGER", "true")
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let events: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(events.iter().all(|e| e["name"] == "call:ended"));
    let settlement = &events[0]["payload"]["settlement"];
    assert_eq!(settlement["bill"]["billedSeconds"], 300, "{settlement}");
    assert_eq!(settlement["charged"], 50, "{settlement}");
    assert_eq!(settlement["fee"], 10, "the backend's 20% fee: {settlement}");
    let f = engine(&path, &clock);
    assert_eq!(f.balance(&ops(), "fan").unwrap(), 0);
    assert_eq!(f.ledger_sum(&ops()).unwrap(), 0);

    // A billing policy with a typo is refused before anything runs.
    let out = Command::new(env!("CARGO_BIN_EXE_fanline"))
        .args([
            "sweep",
            "--store",
            &spec(&path),
            "--billing",
            r#"{"feeBPS":1}"#,
            "--ledger",
            "true",
        ])
        .env("FANLINE_AGORA_APP_ID", APP_ID)
        .env("FANLINE_AGORA_APP_CERTIFICATE", CERTIFICATE)
        .output()
        .unwrap();
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("INVALID_CONFIG"), "{}", stderr(&out));
}

#[test]
fn sweep_builds_its_engine_from_the_backends_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.db");
    let clock = call_past_its_limit(&path);
    let config = |store: &str| {
        serde_json::json!({
            "store": store,
            "agora": { "appId": APP_ID, "appCertificate": CERTIFICATE },
            "shareKeys": { "activeKeyId": 1,
                           "keys": [{ "id": 1, "secret": "a-share-key-of-at-least-32-bytes!" }] },
            "flags": { "calls": true },
            "billing": { "feeBps": 2000 },
        })
        .to_string()
    };
    let file = dir.path().join("fanline.json");

    // A file naming another database is refused before anything runs, without printing it.
    std::fs::write(&file, config("sqlite:/elsewhere/other.db")).unwrap();
    let out = fanline(&[
        "sweep",
        "--store",
        &spec(&path),
        "--config",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("INVALID_CONFIG"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("elsewhere"), "{}", stderr(&out));
    assert_eq!(engine(&path, &clock).balance(&ops(), "fan").unwrap(), 50);

    // The file and the one-by-one options are either/or.
    let out = fanline(&[
        "sweep",
        "--store",
        &spec(&path),
        "--config",
        file.to_str().unwrap(),
        "--ledger",
        "true",
    ]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));

    std::fs::write(&file, config(&spec(&path))).unwrap();
    let out = fanline(&[
        "sweep",
        "--store",
        &spec(&path),
        "--config",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let ended: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(ended.len(), 2, "{ended:?}");
    let settlement = &ended[0]["payload"]["settlement"];
    assert_eq!(settlement["charged"], 50, "{settlement}");
    assert_eq!(settlement["fee"], 10, "the file's 20% fee: {settlement}");
    assert_eq!(engine(&path, &clock).ledger_sum(&ops()).unwrap(), 0);
}
