//! The embedded SQLite store through the engine: a whole call on a file that is reopened,
//! history across both sides of a user, migrations down and up, a schema from the future,
//! contention that outlasts the retry bound, and the kind of id each store gives new calls.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test: failing loudly is the point

mod call_rows;

use std::sync::Arc;
use std::time::Duration;

use fanline::calls::{CallState, CallType};
use fanline::engine::InitiateRequest;
use fanline::privacy::RelationshipKind;
use fanline::share::ShareKeyRing;
use fanline::store::{MemoryStore, SqliteOptions, SqliteStore, Store};
use fanline::{Actor, Fanline, Flags, ManualClock};
use rusqlite::Connection;

const START_MS: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

fn engine(store: Arc<dyn Store>, clock: &ManualClock) -> Fanline {
    Fanline::builder()
        .store(store)
        .agora(
            "970CA35de60c44645bbae8a215061b33",
            "5CFd2fd1755d40ecb72977518be15d3b",
        )
        .share_keys(ShareKeyRing::new(1, &[7u8; 32]).unwrap())
        .flags(Flags::all_on())
        .clock(Arc::new(clock.clone()))
        .build()
        .unwrap()
}

fn admin() -> Actor {
    Actor::admin("ops").unwrap()
}

/// The fan follows the creator and holds `tokens`.
fn befriend(f: &Fanline, creator: &str, fan: &str, tokens: u64) {
    f.record_relationship(&Actor::fan(fan).unwrap(), creator, RelationshipKind::Follow)
        .unwrap();
    f.credit(&admin(), fan, tokens, &format!("buy-{fan}-{creator}"))
        .unwrap();
}

#[test]
fn a_whole_call_is_stored_and_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fanline.db");
    let clock = ManualClock::at_ms(START_MS);
    let (call_id, dump) = {
        let store = Arc::new(SqliteStore::open(&path).unwrap());
        let f = engine(store.clone(), &clock);
        befriend(&f, "creator", "fan", 100);
        let creator = Actor::creator("creator").unwrap();
        let fan = Actor::fan("fan").unwrap();
        let call = f
            .initiate(&creator, &InitiateRequest::new("fan", CallType::Video))
            .unwrap()
            .value;
        assert_eq!(f.pending(&fan).unwrap().len(), 1);
        clock.advance_secs(5);
        f.accept(&fan, &call.id.to_string(), None).unwrap();
        clock.advance_secs(190);
        let ended = f.end(&creator, &call.id.to_string()).unwrap();
        // 3 min 10 s at the default 10 tokens/min, per started minute: 4 minutes.
        assert_eq!(ended.value.settlement.charge.charged, 40);
        assert_eq!(ended.events.len(), 1);
        let again = f.end(&fan, &call.id.to_string()).unwrap();
        assert_eq!(again.value.settlement, ended.value.settlement);
        assert!(again.events.is_empty());
        assert_eq!(f.balance(&fan, "fan").unwrap(), 60);
        assert_eq!(f.ledger_sum(&admin()).unwrap(), 0);
        (call.id, store.dump().unwrap())
    };

    let store = Arc::new(SqliteStore::open(&path).unwrap());
    assert_eq!(store.dump().unwrap(), dump, "reopening changes nothing");
    assert_eq!(dump.matches("[call_settlements]\ncall_id=").count(), 1);
    let f = engine(store, &clock);
    let status = f
        .status(&Actor::fan("fan").unwrap(), &call_id.to_string())
        .unwrap();
    assert_eq!(status.call.state, CallState::Ended);
    assert_eq!(status.settlement.unwrap().charge.charged, 40);
    let called = f
        .relationship(&Actor::creator("creator").unwrap(), "fan")
        .unwrap();
    assert!(called.iter().any(|r| r.kind == RelationshipKind::Called));
}

/// Runs the same calls on `store`: `u` is called by three creators and calls three fans, one
/// second apart, each call cancelled. Returns `u`'s history, page by page of 2.
fn history_of_a_user_on_both_sides(store: Arc<dyn Store>) -> Vec<Vec<(String, String, String)>> {
    let clock = ManualClock::at_ms(START_MS);
    let f = engine(store, &clock);
    for i in 0..3 {
        let (other_creator, other_fan) = (format!("c{i}"), format!("f{i}"));
        befriend(&f, &other_creator, "u", 100);
        befriend(&f, "u", &other_fan, 100);
        for (creator, fan) in [(other_creator.as_str(), "u"), ("u", other_fan.as_str())] {
            let actor = Actor::creator(creator).unwrap();
            let call = f
                .initiate(&actor, &InitiateRequest::new(fan, CallType::Voice))
                .unwrap()
                .value;
            f.cancel(&actor, &call.id.to_string()).unwrap();
            clock.advance_secs(1);
        }
    }
    let u = Actor::fan("u").unwrap();
    let mut pages = Vec::new();
    let mut cursor = None;
    loop {
        let page = f.history(&u, cursor.as_deref(), 2).unwrap();
        pages.push(
            page.items
                .iter()
                .map(|c| {
                    (
                        c.creator_id.to_string(),
                        c.fan_id.to_string(),
                        c.created_at.clone(),
                    )
                })
                .collect(),
        );
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return pages,
        }
    }
}

#[test]
fn history_merges_both_sides_newest_first_like_the_memory_store() {
    let in_memory = SqliteStore::open_in_memory().unwrap();
    assert_eq!(in_memory.path(), None);
    let sqlite = history_of_a_user_on_both_sides(Arc::new(in_memory));
    let memory = history_of_a_user_on_both_sides(Arc::new(MemoryStore::new()));
    assert_eq!(sqlite, memory);
    let flat: Vec<_> = sqlite.iter().flatten().collect();
    assert_eq!(flat.len(), 6);
    assert_eq!(sqlite.len(), 3);
    assert_eq!((flat[0].0.as_str(), flat[0].1.as_str()), ("u", "f2"));
    assert_eq!((flat[5].0.as_str(), flat[5].1.as_str()), ("c0", "u"));
    assert!(flat.windows(2).all(|w| w[0].2 > w[1].2));
}

fn schema_objects(path: &std::path::Path) -> Vec<String> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT type || ' ' || name FROM sqlite_master ORDER BY 1")
        .unwrap();
    let names = stmt.query_map([], |r| r.get(0)).unwrap();
    names.map(Result::unwrap).collect()
}

#[test]
fn migrating_down_removes_everything_and_up_again_works() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fanline.db");
    let clock = ManualClock::at_ms(START_MS);
    {
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.path(), Some(path.as_path()));
        assert_eq!(
            store.schema_version().unwrap(),
            fanline::store::sqlite::SCHEMA_VERSION
        );
        befriend(&engine(Arc::new(store), &clock), "creator", "fan", 10);
    }
    let before = schema_objects(&path);
    for name in [
        "table calls",
        "index calls_ringing_expiry",
        "view call_invitations",
    ] {
        assert!(before.iter().any(|o| o == name), "{name} in {before:?}");
    }

    let unknown = fanline::store::sqlite::SCHEMA_VERSION + 1;
    assert_eq!(
        SqliteStore::migrate_to(&path, unknown).unwrap_err().code(),
        "INVALID_INPUT"
    );
    assert_eq!(schema_objects(&path), before);
    SqliteStore::migrate_to(&path, 0).unwrap();
    assert_eq!(schema_objects(&path), Vec::<String>::new());

    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(schema_objects(&path), before);
    let f = engine(Arc::new(store), &clock);
    assert_eq!(f.balance(&admin(), "fan").unwrap(), 0, "the data went too");
    befriend(&f, "creator", "fan", 10);
    assert_eq!(f.balance(&admin(), "fan").unwrap(), 10);
}

#[test]
fn a_schema_newer_than_the_library_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fanline.db");
    drop(SqliteStore::open(&path).unwrap());
    Connection::open(&path)
        .unwrap()
        .execute(
            "INSERT INTO fanline_migrations (version, name, applied_at_ms) VALUES (99, 'future', 0)",
            [],
        )
        .unwrap();
    let before = schema_objects(&path);
    let err = SqliteStore::open(&path).unwrap_err();
    assert_eq!(err.code(), "STORE_INCOMPATIBLE");
    assert_eq!(
        err.retry_after(),
        None,
        "a permanent fault is not retryable"
    );
    assert!(err.to_string().contains("schema version 99"), "{err}");
    assert_eq!(schema_objects(&path), before);
    assert_eq!(
        SqliteStore::migrate_to(&path, 0).unwrap_err().code(),
        "STORE_INCOMPATIBLE"
    );
    assert_eq!(schema_objects(&path), before);
}

#[test]
fn a_lock_held_past_the_retry_bound_is_store_unavailable_and_reads_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fanline.db");
    let options = SqliteOptions {
        busy_timeout: Duration::from_millis(20),
        max_retries: 2,
        ..SqliteOptions::default()
    };
    let clock = ManualClock::at_ms(START_MS);
    let f = engine(
        Arc::new(SqliteStore::open_with(&path, options).unwrap()),
        &clock,
    );
    befriend(&f, "creator", "fan", 10);
    let before = f.store().dump().unwrap();

    let other = Connection::open(&path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let err = f.credit(&admin(), "fan", 5, "blocked").unwrap_err();
    assert_eq!(err.code(), "STORE_UNAVAILABLE");
    assert_eq!(err.http_status(), 503);
    let message = err.to_string();
    for leak in ["sqlite", "SQL", "BEGIN", "locked", "fanline.db"] {
        assert!(!message.contains(leak), "{message:?} leaks {leak:?}");
    }
    // WAL: a writer elsewhere does not stop readers.
    assert_eq!(f.balance(&admin(), "fan").unwrap(), 10);
    other.execute_batch("ROLLBACK").unwrap();

    assert_eq!(
        f.store().dump().unwrap(),
        before,
        "the refused write left nothing"
    );
    assert_eq!(f.credit(&admin(), "fan", 5, "later").unwrap().value, 15);
}

#[test]
fn options_are_validated() {
    let dir = tempfile::tempdir().unwrap();
    let bad = SqliteOptions {
        max_connections: 0,
        ..SqliteOptions::default()
    };
    let err = SqliteStore::open_with(dir.path().join("x.db"), bad).unwrap_err();
    assert_eq!(err.code(), "INVALID_CONFIG");
    let err = SqliteStore::open(dir.path().join("missing-dir").join("x.db")).unwrap_err();
    assert_eq!(err.code(), "STORE_UNAVAILABLE");
    assert!(!err.to_string().contains("missing-dir"));
}

#[test]
fn the_shipped_down_file_run_by_hand_leaves_a_store_that_opens_and_migrates_again() {
    // The seed's way to roll back: run the .down.sql with a SQLite shell. Before the down
    // files reset the bookkeeping, the store then believed it was at version 1 and every
    // operation failed with STORE_UNAVAILABLE, forever.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fanline.db");
    let clock = ManualClock::at_ms(START_MS);
    let store = Arc::new(SqliteStore::open(&path).unwrap());
    let f = engine(store.clone(), &clock);
    befriend(&f, "creator", "fan", 10);
    assert!(f.health().ok);

    let conn = Connection::open(&path).unwrap();
    for v in (1..=fanline::store::sqlite::SCHEMA_VERSION).rev() {
        let file = std::fs::read_dir(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store/sqlite/migrations"),
        )
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.starts_with(&format!("{v:04}_")) && name.ends_with(".down.sql")
        })
        .unwrap();
        conn.execute_batch(&std::fs::read_to_string(file).unwrap())
            .unwrap();
    }
    assert_eq!(schema_objects(&path), Vec::<String>::new());

    // The store that was open when the tables went reports it instead of claiming health.
    let h = f.health();
    assert!(!h.ok);
    assert_eq!(h.schema_version, Some(0));
    assert_eq!(h.error.unwrap().code, "STORE_UNAVAILABLE");
    drop(f);
    drop(store);

    let store = Arc::new(SqliteStore::open(&path).unwrap());
    assert_eq!(
        store.schema_version().unwrap(),
        fanline::store::sqlite::SCHEMA_VERSION
    );
    let f = engine(store, &clock);
    befriend(&f, "creator", "fan", 10);
    assert_eq!(f.balance(&admin(), "fan").unwrap(), 10);
    let h = f.health();
    assert!(h.ok && h.error.is_none(), "{h:?}");
    assert_eq!(h.store, Some("sqlite"));
    assert_eq!(
        serde_json::to_value(&h).unwrap()["schemaVersion"],
        fanline::store::sqlite::SCHEMA_VERSION
    );
}

#[test]
fn health_of_a_memory_store_has_no_schema() {
    let clock = ManualClock::at_ms(START_MS);
    let h = engine(Arc::new(MemoryStore::new()), &clock).health();
    assert!(h.ok);
    assert_eq!((h.store, h.schema_version), (Some("memory"), None));
    let json = serde_json::to_value(&h).unwrap();
    assert!(json.get("latencyMs").unwrap().is_number());
    assert!(json.get("error").is_none());
}

/// The rules a call row obeys hold in the database itself: rows breaking any of them are
/// refused by SQLite's CHECK constraints, valid ones of every state accepted.
#[test]
fn the_database_refuses_call_rows_that_break_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fanline.db");
    drop(SqliteStore::open(&path).unwrap());
    let conn = Connection::open(&path).unwrap();
    let insert = |n: u32, values: &str| {
        conn.execute(
            &format!(
                "INSERT INTO calls (id, creator_id, fan_id, call_type, state, rate_per_minute, \
                 creator_uid, fan_uid, created_at_ms, expires_at_ms, connected_at_ms, \
                 finished_at_ms) VALUES ('call-{n}', 'c', 'f', {values})"
            ),
            [],
        )
    };
    for (n, values) in (0..).zip(call_rows::BROKEN) {
        let err = insert(n, values).expect_err(values);
        assert!(
            err.to_string().contains("CHECK constraint failed"),
            "{values}: {err}"
        );
    }
    for (n, values) in (100..).zip(call_rows::VALID) {
        insert(n, values).unwrap_or_else(|e| panic!("{values}: {e}"));
    }
}

/// The version digit of a hyphenated UUID (`xxxxxxxx-xxxx-Vxxx-...`).
fn uuid_version(id: &str) -> char {
    id.chars().nth(14).unwrap()
}

/// The ids of `n` calls rung on `store`, one pair each, all in the same millisecond.
fn ring_calls(store: Arc<dyn Store>, n: usize) -> Vec<String> {
    let clock = ManualClock::at_ms(START_MS);
    let f = engine(store, &clock);
    (0..n)
        .map(|i| {
            let (creator, fan) = (format!("c{i}"), format!("f{i}"));
            befriend(&f, &creator, &fan, 100);
            f.initiate(
                &Actor::creator(creator.as_str()).unwrap(),
                &InitiateRequest::new(fan.as_str(), CallType::Voice),
            )
            .unwrap()
            .value
            .id
            .to_string()
        })
        .collect()
}

#[test]
fn sqlite_gives_time_ordered_call_ids_and_memory_random_ones() {
    let ids = ring_calls(Arc::new(SqliteStore::open_in_memory().unwrap()), 50);
    assert!(ids.iter().all(|id| uuid_version(id) == '7'), "{ids:?}");
    // Each after the last, so the `calls` b-tree grows at its right edge.
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");

    let ids = ring_calls(Arc::new(MemoryStore::new()), 50);
    assert!(ids.iter().all(|id| uuid_version(id) == '4'), "{ids:?}");
    assert!(
        ids.windows(2).any(|w| w[0] > w[1]),
        "50 random ids in creation order: {ids:?}"
    );
}
